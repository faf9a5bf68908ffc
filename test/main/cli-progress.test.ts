/** Progress lines of the single-shot commands (issue 12): silent for 2 s, then at most one line a second. */
import { describe, expect, it, vi } from 'vitest';
import { phaseReporter, QUIET_MS, thousands, throttledReporter } from '../../src-main/cli/progress.js';

describe('throttledReporter', () => {
  it('writes nothing in the first 2 s, then at most one line a second, and a last line only if it wrote', () => {
    let t = 0;
    const lines: string[] = [];
    const r = throttledReporter('critical', () => t, (s) => lines.push(s));
    for (t = 0; t < QUIET_MS; t += 10) r(() => `at ${t}`);
    expect(lines).toEqual([]);
    for (; t <= 5000; t += 10) r(() => `at ${t}`);
    // 2.0, 3.0, 4.0, 5.0 s
    expect(lines.map((l) => l.match(/(\d+\.\d) s\n$/)![1])).toEqual(['2.0', '3.0', '4.0', '5.0']);
    expect(lines[0]).toBe('[critical] at 2000, 2.0 s\n');
    r.done(() => 'done');
    expect(lines.at(-1)).toBe('[critical] done, 5.0 s\n');
    const quiet: string[] = [];
    const q = throttledReporter('x', () => 100, (s) => quiet.push(s));
    q(() => 'a');
    q.done(() => 'done');
    expect(quiet).toEqual([]); // a short run stays silent, also at the end
  });

  it('thousands groups digits as en-US toLocaleString does', () => {
    for (const n of [0, 7, 999, 1000, 22500, 160000, 1234567, 10 ** 9]) expect(thousands(n)).toBe(n.toLocaleString('en-US'));
  });

  it('phaseReporter announces each phase only when the caller expects a slow run', () => {
    const lines: string[] = [];
    phaseReporter('steady', true, () => 1500, (s) => lines.push(s))('factorising');
    phaseReporter('steady', false, () => 0, (s) => lines.push(s))('factorising');
    expect(lines).toEqual(['[steady] factorising … (0.0 s)\n']);
  });
});

describe('study progress (epstudio run)', () => {
  it("an untilNess task's total follows its predicted arrival, then the rows it wrote, not the t_max cap", async () => {
    const { progressRenderer } = await import('../../src-main/cli/actions/study.js');
    let now = 0;
    const lines: string[] = [];
    const spyNow = vi.spyOn(Date, 'now').mockImplementation(() => now);
    const spyWrite = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (lines.push(String(s)), true));
    const tty = process.stderr.isTTY;
    try {
      (process.stderr as { isTTY?: boolean }).isTTY = false;
      const r = progressRenderer('run');
      const ids = { studyId: 's', taskId: 'q' } as const;
      // cap t ≤ 20 000 at Δt = 0.1: 200 001 rows; a fixed-length task of 101 rows beside it
      r.onEvent({ type: 'study-started', studyId: 's', dir: '/x', resumed: false, tasks: [
        { id: 'q', kind: 'quench', label: 'q', figures: [], params: {}, samples: 200001 },
        { id: 'g', kind: 'gap-sweep', label: 'g', figures: [], params: {}, samples: 101 },
      ] });
      expect(lines.at(-1)).toMatch(/^run: 0\/200102 rows/);
      now = 3000;
      r.onEvent({ type: 'task-progress', ...ids, fraction: 0.1, done: 150, total: 1500 });
      expect(lines.at(-1)).toMatch(/^run: 150\/1601 rows \(9\.4%\)/);
      now = 6000;
      r.onEvent({ type: 'task-progress', ...ids, fraction: 0.9, done: 1200, total: 1300 });
      expect(lines.at(-1)).toMatch(/^run: 1200\/1401 rows/);
      r.onEvent({ type: 'task-progress', ...ids, fraction: 1, done: 1250, total: 1300 });
      r.onEvent({ type: 'task-done', ...ids, seconds: 6 });
      now = 9000;
      r.onEvent({ type: 'task-progress', studyId: 's', taskId: 'g', fraction: 1, done: 101, total: 101 });
      expect(lines.at(-1)).toMatch(/^run: 1351\/1351 rows \(100\.0%\), tasks 1\/2/);
    } finally {
      (process.stderr as { isTTY?: boolean }).isTTY = tty;
      spyWrite.mockRestore();
      spyNow.mockRestore();
    }
  });
});

describe('gap progress points', () => {
  it('liouvillianSpectrum calls onK once per K of its convergence history, in order', async () => {
    const { liouvillianSpectrum } = await import('../../src-core/kerr/spectrum.js');
    const seen: { K: number; gap: number }[] = [];
    const s = liouvillianSpectrum({ kappa: 0.5, delta: -2, u: 1, N: 2, eps: 0.8 }, { count: 2, onK: (h) => seen.push({ K: h.K, gap: h.gap }) });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual(s.kHistory.map((h) => ({ K: h.K, gap: h.gap })));
  });
});
