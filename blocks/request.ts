import * as z from 'zod';
import {
  blockId,
  type CodeInfo,
  type BlockIssue,
  type BlockPort,
  connectedPorts,
  type NewWay,
  type Code,
  compileExpression,
  compileTemplate,
  type DataLimits,
  defineBlock,
  duration,
  evaluateSinglePlaceholder,
  expression,
  type HttpOutcome,
  type HttpRequest,
  isSinglePlaceholder,
  MAX_DATA_DEPTH,
  outcomeNames,
  renderTemplate,
  type Source,
  type BlockStep,
  template,
  type Template,
  type PlaceholderPart,
  toBoundedData,
  toText,
  tryRenderTemplate,
  type Value,
  variableName,
  NUMBER,
  typeOf,
  UNKNOWN,
  type ValueType,
  type YamlPath,
} from '../engine/block-api/index.js';

/** The request block's own codes; docs/errors.md lists them with the engine's. */
const REQUEST_CODES = {
  'block.request': {
    from: 'load',
    severity: 'error',
    meaning: 'A request block has both `body` and `form`, or a body on a GET or HEAD.',
    fix: 'Keep one kind of body, or use POST.',
  },
  'request.status': {
    from: 'turn',
    meaning:
      'A request was answered with a status outside 2xx: a warning when `on` routes it, an error when nothing does.',
    fix: 'Route the status with `on` (`404`, `4xx`, `error`), or fix the server or the request.',
  },
  'request.timeout': {
    from: 'turn',
    meaning:
      'A request got no answer within its `timeout`: a warning when `on` routes it, an error when nothing does.',
    fix: 'Route `on.timeout` (or `error`), raise `timeout`, or add `retry`.',
  },
  'request.network': {
    from: 'turn',
    meaning:
      'A request could not connect (DNS, refused, reset): a warning when `on` routes it, an error when nothing does.',
    fix: 'Route `on.network` (or `error`), check the url and the network, or add `retry`.',
  },
  'request.limit': {
    from: 'turn',
    meaning:
      'botflow refused a request or its answer (a private address, a cross-origin redirect, an answer too large or deep): a warning when `on` routes it, an error when nothing does.',
    fix: 'Route `on.limit` (or `error`); allow a private host with `allowHosts` (`--allow-host`) when it is yours.',
  },
  'request.bad-url': {
    from: 'turn',
    meaning:
      'A request’s url, once rendered, is not a safe http(s) URL, so it was not sent (a `limit` failure): a warning when `on` routes it, an error when nothing does.',
    fix: 'Check the values the url’s placeholders read.',
  },
  'request.bad-header': {
    from: 'turn',
    meaning:
      'A request header, once rendered, would hold a line break or a character a header cannot carry, so it was not sent (a `limit` failure): a warning when `on` routes it, an error when nothing does.',
    fix: 'Check the values the header’s placeholders read.',
  },
  'request.body-not-kept': {
    from: 'turn',
    severity: 'warning',
    meaning: 'An answer’s body is too large to keep as `response.body` for later blocks; it is empty there.',
    fix: 'Take what later blocks need with `save`.',
  },
  'request.save-failed': {
    from: 'turn',
    meaning:
      'A `save` expression could not be evaluated on the answer: a warning, and that variable was not set; in strict mode an error, and the conversation went to `on_error` or ended with status `error`.',
    fix: 'Guard the expression against the answers the server may send.',
  },
} as const satisfies Readonly<Record<string, CodeInfo>>;

/** The codes only the request block reports. */
export type RequestCode = keyof typeof REQUEST_CODES;

declare module '../engine/block-api/index.js' {
  interface BlockCodes extends Record<RequestCode, true> {}
}

/** `success`, `error`, `timeout`, `network`, `limit`, a class (`4xx`) or an exact status (`404`). */
export const OUTCOME = /^(success|error|timeout|network|limit|[1-5]xx|[1-5]\d\d)$/;
const OUTCOME_ERROR = 'an outcome is success, error, timeout, network, limit, 4xx or 404';
const outcome = z.string().regex(OUTCOME, { error: OUTCOME_ERROR });
/** A `retry.on` item: YAML reads an unquoted status (`on: [429]`) as a number, which is fine too. */
const retryOutcome = z.coerce
  .string()
  .regex(OUTCOME, { error: OUTCOME_ERROR })
  .refine((name) => name !== 'success', { error: 'success is never retried' })
  .refine((name) => name !== 'limit', {
    error: 'limit is never retried: the same request would be refused again',
  });

