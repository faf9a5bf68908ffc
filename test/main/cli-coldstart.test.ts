/**
 * Cold start of the CLI (issue 12): each command loads only what it uses. A preload (`node --require`) lists every
 * file the real binary loads: CommonJS files from require.cache at exit (the launcher and the CommonJS chunks of
 * dist/cli, scripts/build-cli.mjs), builtins from Module._load, and whatever goes through the ESM loader (ESM-only
 * packages such as h5wasm, the .mjs chunks that import them) from a resolve hook it registers. dist/cli/meta.json says
 * which source modules and packages each chunk holds, so the lists below are in source terms (dist/src-main/….js
 * names, pkg:name for a package, bundled or not). `--help` and `--version` must load commander and the flag rules
 * only, the Kerr and Gaussian commands none of h5wasm, zod, the worker pool or the propagator unless they run it, and
 * only `export` loads h5wasm. Module lists rather than timings: this machine is shared, times are in
 * bench/coldStart.ts (`npm run bench -- coldStart`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SMALL_SPEC } from './studies/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** The binary users start: package.json "bin". */
const BIN = join(ROOT, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin.epstudio);
const dir = mkdtempSync(join(tmpdir(), 'epstudio-coldstart-'));
const hooks = join(dir, 'hooks.mjs');
const preload = join(dir, 'record.cjs');
const record = join(dir, 'record.json');
const workerRecord = join(dir, 'workers.txt');

const META = join(ROOT, 'dist', 'cli', 'meta.json');
let chunks: Map<string, string[]>;

/** A source or package path (relative to the project) in the names the tests use. */
const sourceName = (p: string) =>
  p.startsWith('node_modules/')
    ? p.replace(/^node_modules\/((@[^/]+\/)?[^/]+).*$/, 'pkg:$1')
    : /^[\w-]+:/.test(p)
      ? p // a build-made stand-in (lazy-builtin:child_process, scripts/build-cli.mjs)
      : 'dist/' + p.replace(/\.ts$/, '.js');

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'src-main', 'cli', 'actions', 'kerr.js')) || !existsSync(META)) {
    const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  }
  const meta = JSON.parse(readFileSync(META, 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  chunks = new Map(Object.entries(meta.outputs).map(([out, o]) => [out, Object.keys(o.inputs).map(sourceName)]));
  writeFileSync(hooks, 'export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write(`LOADED ${r.url}\\n`); return r; }\n');
  writeFileSync(
    preload,
    [
      "const Module = require('node:module');",
      "const { threadId } = require('node:worker_threads'); // before the hook below: the preload's own, not the CLI's",
      'const builtins = new Set();',
      'const load = Module._load;',
      "Module._load = function (request) { if (Module.isBuiltin(request)) builtins.add(request.startsWith('node:') ? request : 'node:' + request); return load.apply(this, arguments); };",
      `Module.register(${JSON.stringify(pathToFileURL(hooks).href)});`,
      // worker threads inherit --require: each appends the files it compiles (a terminated worker emits no 'exit')
      `if (threadId !== 0) { const compile = Module.prototype._compile; Module.prototype._compile = function (c, f) { require('node:fs').appendFileSync(${JSON.stringify(workerRecord)}, f + '\\n'); return compile.apply(this, arguments); }; }`,
      `else process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify({ files: Object.keys(require.cache), builtins: [...builtins] })));`,
    ].join('\n'),
  );
});

/** The modules (project-relative paths, package names, node: builtins) the binary loads for these arguments. */
function loaded(...args: string[]): { status: number | null; modules: string[]; stdout: string; files: string[] } {
  rmSync(record, { force: true });
  rmSync(workerRecord, { force: true });
  const r = spawnSync(process.execPath, ['--require', preload, BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const rec = JSON.parse(readFileSync(record, 'utf8')) as { files: string[]; builtins: string[] };
  const esm = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7));
  const files = [...new Set([...rec.files.map((f) => pathToFileURL(f).href), ...esm])].map((u) =>
    u.startsWith('file://') ? u.replace(pathToFileURL(ROOT).href + '/', '') : u,
  );
  // the binary must run the CommonJS bundle (else these lists would describe the fallback tsc tree, not what users start)
  expect(files).toContain('dist/cli/cli.cjs');
  const modules = files.flatMap((f) => (f.startsWith('bin/') ? [] : chunks.get(f) ?? [f.startsWith('node_modules/') ? sourceName(f) : f]));
  return { status: r.status, modules: [...new Set([...modules, ...rec.builtins])].sort(), stdout: r.stdout, files };
}

const HEAVY = ['pkg:h5wasm', 'pkg:zod', 'pkg:ml-matrix', 'pkg:ml-levenberg-marquardt', 'pkg:node-worker-threads-pool', 'pkg:cli-progress', 'pkg:csv-parse'];
// linalg/wasmKernel.js is the EPSTUDIO_WASM=0 switch (cli.ts), ~1 KB; the kernels' bytes are in the *Wasm.js modules
const ENGINE = /^dist\/src-core\/(kerr\/(quench|propagate|steadyState|spectrum|critical)|linalg\/(?!wasmKernel\.js$)|phaseSpace)|^dist\/src-main\/(studies\/|jobs\/|io\/(?!nonFinite\.js))/;

