import { describe, expect, it } from 'vitest';
import { startApi, turnOf } from '../../support/json-api.js';

describe('concurrent requests', () => {
  it('runs 20 conversations side by side, each keeping its own variables', async () => {
    const api = await startApi();
    const names = Array.from({ length: 20 }, (_, i) => `user${i}`);
    const finals = await Promise.all(
      names.map(async (name, i) => {
        const path = `/conversations/web%3A${name}`;
        await turnOf(await api.call('POST', `${path}/start`, { payload: { v: { firstName: name } } }));
        for (const text of [i % 2 ? 'Pro' : 'Basic', `note of ${name}`, 'stop']) {
          await turnOf(await api.call('POST', `${path}/messages`, { text }));
        }
        return turnOf(await api.call('GET', path));
      }),
    );
    for (const [i, turn] of finals.entries()) {
      expect(turn).toMatchObject({ status: 'ended', result: 'chosen' });
      expect(turn.variables).toMatchObject({
        firstName: names[i],
        plan: i % 2 ? 'pro' : 'basic',
        notes: `note of ${names[i]},stop`,
      });
    }
  });

  it('applies messages sent to one key at once one after another: none lost, none doubled', async () => {
    const api = await startApi();
    await turnOf(await api.call('POST', '/conversations/k/start', {}));
    await turnOf(await api.call('POST', '/conversations/k/messages', { text: 'Basic' }));
    const notes = Array.from({ length: 20 }, (_, i) => `n${i}`);
    const turns = await Promise.all(
      notes.map(async (text) => turnOf(await api.call('POST', '/conversations/k/messages', { text }))),
    );
    // Each turn saw the one before it: ordered by length, every notes list extends the previous by its own note.
    const applied = turns
      .map(({ variables: { notes } }) => (typeof notes === 'string' ? notes.split(',') : []))
      .sort((a, b) => a.length - b.length);
    for (const [i, list] of applied.entries()) {
      expect(list.length).toBe(i + 1);
      expect(list.slice(0, i)).toEqual(applied[i - 1] ?? []);
    }
    const final = applied.at(-1) ?? [];
    expect([...final].sort()).toEqual([...notes].sort());
    const stored = await turnOf(await api.call('GET', '/conversations/k'));
    expect(stored.variables.notes).toBe(final.join(','));
  });
});
