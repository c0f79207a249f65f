import { isMap, isPair, isScalar, type Node, type Pair } from 'yaml';
import { blockDefinition } from '../../blocks/registry.js';
import type { BlockDefinition, BlockShape, Edge } from '../block-api/contract.js';
import type { Port, WayKind } from '../edit/operation.js';
import { readable, readPorts } from './lenient.js';
import { reachable } from './graph.js';
import { checkSource, type LoadOptions } from './load.js';
import type { ScriptProblem } from './problem.js';
import { readYaml, type YamlSource } from './read-yaml.js';
import type { Script } from './script.js';
import { formatPath } from './yaml-path.js';

/** One block as a page draws it, also when the script (or the block itself) does not load. */
export interface OutlineBlock {
  readonly id: string;
  /** The type as written; undefined when the block names none. */
  readonly type: string | undefined;
  /** Undefined for an unknown type. */
  readonly shape: BlockShape | undefined;
  /** The block passed its own schema and checks. */
  readonly valid: boolean;
  /** Its ways out; for an invalid block, those that could still be read. */
  readonly edges: readonly Edge[];
  /** Every way out, connected or open, as the canvas draws it; for an invalid block, those that could be read. */
  readonly ports: readonly Port[];
  /** The kinds of ways out the designer may add (a condition's branch, an ask's choice, a request's outcome). */
  readonly adds: readonly WayKind[];
  /** Variables it assigns. */
  readonly writes: readonly string[];
  /** The first line of its first text or expression: what it says or decides. */
  readonly summary: string;
  /** It can be reached from the start block or `on_error`. */
  readonly reachable: boolean;
  /** The lines the block spans in the file, its id's line first. */
  readonly lines: { readonly first: number; readonly last: number };
  /** The block's fields as written (YAML data), valid or not. */
  readonly data: unknown;
}

/** A script as far as it can be read: every block, every problem, and the script when it loads. */
export interface ScriptOutline {
  readonly file: string;
  readonly name: string | undefined;
  readonly start: string | undefined;
  readonly onError: string | undefined;
  /** The script's own fields as written (`name`, `variables`…), `blocks` left out. */
  readonly header: Readonly<Record<string, unknown>>;
  readonly blocks: readonly OutlineBlock[];
  readonly problems: readonly ScriptProblem[];
  readonly script: Script | undefined;
}

/** The block a problem belongs to, from its YAML path (`blocks.greet.next` → `greet`). */
export function problemBlock(problem: Pick<ScriptProblem, 'path'>): string | undefined {
  const match = /^blocks\.(?:([A-Za-z_][\w-]*)|("(?:[^"\\]|\\.)*"))/.exec(problem.path);
  if (!match) return undefined;
  return match[1] ?? (JSON.parse(match[2] ?? '""') as string);
}

/**
 * Reads a script for drawing: unlike checkScript, a script with errors still gives every block
 * it names, with the edges that can be read, so a designer sees the problems where they are.
 */
export function outlineScript(text: string, file = '<script>', limits: LoadOptions = {}): ScriptOutline {
  const source = readYaml(file, text, limits);
  const blank = { file, name: undefined, start: undefined, onError: undefined, header: {}, blocks: [] };
  if (Array.isArray(source)) return { ...blank, script: undefined, problems: source };
  const { script, problems } = checkSource(source, limits.strict);
  const root = source.value as Record<string, unknown> | null;
  const header = typeof root === 'object' && root !== null && !Array.isArray(root) ? root : {};
  const empty = {
    ...blank,
    script,
    header: Object.fromEntries(Object.entries(header).filter(([key]) => key !== 'blocks')),
  };
  const blocksPair = pairAt(source.document.contents, 'blocks');
  if (!isMap(blocksPair?.value)) return { ...empty, ...names(header), problems };

  const drafts = blocksPair.value.items.flatMap((pair) => {
    if (!isScalar(pair.key)) return [];
    const id = String(pair.key.value);
    return [{ id, raw: (header.blocks as Record<string, unknown>)[id], lines: linesOf(source, pair) }];
  });
  const { start, onError } = names(header);
  const first = start !== undefined && drafts.some((d) => d.id === start) ? start : drafts[0]?.id;
  const described = drafts.map((draft) => ({
    id: draft.id,
    lines: draft.lines,
    data: draft.raw,
    ...describe(draft.id, draft.raw, script),
  }));
  const seen = reachable(
    new Map(described.map((block) => [block.id, block])),
    [first, onError].filter((id): id is string => id !== undefined),
  );
  return {
    ...empty,
    ...names(header),
    problems,
    blocks: described.map((block) => ({ ...block, reachable: seen.has(block.id) })),
  };
}

function names(header: Record<string, unknown>) {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { name: text(header.name), start: text(header.start), onError: text(header.on_error) };
}

function pairAt(node: unknown, key: string): Pair | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
}

/** The first and last line of a `id: block` pair (its trailing comments and blank lines left out). */
function linesOf(source: YamlSource, pair: Pair): { first: number; last: number } {
  const start = (pair.key as Node).range?.[0] ?? 0;
  const end = (pair.value as Node | null)?.range?.[1] ?? (pair.key as Node).range?.[1] ?? start;
  const trimmed = source.text.slice(start, end).trimEnd().length;
  return {
    first: source.lineCounter.linePos(start).line,
    last: source.lineCounter.linePos(start + Math.max(0, trimmed - 1)).line,
  };
}

function describe(
  id: string,
  raw: unknown,
  script: Script | undefined,
): Omit<OutlineBlock, 'id' | 'reachable' | 'lines' | 'data'> {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  const definition = typeof type === 'string' ? blockDefinition(type) : undefined;
  const loaded = script?.blocks.get(id);
  // A script that loaded passed every block's schema and checks; otherwise each block is judged alone.
  const parsed = loaded || !definition ? undefined : definition.schema.safeParse(raw);
  const block = loaded ?? (parsed?.success ? parsed.data : undefined);
  const valid =
    loaded !== undefined || (block !== undefined && (definition?.check?.(block) ?? []).length === 0);
  // A block that failed its schema is read as it is, as far as its module's functions manage.
  const readAs = (block ?? raw) as { type: string };
  const ports = definition ? readPorts(definition, readAs) : [];
  return {
    type: typeof type === 'string' ? type : undefined,
    shape: definition?.shape,
    valid,
    edges: definition ? readable(() => definition.edges(readAs), isEdge) : [],
    ports: ports.map((port) => ({
      path: formatPath(port.path),
      label: port.label,
      target: port.target,
      removable: port.way !== undefined,
    })),
    adds: definition?.adds ?? [],
    writes: definition ? readable(() => definition.writes(readAs).map((write) => write.name), isText) : [],
    summary: definition ? summaryOf(definition, readAs) : '',
  };
}

const isText = (item: unknown): item is string => typeof item === 'string';

function isEdge(item: unknown): item is Edge {
  const edge = item as Partial<Edge> | null;
  return typeof edge?.target === 'string' && Array.isArray(edge.path);
}

const SUMMARY_LIMIT = 120;

function summaryOf(definition: BlockDefinition, block: { type: string }): string {
  const [first] = readable(
    () => definition.sources(block),
    (source): source is { text: string } => {
      const text = (source as { text?: unknown } | null)?.text;
      return typeof text === 'string' && text.trim() !== '';
    },
  );
  const line = first?.text.trim().split('\n')[0] ?? '';
  return line.length > SUMMARY_LIMIT ? `${line.slice(0, SUMMARY_LIMIT - 1)}…` : line;
}
