import { checkLinkData } from '../link-data.js';
import { checkName } from '../link-name.js';
import { nameInPath, withQuery } from '../link-url.js';
import type { InviteLink, LinkOptions } from '../types.js';
import { DEFAULT_GREETING, markerData, withMarker } from './marker.js';

/**
 * An E.164 number as wa.me wants it: the full international number, digits only, without
 * leading zeros, brackets, dashes or `+` (WhatsApp's click-to-chat rule, as quoted in e.g.
 * instantmessageconnector.com/blog/whatsapp-click-to-chat-links-explained). E.164 allows at most
 * 15 digits and no country code starts with 0; 7 digits is the shortest real number with its
 * country code (+683 and four digits).
 */
const PHONE = /^\+?[1-9][0-9]{6,14}$/;
const PHONE_RULE =
  'must be 7 to 15 digits in international (E.164) form, optionally after a +, without spaces or dashes';

/** `https://wa.me/<phone>?text=Hello%21%20ref%3A<data>` ("Hello! ref:<data>"); a leading `+` is accepted and dropped. */
export function buildWhatsAppLink(name: string, data: string, options: LinkOptions = {}): string {
  const phone = checkName(name, 'WhatsApp phone number', PHONE, PHONE_RULE).replace(/^\+/, '');
  const text = withMarker(options.text ?? DEFAULT_GREETING, checkLinkData(data));
  return withQuery(`https://wa.me/${phone}`, { text });
}

/** Reads `wa.me/<phone>?text=…` and the older `api.whatsapp.com/send?phone=…&text=…`. */
export function parseWhatsAppLink(url: URL): InviteLink | undefined {
  const name = nameInPath(url, ['wa.me']) ?? sendPhone(url);
  if (name === undefined) return undefined;
  const text = url.searchParams.get('text');
  const data = text === null ? undefined : markerData(text);
  return { channel: 'whatsapp', name, data: data === undefined ? undefined : checkLinkData(data) };
}

function sendPhone(url: URL): string | undefined {
  if (nameInPath(url, ['api.whatsapp.com']) !== 'send') return undefined;
  const phone = url.searchParams.get('phone');
  return phone === null || phone === '' ? undefined : phone;
}
