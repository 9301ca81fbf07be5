"""Random instances of the statements: a numpy ``Generator`` in, exact sympy data out.

Shared by the topic modules of :mod:`linnet_geometry.verification.theorems` and by
:func:`linnet_geometry.verification.testing.critical_points`.  Every helper draws
only from the generator it is given, so one trial seed fixes one instance.

* small integers and rationals, integer matrices, matrices of a prescribed rank,
  random architectures ``(d_0, …, d_h)`` and parameter points θ;
* exact orthogonal matrices (Cayley transform) and targets with prescribed
  singular values, generic (distinct, positive) or degenerate (a tie or a zero);
* exact critical points (THEORY §1–2, TKB2020): θ factoring ``W̄ = C R`` through
  the hidden layers, and a weighted quadratic loss with a chosen gradient ``G``,
  ``Cᵀ G = 0 = G Rᵀ``, at ``W̄`` — :func:`_critical_instance`.

The helpers are private to :mod:`linnet_geometry.verification`.
"""

from __future__ import annotations

import numpy as np
import sympy

from ...critical import classify
from ...exact.representation import FLOAT, representation
from ...exceptions import WidthsError
from ...model.losses import QuadraticLoss, WeightedQuadraticLoss
from ...model.network import LinearNetwork


def _network_loss(inst):
    """The network of ``inst["widths"]`` and the loss ``inst["loss"]`` of an instance."""
    return LinearNetwork(inst["widths"]), inst["loss"]


def _classified(inst, widths="widths", theta="theta"):
    """``(network, loss, θ, classify(network, loss, θ))`` for the point ``inst[theta]`` on ``inst[widths]``."""
    net, loss, point = LinearNetwork(inst[widths]), inst["loss"], inst[theta]
    return net, loss, point, classify(net, loss, point)


def _ri(rng, lo, hi):
    return int(rng.integers(lo, hi + 1))


def _rat(rng, bound=3, den=4):
    return sympy.Rational(_ri(rng, -bound * den, bound * den), _ri(rng, 1, den))


def _int_matrix(rng, rows, cols, bound=3):
    return sympy.Matrix(rows, cols, lambda i, j: _ri(rng, -bound, bound))


def _nonzero_int_matrix(rng, rows, cols, bound=3, tries=50):
    """:func:`_int_matrix` redrawn until it is nonzero (at most ``tries`` draws; the last one is kept)."""
    for _ in range(tries):
        U = _int_matrix(rng, rows, cols, bound)
        if any(U):
            break
    return U


def _random_matrix(rng, rep, rows, cols, bound=3):
    """A random ``rows × cols`` matrix of the representation ``rep``.

    Exact: :func:`_int_matrix` (integers in ``[-bound, bound]``: small, so exact checks
    stay cheap); float: standard normal entries (generic reals, ``bound`` unused).  The
    distributions differ on purpose; the generators take this one draw for both.
    """
    return _int_matrix(rng, rows, cols, bound) if rep.exact else rng.standard_normal((rows, cols))


def _architecture(rng, min_depth=1, max_depth=3, max_width=3, filling=None, max_params=None):
    for _ in range(1000):
        h = _ri(rng, min_depth, max_depth)
        w = tuple(_ri(rng, 1, max_width) for _ in range(h + 1))
        if filling is not None and (min(w) == min(w[0], w[-1])) != filling:
            continue
        if max_params is not None and sum(a * b for a, b in zip(w, w[1:])) > max_params:
            continue
        return w
    raise WidthsError(f"no architecture with depth {min_depth}..{max_depth}, widths ≤ {max_width}, "
                      f"filling={filling}, ≤ {max_params} parameters")


def _rank_matrix(rng, rows, cols, k, exact=True):
    """A matrix of rank exactly ``k`` (product of random factors), exact or float as ``exact`` asks."""
    rep = representation(exact)
    if k == 0:
        return rep.zeros(rows, cols)
    for _ in range(100):
        M = _random_matrix(rng, rep, rows, k, 2) @ _random_matrix(rng, rep, k, cols, 2)
        if rep.rank(M) == k:
            return M
    raise AssertionError("could not draw a matrix of the requested rank")  # pragma: no cover


def _random_theta(rng, widths, exact=True, deficient=0.6):
    """θ with each layer of random rank (deficient with probability ``deficient``)."""
    mats = []
    for a, b in zip(widths[1:], widths[:-1]):
        full = min(a, b)
        k = _ri(rng, 0, full - 1) if (full > 0 and rng.random() < deficient) else full
        mats.append(_rank_matrix(rng, a, b, k, exact))
    return tuple(mats)


