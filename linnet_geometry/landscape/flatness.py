r"""Flat minima and benign landscapes: Hessian sharpness, the flattest global minimum, random-start surveys.

Three questions people ask of ``L = ℓ ∘ μ_d`` once its critical points are
known: *how sharp* is a point (trace and largest eigenvalue of ``∇²L``),
*which* global minimum is flattest, and *is the landscape benign* (do random
starts of a local optimizer only end in global minima)?  Linear networks
with a matrix-sensing loss are exactly the factorized low-rank recovery
problems of the literature.

The trace of the Hessian in closed form [derived]
--------------------------------------------------
``∇²L(θ)[Δ, Δ] = ∇²ℓ(W̄)[dμ(Δ), dμ(Δ)] + ⟨G, d²μ(Δ, Δ)⟩`` with
``G = ∇ℓ(W̄)`` and ``d²μ(Δ, Δ) = 2 Σ_{i<j} W_{>j} Δ_j W_{j-1}⋯W_{i+1} Δ_i W_{<i}``.
A coordinate direction ``Δ = E_ab`` in one layer ``i`` has ``d²μ(Δ, Δ) = 0``
(μ is linear in each layer), so the **diagonal of the second-order term is
zero** and, with ``dμ(E_ab) = u vᵀ`` (``u = W_{>i}[:, a]``,
``v = W_{<i}[b, :]``)::

    tr ∇²L(θ) = Σ_i tr( ∇²ℓ(W̄) · (W_{>i} W_{>i}ᵀ ⊗ W_{<i}ᵀ W_{<i}) )

at *every* θ (row-major vec, ``vec(u vᵀ) = u ⊗ v``).  For
``ℓ = ‖𝒜(W) − b‖²`` with ``𝒜(W)_k = ⟨A_k, W⟩`` this is
``2 Σ_i Σ_k ‖W_{>i}ᵀ A_k W_{<i}ᵀ‖_F²``; for the squared distance
``‖W − U‖²`` it is ``2 Σ_i ‖W_{>i}‖_F² ‖W_{<i}‖_F²`` — at a zero-residual
global minimum, where ``∇²L = 2 dμᵀdμ``, this is ``2 ‖dμ‖_F²``, the form
stated in the issue (:func:`zero_residual_trace`).

Hessian-vector products [derived]
---------------------------------
With prefix/suffix products ``R_i = W_{<i}``, ``L_i = W_{>i}`` and their
directional derivatives (``Ṙ_{i+1} = Δ_i R_i + W_i Ṙ_i``,
``L̇_i = L̇_{i+1} W_{i+1} + L_{i+1} Δ_{i+1}``, ``dW̄ = Ṙ_{h+1}``)::

    (∇²L · Δ)_i = L_iᵀ ∇²ℓ[dW̄] R_iᵀ + L̇_iᵀ G R_iᵀ + L_iᵀ G Ṙ_iᵀ,

the derivative of ``∇_{W_i} L = L_iᵀ G R_iᵀ``: ``O(h)`` matrix products, no
dense Hessian.  Lanczos (:func:`scipy.sparse.linalg.eigsh`) on this operator
gives ``λ_max`` for large networks.

Flattest global minimum [derived]
---------------------------------
See :func:`flattest_global_minimum`: one hidden layer, fiber of ``U``:
``min tr ∇²L = 4 √(d_0 d_2) ‖U‖_*``, attained exactly at the balanced
factorizations ``d_0 W_2ᵀW_2 = d_2 W_1W_1ᵀ``.  In general, stationarity of the
trace along the ``GL(d_i)`` orbits ``(W_{i+1}A⁻¹, A W_i)`` (which stay in the
fiber) gives the balance condition, one per hidden layer ``i``,
``‖W_{<i}‖_F² W_{>i}ᵀW_{>i} = ‖W_{>i+1}‖_F² W_{≤i}W_{≤i}ᵀ`` for the squared
distance (general ``𝒜``: ``L_iᵀ ∂_L t(L_i, R_i) = ∂_R t(L_{i+1}, R_{i+1}) R_{i+1}ᵀ``
with ``t(L, R) = Σ_k ‖Lᵀ A_k Rᵀ‖²``).

References: TKB2020 (functional space, pure/spurious), BH1989, K2016,
LvB2018 (no bad minima for the quadratic loss), EY1936 (the global-minimum
fiber of the squared distance).  The flat-minima and matrix-sensing
literature (Ge, Jin & Zheng 2017; Ding, Drusvyatskiy, Fazel & Harchaoui) is
not yet in :mod:`linnet_geometry.references`, so it is cited by name only.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import pickle
from dataclasses import dataclass, field

import numpy as np
import sympy

from ..checks import check_seed
from ..exact.matrix import DEFAULT_TOL, is_exact_matrix, rank
from ..critical.classify import classify
from ..critical.derivatives import MAX_DENSE_HESSIAN, _prepare, parameter_hessian
from ..exceptions import AssumptionError, DegenerateDataError, InputTypeError, ProblemTooLargeError, ShapeError
from ..model.losses import Loss, MatrixSensingLoss, QuadraticLoss, WeightedQuadraticLoss
from ..model.network import LinearNetwork

__all__ = [
    "Sharpness",
    "sharpness",
    "hessian_vector_product",
    "zero_residual_trace",
    "FlatMinimum",
    "flattest_global_minimum",
    "balance_residuals",
    "SurveyPoint",
    "LandscapeSurvey",
    "landscape_survey",
    "SerialExecutor",
    "gaussian_sensing_problem",
    "low_rank_ground_truth",
    "DENSE_LIMIT",
    "EXACT_EIGEN_LIMIT",
]

#: Above this many parameters :func:`sharpness` uses Hessian-vector products (Lanczos), never a dense Hessian.
DENSE_LIMIT = 600
#: Above this many parameters the exact largest eigenvalue (characteristic polynomial) is not attempted.
EXACT_EIGEN_LIMIT = 24


# ---------------------------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------------------------
def _check_network_loss(network, loss, *, allow_parameter_losses=False):
    if not isinstance(network, LinearNetwork):
        raise InputTypeError(f"network: expected a LinearNetwork; received {type(network).__name__}")
    if getattr(loss, "acts_on_parameters", False):
        if allow_parameter_losses:
            return
        raise InputTypeError(f"loss: expected a Loss on the end-to-end matrix; received {type(loss).__name__}, "
                             "a loss on parameters")
    if not isinstance(loss, Loss):
        raise InputTypeError(f"loss: expected a linnet_geometry Loss; received {type(loss).__name__}")
    want = (network.widths[-1], network.widths[0])
    if tuple(loss.shape) != want:
        raise ShapeError(f"the loss acts on matrices of shape {tuple(loss.shape)}; expected {want} "
                         f"(d_h × d_0) for widths {network.widths}")


def _float_mats(mats):
    return tuple(np.array(M.evalf(30).tolist(), dtype=float) if is_exact_matrix(M) else np.asarray(M, dtype=float)
                 for M in mats)


def _to_float(M):
    return np.array(M.evalf(30).tolist(), dtype=float) if is_exact_matrix(M) else np.asarray(M, dtype=float)


def _pp(mats):
    """Float partial products: lists ``L[k] = W_{>k+1}``, ``R[k] = W_{<k+1}`` (0-based layer k)."""
    h = len(mats)
    R = [np.eye(mats[0].shape[1])]
    for k in range(1, h):
        R.append(mats[k - 1] @ R[-1])
    L = [None] * h
    L[h - 1] = np.eye(mats[-1].shape[0])
    for k in range(h - 2, -1, -1):
        L[k] = L[k + 1] @ mats[k + 1]
    return L, R


def _single_blas_thread():
    """Run the block with one BLAS thread (threadpoolctl).

    The optimizers here work on tiny matrices, where BLAS threads only add
    synchronisation cost — under load, a hundredfold slowdown of L-BFGS-B was
    measured.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


