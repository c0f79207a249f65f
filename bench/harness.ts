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

function opsPerSecond(bench: Bench, name: string): number {
  const result = bench.getTask(name)?.result;
  if (result?.state !== 'completed') throw new Error(`benchmark "${name}" did not complete`);
  return 1000 / result.period;
}

export async function compare(comparisons: readonly Comparison[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const comparison of comparisons) {
    const bench = new Bench({ time: TIME_MS, warmup: true, throws: true });
    bench.add(comparison.name, comparison.subject).add(comparison.baselineName, comparison.baseline);
    await bench.run();
    const subject = opsPerSecond(bench, comparison.name);
    const baseline = opsPerSecond(bench, comparison.baselineName);
    rows.push({
      name: comparison.name,
      opsPerSecond: subject,
      baselineName: comparison.baselineName,
      baselineOpsPerSecond: baseline,
      ratio: baseline / subject,
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
