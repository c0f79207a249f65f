import { checkLinkData } from './link-data.js';

const WEB_SCHEMES: ReadonlySet<string> = new Set(['https:', 'http:']);

/**
 * The one path segment after `prefix` of an http(s) link on one of `hosts`, or undefined when
 * the link is elsewhere or has another path. Both schemes are read because the seed itself
 * writes `http://m.me/…`; builders always write https.
 */
export function nameInPath(
  url: URL,
  hosts: readonly string[],
  prefix: readonly string[] = [],
): string | undefined {
  if (!WEB_SCHEMES.has(url.protocol) || !hosts.includes(url.hostname)) return undefined;
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  if (segments.length !== prefix.length + 1) return undefined;
  if (prefix.some((part, index) => segments[index] !== part)) return undefined;
  return segments.at(-1);
}

/**
 * The link's data under `keyword`, checked by the shared rule; undefined when the keyword is
 * absent. A keyword that is present but empty is an error, not "no data": the link was meant to
 * carry data and lost it.
 */
export function dataOf(url: URL, keyword: string): string | undefined {
  const value = url.searchParams.get(keyword);
  return value === null ? undefined : checkLinkData(value);
}

/**
 * `base` with `params` as its query, encoded by URLSearchParams. Spaces become `%20` rather than
 * `+`: both are valid, but `%20` is what the messengers' own docs show (WhatsApp's prefilled
 * text), so a link is read the same by every app that opens it. A literal `+` is already `%2B`.
 */
export function withQuery(base: string, params: Readonly<Record<string, string>>): string {
  return `${base}?${new URLSearchParams(params).toString().replaceAll('+', '%20')}`;
}
