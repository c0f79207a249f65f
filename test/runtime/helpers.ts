import { createServer, type Server } from 'node:http';
import {
  createBot,
  parseScript,
  type Bot,
  type BotOptions,
  type Script,
  type Turn,
  type Value,
} from '../../engine/index.js';

/**
 * A script from YAML written inline: the text is taken raw (backslashes stay as a file would have
 * them) and its common indentation is removed, so a test can indent it with the code around it.
 */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings.raw }, ...values);
  const lines = text
    .replace(/^\n/, '')
    .replace(/\n\s*$/, '\n')
    .split('\n');
  const indent = Math.min(
    ...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0),
  );
  return lines.map((line) => line.slice(indent)).join('\n');
}

let counter = 0;

/** A loaded script from inline YAML; each gets its own file name. */
export function script(text: string, file = `inline-${++counter}.yaml`): Script {
  return parseScript(text, file);
}

/** A bot over an inline script. */
export function botOf(text: string, options: Omit<BotOptions, 'script'> = {}): Bot {
  return createBot({ script: script(text), ...options });
}

/** Asks again and again, appending each reply to `log`: a lost, doubled or reordered turn shows in it. */
export const COLLECTOR = yaml`
  botflow: 1
  name: collector
  variables: { log: '' }
  blocks:
    next-item: { type: ask, text: 'Next?', save: item, next: append }
    append: { type: bpl, set: { log: "log || item || ','" }, next: next-item }
`;

/** The system variables of a conversation that nothing seeded (DESIGN.md §4.3). */
export const SYSTEM = {
  clientExternalId: '',
  phone: '',
  email: '',
  channel: '',
  startParam: '',
  lastMessage: '',
  response: '',
} as const;

/** `count` variables named v0, v1, … each holding `value`. */
export function manyVariables(count: number, value = 'x'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`v${i}`, value]));
}

/** The texts of a turn's messages (undefined for no turn, so that a comparison fails). */
export function texts(turn: Turn | undefined): string[] | undefined {
  return turn?.messages.map((message) => message.text);
}

/** A value as a template shows it: text as is, anything else as JSON (numbers plainly). */
export function shown(value: Value): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Starts `key`, then sends each reply in order; every turn, the start's first. */
export async function talk(bot: Bot, replies: readonly string[], key = 'k'): Promise<Turn[]> {
  const turns = [await bot.start(key)];
  for (const reply of replies) turns.push(await bot.send(key, reply));
  return turns;
}

/** A tiny CRM on 127.0.0.1 (a real HTTP server): client 42 has an order, 7 has none, others 404. */
export async function startCrm(): Promise<{ url: string; server: Server }> {
  const clients: Record<string, unknown> = {
    42: { name: 'John Smith', order: { product: 'Kettle', status: 'shipped' } },
    7: { name: 'Anna Ivanova', order: null },
  };
  const server = createServer((request, response) => {
    const id = /^\/clients\/([^/?#]+)$/.exec(request.url ?? '')?.[1] ?? '';
    const client = Object.hasOwn(clients, id) ? clients[id] : undefined;
    response.writeHead(client ? 200 : 404, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(client ?? { error: 'unknown client' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, server };
}
