import { describe, expect, it } from 'vitest';
import { channels } from '../../channels/index.js';
import { fixtureJson } from '../support/channel-fixtures.js';

const parse = (body: unknown) => channels.whatsapp.parseUpdate(body);

/** A Cloud API `messages` webhook holding one text message, shaped like the fixture. */
function textMessage(body: string): unknown {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              messages: [
                { from: '79000000000', id: 'wamid.X', timestamp: '1', type: 'text', text: { body } },
              ],
            },
          },
        ],
      },
    ],
  };
}

describe('whatsapp updates', () => {
  it('reads text messages, starting on a trailing ref: marker', () => {
    // The WhatsApp Cloud API messages webhook reference; see the fixtures README.
    expect(parse(fixtureJson('whatsapp-messages.json'))).toEqual([
      {
        channel: 'whatsapp',
        chatId: '16505551234',
        id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
        text: 'Does it come in another color?',
      },
      {
        channel: 'whatsapp',
        chatId: '79000000000',
        id: 'wamid.HBgLNzkwMDAwMDAwMDAVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgB=',
        startParam: 'eyJlSWQiOiI0MiJ9',
        text: 'Hello! ref:eyJlSWQiOiI0MiJ9',
      },
      // The image and the delivery status give nothing.
    ]);
  });

  it('finds the marker after an edited greeting and trailing spaces', () => {
    expect(parse(textMessage('Hi, I am Ann\nref:42 '))).toEqual([
      {
        channel: 'whatsapp',
        chatId: '79000000000',
        id: 'wamid.X',
        startParam: '42',
        text: 'Hi, I am Ann\nref:42 ',
      },
    ]);
  });

  it('reads a marker that is not at the end, or has bad data, as plain text', () => {
    for (const body of ['ref:42 thanks', 'my ref:a+b', 'pref:42', `ref:${'x'.repeat(65)}`, 'ref:']) {
      expect(parse(textMessage(body)), body).toEqual([
        { channel: 'whatsapp', chatId: '79000000000', id: 'wamid.X', text: body },
      ]);
    }
  });
});
