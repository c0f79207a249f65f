import { encodeBase64Url } from './base64url.js';
import { PayloadError, PayloadTooLongError } from './error.js';
import { readShortKeyPayload } from './read.js';
import { PAYLOAD_LIMIT, type ShortKeyPayload, type StartPayload } from './types.js';

const utf8 = new TextEncoder();

/** What to do about a payload over the limit: the tips of docs/invitation-links.md, "Encoding". */
export const PAYLOAD_ADVICE =
  'use shorter variable names and values (e.g. {"v":{"stage":"1"}} instead of {"v":{"stage_name":"1.First stage"}}), ' +
  'or pack several values into one variable such as cl_data ("John Smith 23") and split it with a BPL block';

/** When an email or a phone is what does not fit: carry an id, and let the bot fetch the rest. */
export const ID_ADVICE =
  'carry the client’s id instead (botflow link --id, "eId" in the payload) and let the script fetch the email ' +
  'and phone from your CRM with a Server Request by clientExternalId';

/** The advice for a payload over the limit, by its costliest field (`e`, `p`, `eId` or `v.<name>`). */
export function payloadAdvice(field: string | undefined): string {
  return field === 'e' || field === 'p' ? ID_ADVICE : PAYLOAD_ADVICE;
}

/** The field whose removal saves the most characters: `p`, `e`, `eId` or `v.<name>`. */
export interface CostliestField {
  readonly field: string;
  readonly saving: number;
}

/** A payload's encoding, whatever its length, measured against the limit of a link. */
export interface PayloadMeasure {
  readonly data: string;
  readonly length: number;
  readonly limit: number;
  /** Undefined for an empty payload. */
  readonly costliest: CostliestField | undefined;
}

/** Short keys in a fixed order, so the same payload always encodes to the same string. */
export function toShortKeys(payload: StartPayload): ShortKeyPayload {
  return {
    ...(payload.phone !== undefined && { p: payload.phone }),
    ...(payload.email !== undefined && { e: payload.email }),
    ...(payload.externalId !== undefined && { eId: payload.externalId }),
    ...(payload.variables !== undefined && { v: payload.variables }),
    ...(payload.expiresAt !== undefined && { x: payload.expiresAt }),
  };
}

function encodeJson(shortKeys: object): string {
  return encodeBase64Url(utf8.encode(JSON.stringify(shortKeys)));
}

/** The short keys of a payload the decoder would accept back; a PayloadError otherwise. */
function checkedShortKeys(payload: StartPayload): ShortKeyPayload {
  const shortKeys = toShortKeys(payload);
  const read = readShortKeyPayload(shortKeys);
  if (!read.ok) throw new PayloadError(read.error.code, read.error.message);
  const [firstWarning] = read.warnings;
  if (firstWarning) throw new PayloadError(firstWarning.code, firstWarning.message);
  return shortKeys;
}

/** Characters of the link that something around the payload takes (a signed link's `_` and tag). */
export interface LinkOverhead {
  readonly characters: number;
  /** What takes them, for the over-limit message: `the "_" and the 8-character tag`. */
  readonly what: string;
}

/**
 * Encodes a payload for an invitation link: short-key JSON, UTF-8, Base64URL without padding.
 * Throws a PayloadError for a value the decoder would not accept back, and a PayloadTooLongError
 * when the result, with `overhead`, is over PAYLOAD_LIMIT characters; nothing is ever truncated.
 */
export function encodePayload(payload: StartPayload, overhead?: LinkOverhead): string {
  const shortKeys = checkedShortKeys(payload);
  const encoded = encodeJson(shortKeys);
  if (encoded.length + (overhead?.characters ?? 0) > PAYLOAD_LIMIT) {
    throw tooLong(shortKeys, encoded.length, overhead);
  }
  return encoded;
}

/**
 * Encodes a payload without refusing a long one, and names its costliest field: what a link
 * builder shows while the designer types. Throws a PayloadError for an invalid payload, as
 * encodePayload does.
 */
export function measurePayload(payload: StartPayload): PayloadMeasure {
  const shortKeys = checkedShortKeys(payload);
  const data = encodeJson(shortKeys);
  return { data, length: data.length, limit: PAYLOAD_LIMIT, costliest: costliest(shortKeys, data.length) };
}

const without = (record: object, key: string) =>
  Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));

/**
 * The field whose removal saves the most encoded characters; `v` is split per variable. The
 * expiry `x` is never named: it is there because the link was asked to expire.
 */
function costliest(shortKeys: ShortKeyPayload, length: number): CostliestField | undefined {
  const { v = {}, ...fixed } = shortKeys;
  const costs = [
    ...Object.keys(fixed)
      .filter((key) => key !== 'x')
      .map((key) => ({
        field: key,
        saving: length - encodeJson(without(shortKeys, key)).length,
      })),
    ...Object.keys(v).map((name) => ({
      field: `v.${name}`,
      saving: length - encodeJson({ ...shortKeys, v: without(v, name) }).length,
    })),
  ];
  return costs.reduce<CostliestField | undefined>((a, b) => (a && a.saving >= b.saving ? a : b), undefined);
}

function tooLong(shortKeys: ShortKeyPayload, length: number, overhead?: LinkOverhead): PayloadTooLongError {
  const limit = PAYLOAD_LIMIT - (overhead?.characters ?? 0);
  // A payload over the limit is never empty, so it has a costliest field.
  const { field, saving } = costliest(shortKeys, length) ?? { field: '', saving: 0 };
  const measure =
    overhead === undefined
      ? `the payload encodes to ${length} characters, ${length - limit} over the limit of ${limit}`
      : `the payload encodes to ${length} characters; with ${overhead.what} (${overhead.characters}) the link data is ` +
        `${length + overhead.characters}, ${length - limit} over the limit of ${PAYLOAD_LIMIT}, which leaves ${limit} characters for the data`;
  const message = `${measure}; the costliest field is ${field} (dropping it saves ${saving}): ${payloadAdvice(field)}`;
  return new PayloadTooLongError(message, length, limit, field, saving);
}
