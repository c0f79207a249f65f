export { LinkError, type LinkErrorCode } from './error.js';
export { checkLinkData, isLinkData, LINK_DATA_ALPHABET, LINK_DATA_LIMIT } from './link-data.js';
export { buildInviteLink, parseInviteLink, startFromLink } from './invite.js';
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
