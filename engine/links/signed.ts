/**
 * Signed start values (docs/invitation-links.md, "Signed links"): `_` + DATA + TAG, where TAG is
 * 48 bits of HMAC-SHA256 over a domain-separated message, in Base64URL. Nothing here reads the
 * payload: DATA is checked as link data only, so `botflow link` and `decode` stay light.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BotflowError } from '../error.js';

/** The first character of a signed value. */
export const SIGNED_MARK = '_';
/** The tag's length in characters: 6 bytes of HMAC-SHA256 in Base64URL, 48 bits. */
export const TAG_LENGTH = 8;
const TAG_BYTES = 6;
/** The most characters of link data (the messengers' limit), the `_` and the tag included. */
export const SIGNED_VALUE_LIMIT = 64;
/** What the data may take of a signed value: 64 less the `_` and the tag. */
export const SIGNED_DATA_LIMIT = SIGNED_VALUE_LIMIT - SIGNED_MARK.length - TAG_LENGTH;
/**
 * The shortest secret taken, in UTF-8 bytes. No random secret is shorter; a word someone typed
 * (`secret`, `changeme`) is, and would be guessed offline from a single link.
 */
export const MIN_SECRET_BYTES = 16;

/**
 * Prefixed to the data before it is signed, so a tag made here can never be replayed as the MAC
 * of anything else signed with the same secret (a webhook signature, a later format).
 */
const DOMAIN = 'botflow-link-v1\n';
const LINK_ALPHABET = /^[A-Za-z0-9_-]+$/;
const TAG_FORM = /^[A-Za-z0-9_-]{8}$/;
/** The first characters botflow reserves: `_` for signed values, `-` for start tokens. */
const RESERVED_FIRST = /^[_-]/;

/** A link secret that cannot be used: empty, too short, or holding a separator. */
export class LinkSecretError extends BotflowError {
  constructor(message: string) {
    super('link.bad-secret', message);
  }
}

/** A value that cannot be signed: bad data, or too long once the `_` and the tag are added. */
export class SigningError extends BotflowError {
  constructor(message: string) {
    super('link.cannot-sign', message);
  }
}

/**
 * Checks link secrets (newest first): at least one, each at least MIN_SECRET_BYTES of UTF-8 with
 * no line break. Throws a LinkSecretError naming the secret by its place (and `source`, where it
 * was read), never by its value.
 */
export function checkLinkSecrets(secrets: readonly string[], source?: string): readonly string[] {
  const where = source === undefined ? '' : ` in ${source}`;
  if (secrets.length === 0) throw new LinkSecretError(`no link secret was given${where}`);
  secrets.forEach((secret, index) => {
    const which = `${secrets.length === 1 ? 'the link secret' : `link secret ${index + 1}`}${where}`;
    if (secret === '') throw new LinkSecretError(`${which} is empty`);
    if (/[\r\n]/.test(secret)) throw new LinkSecretError(`${which} holds a line break`);
    const bytes = Buffer.byteLength(secret, 'utf8');
    if (bytes < MIN_SECRET_BYTES) {
      throw new LinkSecretError(
        `${which} is ${bytes} bytes long, under the ${MIN_SECRET_BYTES} accepted; make one with \`openssl rand -base64 32\``,
      );
    }
  });
  return secrets;
}

/** The tag of `data` under `secret`: the first 6 bytes of HMAC-SHA256, Base64URL, 8 characters. */
function tagOf(data: string, secret: string): Buffer {
  const mac = createHmac('sha256', secret).update(DOMAIN).update(data).digest();
  return Buffer.from(mac.subarray(0, TAG_BYTES).toString('base64url'), 'latin1');
}

/**
 * Signs link data (a plain id or an encoded payload) with the newest secret: `_` + data + tag.
 * Throws a SigningError for data outside the link alphabet, data that begins with a reserved
 * character, or a result over 64 characters (the message says how many are left for the data).
 */
export function signData(data: string, secrets: readonly string[]): string {
  const [newest] = checkLinkSecrets(secrets);
  if (!LINK_ALPHABET.test(data) || RESERVED_FIRST.test(data)) {
    throw new SigningError(
      `${JSON.stringify(data.slice(0, 80))} cannot be signed: signed data is 1 or more characters of A-Z, a-z, 0-9, _ and -, not starting with _ or -`,
    );
  }
  const length = SIGNED_MARK.length + data.length + TAG_LENGTH;
  if (length > SIGNED_VALUE_LIMIT) {
    throw new SigningError(
      `signed, the link data is ${length} characters (the "_", ${data.length} of data and the ${TAG_LENGTH}-character tag), ` +
        `${length - SIGNED_VALUE_LIMIT} over the limit of ${SIGNED_VALUE_LIMIT}: ${SIGNED_DATA_LIMIT} characters are left for the data`,
    );
  }
  return `${SIGNED_MARK}${data}${tagOf(data, newest ?? '').toString('latin1')}`;
}

/** A start value taken apart by the signed grammar. */
export type SignedParts =
  /** Not a signed value: it does not begin with `_`. */
  | { readonly kind: 'unsigned' }
  /** Begins with `_` but breaks the grammar: too short or long, a bad character, reserved data. */
  | { readonly kind: 'malformed'; readonly reason: string }
  | { readonly kind: 'signed'; readonly data: string; readonly tag: string };

/** Takes a start value apart: its data and tag when it is a well-formed signed value. */
export function splitSigned(value: string): SignedParts {
  if (!value.startsWith(SIGNED_MARK)) return { kind: 'unsigned' };
  const shortest = SIGNED_MARK.length + 1 + TAG_LENGTH;
  if (value.length < shortest || value.length > SIGNED_VALUE_LIMIT) {
    return {
      kind: 'malformed',
      reason: `it is ${value.length} characters long, and a signed value has ${shortest} to ${SIGNED_VALUE_LIMIT}`,
    };
  }
  if (!LINK_ALPHABET.test(value)) {
    return { kind: 'malformed', reason: 'it has a character outside A-Z, a-z, 0-9, _ and -' };
  }
  const data = value.slice(SIGNED_MARK.length, -TAG_LENGTH);
  if (RESERVED_FIRST.test(data)) {
    return { kind: 'malformed', reason: 'its data begins with _ or -' };
  }
  return { kind: 'signed', data, tag: value.slice(-TAG_LENGTH) };
}

/**
 * Whether `tag` is the tag of `data` under any of the secrets (the newest first; older ones are
 * still taken while a secret is rotated out). Each comparison takes constant time, and every
 * secret is tried, so the time taken tells nothing about the tag or which secret matched.
 */
export function verifyTag(data: string, tag: string, secrets: readonly string[]): boolean {
  // Checked first: latin1 would take a character outside the alphabet down to a byte inside it.
  if (!TAG_FORM.test(tag)) return false;
  const given = Buffer.from(tag, 'latin1');
  let matched = false;
  for (const secret of secrets) {
    // Not `||`: a match does not cut the loop short.
    matched = timingSafeEqual(tagOf(data, secret), given) || matched;
  }
  return matched;
}