def _orthogonal(rng, n, nonzero=False):
    """Exact orthogonal matrix by the Cayley transform of a rational skew matrix, with sign flips."""
    A = sympy.zeros(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            num = _ri(rng, 1, 6) * (1 if rng.random() < 0.5 else -1) if nonzero else _ri(rng, -6, 6)
            a = sympy.Rational(num, _ri(rng, 1, 3))
            A[i, j], A[j, i] = a, -a
    eye = sympy.eye(n)
    Q = (eye - A) * (eye + A).inv()
    return Q * sympy.diag(*[1 if rng.random() < 0.5 else -1 for _ in range(n)])


def _diag(rows, cols, values):
    D = sympy.zeros(rows, cols)
    for k, v in enumerate(values):
        D[k, k] = v
    return D


def _target_with(rng, rows, cols, sigmas):
    return _orthogonal(rng, rows) * _diag(rows, cols, sigmas) * _orthogonal(rng, cols)


def _generic_target(rng, rows, cols, exact=True):
    """Distinct positive integer singular values (rational squares), exact orthogonal frames."""
    m = min(rows, cols)
    if not exact:  # no prescribed spectrum for floats: a generic (Gaussian) target
        return _random_matrix(rng, FLOAT, rows, cols)
    sig = sorted((int(x) for x in rng.choice(np.arange(1, 10), size=m, replace=False)), reverse=True)
    return _target_with(rng, rows, cols, sig)


def _degenerate_sigmas(rng, m):
    """Singular values with a repeat or a zero (m ≥ 1)."""
    base = [int(x) for x in rng.integers(1, 6, size=m)]
    how = "zero" if m == 1 else ("repeat" if rng.random() < 0.6 else "zero")
    if how == "repeat":
        i = _ri(rng, 0, m - 2)
        base[i + 1] = base[i]
    else:
        base[_ri(rng, 0, m - 1)] = 0
    base.sort(reverse=True)
    return base


def _unimodular(rng, n):
    """Random integer matrix of determinant 1 (lower times upper unitriangular): exact inverse."""
    L, U = sympy.eye(n), sympy.eye(n)
    for i in range(n):
        for j in range(i):
            L[i, j] = _ri(rng, -2, 2)
            U[j, i] = _ri(rng, -2, 2)
    return L * U


def _factor(widths, C, R, mixers):
    """θ with ``μ(θ) = C R`` (C: d_h × s, R: s × d_0, s ≤ min widths), mixed by unimodular ``mixers``.

    ``W_1 = E_1 [R; 0]``, ``W_i = E_i J E_{i−1}^{-1}``, ``W_h = [C 0] E_{h−1}^{-1}`` with J the
    partial identity on the first s coordinates.  Every ``W_{>i}`` has columns in col C and every
    ``W_{<i}`` rows in row R — so ``Cᵀ G = 0`` and ``G Rᵀ = 0`` make θ critical.
    """
    h = len(widths) - 1
    s = C.cols
    if h == 1:
        return (C * R,)
    mats = []
    for i in range(1, h + 1):
        rows, cols = widths[i], widths[i - 1]
        if i == 1:
            M = sympy.zeros(rows, cols)
            M[:s, :] = R
            M = mixers[0] * M
        elif i == h:
            M = sympy.zeros(rows, cols)
            M[:, :s] = C
            M = M * mixers[i - 2].inv()
        else:
            J = sympy.zeros(rows, cols)
            for k in range(s):
                J[k, k] = 1
            M = mixers[i - 1] * J * mixers[i - 2].inv()
        mats.append(M)
    return tuple(mats)


def _mixers(rng, widths):
    return [_unimodular(rng, w) for w in widths[1:-1]]


def _perp(M):
    """Columns spanning the orthogonal complement of the column space of M (exact)."""
    ns = M.T.nullspace()
    return sympy.Matrix.hstack(*ns) if ns else sympy.zeros(M.rows, 0)


def _constrained_gradient(rng, C, R):
    """A random nonzero G with ``Cᵀ G = 0`` and ``G Rᵀ = 0`` (or None if only G = 0 fits)."""
    Nl, Nr = _perp(C), _perp(R.T)
    if Nl.cols == 0 or Nr.cols == 0:
        return None
    for _ in range(20):
        K = _int_matrix(rng, Nl.cols, Nr.cols, 2)
        if any(K):
            return Nl * K * Nr.T
    return None  # pragma: no cover


def _weighted_loss_with_gradient(rng, Wbar, G, unit=False):
    """``ℓ = Σ w_ij (W_ij − U_ij)²`` with ``∇ℓ(W̄) = G``: ``U = W̄ − G/(2w)``."""
    rows, cols = Wbar.shape
    if unit:
        return QuadraticLoss(Wbar - G / 2)
    w = sympy.Matrix(rows, cols, lambda i, j: sympy.Rational(_ri(rng, 1, 9), _ri(rng, 1, 3)))
    U = sympy.Matrix(rows, cols, lambda i, j: Wbar[i, j] - G[i, j] / (2 * w[i, j]))
    return WeightedQuadraticLoss(U, w)



def _critical_instance(rng, widths, s, nonzero_gradient, unit=False):
    """A critical θ of a weighted quadratic loss with ``rk μ(θ) = s`` and chosen ``G = ∇ℓ(W̄)``."""
    d0, dh = widths[0], widths[-1]
    C = _rank_matrix(rng, dh, s, s) if s else sympy.zeros(dh, 0)
    R = _rank_matrix(rng, s, d0, s) if s else sympy.zeros(0, d0)
    G = _constrained_gradient(rng, C, R) if nonzero_gradient else None
    if G is None:
        G = sympy.zeros(dh, d0)
    Wbar = C * R if s else sympy.zeros(dh, d0)
    loss = _weighted_loss_with_gradient(rng, Wbar, G, unit)
    mixers = _mixers(rng, widths)
    return {"widths": widths, "loss": loss, "C": C, "R": R, "G": G, "_mixers": mixers,
            "theta": _factor(widths, C, R, mixers)}
