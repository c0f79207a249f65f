import {
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
  type RequestOptions,
} from 'node:http';
import { MemoryStore, StoreUnavailableError, type StoredRecord } from '../../../engine/index.js';

/** The `{ error: { code, message } }` of an error answer, with its status. */
export async function errorOf(
  response: Response,
): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...body.error };
}

/** An answer read with node:http, for requests fetch cannot make (a body that never ends). */
export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * Sends the request head at once, then lets `write` send (or withhold) the body; resolves with
 * the answer as soon as it has fully arrived, whether or not the body was ever finished.
 */
export function rawRequest(
  origin: string,
  options: RequestOptions,
  write: (request: ClientRequest) => void,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(origin), options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        request.destroy();
      });
    });
    request.on('error', reject);
    request.flushHeaders();
    write(request);
  });
}

/** A store whose connection is gone, as a RedisStore reports it. */
export class DownStore extends MemoryStore {
  override get(): Promise<StoredRecord | undefined> {
    return Promise.reject(
      new StoreUnavailableError('cannot reach the session store at redis://10.0.0.5:6379'),
    );
  }
}
