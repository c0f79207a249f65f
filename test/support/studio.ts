import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { ROOT } from './cli.js';
import { spawnNode, WatchedProcess } from './serve-process.js';
import type { TempFolders } from './temp-folders.js';

const BIN = `${ROOT}dist/cli-bundle/bin.js`;

/** Debian's chromium package, never a downloaded build; CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots the browser tests keep, for people to look at (not committed). */
export const ARTEFACTS = `${ROOT}test-artifacts/studio/`;

/** A `botflow studio` process of the test's own, read through its stdout. */
export class StudioProcess extends WatchedProcess<string> {
  /** The URL printed, with its token. */
  url = '';

  get origin(): string {
    return new URL(this.url).origin;
  }

  get token(): string {
    return new URL(this.url).searchParams.get('token') ?? '';
  }

  /** Starts `botflow studio <script> --no-open ...args` and waits for its `studio: <url>` line. */
  static async start(
    script: string,
    args: readonly string[] = [],
    options: { readonly cwd?: string; readonly env?: Readonly<Record<string, string>> } = {},
  ): Promise<StudioProcess> {
    const studio = new StudioProcess(
      spawnNode([BIN, 'studio', script, '--no-open', ...args], options),
      (t) => t,
    );
    onTestFinished(async () => {
      await studio.stop('SIGKILL');
    });
    const line = await studio.ready((text) => text.startsWith('studio: '));
    studio.url = line.slice('studio: '.length);
    return studio;
  }

  /** Calls the studio's API as its own page would: token, and Origin on writes. */
  async call(path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.origin}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        'x-botflow-token': this.token,
        ...(body !== undefined && { 'content-type': 'application/json', origin: this.origin }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  }

  /** A raw request, so a test can send any Host and Origin (fetch fixes Host itself). */
  raw(
    path: string,
    headers: Record<string, string>,
    method = 'GET',
    body?: string,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    const url = new URL(this.origin);
    return new Promise((resolve, reject) => {
      const call = request({ host: url.hostname, port: url.port, path, method, headers }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text });
        });
      });
      call.on('error', reject);
      call.end(body);
    });
  }
}

/**
 * One Chromium for the test file. A missing browser fails the suite: in CI `.ci/run` installs
 * Debian's chromium, and a browser test that skipped would pass without testing anything.
 */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package, or set CHROMIUM_PATH`);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is not running');
    return browser;
  };
}

/**
 * The studio's page in a fresh browser context; errors the page throws fail the test. Chromium also
 * logs every API answer with an error status as an error: `answered` lists the statuses the test
 * provokes on purpose (the page shows their message), which are not counted.
 */
export async function openStudioPage(
  browser: Browser,
  studio: StudioProcess,
  viewport = { width: 1400, height: 900 },
  answered: readonly number[] = [],
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  onTestFinished(async () => {
    await context.close();
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    const status = /^Failed to load resource: the server responded with a status of (\d+)/.exec(
      message.text(),
    )?.[1];
    if (message.type() === 'error' && !answered.includes(Number(status))) errors.push(message.text());
  });
  onTestFinished(() => {
    if (errors.length > 0) throw new Error(`the page reported errors:\n${errors.join('\n')}`);
  });
  await page.goto(studio.url);
  return page;
}

/** What openSample made: the copy (its folder, file and text), the studio on it, and its page. */
export interface OpenedSample {
  readonly dir: string;
  readonly file: string;
  readonly text: string;
  readonly studio: StudioProcess;
  readonly page: Page;
}

/**
 * A copy of the sample script `scripts/<sample>` as bot.yaml in a fresh folder of `folders`, a
 * studio on it and its page, once the page has drawn the file's first model. `stepTimeout` makes
 * a step that cannot happen fail at once, naming the step, before the test's own time runs out.
 */
export async function openSample(
  browser: Browser,
  folders: TempFolders,
  sample: string,
  options: {
    readonly viewport?: { width: number; height: number };
    readonly answered?: readonly number[];
    readonly stepTimeout?: number;
  } = {},
): Promise<OpenedSample> {
  const text = await readFile(join(ROOT, 'scripts', sample), 'utf8');
  const dir = await folders.project({ 'bot.yaml': text });
  const file = join(dir, 'bot.yaml');
  const studio = await StudioProcess.start(file);
  const page = await openStudioPage(browser, studio, options.viewport, options.answered);
  if (options.stepTimeout !== undefined) page.setDefaultTimeout(options.stepTimeout);
  await page.locator('.canvas[data-revision="1"]').waitFor();
  return { dir, file, text, studio, page };
}

/** Centres a block (Find a block), which also selects it and gives it the focus. */
export async function findBlock(page: Page, id: string): Promise<void> {
  await page.getByLabel('Find a block').fill(id);
  await page.getByLabel('Find a block').press('Enter');
}

/** Keeps a screenshot of the page under test-artifacts/studio/. */
export async function keepScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTEFACTS, { recursive: true });
  const path = `${ARTEFACTS}${name}.png`;
  await page.screenshot({ path });
  return path;
}

/** The text the studio's YAML pane holds now (unsaved edits included), read from its CodeMirror view. */
export function paneText(page: Page): Promise<string> {
  return page.locator('.yaml-pane .cm-content').evaluate((element) => {
    const tile = (element as unknown as { cmTile?: { view: { state: { doc: { toString(): string } } } } })
      .cmTile;
    if (!tile) throw new Error('no CodeMirror editor on the YAML pane');
    return tile.view.state.doc.toString();
  });
}
