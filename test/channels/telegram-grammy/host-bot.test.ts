import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { botflow } from '../../../channels/telegram/grammy.js';
import { grammyBot } from './helpers.js';
import { botOf, yaml } from '../../support/scripts.js';
import { FakeBotApi } from '../../support/fake-bot-api.js';
import {
  CHAT_ID,
  editedUpdate,
  keyboard,
  photoUpdate,
  REMOVE_KEYBOARD,
  sent,
  textUpdate,
} from '../../support/telegram.js';

let api: FakeBotApi;
beforeEach(async () => {
  api = await FakeBotApi.start();
});
afterEach(() => api.close());

const engine = () =>
  botOf(yaml`
    botflow: 1
    name: survey
    blocks:
      mood:
        type: ask
        text: 'How are you?'
        save: mood
        choices: [{ label: Fine }, { label: Tired }]
        next: bye
      bye: { type: end, text: 'Thanks, {{ mood }} it is.' }
  `);

/** An existing bot with its own handlers, added after botflow to show order does not matter. */
async function hostBot(bot = engine()) {
  const telegram = await grammyBot(api);
  telegram.use(botflow(bot));
  telegram.command('help', (ctx) => ctx.reply('Send /start to begin.'));
  telegram.on('message:photo', (ctx) => ctx.reply('Nice photo!'));
  telegram.on('edited_message', (ctx) => ctx.reply('Edits are not read.'));
  return telegram;
}

/** The texts the host's own handlers sent (grammY's ctx.reply gives the chat id as a number). */
const hostReplies = () =>
  api
    .callsOf('sendMessage')
    .filter((call) => call.chat_id === CHAT_ID)
    .map((call) => call.text);

describe('botflow beside the host bot’s own handlers', () => {
  it('leaves commands, photos and edits to the host and runs the conversation on text', async () => {
    const bot = engine();
    const telegram = await hostBot(bot);
    await telegram.handleUpdate(textUpdate('/help'));
    await telegram.handleUpdate(photoUpdate());
    await telegram.handleUpdate(editedUpdate('Fine'));
    expect(hostReplies()).toEqual(['Send /start to begin.', 'Nice photo!', 'Edits are not read.']);
    expect(await bot.conversation(`telegram:${CHAT_ID}`)).toBeUndefined();

    await telegram.handleUpdate(textUpdate('hello'));
    expect(api.callsOf('sendMessage').at(-1)).toEqual(sent('How are you?', keyboard('Fine', 'Tired')));
  });

  it('leaves /start addressed to another bot alone', async () => {
    const bot = engine();
    const telegram = await hostBot(bot);
    await telegram.handleUpdate(textUpdate('/start@other_shop_bot 42'));
    expect(api.callsOf('sendMessage')).toEqual([]);
    expect(await bot.conversation(`telegram:${CHAT_ID}`)).toBeUndefined();
  });

  it('keeps a waiting conversation where it was when the user asks the host for /help', async () => {
    const telegram = await hostBot();
    await telegram.handleUpdate(textUpdate('/start'));
    await telegram.handleUpdate(textUpdate('/help@shop_test_bot'));
    await telegram.handleUpdate(textUpdate('Tired'));
    expect(hostReplies()).toEqual(['Send /start to begin.']);
    expect(api.callsOf('sendMessage').at(-1)).toEqual(sent('Thanks, Tired it is.', REMOVE_KEYBOARD));
  });
});
