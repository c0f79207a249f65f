import { readFile } from 'node:fs/promises';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { createFacebookWebhook, createVkWebhook } from '../../../channels/index.js';
import {
  ConversationBusyError,
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
import { scriptOf, yaml } from '../../support/scripts.js';

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
ajv.addVocabulary(['openapi', 'info', 'tags', 'paths', 'components']);
ajv.addSchema(DOCUMENT, DOCUMENT_ID);

/** The answers (path, method, status) that only a server with the api changes can give. */
const AWAITING = new Set([
  // `?variables=all` from a caller without the token: only with `publicChat`.
  'GET /conversations/{key} 403',
  'POST /conversations/{key}/start 403',
  'POST /conversations/{key}/messages 403',
]);

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

const SIZES = scriptOf(yaml`
  botflow: 1
  name: sizes
  variables: { size: '', contact: '' }
  blocks:
    size:
      type: ask
      text: 'Pick a size'
      save: size
      choices:
        - { label: Small, value: S }
        - { label: Large }
      next: email
    email:
      type: ask
      text: 'Your email?'
      save: contact
      expect: email
      next: done
    done: { type: end, text: 'Thanks', result: ordered }
`);

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

async function contractServer(): Promise<{ api: TestApi; store: FaultyStore }> {
  const store = new FaultyStore();
  const api = await startApi({
    bot: { script: SIZES, store },
    apiToken: TOKEN,
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
      expect((await exercise(api, method, template, path, { body, token: false })).status).toBe(401);
      expect((await exercise(api, method, template, path.replace('web%3A2', '%FF'), { body })).status).toBe(
        400,
      );
      store.failNext(unavailable());
      expect((await exercise(api, method, template, path, { body })).status).toBe(503);
    }
    expect((await exercise(api, 'GET', read, '/conversations/web%3Anone')).status).toBe(404);
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
    expect(
      (await exercise(api, 'POST', start, '/conversations/web%3A4/start', { body: { payload: { zz: 1 } } }))
        .status,
    ).toBe(422);
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
    expect((await call({ sender: 'ann', message: 'hi' }, { token: false })).status).toBe(401);
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
    for (const awaited of AWAITING)
      expect(documented, 'an awaited answer that is no longer listed').toContain(awaited);
    const reached = [...exercised].filter((key) => !key.endsWith(' default'));
    expect(reached.sort()).toEqual(documented.filter((key) => !AWAITING.has(key)).sort());
  });
});
