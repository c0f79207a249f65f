import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadScript,
  retrying,
  ScriptError,
  type HttpOutcome,
  type HttpRequest,
  type ScriptProblem,
} from '../../engine/index.js';
import type { MockData } from '../../qa/case-schema.js';
import { coverageOf, formatCoverage } from '../../qa/coverage.js';
import { loadCaseFile } from '../../qa/load-cases.js';
import { containsValue, MockHttp } from '../../qa/mock-http.js';
import { runCase, type CaseResult } from '../../qa/run-case.js';
import { findCaseFiles, runSuite, type SuiteOptions, type SuiteResult } from '../../qa/run-suite.js';
import { sampleYaml } from '../support/scripts.js';
import { useTempFolders } from '../support/temp-folders.js';

/*
 * The QA runner in this process: loading case files (positions, data tables), the HTTP mocks
 * under the real retry policy, the replay rules of runCase, runSuite's filter, bail and progress,
 * and coverage from the turns' traces.
 */

const temp = useTempFolders('botflow-runner-');

/** Writes the files and runs the case file `cases` (with the sample `script` beside it). */
async function suite(script: string, cases: string, options: SuiteOptions = {}): Promise<SuiteResult> {
  const dir = await temp.project({ [script]: await sampleYaml(script), 'x.cases.yaml': cases });
  return runSuite([join(dir, 'x.cases.yaml')], options);
}

/** The results of a suite of one file, by case name. */
function results(run: SuiteResult): Map<string, CaseResult> {
  expect(run.files.flatMap((file) => file.problems)).toEqual([]);
  return new Map(run.files.flatMap((file) => file.results).map((result) => [result.name, result]));
}

function result(run: SuiteResult, name: string): CaseResult {
  const found = results(run).get(name);
  if (!found) throw new Error(`no case "${name}"`);
  return found;
}

/** The problems a broken case file is refused with. */
async function problemsOf(file: string): Promise<ScriptProblem[]> {
  const error = await loadCaseFile(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScriptError);
  return [...(error as ScriptError).problems];
}

const request = (overrides: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'POST',
  url: 'http://api.test/v1/orders?page=2&q=red+tea',
  headers: { 'X-Api-Key': 'k-123', Accept: 'application/json' },
  json: { client: { id: '42', tags: ['a', 'b'] }, count: 3 },
  timeoutMs: 1000,
  retry: { attempts: 1, backoffMs: 300, on: ['5xx', 'timeout', 'network'] },
  ...overrides,
});

const mock = (match: MockData['match'], respond: MockData['respond']): MockData => ({ match, respond });

const statusOf = (outcome: HttpOutcome) => (outcome.kind === 'response' ? outcome.status : outcome.kind);

