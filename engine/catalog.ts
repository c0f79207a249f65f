import { blockDefinitions } from '../blocks/registry.js';
import { CODES, type Code, type CodeInfo } from './codes.js';

function catalog(): Readonly<Record<Code, CodeInfo>> {
  const all: Record<string, CodeInfo> = { ...CODES };
  for (const definition of Object.values(blockDefinitions)) {
    for (const [code, info] of Object.entries(definition.codes ?? {})) {
      // Two owners for one code would make a code mean two things: a bug in botflow.
      if (Object.hasOwn(all, code)) throw new Error(`the code ${code} is declared twice`);
      all[code] = info;
    }
  }
  // Each block module declares its codes to the type `BlockCodes` from the same object it gives
  // its definition, so these are every Code there is.
  return all as Readonly<Record<Code, CodeInfo>>;
}

/** Every code botflow reports, with what it means and what to do: the engine's, then each block type's. */
export const CATALOG = catalog();
