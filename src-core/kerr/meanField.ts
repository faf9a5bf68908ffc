/**
 * Mean-field (semiclassical) Kerr resonator, seed 000 Sec. II B (PHYSICS.md §1 "Mean field"):
 *   dα/dt = −(κ + iΔ + iu|α|²) α + ε,
 * steady states n = |α|² from the cubic ε² = n[κ² + (Δ + u n)²], α = ε/(κ + iΔ + iu n).
 * All quantities are the scaled ones (α = <a>/√N, n = <a†a>/N in the limit N → ∞).
 */

export interface MeanFieldModel {
  kappa: number;
  delta: number;
  u: number;
}

export interface BistableWindow {
  /** Lower edge ε− = ε(n+) of the bistable window. */
  epsMinus: number;
  /** Upper edge ε+ = ε(n−). */
  epsPlus: number;
  /** Turning points of ε(n): n± = (−2Δ ± √(Δ² − 3κ²)) / (3u). */
  nPlus: number;
  nMinus: number;
}

export interface MeanFieldState {
  /** n = |α|². */
  n: number;
  alpha_re: number;
  alpha_im: number;
  /** Linearly stable (both eigenvalues of the 2×2 Jacobian have negative real part). */
  stable: boolean;
}

/** ε(n) = √(n [κ² + (Δ + u n)²]): the pump that makes n a steady state. */
export function pumpForPhotonNumber(p: MeanFieldModel, n: number): number {
  const g = p.delta + p.u * n;
  return Math.sqrt(n * (p.kappa * p.kappa + g * g));
}

/**
 * The bistable window [ε−, ε+], or null when there is none. dε²/dn = κ² + Δ² + 4Δun + 3u²n² has two positive
 * roots n± iff Δu < 0 and Δ² > 3κ² (for u > 0: Δ < −√3 κ). The larger root n+ is the local minimum of ε(n), so it
 * gives the lower edge ε−; n− gives ε+ (PHYSICS.md).
 */
export function bistableWindow(p: MeanFieldModel): BistableWindow | null {
  const { kappa, delta, u } = p;
  const disc = delta * delta - 3 * kappa * kappa;
  if (!(disc > 0) || !(delta * u < 0)) return null;
  const s = Math.sqrt(disc);
  const nPlus = (-2 * delta + s) / (3 * u);
  const nMinus = (-2 * delta - s) / (3 * u);
  return { epsMinus: pumpForPhotonNumber(p, nPlus), epsPlus: pumpForPhotonNumber(p, nMinus), nPlus, nMinus };
}

/** Real roots of c3 x³ + c2 x² + c1 x + c0 (c3 ≠ 0), each polished by Newton steps. */
function realCubicRoots(c3: number, c2: number, c1: number, c0: number): number[] {
  const a = c2 / c3, b = c1 / c3, c = c0 / c3;
  // Depressed cubic t³ + p t + q with x = t − a/3.
  const p = b - (a * a) / 3;
  const q = (2 * a * a * a) / 27 - (a * b) / 3 + c;
  const shift = -a / 3;
  const D = (q * q) / 4 + (p * p * p) / 27;
  let roots: number[];
  if (D > 0) {
    const sq = Math.sqrt(D);
    roots = [Math.cbrt(-q / 2 + sq) + Math.cbrt(-q / 2 - sq) + shift];
  } else if (p === 0) {
    roots = [shift];
  } else {
    // Three real roots (trigonometric form); a double root appears twice and is deduplicated below.
    const r = 2 * Math.sqrt(-p / 3);
    const arg = Math.min(1, Math.max(-1, ((3 * q) / (p * r)) * 1));
    const phi = Math.acos(arg) / 3;
    roots = [0, 1, 2].map((k) => r * Math.cos(phi - (2 * Math.PI * k) / 3) + shift);
  }
  const f = (x: number) => ((x + a) * x + b) * x + c;
  const df = (x: number) => (3 * x + 2 * a) * x + b;
  return roots.map((x) => {
    for (let i = 0; i < 3; i++) {
      const d = df(x);
      if (d === 0) break;
      const nx = x - f(x) / d;
      if (!Number.isFinite(nx) || Math.abs(f(nx)) > Math.abs(f(x))) break;
      x = nx;
    }
    return x;
  });
}

/**
 * All mean-field steady states at pump ε, sorted by n. Stability from the Jacobian of (Re α, Im α):
 * trace = −2κ < 0 always, det = κ² + Δ² + 4Δun + 3u²n² = dε²/dn, so a state is stable iff dε²/dn > 0
 * (the middle branch of the S-curve is the unstable one).
 */
export function meanFieldSteadyStates(p: MeanFieldModel & { eps: number }): MeanFieldState[] {
  const { kappa, delta, u, eps } = p;
  if (eps === 0) return [{ n: 0, alpha_re: 0, alpha_im: 0, stable: true }];
  // u² n³ + 2Δu n² + (κ² + Δ²) n − ε² = 0
  const roots = realCubicRoots(u * u, 2 * delta * u, kappa * kappa + delta * delta, -eps * eps)
    .filter((n) => n > 0)
    .sort((x, y) => x - y);
  const unique: number[] = [];
  for (const n of roots) if (!unique.length || Math.abs(n - unique[unique.length - 1]) > 1e-12 * Math.max(1, n)) unique.push(n);
  return unique.map((n) => {
    // α = ε / (κ + i(Δ + u n))
    const g = delta + u * n;
    const den = kappa * kappa + g * g;
    const det = kappa * kappa + delta * delta + 4 * delta * u * n + 3 * u * u * n * n;
    return { n, alpha_re: (eps * kappa) / den, alpha_im: (-eps * g) / den, stable: det > 0 };
  });
}
