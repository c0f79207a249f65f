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

/** `204 No Content`: done, nothing to say. */
export function noContent(): Reply {
  return { status: 204, body: '', contentType: '' };
}

/** A webhook's answer: text (`ok` for VK, Meta's challenge) unless the adapter says JSON. */
export function webhookReply({ status, body, contentType = 'text/plain' }: WebhookAnswer): Reply {
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new Error(`a webhook adapter answered the status ${String(status)}, not one of 200 to 599`);
  }
  return { status, body, contentType: `${contentType}; charset=utf-8` };
}

/** Writes an answer whose body is whole. */
export function send(
  response: ServerResponse,
  reply: Reply,
  headers: Readonly<Record<string, string>>,
): void {
  // A 204 has neither a body nor a length (RFC 9110).
  writeHead(
    response,
    reply,
    headers,
    reply.status === 204 ? {} : { 'Content-Length': Buffer.byteLength(reply.body) },
  );
  response.end(reply.body);
}

/**
 * Writes an answer streamed from `stream` (chunked), each chunk once the client took the last, so
 * memory stays flat; when the stream fails part-way the connection ends, so the client sees the
 * answer cut, and this rejects.
 */
export async function sendStreamed(
  response: ServerResponse,
  reply: Reply,
  stream: AsyncIterable<string>,
  headers: Readonly<Record<string, string>>,
): Promise<void> {
  writeHead(response, reply, headers, {});
  await pipeline(Readable.from(stream, { objectMode: false }), response);
}

function writeHead(
  response: ServerResponse,
  reply: Reply,
  headers: Readonly<Record<string, string>>,
  length: Readonly<Record<string, number>>,
): void {
  response.writeHead(reply.status, {
    ...(reply.contentType !== '' && { 'Content-Type': reply.contentType }),
    ...length,
    // Turns hold personal data: no cache may keep them, and no browser may guess another type.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...reply.headers,
    ...headers,
  });
}
