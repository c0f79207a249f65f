/** Replies longer than this are cut: it is Telegram's message limit, and it bounds every check. */
export const REPLY_LIMIT = 4096;

/** `text` cut at REPLY_LIMIT characters, before a character that would be split in half (an emoji's surrogate pair). */
export function cutToReplyLimit(text: string): string {
  return text.length > REPLY_LIMIT ? text.slice(0, REPLY_LIMIT).replace(/[\uD800-\uDBFF]$/, '') : text;
}
