/**
 * The single-run form's model choice and the two-photon runs (API model.ness / model.gap, on a worker of the main
 * side): the text, its validation, the last results and whether a run is going on.
 */
import { api } from '../api/client.js';
import type { Res } from '../../src-main/api/contract.js';
import { app } from './app.svelte.js';
import { defaultTwoPhotonText, QUENCH_CHARTS, validateQuench, validateTwoPhoton, type TwoPhotonText } from './twoPhotonForm.js';
import type { ChartData } from './series.js';

export type FormModel = 'kerr' | 'two-photon-kerr';

class TwoPhotonState {
  model = $state<FormModel>('kerr');
  text = $state<TwoPhotonText>(defaultTwoPhotonText());
  validation = $derived(validateTwoPhoton(this.text));
  quenchValidation = $derived(validateQuench(this.text, this.validation.point));
  entropy = $state(true);
  busy = $state<'ness' | 'gap' | 'quench' | undefined>(undefined);
  quench = $state.raw<(Res<'model.quench'> & { label: string; charts: ChartData[] }) | undefined>(undefined);
  ness = $state.raw<(Res<'model.ness'> & { label: string }) | undefined>(undefined);
  gap = $state.raw<(Res<'model.gap'> & { label: string }) | undefined>(undefined);

  private label(): string {
    const p = this.validation.point!;
    return `N = ${p.N}, ε = ${p.eps}, g = ${p.g}, κ = ${p.model.kappa}, Δ = ${p.model.delta}, u = ${p.model.u}${p.model.eta0 ? `, η₀ = ${p.model.eta0}` : ''}`;
  }

  async runNess() {
    const point = this.validation.point;
    if (!point || this.busy) return;
    this.busy = 'ness';
    const label = this.label();
    try {
      const r = await app.call(() => api.invoke('model.ness', { ...point, entropy: this.entropy }));
      if (r) this.ness = { ...r, label };
    } finally {
      this.busy = undefined;
    }
  }

  async runGap() {
    const point = this.validation.point;
    if (!point || this.busy) return;
    this.busy = 'gap';
    const label = this.label();
    try {
      const r = await app.call(() => api.invoke('model.gap', { ...point, count: 2 }));
      if (r) this.gap = { ...r, label };
    } finally {
      this.busy = undefined;
    }
  }

  async runQuench() {
    const req = this.quenchValidation.request;
    if (!req || this.busy) return;
    this.busy = 'quench';
    const label = `g ${req.gInitial} → ${req.gFinal}, ${this.label().replace(/, g = [^,]+/, '')}`;
    try {
      const r = await app.call(() => api.invoke('model.quench', req));
      const m = req.model;
      const meta = {
        model: 'two-photon-kerr', kappa: m.kappa, delta: m.delta, u: m.u, eta0: m.eta0 ?? 0, N: req.N, eps: req.eps, g_initial: req.gInitial, g_final: req.gFinal,
        t_max: req.tMax, dt: req.dt, K: req.K ?? 'adaptive', source: 'the two-photon form (API model.quench, no study)',
      };
      if (r) this.quench = { ...r, label, charts: quenchCharts(r, label, meta) };
    } finally {
      this.busy = undefined;
    }
  }

  async cancel() {
    await app.call(() => api.invoke('model.cancel', {}));
  }
}

export const twoPhoton = new TwoPhotonState();

/** One chart per quantity against t (Π_U with its Kerr and two-photon parts), from the quench table. */
export function quenchCharts(r: { columns: string[]; rows: number[][] }, label: string, meta?: Record<string, string | number>): ChartData[] {
  const col = (k: string) => r.columns.indexOf(k);
  const values = (k: string) => r.rows.map((row) => row[col(k)]);
  const x = values('t');
  return QUENCH_CHARTS.map(([k, title]) => ({
    id: `tp-quench-${k}`,
    title: `${title}, ${label}`,
    xLabel: 't (1/ω₀)',
    yLabel: title.replace(/ \(.*$/, ''),
    xKey: 't',
    x,
    series:
      k === 'Pi_U'
        ? [
            { label: 'Π_U', values: values('Pi_U'), color: 0 },
            { label: 'Π_U (Kerr)', values: values('Pi_U_kerr'), color: 1 },
            { label: 'Π_U (two-photon)', values: values('Pi_U_two_photon'), color: 2 },
          ]
        : [{ label: title, values: values(k), color: 0 }],
    logOk: false,
    source: 'two-photon model quench (issue 15)',
    ...(meta && { meta }),
  }));
}
