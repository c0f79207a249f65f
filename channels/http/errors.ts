import {
  AmbiguousStartError,
  BotflowError,
  ConversationBusyError,
  ConversationConflictError,
  ConversationKeyError,
  PayloadError,
  StoreUncertainError,
  StoreUnavailableError,
  VariableLimitError,
} from '../../engine/index.js';
import { httpStatus, type HttpCode } from '../../engine/codes.js';
import { jsonReply, type Reply } from './reply.js';

/** A failure the client is told about: a stable code, its status (fixed by the code) and one message. */
export class HttpError extends BotflowError {
  readonly status: number;

  constructor(
    override readonly code: HttpCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** Fields the answer carries beside `error`, for a client that shows more than the message. */
    readonly details: object = {},
  ) {
    super(code, message);
    this.status = httpStatus(code);
  }
}

export function notFound(): HttpError {
  return new HttpError('http.not-found', 'there is no such route');
}

/** A guarded route called without the API token. */
export function unauthorized(): HttpError {
  return new HttpError('http.unauthorized', 'this route needs a valid API token', {
    'WWW-Authenticate': 'Bearer',
  });
}

/** Engine messages can quote the client's own input at length; an answer quotes no more than this. */
const MESSAGE_LIMIT = 300;

/**
 * What to answer for an error. Only the client's own mistakes are explained in the engine's
 * words; a conflict, a busy conversation or a failing store gets a fixed sentence (the store's message names its
 * host), and anything else a generic one, so no stack trace or secret leaves the server.
 */
export function toHttpError(error: unknown, redact: <T>(value: T) => T): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof AmbiguousStartError) return new HttpError('start.ambiguous', error.message);
  if (error instanceof ConversationKeyError) return new HttpError('conversation.bad-key', error.message);
  if (error instanceof VariableLimitError) return new HttpError(error.code, error.message);
  if (error instanceof PayloadError) return new HttpError(error.code, shorten(redact(error.message)));
  if (error instanceof ConversationConflictError) {
    return new HttpError(
      'conversation.conflict',
      'the conversation was changed by another turn at the same time; try again',
    );
  }
  if (error instanceof ConversationBusyError) {
    return new HttpError('conversation.busy', 'the conversation is busy with another turn; try again');
  }
  if (error instanceof StoreUnavailableError) {
    return new HttpError('store.unavailable', 'the session store is unavailable; try again later');
  }
  if (error instanceof StoreUncertainError) {
    return new HttpError(
      'store.uncertain',
      'the session store did not confirm the turn, which may have been applied; retry with the same messageId',
    );
  }
  return new HttpError('internal', 'the server failed to handle the request');
}

/** The `{ error: { code, message } }` answer for an error; a server-side failure is kept for the log. */
export function errorReply(error: unknown, redact: <T>(value: T) => T): Reply {
  const { status, code, message, headers, details } = toHttpError(error, redact);
  return {
    ...jsonReply(status, { ...details, error: { code, message } }),
    headers,
    ...(status >= 500 && { failure: error }),
  };
}

function shorten(message: string): string {
  return message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT)}…` : message;
}
