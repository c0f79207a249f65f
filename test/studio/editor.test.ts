import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../support/cli.js';
import { keepScreenshot, openSample, paneText, useBrowser } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';

const temp = useTempFolders('botflow-studio-editor-');
const browser = useBrowser();
const ORDER_STATUS = await readFile(join(ROOT, 'scripts/order-status.yaml'), 'utf8');

/** A studio on a copy of order-status.yaml, and its page with the graph drawn. */
async function editing(options: { answered?: readonly number[]; width?: number } = {}) {
  const { file, studio, page } = await openSample(browser(), temp, 'order-status.yaml', {
    viewport: { width: options.width ?? 1400, height: 900 },
    ...(options.answered && { answered: options.answered }),
  });
  return { file, studio, page, pane: page.getByLabel('Script YAML') };
}

/** Puts the cursor at the end of the pane's text. */
async function atEnd(page: Page): Promise<void> {
  await page.getByLabel('Script YAML').focus();
  await page.keyboard.press('Control+End');
}

const node = (page: Page, id: string) => page.locator(`g.node[data-id="${id}"]`);
/** Selects a block as a click on its node does (the node may be off the canvas's view). */
const pick = (page: Page, id: string) => node(page, id).dispatchEvent('click');
const mark = (page: Page) => page.locator('header .unsaved');
const conflict = (page: Page) => page.getByRole('dialog', { name: 'The file changed on disk' });

