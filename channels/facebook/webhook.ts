import type { WebhookAdapter } from '../adapter.js';
import { createMetaWebhook, type MetaWebhookOptions } from '../meta-webhook.js';

/** Messenger's webhook for a Facebook Page: page events in, Send API replies out (docs/webhooks.md). */
export function createFacebookWebhook(options: MetaWebhookOptions): WebhookAdapter {
  return createMetaWebhook('facebook', options);
}
