// Given to a botflow process with `--import`: writes the URL of every module the process loads,
// one a line, to the file RECORD_IMPORTS names. ES modules are seen by a resolve hook (it runs in
// a thread of its own, so it appends to the file); CommonJS packages, which Node 20 loads past
// the hooks when one requires another, are read from the require cache as the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.RECORD_IMPORTS;
if (file === undefined) throw new Error('record-imports.js needs RECORD_IMPORTS, the file to write to');
register(new URL('./record-imports-hooks.js', import.meta.url), { data: { file } });
const required = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const urls = Object.keys(required).map((path) => `${pathToFileURL(path).href}\n`);
  appendFileSync(file, urls.join(''));
});
