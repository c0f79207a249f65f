// The key's own file, not the engine index: reading links and updates must not load the engine.
import { isConversationKey, KEY_LIMIT } from '../engine/runtime/key.js';
import { CHANNEL_NAMES, type InboundEvent, type UpdateParser } from './types.js';
import { USER_REF_PREFIX } from './user-ref.js';

/*
 * Reading webhook bodies. A body is untrusted input of any shape, so each reader returns
 * undefined (or an empty list) for anything unexpected instead of throwing, and reads own
 * properties only, so a key such as `__proto__` or `constructor` never reaches a prototype.
 */

/** The value at `keys` inside `value`, following own properties of plain objects only. */
export function at(value: unknown, ...keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** `value` when it is an array, else an empty one, so lists of events can be walked without checks. */
export function items(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The longest chat id read: with the longest `channel:` prefix and a `user_ref:` one (a Meta
 * user known only by user_ref) it stays a valid conversation key.
 */
const ID_LIMIT =
  KEY_LIMIT - Math.max(...CHANNEL_NAMES.map((name) => name.length)) - ':'.length - USER_REF_PREFIX.length;

/**
 * A chat or user id as a string: messengers send them as numbers (Telegram, VK) or strings
 * (Messenger, Viber, WhatsApp), and the engine keys conversations by text. An id no messenger
 * would send (too long, with control characters) is no id: its event is left out.
 */
export function id(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
  return typeof value === 'string' && isConversationKey(value) && value.length <= ID_LIMIT
    ? value
    : undefined;
}

/**
 * An event's id from the parts the messenger gives (strings, or numbers as they parse: Viber's
 * tokens are too large for a double to hold exactly, but parse the same way each time), joined
 * with `:`; undefined when there is none.
 */
export function eventId(...parts: readonly unknown[]): string | undefined {
  const present = parts.filter(
    (part) =>
      (typeof part === 'string' && part !== '') || (typeof part === 'number' && Number.isFinite(part)),
  );
  return present.length === 0 ? undefined : present.map(String).join(':');
}

/**
 * Wraps an update parser so it keeps its promise never to throw even on a hostile object (a
 * throwing getter, a Proxy) that plain JSON can never produce: such a body yields no events
 * rather than taking the webhook down.
 */
export function neverThrows(parse: UpdateParser): UpdateParser {
  return (body, options) => {
    try {
      return parse(body, options);
    } catch {
      return [];
    }
  };
}

/** `event` with the messenger's id for it, when there is one. */
export function withId(event: InboundEvent, id: string | undefined): InboundEvent {
  return id === undefined ? event : { ...event, id };
}
