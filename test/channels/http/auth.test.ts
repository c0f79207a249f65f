import { describe, expect, it } from 'vitest';
import { createBotServer } from '../../../channels/http/index.js';
import { createBot } from '../../../engine/index.js';
import { errorOf } from './helpers.js';
import { PLANS, startApi, turnOf } from '../../support/json-api.js';

const TOKEN = 'tok_5f2b9c7e0a1d4386';

describe('the API token', () => {
  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { Authorization: 'Bearer tok_5f2b9c7e0a1d4387' }],
    ['the token as a prefix', { Authorization: `Bearer ${TOKEN}x` }],
    ['another scheme', { Authorization: `Basic ${TOKEN}` }],
    ['the token alone', { Authorization: TOKEN }],
  ])('refuses %s with 401, before reading the body or running a turn', async (_, headers) => {
    const api = await startApi({ apiToken: TOKEN });
    for (const [method, path, body] of [
      ['POST', '/conversations/k/start', {}],
      ['POST', '/conversations/k/messages', 'not even JSON'],
      ['GET', '/conversations/k', undefined],
      ['POST', '/webhooks/rest/webhook', { sender: 'k', message: '/start' }],
    ] as const) {
      const response = await api.call(method, path, body, headers);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await errorOf(response)).toEqual({
        status: 401,
        code: 'http.unauthorized',
        message: 'this route needs a valid API token',
      });
    }
    expect(await api.store.get('k')).toBeUndefined();
    expect(await api.store.get('rest:k')).toBeUndefined();
  });

  it('accepts the right token on every JSON route', async () => {
    const api = await startApi({ apiToken: TOKEN });
    const headers = { Authorization: `bearer ${TOKEN}` };
    expect((await turnOf(await api.call('POST', '/conversations/k/start', {}, headers))).block).toBe('pick');
    expect(
      (await turnOf(await api.call('POST', '/conversations/k/messages', { text: 'Basic' }, headers))).block,
    ).toBe('ask-note');
    expect((await turnOf(await api.call('GET', '/conversations/k', undefined, headers))).variables.plan).toBe(
      'basic',
    );
  });

  it('leaves health and webhooks open: they are not the API', async () => {
    const api = await startApi({ apiToken: TOKEN });
    expect((await api.call('GET', '/health')).status).toBe(200);
    expect((await api.call('POST', '/webhooks/telegram', {})).status).toBe(404);
  });

  it('refuses an empty token when the server is created, rather than guarding nothing', () => {
    expect(() => createBotServer({ bot: createBot({ script: PLANS }), apiToken: '' })).toThrow(
      expect.objectContaining({ code: 'http.empty-token', message: 'the API token must not be empty' }),
    );
  });
});
