import { Command } from 'commander';
import { scriptJsonSchema } from '../../engine/index.js';
import { casesJsonSchema } from '../../qa/case-schema.js';

export function schemaCommand(): Command {
  return new Command('schema')
    .description('Print the JSON Schema (draft-07) of the script format, for editors.')
    .option('--cases', 'the schema of QA case files instead')
    .action((options: { cases?: boolean }) => {
      const schema = options.cases ? casesJsonSchema() : scriptJsonSchema();
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });
}
