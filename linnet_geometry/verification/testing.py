"""Hypothesis strategies and assertion helpers for test suites (ours and yours).

Use them in any pytest suite that builds on linear-network theory::

    from hypothesis import given
    from linnet_geometry.verification.testing import architectures, exact_thetas, assert_rank_formula

    @given(st.data())
    def test_my_claim(data):
        widths = data.draw(architectures(filling=False))
        assert_rank_formula(LinearNetwork(widths), data.draw(exact_thetas(widths)))

Strategies produce *exact* data (sympy Rationals), so properties can be
checked with exact equalities:

* :func:`architectures` — widths, optionally only filling or non-filling;
* :func:`rational_orthogonal` — exact orthogonal matrices (Cayley transform);
* :func:`matrices_of_rank` — exact matrices of a prescribed rank;
* :func:`generic_targets` — targets with distinct, nonzero, *rational* squared
  singular values (so every stratum has an exact representative);
* :func:`degenerate_targets` — repeated or zero singular values;
* :func:`rank_deficient_targets` — targets of prescribed rank below ``min(rows, cols)``;
* :func:`exact_thetas` — parameter points, often rank-deficient;
* :func:`critical_points` — exact critical points ``(network, loss, θ)`` of a
  weighted quadratic loss with a prescribed end-to-end rank, pure or spurious;
* :func:`bad_widths`, :func:`matrix_texts` — invalid and random input for hardening tests.

Assertion helpers raise ``AssertionError`` with a readable message:

* :func:`assert_critical`, :func:`assert_locus_consistent` (THEORY §3);
* :func:`assert_rank_formula` — closed-form rank of dμ equals the Jacobian rank (THEORY §1);
* :func:`assert_never_generic` — degenerate data is reported as families;
* :func:`assert_typed_error` — a call raises a typed library error naming expected and received;
* :func:`assert_statement` — a statement of :mod:`linnet_geometry.verification.theorems` passes.

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

import numpy as np
import sympy
from hypothesis import assume
from hypothesis import strategies as st

from ..critical import classify
from ..exact.matrix import rank as matrix_rank
from ..exceptions import InvalidArgumentError, LinnetError
from ..model.network import LinearNetwork
from . import theorems
from .theorems.instances import _critical_instance, _diag

__all__ = [
    "architectures",
    "rational_orthogonal",
    "matrices_of_rank",
    "generic_targets",
    "degenerate_targets",
    "rank_deficient_targets",
    "exact_thetas",
    "critical_points",
    "bad_widths",
    "matrix_texts",
    "assert_critical",
    "assert_locus_consistent",
    "assert_rank_formula",
    "assert_never_generic",
    "assert_typed_error",
    "assert_statement",
]

_small_rationals = st.fractions(min_value=-3, max_value=3, max_denominator=4)


@st.composite
def architectures(draw, max_depth: int = 3, max_width: int = 3, filling=None):
    """Widths ``(d_0, …, d_h)`` with ``1 ≤ h ≤ max_depth`` (``filling`` True/False/None).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=3, deadline=None)
    ... @given(architectures(max_depth=2, filling=False))
    ... def test_non_filling(widths):
    ...     assert 2 <= len(widths) <= 3 and min(widths) < min(widths[0], widths[-1])
    >>> test_non_filling()
    """
    for _ in range(100):
        h = draw(st.integers(1, max_depth))
        widths = tuple(draw(st.integers(1, max_width)) for _ in range(h + 1))
        is_filling = min(widths) == min(widths[0], widths[-1])
        if filling is None or filling == is_filling:
            return widths
    assume(False)


@st.composite
def rational_orthogonal(draw, n: int):
    """An exact orthogonal ``n × n`` matrix ``(I − A)(I + A)^{-1}``, A skew-symmetric rational, times a sign flip.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=3, deadline=None)
    ... @given(rational_orthogonal(3))
    ... def test_orthogonal(Q):
    ...     assert Q.T * Q == sympy.eye(3)
    >>> test_orthogonal()
    """
    A = sympy.zeros(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            a = sympy.Rational(draw(_small_rationals))
            A[i, j], A[j, i] = a, -a
    eye = sympy.eye(n)
    Q = (eye - A) * (eye + A).inv()
    signs = [draw(st.sampled_from([1, -1])) for _ in range(n)]
    return Q * sympy.diag(*signs)


@st.composite
def matrices_of_rank(draw, rows: int, cols: int, rank: int):
    """An exact ``rows × cols`` matrix of rank exactly ``rank`` (product of random integer factors).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=3, deadline=None)
    ... @given(matrices_of_rank(3, 4, 2))
    ... def test_rank(M):
    ...     assert M.shape == (3, 4) and M.rank() == 2
    >>> test_rank()
    """
    for _ in range(50):
        A = sympy.Matrix(rows, rank, [draw(st.integers(-3, 3)) for _ in range(rows * rank)])
        B = sympy.Matrix(rank, cols, [draw(st.integers(-3, 3)) for _ in range(rank * cols)])
        M = A * B if rank else sympy.zeros(rows, cols)
        if M.rank() == rank:
            return M
    assume(False)


@st.composite
def generic_targets(draw, rows: int, cols: int):
    """Target with distinct nonzero singular values whose squares are rational.

    ``U = P diag(σ) Q`` with exact orthogonal P, Q and distinct positive
    rational σ: the exact path then has rational representatives.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=3, deadline=None)
    ... @given(generic_targets(2, 3))
    ... def test_distinct_squared_singular_values(U):
    ...     lam = (U * U.T).eigenvals()  # squared singular values, with multiplicity
    ...     assert len(lam) == 2 and all(v.is_Rational and v > 0 for v in lam)
    >>> test_distinct_squared_singular_values()
    """
    m = min(rows, cols)
    sig = draw(st.lists(st.integers(1, 9), min_size=m, max_size=m, unique=True))
    P = draw(rational_orthogonal(rows))
    Q = draw(rational_orthogonal(cols))
    return P * _diag(rows, cols, sorted(sig, reverse=True)) * Q


@st.composite
def degenerate_targets(draw, rows: int, cols: int):
    """Target with a repeated nonzero or a zero singular value (``min(rows, cols) ≥ 2``).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=3, deadline=None)
    ... @given(degenerate_targets(2, 2))
    ... def test_degenerate(U):
    ...     lam = (U * U.T).eigenvals()
    ...     assert len(lam) < 2 or 0 in lam
    >>> test_degenerate()
    """
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
    """Exact θ for ``widths``; each layer a product of small integer factors of random rank (often deficient).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from linnet_geometry import LinearNetwork
    >>> @settings(max_examples=3, deadline=None)
    ... @given(exact_thetas((2, 3, 2)))
    ... def test_rank_formula(theta):
    ...     assert [W.shape for W in theta] == [(3, 2), (2, 3)]
    ...     assert_rank_formula(LinearNetwork((2, 3, 2)), theta)
    >>> test_rank_formula()
    """
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


@st.composite
def rank_deficient_targets(draw, rows: int, cols: int, rank=None):
    """Exact ``rows × cols`` target of rank ``rank`` (default: drawn below ``min(rows, cols)``).

    Its zero singular values make the data degenerate (THEORY §3).

    Examples
    --------
    >>> from hypothesis import find
    >>> U = find(rank_deficient_targets(3, 3, 1), lambda U: True)
    >>> U.shape, U.rank()
    ((3, 3), 1)
    """
    m = min(rows, cols)
    k = draw(st.integers(0, m - 1)) if rank is None else rank
    if not 0 <= k < m:
        raise InvalidArgumentError(f"rank: expected 0 ≤ rank < min(rows, cols) = {m}; received {k}")
    return draw(matrices_of_rank(rows, cols, k))


@st.composite
def critical_points(draw, widths, rank=None, kind=None, weighted=True):
    """An exact critical point ``(network, loss, θ)`` with ``rk μ(θ) = rank``.

    ``θ`` factors ``W̄ = C R`` through the hidden layers (mixed by random
    unimodular matrices), and the loss — a :class:`~linnet_geometry.WeightedQuadraticLoss`
    (``weighted=False``: a :class:`~linnet_geometry.QuadraticLoss`) — is chosen with
    ``∇ℓ(W̄) = G``, ``Cᵀ G = 0 = G Rᵀ``, which makes θ critical (THEORY §1–2).
    ``kind="spurious"`` forces ``G ≠ 0`` at ``rank < r``; ``kind="pure"`` forces ``G = 0``
    (or ``rank = r``, where every such G is normal to ``M_r``).

    Examples
    --------
    >>> from hypothesis import find
    >>> from linnet_geometry import classify
    >>> net, loss, theta = find(critical_points((2, 2, 1, 2), rank=0, kind="spurious"), lambda x: True)
    >>> rep = classify(net, loss, theta)
    >>> rep.is_critical, rep.kind
    (True, 'spurious')
    """
    widths = tuple(widths)
    r = min(widths)
    if rank is None:
        rank = draw(st.integers(0, r - 1 if kind == "spurious" else r))
    if not 0 <= rank <= r or (kind == "spurious" and rank == r):
        raise InvalidArgumentError(f"rank: expected 0 ≤ rank ≤ r = {r} (< r for spurious points); received {rank}")
    if kind not in (None, "pure", "spurious"):
        raise InvalidArgumentError(f"kind: expected None, 'pure' or 'spurious'; received {kind!r}")
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if kind == "pure":
        nonzero = rank == r and draw(st.booleans())
    elif kind == "spurious":
        nonzero = True
    else:
        nonzero = draw(st.booleans())
    inst = _critical_instance(rng, widths, rank, nonzero, unit=not weighted)
    return LinearNetwork(widths), inst["loss"], inst["theta"]


def bad_widths():
    """Invalid widths: empty, one entry, zero, negative, float, bool, str, huge, None entries.

    Examples
    --------
    >>> from hypothesis import find
    >>> from linnet_geometry import LinearNetwork
    >>> from linnet_geometry.exceptions import WidthsError
    >>> w = find(bad_widths(), lambda w: isinstance(w, list) and len(w) == 1)
    >>> assert_typed_error(WidthsError, LinearNetwork, w).args[0].startswith("widths")
    True
    """
    good = st.integers(1, 4)
    bad_entry = st.one_of(st.integers(max_value=0), st.floats(allow_nan=True), st.booleans(), st.text(max_size=3),
                          st.integers(min_value=10**6 + 1), st.none(), st.just(2.0))
    short = st.lists(good, max_size=1)
    with_bad = st.tuples(st.lists(good, max_size=3), bad_entry, st.lists(good, max_size=3)).map(
        lambda t: t[0] + [t[1]] + t[2])
    return st.one_of(short, with_bad, st.just(()), st.text(max_size=5), st.none(), st.integers())


def matrix_texts():
    """Random strings for fuzzing matrix parsers: valid literals, near-misses and junk.

    Examples
    --------
    >>> from hypothesis import find
    >>> isinstance(find(matrix_texts(), lambda t: ";" in t), str)
    True
    """
    num = st.one_of(st.integers(-99, 99).map(str), st.fractions(max_denominator=9).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.sampled_from(["nan", "inf", "-inf", "1/0", "1e400", "0x10", "--1", "1.2.3", "", "a", "1/", "/2"]))
    row = st.lists(num, min_size=0, max_size=4).map(" ".join)
    literal = st.lists(row, min_size=0, max_size=4).map("; ".join)
    return st.one_of(literal, st.text(max_size=30),
                     st.text(alphabet="0123456789 ;,/.-e+\n", max_size=30))


def assert_critical(network, loss, theta):
    """Assert ``∇L(θ) = 0`` (exactly for exact input) and return the classification report.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> net, loss = LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]])
    >>> assert_critical(net, loss, [[[1, 0]], [[2], [0]]]).role
    'global_min'
    >>> assert_critical(net, loss, [[[1, 0]], [[1], [0]]])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    AssertionError: θ is not critical: ‖∇L‖ = 2.82...
    """
    rep = classify(network, loss, theta)
    assert rep.is_critical, f"θ is not critical: ‖∇L‖ = {rep.gradient_norm}"
    return rep


def assert_locus_consistent(locus, check_representatives: bool = True):
    """Assert the statements of THEORY §3 on a computed locus.

    Checks: pure ⇔ ``|S| = r`` (or ``U_S = U``); values are ``c + Σ_{j∉S} λ_j``; the
    global minimum is the unique pure stratum of index 0 (generic data);
    representatives are critical with the stratum's kind, value and, when
    the Hessian is formed, role (TKB2020, EY1936).

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> locus = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]]))
    >>> assert_locus_consistent(locus)  # passes silently
    >>> [(s.support, s.kind, s.role) for s in locus.strata]
    [((), 'spurious', 'strict_saddle'), ((1,), 'pure', 'global_min'), ((2,), 'pure', 'strict_saddle')]
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


