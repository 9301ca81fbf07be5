"""Quadratic losses on matrices: squared distance (and least squares), weighted distance, matrix sensing.

Each is a :class:`~linnet_geometry.model.losses.base.Loss`; exact data keep
every value, gradient and Hessian exact.
"""

from __future__ import annotations

import numpy as np
import sympy

from ...exact.matrix import as_matrix, is_exact_matrix, rank, to_float
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
        exact = is_exact_matrix(Xm) and is_exact_matrix(Ym)
        if not exact:
            Xm, Ym = to_float(Xm), to_float(Ym)
            Sigma = Xm @ Xm.T
            if rank(Sigma) < Sigma.shape[0]:
                raise SingularDataError(
                    f"X X^T ({Sigma.shape[0]}x{Sigma.shape[0]}) is singular (numerical rank {rank(Sigma)}); expected "
                    f"full rank {Sigma.shape[0]}: X must have {Sigma.shape[0]} linearly independent rows")
            Uhat = np.linalg.solve(Sigma, (Ym @ Xm.T).T).T
            offset = float(np.sum(Ym * Ym) - np.trace(Uhat @ Sigma @ Uhat.T))
        else:
            Sigma = Xm * Xm.T
            rk = rank(Sigma)
            if rk < Sigma.rows:
                raise SingularDataError(
                    f"X X^T ({Sigma.rows}x{Sigma.rows}) is singular (rank {rk}); expected full rank {Sigma.rows}: "
                    f"X must have {Sigma.rows} linearly independent rows")
            Uhat = Ym * Xm.T * Sigma.inv()
            offset = sum(y**2 for y in Ym) - (Uhat * Sigma * Uhat.T).trace()
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
        if self.covariance is None:
            return U * U.T if self.is_exact else U @ U.T
        return U * self.covariance * U.T if self.is_exact else U @ self.covariance @ U.T

    def _value(self, W):
        if self._data is not None:
            X, Y = self._data
            if is_exact_matrix(W):
                R = W * X - Y
                return sum(x**2 for x in R)
            R = W @ to_float(X) - to_float(Y)
            return float(np.sum(R * R))
        if is_exact_matrix(W):
            return sum(x**2 for x in (W - self.target))
        D = W - to_float(self.target)
        return float(np.sum(D * D))

    def _gradient(self, W):
        if is_exact_matrix(W):
            D = W - self.target
            return 2 * D if self.covariance is None else 2 * D * self.covariance
        D = W - to_float(self.target)
        return 2 * D if self.covariance is None else 2 * D @ to_float(self.covariance)

    def _hessian(self, W):
        m, n = self.shape
        if is_exact_matrix(W):
            S = sympy.eye(n) if self.covariance is None else self.covariance
            return 2 * sympy.diag(*([S] * m))
        S = np.eye(n) if self.covariance is None else to_float(self.covariance)
        return 2 * np.kron(np.eye(m), S)

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
        U = self.target if self.is_exact else sympy.Matrix(self.target)
        return rf"\ell(W) = \|W - U\|_F^2,\quad U = {sympy.latex(U)}"

    def _repr_latex_(self):
        return f"${self._latex()}$"

    def to_dict(self):
        """Plain-data description (JSON-ready)."""
        T = self.target
        return {"type": "quadratic", "description": self.describe(),
                "target": [[str(x) for x in row] for row in (T.tolist() if self.is_exact else T.tolist())]}


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
        exact = is_exact_matrix(U) and is_exact_matrix(w)
        if not exact:
            U, w = to_float(U), to_float(w)
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

    def _diff(self, W):
        if is_exact_matrix(W):
            return W - self.target
        return W - to_float(self.target)

    def _value(self, W):
        D = self._diff(W)
        if is_exact_matrix(W):
            return sum(w * d**2 for w, d in zip(self.weights, D))
        return float(np.sum(to_float(self.weights) * D * D))

    def _gradient(self, W):
        D = self._diff(W)
        if is_exact_matrix(W):
            return 2 * self.weights.multiply_elementwise(D)
        return 2 * to_float(self.weights) * D

    def _hessian(self, W):
        if is_exact_matrix(W):
            return 2 * sympy.diag(*list(self.weights))
        return 2 * np.diag(np.ravel(to_float(self.weights)))

    def describe(self):
        return "weighted squared distance sum_ij w_ij (W_ij - U_ij)^2"

    def __repr__(self):
        return f"WeightedQuadraticLoss(target={self.target.tolist()}, weights={self.weights.tolist()})"

    def _latex(self, printer=None):
        U = self.target if self.is_exact else sympy.Matrix(self.target)
        w = self.weights if self.is_exact else sympy.Matrix(self.weights)
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
        exact = is_exact_matrix(b) and all(is_exact_matrix(a) for a in A)
        if not exact:
            A = [to_float(a) for a in A]
            b = to_float(b)
        self.measurements = A
        self.values = b
        self.shape = shape

    @property
    def is_exact(self):
        return is_exact_matrix(self.values)

    def _residuals(self, W):
        if is_exact_matrix(W):
            return [sum(x * y for x, y in zip(a, W)) - bk for a, bk in zip(self.measurements, self.values)]
        return [float(np.sum(to_float(a) * W)) - float(bk)
                for a, bk in zip(self.measurements, np.ravel(to_float(self.values)))]

    def _value(self, W):
        r = self._residuals(W)
        return sum(x**2 for x in r) if is_exact_matrix(W) else float(sum(x * x for x in r))

    def _gradient(self, W):
        r = self._residuals(W)
        if is_exact_matrix(W):
            G = sympy.zeros(*self.shape)
            for rk, a in zip(r, self.measurements):
                G += 2 * rk * a
            return G
        return sum(2 * rk * to_float(a) for rk, a in zip(r, self.measurements))

    def _hessian(self, W):
        n = self.shape[0] * self.shape[1]
        if is_exact_matrix(W):
            H = sympy.zeros(n, n)
            for a in self.measurements:
                v = sympy.Matrix(n, 1, list(a))
                H += 2 * v * v.T
            return H
        H = np.zeros((n, n))
        for a in self.measurements:
            v = np.ravel(to_float(a))
            H += 2 * np.outer(v, v)
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
