import { parse } from 'yaml';
import { parseScript } from '../engine/index.js';
import type { Comparison } from './harness.js';

/** A generated script of `count` blocks: messages, asks and conditions chained with templates and expressions. */
export function generatedScript(count: number): string {
  const lines = ['botflow: 1', 'name: generated', 'variables: { answer: "", score: 0 }', 'blocks:'];
  for (let i = 0; i < count; i++) {
    const next = i + 1 < count ? `b${i + 1}` : 'finish';
    switch (i % 3) {
      case 0:
        lines.push(
          `  b${i}: { type: message, text: "Step ${i}: {{ answer }} ({{ score + ${i} }})", next: ${next} }`,
        );
        break;
      case 1:
        lines.push(
          `  b${i}: { type: ask, text: "Question ${i}?", save: answer, expect: text, next: ${next} }`,
        );
        break;
      default:
        lines.push(
          `  b${i}:`,
          '    type: condition',
          `    branches: [{ if: "lower(answer) == 'skip' and score < ${i}", next: finish }]`,
          `    else: ${next}`,
        );
    }
  }
  lines.push('  finish: { type: end, result: done }');
  return `${lines.join('\n')}\n`;
}

const text = generatedScript(1000);

export const scriptBenchmarks: Comparison[] = [
  {
    name: 'load + validate, 1,000 blocks',
    subject: () => parseScript(text, 'generated.yaml'),
    baselineName: 'yaml.parse of the same text',
    baseline: (): unknown => parse(text),
  },
];
