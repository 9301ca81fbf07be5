"""Weight decay (issue 10): exact counts, non-isolated detection, numerical cross-checks, bad minima.

The count ``1 + 4 d_y`` for one hidden neuron and one data point is proved in
the docstring of :mod:`linnet_geometry.regularized`; the tests check it by the
Gröbner route and independently through the univariate polynomial of the
proof.
"""

import json
import shutil
from fractions import Fraction

import numpy as np
import pytest
import sympy

from linnet_geometry import LinearNetwork, QuadraticLoss, classify, parameter_gradient, parameter_hessian
from linnet_geometry.cli import main
from linnet_geometry.exceptions import (
    AssumptionError,
    BackendNotFoundError,
    ExactInputRequiredError,
    InputTypeError,
    LinnetError,
    ProblemTooLargeError,
    ShapeError,
)
from linnet_geometry.regularized import (
    RegularizedLoss,
    gradient_system,
    parameter_critical_points,
    random_regularized_loss,
    solve_homotopy,
    solve_phc,
)

FAST_ARCHS = [(1, 1, 1), (2, 1, 1), (1, 1, 2), (2, 1, 2), (1, 2, 1), (1, 1, 1, 1)]
SLOW_ARCHS = [(2, 2, 1), (1, 2, 2), (3, 1, 2), (2, 1, 1, 1), (1, 1, 1, 2)]


def _symbolic_loss(network, loss):
    """L as a sympy expression in network.parameters (an independent route to the derivatives)."""
    Wbar = network.end_to_end()
    R = Wbar * loss.X - loss.Y
    lam = loss.layer_weights(network)
    reg = sum(l * w**2 for L_, W in zip(lam, network.weights) for l, w in zip(L_, W))
    return sympy.expand(sum(r**2 for r in R) / 2 + reg / 2)


# -- the loss -------------------------------------------------------------------------------------
@pytest.mark.parametrize("widths", [(2, 1, 2), (1, 2, 2), (2, 1, 1, 2)])
def test_derivatives_match_symbolic_differentiation(widths):
    net, loss = random_regularized_loss(widths, samples=2, seed=5)
    L = _symbolic_loss(net, loss)
    rng = np.random.default_rng(1)
    theta = [sympy.Matrix(r, c, [sympy.Rational(int(v), 7) for v in rng.integers(-9, 10, r * c)])
             for r, c in net.shapes]
    sub = dict(zip(net.parameters, [x for W in theta for x in W]))
    grads = parameter_gradient(net, loss, theta)  # delegates to the loss
    flat = [x for g in grads for x in g]
    assert flat == [sympy.diff(L, v).xreplace(sub) for v in net.parameters]
    H = parameter_hessian(net, loss, theta)
    assert H == sympy.hessian(L, net.parameters).xreplace(sub)
    assert loss.value(net, theta) == L.xreplace(sub)


def test_half_convention_and_quadratic_loss_input():
    X, Y = [[1, 0, 2], [0, 1, 1]], [[1, 2, 3]]
    net = LinearNetwork((2, 1))
    a = RegularizedLoss(QuadraticLoss.from_data(X, Y), 0)
    b = RegularizedLoss((X, Y), 0)
    W = [[[Fraction(1, 3), 2]]]
    q = QuadraticLoss.from_data(X, Y).value(W[0])
    assert a.value(net, W) == b.value(net, W) == q / 2
    # target form ||W - U||^2 is read as X = I, Y = U
    c = RegularizedLoss(QuadraticLoss([[3, 4]]), 0)
    assert c.value(net, [[[0, 0]]]) == sympy.Rational(25, 2)


def test_classify_exact_bad_local_minimum_at_origin():
    # L = ½(abc·1 − 4)² + ½(a² + 2b² + 3c²): Hessian at 0 is diag(1, 2, 3) because the data part is cubic
    net = LinearNetwork((1, 1, 1, 1))
    loss = RegularizedLoss(([[1]], [[4]]), [1, 2, 3])
    rep = classify(net, loss, [[[0]], [[0]], [[0]]])
    assert rep.is_critical and rep.exact
    assert rep.kind is None
    assert rep.role == "local_min" and rep.hessian_inertia == (3, 0, 0)
    assert rep.value == 8
    assert not classify(net, loss, [[[1]], [[1]], [[1]]]).is_critical


