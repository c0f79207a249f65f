/** Secrets shorter than this are not masked: masking "1" or "on" would garble every text. */
export const MIN_SECRET_LENGTH = 4;
/** A cut-off piece of a secret at least this long is masked too (messages shorten long values). */
const MIN_SECRET_PIECE = 8;
const MASK = '***';

/** Returns a value with secrets replaced in every string inside it, object keys included. */
export type Masker = <T>(value: T) => T;

/**
 * A function that replaces every secret (the host's `env` values, a token) inside a value with
 * `***`, for turns, transcripts and logs (docs/threat-model.md). Identity when there are no secrets.
 */
export function secretMasker(secrets: Iterable<string>): Masker {
  return placeholderMasker(new Map([...secrets].map((secret) => [secret, MASK])));
}

export interface PlaceholderMaskerOptions {
  /**
   * Also mask, as `***`, the start of a secret that a message cut short, in strings (default
   * true). Off for text that was never cut, where a value that merely begins like a secret must
   * stay as it is.
   */
  readonly cutPieces?: boolean;
}

/**
 * Replaces each secret (a key of `placeholders`) with its placeholder, in one pass, longest
 * first, in every string and key of a value. A secret also counts in its URL-encoded forms
 * (percent- and form-encoded), and is replaced by its placeholder's same form.
 */
export function placeholderMasker(
  placeholders: ReadonlyMap<string, string>,
  { cutPieces = true }: PlaceholderMaskerOptions = {},
): Masker {
  const replacement = new Map<string, string>();
  // All raw forms first: a secret wins over another's encoded form that is the same text.
  for (const encode of [(text: string) => text, encodeURIComponent, formEncoded]) {
    for (const [secret, placeholder] of placeholders) {
      if (secret.length >= MIN_SECRET_LENGTH && !replacement.has(encode(secret)))
        replacement.set(encode(secret), encode(placeholder));
    }
  }
  const secrets = [...replacement.keys()].sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return (value) => value;
  const pattern = new RegExp(secrets.map(escapeRegExp).join('|'), 'g');
  const maskWhole = (text: string) => text.replace(pattern, (found) => replacement.get(found) ?? MASK);
  const maskText = cutPieces ? (text: string) => secrets.reduce(maskPieces, maskWhole(text)) : maskWhole;
  const mask = (value: unknown): unknown => {
    if (typeof value === 'string') return maskText(value);
    if (Array.isArray(value)) return value.map(mask);
    // Keys are never cut short, so only whole secrets are looked for in them.
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [maskWhole(key), mask(item)]));
    return value;
  };
  return <T>(value: T) => mask(value) as T;
}

/**
 * The start of a secret where a message cut the value short: before an ellipsis, or at the very
 * end of the text (`value.slice(0, 100)`).
 */
function maskPieces(text: string, secret: string): string {
  let masked = text;
  for (let length = secret.length - 1; length >= MIN_SECRET_PIECE; length--) {
    const piece = secret.slice(0, length);
    masked = masked.replaceAll(`${piece}…`, `${MASK}…`);
    if (masked.endsWith(piece)) masked = `${masked.slice(0, -piece.length)}${MASK}`;
  }
  return masked;
}

/** Text as a form (`application/x-www-form-urlencoded`) value carries it. */
function formEncoded(text: string): string {
  return new URLSearchParams({ s: text }).toString().slice(2);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
