import type { OutgoingMessage } from '../engine/index.js';
import type { HandledEvent } from './adapter.js';

/*
 * What the webhook adapters share about sending a turn's messages back to a messenger.
 */

/** The messages worth sending: one whose text renders blank is left out, as every messenger refuses an empty text. */
export function sendable(messages: readonly OutgoingMessage[]): OutgoingMessage[] {
  return messages.filter((message) => message.text.trim() !== '');
}

/**
 * Sends every handled event's messages, in order, one conversation after another. A failure
 * stops the rest of that conversation's messages (they would arrive out of context) but not
 * other conversations' in the same update; the first failure is thrown once all were tried.
 */
export async function sendEach(
  handled: readonly HandledEvent[],
  send: (chatId: string, message: OutgoingMessage) => Promise<void>,
): Promise<void> {
  const failed = new Set<string>();
  let firstFailure: { readonly error: unknown } | undefined;
  for (const { event, key, turn } of handled) {
    if (failed.has(key)) continue;
    try {
      for (const message of sendable(turn.messages)) await send(event.chatId, message);
    } catch (error) {
      failed.add(key);
      firstFailure ??= { error };
    }
  }
  if (firstFailure) throw firstFailure.error;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * A button label that fits a messenger's limit, with an ellipsis: cut after a whole word when
 * one ends in the second half, else between characters (never inside an emoji or an accented
 * letter). The limit counts UTF-16 units, the strictest count a messenger may use.
 */
export function shortLabel(label: string, limit: number): string {
  if (label.length <= limit) return label;
  let head = '';
  let next = '';
  for (const { segment } of graphemes.segment(label)) {
    if (head.length + segment.length > limit - 1) {
      next = segment;
      break;
    }
    head += segment;
  }
  const space = head.lastIndexOf(' ');
  const cut = next.trim() === '' || space <= head.length / 2 ? head : head.slice(0, space);
  return `${cut.trimEnd()}…`;
}
