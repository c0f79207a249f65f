import { readFile, stat } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { Option, type Command } from 'commander';
import { startFromLink } from '../channels/invite.js';
import type { Bot, BotOptions, Script, StartOptions } from '../engine/index.js';
// The signing module alone, not the engine index: `botflow link` and `decode` read secrets too.
import { checkLinkSecrets, LinkSecretError } from '../engine/links/signed.js';
import { UsageError } from './exit.js';
import { complain } from './terminal.js';

/** Where link secrets come from: `--secret-from FILE`, else the variable BOTFLOW_LINK_SECRET. */
export interface SecretOptions {
  secretFrom?: string;
}

/** What the host provides a script: env values, link secrets and the hosts Server Requests may reach. */
/** `--env` and `--env-from`: the env values a host gives scripts. */
export interface EnvOptions {
  env: string[];
  envFrom?: string;
}

export interface HostOptions extends SecretOptions, EnvOptions {
  allowHost: string[];
  strict?: boolean;
}

/** Options every command that runs one conversation shares: how it starts, and the host's. */
export interface RunOptions extends HostOptions {
  start?: string;
  link?: string;
  payload?: string;
  channel?: string;
  draw: string[];
}

/** Commander's accumulator for repeatable options. */
export const collect = (value: string, previous: string[]) => [...previous, value];

/** `defaultChannel` is what `channel` reports without a link or --channel (the studio's simulator says `studio`). */
export function addRunOptions(command: Command, defaultChannel = 'cli'): Command {
  return addHostOptions(
    command
      .addOption(
        new Option('--start <data>', 'the invitation link’s data (Telegram start parameter, ref…)').conflicts(
          ['link', 'payload'],
        ),
      )
      .addOption(
        new Option(
          '--link <url>',
          'an invitation link; its data and channel start the conversation',
        ).conflicts('payload'),
      )
      .option('--payload <json>', 'the short-key payload as JSON, e.g. {"eId":"42","v":{"city":"Moscow"}}')
      .option(
        '--channel <name>',
        `the channel to report in \`channel\` (default: the link’s, else ${defaultChannel})`,
      )
      .option(
        '--draw <block=number>',
        'a fixed draw from 0 up to 1 for a random block, to take a chosen branch; repeat for more',
        collect,
        [],
      ),
  );
}

export function addEnvOptions(command: Command): Command {
  return (
    command
      .option('--env <name=value>', 'a value scripts read as env.NAME; repeat for more', collect, [])
      // Not `--env-file`: Node 20 takes that flag for itself even after the script's name.
      .option('--env-from <file>', 'read env values from a .env file')
  );
}

export function addHostOptions(command: Command): Command {
  return addEnvOptions(addSecretOption(addStrictOption(command))).option(
    '--allow-host <host>',
    'let Server Requests reach this host at a private address; repeat for more',
    collect,
    [],
  );
}

/** `--strict`: for every command that loads a script, the way `strict: true` in the script is. */
export function addStrictOption(command: Command): Command {
  return command.option(
    '--strict',
    'warnings are errors, and an expression that fails at run time fails its block (like strict: true)',
  );
}

/** `--secret-from FILE`: for every command that signs or checks links. */
export function addSecretOption(command: Command): Command {
  return command.option(
    '--secret-from <file>',
    'read the link secrets from a file, one a line, newest first (default: BOTFLOW_LINK_SECRET)',
  );
}

/** The variable that holds the link secrets, newest first, separated by commas or newlines. */
export const LINK_SECRET_VARIABLE = 'BOTFLOW_LINK_SECRET';

/** The largest secret file read: a few secrets, never data. */
const SECRET_FILE_LIMIT = 64 * 1024;

/**
 * The link secrets, newest first: the lines of `--secret-from FILE` (blank lines skipped), else
 * BOTFLOW_LINK_SECRET split at commas and newlines (unset or empty: none). Each is trimmed, and
 * checked; a file that cannot be read, holds none, or a secret that cannot be used is a
 * LinkSecretError (exit 1) that never shows a secret.
 */
