import { readFile } from 'node:fs/promises';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { createFacebookWebhook, createVkWebhook } from '../../../channels/index.js';
import {
  ConversationBusyError,
  createBot,
  MemoryStore,
  StoreUnavailableError,
  type FunnelCount,
  type LinkRecord,
  type ListedConversation,
  type ListedLink,
  type StoredRecord,
} from '../../../engine/index.js';
import { OPENAPI_FILE } from '../../../tools/openapi-doc.js';
import { startApi, type TestApi } from '../../support/json-api.js';
import { scriptOf, SIZES as SIZES_YAML, yaml } from '../../support/scripts.js';

/*
 * The contract: every route called for real, and each answer's status and body checked against
 * the committed openapi.json with a JSON Schema 2020-12 validator (ajv), as a client generated
 * from the document would read them.
 */

interface OpenApi {
  readonly paths: Record<string, Record<string, unknown>>;
}
interface Operation {
  readonly responses: Record<
    string,
    { content?: Record<string, unknown>; headers?: Record<string, unknown> }
  >;
}

const DOCUMENT = JSON.parse(await readFile(OPENAPI_FILE, 'utf8')) as OpenApi;
const DOCUMENT_ID = 'https://botflow.test/openapi.json';

const ajv = new Ajv2020({ allErrors: true, strict: true });
formats.default(ajv);
// The document's own fields are no JSON Schema keywords: declared, so strict mode lets them be.
ajv.addVocabulary(['openapi', 'info', 'servers', 'tags', 'paths', 'components']);
ajv.addSchema(DOCUMENT, DOCUMENT_ID);

const TOKEN = 'contract-token';
const exercised = new Set<string>();

/** A store that fails its next call (any of them) with the error it is given. */
class FaultyStore extends MemoryStore {
  private fault: Error | undefined;

  failNext(error: Error): void {
    this.fault = error;
  }

  check(): Promise<void> {
    return this.raise().then(() => undefined);
  }

  override async get(key: string): Promise<StoredRecord | undefined> {
    await this.raise();
    return super.get(key);
  }

  override async funnelCounts(): Promise<FunnelCount[]> {
    await this.raise();
    return super.funnelCounts();
  }

  override async *conversations(): AsyncIterable<ListedConversation> {
    await this.raise();
    yield* super.conversations();
  }

  override async *listLinks(now: number): AsyncIterable<ListedLink> {
    await this.raise();
    yield* super.listLinks(now);
  }

  override async createLink(...args: Parameters<MemoryStore['createLink']>): Promise<boolean> {
    await this.raise();
    return super.createLink(...args);
  }

  override async visitLink(id: string, now: number): Promise<LinkRecord | undefined> {
    await this.raise();
    return super.visitLink(id, now);
  }

  override async readLink(id: string, now: number): Promise<LinkRecord | undefined> {
    await this.raise();
    return super.readLink(id, now);
  }

  private raise(): Promise<void> {
    const fault = this.fault;
    this.fault = undefined;
    return fault === undefined ? Promise.resolve() : Promise.reject(fault);
  }
}

const SIZES = scriptOf(SIZES_YAML);

const unavailable = () => new StoreUnavailableError('cannot reach the session store');

interface Call {
  readonly body?: unknown;
  /** Sent as it is, as `application/json` unless `contentType` says otherwise. */
  readonly raw?: string;
  readonly contentType?: string;
  readonly token?: boolean;
  readonly query?: string;
}

/**
 * Calls `method path` on `api` and checks the answer against the operation of `template` in the
 * document: its status must be listed (a 5xx may fall to `default`), its media type listed under
 * it, and its body valid against that schema.
 */
