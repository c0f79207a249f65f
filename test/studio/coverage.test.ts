import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { runSuite } from '../../qa/run-suite.js';
import type { CoverageReport, StudioModel } from '../../studio/protocol.js';
import { runCli } from '../support/cli.js';
import { keepScreenshot, openStudioPage, StudioProcess, useBrowser } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';

const browser = useBrowser();
const temp = useTempFolders('botflow-studio-coverage-');

/** Every sample script that has a case file beside it. */
const SAMPLES = ['order-status', 'lead-capture', 'client-identification'];

/** What `botflow test <case file> --coverage` prints, read back. */
interface CliCoverage {
  /** `blocks 7/8 (87%), branches 9/12 (75%)` */
  readonly counts: string;
  /** `5 passed, 1 failed` */
  readonly results: string;
  /** `line 21: topic → invalid is never taken`, as the page words them. */
  readonly unreached: string[];
  /** `block edge` keys, '' edge for a block. */
  readonly unreachedKeys: string[];
}

async function cliCoverage(caseFile: string, cwd?: string): Promise<CliCoverage> {
  const { stdout } = await runCli(['test', caseFile, '--coverage'], cwd === undefined ? {} : { cwd });
  const lines = stdout.trimEnd().split('\n');
  const head = lines.findIndex((line) => line.startsWith('coverage of '));
  const counts = /^coverage of [^:]+: (.*)$/.exec(lines[head] ?? '')?.[1] ?? '';
  const places = lines.slice(head + 1).flatMap((line) => {
    const match = /^ {2}[^:]+:(\d+): (.*)$/.exec(line);
    return match ? [{ line: match[1] ?? '', text: match[2] ?? '' }] : [];
  });
  return {
    counts,
    results: lines.at(-1) ?? '',
    unreached: places.map(({ line, text }) => `line ${line}: ${text}`),
    unreachedKeys: places.map(({ text }) => {
      const block = /^block "(.+)" is never reached$/.exec(text)?.[1];
      if (block !== undefined) return `${block} `;
      const [from = '', edge = ''] = text.replace(/ is never taken$/, '').split(' → ');
      return `${from} ${edge}`;
    }),
  };
}

const keysOf = (items: CoverageReport['unreached']) => items.map(({ block, edge }) => `${block} ${edge}`);

async function coverage(studio: StudioProcess, body: unknown = {}): Promise<CoverageReport> {
  const answer = await studio.call('/api/coverage', body);
  expect(answer.status).toBe(200);
  return answer.body as CoverageReport;
}

/** A copy of order-status.yaml and its case file in a temp folder, with the files given beside. */
async function orderStatusProject(files: Readonly<Record<string, string>> = {}): Promise<string> {
  return temp.project({
    'order-status.yaml': await readFile('scripts/order-status.yaml', 'utf8'),
    'order-status.cases.yaml': await readFile('scripts/order-status.cases.yaml', 'utf8'),
    ...files,
  });
}

/** A case file for order-status.yaml whose one case expects the wrong product. */
const FAILING_CASES = `script: order-status.yaml
cases:
  - name: passes
    start: { param: '99' }
    env: { CRM_URL: 'http://crm.test', CRM_TOKEN: 'tok-1' }
    http:
      - match: { url: 'http://crm.test/clients/99' }
        respond: { status: 404 }
    steps:
      - bot: 'Sorry, we could not find you.'
  - name: expects a teapot
    start: { payload: { eId: '42' } }
    env: { CRM_URL: 'http://crm.test', CRM_TOKEN: 'tok-1' }
    http:
      - match: { url: 'http://crm.test/clients/42' }
        respond: { status: 200, body: { order: { product: Kettle, status: shipped } } }
    steps:
      - bot: 'Your order: Teapot (shipped).'
`;

/** The Coverage tab's panel: other tabs may have buttons of the same names. */
const panel = (page: Page) => page.getByRole('tabpanel', { name: 'Coverage' });

async function runTests(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Coverage' }).click();
  await panel(page).getByRole('button', { name: 'Run tests' }).click();
  await expect.poll(() => panel(page).locator('.coverage-results').count()).toBe(1);
}

