"""The two matrix representations of the library, exact and float, behind one small interface.

Every computation of the library runs in one of two representations, chosen
once from its inputs:

* **exact** — :class:`sympy.Matrix` with exact entries (integers, rationals,
  algebraic numbers); decisions are exact (``x == 0``, exact rank);
* **float** — ``numpy.ndarray`` of ``float64``; decisions use a tolerance
  relative to the data's scale (singular values below ``tol · max(shape) ·
  σ_1`` count as zero, a matrix is zero when its norm is below a bound the
  caller states relative to its data).

:func:`representation_of` picks the representation of a set of matrices
(exact iff all are exact), :func:`representation` the one a flag asks for;
both return one of the two instances :data:`EXACT` and :data:`FLOAT` of the
:class:`Representation` protocol.  Code written against the protocol runs
unchanged on both: build (:meth:`~Representation.eye`,
:meth:`~Representation.zeros`, :meth:`~Representation.matrix`,
:meth:`~Representation.vector`, …), convert
(:meth:`~Representation.convert`), combine (``@`` is the matrix product of
both, :meth:`~Representation.kron`, :meth:`~Representation.multiply`, …) and
decide (:meth:`~Representation.rank`, :meth:`~Representation.is_zero`,
:meth:`~Representation.null_space`).

Exact results stay exact: rational entries in give rational entries out.

Examples
--------
>>> import sympy, numpy as np
>>> A = sympy.Matrix([[1, 2], [2, 4]])
>>> rep = representation_of(A)
>>> rep.name, rep.rank(A), rep.solve(sympy.Matrix([[2, 0], [0, 4]]), A)
('exact', 1, Matrix([
[1/2, 1],
[1/2, 1]]))
>>> frep = representation_of(A, np.eye(2))   # one float input: the float representation
>>> frep.name, frep.rank(frep.convert(A))
('float', 1)

Nothing here knows about networks or losses.
"""

from __future__ import annotations

import functools
import numbers
from fractions import Fraction
from typing import Protocol, runtime_checkable

import numpy as np
import sympy
from sympy.polys.matrices import DomainMatrix

from ..exceptions import AssumptionError, ExactInputRequiredError, InputTypeError, NonFiniteError

__all__ = [
    "Representation", "ExactRepresentation", "FloatRepresentation", "EXACT", "FLOAT",
    "representation_of", "representation",
    "is_exact_matrix", "to_float", "to_domain_matrix", "rank", "convert_entry", "check_tol", "DEFAULT_TOL",
]

#: Default relative tolerance of the numeric path: singular values below
#: ``DEFAULT_TOL * max(shape) * sigma_max`` count as zero.
DEFAULT_TOL = 1e-9


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_tol(tol, name: str = "tol") -> float:
    """Validate a relative tolerance: a real number with ``0 < tol < 1``.

    Raises :class:`InputTypeError` for non-numbers (bools, strings, None),
    :class:`NonFiniteError` for NaN/inf and :class:`AssumptionError` for
    values outside ``(0, 1)`` (the numeric guarantees are stated relative to
    the data's scale and need a positive tolerance below 1).

    Examples
    --------
    >>> check_tol(1e-9)
    1e-09
    >>> check_tol(-1)
    Traceback (most recent call last):
    ...
    linnet_geometry.exceptions.AssumptionError: tol: expected a relative tolerance 0 < tol < 1; received -1
    """
    if isinstance(tol, (bool, np.bool_)) or not isinstance(tol, (numbers.Real, np.integer, np.floating)):
        raise InputTypeError(f"{name}: expected a real number 0 < {name} < 1; received {_describe(tol)} "
                             f"of type {type(tol).__name__}")
    val = float(tol)
    if not np.isfinite(val):
        raise NonFiniteError(f"{name}: expected a finite relative tolerance 0 < {name} < 1; received {tol!r}")
    if not 0.0 < val < 1.0:
        raise AssumptionError(f"{name}: expected a relative tolerance 0 < {name} < 1; received {tol!r}")
    return val


