import type { Block } from '../../blocks/registry.js';
import type { Position, ScriptProblem } from './problem.js';

export type ScriptValue = string | number | boolean;

/** A validated script: what the compiler takes in. */
export interface Script {
  readonly name: string;
  readonly description: string | undefined;
  /** The first block to run. */
  readonly start: string;
  /** The block for failures no block routes (docs/script-language.md, "request"). */
  readonly onError: string | undefined;
  /** Declared variables and their defaults. */
  readonly variables: Readonly<Record<string, ScriptValue>>;
  /** The host values it reads as `env.NAME` (its `env:`), each with its description ('' for none). */
  readonly env: ReadonlyMap<string, string>;
  /** The variables the HTTP API's answers show (its `expose:`, each once); never `response` or `env`. */
  readonly expose: readonly string[];
  /** Blocks by id, in file order. A Map, so no id can collide with an object's own members. */
  readonly blocks: ReadonlyMap<string, Block>;
  readonly file: string;
  /** A hash of the source text: one script version, for compile caching and stored sessions. */
  readonly version: string;
  /** Where each block's id is written. */
  readonly positions: ReadonlyMap<string, Position>;
  /** Where each way out and branch is written, by `block edge` (edge as in a TraceEvent). */
  readonly edgePositions: ReadonlyMap<string, Position>;
  /**
   * Strict mode (`strict: true`, or `--strict`): warnings were errors at load, and an expression
   * that fails at run time fails its block instead of being taken as false or rendered empty.
   */
  readonly strict: boolean;
  /**
   * `required` (`links: { signed: required }`): a start seeds variables only from a valid signed
   * value (docs/invitation-links.md, "Signed links"); `optional` by default.
   */
  readonly signedLinks: 'required' | 'optional';
  /** Problems that do not stop the script from running (unreachable blocks, undeclared variables). */
  readonly warnings: readonly ScriptProblem[];
}
