"""Mathematics of ReLU activation regions (KMTM2024): ranks, counts, critical sets, phase transition."""

import concurrent.futures as cf
import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from linnet_geometry.cli import main
from linnet_geometry.exceptions import (
    AssumptionError,
    DegenerateDataError,
    InputTypeError,
    LinnetError,
    NonFiniteError,
    ParseError,
    ProblemTooLargeError,
    ShapeError,
)
from linnet_geometry.families.relu import (
    activation_pattern,
    count_regions,
    cover_count,
    deep_region_jacobians,
    exact_full_rank_fraction,
    full_rank_fraction,
    generic_jacobian_rank,
    is_realizable,
    jacobian_rank,
    one_dim_full_rank_fraction,
    one_dim_zero_loss_dimension,
    phase_transition,
    realizable_row_patterns,
    region_critical_set,
    region_interior_point,
    region_jacobian,
    step_patterns,
    with_bias,
)


def generic_int_data(rng, d0, n, bound=10**6):
    """Exact integer data, generic with probability ~1 (Schwartz-Zippel)."""
    return sympy.Matrix(rng.integers(-bound, bound, size=(d0, n)).tolist())


def residual_at(W, pattern, X, y):
    """Exact residual F(W, x_j) - y_j of the in-region linear model (v = 1)."""
    J = region_jacobian(pattern, X)
    w = sympy.Matrix([x for row in W for x in row])
    return J.T * w - sympy.Matrix(y)


# ------------------------------------------------------------------ ranks


@pytest.mark.theorem("KMTM2024")
@settings(max_examples=40)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_khatri_rao_rank_exact_numeric_matroid(d0, d1, n, seed):
    rng = np.random.default_rng(seed)
    A = rng.integers(0, 2, size=(d1, n))
    X = generic_int_data(rng, d0, n)
    v = [int(x) if x else 1 for x in rng.integers(-3, 4, size=d1)]
    exact = jacobian_rank(A, X, v)
    numeric = jacobian_rank(A, np.array(X.tolist(), dtype=float) / 1e6, [float(x) for x in v])
    formula = min(n - len(T) + d0 * np.linalg.matrix_rank(A[:, list(T)]) if T else n
                  for k in range(n + 1) for T in itertools.combinations(range(n), k))
    assert exact == numeric == formula == generic_jacobian_rank(A, d0)


def test_jacobian_is_khatri_rao_and_matches_finite_differences():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((3, 5))
    W = rng.standard_normal((4, 3))
    v = rng.standard_normal(4)
    A = activation_pattern(W, X)
    J = region_jacobian(A, X, v)
    F = lambda W: v @ np.maximum(W @ X, 0)  # noqa: E731
    h = 1e-6
    fd = np.zeros_like(J)
    for r in range(12):
        E = np.zeros(12)
        E[r] = h
        fd[r] = (F(W + E.reshape(4, 3)) - F(W - E.reshape(4, 3))) / (2 * h)
    assert np.allclose(J, fd, atol=1e-6)
    # column j is (v_i A_ij x_j)_i
    assert np.allclose(J[:, 2], np.kron(v * A[:, 2], X[:, 2]))


@pytest.mark.theorem("KMTM2024")
@pytest.mark.parametrize("n,d0,d1", [(2, 2, 1), (2, 2, 3), (3, 3, 2), (3, 4, 2), (2, 3, 2)])
def test_full_rank_fraction_when_d0_at_least_n(n, d0, d1):
    X = generic_int_data(np.random.default_rng(n * 100 + d0 * 10 + d1), d0, n)
    c = exact_full_rank_fraction(X, d1)
    assert c.total == 2 ** (n * d1)
    assert c.fraction == (1 - Fraction(1, 2 ** d1)) ** n


def test_full_rank_fraction_d0_less_than_n_is_smaller():
    # d0 < n: extra rank losses beyond zero columns (e.g. a single neuron covering everything)
    X = generic_int_data(np.random.default_rng(0), 1, 2)
    c = exact_full_rank_fraction(X, 2)
    assert c.fraction < (1 - Fraction(1, 4)) ** 2
    # d0 = 1: rank of J = rank of A, and 6 of the 16 binary 2x2 matrices are invertible
    assert c.full_rank == 6


# ------------------------------------------------------- critical sets


