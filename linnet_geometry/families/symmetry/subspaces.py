"""Exact affine subspaces of parameter space over QQ (or the exact field of their entries).

Intersection tests of affine pieces ``p + span(D)``: dense ranks with sympy's
``DomainMatrix`` (:func:`affine_subspaces_intersect`), and fraction-free sparse
elimination on integer vectors (``_Echelon``) for the many small tests of a
connectivity graph.
"""

from __future__ import annotations

import math

import sympy
from sympy.polys.matrices import DomainMatrix

from ...exceptions import ShapeError

__all__ = ["affine_subspaces_intersect"]



def _normalize(v):
    """The sparse integer vector ``v`` divided by the gcd of its entries."""
    g = math.gcd(*v.values())
    if g > 1:
        v = {k: x // g for k, x in v.items()}
    return v


def _reduce(v, rows):
    """Residual of the integer sparse vector ``v`` against echelon ``rows`` (pivot -> row)."""
    while v:
        c = min(v)
        row = rows.get(c)
        if row is None:
            return v
        pv, f = row[c], v[c]
        g = math.gcd(pv, f)
        pv, f = pv // g, f // g
        new = {k: x * pv for k, x in v.items()}
        for k, x in row.items():
            y = new.get(k, 0) - f * x
            if y:
                new[k] = y
            else:
                new.pop(k, None)
        v = _normalize(new)
    return v


def _to_int_vector(entries):
    """Sparse integer multiple of a rational vector given as {index: Fraction}."""
    den = math.lcm(*(x.denominator for x in entries.values()))
    return {k: int(x * den) for k, x in entries.items() if x != 0}


class _Echelon:
    """Rows in echelon form (pivot column -> sparse integer row), for span membership over QQ."""

    __slots__ = ("rows",)

    def __init__(self, rows=None):
        self.rows = dict(rows) if rows else {}

    def insert(self, v):
        r = _reduce(v, self.rows)
        if r:
            self.rows[min(r)] = r
            return True
        return False

    def contains(self, v):
        return not _reduce(v, self.rows)


def affine_subspaces_intersect(p1, D1, p2, D2):
    """Exact test whether ``p1 + span(D1)`` meets ``p2 + span(D2)``.

    The subspaces meet iff ``p2 - p1`` lies in ``span(D1) + span(D2)``, i.e.
    iff ``rank [D1 | D2] == rank [D1 | D2 | p2 - p1]`` (ranks over QQ or the
    exact field of the entries, via sympy ``DomainMatrix``).  Returns
    ``(meets, dimension)``; ``dimension`` is that of the intersection
    (``dim D1 + dim D2 - rank [D1 | D2]``) or ``None``.

    Examples
    --------
    >>> line1 = (sympy.Matrix([0, 0]), sympy.Matrix([[1], [0]]))
    >>> line2 = (sympy.Matrix([0, 1]), sympy.Matrix([[1], [0]]))
    >>> affine_subspaces_intersect(*line1, *line2)
    (False, None)
    >>> affine_subspaces_intersect(*line1, sympy.Matrix([3, 1]), sympy.Matrix([[1], [1]]))
    (True, 0)
    """
    p1, p2 = sympy.Matrix(p1), sympy.Matrix(p2)
    D1, D2 = sympy.Matrix(D1), sympy.Matrix(D2)
    if p1.shape != p2.shape or p1.cols != 1 or D1.rows not in (0, p1.rows) or D2.rows not in (0, p1.rows):
        raise ShapeError(f"base points must be columns of one length and direction matrices have that many rows; "
                         f"received {p1.shape}, {D1.shape}, {p2.shape}, {D2.shape}")
    n = p1.rows
    D1 = D1 if D1.cols else sympy.zeros(n, 0)
    D2 = D2 if D2.cols else sympy.zeros(n, 0)
    D = D1.row_join(D2)
    r_D = DomainMatrix.from_Matrix(D).rank() if D.cols else 0
    r_aug = DomainMatrix.from_Matrix(D.row_join(p2 - p1)).rank()
    if r_aug != r_D:
        return False, None
    r1 = DomainMatrix.from_Matrix(D1).rank() if D1.cols else 0
    r2 = DomainMatrix.from_Matrix(D2).rank() if D2.cols else 0
    return True, r1 + r2 - r_D


