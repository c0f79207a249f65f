import * as z from 'zod';
import { CONVERSATION_STATUSES, INPUT_KINDS } from '../../engine/index.js';

/**
 * The named schemas of every answer the HTTP server gives: `/openapi.json` lists them under
 * `components.schemas`, by the id each is registered with, and refers to them from its routes.
 */
export const answerSchemas = z.registry<{ id: string; description: string }>();

const ISO_TIME = z.iso.datetime();

export const diagnosticAnswer = z
  .object({
    severity: z.enum(['error', 'warning', 'info']),
    code: z.string().describe('a stable code; docs/errors.md lists them all'),
    message: z.string(),
  })
  .register(answerSchemas, { id: 'Diagnostic', description: 'Something the turn noticed, with its code.' });

export const buttonAnswer = z
  .object({
    label: z.string(),
    value: z.string().describe("the choice's value as text, or its label when it has none"),
  })
  .register(answerSchemas, {
    id: 'Button',
    description: 'A choice the bot offers; a reply may send its label or its value.',
  });

export const inputAnswer = z
  .object({
    kind: z.enum(INPUT_KINDS),
    choices: z
      .array(buttonAnswer)
      .exactOptional()
      .describe('only for `choice`: the same objects as the buttons'),
    retriesLeft: z.int().min(0).describe('how many more bad replies before the ask gives up'),
  })
  .register(answerSchemas, { id: 'Input', description: 'What the bot waits for.' });

const turnFields = {
  messages: z.array(z.object({ text: z.string(), buttons: z.array(buttonAnswer).min(1).exactOptional() })),
  block: z.string().describe('the block the conversation stands at'),
  variables: z
    .record(z.string(), z.unknown())
    .describe('the variables the script lists under `expose:`; every one with `?variables=all`'),
  result: z.string().nullable(),
  diagnostics: z.array(diagnosticAnswer),
};

/** A turn: `input` only when the conversation waits for a reply (and its ask is still in the script). */
export const turnAnswer = z
  .discriminatedUnion('status', [
    z.object({
      ...turnFields,
      status: z.literal('waiting'),
      // Absent only when the stored block no longer waits: the script changed since (the next message starts afresh).
      input: inputAnswer.exactOptional(),
    }),
    z.object({ ...turnFields, status: z.enum(['ended', 'error']) }),
  ])
  .register(answerSchemas, {
    id: 'Turn',
    description: 'Where the conversation stands after a turn, and what the bot said in it.',
  });

const errorBody = z.object({ code: z.string(), message: z.string().describe('one clause, in lower case') });

export const errorAnswer = z
  .object({ error: errorBody })
  .register(answerSchemas, { id: 'Error', description: 'A refusal or a failure, with its stable code.' });

export const healthAnswer = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('ok') }),
    z.object({ status: z.literal('unavailable'), error: errorBody }),
  ])
  .register(answerSchemas, { id: 'Health', description: 'Whether the server and its store answer.' });

export const transcriptAnswer = z
  .object({
    messages: z.array(z.object({ from: z.enum(['user', 'bot']), text: z.string(), at: ISO_TIME })),
  })
  .register(answerSchemas, {
    id: 'Transcript',
    description: 'The last messages exchanged in the conversation, oldest first.',
  });

export const shortLinkAnswer = z
  .object({
    code: z.string(),
    url: z.url().describe('the short link'),
    links: z.record(z.string(), z.string()).describe('channel → invitation link'),
    qr: z.string().describe("the short link's QR code, as SVG"),
    expiresAt: ISO_TIME.nullable(),
  })
  .register(answerSchemas, { id: 'ShortLink', description: 'A short link made by `POST /links`.' });

const stopped = z.object(Object.fromEntries(CONVERSATION_STATUSES.map((status) => [status, z.int().min(0)])));

const funnelBlock = z.object({
  id: z.string(),
  type: z.string().nullable(),
  entered: z.int().min(0),
  stopped,
  dropOff: z.number().min(0).max(100).nullable(),
  edges: z.array(z.object({ edge: z.string(), target: z.string().nullable(), taken: z.int().min(0) })),
});

export const funnelAnswer = z
  .object({
    conversations: z.int().min(0),
    stopped,
    blocks: z.array(funnelBlock),
    retired: z.array(funnelBlock),
  })
  .register(answerSchemas, {
    id: 'Funnel',
    description: 'Blocks entered, ways out taken and where conversations stopped.',
  });

export const conversationRowsAnswer = z
  .array(
    z.object({
      key: z.string(),
      channel: z.string(),
      started: ISO_TIME.nullable(),
      updated: ISO_TIME,
      status: z.enum(CONVERSATION_STATUSES).nullable(),
      block: z.string(),
      result: z.string().nullable(),
      variables: z.record(z.string(), z.unknown()),
    }),
  )
  .register(answerSchemas, {
    id: 'ConversationRows',
    description: 'Every conversation the store holds, oldest update first (`format=json`).',
  });

export const linkRowsAnswer = z
  .array(
    z.object({
      id: z.string(),
      kind: z.enum(['short', 'token']),
      channels: z.array(z.string()),
      createdAt: ISO_TIME,
      expiresAt: ISO_TIME.nullable(),
      clicks: z.int().min(0),
    }),
  )
  .register(answerSchemas, {
    id: 'LinkRows',
    description: 'The short links and start tokens with their clicks, oldest first (`format=json`).',
  });

/** A report in a format other than JSON: CSV, NDJSON (a JSON object a line) or a text table. */
export const reportTextAnswer = z.string();

/** The page, redirect or image of a short link, or a webhook's answer in its messenger's terms. */
export const textAnswer = z.string();

/** An OpenAPI document: the answer of `GET /openapi.json`. */
export const openApiAnswer = z
  .looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) })
  .register(answerSchemas, { id: 'OpenApi', description: 'This document.' });
