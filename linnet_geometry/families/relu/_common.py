"""Input checks and limits shared by the modules of :mod:`linnet_geometry.families.relu`."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy

from ...checks import check_int
from ...exact.matrix import as_matrix
from ...exact.representation import representation_of
from ...exceptions import InputTypeError, InvalidArgumentError, ShapeError

#: Largest number of objects an exact enumeration may visit before
#: :class:`ProblemTooLargeError` is raised (checked before any work starts).
MAX_ENUMERATION = 200_000

#: Largest memory (bytes) one Monte Carlo sample may need (its pattern, data and n x n Gram matrix),
#: and largest array :func:`~linnet_geometry.families.relu.step_patterns` may return.
MAX_SAMPLE_BYTES = 2**31


def _data(X, name="X", exact=None):
    return as_matrix(X, name, exact=exact)


def _to_fraction_rows(M):
    """Rows of an exact sympy matrix as lists of Fraction (rationals only)."""
    out = []
    for r in range(M.rows):
        row = []
        for c in range(M.cols):
            x = M[r, c]
            if not x.is_Rational:
                return None
            row.append(Fraction(int(x.p), int(x.q)))
        out.append(row)
    return out


def _pattern(pattern, n=None, d1=None, name="pattern"):
    """Validate a binary pattern; returns an int8 array of shape (d1, n)."""
    if isinstance(pattern, str):
        raise InputTypeError(f"{name} is the string {pattern!r}; expected a binary matrix of 0/1 entries")
    if hasattr(pattern, "tolist"):  # sympy Matrix or numpy array
        pattern = pattern.tolist()
    try:
        arr = np.array(pattern, dtype=object)
    except (ValueError, TypeError):
        raise ShapeError(f"{name}: expected a 2-D binary matrix, received {pattern!r}") from None
    if arr.ndim != 2 or arr.size == 0:
        raise ShapeError(f"{name} has shape {arr.shape}; expected a non-empty 2-D binary matrix (d1, n)")
    out = np.zeros(arr.shape, dtype=np.int8)
    for idx, x in np.ndenumerate(arr):
        if isinstance(x, (bool, np.bool_)):
            out[idx] = int(x)
        elif isinstance(x, (int, np.integer, sympy.Integer)) and int(x) in (0, 1):
            out[idx] = int(x)
        else:
            raise InputTypeError(f"{name}[{idx[0]}, {idx[1]}] is {x!r}; expected 0 or 1 (a binary pattern)")
    if n is not None and out.shape[1] != n:
        raise ShapeError(f"{name} has shape {out.shape}; expected {n} columns, one per data point of X")
    if d1 is not None and out.shape[0] != d1:
        raise ShapeError(f"{name} has shape {out.shape}; expected {d1} rows, one per neuron")
    return out


def _vector(v, length, name, exact=None):
    """A length-``length`` vector as a (1, length) matrix (exact or numeric)."""
    if v is None:
        return None
    if isinstance(v, (sympy.MatrixBase, np.ndarray)):  # a matrix of either representation
        if not (len(v.shape) == 1 or (len(v.shape) == 2 and 1 in v.shape)):
            raise ShapeError(f"{name} has shape {v.shape}; expected a vector of length {length}")
        v = representation_of(v).entries(v)
    elif not isinstance(v, (list, tuple)):
        raise InputTypeError(f"{name} has type {type(v).__name__}; expected a sequence of {length} numbers")
    vals = list(v)
    if vals and isinstance(vals[0], (list, tuple)):
        vals = [x for row in vals for x in row]
    if len(vals) != length:
        raise ShapeError(f"{name} has length {len(vals)}; expected {length}")
    return as_matrix([vals], name, exact=exact)


def _count(value, name, minimum=1):
    """:func:`~linnet_geometry.checks.check_int` for sizes (samples, widths, dimensions): a value out of
    range is a :class:`~linnet_geometry.exceptions.ShapeError`, a non-integer an ``InputTypeError``.

    >>> _count(3, "n")
    3
    >>> try:
    ...     _count(0, "samples")
    ... except ShapeError as err:
    ...     print(err)
    samples is 0; expected an integer ≥ 1
    """
    try:
        return check_int(value, name, minimum)
    except InvalidArgumentError as err:
        raise ShapeError(str(err)) from None
