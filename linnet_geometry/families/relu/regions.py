"""Activation patterns and regions of a shallow ReLU network, decided exactly (KMTM2024).

The region of a binary pattern ``A`` (``d1 x n``) on data ``X`` (``d0 x n``) is the
open cone of weights with ``<w_i, x_j> > 0`` exactly where ``A[i, j] = 1``.  It is
non-empty iff one linear program per neuron is feasible; for rational data the LP
answer of HiGHS is certified exactly (a rational interior point, or a Gordan
certificate of emptiness).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy

from ...exact.matrix import DEFAULT_TOL, is_exact_matrix, to_float
from ...exact.representation import representation_of
from ...exceptions import DegenerateDataError, InputTypeError, ShapeError
from ._common import _data, _pattern, _to_fraction_rows, _vector

__all__ = ["with_bias", "activation_pattern", "is_realizable", "region_interior_point"]


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
    rep = representation_of(M)
    return rep.vstack(M, rep.ones(1, M.shape[1]))


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
    exact = representation_of(Xm, Wm, b).exact
    if exact:  # exact signs, or signs beyond tol relative to ‖w_i‖‖x_j‖
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
    Wf, Xf = to_float(Wm), to_float(Xm)
    Z = Wf @ Xf
    scale = np.outer(np.linalg.norm(Wf, axis=1), np.linalg.norm(Xf, axis=0))
    if b is not None:
        bf = to_float(b).ravel()
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
        return _row_lp(signs, to_float(Xm))
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
    return representation_of(Xm).convert(rows)  # Fractions (exact data) or floats


