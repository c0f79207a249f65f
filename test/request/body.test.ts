import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localHttpBotOf, scriptYaml } from '../support/scripts.js';
import { closeServers, type RecordingServer, startRecordingServer } from '../support/recording-server.js';

let server: RecordingServer;
beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(closeServers);

const env = () => ({ URL: server.origin });

const VARIABLES = `variables:
  name: Ann
  age: 23
  price: 9.5
  vip: true
`;

/** Blocks that load \`nobody\` (null), \`address\` (an object) and \`tags\` (a list) from GET /profile. */
const PROFILE = `  profile:
    type: request
    url: '{{ env.URL }}/profile'
    save: { nobody: body.nobody, address: body.address, tags: body.tags }
    next: send
`;

beforeEach(() => {
  server.handle((request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(
      request.url === '/profile'
        ? JSON.stringify({
            nobody: null,
            address: { city: 'Moscow', zip: '101000' },
            tags: ['new', 'vip', 3],
          })
        : '{"ok":true}',
    );
    return undefined;
  });
});

/** The one request besides GET /profile. */
function only() {
  const requests = server.requests.filter((r) => r.url !== '/profile');
  expect(requests).toHaveLength(1);
  const [request] = requests;
  if (!request) throw new Error('no request');
  return request;
}

describe('JSON body', () => {
  it('a leaf that is exactly one placeholder keeps its type; other strings are rendered', async () => {
    const yaml = scriptYaml(
      `${PROFILE}  send:
    type: request
    method: POST
    url: '{{ env.URL }}/clients'
    body:
      name: '{{ name }}'
      age: '{{ age }}'
      price: '{{ price }}'
      vip: '{{ vip }}'
      nobody: '{{ nobody }}'
      address: '{{ address }}'
      tags: '{{ tags }}'
      city: '{{ address.city }}'
      computed: '{{ age + 1 }}'
      greeting: 'Hi {{ name }}, you are {{ age }}'
      spaced: ' {{ age }}'
      nested: { list: ['{{ age }}', 'n{{ age }}', 5, false, null, { deep: '{{ vip }}' }] }
      fixed: 42
    next: done
  done: { type: end, result: ok }
`,
      VARIABLES,
    );
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(turn.result).toBe('ok');
    const request = only();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/clients');
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(request.body)).toEqual({
      name: 'Ann',
      age: 23,
      price: 9.5,
      vip: true,
      nobody: null,
      address: { city: 'Moscow', zip: '101000' },
      tags: ['new', 'vip', 3],
      city: 'Moscow',
      computed: 24,
      greeting: 'Hi Ann, you are 23',
      spaced: ' 23',
      nested: { list: [23, 'n23', 5, false, null, { deep: true }] },
      fixed: 42,
    });
  });

  it('typed replies keep their type in the body: a number stays a number, text stays text', async () => {
    const yaml = scriptYaml(`  ask-age: { type: ask, text: 'Age?', save: age, expect: number, next: ask-name }
  ask-name: { type: ask, text: 'Name?', save: name, next: send }
  send:
    type: request
    method: PUT
    url: '{{ env.URL }}/me'
    body: { age: '{{ age }}', name: '{{ name }}' }
    next: done
  done: { type: end, result: ok }
`);
    const bot = localHttpBotOf(yaml, { env: env() });
    await bot.start('k');
    await bot.send('k', '41,5');
    const turn = await bot.send('k', '42');
    expect(turn.result).toBe('ok');
    const request = only();
    expect(request.method).toBe('PUT');
    expect(JSON.parse(request.body)).toEqual({ age: 41.5, name: '42' });
  });

  it.each([
    ['a single-placeholder string', "'{{ name }}'", '"Ann"'],
    ['a single-placeholder number', "'{{ age }}'", '23'],
    ['a rendered string', "'Hi {{ name }}'", '"Hi Ann"'],
    ['a list', "['{{ age }}', '{{ name }}']", '[23,"Ann"]'],
    ['false', 'false', 'false'],
  ])('a top-level body that is %s is sent as JSON', async (_what, body, expected) => {
    const yaml = scriptYaml(
      `  send: { type: request, method: POST, url: '{{ env.URL }}/x', body: ${body}, next: done }
  done: { type: end, result: ok }
`,
      VARIABLES,
    );
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(turn.result).toBe('ok');
    const request = only();
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(request.body).toBe(expected);
  });

  it("a JSON body keeps the script's own Content-Type", async () => {
    const yaml = scriptYaml(
      `  send:
    type: request
    method: POST
    url: '{{ env.URL }}/x'
    headers: { content-type: application/vnd.api+json }
    body: { data: { name: '{{ name }}' } }
    next: done
  done: { type: end, result: ok }
`,
      VARIABLES,
    );
    await localHttpBotOf(yaml, { env: env() }).start('k');
    const request = only();
    expect(request.headers['content-type']).toBe('application/vnd.api+json');
    expect(request.body).toBe('{"data":{"name":"Ann"}}');
  });

  it('a placeholder that fails to evaluate sends empty text, with a warning, in the body and the url', async () => {
    const yaml = scriptYaml(
      `  send:
    type: request
    method: POST
    url: '{{ env.URL }}/x/{{ response * 2 }}/y'
    body: { bad: '{{ response * 2 }}', good: '{{ age }}' }
    next: done
  done: { type: end, result: ok }
`,
      VARIABLES,
    );
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(turn.result).toBe('ok');
    const request = only();
    expect(request.url).toBe('/x//y');
    expect(JSON.parse(request.body)).toEqual({ bad: '', good: 23 });
    expect(turn.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'template.failed'],
      ['warning', 'template.failed'],
    ]);
  });

  it('DELETE and PATCH carry their body too', async () => {
    const yaml = scriptYaml(
      `  a: { type: request, method: PATCH, url: '{{ env.URL }}/a', body: { vip: '{{ vip }}' }, next: b }
  b: { type: request, method: DELETE, url: '{{ env.URL }}/b', body: { id: '{{ age }}' }, next: done }
  done: { type: end, result: ok }
`,
      VARIABLES,
    );
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(turn.result).toBe('ok');
    expect(server.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['PATCH', '/a', '{"vip":true}'],
      ['DELETE', '/b', '{"id":23}'],
    ]);
  });
});

