import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { createTransport, retrying, type Bot, type Turn } from '../../engine/index.js';
import { checkRecordTarget, Recording, writeCaseFile, type RecordedStart } from '../../qa/record.js';
import { LOCAL_KEY } from '../../qa/run-case.js';
import { UsageError } from '../exit.js';
import { addRunOptions, botFor, drawsOf, readEnv, startOptions, type RunOptions } from '../options.js';
import { formatMessage } from '../transcript.js';
import { say } from '../terminal.js';

const HELP = 'Type your reply, a number to pick a button, /vars, /restart or /help; Ctrl-D leaves.';

interface ChatOptions extends RunOptions {
  record?: string;
  recordEnv: string[];
  force?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** How the conversation starts, as a recorded case's `start` says it. */
function recordedStart(options: RunOptions): RecordedStart {
  const start = startOptions(options);
  const channel = start.channel ?? 'cli';
  if (options.link !== undefined) return { link: options.link, channel };
  if (start.payload !== undefined) return { payload: start.payload, channel };
  return { param: start.startParam ?? '', channel };
}

/** The chat's recorder (`--record`): a bot with a fixed clock and every HTTP attempt recorded. */
async function recorderFor(
  file: string,
  options: ChatOptions,
): Promise<{ bot: Bot; recording: Recording; save: () => Promise<void> } | undefined> {
  const target = options.record;
  if (target === undefined) {
    if (options.force || options.recordEnv.length > 0)
      throw new UsageError(`--${options.force ? 'force' : 'record-env'} only goes with --record`);
    return undefined;
  }
  const env = await readEnv(options);
  const unknown = options.recordEnv.find((name) => !Object.hasOwn(env, name));
  if (unknown !== undefined) throw new UsageError(`--record-env ${unknown} names no env value`);
  const start = recordedStart(options);
  await checkRecordTarget(target, options.force === true);
  const recording = new Recording();
  const draws = drawsOf(options);
  const bot = await botFor(file, options, {
    env,
    draws,
    clock: recording.clock,
    http: retrying(recording.wrap(createTransport({ allowHosts: options.allowHost }))),
  });
  const save = async () => {
    const recorded = recording.toCase({
      caseFile: target,
      scriptFile: file,
      start,
      env,
      keepEnv: options.recordEnv,
      draws,
    });
    for (const warning of recorded.warnings) say(`  (warning: ${warning})`);
    await writeCaseFile(target, recorded.text, options.force === true);
    say(`recorded ${recorded.steps} step${recorded.steps === 1 ? '' : 's'} to ${target}`);
  };
  return { bot, recording, save };
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
    .action(async (file: string, options: ChatOptions) => {
      const recorder = await recorderFor(file, options);
      const bot = recorder?.bot ?? (await botFor(file, options, { draws: drawsOf(options) }));
      const recording = recorder?.recording;
      const start = startOptions(options);
      const key = LOCAL_KEY;
      const show = (turn: Turn) => {
        recording?.botSaid(turn);
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
      let turn = await bot.start(key, start);
      show(turn);
      const lines = createInterface({
        input: process.stdin,
        output: process.stdout,
        terminal: process.stdin.isTTY,
      });
      lines.setPrompt('you> ');
      lines.prompt();
      for await (const line of lines) {
        const command = line.trim();
        if (command === '/help') {
          say(HELP);
        } else if (command === '/vars') {
          for (const [name, value] of Object.entries(turn.variables))
            say(`  ${name} = ${JSON.stringify(value)}`);
        } else if (command === '/restart') {
          if (recording) {
            recording.restart();
            say('— the recording starts over');
          }
          turn = await bot.start(key, start);
          show(turn);
        } else if (turn.status !== 'waiting') {
          say('— the conversation is over; /restart to begin again');
        } else {
          // A number picks the button it labels, as messengers' keyboards would send its text.
          const buttons = turn.messages.at(-1)?.buttons;
          const picked = /^\d+$/.test(command) ? buttons?.[Number(command) - 1] : undefined;
          recording?.userSaid(picked ?? line);
          turn = await bot.send(key, picked ?? line);
          show(turn);
        }
        lines.prompt();
      }
      say('');
      await recorder?.save();
    });
}
