import { describe, expect, it } from 'vitest';
import { channels } from '../../channels/index.js';
import { fixtureJson } from '../support/channel-fixtures.js';

const parse = (body: unknown) => channels.viber.parseUpdate(body);

/**
 * The id of both fixtures: their time and message_token, which are Viber's documented example
 * values (4912661846655238145), read as JSON reads them, as the nearest double.
 */
const FIXTURE_ID = '1457764197627:4912661846655238000';

describe('viber updates', () => {
  it('reads conversation_started with a context as a start with that data', () => {
    // The payload documented at creators.viber.com/docs/bots-api/events/conversation-started.
    expect(parse(fixtureJson('viber-conversation-started.json'))).toEqual([
      {
        channel: 'viber',
        chatId: '01234567890A=',
        id: FIXTURE_ID,
        startParam: 'eyJlSWQiOiJleHRlcm5hbElkIn0',
      },
    ]);
  });

  it('reads conversation_started without a context as a start without data', () => {
    const body = fixtureJson('viber-conversation-started.json') as Record<string, unknown>;
    delete body.context;
    expect(parse(body)).toEqual([
      { channel: 'viber', chatId: '01234567890A=', id: FIXTURE_ID, startParam: '' },
    ]);
  });

  it('reads a text message as text', () => {
    // The "Receive message from user" callback of the Viber REST Bot API.
    expect(parse(fixtureJson('viber-message.json'))).toEqual([
      { channel: 'viber', chatId: '01234567890A=', id: FIXTURE_ID, text: 'a message to the service' },
    ]);
  });

  it('ignores other messages and events', () => {
    const picture = fixtureJson('viber-message.json') as { message: Record<string, unknown> };
    picture.message.type = 'picture';
    expect(parse(picture)).toEqual([]);
    // The `subscribed` and `delivered` callbacks of the same API.
    expect(parse({ event: 'subscribed', timestamp: 1457764197627, user: { id: '01234567890A=' } })).toEqual(
      [],
    );
    expect(parse({ event: 'delivered', timestamp: 1457764197627, message_token: 1, user_id: 'x' })).toEqual(
      [],
    );
  });
});
