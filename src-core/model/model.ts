/**
 * Single-mode model layer (PHYSICS.md §1 and §5; DESIGN.md "Model layer"): a model is a list of Hamiltonian terms and
 * a list of dissipators, with raw (unscaled) coefficients; the size scaling of each coefficient is in SIZE_SCALING.
 *
 *   Hamiltonian terms                          dissipators
 *   detuning        Δ a†a                      loss            2κ D[a]      (κ: amplitude rate)
 *   drive           iE(a† − a)                 twoPhotonLoss   η D[a²]
 *   twoPhotonDrive  (G/2)(a†² + a²)
 *   kerr            (U/2) a†²a²
 *
 * Every engine routine works from the model's Fock-space band form (modelOperators): H as a Hermitian band with
 * offsets 0, 1, 2 and each dissipator as a lowering jump a^k with rate γ (γ D[a^k]). No physics is written per model:
 * the Kerr model of seed 000 and the two-photon-driven Kerr resonator are two instances (instances.ts).
 */

export type HamiltonianTerm =
  | { kind: 'detuning'; delta: number }
  | { kind: 'drive'; E: number }
  | { kind: 'twoPhotonDrive'; G: number }
  | { kind: 'kerr'; U: number };

export type Dissipator = { kind: 'loss'; kappa: number } | { kind: 'twoPhotonLoss'; eta: number };

export interface Model {
  hamiltonian: readonly HamiltonianTerm[];
  dissipators: readonly Dissipator[];
}

export type TermKind = HamiltonianTerm['kind'] | Dissipator['kind'];

/**
 * Size scaling raw = scaled · N^power of each coefficient (PHYSICS.md §5): E = √N ε, U = u/N, G = g, η = η₀/N; Δ and
 * κ are intensive. `scaleCoefficient` applies it with the same floating-point operations as seed 000's toRaw (√N·ε,
 * u/N), so the Kerr instance reproduces its raw parameters bit for bit.
 */
export const SIZE_SCALING: Readonly<Record<TermKind, { scaled: string; raw: string; power: number }>> = Object.freeze({
  detuning: { scaled: 'delta', raw: 'delta', power: 0 },
  drive: { scaled: 'eps', raw: 'E', power: 0.5 },
  twoPhotonDrive: { scaled: 'g', raw: 'G', power: 0 },
  kerr: { scaled: 'u', raw: 'U', power: -1 },
  loss: { scaled: 'kappa', raw: 'kappa', power: 0 },
  twoPhotonLoss: { scaled: 'eta0', raw: 'eta', power: -1 },
});

export function scaleCoefficient(kind: TermKind, scaled: number, N: number): number {
  const p = SIZE_SCALING[kind].power;
  if (p === 0) return scaled;
  if (p === 0.5) return Math.sqrt(N) * scaled;
  if (p === -1) return scaled / N;
  return scaled * Math.pow(N, p);
}

/** Σ of the one-photon loss rates κ (the κ of J, Π_J and Φ = 2κ<a†a>; 0 if the model has no one-photon loss). */
export function lossKappa(model: Model): number {
  let k = 0;
  for (const d of model.dissipators) if (d.kind === 'loss') k += d.kappa;
  return k;
}

/** Σ of a Hamiltonian coefficient over the terms of that kind (0 if absent). */
export function coefficient(model: Model, kind: 'detuning' | 'drive' | 'twoPhotonDrive' | 'kerr'): number {
  let s = 0;
  for (const t of model.hamiltonian) {
    if (t.kind !== kind) continue;
    s += t.kind === 'detuning' ? t.delta : t.kind === 'drive' ? t.E : t.kind === 'twoPhotonDrive' ? t.G : t.U;
  }
  return s;
}

/** Σ η of the two-photon loss dissipators (0 if absent). */
export function twoPhotonLossRate(model: Model): number {
  let s = 0;
  for (const d of model.dissipators) if (d.kind === 'twoPhotonLoss') s += d.eta;
  return s;
}

/**
 * Parity e^{iπa†a} is a (weak) symmetry of L when no term changes the photon number by an odd amount: the one-photon
 * drive is the only such term here (loss a and two-photon terms a², a†² map parity sectors into each other in the
 * superoperator sense: ρ_mn → ρ_{m+1,n+1} keeps m − n). Then L conserves (m − n) mod 2 (equivalently (m + n) mod 2).
 */
export function hasParitySymmetry(model: Model): boolean {
  return model.hamiltonian.every((t) => t.kind !== 'drive' || t.E === 0);
}

/** A model with the terms of zero coefficient removed (their stencil offsets then disappear too). */
export function withoutZeroTerms(model: Model): Model {
  return {
    hamiltonian: model.hamiltonian.filter((t) =>
      t.kind === 'detuning' ? t.delta !== 0 : t.kind === 'drive' ? t.E !== 0 : t.kind === 'twoPhotonDrive' ? t.G !== 0 : t.U !== 0,
    ),
    dissipators: model.dissipators.filter((d) => (d.kind === 'loss' ? d.kappa !== 0 : d.eta !== 0)),
  };
}

