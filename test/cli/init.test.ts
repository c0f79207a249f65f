import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useTempFolders } from '../support/temp-folders.js';

const temp = useTempFolders('botflow-init-');

describe('botflow init', () => {
  it('gives a project whose script validates and whose cases pass at once, in strict mode', async () => {
    const folder = join(await temp.project({}), 'shop-bot');
    expect(await runCli(['init', folder])).toEqual({
      code: 0,
      stdout:
        `wrote package.json, bot.yaml, bot.cases.yaml, .env.example, README.md in ${folder}\n` +
        `next: cd ${folder} && npm install && npx botflow validate bot.yaml && npx botflow test bot.cases.yaml\n`,
      stderr: '',
    });
    const script = await readFile(join(folder, 'bot.yaml'), 'utf8');
    // This botflow is outside the project: the schema is where the project's own install puts it.
    expect(script.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=node_modules/botflow/botflow.schema.json',
    );
    const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as {
      name: string;
      devDependencies: Record<string, string>;
    };
    expect(manifest.name).toBe('shop-bot');
    expect(manifest.devDependencies.botflow).toMatch(/^\^\d+\.\d+\.\d+/);
    expect(script).toContain('\nname: shop-bot\n');
    expect(script).toContain('\nstrict: true\n');
    expect(script).toContain('\nenv:\n  CRM_URL: ');
    expect(await readFile(join(folder, '.env.example'), 'utf8')).toContain('\nCRM_URL=');

    expect(await runCli(['validate', 'bot.yaml', 'bot.cases.yaml'], { cwd: folder })).toEqual({
      code: 0,
      stdout: '2 scripts checked: 0 errors, 0 warnings\n',
      stderr: '',
    });
    const test = await runCli(['test', 'bot.cases.yaml', '--coverage'], { cwd: folder });
    expect(test.code).toBe(0);
    expect(test.stdout).toContain('4 passed, 0 failed');
    // Every block and branch is reached by some case.
    expect(test.stdout).toMatch(/coverage of bot\.yaml: blocks 5\/5 \(100%\), branches (\d+)\/\1 \(100%\)\n/);
  });

  it('writes into the current folder by default, and overwrites nothing', async () => {
    const folder = await temp.project({ 'README.md': '# mine\n' });
    const refused = await runCli(['init'], { cwd: folder });
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr: 'botflow: README.md already exists: botflow init writes into a folder without them\n',
    });
    // Nothing was written beside the file that was there.
    expect(await readFile(join(folder, 'README.md'), 'utf8')).toBe('# mine\n');
    await expect(readFile(join(folder, 'bot.yaml'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('keeps a package.json of the folder’s own, and says how to add botflow to it', async () => {
    const folder = await temp.project({ 'package.json': '{ "name": "mine" }\n' });
    expect(await runCli(['init'], { cwd: folder })).toEqual({
      code: 0,
      stdout:
        'wrote bot.yaml, bot.cases.yaml, .env.example, README.md in .\n' +
        'next: npm install --save-dev botflow && npx botflow validate bot.yaml && npx botflow test bot.cases.yaml\n',
      stderr: '',
    });
    expect(await readFile(join(folder, 'package.json'), 'utf8')).toBe('{ "name": "mine" }\n');
  });
});
