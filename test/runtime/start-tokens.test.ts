import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBot, loadScript, MemoryStore, SqliteStore, type SessionStore } from '../../engine/index.js';
import { issueStartToken } from '../../engine/links/token-store.js';
import { useTempFolders } from '../support/temp-folders.js';

const identification = await loadScript('scripts/client-identification.yaml');
const temp = useTempFolders('botflow-start-tokens-');

/** Over the 64 characters of a link: it can only travel as a start token. */
const LONG = { e: 'anna.smith@example.com', v: { cl_data: 'Anna Smith 31', city: 'Saint Petersburg' } };
const DAY = 86_400_000;
const T = Date.UTC(2026, 5, 1);

/** A bot whose clock the test sets. */
function botAt(store: SessionStore, clock: { now: number }) {
  return createBot({ script: identification, store, clock: () => new Date(clock.now) });
}

describe('a start token', () => {
  it.each([
    ['MemoryStore', () => new MemoryStore()],
    ['SqliteStore', () => new SqliteStore(join(temp.root, 'tokens.db'))],
  ])('seeds the stored payload’s variables from %s, and counts the start', async (_, makeStore) => {
    const store = makeStore();
    const token = await issueStartToken(store, LONG, { now: T, expiresAt: T + 30 * DAY });
    expect(token).toMatch(/^-[A-Za-z0-9_-]{22}$/);
    const turn = await botAt(store, { now: T + DAY }).start('telegram:1', {
      startParam: token,
      channel: 'telegram',
    });
    expect(turn.variables).toMatchObject({
      startParam: token,
      email: 'anna.smith@example.com',
      city: 'Saint Petersburg',
      firstName: 'Anna',
      age: 31,
    });
    expect(turn.diagnostics).toEqual([]);
    expect(await store.readLink(token, T + DAY)).toMatchObject({ clicks: 1 });
  });

  it('keeps the expiry its payload carries (x), and then seeds nothing and is not verified', async () => {
    const store = new MemoryStore();
    const token = await issueStartToken(store, { eId: 'victim-123', x: T / 1000 }, { now: T - DAY });
    const turn = await botAt(store, { now: T + 1 }).start('a', { startParam: token });
    expect(turn.variables).toMatchObject({ startParam: token, clientExternalId: '', linkVerified: false });
    expect(turn.diagnostics).toMatchObject([{ severity: 'error', code: 'start.expired' }]);
  });

  it('seeds nothing but startParam once expired, by the bot’s clock, with a diagnostic', async () => {
    const store = new MemoryStore();
    const token = await issueStartToken(store, LONG, { now: T, expiresAt: T + 30 * DAY });
    const clock = { now: T + 30 * DAY - 1 };
    const bot = botAt(store, clock);
    expect((await bot.start('a', { startParam: token })).variables).toMatchObject({
      city: 'Saint Petersburg',
    });
    clock.now = T + 30 * DAY;
    const turn = await bot.start('b', { startParam: token });
    expect(turn.variables).toMatchObject({ startParam: token, city: '', email: '', clientExternalId: '' });
    expect(turn.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'start.unknown-token',
        message:
          'the start value is a start token that this bot’s store does not hold (unknown, or expired); it seeds nothing',
      },
    ]);
  });

  it('seeds nothing from a token another store issued', async () => {
    const token = await issueStartToken(new MemoryStore(), LONG, { now: T });
    const turn = await botAt(new MemoryStore(), { now: T }).start('k', { startParam: token });
    expect(turn.variables).toMatchObject({ startParam: token, clientExternalId: '', city: '' });
    expect(turn.diagnostics.map((d) => d.code)).toEqual(['start.unknown-token']);
  });

  it('seeds nothing from a store that keeps no links', async () => {
    const memory = new MemoryStore();
    const token = await issueStartToken(memory, LONG, { now: T });
    // A store of someone's own, with the session calls only.
    const plain: SessionStore = {
      get: (key) => memory.get(key),
      put: (key, data, expected) => memory.put(key, data, expected),
      delete: (key) => memory.delete(key),
    };
    const turn = await botAt(plain, { now: T }).start('k', { startParam: token });
    expect(turn.variables).toMatchObject({ city: '' });
    expect(turn.diagnostics[0]?.message).toBe(
      'the start value is a start token that this bot cannot resolve: its store keeps no links; it seeds nothing',
    );
  });

  it.each(['-short', `-${'a'.repeat(23)}`, `-${'a'.repeat(21)}=`, '-'])(
    'seeds nothing from %j, which begins like a token but is none',
    async (startParam) => {
      const turn = await createBot({ script: identification }).start('k', { startParam });
      expect(turn.variables).toMatchObject({ startParam, clientExternalId: '' });
      expect(turn.diagnostics.map((d) => d.code)).toEqual(['start.bad-token']);
    },
  );
});
