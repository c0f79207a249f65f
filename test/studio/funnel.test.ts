import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { describe, expect, onTestFinished, test } from 'vitest';
import { createBot, RedisStore, SqliteStore, type SessionStore } from '../../engine/index.js';
import { NO_STORE_HINT, type FunnelSetup, type StudioFunnel } from '../../studio/protocol.js';
import { runCli } from '../support/cli.js';
import { scriptOf, SIGN_UP } from '../support/scripts.js';
import { findBlock, keepScreenshot, openStudioPage, StudioProcess, useBrowser } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';
import { RedisServer } from '../store/redis-server.js';

const browser = useBrowser();
const temp = useTempFolders('botflow-studio-funnel-');

/**
 * bot.yaml and the SQLite store its bot wrote, by real turns: four conversations start, one picks
 * Pro, one Basic, two still wait at `pick` (a drop-off of 50%).
 */
async function signUpProject(): Promise<{ dir: string; file: string; db: string }> {
  const dir = await temp.project({ 'bot.yaml': SIGN_UP });
  const db = join(dir, 'sessions.db');
  await signUpTurns(new SqliteStore(db));
  return { dir, file: join(dir, 'bot.yaml'), db };
}

async function signUpTurns(store: SessionStore & { close(): Promise<void> }): Promise<void> {
  try {
    const bot = createBot({ script: scriptOf(SIGN_UP), store });
    for (const key of ['a', 'b', 'c', 'd']) await bot.start(key);
    await bot.send('a', 'Pro');
    await bot.send('b', 'Basic');
  } finally {
    await store.close();
  }
}

const none = { waiting: 0, ended: 0, error: 0 };

