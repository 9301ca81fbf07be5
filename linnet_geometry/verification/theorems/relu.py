"""Statements of THEORY §6: activation regions of one-hidden-layer ReLU networks (KMTM2024).

Registered keys (in this order): ``relu_region_jacobian``, ``relu_full_rank_global``,
``relu_region_count``, ``relu_wide_full_rank_fraction``; they check
:mod:`linnet_geometry.families.relu`.

Generators ``gen_*`` and checks ``check_*`` follow the contract of
:func:`~linnet_geometry.verification.theorems.registry.register`; the package's Examples draw and check
an instance of each topic module.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy

from ...exact.matrix import rank, to_float
from ...families import relu
from .instances import _ri
from .registry import statement

__all__ = [
    "gen_relu_region",
    "check_relu_jacobian",
    "check_relu_full_rank",
    "gen_relu_counts",
    "check_relu_counts",
    "gen_relu_wide",
    "check_relu_wide",
]


def _relu_out(W, X, v):
    """``F(W, x_j) = Σ_i v_i relu(⟨w_i, x_j⟩)`` evaluated directly (exact)."""
    d1, n = W.rows, X.cols
    pre = W * X
    return [sum(v[i] * max(pre[i, j], 0) for i in range(d1)) for j in range(n)]


def gen_relu_region(rng, exact=True, max_n=5, max_d0=2, max_width=3):
    """A random instance (a dict) of ``relu_region_jacobian``, ``relu_full_rank_global``."""
    n, d0, d1 = _ri(rng, 1, max_n), _ri(rng, 1, max_d0), _ri(rng, 1, max_width)
    X = relu.with_bias(_general_position(rng, d0, n))
    while True:  # W strictly inside a region: no zero pre-activation
        W = sympy.Matrix(d1, d0 + 1, lambda i, j: _ri(rng, -9, 9))
        if all(x != 0 for x in W * X):
            break
    v = [_ri(rng, 1, 4) * (1 if rng.random() < 0.5 else -1) for _ in range(d1)]
    y = [_ri(rng, -5, 5) for _ in range(n)]
    return {"X": X, "W": W, "v": v, "y": y}


@statement("relu_region_jacobian", section="§6", reference="KMTM2024", generate=gen_relu_region)
def check_relu_jacobian(inst):
    r"""Khatri–Rao Jacobian of an activation region and its rank.

    .. math::

        J = (\operatorname{diag}(v) A) * X,\ \operatorname{rank} J = \min_T (n - |T| + d_0 \operatorname{rk}
        A_T)\ \text{(generic } X)

    Routes: Khatri–Rao formula vs exact difference quotients of F; exact vs matroid vs numeric rank.
    """
    X, W, v = inst["X"], inst["W"], inst["v"]
    A = relu.activation_pattern(W, X)
    W0 = relu.region_interior_point(A, X)
    J = relu.region_jacobian(A, X, v)
    d1, d0p = W.shape
    # independent route: exact difference quotients of F at an interior point (F is linear on the region)
    F0 = _relu_out(W0, X, v)
    for i in range(d1):
        for k in range(d0p):
            for q in range(0, 80):
                t = sympy.Rational(1, 2 ** q)
                E = sympy.zeros(d1, d0p)
                E[i, k] = t
                P = (W0 + E) * X
                if all(P[a, b] != 0 and (P[a, b] > 0) == bool(A[a, b]) for a in range(d1) for b in range(X.cols)):
                    break
            F1 = _relu_out(W0 + E, X, v)
            col = [(a - b) / t for a, b in zip(F1, F0)]
            if list(J.row(i * d0p + k)) != col:
                return f"row ({i},{k}) of the Khatri–Rao Jacobian {list(J.row(i * d0p + k))} != difference quotient {col}"
    rk = relu.jacobian_rank(A, X, v)
    generic = relu.generic_jacobian_rank(A, d0p)
    numeric = relu.jacobian_rank(A, to_float(X), v)
    if not (rk == generic == numeric):
        return f"exact rank {rk}, matroid formula min_T(n − |T| + d0·rk A_T) = {generic}, numeric rank {numeric}"
    return None


@statement("relu_full_rank_global", section="§6", reference="KMTM2024", generate=gen_relu_region)
def check_relu_full_rank(inst):
    r"""Full-rank region ⇒ critical points are global minima.

    .. math::

        \operatorname{rank} J = n \Rightarrow \text{every critical point in the region has } L = 0

    Routes: region_critical_set (projection + LP) vs direct loss and gradient at its witness point.
    """
    X, W, v, y = inst["X"], inst["W"], inst["v"], inst["y"]
    A = relu.activation_pattern(W, X)
    cs = relu.region_critical_set(A, X, y, v)
    n = X.cols
    if cs.rank != relu.jacobian_rank(A, X, v):
        return f"critical set rank {cs.rank} != Jacobian rank"
    if cs.full_rank and cs.loss != 0:
        return f"full-rank region but the in-region critical value is {cs.loss} (KMTM2024: must be 0)"
    if cs.meets_region:
        Wc = sympy.Matrix(cs.witness)
        if not (relu.activation_pattern(Wc, X) == A).all():
            return "the witness critical point is not in the region"
        out = _relu_out(Wc, X, v)
        res = [o - t for o, t in zip(out, y)]
        direct = sum(r * r for r in res)
        if direct != cs.loss:
            return f"loss at the witness {direct} != reported critical value {cs.loss}"
        # gradient of L at the witness, computed directly: ∂L/∂w_i = Σ_j 2 r_j v_i A_ij x_j
        for i in range(W.rows):
            g = sum((2 * res[j] * v[i] * int(A[i, j]) * X[:, j] for j in range(n)), sympy.zeros(X.rows, 1))
            if any(x != 0 for x in g):
                return f"witness is not critical: ∂L/∂w_{i} = {list(g)}"
        if cs.full_rank and cs.label != "global minimum":
            return f"full-rank region labelled {cs.label}"
    return None


def _general_position(rng, d0, n, bound=30):
    """Integer data whose columns, with a bias coordinate appended, are in general position."""
    for _ in range(1000):
        X = sympy.Matrix(d0, n, lambda i, j: _ri(rng, -bound, bound))
        Xb = X.col_join(sympy.ones(1, n))
        k = min(d0 + 1, n)
        if all(rank(Xb[:, list(c)]) == k for c in itertools.combinations(range(n), k)):
            return X
    raise AssertionError("no data in general position found")  # pragma: no cover


def gen_relu_counts(rng, exact=True, max_n=5, max_d0=2):
    """A random instance (a dict) of ``relu_region_count``."""
    n, d0 = _ri(rng, 1, max_n), _ri(rng, 1, max_d0)
    X = _general_position(rng, d0, n)
    return {"n": n, "d0": d0, "d1": _ri(rng, 1, 3), "X": X}


@statement("relu_region_count", section="§6", reference="KMTM2024", generate=gen_relu_counts)
def check_relu_counts(inst):
    r"""Number of activation regions (Cover).

    .. math::

        \#\{\text{regions}\} = C(n, d_0 + 1)^{d_1},\ C(n, d) = 2\sum_{k<d}\binom{n-1}{k}

    Routes: Cover's formula vs ray enumeration vs LP feasibility of all 2^n patterns.
    """
    n, d0, d1, X = inst["n"], inst["d0"], inst["d1"], inst["X"]
    Xb = relu.with_bias(X)
    rows = relu.realizable_row_patterns(Xb)
    lp = sum(1 for pat in itertools.product((0, 1), repeat=n) if relu.is_realizable([list(pat)], Xb))
    cover = relu.cover_count(n, d0 + 1)
    if not (len(rows) == lp == cover):
        return f"ray enumeration {len(rows)}, LP over all 2^n patterns {lp}, Cover's count C(n, d0+1) = {cover}"
    if relu.count_regions(n, d0, d1) != cover ** d1:
        return f"count_regions {relu.count_regions(n, d0, d1)} != C(n, d0+1)^d1 = {cover ** d1}"
    return None


def gen_relu_wide(rng, exact=True, max_n=3, max_width=3):
    """A random instance (a dict) of ``relu_wide_full_rank_fraction``."""
    n = _ri(rng, 1, max_n)
    d0 = n + _ri(rng, 0, 1)
    return {"n": n, "d0": d0, "d1": _ri(rng, 1, max_width),
            "X": sympy.Matrix(d0, n, lambda i, j: _ri(rng, -10**3, 10**3))}


@statement("relu_wide_full_rank_fraction", section="§6", reference="KMTM2024", generate=gen_relu_wide)
def check_relu_wide(inst):

    r"""d_0 ≥ n: full-rank fraction (1 − 2^{−d_1})^n.

    .. math::

        d_0 \ge n:\ \Pr[\operatorname{rank} J = n] = (1 - 2^{-d_1})^n

    Routes: exact enumeration of patterns and ranks vs the closed form.
    """
    n, d1, X = inst["n"], inst["d1"], inst["X"]
    if rank(X) < n:
        return None  # not generic (probability ~0): the statement assumes generic data
    count = relu.exact_full_rank_fraction(X, d1)
    closed = (1 - Fraction(1, 2 ** d1)) ** n
    if count.fraction != closed:
        return f"enumerated full-rank fraction {count.fraction} != (1 − 2^-d1)^n = {closed}"
    return None