# ---------------------------------------------------------------------------------------------------------------
# quadratic losses in measurement form  ℓ(W) = ‖𝒜(W) − b‖²
# ---------------------------------------------------------------------------------------------------------------
class _MeasurementForm:
    """``ℓ(W) = ‖𝒜(W) − b‖²`` for the weighted (incl. unit-weight) squared distance and matrix sensing.

    ``kind == "weighted"``: ``𝒜(W) = √w ∘ W``, ``b = √w ∘ U``;
    ``kind == "sensing"``: ``𝒜(W)_k = ⟨A_k, W⟩``.  Float arrays throughout.
    """

    def __init__(self, kind, *, weights=None, target=None, A=None, b=None):
        self.kind = kind
        if kind == "weighted":
            self.w = np.asarray(weights, dtype=float)
            self.sw = np.sqrt(self.w)
            self.U = np.asarray(target, dtype=float)
            self.b = np.ravel(self.sw * self.U)
        else:
            self.A = np.asarray(A, dtype=float)
            self.b = np.asarray(b, dtype=float).ravel()

    @classmethod
    def of(cls, loss):
        """The measurement form of ``loss``, or None when it has none."""
        if isinstance(loss, QuadraticLoss) and loss.covariance is None and loss.data is None:
            U = _to_float(loss.target)
            return cls("weighted", weights=np.ones_like(U), target=U)
        if isinstance(loss, WeightedQuadraticLoss):
            return cls("weighted", weights=_to_float(loss.weights), target=_to_float(loss.target))
        if isinstance(loss, MatrixSensingLoss):
            A = np.stack([_to_float(a) for a in loss.measurements])
            return cls("sensing", A=A, b=np.ravel(_to_float(loss.values)))
        return None

    def apply(self, W):
        if self.kind == "weighted":
            return np.ravel(self.sw * W)
        return np.einsum("kij,ij->k", self.A, W)

    def adjoint(self, y):
        if self.kind == "weighted":
            return self.sw * np.reshape(y, self.w.shape)
        return np.einsum("k,kij->ij", y, self.A)

    def residual(self, W):
        return self.apply(W) - self.b

    def value(self, W):
        r = self.residual(W)
        return float(r @ r)

    def gradient(self, W):
        return 2.0 * self.adjoint(self.residual(W))

    def hvp(self, D):
        return 2.0 * self.adjoint(self.apply(D))

    def trace_term(self, L, R):
        """``t(L, R) = Σ_k ‖Lᵀ A_k Rᵀ‖_F²`` (half the trace contribution of one layer)."""
        if self.kind == "weighted":
            return float(np.sum(L * L, axis=1) @ self.w @ np.sum(R * R, axis=0))
        M = np.einsum("pa,kpq,bq->kab", L, self.A, R, optimize=True)
        return float(np.sum(M * M))

    def trace_term_grads(self, L, R):
        """``(∂t/∂L, ∂t/∂R)``."""
        if self.kind == "weighted":
            rl = np.sum(L * L, axis=1)
            cr = np.sum(R * R, axis=0)
            return 2.0 * L * (self.w @ cr)[:, None], 2.0 * R * (self.w.T @ rl)[None, :]
        M = np.einsum("pa,kpq,bq->kab", L, self.A, R, optimize=True)
        gL = 2.0 * np.einsum("kpq,bq,kab->pa", self.A, R, M, optimize=True)
        gR = 2.0 * np.einsum("kab,pa,kpq->bq", M, L, self.A, optimize=True)
        return gL, gR


# ---------------------------------------------------------------------------------------------------------------
# sharpness
# ---------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sharpness:
    """Result of :func:`sharpness`.

    Attributes
    ----------
    trace : number
        ``tr ∇²L(θ)`` — exact (sympy) for exact θ and loss, else float.
        Always from the closed-form diagonal (module docstring), never from a
        dense Hessian.
    largest_eigenvalue : number
        ``λ_max(∇²L(θ))``: exact algebraic number (``CRootOf`` or radicals)
        on the exact route, else float.
    method : str
        Route of ``λ_max``: ``"exact"`` (characteristic polynomial),
        ``"dense"`` (``numpy.linalg.eigvalsh``) or ``"lanczos"``
        (``scipy.sparse.linalg.eigsh`` on exact Hessian-vector products).
    exact : bool
        True when ``trace`` is exact.
    num_params : int

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> s = sharpness(LinearNetwork((1, 2, 1)), QuadraticLoss([[5]]), [[[1], [2]], [[1, 2]]])
    >>> s
    Sharpness(trace=20, largest_eigenvalue=20, method='exact')
    >>> s.exact, s.num_params
    (True, 4)
    """

    trace: object
    largest_eigenvalue: object
    method: str
    exact: bool
    num_params: int

    def __repr__(self):
        return (f"Sharpness(trace={self.trace}, largest_eigenvalue={self.largest_eigenvalue}, "
                f"method={self.method!r})")

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"trace": str(self.trace), "trace_float": float(self.trace),
                "largest_eigenvalue": str(self.largest_eigenvalue),
                "largest_eigenvalue_float": float(self.largest_eigenvalue), "method": self.method,
                "exact": self.exact, "num_params": self.num_params}

    def _repr_latex_(self):
        return (rf"$\operatorname{{tr}}\nabla^2 L = {sympy.latex(sympy.sympify(self.trace, strict=True))},\ "
                rf"\lambda_{{\max}} = {sympy.latex(sympy.sympify(self.largest_eigenvalue, strict=True))}$")


