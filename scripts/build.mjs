// One build for everything that runs under Node (engine, main/CLI/host, workers, bench) plus the renderer bundle.
// Workers must be compiled JS (Node 20 cannot run .ts in a worker thread), hence tsc rather than a TS loader.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function step(label, cmd, args) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[build] ${label} failed`);
    process.exit(r.status ?? 1);
  }
  console.error(`[build] ${label} ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

if (!existsSync(bin('tsc'))) {
  // `prepare` also runs for consumers without devDependencies; nothing to build there.
  console.error('[build] typescript not installed; skipping build');
  process.exit(0);
}
step('tsc (engine, main, workers, bench)', bin('tsc'), ['-p', 'tsconfig.build.json']);
step('cli bundle (esbuild → dist/cli)', process.execPath, [join(root, 'scripts', 'build-cli.mjs')]);
if (existsSync(join(root, 'scripts', 'build-extra.mjs'))) step('extra (preload, renderer)', process.execPath, [join(root, 'scripts', 'build-extra.mjs')]);
