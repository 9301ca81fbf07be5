"""Flat minima and landscape surveys: closed-form traces vs explicit Hessians, the flattest global minimum,
random-start surveys of benign and non-benign landscapes (THEORY §3–4)."""

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest
import sympy

from linnet_geometry import (
    LinearNetwork,
    MatrixSensingLoss,
    PolynomialLoss,
    QuadraticLoss,
    WeightedQuadraticLoss,
    flattest_global_minimum,
    gaussian_sensing_problem,
    landscape_survey,
    parameter_hessian,
    sharpness,
    zero_residual_trace,
)
from linnet_geometry.exceptions import (
    AssumptionError,
    DegenerateDataError,
    InputTypeError,
    LinnetError,
    ShapeError,
)
from linnet_geometry.landscape.flatness import (
    SerialExecutor,
    balance_residuals,
    hessian_vector_product,
    low_rank_ground_truth,
)
from linnet_geometry.landscape.flatness._common import _MeasurementForm
from linnet_geometry.landscape.flatness.minimum import _random_fiber_point, _trace_and_grad

WIDTHS = [(2, 2, 2), (2, 3, 1), (3, 1, 2), (1, 2, 2, 1), (2, 1, 2, 2), (2, 2, 1, 1, 2)]


def _exact_theta(net, rng, lo=-2, hi=2):
    return [sympy.Matrix(a, b, [int(v) for v in rng.integers(lo, hi + 1, a * b)]) for a, b in net.shapes]


def _float_theta(net, rng):
    return [rng.standard_normal(s) for s in net.shapes]


def _losses_exact(shape, rng):
    m, n = shape
    U = sympy.Matrix(m, n, [int(v) for v in rng.integers(-3, 4, m * n)])
    w = sympy.Matrix(m, n, [int(v) for v in rng.integers(1, 5, m * n)])
    A = [sympy.Matrix(m, n, [int(v) for v in rng.integers(-2, 3, m * n)]) for _ in range(3)]
    W = sympy.Matrix(m, n, sympy.symbols(f"x:{m * n}"))
    poly = sum((x - u) ** 4 for x, u in zip(W, U)) + W[0] * W[-1]
    return [QuadraticLoss(U), WeightedQuadraticLoss(U, w), MatrixSensingLoss(A, [1, -1, 2]), PolynomialLoss(poly, W)]


# ---------------------------------------------------------------------------------------------------------------
# sharpness
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("widths", WIDTHS)
def test_zero_residual_closed_form_equals_explicit_hessian_trace(widths):
    rng = np.random.default_rng(sum(widths))
    net = LinearNetwork(widths)
    for _ in range(3):
        theta = _exact_theta(net, rng)
        loss = QuadraticLoss(net.end_to_end(theta))  # zero residual: θ is a global minimum
        H = parameter_hessian(net, loss, theta)
        closed = zero_residual_trace(net, loss, theta)
        assert closed == H.trace()
        J = net.differential(theta)
        assert H == 2 * J.T * J  # the Hessian at a zero-residual minimum is 2 dμᵀdμ
        assert sharpness(net, loss, theta).trace == closed


@pytest.mark.parametrize("widths", WIDTHS)
def test_closed_form_diagonal_trace_at_any_point_any_loss(widths):
    """[derived] the second-order term has zero diagonal, so tr ∇²L = Σ_i tr(∇²ℓ (L_iL_iᵀ ⊗ R_iᵀR_i)) everywhere."""
    rng = np.random.default_rng(10 + sum(widths))
    net = LinearNetwork(widths)
    theta = _exact_theta(net, rng)
    for loss in _losses_exact((widths[-1], widths[0]), rng):
        H = parameter_hessian(net, loss, theta)
        s = sharpness(net, loss, theta)
        assert s.exact and s.trace == H.trace()
        # float route, measurement form or dense loss Hessian, agrees
        fl = sharpness(net, loss, [np.array(M.tolist(), dtype=float) for M in theta])
        assert not fl.exact and np.isclose(fl.trace, float(H.trace()), rtol=1e-12, atol=1e-9)


