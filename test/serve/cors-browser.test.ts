import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnNode } from '../support/serve-process.js';
import { ServeProcess } from '../support/serve-process.js';
import { ROOT } from '../support/cli.js';
import { SIZES } from '../support/scripts.js';
import { useBrowser } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';

/*
 * A web chat on another origin, in a real Chromium: its page, served from one 127.0.0.1 port,
 * holds a conversation with `botflow serve` on another port through fetch, as CORS allows it to;
 * a page of an origin serve does not list cannot even read the health check.
 */

const browser = useBrowser();
const folders = useTempFolders('botflow-cors-');
const TOKEN = 'browser-token';

const pages: Server[] = [];
afterEach(async () => {
  await Promise.all(pages.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A tiny page server on a free 127.0.0.1 port: another origin than serve's. */
async function pageOrigin(): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>chat</title><p>chat</p>');
  });
  pages.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function openPage(origin: string): Promise<Page> {
  const context = await browser().newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  return page;
}

interface Turn {
  readonly messages: { text: string; buttons?: unknown[] }[];
  readonly status: string;
  readonly variables: Record<string, unknown>;
  readonly result: string | null;
}

describe('a web chat on another origin', () => {
  it('holds a conversation through the API with CORS', async () => {
    const chat = await pageOrigin();
    const dir = await folders.project({ 'bot.yaml': SIZES });
    const serving = await ServeProcess.start(join(dir, 'bot.yaml'), ['--store', 'memory', '--cors', chat], {
      BOTFLOW_API_TOKEN: TOKEN,
    });
    const page = await openPage(chat);
    try {
      // As a chat widget would: a key of its own, JSON with the token, each turn read whole.
      const turns = await page.evaluate(
        async ({ api, token }) => {
          const key = encodeURIComponent(`web:${crypto.randomUUID()}`);
          const call = async (path: string, body: unknown) => {
            const response = await fetch(`${api}/conversations/${key}${path}`, {
              method: 'POST',
              headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
              body: JSON.stringify(body),
            });
            return {
              requestId: response.headers.get('X-Request-Id'),
              turn: (await response.json()) as unknown,
            };
          };
          return [
            await call('/start', {}),
            await call('/messages', { text: 'S' }),
            await call('/messages', { text: 'ann@example.com' }),
          ];
        },
        { api: serving.url, token: TOKEN },
      );
      const [first, picked, ended] = turns.map(({ turn }) => turn as Turn);
      // The page reads the X-Request-Id the server exposes to it.
      for (const { requestId } of turns) expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(first?.messages[0]?.text).toBe('Pick a size');
      expect(picked?.messages.map(({ text }) => text)).toEqual(['Your email?']);
      expect(ended).toMatchObject({ status: 'ended', result: 'ordered', messages: [{ text: 'Thanks, S' }] });
      // The v1 shape: buttons with their values, and no variable the script does not expose.
      expect.soft(first?.messages[0]?.buttons).toEqual([
        { label: 'Small', value: 'S' },
        { label: 'Large', value: 'Large' },
      ]);
      expect.soft(ended?.variables).toEqual({});
    } finally {
      await page.context().close();
      await serving.stop();
    }
  });

  it('is blocked for a page of an origin serve does not list', async () => {
    const [listed, other] = [await pageOrigin(), await pageOrigin()];
    const dir = await folders.project({ 'bot.yaml': SIZES });
    const serving = await ServeProcess.start(join(dir, 'bot.yaml'), ['--store', 'memory', '--cors', listed]);
    const page = await openPage(other);
    try {
      const outcomes = await page.evaluate(async (api) => {
        const attempt = (path: string, init: RequestInit) =>
          fetch(`${api}${path}`, init).then(
            (response) => `read ${response.status}`,
            (error: unknown) => (error instanceof TypeError ? 'blocked' : String(error)),
          );
        return [
          await attempt('/health', {}),
          await attempt('/conversations/web%3Aabc/start', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: '{}',
          }),
        ];
      }, serving.url);
      expect(outcomes).toEqual(['blocked', 'blocked']);
      // Its preflight was refused, so the start never ran.
      const start = await serving.waitForLog((line) => line.route === '/conversations/:key/start');
      expect(start).toMatchObject({ method: 'OPTIONS', status: 403 });
      expect(serving.logs.filter((line) => line.method === 'POST')).toEqual([]);
    } finally {
      await page.context().close();
      await serving.stop();
    }
  });
});

/** `botflow serve` with `args` (after the script) that must stop before starting: its exit code and stderr. */
async function refusedServe(args: readonly string[]): Promise<{ code: unknown; stderr: string }> {
  const child = spawnNode([
    `${ROOT}dist/cli-bundle/bin.js`,
    'serve',
    join(ROOT, 'scripts', 'order-status.yaml'),
    ...args,
  ]);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  return { code, stderr };
}

describe('serve --cors', () => {
  it('refuses an origin that is not bare scheme://host[:port] in one sentence, before starting', async () => {
    const { code, stderr } = await refusedServe(['--http', '0', '--cors', 'https://chat.example.com/app']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^botflow: --cors: a CORS origin is written as browsers send it, [^\n]+\n$/);
  });

  it('needs --http', async () => {
    expect(
      await refusedServe(['--telegram-token', '1:unused', '--cors', 'https://chat.example.com']),
    ).toEqual({
      code: 2,
      stderr: 'botflow: --cors needs --http PORT: it is the JSON API that browsers call\n',
    });
  });
});