/** What a `save` expression sees of the response, beside the variables (docs/script-language.md, "request"). */
export const RESPONSE_FIELDS = ['status', 'headers', 'body'] as const;

/** Their types: the body is the server's, unknown until the designer says what a variable holds. */
const RESPONSE_TYPES: Readonly<Record<(typeof RESPONSE_FIELDS)[number], ValueType>> = {
  status: NUMBER,
  headers: typeOf('object'),
  body: UNKNOWN,
};

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const schema = z.strictObject({
  type: z.literal('request'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
  url: template.min(1),
  query: z.record(z.string().min(1).max(256), template).optional(),
  headers: z
    .record(z.string().regex(HEADER_NAME, { error: 'a header name is a token such as X-Api-Key' }), template)
    .optional(),
  body: z.json().optional(),
  form: z.record(z.string().min(1).max(256), template).optional(),
  timeout: duration(300_000)
    .refine((ms) => ms > 0, { error: 'a timeout must be longer than 0' })
    .default(10_000),
  retry: z
    .strictObject({
      attempts: z.number().int().min(1).max(10).default(1),
      backoff: duration(60_000).default(300),
      on: z.array(retryOutcome).min(1).default(['5xx', 'timeout', 'network']),
    })
    .optional(),
  save: z.record(variableName, expression).optional(),
  on: z.record(outcome, blockId).optional(),
  next: blockId.optional(),
});

export type RequestBlock = z.output<typeof schema>;

function ports(block: RequestBlock): BlockPort[] {
  return [
    { path: ['next'], label: '', target: block.next },
    ...Object.entries(block.on ?? {}).map(([outcome, target]) => ({
      path: ['on', outcome],
      label: outcome,
      target,
      way: ['on', outcome],
    })),
  ];
}

/** The outcomes offered, in this order, when the designer adds one without naming it. */
const NEW_OUTCOMES = ['error', 'timeout', '404', 'network', '4xx', '5xx', 'limit', 'success'];

function newOutcome(block: RequestBlock, name: string | undefined): NewWay | string {
  const taken = new Set(Object.keys(block.on ?? {}));
  const outcome = name ?? NEW_OUTCOMES.find((candidate) => !taken.has(candidate));
  if (outcome === undefined) return 'every outcome is routed already';
  if (!OUTCOME.test(outcome)) return `"${outcome}" is no outcome: ${OUTCOME_ERROR}`;
  if (taken.has(outcome)) return `the outcome ${outcome} is routed already`;
  return { path: ['on', outcome], value: null, port: ['on', outcome] };
}

/**
 * The Server Request block (docs/script-language.md, "request"): calls an HTTP API, typically the CRM by
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
  schema,
  shape: 'call',
  codes: REQUEST_CODES,
  pauses: true,
  skeleton: { type: 'request', method: 'GET', url: 'https://example.com/' },
  edges: (block) => connectedPorts(ports(block)),
  ports,
  adds: ['outcome'],
  newWay: (block, _kind, name) => newOutcome(block, name),
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
  writes: (block) =>
    Object.entries(block.save ?? {}).map(([name, text]) => ({
      name,
      path: ['save', name],
      value: { expression: text, locals: RESPONSE_TYPES },
      how: `saves ${text}`,
    })),
  check: (block) => {
    const issues: BlockIssue[] = [];
    if (block.body !== undefined && block.form !== undefined) {
      issues.push({
        code: 'block.request',
        path: ['form'],
        message: 'a request has a JSON body or a form, not both',
      });
    }
    if (
      (block.method === 'GET' || block.method === 'HEAD') &&
      (block.body !== undefined || block.form !== undefined)
    ) {
      issues.push({
        code: 'block.request',
        path: ['method'],
        message: `a ${block.method} request has no body`,
        hint: 'use POST, or query',
      });
    }
    return issues;
  },
  compile: (block, tools) => {
    const url = compileTemplate(block.url);
    const query = compileMap(block.query);
    const headers = compileMap(block.headers);
    const form = block.form === undefined ? undefined : compileMap(block.form);
    const body = block.body === undefined ? undefined : compileJson(block.body);
    const save = Object.entries(block.save ?? {}).map(([name, source]) => ({
      name,
      source,
      value: compileExpression(source),
    }));
    const retry = block.retry ?? { attempts: 1, backoff: 0, on: [] };
    return {
      enter: () => undefined,
      call: {
        request: (step) => {
          const target = renderUrl(step, url, query);
          if (typeof target === 'string') {
            refuse(step, block, 'request.bad-url', target, tools.onError);
            return undefined;
          }
          const rendered = Object.entries(headers).map(
            ([name, value]) => [name, step.render(value)] as const,
          );
          // What Node refuses to send in a header: control characters and anything past Latin-1.
          const broken = rendered.find(([, value]) => /[^\t\x20-\x7e\x80-\xff]/.test(value));
          if (broken) {
            const what = /[\r\n]/.test(broken[1])
              ? 'a line break'
              : 'a character a header cannot carry (a control character, or one past Latin-1)';
            refuse(
              step,
              block,
              'request.bad-header',
              `header ${broken[0]} would contain ${what}`,
              tools.onError,
            );
            return undefined;
          }
          return {
            method: block.method,
            url: target.href,
            headers: Object.fromEntries(rendered),
            ...(body !== undefined && { json: body(step) }),
            ...(form !== undefined && {
              form: Object.fromEntries(
                Object.entries(form).map(([name, value]) => [name, step.render(value)]),
              ),
            }),
            timeoutMs: block.timeout,
            retry: { attempts: retry.attempts, backoffMs: retry.backoff, on: retry.on },
          } satisfies HttpRequest;
        },
        outcome: (step, answered) => {
          // Variables already over the limits (an earlier block this turn) are not the answer's
          // doing: the turn-end check ends the conversation for them, as after any block.
          const overBefore = step.overLimits() !== undefined;
          const { outcome, answer, bodyLeftOut } = takeIn(answered);
          const beforeAnswer = step.savepoint();
          if (answer) {
            if (bodyLeftOut !== undefined)
              step.note(
                'warning',
                'request.body-not-kept',
                `the response body ${bodyLeftOut}, so response.body is empty`,
              );
            step.set('response', keptResponse(step, answer));
            if (isSuccess(answer.status)) {
              step.expose({ status: answer.status, headers: answer.headers, body: answer.body });
              for (const { name, source, value } of save) {
                const result = step.evaluate(value);
                if (result.ok) {
                  step.set(name, result.value);
                  continue;
                }
                const why = `save ${name}: "${source}" could not be evaluated (${result.message})`;
                if (step.failStrictly('request.save-failed', why)) return;
                step.note('warning', 'request.save-failed', why);
              }
            }
          } else {
            step.set('response', { status: 0, body: '', error: outcome.kind });
          }
          // An answer too large to keep is the server's doing, so a failure to route, like one too deep.
          const breach = overBefore ? undefined : step.overLimits();
          if (breach) {
            beforeAnswer();
            step.set('response', { status: 0, body: '', error: 'limit' });
            route(
              step,
              block,
              {
                kind: 'limit',
                message: `saving the answer would leave the conversation with ${breach.what}`,
              },
              tools.onError,
            );
            return;
          }
          route(step, block, outcome, tools.onError);
        },
      },
    };
  },
});

/**
 * What is taken in of an answer, as engine data: nesting at most MAX_RESPONSE_DEPTH deep, at most
 * MAX_RESPONSE_VALUES list items and object members. Past them the answer is the failure `limit`.
 */
export const MAX_RESPONSE_DEPTH = MAX_DATA_DEPTH;
export const MAX_RESPONSE_VALUES = 100_000;
const RESPONSE_LIMITS: DataLimits = { maxDepth: MAX_RESPONSE_DEPTH, maxValues: MAX_RESPONSE_VALUES };

/** An answer as `save` and later blocks read it. */
interface Answer {
  readonly status: number;
  readonly headers: Value;
  readonly body: Value;
}

/** An outcome with its answer taken in, and why the answer's body was left out, if it was. */
interface TakenIn {
  readonly outcome: HttpOutcome;
  readonly answer?: Answer;
  readonly bodyLeftOut?: string;
}

/**
 * An outcome with its answer taken in as engine data. A 2xx answer the engine cannot take in (too
 * deep, too many values) becomes the failure `limit`, routed like any other: nothing a server
 * sends may fail the turn. Any other answer keeps its status, so `on: { 503: … }` still routes it:
 * its body is never saved, so one past the bounds (or the client's size cap) is left out (`''`),
 * and its headers are not read.
 */
function takeIn(outcome: HttpOutcome): TakenIn {
  if (outcome.kind !== 'response') return { outcome };
  const body = toBoundedData(outcome.body, RESPONSE_LIMITS);
  if (!isSuccess(outcome.status)) {
    const answer = { status: outcome.status, headers: {}, body: body.ok ? body.value : '' };
    const bodyLeftOut = outcome.bodyLeftOut ?? (body.ok ? undefined : body.reason);
    return bodyLeftOut === undefined ? { outcome, answer } : { outcome, answer, bodyLeftOut };
  }
  if (!body.ok) return { outcome: { kind: 'limit', message: `the answer ${body.reason}` } };
  const headers = toBoundedData(outcome.headers, RESPONSE_LIMITS);
  if (!headers.ok) return { outcome: { kind: 'limit', message: `the answer's headers ${headers.reason}` } };
  return { outcome, answer: { status: outcome.status, headers: headers.value, body: body.value } };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** What the diagnostics of a failed request say: their code, and why, routed or not. */
interface FailureNote {
  readonly code: Code;
  readonly unrouted: string;
  readonly routed: (target: string) => string;
}

const FAILURE_CODES = {
  response: 'request.status',
  timeout: 'request.timeout',
  network: 'request.network',
  limit: 'request.limit',
} as const satisfies Record<HttpOutcome['kind'], Code>;

function failureNote(outcome: HttpOutcome): FailureNote {
  const what = outcome.kind === 'response' ? `the server answered ${outcome.status}` : outcome.message;
  return {
    code: FAILURE_CODES[outcome.kind],
    unrouted: `the request failed: ${what}`,
    routed: (target) => `the request failed (${what}); going on at "${target}"`,
  };
}

function route(
  step: BlockStep,
  block: RequestBlock,
  outcome: HttpOutcome,
  onError: string,
  failure: FailureNote = failureNote(outcome),
): void {
  const names = outcomeNames(outcome);
  const routed = names.find((name) => block.on?.[name] !== undefined);
  const failed = !names.includes('success');
  const target = routed === undefined ? undefined : block.on?.[routed];
  if (target !== undefined) {
    // A routed failure is the script's business, but the designer still wants to see why.
    if (failed) step.note('warning', failure.code, failure.routed(target));
    step.go(target, ['on', routed ?? '']);
  } else if (!failed) {
    step.goNext(block.next);
  } else {
    step.fail(failure.code, failure.unrouted, onError);
  }
}

/**
 * A request that is not sent (its url or a header would be unsafe) is a failure like any other
 * (docs/script-language.md, "request", `error`: any failure): routed as our own limit, with its own code and reason.
 */
function refuse(step: BlockStep, block: RequestBlock, code: Code, reason: string, onError: string): void {
  step.set('response', { status: 0, body: '', error: 'limit' });
  route(step, block, { kind: 'limit', message: reason }, onError, {
    code,
    unrouted: reason,
    routed: (target) => `${reason}; the request was not sent, going on at "${target}"`,
  });
}

/** Kept for later blocks as `response` (and so stored): status and body, the body only while it is small. */
export const KEPT_BODY_LIMIT = 4096;

function keptResponse(step: BlockStep, answer: Answer): Value {
  if (JSON.stringify(answer.body).length <= KEPT_BODY_LIMIT)
    return { status: answer.status, body: answer.body };
  step.note(
    'warning',
    'request.body-not-kept',
    `the response body is over ${KEPT_BODY_LIMIT} characters, so response.body is empty in later blocks; save what you need`,
  );
  return { status: answer.status, body: '' };
}

function compileMap(map: Readonly<Record<string, string>> | undefined): Record<string, Template> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([name, text]) => [name, compileTemplate(text)]));
}

