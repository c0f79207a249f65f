import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryStore, type ListedConversation } from '../../../engine/index.js';
import { startApi, turnOf } from '../../support/json-api.js';
import { scriptOf, yaml } from '../../support/scripts.js';

const TOKEN = 'tok_2c6f0e1a9b7d4e35';
const WITH_TOKEN = { Authorization: `Bearer ${TOKEN}` };

/** Every kind of ask, and a variable only the token may see. */
const KINDS = scriptOf(yaml`
  botflow: 1
  name: kinds
  variables: { size: '', secretNote: 'internal' }
  expose: [size, email]
  blocks:
    intro:
      type: message
      text: Welcome
      buttons: [Go]
      next: size
    size:
      type: ask
      text: 'Which size?'
      save: size
      retries: 1
      choices:
        - { label: Small, value: S }
        - { label: Medium }
        - { label: Large, value: 3 }
      next: email
    email:
      type: ask
      text: 'Your email?'
      save: email
      expect: email
      retries: 0
      next: code
    code:
      type: ask
      text: 'Your code?'
      save: code
      expect: { pattern: '^[A-Z]{3}$' }
      next: done
    done: { type: end, text: 'Bye', result: done }
`);

async function listed(store: MemoryStore): Promise<ListedConversation[]> {
  const all: ListedConversation[] = [];
  for await (const conversation of store.conversations()) all.push(conversation);
  return all;
}

describe('the turn answer', () => {
  it('gives buttons with the values that pick them, and says what the bot waits for', async () => {
    const api = await startApi({ bot: { script: KINDS } });
    const first = await turnOf(await api.call('POST', '/conversations/k/start', {}));
    const choices = [
      { label: 'Small', value: 'S' },
      { label: 'Medium', value: 'Medium' },
      { label: 'Large', value: '3' },
    ];
    expect(first.messages).toEqual([
      { text: 'Welcome', buttons: [{ label: 'Go', value: 'Go' }] },
      { text: 'Which size?', buttons: choices },
    ]);
    expect(first.input).toEqual({ kind: 'choice', choices, retriesLeft: 1 });

    const bad = await turnOf(await api.call('POST', '/conversations/k/messages', { text: 'XL' }));
    expect(bad.input).toEqual({ kind: 'choice', choices, retriesLeft: 0 });
    // GET tells the same, from the stored record.
    expect((await turnOf(await api.call('GET', '/conversations/k'))).input).toEqual(bad.input);

    // A button's value picks it (a number written as text).
    const email = await turnOf(await api.call('POST', '/conversations/k/messages', { text: '3' }));
    expect(email).toMatchObject({ block: 'email', input: { kind: 'email', retriesLeft: 0 } });
    expect(email.input).not.toHaveProperty('choices');
    expect(email.variables).toEqual({ size: 3, email: '' });

    const code = await turnOf(await api.call('POST', '/conversations/k/messages', { text: 'a@b.co' }));
    expect(code).toMatchObject({ block: 'code', input: { kind: 'pattern', retriesLeft: 2 } });
    expect(code.variables).toEqual({ size: 3, email: 'a@b.co' });

    const ended = await turnOf(await api.call('POST', '/conversations/k/messages', { text: 'ABC' }));
    expect(ended.status).toBe('ended');
    expect(ended).not.toHaveProperty('input');
  });

  it('shows no variable a script does not expose, never its trace, and every one only to the token', async () => {
    const api = await startApi({ bot: { script: KINDS, trace: true }, apiToken: TOKEN });
    const turn = await turnOf(await api.call('POST', '/conversations/k/start', {}, WITH_TOKEN));
    expect(Object.keys(turn)).toEqual([
      'messages',
      'status',
      'block',
      'input',
      'variables',
      'result',
      'diagnostics',
    ]);
    expect(turn.variables).toEqual({ size: '', email: '' });

    const all = await turnOf(await api.call('GET', '/conversations/k?variables=all', undefined, WITH_TOKEN));
    expect(all.variables).toMatchObject({ size: '', secretNote: 'internal', channel: '', response: '' });

    const bad = await api.call('GET', '/conversations/k?variables=every', undefined, WITH_TOKEN);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { code: 'http.bad-query', message: 'the query parameter variables takes exposed or all' },
    });
  });

  it('refuses ?variables=all on a server without a token, before the turn runs', async () => {
    const api = await startApi({ bot: { script: KINDS } });
    await turnOf(await api.call('POST', '/conversations/k/start', {}));
    const before = await api.store.get('k');
    const refused = await api.call('POST', '/conversations/k/messages?variables=all', { text: 'Small' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: {
        code: 'http.token-required',
        message: 'variables=all needs the API token, and this server has none',
      },
    });
    expect(await api.store.get('k')).toEqual(before);
  });

  it('shows no variables at all for a script without expose', async () => {
    const api = await startApi({
      bot: {
        script: scriptOf(yaml`
          botflow: 1
          name: quiet
          variables: { plan: pro }
          blocks:
            ask: { type: ask, text: 'Name?', save: name }
        `),
      },
    });
    expect((await turnOf(await api.call('POST', '/conversations/k/start', {}))).variables).toEqual({});
  });
});

