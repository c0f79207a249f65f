import { describe, expect, test } from 'vitest';
import { outlineScript, problemBlock } from '../../engine/index.js';
import { yaml } from '../support/scripts.js';

describe('outlineScript', () => {
  test('gives every block of a script that loads, with its lines, edges, writes and summary', () => {
    const outline = outlineScript(
      yaml`
        botflow: 1
        name: shop
        start: ask
        on_error: sorry
        blocks:
          ask:
            type: ask
            text: "Your age?\nPlease."
            save: age
            expect: integer
            next: check
          check:
            type: condition
            branches:
              - if: "age >= 18"
                next: adult
            else: sorry

          adult: { type: end, result: adult }
          sorry: { type: end, text: Sorry }
          lost: { type: end }
      `,
      'shop.yaml',
    );
    expect(outline.script).toBeDefined();
    expect(outline).toMatchObject({ name: 'shop', start: 'ask', onError: 'sorry' });
    expect(
      outline.blocks.map((b) => [b.id, b.type, b.shape, b.lines.first, b.lines.last, b.reachable]),
    ).toEqual([
      ['ask', 'ask', 'question', 6, 11, true],
      ['check', 'condition', 'decide', 12, 17, true],
      ['adult', 'end', 'stop', 19, 19, true],
      ['sorry', 'end', 'stop', 20, 20, true],
      ['lost', 'end', 'stop', 21, 21, false],
    ]);
    const [ask, check] = outline.blocks;
    expect(ask).toMatchObject({ summary: 'Your age?', writes: ['age'], valid: true });
    expect(check?.summary).toBe('age >= 18');
    expect(check?.edges.map((edge) => [edge.label, edge.target])).toEqual([
      ['age >= 18', 'adult'],
      ['else', 'sorry'],
    ]);
  });

  test('a script with errors still gives every block, and what can be read of a broken one', () => {
    const outline = outlineScript(
      yaml`
        botflow: 1
        name: broken
        blocks:
          greet: { type: message, text: Hi, next: nowhere }
          check:
            type: condition
            branches:
              - if: "age >="
                next: greet
            else: greet
            colour: red
          odd: { type: telepathy }
          bare: 42
      `,
      'broken.yaml',
    );
    expect(outline.script).toBeUndefined();
    expect(outline.blocks.map((b) => [b.id, b.type, b.valid, b.edges.map((e) => e.target)])).toEqual([
      ['greet', 'message', true, ['nowhere']],
      ['check', 'condition', false, ['greet', 'greet']],
      ['odd', 'telepathy', false, []],
      ['bare', undefined, false, []],
    ]);
    expect(outline.problems.map((p) => [p.code, problemBlock(p)])).toEqual([
      ['block.unknown-target', 'greet'],
      ['expression.invalid', 'check'],
      ['schema.unknown-field', 'check'],
      ['block.unknown-type', 'odd'],
      ['block.not-a-map', 'bare'],
    ]);
  });

  test('YAML that does not parse gives its problem and no blocks', () => {
    const outline = outlineScript('botflow: 1\nblocks: [\n', 'bad.yaml');
    expect(outline.blocks).toEqual([]);
    expect(outline.problems[0]).toMatchObject({ code: 'yaml.syntax', file: 'bad.yaml' });
  });
});

describe('problemBlock', () => {
  test('reads the block from a problem’s path, quoted ids included', () => {
    expect(problemBlock({ path: 'blocks.greet.next' })).toBe('greet');
    expect(problemBlock({ path: 'blocks.ask-email' })).toBe('ask-email');
    expect(problemBlock({ path: 'blocks."bad id".type' })).toBe('bad id');
    expect(problemBlock({ path: 'blocks."say \\"hi\\""' })).toBe('say "hi"');
    expect(problemBlock({ path: 'start' })).toBeUndefined();
    expect(problemBlock({ path: 'blocks' })).toBeUndefined();
  });
});
