import { Command, CommanderError } from 'commander';
import { BotflowError } from '../engine/index.js';
import packageJson from '../package.json' with { type: 'json' };
import { chatCommand } from './commands/chat.js';
import { decodeCommand } from './commands/decode.js';
import { graphCommand } from './commands/graph.js';
import { initCommand } from './commands/init.js';
import { linkCommand } from './commands/link.js';
import { runCommand } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import { serveCommand } from './commands/serve.js';
import { studioCommand } from './commands/studio.js';
import { testCommand } from './commands/test.js';
import { validateCommand } from './commands/validate.js';
import { ExitCode, UsageError } from './exit.js';
import { complain, printable } from './terminal.js';

export function createProgram(): Command {
  const program = new Command('botflow')
    .description('Validate, run and test chatbot scripts written in YAML.')
    .version(packageJson.version)
    .option('--debug', 'show stack traces of unexpected errors')
    .exitOverride()
    .showSuggestionAfterError()
    // Commander quotes the arguments it refuses: a file name can hold terminal escapes too.
    .configureOutput({ writeErr: (text) => process.stderr.write(printable(text)) });
  for (const command of [
    initCommand(),
    validateCommand(),
    runCommand(),
    chatCommand(),
    testCommand(),
    graphCommand(),
    schemaCommand(),
    linkCommand(),
    decodeCommand(),
    serveCommand(),
    studioCommand(),
  ]) {
    // addCommand does not pass settings on: without this a sub-command's usage error would exit 1.
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}

/** Runs the command line and returns the exit code; never throws. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? ExitCode.Ok : Number(process.exitCode);
  } catch (error) {
    return report(error, program.opts<{ debug?: boolean }>().debug === true || argv.includes('--debug'));
  }
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
  const message = error instanceof Error ? error.message : String(error);
  complain(
    debug && error instanceof Error && error.stack
      ? error.stack
      : `botflow: unexpected error: ${message} (run again with --debug for details)`,
  );
  return ExitCode.Failure;
}
