import { at, eventId, id, items, text, withId } from './body.js';
import type { ChannelName, InboundEvent } from './types.js';
import { USER_REF_PREFIX } from './user-ref.js';

/*
 * Messenger and Instagram share Meta's webhook shape: `{ object, entry: [{ messaging: [event] }] }`
 * with one event per user action, several per body. References:
 * - messages: developers.facebook.com/docs/messenger-platform/reference/webhook-events/messages
 * - messaging_postbacks: developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_postbacks
 * - messaging_referrals: developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_referrals
 * - messaging_optins (checkbox plugin, Send to Messenger): developers.facebook.com/docs/messenger-platform/reference/webhook-events/messaging_optins
 * - ig.me referrals: developers.facebook.com/docs/messenger-platform/instagram/features/ig-me-links
 */

/**
 * The payload a page gives its Get Started button (set with the Messenger Profile API). Meta
 * lets the page choose it, so botflow needs one fixed value to tell "start" from a button press:
 * a Get Started postback without a referral (no `ref` in the link) starts with empty data.
 */
export const GET_STARTED_PAYLOAD = 'GET_STARTED';

type Reading = { readonly startParam: string } | { readonly text: string };

/** The Send API `recipient` for a chat id: `{ user_ref }` for a user_ref sender, else `{ id }`. */
export function recipientOf(chatId: string): { readonly id: string } | { readonly user_ref: string } {
  return chatId.startsWith(USER_REF_PREFIX)
    ? { user_ref: chatId.slice(USER_REF_PREFIX.length) }
    : { id: chatId };
}

/** The events of a webhook body whose `object` is `object` ("page" or "instagram"). */
export function parseMessagingWebhook(body: unknown, object: string, channel: ChannelName): InboundEvent[] {
  if (at(body, 'object') !== object) return [];
  return items(at(body, 'entry'))
    .flatMap((entry) => items(at(entry, 'messaging')))
    .flatMap((event) => readEvent(event, channel) ?? []);
}

function readEvent(event: unknown, channel: ChannelName): InboundEvent | undefined {
  const userRef = id(at(event, 'sender', 'user_ref')) ?? id(at(event, 'optin', 'user_ref'));
  const chatId =
    id(at(event, 'sender', 'id')) ?? (userRef === undefined ? undefined : `${USER_REF_PREFIX}${userRef}`);
  if (chatId === undefined) return undefined;
  const reading =
    readPostback(at(event, 'postback')) ??
    readReferral(at(event, 'referral')) ??
    readOptin(at(event, 'optin')) ??
    readMessage(at(event, 'message'));
  // A referral or an opt-in has no mid; its time tells one of a chat from the next.
  const messageId = eventId(
    text(at(event, 'message', 'mid')) ?? text(at(event, 'postback', 'mid')) ?? at(event, 'timestamp'),
  );
  return reading && withId({ channel, chatId, ...reading }, messageId);
}

/**
 * A postback is a tap on Get Started, a postback button, a persistent-menu item or an Instagram
 * ice breaker. A referral inside it means the conversation was opened from an m.me/ig.me link
 * with `ref`; that wins over the payload.
 */
function readPostback(postback: unknown): Reading | undefined {
  const ref = text(at(postback, 'referral', 'ref'));
  if (ref !== undefined) return { startParam: ref };
  const payload = text(at(postback, 'payload'));
  if (payload === GET_STARTED_PAYLOAD) return { startParam: '' };
  return payload === undefined ? undefined : { text: payload };
}

/**
 * A referral event: the user opened a link into a thread that already exists. One without `ref`
 * (a plain link, an ad without one) carries no data and is not a new start.
 */
function readReferral(referral: unknown): Reading | undefined {
  const ref = text(at(referral, 'ref'));
  return ref === undefined ? undefined : { startParam: ref };
}

/**
 * An opt-in from a plugin on the page's website: the Send to Messenger button tapped, or the
 * checkbox plugin ticked. Either starts, its `ref` (the plugin's `data-ref`) as the data. An
 * opt-in to marketing messages (`type: notification_messages`, or a change of its status) is
 * consent to be messaged later, not a conversation: it gives nothing.
 */
function readOptin(optin: unknown): Reading | undefined {
  if (typeof optin !== 'object' || optin === null || Array.isArray(optin)) return undefined;
  if (at(optin, 'type') !== undefined) return undefined;
  return { startParam: text(at(optin, 'ref')) ?? '' };
}

/**
 * A user's message: a quick reply's payload is the value the bot offered, so it wins over the
 * label text. Echoes are the page's own messages and attachments carry no text.
 */
function readMessage(message: unknown): Reading | undefined {
  if (at(message, 'is_echo') === true) return undefined;
  const value = text(at(message, 'quick_reply', 'payload')) ?? text(at(message, 'text'));
  return value === undefined ? undefined : { text: value };
}