def assert_rank_formula(network, theta):
    """Assert the closed-form rank of dμ (THEORY §1) equals the rank of the explicit Jacobian.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork
    >>> assert_rank_formula(LinearNetwork((2, 1, 2)), [[[0, 1]], [[0], [1]]])
    3
    """
    closed = network.differential_rank(theta)
    explicit = matrix_rank(network.differential(theta))
    assert closed == explicit, f"closed-form rank {closed} != Jacobian rank {explicit} for {network}"
    return closed


def assert_never_generic(locus):
    """Assert a locus of degenerate data is reported as degenerate, with families (THEORY §3).

    Checks ``is_degenerate``, that the reported squared singular values really
    tie or vanish, and that every stratum choosing part of a tie block has a
    positive family dimension.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> assert_never_generic(critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[1, 0], [0, 1]])))
    """
    sp = locus.spectrum
    assert locus.is_degenerate, f"degenerate data reported as generic: {locus}"
    lam = list(sp.eigenvalues)
    ties = len(set(lam)) < len(lam)
    zero = any(v == 0 for v in lam) if sp.exact else sp.rank < sp.size
    assert ties or zero or any(len(b) > 1 for b in sp.blocks), f"is_degenerate but the spectrum {lam} is generic"
    for stratum in locus.strata:
        S = set(stratum.support)
        partial = any(0 < len(S & set(b)) < len(b) for b in sp.blocks)
        assert (stratum.family_dimension > 0) == partial, stratum


