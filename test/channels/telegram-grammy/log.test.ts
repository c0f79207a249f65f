import { GrammyError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { telegramErrorForLog } from '../../../channels/telegram/log.js';
import { botOf, yaml } from '../../support/scripts.js';
import { TOKEN } from '../../support/fake-bot-api.js';

const bot = botOf(
  yaml`
    botflow: 1
    name: bye
    blocks:
      bye: { type: end, text: 'Bye.' }
  `,
  { env: { CRM_TOKEN: 'crm-secret-9d81' } },
);

describe('telegramErrorForLog', () => {
  it('masks the token, also percent-encoded, and env secrets along the chain of causes', () => {
    const cause = new Error(`GET /bot${encodeURIComponent(TOKEN)}/getMe with crm-secret-9d81 failed`);
    const fields = telegramErrorForLog(
      new Error(`request to /bot${TOKEN}/getMe failed`, { cause }),
      bot,
      TOKEN,
    );
    expect(fields).toMatchObject({
      type: 'Error',
      message: 'request to /bot***/getMe failed',
      cause: { type: 'Error', message: 'GET /bot***/getMe with *** failed' },
    });
    expect(JSON.stringify(fields)).not.toContain(TOKEN.split(':')[1]);
  });

  it('gives the Bot API’s error code and leaves out the payload, which holds users’ messages', () => {
    const error = new GrammyError(
      "Call to 'sendMessage' failed!",
      { ok: false, error_code: 400, description: 'Bad Request: chat not found' },
      'sendMessage',
      { chat_id: 1, text: 'my card number is 4111 1111 1111 1111' },
    );
    const fields = telegramErrorForLog(error, bot, TOKEN);
    expect(fields).toMatchObject({
      type: 'GrammyError',
      code: 400,
      message: "Call to 'sendMessage' failed! (400: Bad Request: chat not found)",
    });
    expect(JSON.stringify(fields)).not.toContain('4111');
  });

  it('leaves the text alone when there is no token', () => {
    expect(telegramErrorForLog(new Error('no route'), bot, '')).toMatchObject({ message: 'no route' });
  });

  it('describes a thrown value that is not an Error', () => {
    expect(telegramErrorForLog(`lost ${TOKEN}`, bot, TOKEN)).toEqual({ type: 'string', message: 'lost ***' });
  });
});
