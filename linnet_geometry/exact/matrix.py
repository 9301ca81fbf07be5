"""Input conversion and the small exact/numeric linear-algebra kernel.

Everything that turns user input into matrices goes through :func:`as_matrix`,
so validation (shape, NaN/inf, floats where exact input is required, bools,
strings) happens once, at the public boundary, with typed errors.

Exact matrices are :class:`sympy.Matrix` objects whose entries are exact
numbers (integers, rationals, algebraic numbers); exact decisions (rank,
inertia) go through :class:`sympy.polys.matrices.DomainMatrix`.  Numeric
matrices are ``numpy.ndarray`` of ``float64``; numeric decisions use an
explicit tolerance.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import numpy as np
import sympy
from sympy.polys.matrices import DomainMatrix

from ..exceptions import (
    AssumptionError,
    ExactInputRequiredError,
    InputTypeError,
    NonFiniteError,
    ParseError,
    ShapeError,
)

__all__ = [
    "as_matrix",
    "convert_entry",
    "to_float",
    "parse_matrix",
    "is_exact_matrix",
    "rank",
    "inertia",
    "certified_inertia",
    "check_tol",
    "DEFAULT_TOL",
    "UNIT_ROUNDOFF",
]

#: Default relative tolerance of the numeric path: singular values below
#: ``DEFAULT_TOL * max(shape) * sigma_max`` count as zero.
DEFAULT_TOL = 1e-9

#: Unit roundoff ``u = 2^-53`` of IEEE double precision (Higham 2002, §2.2).
UNIT_ROUNDOFF = 2.0**-53


def gamma(k: int) -> float:
    """Higham's ``γ_k = k u / (1 − k u)``: ``|fl(AB) − AB| ≤ γ_k |A||B|`` for inner dimension k."""
    ku = k * UNIT_ROUNDOFF
    return ku / (1.0 - ku)


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


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


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


def parse_matrix(text: str, name: str = "matrix"):
    """Parse a matrix literal such as ``"5 1 0; 2 3 1; 0 1 2"``.

    Rows are separated by ``;`` or newlines, entries by spaces or commas.
    Entries may be integers, fractions ``p/q`` or decimals; decimals make the
    result numeric.

    Examples
    --------
    >>> parse_matrix("1 2; 3/4 0")
    Matrix([
    [  1, 2],
    [3/4, 0]])
    """
    if not isinstance(text, str):
        raise InputTypeError(f"{name}: expected a string, received {type(text).__name__}")
    rows = [r for r in text.replace("\n", ";").split(";") if r.strip()]
    if not rows:
        raise ParseError(f"{name}: expected a matrix like '1 2; 3 4', received {text!r}")
    parsed = []
    for row in rows:
        cells = [c for c in row.replace(",", " ").split() if c]
        entries = []
        for cell in cells:
            try:
                if any(ch in cell for ch in ".eE") or cell.lower() in ("nan", "inf", "-inf", "+inf"):
                    entries.append(float(cell))
                else:
                    entries.append(Fraction(cell))
            except (ValueError, ZeroDivisionError):
                raise ParseError(
                    f"{name}: expected numbers like '2', '3/4' or '0.5', received {cell!r} in {text!r}"
                ) from None
        parsed.append(entries)
    widths = {len(r) for r in parsed}
    if len(widths) != 1:
        raise ParseError(f"{name}: rows have different lengths {[len(r) for r in parsed]} in {text!r}; "
                         "expected rows of equal length")
    return as_matrix(parsed, name)