def convert_entry(x, name):
    """Return ``(entry, exact)`` for one matrix entry, or raise a typed error.

    Parameters
    ----------
    x : int, Fraction, float, numpy scalar or sympy number
        The entry.  Text is never parsed here (``InputTypeError``).
    name : str
        Name of the matrix in error messages.

    Returns
    -------
    entry : sympy Rational/algebraic number, or float
    exact : bool
        ``True`` for an exact entry, ``False`` for a float (which selects the numeric path).

    Raises
    ------
    InputTypeError
        bools, strings, complex numbers, symbols.
    NonFiniteError
        ``nan`` or ``inf``.

    Examples
    --------
    >>> from fractions import Fraction
    >>> convert_entry(Fraction(1, 3), "target")
    (1/3, True)
    >>> convert_entry(0.5, "target")
    (0.5, False)
    """
    if isinstance(x, (bool, np.bool_)):
        raise InputTypeError(f"{name} has a bool entry {x!r}; expected a number")
    if isinstance(x, str):
        raise InputTypeError(f"{name} has a string entry {x!r}; expected a number")
    if isinstance(x, (numbers.Integral, np.integer)):
        return sympy.Integer(int(x)), True
    if isinstance(x, Fraction):
        return sympy.Rational(x.numerator, x.denominator), True
    if isinstance(x, (float, np.floating)):
        if not np.isfinite(x):
            raise NonFiniteError(f"{name} contains {x!r}; expected finite numbers")
        return float(x), False
    if isinstance(x, (complex, np.complexfloating)):
        raise InputTypeError(f"{name} has a complex entry {x!r}; expected a real number")
    if isinstance(x, sympy.Basic):
        if x.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
            raise NonFiniteError(f"{name} contains {x}; expected finite numbers")
        if not x.is_number:
            raise InputTypeError(f"{name} has a symbolic entry {x}; expected a number")
        if x.has(sympy.Float):
            val = float(x)
            return val, False
        if x.is_real is False:
            raise InputTypeError(f"{name} has a non-real entry {x}; expected a real number")
        return x, True
    raise InputTypeError(f"{name} has an entry of type {type(x).__name__} ({_describe(x)}); expected a number")


def is_exact_matrix(M) -> bool:
    """True for a sympy Matrix (exact representation), False otherwise (float representation)."""
    return isinstance(M, sympy.MatrixBase)


def to_domain_matrix(M) -> DomainMatrix:
    """Exact DomainMatrix of a sympy Matrix (over ZZ, QQ or an algebraic field)."""
    dm = DomainMatrix.from_Matrix(M)
    if dm.domain.is_ZZ:
        dm = dm.convert_to(sympy.QQ)
    return dm