def test_classify_roles_one_hidden_neuron():
    net = LinearNetwork((1, 1, 1))
    loss = RegularizedLoss(([[1]], [[2]]), [1, 1])
    # (1, 1) is critical: (1·1 − 2)·1 + 1 = 0; Hessian [[2, 0], [0, 2]] + ... exact inertia
    rep = classify(net, loss, [[[1]], [[1]]])
    assert rep.role == "local_min" and rep.hessian_inertia == (2, 0, 0)
    # origin: Hessian [[1, -2], [-2, 1]] is indefinite
    assert classify(net, loss, [[[0]], [[0]]]).role == "strict_saddle"
    # zero loss at the origin when Y = 0: global minimum
    z = RegularizedLoss(([[1]], [[0]]), [1, 1])
    assert classify(net, z, [[[0]], [[0]]]).role == "global_min"


# -- the theorem 1 + 4 d_y ------------------------------------------------------------------------
def _proof_route_count(loss, net):
    """1 + 2·#(distinct roots u of the univariate polynomial of the proof), after its genericity checks."""
    u = sympy.Symbol("u")
    lam_a, lam_b = loss.layer_weights(net)
    x, y = loss.X[:, 0], loss.Y[:, 0]
    kappa = sum(x[j] ** 2 / lam_a[0, j] for j in range(len(x)))
    mu = list(lam_b)
    P = sympy.prod([(u + m) ** 2 for m in mu]) - kappa * sum(
        y[k] ** 2 * mu[k] * sympy.prod([(u + mu[j]) ** 2 for j in range(len(mu)) if j != k]) for k in range(len(mu)))
    P = sympy.Poly(P, u)
    sqf = sympy.Poly(sympy.quo(P, sympy.gcd(P, P.diff(u))), u)
    assert P.eval(0) != 0 and all(P.eval(-m) != 0 for m in mu)
    return 1 + 2 * sqf.degree()  # each simple root u ≠ 0 gives s = ±√u


@pytest.mark.theorem("BH2023")
@pytest.mark.parametrize("d_y", [1, 2, 3, 4])
@pytest.mark.parametrize("d_x", [1, 2])
def test_one_hidden_neuron_one_point_count(d_x, d_y):
    net, loss = random_regularized_loss((d_x, 1, d_y), samples=1, seed=d_x + 10 * d_y)
    res = parameter_critical_points(net, loss, real_points=False)
    assert res.is_isolated and res.dimension == 0
    assert res.count == res.distinct_count == 1 + 4 * d_y
    assert res.is_radical
    assert res.nonzero_count == res.nonzero_distinct == 4 * d_y
    assert _proof_route_count(loss, net) == 1 + 4 * d_y


# -- non-isolated cases ---------------------------------------------------------------------------
@pytest.mark.theorem("MCTH2022")
@pytest.mark.parametrize("widths", [(1, 2, 1), (2, 2, 1), (1, 2, 2), (2, 2, 2), (1, 2, 1, 1)])
@pytest.mark.parametrize("regularization", ["none", "uniform"])
def test_unregularized_and_uniform_are_not_isolated(widths, regularization):
    net, loss = random_regularized_loss(widths, samples=1, seed=2, regularization=regularization)
    res = parameter_critical_points(net, loss, real_points=False)
    assert not res.is_isolated
    assert res.dimension >= 1
    assert res.count is None and res.distinct_count is None and res.nonzero_count is None
    assert "NOT isolated" in res.summary() and f"dimension {res.dimension}" in res.summary()
    # the same data with generic weights: isolated
    gen = RegularizedLoss((loss.X, loss.Y), "generic", seed=2)
    assert parameter_critical_points(net, gen, real_points=False).is_isolated


def test_uniform_weight_with_width_one_hidden_layers_is_isolated():
    # no continuous symmetry survives when every hidden width is 1 (only signs)
    net, loss = random_regularized_loss((2, 1, 2), samples=1, seed=4, regularization="uniform")
    res = parameter_critical_points(net, loss, real_points=False)
    assert res.is_isolated and res.count is not None