/** One jump operator √γ a^k: γ D[a^k]ρ = γ (a^k ρ a†^k − ½{a†^k a^k, ρ}). */
export interface Jump {
  /** Photons removed per jump. */
  k: 1 | 2;
  /** γ: 2κ for loss, η for two-photon loss. */
  rate: number;
}

/** Fock-space band form of a model truncated at K levels (hard truncation: indices ≥ K read as zero). */
export interface ModelOperators {
  K: number;
  /** h_n = <n|H|n> (real). */
  hDiag: Float64Array;
  /** H_{j+1,j} (complex, j = 0…K−2) or null when no term has this band; H_{j,j+1} = conj. */
  low1: { re: Float64Array; im: Float64Array } | null;
  /** H_{j+2,j} (complex, j = 0…K−3) or null. */
  low2: { re: Float64Array; im: Float64Array } | null;
  jumps: Jump[];
}

/** Stencil offsets (dm, dn) of L(ρ)_mn on ρ_{m+dm, n+dn}, in a fixed order (the Kerr model's first, as seed 000's). */
export function modelOffsets(model: Model): [number, number][] {
  const has = (k: TermKind): boolean => model.hamiltonian.some((t) => t.kind === k) || model.dissipators.some((d) => d.kind === k);
  const off: [number, number][] = [[0, 0]];
  if (has('drive')) off.push([-1, 0], [1, 0], [0, 1], [0, -1]);
  if (has('loss')) off.push([1, 1], [-1, -1]);
  if (has('twoPhotonDrive')) off.push([-2, 0], [2, 0], [0, 2], [0, -2]);
  if (has('twoPhotonLoss')) off.push([2, 2], [-2, -2]);
  return off;
}

/** Validate the raw coefficients (finite; κ, η ≥ 0). Throws RangeError naming the term. */
export function checkModel(model: Model): Model {
  for (const t of model.hamiltonian) {
    const v = t.kind === 'detuning' ? t.delta : t.kind === 'drive' ? t.E : t.kind === 'twoPhotonDrive' ? t.G : t.U;
    if (!Number.isFinite(v)) throw new RangeError(`model: the ${t.kind} coefficient must be finite`);
  }
  for (const d of model.dissipators) {
    const v = d.kind === 'loss' ? d.kappa : d.eta;
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`model: the ${d.kind} rate must be finite and ≥ 0`);
  }
  return model;
}

/**
 * The band form at cut-off K. Coefficients accumulate term by term in the model's order, so the Kerr instance
 * (detuning, drive, kerr) gives h_n = Δn + (U/2)n(n−1) with seed 000's floating-point operations.
 */
export function modelOperators(model: Model, K: number): ModelOperators {
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError(`modelOperators: K must be an integer ≥ 1 (got ${K})`);
  const hDiag = new Float64Array(K);
  let low1: ModelOperators['low1'] = null, low2: ModelOperators['low2'] = null;
  let first = true;
  for (const t of model.hamiltonian) {
    switch (t.kind) {
      case 'detuning':
        for (let n = 0; n < K; n++) hDiag[n] = first ? t.delta * n : hDiag[n] + t.delta * n;
        first = false;
        break;
      case 'kerr':
        for (let n = 0; n < K; n++) hDiag[n] = first ? 0.5 * t.U * n * (n - 1) : hDiag[n] + 0.5 * t.U * n * (n - 1);
        first = false;
        break;
      case 'drive':
        // iE(a† − a): <j+1|H|j> = iE√(j+1)
        low1 ??= { re: new Float64Array(Math.max(K - 1, 0)), im: new Float64Array(Math.max(K - 1, 0)) };
        for (let j = 0; j + 1 < K; j++) low1.im[j] += t.E * Math.sqrt(j + 1);
        break;
      case 'twoPhotonDrive':
        // (G/2)(a†² + a²): <j+2|H|j> = (G/2)√((j+1)(j+2))
        low2 ??= { re: new Float64Array(Math.max(K - 2, 0)), im: new Float64Array(Math.max(K - 2, 0)) };
        for (let j = 0; j + 2 < K; j++) low2.re[j] += 0.5 * t.G * Math.sqrt((j + 1) * (j + 2));
        break;
    }
  }
  const jumps: Jump[] = model.dissipators.map((d) => (d.kind === 'loss' ? { k: 1, rate: 2 * d.kappa } : { k: 2, rate: d.eta }));
  return { K, hDiag, low1, low2, jumps };
}

/** P_k(m) = (m+1)(m+2)…(m+k) = <m|a^k a†^k|m>: integer, so √(P_k(m) P_k(n)) is exact on the diagonal m = n. */
export function risingProduct(k: number, m: number): number {
  let p = 1;
  for (let i = 1; i <= k; i++) p *= m + i;
  return p;
}
