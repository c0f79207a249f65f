/**
 * The command line's start-up: whole processes of the built `botflow` (needs `npm run build`),
 * each beside `node -e 0` in the same run, alternating, so a busy machine slows both sides.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './harness.js';
import { ms } from './studio.bench.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = `${ROOT}dist/cli-bundle/bin.js`;
const RUNS = Number(process.env.BENCH_START_UP_RUNS ?? 15);

/** What each command is held to, as a multiple of bare Node's start-up. */
const COMMANDS: readonly { readonly args: readonly string[]; readonly aim: number }[] = [
  { args: ['--version'], aim: 2 },
  { args: ['decode', 'eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0'], aim: 2 },
  { args: ['link', 'telegram', 'MyCoolBot', '--email', 'email@gmail.com'], aim: 2 },
  { args: ['validate', 'scripts/order-status.yaml'], aim: 3 },
];

/** Milliseconds from spawning `node args` to its exit; rejects when it does not exit 0. */
function timedProcess(args: readonly string[]): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(performance.now() - start);
      else reject(new Error(`node ${args.join(' ')} exited with ${String(code)}`));
    });
  });
}

/** One line a command: median wall time, bare Node's, and the median of the pairwise ratios. */
export async function startUpFigures(): Promise<string[]> {
  const lines: string[] = [];
  for (const { args, aim } of COMMANDS) {
    const command: number[] = [];
    const bare: number[] = [];
    const sides = [
      { times: command, args: [BIN, ...args] },
      { times: bare, args: ['-e', '0'] },
    ];
    await timedProcess([BIN, ...args]); // a warm-up: the file system cache, not the first run, is measured
    for (let run = 0; run < RUNS; run++) {
      // Alternate which side runs first, so neither always gets the quieter moment.
      for (const side of run % 2 === 0 ? sides : [...sides].reverse())
        side.times.push(await timedProcess(side.args));
    }
    const ratio = median(command.map((time, run) => time / (bare[run] ?? time)));
    lines.push(
      `botflow ${args.join(' ')}: ${ms(median(command))} (node -e 0 ${ms(median(bare))}, ratio ${ratio.toFixed(2)}×; aim: ${aim}×)`,
    );
  }
  return lines;
}
