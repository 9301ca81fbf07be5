"""Exact counts of activation regions and of full-rank Jacobians (KMTM2024).

Cover's function-counting numbers give the number of regions for generic data;
the full-rank fractions over all patterns or all realizable regions are exact
enumerations of row multisets with their multinomial multiplicities, with closed
forms in one input dimension with bias.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ...exact.matrix import DEFAULT_TOL, is_exact_matrix, rank as _rank, to_float
from ...exact.representation import representation_of
from ...exceptions import AssumptionError, DegenerateDataError, InputTypeError, ProblemTooLargeError
from ._common import MAX_ENUMERATION, MAX_SAMPLE_BYTES, _count, _data, _vector
from .jacobians import generic_jacobian_rank, jacobian_rank
from .regions import _row_point, with_bias

__all__ = ["cover_count", "MAX_COUNT_COST", "MAX_COUNT_BITS", "count_regions", "realizable_row_patterns",
           "FullRankCount", "exact_full_rank_fraction", "step_patterns", "one_dim_full_rank_fraction",
           "one_dim_zero_loss_dimension"]


#: Largest estimated cost (terms × bits) of :func:`cover_count` (about 1 s at the limit).
MAX_COUNT_COST = 5 * 10**9
#: Largest size (bits) of an exact count returned by :func:`cover_count` / :func:`count_regions`.
MAX_COUNT_BITS = 1 << 23


def cover_count(n, d):
    """Cover's function-counting number ``C(n, d) = 2 sum_{k<d} binom(n-1, k)``.

    The number of dichotomies of ``n`` points in general position in ``R^d`` cut by
    hyperplanes through the origin, i.e. of realizable activation patterns of one
    neuron (KMTM2024).  With a bias use ``d = d0 + 1``; in 1-D with bias it is ``2n``.

    The partial sum of binomials is accumulated term by term (``C(n−1, k+1)`` from
    ``C(n−1, k)``), over the shorter side: ``sum_{k<d} = 2^(n−1) − sum_{j≤n−1−d}``.
    Counts of more than :data:`MAX_COUNT_BITS` bits, or an estimated cost above
    :data:`MAX_COUNT_COST`, raise :class:`~linnet_geometry.exceptions.ProblemTooLargeError`
    before any work.

    Examples
    --------
    >>> cover_count(5, 2), cover_count(3, 5)
    (10, 8)
    >>> cover_count(40, 20) == 2 * sum(math.comb(39, k) for k in range(20))
    True
    """
    n = _count(n, "n")
    d = _count(d, "d")
    m = n - 1
    if d > m:  # every subset: 2 * 2^(n-1)
        if n > MAX_COUNT_BITS:
            raise ProblemTooLargeError(f"cover_count({n}, {d}) = 2^{n} has {n + 1} bits; expected at most "
                                       f"{MAX_COUNT_BITS} (refused before any work)")
        return 1 << n
    complement = d - 1 > m // 2
    terms = m - d + 1 if complement else d
    last = terms - 1  # largest binomial C(m, last) of the sum bounds the size of every number
    bits = (math.lgamma(m + 1) - math.lgamma(last + 1) - math.lgamma(m - last + 1)) / math.log(2) + 2
    if complement:
        bits = max(bits, m + 2)
    if bits > MAX_COUNT_BITS or terms * bits > MAX_COUNT_COST:
        raise ProblemTooLargeError(
            f"cover_count({n}, {d}) sums {terms} binomials of up to {bits:.3g} bits (cost {terms * bits:.3g}); "
            f"expected at most {MAX_COUNT_BITS} bits and cost {MAX_COUNT_COST:.3g} (refused before any work)")
    c, total = 1, 0
    for k in range(terms):
        total += c
        c = c * (m - k) // (k + 1)
    return 2 * ((1 << m) - total) if complement else 2 * total


def count_regions(n, d0, d1, bias=True):
    """Number of non-empty activation regions for generic data: ``C(n, d0 + bias)^{d1}``.

    Neurons are independent, so the count is Cover's per-neuron count to the power
    ``d1`` (KMTM2024); 1-D with bias gives ``(2n)^{d1}``.

    Examples
    --------
    >>> count_regions(4, 1, 3)
    512
    """
    d1 = _count(d1, "d1")
    c = cover_count(n, _count(d0, "d0") + bool(bias))
    if d1 * c.bit_length() > MAX_COUNT_BITS:
        raise ProblemTooLargeError(f"count_regions: C(n, d)^{d1} has about {d1 * c.bit_length():.3g} bits; expected "
                                   f"at most {MAX_COUNT_BITS} (refused before the power is computed)")
    return c ** d1


def _general_cross(M):
    """Null vector of a (d-1) x d matrix by signed maximal minors; exact for sympy input."""
    d = M.shape[1]
    out = []
    for k in range(d):
        cols = [c for c in range(d) if c != k]
        sub = M[:, cols]
        det = representation_of(sub).det(sub)
        out.append((-1) ** k * det)
    return out


def realizable_row_patterns(X, tol=DEFAULT_TOL):
    """All activation patterns of one neuron realizable on data ``X`` (``d0' x n``).

    For data in general position (every ``d0'`` columns independent) the cells of
    the central arrangement ``{x_j^perp}`` are enumerated through its rays: each
    ray is cut out by ``d0' - 1`` hyperplanes, the cells around it take every sign
    on those and the ray's signs elsewhere, and every cell (a pointed cone) has a
    ray.  Exact for exact data.  Otherwise every pattern is tested by LP
    (:func:`is_realizable`), for ``n <= 14``.

    Returns
    -------
    numpy.ndarray of int8, shape (k, n), rows sorted lexicographically.

    Examples
    --------
    >>> realizable_row_patterns(with_bias([[0, 1, 2]]))
    array([[0, 0, 0],
           [0, 0, 1],
           [0, 1, 1],
           [1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]], dtype=int8)
    """
    Xm = _data(X, "X")
    d, n = Xm.shape
    exact = is_exact_matrix(Xm)
    bound = cover_count(n, d) if n >= d else 2 ** n
    if bound > MAX_ENUMERATION:
        raise ProblemTooLargeError(
            f"realizable_row_patterns: up to {bound} patterns for n={n}, d0'={d}; expected at most {MAX_ENUMERATION}")
    Xf = to_float(Xm)
    general = _rank(Xm) == min(d, n)
    if general and n < d:
        pats = set(itertools.product((0, 1), repeat=n))
        return np.array(sorted(pats), dtype=np.int8)
    pats = set()
    if general and d == 1:
        vals = representation_of(Xm).entries(Xm)
        s = tuple(1 if x > 0 else 0 for x in vals)
        if all(x != 0 for x in vals):
            pats = {s, tuple(1 - t for t in s)}
            return np.array(sorted(pats), dtype=np.int8)
        general = False
    if general:
        norms = np.linalg.norm(Xf, axis=0)
        for I in itertools.combinations(range(n), d - 1):
            if exact:
                r = _general_cross(Xm[:, list(I)].T)
                dots = [sum(r[k] * Xm[k, j] for k in range(d)) for j in range(n)]
                if all(x == 0 for x in r):
                    general = False
                    break
                zero = [j for j in range(n) if j not in I and dots[j] == 0]
                sgn = [1 if x > 0 else 0 for x in dots]
            else:
                r = np.array(_general_cross(Xf[:, list(I)].T), dtype=float)
                rn = np.linalg.norm(r)
                if rn <= tol * np.prod(norms[list(I)]):
                    general = False
                    break
                dots = r @ Xf
                zero = [j for j in range(n) if j not in I and abs(dots[j]) <= tol * rn * norms[j]]
                sgn = [1 if x > 0 else 0 for x in dots]
            if zero:
                general = False
                break
            for flip in (False, True):
                base = [1 - s if flip else s for s in sgn]
                for combo in itertools.product((0, 1), repeat=d - 1):
                    for j, c in zip(I, combo):
                        base[j] = c
                    pats.add(tuple(base))
    if not general:
        if n > 14:
            raise ProblemTooLargeError(
                f"realizable_row_patterns: data not in general position; LP enumeration needs n <= 14, received n = {n}")
        pats = {p for p in itertools.product((0, 1), repeat=n)
                if _row_point(np.array(p, dtype=np.int8), Xm) is not None}
    return np.array(sorted(pats), dtype=np.int8)


@dataclass(frozen=True)
class FullRankCount:
    """Exact count of full-rank activation patterns.

    Attributes
    ----------
    full_rank, total : int
        Patterns (with multiplicity) of rank ``n``, and all patterns counted.
    over : str
        ``"patterns"`` (all binary matrices) or ``"regions"`` (realizable ones).
    n, d1 : int

    Examples
    --------
    >>> exact_full_rank_fraction(with_bias([[0, 1, 3]]), 2, over="regions")
    FullRankCount(full_rank=14, total=36, over='regions', n=3, d1=2)
    >>> _.fraction
    Fraction(7, 18)
    """

    full_rank: int
    total: int
    over: str
    n: int
    d1: int

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.full_rank, self.total)

    def to_dict(self):
        return {"full_rank": self.full_rank, "total": self.total, "fraction": str(self.fraction),
                "over": self.over, "n": self.n, "d1": self.d1}


def _multiset_full_rank(rows, d1, rank_of, n):
    """Count full-rank d1-row matrices from ``rows`` (with multiplicity) via multisets."""
    k = len(rows)
    combos = math.comb(k + d1 - 1, d1)
    if combos > MAX_ENUMERATION:
        raise ProblemTooLargeError(
            f"exact enumeration visits {combos} multisets of {d1} rows from {k}; expected at most {MAX_ENUMERATION}")
    full = 0
    fact = math.factorial(d1)
    for combo in itertools.combinations_with_replacement(range(k), d1):
        if rank_of(rows[list(combo)]) == n:
            mult = fact
            for _, g in itertools.groupby(combo):
                mult //= math.factorial(len(list(g)))
            full += mult
    return full, k ** d1


def exact_full_rank_fraction(X, d1, over="patterns", tol=DEFAULT_TOL):
    """Exact fraction of full-rank Jacobians over all patterns or all realizable regions of ``X``.

    Enumerates row multisets (the rank does not depend on the order of neurons)
    with their multinomial multiplicities; ranks are exact for exact ``X``.  For
    ``d0 >= n`` and generic ``X`` the fraction over patterns is ``(1 - 2^{-d1})^n``:
    full rank iff no sample is inactive for every neuron (KMTM2024).

    Examples
    --------
    >>> exact_full_rank_fraction([[1, 0], [0, 1]], 2).fraction
    Fraction(9, 16)
    >>> c = exact_full_rank_fraction(with_bias([[0, 1, 3]]), 2, over="regions")
    >>> c.total, c.full_rank
    (36, 14)
    """
    Xm = _data(X, "X")
    d1 = _count(d1, "d1")
    n = Xm.shape[1]
    if over == "patterns":
        if 2 ** n > MAX_ENUMERATION:
            raise ProblemTooLargeError(f"2^n = {2 ** n} row patterns; expected at most {MAX_ENUMERATION}")
        rows = np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.int8)
    elif over == "regions":
        rows = realizable_row_patterns(Xm, tol)
    else:
        raise InputTypeError(f"over is {over!r}; expected 'patterns' or 'regions'")
    full, total = _multiset_full_rank(rows, d1, lambda A: jacobian_rank(A, Xm, tol=tol), n)
    return FullRankCount(full_rank=full, total=total, over=over, n=n, d1=d1)


# ---------------------------------------------------------------------------
# 1-D data with bias
# ---------------------------------------------------------------------------

def step_patterns(n):
    """The ``2n`` realizable one-neuron patterns on sorted 1-D data with bias.

    On ``x_1 < ... < x_n`` a neuron ``relu(w x + b)`` is on for a suffix (``w > 0``)
    or a prefix (``w < 0``) of the samples; with all-on and all-off counted once
    that is ``2n = C(n, 2)`` patterns (KMTM2024).

    Examples
    --------
    >>> step_patterns(2)
    array([[0, 0],
           [0, 1],
           [1, 0],
           [1, 1]], dtype=int8)
    """
    n = _count(n, "n")
    if 2 * n * n > MAX_SAMPLE_BYTES:
        raise ProblemTooLargeError(f"step_patterns({n}) is a {2 * n} x {n} array of about {2 * n * n / 2**30:.3g} GiB; "
                                   f"expected at most {MAX_SAMPLE_BYTES / 2**30:.0f} GiB")
    # in lexicographic order: 0^k 1^(n-k) for k = n, ..., 1 (from all-off), then 1^k 0^(n-k) for k = 1, ..., n
    j = np.arange(n)
    k = np.arange(1, n + 1)[:, None]
    return np.vstack([(j >= k[::-1]), (j < k)]).astype(np.int8)


def one_dim_full_rank_fraction(n, d1, x=None):
    """Exact full-rank fraction over the ``(2n)^{d1}`` regions of 1-D data with bias.

    Parameters
    ----------
    n, d1 : int
    x : sequence of n distinct numbers, optional
        The data.  Default: generic data, ranks by :func:`generic_jacobian_rank`
        with ``d0' = 2`` (exact for generic ``x``).  Given ``x`` (any order), the
        ranks of that dataset are used (exact for exact ``x``).

    Returns
    -------
    FullRankCount  (``over="regions"``)

    Examples
    --------
    >>> c = one_dim_full_rank_fraction(3, 2)
    >>> c.total, c.full_rank
    (36, 14)
    """
    n = _count(n, "n")
    d1 = _count(d1, "d1")
    if x is None and n > 20:
        raise ProblemTooLargeError(f"generic ranks need n <= 20; received n = {n}")
    rows = step_patterns(n)
    if x is None:
        rank_of = lambda A: generic_jacobian_rank(A, 2)  # noqa: E731
    else:
        xm = _vector(x, n, "x")
        vals = representation_of(xm).entries(xm)
        if len(set(vals)) != n:
            raise DegenerateDataError(f"x has repeated values {vals}; expected {n} distinct samples")
        order = sorted(range(n), key=lambda j: vals[j])
        Xs = with_bias(xm[:, order])
        rank_of = lambda A: jacobian_rank(A, Xs)  # noqa: E731
    full, total = _multiset_full_rank(rows, d1, rank_of, n)
    return FullRankCount(full_rank=full, total=total, over="regions", n=n, d1=d1)


def one_dim_zero_loss_dimension(n, d1):
    """Dimension ``2 d1 - n`` of the zero-loss set inside a full-rank 1-D region with bias.

    Inside a region the zero-loss set is the affine space ``{J^T w = y}``; with
    rank ``n`` it has dimension ``d0' d1 - n = 2 d1 - n`` when it meets the region
    (KMTM2024).  Raises :class:`AssumptionError` when ``2 d1 < n`` (no full-rank region).

    Examples
    --------
    >>> one_dim_zero_loss_dimension(5, 4)
    3
    """
    n = _count(n, "n")
    d1 = _count(d1, "d1")
    if 2 * d1 < n:
        raise AssumptionError(f"2*d1 = {2 * d1} < n = {n}: no region has a full-rank Jacobian; expected 2*d1 >= n")
    return 2 * d1 - n


