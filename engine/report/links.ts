import { linkReport } from '../links/listing.js';
import type { LinkStore } from '../store/links.js';
import { formatRows, type RowFormat } from './format.js';

const LINK_COLUMNS = ['id', 'kind', 'channels', 'createdAt', 'expiresAt', 'clicks'] as const;

/**
 * The store's short links and start tokens with their clicks, as text in a report format: what
 * `botflow report --links` writes and `GET /reports/links` answers. A token is shown by its
 * first characters only (the whole token opens its payload).
 */
export function linkReportText(
  store: LinkStore,
  options: RowFormat,
  now = Date.now(),
): AsyncIterable<string> {
  return formatRows(
    linkReport(store, now),
    LINK_COLUMNS,
    (row) => [
      row.id,
      row.kind,
      row.channels.join(' '),
      row.createdAt.toISOString(),
      row.expiresAt?.toISOString() ?? '',
      String(row.clicks),
    ],
    options,
  );
}