def as_matrix(value, name: str = "matrix", shape=None, exact=None):
    """Validate and convert ``value`` into an exact or a numeric matrix.

    Parameters
    ----------
    value : sympy Matrix, numpy array, nested sequence, or str
        The matrix.  A string is parsed by :func:`parse_matrix`.
    name : str
        Name used in error messages.
    shape : tuple of int, optional
        Required shape.
    exact : bool or None
        ``True``: exact input required (floats raise
        :class:`ExactInputRequiredError`); ``False``: convert to float64;
        ``None``: exact if every entry is exact, numeric otherwise.

    Returns
    -------
    sympy.Matrix or numpy.ndarray
        A sympy Matrix of exact entries, or a float64 array.

    Examples
    --------
    >>> as_matrix([[1, 2], [3, 4]], "U")
    Matrix([
    [1, 2],
    [3, 4]])
    >>> as_matrix([[0.5, 1]], "U").dtype
    dtype('float64')
    """
    if isinstance(value, str):
        value = parse_matrix(value, name)
    if isinstance(value, (sympy.MatrixBase,)):
        rows, cols = value.shape
        entries = list(value)
    else:
        if isinstance(value, np.ndarray):
            arr = value
        else:
            if isinstance(value, (numbers.Number, sympy.Basic)) and not isinstance(value, sympy.MatrixBase):
                raise ShapeError(f"{name}: expected a 2-D matrix, received the scalar {_describe(value)}")
            try:
                arr = np.array(value, dtype=object)
            except (ValueError, TypeError):
                raise ShapeError(f"{name}: expected a 2-D matrix (nested rows of equal length), received {_describe(value)}") from None
        if arr.ndim != 2:
            raise ShapeError(f"{name}: expected a 2-D matrix, received an array with {arr.ndim} dimension(s) and shape {arr.shape}")
        rows, cols = arr.shape
        if rows == 0 or cols == 0:
            raise ShapeError(f"{name} has shape {(rows, cols)}; expected a non-empty matrix")
        if arr.dtype.kind == "f":
            if not np.all(np.isfinite(arr)):
                raise NonFiniteError(f"{name} contains NaN or inf; expected finite numbers")
            if exact:
                raise ExactInputRequiredError(
                    f"{name} has float entries; expected exact numbers (int, fractions.Fraction, sympy.Rational). "
                    "Use the numeric path (numeric=True) for floats"
                )
            if shape is not None and (rows, cols) != tuple(shape):
                raise ShapeError(f"{name} has shape {(rows, cols)}; expected {tuple(shape)}")
            return arr.astype(np.float64)
        if arr.dtype.kind == "b":
            raise InputTypeError(f"{name} has bool entries; expected numbers")
        if arr.dtype.kind not in "iuO":
            raise InputTypeError(f"{name} has entries of dtype {arr.dtype}; expected numbers")
        entries = list(arr.ravel())
    if rows == 0 or cols == 0:
        raise ShapeError(f"{name} has shape {(rows, cols)}; expected a non-empty matrix")
    if shape is not None and (rows, cols) != tuple(shape):
        raise ShapeError(f"{name} has shape {(rows, cols)}; expected {tuple(shape)}")
    converted = [convert_entry(x, name) for x in entries]
    all_exact = all(e for _, e in converted)
    if exact is None:
        exact = all_exact
    if exact:
        if not all_exact:
            raise ExactInputRequiredError(
                f"{name} has float entries; expected exact numbers (int, fractions.Fraction, sympy.Rational). "
                "Use the numeric path (numeric=True) for floats"
            )
        return sympy.Matrix(rows, cols, [x for x, _ in converted])
    return np.array([float(x) for x, _ in converted], dtype=np.float64).reshape(rows, cols)


_convert_entry = convert_entry  # earlier private name, kept until callers outside exact/ use convert_entry


def is_exact_matrix(M) -> bool:
    """True for a sympy Matrix (exact path), False for a numpy array."""
    return isinstance(M, sympy.MatrixBase)


def to_float(M) -> np.ndarray:
    """A float array of a sympy Matrix (entries evaluated to 30 digits first) or of an array-like.

    >>> to_float(sympy.Matrix([[sympy.sqrt(2), sympy.Rational(1, 3)]]))
    array([[1.41421356, 0.33333333]])
    """
    if is_exact_matrix(M):
        return np.array(M.evalf(30).tolist(), dtype=float)
    return np.asarray(M, dtype=float)


def to_domain_matrix(M) -> DomainMatrix:
    """Exact DomainMatrix of a sympy Matrix (over ZZ, QQ or an algebraic field)."""
    dm = DomainMatrix.from_Matrix(M)
    if dm.domain.is_ZZ:
        dm = dm.convert_to(sympy.QQ)
    return dm


def rank(M, tol: float = DEFAULT_TOL) -> int:
    """Rank of a matrix: exact for sympy input, SVD with tolerance for arrays.

    Examples
    --------
    >>> import sympy
    >>> rank(sympy.Matrix([[1, 2], [2, 4]]))
    1
    """
    if is_exact_matrix(M):
        if M.rows == 0 or M.cols == 0:
            return 0
        return int(to_domain_matrix(M).rank())
    tol = check_tol(tol)
    A = np.asarray(M, dtype=float)
    if A.size == 0:
        return 0
    s = np.linalg.svd(A, compute_uv=False)
    if s.size == 0 or s[0] == 0:
        return 0
    return int(np.sum(s > tol * max(A.shape) * s[0]))


