import { Command, Option } from 'commander';
import { loadScript, toDot, toMermaid } from '../../engine/index.js';
import { printable } from '../terminal.js';

export function graphCommand(): Command {
  return new Command('graph')
    .description('Print the block graph of a script, with branch and outcome labels.')
    .argument('<script>', 'YAML script file')
    .addOption(
      new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'),
    )
    .action(async (file: string, options: { format: 'mermaid' | 'dot' }) => {
      const script = await loadScript(file);
      process.stdout.write(printable(options.format === 'dot' ? toDot(script) : toMermaid(script)));
    });
}
