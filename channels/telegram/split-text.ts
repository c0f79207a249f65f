/** Telegram refuses a message text longer than this (core.telegram.org/bots/api#sendmessage). */
export const TELEGRAM_TEXT_LIMIT = 4096;

/**
 * `text` in pieces Telegram accepts: at most `limit` characters (UTF-16 units, as Telegram counts
 * them), cut at the last line break, else the last space, in the second half of a piece, so a long
 * message reads as paragraphs rather than being cut mid-word. A hard cut never splits an emoji's
 * surrogate pair. Blank pieces are left out: Telegram refuses an empty text.
 */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const { end, skip } = cutPoint(rest, limit);
    pieces.push(rest.slice(0, end));
    rest = rest.slice(end + skip);
  }
  pieces.push(rest);
  return pieces.filter((piece) => piece.trim() !== '');
}

/** Where to end the piece, and how many separator characters to drop after it. */
function cutPoint(text: string, limit: number): { end: number; skip: number } {
  const window = text.slice(0, limit + 1); // a separator right after the limit still fits
  for (const separator of ['\n', ' ']) {
    const at = window.lastIndexOf(separator);
    if (at >= limit / 2) return { end: at, skip: 1 };
  }
  const splitsPair = /[\uD800-\uDBFF]/.test(text.charAt(limit - 1));
  return { end: splitsPair ? limit - 1 : limit, skip: 0 };
}
