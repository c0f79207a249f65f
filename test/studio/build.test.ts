import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { keepScreenshot, openStudioPage, paneText, StudioProcess, useBrowser } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';

const browser = useBrowser();
const folders = useTempFolders('botflow-studio-build-');

const quoted = (value: string) => JSON.stringify(value);
const node = (page: Page, id: string) => page.locator(`.canvas .graph g.node[data-id=${quoted(id)}]`);
const form = (page: Page) => page.locator('form.block-form');

/**
 * What the canvas writes, step by step, into an empty file: the source document's flow, in which
 * the invitation link's packed `cl_data` (or the CRM's, fetched by the client's id) is split by a
 * BPL block into a first name, a last name and an age, and an unknown client is asked their name.
 */
const BUILT = `botflow: 1
name: client-identification
description: 'Greets a client identified by the invitation link.'
variables:
  cl_data: ''
  firstName: ''
  lastName: ''
  age: 0
blocks:
  identify:
    type: condition
    branches:
      - if: "cl_data != ''"
        next: unpack
      - if: "clientExternalId != ''"
        next: crm
    else: ask-name

  crm:
    type: request
    method: GET
    url: '{{ env.CRM_URL }}/clients/{{ clientExternalId }}'
    save:
      cl_data: body.cl_data
    on:
      error: ask-name
    next: unpack

  unpack:
    type: bpl
    split:
      from: cl_data
      by: ' '
      into:
        - firstName
        - lastName
        - age
      rest: error
    set:
      age: 'toNumber(age)'
    next: greet
    on:
      error: ask-name

  greet:
    type: message
    text: 'Hello, {{ firstName }} {{ lastName }}!'
    next: done

  ask-name:
    type: ask
    text: 'Hello! What is your name?'
    save: firstName
    next: hello

  hello:
    type: message
    text: 'Nice to meet you, {{ firstName }}!'
    next: done

  done:
    type: end
    result: identified
`;

const CASES = `script: client-identification.yaml
cases:
  - name: the packed data of the link greets John by name
    start: { link: 'https://t.me/MyCoolBot?start=eyJ2Ijp7ImNsX2RhdGEiOiJKb2huIFNtaXRoIDIzIn19' }
    steps:
      - bot: 'Hello, John Smith!'
    expect: { status: ended, result: identified, variables: { firstName: John, lastName: Smith, age: 23 } }

  - name: a plain client id fetches the packed data from the CRM
    start: { link: 'https://t.me/MyCoolBot?start=1234567' }
    env: { CRM_URL: 'http://crm.test' }
    http:
      - match: { method: GET, url: 'http://crm.test/clients/1234567' }
        respond: { body: { cl_data: 'Anna Ivanova 31' } }
    steps:
      - bot: 'Hello, Anna Ivanova!'
    expect: { result: identified, variables: { clientExternalId: '1234567', age: 31 } }

  - name: a client the CRM does not know is asked their name
    start: { link: 'https://t.me/MyCoolBot?start=999' }
    env: { CRM_URL: 'http://crm.test' }
    http:
      - match: { url: 'http://crm.test/clients/999' }
        respond: { status: 404, body: {} }
    steps:
      - bot: 'Hello! What is your name?'
      - user: Olga
      - bot: 'Nice to meet you, Olga!'
    expect: { result: identified, variables: { firstName: Olga } }

  - name: without data the bot asks the name
    steps:
      - bot: 'Hello! What is your name?'
      - user: John
      - bot: 'Nice to meet you, John!'
`;

/** Types into a form field and leaves it, which writes it at once. */
async function fill(page: Page, label: string | RegExp, value: string): Promise<void> {
  const field = form(page).getByLabel(label, { exact: typeof label === 'string' });
  await field.fill(value);
  await field.press('Tab');
}

