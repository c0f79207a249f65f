import { neverThrows } from '../body.js';
import { parseMessagingWebhook } from '../meta-messaging.js';
import type { Channel } from '../types.js';
import { buildFacebookLink, parseFacebookLink } from './link.js';

/** Facebook Messenger: page webhooks arrive with `object: "page"`. */
export const facebook: Channel = {
  name: 'facebook',
  keyword: 'ref',
  buildLink: buildFacebookLink,
  parseLink: parseFacebookLink,
  parseUpdate: neverThrows((body) => parseMessagingWebhook(body, 'page', 'facebook')),
};
