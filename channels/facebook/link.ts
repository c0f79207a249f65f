import { checkLinkData } from '../link-data.js';
import { checkName } from '../link-name.js';
import { dataOf, nameInPath, withQuery } from '../link-url.js';
import type { InviteLink } from '../types.js';

/**
 * Facebook Page usernames "can only contain alphanumeric characters (A–Z, 0–9) and periods" and
 * "must be at least 5 characters long" (Facebook Help Centre, "Guidelines for creating a custom
 * username", facebook.com/help/105399436216001). m.me also opens a Page by its numeric id, which
 * the same pattern admits. The help page gives no maximum; 50 is botflow's own sanity cap, not
 * a documented Facebook limit.
 */
const PAGE_NAME = /^[A-Za-z0-9.]{5,50}$/;
const PAGE_NAME_RULE = 'must be 5 to 50 Latin letters, digits or periods (or the Page id)';

/** `https://m.me/<page>?ref=<data>` (developers.facebook.com, Messenger Platform, "m.me Links"). */
export function buildFacebookLink(name: string, data: string): string {
  checkName(name, 'Facebook Page username', PAGE_NAME, PAGE_NAME_RULE);
  return withQuery(`https://m.me/${name}`, { ref: checkLinkData(data) });
}

export function parseFacebookLink(url: URL): InviteLink | undefined {
  const name = nameInPath(url, ['m.me']);
  return name === undefined ? undefined : { channel: 'facebook', name, data: dataOf(url, 'ref') };
}
