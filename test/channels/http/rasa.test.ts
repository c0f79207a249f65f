import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rasaMessages } from '../../../channels/http/rasa.js';
import type { Turn } from '../../../engine/index.js';
import { startApi } from '../../support/json-api.js';
import { buttonTitled, RasaRestClient, type RasaBotMessage } from '../../support/rasa-client.js';
import { scriptOf, yaml } from '../../support/scripts.js';
import { ServeProcess } from '../../support/serve-process.js';
import { useTempFolders } from '../../support/temp-folders.js';

/** Says what the start seeded, then asks for a size with buttons whose values differ from their labels. */
const SIZES_YAML = yaml`
  botflow: 1
  name: sizes
  variables: { size: '', city: '' }
  blocks:
    greet:
      type: message
      text: 'email={{ email }} phone={{ phone }} id={{ clientExternalId }} city={{ city }} channel={{ channel }}'
      next: size
    size:
      type: ask
      text: Which size?
      save: size
      choices:
        - { label: Small, value: S }
        - { label: Large, value: L }
      next: done
    done: { type: end, text: 'Size {{ size }} it is.', result: ordered }
`;

const folders = useTempFolders('botflow-rasa-');

/** `botflow serve` (the built bundle) over the sizes script, with its sessions in memory. */
async function serveSizes(env: Readonly<Record<string, string>> = {}): Promise<ServeProcess> {
  const dir = await folders.project({ 'sizes.yaml': SIZES_YAML });
  return ServeProcess.start(join(dir, 'sizes.yaml'), ['--store', 'memory'], env);
}

const texts = (responses: readonly RasaBotMessage[]) => responses.map((response) => response.text);

describe('the Rasa REST channel, driven by a client written from Rasa’s documentation', () => {
  it('holds a whole conversation through botflow serve: /start, buttons, a click on a payload', async () => {
    const serve = await serveSizes();
    const alice = new RasaRestClient(serve.url, 'alice');

    const opened = await alice.post('/start');
    expect(opened.status).toBe(200);
    expect(opened.contentType).toBe('application/json; charset=utf-8');
    const first = opened.body as RasaBotMessage[];
    expect(first.map(({ recipient_id, text }) => ({ recipient_id, text }))).toEqual([
      { recipient_id: 'alice', text: 'email= phone= id= city= channel=rest' },
      { recipient_id: 'alice', text: 'Which size?' },
    ]);
    expect(first.map((response) => response.buttons?.map(({ title }) => title))).toEqual([
      undefined,
      ['Small', 'Large'],
    ]);

    // A widget sends the payload, never the title; the choice's value is what the script saves.
    expect(await alice.click(buttonTitled(first, 'Large'))).toEqual([
      { recipient_id: 'alice', text: 'Size L it is.' },
    ]);
    // Over, a message starts it afresh, as on every channel.
    expect(texts(await alice.send('hello again'))).toEqual([
      'email= phone= id= city= channel=rest',
      'Which size?',
    ]);
  });

  it('starts from the invitation guide’s four examples, after /start or as metadata.start', async () => {
    const serve = await serveSizes();
    const guide = [
      ['eyJlIjoiZW1haWxAZ21haWwuY29tIn0', 'email=email@gmail.com phone= id= city='],
      ['eyJwIjoiNzkwMDAwMDAwMDAifQ', 'email= phone=79000000000 id= city='],
      ['eyJlSWQiOiJleHRlcm5hbElkIn0', 'email= phone= id=externalId city='],
      ['eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0', 'email= phone= id= city=Moscow'],
    ] as const;
    for (const [index, [data, seeded]] of guide.entries()) {
      const inline = await new RasaRestClient(serve.url, `inline-${index}`).send(`/start ${data}`);
      expect(inline[0]).toEqual({ recipient_id: `inline-${index}`, text: `${seeded} channel=rest` });
      const viaMetadata = await new RasaRestClient(serve.url, `meta-${index}`).send('/start', {
        start: data,
      });
      expect(viaMetadata[0]?.text).toBe(`${seeded} channel=rest`);
    }
    // A plain client id, as the guide's `?start=1234567`.
    expect((await new RasaRestClient(serve.url, 'plain').send('/start 1234567'))[0]?.text).toBe(
      'email= phone= id=1234567 city= channel=rest',
    );
  });

  it('starts a conversation for a new sender, without reading its first message as a reply', async () => {
    const serve = await serveSizes();
    const bob = new RasaRestClient(serve.url, 'bob');
    // "Large" would pick a size if it were read as a reply; the bot has asked nothing yet.
    expect(texts(await bob.send('Large'))).toEqual(['email= phone= id= city= channel=', 'Which size?']);
    expect(await bob.send('Small')).toEqual([{ recipient_id: 'bob', text: 'Size S it is.' }]);
  });

  it('keeps each sender’s conversation apart, and a request without a sender is "default"’s', async () => {
    const serve = await serveSizes();
    const carol = new RasaRestClient(serve.url, 'carol');
    const anonymous = new RasaRestClient(serve.url, undefined);
    await carol.send('/start');
    const answered = await anonymous.send('/start');
    expect(answered.map((response) => response.recipient_id)).toEqual(['default', 'default']);
    expect(await anonymous.send('Small')).toEqual([{ recipient_id: 'default', text: 'Size S it is.' }]);
    expect(await carol.send('Large')).toEqual([{ recipient_id: 'carol', text: 'Size L it is.' }]);
  });

  it('needs the API token when the server has one', async () => {
    const serve = await serveSizes({ BOTFLOW_API_TOKEN: 'rasa-token' });
    const refused = await new RasaRestClient(serve.url, 'dave').post('/start');
    expect(refused.status).toBe(401);
    const allowed = new RasaRestClient(serve.url, 'dave', { Authorization: 'Bearer rasa-token' });
    expect(texts(await allowed.send('/start'))).toEqual([
      'email= phone= id= city= channel=rest',
      'Which size?',
    ]);
  });
});

