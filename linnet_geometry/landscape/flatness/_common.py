"""Shared pieces of the flatness layer: input checks, float conversions, one BLAS thread, measurement forms."""

from __future__ import annotations

import numpy as np

from ...checks import check_int
from ...exact.matrix import to_float
from ...exceptions import InputTypeError, InvalidArgumentError
from ...model.losses import (Loss, MatrixSensingLoss, ParameterLoss, QuadraticLoss, WeightedQuadraticLoss,
                             check_loss_shape)
from ...model.network import LinearNetwork

__all__ = []


def _check_network_loss(network, loss, *, allow_parameter_losses=False):
    if not isinstance(network, LinearNetwork):
        raise InputTypeError(f"network: expected a LinearNetwork; received {type(network).__name__}")
    if isinstance(loss, ParameterLoss):
        if allow_parameter_losses:
            return
        raise InputTypeError(f"loss: expected a Loss on the end-to-end matrix; received {type(loss).__name__}, "
                             "a loss on parameters")
    if not isinstance(loss, Loss):
        raise InputTypeError(f"loss: expected a linnet_geometry Loss; received {type(loss).__name__}")
    check_loss_shape(loss, network)


def _float_mats(mats):
    return tuple(to_float(M) for M in mats)


def _unpacker(network):
    """``x ↦ (W_1, …, W_h)`` as float views of a flat θ (the order of :meth:`LinearNetwork.flatten`).

    The same as ``network.unflatten(x, exact=False)`` for a float vector, without copies: the optimizers'
    inner loops call it at every evaluation.
    """
    shapes = network.shapes
    offs = np.cumsum([0] + [a * b for a, b in shapes])

    def unpack(x):
        return [x[offs[k]:offs[k + 1]].reshape(shapes[k]) for k in range(len(shapes))]

    return unpack


def _pack(mats):
    """The flat float θ of the matrices ``mats`` (inverse of :func:`_unpacker`)."""
    return np.concatenate([np.ravel(M) for M in mats])


def _check_count(value, name, minimum=1):
    """:func:`~linnet_geometry.checks.check_int` with this layer's error type: :class:`InputTypeError` throughout."""
    try:
        return check_int(value, name, minimum)
    except InvalidArgumentError as err:
        raise InputTypeError(str(err)) from None

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
            U = to_float(loss.target)
            return cls("weighted", weights=np.ones_like(U), target=U)
        if isinstance(loss, WeightedQuadraticLoss):
            return cls("weighted", weights=to_float(loss.weights), target=to_float(loss.target))
        if isinstance(loss, MatrixSensingLoss):
            A = np.stack([to_float(a) for a in loss.measurements])
            return cls("sensing", A=A, b=np.ravel(to_float(loss.values)))
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

