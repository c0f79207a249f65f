import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';
import { sampleYaml } from '../support/scripts.js';
import { useTempFolders } from '../support/temp-folders.js';

/*
 * `--watch` through the built binary (`npm run build` first): a real process in a temp folder,
 * files saved the ways editors save them, its output polled (every wait bounded).
 */

const temp = useTempFolders('botflow-watch-');
const BIN = join(ROOT, 'dist/cli-bundle/bin.js');
/** How long one step may take: a start of the CLI alone can take seconds on two busy cores. */
const STEP_MS = 15_000;

/** A `botflow` process of the test's own, talked to through stdin, read through stdout. */
class Running {
  stdout = '';
  stderr = '';
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<number | null>;

  constructor(args: readonly string[], cwd: string) {
    this.child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    // A test that fails part way must not leave the process running (an ended one ignores this).
    onTestFinished(() => {
      this.child.kill('SIGKILL');
    });
  }

  /** Waits until stdout holds `text` at least `times` times. */
  async until(text: string, times = 1): Promise<void> {
    await expect
      .poll(() => this.stdout.split(text).length - 1, { timeout: STEP_MS, message: `waiting for ${text}` })
      .toBeGreaterThanOrEqual(times);
  }

  type(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Sends `signal` (or ends stdin) and waits, bounded, for the exit code. */
  async stop(signal?: NodeJS.Signals): Promise<number | null> {
    if (signal === undefined) this.child.stdin.end();
    else this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`no exit within ${STEP_MS} ms:\n${this.stdout}\n${this.stderr}`));
      }, STEP_MS);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Saves as many editors do: the new text to a file beside, renamed over the old one. */
async function saveByRename(file: string, text: string): Promise<void> {
  await writeFile(`${file}.saving`, text);
  await rename(`${file}.saving`, file);
}

describe('botflow test --watch', () => {
  const WATCHING = '— watching for saves; Ctrl-C stops';
  const caseFile = (name: string, says: string) =>
    `script: lead-capture.yaml\ncases:\n  - name: ${name}\n    steps: [{ bot: { contains: '${says}' } }]\n`;
  /** The output of run `n` (from 1): from the line after the run before it to its WATCHING line. */
  const runOf = (stdout: string, n: number) => stdout.split(`${WATCHING}\n`)[n - 1]?.split('\n') ?? [];

  it(
    'runs again on each save of a case file or its script, on broken YAML and on a new case file; Ctrl-C exits with the last run’s code',
    { timeout: 120_000 },
    async () => {
      const script = await sampleYaml('lead-capture.yaml');
      expect(script).toContain("text: 'Hi! What can we help you with?'");
      const dir = await temp.project({
        'lead-capture.yaml': script,
        'a.cases.yaml': caseFile('Alpha', 'help'),
        'b.cases.yaml': caseFile('Beta', 'help'),
      });
      const watching = new Running(['test', '--watch', '.'], dir);
      await watching.until(WATCHING);
      expect(runOf(watching.stdout, 1)).toEqual([
        '▸ a.cases.yaml',
        '✓ Alpha',
        '▸ b.cases.yaml',
        '✓ Beta',
        '2 passed, 0 failed',
        '',
      ]);

      await saveByRename(join(dir, 'b.cases.yaml'), caseFile('Beta', 'Hello'));
      await watching.until(WATCHING, 2);
      const second = runOf(watching.stdout, 2);
      expect(second.slice(0, 4)).toEqual([
        '— saved: b.cases.yaml; running again',
        '▸ a.cases.yaml',
        '✓ Alpha',
        '▸ b.cases.yaml',
      ]);
      expect(second).toContain('✗ Beta');
      expect(second.at(-2)).toBe('1 passed, 1 failed');

      // Written in place, half-typed: the run says where, and the watch goes on.
      await writeFile(join(dir, 'a.cases.yaml'), 'script: lead-capture.yaml\ncases:\n  - name: [Alpha\n');
      await watching.until(WATCHING, 3);
      const third = runOf(watching.stdout, 3);
      expect(third[0]).toBe('— saved: a.cases.yaml; running again');
      expect(third).toContain('✗ a.cases.yaml could not be run');
      expect(third.find((line) => line.startsWith('    a.cases.yaml:'))).toMatch(
        /^ {4}a\.cases\.yaml:\d+:\d+: error: YAML syntax: /,
      );
      expect(third.at(-2)).toBe('0 passed, 2 failed');

      // The script is followed too: now it says what Beta expects.
      await saveByRename(join(dir, 'lead-capture.yaml'), script.replace('Hi! What', 'Hello! What'));
      await watching.until(WATCHING, 4);
      const fourth = runOf(watching.stdout, 4);
      expect(fourth[0]).toBe('— saved: lead-capture.yaml; running again');
      expect(fourth).toContain('✓ Beta');
      expect(fourth.at(-2)).toBe('1 passed, 1 failed');

      // A burst (a fix saved three times, a new case file beside it) is one run.
      for (let i = 0; i < 3; i++) await writeFile(join(dir, 'a.cases.yaml'), caseFile('Alpha', 'help'));
      await writeFile(join(dir, 'c.cases.yaml'), caseFile('Gamma', 'Hello'));
      await watching.until(WATCHING, 5);
      expect(runOf(watching.stdout, 5)).toEqual([
        '— saved: a.cases.yaml, c.cases.yaml; running again',
        '▸ a.cases.yaml',
        '✓ Alpha',
        '▸ b.cases.yaml',
        '✓ Beta',
        '▸ c.cases.yaml',
        '✓ Gamma',
        '3 passed, 0 failed',
        '',
      ]);

      expect(await watching.stop('SIGINT')).toBe(0);
      expect(watching.stdout.split(WATCHING)).toHaveLength(6);
      expect(watching.stderr).toBe('');
    },
  );

  it('exits with 1 on Ctrl-C when the last run failed', { timeout: 60_000 }, async () => {
    const dir = await temp.project({
      'lead-capture.yaml': await sampleYaml('lead-capture.yaml'),
      'a.cases.yaml': caseFile('Alpha', 'nowhere in the greeting'),
    });
    const watching = new Running(['test', '--watch', 'a.cases.yaml'], dir);
    await watching.until(WATCHING);
    expect(runOf(watching.stdout, 1).at(-2)).toBe('0 passed, 1 failed');
    expect(await watching.stop('SIGINT')).toBe(1);
  });
});

