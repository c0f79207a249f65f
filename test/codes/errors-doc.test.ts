import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { blockDefinitions } from '../../blocks/registry.js';
import { CATALOG } from '../../engine/catalog.js';
import { CODES } from '../../engine/codes.js';
import { ERRORS_DOC, renderErrorsDoc } from '../../tools/errors-doc.js';

describe('docs/errors.md', () => {
  it('is what the catalog generates (run npm run docs:errors)', async () => {
    expect(await readFile(ERRORS_DOC, 'utf8'), 'docs/errors.md is stale: run npm run docs:errors').toBe(
      await renderErrorsDoc(),
    );
  });

  it('lists every code of the catalog, each once', async () => {
    const page = await renderErrorsDoc();
    for (const code of Object.keys(CATALOG)) expect(page.split(`| \`${code}\` `).length, code).toBe(2);
  });
});

describe('the catalog of every code', () => {
  it('holds the engine’s codes and each block type’s own, none owned twice', () => {
    const blockCodes = Object.values(blockDefinitions).flatMap((definition) =>
      Object.keys(definition.codes ?? {}),
    );
    expect(new Set(blockCodes).size).toBe(blockCodes.length);
    for (const code of blockCodes) expect(Object.hasOwn(CODES, code), code).toBe(false);
    expect(Object.keys(CATALOG).sort()).toEqual([...Object.keys(CODES), ...blockCodes].sort());
    // The ask block's own code comes from its module, not from the engine's catalog.
    expect(blockDefinitions.ask.codes?.['ask.no-valid-reply']?.from).toBe('turn');
  });
});