@pytest.mark.theorem("KMTM2024")
def test_full_rank_regions_have_only_zero_loss_minima():
    rng = np.random.default_rng(11)
    seen_meeting = seen_empty = 0
    for trial in range(30):
        d1, n = 3, 4
        X = with_bias(generic_int_data(rng, 1, n, 50))
        # targets of a teacher network: its own region certainly meets the zero-loss set
        Wt = sympy.Matrix(rng.integers(-20, 21, size=(d1, 2)).tolist())
        try:
            At = activation_pattern(Wt, X)
        except DegenerateDataError:
            continue
        y = [sum(max(int((Wt[i, :] * X[:, j])[0]), 0) for i in range(d1)) for j in range(n)]
        rows = realizable_row_patterns(X)
        for A in (At, rows[rng.integers(0, len(rows), size=d1)]):
            if jacobian_rank(A, X) < n:
                continue
            r = region_critical_set(A, X, y)
            assert r.loss == 0 and r.dimension == 2 * d1 - n
            if A is At:
                assert r.meets_region  # the teacher is a witness
            if r.meets_region:
                seen_meeting += 1
                assert r.label == "global minimum"
                assert (activation_pattern(r.witness, X) == A).all()
                assert residual_at(r.witness, A, X, y) == sympy.zeros(n, 1)
            else:
                seen_empty += 1
                assert r.label == "empty"
    assert seen_meeting >= 5 and seen_empty >= 1


@pytest.mark.theorem("KMTM2024")
def test_rank_deficient_region_with_generic_y_has_positive_minimum():
    rng = np.random.default_rng(5)
    hits = 0
    for trial in range(30):
        X = with_bias(generic_int_data(rng, 1, 4, 50))
        A = rng.integers(0, 2, size=(2, 4))
        r0 = jacobian_rank(A, X)
        if r0 == 4:
            continue
        y = [Fraction(int(a), int(b)) for a, b in zip(rng.integers(-99, 99, 4), rng.integers(1, 97, 4))]
        r = region_critical_set(A, X, y)
        assert r.rank == r0 and r.loss > 0
        hits += 1
    assert hits >= 5


@pytest.mark.theorem("KMTM2024")
def test_explicit_bad_local_minimum():
    X = with_bias([[0, 1, 2]])
    y = [1, 1, 3]
    bad = [[1, 1, 1], [1, 1, 1]]
    r = region_critical_set(bad, X, y)
    assert r.label == "bad local minimum" and r.rank == 2 and r.loss == sympy.Rational(2, 3)
    W = sympy.Matrix(r.witness)
    assert (activation_pattern(W, X) == np.array(bad)).all()
    # gradient of the true network loss at W vanishes (W is inside the open region)
    J = region_jacobian(bad, X)
    res = residual_at(r.witness, bad, X, y)
    assert J * res == sympy.zeros(4, 1)
    loss = lambda Wf: float(np.sum((np.maximum(Wf @ np.array([[0, 1, 2], [1, 1, 1]], float), 0).sum(0)  # noqa: E731
                                    - np.array(y, float)) ** 2))
    Wf = np.array(W.tolist(), dtype=float)
    assert abs(loss(Wf) - 2 / 3) < 1e-12
    rng = np.random.default_rng(0)
    for _ in range(200):  # a local minimum of the true (non-convex) loss
        assert loss(Wf + 1e-4 * rng.standard_normal(Wf.shape)) >= loss(Wf) - 1e-12
    # ... while the same architecture reaches zero loss in another region
    good = region_critical_set([[1, 1, 1], [0, 0, 1]], X, y)
    assert good.label == "global minimum" and good.loss == 0


def test_numeric_critical_set_agrees_with_exact():
    X = with_bias([[0, 1, 2]])
    for A, y in [([[1, 1, 1], [1, 1, 1]], [1, 1, 3]), ([[0, 1, 1], [1, 1, 0]], [2, 1, 2]),
                 ([[0, 1, 1], [1, 1, 0]], [1, 2, 3])]:
        e = region_critical_set(A, X, y)
        f = region_critical_set(A, np.array(X.tolist(), float), [float(t) for t in y])
        assert (e.label, e.rank, e.dimension) == (f.label, f.rank, f.dimension) and not f.exact
        assert abs(float(e.loss) - f.loss) < 1e-9
    assert e.to_dict()["label"] == "empty" and json.dumps(e.to_dict())


# ------------------------------------------------------------- counting


@pytest.mark.theorem("KMTM2024")
@settings(max_examples=15)
@given(st.integers(1, 3), st.integers(1, 7), st.booleans(), st.integers(0, 2**32 - 1))
def test_cover_count_matches_enumeration(d0, n, bias, seed):
    rng = np.random.default_rng(seed)
    X = generic_int_data(rng, d0, n, 1000)
    Xb = with_bias(X) if bias else X
    rows = realizable_row_patterns(Xb)
    assert len(rows) == len({tuple(r) for r in rows}) == cover_count(n, d0 + bias)
    # independent route: LP on every binary pattern
    lp = {p for p in itertools.product((0, 1), repeat=n) if is_realizable([p], Xb)}
    assert lp == {tuple(int(x) for x in r) for r in rows}
    assert count_regions(n, d0, 2, bias) == len(rows) ** 2


