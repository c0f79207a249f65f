import { parse } from 'csv-parse/sync';
import { describe, expect, it, vi } from 'vitest';
import { MemoryStore, StoreUnavailableError, type SessionStore } from '../../engine/index.js';
import { startApi, turnOf } from '../support/json-api.js';

const TOKEN = 'report-token-1234';
const bearer = { Authorization: `Bearer ${TOKEN}` };

/** A server whose store holds two conversations: one ended on Pro, one waiting at the plan. */
async function apiWithConversations(options: { apiToken?: string; reportStore?: SessionStore } = {}) {
  const store = new MemoryStore();
  const api = await startApi({ bot: { store }, reportStore: store, ...options });
  const headers = options.apiToken === undefined ? {} : bearer;
  await turnOf(
    await api.call(
      'POST',
      '/conversations/telegram%3A1/start',
      { payload: { eId: '=1+1' }, channel: 'telegram' },
      headers,
    ),
  );
  await turnOf(await api.call('POST', '/conversations/telegram%3A1/messages', { text: 'Pro' }, headers));
  await turnOf(
    await api.call('POST', '/conversations/vk%3A2/start', { startParam: '7', channel: 'vk' }, headers),
  );
  return api;
}

describe('GET /reports/conversations', () => {
  it('streams every conversation as CSV, spreadsheet-safe, behind the token', async () => {
    const api = await apiWithConversations({ apiToken: TOKEN });
    const response = await api.call(
      'GET',
      '/reports/conversations?format=csv&vars=clientExternalId,plan',
      undefined,
      bearer,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const rows = parse<Record<string, string>>(await response.text(), { columns: true });
    expect(rows).toMatchObject([
      {
        key: 'telegram:1',
        channel: 'telegram',
        status: 'waiting',
        block: 'ask-note',
        clientExternalId: "'=1+1",
        plan: 'pro',
      },
      { key: 'vk:2', channel: 'vk', status: 'waiting', block: 'pick', clientExternalId: '7', plan: '' },
    ]);
  });

  it('filters by status and time, and answers NDJSON and JSON', async () => {
    const api = await apiWithConversations({ apiToken: TOKEN });
    const since = encodeURIComponent(new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    const none = await api.call(
      'GET',
      `/reports/conversations?format=json&since=${since}`,
      undefined,
      bearer,
    );
    expect(await none.json()).toEqual([]);
    const ndjson = await api.call(
      'GET',
      '/reports/conversations?format=ndjson&status=waiting&since=1h',
      undefined,
      bearer,
    );
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const keys = (await ndjson.text())
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { key: string }).key);
    expect(keys).toEqual(['telegram:1', 'vk:2']);
  });

  it.each([
    ['status=done', 'status takes waiting, ended, error, not "done"'],
    [
      'since=yesterday',
      'since takes an age such as 7d, 12h, 30m or 2w, or a date such as 2026-12-01 or 2026-12-01T09:00Z, not "yesterday"',
    ],
    ['format=xlsx', 'the report format must be table, csv, json or ndjson, not "xlsx"'],
  ])('refuses %s with 400 and one sentence', async (query, message) => {
    const api = await apiWithConversations({ apiToken: TOKEN });
    const response = await api.call('GET', `/reports/conversations?${query}`, undefined, bearer);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'report.bad-option', message } });
  });

  it('needs the token', async () => {
    const api = await apiWithConversations({ apiToken: TOKEN });
    for (const path of ['/reports/conversations', '/reports/funnel']) {
      const response = await api.call('GET', path, undefined, { Authorization: 'Bearer wrong' });
      expect(response.status).toBe(401);
    }
  });

  it('is refused on a server without an API token, though the rest of its API is open', async () => {
    const api = await apiWithConversations();
    for (const path of ['/reports/conversations?format=csv', '/reports/funnel']) {
      const response = await api.call('GET', path);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'report.no-token' } });
    }
  });

  it('answers 503 when the store cannot be read, and cuts the answer when it fails part-way', async () => {
    const store = new MemoryStore();
    await store.put('a', '{"s":"x","b":"pick"}', undefined);
    const failing = (after: number) =>
      Object.assign(new MemoryStore(), {
        async *conversations() {
          for await (const conversation of store.conversations()) {
            if (after-- === 0) break;
            yield conversation;
          }
          throw new StoreUnavailableError('cannot reach the session store at redis://10.0.0.9:6379');
        },
      });
    const down = await startApi({ apiToken: TOKEN, reportStore: failing(0) });
    const refused = await down.call('GET', '/reports/conversations?format=ndjson', undefined, bearer);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      error: { code: 'store.unavailable', message: 'the session store is unavailable; try again later' },
    });

    const cut = await startApi({ apiToken: TOKEN, reportStore: failing(1) });
    const response = await cut.call('GET', '/reports/conversations?format=ndjson', undefined, bearer);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    await vi.waitFor(() => {
      expect(cut.logs).toContainEqual(expect.objectContaining({ level: 'error', message: 'request failed' }));
    });
  });

  it('answers 501 for a server given no store to report on', async () => {
    const api = await startApi({ apiToken: TOKEN });
    const response = await api.call('GET', '/reports/funnel', undefined, bearer);
    expect(response.status).toBe(501);
    expect(await response.json()).toMatchObject({ error: { code: 'report.unsupported-store' } });
  });
});

describe('GET /reports/funnel', () => {
  it('answers the funnel of the bot’s script as JSON', async () => {
    const api = await apiWithConversations({ apiToken: TOKEN });
    const response = await api.call('GET', '/reports/funnel', undefined, bearer);
    expect(response.status).toBe(200);
    const funnel = (await response.json()) as {
      conversations: number;
      blocks: { id: string; entered: number }[];
    };
    expect(funnel.conversations).toBe(2);
    expect(funnel.blocks.slice(0, 2)).toMatchObject([
      { id: 'pick', entered: 2 },
      { id: 'ask-note', entered: 1 },
    ]);
  });
});