describe('the Rasa REST channel refuses', () => {
  const SIZES = scriptOf(SIZES_YAML);

  it.each([
    ['a list', [], 'the body must be a JSON object'],
    ['no message', { sender: 'x' }, 'the body needs the field "message"'],
    ['a message that is a number', { sender: 'x', message: 5 }, 'the field "message" must be a string'],
    [
      'an empty sender',
      { sender: '', message: 'hi' },
      'the field "sender" must be 1 to 251 characters without control characters',
    ],
    [
      'a sender over the key limit',
      { sender: 'x'.repeat(252), message: 'hi' },
      'the field "sender" must be 1 to 251 characters without control characters',
    ],
    [
      'a sender with a control character',
      { sender: 'x\u0007', message: 'hi' },
      'the field "sender" must be 1 to 251 characters without control characters',
    ],
    ['a numeric sender', { sender: 42, message: 'hi' }, 'the field "sender" must be a string'],
    [
      'an unknown field',
      { sender: 'x', message: 'hi', sender_id: 'x' },
      'the body has the unknown field "sender_id"; the fields are sender, message, metadata',
    ],
    [
      'metadata that is no object',
      { message: 'hi', metadata: 'm' },
      'the field "metadata" must be an object',
    ],
    [
      'a start given no text',
      { message: '/start', metadata: { start: 7 } },
      'the field "metadata.start" must be a string',
    ],
    [
      'start data given twice',
      { message: '/start abc', metadata: { start: 'abc' } },
      'give the start data either after /start or as "metadata.start", not both',
    ],
  ])('%s with 400 and one sentence', async (_, body, message) => {
    const api = await startApi({ bot: { script: SIZES } });
    const response = await api.call('POST', '/webhooks/rest/webhook', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'http.invalid-body', message } });
  });

  it('a body that is not JSON, or not sent as JSON', async () => {
    const api = await startApi({ bot: { script: SIZES } });
    const broken = await api.call('POST', '/webhooks/rest/webhook', '{"sender":');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({
      error: { code: 'http.bad-json', message: 'the body is not valid JSON' },
    });
    const asText = await api.call('POST', '/webhooks/rest/webhook', '{"sender":"x","message":"hi"}', {
      'Content-Type': 'text/plain',
    });
    expect(asText.status).toBe(415);
  });

  it('any method but POST with 405 and Allow, and leaves /webhooks/:channel to the messengers', async () => {
    const api = await startApi({ bot: { script: SIZES } });
    const got = await api.call('GET', '/webhooks/rest/webhook');
    expect(got.status).toBe(405);
    expect(got.headers.get('allow')).toBe('POST');
    expect(await got.json()).toEqual({
      error: { code: 'http.method-not-allowed', message: 'this route takes POST' },
    });
    expect((await api.call('PUT', '/webhooks/rest/webhook', { message: 'hi' })).status).toBe(405);
    // `rest` is no messenger: its two-segment path stays the webhooks route's, which knows no such adapter.
    expect((await api.call('POST', '/webhooks/rest', { message: 'hi' })).status).toBe(404);
  });
});

