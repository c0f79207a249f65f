import {
  BotflowError,
  CONVERSATION_STATUSES,
  parseTimePoint,
  readFunnel,
  reportFormat,
  reportingStore,
  reportText,
  REPORT_FORMATS,
  isLinkStore,
  linkReportText,
  type Bot,
  type ConversationStatus,
  type ListFilter,
  type ReportFormat,
  type ReportTextOptions,
  type SessionStore,
} from '../../engine/index.js';
import * as z from 'zod';
import { conversationRowsAnswer, funnelAnswer, linkRowsAnswer, reportTextAnswer } from './answers.js';
import { errorAnswerDoc, jsonAnswer, STORE_ERRORS, type AnswerDoc, type OperationDoc } from './docs.js';
import { HttpError } from './errors.js';
import { jsonReply, type Reply } from './reply.js';
import type { Route } from './routes.js';

/** What each report format is served as. */
const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  table: 'text/plain; charset=utf-8',
} as const;

/**
 * `GET /reports/conversations` and `GET /reports/funnel`: every conversation's variables, so they
 * are refused outright on a server without an API token (whatever else it serves open).
 */
export function reportRoutes(bot: Bot, store: SessionStore | undefined, hasToken: boolean): Route[] {
  const reporting = () => {
    if (!hasToken) {
      throw new HttpError(
        'report.no-token',
        'reports are served only with an API token: set BOTFLOW_API_TOKEN (or apiToken)',
      );
    }
    if (store === undefined) {
      throw new HttpError('report.unsupported-store', 'this server was not given a store to report on');
    }
    try {
      return reportingStore(store);
    } catch (error) {
      throw asHttpError(error);
    }
  };
  return [
    {
      pattern: '/reports/conversations',
      guarded: true,
      methods: {
        GET: ({ query }) => {
          const from = reporting();
          const options = textOptions(query, bot);
          return streamed(reportText(from, options), options.format, 'conversations');
        },
      },
      doc: {
        operations: {
          GET: reportOperation({
            summary: 'Every conversation the store holds',
            query: CONVERSATIONS_QUERY,
            answers: { 200: reportAnswer('the conversations, oldest update first', conversationRowsAnswer) },
          }),
        },
      },
    },
    {
      pattern: '/reports/links',
      guarded: true,
      methods: {
        GET: ({ query }) => {
          reporting();
          if (store === undefined || !isLinkStore(store)) {
            throw new HttpError(
              'report.unsupported-store',
              'this server’s store keeps no links to report on',
            );
          }
          const format = formatOf(query);
          return streamed(
            linkReportText(store, { format, ...(query.get('bom') === 'true' && { bom: true }) }),
            format,
            'links',
          );
        },
      },
      doc: {
        operations: {
          GET: reportOperation({
            summary: 'The short links and start tokens, with their clicks',
            query: FORMAT_QUERY,
            answers: { 200: reportAnswer('the links, oldest first', linkRowsAnswer) },
          }),
        },
      },
    },
    {
      pattern: '/reports/funnel',
      guarded: true,
      methods: {
        GET: async () => jsonReply(200, bot.redact(await readFunnel(reporting(), bot.script))),
      },
      doc: {
        operations: {
          GET: reportOperation({
            summary: 'The funnel: blocks entered, ways out taken, where conversations stopped',
            answers: { 200: jsonAnswer('the funnel', funnelAnswer) },
          }),
        },
      },
    },
  ];
}

const FORMAT_QUERY = z.object({
  format: z.enum(REPORT_FORMATS).optional().describe('`csv` unless asked'),
  bom: z.literal('true').optional().describe('CSV: start with a UTF-8 byte-order mark, for Excel'),
});

const CONVERSATIONS_QUERY = FORMAT_QUERY.extend({
  vars: z.string().optional().describe('the variables to show, split by commas; `*` for every one'),
  since: z.string().optional().describe('last updated from: an age such as `7d`, or a date'),
  until: z.string().optional().describe('last updated before: an age such as `7d`, or a date'),
  status: z.enum(CONVERSATION_STATUSES).optional(),
  result: z.string().optional().describe('only conversations that ended with this result'),
});

