# QuTiP reference pipeline for the bench (issue 12): the same job as `epstudio quench --N 10 --eps-f 1.1 --t-max 50`
# (paper parameters κ = 0.5, Δ = −2, u = 1; start in the NESS at ε_i = 0.5; samples every Δt = 0.2) with every
# observable of a quench row, as a QuTiP user would compute it: steadystate + mesolve, then per sample <a>, <a†a>,
# S_W, Π_J, Π_U on a Cartesian μ-grid (coherent states built once), and G from entropy_vn. Not part of the product.
# Usage: /usr/bin/python3 kerr_quench_qutip.py N eps_i eps_f t_max dt K [grid]   → one JSON line on stdout.
import json, math, sys, time

t_start = time.perf_counter()
import numpy as np
import qutip as qt

N, eps_i, eps_f, t_max, dt, K = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
G = int(sys.argv[7]) if len(sys.argv) > 7 else 121
kappa, delta, u = 0.5, -2.0, 1.0
U = u / N
a = qt.destroy(K)
ad = a.dag()

def H(eps):
    E = math.sqrt(N) * eps
    return delta * ad * a + 1j * E * (ad - a) + U / 2 * ad * ad * a * a

c_ops = [math.sqrt(2 * kappa) * a]
t0 = time.perf_counter()
rho0 = qt.steadystate(H(eps_i), c_ops)
t_ness = time.perf_counter() - t0
tlist = np.linspace(0.0, t_max, int(round(t_max / dt)) + 1)
t0 = time.perf_counter()
res = qt.mesolve(H(eps_f), rho0, tlist, c_ops, [], options=qt.Options(atol=1e-10, rtol=1e-8, nsteps=100000))
t_me = time.perf_counter() - t0

# Cartesian grid on [−L, L]² (L from K: the coherent states of the basis), coherent-state amplitudes C[n, p].
L = math.sqrt(K) + 4
xs = np.linspace(-L, L, G)
h = xs[1] - xs[0]
X, Y = np.meshgrid(xs, xs)
MU = (X + 1j * Y).ravel()
C = np.zeros((K, MU.size), complex)
C[0] = np.exp(-abs(MU) ** 2 / 2)
for k in range(1, K):
    C[k] = C[k - 1] * MU / math.sqrt(k)
Cc = C.conj()
amat = a.full()
t0 = time.perf_counter()
rows = []
for i, st in enumerate(res.states):
    rho = st.full()
    am = np.trace(amat @ rho)
    n = float(np.real(np.trace(amat.conj().T @ amat @ rho)))
    q = np.real(np.einsum('np,nm,mp->p', Cc, rho, C, optimize=True))
    j = np.einsum('np,nm,mp->p', Cc, amat @ rho, C, optimize=True)
    good = q > 1e-300
    Q = q[good] / np.pi
    w = h * h
    S_W = float(-np.sum(Q * np.log(Q)) * w)
    Pi_J = float(2 * kappa / np.pi * np.sum(abs(j[good]) ** 2 / q[good]) * w)
    mub = MU[good].conj()
    Pi_U = float(U / np.pi * np.sum(np.imag(mub ** 2 * j[good] ** 2 / q[good] - 2 * abs(MU[good]) ** 2 * mub * j[good])) * w)
    a2 = np.trace(amat @ amat @ rho)
    npr = n - abs(am) ** 2
    c = a2 - am ** 2
    nu = math.sqrt(max((npr + 0.5 + c.real) * (npr + 0.5 - c.real) - c.imag ** 2, 0.25))
    SG = (nu + 0.5) * math.log(nu + 0.5) - ((nu - 0.5) * math.log(nu - 0.5) if nu > 0.5 else 0.0)
    Gng = SG - qt.entropy_vn(st)
    Pi_ext = 2 * kappa * abs(am) ** 2
    Phi = 2 * kappa * n
    rows.append([tlist[i], am.real, am.imag, n, S_W, Pi_J, Pi_ext, Pi_J - Pi_ext, Pi_U, Phi, Pi_ext, Phi - Pi_ext, Gng])
t_obs = time.perf_counter() - t0
print(json.dumps({
    'K': K, 'grid': G, 'samples': len(rows), 'qutip': qt.__version__,
    'seconds': {'steadystate': t_ness, 'mesolve': t_me, 'observables': t_obs, 'total_in_script': time.perf_counter() - t_start},
    'last': rows[-1],
}))
