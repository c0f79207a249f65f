import { at, eventId, id, items, text, withId } from '../body.js';
import { isLinkData } from '../link-data.js';
import type { InboundEvent } from '../types.js';
import { markerData } from './marker.js';

/**
 * Reads a WhatsApp Cloud API `messages` webhook (developers.facebook.com/documentation/
 * business-messaging/whatsapp/webhooks/reference/messages): `entry[].changes[].value.messages[]`,
 * several per body. A text ending in a valid `ref:<data>` marker is the first message of a
 * wa.me invitation and starts the conversation; the user may have edited the text, so it is
 * passed along too. A marker with bad data is just text: the user typed it, no link made it.
 */
export function parseWhatsAppUpdate(body: unknown): InboundEvent[] {
  if (at(body, 'object') !== 'whatsapp_business_account') return [];
  return items(at(body, 'entry'))
    .flatMap((entry) => items(at(entry, 'changes')))
    .flatMap((change) => items(at(change, 'value', 'messages')))
    .flatMap((message) => readMessage(message) ?? []);
}

function readMessage(message: unknown): InboundEvent | undefined {
  const chatId = id(at(message, 'from'));
  const body = at(message, 'type') === 'text' ? text(at(message, 'text', 'body')) : undefined;
  if (chatId === undefined || body === undefined) return undefined;
  const data = markerData(body);
  const event: InboundEvent =
    data !== undefined && isLinkData(data)
      ? { channel: 'whatsapp', chatId, startParam: data, text: body }
      : { channel: 'whatsapp', chatId, text: body };
  return withId(event, eventId(at(message, 'id')));
}
