/*
 * WhatsApp links have no data keyword: `wa.me/<phone>?text=` only prefills the first message.
 * botflow puts the data at the end of that text as `ref:<data>`, so it survives the user editing
 * the greeting in front of it, and finds it again in the first message the user sends.
 */

const MARKER = 'ref:';

/** The candidate data of a trailing `ref:` marker (unchecked), or undefined when the text ends otherwise. */
const TRAILING_MARKER = /(?:^|\s)ref:(\S*)\s*$/;

export const DEFAULT_GREETING = 'Hello!';

/** `Hello! ref:<data>`, or the caller's greeting in place of "Hello!". */
export function withMarker(greeting: string, data: string): string {
  const text = greeting.trimEnd();
  return text === '' ? `${MARKER}${data}` : `${text} ${MARKER}${data}`;
}

export function markerData(text: string): string | undefined {
  return TRAILING_MARKER.exec(text)?.[1];
}
