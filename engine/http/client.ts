import { maxHeaderSize } from 'node:http';
import type { Readable } from 'node:stream';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import packageJson from '../../package.json' with { type: 'json' };
import type { HttpClient, HttpOutcome, HttpRequest } from './types.js';
import { guardedAgents } from './guard.js';
import { retrying, type RetryOptions, type Transport } from './retry.js';

/** What one attempt obeys: the address guard and the size and redirect caps. */
export interface TransportOptions {
  /** Host names a script may reach even at loopback or private addresses (a local CRM, tests). */
  readonly allowHosts?: readonly string[];
  /** The largest answer read, in bytes (default 1 MiB). */
  readonly maxResponseBytes?: number;
  /** Redirects followed at most (default 5). */
  readonly maxRedirects?: number;
}

export interface HttpOptions extends TransportOptions, RetryOptions {}

export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

const OVER_THE_CAP = 'is over the size limit';

/**
 * The HTTP client behind the Server Request block, on axios: http(s) only, no proxy, guarded
 * agents, a deadline per attempt, a size cap, a redirect cap, and the block's retry policy.
 */
export function createHttpClient(options: HttpOptions = {}): HttpClient {
  return retrying(createTransport(options), options);
}

/**
 * One attempt of a request on axios, with no retries: what `createHttpClient` retries, and what a
 * host wraps to watch every attempt (`botflow chat --record`) before giving it to `retrying`.
 */
export function createTransport(options: TransportOptions = {}): Transport {
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const instance = axios.create({
    ...guardedAgents(options.allowHosts ?? []),
    proxy: false,
    maxRedirects: options.maxRedirects ?? 5,
    // The answer is read below, with its own cap, so an answer over it still has its status.
    maxContentLength: -1,
    maxBodyLength: maxBytes,
    responseType: 'stream',
    validateStatus: () => true,
    headers: { 'User-Agent': `botflow/${packageJson.version}` },
  });
  return (request, signal) => sendOnce(instance, maxBytes, request, signal);
}

async function sendOnce(
  instance: AxiosInstance,
  maxBytes: number,
  request: HttpRequest,
  signal: AbortSignal,
): Promise<HttpOutcome> {
  const deadline = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await instance.request<Readable>({
      method: request.method,
      url: request.url,
      headers: {
        ...request.headers,
        ...(request.form && { 'Content-Type': 'application/x-www-form-urlencoded' }),
        ...(request.json !== undefined && !hasContentType(request) && { 'Content-Type': 'application/json' }),
      },
      // JSON is serialised here: axios would send a top-level string as it is, as a form.
      data: request.form
        ? new URLSearchParams(request.form).toString()
        : request.json === undefined
          ? undefined
          : JSON.stringify(request.json),
      signal: AbortSignal.any([signal, deadline]),
      beforeRedirect: (next: { href?: string }) => {
        refuseCrossOrigin(request.url, next.href);
      },
    });
    const headers = Object.fromEntries(
      Object.entries(response.headers).map(([name, value]) => [
        name.toLowerCase(),
        Array.isArray(value) ? value.join(', ') : String(value),
      ]),
    );
    const text = await readCapped(response.data, maxBytes);
    if (text !== undefined) {
      return {
        kind: 'response',
        status: response.status,
        headers,
        body: parseBody(text, headers['content-type']),
      };
    }
    // Only a 2xx body is ever saved: any other answer keeps its status routing without its body.
    if (response.status >= 200 && response.status < 300)
      return { kind: 'limit', message: `the answer ${OVER_THE_CAP}` };
    return { kind: 'response', status: response.status, headers, body: '', bodyLeftOut: OVER_THE_CAP };
  } catch (error) {
    return failure(error, deadline.aborted, request.timeoutMs);
  }
}

/**
 * A redirect is followed only within the request's origin (scheme, host and port). The script's
 * headers (an API key) and body are meant for the url it names: to another origin they are never
 * sent, and the request is the outcome `limit` rather than a stripped request that fails oddly.
 * Each hop is compared with the url the script named, not with the last URL as follow-redirects
 * rebuilds it: for a relative Location that one takes its host from a script-set Host header.
 */
function refuseCrossOrigin(requested: string, next: string | undefined): void {
  const from = originOf(requested);
  const to = originOf(next);
  if (from === undefined || to === undefined || from !== to) throw new CrossOriginRedirectError(to);
}

function originOf(url: string | undefined): string | undefined {
  return url !== undefined && URL.canParse(url) ? new URL(url).origin : undefined;
}

class CrossOriginRedirectError extends Error {
  readonly code = 'EREDIRECT_CROSS_ORIGIN';
  constructor(to: string | undefined) {
    super(
      `the server redirected to another origin (${to ?? 'an unreadable address'}); a request follows redirects within its own origin only`,
    );
  }
}

/**
 * The answer's body as text (decompressed, UTF-8, without a BOM), or undefined when it is over
 * `maxBytes`: reading stops there, and the connection is closed. A deadline or a broken connection
 * destroys the stream, which rejects here.
 */
async function readCapped(body: Readable, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Whether the script set its own Content-Type (which a JSON body then keeps). */
function hasContentType(request: HttpRequest): boolean {
  return Object.keys(request.headers).some((name) => name.toLowerCase() === 'content-type');
}

/** JSON when the answer says it is JSON (and is), else the text. */
function parseBody(text: string, contentType: string | undefined): unknown {
  if (!/[/+]json\b/i.test(contentType ?? '')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function failure(error: unknown, timedOut: boolean, timeoutMs: number): HttpOutcome {
  if (timedOut) return { kind: 'timeout', message: `no answer within ${timeoutMs} ms` };
  const crossOrigin = causeWithCode(error, 'EREDIRECT_CROSS_ORIGIN');
  if (crossOrigin) return { kind: 'limit', message: crossOrigin.message };
  const cause = error instanceof AxiosError ? (error.cause ?? error) : error;
  const code =
    (cause as { code?: string } | undefined)?.code ?? (error as { code?: string } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EADDRREFUSED_BY_POLICY')
    return { kind: 'limit', message: cause instanceof Error ? cause.message : message };
  if (code === 'ERR_FR_TOO_MANY_REDIRECTS') return { kind: 'limit', message: 'too many redirects' };
  // Node reads at most http.maxHeaderSize (16 KiB) of headers: past it the answer is refused.
  if (code === 'HPE_HEADER_OVERFLOW')
    return {
      kind: 'limit',
      message: `the answer's headers are over the size limit (${maxHeaderSize} bytes)`,
    };
  // The same cap applies to what is sent (axios's maxBodyLength): not the answer's fault.
  if (message.includes('maxBodyLength'))
    return { kind: 'limit', message: 'the request body is over the size limit' };
  if (code === 'ERR_FR_REDIRECTION_FAILURE' || code === 'ERR_INVALID_URL') return { kind: 'limit', message };
  return { kind: 'network', message: code ? `${code}: ${message}` : message };
}

/** The error in `error`'s chain of causes (axios wraps follow-redirects, which wraps ours) with `code`. */
function causeWithCode(error: unknown, code: string): Error | undefined {
  for (let link = error, depth = 0; link instanceof Error && depth < 5; link = link.cause, depth++) {
    if ((link as { code?: unknown }).code === code) return link;
  }
  return undefined;
}