describe('loading case files', () => {
  it('places each case at its first field and each step at its own line', async () => {
    const text = `script: lead-capture.yaml
cases:
  - name: first
    steps:
      - bot: { contains: help }
      - user: support

  - name: second
    steps: [{ bot: { contains: help } }]
`;
    const dir = await temp.project({
      'lead-capture.yaml': await sampleYaml('lead-capture.yaml'),
      'p.cases.yaml': text,
    });
    const file = join(dir, 'p.cases.yaml');
    const loaded = await loadCaseFile(file);
    expect(loaded.scriptFile).toBe(join(dir, 'lead-capture.yaml'));
    expect(loaded.cases.map((c) => [c.name, c.position.line, c.position.column])).toEqual([
      ['first', 3, 5],
      ['second', 8, 5],
    ]);
    expect(loaded.cases.map((c) => c.stepPositions.map((p) => `${p.line}:${p.column}`))).toEqual([
      ['5:9', '6:9'],
      ['9:13'],
    ]);
    expect(loaded.cases[0]?.position.file).toBe(file);
  });

  it('turns a data table of 50 rows into 50 cases, named from the row or suffixed [n]', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => i + 1);
    const text = `script: client-identification.yaml
cases:
  - name: client \${n}
    each:
${rows.map((n) => `      - { n: ${n}, who: 'Ann${n}', vip: ${n % 2 === 0} }`).join('\n')}
    steps:
      - bot: 'Hello! What is your name?'
      - user: '\${who} (\${n}) \${unknown}'
    expect: { variables: { n: '\${n}', vip: '\${vip}', who: 'Mx \${who}' } }

  - name: the same name
    each:
${rows.map((n) => `      - { who: 'Bob${n}' }`).join('\n')}
    steps:
      - user: '\${who}'
`;
    const dir = await temp.project({
      'client-identification.yaml': await sampleYaml('client-identification.yaml'),
      'table.cases.yaml': text,
    });
    const { cases } = await loadCaseFile(join(dir, 'table.cases.yaml'));
    expect(cases).toHaveLength(100);
    expect(cases.slice(0, 50).map((c) => c.name)).toEqual(rows.map((n) => `client ${n}`));
    expect(cases.slice(50).map((c) => c.name)).toEqual(rows.map((n) => `the same name [${n}]`));
    const seventh = cases[6];
    // A string that is one placeholder takes the row's value with its type; others are text.
    expect(seventh?.data.steps[1]).toEqual({ user: 'Ann7 (7) ${unknown}' });
    expect(seventh?.data.expect?.variables).toEqual({ n: 7, vip: false, who: 'Mx Ann7' });
    expect(seventh?.data.name).toBe('client 7');
    expect(cases[50 + 9]?.data).toMatchObject({ name: 'the same name [10]', steps: [{ user: 'Bob10' }] });
    // Every row's case is placed where its template is written.
    expect(new Set(cases.slice(0, 50).map((c) => `${c.position.line}:${c.position.column}`))).toEqual(
      new Set(['3:5']),
    );
  });

  it('lets a row supply a whole mock answer, or a sequence of them', async () => {
    const text = `script: order-status.yaml
cases:
  - name: answer \${kind}
    each:
      - { kind: ok, answer: { body: { order: { product: Kettle, status: shipped } } } }
      - { kind: sequence, answer: [{ status: 503 }, { network: true }] }
      - { kind: timeout, answer: { timeout: true } }
    http:
      - match: { url: 'http://crm.test/clients/*' }
        respond: '\${answer}'
`;
    const dir = await temp.project({
      'order-status.yaml': await sampleYaml('order-status.yaml'),
      'a.cases.yaml': text,
    });
    const { cases } = await loadCaseFile(join(dir, 'a.cases.yaml'));
    expect(cases.map((c) => [c.name, c.data.http?.[0]?.respond])).toEqual([
      ['answer ok', { status: 200, body: { order: { product: 'Kettle', status: 'shipped' } } }],
      ['answer sequence', [{ status: 503 }, { network: true }]],
      ['answer timeout', { timeout: true }],
    ]);
  });

  it('reports a row that breaks its case once, at the template', async () => {
    const text = `script: order-status.yaml
cases:
  - name: answer \${n}
    each:
      - { n: 1, answer: { status: 'two hundred' } }
      - { n: 2, answer: { status: 'two hundred' } }
    http:
      - match: { url: 'http://crm.test/clients/*' }
        respond: '\${answer}'
  - name: no rows
    each: []
`;
    const dir = await temp.project({
      'order-status.yaml': await sampleYaml('order-status.yaml'),
      'a.cases.yaml': text,
    });
    const problems = await problemsOf(join(dir, 'a.cases.yaml'));
    expect(problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [9, 18, '"status" must be a number, not text'],
      [11, 11, '"each" must have at least 1 item'],
    ]);
  });

  it('refuses unknown fields with a hint, wrong types, a bad pattern and a missing script, with positions', async () => {
    const text = `script: missing.yaml
cases:
  - name: broken
    stpes: []
    clock: 'yesterday'
    start: { param: '1', payload: {} }
    steps:
      - bot: { matches: '(?=lookahead)' }
      - bot: [{ buttons: Yes }]
`;
    const dir = await temp.project({ 'b.cases.yaml': text });
    const file = join(dir, 'b.cases.yaml');
    const problems = await problemsOf(file);
    expect(
      problems.map(({ line, column, code, message, hint }) => ({ line, column, code, message, hint })),
    ).toEqual([
      {
        line: 1,
        column: 9,
        code: 'file.unreadable',
        message: 'the script missing.yaml cannot be read: no such file',
        hint: undefined,
      },
      {
        line: 4,
        column: 5,
        code: 'schema.unknown-field',
        message: 'unknown field "stpes"',
        hint: 'did you mean "steps"?',
      },
      {
        line: 5,
        column: 12,
        code: 'schema.invalid',
        message: '"clock" is not valid: Invalid ISO datetime',
        hint: undefined,
      },
      {
        line: 6,
        column: 12,
        code: 'schema.invalid',
        message: '"start" is not valid: start takes one of link, param, payload or update',
        hint: undefined,
      },
      {
        line: 8,
        column: 25,
        code: 'schema.invalid',
        message:
          '"matches" is not valid: it is not a pattern botflow can run in linear time (invalid or unsupported Perl syntax: `(?=`)',
        hint: undefined,
      },
      {
        line: 9,
        column: 26,
        code: 'schema.wrong-type',
        message: '"buttons" must be a list, not text',
        hint: undefined,
      },
    ]);
    expect(problems.every((p) => p.file === file && p.severity === 'error')).toBe(true);
  });

  it('finds *.cases.yaml files below a folder, in a stable order', async () => {
    const dir = await temp.project({
      'b.cases.yaml': '',
      'a.cases.yml': '',
      'script.yaml': '',
      'c.cases.yaml.bak': '',
    });
    expect(await findCaseFiles([dir, join(dir, 'script.yaml')])).toEqual([
      join(dir, 'a.cases.yml'),
      join(dir, 'b.cases.yaml'),
      join(dir, 'script.yaml'),
    ]);
  });
});

