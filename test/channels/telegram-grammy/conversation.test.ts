import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { botflow } from '../../../channels/telegram/grammy.js';
import { createBot, encodePayload, loadScript } from '../../../engine/index.js';
import { grammyBot } from './helpers.js';
import { botOf, yaml } from '../../support/scripts.js';
import { FakeBotApi } from '../../support/fake-bot-api.js';
import { callbackUpdate, keyboard, REMOVE_KEYBOARD, sent, textUpdate } from '../../support/telegram.js';

let api: FakeBotApi;
beforeEach(async () => {
  api = await FakeBotApi.start();
});
afterEach(() => api.close());

const PIZZA = yaml`
  botflow: 1
  name: pizza
  blocks:
    size:
      type: ask
      text: 'Which size?'
      save: size
      choices: [{ label: Small }, { label: Large }]
      invalid: 'Please pick a size.'
      next: address
    address:
      type: ask
      text: 'Where to?'
      save: address
      next: done
    done: { type: end, text: 'A {{ size }} pizza goes to {{ address }}.', result: ordered }
`;

describe('botflow in a grammY bot', () => {
  it('starts the conversation from /start DATA and sends its messages with the keyboard', async () => {
    const engine = createBot({ script: await loadScript('scripts/client-identification.yaml') });
    const telegram = await grammyBot(api);
    telegram.use(botflow(engine));
    const data = encodePayload({ variables: { cl_data: 'John Smith 23' } });
    expect(data).toBe('eyJ2Ijp7ImNsX2RhdGEiOiJKb2huIFNtaXRoIDIzIn19');

    await telegram.handleUpdate(textUpdate(`/start ${data}`));
    expect(api.callsOf('sendMessage')).toEqual([
      sent('Hello, John Smith! Glad to see you again.'),
      sent('As a client of 23, you can open a credit line today.', keyboard('Tell me more', 'Not now')),
      // The turn shows buttons, so its last message leaves the keyboard up.
      sent('Have a nice day!'),
    ]);

    // A reply-keyboard press is the label as a text; the ended conversation starts afresh.
    await telegram.handleUpdate(textUpdate('Tell me more'));
    await telegram.handleUpdate(textUpdate('Anna'));
    expect(api.callsOf('sendMessage').slice(3)).toEqual([
      sent('Hello! What is your name?', REMOVE_KEYBOARD),
      sent('Nice to meet you, Anna!'),
      sent('Have a nice day!', REMOVE_KEYBOARD),
    ]);
  });

  it('repeats the keyboard with a bad reply and removes it once the question is answered', async () => {
    const telegram = await grammyBot(api);
    telegram.use(botflow(botOf(PIZZA)));
    for (const text of ['/start', 'Huge', 'large', 'Baker Street 221b']) {
      await telegram.handleUpdate(textUpdate(text));
    }
    expect(api.callsOf('sendMessage')).toEqual([
      sent('Which size?', keyboard('Small', 'Large')),
      sent('Please pick a size.', keyboard('Small', 'Large')),
      sent('Where to?', REMOVE_KEYBOARD),
      sent('A Large pizza goes to Baker Street 221b.', REMOVE_KEYBOARD),
    ]);
  });

  it('takes an inline button press as a reply and answers the callback query', async () => {
    const telegram = await grammyBot(api);
    telegram.use(botflow(botOf(PIZZA)));
    await telegram.handleUpdate(textUpdate('/start'));
    const press = callbackUpdate('Small');
    await telegram.handleUpdate(press);
    expect(api.callsOf('sendMessage').at(-1)).toEqual(sent('Where to?', REMOVE_KEYBOARD));
    expect(api.callsOf('answerCallbackQuery')).toEqual([{ callback_query_id: press.callback_query?.id }]);
  });

  it('sends a text over 4,096 characters as several messages, cut between words', async () => {
    const telegram = await grammyBot(api);
    telegram.use(
      botflow(
        botOf(yaml`
          botflow: 1
          name: echo
          blocks:
            listen: { type: ask, text: 'Say something long.', save: said, next: echo }
            echo: { type: end, text: 'You said: {{ said }}' }
        `),
      ),
    );
    const long = 'word '.repeat(819).trim(); // 4,094 characters
    await telegram.handleUpdate(textUpdate('/start'));
    await telegram.handleUpdate(textUpdate(long));

    const [first, second, ...rest] = api.callsOf('sendMessage').slice(1);
    expect(rest).toEqual([]);
    expect(String(first?.text).length).toBeLessThanOrEqual(4096);
    expect(`${String(first?.text)} ${String(second?.text)}`).toBe(`You said: ${long}`);
    expect(second?.reply_markup).toEqual(REMOVE_KEYBOARD);
  });
});
