import * as z from 'zod';
import { CHANNEL_NAMES, LinkError } from '../../channels/index.js';
import { buildInvite, readInvite, type InviteData } from '../../channels/invite.js';
import { HttpError } from '../../channels/http/errors.js';
import { parseBody } from '../../channels/http/schemas.js';
import {
  decodeStart,
  measurePayload,
  payloadAdvice,
  PAYLOAD_LIMIT,
  PayloadTooLongError,
  type StartPayload,
} from '../../engine/index.js';
import type { DecodeAnswer, LinkAnswer, LinkMeasure } from '../protocol.js';
import type { StudioContext, StudioRoute } from './context.js';

/** Far above any real name, value or link; far below harm (the costliest field re-encodes per variable). */
const FIELD_LIMIT = 1024;
const VARIABLE_LIMIT = 32;
const field = z.string().max(FIELD_LIMIT);

/**
 * Names to text, taken as sent: a schema record would rebuild the object and silently drop a
 * `__proto__` name, which the payload's own rules refuse with a clear message instead.
 */
const variables = z.custom<Record<string, string>>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length <= VARIABLE_LIMIT &&
    Object.entries(value).every(
      ([name, text]) => name.length <= FIELD_LIMIT && typeof text === 'string' && text.length <= FIELD_LIMIT,
    ),
  {
    error: `the field "variables" must be an object of at most ${VARIABLE_LIMIT} names, each with a text value`,
  },
);

const linkBody = z.strictObject({
  channel: field,
  name: field,
  phone: field.exactOptional(),
  email: field.exactOptional(),
  id: field.exactOptional(),
  variables: variables.exactOptional(),
  raw: field.exactOptional(),
  group: z.boolean().exactOptional(),
  text: field.exactOptional(),
});

const decodeBody = z.strictObject({
  link: field.exactOptional(),
  data: field.exactOptional(),
  channel: z
    .enum(CHANNEL_NAMES, { error: `the field "channel" must be one of ${CHANNEL_NAMES.join(', ')}` })
    .exactOptional(),
});

/** The link builder's routes: `botflow link` and `botflow decode` for the page, on the same code. */
export function linkRoutes(context: Pick<StudioContext, 'linkSecrets'>): StudioRoute[] {
  return [
    { method: 'POST', path: '/api/link', handle: ({ body }) => link(parseBody(linkBody, body)) },
    {
      method: 'POST',
      path: '/api/decode',
      handle: ({ body }) => decode(parseBody(decodeBody, body), context.linkSecrets),
    },
  ];
}

type LinkBody = z.output<typeof linkBody>;

function link(request: LinkBody): LinkAnswer {
  const data = inviteData(request);
  try {
    const invite = buildInvite({
      channel: request.channel,
      name: request.name,
      data,
      ...(request.group !== undefined && { group: request.group }),
      ...(request.text !== undefined && { text: request.text }),
    });
    return { link: invite.link, ...measure(data) };
  } catch (error) {
    throw refusal(error, data);
  }
}

function inviteData({ phone, email, id, variables, raw }: LinkBody): InviteData {
  const payload: StartPayload = {
    ...(phone !== undefined && { phone }),
    ...(email !== undefined && { email }),
    ...(id !== undefined && { externalId: id }),
    // Own properties only, a `__proto__` name included, for the payload's rules to judge.
    ...(variables !== undefined && { variables: Object.fromEntries(Object.entries(variables)) }),
  };
  const given = Object.keys(payload).length > 0;
  if (raw !== undefined && given) {
    throw new HttpError(
      'studio.bad-link',
      'a plain id goes in the link alone: leave out phone, email, id and variables',
    );
  }
  if (raw === undefined && !given) {
    throw new HttpError(
      'studio.bad-link',
      'nothing to put in the link: give a phone, an email, an external id, variables or a plain id',
    );
  }
  return raw === undefined ? { payload } : { raw };
}

/** The data's length against the limit; a payload's even when it is over, with its costliest field. */
function measure(data: InviteData): LinkMeasure {
  if ('raw' in data) return { data: data.raw, length: data.raw.length, limit: PAYLOAD_LIMIT };
  const { costliest, ...measured } = measurePayload(data.payload);
  return {
    ...measured,
    ...(costliest && { costliest }),
    ...(measured.length > measured.limit && { advice: payloadAdvice(costliest?.field) }),
  };
}

/** A refused link as the page shows it: the reason, with the data's measure when there is one. */
function refusal(error: unknown, data: InviteData): unknown {
  if (error instanceof PayloadTooLongError)
    return new HttpError(error.code, error.message, {}, measure(data));
  if (!(error instanceof LinkError)) return error; // an invalid payload: nothing to measure
  let measured: LinkMeasure | undefined;
  try {
    measured = measure(data);
  } catch {
    // The channel was refused before the payload was looked at, and the payload is invalid too.
  }
  return new HttpError('studio.bad-link', error.message, {}, measured);
}

/** A link read back, its signature checked with the studio's link secrets, as `botflow decode` does. */
function decode(request: z.output<typeof decodeBody>, secrets: readonly string[]): DecodeAnswer {
  if ((request.link === undefined) === (request.data === undefined)) {
    throw new HttpError('studio.bad-link', 'give either a link or its data');
  }
  let read;
  try {
    read =
      request.link === undefined
        ? { channel: null, name: null, decoded: decodeStart(request.data ?? '', { secrets }) }
        : readInvite(request.link, { secrets });
  } catch (error) {
    throw error instanceof LinkError ? new HttpError('studio.bad-link', error.message) : error;
  }
  const { decoded } = read;
  return {
    channel: request.channel ?? read.channel,
    name: read.name,
    startParam: decoded.startParam,
    payload: decoded.payload,
    signature: decoded.signature,
    linkVerified: decoded.verified,
    variables: decoded.variables,
    diagnostics: decoded.diagnostics.map(({ severity, code, message }) => ({ severity, code, message })),
  };
}