# -- Gröbner versus homotopy ----------------------------------------------------------------------
def _check_routes(widths, seed):
    net, loss = random_regularized_loss(widths, samples=1, seed=seed)
    res = parameter_critical_points(net, loss, seed=seed)
    assert res.is_isolated and res.is_radical
    assert res.homotopy.count == res.distinct_count == res.count
    assert res.homotopy.singular == 0
    assert res.real_complete
    assert res.homotopy.real_count == len(res.real_points)
    assert all(p.certified for p in res.real_points)
    # every real point is a critical point with a role; a global minimum exists (L is coercive)
    assert res.global_minimum is not None and res.global_minimum.role == "global_min"
    assert all(p.value >= res.global_minimum.value - 1e-9 for p in res.real_points)
    return res.count, res.nonzero_count


@pytest.mark.parametrize("widths", FAST_ARCHS)
def test_groebner_equals_homotopy_and_is_seed_independent(widths):
    counts = {_check_routes(widths, seed) for seed in (0, 1)}
    assert len(counts) == 1


@pytest.mark.slow
@pytest.mark.parametrize("widths", SLOW_ARCHS)
def test_groebner_equals_homotopy_larger(widths):
    counts = {_check_routes(widths, seed) for seed in (0, 1)}
    assert len(counts) == 1


@pytest.mark.parametrize("widths", [(2, 2, 1), (1, 2, 2), (2, 1, 1, 1), (1, 2, 1, 1)])
def test_groebner_counts_do_not_change_with_seed_or_prime(widths):
    results = set()
    for seed in (0, 1, 2):
        net, loss = random_regularized_loss(widths, samples=1, seed=seed)
        res = parameter_critical_points(net, loss, real_points=False)
        results.add((res.count, res.distinct_count, res.nonzero_count))
    net, loss = random_regularized_loss(widths, samples=1, seed=0)
    other = parameter_critical_points(net, loss, real_points=False, prime=1000003)
    results.add((other.count, other.distinct_count, other.nonzero_count))
    assert len(results) == 1


@pytest.mark.parametrize("widths", [(2, 1, 1), (1, 1, 2), (1, 2, 1), (2, 1, 2), (1, 1, 1, 1)])
def test_nonzero_count_agrees_with_the_rabinowitsch_ideal(widths):
    # independent route: standard monomials of I + ⟨t·∏w − 1⟩ in one more variable count the points of
    # V(I) with every coordinate nonzero (with multiplicity)
    from sympy.polys.domains import GF, QQ
    from sympy.polys.groebnertools import groebner
    from sympy.polys.orderings import grevlex
    from sympy.polys.rings import ring

    from linnet_geometry.regularized import DEFAULT_PRIME, _standard_monomials, _to_prime_field

    net, loss = random_regularized_loss(widths, samples=1, seed=7)
    res = parameter_critical_points(net, loss, real_points=False)
    R, F = gradient_system(net, loss)
    n = len(R.gens)
    R1, *g1 = ring([str(g) for g in R.gens] + ["t_rabinowitsch"], QQ, grevlex)
    lift = [R1.from_dict({m + (0,): c for m, c in f.items()}) for f in F]
    prod = R1.one
    for g in g1[:n]:
        prod *= g
    Rp, Fp = _to_prime_field(R1, lift + [g1[n] * prod - 1], DEFAULT_PRIME)
    G = groebner(Fp, Rp, method="buchberger")
    basis = _standard_monomials([g.LM for g in G], n + 1, 10000)
    assert len(basis) == res.nonzero_count


def test_rational_and_modular_groebner_agree():
    net, loss = random_regularized_loss((2, 1, 2), samples=2, seed=3)
    q = parameter_critical_points(net, loss, real_points=False, prime=None)
    p = parameter_critical_points(net, loss, real_points=False)
    assert q.field == "QQ" and p.field.startswith("GF(")
    assert (q.count, q.distinct_count, q.nonzero_count) == (p.count, p.distinct_count, p.nonzero_count)


