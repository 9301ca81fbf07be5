"""Hypothesis strategies and assertion helpers for test suites (ours and yours).

Strategies produce *exact* data (sympy Rationals), so properties can be
checked with exact equalities:

* :func:`architectures` — widths, optionally only filling or non-filling;
* :func:`rational_orthogonal` — exact orthogonal matrices (Cayley transform);
* :func:`matrices_of_rank` — exact matrices of a prescribed rank;
* :func:`generic_targets` — targets with distinct, nonzero, *rational* squared
  singular values (so every stratum has an exact representative);
* :func:`degenerate_targets` — repeated or zero singular values.

Examples
--------
>>> from hypothesis import given, settings
>>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
>>> @settings(max_examples=5, deadline=None)
... @given(generic_targets(3, 3))
... def test_top_r_is_global(U):
...     locus = critical_locus(LinearNetwork((3, 2, 3)), QuadraticLoss(U))
...     assert_locus_consistent(locus)
>>> test_top_r_is_global()
"""

from __future__ import annotations

import sympy
from hypothesis import strategies as st

__all__ = [
    "architectures",
    "rational_orthogonal",
    "matrices_of_rank",
    "generic_targets",
    "degenerate_targets",
    "exact_thetas",
    "assert_critical",
    "assert_locus_consistent",
]

_small_rationals = st.fractions(min_value=-3, max_value=3, max_denominator=4)


@st.composite
def architectures(draw, max_depth: int = 3, max_width: int = 3, filling=None):
    """Widths ``(d_0, …, d_h)`` with ``1 ≤ h ≤ max_depth`` (``filling`` True/False/None)."""
    for _ in range(100):
        h = draw(st.integers(1, max_depth))
        widths = tuple(draw(st.integers(1, max_width)) for _ in range(h + 1))
        is_filling = min(widths) == min(widths[0], widths[-1])
        if filling is None or filling == is_filling:
            return widths
    from hypothesis import assume

    assume(False)


@st.composite
def rational_orthogonal(draw, n: int):
    """An exact orthogonal ``n × n`` matrix ``(I − A)(I + A)^{-1}``, A skew-symmetric rational, times a sign flip."""
    A = sympy.zeros(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            a = sympy.Rational(draw(_small_rationals))
            A[i, j], A[j, i] = a, -a
    eye = sympy.eye(n)
    Q = (eye - A) * (eye + A).inv()
    signs = [draw(st.sampled_from([1, -1])) for _ in range(n)]
    return Q * sympy.diag(*signs)


def _diag(rows, cols, values):
    D = sympy.zeros(rows, cols)
    for k, v in enumerate(values):
        D[k, k] = v
    return D


@st.composite
def matrices_of_rank(draw, rows: int, cols: int, rank: int):
    """An exact ``rows × cols`` matrix of rank exactly ``rank`` (product of random integer factors)."""
    for _ in range(50):
        A = sympy.Matrix(rows, rank, [draw(st.integers(-3, 3)) for _ in range(rows * rank)])
        B = sympy.Matrix(rank, cols, [draw(st.integers(-3, 3)) for _ in range(rank * cols)])
        M = A * B if rank else sympy.zeros(rows, cols)
        if M.rank() == rank:
            return M
    from hypothesis import assume

    assume(False)


@st.composite
def generic_targets(draw, rows: int, cols: int):
    """Target with distinct nonzero singular values whose squares are rational.

    ``U = P diag(σ) Q`` with exact orthogonal P, Q and distinct positive
    rational σ: the exact path then has rational representatives.
    """
    m = min(rows, cols)
    sig = draw(st.lists(st.integers(1, 9), min_size=m, max_size=m, unique=True))
    P = draw(rational_orthogonal(rows))
    Q = draw(rational_orthogonal(cols))
    return P * _diag(rows, cols, sorted(sig, reverse=True)) * Q


@st.composite
def degenerate_targets(draw, rows: int, cols: int):
    """Target with a repeated nonzero or a zero singular value (``min(rows, cols) ≥ 2``)."""
    m = min(rows, cols)
    base = draw(st.lists(st.integers(1, 5), min_size=m, max_size=m))
    how = draw(st.sampled_from(["repeat", "zero"]))
    if how == "repeat" or m == 1:
        base[1 % m] = base[0]
        if m == 1:
            base[0] = 0
    else:
        base[-1] = 0
    P = draw(rational_orthogonal(rows))
    Q = draw(rational_orthogonal(cols))
    return P * _diag(rows, cols, sorted(base, reverse=True)) * Q


@st.composite
def exact_thetas(draw, widths, max_rank=None):
    """Exact θ for ``widths``; each layer a product of small integer factors of random rank (often deficient)."""
    mats = []
    for i in range(1, len(widths)):
        rows, cols = widths[i], widths[i - 1]
        k = draw(st.integers(0, min(rows, cols) if max_rank is None else min(rows, cols, max_rank)))
        if k == 0:
            mats.append(sympy.zeros(rows, cols))
            continue
        A = sympy.Matrix(rows, k, [draw(st.integers(-2, 2)) for _ in range(rows * k)])
        B = sympy.Matrix(k, cols, [draw(st.integers(-2, 2)) for _ in range(k * cols)])
        mats.append(A * B)
    return tuple(mats)


def assert_critical(network, loss, theta):
    """Assert ``∇L(θ) = 0`` (exactly for exact input) and return the classification report."""
    from .critical import classify

    rep = classify(network, loss, theta)
    assert rep.is_critical, f"θ is not critical: ‖∇L‖ = {rep.gradient_norm}"
    return rep


def assert_locus_consistent(locus, check_representatives: bool = True):
    """Assert the statements of THEORY §3 on a computed locus.

    Checks: pure ⇔ |S| = r (or U_S = U); values are ``c + Σ_{j∉S} λ_j``; the
    global minimum is the unique pure stratum of index 0 (generic data);
    representatives are critical with the stratum's kind, value and, when
    the Hessian is formed, role (TKB2020, EY1936).
    """
    sp = locus.spectrum
    r = locus.network.bottleneck
    for stratum in locus.strata:
        expected_pure = stratum.rank == r or stratum.rank == sp.rank
        assert (stratum.kind == "pure") == expected_pure, stratum
        rest = [j for j in range(1, sp.size + 1) if j not in stratum.support]
        if sp.exact:
            diff = sympy.nsimplify(stratum.value - sp.offset - sum(sp.eigenvalues[j - 1] for j in rest))
            assert abs(float(sympy.N(diff, 50))) < 1e-40, stratum
        if check_representatives:
            rep = assert_critical(locus.network, locus.loss, stratum.representative)
            assert rep.kind == stratum.kind, (stratum, rep)
            assert abs(float(rep.value) - stratum.value_float) <= 1e-8 * max(1.0, abs(stratum.value_float))
            if stratum.role in ("global_min", "strict_saddle") and rep.hessian_inertia is not None:
                assert rep.role == stratum.role, (stratum, rep)
    if not locus.is_degenerate:
        mins = [s for s in locus.strata if s.role == "global_min"]
        assert len(mins) == 1 and mins[0].support == tuple(range(1, min(r, sp.rank) + 1))
