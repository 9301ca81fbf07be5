"""ReLU activation regions, Jacobian ranks and the full-rank phase transition.

Setting (KMTM2024): a shallow network ``F(W, x) = sum_{i=1}^{d1} v_i relu(<w_i, x>)``
with fixed nonzero output weights ``v``, trainable first layer ``W`` (``d1 x d0``),
data ``X`` (``d0 x n``, one column per sample) and the squared loss
``L(W) = sum_j (F(W, x_j) - y_j)^2``.  Biases are handled by appending a constant
input coordinate (:func:`with_bias`), so ``d0' = d0 + 1`` counts the bias.

An *activation pattern* is a binary matrix ``A`` (``d1 x n``); its *region* is the
open polyhedral cone of weights ``W`` with ``<w_i, x_j> > 0`` exactly where
``A[i, j] = 1``.  Inside a region the network is linear in ``W`` and the Jacobian of
the ``n`` outputs is the column-wise Khatri--Rao product ``(diag(v) A) * X`` of
shape ``(d0 d1, n)`` (row ``i d0 + k`` belongs to the weight ``W[i, k]``).  If it
has rank ``n`` every differentiable critical point in the region is a global
minimum (KMTM2024).  Since the loss restricted to a region is a convex quadratic,
every critical point inside a region is a local minimum and all of them share one
value; full rank decides whether that value is zero.

Exact core, numeric edge: for exact data (int, Fraction, sympy Rational) ranks are
computed over QQ with :class:`~sympy.polys.matrices.DomainMatrix` and linear
programs are decided exactly; floats go through SVD / scipy with a stated tolerance.

Examples
--------
>>> X = with_bias([[0, 1, 2]])
>>> A = activation_pattern([[2, -1], [-2, 3]], X)
>>> A
array([[0, 1, 1],
       [1, 1, 0]], dtype=int8)
>>> is_realizable(A, X), jacobian_rank(A, X)
(True, 3)
"""

from __future__ import annotations

import concurrent.futures as _cf
import itertools
import math
import os
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy

from ..checks import check_seed
from ..exact.matrix import DEFAULT_TOL, as_matrix, is_exact_matrix, rank as _rank
from ..exceptions import (
    AssumptionError,
    DegenerateDataError,
    InputTypeError,
    ProblemTooLargeError,
    ShapeError,
)

__all__ = [
    "with_bias",
    "activation_pattern",
    "is_realizable",
    "region_interior_point",
    "region_jacobian",
    "jacobian_rank",
    "generic_jacobian_rank",
    "region_critical_set",
    "RegionCriticalSet",
    "cover_count",
    "MAX_COUNT_COST",
    "MAX_COUNT_BITS",
    "count_regions",
    "realizable_row_patterns",
    "exact_full_rank_fraction",
    "FullRankCount",
    "step_patterns",
    "one_dim_full_rank_fraction",
    "one_dim_zero_loss_dimension",
    "full_rank_fraction",
    "FullRankFraction",
    "SAMPLERS",
    "MC_TOL",
    "phase_transition",
    "PhaseTransition",
    "draw_phase_transition",
    "deep_region_jacobians",
    "DeepRegionJacobians",
]

#: Samplers accepted by :func:`full_rank_fraction` and :func:`phase_transition`.
#:
#: Examples
#: --------
#: >>> SAMPLERS[1]
#: 'uniform realizable region'
#: >>> full_rank_fraction(6, 1, 2, 10, sampler=SAMPLERS[1], seed=0).full_rank  # 2 * 2 < 6: never full rank
#: 0
SAMPLERS = ("uniform pattern", "uniform realizable region", "random initialization")

#: Largest number of objects an exact enumeration may visit before
#: :class:`ProblemTooLargeError` is raised (checked before any work starts).
MAX_ENUMERATION = 200_000
#: at most this many sampled Jacobians (samples per cell × cells) in one :func:`phase_transition`
MAX_PHASE_SAMPLES = 10**7


# --------------------------------------------------------------------------- input


def _data(X, name="X", exact=None):
    return as_matrix(X, name, exact=exact)


def _to_float(M):
    if is_exact_matrix(M):
        return np.array(M.tolist(), dtype=float)
    return np.asarray(M, dtype=float)


def _to_fraction_rows(M):
    """Rows of an exact sympy matrix as lists of Fraction (rationals only)."""
    out = []
    for r in range(M.rows):
        row = []
        for c in range(M.cols):
            x = M[r, c]
            if not x.is_Rational:
                return None
            row.append(Fraction(int(x.p), int(x.q)))
        out.append(row)
    return out


def _pattern(pattern, n=None, d1=None, name="pattern"):
    """Validate a binary pattern; returns an int8 array of shape (d1, n)."""
    if isinstance(pattern, str):
        raise InputTypeError(f"{name} is the string {pattern!r}; expected a binary matrix of 0/1 entries")
    if is_exact_matrix(pattern):
        pattern = pattern.tolist()
    try:
        arr = np.array(pattern, dtype=object)
    except (ValueError, TypeError):
        raise ShapeError(f"{name}: expected a 2-D binary matrix, received {pattern!r}") from None
    if arr.ndim != 2 or arr.size == 0:
        raise ShapeError(f"{name} has shape {arr.shape}; expected a non-empty 2-D binary matrix (d1, n)")
    out = np.zeros(arr.shape, dtype=np.int8)
    for idx, x in np.ndenumerate(arr):
        if isinstance(x, (bool, np.bool_)):
            out[idx] = int(x)
        elif isinstance(x, (int, np.integer, sympy.Integer)) and int(x) in (0, 1):
            out[idx] = int(x)
        else:
            raise InputTypeError(f"{name}[{idx[0]}, {idx[1]}] is {x!r}; expected 0 or 1 (a binary pattern)")
    if n is not None and out.shape[1] != n:
        raise ShapeError(f"{name} has shape {out.shape}; expected {n} columns, one per data point of X")
    if d1 is not None and out.shape[0] != d1:
        raise ShapeError(f"{name} has shape {out.shape}; expected {d1} rows, one per neuron")
    return out


def _vector(v, length, name, exact=None):
    """A length-``length`` vector as a (1, length) matrix (exact or numeric)."""
    if v is None:
        return None
    if is_exact_matrix(v):
        if 1 not in v.shape:
            raise ShapeError(f"{name} has shape {v.shape}; expected a vector of length {length}")
        v = list(v)
    elif isinstance(v, np.ndarray):
        if v.ndim == 2 and 1 in v.shape:
            v = v.ravel()
        if v.ndim != 1:
            raise ShapeError(f"{name} has shape {v.shape}; expected a vector of length {length}")
    elif not isinstance(v, (list, tuple)):
        raise InputTypeError(f"{name} has type {type(v).__name__}; expected a sequence of {length} numbers")
    vals = list(v)
    if vals and isinstance(vals[0], (list, tuple)):
        vals = [x for row in vals for x in row]
    if len(vals) != length:
        raise ShapeError(f"{name} has length {len(vals)}; expected {length}")
    return as_matrix([vals], name, exact=exact)


