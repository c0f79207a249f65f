import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodePayload } from '../../engine/index.js';
import { startExample } from './example-process.js';
import { FakeBotApi, TOKEN } from '../support/fake-bot-api.js';
import { CHAT_ID, keyboard, sent, textUpdate } from '../support/telegram.js';

let api: FakeBotApi;
beforeEach(async () => {
  api = await FakeBotApi.start();
});
afterEach(() => api.close());

describe('examples/telegram-bot.js', () => {
  it('answers its own /help, runs botflow on /start DATA, and exits 0 on SIGINT', async () => {
    const { example, cwd } = startExample(
      'telegram-bot.js',
      { TELEGRAM_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot },
      (text) => text,
    );
    expect(await example.ready((line) => line.startsWith('@'))).toBe(
      '@shop_test_bot is running client-identification; Ctrl-C stops it.',
    );

    api.push(textUpdate('/help'));
    // grammY's ctx.reply gives the chat id as the number Telegram sent.
    expect(await api.waitFor('sendMessage', 1)).toEqual([
      { chat_id: CHAT_ID, text: 'Open this bot through your invitation link, or send /start to begin.' },
    ]);
    api.push(textUpdate(`/start ${encodePayload({ variables: { cl_data: 'John Smith 23' } })}`));
    expect((await api.waitFor('sendMessage', 4)).slice(1)).toEqual([
      sent('Hello, John Smith! Glad to see you again.'),
      sent('As a client of 23, you can open a credit line today.', keyboard('Tell me more', 'Not now')),
      sent('Have a nice day!'),
    ]);

    expect(await example.stop('SIGINT')).toBe(0);
    expect(example.stderr).toBe('');
    // The sessions file is relative to the working directory, here the test's own.
    expect(existsSync(join(cwd, 'botflow-sessions.db'))).toBe(true);
  });
});
