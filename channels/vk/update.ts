import { at, id, text } from '../body.js';
import type { InboundEvent } from '../types.js';

/** VK's limit for a button payload; a longer one cannot be the Start command and is not parsed. */
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
  // An attachment-only message has empty text; it says nothing the script could read.
  const rawText = text(at(message, 'text'));
  const messageText = rawText === '' ? undefined : rawText;
  const startParam = text(at(message, 'ref')) ?? (isStartCommand(at(message, 'payload')) ? '' : undefined);
  if (startParam !== undefined) {
    return [
      { channel: 'vk', chatId, startParam, ...(messageText === undefined ? {} : { text: messageText }) },
    ];
  }
  return messageText === undefined ? [] : [{ channel: 'vk', chatId, text: messageText }];
}

function isStartCommand(payload: unknown): boolean {
  if (typeof payload !== 'string' || payload.length > PAYLOAD_LIMIT) return false;
  try {
    return at(JSON.parse(payload), 'command') === 'start';
  } catch {
    return false;
  }
}
