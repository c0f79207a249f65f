const UNITS_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const TTL = /^([1-9]\d{0,5})(m|h|d)$/;

/** The longest a link may live: ten years, far beyond any campaign, well within a timestamp. */
export const TTL_LIMIT_MS = 3650 * UNITS_MS.d;

/** How long a link lives, as `90m`, `12h` or `30d`, in milliseconds; undefined when unreadable or over ten years. */
export function parseTtl(text: string): number | undefined {
  const match = TTL.exec(text);
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, keyof typeof UNITS_MS];
  const ms = Number(amount) * UNITS_MS[unit];
  return ms <= TTL_LIMIT_MS ? ms : undefined;
}

/** What parseTtl takes, for messages. */
export const TTL_FORMS =
  'a whole number of minutes, hours or days, such as 90m, 12h or 30d (at most 10 years)';
