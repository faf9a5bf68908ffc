/**
 * Web worker for the form's live K estimate (issue 12): planQuench's chooseK takes 5–40 ms per (N, ε_f), too long for
 * the UI thread on every keystroke. Request { key, p, epsInitial, epsFinal, tMax } → reply { key, K, K0 } or
 * { key, error: { field, allowed, value } } (a ParameterError: the state does not fit the engine's basis).
 */
import { ParameterError } from '../../src-core/validation.js';
import { planK } from './kerrForm.js';

interface Req {
  key: string;
  p: { kappa: number; delta: number; u: number; N: number };
  epsInitial: number;
  epsFinal: number;
  tMax: number;
}

const ctx = self as unknown as { onmessage: ((e: MessageEvent<Req>) => void) | null; postMessage(m: unknown): void };
ctx.onmessage = (e) => {
  const r = e.data;
  try {
    ctx.postMessage({ key: r.key, ...planK(r.p, r.epsInitial, r.epsFinal, r.tMax) });
  } catch (err) {
    if (err instanceof ParameterError) ctx.postMessage({ key: r.key, error: { field: err.field, allowed: err.allowed, value: typeof err.value === 'number' ? err.value : String(err.value) } });
    else ctx.postMessage({ key: r.key, error: { field: 'N', allowed: String(err), value: r.p.N } });
  }
};
