import type { Code } from '../engine/codes.js';
import { BotflowError } from '../engine/error.js';

/** Stable codes of {@link LinkError}, for tooling that reacts to one kind of problem (docs/errors.md). */
export type LinkErrorCode = Extract<Code, `link.${string}`>;

/**
 * An invitation link could not be built or read: a bad bot/page name, bad data, an unknown
 * channel, or a link of no messenger botflow knows. The message names the bad value and the rule
 * it breaks, so the CLI can print it as it is.
 */
export class LinkError extends BotflowError {
  constructor(
    override readonly code: LinkErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

const QUOTE_LIMIT = 80;

/**
 * A value as it appears in an error message: JSON-quoted, so spaces, empty strings and control
 * characters stay visible, and cut short so a huge value cannot flood the terminal.
 */
export function quote(value: string): string {
  const shown = value.length > QUOTE_LIMIT ? `${value.slice(0, QUOTE_LIMIT)}…` : value;
  return JSON.stringify(shown);
}
