"""critical_locus and classify against the exact statements of THEORY §2–3 and independent routes."""

import itertools
import warnings

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from linnet_geometry import (
    DegenerateDataWarning,
    LinearNetwork,
    PolynomialLoss,
    QuadraticLoss,
    classify,
    critical_locus,
    fiber_dimension,
    parameter_hessian,
)
from linnet_geometry.critical.brute_force import critical_value_polynomial, stratum_dimension
from linnet_geometry.exceptions import InputTypeError, ProblemTooLargeError, ShapeError
from linnet_geometry.verification.testing import (
    architectures,
    assert_locus_consistent,
    degenerate_targets,
    generic_targets,
)


def eig(H):
    return sorted(sympy.Matrix(H).eigenvals(multiple=True))


# -- the exact examples of the issue ---------------------------------------------------------
@pytest.mark.theorem("TKB2020")
def test_d111():
    net, loss = LinearNetwork((1, 1, 1)), QuadraticLoss([[1]])
    rep = classify(net, loss, [[[0]], [[0]]])
    assert rep.is_critical and rep.kind == "spurious"
    assert eig(parameter_hessian(net, loss, [[[0]], [[0]]])) == [-2, 2]
    assert not classify(net, loss, [[[0]], [[1]]]).is_critical


@pytest.mark.theorem("TKB2020")
def test_d212():
    net, loss = LinearNetwork((2, 1, 2)), QuadraticLoss(sympy.diag(2, 1))
    th = [[[0, 1]], [[0], [1]]]
    rep = classify(net, loss, th)
    assert rep.is_critical and rep.kind == "pure" and rep.value == 4
    assert eig(parameter_hessian(net, loss, th)) == [-2, 0, 4, 6]
    zero = [[[0, 0]], [[0], [0]]]
    rep0 = classify(net, loss, zero)
    assert rep0.is_critical and rep0.kind == "spurious" and rep0.value == 5
    assert eig(parameter_hessian(net, loss, zero)) == [-4, -2, 2, 4]


@pytest.mark.theorem("AMG2024")
def test_d1111_zero_hessian_non_strict():
    net, loss = LinearNetwork((1, 1, 1, 1)), QuadraticLoss([[1]])
    th = [[[0]], [[0]], [[0]]]
    assert parameter_hessian(net, loss, th) == sympy.zeros(3, 3)
    rep = classify(net, loss, th)
    assert rep.role == "non_strict_saddle" and rep.hessian_inertia == (0, 0, 3)
    # a point of the same stratum where the saddle is strict: strictness is not a stratum property
    rep2 = classify(net, loss, [[[1]], [[0]], [[0]]])
    assert rep2.is_critical and rep2.role == "strict_saddle"
    assert critical_locus(net, loss).stratum(()).role == "saddle"


@pytest.mark.theorem("K2016")
def test_one_hidden_layer_origin_hessian_is_pm_two_sigma():
    U = sympy.diag(3, 2)
    net = LinearNetwork((2, 3, 2))
    H = parameter_hessian(net, QuadraticLoss(U), [sympy.zeros(3, 2), sympy.zeros(2, 3)])
    ev = sympy.Matrix(H).eigenvals()
    assert ev == {6: 3, -6: 3, 4: 3, -4: 3}


# -- properties on random exact instances ------------------------------------------------------
def _draw_problem(data):
    """An architecture (depth and widths ≤ 3) and a generic target U of shape d_h × d_0."""
    widths = data.draw(architectures(max_depth=3, max_width=3))
    return widths, data.draw(generic_targets(widths[-1], widths[0]))


def _draw_target(data, sizes, targets):
    """Sizes m, n drawn from ``sizes`` and a target U of shape m × n drawn from ``targets(m, n)``."""
    m, n = data.draw(sizes), data.draw(sizes)
    return m, n, data.draw(targets(m, n))


@pytest.mark.theorem("TKB2020")
@pytest.mark.theorem("EY1936")
@settings(max_examples=25)
@given(st.data())
def test_locus_statements_random(data):
    widths, U = _draw_problem(data)
    locus = critical_locus(LinearNetwork(widths), QuadraticLoss(U))
    assert not locus.is_degenerate
    assert_locus_consistent(locus)