def _positive_int(value, name, minimum=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise InputTypeError(f"{name} is {value!r} of type {type(value).__name__}; expected an integer >= {minimum}")
    if int(value) < minimum:
        raise ShapeError(f"{name} is {value}; expected an integer >= {minimum}")
    return int(value)


def with_bias(X):
    """Append a constant row of ones to the data ``X`` (``d0 x n`` -> ``(d0+1) x n``).

    A bias of neuron ``i`` is then the last entry of ``w_i`` (KMTM2024 setting).

    Examples
    --------
    >>> with_bias([[1, 2, 3]])
    Matrix([
    [1, 2, 3],
    [1, 1, 1]])
    """
    M = _data(X)
    if is_exact_matrix(M):
        return M.col_join(sympy.ones(1, M.cols))
    return np.vstack([M, np.ones((1, M.shape[1]))])


# ---------------------------------------------------------------- patterns, LPs


def activation_pattern(W, X, bias=None, tol=DEFAULT_TOL):
    """Activation pattern ``A[i, j] = [<w_i, x_j> + b_i > 0]`` of weights ``W`` on data ``X``.

    Parameters
    ----------
    W : matrix (d1, d0)
        First-layer weights, one row per neuron.
    X : matrix (d0, n)
        Data, one column per sample.
    bias : sequence of d1 numbers, optional
        Biases ``b_i``.  Equivalent to ``W | b`` acting on ``with_bias(X)``.
    tol : float
        Numeric path only: a pre-activation with ``|z| <= tol * ||w_i|| ||x_j||``
        counts as zero.

    Returns
    -------
    numpy.ndarray of int8, shape (d1, n)

    Raises
    ------
    DegenerateDataError
        If some pre-activation is zero: ``W`` lies on a region boundary, in no
        open region.

    Examples
    --------
    >>> activation_pattern([[1, 0], [0, -1]], [[1, -2], [3, 1]])
    array([[1, 0],
           [0, 0]], dtype=int8)
    """
    Xm = _data(X, "X")
    d0, n = Xm.shape
    Wm = _data(W, "W")
    if Wm.shape[1] != d0:
        raise ShapeError(f"W has shape {Wm.shape}; expected ({Wm.shape[0]}, {d0}) for X of shape {(d0, n)}")
    d1 = Wm.shape[0]
    b = _vector(bias, d1, "bias")
    exact = is_exact_matrix(Xm) and is_exact_matrix(Wm) and (b is None or is_exact_matrix(b))
    if exact:
        Z = Wm * Xm
        if b is not None:
            Z = Z + b.T * sympy.ones(1, n)
        zero = [(i, j) for i in range(d1) for j in range(n) if Z[i, j] == 0]
        if zero:
            i, j = zero[0]
            raise DegenerateDataError(
                f"pre-activation of neuron {i} at sample {j} is exactly 0; expected nonzero "
                "pre-activations (W lies on a region boundary, not in an open region)")
        return np.array([[1 if Z[i, j] > 0 else 0 for j in range(n)] for i in range(d1)], dtype=np.int8)
    Wf, Xf = _to_float(Wm), _to_float(Xm)
    Z = Wf @ Xf
    scale = np.outer(np.linalg.norm(Wf, axis=1), np.linalg.norm(Xf, axis=0))
    if b is not None:
        bf = _to_float(b).ravel()
        Z = Z + bf[:, None]
        scale = scale + np.abs(bf)[:, None]
    bad = np.argwhere(np.abs(Z) <= tol * scale)
    if bad.size:
        i, j = bad[0]
        raise DegenerateDataError(
            f"pre-activation of neuron {i} at sample {j} is {Z[i, j]!r}, zero within tol={tol}; "
            "expected nonzero pre-activations (W lies on a region boundary)")
    return (Z > 0).astype(np.int8)


def _row_lp(signs, Xf):
    """scipy LP: find w with s_j <w, x_j> >= 1 for all j.  Returns w or None."""
    from scipy.optimize import linprog

    d0 = Xf.shape[0]
    A_ub = -(signs[:, None] * Xf.T)
    # positive row scaling does not change {w : A w < 0}; unit rows keep the LP well conditioned
    norms = np.max(np.abs(A_ub), axis=1, keepdims=True)
    A_ub = A_ub / np.where(norms > 0, norms, 1.0)
    res = linprog(np.zeros(d0), A_ub=A_ub, b_ub=-np.ones(len(signs)), bounds=[(None, None)] * d0, method="highs")
    if res.status == 0:
        return res.x
    if res.status == 2:
        return None
    raise DegenerateDataError(f"linear program for realizability failed: {res.message}")  # pragma: no cover


def _open_cone_point(C):
    """Exact decision whether ``{u : C u > 0}`` is non-empty, ``C`` a list of Fraction rows.

    Scaling argument: the open cone is non-empty iff ``C u >= 1`` is feasible.  HiGHS
    proposes an answer and it is certified exactly: a feasible float point is
    rationalised and checked; infeasibility is certified by Gordan's alternative,
    an exact ``y >= 0``, ``sum y = 1``, ``C^T y = 0`` computed on the support of
    HiGHS's dual vertex.  Returns a list of Fractions or ``None``; raises
    :class:`DegenerateDataError` in the (unexpected) case no certificate is found.
    """
    from scipy.optimize import linprog

    m, p = len(C), len(C[0])
    Cf = np.array([[float(x) for x in r] for r in C])
    res = linprog(np.zeros(p), A_ub=-Cf, b_ub=-np.ones(m), bounds=[(None, None)] * p, method="highs")
    if res.status == 0:
        u = [Fraction(float(x)) for x in res.x]
        if all(sum(r[k] * u[k] for k in range(p)) > 0 for r in C):
            return u
    dual = linprog(np.zeros(m), A_eq=np.vstack([Cf.T, np.ones((1, m))]), b_eq=np.r_[np.zeros(p), 1.0],
                   bounds=[(0, None)] * m, method="highs")
    if dual.status == 0:
        S = [j for j in range(m) if dual.x[j] > 1e-12]
        K = sympy.Matrix([[sympy.Rational(C[j][k].numerator, C[j][k].denominator) for j in S] for k in range(p)]
                         + [[1] * len(S)])
        rhs = sympy.Matrix([0] * p + [1])
        try:
            sol, params = K.gauss_jordan_solve(rhs)
            sol = sol.subs({q: 0 for q in params})
        except ValueError:
            sol = None
        if sol is not None and all(x >= 0 for x in sol):
            return None
    raise DegenerateDataError("could not certify exactly whether the open cone {u : C u > 0} is empty; "
                              "expected HiGHS to return a certifiable vertex (try the numeric path with floats)")


def _row_point(row, Xm):
    """A weight vector strictly inside the one-neuron region of ``row`` or None (exact for exact X)."""
    signs = 2 * row.astype(np.int64) - 1
    if not is_exact_matrix(Xm):
        return _row_lp(signs, _to_float(Xm))
    Xq = _to_fraction_rows(Xm)
    if Xq is None:
        raise InputTypeError("X has irrational exact entries; the exact LP path needs rational data "
                             "(pass floats for the numeric path)")
    d0, n = len(Xq), len(Xq[0])
    rows = []
    for j in range(n):  # exact positive scaling of each constraint to max-abs 1 (same open cone)
        r = [int(signs[j]) * Xq[k][j] for k in range(d0)]
        top = max(abs(x) for x in r)
        rows.append([x / top for x in r] if top else r)
    return _open_cone_point(rows)


def is_realizable(pattern, X):
    """Whether the activation region of ``pattern`` on data ``X`` is non-empty.

    The region is the open cone ``{W : (2A_ij - 1) <w_i, x_j> > 0}``; it splits into
    one cone per neuron.  A cone ``{w : s_j <w, x_j> > 0}`` is non-empty iff the LP
    ``s_j <w, x_j> >= 1`` is feasible (scaling argument: if ``w`` satisfies the strict
    inequalities, ``w / min_j s_j <w, x_j>`` satisfies the margin-one ones, and
    conversely).  The decision is therefore exact: scipy's HiGHS solves the LP; for
    rational data a feasible answer is confirmed by an exact rational point and an
    infeasible one by an exact Gordan certificate (``y >= 0``, ``y != 0``,
    ``sum_j y_j s_j x_j = 0``).

    Examples
    --------
    >>> X = with_bias([[0, 1, 2]])
    >>> is_realizable([[1, 0, 1]], X)
    False
    >>> is_realizable([[1, 1, 0]], X)
    True
    """
    Xm = _data(X, "X")
    A = _pattern(pattern, n=Xm.shape[1])
    return all(_row_point(row, Xm) is not None for row in A)


def region_interior_point(pattern, X):
    """Weights ``W`` (``d1 x d0``) strictly inside the region of ``pattern``, or ``None``.

    Exact (a sympy Matrix of rationals) for rational data, float64 otherwise.

    Examples
    --------
    >>> X = with_bias([[0, 1, 2]])
    >>> W = region_interior_point([[0, 1, 1]], X)
    >>> activation_pattern(W, X)
    array([[0, 1, 1]], dtype=int8)
    """
    Xm = _data(X, "X")
    A = _pattern(pattern, n=Xm.shape[1])
    rows = []
    for row in A:
        w = _row_point(row, Xm)
        if w is None:
            return None
        rows.append(list(w))
    if is_exact_matrix(Xm):
        return sympy.Matrix([[sympy.Rational(x.numerator, x.denominator) for x in r] for r in rows])
    return np.array(rows, dtype=float)


# ----------------------------------------------------------------- Jacobians


def _output_weights(v, d1, exact):
    if v is None:
        return sympy.ones(1, d1) if exact else np.ones(d1)
    vm = _vector(v, d1, "v")
    vals = list(vm) if is_exact_matrix(vm) else list(vm.ravel())
    for i, x in enumerate(vals):
        if x == 0:
            raise AssumptionError(f"v[{i}] is 0; expected nonzero output weights v (KMTM2024 setting)")
    if exact and is_exact_matrix(vm):
        return vm
    return _to_float(vm).ravel()


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
    exact = is_exact_matrix(Xm)
    vv = _output_weights(v, d1, exact)
    if exact and is_exact_matrix(vv):
        J = sympy.zeros(d1 * d0, n)
        for i in range(d1):
            for j in range(n):
                if A[i, j]:
                    for k in range(d0):
                        J[i * d0 + k, j] = vv[i] * Xm[k, j]
        return J
    Xf = _to_float(Xm)
    return np.einsum("ij,kj->ikj", np.asarray(vv, dtype=float)[:, None] * A, Xf).reshape(d1 * d0, n)


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
    d0 = _positive_int(d0, "d0")
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


# ----------------------------------------------------------- critical sets


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
        conv = (lambda x: str(x)) if self.exact else float
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
    exact = is_exact_matrix(Xm) and is_exact_matrix(ym) and (v is None or is_exact_matrix(_vector(v, d1, "v")))
    J = region_jacobian(A, Xm if exact else _to_float(Xm), v if v is None or exact else _to_float(_vector(v, d1, "v")).ravel())
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
        yv = _to_float(ym).ravel()
        r = _rank(M, tol)
        w0, *_ = np.linalg.lstsq(M, yv, rcond=None)
        yhat = M @ w0
        loss = float(np.sum((yv - yhat) ** 2))
        Xf = _to_float(Xm)
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


# ------------------------------------------------------------------ counting


#: Largest estimated cost (terms × bits) of :func:`cover_count` (about 1 s at the limit).
MAX_COUNT_COST = 5 * 10**9
#: Largest size (bits) of an exact count returned by :func:`cover_count` / :func:`count_regions`.
MAX_COUNT_BITS = 1 << 23


def cover_count(n, d):
    """Cover's function-counting number ``C(n, d) = 2 sum_{k<d} binom(n-1, k)``.

    The number of dichotomies of ``n`` points in general position in ``R^d`` cut by
    hyperplanes through the origin, i.e. of realizable activation patterns of one
    neuron (KMTM2024).  With a bias use ``d = d0 + 1``; in 1-D with bias it is ``2n``.

    The partial sum of binomials is accumulated term by term (``C(n−1, k+1)`` from
    ``C(n−1, k)``), over the shorter side: ``sum_{k<d} = 2^(n−1) − sum_{j≤n−1−d}``.
    Counts of more than :data:`MAX_COUNT_BITS` bits, or an estimated cost above
    :data:`MAX_COUNT_COST`, raise :class:`~linnet_geometry.exceptions.ProblemTooLargeError`
    before any work.

    Examples
    --------
    >>> cover_count(5, 2), cover_count(3, 5)
    (10, 8)
    >>> cover_count(40, 20) == 2 * sum(math.comb(39, k) for k in range(20))
    True
    """
    n = _positive_int(n, "n")
    d = _positive_int(d, "d")
    m = n - 1
    if d > m:  # every subset: 2 * 2^(n-1)
        if n > MAX_COUNT_BITS:
            raise ProblemTooLargeError(f"cover_count({n}, {d}) = 2^{n} has {n + 1} bits; expected at most "
                                       f"{MAX_COUNT_BITS} (refused before any work)")
        return 1 << n
    complement = d - 1 > m // 2
    terms = m - d + 1 if complement else d
    last = terms - 1  # largest binomial C(m, last) of the sum bounds the size of every number
    bits = (math.lgamma(m + 1) - math.lgamma(last + 1) - math.lgamma(m - last + 1)) / math.log(2) + 2
    if complement:
        bits = max(bits, m + 2)
    if bits > MAX_COUNT_BITS or terms * bits > MAX_COUNT_COST:
        raise ProblemTooLargeError(
            f"cover_count({n}, {d}) sums {terms} binomials of up to {bits:.3g} bits (cost {terms * bits:.3g}); "
            f"expected at most {MAX_COUNT_BITS} bits and cost {MAX_COUNT_COST:.3g} (refused before any work)")
    c, total = 1, 0
    for k in range(terms):
        total += c
        c = c * (m - k) // (k + 1)
    return 2 * ((1 << m) - total) if complement else 2 * total


def count_regions(n, d0, d1, bias=True):
    """Number of non-empty activation regions for generic data: ``C(n, d0 + bias)^{d1}``.

    Neurons are independent, so the count is Cover's per-neuron count to the power
    ``d1`` (KMTM2024); 1-D with bias gives ``(2n)^{d1}``.

    Examples
    --------
    >>> count_regions(4, 1, 3)
    512
    """
    d1 = _positive_int(d1, "d1")
    c = cover_count(n, _positive_int(d0, "d0") + bool(bias))
    if d1 * c.bit_length() > MAX_COUNT_BITS:
        raise ProblemTooLargeError(f"count_regions: C(n, d)^{d1} has about {d1 * c.bit_length():.3g} bits; expected "
                                   f"at most {MAX_COUNT_BITS} (refused before the power is computed)")
    return c ** d1


def _general_cross(M):
    """Null vector of a (d-1) x d matrix by signed maximal minors; exact for sympy input."""
    d = M.shape[1]
    out = []
    for k in range(d):
        cols = [c for c in range(d) if c != k]
        sub = M[:, cols]
        det = sub.det() if is_exact_matrix(sub) else (float(np.linalg.det(sub)) if d > 1 else 1.0)
        out.append((-1) ** k * det)
    return out


def realizable_row_patterns(X, tol=DEFAULT_TOL):
    """All activation patterns of one neuron realizable on data ``X`` (``d0' x n``).

    For data in general position (every ``d0'`` columns independent) the cells of
    the central arrangement ``{x_j^perp}`` are enumerated through its rays: each
    ray is cut out by ``d0' - 1`` hyperplanes, the cells around it take every sign
    on those and the ray's signs elsewhere, and every cell (a pointed cone) has a
    ray.  Exact for exact data.  Otherwise every pattern is tested by LP
    (:func:`is_realizable`), for ``n <= 14``.

    Returns
    -------
    numpy.ndarray of int8, shape (k, n), rows sorted lexicographically.

    Examples
    --------
    >>> realizable_row_patterns(with_bias([[0, 1, 2]]))
    array([[0, 0, 0],
           [0, 0, 1],
           [0, 1, 1],
           [1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]], dtype=int8)
    """
    Xm = _data(X, "X")
    d, n = Xm.shape
    exact = is_exact_matrix(Xm)
    bound = cover_count(n, d) if n >= d else 2 ** n
    if bound > MAX_ENUMERATION:
        raise ProblemTooLargeError(
            f"realizable_row_patterns: up to {bound} patterns for n={n}, d0'={d}; expected at most {MAX_ENUMERATION}")
    Xf = _to_float(Xm)
    general = _rank(Xm) == min(d, n)
    if general and n < d:
        pats = set(itertools.product((0, 1), repeat=n))
        return np.array(sorted(pats), dtype=np.int8)
    pats = set()
    if general and d == 1:
        s = tuple(1 if x > 0 else 0 for x in (list(Xm) if exact else Xf.ravel()))
        if all(x != 0 for x in (list(Xm) if exact else Xf.ravel())):
            pats = {s, tuple(1 - t for t in s)}
            return np.array(sorted(pats), dtype=np.int8)
        general = False
    if general:
        norms = np.linalg.norm(Xf, axis=0)
        for I in itertools.combinations(range(n), d - 1):
            if exact:
                r = _general_cross(Xm[:, list(I)].T)
                dots = [sum(r[k] * Xm[k, j] for k in range(d)) for j in range(n)]
                if all(x == 0 for x in r):
                    general = False
                    break
                zero = [j for j in range(n) if j not in I and dots[j] == 0]
                sgn = [1 if x > 0 else 0 for x in dots]
            else:
                r = np.array(_general_cross(Xf[:, list(I)].T), dtype=float)
                rn = np.linalg.norm(r)
                if rn <= tol * np.prod(norms[list(I)]):
                    general = False
                    break
                dots = r @ Xf
                zero = [j for j in range(n) if j not in I and abs(dots[j]) <= tol * rn * norms[j]]
                sgn = [1 if x > 0 else 0 for x in dots]
            if zero:
                general = False
                break
            for flip in (False, True):
                base = [1 - s if flip else s for s in sgn]
                for combo in itertools.product((0, 1), repeat=d - 1):
                    for j, c in zip(I, combo):
                        base[j] = c
                    pats.add(tuple(base))
    if not general:
        if n > 14:
            raise ProblemTooLargeError(
                f"realizable_row_patterns: data not in general position; LP enumeration needs n <= 14, received n = {n}")
        pats = {p for p in itertools.product((0, 1), repeat=n)
                if _row_point(np.array(p, dtype=np.int8), Xm) is not None}
    return np.array(sorted(pats), dtype=np.int8)


@dataclass(frozen=True)
class FullRankCount:
    """Exact count of full-rank activation patterns.

    Attributes
    ----------
    full_rank, total : int
        Patterns (with multiplicity) of rank ``n``, and all patterns counted.
    over : str
        ``"patterns"`` (all binary matrices) or ``"regions"`` (realizable ones).
    n, d1 : int

    Examples
    --------
    >>> exact_full_rank_fraction(with_bias([[0, 1, 3]]), 2, over="regions")
    FullRankCount(full_rank=14, total=36, over='regions', n=3, d1=2)
    >>> _.fraction
    Fraction(7, 18)
    """

    full_rank: int
    total: int
    over: str
    n: int
    d1: int

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.full_rank, self.total)

    def to_dict(self):
        return {"full_rank": self.full_rank, "total": self.total, "fraction": str(self.fraction),
                "over": self.over, "n": self.n, "d1": self.d1}


