import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../engine/index.js';
import { runCli } from '../support/cli.js';
import { FakeBotApi, TOKEN } from '../support/fake-bot-api.js';
import { ServeProcess } from '../support/serve-process.js';
import { CHAT_ID, keyboard, sent, textUpdate } from '../support/telegram.js';
import { keepScreenshot, useBrowser } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';

const SCRIPT = 'scripts/client-identification.yaml';
const API_TOKEN = 'tok_short_links_7d1e';
const SECRET = 'short-links-webhook-secret';
const PUBLIC = 'https://go.example.com';
/** Far over the 64 characters of a link: it can only travel as a start token. */
const PAYLOAD = {
  e: 'anna.smith@example.com',
  p: '79001234567',
  v: { cl_data: 'Anna Smith 31', city: 'Saint Petersburg', utm: 'spring-newsletter' },
};

const temp = useTempFolders('botflow-serve-links-');
const browser = useBrowser();
let api: FakeBotApi;
beforeEach(async () => {
  api = await FakeBotApi.start();
});
afterEach(() => api.close());

/** `serve` with short links on a SQLite store, Telegram by webhook, and the API token unless told otherwise. */
async function serveLinks(file: string, { withToken = true } = {}): Promise<ServeProcess> {
  return ServeProcess.start(
    SCRIPT,
    ['--store', `sqlite:${file}`, '--public-url', `${PUBLIC}/`],
    {
      TELEGRAM_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_WEBHOOK_URL: `${PUBLIC}/webhooks/telegram`,
      TELEGRAM_API_ROOT: api.apiRoot,
      ...(withToken && { BOTFLOW_API_TOKEN: API_TOKEN }),
    },
    { waitFor: 'Telegram webhook set' },
  );
}

