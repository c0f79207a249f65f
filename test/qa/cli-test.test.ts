import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type CliResult, ROOT, runCli } from '../support/cli.js';
import { sampleYaml } from '../support/scripts.js';
import { useTempFolders } from '../support/temp-folders.js';

/*
 * `botflow test` through the built binary (`npm run build` first), in temp folders, asserting the
 * whole output: one line per case, the failure blocks, the problems of broken files, coverage and
 * the closing `N passed, N failed` line.
 */

const temp = useTempFolders('botflow-cli-test-');

interface TestRun extends CliResult {
  /** stdout, line by line. */
  readonly lines: string[];
}

/** `botflow test …` run in `dir`, so file names print as they are given. */
async function botflowTest(dir: string, ...args: string[]): Promise<TestRun> {
  const result = await runCli(['test', ...args], { cwd: dir });
  expect(result.stderr).toBe('');
  expect(result.stdout.endsWith('\n'), result.stdout).toBe(true);
  return { ...result, lines: result.stdout.slice(0, -1).split('\n') };
}

/**
 * `line:col` of the first `needle` in `text` at or after the line holding `after`: where a case
 * (`name: …`) or a step (`bot: …`, `user: …`) is written, as the runner reports it.
 */
function at(text: string, needle: string, after?: string): string {
  const lines = text.split('\n');
  const from = after === undefined ? 0 : lines.findIndex((line) => line.includes(after));
  expect(from, `"${after ?? ''}" is in the file`).toBeGreaterThanOrEqual(0);
  const index = lines.findIndex((line, i) => i >= from && line.includes(needle));
  expect(index, `"${needle}" is in the file`).toBeGreaterThanOrEqual(0);
  return `${index + 1}:${(lines[index] ?? '').indexOf(needle) + 1}`;
}

/** The names a case file runs: one per data-table row, filled from the row or suffixed ` [n]`. */
function caseNames(text: string): string[] {
  const file = parse(text) as { cases: { name: string; each?: Record<string, unknown>[] }[] };
  return file.cases.flatMap(({ name, each }) =>
    each === undefined
      ? [name]
      : each.map((row, i) => {
          const filled = name.replace(/\$\{(\w+)\}/g, (whole, key: string) =>
            key in row ? String(row[key]) : whole,
          );
          return filled === name ? `${name} [${i + 1}]` : filled;
        }),
  );
}

const passLines = (names: readonly string[]) => names.map((name) => `✓ ${name}`);

/** The line a run of several case files puts before the cases of each one. */
const heading = (file: string) => `▸ ${file}`;

/** A failure block as the runner prints it under `✗ name`. */
function failure(
  where: string,
  message: string,
  { expected, got, transcript = [] }: { expected?: string; got?: string; transcript?: string[] } = {},
): string[] {
  return [
    `    at ${where}: ${message}`,
    ...(expected === undefined ? [] : [`    expected: ${expected}`]),
    ...(got === undefined ? [] : [`    got:      ${got}`]),
    ...(transcript.length === 0 ? [] : ['    transcript:', ...transcript.map((line) => `      ${line}`)]),
  ];
}

/** A script that asks a number, then POSTs an order with a query, a header and a JSON body. */
const API_SCRIPT = `botflow: 1
name: api
env: [API, KEY]
blocks:
  ask-count:
    type: ask
    text: 'How many?'
    save: count
    expect: integer
    next: send
  send:
    type: request
    method: POST
    url: '{{ env.API }}/v1/orders'
    query: { page: '2', q: 'red tea' }
    headers: { X-Api-Key: '{{ env.KEY }}' }
    body: { client: { id: '{{ clientExternalId }}', tags: [a, b] }, count: '{{ count }}' }
    on: { success: ok, error: failed }
  ok: { type: end, text: 'Order {{ response.body.id }} placed.', result: ok }
  failed: { type: end, text: 'Failed: {{ response.status }}.', result: failed }
`;
const ORDER_URL = 'http://api.test/v1/orders?page=2&q=red+tea';
const ORDER_BODY = '{"client":{"id":"42","tags":["a","b"]},"count":3}';

/** One case of the API script: `http` is its mocks, written at the case's indentation. */
const apiCase = (name: string, http: string) => `
  - name: ${name}
    start: { param: '42' }
    env: { API: 'http://api.test', KEY: k-123 }
${http}
    steps:
      - bot: 'How many?'
      - user: '3'
      - bot: 'Order A-1 placed.'
    expect: { status: ended, result: ok }
`;

describe('botflow test on the sample scripts', () => {
  it('passes every sample case, one ✓ line each, and closes with "N passed, 0 failed"', async () => {
    const files = (await readdir(join(ROOT, 'scripts'))).filter((f) => f.endsWith('.cases.yaml')).sort();
    expect(files).toContain('order-status.cases.yaml');
    // Counted from the files on their own (a data-table row is a case): 8 + 5 + 8 = 21 today.
    const texts = await Promise.all(files.map(sampleYaml));
    const names = texts.flatMap(caseNames);
    expect(names.length).toBeGreaterThan(0);
    const run = await botflowTest(ROOT, 'scripts/');
    expect(run.lines).toEqual([
      ...files.flatMap((file, i) => [heading(`scripts/${file}`), ...passLines(caseNames(texts[i] ?? ''))]),
      `${names.length} passed, 0 failed`,
    ]);
    expect(run.code).toBe(0);
  });
});

