import { neverThrows } from '../body.js';
import type { Channel } from '../types.js';
import { buildWhatsAppLink, parseWhatsAppLink } from './link.js';
import { parseWhatsAppUpdate } from './update.js';

export const whatsapp: Channel = {
  name: 'whatsapp',
  // No keyword: the data rides in the prefilled first message (see marker.ts).
  keyword: null,
  buildLink: buildWhatsAppLink,
  parseLink: parseWhatsAppLink,
  parseUpdate: neverThrows(parseWhatsAppUpdate),
};
