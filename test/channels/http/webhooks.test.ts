import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type {
  HandledEvent,
  WebhookAdapter,
  WebhookAnswer,
  WebhookRequest,
} from '../../../channels/adapter.js';
import { MemoryStore, type StoredRecord } from '../../../engine/index.js';
import { errorOf } from './helpers.js';
import { startApi } from '../../support/json-api.js';

const SECRET = 'whsec_4b1f9e2a7c';

function sign(body: string): string {
  return createHmac('sha256', SECRET).update(body).digest('hex');
}

/**
 * A stand-in for the Telegram adapter: checks an HMAC of the raw body in `X-Signature`, answers a
 * GET handshake with its challenge, and records what it screened and delivered.
 */
class FakeTelegram implements WebhookAdapter {
  readonly channel = 'telegram';
  readonly accepted: WebhookAnswer = { status: 200, body: 'received' };
  readonly screened: WebhookRequest[] = [];
  readonly delivered: (readonly HandledEvent[])[] = [];
  /** What the store held for each event's key when `deliver` was called. */
  readonly storedAtDelivery: (StoredRecord | undefined)[] = [];

  constructor(
    private readonly store: MemoryStore,
    private readonly answer: WebhookAnswer = {
      status: 200,
      body: '{"ok":true}',
      contentType: 'application/json',
    },
  ) {}

  screen(request: WebhookRequest): WebhookAnswer | undefined {
    this.screened.push(request);
    if (request.method === 'GET') return { status: 200, body: request.query.get('hub.challenge') ?? '' };
    const expected = createHmac('sha256', SECRET).update(request.rawBody).digest();
    const header = request.headers['x-signature'];
    const given = Buffer.from(typeof header === 'string' ? header : '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { status: 401, body: 'bad signature' };
    }
    return undefined;
  }

  async deliver(handled: readonly HandledEvent[]): Promise<WebhookAnswer> {
    this.delivered.push(handled);
    for (const { key } of handled) this.storedAtDelivery.push(await this.store.get(key));
    return this.answer;
  }
}

/**
 * A Telegram update as its server sends it, spaced oddly: the signature is over these bytes. Each
 * update Telegram sends has an update_id of its own.
 */
function update(text: string, updateId = 1): string {
  return `{ "update_id": ${updateId},\n  "message": { "chat": { "id": 42 }, "text": ${JSON.stringify(text)} } }`;
}

async function setUp(answer?: WebhookAnswer) {
  const store = new MemoryStore();
  const adapter = new FakeTelegram(store, answer);
  const api = await startApi({ bot: { store }, webhooks: [adapter], bodyLimit: 4096 });
  const post = (body: string, signature = sign(body)) =>
    fetch(`${api.origin}/webhooks/telegram`, { method: 'POST', headers: { 'X-Signature': signature }, body });
  return { store, adapter, api, post };
}

describe('POST /webhooks/:channel', () => {
  it('screens the raw bytes, runs the update, delivers once stored, and answers what the adapter says', async () => {
    const { store, adapter, post } = await setUp();
    const body = update('/start 1234567');
    const response = await post(body);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.text()).toBe('{"ok":true}');

    expect(adapter.screened[0]?.rawBody.toString('utf8')).toBe(body);
    expect(adapter.screened[0]?.method).toBe('POST');
    const [handled] = adapter.delivered;
    expect(handled?.map(({ key, event }) => ({ key, event }))).toEqual([
      {
        key: 'telegram:42',
        event: { channel: 'telegram', chatId: '42', id: '1', startParam: '1234567' },
      },
    ]);
    expect(handled?.[0]?.turn.messages[0]?.buttons).toEqual(['Basic', 'Pro']);
    expect(adapter.storedAtDelivery[0]).toBeDefined();
    expect(await store.get('telegram:42')).toEqual(adapter.storedAtDelivery[0]);

    expect((await post(update('Pro', 2))).status).toBe(200);
    expect(adapter.delivered[1]?.[0]?.turn).toMatchObject({ block: 'ask-note', variables: { plan: 'pro' } });
  });

  it('answers a bad signature with the adapter’s 401 and stores nothing', async () => {
    const { store, adapter, post } = await setUp();
    const body = update('/start 1234567');
    const response = await post(body, sign(`${body} `));
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('bad signature');
    expect(adapter.delivered).toEqual([]);
    expect(await store.get('telegram:42')).toBeUndefined();
  });

  it('screens before parsing: unsigned garbage is the adapter’s 401, signed garbage is 400', async () => {
    const { adapter, post } = await setUp();
    expect((await post('{not json', '00')).status).toBe(401);
    expect(await errorOf(await post('{not json'))).toEqual({
      status: 400,
      code: 'http.bad-json',
      message: 'the body is not valid JSON',
    });
    expect(adapter.delivered).toEqual([]);
  });

  it('passes a GET handshake’s query to the adapter and answers its text', async () => {
    const { api, adapter } = await setUp();
    const response = await fetch(
      `${api.origin}/webhooks/telegram?hub.mode=subscribe&hub.challenge=1158201444`,
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('1158201444');
    expect(adapter.screened[0]?.query.get('hub.mode')).toBe('subscribe');
  });

  it('is 404 for a channel without an adapter', async () => {
    const { post, api } = await setUp();
    expect((await post(update('hi'))).status).toBe(200);
    const response = await fetch(`${api.origin}/webhooks/viber`, { method: 'POST', body: '{}' });
    expect(await errorOf(response)).toMatchObject({ status: 404, code: 'http.not-found' });
  });

  it('refuses a body over the limit before the adapter sees it', async () => {
    const { adapter, post } = await setUp();
    expect(await errorOf(await post(update('x'.repeat(5000))))).toMatchObject({
      status: 413,
      code: 'http.body-too-large',
    });
    expect(adapter.screened).toEqual([]);
  });

  it('answers `accepted` when replies could not be sent, since the turn is stored, and logs why', async () => {
    const { store, post, api } = await setUp({ status: 0, body: '' });
    const response = await post(update('/start'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('received');
    expect(await store.get('telegram:42')).toBeDefined();
    expect(api.logs.at(-1)).toMatchObject({
      level: 'error',
      message: 'request failed',
      fields: { route: '/webhooks/:channel', status: 200 },
    });
  });
});
