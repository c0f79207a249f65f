import {
  formatPath,
  outlineScript,
  problemBlock,
  type ScriptOutline,
  type ScriptProblem,
} from '../../engine/index.js';
import type { Loaded } from './context.js';
import type { StudioEdge, StudioModel, StudioNode, StudioProblem } from '../protocol.js';
import { layOut, type Layout, type LayoutInput } from './layout.js';

export const NODE_WIDTH = 240;
const NODE_HEIGHT = 64;
const WRITES_HEIGHT = 20;
const MARKER_WIDTH = 96;
const MARKER_HEIGHT = 36;
/** A condition's expression is shortened on its edge; the side panel shows it whole. */
export const LABEL_LIMIT = 28;

export const START_NODE = '$start';
export const ON_ERROR_NODE = '$on_error';
const missingNode = (id: string) => `$missing:${id}`;

const shorten = (label: string) =>
  label.length > LABEL_LIMIT ? `${label.slice(0, LABEL_LIMIT - 1)}…` : label;

type Draft = Omit<StudioNode, 'x' | 'y' | 'width' | 'height'> & { width: number; height: number };
type EdgeDraft = Omit<StudioEdge, 'points' | 'labelBox'>;

/**
 * The page's model of a script: its outline drawn as nodes and edges. Blocks that edges name but
 * the script lacks become `missing` nodes, so a broken reference is seen, not silently dropped.
 */
export class ModelBuilder {
  private revision = 0;
  /** The last layout and the graph it was made for: a text-only edit reuses it as it is. */
  private last: { key: string; layout: Layout } | undefined;

  async build(file: string, text: string): Promise<Loaded> {
    const outline = outlineScript(text, file);
    return { model: await this.draw(text, outline), script: outline.script };
  }

  /** A file that could not be read (missing, too large): no graph, only the problem. */
  async unreadable(file: string, problems: readonly ScriptProblem[]): Promise<Loaded> {
    const outline = {
      file,
      name: undefined,
      start: undefined,
      onError: undefined,
      blocks: [],
      script: undefined,
    };
    return { model: await this.draw('', { ...outline, problems }), script: undefined };
  }

  private async draw(text: string, outline: ScriptOutline): Promise<StudioModel> {
    this.revision += 1;
    const file = outline.file;
    const problems = outline.problems.map((problem): StudioProblem => ({
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
    const { nodes, edges } = graphOf(outline, problems);
    const input: LayoutInput = { nodes, edges };
    const key = JSON.stringify([nodes.map((n) => [n.id, n.width, n.height]), edges]);
    const layout = this.last?.key === key ? this.last.layout : await layOut(input);
    this.last = { key, layout };
    return {
      file,
      name: outline.name ?? '',
      revision: this.revision,
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
    };
  }
}

function graphOf(
  outline: ScriptOutline,
  problems: readonly StudioProblem[],
): { nodes: Draft[]; edges: EdgeDraft[] } {
  const ids = new Set(outline.blocks.map((block) => block.id));
  const problemsOf = (id: string) =>
    problems.flatMap((problem, index) => (problem.block === id ? [index] : []));
  const marker = (id: string, kind: 'start' | 'on_error' | 'missing', summary = ''): Draft => ({
    id,
    kind,
    type: '',
    shape: undefined,
    summary,
    writes: [],
    valid: kind !== 'missing',
    reachable: true,
    firstLine: 0,
    lastLine: 0,
    problems: [],
    width: kind === 'missing' ? NODE_WIDTH : MARKER_WIDTH,
    height: kind === 'missing' ? NODE_HEIGHT : MARKER_HEIGHT,
  });
  const nodes: Draft[] = [];
  const edges: EdgeDraft[] = [];
  const first = outline.start ?? outline.blocks[0]?.id;
  if (first !== undefined) {
    nodes.push(marker(START_NODE, 'start'));
    edges.push({ id: `${START_NODE} start`, from: START_NODE, to: first, label: '', path: 'start' });
  }
  // Before the blocks: the layout breaks cycles by model order, and would turn a marker that
  // came after its target into the target's successor, drawn to its right with a backward edge.
  if (outline.onError !== undefined) {
    nodes.push(marker(ON_ERROR_NODE, 'on_error'));
    edges.push({
      id: `${ON_ERROR_NODE} on_error`,
      from: ON_ERROR_NODE,
      to: outline.onError,
      label: 'on_error',
      path: 'on_error',
    });
  }
  for (const block of outline.blocks) {
    nodes.push({
      id: block.id,
      kind: 'block',
      type: block.type ?? '',
      shape: block.shape,
      summary: block.summary,
      writes: block.writes,
      valid: block.valid,
      reachable: block.reachable,
      firstLine: block.lines.first,
      lastLine: block.lines.last,
      problems: problemsOf(block.id),
      width: NODE_WIDTH,
      height: NODE_HEIGHT + (block.writes.length > 0 ? WRITES_HEIGHT : 0),
    });
    for (const edge of block.edges) {
      const path = formatPath(edge.path);
      edges.push({
        id: `${block.id} ${path}`,
        from: block.id,
        to: edge.target,
        label: shorten(edge.label ?? ''),
        path,
      });
    }
  }
  // Edges to blocks the script lacks end at a node named for the block they expect.
  const missing = [...new Set(edges.map((edge) => edge.to).filter((to) => !ids.has(to)))];
  nodes.push(...missing.map((id) => marker(missingNode(id), 'missing', id)));
  return {
    nodes,
    edges: edges.map((edge) => (ids.has(edge.to) ? edge : { ...edge, to: missingNode(edge.to) })),
  };
}
