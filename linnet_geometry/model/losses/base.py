"""The loss contracts: :class:`Loss` (a function of the end-to-end matrix) and :class:`ParameterLoss`.

A :class:`Loss` ``ℓ`` acts on one matrix ``W`` of shape :attr:`Loss.shape`;
composed with a network it gives ``L = ℓ ∘ μ_d`` (TKB2020), and everything the
core computes about ``L`` (gradient, Hessian, purity, critical loci) comes from
``∇ℓ`` and ``∇²ℓ`` at ``W̄ = μ_d(θ)`` (THEORY §1–2).  A :class:`ParameterLoss`
is a function of the parameters ``θ`` themselves (e.g. weight decay, which
does not factor through ``W̄``); it provides its own derivatives and
classification.

Conventions (checked for every subclass by ``tests/model/test_loss_contract.py``):

* gradients are matrices of the shape of ``W``; Hessians are ``(rows·cols) ×
  (rows·cols)`` symmetric matrices in the row-major vectorisation of
  :mod:`linnet_geometry.model.network` (``vec(W)[a·cols + b] = W[a, b]``);
* exact input (int, Fraction, sympy Rational) with exact loss data gives exact
  sympy output; float input gives float64 (a Python float for the value);
* a point of the wrong shape raises :class:`~linnet_geometry.exceptions.ShapeError`.
"""

from __future__ import annotations

import abc

from ...checks import check_exact_entries
from ...exact.matrix import as_matrix
from ...exact.representation import EXACT, FLOAT, representation_of
from ...exceptions import ProblemTooLargeError, ShapeError

__all__ = ["Loss", "ParameterLoss", "check_loss_shape", "MAX_EXACT_HESSIAN_SIDE", "MAX_FLOAT_HESSIAN_SIDE"]

#: Largest side ``rows·cols`` of a dense exact Hessian :meth:`Loss.hessian` builds (sympy entries).
MAX_EXACT_HESSIAN_SIDE = 2_000
#: Largest side ``rows·cols`` of a dense float Hessian (a float64 array of ``side²`` entries, 2 GiB).
MAX_FLOAT_HESSIAN_SIDE = 16_384


_HESSIAN_SIDE_LIMIT = {EXACT: MAX_EXACT_HESSIAN_SIDE, FLOAT: MAX_FLOAT_HESSIAN_SIDE}


def _check_data(M, name):
    """Loss data: non-empty, and rational when exact (floats select the numeric path)."""
    if 0 in tuple(M.shape):
        raise ShapeError(f"{name} has shape {tuple(M.shape)}; expected a non-empty matrix")
    check_exact_entries(M, name, rational=True)


