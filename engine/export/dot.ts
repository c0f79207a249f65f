import type { BlockShape } from '../block-api/contract.js';
import { blockShape, scriptEdges } from '../script/edges.js';
import type { Script } from '../script/script.js';

const SHAPES: Record<BlockShape, string> = {
  say: 'box',
  question: 'parallelogram',
  decide: 'diamond',
  call: 'cylinder',
  compute: 'component',
  stop: 'doublecircle',
};

/** A DOT string literal. */
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/\r?\n/g, '\\n')}"`;
}

/** The block graph in Graphviz DOT. */
export function toDot(script: Script): string {
  // Block ids start with a letter, so `_start` and `_on_error` can never be a block's.
  const lines = [
    `digraph ${quote(script.name)} {`,
    '  node [fontname="Helvetica"];',
    '  _start [shape=point];',
  ];
  lines.push(`  _start -> ${quote(script.start)};`);
  for (const [id, block] of script.blocks) {
    lines.push(
      `  ${quote(id)} [shape=${SHAPES[blockShape(block)]}, label=${quote(`${id}\n${block.type}`)}];`,
    );
  }
  for (const { from, edge } of scriptEdges(script)) {
    const label = edge.label === undefined ? '' : ` [label=${quote(edge.label)}]`;
    lines.push(`  ${quote(from)} -> ${quote(edge.target)}${label};`);
  }
  if (script.onError !== undefined) {
    lines.push('  _on_error [shape=plaintext, label="on_error"];');
    lines.push(`  _on_error -> ${quote(script.onError)} [style=dashed];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
