import type { OutgoingMessage } from '../../engine/index.js';
import type { HandledEvent, WebhookAdapter, WebhookAnswer } from '../adapter.js';
import { at, text } from '../body.js';
import { sendable, sendEach } from '../outgoing.js';
import { sendToPlatform } from '../platform-api.js';
import { isSignedWith, readJson, REFUSED, singleHeader } from '../webhook-guard.js';
import { apiRootOption, requiredOption } from '../webhook-options.js';

/*
 * Viber's REST Bot API:
 * - callbacks and their signature: developers.viber.com/docs/api/rest-bot-api/#callbacks
 * - the set-webhook check: creators.viber.com/docs/bots-api/getting-started/web-hooks
 * - the welcome message: creators.viber.com/docs/bots-api/resources/messaging/welcome-message
 * - keyboards: creators.viber.com/docs/bots-api/resources/messaging/keyboards
 */

export interface ViberWebhookOptions {
  /** The bot's authentication token (Viber Admin Panel, or the bot's "edit info" screen). */
  readonly authToken: string;
  /** The sender name shown on every message (Viber allows 28 characters). */
  readonly botName: string;
  /** The sender's avatar: a URL of an image under 100 KB. */
  readonly avatar?: string;
  /** Default https://chatapi.viber.com. */
  readonly apiRoot?: string;
}

export const VIBER_API_ROOT = 'https://chatapi.viber.com';

/** Keyboards are 6 columns wide: one button a row, or two a row when a long list would scroll. */
const KEYBOARD_WIDTH = 6;
const ONE_A_ROW_LIMIT = 12;

const RECEIVED: WebhookAnswer = { status: 200, body: '' };

/**
 * A webhook for a Viber bot. Every callback must carry X-Viber-Content-Signature, the hex
 * HMAC-SHA256 of the raw body keyed with the auth token. A `conversation_started` callback is
 * answered with the welcome message in the response body, because Viber lets a bot send nothing
 * else until the user writes; the turn's messages are joined into that one message (texts one
 * paragraph each, with the keyboard of the last message that has buttons). Any other reply goes
 * through send_message, buttons as a keyboard whose buttons reply with their own text.
 */
export function createViberWebhook(options: ViberWebhookOptions): WebhookAdapter {
  const authToken = requiredOption('viber', 'authToken', options.authToken);
  const sender = {
    name: requiredOption('viber', 'botName', options.botName),
    ...(options.avatar !== undefined && { avatar: options.avatar }),
  };
  const url = `${apiRootOption('viber', options.apiRoot ?? VIBER_API_ROOT)}/pa/send_message`;
  const send = (receiver: string, message: OutgoingMessage) =>
    sendToPlatform({
      api: 'the Viber API',
      url,
      headers: { 'Content-Type': 'application/json', 'X-Viber-Auth-Token': authToken },
      body: JSON.stringify({ receiver, ...viberMessage(sender, message) }),
      secrets: [authToken],
      refusal: viberRefusal,
    });
  return {
    channel: 'viber',
    accepted: RECEIVED,
    screen(request) {
      if (request.method !== 'POST') return REFUSED.method;
      const signature = singleHeader(request, 'x-viber-content-signature');
      if (!isSignedWith(authToken, request.rawBody, signature)) return REFUSED.badSignature;
      const body = readJson(request.rawBody);
      if (!body) return REFUSED.notJson;
      // Viber's check of a new webhook URL: it only needs a 200.
      return at(body.value, 'event') === 'webhook' ? RECEIVED : undefined;
    },
    async deliver(handled) {
      // Only conversation_started carries a start on Viber, and a callback carries one event.
      const opening = handled.find(isConversationStart);
      await sendEach(
        handled.filter((each) => each !== opening),
        send,
      );
      const welcome = opening && welcomeMessage(sender, opening.turn.messages);
      return welcome
        ? { status: 200, body: JSON.stringify(welcome), contentType: 'application/json' }
        : RECEIVED;
    },
  };
}

interface Sender {
  readonly name: string;
  readonly avatar?: string;
}

function isConversationStart(handled: HandledEvent): boolean {
  return handled.event.startParam !== undefined;
}

/** The turn's messages as the one welcome message, or undefined when there is nothing to say. */
function welcomeMessage(sender: Sender, messages: readonly OutgoingMessage[]): object | undefined {
  const said = sendable(messages);
  if (said.length === 0) return undefined;
  const buttons = said.findLast((message) => message.buttons !== undefined)?.buttons;
  return viberMessage(sender, {
    text: said.map((message) => message.text).join('\n\n'),
    ...(buttons && { buttons }),
  });
}

/** A send_message body without its receiver, which is also the shape of a welcome message. */
function viberMessage(sender: Sender, message: OutgoingMessage): object {
  return {
    type: 'text',
    sender,
    text: message.text,
    ...(message.buttons && message.buttons.length > 0 && { keyboard: keyboard(message.buttons) }),
  };
}

function keyboard(buttons: readonly string[]): object {
  const columns = buttons.length > ONE_A_ROW_LIMIT ? KEYBOARD_WIDTH / 2 : KEYBOARD_WIDTH;
  return {
    Type: 'keyboard',
    DefaultHeight: false,
    Buttons: buttons.map((button) => ({
      Columns: columns,
      Rows: 1,
      ActionType: 'reply',
      ActionBody: button,
      Text: button,
    })),
  };
}

/** Viber answers HTTP 200 with `{ status, status_message }`; status 0 is the only success. */
function viberRefusal(answer: unknown): string | undefined {
  const status = at(answer, 'status');
  if (status === 0) return undefined;
  if (typeof status !== 'number') return 'its answer carries no status';
  const message = text(at(answer, 'status_message'));
  return message === undefined ? `status ${status}` : `status ${status} (${message})`;
}
