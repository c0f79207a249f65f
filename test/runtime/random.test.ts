import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toDot, toMermaid } from '../../engine/index.js';
import { LOCAL_KEY } from '../../qa/run-case.js';
import { runSuite } from '../../qa/run-suite.js';
import { botOf, problems, scriptOf, yaml } from '../support/scripts.js';
import { useTempFolders } from '../support/temp-folders.js';

/*
 * The random block (an A/B split): which branch a conversation takes, that it takes it every time,
 * the spread over many conversations, `save`, forcing a branch from the bot and from a QA case, and
 * what validation and the graph make of it.
 */

const SPLIT = yaml`
  botflow: 1
  name: split
  variables: { offer: '' }
  blocks:
    offer-split:
      type: random
      save: offer
      branches:
        - { weight: 70, next: discount, value: discount }
        - { weight: 30, next: gift }
    discount: { type: end, text: '10% off today.', result: discount }
    gift: { type: end, text: 'A gift with your order.', result: gift }
`;

describe('random block', () => {
  it('splits conversations by weight, by their keys', async () => {
    const bot = botOf(SPLIT);
    const results = await Promise.all(
      Array.from({ length: 2000 }, async (_, i) => (await bot.start(`telegram:${i}`)).result),
    );
    const discounts = results.filter((result) => result === 'discount').length;
    expect(discounts + results.filter((result) => result === 'gift').length).toBe(2000);
    // The keys are fixed, so the share is too: within a binomial standard deviation or two of 70%.
    expect(discounts / 2000).toBeGreaterThan(0.68);
    expect(discounts / 2000).toBeLessThan(0.72);
  });

  it('takes the same branch every time one conversation comes by, and another may take the other', async () => {
    const bot = botOf(SPLIT);
    const first = new Map<string, string | null>();
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) first.set(key, (await bot.start(key)).result);
    for (const [key, result] of first) {
      expect((await bot.start(key)).result).toBe(result);
      expect((await botOf(SPLIT).start(key)).result).toBe(result);
    }
    expect(new Set(first.values())).toEqual(new Set(['discount', 'gift']));
  });

  it('splits two scripts with a block of the same id independently', async () => {
    const other = SPLIT.replace('name: split', 'name: another-split');
    const sides = async (text: string) => {
      const bot = botOf(text);
      return Promise.all(Array.from({ length: 200 }, async (_, i) => (await bot.start(`k${i}`)).result));
    };
    const [first, second] = await Promise.all([sides(SPLIT), sides(other)]);
    const same = first.filter((result, i) => result === second[i]).length;
    // Independent 70/30 splits agree on 0.7² + 0.3² = 58% of keys; the same split would on all.
    expect(same).toBeGreaterThan(90);
    expect(same).toBeLessThan(150);
  });

  it('saves the branch value, or its next without one', async () => {
    const discount = await botOf(SPLIT, { draws: { 'offer-split': 0 } }).start('k');
    expect(discount).toMatchObject({ result: 'discount', variables: { offer: 'discount' } });
    const gift = await botOf(SPLIT, { draws: { 'offer-split': 0.99 } }).start('k');
    expect(gift).toMatchObject({ result: 'gift', variables: { offer: 'gift' } });
  });

  it.each([
    [0, 'discount'],
    [0.6999, 'discount'],
    [0.7, 'gift'],
    [0.9999999, 'gift'],
  ])('goes where a fixed draw of %d says', async (draw, result) => {
    expect((await botOf(SPLIT, { draws: { 'offer-split': draw } }).start('k')).result).toBe(result);
  });

  it('splits by any positive weights, in the order written', async () => {
    const bot = (draw: number) =>
      botOf(
        yaml`
          botflow: 1
          name: thirds
          blocks:
            pick:
              type: random
              branches:
                - { weight: 0.5, next: a }
                - { weight: 1, next: b }
                - { weight: 1.5, next: c }
            a: { type: end, result: a }
            b: { type: end, result: b }
            c: { type: end, result: c }
        `,
        { draws: { pick: draw } },
      );
    const results = await Promise.all(
      [0, 0.16, 0.17, 0.49, 0.5, 0.99].map(async (d) => (await bot(d).start('k')).result),
    );
    expect(results).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
  });

  it('is refused with fewer than two branches or a weight that is not positive', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: bad
        blocks:
          one:
            type: random
            branches: [{ weight: 1, next: end }]
          two:
            type: random
            branches: [{ weight: 0, next: end }, { weight: -1, next: end }]
          end: { type: end }
      `),
    ).toEqual([
      '6:15: error: "branches" must have at least 2 items',
      '9:26: error: "weight" must be more than 0',
      '9:52: error: "weight" must be more than 0',
    ]);
  });

  it('has its branch targets checked like every edge, with a did-you-mean', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: typo
        blocks:
          pick:
            type: random
            branches: [{ weight: 1, next: done }, { weight: 1, next: dnoe }]
          done: { type: end }
      `),
    ).toEqual([expect.stringMatching(/^6:\d+: error: .*"dnoe".*/)]);
  });

  it('is a loop without a pause when it leads back to itself, like a condition', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: spin
        blocks:
          spin:
            type: random
            branches: [{ weight: 1, next: spin }, { weight: 1, next: done }]
          done: { type: end }
      `),
    ).toEqual([expect.stringContaining('loop without an ask or request')]);
  });

  it('draws its branches with their shares in the graph', () => {
    const script = scriptOf(SPLIT);
    expect(toMermaid(script)).toContain('b0{"offer-split · random"}');
    expect(toMermaid(script)).toContain('b0 -->|"70%"| b1');
    expect(toMermaid(script)).toContain('b0 -->|"30%"| b2');
    expect(toDot(script)).toContain('"offer-split" [shape=diamond, label="offer-split\\nrandom"];');
    const tiny = scriptOf(SPLIT.replace('weight: 30', 'weight: 0.0001'));
    expect(toMermaid(tiny)).toContain('b0 -->|"#60;0.1%"| b2');
    expect(toMermaid(tiny)).toContain('b0 -->|"100%"| b1');
  });
});

describe('random block in QA cases', () => {
  const temp = useTempFolders('botflow-random-');

  it('takes the branch a case forces with draws, and coverage counts both branches', async () => {
    const dir = await temp.project({
      'split.yaml': SPLIT,
      'split.cases.yaml': `script: split.yaml
cases:
  - name: discount
    draws: { offer-split: 0.1 }
    steps: [{ bot: '10% off today.' }]
    expect: { result: discount, variables: { offer: discount } }
  - name: gift
    draws: { offer-split: 0.8 }
    steps: [{ bot: 'A gift with your order.' }]
    expect: { result: gift, variables: { offer: gift } }
  - name: unforced, the same every run
    expect: { result: ${(await botOf(SPLIT).start(LOCAL_KEY)).result ?? ''} }
`,
    });
    const run = await runSuite([join(dir, 'split.cases.yaml')]);
    expect(run.files.flatMap((file) => file.results.map((result) => [result.name, result.passed]))).toEqual([
      ['discount', true],
      ['gift', true],
      ['unforced, the same every run', true],
    ]);
    expect(run.coverage).toEqual([
      expect.objectContaining({
        blocks: { total: 3, reached: 3 },
        branches: { total: 2, reached: 2 },
        unreached: [],
      }),
    ]);
  });
});
