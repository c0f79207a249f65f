import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { encodePayload } from '../../engine/index.js';
import { runCli } from '../cli/run-cli.js';
import { FakeBotApi, TOKEN } from '../channels/telegram-grammy/fake-bot-api.js';
import { keyboard, REMOVE_KEYBOARD, sent } from '../channels/telegram-grammy/helpers.js';
import { CHAT_ID, textUpdate } from '../channels/telegram-grammy/updates.js';
import { parseLogLine, ServeProcess } from './serve-process.js';

const SCRIPT = 'scripts/client-identification.yaml';
/** The invitation link's data, as `botflow link telegram … --var cl_data="John Smith 23"` builds it. */
const START_DATA = encodePayload({ variables: { cl_data: 'John Smith 23' } });

let api: FakeBotApi;
beforeEach(async () => {
  api = await FakeBotApi.start();
});
afterEach(() => api.close());

/** `serve` polling the fake Bot API, ready once it has said so; killed when the test ends. */
async function serveTelegram(http: boolean): Promise<ServeProcess> {
  const serving = await ServeProcess.start(
    SCRIPT,
    ['--telegram-token', TOKEN, '--store', 'memory'],
    { TELEGRAM_API_ROOT: api.apiRoot },
    { http, waitFor: 'polling Telegram' },
  );
  // A failed assertion must not leave it polling; after a clean stop this does nothing.
  onTestFinished(async () => {
    await serving.stop('SIGKILL');
  });
  return serving;
}

/** The token as it is written, and as it appears percent-encoded in a URL. */
const TOKEN_FORMS = [TOKEN, encodeURIComponent(TOKEN)];

describe.each([
  ['alone', false],
  ['beside --http', true],
])('botflow serve --telegram-token %s', (_name, http) => {
  it('runs a conversation from /start DATA through sendMessage, and stops on SIGTERM', async () => {
    const serving = await serveTelegram(http);
    expect(serving.logs.find((line) => line.msg === 'polling Telegram')).toMatchObject({
      bot: 'shop_test_bot',
    });

    api.push(textUpdate(`/start ${START_DATA}`));
    expect(await api.waitFor('sendMessage', 3)).toEqual([
      sent('Hello, John Smith! Glad to see you again.'),
      sent('As a client of 23, you can open a credit line today.', keyboard('Tell me more', 'Not now')),
      sent('Have a nice day!'),
    ]);
    // That conversation has ended, so a reply starts a new one, without the link's data.
    api.push(textUpdate('Tell me more'));
    expect((await api.waitFor('sendMessage', 4)).slice(3)).toEqual([
      sent('Hello! What is your name?', REMOVE_KEYBOARD),
    ]);
    api.push(textUpdate('Anna'));
    expect((await api.waitFor('sendMessage', 6)).slice(4)).toEqual([
      sent('Nice to meet you, Anna!'),
      // A turn without buttons takes the stale keyboard away with its last message.
      sent('Have a nice day!', REMOVE_KEYBOARD),
    ]);

    if (http) {
      // One store behind both: the JSON API sees the chat's conversation.
      const stored = await serving.get(`/conversations/telegram%3A${CHAT_ID}`);
      expect(stored.body).toMatchObject({ status: 'ended', variables: { firstName: 'Anna' } });
    }
    expect(await serving.stop('SIGTERM')).toBe(0);
    expect(serving.logs.at(-1)?.msg).toBe('stopped');
    for (const form of TOKEN_FORMS) {
      expect(serving.output).not.toContain(form);
      expect(serving.stderr).not.toContain(form);
    }
  });
});

describe('botflow serve with a Telegram token the Bot API refuses', () => {
  it('exits 1 with one sentence naming the token setting, and never prints the token', async () => {
    const refused = `${TOKEN}x`;
    const result = await runCli(['serve', SCRIPT, '--store', 'memory'], {
      env: { TELEGRAM_TOKEN: refused, TELEGRAM_API_ROOT: api.apiRoot },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'botflow: Telegram refused the bot token (401 Unauthorized); check --telegram-token or TELEGRAM_TOKEN.\n',
    );
    const logged = result.stdout.trim().split('\n').map(parseLogLine);
    expect(logged.find((line) => line.msg === 'Telegram polling stopped')).toMatchObject({
      level: 50,
      error: { type: 'GrammyError', code: 401 },
    });
    for (const form of [refused, encodeURIComponent(refused)]) {
      expect(result.stdout + result.stderr).not.toContain(form);
    }
  });
});
