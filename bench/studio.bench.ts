/**
 * The studio's figures: layout beside parsing, the first render and a save reaching the page in
 * Chromium (Debian's package, driven by playwright-core), and the page's script size. The page
 * parts need the built package (`npm run build`): they run `botflow studio` as a user would.
 */
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseScript } from '../engine/index.js';
import { ModelBuilder } from '../studio/server/model.js';
import { median } from './harness.js';
import { generatedScript } from './script.bench.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = 5;

export const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

export async function timed(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** Layout of a generated 1,000-block script beside parseScript of the same text, alternating. */
async function layoutFigure(): Promise<string> {
  const text = generatedScript(1000);
  const layout: number[] = [];
  const parse: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    parse.push(await timed(() => parseScript(text, 'generated.yaml')));
    layout.push(await timed(() => new ModelBuilder().build('generated.yaml', text)));
  }
  return `outline + layout, 1,000 blocks: ${ms(median(layout))} (parseScript of the same text ${ms(median(parse))}, ratio ${(median(layout) / median(parse)).toFixed(1)}×)`;
}

/** A running `botflow studio`: its URL (with the token) and how to stop it. */
export interface Studio {
  readonly url: string;
  readonly stop: () => void;
}

/** Starts the built `botflow studio` on a file and resolves with its URL. */
export async function studioOn(file: string): Promise<Studio> {
  const child = spawn(process.execPath, [`${ROOT}dist/cli-bundle/bin.js`, 'studio', file, '--no-open'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    if (line.startsWith('studio: ')) return { url: line.slice('studio: '.length), stop: () => child.kill() };
  }
  throw new Error('botflow studio stopped before printing its URL');
}

const blockNodes = (page: Page, count: number) =>
  page.waitForFunction((n) => document.querySelectorAll('g.node[data-id^="b"]').length >= n, count, {
    polling: 'raf',
    timeout: 60_000,
  });

const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });

/**
 * Runs `measure` on a studio of a fresh copy of `text` (in a folder of its own, removed after)
 * and Chromium on its page, once the graph shows `blocks` blocks.
 */
export async function onStudioPage<T>(
  text: string,
  blocks: number,
  measure: (page: Page, studio: Studio, file: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'botflow-bench-studio-'));
  const file = join(dir, 'generated.yaml');
  await writeFile(file, text);
  const browser = await launchChromium();
  const studio = await studioOn(file);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(studio.url);
    await blockNodes(page, blocks);
    return await measure(page, studio, file);
  } finally {
    studio.stop();
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Milliseconds until the studio answers a POST of `body` to `path`, as its page would send it. */
export async function timedPost(studio: Studio, path: string, body: string): Promise<number> {
  const { origin, searchParams } = new URL(studio.url);
  const start = performance.now();
  const response = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin,
      'x-botflow-token': searchParams.get('token') ?? '',
    },
    body,
  });
  await response.json();
  return performance.now() - start;
}

/**
 * The first render of a 300-block script (navigation to every node on the page), beside the same
 * SVG served as a static page; then a save on disk until the page shows it, beside the moment the
 * file watcher itself hears of the save.
 */
async function pageFigures(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'botflow-bench-studio-'));
  const file = join(dir, 'generated.yaml');
  const text = generatedScript(300);
  await writeFile(file, text);
  const browser = await launchChromium();
  const studio = await studioOn(file);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const renders: number[] = [];
    let svg = '';
    for (let round = 0; round < ROUNDS; round++) {
      await page.goto('about:blank');
      const start = Date.now();
      await page.goto(studio.url);
      await blockNodes(page, 300);
      renders.push(Date.now() - start);
      // The graph's own svg: the palette's buttons come first, each with an svg swatch.
      svg = await page.locator('svg.graph').evaluate((element) => element.outerHTML);
    }
    const staticPage = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html><body>${svg}</body>`);
    });
    await new Promise<void>((resolve) => staticPage.listen(0, '127.0.0.1', resolve));
    const staticUrl = `http://127.0.0.1:${(staticPage.address() as AddressInfo).port}/`;
    const baselines: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await page.goto('about:blank');
      const start = Date.now();
      await page.goto(staticUrl);
      await blockNodes(page, 300);
      baselines.push(Date.now() - start);
    }
    staticPage.close();

    await page.goto(studio.url);
    await blockNodes(page, 300);
    const saved = async (change: (text: string, marker: string) => string, marker: string) => {
      const changed = change(await readFile(file, 'utf8'), marker);
      const watcher = watch(dir);
      const start = performance.now();
      const watched = new Promise<number>((resolve) =>
        watcher.once('change', () => {
          resolve(performance.now() - start);
        }),
      );
      await writeFile(file, changed);
      await page.waitForFunction((m) => document.body.textContent.includes(m), marker, { polling: 'raf' });
      const shown = performance.now() - start;
      const heard = await watched;
      watcher.close();
      return { shown, heard };
    };
    // A text edited keeps the graph's shape (the layout is reused); a block added lays it out again.
    const texts: { shown: number; heard: number }[] = [];
    const blocks: { shown: number; heard: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      texts.push(await saved((text, m) => text.replace(/Step 0[^"]*"/, `Step 0: ${m}"`), `Saved ${round}`));
      blocks.push(
        await saved(
          (text, m) => `${text.replace(/ {2}added\d+:.*\n/, '')}  ${m}: { type: end }\n`,
          `added${round}`,
        ),
      );
    }
    const saves = texts.map((t) => t.shown);
    const heard = texts.map((t) => t.heard);
    const relaid = blocks.map((t) => t.shown);
    return [
      `first render, 300 blocks: ${ms(median(renders))} from navigation to every node (the same SVG as a static page ${ms(median(baselines))}, ratio ${(median(renders) / median(baselines)).toFixed(1)}×; aim: usable within 1 s)`,
      `save to page, 300 blocks: ${ms(median(saves))} for a text edited, ${ms(median(relaid))} for a block added (the file watcher hears of a save after ${ms(median(heard))}; aim: 300 ms)`,
    ];
  } finally {
    studio.stop();
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function sizeFigure(): Promise<string> {
  const script = await readFile(`${ROOT}dist/studio/page/studio.js`);
  const css = await readFile(`${ROOT}dist/studio/page/studio.css`);
  const gzipped = gzipSync(script).length;
  return `page script: ${kb(script.length)}, ${kb(gzipped)} gzipped (${((100 * gzipped) / (400 * 1024)).toFixed(0)}% of the 400 KB aim); styles ${kb(gzipSync(css).length)} gzipped`;
}

export async function studioFigures(): Promise<string[]> {
  return [await layoutFigure(), ...(await pageFigures()), await sizeFigure()];
}
