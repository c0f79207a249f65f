import { encodeBase64Url } from './base64url.js';
import { PayloadError, PayloadTooLongError } from './error.js';
import { readShortKeyPayload } from './read.js';
import { PAYLOAD_LIMIT, type ShortKeyPayload, type StartPayload } from './types.js';

const utf8 = new TextEncoder();

/** Short keys in a fixed order, so the same payload always encodes to the same string. */
export function toShortKeys(payload: StartPayload): ShortKeyPayload {
  return {
    ...(payload.phone !== undefined && { p: payload.phone }),
    ...(payload.email !== undefined && { e: payload.email }),
    ...(payload.externalId !== undefined && { eId: payload.externalId }),
    ...(payload.variables !== undefined && { v: payload.variables }),
  };
}

function encodeJson(shortKeys: object): string {
  return encodeBase64Url(utf8.encode(JSON.stringify(shortKeys)));
}

/**
 * Encodes a payload for an invitation link: short-key JSON, UTF-8, Base64URL without padding.
 * Throws a PayloadError for a value the decoder would not accept back, and a PayloadTooLongError
 * when the result is over PAYLOAD_LIMIT characters; nothing is ever truncated.
 */
export function encodePayload(payload: StartPayload): string {
  const shortKeys = toShortKeys(payload);
  const read = readShortKeyPayload(shortKeys);
  if (!read.ok) throw new PayloadError(read.error.code, read.error.message);
  const [firstWarning] = read.warnings;
  if (firstWarning) throw new PayloadError(firstWarning.code, firstWarning.message);

  const encoded = encodeJson(shortKeys);
  if (encoded.length > PAYLOAD_LIMIT) throw tooLong(shortKeys, encoded.length);
  return encoded;
}

const without = (record: object, key: string) =>
  Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));

/** How many encoded characters dropping each field would save; `v` is split per variable. */
function fieldCosts(shortKeys: ShortKeyPayload, length: number): [field: string, saving: number][] {
  const { v = {}, ...fixed } = shortKeys;
  return [
    ...Object.keys(fixed).map((key): [string, number] => [
      key,
      length - encodeJson(without(shortKeys, key)).length,
    ]),
    ...Object.keys(v).map((name): [string, number] => [
      `v.${name}`,
      length - encodeJson({ ...shortKeys, v: without(v, name) }).length,
    ]),
  ];
}

function tooLong(shortKeys: ShortKeyPayload, length: number): PayloadTooLongError {
  const limit = PAYLOAD_LIMIT;
  const [field, saving] = fieldCosts(shortKeys, length).reduce((a, b) => (b[1] > a[1] ? b : a));
  const message =
    `the payload encodes to ${length} characters, ${length - limit} over the limit of ${limit}; ` +
    `the costliest field is ${field} (dropping it saves ${saving}): use shorter variable names and values ` +
    `(e.g. {"v":{"stage":"1"}} instead of {"v":{"stage_name":"1.First stage"}}), or pack several values ` +
    `into one variable such as cl_data ("John Smith 23") and split it with a BPL block`;
  return new PayloadTooLongError(message, length, limit, field, saving);
}