describe('HTTP mocks', () => {
  it('answer in sequence, each mock counting its own calls, the last answer repeating', async () => {
    const http = new MockHttp([
      mock({ url: 'http://api.test/a' }, [
        { status: 503 },
        { network: true },
        { status: 200, body: { n: 3 } },
      ]),
      mock({ url: 'http://api.test/b' }, { status: 204 }),
    ]);
    const signal = new AbortController().signal;
    const a = () => http.transport(request({ method: 'GET', url: 'http://api.test/a' }), signal);
    const b = () => http.transport(request({ method: 'GET', url: 'http://api.test/b' }), signal);
    const outcomes = [await a(), await b(), await a(), await a(), await b(), await a(), await a()];
    expect(outcomes.map(statusOf)).toEqual([503, 204, 'network', 200, 204, 200, 200]);
    expect(outcomes[3]).toEqual({ kind: 'response', status: 200, headers: {}, body: { n: 3 } });
    expect(http.unmatched).toEqual([]);
  });

  it('match on method, an exact or * url, query, headers (names in any case) and a partial body', async () => {
    const matching: [string, MockData['match'], boolean][] = [
      ['url without its query', { url: 'http://api.test/v1/orders' }, true],
      ['url with its query', { url: 'http://api.test/v1/orders?page=2&q=red+tea' }, true],
      ['url with another query', { url: 'http://api.test/v1/orders?page=3&q=red+tea' }, false],
      ['glob', { url: 'http://api.test/*/orders' }, true],
      ['glob over the query', { url: 'http://api.test/v1/orders?*q=red*' }, true],
      ['glob elsewhere', { url: 'http://api.test/v2/*' }, false],
      ['dots are not wildcards', { url: 'http://api.test/v1/orders'.replace('.test', 'xtest') }, false],
      ['method', { method: 'POST', url: 'http://api.test/*' }, true],
      ['method in lower case', { method: 'post', url: 'http://api.test/*' }, true],
      ['another method', { method: 'GET', url: 'http://api.test/*' }, false],
      ['query', { url: 'http://api.test/*', query: { q: 'red tea', page: '2' } }, true],
      ['another query value', { url: 'http://api.test/*', query: { q: 'red' } }, false],
      ['a query parameter not sent', { url: 'http://api.test/*', query: { size: 'L' } }, false],
      ['header, name in another case', { url: 'http://api.test/*', headers: { 'x-api-key': 'k-123' } }, true],
      [
        'header value in another case',
        { url: 'http://api.test/*', headers: { 'X-Api-Key': 'K-123' } },
        false,
      ],
      ['partial body', { url: 'http://api.test/*', body: { client: { id: '42' } } }, true],
      [
        'whole body',
        { url: 'http://api.test/*', body: { client: { id: '42', tags: ['a', 'b'] }, count: 3 } },
        true,
      ],
      ['a body field of another type', { url: 'http://api.test/*', body: { count: '3' } }, false],
      ['a list is whole', { url: 'http://api.test/*', body: { client: { tags: ['a'] } } }, false],
    ];
    const signal = new AbortController().signal;
    for (const [what, match, expected] of matching) {
      // The `match` objects are written as the schema outputs them (method upper-cased).
      const http = new MockHttp([
        mock({ ...match, ...(match.method && { method: match.method.toUpperCase() }) }, { status: 201 }),
      ]);
      const outcome = await http.transport(request(), signal);
      expect(statusOf(outcome), what).toBe(expected ? 201 : 'network');
      expect(http.unmatched, what).toEqual(
        expected
          ? []
          : [
              {
                method: 'POST',
                url: 'http://api.test/v1/orders?page=2&q=red+tea',
                body: { client: { id: '42', tags: ['a', 'b'] }, count: 3 },
              },
            ],
      );
    }
  });

  it('compare an exact url as requests are sent: host in any case, a bare origin with its slash', async () => {
    const signal = new AbortController().signal;
    const http = new MockHttp([
      mock({ url: 'http://CRM.test' }, { status: 201 }),
      mock({ url: 'http://crm.test/Clients/7' }, { status: 202 }),
    ]);
    // The engine sends WHATWG-normalised urls: `{{ env.CRM_URL }}` alone goes out with a slash.
    const get = (url: string) => http.transport(request({ method: 'GET', url, json: undefined }), signal);
    expect(statusOf(await get('http://crm.test/'))).toBe(201);
    expect(statusOf(await get('http://crm.test/Clients/7'))).toBe(202);
    expect(statusOf(await get('http://crm.test/clients/7'))).toBe('network');
  });

  it('match a form body partially, and record it when nothing matches', async () => {
    const form = request({ json: undefined, form: { name: 'Ann', city: 'Oslo' } });
    const signal = new AbortController().signal;
    const http = new MockHttp([mock({ url: 'http://api.test/*', body: { city: 'Oslo' } }, { status: 202 })]);
    expect(statusOf(await http.transport(form, signal))).toBe(202);
    const none = new MockHttp([mock({ url: 'http://api.test/*', body: { city: 'Rome' } }, { status: 202 })]);
    expect(statusOf(await none.transport(form, signal))).toBe('network');
    expect(none.unmatched).toEqual([
      {
        method: 'POST',
        url: 'http://api.test/v1/orders?page=2&q=red+tea',
        body: { name: 'Ann', city: 'Oslo' },
      },
    ]);
  });

  it('wait `delay` before answering, and time out when that is longer than the request allows', async () => {
    const signal = new AbortController().signal;
    const http = new MockHttp([mock({ url: 'http://api.test/*' }, { status: 200, delay: 60 })]);
    let began = performance.now();
    expect(statusOf(await http.transport(request({ timeoutMs: 1000 }), signal))).toBe(200);
    expect(performance.now() - began).toBeGreaterThanOrEqual(55);
    began = performance.now();
    expect(await http.transport(request({ timeoutMs: 30 }), signal)).toEqual({
      kind: 'timeout',
      message: 'no answer within 30 ms',
    });
    expect(performance.now() - began).toBeLessThan(55);
  });

  it('replay the retry policy: attempts take the answers in order, too few repeat the last', async () => {
    const retry = { attempts: 3, backoffMs: 300, on: ['5xx', 'timeout', 'network'] };
    const signal = new AbortController().signal;
    /** The outcome under the policy, and how many attempts reached the mocks. */
    async function send(respond: MockData['respond']): Promise<[number | string, number]> {
      const http = new MockHttp([mock({ url: 'http://api.test/*' }, respond)]);
      let calls = 0;
      const client = retrying(
        (req, sig) => {
          calls++;
          return http.transport(req, sig);
        },
        { random: () => 0.5, sleep: () => Promise.resolve() },
      );
      return [statusOf(await client.send(request({ retry }), signal)), calls];
    }
    expect(await send([{ status: 503 }, { network: true }, { status: 200 }])).toEqual([200, 3]);
    expect(await send([{ status: 503 }, { status: 200 }])).toEqual([200, 2]);
    expect(await send([{ status: 503 }, { network: true }])).toEqual(['network', 3]);
    expect(await send({ status: 503 })).toEqual([503, 3]);
    expect(await send([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }])).toEqual([
      503, 3,
    ]);
    expect(await send([{ status: 404 }, { status: 200 }])).toEqual([404, 1]);
  });

  it('compare bodies partially: objects by the fields named, lists and values whole', () => {
    expect(containsValue({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } })).toBe(true);
    expect(containsValue({ a: 1 }, {})).toBe(true);
    expect(containsValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(containsValue({ a: [1, 2] }, { a: [1] })).toBe(false);
    expect(containsValue({ a: [{ x: 1, y: 2 }] }, { a: [{ x: 1 }] })).toBe(true);
    expect(containsValue([1], { 0: 1 })).toBe(false);
    expect(containsValue(null, {})).toBe(false);
    expect(containsValue('1', 1)).toBe(false);
    expect(containsValue(Number.NaN, Number.NaN)).toBe(true);
    expect(containsValue(Object.create({ inherited: 1 }) as object, { inherited: 1 })).toBe(false);
  });
});

