import {
  BotflowError,
  CONVERSATION_STATUSES,
  parseTimePoint,
  readFunnel,
  reportFormat,
  reportingStore,
  reportText,
  isLinkStore,
  linkReportText,
  type Bot,
  type ConversationStatus,
  type ListFilter,
  type ReportFormat,
  type ReportTextOptions,
  type SessionStore,
} from '../../engine/index.js';
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
    },
    {
      pattern: '/reports/funnel',
      guarded: true,
      methods: {
        GET: async () => jsonReply(200, bot.redact(await readFunnel(reporting(), bot.script))),
      },
    },
  ];
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