def test_multiplicities_detected_on_a_non_radical_system():
    # (1, 1, 1), x = y = 1, λ = (1, 1): a b² − b + a = 0, a² b − a + b = 0.  The Hessian at the origin is
    # [[1, −1], [−1, 1]] (singular): the origin is a multiple point.  Subtracting the equations gives
    # (a − b)(2 − ab) = 0, so besides the origin only a = −b = ±i√2 (simple); Bézout-type count 5 = 3 + 1 + 1.
    # The exact route must report the multiplicities, the homotopy only the two simple points.
    net = LinearNetwork((1, 1, 1))
    loss = RegularizedLoss(([[1]], [[1]]), [1, 1])
    res = parameter_critical_points(net, loss)
    assert res.is_isolated and res.count == 5
    assert res.distinct_count == 3 and res.multiplicities == (3, 1, 1) and res.is_radical is False
    assert res.homotopy.count == 2 and res.homotopy.singular + res.homotopy.failed >= 3  # 3 paths into the triple point
    assert not res.real_complete and res.global_minimum is None
    rep = classify(net, loss, [[[0]], [[0]]])
    assert rep.is_critical and rep.hessian_inertia == (1, 0, 1) and rep.role == "undetermined"
    # λ = 0 on the first layer and Y = 0: the line b = 0 is critical, so not isolated
    flat = RegularizedLoss(([[1]], [[0]]), [0, 1])
    assert not parameter_critical_points(net, flat, real_points=False).is_isolated


def test_homotopy_on_a_known_system():
    # x² = 1, y³ = 8 (as a gradient-like square system): 6 solutions, 2 real
    from sympy.polys.domains import QQ
    from sympy.polys.orderings import grevlex
    from sympy.polys.rings import ring

    R, x, y = ring("x y", QQ, grevlex)
    res = solve_homotopy([x**2 - 1, y**3 - 8])
    assert res.paths == 6 and res.count == 6 and res.real_count == 2


# -- bad local minima -----------------------------------------------------------------------------
@pytest.mark.theorem("MCTH2022")
def test_explicit_bad_local_minimum_found_and_classified():
    net = LinearNetwork((1, 1, 1, 1))
    loss = RegularizedLoss(([[1]], [[4]]), [1, 2, 3])
    res = parameter_critical_points(net, loss)
    assert res.count == 17 and res.real_complete
    assert len(res.real_points) == 9
    assert len(res.bad_local_minima) == 1
    bad = res.bad_local_minima[0]
    assert bad.role == "local_min" and bad.report.hessian_inertia == (3, 0, 0) and bad.inertia_certified
    assert np.allclose([float(W[0, 0]) for W in bad.theta], 0, atol=1e-9)
    assert abs(bad.value - 8) < 1e-9
    gmin = res.global_minimum
    assert gmin.value < bad.value - 1
    # the global minimum is at the balanced-sign orbit: 4 points with the same value
    assert sum(1 for p in res.real_points if p.role == "global_min") == 4
    # independent check of the value: gradient descent from the global minimiser stays put; random
    # starts never go below it
    rng = np.random.default_rng(0)
    lam = np.array([1.0, 2.0, 3.0])

    def L(v):
        return 0.5 * (v.prod() - 4) ** 2 + 0.5 * np.sum(lam * v * v)

    best = min(L(rng.normal(size=3) * 2) for _ in range(20000))
    assert best >= gmin.value - 1e-9


# -- PHCpack --------------------------------------------------------------------------------------
@pytest.mark.external
@pytest.mark.skipif(shutil.which("phc") is None, reason="phc (PHCpack, Debian package phcpack) is not installed")
@pytest.mark.parametrize("widths", [(1, 1, 2), (2, 1, 2), (1, 2, 1), (1, 1, 1, 1)])
def test_phc_agrees_with_groebner(widths):
    net, loss = random_regularized_loss(widths, samples=1, seed=0)
    res = parameter_critical_points(net, loss, real_points=False, phc=True)
    assert res.phc.count == res.distinct_count
    hres = solve_homotopy(gradient_system(net, loss)[1])
    assert res.phc.real_count == hres.real_count


