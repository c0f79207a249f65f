import { decodeStartParam, encodePayload, type DecodedStart, type StartPayload } from '../engine/index.js';
import { parseInviteLink } from './index.js';
import { getChannel } from './registry.js';
import type { ChannelName, LinkOptions } from './types.js';

/** What an invitation link carries: a client's data, encoded, or a plain id as it is. */
export type InviteData = { readonly payload: StartPayload } | { readonly raw: string };

export interface InviteRequest extends LinkOptions {
  readonly channel: string;
  readonly name: string;
  readonly data: InviteData;
}

export interface Invite {
  readonly link: string;
  /** The link's data: the encoded payload, or the plain id. */
  readonly data: string;
}

/**
 * Builds an invitation link from a client's data: what `botflow link` and the studio's link
 * builder both call. An unknown channel is reported first, then a payload the decoder would not
 * take back or one over the limit (a PayloadError), then a bad name or bad data (a LinkError).
 */
export function buildInvite({ channel, name, data, ...options }: InviteRequest): Invite {
  const messenger = getChannel(channel);
  const encoded = 'raw' in data ? data.raw : encodePayload(data.payload);
  return { link: messenger.buildLink(name, encoded, options), data: encoded };
}

/** An invitation link (or its data alone) read back: what `botflow decode` and the studio show. */
export interface ReadInvite {
  /** Null when the input was the data alone. */
  readonly channel: ChannelName | null;
  readonly name: string | null;
  readonly decoded: DecodedStart;
}

/**
 * Reads a link, or the data after its keyword: link data never holds a slash
 * (docs/invitation-links.md, "The link data rule"), so anything with one is read as a link.
 * Throws a LinkError for a link no channel knows or whose data breaks the rule.
 */
export function readInvite(input: string): ReadInvite {
  if (!input.includes('/')) return { channel: null, name: null, decoded: decodeStartParam(input) };
  const link = parseInviteLink(input);
  return { channel: link.channel, name: link.name, decoded: decodeStartParam(link.data ?? '') };
}
