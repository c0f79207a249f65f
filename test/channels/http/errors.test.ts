import { describe, expect, it } from 'vitest';
import {
  ConversationBusyError,
  MemoryStore,
  StoreUncertainError,
  type StoredRecord,
  type Unlock,
} from '../../../engine/index.js';
import { DownStore, errorOf, rawRequest } from './helpers.js';
import { startApi } from '../../support/json-api.js';

/** A store another process always writes first. */
class RacedStore extends MemoryStore {
  override put(): Promise<number | undefined> {
    return Promise.resolve(undefined);
  }
}

/** A shared store where another process never lets go of the conversation. */
class HeldStore extends MemoryStore {
  lock(key: string): Promise<Unlock> {
    return Promise.reject(new ConversationBusyError(key, 'another turn held it for 5000 ms'));
  }
}

/** A store whose write got no answer, as a RedisStore reports it when reading back did not tell either. */
class UnconfirmedStore extends MemoryStore {
  override put(key: string): Promise<number | undefined> {
    return Promise.reject(
      new StoreUncertainError(
        `the session store at redis://10.0.0.5:6379 did not confirm a write to conversation "${key}", which may have been applied`,
      ),
    );
  }
}

/** A store that fails in a way nobody planned for, with a secret in its message. */
class BrokenStore extends MemoryStore {
  override get(): Promise<StoredRecord | undefined> {
    return Promise.reject(new Error('driver exploded near sk_live_0123456789'));
  }
}

describe('routing errors', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/nowhere'],
    ['GET', '/conversations'],
    ['GET', '/conversations/'],
    ['GET', '/conversations/k/'],
    ['POST', '/conversations/k/stop'],
    ['GET', '/health/'],
    ['POST', '/webhooks/telegram'],
  ])('%s %s is 404', async (method, path) => {
    const api = await startApi();
    expect(await errorOf(await api.call(method, path))).toEqual({
      status: 404,
      code: 'http.not-found',
      message: 'there is no such route',
    });
  });

  it('a conversation nobody started is 404', async () => {
    const api = await startApi();
    expect(await errorOf(await api.call('GET', '/conversations/nobody'))).toEqual({
      status: 404,
      code: 'conversation.not-found',
      message: 'there is no conversation with this key',
    });
  });

  it.each([
    ['PUT', '/conversations/k', 'GET, DELETE'],
    ['GET', '/conversations/k/start', 'POST'],
    ['PUT', '/conversations/k/messages', 'POST'],
    ['POST', '/health', 'GET'],
    ['DELETE', '/webhooks/telegram', 'GET, POST'],
  ])('%s %s is 405 with Allow: %s', async (method, path, allow) => {
    const api = await startApi();
    const response = await api.call(method, path);
    expect(response.headers.get('allow')).toBe(allow);
    expect(await errorOf(response)).toEqual({
      status: 405,
      code: 'http.method-not-allowed',
      message: `this route takes ${allow}`,
    });
  });

  it.each([
    ['over 256 characters', 'k'.repeat(257)],
    ['a control character', 'a%0Ab'],
    ['broken percent-encoding', 'a%E0%A4%A'],
    ['an encoded empty key', '%'],
  ])('a key with %s is 400', async (_, key) => {
    const api = await startApi();
    expect(await errorOf(await api.call('POST', `/conversations/${key}/start`, {}))).toEqual({
      status: 400,
      code: 'http.bad-key',
      message:
        'a conversation key must be 1 to 256 characters of URL-encoded text without control characters',
    });
  });

  it('a key of exactly 256 characters is fine', async () => {
    const api = await startApi();
    expect((await api.call('POST', `/conversations/${'k'.repeat(256)}/start`, {})).status).toBe(200);
  });
});

