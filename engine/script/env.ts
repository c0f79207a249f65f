import * as z from 'zod';
import type { Block } from '../../blocks/registry.js';
import type { Source } from '../block-api/contract.js';
import type { LoadCode } from '../codes.js';
import { IDENTIFIER, isIdentifier, isPrototypeKey } from '../names.js';
import type { GraphNode } from './graph.js';
import { expressionsOf } from './sources.js';
import { closest } from './suggest.js';
import type { YamlPath } from './yaml-path.js';

/** The most names a script may declare under `env:`, and the longest description of one. */
export const MAX_ENV_NAMES = 100;
export const MAX_ENV_DESCRIPTION = 1000;

/** An env name: an identifier, as `env.NAME` reads it, at most 64 characters. */
const envName = z
  .string()
  .max(64)
  .regex(IDENTIFIER, { error: 'an env name is letters, digits and _, not starting with a digit' })
  .refine((name) => !isPrototypeKey(name), { error: 'it is reserved' });

/**
 * The script's top-level `env:` (docs/script-language.md, "env"): the host values it reads as
 * `env.NAME`, as a list of names or a map of name → what the value is.
 */
export const envDeclaration = z
  .union([
    z.array(envName).superRefine((names, context) => {
      names.forEach((name, index) => {
        if (names.indexOf(name) !== index)
          context.addIssue({ code: 'custom', path: [index], message: `${name} is listed twice` });
      });
    }),
    z.record(envName, z.string().max(MAX_ENV_DESCRIPTION)),
  ])
  // Counted for both forms at once, so that too many names is said as such, not as a wrong form.
  .refine((names) => Object.keys(names).length <= MAX_ENV_NAMES, {
    error: `it declares more than ${MAX_ENV_NAMES} names`,
  });

export type EnvDeclaration = z.output<typeof envDeclaration>;

/** The declared names with their descriptions ('' in the list form), in the order written. */
export function declaredEnv(declaration: EnvDeclaration | undefined): ReadonlyMap<string, string> {
  if (declaration === undefined) return new Map();
  return Array.isArray(declaration)
    ? new Map(declaration.map((name) => [name, '']))
    : new Map(Object.entries(declaration));
}

interface EnvFinding {
  readonly path: YamlPath;
  readonly atKey?: boolean;
  readonly offset?: number;
  readonly severity: 'error' | 'warning';
  readonly code: LoadCode;
  readonly message: string;
  readonly hint?: string;
}

/** One read of `env` in a source: a name, or undefined when the name is computed (or env read whole). */
interface EnvRead {
  readonly name: string | undefined;
  /** Where in the source text the read is written, when it can be found. */
  readonly offset: number | undefined;
}

/**
 * Checks the script's `env` reads against its `env:` declaration: a read of an undeclared name is
 * an error (with or without `env:`, so a host can tell before any turn what a script needs), a read
 * by a computed name too (it could read anything), and a declared name nothing reads a warning.
 * Sources that do not parse are left to checkSources, which reports them.
 */
export function checkEnv(
  declaration: EnvDeclaration | undefined,
  nodes: ReadonlyMap<string, GraphNode>,
  blocks: ReadonlyMap<string, Block>,
  allBlocksValid: boolean,
): EnvFinding[] {
  const declared = declaredEnv(declaration);
  const findings: EnvFinding[] = [];
  const undeclared: { path: YamlPath; offset: number | undefined; name: string }[] = [];
  const read = new Set<string>();
  for (const [id, block] of blocks) {
    for (const source of nodes.get(id)?.definition.sources(block) ?? []) {
      const path = ['blocks', id, ...source.path];
      for (const { name, offset } of envReads(source)) {
        if (name === undefined) {
          findings.push({
            path,
            ...(offset !== undefined && { offset }),
            severity: 'error',
            code: 'env.not-by-name',
            message: 'env is read whole or by a computed name, so what the script needs cannot be checked',
            hint: 'read each value by its name, as env.NAME',
          });
        } else if (declared.has(name)) {
          read.add(name);
        } else {
          undeclared.push({ path, offset, name });
        }
      }
    }
  }
  // Without `env:` at all, each hint names every missing name: one line to add fixes them all.
  const missing = [...new Set(undeclared.map(({ name }) => name))].filter(isIdentifier);
  for (const { path, offset, name } of undeclared) {
    const match = closest(name, declared.keys());
    findings.push({
      path,
      ...(offset !== undefined && { offset }),
      severity: 'error',
      code: 'env.undeclared',
      message: `${isIdentifier(name) ? `env.${name}` : `env[${JSON.stringify(name)}]`} is not declared`,
      hint:
        match !== undefined
          ? `did you mean env.${match}?`
          : !isIdentifier(name)
            ? 'an env name is letters, digits and _, not starting with a digit'
            : declaration === undefined
              ? `add env: [${missing.join(', ')}] at the top of the script`
              : `add ${name} under env:`,
    });
  }
  // A block that failed its own checks may be the one that reads a name: no warning then.
  if (!allBlocksValid) return findings;
  const listed = Array.isArray(declaration);
  [...declared.keys()].forEach((name, index) => {
    if (read.has(name)) return;
    findings.push({
      path: ['env', listed ? index : name],
      atKey: !listed,
      severity: 'warning',
      code: 'env.unused',
      message: `env.${name} is declared but never read`,
      hint: `read it as env.${name}, or remove it from env:`,
    });
  });
  return findings;
}

/** The env reads of one expression or template; none for a text that does not parse. */
function envReads(source: Source): EnvRead[] {
  return expressionsOf(source).flatMap(({ compiled, at }) => readsIn(compiled.paths, source.text, at));
}

/** The env reads among an expression's member paths (`env.CRM_URL`, `env["a-b"]`, or `env` alone). */
function readsIn(paths: readonly string[], text: string, from: number): EnvRead[] {
  return paths.flatMap((path): EnvRead[] => {
    if (path === 'env') return [{ name: undefined, offset: offsetOf(text, from, /\benv\b/) }];
    // A literal key that is no identifier is written as JSON: `env["a-b"]`, `env[0]`.
    const named = /^env\.([A-Za-z_$][A-Za-z0-9_$]*)/.exec(path)?.[1];
    const literal = /^env\[("(?:[^"\\]|\\.)*"|[^\]"]+)\]/.exec(path)?.[1];
    const name = named ?? (literal === undefined ? undefined : String(JSON.parse(literal)));
    if (name === undefined) return [];
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const written = new RegExp(String.raw`\benv\s*(?:\.\s*${escaped}\b|\[\s*(["'])${escaped}\1)`);
    return [{ name, offset: offsetOf(text, from, written) }];
  });
}

/** Where `pattern` is first written in `text` at or after `from`; `from` itself when it is not found. */
function offsetOf(text: string, from: number, pattern: RegExp): number {
  const found = pattern.exec(text.slice(from));
  return from + (found?.index ?? 0);
}
