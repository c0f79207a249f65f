import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One request as the server received it. */
export interface RecordedRequest {
  readonly method: string;
  /** The request target exactly as sent (path and query, still percent-encoded). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, as text. */
  readonly body: string;
  /** When the request arrived (ms, the server's own monotonic clock). */
  readonly at: number;
}

/**
 * How a test answers a request: `'sent'` (what `json` and `text` return) or undefined once it has
 * answered, `'hang'` to never answer (the socket is closed at the end). It may answer later: a
 * promise is waited for, and a fake that holds a request (a long poll, a slow CRM) returns one.
 */
export type Handler = (
  request: RecordedRequest,
  response: ServerResponse,
) => 'sent' | 'hang' | undefined | Promise<'sent' | 'hang' | undefined>;

/**
 * A stand-in for a server botflow calls (a CRM, a messenger's API, the Telegram Bot API) or
 * sends to: it records every request and answers as the test scripts it.
 */
export interface RecordingServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Replaces the handler for the requests to come. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** Answers JSON with the given status and extra headers. */
export function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): 'sent' {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
  return 'sent';
}

/** Answers plain text with the given status and extra headers. */
export function text(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): 'sent' {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  response.end(body);
  return 'sent';
}

const servers = new Set<RecordingServer>();

/**
 * A real `node:http` server on 127.0.0.1 (a free port) that records every request it receives.
 * The default handler answers `200 {"ok":true}`.
 */
export async function startRecordingServer(
  handler: Handler = (_request, response) => json(response, 200, { ok: true }),
): Promise<RecordingServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      requests.push(received);
      void current(received, response);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const test: RecordingServer = {
    port,
    origin: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => {
      current = next;
    },
    close: () => {
      servers.delete(test);
      return new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
    },
  };
  servers.add(test);
  return test;
}

/** Closes every server still open: for `afterEach`. */
export async function closeServers(): Promise<void> {
  await Promise.all([...servers].map((server) => server.close()));
}

/** A port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = await startRecordingServer();
  const { port } = server;
  await server.close();
  return port;
}

/** The JSON bodies of recorded requests, in order. */
export function jsonBodies(requests: readonly RecordedRequest[]): unknown[] {
  return requests.map((request) => JSON.parse(request.body) as unknown);
}
