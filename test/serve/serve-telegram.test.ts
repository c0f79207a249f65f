import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { encodePayload } from '../../engine/index.js';
import { runCli } from '../support/cli.js';
import { FakeBotApi, TOKEN } from '../support/fake-bot-api.js';
import { CHAT_ID, keyboard, REMOVE_KEYBOARD, sent, textUpdate } from '../support/telegram.js';
import { parseLogLine, ServeProcess } from '../support/serve-process.js';
import { useTempFolders } from '../support/temp-folders.js';

const SCRIPT = 'scripts/client-identification.yaml';
/** The invitation link's data, as `botflow link telegram … --var cl_data="John Smith 23"` builds it. */
const START_DATA = encodePayload({ variables: { cl_data: 'John Smith 23' } });

let api: FakeBotApi;
beforeEach(async () => {
  api = await FakeBotApi.start();
});
afterEach(() => api.close());

const temp = useTempFolders('botflow-serve-telegram-');

/** `serve` polling the fake Bot API, ready once it has said so; killed when the test ends. */
const API_TOKEN = 'api-token-telegram-0123';

async function serveTelegram(http: boolean, store = 'memory'): Promise<ServeProcess> {
  const serving = await ServeProcess.start(
    SCRIPT,
    ['--telegram-token', TOKEN, '--store', store],
    { TELEGRAM_API_ROOT: api.apiRoot, BOTFLOW_API_TOKEN: API_TOKEN },
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
      const stored = await serving.get(`/conversations/telegram%3A${CHAT_ID}?variables=all`, {
        authorization: `Bearer ${API_TOKEN}`,
      });
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

describe('botflow serve polling Telegram, restarted', () => {
  it('does not apply a /start again that Telegram sends again after the restart', async () => {
    const store = `sqlite:${join(temp.root, 'redelivery.db')}`;
    const start = textUpdate(`/start ${START_DATA}`);
    const first = await serveTelegram(false, store);
    api.push(start);
    expect(await api.waitFor('sendMessage', 3)).toHaveLength(3);
    expect(await first.stop('SIGTERM')).toBe(0);

    // As when the process stopped before Telegram heard that the update was handled.
    api.push(start);
    const second = await serveTelegram(false, store);
    api.push(textUpdate('Tell me more'));
    // The reply after it is answered, and nothing before it: the start ran once.
    expect((await api.waitFor('sendMessage', 4)).slice(3)).toEqual([
      sent('Hello! What is your name?', REMOVE_KEYBOARD),
    ]);
    expect(api.callsOf('sendMessage')).toHaveLength(4);
    expect(second.logs.some((line) => JSON.stringify(line).includes('message.duplicate'))).toBe(true);
    expect(await second.stop('SIGTERM')).toBe(0);
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
      'botflow: Telegram refused the bot token (401 Unauthorized); check --telegram-token or TELEGRAM_TOKEN\n',
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

describe('botflow serve with TELEGRAM_WEBHOOK_SECRET', () => {
  const SECRET = 'serve-Webhook_secret-42';
  const WEBHOOK_URL = 'https://bot.example.com/webhooks/telegram';
  const webhookEnv = (token: string) => ({
    TELEGRAM_TOKEN: token,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_WEBHOOK_URL: WEBHOOK_URL,
    TELEGRAM_API_ROOT: api.apiRoot,
  });

  it('sets the webhook, takes a signed update at /webhooks/telegram and replies, without polling', async () => {
    const serving = await ServeProcess.start(SCRIPT, ['--store', 'memory'], webhookEnv(TOKEN), {
      waitFor: 'Telegram webhook set',
    });
    expect(api.callsOf('setWebhook')).toEqual([{ url: WEBHOOK_URL, secret_token: SECRET }]);
    // The username `/start@name` is read against, asked at start-up: not again at the update.
    expect(api.callsOf('getMe')).toHaveLength(1);
    expect(serving.logs.find((line) => line.msg === 'listening')).toMatchObject({
      webhooks: ['/webhooks/telegram'],
    });

    const update = (headers: Record<string, string>) =>
      fetch(`${serving.url}/webhooks/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(textUpdate(`/start ${START_DATA}`)),
      });
    expect((await update({})).status).toBe(401);
    const answer = await update({ 'X-Telegram-Bot-Api-Secret-Token': SECRET });
    expect([answer.status, await answer.text()]).toEqual([200, '']);
    expect(api.callsOf('sendMessage')).toEqual([
      sent('Hello, John Smith! Glad to see you again.'),
      sent('As a client of 23, you can open a credit line today.', keyboard('Tell me more', 'Not now')),
      sent('Have a nice day!'),
    ]);

    expect(api.callsOf('getMe')).toHaveLength(1);
    expect(await serving.stop('SIGTERM')).toBe(0);
    expect(api.callsOf('getUpdates')).toEqual([]);
    for (const form of [...TOKEN_FORMS, SECRET]) {
      expect(serving.output).not.toContain(form);
      expect(serving.stderr).not.toContain(form);
    }
  });

  it('exits 1 with one sentence when Telegram refuses setWebhook, and never prints the token', async () => {
    const refused = `${TOKEN}x`;
    const result = await runCli(['serve', SCRIPT, '--http', '0', '--store', 'memory'], {
      env: webhookEnv(refused),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'botflow: Telegram refused the bot token (401 Unauthorized); check --telegram-token or TELEGRAM_TOKEN\n',
    );
    expect(api.callsOf('getUpdates')).toEqual([]);
    for (const form of [refused, encodeURIComponent(refused), SECRET]) {
      expect(result.stdout + result.stderr).not.toContain(form);
    }
  });

  it('needs --http, and a secret setWebhook accepts', async () => {
    const withoutHttp = await runCli(['serve', SCRIPT, '--store', 'memory'], { env: webhookEnv(TOKEN) });
    expect([withoutHttp.code, withoutHttp.stderr]).toEqual([
      2,
      'botflow: a Telegram webhook (TELEGRAM_WEBHOOK_SECRET) needs --http PORT\n',
    ]);
    const badSecret = await runCli(['serve', SCRIPT, '--http', '0', '--store', 'memory'], {
      env: { ...webhookEnv(TOKEN), TELEGRAM_WEBHOOK_SECRET: 'not allowed!' },
    });
    expect([badSecret.code, badSecret.stderr]).toEqual([
      1,
      'botflow: the telegram webhook needs a secretToken of 1 to 256 characters A-Z, a-z, 0-9, _ and -\n',
    ]);
    expect(api.calls).toEqual([]);
  });
});
