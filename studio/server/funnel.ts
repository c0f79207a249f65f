import { readFunnel, StoreUnavailableError } from '../../engine/index.js';
import { HttpError } from '../../channels/http/errors.js';
import { NO_STORE_HINT, type FunnelSetup, type StudioFunnel } from '../protocol.js';
import { runnable, type ReportSource, type StudioContext, type StudioRoute } from './context.js';

/**
 * `GET /api/funnel/setup` tells the page whether there is a store, without reading it;
 * `GET /api/funnel` reads the store's funnel for the script as saved. One read at a time: a
 * second Refresh while one reads gets that read's answer (a read lists every conversation).
 */
export function funnelRoutes(context: StudioContext): StudioRoute[] {
  let reading: Promise<StudioFunnel> | undefined;
  return [
    {
      method: 'GET',
      path: '/api/funnel/setup',
      handle: (): FunnelSetup => ({ store: context.reports?.where ?? null }),
    },
    {
      method: 'GET',
      path: '/api/funnel',
      handle: () => {
        const { reports } = context;
        if (!reports) throw new HttpError('studio.no-store', NO_STORE_HINT);
        reading ??= funnelOf(context, reports).finally(() => {
          reading = undefined;
        });
        return reading;
      },
    },
  ];
}

async function funnelOf(context: StudioContext, reports: ReportSource): Promise<StudioFunnel> {
  const script = runnable(context);
  const { revision } = context.current().model;
  try {
    return { revision, ...(await readFunnel(reports.store, script)) };
  } catch (error) {
    // The studio's user runs the store: its own words say what is wrong (Redis down, a missing
    // table). An unavailable store's message names it already.
    const reason =
      error instanceof StoreUnavailableError
        ? error.message
        : `the session store ${reports.where} failed: ${error instanceof Error ? error.message : String(error)}`;
    throw new HttpError('store.unavailable', `cannot read the funnel: ${reason}`);
  }
}
