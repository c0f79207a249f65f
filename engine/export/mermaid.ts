import type { BlockShape } from '../block-api/contract.js';
import { blockShape, scriptEdges } from '../script/edges.js';
import type { Script } from '../script/script.js';

/** One shape per kind of block, so the flow reads at a glance. */
const SHAPES: Record<BlockShape, [open: string, close: string]> = {
  say: ['[', ']'],
  question: ['[/', '/]'],
  decide: ['{', '}'],
  call: ['[(', ')]'],
  compute: ['[[', ']]'],
  stop: ['([', '])'],
};

/** Mermaid text: `#`, quotes and angle brackets become numeric entities (`#34;`), line breaks spaces. */
function text(value: string): string {
  return `"${value.replace(/[#"<>]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\r?\n/g, ' ')}"`;
}

/** The block graph as a Mermaid flowchart; node ids are generated so any block id is safe. */
export function toMermaid(script: Script): string {
  const ids = new Map([...script.blocks.keys()].map((id, i) => [id, `b${i}`]));
  const lines = ['flowchart TD', `  start((start)) --> ${ids.get(script.start) ?? 'b0'}`];
  for (const [id, block] of script.blocks) {
    const [open, close] = SHAPES[blockShape(block)];
    lines.push(`  ${ids.get(id) ?? ''}${open}${text(`${id} · ${block.type}`)}${close}`);
  }
  for (const { from, edge } of scriptEdges(script)) {
    const label = edge.label === undefined ? '' : `|${text(edge.label)}|`;
    lines.push(`  ${ids.get(from) ?? ''} -->${label} ${ids.get(edge.target) ?? ''}`);
  }
  if (script.onError !== undefined) lines.push(`  onError((on_error)) -.-> ${ids.get(script.onError) ?? ''}`);
  return `${lines.join('\n')}\n`;
}
