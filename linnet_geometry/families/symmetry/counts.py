"""Closed-form counts of SGJ2021 from Stirling numbers of the second kind (THEORY.md §5).

``T(r*, m)`` zero-loss pieces at width ``m`` (group and single conventions), ``G(r, m)``
split subspaces, piece dimensions and their multi-layer products.  Exact integers of any
size, refused with :class:`~linnet_geometry.exceptions.ProblemTooLargeError` before any
work when they would exceed :data:`MAX_RESULT_BITS` bits or their estimated cost its limit.
Stirling numbers come from sympy / FLINT (:func:`stirling2`) and, for whole rows, from one
FLINT polynomial product (``_stirling_row``); the two routes check each other in the tests.
"""

from __future__ import annotations

import math
from functools import lru_cache

from sympy.functions.combinatorial.numbers import stirling

from ...exceptions import ProblemTooLargeError, WidthsError
from ._checks import _check_convention, _check_size, _too_large

__all__ = ["stirling2", "MAX_ROW_WIDTH", "MAX_RESULT_BITS", "MAX_STIRLING_COST", "T", "G", "piece_dimension",
           "T_by_dimension", "T_multilayer", "G_multilayer", "minima_count"]

#: Largest width ``m`` of the closed forms that need a whole row ``S(m, ·)`` of Stirling numbers
#: (``T`` in the group convention, :func:`T_by_dimension`): one FLINT product of two degree-``m``
#: integer polynomials, about 1 s at the limit.  Larger widths raise ProblemTooLargeError before any work.
MAX_ROW_WIDTH = 2000
#: Largest size (bits) of one exact closed-form number (a factorial, a Stirling number, a count).
MAX_RESULT_BITS = 1 << 23
#: Largest estimated cost (terms × bits) of one Stirling number ``S(n, k)`` (about 1 s at the limit).
MAX_STIRLING_COST = 2 * 10**9
#: Stirling numbers ``S(n, k)`` with ``n`` up to this come from sympy's recurrence (``O(n k)`` small
#: additions); larger ones from FLINT's ``fmpz.stirling_s2``.
_SYMPY_STIRLING_MAX_N = 64


def _factorial_bits(n) -> float:
    return math.lgamma(n + 1) / math.log(2) if n > 1 else 0.0


def _factorial(n) -> int:
    """``n!`` exactly (FLINT for large ``n``), refused when it would exceed :data:`MAX_RESULT_BITS` bits."""
    bits = _factorial_bits(n)
    if bits > MAX_RESULT_BITS:
        raise _too_large(f"{n}!", bits, MAX_RESULT_BITS, "bits")
    if n < 1000:
        return math.factorial(n)
    import flint

    return int(flint.fmpz.fac_ui(n))


def _stirling_bits(n, k) -> float:
    """Upper bound of ``log2 S(n, k)`` from ``S(n, k) ≤ C(n−1, k−1) k^(n−k)`` (1 ≤ k ≤ n), for the guards."""
    if k <= 1 or k >= n:
        return 1.0
    log_binom = math.lgamma(n) - math.lgamma(k) - math.lgamma(n - k + 1)
    return (log_binom + (n - k) * math.log(k)) / math.log(2) + 1


def _check_row_width(m, what):
    if m > MAX_ROW_WIDTH:
        raise ProblemTooLargeError(
            f"{what} needs the row S({m}, ·) of Stirling numbers (O(m²) operations on numbers of about "
            f"{_stirling_bits(m, max(1, m // 3)):.3g} bits); expected m ≤ {MAX_ROW_WIDTH} (refused before any work)")


