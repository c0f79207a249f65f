import { describe, expect, it } from 'vitest';
import { MemoryStore, type SessionStore } from '../../../engine/index.js';
import { DownStore } from './helpers.js';
import { startApi } from '../../support/json-api.js';

describe('GET /health', () => {
  it('is 200 while the check resolves', async () => {
    const store = new MemoryStore();
    const api = await startApi({ bot: { store }, health: () => store.get('health') });
    const response = await api.call('GET', '/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is 200 without a check: the server is up', async () => {
    const api = await startApi();
    expect(await (await api.call('GET', '/health')).json()).toEqual({ status: 'ok' });
  });

  it('is 503 when the store is unavailable, naming the code but not the address; the log has it', async () => {
    const store: SessionStore = new DownStore();
    const api = await startApi({ bot: { store }, health: () => store.get('health') });
    const response = await api.call('GET', '/health');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'unavailable',
      error: { code: 'store.unavailable', message: 'the session store is unavailable; try again later' },
    });
    expect(api.logs[0]?.fields).toMatchObject({
      route: '/health',
      status: 503,
      error: {
        code: 'store.unavailable',
        message: 'cannot reach the session store at redis://10.0.0.5:6379',
      },
    });
    // The JSON API over the same store says the same.
    expect((await api.call('POST', '/conversations/k/messages', { text: 'hi' })).status).toBe(503);
  });

  it('is 503 with a generic reason for a check that fails otherwise', async () => {
    const api = await startApi({ health: () => Promise.reject(new Error('ECONNREFUSED 10.0.0.5:5432')) });
    const response = await api.call('GET', '/health');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'unavailable',
      error: { code: 'internal', message: 'the server failed to handle the request' },
    });
  });
});