describe('body errors', () => {
  it.each([
    ['not JSON', '{"text": "hi"', 'http.bad-json', 'the body is not valid JSON'],
    [
      'not UTF-8',
      Buffer.from([0x7b, 0x22, 0x74, 0xff, 0x22, 0x7d]),
      'http.bad-json',
      'the body is not valid JSON',
    ],
    ['a list', '[]', 'http.invalid-body', 'the body must be a JSON object'],
    ['null', 'null', 'http.invalid-body', 'the body must be a JSON object'],
    ['without text', '{}', 'http.invalid-body', 'the body needs the field "text"'],
    ['with a number for text', '{"text": 7}', 'http.invalid-body', 'the field "text" must be a string'],
    [
      'with an unknown field',
      '{"text": "hi", "txet": "hi"}',
      'http.invalid-body',
      'the body has the unknown field "txet"; the fields are text, messageId',
    ],
    [
      'with a __proto__ key',
      '{"text": "hi", "__proto__": {"polluted": true}}',
      'http.invalid-body',
      'the body has the unknown field "__proto__"; the fields are text, messageId',
    ],
    [
      'with a huge unknown field name',
      `{"text": "hi", "${'x'.repeat(5000)}": 1}`,
      'http.invalid-body',
      `the body has the unknown field "${'x'.repeat(80)}…"; the fields are text, messageId`,
    ],
  ])('a message body %s is 400', async (_, body, code, message) => {
    const api = await startApi();
    const response = await fetch(`${api.origin}/conversations/k/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(await errorOf(response)).toEqual({ status: 400, code, message });
    expect(await api.store.get('k')).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    [{ startParam: 42 }, 'the field "startParam" must be a string'],
    [{ channel: 'c'.repeat(65) }, 'the field "channel" is longer than 64 characters'],
    [
      { start: 'x' },
      'the body has the unknown field "start"; the fields are startParam, payload, channel, messageId',
    ],
  ])('a start body %j is 400', async (body, message) => {
    const api = await startApi();
    expect(await errorOf(await api.call('POST', '/conversations/k/start', body))).toEqual({
      status: 400,
      code: 'http.invalid-body',
      message,
    });
  });

  it.each([
    ['no content type', undefined],
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['JSON in Latin-1', 'application/json; charset=iso-8859-1'],
  ])('a JSON route refuses %s with 415', async (_, type) => {
    const api = await startApi();
    const response = await fetch(`${api.origin}/conversations/k/messages`, {
      method: 'POST',
      headers: type === undefined ? {} : { 'Content-Type': type },
      body: new Blob(['{"text":"hi"}']),
    });
    expect(await errorOf(response)).toEqual({
      status: 415,
      code: 'http.unsupported-media-type',
      message: 'the body must be sent as application/json',
    });
  });

  it('takes JSON with a UTF-8 charset parameter', async () => {
    const api = await startApi();
    const response = await api.call('POST', '/conversations/k/start', '{}', {
      'Content-Type': 'Application/JSON; Charset="UTF-8"',
    });
    expect(response.status).toBe(200);
  });
});

describe('body limit', () => {
  const TOO_LARGE = { code: 'http.body-too-large', message: 'the body is over the limit of 1024 bytes' };

  it('takes a body of exactly the limit', async () => {
    const api = await startApi({ bodyLimit: 1024 });
    const text = 'x'.repeat(1024 - '{"text":""}'.length);
    expect((await api.call('POST', '/conversations/k/messages', { text })).status).toBe(200);
  });

  it('refuses a declared length over the limit at once, before any of the body is sent', async () => {
    const api = await startApi({ bodyLimit: 1024 });
    const answer = await rawRequest(
      api.origin,
      {
        method: 'POST',
        path: '/conversations/k/messages',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(10 * 1024 ** 3) },
      },
      () => undefined,
    );
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toEqual({ error: TOO_LARGE });
  });

  it('stops reading a chunked body that grows past the limit, without waiting for its end', async () => {
    const api = await startApi({ bodyLimit: 1024 });
    const answer = await rawRequest(
      api.origin,
      { method: 'POST', path: '/conversations/k/messages', headers: { 'Content-Type': 'application/json' } },
      (request) => request.write(`{"text":"${'x'.repeat(2000)}`),
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: TOO_LARGE });
    expect(await api.store.get('k')).toBeUndefined();
  });

  it('limits bodies to 1 MiB by default', async () => {
    const api = await startApi();
    const answer = await rawRequest(
      api.origin,
      {
        method: 'POST',
        path: '/conversations/k/messages',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(1024 * 1024 + 1) },
      },
      () => undefined,
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { message: 'the body is over the limit of 1048576 bytes' },
    });
  });
});

