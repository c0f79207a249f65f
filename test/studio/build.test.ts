import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/cli.js';
import { buildFlow, buildScript, node, select } from '../support/build-flow.js';
import { keepScreenshot, openStudioPage, paneText, StudioProcess, useBrowser } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';

const browser = useBrowser();
const folders = useTempFolders('botflow-studio-build-');

/** The script's own lines, written by the first block and the Script form. */
const HEADER = `botflow: 1
name: client-identification
description: 'Greets a client identified by the invitation link.'
variables:
  cl_data: ''
  firstName: ''
  lastName: ''
  age: 0
env:
  - CRM_URL
blocks:
`;

/** The file once the first block is renamed and the Script form filled in. */
const STARTED = `${HEADER}  identify:
    type: condition
    branches:
      - if: 'true'
`;

/**
 * What the canvas writes, step by step, into an empty file: the source document's flow, in which
 * the invitation link's packed `cl_data` (or the CRM's, fetched by the client's id) is split by a
 * BPL block into a first name, a last name and an age, and an unknown client is asked their name.
 */
const BUILT = `${HEADER}  identify:
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
    env: { CRM_URL: 'http://crm.test' }
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
    env: { CRM_URL: 'http://crm.test' }
    steps:
      - bot: 'Hello! What is your name?'
      - user: John
      - bot: 'Nice to meet you, John!'
`;

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

    // The first block writes the header too, named for the file; with nothing selected, the
    // Script form declares the variables.
    await buildScript(page);
    await expect.poll(() => paneText(page)).toBe(STARTED);
    await keepScreenshot(page, 'build-script-form');

    await buildFlow(page);
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
