/**
 * Characters as people count them: grapheme clusters, so an emoji with modifiers, a flag or an
 * accented letter written with a combining mark is one character (`length`, `split(x, "")`).
 */
// Made on first use: a Segmenter costs about 10 ms to build (ICU data), which every command that
// merely loads a script would pay otherwise.
let graphemes: Intl.Segmenter | undefined;
const CARRIAGE_RETURN = 0x0d;

/** Plain ASCII, where every code unit is a character (CR LF is one cluster, so CR is excluded). */
function isSimpleText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f || code === CARRIAGE_RETURN) return false;
  }
  return true;
}

export function characters(text: string): string[] {
  if (isSimpleText(text)) return text.split('');
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return Array.from(graphemes.segment(text), (segment) => segment.segment);
}

export function characterCount(text: string): number {
  return isSimpleText(text) ? text.length : characters(text).length;
}