def _exact_trace(pp, Hl, shape):
    """``Σ_i tr(∇²ℓ · (L_i L_iᵀ ⊗ R_iᵀ R_i))`` with exact entries."""
    m, n = shape
    total = sympy.Integer(0)
    for L, R in pp:
        A = L * L.T
        B = R.T * R
        for a in range(m):
            for b in range(n):
                row = a * n + b
                for c in range(m):
                    acs = A[c, a]
                    if acs == 0:
                        continue
                    for d in range(n):
                        hv = Hl[row, c * n + d]
                        if hv != 0:
                            total += hv * acs * B[d, b]
    return sympy.nsimplify(total) if total.has(sympy.Float) else sympy.expand(total)


def _float_trace(network, loss, mats, form, Wbar):
    L, R = _pp(mats)
    if form is not None:
        return 2.0 * sum(form.trace_term(Lk, Rk) for Lk, Rk in zip(L, R))
    m, n = loss.shape
    H4 = np.asarray(loss.hessian(Wbar), dtype=float).reshape(m, n, m, n)
    return float(sum(np.einsum("abcd,ca,db->", H4, Lk @ Lk.T, Rk.T @ Rk) for Lk, Rk in zip(L, R)))


def _exact_lambda_max(H):
    from sympy.polys.matrices import DomainMatrix

    dM = DomainMatrix.from_Matrix(H)
    if not (dM.domain.is_ZZ or dM.domain.is_QQ):
        return None
    x = sympy.Dummy("x")
    poly = sympy.Poly([dM.domain.to_sympy(c) for c in dM.charpoly()], x)
    best = None
    for f, _ in poly.factor_list()[1]:
        nreal = f.count_roots()
        if nreal == 0:
            continue
        cand = sympy.CRootOf(f.as_expr(), x, nreal - 1) if f.degree() > 1 else sympy.solve(f.as_expr(), x)[0]
        if best is None or sympy.N(cand - best, 50) > 0:
            best = cand
    return best


def hessian_vector_product(network, loss, theta, direction):
    """``∇²L(θ) · Δ`` by the exact formula of the module docstring (float).

    Parameters
    ----------
    network : LinearNetwork
    loss : Loss
    theta, direction : sequences of matrices ``(W_1, …, W_h)`` and ``(Δ_1, …, Δ_h)``

    Returns
    -------
    tuple of numpy arrays
        ``((∇²L Δ)_1, …, (∇²L Δ)_h)``, shapes of the weights.

    Examples
    --------
    >>> import numpy as np
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> out = hessian_vector_product(LinearNetwork((1, 1, 1)), QuadraticLoss([[1]]), [[[0.]], [[0.]]],
    ...                              [[[1.]], [[0.]]])
    >>> [float(o[0, 0]) for o in out]
    [0.0, -2.0]
    """
    _check_network_loss(network, loss)
    mats = _float_mats(network.validate_theta(theta))
    dirs = _float_mats(network.validate_theta(direction, name="direction"))
    return _make_hvp(network, loss, mats)(dirs)


def _make_hvp(network, loss, mats):
    h = len(mats)
    L, R = _pp(mats)
    Wbar = mats[-1] @ R[-1]
    form = _MeasurementForm.of(loss)
    if form is not None:
        G = form.gradient(Wbar)
        hl = form.hvp
    else:
        G = np.asarray(loss.gradient(Wbar), dtype=float)
        Hl = np.asarray(loss.hessian(Wbar), dtype=float)
        shape = Wbar.shape
        hl = lambda D: (Hl @ np.ravel(D)).reshape(shape)  # noqa: E731

    def hvp(D):
        dR = [np.zeros_like(R[0])]
        for k in range(h - 1):
            dR.append(D[k] @ R[k] + mats[k] @ dR[k])
        dW = D[h - 1] @ R[h - 1] + mats[h - 1] @ dR[h - 1]
        dL = [None] * h
        dL[h - 1] = np.zeros_like(L[h - 1])
        for k in range(h - 2, -1, -1):
            dL[k] = dL[k + 1] @ mats[k + 1] + L[k + 1] @ D[k + 1]
        Gd = hl(dW)
        return tuple(L[k].T @ Gd @ R[k].T + dL[k].T @ G @ R[k].T + L[k].T @ G @ dR[k].T for k in range(h))

    return hvp


