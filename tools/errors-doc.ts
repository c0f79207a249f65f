/**
 * Writes docs/errors.md from the catalog in engine/codes.ts: `npm run docs:errors`.
 * test/codes/errors-doc.test.ts fails when the committed page differs from what this writes.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { CATALOG } from '../engine/catalog.js';
import type { CodeInfo, Origin } from '../engine/codes.js';

export const ERRORS_DOC = fileURLToPath(new URL('../docs/errors.md', import.meta.url));

const SECTIONS: Readonly<Record<Origin, { title: string; intro: string }>> = {
  load: {
    title: 'Loading a script or a case file',
    intro:
      'Problems of `botflow validate` (`--json`: each with its `code`), of `checkScript`, and in the `problems` of the `ScriptError` that `loadScript` and `parseScript` throw. QA case files are read by the same checks. See [the script language](script-language.md#the-checks-in-the-order-they-run).',
  },
  start: {
    title: 'Starting a conversation',
    intro:
      'Diagnostics of `decodeStartParam` and of the turn `bot.start` answers, or errors thrown by `bot.start` and `encodePayload`. See [invitation links](invitation-links.md).',
  },
  turn: {
    title: 'A turn',
    intro:
      'Diagnostics in `turn.diagnostics` (messages start with the block they come from: `block "ask_email": …`), or errors thrown by `bot.start` and `bot.send`. See [the runtime](runtime.md).',
  },
  store: {
    title: 'Session stores',
    intro: 'Errors thrown by `SqliteStore`, `RedisStore` and the turns that use them.',
  },
  bot: { title: 'Making a bot', intro: 'Errors thrown by `createBot` and `compileScript`.' },
  link: {
    title: 'Invitation links',
    intro:
      'The codes of `LinkError` (its type, `LinkErrorCode`), thrown by `buildInviteLink`, `parseInviteLink`, `getChannel` and `checkLinkData`. See [invitation links](invitation-links.md#library-calls).',
  },
  channel: {
    title: 'Messenger adapters',
    intro: 'Errors of the webhook adapters and the messengers’ send APIs. See [webhooks](webhooks.md).',
  },
  http: {
    title: 'The JSON API',
    intro:
      'The `code` of an error answer `{ "error": { "code", "message" } }` of `botflow/http`. The engine’s codes above with an HTTP status come through it with that status. See [the HTTP API](http-api.md#errors).',
  },
  qa: { title: 'QA', intro: 'Errors of `botflow test` and `botflow chat --record`. See [QA](qa.md).' },
  cli: {
    title: 'The command line',
    intro: 'Diagnostics and errors of `botflow run` and `botflow serve`. See [serve](serve.md).',
  },
  studio: {
    title: 'The studio',
    intro:
      'The `code` of an error answer of the local server `botflow studio` runs for its page. See [the studio](studio.md#security).',
  },
};

const HEADER = `# Error and diagnostic codes

<!-- Generated from engine/codes.ts by \`npm run docs:errors\`: edit the catalog, not this page. -->

Every problem botflow reports carries a stable \`code\`, and this page lists all of them: the
\`code\` of a \`Diagnostic\` (in \`turn.diagnostics\` and \`decodeStartParam\`), of a \`ScriptProblem\`
(\`botflow validate --json\`, \`ScriptError.problems\`), of a thrown \`BotflowError\` and its
subclasses, and of an error answer of the JSON API. Branch on the code, never on the message: the
code is a closed set (the TypeScript type \`Code\`, exported with its catalog \`CATALOG\`), and a new
one is listed in the changelog. The wording of a message may change.

## Messages

Every message is one clause that continues a line someone else starts: \`file:line:col: error: \`
in \`validate\`, \`botflow: \` on the command line, \`block "ask_email": \` in a turn's diagnostics, or
the \`message\` beside the \`code\` of a JSON error. So a message starts in lower case — unless its
first word is a name always written with a capital (\`YAML\`, \`JSON\`, \`Telegram\`, \`WhatsApp\`…)
— and ends without a period. Two thoughts in one message are joined with \`;\`. Words quoted from
elsewhere (the YAML parser, a messenger's API) are kept as written, without their final period.

In the tables, **severity** is the one a diagnostic or problem always has (\`error or warning\` when
it depends, as the meaning says); **thrown** names the class of a thrown error; **HTTP** is the
status the JSON API answers with.
`;

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function how(info: CodeInfo): string {
  const ways = [
    ...(info.severity !== undefined
      ? [info.severity]
      : info.thrown === undefined
        ? ['error or warning']
        : []),
    ...(info.thrown !== undefined ? [`thrown \`${info.thrown}\``] : []),
  ];
  return ways.join(', ');
}

/** The page as it should be committed, formatted as `npm run format` would leave it. */
export async function renderErrorsDoc(): Promise<string> {
  const entries: [string, CodeInfo][] = Object.entries(CATALOG);
  const sections = (Object.keys(SECTIONS) as Origin[]).map((origin) => {
    const rows = entries
      .filter(([, info]) => info.from === origin)
      .map(
        ([code, info]) =>
          `| \`${code}\` | ${how(info)} | ${info.status ?? ''} | ${cell(info.meaning)} | ${cell(info.fix)} |`,
      );
    const { title, intro } = SECTIONS[origin];
    return [
      `## ${title}`,
      '',
      intro,
      '',
      '| code | severity / thrown | HTTP | meaning | what to do |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n');
  });
  const text = [HEADER, ...sections].join('\n');
  return format(text, { ...(await resolveConfig(ERRORS_DOC)), parser: 'markdown' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(ERRORS_DOC, await renderErrorsDoc());
  process.stdout.write(`wrote ${ERRORS_DOC}\n`);
}
