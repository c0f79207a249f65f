import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockDefinitions } from '../../blocks/registry.js';
import { ROOT } from '../support/cli.js';
import { YamlLanguageServer, type Position } from '../support/language-server.js';

/*
 * botflow.schema.json as an editor reads it: yaml-language-server (what VS Code's YAML extension
 * runs) over LSP, given scripts whose first line names the schema as the samples' do.
 */

const SCHEMA_LINE = '# yaml-language-server: $schema=../botflow.schema.json';
const TYPES = Object.keys(blockDefinitions);
const TYPES_ACCEPTED = `Value is not accepted. Valid values: ${TYPES.map((type) => `"${type}"`).join(', ')}.`;
/** LSP's CompletionItemKind of a map's key. */
const PROPERTY = 10;
const SAMPLES = `${ROOT}scripts/`;

let server: YamlLanguageServer | undefined;
let opened = 0;

beforeAll(async () => {
  // The schema comes from each script's first line; the catalogue of schemastore.org is not fetched.
  server = await YamlLanguageServer.start({
    schemaStore: { enable: false },
    validate: true,
    completion: true,
  });
});

afterAll(async () => {
  await server?.stop();
});

function running(): YamlLanguageServer {
  if (!server) throw new Error('the language server starts in beforeAll');
  return server;
}

/** A script of `blocks` (the lines under `blocks:`), its first line naming the schema. */
function script(blocks: readonly string[]): string {
  return [SCHEMA_LINE, 'botflow: 1', 'name: broken', 'blocks:', ...blocks, ''].join('\n');
}

/** The (0-based) number of the line of `text` that is `line`. */
function lineOf(text: string, line: string): number {
  const index = text.split('\n').indexOf(line);
  if (index < 0) throw new Error(`no line "${line}" in:\n${text}`);
  return index;
}

/** Opens `text` as a new script beside the samples, so its schema line finds the schema. */
async function open(text: string): Promise<{ uri: string; diagnostics: [number, string][] }> {
  const uri = pathToFileURL(`${SAMPLES}editor-${++opened}.yaml`).href;
  const diagnostics = await running().open(uri, text);
  return { uri, diagnostics: diagnostics.map(({ range, message }) => [range.start.line, message]) };
}

async function diagnosticsOf(text: string): Promise<[number, string][]> {
  return (await open(text)).diagnostics;
}

/** The keys offered at `position`: the snippet of a whole block's required fields left out. */
async function keysOffered(uri: string, position: Position): Promise<string[]> {
  const items = await running().completion(uri, position);
  return items.filter(({ kind }) => kind === PROPERTY).map(({ label }) => label);
}

describe('an editor given botflow.schema.json', () => {
  it('finds nothing wrong in the sample scripts', async () => {
    const samples = readdirSync(SAMPLES).filter(
      (name) => name.endsWith('.yaml') && !name.endsWith('.cases.yaml'),
    );
    expect(samples.length).toBeGreaterThanOrEqual(3);
    for (const name of samples) {
      const text = readFileSync(`${SAMPLES}${name}`, 'utf8');
      const diagnostics = await running().open(pathToFileURL(`${SAMPLES}${name}`).href, text);
      expect({ name, diagnostics }).toEqual({ name, diagnostics: [] });
    }
  });

  it("reports a condition's missing else, an ask's missing save and a request's method, on their blocks' lines", async () => {
    const condition = script([
      '  check:',
      '    type: condition',
      '    branches:',
      '      - if: "status == \'paid\'"',
      '        next: done',
      '  done: { type: end }',
    ]);
    expect(await diagnosticsOf(condition)).toEqual([
      [lineOf(condition, '  check:'), 'Missing property "else".'],
    ]);

    const ask = script([
      '  question:',
      '    type: ask',
      '    text: What is your name?',
      '    next: done',
      '  done: { type: end }',
    ]);
    expect(await diagnosticsOf(ask)).toEqual([[lineOf(ask, '  question:'), 'Missing property "save".']]);

    const request = script([
      '  lookup:',
      '    type: request',
      '    method: FETCH',
      '    url: https://crm.example.com',
    ]);
    expect(await diagnosticsOf(request)).toEqual([
      [
        lineOf(request, '    method: FETCH'),
        'Value is not accepted. Valid values: "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD".',
      ],
    ]);
  });

  it('names the block types, and no field of any of them, when `type` is misspelt', async () => {
    const text = script([
      '  check:',
      '    type: conditon',
      '    branches:',
      '      - if: "status == \'paid\'"',
      '        next: done',
      '    else: done',
      '  done: { type: end }',
    ]);
    expect(await diagnosticsOf(text)).toEqual([[lineOf(text, '    type: conditon'), TYPES_ACCEPTED]]);

    const capitalised = script(['  hello:', '    type: Message', '    text: Hello!']);
    expect(await diagnosticsOf(capitalised)).toEqual([
      [lineOf(capitalised, '    type: Message'), TYPES_ACCEPTED],
    ]);
  });

  it('asks for a type, and for no other type’s field, while a new block has none yet', async () => {
    const text = script(['  check:', '    type:']);
    const typeLine = lineOf(text, '    type:');
    expect(await diagnosticsOf(text)).toEqual([
      [typeLine, 'Incorrect type. Expected "string".'],
      [typeLine, TYPES_ACCEPTED],
    ]);
  });

  it("completes a block's keys from its own type only, and `type:` with the block types", async () => {
    const condition = script([
      '  check:',
      '    type: condition',
      '    branches: []',
      '    ',
      '  done: { type: end }',
    ]);
    const inCondition = await open(condition);
    expect(await keysOffered(inCondition.uri, { line: lineOf(condition, '    '), character: 4 })).toEqual([
      'else',
    ]);

    const request = script(['  lookup:', '    type: request', '    url: https://crm.example.com', '    ']);
    const inRequest = await open(request);
    expect(await keysOffered(inRequest.uri, { line: lineOf(request, '    '), character: 4 })).toEqual([
      'method',
      'query',
      'headers',
      'body',
      'form',
      'timeout',
      'retry',
      'save',
      'on',
      'next',
    ]);

    // Before its type is written, a block offers the key that chooses it, not every type's fields.
    const untyped = script(['  check:', '    ']);
    const inUntyped = await open(untyped);
    expect(await keysOffered(inUntyped.uri, { line: lineOf(untyped, '    '), character: 4 })).toEqual([
      'type',
    ]);

    const typing = script(['  check:', '    type: ']);
    const atType = await open(typing);
    const values = await running().completion(atType.uri, {
      line: lineOf(typing, '    type: '),
      character: 10,
    });
    expect(values.map(({ label }) => label)).toEqual(TYPES);
  });
});
