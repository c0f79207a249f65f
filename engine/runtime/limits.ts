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
  override readonly code: LimitBreach['code'];

  constructor(breach: LimitBreach) {
    super(breach.code, `the start would give the conversation ${breach.what}; nothing was stored`);
    this.code = breach.code;
  }
}

/**
 * How `variables` (what a conversation holds besides the defaults) break the limits, if they do.
 * The count is checked first, so a flood of names is refused before it is serialized.
 * `bytesAtMost`, when the caller has it, is the size of a text that holds the variables' JSON
 * (the stored record): within the limit, they are not serialized again, which is every turn's path.
 */
export function limitBreach(
  variables: Readonly<Record<string, Value>>,
  limits: VariableLimits,
  bytesAtMost?: number,
): LimitBreach | undefined {
  const tooMany = countBreach(Object.keys(variables).length, limits);
  if (tooMany) return tooMany;
  if (bytesAtMost !== undefined && bytesAtMost <= limits.bytes) return undefined;
  const bytes = Buffer.byteLength(JSON.stringify(variables));
  if (bytes > limits.bytes) {
    return {
      code: 'variables.too-large',
      what: `${bytes} bytes of variables, over the limit of ${limits.bytes}`,
    };
  }
  return undefined;
}

/**
 * How far over its limits a stored conversation may be and still be read and continued, as a
 * multiple of the larger of the bot's limits and the defaults: a conversation stored under larger
 * limits (they were lowered since, or another process has other ones) goes on. One past that was
 * stored by no bot near these limits, and each of its turns would be slow: it is not continued,
 * and a record past it in bytes is not even parsed.
 */
export const STORED_LIMIT_FACTOR = 4;

/** The most a stored conversation may hold and still be continued (see STORED_LIMIT_FACTOR). */
export function storedLimits(limits: VariableLimits): VariableLimits {
  return {
    count: STORED_LIMIT_FACTOR * Math.max(limits.count, DEFAULT_MAX_VARIABLES),
    bytes: STORED_LIMIT_FACTOR * Math.max(limits.bytes, DEFAULT_MAX_VARIABLE_BYTES),
  };
}

/**
 * How the variables a turn leaves (`after`) break the limits, for a turn that began with the
 * variables `variablesBefore` gives. A conversation read over a limit (stored under larger ones) may go on as it is, but
 * no turn may take it further over: past a limit, the most it may hold is what it held.
 */
export function turnBreach(
  after: Readonly<Record<string, Value>>,
  variablesBefore: () => Readonly<Record<string, Value>>,
  limits: VariableLimits,
  bytesAtMost?: number,
): LimitBreach | undefined {
  // The common path: within the limits, what the turn began with is never worked out.
  if (!limitBreach(after, limits, bytesAtMost)) return undefined;
  const before = variablesBefore();
  const allowed: VariableLimits = {
    count: Math.max(limits.count, Object.keys(before).length),
    bytes: Math.max(limits.bytes, Buffer.byteLength(JSON.stringify(before))),
  };
  const breach = limitBreach(after, allowed);
  if (!breach) return undefined;
  const [held, configured] =
    breach.code === 'variables.too-many' ? [allowed.count, limits.count] : [allowed.bytes, limits.bytes];
  if (held === configured) return breach;
  const size =
    breach.code === 'variables.too-many'
      ? `${Object.keys(after).length} variables`
      : `${Buffer.byteLength(JSON.stringify(after))} bytes of variables`;
  return {
    code: breach.code,
    what: `${size}, more than the ${held} it held when read (this bot allows ${configured})`,
  };
}

/** How `count` variables break the count limit, if they do. */
export function countBreach(count: number, limits: VariableLimits): LimitBreach | undefined {
  return count > limits.count
    ? { code: 'variables.too-many', what: `${count} variables, over the limit of ${limits.count}` }
    : undefined;
}

/** A positive whole number for a limit option, else a BotflowError naming it. */
export function limitOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new BotflowError('bot.bad-option', `the bot's ${name} must be a whole number of 1 or more`);
  }
  return value;
}
