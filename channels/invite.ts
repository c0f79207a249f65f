// The payload's own modules, not the engine index: `botflow link` and `decode` must not load the engine.
import {
  decodeStartParam,
  encodePayload,
  type DecodedStart,
  type StartPayload,
} from '../engine/payload/index.js';
import { LinkError, quote } from './error.js';
import { channels, getChannel } from './registry.js';
import { CHANNEL_NAMES, type ChannelName, type InviteLink, type LinkOptions } from './types.js';

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

/** Builds an invitation link; throws a LinkError for an unknown channel, a bad name or bad data. */
export function buildInviteLink(
  channel: string,
  name: string,
  data: string,
  options: LinkOptions = {},
): string {
  return getChannel(channel).buildLink(name, data, options);
}

/**
 * Takes an invitation link of any channel apart. A link pasted without its scheme
 * (`t.me/shop_bot?start=…`) is read as https, the way a browser would. Throws a LinkError when no
 * channel knows the link, or when its data breaks the data rule.
 */
export function parseInviteLink(text: string): InviteLink {
  const url = toUrl(text.trim());
  for (const name of CHANNEL_NAMES) {
    const link = url && channels[name].parseLink(url);
    if (link) return link;
  }
  throw new LinkError(
    'link.unknown-link',
    `${quote(text)} is not a link botflow knows; expected a t.me, m.me, ig.me, vk.me, wa.me or viber://pa link`,
  );
}

/**
 * How a conversation starts from an invitation link (`bot.start(key, startFromLink(url))`): the
 * link's data as the start parameter, empty when it has none, and the link's channel unless
 * `channel` names another. Throws a LinkError as parseInviteLink does.
 */
export function startFromLink(link: string, channel?: string): { startParam: string; channel: string } {
  const parsed = parseInviteLink(link);
  return { startParam: parsed.data ?? '', channel: channel ?? parsed.channel };
}

function toUrl(text: string): URL | undefined {
  if (URL.canParse(text)) return new URL(text);
  return URL.canParse(`https://${text}`) ? new URL(`https://${text}`) : undefined;
}
