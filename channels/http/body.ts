import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

/** The default cap on a request body: far above any turn or webhook update, far below harm. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * The whole body, refused with 413 as soon as it passes `limit` bytes: a declared length over the
 * limit is refused before anything is read, and a body that grows past it stops being read, so
 * no more than `limit` bytes are ever held.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(request.headers['content-length']) > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: Error) => {
      request.off('data', onData).off('end', onEnd).off('error', finish).off('close', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        request.pause();
        finish(tooLarge(limit));
      }
    };
    const onEnd = () => {
      finish();
    };
    const onClose = () => {
      // Nobody is left to read the answer; the status only tells the log what happened.
      finish(new HttpError('http.aborted', 'the client closed the connection before the body ended'));
    };
    request.on('data', onData).on('end', onEnd).on('error', finish).on('close', onClose);
  });
}

/**
 * A JSON route's body as a value: the content type must be JSON (a form post or plain text is
 * refused with 415, not guessed at), and the bytes valid UTF-8 and JSON (else 400).
 */
export async function readJson(request: IncomingMessage, limit: number): Promise<unknown> {
  if (!isJsonType(request.headers['content-type'])) {
    throw new HttpError('http.unsupported-media-type', 'the body must be sent as application/json');
  }
  return parseJson(await readBody(request, limit));
}

/**
 * JSON.parse over UTF-8 bytes. A `__proto__` key becomes an own property of the parsed object,
 * never its prototype; the schemas and webhook readers then refuse or ignore it.
 */
export function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    throw new HttpError('http.bad-json', 'the body is not valid JSON');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `application/json`, with no charset but UTF-8 (RFC 8259 §8.1). */
function isJsonType(header: string | undefined): boolean {
  const [type = '', ...parameters] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  return (
    type === 'application/json' &&
    parameters.every(
      (parameter) => !parameter.startsWith('charset=') || /^charset="?utf-8"?$/.test(parameter),
    )
  );
}

function tooLarge(limit: number): HttpError {
  return new HttpError('http.body-too-large', `the body is over the limit of ${limit} bytes`, {
    // The rest of the body is never read, so the connection cannot carry another request.
    Connection: 'close',
  });
}
