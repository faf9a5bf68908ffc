// Called by scripts/build.mjs after tsc: the command line as ESM chunks (esbuild, code splitting) in dist/cli/, which
// bin/epstudio.mjs loads in preference to the tsc tree (issue 12, cold start). The entry holds commander and the flag
// registrations; each `await import('./actions/…')` of a command becomes its own chunk, and modules shared by several
// commands go to shared chunks, so a command still loads only what it uses, but as a few files instead of ~40 modules
// and packages (each ESM module costs a resolve, a file read and a compile; CommonJS packages also the CJS lexer).
// Pure-JS packages are bundled; packages with native code, WebAssembly or data files stay external and load from
// node_modules as before. Workers (dist/workers) and the Electron main stay the tsc output. dist/cli/meta.json maps
// every chunk to its source modules (test/main/cli-coldstart.test.ts reads it).
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');
const BUNDLED = new Set(['commander', 'zod', 'csv-stringify', 'csv-parse', 'cli-progress', 'fft.js', 'ml-matrix', 'ml-levenberg-marquardt', 'node-worker-threads-pool']);
const packageOf = (s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]);

rmSync(outdir, { recursive: true, force: true });
const r = await build({
  absWorkingDir: root,
  entryPoints: [join(root, 'src-main', 'cli.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  metafile: true,
  logLevel: 'warning',
  // Whitespace and comments out (commander's JSDoc is most of its bytes: less to read and parse at every start);
  // identifiers kept, so stack traces stay readable; the linked source map maps them back (--enable-source-maps).
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  // Bundled CommonJS packages call require() for node builtins; ESM has none, so give each chunk one.
  banner: { js: "import { createRequire as __epstudioRequire } from 'node:module'; const require = __epstudioRequire(import.meta.url);" },
  plugins: [
    {
      // commander requires node:child_process at load time (≈ 3–15 ms of compiling net, stream, dgram …) only to spawn
      // executable subcommands, which this CLI never declares: give it a stand-in that loads the module on first use.
      name: 'lazy-child-process-for-commander',
      setup(b) {
        b.onResolve({ filter: /^(node:)?child_process$/ }, (a) => (a.importer.includes('node_modules/commander/') ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined));
        b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
          contents: "let m; module.exports = { spawn: (...a) => (m ??= require('node:child_process')).spawn(...a) };",
          loader: 'js',
        }));
      },
    },
    {
      name: 'external-packages',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('node:') || !BUNDLED.has(packageOf(a.path)) ? { path: a.path, external: true } : undefined));
      },
    },
  ],
});
writeFileSync(join(outdir, 'meta.json'), JSON.stringify(r.metafile));
