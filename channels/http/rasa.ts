import * as z from 'zod';
import { buttonChoices, isConversationKey, KEY_LIMIT, type Bot, type Turn } from '../../engine/index.js';
import { quote } from '../error.js';
import { answerSchemas } from './answers.js';
import { admitTalker, mayTalkAtAll, type TalkPolicy } from './auth.js';
import { readJson } from './body.js';
import { BODY_ERRORS, errorAnswerDoc, jsonAnswer, STORE_ERRORS } from './docs.js';
import { HttpError, unauthorized } from './errors.js';
import { jsonReply } from './reply.js';
import type { Route } from './routes.js';
import { parseBody, requestSchemas } from './schemas.js';

/**
 * Rasa's REST channel (docs/http-api.md, "Rasa REST channel"): the body and answer Rasa documents
 * for `POST /webhooks/rest/webhook`, so a REST client made for Rasa (a QA tool, a REST chat widget) talks to a
 * botflow script unchanged.
 */

/** Conversations of this channel are keyed `rest:<sender>`, apart from every messenger's. */
const KEY_PREFIX = 'rest:';

/** The sender Rasa assumes when a request names none; every such request shares one conversation. */
const DEFAULT_SENDER = 'default';

const SENDER_LIMIT = KEY_LIMIT - KEY_PREFIX.length;

/** The channel a conversation started here carries, as the `channel` variable. */
const CHANNEL = 'rest';

export const rasaMessageBody = z.strictObject({
  sender: z
    .string()
    .refine((sender) => isConversationKey(KEY_PREFIX + sender) && sender !== '', {
      error: `the field "sender" must be 1 to ${SENDER_LIMIT} characters without control characters`,
    })
    .exactOptional()
    .describe(
      `who is talking: the conversation is keyed \`rest:<sender>\`; "${DEFAULT_SENDER}" when left out`,
    ),
  message: z
    .string()
    .describe(
      'the user’s text, a button’s payload, or `/start DATA` to start from an invitation link’s data',
    ),
  metadata: z
    .looseObject(
      {
        start: z
          .string({ error: `the field ${quote('metadata.start')} must be a string` })
          .exactOptional()
          .describe('the invitation link’s data for the message `/start`'),
      },
      { error: 'the field "metadata" must be an object' },
    )
    .exactOptional()
    .describe('anything the client adds; only `start` is read'),
});
requestSchemas.add(rasaMessageBody, {
  id: 'RasaMessage',
  description: "A message in Rasa's REST channel shape.",
});

const rasaButton = z.strictObject({
  title: z.string().describe('the choice’s label, shown on the button'),
  payload: z.string().describe('what to send back as `message` to pick it: the choice’s value, or its label'),
});

/** Rasa's `BotMessage`, as botflow fills it: text, and buttons when the message has some. */
const rasaBotMessage = z.strictObject({
  recipient_id: z.string().describe(`the request's sender ("${DEFAULT_SENDER}" when it named none)`),
  text: z.string(),
  buttons: z.array(rasaButton).min(1).exactOptional(),
});
answerSchemas.add(rasaBotMessage, { id: 'RasaBotMessage', description: "One bot message in Rasa's shape." });

/** One element per message the bot said, in order; `[]` when it said nothing. */
export const rasaAnswer = z.array(rasaBotMessage);

type RasaAnswer = z.output<typeof rasaAnswer>;

/** `POST /webhooks/rest/webhook`: a start for `/start`, else the text as a reply; answers Rasa's list. */
export function rasaRoute(bot: Bot, bodyLimit: number, policy: TalkPolicy): Route {
  return {
    pattern: '/webhooks/rest/webhook',
    guarded: true,
    // The key is in the body: who may talk is decided once it is read.
    talks: true,
    doc: {
      operations: {
        POST: {
          summary: "Send a message through Rasa's REST channel",
          description:
            "Rasa's REST channel (docs/rasa.md): the conversation is `rest:<sender>`; `/start DATA`, or `/start` with `metadata.start`, starts it from an invitation link's data; any other message is a reply.",
          tag: 'conversations',
          body: rasaMessageBody,
          answers: {
            200: jsonAnswer("Rasa's list: one element per message the bot said, in order", rasaAnswer),
            400: errorAnswerDoc(
              '`http.bad-json`, `http.invalid-body`: the body is not `{ sender?, message, metadata? }`; `http.weak-key`: a public chat’s sender is too short to be unguessable',
            ),
            401: errorAnswerDoc('`http.unauthorized`: an API token is set and the request lacks it'),
            409: errorAnswerDoc(
              '`conversation.busy`, `conversation.conflict`: nothing was applied; try again',
            ),
            413: errorAnswerDoc(
              '`http.body-too-large`; `variables.too-many`, `variables.too-large` from the start data',
            ),
            415: BODY_ERRORS[415],
            ...STORE_ERRORS,
          },
        },
      },
    },
    methods: {
      POST: async ({ request }) => {
        // The key is in the body: a caller who may talk in none is refused before it is read.
        if (!mayTalkAtAll(policy, request.headers.authorization)) throw unauthorized();
        const body = parseBody(rasaMessageBody, await readJson(request, bodyLimit));
        const sender = body.sender ?? DEFAULT_SENDER;
        const key = KEY_PREFIX + sender;
        admitTalker(policy, request.headers.authorization, key, 'sender');
        const startParam = startData(body.message, body.metadata?.start);
        const turn =
          startParam === undefined
            ? await bot.send(key, body.message)
            : await bot.start(key, { channel: CHANNEL, ...(startParam !== '' && { startParam }) });
        return jsonReply(200, rasaMessages(sender, turn));
      },
    },
  };
}

/** `/start`, then optionally white space and the link's data, as a Telegram deep link sends it. */
const START_COMMAND = /^\/start(?:\s+([\s\S]*))?$/;

/**
 * The start data when `message` is the `/start` command ('' for none), or undefined for any other
 * text, which is a reply. The data follows the command or comes as `metadata.start`; given both
 * ways, neither is guessed at.
 */
function startData(message: string, fromMetadata: string | undefined): string | undefined {
  const match = START_COMMAND.exec(message.trim());
  if (!match) return undefined;
  const inline = match[1] ?? '';
  if (inline !== '' && fromMetadata !== undefined) {
    throw new HttpError(
      'http.invalid-body',
      'give the start data either after /start or as "metadata.start", not both',
    );
  }
  return inline === '' ? (fromMetadata ?? '') : inline;
}

/**
 * A turn as Rasa's answer: one element per message, each button's payload the value of the choice
 * it shows (the label when the turn names no such choice), which sent back as `message` picks it.
 */
export function rasaMessages(sender: string, turn: Turn): RasaAnswer {
  return turn.messages.map(({ text, buttons = [] }) => ({
    recipient_id: sender,
    text,
    ...(buttons.length > 0 && {
      buttons: buttonChoices(buttons, turn.input).map(({ label, value }) => ({
        title: label,
        payload: value,
      })),
    }),
  }));
}
