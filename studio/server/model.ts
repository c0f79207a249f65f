import {
  formatPath,
  outlineScript,
  problemBlock,
  type ScriptOutline,
  type ScriptProblem,
} from '../../engine/index.js';
import type { Loaded, PinStore } from './context.js';
import { diskHash } from './disk.js';
import {
  portOffset,
  portsHeight,
  type StudioEdge,
  type StudioModel,
  type StudioNode,
  type StudioProblem,
} from '../protocol.js';
import { jumpEdges } from './jumps.js';
import { LABEL_CHAR_WIDTH, layOut, type Layout, type LayoutInput } from './layout.js';

const NODE_WIDTH = 240;
const NODE_HEIGHT = 64;
const WRITES_HEIGHT = 20;
const MARKER_WIDTH = 96;
const MARKER_HEIGHT = 36;
/** A condition's expression is shortened on its edge; the side panel shows it whole. */
export const LABEL_LIMIT = 28;

/** Ids of nodes that are not blocks start with `$`, which no valid block id does. */
const START_NODE = '$start';
const ON_ERROR_NODE = '$on_error';
const JUMP_HEIGHT = 28;

/**
 * The most blocks drawn: elkjs lays out 1,000 in a second or two, and the time grows faster than
 * the count. A script past this still shows its problems; `botflow graph` prints any size.
 */
export const MAX_DRAWN_BLOCKS = 2000;

function tooManyBlocks(outline: ScriptOutline): StudioProblem {
  return {
    severity: 'warning',
    code: 'studio.too-many-blocks',
    message: `the script has ${outline.blocks.length} blocks; the studio draws at most ${MAX_DRAWN_BLOCKS}`,
    hint: 'split the script, or print its graph with botflow graph',
    file: outline.file,
    line: 1,
    column: 1,
    path: 'blocks',
    block: undefined,
  };
}

const shorten = (label: string) =>
  label.length > LABEL_LIMIT ? `${label.slice(0, LABEL_LIMIT - 1)}…` : label;

type Draft = Omit<StudioNode, 'x' | 'y' | 'width' | 'height'> & { width: number; height: number };
type EdgeDraft = Omit<StudioEdge, 'points' | 'labelBox'>;
/** What a model says of where its text comes from, beside what the text itself gives. */
type Origin = Pick<StudioModel, 'revision' | 'disk' | 'draft'>;

/** Where the model's pins come from: the sidecar file beside the script, and why it was ignored. */
type PinSource = Pick<PinStore, 'current'>;

const NO_PINS: PinSource = { current: { pins: {}, problems: [] } };

/**
 * The page's model of a script: its outline drawn as nodes and edges. Blocks that edges name but
 * the script lacks become `missing` nodes, so a broken reference is seen, not silently dropped.
 * Every model carries the pins as they are when it is made.
 */
export class ModelBuilder {
  constructor(
    private readonly pins: PinSource = NO_PINS,
    /** Strict mode (`--strict`): warnings are errors. */
    private readonly strict = false,
  ) {}

  private revision = 0;
  /** The last layout and the graph it was made for: a text-only edit reuses it as it is. */
  private last: { key: string; layout: Layout } | undefined;

  /** The file as read from disk: a new revision. */
  async build(file: string, text: string): Promise<Loaded> {
    const outline = outlineScript(text, file, { strict: this.strict });
    return { model: await this.draw(text, outline, this.next(diskHash(text))), script: outline.script };
  }

  /**
   * Unsaved text (the page's): validated and laid out like the file, but of the same revision as
   * `disk`, the file's model, since the file did not change.
   */
  async draft(text: string, disk: StudioModel): Promise<StudioModel> {
    const { revision } = disk;
    return this.draw(text, outlineScript(text, disk.file, { strict: this.strict }), {
      revision,
      disk: disk.disk,
      draft: true,
    });
  }

