import { describe, expect, it } from 'vitest';
import { encodePayload, loadScript } from '../../../engine/index.js';
import { manyVariables } from '../../support/scripts.js';
import { PLANS, startApi, turnOf } from '../../support/json-api.js';

describe('the JSON API', () => {
  it('drives a conversation from start to end, and GET shows where it stands', async () => {
    const api = await startApi();
    const start = await api.call('POST', '/conversations/web%3A1/start', {
      payload: { v: { firstName: 'Ann' } },
      channel: 'web',
    });
    expect(start.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(start.headers.get('cache-control')).toBe('no-store');
    const first = await turnOf(start);
    expect(first.messages).toEqual([
      {
        text: 'Hello Ann! Which plan?',
        buttons: [
          { label: 'Basic', value: 'basic' },
          { label: 'Pro', value: 'pro' },
        ],
      },
    ]);
    expect(first).toMatchObject({ status: 'waiting', block: 'pick' });
    // Only what the script exposes: not `channel`, nor any other system variable.
    expect(first.variables).toEqual({ firstName: 'Ann', notes: '', note: '', plan: '' });

    const picked = await turnOf(await api.call('POST', '/conversations/web%3A1/messages', { text: 'pro' }));
    expect(picked.messages.map((message) => message.text)).toEqual(['Any notes? Say stop to finish.']);
    await turnOf(await api.call('POST', '/conversations/web%3A1/messages', { text: 'call me' }));
    const last = await turnOf(await api.call('POST', '/conversations/web%3A1/messages', { text: 'stop' }));
    expect(last).toMatchObject({ status: 'ended', block: 'done', result: 'chosen' });
    expect(last.messages).toEqual([{ text: 'Thanks, pro it is.' }]);
    expect(last.variables).toMatchObject({ plan: 'pro', notes: 'call me,stop' });

    const shown = await turnOf(await api.call('GET', '/conversations/web%3A1'));
    expect(shown).toMatchObject({ status: 'ended', block: 'done', result: 'chosen', messages: [] });
    expect(shown.variables).toMatchObject({ firstName: 'Ann', plan: 'pro', notes: 'call me,stop' });
  });

  it('GET shows a stored conversation over the bot’s variable limits, with why, rather than 404', async () => {
    const api = await startApi({ bot: { maxVariables: 1 }, apiToken: 'secret' });
    const token = { Authorization: 'Bearer secret' };
    await api.store.put(
      'k',
      JSON.stringify({ s: PLANS.version, b: 'pick', v: { a: '1', b: '2' } }),
      undefined,
    );
    await api.store.put(
      'far',
      JSON.stringify({ s: PLANS.version, b: 'pick', v: manyVariables(801) }),
      undefined,
    );
    const shown = await turnOf(await api.call('GET', '/conversations/k?variables=all', undefined, token));
    expect(shown).toMatchObject({ status: 'waiting', block: 'pick', variables: { a: '1', b: '2' } });
    expect(shown.diagnostics.map(({ severity, code }) => [severity, code])).toEqual([
      ['warning', 'conversation.over-limit'],
    ]);
    const far = await turnOf(await api.call('GET', '/conversations/far', undefined, token));
    expect(far).toMatchObject({ status: 'waiting', block: 'pick' });
    expect(far.diagnostics.map(({ severity, code }) => [severity, code])).toEqual([
      ['error', 'conversation.over-limit'],
    ]);
  });

  it('applies a message retried with the same messageId once', async () => {
    const api = await startApi();
    await api.call('POST', '/conversations/k/start', {});
    const message = { text: 'call me', messageId: 'client-42' };
    await turnOf(await api.call('POST', '/conversations/k/messages', { text: 'pro' }));
    const first = await turnOf(await api.call('POST', '/conversations/k/messages', message));
    const retried = await turnOf(await api.call('POST', '/conversations/k/messages', message));
    expect(first.variables).toMatchObject({ notes: 'call me' });
    expect(retried.messages).toEqual([]);
    expect(retried.variables).toMatchObject({ notes: 'call me' });
    expect(retried.diagnostics.map(({ code }) => code)).toEqual(['message.duplicate']);
  });

  it('starts from an invitation link’s data, and the decoded key is what the store holds', async () => {
    const api = await startApi();
    const startParam = encodePayload({ variables: { firstName: 'Иван' } });
    const turn = await turnOf(await api.call('POST', '/conversations/telegram%3A42/start', { startParam }));
    expect(turn.messages[0]?.text).toBe('Hello Иван! Which plan?');
    expect(turn.variables).toMatchObject({ firstName: 'Иван' });
    expect(await api.store.get('telegram:42')).toBeDefined();
  });

  it('runs the seed’s client-identification script from its invitation link', async () => {
    const api = await startApi({
      bot: { script: await loadScript('scripts/client-identification.yaml') },
      apiToken: 'secret',
    });
    const turn = await turnOf(
      await api.call(
        'POST',
        '/conversations/telegram%3A7/start?variables=all',
        { startParam: 'eyJ2Ijp7ImNsX2RhdGEiOiJKb2huIFNtaXRoIDIzIn19', channel: 'telegram' },
        { Authorization: 'Bearer secret' },
      ),
    );
    expect(turn.messages).toEqual([
      { text: 'Hello, John Smith! Glad to see you again.' },
      {
        text: 'As a client of 23, you can open a credit line today.',
        buttons: [
          { label: 'Tell me more', value: 'Tell me more' },
          { label: 'Not now', value: 'Not now' },
        ],
      },
      { text: 'Have a nice day!' },
    ]);
    expect(turn).toMatchObject({
      status: 'ended',
      result: 'identified',
      variables: { age: 23, channel: 'telegram' },
    });
  });

  it('accepts a start with an empty body object and a key with an encoded slash and Unicode', async () => {
    const api = await startApi();
    const path = `/conversations/${encodeURIComponent('team/Zoë')}`;
    const turn = await turnOf(await api.call('POST', `${path}/start`, {}));
    expect(turn).toMatchObject({ status: 'waiting', block: 'pick' });
    expect(await api.store.get('team/Zoë')).toBeDefined();
    expect((await turnOf(await api.call('GET', path))).block).toBe('pick');
  });

  it('answers a message to an unknown key by starting it afresh, as the bot does', async () => {
    const api = await startApi();
    const turn = await turnOf(await api.call('POST', '/conversations/new/messages', { text: 'Pro' }));
    // The text was not read as a reply (nothing had been asked), and the turn says so.
    expect(turn).toMatchObject({ status: 'waiting', block: 'pick', variables: { plan: '' } });
    expect(turn.diagnostics).toEqual([
      {
        severity: 'info',
        code: 'conversation.started',
        message:
          'there was no conversation under this key; this message started one and was not read as a reply',
      },
    ]);
  });

  it('logs one line per request with the route pattern, never the key', async () => {
    const api = await startApi();
    // A key no random request id can contain (ids are hex and dashes), so the check cannot flake.
    const response = await api.call('POST', '/conversations/telegram%3Aprivate-chat/start', {});
    expect(response.status).toBe(200);
    await api.call('GET', '/nowhere');
    expect(api.logs.map((line) => [line.level, line.message, line.fields.route, line.fields.status])).toEqual(
      [
        ['info', 'request', '/conversations/:key/start', 200],
        ['info', 'request', null, 404],
      ],
    );
    expect(api.logs[0]?.fields).toMatchObject({
      method: 'POST',
      requestId: response.headers.get('x-request-id'),
    });
    expect(api.logs[0]?.fields.durationMs).toEqual(expect.any(Number));
    expect(JSON.stringify(api.logs)).not.toContain('private-chat');
  });
});