describe('DELETE /conversations/:key', () => {
  it('erases the record, its report listing entry and its transcript: 204, then 404', async () => {
    const store = new MemoryStore();
    const api = await startApi({ bot: { store, transcripts: 10 } });
    await turnOf(await api.call('POST', '/conversations/web%3A1/start', {}));
    await turnOf(await api.call('POST', '/conversations/other/start', {}));
    expect((await listed(store)).map(({ key }) => key)).toEqual(['web:1', 'other']);

    const erased = await api.call('DELETE', '/conversations/web%3A1');
    expect(erased.status).toBe(204);
    expect(erased.headers.get('content-length')).toBeNull();
    expect(await erased.text()).toBe('');
    expect(await store.get('web:1')).toBeUndefined();
    expect((await listed(store)).map(({ key }) => key)).toEqual(['other']);
    for (const path of ['/conversations/web%3A1', '/conversations/web%3A1/transcript']) {
      const gone = await api.call('GET', path);
      expect(gone.status).toBe(404);
      expect(await gone.json()).toMatchObject({ error: { code: 'conversation.not-found' } });
    }
    expect((await api.call('DELETE', '/conversations/web%3A1')).status).toBe(404);
  });
});

describe('GET /conversations/:key/transcript', () => {
  it('gives the last N messages, oldest first, each cut and masked', async () => {
    const api = await startApi({
      bot: {
        transcripts: 6,
        env: { CRM_TOKEN: 'crm-secret-123' },
        script: scriptOf(yaml`
          botflow: 1
          name: echo
          env: [CRM_TOKEN]
          blocks:
            ask: { type: ask, text: 'Say?', save: said, next: echo }
            echo: { type: message, text: 'You said {{ said }}', next: ask }
        `),
        clock: () => new Date('2026-12-07T00:00:00.000Z'),
      },
    });
    await turnOf(await api.call('POST', '/conversations/k/start', {}));
    for (const text of ['one', 'x'.repeat(5000), 'my crm-secret-123']) {
      await turnOf(await api.call('POST', '/conversations/k/messages', { text }));
    }
    const response = await api.call('GET', '/conversations/k/transcript');
    expect(response.status).toBe(200);
    const at = '2026-12-07T00:00:00.000Z';
    expect(await response.json()).toEqual({
      messages: [
        { from: 'user', text: 'x'.repeat(4096), at },
        { from: 'bot', text: `You said ${'x'.repeat(4087)}`, at },
        { from: 'bot', text: 'Say?', at },
        { from: 'user', text: 'my ***', at },
        { from: 'bot', text: 'You said my ***', at },
        { from: 'bot', text: 'Say?', at },
      ],
    });
  });

  it('is 409 transcript.off when the server keeps none', async () => {
    const api = await startApi();
    await turnOf(await api.call('POST', '/conversations/k/start', {}));
    const response = await api.call('GET', '/conversations/k/transcript');
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: 'transcript.off' } });
  });
});

describe('public web chats', () => {
  const webKey = () => `web:${randomUUID()}`;

  it('let a caller without the token talk in a web: key of 22 or more random characters, and nowhere else', async () => {
    const api = await startApi({ apiToken: TOKEN, publicChat: true });
    const path = `/conversations/${encodeURIComponent(webKey())}`;
    const turn = await turnOf(await api.call('POST', `${path}/start`, {}));
    expect(turn.block).toBe('pick');
    expect((await turnOf(await api.call('POST', `${path}/messages`, { text: 'Pro' }))).block).toBe(
      'ask-note',
    );
    expect((await turnOf(await api.call('GET', path))).variables).toMatchObject({ plan: 'pro' });

    const all = await api.call('GET', `${path}?variables=all`);
    expect(all.status).toBe(403);
    expect(await all.json()).toMatchObject({ error: { code: 'http.token-required' } });

    const weak = await api.call('POST', '/conversations/web%3Ashort-key/start', {});
    expect(weak.status).toBe(400);
    expect(await weak.json()).toEqual({
      error: {
        code: 'http.weak-key',
        message:
          'without the API token, a web: or rest: conversation key needs at least 22 random characters after its prefix (crypto.randomUUID())',
      },
    });
    const other = await api.call('POST', `/conversations/telegram%3A${'1'.repeat(30)}/start`, {});
    expect(other.status).toBe(401);
    expect(other.headers.get('www-authenticate')).toBe('Bearer');
    expect((await api.call('GET', '/reports/conversations')).status).toBe(401);

    // The token still opens every key, and every variable.
    const trusted = await api.call('GET', `${path}?variables=all`, undefined, WITH_TOKEN);
    expect((await turnOf(trusted)).variables).toMatchObject({ plan: 'pro', channel: '' });
    expect((await api.call('DELETE', path)).status).toBe(204);
  });

  it('are off unless asked: a web: key without the token is 401', async () => {
    const api = await startApi({ apiToken: TOKEN });
    const response = await api.call('POST', `/conversations/${encodeURIComponent(webKey())}/start`, {});
    expect(response.status).toBe(401);
  });
});
