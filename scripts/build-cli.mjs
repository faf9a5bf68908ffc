// Called by scripts/build.mjs after tsc: the command line as CommonJS chunks in dist/cli/, which bin/epstudio.mjs
// loads (with require) in preference to the tsc tree (issue 12, cold start). The entry holds commander and the flag
// registrations; each `await import('./actions/…')` of a command becomes its own chunk, and modules shared by several
// commands go to shared chunks, so a command still loads only what it uses, but as a few files instead of ~40 modules.
//
// Why CommonJS: Node's ESM loader costs ~30 ms for the ~19 chunks of a command (async resolve and reads, translators,
// linking); require() of the same code is synchronous and cheaper. esbuild splits only ESM, so this is two passes:
//   1. bundle + split as ESM (chunk names already ending in .cjs), inline source maps, in memory;
//   2. each chunk through esbuild's transform to CommonJS (`import()` of a chunk becomes a lazy require), composing
//      the source maps, written with a linked .map (stack traces map back to the .ts with --enable-source-maps).
// A package that cannot be required (ESM only: h5wasm, @observablehq/plot) stays a real import(); a chunk that imports
// one statically stays ESM (.mjs, reached only through import()), as does any chunk that imports such a chunk.
// Pure-JS packages are bundled; packages with native code, WebAssembly or data files stay external and load from
// node_modules as before. Workers are bundled separately below (one file per workers/*.ts entry). The Electron main
// and the browser host stay the tsc output. dist/cli/meta.json maps every chunk to its source modules
// (test/main/cli-coldstart.test.ts reads it).
import { build, transform } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');
const BUNDLED = new Set(['commander', 'zod', 'csv-stringify', 'csv-parse', 'cli-progress', 'fft.js', 'ml-matrix', 'ml-levenberg-marquardt', 'is-any-array', 'node-worker-threads-pool']);
const packageOf = (s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]);
const rel = (p) => relative(root, p).split('\\').join('/');

const plugins = [
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
];

// ---- pass 1: ESM code splitting, in memory ----
rmSync(outdir, { recursive: true, force: true });
const r = await build({
  absWorkingDir: root,
  entryPoints: [join(root, 'src-main', 'cli.ts')],
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  metafile: true,
  write: false,
  logLevel: 'warning',
  // Whitespace and comments out (commander's JSDoc is most of its bytes: less to read and parse at every start);
  // identifiers kept, so stack traces stay readable; the linked source map maps them back (--enable-source-maps).
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'inline',
  plugins,
});

// ---- which chunks must stay ESM ----
const req = createRequire(join(root, 'package.json'));
const builtin = new Set(builtinModules);
/** An external package that require() cannot load on every Node ≥ 20.11 (no require export, or ESM code). */
function esmOnly(spec) {
  if (spec.startsWith('node:') || builtin.has(spec)) return false;
  let file;
  try {
    file = req.resolve(spec);
  } catch {
    return true;
  }
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  for (let d = dirname(file); d !== dirname(d); d = dirname(d)) {
    try {
      return JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).type === 'module';
    } catch {
      /* no package.json here: keep walking up */
    }
  }
  return false;
}
const outputs = r.metafile.outputs;
const chunkOf = (p) => rel(join(root, p));
const esm = new Set();
for (let changed = true; changed; ) {
  changed = false;
  for (const [out, o] of Object.entries(outputs)) {
    if (esm.has(out) || out.endsWith('.map')) continue;
    if (o.imports.some((i) => i.kind === 'import-statement' && (i.external ? esmOnly(i.path) : esm.has(chunkOf(i.path))))) {
      esm.add(out);
      changed = true;
    }
  }
}
const entry = rel(join(outdir, 'cli.cjs'));
if (esm.has(entry)) throw new Error('build-cli: the entry would have to stay ESM (it statically imports an ESM-only package)');
const finalName = (out) => (esm.has(out) ? out.replace(/\.cjs$/, '.mjs') : out);

