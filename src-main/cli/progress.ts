/**
 * Progress lines on stderr for the single-shot commands (issue 12: "progress on anything longer than 2 s"). The
 * convention of `quench` and `gap-sweep` is kept: plain lines on stderr, TTY or not (stdout carries the result, so a
 * pipe or a redirect stays clean); nothing for a run that ends within QUIET_MS.
 */
import { writeErr } from './stdio.js';
export const QUIET_MS = 2000;
const EVERY_MS = 1000;

/**
 * 1234567 → "1,234,567". Not Number.toLocaleString: its first call initialises ICU's locale data, ~0.1 s of CPU in a
 * fresh process (a cold-start profile of `steady --method fock` found it, evaluated even when the line was not shown).
 */
export const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * A throttled reporter: call it as often as you like with a thunk for the text; it writes `[label] text, 12.3 s` at
 * most once a second and only once QUIET_MS have passed. `done()` writes a last line if anything was written.
 */
export function throttledReporter(label: string, now: () => number = Date.now, write: (s: string) => unknown = writeErr) {
  const t0 = now();
  let last = -Infinity;
  let wrote = false;
  const report = (text: () => string): void => {
    const t = now();
    if (t - t0 < QUIET_MS || t - last < EVERY_MS) return;
    last = t;
    wrote = true;
    write(`[${label}] ${text()}, ${seconds(t - t0)}\n`);
  };
  report.done = (text: () => string): void => {
    if (wrote) write(`[${label}] ${text()}, ${seconds(now() - t0)}\n`);
  };
  return report;
}

/**
 * Phase lines for work with no inner progress points (one LU factorisation): when `slow` (the caller's estimate says
 * it takes more than QUIET_MS) each phase is announced as it starts, so a long silence is never unexplained.
 */
export function phaseReporter(label: string, slow: boolean, now: () => number = Date.now, write: (s: string) => unknown = writeErr) {
  const t0 = now();
  return (text: string): void => {
    if (slow) write(`[${label}] ${text} … (${seconds(now() - t0)})\n`);
  };
}
