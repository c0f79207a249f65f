import { Bench } from 'tinybench';

/** One benchmark row: our code beside its baseline, measured in the same run. */
export interface Comparison {
  readonly name: string;
  readonly subject: () => unknown;
  readonly baselineName: string;
  readonly baseline: () => unknown;
}

export interface Row {
  readonly name: string;
  readonly opsPerSecond: number;
  readonly baselineName: string;
  readonly baselineOpsPerSecond: number;
  /** How many times slower than the baseline (1 = as fast). */
  readonly ratio: number;
}

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1000);
/** Subject and baseline alternate this many times; medians are reported, so drift on a busy machine hits both. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function opsPerSecond(bench: Bench, name: string): number {
  const result = bench.getTask(name)?.result;
  if (result?.state !== 'completed') throw new Error(`benchmark "${name}" did not complete`);
  return 1000 / result.period;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export async function compare(comparisons: readonly Comparison[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const comparison of comparisons) {
    const subject: number[] = [];
    const baseline: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const bench = new Bench({ time: TIME_MS / ROUNDS, warmup: round === 0, throws: true });
      // Alternate which side runs first, so neither always gets the warmer (or the busier) slot.
      const sides = [
        [comparison.name, comparison.subject],
        [comparison.baselineName, comparison.baseline],
      ] as const;
      for (const [name, fn] of round % 2 === 0 ? sides : [...sides].reverse()) bench.add(name, fn);
      await bench.run();
      subject.push(opsPerSecond(bench, comparison.name));
      baseline.push(opsPerSecond(bench, comparison.baselineName));
      ratios.push((baseline.at(-1) ?? 0) / (subject.at(-1) ?? 1));
    }
    rows.push({
      name: comparison.name,
      opsPerSecond: median(subject),
      baselineName: comparison.baselineName,
      baselineOpsPerSecond: median(baseline),
      ratio: median(ratios),
    });
  }
  return rows;
}

const format = (n: number) => Math.round(n).toLocaleString('en-US');

export function printTable(rows: readonly Row[]): void {
  const table = [
    ['benchmark', 'ops/s', 'baseline', 'baseline ops/s', 'ratio'],
    ...rows.map((row) => [
      row.name,
      format(row.opsPerSecond),
      row.baselineName,
      format(row.baselineOpsPerSecond),
      `${row.ratio.toFixed(2)}×`,
    ]),
  ];
  const widths =
    table[0]?.map((_, column) => Math.max(...table.map((line) => line[column]?.length ?? 0))) ?? [];
  for (const line of table) {
    console.log(line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
  }
}
