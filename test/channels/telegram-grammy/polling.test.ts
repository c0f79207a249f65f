import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramBot } from '../../../channels/telegram/telegram-bot.js';
import { LogCapture } from './log-capture.js';
import { botOf, yaml } from '../../support/scripts.js';
import { FakeBotApi, TOKEN } from '../../support/fake-bot-api.js';
import { CHAT_ID, keyboard, REMOVE_KEYBOARD, sent, textUpdate } from '../../support/telegram.js';

let api: FakeBotApi;
beforeEach(async () => {
  api = await FakeBotApi.start();
});
afterEach(() => api.close());

describe('createTelegramBot with long polling', () => {
  it('answers updates as they arrive until stop()', async () => {
    const engine = botOf(yaml`
      botflow: 1
      name: yes-no
      blocks:
        agree:
          type: ask
          text: 'Shall we go on?'
          save: agreed
          choices: [{ label: 'Yes', value: true }, { label: 'No', value: false }]
          next: done
        done: { type: end, text: "{{ agreed ? 'Great!' : 'Maybe later.' }}" }
    `);
    const log = new LogCapture();
    const telegram = createTelegramBot(engine, TOKEN, { apiRoot: api.apiRoot, logger: log.logger });
    const polling = telegram.start();

    api.push(textUpdate('/start'));
    await api.waitFor('sendMessage', 1);
    const last = textUpdate('Yes');
    api.push(last);
    expect(await api.waitFor('sendMessage', 2)).toEqual([
      sent('Shall we go on?', keyboard('Yes', 'No')),
      sent('Great!', REMOVE_KEYBOARD),
    ]);

    await telegram.stop();
    await polling; // resolves once polling has ended
    expect(telegram.isRunning()).toBe(false);
    expect(api.callsOf('deleteWebhook')).toHaveLength(1);
    // stop() confirms the last update, so a restart does not handle it again.
    expect(api.callsOf('getUpdates').at(-1)).toEqual({ offset: last.update_id + 1, limit: 1 });
    expect(log.lines).toEqual([
      { level: 30, chat: String(CHAT_ID), block: 'agree', status: 'waiting', msg: 'turn' },
      { level: 30, chat: String(CHAT_ID), block: 'done', status: 'ended', msg: 'turn' },
    ]);
  });

  it('finishes the update in hand on stop() and leaves the rest of its batch for the next start', async () => {
    const engine = botOf(yaml`
      botflow: 1
      name: echo
      blocks:
        ask: { type: ask, text: 'Say something', save: said, next: echo }
        echo: { type: message, text: 'You said {{ said }}', next: ask }
    `);
    const telegram = createTelegramBot(engine, TOKEN, {
      apiRoot: api.apiRoot,
      logger: new LogCapture().logger,
    });
    const batch = [textUpdate('/start'), textUpdate('one'), textUpdate('two')];
    for (const update of batch) api.push(update);
    const polling = telegram.start();
    await api.waitFor('sendMessage', 1); // the first update is in hand
    await telegram.stop();
    await polling;

    const answered = api.callsOf('sendMessage').map(({ text }) => text);
    const restarted = createTelegramBot(engine, TOKEN, {
      apiRoot: api.apiRoot,
      logger: new LogCapture().logger,
    });
    const again = restarted.start();
    await api.waitFor('sendMessage', 5);
    await restarted.stop();
    await again;
    // Every update answered once across the two runs: none twice, none lost.
    expect([
      ...answered,
      ...api
        .callsOf('sendMessage')
        .slice(answered.length)
        .map(({ text }) => text),
    ]).toEqual(['Say something', 'You said one', 'Say something', 'You said two', 'Say something']);
  });
});
