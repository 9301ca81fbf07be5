"""The weight-decay loss ``L(θ) = ½‖W̄X − Y‖² + ½ Σ_i λ_i ∘ W_i²`` on parameters, and random instances.

Gradient ``∇_{W_i} L = W_{>i}ᵀ (W̄X − Y) Xᵀ W_{<i}ᵀ + Λ_i ∘ W_i`` (THEORY §1 for
the partial products), Hessian = data Hessian + ``diag(λ)``; classification by
the Hessian inertia (MCTH2022).
"""

from __future__ import annotations

import random

import numpy as np
import sympy

from ...checks import check_seed
from ...critical.classify import CriticalPointReport, Fact
from ...critical.derivatives import parameter_hessian as _core_hessian
from ...exact.matrix import DEFAULT_TOL, as_matrix, inertia as _inertia, rank
from ...exact.representation import EXACT, FLOAT, representation_of
from ...exceptions import AssumptionError, ExactInputRequiredError, InputTypeError, ShapeError
from ...model.losses import Loss, ParameterLoss, QuadraticLoss
from ...model.network import LinearNetwork, partial_products
from .._core import parameter_gradient_parts

__all__ = ["RegularizedLoss", "random_regularized_loss"]


class _HalfLeastSquares(Loss):
    """``ℓ(W) = ½ ‖W X − Y‖_F²`` as a :class:`Loss` on ``W̄`` (no invertibility of ``XXᵀ`` needed)."""

    is_convex = True

    def __init__(self, X, Y):
        self.X, self.Y = X, Y
        self.shape = (Y.rows, X.rows)
        # the data in each representation, converted once
        self._data = {EXACT: (X, Y), FLOAT: (FLOAT.convert(X), FLOAT.convert(Y))}

    @property
    def is_exact(self):
        return True

    def _value(self, W):
        X, Y = self._data[representation_of(W)]
        return representation_of(W).sum_squares(W @ X - Y) / 2

    def _gradient(self, W):
        X, Y = self._data[representation_of(W)]
        return (W @ X - Y) @ X.T

    def _hessian(self, W):
        rep = representation_of(W)
        X, _ = self._data[rep]
        return rep.kron(rep.eye(self.shape[0]), X @ X.T)


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


class RegularizedLoss(ParameterLoss):
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
        return mats, representation_of(*mats)

    def value(self, network, theta):
        """``L(θ)``, exact for exact θ."""
        mats, rep = self._mats(network, theta)
        Wbar = network.end_to_end(mats)
        lam = self.layer_weights(network)
        reg = sum(rep.total(rep.multiply(rep.multiply(rep.convert(L_), W), W)) for L_, W in zip(lam, mats))
        return self._half._value(Wbar) + reg / 2

    def parameter_gradient(self, network, theta):
        """``(∇_{W_1} L, …, ∇_{W_h} L)``: ``W_{>i}ᵀ (W̄X − Y) Xᵀ W_{<i}ᵀ + Λ_i ∘ W_i``."""
        mats, rep = self._mats(network, theta)
        pp = partial_products(mats)
        grads = parameter_gradient_parts(pp, self._half._gradient(mats[-1] @ pp[-1][1]))
        lam = self.layer_weights(network)
        return tuple(g + rep.multiply(rep.convert(L_), W) for g, L_, W in zip(grads, lam, mats))

    def parameter_hessian(self, network, theta):
        """Hessian of L at θ (θ order of :class:`LinearNetwork`): data Hessian plus ``diag(λ)``."""
        mats, rep = self._mats(network, theta)
        H = _core_hessian(network, self._half, mats)
        return H + rep.diag([l for L_ in self.layer_weights(network) for l in L_])

    def classify(self, network, theta, tol: float = DEFAULT_TOL) -> CriticalPointReport:
        """Classify θ by the exact (or, for float θ, tolerance-based) Hessian inertia.

        ``kind`` is ``None`` (see the class Notes); ``role`` is one of
        ``"global_min"``, ``"local_min"``, ``"local_max"``,
        ``"strict_saddle"``, ``"undetermined"`` for critical points.
        """
        mats, rep = self._mats(network, theta)
        Wbar = network.end_to_end(mats)
        grads = self.parameter_gradient(network, mats)
        value = self.value(network, mats)
        gnorm = rep.norm(*grads)
        # float: ‖∇L‖ ≤ 10·tol·max(1, ‖θ‖)^{2h}, the scale of a gradient of degree 2h − 1 in θ; exact: ∇L = 0
        scale = max(1.0, rep.norm(*mats))
        critical = rep.is_zero(*grads, bound=tol * 10 * scale**(2 * network.depth))
        if rep.exact:  # the report's wording and tolerance
            where, how, used_tol = "exactly", "exact: Descartes' rule on the characteristic polynomial", None
        else:
            where, how, used_tol = f"within tolerance ({gnorm:.2e})", f"eigenvalues, tol {tol:g}", tol
        common = dict(value=value, end_to_end_rank=rank(Wbar, tol),
                      differential_rank=network.differential_rank(mats, tol), bottleneck=network.bottleneck,
                      gradient_norm=gnorm, exact=rep.exact, tol=used_tol)
        facts = [Fact("weight decay: L is not a function of W̄ alone, so pure/spurious does not apply (kind=None)",
                      ("MCTH2022",))]
        if not critical:
            facts.append(Fact(f"∇L(θ) ≠ 0 (‖∇L‖ = {gnorm:.3g})"))
            return CriticalPointReport(False, None, None, hessian_inertia=None, certificate=tuple(facts), **common)
        facts.append(Fact("∇L(θ) = 0 " + where))
        H = self.parameter_hessian(network, mats)
        inert = _inertia(H, tol)
        if inert is None:
            facts.append(Fact("the signs of the Hessian's characteristic polynomial could not be decided"))
            return CriticalPointReport(True, None, "undetermined", hessian_inertia=None, certificate=tuple(facts),
                                       **common)
        facts.append(Fact(f"Hessian inertia (+, −, 0) = {inert} ({how})"))
        role = _role_from_inertia(inert, value, facts)
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


def _role_from_inertia(inert, value, facts):
    pos, neg, zero = inert
    if value == 0 and neg == 0:
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

