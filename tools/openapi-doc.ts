/**
 * Writes openapi.json, the document `GET /openapi.json` serves, for a server with every route:
 * `npm run docs:openapi`. test/channels/http/openapi.test.ts fails when the committed file differs.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { openApiDocument } from '../channels/http/openapi.js';
import { botRoutes } from '../channels/http/server.js';
import { createBot, MemoryStore, parseScript } from '../engine/index.js';

export const OPENAPI_FILE = fileURLToPath(new URL('../openapi.json', import.meta.url));

/** The routes do not depend on the script: any bot will do. */
const ANY_SCRIPT = `botflow: 1
name: any
blocks:
  done: { type: end, text: Bye }
`;

/** The document of a server with an API token, a store to report on and short links. */
export function fullDocument(): Record<string, unknown> {
  const store = new MemoryStore();
  const bot = createBot({ script: parseScript(ANY_SCRIPT), store });
  return openApiDocument(
    botRoutes({
      bot,
      apiToken: 'any',
      reportStore: store,
      shortLinks: { store, publicUrl: 'https://go.example.com' },
    }),
  );
}

/** The file as it should be committed, formatted as `npm run format` would leave it. */
export async function renderOpenApi(): Promise<string> {
  return format(JSON.stringify(fullDocument()), {
    ...(await resolveConfig(OPENAPI_FILE)),
    parser: 'json',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(OPENAPI_FILE, await renderOpenApi());
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