def sharpness(network, loss, theta, *, dense_limit=DENSE_LIMIT, seed=0, tol=1e-10) -> Sharpness:
    """Trace and largest eigenvalue of the Hessian of ``L = ℓ ∘ μ_d`` at θ.

    Parameters
    ----------
    network : LinearNetwork
    loss : Loss
        Any loss on the end-to-end matrix; weighted / unit squared distances
        and :class:`MatrixSensingLoss` use their measurement form (no
        ``(d_h d_0)²`` loss Hessian is formed).
    theta : sequence of matrices
        Exact entries (and exact loss) give an exact trace and, up to
        :data:`EXACT_EIGEN_LIMIT` parameters, an exact ``λ_max``.
    dense_limit : int
        Above this many parameters ``λ_max`` comes from Lanczos on exact
        Hessian-vector products; no dense Hessian is formed.
    seed : int
        Start vector of Lanczos (results are deterministic).
    tol : float
        Lanczos tolerance.

    Returns
    -------
    Sharpness

    Notes
    -----
    The trace uses the closed-form diagonal ``Σ_i tr(∇²ℓ (W_{>i}W_{>i}ᵀ ⊗
    W_{<i}ᵀW_{<i}))`` (module docstring, [derived]): exact and
    ``O(h)`` products.  For the squared distance it is
    ``2 Σ_i ‖W_{>i}‖_F² ‖W_{<i}‖_F²`` at every θ.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> s = sharpness(LinearNetwork((1, 1, 1)), QuadraticLoss([[2]]), [[[1]], [[2]]])
    >>> s.trace, s.largest_eigenvalue, s.method
    (10, 10, 'exact')
    >>> s = sharpness(LinearNetwork((1, 1, 1)), QuadraticLoss([[2]]), [[[1.0]], [[2.0]]], dense_limit=0)
    >>> round(s.trace, 12), round(s.largest_eigenvalue, 10), s.method
    (10.0, 10.0, 'lanczos')
    """
    _check_network_loss(network, loss)
    if not isinstance(dense_limit, (int, np.integer)) or isinstance(dense_limit, bool) or dense_limit < 0:
        raise InputTypeError(f"dense_limit: expected a non-negative integer; received {dense_limit!r}")
    mats, pp, Wbar, exact = _prepare(network, loss, theta)
    n = network.num_params
    if exact:
        tr = _exact_trace(pp, loss.hessian(Wbar), loss.shape)
        if n <= EXACT_EIGEN_LIMIT:
            lam = _exact_lambda_max(parameter_hessian(network, loss, mats))
            if lam is not None:
                return Sharpness(tr, lam, "exact", True, n)
    fmats = _float_mats(mats)
    form = _MeasurementForm.of(loss)
    fW = fmats[-1] @ _pp(fmats)[1][-1]
    if not exact:
        tr = _float_trace(network, loss, fmats, form, fW if form is not None else Wbar)
    if n <= dense_limit and n <= MAX_DENSE_HESSIAN:
        H = np.asarray(parameter_hessian(network, loss, fmats), dtype=float)
        lam = float(np.linalg.eigvalsh((H + H.T) / 2)[-1])
        return Sharpness(tr, lam, "dense", exact, n)
    lam = _lanczos_max(network, loss, fmats, check_seed(seed), tol)
    return Sharpness(tr, lam, "lanczos", exact, n)


def _lanczos_max(network, loss, fmats, seed, tol):
    from scipy.sparse.linalg import LinearOperator, eigsh

    shapes = network.shapes
    sizes = [a * b for a, b in shapes]
    offs = np.cumsum([0] + sizes)
    hvp = _make_hvp(network, loss, fmats)
    n = int(offs[-1])

    def mv(v):
        v = np.ravel(v)
        D = [v[offs[k]:offs[k + 1]].reshape(shapes[k]) for k in range(len(shapes))]
        return np.concatenate([np.ravel(o) for o in hvp(D)])

    if n == 1:
        return float(mv(np.ones(1))[0])
    op = LinearOperator((n, n), matvec=mv, dtype=float)
    v0 = np.random.default_rng(seed).standard_normal(n)
    vals = eigsh(op, k=1, which="LA", v0=v0, tol=tol, return_eigenvectors=False, maxiter=max(1000, 20 * n))
    return float(vals[-1])


def zero_residual_trace(network, loss, theta, tol=1e-9):
    """Closed form ``2 Σ_i ‖W_{>i}‖_F² ‖W_{<i}‖_F²`` of ``tr ∇²L`` at a zero-residual global minimum of ‖μ(θ) − U‖².

    At ``μ(θ) = U`` the gradient ``G`` vanishes, so ``∇²L = 2 dμᵀdμ`` and the
    trace is ``2 ‖dμ‖_F² = 2 Σ_i ‖W_{>i} ⊗ W_{<i}ᵀ‖_F²`` (THEORY §1: the
    blocks of dμ).  The residual is checked first.

    Raises
    ------
    InputTypeError
        ``loss`` is not a plain :class:`QuadraticLoss` ``‖W − U‖²``.
    AssumptionError
        ``μ(θ) ≠ U`` (exactly, or beyond ``tol·max(1, ‖U‖)`` for floats).

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> zero_residual_trace(LinearNetwork((1, 2, 1)), QuadraticLoss([[5]]), [[[1], [2]], [[1, 2]]])
    20
    """
    _check_network_loss(network, loss)
    if not isinstance(loss, QuadraticLoss) or loss.covariance is not None or loss.data is not None:
        raise InputTypeError(f"loss: expected a QuadraticLoss ||W - U||^2 (no data covariance); received {loss!r}")
    mats, pp, Wbar, exact = _prepare(network, loss, theta)
    if exact:
        D = Wbar - loss.target
        if any(x != 0 for x in D):
            raise AssumptionError(f"the closed form needs a zero residual mu(theta) = U; received mu(theta) - U = "
                                  f"{D.tolist()}")
        return sympy.expand(2 * sum(sum(x**2 for x in L) * sum(x**2 for x in R) for L, R in pp))
    U = _to_float(loss.target)
    res = float(np.linalg.norm(Wbar - U))
    if res > tol * max(1.0, float(np.linalg.norm(U))):
        raise AssumptionError(f"the closed form needs a zero residual mu(theta) = U; received ||mu(theta) - U||_F = "
                              f"{res:.3g} > {tol:g}·max(1, ||U||_F)")
    return float(2 * sum(np.sum(L * L) * np.sum(R * R) for L, R in pp))


# ---------------------------------------------------------------------------------------------------------------
# flattest global minimum
# ---------------------------------------------------------------------------------------------------------------
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
    L, R = _pp(mats)
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
    L, R = _pp(mats)
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
        U = _to_float(loss.target)
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
        U = _to_float(loss.target)
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

    shapes = network.shapes
    offs = np.cumsum([0] + [a * b for a, b in shapes])
    unpack = lambda x: [x[offs[k]:offs[k + 1]].reshape(shapes[k]) for k in range(len(shapes))]  # noqa: E731
    pack = lambda ms: np.concatenate([np.ravel(M) for M in ms])  # noqa: E731
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
            L, R = _pp(ms)
            Wb = ms[-1] @ R[-1]
            c = cform.residual(Wb)
            y = lam + rho * c
            G = cform.adjoint(y)
            val = T + lam @ c + 0.5 * rho * (c @ c)
            grads = [gW[k] + L[k].T @ G @ R[k].T for k in range(len(ms))]
            return val / T0, pack(grads) / T0

        res = minimize(f, x, jac=True, method="L-BFGS-B",
                       options={"maxiter": 20000, "maxcor": 30, "ftol": 1e-16, "gtol": 1e-13})
        x = res.x
        ms = unpack(x)
        c = cform.residual(ms[-1] @ _pp(ms)[1][-1])
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
    return ms, float(np.linalg.norm(cform.residual(ms[-1] @ _pp(ms)[1][-1])))