@pytest.mark.theorem("TKB2020")
@settings(max_examples=20)
@given(st.data())
def test_pure_hessian_nullity_is_fiber_dimension_and_index(data):
    widths, U = _draw_problem(data)
    net = LinearNetwork(widths)
    locus = critical_locus(net, QuadraticLoss(U))
    fiber = net.num_params - net.functional_space.dim
    for stratum in locus.strata:
        if stratum.kind != "pure" or stratum.rank != net.bottleneck:
            continue
        assert stratum.dimension == fiber == fiber_dimension(widths, net.bottleneck)
        p, n, z = classify(net, locus.loss, stratum.representative).hessian_inertia
        assert z == fiber  # Hessian nullity = fiber dimension
        assert n == stratum.function_space_index  # function-space Morse index (EY1936, DHOST2016)


@pytest.mark.theorem("EY1936")
@settings(max_examples=20)
@given(st.data())
def test_function_space_index_formula(data):
    m, n, U = _draw_target(data, st.integers(1, 4), generic_targets)
    locus = critical_locus(LinearNetwork((n, min(m, n), m)), QuadraticLoss(U))
    lam = locus.spectrum.eigenvalues
    for p in locus.function_space_points:
        S = set(p.support)
        expected = sum(1 for i in S for j in range(1, len(lam) + 1) if j not in S and lam[j - 1] > lam[i - 1])
        assert p.index == expected
    counts = {}
    for p in locus.function_space_points:
        counts[p.rank] = counts.get(p.rank, 0) + 1
    assert counts == {e: sympy.binomial(min(m, n), e) for e in range(min(m, n) + 1)}


# -- independent routes ---------------------------------------------------------------------------
BRUTE_CASES = [
    ((1, 1, 1), [[1]]),
    ((2, 1, 2), [[2, 0], [0, 1]]),
    ((1, 1, 1, 1), [[2]]),
    ((2, 1, 1), [[3, 1]]),
    ((2, 2, 1), [[1, 2]]),
    ((2, 2, 2), [[3, 0], [0, 1]]),
    ((2, 1, 2), [[1, 2], [2, 1]]),
    ((3, 1, 3), [[3, 0, 0], [0, 2, 0], [0, 0, 1]]),
    ((2, 2, 1, 2), [[2, 0], [0, 1]]),
    ((1, 2, 2, 1), [[3]]),
]


@pytest.mark.theorem("TKB2020")
@pytest.mark.parametrize("widths,U", BRUTE_CASES)
def test_against_groebner_elimination(widths, U):
    net, loss = LinearNetwork(widths), QuadraticLoss(U)
    t = sympy.Symbol("t")
    p = sympy.Poly(critical_value_polynomial(net, loss, t), t)
    locus = critical_locus(net, loss)
    values = {sympy.nsimplify(st.value) for st in locus.strata}
    for v in values:  # every critical value is a root of the eliminant
        assert sympy.simplify(p.as_expr().subs(t, v)) == 0
    real_roots = set(sympy.real_roots(p))
    assert real_roots == values  # every real root is a critical value


@pytest.mark.parametrize("widths,U", [c for c in BRUTE_CASES if sum(
    a * b for a, b in zip(c[0], c[0][1:])) <= 8] + [((2, 2, 1, 2), [[5, 0], [0, 1]]), ((2, 1, 1, 2), [[0, 4], [3, 0]])])
def test_dimensions_against_groebner(widths, U):
    # for depth ≥ 3 the locus uses a Gröbner computation on diag(s+j, ..., 1): this checks the claim
    # that the dimension does not depend on the singular values themselves
    net, loss = LinearNetwork(widths), QuadraticLoss(U)
    for st_ in critical_locus(net, loss).strata:
        if st_.dimension is not None:
            assert st_.dimension == stratum_dimension(net, loss, st_.support), st_


@pytest.mark.theorem("TKB2020")
@pytest.mark.parametrize("widths", [(2, 1, 2), (3, 2, 3), (2, 3, 2, 2), (3, 2, 2, 3), (1, 2, 1)])
def test_fiber_dimension_formula(widths):
    r = min(widths)
    net = LinearNetwork(widths)
    assert fiber_dimension(widths, r) == net.num_params - net.functional_space.dim


@pytest.mark.filterwarnings("ignore::linnet_geometry.DegenerateDataWarning")  # (2,3,2,2) draws a rank-1 target
@pytest.mark.parametrize("widths", [(3, 2, 3), (2, 3, 2, 2), (4, 2, 3)])
def test_numeric_path_agrees_with_exact(widths):
    rng = np.random.default_rng(1)
    U = sympy.Matrix(widths[-1], widths[0], lambda i, j: int(rng.integers(-5, 6)))
    net = LinearNetwork(widths)
    exact = critical_locus(net, QuadraticLoss(U))
    numeric = critical_locus(net, QuadraticLoss(U), numeric=True)
    for a, b in zip(exact.strata, numeric.strata):
        assert (a.support, a.kind, a.role, a.function_space_index, a.dimension) == (
            b.support, b.kind, b.role, b.function_space_index, b.dimension)
        assert abs(a.value_float - b.value_float) < 1e-9 * max(1, abs(a.value_float))
    # numeric representatives are critical (float path, tolerance)
    for b in numeric.strata:
        rep = classify(net, numeric.loss, b.representative)
        assert rep.is_critical and rep.kind == b.kind
    # exact values are exact algebraic numbers, not floats
    assert not any(st.value.has(sympy.Float) for st in exact.strata)


