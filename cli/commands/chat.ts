import { createInterface } from 'node:readline';
import { Command } from 'commander';
import type { Turn } from '../../engine/index.js';
import { addRunOptions, botFor, startOptions, type RunOptions } from '../options.js';
import { formatMessage } from '../transcript.js';

const HELP = 'Type your reply, a number to pick a button, /vars, /restart or /help; Ctrl-D leaves.';

export function chatCommand(): Command {
  return addRunOptions(
    new Command('chat')
      .description('Talk to a script in the terminal.')
      .argument('<script>', 'YAML script file'),
  ).action(async (file: string, options: RunOptions) => {
    const bot = await botFor(file, options);
    const start = startOptions(options);
    const key = 'chat';
    const out = (text: string) => process.stdout.write(`${text}\n`);
    const show = (turn: Turn) => {
      for (const message of turn.messages) out(formatMessage(message));
      for (const diagnostic of turn.diagnostics) out(`  (${diagnostic.severity}: ${diagnostic.message})`);
      if (turn.status !== 'waiting') {
        const result = turn.result === null ? '' : `, result ${turn.result}`;
        out(
          `— the conversation ${turn.status === 'error' ? 'failed' : 'ended'}${result}; /restart to begin again`,
        );
      }
    };

    out(HELP);
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
        out(HELP);
      } else if (command === '/vars') {
        for (const [name, value] of Object.entries(turn.variables))
          out(`  ${name} = ${JSON.stringify(value)}`);
      } else if (command === '/restart') {
        turn = await bot.start(key, start);
        show(turn);
      } else if (turn.status !== 'waiting') {
        out('— the conversation is over; /restart to begin again');
      } else {
        // A number picks the button it labels, as messengers' keyboards would send its text.
        const buttons = turn.messages.at(-1)?.buttons;
        const picked = /^\d+$/.test(command) ? buttons?.[Number(command) - 1] : undefined;
        turn = await bot.send(key, picked ?? line);
        show(turn);
      }
      lines.prompt();
    }
    out('');
  });
}
