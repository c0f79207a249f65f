import { once } from 'node:events';
import { Command, Option } from 'commander';
import { createBotServer, type BotServer } from '../../channels/http/index.js';
import { createTelegramBot } from '../../channels/telegram/telegram-bot.js';
import { telegramErrorForLog } from '../../channels/telegram/log.js';
import { BotflowError, secretMasker, type Bot } from '../../engine/index.js';
import { UsageError } from '../exit.js';
import { addHostOptions, botFor, readEnv, type HostOptions } from '../options.js';
import { serveLogger } from '../serve/logger.js';
import { WEBHOOK_SECRET_VARIABLES, webhooksFrom } from '../serve/webhooks.js';
import { openStore, probeStore } from '../store-option.js';

interface ServeOptions extends HostOptions {
  http?: number;
  host: string;
  telegramToken?: string;
  store: string;
}

/** How long shutdown waits for turns in flight before it gives up on them. */
const SHUTDOWN_DEADLINE_MS = 30_000;

export function serveCommand(): Command {
  return addHostOptions(
    new Command('serve')
      .description('Run a live bot: the JSON API and webhooks over HTTP, and Telegram by long polling.')
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
    .option(
      '--store <store>',
      'where conversations live: memory, sqlite:PATH or redis://HOST:PORT',
      'sqlite:./botflow-sessions.db',
    )
    .action(async (file: string, options: ServeOptions) => {
      if (options.http === undefined && options.telegramToken === undefined) {
        throw new UsageError('serve needs --http PORT, --telegram-token or TELEGRAM_TOKEN, or both.');
      }
      await serve(file, options);
    });
}

function port(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65_535)
    throw new UsageError(`--http takes a port from 0 to 65535, got "${value}".`);
  return number;
}

async function serve(file: string, options: ServeOptions): Promise<void> {
  const env = await readEnv(options);
  // An empty variable counts as unset, as the webhook variables do.
  const apiToken = process.env.BOTFLOW_API_TOKEN === '' ? undefined : process.env.BOTFLOW_API_TOKEN;
  const secrets = [
    ...Object.values(env),
    ...WEBHOOK_SECRET_VARIABLES.map((name) => process.env[name] ?? ''),
    options.telegramToken ?? '',
    apiToken ?? '',
  ];
  const log = serveLogger(secretMasker(Object.fromEntries(secrets.map((secret, i) => [i, secret]))));
  const webhooks = webhooksFrom(process.env);
  const opened = await openStore(options.store);
  let bot: Bot;
  try {
    bot = await botFor(file, options, { store: opened.store });
  } catch (error) {
    await opened.close();
    throw error;
  }
  log.info(
    { script: bot.script.name, version: bot.script.version, store: opened.kind, where: opened.where },
    'starting',
  );

  let server: BotServer | undefined;
  if (options.http !== undefined) {
    server = createBotServer({
      bot,
      webhooks,
      ...(apiToken !== undefined && { apiToken }),
      health: () => probeStore(opened.store),
      logger: log,
    });
    const address = await server.listen(options.http, options.host);
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    log.info(
      {
        url: `http://${host}:${address.port}`,
        webhooks: webhooks.map(({ channel }) => `/webhooks/${channel}`),
      },
      'listening',
    );
  }

  const stopped = new AbortController();
  const telegram =
    options.telegramToken === undefined
      ? undefined
      : createTelegramBot(bot, options.telegramToken, {
          logger: log,
          ...(process.env.TELEGRAM_API_ROOT && { apiRoot: process.env.TELEGRAM_API_ROOT }),
        });
  let failure: BotflowError | undefined;
  const polling = telegram
    ?.start({
      onStart: (me) => {
        log.info({ bot: me.username }, 'polling Telegram');
      },
    })
    .catch((error: unknown) => {
      const logged = telegramErrorForLog(error, bot, options.telegramToken ?? '');
      log.error({ error: logged }, 'Telegram polling stopped');
      failure = new BotflowError('serve.telegram', `Telegram polling stopped: ${String(logged.message)}.`);
      stopped.abort();
    });

  const signal = await Promise.race([
    once(process, 'SIGTERM').then(() => 'SIGTERM'),
    once(process, 'SIGINT').then(() => 'SIGINT'),
    once(stopped.signal, 'abort').then(() => 'failure'),
  ]);
  // A second signal means "now": whatever is in flight is dropped, never half-stored.
  for (const name of ['SIGTERM', 'SIGINT'] as const) {
    process.once(name, () => {
      process.exit(1);
    });
  }
  log.info({ signal }, 'stopping: finishing the turns in flight');
  const deadline = setTimeout(() => {
    log.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'turns still in flight at the deadline; stopping anyway');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  if (telegram?.isRunning()) await telegram.stop();
  await polling;
  await server?.close();
  await opened.close();
  clearTimeout(deadline);
  log.info({}, 'stopped');
  if (failure !== undefined) throw failure;
}
