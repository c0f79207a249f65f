/**
 * Bundles the studio's page (studio/page/main.ts and its CSS) into dist/studio/page/, where the
 * studio's server reads it: `npm run build` runs it after tsc, so the npm package ships the page
 * whole and the studio works offline. `--metafile` prints what each dependency weighs.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { analyzeMetafile, build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/studio/page`;
await mkdir(outdir, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { studio: 'studio/page/main.ts' },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
if (process.argv.includes('--metafile')) process.stdout.write(await analyzeMetafile(result.metafile));
