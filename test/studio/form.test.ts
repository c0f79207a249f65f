import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { outlineScript } from '../../engine/index.js';
import { applied } from '../support/scripts.js';
import { findBlock, keepScreenshot, openSample, paneText, useBrowser } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';

const browser = useBrowser();
const folders = useTempFolders('botflow-studio-form-');

/** A copy of a sample script, a studio and a page on it, the block `id` selected. */
async function open(sample: string, id: string) {
  const opened = await openSample(browser(), folders, sample, { stepTimeout: 5000 });
  await findBlock(opened.page, id);
  await opened.page.getByRole('heading', { level: 2, name: id }).waitFor();
  return opened;
}

const form = (page: Page) => page.locator('form.block-form');

async function saved(page: Page, file: string, expected: string): Promise<void> {
  await expect.poll(() => paneText(page)).toBe(expected);
  await page.keyboard.press('Control+s');
  await expect.poll(() => readFile(file, 'utf8')).toBe(expected);
}

test("an expression's problem is said under its field as it is typed, and goes when it is fixed", async () => {
  const { text, page } = await open('order-status.yaml', 'has-order');
  const condition = form(page).getByLabel('if', { exact: true });
  await expect(condition.inputValue()).resolves.toBe("product != ''");
  await condition.fill('product !=');
  const broken = applied(text, [
    { kind: 'set-field', block: 'has-order', path: 'branches[0].if', value: 'product !=' },
  ]);
  const [problem] = outlineScript(broken, 'bot.yaml').problems.filter((p) =>
    p.path.startsWith('blocks.has-order.branches[0].if'),
  );
  expect(problem?.severity).toBe('error');
  const note = page.locator(`#${(await condition.getAttribute('aria-describedby')) ?? ''}`);
  // Written after a pause in typing, checked by the server, said under the field.
  await expect.poll(() => note.textContent()).toBe(problem?.message);
  await expect(paneText(page)).resolves.toBe(broken);
  await keepScreenshot(page, 'form-expression-problem');
  await condition.fill("product == ''");
  await expect.poll(() => note.textContent()).toBe('');
  await expect(condition.inputValue()).resolves.toBe("product == ''");
});

test('the fields of a request write its YAML: a select, a duration, a map, a list, a JSON body; each edit is one undo step', async () => {
  const { file, text, page } = await open('order-status.yaml', 'lookup');
  const fields = form(page);
  await fields.getByLabel('method').selectOption('POST');
  await expect.poll(() => paneText(page)).toContain('    method: POST\n');

  await fields.getByLabel('timeout').fill('10s');
  await fields.getByLabel('timeout').press('Tab');
  await fields.getByLabel('New headers name').fill('X-Trace');
  await fields.getByLabel('New headers name').press('Enter');
  await fields.getByLabel('headers X-Trace', { exact: true }).fill('{{ clientExternalId }}');
  await fields.getByLabel('headers X-Trace', { exact: true }).press('Tab');
  await fields.getByRole('button', { name: 'Remove headers Authorization' }).click();
  await fields.getByRole('button', { name: 'Remove on 3' }).click();
  // The list is shown again with one item less (the form is made anew for a new count).
  await expect.poll(() => fields.getByRole('button', { name: /^Remove on \d$/ }).count()).toBe(2);

  const body = fields.getByLabel('body');
  await body.fill('{ "id": "{{ clientExternalId }}", ');
  const bodyNote = page.locator(`#${(await body.getAttribute('aria-describedby')) ?? ''}`);
  await expect.poll(() => bodyNote.textContent()).toContain('This is not JSON yet');
  await body.fill('{ "id": "{{ clientExternalId }}" }');
  await body.press('Tab');

  const expected = applied(text, [
    { kind: 'set-field', block: 'lookup', path: 'method', value: 'POST' },
    { kind: 'set-field', block: 'lookup', path: 'timeout', value: '10s' },
    { kind: 'set-field', block: 'lookup', path: 'headers.X-Trace', value: '' },
    { kind: 'set-field', block: 'lookup', path: 'headers.X-Trace', value: '{{ clientExternalId }}' },
    { kind: 'set-field', block: 'lookup', path: 'headers.Authorization', value: undefined },
    { kind: 'set-field', block: 'lookup', path: 'retry.on[2]', value: undefined },
    { kind: 'set-field', block: 'lookup', path: 'body', value: { id: '{{ clientExternalId }}' } },
  ]);
  await expect.poll(() => paneText(page)).toBe(expected);
  await keepScreenshot(page, 'form-request');

  // One Undo takes the body back out, whole: the field's edit was one step.
  await page.getByRole('button', { name: 'Undo' }).click();
  const withoutBody = applied(text, [
    { kind: 'set-field', block: 'lookup', path: 'method', value: 'POST' },
    { kind: 'set-field', block: 'lookup', path: 'timeout', value: '10s' },
    { kind: 'set-field', block: 'lookup', path: 'headers.X-Trace', value: '{{ clientExternalId }}' },
    { kind: 'set-field', block: 'lookup', path: 'headers.Authorization', value: undefined },
    { kind: 'set-field', block: 'lookup', path: 'retry.on[2]', value: undefined },
  ]);
  await expect.poll(() => paneText(page)).toBe(withoutBody);
  await expect.poll(() => fields.getByLabel('body').inputValue()).toBe('');
  await saved(page, file, withoutBody);
});