@runtime_checkable
class Representation(Protocol):
    """The operations the library needs from a matrix representation (:data:`EXACT` or :data:`FLOAT`).

    Matrices of either representation multiply with ``@`` and transpose with
    ``.T``; everything else that differs between sympy and numpy goes through
    these methods.  Numbers returned by :meth:`total`, :meth:`sum_squares`,
    :meth:`trace`, :meth:`det` are exact sympy numbers or Python floats;
    :meth:`norm` is always a Python float (a magnitude for reports and
    bounds, never an exact decision).

    Attributes
    ----------
    exact : bool
        ``True`` for the exact representation.
    name : str
        ``"exact"`` or ``"float"``.
    """

    exact: bool
    name: str

    def convert(self, M):
        """``M`` (a matrix of either representation, or nested numbers) in this representation."""

    def matrix(self, rows: int, cols: int, entries):
        """A ``rows × cols`` matrix from its entries in row-major order."""

    def vector(self, entries):
        """A flat vector (a parameter vector θ) from its entries.

        Exact: an immutable ``n × 1`` sympy column; float: a 1-D ``float64`` array,
        which ``@`` treats as a column.  Empty entries give a ``0 × 1`` column / a
        length-0 array, so ``M @ vector([])`` is the zero vector for ``M`` with no columns.
        """

    def eye(self, n: int):
        """The ``n × n`` identity."""

    def zeros(self, rows: int, cols: int):
        """The ``rows × cols`` zero matrix."""

    def ones(self, rows: int, cols: int):
        """The ``rows × cols`` matrix of ones."""

    def diag(self, entries):
        """The diagonal matrix with the given entries."""

    def entries(self, M) -> list:
        """The entries of ``M`` as a list, row-major."""

    def reshape(self, M, rows: int, cols: int):
        """``M`` reshaped row-major."""

    def hstack(self, *mats):
        """Matrices side by side."""

    def vstack(self, *mats):
        """Matrices on top of each other."""

    def product(self, mats, size: int):
        """``mats[-1] ⋯ mats[0]`` (input-first order); the identity of side ``size`` when empty."""

    def block(self, rows):
        """The block matrix with the given rows of blocks (shapes matching)."""

    def kron(self, A, B):
        """The Kronecker product ``A ⊗ B``."""

    def khatri_rao(self, A, B):
        """The column-wise Kronecker product: column j is ``A[:, j] ⊗ B[:, j]``."""

    def multiply(self, A, B):
        """The entrywise (Hadamard) product."""

    def immutable(self, M):
        """A read-only copy of ``M`` (for frozen dataclasses)."""

    def total(self, M):
        """The sum of the entries."""

    def sum_squares(self, M):
        """``‖M‖_F²``."""

    def norm(self, *mats) -> float:
        """The Frobenius norm of all entries of ``mats`` together, as a Python float."""

    def trace(self, M):
        """The trace."""

    def det(self, M):
        """The determinant (1 for a ``0 × 0`` matrix)."""

    def solve(self, A, B):
        """``X`` with ``A X = B`` for an invertible square ``A``."""

    def number(self, x):
        """A scalar result in this representation: an exact number multiplied out, or a Python float."""

    def plain(self, x):
        """JSON-ready form of a number: its exact text, or a float."""

    def sqrt(self, x):
        """``√x`` of a number ``x ≥ 0``: exact (``sympy.sqrt``), or a float (a rounding-negative ``x`` counts as 0)."""

    def rank(self, M, tol: float = DEFAULT_TOL) -> int:
        """The rank: exact, or singular values above ``tol · max(shape) · σ_1``."""

    def null_space(self, M, tol: float = DEFAULT_TOL, left: bool = False) -> list:
        """A basis of ``{x : M x = 0}`` (``{x : xᵀ M = 0}`` when ``left``) as column vectors."""

    def is_zero(self, *mats, bound: float = 0.0) -> bool:
        """Whether the matrices vanish: exactly, or with :meth:`norm` at most ``bound``."""


