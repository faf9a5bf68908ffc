/**
 * The single-run form's model choice and the two-photon runs (API model.ness / model.gap, on a worker of the main
 * side): the text, its validation, the last results and whether a run is going on.
 */
import { api } from '../api/client.js';
import type { Res } from '../../src-main/api/contract.js';
import { app } from './app.svelte.js';
import { defaultTwoPhotonText, validateTwoPhoton, type TwoPhotonText } from './twoPhotonForm.js';

export type FormModel = 'kerr' | 'two-photon-kerr';

class TwoPhotonState {
  model = $state<FormModel>('kerr');
  text = $state<TwoPhotonText>(defaultTwoPhotonText());
  validation = $derived(validateTwoPhoton(this.text));
  entropy = $state(true);
  busy = $state<'ness' | 'gap' | undefined>(undefined);
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

  async cancel() {
    await app.call(() => api.invoke('model.cancel', {}));
  }
}

export const twoPhoton = new TwoPhotonState();
