import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under dir (relative path → bytes), skipping nothing: temporary files would show up too. */
export function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The result files (study.json, tasks/, figures/): byte-identical between any two complete runs of one spec. */
export function resultFiles(dir: string): Map<string, Buffer> {
  const all = filesOf(dir);
  for (const k of [...all.keys()]) if (!(k === 'study.json' || k.startsWith('tasks/') || k.startsWith('figures/'))) all.delete(k);
  return all;
}

export function expectSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const diffs: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k), y = b.get(k);
    if (!x || !y) diffs.push(`${k}: only in ${x ? 'first' : 'second'}`);
    else if (!x.equals(y)) diffs.push(`${k}: differs`);
  }
  return diffs;
}

/** A small spec with every task kind: long enough quenches to be interrupted, quick enough for tests. */
export const SMALL_SPEC = {
  version: 1,
  name: 'small',
  model: { kappa: 0.5, delta: -2, u: 1 },
  tasks: [
    { kind: 'quench', N: [1, 5], epsInitial: 0.5, epsFinal: [1.1], tMax: 3, dt: 0.2, figures: ['fig4', 'fig5'] },
    { kind: 'ness-sweep', method: 'exact', N: [5], eps: { from: 0, to: 1.5, points: 16 }, figures: ['fig2'] },
    { kind: 'gap-sweep', N: [1], eps: [0.9, 1.1], figures: ['fig3'] },
    { kind: 'gaussian-sweep', preset: 'cavity-bec', x: { from: 0, to: 0.9, points: 10 }, figures: ['g-fig3b'] },
  ],
};

/** SMALL_SPEC without its gap sweep (the slow task): for tests that run a study many times. */
export const FAST_SPEC = { ...SMALL_SPEC, name: 'fast', tasks: SMALL_SPEC.tasks.filter((t) => t.kind !== 'gap-sweep') };

/** Every entry under dir, folders included, with what a write or a delete would change (inode, size, mtime). */
export function treeSnapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      const st = statSync(p, { bigint: true });
      out.set(relative(dir, p), `${st.ino}:${st.size}:${st.mtimeNs}:${st.mode}`);
      if (st.isDirectory()) walk(p);
    }
  };
  const st = statSync(dir, { bigint: true });
  out.set('.', `${st.ino}:${st.mtimeNs}`);
  walk(dir);
  return out;
}