/** A JSON body whose string leaves are templates; a leaf that is one placeholder keeps its type. */
function compileJson(value: unknown): (step: BlockStep) => unknown {
  if (typeof value === 'string') {
    const leaf = compileTemplate(value);
    if (isSinglePlaceholder(leaf)) {
      return (step) => {
        const result = evaluateSinglePlaceholder(leaf, step.scope());
        if (result.ok) return result.value;
        step.note('warning', 'template.failed', `a placeholder could not be rendered: ${result.message}`);
        return '';
      };
    }
    return (step) => step.render(leaf);
  }
  if (Array.isArray(value)) {
    const items = value.map(compileJson);
    return (step) => items.map((item) => item(step));
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => [key, compileJson(item)] as const);
    return (step) => Object.fromEntries(entries.map(([key, item]) => [key, item(step)]));
  }
  return () => value;
}

/** A value as one URL path piece: everything but unreserved characters percent-encoded. */
function encodePathValue(value: Value): string {
  return encodeURIComponent(toText(value));
}

/**
 * The request URL (docs/expressions.md, "Templates"): each placeholder's value percent-encoded, so user text can
 * never change the host or the path's structure, except a placeholder that starts the url, which
 * supplies the base and must be an absolute http(s) URL. A value that is `.` or `..` is refused:
 * URL parsers resolve such a segment, which would climb the path. Returns the URL or the reason.
 */