def test_realizable_rows_numeric_and_nongeneric_fallback():
    rng = np.random.default_rng(1)
    Xf = rng.standard_normal((2, 6))
    assert len(realizable_row_patterns(with_bias(Xf))) == cover_count(6, 3)
    # non-generic: three collinear points with bias -> fewer regions than Cover's bound
    Xc = with_bias([[0, 1, 2], [0, 1, 2]])
    rows = realizable_row_patterns(Xc)
    assert len(rows) == 6 < cover_count(3, 3)
    assert all(is_realizable([r], Xc) for r in rows)


def test_interior_point_is_inside():
    rng = np.random.default_rng(2)
    X = with_bias(generic_int_data(rng, 2, 6, 100))
    rows = realizable_row_patterns(X)
    A = rows[rng.integers(0, len(rows), size=3)]
    W = region_interior_point(A, X)
    assert (activation_pattern(W, X) == A).all()
    assert region_interior_point([[1, 0, 1]], with_bias([[0, 1, 2]])) is None


# ---------------------------------------------------------- 1-D with bias


@pytest.mark.theorem("KMTM2024")
@pytest.mark.parametrize("n", [1, 2, 3, 5, 7])
def test_step_patterns_are_the_realizable_ones(n):
    x = sorted(np.random.default_rng(n).choice(1000, n, replace=False).tolist())
    rows = realizable_row_patterns(with_bias([x]))
    assert {tuple(r) for r in rows} == {tuple(r) for r in step_patterns(n)}
    assert len(step_patterns(n)) == 2 * n == cover_count(n, 2)
    assert count_regions(n, 1, 3) == (2 * n) ** 3


@pytest.mark.theorem("KMTM2024")
@pytest.mark.parametrize("n,d1", [(3, 1), (3, 2), (4, 2), (4, 3), (5, 3)])
def test_one_dim_exact_fraction_generic_equals_dataset(n, d1):
    generic = one_dim_full_rank_fraction(n, d1)
    x = np.random.default_rng(n + d1).permutation(np.arange(1, 10 * n, 3)[:n] ** 2 + 7).tolist()
    data = one_dim_full_rank_fraction(n, d1, x=x)
    assert generic.total == data.total == (2 * n) ** d1
    assert generic.full_rank == data.full_rank
    if 2 * d1 < n:
        assert generic.full_rank == 0
    # over realizable regions of the dataset, via the general enumerator
    assert exact_full_rank_fraction(with_bias([sorted(x)]), d1, over="regions").full_rank == data.full_rank


@pytest.mark.theorem("KMTM2024")
def test_one_dim_zero_loss_set_dimension():
    rng = np.random.default_rng(4)
    n, d1 = 4, 3
    X = with_bias([[1, 3, 4, 9]])
    rows = step_patterns(n)
    met = 0
    for _ in range(120):
        A = rows[rng.integers(0, len(rows), size=d1)]
        if jacobian_rank(A, X) < n:
            continue
        r = region_critical_set(A, X, [int(t) for t in rng.integers(1, 9, size=n)])
        assert r.dimension == one_dim_zero_loss_dimension(n, d1) == 2 * d1 - n and r.loss == 0
        met += r.meets_region
    assert met >= 1
    with pytest.raises(AssumptionError, match="2\\*d1 = 2 < n = 3"):
        one_dim_zero_loss_dimension(3, 1)


# ------------------------------------------------------------ Monte Carlo


@pytest.mark.theorem("KMTM2024")
def test_monte_carlo_agrees_with_exact_fraction():
    n, d1 = 3, 2
    r = full_rank_fraction(n, 3, d1, 4000, seed=1, bias=False)
    p = float((1 - Fraction(1, 2 ** d1)) ** n)
    assert abs(r.fraction - p) < 4 * math.sqrt(p * (1 - p) / r.samples) + 1e-12
    X = np.random.default_rng(0).standard_normal((1, 5))
    exact = exact_full_rank_fraction(with_bias(X), 3, over="regions")
    mc = full_rank_fraction(5, 1, 3, 4000, "uniform realizable region", X=X, seed=2)
    p = float(exact.fraction)
    assert abs(mc.fraction - p) < 4 * math.sqrt(p * (1 - p) / mc.samples)


