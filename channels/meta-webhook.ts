import type { OutgoingMessage } from '../engine/index.js';
import type { WebhookAdapter, WebhookAnswer, WebhookRequest } from './adapter.js';
import { at, text } from './body.js';
import { recipientOf } from './meta-messaging.js';
import { sendEach, shortLabel } from './outgoing.js';
import { sendToPlatform } from './platform-api.js';
import { isSameSecret, isSignedWith, readJson, REFUSED, singleHeader } from './webhook-guard.js';
import { apiRootOption, requiredOption, versionOption } from './webhook-options.js';

/*
 * The webhook of Messenger and Instagram, which share Meta's webhook and Send API:
 * - verification and signatures: developers.facebook.com/docs/graph-api/webhooks/getting-started
 * - Send API: developers.facebook.com/docs/messenger-platform/reference/send-api
 * - quick replies: developers.facebook.com/docs/messenger-platform/send-messages/quick-replies
 *   (Instagram: developers.facebook.com/docs/messenger-platform/instagram/features/quick-replies)
 */

export interface MetaWebhookOptions {
  /** The app secret (App Dashboard → App settings → Basic); Meta signs every POST with it. */
  readonly appSecret: string;
  /** A string of your choice, typed into the app's webhook settings; Meta's GET handshake sends it back. */
  readonly verifyToken: string;
  /** The Page access token (for Instagram, of the Page linked to the account) that sends the replies. */
  readonly accessToken: string;
  /** Default https://graph.facebook.com; https://graph.instagram.com with an Instagram-login token. */
  readonly apiRoot?: string;
  /** The Graph API version in the URL (default {@link GRAPH_API_VERSION}). */
  readonly graphVersion?: string;
}

export type MetaChannel = 'facebook' | 'instagram';

export const GRAPH_API_ROOT = 'https://graph.facebook.com';
export const GRAPH_API_VERSION = 'v25.0';

/** Meta shows at most 13 quick replies and cuts a title at 20 characters. */
const QUICK_REPLY_LIMIT = 13;
const TITLE_LIMIT = 20;

const RECEIVED: WebhookAnswer = { status: 200, body: 'EVENT_RECEIVED' };

const API_NAMES: Readonly<Record<MetaChannel, string>> = {
  facebook: 'the Messenger Send API',
  instagram: 'the Instagram Send API',
};

/**
 * A webhook for Messenger or Instagram: answers Meta's GET handshake, refuses a POST whose
 * X-Hub-Signature-256 is not the app secret's, and replies through the Send API with the
 * access token in an `Authorization: Bearer` header (Graph API accepts it, and it keeps the token
 * out of URLs and access logs). Buttons become quick replies whose payload is the whole button
 * text, so a tap answers the script with exactly what it offered, however short the title.
 */
export function createMetaWebhook(channel: MetaChannel, options: MetaWebhookOptions): WebhookAdapter {
  const appSecret = requiredOption(channel, 'appSecret', options.appSecret);
  const verifyToken = requiredOption(channel, 'verifyToken', options.verifyToken);
  const accessToken = requiredOption(channel, 'accessToken', options.accessToken);
  const root = apiRootOption(channel, options.apiRoot ?? GRAPH_API_ROOT);
  const version = versionOption(channel, 'graphVersion', options.graphVersion ?? GRAPH_API_VERSION, {
    pattern: /^v\d{1,3}\.\d{1,3}$/,
    example: GRAPH_API_VERSION,
  });
  const send = (recipient: string, message: OutgoingMessage) =>
    sendToPlatform({
      api: API_NAMES[channel],
      url: `${root}/${version}/me/messages`,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
      body: JSON.stringify(sendApiMessage(recipient, message)),
      secrets: [accessToken, appSecret, verifyToken],
      refusal: graphError,
    });
  return {
    channel,
    accepted: RECEIVED,
    screen(request) {
      if (request.method === 'GET') return answerHandshake(request.query, verifyToken);
      if (request.method !== 'POST') return REFUSED.method;
      return screenNotification(request, appSecret);
    },
    async deliver(handled) {
      await sendEach(handled, send);
      return RECEIVED;
    },
  };
}

/** Meta's GET when the webhook is set up: the challenge goes back only with the right verify token. */
function answerHandshake(query: URLSearchParams, verifyToken: string): WebhookAnswer {
  const challenge = query.get('hub.challenge');
  if (query.get('hub.mode') !== 'subscribe' || challenge === null) return REFUSED.badVerifyToken;
  return isSameSecret(query.get('hub.verify_token'), verifyToken)
    ? { status: 200, body: challenge }
    : REFUSED.badVerifyToken;
}

/** A POST must carry `X-Hub-Signature-256: sha256=<hex HMAC of the raw body>` and be JSON. */
function screenNotification(request: WebhookRequest, appSecret: string): WebhookAnswer | undefined {
  const header = singleHeader(request, 'x-hub-signature-256');
  const signature = header?.startsWith('sha256=') ? header.slice('sha256='.length) : undefined;
  if (!isSignedWith(appSecret, request.rawBody, signature)) return REFUSED.badSignature;
  return readJson(request.rawBody) ? undefined : REFUSED.notJson;
}

function sendApiMessage(recipient: string, message: OutgoingMessage): object {
  const buttons = message.buttons?.slice(0, QUICK_REPLY_LIMIT) ?? [];
  const quickReplies = buttons.map((button) => ({
    content_type: 'text',
    title: shortLabel(button, TITLE_LIMIT),
    payload: button,
  }));
  return {
    recipient: recipientOf(recipient),
    messaging_type: 'RESPONSE',
    message: { text: message.text, ...(quickReplies.length > 0 && { quick_replies: quickReplies }) },
  };
}

/** Graph API errors: `{ error: { message, type, code } }` with a 4xx status. */
function graphError(answer: unknown): string | undefined {
  const error = at(answer, 'error');
  if (error === undefined) return undefined;
  return text(at(error, 'message')) ?? 'an error without a message';
}
