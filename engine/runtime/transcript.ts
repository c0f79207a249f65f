import { BotflowError } from '../error.js';
import { cutToReplyLimit } from './reply-limit.js';
import type { OutgoingMessage } from './types.js';

/** One message of a conversation as its record keeps it: who said it, the text, when (ms). */
export type TranscriptLine = readonly [from: 'u' | 'b', text: string, at: number];

/** One message of a conversation's transcript, as the bot tells it. */
export interface TranscriptMessage {
  readonly from: 'user' | 'bot';
  readonly text: string;
  /** When it was said, as an ISO 8601 time. */
  readonly at: string;
}

/** The most messages a transcript may keep (`transcripts`). */
export const TRANSCRIPT_LIMIT = 1000;

/**
 * The most bytes of text a transcript keeps, whatever its count: every turn writes the whole
 * record, so this bounds what a transcript adds to a turn. The oldest messages go first.
 */
export const TRANSCRIPT_BYTES = 256 * 1024;

/** What a line costs in the record besides its text: the brackets, quotes, sender and time. */
const LINE_OVERHEAD = 24;

/** The bot's `transcripts` option: a whole number from 0 (keep none, the default) to TRANSCRIPT_LIMIT. */
export function transcriptOption(value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isSafeInteger(value) || value < 0 || value > TRANSCRIPT_LIMIT) {
    throw new BotflowError(
      'bot.bad-option',
      `the bot's transcripts must be a whole number from 0 to ${TRANSCRIPT_LIMIT}`,
    );
  }
  return value;
}

/**
 * The transcript after a turn: the lines it had, then the user's message (when the turn had
 * one) and what the bot said, each text cut at REPLY_LIMIT characters and masked; the last
 * `keep` kept, within TRANSCRIPT_BYTES.
 */
export function transcriptAfter(
  before: readonly TranscriptLine[],
  heard: string | undefined,
  said: readonly OutgoingMessage[],
  turn: { readonly keep: number; readonly at: number; readonly mask: (text: string) => string },
): TranscriptLine[] {
  const line = (from: 'u' | 'b', text: string): TranscriptLine => [
    from,
    turn.mask(cutToReplyLimit(text)),
    turn.at,
  ];
  const lines = [
    ...before,
    ...(heard === undefined ? [] : [line('u', heard)]),
    ...said.map(({ text }) => line('b', text)),
  ].slice(-turn.keep);
  let bytes = 0;
  let first = lines.length;
  while (first > 0) {
    // As stored: JSON escapes a control character into 6 bytes, a quote into 2.
    bytes += Buffer.byteLength(JSON.stringify((lines[first - 1] ?? ['b', '', 0])[1])) + LINE_OVERHEAD;
    if (bytes > TRANSCRIPT_BYTES) break;
    first -= 1;
  }
  return lines.slice(first);
}

/** The record's lines as the bot tells them. */
export function transcriptMessages(lines: readonly TranscriptLine[]): TranscriptMessage[] {
  return lines.map(([from, text, at]) => ({
    from: from === 'u' ? 'user' : 'bot',
    text,
    at: new Date(at).toISOString(),
  }));
}
