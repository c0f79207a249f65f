/**
 * Bundles the studio's page (studio/page/main.ts and its CSS) into dist/studio/page/, where the
 * studio's server reads it: `npm run build` runs it after tsc, so the npm package ships the page
 * whole and the studio works offline. `--metafile` prints what each dependency weighs.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
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
await writeFile(`${outdir}/THIRD-PARTY-LICENSES.txt`, await licenses(Object.keys(result.metafile.inputs)));

/**
 * The licence of every package bundled into the page, as their licences ask to be kept with
 * copies of the code (the bundle strips comments, so it cannot carry them itself).
 */
async function licenses(inputs: readonly string[]): Promise<string> {
  const packages = [
    ...new Set(inputs.flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? [])),
  ].sort();
  const sections = await Promise.all(
    packages.map(async (name) => {
      const folder = `${root}node_modules/${name}`;
      const { version, license } = JSON.parse(await readFile(`${folder}/package.json`, 'utf8')) as {
        version: string;
        license?: string;
      };
      const file = (await readdir(folder)).find((entry) => /^licen[cs]e/i.test(entry));
      if (file === undefined) throw new Error(`${name} has no licence file to ship with the studio's page`);
      const text = await readFile(`${folder}/${file}`, 'utf8');
      return `${name} ${version} (${license ?? 'see below'})\n\n${text.trim()}\n`;
    }),
  );
  return `The studio's page (studio.js) bundles these packages.\n\n${sections.join('\n---\n\n')}`;
}