def _sign(x):
    """Exact sign of an exact real number; ``None`` when sympy cannot decide."""
    if x == 0:
        return 0
    if x.is_positive:
        return 1
    if x.is_negative:
        return -1
    return None


def _integer_multiple(H):
    """``d·H`` as a FLINT ``fmpz_mat`` (d > 0 the common denominator of the entries), or None when an entry is
    not rational."""
    import flint

    if not all(x.is_Rational for x in H):
        return None
    d = 1
    for x in H:
        d = math.lcm(d, int(x.q))
    return flint.fmpz_mat(H.rows, H.cols, [int(x.p) * (d // int(x.q)) for x in H])


def _rational_charpoly(H):
    """Coefficients (leading first) of the characteristic polynomial of ``d·H``, d > 0, or None.

    ``d`` is the common denominator of the entries, so ``d·H`` is an integer
    matrix with the same inertia as ``H``; FLINT's multimodular
    ``fmpz_mat.charpoly`` is far faster than a fraction-free elimination in
    Python.  ``None`` when an entry is not rational.
    """
    M = _integer_multiple(H)
    if M is None:
        return None
    cp = M.charpoly()
    coeffs = [sympy.Integer(int(c)) for c in reversed(cp.coeffs())]
    return coeffs + [sympy.Integer(0)] * (H.rows + 1 - len(coeffs))


def _rational_inertia_by_rank(H):
    """Exact inertia of a rational symmetric matrix from its exact rank and certified float eigenvalue counts.

    The rank ρ is exact (FLINT, integer matrix ``d·H``).  The float matrix
    ``fl(H)`` is within ``u|H|`` of H entrywise, so :func:`certified_inertia`
    gives certified counts of the eigenvalues of H beyond ``±b``; when these
    counts add up to ρ, every nonzero eigenvalue lies beyond ``±b`` and the
    inertia is exactly ``(pos, neg, n − ρ)``.  ``None`` (caller falls back to
    the characteristic polynomial) when an entry is not rational, does not fit
    in a float, or no band separates the spectrum.
    """
    M = _integer_multiple(H)
    if M is None:
        return None
    rho = int(M.rank())
    n = H.rows
    if rho == 0:
        return (0, 0, n)
    try:
        Hf = np.array([float(Fraction(int(x.p), int(x.q))) for x in H], dtype=float).reshape(n, n)
    except OverflowError:
        return None
    if not np.all(np.isfinite(Hf)):
        return None
    err = 2 * UNIT_ROUNDOFF * np.abs(Hf) + np.finfo(float).tiny
    top = float(np.max(np.abs(np.linalg.eigvalsh(Hf))))
    for rel in (1e-8, 1e-11, 1e-13):
        counts = certified_inertia(Hf, err, rel * top)
        if counts is not None and counts[0] + counts[1] == rho:
            return (counts[0], counts[1], n - rho)
    return None


def inertia(H, tol: float = DEFAULT_TOL):
    """Inertia ``(positive, negative, zero)`` of a symmetric matrix.

    Exact input: the characteristic polynomial is computed exactly (FLINT for
    rational entries) and, since all its roots are real, Descartes' rule of
    signs counts positive and negative roots exactly.  Numeric input:
    eigenvalues with ``|λ| <= tol · max|λ|`` count as zero (a threshold
    relative to the matrix's scale; see :func:`certified_inertia` for counts
    backed by a rounding-error bound).

    Returns ``None`` when exact signs cannot be decided (non-rational
    algebraic coefficients that sympy cannot sign).

    Examples
    --------
    >>> import sympy
    >>> inertia(sympy.Matrix([[0, -2], [-2, 0]]))
    (1, 1, 0)
    >>> inertia(np.diag([3e-20, -1e-20, 0.0]))
    (1, 1, 1)
    """
    shape = tuple(H.shape) if hasattr(H, "shape") else np.shape(H)
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ShapeError(f"inertia: expected a square symmetric matrix; received shape {shape}")
    tol = check_tol(tol)
    if is_exact_matrix(H):
        n = H.rows
        if n == 0:
            return (0, 0, 0)
        if H != H.T:  # Descartes' rule counts real roots only: it needs a symmetric matrix
            raise ShapeError("inertia: expected a square symmetric matrix; received a non-symmetric exact matrix")
        fast = _rational_inertia_by_rank(H)
        if fast is not None:
            return fast
        coeffs = _rational_charpoly(H)
        if coeffs is None:
            dm = to_domain_matrix(H)
            coeffs = [dm.domain.to_sympy(c) for c in dm.charpoly()]
        # trailing zero coefficients = multiplicity of the root 0
        zero = 0
        while coeffs and coeffs[-1] == 0:
            coeffs.pop()
            zero += 1
        signs = [_sign(c) for c in coeffs]
        if any(s is None for s in signs):
            return None
        def changes(seq):
            seq = [s for s in seq if s != 0]
            return sum(1 for a, b in zip(seq, seq[1:]) if a != b)
        pos = changes(signs)
        deg = len(coeffs) - 1
        neg_signs = [s * (-1) ** (deg - k) for k, s in enumerate(signs)]
        neg = changes(neg_signs)
        return (pos, neg, zero)
    A = np.asarray(H, dtype=float)
    if A.size == 0:
        return (0, 0, 0)
    ev = np.linalg.eigvalsh((A + A.T) / 2)
    thr = tol * float(np.max(np.abs(ev)))
    return (int(np.sum(ev > thr)), int(np.sum(ev < -thr)), int(np.sum(np.abs(ev) <= thr)))


def certified_inertia(H, err, band):
    """Eigenvalue counts ``(#λ > band, #λ < −band, rest)`` valid for every symmetric A with ``|A − H| ≤ err``.

    ``H`` is a float symmetric matrix and ``err`` an entrywise bound on its
    distance to the exact matrix A of interest.  With ``V`` the computed
    eigenvectors of H, the matrices ``M± = Vᵀ(A ± band·I)V`` are congruent to
    ``A ± band·I`` (Sylvester's law of inertia) as soon as they are
    nonsingular.  ``M±`` is evaluated in floating point with the componentwise
    bound ``|fl(VᵀBV) − VᵀBV| ≤ γ_{2n+2}|V|ᵀ|B||V|`` (Higham 2002, §3.5),
    inflated by 2 to cover the rounding of the bound itself, plus
    ``|V|ᵀ err |V|``.  If no Gershgorin disc of ``M±`` (radius: off-diagonal
    row sum plus error) contains 0, the discs split into a negative and a
    positive group and the number of negative eigenvalues of ``A + band·I`` is
    the number of negative disc centres (so ``#λ(A) < −band``); likewise
    ``A − band·I`` gives ``#λ(A) > band``.

    Returns ``None`` when some disc contains 0, i.e. some eigenvalue of A is
    within the error bound of ``±band``: the counts are then undetermined.

    Examples
    --------
    >>> H = np.diag([2.0, -1e-3, 1e-12])
    >>> certified_inertia(H, np.zeros((3, 3)), 1e-9)
    (1, 1, 1)
    >>> certified_inertia(H, np.full((3, 3), 1e-3), 1e-9) is None
    True
    """
    A = np.asarray(H, dtype=float)
    n = A.shape[0]
    if n == 0:
        return (0, 0, 0)
    E = np.asarray(err, dtype=float) + np.abs(A - A.T) / 2
    A = (A + A.T) / 2
    _, V = np.linalg.eigh(A)
    aV = np.abs(V)
    g = 2.0 * gamma(2 * n + 2)
    tiny = n * np.finfo(float).tiny
    counts = []
    for shift in (band, -band):
        B = A + shift * np.eye(n)
        M = V.T @ B @ V
        err_M = g * (aV.T @ np.abs(B) @ aV) + aV.T @ E @ aV + tiny
        diag = np.diag(M)
        radius = np.sum(np.abs(M), axis=1) - np.abs(diag) + np.sum(err_M, axis=1)
        radius = radius * (1 + g) + tiny
        if np.any(np.abs(diag) <= radius):
            return None
        counts.append(int(np.sum(diag < 0)) if shift > 0 else int(np.sum(diag > 0)))
    neg, pos = counts
    return (pos, neg, n - pos - neg)
