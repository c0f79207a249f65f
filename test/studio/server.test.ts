import { networkInterfaces } from 'node:os';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { StudioModel } from '../../studio/protocol.js';
import { STREAM_LIMIT } from '../../studio/server/events.js';
import { ROOT, runCli } from '../support/cli.js';
import { StudioProcess } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';

const temp = useTempFolders('botflow-studio-server-');

/** The events the stream has sent so far, read until `done` accepts one. */
async function readEvents(
  studio: StudioProcess,
  done: (model: StudioModel) => boolean,
  act: () => Promise<void>,
): Promise<StudioModel[]> {
  const controller = new AbortController();
  const response = await fetch(`${studio.origin}/api/events?token=${studio.token}`, {
    signal: controller.signal,
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const models: StudioModel[] = [];
  let buffer = '';
  let acted = false;
  for (;;) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += new TextDecoder().decode(value);
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (data === undefined) continue;
      const model = JSON.parse(data) as StudioModel;
      models.push(model);
      if (done(model)) {
        controller.abort();
        return models;
      }
    }
    if (!acted) {
      acted = true;
      await act();
    }
  }
  return models;
}

describe('the local server', () => {
  test('prints one URL on 127.0.0.1 with a token, and serves the page there', async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    expect(studio.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{24}$/);
    const page = await studio.raw('/', { host: new URL(studio.origin).host });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/assets/studio.js">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const script = await studio.raw('/assets/studio.js', { host: new URL(studio.origin).host });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  test('refuses a Host that is not the address it printed (DNS rebinding), on the page and the API', async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    const port = new URL(studio.origin).port;
    for (const host of [`attacker.example:${port}`, `localhost:${port}`, '127.0.0.1']) {
      for (const path of ['/', '/api/script']) {
        const answer = await studio.raw(path, { host, 'x-botflow-token': studio.token });
        expect(answer.status, `${host} ${path}`).toBe(421);
        expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'studio.wrong-host' } });
      }
    }
  });

  test('API calls and the event stream need the token', async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    const host = new URL(studio.origin).host;
    for (const headers of [{}, { 'x-botflow-token': 'wrong' }, { 'x-botflow-token': `${studio.token}x` }]) {
      const answer = await studio.raw('/api/script', { host, ...headers });
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'studio.bad-token' } });
    }
    expect((await studio.raw('/api/events', { host })).status).toBe(403);
    expect((await studio.raw('/api/events?token=nope', { host })).status).toBe(403);
    // Only the event stream takes the token in its URL (EventSource sends no headers).
    expect((await studio.raw(`/api/script?token=${studio.token}`, { host })).status).toBe(403);
    const model = await studio.raw('/api/script', { host, 'x-botflow-token': studio.token });
    expect(model.status).toBe(200);
    expect((JSON.parse(model.body) as StudioModel).name).toBe('order-status');
  });

  test(`keeps at most ${STREAM_LIMIT} event streams open: one more closes the oldest`, async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    const readers = [];
    for (let i = 0; i <= STREAM_LIMIT; i++) {
      const response = await fetch(`${studio.origin}/api/events?token=${studio.token}`);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await reader.read(); // the first event: the script
      readers.push(reader);
    }
    expect((await readers[0]?.read())?.done).toBe(true);
    for (const reader of readers.slice(1)) await reader.cancel();
  });

  test('a write must come from the studio’s own origin', async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    const host = new URL(studio.origin).host;
    const headers = { host, 'x-botflow-token': studio.token, 'content-type': 'application/json' };
    for (const origin of [
      undefined,
      'http://attacker.example',
      `http://localhost:${new URL(studio.origin).port}`,
    ]) {
      const answer = await studio.raw(
        '/api/chat/start',
        { ...headers, ...(origin !== undefined && { origin }) },
        'POST',
        '{}',
      );
      expect(answer.status, String(origin)).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'studio.bad-origin' } });
    }
  });

  test('unknown paths are 404 and say nothing more', async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    const host = new URL(studio.origin).host;
    for (const path of ['/favicon.ico', '/assets/../package.json', '/assets/studio.js.map', '/api/nothing']) {
      const answer = await studio.raw(path, { host, 'x-botflow-token': studio.token });
      expect(answer.status, path).toBe(404);
    }
  });

  test('pushes the script again when the file changes on disk, also when an editor saves by renaming', async () => {
    const dir = await temp.project({
      'bot.yaml': await readFile(join(ROOT, 'scripts/order-status.yaml'), 'utf8'),
    });
    const file = join(dir, 'bot.yaml');
    const studio = await StudioProcess.start(file);
    const first = await readEvents(
      studio,
      (model) => model.nodes.some((node) => node.id === 'farewell'),
      async () => {
        const text = await readFile(file, 'utf8');
        await writeFile(`${file}.tmp`, `${text}  farewell: { type: end, text: Bye }\n`);
        await rename(`${file}.tmp`, file);
      },
    );
    expect(first[0]?.revision).toBe(1);
    const last = first.at(-1);
    expect(last?.revision).toBeGreaterThan(1);
    expect(last?.problems.map((problem) => problem.code)).toContain('block.unreachable');
  });

  test('a script that does not load still opens, showing its problems', async () => {
    const dir = await temp.project({
      'broken.yaml': 'botflow: 1\nname: broken\nblocks:\n  a: { type: message, text: Hi, next: nowhere }\n',
    });
    const studio = await StudioProcess.start(join(dir, 'broken.yaml'));
    const { body } = await studio.call('/api/script');
    const model = body as StudioModel;
    expect(model.loads).toBe(false);
    expect(model.problems).toMatchObject([{ code: 'block.unknown-target', block: 'a', line: 4 }]);
    expect(model.nodes.map((node) => [node.id, node.kind])).toEqual([
      ['$start', 'start'],
      ['a', 'block'],
      ['$missing:nowhere', 'missing'],
    ]);
  });

  test('a missing script file opens with the problem, and its creation is picked up', async () => {
    const dir = await temp.project({});
    const file = join(dir, 'later.yaml');
    const studio = await StudioProcess.start(file);
    expect(studio.stderr).toBe(
      `botflow studio: ${file} does not exist yet; the page shows the script once it is saved there\n`,
    );
    const models = await readEvents(
      studio,
      (model) => model.loads,
      () => writeFile(file, 'botflow: 1\nname: later\nblocks:\n  done: { type: end }\n'),
    );
    expect(models[0]?.problems).toMatchObject([{ code: 'file.unreadable', message: 'no such file' }]);
    expect(models.at(-1)?.name).toBe('later');
  });

  test('Ctrl-C stops it cleanly', async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    expect(await studio.stop('SIGINT')).toBe(0);
  });
});

