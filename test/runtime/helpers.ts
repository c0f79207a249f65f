import type { Bot, Turn, Value } from '../../engine/index.js';
import { json, startRecordingServer, type RecordingServer } from '../support/recording-server.js';

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

/** A tiny CRM on 127.0.0.1 (a recording server): client 42 has an order, 7 has none, others 404. */
export function startCrm(): Promise<RecordingServer> {
  const clients: Record<string, unknown> = {
    42: { name: 'John Smith', order: { product: 'Kettle', status: 'shipped' } },
    7: { name: 'Anna Ivanova', order: null },
  };
  return startRecordingServer((request, response) => {
    const id = /^\/clients\/([^/?#]+)$/.exec(request.url)?.[1] ?? '';
    const client = Object.hasOwn(clients, id) ? clients[id] : undefined;
    return json(response, client ? 200 : 404, client ?? { error: 'unknown client' });
  });
}