describe('replaying a case', () => {
  it('starts from a Telegram update, a link, a payload or a param, and fails on an update that starts nothing', async () => {
    const update = (text: string) =>
      JSON.stringify({
        update_id: 1,
        message: {
          message_id: 7,
          date: 1700000000,
          chat: { id: 42, type: 'private' },
          from: { id: 42, is_bot: false, first_name: 'John' },
          text,
        },
      });
    const run = await suite(
      'client-identification.yaml',
      `script: client-identification.yaml
cases:
  - name: update
    start: { channel: telegram, update: ${update('/start 987')} }
    expect: { variables: { channel: telegram, clientExternalId: '987', startParam: '987' } }
  - name: link
    start: { link: 'https://t.me/MyCoolBot?start=eyJ2Ijp7ImNsX2RhdGEiOiJKb2huIFNtaXRoIDIzIn19' }
    expect: { variables: { channel: telegram, firstName: John, age: 23 } }
  - name: link with another channel
    start: { link: 'https://t.me/MyCoolBot?start=555', channel: viber }
    expect: { variables: { channel: viber, clientExternalId: '555' } }
  - name: payload
    start: { payload: { eId: '31', v: { city: Oslo } } }
    expect: { variables: { channel: test, clientExternalId: '31', city: Oslo } }
  - name: param
    start: { param: '1234567', channel: whatsapp }
    expect: { variables: { channel: whatsapp, clientExternalId: '1234567' } }
  - name: nothing
    expect: { status: waiting, block: ask-name, variables: { channel: test, startParam: '' } }
  - name: update without /start
    start: { channel: telegram, update: ${update('hi there')} }
`,
    );
    const byName = results(run);
    expect([...byName.values()].map((r) => [r.name, r.passed])).toEqual([
      ['update', true],
      ['link', true],
      ['link with another channel', true],
      ['payload', true],
      ['param', true],
      ['nothing', true],
      ['update without /start', false],
    ]);
    expect(byName.get('update without /start')?.failure).toEqual({
      position: expect.objectContaining({ line: 20, column: 5 }) as unknown,
      message: 'the telegram update starts no conversation',
    });
    expect(byName.get('update without /start')?.transcript).toEqual([]);
    expect(byName.get('link')?.transcript).toEqual([
      'bot: Hello, John Smith! Glad to see you again.',
      'bot: As a client of 23, you can open a credit line today. [Tell me more | Not now]',
      'bot: Have a nice day!',
    ]);
  });

  it('starts from a Telegram /start@name only when start.username names that bot', async () => {
    const update = (text: string) =>
      JSON.stringify({ update_id: 1, message: { chat: { id: -100123, type: 'group' }, text } });
    const run = await suite(
      'client-identification.yaml',
      `script: client-identification.yaml
cases:
  - name: named bot is ours
    start: { channel: telegram, username: MyCoolBot, update: ${update('/start@mycoolbot 987')} }
    expect: { variables: { clientExternalId: '987' } }
  - name: another bot
    start: { channel: telegram, username: MyCoolBot, update: ${update('/start@OtherBot 987')} }
  - name: no username
    start: { channel: telegram, update: ${update('/start@MyCoolBot 987')} }
`,
    );
    const byName = results(run);
    expect([...byName.values()].map((r) => [r.name, r.passed, r.failure?.message])).toEqual([
      ['named bot is ours', true, undefined],
      ['another bot', false, 'the telegram update starts no conversation'],
      ['no username', false, 'the telegram update starts no conversation'],
    ]);
  });

  it('refuses start.username without start.update', async () => {
    const dir = await temp.project({
      'x.cases.yaml': `script: x.yaml
cases:
  - name: stray username
    start: { param: '1', username: MyCoolBot }
`,
      'x.yaml': await sampleYaml('client-identification.yaml'),
    });
    const problems = await problemsOf(join(dir, 'x.cases.yaml'));
    expect(problems.map(({ line, message }) => ({ line, message }))).toEqual([
      { line: 4, message: '"start" is not valid: start.username goes with start.update' },
    ]);
  });

  it('checks each bot message in order, with text, contains, matches, buttons and silence', async () => {
    const run = await suite(
      'lead-capture.yaml',
      `script: lead-capture.yaml
cases:
  - name: all kinds
    steps:
      - bot: { text: 'Hi! What can we help you with?', buttons: ['Buy a plan', 'Support', 'Something else'] }
      - bot: []
      - user: 'something ELSE'
      - bot: { matches: '^\\p{Lu}\\w+ is your name\\?$', contains: name }
      - user: 'Анна'
      - bot: [{ contains: reach }]
      - user: email
      - bot: 'Your email?'
      - user: 'anna@example.com'
      - bot: 'Thank you, Анна! We will be in touch about other.'
    expect: { status: ended, result: lead, block: saved, variables: { contact: anna@example.com, topic: other } }
  - name: buttons must all be there, in order
    steps:
      - bot: { buttons: ['Support', 'Buy a plan', 'Something else'] }
  - name: text is exact
    steps:
      - bot: 'Hi! What can we help you with'
  - name: a list stops at the first mismatch
    steps:
      - bot: [{ contains: Hi }, { contains: Bye }]
`,
    );
    const byName = results(run);
    expect(byName.get('all kinds')?.passed).toBe(true);
    expect(byName.get('all kinds')?.transcript).toEqual([
      'bot: Hi! What can we help you with? [Buy a plan | Support | Something else]',
      'user: something ELSE',
      'bot: What is your name?',
      'user: Анна',
      'bot: How should we reach you? [Email | Phone]',
      'user: email',
      'bot: Your email?',
      'user: anna@example.com',
      'bot: Thank you, Анна! We will be in touch about other.',
    ]);
    const hi = JSON.stringify('Hi! What can we help you with? [Buy a plan | Support | Something else]');
    expect(byName.get('buttons must all be there, in order')?.failure).toMatchObject({
      step: 1,
      message: 'the bot did not say what was expected',
      expected: 'buttons ["Support","Buy a plan","Something else"]',
      got: hi,
    });
    expect(byName.get('text is exact')?.failure).toMatchObject({
      step: 1,
      expected: '"Hi! What can we help you with"',
      got: hi,
    });
    expect(byName.get('a list stops at the first mismatch')?.failure).toMatchObject({
      step: 1,
      position: { line: 24, column: 9 },
      expected: 'contains "Bye"',
      got: '(nothing)',
    });
  });

  it('fails on silence broken, a reply after the end, a reply before reading, and an unmatched call', async () => {
    const run = await suite(
      'order-status.yaml',
      `script: order-status.yaml
cases:
  - name: silence broken
    start: { payload: { eId: '7' } }
    env: { CRM_URL: 'http://crm.test', CRM_TOKEN: 'tok-1' }
    http: [{ match: { url: 'http://crm.test/clients/7' }, respond: { body: { order: null } } }]
    steps:
      - bot: []
  - name: reply after the end
    start: { payload: { eId: '42' } }
    env: { CRM_URL: 'http://crm.test', CRM_TOKEN: 'tok-1' }
    http: [{ match: { url: 'http://crm.test/clients/42' }, respond: { status: 500 } }]
    steps:
      - bot: 'Sorry, try later.'
      - user: 'why?'
  - name: reply before reading
    start: { payload: { eId: '7' } }
    env: { CRM_URL: 'http://crm.test', CRM_TOKEN: 'tok-1' }
    http: [{ match: { url: 'http://crm.test/clients/7' }, respond: { body: { order: null } } }]
    steps:
      - user: 'a@b.co'
  - name: unmatched
    start: { payload: { eId: '7' } }
    env: { CRM_URL: 'http://crm.test', CRM_TOKEN: 'tok-1' }
    steps:
      - bot: 'Sorry, try later.'
  - name: trailing messages are fine
    start: { payload: { eId: '7' } }
    env: { CRM_URL: 'http://crm.test', CRM_TOKEN: 'tok-1' }
    http: [{ match: { url: 'http://crm.test/clients/7' }, respond: { body: { order: null } } }]
`,
    );
    const byName = results(run);
    const email = 'You have no open order. What is your email, so we can send you our offers?';
    expect(byName.get('silence broken')?.failure).toMatchObject({
      step: 1,
      position: { line: 8, column: 9 },
      message: 'expected the bot to say nothing',
      expected: '(nothing)',
      got: JSON.stringify(email),
    });
    expect(byName.get('reply after the end')?.failure).toEqual({
      step: 2,
      position: expect.objectContaining({ line: 15, column: 9 }) as unknown,
      message: 'the conversation has ended, so the user cannot reply',
    });
    expect(byName.get('reply before reading')?.failure).toMatchObject({
      step: 1,
      message: 'the bot said more before the user’s reply',
      got: JSON.stringify(email),
    });
    expect(byName.get('reply before reading')?.transcript).toEqual([`bot: ${email}`]);
    expect(byName.get('unmatched')?.failure).toEqual({
      position: expect.objectContaining({ line: 22, column: 5 }) as unknown,
      message: 'an HTTP call matched no mock: GET http://crm.test/clients/7',
    });
    expect(byName.get('trailing messages are fine')?.passed).toBe(true);
    expect(run).toMatchObject({ passed: 1, failed: 4 });
  });

  it('compares the final state with expect, variables by the names given only', async () => {
    const run = await suite(
      'lead-capture.yaml',
      `script: lead-capture.yaml
cases:
  - name: status
    expect: { status: error }
  - name: result
    expect: { result: lead }
  - name: block
    expect: { block: saved }
  - name: variable
    expect: { variables: { topic: '', name: 'Ann' } }
  - name: a number is not its text
    start: { payload: { v: { age: 7 } } }
    expect: { variables: { age: '7' } }
  - name: all named match
    start: { payload: { v: { age: 7 } } }
    expect: { status: waiting, result: null, block: topic, variables: { age: 7, topic: '' } }
`,
    );
    const failures = [...results(run).values()].map(
      (r) => r.failure && [r.name, r.failure.message, r.failure.expected, r.failure.got],
    );
    expect(failures).toEqual([
      ['status', 'the final status differs', '"error"', '"waiting"'],
      ['result', 'the final result differs', '"lead"', 'null'],
      ['block', 'the final block differs', '"saved"', '"topic"'],
      ['variable', 'the final variable name differs', '"Ann"', '""'],
      ['a number is not its text', 'the final variable age differs', '"7"', '7'],
      undefined,
    ]);
  });

  it('gives the script the case’s env and clock', async () => {
    const dir = await temp.project({
      'clock.yaml': `botflow: 1
name: clock
env: [SHORT]
blocks:
  today:
    type: message
    text: '{{ formatDate(now) }} {{ formatDate(now, "YYYY-MM-DD HH:mm") }} {{ formatDate(now, "DD.MM.YYYY", "Asia/Tokyo") }} {{ env.SHORT }}'
`,
      'clock.cases.yaml': `script: clock.yaml
cases:
  - name: fixed
    clock: '2024-12-31T20:15:00-01:00'
    env: { SHORT: abc }
    steps:
      - bot: '2024-12-31 2024-12-31 21:15 01.01.2025 abc'
    expect: { status: ended }
`,
    });
    const run = await runSuite([join(dir, 'clock.cases.yaml')]);
    expect(result(run, 'fixed')).toMatchObject({ passed: true });
  });

  it('refuses a draw of 1 or more, saying the bound is exclusive', async () => {
    const dir = await temp.project({
      'lead-capture.yaml': await sampleYaml('lead-capture.yaml'),
      'x.cases.yaml': `script: lead-capture.yaml
cases:
  - name: too far
    draws: { topic: 1 }
`,
    });
    expect((await problemsOf(join(dir, 'x.cases.yaml'))).map((p) => [p.line, p.message])).toEqual([
      [4, '"topic" must be less than 1'],
    ]);
  });

  it('fails a case whose draws name a block the script does not have, at the case', async () => {
    const run = await suite(
      'lead-capture.yaml',
      `script: lead-capture.yaml
cases:
  - name: stray draw
    draws: { ab-splt: 0.5 }
    steps: [{ bot: { contains: help } }]
`,
    );
    expect(result(run, 'stray draw')).toMatchObject({
      passed: false,
      failure: {
        position: { line: 3 },
        message: 'the bot\'s draws name block "ab-splt", which the script does not have',
      },
    });
  });
});

