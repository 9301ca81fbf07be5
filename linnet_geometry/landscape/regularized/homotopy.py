"""Numerical cross-checks: a total-degree homotopy (vectorised in numpy) and PHCpack's blackbox solver.

Total-degree homotopy ``H(x, t) = (1 − t) F(x) + γ t G(x)``, ``G_i = x_i^{deg F_i} − 1``, random complex ``γ``
(the gamma trick), RK4 predictor, Newton corrector, adaptive steps, divergence cut-off, endpoint Newton refinement
and deduplication, vectorised over all paths.  :func:`solve_phc` runs ``phc -b`` when PHCpack is installed.
Both count the nonsingular complex zeros, which the exact engines count with certainty (MCTH2022).
"""

from __future__ import annotations

import itertools
import os
import random
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from sympy.polys.domains import QQ

from ...backends import run_process
from ...checks import check_int
from ...exceptions import BackendNotFoundError, ProblemTooLargeError
from .system import MAX_HOMOTOPY_PATHS, _check_square_system

__all__ = ["HomotopyResult", "solve_homotopy", "solve_phc"]


class _NumericSystem:
    """A polynomial system with vectorised evaluation of F and its Jacobian (complex)."""

    def __init__(self, exponents, coefficients, nvars=None):
        # exponents[i], coefficients[i]: terms of F_i
        neq = len(exponents)
        n = neq if nvars is None else nvars
        self.n, self.neq = n, neq
        self.degrees = [int(max(sum(e) for e in E)) if len(E) else 0 for E in exponents]
        self._terms = (exponents, coefficients)
        monos = {}

        def idx(m):
            if m not in monos:
                monos[m] = len(monos)
            return monos[m]

        F_terms, J_terms = [], []
        for i in range(neq):
            for e, c in zip(exponents[i], coefficients[i]):
                F_terms.append((idx(tuple(e)), i, c))
                for j in range(n):
                    if e[j]:
                        d = list(e)
                        d[j] -= 1
                        J_terms.append((idx(tuple(d)), i * n + j, c * e[j]))
        T = len(monos)
        self.E = np.zeros((T, n), dtype=np.int64)
        for m, k in monos.items():
            self.E[k] = m
        self.CF = np.zeros((T, neq), dtype=complex)
        for k, i, c in F_terms:
            self.CF[k, i] += c
        self.CJ = np.zeros((T, neq * n), dtype=complex)
        for k, ij, c in J_terms:
            self.CJ[k, ij] += c
        self.K = int(self.E.max()) if T else 0

    def homogenized(self):
        """``x_0^{d_i} F_i(x / x_0)`` in the variables ``(x_0, x_1, …, x_n)``."""
        exps, coefs = self._terms
        hexps = [[(d - sum(e),) + tuple(e) for e in E] for d, E in zip(self.degrees, exps)]
        return _NumericSystem(hexps, coefs, self.n + 1)

    def monomials(self, X):
        P = X.shape[0]
        V = np.ones((P, self.E.shape[0]), dtype=complex)
        pw = np.empty((P, self.K + 1), dtype=complex)
        pw[:, 0] = 1
        for j in range(self.n):
            used = self.E[:, j] > 0
            if not used.any():
                continue
            for k in range(1, self.K + 1):
                pw[:, k] = pw[:, k - 1] * X[:, j]
            V[:, used] *= pw[:, self.E[used, j]]
        return V

    def eval(self, X):
        # sparse products: multithreaded dense BLAS on small matrices is slow on a loaded machine
        if not hasattr(self, "_sp"):
            import scipy.sparse as sp

            self._sp = (sp.csr_matrix(self.CF.T), sp.csr_matrix(self.CJ.T))
        V = self.monomials(X).T
        return (self._sp[0] @ V).T, (self._sp[1] @ V).T.reshape(-1, self.neq, self.n)

    @classmethod
    def from_ring(cls, polys, n=None):
        exps, coefs = [], []
        for f in polys:
            items = list(f.items())
            exps.append([m for m, _ in items])
            coefs.append([complex(float(Fraction(int(c.numerator), int(c.denominator)))) for _, c in items])
        return cls(exps, coefs)


