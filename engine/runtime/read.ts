import type { Diagnostic } from '../diagnostic.js';
import type { SessionStore, StoredRecord } from '../store/types.js';
import {
  limitBreach,
  STORED_LIMIT_FACTOR,
  storedLimits,
  type LimitBreach,
  type VariableLimits,
} from './limits.js';
import { decodeConversation, type StoredConversation } from './stored.js';

/** A record as a turn reads it: the conversation, unless it could not be read, and why not. */
export interface ReadConversation {
  readonly record: StoredRecord | undefined;
  /** The conversation a turn goes on from; undefined when there is none or it cannot go on. */
  readonly stored: StoredConversation | undefined;
  /**
   * The conversation as stored, even one too far over the limits to go on: its message marks
   * still tell a redelivery, and `conversation()` still shows it.
   */
  readonly found: StoredConversation | undefined;
  readonly notes: readonly Diagnostic[];
}

const UNREADABLE: Diagnostic = {
  severity: 'warning',
  code: 'conversation.unreadable',
  message: 'the stored conversation could not be read; it starts afresh',
};

const FAR_OVER_LIMIT: Diagnostic = {
  severity: 'error',
  code: 'conversation.over-limit',
  message: `the stored conversation holds more than ${STORED_LIMIT_FACTOR} times the variables this bot allows; it starts afresh`,
};

/** A stored conversation over the limits, but not far: it goes on (see STORED_LIMIT_FACTOR). */
function overLimit(breach: LimitBreach): Diagnostic {
  return {
    severity: 'warning',
    code: 'conversation.over-limit',
    message: `the stored conversation holds ${breach.what}; it goes on, but no turn may take it further over`,
  };
}

/** Room in a stored record for all but its variables: version, block names, result, message marks. */
const RECORD_OVERHEAD_BYTES = 16 * 1024;

/**
 * The stored conversation `key`. One over the limits (stored under larger ones) goes on, with a
 * warning. One that cannot be read, or is far over the limits (written by hand, or under limits
 * far larger), is not continued, with a note: its turn starts afresh. A record too large to be
 * one botflow stores under these limits is not even parsed.
 */
export async function readConversation(
  store: SessionStore,
  key: string,
  limits: VariableLimits,
): Promise<ReadConversation> {
  const record = await store.get(key);
  if (!record) return { record, stored: undefined, found: undefined, notes: [] };
  const bounds = storedLimits(limits);
  const size = Buffer.byteLength(record.data);
  if (size > bounds.bytes + RECORD_OVERHEAD_BYTES) {
    return { record, stored: undefined, found: undefined, notes: [FAR_OVER_LIMIT] };
  }
  const found = decodeConversation(record.data);
  if (!found) return { record, stored: undefined, found, notes: [UNREADABLE] };
  const variables = found.v ?? {};
  if (limitBreach(variables, bounds, size))
    return { record, stored: undefined, found, notes: [FAR_OVER_LIMIT] };
  const breach = limitBreach(variables, limits, size);
  return { record, stored: found, found, notes: breach ? [overLimit(breach)] : [] };
}
