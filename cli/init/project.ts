import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import packageJson from '../../package.json' with { type: 'json' };

/** The files `botflow init` writes, by name: a script, its QA cases, the env it needs, how to start. */
export type ProjectFiles = Readonly<Record<string, string>>;

/** Written only when the folder has none: a project of one's own already says its dependencies. */
export const PACKAGE_FILE = 'package.json';

/**
 * Where this package's JSON Schemas are: the nearest folder up from this module that holds
 * botflow.schema.json (the package's root, from the sources as from dist/).
 */
function packageRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'botflow.schema.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('botflow.schema.json is missing from the package');
    folder = parent;
  }
  return folder;
}

/**
 * `$schema=` path from the project's folder: relative, with forward slashes, as editors read it.
 * A botflow outside the project (npx's cache, a global install) would give a path that breaks when
 * either moves: the project then points where its own `npm install` puts botflow.
 */
function schemaPath(project: string, schema: string): string {
  const path = relative(resolve(project), join(packageRoot(), schema));
  return path.startsWith('..') || isAbsolute(path)
    ? `node_modules/botflow/${schema}`
    : path.split(sep).join('/');
}

/** A script name from the folder's name: the letters, digits, `-` and `_` of it, or `my-bot`. */
export function projectName(folder: string): string {
  const name = folder
    .split(/[\\/]/)
    .filter(Boolean)
    .at(-1)
    ?.replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name !== undefined && /^[A-Za-z]/.test(name) ? name.slice(0, 64) : 'my-bot';
}

/**
 * The starter project: a strict script that identifies a client by the invitation link and asks
 * the CRM for the name, its case file (mocked CRM answers, every path covered), `.env.example`
 * and a README. `botflow validate` and `botflow test` pass in it as written.
 */
export function projectFiles(folder: string): ProjectFiles {
  const name = projectName(folder);
  return {
    [PACKAGE_FILE]: `${JSON.stringify(
      {
        name,
        private: true,
        scripts: {
          validate: 'botflow validate bot.yaml bot.cases.yaml',
          test: 'botflow test bot.cases.yaml --coverage',
        },
        devDependencies: { botflow: `^${packageJson.version}` },
      },
      null,
      2,
    )}\n`,
    'bot.yaml': `# yaml-language-server: $schema=${schemaPath(folder, 'botflow.schema.json')}
#
# Greets a client identified by the invitation link: the link's data (?start=1234567) is the
# client's id, the CRM gives the name. Without a link, or for a client the CRM does not know,
# the bot asks for the name.
botflow: 1
name: ${name}
description: Greets a client by the name the CRM knows, or asks for it.
strict: true
env:
  CRM_URL: the CRM's base URL, such as https://crm.example.com/api
variables:
  firstName: ''
on_error: crm-down
blocks:
  identify:
    type: condition
    branches:
      - if: "clientExternalId != ''"
        next: lookup
    else: ask-name

  lookup:
    type: request
    method: GET
    url: '{{ env.CRM_URL }}/clients/{{ clientExternalId }}'
    timeout: 5s
    save:
      firstName: body.firstName
    on:
      success: greet
      '404': ask-name
      error: crm-down

  ask-name:
    type: ask
    text: 'Hello! What is your name?'
    save: firstName
    next: greet

  greet:
    type: end
    text: 'Nice to see you, {{ firstName }}!'
    result: greeted

  crm-down:
    type: end
    text: 'Sorry, we cannot look you up right now. Please try again later.'
    result: crm-down
`,
    'bot.cases.yaml': `# yaml-language-server: $schema=${schemaPath(folder, 'botflow.cases.schema.json')}
#
# Each case starts a conversation, answers the CRM's requests with a mock and checks what the bot
# says. Run them: npx botflow test bot.cases.yaml --coverage
script: bot.yaml
cases:
  - name: a client the CRM knows is greeted by name
    start: { param: '1234567' }
    env: { CRM_URL: 'http://crm.test' }
    http:
      - match: { method: GET, url: 'http://crm.test/clients/1234567' }
        respond: { status: 200, body: { firstName: John } }
    steps:
      - bot: 'Nice to see you, John!'
    expect: { status: ended, result: greeted, variables: { firstName: John } }

  - name: a client the CRM does not know is asked for the name
    start: { param: '99' }
    env: { CRM_URL: 'http://crm.test' }
    http:
      - match: { url: 'http://crm.test/clients/99' }
        respond: { status: 404, body: { error: unknown client } }
    steps:
      - bot: 'Hello! What is your name?'
      - user: Ann
      - bot: 'Nice to see you, Ann!'
    expect: { result: greeted }

  - name: without a link the bot asks at once, and again after an empty reply
    env: { CRM_URL: 'http://crm.test' }
    steps:
      - bot: 'Hello! What is your name?'
      - user: ' '
      - bot: 'Hello! What is your name?'
      - user: Max
      - bot: 'Nice to see you, Max!'

  - name: when the CRM fails, the client is told
    start: { param: '1234567' }
    env: { CRM_URL: 'http://crm.test' }
    http:
      - match: { url: 'http://crm.test/clients/1234567' }
        respond: { status: 500 }
    steps:
      - bot: 'Sorry, we cannot look you up right now. Please try again later.'
    expect: { status: ended, result: crm-down }
`,
    '.env.example': `# The values bot.yaml reads as env.NAME. Copy this file to .env and fill it in:
#   cp .env.example .env
#   npx botflow chat bot.yaml --start 1234567 --env-from .env
# Keep .env out of version control: env values are secrets (botflow shows them as ***).
CRM_URL=https://crm.example.com/api
`,
    'README.md': `# ${name}

A chatbot script for [botflow](https://www.npmjs.com/package/botflow), made by \`botflow init\`.

| file             | what it is                                                                       |
| ---------------- | -------------------------------------------------------------------------------- |
| \`bot.yaml\`       | the script: blocks that greet a client identified by the invitation link         |
| \`bot.cases.yaml\` | QA cases: conversations replayed with mocked CRM answers                         |
| \`.env.example\`   | the env values the script declares (\`env:\`); copy it to \`.env\` and fill it in |

\`\`\`sh
npm install                                    # botflow, as package.json asks
npx botflow validate bot.yaml                  # every problem with file:line:col
npx botflow test bot.cases.yaml --coverage     # replays the cases, lists what no case reaches
npx botflow studio bot.yaml                    # see, run and edit it in the browser
npx botflow chat bot.yaml --start 1234567 --env-from .env
npx botflow link telegram my_bot --id 1234567  # the invitation link that starts it
\`\`\`

The script is in strict mode (\`strict: true\`): a warning is an error, and an expression that
fails at run time sends the conversation to \`on_error\` instead of going on quietly.
`,
  };
}
