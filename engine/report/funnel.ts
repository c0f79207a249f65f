import { blockEdges } from '../script/edges.js';
import type { Script } from '../script/script.js';
import { formatPath } from '../script/yaml-path.js';
import type { ConversationStatus, ReportingStore } from '../store/types.js';

/** How many conversations stand (or ended) at a block, by status. */
export type Stopped = Record<ConversationStatus, number>;

export interface FunnelEdge {
  /** The way out, as its YAML path inside the block (`next`, `branches[0].next`). */
  readonly edge: string;
  /** The block it leads to, when the script is known and still has the edge. */
  readonly target: string | null;
  readonly taken: number;
}

export interface FunnelBlock {
  readonly id: string;
  /** The block's type, when the script is known and has the block. */
  readonly type: string | null;
  /** How many times it was entered (a loop or a restart enters it again). */
  readonly entered: number;
  /** The conversations whose last turn stopped here. */
  readonly stopped: Stopped;
  /**
   * Of its entries, the share (0–100, one decimal) that stopped here waiting or with an error:
   * those that went no further. Ended conversations finished; null when it was never entered.
   */
  readonly dropOff: number | null;
  readonly edges: readonly FunnelEdge[];
}

/** The funnel of a store's conversations: `readFunnel`'s answer, plain JSON. */
export interface Funnel {
  /** The conversations the store lists, and where they all stand. */
  readonly conversations: number;
  readonly stopped: Stopped;
  /** With a script: its blocks in file order, each one even when never entered; else by entries. */
  readonly blocks: readonly FunnelBlock[];
  /** With a script: blocks counted under an earlier version that this one no longer has. */
  readonly retired: readonly FunnelBlock[];
}

const noneStopped = (): Stopped => ({ waiting: 0, ended: 0, error: 0 });

/**
 * The funnel: the store's counters (every version of the script together, by block id and edge
 * path), and where the listed conversations stopped (one pass over them, memory by block).
 */
export async function readFunnel(store: ReportingStore, script?: Script): Promise<Funnel> {
  const counts = await store.funnelCounts();
  const stoppedAt = new Map<string, Stopped>();
  const total = noneStopped();
  let conversations = 0;
  for await (const { block, status } of store.conversations()) {
    conversations += 1;
    if (status === null || block === null) continue;
    total[status] += 1;
    const stopped = stoppedAt.get(block) ?? noneStopped();
    stopped[status] += 1;
    stoppedAt.set(block, stopped);
  }
  const entered = new Map<string, number>();
  const taken = new Map<string, Map<string, number>>();
  for (const { block, edge, count } of counts) {
    if (edge === '') entered.set(block, (entered.get(block) ?? 0) + count);
    else {
      const edges = taken.get(block) ?? new Map<string, number>();
      edges.set(edge, (edges.get(edge) ?? 0) + count);
      taken.set(block, edges);
    }
  }
  const counted = new Set([...entered.keys(), ...taken.keys(), ...stoppedAt.keys()]);
  const blockOf = (id: string): FunnelBlock => {
    const block = script?.blocks.get(id);
    const targets = new Map(
      block ? blockEdges(block).map((edge) => [formatPath(edge.path), edge.target]) : [],
    );
    const edgesTaken = taken.get(id) ?? new Map<string, number>();
    const edgeNames = [
      ...targets.keys(),
      ...[...edgesTaken.keys()].filter((edge) => !targets.has(edge)).sort(),
    ];
    const stopped = stoppedAt.get(id) ?? noneStopped();
    const entries = entered.get(id) ?? 0;
    return {
      id,
      type: block?.type ?? null,
      entered: entries,
      stopped,
      dropOff: entries === 0 ? null : Math.round((1000 * (stopped.waiting + stopped.error)) / entries) / 10,
      edges: edgeNames.map((edge) => ({
        edge,
        target: targets.get(edge) ?? null,
        taken: edgesTaken.get(edge) ?? 0,
      })),
    };
  };
  if (!script) {
    const blocks = [...counted].map(blockOf).sort((a, b) => b.entered - a.entered || (a.id < b.id ? -1 : 1));
    return { conversations, stopped: total, blocks, retired: [] };
  }
  return {
    conversations,
    stopped: total,
    blocks: [...script.blocks.keys()].map(blockOf),
    retired: [...counted]
      .filter((id) => !script.blocks.has(id))
      .sort()
      .map(blockOf),
  };
}