describe('failures', () => {
  it('prints the step, its file:line:col, what was expected, what came and the transcript', async () => {
    const original = await sampleYaml('order-status.cases.yaml');
    const broken = original.replace("- bot: 'Your order: Kettle (shipped).'", "- bot: 'Your order: Kettle.'");
    expect(broken).not.toBe(original);
    const dir = await temp.project({
      'order-status.yaml': await sampleYaml('order-status.yaml'),
      'order-status.cases.yaml': broken,
    });
    const run = await botflowTest(dir, 'order-status.cases.yaml');
    const [first = '', ...others] = caseNames(broken);
    expect(first).toBe('a known client from a Telegram link sees the order');
    expect(run.lines).toEqual([
      `✗ ${first}`,
      `    at step 1 (order-status.cases.yaml:${at(broken, "bot: 'Your order: Kettle.'")}): the bot did not say what was expected`,
      '    expected: "Your order: Kettle."',
      '    got:      "Your order: Kettle (shipped)."',
      '    transcript:',
      '      bot: Your order: Kettle (shipped).',
      ...passLines(others),
      `${others.length} passed, 1 failed`,
    ]);
    expect(run.code).toBe(1);
  });

  it('fails a case whose HTTP call no mock matches, showing the method, the url and the body', async () => {
    const api = `script: api.yaml
cases:${apiCase('no mock for the order', '    http: []')}${apiCase(
      'a mock for another address',
      `    http:
      - match: { url: 'http://api.test/v2/orders' }
        respond: { status: 201, body: { id: A-1 } }`,
    )}`;
    const crm = `script: order-status.yaml
cases:
  - name: a GET without a body
    start: { param: '99' }
    env: { CRM_URL: 'http://crm.test', CRM_TOKEN: 'tok-1' }
    steps:
      - bot: 'Sorry, we could not find you.'
`;
    const dir = await temp.project({
      'api.yaml': API_SCRIPT,
      'api.cases.yaml': api,
      'order-status.yaml': await sampleYaml('order-status.yaml'),
      'crm.cases.yaml': crm,
    });
    const run = await botflowTest(dir, 'api.cases.yaml', 'crm.cases.yaml');
    const posted = ['bot: How many?', 'user: 3', 'bot: Failed: 0.'];
    expect(run.lines).toEqual([
      heading('api.cases.yaml'),
      '✗ no mock for the order',
      ...failure(
        `step 2 (api.cases.yaml:${at(api, "user: '3'", 'no mock for the order')})`,
        `an HTTP call matched no mock: POST ${ORDER_URL} with ${ORDER_BODY}`,
        { transcript: posted },
      ),
      '✗ a mock for another address',
      ...failure(
        `step 2 (api.cases.yaml:${at(api, "user: '3'", 'a mock for another address')})`,
        `an HTTP call matched no mock: POST ${ORDER_URL} with ${ORDER_BODY}`,
        { transcript: posted },
      ),
      heading('crm.cases.yaml'),
      '✗ a GET without a body',
      ...failure(
        `crm.cases.yaml:${at(crm, 'name: a GET')}`,
        'an HTTP call matched no mock: GET http://crm.test/clients/99',
        { transcript: ['bot: Sorry, try later.'] },
      ),
      '0 passed, 3 failed',
    ]);
    expect(run.code).toBe(1);
  });
});