describe('botflow chat --watch', () => {
  const trip = (cityBlock: string, cityText: string) => `botflow: 1
name: trip
variables: { name: '', city: '' }
blocks:
  ask-name: { type: ask, text: 'Name?', save: name, next: ${cityBlock} }
  ${cityBlock}: { type: ask, text: '${cityText}', save: city, next: done }
  done: { type: end, text: '{{ name }} from {{ city }}', result: ok }
`;

  it(
    'goes on at the same block with the saved text, starts again when the block is gone, and keeps the script on a broken save',
    { timeout: 120_000 },
    async () => {
      const dir = await temp.project({ 'trip.yaml': trip('ask-city', 'City, {{ name }}?') });
      const chat = new Running(['chat', '--watch', 'trip.yaml'], dir);
      await chat.until('bot: Name?\nyou> ');
      chat.type('Ann');
      await chat.until('bot: City, Ann?\nyou> ');

      await saveByRename(join(dir, 'trip.yaml'), trip('ask-city', 'Which city, {{ name }}?'));
      await chat.until(
        [
          'you> — reloaded trip.yaml',
          'bot: Which city, Ann?',
          '  (warning: the script changed since this conversation was stored; it goes on at "ask-city")',
          'you> ',
        ].join('\n'),
      );

      await saveByRename(join(dir, 'trip.yaml'), trip('ask-town', 'Town, {{ name }}?'));
      await chat.until(
        [
          'you> — reloaded trip.yaml; "ask-city" no longer waits for a reply: the conversation starts again',
          'bot: Name?',
          'you> ',
        ].join('\n'),
      );
      chat.type('Bob');
      await chat.until('bot: Town, Bob?\nyou> ');

      await writeFile(join(dir, 'trip.yaml'), trip('ask-town', 'Town?').replace('blocks:', 'blocks: ['));
      await chat.until('you> — trip.yaml was not reloaded; the chat goes on with the script as it was:\n');
      await chat.until('you> ', 6);
      const told = chat.stdout.split('the script as it was:\n')[1]?.split('\n') ?? [];
      expect(told[0]).toMatch(/^ {2}trip\.yaml:\d+:\d+: error: YAML syntax: /);
      // The script that runs on is the last one that loaded.
      chat.type('Oslo');
      await chat.until('bot: Bob from Oslo\n— the conversation ended, result ok; /restart to begin again\n');

      expect(await chat.stop()).toBe(0);
      expect(chat.stderr).toBe('');
    },
  );

  it('is refused with --record: a recording replays against one script', async () => {
    const result = await runCli(['chat', 'scripts/lead-capture.yaml', '--watch', '--record', 'x.cases.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: option '--watch' cannot be used with option '--record <file>'\n");
  });
});