describe('GET /api/funnel', () => {
  test('answers the store’s counts for the saved script, and blocks it no longer has apart', async () => {
    const { file, db } = await signUpProject();
    const studio = await StudioProcess.start(file, ['--store', `sqlite:${db}`]);
    expect(await studio.call('/api/funnel/setup')).toEqual({
      status: 200,
      body: { store: db } satisfies FunnelSetup,
    });
    const answer = await studio.call('/api/funnel');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      revision: 1,
      conversations: 4,
      stopped: { waiting: 2, ended: 2, error: 0 },
      blocks: [
        {
          id: 'pick',
          type: 'ask',
          entered: 4,
          stopped: { ...none, waiting: 2 },
          dropOff: 50,
          edges: [
            { edge: 'next', target: 'route', taken: 2 },
            { edge: 'choices[0]', target: null, taken: 1 },
            { edge: 'choices[1]', target: null, taken: 1 },
          ],
        },
        {
          id: 'route',
          type: 'condition',
          entered: 2,
          stopped: none,
          dropOff: 0,
          edges: [
            { edge: 'branches[0].next', target: 'pro', taken: 1 },
            { edge: 'else', target: 'basic', taken: 1 },
          ],
        },
        { id: 'pro', type: 'end', entered: 1, stopped: { ...none, ended: 1 }, dropOff: 0, edges: [] },
        { id: 'basic', type: 'end', entered: 1, stopped: { ...none, ended: 1 }, dropOff: 0, edges: [] },
      ],
      retired: [],
    } satisfies StudioFunnel);

    // The script saved with `basic` renamed: its counts are listed apart, the new block has none.
    await writeFile(file, SIGN_UP.replaceAll('basic:', 'standard:').replace('else: basic', 'else: standard'));
    await expect.poll(async () => ((await studio.call('/api/funnel')).body as StudioFunnel).revision).toBe(2);
    const renamed = (await studio.call('/api/funnel')).body as StudioFunnel;
    expect(renamed.blocks.map((block) => [block.id, block.entered])).toEqual([
      ['pick', 4],
      ['route', 2],
      ['pro', 1],
      ['standard', 0],
    ]);
    expect(renamed.blocks[1]?.edges).toContainEqual({ edge: 'else', target: 'standard', taken: 1 });
    expect(renamed.retired).toEqual([
      { id: 'basic', type: null, entered: 1, stopped: { ...none, ended: 1 }, dropOff: 0, edges: [] },
    ]);
  });

  test('needs the token, as every route of the studio', async () => {
    const { file, db } = await signUpProject();
    const studio = await StudioProcess.start(file, ['--store', `sqlite:${db}`]);
    const answer = await studio.raw('/api/funnel', { host: new URL(studio.origin).host });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'studio.bad-token' } });
  });

  test('without --store: the setup says so, and the funnel answers how to get one', async () => {
    const { file } = await signUpProject();
    const studio = await StudioProcess.start(file);
    expect((await studio.call('/api/funnel/setup')).body).toEqual({ store: null });
    expect(await studio.call('/api/funnel')).toEqual({
      status: 409,
      body: { error: { code: 'studio.no-store', message: NO_STORE_HINT } },
    });
  });

  test('a store that fails answers one sentence naming it, and the studio goes on', async () => {
    const { file, db } = await signUpProject();
    const studio = await StudioProcess.start(file, ['--store', `sqlite:${db}`]);
    // Another program breaks the file under the studio.
    const other = new Database(db);
    other.exec('DROP TABLE funnel');
    other.close();
    const answer = await studio.call('/api/funnel');
    expect(answer).toEqual({
      status: 503,
      body: {
        error: {
          code: 'store.unavailable',
          message: `cannot read the funnel: the session store ${db} failed: no such table: funnel`,
        },
      },
    });
    expect((await studio.call('/api/script')).status).toBe(200);
  });

  test('reads a Redis store as well, and says so in one sentence when Redis stops', async () => {
    const redis = await RedisServer.start();
    onTestFinished(async () => {
      await redis.dispose();
    });
    await signUpTurns(new RedisStore(redis.url));
    const { file } = await signUpProject();
    const studio = await StudioProcess.start(file, ['--store', redis.url]);
    const where = `redis://127.0.0.1:${redis.port}`;
    expect((await studio.call('/api/funnel/setup')).body).toEqual({ store: where });
    const answer = (await studio.call('/api/funnel')).body as StudioFunnel;
    expect(answer).toMatchObject({ conversations: 4, stopped: { waiting: 2, ended: 2, error: 0 } });
    expect(answer.blocks.map((block) => [block.id, block.entered, block.dropOff])).toEqual([
      ['pick', 4, 50],
      ['route', 2, 0],
      ['pro', 1, 0],
      ['basic', 1, 0],
    ]);

    await redis.stop();
    expect(await studio.call('/api/funnel')).toEqual({
      status: 503,
      body: {
        error: {
          code: 'store.unavailable',
          message: `cannot read the funnel: cannot reach the session store at ${where}`,
        },
      },
    });
  });

  test('a store that is not there stops the studio before it serves', async () => {
    const { file, dir } = await signUpProject();
    const missing = join(dir, 'nowhere.db');
    const result = await runCli(['studio', file, '--no-open', '--store', `sqlite:${missing}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`botflow: there is no session store at ${missing}\n`);
    expect(result.stdout).toBe('');
  });
});

/** The Funnel tab's panel: other tabs have buttons of the same names. */
const panel = (page: Page) => page.getByRole('tabpanel', { name: 'Funnel' });

/** What the graph shows of the funnel: each block's badge (with its colour) and each edge's count, by id. */
const overlayOf = (page: Page) =>
  page.locator('.canvas svg.graph').evaluate((svg) => {
    const shown = (selector: string, owner: string, say: (element: SVGGElement) => string) =>
      Object.fromEntries(
        [...svg.querySelectorAll<SVGGElement>(selector)].map((element): [string, string] => [
          element.closest<SVGGElement>(owner)?.dataset.id ?? '',
          say(element),
        ]),
      );
    return {
      badges: shown('.node .funnel-badge', '.node', (badge) => {
        const colour = [...badge.classList].filter((name) => name.startsWith('drop-')).join();
        return `${badge.textContent} (${colour})`;
      }),
      counts: shown('.edge .funnel-count', '.edge', (count) => count.textContent),
    };
  });

const SHOWN = {
  badges: {
    pick: '4 in · 50% drop-off (drop-most)',
    route: '2 in · 0% drop-off (drop-low)',
    pro: '1 in · 0% drop-off (drop-low)',
    basic: '1 in · 0% drop-off (drop-low)',
  },
  counts: { 'pick next': '2', 'route branches[0].next': '1', 'route else': '1' },
};

describe('the Funnel tab', () => {
  test('lays the counts over the graph without drawing it again, lists them, and Clear takes them off', async () => {
    const { file, db } = await signUpProject();
    const studio = await StudioProcess.start(file, ['--store', `sqlite:${db}`]);
    const page = await openStudioPage(browser(), studio);
    await page.locator('.canvas[data-revision="1"]').waitFor();
    // A property on a drawn block, lost if the overlay drew the graph anew.
    await page.locator('.node[data-id="pick"]').evaluate((node) => {
      (node as unknown as { kept: boolean }).kept = true;
    });

    await page.getByRole('tab', { name: 'Funnel' }).click();
    const status = panel(page).getByRole('status');
    await expect.poll(() => status.innerText()).toBe(`Press Refresh to count the conversations in ${db}.`);
    await panel(page).getByRole('button', { name: 'Refresh' }).click();
    await expect
      .poll(() => panel(page).locator('.funnel-totals').innerText())
      .toBe('4 conversations: 2 waiting, 2 ended, 0 error');
    expect(await status.innerText()).toBe(`Counted from ${db}.`);
    expect(await overlayOf(page)).toEqual(SHOWN);
    expect(
      await page
        .locator('.node[data-id="pick"]')
        .evaluate((node) => (node as unknown as { kept?: boolean }).kept),
    ).toBe(true);
    const rows = await panel(page)
      .getByRole('table', { name: 'Blocks' })
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => (cell as HTMLElement).innerText)));
    expect(rows).toEqual([
      ['pick\nnext → route: 2\nchoices[0]: 1\nchoices[1]: 1', '4', '2', '0', '0', '50%'],
      ['route\nbranches[0].next → pro: 1\nelse → basic: 1', '2', '0', '0', '0', '0%'],
      ['pro', '1', '0', '1', '0', '0%'],
      ['basic', '1', '0', '1', '0', '0%'],
    ]);
    await keepScreenshot(page, 'funnel');

    // A block's name in the list selects it.
    await panel(page).getByRole('button', { name: 'route' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'route' }).count()).toBe(1);

    // A block moved (Alt+arrow) takes its edges' counts along: 20 down.
    const countAt = async () => {
      const transform = await page
        .locator('.edge[data-id="pick next"] .funnel-count')
        .getAttribute('transform');
      return (transform?.match(/-?[\d.]+/g) ?? []).map(Number);
    };
    const [x = 0, y = 0] = await countAt();
    await findBlock(page, 'pick');
    await page.keyboard.press('Alt+ArrowDown');
    await expect
      .poll(async () => {
        const [movedX = 0, movedY = 0] = await countAt();
        return [Math.round(movedX - x), Math.round(movedY - y)];
      })
      .toEqual([0, 20]);

    await page.getByRole('tab', { name: 'Funnel' }).click();
    await panel(page).getByRole('button', { name: 'Clear' }).click();
    expect(await overlayOf(page)).toEqual({ badges: {}, counts: {} });
    expect(await panel(page).getByRole('table', { name: 'Blocks' }).count()).toBe(1);
  });

  test('a change of the script on disk takes the counts off as stale; Refresh lays the new ones', async () => {
    const { file, db } = await signUpProject();
    const studio = await StudioProcess.start(file, ['--store', `sqlite:${db}`]);
    const page = await openStudioPage(browser(), studio);
    await page.getByRole('tab', { name: 'Funnel' }).click();
    await panel(page).getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(async () => (await overlayOf(page)).badges).toEqual(SHOWN.badges);

    await writeFile(file, SIGN_UP.replaceAll('basic:', 'standard:').replace('else: basic', 'else: standard'));
    const status = panel(page).getByRole('status');
    await expect.poll(() => status.innerText()).toContain('Stale');
    expect(await overlayOf(page)).toEqual({ badges: {}, counts: {} });

    await panel(page).getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => status.innerText()).toBe(`Counted from ${db}.`);
    expect(await overlayOf(page)).toEqual({
      badges: { ...SHOWN.badges, basic: undefined, standard: '0 in (drop-none)' },
      counts: SHOWN.counts,
    });
    expect(
      await panel(page)
        .getByRole('table', { name: 'No longer in the script' })
        .locator('tbody tr')
        .innerText(),
    ).toMatch(/^basic\t1\t0\t1\t0\t0%$/);
  });

  test('without --store, the tab says how to start the studio with one', async () => {
    const { file } = await signUpProject();
    const studio = await StudioProcess.start(file);
    const page = await openStudioPage(browser(), studio);
    await page.getByRole('tab', { name: 'Funnel' }).click();
    await expect.poll(() => panel(page).getByRole('status').innerText()).toBe(NO_STORE_HINT);
    expect(await panel(page).getByRole('button', { name: 'Refresh' }).isDisabled()).toBe(true);
  });
});