describe('mocks', () => {
  it('match on method, a * glob url, query, headers (any case of the name) and a partial JSON body', async () => {
    const answer = `        respond: { status: 201, body: { id: A-1 } }`;
    const cases = `script: api.yaml
cases:${apiCase(
      'every criterion matches',
      `    http:
      - match:
          method: post
          url: 'http://api.test/*/orders'
          query: { q: 'red tea' }
          headers: { x-api-key: k-123 }
          body: { client: { id: '42' }, count: 3 }
${answer}`,
    )}${apiCase(
      'the first mock that matches answers',
      `    http:
      - match: { method: GET, url: 'http://api.test/v1/orders' }
        respond: { status: 500 }
      - match: { url: 'http://api.test/v1/*', headers: { X-API-KEY: k-123 } }
${answer}
      - match: { url: 'http://api.test/*' }
        respond: { status: 500 }`,
    )}${apiCase(
      'a url with a query matches the whole address',
      `    http:
      - match: { url: '${ORDER_URL}' }
${answer}`,
    )}${apiCase(
      'another method',
      `    http:
      - match: { method: PUT, url: 'http://api.test/v1/orders' }
${answer}`,
    )}${apiCase(
      'another query value',
      `    http:
      - match: { url: 'http://api.test/v1/orders', query: { q: 'green tea' } }
${answer}`,
    )}${apiCase(
      'another header value',
      `    http:
      - match: { url: 'http://api.test/v1/orders', headers: { X-Api-Key: k-999 } }
${answer}`,
    )}${apiCase(
      'another body',
      `    http:
      - match: { url: 'http://api.test/v1/orders', body: { client: { id: '42', vip: true } } }
${answer}`,
    )}${apiCase(
      'a glob that does not cover the url',
      `    http:
      - match: { url: 'http://api.test/v2/*' }
${answer}`,
    )}`;
    const dir = await temp.project({ 'api.yaml': API_SCRIPT, 'api.cases.yaml': cases });
    const run = await botflowTest(dir, 'api.cases.yaml');
    const unmatched = (name: string) => [
      `✗ ${name}`,
      ...failure(
        `step 2 (api.cases.yaml:${at(cases, "user: '3'", `name: ${name}`)})`,
        `an HTTP call matched no mock: POST ${ORDER_URL} with ${ORDER_BODY}`,
        { transcript: ['bot: How many?', 'user: 3', 'bot: Failed: 0.'] },
      ),
    ];
    expect(run.lines).toEqual([
      '✓ every criterion matches',
      '✓ the first mock that matches answers',
      '✓ a url with a query matches the whole address',
      ...unmatched('another method'),
      ...unmatched('another query value'),
      ...unmatched('another header value'),
      ...unmatched('another body'),
      ...unmatched('a glob that does not cover the url'),
      '3 passed, 5 failed',
    ]);
    expect(run.code).toBe(1);
  });

  it('replay the retry policy from a sequence, whose last answer repeats', async () => {
    const crmCase = (name: string, respond: string, says: string, result?: string) => `
  - name: ${name}
    start: { payload: { eId: '42' } }
    env: { CRM_URL: 'http://crm.test', CRM_TOKEN: 'tok-1' }
    http:
      - match: { url: 'http://crm.test/clients/42' }
        respond: ${respond}
    steps:
      - bot: '${says}'
${result === undefined ? '' : `    expect: { result: ${result} }\n`}`;
    const teapot = '{ status: 200, body: { order: { product: Teapot, status: packed } } }';
    const cases = `script: order-status.yaml
cases:${crmCase('503, then network, then 200 within 3 attempts', `[{ status: 503 }, { network: true }, ${teapot}]`, 'Your order: Teapot (packed).', 'ok')}${crmCase(
      'a short sequence repeats its last answer for the third attempt',
      '[{ status: 503 }, { network: true }]',
      'Sorry, try later.',
      'error',
    )}${crmCase('the answer after the last attempt is never asked for', `[{ status: 503 }, { status: 503 }, { status: 503 }, ${teapot}]`, 'Sorry, try later.', 'error')}${crmCase(
      'too few answers to reach the order',
      '[{ status: 503 }, { network: true }]',
      'Your order: Teapot (packed).',
    )}`;
    // A sequence also runs on across calls: the second lookup gets the next answer, the third repeats it.
    const poll = `botflow: 1
name: poll
blocks:
  fetch:
    type: request
    url: 'http://api.test/state'
    save: { state: body.state }
    on: { success: show, error: down }
  show:
    type: ask
    text: 'State: {{ state }}. Again?'
    save: again
    next: fetch
  down: { type: end, text: 'down', result: down }
`;
    const pollCases = `script: poll.yaml
cases:
  - name: each call takes the next answer, and the last one repeats
    http:
      - match: { method: GET, url: 'http://api.test/state' }
        respond: [{ body: { state: one } }, { body: { state: two } }]
    steps:
      - bot: 'State: one. Again?'
      - user: 'yes'
      - bot: 'State: two. Again?'
      - user: 'yes'
      - bot: 'State: two. Again?'
    expect: { status: waiting, block: show }
`;
    const dir = await temp.project({
      'order-status.yaml': await sampleYaml('order-status.yaml'),
      'retry.cases.yaml': cases,
      'poll.yaml': poll,
      'poll.cases.yaml': pollCases,
    });
    const run = await botflowTest(dir, 'retry.cases.yaml', 'poll.cases.yaml');
    expect(run.lines).toEqual([
      heading('retry.cases.yaml'),
      '✓ 503, then network, then 200 within 3 attempts',
      '✓ a short sequence repeats its last answer for the third attempt',
      '✓ the answer after the last attempt is never asked for',
      '✗ too few answers to reach the order',
      ...failure(
        `step 1 (retry.cases.yaml:${at(cases, "bot: 'Your order", 'too few answers')})`,
        'the bot did not say what was expected',
        {
          expected: '"Your order: Teapot (packed)."',
          got: '"Sorry, try later."',
          transcript: ['bot: Sorry, try later.'],
        },
      ),
      heading('poll.cases.yaml'),
      '✓ each call takes the next answer, and the last one repeats',
      '4 passed, 1 failed',
    ]);
    expect(run.code).toBe(1);
  });

  it('turn an answer slower than the block’s timeout into a timeout, like the real client', async () => {
    const script = `botflow: 1
name: slow
blocks:
  call:
    type: request
    url: 'http://api.test/x'
    timeout: 100ms
    on: { success: ok, timeout: late }
  ok: { type: end, text: 'ok' }
  late: { type: end, text: 'late' }
`;
    const cases = `script: slow.yaml
cases:
  - name: an answer in time
    http: [{ match: { url: 'http://api.test/x' }, respond: { delay: 20 } }]
    steps: [{ bot: ok }]
  - name: an answer too late
    http: [{ match: { url: 'http://api.test/x' }, respond: { delay: 300 } }]
    steps: [{ bot: late }]
`;
    const dir = await temp.project({ 'slow.yaml': script, 'slow.cases.yaml': cases });
    const run = await botflowTest(dir, 'slow.cases.yaml');
    expect(run.lines).toEqual(['✓ an answer in time', '✓ an answer too late', '2 passed, 0 failed']);
    expect(run.code).toBe(0);
  });
});

