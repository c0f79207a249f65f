import * as z from 'zod';
import { KEY_LIMIT } from '../../engine/index.js';
import { errorAnswer } from './answers.js';

/** What one answer of an operation is: its description and, unless it is empty, its body by media type. */
export interface AnswerDoc {
  readonly description: string;
  readonly content?: Readonly<Record<string, z.ZodType>>;
  /** Headers it always carries that a client reads, by name, each with what it holds. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The groups `/openapi.json` lists operations under. */
export const TAGS = {
  conversations: 'Start conversations, send messages and read where they stand.',
  links: 'Short links to a bot on several messengers.',
  reports: 'Every conversation and the funnel, for the API token only.',
  webhooks: "The messengers' webhooks; each authenticates in its own way.",
  server: 'The server itself.',
} as const;

export type Tag = keyof typeof TAGS;

/** One method of a route, as `/openapi.json` describes it. */
export interface OperationDoc {
  readonly summary: string;
  readonly description?: string;
  readonly tag: Tag;
  /** The query parameters, each a property (optional ones may be left out). */
  readonly query?: z.ZodObject;
  /** The JSON body it reads; a schema registered in `requestSchemas`. */
  readonly body?: z.ZodType;
  /** By status. Every operation also has a default answer: an Error (a server-side failure). */
  readonly answers: Readonly<Record<number, AnswerDoc>>;
}

export interface RouteDoc {
  /** What the route's `:name` segment holds. */
  readonly param?: z.ZodString;
  /** By method, one for each of the route's handlers. */
  readonly operations: Readonly<Partial<Record<string, OperationDoc>>>;
}

export const JSON_MEDIA = 'application/json';

export function jsonAnswer(description: string, schema: z.ZodType): AnswerDoc {
  return { description, content: { [JSON_MEDIA]: schema } };
}

/** An error answer: `{ error: { code, message } }`, the codes it may carry named in `description`. */
export function errorAnswerDoc(description: string): AnswerDoc {
  return jsonAnswer(description, errorAnswer);
}

/** The answers every route that reads a JSON body may give about the body itself. */
export const BODY_ERRORS = {
  413: errorAnswerDoc('`http.body-too-large`: the body is over the limit'),
  415: errorAnswerDoc('`http.unsupported-media-type`: the body is not `application/json`'),
} as const;

export const STORE_ERRORS = {
  503: errorAnswerDoc(
    '`store.unavailable`: the session store cannot be reached (nothing was applied); `store.uncertain`: the write may have been applied',
  ),
} as const;

/** The `:key` of a conversation route. */
export const CONVERSATION_KEY = z
  .string()
  .min(1)
  .max(KEY_LIMIT)
  .describe(
    `the conversation key, percent-encoded (\`web%3A42\`): 1 to ${KEY_LIMIT} characters, no control characters`,
  );
