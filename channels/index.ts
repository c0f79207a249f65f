import { LinkError, quote } from './error.js';
import { channels, getChannel } from './registry.js';
import { CHANNEL_NAMES, type InviteLink, type LinkOptions } from './types.js';

export { LinkError, type LinkErrorCode } from './error.js';
export { checkLinkData, isLinkData, LINK_DATA_ALPHABET, LINK_DATA_LIMIT } from './link-data.js';
export { GET_STARTED_PAYLOAD } from './meta-messaging.js';
export { channels, getChannel, isChannelName } from './registry.js';
export {
  conversationKey,
  handleEvents,
  handleUpdate,
  handleWebhookUpdate,
  type HandledEvent,
  type WebhookAdapter,
  type WebhookAnswer,
  type WebhookRequest,
} from './adapter.js';
export { createFacebookWebhook } from './facebook/webhook.js';
export { createInstagramWebhook } from './instagram/webhook.js';
export { GRAPH_API_ROOT, GRAPH_API_VERSION, type MetaWebhookOptions } from './meta-webhook.js';
export { createViberWebhook, VIBER_API_ROOT, type ViberWebhookOptions } from './viber/webhook.js';
export { createVkWebhook, VK_API_ROOT, VK_API_VERSION, type VkWebhookOptions } from './vk/webhook.js';
export {
  CHANNEL_NAMES,
  type Channel,
  type ChannelName,
  type InboundEvent,
  type InviteLink,
  type LinkOptions,
  type UpdateOptions,
} from './types.js';

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
    `${quote(text)} is not a link botflow knows; expected a t.me, m.me, ig.me, vk.me, wa.me or viber://pa link`,
  );
}

/**
 * How a conversation starts from an invitation link (`bot.start(key, startFromLink(url))`): the
 * link's data as the start parameter, empty when it has none, and the link's channel unless
 * `channel` names another. Throws a LinkError as parseInviteLink does.
 */
export function startFromLink(link: string, channel?: string): { startParam: string; channel: string } {
  const parsed = parseInviteLink(link);
  return { startParam: parsed.data ?? '', channel: channel ?? parsed.channel };
}

function toUrl(text: string): URL | undefined {
  if (URL.canParse(text)) return new URL(text);
  return URL.canParse(`https://${text}`) ? new URL(`https://${text}`) : undefined;
}