describe('form body and query', () => {
  it('a form is sent as application/x-www-form-urlencoded through the URL encoder', async () => {
    const yaml = scriptYaml(
      `${PROFILE}  send:
    type: request
    method: POST
    url: '{{ env.URL }}/form'
    form:
      name: '{{ name }}'
      note: 'a&b=c d+e/f?g#h%20'
      age: '{{ age }}'
      tags: '{{ tags }}'
      city: 'Город {{ address.city }}'
    next: done
  done: { type: end, result: ok }
`,
      VARIABLES,
    );
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(turn.result).toBe('ok');
    const request = only();
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.body).toBe(
      'name=Ann&note=a%26b%3Dc+d%2Be%2Ff%3Fg%23h%2520&age=23&tags=%5B%22new%22%2C%22vip%22%2C3%5D&city=%D0%93%D0%BE%D1%80%D0%BE%D0%B4+Moscow',
    );
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      name: 'Ann',
      note: 'a&b=c d+e/f?g#h%20',
      age: '23',
      tags: '["new","vip",3]',
      city: 'Город Moscow',
    });
  });

  it('query values go through the URL encoder and add to a query the url already has', async () => {
    const yaml = scriptYaml(
      `  ask: { type: ask, text: 'Search?', save: q, next: find }
  find:
    type: request
    url: '{{ env.URL }}/search?lang=en'
    query: { q: '{{ q }}', page: '{{ age }}', 'odd key&': x }
    next: done
  done: { type: end, result: ok }
`,
      VARIABLES,
    );
    const bot = localHttpBotOf(yaml, { env: env() });
    await bot.start('k');
    const reply = 'a b&c=d#e/f?g+h%2F';
    const turn = await bot.send('k', reply);
    expect(turn.result).toBe('ok');
    const request = only();
    const url = new URL(request.url, server.origin);
    expect(url.pathname).toBe('/search');
    expect(url.hash).toBe('');
    expect([...url.searchParams]).toEqual([
      ['lang', 'en'],
      ['q', reply],
      ['page', '23'],
      ['odd key&', 'x'],
    ]);
  });

  it('rendered headers reach the server', async () => {
    const yaml = scriptYaml(
      `  send:
    type: request
    url: '{{ env.URL }}/h'
    headers: { X-Client: '{{ name }} ({{ age }})', Accept: application/json }
    next: done
  done: { type: end, result: ok }
`,
      VARIABLES,
    );
    await localHttpBotOf(yaml, { env: env() }).start('k');
    const request = only();
    expect(request.headers['x-client']).toBe('Ann (23)');
    expect(request.headers.accept).toBe('application/json');
  });
});