// ---- pass 2: CommonJS (or ESM kept), linked source maps ----
// Renames keep every length (.cjs/.mjs; a 7-character stand-in for `import(`), so the maps of pass 1 stay valid.
const esmTargets = new Set([...esm].map((o) => './' + basename(o)));
const REAL_IMPORT = '_EPIM_('; // as long as 'import('
mkdirSync(outdir, { recursive: true });
const sizes = {};
for (const f of r.outputFiles) {
  const out = rel(f.path);
  let code = f.text;
  for (const t of esmTargets) code = code.split(`"${t}"`).join(`"${t.replace(/\.cjs$/, '.mjs')}"`);
  const name = basename(finalName(out));
  const isEsm = esm.has(out);
  const opts = { sourcefile: name, sourcemap: 'external', platform: 'node', target: 'node20', minifyWhitespace: true, logLevel: 'warning' };
  let t;
  if (isEsm) {
    // bundled CommonJS packages call require() for node builtins; ESM has none, so give the chunk one
    t = await transform(code, { ...opts, format: 'esm', banner: "import{createRequire as __epstudioRequire}from'node:module';const require=__epstudioRequire(import.meta.url);" });
  } else {
    // import() of an ESM chunk or ESM-only package stays a real import(); every other becomes a lazy require
    code = code.replace(/\bimport\("([^"]+)"\)/g, (m, s) => (s.endsWith('.mjs') || (!s.startsWith('.') && esmOnly(s)) ? `${REAL_IMPORT}"${s}")` : m));
    const usesMeta = code.includes('import.meta');
    t = await transform(code, {
      ...opts,
      format: 'cjs',
      supported: { 'dynamic-import': false },
      ...(usesMeta ? { define: { 'import.meta.url': '__epstudioMetaUrl' }, banner: 'var __epstudioMetaUrl=require("node:url").pathToFileURL(__filename).href;' } : {}),
    });
    t.code = t.code.split(REAL_IMPORT).join('import(');
    if (t.code.includes('import.meta')) throw new Error(`build-cli: import.meta left in ${name}`);
  }
  writeFileSync(join(outdir, name), `${t.code}//# sourceMappingURL=${name}.map\n`);
  writeFileSync(join(outdir, name + '.map'), t.map);
  sizes[name] = t.code.length;
}
// the metafile under the final names (the cold-start test maps loaded chunks to source modules with it)
const meta = { inputs: r.metafile.inputs, outputs: {} };
for (const [out, o] of Object.entries(outputs)) {
  meta.outputs[finalName(out)] = { ...o, imports: o.imports.map((i) => (i.external ? i : { ...i, path: finalName(chunkOf(i.path)) })), format: esm.has(out) ? 'esm' : 'cjs' };
}
writeFileSync(join(outdir, 'meta.json'), JSON.stringify(meta));

// ---- workers: one bundled CommonJS file per worker entry (every workers/*.ts that talks to its parent) ----
// A worker thread of the tsc tree loads the engine as ~30–60 ESM modules, each resolved, read and compiled by the ESM
// loader of that thread; bundled, it is one file read by require. src-main/jobs/pool.ts (workerScript) starts these
// when they are at least as new as the tsc output, else the tsc tree. Found by glob, so new workers need no edit here.
const workersSrc = join(root, 'workers');
const workersOut = join(root, 'dist', 'workers', 'bundled');
rmSync(workersOut, { recursive: true, force: true });
const workerEntries = readdirSync(workersSrc)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && /\bparentPort\b/.test(readFileSync(join(workersSrc, f), 'utf8')))
  .map((f) => join(workersSrc, f));
await build({
  absWorkingDir: root,
  entryPoints: workerEntries,
  outdir: workersOut,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  define: { 'import.meta.url': '__epstudioMetaUrl' },
  banner: { js: 'var __epstudioMetaUrl=require("node:url").pathToFileURL(__filename).href;' },
  plugins: plugins.slice(1),
});