describe('running a suite', () => {
  const cases = `script: lead-capture.yaml
cases:
  - name: Alpha passes
    steps: [{ bot: { contains: help } }]
  - name: Beta fails
    steps: [{ bot: Goodbye }]
  - name: Gamma passes
    steps: [{ bot: { contains: help } }, { user: support }]
`;

  it('tells about each case before and after it runs', async () => {
    const events: string[] = [];
    const run = await suite('lead-capture.yaml', cases, {
      onCase: ({ phase, index, total, name, result: done }) =>
        events.push(`${phase} ${index + 1}/${total} ${name}${done ? ` ${done.passed}` : ''}`),
    });
    expect(events).toEqual([
      'start 1/3 Alpha passes',
      'done 1/3 Alpha passes true',
      'start 2/3 Beta fails',
      'done 2/3 Beta fails false',
      'start 3/3 Gamma passes',
      'done 3/3 Gamma passes true',
    ]);
    expect(run).toMatchObject({ passed: 2, failed: 1 });
  });

  it('--filter keeps the cases whose name contains the text, ignoring case', async () => {
    const run = await suite('lead-capture.yaml', cases, { filter: 'PASSES' });
    expect([...results(run).keys()]).toEqual(['Alpha passes', 'Gamma passes']);
    expect(run).toMatchObject({ passed: 2, failed: 0 });
  });

  it('--bail stops at the first failure, and a broken file is one', async () => {
    const run = await suite('lead-capture.yaml', cases, { bail: true });
    expect([...results(run).keys()]).toEqual(['Alpha passes', 'Beta fails']);
    expect(run).toMatchObject({ passed: 1, failed: 1 });

    const dir = await temp.project({
      'lead-capture.yaml': await sampleYaml('lead-capture.yaml'),
      'a.cases.yaml': 'script: lead-capture.yaml\ncases:\n  - nme: broken\n',
      'b.cases.yaml': cases,
    });
    const broken = await runSuite(await findCaseFiles([dir]), { bail: true });
    expect(broken.files.map((f) => [f.file, f.problems.length, f.results.length])).toEqual([
      [join(dir, 'a.cases.yaml'), 2, 0],
      [join(dir, 'b.cases.yaml'), 0, 0],
    ]);
    expect(broken).toMatchObject({ passed: 0, failed: 1 });
  });
});