class Loss(abc.ABC):
    """Abstract contract: a twice differentiable function ``ℓ`` of one matrix ``W``.

    A subclass sets :attr:`shape` (usually per instance) and implements the
    abstract hooks :meth:`_value`, :meth:`_gradient`, :meth:`_hessian` and the
    property :attr:`is_exact`; the public :meth:`value`, :meth:`gradient` and
    :meth:`hessian` validate the point (shape, entries, size) and convert an
    exact point to floats when the loss data are floats, then call the hooks.
    The hooks receive a validated point: a sympy Matrix (exact) or a float64
    array, and return results of the same representation.

    Attributes
    ----------
    shape : tuple of int
        ``(rows, cols)`` of the matrix argument (``(d_h, d_0)`` for a network).
    is_convex : bool
        ``True`` when ℓ is known to be convex (enables the certificates of
        TKB2020/LvB2018: a critical point with ``∇ℓ(W̄) = 0`` is a global minimum).
    acts_on_parameters : bool
        ``False`` for every :class:`Loss`: ℓ is a function of the end-to-end
        matrix ``W̄`` alone, so ``L = ℓ ∘ μ_d`` and the core differentiates
        through ``μ_d``.  A loss of the parameters ``θ`` rather than of
        ``W̄`` (weight decay,
        :class:`~linnet_geometry.landscape.regularized.RegularizedLoss`) is a
        :class:`ParameterLoss`, whose flag is ``True``; the core reads this
        flag to let such a loss differentiate and classify itself.
    is_exact : bool
        ``True`` when the loss data are exact (decisions can be exact).

    Examples
    --------
    Every concrete loss is a :class:`Loss`:

    >>> from linnet_geometry.model.losses import QuadraticLoss
    >>> loss = QuadraticLoss([[2, 0], [0, 1]])
    >>> isinstance(loss, Loss), loss.shape, loss.is_convex, loss.acts_on_parameters
    (True, (2, 2), True, False)
    >>> loss.value([[1, 0], [0, 0]]), loss.gradient([[1, 0], [0, 0]])
    (2, Matrix([
    [-2,  0],
    [ 0, -2]]))

    A minimal subclass, ``ℓ(w) = w⁴`` on ``1 × 1`` matrices:

    >>> class QuarticLoss(Loss):
    ...     shape = (1, 1)
    ...     is_exact = True
    ...     def _value(self, W):
    ...         return W[0, 0] ** 4
    ...     def _gradient(self, W):
    ...         return 4 * W.applyfunc(lambda w: w ** 3)
    ...     def _hessian(self, W):
    ...         return 12 * W.applyfunc(lambda w: w ** 2)
    >>> quartic = QuarticLoss()
    >>> quartic.value([[2]]), quartic.gradient([[2]]), quartic.hessian([[2]])
    (16, Matrix([[32]]), Matrix([[48]]))

    A subclass that forgets a hook cannot be instantiated:

    >>> class Incomplete(Loss):
    ...     shape = (1, 1)
    ...     is_exact = True
    ...     def _value(self, W):
    ...         return W[0, 0]
    >>> Incomplete()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    TypeError: Can't instantiate abstract class Incomplete ..._gradient, _hessian
    """

    #: shape ``(rows, cols)`` of the matrix argument
    shape: tuple
    #: True when the loss is known to be convex (enables certificates of TKB2020/LvB2018)
    is_convex: bool = False
    #: False: a :class:`Loss` is a function of the end-to-end matrix ``W̄`` only (see :class:`ParameterLoss`)
    acts_on_parameters: bool = False

    @property
    @abc.abstractmethod
    def is_exact(self) -> bool:
        """True when the loss data is exact (decisions can be exact)."""

    @abc.abstractmethod
    def _value(self, W):
        """``ℓ(W)`` at a validated point: a sympy number for an exact point, a float otherwise."""

    @abc.abstractmethod
    def _gradient(self, W):
        """``∇ℓ(W)`` at a validated point: a matrix of ``W``'s shape and representation."""

    @abc.abstractmethod
    def _hessian(self, W):
        """``∇²ℓ(W)`` at a validated point: a symmetric ``(rows·cols)``-square matrix (row-major vec)."""

    def _point(self, W):
        M = as_matrix(W, "W", shape=self.shape)
        return representation_of(M, exact=self.is_exact).convert(M)  # float loss data: a float point

    def value(self, W):
        """``ℓ(W)``."""
        return self._value(self._point(W))

    def gradient(self, W):
        """``∇ℓ(W)``, a matrix of W's shape."""
        return self._gradient(self._point(W))

    def hessian(self, W):
        """``∇²ℓ(W)`` as a ``(rows·cols)``-square matrix (row-major vec).

        Dense: sides above :data:`MAX_EXACT_HESSIAN_SIDE` (exact) or
        :data:`MAX_FLOAT_HESSIAN_SIDE` (floats) raise
        :class:`~linnet_geometry.exceptions.ProblemTooLargeError` before any work.
        """
        point = self._point(W)
        side = self.shape[0] * self.shape[1]
        limit = _HESSIAN_SIDE_LIMIT[representation_of(point)]
        if side > limit:
            raise ProblemTooLargeError(f"the Hessian of a loss on {self.shape[0]}x{self.shape[1]} matrices is a dense "
                                       f"{side}x{side} matrix; expected a side of at most {limit}")
        return self._hessian(point)

    def describe(self) -> str:
        """One-line description."""
        return repr(self)