def test_exact_largest_eigenvalue():
    rng = np.random.default_rng(5)
    for widths in [(2, 2, 2), (1, 2, 2, 1), (2, 1, 3)]:
        net = LinearNetwork(widths)
        theta = _exact_theta(net, rng)
        loss = QuadraticLoss(sympy.Matrix(widths[-1], widths[0], lambda a, b: a - b + 1))
        s = sharpness(net, loss, theta)
        assert s.method == "exact"
        H = parameter_hessian(net, loss, theta)
        lam = s.largest_eigenvalue
        assert sympy.N(lam, 30).is_real
        ev = np.linalg.eigvalsh(np.array(H.tolist(), dtype=float))
        assert np.isclose(float(lam), ev[-1], rtol=1e-12, atol=1e-12)
        # λ_max is an exact root of the characteristic polynomial
        x = sympy.Symbol("x")
        assert abs(sympy.N(H.charpoly(x).as_expr().subs(x, lam), 60)) < 1e-30 * max(1, float(lam)) ** H.rows


@pytest.mark.parametrize("widths", [(3, 2, 4), (2, 3, 3, 2), (4, 2, 2, 2, 3)])
def test_hessian_vector_products_and_lanczos_match_dense(widths):
    rng = np.random.default_rng(len(widths))
    net = LinearNetwork(widths)
    theta = _float_theta(net, rng)
    m, n = widths[-1], widths[0]
    W = sympy.Matrix(m, n, sympy.symbols(f"x:{m * n}"))
    losses = [QuadraticLoss(rng.standard_normal((m, n))),
              WeightedQuadraticLoss(rng.standard_normal((m, n)), rng.uniform(0.5, 2, (m, n))),
              MatrixSensingLoss(list(rng.standard_normal((5, m, n))), list(rng.standard_normal(5))),
              PolynomialLoss(sum(x**4 for x in W) - W[0] * W[-1], W)]
    for loss in losses:
        H = np.asarray(parameter_hessian(net, loss, theta), dtype=float)
        v = _float_theta(net, rng)
        hv = np.concatenate([np.ravel(o) for o in hessian_vector_product(net, loss, theta, v)])
        assert np.allclose(hv, H @ np.concatenate([np.ravel(a) for a in v]), rtol=1e-10, atol=1e-9)
        dense = sharpness(net, loss, theta)
        lanczos = sharpness(net, loss, theta, dense_limit=0)
        assert dense.method == "dense" and lanczos.method == "lanczos"
        ev = np.linalg.eigvalsh(H)
        assert np.isclose(dense.largest_eigenvalue, ev[-1], rtol=1e-10)
        assert np.isclose(lanczos.largest_eigenvalue, ev[-1], rtol=1e-8)
        assert np.isclose(lanczos.trace, np.trace(H), rtol=1e-10)


def test_large_network_uses_lanczos_without_dense_hessian(monkeypatch):
    import linnet_geometry.landscape.flatness.hessian as flatness_hessian

    def forbidden(*args, **kwargs):
        raise AssertionError("a dense Hessian was formed")

    net = LinearNetwork((30, 40, 40, 30))  # 4 000 parameters
    rng = np.random.default_rng(0)
    theta = [rng.standard_normal(s) / np.sqrt(s[1]) for s in net.shapes]
    loss = QuadraticLoss(rng.standard_normal((30, 30)))
    monkeypatch.setattr(flatness_hessian, "parameter_hessian", forbidden)
    s = sharpness(net, loss, theta)
    assert s.method == "lanczos"
    # λ_max ≤ trace, and the power iteration on the same operator agrees with Lanczos
    hvp = flatness_hessian._make_hvp(net, loss, tuple(theta))
    v = [rng.standard_normal(sh) for sh in net.shapes]
    for _ in range(300):
        w = hvp(v)
        nrm = np.sqrt(sum(np.sum(a * a) for a in w))
        v = [a / nrm for a in w]
    rayleigh = sum(np.sum(a * b) for a, b in zip(v, hvp(v)))
    assert rayleigh <= s.largest_eigenvalue * (1 + 1e-8)
    assert s.largest_eigenvalue <= s.trace
    assert abs(rayleigh) > 0.5 * s.largest_eigenvalue  # positive-definite-dominated here: power iteration finds λ_max


