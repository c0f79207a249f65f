import {
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
  type RequestOptions,
} from 'node:http';
import { afterEach } from 'vitest';
import { createBotServer, type BotServer, type BotServerOptions } from '../../../channels/http/index.js';
import {
  createBot,
  MemoryStore,
  StoreUnavailableError,
  type BotOptions,
  type SessionStore,
  type StoredRecord,
  type Turn,
} from '../../../engine/index.js';
import { script, yaml } from '../../runtime/helpers.js';

/**
 * A plan picked with buttons, then a notes loop: each reply is appended to `notes` until "stop",
 * so the order in which turns were applied can be read back from the variable.
 */
export const PLANS = script(yaml`
  botflow: 1
  name: plans
  variables: { firstName: '', notes: '', note: '', plan: '' }
  blocks:
    pick:
      type: ask
      text: 'Hello {{ firstName }}! Which plan?'
      save: plan
      choices:
        - { label: Basic, value: basic }
        - { label: Pro, value: pro }
      next: ask-note
    ask-note:
      type: ask
      text: 'Any notes? Say stop to finish.'
      save: note
      next: record
    record:
      type: bpl
      set:
        notes: "notes == '' ? note : notes || ',' || note"
      next: more
    more:
      type: condition
      branches:
        - if: "note == 'stop'"
          next: done
      else: ask-note
    done: { type: end, text: 'Thanks, {{ plan }} it is.', result: chosen }
`);

/** One logged line, as a pino-like logger received it. */
export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string | undefined;
}

export interface TestApi {
  readonly origin: string;
  readonly server: BotServer;
  readonly store: SessionStore;
  readonly logs: LogLine[];
  /** fetch against the server, with a JSON body when `body` is given. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

const open = new Set<BotServer>();
afterEach(async () => {
  // A test may have closed its server itself.
  await Promise.all([...open].filter(({ server }) => server.listening).map((server) => server.close()));
  open.clear();
});

/** A real server on 127.0.0.1 (a free port) over a real bot, closed after each test. */
export async function startApi(
  options: Partial<Omit<BotServerOptions, 'bot' | 'logger'>> & { bot?: Partial<BotOptions> } = {},
): Promise<TestApi> {
  const { bot: botOptions, ...serverOptions } = options;
  const store = botOptions?.store ?? new MemoryStore();
  const bot = createBot({ script: PLANS, ...botOptions, store });
  const logs: LogLine[] = [];
  const logger = {
    info: (fields: Record<string, unknown>, message?: string) =>
      logs.push({ level: 'info', fields, message }),
    warn: (fields: Record<string, unknown>, message?: string) =>
      logs.push({ level: 'warn', fields, message }),
    error: (fields: Record<string, unknown>, message?: string) =>
      logs.push({ level: 'error', fields, message }),
  };
  const server = createBotServer({ bot, logger, ...serverOptions });
  const { port } = await server.listen(0, '127.0.0.1');
  open.add(server);
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    server,
    store,
    logs,
    call: (method, path, body, headers = {}) =>
      fetch(`${origin}${path}`, {
        method,
        headers: { ...(body !== undefined && { 'Content-Type': 'application/json' }), ...headers },
        ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
  };
}

/** The Turn a 200 answer carries. */
export async function turnOf(response: Response): Promise<Turn> {
  if (response.status !== 200)
    throw new Error(`expected 200, got ${response.status}: ${await response.text()}`);
  return (await response.json()) as Turn;
}

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
