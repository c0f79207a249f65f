import { readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { formatPath, loadScript, outlineScript, problemBlock, scriptEdges } from '../../engine/index.js';
import { keepScreenshot, openStudioPage, StudioProcess, useBrowser } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';

const browser = useBrowser();
const folders = useTempFolders('botflow-studio-graph-');

const SAMPLES = (await readdir('scripts')).filter(
  (name) => name.endsWith('.yaml') && !name.includes('.cases.'),
);

/** A CSS attribute value: edge ids hold quotes (`lookup on."404"`). */
const quoted = (value: string) => JSON.stringify(value);
const node = (page: Page, id: string) => page.locator(`.canvas g.node[data-id=${quoted(id)}]`);
const edge = (page: Page, id: string) => page.locator(`.canvas g.edge[data-id=${quoted(id)}]`);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Opens the studio on `script` and waits until the page has drawn its model. */
async function open(script: string, cwd?: string): Promise<{ page: Page; studio: StudioProcess }> {
  const studio = await StudioProcess.start(script, [], cwd === undefined ? {} : { cwd });
  const page = await openStudioPage(browser(), studio);
  await page.locator('.canvas[data-revision="1"]').waitFor();
  return { page, studio };
}

/** The view's transform: translation and scale of the graph. */
async function view(page: Page): Promise<{ x: number; y: number; k: number }> {
  const transform = (await page.locator('g.viewport').getAttribute('transform')) ?? '';
  const match = /translate\(([-\d.e]+) ([-\d.e]+)\) scale\(([-\d.e]+)\)/.exec(transform);
  if (!match) throw new Error(`no transform on the graph: ${transform}`);
  return { x: Number(match[1]), y: Number(match[2]), k: Number(match[3]) };
}

async function centreOf(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

describe.each(SAMPLES)('%s', (file) => {
  test('every block and every labelled edge is drawn', async () => {
    const path = `scripts/${file}`;
    const script = await loadScript(path);
    const { page } = await open(path);

    for (const id of script.blocks.keys()) {
      await expect(
        page.getByRole('button', { name: new RegExp(`^${escapeRegExp(id)} — `) }).count(),
      ).resolves.toBe(1);
    }
    const edges = scriptEdges(script);
    expect(edges.length).toBeGreaterThan(0);
    for (const { from, edge: way } of edges) {
      const drawn = edge(page, `${from} ${formatPath(way.path)}`);
      await expect(drawn.getAttribute('data-target')).resolves.toBe(way.target);
      // A long edge ends at a "go to" pill beside its source, named for the target.
      const end = (await drawn.getAttribute('data-to')) ?? '';
      if (end !== way.target) {
        await expect(page.locator(`g.node[data-id="${end}"]`).getAttribute('aria-label')).resolves.toBe(
          `↪ ${way.target} — go to`,
        );
      }
      const label = drawn.locator('.label text');
      if (way.label === undefined || way.label === '') {
        await expect(label.count()).resolves.toBe(0);
      } else {
        const text = (await label.textContent()) ?? '';
        // Long expressions are shortened on the edge, with an ellipsis.
        if (text.endsWith('…')) expect(way.label.startsWith(text.slice(0, -1))).toBe(true);
        else expect(text).toBe(way.label);
      }
    }
    await expect(page.locator('.canvas g.edge').count()).resolves.toBe(
      edges.length + 1 + (script.onError === undefined ? 0 : 1),
    );
    await keepScreenshot(page, basename(file, '.yaml'));
  });
});

test('a broken script shows each problem on its node and in the list; a click on one selects its node', async () => {
  const text = (await readFile('scripts/order-status.yaml', 'utf8'))
    .replace("({{ status }}).'\n    next: done", "({{ status }}).'\n    next: nowhere")
    .replace(`if: "product != ''"`, `if: "product != "`)
    .replace("{{ email }}.'\n    next: done", "{{ email }}.'\n    next: teleport")
    .concat(
      "\n  teleport: { type: teleport, next: done }\n  orphan: { type: message, text: 'Nobody comes here.', next: done }\n",
    );
  const dir = await folders.project({ 'broken.yaml': text });
  const { problems } = outlineScript(text, 'broken.yaml');
  const byBlock = new Map<string, number>();
  for (const problem of problems) {
    const block = problemBlock(problem) ?? '';
    byBlock.set(block, (byBlock.get(block) ?? 0) + 1);
  }
  expect([...byBlock.keys()].sort()).toEqual(['has-order', 'show', 'teleport']);
  const { page } = await open('broken.yaml', dir);

  for (const [block, count] of byBlock) {
    await expect(node(page, block).locator('.badge.error text').textContent()).resolves.toBe(String(count));
  }
  await expect(node(page, 'teleport').getAttribute('class')).resolves.toContain('look-unknown');
  await expect(node(page, '$missing:nowhere').getAttribute('aria-label')).resolves.toMatch(
    /^nowhere — missing block/,
  );
  await expect(edge(page, 'show next').getAttribute('class')).resolves.toContain('broken');
  const orphan = node(page, 'orphan');
  await expect(orphan.getAttribute('class')).resolves.toContain('unreachable');
  await expect(orphan.locator('.tag').textContent()).resolves.toBe('unreachable');
  await expect(orphan.getAttribute('aria-label')).resolves.toContain('unreachable');
  await expect(node(page, 'thanks').getAttribute('class')).resolves.not.toContain('unreachable');

  await page.getByRole('tab', { name: /Problems/ }).click();
  await expect(page.getByRole('tab', { name: /Problems/ }).textContent()).resolves.toBe(
    `Problems${problems.length}`,
  );
  const list = page.getByRole('list', { name: 'Problems', exact: true });
  await expect(list.getByRole('listitem').count()).resolves.toBe(problems.length);
  for (const problem of problems) {
    const item = list
      .getByRole('listitem')
      .filter({ hasText: `broken.yaml:${problem.line}:${problem.column}` });
    await expect(item.textContent()).resolves.toContain(problem.message);
  }
  await list.getByRole('button').filter({ hasText: 'no block is called "nowhere"' }).click();
  await expect(node(page, 'show').getAttribute('class')).resolves.toContain('selected');
  await expect(page.getByRole('heading', { level: 2 }).first().textContent()).resolves.toBe('show');
  await expect(page.getByRole('list', { name: 'Problems of this block' }).textContent()).resolves.toContain(
    'no block is called "nowhere"',
  );
});

test('a change on disk is drawn without a page reload, keeping the view and the selection', async () => {
  const dir = await folders.project({ 'order.yaml': await readFile('scripts/order-status.yaml', 'utf8') });
  const { page } = await open('order.yaml', dir);
  await page.getByRole('button', { name: 'Fit' }).click();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.mouse.move(300, 500);
  await page.mouse.down();
  await page.mouse.move(380, 460, { steps: 4 });
  await page.mouse.up();
  await node(page, 'thanks').click();
  const before = await view(page);
  await page.evaluate(() => {
    document.body.dataset.sameDocument = 'yes';
  });

  const text = await readFile(join(dir, 'order.yaml'), 'utf8');
  await writeFile(join(dir, 'order.yaml'), text.replace('Thank you! We will', 'Merci! We will'));
  await page.locator('.canvas[data-revision="2"]').waitFor();

  await expect(node(page, 'thanks').getAttribute('aria-label')).resolves.toContain('Merci! We will');
  await expect(page.locator('.yaml .cm-content').textContent()).resolves.toContain('Merci! We will');
  await expect(node(page, 'thanks').getAttribute('class')).resolves.toContain('selected');
  expect(await view(page)).toEqual(before);
  await expect(page.evaluate(() => document.body.dataset.sameDocument)).resolves.toBe('yes');
});

test('finding a block centres, selects and focuses it', async () => {
  const { page } = await open('scripts/order-status.yaml');
  const find = page.getByLabel('Find a block');
  await find.fill('unknown-cl');
  await find.press('Enter');
  const target = node(page, 'unknown-client');
  await expect(target.getAttribute('class')).resolves.toContain('selected');
  await expect(target.evaluate((element) => element === document.activeElement)).resolves.toBe(true);
  const at = await centreOf(page, '.canvas g.node[data-id="unknown-client"] .body');
  const middle = await centreOf(page, 'svg.graph');
  expect(Math.abs(at.x - middle.x)).toBeLessThan(2);
  expect(Math.abs(at.y - middle.y)).toBeLessThan(2);

  await find.fill('no-such-block');
  await find.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'No block matches' }).count()).resolves.toBe(1);
  await expect(target.getAttribute('class')).resolves.toContain('selected');
});