@lru_cache(maxsize=16)
def _stirling_row(n):
    """The row ``(S(n, 0), …, S(n, n))``, all ``k`` at once from the explicit formula.

    ``S(n, k) = Σ_j (−1)^(k−j) j^n / (j! (k−j)!)`` is the coefficient of ``x^k`` in
    ``(Σ_j j^n x^j / j!) · e^(−x)``.  Multiplied by ``n!`` both factors have integer
    coefficients (``n!/j!``), so the row is one FLINT ``fmpz_poly`` product divided
    exactly by ``(n!)²``.  A route independent of :func:`stirling2`.

    >>> _stirling_row(5)
    (0, 1, 15, 25, 10, 1)
    """
    import flint

    falling = [1] * (n + 1)  # falling[j] = n! / j!
    for j in range(n - 1, -1, -1):
        falling[j] = falling[j + 1] * (j + 1)
    powers = flint.fmpz_poly([flint.fmpz(j) ** n * f for j, f in enumerate(falling)])
    alternating = flint.fmpz_poly([f if i % 2 == 0 else -f for i, f in enumerate(falling)])
    coefficients = (powers * alternating).coeffs()[:n + 1]
    square = flint.fmpz(falling[0]) ** 2
    return tuple(int(c // square) for c in coefficients) + (0,) * (n + 1 - len(coefficients))


def stirling2(n, k) -> int:
    """Stirling number of the second kind ``S(n, k)``: the partitions of ``n`` labelled neurons
    into ``k`` non-empty blocks (an exact integer).

    A thin wrapper of sympy's :func:`~sympy.functions.combinatorial.numbers.stirling`
    (FLINT's ``fmpz.stirling_s2`` for ``n > 64``, where sympy's ``O(n k)`` recurrence is
    slow) that validates its arguments and refuses, with
    :class:`~linnet_geometry.exceptions.ProblemTooLargeError` and before any work, numbers
    of more than :data:`MAX_RESULT_BITS` bits or whose estimated cost exceeds
    :data:`MAX_STIRLING_COST`.

    Examples
    --------
    >>> [stirling2(5, k) for k in range(6)]
    [0, 1, 15, 25, 10, 1]
    >>> stirling2(100, 2) == 2**99 - 1
    True
    """
    n = _check_size(n, "n", 0)
    k = _check_size(k, "k", 0)
    if k > n:
        return 0
    if k == n:
        return 1
    if k == 0:
        return 0
    bits = _stirling_bits(n, k)
    if bits > MAX_RESULT_BITS:
        raise _too_large(f"S({n}, {k})", bits, MAX_RESULT_BITS, "bits")
    cost = (min(k, n - k) + 1) * bits
    if cost > MAX_STIRLING_COST:
        raise _too_large(f"S({n}, {k})", cost, MAX_STIRLING_COST, "bit operations")
    if n <= _SYMPY_STIRLING_MAX_N:
        return int(stirling(n, k))
    import flint

    return int(flint.fmpz.stirling_s2(n, k))


def T(r_star, m, convention="group") -> int:
    """Number of affine pieces of the zero-loss set at width ``m`` (SGJ2021; THEORY.md §5).

    ``group``: ``sum_{k=r*}^{m} S(m,k) k!/(k-r*)!`` (needs ``m ≤`` :data:`MAX_ROW_WIDTH`);
    ``single``: ``r*! S(m+1, r*+1)`` (see :func:`stirling2` for its limits).  Beyond the limits
    :class:`~linnet_geometry.exceptions.ProblemTooLargeError` is raised before any work.

    Examples
    --------
    >>> T(3, 4), T(3, 4, "single"), (4 * 3 * 2) * 5 // 2
    (60, 60, 60)
    >>> T(2, 4), T(2, 4, "single")
    (62, 50)
    """
    r_star = _check_size(r_star, "r_star", 1)
    m = _check_size(m, "m", 1)
    _check_convention(convention)
    if m < r_star:
        raise WidthsError(f"width m={m} is smaller than the teacher width r*={r_star}; expected m >= r*")
    if convention == "single":
        return _factorial(r_star) * stirling2(m + 1, r_star + 1)
    _check_row_width(m, f"T({r_star}, {m}) (group convention)")
    row = _stirling_row(m)
    return sum(row[k] * math.perm(k, r_star) for k in range(r_star, m + 1))


def G(r, m) -> int:
    """Number ``r! S(m, r)`` of split subspaces of a width-``r`` critical point at width ``m``
    (SGJ2021; each has dimension ``c (m - r)``).

    Examples
    --------
    >>> G(2, 4), G(3, 3)
    (14, 6)
    """
    r = _check_size(r, "r", 1)
    m = _check_size(m, "m", 1)
    if m < r:
        raise WidthsError(f"width m={m} is smaller than r={r}; expected m >= r")
    return _factorial(r) * stirling2(m, r)


def piece_dimension(h, b, input_dim=1, output_dim=1) -> int:
    """Dimension ``c h + (d - c) b`` of a zero-loss piece with ``b`` zero-type groups
    (``h + (d-1) b`` for scalar output; SGJ2021, THEORY.md §5).

    Examples
    --------
    >>> piece_dimension(2, 1, input_dim=3)
    4
    """
    h = _check_size(h, "h", 0)
    b = _check_size(b, "b", 0)
    if b > h:
        raise WidthsError(f"b={b} zero-type groups need at least b extra neurons; received h={h}")
    return output_dim * h + (input_dim - output_dim) * b


def T_by_dimension(r_star, m, input_dim=1, output_dim=1, convention="group") -> dict:
    """Closed-form count of pieces per dimension ``{dimension: count}``.

    Pieces with ``b`` zero groups: ``S(m, r*+b) (r*+b)!/b!`` (group) or
    ``C(m, b) r*! S(m-b, r*)`` (single).

    Examples
    --------
    >>> T_by_dimension(2, 3, input_dim=2)
    {1: 6, 2: 6}
    """
    total = T(r_star, m, convention)
    _check_row_width(m, f"T_by_dimension({r_star}, {m})")
    row = _stirling_row(m) if convention == "group" else None
    out = {}
    for b in range(0, m - r_star + 1):
        if convention == "group":
            n = row[r_star + b] * math.perm(r_star + b, r_star)
        else:
            n = math.comb(m, b) * math.factorial(r_star) * stirling2(m - b, r_star)
        if n:
            dim = piece_dimension(m - r_star, b, input_dim, output_dim)
            out[dim] = out.get(dim, 0) + n
    assert sum(out.values()) == total
    return out


def _layers(a, b, name_a, name_b):
    a, b = tuple(a), tuple(b)
    if len(a) != len(b) or not a:
        raise WidthsError(f"{name_a} and {name_b} must be non-empty and of equal length (one entry per hidden layer); "
                          f"received {a} and {b}")
    return a, b


def T_multilayer(r_stars, ms, convention="group") -> int:
    """Product over hidden layers of :func:`T` (one factor per hidden layer).

    Counts the combinations of one zero-loss piece per hidden layer [convention:
    the per-layer choices are independent, SGJ2021 multi-layer setting].

    Examples
    --------
    >>> T_multilayer((2, 3), (3, 4)) == T(2, 3) * T(3, 4)
    True
    """
    r_stars, ms = _layers(r_stars, ms, "r_stars", "ms")
    return math.prod(T(r, m, convention) for r, m in zip(r_stars, ms))


def G_multilayer(rs, ms) -> int:
    """Product over hidden layers of :func:`G`.

    Examples
    --------
    >>> G_multilayer((1, 2), (2, 3))
    6
    """
    rs, ms = _layers(rs, ms, "rs", "ms")
    return math.prod(G(r, m) for r, m in zip(rs, ms))


def minima_count(r_stars) -> int:
    """Number ``prod_l r_l*!`` of isolated permuted minima at minimal widths (SGJ2021).

    Examples
    --------
    >>> minima_count((3, 2))
    12
    """
    r_stars = tuple(r_stars)
    if not r_stars:
        raise WidthsError("r_stars must list one minimal width per hidden layer; received ()")
    checked = [_check_size(r, "r_star", 1) for r in r_stars]
    bits = sum(_factorial_bits(r) for r in checked)
    if bits > MAX_RESULT_BITS:
        raise _too_large(f"minima_count{tuple(checked)}", bits, MAX_RESULT_BITS, "bits")
    return math.prod(_factorial(r) for r in checked)

