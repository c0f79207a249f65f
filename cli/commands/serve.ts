import { once } from 'node:events';
import { Command, Option } from 'commander';
import { corsOrigin } from '../../channels/http/cors.js';
import { createBotServer, type BotServer, type Logger } from '../../channels/http/index.js';
import { startValueSigner } from '../../channels/short-links.js';
import { BotflowError, parseAge, secretMasker, TRANSCRIPT_LIMIT } from '../../engine/index.js';
import { UsageError } from '../exit.js';
import { addHostOptions, botFor, readEnv, readLinkSecrets, type HostOptions } from '../options.js';
import { nonEmpty, setting } from '../serve/environment.js';
import { serveLogger } from '../serve/logger.js';
import { keepEndedFor } from '../serve/retention.js';
import {
  setTelegramWebhook,
  startPolling,
  telegramUsername,
  telegramWebhookSetup,
} from '../serve/telegram.js';
import { WEBHOOK_SECRET_VARIABLES, webhooksFrom } from '../serve/webhooks.js';
import { openStore, probeStore } from '../store-option.js';

interface ServeOptions extends HostOptions {
  http?: number;
  host: string;
  telegramToken?: string;
  store: string;
  requireSignedLinks?: boolean;
  publicUrl?: string;
  purgeEndedAfter?: string;
  funnel: boolean;
  cors: string[];
  transcripts?: number;
  publicChat?: boolean;
}

/** How long shutdown waits for turns in flight before it gives up on them. */
const SHUTDOWN_DEADLINE_MS = 30_000;

export function serveCommand(): Command {
  return addHostOptions(
    new Command('serve')
      .description(
        'Run a live bot: the JSON API and webhooks over HTTP, and Telegram by long polling or webhook.',
      )
      .argument('<script>', 'YAML script file'),
  )
    .addOption(
      new Option('--http <port>', 'serve the JSON API, webhooks and /health on this port').argParser(port),
    )
    .option('--host <address>', 'the address the HTTP server listens on', '127.0.0.1')
    .addOption(
      new Option(
        '--telegram-token <token>',
        'run the bot on Telegram (prefer the variable: `ps` shows arguments)',
      ).env('TELEGRAM_TOKEN'),
    )
    .addOption(
      new Option(
        '--store <store>',
        'where conversations live: memory, sqlite:PATH, redis://HOST:PORT, redis+cluster://HOST:PORT,HOST:PORT or postgres://HOST:PORT/DATABASE',
      )
        .env('BOTFLOW_STORE')
        .default('sqlite:./botflow-sessions.db'),
    )
    .option(
      '--require-signed-links',
      'seed variables only from signed invitation links (like links: { signed: required } in the script)',
    )
    .option(
      '--public-url <url>',
      'the address the world reaches --http at (https://bot.example.com): turns on short links, POST /links and GET /l/CODE',
    )
    .option(
      '--purge-ended-after <age>',
      'delete ended and failed conversations once last updated this long ago (e.g. 90d): at start, then hourly',
    )
    .option('--no-funnel', 'do not count blocks entered and branches taken (the funnel of botflow report)')
    .addOption(
      new Option(
        '--cors <origin>',
        'let web pages of this origin (https://chat.example.com) call the JSON API from a browser; repeatable',
      )
        .argParser(corsOrigins)
        .default([]),
    )
    .addOption(
      new Option(
        '--transcripts <n>',
        'keep the last N messages of each conversation (0 to 1000) for GET /conversations/KEY/transcript',
      ).argParser(transcriptCount),
    )
    .option(
      '--public-chat',
      'let callers without the API token talk in conversations keyed web: + 22 or more random characters (web chats)',
    )
    .action((file: string, options: ServeOptions) => serve(file, options));
}