test('zoom, fit and the minimap change the view', async () => {
  const { page } = await open('scripts/client-identification.yaml');
  await page.getByRole('button', { name: 'Fit' }).click();
  const fitted = await view(page);
  const frame = await page.locator('svg.graph').boundingBox();
  if (!frame) throw new Error('no graph on screen');
  const insideFrame = async () => {
    for (const box of await page
      .locator('.canvas g.node .body')
      .evaluateAll((rects) => rects.map((rect) => rect.getBoundingClientRect()))) {
      expect(box.left).toBeGreaterThanOrEqual(frame.x);
      expect(box.top).toBeGreaterThanOrEqual(frame.y);
      expect(box.right).toBeLessThanOrEqual(frame.x + frame.width);
      expect(box.bottom).toBeLessThanOrEqual(frame.y + frame.height);
    }
  };
  await insideFrame();

  await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  expect((await view(page)).k).toBeCloseTo(fitted.k * 1.25 * 1.25);
  await expect(page.getByLabel('Zoom level').textContent()).resolves.toBe(
    `${Math.round(fitted.k * 156.25)}%`,
  );
  await page.locator('svg.graph').focus();
  await page.keyboard.press('-');
  expect((await view(page)).k).toBeCloseTo(fitted.k * 1.25);
  await page.mouse.move(frame.x + 200, frame.y + 200);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -200);
  await page.keyboard.up('Control');
  expect((await view(page)).k).toBeGreaterThan(fitted.k * 1.25);

  await page.getByRole('button', { name: 'Fit' }).click();
  expect(await view(page)).toEqual(fitted);
  await insideFrame();

  const minimap = await page.getByRole('img', { name: /Minimap/ }).boundingBox();
  if (!minimap) throw new Error('no minimap on screen');
  await page.mouse.click(minimap.x + 4, minimap.y + minimap.height / 2);
  expect((await view(page)).x).toBeGreaterThan(fitted.x);
  expect((await view(page)).k).toBe(fitted.k);
});

