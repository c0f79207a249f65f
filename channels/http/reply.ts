import type { WebhookAnswer } from '../adapter.js';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What a route answers; the server writes it. */
export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The error behind a 5xx answer: logged (redacted), never sent. */
  readonly failure?: unknown;
  /** A body too large to hold, sent as it comes (chunked) instead of `body`. */
  readonly stream?: AsyncIterable<string>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function jsonReply(status: number, value: unknown): Reply {
  return { status, body: JSON.stringify(value), contentType: JSON_TYPE };
}

/** A webhook's answer: text (`ok` for VK, Meta's challenge) unless the adapter says JSON. */
export function webhookReply({ status, body, contentType = 'text/plain' }: WebhookAnswer): Reply {
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new Error(`a webhook adapter answered the status ${String(status)}, not one of 200 to 599`);
  }
  return { status, body, contentType: `${contentType}; charset=utf-8` };
}

/**
 * Writes the answer; a streamed one waits for the client to take each chunk (memory stays flat)
 * and, when its source fails part-way, ends the connection so the client sees it cut, and rejects.
 */
export async function send(
  response: ServerResponse,
  reply: Reply,
  headers: Readonly<Record<string, string>>,
): Promise<void> {
  response.writeHead(reply.status, {
    'Content-Type': reply.contentType,
    ...(reply.stream === undefined && { 'Content-Length': Buffer.byteLength(reply.body) }),
    // Turns hold personal data: no cache may keep them, and no browser may guess another type.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...reply.headers,
    ...headers,
  });
  if (reply.stream === undefined) {
    response.end(reply.body);
    return;
  }
  await pipeline(Readable.from(reply.stream, { objectMode: false }), response);
}
