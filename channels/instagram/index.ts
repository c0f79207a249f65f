import { neverThrows } from '../body.js';
import { parseMessagingWebhook } from '../meta-messaging.js';
import type { Channel } from '../types.js';
import { buildInstagramLink, parseInstagramLink } from './link.js';

/** Instagram messaging: the same webhook shape as Messenger, with `object: "instagram"`. */
export const instagram: Channel = {
  name: 'instagram',
  keyword: 'ref',
  buildLink: buildInstagramLink,
  parseLink: parseInstagramLink,
  parseUpdate: neverThrows((body) => parseMessagingWebhook(body, 'instagram', 'instagram')),
};
