"""Gradient and Hessian of ``L = ℓ ∘ μ_d`` in parameter space.

``∇_{W_i} L = W_{>i}ᵀ G W_{<i}ᵀ`` with ``G = ∇ℓ(W̄)`` (THEORY §1).  The
Hessian is ``Jᵀ ∇²ℓ J`` (``J = dμ``) plus the second-order term
``⟨G, d²μ(Δ, Δ')⟩``, whose block for layers ``i < j`` has entries
``H[(a,b),(c,d)] = M[d,a] · K[b,c]`` with ``M = W_{j-1}⋯W_{i+1}`` and
``K = W_{<i} Gᵀ W_{>j}`` (row-major indices of ``W_i`` and ``W_j``).
"""

from __future__ import annotations

import numpy as np
import sympy

from ..exact.matrix import is_exact_matrix
from ..exceptions import ProblemTooLargeError, ShapeError

__all__ = ["parameter_gradient", "parameter_hessian", "MAX_DENSE_HESSIAN"]

#: Largest number of parameters for which a dense Hessian is formed.
MAX_DENSE_HESSIAN = 4000


def _check(network, loss):
    want = (network.widths[-1], network.widths[0])
    if tuple(loss.shape) != want:
        raise ShapeError(f"the loss acts on matrices of shape {tuple(loss.shape)}; expected {want} "
                         f"(d_h × d_0) for widths {network.widths}")


def _prepare(network, loss, theta):
    _check(network, loss)
    mats = network.validate_theta(theta)
    if is_exact_matrix(mats[0]) and not loss.is_exact:
        mats = tuple(np.array(M.evalf(30).tolist(), dtype=float) for M in mats)
    pp = network._partial_products(mats)
    exact = is_exact_matrix(mats[0])
    Wbar = mats[-1] * pp[-1][1] if exact else mats[-1] @ pp[-1][1]
    return mats, pp, Wbar, exact


def _gradients(pp, G, exact):
    if exact:
        return tuple(L.T * G * R.T for L, R in pp)
    return tuple(L.T @ G @ R.T for L, R in pp)


def parameter_gradient(network, loss, theta):
    """``(∇_{W_1} L, …, ∇_{W_h} L)`` at θ, exact for exact input.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> parameter_gradient(LinearNetwork((1, 1, 1)), QuadraticLoss([[1]]), [[[1]], [[0]]])
    (Matrix([[0]]), Matrix([[-2]]))
    """
    if getattr(loss, "acts_on_parameters", False):
        return loss.parameter_gradient(network, theta)
    mats, pp, Wbar, exact = _prepare(network, loss, theta)
    return _gradients(pp, loss.gradient(Wbar), exact)


def _between(mats, i, j, exact):
    """``W_{j-1} ⋯ W_{i+1}`` (1-based layers, i < j); identity when j = i + 1."""
    n = mats[i - 1].shape[0]
    P = sympy.eye(n) if exact else np.eye(n)
    for k in range(i + 1, j):
        P = mats[k - 1] * P if exact else mats[k - 1] @ P
    return P


def parameter_hessian(network, loss, theta):
    """Hessian of L at θ as a ``d_θ × d_θ`` matrix (θ order: row-major, layer by layer).

    Exact for exact input.  Raises :class:`ProblemTooLargeError` above
    :data:`MAX_DENSE_HESSIAN` parameters.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> parameter_hessian(LinearNetwork((1, 1, 1)), QuadraticLoss([[1]]), [[[0]], [[0]]])
    Matrix([
    [ 0, -2],
    [-2,  0]])
    """
    if network.num_params > MAX_DENSE_HESSIAN:
        raise ProblemTooLargeError(
            f"a dense Hessian for widths {network.widths} has {network.num_params}^2 entries; expected at most "
            f"{MAX_DENSE_HESSIAN} parameters. Use closed-form criteria (classify does so when the Hessian is too big)")
    if getattr(loss, "acts_on_parameters", False):
        return loss.parameter_hessian(network, theta)
    mats, pp, Wbar, exact = _prepare(network, loss, theta)
    G = loss.gradient(Wbar)
    Hl = loss.hessian(Wbar)
    if not exact:
        return _assemble_float(network, mats, np.asarray(G, dtype=float), np.asarray(Hl, dtype=float))
    J = network.differential(mats)
    H = J.T * Hl * J
    offsets = np.cumsum([0] + [a * b for a, b in network.shapes])
    h = network.depth
    for i in range(1, h + 1):
        for j in range(i + 1, h + 1):
            M = _between(mats, i, j, True)  # d_{j-1} × d_i
            Y = pp[i - 1][1]  # W_{<i}
            X = pp[j - 1][0]  # W_{>j}
            K = Y * G.T * X  # d_{i-1} × d_j
            di, dim1 = mats[i - 1].shape
            dj, djm1 = mats[j - 1].shape
            r0, c0 = offsets[i - 1], offsets[j - 1]
            for a in range(di):
                for b in range(dim1):
                    row = r0 + a * dim1 + b
                    for c in range(dj):
                        kbc = K[b, c]
                        if kbc == 0:
                            continue
                        for d in range(djm1):
                            v = M[d, a] * kbc
                            if v != 0:
                                H[row, c0 + c * djm1 + d] += v
                                H[c0 + c * djm1 + d, row] += v
    return H


def _assemble_float(network, mats, G, Hl):
    """Float Hessian ``Jᵀ∇²ℓJ + ⟨G, d²μ⟩`` from float layers, ``G = ∇ℓ(W̄)`` and ``Hl = ∇²ℓ(W̄)``.

    Called with entrywise absolute values of every input it returns a matrix
    that dominates the absolute value of every product summed, which
    :func:`linnet_geometry.critical.classify.classify` turns into a rounding-error
    bound (Higham 2002, §3.5).
    """
    pp = network._partial_products(mats)
    J = network.differential(mats)
    H = np.array(J.T @ Hl @ J, dtype=float)
    offsets = np.cumsum([0] + [a * b for a, b in network.shapes])
    h = network.depth
    for i in range(1, h + 1):
        for j in range(i + 1, h + 1):
            M = _between(mats, i, j, False)  # d_{j-1} × d_i
            K = pp[i - 1][1] @ G.T @ pp[j - 1][0]  # W_{<i} Gᵀ W_{>j}: d_{i-1} × d_j
            di, dim1 = mats[i - 1].shape
            dj, djm1 = mats[j - 1].shape
            r0, c0 = offsets[i - 1], offsets[j - 1]
            B = np.einsum("da,bc->abcd", M, K).reshape(di * dim1, dj * djm1)
            H[r0:r0 + di * dim1, c0:c0 + dj * djm1] += B
            H[c0:c0 + dj * djm1, r0:r0 + di * dim1] += B.T
    return H
