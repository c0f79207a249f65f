import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeConversation } from '../../engine/runtime/stored.js';
import { MemoryStore, SqliteStore, type Bot, type SessionStore } from '../../engine/index.js';
import { fuzzRuns, FUZZ_TEST_TIMEOUT_MS } from './helpers.js';
import { localHttpBotOf, scriptYaml } from '../support/scripts.js';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { useTempFolders } from '../support/temp-folders.js';

/**
 * Whatever a CRM answers — any status, odd headers, any content type and charset, compressed or
 * not, broken UTF-8, JSON too deep or too wide, a body cut short — a request conversation never
 * throws, ends in a defined status, and is stored whole.
 */

/** Calls the CRM; a success waits at an ask with what was saved, each failure ends on its own. */
const YAML = scriptYaml(`  call:
    type: request
    url: '{{ env.URL }}/crm'
    timeout: 5s
    save: { got: body, kind: "headers['content-type']", code: status }
    on: { success: ok, limit: refused, timeout: slow, network: broken, error: failed }
  ok:
    type: ask
    text: 'Got {{ code }}: {{ got }}'
    save: reply
    next: done
  done: { type: end, result: done }
  refused: { type: end, result: refused }
  slow: { type: end, result: slow }
  broken: { type: end, result: broken }
  failed: { type: end, result: failed }
`);

const ROUTED: Record<string, string> = {
  ok: 'waiting',
  refused: 'ended',
  slow: 'ended',
  broken: 'ended',
  failed: 'ended',
};

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const zeros = (count: number) => `[${Array.from({ length: count }, () => '0').join(',')}]`;

/** The body's bytes before any encoding. */
const body: fc.Arbitrary<Buffer> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 6 }).map((value) => Buffer.from(JSON.stringify(value))), weight: 6 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text) => Buffer.from(text)), weight: 3 },
  { arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), weight: 3 },
  {
    // JSON cut anywhere: an unfinished object or a split multi-byte character.
    arbitrary: fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.nat()).map(([value, at]) => {
      const whole = Buffer.from(JSON.stringify({ v: value, name: 'Иван 🙂' }));
      return whole.subarray(0, at % whole.length);
    }),
    weight: 2,
  },
  { arbitrary: fc.integer({ min: 95, max: 400 }).map((depth) => Buffer.from(nested(depth))), weight: 2 },
  {
    arbitrary: fc.integer({ min: 99_990, max: 100_010 }).map((count) => Buffer.from(zeros(count))),
    weight: 1,
  },
  {
    arbitrary: fc
      .constantFrom(1024 * 1024 - 64, 1024 * 1024 + 64)
      .map((size) => Buffer.from(JSON.stringify('x'.repeat(size)))),
    weight: 1,
  },
  {
    arbitrary: fc
      .constantFrom(
        '{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}',
        '{"a": 1, "a": 2}',
        '[1e400, -0, 1e-400]',
        '"\\ud800"',
        '\ufeff{"bom": true}',
      )
      .map((text) => Buffer.from(text)),
    weight: 1,
  },
);

const answer = fc.record({
  status: fc.oneof(
    fc.constantFrom(200, 201, 204, 301, 304, 400, 404, 429, 500, 503),
    fc.integer({ min: 200, max: 599 }),
  ),
  contentType: fc.constantFrom(
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=iso-8859-1',
    'application/json; charset=utf-16le',
    'application/problem+json',
    'text/plain; charset=windows-1251',
    'text/html',
    'application/octet-stream',
    'JSON',
  ),
  encoding: fc.constantFrom('identity', 'gzip', 'deflate', 'gzip-broken', 'br-claimed'),
  delivery: fc.constantFrom('length', 'chunked', 'cut-short', 'length-lies'),
  headers: fc.dictionary(
    fc.oneof(
      fc.stringMatching(/^x-[a-z0-9-]{1,12}$/),
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'retry-after', 'location', 'set-cookie'),
    ),
    fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
    { maxKeys: 6 },
  ),
  body,
  store: fc.constantFrom('memory', 'sqlite'),
});

