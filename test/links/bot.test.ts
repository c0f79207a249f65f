import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBot,
  createHttpClient,
  encodePayload,
  LinkSecretError,
  MemoryStore,
  parseScript,
  signData,
} from '../../engine/index.js';
import { issueStartToken } from '../../engine/links/token-store.js';
import { ExampleCrm } from '../support/crm-server.js';
import { sampleYaml, SYSTEM, yaml } from '../support/scripts.js';

const SECRET = 'bot-link-secret-0123456789abcdef';
const secrets = [SECRET];

/** A script that says what it was given, so a test reads the seed from the turn. */
const ECHO = (top = '') =>
  parseScript(
    yaml`
      botflow: 1
      name: echo
      ${top}
      blocks:
        show: { type: end, text: 'id={{ clientExternalId }} verified={{ linkVerified }}' }
    `,
  );

describe('the bot and signed start values', () => {
  it('sets linkVerified for a valid signed value only', async () => {
    const bot = createBot({ script: ECHO(), linkSecrets: secrets });
    const signed = signData('1234568', secrets);
    const valid = await bot.start('a', { startParam: signed });
    expect(valid.variables).toMatchObject({
      clientExternalId: '1234568',
      linkVerified: true,
      startParam: signed,
    });
    expect(valid.messages[0]?.text).toBe('id=1234568 verified=true');
    const plain = await bot.start('b', { startParam: '1234568' });
    expect(plain.variables).toMatchObject({ clientExternalId: '1234568', linkVerified: false });
    const forged = await bot.start('c', { startParam: `${signed.slice(0, 2)}9${signed.slice(3)}` });
    expect(forged.variables).toMatchObject({ clientExternalId: '', linkVerified: false });
    expect(forged.diagnostics.map((d) => d.code)).toEqual(['start.bad-signature']);
  });

  it('with links: { signed: required }, seeds nothing but startParam from an unsigned value', async () => {
    const script = ECHO('links: { signed: required }');
    expect(script.signedLinks).toBe('required');
    const bot = createBot({ script, linkSecrets: secrets });
    const payload = encodePayload({ externalId: '42', variables: { city: 'Kazan' } });
    const turn = await bot.start('a', { startParam: payload, channel: 'telegram' });
    expect(turn.variables).toEqual({ ...SYSTEM, channel: 'telegram', startParam: payload });
    expect(turn.diagnostics.map((d) => d.code)).toEqual(['start.unsigned']);
    // A payload handed to start is not signed either.
    const given = await bot.start('b', { payload: { eId: '42' } });
    expect(given.variables).toEqual({ ...SYSTEM });
    expect(given.diagnostics.map((d) => d.code)).toEqual(['start.unsigned']);
    const signed = await bot.start('c', { startParam: signData(payload, secrets) });
    expect(signed.variables).toMatchObject({ clientExternalId: '42', city: 'Kazan', linkVerified: true });
  });

  it('counts a start token its store issued as verified, even where signed links are required', async () => {
    const store = new MemoryStore();
    const bot = createBot({ script: ECHO('links: { signed: required }'), store, linkSecrets: secrets });
    const token = await issueStartToken(store, { eId: '42' }, { now: Date.now() });
    expect((await bot.start('a', { startParam: token })).variables).toMatchObject({
      clientExternalId: '42',
      linkVerified: true,
    });
    const unknown = await bot.start('b', { startParam: `-${'A'.repeat(22)}` });
    expect(unknown.variables).toMatchObject({ clientExternalId: '', linkVerified: false });
    expect(unknown.diagnostics.map((d) => d.code)).toEqual(['start.unknown-token']);
  });

  it('takes signedLinks: required from the host, which a script cannot loosen', async () => {
    const bot = createBot({
      script: ECHO('links: { signed: optional }'),
      linkSecrets: secrets,
      signedLinks: 'required',
    });
    expect((await bot.start('a', { startParam: '42' })).variables.clientExternalId).toBe('');
    expect(() => createBot({ script: ECHO(), signedLinks: 'required' })).toThrow(LinkSecretError);
    expect(() =>
      createBot({ script: ECHO(), signedLinks: 'always' as 'required', linkSecrets: secrets }),
    ).toThrow(/^the bot's signedLinks must be required or optional, not "always"$/);
    expect(() => createBot({ script: ECHO(), linkSecrets: ['short'] })).toThrow(/is 5 bytes long/);
    expect(() => createBot({ script: ECHO('links: { signed: required }') })).toThrow(
      /signed links are required, but the bot was given no link secret/,
    );
  });

  it('measures an expiry by the bot’s clock', async () => {
    const expiresAt = 1_900_000_000;
    const value = signData(encodePayload({ externalId: '42', expiresAt }), secrets);
    let now = new Date(expiresAt * 1000 - 1);
    const bot = createBot({ script: ECHO(), linkSecrets: secrets, clock: () => now });
    expect((await bot.start('a', { startParam: value })).variables).toMatchObject({
      clientExternalId: '42',
      linkVerified: true,
    });
    now = new Date(expiresAt * 1000);
    const late = await bot.start('a', { startParam: value });
    expect(late.variables).toMatchObject({ clientExternalId: '', linkVerified: false });
    expect(late.diagnostics.map((d) => d.code)).toEqual(['start.expired']);
  });

  it('masks the secret wherever it could appear, and keeps linkVerified across turns', async () => {
    const store = new MemoryStore();
    const script = parseScript(yaml`
      botflow: 1
      name: ask
      blocks:
        ask: { type: ask, text: 'Name?', save: name, next: done }
        done: { type: end, text: 'Hi {{ name }}, verified={{ linkVerified }}' }
    `);
    const bot = createBot({ script, store, linkSecrets: secrets });
    await bot.start('a', { startParam: signData('7', secrets) });
    const reply = await bot.send('a', SECRET);
    expect(reply.messages[0]?.text).toBe('Hi ***, verified=true');
    expect(bot.redact({ text: `the secret is ${SECRET}` })).toEqual({ text: 'the secret is ***' });
  });
});

describe('a forged clientExternalId never reaches the CRM', () => {
  let crm: ExampleCrm;
  beforeAll(async () => {
    crm = await ExampleCrm.start('crm-token-for-signed-links');
  });
  afterAll(() => crm.stop());

  it('with links: { signed: required }, by a real Server Request', async () => {
    const text = (await sampleYaml('order-status.yaml')).replace(
      'start: lookup\n',
      'start: lookup\nlinks: { signed: required }\n',
    );
    const bot = createBot({
      script: parseScript(text),
      linkSecrets: secrets,
      env: { CRM_URL: crm.url, CRM_TOKEN: 'crm-token-for-signed-links' },
      http: createHttpClient({ allowHosts: ['127.0.0.1'] }),
    });
    // Client 7 was given a link; whoever edits it to client 42 gets nothing of 42's.
    const given = signData('7', secrets);
    const edited = `_42${given.slice(2)}`;
    const forged = [
      '42',
      edited,
      encodePayload({ externalId: '42' }),
      signData('42', ['another-secret-0123456789']),
    ];
    for (const [index, startParam] of forged.entries()) {
      const turn = await bot.start(`forged-${index}`, { startParam });
      expect(turn.variables, startParam).toMatchObject({
        clientExternalId: '',
        product: '',
        linkVerified: false,
      });
      expect(turn.result, startParam).toBe('unknown');
      expect(JSON.stringify(turn)).not.toContain('Kettle');
    }
    const genuine = await bot.start('genuine', { startParam: signData('42', secrets) });
    expect(genuine.messages[0]?.text).toBe('Your order: Kettle (shipped).');
  });
});