class ExactRepresentation:
    """sympy matrices with exact entries; every decision exact.

    Examples
    --------
    >>> EXACT.kron(EXACT.eye(2), sympy.Matrix([[sympy.Rational(1, 2)]]))
    Matrix([
    [1/2,   0],
    [  0, 1/2]])
    >>> EXACT.is_zero(sympy.zeros(2, 2), sympy.Matrix([[0]]))
    True
    >>> EXACT.null_space(sympy.Matrix([[1, 1]]))
    [Matrix([
    [-1],
    [ 1]])]
    """

    exact = True
    name = "exact"

    def __repr__(self):
        return "EXACT"

    def convert(self, M):
        if isinstance(M, sympy.MatrixBase):
            return M
        arr = np.asarray(M, dtype=object)
        if arr.ndim == 1:
            arr = arr.reshape(1, -1)
        converted = [convert_entry(x, "matrix") for x in arr.ravel()]
        floats = [x for x, is_exact_entry in converted if not is_exact_entry]
        if floats:
            raise ExactInputRequiredError(f"matrix has the float entry {floats[0]!r}; expected exact numbers (int, "
                                          "fractions.Fraction, sympy.Rational) for the exact representation")
        return sympy.Matrix(arr.shape[0], arr.shape[1], [x for x, _ in converted])

    def matrix(self, rows, cols, entries):
        return sympy.Matrix(rows, cols, list(entries))

    def vector(self, entries):
        entries = list(entries)
        return sympy.ImmutableMatrix(len(entries), 1, entries)

    def eye(self, n):
        return sympy.eye(n)

    def zeros(self, rows, cols):
        return sympy.zeros(rows, cols)

    def ones(self, rows, cols):
        return sympy.ones(rows, cols)

    def diag(self, entries):
        return sympy.diag(*[convert_entry(x, "diagonal")[0] if isinstance(x, np.generic) else x for x in entries])

    def entries(self, M):
        return list(M)

    def reshape(self, M, rows, cols):
        return M.reshape(rows, cols)

    def hstack(self, *mats):
        return sympy.Matrix.hstack(*mats)

    def vstack(self, *mats):
        return sympy.Matrix.vstack(*mats)

    def product(self, mats, size):
        return _product(mats, size, self)

    def block(self, rows):
        return sympy.Matrix.vstack(*[sympy.Matrix.hstack(*row) for row in rows])

    def kron(self, A, B):  # blocks A[a, b]·B: sympy scales a whole matrix at once (DomainMatrix)
        return self.block([[A[a, b] * B for b in range(A.cols)] for a in range(A.rows)])

    def khatri_rao(self, A, B):
        a, b = A.tolist(), B.tolist()
        return sympy.Matrix(A.rows * B.rows, A.cols, [x * y for ra in a for rb in b for x, y in zip(ra, rb)])

    def multiply(self, A, B):
        return A.multiply_elementwise(B)

    def immutable(self, M):
        return sympy.ImmutableMatrix(M)

    def total(self, M):
        return sum(M)

    def sum_squares(self, M):
        return sum(x**2 for x in M)

    def norm(self, *mats):
        return float(sympy.sqrt(sum(x**2 for M in mats for x in M)).evalf(20))

    def trace(self, M):
        return M.trace()

    def det(self, M):
        return M.det()

    def solve(self, A, B):
        return A.solve(B)

    def number(self, x):
        return sympy.expand(x)

    def sqrt(self, x):
        return sympy.sqrt(x)

    def plain(self, x):
        return str(x)

    def rank(self, M, tol=DEFAULT_TOL):
        if M.rows == 0 or M.cols == 0:
            return 0
        return int(to_domain_matrix(M).rank())

    def null_space(self, M, tol=DEFAULT_TOL, left=False):
        return (M.T if left else M).nullspace()

    def is_zero(self, *mats, bound=0.0):
        return all(x == 0 for M in mats for x in M)


class FloatRepresentation:
    """``float64`` arrays; decisions relative to a stated scale.

    Examples
    --------
    >>> FLOAT.rank(np.diag([1.0, 1e-12]), tol=1e-9)
    1
    >>> FLOAT.is_zero(np.array([[1e-12]]), bound=1e-9), FLOAT.is_zero(np.array([[1e-3]]), bound=1e-9)
    (True, False)
    >>> FLOAT.convert(sympy.Matrix([[sympy.Rational(1, 4)]]))
    array([[0.25]])
    """

    exact = False
    name = "float"

    def __repr__(self):
        return "FLOAT"

    def convert(self, M):
        if isinstance(M, sympy.MatrixBase):
            return np.array(M.evalf(30).tolist(), dtype=float)
        return np.asarray(M, dtype=float)

    def matrix(self, rows, cols, entries):
        return np.array([float(x) for x in entries], dtype=np.float64).reshape(rows, cols)

    def vector(self, entries):
        return np.array([float(x) for x in entries], dtype=np.float64)

    def eye(self, n):
        return np.eye(n)

    def zeros(self, rows, cols):
        return np.zeros((rows, cols))

    def ones(self, rows, cols):
        return np.ones((rows, cols))

    def diag(self, entries):
        return np.diag(np.array([float(x) for x in entries], dtype=float))

    def entries(self, M):
        return np.ravel(M).tolist()

    def reshape(self, M, rows, cols):
        return np.reshape(M, (rows, cols))

    def hstack(self, *mats):
        return np.hstack(mats)

    def vstack(self, *mats):
        return np.vstack(mats)

    def product(self, mats, size):
        return _product(mats, size, self)

    def block(self, rows):
        return np.block([list(row) for row in rows])

    def kron(self, A, B):
        return np.kron(A, B)

    def khatri_rao(self, A, B):
        return np.einsum("ij,kj->ikj", A, B).reshape(A.shape[0] * B.shape[0], A.shape[1])

    def multiply(self, A, B):
        return A * B

    def immutable(self, M):
        out = np.array(M, dtype=float)
        out.setflags(write=False)
        return out

    def total(self, M):
        return float(np.sum(M))

    def sum_squares(self, M):
        return float(np.sum(M * M))

    def norm(self, *mats):
        return float(np.sqrt(sum(float(np.sum(M * M)) for M in mats)))

    def trace(self, M):
        return float(np.trace(M))

    def det(self, M):
        return float(np.linalg.det(M)) if np.size(M) else 1.0

    def solve(self, A, B):
        return np.linalg.solve(A, B)

    def number(self, x):
        return float(x)

    def sqrt(self, x):
        return float(np.sqrt(max(x, 0.0)))

    def plain(self, x):
        return float(x)

    def rank(self, M, tol=DEFAULT_TOL):
        tol = check_tol(tol)
        A = np.asarray(M, dtype=float)
        if A.size == 0:
            return 0
        s = np.linalg.svd(A, compute_uv=False)
        if s.size == 0 or s[0] == 0:
            return 0
        return int(np.sum(s > tol * max(A.shape) * s[0]))

    def null_space(self, M, tol=DEFAULT_TOL, left=False):
        A = np.asarray(M, dtype=float)
        U, s, Vt = np.linalg.svd(A)
        k = int(np.sum(s > tol * max(A.shape) * (s[0] if s.size and s[0] > 0 else 1.0))) if s.size else 0
        if left:
            return [U[:, j:j + 1] for j in range(k, A.shape[0])]
        return [Vt[j:j + 1, :].T for j in range(k, A.shape[1])]

    def is_zero(self, *mats, bound=0.0):
        return self.norm(*mats) <= bound


