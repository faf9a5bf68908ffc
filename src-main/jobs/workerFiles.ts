/**
 * Where worker threads come from and how they are compiled, apart from the pool so that a module starting its own
 * worker (observePipeline.ts) does not load node-worker-threads-pool (cold start, issue 12). pool.ts re-exports these.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { PROJECT_ROOT } from '../version.js';

/**
 * The file a worker thread runs for workers/<name>.ts (workers must be JS on Node 20), built by `npm run build`: the
 * bundled CommonJS file dist/workers/bundled/<name>.cjs (scripts/build-cli.mjs; one file instead of the ESM loader
 * resolving and compiling ~30–60 engine modules in every new thread, issue 12) unless the tsc output
 * dist/workers/<name>.js is newer (only tsc re-run since), else that. In a packaged app the code lives in app.asar,
 * which worker threads cannot load from; electron.config.ts unpacks dist/workers (and what it imports) next to it,
 * so point at the unpacked copy.
 */
export function workerScript(name: string, root = PROJECT_ROOT): string {
  const tsc = join(root, 'dist', 'workers', `${name}.js`);
  const bundled = join(root, 'dist', 'workers', 'bundled', `${name}.cjs`);
  const mtime = (p: string) => statSync(p, { throwIfNoEntry: false })?.mtimeMs;
  const b = mtime(bundled);
  const t = mtime(tsc);
  return unpackedPath(b !== undefined && (t === undefined || b >= t) ? bundled : tsc);
}

export function unpackedPath(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

/**
 * Call before creating worker threads. Node 20 can abort the whole process (`NodePlatform::ForIsolate: Assertion
 * (data.first) != nullptr`, seen once in CI at the end of a study run) when a worker isolate is torn down while one of
 * V8's background TurboFan jobs for it is still running: the job asks the platform for the isolate's task runner after
 * the isolate was unregistered. Without concurrent recompilation, isolates created from now on (the workers) compile
 * optimised code on their own thread, so no background job outlives them; the cost is a few ms of compilation inside
 * each worker's long computations. Process-wide and idempotent; the main isolate, created before, is unchanged.
 */
let workerCompileSet = false;
export function synchronousWorkerCompilation(): void {
  if (workerCompileSet) return;
  // node:v8 loaded here, not with the module (the quench imports this file whether or not it starts a worker)
  (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString('--no-concurrent-recompilation');
  workerCompileSet = true;
}