/** Each `--cors` checked as it is read, so a bad one stops `serve` before anything starts. */
function corsOrigins(value: string, previous: readonly string[]): string[] {
  try {
    return [...previous, corsOrigin(value)];
  } catch (error) {
    throw new UsageError(`--cors: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function port(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65_535)
    throw new UsageError(`--http takes a port from 0 to 65535, got "${value}"`);
  return number;
}

function transcriptCount(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > TRANSCRIPT_LIMIT)
    throw new UsageError(`--transcripts takes a number from 0 to ${TRANSCRIPT_LIMIT}, got "${value}"`);
  return number;
}

async function serve(file: string, options: ServeOptions): Promise<void> {
  const telegramToken = nonEmpty(options.telegramToken);
  const publicUrl = options.publicUrl === undefined ? undefined : checkedPublicUrl(options.publicUrl);
  if (publicUrl !== undefined && options.http === undefined) {
    throw new UsageError('--public-url needs --http PORT: short links are served over HTTP');
  }
  if (options.cors.length > 0 && options.http === undefined) {
    throw new UsageError('--cors needs --http PORT: it is the JSON API that browsers call');
  }
  if (options.http === undefined && telegramToken === undefined) {
    throw new UsageError('serve needs --http PORT, --telegram-token or TELEGRAM_TOKEN, or both');
  }
  const keepEnded =
    options.purgeEndedAfter === undefined
      ? undefined
      : parseAge(options.purgeEndedAfter, '--purge-ended-after');
  const env = await readEnv(options);
  // An empty variable (an unset `${VAR}` in a compose file) must not open the API unnoticed.
  if (process.env.BOTFLOW_API_TOKEN === '') {
    throw new UsageError(
      'BOTFLOW_API_TOKEN is set but empty: give it a token, or unset it to run the JSON API without one',
    );
  }
  const apiToken = setting(process.env, 'BOTFLOW_API_TOKEN');
  if (options.publicChat === true && apiToken === undefined) {
    throw new UsageError(
      '--public-chat needs BOTFLOW_API_TOKEN: without a token the whole API is open anyway',
    );
  }
  if (options.publicChat === true && options.http === undefined) {
    throw new UsageError('--public-chat needs --http PORT');
  }
  const linkSecrets = await readLinkSecrets(options);
  const secrets = [
    ...Object.values(env),
    ...linkSecrets,
    ...WEBHOOK_SECRET_VARIABLES.map((name) => process.env[name] ?? ''),
    ...storeSecrets(options.store),
    telegramToken ?? '',
    apiToken ?? '',
  ];
  const log = serveLogger(secretMasker(secrets));
  // With TELEGRAM_WEBHOOK_SECRET, Telegram posts to /webhooks/telegram instead of being polled.
  const telegramWebhook = telegramWebhookSetup(process.env, telegramToken, options.http !== undefined);
  const opened = await openStore(options.store);
  // Until the bot is up, a failure leaves nothing behind: a store file made for it is removed.
  let started = false;
  try {
    const bot = await botFor(file, options, {
      store: opened.store,
      funnel: options.funnel,
      linkSecrets,
      ...(options.transcripts !== undefined && { transcripts: options.transcripts }),
      ...(options.requireSignedLinks === true && { signedLinks: 'required' }),
    });
    const username = telegramWebhook && (await telegramUsername(bot, telegramWebhook.token, log));
    const webhooks = webhooksFrom(
      { ...process.env, TELEGRAM_TOKEN: telegramToken },
      username === undefined ? {} : { telegram: { username } },
    );
    log.info(
      { script: bot.script.name, version: bot.script.version, store: opened.kind, where: opened.where },
      'starting',
    );
    const stopPurging = keepEnded === undefined ? undefined : keepEndedFor(opened.store, keepEnded, log);
    const polling =
      telegramToken === undefined || telegramWebhook !== undefined
        ? undefined
        : await startPolling(bot, telegramToken, log);
    let server: BotServer | undefined;
    let listening = false;
    try {
      if (options.http !== undefined) {
        server = createBotServer({
          bot,
          webhooks,
          ...(apiToken !== undefined && { apiToken }),
          ...(options.publicChat === true && { publicChat: true }),
          reportStore: opened.store,
          health: () => probeStore(opened.store),
          cors: options.cors,
          logger: log,
          ...(publicUrl !== undefined && {
            shortLinks: {
              store: opened.store,
              publicUrl,
              ...(linkSecrets.length > 0 && { sign: startValueSigner(linkSecrets) }),
            },
          }),
        });
        const url = await listen(server, options.http, options.host);
        listening = true;
        log.info(
          {
            url,
            webhooks: webhooks.map(({ channel }) => `/webhooks/${channel}`),
            ...(publicUrl !== undefined && { shortLinks: `${publicUrl}/l/` }),
            // What an operator checks first: who may call the JSON API.
            api:
              apiToken === undefined ? 'open' : options.publicChat === true ? 'token, public chat' : 'token',
            cors: options.cors,
          },
          'listening',
        );
      }
      const webhookUrl = telegramWebhook?.url;
      if (telegramWebhook && webhookUrl !== undefined) {
        await setTelegramWebhook(bot, { ...telegramWebhook, url: webhookUrl }, log);
      }
    } catch (error) {
      // The port is taken, or Telegram refused the webhook: stop what did start, so the process can end.
      await Promise.all([polling?.stop(), listening ? server?.close() : undefined]);
      throw error;
    }
    started = true;
    const stop = await Promise.race([nextSignal(), polling?.failed ?? new Promise<never>(() => undefined)]);
    stopPurging?.();
    await shutDown(
      log,
      stop,
      [polling?.stop(), server?.close()].filter((stopping) => stopping !== undefined),
    );
    if (stop instanceof BotflowError) throw stop;
  } finally {
    await (started ? opened.close() : opened.discard());
  }
}

/** Waits for the first of SIGTERM and SIGINT; a second one then stops the process at once. */
async function nextSignal(): Promise<string> {
  const signal = await Promise.race(
    (['SIGTERM', 'SIGINT'] as const).map((name) => once(process, name).then(() => name)),
  );
  // A second signal means "now": whatever is in flight is dropped, never half-stored.
  for (const name of ['SIGTERM', 'SIGINT'] as const) {
    process.once(name, () => {
      process.exit(1);
    });
  }
  return signal;
}

/** Lets the turns in flight finish, within the deadline. */
async function shutDown(
  log: Logger,
  reason: string | BotflowError,
  stopping: Promise<void>[],
): Promise<void> {
  log.info(
    { reason: typeof reason === 'string' ? reason : reason.code },
    'stopping: finishing the turns in flight',
  );
  const deadline = setTimeout(() => {
    log.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'turns still in flight at the deadline; stopping anyway');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  await Promise.all(stopping);
  clearTimeout(deadline);
  log.info({}, 'stopped');
}

/** `--public-url` without a trailing `/`: an http(s) URL with no query, fragment or credentials. */
function checkedPublicUrl(text: string): string {
  const url = URL.parse(text);
  if (
    url === null ||
    !['http:', 'https:'].includes(url.protocol) ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    throw new UsageError(
      '--public-url takes the http(s) address the server is reached at, such as https://go.example.com, without a query',
    );
  }
  return url.href.replace(/\/+$/, '');
}

/** Starts listening (an address that cannot be used is one sentence); the URL it listens at. */
async function listen(server: BotServer, port: number, host: string): Promise<string> {
  const address = await server.listen(port, host);
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

/** The password in a store URL (`redis://:pw@host`, `?password=pw`), masked in every log line. */
function storeSecrets(spec: string): string[] {
  // A cluster URL lists its nodes with commas, which URL cannot parse: its first node stands for all.
  const url = URL.parse(spec) ?? URL.parse(spec.replace(/,[^@]*$/, ''));
  if (url === null) return [];
  return [passwordOf(url), url.searchParams.get('password') ?? ''];
}

/** The URL's password decoded; as written when it does not decode (the store then refuses the URL). */
function passwordOf(url: URL): string {
  try {
    return decodeURIComponent(url.password);
  } catch {
    return url.password;
  }
}