function renderUrl(step: BlockStep, url: Template, query: Readonly<Record<string, Template>>): URL | string {
  const scope = step.scope();
  const [first, ...rest] = url.parts;
  let base = '';
  let tail: Template = url;
  if (first?.kind === 'placeholder') {
    const value = evaluateSinglePlaceholder({ source: '', parts: [first] }, scope);
    base = value.ok ? toText(value.value) : '';
    const wrong = value.ok
      ? baseProblem(base, first)
      : `${placeholderName(first)} could not be evaluated (${value.message})`;
    if (wrong !== undefined) return `the url "${shortened(url.source)}" ${wrong}`;
    tail = { source: url.source, parts: rest };
  }
  const dotSegments: string[] = [];
  const escape = (value: Value) => {
    const text = toText(value);
    if (text === '.' || text === '..') dotSegments.push(text);
    return encodePathValue(value);
  };
  const tried = tryRenderTemplate(tail, scope, escape);
  if (!tried.ok)
    step.note('warning', 'template.failed', `a placeholder could not be rendered: ${tried.message}`);
  const path = tried.ok ? tried.text : renderTemplate(tail, scope, escape);
  if (dotSegments.length > 0) return 'a value in the url is "." or "..", which would change the path';
  const text = base + path;
  if (!URL.canParse(text))
    return `the url "${shortened(url.source)}" renders as "${text.slice(0, 200)}", which is not a valid URL`;
  const target = new URL(text);
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    return `only http and https URLs are allowed, not ${target.protocol}`;
  for (const [name, value] of Object.entries(query)) target.searchParams.append(name, step.render(value));
  return target;
}

