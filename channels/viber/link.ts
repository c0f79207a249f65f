import { checkLinkData } from '../link-data.js';
import { checkName } from '../link-name.js';
import { dataOf, withQuery } from '../link-url.js';
import type { InviteLink } from '../types.js';

/**
 * A bot's URI is shown in its Admin Panel and returned by `get_account_info`
 * (developers.viber.com/docs/tools/deep-links); Viber publishes no character rule for it. Known
 * URIs are letters, digits and hyphens (`exampleBot`, `viber-bot-php`), so this admits the
 * URL-safe name characters and refuses only what cannot be a URI: spaces, slashes, `?`, `&`…
 */
const BOT_URI = /^[A-Za-z0-9._-]{1,64}$/;
const BOT_URI_RULE = 'must be 1 to 64 Latin letters, digits, periods, underscores or hyphens';

/** `viber://pa?chatURI=<uri>&context=<data>`; the context arrives in `conversation_started`. */
export function buildViberLink(name: string, data: string): string {
  checkName(name, 'Viber bot URI', BOT_URI, BOT_URI_RULE);
  return withQuery('viber://pa', { chatURI: name, context: checkLinkData(data) });
}

export function parseViberLink(url: URL): InviteLink | undefined {
  // viber: is not a special scheme, so the URL parser keeps the host's case and path as written.
  if (url.protocol !== 'viber:' || url.hostname.toLowerCase() !== 'pa' || url.pathname !== '')
    return undefined;
  const name = url.searchParams.get('chatURI');
  if (name === null || name === '') return undefined;
  return { channel: 'viber', name, data: dataOf(url, 'context') };
}
