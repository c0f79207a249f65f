/**
 * Bundles the command line (dist/cli/bin.js and each command, as tsc wrote them) into
 * dist/cli-bundle/, the package's `bin`: one file per command and shared chunks, so Node resolves
 * and reads a few files instead of hundreds, and zod's unused locales are left out. `npm run build`
 * runs it after tsc. Only the small packages every quick command needs are bundled; the heavy and
 * native ones stay imports, loaded as before only by the commands that use them.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import packageJson from '../package.json' with { type: 'json' };

const BUNDLED = new Set(['commander', 'expr-eval-fork', 're2js', 'yaml', 'zod']);
const OUT = 'dist/cli-bundle';

const root = fileURLToPath(new URL('..', import.meta.url));
// Chunk names carry hashes: the last build's would otherwise stay beside this one's.
await rm(`${root}${OUT}`, { recursive: true, force: true });
const commands = (await readdir(`${root}dist/cli/commands`)).filter((file) => file.endsWith('.js'));

/**
 * Every output lands in OUT, one folder below dist/: each module's `import.meta.url` is rewritten
 * to the URL it had in dist/, so the paths modules resolve from their own place (the studio's page,
 * the package's root, store drivers) stay what they were.
 */
const ownUrls: Plugin = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, async (args) => {
      // Packages have dist/ folders too; theirs are left as they are.
      if (relative(root, args.path).startsWith('node_modules')) return undefined;
      const source = await readFile(args.path, 'utf8');
      const fromOut = relative(`${root}${OUT}`, args.path).split('\\').join('/');
      const url = `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'js' };
    });
  },
};

await build({
  absWorkingDir: root,
  entryPoints: [
    { in: 'dist/cli/bin.js', out: 'bin' },
    ...commands.map((file) => ({ in: `dist/cli/commands/${file}`, out: file.replace(/\.js$/, '') })),
  ],
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  external: [...Object.keys(packageJson.dependencies), ...Object.keys(packageJson.devDependencies)].filter(
    (name) => !BUNDLED.has(name),
  ),
  // commander is CommonJS: its require() calls of Node's modules need a real require (named so
  // that it clashes with no bundled module's own createRequire).
  banner: {
    js: "import { createRequire as createBannerRequire } from 'node:module'; const require = createBannerRequire(import.meta.url);",
  },
  plugins: [ownUrls],
  logLevel: 'warning',
});