def test_phc_missing_raises_typed_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    net, loss = random_regularized_loss((1, 1, 1), samples=1, seed=0)
    with pytest.raises(BackendNotFoundError, match="phc"):
        solve_phc(gradient_system(net, loss)[1])


# -- bad input ------------------------------------------------------------------------------------
def test_bad_input_raises_typed_errors():
    net = LinearNetwork((2, 1, 2))
    with pytest.raises(ExactInputRequiredError):
        RegularizedLoss(([[0.5], [1]], [[1], [2]]), "generic")
    with pytest.raises(ExactInputRequiredError):
        RegularizedLoss(([[1], [1]], [[1], [2]]), 0.5)
    with pytest.raises(AssumptionError, match="nonnegative"):
        RegularizedLoss(([[1], [1]], [[1], [2]]), -1)
    with pytest.raises(InputTypeError, match="generic"):
        RegularizedLoss(([[1], [1]], [[1], [2]]), "random")
    with pytest.raises(InputTypeError):
        RegularizedLoss("data", 1)
    with pytest.raises(ShapeError, match="samples"):
        RegularizedLoss(([[1, 2], [1, 3]], [[1], [2]]), 1)
    loss = RegularizedLoss(([[1], [1]], [[1], [2]]), [1, 2, 3])
    with pytest.raises(ShapeError, match="one per layer"):
        loss.layer_weights(net)
    bad_shape = RegularizedLoss(([[1], [1]], [[1], [2]]), [[[1, 2, 3]], 1])
    with pytest.raises(ShapeError, match=r"expected \(1, 2\)"):
        bad_shape.layer_weights(net)
    good = RegularizedLoss(([[1], [1]], [[1], [2]]), "generic")
    with pytest.raises(ShapeError, match=r"expected \(3, 2\)"):
        parameter_critical_points(LinearNetwork((2, 1, 3)), good)
    with pytest.raises(ShapeError):
        classify(net, good, [[[1, 2]], [[1, 2]]])
    with pytest.raises(InputTypeError):
        parameter_critical_points(net, QuadraticLoss([[1, 2], [3, 4]]))
    with pytest.raises(AssumptionError, match="prime"):
        parameter_critical_points(net, good, prime=100)
    with pytest.raises(ProblemTooLargeError, match="weights"):
        parameter_critical_points(LinearNetwork((3, 3, 3)), RegularizedLoss(([[1]] * 3, [[1]] * 3), "generic"))
    with pytest.raises(ProblemTooLargeError, match="Bézout"):
        parameter_critical_points(LinearNetwork((1,) * 8), RegularizedLoss(([[1]], [[1]]), "generic"),
                                  real_points=False)
    with pytest.raises(ProblemTooLargeError, match="Bézout"):
        parameter_critical_points(LinearNetwork((2, 2, 2, 2)), RegularizedLoss(([[1]] * 2, [[1]] * 2), "generic"))
    with pytest.raises(ProblemTooLargeError, match="81 paths"):
        solve_homotopy(gradient_system(net, good)[1], max_paths=80)
    for err in (ExactInputRequiredError, AssumptionError, InputTypeError, ShapeError, ProblemTooLargeError):
        assert issubclass(err, LinnetError)


# -- CLI ------------------------------------------------------------------------------------------
def test_cli_json(capsys):
    assert main(["critical-points", "--widths", "2,1,2", "--regularization", "generic", "--seed", "0",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["is_isolated"] and out["count"] == 9 and out["homotopy"]["count"] == 9
    assert out["global_minimum_value"] is not None


def test_cli_table_and_errors(capsys):
    assert main(["critical-points", "--widths", "1,2,1", "--regularization", "uniform", "--no-real"]) == 0
    assert "NOT isolated" in capsys.readouterr().out
    assert main(["critical-points", "--widths", "2,a"]) == 2
    assert "expected comma-separated integers" in capsys.readouterr().err
    assert main(["critical-points", "--widths", "4,4,4"]) == 2
    assert "expected at most" in capsys.readouterr().err