@dataclass(frozen=True)
class HomotopyResult:
    """Solutions of a square polynomial system found by a numerical solver.

    Attributes
    ----------
    solver : str
        ``"homotopy"`` (this module's total-degree homotopy) or ``"phc"``.
    paths : int
        Number of paths tracked (Bézout number for the total-degree homotopy).
    solutions : numpy.ndarray
        Distinct finite nonsingular solutions, complex, shape ``(count, n)``.
    count : int
        ``len(solutions)``.
    real_count : int
        Solutions with ``max |Im| ≤ 1e-8 (1 + ‖x‖)``.
    singular : int
        Finite endpoints of paths that reached ``t = 0`` where Newton's method does not converge
        quadratically or the Jacobian is ill conditioned (not in ``count``).
    diverged, failed : int
        Paths ending at infinity (``x_0 ≈ 0``), and paths whose step size collapsed before ``t = 0``
        (their endpoints are still refined and kept when they converge).
    seconds : float

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork
    >>> from linnet_geometry.landscape.regularized import RegularizedLoss, gradient_system
    >>> R, F = gradient_system(LinearNetwork((1, 1, 1)), RegularizedLoss(([[1]], [[2]]), [1, 3]))
    >>> res = solve_homotopy(F)
    >>> res.solver, res.paths, res.count, res.real_count, res.solutions.shape
    ('homotopy', 9, 5, 3, (5, 2))
    """

    solver: str
    paths: int
    solutions: np.ndarray = field(repr=False)
    count: int
    real_count: int
    singular: int
    diverged: int
    failed: int
    seconds: float

    def to_dict(self):
        return {"solver": self.solver, "paths": self.paths, "count": self.count, "real_count": self.real_count,
                "singular": self.singular, "diverged": self.diverged, "failed": self.failed,
                "seconds": round(self.seconds, 3)}


def _dedupe(points, tol=1e-6):
    out = []
    for x in points:
        scale = 1 + np.linalg.norm(x)
        if all(np.linalg.norm(x - y) > tol * scale for y in out):
            out.append(x)
    return out


