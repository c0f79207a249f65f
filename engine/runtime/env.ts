import { BotflowError } from '../error.js';
import type { Script } from '../script/script.js';

/** What a library host is told to do about names with no value. */
export const LIBRARY_ENV_HINT = 'give values in the env option of createBot';

/**
 * The names the script declares under `env:` that `env` gives no value: missing, or empty (an
 * empty value is nearly always an unset shell variable, `--env CRM_URL=$CRM_URL`), in the order
 * declared.
 */
export function missingEnv(script: Pick<Script, 'env'>, env: Readonly<Record<string, string>>): string[] {
  return [...script.env.keys()].filter((name) => !Object.hasOwn(env, name) || env[name] === '');
}

/** `env.A and env.B have no value: <how>`: every name, in one sentence. */
export function missingEnvMessage(names: readonly string[], how: string): string {
  const listed = names.map((name) => `env.${name}`);
  const subject =
    listed.length > 1 ? `${listed.slice(0, -1).join(', ')} and ${listed.at(-1) ?? ''}` : listed.join('');
  return `${subject} ${listed.length > 1 ? 'have' : 'has'} no value: ${how}`;
}

/** A script's declared env names have no value; `names` lists every one, the message too. */
export class MissingEnvError extends BotflowError {
  constructor(
    readonly names: readonly string[],
    /** What to do, in the words of whoever gives the values: `pass --env NAME=value…`. */
    how: string,
  ) {
    super('env.missing', missingEnvMessage(names, how));
  }
}

/** Throws a MissingEnvError naming every declared name `env` gives no value. */
export function requireEnv(
  script: Pick<Script, 'env'>,
  env: Readonly<Record<string, string>>,
  how: string,
): void {
  const missing = missingEnv(script, env);
  if (missing.length > 0) throw new MissingEnvError(missing, how);
}
