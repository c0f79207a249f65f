import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate, tryRenderTemplate } from '../../engine/template/index.js';

/** Text rich in the characters that matter to the template scanner. */
const templateText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc
    .array(
      fc.constantFrom(
        '{{',
        '}}',
        '\\{{',
        '{',
        '}',
        '"',
        "'",
        '\\',
        ' ',
        'x',
        'name',
        '.',
        '(',
        ')',
        '+',
        'lower(x)',
        '\n',
      ),
      {
        maxLength: 40,
      },
    )
    .map((parts) => parts.join('')),
);

describe('templates never throw', () => {
  it('parse, and render whatever parses, for any text and scope', () => {
    fc.assert(
      fc.property(
        templateText,
        fc.dictionary(fc.constantFrom('x', 'name'), fc.jsonValue()),
        (text, scope) => {
          const parsed = parseTemplate(text);
          if (Array.isArray(parsed)) {
            expect(parsed.length).toBeGreaterThan(0);
            for (const problem of parsed) {
              expect(problem.offset).toBeGreaterThanOrEqual(0);
              expect(problem.offset).toBeLessThanOrEqual(text.length);
            }
            return;
          }
          expect(typeof renderTemplate(parsed, scope)).toBe('string');
          expect(typeof tryRenderTemplate(parsed, scope).ok).toBe('boolean');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('render text without placeholders exactly, escapes aside', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        fc.pre(!text.includes('{{'));
        const parsed = parseTemplate(text);
        expect(Array.isArray(parsed) ? parsed : renderTemplate(parsed, {})).toBe(text);
      }),
    );
  });
});
