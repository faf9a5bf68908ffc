/** One section of the `npm run bench` report. */
export interface BenchRow {
  name: string;
  /** Measured value (seconds unless `unit` says otherwise). */
  value: number;
  unit: string;
  /** Baseline measured in the same run, if any, and value/baseline or baseline/value (say which in `note`). */
  baseline?: number;
  ratio?: number;
  /** Target from the issue, for the report (not asserted). */
  target?: string;
  note?: string;
}

export interface BenchSection {
  title: string;
  rows: BenchRow[];
}

/**
 * Median wall time (s) of `reps` calls of f. Warms up first for ~0.2 s (at most 200 calls): one warm-up call leaves
 * small kernels in V8's unoptimised tiers, which made K = 50 look slower than K = 100.
 */
export function timeIt(f: () => unknown, reps = 5): number {
  const w0 = performance.now();
  for (let i = 0; i < 200 && performance.now() - w0 < 200; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push((performance.now() - t0) / 1000);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}
