import * as z from 'zod';
import { quote } from '../error.js';
import { HttpError } from './errors.js';

/** A channel name is a word such as `telegram`; the cap keeps a variable the script sees short. */
const CHANNEL_LIMIT = 64;

/** An idempotency key: the caller's id of the message, so a retried request is applied once. */
const messageId = z.string().min(1).max(256).exactOptional();

/**
 * `POST /conversations/:key/start`. The payload is passed on as it is: the engine owns the
 * short-key rules and refuses a broken one with a PayloadError (422), `__proto__` included.
 */
export const startBody = z.strictObject({
  startParam: z.string().exactOptional(),
  payload: z.unknown().exactOptional(),
  // No control characters: the channel lands in reports, CSV cells and database columns (PostgreSQL refuses NUL).
  channel: z
    .string()
    .max(CHANNEL_LIMIT)
    .regex(/^\P{Cc}*$/u)
    .exactOptional(),
  messageId,
});

/** `POST /conversations/:key/messages`. Overlong text is cut by the engine, with a diagnostic. */
export const messageBody = z.strictObject({ text: z.string(), messageId });

/** The named schemas of the JSON bodies the routes read, listed under `components.schemas` of `/openapi.json`. */
export const requestSchemas = z
  .registry<{ id: string; description: string }>()
  .add(startBody, { id: 'StartBody', description: 'How to start a conversation; `{}` starts without data.' })
  .add(messageBody, { id: 'MessageBody', description: 'A message to the conversation.' });

/** The body checked against `schema`, or a 400 whose message names the first problem. */
export function parseBody<Shape extends z.core.$ZodLooseShape>(
  schema: z.ZodObject<Shape, z.core.$strict>,
  value: unknown,
): z.output<z.ZodObject<Shape, z.core.$strict>> {
  const fields = Object.keys(schema.shape).join(', ');
  const result = schema.safeParse(value, { error: (issue) => describe(issue, fields) });
  if (result.success) return result.data;
  throw new HttpError('http.invalid-body', result.error.issues[0]?.message ?? 'the body is not valid');
}

/** One sentence per problem; a client's field name is quoted short, never echoed at length. */
function describe(issue: z.core.$ZodRawIssue, fields: string): string {
  const [name] = issue.path ?? [];
  if (name === undefined) {
    return issue.code === 'unrecognized_keys'
      ? `the body has the unknown field ${quote(issue.keys[0] ?? '')}; the fields are ${fields}`
      : 'the body must be a JSON object';
  }
  const field = quote(String(name));
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `the body needs the field ${field}`
        : `the field ${field} must be a ${issue.expected}`;
    case 'too_big':
      return `the field ${field} is longer than ${String(issue.maximum)} characters`;
    default:
      return `the field ${field} is not valid`;
  }
}
