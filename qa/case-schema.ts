import * as z from 'zod';
import { compilePattern, PATTERN_LIMIT } from '../engine/pattern.js';

/** One expected bot message: its exact text, or a part of it, a pattern, its buttons. */
const messageMatcher = z.union([
  z.string(),
  z
    .strictObject({
      text: z.string().optional(),
      contains: z.string().min(1).optional(),
      matches: z
        .string()
        .min(1)
        .max(PATTERN_LIMIT)
        // Refused when the file is read, with its position, not halfway through a replay.
        .refine((source) => typeof compilePattern(source) !== 'string', {
          error: (issue) => {
            const refused = compilePattern(String(issue.input));
            return typeof refused === 'string' ? refused : undefined;
          },
        })
        .optional(),
      buttons: z.array(z.string()).optional(),
    })
    .refine((m) => Object.keys(m).length > 0, {
      error: 'say what the message should be: text, contains, matches or buttons',
    }),
]);

const step = z.union([
  z.strictObject({ user: z.string().max(4096) }),
  /** One message, or a list for several in one turn; `[]` for silence. */
  z.strictObject({ bot: z.union([messageMatcher, z.array(messageMatcher).max(50)]) }),
]);

const mockResponse = z.union([
  z.strictObject({
    status: z.number().int().min(100).max(599).default(200),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.json().optional(),
    /** Answer after this many milliseconds (bounded: a replay must end). */
    delay: z.number().int().min(0).max(10_000).optional(),
  }),
  z.strictObject({ timeout: z.literal(true) }),
  z.strictObject({ network: z.literal(true) }),
]);

const mock = z.strictObject({
  match: z.strictObject({
    method: z.string().toUpperCase().optional(),
    /** Exact, or with `*` for any run of characters. */
    url: z.string().min(1),
    query: z.record(z.string(), z.string()).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** The request body contains this (objects match partially). */
    body: z.json().optional(),
  }),
  /** One answer, or a sequence: each call takes the next, the last repeats. */
  respond: z.union([mockResponse, z.array(mockResponse).min(1).max(100)]),
});

const start = z
  .strictObject({
    link: z.string().optional(),
    param: z.string().max(1024).optional(),
    payload: z.record(z.string(), z.unknown()).optional(),
    /** A raw channel update (webhook body) that starts the conversation; needs `channel`. */
    update: z.unknown().optional(),
    /** The bot's own username, for an update whose command names a bot (Telegram `/start@name`). */
    username: z.string().min(1).max(64).optional(),
    channel: z.string().optional(),
  })
  .refine((s) => ['link', 'param', 'payload', 'update'].filter((key) => key in s).length <= 1, {
    error: 'start takes one of link, param, payload or update',
  })
  .refine((s) => !('update' in s) || s.channel !== undefined, { error: 'start.update needs a channel' })
  .refine((s) => !('username' in s) || 'update' in s, { error: 'start.username goes with start.update' });

export const caseSchema = z.strictObject({
  name: z.string().min(1).max(200),
  start: start.optional(),
  env: z.record(z.string(), z.string()).optional(),
  /**
   * The link secrets this case's signed start values are checked with, newest first, in place of
   * BOTFLOW_LINK_SECRET: a test secret, so a case of a signed link replays anywhere.
   */
  linkSecrets: z.array(z.string().min(1).max(1024)).min(1).max(8).optional(),
  /** The fixed time `now` reads, as an ISO date. */
  clock: z.iso.datetime({ offset: true }).optional(),
  /**
   * Fixed draws by block id, each from 0 up to (not including) 1, in place of the conversation's
   * own: a random block with branches weighted 70/30 takes its first branch for a draw under 0.7.
   */
  draws: z.record(z.string(), z.number().min(0).lt(1)).optional(),
  http: z.array(mock).max(100).optional(),
  steps: z.array(step).max(500).default([]),
  expect: z
    .strictObject({
      status: z.enum(['waiting', 'ended', 'error']).optional(),
      result: z.string().nullable().optional(),
      block: z.string().optional(),
      /** Only the variables named are compared. */
      variables: z.record(z.string(), z.json()).optional(),
    })
    .optional(),
  /** A data table: the case runs once per row, with `${name}` replaced by the row's values. */
  each: z.array(z.record(z.string(), z.json())).min(1).max(1000).optional(),
});

/** A case file as read before its data tables are filled in: each case is checked after. */
export const caseFileOutline = z.strictObject({
  script: z.string().min(1),
  cases: z.array(z.record(z.string(), z.unknown())).min(1).max(1000),
});

export const caseFileSchema = z.strictObject({
  /** The script under test, relative to the case file. */
  script: z.string().min(1),
  cases: z.array(caseSchema).min(1).max(1000),
});

export type CaseFileData = z.output<typeof caseFileSchema>;
export type CaseData = z.output<typeof caseSchema>;
export type MessageMatcher = z.output<typeof messageMatcher>;
export type MockData = z.output<typeof mock>;
export type MockResponse = z.output<typeof mockResponse>;

/** The case format as a draft-07 JSON Schema (`botflow schema --cases`). */
export function casesJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(caseFileSchema.meta({ title: 'botflow test cases' }), {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
  });
}
