# Independent reference (numpy/scipy, sparse Kronecker Liouvillian) for EP Studio's Kerr numbers, used by `npm run bench`
# when python3 with numpy and scipy is present. Not part of the product; shares no code with it.
# Usage: python3 kerr_ref.py gap N eps K  |  python3 kerr_ref.py steady N eps K [G]   (paper parameters kappa 0.5, Delta -2, u 1)
import numpy as np, scipy.sparse as sp, scipy.sparse.linalg as spla, scipy.linalg as sla, sys, json, math

def ops(K):
    a = np.diag(np.sqrt(np.arange(1, K)), 1).astype(complex)
    return a

def liouv(kappa, delta, E, U, K):
    a = sp.csr_matrix(ops(K)); ad = a.conj().T; I = sp.identity(K, format='csr')
    nop = ad @ a
    H = delta * nop + 1j * E * (ad - a) + U / 2 * (ad @ ad @ a @ a)
    # vec row-major: vec(A X B) = (A kron B^T) vec(X)
    L = -1j * (sp.kron(H, I) - sp.kron(I, H.T)) + 2 * kappa * (sp.kron(a, a.conj()) - 0.5 * sp.kron(nop, I) - 0.5 * sp.kron(I, nop.T))
    return L.tocsc()

def ness(kappa, delta, eps, u, N, K):
    E = math.sqrt(N) * eps; U = u / N
    L = liouv(kappa, delta, E, U, K).tolil()
    b = np.zeros(K * K, complex)
    # replace row 0 by trace
    L[0, :] = 0
    for n in range(K): L[0, n * K + n] = 1
    b[0] = 1
    x = spla.spsolve(L.tocsc(), b)
    rho = x.reshape(K, K)
    return (rho + rho.conj().T) / 2

def coh(mu, K):
    n = np.arange(K); from scipy.special import gammaln
    # c_n = e^{-|mu|^2/2} mu^n / sqrt(n!)
    v = np.zeros(K, complex); v[0] = np.exp(-abs(mu)**2 / 2)
    for k in range(1, K): v[k] = v[k-1] * mu / math.sqrt(k)
    return v

def observables(rho, kappa, U, N, G=161, L=None):
    K = rho.shape[0]; a = ops(K)
    am = np.trace(a @ rho); nn = np.trace(a.conj().T @ a @ rho).real
    if L is None: L = math.sqrt(K) + 6
    xs = np.linspace(-L, L, G); h = xs[1] - xs[0]
    X, Y = np.meshgrid(xs, xs); MU = (X + 1j * Y).ravel()
    # coherent states matrix: C[n, p]
    C = np.zeros((K, MU.size), complex); C[0] = np.exp(-abs(MU)**2 / 2)
    for k in range(1, K): C[k] = C[k-1] * MU / math.sqrt(k)
    q = np.einsum('np,nm,mp->p', C.conj(), rho, C).real
    arho = a @ rho
    j = np.einsum('np,nm,mp->p', C.conj(), arho, C)
    Q = q / np.pi
    w = h * h
    good = q > 1e-300
    SW = -np.sum(Q[good] * np.log(Q[good])) * w
    PiJ = 2 * kappa / np.pi * np.sum(abs(j[good])**2 / q[good]) * w
    mub = MU.conj()
    PiU = U / np.pi * np.sum(np.imag(mub[good]**2 * j[good]**2 / q[good] - 2 * abs(MU[good])**2 * mub[good] * j[good])) * w
    # G
    a2 = np.trace(a @ a @ rho)
    npr = nn - abs(am)**2; c = a2 - am**2
    sxx = npr + 0.5 + c.real; spp = npr + 0.5 - c.real; sxp = c.imag
    nu = math.sqrt(max(sxx * spp - sxp**2, 0.25))
    SG = 0 if nu <= 0.5 + 1e-15 else (nu + .5) * math.log(nu + .5) - (nu - .5) * math.log(nu - .5)
    ev = np.linalg.eigvalsh(rho); ev = ev[ev > 1e-300]
    S = -np.sum(ev * np.log(ev))
    Phi = 2 * kappa * nn; Pext = 2 * kappa * abs(am)**2
    return dict(a_re=am.real, a_im=am.imag, n=nn, S_W=SW, Pi_J=PiJ, Pi_ext=Pext, Pi_d=PiJ - Pext, Pi_U=PiU, Phi=Phi, Phi_ext=Pext, Phi_q=Phi - Pext, G=SG - S)

if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'steady':
        N = float(sys.argv[2]); eps = float(sys.argv[3]); K = int(sys.argv[4]); G = int(sys.argv[5]) if len(sys.argv) > 5 else 161
        rho = ness(0.5, -2, eps, 1, N, K)
        o = observables(rho, 0.5, 1 / N, N, G)
        o['top'] = float(rho[-1, -1].real)
        print(json.dumps(o))
    elif cmd == 'gap':
        N = float(sys.argv[2]); eps = float(sys.argv[3]); K = int(sys.argv[4])
        L = liouv(0.5, -2, math.sqrt(N) * eps, 1 / N, K)
        vals = spla.eigs(L, k=6, sigma=1e-9, return_eigenvectors=False)
        vals = sorted(vals, key=lambda z: abs(z.real))
        print(json.dumps([[z.real, z.imag] for z in vals]))
