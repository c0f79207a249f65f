import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../qa/glob.js';
import { MockHttp } from '../../qa/mock-http.js';

/** The meaning of a glob, as a regular expression: only safe to run on short texts. */
function reference(pattern: string, text: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's').test(text);
}

describe('mock url globs', () => {
  it('match exactly what the regular expression of the same glob matches', () => {
    // A small alphabet, so stars, repeats and overlaps between parts are common.
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '.', '/'), maxLength: 10 });
    const pattern = fc.string({ unit: fc.constantFrom('a', 'b', '.', '/', '*'), maxLength: 8 });
    fc.assert(
      fc.property(pattern, text, (glob, value) => {
        expect(compileGlob(glob).test(value)).toBe(reference(glob, value));
      }),
      { numRuns: 3000 },
    );
  });

  it('keep a part from being counted twice where the first and last parts overlap', () => {
    expect(compileGlob('a*a').test('a')).toBe(false);
    expect(compileGlob('a*a').test('aa')).toBe(true);
    expect(compileGlob('ab*b*bc').test('abbc')).toBe(false);
    expect(compileGlob('ab*b*bc').test('abbbc')).toBe(true);
  });

  it('answer a pattern made to backtrack against a long url at once (it once ran for minutes)', async () => {
    const http = new MockHttp([
      {
        match: { url: 'http://crm.test/*a*a*a*a*a*a*a*a*b' },
        respond: { status: 200 },
      },
    ]);
    const outcome = await http.transport(
      {
        method: 'GET',
        url: `http://crm.test/${'a'.repeat(60)}`,
        headers: {},
        timeoutMs: 1000,
        retry: { attempts: 1, backoffMs: 300, on: ['5xx'] },
      },
      new AbortController().signal,
    );
    expect(outcome.kind).toBe('network');
    expect(http.unmatched).toHaveLength(1);
  });
});
