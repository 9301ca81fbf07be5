"""Quadratic losses on matrices: squared distance (and least squares), weighted distance, matrix sensing.

Each is a :class:`~linnet_geometry.model.losses.base.Loss`; exact data keep
every value, gradient and Hessian exact.
"""

from __future__ import annotations

import numpy as np
import sympy

from ...exact.matrix import as_matrix, is_exact_matrix
from ...exact.representation import representation_of
from ...exceptions import InputTypeError, DegenerateDataError, ShapeError, SingularDataError
from .base import Loss, _check_data

__all__ = ["QuadraticLoss", "WeightedQuadraticLoss", "MatrixSensingLoss"]


class QuadraticLoss(Loss):
    """The squared distance ``ℓ(W) = ‖W − U‖_F²`` (or its data form).

    Parameters
    ----------
    target : matrix
        ``U``.  Rational entries (int, Fraction, sympy.Rational) keep every
        computation exact; floats select the numeric path.  Irrational exact
        entries (``sqrt(2)``, ``pi``) raise
        :class:`~linnet_geometry.exceptions.ExactInputRequiredError`.

    Notes
    -----
    The data form ``‖WX − Y‖_F²`` (see :meth:`from_data`) is stored as
    ``ℓ(W) = tr((W − Û) Σ (W − Û)ᵀ) + c`` with ``Σ = XXᵀ``,
    ``Û = Y Xᵀ Σ^{-1}`` and ``c = ‖Y‖² − tr(Û Σ Ûᵀ)`` (BH1989): the
    substitution ``W ↦ W Σ^{1/2}`` turns it into a squared distance to
    ``Û Σ^{1/2}``, whose squared singular values are the eigenvalues of
    ``Û Σ Ûᵀ``.

    Examples
    --------
    >>> loss = QuadraticLoss([[2, 0], [0, 1]])
    >>> loss.value([[0, 0], [0, 1]])
    4
    >>> loss.gradient([[0, 0], [0, 0]])
    Matrix([
    [-4,  0],
    [ 0, -2]])
    """

    is_convex = True

    def __init__(self, target, *, _covariance=None, _offset=0, _data=None):
        U = as_matrix(target, "target")
        _check_data(U, "target")
        self.target = U
        self.shape = tuple(U.shape)
        self.covariance = _covariance  # None means the identity
        self.offset = _offset
        self._data = _data

    @classmethod
    def from_data(cls, X, Y):
        """Least squares on data: ``ℓ(W) = ‖W X − Y‖_F²`` with ``X`` of shape ``d_0 × N``.

        Raises :class:`SingularDataError` when ``X Xᵀ`` is singular (the
        reduction to a squared distance needs it invertible).

        Examples
        --------
        >>> loss = QuadraticLoss.from_data([[1, 0, 1], [0, 1, 1]], [[1, 2, 3]])
        >>> loss.value([[1, 2]])
        0
        >>> loss.target
        Matrix([[1, 2]])
        """
        Xm = as_matrix(X, "X")
        Ym = as_matrix(Y, "Y")
        _check_data(Xm, "X")
        _check_data(Ym, "Y")
        if Xm.shape[1] != Ym.shape[1]:
            raise ShapeError(f"X has {Xm.shape[1]} samples (columns) and Y has {Ym.shape[1]}; expected the same number")
        rep = representation_of(Xm, Ym)
        Xm, Ym = rep.convert(Xm), rep.convert(Ym)
        Sigma = Xm @ Xm.T
        rk, d = rep.rank(Sigma), Sigma.shape[0]
        if rk < d:
            which = "rank" if rep.exact else "numerical rank"
            raise SingularDataError(f"X X^T ({d}x{d}) is singular ({which} {rk}); expected full rank {d}: X must "
                                    f"have {d} linearly independent rows")
        Uhat = rep.solve(Sigma, (Ym @ Xm.T).T).T  # Y Xᵀ Σ⁻¹, Σ symmetric
        offset = rep.sum_squares(Ym) - rep.trace(Uhat @ Sigma @ Uhat.T)
        return cls(Uhat, _covariance=Sigma, _offset=offset, _data=(Xm, Ym))

    @property
    def is_exact(self):
        return is_exact_matrix(self.target)

    @property
    def data(self):
        """``(X, Y)`` for the data form, else ``None``."""
        return self._data

    def gram_matrix(self):
        """``Û Σ Ûᵀ`` (``U Uᵀ`` without data): its eigenvalues are the squared singular values."""
        U = self.target
        return U @ U.T if self.covariance is None else U @ self.covariance @ U.T

    def _value(self, W):
        rep = representation_of(W)
        if self._data is not None:
            X, Y = self._data
            return rep.sum_squares(W @ rep.convert(X) - rep.convert(Y))
        return rep.sum_squares(W - rep.convert(self.target))

    def _gradient(self, W):
        rep = representation_of(W)
        D = W - rep.convert(self.target)
        return 2 * D if self.covariance is None else 2 * D @ rep.convert(self.covariance)

    def _hessian(self, W):
        rep = representation_of(W)
        m, n = self.shape
        S = rep.eye(n) if self.covariance is None else rep.convert(self.covariance)
        return 2 * rep.kron(rep.eye(m), S)

    def describe(self):
        if self._data is not None:
            return f"least squares ||W X - Y||_F^2 on {self._data[0].shape[1]} samples"
        return "squared distance ||W - U||_F^2"

    def __repr__(self):
        if self._data is not None:
            return f"QuadraticLoss.from_data(X: {self._data[0].shape}, Y: {self._data[1].shape})"
        return f"QuadraticLoss(target={self.target.tolist()})"

    def _latex(self, printer=None):
        if self._data is not None:
            return r"\ell(W) = \|W X - Y\|_F^2"
        return rf"\ell(W) = \|W - U\|_F^2,\quad U = {sympy.latex(sympy.Matrix(self.target))}"

    def _repr_latex_(self):
        return f"${self._latex()}$"

    def to_dict(self):
        """Plain-data description (JSON-ready)."""
        return {"type": "quadratic", "description": self.describe(), "target": _str_rows(self.target)}


