import * as z from 'zod';
import { BotflowError } from '../../engine/error.js';
import { isShortCode, readShortLink } from '../../engine/links/short-link.js';
import { parseTtl, TTL_FORMS } from '../../engine/links/ttl.js';
import { LinkError } from '../error.js';
import { createShortLink, type ShortLinkOptions, type ShortLinkRequest } from '../short-links.js';
import { shortLinkAnswer, textAnswer } from './answers.js';
import { readJson } from './body.js';
import { BODY_ERRORS, errorAnswerDoc, jsonAnswer, STORE_ERRORS, type AnswerDoc } from './docs.js';
import { HttpError, toHttpError } from './errors.js';
import { failurePage, landingPage, qrReply, redirectTo, unknownLinkPage } from './landing.js';
import { jsonReply } from './reply.js';
import type { Route } from './routes.js';
import { parseBody, requestSchemas } from './schemas.js';

const CHANNEL = z.string().max(64);
const NAME = z.string().max(256);

/** `POST /links`. The payload is checked by the engine's rules, as a start's is. */
export const shortLinkBody = z.strictObject({
  channel: CHANNEL.exactOptional(),
  channels: z.array(CHANNEL).min(1).max(6).exactOptional(),
  name: z.union([NAME, z.record(CHANNEL, NAME)]),
  payload: z.unknown().exactOptional(),
  startParam: z.string().max(1024).exactOptional(),
  sign: z.boolean().exactOptional(),
  ttl: z.string().max(32).exactOptional(),
});
requestSchemas.add(shortLinkBody, { id: 'ShortLinkBody', description: 'The short link to make.' });

/**
 * `POST /links` (API token; refused while the server has none, since anyone could then make
 * links under its name), `GET /l/:code` (public: a redirect, or the page of several messengers)
 * and `GET /l/:code/qr.svg` (the short link's QR code).
 */
export function shortLinkRoutes(
  options: ShortLinkOptions,
  { bodyLimit, hasToken }: { readonly bodyLimit: number; readonly hasToken: boolean },
): Route[] {
  const now = options.now ?? Date.now;
  return [
    {
      pattern: '/links',
      guarded: true,
      methods: {
        POST: async ({ request }) => {
          if (!hasToken) {
            throw new HttpError(
              'http.token-required',
              'short links are made only with an API token; start the server with BOTFLOW_API_TOKEN',
            );
          }
          const created = await createFrom(
            options,
            parseBody(shortLinkBody, await readJson(request, bodyLimit)),
          );
          return jsonReply(201, { ...created, expiresAt: created.expiresAt?.toISOString() ?? null });
        },
      },
      doc: {
        operations: {
          POST: {
            summary: 'Make a short link',
            tag: 'links',
            body: shortLinkBody,
            answers: {
              201: jsonAnswer('the short link, its invitation links and QR code', shortLinkAnswer),
              400: errorAnswerDoc(
                '`http.bad-json` or `http.invalid-body`: a field, channel, name or link data the rules refuse',
              ),
              403: errorAnswerDoc('`http.token-required`: the server has no API token, so it makes no links'),
              ...BODY_ERRORS,
              ...STORE_ERRORS,
            },
          },
        },
      },
    },
    {
      pattern: '/l/:code',
      guarded: false,
      methods: {
        GET: async ({ param }) => {
          try {
            const record = isShortCode(param) ? await options.store.visitLink(param, now()) : undefined;
            const short = record && readShortLink(record.data);
            if (!short) return unknownLinkPage();
            const links = Object.values(short.links);
            return links.length === 1 && links[0] !== undefined
              ? redirectTo(links[0])
              : landingPage(short.links);
          } catch (error) {
            return failurePage(toHttpError(error, (value) => value).status, error);
          }
        },
      },
      doc: {
        param: SHORT_CODE,
        operations: {
          GET: {
            summary: 'Follow a short link',
            tag: 'links',
            answers: {
              200: htmlAnswer('the page of a link to several messengers: a button and a QR code each'),
              302: {
                description: 'a link to one messenger',
                headers: { Location: 'the invitation link' },
              },
              ...PAGE_FAILURES,
            },
          },
        },
      },
    },
    {
      pattern: '/l/:code/qr.svg',
      guarded: false,
      methods: {
        GET: async ({ param }) => {
          try {
            // Reading the code does not count a visit: the QR code is shown, not followed.
            const record = isShortCode(param) ? await options.store.readLink(param, now()) : undefined;
            if (!record || !readShortLink(record.data)) return unknownLinkPage();
            return qrReply(`${options.publicUrl}/l/${param}`);
          } catch (error) {
            return failurePage(toHttpError(error, (value) => value).status, error);
          }
        },
      },
      doc: {
        param: SHORT_CODE,
        operations: {
          GET: {
            summary: 'The QR code of a short link',
            tag: 'links',
            answers: {
              200: { description: 'the QR code', content: { 'image/svg+xml': textAnswer } },
              ...PAGE_FAILURES,
            },
          },
        },
      },
    },
  ];
}

const SHORT_CODE = z.string().min(1).describe('the short link’s code');

function htmlAnswer(description: string): AnswerDoc {
  return { description, content: { 'text/html': textAnswer } };
}

/** A short link's pages: nothing says whether a code is unknown, malformed or expired. */
const PAGE_FAILURES = {
  404: htmlAnswer('no such link, or it has expired'),
  503: htmlAnswer('the store cannot be read: try again later'),
} as const;

type ShortLinkBody = z.output<typeof shortLinkBody>;

async function createFrom(options: ShortLinkOptions, body: ShortLinkBody) {
  if ((body.channel === undefined) === (body.channels === undefined)) {
    throw new HttpError('http.invalid-body', 'give either "channel" or "channels"');
  }
  if ((body.payload === undefined) === (body.startParam === undefined)) {
    throw new HttpError('http.invalid-body', 'give either "payload" or "startParam"');
  }
  const channels = body.channels ?? [body.channel ?? ''];
  if (new Set(channels).size !== channels.length) {
    throw new HttpError('http.invalid-body', 'the field "channels" names a channel twice');
  }
  const ttlMs = body.ttl === undefined ? undefined : parseTtl(body.ttl);
  if (body.ttl !== undefined && ttlMs === undefined) {
    throw new HttpError('http.invalid-body', `the field "ttl" takes ${TTL_FORMS}`);
  }
  const request: ShortLinkRequest = {
    channels,
    name: body.name,
    data: body.startParam === undefined ? { payload: body.payload } : { startParam: body.startParam },
    ...(ttlMs !== undefined && { ttlMs }),
    ...(body.sign !== undefined && { sign: body.sign }),
  };
  try {
    return await createShortLink(options, request);
  } catch (error) {
    // A bad channel, name or link data, or a payload over what a link record holds, is the
    // client's mistake, told in the rules' own words.
    if (error instanceof LinkError || (error instanceof BotflowError && error.code === 'store.bad-link')) {
      throw new HttpError('http.invalid-body', error.message);
    }
    throw error;
  }
}
