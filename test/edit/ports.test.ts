import { describe, expect, test } from 'vitest';
import { checkScript, editScript, outlineScript, type EditOperation } from '../../engine/index.js';
import { blockDefinitions } from '../../blocks/registry.js';
import { yaml } from '../support/scripts.js';

function apply(text: string, ...operations: EditOperation[]): string {
  return operations.reduce((current, operation) => {
    const result = editScript(current, operation);
    if (!result.ok) throw new Error(result.message);
    return result.text;
  }, text);
}

describe('skeletons', () => {
  test('every type’s skeleton loads but for the ways out still to connect', () => {
    for (const type of Object.keys(blockDefinitions)) {
      const text = apply('botflow: 1\nname: new\n', { kind: 'add-block', type });
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
  const text = yaml`
    botflow: 1
    name: ports
    blocks:
      ask:
        type: ask
        text: Size?
        save: size
        choices:
          - { label: Small, next: done }
          - { label: Large }
        next: done
      check:
        type: condition
        branches:
          - if: "size == 'S'"
        else: done
      call:
        type: request
        url: https://crm.example
        on: { '404': done, timeout: }
      split:
        type: random
        branches:
          - { weight: 1, next: done }
          - { weight: 3, next: done }
          - { weight: 4, next: nowhere }
      calc: { type: bpl, set: { a: '1' } }
      done: { type: end }
  `;

  test('every way out, connected or open, removable or not, and the ways each type adds', () => {
    const outline = outlineScript(text);
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
      split: [
        'branches[0].next=done × 12.5%',
        'branches[1].next=done × 37.5%',
        'branches[2].next=nowhere × 50%',
      ],
      calc: ['next=∅', 'on.error=∅ error'],
      done: [],
    });
    expect(Object.fromEntries(outline.blocks.map((block) => [block.id, block.adds]))).toEqual({
      ask: ['choice'],
      check: ['branch'],
      call: ['outcome'],
      split: ['branch'],
      calc: [],
      done: [],
    });
  });

  test('an open port is connected through its path, as the canvas names it', () => {
    const connected = apply(
      text,
      { kind: 'connect', block: 'check', port: 'branches[0].next', to: 'done' },
      { kind: 'connect', block: 'call', port: 'on.timeout', to: 'done' },
      { kind: 'connect', block: 'ask', port: 'choices[1].next', to: 'check' },
    );
    expect(connected).toBe(
      text
        .replace(`      - if: "size == 'S'"\n`, `      - if: "size == 'S'"\n        next: done\n`)
        .replace("on: { '404': done, timeout: }", "on: { '404': done, timeout: done }")
        .replace('- { label: Large }', '- { label: Large, next: check }'),
    );
  });
});