def _str_rows(M):
    return [[str(x) for x in row] for row in M.tolist()]


class WeightedQuadraticLoss(Loss):
    """Entrywise weighted squared distance ``ℓ(W) = Σ_ij w_ij (W_ij − U_ij)²``.

    Parameters
    ----------
    target : matrix
        ``U``.
    weights : matrix
        ``(w_ij)`` of the shape of ``U``, entrywise positive.  Unit weights
        give :class:`QuadraticLoss`; generic weights break unitary invariance,
        so no closed form for the critical points exists and non-filling
        architectures can have bad local minima (TKB2020).  For generic
        weights the number of complex critical points on a determinantal
        variety is its weighted ED degree (DHOST2016).

    Exact target and weights keep every computation exact; a float in either
    selects the numeric path.

    Examples
    --------
    >>> loss = WeightedQuadraticLoss([[1, 0], [0, 1]], [[1, 2], [3, 4]])
    >>> loss.value([[0, 0], [0, 0]])
    5
    >>> loss.gradient([[0, 1], [0, 0]])
    Matrix([
    [-2, 4],
    [ 0, -8]])
    >>> loss.hessian([[0, 0], [0, 0]]).diagonal()
    Matrix([[2, 4, 6, 8]])
    """

    is_convex = True

    def __init__(self, target, weights):
        U = as_matrix(target, "target")
        w = as_matrix(weights, "weights", shape=tuple(U.shape))
        _check_data(U, "target")
        _check_data(w, "weights")
        rep = representation_of(U, w)
        U, w = rep.convert(U), rep.convert(w)
        rows, cols = U.shape
        for i in range(rows):
            for j in range(cols):
                if not (w[i, j] > 0):
                    raise DegenerateDataError(
                        f"weights: expected entrywise positive weights; received w[{i},{j}] = {w[i, j]}")
        self.target = U
        self.weights = w
        self.shape = (rows, cols)

    @property
    def is_exact(self):
        return is_exact_matrix(self.target)

    def _value(self, W):
        rep = representation_of(W)
        D = W - rep.convert(self.target)
        return rep.total(rep.multiply(rep.multiply(rep.convert(self.weights), D), D))

    def _gradient(self, W):
        rep = representation_of(W)
        return 2 * rep.multiply(rep.convert(self.weights), W - rep.convert(self.target))

    def _hessian(self, W):
        rep = representation_of(W)
        return 2 * rep.diag(rep.entries(rep.convert(self.weights)))

    def describe(self):
        return "weighted squared distance sum_ij w_ij (W_ij - U_ij)^2"

    def __repr__(self):
        return f"WeightedQuadraticLoss(target={self.target.tolist()}, weights={self.weights.tolist()})"

    def _latex(self, printer=None):
        U, w = sympy.Matrix(self.target), sympy.Matrix(self.weights)
        return (rf"\ell(W) = \sum_{{i,j}} w_{{ij}} (W_{{ij}} - U_{{ij}})^2,\quad U = {sympy.latex(U)},"
                rf"\quad w = {sympy.latex(w)}")

    def _repr_latex_(self):
        return f"${self._latex()}$"

    def to_dict(self):
        """Plain-data description (JSON-ready)."""
        return {"type": "weighted", "description": self.describe(),
                "target": _str_rows(self.target), "weights": _str_rows(self.weights)}