describe('the command line', () => {
  test('help names the channel each command reports by default', async () => {
    const squeeze = (text: string) => text.replace(/\s+/g, ' ');
    const studio = await runCli(['studio', '--help']);
    expect(squeeze(studio.stdout)).toContain('(default: the link’s, else studio)');
    const chat = await runCli(['chat', '--help']);
    expect(squeeze(chat.stdout)).toContain('(default: the link’s, else cli)');
  });

  test('a bad --port is a usage error', async () => {
    const result = await runCli(['studio', 'scripts/order-status.yaml', '--no-open', '--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('botflow: --port takes a number from 0 to 65535, got "eighty"\n');
  });

  test('a port in use is one clear sentence', async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    const result = await runCli([
      'studio',
      'scripts/order-status.yaml',
      '--no-open',
      '--port',
      new URL(studio.origin).port,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `botflow: cannot listen on 127.0.0.1:${new URL(studio.origin).port}: another process uses that port\n`,
    );
  });

  test('serving beyond the loopback says so; a wildcard address is refused, since the page answers at one address', async () => {
    const address = Object.values(networkInterfaces())
      .flat()
      .find((item) => item?.family === 'IPv4' && !item.internal)?.address;
    expect(address, 'this machine has no address beyond the loopback to serve on').toBeDefined();
    const studio = await StudioProcess.start('scripts/order-status.yaml', ['--host', address ?? '']);
    expect(studio.url.startsWith(`http://${address ?? ''}:`)).toBe(true);
    await expect
      .poll(() => studio.stderr)
      .toContain(`serving on ${address ?? ''}: whoever reaches this address with the URL can run the script`);
    for (const wildcard of ['0.0.0.0', '::']) {
      const result = await runCli(['studio', 'scripts/order-status.yaml', '--no-open', '--host', wildcard]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `botflow: --host takes the one address the studio is opened at (e.g. 192.168.1.20), not "${wildcard}": the page answers only at the address it prints\n`,
      );
    }
  });

  test('a folder given as the script is one sentence', async () => {
    const result = await runCli(['studio', 'scripts', '--no-open']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('botflow: scripts is a folder, not a script\n');
  });

  test('a script in a folder that does not exist is one sentence, and the studio does not stay running', async () => {
    const result = await runCli(['studio', '/no/such/folder/bot.yaml', '--no-open']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'botflow: cannot watch /no/such/folder for changes to bot.yaml: there is no such folder\n',
    );
  });
});
