import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { useTempFolders } from '../support/temp-folders.js';

/*
 * The package's declaration files as a user's project sees them: block types declare their codes
 * to `BlockCodes` from their own modules, and those declarations must reach a project that imports
 * only `botflow`, or its `Code` would lose every block's codes. Runs on the built dist/ (npm test
 * builds first).
 */

const temp = useTempFolders('botflow-types-');

describe('the package’s types, from a project outside', () => {
  it('know every block’s codes as codes, and refuse a code that is none', async () => {
    const dir = await temp.project({
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          types: [],
        },
        files: ['use.ts'],
      }),
      'use.ts': `
        import type { Code, Diagnostic } from ${JSON.stringify(join(ROOT, 'dist/engine/index.js'))};
        const codes: Code[] = ['ask.no-valid-reply', 'bpl.failed', 'request.timeout', 'turn.step-cap'];
        export function failedRequest(diagnostic: Diagnostic): boolean {
          return diagnostic.code === 'request.timeout' || diagnostic.code === 'bpl.too-many-parts';
        }
        // @ts-expect-error: a code no module declares is not a Code
        const none: Code = 'ask.nonexistent';
        export { codes, none };
      `,
    });
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }');
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], {
      encoding: 'utf8',
    });
    expect({ status: tsc.status, output: tsc.stdout + tsc.stderr }).toEqual({ status: 0, output: '' });
    // A whole tsc run over the package: 15–17 s on a busy 2-core machine, over the default budget.
  }, 60_000);
});
