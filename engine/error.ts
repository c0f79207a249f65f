import type { Code } from './codes.js';

/**
 * The base of every error botflow throws on purpose. The CLI prints `message` alone (no stack
 * trace) for these; any other error is a bug and is shown with its stack under `--debug`.
 */
export class BotflowError extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
