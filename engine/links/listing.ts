import type { LinkStore } from '../store/links.js';
import { readShortLink } from './short-link.js';
import { isStartToken } from './token.js';

/** One link record as a report shows it: never a start token whole, nor what a link carries. */
export interface LinkReportRow {
  /** A short link's code; a start token's first 7 characters and `…` (the whole token opens its payload). */
  readonly id: string;
  readonly kind: 'short' | 'token';
  /** The channels a short link leads to; empty for a start token. */
  readonly channels: readonly string[];
  readonly createdAt: Date;
  /** Null when it never expires. */
  readonly expiresAt: Date | null;
  /** Visits of a short link's page; starts a start token seeded. */
  readonly clicks: number;
}

/** Every live start token and short link in `store`, oldest first, with its visits: for reports. */
export async function* linkReport(store: LinkStore, now = Date.now()): AsyncIterable<LinkReportRow> {
  for await (const record of store.listLinks(now)) {
    const short = readShortLink(record.data);
    const token = short === undefined && isStartToken(record.id);
    if (!short && !token) continue;
    yield {
      id: token ? `${record.id.slice(0, 7)}…` : record.id,
      kind: token ? 'token' : 'short',
      channels: short ? Object.keys(short.links) : [],
      createdAt: new Date(record.createdAt),
      expiresAt: record.expiresAt === undefined ? null : new Date(record.expiresAt),
      clicks: record.clicks,
    };
  }
}
