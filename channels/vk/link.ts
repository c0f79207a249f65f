import { checkLinkData } from '../link-data.js';
import { checkName } from '../link-name.js';
import { dataOf, nameInPath, withQuery } from '../link-url.js';
import type { InviteLink } from '../types.js';

/**
 * A community's short address: 5–32 Latin letters, digits, underscores and periods, not starting
 * or ending with an underscore (VK's short-address rules; the stored copy read was the VK-style
 * help page scinetwork.ru/help/16, which repeats them word for word). The id forms `club123` and
 * `public123`, which every community has, fit the same pattern.
 */
const SCREEN_NAME = /^(?!_)[A-Za-z0-9_.]{5,32}(?<!_)$/;
const SCREEN_NAME_RULE =
  'must be 5 to 32 Latin letters, digits, underscores or periods, not starting or ending with an underscore';

/** `https://vk.me/<community>?ref=<data>`; the ref arrives as `ref` of the first message (dev.vk.com/reference/objects/message). */
export function buildVkLink(name: string, data: string): string {
  checkName(name, 'VK community short name', SCREEN_NAME, SCREEN_NAME_RULE);
  return withQuery(`https://vk.me/${name}`, { ref: checkLinkData(data) });
}

export function parseVkLink(url: URL): InviteLink | undefined {
  const name = nameInPath(url, ['vk.me']);
  return name === undefined ? undefined : { channel: 'vk', name, data: dataOf(url, 'ref') };
}
