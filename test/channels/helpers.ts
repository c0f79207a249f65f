import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { LinkError, type LinkErrorCode } from '../../channels/index.js';

/** A webhook body from test/fixtures/channels/ (see the README there for each file's source). */
export function loadFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/channels/${name}`, import.meta.url), 'utf8'));
}

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
