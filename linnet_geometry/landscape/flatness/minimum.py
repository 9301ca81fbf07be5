"""The flattest global minimum: the global minimizer of ``L = ℓ ∘ μ_d`` with the smallest Hessian trace.

One hidden layer and the squared distance: the closed form ``min tr ∇²L = 4 √(d_0 d_2) ‖U‖_*`` at the balanced
factorizations [derived]; otherwise an augmented Lagrangian on the global-minimum set, with the balance condition
(stationarity of the trace along the ``GL(d_i)`` orbits) reported as a necessary condition of optimality.  The
global-minimum set of the squared distance is the fiber of the best rank-r approximation (EY1936).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...checks import check_seed
from ...critical.derivatives import MAX_DENSE_HESSIAN
from ...exact.matrix import rank, to_float
from ...exceptions import AssumptionError, DegenerateDataError, InputTypeError
from ...model.losses import MatrixSensingLoss, QuadraticLoss, WeightedQuadraticLoss
from ...model.network import partial_products
from ._common import (
    _check_count,
    _check_network_loss,
    _float_mats,
    _MeasurementForm,
    _pack,
    _single_blas_thread,
    _unpacker,
)

__all__ = ["FlatMinimum", "flattest_global_minimum", "balance_residuals"]


@dataclass(frozen=True)
class FlatMinimum:
    """Result of :func:`flattest_global_minimum`.

    Attributes
    ----------
    theta : tuple of numpy arrays
        The minimizer ``(W_1, …, W_h)``.
    end_to_end : numpy array
        ``μ(θ)``.
    trace : float
        ``tr ∇²L(θ)`` (closed-form diagonal).
    method : str
        ``"closed_form"`` or ``"augmented_lagrangian"``.
    closed_form_trace : float or None
        ``4 √(d_0 d_2) ‖U‖_*`` when the closed form applies (one hidden
        layer, fiber of a matrix ``U``), else None.
    constraint_residual : float
        ``‖𝒜(μ(θ)) − b‖`` (``‖μ(θ) − U‖_F`` for the squared distance):
        distance of θ from the global-minimum set.
    balance_residuals : tuple of float
        Relative residual of the balance condition at each hidden layer
        (:func:`balance_residuals`).
    target : numpy array or None
        The matrix ``U`` whose fiber is the global-minimum set, when there is
        one (squared distances); None for matrix sensing.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> flat = flattest_global_minimum(LinearNetwork((1, 1, 1)), QuadraticLoss([[4]]))
    >>> flat.method, round(flat.trace, 9), flat.closed_form_trace
    ('closed_form', 16.0, 16.0)
    >>> [W.tolist() for W in flat.theta]   # balanced: |W_1| = |W_2| = 2
    [[[2.0]], [[2.0]]]
    """

    theta: tuple
    end_to_end: np.ndarray
    trace: float
    method: str
    closed_form_trace: float | None
    constraint_residual: float
    balance_residuals: tuple
    target: np.ndarray | None = field(default=None, repr=False)

    def __repr__(self):
        return (f"FlatMinimum(trace={self.trace:.10g}, method={self.method!r}, "
                f"closed_form_trace={self.closed_form_trace}, constraint_residual={self.constraint_residual:.2e}, "
                f"balance_residuals={tuple(float(f'{b:.2e}') for b in self.balance_residuals)})")

    def _repr_latex_(self):
        closed = "" if self.closed_form_trace is None else rf",\ 4\sqrt{{d_0 d_2}}\,\|U\|_* = {self.closed_form_trace:.10g}"
        meth = self.method.replace("_", " ")
        return rf"$\min \operatorname{{tr}}\nabla^2 L = {self.trace:.10g}{closed}\ (\text{{{meth}}})$"

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"theta": [np.asarray(W).tolist() for W in self.theta], "end_to_end": self.end_to_end.tolist(),
                "trace": self.trace, "method": self.method, "closed_form_trace": self.closed_form_trace,
                "constraint_residual": self.constraint_residual,
                "balance_residuals": list(self.balance_residuals),
                "target": None if self.target is None else self.target.tolist()}


def balance_residuals(network, loss, theta):
    """Relative residuals of the balance condition, one per hidden layer ``i = 1..h−1``.

    The condition is stationarity of ``tr ∇²L`` along the ``GL(d_i)`` orbit
    ``W_{i+1} ↦ W_{i+1}A⁻¹, W_i ↦ A W_i`` (which keeps μ, hence stays in any
    fiber) [derived]: with ``t(L, R) = Σ_k ‖Lᵀ A_k Rᵀ‖²`` (so that
    ``tr ∇²L = 2 Σ_i t(W_{>i}, W_{<i})``), only ``W_{>i}`` (→ ``W_{>i}A⁻¹``) and
    ``W_{≤i}`` (→ ``A W_{≤i}``) move, and ``d/dA|_{A=I}`` vanishes iff::

        W_{>i}ᵀ ∂_L t(W_{>i}, W_{<i}) = ∂_R t(W_{>i+1}, W_{≤i}) W_{≤i}ᵀ.

    For the squared distance (``t = ‖L‖²‖R‖²``):
    ``‖W_{<i}‖_F² W_{>i}ᵀW_{>i} = ‖W_{>i+1}‖_F² W_{≤i}W_{≤i}ᵀ``; one hidden
    layer: ``d_0 W_2ᵀW_2 = d_2 W_1W_1ᵀ``.  Residual ``‖lhs − rhs‖_F /
    max(‖lhs‖_F, ‖rhs‖_F)`` (0 when both vanish).

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> balance_residuals(LinearNetwork((1, 1, 4)), QuadraticLoss([[1], [1], [1], [1]]),
    ...                   [[[0.5 ** 0.5]], [[2 ** 0.5 / 2]] * 4])
    (0.0,)
    """
    _check_network_loss(network, loss)
    form = _MeasurementForm.of(loss)
    if form is None:
        raise InputTypeError(f"loss: expected a squared distance or matrix-sensing loss (a measurement form); "
                             f"received {type(loss).__name__}")
    mats = _float_mats(network.validate_theta(theta))
    return _balance(form, mats)


def _balance(form, mats):
    L, R = zip(*partial_products(mats))
    out = []
    for k in range(len(mats) - 1):
        gL, _ = form.trace_term_grads(L[k], R[k])
        _, gR = form.trace_term_grads(L[k + 1], R[k + 1])
        lhs = L[k].T @ gL
        rhs = gR @ R[k + 1].T
        scale = max(np.linalg.norm(lhs), np.linalg.norm(rhs))
        out.append(0.0 if scale == 0 else float(np.linalg.norm(lhs - rhs) / scale))
    return tuple(out)


def _trace_and_grad(form, mats):
    """``T(θ) = 2 Σ_i t(L_i, R_i)`` and ``∂T/∂W_k`` (reverse mode through the prefix/suffix products)."""
    h = len(mats)
    L, R = zip(*partial_products(mats))
    T = 0.0
    gL, gR = [], []
    for k in range(h):
        T += 2.0 * form.trace_term(L[k], R[k])
        a, b = form.trace_term_grads(L[k], R[k])
        gL.append(2.0 * a)
        gR.append(2.0 * b)
    gW = [np.zeros_like(M) for M in mats]
    # R[k+1] = W_k R[k]
    for k in range(h - 2, -1, -1):
        gW[k] += gR[k + 1] @ R[k].T
        gR[k] = gR[k] + mats[k].T @ gR[k + 1]
    # L[k] = L[k+1] W_{k+1}
    for k in range(h - 1):
        gW[k + 1] += L[k + 1].T @ gL[k]
        gL[k + 1] = gL[k + 1] + gL[k] @ mats[k + 1].T
    return T, gW


def _global_minimum_set(network, loss, tol):
    """``(form, constraint_form, target)``: the trace form of ``loss``, and ``𝒜, b`` such that the
    global minima are ``{θ : 𝒜(μ(θ)) = b}``; ``target`` is U when that set is the fiber of a matrix U."""
    r = network.bottleneck
    if isinstance(loss, QuadraticLoss):
        if loss.covariance is not None or loss.data is not None:
            raise AssumptionError("flattest_global_minimum: expected the squared distance ||W - U||^2; received the "
                                  "data form ||W X - Y||^2 (not supported: reduce it with W -> W (X X^T)^(1/2) first)")
        U = to_float(loss.target)
        P, s, Qt = np.linalg.svd(U)
        scale = max(1.0, float(s[0]) if s.size else 1.0)
        if s.size > r and s[r] > tol * scale:
            if abs(s[r - 1] - s[r]) <= tol * scale:
                raise DegenerateDataError(
                    f"sigma_{r} = sigma_{r + 1} = {s[r]:.6g}: the best rank-{r} approximation of U is not unique "
                    f"(a Grassmannian family of global minima, EY1936); expected sigma_{r} > sigma_{r + 1}")
            U = (P[:, :r] * s[:r]) @ Qt[:r]  # Eckart–Young: the global minima are μ^{-1}(U_r)
        form = _MeasurementForm("weighted", weights=np.ones_like(U), target=U)
        return form, form, U
    if isinstance(loss, WeightedQuadraticLoss):
        U = to_float(loss.target)
        if rank(U, 1e-12) > r:
            raise AssumptionError(f"flattest_global_minimum: the weighted loss has a closed-form global-minimum set "
                                  f"only when rank U <= r = {r}; received rank U = {rank(U, 1e-12)}")
        form = _MeasurementForm.of(loss)
        return form, form, U
    if isinstance(loss, MatrixSensingLoss):
        form = _MeasurementForm.of(loss)
        return form, form, None
    raise InputTypeError(f"flattest_global_minimum: expected QuadraticLoss, WeightedQuadraticLoss or "
                         f"MatrixSensingLoss; received {type(loss).__name__}")


def _closed_form_one_hidden(network, U, tol):
    d0, d1, d2 = network.widths
    P, s, Qt = np.linalg.svd(U)
    k = int(np.sum(s > tol * max(1.0, s[0] if s.size else 1.0)))
    alpha = (d2 / d0) ** 0.25
    E = np.eye(k, d1)
    sq = np.sqrt(s[:k])
    W2 = alpha * (P[:, :k] * sq) @ E
    W1 = (1 / alpha) * E.T @ (sq[:, None] * Qt[:k])
    return (W1, W2), float(4 * np.sqrt(d0 * d2) * np.sum(s[:k]))


def _random_fiber_point(network, U, rng):
    """A random point of ``μ^{-1}(U)``: the SVD factorization moved by random ``GL(d_i)`` elements."""
    h, w = network.depth, network.widths
    P, s, Qt = np.linalg.svd(U)
    k = int(np.sum(s > 1e-12 * max(1.0, s[0])))
    root = s[:k] ** (1.0 / h)
    mats = []
    for i in range(h):
        E = np.eye(w[i + 1], k) * root[None, :]
        right = Qt[:k] if i == 0 else np.eye(k, w[i])
        M = E @ right
        if i == h - 1:
            M = (P[:, :k] * root) @ right
        mats.append(M)
    for i in range(h - 1):  # hidden layer i+1
        A = np.eye(w[i + 1]) + 0.5 * rng.standard_normal((w[i + 1], w[i + 1]))
        while abs(np.linalg.det(A)) < 0.1:
            A = np.eye(w[i + 1]) + 0.5 * rng.standard_normal((w[i + 1], w[i + 1]))
        mats[i] = A @ mats[i]
        mats[i + 1] = mats[i + 1] @ np.linalg.inv(A)
    return mats


def _augmented_lagrangian(network, form, cform, x0, tol, max_outer=60):
    """Minimize ``T(θ)`` subject to ``𝒜(μ(θ)) = b`` (augmented Lagrangian, L-BFGS inner solves)."""
    from scipy.optimize import minimize

    unpack = _unpacker(network)
    bnorm = max(1.0, float(np.linalg.norm(cform.b)))
    T0 = max(1e-12, _trace_and_grad(form, unpack(x0))[0])
    lam = np.zeros_like(cform.b)
    rho = 10.0 * T0 / bnorm**2
    rho_max = 1e10 * rho
    x = x0.copy()
    prev = np.inf
    stalled = 0
    for _ in range(max_outer):
        def f(xx):
            ms = unpack(xx)
            T, gW = _trace_and_grad(form, ms)
            L, R = zip(*partial_products(ms))
            Wb = ms[-1] @ R[-1]
            c = cform.residual(Wb)
            y = lam + rho * c
            G = cform.adjoint(y)
            val = T + lam @ c + 0.5 * rho * (c @ c)
            grads = [gW[k] + L[k].T @ G @ R[k].T for k in range(len(ms))]
            return val / T0, _pack(grads) / T0

        res = minimize(f, x, jac=True, method="L-BFGS-B",
                       options={"maxiter": 20000, "maxcor": 30, "ftol": 1e-16, "gtol": 1e-13})
        x = res.x
        ms = unpack(x)
        c = cform.residual(ms[-1] @ partial_products(ms)[-1][1])
        cn = float(np.linalg.norm(c))
        lam = lam + rho * c
        if cn <= tol * bnorm and prev <= 10 * tol * bnorm:
            break
        stalled = stalled + 1 if res.nit <= 2 else 0
        if stalled >= 3:  # the inner solver no longer moves: polish feasibility below
            break
        if cn > 0.25 * prev:
            rho = min(rho * 10.0, rho_max)
        prev = cn
    ms = _project(network, cform, unpack(x))
    return ms, float(np.linalg.norm(cform.residual(ms[-1] @ partial_products(ms)[-1][1])))


def _project(network, cform, mats, steps=6):
    """Gauss–Newton steps ``θ ← θ − J⁺ c(θ)`` (minimal-norm corrections, ``J = 𝒜 ∘ dμ``) onto ``{c = 0}``."""
    if network.num_params > MAX_DENSE_HESSIAN:
        return mats
    unpack = _unpacker(network)
    m, n = network.widths[-1], network.widths[0]
    if cform.kind == "weighted":
        Amat = np.diag(cform.sw.ravel())
    else:
        Amat = cform.A.reshape(len(cform.A), m * n)
    x = _pack(mats)
    c = cform.residual(mats[-1] @ partial_products(mats)[-1][1])
    for _ in range(steps):
        cn = float(np.linalg.norm(c))
        if cn == 0:
            break
        J = Amat @ np.asarray(network.differential(unpack(x)), dtype=float)
        x_new = x - np.linalg.lstsq(J, c, rcond=1e-12)[0]
        ms = unpack(x_new)
        c_new = cform.residual(ms[-1] @ partial_products(ms)[-1][1])
        if np.linalg.norm(c_new) >= cn:
            break
        x, c = x_new, c_new
    return unpack(x)


def flattest_global_minimum(network, loss, *, method="auto", restarts=3, seed=0, tol=1e-10) -> FlatMinimum:
    r"""The global minimizer of ``L = ℓ ∘ μ_d`` with the smallest Hessian trace.

    Parameters
    ----------
    network : LinearNetwork
    loss : QuadraticLoss, WeightedQuadraticLoss or MatrixSensingLoss
        The global-minimum set must be ``{θ : 𝒜(μ(θ)) = b}`` for the
        measurement form ``ℓ = ‖𝒜(W) − b‖²``: the fiber ``μ^{-1}(U_r)`` of the
        best rank-r approximation for the squared distance (EY1936; U_r must
        be unique), the fiber of U for a weighted loss with ``rank U ≤ r``, and
        the zero-loss set for matrix sensing (which must be reachable).
    method : {"auto", "closed_form", "numeric"}
        ``"auto"``: the closed form when it applies (one hidden layer,
        squared distance), else the numerical route.
    restarts : int
        Independent starts of the numerical route; the flattest feasible
        result is returned.
    seed : int
    tol : float
        Feasibility tolerance (relative to ``max(1, ‖b‖)``) of the numerical route.

    Returns
    -------
    FlatMinimum

    Notes
    -----
    **Closed form, one hidden layer** [derived].  On the fiber
    ``W_2W_1 = U`` the trace is (module docstring; ``W_{<1} = I_{d_0}``,
    ``W_{>2} = I_{d_2}``)::

        T = 2 (d_0 ‖W_2‖_F² + d_2 ‖W_1‖_F²)
          ≥ 4 √(d_0 d_2) ‖W_2‖_F ‖W_1‖_F          (AM–GM)
          ≥ 4 √(d_0 d_2) ‖U‖_*,

    the last step because ``‖U‖_* = tr(P_kᵀ W_2 W_1 Q_k) ≤ ‖W_2‖_F ‖W_1‖_F``
    (Cauchy–Schwarz, ``U = P_k Σ Q_kᵀ`` compact SVD).  Equality:
    ``W_2 = α P_k Σ^{1/2} E``, ``W_1 = α⁻¹ Eᵀ Σ^{1/2} Q_kᵀ`` with
    ``E = [I_k 0]`` (k × d_1) and ``α⁴ = d_2/d_0`` — exactly when
    ``d_0 W_2ᵀW_2 = d_2 W_1W_1ᵀ``, the balance condition obtained from
    stationarity along ``(W_2A⁻¹, AW_1)``: ``d/dA tr = 4 tr(B(d_2 W_1W_1ᵀ −
    d_0 W_2ᵀW_2))`` for ``A = I + B``.

    **Numerical route** (deeper networks, weighted losses, matrix sensing;
    also on request).  Augmented Lagrangian: minimize
    ``T(θ) + ⟨λ, c(θ)⟩ + ρ/2 ‖c(θ)‖²`` with ``c(θ) = 𝒜(μ(θ)) − b`` by
    L-BFGS (exact gradients: reverse mode through the partial products for
    ``T``, ``W_{>i}ᵀ 𝒜*(λ + ρc) W_{<i}ᵀ`` for the constraint), then
    ``λ ← λ + ρ c``; ``ρ`` grows ×10 when ``‖c‖`` fails to drop by 4.  Squared
    distances start from random points of the fiber (the SVD factorization
    moved by random ``GL(d_i)`` elements), matrix sensing from small random θ.
    The problem is non-convex for h ≥ 3: the result is the flattest of
    ``restarts`` local solutions; :attr:`FlatMinimum.balance_residuals`
    reports the derived balance condition (:func:`balance_residuals`) —
    a necessary condition of optimality.

    For matrix sensing with one hidden layer the trace at a zero-loss point is
    ``2 ‖S_L^{1/2} W_2‖² + 2 ‖W_1 S_R^{1/2}‖²`` (``S_L = Σ A_kA_kᵀ``,
    ``S_R = Σ A_kᵀA_k``), so by the argument above the flattest global minimum
    minimizes the weighted nuclear norm ``‖S_L^{1/2} W S_R^{1/2}‖_*`` over
    ``𝒜(W) = b`` — which is why it recovers low-rank ground truths
    (Ding, Drusvyatskiy, Fazel & Harchaoui).

    Raises
    ------
    InputTypeError, AssumptionError, DegenerateDataError

    Examples
    --------
    >>> import numpy as np
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> net = LinearNetwork((2, 2, 8))
    >>> U = np.arange(16.0).reshape(8, 2)
    >>> flat = flattest_global_minimum(net, QuadraticLoss(U))
    >>> flat.method, bool(np.isclose(flat.trace, 4 * np.sqrt(16) * np.linalg.norm(U, 'nuc')))
    ('closed_form', True)
    >>> flat.balance_residuals[0] < 1e-12
    True
    """
    _check_network_loss(network, loss)
    if method not in ("auto", "closed_form", "numeric"):
        raise InputTypeError(f"method: expected 'auto', 'closed_form' or 'numeric'; received {method!r}")
    restarts = _check_count(restarts, "restarts")
    seed = check_seed(seed)
    form, cform, U = _global_minimum_set(network, loss, 1e-12)
    plain = isinstance(loss, QuadraticLoss)
    closed_ok = plain and network.depth == 2
    if method == "closed_form" and not closed_ok:
        raise AssumptionError(f"the closed form needs one hidden layer and the squared distance; received widths "
                              f"{network.widths} and {type(loss).__name__}")
    closed_value = None
    if closed_ok:
        mats, closed_value = _closed_form_one_hidden(network, U, 1e-12)
    if closed_ok and method != "numeric":
        mats = tuple(mats)
        meth = "closed_form"
        cres = float(np.linalg.norm(cform.residual(mats[-1] @ mats[0])))
    else:
        rng = np.random.default_rng(seed)
        best = None
        for _ in range(restarts):
            if U is not None:
                start = _random_fiber_point(network, U, rng)
            else:
                start = [0.5 * rng.standard_normal(s) for s in network.shapes]
            x0 = _pack(start)
            with _single_blas_thread():
                ms, cres_k = _augmented_lagrangian(network, form, cform, x0, tol)
            T = _trace_and_grad(form, ms)[0]
            if cres_k <= 100 * tol * max(1.0, float(np.linalg.norm(cform.b))) and (best is None or T < best[0]):
                best = (T, ms, cres_k)
        if best is None:
            raise AssumptionError(f"flattest_global_minimum: no start reached the global-minimum set (residual "
                                  f"{cres_k:.3g}); expected a problem whose global minimum value is 0 "
                                  f"(a realizable target)")
        _, mats, cres = best
        mats = tuple(mats)
        meth = "augmented_lagrangian"
    T = _trace_and_grad(form, list(mats))[0]
    Wb = mats[-1] @ partial_products(list(mats))[-1][1]
    return FlatMinimum(theta=mats, end_to_end=Wb, trace=float(T), method=meth, closed_form_trace=closed_value,
                       constraint_residual=cres, balance_residuals=_balance(form, list(mats)),
                       target=None if U is None else U)