/** A report in each format: JSON rows as `rows`, the other formats as text. */
function reportAnswer(description: string, rows: z.ZodType): AnswerDoc {
  const content = Object.fromEntries(
    REPORT_FORMATS.map((format) => [mediaType(format), format === 'json' ? rows : reportTextAnswer]),
  );
  return { description, content };
}

/** A report's refusals: no token, no store to report on, a bad query value. */
function reportOperation(operation: Pick<OperationDoc, 'summary' | 'query' | 'answers'>): OperationDoc {
  return {
    ...operation,
    tag: 'reports',
    answers: {
      ...operation.answers,
      ...(operation.query !== undefined && {
        400: errorAnswerDoc('`report.bad-option`: a query value it cannot read'),
      }),
      403: errorAnswerDoc('`report.no-token`: the server has no API token, so it serves no report'),
      501: errorAnswerDoc('`report.unsupported-store`: the server has no store to report on'),
      ...STORE_ERRORS,
    },
  };
}

/** The media type a format is served as, without its charset. */
function mediaType(format: ReportFormat): string {
  return CONTENT_TYPES[format].split(';')[0] ?? '';
}

/**
 * A report streamed in its format. The first chunk is read before the headers: a store that
 * cannot be read is a 503, not a cut stream.
 */
async function streamed(text: AsyncIterable<string>, format: ReportFormat, name: string): Promise<Reply> {
  const chunks = text[Symbol.asyncIterator]();
  const first = await chunks.next();
  return {
    status: 200,
    body: '',
    contentType: CONTENT_TYPES[format],
    headers: format === 'csv' ? { 'Content-Disposition': `attachment; filename="${name}.csv"` } : {},
    stream: (async function* () {
      if (first.done !== true) yield first.value;
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) yield next.value;
    })(),
  };
}

/** The query's `format` (CSV unless asked); a wrong one is a 400 naming it. */
function formatOf(query: URLSearchParams): ReportFormat {
  try {
    return reportFormat(query.get('format') ?? 'csv');
  } catch (error) {
    throw asHttpError(error);
  }
}

/** The query as report options; a wrong one is a 400 naming it. */
function textOptions(query: URLSearchParams, bot: Bot): ReportTextOptions {
  try {
    const now = Date.now();
    const time = (name: string) => {
      const value = query.get(name);
      return value === null ? undefined : parseTimePoint(value, now, name);
    };
    const since = time('since');
    const until = time('until');
    const status = statusOf(query.get('status'));
    const filter: ListFilter = {
      ...(since !== undefined && { since }),
      ...(until !== undefined && { until }),
      ...(status !== undefined && { status }),
    };
    const vars = query.get('vars');
    const result = query.get('result');
    return {
      format: formatOf(query),
      filter,
      script: bot.script,
      mask: (value) => bot.redact(value),
      ...(vars !== null && {
        variables: vars === '*' ? 'all' : vars.split(',').filter((name) => name !== ''),
      }),
      ...(result !== null && { result }),
      ...(query.get('bom') === 'true' && { bom: true }),
    };
  } catch (error) {
    throw asHttpError(error);
  }
}

function statusOf(status: string | null): ConversationStatus | undefined {
  if (status === null) return undefined;
  if (!(CONVERSATION_STATUSES as readonly string[]).includes(status)) {
    throw new BotflowError(
      'report.bad-option',
      `status takes ${CONVERSATION_STATUSES.join(', ')}, not "${status}"`,
    );
  }
  return status as ConversationStatus;
}

/** A report's own refusal as the answer it gets; anything else as it is. */
function asHttpError(error: unknown): unknown {
  if (
    error instanceof BotflowError &&
    (error.code === 'report.bad-option' || error.code === 'report.unsupported-store')
  ) {
    return new HttpError(error.code, error.message);
  }
  return error;
}
