/** Progress lines of the single-shot commands (issue 12): silent for 2 s, then at most one line a second. */
import { describe, expect, it } from 'vitest';
import { phaseReporter, QUIET_MS, throttledReporter } from '../../src-main/cli/progress.js';

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

  it('phaseReporter announces each phase only when the caller expects a slow run', () => {
    const lines: string[] = [];
    phaseReporter('steady', true, () => 1500, (s) => lines.push(s))('factorising');
    phaseReporter('steady', false, () => 0, (s) => lines.push(s))('factorising');
    expect(lines).toEqual(['[steady] factorising … (0.0 s)\n']);
  });
});