type Answer = typeof answer extends fc.Arbitrary<infer T> ? T : never;

/** The body as it goes on the wire, with the Content-Encoding that says so. */
function encoded(spec: Answer): { bytes: Buffer; encoding?: string } {
  switch (spec.encoding) {
    case 'gzip':
      return { bytes: gzipSync(spec.body), encoding: 'gzip' };
    case 'deflate':
      return { bytes: deflateSync(spec.body), encoding: 'deflate' };
    case 'gzip-broken':
      return { bytes: spec.body, encoding: 'gzip' };
    case 'br-claimed':
      return { bytes: spec.body, encoding: 'br' };
    default:
      return { bytes: spec.body };
  }
}

/** Answers as `spec` says: whole, in chunks, or cut short with the connection dropped. */
function send(response: ServerResponse, spec: Answer): void {
  const { bytes, encoding } = encoded(spec);
  for (const [name, value] of Object.entries(spec.headers)) response.setHeader(name, value);
  if (spec.contentType !== undefined) response.setHeader('Content-Type', spec.contentType);
  if (encoding !== undefined) response.setHeader('Content-Encoding', encoding);
  if (spec.delivery === 'length' || spec.delivery === 'length-lies')
    response.setHeader('Content-Length', bytes.length + (spec.delivery === 'length-lies' ? 10 : 0));
  response.writeHead(spec.status);
  if (spec.delivery === 'length') {
    response.end(bytes);
    return;
  }
  const half = Math.floor(bytes.length / 2);
  response.write(bytes.subarray(0, half));
  if (spec.delivery === 'chunked') {
    response.end(bytes.subarray(half));
    return;
  }
  // Cut short, or shorter than its Content-Length: what was sent arrives, then the socket closes.
  response.write(bytes.subarray(half), () => response.socket?.destroy());
}

// Called before this file's own hooks: its folder exists before the store opens in it, and is
// removed only after the store is closed (vitest runs after-hooks in reverse).
const temp = useTempFolders('botflow-fuzz-');
let server: RecordingServer;
let sqlite: SqliteStore;
let stores: Record<'memory' | 'sqlite', SessionStore>;
let bots: Record<'memory' | 'sqlite', Bot>;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startRecordingServer();
  sqlite = new SqliteStore(join(temp.root, 'sessions.db'));
  stores = { memory: new MemoryStore(), sqlite };
  const bot = (store: SessionStore) => localHttpBotOf(YAML, { env: { URL: server.origin }, store });
  bots = { memory: bot(stores.memory), sqlite: bot(stores.sqlite) };
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server.close();
  await sqlite.close();
});

afterEach(() => {
  expect(unhandled).toEqual([]);
});

describe(
  'CRM responses, fuzzed through a real HTTP server and real stores',
  { timeout: FUZZ_TEST_TIMEOUT_MS },
  () => {
    let run = 0;

    it('never throw, end in a defined status, and are stored whole', async () => {
      await fc.assert(
        fc.asyncProperty(answer, async (spec) => {
          server.handle((_request, response) => {
            send(response, spec);
            return undefined;
          });
          const key = `fuzz-${++run}`;
          const turn = await bots[spec.store].start(key);
          expect(Object.keys(ROUTED)).toContain(turn.block);
          expect(turn.status).toBe(ROUTED[turn.block]);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();

          const record = await stores[spec.store].get(key);
          expect(record).toBeDefined();
          const stored = decodeConversation(record?.data ?? '');
          expect(stored?.b).toBe(turn.block);
          const shown = await bots[spec.store].conversation(key);
          expect(shown).toMatchObject({ status: turn.status, block: turn.block, variables: turn.variables });
        }),
        fuzzRuns(150),
      );
    });
  },
);
