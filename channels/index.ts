import { LinkError, quote } from './error.js';
import { facebook } from './facebook/index.js';
import { instagram } from './instagram/index.js';
import { telegram } from './telegram/index.js';
import { CHANNEL_NAMES, type Channel, type ChannelName, type InviteLink, type LinkOptions } from './types.js';
import { viber } from './viber/index.js';
import { vk } from './vk/index.js';
import { whatsapp } from './whatsapp/index.js';

export { LinkError, type LinkErrorCode } from './error.js';
export { checkLinkData, isLinkData, LINK_DATA_ALPHABET, LINK_DATA_LIMIT } from './link-data.js';
export { GET_STARTED_PAYLOAD } from './meta-messaging.js';
export {
  CHANNEL_NAMES,
  type Channel,
  type ChannelName,
  type InboundEvent,
  type InviteLink,
  type LinkOptions,
} from './types.js';

export const channels: Readonly<Record<ChannelName, Channel>> = {
  telegram,
  facebook,
  instagram,
  viber,
  vk,
  whatsapp,
};

export function isChannelName(name: string): name is ChannelName {
  return (CHANNEL_NAMES as readonly string[]).includes(name);
}

/** The channel called `name`; throws a LinkError listing the known ones otherwise. */
export function getChannel(name: string): Channel {
  if (isChannelName(name)) return channels[name];
  throw new LinkError(
    'link.unknown-channel',
    `Channel ${quote(name)} is not one botflow knows; use one of ${CHANNEL_NAMES.join(', ')}.`,
  );
}

/** Builds an invitation link; throws a LinkError for an unknown channel, a bad name or bad data. */
export function buildInviteLink(
  channel: string,
  name: string,
  data: string,
  options: LinkOptions = {},
): string {
  return getChannel(channel).buildLink(name, data, options);
}

/**
 * Takes an invitation link of any channel apart. A link pasted without its scheme
 * (`t.me/shop_bot?start=…`) is read as https, the way a browser would. Throws a LinkError when no
 * channel knows the link, or when its data breaks the data rule.
 */
export function parseInviteLink(text: string): InviteLink {
  const url = toUrl(text.trim());
  for (const name of CHANNEL_NAMES) {
    const link = url && channels[name].parseLink(url);
    if (link) return link;
  }
  throw new LinkError(
    'link.unknown-link',
    `${quote(text)} is not a link botflow knows; expected a t.me, m.me, ig.me, vk.me, wa.me or viber://pa link.`,
  );
}

function toUrl(text: string): URL | undefined {
  if (URL.canParse(text)) return new URL(text);
  return URL.canParse(`https://${text}`) ? new URL(`https://${text}`) : undefined;
}
