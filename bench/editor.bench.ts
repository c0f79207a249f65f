/**
 * Editing a generated 300-block script: the model of unsaved text beside outlineScript alone
 * (reading and validating without drawing), and in Chromium the time from a keystroke in the pane
 * or an operation on the canvas to the graph showing it, beside what the server alone takes to
 * answer, and from Ctrl+S to the file on disk.
 */
import { watch } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { on } from 'node:events';
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import { outlineScript } from '../engine/index.js';
import { ModelBuilder } from '../studio/server/model.js';
import { median, type Comparison } from './harness.js';
import { generatedScript } from './script.bench.js';
import { kb, ms, onStudioPage, timed, timedPost } from './studio.bench.js';

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
export function keystrokeFigures(): Promise<string[]> {
  return onStudioPage(text, BLOCKS, async (page, studio) => {
    const draft = (body: string) => timedPost(studio, '/api/draft', JSON.stringify({ text: body }));

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
  });
}

/** What the page does in one timed canvas operation: a palette button clicked, or a form field changed. */
type CanvasOperation =
  | { readonly kind: 'palette'; readonly type: string }
  | { readonly kind: 'field'; readonly block: string; readonly field: string; readonly value: string };

/** One operation timed by the page's own clock: until the frame that shows it, and until its answer had arrived. */
interface PageTiming {
  readonly shown: number;
  readonly answered: number;
  /** The answer's size as it came over the wire. */
  readonly bytes: number;
}

/**
 * Does `operation` in the page and waits, frame by frame, until the graph shows it: a block node
 * more for a palette button, the block's title saying the value for a field. Timed inside the
 * page, so no round trip of the driver counts. (No named functions inside: the page gets this
 * function's source, and tsx wraps named ones in a helper the page does not have.)
 */
const operateInPage = (page: Page, operation: CanvasOperation) =>
  page.evaluate(async (operation): Promise<PageTiming> => {
    const blocks = '.canvas .graph g.node.block';
    const before = document.querySelectorAll(blocks).length;
    const control =
      operation.kind === 'palette'
        ? document.querySelector<HTMLButtonElement>(`.palette button[aria-label$=" ${operation.type} block"]`)
        : document.querySelector<HTMLTextAreaElement>(`form.block-form [data-key="${operation.field}"]`);
    if (!control) throw new Error(`the page has no control for ${JSON.stringify(operation)}`);
    // The designer's press or click into the field, before the clock starts: the focus is theirs, as on a real page.
    control.focus();
    performance.clearResourceTimings();
    const start = performance.now();
    if (operation.kind === 'field' && control instanceof HTMLTextAreaElement) {
      control.value = operation.value;
      control.dispatchEvent(new Event('input', { bubbles: true }));
      control.dispatchEvent(new Event('change', { bubbles: true }));
    } else control.click();
    for (;;) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const shown =
        operation.kind === 'palette'
          ? document.querySelectorAll(blocks).length > before
          : document
              .querySelector(`g.node[data-id="${operation.block}"] title`)
              ?.textContent.includes(operation.value) === true;
      if (shown) break;
    }
    const shown = performance.now() - start;
    const answer = performance
      .getEntriesByType('resource')
      .find((entry): entry is PerformanceResourceTiming => entry.name.endsWith('/api/edit'));
    if (!answer) throw new Error('the page sent no /api/edit');
    return { shown, answered: answer.responseEnd - start, bytes: answer.encodedBodySize };
  }, operation);

/**
 * Issue 14: a canvas operation until the graph is redrawn, and Ctrl+S until the file on disk has
 * the text, on the generated 300-block script. Each round adds a message block from the palette
 * (a new node: laid out again), writes its text in the Block tab's form (the layout is reused),
 * and saves. Beside each operation, the same POST /api/edit the page sent, answered by the
 * server alone; beside the save, writeFile of the same text.
 */
export function canvasFigures(): Promise<string[]> {
  return onStudioPage(text, BLOCKS, async (page, studio, file) => {
    const timings = { palette: [] as PageTiming[], field: [] as PageTiming[] };
    const alone = { palette: [] as number[], field: [] as number[] };
    const saves: number[] = [];
    const writes: number[] = [];
    /** An operation in the page, then the same request to the server alone. */
    const measure = async (operation: CanvasOperation) => {
      const sent = page.waitForRequest((request) => request.url().endsWith('/api/edit'));
      timings[operation.kind].push(await operateInPage(page, operation));
      const body = (await sent).postData() ?? '';
      // The server lays out a graph only when its shape is not the last one's: from the text before, as for the page.
      await timedPost(
        studio,
        '/api/draft',
        JSON.stringify({ text: (JSON.parse(body) as { text: string }).text }),
      );
      alone[operation.kind].push(await timedPost(studio, '/api/edit', body));
    };
    const unsaved = page.locator('header .unsaved');
    for (let round = 1; round <= ROUNDS; round++) {
      await measure({ kind: 'palette', type: 'message' });
      // The block added is the one selected: its form is in the Block tab.
      const added = await page.locator('.canvas .graph g.node.block.selected').getAttribute('data-id');
      if (added === null) throw new Error('the block added is not selected');
      await page.locator('form.block-form [data-key="text"]').waitFor();
      const said = `Said in round ${round}`;
      await measure({ kind: 'field', block: added, field: 'text', value: said });

      const start = performance.now();
      await page.keyboard.press('Control+s');
      await fileSays(file, said);
      saves.push(performance.now() - start);
      const written = await readFile(file, 'utf8');
      writes.push(await timed(() => writeFile(`${file}.baseline`, written)));
      await unsaved.waitFor({ state: 'hidden' });
    }
    const pageLine = (what: string, kind: CanvasOperation['kind']) => {
      const inPage = timings[kind];
      const shown = median(inPage.map((t) => t.shown));
      const answered = median(inPage.map((t) => t.answered));
      const server = median(alone[kind]);
      return `canvas to graph, ${BLOCKS} blocks, ${what}: ${ms(shown)} (its answer in the page after ${ms(answered)}, ${kb(median(inPage.map((t) => t.bytes)))}; POST /api/edit alone ${ms(server)}, ratio ${(shown / server).toFixed(2)}×)`;
    };
    return [
      pageLine('a block added from the palette', 'palette'),
      pageLine("a block's text set in the form", 'field'),
      `Ctrl+S to the file on disk, ${BLOCKS} blocks: ${ms(median(saves))} (writeFile of the same text ${ms(median(writes))}, ratio ${(median(saves) / median(writes)).toFixed(1)}×)`,
    ];
  });
}

/** Until `file` holds `marker`: read again whenever its folder changes (a save renames a new file over it). */
async function fileSays(file: string, marker: string): Promise<void> {
  const watcher = watch(dirname(file));
  const changed = on(watcher, 'change');
  try {
    while (!(await readFile(file, 'utf8')).includes(marker)) await changed.next();
  } finally {
    watcher.close();
    await changed.return?.();
  }
}