def test_numeric_stable_under_tiny_perturbation():
    rng = np.random.default_rng(7)
    U = rng.standard_normal((3, 4))
    net = LinearNetwork((4, 2, 3))
    a = critical_locus(net, QuadraticLoss(U))
    b = critical_locus(net, QuadraticLoss(U + 1e-12 * rng.standard_normal((3, 4))))
    for x, y in zip(a.strata, b.strata):
        assert (x.support, x.kind, x.role) == (y.support, y.kind, y.role)
        assert abs(x.value_float - y.value_float) < 1e-9


# -- degenerate targets -----------------------------------------------------------------------------
@settings(max_examples=25)
@given(st.data())
def test_degenerate_never_reported_generic(data):
    m, n, U = _draw_target(data, st.integers(2, 3), degenerate_targets)
    locus = critical_locus(LinearNetwork((n, 2, m)), QuadraticLoss(U))
    assert locus.is_degenerate
    lam = locus.spectrum.eigenvalues
    assert len(set(lam)) < len(lam) or 0 in lam
    assert_locus_consistent(locus)


def test_degenerate_family_dimensions():
    net = LinearNetwork((3, 2, 3))
    locus = critical_locus(net, QuadraticLoss(sympy.diag(2, 2, 1)))
    assert locus.is_degenerate and locus.spectrum.blocks == ((1, 2), (3,))
    by_support = {s.support: s for s in locus.strata}
    assert set(by_support) == {(), (1,), (3,), (1, 2), (1, 3)}
    assert by_support[(1,)].family_dimension == 1 and by_support[(1,)].is_family  # a circle of U_S
    assert by_support[(1, 2)].role == "global_min" and by_support[(1, 2)].family_dimension == 0
    assert by_support[(1, 3)].role == "strict_saddle" and by_support[(1, 3)].family_dimension == 1
    assert by_support[(1, 3)].function_space_index == 1
    # the family is real: rotating within the tied block gives other critical points with the same value
    c, s = sympy.Rational(3, 5), sympy.Rational(4, 5)
    R = sympy.Matrix([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    th = by_support[(1,)].representative
    rotated = (th[0] * R.T, R * th[1])
    rep = classify(net, locus.loss, rotated)
    assert rep.is_critical and rep.value == by_support[(1,)].value
    assert net.end_to_end(rotated) != net.end_to_end(th)


def test_zero_singular_value_target_in_functional_space():
    U = sympy.Matrix([[1, 2, 3], [2, 4, 6], [1, 1, 1]])  # rank 2 ≤ r
    net = LinearNetwork((3, 2, 3))
    locus = critical_locus(net, QuadraticLoss(U))
    assert locus.is_degenerate and locus.spectrum.rank == 2
    assert locus.global_minimum_value == 0
    assert_locus_consistent(locus)


def test_numeric_degenerate_warns():
    with pytest.warns(DegenerateDataWarning):
        locus = critical_locus(LinearNetwork((3, 2, 3)), QuadraticLoss(np.eye(3)))
    assert locus.is_degenerate and locus.num_strata == 3


# -- data form ---------------------------------------------------------------------------------------
@pytest.mark.theorem("BH1989")
def test_data_loss_locus_values_match_direct_evaluation():
    X = sympy.Matrix([[1, 0, 1, 2], [0, 1, 1, -1], [1, 1, 0, 0]])
    Y = sympy.Matrix([[1, 2, 3, 0], [0, 1, 0, 1], [2, 0, 1, 1]])
    net = LinearNetwork((3, 2, 3))
    loss = QuadraticLoss.from_data(X, Y)
    locus = critical_locus(net, loss)
    for stratum in locus.strata:
        rep = classify(net, loss, stratum.representative)
        assert rep.is_critical and rep.kind == stratum.kind
        W = net.end_to_end(stratum.representative)
        direct = sum(float(v) ** 2 for v in (W * X - Y).evalf(40))
        assert abs(direct - stratum.value_float) < 1e-9 * max(1, stratum.value_float)


# -- scale ---------------------------------------------------------------------------------------------
def test_large_numeric_locus_is_lazy():
    net = LinearNetwork((64,) * 6)
    U = np.random.default_rng(0).standard_normal((64, 64))
    locus = critical_locus(net, QuadraticLoss(U))
    assert locus.num_strata == 2**64
    with pytest.raises(ProblemTooLargeError):
        len(locus.strata)
    first = list(itertools.islice(locus.strata, 3))
    assert [s.support for s in first] == [(), (1,), (2,)]
    rep = classify(net, locus.loss, locus.global_minimum.representative)
    assert rep.role == "global_min" and rep.is_critical


# -- general losses through classify ------------------------------------------------------------------
@pytest.mark.theorem("TKB2020")
def test_classify_weighted_loss_bad_local_min_is_pure():
    # d = (2,1,2), weighted least squares with heavy off-diagonal weights: θ with W̄ = e2 e2ᵀ is a
    # pure local minimum of value 4 while W̄ = 2 e1 e1ᵀ has value 1 (THEORY §4: bad local minima exist).
    a, b, c, d = sympy.symbols("a b c d")
    W = sympy.Matrix([[a, b], [c, d]])
    lam = [[1, 10], [10, 1]]
    U = sympy.diag(2, 1)
    expr = sum(lam[i][j] * (W[i, j] - U[i, j]) ** 2 for i in range(2) for j in range(2))
    loss = PolynomialLoss(expr, W, convex=True)
    net = LinearNetwork((2, 1, 2))
    bad = classify(net, loss, [[[0, 1]], [[0], [1]]])
    good = classify(net, loss, [[[1, 0]], [[2], [0]]])
    for rep in (bad, good):
        assert rep.is_critical and rep.kind == "pure" and rep.role == "local_min"
        assert rep.hessian_inertia == (3, 0, 1)  # nullity 1 = fiber dimension
    assert bad.value == 4 and good.value == 1  # so the first one is a bad local minimum


def test_errors():
    net = LinearNetwork((2, 1, 2))
    with pytest.raises(ShapeError, match=r"expected \(2, 2\)"):
        critical_locus(net, QuadraticLoss([[1, 2, 3]]))
    with pytest.raises(InputTypeError):
        critical_locus(net, "not a loss")
    W = sympy.Matrix(2, 2, sympy.symbols("a:4"))
    with pytest.raises(InputTypeError, match="quadratic"):
        critical_locus(net, PolynomialLoss(W[0] ** 4, W))
    locus = critical_locus(net, QuadraticLoss(sympy.diag(2, 1)))
    with pytest.raises(ShapeError, match="bottleneck"):
        locus.stratum((1, 2))
    with pytest.raises(ShapeError, match=r"theta\[0\]"):
        classify(net, QuadraticLoss(sympy.diag(2, 1)), [[[1, 2, 3]], [[1], [1]]])


# Exhaustive cross-check over all widths ≤ 2 and depth ≤ 3 (slow). Four architectures are left out
# because sympy's lex Gröbner elimination does not finish within minutes there:
# (1,1,2,2), (1,2,2,2), (2,1,2,2), (2,2,2,2).
_SLOW_BRUTE = [w for h in (1, 2, 3) for w in itertools.product((1, 2), repeat=h + 1)
               if w not in {(1, 1, 2, 2), (1, 2, 2, 2), (2, 1, 2, 2), (2, 2, 2, 2)}]


@pytest.mark.slow
@pytest.mark.theorem("TKB2020")
@pytest.mark.parametrize("widths", _SLOW_BRUTE)
def test_against_groebner_elimination_exhaustive(widths):
    U = sympy.zeros(widths[-1], widths[0])
    for k in range(min(widths[0], widths[-1])):
        U[k, k] = (3, 1)[k]
    test_against_groebner_elimination(widths, U.tolist())


# -- polynomial-time combinatorics and direct indexing -------------------------------------------------
def _fiber_by_recursion(widths, s):
    """The defining recursion on the last layer, evaluated naively (exponential; small widths only)."""
    if len(widths) == 2:
        return 0
    d0, dprev, dh = widths[0], widths[-2], widths[-1]
    return max(dprev * t + (t - s) * (d0 - t) + _fiber_by_recursion(widths[:-1], t) + dh * (dprev - t)
               for t in range(s, min(widths[:-1]) + 1))


@settings(max_examples=60)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=6), st.data())
def test_fiber_dimension_dynamic_programming_matches_recursion(widths, data):
    s = data.draw(st.integers(0, min(widths)))
    assert fiber_dimension(tuple(widths), s) == _fiber_by_recursion(tuple(widths), s)