describe('rasaMessages', () => {
  const waiting: Turn = {
    messages: [{ text: 'Hi!' }, { text: 'Which size?', buttons: ['Small', 'Large'] }],
    status: 'waiting',
    block: 'size',
    variables: {},
    result: null,
    diagnostics: [],
  };

  it('gives each button the value of the choice it shows as its payload', () => {
    // A choice ask's input, as a waiting Turn carries it.
    const input = {
      kind: 'choice' as const,
      choices: [
        { label: 'Small', value: 'S' },
        { label: 'Large', value: 'L' },
      ],
      retriesLeft: 2,
    };
    expect(rasaMessages('ann', { ...waiting, input })).toEqual([
      { recipient_id: 'ann', text: 'Hi!' },
      {
        recipient_id: 'ann',
        text: 'Which size?',
        buttons: [
          { title: 'Small', payload: 'S' },
          { title: 'Large', payload: 'L' },
        ],
      },
    ]);
  });

  it('uses the label as the payload when the turn names no choice for it', () => {
    expect(rasaMessages('ann', waiting)[1]?.buttons).toEqual([
      { title: 'Small', payload: 'Small' },
      { title: 'Large', payload: 'Large' },
    ]);
    expect(rasaMessages('ann', { ...waiting, messages: [] })).toEqual([]);
  });
});

describe('the Rasa REST channel with public chats', () => {
  const SIZES = scriptOf(SIZES_YAML);
  const TOKEN = 'tok_rasa_5f2b9c7e0a1d';
  const unguessable = 'b9f5a3e2-7c41-4d8e-9a06-1f2e3d4c5b6a';

  it('lets a caller without the token talk as an unguessable sender, and only as one', async () => {
    const api = await startApi({ bot: { script: SIZES }, apiToken: TOKEN, publicChat: true });
    const client = new RasaRestClient(api.origin, unguessable);
    expect(texts(await client.send('/start'))).toEqual([
      'email= phone= id= city= channel=rest',
      'Which size?',
    ]);
    for (const sender of ['alice', undefined]) {
      const refused = await new RasaRestClient(api.origin, sender).post('/start');
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        error: {
          code: 'http.weak-key',
          message:
            'without the API token, the sender needs at least 22 random characters (crypto.randomUUID())',
        },
      });
    }
    const withToken = new RasaRestClient(api.origin, 'alice', { Authorization: `Bearer ${TOKEN}` });
    expect(texts(await withToken.send('/start'))).toHaveLength(2);
  });

  it('still needs the token without public chats', async () => {
    const api = await startApi({ bot: { script: SIZES }, apiToken: TOKEN });
    expect((await new RasaRestClient(api.origin, unguessable).post('/start')).status).toBe(401);
    // Refused before the body is read: no parse error for a caller who may not talk at all.
    const garbage = await api.call('POST', '/webhooks/rest/webhook', 'not json');
    expect(garbage.status).toBe(401);
  });
});