def _project(network, cform, mats, steps=6):
    """Gauss–Newton steps ``θ ← θ − J⁺ c(θ)`` (minimal-norm corrections, ``J = 𝒜 ∘ dμ``) onto ``{c = 0}``."""
    if network.num_params > MAX_DENSE_HESSIAN:
        return mats
    shapes = network.shapes
    offs = np.cumsum([0] + [a * b for a, b in shapes])
    m, n = network.widths[-1], network.widths[0]
    if cform.kind == "weighted":
        Amat = np.diag(cform.sw.ravel())
    else:
        Amat = cform.A.reshape(len(cform.A), m * n)
    x = np.concatenate([np.ravel(M) for M in mats])
    unpack = lambda xx: [xx[offs[k]:offs[k + 1]].reshape(shapes[k]) for k in range(len(shapes))]  # noqa: E731
    c = cform.residual(mats[-1] @ _pp(mats)[1][-1])
    for _ in range(steps):
        cn = float(np.linalg.norm(c))
        if cn == 0:
            break
        J = Amat @ np.asarray(network.differential(unpack(x)), dtype=float)
        x_new = x - np.linalg.lstsq(J, c, rcond=1e-12)[0]
        ms = unpack(x_new)
        c_new = cform.residual(ms[-1] @ _pp(ms)[1][-1])
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
    if not isinstance(restarts, (int, np.integer)) or isinstance(restarts, bool) or restarts < 1:
        raise InputTypeError(f"restarts: expected a positive integer; received {restarts!r}")
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
            x0 = np.concatenate([np.ravel(M) for M in start])
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
    Wb = mats[-1] @ _pp(list(mats))[1][-1]
    return FlatMinimum(theta=mats, end_to_end=Wb, trace=float(T), method=meth, closed_form_trace=closed_value,
                       constraint_residual=cres, balance_residuals=_balance(form, list(mats)),
                       target=None if U is None else U)


# ---------------------------------------------------------------------------------------------------------------
# matrix sensing problems
# ---------------------------------------------------------------------------------------------------------------
#: Largest memory (bytes) of the random arrays drawn by :func:`low_rank_ground_truth` / :func:`gaussian_sensing_problem`.
MAX_PROBLEM_BYTES = 2**31


def _check_problem_memory(what, floats):
    if 8 * floats > MAX_PROBLEM_BYTES:
        raise ProblemTooLargeError(f"{what} needs about {8 * floats / 2**30:.3g} GiB of float64 arrays; expected at most "
                                   f"{MAX_PROBLEM_BYTES / 2**30:.0f} GiB")


def _check_pos_int(name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InputTypeError(f"{name}: expected a positive integer; received {value!r}")
    return int(value)


def low_rank_ground_truth(n, rank, seed=None, m=None):
    """A random ``m × n`` matrix of rank ``rank`` (``m = n`` by default), unit Frobenius norm.

    ``X* = P Qᵀ / ‖P Qᵀ‖_F`` with i.i.d. standard Gaussian ``P`` (m × rank) and ``Q`` (n × rank).

    Examples
    --------
    >>> X = low_rank_ground_truth(5, 2, seed=0)
    >>> X.shape, int(np.linalg.matrix_rank(X)), round(float(np.linalg.norm(X)), 12)
    ((5, 5), 2, 1.0)
    """
    n = _check_pos_int("n", n)
    m = n if m is None else _check_pos_int("m", m)
    rank = _check_pos_int("rank", rank)
    if rank > min(m, n):
        raise ShapeError(f"rank: expected at most min(m, n) = {min(m, n)}; received {rank}")
    _check_problem_memory(f"a {m}x{n} ground truth of rank {rank}", (m + n) * rank + 2 * m * n)
    rng = np.random.default_rng(check_seed(seed))
    X = rng.standard_normal((m, rank)) @ rng.standard_normal((rank, n))
    return X / np.linalg.norm(X)


def gaussian_sensing_problem(n, rank, num_measurements, seed=None, m=None):
    """Matrix sensing of a random rank-``rank`` ground truth by Gaussian measurements.

    ``A_k`` with i.i.d. ``N(0, 1/K)`` entries (``K = num_measurements``, so
    ``E Σ_k ⟨A_k, W⟩² = ‖W‖_F²``), ``b_k = ⟨A_k, X*⟩`` with ``X*`` from
    :func:`low_rank_ground_truth` (same seed stream).

    Returns
    -------
    (MatrixSensingLoss, numpy.ndarray)
        The loss ``Σ_k (⟨A_k, W⟩ − b_k)²`` on ``m × n`` matrices and ``X*``.

    Examples
    --------
    >>> loss, X = gaussian_sensing_problem(4, 1, 10, seed=3)
    >>> len(loss.measurements), loss.shape, float(loss.value(X)) < 1e-24
    (10, (4, 4), True)
    """
    K = _check_pos_int("num_measurements", num_measurements)
    mm = n if m is None else _check_pos_int("m", m)
    _check_problem_memory(f"{K} Gaussian {mm}x{_check_pos_int('n', n)} measurements", 2 * K * mm * n)
    seed = check_seed(seed)
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(
        int(seed.integers(2**63)) if isinstance(seed, np.random.Generator) else seed)
    s_truth, s_meas = ss.spawn(2)
    X = low_rank_ground_truth(n, rank, seed=s_truth, m=m)
    rng = np.random.default_rng(s_meas)
    A = rng.standard_normal((K,) + X.shape) / np.sqrt(K)
    b = np.einsum("kij,ij->k", A, X)
    return MatrixSensingLoss(list(A), list(b)), X


# ---------------------------------------------------------------------------------------------------------------
# landscape survey
# ---------------------------------------------------------------------------------------------------------------
class SerialExecutor(cf.Executor):
    """A :class:`concurrent.futures.Executor` that runs every task at submission, in this process.

    Examples
    --------
    >>> SerialExecutor().submit(pow, 2, 10).result()
    1024
    """

    def submit(self, fn, /, *args, **kwargs):
        fut = cf.Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the Future carries it, as in any executor
            fut.set_exception(exc)
        return fut


@dataclass(frozen=True)
class SurveyPoint:
    """One distinct critical point found by :func:`landscape_survey` (distinct end-to-end matrix and role).

    Attributes
    ----------
    end_to_end : tuple of tuples of float
        ``W̄ = μ(θ)`` (rounded to 12 significant digits).
    value : float
        ``L(θ)``.
    role : str
        From :func:`classify` (numeric): ``"global_min"``, ``"local_min"``,
        ``"strict_saddle"``, ``"non_strict_saddle"``, ``"undetermined"``.
    kind : str
        ``"pure"`` or ``"spurious"`` (TKB2020).
    is_minimum : bool
        ``role`` is ``"global_min"`` or ``"local_min"``.
    is_global : bool
        A minimum whose value equals the smallest value found (or certified
        ``"global_min"`` by classify).
    count : int
        Number of starts that ended here.
    first_start : int
        Index of the first such start.
    hessian_inertia : tuple or None
    gradient_norm : float
        ``‖∇L‖`` at the refined representative.
    theta : tuple
        The representative θ of the first start (nested tuples of float).

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> survey = landscape_survey(LinearNetwork((2, 1, 2)), QuadraticLoss([[3, 0], [0, 1]]), starts=4, seed=0,
    ...                           executor=SerialExecutor(), progress=False)
    >>> point = survey.points[0]
    >>> point.role, point.kind, round(point.value, 9), point.count, point.hessian_inertia
    ('global_min', 'pure', 1.0, 4, (3, 0, 1))
    """

    end_to_end: tuple
    value: float
    role: str
    kind: str
    is_minimum: bool
    is_global: bool
    count: int
    first_start: int
    hessian_inertia: tuple | None
    gradient_norm: float
    theta: tuple = field(repr=False)

    @property
    def is_bad_local_minimum(self) -> bool:
        """A local minimum that is not global."""
        return self.is_minimum and not self.is_global

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"end_to_end": [list(r) for r in self.end_to_end], "value": self.value, "role": self.role,
                "kind": self.kind, "is_minimum": self.is_minimum, "is_global": self.is_global,
                "is_bad_local_minimum": self.is_bad_local_minimum, "count": self.count,
                "first_start": self.first_start,
                "hessian_inertia": None if self.hessian_inertia is None else list(self.hessian_inertia),
                "gradient_norm": self.gradient_norm, "theta": [[list(r) for r in W] for W in self.theta]}


