"""Independent heterodyne outcomes for test/main/lab-cli.test.ts: the Kerr NESS from QuTiP's steady-state solver,
its Husimi Q on a fine Cartesian grid (qutip.qfunc), outcomes drawn cell by cell with numpy (inverse transform over
cells, uniform within a cell). Nothing here shares code with the app. Writes complex128 outcomes (.npy) and the
grid estimates of S_W and Π_J (JSON) for the comparison.

usage: lab_qutip_sample.py OUT.npy OUT.json N eps M seed
"""
import json
import sys

import numpy as np
import qutip as qt

out_npy, out_json, N, eps, M, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
kappa, delta, u = 0.5, -2.0, 1.0
E, U = np.sqrt(N) * eps, u / N
K = 40
a = qt.destroy(K)
H = delta * a.dag() * a + 1j * E * (a.dag() - a) + 0.5 * U * a.dag() * a.dag() * a * a
rho = qt.steadystate(H, [np.sqrt(2 * kappa) * a])

h = 0.02
x = np.arange(-9 + h / 2, 9, h)
Q = qt.qfunc(rho, x, x, g=2)  # Q[iy, ix] at μ = x + iy, normalised to ∫Q d²μ = 1
Q = np.clip(np.real(Q), 0, None)
P = (Q * h * h).ravel()
norm = P.sum()
rng = np.random.default_rng(seed)
cells = rng.choice(P.size, size=M, p=P / norm)
iy, ix = np.divmod(cells, x.size)
mu = (x[ix] + rng.uniform(-h / 2, h / 2, M)) + 1j * (x[iy] + rng.uniform(-h / 2, h / 2, M))
np.save(out_npy, mu.astype(np.complex128))

# grid estimates of S_W = −∫Q ln Q and Π_J = (2/κ)∫|J|²/Q with J = −κ(μQ + ∂_μ̄Q), ∂_μ̄ = (∂_x + i∂_y)/2
Qs = np.where(Q > 1e-300, Q, 1e-300)
S_W = float(-(Q * np.log(Qs)).sum() * h * h)
dQy, dQx = np.gradient(Q, h, h)
X, Y = np.meshgrid(x, x)
Jr = -kappa * (X * Q + 0.5 * dQx)
Ji = -kappa * (Y * Q + 0.5 * dQy)
mask = Q > 1e-14
Pi_J = float((2 / kappa) * ((Jr ** 2 + Ji ** 2)[mask] / Q[mask]).sum() * h * h)
n = float(qt.expect(a.dag() * a, rho))
json.dump({"S_W": S_W, "Pi_J": Pi_J, "n": n, "norm": float(norm)}, open(out_json, "w"))
