"""Input conversion and the inertia kernel.

Everything that turns user input into matrices goes through :func:`as_matrix`,
so validation (shape, NaN/inf, floats where exact input is required, bools,
strings) happens once, at the public boundary, with typed errors.

Exact matrices are :class:`sympy.Matrix` objects whose entries are exact
numbers (integers, rationals, algebraic numbers); exact decisions (rank,
inertia) go through :class:`sympy.polys.matrices.DomainMatrix`.  Numeric
matrices are ``numpy.ndarray`` of ``float64``; numeric decisions use an
explicit tolerance.  The two representations and the operations they share
(rank, conversion, products, null spaces, …) are
:mod:`linnet_geometry.exact.representation`; its entry conversion, ranks and
tolerance check are re-exported here under their earlier names.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import numpy as np
import sympy

from ..exceptions import ExactInputRequiredError, InputTypeError, NonFiniteError, ParseError, ShapeError
from .representation import (
    DEFAULT_TOL,
    _describe,
    check_tol,
    convert_entry,
    is_exact_matrix,
    rank,
    representation,
    to_domain_matrix,
    to_float,
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

#: Unit roundoff ``u = 2^-53`` of IEEE double precision (Higham 2002, §2.2).
UNIT_ROUNDOFF = 2.0**-53


def gamma(k: int) -> float:
    """Higham's ``γ_k = k u / (1 − k u)``: ``|fl(AB) − AB| ≤ γ_k |A||B|`` for inner dimension k."""
    ku = k * UNIT_ROUNDOFF
    return ku / (1.0 - ku)


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
                raise _floats_refused(name)
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
    if exact and not all_exact:
        raise _floats_refused(name)
    return representation(all_exact if exact is None else exact).matrix(rows, cols, [x for x, _ in converted])


def _floats_refused(name):
    return ExactInputRequiredError(f"{name} has float entries; expected exact numbers (int, fractions.Fraction, "
                                   "sympy.Rational). Use the numeric path (numeric=True) for floats")


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