def assert_typed_error(expected_type, func, *args, **kwargs):
    """Assert ``func(*args, **kwargs)`` raises ``expected_type``, a :class:`~linnet_geometry.LinnetError`
    that also subclasses a builtin exception, with a message saying what was expected.

    Returns the exception.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork
    >>> from linnet_geometry.exceptions import WidthsError
    >>> err = assert_typed_error(WidthsError, LinearNetwork, [3, 0, 2])
    >>> isinstance(err, ValueError)
    True
    """
    try:
        func(*args, **kwargs)
    except LinnetError as err:
        assert isinstance(err, expected_type), f"raised {type(err).__name__}: {err}; expected {expected_type.__name__}"
        builtin = [c for c in type(err).__mro__ if c.__module__ == "builtins" and c not in (object, BaseException,
                                                                                            Exception)]
        assert builtin, f"{type(err).__name__} subclasses no builtin exception"
        msg = str(err)
        assert msg and "\n" not in msg, f"message should be one non-empty line: {msg!r}"
        assert "expected" in msg.lower() or "expect" in msg.lower(), f"message does not say what was expected: {msg!r}"
        return err
    except Exception as err:  # untyped error: report it
        raise AssertionError(f"raised untyped {type(err).__name__}: {err}; expected {expected_type.__name__}") from err
    raise AssertionError(f"no error raised; expected {expected_type.__name__}")


def assert_statement(name, trials: int = 20, seed: int = 0, **kwargs):
    """Assert a statement of :mod:`linnet_geometry.verification.theorems` passes on ``trials`` seeded instances.

    The assertion message carries the first counterexample.  Returns the
    :class:`~linnet_geometry.verification.theorems.registry.StatementResult`.

    Examples
    --------
    >>> assert_statement("rank_formula", trials=3, executor="serial").passes
    3
    """
    report = theorems.verify(name, trials=trials, seed=seed, **kwargs)
    result = report[name]
    assert result.ok, (f"{name} ({result.section}, {result.reference}) failed {result.failures}/{result.trials} "
                       f"trials; counterexample: {result.counterexample}")
    return result
