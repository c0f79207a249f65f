import type { Bot } from '../../engine/index.js';
import { handleWebhookUpdate, type WebhookAdapter } from '../adapter.js';
import { parseJson, readBody } from './body.js';
import * as z from 'zod';
import { errorAnswer, textAnswer } from './answers.js';
import { errorAnswerDoc, JSON_MEDIA, STORE_ERRORS, type AnswerDoc, type OperationDoc } from './docs.js';
import { notFound } from './errors.js';
import { webhookReply } from './reply.js';
import type { Handler, Route } from './routes.js';

/**
 * `GET|POST /webhooks/:channel`, one adapter per channel. The raw bytes go to `screen` before
 * anything parses them, because signatures are computed over exactly those bytes; only an update
 * the adapter lets through runs turns, and `deliver` sees them once they are stored. A store
 * that fails answers 503, so the messenger sends the update again.
 */
export function webhookRoute(bot: Bot, adapters: readonly WebhookAdapter[], bodyLimit: number): Route {
  const byChannel = new Map<string, WebhookAdapter>(adapters.map((adapter) => [adapter.channel, adapter]));
  const handle: Handler = async ({ request, param, query }) => {
    const adapter = byChannel.get(param);
    if (!adapter) throw notFound();
    const rawBody = await readBody(request, bodyLimit);
    const screened = adapter.screen({
      method: request.method ?? '',
      headers: request.headers,
      query,
      rawBody,
    });
    if (screened) return webhookReply(screened);
    const handled = await handleWebhookUpdate(bot, adapter, parseJson(rawBody));
    try {
      return webhookReply(await adapter.deliver(handled));
    } catch (error) {
      // The turns are stored: an error status would make the messenger send the update again.
      return { ...webhookReply(adapter.accepted), failure: error };
    }
  };
  return {
    pattern: '/webhooks/:channel',
    guarded: false,
    methods: { GET: handle, POST: handle },
    doc: {
      param: z
        .string()
        .min(1)
        .describe('the messenger: `telegram`, `facebook`, `instagram`, `viber`, `vk`, …'),
      operations: WEBHOOK_OPERATIONS,
    },
  };
}

/** An adapter's own answer: plain text (no messenger reads more than the status of a refusal). */
const adapterText = (description: string): AnswerDoc => ({
  description,
  content: { 'text/plain': textAnswer },
});

const WEBHOOK_OPERATIONS: Readonly<Record<'GET' | 'POST', OperationDoc>> = {
  GET: {
    summary: 'A messenger’s verification handshake (Meta’s `hub.challenge`)',
    tag: 'webhooks',
    answers: {
      200: adapterText('the challenge, echoed'),
      403: adapterText('the verify token is wrong'),
      404: errorAnswerDoc('`http.not-found`: the server has no adapter for this messenger'),
      405: adapterText('this messenger sends no GET'),
    },
  },
  POST: {
    summary: 'An update from a messenger, in its own format',
    description:
      'The raw body is checked by the adapter (signature or secret) before anything reads it; no API token is needed.',
    tag: 'webhooks',
    answers: {
      200: {
        description:
          'the adapter’s answer: text (`ok` for VK, its confirmation string), or JSON when it says so',
        content: { 'text/plain': textAnswer, [JSON_MEDIA]: z.unknown() },
      },
      400: {
        description: 'the update is not JSON: the adapter’s text, or `http.bad-json`',
        content: { 'text/plain': textAnswer, [JSON_MEDIA]: errorAnswer },
      },
      401: adapterText('the signature or secret is wrong'),
      404: errorAnswerDoc('`http.not-found`: the server has no adapter for this messenger'),
      413: errorAnswerDoc('`http.body-too-large`'),
      ...STORE_ERRORS,
    },
  },
};