def _product(mats, size, rep):
    mats = list(mats)
    if not mats:
        return rep.eye(size)
    return functools.reduce(lambda P, M: M @ P, mats[1:], mats[0])


#: The exact representation (sympy matrices).
EXACT = ExactRepresentation()
#: The float representation (float64 arrays).
FLOAT = FloatRepresentation()


def representation(exact: bool) -> Representation:
    """:data:`EXACT` when ``exact`` is true, else :data:`FLOAT` (the representation a flag asks for).

    Parameters
    ----------
    exact : bool

    Returns
    -------
    Representation

    Examples
    --------
    >>> representation(True), representation(False)
    (EXACT, FLOAT)
    """
    return EXACT if exact else FLOAT


def representation_of(*matrices, exact: bool = True) -> Representation:
    """The representation of a computation on ``matrices``: exact iff every one is exact (and ``exact``).

    Parameters
    ----------
    *matrices : sympy Matrix, numpy array, nested sequence or None
        The inputs of the computation; ``None`` is ignored.  A sympy Matrix
        counts as exact, anything else as float.
    exact : bool, default True
        ``False`` forces the float representation (e.g. for a loss whose data
        are floats).

    Returns
    -------
    Representation
        :data:`EXACT` or :data:`FLOAT`.

    Examples
    --------
    >>> representation_of(sympy.eye(2), sympy.Matrix([[1]]))
    EXACT
    >>> representation_of(sympy.eye(2), np.eye(2)), representation_of(sympy.eye(2), exact=False)
    (FLOAT, FLOAT)
    """
    return representation(exact and all(isinstance(M, sympy.MatrixBase) for M in matrices if M is not None))


def to_float(M) -> np.ndarray:
    """A float array of a sympy Matrix (entries evaluated to 30 digits first) or of an array-like.

    >>> to_float(sympy.Matrix([[sympy.sqrt(2), sympy.Rational(1, 3)]]))
    array([[1.41421356, 0.33333333]])
    """
    return FLOAT.convert(M)


def rank(M, tol: float = DEFAULT_TOL) -> int:
    """Rank of a matrix: exact for sympy input, SVD with relative tolerance ``tol`` for arrays.

    Examples
    --------
    >>> rank(sympy.Matrix([[1, 2], [2, 4]]))
    1
    """
    return representation_of(M).rank(M, tol)