test("an ask's expect is a named kind or a pattern; its retries a number; an optional field emptied is removed", async () => {
  const { file, text, page } = await open('order-status.yaml', 'ask-email');
  const fields = form(page);
  const expect_ = fields.getByRole('combobox', { name: /^expect/ });
  await expect(expect_.inputValue()).resolves.toBe('email');
  await expect_.selectOption('{pattern}');
  const pattern = fields.getByLabel('expect pattern');
  await pattern.fill('^[^@]+@example\\.com$');
  await pattern.press('Tab');
  await fields.getByLabel('retries').fill('5');
  await fields.getByLabel('retries').press('Tab');
  await fields.getByLabel('invalid').fill('');
  await fields.getByLabel('invalid').press('Tab');
  await saved(
    page,
    file,
    applied(text, [
      { kind: 'set-field', block: 'ask-email', path: 'expect', value: { pattern: '' } },
      { kind: 'set-field', block: 'ask-email', path: 'expect', value: { pattern: '^[^@]+@example\\.com$' } },
      { kind: 'set-field', block: 'ask-email', path: 'retries', value: 5 },
      { kind: 'set-field', block: 'ask-email', path: 'invalid', value: undefined },
    ]),
  );
});

test('the connections pick each way’s target: connect, disconnect with “— none —”, add a way and remove it', async () => {
  const { file, text, page } = await open('order-status.yaml', 'has-order');
  await page.getByRole('button', { name: 'Add a branch', exact: true }).click();
  await page.getByLabel('Target of true').selectOption('crm-down');
  await form(page).getByLabel('if', { exact: true }).nth(1).fill("status == 'lost'");
  await form(page).getByLabel('if', { exact: true }).nth(1).press('Tab');
  await page.getByLabel('Find a block').fill('ask-email');
  await page.getByLabel('Find a block').press('Enter');
  await page.getByLabel('Target of invalid').selectOption('');
  await page.getByLabel('Find a block').fill('lookup');
  await page.getByLabel('Find a block').press('Enter');
  await page.getByLabel('Outcome to add').fill('timeout');
  await page.getByRole('button', { name: 'Add an outcome', exact: true }).click();
  await page.getByLabel('Target of timeout').selectOption('crm-down');
  await page.getByRole('button', { name: 'Remove 404', exact: true }).click();
  await saved(
    page,
    file,
    applied(text, [
      { kind: 'add-way', block: 'has-order', way: 'branch' },
      { kind: 'connect', block: 'has-order', port: 'branches[1].next', to: 'crm-down' },
      { kind: 'set-field', block: 'has-order', path: 'branches[1].if', value: "status == 'lost'" },
      { kind: 'disconnect', block: 'ask-email', port: 'on.invalid' },
      { kind: 'add-way', block: 'lookup', way: 'outcome', name: 'timeout' },
      { kind: 'connect', block: 'lookup', port: 'on.timeout', to: 'crm-down' },
      { kind: 'remove-way', block: 'lookup', port: 'on."404"' },
    ]),
  );
});
