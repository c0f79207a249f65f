import { Command, CommanderError } from 'commander';
import { BotflowError } from '../engine/error.js';
import packageJson from '../package.json' with { type: 'json' };
import { ExitCode, UsageError } from './exit.js';
import { complain, printable } from './terminal.js';

/**
 * Every command, in the order help lists them, with the module that builds it. A module is
 * imported only when its command is wanted: most pull in the engine (its HTTP client, xstate),
 * serve and studio more again, and `decode` or `--version` should not wait for any of that.
 */
const COMMANDS = new Map<string, () => Promise<Command>>([
  ['init', async () => (await import('./commands/init.js')).initCommand()],
  ['validate', async () => (await import('./commands/validate.js')).validateCommand()],
  ['run', async () => (await import('./commands/run.js')).runCommand()],
  ['chat', async () => (await import('./commands/chat.js')).chatCommand()],
  ['test', async () => (await import('./commands/test.js')).testCommand()],
  ['graph', async () => (await import('./commands/graph.js')).graphCommand()],
  ['schema', async () => (await import('./commands/schema.js')).schemaCommand()],
  ['link', async () => (await import('./commands/link.js')).linkCommand()],
  ['decode', async () => (await import('./commands/decode.js')).decodeCommand()],
  ['serve', async () => (await import('./commands/serve.js')).serveCommand()],
  ['report', async () => (await import('./commands/report.js')).reportCommand()],
  ['studio', async () => (await import('./commands/studio.js')).studioCommand()],
]);

/**
 * The commands `argv` needs: the one it names; none when it only asks for the version; all of
 * them otherwise, so that help lists every command and a mistyped name gets its suggestion.
 * The first word not starting with `-` names the command, since no option of the program takes a value.
 */
function commandsFor(argv: readonly string[]): (() => Promise<Command>)[] {
  const named = argv.find((arg) => !arg.startsWith('-'));
  const load = named === undefined ? undefined : COMMANDS.get(named);
  if (load !== undefined) return [load];
  if (named === undefined && (argv.includes('--version') || argv.includes('-V'))) return [];
  return [...COMMANDS.values()];
}

async function createProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('botflow')
    .description('Validate, run and test chatbot scripts written in YAML.')
    .version(packageJson.version)
    .option('--debug', 'show stack traces of unexpected errors')
    .exitOverride()
    .showSuggestionAfterError()
    // Commander quotes the arguments it refuses: a file name can hold terminal escapes too.
    .configureOutput({ writeErr: (text) => process.stderr.write(printable(text)) });
  for (const command of await Promise.all(commandsFor(argv).map((load) => load()))) {
    // addCommand does not pass settings on: without this a sub-command's usage error would exit 1.
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}

/** A start token's shape: `-` and 22 Base64URL characters, so it can look like options (`-V…`, `-h…`). */
const START_TOKEN = /^-[A-Za-z0-9_-]{22}$/;

/**
 * `argv` with a start token given to `decode` moved behind `--`, so it is its argument whatever
 * letters follow its `-`; no option of the program is 23 characters of that shape.
 */
function tokensAsArguments(argv: readonly string[]): readonly string[] {
  if (argv.find((arg) => !arg.startsWith('-')) !== 'decode' || argv.includes('--')) return argv;
  const tokens = argv.filter((arg) => START_TOKEN.test(arg));
  if (tokens.length === 0) return argv;
  return [...argv.filter((arg) => !START_TOKEN.test(arg)), '--', ...tokens];
}

/** Runs the command line and returns the exit code; never throws. */
export async function run(given: readonly string[]): Promise<number> {
  const argv = tokensAsArguments(given);
  try {
    const program = await createProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? ExitCode.Ok : Number(process.exitCode);
  } catch (error) {
    return report(error, argv.includes('--debug'));
  }
}

export function isBrokenPipe(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EPIPE';
}

function report(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help / version it was asked for).
    return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  if (error instanceof UsageError) {
    complain(`botflow: ${error.message}`);
    return ExitCode.Usage;
  }
  if (error instanceof BotflowError) {
    complain(`botflow: ${error.message}`);
    return ExitCode.Failure;
  }
  // The reader went away (`botflow report | head`): what it wanted was written; nothing to say.
  if (isBrokenPipe(error)) return ExitCode.Ok;
  const message = error instanceof Error ? error.message : String(error);
  complain(
    debug && error instanceof Error && error.stack
      ? error.stack
      : `botflow: unexpected error: ${message} (run again with --debug for details)`,
  );
  return ExitCode.Failure;
}