def test_random_initialization_sampler_gives_realizable_patterns_and_reproducible():
    a = full_rank_fraction(10, 2, 8, 300, "random initialization", seed=7)
    b = full_rank_fraction(10, 2, 8, 300, "random initialization", seed=7)
    assert a == b and 0 < a.fraction <= 1
    assert full_rank_fraction(10, 2, 3, 50, "random initialization", seed=7).full_rank == 0  # 3*3 < 10


@pytest.mark.theorem("KMTM2024")
def test_small_phase_transition_increases_with_width():
    pt = phase_transition(1, [6, 12], [2, 3, 6, 9, 12], samples=200, seed=0, max_workers=1)
    f = pt.fractions
    for row, n in zip(f, pt.ns):
        for w, val in zip(pt.widths, row):
            if 2 * w < n:
                assert val == 0
        assert row[-1] > row[0] and row[-1] > 0.9
        assert all(b >= a - 0.1 for a, b in zip(row, row[1:]))
    tw = pt.transition_widths()
    assert tw[0] <= tw[1] and all(t >= n / 2 for t, n in zip(tw, pt.ns))
    d = pt.to_dict()
    assert json.loads(json.dumps(d))["full_rank"] == [list(r) for r in pt.full_rank]


def test_executor_results_identical_to_serial():
    args = (2, [8, 12], [2, 4, 6], 60)
    serial = phase_transition(*args, seed=123, max_workers=1)
    with cf.ThreadPoolExecutor(3) as ex:
        threaded = phase_transition(*args, seed=123, executor=ex)
    processes = phase_transition(*args, seed=123, max_workers=2)
    assert serial == threaded == processes
    cell = full_rank_fraction(8, 2, 4, 60, seed=np.random.SeedSequence(123).spawn(6)[1])
    assert cell.full_rank == serial.full_rank[0][1]


def test_dask_local_cluster_matches_serial():
    distributed = pytest.importorskip("dask.distributed", reason="dask.distributed not installed "
                                      "(pip install linnet_geometry[distributed])")
    args = (1, [6, 10], [3, 5, 8], 40)
    serial = phase_transition(*args, seed=9, max_workers=1)
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        result = phase_transition(*args, seed=9, executor=client.get_executor())
    assert result == serial


def test_heat_map_drawing(tmp_path):
    pt = phase_transition(1, [4, 6], [1, 2, 3], samples=20, seed=0, max_workers=1)
    path = tmp_path / "pt.png"
    fig = pt.plot(path=str(path))
    assert path.stat().st_size > 1000
    assert fig.axes[0].images[0].get_array().shape == (2, 3)


@pytest.mark.theorem("KMTM2024")
def test_full_grid_transition_near_n_over_d0prime():
    for d0 in (1, 2, 4):
        pt = phase_transition(d0, range(10, 61, 10), range(2, 61, 2), samples=100, seed=0)
        for n, row in zip(pt.ns, pt.fractions):
            for w, f in zip(pt.widths, row):
                if (d0 + 1) * w < n:
                    assert f == 0
                if w >= 2 * n / (d0 + 1) + 4:
                    assert f > 0.9


# ---------------------------------------------------------------- deep


def test_deep_layer_jacobians_match_finite_differences_and_shallow_case():
    rng = np.random.default_rng(8)
    X = rng.standard_normal((3, 5))
    Ws = [rng.standard_normal((4, 3)), rng.standard_normal((3, 4)), rng.standard_normal((2, 3))]
    r = deep_region_jacobians(Ws, X)

    def F(Ws):
        h = X
        for W in Ws[:-1]:
            h = np.maximum(W @ h, 0)
        return (Ws[-1] @ h).T.ravel()  # order (sample j, output o)

    eps = 1e-6
    for l, W in enumerate(Ws):
        fd = np.zeros(r.jacobians[l].shape)
        for q in range(W.size):
            E = np.zeros(W.size)
            E[q] = eps
            P = [w.copy() for w in Ws]
            M = [w.copy() for w in Ws]
            P[l] = W + E.reshape(W.shape)
            M[l] = W - E.reshape(W.shape)
            fd[q] = (F(P) - F(M)) / (2 * eps)
        assert np.allclose(r.jacobians[l], fd, atol=1e-5)
    assert r.outputs == 10 and r.rank <= 10 and max(r.ranks) <= r.rank
    # one hidden layer, scalar output: first-layer Jacobian is the Khatri--Rao one with v = W2
    W1, W2 = [[1, 2], [-2, 3], [2, -5]], [[3, -1, 2]]
    Xe = [[1, 2, -1, 3], [1, -3, 2, 1]]
    d = deep_region_jacobians([W1, W2], Xe)
    A = activation_pattern(W1, Xe)
    assert d.jacobians[0] == region_jacobian(A, Xe, W2[0])
    assert d.ranks[0] == jacobian_rank(A, Xe)


