import { describe, expect, it } from 'vitest';
import { startValueSigner } from '../../../channels/short-links.js';
import { linkReport, MemoryStore, resolveStartToken } from '../../../engine/index.js';
import { errorOf } from './helpers.js';
import { startApi } from '../../support/json-api.js';

const TOKEN = 'tok_links_5f2b9c7e0a1d';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const PUBLIC = 'https://go.example.com';
const DAY = 86_400_000;

async function listed(store: MemoryStore): Promise<unknown[]> {
  const links = [];
  for await (const link of store.listLinks(Date.now())) links.push(link);
  return links;
}

/** A server with short links on a store and clock of the test's own. */
async function linksApi(options: { apiToken?: string } = { apiToken: TOKEN }) {
  const store = new MemoryStore();
  const clock = { now: Date.UTC(2026, 5, 1) };
  const api = await startApi({
    ...options,
    bot: { store },
    shortLinks: { store, publicUrl: PUBLIC, now: () => clock.now },
  });
  const make = async (body: unknown) => {
    const response = await api.call('POST', '/links', body, AUTH);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const visit = (path: string) => fetch(`${api.origin}${path}`, { redirect: 'manual' });
  return { api, store, clock, make, visit };
}

describe('POST /links', () => {
  it('carries a plain id too long to sign in a start token that seeds it', async () => {
    const store = new MemoryStore();
    const sign = startValueSigner(['short-links-test-secret-0123456789']);
    const api = await startApi({
      apiToken: TOKEN,
      bot: { store },
      shortLinks: { store, publicUrl: PUBLIC, sign },
    });
    const id = 'a'.repeat(56);
    const response = await api.call(
      'POST',
      '/links',
      { channel: 'telegram', name: 'MyCoolBot', startParam: id, sign: true },
      AUTH,
    );
    expect(response.status).toBe(201);
    const { links } = (await response.json()) as { links: { telegram: string } };
    const token = new URL(links.telegram).searchParams.get('start') ?? '';
    expect(token).toMatch(/^-[A-Za-z0-9_-]{22}$/);
    const resolved = await resolveStartToken(store, token, { now: Date.now(), count: false });
    expect(resolved.variables).toEqual({ clientExternalId: id });
  });

  it('makes a short link to one messenger, which redirects there and counts each visit', async () => {
    const { make, visit, store } = await linksApi();
    const made = await make({ channel: 'telegram', name: 'MyCoolBot', payload: { eId: '42' } });
    expect(made.status).toBe(201);
    const code = String(made.body.code);
    expect(code).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(made.body).toEqual({
      code,
      url: `${PUBLIC}/l/${code}`,
      links: { telegram: 'https://t.me/MyCoolBot?start=eyJlSWQiOiI0MiJ9' },
      qr: `${PUBLIC}/l/${code}/qr.svg`,
      expiresAt: null,
    });
    for (const count of [1, 2]) {
      const answer = await visit(`/l/${code}`);
      expect([answer.status, answer.headers.get('location')]).toEqual([
        302,
        'https://t.me/MyCoolBot?start=eyJlSWQiOiI0MiJ9',
      ]);
      expect((await store.readLink(code, Date.now()))?.clicks).toBe(count);
    }
  });

  it('carries a payload over 64 characters as a start token kept in the same store', async () => {
    const { make, store, clock } = await linksApi();
    const payload = { e: 'anna.smith@example.com', v: { cl_data: 'Anna Smith 31' } };
    const made = await make({
      channels: ['telegram', 'vk'],
      name: { telegram: 'MyCoolBot', vk: 'club123456' },
      payload,
      ttl: '30d',
    });
    expect(made.status).toBe(201);
    const links = made.body.links as Record<string, string>;
    const token = /start=(-[A-Za-z0-9_-]{22})$/.exec(links.telegram ?? '')?.[1] ?? '';
    expect(links).toEqual({
      telegram: `https://t.me/MyCoolBot?start=${token}`,
      vk: `https://vk.me/club123456?ref=${token}`,
    });
    expect(made.body.expiresAt).toBe(new Date(clock.now + 30 * DAY).toISOString());
    expect(JSON.parse((await store.readLink(token, clock.now))?.data ?? '')).toEqual({
      kind: 'token',
      payload,
    });
    expect(await store.readLink(token, clock.now)).toMatchObject({ expiresAt: clock.now + 30 * DAY });
  });

  it('lists its records for a report with their clicks, a start token never whole', async () => {
    const { make, visit, store, clock } = await linksApi();
    const payload = { e: 'anna.smith@example.com', v: { cl_data: 'Anna Smith 31' } };
    const made = await make({
      channels: ['telegram', 'vk'],
      name: { telegram: 'MyCoolBot', vk: 'club123456' },
      payload,
      ttl: '30d',
    });
    await visit(`/l/${String(made.body.code)}`);
    const token =
      /start=(-[A-Za-z0-9_-]{22})$/.exec((made.body.links as Record<string, string>).telegram ?? '')?.[1] ??
      '';
    const rows = [];
    for await (const row of linkReport(store, clock.now)) rows.push(row);
    const expiresAt = new Date(clock.now + 30 * DAY);
    expect(rows).toEqual([
      {
        id: `${token.slice(0, 7)}…`,
        kind: 'token',
        channels: [],
        createdAt: new Date(clock.now),
        expiresAt,
        clicks: 0,
      },
      {
        id: made.body.code,
        kind: 'short',
        channels: ['telegram', 'vk'],
        createdAt: new Date(clock.now),
        expiresAt,
        clicks: 1,
      },
    ]);
  });

  it('forgets a short link once its ttl has passed, by the server’s clock', async () => {
    const { make, visit, clock } = await linksApi();
    const made = await make({ channel: 'telegram', name: 'MyCoolBot', startParam: '1234567', ttl: '1d' });
    clock.now += DAY - 1;
    expect((await visit(`/l/${String(made.body.code)}`)).status).toBe(302);
    clock.now += 1;
    expect((await visit(`/l/${String(made.body.code)}`)).status).toBe(404);
    expect((await visit(`/l/${String(made.body.code)}/qr.svg`)).status).toBe(404);
  });

  it('is refused while the server has no API token, and without the token when it has one', async () => {
    const open = await linksApi({});
    expect(
      await errorOf(
        await open.api.call('POST', '/links', { channel: 'telegram', name: 'MyCoolBot', startParam: '1' }),
      ),
    ).toEqual({
      status: 403,
      code: 'http.token-required',
      message: 'short links are made only with an API token; start the server with BOTFLOW_API_TOKEN',
    });
    const guarded = await linksApi();
    const answer = await guarded.api.call('POST', '/links', {
      channel: 'telegram',
      name: 'MyCoolBot',
      startParam: '1',
    });
    expect((await errorOf(answer)).code).toBe('http.unauthorized');
    expect(await listed(guarded.store)).toEqual([]);
  });

  it.each([
    [{ name: 'MyCoolBot', startParam: '1' }, 'give either "channel" or "channels"'],
    [
      { channel: 'telegram', channels: ['vk'], name: 'MyCoolBot', startParam: '1' },
      'give either "channel" or "channels"',
    ],
    [{ channel: 'telegram', name: 'MyCoolBot' }, 'give either "payload" or "startParam"'],
    [
      { channels: ['vk', 'vk'], name: 'club123456', startParam: '1' },
      'the field "channels" names a channel twice',
    ],
    [
      { channel: 'telegram', name: 'MyCoolBot', startParam: '1', ttl: 'forever' },
      'the field "ttl" takes a whole number of minutes, hours or days, such as 90m, 12h or 30d (at most 10 years)',
    ],
    [
      { channel: 'signal', name: 'x', startParam: '1' },
      'channel "signal" is not one botflow knows; use one of telegram, facebook, instagram, viber, vk, whatsapp',
    ],
    [
      { channel: 'telegram', name: 'shop', startParam: '1' },
      'Telegram bot username "shop" must be 5 to 32 Latin letters, digits or underscores ending in "bot"',
    ],
    [
      { channel: 'telegram', name: 'MyCoolBot', startParam: 'a b' },
      'link data "a b" contains " "; only A-Z, a-z, 0-9, _ and - are allowed',
    ],
    [
      { channel: 'telegram', name: 'MyCoolBot', payload: { eId: '1', x: 4_102_444_800 } },
      'the payload takes no "x": give "ttl", and the link expires then',
    ],
    [
      { channel: 'telegram', name: 'MyCoolBot', startParam: '_forged123' },
      'link data "_forged123" begins with "_", which botflow keeps for signed values; a plain id must not',
    ],
    [
      { channel: 'telegram', name: 'MyCoolBot', startParam: '-abc' },
      'link data "-abc" begins with "-", which botflow keeps for start tokens; a plain id must not',
    ],
    [
      { channels: ['telegram', 'vk'], name: { telegram: 'MyCoolBot' }, startParam: '1' },
      'no name is given for the channel vk',
    ],
    [
      { channel: 'telegram', name: 'MyCoolBot', startParam: '1', sign: true },
      'this server cannot sign links: it has no link secret',
    ],
  ])('refuses %j with 400, saving nothing', async (body, message) => {
    const { make, store } = await linksApi();
    expect(await make(body)).toEqual({
      status: 400,
      body: { error: { code: 'http.invalid-body', message } },
    });
    expect(await listed(store)).toEqual([]);
  });

  it('refuses a payload over what a link record holds with 400, saving nothing', async () => {
    const { make, store } = await linksApi();
    const body = { channel: 'telegram', name: 'MyCoolBot', payload: { v: { big: 'x'.repeat(5000) } } };
    expect(await make(body)).toEqual({
      status: 400,
      body: {
        error: {
          code: 'http.invalid-body',
          message: "a link record's data is 5043 bytes, over the limit of 4096",
        },
      },
    });
    expect(await listed(store)).toEqual([]);
  });

  it('refuses a payload the decoder would not take back with its own code', async () => {
    const { make } = await linksApi();
    expect(await make({ channel: 'telegram', name: 'MyCoolBot', payload: { y: 1 } })).toMatchObject({
      status: 422,
      body: { error: { code: 'payload.unknown-key' } },
    });
  });
});

describe('GET /l/:code', () => {
  it('answers one page for unknown and malformed codes, naming neither', async () => {
    const { visit } = await linksApi();
    const pages = await Promise.all(
      ['/l/AAAAAAAAAA', '/l/short', '/l/%3Cscript%3E', '/l/AAAAAAAAAA/qr.svg'].map(async (path) => {
        const answer = await visit(path);
        return { status: answer.status, type: answer.headers.get('content-type'), body: await answer.text() };
      }),
    );
    for (const page of pages) {
      expect(page).toEqual({ ...pages[0], status: 404, type: 'text/html; charset=utf-8' });
      expect(page.body).not.toMatch(/AAAAAAAAAA|short|script/);
    }
    expect(pages[0]?.body).toContain('<h1>Link not found</h1>');
  });

  it('shows several messengers on one page under a strict policy, and the short link’s QR code apart', async () => {
    const { make, visit, store } = await linksApi();
    const made = await make({
      channels: ['telegram', 'whatsapp'],
      name: { telegram: 'MyCoolBot', whatsapp: '79000000000' },
      startParam: '1234567',
    });
    const code = String(made.body.code);
    const page = await visit(`/l/${code}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    const html = await page.text();
    expect(html).toContain('<a href="https://t.me/MyCoolBot?start=1234567">Continue in Telegram</a>');
    expect(html).toContain(
      '<a href="https://wa.me/79000000000?text=Hello%21%20ref%3A1234567">Continue in WhatsApp</a>',
    );
    expect(html).not.toMatch(/<script|https?:\/\/(?!t\.me|wa\.me|www\.w3\.org)/);
    const qr = await visit(`/l/${code}/qr.svg`);
    expect([qr.status, qr.headers.get('content-type')]).toEqual([200, 'image/svg+xml; charset=utf-8']);
    expect(await qr.text()).toContain(`aria-label="QR code of ${PUBLIC}/l/${code}"`);
    // The page was visited once; the QR code is shown, not followed.
    expect((await store.readLink(code, Date.now()))?.clicks).toBe(1);
  });
});