describe('broken case files', () => {
  it('report every problem with file:line:col, count as failed, and do not stop the others', async () => {
    const typo = `script: lead-capture.yaml
cases:
  - name: a typo in a field
    stpes:
      - bot: { contains: help }
    http:
      - match: { methd: GET, url: 'http://x.test' }
        respond: {}
`;
    const types = `script: lead-capture.yaml
cases:
  - name: 5
    env: { TIER: 5 }
    steps:
      - user: 5
      - bot: { text: 5 }
    http:
      - match: { url: 'http://x.test' }
        respond: { status: '200' }
    expect: { status: done }
`;
    const missing = `script: nowhere.yaml
cases:
  - name: a case of a missing script
`;
    const pattern = `script: lead-capture.yaml
cases:
  - name: a pattern RE2 cannot run
    steps:
      - bot: { matches: '^(a)\\1$' }
`;
    const good = `script: lead-capture.yaml
cases:
  - name: the good file still runs
    steps:
      - bot: { contains: help }
`;
    const dir = await temp.project({
      'lead-capture.yaml': await sampleYaml('lead-capture.yaml'),
      'typo.cases.yaml': typo,
      'types.cases.yaml': types,
      'missing.cases.yaml': missing,
      'pattern.cases.yaml': pattern,
      'good.cases.yaml': good,
    });
    const run = await botflowTest(dir, '.');
    expect(run.lines).toEqual([
      heading('good.cases.yaml'),
      '✓ the good file still runs',
      '✗ missing.cases.yaml could not be run',
      `    missing.cases.yaml:${at(missing, 'nowhere.yaml')}: error: the script nowhere.yaml cannot be read: no such file`,
      '✗ pattern.cases.yaml could not be run',
      `    pattern.cases.yaml:${at(pattern, "'^(a)")}: error: "matches" is not valid: it is not a pattern botflow can run in linear time (invalid escape sequence: \`\\1\`)`,
      '✗ types.cases.yaml could not be run',
      `    types.cases.yaml:${at(types, '5', 'name:')}: error: "name" must be text, not a number`,
      `    types.cases.yaml:${at(types, '5 }', 'env:')}: error: "TIER" must be text, not a number`,
      `    types.cases.yaml:${at(types, '5', 'user:')}: error: "user" must be text, not a number`,
      `    types.cases.yaml:${at(types, '5', 'text:')}: error: "text" must be text, not a number`,
      `    types.cases.yaml:${at(types, "'200'")}: error: "status" must be a number, not text`,
      `    types.cases.yaml:${at(types, 'done')}: error: "status" must be one of waiting, ended, error`,
      '✗ typo.cases.yaml could not be run',
      `    typo.cases.yaml:${at(typo, 'stpes')}: error: unknown field "stpes" (did you mean "steps"?)`,
      `    typo.cases.yaml:${at(typo, 'methd')}: error: unknown field "methd" (did you mean "method"?)`,
      '1 passed, 4 failed',
    ]);
    expect(run.code).toBe(1);
  });

  it('reports a case file that does not exist', async () => {
    const dir = await temp.project({});
    const run = await botflowTest(dir, 'nothing.cases.yaml');
    expect(run.lines).toEqual([
      '✗ nothing.cases.yaml could not be run',
      '    nothing.cases.yaml:1:1: error: no such file',
      '0 passed, 1 failed',
    ]);
    expect(run.code).toBe(1);
  });
});

describe('data tables', () => {
  it('run one case per row of 50, named from the row or suffixed [n]; a row may supply a whole mock answer', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => i + 1);
    const names = `script: client-identification.yaml
cases:
  - name: greets \${who}, aged \${age}
    each:
${rows.map((n) => `      - { who: 'Client${n} Smith', age: ${n + 10} }`).join('\n')}
    start: { payload: { v: { cl_data: '\${who} \${age}' } } }
    steps:
      - bot: 'Hello, \${who}! Glad to see you again.'
    expect: { status: ended, variables: { lastName: Smith, age: '\${age}' } }

  - name: asks the name
    each:
${rows.map((n) => `      - { name: 'Гость ${n}' }`).join('\n')}
    steps:
      - bot: 'Hello! What is your name?'
      - user: '\${name}'
      - bot: 'Nice to meet you, \${name}!'
    expect: { variables: { firstName: '\${name}' } }
`;
    const crm = `script: order-status.yaml
cases:
  - name: the CRM's answer comes from the row
    each:
      - { answer: { status: 200, body: { order: { product: Kettle, status: shipped } } }, says: 'Your order: Kettle (shipped).' }
      - { answer: [{ status: 503 }, { status: 404 }], says: 'Sorry, we could not find you.' }
      - { answer: { timeout: true }, says: 'Sorry, try later.' }
    start: { payload: { eId: '42' } }
    env: { CRM_URL: 'http://crm.test', CRM_TOKEN: 'tok-1' }
    http:
      - match: { url: 'http://crm.test/clients/42' }
        respond: '\${answer}'
    steps:
      - bot: '\${says}'
`;
    const dir = await temp.project({
      'client-identification.yaml': await sampleYaml('client-identification.yaml'),
      'order-status.yaml': await sampleYaml('order-status.yaml'),
      'names.cases.yaml': names,
      'crm.cases.yaml': crm,
    });
    const run = await botflowTest(dir, '.');
    expect(run.lines).toEqual([
      heading('crm.cases.yaml'),
      "✓ the CRM's answer comes from the row [1]",
      "✓ the CRM's answer comes from the row [2]",
      "✓ the CRM's answer comes from the row [3]",
      heading('names.cases.yaml'),
      ...rows.map((n) => `✓ greets Client${n} Smith, aged ${n + 10}`),
      ...rows.map((n) => `✓ asks the name [${n}]`),
      '103 passed, 0 failed',
    ]);
    expect(run.code).toBe(0);
  });
});

