import { z } from 'zod';
import { blockId, duration, expression, template, variableName } from '../engine/script/fields.js';
import { defineBlock, type BlockIssue, type Source, type YamlPath } from './types.js';

/** `success`, `error`, `timeout`, `network`, a class (`4xx`) or an exact status (`404`). */
export const OUTCOME = /^(success|error|timeout|network|[1-5]xx|[1-5]\d\d)$/;
const outcome = z
  .string()
  .regex(OUTCOME, { error: 'an outcome is success, error, timeout, network, 4xx or 404' });

/** What a `save` expression sees of the response, beside the variables (DESIGN.md §3.4). */
export const RESPONSE_FIELDS = ['status', 'headers', 'body'] as const;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The Server Request block (DESIGN.md §3.4): calls an HTTP API, typically the CRM by
 * `clientExternalId`, saves parts of the answer and routes on the outcome. The most specific
 * outcome listed wins; `next` is the success default.
 *
 * ```yaml
 * lookup:
 *   type: request
 *   method: GET
 *   url: "{{ env.CRM_URL }}/clients/{{ clientExternalId }}"
 *   headers: { Authorization: "Bearer {{ env.CRM_TOKEN }}" }
 *   timeout: 5s
 *   retry: { attempts: 3, backoff: 300ms, on: [5xx, timeout, network] }
 *   save:
 *     product: body.order.product
 *   on:
 *     success: has-order
 *     "404": unknown-client
 *     error: crm-down
 * ```
 */
export const requestBlock = defineBlock({
  type: 'request',
  description: 'Calls an HTTP API (the CRM), saves parts of the answer and routes on the outcome.',
  schema: z.strictObject({
    type: z.literal('request'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
    url: template.min(1),
    query: z.record(z.string().min(1).max(256), template).optional(),
    headers: z
      .record(
        z.string().regex(HEADER_NAME, { error: 'a header name is a token such as X-Api-Key' }),
        template,
      )
      .optional(),
    body: z.json().optional(),
    form: z.record(z.string().min(1).max(256), template).optional(),
    timeout: duration(300_000).default(10_000),
    retry: z
      .strictObject({
        attempts: z.number().int().min(1).max(10).default(1),
        backoff: duration(60_000).default(300),
        on: z.array(outcome).min(1).default(['5xx', 'timeout', 'network']),
      })
      .optional(),
    save: z.record(variableName, expression).optional(),
    on: z.record(outcome, blockId).optional(),
    next: blockId.optional(),
  }),
  pauses: true,
  edges: (block) => [
    ...(block.next === undefined ? [] : [{ target: block.next, path: ['next'] }]),
    ...Object.entries(block.on ?? {}).map(([label, target]) => ({ target, label, path: ['on', label] })),
  ],
  sources: (block) => [
    { kind: 'template', text: block.url, path: ['url'] },
    ...templatesIn(block.query, ['query']),
    ...templatesIn(block.headers, ['headers']),
    ...templatesIn(block.form, ['form']),
    ...templatesIn(block.body, ['body']),
    ...Object.entries(block.save ?? {}).map(([name, text]) => ({
      kind: 'expression' as const,
      text,
      path: ['save', name],
      locals: RESPONSE_FIELDS,
    })),
  ],
  writes: (block) => Object.keys(block.save ?? {}),
  check: (block) => {
    const issues: BlockIssue[] = [];
    if (block.body !== undefined && block.form !== undefined) {
      issues.push({ path: ['form'], message: 'a request has a JSON body or a form, not both' });
    }
    if (
      (block.method === 'GET' || block.method === 'HEAD') &&
      (block.body !== undefined || block.form !== undefined)
    ) {
      issues.push({
        path: ['method'],
        message: `a ${block.method} request has no body`,
        hint: 'use POST, or query',
      });
    }
    return issues;
  },
});

export type RequestBlock = z.output<typeof requestBlock.schema>;

/** Every string leaf of a JSON value (or a map of templates) is a template. */
function templatesIn(value: unknown, path: YamlPath): Source[] {
  if (typeof value === 'string') return [{ kind: 'template', text: value, path }];
  if (Array.isArray(value)) return value.flatMap((item, i) => templatesIn(item, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => templatesIn(item, [...path, key]));
  }
  return [];
}
