import type { Code } from '../codes.js';
import { BotflowError } from '../error.js';

/** The codes of a broken or refused payload. */
export type PayloadCode = Extract<Code, `payload.${string}`>;

/** Encoding a start payload failed: bad input, or the result would not fit in a link. */
export class PayloadError extends BotflowError {
  constructor(
    override readonly code: PayloadCode,
    message: string,
  ) {
    super(code, message);
  }
}

/** The encoded payload is longer than the limit; carries the figures for tooling. */
export class PayloadTooLongError extends PayloadError {
  constructor(
    message: string,
    readonly length: number,
    readonly limit: number,
    /** The field whose removal saves the most characters: `p`, `e`, `eId` or `v.<name>`. */
    readonly costliestField: string,
    readonly saving: number,
  ) {
    super('payload.too-long', message);
  }
}
