/**
 * The client-identification flow of docs/studio.md ("Starting from an empty file"), built on the
 * studio's page the way a designer does it: the palette, the forms, the + port and Connections,
 * never a YAML keystroke. Shared by the browser test that checks the file it writes
 * (test/studio/build.test.ts) and the tool that takes the docs' screenshots of it
 * (tools/docs-screenshots.ts); it waits for each step itself, so it needs no test runner.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';

/** How long any one step may take before it fails. */
export const STEP_TIMEOUT_MS = 10_000;

/** Waits until `holds` is true; else fails with `failure`. */
export async function until(failure: string, holds: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (!(await holds())) {
    if (Date.now() > deadline) throw new Error(`${failure} (waited ${STEP_TIMEOUT_MS / 1000} s).`);
    await sleep(50);
  }
}

const quoted = (value: string) => JSON.stringify(value);
export const node = (page: Page, id: string) => page.locator(`.canvas .graph g.node[data-id=${quoted(id)}]`);
export const form = (page: Page) => page.locator('form.block-form');
/** The YAML pane's line holding `text`. */
export const paneLine = (page: Page, text: string) =>
  page.locator('.yaml-pane .cm-line').filter({ hasText: text });

/** Types into a form field and leaves it, which writes it at once. */
export async function fill(page: Page, label: string | RegExp, value: string): Promise<void> {
  const field = form(page).getByLabel(label, { exact: typeof label === 'string' });
  await field.fill(value);
  await field.press('Tab');
}

/** Adds a block from the palette (after the selected one) and names it in its Id field. */
async function addBlock(page: Page, type: string, id: string): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^Add an? ${type} block$`) }).click();
  const idField = page.getByLabel('Id', { exact: true });
  await until(
    `the Id field never showed the new ${type} block`,
    async () => (await idField.inputValue()) === type,
  );
  await idField.fill(id);
  await idField.press('Enter');
  await node(page, id).waitFor();
}

/** Picks the target of one of the selected block's ways out in its Connections. */
async function connect(page: Page, way: string, to: string): Promise<void> {
  const target = page.getByLabel(`Target of ${way}`, { exact: true });
  await target.selectOption(to);
  await until(`the target of ${way} never became ${to}`, async () => (await target.inputValue()) === to);
}

/** Selects a block through the search field. */
export async function select(page: Page, id: string): Promise<void> {
  await page.getByLabel('Find a block').fill(id);
  await page.getByLabel('Find a block').press('Enter');
  const idField = page.getByLabel('Id', { exact: true });
  await until(`the search never selected ${id}`, async () => (await idField.inputValue()) === id);
}

/** The first block of an empty file (`identify`), then, with nothing selected, the script's description, variables and env. */
export async function buildScript(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Add a condition block' }).click();
  await node(page, 'condition').waitFor();
  const idField = page.getByLabel('Id', { exact: true });
  await idField.fill('identify');
  await idField.press('Enter');
  await node(page, 'identify').waitFor();

  await page.keyboard.press('Escape');
  const script = page.getByRole('form', { name: 'Script' });
  await script
    .getByLabel('description (optional)')
    .fill('Greets a client identified by the invitation link.');
  await script.getByLabel('description (optional)').press('Tab');
  for (const variable of ['cl_data', 'firstName', 'lastName', 'age']) {
    await script.getByLabel('New variables name').fill(variable);
    await script.getByLabel('New variables name').press('Enter');
    await script.getByLabel(`variables ${variable}`, { exact: true }).waitFor();
  }
  await script.getByLabel('variables age', { exact: true }).fill('0');
  await script.getByLabel('variables age', { exact: true }).press('Tab');
  await paneLine(page, '  age: 0').waitFor();
  // The CRM's address, which the Server Request will read as env.CRM_URL.
  await script.getByLabel('env (optional)').fill('["CRM_URL"]');
  await script.getByLabel('env (optional)').press('Tab');
  await paneLine(page, '  - CRM_URL').waitFor();
}

/** The rest of the flow: six blocks added after `identify`, each filled in and connected. */
export async function buildFlow(page: Page): Promise<void> {
  await select(page, 'identify');
  await addBlock(page, 'request', 'crm');
  await addBlock(page, 'bpl', 'unpack');
  await addBlock(page, 'message', 'greet');
  await addBlock(page, 'ask', 'ask-name');
  await addBlock(page, 'message', 'hello');
  await addBlock(page, 'end', 'done');

  await select(page, 'identify');
  await fill(page, 'if', "cl_data != ''");
  await connect(page, "cl_data != ''", 'unpack');
  await page.getByRole('button', { name: 'identify: add a branch' }).click();
  await form(page).getByLabel('if').nth(1).waitFor();
  await form(page).getByLabel('if').nth(1).fill("clientExternalId != ''");
  await form(page).getByLabel('if').nth(1).press('Tab');
  await connect(page, "clientExternalId != ''", 'crm');
  await connect(page, 'else', 'ask-name');

  await select(page, 'crm');
  await fill(page, 'url', '{{ env.CRM_URL }}/clients/{{ clientExternalId }}');
  await form(page).getByLabel('New save name').fill('cl_data');
  await form(page).getByLabel('New save name').press('Enter');
  await fill(page, 'save cl_data', 'body.cl_data');
  await connect(page, 'next', 'unpack');
  await page.getByLabel('Outcome to add').fill('error');
  await page.getByLabel('Outcome to add').press('Enter');
  await connect(page, 'error', 'ask-name');

  await select(page, 'unpack');
  await fill(page, 'from', 'cl_data');
  await fill(page, 'by (optional)', ' ');
  for (const [index, name] of ['firstName', 'lastName', 'age'].entries()) {
    await form(page).getByRole('button', { name: 'Add to into' }).click();
    await fill(page, `into ${index + 1}`, name);
  }
  await form(page).getByLabel(/^rest/).selectOption('error');
  await form(page).getByLabel('New set name').fill('age');
  await form(page).getByLabel('New set name').press('Enter');
  await fill(page, 'set age', 'toNumber(age)');
  await connect(page, 'next', 'greet');
  await connect(page, 'error', 'ask-name');

  const steps = [
    { id: 'greet', text: 'Hello, {{ firstName }} {{ lastName }}!', next: 'done' },
    { id: 'ask-name', text: 'Hello! What is your name?', save: 'firstName', next: 'hello' },
    { id: 'hello', text: 'Nice to meet you, {{ firstName }}!', next: 'done' },
  ];
  for (const step of steps) {
    await select(page, step.id);
    await fill(page, 'text', step.text);
    if (step.save !== undefined) await fill(page, 'save', step.save);
    await connect(page, 'next', step.next);
  }

  await select(page, 'done');
  await fill(page, 'result (optional)', 'identified');
  await paneLine(page, '    result: identified').waitFor();
}
