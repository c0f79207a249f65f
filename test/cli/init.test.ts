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
        `wrote bot.yaml, bot.cases.yaml, .env.example, README.md in ${folder}\n` +
        `next: cd ${folder} && npx botflow validate bot.yaml && npx botflow test bot.cases.yaml\n`,
      stderr: '',
    });
    const script = await readFile(join(folder, 'bot.yaml'), 'utf8');
    expect(script.split('\n')[0]).toMatch(
      /^# yaml-language-server: \$schema=(\.\.\/)+.*botflow\.schema\.json$/,
    );
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
});
