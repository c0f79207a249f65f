import { createHash, randomBytes } from 'node:crypto';
import { chmod, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The hash of a file that is not there: a save naming it may create the file, never replace one. */
export const NO_FILE = '';

/** The script's path without `.yaml` (or `.yml`): what the files beside it are named after. */
export function scriptStem(file: string): string {
  return file.replace(/\.ya?ml$/i, '');
}

/**
 * What a save compares with the file on disk: a hash of the text read, or NO_FILE when there is
 * no file at all (an empty file has a hash of its own).
 */
export function diskHash(text: string | undefined): string {
  return text === undefined ? NO_FILE : createHash('sha256').update(text).digest('base64url');
}

/** What the file system said, without the path it named (maybe a temporary file's): "permission denied". */
export function fileSystemReason(error: unknown): string | undefined {
  if (!(error instanceof Error) || typeof (error as { code?: unknown }).code !== 'string') return undefined;
  return /^[A-Z]+: ([^,]+)/.exec(error.message)?.[1];
}

/** The file as it is now: its text, and the hash a save compares (see diskHash). */
export interface DiskState {
  /** Undefined when there is no file, or no file the studio can read. */
  readonly text: string | undefined;
  readonly hash: string;
}

/**
 * The file as it is now, read the way the studio reads the script (UTF-8 text). A path the
 * studio cannot read as a file (a folder took its place) gets a hash no text has, so a save that
 * started from it is tried and fails with the file system's reason.
 */
export async function readDisk(file: string): Promise<DiskState> {
  try {
    const text = await readFile(file, 'utf8');
    return { text, hash: diskHash(text) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    return { text: undefined, hash: code === 'ENOENT' ? NO_FILE : `!${code}` };
  }
}

/**
 * Writes `text` to `file` so that the file is at every moment either the old text or the new one:
 * a temporary file in the same folder, flushed to the disk, renamed over the file. The file's
 * permissions are kept; a symbolic link stays a link (its target is written). On any failure the
 * temporary file is removed and the old file is left as it was.
 */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const target = await realpath(file).catch(() => file);
  const mode = (await stat(target).catch(() => undefined))?.mode;
  const folder = dirname(target);
  const temp = join(folder, `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  // Opened apart from the write: a failed open created nothing of ours to remove.
  const handle = await open(temp, 'wx');
  try {
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (mode !== undefined) await chmod(temp, mode & 0o7777);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(folder);
}

/** The rename itself is durable once the folder is flushed; not every system lets a folder be opened for that. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Windows and some network file systems refuse to flush a folder: the rename stands as it is.
  } finally {
    await handle.close();
  }
}
