import { checkLinkData } from '../link-data.js';
import { checkName } from '../link-name.js';
import { dataOf, nameInPath, withQuery } from '../link-url.js';
import type { InviteLink, LinkOptions } from '../types.js';

/**
 * BotFather's rule for bot usernames (core.telegram.org/bots/features#botfather, "Creating a new
 * bot"): 5–32 characters, Latin letters, digits and underscores, ending in "bot" in any case
 * (`tetris_bot`, `TetrisBot`).
 */
const BOT_USERNAME = /^[A-Za-z0-9_]{2,29}bot$/i;
const BOT_USERNAME_RULE = 'must be 5 to 32 Latin letters, digits or underscores ending in "bot"';

const HOSTS = ['t.me', 'telegram.me'];

/** `https://t.me/<bot>?start=<data>`, or `?startgroup=` to add the bot to a group (core.telegram.org/bots/features#deep-linking). */
export function buildTelegramLink(name: string, data: string, options: LinkOptions = {}): string {
  checkName(name, 'Telegram bot username', BOT_USERNAME, BOT_USERNAME_RULE);
  const keyword = options.group === true ? 'startgroup' : 'start';
  return withQuery(`https://t.me/${name}`, { [keyword]: checkLinkData(data) });
}

/** Reads t.me and telegram.me links, and the app's own `tg://resolve?domain=<bot>&start=<data>`. */
export function parseTelegramLink(url: URL): InviteLink | undefined {
  const name = url.protocol === 'tg:' ? resolvedDomain(url) : nameInPath(url, HOSTS);
  if (name === undefined) return undefined;
  return { channel: 'telegram', name, data: dataOf(url, 'start') ?? dataOf(url, 'startgroup') };
}

function resolvedDomain(url: URL): string | undefined {
  if (url.hostname.toLowerCase() !== 'resolve') return undefined;
  const domain = url.searchParams.get('domain');
  return domain === null || domain === '' ? undefined : domain;
}
