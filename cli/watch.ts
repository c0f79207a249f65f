import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { isSearched } from '../qa/run-suite.js';
import { ExitCode } from './exit.js';
import { complain, say } from './terminal.js';

/** Editors save in bursts (write, rename, chmod; several files at once): one save is told after this much quiet. */
const SETTLE_MS = 100;

/** What a watch follows: files by path, and folders where a new file `isNew` takes counts as a save too. */
export interface Followed {
  readonly files: Iterable<string>;
  readonly folders?: Iterable<string>;
  /** Which names count in `folders` besides the files followed; a new subfolder always does. */
  readonly isNew?: (name: string) => boolean;
}

/** What a folder's watcher takes: the names of the files followed in it, and whether new files count. */
interface FolderInterest {
  readonly names: Set<string>;
  watchesNew: boolean;
}

/**
 * Tells of saves of the files it follows. It watches their folders, not the files: many editors
 * save by writing a new file and renaming it over the old one, which a watch on the file itself
 * would lose. `follow` re-arms it with what the last run read; `next` waits for the next saves.
 */
export class SaveWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private interests = new Map<string, FolderInterest>();
  private isNew: (name: string) => boolean = () => false;
  private readonly saved = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private waiting: ((files: string[]) => void) | undefined;

  /** With `onSaves`, every settled burst of saves is told to it; without, they wait for `next`. */
  constructor(private readonly onSaves?: (files: string[]) => void) {}

  follow({ files, folders = [], isNew = () => false }: Followed): void {
    const interests = new Map<string, FolderInterest>();
    const interest = (folder: string) => {
      const found = interests.get(folder) ?? { names: new Set<string>(), watchesNew: false };
      interests.set(folder, found);
      return found;
    };
    for (const file of files) interest(dirname(resolve(file))).names.add(basename(file));
    for (const folder of folders) interest(resolve(folder)).watchesNew = true;
    this.interests = interests;
    this.isNew = isNew;
    for (const [folder, watcher] of this.watchers) {
      if (interests.has(folder)) continue;
      watcher.close();
      this.watchers.delete(folder);
    }
    const failed: string[] = [];
    for (const folder of interests.keys()) {
      const why = this.watchers.has(folder) ? undefined : this.watchFolder(folder);
      if (why !== undefined) failed.push(`${folder} (${why})`);
    }
    // Once, not per folder: past the system's limit of watches every further folder fails alike.
    if (failed.length > 0) {
      const more = failed.length > 1 ? ` and ${failed.length - 1} more folders` : '';
      complain(`botflow: cannot watch ${failed[0] ?? ''}${more} for saves`);
    }
  }

  /** The files saved since the last call, once they settle (at once when some already have). */
  next(): Promise<string[]> {
    if (this.saved.size > 0 && this.timer === undefined) return Promise.resolve(this.take());
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  close(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  /** Watches `folder`; why not, when it cannot be watched (one that does not exist is no failure). */
  private watchFolder(folder: string): string | undefined {
    try {
      const watcher = watch(folder, (_event, name) => {
        if (name !== null) this.changed(folder, name);
      });
      // A folder removed while watched is no error: its files are missing from the next run.
      watcher.on('error', () => {
        watcher.close();
        this.watchers.delete(folder);
      });
      this.watchers.set(folder, watcher);
      return undefined;
    } catch (error) {
      // A folder that does not exist (yet) has nothing to save: the run already said what is missing.
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : (code ?? 'unknown error');
    }
  }

  private changed(folder: string, name: string): void {
    const interest = this.interests.get(folder);
    if (!interest) return;
    const path = join(folder, name);
    if (interest.names.has(name) || (interest.watchesNew && this.isNew(name))) {
      this.settle(path);
      return;
    }
    if (!interest.watchesNew) return;
    // A new subfolder may bring files to find: it counts, an editor's swap file does not.
    void stat(path).then(
      (info) => {
        if (info.isDirectory()) this.settle(path);
      },
      () => undefined,
    );
  }

  private settle(path: string): void {
    this.saved.add(path);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const take = this.onSaves ?? this.waiting;
      this.waiting = undefined;
      take?.(this.take());
    }, SETTLE_MS);
  }

  private take(): string[] {
    const files = [...this.saved];
    this.saved.clear();
    return files;
  }
}

/** Every folder at or below the folders among `paths` (the files among them are left out). */
export async function foldersBelow(paths: readonly string[]): Promise<string[]> {
  const folders: string[] = [];
  for (const path of paths) {
    if (!(await stat(path).catch(() => undefined))?.isDirectory()) continue;
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    folders.push(
      path,
      ...entries
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(entry.parentPath, entry.name))
        .filter((folder) => isSearched(relative(path, folder))),
    );
  }
  return folders;
}

/** One run of a watched command: its exit code, and what it read (a save of which runs it again). */
export interface WatchedRun extends Followed {
  readonly code: number;
}

/**
 * Runs `run`, then again after every save of what it read, until Ctrl-C (SIGINT): the exit code
 * is the last run's. A Ctrl-C during a run lets it finish (its output is whole); a second one
 * stops at once. A later run that throws is told and counts as a failure, and the next save runs
 * it again; a first one fails the command as it would without watching, since nothing is known
 * to watch.
 */
export async function rerunOnSaves(run: () => Promise<WatchedRun>): Promise<number> {
  const saves = new SaveWatcher();
  let code: number = ExitCode.Failure;
  let stopping = false;
  let interrupted: () => void = () => undefined;
  const stopped = new Promise<'stop'>((resolve) => {
    interrupted = () => {
      if (stopping) process.exit(code);
      stopping = true;
      resolve('stop');
    };
  });
  process.on('SIGINT', interrupted);
  try {
    for (let first = true; ; first = false) {
      code = await runOnce(run, saves, first);
      say('— watching for saves; Ctrl-C stops');
      const next = await Promise.race([stopped, saves.next()]);
      if (next === 'stop') return code;
      const names = next.map((file) => relative(process.cwd(), file) || file);
      say(`— saved: ${names.join(', ')}; running again`);
    }
  } finally {
    process.off('SIGINT', interrupted);
    saves.close();
  }
}

async function runOnce(run: () => Promise<WatchedRun>, saves: SaveWatcher, first: boolean): Promise<number> {
  try {
    const done = await run();
    saves.follow(done);
    return done.code;
  } catch (error) {
    if (first) throw error;
    complain(`botflow: ${error instanceof Error ? error.message : String(error)}`);
    return ExitCode.Failure;
  }
}