def _multiset_full_rank(rows, d1, rank_of, n):
    """Count full-rank d1-row matrices from ``rows`` (with multiplicity) via multisets."""
    k = len(rows)
    combos = math.comb(k + d1 - 1, d1)
    if combos > MAX_ENUMERATION:
        raise ProblemTooLargeError(
            f"exact enumeration visits {combos} multisets of {d1} rows from {k}; expected at most {MAX_ENUMERATION}")
    full = 0
    fact = math.factorial(d1)
    for combo in itertools.combinations_with_replacement(range(k), d1):
        if rank_of(rows[list(combo)]) == n:
            mult = fact
            for _, g in itertools.groupby(combo):
                mult //= math.factorial(len(list(g)))
            full += mult
    return full, k ** d1


def exact_full_rank_fraction(X, d1, over="patterns", tol=DEFAULT_TOL):
    """Exact fraction of full-rank Jacobians over all patterns or all realizable regions of ``X``.

    Enumerates row multisets (the rank does not depend on the order of neurons)
    with their multinomial multiplicities; ranks are exact for exact ``X``.  For
    ``d0 >= n`` and generic ``X`` the fraction over patterns is ``(1 - 2^{-d1})^n``:
    full rank iff no sample is inactive for every neuron (KMTM2024).

    Examples
    --------
    >>> exact_full_rank_fraction([[1, 0], [0, 1]], 2).fraction
    Fraction(9, 16)
    >>> c = exact_full_rank_fraction(with_bias([[0, 1, 3]]), 2, over="regions")
    >>> c.total, c.full_rank
    (36, 14)
    """
    Xm = _data(X, "X")
    d1 = _positive_int(d1, "d1")
    n = Xm.shape[1]
    if over == "patterns":
        if 2 ** n > MAX_ENUMERATION:
            raise ProblemTooLargeError(f"2^n = {2 ** n} row patterns; expected at most {MAX_ENUMERATION}")
        rows = np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.int8)
    elif over == "regions":
        rows = realizable_row_patterns(Xm, tol)
    else:
        raise InputTypeError(f"over is {over!r}; expected 'patterns' or 'regions'")
    full, total = _multiset_full_rank(rows, d1, lambda A: jacobian_rank(A, Xm, tol=tol), n)
    return FullRankCount(full_rank=full, total=total, over=over, n=n, d1=d1)


