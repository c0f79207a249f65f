import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command, Option } from 'commander';
import type { Funnel, ReportingStore, ReportTextOptions } from '../../engine/index.js';
import { BotflowError } from '../../engine/error.js';
import { addEnvOptions, addStrictOption, readEnv, type EnvOptions } from '../options.js';
import { openExistingStore } from '../store-option.js';
import { printable, say } from '../terminal.js';

interface ReportCommandOptions extends EnvOptions {
  store: string;
  script?: string;
  strict?: boolean;
  vars?: string;
  allVars?: boolean;
  since?: string;
  until?: string;
  status?: string;
  result?: string;
  format: string;
  out?: string;
  bom?: boolean;
  funnel?: boolean;
  links?: boolean;
  purgeEndedBefore?: string;
}

export function reportCommand(): Command {
  return addEnvOptions(
    addStrictOption(
      new Command('report')
        .description(
          'Report the conversations a session store holds, with their variables; or the funnel of blocks entered and branches taken.',
        )
        .addOption(
          new Option(
            '--store <store>',
            'the session store serve wrote: sqlite:PATH, redis://HOST:PORT, redis+cluster://HOST:PORT,HOST:PORT or postgres://HOST:PORT/DATABASE',
          )
            .env('BOTFLOW_STORE')
            .makeOptionMandatory(),
        )
        .option('--script <file>', 'the script the conversations run: its defaults, end blocks and env names')
        .option('--vars <names>', 'the variables to show, split by commas (default: clientExternalId)')
        .option('--all-vars', 'show every variable the conversations hold')
        .option(
          '--since <when>',
          'only conversations last updated since then: an age (7d, 12h, 30m, 2w) or a date',
        )
        .option('--until <when>', 'only conversations last updated before then: an age or a date')
        .option('--status <status>', 'only conversations that are waiting, ended or error')
        .option('--result <result>', 'only conversations that ended with this result')
        .option('--format <format>', 'table, csv, json or ndjson', 'table')
        .option('--out <file>', 'write to this file (whole, or not at all) instead of standard output')
        .option('--bom', 'CSV: start with a byte-order mark, so Excel reads UTF-8')
        .option(
          '--funnel',
          'the funnel instead: each block entered, where conversations stopped, the branches taken',
        )
        .addOption(
          new Option(
            '--links',
            'the short links and start tokens instead, with how often each was opened',
          ).conflicts([
            'funnel',
            'vars',
            'allVars',
            'since',
            'until',
            'status',
            'result',
            'purgeEndedBefore',
          ]),
        )
        .option(
          '--purge-ended-before <when>',
          'delete ended and failed conversations last updated before then (an age such as 90d, or a date), and say how many',
        ),
    ),
  ).action((options: ReportCommandOptions) => report(options));
}

async function report(options: ReportCommandOptions): Promise<void> {
  const engine = await import('../../engine/index.js');
  const now = Date.now();
  const time = (option: string, value: string | undefined) =>
    value === undefined ? undefined : engine.parseTimePoint(value, now, option);
  // Every option is checked before the store is opened.
  const format = engine.reportFormat(options.format);
  const filter = {
    ...optional('since', time('--since', options.since)),
    ...optional('until', time('--until', options.until)),
    ...optional('status', statusOption(options.status, engine.CONVERSATION_STATUSES)),
  };
  const purgeBefore = time('--purge-ended-before', options.purgeEndedBefore);
  // A date in the future would take every ended conversation: a typo in the year must not.
  if (purgeBefore !== undefined && purgeBefore > now) {
    throw new BotflowError(
      'report.bad-option',
      `--purge-ended-before takes an age (90d) or a past date, not ${JSON.stringify(options.purgeEndedBefore)}, which is in the future`,
    );
  }
  const variables = variablesOption(options);
  const script =
    options.script === undefined
      ? undefined
      : await engine.loadScript(options.script, { strict: options.strict === true });
  const opened = await openExistingStore(options.store);
  try {
    if (options.links === true) {
      await writeOut(
        options.out,
        printableChunks(engine.linkReportText(opened.store, { format, bom: options.bom === true }), format),
      );
      return;
    }
    const store = engine.reportingStore(opened.store);
    if (purgeBefore !== undefined) {
      const purged = await store.purgeEnded(purgeBefore);
      say(
        `purged ${purged} ended conversation${purged === 1 ? '' : 's'} last updated before ${new Date(purgeBefore).toISOString()}`,
      );
      return;
    }
    // The values of the env names the script declares, as this environment has them, never shown.
    // The env values serve was given (--env, --env-from), and those of the names the script declares.
    const mask = engine.secretMasker([
      ...Object.values(await readEnv(options)),
      ...(script ? [...script.env.keys()].map((name) => process.env[name] ?? '') : []),
    ]);
    if (options.funnel === true) {
      const funnel = mask(await engine.readFunnel(store, script));
      await writeOut(options.out, [
        format === 'json' ? `${JSON.stringify(funnel, null, 2)}\n` : funnelText(funnel),
      ]);
      return;
    }
    const progress = progressLine();
    const textOptions: ReportTextOptions = {
      format,
      filter,
      mask,
      ...optional('variables', variables),
      ...optional('script', script),
      ...optional('result', options.result),
      ...optional('bom', options.bom),
      ...optional('onRow', progress?.row),
    };
    try {
      await writeOut(options.out, reportChunks(store, textOptions, format));
    } finally {
      progress?.done();
    }
  } finally {
    await opened.close();
  }
}

