import { Bot as GrammyBot } from 'grammy';
import { TOKEN, type FakeBotApi } from '../../support/fake-bot-api.js';

/** A grammY bot on the fake Bot API, initialised (it has called getMe), with no handlers yet. */
export async function grammyBot(api: FakeBotApi): Promise<GrammyBot> {
  const telegram = new GrammyBot(TOKEN, { client: { apiRoot: api.apiRoot } });
  await telegram.init();
  return telegram;
}
