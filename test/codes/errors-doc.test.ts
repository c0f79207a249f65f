import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
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
    for (const code of Object.keys(CODES)) expect(page.split(`| \`${code}\` `).length, code).toBe(2);
  });
});
