import { createHash, timingSafeEqual } from 'node:crypto';
import { BotflowError } from '../../engine/index.js';
import { HttpError, unauthorized } from './errors.js';

/**
 * Checks `Authorization: Bearer <token>`. Both sides are hashed first, so the comparison takes
 * the same time whatever the length or content of what was sent.
 */
export function bearerCheck(token: string): (header: string | undefined) => boolean {
  // An empty token (an unset variable) would otherwise lock everyone out or, worse, be mistaken for none.
  if (token === '') throw new BotflowError('http.empty-token', 'the API token must not be empty');
  const expected = digest(token);
  return (header) => {
    const given = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
    return timingSafeEqual(digest(given ?? ''), expected) && given !== undefined;
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Who may use a conversation route: a caller with the API token; anyone when the server has none;
 * with public chats on, a caller without the token too, but only in an unguessable conversation.
 */
export interface TalkPolicy {
  /** Whether `Authorization` carries the API token; undefined when the server has none. */
  readonly hasToken: ((authorization: string | undefined) => boolean) | undefined;
  /** `serve --public-chat`: token-less callers may talk in `web:` (and `rest:`) conversations. */
  readonly publicChat: boolean;
}

/**
 * What a caller of a conversation route may do: `token` (it sent the API token: everything),
 * `open` (the server has no token: the route, but never every variable), `public` (a public
 * chat's unguessable key), or why not: `token-required` (401) or `weak-key` (400).
 */
export type TalkVerdict = 'token' | 'open' | 'public' | 'token-required' | 'weak-key';

/** The key prefixes of public chats: the JSON API's web chats, and the Rasa REST channel's. */
const PUBLIC_PREFIXES = ['web:', 'rest:'] as const;

/**
 * The fewest characters after the prefix a public chat's key has: the length of 22 random
 * base64url characters (132 bits); `crypto.randomUUID()` gives 36 (122 random bits). Only the
 * length can be checked, so the docs say how to make the key: anyone who knows it may talk in it.
 */
const PUBLIC_KEY_MIN = 22;

/** Whether a caller with this `Authorization` header may talk in conversation `key` (decoded). */
export function mayTalk(policy: TalkPolicy, authorization: string | undefined, key: string): TalkVerdict {
  if (policy.hasToken === undefined) return 'open';
  if (policy.hasToken(authorization)) return 'token';
  if (!policy.publicChat) return 'token-required';
  const prefix = PUBLIC_PREFIXES.find((start) => key.startsWith(start));
  if (prefix === undefined) return 'token-required';
  return key.length - prefix.length >= PUBLIC_KEY_MIN ? 'public' : 'weak-key';
}

/**
 * Whether a caller with this `Authorization` header may talk in some conversation: a route whose
 * key is in the body answers 401 before reading it when not.
 */
export function mayTalkAtAll(policy: TalkPolicy, authorization: string | undefined): boolean {
  return policy.hasToken === undefined || policy.publicChat || policy.hasToken(authorization);
}

/**
 * The verdict for a caller who may talk in conversation `key`; for one who may not, an HttpError:
 * 401 `http.unauthorized`, or 400 `http.weak-key` for a public chat's key too short to be secret
 * (`sender`: the key is the Rasa channel's `rest:` + sender, which its client knows by that name).
 */
export function admitTalker(
  policy: TalkPolicy,
  authorization: string | undefined,
  key: string,
  named: 'key' | 'sender' = 'key',
): Exclude<TalkVerdict, 'token-required' | 'weak-key'> {
  const verdict = mayTalk(policy, authorization, key);
  if (verdict === 'token-required') throw unauthorized();
  if (verdict === 'weak-key') {
    const what =
      named === 'sender'
        ? `the sender needs at least ${PUBLIC_KEY_MIN} random characters`
        : `a web: or rest: conversation key needs at least ${PUBLIC_KEY_MIN} random characters after its prefix`;
    throw new HttpError('http.weak-key', `without the API token, ${what} (crypto.randomUUID())`);
  }
  return verdict;
}