@dataclass(frozen=True)
class LandscapeSurvey:
    """Result of :func:`landscape_survey`.

    Attributes
    ----------
    widths : tuple of int
    loss : str
        ``loss.describe()``.
    starts : int
    seed : int or None
    points : tuple of SurveyPoint
        Distinct critical points, sorted by value then role.
    outcomes : tuple of int
        For each start (in order), the index of its point in ``points``, or
        ``-1`` when the refined end point was not critical within tolerance.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> survey = landscape_survey(LinearNetwork((2, 1, 2)), QuadraticLoss([[3, 0], [0, 1]]), starts=4, seed=0,
    ...                           executor=SerialExecutor(), progress=False)
    >>> survey
    LandscapeSurvey(widths=(2, 1, 2), starts=4, local_minima=1, global_minima=1, bad_local_minima=0, saddles=0, failed=0)
    >>> survey.outcomes, survey.is_benign
    ((0, 0, 0, 0), True)
    """

    widths: tuple
    loss: str
    starts: int
    seed: object
    points: tuple
    outcomes: tuple

    @property
    def minima(self):
        return tuple(p for p in self.points if p.is_minimum)

    @property
    def global_minima(self):
        return tuple(p for p in self.points if p.is_minimum and p.is_global)

    @property
    def bad_local_minima(self):
        return tuple(p for p in self.points if p.is_bad_local_minimum)

    @property
    def saddles(self):
        return tuple(p for p in self.points if p.role in ("strict_saddle", "non_strict_saddle"))

    @property
    def undetermined(self):
        return tuple(p for p in self.points if p.role == "undetermined")

    @property
    def num_failed(self) -> int:
        """Starts whose refined end point was not critical."""
        return sum(1 for o in self.outcomes if o < 0)

    @property
    def bad_fraction(self) -> float:
        """Fraction of starts that ended in a bad (non-global) local minimum."""
        return sum(1 for o in self.outcomes if o >= 0 and self.points[o].is_bad_local_minimum) / self.starts

    @property
    def is_benign(self) -> bool:
        """No bad local minimum was found (evidence, not proof)."""
        return not self.bad_local_minima

    def counts(self):
        """Dictionary of the tallies shown by :meth:`table`."""
        return {"starts": self.starts, "distinct_critical_points": len(self.points),
                "local_minima": len(self.minima), "global_minima": len(self.global_minima),
                "bad_local_minima": len(self.bad_local_minima), "saddles": len(self.saddles),
                "undetermined": len(self.undetermined), "failed_starts": self.num_failed,
                "bad_fraction": self.bad_fraction}

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"widths": list(self.widths), "loss": self.loss, "starts": self.starts, "seed": self.seed,
                "counts": self.counts(), "points": [p.to_dict() for p in self.points],
                "outcomes": list(self.outcomes)}

    def table(self) -> str:
        """Text table: one row per distinct critical point, then the tallies."""
        head = f"{'#':>3} {'value':>14} {'role':<18} {'kind':<9} {'global':<6} {'starts':>6}  inertia"
        rows = [f"landscape survey: widths {self.widths}, {self.loss}, {self.starts} starts (seed {self.seed})", head,
                "-" * len(head)]
        for k, p in enumerate(self.points):
            tag = "yes" if p.is_global else ("BAD" if p.is_minimum else "-")
            rows.append(f"{k:>3} {p.value:>14.8g} {p.role:<18} {p.kind:<9} {tag:<6} {p.count:>6}  "
                        f"{p.hessian_inertia}")
        c = self.counts()
        rows.append("-" * len(head))
        rows.append(f"local minima {c['local_minima']} (global {c['global_minima']}, bad {c['bad_local_minima']}), "
                    f"saddles {c['saddles']}, undetermined {c['undetermined']}, failed starts {c['failed_starts']}; "
                    f"fraction of starts in a bad local minimum {c['bad_fraction']:.3f}")
        return "\n".join(rows)

    def __str__(self):
        return self.table()

    def _repr_latex_(self):
        c = self.counts()
        return (rf"$\text{{{c['starts']} starts: {c['local_minima']} local minima ({c['global_minima']} global, "
                rf"{c['bad_local_minima']} bad), {c['saddles']} saddles}}$")

    def __repr__(self):
        c = self.counts()
        return (f"LandscapeSurvey(widths={self.widths}, starts={self.starts}, local_minima={c['local_minima']}, "
                f"global_minima={c['global_minima']}, bad_local_minima={c['bad_local_minima']}, "
                f"saddles={c['saddles']}, failed={c['failed_starts']})")