  /** A file that could not be read (missing, too large): no graph, only the problem. */
  async unreadable(file: string, problems: readonly ScriptProblem[], disk: string): Promise<Loaded> {
    const outline = {
      file,
      name: undefined,
      start: undefined,
      onError: undefined,
      header: {},
      blocks: [],
      script: undefined,
    };
    return { model: await this.draw('', { ...outline, problems }, this.next(disk)), script: undefined };
  }

  private next(disk: string): Origin {
    this.revision += 1;
    return { revision: this.revision, disk, draft: false };
  }

  private async draw(text: string, outline: ScriptOutline, origin: Origin): Promise<StudioModel> {
    const file = outline.file;
    const problems: StudioProblem[] = outline.problems.map((problem) => ({
      severity: problem.severity,
      code: problem.code,
      message: problem.message,
      hint: problem.hint,
      file: problem.file,
      line: problem.line,
      column: problem.column,
      path: problem.path,
      block: problemBlock(problem),
    }));
    const drawn = outline.blocks.length <= MAX_DRAWN_BLOCKS;
    if (!drawn) problems.unshift(tooManyBlocks(outline));
    const { nodes, edges } = drawn ? graphOf(outline, problems) : { nodes: [], edges: [] };
    const input = layoutInput(nodes, edges);
    const key = JSON.stringify(input);
    const layout = this.last?.key === key ? this.last.layout : await layOut(input);
    this.last = { key, layout };
    return withPins(this.pins, {
      file,
      name: outline.name ?? '',
      header: outline.header,
      revision: origin.revision,
      text,
      loads: outline.script !== undefined,
      nodes: nodes.map((node) => ({ ...node, ...(layout.nodes.get(node.id) ?? { x: 0, y: 0 }) })),
      edges: edges.map((edge) => {
        const routed = layout.edges.get(edge.id);
        return { ...edge, points: routed?.points ?? [], labelBox: routed?.labelBox };
      }),
      problems,
      width: layout.width,
      height: layout.height,
      disk: origin.disk,
      draft: origin.draft,
      pins: {},
    });
  }
}

/** The sidecar's problem, when it was ignored: a warning of the page's, not of the script's. */
const SIDECAR_PROBLEM = 'studio.bad-sidecar';

/** `model` with the pins as they are now, and the sidecar's problem only if it still has one. */
export function withPins(source: PinSource, model: StudioModel): StudioModel {
  const { pins, problems } = source.current;
  return {
    ...model,
    pins,
    // Last, so the problem indexes the nodes hold stay right.
    problems: [...model.problems.filter((problem) => problem.code !== SIDECAR_PROBLEM), ...problems],
  };
}

