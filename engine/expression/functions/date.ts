import { numberOf } from '../number.js';
import { toText, type ExpressionValue } from '../value.js';
import { TEXT, typeOf } from '../kinds.js';
import { fixed, optional, type FunctionTable } from './define.js';

/** A date is ISO text or milliseconds (see above). */
const DATE_LIKE = typeOf('date', 'text', 'number');

/**
 * Date helpers work on values, never on a clock (the `now` variable comes from the engine's
 * injectable clock), so they are pure. A date is milliseconds since 1970-01-01 UTC or ISO 8601
 * text; a date-time without an offset is UTC, so the result never depends on the host's zone.
 */
interface Instant {
  readonly time: number;
  /** `2024-05-17` without a time: `addDays` answers in the same shape. */
  readonly dateOnly: boolean;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const DAY = 86_400_000;

function utc(year: number, month: number, day: number, hours = 0, minutes = 0, seconds = 0, ms = 0): number {
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hours, minutes, seconds, ms);
  return date.getTime();
}

/** Years 1 to 9999: what four-digit ISO text can say back. */
const FIRST_TIME = utc(1, 1, 1);
const LAST_TIME = utc(9999, 12, 31, 23, 59, 59, 999);

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month + 1, 0)).getUTCDate();
}

/** Offset text (`Z`, `+03:00`, `-0530`) in minutes, or undefined when out of range. */
function offsetMinutes(offset: string | undefined): number | undefined {
  if (offset === undefined || offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return undefined;
  return (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

function parseIso(text: string): Instant | undefined {
  const match = ISO.exec(text.trim());
  if (!match) return undefined;
  const [, y = '', mo = '', d = '', h, mi, s, fraction, offset] = match;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  const [hours, minutes, seconds] = [Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const shift = offsetMinutes(offset);
  if (shift === undefined) return undefined;
  const ms = Number((fraction ?? '0').padEnd(3, '0').slice(0, 3));
  const time = utc(year, month, day, hours, minutes, seconds, ms) - shift * 60_000;
  return { time, dateOnly: h === undefined };
}

function instantOf(value: ExpressionValue): Instant | undefined {
  const instant =
    typeof value === 'number'
      ? { time: value, dateOnly: false }
      : typeof value === 'string'
        ? parseIso(value)
        : undefined;
  return instant && instant.time >= FIRST_TIME && instant.time <= LAST_TIME ? instant : undefined;
}

interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();
const MAX_CACHED_ZONES = 64;

function zoneFormat(timeZone: string): Intl.DateTimeFormat | undefined {
  let format = zoneFormats.get(timeZone);
  if (format) return format;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined; // an unknown time zone name
  }
  if (zoneFormats.size < MAX_CACHED_ZONES) zoneFormats.set(timeZone, format);
  return format;
}

function partsIn(time: number, timeZone: string): DateParts | undefined {
  const date = new Date(time);
  if (timeZone.toUpperCase() === 'UTC') {
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    };
  }
  const format = zoneFormat(timeZone);
  if (!format) return undefined;
  const formatted = format.formatToParts(date);
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(formatted.find((part) => part.type === type)?.value ?? NaN);
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
  };
}

const pad = (number: number, width: number): string => String(number).padStart(width, '0');

/** `[text]` is literal; the tokens are replaced; every other character is kept. */
const PATTERN_TOKEN = /\[([^\]]*)\]|YYYY|YY|MM|M|DD|D|HH|H|mm|ss/g;

function formatDate(value: ExpressionValue, pattern: string, timeZone: string): string {
  const instant = instantOf(value);
  const parts = instant && partsIn(instant.time, timeZone);
  if (!parts || Object.values(parts).some((part) => !Number.isInteger(part))) return '';
  const tokens: Readonly<Record<string, string>> = {
    YYYY: pad(parts.year, 4),
    YY: pad(parts.year % 100, 2),
    MM: pad(parts.month, 2),
    M: String(parts.month),
    DD: pad(parts.day, 2),
    D: String(parts.day),
    HH: pad(parts.hour, 2),
    H: String(parts.hour),
    mm: pad(parts.minute, 2),
    ss: pad(parts.second, 2),
  };
  return pattern.replace(
    PATTERN_TOKEN,
    (token: string, literal: string | undefined) => literal ?? tokens[token] ?? token,
  );
}

function addDays(value: ExpressionValue, days: ExpressionValue): string {
  const instant = instantOf(value);
  const count = numberOf(days);
  if (!instant || count === undefined) return '';
  const moved = instantOf(instant.time + count * DAY);
  if (!moved) return '';
  const iso = new Date(moved.time).toISOString();
  return instant.dateOnly ? iso.slice(0, 10) : iso;
}

export const DATE_FUNCTIONS: FunctionTable = {
  formatDate: optional(
    1,
    { params: [DATE_LIKE, TEXT, TEXT], returns: TEXT },
    ([value = '', pattern = 'YYYY-MM-DD', timeZone = 'UTC']) =>
      formatDate(value, toText(pattern), toText(timeZone)),
  ),
  addDays: fixed(
    { params: [DATE_LIKE, typeOf('number')], returns: typeOf('date', 'text') },
    ([value = '', days = '']) => addDays(value, days),
  ),
};
