import type { Diagnostic } from '../diagnostic.js';
import { payloadVariables } from '../payload/decode.js';
import { readShortKeyPayload } from '../payload/read.js';
import type { PayloadValue, ShortKeyPayload } from '../payload/types.js';
import type { LinkStore, LinkTimes } from '../store/links.js';
import { newStartToken } from './token.js';

/** How a start token's record reads in the store: its payload in short keys. */
interface TokenRecord {
  readonly kind: 'token';
  readonly payload: ShortKeyPayload;
}

/** Draws before giving up on finding a free token: with 128 random bits, a second is never needed. */
const DRAWS = 3;

/**
 * Saves `payload` under a fresh start token and returns the token (`-` and 22 characters), the
 * link's data in place of the payload. The payload is taken as given: check it first
 * (measurePayload refuses one the decoder would not take back).
 */
export async function issueStartToken(
  store: LinkStore,
  payload: ShortKeyPayload,
  times: LinkTimes,
): Promise<string> {
  const record: TokenRecord = { kind: 'token', payload };
  const data = JSON.stringify(record);
  for (let draw = 0; draw < DRAWS; draw++) {
    const token = newStartToken();
    if (await store.createLink(token, data, times)) return token;
  }
  throw new Error(`${DRAWS} random start tokens in a row were taken: the random source is broken`);
}

/** What a start token seeds: the variables of its payload, or nothing with the reason why. */
export interface ResolvedToken {
  /** The payload the token stood for; null when it did not resolve. */
  readonly payload: ShortKeyPayload | null;
  readonly variables: Readonly<Record<string, PayloadValue>>;
  readonly diagnostics: readonly Diagnostic[];
}

const unknownToken = (why: string): ResolvedToken => ({
  payload: null,
  variables: {},
  diagnostics: [
    {
      severity: 'error',
      code: 'start.unknown-token',
      message: `the start value is a start token that ${why}; it seeds nothing`,
    },
  ],
});

/**
 * Resolves a start token to its payload. A start counts as a visit of the token (`count`); a look
 * at what it carries (`botflow decode`) does not. Unknown and expired tokens read alike (the
 * store forgets an expired one), and so does a store that keeps no links.
 */
export async function resolveStartToken(
  store: LinkStore | undefined,
  token: string,
  { now, count }: { readonly now: number; readonly count: boolean },
): Promise<ResolvedToken> {
  if (store === undefined) return unknownToken('this bot cannot resolve: its store keeps no links');
  const record = await (count ? store.visitLink(token, now) : store.readLink(token, now));
  const payload = record && tokenPayload(record.data);
  if (payload === undefined) return unknownToken('this bot’s store does not hold (unknown, or expired)');
  const read = readShortKeyPayload(payload);
  if (!read.ok) return { payload: null, variables: {}, diagnostics: [read.error] };
  return { payload: read.payload, variables: payloadVariables(read.payload), diagnostics: read.warnings };
}

/** A stored token's payload, still to be checked; undefined for a record of another kind. */
function tokenPayload(data: string): unknown {
  try {
    const record = JSON.parse(data) as Partial<TokenRecord> | null;
    return record?.kind === 'token' ? record.payload : undefined;
  } catch {
    return undefined;
  }
}
