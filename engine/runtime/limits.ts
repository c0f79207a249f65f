import { BotflowError } from '../error.js';
import type { Value } from './types.js';

/**
 * The most variables a conversation may hold besides the script's defaults (`maxVariables`).
 * Every turn copies, compares and stores them, so their number is what a turn costs (past a few
 * hundred, more than linearly: about 10 ms a turn at 200, 100 ms or more at 1,000 on a loaded
 * 2-core machine); a script's own variables, start data and saved answers come to a few dozen.
 */
export const DEFAULT_MAX_VARIABLES = 200;

/**
 * The most bytes those variables may take as JSON (`maxVariableBytes`): room for saved CRM
 * answers, far below what would make every turn of the conversation slow.
 */
export const DEFAULT_MAX_VARIABLE_BYTES = 256 * 1024;

export interface VariableLimits {
  readonly count: number;
  readonly bytes: number;
}

/** Which limit variables are over, and by how much, in words. */
export interface LimitBreach {
  readonly code: 'variables.too-many' | 'variables.too-large';
  /** E.g. `60003 variables, over the limit of 1000`. */
  readonly what: string;
}

/**
 * A start whose data would give the conversation variables over the limits: refused before
 * anything runs or is stored.
 */
export class VariableLimitError extends BotflowError {
  constructor(breach: LimitBreach) {
    super(breach.code, `The start would give the conversation ${breach.what}; nothing was stored.`);
  }
}

/**
 * How `variables` (what a conversation holds besides the defaults) break the limits, if they do.
 * The count is checked first, so a flood of names is refused before it is serialized.
 */
export function limitBreach(
  variables: Readonly<Record<string, Value>>,
  limits: VariableLimits,
): LimitBreach | undefined {
  const tooMany = countBreach(Object.keys(variables).length, limits);
  if (tooMany) return tooMany;
  const bytes = Buffer.byteLength(JSON.stringify(variables));
  if (bytes > limits.bytes) {
    return {
      code: 'variables.too-large',
      what: `${bytes} bytes of variables, over the limit of ${limits.bytes}`,
    };
  }
  return undefined;
}

/** How `count` variables break the count limit, if they do. */
export function countBreach(count: number, limits: VariableLimits): LimitBreach | undefined {
  return count > limits.count
    ? { code: 'variables.too-many', what: `${count} variables, over the limit of ${limits.count}` }
    : undefined;
}

/** A positive whole number for a limit option, else a one-sentence BotflowError naming it. */
export function limitOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new BotflowError('bot.bad-option', `The bot's ${name} must be a whole number of 1 or more.`);
  }
  return value;
}