describe('coverage', () => {
  const script = `botflow: 1
name: vip
env: [TIER]
blocks:
  check:
    type: condition
    branches:
      - if: "env.TIER == 'vip'"
        next: vip
    else: regular
  vip: { type: end, text: 'Welcome, VIP!', result: vip }
  regular: { type: end, text: 'Welcome!', result: regular }
`;

  it('counts the blocks entered and the branches taken by every case of a script', async () => {
    const dir = await temp.project({
      'vip.yaml': script,
      'one.cases.yaml': `script: vip.yaml
cases:
  - name: regular
    env: { TIER: basic }
    steps: [{ bot: 'Welcome!' }]
`,
      'two.cases.yaml': `script: vip.yaml
cases:
  - name: vip
    env: { TIER: vip }
    steps: [{ bot: 'Welcome, VIP!' }]
`,
    });
    const one = await runSuite([join(dir, 'one.cases.yaml')]);
    expect(one.coverage).toEqual([
      {
        script: join(dir, 'vip.yaml'),
        blocks: { total: 3, reached: 2 },
        branches: { total: 2, reached: 1 },
        unreached: [
          { block: 'check', edge: 'branches[0].next', line: 9 },
          { block: 'vip', edge: '', line: 11 },
        ],
      },
    ]);
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      expect(formatCoverage(one.coverage)).toEqual([
        'coverage of vip.yaml: blocks 2/3 (66%), branches 1/2 (50%)',
        '  vip.yaml:9: check → branches[0].next is never taken',
        '  vip.yaml:11: block "vip" is never reached',
      ]);
    } finally {
      process.chdir(cwd);
    }
    // Two case files of one script add up.
    const both = await runSuite(await findCaseFiles([dir]));
    expect(both.coverage).toEqual([
      {
        script: join(dir, 'vip.yaml'),
        blocks: { total: 3, reached: 3 },
        branches: { total: 2, reached: 2 },
        unreached: [],
      },
    ]);
  });

  it('is computed from the turns’ traces, so runCase hands them back', async () => {
    const dir = await temp.project({
      'vip.yaml': script,
      'one.cases.yaml': `script: vip.yaml
cases:
  - name: regular
    env: { TIER: basic }
    steps: [{ bot: 'Welcome!' }]
`,
    });
    const { cases, scriptFile } = await loadCaseFile(join(dir, 'one.cases.yaml'));
    const loaded = await loadScript(scriptFile);
    const [only] = cases;
    if (!only) throw new Error('no case');
    const done = await runCase(loaded, 'one.cases.yaml', only);
    expect(done.passed).toBe(true);
    expect(done.trace).toEqual([
      { block: 'check', edge: '' },
      { block: 'check', edge: 'else' },
      { block: 'regular', edge: '' },
    ]);
    expect(coverageOf(loaded, done.trace).branches).toEqual({ total: 2, reached: 1 });
    expect(coverageOf(loaded, []).unreached.map((u) => u.line)).toEqual([5, 9, 10, 11, 12]);
  });
});