describe('starting a conversation', () => {
  it('takes a channel update, a link, a payload or a param; an update that starts nothing fails', async () => {
    const update = (text: string) => `
      update:
        update_id: 1
        message:
          message_id: 7
          date: 1700000000
          chat: { id: 42, type: private }
          from: { id: 42, is_bot: false, first_name: John }
          text: '${text}'`;
    const cases = `script: client-identification.yaml
cases:
  - name: a Telegram /start update with packed data
    start:
      channel: telegram${update('/start eyJ2Ijp7ImNsX2RhdGEiOiJKb2huIFNtaXRoIDIzIn19')}
    steps:
      - bot: 'Hello, John Smith! Glad to see you again.'
    expect: { variables: { channel: telegram, firstName: John, age: 23 } }

  - name: a t.me link with a plain id
    start: { link: 'https://t.me/MyCoolBot?start=1234567' }
    steps:
      - bot: 'Welcome back! Your client number is 1234567.'
    expect: { variables: { channel: telegram, clientExternalId: '1234567' } }

  - name: a vk.me link
    start: { link: 'https://vk.me/club1?ref=777' }
    steps:
      - bot: 'Welcome back! Your client number is 777.'
    expect: { variables: { channel: vk } }

  - name: a payload
    start: { payload: { v: { cl_data: 'Anna Ivanova 17', city: Moscow } } }
    steps:
      - bot: [{ contains: Anna }, 'Our youth plan is made for you.', 'Greetings to Moscow!']
    expect: { variables: { channel: test, city: Moscow } }

  - name: a param
    start: { param: '555' }
    steps:
      - bot: 'Welcome back! Your client number is 555.'
    expect: { variables: { channel: test, startParam: '555', clientExternalId: '555' } }

  - name: a Telegram update that is no /start
    start:
      channel: telegram${update('hello')}

  - name: an update of a channel botflow does not know
    start: { channel: icq, update: { text: '/start 1' } }

  - name: a link botflow does not know
    start: { link: 'https://example.com/start?id=1' }
`;
    const dir = await temp.project({
      'client-identification.yaml': await sampleYaml('client-identification.yaml'),
      'start.cases.yaml': cases,
    });
    const run = await botflowTest(dir, 'start.cases.yaml');
    expect(run.lines).toEqual([
      '✓ a Telegram /start update with packed data',
      '✓ a t.me link with a plain id',
      '✓ a vk.me link',
      '✓ a payload',
      '✓ a param',
      '✗ a Telegram update that is no /start',
      ...failure(
        `start.cases.yaml:${at(cases, 'name: a Telegram update that')}`,
        'the telegram update starts no conversation',
      ),
      '✗ an update of a channel botflow does not know',
      ...failure(
        `start.cases.yaml:${at(cases, 'name: an update of a channel')}`,
        '"icq" is not a channel botflow knows',
      ),
      '✗ a link botflow does not know',
      ...failure(
        `start.cases.yaml:${at(cases, 'name: a link botflow')}`,
        '"https://example.com/start?id=1" is not a link botflow knows; expected a t.me, m.me, ig.me, vk.me, wa.me or viber://pa link',
      ),
      '5 passed, 3 failed',
    ]);
    expect(run.code).toBe(1);
  });
});

