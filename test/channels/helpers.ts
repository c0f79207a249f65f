import { expect } from 'vitest';
import { LinkError, type LinkErrorCode } from '../../channels/index.js';

/** Asserts that `run` throws a LinkError with exactly this code and message. */
export function expectLinkError(run: () => unknown, code: LinkErrorCode, message: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(LinkError);
  expect(thrown).toMatchObject({ code, message, name: 'LinkError' });
}
