import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../channels/http/openapi.js';
import { botRoutes } from '../../../channels/http/server.js';
import { createBot, MemoryStore } from '../../../engine/index.js';
import { fullDocument, OPENAPI_FILE, renderOpenApi } from '../../../tools/openapi-doc.js';
import { PLANS, startApi } from '../../support/json-api.js';

describe('openapi.json', () => {
  it('is what the routes generate (run npm run docs:openapi)', async () => {
    expect(await readFile(OPENAPI_FILE, 'utf8'), 'openapi.json is stale: run npm run docs:openapi').toBe(
      await renderOpenApi(),
    );
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(fullDocument());
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has an operation for every method of every route, and none for a method no route takes', () => {
    const store = new MemoryStore();
    const routes = botRoutes({
      bot: createBot({ script: PLANS, store }),
      apiToken: 'token',
      reportStore: store,
      shortLinks: { store, publicUrl: 'https://go.example.com' },
    });
    for (const route of routes) {
      expect(Object.keys(route.doc.operations).sort(), route.pattern).toEqual(
        Object.keys(route.methods).sort(),
      );
    }
    const document = fullDocument() as { paths: Record<string, object> };
    expect(Object.keys(document.paths)).toEqual(
      routes.map(({ pattern }) => pattern.replace(/:(\w+)/, '{$1}')),
    );
  });

  it('asks for the API token on the guarded routes only', () => {
    const { paths } = fullDocument() as { paths: Record<string, Record<string, { security?: unknown }>> };
    const guarded = Object.entries(paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => Array.isArray(operation.security) && operation.security.length > 0)
        .map(([method]) => `${method} ${path}`),
    );
    expect(guarded.sort()).toEqual(
      [
        'get /conversations/{key}',
        'post /conversations/{key}/start',
        'post /conversations/{key}/messages',
        'get /reports/conversations',
        'get /reports/links',
        'get /reports/funnel',
        'post /links',
        'post /webhooks/rest/webhook',
      ].sort(),
    );
  });
});

describe('GET /openapi.json', () => {
  it('serves the document of the server’s own routes to anyone, the same text each time', async () => {
    const api = await startApi({ apiToken: 'secret' });
    const first = await api.call('GET', '/openapi.json');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await first.text();
    const document = JSON.parse(text) as { paths: Record<string, unknown> };
    // This server makes no short links, so its document does not offer them.
    expect(Object.keys(document.paths)).not.toContain('/links');
    expect(Object.keys(document.paths)).toContain('/conversations/{key}/start');
    expect(await (await api.call('GET', '/openapi.json')).text()).toBe(text);
    const { paths, ...rest } = fullDocument();
    expect(document).toMatchObject(rest);
    expect(paths).toMatchObject(document.paths);
  });

  it('is refused for any other method', async () => {
    const api = await startApi();
    const answer = await api.call('POST', '/openapi.json', {});
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET');
  });
});

describe('the generator', () => {
  it('refuses a route whose method has no operation', () => {
    const route = {
      pattern: '/x',
      guarded: false,
      methods: { GET: () => Promise.reject(new Error('never called')) },
      doc: { operations: {} },
    };
    expect(() => openApiDocument([route])).toThrow('the route /x has no doc for GET');
  });
});
