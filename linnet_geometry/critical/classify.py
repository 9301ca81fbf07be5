"""Classification of one parameter point θ of ``L = ℓ ∘ μ_d``.

:func:`classify` decides, with a certificate of cited facts:

* criticality (``∇L(θ) = 0``);
* pure or spurious (TKB2020; computable test of THEORY §2: with
  ``G = ∇ℓ(W̄)``, if ``rk W̄ = r`` pure iff ``W̄ᵀG = 0`` and ``GW̄ᵀ = 0``;
  if ``rk W̄ < r`` pure iff ``G = 0``);
* the role (global minimum, local minimum, strict or non-strict saddle, or
  undetermined) from the exact Hessian inertia and the theory of THEORY §3–4.

Exact input gives exact decisions.  Float input θ (whose entries are exact
dyadic rationals) is decided with tolerances relative to the data's scale,
each backed by a stated bound:

* the layers are first rescaled by powers of two to equal norms (exact in
  floating point); ``μ`` is invariant under ``W_i ↦ c_i W_i`` with
  ``∏ c_i = 1``, so criticality, purity and the Hessian inertia (Sylvester's
  law: ``∇²L(θ) = D ∇²L(Dθ) D``) are unchanged, while the Hessian of an
  unbalanced point (e.g. ``W_1 ~ 10⁴``, ``W_2 ~ 1``) would hide its negative
  eigenvalues below rounding level;
* ``∇ℓ(W̄)`` is computed exactly in rationals (FLINT) from the float data and
  the exact end-to-end product, then rounded;
* "zero" means ``≤ tol ×`` the natural scale of the quantity: ``∇_{W_i}L``
  against ``‖W_{>i}‖ S ‖W_{<i}‖`` and ``∇ℓ(W̄)`` against
  ``S = ‖∇ℓ(0)‖ + ‖∇²ℓ(W̄)‖ ‖W̄‖`` (for ``‖W − U‖²``: ``2(‖U‖ + ‖W̄‖)``);
* Hessian eigenvalue counts are certified by
  :func:`~linnet_geometry.exact.matrix.certified_inertia` from an entrywise
  rounding-error bound of the float Hessian (Higham 2002, §3.5): eigenvalues in
  ``[−b, b]``, ``b = tol·max|λ|``, count as zero; when an eigenvalue cannot be
  separated from ``±b`` the inertia is reported as ``None``;
* when the certified facts do not settle the role it is ``"undetermined"`` and
  the certificate says why.

Above :data:`MAX_DENSE_HESSIAN` parameters the role comes from the closed
forms (partial products, SVD) with the same relative tolerances.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import math
from fractions import Fraction

import numpy as np
import sympy

from ..exact.matrix import (DEFAULT_TOL, UNIT_ROUNDOFF, certified_inertia, check_tol, gamma, inertia as _inertia,
                       is_exact_matrix, rank)
from ..exact.representation import EXACT, representation_of
from ..exceptions import InputTypeError, NonFiniteError
from ..model.losses import Loss, MatrixSensingLoss, ParameterLoss, QuadraticLoss, WeightedQuadraticLoss
from ..model.network import LinearNetwork, partial_products
from .derivatives import MAX_DENSE_HESSIAN, _assemble, layer_gradients, parameter_hessian, prepare_point

#: Largest number of parameters for which an exact Hessian and its exact inertia are computed
#: (FLINT characteristic polynomial; about 2 s at 288 parameters).
MAX_EXACT_HESSIAN = 400

__all__ = ["classify", "CriticalPointReport", "Fact", "register_classifier", "registered_classifier"]

#: network type -> function ``(network, loss, theta, tol=...) -> CriticalPointReport`` (see :func:`register_classifier`)
_CLASSIFIERS = {}


def register_classifier(network_type, function):
    """Let :func:`classify` hand the networks of ``network_type`` to ``function``.

    A family of networks above the core (e.g. the linear convolutional
    networks of KMMT2022) registers its own classification once, when its
    package is imported; :func:`classify` then dispatches on the type of the
    network (subclasses included) without the core importing the family.

    Parameters
    ----------
    network_type : type
        The network class.  :class:`~linnet_geometry.model.network.LinearNetwork`
        is the core's own and cannot be registered.
    function : callable
        ``function(network, loss, theta, tol=tol)`` returning a
        :class:`CriticalPointReport`.  Registering a type again replaces its function.

    Raises
    ------
    InputTypeError
        ``network_type`` is not a class, is ``LinearNetwork`` (or a subclass), or ``function`` is not callable.

    Examples
    --------
    >>> class TinyNetwork:
    ...     pass
    >>> register_classifier(TinyNetwork, lambda network, loss, theta, tol: f"classified with tol={tol}")
    >>> classify(TinyNetwork(), None, None)
    'classified with tol=1e-09'
    >>> registered_classifier(TinyNetwork()) is not None
    True
    >>> del _CLASSIFIERS[TinyNetwork]
    """
    if not isinstance(network_type, type):
        raise InputTypeError(f"network_type: expected a class; received {network_type!r}")
    if issubclass(network_type, LinearNetwork):
        raise InputTypeError(f"network_type: {network_type.__name__} is a LinearNetwork, which classify handles "
                             "itself; expected another network class")
    if not callable(function):
        raise InputTypeError(f"function: expected a callable (network, loss, theta, tol=...); received "
                             f"{type(function).__name__}")
    _CLASSIFIERS[network_type] = function


def registered_classifier(network):
    """The function registered (:func:`register_classifier`) for the type of ``network``, or ``None``.

    The most specific registered class in the method resolution order of the network's type wins.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork
    >>> registered_classifier(LinearNetwork((1, 1, 1))) is None
    True
    """
    for cls in type(network).__mro__:
        if cls in _CLASSIFIERS:
            return _CLASSIFIERS[cls]
    return None


@dataclass(frozen=True)
class Fact:
    """One step of a certificate: a statement and the keys that justify it.

    The keys refer to :data:`linnet_geometry.references.REFERENCES`.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> rep = classify(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]]), [[[1, 0]], [[2], [0]]])
    >>> fact = rep.certificate[1]
    >>> fact.keys
    ('TKB2020',)
    >>> print(fact)
    rk W̄ = r = 1 and W̄ᵀG = 0, GW̄ᵀ = 0 ⇒ W̄ is critical on M_r: pure [TKB2020]
    >>> print(Fact("∇L(θ) = 0 exactly"))
    ∇L(θ) = 0 exactly
    """

    statement: str
    keys: tuple = ()

    def __str__(self):
        return f"{self.statement}" + (f" [{', '.join(self.keys)}]" if self.keys else "")


@dataclass(frozen=True)
class CriticalPointReport:
    """Result of :func:`classify`.

    Attributes
    ----------
    is_critical : bool
    kind : str or None
        ``"pure"`` / ``"spurious"`` for critical points, else ``None``.
    role : str or None
        ``"global_min"``, ``"local_min"``, ``"strict_saddle"``,
        ``"non_strict_saddle"`` or ``"undetermined"`` for critical points.
    value : number
        ``L(θ)`` (exact for exact input).
    end_to_end_rank, differential_rank, bottleneck : int
    hessian_inertia : tuple or None
        ``(positive, negative, zero)`` eigenvalue counts of the Hessian of
        L (exact for exact θ); ``None`` when not computed (too large).
    gradient_norm : float
    certificate : tuple of Fact
    exact : bool
    tol : float or None
        Tolerance of the numeric path (``None`` when exact).

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> net, loss = LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]])
    >>> rep = classify(net, loss, [[[1, 0]], [[2], [0]]])
    >>> rep.kind, rep.role, rep.value, rep.hessian_inertia
    ('pure', 'global_min', 1, (3, 0, 1))
    >>> rep.to_dict()["end_to_end_rank"]
    1
    >>> classify(net, loss, [[[0, 0]], [[0], [0]]]).role
    'strict_saddle'
    """

    is_critical: bool
    kind: str | None
    role: str | None
    value: object
    end_to_end_rank: int
    differential_rank: int
    bottleneck: int
    hessian_inertia: tuple | None
    gradient_norm: float
    certificate: tuple = field(default=())
    exact: bool = True
    tol: float | None = None

    def __repr__(self):
        return (f"CriticalPointReport(is_critical={self.is_critical}, kind={self.kind!r}, role={self.role!r}, "
                f"value={self.value}, end_to_end_rank={self.end_to_end_rank}, "
                f"differential_rank={self.differential_rank}, hessian_inertia={self.hessian_inertia})")

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"is_critical": self.is_critical, "kind": self.kind, "role": self.role, "value": str(self.value),
                "value_float": float(self.value), "end_to_end_rank": self.end_to_end_rank,
                "differential_rank": self.differential_rank, "bottleneck": self.bottleneck,
                "hessian_inertia": list(self.hessian_inertia) if self.hessian_inertia else None,
                "gradient_norm": self.gradient_norm, "certificate": [str(f) for f in self.certificate],
                "exact": self.exact, "tol": self.tol}

    def _latex(self, printer=None):
        if not self.is_critical:
            return r"\text{not critical}"
        inert = "" if self.hessian_inertia is None else r",\ \operatorname{In}(\nabla^2 L) = (%d, %d, %d)" % self.hessian_inertia
        role = self.role.replace("_", r"\_")
        return (rf"\text{{{self.kind}, {role}}},\ L = {sympy.latex(sympy.sympify(self.value))},"
                rf"\ \operatorname{{rk}}\bar W = {self.end_to_end_rank}{inert}")

    def _repr_latex_(self):
        return f"${self._latex()}$"


# -- exact rational arithmetic on float data (floats are dyadic rationals) ---------------------------
def _q(x):
    import flint

    if isinstance(x, sympy.Basic):
        x = sympy.Rational(x)
        return flint.fmpq(int(x.p), int(x.q))
    return flint.fmpq(*float(x).as_integer_ratio())


def _qmat(M):
    import flint

    rep = representation_of(M)
    A = rep.convert(M)
    rows, cols = A.shape
    return flint.fmpq_mat(rows, cols, [_q(x) for x in rep.entries(A)])


def _qfloat(M):
    """Round an fmpq_mat to float64 (correctly rounded entries)."""
    vals = [float(Fraction(int(c.p), int(c.q))) for c in M.entries()]
    return np.array(vals, dtype=float).reshape(M.nrows(), M.ncols())


def _exact_loss_derivatives(loss, mats):
    """``(G, Hl, G_err, Hl_err, note)``: float ``∇ℓ(W̄)``, ``∇²ℓ(W̄)`` and entrywise error bounds.

    ``W̄`` is the exact product of the float layers; ``∇ℓ(W̄)`` is computed
    exactly in rationals from the loss data (exact, or float read as dyadic
    rationals) and rounded once, so its error is at most ``u|G|``.
    """
    Wq = _qmat(mats[-1])
    for M in reversed(mats[:-1]):
        Wq = Wq * _qmat(M)
    m, n = loss.shape
    u2 = 2 * UNIT_ROUNDOFF
    if isinstance(loss, QuadraticLoss) and (not loss.is_exact or all(x.is_Rational for x in loss.target)) and (
            loss.covariance is None or not is_exact_matrix(loss.covariance)
            or all(x.is_Rational for x in loss.covariance)):
        Gq = Wq - _qmat(loss.target)
        if loss.covariance is not None:
            Gq = Gq * _qmat(loss.covariance)
        G = _qfloat(Gq * 2)
        S = np.eye(n) if loss.covariance is None else _qfloat(_qmat(loss.covariance))
        S_err = np.zeros_like(S) if loss.covariance is None or not loss.is_exact else u2 * np.abs(S)
        return G, 2 * np.kron(np.eye(m), S), u2 * np.abs(G), 2 * np.kron(np.eye(m), S_err), None
    if isinstance(loss, WeightedQuadraticLoss) and not loss.is_exact:
        w = _qmat(loss.weights)
        D = Wq - _qmat(loss.target)
        Gq = [2 * a * b for a, b in zip(w.entries(), D.entries())]
        G = np.array([float(Fraction(int(c.p), int(c.q))) for c in Gq]).reshape(m, n)
        Hl = 2 * np.diag(np.ravel(np.asarray(loss.weights, dtype=float)))
        return G, Hl, u2 * np.abs(G), np.zeros_like(Hl), None
    if isinstance(loss, MatrixSensingLoss) and not loss.is_exact:
        import flint

        Gq = flint.fmpq_mat(m, n)
        Hq = flint.fmpq_mat(m * n, m * n)
        W_entries = Wq.entries()
        for a, b in zip(loss.measurements, np.ravel(np.asarray(loss.values, dtype=float))):
            A = _qmat(a)
            rk = sum((x * y for x, y in zip(A.entries(), W_entries)), flint.fmpq(0)) - _q(b)
            Gq = Gq + A * (2 * rk)
            v = flint.fmpq_mat(m * n, 1, A.entries())
            Hq = Hq + v * v.transpose() * 2
        G, Hl = _qfloat(Gq), _qfloat(Hq)
        return G, Hl, u2 * np.abs(G), u2 * np.abs(Hl), None
    if loss.is_exact:
        Wexact = sympy.Matrix(m, n, [sympy.Rational(int(c.p), int(c.q)) for c in Wq.entries()])
        Gs, Hs = loss.gradient(Wexact), loss.hessian(Wexact)
        G = np.array([float(sympy.N(x, 30)) for x in Gs], dtype=float).reshape(m, n)
        Hl = np.array([float(sympy.N(x, 30)) for x in Hs], dtype=float).reshape(m * n, m * n)
        return G, Hl, u2 * np.abs(G), u2 * np.abs(Hl), None
    # a loss type without exact evaluation: its own float gradient, error assumed at 16 ulps
    W = _qfloat(Wq)
    G = np.asarray(loss.gradient(W), dtype=float)
    Hl = np.asarray(loss.hessian(W), dtype=float)
    note = (f"{type(loss).__name__} has no exact evaluation: the rounding error of its float gradient and Hessian "
            "is assumed to be at most 16 ulps")
    return G, Hl, 16 * UNIT_ROUNDOFF * np.abs(G), 16 * UNIT_ROUNDOFF * np.abs(Hl), note


def _hessian_scale(loss, Hl, W):
    """An upper bound of ``‖∇²ℓ(W̄)‖₂`` (the scale of the change of ∇ℓ), cheap for the usual losses."""
    if isinstance(loss, QuadraticLoss):
        if loss.covariance is None:
            return 2.0
        return 2.0 * float(np.linalg.norm(np.asarray(loss.covariance, dtype=float), 2))
    if isinstance(loss, WeightedQuadraticLoss):
        return 2.0 * float(np.max(np.asarray(loss.weights, dtype=float)))
    if isinstance(loss, MatrixSensingLoss):
        return 2.0 * sum(float(np.sum(np.asarray(a, dtype=float) ** 2)) for a in loss.measurements)
    if Hl is None:
        m, n = loss.shape
        if (m * n) ** 2 > 10**7:
            return 0.0
        Hl = np.asarray(loss.hessian(W), dtype=float)
    return float(np.linalg.norm(Hl))


def _balance(mats):
    """Rescale the layers by powers of two (exact) to nearly equal Frobenius norms, keeping ``∏ c_i = 1``."""
    norms = [float(np.linalg.norm(M)) for M in mats]
    nonzero = [k for k, v in enumerate(norms) if v > 0]
    if not nonzero:
        return tuple(mats)
    exps = [0] * len(mats)
    target = sum(math.log2(norms[k]) for k in nonzero) / len(nonzero)
    for k in nonzero:
        exps[k] = round(target - math.log2(norms[k]))
    if len(nonzero) == len(mats):
        excess = sum(exps)  # restore ∏ c_i = 1 by spreading the rounding excess
        k = 0
        while excess:
            step = 1 if excess > 0 else -1
            exps[k % len(mats)] -= step
            excess -= step
            k += 1
    else:  # a zero layer: the product is 0 whatever the scales; only the others matter
        zero = next(k for k, v in enumerate(norms) if v == 0)
        exps[zero] = -sum(exps)
    out = tuple(np.ldexp(M, e) for M, e in zip(mats, exps))
    if any(not np.all(np.isfinite(M)) for M in out):  # pragma: no cover - only for norms near the float range
        return tuple(mats)
    return out


def _residual_top_test(loss, Wbar, k, tol):
    """Is W̄ the best rank-``k`` part of the target (EY1936)?  True / False / None (undecided).

    Compares the largest singular value of the residual ``(Û − W̄)Σ^{1/2}``
    with the ``k``-th singular value of ``W̄Σ^{1/2}``; a difference within
    ``tol · σ_1(ÛΣ^{1/2})`` (far above the backward error of the SVD) is a tie:
    undecided.
    """
    U = np.asarray(loss.target, dtype=float)
    W = np.asarray(Wbar, dtype=float)
    if loss.covariance is not None:
        ev, Q = np.linalg.eigh(np.asarray(loss.covariance, dtype=float))
        A = (Q * np.sqrt(np.maximum(ev, 0.0))) @ Q.T
        U, W = U @ A, W @ A
    s_u = np.linalg.svd(U, compute_uv=False)
    scale = float(s_u[0]) if s_u.size else 0.0
    s_res = np.linalg.svd(U - W, compute_uv=False)
    top_res = float(s_res[0]) if s_res.size else 0.0
    if k == 0:
        return True  # the empty set is the top-0 set
    s_w = np.linalg.svd(W, compute_uv=False)
    kth = float(s_w[k - 1])
    margin = 10 * tol * scale * max(U.shape)
    if abs(top_res - kth) <= margin:
        return None
    return top_res < kth


def _quadratic_residual_test(loss, Wbar, r_image, top_count, tol):
    """Boolean form of :func:`_residual_top_test` (ties count as top), for the closed-form route."""
    res = _residual_top_test(loss, Wbar, r_image, tol)
    return True if res is None else res


def classify(network, loss, theta, tol: float = DEFAULT_TOL) -> CriticalPointReport:
    """Classify the parameter point θ of ``L = ℓ ∘ μ_d``.

    Parameters
    ----------
    network : LinearNetwork
    loss : Loss
        Any loss with gradient and Hessian (:class:`QuadraticLoss`,
        :class:`PolynomialLoss`, ...).
    theta : sequence of matrices ``(W_1, …, W_h)``
        Exact entries give exact decisions; floats use ``tol``.
    tol : float
        Relative tolerance of the numeric path, ``0 < tol < 1``: every "= 0"
        decision compares with ``tol`` times the scale of the quantity (see the
        module docstring); every sign decision is backed by a rounding-error
        bound, or the answer is ``"undetermined"``.

    Returns
    -------
    CriticalPointReport

    Raises
    ------
    InputTypeError
        ``network`` is not a LinearNetwork (nor of a type registered with
        :func:`register_classifier`), ``loss`` not a :class:`~linnet_geometry.model.losses.Loss`
        nor a :class:`~linnet_geometry.model.losses.ParameterLoss`, ``tol`` not a number.
    NonFiniteError
        ``L(θ)`` or the gradient overflows float64.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> rep = classify(LinearNetwork((1, 1, 1)), QuadraticLoss([[1]]), [[[0]], [[0]]])
    >>> rep.is_critical, rep.kind, rep.role, rep.hessian_inertia
    (True, 'spurious', 'strict_saddle', (1, 1, 0))
    >>> classify(LinearNetwork((1, 1, 1)), QuadraticLoss([[1]]), [[[0]], [[1]]]).is_critical
    False

    Float decisions are invariant under rescaling the data:

    >>> import numpy as np
    >>> rep = classify(LinearNetwork((2, 1, 2)), QuadraticLoss(np.diag([2.0, 1.0]) * 1e-10),
    ...                [np.zeros((1, 2)), np.zeros((2, 1))])
    >>> rep.kind, rep.role, rep.hessian_inertia
    ('spurious', 'strict_saddle', (2, 2, 0))
    """
    family = registered_classifier(network)
    if family is not None:  # a family of networks above the core (register_classifier)
        return family(network, loss, theta, tol=tol)
    if not isinstance(network, LinearNetwork):
        raise InputTypeError(f"network must be a LinearNetwork or a registered network family (ConvolutionalNetwork, "
                             f"...); "
                             f"received {type(network).__name__}")
    tol = check_tol(tol)
    if not isinstance(loss, (Loss, ParameterLoss)):
        raise InputTypeError(f"loss must be a linnet_geometry Loss (QuadraticLoss, PolynomialLoss, ...); "
                             f"received {type(loss).__name__}")
    if loss.acts_on_parameters:
        # losses that are not functions of W̄ alone (e.g. weight decay) classify themselves
        return loss.classify(network, theta, tol=tol)
    mats, pp, Wbar, exact = prepare_point(network, loss, theta)
    if exact:
        return _classify_exact(network, loss, mats, pp, Wbar)
    return _classify_float(network, loss, mats, Wbar, tol)


def _classify_exact(network, loss, mats, pp, Wbar):
    r = network.bottleneck
    G = loss.gradient(Wbar)
    grads = layer_gradients(pp, G)
    value = loss._value(Wbar)
    gnorm = float(np.sqrt(sum(EXACT.norm(g) ** 2 for g in grads)))
    rk_w = rank(Wbar)
    drank = network.differential_rank(mats)
    facts = []
    critical = EXACT.is_zero(*grads)
    common = dict(value=value, end_to_end_rank=rk_w, differential_rank=drank, bottleneck=r,
                  gradient_norm=gnorm, exact=True, tol=None)
    if not critical:
        facts.append(Fact(f"∇L(θ) ≠ 0 (‖∇L‖ = {gnorm:.3g})"))
        return CriticalPointReport(False, None, None, hessian_inertia=None, certificate=tuple(facts), **common)
    facts.append(Fact("∇L(θ) = 0 exactly"))
    G_zero = EXACT.is_zero(G)
    if rk_w == r:
        cond = EXACT.is_zero(Wbar.T @ G, G @ Wbar.T)
        kind = "pure" if cond else "spurious"
        facts.append(Fact(f"rk W̄ = r = {r} and W̄ᵀG {'=' if cond else '≠'} 0, GW̄ᵀ {'=' if cond else '≠'} 0 "
                          f"⇒ W̄ {'is' if cond else 'is not'} critical on M_r: {kind}", ("TKB2020",)))
    else:
        kind = "pure" if G_zero else "spurious"
        facts.append(Fact(f"rk W̄ = {rk_w} < r = {r} and ∇ℓ(W̄) {'=' if G_zero else '≠'} 0 ⇒ {kind} "
                          "(convention at singular points of M_r)", ("TKB2020",)))
    inert = None
    if network.num_params <= MAX_EXACT_HESSIAN:
        H = parameter_hessian(network, loss, mats)
        if all(x.is_Rational for x in H) or network.num_params <= 60:
            inert = _inertia(H)
            if inert is not None:
                facts.append(Fact(f"Hessian inertia (+, −, 0) = {inert} (exact: Descartes' rule on the "
                                  "characteristic polynomial)"))
        else:
            facts.append(Fact(f"the Hessian has algebraic entries and {network.num_params} > 60 parameters: exact "
                              "inertia not computed; role from closed-form criteria"))
    else:
        facts.append(Fact(f"{network.num_params} parameters > {MAX_EXACT_HESSIAN}: exact Hessian not formed; "
                          "role from closed-form criteria"))
    role = _role(network, loss, kind, inert, rk_w, G_zero, Wbar, facts, DEFAULT_TOL, True)
    return CriticalPointReport(True, kind, role, hessian_inertia=inert, certificate=tuple(facts), **common)


def _finite_or_raise(x, what):
    if not np.all(np.isfinite(x)):
        raise NonFiniteError(f"{what} overflows float64 (received a point/data of magnitude beyond ~1e154 in "
                             "squared quantities); expected data whose squared entries are finite: rescale the "
                             "target and θ (values scale quadratically)")


def _classify_float(network, loss, mats, Wbar, tol):
    r, h = network.bottleneck, network.depth
    with np.errstate(over="ignore", invalid="ignore"):
        value = loss._value(Wbar)
    _finite_or_raise(value, "L(θ)")
    pp0 = partial_products(mats)
    grads0 = layer_gradients(pp0, np.asarray(loss.gradient(Wbar), dtype=float))
    gnorm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads0)))
    _finite_or_raise(gnorm, "‖∇L(θ)‖")
    # decide at the balanced point Dθ (same μ, same criticality, congruent Hessian)
    bal = _balance(mats)
    pp = partial_products(bal)
    Wb = bal[-1] @ pp[-1][1]
    dense = network.num_params <= MAX_DENSE_HESSIAN
    if dense:
        G, Hl, G_err, Hl_err, note = _exact_loss_derivatives(loss, bal)
    else:  # no Hessian is formed: the float gradient (error ≤ γ_k(|W̄| + |U|)-scale, far below tol·S) suffices
        G, Hl, note = np.asarray(loss.gradient(Wb), dtype=float), None, None
    _finite_or_raise(G, "∇ℓ(W̄)")
    facts = []
    if note:
        facts.append(Fact(note))
    G0 = np.asarray(loss.gradient(np.zeros(loss.shape)), dtype=float)
    S = max(float(np.linalg.norm(G)), float(np.linalg.norm(G0)) + _hessian_scale(loss, Hl, Wb) * float(np.linalg.norm(Wb)))
    grads = layer_gradients(pp, G)
    rk_w = rank(Wb, tol)
    drank = network.differential_rank(bal, tol)
    common = dict(value=value, end_to_end_rank=rk_w, differential_rank=drank, bottleneck=r,
                  gradient_norm=gnorm, exact=False, tol=tol)
    ratios = []
    for g, (L, R) in zip(grads, pp):
        sc = float(np.linalg.norm(L)) * S * float(np.linalg.norm(R))
        gn = float(np.linalg.norm(g))
        ratios.append(0.0 if gn == 0 else (gn / sc if sc > 0 else math.inf))
    worst = max(ratios)
    critical = worst <= tol
    if not critical:
        facts.append(Fact(f"∇L(θ) ≠ 0: max_i ‖∇_{{W_i}}L‖ / (‖W_{{>i}}‖ S ‖W_{{<i}}‖) = {worst:.3g} > tol = {tol:g} "
                          f"(S = {S:.3g}, the scale of ∇ℓ)"))
        return CriticalPointReport(False, None, None, hessian_inertia=None, certificate=tuple(facts), **common)
    facts.append(Fact(f"∇L(θ) = 0 relative to scale: max_i ‖∇_{{W_i}}L‖ / (‖W_{{>i}}‖ S ‖W_{{<i}}‖) = {worst:.2e} "
                      f"≤ tol = {tol:g}, S = ‖∇ℓ(0)‖ + ‖∇²ℓ(W̄)‖‖W̄‖ = {S:.3g} (evaluated at the power-of-two "
                      "balanced point, same μ)"))
    thr_G = tol * S
    G_zero = float(np.linalg.norm(G)) <= thr_G
    if rk_w == r:
        wn = float(np.linalg.norm(Wb))
        cond = (float(np.linalg.norm(Wb.T @ G)) <= thr_G * wn) and (float(np.linalg.norm(G @ Wb.T)) <= thr_G * wn)
        kind = "pure" if cond else "spurious"
        facts.append(Fact(f"rk W̄ = r = {r} and W̄ᵀG {'=' if cond else '≠'} 0, GW̄ᵀ {'=' if cond else '≠'} 0 "
                          f"(relative to tol·‖W̄‖·S) ⇒ W̄ {'is' if cond else 'is not'} critical on M_r: {kind}",
                          ("TKB2020",)))
    else:
        kind = "pure" if G_zero else "spurious"
        facts.append(Fact(f"rk W̄ = {rk_w} < r = {r} and ∇ℓ(W̄) {'=' if G_zero else '≠'} 0 (‖G‖ "
                          f"{'≤' if G_zero else '>'} tol·S) ⇒ {kind} (convention at singular points of M_r)",
                          ("TKB2020",)))
    inert = None
    if dense:
        inert = _certified_float_inertia(network, bal, G, Hl, G_err, Hl_err, tol, facts)
    else:
        facts.append(Fact(f"{network.num_params} parameters > {MAX_DENSE_HESSIAN}: Hessian not formed; "
                          "role from closed-form criteria"))
    role = _role(network, loss, kind, inert, rk_w, G_zero, Wb, facts, tol, False)
    return CriticalPointReport(True, kind, role, hessian_inertia=inert, certificate=tuple(facts), **common)


def _certified_float_inertia(network, mats, G, Hl, G_err, Hl_err, tol, facts):
    H = _assemble(network, mats, G, Hl)
    _finite_or_raise(H, "the Hessian")
    absmats = tuple(np.abs(M) for M in mats)
    H_abs = _assemble(network, absmats, np.abs(G) + G_err, np.abs(Hl) + Hl_err)
    K = 2 * sum(network.widths) + 2 * int(np.shape(Hl)[0]) + 8  # inner dimensions of the products in H
    err = 2 * gamma(K) * H_abs + (_assemble(network, absmats, G_err, Hl_err))
    ev = np.linalg.eigvalsh((H + H.T) / 2)
    top = float(np.max(np.abs(ev))) if ev.size else 0.0
    if top == 0.0:
        facts.append(Fact("the Hessian vanishes exactly at θ (every product in it is 0)"))
        return (0, 0, len(ev))
    for factor in (1.0, 3.0, 0.3, 10.0, 0.1, 30.0):
        band = tol * top * factor
        inert = certified_inertia(H, err, band)
        if inert is not None:
            facts.append(Fact(f"Hessian inertia (+, −, 0) = {inert}: eigenvalues beyond ±{band:.3g} "
                              f"(= {tol * factor:g}·max|λ|) certified by Gershgorin discs of Vᵀ(H ± b·I)V with an "
                              "entrywise rounding-error bound (Higham 2002, §3.5); Sylvester's law of inertia"))
            return inert
    facts.append(Fact(f"Hessian inertia undetermined: an eigenvalue lies within the rounding-error bound of the zero "
                      f"band ±tol·max|λ| (tol = {tol:g}, max|λ| = {top:.3g}) for every band tried"))
    return None


def _role(network, loss, kind, inert, rk_w, G_zero, Wbar, facts, tol, exact):
    r, h = network.bottleneck, network.depth
    fiber_dim = network.num_params - network.functional_space.dim
    if inert is not None and inert[1] > 0:
        facts.append(Fact("the Hessian has a negative eigenvalue ⇒ strict saddle"))
        return "strict_saddle"
    if G_zero and loss.is_convex:
        facts.append(Fact("∇ℓ(W̄) = 0 and ℓ convex ⇒ W̄ minimises ℓ on all matrices, so θ is a global minimum of L",
                          ("TKB2020", "LvB2018")))
        return "global_min"
    quadratic = isinstance(loss, QuadraticLoss)
    if quadratic:
        if kind == "pure":
            if exact and inert is not None:
                facts.append(Fact("pure with rk W̄ = r: dμ is onto T_{W̄}M_r, so the negative index of ∇²L equals "
                                  "the function-space Morse index, here 0; the only local minimum of ℓ on M_r is "
                                  "the top-r truncation ⇒ global minimum", ("TKB2020", "EY1936")))
                return "global_min"
            top = _residual_top_test(loss, Wbar, rk_w, tol)
            if top is None:
                facts.append(Fact("a singular value of the residual Û − W̄ ties with the smallest of W̄ within "
                                  f"10·tol·σ_1 (tol = {tol:g}): the function-space index cannot be decided", ("EY1936",)))
                return "undetermined"
            if top:
                if inert is not None:
                    facts.append(Fact("no Hessian eigenvalue below the band, and the residual singular values are "
                                      "below those of W̄ (beyond 10·tol·σ_1) ⇒ W̄ is the best rank-r approximation "
                                      "⇒ global minimum", ("TKB2020", "EY1936")))
                else:
                    facts.append(Fact("residual singular values below those of W̄ (beyond 10·tol·σ_1) ⇒ W̄ is the "
                                      "best rank-r approximation", ("EY1936",)))
                return "global_min"
            if inert is not None:
                facts.append(Fact("the residual has a singular value above one of W̄ (function-space index > 0) but "
                                  "the certified Hessian shows no eigenvalue below the band: the negative curvature "
                                  "is below the numeric resolution; undetermined", ("EY1936",)))
                return "undetermined"
            facts.append(Fact("a residual singular value exceeds one of W̄ ⇒ function-space index > 0 ⇒ strict "
                              "saddle", ("TKB2020", "EY1936")))
            return "strict_saddle"
        # spurious, quadratic: never a local minimum
        facts.append(Fact("spurious critical points of a quadratic loss are never local minima",
                          ("TKB2020", "K2016", "ZL2018")))
        if exact and inert is not None:
            facts.append(Fact("no negative Hessian eigenvalue but not a local minimum ⇒ non-strict saddle"))
            return "non_strict_saddle"
        if h == 2:
            facts.append(Fact("one hidden layer: every saddle is strict", ("K2016",)))
            return "strict_saddle"
        top = _residual_top_test(loss, Wbar, rk_w, tol)
        if top is False:
            facts.append(Fact("W̄ = U_S with S not the top-|S| set ⇒ strict saddle", ("AMG2024",)))
            return "strict_saddle"
        if inert is not None and top:
            # (an exact inertia returned above: this one is certified outside a band)
            facts.append(Fact("no negative Hessian eigenvalue beyond the certified band but not a local minimum ⇒ "
                              "non-strict saddle"))
            return "non_strict_saddle"
        if top is None:
            facts.append(Fact("whether S is the top-|S| set ties within 10·tol·σ_1: undetermined", ("EY1936",)))
            return "undetermined"
        facts.append(Fact("two or more hidden layers and S the top-|S| set: strictness depends on the point and "
                          "needs the Hessian, which was not formed", ("AMG2024",)))
        return "undetermined"
    # general loss
    if inert is not None and inert[1] == 0:
        if inert[2] == 0:
            facts.append(Fact("Hessian positive definite ⇒ strict local minimum"))
            return "local_min"
        if kind == "pure" and rk_w == r and inert[2] == fiber_dim:
            facts.append(Fact(f"pure, rk W̄ = r and Hessian nullity = fiber dimension {fiber_dim} ⇒ the Hessian of "
                              "ℓ on M_r is positive definite ⇒ W̄ is a strict local minimum of ℓ|M_r ⇒ θ is a local "
                              "minimum of L", ("TKB2020",)))
            return "local_min"
        facts.append(Fact("positive semidefinite Hessian with extra null directions: second-order test "
                          "inconclusive"))
    return "undetermined"
