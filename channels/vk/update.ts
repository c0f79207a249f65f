import { at, eventId, id, text, withId } from '../body.js';
import type { InboundEvent } from '../types.js';

/** VK's limit for a button payload; a longer one is not one VK sends, and is not parsed. */
const PAYLOAD_LIMIT = 255;

/**
 * Reads a VK Callback API `message_new` event (dev.vk.com/ru/api/community-events/json-schema).
 * A `ref` on the message means the dialog was opened from a `vk.me/<community>?ref=` link
 * (dev.vk.com/reference/objects/message); the "Start" button of a new dialog sends the payload
 * `{"command":"start"}` (vk.com/dev/bots_docs_3), a start without data. The message text (the
 * button's label, or what the user typed) comes along either way.
 */
export function parseVkUpdate(body: unknown): InboundEvent[] {
  if (at(body, 'type') !== 'message_new') return [];
  const object = at(body, 'object');
  // API 5.103 and later wrap the message as `object.message`; older versions send it as `object`.
  const message = at(object, 'message') ?? object;
  // peer_id is the dialog to answer in (a chat for group conversations); from_id is the sender.
  const chatId = id(at(message, 'peer_id')) ?? id(at(message, 'from_id'));
  if (chatId === undefined) return [];
  const payload = payloadOf(at(message, 'payload'));
  // A button botflow sent carries its whole value in the payload; the label VK sends back may be
  // cut. An attachment-only message has empty text: it says nothing the script could read.
  const rawText = text(at(payload, 'value')) ?? text(at(message, 'text'));
  const messageText = rawText === '' ? undefined : rawText;
  const startParam = text(at(message, 'ref')) ?? (at(payload, 'command') === 'start' ? '' : undefined);
  const messageId = eventId(at(body, 'event_id'));
  if (startParam !== undefined) {
    return [
      withId(
        { channel: 'vk', chatId, startParam, ...(messageText === undefined ? {} : { text: messageText }) },
        messageId,
      ),
    ];
  }
  return messageText === undefined ? [] : [withId({ channel: 'vk', chatId, text: messageText }, messageId)];
}

/** A button's payload, a JSON object in a string, or undefined when there is none or it is not JSON. */
function payloadOf(payload: unknown): unknown {
  if (typeof payload !== 'string' || payload.length > PAYLOAD_LIMIT) return undefined;
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}