describe('engine and store errors', () => {
  it.each([
    [{ z: 1 }, 'payload.unknown-key', 'the payload has the unknown key "z" (known: p, e, eId, v, x)'],
    ['eyJlIjoiZSJ9', 'payload.not-object', 'the payload JSON is not an object'],
    [
      { v: JSON.parse('{"__proto__": {"x": 1}}') as unknown },
      'payload.forbidden-key',
      'the payload\'s "v" has the forbidden key "__proto__"',
    ],
  ])('a broken payload %j is 422 with the engine’s reason', async (payload, code, message) => {
    const api = await startApi();
    expect(await errorOf(await api.call('POST', '/conversations/k/start', { payload }))).toEqual({
      status: 422,
      code,
      message,
    });
    expect(await api.store.get('k')).toBeUndefined();
  });

  it('a start with both startParam and payload is 400, and nothing is stored', async () => {
    const api = await startApi();
    const body = { payload: { p: '79001234567' }, startParam: 'abc' };
    expect(await errorOf(await api.call('POST', '/conversations/k/start', body))).toEqual({
      status: 400,
      code: 'start.ambiguous',
      message: 'a start takes either startParam or payload, not both',
    });
    expect(await api.store.get('k')).toBeUndefined();
  });

  it('a start with 60,000 variables (889 KB) is 413 in one sentence, and nothing is stored', async () => {
    const api = await startApi();
    const v = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`v${i}`, 'Msk']));
    const body = JSON.stringify({ payload: { v } });
    expect(body.length).toBeGreaterThan(880_000);
    expect(body.length).toBeLessThan(1_048_576);
    expect(await errorOf(await api.call('POST', '/conversations/k/start', body))).toEqual({
      status: 413,
      code: 'variables.too-many',
      message:
        'the start would give the conversation 60000 variables, over the limit of 200; nothing was stored',
    });
    const tooLarge = { payload: { v: { note: 'n'.repeat(300_000) } } };
    expect(await errorOf(await api.call('POST', '/conversations/k/start', tooLarge))).toMatchObject({
      status: 413,
      code: 'variables.too-large',
    });
    expect(await api.store.get('k')).toBeUndefined();
    expect((await api.call('GET', '/health')).status).toBe(200);
  });

  it('a turn another process stored first is 409', async () => {
    const api = await startApi({ bot: { store: new RacedStore() } });
    expect(await errorOf(await api.call('POST', '/conversations/k/start', {}))).toEqual({
      status: 409,
      code: 'conversation.conflict',
      message: 'the conversation was changed by another turn at the same time; try again',
    });
  });

  it('a conversation another process holds too long is 409', async () => {
    const api = await startApi({ bot: { store: new HeldStore() } });
    expect(await errorOf(await api.call('POST', '/conversations/k/messages', { text: 'hi' }))).toEqual({
      status: 409,
      code: 'conversation.busy',
      message: 'the conversation is busy with another turn; try again',
    });
  });

  it('an unreachable store is 503, without its address; the log has it', async () => {
    const api = await startApi({ bot: { store: new DownStore() } });
    const response = await api.call('POST', '/conversations/k/messages', { text: 'hi' });
    expect(await errorOf(response)).toEqual({
      status: 503,
      code: 'store.unavailable',
      message: 'the session store is unavailable; try again later',
    });
    expect(api.logs).toEqual([
      {
        level: 'error',
        message: 'request failed',
        fields: expect.objectContaining({
          route: '/conversations/:key/messages',
          status: 503,
          error: expect.objectContaining({
            type: 'StoreUnavailableError',
            code: 'store.unavailable',
            message: 'cannot reach the session store at redis://10.0.0.5:6379',
          }) as unknown,
        }) as unknown,
      },
    ]);
  });

  it('a write the store did not confirm is 503 store.uncertain, which asks for a retry with the same messageId', async () => {
    const api = await startApi({ bot: { store: new UnconfirmedStore() } });
    const response = await api.call('POST', '/conversations/k/messages', { text: 'hi', messageId: 'm1' });
    expect(await errorOf(response)).toEqual({
      status: 503,
      code: 'store.uncertain',
      message:
        'the session store did not confirm the turn, which may have been applied; retry with the same messageId',
    });
    expect(api.logs).toEqual([
      expect.objectContaining({
        fields: expect.objectContaining({
          status: 503,
          error: expect.objectContaining({ type: 'StoreUncertainError', code: 'store.uncertain' }) as unknown,
        }) as unknown,
      }),
    ]);
  });

  it('an unexpected failure is 500 with a generic message; the log has it with secrets masked', async () => {
    const api = await startApi({
      bot: { store: new BrokenStore(), env: { STRIPE_KEY: 'sk_live_0123456789' } },
    });
    const response = await api.call('GET', '/conversations/k');
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: { code: 'internal', message: 'the server failed to handle the request' },
    });
    expect(text).not.toMatch(/exploded|sk_live|at /);
    const [line] = api.logs;
    expect(line?.level).toBe('error');
    expect(line?.fields.error).toMatchObject({ type: 'Error', message: 'driver exploded near ***' });
    expect(JSON.stringify(api.logs)).not.toContain('sk_live');
    expect((line?.fields.error as { stack: string }).stack).toContain('driver exploded near ***');
  });
});
