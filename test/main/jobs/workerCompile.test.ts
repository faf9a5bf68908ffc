// The pool's guard against a Node 20 abort at worker teardown (a background TurboFan job outliving its worker isolate:
// `NodePlatform::ForIsolate: Assertion (data.first) != nullptr`, seen once in CI): after synchronousWorkerCompilation()
// a worker's optimising compiles run on its own thread. Checked with V8's own trace in a fresh process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src-main/version.js';

const POOL = pathToFileURL(join(PROJECT_ROOT, 'dist', 'src-main', 'jobs', 'pool.js')).href;

function traceOfWorker(guard: boolean): string {
  const script = `
    import { setFlagsFromString } from 'node:v8';
    import { Worker } from 'node:worker_threads';
    const { synchronousWorkerCompilation } = await import(${JSON.stringify(POOL)});
    if (${guard}) synchronousWorkerCompilation();
    setFlagsFromString('--trace-opt');
    const hot = 'function f(x){let s=0;for(let i=0;i<1e5;i++)s+=Math.sqrt(i*x);return s} let t=0; for(let k=0;k<300;k++) t+=f(k); import("node:worker_threads").then((m) => m.parentPort.postMessage(t))';
    await new Promise((ok) => new Worker(hot, { eval: true }).on('message', ok));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('worker compilation', () => {
  it('after synchronousWorkerCompilation() a worker compiles optimised code on its own thread (kSynchronous), not in the background', () => {
    const compiles = (t: string) => t.split('\n').filter((l) => l.startsWith('[compiling method'));
    const guarded = compiles(traceOfWorker(true));
    expect(guarded.length).toBeGreaterThan(0);
    for (const l of guarded) expect(l).toMatch(/ConcurrencyMode::kSynchronous/);
    // …and the check can fail: without the guard the same worker compiles concurrently.
    expect(compiles(traceOfWorker(false)).some((l) => /ConcurrencyMode::kConcurrent/.test(l))).toBe(true);
  });
});
