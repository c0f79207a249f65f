import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStore, SqliteStore } from '../../../engine/index.js';
import { startApi, turnOf } from '../../support/json-api.js';
import { useTempFolders } from '../../support/temp-folders.js';

/** A store whose writes wait until the test opens the gate, so a turn can be caught in flight. */
class GatedStore extends MemoryStore {
  /** Resolves when a write reached the gate. */
  readonly reached: Promise<void>;
  private arrive!: () => void;
  private opened!: () => void;
  private readonly gate = new Promise<void>((resolve) => {
    this.opened = resolve;
  });

  constructor() {
    super();
    this.reached = new Promise((resolve) => {
      this.arrive = resolve;
    });
  }

  open(): void {
    this.opened();
  }

  override async put(key: string, data: string, expected: number | undefined): Promise<number | undefined> {
    this.arrive();
    await this.gate;
    return super.put(key, data, expected);
  }
}

describe('close()', () => {
  it('lets a request in flight finish and store its turn, while refusing new connections', async () => {
    const store = new GatedStore();
    const api = await startApi({ bot: { store } });
    const inFlight = api.call('POST', '/conversations/k/start', {});
    await store.reached;
    let closed = false;
    const closing = api.server.close().then(() => {
      closed = true;
    });
    await expect(fetch(`${api.origin}/health`)).rejects.toThrow();
    expect(closed).toBe(false);

    store.open();
    const response = await inFlight;
    expect(response.headers.get('connection')).toBe('close');
    expect((await turnOf(response)).block).toBe('pick');
    await closing;
    expect(api.server.server.listening).toBe(false);
    expect(await store.get('k')).toBeDefined();
  });

  it('closes an idle keep-alive connection instead of waiting for it', async () => {
    const api = await startApi();
    const socket = connect(Number(new URL(api.origin).port), '127.0.0.1');
    const ended = new Promise<void>((resolve) =>
      socket.on('close', () => {
        resolve();
      }),
    );
    const answered = new Promise<string>((resolve) =>
      socket.once('data', (chunk) => {
        resolve(String(chunk));
      }),
    );
    socket.write('GET /health HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n');
    expect(await answered).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    await api.server.close();
    await ended;
    expect(socket.destroyed).toBe(true);
  });
});

describe('time limits', () => {
  it('answers 408 and closes the connection when the headers never finish', async () => {
    const api = await startApi({ headersTimeoutMs: 200, requestTimeoutMs: 300 });
    const socket = connect(Number(new URL(api.origin).port), '127.0.0.1');
    const answered = new Promise<string>((resolve) => {
      socket.once('data', (chunk) => {
        resolve(String(chunk));
      });
    });
    socket.write('POST /conversations/k/start HTTP/1.1\r\nHost: test\r\n');
    expect(await answered).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(await api.store.get('k')).toBeUndefined();
  });
});

describe('with a SqliteStore', () => {
  const temp = useTempFolders('botflow-http-');

  it('keeps a conversation across a server restart on the same file', async () => {
    const file = join(temp.root, 'sessions.db');

    const firstStore = new SqliteStore(file);
    const first = await startApi({ bot: { store: firstStore } });
    await turnOf(await first.call('POST', '/conversations/telegram%3A42/start', { payload: { eId: '42' } }));
    await turnOf(await first.call('POST', '/conversations/telegram%3A42/messages', { text: 'Pro' }));
    await first.server.close();
    await firstStore.close();

    const secondStore = new SqliteStore(file);
    const second = await startApi({ bot: { store: secondStore }, apiToken: 'secret' });
    const token = { Authorization: 'Bearer secret' };
    expect(
      (await turnOf(await second.call('GET', '/conversations/telegram%3A42', undefined, token))).block,
    ).toBe('ask-note');
    await turnOf(
      await second.call('POST', '/conversations/telegram%3A42/messages', { text: 'hello' }, token),
    );
    const last = await turnOf(
      await second.call(
        'POST',
        '/conversations/telegram%3A42/messages?variables=all',
        { text: 'stop' },
        token,
      ),
    );
    expect(last).toMatchObject({ status: 'ended', result: 'chosen' });
    expect(last.variables).toMatchObject({ clientExternalId: '42', plan: 'pro', notes: 'hello,stop' });
    await second.server.close();
    await secondStore.close();
  });
});