const listTexts = (page: Page, name: string) =>
  panel(page).getByRole('list', { name }).getByRole('listitem').allInnerTexts();

describe('POST /api/coverage', () => {
  test.each(SAMPLES)(
    '%s: answers what botflow test --coverage prints, and its ids are the graph’s',
    async (name) => {
      const caseFile = `scripts/${name}.cases.yaml`;
      const studio = await StudioProcess.start(`scripts/${name}.yaml`);
      const report = await coverage(studio);
      const cli = await cliCoverage(caseFile);

      const percent = (part: { reached: number; total: number }) =>
        Math.floor((100 * part.reached) / part.total);
      expect(
        `blocks ${report.blocks.reached}/${report.blocks.total} (${percent(report.blocks)}%), branches ${report.branches.reached}/${report.branches.total} (${percent(report.branches)}%)`,
      ).toBe(cli.counts);
      expect(`${report.passed} passed, ${report.failed} failed`).toBe(cli.results);
      expect(keysOf(report.unreached)).toEqual(cli.unreachedKeys);
      expect(report.files).toEqual([{ file: caseFile, problems: [] }]);

      // The same suite run by qa here: its coverage, and what its traces reached.
      const suite = await runSuite([caseFile]);
      expect(report.unreached).toEqual(suite.coverage[0]?.unreached);
      expect(report.cases.map((c) => [c.name, c.passed])).toEqual(
        suite.files[0]?.results.map((r) => [r.name, r.passed]),
      );
      const traced = new Set(
        suite.files.flatMap((f) => f.results.flatMap((r) => r.trace.map((e) => `${e.block} ${e.edge}`))),
      );
      expect(report.reached.blocks.every((block) => traced.has(`${block} `))).toBe(true);
      expect(report.reached.edges.every((edge) => traced.has(edge))).toBe(true);
      expect(report.reached.blocks.length).toBe(report.blocks.reached);
      expect(report.reached.edges.length).toBe(report.branches.reached);

      // Every way out the graph draws is a coverage key; the keys it does not draw are an ask's
      // re-prompt (`invalid`) and the choice picked (`choices[n]`), which leads along another edge.
      const model = (await studio.call('/api/script')).body as StudioModel;
      const keys = new Set([
        ...report.reached.edges,
        ...keysOf(report.unreached.filter((u) => u.edge !== '')),
      ]);
      const blockEdges = model.edges.filter((edge) => !edge.from.startsWith('$')).map((edge) => edge.id);
      expect(blockEdges.filter((id) => !keys.has(id))).toEqual([]);
      const drawn = new Set(blockEdges);
      expect([...keys].filter((key) => !drawn.has(key) && !/ (invalid|choices\[\d+\])$/.test(key))).toEqual(
        [],
      );
      const blocks = model.nodes.filter((node) => node.kind === 'block').map((node) => node.id);
      expect(
        new Set([
          ...report.reached.blocks,
          ...report.unreached.filter((u) => u.edge === '').map((u) => u.block),
        ]),
      ).toEqual(new Set(blocks));
    },
  );

  test('a case file for another script is not run and says which script it tests', async () => {
    const dir = await orderStatusProject({
      'lead-capture.yaml': await readFile('scripts/lead-capture.yaml', 'utf8'),
      'lead-capture.cases.yaml': await readFile('scripts/lead-capture.cases.yaml', 'utf8'),
    });
    const studio = await StudioProcess.start(
      'order-status.yaml',
      ['--cases', 'lead-capture.cases.yaml', '--cases', 'order-status.cases.yaml'],
      {
        cwd: dir,
      },
    );
    const report = await coverage(studio);
    expect(report.files[0]).toEqual({
      file: 'lead-capture.cases.yaml',
      problems: [
        {
          file: 'lead-capture.cases.yaml',
          line: 2,
          column: 9,
          message: "this case file tests lead-capture.yaml, not the studio's script order-status.yaml",
        },
      ],
    });
    expect(report.cases.every((c) => c.file === 'order-status.cases.yaml')).toBe(true);
    const cli = await cliCoverage('order-status.cases.yaml', dir);
    expect(keysOf(report.unreached)).toEqual(cli.unreachedKeys);
    // As `botflow test` counts a case file it could not run: one failure.
    expect(`${report.passed} passed, ${report.failed - 1} failed`).toBe(cli.results);
  });

  test('a case file that does not load is reported with its problems', async () => {
    const dir = await orderStatusProject({
      'broken.cases.yaml': 'script: order-status.yaml\ncases:\n  - steps: []\n',
    });
    const studio = await StudioProcess.start('order-status.yaml', ['--cases', 'broken.cases.yaml'], {
      cwd: dir,
    });
    const report = await coverage(studio);
    expect(report.files[0]?.problems.length).toBeGreaterThan(0);
    expect(report.files[0]?.problems[0]).toMatchObject({ file: 'broken.cases.yaml', line: 3 });
    expect(report).toMatchObject({ cases: [], passed: 0, failed: 1, blocks: { reached: 0, total: 8 } });
  });

  test('a script with errors answers 409 studio.not-loaded', async () => {
    const dir = await orderStatusProject();
    const script = join(dir, 'order-status.yaml');
    await writeFile(script, (await readFile(script, 'utf8')).replace('next: done', 'next: nowhere'));
    const studio = await StudioProcess.start('order-status.yaml', [], { cwd: dir });
    const answer = await studio.call('/api/coverage', {});
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ error: { code: 'studio.not-loaded' } });
  });

  test('a body with an unknown field is refused; a filter runs only the cases it names', async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    const refused = await studio.call('/api/coverage', { fliter: 'x' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'http.invalid-body' } });
    const report = await coverage(studio, { filter: '404' });
    expect(report.filter).toBe('404');
    expect(report.cases.map((c) => c.name)).toEqual(['an unknown client (404)']);
  });

  test('a run asked for while one runs is not started twice: both calls get the same run', async () => {
    const studio = await StudioProcess.start('scripts/lead-capture.yaml');
    const [first, second] = await Promise.all([coverage(studio), coverage(studio)]);
    // Durations are measured per run: equal to the microsecond only when it is the same run.
    expect(second).toEqual(first);
    const third = await coverage(studio);
    expect(third.cases.map((c) => c.durationMs)).not.toEqual(first.cases.map((c) => c.durationMs));
  });
});