@pytest.mark.theorem("TKB2020")
def test_fiber_dimension_of_deep_wide_networks():
    """Polynomial time; at s = r it is d_θ − r(d_0 + d_h − r) (TKB2020)."""
    net = LinearNetwork((50,) * 11)
    assert fiber_dimension(net.widths, 50) == net.num_params - 50 * 50
    assert fiber_dimension((512,) * 11, 512) == 10 * 512**2 - 512**2
    assert 0 < fiber_dimension((50,) * 11, 10) <= net.num_params


def test_rank_ten_target_on_deep_wide_network_global_minimum():
    rng = np.random.default_rng(0)
    U = rng.standard_normal((50, 10)) @ rng.standard_normal((10, 50))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        locus = critical_locus(LinearNetwork((50,) * 11), QuadraticLoss(U))
        gm = locus.global_minimum
    assert gm.support == tuple(range(1, 11)) and gm.kind == "pure"
    assert gm.dimension == fiber_dimension((50,) * 11, 10)
    assert gm.value_float == pytest.approx(0.0, abs=1e-18 * np.sum(U * U))


@pytest.mark.parametrize("widths,U", [((3, 2, 3), [[3, 0, 0], [0, 2, 0], [0, 0, 1]]),
                                      ((3, 2, 3), [[1, 0, 0], [0, 1, 0], [0, 0, 2]]),
                                      ((4, 2, 2, 4), [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]),
                                      ((5, 3, 5), np.diag([1.0, 1.0, 1.0, 2.0, 2.0])),
                                      ((2, 2), [[5, 0], [0, 3]])])
