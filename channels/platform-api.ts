import { BotflowError } from '../engine/index.js';

/** How long a messenger's API may take to accept one message. */
export const PLATFORM_TIMEOUT_MS = 10_000;
/** The most of an answer read: send APIs answer a few hundred bytes, so more is not theirs. */
export const PLATFORM_ANSWER_LIMIT = 64 * 1024;
/** The longest piece of a platform's own error text an error message quotes. */
const REASON_LIMIT = 200;

/** One call to a messenger's API that sends a message. */
export interface PlatformRequest {
  /** The API as an error message starts with it: "the Viber API". */
  readonly api: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Tokens and secrets that no error message may show, even when the platform echoes them. */
  readonly secrets: readonly string[];
  /**
   * Why the platform refused the message, read from its answer (parsed JSON, or undefined);
   * undefined when the answer says it was accepted. Viber and VK answer HTTP 200 to a refusal,
   * so the status alone says too little.
   */
  readonly refusal: (answer: unknown) => string | undefined;
}

/**
 * Posts one message to a messenger's API with node's fetch: a deadline, a capped answer, and
 * no redirects (a token in a header or a form must not follow one elsewhere). There are no
 * retries: a send that timed out may have been delivered all the same, and a message shown
 * twice is worse than one that failed. Throws a BotflowError `channel.send-failed` whose
 * message never contains a secret.
 */
export async function sendToPlatform(request: PlatformRequest): Promise<void> {
  let status: number;
  let answer: string | undefined;
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      // A redirect is answered, not followed: its 3xx status fails the send below.
      redirect: 'manual',
      signal: AbortSignal.timeout(PLATFORM_TIMEOUT_MS),
    });
    status = response.status;
    answer = await readCapped(response, PLATFORM_ANSWER_LIMIT);
  } catch (error) {
    throw sendFailed(`${request.api} ${unreachable(error)}`);
  }
  if (answer === undefined) {
    throw sendFailed(`${request.api} answered with more than ${PLATFORM_ANSWER_LIMIT / 1024} KiB`);
  }
  const refusal = request.refusal(parseJson(answer));
  const reason = refusal === undefined ? undefined : safeReason(refusal, request.secrets);
  if (status < 200 || status > 299) {
    const detail = reason === undefined ? '' : `: ${reason}`;
    throw sendFailed(`${request.api} refused the message with HTTP ${status}${detail}`);
  }
  if (reason !== undefined) throw sendFailed(`${request.api} refused the message: ${reason}`);
}

/** The answer as text, or undefined when it is longer than `limit` bytes (then it is not read on). */
async function readCapped(response: Response, limit: number): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * What went wrong before an answer came, from the error's name or its system code only: the
 * messages of fetch's errors can quote the URL, and a proxy's URL can carry credentials.
 */
function unreachable(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `did not answer within ${PLATFORM_TIMEOUT_MS / 1000} s`;
  }
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  const code: unknown = cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)
    ? `could not be reached (${code})`
    : 'could not be reached';
}

/**
 * The platform's own words, made safe to show: every secret masked first (so a cut can never
 * leave part of one), control characters flattened, the length capped, no closing period.
 */
function safeReason(reason: string, secrets: readonly string[]): string {
  let safe = reason;
  for (const secret of secrets) if (secret !== '') safe = safe.split(secret).join('***');
  safe = safe.replace(/\p{Cc}+/gu, ' ').trim();
  if (safe.length > REASON_LIMIT) safe = `${safe.slice(0, REASON_LIMIT)}…`;
  return safe.replace(/\.+$/, '');
}

function sendFailed(message: string): BotflowError {
  return new BotflowError('channel.send-failed', message);
}
