import { parseDocument } from 'yaml';
import { copyBlocks, editScript, outlineScript, type EditOperation } from '../engine/index.js';
import { generatedScript } from '../test/edit/generate.js';
import type { Comparison } from './harness.js';

/**
 * Canvas operations on a generated 300-block script with comments everywhere, each beside the
 * yaml package's parseDocument of the same text: an operation parses the text, writes its
 * change, and parses the result again to check it, so a few parses' time is what it should cost.
 */
const text = generatedScript({
  seed: 300,
  blocks: 300,
  unit: 2,
  indentLists: true,
  crlf: false,
  finalBreak: true,
  setApart: true,
  quote: "'",
});
const outline = outlineScript(text);
const middle = outline.blocks[150];
const port = middle?.ports[0];
if (!middle || !port) throw new Error('the generated script has no block 150 with a port');
const way = outline.blocks.find((block) => block.adds.length > 0);

const operations: [string, EditOperation][] = [
  ['add-block', { kind: 'add-block', type: 'ask', after: middle.id }],
  ['delete-block', { kind: 'delete-block', id: middle.id }],
  ['rename-block', { kind: 'rename-block', id: middle.id, to: 'renamed' }],
  ['connect', { kind: 'connect', block: middle.id, port: port.path, to: outline.blocks[0]?.id ?? 'x' }],
  ['disconnect', { kind: 'disconnect', block: middle.id, port: port.path }],
  ['set-field', { kind: 'set-field', block: middle.id, path: 'type', value: 'end' }],
  ...(way
    ? [
        ['add-way', { kind: 'add-way', block: way.id, way: way.adds[0] ?? 'branch' }] as [
          string,
          EditOperation,
        ],
      ]
    : []),
  [
    'paste 3 blocks',
    {
      kind: 'paste',
      blocks: copyBlocks(
        text,
        outline.blocks.slice(10, 13).map((block) => block.id),
      ),
    },
  ],
];

for (const [name, operation] of operations) {
  const result = editScript(text, operation);
  if (!result.ok) throw new Error(`${name} was refused: ${result.message}`);
}

export const editBenchmarks: Comparison[] = operations.map(([name, operation]) => ({
  name: `${name}, 300 blocks`,
  subject: () => editScript(text, operation),
  baselineName: 'yaml parseDocument of the same text',
  baseline: () => parseDocument(text),
}));
