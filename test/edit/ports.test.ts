import { describe, expect, test } from 'vitest';
import { checkScript, outlineScript } from '../../engine/index.js';
import { blockDefinitions } from '../../blocks/registry.js';
import { applied } from '../support/scripts.js';
import { WAYS } from './fixtures.js';

describe('skeletons', () => {
  test('every type’s skeleton loads but for the ways out still to connect', () => {
    for (const type of Object.keys(blockDefinitions)) {
      const text = applied('botflow: 1\nname: new\n', [{ kind: 'add-block', type }]);
      const problems = checkScript(text, 'new.yaml').problems.map(
        (problem) => `${problem.path}: ${problem.message}`,
      );
      const open: Record<string, string[]> = {
        condition: ['blocks.condition.else', 'blocks.condition.branches[0].next'],
        random: ['blocks.random.branches[0].next', 'blocks.random.branches[1].next'],
      };
      expect(
        problems.map((problem) => problem.split(':')[0]),
        type,
      ).toEqual(open[type] ?? []);
    }
  });
});

describe('ports', () => {
  test('every way out, connected or open, removable or not, and the ways each type adds', () => {
    const outline = outlineScript(WAYS);
    const ports = Object.fromEntries(
      outline.blocks.map((block) => [
        block.id,
        block.ports.map((port) =>
          `${port.path}=${port.target ?? '∅'}${port.removable ? ' ×' : ''} ${port.label}`.trim(),
        ),
      ]),
    );
    expect(ports).toEqual({
      ask: ['choices[0].next=done × Small', 'choices[1].next=∅ × Large', 'next=done', 'on.invalid=∅ invalid'],
      // A condition's one branch is not removable: it needs one. The block fails its schema (no branch target).
      check: ["branches[0].next=∅ size == 'S'", 'else=done else'],
      call: ['next=∅', 'on."404"=done × 404', 'on.timeout=∅ × timeout'],
      lookup: ['next=∅', 'on."404"=show × 404', 'on.success=show × success'],
      split: [
        'branches[0].next=done × 12.5%',
        'branches[1].next=done × 37.5%',
        'branches[2].next=nowhere × 50%',
      ],
      // A random's two branches are not removable: it needs two.
      pick: ['branches[0].next=show 50%', 'branches[1].next=lookup 50%'],
      calc: ['next=∅', 'on.error=∅ error'],
      show: [],
      done: [],
    });
    expect(Object.fromEntries(outline.blocks.map((block) => [block.id, block.adds]))).toEqual({
      ask: ['choice'],
      check: ['branch'],
      call: ['outcome'],
      lookup: ['outcome'],
      split: ['branch'],
      pick: ['branch'],
      calc: [],
      show: [],
      done: [],
    });
  });

  test('an open port is connected through its path, as the canvas names it', () => {
    const connected = applied(WAYS, [
      { kind: 'connect', block: 'check', port: 'branches[0].next', to: 'done' },
      { kind: 'connect', block: 'call', port: 'on.timeout', to: 'done' },
      { kind: 'connect', block: 'ask', port: 'choices[1].next', to: 'check' },
    ]);
    expect(connected).toBe(
      WAYS.replace(`      - if: "size == 'S'"\n`, `      - if: "size == 'S'"\n        next: done\n`)
        .replace("on: { '404': done, timeout: }", "on: { '404': done, timeout: done }")
        .replace('- { label: Large }', '- { label: Large, next: check }'),
    );
  });
});
