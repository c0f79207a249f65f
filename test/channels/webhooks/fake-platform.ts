import { createServer, type IncomingHttpHeaders } from 'node:http';

/** A request the fake platform received. */
export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the fake platform answers: a JSON value (serialised) or raw text. */
export interface FakeAnswer {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
}

/** A messenger's API on 127.0.0.1 (a real HTTP server) that records calls and answers as told. */
export interface FakePlatform {
  /** The root URL to give an adapter as `apiRoot`. */
  readonly root: string;
  readonly calls: RecordedCall[];
  /** Sets how the next calls are answered, from the call itself. */
  answer(respond: (call: RecordedCall) => FakeAnswer): void;
  close(): Promise<void>;
}

export async function startFakePlatform(respond: (call: RecordedCall) => FakeAnswer): Promise<FakePlatform> {
  const calls: RecordedCall[] = [];
  let current = respond;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const call: RecordedCall = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      calls.push(call);
      const answer = current(call);
      const json = answer.json !== undefined;
      response.writeHead(answer.status, { 'Content-Type': json ? 'application/json' : 'text/plain' });
      response.end(json ? JSON.stringify(answer.json) : (answer.text ?? ''));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the fake platform has no port');
  return {
    root: `http://127.0.0.1:${address.port}`,
    calls,
    answer: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}

/** The JSON bodies of the recorded calls, in order. */
export function jsonBodies(calls: readonly RecordedCall[]): unknown[] {
  return calls.map((call) => JSON.parse(call.body) as unknown);
}
