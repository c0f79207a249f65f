// The engine's own modules, not its index: the link modules need neither xstate nor a store driver.
import { PAYLOAD_LIMIT } from '../engine/payload/types.js';
import { measurePayload } from '../engine/payload/encode.js';
import { PayloadError } from '../engine/payload/error.js';
import { readShortKeyPayload } from '../engine/payload/read.js';
import type { ShortKeyPayload, StartPayload } from '../engine/payload/types.js';
import { encodeBase64Url } from '../engine/payload/base64url.js';
import { decodeStartParam } from '../engine/payload/decode.js';
import { saveShortLink } from '../engine/links/short-link.js';
import { SIGNED_DATA_LIMIT, signData } from '../engine/links/signed.js';
import { issueStartToken } from '../engine/links/token-store.js';
import type { LinkStore } from '../engine/store/links.js';
import { LinkError } from './error.js';
import { checkPlainId } from './invite.js';
import { checkLinkData } from './link-data.js';
import { getChannel } from './registry.js';

/**
 * Turns a start value into a signed one (`_` + data + tag), or undefined when the signed value
 * would not fit in a link. Given by the host that holds the link secret.
 */
export type StartValueSigner = (data: string, expiresAt: number | undefined) => string | undefined;

/**
 * The signer of a host with link secrets (newest first, checked): `expiresAt` (milliseconds) goes
 * into the signed data as the payload's `x` (a plain id becomes `{"eId":…,"x":…}`), and the data
 * is signed with the newest secret. Undefined when the result would not fit: a start token
 * (verified by the store that issued it) carries the payload then.
 */
export function startValueSigner(secrets: readonly string[]): StartValueSigner {
  return (data, expiresAt) => {
    checkPlainId(data);
    const payload = decodeStartParam(data).payload ?? { eId: data };
    const signedData =
      expiresAt === undefined
        ? data
        : encodeBase64Url(
            new TextEncoder().encode(JSON.stringify({ ...payload, x: Math.floor(expiresAt / 1000) })),
          );
    return signedData.length <= SIGNED_DATA_LIMIT ? signData(signedData, secrets) : undefined;
  };
}

/** Where short links are kept and served. */
export interface ShortLinkOptions {
  readonly store: LinkStore;
  /** The address the world reaches the server at (`https://bot.example.com`), without a trailing `/`. */
  readonly publicUrl: string;
  /** The clock a link's creation and expiry are read by (default: the system clock). */
  readonly now?: () => number;
  /** Signs start values for `sign: true`; without it such a request is refused. */
  readonly sign?: StartValueSigner;
}

export interface ShortLinkRequest {
  /** The channels, each one link; at least one, each once. */
  readonly channels: readonly string[];
  /** The bot or page name, the same for every channel, or one per channel. */
  readonly name: string | Readonly<Record<string, string>>;
  /** What the links carry: a short-key payload, or link data as it is (a plain client id). */
  readonly data: { readonly payload: unknown } | { readonly startParam: string };
  readonly ttlMs?: number;
  readonly sign?: boolean;
}

export interface CreatedShortLink {
  readonly code: string;
  /** The short link: `<publicUrl>/l/<code>`. */
  readonly url: string;
  /** Channel → invitation link. */
  readonly links: Readonly<Record<string, string>>;
  /** The short link's QR code, as SVG. */
  readonly qr: string;
  readonly expiresAt: Date | null;
}

/** A well-formed token, to check names and data before a real one is saved. */
const SAMPLE_TOKEN = `-${'A'.repeat(22)}`;

/**
 * Makes a short link: the invitation links of every channel asked for, saved under a fresh code.
 * A payload over 64 characters travels as a start token saved in the same store. Throws a
 * LinkError (bad channel, name or data) or a PayloadError before anything is saved.
 */
export async function createShortLink(
  options: ShortLinkOptions,
  request: ShortLinkRequest,
): Promise<CreatedShortLink> {
  const now = (options.now ?? Date.now)();
  const expiresAt = request.ttlMs === undefined ? undefined : now + request.ttlMs;
  const times = { now, ...(expiresAt !== undefined && { expiresAt }) };
  const fitting = startValue(request, options.sign, expiresAt);
  // Every link is built once before anything is saved: a bad name leaves no token behind.
  const linksFor = (data: string) =>
    Object.fromEntries(
      request.channels.map((channel) => [
        channel,
        getChannel(channel).buildLink(nameFor(request, channel), data),
      ]),
    );
  linksFor(fitting ?? SAMPLE_TOKEN);
  const data = fitting ?? (await issueStartToken(options.store, payloadOf(request), times));
  const links = linksFor(data);
  const code = await saveShortLink(options.store, { kind: 'short', links, startParam: data }, times);
  const url = `${options.publicUrl}/l/${code}`;
  return {
    code,
    url,
    links,
    qr: `${url}/qr.svg`,
    expiresAt: expiresAt === undefined ? null : new Date(expiresAt),
  };
}

/** The link data when it fits in a link, signed when asked; undefined when a start token must carry it. */
function startValue(
  request: ShortLinkRequest,
  sign: StartValueSigner | undefined,
  expiresAt: number | undefined,
): string | undefined {
  if (request.sign === true && sign === undefined) {
    throw new LinkError('link.bad-data', 'this server cannot sign links: it has no link secret');
  }
  const plain =
    'startParam' in request.data
      ? checkLinkData(checkPlainId(request.data.startParam))
      : encodedIfFits(payloadOf(request));
  if (plain === undefined || request.sign !== true || sign === undefined) return plain;
  return sign(plain, expiresAt);
}

/** The request's payload in short keys, checked as a start would check it; a PayloadError otherwise. */
function payloadOf(request: ShortLinkRequest): ShortKeyPayload {
  // A plain id that must travel as a token (signed, it no longer fits) is its payload's eId.
  const payload = 'payload' in request.data ? request.data.payload : { eId: request.data.startParam };
  const read = readShortKeyPayload(payload);
  if (!read.ok) throw new PayloadError(read.error.code, read.error.message);
  const [warning] = read.warnings;
  if (warning) throw new PayloadError(warning.code, warning.message);
  if (read.payload.x !== undefined) {
    throw new LinkError('link.bad-data', 'the payload takes no "x": give "ttl", and the link expires then');
  }
  return read.payload;
}

function encodedIfFits(payload: ShortKeyPayload): string | undefined {
  const long: StartPayload = {
    ...(payload.p !== undefined && { phone: payload.p }),
    ...(payload.e !== undefined && { email: payload.e }),
    ...(payload.eId !== undefined && { externalId: payload.eId }),
    ...(payload.v !== undefined && { variables: payload.v }),
  };
  const measured = measurePayload(long);
  return measured.length <= PAYLOAD_LIMIT ? measured.data : undefined;
}

function nameFor(request: ShortLinkRequest, channel: string): string {
  if (typeof request.name === 'string') return request.name;
  const name = Object.hasOwn(request.name, channel) ? request.name[channel] : undefined;
  if (name === undefined) throw new LinkError('link.bad-name', `no name is given for the channel ${channel}`);
  return name;
}
