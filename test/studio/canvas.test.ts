import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { StudioModel } from '../../studio/protocol.js';
import { runCli } from '../support/cli.js';
import { findBlock, keepScreenshot, openSample, useBrowser } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';

const browser = useBrowser();
const folders = useTempFolders('botflow-studio-canvas-');

const quoted = (value: string) => JSON.stringify(value);
const node = (page: Page, id: string) => page.locator(`.canvas .graph g.node[data-id=${quoted(id)}]`);
const edge = (page: Page, id: string) => page.locator(`.canvas .graph g.edge[data-id=${quoted(id)}]`);

/** A copy of a sample script in a folder of its own, a studio and a page on it, and its model. */
async function open(sample: string) {
  const opened = await openSample(browser(), folders, sample, { stepTimeout: 5000 });
  const model = (await opened.studio.call('/api/script')).body as StudioModel;
  return { ...opened, model };
}

/** The view's scale: screen pixels per graph unit. */
async function scale(page: Page): Promise<number> {
  const transform = (await page.locator('.graph g.viewport').getAttribute('transform')) ?? '';
  return Number(/scale\(([-\d.e]+)\)/.exec(transform)?.[1]);
}

async function sidecar(dir: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(join(dir, 'bot.studio.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Drags a block with the mouse by (dx, dy) screen pixels, from near its top left corner, once it is centred. */
async function drag(page: Page, id: string, dx: number, dy: number): Promise<void> {
  await findBlock(page, id);
  const box = await node(page, id).boundingBox();
  if (!box) throw new Error(`${id} is not on screen`);
  const x = box.x + 40;
  const y = box.y + 12;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let step = 1; step <= 10; step++) await page.mouse.move(x + (dx * step) / 10, y + (dy * step) / 10);
  await page.mouse.up();
}

/** The last point of an edge's drawn line. */
async function edgeEnd(page: Page, id: string): Promise<{ x: number; y: number }> {
  const d = (await edge(page, id).locator('path.line').getAttribute('d')) ?? '';
  const numbers = [...d.matchAll(/[-\d.]+/g)].map((match) => Number(match[0]));
  return { x: numbers.at(-2) ?? Number.NaN, y: numbers.at(-1) ?? Number.NaN };
}

describe('moving and pinning blocks', () => {
  test('a dragged block stays where it is dropped, with its edges re-routed; the pin lives in the sidecar only and survives a reload', async () => {
    const { dir, file, text, page, model } = await open('order-status.yaml');
    const show = model.nodes.find((n) => n.id === 'show');
    if (!show) throw new Error('no show block');
    const k = await scale(page);
    await drag(page, 'show', 70, 210);
    const expected = { x: show.x + 70 / k, y: show.y + 210 / k };
    await expect.poll(() => sidecar(dir)).toMatchObject({ 'botflow-studio': 1, pins: { show: {} } });
    const { pins } = (await sidecar(dir)) as { pins: Record<string, { x: number; y: number }> };
    expect(Object.keys(pins)).toEqual(['show']);
    expect(pins.show?.x).toBeCloseTo(expected.x, -0.5);
    expect(pins.show?.y).toBeCloseTo(expected.y, -0.5);
    // The YAML is not touched, and nothing else is written beside it.
    await expect(readFile(file, 'utf8')).resolves.toBe(text);
    expect((await readdir(dir)).sort()).toEqual(['bot.studio.json', 'bot.yaml']);
    // The edge into it ends on its left side, where it now is.
    const end = await edgeEnd(page, 'has-order branches[0].next');
    expect(end.x).toBe(pins.show?.x);
    expect(end.y).toBe((pins.show?.y ?? 0) + show.height / 2);
    await keepScreenshot(page, 'canvas-pinned');

    await page.reload();
    await page.locator('.canvas[data-revision]').waitFor();
    await expect
      .poll(() => node(page, 'show').getAttribute('transform'))
      .toBe(`translate(${(pins.show?.x ?? 0) - show.x} ${(pins.show?.y ?? 0) - show.y})`);
    expect(await edgeEnd(page, 'has-order branches[0].next')).toEqual(end);
  });

  test('Unpin gives a block back to the layout; Auto layout unpins every block and removes the sidecar', async () => {
    const { dir, page } = await open('order-status.yaml');
    await drag(page, 'show', 0, 200);
    await drag(page, 'lookup', 0, 150);
    await expect
      .poll(async () => Object.keys(((await sidecar(dir)) as { pins?: object } | undefined)?.pins ?? {}))
      .toEqual(['lookup', 'show']);
    await findBlock(page, 'show');
    await page.getByRole('button', { name: 'Unpin' }).click();
    await expect.poll(() => node(page, 'show').getAttribute('transform')).toBeNull();
    await expect
      .poll(async () => Object.keys(((await sidecar(dir)) as { pins: object }).pins))
      .toEqual(['lookup']);
    await expect(page.getByRole('button', { name: 'Unpin' }).isHidden()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Auto layout' }).click();
    await expect.poll(() => node(page, 'lookup').getAttribute('transform')).toBeNull();
    await expect.poll(() => readdir(dir)).toEqual(['bot.yaml']);
  });

  test('a renamed block keeps its place: its pin goes with it', async () => {
    const { dir, page } = await open('order-status.yaml');
    await drag(page, 'thanks', 0, 120);
    await expect.poll(() => sidecar(dir)).toMatchObject({ pins: { thanks: {} } });
    const { pins } = (await sidecar(dir)) as { pins: Record<string, unknown> };
    await page.getByLabel('Id', { exact: true }).fill('thank-you');
    await page.getByLabel('Id', { exact: true }).press('Enter');
    await expect
      .poll(() => sidecar(dir))
      .toEqual({ 'botflow-studio': 1, pins: { 'thank-you': pins.thanks } });
    await expect(node(page, 'thank-you').getAttribute('transform')).resolves.not.toBeNull();
  });

  test('Alt+arrow keys move the focused block and pin it', async () => {
    const { dir, page, model } = await open('order-status.yaml');
    const lookup = model.nodes.find((n) => n.id === 'lookup');
    await findBlock(page, 'lookup');
    await page.keyboard.press('Alt+ArrowDown');
    await page.keyboard.press('Alt+ArrowDown');
    await page.keyboard.press('Alt+ArrowRight');
    // Pins are whole pixels.
    const pin = { x: Math.round((lookup?.x ?? 0) + 20), y: Math.round((lookup?.y ?? 0) + 40) };
    await expect.poll(() => sidecar(dir)).toEqual({ 'botflow-studio': 1, pins: { lookup: pin } });
    await expect(node(page, 'lookup').getAttribute('transform')).resolves.toBe(
      `translate(${pin.x - (lookup?.x ?? 0)} ${pin.y - (lookup?.y ?? 0)})`,
    );
    // The focus stays on the block, for more steps.
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-id'))).resolves.toBe(
      'lookup',
    );
  });

  test('dragging touches only the dragged block and its edges; the rest of the graph is left alone', async () => {
    const { page } = await open('client-identification.yaml');
    await findBlock(page, 'greet');
    await page.evaluate(() => {
      const graph = document.querySelector('.canvas svg.graph');
      const touched = new Set<string>();
      (window as unknown as { touched: Set<string> }).touched = touched;
      new MutationObserver((records) => {
        for (const record of records) {
          const owner = (record.target as Element).closest('g.node, g.edge, g.ports');
          touched.add(
            owner
              ? `${owner.getAttribute('class')?.split(' ')[0]} ${owner.getAttribute('data-id')}`
              : (record.target as Element).tagName,
          );
        }
      }).observe(graph as Node, { subtree: true, attributes: true, childList: true });
    });
    const box = await node(page, 'greet').boundingBox();
    if (!box) throw new Error('greet is not on screen');
    await page.mouse.move(box.x + 40, box.y + 12);
    await page.mouse.down();
    for (let step = 1; step <= 20; step++)
      await page.mouse.move(box.x + 40 + step * 4, box.y + 12 + step * 6);
    const during = await page.evaluate(() =>
      [...(window as unknown as { touched: Set<string> }).touched].sort(),
    );
    await page.mouse.up();
    // While the block moves only it, its ports and its edges are hidden in the graph (copies move over it).
    expect(during).toEqual(
      ['edge unpack next', 'node greet', 'ports greet', 'edge greet next', 'svg'].sort(),
    );
  });
});

/** The Block tab's form field of that name (a label's exact text). */
const field = (page: Page, name: string) => page.locator('.block-form').getByLabel(name, { exact: true });

/** Saves with the keyboard and waits for the file to be `expected`. */
async function saveAndRead(page: Page, file: string): Promise<string> {
  const before = await readFile(file, 'utf8');
  await page.keyboard.press('Control+s');
  await expect.poll(() => readFile(file, 'utf8')).not.toBe(before);
  await expect.poll(() => page.locator('header .unsaved').isHidden()).toBe(true);
  return readFile(file, 'utf8');
}

describe('editing on the canvas', () => {
  test('add an ask block from the palette, connect the greeting to it by dragging from its port, rename it, fill its form, save: the file has exactly that change and validates', async () => {
    const { file, text, page, dir } = await open('client-identification.yaml');
    await findBlock(page, 'greet');
    await page.getByRole('button', { name: 'Add an ask block' }).click();
    // The new block is selected, its id field ready.
    await expect.poll(() => page.getByLabel('Id', { exact: true }).inputValue()).toBe('ask');
    await expect(node(page, 'ask').getAttribute('class')).resolves.toContain('selected');

    // Drag from the greeting's `next` port to the new block: both in view first.
    await page.getByRole('button', { name: 'Fit' }).click();
    const port = page.getByLabel(/^greet: way out next /);
    await expect(port.getAttribute('aria-label')).resolves.toBe('greet: way out next → adult');
    await port.dragTo(node(page, 'ask'));
    await expect.poll(() => port.getAttribute('aria-label')).toBe('greet: way out next → ask');

    await findBlock(page, 'ask');
    await page.getByLabel('Id', { exact: true }).fill('ask-city');
    await page.getByLabel('Id', { exact: true }).press('Enter');
    await expect.poll(() => node(page, 'ask-city').count()).toBe(1);
    await expect(page.getByRole('heading', { level: 2 }).first().textContent()).resolves.toBe('ask-city');

    await field(page, 'text').fill('Which city do you live in?');
    await field(page, 'save').fill('city');
    // Leaving a field writes it at once.
    await field(page, 'save').press('Tab');
    // The way on, picked from the list (the keyboard's way to connect).
    await page.getByLabel('Target of next').selectOption('adult');
    await expect
      .poll(() => page.getByLabel(/^ask-city: way out next/).getAttribute('aria-label'))
      .toBe('ask-city: way out next → adult');
    await keepScreenshot(page, 'canvas-edited');

    const saved = await saveAndRead(page, file);
    expect(saved).toBe(
      text.replace(
        "    text: 'Hello, {{ firstName }} {{ lastName }}! Glad to see you again.'\n    next: adult\n",
        "    text: 'Hello, {{ firstName }} {{ lastName }}! Glad to see you again.'\n    next: ask-city\n\n" +
          "  ask-city:\n    type: ask\n    text: 'Which city do you live in?'\n    save: city\n    next: adult\n",
      ),
    );
    // Every comment line is there, in order.
    const comments = (lines: string) => lines.split('\n').filter((line) => line.trimStart().startsWith('#'));
    expect(comments(saved)).toEqual(comments(text));
    expect(comments(text).length).toBeGreaterThan(5);
    const validated = await runCli(['validate', file]);
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);
    // Nothing was pinned: no sidecar.
    expect((await readdir(dir)).sort()).toEqual(['bot.yaml']);
  });
});

describe('connecting with the pointer', () => {
  test('an edge’s end dragged to another block reconnects it; a clicked edge is disconnected with Delete; the start marker’s port sets the start; a drop on the background does nothing', async () => {
    const { file, text, page } = await open('order-status.yaml');
    await page.getByRole('button', { name: 'Fit' }).click();
    // Reconnect: the end of has-order's else, from ask-email to crm-down.
    const elseEdge = edge(page, 'has-order else');
    await elseEdge.hover();
    await elseEdge.locator('.end').dragTo(node(page, 'crm-down'));
    await expect.poll(() => elseEdge.getAttribute('data-target')).toBe('crm-down');
    // A port dropped on the background: nothing changes.
    const showNext = page.getByLabel(/^show: way out next /);
    const empty = await page.locator('.canvas .graph').boundingBox();
    if (!empty) throw new Error('no graph on screen');
    await showNext.dragTo(page.locator('.canvas .graph'), {
      targetPosition: { x: 10, y: empty.height - 10 },
    });
    await expect(showNext.getAttribute('aria-label')).resolves.toBe('show: way out next → done');
    // Pick an edge and delete it: the way is disconnected.
    const middle = await edge(page, 'show next')
      .locator('path.hit')
      .evaluate((path: SVGPathElement) => {
        const point = path.getPointAtLength(path.getTotalLength() / 2);
        const screen = point.matrixTransform(path.getScreenCTM() ?? undefined);
        return { x: screen.x, y: screen.y };
      });
    await page.mouse.click(middle.x, middle.y);
    await expect(edge(page, 'show next').getAttribute('class')).resolves.toContain('picked');
    await page.keyboard.press('Delete');
    await expect.poll(() => edge(page, 'show next').count()).toBe(0);
    await expect(showNext.getAttribute('aria-label')).resolves.toBe('show: way out next not connected');
    // A "+" dragged to a block adds a way leading there.
    await page.getByLabel('has-order: add a branch').dragTo(node(page, 'unknown-client'));
    await expect
      .poll(() => page.getByLabel(/^has-order: way out true /).getAttribute('aria-label'))
      .toBe('has-order: way out true → unknown-client');
    // The start marker's port, dragged to a block, makes it the start.
    await page.getByLabel('start: way out start', { exact: false }).dragTo(node(page, 'ask-email'));
    await expect.poll(() => edge(page, '$start start').getAttribute('data-target')).toBe('ask-email');

    await expect(saveAndRead(page, file)).resolves.toBe(
      text
        .replace(
          '        next: show\n    else: ask-email\n',
          "        next: show\n      - if: 'true'\n        next: unknown-client\n    else: crm-down\n",
        )
        .replace("{{ status }}).'\n    next: done\n", "{{ status }}).'\n")
        .replace('start: lookup\n', 'start: ask-email\n'),
    );
  });

  test('a palette item dragged onto the canvas adds its block where it is dropped, pinned there', async () => {
    const { dir, page } = await open('order-status.yaml');
    const graph = await page.locator('.canvas .graph').boundingBox();
    if (!graph) throw new Error('no graph on screen');
    const drop = { x: graph.x + 60, y: graph.y + graph.height - 120 };
    const item = page.getByRole('button', { name: 'Add an end block' });
    const from = await item.boundingBox();
    if (!from) throw new Error('no palette on screen');
    await page.mouse.move(from.x + 10, from.y + 10);
    await page.mouse.down();
    for (let step = 1; step <= 8; step++) {
      await page.mouse.move(
        from.x + 10 + ((drop.x - from.x - 10) * step) / 8,
        from.y + 10 + ((drop.y - from.y - 10) * step) / 8,
      );
    }
    await page.mouse.up();
    await expect.poll(() => node(page, 'end').count()).toBe(1);
    const box = await node(page, 'end').locator('rect.body').boundingBox();
    // Its top left corner where the pointer let go.
    expect(Math.abs((box?.x ?? 0) - drop.x)).toBeLessThan(2);
    expect(Math.abs((box?.y ?? 0) - drop.y)).toBeLessThan(2);
    await expect.poll(() => sidecar(dir)).toMatchObject({ pins: { end: {} } });
    await expect(page.getByLabel('Id', { exact: true }).inputValue()).resolves.toBe('end');
  });
});

test('a block half out of view is selected by a click: the view does not move between the press and the release', async () => {
  const { page } = await open('order-status.yaml');
  const graph = await page.locator('.canvas .graph').boundingBox();
  const box = await node(page, 'has-order').boundingBox();
  if (!graph || !box) throw new Error('nothing on screen');
  // Pan until has-order sticks out of the right edge of the graph by half its width.
  await page.mouse.move(graph.x + 20, graph.y + 20);
  await page.mouse.down();
  await page.mouse.move(graph.x + 20 + (graph.x + graph.width - box.x - box.width / 2), graph.y + 20, {
    steps: 4,
  });
  await page.mouse.up();
  const visible = await node(page, 'has-order').locator('rect.body').boundingBox();
  if (!visible) throw new Error('has-order is not on screen');
  await page.mouse.click(visible.x + 20, visible.y + visible.height / 2);
  await expect(node(page, 'has-order').getAttribute('class')).resolves.toContain('selected');
});

describe('the keyboard alone', () => {
  test('adds a block after the selected one, renames it with F2, connects it with the target list and deletes a block with Delete; the edge to the deleted block shows as a problem', async () => {
    const { file, text, page } = await open('client-identification.yaml');
    const focused = () =>
      page.evaluate(() => document.activeElement?.getAttribute('data-id') ?? document.activeElement?.id);
    await findBlock(page, 'greet');
    await expect(focused()).resolves.toBe('greet');
    // The palette's buttons are in the tab order; Enter on one adds its block after the selected one.
    await page.getByRole('button', { name: 'Add a message block' }).press('Enter');
    await expect.poll(focused).toBe('message');
    await page.keyboard.press('F2');
    await expect(focused()).resolves.toBe('block-id');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('ask-name');
    await expect(page.locator('#block-id-note').textContent()).resolves.toBe(
      '“ask-name” is the id of another block.',
    );
    await expect(page.getByLabel('Id', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('9lives');
    await expect(page.locator('#block-id-note').textContent()).resolves.toBe('An id starts with a letter.');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('thanks');
    await expect(page.locator('#block-id-note').textContent()).resolves.toBe('');
    await page.keyboard.press('Enter');
    // Renamed, and back on the canvas on the block.
    await expect.poll(focused).toBe('thanks');
    await page.getByLabel('Target of next').focus();
    await page.getByLabel('Target of next').selectOption('adult');
    await page.locator('.block-form').getByLabel('text', { exact: true }).fill('Thanks!');
    await page.locator('.block-form').getByLabel('text', { exact: true }).press('Tab');

    await findBlock(page, 'young');
    await page.keyboard.press('Delete');
    await expect.poll(() => node(page, 'young').count()).toBe(0);
    // adult's else names a block that is gone: a missing node and a problem, not a silent removal.
    await expect.poll(() => node(page, '$missing:young').count()).toBe(1);
    await page.getByRole('tab', { name: /Problems/ }).click();
    await expect(page.getByRole('list', { name: 'Problems', exact: true }).textContent()).resolves.toContain(
      '"young"',
    );

    const saved = await saveAndRead(page, file);
    const after = (id: string) => new RegExp(`\\n  ${id}:\\n(?:    .*\\n)+\\n?`);
    expect(saved).toBe(
      text
        .replace(
          "Glad to see you again.'\n    next: adult\n",
          "Glad to see you again.'\n    next: adult\n\n  thanks:\n    type: message\n    text: 'Thanks!'\n    next: adult\n",
        )
        .replace(after('young'), '\n'),
    );
  });
});

describe('copy and paste', () => {
  test('blocks copied on one studio’s canvas paste into another studio’s, and into their own with fresh ids, their edges among themselves kept', async () => {
    const from = await open('order-status.yaml');
    const into = await open('client-identification.yaml');
    for (const page of [from.page, into.page]) {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: new URL(page.url()).origin,
      });
    }
    // Two blocks: ask-email, and with Shift thanks, where its next leads.
    await findBlock(from.page, 'thanks');
    await findBlock(from.page, 'ask-email');
    await node(from.page, 'thanks').click({ modifiers: ['Shift'] });
    await expect(node(from.page, 'thanks').getAttribute('class')).resolves.toContain('selected');
    await node(from.page, 'ask-email').focus();
    await from.page.keyboard.press('Control+c');
    const clipboard = () => from.page.evaluate(() => navigator.clipboard.readText());
    await expect.poll(clipboard).toMatch(/^ask-email:\n[^]*\nthanks:\n/);
    const copied = await clipboard();

    // Another studio: the blocks come in under their own ids, selected.
    await findBlock(into.page, 'done');
    await into.page.keyboard.press('Control+v');
    await expect.poll(() => node(into.page, 'ask-email').count()).toBe(1);
    for (const id of ['ask-email', 'thanks']) {
      await expect(node(into.page, id).getAttribute('class')).resolves.toContain('selected');
    }
    await expect(into.page.getByLabel(/^ask-email: way out next /).getAttribute('aria-label')).resolves.toBe(
      'ask-email: way out next → thanks',
    );
    const saved = await saveAndRead(into.page, into.file);
    expect(saved.startsWith(into.text.trimEnd())).toBe(true);
    // As they were written, indented into the file's blocks.
    expect(saved).toContain(
      copied
        .split('\n')
        .slice(0, 3)
        .map((line) => `  ${line}`)
        .join('\n'),
    );
    expect((await runCli(['validate', into.file])).code).toBe(0);

    // The same studio: the ids are taken, so the copies get fresh ones and lead to each other.
    await findBlock(from.page, 'done');
    await from.page.keyboard.press('Control+v');
    await expect.poll(() => from.page.locator('.graph g.node.selected').count()).toBe(2);
    const pasted = await from.page
      .locator('.graph g.node.selected')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id') ?? ''));
    expect(pasted.sort()).not.toEqual(['ask-email', 'thanks']);
    const [askCopy = '', thanksCopy = ''] = pasted.sort();
    expect(askCopy.startsWith('ask-email')).toBe(true);
    await expect(
      from.page.getByLabel(new RegExp(`^${askCopy}: way out next `)).getAttribute('aria-label'),
    ).resolves.toBe(`${askCopy}: way out next → ${thanksCopy}`);
  });
});
