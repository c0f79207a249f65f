import { GrammyError, HttpError } from 'grammy';
import { secretMasker, type Bot } from '../../engine/index.js';
import { errorForLog } from '../log.js';

/**
 * An error as a log field, with the bot's secrets (its env values) and the Telegram token masked
 * as `***`. grammY puts the token in every request URL, and a failed request's cause (node-fetch's
 * error, kept in `HttpError.error`) quotes that URL. A GrammyError's `payload` is left out: it
 * holds the users' messages.
 */
export function telegramErrorForLog(error: unknown, bot: Bot, token: string): Record<string, unknown> {
  const maskToken = secretMasker([token]);
  const redact = (text: string) => maskToken(bot.redact(text));
  return errorForLog(error, redact, {
    causeOf: (failed) => (failed instanceof HttpError ? failed.error : undefined),
    codeOf: (failed) => (failed instanceof GrammyError ? failed.error_code : undefined),
  });
}