# -------------------------------------------------------------- 1-D with bias


def step_patterns(n):
    """The ``2n`` realizable one-neuron patterns on sorted 1-D data with bias.

    On ``x_1 < ... < x_n`` a neuron ``relu(w x + b)`` is on for a suffix (``w > 0``)
    or a prefix (``w < 0``) of the samples; with all-on and all-off counted once
    that is ``2n = C(n, 2)`` patterns (KMTM2024).

    Examples
    --------
    >>> step_patterns(2)
    array([[0, 0],
           [0, 1],
           [1, 0],
           [1, 1]], dtype=int8)
    """
    n = _positive_int(n, "n")
    if 2 * n * n > MAX_SAMPLE_BYTES:
        raise ProblemTooLargeError(f"step_patterns({n}) is a {2 * n} x {n} array of about {2 * n * n / 2**30:.3g} GiB; "
                                   f"expected at most {MAX_SAMPLE_BYTES / 2**30:.0f} GiB")
    # in lexicographic order: 0^k 1^(n-k) for k = n, ..., 1 (from all-off), then 1^k 0^(n-k) for k = 1, ..., n
    j = np.arange(n)
    k = np.arange(1, n + 1)[:, None]
    return np.vstack([(j >= k[::-1]), (j < k)]).astype(np.int8)


