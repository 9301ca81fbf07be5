"""Hessian sharpness of ``L = ℓ ∘ μ_d``: the closed-form trace, Hessian-vector products, the largest eigenvalue.

The trace is ``Σ_i tr(∇²ℓ(W̄) · (W_{>i} W_{>i}ᵀ ⊗ W_{<i}ᵀ W_{<i}))`` at every θ and
the Hessian-vector product costs ``O(h)`` matrix products (the derivations are
in the docstring of :mod:`linnet_geometry.landscape.flatness`; THEORY §1 for
the partial products).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from ...checks import check_seed
from ...critical.derivatives import MAX_DENSE_HESSIAN, parameter_hessian
from ...exact.representation import representation_of
from ...exceptions import AssumptionError, InputTypeError
from ...model.losses import QuadraticLoss
from ...model.network import partial_products
from .._core import prepare_point
from ._common import _check_count, _check_network_loss, _float_mats, _MeasurementForm, _pack, _unpacker

__all__ = ["Sharpness", "sharpness", "hessian_vector_product", "zero_residual_trace", "DENSE_LIMIT",
           "EXACT_EIGEN_LIMIT"]

#: Above this many parameters :func:`sharpness` uses Hessian-vector products (Lanczos), never a dense Hessian.
DENSE_LIMIT = 600
#: Above this many parameters the exact largest eigenvalue (characteristic polynomial) is not attempted.
EXACT_EIGEN_LIMIT = 24


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
        A = L @ L.T
        B = R.T @ R
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
    L, R = zip(*partial_products(mats))
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
    L, R = zip(*partial_products(mats))
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
    dense_limit = _check_count(dense_limit, "dense_limit", 0)
    mats, pp, Wbar, exact = prepare_point(network, loss, theta)
    n = network.num_params
    fmats = _float_mats(mats)
    if exact:  # the closed-form trace in exact arithmetic, and λ_max as an algebraic number
        tr = _exact_trace(pp, loss.hessian(Wbar), loss.shape)
        if n <= EXACT_EIGEN_LIMIT:
            lam = _exact_lambda_max(parameter_hessian(network, loss, mats))
            if lam is not None:
                return Sharpness(tr, lam, "exact", True, n)
    else:
        form = _MeasurementForm.of(loss)
        fW = fmats[-1] @ partial_products(fmats)[-1][1]
        tr = _float_trace(network, loss, fmats, form, fW if form is not None else Wbar)
    if n <= dense_limit and n <= MAX_DENSE_HESSIAN:
        H = np.asarray(parameter_hessian(network, loss, fmats), dtype=float)
        lam = float(np.linalg.eigvalsh((H + H.T) / 2)[-1])
        return Sharpness(tr, lam, "dense", exact, n)
    lam = _lanczos_max(network, loss, fmats, check_seed(seed), tol)
    return Sharpness(tr, lam, "lanczos", exact, n)


def _lanczos_max(network, loss, fmats, seed, tol):
    from scipy.sparse.linalg import LinearOperator, eigsh

    unpack = _unpacker(network)
    hvp = _make_hvp(network, loss, fmats)
    n = network.num_params

    def mv(v):
        return _pack(hvp(unpack(np.ravel(v))))

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
    mats, pp, Wbar, _ = prepare_point(network, loss, theta)
    rep = representation_of(Wbar)
    U = rep.convert(loss.target)
    D = Wbar - U
    if not rep.is_zero(D, bound=tol * max(1.0, rep.norm(U))):  # exactly, or relative to the target's scale
        received = (f"mu(theta) - U = {D.tolist()}" if rep.exact
                    else f"||mu(theta) - U||_F = {rep.norm(D):.3g} > {tol:g}·max(1, ||U||_F)")
        raise AssumptionError(f"the closed form needs a zero residual mu(theta) = U; received {received}")
    return rep.number(2 * sum(rep.sum_squares(L) * rep.sum_squares(R) for L, R in pp))

