import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { PACKAGE_FILE, projectFiles } from '../init/project.js';
import { UsageError } from '../exit.js';
import { say } from '../terminal.js';

export function initCommand(): Command {
  return new Command('init')
    .description(
      'Start a project: a strict script, its QA cases, .env.example, a README (and a package.json when there is none).',
    )
    .argument('[dir]', 'the folder to write to (made when missing)', '.')
    .action(async (dir: string) => {
      const all = projectFiles(dir);
      const ownPackage = existsSync(join(dir, PACKAGE_FILE));
      const files = Object.fromEntries(
        Object.entries(all).filter(([name]) => !(ownPackage && name === PACKAGE_FILE)),
      );
      // Nothing is overwritten: a folder that has any of the files gets none of them.
      const taken = Object.keys(files).filter((name) => existsSync(join(dir, name)));
      if (taken.length > 0) {
        throw new UsageError(
          `${taken.map((name) => join(dir, name)).join(', ')} already ${taken.length === 1 ? 'exists' : 'exist'}: botflow init writes into a folder without them`,
        );
      }
      await mkdir(dir, { recursive: true });
      // `wx`: a file made in the meantime is not overwritten either.
      for (const [name, text] of Object.entries(files))
        await writeFile(join(dir, name), text, { flag: 'wx' });
      const cd = dir === '.' ? '' : `cd ${shellWord(dir)} && `;
      say(`wrote ${Object.keys(files).join(', ')} in ${dir}`);
      const install = ownPackage ? 'npm install --save-dev botflow' : 'npm install';
      say(`next: ${cd}${install} && npx botflow validate bot.yaml && npx botflow test bot.cases.yaml`);
    });
}

/** A path as one shell word: quoted when it holds anything a shell would read otherwise. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}