describe('steps', () => {
  it('check texts, parts, RE2 patterns, buttons and silence, in the order the bot speaks', async () => {
    const cases = `script: lead-capture.yaml
cases:
  - name: contains, matches, buttons and silence
    steps:
      - bot: { contains: 'help you', buttons: ['Buy a plan', 'Support', 'Something else'] }
      - bot: []
      - user: 'Buy a plan'
      - bot: { matches: '(?i)^what is YOUR \\p{L}+\\?$' }
      - user: 'Анна'
      - bot: { contains: 'reach you', buttons: [Email, Phone] }
      - bot: []

  - name: silence when the bot speaks
    steps:
      - bot: { contains: help }
      - user: support
      - bot: []

  - name: a part the message lacks
    steps:
      - bot: { contains: 'goodbye' }

  - name: a pattern the message does not match
    steps:
      - bot: { matches: '^Bye' }

  - name: other buttons
    steps:
      - bot: { buttons: ['Buy a plan', 'Support'] }

  - name: more messages expected than said
    steps:
      - bot: [{ contains: help }, 'And one more']

  - name: a reply after the end
    steps:
      - bot: { contains: help }
      - user: support
      - bot: { contains: 'support@example.com' }
      - user: 'hello?'

  - name: a reply before reading the bot
    steps:
      - user: support
`;
    const dir = await temp.project({
      'lead-capture.yaml': await sampleYaml('lead-capture.yaml'),
      'steps.cases.yaml': cases,
    });
    const run = await botflowTest(dir, 'steps.cases.yaml');
    const hi = 'Hi! What can we help you with? [Buy a plan | Support | Something else]';
    const step = (n: number, needle: string, name: string) =>
      `step ${n} (steps.cases.yaml:${at(cases, needle, `name: ${name}`)})`;
    const support = ['bot: ' + hi, 'user: support', 'bot: Our support team answers at support@example.com.'];
    expect(run.lines).toEqual([
      '✓ contains, matches, buttons and silence',
      '✗ silence when the bot speaks',
      ...failure(step(3, 'bot: []', 'silence when'), 'expected the bot to say nothing', {
        expected: '(nothing)',
        got: '"Our support team answers at support@example.com."',
        transcript: support,
      }),
      '✗ a part the message lacks',
      ...failure(step(1, 'bot:', 'a part the message'), 'the bot did not say what was expected', {
        expected: 'contains "goodbye"',
        got: JSON.stringify(hi),
        transcript: [`bot: ${hi}`],
      }),
      '✗ a pattern the message does not match',
      ...failure(step(1, 'bot:', 'a pattern the message'), 'the bot did not say what was expected', {
        expected: 'matches "^Bye"',
        got: JSON.stringify(hi),
        transcript: [`bot: ${hi}`],
      }),
      '✗ other buttons',
      ...failure(step(1, 'bot:', 'other buttons'), 'the bot did not say what was expected', {
        expected: 'buttons ["Buy a plan","Support"]',
        got: JSON.stringify(hi),
        transcript: [`bot: ${hi}`],
      }),
      '✗ more messages expected than said',
      ...failure(step(1, 'bot:', 'more messages'), 'the bot did not say what was expected', {
        expected: '"And one more"',
        got: '(nothing)',
        transcript: [`bot: ${hi}`],
      }),
      '✗ a reply after the end',
      ...failure(
        step(4, "user: 'hello?'", 'a reply after the end'),
        'the conversation has ended, so the user cannot reply',
        { transcript: support },
      ),
      '✗ a reply before reading the bot',
      ...failure(step(1, 'user:', 'a reply before reading'), 'the bot said more before the user’s reply', {
        got: JSON.stringify(hi),
        transcript: [`bot: ${hi}`],
      }),
      '1 passed, 7 failed',
    ]);
    expect(run.code).toBe(1);
  });
});

describe('expect', () => {
  it('compares the final status, result, block and only the variables named', async () => {
    const cases = `script: lead-capture.yaml
cases:
  - name: all as expected
    steps: [{ bot: { contains: help } }, { user: support }]
    expect: { status: ended, result: support, block: support, variables: { topic: support } }

  - name: waiting, with no result yet
    expect: { status: waiting, result: null, block: topic, variables: { name: '' } }

  - name: another status
    expect: { status: ended }

  - name: another result
    steps: [{ bot: { contains: help } }, { user: support }]
    expect: { result: lead }

  - name: another block
    expect: { block: ask-name }

  - name: another variable value
    steps: [{ bot: { contains: help } }, { user: support }]
    expect: { variables: { name: '', topic: buy } }

  - name: a variable the conversation lacks
    expect: { variables: { nothere: 1 } }
`;
    const dir = await temp.project({
      'lead-capture.yaml': await sampleYaml('lead-capture.yaml'),
      'expect.cases.yaml': cases,
    });
    const run = await botflowTest(dir, 'expect.cases.yaml');
    const hi = 'bot: Hi! What can we help you with? [Buy a plan | Support | Something else]';
    const support = [hi, 'user: support', 'bot: Our support team answers at support@example.com.'];
    const where = (name: string) => `expect.cases.yaml:${at(cases, `name: ${name}`)}`;
    expect(run.lines).toEqual([
      '✓ all as expected',
      '✓ waiting, with no result yet',
      '✗ another status',
      ...failure(where('another status'), 'the final status differs', {
        expected: '"ended"',
        got: '"waiting"',
        transcript: [hi],
      }),
      '✗ another result',
      ...failure(where('another result'), 'the final result differs', {
        expected: '"lead"',
        got: '"support"',
        transcript: support,
      }),
      '✗ another block',
      ...failure(where('another block'), 'the final block differs', {
        expected: '"ask-name"',
        got: '"topic"',
        transcript: [hi],
      }),
      '✗ another variable value',
      ...failure(where('another variable value'), 'the final variable topic differs', {
        expected: '"buy"',
        got: '"support"',
        transcript: support,
      }),
      '✗ a variable the conversation lacks',
      ...failure(where('a variable the conversation lacks'), 'the final variable nothere differs', {
        expected: '1',
        got: 'null',
        transcript: [hi],
      }),
      '2 passed, 5 failed',
    ]);
    expect(run.code).toBe(1);
  });
});