test('the keyboard moves between nodes along the flow and Enter selects', async () => {
  const path = 'scripts/order-status.yaml';
  const script = await loadScript(path);
  const { page } = await open(path);
  const focused = () =>
    page.evaluate(() => (document.activeElement as HTMLElement | SVGElement | null)?.dataset.id);
  await page.locator('svg.graph').focus();
  await page.keyboard.press('Tab');
  await expect(focused()).resolves.toBe('$start');
  await page.keyboard.press('ArrowRight');
  await expect(focused()).resolves.toBe('lookup');
  await page.keyboard.press('ArrowRight');
  const next = await focused();
  const targets = scriptEdges(script)
    .filter((way) => way.from === 'lookup')
    .map((way) => way.edge.target);
  expect(targets).toContain(next);
  await page.keyboard.press('ArrowLeft');
  await expect(focused()).resolves.toBe('lookup');
  await page.keyboard.press('Enter');
  await expect(node(page, 'lookup').getAttribute('class')).resolves.toContain('selected');
  await expect(page.getByRole('heading', { level: 2 }).first().textContent()).resolves.toBe('lookup');
});

test("the block panel shows the block's YAML with the file's line numbers, and its ways out", async () => {
  const path = 'scripts/order-status.yaml';
  const lines = (await readFile(path, 'utf8')).split('\n');
  const first = lines.indexOf('  has-order:') + 1;
  const last = lines.indexOf('    else: ask-email') + 1;
  const { page } = await open(path);
  await node(page, 'has-order').click();
  // CodeMirror keeps one hidden number to size the gutter.
  const numbers = await page
    .locator('.yaml .cm-lineNumbers .cm-gutterElement')
    .evaluateAll((elements) =>
      elements
        .filter((element) => getComputedStyle(element).visibility !== 'hidden')
        .map((e) => e.textContent),
    );
  expect(numbers.map(Number)).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
  await expect(page.locator('.yaml .cm-line').first().textContent()).resolves.toBe('  has-order:');
  const ways = page.getByRole('list', { name: 'Ways out' });
  await ways.getByRole('button', { name: 'ask-email' }).click();
  await expect(node(page, 'ask-email').getAttribute('class')).resolves.toContain('selected');
});

