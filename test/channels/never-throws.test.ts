import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, channels, type ChannelName, type InboundEvent } from '../../channels/index.js';
import { fixtureJson } from '../support/channel-fixtures.js';

/** One documented body per channel (see the per-channel tests and the fixtures README). */
const SEEDS: Record<ChannelName, unknown> = {
  telegram: {
    update_id: 1,
    message: { message_id: 1, chat: { id: 42, type: 'private' }, date: 1, text: '/start 42' },
    callback_query: { id: '1', from: { id: 42 }, chat_instance: '1', data: 'yes' },
  },
  facebook: fixtureJson('facebook-webhook.json'),
  instagram: fixtureJson('instagram-webhook.json'),
  viber: fixtureJson('viber-conversation-started.json'),
  vk: fixtureJson('vk-message-new.json'),
  whatsapp: fixtureJson('whatsapp-messages.json'),
};

/** Values the parsers compare against, so replacements sometimes hit a meaningful branch. */
const VALUES = [
  ...[
    'page',
    'instagram',
    'whatsapp_business_account',
    'message_new',
    'conversation_started',
    'message',
    'text',
  ],
  ...[
    '/start',
    '/start@Bot 42',
    'GET_STARTED',
    'Hi ref:42',
    'ref:a+b',
    '{"command":"start"}',
    '{',
    42,
    -1,
    1.5,
  ],
  ...['', true, null, [], {}, { __proto__: null }, Number.MAX_SAFE_INTEGER + 2],
];

/**
 * `value` with random parts kept, dropped or replaced by anything at all: bodies that are
 * nearly right reach every branch of a parser, which purely random values never do.
 */
function mutated(value: unknown): fc.Arbitrary<unknown> {
  const replaced = fc.oneof(
    fc.anything({ withNullPrototype: true, withBoxedValues: true }),
    fc.constantFrom(...VALUES),
  );
  let kept: fc.Arbitrary<unknown>;
  if (Array.isArray(value)) {
    kept = fc.tuple(...value.map(mutated));
  } else if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value).map(([key, field]) => [key, mutated(field)] as const);
    kept = fc.record(Object.fromEntries(fields), { requiredKeys: [] });
  } else {
    kept = fc.constant(value);
  }
  return fc.oneof({ weight: 5, arbitrary: kept }, { weight: 1, arbitrary: replaced });
}

function isWellFormed(event: InboundEvent, channel: ChannelName): boolean {
  return (
    event.channel === channel &&
    typeof event.chatId === 'string' &&
    event.chatId !== '' &&
    (event.startParam === undefined || typeof event.startParam === 'string') &&
    (event.text === undefined || typeof event.text === 'string')
  );
}

describe('update parsers never throw', () => {
  for (const name of CHANNEL_NAMES) {
    it(`${name}: any input gives a list of well-formed events`, () => {
      const body = fc.oneof(
        fc.anything({ withNullPrototype: true, withBoxedValues: true }),
        mutated(SEEDS[name]),
      );
      fc.assert(
        fc.property(body, (input) => {
          const events = channels[name].parseUpdate(input);
          expect(Array.isArray(events)).toBe(true);
          for (const event of events) expect(isWellFormed(event, name)).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('survives a hostile object whose property reads throw', () => {
    const boom = () => {
      throw new Error('boom');
    };
    const hostile = new Proxy({}, { has: () => true, getOwnPropertyDescriptor: boom, get: boom });
    for (const name of CHANNEL_NAMES) expect(channels[name].parseUpdate(hostile)).toEqual([]);
  });
});
