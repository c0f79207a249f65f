/** Secrets shorter than this are not masked: masking "1" or "on" would garble every text. */
const MIN_SECRET_LENGTH = 4;
/** A cut-off piece of a secret at least this long is masked too (messages shorten long values). */
const MIN_SECRET_PIECE = 8;

/**
 * A function that replaces every secret (the host's `env` values) inside a value with `***`,
 * for turns, transcripts and logs (DESIGN.md §3.4). Identity when there are no secrets.
 */
export function secretMasker(env: Readonly<Record<string, string>>): <T>(value: T) => T {
  const secrets = [
    ...new Set(
      Object.values(env)
        .filter((s) => s.length >= MIN_SECRET_LENGTH)
        .flatMap((secret) => [secret, ...encodedForms(secret)]),
    ),
  ].sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return (value) => value;
  const maskText = (text: string) =>
    secrets.reduce(
      maskPieces,
      secrets.reduce((masked, secret) => masked.replaceAll(secret, '***'), text),
    );
  const mask = (value: unknown): unknown => {
    if (typeof value === 'string') return maskText(value);
    if (Array.isArray(value)) return value.map(mask);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mask(item)]));
    }
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
    masked = masked.replaceAll(`${piece}…`, '***…');
    if (masked.endsWith(piece)) masked = `${masked.slice(0, -piece.length)}***`;
  }
  return masked;
}

/** A secret as it shows inside a URL (a path or query value, percent- or form-encoded). */
function encodedForms(secret: string): string[] {
  return [encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)];
}
