import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SaveConflict, StudioModel } from '../../studio/protocol.js';
import { writeAtomically } from '../../studio/server/disk.js';
import { SCRIPT_BODY_LIMIT } from '../../studio/server/edit.js';
import { ROOT } from '../support/cli.js';
import { StudioProcess } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';

const temp = useTempFolders('botflow-studio-save-');
const ORDER_STATUS = await readFile(join(ROOT, 'scripts/order-status.yaml'), 'utf8');
const hashOf = (text: string) => createHash('sha256').update(text).digest('base64url');
const temporaries = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.tmp'));

/** A studio on a copy of order-status.yaml (or `text`) in a fresh folder. */
async function studioOn(text = ORDER_STATUS, name = 'bot.yaml') {
  const dir = await temp.project({ [name]: text });
  const file = join(dir, name);
  const studio = await StudioProcess.start(file);
  const model = (await studio.call('/api/script')).body as StudioModel;
  return { dir, file, studio, model };
}

/** The studio's model once the file watcher has read the file again after `revision`. */
async function reloadedAfter(studio: StudioProcess, revision: number): Promise<StudioModel> {
  for (;;) {
    const model = (await studio.call('/api/script')).body as StudioModel;
    if (model.revision > revision) return model;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('POST /api/save', () => {
  test('writes exactly the text, answers the file’s new model, and the watcher reads back the same file', async () => {
    const { dir, file, studio, model } = await studioOn();
    expect(model.disk).toBe(hashOf(ORDER_STATUS));
    const text = `${ORDER_STATUS}  farewell: { type: end, text: 'Bye' }   # a comment kept\r\n`;
    const saved = await studio.call('/api/save', { text, base: model.disk });
    expect(saved.status).toBe(200);
    const answer = saved.body as StudioModel;
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(answer).toMatchObject({ draft: false, text, disk: hashOf(text) });
    expect(answer.revision).toBeGreaterThan(model.revision);
    expect(answer.nodes.some((node) => node.id === 'farewell')).toBe(true);
    // The watcher hears the studio's own write: the same file, so a page sees no foreign change.
    const reloaded = await reloadedAfter(studio, answer.revision);
    expect(reloaded).toMatchObject({ disk: answer.disk, text });
    expect(await temporaries(dir)).toEqual([]);
  });

  test('refuses with 409 when the file changed since the page read it, and says what is on disk now', async () => {
    const { file, studio, model } = await studioOn();
    const theirs = ORDER_STATUS.replace('name: order-status', 'name: theirs');
    await writeFile(file, theirs);
    const refused = await studio.call('/api/save', { text: `${ORDER_STATUS}# mine\n`, base: model.disk });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      error: {
        code: 'studio.conflict',
        message: `not saved: ${file} changed on disk since the page read it`,
      },
      disk: hashOf(theirs),
      text: theirs,
    } satisfies SaveConflict);
    expect(await readFile(file, 'utf8')).toBe(theirs);
    // Keeping one's own text means naming the file as it is now: then the save goes through.
    const kept = await studio.call('/api/save', { text: `${ORDER_STATUS}# mine\n`, base: hashOf(theirs) });
    expect(kept.status).toBe(200);
    expect(await readFile(file, 'utf8')).toBe(`${ORDER_STATUS}# mine\n`);
  });

  test('two saves from the same file at once: one is written, the other refused', async () => {
    const { file, studio, model } = await studioOn();
    const answers = await Promise.all(
      ['# first\n', '# second\n'].map((tail) =>
        studio.call('/api/save', { text: `${ORDER_STATUS}${tail}`, base: model.disk }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const written = (answers.find((answer) => answer.status === 200)?.body as StudioModel).text;
    expect(await readFile(file, 'utf8')).toBe(written);
  });

  test("'' names no file: a save may create the file, never replace one, and an empty file is a file", async () => {
    const dir = await temp.project({});
    const file = join(dir, 'new.yaml');
    const studio = await StudioProcess.start(file);
    const model = (await studio.call('/api/script')).body as StudioModel;
    expect(model.disk).toBe('');
    const text = 'botflow: 1\nname: new\nblocks:\n  hello: { type: end, text: Hi }\n';
    const created = await studio.call('/api/save', { text, base: '' });
    expect(created.status).toBe(200);
    expect(await readFile(file, 'utf8')).toBe(text);
    const again = await studio.call('/api/save', { text: `${text}# again\n`, base: '' });
    expect(again.status).toBe(409);
    expect((again.body as SaveConflict).error.message).toBe(
      `not saved: ${file} was created on disk since the page read it`,
    );

    const empty = await studioOn('', 'empty.yaml');
    expect(empty.model.disk).toBe(hashOf(''));
    expect((await empty.studio.call('/api/save', { text, base: '' })).status).toBe(409);
    expect(await readFile(empty.file, 'utf8')).toBe('');
  });

  test('refuses text that is not YAML with 422 and the place of the mistake; the file is unchanged', async () => {
    const { file, studio, model } = await studioOn();
    const broken = ORDER_STATUS.replace('  show:\n', '  show:\n    text: [unclosed\n');
    const refused = await studio.call('/api/save', { text: broken, base: model.disk });
    expect(refused.status).toBe(422);
    const { code, message } = (refused.body as SaveConflict).error;
    expect(code).toBe('studio.bad-yaml');
    expect(message).toMatch(new RegExp(`^not saved: ${file}:\\d+:\\d+: YAML syntax: `));
    expect(await readFile(file, 'utf8')).toBe(ORDER_STATUS);
    // Validation problems are work in progress, not a reason to refuse.
    const unfinished = `${ORDER_STATUS}  dangling: { type: message, text: Hi, next: nowhere }\n`;
    expect((await studio.call('/api/save', { text: unfinished, base: model.disk })).status).toBe(200);
  });

  test('keeps the file’s permissions, and writes through a symbolic link rather than replacing it', async () => {
    const { dir, file, studio, model } = await studioOn();
    await chmod(file, 0o640);
    const text = `${ORDER_STATUS}# saved\n`;
    expect((await studio.call('/api/save', { text, base: model.disk })).status).toBe(200);
    expect((await stat(file)).mode & 0o777).toBe(0o640);

    await mkdir(join(dir, 'real'));
    await writeFile(join(dir, 'real', 'target.yaml'), ORDER_STATUS);
    await symlink(join(dir, 'real', 'target.yaml'), join(dir, 'linked.yaml'));
    const linked = await StudioProcess.start(join(dir, 'linked.yaml'));
    const base = ((await linked.call('/api/script')).body as StudioModel).disk;
    expect((await linked.call('/api/save', { text, base })).status).toBe(200);
    expect((await lstat(join(dir, 'linked.yaml'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(dir, 'linked.yaml'))).toBe(join(dir, 'real', 'target.yaml'));
    expect(await readFile(join(dir, 'real', 'target.yaml'), 'utf8')).toBe(text);
    expect(await temporaries(join(dir, 'real'))).toEqual([]);
  });

  test('takes a script larger than the default body limit; a body past the script limit is refused', async () => {
    const { file, studio, model } = await studioOn();
    const filler = Array.from({ length: 3000 }, (_, i) => `# comment line ${i} of a long script\n`).join('');
    const text = `${ORDER_STATUS}${filler}`;
    expect(text.length).toBeGreaterThan(64 * 1024);
    expect((await studio.call('/api/save', { text, base: model.disk })).status).toBe(200);
    expect(await readFile(file, 'utf8')).toBe(text);
    const huge = await studio.call('/api/draft', { text: 'x'.repeat(SCRIPT_BODY_LIMIT) });
    expect(huge.status).toBe(413);
  });
});

describe('writeAtomically', () => {
  test('when the rename fails, the old file stays as it was and no temporary file is left', async () => {
    const dir = await temp.project({});
    // A folder that is not empty stands where the file goes: renaming over it fails.
    const target = join(dir, 'bot.yaml');
    await mkdir(target);
    await writeFile(join(target, 'inside'), 'old\n');
    await expect(writeAtomically(target, 'new\n')).rejects.toMatchObject({ code: 'EISDIR' });
    expect(await readdir(dir)).toEqual(['bot.yaml']);
    expect(await readFile(join(target, 'inside'), 'utf8')).toBe('old\n');
  });
});

describe('POST /api/draft', () => {
  test('answers the model of unsaved text: validated, laid out, of the file’s revision; the file is untouched', async () => {
    const { file, studio, model } = await studioOn();
    const text = ORDER_STATUS.replace(
      '  show:\n    type: message\n',
      '  show:\n    type: message\n    buttons: [Ok]\n',
    ).replace('    next: done\n', '    next: nowhere\n');
    const draft = (await studio.call('/api/draft', { text })).body as StudioModel;
    expect(draft).toMatchObject({ draft: true, text, revision: model.revision, disk: model.disk });
    expect(draft.nodes.map((node) => node.id)).toContain('$missing:nowhere');
    const problem = draft.problems.find((p) => p.message.includes('nowhere'));
    expect(problem).toMatchObject({ block: 'show', line: text.split('\n').indexOf('    next: nowhere') + 1 });
    expect(await readFile(file, 'utf8')).toBe(ORDER_STATUS);
    expect(((await studio.call('/api/script')).body as StudioModel).text).toBe(ORDER_STATUS);
  });

  test('a text that changes no edge keeps the file’s layout as it is', async () => {
    const { studio, model } = await studioOn();
    const text = ORDER_STATUS.replace('Your order:', 'Here is your order:');
    const draft = (await studio.call('/api/draft', { text })).body as StudioModel;
    const place = (m: StudioModel) => m.nodes.map(({ id, x, y }) => [id, x, y]);
    expect(place(draft)).toEqual(place(model));
    expect(draft.nodes.find((node) => node.id === 'show')?.summary).toBe(
      'Here is your order: {{ product }} ({{ status }}).',
    );
  });

  test('a body that is not a text is a 400', async () => {
    const { studio } = await studioOn();
    const answer = await studio.call('/api/draft', { text: 1 });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'http.invalid-body' } } });
  });
});

describe('GET /api/schema', () => {
  test('is botflow.schema.json', async () => {
    const { studio } = await studioOn();
    const schema = await studio.call('/api/schema');
    expect(schema.body).toEqual(JSON.parse(await readFile(join(ROOT, 'botflow.schema.json'), 'utf8')));
  });
});

describe('the editing routes are guarded like every other', () => {
  /** Each route with a body it answers (the save is refused: the file exists), so a guard is what refuses. */
  const routes: readonly [string, 'GET' | 'POST', unknown, number][] = [
    ['/api/draft', 'POST', { text: 'botflow: 1\n' }, 200],
    ['/api/edit', 'POST', { text: 'botflow: 1\n' }, 400],
    ['/api/save', 'POST', { text: 'botflow: 1\n', base: '' }, 409],
    ['/api/copy', 'POST', { text: 'botflow: 1\n' }, 400],
    ['/api/schema', 'GET', undefined, 200],
  ];

  test('a Host other than the printed one is 421, a missing token 403, a foreign Origin 403', async () => {
    const { file, studio } = await studioOn();
    const host = new URL(studio.origin).host;
    const token = { 'x-botflow-token': studio.token };
    const json = { 'content-type': 'application/json' };
    for (const [path, method, value, status] of routes) {
      const body = value === undefined ? undefined : JSON.stringify(value);
      const origin = method === 'POST' ? { origin: studio.origin } : {};
      const call = (headers: Record<string, string>) =>
        studio.raw(path, { ...json, ...headers }, method, body);
      expect((await call({ host, ...token, ...origin })).status, path).toBe(status);
      const rebinding = await call({
        host: `attacker.example:${new URL(studio.origin).port}`,
        ...token,
        ...origin,
      });
      expect(rebinding.status, path).toBe(421);
      expect((await call({ host, ...origin })).status, path).toBe(403);
      if (method === 'POST') {
        const foreign = await call({ host, ...token, origin: 'http://attacker.example' });
        expect(foreign.status, path).toBe(403);
        expect(JSON.parse(foreign.body)).toMatchObject({ error: { code: 'studio.bad-origin' } });
      }
    }
    expect(await readFile(file, 'utf8')).toBe(ORDER_STATUS);
  });
});
