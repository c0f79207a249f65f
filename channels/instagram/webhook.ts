import type { WebhookAdapter } from '../adapter.js';
import { createMetaWebhook, type MetaWebhookOptions } from '../meta-webhook.js';

/**
 * Instagram's webhook for a professional account linked to a Facebook Page (Messenger API for
 * Instagram): the same Send API on graph.facebook.com with the Page's token (docs/webhooks.md).
 */
export function createInstagramWebhook(options: MetaWebhookOptions): WebhookAdapter {
  return createMetaWebhook('instagram', options);
}
