import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import { BotflowError, missingEnvMessage, reportingStore } from '../../engine/index.js';
import { STUDIO_ENV_HINT } from '../../studio/server/context.js';
import type { ReportSource } from '../../studio/server/context.js';
import { startStudio } from '../../studio/server/server.js';
import { UsageError } from '../exit.js';
import {
  addRunOptions,
  collect,
  drawsOf,
  readEnv,
  readLinkSecrets,
  startOptions,
  type RunOptions,
} from '../options.js';
import { openExistingStore } from '../store-option.js';
import { complain, say } from '../terminal.js';

interface StudioOptions extends RunOptions {
  port?: string;
  host: string;
  open: boolean;
  cases: string[];
  store?: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
/** Addresses that mean "every interface": the page answers only at the address it prints, so it needs one. */
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

export function studioCommand(): Command {
  return addRunOptions(
    new Command('studio')
      .description(
        'Open the studio: the script as a graph, a chat simulator, a link builder, coverage and the funnel.',
      )
      .argument('<script>', 'YAML script file'),
    'studio',
  )
    .option('--port <port>', 'the port to serve on (default: a free one)')
    .option('--host <address>', 'the address to serve on', '127.0.0.1')
    .option('--no-open', 'print the URL without opening a browser')
    .addOption(
      new Option(
        '--cases <file>',
        'a case file for coverage and the simulator’s mocks (default: <script>.cases.yaml beside it); repeat for more',
      )
        .argParser(collect)
        .default([]),
    )
    .option(
      '--store <store>',
      'the session store a serve session wrote, for the Funnel tab (read only): sqlite:PATH, redis://HOST:PORT, redis+cluster://HOST:PORT,HOST:PORT or postgres://HOST:PORT/DATABASE',
    )
    .action(async (file: string, options: StudioOptions) => {
      if (WILDCARDS.has(options.host)) {
        throw new UsageError(
          `--host takes the one address the studio is opened at (e.g. 192.168.1.20), not ${JSON.stringify(options.host)}: the page answers only at the address it prints`,
        );
      }
      await checkScriptPath(file);
      const opened = options.store === undefined ? undefined : await openExistingStore(options.store);
      try {
        await runStudio(
          file,
          options,
          opened && { store: reportingStore(opened.store), where: opened.where },
        );
      } finally {
        await opened?.close();
      }
    });
}

async function runStudio(
  file: string,
  options: StudioOptions,
  reports: ReportSource | undefined,
): Promise<void> {
  const studio = await startStudio({
    file,
    host: options.host,
    port: portOf(options.port),
    env: await readEnv(options),
    linkSecrets: await readLinkSecrets(options),
    allowHosts: options.allowHost,
    ...(options.cases.length > 0 && { caseFiles: options.cases }),
    // The simulator reports `studio` as its channel unless told otherwise (`chat` says `cli`).
    start: startOptions(
      options.channel === undefined && options.link === undefined
        ? { ...options, channel: 'studio' }
        : options,
    ),
    draws: drawsOf(options),
    strict: options.strict === true,
    ...(reports && { reports }),
    onFailure: (error) => {
      complain(`botflow studio: ${error instanceof Error ? error.message : String(error)}`);
    },
  });
  // Listening for Ctrl-C before the URL is printed: whoever reads the URL may stop it at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop).on('SIGTERM', stop);
  });
  if (!LOOPBACK.has(options.host)) {
    complain(
      `botflow studio: serving on ${options.host}: whoever reaches this address with the URL can run the script`,
    );
  }
  // The studio still opens: editing, cases and coverage need no env; only a live conversation does.
  if (studio.missingEnv.length > 0) {
    complain(
      `botflow studio: ${missingEnvMessage(studio.missingEnv, `${STUDIO_ENV_HINT}; until then the simulator runs only with a case's mocks`)}`,
    );
  }
  say(`studio: ${studio.url}`);
  if (options.open && hasDisplay()) openBrowser(studio.url);
  await stopped;
  await studio.close();
}

/** A folder is refused; a file that does not exist yet is said, since the page then shows nothing. */
async function checkScriptPath(file: string): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) throw new BotflowError('file.unreadable', `${file} is a folder, not a script`);
  // A missing folder is the watcher's one sentence; a missing file in a real folder is only said.
  if (!info && (await stat(dirname(file)).catch(() => undefined))) {
    complain(`botflow studio: ${file} does not exist yet; the page shows the script once it is saved there`);
  }
}

function portOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535)
    throw new UsageError(`--port takes a number from 0 to 65535, got "${text}"`);
  return port;
}

/** A desktop to open a browser on: always on macOS and Windows, on Linux when X or Wayland runs. */
function hasDisplay(): boolean {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY ?? process.env.WAYLAND_DISPLAY);
}

function openBrowser(url: string): void {
  const [command, args]: [string, string[]] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  // The URL is one argument, never passed through a shell; a browser that fails to open is no error.
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}
