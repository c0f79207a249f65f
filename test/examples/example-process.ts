import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { ROOT } from '../support/cli.js';
import { spawnNode, WatchedProcess } from '../support/serve-process.js';

/** A process running one of examples/, in a fresh temporary directory of its own. */
export interface RunningExample<Line> {
  readonly example: WatchedProcess<Line>;
  /** Its working directory, where files it makes (its SQLite sessions) land. */
  readonly cwd: string;
}

/**
 * Runs `node examples/<file>` with `env`, reading its stdout through `parse`. The package's
 * self-reference (`import … from 'botflow'`) resolves to dist/, so this needs `npm run build`.
 * When the test ends, the process is killed if still running and its directory removed.
 */
export function startExample<Line>(
  file: string,
  env: Readonly<Record<string, string>>,
  parse: (text: string) => Line,
): RunningExample<Line> {
  const cwd = mkdtempSync(join(tmpdir(), 'botflow-example-'));
  const example = new WatchedProcess(spawnNode([`${ROOT}examples/${file}`], { cwd, env }), parse);
  onTestFinished(async () => {
    await example.stop('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  });
  return { example, cwd };
}
