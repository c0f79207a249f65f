/** Base64URL, RFC 4648 §5, without padding. */

const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Strict decoding: Node's own decoder skips characters outside the alphabet and ignores
 * non-zero trailing bits, so two different strings could decode to the same bytes. Here only
 * the canonical unpadded form (or the same with its `=` padding) is accepted.
 */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  const unpadded = text.length % 4 === 0 ? text.replace(/={1,2}$/, '') : text;
  if (!ALPHABET.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  const bytes = Buffer.from(unpadded, 'base64url');
  return bytes.toString('base64url') === unpadded ? new Uint8Array(bytes) : undefined;
}
