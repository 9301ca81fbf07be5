"""Classification of one parameter point θ of ``L = ℓ ∘ μ_d``.

:func:`classify` decides, with a certificate of cited facts:

* criticality (``∇L(θ) = 0``);
* pure or spurious (TKB2020; computable test of THEORY §2: with
  ``G = ∇ℓ(W̄)``, if ``rk W̄ = r`` pure iff ``W̄ᵀG = 0`` and ``GW̄ᵀ = 0``;
  if ``rk W̄ < r`` pure iff ``G = 0``);
* the role (global minimum, local minimum, strict or non-strict saddle, or
  undetermined) from the exact Hessian inertia and the theory of THEORY §3–4.

Exact input gives exact decisions.  Float input is decided with an explicit
tolerance, from the closed forms (partial products, SVD) when the network is
too large for a dense Hessian.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy

from .._matrix import DEFAULT_TOL, inertia as _inertia, is_exact_matrix, rank
from ..losses import QuadraticLoss
from .derivatives import MAX_DENSE_HESSIAN, _gradients, _prepare, parameter_hessian

__all__ = ["classify", "CriticalPointReport", "Fact"]


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


def _is_zero(M, exact, thr):
    if exact:
        return all(x == 0 for x in M)
    return float(np.max(np.abs(M))) <= thr if np.size(M) else True


def _fro(M, exact):
    if exact:
        return float(sympy.sqrt(sum(x**2 for x in M)).evalf(20))
    return float(np.linalg.norm(M))


def _quadratic_residual_test(loss, Wbar, r_image, top_count, tol):
    """Numeric test: is ``W̄`` the best rank-``top_count`` part of the target?

    Compares the singular values of the residual ``(Û − W̄)Σ^{1/2}`` with those
    of ``W̄Σ^{1/2}`` (EY1936): True iff the largest residual singular value is
    ≤ the smallest nonzero one of W̄ (ties count as top).
    """
    U = np.asarray(loss.target, dtype=float)
    W = np.asarray(Wbar, dtype=float)
    if loss.covariance is not None:
        ev, Q = np.linalg.eigh(np.asarray(loss.covariance, dtype=float))
        A = (Q * np.sqrt(ev)) @ Q.T
        U, W = U @ A, W @ A
    s_res = np.linalg.svd(U - W, compute_uv=False)
    s_w = np.linalg.svd(W, compute_uv=False)[:r_image] if r_image else np.array([np.inf])
    scale = max(1.0, float(np.max(np.linalg.svd(U, compute_uv=False))))
    return (s_res[0] if s_res.size else 0.0) <= s_w[-1] + tol * scale * 10


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
        Relative tolerance of the numeric path.

    Returns
    -------
    CriticalPointReport

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> rep = classify(LinearNetwork((1, 1, 1)), QuadraticLoss([[1]]), [[[0]], [[0]]])
    >>> rep.is_critical, rep.kind, rep.role, rep.hessian_inertia
    (True, 'spurious', 'strict_saddle', (1, 1, 0))
    >>> classify(LinearNetwork((1, 1, 1)), QuadraticLoss([[1]]), [[[0]], [[1]]]).is_critical
    False
    """
    if type(network).__name__ == "ConvolutionalNetwork":  # convolutional networks (KMMT2022, KMST2024)
        from ..convolutional.critical import classify_convolutional
        return classify_convolutional(network, loss, theta, tol=tol)
    if getattr(loss, "acts_on_parameters", False):
        # losses that are not functions of W̄ alone (e.g. weight decay) classify themselves
        return loss.classify(network, theta, tol=tol)
    mats, pp, Wbar, exact = _prepare(network, loss, theta)
    r = network.bottleneck
    G = loss.gradient(Wbar)
    grads = _gradients(pp, G, exact)
    value = loss._value(Wbar)
    gnorm = float(np.sqrt(sum(_fro(g, exact) ** 2 for g in grads)))
    rk_w = rank(Wbar, tol)
    drank = network._rank_formula(mats, pp, tol)
    facts = []
    if exact:
        critical = all(_is_zero(g, True, 0) for g in grads)
        thr = 0.0
    else:
        scale = max(1.0, _fro(G, False)) * max(1.0, max(_fro(L, False) * _fro(R, False) for L, R in pp))
        thr = tol * scale
        critical = gnorm <= thr * 10
    common = dict(value=value, end_to_end_rank=rk_w, differential_rank=drank, bottleneck=r,
                  gradient_norm=gnorm, exact=exact, tol=None if exact else tol)
    if not critical:
        facts.append(Fact(f"∇L(θ) ≠ 0 (‖∇L‖ = {gnorm:.3g})"))
        return CriticalPointReport(False, None, None, hessian_inertia=None, certificate=tuple(facts), **common)
    facts.append(Fact("∇L(θ) = 0 " + ("exactly" if exact else f"within tolerance ({gnorm:.2e} ≤ {thr * 10:.2e})")))

    # -- pure / spurious (THEORY §2)
    G_zero = _is_zero(G, exact, thr)
    if rk_w == r:
        if exact:
            cond = _is_zero(Wbar.T * G, True, 0) and _is_zero(G * Wbar.T, True, 0)
        else:
            cond = _is_zero(Wbar.T @ G, False, thr) and _is_zero(G @ Wbar.T, False, thr)
        kind = "pure" if cond else "spurious"
        facts.append(Fact(f"rk W̄ = r = {r} and W̄ᵀG {'=' if cond else '≠'} 0, GW̄ᵀ {'=' if cond else '≠'} 0 "
                          f"⇒ W̄ {'is' if cond else 'is not'} critical on M_r: {kind}", ("TKB2020",)))
    else:
        kind = "pure" if G_zero else "spurious"
        facts.append(Fact(f"rk W̄ = {rk_w} < r = {r} and ∇ℓ(W̄) {'=' if G_zero else '≠'} 0 ⇒ {kind} "
                          "(convention at singular points of M_r)", ("TKB2020",)))

    # -- Hessian inertia
    inert = None
    if network.num_params <= MAX_DENSE_HESSIAN:
        H = parameter_hessian(network, loss, mats)
        inert = _inertia(H, tol)
        if inert is not None:
            facts.append(Fact(f"Hessian inertia (+, −, 0) = {inert}" + (" (exact: Descartes' rule on the "
                              "characteristic polynomial)" if exact else f" (eigenvalues, tol {tol:g})")))
    else:
        facts.append(Fact(f"{network.num_params} parameters > {MAX_DENSE_HESSIAN}: Hessian not formed; "
                          "role from closed-form criteria"))
    role = _role(network, loss, kind, inert, rk_w, G_zero, Wbar, facts, tol, exact)
    return CriticalPointReport(True, kind, role, hessian_inertia=inert, certificate=tuple(facts), **common)


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
            if inert is not None:
                facts.append(Fact("pure with rk W̄ = r: dμ is onto T_{W̄}M_r, so the negative index of ∇²L equals "
                                  "the function-space Morse index, here 0; the only local minimum of ℓ on M_r is "
                                  "the top-r truncation ⇒ global minimum", ("TKB2020", "EY1936")))
                return "global_min"
            if _quadratic_residual_test(loss, Wbar, rk_w, r, tol):
                facts.append(Fact("residual singular values ≤ those of W̄ ⇒ W̄ is the best rank-r approximation",
                                  ("EY1936",)))
                return "global_min"
            facts.append(Fact("a residual singular value exceeds one of W̄ ⇒ function-space index > 0 ⇒ strict "
                              "saddle", ("TKB2020", "EY1936")))
            return "strict_saddle"
        # spurious, quadratic: never a local minimum
        facts.append(Fact("spurious critical points of a quadratic loss are never local minima",
                          ("TKB2020", "K2016", "ZL2018")))
        if inert is not None:
            facts.append(Fact("no negative Hessian eigenvalue but not a local minimum ⇒ non-strict saddle"))
            return "non_strict_saddle"
        if h == 2:
            facts.append(Fact("one hidden layer: every saddle is strict", ("K2016",)))
            return "strict_saddle"
        if not _quadratic_residual_test(loss, Wbar, rk_w, rk_w, tol):
            facts.append(Fact("W̄ = U_S with S not the top-|S| set ⇒ strict saddle", ("AMG2024",)))
            return "strict_saddle"
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
