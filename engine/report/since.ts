import { BotflowError } from '../error.js';

const UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const AGO = /^(\d{1,6})(s|m|h|d|w)$/;
/** A calendar date, or a date and time with its zone (`Z` or `+03:00`): never the reader's local time. */
const DATE = /^\d{4}-\d{2}-\d{2}$|^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A point in time a report option names, in ms since the epoch: an age (`90s`, `30m`, `12h`, `7d`,
 * `2w` before `now`) or an ISO 8601 date (`2026-12-01`, midnight UTC) or date and time with its zone.
 * `option` names the option in the error.
 */
export function parseTimePoint(value: string, now: number, option: string): number {
  const age = ageOf(value);
  if (age !== undefined) return now - age;
  const time = DATE.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new BotflowError(
      'report.bad-option',
      `${option} takes an age such as 7d, 12h, 30m or 2w, or a date such as 2026-12-01 or 2026-12-01T09:00Z, not "${value}"`,
    );
  }
  return time;
}

/** An age (`30m`, `12h`, `7d`, `2w`) in ms, or a one-sentence error naming `option`. */
export function parseAge(value: string, option: string): number {
  const age = ageOf(value);
  if (age === undefined) {
    throw new BotflowError(
      'report.bad-option',
      `${option} takes an age such as 90d, 12h, 30m or 2w, not "${value}"`,
    );
  }
  return age;
}

function ageOf(value: string): number | undefined {
  const ago = AGO.exec(value);
  if (!ago) return undefined;
  const [, amount, unit] = ago as unknown as [string, string, keyof typeof UNITS_MS];
  return Number(amount) * UNITS_MS[unit];
}