def one_dim_full_rank_fraction(n, d1, x=None):
    """Exact full-rank fraction over the ``(2n)^{d1}`` regions of 1-D data with bias.

    Parameters
    ----------
    n, d1 : int
    x : sequence of n distinct numbers, optional
        The data.  Default: generic data, ranks by :func:`generic_jacobian_rank`
        with ``d0' = 2`` (exact for generic ``x``).  Given ``x`` (any order), the
        ranks of that dataset are used (exact for exact ``x``).

    Returns
    -------
    FullRankCount  (``over="regions"``)

    Examples
    --------
    >>> c = one_dim_full_rank_fraction(3, 2)
    >>> c.total, c.full_rank
    (36, 14)
    """
    n = _positive_int(n, "n")
    d1 = _positive_int(d1, "d1")
    if x is None and n > 20:
        raise ProblemTooLargeError(f"generic ranks need n <= 20; received n = {n}")
    rows = step_patterns(n)
    if x is None:
        rank_of = lambda A: generic_jacobian_rank(A, 2)  # noqa: E731
    else:
        xm = _vector(x, n, "x")
        vals = list(xm) if is_exact_matrix(xm) else list(xm.ravel())
        if len(set(vals)) != n:
            raise DegenerateDataError(f"x has repeated values {vals}; expected {n} distinct samples")
        order = sorted(range(n), key=lambda j: vals[j])
        Xs = with_bias(xm[:, order] if is_exact_matrix(xm) else xm[:, order])
        rank_of = lambda A: jacobian_rank(A, Xs)  # noqa: E731
    full, total = _multiset_full_rank(rows, d1, rank_of, n)
    return FullRankCount(full_rank=full, total=total, over="regions", n=n, d1=d1)


def one_dim_zero_loss_dimension(n, d1):
    """Dimension ``2 d1 - n`` of the zero-loss set inside a full-rank 1-D region with bias.

    Inside a region the zero-loss set is the affine space ``{J^T w = y}``; with
    rank ``n`` it has dimension ``d0' d1 - n = 2 d1 - n`` when it meets the region
    (KMTM2024).  Raises :class:`AssumptionError` when ``2 d1 < n`` (no full-rank region).

    Examples
    --------
    >>> one_dim_zero_loss_dimension(5, 4)
    3
    """
    n = _positive_int(n, "n")
    d1 = _positive_int(d1, "d1")
    if 2 * d1 < n:
        raise AssumptionError(f"2*d1 = {2 * d1} < n = {n}: no region has a full-rank Jacobian; expected 2*d1 >= n")
    return 2 * d1 - n


# --------------------------------------------------------------- Monte Carlo


@dataclass(frozen=True)
class FullRankFraction:
    """Monte Carlo estimate of the fraction of full-rank Jacobians.

    Attributes
    ----------
    n, d0, d1 : int
        Samples, input dimension (without bias) and width.
    bias : bool
    sampler : str
        One of :data:`SAMPLERS`.
    samples, full_rank : int
        Number of sampled regions, and how many had rank ``n``.
    seed : int
        Entropy of the :class:`numpy.random.SeedSequence` used.

    Examples
    --------
    >>> r = full_rank_fraction(3, 1, 4, 20, seed=0)
    >>> r.samples, r.sampler, 0 < r.full_rank <= r.samples
    (20, 'uniform pattern', True)
    >>> full_rank_fraction(6, 1, 2, 50, seed=0).fraction   # 2 * 2 < 6: never full rank
    0.0
    """

    n: int
    d0: int
    d1: int
    bias: bool
    sampler: str
    samples: int
    full_rank: int
    seed: int = field(repr=False)

    @property
    def fraction(self) -> float:
        return self.full_rank / self.samples

    @property
    def stderr(self) -> float:
        p = self.fraction
        return math.sqrt(p * (1 - p) / self.samples)

    def _repr_latex_(self):
        return (f"$\\Pr[\\operatorname{{rank}} J = {self.n}] \\approx {self.fraction:.3f} \\pm {self.stderr:.3f}$ "
                f"($d_0={self.d0}$, $d_1={self.d1}$, {self.sampler})")

    def to_dict(self):
        return {"n": self.n, "d0": self.d0, "d1": self.d1, "bias": self.bias, "sampler": self.sampler,
                "samples": self.samples, "full_rank": self.full_rank, "fraction": self.fraction,
                "stderr": self.stderr, "seed": self.seed}


