import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shortLabel } from '../../../channels/outgoing.js';
import { createVkWebhook } from '../../../channels/vk/webhook.js';
import { json, startRecordingServer, type RecordingServer } from '../../support/recording-server.js';
import { botWithStore, runWebhook, webhookRequest } from './helpers.js';
import { yaml } from '../../support/scripts.js';
import { fixtureBytes } from '../../support/channel-fixtures.js';

describe('button labels', () => {
  it('stay as they are within the limit', () => {
    expect(shortLabel('Track my order', 20)).toBe('Track my order');
    expect(shortLabel('x'.repeat(20), 20)).toBe('x'.repeat(20));
  });

  it('are cut after a whole word when one ends in the second half', () => {
    expect(shortLabel('Talk to a person about it', 20)).toBe('Talk to a person…');
    // The word before the cut ends exactly there, so it stays whole.
    expect(shortLabel('Talk to a person about a very important matter', 40)).toBe(
      'Talk to a person about a very important…',
    );
  });

  it('are cut between characters when no word ends late enough, never inside one', () => {
    expect(shortLabel('Supercalifragilisticexpialidocious', 20)).toBe('Supercalifragilisti…');
    // "é" written as e + a combining accent is one character of two units.
    expect(shortLabel('e\u0301'.repeat(12), 20)).toBe(`${'e\u0301'.repeat(9)}…`);
    // A family emoji is one character of 8 units: two fit in 19, the third would be cut in half.
    const family = '👨‍👩‍👧';
    expect(shortLabel(`ab ${family}${family}${family}`, 20)).toBe(`ab ${family}${family}…`);
    for (const label of ['🎉'.repeat(30), `${family}x`.repeat(5), 'a b c d e f g h i j k l m n o p']) {
      expect(shortLabel(label, 20).length).toBeLessThanOrEqual(20);
    }
  });
});

describe('messages sent to a messenger', () => {
  let vkApi: RecordingServer;
  beforeEach(async () => {
    vkApi = await startRecordingServer((_call, response) => json(response, 200, { response: 1 }));
  });
  afterEach(() => vkApi.close());

  it('leave out a message whose text renders blank, which every messenger refuses', async () => {
    const { bot } = botWithStore(yaml`
      botflow: 1
      name: blank
      variables:
        note: ''
      blocks:
        maybe:
          type: message
          text: '{{ note }}'
          next: done
        done: { type: end, text: Bye. }
    `);
    const adapter = createVkWebhook({
      confirmation: 'c',
      secret: 's3cr3t',
      accessToken: 't',
      apiRoot: vkApi.origin,
    });
    await runWebhook(adapter, bot, webhookRequest({ body: fixtureBytes('vk-message-new.json') }));
    expect(vkApi.requests.map((call) => new URLSearchParams(call.body).get('message'))).toEqual(['Bye.']);
  });
});
