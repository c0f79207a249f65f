import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { BotflowError } from '../../engine/index.js';

/** Editors save in bursts (write, rename, chmod): one change is reported after this much quiet. */
const SETTLE_MS = 20;

/**
 * Calls `changed` when the file changes on disk. It watches the folder, not the file: many
 * editors save by writing a new file and renaming it over the old one, which a watch on the file
 * itself would lose.
 */
export function watchFile(file: string, changed: () => void): FSWatcher {
  const name = basename(file);
  let timer: NodeJS.Timeout | undefined;
  const folder = dirname(resolve(file));
  let watcher: FSWatcher;
  try {
    watcher = watch(folder, (_event, changedName) => {
      if (changedName !== null && changedName !== name) return;
      clearTimeout(timer);
      timer = setTimeout(changed, SETTLE_MS);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'there is no such folder'
        : `it cannot be watched (${code ?? 'unknown error'})`;
    throw new BotflowError('studio.cannot-watch', `cannot watch ${folder} for changes to ${name}: ${why}`);
  }
  watcher.on('close', () => {
    clearTimeout(timer);
  });
  return watcher;
}
