import { BotError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { botflow } from '../../../channels/telegram/grammy.js';
import { createTelegramBot } from '../../../channels/telegram/telegram-bot.js';
import {
  MemoryStore,
  StoreUncertainError,
  StoreUnavailableError,
  type StoredRecord,
} from '../../../engine/index.js';
import { grammyBot } from './helpers.js';
import { LogCapture } from './log-capture.js';
import { botOf, yaml } from '../../support/scripts.js';
import { FakeBotApi, TOKEN } from '../../support/fake-bot-api.js';
import { callbackUpdate, CHAT_ID, keyboard, sent, textUpdate } from '../../support/telegram.js';

const PASSWORD = 'redis-password-5f3a';

/**
 * A store that can go down: then every call rejects, quoting a connection string with a secret.
 * `unconfirmed`: writes apply, but fail as a write whose answer was lost does.
 */
class FlakyStore extends MemoryStore {
  down = false;
  unconfirmed = false;

  override get(key: string): Promise<StoredRecord | undefined> {
    return this.down ? this.refuse() : super.get(key);
  }

  override async put(key: string, data: string, expected: number | undefined): Promise<number | undefined> {
    if (this.down) return this.refuse();
    const version = await super.put(key, data, expected);
    if (this.unconfirmed) throw new StoreUncertainError('the session store did not confirm a write');
    return version;
  }

  private refuse(): Promise<never> {
    return Promise.reject(
      new StoreUnavailableError(`redis://:${PASSWORD}@db.example:6379 refused the connection`),
    );
  }
}

const SCRIPT = yaml`
  botflow: 1
  name: mood
  blocks:
    mood:
      type: ask
      text: 'How are you?'
      save: mood
      choices: [{ label: Fine }, { label: Tired }]
      next: bye
    bye: { type: end, text: 'Take care.' }
`;

/** A bot whose store can fail; its env makes the store's password a secret to mask. */
function flakyBot() {
  const store = new FlakyStore();
  return { store, bot: botOf(SCRIPT, { store, env: { REDIS_PASSWORD: PASSWORD } }) };
}

let api: FakeBotApi;
beforeEach(async () => {
  api = await FakeBotApi.start();
});
afterEach(() => api.close());

describe('a failing turn', () => {
  it('goes to the error handler, which logs it masked, and the bot keeps polling', async () => {
    const { store, bot } = flakyBot();
    const log = new LogCapture();
    const telegram = createTelegramBot(bot, TOKEN, { apiRoot: api.apiRoot, logger: log.logger });
    const polling = telegram.start();

    store.down = true;
    const failing = textUpdate('/start');
    api.push(failing);
    const failure = await log.waitFor((line) => line.level === 50);
    expect(failure).toMatchObject({
      msg: 'a Telegram update failed',
      update: failing.update_id,
      chat: String(CHAT_ID),
      error: {
        type: 'StoreUnavailableError',
        code: 'store.unavailable',
        message: 'redis://:***@db.example:6379 refused the connection',
      },
    });
    expect(api.callsOf('sendMessage')).toEqual([]); // the user is told nothing by default

    store.down = false;
    api.push(textUpdate('/start'));
    expect(await api.waitFor('sendMessage', 1)).toEqual([sent('How are you?', keyboard('Fine', 'Tired'))]);
    expect(telegram.isRunning()).toBe(true);

    await telegram.stop();
    await polling;
    expect(log.raw.join('\n')).not.toContain(PASSWORD);
  });

  it('logs a failed Bot API request without the token its URL carries', async () => {
    const log = new LogCapture();
    const telegram = createTelegramBot(flakyBot().bot, TOKEN, { apiRoot: api.apiRoot, logger: log.logger });
    const polling = telegram.start();

    api.dropSendMessage = true;
    api.push(textUpdate('/start'));
    const failure = await log.waitFor((line) => line.level === 50);
    await telegram.stop();
    await polling;

    // node-fetch's error quotes the request URL, which holds the token: it shows masked.
    expect(failure).toMatchObject({
      error: {
        type: 'HttpError',
        message: "Network request for 'sendMessage' failed!",
        cause: { message: expect.stringContaining(`${api.apiRoot}/bot***/sendMessage`) as unknown },
      },
    });
    const secretPart = TOKEN.split(':')[1] ?? TOKEN;
    expect(log.raw.join('\n')).not.toContain(secretPart);
  });

  it('sends the host’s failure reply when it opted in, and still answers a button press', async () => {
    const { store, bot } = flakyBot();
    const telegram = await grammyBot(api);
    telegram.use(botflow(bot, { failureReply: 'Sorry, something broke. Please try again later.' }));
    store.down = true;

    const press = callbackUpdate('Fine');
    const handling = telegram.handleUpdate(press);
    // Without polling, grammY hands the middleware's error to the caller, wrapped with its context.
    await expect(handling).rejects.toBeInstanceOf(BotError);
    await expect(handling).rejects.toMatchObject({ error: { code: 'store.unavailable' } });
    expect(api.callsOf('sendMessage')).toEqual([
      { chat_id: CHAT_ID, text: 'Sorry, something broke. Please try again later.' },
    ]);
    expect(api.callsOf('answerCallbackQuery')).toEqual([{ callback_query_id: press.callback_query?.id }]);
  });

  it('sends the uncertain reply, not the failure reply, when the turn may have been applied', async () => {
    const { store, bot } = flakyBot();
    const telegram = await grammyBot(api);
    telegram.use(
      botflow(bot, {
        failureReply: 'Please send that again.',
        uncertainReply: 'Your message may have gone through; do not send it again.',
      }),
    );
    store.unconfirmed = true;

    const handling = telegram.handleUpdate(textUpdate('/start'));
    await expect(handling).rejects.toMatchObject({ error: { code: 'store.uncertain' } });
    expect(api.callsOf('sendMessage')).toEqual([
      { chat_id: CHAT_ID, text: 'Your message may have gone through; do not send it again.' },
    ]);
  });
});