#: Monte Carlo rank tolerance; full rank iff ``s_min > MC_TOL * s_max`` for the
#: singular values of the Jacobian (decided on the Gram matrix, see :func:`full_rank_fraction`).
#:
#: Examples
#: --------
#: >>> MC_TOL
#: 1e-06
#: >>> import inspect
#: >>> inspect.signature(full_rank_fraction).parameters["tol"].default == MC_TOL
#: True
MC_TOL = 1e-6


def _batched_full_rank(A, Xf, tol=MC_TOL):
    """Boolean array: which patterns A (S, d1, n) give a rank-n Khatri--Rao Jacobian.

    Uses the Gram identity ``J^T J = (A^T A) o (X^T X)`` (Hadamard product) and
    ``eigvalsh``: full rank iff ``lambda_min > tol^2 lambda_max`` i.e.
    ``s_min > tol s_max``; with ``tol >= 1e-6`` the rounding of the Gram matrix
    (about ``n eps lambda_max``) cannot flip the decision.
    """
    S, d1, n = A.shape
    d0 = Xf.shape[0]
    out = np.zeros(S, dtype=bool)
    if d0 * d1 < n:
        return out
    alive = A.any(axis=1).all(axis=1)  # a sample inactive for every neuron kills rank
    idx = np.nonzero(alive)[0]
    if idx.size == 0:
        return out
    Af = A[idx].astype(float)
    G = (np.swapaxes(Af, 1, 2) @ Af) * (Xf.T @ Xf)[None]
    lam = np.linalg.eigvalsh(G)
    out[idx] = lam[:, 0] > tol * tol * lam[:, -1]
    return out


def _seed_entropy(seed):
    seed = check_seed(seed)
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    return np.random.SeedSequence(seed)