def _objective(network, loss):
    """Float ``(L(θ), ∇L(θ))`` on flat θ; fast for measurement forms."""
    shapes = network.shapes
    offs = np.cumsum([0] + [a * b for a, b in shapes])
    form = _MeasurementForm.of(loss)

    def unpack(x):
        return [x[offs[k]:offs[k + 1]].reshape(shapes[k]) for k in range(len(shapes))]

    def f(x):
        ms = unpack(x)
        L, R = _pp(ms)
        W = ms[-1] @ R[-1]
        if form is not None:
            val, G = form.value(W), form.gradient(W)
        else:
            val, G = float(loss.value(W)), np.asarray(loss.gradient(W), dtype=float)
        return val, np.concatenate([np.ravel(L[k].T @ G @ R[k].T) for k in range(len(ms))])

    return f, unpack


def _rebalance(network, mats, ratio=4.0):
    """Flat θ; replaced by the balanced SVD factorization of ``W̄`` when the layers are far from balanced.

    ``L = ℓ ∘ μ`` only depends on ``W̄ = μ(θ)``, so any factorization of W̄ has
    the same loss.  L-BFGS can drift along the non-compact fibers into
    ill-conditioned regions (layer norms ≫ ‖W̄‖^{1/h}, with cancelling
    components) where it stalls; the factorization
    ``W_i = E Σ^{1/h} E'ᵀ`` (``W_1``, ``W_h`` carrying the singular vectors,
    top ``r`` singular values) restores a well-conditioned start.
    """
    h = len(mats)
    W = mats[-1] @ _pp(mats)[1][-1]
    P, s, Qt = np.linalg.svd(W)
    target = float(np.sum(s[:network.bottleneck] ** (2.0 / h)))  # ‖W_i‖² of the balanced factorization
    worst = max(float(np.sum(M * M)) for M in mats)
    if worst <= ratio * max(target, 1e-300):
        return np.concatenate([np.ravel(M) for M in mats])
    w, r = network.widths, network.bottleneck
    root = s[:r] ** (1.0 / h)
    out = []
    for i in range(h):
        left = P[:, :r] if i == h - 1 else np.eye(w[i + 1], r)
        right = Qt[:r] if i == 0 else np.eye(r, w[i])
        out.append((left * root) @ right)
    return np.concatenate([np.ravel(M) for M in out])


def _survey_one(network, loss, seed_seq, init_scale, maxiter, refine_tol, tol):
    """One start: L-BFGS (rounds separated by :func:`_rebalance`), Newton refinement (least-squares steps on
    ∇L = 0), numeric classify."""
    from scipy.optimize import minimize

    rng = np.random.default_rng(seed_seq)
    f, unpack = _objective(network, loss)
    x = np.concatenate([np.ravel(init_scale * rng.standard_normal(s)) for s in network.shapes])
    for _ in range(4):  # L-BFGS, then rebalance (L is unchanged) to undo drift into ill-conditioned regions
        res = minimize(f, x, jac=True, method="L-BFGS-B",
                       options={"maxiter": maxiter, "maxcor": 20, "ftol": 1e-15, "gtol": 1e-12})
        x = _rebalance(network, unpack(res.x))
        g = f(x)[1]
        if np.linalg.norm(g) <= refine_tol:
            break
    if network.num_params <= MAX_DENSE_HESSIAN:
        for _ in range(30):
            gn = float(np.linalg.norm(g))
            if gn <= refine_tol:
                break
            H = np.asarray(parameter_hessian(network, loss, unpack(x)), dtype=float)
            step = np.linalg.lstsq(H, -g, rcond=1e-12)[0]
            t, improved = 1.0, False
            while t > 1e-4:
                g_new = f(x + t * step)[1]
                if np.linalg.norm(g_new) < gn:
                    x, g, improved = x + t * step, g_new, True
                    break
                t /= 2
            if not improved:
                break
    theta = unpack(x)
    rep = classify(network, loss, theta, tol=tol)
    Wbar = theta[-1] @ _pp(theta)[1][-1]
    return {"theta": [M.copy() for M in theta], "Wbar": Wbar, "critical": rep.is_critical, "role": rep.role,
            "kind": rep.kind, "value": float(rep.value), "inertia": rep.hessian_inertia,
            "gnorm": float(rep.gradient_norm)}


def _run_chunk(network, loss, seeds, init_scale, maxiter, refine_tol, tol):
    with _single_blas_thread():
        return [_survey_one(network, loss, s, init_scale, maxiter, refine_tol, tol) for s in seeds]


def _round_tuple(M, digits=12):
    return tuple(tuple(float(f"{v:.{digits}g}") for v in row) for row in np.asarray(M))


