import type { WebhookAnswer } from '../adapter.js';
import type { ServerResponse } from 'node:http';

/** What a route answers; the server writes it. */
export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The error behind a 5xx answer: logged (redacted), never sent. */
  readonly failure?: unknown;
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

export function send(
  response: ServerResponse,
  reply: Reply,
  headers: Readonly<Record<string, string>>,
): void {
  response.writeHead(reply.status, {
    'Content-Type': reply.contentType,
    'Content-Length': Buffer.byteLength(reply.body),
    // Turns hold personal data: no cache may keep them, and no browser may guess another type.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...reply.headers,
    ...headers,
  });
  response.end(reply.body);
}
