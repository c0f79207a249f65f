import type { BlockDefinition, Edge } from '../block-api/contract.js';

/** A block as the checks see it: its definition and its ways out. */
export interface GraphNode {
  readonly id: string;
  readonly definition: BlockDefinition;
  readonly edges: readonly Edge[];
}

/** The blocks reachable from the roots along edges that name existing blocks. */
export function reachable(
  nodes: ReadonlyMap<string, Pick<GraphNode, 'edges'>>,
  roots: readonly string[],
): Set<string> {
  const seen = new Set<string>();
  const stack = roots.filter((root) => nodes.has(root));
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    for (const edge of nodes.get(id)?.edges ?? []) if (nodes.has(edge.target)) stack.push(edge.target);
  }
  return seen;
}

/**
 * Loops that pass no block which gives control back (ask, request): the conversation would run
 * round them without ever stopping. Each loop is returned as its blocks in graph order, found as
 * the strongly connected components (Tarjan, iterative) of the graph of non-pausing blocks.
 */
export function loopsWithoutPause(nodes: ReadonlyMap<string, GraphNode>): string[][] {
  const running = [...nodes.values()].filter((node) => !node.definition.pauses);
  const successors = new Map(
    running.map((node) => [
      node.id,
      node.edges.map((e) => e.target).filter((t) => nodes.get(t)?.definition.pauses === false),
    ]),
  );
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const loops: string[][] = [];
  let counter = 0;

  for (const root of successors.keys()) {
    if (index.has(root)) continue;
    const work: [id: string, next: number][] = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1] as [string, number];
      const [id, position] = frame;
      if (position === 0) {
        index.set(id, counter);
        low.set(id, counter++);
        stack.push(id);
        onStack.add(id);
      }
      const next = successors.get(id)?.[position];
      if (next !== undefined) {
        frame[1] = position + 1;
        if (!index.has(next)) work.push([next, 0]);
        else if (onStack.has(next)) low.set(id, Math.min(low.get(id) ?? 0, index.get(next) ?? 0));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0]) ?? 0, low.get(id) ?? 0));
      if (low.get(id) !== index.get(id)) continue;
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.unshift(member);
        if (member === id) break;
      }
      const selfLoop = successors.get(id)?.includes(id) ?? false;
      if (component.length > 1 || selfLoop) loops.push(component);
    }
  }
  return loops;
}