/** FAILING_CASES's first case with its mock answering slowly: a run takes over a second. */
const SLOW_CASES = FAILING_CASES.replace('respond: { status: 404 }', 'respond: { status: 404, delay: 1500 }');

describe('POST /api/coverage while a run is going', () => {
  test('a call with the same filter shares the run; another filter gets a 409, never the other run’s report', async () => {
    const dir = await orderStatusProject({ 'slow.cases.yaml': SLOW_CASES });
    const studio = await StudioProcess.start('order-status.yaml', ['--cases', 'slow.cases.yaml'], {
      cwd: dir,
    });
    const running = studio.call('/api/coverage', { filter: 'passes' });
    await setTimeout(200);
    const [same, other] = await Promise.all([
      studio.call('/api/coverage', { filter: 'passes' }),
      studio.call('/api/coverage', { filter: 'teapot' }),
    ]);
    expect(other).toEqual({
      status: 409,
      body: {
        error: {
          code: 'studio.coverage-running',
          message: 'the tests are running with another filter; run them again when they finish',
        },
      },
    });
    expect(same).toEqual(await running);
    expect((await coverage(studio, { filter: 'teapot' })).cases.map((c) => c.name)).toEqual([
      'expects a teapot',
    ]);
  });

  test('a report whose script changed on disk during the run is marked stale', async () => {
    const dir = await orderStatusProject({ 'slow.cases.yaml': SLOW_CASES });
    const studio = await StudioProcess.start('order-status.yaml', ['--cases', 'slow.cases.yaml'], {
      cwd: dir,
    });
    const revisionOf = async () => ((await studio.call('/api/script')).body as StudioModel).revision;
    const before = await revisionOf();
    const running = coverage(studio);
    await setTimeout(200);
    const script = join(dir, 'order-status.yaml');
    await writeFile(script, `${await readFile(script, 'utf8')}# saved during the run\n`);
    await expect.poll(revisionOf).toBeGreaterThan(before);
    const report = await running;
    expect(report).toMatchObject({ revision: before, stale: true });
    const again = await coverage(studio);
    expect(again.revision).toBeGreaterThan(before);
    expect(again.stale).toBeUndefined();
  });
});