function graphOf(
  outline: ScriptOutline,
  problems: readonly StudioProblem[],
): { nodes: Draft[]; edges: EdgeDraft[] } {
  const ids = new Set(outline.blocks.map((block) => block.id));
  // An invalid block id may start with `$` too: a marker's id steps aside rather than collide.
  const free = (id: string) => {
    let unique = id;
    while (ids.has(unique)) unique += '~';
    return unique;
  };
  const problemsOf = (id: string) =>
    problems.flatMap((problem, index) => (problem.block === id ? [index] : []));
  const marker = (
    id: string,
    kind: Exclude<StudioNode['kind'], 'block'>,
    summary = '',
    goesTo?: string,
  ): Draft => ({
    id: free(id),
    kind,
    goesTo,
    type: '',
    shape: undefined,
    summary,
    writes: [],
    valid: kind !== 'missing',
    reachable: true,
    firstLine: 0,
    lastLine: 0,
    problems: [],
    ports: [],
    adds: [],
    data: undefined,
    ...SIZES[kind](summary),
  });
  const nodes: Draft[] = [];
  const edges: EdgeDraft[] = [];
  const edge = (from: string, target: string, label: string, path: string) => {
    edges.push({ id: `${from} ${path}`, from, to: target, target, label: shorten(label), path });
  };
  const first = outline.start ?? outline.blocks[0]?.id;
  if (first !== undefined) {
    const start = marker(START_NODE, 'start');
    nodes.push(start);
    edge(start.id, first, '', 'start');
  }
  // Before the blocks: the layout breaks cycles by model order, and would turn a marker that
  // came after its target into the target's successor, drawn to its right with a backward edge.
  if (outline.onError !== undefined) {
    const onError = marker(ON_ERROR_NODE, 'on_error');
    nodes.push(onError);
    edge(onError.id, outline.onError, 'on_error', 'on_error');
  }
  for (const block of outline.blocks) {
    nodes.push(
      sized({
        id: block.id,
        kind: 'block',
        goesTo: undefined,
        type: block.type ?? '',
        shape: block.shape,
        summary: block.summary,
        writes: block.writes,
        valid: block.valid,
        reachable: block.reachable,
        firstLine: block.lines.first,
        lastLine: block.lines.last,
        problems: problemsOf(block.id),
        ports: block.ports,
        adds: block.adds,
        data: block.data,
      }),
    );
    for (const way of block.edges) edge(block.id, way.target, way.label ?? '', formatPath(way.path));
  }
  // Edges to blocks the script lacks end at a node named for the block they expect.
  const missing = [...new Set(edges.map((e) => e.target).filter((target) => !ids.has(target)))];
  const missingNodes = new Map(missing.map((id) => [id, marker(`$missing:${id}`, 'missing', id)]));
  nodes.push(...missingNodes.values());
  const drawn = edges.map((e) => ({ ...e, to: missingNodes.get(e.target)?.id ?? e.target }));
  // Long edges end at a "go to" node beside their source (see jumps.ts), which stands for the target.
  const jumps = jumpEdges({ nodes, edges: drawn });
  return {
    nodes,
    edges: drawn.map((e) => {
      if (!jumps.has(e.id)) return e;
      const jump = marker(`$jump:${e.id}`, 'jump', e.target, e.to);
      nodes.push(jump);
      return { ...e, to: jump.id };
    }),
  };
}

/** A block's card: tall enough for its lines of text and for its ports. */
function sized(block: Omit<Draft, 'width' | 'height'>): Draft {
  const text = NODE_HEIGHT + (block.writes.length > 0 ? WRITES_HEIGHT : 0);
  return {
    ...block,
    width: NODE_WIDTH,
    height: Math.max(text, portsHeight(block.ports.length + block.adds.length)),
  };
}

/** A block's ways out, then its adds; a marker's one way out. */
function slotsOf(node: Draft): number {
  if (node.kind === 'block') return node.ports.length + node.adds.length;
  return node.kind === 'start' || node.kind === 'on_error' ? 1 : 0;
}

/** What the layout needs: every node with its ports, every edge leaving by its own port. */
function layoutInput(nodes: readonly Draft[], edges: readonly EdgeDraft[]): LayoutInput {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  return {
    nodes: nodes.map((node) => {
      const slots = slotsOf(node);
      return {
        id: node.id,
        width: node.width,
        height: node.height,
        ports: Array.from({ length: slots }, (_, slot) => portOffset(slot, slots, node.height)),
      };
    }),
    edges: edges.map((edge) => {
      const from = byId.get(edge.from);
      const slot = from?.kind === 'block' ? from.ports.findIndex((port) => port.path === edge.path) : 0;
      return {
        id: edge.id,
        from: edge.from,
        port: from && slotsOf(from) > 0 && slot >= 0 ? slot : undefined,
        to: edge.to,
        label: edge.label,
      };
    }),
  };
}

const SIZES: Readonly<
  Record<Exclude<StudioNode['kind'], 'block'>, (summary: string) => { width: number; height: number }>
> = {
  start: () => ({ width: MARKER_WIDTH, height: MARKER_HEIGHT }),
  on_error: () => ({ width: MARKER_WIDTH, height: MARKER_HEIGHT }),
  missing: () => ({ width: NODE_WIDTH, height: NODE_HEIGHT }),
  // "↪ target", as wide as its text.
  jump: (target) => ({
    width: Math.min(NODE_WIDTH, 36 + target.length * LABEL_CHAR_WIDTH),
    height: JUMP_HEIGHT,
  }),
};
