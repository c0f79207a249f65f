/**
 * The YAML pane's figures on a generated 300-block script: the model of unsaved text beside
 * outlineScript alone (reading and validating without drawing), and in Chromium the time from a
 * keystroke in the pane to the graph showing it, beside what the server alone takes to answer.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { outlineScript } from '../engine/index.js';
import { ModelBuilder } from '../studio/server/model.js';
import type { Comparison } from './harness.js';
import { generatedScript } from './script.bench.js';
import { studioOn } from './studio.bench.js';

const FILE = 'generated.yaml';
const BLOCKS = 300;
const ROUNDS = 7;
/** The page waits this long after a keystroke before it asks for a draft (studio/page/editor). */
const DRAFT_DELAY_MS = 100;

const text = generatedScript(BLOCKS);
const edited = text.replace('Step 0:', 'Step zero:');
const added = `${text}  added: { type: end }\n`;
const builder = new ModelBuilder();
const disk = (await builder.build(FILE, text)).model;
let flip = false;

export const editorBenchmarks: Comparison[] = [
  {
    name: `draft model, ${BLOCKS} blocks, a text edited (layout reused)`,
    subject: () => builder.draft(edited, disk),
    baselineName: 'outlineScript of the same text',
    baseline: () => outlineScript(edited, FILE),
  },
  {
    // Two shapes in turn: every draft is laid out again.
    name: `draft model, ${BLOCKS} blocks, a block added (laid out again)`,
    subject: () => {
      flip = !flip;
      return builder.draft(flip ? added : text, disk);
    },
    baselineName: 'outlineScript of the same text',
    baseline: () => outlineScript(added, FILE),
  },
];

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const ms = (value: number) => `${value.toFixed(0)} ms`;

/** Until the node `id`'s title (its whole summary) says `marker`. */
const shows = (page: Page, id: string, marker: string) =>
  page.waitForFunction(
    ([nodeId, text]) =>
      document.querySelector(`g.node[data-id="${nodeId}"] title`)?.textContent.includes(text) === true,
    [id, marker] as const,
    { polling: 'raf', timeout: 30_000 },
  );

/**
 * A keystroke in the pane until the graph shows it: a letter typed into a block's text (the
 * layout is reused) and a block added (laid out again). Beside each, the page's wait before it
 * asks plus the server's answer to the same draft called directly.
 */
export async function keystrokeFigures(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'botflow-bench-editor-'));
  const file = join(dir, FILE);
  await writeFile(file, text);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  const studio = await studioOn(file);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(studio.url);
    await page.waitForFunction((n) => document.querySelectorAll('g.node').length >= n, BLOCKS, {
      timeout: 60_000,
    });
    const { origin, searchParams } = new URL(studio.url);
    const draft = async (body: string) => {
      const start = performance.now();
      const response = await fetch(`${origin}/api/draft`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin,
          'x-botflow-token': searchParams.get('token') ?? '',
        },
        body: JSON.stringify({ text: body }),
      });
      await response.json();
      return performance.now() - start;
    };

    // The cursor after "Step 0" in b0's text, on the fifth line.
    await page.getByLabel('Script YAML').focus();
    await page.keyboard.press('Control+Home');
    for (let line = 1; line < 5; line++) await page.keyboard.press('ArrowDown');
    const column = text.split('\n')[4]?.indexOf('Step 0:') ?? 0;
    for (let step = 0; step < column + 'Step 0'.length; step++) await page.keyboard.press('ArrowRight');
    const typed: number[] = [];
    const typedServer: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const start = performance.now();
      await page.keyboard.type('x');
      await shows(page, 'b0', `Step 0${'x'.repeat(round)}:`);
      typed.push(performance.now() - start);
      typedServer.push(await draft(text.replace('Step 0:', `Step 0${'x'.repeat(round)}:`)));
    }

    const added: number[] = [];
    const addedServer: number[] = [];
    let current = text.replace('Step 0:', `Step 0${'x'.repeat(ROUNDS)}:`);
    for (let round = 1; round <= ROUNDS; round++) {
      await page.keyboard.press('Control+End');
      const block = `  k${round}: { type: end, text: K${round} }\n`;
      const start = performance.now();
      await page.keyboard.insertText(block);
      await shows(page, `k${round}`, `K${round}`);
      added.push(performance.now() - start);
      // The same draft from the text before it, so that the server lays it out again as it did for the page.
      await draft(current);
      current += block;
      addedServer.push(await draft(current));
    }
    const line = (what: string, page: number[], server: number[]) => {
      const alone = DRAFT_DELAY_MS + median(server);
      return `keystroke to graph, ${BLOCKS} blocks, ${what}: ${ms(median(page))} (the page's ${DRAFT_DELAY_MS} ms pause + POST /api/draft alone ${ms(median(server))} = ${ms(alone)}, ratio ${(median(page) / alone).toFixed(2)}×; aim: no visible lag)`;
    };
    return [line('a letter in a text', typed, typedServer), line('a block added', added, addedServer)];
  } finally {
    studio.stop();
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}
