import { Command } from 'commander';
import { scriptJsonSchema } from '../../engine/index.js';

export function schemaCommand(): Command {
  return new Command('schema')
    .description('Print the JSON Schema (draft-07) of the script format, for editors.')
    .action(() => {
      process.stdout.write(`${JSON.stringify(scriptJsonSchema(), null, 2)}\n`);
    });
}