async function makeLink(serving: ServeProcess, body: unknown, token = API_TOKEN) {
  const response = await fetch(`${serving.url}/links`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The path of a short link under the server's own address (the public URL is the world's). */
const localPath = (url: unknown) => String(url).slice(PUBLIC.length);

async function clicksOf(file: string, id: string): Promise<number | undefined> {
  const store = new SqliteStore(file);
  try {
    return (await store.readLink(id, Date.now()))?.clicks;
  } finally {
    await store.close();
  }
}

describe('botflow serve --public-url', () => {
  it('short link → redirect → /start <token> through the Telegram webhook → the long payload’s variables', async () => {
    const file = join(temp.root, 'one-channel.db');
    const serving = await serveLinks(file);
    expect(serving.logs.find((line) => line.msg === 'listening')).toMatchObject({
      shortLinks: `${PUBLIC}/l/`,
    });
    const made = await makeLink(serving, {
      channel: 'telegram',
      name: 'shop_test_bot',
      payload: PAYLOAD,
      ttl: '30d',
    });
    expect(made.status).toBe(201);
    const code = String(made.body.code);
    expect(made.body.url).toBe(`${PUBLIC}/l/${code}`);

    const redirect = await fetch(`${serving.url}${localPath(made.body.url)}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const link = redirect.headers.get('location') ?? '';
    const token = /^https:\/\/t\.me\/shop_test_bot\?start=(-[A-Za-z0-9_-]{22})$/.exec(link)?.[1] ?? '';
    expect(token).not.toBe('');

    // What Telegram posts when the user taps Start in the chat the link opened.
    const update = await fetch(`${serving.url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': SECRET },
      body: JSON.stringify(textUpdate(`/start ${token}`)),
    });
    expect(update.status).toBe(200);
    expect(api.callsOf('sendMessage')).toEqual([
      sent('Hello, Anna Smith! Glad to see you again.'),
      sent('As a client of 31, you can open a credit line today.', keyboard('Tell me more', 'Not now')),
      sent('Greetings to Saint Petersburg!'),
    ]);
    const conversation = await fetch(`${serving.url}/conversations/telegram%3A${CHAT_ID}?variables=all`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(((await conversation.json()) as { variables: unknown }).variables).toMatchObject({
      startParam: token,
      email: 'anna.smith@example.com',
      phone: '79001234567',
      city: 'Saint Petersburg',
      utm: 'spring-newsletter',
      firstName: 'Anna',
      age: 31,
    });
    // One visit of the short link; one start from its token.
    expect([await clicksOf(file, code), await clicksOf(file, token)]).toEqual([1, 1]);
    // The log names the route, never the code.
    expect(serving.output).toContain('"route":"/l/:code"');
    expect(serving.output).not.toContain(code);
    // The reports count the visits: over HTTP, and from the store once serve has stopped.
    const overHttp = await fetch(`${serving.url}/reports/links?format=json`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    const shown = `${token.slice(0, 7)}…`;
    expect(await overHttp.json()).toEqual([
      expect.objectContaining({ id: shown, kind: 'token', channels: [], clicks: 1 }),
      expect.objectContaining({ id: code, kind: 'short', channels: ['telegram'], clicks: 1 }),
    ]);
    expect(await serving.stop('SIGTERM')).toBe(0);
    const report = await runCli(['report', '--store', `sqlite:${file}`, '--links', '--format', 'csv']);
    expect(report.stderr).toBe('');
    expect(parse(report.stdout, { columns: true })).toMatchObject([
      // A cell starting with `-` is neutralised, as every CSV cell a spreadsheet could run.
      { id: `'${shown}`, kind: 'token', channels: '', clicks: '1' },
      { id: code, kind: 'short', channels: 'telegram', clicks: '1' },
    ]);
    expect(report.stdout).not.toContain(token);
  });

  it.each([
    [
      ['--http', '0', '--public-url', 'ftp://go.example.com'],
      'botflow: --public-url takes the http(s) address the server is reached at, such as https://go.example.com, without a query\n',
    ],
    [
      ['--http', '0', '--public-url', 'https://go.example.com/?x=1'],
      'botflow: --public-url takes the http(s) address the server is reached at, such as https://go.example.com, without a query\n',
    ],
    [
      ['--telegram-token', '1:unused', '--public-url', PUBLIC],
      'botflow: --public-url needs --http PORT: short links are served over HTTP\n',
    ],
    [['--public-url', PUBLIC], 'botflow: --public-url needs --http PORT: short links are served over HTTP\n'],
  ])('refuses %j with one sentence', async (args, stderr) => {
    expect(await runCli(['serve', SCRIPT, '--store', 'memory', ...args])).toEqual({
      code: 2,
      stdout: '',
      stderr,
    });
  });

  it('refuses POST /links without an API token configured, and answers 404 for an unknown code', async () => {
    const serving = await serveLinks(join(temp.root, 'no-token.db'), { withToken: false });
    const made = await makeLink(serving, {
      channel: 'telegram',
      name: 'shop_test_bot',
      startParam: '1234567',
    });
    expect(made).toEqual({
      status: 403,
      body: {
        error: {
          code: 'http.token-required',
          message: 'short links are made only with an API token; start the server with BOTFLOW_API_TOKEN',
        },
      },
    });
    const unknown = await fetch(`${serving.url}/l/Zz9Zz9Zz9Z`);
    expect([unknown.status, unknown.headers.get('content-type')]).toEqual([404, 'text/html; charset=utf-8']);
    expect(await unknown.text()).not.toContain('Zz9Zz9Zz9Z');
  });

  it('shows a page of several messengers that a phone’s browser renders: buttons, QR codes that scan, no error', async () => {
    const file = join(temp.root, 'several.db');
    const serving = await serveLinks(file);
    const names = { telegram: 'shop_test_bot', whatsapp: '79000000000', viber: 'shop-bot', vk: 'club123456' };
    const made = await makeLink(serving, { channels: Object.keys(names), name: names, payload: PAYLOAD });
    expect(made.status).toBe(201);
    const links = made.body.links as Record<string, string>;

    const context = await browser().newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      // A policy violation (a blocked style or script) is reported on the console as an error.
      page.on('console', (message) => {
        if (['error', 'warning'].includes(message.type())) problems.push(message.text());
      });
      const answer = await page.goto(`${serving.url}${localPath(made.body.url)}`);
      expect(answer?.status()).toBe(200);
      expect(answer?.headers()['content-security-policy']).toContain("default-src 'none'");
      await expect(page.title()).resolves.toBe('Continue in a messenger');

      for (const [channel, messenger] of [
        ['telegram', 'Telegram'],
        ['whatsapp', 'WhatsApp'],
        ['viber', 'Viber'],
        ['vk', 'VK'],
      ] as const) {
        const button = page.getByRole('link', { name: `Continue in ${messenger}` });
        expect(await button.getAttribute('href')).toBe(links[channel]);
        const box = await button.boundingBox();
        // A thumb-sized button across the phone's width.
        expect(box?.height).toBeGreaterThanOrEqual(44);
        expect(box?.width).toBeGreaterThan(300);
        const qr = page.getByRole('img', { name: `QR code to continue in ${messenger}` });
        const image = PNG.sync.read(await qr.screenshot());
        expect(jsqr.default(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(
          links[channel],
        );
      }
      // The style applied (the policy let it through): the buttons are not plain underlined links.
      expect(
        await page
          .getByRole('link', { name: 'Continue in Telegram' })
          .evaluate((a) => getComputedStyle(a).textDecorationLine),
      ).toBe('none');
      expect(await page.locator('script').count()).toBe(0);
      await keepScreenshot(page, 'short-link-landing');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
    expect(await clicksOf(file, String(made.body.code))).toBe(1);
  });
});
