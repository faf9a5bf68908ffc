/**
 * `EPSTUDIO_TIMING=1` (issue 12, cold start): each command adds the time spent inside its numerical functions
 * (performance.now around the engine calls, not flag parsing, module loading or output) with `compute(() => …)`, and
 * main() prints one line on stderr at the end:
 *   epstudio-timing: compute_s=0.0123 compute_cpu_s=0.0120 process_cpu_s=0.2100 process_wall_s=0.2500
 * compute_* are wall and CPU time (process.cpuUsage, every thread) inside those calls; process_* the whole process so
 * far (CPU of every thread, wall since the process started), so the bench can report the overhead of a cold process
 * against the compute of the same run. On a shared machine the CPU pair is the robust one (wall includes waiting for
 * a core). Nothing is written without the variable.
 */
import { writeErr } from './stdio.js';
let computeMs = 0;
let computeCpuUs = 0;

const cpuNow = (): number => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

/** Runs f (an engine call), adding its wall time to the command's compute time. */
export function compute<T>(f: () => T): T {
  const t0 = performance.now();
  const c0 = cpuNow();
  try {
    return f();
  } finally {
    computeMs += performance.now() - t0;
    computeCpuUs += cpuNow() - c0;
  }
}

/** The same for an engine call that returns a promise (work on the pool). */
export async function computeAsync<T>(f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const c0 = cpuNow();
  try {
    return await f();
  } finally {
    computeMs += performance.now() - t0;
    computeCpuUs += cpuNow() - c0;
  }
}

export const timingEnabled = (): boolean => process.env.EPSTUDIO_TIMING === '1';

/** The stderr line (when EPSTUDIO_TIMING=1); performance.now() counts from the start of the process. */
export function reportTiming(): void {
  if (!timingEnabled()) return;
  const s = (x: number) => x.toFixed(4);
  writeErr(
    `epstudio-timing: compute_s=${s(computeMs / 1000)} compute_cpu_s=${s(computeCpuUs / 1e6)} process_cpu_s=${s(cpuNow() / 1e6)} process_wall_s=${s(performance.now() / 1000)}\n`,
  );
}

/** Parses the line above out of a child's stderr (bench, tests); undefined when absent. */
export function parseTiming(stderr: string): { compute: number; computeCpu: number; cpu: number; wall: number } | undefined {
  const m = /epstudio-timing: compute_s=([\d.]+) compute_cpu_s=([\d.]+) process_cpu_s=([\d.]+) process_wall_s=([\d.]+)/.exec(stderr);
  return m ? { compute: Number(m[1]), computeCpu: Number(m[2]), cpu: Number(m[3]), wall: Number(m[4]) } : undefined;
}
