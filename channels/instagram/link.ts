import { checkLinkData } from '../link-data.js';
import { checkName } from '../link-name.js';
import { dataOf, nameInPath, withQuery } from '../link-url.js';
import type { InviteLink } from '../types.js';

/**
 * Instagram usernames: at most 30 letters, digits, periods and underscores, with no period
 * first, last or twice in a row. Meta's ig.me docs only say "the Instagram handle"; this is the
 * rule as collected by the Regexp::Pattern::Instagram `username` pattern (metacpan.org).
 */
const USERNAME = /^(?!\.)(?!.*\.\.)[A-Za-z0-9._]{1,30}(?<!\.)$/;
const USERNAME_RULE =
  'must be 1 to 30 Latin letters, digits, underscores or periods, with no period first, last or twice in a row';

/** `https://ig.me/m/<username>?ref=<data>` (developers.facebook.com, Instagram Messaging, "Using ig.me Links"). */
export function buildInstagramLink(name: string, data: string): string {
  checkName(name, 'Instagram username', USERNAME, USERNAME_RULE);
  return withQuery(`https://ig.me/m/${name}`, { ref: checkLinkData(data) });
}

export function parseInstagramLink(url: URL): InviteLink | undefined {
  const name = nameInPath(url, ['ig.me'], ['m']);
  return name === undefined ? undefined : { channel: 'instagram', name, data: dataOf(url, 'ref') };
}
