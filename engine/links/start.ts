import type { Diagnostic } from '../diagnostic.js';
import { decodeStartParam, type DecodedStart } from '../payload/decode.js';
import type { ShortKeyPayload } from '../payload/types.js';
import { splitSigned, verifyTag } from './signed.js';

/**
 * What became of a start value's signature: `valid` (signed with one of the secrets, not
 * expired), `invalid` (signed with none of them, or malformed), `expired` (valid, but its `x` has
 * passed), `missing` (not signed) or `unchecked` (signed, but no secret was given to check it).
 */
export type SignatureState = 'valid' | 'invalid' | 'missing' | 'expired' | 'unchecked';

export interface StartCheck {
  /** The link secrets, newest first, already checked (checkLinkSecrets); none: nothing is verified. */
  readonly secrets?: readonly string[];
  /** The clock an expiry is measured by (default: the system's); read only for a value with one. */
  readonly clock?: () => Date;
  /** Seed only from a valid signed value: anything else seeds nothing but `startParam`. */
  readonly required?: boolean;
}

/** A start value decoded and checked: what it seeds, and whether its signature holds. */
export interface CheckedStart extends DecodedStart {
  readonly signature: SignatureState;
  /** True for a valid signed value only: what the bot seeds as `linkVerified`. */
  readonly verified: boolean;
}

/**
 * Decodes a start value by the whole grammar (docs/invitation-links.md, "Signed links"): a signed
 * value's tag is checked against the secrets, and an expiry `x` against `now`, signed or not. A
 * value that fails (a bad tag, an expiry passed, or no signature where one is required) seeds
 * nothing; its payload is still told, for `botflow decode`. Never throws.
 */
export function decodeStart(startParam: string, check: StartCheck = {}): CheckedStart {
  const { secrets = [], clock = () => new Date(), required = false } = check;
  const parts = splitSigned(startParam);
  if (parts.kind === 'malformed') {
    const nothing: DecodedStart = { startParam, payload: null, variables: {}, diagnostics: [] };
    return refused(nothing, startParam, 'invalid', {
      code: 'start.bad-signed',
      message: `the start value begins with "_" like a signed value, but ${parts.reason}; it seeded nothing`,
    });
  }
  if (parts.kind === 'signed' && secrets.length > 0 && !verifyTag(parts.data, parts.tag, secrets)) {
    return refused(decodeStartParam(parts.data), startParam, 'invalid', {
      code: 'start.bad-signature',
      message:
        'the start value is signed, but its tag matches none of the link secrets (edited, or signed with another secret); it seeded nothing',
    });
  }
  const decoded = decodeStartParam(parts.kind === 'signed' ? parts.data : startParam);
  const signature = stateOf(parts.kind, secrets);
  // A start token (never signed: its data begins with "-") is for the store to resolve; one this
  // bot's store issued counts as verified, so `required` does not refuse it here.
  if (decoded.token !== undefined) return { ...decoded, signature, verified: false };
  const expired = expiryProblem(decoded.payload, clock);
  if (expired) return refused(decoded, startParam, signature === 'valid' ? 'expired' : signature, expired);
  if (required && signature !== 'valid' && startParam !== '') {
    return refused(decoded, startParam, signature, {
      code: 'start.unsigned',
      message:
        signature === 'unchecked'
          ? 'signed links are required, but no link secret was given to check this one; it seeded nothing'
          : 'signed links are required, and the start value is not signed; it seeded nothing',
    });
  }
  return { ...decoded, startParam, signature, verified: signature === 'valid' };
}

/**
 * The `start.expired` problem of a payload whose `x` has passed by `clock`; the link works before
 * that second, not from it. The clock is read only for a payload with an expiry.
 */
export function expiryProblem(
  payload: ShortKeyPayload | null,
  clock: () => Date,
): Pick<Diagnostic, 'code' | 'message'> | undefined {
  const expiry = payload?.x;
  if (expiry === undefined || clock().getTime() < expiry * 1000) return undefined;
  return {
    code: 'start.expired',
    message: `the link expired at ${new Date(expiry * 1000).toISOString()}; it seeded nothing`,
  };
}

function stateOf(kind: 'signed' | 'unsigned', secrets: readonly string[]): SignatureState {
  if (kind === 'unsigned') return 'missing';
  return secrets.length > 0 ? 'valid' : 'unchecked';
}

/** A start value that seeds nothing: its decoding kept for the telling, its variables dropped. */
function refused(
  decoded: DecodedStart,
  startParam: string,
  signature: SignatureState,
  problem: Pick<Diagnostic, 'code' | 'message'>,
): CheckedStart {
  return {
    startParam,
    payload: decoded.payload,
    variables: {},
    diagnostics: [...decoded.diagnostics, { severity: 'error', ...problem }],
    signature,
    verified: false,
  };
}
