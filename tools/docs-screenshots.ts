/**
 * Writes the studio's screenshots in docs/images/ (docs/studio.md and the README show them):
 * `npm run docs:screenshots`, or `npm run docs:screenshots -- studio-build-flow.png` for some.
 * It builds the package, runs the built `botflow studio` on copies of scripts/*.yaml (or an empty
 * file) in a temp folder and drives Debian's Chromium (or CHROMIUM_PATH) through the steps of the
 * browser tests in test/studio/, so each picture shows what those tests check.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { createBot, parseScript, SqliteStore } from '../engine/index.js';
import {
  buildFlow,
  buildScript,
  fill,
  node,
  paneLine,
  select,
  STEP_TIMEOUT_MS,
  until,
} from '../test/support/build-flow.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const IMAGES = `${ROOT}docs/images/`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1400, height: 860 };
/** The least zoom at which a block's id and type can be read on the canvas. */
const LEGIBLE_ZOOM_PERCENT = 50;

/** A built `botflow studio` on one file. */
class Studio {
  private constructor(
    private readonly child: ChildProcessByStdio<null, Readable, Readable>,
    readonly url: string,
  ) {}

  /** Starts it in the file's folder on the file's bare name, so no temp path shows on the page. */
  static async start(dir: string, name: string, args: readonly string[]): Promise<Studio> {
    const child = spawn(
      process.execPath,
      [`${ROOT}dist/cli-bundle/bin.js`, 'studio', name, '--no-open', ...args],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.startsWith('studio: ')) return new Studio(child, line.slice('studio: '.length));
    }
    throw new Error(`botflow studio stopped before printing its URL: ${stderr.trim()}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}

interface Shot {
  readonly name: string;
  /** The name of the file the studio opens (in a temp folder of its own), and its text. */
  readonly file: string;
  readonly text: () => Promise<string>;
  /**
   * Fills a session store in the studio's folder with the file's conversations before the studio
   * starts, and answers its `--store` value (a path relative to that folder).
   */
  readonly store?: (dir: string, text: string) => Promise<string>;
  /** What the page is brought to before the shot; `file` is the path the studio has open. */
  readonly steps: (page: Page, file: string) => Promise<void>;
}

const script = (name: string) => () => readFile(`${ROOT}scripts/${name}`, 'utf8');

/**
 * Twelve clients of lead-capture.yaml, by real turns into a SQLite store: three want support, two
 * never answer, seven want to buy and drop off along the way, five of them leaving a contact.
 */
async function leadCaptureStore(dir: string, text: string): Promise<string> {
  const store = new SqliteStore(join(dir, 'sessions.db'));
  try {
    const bot = createBot({ script: parseScript(text, 'lead-capture.yaml'), store });
    const clients: readonly (readonly string[])[] = [
      ['Support'],
      ['Support'],
      ['Support'],
      [],
      [],
      ['Buy a plan'],
      ['Buy a plan', 'Ann'],
      ['Buy a plan', 'Ben', 'Email'],
      ['Buy a plan', 'Cleo', 'Email', 'cleo@example.com'],
      ['Buy a plan', 'Dan', 'Email', 'dan@example.com'],
      ['Something else', 'Eve', 'Phone', '+44 20 7946 0018'],
      ['Something else', 'Fay', 'Phone'],
    ];
    for (const [index, replies] of clients.entries()) {
      const key = `client-${index}`;
      await bot.start(key);
      for (const reply of replies) await bot.send(key, reply);
    }
  } finally {
    await store.close();
  }
  return 'sqlite:sessions.db';
}
const empty = () => Promise.resolve('');

const SHOTS: readonly Shot[] = [
  {
    name: 'studio-order-status.png',
    file: 'order-status.yaml',
    text: script('order-status.yaml'),
    steps: async (page) => {
      await node(page, 'done').waitFor();
      // The flow alone, whole: the pane gives its width to the canvas.
      await page.getByRole('button', { name: 'YAML' }).click();
      await page.getByRole('region', { name: 'YAML pane' }).waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Fit' }).click();
    },
  },
  {
    name: 'studio-build-empty.png',
    file: 'client-identification.yaml',
    text: empty,
    steps: async (page) => {
      await page
        .locator('.canvas .empty-note')
        .filter({ hasText: 'The script is empty: add its first block from the palette above.' })
        .waitFor();
      await page.getByRole('button', { name: 'Add a condition block' }).waitFor();
    },
  },
  {
    name: 'studio-build-script.png',
    file: 'client-identification.yaml',
    text: empty,
    steps: async (page) => {
      await buildScript(page);
      // Tab left the focus on a Remove button, whose ring would single it out.
      await page.evaluate(() => {
        (document.activeElement as HTMLElement | null)?.blur();
      });
    },
  },
  {
    name: 'studio-build-flow.png',
    file: 'client-identification.yaml',
    text: empty,
    steps: async (page) => {
      await buildScript(page);
      await buildFlow(page);
      await select(page, 'unpack');
      await page.getByRole('button', { name: 'Fit' }).click();
      // At Fit the whole flow is too small to read beside the pane: zoomed in around its middle.
      await zoomToLegible(page);
    },
  },
  {
    name: 'studio-editor-diagnostic.png',
    file: 'client-identification.yaml',
    text: script('client-identification.yaml'),
    steps: async (page) => {
      await node(page, 'greet').waitFor();
      // Typed at the end of greet's `next: adult`, as a designer would.
      await paneLine(page, '    next: adult').click();
      await page.keyboard.press('End');
      await page.keyboard.press('Control+Backspace');
      await page.keyboard.type('adlut');
      await page
        .locator('.yaml-pane .cm-line:has(.cm-lintRange-error, .cm-lintPoint-error)')
        .filter({ hasText: 'next: adlut' })
        .waitFor();
      await page.locator('.yaml-pane .cm-lint-marker-error').waitFor();
    },
  },
  {
    name: 'studio-editor-conflict.png',
    file: 'order-status.yaml',
    text: script('order-status.yaml'),
    steps: async (page, file) => {
      await node(page, 'done').waitFor();
      await select(page, 'thanks');
      await fill(page, 'text', 'Thank you! We will write to {{ email }} within a day.');
      await page.locator('header .unsaved').waitFor();
      const disk = await readFile(file, 'utf8');
      await writeFile(file, disk.replace('Thank you!', 'Thanks a lot!'));
      const dialog = page.getByRole('dialog', { name: 'The file changed on disk' });
      await dialog.waitFor();
      await dialog.getByLabel('On disk').filter({ hasText: 'Thanks a lot!' }).waitFor();
      await dialog.getByLabel('Yours').filter({ hasText: 'within a day' }).waitFor();
    },
  },
  {
    name: 'studio-funnel.png',
    file: 'lead-capture.yaml',
    text: script('lead-capture.yaml'),
    store: leadCaptureStore,
    steps: async (page) => {
      await node(page, 'saved').waitFor();
      await page.getByRole('button', { name: 'YAML' }).click();
      await page.getByRole('region', { name: 'YAML pane' }).waitFor({ state: 'hidden' });
      await page.getByRole('tab', { name: 'Funnel' }).click();
      const funnel = page.getByRole('tabpanel', { name: 'Funnel' });
      await funnel.getByRole('button', { name: 'Refresh' }).click();
      await funnel.locator('.funnel-totals').waitFor();
      await page.locator('.node[data-id="saved"] .funnel-badge').waitFor();
      await page.getByRole('button', { name: 'Fit' }).click();
      await zoomToLegible(page);
    },
  },
];

/** Zooms in around the middle of the view until a block's id and type can be read. */
async function zoomToLegible(page: Page): Promise<void> {
  const level = page.getByLabel('Zoom level');
  while (parseInt((await level.textContent()) ?? '', 10) < LEGIBLE_ZOOM_PERCENT) {
    await page.getByRole('button', { name: 'Zoom in' }).click();
  }
}

/**
 * Counts the page's calls to its server still in flight: an edit's answer redraws the page after
 * the pane or the form already shows it. The event stream of changes on disk stays open, uncounted.
 */
function callsInFlight(page: Page): () => number {
  let open = 0;
  const counted = (request: Request) => request.resourceType() === 'fetch';
  page.on('request', (request) => {
    if (counted(request)) open += 1;
  });
  const settled = (request: Request) => {
    if (counted(request)) open -= 1;
  };
  page.on('requestfinished', settled);
  page.on('requestfailed', settled);
  return () => open;
}

/** Runs one shot on its own studio and browser context, and writes its PNG; returns its size. */
async function take(browser: Browser, shot: Shot): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'botflow-docs-screenshots-'));
  let studio: Studio | undefined;
  let context: BrowserContext | undefined;
  try {
    context = await browser.newContext({ viewport: VIEWPORT });
    const file = join(dir, shot.file);
    const text = await shot.text();
    await writeFile(file, text);
    studio = await Studio.start(dir, shot.file, shot.store ? ['--store', await shot.store(dir, text)] : []);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const calls = callsInFlight(page);
    await page.goto(studio.url);
    await page.locator('.canvas[data-revision]').waitFor();
    await shot.steps(page, file);
    // The mouse off every control, so no hover or tooltip shows; then fonts and two frames settled.
    await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height - 1);
    await until("the page's calls to its server never ended", () => Promise.resolve(calls() === 0));
    await page.evaluate(async () => {
      await document.fonts.ready;
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    });
    if (errors.length > 0) throw new Error(`the page threw: ${errors.join('; ')}`);
    const path = `${IMAGES}${shot.name}`;
    await page.screenshot({ path, type: 'png', scale: 'css', animations: 'disabled', caret: 'hide' });
    return (await stat(path)).size;
  } finally {
    await context?.close();
    await studio?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Playwright's first line and the locator it waited for, without its call log. */
function sentence(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const [first = '', ...rest] = stripVTControlCharacters(error.message).split('\n');
  const waited = rest
    .find((line) => line.includes('waiting for'))
    ?.trim()
    .replace(/^- /, '');
  return waited === undefined ? first : `${first.replace(/\.$/, '')} ${waited}.`;
}

/** `only`: the names of the shots to take (all when empty). */
async function main(only: readonly string[]): Promise<void> {
  const unknown = only.find((name) => !SHOTS.some((shot) => shot.name === name));
  if (unknown !== undefined) throw new Error(`no shot is called ${unknown}.`);
  if (!existsSync(`${ROOT}dist/cli-bundle/bin.js`))
    throw new Error('no built package: run `npm run build` first.');
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package, or set CHROMIUM_PATH.`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    for (const shot of SHOTS.filter((shot) => only.length === 0 || only.includes(shot.name))) {
      try {
        const size = await take(browser, shot);
        process.stdout.write(`docs/images/${shot.name}: ${Math.round(size / 1024)} KB\n`);
      } catch (error) {
        throw new Error(`${shot.name}: ${sentence(error)}`, { cause: error });
      }
    }
  } finally {
    await browser.close();
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`docs:screenshots: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
