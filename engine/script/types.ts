import type { Block } from '../../blocks/registry.js';
import type { Write } from '../block-api/contract.js';
import type { LoadCode } from '../codes.js';
import { checkExpressionTypes, type TypeProblem, type VariableType } from '../expression/check.js';
import { compileExpression } from '../expression/compile.js';
import {
  KINDS,
  sameType,
  TEXT,
  typeOf,
  typeOfValue,
  union,
  UNKNOWN,
  type ValueType,
} from '../expression/kinds.js';
import type { CompiledExpression } from '../expression/types.js';
import type { GraphNode } from './graph.js';
import { expressionsOf } from './sources.js';
import type { YamlPath } from './yaml-path.js';

/** A type mistake found at load, before a position is given to it. */
export interface TypeFinding {
  readonly path: YamlPath;
  readonly offset?: number;
  readonly severity: 'error';
  readonly code: LoadCode;
  readonly message: string;
  readonly hint?: string;
}

/** What the system variables hold (docs/script-language.md, "Variables"). */
const SYSTEM_TYPES: Readonly<Record<string, VariableType>> = {
  clientExternalId: { type: TEXT, origin: 'a system variable' },
  phone: { type: TEXT, origin: 'a system variable' },
  email: { type: TEXT, origin: 'a system variable' },
  channel: { type: TEXT, origin: 'a system variable' },
  startParam: { type: TEXT, origin: 'a system variable' },
  linkVerified: { type: typeOf('boolean'), origin: 'a system variable' },
  lastMessage: { type: TEXT, origin: 'a system variable' },
  now: { type: typeOf('date'), origin: 'a system variable' },
  env: { type: typeOf('object'), origin: 'a system variable', members: TEXT },
  response: { type: UNKNOWN },
};

/** A system variable's type; an own-property read, so a variable called `toString` is no system variable. */
function systemType(name: string): VariableType | undefined {
  return Object.hasOwn(SYSTEM_TYPES, name) ? SYSTEM_TYPES[name] : undefined;
}

/** Where a variable's type comes from: each writer, with the type it gives. */
interface Written {
  type: ValueType;
  readonly origins: string[];
}

/** How many origins a message lists before "…". */
const ORIGINS_SHOWN = 3;

/**
 * Infers each variable's type from what writes it (docs/expressions.md, "Types"), then checks
 * every expression and template of every block against those types. Only certain mistakes are
 * reported: a comparison of text with a number, a function given a list where it takes text.
 * `lineOf` gives the line of a YAML path, for the origins a message names.
 */
export function checkTypes(
  declared: Readonly<Record<string, unknown>>,
  nodes: ReadonlyMap<string, GraphNode>,
  blocks: ReadonlyMap<string, Block>,
  lineOf: (path: YamlPath) => number,
): TypeFinding[] {
  const types = inferTypes(declared, nodes, blocks, lineOf);
  const lookup =
    (locals: readonly string[] = []) =>
    (name: string): VariableType => {
      if (locals.includes(name)) return { type: UNKNOWN };
      const system = systemType(name);
      if (system !== undefined) return system;
      const written = types.get(name);
      if (written === undefined || written.type === UNKNOWN || written.type.length === 0)
        return { type: UNKNOWN };
      return { type: written.type, origin: describeOrigins(written.origins) };
    };

  const findings: TypeFinding[] = [];
  for (const [id, block] of blocks) {
    for (const source of nodes.get(id)?.definition.sources(block) ?? []) {
      const path = ['blocks', id, ...source.path];
      for (const { compiled, at } of expressionsOf(source)) {
        for (const problem of checkExpressionTypes(compiled, lookup(source.locals)).problems) {
          findings.push(toFinding(path, problem, compiled.source, at));
        }
      }
    }
  }
  return findings;
}

function inferTypes(
  declared: Readonly<Record<string, unknown>>,
  nodes: ReadonlyMap<string, GraphNode>,
  blocks: ReadonlyMap<string, Block>,
  lineOf: (path: YamlPath) => number,
): Map<string, Written> {
  const types = new Map<string, Written>();
  const add = (name: string, type: ValueType, origin: string): boolean => {
    const written = types.get(name);
    if (written === undefined) {
      types.set(name, { type, origins: [origin] });
      return true;
    }
    const merged = union(written.type, type);
    if (!written.origins.includes(origin)) written.origins.push(origin);
    if (sameType(merged, written.type)) return false;
    written.type = merged;
    return true;
  };
  const declaredType = (name: string): ValueType | undefined =>
    Object.hasOwn(declared, name) ? typeOfValue(declared[name]) : undefined;

  for (const [name, value] of Object.entries(declared)) {
    add(name, typeOfValue(value), `its default under variables, line ${lineOf(['variables', name])}`);
  }
  const computed: { write: Write; origin: string; compiled: CompiledExpression }[] = [];
  for (const [id, block] of blocks) {
    for (const write of nodes.get(id)?.definition.writes(block) ?? []) {
      const origin = `block ${id}, line ${lineOf(['blocks', id, ...write.path])}, ${write.how}`;
      if ('type' in write.value) {
        add(write.name, outsideType(write.value.type, declaredType(write.name)), origin);
        continue;
      }
      const compiled = compileExpression(write.value.expression);
      // One that does not parse is reported as such; what it would write is not known.
      if (compiled.ok) computed.push({ write, origin, compiled });
      else add(write.name, UNKNOWN, origin);
    }
  }
  // A variable another `set` writes has no type yet, not an unknown one: it grows as rounds go.
  for (const { write } of computed)
    if (!types.has(write.name)) types.set(write.name, { type: [], origins: [] });
  // A `set` can read what another writes: repeat until no type grows. Each round that goes on grew
  // some variable by a kind (or to unknown), so the rounds are bounded by what the types can hold.
  const rounds = types.size * (KINDS.length + 1) + 1;
  for (let round = 0, grew = true; grew && round < rounds; round++) {
    grew = false;
    for (const { write, origin, compiled } of computed) {
      const locals = 'expression' in write.value ? (write.value.locals ?? {}) : {};
      const { type } = checkExpressionTypes(compiled, (name) => {
        if (Object.hasOwn(locals, name)) return { type: locals[name] ?? UNKNOWN };
        return { type: (systemType(name) ?? types.get(name))?.type ?? UNKNOWN };
      });
      if (add(write.name, outsideType(type, declaredType(write.name)), origin)) grew = true;
    }
  }
  return types;
}

/** A value of unknown type (a CRM answer) is taken to be what the variable's default says. */
function outsideType(type: ValueType, declared: ValueType | undefined): ValueType {
  return type === UNKNOWN && declared !== undefined ? declared : type;
}

function describeOrigins(origins: readonly string[]): string {
  const shown = origins.slice(0, ORIGINS_SHOWN).join('; ');
  return origins.length > ORIGINS_SHOWN ? `${shown}; …` : shown;
}

function toFinding(path: YamlPath, problem: TypeProblem, text: string, at: number): TypeFinding {
  const near = problem.near === undefined ? -1 : wordAt(text, problem.near);
  const offset = near >= 0 ? at + near : at >= 0 ? at : undefined;
  return {
    path,
    ...(offset !== undefined && { offset }),
    severity: 'error',
    code: 'type.mismatch',
    message: problem.message,
    ...(problem.hint !== undefined && { hint: problem.hint }),
  };
}

/** Where `word` stands in `text` as a whole name or number (`age`, not the start of `agent`); else where it first appears. */
function wordAt(text: string, word: string): number {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w$.])${escaped}(?![\\w$])`).exec(text)?.index ?? text.indexOf(word);
}
