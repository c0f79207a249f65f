import { describe, expect, it } from 'vitest';
import { channels } from '../../channels/index.js';
import { parseTelegramUpdate } from '../../channels/telegram/update.js';

const parse = (body: unknown) => channels.telegram.parseUpdate(body);

/**
 * An `Update` with a private-chat `Message`, in the shape of the Bot API reference
 * (core.telegram.org/bots/api#update, #message, #chat, #user); ids and texts are made up. A
 * leading `/word` is marked as a bot command, as Telegram marks it.
 */
function messageUpdate(text: string, chatId = 111222333): unknown {
  const command = /^\/\S+/.exec(text);
  return {
    update_id: 10000,
    message: {
      message_id: 1365,
      from: { id: chatId, is_bot: false, first_name: 'John', username: 'john', language_code: 'en' },
      chat: { id: chatId, first_name: 'John', username: 'john', type: 'private' },
      date: 1441645532,
      text,
      ...(command && { entities: [{ offset: 0, length: command[0].length, type: 'bot_command' }] }),
    },
  };
}

describe('telegram updates', () => {
  it('reads /start DATA as a start with that data', () => {
    expect(parse(messageUpdate('/start eyJlSWQiOiJleHRlcm5hbElkIn0'))).toEqual([
      { channel: 'telegram', chatId: '111222333', id: '10000', startParam: 'eyJlSWQiOiJleHRlcm5hbElkIn0' },
    ]);
  });

  it('reads /start@<this bot> DATA, the form used in groups, given the bot’s username', () => {
    const update = messageUpdate('/start@Test_Mailing_Bot 1234567', -1001234567890);
    expect(channels.telegram.parseUpdate(update, { botUsername: 'test_mailing_bot' })).toEqual([
      { channel: 'telegram', chatId: '-1001234567890', id: '10000', startParam: '1234567' },
    ]);
  });

  it('leaves /start@AnyBot alone when the bot’s username is unknown: nothing says it is this bot', () => {
    for (const text of ['/start@Test_Mailing_Bot 1234567', '/start@SomeBot']) {
      expect(parse(messageUpdate(text, -1001234567890)), text).toEqual([]);
      expect(parseTelegramUpdate(messageUpdate(text, -1001234567890)), text).toEqual([]);
    }
  });

  it('reads a bare /start as a start without data', () => {
    expect(parse(messageUpdate('/start'))).toEqual([
      { channel: 'telegram', chatId: '111222333', id: '10000', startParam: '' },
    ]);
    expect(
      channels.telegram.parseUpdate(messageUpdate('/start@SomeBot'), { botUsername: 'SomeBot' }),
    ).toEqual([{ channel: 'telegram', chatId: '111222333', id: '10000', startParam: '' }]);
  });

  it('leaves any other command to the host bot: it is not a reply', () => {
    for (const text of ['/help', '/starting', '/help@SomeBot 42', '/settings@shop_test_bot']) {
      expect(parse(messageUpdate(text)), text).toEqual([]);
    }
  });

  it('starts on /start@<this bot> in any case, and leaves /start@OtherBot alone (grammY’s "/start@not args")', () => {
    const read = (text: string) =>
      parseTelegramUpdate(messageUpdate(text, -1001234567890), { botUsername: 'shop_test_bot' });
    expect(read('/start@Shop_Test_Bot 42')).toEqual([
      { channel: 'telegram', chatId: '-1001234567890', id: '10000', startParam: '42' },
    ]);
    expect(read('/start 42')).toEqual([
      { channel: 'telegram', chatId: '-1001234567890', id: '10000', startParam: '42' },
    ]);
    expect(read('/start@not args')).toEqual([]);
    expect(read('/start@other_bot eyJlSWQiOiI0MiJ9')).toEqual([]);
    expect(read('/help@shop_test_bot')).toEqual([]);
  });

  it('finds the command by the entity at offset 0, and in the text of an update without entities', () => {
    const withEntity = (text: string, length: number) => ({
      update_id: 1,
      message: { chat: { id: 5 }, text, entities: [{ type: 'bot_command', offset: 0, length }] },
    });
    // The entity says where the command ends, as Telegram marked it.
    expect(parse(withEntity('/start42', 6))).toEqual([
      { channel: 'telegram', chatId: '5', id: '1', startParam: '42' },
    ]);
    // An entity elsewhere is a mention of a command inside a text: a reply.
    const inside = {
      update_id: 2,
      message: {
        chat: { id: 5 },
        text: 'see /help',
        entities: [{ type: 'bot_command', offset: 4, length: 5 }],
      },
    };
    expect(parse(inside)).toEqual([{ channel: 'telegram', chatId: '5', id: '2', text: 'see /help' }]);
    // A hand-written update (a QA case) has no entities: the text is read as Telegram would mark it.
    const handWritten = (text: string) => ({ update_id: 3, message: { chat: { id: 5 }, text } });
    expect(parse(handWritten('/start 987'))).toEqual([
      { channel: 'telegram', chatId: '5', id: '3', startParam: '987' },
    ]);
    expect(parse(handWritten('/help'))).toEqual([]);
    expect(parse(handWritten('/ not a command'))).toEqual([
      { channel: 'telegram', chatId: '5', id: '3', text: '/ not a command' },
    ]);
  });

  it('reads any other text as text', () => {
    for (const text of ['john@example.com', 'start 42', ' /start 42', 'a /start b']) {
      expect(parse(messageUpdate(text)), text).toEqual([
        { channel: 'telegram', chatId: '111222333', id: '10000', text },
      ]);
    }
  });

  it('reads a button press (callback_query.data) as text', () => {
    // CallbackQuery (core.telegram.org/bots/api#callbackquery) from an inline keyboard under a bot message.
    const update = {
      update_id: 10001,
      callback_query: {
        id: '4382bfdwdsb323b2d9',
        from: { id: 111222333, is_bot: false, first_name: 'John' },
        message: {
          message_id: 1366,
          chat: { id: 111222333, type: 'private' },
          date: 1441645600,
          text: 'Pick one',
        },
        chat_instance: '-1234567890',
        data: 'kettle',
      },
    };
    expect(parse(update)).toEqual([
      { channel: 'telegram', chatId: '111222333', id: '10001', text: 'kettle' },
    ]);
  });

  it("answers an inline-mode button in the user's own chat", () => {
    const update = {
      update_id: 10002,
      callback_query: {
        id: '4382bfdwdsb323b2da',
        from: { id: 444555666, is_bot: false, first_name: 'Ann' },
        inline_message_id: 'AAAAAAAAAAAA',
        chat_instance: '-1234567891',
        data: 'yes',
      },
    };
    expect(parse(update)).toEqual([{ channel: 'telegram', chatId: '444555666', id: '10002', text: 'yes' }]);
  });

  it('ignores updates without text', () => {
    const photo = messageUpdate('x') as { message: Record<string, unknown> };
    delete photo.message.text;
    photo.message.photo = [{ file_id: 'AgAD', file_unique_id: 'AQAD', width: 90, height: 90 }];
    expect(parse(photo)).toEqual([]);
    const edited = {
      update_id: 10003,
      edited_message: (messageUpdate('/start 1') as { message: unknown }).message,
    };
    expect(parse(edited)).toEqual([]);
    expect(parse({ update_id: 10004, my_chat_member: {} })).toEqual([]);
  });
});
