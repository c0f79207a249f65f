import { readdirSync, readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import type MermaidApi from 'mermaid';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseScript, toDot, toMermaid } from '../../engine/index.js';

let mermaid: typeof MermaidApi;

beforeAll(async () => {
  // Mermaid's parser needs a DOM for its sanitizer; jsdom gives it one, no browser needed.
  const { window } = new JSDOM('<!doctype html><html><body></body></html>');
  Object.assign(globalThis, { window, document: window.document });
  mermaid = (await import('mermaid')).default;
});

const samples = readdirSync(new URL('../../scripts/', import.meta.url)).filter(
  (name) => name.endsWith('.yaml') && !name.endsWith('.cases.yaml'),
);

describe('Mermaid export', () => {
  it.each(samples)('gives Mermaid’s own parser a valid flowchart for scripts/%s', async (name) => {
    const text = readFileSync(new URL(`../../scripts/${name}`, import.meta.url), 'utf8');
    await expect(mermaid.parse(toMermaid(parseScript(text, name)))).resolves.toMatchObject({
      diagramType: 'flowchart-v2',
    });
  });

  it('keeps hostile ids and labels inert', async () => {
    const script = parseScript(
      [
        'botflow: 1',
        'name: "odd \\"name\\""',
        'variables: { x: "" }',
        'blocks:',
        '  end:',
        '    type: condition',
        '    branches:',
        '      - { if: "x == \'a\\" --> b[\\"#<script>\'", next: graph }',
        '      - { if: "x == \'|]}) ;\'", next: graph }',
        '    else: graph',
        '  graph: { type: end }',
        '',
      ].join('\n'),
    );
    const text = toMermaid(script);
    await expect(mermaid.parse(text)).resolves.toBeTruthy();
    expect(text).not.toContain('<script>');
    expect(toDot(script)).toContain('label="x == \'a\\" --> b[\\"#<script>\'"');
  });

  it('fails a broken chart (the check is real)', async () => {
    await expect(mermaid.parse('flowchart TD\n  a -->|x| ')).rejects.toThrow();
  });
});
