"""Jacobians of a shallow ReLU network inside an activation region, and its critical sets (KMTM2024).

Inside the region of a pattern ``A`` the network is linear in ``W`` and the Jacobian
of the ``n`` outputs is the column-wise Khatri--Rao product ``(diag(v) A) * X``.  Full
rank ``n`` makes every differentiable critical point in the region a global minimum;
:func:`region_critical_set` describes the critical set of the in-region quadratic.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy

from ...exact.matrix import DEFAULT_TOL, rank as _rank, to_float
from ...exact.representation import representation, representation_of
from ...exceptions import AssumptionError, InputTypeError, ProblemTooLargeError
from ._common import _count, _data, _pattern, _to_fraction_rows, _vector
from .regions import _open_cone_point

__all__ = ["region_jacobian", "jacobian_rank", "generic_jacobian_rank", "RegionCriticalSet", "region_critical_set"]


def _output_weights(v, d1):
    """The output weights as a validated ``(1, d1)`` matrix of nonzero entries; ``None`` stays ``None`` (all ones)."""
    if v is None:
        return None
    vm = _vector(v, d1, "v")
    for i, x in enumerate(representation_of(vm).entries(vm)):
        if x == 0:
            raise AssumptionError(f"v[{i}] is 0; expected nonzero output weights v (KMTM2024 setting)")
    return vm


def region_jacobian(pattern, X, v=None):
    """Jacobian of the ``n`` outputs w.r.t. ``W`` inside the region of ``pattern``.

    It is the column-wise Khatri--Rao product ``(diag(v) A) * X``: column ``j`` is
    ``(v_i A_ij x_j)_i`` stacked over neurons, shape ``(d1 d0, n)`` (KMTM2024).

    Parameters
    ----------
    pattern : binary matrix (d1, n)
    X : matrix (d0, n)
    v : sequence of d1 nonzero numbers, optional (default all ones)

    Returns
    -------
    sympy.Matrix (exact X and v) or numpy.ndarray

    Examples
    --------
    >>> region_jacobian([[1, 0], [1, 1]], [[1, 2]], v=[3, -1])
    Matrix([
    [ 3,  0],
    [-1, -2]])
    """
    Xm = _data(X, "X")
    d0, n = Xm.shape
    A = _pattern(pattern, n=n)
    d1 = A.shape[0]
    vm = _output_weights(v, d1)
    rep = representation_of(Xm, vm)  # exact iff X and v are
    vv = rep.ones(1, d1) if vm is None else rep.convert(vm)
    VA = rep.multiply(vv.T @ rep.ones(1, n), rep.convert(A))  # (v_i A_ij)
    return rep.khatri_rao(VA, rep.convert(Xm))


def jacobian_rank(pattern, X, v=None, tol=DEFAULT_TOL):
    """Rank of :func:`region_jacobian`: exact over QQ for exact data, SVD with ``tol`` otherwise.

    The rank does not depend on the nonzero output weights ``v`` (they scale
    row blocks).  Rank ``n`` ("full rank") means every differentiable critical
    point in the region is a global minimum (KMTM2024).

    Examples
    --------
    >>> jacobian_rank([[1, 1, 0], [0, 1, 1]], [[1, 2, 3]])
    2
    >>> jacobian_rank([[1, 1, 0], [0, 1, 1]], [[1., 2., 3.]])
    2
    """
    return _rank(region_jacobian(pattern, X, v), tol)


def generic_jacobian_rank(pattern, d0):
    """Rank of the Khatri--Rao Jacobian for *generic* data in ``R^{d0}`` (matroid formula).

    ``rank = min_T (n - |T| + d0 * rank A_T)`` over subsets ``T`` of the samples,
    ``A_T`` the columns of ``A`` in ``T``.  [derived] Column ``j`` is a generic vector
    of the subspace ``a_j (x) R^{d0}``, and for generic vectors of subspaces the rank
    is this minimum (Lovász's formula for generic points of subspaces).  Also exact
    for data with a bias coordinate (``d0 = d0' ``): rescaling columns does not
    change the rank and ``(x_j, 1)`` spans a generic line.  Cost ``2^n`` small
    ranks; ``n <= 20``.

    Examples
    --------
    >>> generic_jacobian_rank([[1, 1, 1], [1, 1, 1]], 1)
    1
    >>> generic_jacobian_rank([[1, 1, 0], [0, 1, 1]], 2)
    3
    """
    A = _pattern(pattern)
    d0 = _count(d0, "d0")
    n = A.shape[1]
    if n > 20:
        raise ProblemTooLargeError(f"generic_jacobian_rank enumerates 2^n subsets; expected n <= 20, received n = {n}")
    best = n
    Af = A.astype(float)
    for size in range(1, n + 1):
        for T in itertools.combinations(range(n), size):
            sub = Af[:, T]
            r = int(np.linalg.matrix_rank(sub)) if sub.any() else 0
            best = min(best, n - size + d0 * r)
    return best


# ---------------------------------------------------------------------------
# critical sets
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RegionCriticalSet:
    """Critical set of the squared loss inside one activation region (KMTM2024).

    Attributes
    ----------
    rank : int
        Rank of the Khatri--Rao Jacobian.
    n : int
        Number of samples (full rank means ``rank == n``).
    dimension : int
        Dimension ``d0 d1 - rank`` of the affine critical set of the in-region quadratic.
    loss : sympy.Rational or float
        Its loss value ``||y - y_hat||^2`` (``y_hat`` the projection of ``y`` on the
        column space of ``J^T``); zero whenever the rank is full.
    meets_region : bool
        Whether the critical set meets the open region (decided by an LP).
    label : str
        ``"global minimum"``, ``"bad local minimum"`` or ``"empty"``.
    witness : tuple of tuples or None
        Weights ``W`` of a critical point inside the region, when there is one.
    exact : bool
        Whether every decision was exact.

    Examples
    --------
    >>> from linnet_geometry.families.relu import with_bias
    >>> X = with_bias([[0, 1, 2]])
    >>> crit = region_critical_set([[0, 1, 1], [1, 1, 0]], X, [2, 1, 2])
    >>> crit.rank, crit.n, crit.full_rank, crit.label
    (3, 3, True, 'global minimum')
    >>> crit.witness
    ((3/2, -1), (-3/2, 2))
    """

    rank: int
    n: int
    dimension: int
    loss: object
    meets_region: bool
    label: str
    witness: tuple | None = field(default=None, repr=False)
    exact: bool = True

    @property
    def full_rank(self) -> bool:
        return self.rank == self.n

    def to_dict(self):
        conv = representation(self.exact).plain
        return {
            "rank": self.rank, "n": self.n, "full_rank": self.full_rank, "dimension": self.dimension,
            "loss": conv(self.loss), "meets_region": self.meets_region, "label": self.label,
            "witness": None if self.witness is None else [[conv(x) for x in r] for r in self.witness],
            "exact": self.exact,
        }

    def _repr_latex_(self):
        return (f"$\\operatorname{{rank}} J = {self.rank}/{self.n},\\ \\dim = {self.dimension},\\ "
                f"L = {sympy.latex(sympy.sympify(self.loss, strict=True))}$ ({self.label})")


def region_critical_set(pattern, X, y, v=None, tol=DEFAULT_TOL):
    """Critical set of ``L(W) = sum_j (F(W, x_j) - y_j)^2`` inside the region of ``pattern``.

    Inside the region ``F = J^T vec(W)`` with ``J`` the Khatri--Rao Jacobian, so
    the critical set of the quadratic is the affine space ``{J^T w = y_hat}`` of
    dimension ``d0 d1 - rank J``, every point of which is a local minimum of
    ``L`` restricted to the region with value ``||y - y_hat||^2``.  Whether it meets
    the open region is the LP ``max t`` s.t. ``J^T w = y_hat``,
    ``(2A_ij - 1) <w_i, x_j> >= t``, ``t <= 1``: it meets iff ``t* > 0`` (exact
    certificates for rational data -- after eliminating the equalities it is an open
    cone, see :func:`is_realizable` -- and HiGHS with ``t* > tol`` otherwise).
    Full rank implies ``y_hat = y``: only zero-loss minima (KMTM2024).

    Returns
    -------
    RegionCriticalSet

    Examples
    --------
    >>> from linnet_geometry.families.relu import with_bias
    >>> X = with_bias([[0, 1, 2]])
    >>> region_critical_set([[1, 1, 1]], X, [1, 1, 3])
    RegionCriticalSet(rank=2, n=3, dimension=0, loss=2/3, meets_region=True, label='bad local minimum', exact=True)
    >>> region_critical_set([[1, 1, 1]], X, [0, 1, 3]).label   # best line is negative at x = 0
    'empty'
    >>> region_critical_set([[0, 1, 1], [1, 1, 0]], X, [2, 1, 2]).label
    'global minimum'
    >>> region_critical_set([[0, 1, 1], [1, 1, 0]], X, [1, 2, 3]).label   # full rank, zero-loss set misses
    'empty'
    """
    Xm = _data(X, "X")
    d0, n = Xm.shape
    A = _pattern(pattern, n=n)
    d1 = A.shape[0]
    ym = _vector(y, n, "y")
    vm = None if v is None else _vector(v, d1, "v")
    rep = representation_of(Xm, ym, vm)
    exact = rep.exact
    J = region_jacobian(A, rep.convert(Xm), None if vm is None else rep.convert(vm))
    p = d0 * d1
    signs = 2 * A.astype(np.int64) - 1
    if exact:
        if _to_fraction_rows(Xm) is None or _to_fraction_rows(ym) is None or _to_fraction_rows(J) is None:
            raise InputTypeError("X, y and v have irrational exact entries; the exact path needs rational data "
                                 "(pass floats for the numeric path)")
        M = J.T
        yv = ym.T
        r = _rank(M)
        cols = M.columnspace()
        if cols:
            B = sympy.Matrix.hstack(*cols)
            yhat = B * (B.T * B).LUsolve(B.T * yv)
        else:
            yhat = sympy.zeros(n, 1)
        res = yv - yhat
        loss = sympy.Rational((res.T * res)[0, 0])
        # critical set {w = w_p + N z}; the in-region condition s_ij <w_i, x_j> > 0 is the open
        # cone {(z, tau) : h^T z + g tau > 0, tau > 0}, decided exactly by _open_cone_point
        sol, params = M.gauss_jordan_solve(yhat)
        wp = sol.subs({q: 0 for q in params})
        N = sympy.Matrix.hstack(*[sol.diff(q) for q in params]) if len(params) else sympy.zeros(p, 0)
        rows = []
        for i in range(d1):
            for j in range(n):
                coef = [int(signs[i, j]) * sum((Xm[k, j] * N[i * d0 + k, c] for k in range(d0)), sympy.Integer(0))
                        for c in range(N.cols)]
                const = int(signs[i, j]) * sum((Xm[k, j] * wp[i * d0 + k] for k in range(d0)), sympy.Integer(0))
                rows.append(coef + [const])
        rows.append([0] * N.cols + [1])
        frac = [[Fraction(int(sympy.Rational(x).p), int(sympy.Rational(x).q)) for x in r] for r in rows]
        u = _open_cone_point(frac)
        meets = u is not None
        witness = None
        if meets:
            tau = sympy.Rational(u[-1].numerator, u[-1].denominator)
            z = sympy.Matrix([sympy.Rational(x.numerator, x.denominator) for x in u[:-1]]) / tau
            w = wp + (N * z if N.cols else sympy.zeros(p, 1))
            witness = tuple(tuple(w[i * d0 + k] for k in range(d0)) for i in range(d1))
    else:
        from scipy.optimize import linprog

        M = np.asarray(J, dtype=float).T
        yv = to_float(ym).ravel()
        r = _rank(M, tol)
        w0, *_ = np.linalg.lstsq(M, yv, rcond=None)
        yhat = M @ w0
        loss = float(np.sum((yv - yhat) ** 2))
        Xf = to_float(Xm)
        A_ub = np.zeros((d1 * n, p + 1))
        for i in range(d1):
            A_ub[i * n:(i + 1) * n, i * d0:(i + 1) * d0] = -(signs[i][:, None] * Xf.T)
        A_ub[:, p] = 1
        c = np.zeros(p + 1)
        c[p] = -1
        res = linprog(c, A_ub=A_ub, b_ub=np.zeros(d1 * n), A_eq=np.hstack([M, np.zeros((n, 1))]), b_eq=yhat,
                      bounds=[(None, None)] * p + [(None, 1)], method="highs")
        meets = bool(res.status == 0 and -res.fun > tol)
        witness = tuple(tuple(float(x) for x in res.x[i * d0:(i + 1) * d0]) for i in range(d1)) if meets else None
        if loss <= tol * max(1.0, float(yv @ yv)):
            loss = 0.0
    if not meets:
        label = "empty"
    elif loss == 0:
        label = "global minimum"
    else:
        label = "bad local minimum"
    return RegionCriticalSet(rank=int(r), n=n, dimension=p - int(r), loss=loss, meets_region=bool(meets),
                             label=label, witness=witness, exact=bool(exact))


