import { describe, expect, it } from 'vitest';
import { channels } from '../../channels/index.js';
import { fixtureJson } from '../support/channel-fixtures.js';

const parse = (body: unknown) => channels.vk.parseUpdate(body);

/** The fixture's `event_id`, which VK keeps when it sends the same event again. */
const EVENT_ID = '8a5f3b3c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';

/** The `message_new` fixture (Callback API 5.103+, see the fixtures README) with message fields replaced. */
function messageNew(fields: Record<string, unknown>): { object: { message: Record<string, unknown> } } {
  const body = fixtureJson('vk-message-new.json') as { object: { message: Record<string, unknown> } };
  body.object.message = { ...body.object.message, ...fields };
  return body;
}

describe('vk updates', () => {
  it('reads the ref of a message opened from vk.me, with its text', () => {
    expect(parse(fixtureJson('vk-message-new.json'))).toEqual([
      {
        channel: 'vk',
        chatId: '123456789',
        id: EVENT_ID,
        startParam: 'eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0',
        text: 'Начать',
      },
    ]);
  });

  it('reads the Start button without a ref as a start without data', () => {
    expect(parse(messageNew({ ref: undefined }))).toEqual([
      { channel: 'vk', chatId: '123456789', id: EVENT_ID, startParam: '', text: 'Начать' },
    ]);
  });

  it('reads plain text as text, answering in the peer (a chat for conversations)', () => {
    const body = messageNew({
      ref: undefined,
      payload: undefined,
      text: 'john@example.com',
      peer_id: 2000000001,
    });
    expect(parse(body)).toEqual([
      { channel: 'vk', chatId: '2000000001', id: EVENT_ID, text: 'john@example.com' },
    ]);
  });

  it('reads the whole value of a button botflow sent from its payload, not the label VK may have cut', () => {
    const body = messageNew({
      ref: undefined,
      payload: '{"value":"A very long choice, longer than forty characters"}',
      text: 'A very long choice, longer than forty…',
    });
    expect(parse(body)).toEqual([
      {
        channel: 'vk',
        chatId: '123456789',
        id: EVENT_ID,
        text: 'A very long choice, longer than forty characters',
      },
    ]);
  });

  it('falls back to from_id, and reads the pre-5.103 shape where object is the message (no event_id)', () => {
    const legacy = {
      type: 'message_new',
      group_id: 1,
      object: { id: 5, from_id: 42, text: 'hello', date: 1 },
    };
    expect(parse(legacy)).toEqual([{ channel: 'vk', chatId: '42', text: 'hello' }]);
  });

  it('ignores other payloads, empty text and other events', () => {
    expect(parse(messageNew({ ref: undefined, payload: '{"button":"1"}', text: '' }))).toEqual([]);
    expect(parse(messageNew({ ref: undefined, payload: '{not json', text: '' }))).toEqual([]);
    expect(parse({ type: 'confirmation', group_id: 1 })).toEqual([]);
    expect(parse({ type: 'message_reply', object: { peer_id: 1, text: 'bot said' } })).toEqual([]);
  });
});
