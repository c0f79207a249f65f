/**
 * What botflow's adapters log through: the part of pino's API they use, so a pino logger can be
 * passed as it is, and a test can collect the lines.
 */
export interface Logger {
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
}

/** The default: an embedded adapter says nothing unless its host asks for logs. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** How deep a chain of causes is followed; a cycle cannot go on for ever. */
const CAUSE_DEPTH = 3;

/** Where a library keeps an error's cause and code when not in `cause` and `code` (grammY does). */
export interface ErrorShape {
  readonly causeOf?: (error: Error) => unknown;
  readonly codeOf?: (error: Error) => string | number | undefined;
}

/**
 * An error as a log field (`type`, `code`, `message`, `stack`, `cause`) with every text passed
 * through `redact`: an engine or store error can quote a secret (a token in a URL, a password in
 * a connection string). Log it as `error`, not `err`: pino's `err` serializer would reshape it.
 */
export function errorForLog(
  error: unknown,
  redact: (text: string) => string,
  shape: ErrorShape = {},
  depth = 0,
): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: redact(String(error)) };
  const code = shape.codeOf?.(error) ?? codeOf(error);
  const cause = shape.causeOf?.(error) ?? error.cause;
  return {
    type: error.name,
    message: redact(error.message),
    ...(code !== undefined && { code }),
    ...(error.stack !== undefined && { stack: redact(error.stack) }),
    ...(cause !== undefined &&
      depth < CAUSE_DEPTH && { cause: errorForLog(cause, redact, shape, depth + 1) }),
  };
}

/** A BotflowError's or a Node error's `code`. */
function codeOf(error: Error): string | number | undefined {
  const { code } = error as { code?: unknown };
  return typeof code === 'string' || typeof code === 'number' ? code : undefined;
}
