import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { StudioModel } from '../../studio/protocol.js';
import { sidecarOf } from '../../studio/server/pins.js';
import { ROOT } from '../support/cli.js';
import { StudioProcess } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';

const temp = useTempFolders('botflow-studio-pins-');
const POINT = 'the pin of "reply" must be { "x": number, "y": number }, each within ±1000000';
const SCRIPT = await readFile(join(ROOT, 'scripts/order-status.yaml'), 'utf8');

/** A studio (the built command) on a copy of order-status.yaml; `call` speaks to it as its page does. */
async function studioOn(sidecar?: string) {
  const dir = await temp.project({ 'bot.yaml': SCRIPT });
  const file = join(dir, 'bot.yaml');
  if (sidecar !== undefined) await writeFile(join(dir, 'bot.studio.json'), sidecar);
  const studio = await StudioProcess.start(file);
  const call = async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${studio.origin}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        'x-botflow-token': studio.token,
        ...(body !== undefined && { 'content-type': 'application/json', origin: studio.origin }),
        ...headers,
      },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const model = async () => (await call('/api/script')).body as unknown as StudioModel;
  return { dir, file, studio, call, model };
}

describe('pins', () => {
  test('the sidecar sits beside the script, named as its case file is', () => {
    expect(sidecarOf('scripts/order.yaml')).toBe('scripts/order.studio.json');
    expect(sidecarOf('bot.YML')).toBe('bot.studio.json');
    expect(sidecarOf('bot')).toBe('bot.studio.json');
  });

  test('are written whole to the sidecar, sorted, and carried by every model after; the script is untouched', async () => {
    const { dir, file, call, model } = await studioOn();
    const answer = await call('/api/pins', {
      pins: { reply: { x: 500, y: 40 }, lookup: { x: 10.5, y: -20 } },
    });
    expect(answer).toEqual({
      status: 200,
      body: { pins: { lookup: { x: 10.5, y: -20 }, reply: { x: 500, y: 40 } } },
    });
    const sidecar = await readFile(join(dir, 'bot.studio.json'), 'utf8');
    expect(sidecar).toBe(
      '{\n  "botflow-studio": 1,\n  "pins": {\n    "lookup": {\n      "x": 10.5,\n      "y": -20\n    },\n' +
        '    "reply": {\n      "x": 500,\n      "y": 40\n    }\n  }\n}\n',
    );
    expect((await model()).pins).toEqual({ lookup: { x: 10.5, y: -20 }, reply: { x: 500, y: 40 } });
    await expect(readFile(file, 'utf8')).resolves.toBe(SCRIPT);
    expect((await readdir(dir)).sort()).toEqual(['bot.studio.json', 'bot.yaml']);

    // The whole set each time: a pin left out is gone.
    await call('/api/pins', { pins: { reply: { x: 1, y: 2 } } });
    expect((await model()).pins).toEqual({ reply: { x: 1, y: 2 } });
  });

  test('a new studio on the same script reads them back', async () => {
    const { file, call, studio } = await studioOn();
    await call('/api/pins', { pins: { reply: { x: 7, y: 8 } } });
    await studio.stop('SIGTERM');
    const again = await StudioProcess.start(file);
    const { body } = await again.call('/api/script');
    expect((body as StudioModel).pins).toEqual({ reply: { x: 7, y: 8 } });
  });

  test('no pins left removes the sidecar', async () => {
    const { dir, call, model } = await studioOn();
    await call('/api/pins', { pins: { reply: { x: 7, y: 8 } } });
    await call('/api/pins', { pins: {} });
    expect(await readdir(dir)).toEqual(['bot.yaml']);
    expect((await model()).pins).toEqual({});
  });

  test('need the token and the studio’s own origin', async () => {
    const { call, model } = await studioOn();
    const pins = { pins: { reply: { x: 1, y: 1 } } };
    expect((await call('/api/pins', pins, { 'x-botflow-token': 'wrong' })).status).toBe(403);
    expect((await call('/api/pins', pins, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await model()).pins).toEqual({});
  });

  test.each([
    [
      'a marker’s id',
      { pins: { $start: { x: 1, y: 1 } } },
      '"$start" is not a block id, so it cannot be pinned',
    ],
    [
      '__proto__',
      '{"pins":{"__proto__":{"x":1,"y":1}}}',
      '"__proto__" is not a block id, so it cannot be pinned',
    ],
    ['a coordinate that is text', { pins: { reply: { x: '1', y: 1 } } }, POINT],
    ['a point with more than x and y', { pins: { reply: { x: 1, y: 1, z: 1 } } }, POINT],
    ['pins that are a list', { pins: [] }, '"pins" must be an object of block ids to points'],
    ['a coordinate out of range', { pins: { reply: { x: 1e9, y: 1 } } }, POINT],
    [
      'an unknown field',
      { pins: {}, layout: 'auto' },
      'the body has the unknown field "layout"; the fields are pins',
    ],
    ['no pins', {}, 'the body needs the field "pins"'],
    [
      'more pins than the studio draws nodes',
      { pins: Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`b${i}`, { x: i, y: 0 }])) },
      'at most 2000 nodes can be pinned',
    ],
  ])('refuse %s with one sentence, writing nothing', async (_name, body, message) => {
    const { dir, call, model } = await studioOn();
    const answer = await call('/api/pins', body);
    expect(answer).toEqual({ status: 400, body: { error: { code: 'http.invalid-body', message } } });
    expect(await readdir(dir)).toEqual(['bot.yaml']);
    expect((await model()).pins).toEqual({});
  });

  test('are replaced atomically: a reader sees the old file or the new one, never a part', async () => {
    const { dir, call } = await studioOn();
    const sidecar = join(dir, 'bot.studio.json');
    const big = (n: number) =>
      Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`block-${i}`, { x: n, y: i }]));
    await call('/api/pins', { pins: big(0) });
    const run = { writing: true };
    const seen = new Set<number>();
    const reader = (async () => {
      while (run.writing) {
        const value = JSON.parse(await readFile(sidecar, 'utf8')) as {
          pins: Record<string, { x: number }>;
        };
        // Whole: every pin of one write.
        const xs = new Set(Object.values(value.pins).map((pin) => pin.x));
        expect(Object.keys(value.pins)).toHaveLength(1500);
        expect(xs.size).toBe(1);
        seen.add([...xs][0] ?? -1);
      }
    })();
    for (let n = 1; n <= 20; n += 1) await call('/api/pins', { pins: big(n) });
    run.writing = false;
    await reader;
    expect(seen.size).toBeGreaterThan(1);
    // No temporary file is left behind.
    expect((await readdir(dir)).sort()).toEqual(['bot.studio.json', 'bot.yaml']);
  });

  test('a sidecar that cannot be written is one sentence (409), nothing left behind, and the studio goes on', async () => {
    const { dir, call, model } = await studioOn();
    // A folder where the sidecar should be: no rename can replace it.
    await mkdir(join(dir, 'bot.studio.json'));
    const answer = await call('/api/pins', { pins: { reply: { x: 1, y: 1 } } });
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({
      error: {
        code: 'studio.cannot-pin',
        message: `cannot write ${join(dir, 'bot.studio.json')} (illegal operation on a directory); the pins are kept until the studio stops`,
      },
    });
    expect((await readdir(dir)).sort()).toEqual(['bot.studio.json', 'bot.yaml']);
    expect((await model()).nodes.length).toBeGreaterThan(0);
  });

  describe('a broken sidecar is a warning on the page and counts as no pins', () => {
    test.each([
      ['not JSON', '{ "botflow-studio": 1, pins', 'it is not JSON'],
      [
        'another version',
        '{ "botflow-studio": 2, "pins": {} }',
        'it is version 2 of the format, and this studio reads version 1',
      ],
      [
        'a pin that is not a point',
        '{ "botflow-studio": 1, "pins": { "reply": [1, 2] } }',
        `it is not { "botflow-studio": 1, "pins": { "<block id>": { "x": …, "y": … } } }: ${POINT}`,
      ],
      [
        'JSON null',
        'null',
        'it is not { "botflow-studio": 1, "pins": { "<block id>": { "x": …, "y": … } } }',
      ],
    ])('%s', async (_name, text, why) => {
      const { dir, call, model } = await studioOn(text);
      const sidecar = join(dir, 'bot.studio.json');
      const first = await model();
      expect(first.pins).toEqual({});
      expect(first.nodes.length).toBeGreaterThan(0);
      expect(first.problems.filter((problem) => problem.code === 'studio.bad-sidecar')).toEqual([
        {
          severity: 'warning',
          code: 'studio.bad-sidecar',
          message: `${sidecar} is ignored: ${why}`,
          hint: 'fix or delete it; moving a node on the canvas writes it anew',
          file: sidecar,
          line: 1,
          column: 1,
          path: '',
          block: undefined,
        },
      ]);
      // Moving a node writes it anew: the warning goes with it.
      await call('/api/pins', { pins: { reply: { x: 1, y: 1 } } });
      const file = join(dir, 'bot.yaml');
      await writeFile(file, `${SCRIPT}\n`);
      await expect.poll(async () => (await model()).text).toBe(`${SCRIPT}\n`);
      const after = await model();
      expect(after.pins).toEqual({ reply: { x: 1, y: 1 } });
      expect(after.problems.map((problem) => problem.code)).not.toContain('studio.bad-sidecar');
    });
  });
});