def test_strata_indexing_by_unranking_matches_iteration(widths, U):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        locus = critical_locus(LinearNetwork(widths), QuadraticLoss(U))
        listed = list(locus.strata)
        assert len(listed) == locus.num_strata
        for k in range(-len(listed), len(listed)):
            assert locus.strata[k].support == listed[k].support
        assert [st.support for st in locus.strata[1::2]] == [st.support for st in listed[1::2]]
        assert locus.num_pure_strata == sum(st.kind == "pure" for st in listed)
        with pytest.raises(IndexError):
            locus.strata[len(listed)]


def test_last_stratum_of_a_huge_locus_is_direct():
    locus = critical_locus(LinearNetwork((60, 6, 60)), QuadraticLoss(np.diag(np.arange(60, 0, -1.0))))
    assert locus.num_strata == sum(__import__("math").comb(60, e) for e in range(7))
    last = locus.strata[-1]
    assert last.support == (55, 56, 57, 58, 59, 60) and last.kind == "pure"
    assert locus.strata[np.int64(1)].support == (1,)
    assert locus.num_pure_strata == __import__("math").comb(60, 6)


@pytest.mark.parametrize("index", [1.0, "1", None, True, (1,)])
def test_strata_index_must_be_an_int(index):
    locus = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]]))
    with pytest.raises(InputTypeError, match="strata index"):
        locus.strata[index]


def test_critical_values_of_a_huge_locus_are_refused_before_work():
    locus = critical_locus(LinearNetwork((40, 20, 40)), QuadraticLoss(np.diag(np.arange(40, 0, -1.0))))
    with pytest.raises(ProblemTooLargeError, match="strata"):
        locus.critical_values
    with pytest.raises(ProblemTooLargeError, match="slice"):
        locus.strata[:10**6]


@pytest.mark.theorem("EY1936")
def test_forty_digit_spectrum_by_flint_isolation():
    """12×12 target with 40-digit entries: exact eigenvalues agree with 80-digit numerics; Σλ = tr(UUᵀ)."""
    import random

    rnd = random.Random(1)
    U = sympy.Matrix(12, 12, [rnd.randint(-10**40, 10**40) for _ in range(144)])
    locus = critical_locus(LinearNetwork((12, 4, 12)), QuadraticLoss(U))
    lam = locus.spectrum.eigenvalues
    assert locus.spectrum.root_sum(range(1, 13)) == (U * U.T).trace()
    ctx = __import__("mpmath").MPContext()
    ctx.dps = 80
    ev = sorted(ctx.eigsy(ctx.matrix((U * U.T).tolist()))[0], reverse=True)
    for exact, num in zip(lam, ev):
        assert abs(sympy.N(exact, 60) - sympy.Float(str(num), 60)) <= sympy.Float("1e-40") * abs(sympy.N(exact, 60))
    assert all(a > b for a, b in zip(lam, lam[1:]))  # CRootOf comparisons work on the FLINT intervals