/**
 * Why the value of the placeholder that starts a url is no base for it, naming the placeholder
 * (`env.CRM_URL`), or undefined when it is an absolute http(s) URL. The reason never needs the
 * value: an env value is a secret, which every output masks; another value is quoted as well.
 */
function baseProblem(base: string, placeholder: PlaceholderPart): string | undefined {
  const name = placeholderName(placeholder);
  const value = readsEnv(placeholder) ? '' : ` (it is "${shortened(base)}")`;
  const must = `${name} must be an absolute URL starting with http:// or https://${value}`;
  if (base.trim() === '') return `starts with ${name}, which is empty: ${must}`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(base)?.[1];
  if (scheme === undefined) return `renders without a scheme: ${must}`;
  if (!/^https?$/i.test(scheme)) return `renders with the scheme ${scheme}, not http or https: ${must}`;
  if (!/^https?:\/\//i.test(base) || !URL.canParse(base)) return `does not render a valid URL: ${must}`;
  return undefined;
}

/** How a message names a placeholder: its expression as written (`env.CRM_URL`). */
function placeholderName(placeholder: PlaceholderPart): string {
  return shortened(placeholder.expression.source.trim());
}

function readsEnv(placeholder: PlaceholderPart): boolean {
  return placeholder.expression.variables.includes('env');
}

/** Text quoted in a message: at most 100 characters. */
function shortened(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/** Every string leaf of a JSON value (or a map of templates) is a template. */
function templatesIn(value: unknown, path: YamlPath): Source[] {
  if (typeof value === 'string') return [{ kind: 'template', text: value, path }];
  if (Array.isArray(value)) return value.flatMap((item, i) => templatesIn(item, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => templatesIn(item, [...path, key]));
  }
  return [];
}
