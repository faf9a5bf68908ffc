/**
 * The form's K estimates off the UI thread: a cache in front of kWorker.ts. `estimateK` is a ChooseK that answers from
 * the cache, or posts a request and answers undefined (pending); `onReady` is called when a reply lands, so the form
 * re-validates. Falls back to computing in place only where no Worker exists (never in the window or the browser).
 */
import { ParameterError } from '../../src-core/validation.js';
import { planK, type ChooseK } from './kerrForm.js';

type Entry = { K: number; K0: number } | { error: { field: string; allowed: string; value: unknown } } | 'pending';

const cache = new Map<string, Entry>();
let worker: Worker | null | undefined;
let ready: (() => void) | undefined;
/** Callers of estimateKAsync waiting for a key's reply. */
const waiters = new Map<string, ((e: Exclude<Entry, 'pending'>) => void)[]>();

function getWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = typeof Worker === 'undefined' ? null : new Worker(new URL('./kWorker.ts', import.meta.url), { type: 'module' });
  } catch {
    worker = null;
  }
  worker?.addEventListener('message', (e: MessageEvent<{ key: string } & Exclude<Entry, 'pending'>>) => {
    const { key, ...rest } = e.data;
    cache.set(key, rest as Exclude<Entry, 'pending'>);
    if (cache.size > 500) cache.delete(cache.keys().next().value as string);
    for (const w of waiters.get(key) ?? []) w(rest as Exclude<Entry, 'pending'>);
    waiters.delete(key);
    ready?.();
  });
  return worker;
}

export function onReady(f: () => void): void {
  ready = f;
}

const keyOf = (p: Parameters<ChooseK>[0], epsInitial: number, epsFinal: number, tMax: number) => JSON.stringify([p.kappa, p.delta, p.u, p.N, epsInitial, epsFinal, tMax]);

const settle = (e: Exclude<Entry, 'pending'>): { K: number; K0: number } => {
  if ('error' in e) throw new ParameterError(e.error.field, e.error.allowed, e.error.value);
  return e;
};

/**
 * The same estimate as a promise, for work that is not a keystroke (runState.calibrateAsync after a run): computed on
 * the worker too, never on the UI thread; rejects with the ParameterError when the state does not fit the basis.
 */
export function estimateKAsync(p: Parameters<ChooseK>[0], epsInitial: number, epsFinal: number, tMax: number): Promise<{ K: number; K0: number }> {
  const key = keyOf(p, epsInitial, epsFinal, tMax);
  const e = cache.get(key);
  if (e !== undefined && e !== 'pending') return new Promise((resolve) => resolve(settle(e)));
  const w = getWorker();
  if (!w) return new Promise((resolve) => resolve(planK(p, epsInitial, epsFinal, tMax)));
  return new Promise((resolve, reject) => {
    const list = waiters.get(key) ?? [];
    list.push((r) => {
      try {
        resolve(settle(r));
      } catch (err) {
        reject(err);
      }
    });
    waiters.set(key, list);
    if (e === undefined) {
      cache.set(key, 'pending');
      w.postMessage({ key, p: { kappa: p.kappa, delta: p.delta, u: p.u, N: p.N }, epsInitial, epsFinal, tMax });
    }
  });
}

export const estimateK: ChooseK = (p, epsInitial, epsFinal, tMax) => {
  const key = keyOf(p, epsInitial, epsFinal, tMax);
  let e = cache.get(key);
  if (e === undefined) {
    const w = getWorker();
    if (!w) return planK(p, epsInitial, epsFinal, tMax);
    cache.set(key, 'pending');
    w.postMessage({ key, p: { kappa: p.kappa, delta: p.delta, u: p.u, N: p.N }, epsInitial, epsFinal, tMax });
    e = 'pending';
  }
  if (e === 'pending') return undefined;
  return settle(e);
};
