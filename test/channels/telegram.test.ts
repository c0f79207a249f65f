import { describe, expect, it } from 'vitest';
import { channels } from '../../channels/index.js';

const parse = (body: unknown) => channels.telegram.parseUpdate(body);

/**
 * An `Update` with a private-chat `Message`, in the shape of the Bot API reference
 * (core.telegram.org/bots/api#update, #message, #chat, #user); ids and texts are made up.
 */
function messageUpdate(text: string, chatId = 111222333): unknown {
  return {
    update_id: 10000,
    message: {
      message_id: 1365,
      from: { id: chatId, is_bot: false, first_name: 'John', username: 'john', language_code: 'en' },
      chat: { id: chatId, first_name: 'John', username: 'john', type: 'private' },
      date: 1441645532,
      text,
      entities: [{ offset: 0, length: 6, type: 'bot_command' }],
    },
  };
}

describe('telegram updates', () => {
  it('reads /start DATA as a start with that data', () => {
    expect(parse(messageUpdate('/start eyJlSWQiOiJleHRlcm5hbElkIn0'))).toEqual([
      { channel: 'telegram', chatId: '111222333', id: '10000', startParam: 'eyJlSWQiOiJleHRlcm5hbElkIn0' },
    ]);
  });

  it('reads /start@SomeBot DATA, the form used in groups', () => {
    const update = messageUpdate('/start@Test_Mailing_Bot 1234567', -1001234567890);
    expect(parse(update)).toEqual([
      { channel: 'telegram', chatId: '-1001234567890', id: '10000', startParam: '1234567' },
    ]);
  });

  it('reads a bare /start as a start without data', () => {
    expect(parse(messageUpdate('/start'))).toEqual([
      { channel: 'telegram', chatId: '111222333', id: '10000', startParam: '' },
    ]);
    expect(parse(messageUpdate('/start@SomeBot'))).toEqual([
      { channel: 'telegram', chatId: '111222333', id: '10000', startParam: '' },
    ]);
  });

  it('reads any other text as text', () => {
    for (const text of ['john@example.com', '/starting', '/help', 'start 42', ' /start 42']) {
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
