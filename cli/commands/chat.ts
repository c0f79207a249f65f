import { clearLine, createInterface, cursorTo } from 'node:readline';
import { Command, Option } from 'commander';
import {
  BotflowError,
  createTransport,
  formatProblem,
  loadScript,
  ScriptError,
  type Turn,
} from '../../engine/index.js';
import { ChatSession } from '../../qa/chat-session.js';
import { checkRecordTarget, writeCaseFile } from '../../qa/record.js';
import { UsageError } from '../exit.js';
import {
  addRunOptions,
  drawsOf,
  readLinkSecrets,
  scriptWithEnv,
  startOptions,
  type RunOptions,
} from '../options.js';
import { formatMessage } from '../transcript.js';
import { say } from '../terminal.js';
import { SaveWatcher } from '../watch.js';

const HELP = 'Type your reply, a number to pick a button, /vars, /restart or /help; Ctrl-D leaves.';

/** The problems of a script that failed to reload shown in the chat (`botflow validate` lists them all). */
const PROBLEMS_SHOWN = 5;

interface ChatOptions extends RunOptions {
  record?: string;
  recordEnv: string[];
  force?: boolean;
  watch?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * The chat's conversation. With `--record`, its clock is fixed at each start and it is saved to
 * the file when the chat ends; the file is checked before anything is said.
 */
async function chatFor(
  file: string,
  options: ChatOptions,
): Promise<{ chat: ChatSession; save: () => Promise<void> }> {
  const target = options.record;
  if (target === undefined && (options.force || options.recordEnv.length > 0))
    throw new UsageError(`--${options.force ? 'force' : 'record-env'} only goes with --record`);
  const { script, env } = await scriptWithEnv(file, options);
  const unknown = options.recordEnv.find((name) => !Object.hasOwn(env, name));
  if (unknown !== undefined) throw new UsageError(`--record-env ${unknown} names no env value`);
  const start = startOptions(options);
  if (target !== undefined) await checkRecordTarget(target, options.force === true);
  const chat = new ChatSession({
    script,
    env,
    linkSecrets: await readLinkSecrets(options),
    draws: drawsOf(options),
    transport: createTransport({ allowHosts: options.allowHost }),
    start,
    ...(options.link !== undefined && { link: options.link }),
    clock: target === undefined ? 'system' : 'fixed',
  });
  const save = async () => {
    if (target === undefined) return;
    const recorded = chat.toCase({ caseFile: target, scriptFile: file, keepEnv: options.recordEnv });
    for (const warning of recorded.warnings) say(`  (warning: ${warning})`);
    await writeCaseFile(target, recorded.text, options.force === true);
    say(`recorded ${recorded.steps} step${recorded.steps === 1 ? '' : 's'} to ${target}`);
  };
  return { chat, save };
}

export function chatCommand(): Command {
  return addRunOptions(
    new Command('chat')
      .description('Talk to a script in the terminal.')
      .argument('<script>', 'YAML script file'),
  )
    .option(
      '--record <file>',
      'save the conversation, with its real HTTP answers, as a case file botflow test replays',
    )
    .option(
      '--record-env <name>',
      'write this env value into the recording as it is (others become placeholders); repeat for more',
      collect,
      [],
    )
    .option('--force', 'let --record overwrite an existing file')
    .addOption(
      // A recording replays against one script: one that changes halfway would not replay.
      new Option('--watch', 'reload the script each time it is saved, going on where the chat is').conflicts(
        'record',
      ),
    )
    .action(async (file: string, options: ChatOptions) => {
      const { chat, save } = await chatFor(file, options);
      const show = (turn: Turn) => {
        for (const message of turn.messages) say(formatMessage(message));
        for (const diagnostic of turn.diagnostics) say(`  (${diagnostic.severity}: ${diagnostic.message})`);
        if (turn.status !== 'waiting') {
          const result = turn.result === null ? '' : `, result ${turn.result}`;
          say(
            `— the conversation ${turn.status === 'error' ? 'failed' : 'ended'}${result}; /restart to begin again`,
          );
        }
      };

      say(HELP);
      if (options.record !== undefined) say(`— recording to ${options.record}; Ctrl-D saves it`);
      let turn = await chat.start();
      show(turn);
      const lines = createInterface({
        input: process.stdin,
        output: process.stdout,
        terminal: process.stdin.isTTY,
      });
      lines.setPrompt('you> ');
      lines.prompt();
      // Replies and reloads take turns: a save never lands in the middle of a turn.
      let busy = Promise.resolve();
      const inTurn = (work: () => Promise<void>) => (busy = busy.then(work));
      const saves = new SaveWatcher(() => {
        inTurn(async () => {
          freshLine();
          const reloaded = await reload(file, chat, turn, options.strict === true);
          if (reloaded) show((turn = reloaded));
          lines.prompt(true);
        }).catch(() => {
          // The chat ends as on a failed reply: `await busy` below throws the error.
          lines.close();
        });
      });
      if (options.watch) saves.follow({ files: [file] });
      try {
        for await (const line of lines) await inTurn(() => answer(line));
        await busy;
      } finally {
        saves.close();
      }
      say('');
      await save();

      async function answer(line: string): Promise<void> {
        const command = line.trim();
        if (command === '/help') {
          say(HELP);
        } else if (command === '/vars') {
          for (const [name, value] of Object.entries(turn.variables))
            say(`  ${name} = ${JSON.stringify(value)}`);
        } else if (command === '/restart') {
          if (options.record !== undefined) say('— the recording starts over');
          turn = await chat.start();
          show(turn);
        } else if (turn.status !== 'waiting') {
          say('— the conversation is over; /restart to begin again');
        } else {
          // A number picks the button it labels, as messengers' keyboards would send its text.
          const buttons = turn.messages.at(-1)?.buttons;
          const picked = /^\d+$/.test(command) ? buttons?.[Number(command) - 1] : undefined;
          turn = await chat.send(picked ?? line);
          show(turn);
        }
        lines.prompt();
      }
    });
}

/**
 * --watch: the saved script takes over the conversation by the rule a served bot follows after a
 * deploy (ChatSession.reload), or the chat starts again; a script that does not load is told and
 * the one running is kept (undefined).
 */
async function reload(
  file: string,
  chat: ChatSession,
  before: Turn,
  strict: boolean,
): Promise<Turn | undefined> {
  let resumed: Turn | undefined;
  try {
    resumed = await chat.reload(await loadScript(file, { strict }));
  } catch (error) {
    if (!(error instanceof BotflowError)) throw error;
    say(`— ${file} was not reloaded; the chat goes on with the script as it was:`);
    const problems = error instanceof ScriptError ? error.problems.map(formatProblem) : [error.message];
    // One slip in YAML can make dozens of problems: the first ones place it.
    for (const problem of problems.slice(0, PROBLEMS_SHOWN)) say(`  ${problem}`);
    if (problems.length > PROBLEMS_SHOWN) say(`  … and ${problems.length - PROBLEMS_SHOWN} more`);
    return undefined;
  }
  if (resumed) {
    say(`— reloaded ${file}`);
    return resumed;
  }
  say(
    before.status === 'waiting'
      ? `— reloaded ${file}; "${before.block}" no longer waits for a reply: the conversation starts again`
      : `— reloaded ${file}; the conversation starts again`,
  );
  return chat.start();
}

/** Clears the prompt on a terminal, so a reload's lines start at the left; the prompt is drawn again after them. */
function freshLine(): void {
  if (!process.stdout.isTTY) return;
  cursorTo(process.stdout, 0);
  clearLine(process.stdout, 0);
}