export async function readLinkSecrets(
  options: SecretOptions,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): Promise<readonly string[]> {
  if (options.secretFrom !== undefined) {
    const file = options.secretFrom;
    let text: string;
    try {
      if ((await stat(file)).size > SECRET_FILE_LIMIT) {
        throw new LinkSecretError(
          `the secret file ${file} is over ${SECRET_FILE_LIMIT} bytes; it holds secrets only`,
        );
      }
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (error instanceof LinkSecretError) throw error;
      throw new LinkSecretError(`cannot read the secret file ${file}`);
    }
    const secrets = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    return checkLinkSecrets(secrets, `the secret file ${file}`);
  }
  const value = environment[LINK_SECRET_VARIABLE] ?? '';
  if (value.trim() === '') return [];
  const secrets = value.split(/[,\n]/).map((secret) => secret.trim());
  // A trailing separator (a newline at the end of a pasted value) is no empty secret.
  if (secrets.at(-1) === '') secrets.pop();
  return checkLinkSecrets(secrets, LINK_SECRET_VARIABLE);
}

/** The largest env file read: env files hold a few settings, never data. */
const ENV_FILE_LIMIT = 64 * 1024;

/** The host's env: the file first, then each --env (later wins). */
export async function readEnv(options: EnvOptions): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  if (options.envFrom !== undefined) {
    let text: string;
    try {
      const { size } = await stat(options.envFrom);
      if (size > ENV_FILE_LIMIT) {
        throw new UsageError(
          `the env file ${options.envFrom} is ${size} bytes, over the limit of ${ENV_FILE_LIMIT}`,
        );
      }
      text = await readFile(options.envFrom, 'utf8');
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`cannot read the env file ${options.envFrom}`);
    }
    Object.assign(env, parseEnv(text));
  }
  for (const assignment of options.env) {
    const equals = assignment.indexOf('=');
    if (equals <= 0) throw new UsageError(`--env takes NAME=value, got "${assignment}"`);
    env[assignment.slice(0, equals)] = assignment.slice(equals + 1);
  }
  return env;
}

export function startOptions(options: RunOptions): StartOptions {
  if (options.link !== undefined) return startFromLink(options.link, options.channel);
  const channel = options.channel ?? 'cli';
  if (options.payload !== undefined) {
    let payload: unknown;
    try {
      payload = JSON.parse(options.payload);
    } catch {
      throw new UsageError('--payload must be JSON, e.g. {"eId":"42"}');
    }
    return { payload, channel };
  }
  return { startParam: options.start ?? '', channel };
}

/** The `--draw block=number` options as the bot's `draws`. */
export function drawsOf(options: RunOptions): Record<string, number> {
  const draws: Record<string, number> = {};
  for (const assignment of options.draw) {
    const [block = '', text = '', ...more] = assignment.split('=');
    const draw = Number(text);
    if (block === '' || text.trim() === '' || more.length > 0 || !(draw >= 0 && draw < 1)) {
      throw new UsageError(
        `--draw takes a block id and a number from 0 up to 1, e.g. --draw offer-split=0.8`,
      );
    }
    if (Object.hasOwn(draws, block)) throw new UsageError(`--draw gives block ${block} twice`);
    draws[block] = draw;
  }
  return draws;
}

/**
 * Loads the script and reads the host's env, refusing (exit 1) when a name the script declares
 * under `env:` has no value: before any turn, naming every one.
 */
export async function scriptWithEnv(
  file: string,
  options: HostOptions,
): Promise<{ script: Script; env: Record<string, string> }> {
  const { formatProblem, loadScript, requireEnv } = await import('../engine/index.js');
  const script = await loadScript(file, { strict: options.strict === true });
  // A warning is a likely mistake (a misspelt variable renders empty): said once, before any turn.
  for (const warning of script.warnings) complain(formatProblem(warning));
  const env = await readEnv(options);
  requireEnv(script, env, 'pass --env NAME=value or --env-from FILE');
  return { script, env };
}

/** Loads the script and makes a bot with the host's env, clock and HTTP policy. */
export async function botFor(
  file: string,
  options: HostOptions,
  extra: Partial<BotOptions> = {},
): Promise<Bot> {
  // Imported here, not at the top: `botflow link` uses this module's options and must not load the engine.
  const { createBot, createHttpClient } = await import('../engine/index.js');
  const { script, env } = await scriptWithEnv(file, options);
  const linkSecrets = extra.linkSecrets ?? (await readLinkSecrets(options));
  return createBot({
    script,
    env,
    linkSecrets,
    http: createHttpClient({ allowHosts: options.allowHost }),
    ...extra,
  });
}
