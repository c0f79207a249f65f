import { LinkError, quote } from './error.js';
import { facebook } from './facebook/index.js';
import { instagram } from './instagram/index.js';
import { telegram } from './telegram/index.js';
import { CHANNEL_NAMES, type Channel, type ChannelName } from './types.js';
import { viber } from './viber/index.js';
import { vk } from './vk/index.js';
import { whatsapp } from './whatsapp/index.js';

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
    `channel ${quote(name)} is not one botflow knows; use one of ${CHANNEL_NAMES.join(', ')}`,
  );
}