class MatrixSensingLoss(Loss):
    """Matrix sensing ``ℓ(W) = Σ_k (⟨A_k, W⟩ − b_k)²`` with ``⟨A, W⟩ = tr(Aᵀ W)``.

    Parameters
    ----------
    measurements : sequence of matrices
        ``A_1, …, A_K``, all of one shape (the shape of ``W``).
    values : sequence of numbers
        ``b_1, …, b_K``.

    ℓ is a convex quadratic (its Hessian ``2 Σ_k vec(A_k) vec(A_k)ᵀ`` is
    positive semidefinite), strictly convex iff the ``A_k`` span all matrices.

    Examples
    --------
    >>> loss = MatrixSensingLoss([[[1, 0], [0, 0]], [[0, 1], [1, 0]]], [1, 2])
    >>> loss.value([[1, 1], [1, 0]])
    0
    >>> loss.gradient([[0, 0], [0, 0]])
    Matrix([
    [-2, -4],
    [-4,  0]])
    """

    is_convex = True

    def __init__(self, measurements, values):
        if isinstance(measurements, (str, bytes)) or not hasattr(measurements, "__len__"):
            raise InputTypeError(
                f"measurements: expected a sequence of matrices A_k; received {type(measurements).__name__}")
        if isinstance(measurements, np.ndarray) and measurements.ndim == 2:
            raise InputTypeError(
                f"measurements: expected a sequence of matrices A_k; received one 2-D array of shape {measurements.shape}")
        if len(measurements) == 0:
            raise ShapeError("measurements: expected at least one matrix A_k; received an empty sequence")
        A = [as_matrix(a, f"measurements[{k}]") for k, a in enumerate(measurements)]
        shape = tuple(A[0].shape)
        for k, a in enumerate(A):
            if tuple(a.shape) != shape:
                raise ShapeError(f"measurements[{k}] has shape {tuple(a.shape)}; expected {shape} (the shape of A_0)")
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
            raise InputTypeError(f"values: expected a sequence of numbers b_k; received {type(values).__name__}")
        if len(values) != len(A):
            raise ShapeError(f"values: expected {len(A)} numbers (one per measurement); received {len(values)}")
        b = as_matrix([list(values)], "values")
        for k, a in enumerate(A):
            _check_data(a, f"measurements[{k}]")
        _check_data(b, "values")
        rep = representation_of(b, *A)
        A = [rep.convert(a) for a in A]
        b = rep.convert(b)
        self.measurements = A
        self.values = b
        self.shape = shape

    @property
    def is_exact(self):
        return is_exact_matrix(self.values)

    def _residuals(self, W):
        """``(⟨A_k, W⟩ − b_k)_k`` as a column in the representation of ``W``."""
        rep = representation_of(W)
        return rep.matrix(len(self.measurements), 1, [rep.total(rep.multiply(rep.convert(a), W)) - bk for a, bk in
                                                       zip(self.measurements, rep.entries(rep.convert(self.values)))])

    def _value(self, W):
        return representation_of(W).sum_squares(self._residuals(W))

    def _gradient(self, W):
        rep = representation_of(W)
        G = rep.zeros(*self.shape)
        for rk, a in zip(rep.entries(self._residuals(W)), self.measurements):
            G += 2 * rk * rep.convert(a)
        return G

    def _hessian(self, W):
        rep = representation_of(W)
        n = self.shape[0] * self.shape[1]
        H = rep.zeros(n, n)
        for a in self.measurements:
            v = rep.reshape(rep.convert(a), n, 1)
            H += 2 * (v @ v.T)
        return H

    def describe(self):
        return f"matrix sensing sum_k (<A_k, W> - b_k)^2 with {len(self.measurements)} measurements"

    def __repr__(self):
        return (f"MatrixSensingLoss(measurements={[a.tolist() for a in self.measurements]}, "
                f"values={self.values.tolist()[0]})")

    def _latex(self, printer=None):
        return rf"\ell(W) = \sum_{{k=1}}^{{{len(self.measurements)}}} (\langle A_k, W\rangle - b_k)^2"

    def _repr_latex_(self):
        return f"${self._latex()}$"

    def to_dict(self):
        """Plain-data description (JSON-ready)."""
        return {"type": "matrix_sensing", "description": self.describe(),
                "measurements": [_str_rows(a) for a in self.measurements],
                "values": [str(x) for x in self.values.tolist()[0]]}