def test_zero_residual_trace_checks_the_residual():
    net = LinearNetwork((2, 1, 2))
    theta = [[[1, 2]], [[1], [1]]]
    with pytest.raises(AssumptionError, match="zero residual"):
        zero_residual_trace(net, QuadraticLoss([[1, 2], [1, 3]]), theta)
    with pytest.raises(AssumptionError, match="zero residual"):
        zero_residual_trace(net, QuadraticLoss([[1.0, 2.0], [1.0, 2.1]]), [np.array(M, dtype=float) for M in theta])
    assert zero_residual_trace(net, QuadraticLoss([[1, 2], [1, 2]]), theta) == 2 * (2 * 5 + 2 * 2)


# ---------------------------------------------------------------------------------------------------------------
# flattest global minimum
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(3))
def test_one_hidden_layer_flattest_closed_form_matches_numerical_minimisation(seed):
    rng = np.random.default_rng(100 + seed)
    d0, d1, d2 = (int(v) for v in rng.integers(1, 5, 3))
    k = int(rng.integers(1, min(d0, d1, d2) + 1))
    net = LinearNetwork((d0, d1, d2))
    U = rng.standard_normal((d2, k)) @ rng.standard_normal((k, d0))
    loss = QuadraticLoss(U)
    closed = flattest_global_minimum(net, loss)
    value = 4 * np.sqrt(d0 * d2) * np.linalg.norm(U, "nuc")
    assert closed.method == "closed_form"
    assert np.isclose(closed.trace, value, rtol=1e-12)
    assert np.allclose(closed.end_to_end, U, atol=1e-12)
    # it is the trace of the Hessian of L there (not only of the formula)
    H = np.asarray(parameter_hessian(net, loss, closed.theta), dtype=float)
    assert np.isclose(np.trace(H), value, rtol=1e-10)
    numeric = flattest_global_minimum(net, loss, method="numeric", restarts=1, seed=seed)
    assert numeric.method == "augmented_lagrangian" and numeric.constraint_residual < 1e-8
    assert abs(numeric.trace - value) <= 1e-6 * value
    # the minimum is a lower bound over the whole fiber
    for _ in range(5):
        pt = _random_fiber_point(net, U, rng)
        assert np.allclose(pt[1] @ pt[0], U)
        assert _trace_and_grad(_MeasurementForm.of(loss), pt)[0] >= value * (1 - 1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_flattest_minimizer_is_balanced(seed):
    rng = np.random.default_rng(200 + seed)
    d0, d1, d2 = 2 + seed, 3, 4 - seed
    net = LinearNetwork((d0, d1, d2))
    U = rng.standard_normal((d2, 2)) @ rng.standard_normal((2, d0))
    for method in ("closed_form", "numeric"):
        flat = flattest_global_minimum(net, QuadraticLoss(U), method=method, restarts=1, seed=seed)
        W1, W2 = flat.theta
        lhs, rhs = d0 * W2.T @ W2, d2 * W1 @ W1.T  # d_0 W_2ᵀW_2 = d_2 W_1W_1ᵀ
        assert np.linalg.norm(lhs - rhs) <= (1e-12 if method == "closed_form" else 1e-6) * np.linalg.norm(lhs)
        assert flat.balance_residuals[0] <= (1e-12 if method == "closed_form" else 1e-6)
    # a random fiber point is not balanced
    pt = _random_fiber_point(net, U, rng)
    assert balance_residuals(net, QuadraticLoss(U), pt)[0] > 1e-3


def test_flattest_deep_network_satisfies_derived_balance_condition():
    rng = np.random.default_rng(7)
    net = LinearNetwork((3, 3, 2, 3))
    U = rng.standard_normal((3, 2)) @ rng.standard_normal((2, 3))
    loss = QuadraticLoss(U)
    flat = flattest_global_minimum(net, loss, restarts=2, seed=1)
    assert flat.method == "augmented_lagrangian" and flat.closed_form_trace is None
    assert flat.constraint_residual < 1e-8
    assert max(flat.balance_residuals) < 1e-5
    # ‖W_{<i}‖² W_{>i}ᵀW_{>i} = ‖W_{>i+1}‖² W_{≤i}W_{≤i}ᵀ, checked directly
    W1, W2, W3 = flat.theta
    for lhs, rhs in [(3 * (W3 @ W2).T @ (W3 @ W2), np.sum(W3 * W3) * W1 @ W1.T),
                     (np.sum(W1 * W1) * W3.T @ W3, 3 * (W2 @ W1) @ (W2 @ W1).T)]:
        assert np.linalg.norm(lhs - rhs) <= 1e-5 * np.linalg.norm(lhs)
    others = [_trace_and_grad(_MeasurementForm.of(loss), _random_fiber_point(net, U, rng))[0] for _ in range(20)]
    assert flat.trace <= min(others)
    H = np.asarray(parameter_hessian(net, loss, flat.theta), dtype=float)
    assert np.isclose(np.trace(H), flat.trace, rtol=1e-9)


@pytest.mark.theorem("EY1936")
def test_flattest_uses_the_eckart_young_fiber_and_refuses_ties():
    net = LinearNetwork((3, 1, 3))
    flat = flattest_global_minimum(net, QuadraticLoss(np.diag([3.0, 2.0, 1.0])))
    assert np.allclose(flat.end_to_end, np.diag([3.0, 0, 0]), atol=1e-12)
    assert np.isclose(flat.trace, 4 * 3 * 3.0)
    with pytest.raises(DegenerateDataError, match="sigma_1 = sigma_2"):
        flattest_global_minimum(net, QuadraticLoss(np.diag([2.0, 2.0, 1.0])))


def test_flattest_global_minimum_of_matrix_sensing_recovers_the_ground_truth():
    n, r, K = 6, 1, 20  # K = 20 < n² = 36: the zero-loss set of (6, 6, 6) is 16-dimensional in function space
    net = LinearNetwork((n, n, n))
    loss, X = gaussian_sensing_problem(n, r, K, seed=7)
    flat = flattest_global_minimum(net, loss, restarts=1, seed=0)
    assert flat.constraint_residual < 1e-8
    assert np.linalg.norm(flat.end_to_end - X) < 1e-6
    # a random global minimum (L-BFGS from a random start) fits the data but is another matrix, and sharper
    survey = landscape_survey(net, loss, starts=2, seed=3, executor=SerialExecutor(), progress=False)
    for p in survey.global_minima:
        assert p.value < 1e-12
        assert np.linalg.norm(np.array(p.end_to_end) - X) > 0.1
        assert sharpness(net, loss, [np.array(W) for W in p.theta]).trace > flat.trace


# ---------------------------------------------------------------------------------------------------------------
# landscape survey
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.theorem("TKB2020")
@pytest.mark.theorem("K2016")
@pytest.mark.parametrize("widths", [(3, 2, 3), (3, 2, 2, 3)])
def test_survey_quadratic_non_filling_has_only_global_minima(widths):
    net = LinearNetwork(widths)
    assert not net.is_filling
    U = np.diag([3.0, 2.0, 1.0]) + 0.1 * np.arange(9).reshape(3, 3)
    survey = landscape_survey(net, QuadraticLoss(U), starts=16, seed=0, executor=SerialExecutor(), progress=False)
    s = np.linalg.svd(U, compute_uv=False)
    assert survey.minima, "no local minimum found"
    assert survey.is_benign and not survey.bad_local_minima
    for p in survey.minima:
        assert p.role == "global_min" and p.kind == "pure"
        assert np.isclose(p.value, s[2] ** 2, rtol=1e-9)  # Eckart–Young: the global value σ_3²
    assert survey.bad_fraction == 0.0


@pytest.mark.theorem("TKB2020")
def test_survey_weighted_example_finds_the_bad_local_minimum():
    """THEORY §4: d = (2, 1, 2), ℓ = Σ λ_ij (W_ij − U_ij)², U = diag(2, 1), λ = [[1, 4], [4, 1]]."""
    net = LinearNetwork((2, 1, 2))
    loss = WeightedQuadraticLoss([[2, 0], [0, 1]], [[1, 4], [4, 1]])
    survey = landscape_survey(net, loss, starts=24, seed=1, executor=SerialExecutor(), progress=False)
    bad = survey.bad_local_minima
    assert len(bad) == 1
    assert np.isclose(bad[0].value, 4.0) and bad[0].kind == "pure" and bad[0].role == "local_min"
    assert np.allclose(bad[0].end_to_end, [[0, 0], [0, 1]], atol=1e-8)
    assert len(survey.global_minima) == 1 and np.isclose(survey.global_minima[0].value, 1.0)
    assert 0 < survey.bad_fraction < 1
    text = survey.table()
    assert "BAD" in text and "local minima 2 (global 1, bad 1)" in text
    d = survey.to_dict()
    assert d["counts"]["bad_local_minima"] == 1 and len(d["outcomes"]) == 24
    # the same loss written as a PolynomialLoss (generic route: lambdified gradient, dense loss Hessian)
    W = sympy.Matrix(2, 2, sympy.symbols("a b c d"))
    expr = (W[0, 0] - 2) ** 2 + 4 * W[0, 1] ** 2 + 4 * W[1, 0] ** 2 + (W[1, 1] - 1) ** 2
    poly = landscape_survey(net, PolynomialLoss(expr, W, convex=True), starts=24, seed=1,
                            executor=SerialExecutor(), progress=False)
    assert [p.is_global for p in poly.minima] == [True, False]
    assert np.allclose([p.value for p in poly.minima], [1.0, 4.0], rtol=1e-9)
    assert poly.outcomes == survey.outcomes


def test_survey_known_global_value_marks_unreached_minima_bad():
    net = LinearNetwork((2, 1, 2))
    loss = WeightedQuadraticLoss([[2, 0], [0, 1]], [[1, 4], [4, 1]])
    # seed 1: starts 0..23; keep a survey that, by construction, only sees the bad minimum
    full = landscape_survey(net, loss, starts=24, seed=1, executor=SerialExecutor(), progress=False)
    bad_start = full.bad_local_minima[0].first_start
    from linnet_geometry.landscape.flatness.survey import _survey_one, _tabulate

    seeds = np.random.SeedSequence(1).spawn(24)
    only_bad = [_survey_one(net, loss, seeds[bad_start], 1.0, 5000, 1e-10, 1e-9)]
    blind = _tabulate(net, loss, 1, 1, only_bad, 1e-6, 1e-8)
    assert blind.is_benign  # the best value found (4) stands in for the global one
    informed = _tabulate(net, loss, 1, 1, only_bad, 1e-6, 1e-8, global_value=1.0)
    assert len(informed.bad_local_minima) == 1 and informed.bad_fraction == 1.0
    with pytest.raises(InputTypeError, match="global_value"):
        landscape_survey(net, loss, starts=1, global_value="0")


def test_survey_executor_results_equal_serial():
    net = LinearNetwork((2, 1, 2))
    loss = WeightedQuadraticLoss([[2, 0], [0, 1]], [[1, 4], [4, 1]])
    serial = landscape_survey(net, loss, starts=10, seed=42, executor=SerialExecutor(), progress=False)
    with ProcessPoolExecutor(max_workers=2) as pool:
        procs = landscape_survey(net, loss, starts=10, seed=42, executor=pool, progress=False, chunksize=3)
    with ThreadPoolExecutor(max_workers=3) as pool:
        threads = landscape_survey(net, loss, starts=10, seed=42, executor=pool, progress=False, chunksize=1)
    default = landscape_survey(net, loss, starts=10, seed=42, progress=False)
    assert serial == procs == threads == default
    assert serial.to_dict() == default.to_dict()
    other = landscape_survey(net, loss, starts=10, seed=43, executor=SerialExecutor(), progress=False)
    assert other.outcomes != serial.outcomes or other.points != serial.points


@pytest.mark.slow
def test_survey_matrix_sensing_is_benign_with_many_measurements():
    net = LinearNetwork((5, 2, 5))
    loss, X = gaussian_sensing_problem(5, 2, 50, seed=0)
    survey = landscape_survey(net, loss, starts=40, seed=0, init_scale=0.5, executor=SerialExecutor(),
                              progress=False)
    assert survey.is_benign and survey.global_minima
    for p in survey.global_minima:
        assert np.allclose(np.array(p.end_to_end), X, atol=1e-8)


# ---------------------------------------------------------------------------------------------------------------
# generators and errors
# ---------------------------------------------------------------------------------------------------------------
def test_gaussian_sensing_problem():
    loss, X = gaussian_sensing_problem(4, 2, 12, seed=1, m=3)
    assert X.shape == (3, 4) and np.linalg.matrix_rank(X) == 2 and np.isclose(np.linalg.norm(X), 1)
    assert loss.value(X) < 1e-25 and loss.shape == (3, 4) and len(loss.measurements) == 12
    again, X2 = gaussian_sensing_problem(4, 2, 12, seed=1, m=3)
    assert np.array_equal(X, X2) and np.array_equal(again.values, loss.values)
    assert np.linalg.matrix_rank(low_rank_ground_truth(6, 3, seed=2)) == 3


def test_typed_errors():
    net = LinearNetwork((2, 1, 2))
    loss = QuadraticLoss([[1, 0], [0, 1]])
    theta = [[[1, 0]], [[1], [0]]]
    with pytest.raises(InputTypeError, match="expected a LinearNetwork; received tuple"):
        sharpness((2, 1, 2), loss, theta)
    with pytest.raises(ShapeError, match=r"shape \(1, 2\); expected \(2, 2\)"):
        sharpness(net, QuadraticLoss([[1, 2]]), theta)
    with pytest.raises(ShapeError, match=r"expected \(1, 2\)"):
        sharpness(net, loss, [[[1, 0, 0]], [[1], [0]]])
    with pytest.raises(InputTypeError, match="dense_limit"):
        sharpness(net, loss, theta, dense_limit=-1)
    with pytest.raises(InputTypeError, match="expected a QuadraticLoss"):
        zero_residual_trace(net, WeightedQuadraticLoss([[1, 0], [0, 1]], [[1, 1], [1, 1]]), theta)
    W = sympy.Matrix(2, 2, sympy.symbols("a:4"))
    with pytest.raises(InputTypeError, match="received PolynomialLoss"):
        flattest_global_minimum(net, PolynomialLoss(sum(W), W))
    with pytest.raises(AssumptionError, match="rank U <= r = 1; received rank U = 2"):
        flattest_global_minimum(net, WeightedQuadraticLoss([[1, 0], [0, 1]], [[1, 2], [2, 1]]))
    with pytest.raises(AssumptionError, match="one hidden layer"):
        flattest_global_minimum(LinearNetwork((2, 2, 2, 2)), loss, method="closed_form")
    with pytest.raises(InputTypeError, match="method"):
        flattest_global_minimum(net, loss, method="fastest")
    with pytest.raises(AssumptionError, match="data form"):
        flattest_global_minimum(LinearNetwork((2, 1, 1)), QuadraticLoss.from_data([[1, 0, 1], [0, 1, 1]], [[1, 2, 3]]))
    with pytest.raises(InputTypeError, match="starts is 0; expected an integer ≥ 1"):
        landscape_survey(net, loss, starts=0)
    with pytest.raises(InputTypeError, match="executor"):
        landscape_survey(net, loss, starts=2, executor="processes")
    with pytest.raises(ShapeError, match="rank: expected at most min"):
        gaussian_sensing_problem(3, 4, 10)
    with pytest.raises(InputTypeError, match="num_measurements"):
        gaussian_sensing_problem(3, 1, 2.5)
    with pytest.raises(LinnetError):
        balance_residuals(net, PolynomialLoss(sum(W), W), theta)
