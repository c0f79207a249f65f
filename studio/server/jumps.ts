/**
 * Which edges are drawn as jumps: in a graph of JUMPS_FROM nodes or more, an edge that would
 * cross more than MAX_SPAN columns of the
 * left-to-right layout ends at a small "go to" node beside its source instead of running across the
 * picture. A layered layout routes a long edge through a placeholder in every column it crosses,
 * so a 300-block flow whose blocks all lead to one `done` would cost the layout tens of thousands
 * of placeholders (and tens of seconds), and the page a bundle of parallel lines nobody can follow.
 */
const MAX_SPAN = 3;

/** Below this many nodes every edge is drawn whole: the layout is quick and the picture small. */
const JUMPS_FROM = 60;

interface Graph {
  readonly nodes: readonly { readonly id: string }[];
  readonly edges: readonly { readonly id: string; readonly from: string; readonly to: string }[];
}

/**
 * The columns the blocks would get, estimated cheaply: loops are broken where a depth-first walk
 * in file order meets a block it is still inside, then each block goes one column right of the
 * furthest block that leads to it (longest path).
 */
function columns(graph: Graph): Map<string, number> {
  const out = new Map<string, { id: string; to: string }[]>(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) out.get(edge.from)?.push(edge);
  const back = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const order: string[] = [];
  for (const root of graph.nodes) {
    if (state.has(root.id)) continue;
    const stack: [id: string, next: number][] = [[root.id, 0]];
    state.set(root.id, 'open');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as [string, number];
      const edge = out.get(frame[0])?.[frame[1]];
      if (edge === undefined) {
        stack.pop();
        state.set(frame[0], 'done');
        order.push(frame[0]);
        continue;
      }
      frame[1] += 1;
      const seen = state.get(edge.to);
      if (seen === 'open') back.add(edge.id);
      else if (seen === undefined && out.has(edge.to)) {
        state.set(edge.to, 'open');
        stack.push([edge.to, 0]);
      }
    }
  }
  // Reverse post-order is a topological order of the graph without its back edges.
  const column = new Map<string, number>();
  for (const id of order.reverse()) {
    const here = column.get(id) ?? 0;
    column.set(id, here);
    for (const edge of out.get(id) ?? []) {
      if (!back.has(edge.id)) column.set(edge.to, Math.max(column.get(edge.to) ?? 0, here + 1));
    }
  }
  return column;
}

/** The ids of the edges to draw as jumps. */
export function jumpEdges(graph: Graph): Set<string> {
  if (graph.nodes.length < JUMPS_FROM) return new Set();
  const column = columns(graph);
  const jumps = new Set<string>();
  for (const edge of graph.edges) {
    const span = Math.abs((column.get(edge.to) ?? 0) - (column.get(edge.from) ?? 0));
    if (span > MAX_SPAN) jumps.add(edge.id);
  }
  return jumps;
}