/** Adds a block from the palette (after the selected one) and names it in its Id field. */
async function addBlock(page: Page, type: string, id: string): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^Add an? ${type} block$`) }).click();
  const idField = page.getByLabel('Id', { exact: true });
  await expect.poll(() => idField.inputValue()).toBe(type);
  await idField.fill(id);
  await idField.press('Enter');
  await expect.poll(() => node(page, id).count()).toBe(1);
}

/** Picks the target of one of the selected block's ways out in its Connections (named by what takes it). */
async function connect(page: Page, way: string, to: string): Promise<void> {
  await page.getByLabel(`Target of ${way}`, { exact: true }).selectOption(to);
  await expect.poll(() => page.getByLabel(`Target of ${way}`, { exact: true }).inputValue()).toBe(to);
}

/** Selects a block through Find a block (which also brings it into view). */
async function select(page: Page, id: string): Promise<void> {
  await page.getByLabel('Find a block').fill(id);
  await page.getByLabel('Find a block').press('Enter');
  await expect(page.getByLabel('Id', { exact: true }).inputValue()).resolves.toBe(id);
}

describe('a script built on the canvas alone', () => {
  test('the client-identification flow from an empty file: the palette, the forms and the connections write a file that validates, reads like a hand-written one and passes its case file', async () => {
    const dir = await folders.project({ 'client-identification.yaml': '' });
    const file = join(dir, 'client-identification.yaml');
    const studio = await StudioProcess.start(file);
    const page = await openStudioPage(browser(), studio);
    page.setDefaultTimeout(5000);
    await page.locator('.canvas[data-revision="1"]').waitFor();
    await expect(page.locator('.canvas .empty-note').textContent()).resolves.toBe(
      'The script is empty: add its first block from the palette above.',
    );
    await keepScreenshot(page, 'build-empty');

    // The first block writes the header too, named for the file.
    await page.getByRole('button', { name: 'Add a condition block' }).click();
    await expect
      .poll(() => paneText(page))
      .toBe(
        "botflow: 1\nname: client-identification\nblocks:\n  condition:\n    type: condition\n    branches:\n      - if: 'true'\n",
      );
    const idField = page.getByLabel('Id', { exact: true });
    await idField.fill('identify');
    await idField.press('Enter');
    await expect.poll(() => node(page, 'identify').count()).toBe(1);

    // With no block selected, the tab shows the script's own fields.
    await page.keyboard.press('Escape');
    const script = page.getByRole('form', { name: 'Script' });
    await script
      .getByLabel('description (optional)')
      .fill('Greets a client identified by the invitation link.');
    await script.getByLabel('description (optional)').press('Tab');
    for (const variable of ['cl_data', 'firstName', 'lastName', 'age']) {
      await script.getByLabel('New variables name').fill(variable);
      await script.getByLabel('New variables name').press('Enter');
      await expect.poll(() => script.getByLabel(`variables ${variable}`, { exact: true }).count()).toBe(1);
    }
    await script.getByLabel('variables age', { exact: true }).fill('0');
    await script.getByLabel('variables age', { exact: true }).press('Tab');
    await expect.poll(() => paneText(page)).toContain("  lastName: ''\n  age: 0\nblocks:");
    await keepScreenshot(page, 'build-script-form');

    // The blocks, each after the one selected, named as the flow reads.
    await select(page, 'identify');
    await addBlock(page, 'request', 'crm');
    await addBlock(page, 'bpl', 'unpack');
    await addBlock(page, 'message', 'greet');
    await addBlock(page, 'ask', 'ask-name');
    await addBlock(page, 'message', 'hello');
    await addBlock(page, 'end', 'done');

    // The condition: its first branch, a second one, and else.
    await select(page, 'identify');
    await fill(page, 'if', "cl_data != ''");
    await connect(page, "cl_data != ''", 'unpack');
    // The "+" port on the canvas adds a branch.
    await page.getByRole('button', { name: 'identify: add a branch' }).click();
    await expect.poll(() => form(page).getByLabel('if').count()).toBe(2);
    await form(page).getByLabel('if').nth(1).fill("clientExternalId != ''");
    await form(page).getByLabel('if').nth(1).press('Tab');
    await connect(page, "clientExternalId != ''", 'crm');
    await connect(page, 'else', 'ask-name');

    // The request: the CRM's answer by the client's id, its packed data saved.
    await select(page, 'crm');
    await fill(page, 'url', '{{ env.CRM_URL }}/clients/{{ clientExternalId }}');
    await form(page).getByLabel('New save name').fill('cl_data');
    await form(page).getByLabel('New save name').press('Enter');
    await fill(page, 'save cl_data', 'body.cl_data');
    await connect(page, 'next', 'unpack');
    await page.getByLabel('Outcome to add').fill('error');
    await page.getByLabel('Outcome to add').press('Enter');
    await connect(page, 'error', 'ask-name');

    // The BPL block splits the packed value into three variables.
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

    // The messages and the question: their texts, what the answer is saved in, and where each leads.
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
    await page.getByRole('button', { name: 'Fit' }).click();
    await keepScreenshot(page, 'build-flow');

    await page.keyboard.press('Control+s');
    await expect.poll(() => readFile(file, 'utf8')).toBe(BUILT);
    await expect.poll(() => page.locator('header .unsaved').isHidden()).toBe(true);

    const validated = await runCli(['validate', file]);
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);
    await writeFile(join(dir, 'client-identification.cases.yaml'), CASES);
    const tested = await runCli(['test', join(dir, 'client-identification.cases.yaml')]);
    expect(tested.stdout).toContain('4 passed');
    expect(tested.code).toBe(0);
  }, 120_000);
});

describe('the Script form', () => {
  test('shows when a click on the background, or Escape on the canvas, clears the selection, also right after a drag', async () => {
    const dir = await folders.project({
      'bot.yaml': await readFile('scripts/client-identification.yaml', 'utf8'),
    });
    const studio = await StudioProcess.start(join(dir, 'bot.yaml'));
    const page = await openStudioPage(browser(), studio);
    page.setDefaultTimeout(5000);
    await page.locator('.canvas[data-revision="1"]').waitFor();
    const script = page.getByRole('form', { name: 'Script' });
    await expect(script.getByLabel('name', { exact: true }).inputValue()).resolves.toBe(
      'client-identification',
    );
    await page.getByRole('button', { name: 'Fit' }).click();
    const port = page.getByLabel(/^greet: way out next /);
    await select(page, 'greet');
    await port.dragTo(node(page, 'young'));
    await expect.poll(() => port.getAttribute('aria-label')).toBe('greet: way out next → young');
    await expect(script.count()).resolves.toBe(0);
    const canvas = await page.locator('.canvas svg.graph').boundingBox();
    if (!canvas) throw new Error('no canvas on screen');
    await page.mouse.click(canvas.x + canvas.width - 30, canvas.y + 30);
    await expect.poll(() => script.count()).toBe(1);

    await select(page, 'greet');
    await expect(script.count()).resolves.toBe(0);
    await port.dragTo(node(page, 'adult'));
    await expect.poll(() => port.getAttribute('aria-label')).toBe('greet: way out next → adult');
    await page.keyboard.press('Escape');
    await expect.poll(() => script.count()).toBe(1);
  });
});
