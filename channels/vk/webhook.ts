import { randomInt } from 'node:crypto';
import type { OutgoingMessage } from '../../engine/index.js';
import type { WebhookAdapter, WebhookAnswer } from '../adapter.js';
import { at, text } from '../body.js';
import { sendEach, shortLabel } from '../outgoing.js';
import { sendToPlatform } from '../platform-api.js';
import { isSameSecret, readJson, REFUSED } from '../webhook-guard.js';
import { apiRootOption, requiredOption, versionOption } from '../webhook-options.js';

/*
 * VK's Callback API and messages.send:
 * - callbacks, confirmation, secret, the `ok` answer: dev.vk.com/en/api/callback/getting-started
 * - messages.send: dev.vk.com/method/messages.send
 * - keyboards: dev.vk.com/en/api/bots/development/keyboard
 * - API errors: dev.vk.com/reference/errors
 */

export interface VkWebhookOptions {
  /** The string the server must return to confirm its address (community → Manage → API usage → Callback API). */
  readonly confirmation: string;
  /** The secret key set on the same page; VK sends it in every callback. */
  readonly secret: string;
  /** A community access token with the `messages` right. */
  readonly accessToken: string;
  /** The community's id: callbacks for any other community are refused. */
  readonly groupId?: number;
  /** Default https://api.vk.com. */
  readonly apiRoot?: string;
  /** Default {@link VK_API_VERSION}. */
  readonly apiVersion?: string;
}

export const VK_API_ROOT = 'https://api.vk.com';
export const VK_API_VERSION = '5.199';

/** A keyboard holds at most 40 buttons in 10 rows; a label is cut at 40 characters, a payload at 255. */
const KEYBOARD_KEYS = 40;
const KEYBOARD_ROWS = 10;
const LABEL_LIMIT = 40;
const PAYLOAD_LIMIT = 255;

/** VK counts any other answer as a failed delivery and sends the callback again. */
const OK: WebhookAnswer = { status: 200, body: 'ok' };
const OTHER_COMMUNITY: WebhookAnswer = { status: 401, body: 'wrong group_id' };

/**
 * A webhook for a VK community's Callback API. The body must be JSON whose `secret` is the
 * configured secret (compared in constant time); the `confirmation` callback is answered with the
 * confirmation string; events are answered `ok`. Replies go through messages.send as a form
 * (the token in the form body, never in the URL), buttons as a one-time keyboard of text buttons.
 */
export function createVkWebhook(options: VkWebhookOptions): WebhookAdapter {
  const confirmation = requiredOption('vk', 'confirmation', options.confirmation);
  const secret = requiredOption('vk', 'secret', options.secret);
  const accessToken = requiredOption('vk', 'accessToken', options.accessToken);
  const url = `${apiRootOption('vk', options.apiRoot ?? VK_API_ROOT)}/method/messages.send`;
  const version = versionOption('vk', 'apiVersion', options.apiVersion ?? VK_API_VERSION, {
    pattern: /^\d{1,2}\.\d{1,4}$/,
    example: VK_API_VERSION,
  });
  const { groupId } = options;
  const send = (peerId: string, message: OutgoingMessage) => {
    const form = new URLSearchParams({
      peer_id: peerId,
      message: message.text,
      // VK drops a message whose random_id it saw lately, so each send needs a fresh one.
      random_id: String(randomInt(1, 2 ** 31)),
      v: version,
      access_token: accessToken,
    });
    if (groupId !== undefined) form.set('group_id', String(groupId));
    if (message.buttons && message.buttons.length > 0) {
      form.set('keyboard', JSON.stringify(keyboard(message.buttons)));
    }
    return sendToPlatform({
      api: 'the VK API',
      url,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      secrets: [accessToken, secret, confirmation],
      refusal: vkRefusal,
    });
  };
  return {
    channel: 'vk',
    accepted: OK,
    screen(request) {
      if (request.method !== 'POST') return REFUSED.method;
      const body = readJson(request.rawBody);
      if (!body) return REFUSED.notJson;
      if (!isSameSecret(at(body.value, 'secret'), secret)) return REFUSED.badSecret;
      if (groupId !== undefined && at(body.value, 'group_id') !== groupId) return OTHER_COMMUNITY;
      return at(body.value, 'type') === 'confirmation' ? { status: 200, body: confirmation } : undefined;
    },
    async deliver(handled) {
      await sendEach(handled, send);
      return OK;
    },
  };
}

/**
 * One text button a row, or more a row when there are over 10. The payload carries the whole
 * button text, since a label may be cut and the message VK sends back is the label.
 */
function keyboard(buttons: readonly string[]): object {
  const shown = buttons.slice(0, KEYBOARD_KEYS);
  const perRow = Math.ceil(shown.length / KEYBOARD_ROWS);
  const rows: object[][] = [];
  for (let i = 0; i < shown.length; i += perRow) {
    rows.push(shown.slice(i, i + perRow).map(textButton));
  }
  return { one_time: true, buttons: rows };
}

function textButton(button: string): object {
  const payload = JSON.stringify({ value: button });
  return {
    action: {
      type: 'text',
      label: shortLabel(button, LABEL_LIMIT),
      ...(payload.length <= PAYLOAD_LIMIT && { payload }),
    },
  };
}

/** VK answers HTTP 200 with `{ error: { error_code, error_msg } }` to a refused call, `{ response }` otherwise. */
function vkRefusal(answer: unknown): string | undefined {
  const error = at(answer, 'error');
  if (error !== undefined) {
    const code = at(error, 'error_code');
    const message = text(at(error, 'error_msg')) ?? 'no message';
    return typeof code === 'number' ? `error ${code}, ${message}` : message;
  }
  return at(answer, 'response') === undefined ? 'its answer carries no response' : undefined;
}