describe('cold start: one command registers only its group', () => {
  it('GROUP_OF names, for every command, the registrar that declares it (and nothing else)', async () => {
    const { Command } = await import('commander');
    const { COMMANDS, GROUP_OF, buildProgram } = await import('../../src-main/cli.js');
    const declared: string[] = [];
    for (const r of COMMANDS) {
      const p = new Command();
      r.register(p);
      for (const c of p.commands) {
        declared.push(c.name());
        expect(GROUP_OF[c.name()]).toBe(r);
      }
    }
    expect(Object.keys(GROUP_OF).sort()).toEqual(declared.sort());
    // the full program for anything that is not a command name, one group for a command
    expect(buildProgram(['node', 'epstudio', '--help']).commands.map((c) => c.name()).sort()).toEqual(declared.sort());
    expect(buildProgram(['node', 'epstudio', 'meanfield', '--json']).commands.map((c) => c.name())).toEqual(['steady', 'meanfield', 'quench']);
  });
});

describe('cold start: what each command loads', () => {
  it('--version and --help load commander and the flag registrations only', () => {
    for (const args of [['--version'], ['--help'], ['steady', '--help']]) {
      const r = loaded(...args);
      expect(r.status).toBe(0);
      const project = r.modules.filter((m) => m.startsWith('dist/'));
      for (const m of project) expect(m).toMatch(/^dist\/(src-main\/(cli\.js|version\.js|cli\/(args|kerrOptions|timing|stdio|commands\/\w+)\.js)|src-core\/(validation|kerr\/model|gaussian\/model|linalg\/wasmKernel)\.js)$/);
      expect(r.modules.filter((m) => m.startsWith('pkg:'))).toEqual(['pkg:commander']);
    }
    // help stays complete: every command is listed
    const help = loaded('--help').stdout;
    for (const c of ['steady', 'meanfield', 'quench', 'presets', 'run', 'resume', 'status', 'export', 'gaussian', 'gaussian-sweep', 'gaussian-spectrum', 'gaussian-fit', 'gap', 'gap-sweep', 'critical'])
      expect(help).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it('meanfield and steady --method exact load no solver, pool, spec or file-format module', () => {
    for (const args of [['meanfield', '--json'], ['steady', '--N', '5', '--eps', '1', '--json']]) {
      const r = loaded(...args);
      expect(r.status).toBe(0);
      for (const m of r.modules) {
        expect(HEAVY).not.toContain(m);
        expect(m).not.toMatch(ENGINE);
      }
      // node:crypto (temporary-file names of the atomic writer) only when a file is written
      expect(r.modules).toContain('node:fs');
      expect(r.modules).not.toContain('node:crypto');
    }
  });

  it('gaussian loads no fit (Levenberg–Marquardt, ml-matrix, csv-parse); gaussian-fit does', () => {
    const g = loaded('gaussian', '--preset', 'cavity-om', '--json');
    expect(g.status).toBe(0);
    for (const m of HEAVY) expect(g.modules).not.toContain(m);
    const csv = join(dir, 's.csv');
    writeFileSync(csv, 'f,psd\n0,1\n1,1\n');
    const fit = loaded('gaussian-fit', '--preset', 'cavity-om', '--spectrum', csv);
    expect(fit.modules).toContain('pkg:ml-levenberg-marquardt');
    expect(fit.modules).toContain('pkg:csv-parse');
  });

  it('heterodyne-sample draws without the tomography, the outcome reader or the pool; the propagator only with --t', () => {
    const ness = loaded('heterodyne-sample', '--N', '2', '--eps', '0.5', '--samples', '2', '--nmax', '12');
    expect(ness.status).toBe(0);
    expect(ness.modules).toContain('dist/src-core/lab/qSampling.js');
    for (const m of ness.modules) {
      expect(HEAVY).not.toContain(m);
      expect(m).not.toMatch(/^dist\/src-core\/(lab\/(analysis|tomography|knnEntropy)|kerr\/(quench|propagate))\.js$|^dist\/src-main\/(jobs|studies)\/|^dist\/src-main\/io\/samples\.js$|^dist\/src-main\/cli\/commands\/labRun\.js$/);
    }
    const quench = loaded('heterodyne-sample', '--N', '2', '--eps', '0.5', '--samples', '2', '--nmax', '12', '--t', '0.5');
    expect(quench.status).toBe(0);
    expect(quench.modules).toContain('dist/src-core/kerr/quench.js');
    expect(quench.modules).not.toContain('dist/src-core/lab/analysis.js');
  });

  it('quench and gap load their engine but no study scheduler, pool, spec (zod) or HDF5', () => {
    for (const [args, engine] of [
      [['quench', '--N', '2', '--eps-f', '0.6', '--t-max', '0.2', '--dt', '0.1'], 'dist/src-core/kerr/quench.js'],
      [['gap', '--N', '2', '--eps', '0.6', '--json'], 'dist/src-core/kerr/spectrum.js'],
    ] as const) {
      const r = loaded(...args);
      expect(r.status).toBe(0);
      expect(r.modules).toContain(engine);
      for (const m of r.modules) {
        expect(HEAVY.filter((h) => h !== 'pkg:csv-parse' && h !== 'pkg:ml-matrix')).not.toContain(m);
        // the quench's observables thread (observePipeline, its worker file) but not the pool or the scheduler
        expect(m).not.toMatch(/^dist\/src-main\/(studies\/|jobs\/(?!(observePipeline|workerFiles)\.js$))/);
      }
      expect(r.modules).not.toContain('node:crypto');
      // no thread started, so no worker_threads (the pipeline is opt-in: EPSTUDIO_QUENCH_PIPELINE=1)
      expect(r.modules).not.toContain('node:worker_threads');
    }
  });

  it('status loads the store and zod but not h5wasm; export loads it only once the folder passed its checks', () => {
    const s = loaded('status', join(dir, 'none'));
    expect(s.status).toBe(2);
    expect(s.modules).toContain('pkg:zod');
    expect(s.modules).not.toContain('pkg:h5wasm');
    // a missing (or damaged) folder is refused before h5wasm compiles its WebAssembly (~1 s); test/main/studies/cli.test.ts exports a real one
    const e = loaded('export', join(dir, 'none'), '--h5', join(dir, 'x.h5'));
    expect(e.status).not.toBe(0);
    expect(e.modules).not.toContain('pkg:h5wasm');
  });

  it('a study run loads the pool but not h5wasm; export of it loads h5wasm (ESM only: an .mjs chunk through import())', () => {
    const spec = join(dir, 'gap1.json');
    writeFileSync(spec, JSON.stringify({ ...SMALL_SPEC, name: 'gap1', tasks: [SMALL_SPEC.tasks[2]] }));
    const study = join(dir, 'gap1');
    const run = loaded('run', spec, '--out', study, '--workers', '1');
    expect(run.status).toBe(0);
    expect(run.modules).toContain('pkg:node-worker-threads-pool');
    expect(run.modules).not.toContain('pkg:h5wasm');
    // its worker is the bundled one (dist/workers/bundled, one file), not the tsc tree's modules
    const workerFiles = readFileSync(workerRecord, 'utf8').trim().split('\n').map((f) => f.replace(ROOT + '/', ''));
    expect(workerFiles).toContain('dist/workers/bundled/studyWorker.cjs');
    expect(workerFiles.filter((f) => f.startsWith('dist/') && f !== 'dist/workers/bundled/studyWorker.cjs')).toEqual([]);
    const e = loaded('export', study, '--h5', join(dir, 'gap1.h5'));
    expect(e.status).toBe(0);
    expect(e.modules).toContain('pkg:h5wasm');
    expect(e.files.filter((f) => /^dist\/cli\/h5export-\w+\.mjs$/.test(f))).toHaveLength(1);
  });
});

describe('cold start: the launcher writes results without the stdio streams, and loses none', () => {
  // bin/epstudio.cjs writes with write(2) (src-main/cli/stdio.ts) and exits as soon as nothing is pending
  it('a full disk on stdout is an error (exit 1, ENOSPC), not a silent success', () => {
    for (const args of [['meanfield', '--eps', '1', '--json'], ['heterodyne-sample', '--N', '2', '--eps', '0.5', '--samples', '20000', '--nmax', '12']]) {
      const fd = openSync('/dev/full', 'w');
      try {
        const r = spawnSync(process.execPath, [BIN, ...args], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', timeout: 60_000 });
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/ENOSPC/);
      } finally {
        closeSync(fd);
      }
    }
  });

  it('a reader slower than the writer gets every byte (the same as a file gets)', () => {
    const args = ['heterodyne-sample', '--N', '2', '--eps', '0.5', '--samples', '50000', '--nmax', '12', '--seed', '3'];
    const file = join(dir, 'h.csv');
    const fd = openSync(file, 'w');
    try {
      expect(spawnSync(process.execPath, [BIN, ...args], { stdio: ['ignore', fd, 'ignore'] }).status).toBe(0);
    } finally {
      closeSync(fd);
    }
    // through a pipe that is read only after the writer filled it (64 KiB): the writer blocks, then finishes
    const r = spawnSync('/bin/sh', ['-c', `"${process.execPath}" "${BIN}" ${args.join(' ')} | (sleep 0.5; cat)`], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.status).toBe(0);
    expect(r.stdout.replace(/^# date: .*\n/m, '')).toBe(readFileSync(file, 'utf8').replace(/^# date: .*\n/m, ''));
    expect(r.stdout.length).toBeGreaterThan(1 << 20);
  });
});
