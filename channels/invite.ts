// The payload's and the links' own modules, not the engine index: `botflow link` and `decode` must not load the engine.
import { SIGNED_MARK, signData, TAG_LENGTH } from '../engine/links/signed.js';
import { decodeStart, type CheckedStart, type StartCheck } from '../engine/links/start.js';
import { encodePayload, type StartPayload } from '../engine/payload/index.js';
import { LinkError, quote } from './error.js';
import { channels, getChannel } from './registry.js';
import { CHANNEL_NAMES, type ChannelName, type InviteLink, type LinkOptions } from './types.js';

/** What an invitation link carries: a client's data, encoded, or a plain id as it is. */
export type InviteData = { readonly payload: StartPayload } | { readonly raw: string };

export interface InviteRequest extends LinkOptions {
  readonly channel: string;
  readonly name: string;
  readonly data: InviteData;
  /** Sign the data with the first of these (docs/invitation-links.md, "Signed links"). */
  readonly secrets?: readonly string[];
  /** When the link stops working, in whole seconds since the epoch; a plain id becomes `{"eId":…,"x":…}`. */
  readonly expiresAt?: number;
}

/** What signing adds to the data, for the over-limit message. */
const SIGNATURE_OVERHEAD = {
  characters: SIGNED_MARK.length + TAG_LENGTH,
  what: `the "_" and the ${TAG_LENGTH}-character tag of a signed link`,
};

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
export function buildInvite({ channel, name, data, secrets, expiresAt, ...options }: InviteRequest): Invite {
  const messenger = getChannel(channel);
  const unsigned = linkData(data, expiresAt, secrets !== undefined);
  const encoded = secrets === undefined ? unsigned : signData(unsigned, secrets);
  return { link: messenger.buildLink(name, encoded, options), data: encoded };
}

/** The data before any signature: the plain id as it is, or the payload (with the expiry) encoded. */
function linkData(data: InviteData, expiresAt: number | undefined, signed: boolean): string {
  if ('raw' in data) checkPlainId(data.raw);
  if ('raw' in data && expiresAt === undefined) return data.raw;
  const payload = 'raw' in data ? { externalId: data.raw } : data.payload;
  return encodePayload(
    { ...payload, ...(expiresAt !== undefined && { expiresAt }) },
    signed ? SIGNATURE_OVERHEAD : undefined,
  );
}

/**
 * Refuses a plain id that begins with `_` or `-`: a start value beginning so is read as a signed
 * value or a start token, so the link would not carry the id.
 */
export function checkPlainId(id: string): string {
  const first = id.charAt(0);
  if (first === '_' || first === '-') {
    throw new LinkError(
      'link.bad-data',
      `link data ${quote(id)} begins with "${first}", which botflow keeps for ${first === '_' ? 'signed values' : 'start tokens'}; a plain id must not`,
    );
  }
  return id;
}

/** An invitation link (or its data alone) read back: what `botflow decode` and the studio show. */
export interface ReadInvite {
  /** Null when the input was the data alone. */
  readonly channel: ChannelName | null;
  readonly name: string | null;
  readonly decoded: CheckedStart;
}

/**
 * Reads a link, or the data after its keyword: link data never holds a slash
 * (docs/invitation-links.md, "The link data rule"), so anything with one is read as a link. Its
 * signature is checked as `check` says. Throws a LinkError for a link no channel knows or whose
 * data breaks the rule.
 */
export function readInvite(input: string, check: StartCheck = {}): ReadInvite {
  if (!input.includes('/')) return { channel: null, name: null, decoded: decodeStart(input, check) };
  const link = parseInviteLink(input);
  return { channel: link.channel, name: link.name, decoded: decodeStart(link.data ?? '', check) };
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