def _full_rank_count(n, d0, d1, samples, sampler, bias, ss, tol, progress, X=None):
    rng = np.random.default_rng(ss)
    d0p = d0 + int(bias)
    if X is None:
        Xf = rng.standard_normal((d0, n))
    else:
        Xf = X
    if bias:
        Xf = np.vstack([Xf, np.ones((1, n))])
    rows = realizable_row_patterns(Xf) if sampler == "uniform realizable region" else None
    per = max(1, int(4_000_000 // max(1, d1 * d0p * n)))
    full = 0
    done = 0
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=samples, desc=f"full rank n={n} d1={d1}", leave=False)
    while done < samples:
        m = min(per, samples - done)
        if sampler == "uniform pattern":
            A = rng.integers(0, 2, size=(m, d1, n), dtype=np.int8)
        elif sampler == "uniform realizable region":
            A = rows[rng.integers(0, len(rows), size=(m, d1))]
        else:
            W = rng.standard_normal((m, d1, d0p))
            A = (W @ Xf > 0).astype(np.int8)
        full += int(_batched_full_rank(A, Xf, tol).sum())
        done += m
        if bar is not None:
            bar.update(m)
    if bar is not None:
        bar.close()
    return full


#: Largest memory (bytes) one Monte Carlo sample may need (its pattern, data and n x n Gram matrix).
MAX_SAMPLE_BYTES = 2**31


def _check_sample_memory(n, d0p, d1):
    need = 8 * (n * n + d1 * n + d0p * n)
    if need > MAX_SAMPLE_BYTES:
        raise ProblemTooLargeError(
            f"one sample with n = {n}, d0' = {d0p}, d1 = {d1} needs about {need / 2**30:.1f} GiB (n x n Gram matrix); "
            f"expected at most {MAX_SAMPLE_BYTES / 2**30:.0f} GiB")


def _check_tol(tol):
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not (1e-7 <= tol < 1):
        raise InputTypeError(f"tol is {tol!r}; expected a float in [1e-7, 1) (Gram-matrix rank decision)")


def _check_sampler(sampler):
    if sampler not in SAMPLERS:
        raise InputTypeError(f"sampler is {sampler!r}; expected one of {list(SAMPLERS)}")


def full_rank_fraction(n, d0, d1, samples, sampler="uniform pattern", *, bias=True, X=None, seed=None,
                       tol=MC_TOL, progress=False):
    """Monte Carlo fraction of sampled activation regions whose Jacobian has rank ``n``.

    Parameters
    ----------
    n, d0, d1 : int
        Samples, input dimension (bias not counted) and hidden width.
    samples : int
        Number of sampled patterns.
    sampler : {"uniform pattern", "uniform realizable region", "random initialization"}
        Uniform binary ``d1 x n`` matrices; uniform among the realizable regions of
        the dataset (each neuron uniform among :func:`realizable_row_patterns`);
        patterns of Gaussian weights ``W``.
    bias : bool
        Append a constant input coordinate (``d0' = d0 + 1``).
    X : array (d0, n), optional
        Data; default standard Gaussian (generic), drawn from the seed.
    seed : int or numpy.random.SeedSequence, optional
    tol : float
        Numeric rank: full rank iff ``s_min > tol * s_max`` (singular values of the
        Jacobian), decided from the eigenvalues of the Gram matrix
        ``(A^T A) o (X^T X)``, vectorised over samples.  Must be >= 1e-7 so that
        rounding cannot flip a decision.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    FullRankFraction

    Examples
    --------
    >>> r = full_rank_fraction(6, 1, 8, 200, seed=0)
    >>> r.samples, 0.3 < r.fraction < 1
    (200, True)
    >>> full_rank_fraction(6, 1, 2, 50, seed=0).full_rank   # 2 * 2 < 6: never full rank
    0
    """
    n = _positive_int(n, "n")
    d0 = _positive_int(d0, "d0")
    d1 = _positive_int(d1, "d1")
    samples = _positive_int(samples, "samples")
    _check_sampler(sampler)
    _check_tol(tol)
    _check_sample_memory(n, d0 + int(bool(bias)), d1)
    Xf = None
    if X is not None:
        Xf = _to_float(_data(X, "X"))
        if Xf.shape != (d0, n):
            raise ShapeError(f"X has shape {Xf.shape}; expected {(d0, n)} (d0, n), without the bias row")
    ss = _seed_entropy(seed)
    full = _full_rank_count(n, d0, d1, samples, sampler, bool(bias), ss, tol, progress, Xf)
    return FullRankFraction(n=n, d0=d0, d1=d1, bias=bool(bias), sampler=sampler, samples=samples,
                            full_rank=full, seed=int(ss.entropy) if isinstance(ss.entropy, int) else 0)


def _cell_task(args):
    """Worker of :func:`phase_transition` (module level so that it pickles)."""
    n, d0, d1, samples, sampler, bias, ss, tol = args
    return _full_rank_count(n, d0, d1, samples, sampler, bias, ss, tol, False)


@dataclass(frozen=True)
class PhaseTransition:
    """Table of full-rank fractions over a grid of sample sizes ``n`` and widths ``d1``.

    Attributes
    ----------
    d0 : int
    bias : bool
    ns, widths : tuple of int
        Grid rows (samples ``n``) and columns (widths ``d1``).
    samples : int
        Samples per cell.
    sampler : str
    full_rank : tuple of tuple of int
        ``full_rank[a][b]`` full-rank samples for ``n = ns[a]``, ``d1 = widths[b]``.
    seed : int
        Root entropy; cell ``k`` (row-major) uses the ``k``-th spawned SeedSequence.

    Examples
    --------
    >>> pt = phase_transition(1, [4, 8], [1, 8], samples=20, seed=0, max_workers=1)
    >>> pt.ns, pt.widths, pt.fractions.shape
    ((4, 8), (1, 8), (2, 2))
    >>> [row[0] for row in pt.full_rank]   # width 1: rank <= 2 < n
    [0, 0]
    """

    d0: int
    bias: bool
    ns: tuple
    widths: tuple
    samples: int
    sampler: str
    full_rank: tuple = field(repr=False)
    seed: int = field(repr=False)

    @property
    def fractions(self):
        return np.array(self.full_rank, dtype=float) / self.samples

    def transition_widths(self, level=0.5):
        """For each ``n`` the smallest width whose fraction is ``>= level`` (``None`` if none)."""
        out = []
        for row in self.fractions:
            hit = [w for w, f in zip(self.widths, row) if f >= level]
            out.append(hit[0] if hit else None)
        return tuple(out)

    def to_dict(self):
        return {"d0": self.d0, "bias": self.bias, "ns": list(self.ns), "widths": list(self.widths),
                "samples": self.samples, "sampler": self.sampler, "seed": self.seed,
                "full_rank": [list(r) for r in self.full_rank],
                "fractions": [[float(f) for f in r] for r in self.fractions],
                "transition_widths": list(self.transition_widths())}

    def table(self):
        """Plain-text table: one row per ``n``, one column per width."""
        head = "n \\ d1 " + " ".join(f"{w:>5d}" for w in self.widths)
        lines = [head]
        for n, row in zip(self.ns, self.fractions):
            lines.append(f"{n:>7d} " + " ".join(f"{f:5.2f}" for f in row))
        return "\n".join(lines)

    def _repr_latex_(self):
        rows = " \\\\ ".join(f"{n} & " + " & ".join(f"{f:.2f}" for f in r) for n, r in zip(self.ns, self.fractions))
        head = "n \\backslash d_1 & " + " & ".join(str(w) for w in self.widths)
        return f"$\\begin{{array}}{{r|{'c' * len(self.widths)}}} {head} \\\\ \\hline {rows} \\end{{array}}$"

    def plot(self, path=None, ax=None):
        """Thin wrapper of :func:`draw_phase_transition`."""
        return draw_phase_transition(self, path=path, ax=ax)


def phase_transition(d0, ns, widths, samples=100, sampler="uniform pattern", *, bias=True, seed=None,
                     executor=None, max_workers=None, tol=MC_TOL, progress=False):
    """Full-rank fraction over the grid ``ns x widths`` (the KMTM2024 phase transition).

    With uniform patterns the fraction moves from near 0 to near 1 as ``d1``
    grows past about ``n / d0'`` (KMTM2024).  Each cell ``k`` (row-major) gets its
    own child of ``SeedSequence(seed)``, so results do not depend on how cells are
    scheduled: serial, local processes and any executor give identical tables.

    Parameters
    ----------
    d0 : int
    ns, widths : sequence of int
    samples : int
    sampler : str
        See :func:`full_rank_fraction`.
    bias : bool
    seed : int, optional
    executor : concurrent.futures.Executor, optional
        Runs the cells (``submit``); e.g. ``dask.distributed.Client.get_executor()``.
        Default: a local :class:`~concurrent.futures.ProcessPoolExecutor` with
        ``max_workers`` processes (``max_workers=1``: serial, in this process).
    progress : bool
        tqdm progress bar over cells.

    Returns
    -------
    PhaseTransition

    Examples
    --------
    >>> pt = phase_transition(1, [4, 8], [1, 2, 4, 8], samples=50, seed=1, max_workers=1)
    >>> pt.full_rank[0][0], pt.full_rank[1][0]
    (0, 0)
    >>> print(pt.table().splitlines()[0])
    n \\ d1     1     2     4     8
    """
    d0 = _positive_int(d0, "d0")
    samples = _positive_int(samples, "samples")
    _check_sampler(sampler)
    _check_tol(tol)
    ns = tuple(_positive_int(n, "n") for n in ns)
    widths = tuple(_positive_int(w, "width") for w in widths)
    if not ns or not widths:
        raise ShapeError(f"empty grid: ns={ns}, widths={widths}; expected at least one value each")
    _check_sample_memory(max(ns), d0 + int(bool(bias)), max(widths))
    if samples * len(ns) * len(widths) > MAX_PHASE_SAMPLES:
        raise ProblemTooLargeError(f"phase_transition would sample {samples} × {len(ns) * len(widths)} cells "
                                   f"Jacobians; expected at most {MAX_PHASE_SAMPLES} in total (refused before any work)")
    if executor is not None and not hasattr(executor, "submit"):
        raise InputTypeError(f"executor has type {type(executor).__name__}; expected a concurrent.futures.Executor")
    root = _seed_entropy(seed)
    cells = [(n, w) for n in ns for w in widths]
    seeds = root.spawn(len(cells))
    tasks = [(n, d0, w, samples, sampler, bool(bias), s, tol) for (n, w), s in zip(cells, seeds)]
    order = sorted(range(len(tasks)), key=lambda k: -cells[k][0] ** 2 * cells[k][1])  # heavy first
    results = [None] * len(tasks)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(tasks), desc="phase transition")
    workers = max_workers if max_workers is not None else (os.cpu_count() or 1)
    own = None
    if executor is None and workers > 1 and len(tasks) > 1:
        own = executor = _cf.ProcessPoolExecutor(max_workers=workers)
    try:
        if executor is None:
            for k in order:
                results[k] = _cell_task(tasks[k])
                if bar is not None:
                    bar.update(1)
        else:
            futures = {executor.submit(_cell_task, tasks[k]): k for k in order}
            for fut in _as_completed(futures):
                results[futures[fut]] = fut.result()
                if bar is not None:
                    bar.update(1)
    finally:
        if own is not None:
            own.shutdown()
        if bar is not None:
            bar.close()
    table = tuple(tuple(results[a * len(widths) + b] for b in range(len(widths))) for a in range(len(ns)))
    return PhaseTransition(d0=d0, bias=bool(bias), ns=ns, widths=widths, samples=samples, sampler=sampler,
                           full_rank=table, seed=int(root.entropy) if isinstance(root.entropy, int) else 0)


def _as_completed(futures):
    try:
        return _cf.as_completed(futures)
    except TypeError:  # pragma: no cover - futures of foreign executors
        return list(futures)


