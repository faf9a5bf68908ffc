/**
 * Symbol and unit of every column the project writes (CSV, HDF5), by its glossary name (README "Glossary").
 *
 * Kerr model (seed 000): ħ = 1 and every rate is a number in one unit of angular frequency, called ω₀ here: the unit in
 * which κ, Δ, u and ε are given. The seed "gives all quantities in units of κ = 1/2", i.e. ω₀ = 2κ (the photon-loss
 * rate: ⟨a†a⟩ decays as e^{−2κt}); with another κ, ω₀ = κ/κ_value. Times are in 1/ω₀, entropies in nats, entropy
 * production and fluxes in nats·ω₀. Seed 004 (Gaussian): SI, rates angular in rad/s, Π_s and μ in nats/s.
 *
 * `units` strings are plain ASCII (HDF5 tools and loaders show them unchanged); `symbol` is the paper's symbol.
 */

export interface Quantity {
  symbol: string;
  units: string;
}

const W = 'omega0';
const NATW = 'nat*omega0';

export const QUANTITIES: Readonly<Record<string, Quantity>> = Object.freeze({
  // Kerr model, time and parameters
  t: { symbol: 't', units: `1/${W}` },
  t_final: { symbol: 't_final', units: `1/${W}` },
  kappa: { symbol: 'κ', units: W },
  delta: { symbol: 'Δ', units: W },
  u: { symbol: 'u', units: W },
  eps: { symbol: 'ε', units: W },
  eps_i: { symbol: 'ε_i', units: W },
  eps_f: { symbol: 'ε_f', units: W },
  N: { symbol: 'N', units: '1' },
  // Kerr observables (seed 000 Eqs. 5, 10, 21–27)
  a_re: { symbol: 'Re<a>', units: 'photon^(1/2)' },
  a_im: { symbol: 'Im<a>', units: 'photon^(1/2)' },
  n: { symbol: '<a†a>', units: 'photon' },
  alpha_abs: { symbol: '|α| = |<a>|/√N', units: '1' },
  S_W: { symbol: 'S_W', units: 'nat' },
  Pi_J: { symbol: 'Π_J', units: NATW },
  Pi_ext: { symbol: 'Π_ext', units: NATW },
  Pi_d: { symbol: 'Π_d', units: NATW },
  Pi_U: { symbol: 'Π_U', units: NATW },
  Phi: { symbol: 'Φ', units: NATW },
  Phi_ext: { symbol: 'Φ_ext', units: NATW },
  Phi_q: { symbol: 'Φ_q', units: NATW },
  Phi_over_N: { symbol: 'Φ/N', units: NATW },
  G: { symbol: 'G', units: 'nat' },
  // Liouvillian spectrum (seed 000 Sec. II D)
  gap: { symbol: 'λ', units: W },
  zeta1_re: { symbol: 'Re ζ_1', units: W },
  zeta1_im: { symbol: 'Im ζ_1', units: W },
  nmax: { symbol: 'K', units: '1' },
  converged: { symbol: 'converged (1/0)', units: '1' },
  // Two-photon-driven Kerr model (issue 15, PHYSICS.md §5); its pump is g_tp (`g` is the Gaussian coupling in rad/s)
  g_tp: { symbol: 'g (two-photon pump; G = g)', units: W },
  g_th: { symbol: 'g_th = √(κ² + Δ²)', units: W },
  g_over_gth: { symbol: 'g/g_th', units: '1' },
  g_i: { symbol: 'g_i', units: W },
  g_f: { symbol: 'g_f', units: W },
  eta0: { symbol: 'η₀ (two-photon loss η = η₀/N)', units: W },
  n_over_N: { symbol: '<a†a>/N', units: 'photon' },
  top_population: { symbol: 'population of the top two Fock levels', units: '1' },
  Pi_U_kerr: { symbol: 'Π_U (Kerr term)', units: NATW },
  Pi_U_two_photon: { symbol: 'Π_U (two-photon drive term)', units: NATW },
  Pi_eta: { symbol: '−∫Q[ηD[a²]ρ] ln Q (two-photon loss)', units: NATW },
  gap_even: { symbol: 'λ_even (even parity sector)', units: W },
  gap_odd: { symbol: 'λ_odd (odd parity sector)', units: W },
  // Gaussian model (seed 004 Eq. 4)
  x: { symbol: 'g/κ_a or (g/g_cr)²', units: '1' },
  g: { symbol: 'g', units: 'rad/s' },
  g_cr: { symbol: 'g_cr', units: 'rad/s' },
  Pi_s: { symbol: 'Π_s', units: 'nat/s' },
  mu_a: { symbol: 'μ_a', units: 'nat/s' },
  mu_b: { symbol: 'μ_b', units: 'nat/s' },
  n_a: { symbol: 'n_a', units: '1' },
  n_b: { symbol: 'n_b', units: '1' },
  // Phase space (seed 000 Sec. III, App. B): μ is dimensionless (coherent-state label), Q a density in d²μ
  re_mu: { symbol: 'Re μ', units: '1' },
  im_mu: { symbol: 'Im μ', units: '1' },
  Q: { symbol: 'Q(μ) = <μ|ρ|μ>/π', units: '1' },
  Jx: { symbol: 'Re J(μ), J = −(κ/π)<μ|aρ|μ>', units: W },
  Jy: { symbol: 'Im J(μ), J = −(κ/π)<μ|aρ|μ>', units: W },
});

/** The quantity a column holds: its own name, or the longest known name it starts with followed by `_` (G_N10 → G). */
export function quantityOf(column: string): { key: string; q: Quantity } | undefined {
  if (QUANTITIES[column]) return { key: column, q: QUANTITIES[column] };
  let best: string | undefined;
  for (const k of Object.keys(QUANTITIES)) if (column.startsWith(k + '_') && (!best || k.length > best.length)) best = k;
  return best ? { key: best, q: QUANTITIES[best] } : undefined;
}

/** ω₀ in terms of κ for a κ given as the number `kappa` (0.5 → "2κ", 1 → "κ", 0.3 → "κ/0.3"). */
export function omega0Text(kappa: number): string {
  const r = 1 / kappa;
  if (r === 1) return 'κ';
  if (Number.isInteger(r)) return `${r}κ`;
  return `κ/${kappa}`;
}

/**
 * The `# units:` text for a table: each quantity once with its unit, in column order, then what ω₀ is (when a Kerr
 * unit appears). No commas (loaders that split comment lines must not see extra fields).
 */
export function unitsText(columns: readonly string[], kappa?: number): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  let kerr = false;
  for (const c of columns) {
    const m = quantityOf(c);
    if (!m || seen.has(m.key)) continue;
    seen.add(m.key);
    parts.push(`${m.key} [${m.q.units}]`);
    if (m.q.units.includes(W)) kerr = true;
  }
  if (kerr)
    parts.push(
      `omega0 = ${kappa === undefined ? 'the unit in which κ Δ u ε are given' : omega0Text(kappa)} (ħ = 1: κ Δ u ε and every rate are numbers in omega0; t in 1/omega0)`,
    );
  return parts.join('; ');
}
