import { relative } from 'node:path';
import type { Position, Script, TraceEvent } from '../engine/index.js';

export interface Unreached {
  readonly block: string;
  /** The branch's YAML path inside the block (`branches[0].next`), or '' for the block itself. */
  readonly edge: string;
  readonly line: number;
}

export interface ScriptCoverage {
  readonly script: string;
  readonly blocks: { readonly total: number; readonly reached: number };
  readonly branches: { readonly total: number; readonly reached: number };
  /** What no case reached, in file order. */
  readonly unreached: readonly Unreached[];
}

/**
 * Blocks and branches (condition branches, request outcomes, ask choices and re-prompts, every
 * way out) that the cases reached, from the turns' traces, against everything the script has.
 */
export function coverageOf(script: Script, traces: readonly TraceEvent[]): ScriptCoverage {
  const seen = new Set(traces.map((event) => `${event.block} ${event.edge}`));
  const line = (position: Position | undefined) => position?.line ?? 0;
  const blocks = [...script.positions].map(([block, position]) => ({
    block,
    edge: '',
    line: line(position),
    column: position.column,
    hit: seen.has(`${block} `),
  }));
  const branches = [...script.edgePositions].map(([key, position]) => {
    const space = key.indexOf(' ');
    return {
      block: key.slice(0, space),
      edge: key.slice(space + 1),
      line: line(position),
      column: position.column,
      hit: seen.has(key),
    };
  });
  return {
    script: script.file,
    blocks: { total: blocks.length, reached: blocks.filter((b) => b.hit).length },
    branches: { total: branches.length, reached: branches.filter((b) => b.hit).length },
    unreached: [...blocks, ...branches]
      .filter((item) => !item.hit)
      .sort((a, b) => a.line - b.line || a.column - b.column)
      .map(({ block, edge, line: at }) => ({ block, edge, line: at })),
  };
}

const percent = (part: { total: number; reached: number }) =>
  part.total === 0 ? '100%' : `${Math.floor((100 * part.reached) / part.total)}%`;

/** The coverage report for people: per script, the totals, then each unreached place with its line. */
export function formatCoverage(reports: readonly ScriptCoverage[]): string[] {
  return reports.flatMap((report) => [
    `coverage of ${relative(process.cwd(), report.script)}: blocks ${report.blocks.reached}/${report.blocks.total} (${percent(report.blocks)}), branches ${report.branches.reached}/${report.branches.total} (${percent(report.branches)})`,
    ...report.unreached.map((item) =>
      item.edge === ''
        ? `  ${relative(process.cwd(), report.script)}:${item.line}: block "${item.block}" is never reached`
        : `  ${relative(process.cwd(), report.script)}:${item.line}: ${item.block} → ${item.edge} is never taken`,
    ),
  ]);
}
