import { createHash, timingSafeEqual } from 'node:crypto';
import { BotflowError } from '../../engine/index.js';

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