describe('--filter and --bail', () => {
  const first = `script: lead-capture.yaml
cases:
  - name: Alpha passes
    steps: [{ bot: { contains: help } }]
  - name: Beta fails
    steps: [{ bot: 'Goodbye' }]
  - name: Gamma passes
    steps: [{ bot: { contains: help } }]
`;
  const second = `script: lead-capture.yaml
cases:
  - name: Delta passes
    steps: [{ bot: { contains: help } }]
`;
  const hi = 'Hi! What can we help you with? [Buy a plan | Support | Something else]';
  const betaFails = [
    '✗ Beta fails',
    ...failure(
      // A step written as a flow map is placed at its brace.
      `step 1 (a.cases.yaml:${at(first, "{ bot: 'Goodbye' }")})`,
      'the bot did not say what was expected',
      { expected: '"Goodbye"', got: JSON.stringify(hi), transcript: [`bot: ${hi}`] },
    ),
  ];
  let dir: string;
  beforeAll(async () => {
    dir = await temp.project({
      'lead-capture.yaml': await sampleYaml('lead-capture.yaml'),
      'a.cases.yaml': first,
      'b.cases.yaml': second,
    });
  });

  it('runs everything without them', async () => {
    const run = await botflowTest(dir, '.');
    expect(run.lines).toEqual([
      heading('a.cases.yaml'),
      '✓ Alpha passes',
      ...betaFails,
      '✓ Gamma passes',
      heading('b.cases.yaml'),
      '✓ Delta passes',
      '3 passed, 1 failed',
    ]);
    expect(run.code).toBe(1);
  });

  it('--filter runs the cases whose name contains the text, ignoring case', async () => {
    const alpha = await botflowTest(dir, '.', '--filter', 'ALPHA');
    expect(alpha.lines).toEqual([heading('a.cases.yaml'), '✓ Alpha passes', '1 passed, 0 failed']);
    expect(alpha.code).toBe(0);
    const passing = await botflowTest(dir, 'a.cases.yaml', 'b.cases.yaml', '--filter=passes');
    expect(passing.lines).toEqual([
      heading('a.cases.yaml'),
      '✓ Alpha passes',
      '✓ Gamma passes',
      heading('b.cases.yaml'),
      '✓ Delta passes',
      '3 passed, 0 failed',
    ]);
    expect(passing.code).toBe(0);
    const beta = await botflowTest(dir, '.', '--filter', 'beta');
    expect(beta.lines).toEqual([heading('a.cases.yaml'), ...betaFails, '0 passed, 1 failed']);
    expect(beta.code).toBe(1);
    const none = await botflowTest(dir, '.', '--filter', 'omega');
    expect(none.lines).toEqual(['no case ran: check the paths and --filter', '0 passed, 0 failed']);
    expect(none.code).toBe(1);
  });

  it('--bail stops at the first failing case, in this file and the next', async () => {
    const run = await botflowTest(dir, '.', '--bail');
    expect(run.lines).toEqual([
      heading('a.cases.yaml'),
      '✓ Alpha passes',
      ...betaFails,
      '1 passed, 1 failed',
    ]);
    expect(run.code).toBe(1);
  });
});

describe('--coverage', () => {
  // Line 9 is the branch no case takes, line 21 the block only it leads to.
  const script = `botflow: 1
name: tiers
env: [TIER]
blocks:
  tier:
    type: condition
    branches:
      - if: "env.TIER == 'vip'"
        next: vip
    else: ask-size
  ask-size:
    type: ask
    text: 'Which size?'
    save: size
    choices:
      - { label: Small, value: S }
      - { label: Large, value: L, next: large }
    next: small
  small: { type: end, text: 'Small it is.', result: small }
  large: { type: end, text: 'Large it is.', result: large }
  vip: { type: end, text: 'Welcome, VIP!', result: vip }
`;
  const cases = `script: tiers.yaml
cases:
  - name: a regular client picks small
    env: { TIER: basic }
    steps:
      - bot: { text: 'Which size?', buttons: [Small, Large] }
      - user: small
      - bot: 'Small it is.'
    expect: { status: ended, result: small, variables: { size: S } }
`;
  const unreached = [
    { block: 'tier', edge: 'branches[0].next', line: 9 },
    { block: 'ask-size', edge: 'invalid', line: 12 },
    { block: 'ask-size', edge: 'choices[1]', line: 17 },
    { block: 'ask-size', edge: 'choices[1].next', line: 17 },
    { block: 'large', edge: '', line: 20 },
    { block: 'vip', edge: '', line: 21 },
  ];
  let dir: string;
  beforeAll(async () => {
    dir = await temp.project({ 'tiers.yaml': script, 'tiers.cases.yaml': cases });
  });

  it('the lines point where the script writes them', () => {
    const lines = script.split('\n');
    expect(lines[9 - 1]).toBe('        next: vip');
    expect(lines[12 - 1]).toBe('    type: ask');
    expect(lines[17 - 1]).toBe('      - { label: Large, value: L, next: large }');
    expect(lines[20 - 1]).toMatch(/^ {2}large:/);
    expect(lines[21 - 1]).toMatch(/^ {2}vip:/);
  });

  it('lists the blocks and branches no case reached, with their YAML line numbers', async () => {
    const run = await botflowTest(dir, 'tiers.cases.yaml', '--coverage');
    expect(run.lines).toEqual([
      '✓ a regular client picks small',
      'coverage of tiers.yaml: blocks 3/5 (60%), branches 3/7 (42%)',
      '  tiers.yaml:9: tier → branches[0].next is never taken',
      '  tiers.yaml:12: ask-size → invalid is never taken',
      '  tiers.yaml:17: ask-size → choices[1] is never taken',
      '  tiers.yaml:17: ask-size → choices[1].next is never taken',
      '  tiers.yaml:20: block "large" is never reached',
      '  tiers.yaml:21: block "vip" is never reached',
      '1 passed, 0 failed',
    ]);
    expect(run.code).toBe(0);
  });

  it('--coverage=json prints the same as one JSON line', async () => {
    const run = await botflowTest(dir, 'tiers.cases.yaml', '--coverage=json');
    expect(run.lines).toHaveLength(3);
    expect(run.lines[0]).toBe('✓ a regular client picks small');
    expect(run.lines[2]).toBe('1 passed, 0 failed');
    expect(JSON.parse(run.lines[1] ?? '')).toEqual([
      {
        script: join(await realpath(dir), 'tiers.yaml'),
        blocks: { total: 5, reached: 3 },
        branches: { total: 7, reached: 3 },
        unreached,
      },
    ]);
    expect(run.code).toBe(0);
  });
});