def draw_phase_transition(result, path=None, ax=None):
    """Heat map of a :class:`PhaseTransition` (matplotlib, Agg backend when saving).

    Returns the matplotlib Figure; saves it to ``path`` when given.  The dashed
    line is ``d1 = n / d0'``.

    Examples
    --------
    >>> pt = phase_transition(1, [4, 6], [1, 2, 3], samples=10, seed=0, max_workers=1)
    >>> draw_phase_transition(pt).axes[0].get_xlabel()
    'width d1'
    """
    if not isinstance(result, PhaseTransition):
        raise InputTypeError(f"result has type {type(result).__name__}; expected PhaseTransition")
    import matplotlib

    if ax is None:
        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure

        fig = Figure(figsize=(7, 4))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    im = ax.imshow(result.fractions, origin="lower", aspect="auto", vmin=0, vmax=1, cmap="viridis",
                   extent=(result.widths[0] - 0.5, result.widths[-1] + 0.5, result.ns[0] - 0.5, result.ns[-1] + 0.5)
                   if len(result.widths) > 1 and len(result.ns) > 1 else None)
    d0p = result.d0 + int(result.bias)
    if len(result.widths) > 1 and len(result.ns) > 1:
        ns = np.array(result.ns, dtype=float)
        ax.plot(ns / d0p, ns, "w--", lw=1, label=f"d1 = n/{d0p}")
        ax.set_xlim(result.widths[0] - 0.5, result.widths[-1] + 0.5)
        ax.legend(loc="lower right", fontsize=8)
    ax.set_xlabel("width d1")
    ax.set_ylabel("samples n")
    ax.set_title(f"fraction of full-rank Jacobians (d0={result.d0}{' + bias' if result.bias else ''}, "
                 f"{result.sampler}, {result.samples}/cell)", fontsize=9)
    fig.colorbar(im, ax=ax)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


# --------------------------------------------------------------- deep ReLU


@dataclass(frozen=True)
class DeepRegionJacobians:
    """Per-layer Jacobians of a deep ReLU network inside its current activation region.

    Attributes
    ----------
    patterns : tuple of numpy.ndarray
        Activation pattern of each hidden layer (``d_l x n``).
    jacobians : tuple of matrices
        ``jacobians[l]`` is the Jacobian of the ``n d_L`` outputs w.r.t. ``W_{l+1}``,
        shape ``(d_{l+1} d_l, n d_L)``; column ``(j, o)`` is ``b_{j,o} (x) h_l(x_j)``,
        ``b`` the backward vector and ``h_l`` the layer input.
    ranks : tuple of int
        Rank of each layer Jacobian.
    rank : int
        Rank of all layers together (the full parameter Jacobian).
    outputs : int
        ``n d_L``, the number of scalar outputs.

    Examples
    --------
    >>> r = deep_region_jacobians([[[1, 0], [0, 1]], [[1, 1]]], [[1, 2], [1, -1]])
    >>> r.ranks, r.rank, r.outputs
    ((2, 2), 2, 2)
    >>> r.jacobians[1]
    Matrix([
    [1, 2],
    [1, 0]])
    """

    patterns: tuple = field(repr=False)
    jacobians: tuple = field(repr=False)
    ranks: tuple
    rank: int
    outputs: int

    def to_dict(self):
        return {"patterns": [p.tolist() for p in self.patterns], "ranks": list(self.ranks),
                "rank": self.rank, "outputs": self.outputs}


def deep_region_jacobians(weights, X, tol=DEFAULT_TOL):
    """Jacobians of ``F(x) = W_L relu(W_{L-1} ... relu(W_1 x))`` w.r.t. each layer, inside its region.

    Inside an activation region the network is multilinear in the weights, so
    each layer Jacobian is again a Khatri--Rao product (KMTM2024, deep networks).
    Exact for exact weights and data.

    Raises
    ------
    DegenerateDataError
        If some pre-activation is zero (no open region).

    Examples
    --------
    >>> r = deep_region_jacobians([[[1, 0], [0, 1]], [[1, 1]]], [[1, 2], [1, -1]])
    >>> r.ranks, r.rank, r.outputs
    ((2, 2), 2, 2)
    """
    if not isinstance(weights, (list, tuple)) or len(weights) < 2:
        raise ShapeError(f"weights: expected a sequence of at least two layer matrices, received {type(weights).__name__}"
                         f"{'' if not isinstance(weights, (list, tuple)) else ' of length ' + str(len(weights))}")
    Xm = _data(X, "X")
    Ws = [_data(W, f"weights[{l}]") for l, W in enumerate(weights)]
    exact = is_exact_matrix(Xm) and all(is_exact_matrix(W) for W in Ws)
    if not exact:
        Xm = _to_float(Xm)
        Ws = [_to_float(W) for W in Ws]
    prev = Xm.shape[0]
    for l, W in enumerate(Ws):
        if W.shape[1] != prev:
            raise ShapeError(f"weights[{l}] has shape {tuple(W.shape)}; expected ({W.shape[0]}, {prev}) to chain")
        prev = W.shape[0]
    n = Xm.shape[1]
    dL = Ws[-1].shape[0]
    # forward pass: inputs h_l of layer l and patterns
    hs, pats = [Xm], []
    for l, W in enumerate(Ws[:-1]):
        A = activation_pattern(W, hs[-1], tol=tol)
        pats.append(A)
        Z = W * hs[-1] if exact else W @ hs[-1]
        if exact:
            H = sympy.Matrix(Z.rows, Z.cols, lambda i, j: Z[i, j] if A[i, j] else 0)
        else:
            H = Z * A
        hs.append(H)
    jacs = []
    for l in range(len(Ws)):
        dl, dprev = Ws[l].shape
        cols = []
        for j in range(n):
            # backward matrix B_j (d_L x d_l): d output / d z_l at sample j
            if exact:
                B = sympy.eye(dL)
                for m in range(len(Ws) - 1, l, -1):
                    D = sympy.diag(*[int(a) for a in pats[m - 1][:, j]])
                    B = B * Ws[m] * D
                h = hs[l][:, j]
            else:
                B = np.eye(dL)
                for m in range(len(Ws) - 1, l, -1):
                    B = B @ Ws[m] @ np.diag(pats[m - 1][:, j].astype(float))
                h = hs[l][:, j]
            for o in range(dL):
                if exact:
                    cols.append([B[o, i] * h[k] for i in range(dl) for k in range(dprev)])
                else:
                    cols.append(np.kron(B[o], h))
        J = sympy.Matrix(cols).T if exact else np.array(cols).T
        jacs.append(J)
    ranks = tuple(_rank(J, tol) for J in jacs)
    full = sympy.Matrix.vstack(*jacs) if exact else np.vstack(jacs)
    return DeepRegionJacobians(patterns=tuple(pats), jacobians=tuple(jacs), ranks=ranks,
                               rank=_rank(full, tol), outputs=n * dL)
