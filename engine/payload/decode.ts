import type { Diagnostic } from '../diagnostic.js';
import { isStartToken, START_TOKEN_MARK } from '../links/token.js';
import { decodeBase64Url } from './base64url.js';
import { readShortKeyPayload } from './read.js';
import { PAYLOAD_LIMIT, START_VALUE_LIMIT, type PayloadValue, type ShortKeyPayload } from './types.js';

/** What a start value (the link's data) seeds, and what was wrong with it. */
export interface DecodedStart {
  /** The raw value, as it arrived. */
  readonly startParam: string;
  /** The decoded short-key payload, or null when the value is a plain id (or nothing). */
  readonly payload: ShortKeyPayload | null;
  /** The variables it seeds: `clientExternalId`, `phone`, `email` and the payload's `v`. */
  readonly variables: Readonly<Record<string, PayloadValue>>;
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Present when the value is a start token: the payload is in the store that issued it, and
   * nothing is seeded until the bot resolves it there.
   */
  readonly token?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** The first character of a signed value (engine/links/signed.ts), read only with the link secrets. */
const SIGNED_MARK = '_';
const OPEN_BRACE = 0x7b;

/** The variables a valid payload seeds, as own properties only. */
export function payloadVariables(payload: ShortKeyPayload): Record<string, PayloadValue> {
  return Object.fromEntries([
    ...Object.entries(payload.v ?? {}),
    ...(payload.eId !== undefined ? [['clientExternalId', payload.eId]] : []),
    ...(payload.p !== undefined ? [['phone', payload.p]] : []),
    ...(payload.e !== undefined ? [['email', payload.e]] : []),
  ]) as Record<string, PayloadValue>;
}

/**
 * Decodes the data of an invitation link (docs/invitation-links.md, "The payload"). Never throws: a value that is not an
 * encoded payload is a plain client id; one that looks encoded (Base64URL of text starting with
 * `{`) but is broken is a plain id as well, with an error diagnostic, and seeds nothing else. A
 * start token (`-` and 22 characters) is returned as `token`, seeding nothing until a store
 * resolves it; a value that begins with `-` but is no token seeds nothing, with an error. A value
 * beginning with `_` is a signed value, which only decodeStart (with the link secrets) reads: here
 * it seeds nothing, with an error.
 */
export function decodeStartParam(startParam: string): DecodedStart {
  if (startParam.length > START_VALUE_LIMIT) {
    const message = `the start value is ${startParam.length} characters long, over the ${START_VALUE_LIMIT} accepted; it was ignored`;
    return {
      startParam,
      payload: null,
      variables: {},
      diagnostics: [{ severity: 'error', code: 'start.too-long', message }],
    };
  }
  if (startParam === '') return { startParam, payload: null, variables: {}, diagnostics: [] };
  if (startParam.startsWith(SIGNED_MARK)) {
    const message =
      'the start value begins with "_", which marks a signed value, and was read without checking its signature; it seeded nothing';
    return {
      startParam,
      payload: null,
      variables: {},
      diagnostics: [{ severity: 'error', code: 'start.reserved', message }],
    };
  }
  if (startParam.startsWith(START_TOKEN_MARK)) {
    if (isStartToken(startParam)) {
      return { startParam, payload: null, variables: {}, diagnostics: [], token: startParam };
    }
    const message =
      'the start value begins with "-", which marks a start token, but is not one ' +
      '("-" and 22 characters of A-Z, a-z, 0-9, _ and -); it seeds nothing';
    return {
      startParam,
      payload: null,
      variables: {},
      diagnostics: [{ severity: 'error', code: 'start.bad-token', message }],
    };
  }

  const plainId = (diagnostics: Diagnostic[] = []): DecodedStart => ({
    startParam,
    payload: null,
    variables: { clientExternalId: startParam },
    diagnostics,
  });
  const bytes = decodeBase64Url(startParam);
  if (bytes?.[0] !== OPEN_BRACE) return plainId();

  const brokenPayload = (code: Diagnostic['code'], reason: string): DecodedStart =>
    plainId([
      {
        severity: 'error',
        code,
        message: `the start value looks like an encoded payload but ${reason}; it was used as a plain client id`,
      },
    ]);
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(bytes));
  } catch (error) {
    return error instanceof SyntaxError
      ? brokenPayload('payload.bad-json', 'is not valid JSON')
      : brokenPayload('payload.not-utf8', 'is not valid UTF-8 text');
  }
  const read = readShortKeyPayload(json);
  if (!read.ok) return brokenPayload(read.error.code, read.error.message);

  const diagnostics = [...read.warnings];
  if (startParam.length > PAYLOAD_LIMIT) {
    diagnostics.push({
      severity: 'warning',
      code: 'payload.too-long',
      message: `the payload is ${startParam.length} characters long, over the ${PAYLOAD_LIMIT}-character limit of invitation links; Telegram would not deliver it`,
    });
  }
  return { startParam, payload: read.payload, variables: payloadVariables(read.payload), diagnostics };
}
