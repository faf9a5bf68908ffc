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
    ready?.();
  });
  return worker;
}

export function onReady(f: () => void): void {
  ready = f;
}

export const estimateK: ChooseK = (p, epsInitial, epsFinal, tMax) => {
  const key = JSON.stringify([p.kappa, p.delta, p.u, p.N, epsInitial, epsFinal, tMax]);
  let e = cache.get(key);
  if (e === undefined) {
    const w = getWorker();
    if (!w) return planK(p, epsInitial, epsFinal, tMax);
    cache.set(key, 'pending');
    w.postMessage({ key, p: { kappa: p.kappa, delta: p.delta, u: p.u, N: p.N }, epsInitial, epsFinal, tMax });
    e = 'pending';
  }
  if (e === 'pending') return undefined;
  if ('error' in e) throw new ParameterError(e.error.field, e.error.allowed, e.error.value);
  return e;
};