def _newton_step(J, F):
    try:
        return np.linalg.solve(J, F[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.array([np.linalg.lstsq(j, f, rcond=None)[0] for j, f in zip(J, F)])


def _refine_endpoints(system, X, iters=8):
    for _ in range(iters):
        F, J = system.eval(X)
        X = X - _newton_step(J, F)
    F, J = system.eval(X)
    return X, F, J, _newton_step(J, F)


def _finalize(system, X, solver, paths, diverged, failed, t0, reached=None):
    sols, singular = [], 0
    if len(X):
        reached = np.ones(len(X), dtype=bool) if reached is None else reached
        with np.errstate(all="ignore"):
            X, F, J, step = _refine_endpoints(system, X)
        for x, f, j, dx, end in zip(X, F, J, step, reached):
            if not np.all(np.isfinite(x)):
                continue
            scale = 1 + np.linalg.norm(x)
            if np.linalg.norm(f) > 1e-8 * scale**3:
                continue
            # nonsingular: Newton has converged quadratically (a last step at rounding level) and J is well
            # conditioned; at a singular zero Newton converges only linearly
            if not np.all(np.isfinite(dx)) or np.linalg.norm(dx) > 1e-11 * scale or np.linalg.cond(j) > 1e8:
                singular += int(end)  # endpoints of failed paths are already counted in ``failed``
                continue
            sols.append(x)
    sols = _dedupe(sols)
    arr = np.array(sols, dtype=complex).reshape(-1, system.n)
    return HomotopyResult(solver, paths, arr, len(arr), _real_count(arr), singular, diverged, failed, time.perf_counter() - t0)


def solve_homotopy(system_or_polys, n=None, *, seed: int = 0, max_paths: int = MAX_HOMOTOPY_PATHS,
                   max_rounds: int = 3000, expected: int | None = None, retries: int = 2) -> HomotopyResult:
    """Total-degree homotopy continuation (gamma trick) in projective space, vectorised over all paths.

    ``H(z, t) = (1 − t) F^h(z) + γ t G^h(z)`` on ``z = (x_0, x) ∈ ℂ^{n+1}``
    with ``F^h`` the homogenization of ``F``, ``G^h_i = x_i^{d_i} − x_0^{d_i}``
    (``d_i = deg F_i``), ``γ`` a random unit complex number and the random
    affine chart ``a·z = 1`` (so paths going to infinity stay bounded and end
    with ``x_0 → 0``).  The ``∏ d_i`` roots of ``G`` at ``t = 1`` are tracked
    to ``t = 0`` with an RK4 predictor, a three-step Newton corrector and an
    adaptive step.  Endpoints with ``|x_0|`` not small are dehomogenized and
    refined by Newton's method on ``F``; only finite nonsingular endpoints
    (residual ≤ 1e-8, a last Newton step ≤ 1e-11 — quadratic convergence —
    and Jacobian condition ≤ 1e8) are kept and deduplicated; singular
    endpoints are counted apart (``singular``, one per path).
    For a system whose zeros are all nonsingular the count equals the number
    of complex zeros with probability one in γ, barring path jumping — which
    is why the library compares it with the Gröbner count.

    Parameters
    ----------
    system_or_polys : list of sympy ``PolyElement`` over QQ
        A square system.
    seed : int
        Seed of γ and of the chart.
    expected, retries : int, optional
        The number of distinct complex zeros when it is known exactly (e.g.
        from msolve's parametrization).  While fewer were found — a path lost
        near a singularity of the homotopy for this γ — the homotopy is run
        again with a fresh γ and chart (seeds ``seed + 1, …``), at most
        ``retries`` times, and the nonsingular endpoints of all runs are
        merged; then ``paths`` counts every path tracked and ``singular``,
        ``diverged``, ``failed`` are those of the last run.

    Examples
    --------
    ``x² = 1, xy = 2``: Bézout's bound 2·2 = 4 paths, two of them go to infinity
    (the gradient systems of :class:`HomotopyResult` are solved the same way).

    >>> import sympy
    >>> _, x, y = sympy.ring("x, y", sympy.QQ)
    >>> res = solve_homotopy([x**2 - 1, x*y - 2])
    >>> res.paths, res.count, res.real_count, res.diverged
    (4, 2, 2, 2)
    >>> sorted(tuple(round(float(v.real), 6) for v in z) for z in res.solutions)
    [(-1.0, -2.0), (1.0, 2.0)]
    """
    t0 = time.perf_counter()
    retries = check_int(retries, "retries", minimum=0)
    if expected is not None:
        expected = check_int(expected, "expected", minimum=0)
    if not isinstance(system_or_polys, _NumericSystem):
        _check_square_system(system_or_polys, "solve_homotopy")
    system = system_or_polys if isinstance(system_or_polys, _NumericSystem) else \
        _NumericSystem.from_ring(system_or_polys)
    result = _track(system, seed, max_paths, max_rounds, t0)
    for k in range(1, retries + 1):
        if expected is None or result.count >= expected:
            break
        again = _track(system, seed + k, max_paths, max_rounds, t0)
        merged = _dedupe(list(result.solutions) + list(again.solutions))
        arr = np.array(merged, dtype=complex).reshape(-1, system.n)
        result = HomotopyResult("homotopy", result.paths + again.paths, arr, len(arr), _real_count(arr),
                                again.singular, again.diverged, again.failed, time.perf_counter() - t0)
    return result


def _real_count(arr):
    return int(sum(1 for x in arr if np.max(np.abs(x.imag)) <= 1e-8 * (1 + np.linalg.norm(x))))


def _track(system, seed, max_paths, max_rounds, t0):
    """One total-degree homotopy run with the γ and chart drawn from ``seed``."""
    n = system.n
    degs = system.degrees
    paths = int(np.prod(degs))
    if paths > max_paths:
        raise ProblemTooLargeError(f"the total-degree homotopy needs {paths} paths (degrees {degs}); expected at most "
                                   f"{max_paths}")
    hom = system.homogenized()
    rng = np.random.default_rng(seed)
    gamma = np.exp(2j * np.pi * rng.random())
    a = (rng.standard_normal(n + 1) + 1j * rng.standard_normal(n + 1)) / np.sqrt(2 * (n + 1))
    roots = [np.exp(2j * np.pi * np.arange(d) / d) for d in degs]
    Xs = np.array(list(itertools.product(*roots)), dtype=complex).reshape(-1, n)
    Z = np.hstack([np.ones((Xs.shape[0], 1), dtype=complex), Xs])
    Z = Z / (Z @ a)[:, None]
    P = Z.shape[0]
    dvec = np.array(degs)
    idx = np.arange(n)

    def H_parts(Zs, ts):
        F, JF = hom.eval(Zs)  # (P, n), (P, n, n+1)
        z0 = Zs[:, :1]
        G = Zs[:, 1:] ** dvec - z0 ** dvec
        JG = np.zeros_like(JF)
        JG[:, idx, idx + 1] = dvec * Zs[:, 1:] ** (dvec - 1)
        JG[:, :, 0] = -dvec * z0 ** (dvec - 1)
        tt = ts[:, None]
        H = np.empty((Zs.shape[0], n + 1), dtype=complex)
        H[:, :n] = (1 - tt) * F + gamma * tt * G
        H[:, n] = Zs @ a - 1
        Hz = np.empty((Zs.shape[0], n + 1, n + 1), dtype=complex)
        Hz[:, :n, :] = (1 - tt)[..., None] * JF + gamma * tt[..., None] * JG
        Hz[:, n, :] = a
        Ht = np.zeros_like(H)
        Ht[:, :n] = -F + gamma * G
        return H, Hz, Ht

    def velocity(Zs, ts, good):
        _, Hz, Ht = H_parts(Zs, ts)
        v = -_solve(Hz, Ht)
        bad = ~np.isfinite(v).all(axis=1) | (np.abs(v).max(axis=1) > 1e8)
        v[bad] = 0
        good &= ~bad
        return v

    t = np.ones(P)
    dt = np.full(P, 0.02)
    status = np.zeros(P, dtype=int)  # 0 active, 1 done, 3 failed
    successes = np.zeros(P, dtype=int)
    for _round in range(max_rounds):
        act = np.where(status == 0)[0]
        if os.environ.get("LINNET_HOMOTOPY_DEBUG") and _round % 25 == 0:
            print(_round, act.size, np.median(t[act]) if act.size else None, flush=True)
        if act.size == 0:
            break
        z0, t0_ = Z[act], t[act]
        h = np.minimum(dt[act], t0_)
        ok = np.ones(act.size, dtype=bool)
        k1 = velocity(z0, t0_, ok)
        k2 = velocity(z0 - 0.5 * h[:, None] * k1, t0_ - 0.5 * h, ok)
        k3 = velocity(z0 - 0.5 * h[:, None] * k2, t0_ - 0.5 * h, ok)
        k4 = velocity(z0 - h[:, None] * k3, t0_ - h, ok)
        t1 = t0_ - h
        z1 = z0 - (h / 6)[:, None] * (k1 + 2 * k2 + 2 * k3 + k4)
        z1[~ok] = z0[~ok]
        first = None
        for _it in range(3):
            Hv, Hz, _ = H_parts(z1, t1)
            dz = _solve(Hz, Hv)
            bad = ~np.isfinite(dz).all(axis=1) | (np.abs(dz).max(axis=1) > 1e3)
            dz[bad] = 0
            ok &= ~bad
            z1 = z1 - dz
            nrm = np.linalg.norm(dz, axis=1)
            if first is None:
                first = nrm
        scale = np.linalg.norm(z1, axis=1)
        ok &= (nrm <= 1e-9 * scale) & (first <= 1e-2 * scale)
        acc = act[ok]
        Z[acc] = z1[ok]
        t[acc] = t1[ok]
        successes[acc] += 1
        grow = acc[successes[acc] >= 3]
        dt[grow] = np.minimum(dt[grow] * 2, 0.1)
        successes[grow] = 0
        rej = act[~ok]
        dt[rej] /= 2
        successes[rej] = 0
        status[acc[t[acc] <= 0]] = 1
        status[rej[dt[rej] < 1e-14]] = 3
        # huge z in the chart a·z = 1: the path runs off along the hyperplane at infinity
        status[act[(np.linalg.norm(Z[act], axis=1) > 1e6) & (status[act] == 0)]] = 2
    status[status == 0] = 3
    z0abs = np.abs(Z[:, 0])
    finite = (z0abs > 1e-7 * np.linalg.norm(Z, axis=1)) & (status != 2)
    X = Z[finite, 1:] / Z[finite, :1]
    return _finalize(system, X, "homotopy", paths, int(np.sum(~finite)), int(np.sum(status == 3)), t0,
                     reached=status[finite] == 1)


def _solve(A, b):
    try:
        return np.linalg.solve(A, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.full(b.shape, np.inf, dtype=complex)
        for k in range(A.shape[0]):
            try:
                out[k] = np.linalg.solve(A[k], b[k])
            except np.linalg.LinAlgError:
                pass
        return out


def _phc_poly(f, names):
    terms = []
    for m, c in f.items():
        cf = float(Fraction(int(c.numerator), int(c.denominator)))
        mon = "*".join(f"{names[j]}^{e}" if e > 1 else names[j] for j, e in enumerate(m) if e)
        terms.append(f"{cf:+.17e}" + (f"*{mon}" if mon else ""))
    return " ".join(terms) + ";"


def solve_phc(polys, *, timeout: float = 600.0, shift_seed: int = 0) -> HomotopyResult:
    """PHCpack's blackbox solver (``phc -b -0``: fixed seed, repeatable) on the system; parses its solution list.

    The system is first shifted by a random rational vector ``c`` (``x = z + c``)
    because the blackbox solver's polyhedral homotopy only finds solutions
    with all coordinates nonzero; solutions are shifted back.

    Raises :class:`BackendNotFoundError` when ``phc`` is not on the PATH and
    :class:`~linnet_geometry.exceptions.BackendTimeoutError` (the process
    group killed) past ``timeout`` seconds.
    The count is that of distinct finite regular solutions after this
    module's own Newton refinement and deduplication.

    Examples
    --------
    The system is checked before ``phc`` is looked for:

    >>> from linnet_geometry import LinearNetwork
    >>> from linnet_geometry.exceptions import ShapeError
    >>> from linnet_geometry.landscape.regularized import RegularizedLoss, gradient_system
    >>> R, F = gradient_system(LinearNetwork((1, 1, 1)), RegularizedLoss(([[1]], [[2]]), [1, 3]))
    >>> try:
    ...     solve_phc(F[:1])
    ... except ShapeError as err:
    ...     print(err)
    solve_phc: expected a square system; received 1 equations in 2 unknowns

    With PHCpack installed it agrees with :func:`solve_homotopy` (not run here: needs ``phc``):

    >>> res = solve_phc(F)  # doctest: +SKIP
    >>> res.solver, res.count, res.real_count  # doctest: +SKIP
    ('phc', 5, 3)
    """
    _check_square_system(polys, "solve_phc")
    exe = shutil.which("phc")
    if exe is None:
        raise BackendNotFoundError("phc (PHCpack) not found on PATH; expected the Debian package phcpack")
    t0 = time.perf_counter()
    n = len(polys)
    names = [f"x{j + 1}" for j in range(n)]
    # phc's blackbox prefers the polyhedral homotopy, which only sees solutions in the torus (C*)^n: a random
    # rational shift x = z + c moves solutions with zero coordinates into the torus
    rng = random.Random(f"linnet-phc-shift-{shift_seed}")
    R = polys[0].ring
    shift = [QQ(rng.randint(1, 97), rng.randint(98, 197)) for _ in range(n)]
    shifted = [f.compose([(g, g + c) for g, c in zip(R.gens, shift)]) for f in polys]
    text = f"{n}\n" + "\n".join(_phc_poly(f, names) for f in shifted) + "\n"
    with tempfile.TemporaryDirectory(prefix="linnet-phc-") as tmp:
        src, out = os.path.join(tmp, "sys.phc"), os.path.join(tmp, "sys.out")
        with open(src, "w", encoding="ascii") as fh:
            fh.write(text)
        # own process group, killed on timeout (BackendTimeoutError) or interruption
        # -0: phc's fixed seed, so a run is repeatable (by default phc seeds its random γ from the clock; one
        # CI run of a (1,1,1,1) system then counted 16 regular zeros of 17 and one singular endpoint)
        run_process([exe, "-b", "-0", src, out], cwd=tmp, timeout=timeout, name="phc -b")
        with open(out, encoding="ascii", errors="replace") as fh:
            content = fh.read()
    paths = None
    m = re.search(r"total degree\s*:\s*(\d+)", content)
    if m:
        paths = int(m.group(1))
    section = content.rsplit("THE SOLUTIONS", 1)[-1]
    pts = []
    for block in section.split("solution ")[1:]:
        coords = re.findall(r"^\s*(x\d+)\s*:\s*(\S+)\s+(\S+)", block, re.M)
        if len(coords) != n:
            continue
        val = dict((k, complex(float(a.replace("E", "e")), float(b.replace("E", "e")))) for k, a, b in coords)
        pts.append([val[nm] for nm in names])
    system = _NumericSystem.from_ring(polys, n)
    X = np.array(pts, dtype=complex).reshape(-1, n) + np.array([float(c) for c in shift])[None, :]
    return _finalize(system, X, "phc", paths if paths is not None else len(pts), 0, 0, t0)