_PARAMETER_LOSS_METHODS = ("value", "parameter_gradient", "parameter_hessian", "classify")


class ParameterLoss(abc.ABC):
    """Abstract contract: a loss ``L(θ)`` of the parameters, not of the end-to-end matrix.

    Weight decay ``½‖W̄X − Y‖² + ½ Σ_i λ_i ∘ W_i²`` does not factor through
    ``μ_d``, so the pure/spurious dichotomy of TKB2020 does not apply; such a
    loss differentiates and classifies itself.  :func:`~linnet_geometry.classify`,
    :func:`~linnet_geometry.parameter_gradient` and
    :func:`~linnet_geometry.parameter_hessian` delegate to the methods below
    when :attr:`acts_on_parameters` is ``True``.

    A class that declares ``acts_on_parameters = True`` and defines the four
    methods counts as a ParameterLoss without inheriting from it (structural
    check, like :class:`collections.abc.Sized`).

    Attributes
    ----------
    acts_on_parameters : bool
        ``True``: a function of ``θ`` (see :attr:`Loss.acts_on_parameters`).
    is_convex : bool
        ``False`` unless the subclass proves otherwise.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, classify
    >>> from linnet_geometry.landscape.regularized import RegularizedLoss
    >>> loss = RegularizedLoss(([[1]], [[2]]), [1, 1])
    >>> isinstance(loss, ParameterLoss), isinstance(loss, Loss), loss.acts_on_parameters
    (True, False, True)
    >>> classify(LinearNetwork((1, 1, 1)), loss, [[[1]], [[1]]]).role
    'local_min'
    """

    acts_on_parameters: bool = True
    is_convex: bool = False

    @abc.abstractmethod
    def value(self, network, theta):
        """``L(θ)``."""

    @abc.abstractmethod
    def parameter_gradient(self, network, theta):
        """``(∇_{W_1} L, …, ∇_{W_h} L)`` at θ."""

    @abc.abstractmethod
    def parameter_hessian(self, network, theta):
        """The ``d_θ × d_θ`` Hessian of L at θ (θ order: row-major, layer by layer)."""

    @abc.abstractmethod
    def classify(self, network, theta, tol):
        """A :class:`~linnet_geometry.critical.classify.CriticalPointReport` of θ."""

    @classmethod
    def __subclasshook__(cls, C):
        if cls is ParameterLoss:
            declared = any("acts_on_parameters" in B.__dict__ for B in C.__mro__)
            if declared and C.acts_on_parameters is True and all(
                    any(m in B.__dict__ and callable(B.__dict__[m]) for B in C.__mro__) for m in _PARAMETER_LOSS_METHODS):
                return True
        return NotImplemented


def check_loss_shape(loss, network) -> None:
    """Raise :class:`~linnet_geometry.exceptions.ShapeError` unless ``loss`` acts on ``d_h × d_0`` matrices.

    ``network`` is a :class:`~linnet_geometry.model.network.LinearNetwork` (widths ``d_0, …, d_h``).

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> check_loss_shape(QuadraticLoss([[1, 0]]), LinearNetwork((2, 1, 1)))
    >>> check_loss_shape(QuadraticLoss([[1, 0]]), LinearNetwork((1, 1, 2)))
    Traceback (most recent call last):
    ...
    linnet_geometry.exceptions.ShapeError: the loss acts on matrices of shape (1, 2); expected (2, 1) (d_h × d_0) for widths (1, 1, 2)
    """
    want = (network.widths[-1], network.widths[0])
    if tuple(loss.shape) != want:
        raise ShapeError(f"the loss acts on matrices of shape {tuple(loss.shape)}; expected {want} "
                         f"(d_h × d_0) for widths {network.widths}")