async function exercise(
  api: TestApi,
  method: string,
  template: string,
  path: string,
  { body, raw, contentType, token = true, query = '' }: Call = {},
): Promise<{ status: number; text: string }> {
  const sent = raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const response = await fetch(`${api.origin}${path}${query}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(sent !== undefined && { 'Content-Type': contentType ?? 'application/json' }),
      ...(token && { Authorization: `Bearer ${TOKEN}` }),
    },
    ...(sent !== undefined && { body: sent }),
  });
  const text = await response.text();
  const { status } = response;
  const operation = DOCUMENT.paths[template]?.[method.toLowerCase()] as Operation | undefined;
  expect(operation, `${method} ${template} is not in the document`).toBeDefined();
  const listed = operation?.responses[String(status)] !== undefined;
  const key = listed ? String(status) : 'default';
  expect(listed || status >= 500, `${method} ${template} answered ${status}, which is not listed`).toBe(true);
  exercised.add(`${method} ${template} ${key}`);
  for (const header of Object.keys(operation?.responses[key]?.headers ?? {})) {
    expect(response.headers.get(header), `${method} ${template} ${status}: ${header}`).not.toBeNull();
  }
  const content = operation?.responses[key]?.content;
  if (content === undefined) {
    expect(text, `${method} ${template} ${status} has a body`).toBe('');
    return { status, text };
  }
  const media = (response.headers.get('content-type') ?? '').split(';')[0] ?? '';
  expect(Object.keys(content), `${method} ${template} ${status}`).toContain(media);
  const pointer = ['paths', template, method.toLowerCase(), 'responses', key, 'content', media, 'schema']
    .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
    .join('/');
  const validate = ajv.getSchema(`${DOCUMENT_ID}#/${pointer}`) as ValidateFunction;
  const value: unknown = media === 'application/json' ? JSON.parse(text) : text;
  // Soft: one wrong body must not hide the statuses the rest of the test reaches.
  expect
    .soft(validate(value), `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${text}`)
    .toBe(true);
  return { status, text };
}

async function contractServer(
  transcripts = 10,
  publicChat = true,
): Promise<{ api: TestApi; store: FaultyStore }> {
  const store = new FaultyStore();
  const api = await startApi({
    bot: { script: SIZES, store, transcripts },
    apiToken: TOKEN,
    publicChat,
    reportStore: store,
    health: () => store.check(),
    bodyLimit: 4096,
    shortLinks: { store, publicUrl: 'https://go.example.com' },
    webhooks: [
      createVkWebhook({ confirmation: 'c0nfirm', secret: 'vk-secret', accessToken: 'vk-token' }),
      createFacebookWebhook({ appSecret: 'app-secret', verifyToken: 'verify-me', accessToken: 'fb-token' }),
    ],
  });
  return { api, store };
}

const OVERSIZE = JSON.stringify({ text: 'x'.repeat(5000) });

describe('the contract: every answer as openapi.json describes it', () => {
  it('server: /health and /openapi.json', async () => {
    const { api, store } = await contractServer();
    await exercise(api, 'GET', '/health', '/health', { token: false });
    store.failNext(unavailable());
    expect((await exercise(api, 'GET', '/health', '/health', { token: false })).status).toBe(503);
    await exercise(api, 'GET', '/openapi.json', '/openapi.json', { token: false });
  });

  it('conversations: a start, replies by label and by value, the turn read back, and every refusal', async () => {
    const { api, store } = await contractServer();
    const start = '/conversations/{key}/start';
    const messages = '/conversations/{key}/messages';
    const read = '/conversations/{key}';
    const first = await exercise(api, 'POST', start, '/conversations/web%3A1/start', { body: {} });
    expect(first.status).toBe(200);
    expect.soft(JSON.parse(first.text)).toMatchObject({
      status: 'waiting',
      input: {
        kind: 'choice',
        choices: [
          { label: 'Small', value: 'S' },
          { label: 'Large', value: 'Large' },
        ],
      },
    });
    await exercise(api, 'GET', read, '/conversations/web%3A1');
    await exercise(api, 'GET', read, '/conversations/web%3A1', { query: '?variables=all' });
    const picked = await exercise(api, 'POST', messages, '/conversations/web%3A1/messages', {
      body: { text: 'S' },
    });
    expect.soft(JSON.parse(picked.text)).toMatchObject({ input: { kind: 'email' } });
    await exercise(api, 'POST', messages, '/conversations/web%3A1/messages', {
      body: { text: 'not an email' },
    });
    const ended = await exercise(api, 'POST', messages, '/conversations/web%3A1/messages', {
      body: { text: 'ann@example.com' },
    });
    expect.soft(JSON.parse(ended.text)).toMatchObject({ status: 'ended', result: 'ordered' });

    // The refusals, each route in turn.
    for (const [method, template, path, body] of [
      ['POST', start, '/conversations/web%3A2/start', {}],
      ['POST', messages, '/conversations/web%3A2/messages', { text: 'hi' }],
      ['GET', read, '/conversations/web%3A2', undefined],
    ] as const) {
      // A public chat's caller without the token may not talk under any other key than web:/rest:.
      const elsewhere = path.replace('web%3A2', 'crm%3A2');
      expect((await exercise(api, method, template, elsewhere, { body, token: false })).status).toBe(401);
      expect((await exercise(api, method, template, path.replace('web%3A2', '%FF'), { body })).status).toBe(
        400,
      );
      store.failNext(unavailable());
      expect((await exercise(api, method, template, path, { body })).status).toBe(503);
    }
    expect((await exercise(api, 'GET', read, '/conversations/web%3Anone')).status).toBe(404);
    // A conversation stored at an ask an earlier version had: waiting, but its ask is gone.
    const retired = scriptOf(yaml`
      botflow: 1
      name: sizes
      blocks:
        gone: { type: ask, text: 'Say', save: said }
    `);
    await createBot({ script: retired, store }).start('web:retired');
    expect((await exercise(api, 'GET', read, '/conversations/web%3Aretired')).status).toBe(200);
    for (const [template, path, body] of [
      [start, '/conversations/web%3A3/start', {}],
      [messages, '/conversations/web%3A3/messages', { text: 'hi' }],
    ] as const) {
      expect((await exercise(api, 'POST', template, path, { raw: '{' })).status).toBe(400);
      expect(
        (await exercise(api, 'POST', template, path, { raw: '{}', contentType: 'text/plain' })).status,
      ).toBe(415);
      expect((await exercise(api, 'POST', template, path, { raw: OVERSIZE })).status).toBe(413);
      store.failNext(new ConversationBusyError('web:3', 'held too long'));
      expect((await exercise(api, 'POST', template, path, { body })).status).toBe(409);
    }
    const nul = { channel: 'we\u0000b' };
    expect((await exercise(api, 'POST', start, '/conversations/web%3A4/start', { body: nul })).status).toBe(
      400,
    );
    expect(
      (await exercise(api, 'POST', start, '/conversations/web%3A4/start', { body: { payload: { zz: 1 } } }))
        .status,
    ).toBe(422);
  });

  it('conversations: erased, their transcripts read, and a public chat without the token', async () => {
    const { api, store } = await contractServer();
    const read = '/conversations/{key}';
    const transcript = '/conversations/{key}/transcript';
    const open = `/conversations/${encodeURIComponent(`web:${'p'.repeat(22)}`)}`;
    await exercise(api, 'POST', '/conversations/{key}/start', `${open}/start`, { body: {}, token: false });
    expect((await exercise(api, 'GET', read, open, { token: false })).status).toBe(200);
    for (const [method, template, path, body] of [
      ['GET', read, open, undefined],
      ['POST', '/conversations/{key}/start', `${open}/start`, {}],
      ['POST', '/conversations/{key}/messages', `${open}/messages`, { text: 'S' }],
    ] as const) {
      const refused = await exercise(api, method, template, path, {
        body,
        token: false,
        query: '?variables=all',
      });
      expect(refused.status).toBe(403);
    }
    expect((await exercise(api, 'GET', read, '/conversations/web%3Ashort', { token: false })).status).toBe(
      400,
    );
    const said = await exercise(api, 'GET', transcript, `${open}/transcript`, { token: false });
    expect(said.status).toBe(200);
    expect(JSON.parse(said.text)).toMatchObject({ messages: [{ from: 'bot' }] });
    expect((await exercise(api, 'GET', transcript, '/conversations/web%3Anone/transcript')).status).toBe(404);
    expect((await exercise(api, 'GET', transcript, '/conversations/%FF/transcript')).status).toBe(400);
    store.failNext(unavailable());
    expect((await exercise(api, 'GET', transcript, `${open}/transcript`)).status).toBe(503);
    const { api: keepsNone } = await contractServer(0);
    expect((await exercise(keepsNone, 'GET', transcript, `${open}/transcript`)).status).toBe(409);

    expect((await exercise(api, 'DELETE', read, '/conversations/crm%3A1', { token: false })).status).toBe(
      401,
    );
    expect(
      (await exercise(api, 'GET', transcript, '/conversations/crm%3A1/transcript', { token: false })).status,
    ).toBe(401);
    expect((await exercise(api, 'DELETE', read, '/conversations/%FF')).status).toBe(400);
    store.failNext(unavailable());
    expect((await exercise(api, 'DELETE', read, open)).status).toBe(503);
    store.failNext(new ConversationBusyError('web:p', 'held too long'));
    expect((await exercise(api, 'DELETE', read, open)).status).toBe(409);
    // Erasing reads no `variables`: a token-less caller's `?variables=all` changes nothing here.
    const erased = await exercise(api, 'DELETE', read, open, { token: false, query: '?variables=all' });
    expect(erased.status).toBe(204);
    expect((await exercise(api, 'DELETE', read, open)).status).toBe(404);
    expect((await exercise(api, 'GET', read, open)).status).toBe(404);
  });

  it('rasa: a start with data, a reply by payload, and every refusal', async () => {
    const { api, store } = await contractServer();
    const rasa = '/webhooks/rest/webhook';
    const call = (body: unknown, options: Omit<Call, 'body'> = {}) =>
      exercise(api, 'POST', rasa, rasa, { body, ...options });
    const started = await call({ sender: 'ann', message: '/start abc' });
    expect(started.status).toBe(200);
    expect.soft(JSON.parse(started.text)).toMatchObject([
      {
        recipient_id: 'ann',
        buttons: [
          { title: 'Small', payload: 'S' },
          { title: 'Large', payload: 'Large' },
        ],
      },
    ]);
    expect((await call({ sender: 'ann', message: 'S' })).status).toBe(200);
    // Without the token, a public chat talks only as an unguessable sender; without public chats, not at all.
    expect((await call({ sender: 'ann', message: 'hi' }, { token: false })).status).toBe(400);
    const { api: closed } = await contractServer(10, false);
    expect(
      (await exercise(closed, 'POST', rasa, rasa, { body: { message: 'hi' }, token: false })).status,
    ).toBe(401);
    expect((await call({ sender: 'ann' })).status).toBe(400);
    expect((await exercise(api, 'POST', rasa, rasa, { raw: '{}', contentType: 'text/plain' })).status).toBe(
      415,
    );
    expect((await exercise(api, 'POST', rasa, rasa, { raw: OVERSIZE })).status).toBe(413);
    store.failNext(new ConversationBusyError('rest:ann', 'held too long'));
    expect((await call({ sender: 'ann', message: 'hi' })).status).toBe(409);
    store.failNext(unavailable());
    expect((await call({ sender: 'ann', message: 'hi' })).status).toBe(503);
  });

  it('reports: each format, and their refusals', async () => {
    const { api, store } = await contractServer();
    await exercise(api, 'POST', '/conversations/{key}/start', '/conversations/web%3A5/start', { body: {} });
    await exercise(api, 'POST', '/links', '/links', {
      body: { channel: 'telegram', name: 'SizesBot', startParam: 'abc' },
    });
    for (const template of ['/reports/conversations', '/reports/links'] as const) {
      for (const format of ['json', 'csv', 'ndjson', 'table']) {
        expect((await exercise(api, 'GET', template, template, { query: `?format=${format}` })).status).toBe(
          200,
        );
      }
      expect((await exercise(api, 'GET', template, template, { query: '?format=xml' })).status).toBe(400);
    }
    for (const template of ['/reports/conversations', '/reports/links', '/reports/funnel'] as const) {
      if (template === '/reports/funnel') await exercise(api, 'GET', template, template);
      expect((await exercise(api, 'GET', template, template, { token: false })).status).toBe(401);
      store.failNext(unavailable());
      // NDJSON: its first chunk is the first row, read before the headers are sent (JSON's is `[`).
      expect((await exercise(api, 'GET', template, template, { query: '?format=ndjson' })).status).toBe(503);
    }
    // A server without a token serves no report; one without a store has none to serve.
    const open = await startApi({ bot: { script: SIZES }, reportStore: new MemoryStore() });
    const storeless = await startApi({ bot: { script: SIZES }, apiToken: TOKEN });
    for (const template of ['/reports/conversations', '/reports/links', '/reports/funnel'] as const) {
      expect((await exercise(open, 'GET', template, template, { token: false })).status).toBe(403);
      expect((await exercise(storeless, 'GET', template, template)).status).toBe(501);
    }
  });

  it('short links: made, followed, drawn, and refused', async () => {
    const { api, store } = await contractServer();
    const made = await exercise(api, 'POST', '/links', '/links', {
      body: { channels: ['telegram', 'vk'], name: { telegram: 'SizesBot', vk: 'sizes' }, startParam: 'abc' },
    });
    expect(made.status).toBe(201);
    const both = (JSON.parse(made.text) as { code: string }).code;
    const single = await exercise(api, 'POST', '/links', '/links', {
      body: { channel: 'telegram', name: 'SizesBot', startParam: 'abc', ttl: '7d' },
    });
    const one = (JSON.parse(single.text) as { code: string }).code;
    expect((await exercise(api, 'GET', '/l/{code}', `/l/${both}`, { token: false })).status).toBe(200);
    expect((await exercise(api, 'GET', '/l/{code}', `/l/${one}`, { token: false })).status).toBe(302);
    expect((await exercise(api, 'GET', '/l/{code}', '/l/nothing-here', { token: false })).status).toBe(404);
    store.failNext(unavailable());
    expect((await exercise(api, 'GET', '/l/{code}', `/l/${one}`, { token: false })).status).toBe(503);
    const qr = '/l/{code}/qr.svg';
    expect((await exercise(api, 'GET', qr, `/l/${one}/qr.svg`, { token: false })).status).toBe(200);
    expect((await exercise(api, 'GET', qr, '/l/nothing-here/qr.svg', { token: false })).status).toBe(404);
    store.failNext(unavailable());
    expect((await exercise(api, 'GET', qr, `/l/${one}/qr.svg`, { token: false })).status).toBe(503);

    expect((await exercise(api, 'POST', '/links', '/links', { body: { name: 'x' } })).status).toBe(400);
    expect((await exercise(api, 'POST', '/links', '/links', { body: {}, token: false })).status).toBe(401);
    expect(
      (await exercise(api, 'POST', '/links', '/links', { raw: '{}', contentType: 'text/plain' })).status,
    ).toBe(415);
    expect((await exercise(api, 'POST', '/links', '/links', { raw: OVERSIZE })).status).toBe(413);
    store.failNext(unavailable());
    const body = { channel: 'telegram', name: 'SizesBot', startParam: 'abc' };
    expect((await exercise(api, 'POST', '/links', '/links', { body })).status).toBe(503);
    const tokenless = await startApi({
      bot: { script: SIZES },
      shortLinks: { store: new MemoryStore(), publicUrl: 'https://go.example.com' },
    });
    expect((await exercise(tokenless, 'POST', '/links', '/links', { body, token: false })).status).toBe(403);
  });

  it('webhooks: handshakes, updates and refusals', async () => {
    const { api, store } = await contractServer();
    const hook = '/webhooks/{channel}';
    const handshake = '?hub.mode=subscribe&hub.challenge=42&hub.verify_token=';
    const webhook = (method: string, path: string, call: Call) =>
      exercise(api, method, hook, path, { token: false, ...call });
    expect((await webhook('GET', '/webhooks/facebook', { query: `${handshake}verify-me` })).text).toBe('42');
    expect((await webhook('GET', '/webhooks/facebook', { query: `${handshake}wrong` })).status).toBe(403);
    expect((await webhook('GET', '/webhooks/vk', {})).status).toBe(405);
    expect((await webhook('GET', '/webhooks/nobody', {})).status).toBe(404);
    const vk = { type: 'confirmation', secret: 'vk-secret' };
    expect((await webhook('POST', '/webhooks/vk', { body: vk })).text).toBe('c0nfirm');
    expect((await webhook('POST', '/webhooks/vk', { body: { ...vk, secret: 'wrong' } })).status).toBe(401);
    expect((await webhook('POST', '/webhooks/vk', { raw: 'not json' })).status).toBe(400);
    expect((await webhook('POST', '/webhooks/nobody', { body: vk })).status).toBe(404);
    expect((await webhook('POST', '/webhooks/vk', { raw: OVERSIZE })).status).toBe(413);
    store.failNext(unavailable());
    const update = {
      type: 'message_new',
      secret: 'vk-secret',
      object: { message: { peer_id: 7, text: 'hi' } },
    };
    expect((await webhook('POST', '/webhooks/vk', { body: update })).status).toBe(503);
  });

  it('every route the document lists, with every status it lists, was called above', () => {
    const documented = Object.entries(DOCUMENT.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => method !== 'parameters')
        .flatMap(([method, operation]) =>
          Object.keys((operation as Operation).responses)
            .filter((status) => status !== 'default')
            .map((status) => `${method.toUpperCase()} ${path} ${status}`),
        ),
    );
    const reached = [...exercised].filter((key) => !key.endsWith(' default'));
    expect(reached.sort()).toEqual(documented.sort());
  });
});