describe('env and clock', () => {
  it('give the script its env and a fixed `now`', async () => {
    const script = `botflow: 1
name: clock
env: [MODE, LINE]
blocks:
  today:
    type: message
    text: 'Today is {{ formatDate(now, "YYYY-MM-DD") }}; in Moscow it is {{ formatDate(now, "DD.MM.YYYY HH:mm", "Europe/Moscow") }}.'
    next: mode
  mode:
    type: condition
    branches:
      - if: "env.MODE == 'vip'"
        next: vip
    else: plain
  vip: { type: end, text: 'Your line: {{ env.LINE }}', result: vip }
  plain: { type: end, text: 'Hello', result: plain }
`;
    const cases = `script: clock.yaml
cases:
  - name: a fixed clock in UTC
    clock: '2024-05-17T23:30:00Z'
    env: { MODE: basic, LINE: none }
    steps:
      - bot: 'Today is 2024-05-17; in Moscow it is 18.05.2024 02:30.'
      - bot: Hello
    expect: { result: plain }

  - name: the same moment with an offset, and env that picks a branch (its values masked)
    clock: '2024-05-18T02:30:00+03:00'
    env: { MODE: vip, LINE: '8-800-555' }
    steps:
      - bot: 'Today is 2024-05-17; in Moscow it is 18.05.2024 02:30.'
      - bot: 'Your line: ***'
    expect: { result: vip }

  - name: without a clock, the time is now
    env: { MODE: basic, LINE: none }
    steps:
      - bot: { matches: '^Today is \\d{4}-\\d\\d-\\d\\d; in Moscow it is \\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d\\.$' }
      - bot: Hello

  - name: another day
    clock: '2024-01-01T00:00:00Z'
    env: { MODE: basic, LINE: none }
    steps:
      - bot: 'Today is 2024-05-17; in Moscow it is 18.05.2024 02:30.'

  - name: an env the script declares is missing or empty
    env: { LINE: '' }
    steps:
      - bot: Hello
`;
    const dir = await temp.project({ 'clock.yaml': script, 'clock.cases.yaml': cases });
    const run = await botflowTest(dir, 'clock.cases.yaml');
    expect(run.lines).toEqual([
      '✓ a fixed clock in UTC',
      '✓ the same moment with an offset, and env that picks a branch (its values masked)',
      '✓ without a clock, the time is now',
      '✗ another day',
      ...failure(
        `step 1 (clock.cases.yaml:${at(cases, "bot: 'Today", 'name: another day')})`,
        'the bot did not say what was expected',
        {
          expected: '"Today is 2024-05-17; in Moscow it is 18.05.2024 02:30."',
          got: '"Today is 2024-01-01; in Moscow it is 01.01.2024 03:00."',
          transcript: ['bot: Today is 2024-01-01; in Moscow it is 01.01.2024 03:00.', 'bot: Hello'],
        },
      ),
      // Before any turn: nothing was said.
      '✗ an env the script declares is missing or empty',
      `    at clock.cases.yaml:${at(cases, 'name: an env the script')}: env.MODE and env.LINE have no value: give them values in the case's env`,
      '3 passed, 2 failed',
    ]);
    expect(run.code).toBe(1);
  });
});

describe('the command line of botflow test', () => {
  it('takes `--coverage scripts` as the folder to run, not as a format', async () => {
    const result = await runCli(['test', '--coverage', 'scripts']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('coverage of scripts/order-status.yaml: blocks 8/8 (100%)');
  });

  it('refuses an unknown coverage format with exit 2', async () => {
    const result = await runCli(['test', 'scripts', '--coverage=xml']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'botflow: --coverage takes text or json, not "xml"\n',
    });
  });

  it('fails a run in which no case ran', async () => {
    const result = await runCli(['test', 'scripts', '--filter', 'no case has this name']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('no case ran: check the paths and --filter\n0 passed, 0 failed\n');
  });
});
