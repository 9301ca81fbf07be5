"""General losses on the functional space (issue 6): counts, exact points, bad local minima, lifting."""

import json
import math
import random
import shutil

import numpy as np
import pytest
import sympy

from linnet_geometry import (DeterminantalVariety, LinearNetwork, MatrixSensingLoss, PolynomialLoss, QuadraticLoss,
                             WeightedQuadraticLoss, critical_locus)
from linnet_geometry.cli import main
from linnet_geometry.critical import general
from linnet_geometry.critical.general import function_space_critical_points
from linnet_geometry.exceptions import (AssumptionError, BackendNotFoundError, DegenerateDataError, ExactInputRequiredError,
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
    monkeypatch.setattr(general.shutil, "which", lambda name: None)
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


@external
@pytest.mark.slow
@pytest.mark.theorem("DHOST2016")
def test_generic_weighted_count_3x3():
    counts = set()
    for seed in (11, 12):
        loss = _random_weighted(3, 3, random.Random(seed), size=99)
        counts.add(function_space_critical_points(loss, DeterminantalVariety(3, 3, 1)).counts[1])
    assert counts == {WEIGHTED_RANK1_COUNTS[(3, 3)]}


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


def test_positive_dimensional_critical_set_is_reported():
    # unit weights and a target with equal singular values: a circle of critical points
    with pytest.raises(DegenerateDataError, match="dimension"):
        function_space_critical_points(QuadraticLoss([[1, 0], [0, 1]]), DeterminantalVariety(2, 2, 1),
                                       backend="sympy")


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
    (["analyze", "--loss", "polynomial", "--widths", "2,1,2", "--expr", "w11 + q"], "extra symbols"),
])
def test_cli_bad_input(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1
