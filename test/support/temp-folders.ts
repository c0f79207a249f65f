import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** The temporary folders of one test file. */
export interface TempFolders {
  /** The file's own folder under the system's temp folder; made before its tests, removed after them. */
  readonly root: string;
  /** A fresh folder under `root` holding `files` (name → text); returns the folder. */
  project(files: Readonly<Record<string, string>>): Promise<string>;
}

/**
 * Temporary folders for the test file that calls this at its top level (it registers the
 * file's `beforeAll` and `afterAll`), so scripts and case files can be written where the CLI and
 * the QA runner read them.
 */
export function useTempFolders(prefix: string): TempFolders {
  let root: string | undefined;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });
  const folders: TempFolders = {
    get root() {
      if (root === undefined)
        throw new Error('the temp folder is made in beforeAll: use it inside a hook or test');
      return root;
    },
    project: async (files) => {
      const dir = await mkdtemp(join(folders.root, 'p-'));
      await Promise.all(Object.entries(files).map(([name, text]) => writeFile(join(dir, name), text)));
      return dir;
    },
  };
  return folders;
}
