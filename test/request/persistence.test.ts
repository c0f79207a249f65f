import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../engine/index.js';
import { localHttpBotOf, scriptYaml } from '../support/scripts.js';
import {
  closeServers,
  json,
  type RecordingServer,
  startRecordingServer,
} from '../support/recording-server.js';

let server: RecordingServer;
beforeEach(async () => {
  server = await startRecordingServer((request, response) =>
    json(response, 200, { order: { product: 'Kettle' }, path: request.url }),
  );
});
afterEach(closeServers);

const TOKEN = 'persist-token-5678';
const env = () => ({ CRM_URL: server.origin, CRM_TOKEN: TOKEN });

/** Looks the client up, then asks; the reply goes on to a message, or to a second request. */
const YAML = scriptYaml(
  `  lookup:
    type: request
    url: '{{ env.CRM_URL }}/clients/{{ clientExternalId }}'
    headers: { Authorization: 'Bearer {{ env.CRM_TOKEN }}' }
    save: { product: body.order.product }
    next: ask
  ask:
    type: ask
    text: 'Your order is {{ product }}. Anything else?'
    save: answer
    choices:
      - { label: 'No', next: bye }
      - { label: 'Track it', next: track }
  bye: { type: end, text: 'Bye, {{ product }} is on its way.', result: ok }
  track:
    type: request
    method: POST
    url: '{{ env.CRM_URL }}/track'
    body: { product: '{{ product }}' }
    next: tracked
  tracked: { type: end, text: 'Tracking {{ product }}.', result: tracked }
`,
  'variables:\n  product: ""\n',
);

const ALLOWED_KEYS = ['s', 'b', 'a', 'v', 't', 'r'];

describe('a conversation waiting at an ask after a request', () => {
  it('is stored without any pending request', async () => {
    const store = new MemoryStore();
    const turn = await localHttpBotOf(YAML, { env: env(), store }).start('k', { payload: { eId: '42' } });
    expect(turn).toMatchObject({ status: 'waiting', block: 'ask' });
    expect(turn.messages).toEqual([
      { text: 'Your order is Kettle. Anything else?', buttons: ['No', 'Track it'] },
    ]);
    const data = (await store.get('k'))?.data ?? '';
    const stored = JSON.parse(data) as Record<string, unknown>;
    expect(Object.keys(stored).every((key) => ALLOWED_KEYS.includes(key))).toBe(true);
    expect(stored).toMatchObject({ b: 'ask', v: { product: 'Kettle', clientExternalId: '42' } });
    expect(data).not.toMatch(/pending|Authorization|timeoutMs|retry/);
    expect(data).not.toContain(TOKEN);
  });

  it('restored in a new bot, a reply that goes elsewhere sends nothing again', async () => {
    const store = new MemoryStore();
    await localHttpBotOf(YAML, { env: env(), store }).start('k', { payload: { eId: '42' } });
    expect(server.requests).toHaveLength(1);

    const restored = localHttpBotOf(YAML, { env: env(), store }); // another process, the same store
    const waiting = await restored.conversation('k');
    expect(waiting).toMatchObject({ status: 'waiting', block: 'ask' });
    expect(server.requests).toHaveLength(1);

    const turn = await restored.send('k', 'no');
    expect(turn).toMatchObject({ status: 'ended', result: 'ok' });
    expect(turn.messages).toEqual([{ text: 'Bye, Kettle is on its way.' }]);
    expect(server.requests).toHaveLength(1);
  });

  it('restored, a bad reply asks again without resending the request', async () => {
    const store = new MemoryStore();
    await localHttpBotOf(YAML, { env: env(), store }).start('k', { payload: { eId: '42' } });
    const turn = await localHttpBotOf(YAML, { env: env(), store }).send('k', 'maybe');
    expect(turn).toMatchObject({ status: 'waiting', block: 'ask' });
    expect(server.requests).toHaveLength(1);
  });

  it('restored, a reply that leads to another request sends that one, once', async () => {
    const store = new MemoryStore();
    await localHttpBotOf(YAML, { env: env(), store }).start('k', { payload: { eId: '42' } });
    const turn = await localHttpBotOf(YAML, { env: env(), store }).send('k', 'track it');
    expect(turn).toMatchObject({ status: 'ended', result: 'tracked' });
    expect(server.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['GET', '/clients/42', ''],
      ['POST', '/track', '{"product":"Kettle"}'],
    ]);
  });

  it('nothing is stored while the request is in flight', async () => {
    const store = new MemoryStore();
    let release: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => {
      server.handle((_request, response) => {
        release = () => json(response, 200, { order: { product: 'Kettle' } });
        resolve();
        return undefined;
      });
    });
    const turn = localHttpBotOf(YAML, { env: env(), store }).start('k', { payload: { eId: '42' } });
    await arrived;
    expect(await store.get('k')).toBeUndefined();
    release();
    expect(await turn).toMatchObject({ status: 'waiting', block: 'ask' });
    expect(JSON.parse((await store.get('k'))?.data ?? '{}')).toMatchObject({ b: 'ask' });
  });

  it('a second message while the request is in flight waits for the turn, in order', async () => {
    let release: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => {
      server.handle((_request, response) => {
        release = () => json(response, 200, { order: { product: 'Kettle' } });
        resolve();
        return undefined;
      });
    });
    const bot = localHttpBotOf(YAML, { env: env() });
    const first = bot.start('k', { payload: { eId: '42' } });
    const second = bot.send('k', 'no');
    await arrived;
    release();
    expect(await first).toMatchObject({ status: 'waiting', block: 'ask' });
    expect(await second).toMatchObject({ status: 'ended', result: 'ok' });
    expect(server.requests).toHaveLength(1);
  });
});
