import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scriptJsonSchema } from '../../engine/index.js';
import { casesJsonSchema } from '../../qa/case-schema.js';

describe('botflow.schema.json', () => {
  it('is the schema the code generates (run `npx botflow schema > botflow.schema.json` to refresh)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../../botflow.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(scriptJsonSchema());
  });

  it('has its twin for case files in botflow.cases.schema.json (`npx botflow schema --cases`)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../../botflow.cases.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(casesJsonSchema());
  });

  it('is draft-07 and knows every block type', () => {
    const schema = scriptJsonSchema();
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const text = JSON.stringify(schema);
    for (const type of ['message', 'ask', 'condition', 'request', 'bpl', 'end'])
      expect(text).toContain(`"const":"${type}"`);
  });

  it('is referenced by every sample script', () => {
    for (const name of ['client-identification', 'order-status', 'lead-capture']) {
      const text = readFileSync(new URL(`../../scripts/${name}.yaml`, import.meta.url), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../botflow.schema.json');
    }
  });
});
