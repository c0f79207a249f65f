import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLinkData, isLinkData, LINK_DATA_LIMIT, LinkError } from '../../channels/index.js';
import { expectLinkError } from './helpers.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
const validData = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);

describe('link data rule', () => {
  it('is 64, the seed limit', () => {
    expect(LINK_DATA_LIMIT).toBe(64);
  });

  it('accepts 1 to 64 characters of A-Z, a-z, 0-9, _ and -', () => {
    fc.assert(
      fc.property(validData, (data) => {
        expect(checkLinkData(data)).toBe(data);
        expect(isLinkData(data)).toBe(true);
      }),
    );
  });

  it('refuses any other character, naming it', () => {
    const outside = fc.string({ minLength: 1, maxLength: 1 }).filter((char) => !ALPHABET.includes(char));
    fc.assert(
      fc.property(validData, outside, validData, (before, bad, after) => {
        const data = before + bad + after;
        expect(isLinkData(data)).toBe(false);
        expect(() => checkLinkData(data)).toThrow(LinkError);
      }),
    );
    expectLinkError(
      () => checkLinkData('john@example.com'),
      'link.bad-data',
      'link data "john@example.com" contains "@"; only A-Z, a-z, 0-9, _ and - are allowed',
    );
    expectLinkError(
      () => checkLinkData('город'),
      'link.bad-data',
      'link data "город" contains "г"; only A-Z, a-z, 0-9, _ and - are allowed',
    );
  });

  it('refuses data over 64 characters, saying the length', () => {
    const data = 'a'.repeat(65);
    expect(isLinkData(data)).toBe(false);
    expectLinkError(
      () => checkLinkData(data),
      'link.data-too-long',
      `link data "${data}" is 65 characters long, over the limit of 64`,
    );
  });

  it('cuts a huge value short in the message', () => {
    expectLinkError(
      () => checkLinkData('b'.repeat(500)),
      'link.data-too-long',
      `link data "${'b'.repeat(80)}…" is 500 characters long, over the limit of 64`,
    );
  });

  it('refuses empty data', () => {
    expect(isLinkData('')).toBe(false);
    expectLinkError(
      () => checkLinkData(''),
      'link.empty-data',
      'link data is empty; it must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -',
    );
  });
});
