import * as z from 'zod';
import type { Block } from '../../blocks/registry.js';
import type { LoadCode } from '../codes.js';
import { variableName } from './fields.js';
import type { GraphNode } from './graph.js';
import { knownVariables } from './sources.js';
import { didYouMean } from './suggest.js';
import type { YamlPath } from './yaml-path.js';

/** The most names a script may list under `expose:`; a variable is shown once however often listed. */
const EXPOSE_LIMIT = 200;

/**
 * The script's top-level `expose:` (docs/script-language.md, "expose"): the variables the HTTP
 * API's answers show a caller; none by default.
 */
export const exposeDeclaration = z.array(variableName).max(EXPOSE_LIMIT);

/** Variables no answer shows, even listed: a server's whole answer, and the host's secrets. */
export const NEVER_EXPOSED: ReadonlySet<string> = new Set(['response', 'env']);

interface ExposeFinding {
  readonly path: YamlPath;
  readonly severity: 'error' | 'warning';
  readonly code: LoadCode;
  readonly message: string;
  readonly hint?: string;
}

/**
 * Checks the names under `expose:`: `response` and `env` are errors (a CRM's answer and the
 * host's secrets stay on the server); a name nothing declares or sets is a warning, like a read
 * of one (it shows nothing).
 */
export function checkExpose(
  exposed: readonly string[],
  declared: Readonly<Record<string, unknown>>,
  nodes: ReadonlyMap<string, GraphNode>,
  blocks: ReadonlyMap<string, Block>,
): ExposeFinding[] {
  const known = knownVariables(declared, nodes, blocks);
  for (const name of NEVER_EXPOSED) known.delete(name);
  return exposed.flatMap((name, i): ExposeFinding[] => {
    if (NEVER_EXPOSED.has(name)) {
      return [
        {
          path: ['expose', i],
          severity: 'error',
          code: 'expose.private',
          message: `"${name}" cannot be exposed: it can hold a server's whole answer or the host's secrets`,
          hint: 'save the fields callers need in variables of their own, and expose those',
        },
      ];
    }
    if (known.has(name)) return [];
    return [
      {
        path: ['expose', i],
        severity: 'warning',
        code: 'expose.undeclared',
        message: `variable "${name}" is exposed, but nothing declares or sets it`,
        hint: didYouMean(name, known) ?? 'declare it under variables: with a default',
      },
    ];
  });
}
