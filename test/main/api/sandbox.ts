/**
 * A throw-away layout for API tests: base/data (the data folder: studies/, exports/) next to base/outside (a folder the
 * API must never reach, holding a study folder and a secret file), and a snapshot of everything under base, so a test
 * can prove that nothing outside the data folder was created, changed or removed.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { createHandlers, type DialogPort, type Handlers } from '../../../src-main/api/handlers.js';
import { StudyStore } from '../../../src-main/studies/store.js';
import { getPreset } from '../../../src-main/studies/presets.js';

export const SECRET = 'TOPSECRET-7f3a9c-do-not-leak';

export interface Sandbox {
  base: string;
  data: string;
  studies: string;
  exports: string;
  outside: string;
  /** A valid study folder outside the data folder. */
  outsideStudy: string;
  /** A spec-shaped JSON file outside, with a secret in an unknown field. */
  secretJson: string;
  handlers: Handlers;
  pushes: unknown[];
  /** Every entry under `base` except inside `data`: path → kind, size and content hash. */
  outsideState(): Map<string, string>;
  /** Every entry under `data`. */
  dataState(): Map<string, string>;
  cleanup(): Promise<void>;
}

/** Path → "kind:size:sha256" (symlinks by target), sorted walk, not following links. */
export function treeState(root: string, skip?: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (skip && p === skip) continue;
      const st = lstatSync(p);
      const rel = relative(root, p);
      if (st.isSymbolicLink()) out.set(rel, `link:${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(rel, 'dir');
        walk(p);
      } else out.set(rel, `file:${st.size}:${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(root);
  return out;
}

export function diffStates(a: Map<string, string>, b: Map<string, string>): string[] {
  const d: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) if (a.get(k) !== b.get(k)) d.push(`${k}: ${a.get(k) ?? '(none)'} → ${b.get(k) ?? '(none)'}`);
  return d;
}

export function makeSandbox(opts: { host?: 'browser' | 'electron'; dialogs?: DialogPort; workers?: number } = {}): Sandbox {
  const base = mkdtempSync(join(tmpdir(), 'epstudio-api-'));
  const data = join(base, 'data');
  const studies = join(data, 'studies');
  const exports = join(data, 'exports');
  const outside = join(base, 'outside');
  mkdirSync(outside, { recursive: true });
  const outsideStudy = join(outside, 'study');
  StudyStore.create(outsideStudy, getPreset('kerr-quench-demo'));
  const secretJson = join(outside, 'secret.json');
  const spec = getPreset('kerr-quench-demo');
  writeFileSync(secretJson, JSON.stringify({ ...spec, apiKey: SECRET }));
  const pushes: unknown[] = [];
  const handlers = createHandlers({
    host: opts.host ?? 'browser',
    studiesRoot: studies,
    exportsRoot: exports,
    emit: (e) => pushes.push(e),
    dialogs: opts.dialogs,
    workers: opts.workers ?? 1,
  });
  return {
    base,
    data,
    studies,
    exports,
    outside,
    outsideStudy,
    secretJson,
    handlers,
    pushes,
    outsideState: () => treeState(base, data),
    dataState: () => treeState(data),
    async cleanup() {
      await handlers.shutdown();
      await handlers.idle();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** The error a call ends with (fails the test when it succeeds). */
export async function refusal(h: Handlers, method: string, params: unknown): Promise<{ message: string; field?: string }> {
  try {
    const r = await h.dispatch(method, params);
    throw new Error(`expected ${method} to be refused, got ${JSON.stringify(r).slice(0, 200)}`);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('expected ')) throw e;
    const { errorBody } = await import('../../../src-main/api/handlers.js');
    return errorBody(e);
  }
}