/** The conversations report's text. */
async function* reportChunks(
  store: ReportingStore,
  options: ReportTextOptions,
  format: ReportTextOptions['format'],
): AsyncIterable<string> {
  const { reportText } = await import('../../engine/index.js');
  yield* printableChunks(reportText(store, options), format);
}

/** A table's chunks made printable for a terminal; CSV and JSON stay exact. */
async function* printableChunks(
  chunks: AsyncIterable<string>,
  format: ReportTextOptions['format'],
): AsyncIterable<string> {
  for await (const chunk of chunks) yield format === 'table' ? printable(chunk) : chunk;
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

function statusOption<S extends string>(status: string | undefined, statuses: readonly S[]): S | undefined {
  if (status === undefined) return undefined;
  if (!(statuses as readonly string[]).includes(status)) {
    throw new BotflowError('report.bad-option', `--status takes ${statuses.join(', ')}, not "${status}"`);
  }
  return status as S;
}

function variablesOption(options: ReportCommandOptions): readonly string[] | 'all' | undefined {
  if (options.allVars === true && options.vars !== undefined) {
    throw new BotflowError('report.bad-option', 'give --vars or --all-vars, not both');
  }
  if (options.allVars === true) return 'all';
  if (options.vars === undefined) return undefined;
  const names = options.vars.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) {
    throw new BotflowError(
      'report.bad-option',
      '--vars takes variable names split by commas, e.g. --vars clientExternalId,city',
    );
  }
  return names;
}

/**
 * Writes the chunks to standard output, or to `out` whole: into a file beside it first, renamed
 * over it at the end, so a failure part-way leaves the old file (or none) and nothing half-written.
 */
async function writeOut(
  out: string | undefined,
  chunks: AsyncIterable<string> | Iterable<string>,
): Promise<void> {
  const source = Readable.from(chunks, { objectMode: false });
  if (out === undefined) {
    await pipeline(source, process.stdout, { end: false });
    return;
  }
  const temporary = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await pipeline(source, createWriteStream(temporary, { flags: 'wx' }));
    await rename(temporary, out);
  } catch (error) {
    await rm(temporary, { force: true });
    if (error instanceof BotflowError) throw error;
    throw new BotflowError('report.unwritable', `cannot write ${out}: ${whyUnwritable(error)}`);
  }
}

/** Why a file could not be written, in words about the file asked for (not the temporary one beside it). */
function whyUnwritable(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'its folder does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** A line on standard error that counts the rows, when it is a terminal; nothing otherwise. */
function progressLine(): { row: (rows: number) => void; done: () => void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  let shownAt = 0;
  let last = 0;
  return {
    row: (rows) => {
      last = rows;
      const now = Date.now();
      if (now - shownAt < 200) return;
      shownAt = now;
      process.stderr.write(`\rreport: ${rows.toLocaleString('en-US')} conversations`);
    },
    done: () => {
      if (shownAt > 0) process.stderr.write(`\rreport: ${last.toLocaleString('en-US')} conversations\n`);
    },
  };
}

/** The funnel for a terminal: a line a block, its ways out below it. */
function funnelText(funnel: Funnel): string {
  const lines = [
    `${funnel.conversations} conversations: ${funnel.stopped.waiting} waiting, ${funnel.stopped.ended} ended, ${funnel.stopped.error} error`,
    '',
    'block                           entered  waiting    ended    error  drop-off',
  ];
  const blockLines = (blocks: Funnel['blocks']) =>
    blocks.flatMap((block) => [
      [
        block.id.padEnd(30).slice(0, 30),
        String(block.entered).padStart(9),
        String(block.stopped.waiting).padStart(8),
        String(block.stopped.ended).padStart(8),
        String(block.stopped.error).padStart(8),
        (block.dropOff === null ? '–' : `${block.dropOff.toFixed(1)}%`).padStart(9),
      ].join(' '),
      ...block.edges.map(
        ({ edge, target, taken }) => `    ${edge}${target === null ? '' : ` → ${target}`}: ${taken}`,
      ),
    ]);
  lines.push(...blockLines(funnel.blocks));
  if (funnel.retired.length > 0) {
    lines.push(
      '',
      'blocks counted under an earlier version of the script, no longer in it:',
      ...blockLines(funnel.retired),
    );
  }
  return printable(`${lines.join('\n')}\n`);
}