describe('the YAML pane', () => {
  test('shows the file’s own lines; typing in it redraws the graph, and a problem is marked on its line until fixed', async () => {
    const { page } = await editing();
    expect(await paneText(page)).toBe(ORDER_STATUS);
    await atEnd(page);
    await page.keyboard.insertText('  farewell:\n    type: message\n    text: Bye\n    next: nowhere\n');
    await node(page, 'farewell').waitFor();
    await node(page, '$missing:nowhere').waitFor();
    const flagged = page.locator('.yaml-pane .cm-line:has(.cm-lintRange-error, .cm-lintPoint-error)');
    await expect.poll(() => flagged.allTextContents()).toEqual(['    next: nowhere']);
    await keepScreenshot(page, 'editor-diagnostic');

    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await page.keyboard.press('Control+Backspace');
    await page.keyboard.type('done');
    await node(page, '$missing:nowhere').waitFor({ state: 'detached' });
    await expect.poll(() => flagged.count()).toBe(0);

    // Half-typed YAML: marked where the reader gave up; the flow keeps its picture meanwhile.
    await page.keyboard.insertText('\n    buttons: [Ok');
    await expect.poll(() => flagged.count()).toBe(1);
    expect(await page.getByRole('tab', { name: /Problems/ }).textContent()).toContain('1');
    expect(await node(page, 'farewell').count()).toBe(1);
    await page.keyboard.insertText(']');
    await expect.poll(() => flagged.count()).toBe(0);
  });

  test('Enter after a line that opens a block indents the next line one level deeper; after a value, it keeps the level', async () => {
    const { page } = await editing();
    await atEnd(page);
    await page.keyboard.type('  tip:');
    await page.keyboard.press('Enter');
    await page.keyboard.type('type: message');
    await page.keyboard.press('Enter');
    await page.keyboard.type('text: |');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Tips are welcome.');
    await expect
      .poll(() => paneText(page))
      .toBe(`${ORDER_STATUS}  tip:\n    type: message\n    text: |\n      Tips are welcome.`);
    await node(page, 'tip').waitFor();
  });

  test('Ctrl+S writes exactly the pane’s text; the unsaved mark comes with a change and goes with the save', async () => {
    const { file, page } = await editing();
    await expect.poll(() => mark(page).isVisible()).toBe(false);
    await atEnd(page);
    await page.keyboard.insertText('  farewell: { type: end, text: Bye }   # kept as typed\n');
    await expect.poll(() => mark(page).isVisible()).toBe(true);
    expect(await page.title()).toMatch(/^● /);
    const text = await paneText(page);
    expect(text).toBe(`${ORDER_STATUS}  farewell: { type: end, text: Bye }   # kept as typed\n`);

    await page.keyboard.press('Control+s');
    await expect.poll(() => mark(page).isVisible()).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(await page.title()).not.toMatch(/●/);
    await expect.poll(() => page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    // The watcher reads the page's own save back: that is no change on disk to ask about.
    await page.waitForTimeout(500);
    expect(await conflict(page).isVisible()).toBe(false);
    expect(await paneText(page)).toBe(text);
  });

  test('undo and redo of typing, from the pane, the buttons, and anywhere on the page but a form field', async () => {
    const { page } = await editing();
    await atEnd(page);
    await page.keyboard.insertText('  farewell: { type: end }\n');
    await node(page, 'farewell').waitFor();

    await page.keyboard.press('Control+z');
    await node(page, 'farewell').waitFor({ state: 'detached' });
    await expect.poll(() => mark(page).isVisible()).toBe(false);
    await page.keyboard.press('Control+Shift+z');
    await node(page, 'farewell').waitFor();

    await page.getByRole('button', { name: 'Undo' }).click();
    await node(page, 'farewell').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Redo' }).click();
    await node(page, 'farewell').waitFor();

    // From the graph: the page's undo.
    await page.getByLabel(/^Flow graph/).focus();
    await page.keyboard.press('Control+z');
    await node(page, 'farewell').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+y');
    await node(page, 'farewell').waitFor();

    // A form field keeps its own undo.
    const search = page.getByLabel('Find a block');
    await search.fill('');
    await search.focus();
    await page.keyboard.type('sho');
    await page.keyboard.press('Control+z');
    expect(await search.inputValue()).toBe('');
    await page.waitForTimeout(300);
    expect(await node(page, 'farewell').count()).toBe(1);

    // Unsaved text is not left without a word.
    const asked = new Promise<string>((resolve) => {
      page.once('dialog', (dialog) => {
        resolve(dialog.type());
        void dialog.accept();
      });
    });
    await page.close({ runBeforeUnload: true });
    expect(await asked).toBe('beforeunload');
  });

  test('a change on disk with nothing unsaved: the pane takes the file’s text', async () => {
    const { file, page } = await editing();
    const theirs = ORDER_STATUS.replace('name: order-status', 'name: theirs');
    await writeFile(file, theirs);
    await expect.poll(() => paneText(page)).toBe(theirs);
    expect(await conflict(page).isVisible()).toBe(false);
    expect(await mark(page).isVisible()).toBe(false);
  });

  test('a change on disk under unsaved edits: both versions are shown, and each choice does what it says', async () => {
    const { file, page } = await editing({ answered: [409] });
    const mine = `${ORDER_STATUS}  mine: { type: end }\n`;
    await atEnd(page);
    await page.keyboard.insertText('  mine: { type: end }\n');
    await node(page, 'mine').waitFor();

    const theirs = ORDER_STATUS.replace('name: order-status', 'name: theirs');
    await writeFile(file, theirs);
    const dialog = conflict(page);
    await dialog.waitFor();
    await expect.poll(() => dialog.getByLabel('On disk').textContent()).toContain('name: theirs');
    expect(await dialog.getByLabel('Yours').textContent()).toContain('mine: { type: end }');
    await keepScreenshot(page, 'editor-conflict');

    // Closed without a choice: a save is refused and asks again; the file is never overwritten silently.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.keyboard.press('Control+s');
    await dialog.waitFor();
    expect(await readFile(file, 'utf8')).toBe(theirs);

    await dialog.getByRole('button', { name: 'Take the file’s' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => paneText(page)).toBe(theirs);
    await expect.poll(() => mark(page).isVisible()).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(theirs);
    // The designer's own text is one Undo away.
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => paneText(page)).toBe(mine);
    await expect.poll(() => mark(page).isVisible()).toBe(true);

    const again = ORDER_STATUS.replace('name: order-status', 'name: again');
    await writeFile(file, again);
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Keep mine' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await paneText(page)).toBe(mine);
    expect(await readFile(file, 'utf8')).toBe(again);
    await page.keyboard.press('Control+s');
    await expect.poll(() => mark(page).isVisible()).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(mine);
  });

  test('selecting a block selects its lines; moving the cursor into a block selects it, the pane keeping the focus', async () => {
    const { page, pane } = await editing();
    await pick(page, 'show');
    await pane.focus();
    const lines = ORDER_STATUS.split('\n');
    const first = lines.indexOf('  show:');
    const block = lines.slice(first, lines.indexOf('', first)).join('\n');
    expect(await page.evaluate(() => document.getSelection()?.toString())).toBe(block);

    await page.locator('.yaml-pane .cm-line', { hasText: 'Thank you!' }).click();
    await expect.poll(() => node(page, 'thanks').getAttribute('class')).toContain('selected');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('cm-content'))).toBe(true);
  });

  test('completes keys the block may still take, a field’s values, block types and block ids', async () => {
    const { page } = await editing();
    const options = async () =>
      page.locator('.cm-tooltip-autocomplete').getByRole('option').allTextContents();
    // The list takes no key for its first moments (so a fast typist's Enter is not a choice).
    const accept = async () => {
      await page.waitForTimeout(150);
      await page.keyboard.press('Enter');
    };
    // In `show` (a message with type, text and next), the one key left: on a new line after its lines.
    await pick(page, 'show');
    await page.getByLabel('Script YAML').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Space');
    await expect.poll(options).toEqual([expect.stringMatching(/^buttons/)]);
    await accept();
    expect(await paneText(page)).toContain('    next: done\n    buttons:\n      - \n');

    // In a request's `on` (success, 404 and error written), the outcomes left.
    await pick(page, 'lookup');
    await page.getByLabel('Script YAML').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Space');
    await expect.poll(async () => (await options()).sort()).toEqual(['limit', 'network', 'timeout']);
    await page.keyboard.press('Escape');

    await atEnd(page);
    await page.keyboard.insertText('  fresh:\n    type: ');
    await page.keyboard.press('Control+Space');
    await expect
      .poll(async () => (await options()).sort())
      .toEqual(['ask', 'bpl', 'condition', 'end', 'message', 'random', 'request']);
    await page.keyboard.type('ask');
    await page.keyboard.press('Escape');
    await page.keyboard.insertText('\n    expect: ');
    await page.keyboard.press('Control+Space');
    await expect
      .poll(async () => (await options()).sort())
      .toEqual(['choice', 'email', 'integer', 'number', 'phone', 'text']);
    await page.keyboard.press('Escape');
    await page.keyboard.insertText('email\n    next: thank');
    await expect.poll(options).toEqual(['thanks']);
    await accept();
    expect(await paneText(page)).toContain('  fresh:\n    type: ask\n    expect: email\n    next: thanks');
  });

  test('Tab indents in the pane; Escape then Tab leaves it, so the keyboard is never trapped', async () => {
    const { page, pane } = await editing();
    await atEnd(page);
    await page.keyboard.insertText('  farewell:');
    await page.keyboard.press('Enter');
    const indent = (await paneText(page)).split('\n').at(-1) ?? '';
    await page.keyboard.press('Tab');
    expect((await paneText(page)).split('\n').at(-1)).toBe(`${indent}  `);
    expect(await pane.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    expect(await pane.evaluate((element) => element === document.activeElement)).toBe(false);
  });

  test('the YAML toggle shows and hides the pane; a narrow window starts without it', async () => {
    const { page } = await editing({ width: 1000 });
    const toggle = page.getByRole('button', { name: 'YAML' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByRole('region', { name: 'YAML pane' }).isVisible()).toBe(false);
    const side = async () => (await page.locator('aside.side').boundingBox())?.width;
    expect(await side()).toBe(420);
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('region', { name: 'YAML pane' }).isVisible()).toBe(true);
    expect(await side()).toBe(420);
    await toggle.click();
    expect(await page.getByRole('region', { name: 'YAML pane' }).isVisible()).toBe(false);
    expect(await side()).toBe(420);
  });
});