test('in a large script a long edge ends at a "go to" pill; clicking it or pressing Enter on it goes to its target', async () => {
  const lines = ['botflow: 1', 'name: long', 'blocks:'];
  for (let i = 0; i < 35; i++) {
    lines.push(
      `  ask${i}: { type: ask, text: "Question ${i}?", save: answer, next: check${i} }`,
      `  check${i}:`,
      '    type: condition',
      `    branches: [{ if: "answer == 'stop'", next: done }]`,
      `    else: ${i < 34 ? `ask${i + 1}` : 'done'}`,
    );
  }
  lines.push('  done: { type: end, text: Bye }');
  const dir = await folders.project({ 'long.yaml': `${lines.join('\n')}\n` });
  const studio = await StudioProcess.start(join(dir, 'long.yaml'));
  // Wide enough for the canvas beside the YAML pane to show the first pill at 70 %.
  const page = await openStudioPage(browser(), studio, { width: 1800, height: 900 });
  const jump = edge(page, 'check0 branches[0].next');
  const pill = node(page, (await jump.getAttribute('data-to')) ?? '');
  await expect(pill.getAttribute('aria-label')).resolves.toBe('↪ done — go to');
  // A flow too wide to read whole opens at a readable size, its start on the left.
  await expect(page.getByLabel('Zoom level').textContent()).resolves.toBe('70%');
  await pill.click();

  await expect.poll(() => node(page, 'done').getAttribute('class')).toContain('selected');
  await page.keyboard.press('Escape');
  await expect.poll(() => node(page, 'done').getAttribute('class')).not.toContain('selected');
  await pill.focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => node(page, 'done').getAttribute('class')).toContain('selected');

  // The Block panel names the block a pill stands for, both ways.
  const into = page.getByRole('list', { name: 'Ways in' });
  // Every condition's branch, and the last one's else.
  await expect.poll(() => into.getByRole('listitem').count()).toBe(36);
  await expect(into.getByRole('listitem').first().textContent()).resolves.toBe("check0 answer == 'stop'");
  await page.getByLabel('Find a block').fill('check0');
  await page.getByLabel('Find a block').press('Enter');
  await expect
    .poll(() => page.getByRole('list', { name: 'Ways out' }).getByRole('listitem').allTextContents())
    .toEqual(["answer == 'stop' → done", 'else → ask1']);
  await page.getByLabel('Find a block').fill('ask0');
  await page.getByLabel('Find a block').press('Enter');
  await expect.poll(() => into.getByRole('listitem').allTextContents()).toEqual(['start']);
});

test('a script with nothing to draw says why on the canvas; a stopped studio is said at the top', async () => {
  const dir = await folders.project({ 'bad.yaml': 'botflow: 1\nname: bad\nblocks: [\n' });
  const { page, studio } = await open('bad.yaml', dir);
  const note = page.locator('.canvas').getByRole('status');
  await expect(note.textContent()).resolves.toBe(
    'Nothing to draw: the script has 1 problem. See the problems',
  );
  await note.getByRole('button', { name: 'See the problems' }).click();
  await expect(page.getByRole('tab', { name: /^Problems/ }).getAttribute('aria-selected')).resolves.toBe(
    'true',
  );
  expect(await page.getByRole('alert').filter({ hasText: 'not answering' }).isVisible()).toBe(false);

  await studio.stop('SIGINT');
  await expect
    .poll(() => page.getByRole('alert').filter({ hasText: 'The studio is not answering' }).isVisible())
    .toBe(true);
});
