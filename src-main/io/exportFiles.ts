/**
 * Where the window's exports go, so that nothing is ever silently replaced and a set never mixes runs:
 *  - a set (figure set, phase-space frames) gets a new folder of its own, `<run>-<purpose>-<n>` with the first free n,
 *    created exclusively (mkdir fails on an existing name: two exports at once cannot share one);
 *  - a single file is written under a name not yet taken: `G-epsf1.1.csv`, then `G-epsf1.1-2.csv`, …
 * <run> is the study folder's name (unique per run: preset or spec name plus its start time), or `window` for views
 * that come from the form alone.
 */
import { mkdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { writeFileAtomicNoReplace } from './atomicWrite.js';

/** A folder-name-safe label of a run: the study folder's name, else `window`. */
export function runLabel(studyDir?: string): string {
  const b = studyDir ? basename(studyDir.replace(/[\\/]+$/, '')) : '';
  const clean = b.replace(/[^\w.-]+/g, '_').replace(/^[._-]+/, '').slice(0, 100);
  return clean || 'window';
}

const MAX_TRIES = 10_000;

/** Create root/<base>-<n> for the first n ≥ 1 not taken, exclusively; returns its path. */
export function newExportDir(root: string, base: string): string {
  mkdirSync(root, { recursive: true });
  const b = base.replace(/[^\w.-]+/g, '_').slice(0, 150) || 'export';
  for (let n = 1; n <= MAX_TRIES; n++) {
    const d = join(root, `${b}-${n}`);
    try {
      mkdirSync(d);
      return d;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error(`no free folder name ${b}-<n> under ${root}`);
}

/** `stem-2.ext`, `stem-3.ext`, … for the n-th try (n = 1: the name itself). */
export function numberedName(name: string, n: number): string {
  if (n <= 1) return name;
  const ext = extname(name);
  return `${name.slice(0, name.length - ext.length)}-${n}${ext}`;
}

/** Write `data` to dir/name atomically under the first name not taken (name, name-2, …); returns the path. */
export function writeUnique(dir: string, name: string, data: string | Uint8Array): string {
  for (let n = 1; n <= MAX_TRIES; n++) {
    const p = join(dir, numberedName(name, n));
    try {
      writeFileAtomicNoReplace(p, data);
      return p;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error(`no free file name for ${name} in ${dir}`);
}
