import { Command } from 'commander';
import type { Diagnostic, Turn } from '../../engine/index.js';
import { LOCAL_KEY } from '../../qa/run-case.js';
import { addRunOptions, botFor, collect, drawsOf, startOptions, type RunOptions } from '../options.js';
import { formatMessage } from '../transcript.js';
import { say } from '../terminal.js';

interface RunCommandOptions extends RunOptions {
  say: string[];
  json?: boolean;
}

export function runCommand(): Command {
  return addRunOptions(
    new Command('run')
      .description('Run a scripted conversation: start, then send each --say in order.')
      .argument('<script>', 'YAML script file'),
  )
    .option('--say <text>', 'a user reply; repeat for more', collect, [])
    .option('--json', 'print one JSON object: { turns, status, block, variables, result, diagnostics }')
    .action(async (file: string, options: RunCommandOptions) => {
      const bot = await botFor(file, options, { draws: drawsOf(options) });
      const key = LOCAL_KEY;
      let final = await bot.start(key, startOptions(options));
      const turns: { user: string | null; turn: Turn }[] = [{ user: null, turn: final }];
      const skipped: Diagnostic[] = [];
      for (const text of options.say) {
        if (final.status !== 'waiting') {
          skipped.push({
            severity: 'warning',
            code: 'run.ended',
            message: `the conversation had ended, so "${bot.redact(text)}" was not sent`,
          });
          continue;
        }
        final = await bot.send(key, text);
        // What the user typed may hold a secret too (a pasted token): printed masked like the rest.
        turns.push({ user: bot.redact(text), turn: final });
      }
      const diagnostics = [...turns.flatMap(({ turn }) => turn.diagnostics), ...skipped];
      if (options.json) {
        const report = {
          turns: turns.map(({ user, turn }) => ({ user, messages: turn.messages })),
          status: final.status,
          block: final.block,
          variables: final.variables,
          result: final.result,
          diagnostics,
        };
        say(JSON.stringify(report, null, 2));
        return;
      }
      for (const { user, turn } of turns) {
        if (user !== null) say(`you: ${user}`);
        for (const message of turn.messages) say(formatMessage(message));
      }
      for (const diagnostic of diagnostics) say(`${diagnostic.severity}: ${diagnostic.message}`);
      const result = final.result === null ? '' : ` (result: ${final.result})`;
      say(`— ${final.status} at ${final.block}${result}`);
    });
}