def landscape_survey(network, loss, starts=32, seed=0, executor=None, *, init_scale=1.0, maxiter=5000,
                     refine_tol=1e-10, tol=DEFAULT_TOL, dedup_tol=1e-6, value_tol=1e-8, global_value=None,
                     progress=None, chunksize=None, max_workers=None) -> LandscapeSurvey:
    """Run a local optimizer from many random starts and tabulate the critical points reached.

    Each start draws ``θ_0`` with i.i.d. ``N(0, init_scale²)`` entries from its
    own generator (``numpy.random.SeedSequence(seed).spawn(starts)``), runs
    L-BFGS on ``L(θ)`` with the exact parameter gradient, refines the end
    point to a critical point (least-squares Newton steps on ``∇L = 0`` with
    the parameter Hessian, until ``‖∇L‖ ≤ refine_tol``; skipped above
    :data:`~linnet_geometry.critical.derivatives.MAX_DENSE_HESSIAN`
    parameters) and classifies it with :func:`classify` (numeric, ``tol``).
    End points are merged when their roles agree and their end-to-end
    matrices agree within ``dedup_tol·max(1, ‖W̄‖)`` (points of one fiber
    are one critical point of the function-space problem).  A minimum is
    **global** when classify certifies it or its value is within
    ``value_tol·max(1, |v|)`` of ``v = global_value`` when given (e.g. 0
    for a realizable sensing problem), else of the smallest value found; it
    is **bad** otherwise.

    Parameters
    ----------
    network : LinearNetwork
    loss : Loss
    starts : int
    seed : int or None
        Same seed ⇒ same result, whatever the executor.
    executor : concurrent.futures.Executor, optional
        Anything with ``submit`` returning futures (e.g.
        ``dask.distributed.Client.get_executor()``).  Chunks of starts are
        submitted and the results reassembled in start order, so they do not
        depend on the executor.  Default: a
        :class:`~concurrent.futures.ProcessPoolExecutor` with ``max_workers``
        local processes (default: the CPU count), created and shut down here;
        pass :class:`SerialExecutor` to stay in this process.
    init_scale, maxiter, refine_tol, tol, dedup_tol, value_tol : float / int
    global_value : float, optional
        The known global minimum value of L; without it the smallest value
        found stands in for it (then a survey that never reaches the global
        minimum reports its best local minimum as global).
    progress : bool or None
        tqdm progress bar (None: automatic).
    chunksize : int, optional
        Starts per submitted task (default: about four tasks per worker).

    Returns
    -------
    LandscapeSurvey

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> survey = landscape_survey(LinearNetwork((2, 1, 2)), QuadraticLoss([[3, 0], [0, 1]]), starts=8, seed=0,
    ...                           executor=SerialExecutor(), progress=False)
    >>> [(p.role, round(p.value, 9)) for p in survey.minima]
    [('global_min', 1.0)]
    >>> survey.is_benign
    True
    """
    _check_network_loss(network, loss)
    starts = _check_pos_int("starts", starts)
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise InputTypeError(f"executor: expected a concurrent.futures.Executor (an object with submit) or None; "
                             f"received {type(executor).__name__}")
    if max_workers is not None:
        max_workers = _check_pos_int("max_workers", max_workers)
    if global_value is not None and (isinstance(global_value, bool) or not isinstance(global_value, (int, float))
                                     or not np.isfinite(global_value)):
        raise InputTypeError(f"global_value: expected a finite number or None; received {global_value!r}")
    if not (isinstance(init_scale, (int, float)) and not isinstance(init_scale, bool) and init_scale > 0):
        raise InputTypeError(f"init_scale: expected a positive number; received {init_scale!r}")
    seed = check_seed(seed)
    if isinstance(seed, np.random.Generator):
        seed = int(seed.integers(2**63))
    seeds = (seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)).spawn(starts)
    own = executor is None
    if own:
        try:
            pickle.dumps((network, loss))
        except Exception as exc:  # lambdified caches and the like
            raise InputTypeError(f"loss: expected a picklable loss for the default process pool; received "
                                 f"{type(loss).__name__} ({exc}). Pass executor=SerialExecutor() or a thread "
                                 "pool") from None
        workers = max(1, min(starts, max_workers or os.cpu_count() or 1))
        executor = cf.ProcessPoolExecutor(max_workers=workers)
    else:
        workers = max_workers or getattr(executor, "_max_workers", None) or os.cpu_count() or 1
    if chunksize is None:
        chunksize = max(1, starts // (4 * workers))
    chunks = [list(range(a, min(a + chunksize, starts))) for a in range(0, starts, chunksize)]
    from tqdm import tqdm

    results = [None] * starts
    try:
        futs = [(executor.submit(_run_chunk, network, loss, [seeds[i] for i in ch], float(init_scale),
                                 int(maxiter), float(refine_tol), float(tol)), ch) for ch in chunks]
        with tqdm(total=starts, desc="landscape survey", disable=(not progress) if progress is not None else None,
                  leave=False) as bar:
            for fut, ch in futs:  # in submission order: works with any futures, not only concurrent.futures
                for i, out in zip(ch, fut.result()):
                    results[i] = out
                bar.update(len(ch))
    finally:
        if own:
            executor.shutdown()
    return _tabulate(network, loss, starts, seed, results, dedup_tol, value_tol, global_value)


def _tabulate(network, loss, starts, seed, results, dedup_tol, value_tol, global_value=None):
    groups = []  # [Wbar, role, kind, value, members, first result]
    outcomes = []
    for i, out in enumerate(results):
        if not out["critical"]:
            outcomes.append(None)
            continue
        W = out["Wbar"]
        thr = dedup_tol * max(1.0, float(np.linalg.norm(W)))
        for gi, grp in enumerate(groups):
            if grp["role"] == out["role"] and float(np.linalg.norm(grp["Wbar"] - W)) <= thr:
                grp["members"].append(i)
                outcomes.append(gi)
                break
        else:
            groups.append({"Wbar": W, "role": out["role"], "members": [i], "first": out})
            outcomes.append(len(groups) - 1)
    minima_vals = [g["first"]["value"] for g in groups if g["role"] in ("global_min", "local_min")]
    vmin = min(minima_vals) if minima_vals else None
    if global_value is not None:
        vmin = float(global_value)
    points = []
    for g in groups:
        o = g["first"]
        is_min = o["role"] in ("global_min", "local_min")
        is_glob = is_min and (o["role"] == "global_min" or o["value"] <= vmin + value_tol * max(1.0, abs(vmin)))
        points.append(SurveyPoint(end_to_end=_round_tuple(o["Wbar"]), value=o["value"], role=o["role"],
                                  kind=o["kind"], is_minimum=is_min, is_global=bool(is_glob),
                                  count=len(g["members"]), first_start=g["members"][0],
                                  hessian_inertia=None if o["inertia"] is None else tuple(int(v) for v in o["inertia"]),
                                  gradient_norm=o["gnorm"], theta=tuple(_round_tuple(M, 17) for M in o["theta"])))
    order = sorted(range(len(points)), key=lambda k: (points[k].value, points[k].role, points[k].first_start))
    new_index = {old: new for new, old in enumerate(order)}
    points = tuple(points[k] for k in order)
    outcomes = tuple(-1 if o is None else new_index[o] for o in outcomes)
    return LandscapeSurvey(widths=network.widths, loss=loss.describe(), starts=starts,
                           seed=seed if seed is None or isinstance(seed, int) else str(seed), points=points,
                           outcomes=outcomes)