describe('the Coverage tab', () => {
  test.each(SAMPLES)(
    '%s: shows the counts and the unreached list botflow test --coverage prints',
    async (name) => {
      const studio = await StudioProcess.start(`scripts/${name}.yaml`);
      const page = await openStudioPage(browser(), studio);
      await runTests(page);
      const cli = await cliCoverage(`scripts/${name}.cases.yaml`);
      expect(await panel(page).locator('.coverage-counts').innerText()).toBe(cli.counts);
      expect(await panel(page).locator('.coverage-results').innerText()).toBe(cli.results);
      expect(await listTexts(page, 'Not reached')).toEqual(cli.unreached);
      await keepScreenshot(page, `coverage-${name}`);
    },
  );

  test.each(SAMPLES)('%s: colours every block and edge of the graph as reached or not', async (name) => {
    const studio = await StudioProcess.start(`scripts/${name}.yaml`);
    const page = await openStudioPage(browser(), studio);
    await runTests(page);
    const cli = await cliCoverage(`scripts/${name}.cases.yaml`);
    const unreached = new Set(cli.unreachedKeys);
    const model = (await studio.call('/api/script')).body as StudioModel;
    const classOf = (kind: 'node' | 'edge', id: string) =>
      page.locator(`g.${kind}[data-id=${JSON.stringify(id)}]`).getAttribute('class');
    for (const node of model.nodes.filter((n) => n.kind === 'block')) {
      const want = unreached.has(`${node.id} `) ? 'unreached' : 'reached';
      await expect.poll(() => classOf('node', node.id)).toMatch(new RegExp(`\\b${want}\\b`));
    }
    for (const edge of model.edges.filter((e) => !e.from.startsWith('$'))) {
      const want = unreached.has(edge.id) ? 'unreached' : 'reached';
      await expect.poll(() => classOf('edge', edge.id)).toMatch(new RegExp(`(^|\\s)${want}(\\s|$)`));
    }
    await panel(page).getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.locator('g.reached, g.unreached').count()).toBe(0);
  });

  test('a change on disk takes the colours off', async () => {
    const dir = await orderStatusProject();
    const studio = await StudioProcess.start('order-status.yaml', [], { cwd: dir });
    const page = await openStudioPage(browser(), studio);
    await runTests(page);
    const marked = page.locator('g.reached, g.unreached');
    await expect.poll(() => marked.count()).toBeGreaterThan(0);
    const script = join(dir, 'order-status.yaml');
    await writeFile(script, `${await readFile(script, 'utf8')}# saved again\n`);
    await expect.poll(() => marked.count()).toBe(0);
  });

  test('a case file written beside the script while the studio runs is found by the next run', async () => {
    const dir = await temp.project({
      'order-status.yaml': await readFile('scripts/order-status.yaml', 'utf8'),
    });
    const studio = await StudioProcess.start('order-status.yaml', [], { cwd: dir });
    const page = await openStudioPage(browser(), studio);
    await runTests(page);
    await expect(panel(page).textContent()).resolves.toContain('No case file');
    await writeFile(
      join(dir, 'order-status.cases.yaml'),
      await readFile('scripts/order-status.cases.yaml', 'utf8'),
    );
    await panel(page).getByRole('button', { name: 'Run tests' }).click();
    await expect
      .poll(() => panel(page).locator('.coverage-results').textContent())
      .toMatch(/^[1-9]\d* passed, 0 failed$/);
  });

  test('unsaved errors do not stop the tests, which run the saved file; saved errors do', async () => {
    const dir = await orderStatusProject();
    const studio = await StudioProcess.start('order-status.yaml', [], { cwd: dir });
    const page = await openStudioPage(browser(), studio);
    await page.getByRole('tab', { name: 'Coverage' }).click();
    const run = panel(page).getByRole('button', { name: 'Run tests' });
    await expect.poll(() => run.isEnabled()).toBe(true);
    // An error typed in the YAML pane, not saved: the block names a target that does not exist.
    await page.getByLabel('Script YAML').focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('  broken: { type: message, text: Hi, next: nowhere }\n');
    const status = panel(page).locator('.coverage-status');
    await expect
      .poll(() => status.textContent())
      .toBe('The cases run the saved file: save to include your unsaved edits.');
    await expect.poll(() => run.isEnabled()).toBe(true);
    await runTests(page);
    await expect(panel(page).locator('.coverage-results').textContent()).resolves.toMatch(
      / passed, 0 failed$/,
    );
    await page.keyboard.press('Control+s');
    await expect
      .poll(() => status.textContent())
      .toBe('The saved script has errors; fix them and save to run the tests.');
    await expect.poll(() => run.isEnabled()).toBe(false);
  });

  test('a failing case shows what was expected, what the bot said, and where', async () => {
    const dir = await orderStatusProject({ 'failing.cases.yaml': FAILING_CASES });
    const studio = await StudioProcess.start('order-status.yaml', ['--cases', 'failing.cases.yaml'], {
      cwd: dir,
    });
    const page = await openStudioPage(browser(), studio);
    await runTests(page);
    expect(await panel(page).locator('.coverage-results').innerText()).toBe('1 passed, 1 failed');
    const [failure = ''] = await listTexts(page, 'Failing cases');
    expect(failure).toContain('expects a teapot');
    expect(failure).toContain('failing.cases.yaml:18');
    expect(failure).toContain('expected: "Your order: Teapot (shipped)."');
    expect(failure).toContain('got: "Your order: Kettle (shipped)."');
    await keepScreenshot(page, 'coverage-failing-case');
  });

  test('an unreached item selects its block; a change on disk makes the run stale', async () => {
    const dir = await orderStatusProject({ 'failing.cases.yaml': FAILING_CASES });
    const studio = await StudioProcess.start('order-status.yaml', ['--cases', 'failing.cases.yaml'], {
      cwd: dir,
    });
    const page = await openStudioPage(browser(), studio);
    await runTests(page);
    await panel(page).getByRole('button', { name: 'line 48: block "ask-email" is never reached' }).click();
    await expect
      .poll(() => page.getByRole('tab', { name: 'Block' }).getAttribute('aria-selected'))
      .toBe('true');
    await expect.poll(() => page.getByRole('heading', { name: 'ask-email' }).count()).toBe(1);

    await page.getByRole('tab', { name: 'Coverage' }).click();
    const status = panel(page).getByRole('status');
    expect(await status.innerText()).toBe('');
    const script = join(dir, 'order-status.yaml');
    await writeFile(script, `${await readFile(script, 'utf8')}# saved again\n`);
    await expect.poll(() => status.innerText()).toContain('Stale');
    await panel(page).getByRole('button', { name: 'Run tests' }).click();
    await expect.poll(() => status.innerText()).toBe('');
  });

  test('clicking a case shows the simulator', async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    const page = await openStudioPage(browser(), studio);
    await runTests(page);
    await panel(page).getByRole('button', { name: 'an unknown client (404)' }).click();
    await expect
      .poll(() => page.getByRole('tab', { name: 'Simulator' }).getAttribute('aria-selected'))
      .toBe('true');
  });

  test('clicking a case replays it in the simulator', async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    const page = await openStudioPage(browser(), studio);
    await runTests(page);
    await panel(page).getByRole('button', { name: 'an unknown client (404)' }).click();
    await expect
      .poll(() => page.getByRole('log', { name: 'Conversation' }).innerText())
      .toContain('Sorry, we could not find you.');
  });
});