# ------------------------------------------------------------------ CLI


def test_cli_table_json_and_figure(tmp_path, capsys):
    out = tmp_path / "phase.png"
    assert main(["relu-phase", "--d0", "1", "--n", "4:8:4", "--width", "1:4", "--samples", "30",
                 "--seed", "5", "--workers", "1", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "n \\ d1" in text and out.exists()
    assert main(["relu-phase", "--d0", "1", "--n", "4:8:4", "--width", "1:4", "--samples", "30",
                 "--seed", "5", "--workers", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = phase_transition(1, [4, 8], [1, 2, 3, 4], 30, seed=5, max_workers=1)
    assert data["full_rank"] == [list(r) for r in expected.full_rank]
    assert data["full_rank"][1][0] == 0  # 2 * 1 < 8


@pytest.mark.parametrize("argv,needle", [
    (["--n", "1:x"], "--n: expected"),
    (["--samples", "0"], "--samples: expected an integer ≥ 1"),
    (["--d0", "two"], "--d0: expected an integer"),
])
def test_cli_bad_input_one_line_exit_2(argv, needle, capsys):
    assert main(["relu-phase", *argv]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1


# --------------------------------------------------------------- errors


def test_typed_errors_name_expected_and_received():
    X = with_bias([[0, 1, 2]])
    with pytest.raises(ShapeError, match=r"shape \(1, 2\); expected 3 columns"):
        jacobian_rank([[1, 0]], X)
    with pytest.raises(InputTypeError, match="is 2; expected 0 or 1"):
        is_realizable([[1, 2, 0]], X)
    with pytest.raises(NonFiniteError):
        jacobian_rank([[1, 0]], [[np.nan, 1.0]])
    with pytest.raises(AssumptionError, match=r"v\[1\] is 0"):
        region_jacobian([[1, 0, 1], [1, 1, 1]], X, [1, 0])
    with pytest.raises(DegenerateDataError, match="exactly 0"):
        activation_pattern([[1, -1]], X)
    with pytest.raises(ShapeError, match=r"W has shape \(1, 3\); expected \(1, 2\)"):
        activation_pattern([[1, 1, 1]], X)
    with pytest.raises(InputTypeError, match="sampler is 'gauss'"):
        full_rank_fraction(4, 1, 2, 10, sampler="gauss")
    with pytest.raises(InputTypeError, match="n is 4.5 of type float; expected an integer ≥ 1"):
        full_rank_fraction(4.5, 1, 2, 10)
    with pytest.raises(ShapeError, match="samples is 0"):
        full_rank_fraction(4, 1, 2, 0)
    with pytest.raises(ProblemTooLargeError, match="expected at most"):
        exact_full_rank_fraction(np.random.default_rng(0).standard_normal((2, 20)), 2)
    with pytest.raises(ShapeError, match="y has length 2; expected 3"):
        region_critical_set([[1, 1, 1]], X, [1, 2])
    with pytest.raises(ShapeError, match="expected a sequence of at least two layer matrices"):
        deep_region_jacobians([[[1, 2]]], [[1], [2]])
    with pytest.raises(ParseError):
        main_args = ["relu-phase", "--width", "a"]
        from linnet_geometry.cli import build_parser
        args = build_parser().parse_args(main_args)
        args.func(args)
    for err in (ShapeError, InputTypeError, AssumptionError, DegenerateDataError, ProblemTooLargeError):
        assert issubclass(err, LinnetError)


def test_example_script_fast(tmp_path):
    import runpy
    import pathlib

    script = pathlib.Path(__file__).resolve().parents[2] / "examples" / "relu_phase_transition.py"
    mod = runpy.run_path(str(script), run_name="relu_example")
    assert mod["main"](["--out", str(tmp_path), "--fast"]) == 0
    for d0 in (1, 2, 4):
        assert (tmp_path / f"relu_phase_d0_{d0}.png").stat().st_size > 1000
        data = json.loads((tmp_path / f"relu_phase_d0_{d0}.json").read_text())
        assert data["d0"] == d0 and data["fractions"][1][0] == 0.0  # 2 * (d0 + 1) < 12
    assert "first width with fraction >= 1/2" in (tmp_path / "relu_phase.txt").read_text()
