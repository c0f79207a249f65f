import { afterEach } from 'vitest';
import { createBotServer, type BotServer, type BotServerOptions } from '../../channels/http/index.js';
import { createBot, MemoryStore, type BotOptions, type SessionStore, type Turn } from '../../engine/index.js';
import { scriptOf, yaml } from './scripts.js';

/**
 * A plan picked with buttons, then a notes loop: each reply is appended to `notes` until "stop",
 * so the order in which turns were applied can be read back from the variable.
 */
export const PLANS = scriptOf(yaml`
  botflow: 1
  name: plans
  variables: { firstName: '', notes: '', note: '', plan: '' }
  expose: [firstName, notes, note, plan]
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

/** One call of the server's logger (a pino-like logger). */
export interface LoggerCall {
  readonly level: 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string | undefined;
}

export interface TestApi {
  readonly origin: string;
  readonly server: BotServer;
  readonly store: SessionStore;
  readonly logs: LoggerCall[];
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
  const logs: LoggerCall[] = [];
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
