"""The float path of classify: decisions relative to the data's scale, backed by stated bounds.

Float ``classify`` at the library's own stratum representatives must agree with
``critical_locus`` (THEORY §3) at every data scale, or answer "undetermined"
with a reason.  Where the ≥ 500 cases run:

* ``test_float_classify_agrees_with_locus_sweep`` — default run, a seeded sweep of
  targets scaled 1e-12 … 1e12 that asserts at least 500 stratum representatives
  were classified with zero disagreements (about 3 s);
* ``test_float_classify_agrees_with_locus_hypothesis`` — default run, hypothesis, 60 examples;
* ``test_float_classify_agrees_with_locus_exhaustive`` — ``-m slow``, at least 5000 representatives.
"""

import threading
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from linnet_geometry import LinearNetwork, QuadraticLoss, classify, critical_locus
from linnet_geometry.exact.matrix import certified_inertia, check_tol, inertia
from linnet_geometry.critical.classify import _balance
from linnet_geometry.critical.spectrum import spectrum
from linnet_geometry.exceptions import AssumptionError, InputTypeError, NonFiniteError
from linnet_geometry.model.losses import MatrixSensingLoss, WeightedQuadraticLoss

WIDTHS = [(2, 1, 2), (3, 2, 3), (2, 2, 2), (3, 1, 2), (2, 3, 2), (3, 2, 2, 3), (2, 1, 1, 2), (3, 2, 4),
          (4, 2, 3), (2, 3, 3, 2), (3, 1, 3), (2, 2, 2, 2, 2), (4, 3, 3, 4), (3, 3, 1, 3)]


def _agrees(stratum, rep):
    """classify's answer at a representative is the locus's, or undetermined with a reason."""
    if not (rep.is_critical and rep.kind == stratum.kind):
        return False
    if rep.role == "undetermined":
        return any("undetermined" in f.statement or "cannot be decided" in f.statement for f in rep.certificate)
    if stratum.role == "saddle":  # strict at some points of the stratum, non-strict at others (AMG2024)
        return rep.role in ("strict_saddle", "non_strict_saddle")
    return rep.role == stratum.role


def _check_target(widths, U):
    """Classify every stratum representative; return (cases, disagreements)."""
    net, loss = LinearNetwork(widths), QuadraticLoss(U)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        locus = critical_locus(net, loss)
    if locus.is_degenerate:  # families: the representative is one member; covered elsewhere
        return 0, []
    bad = []
    n = 0
    for stratum in locus.strata:
        rep = classify(net, loss, stratum.representative)
        n += 1
        if not _agrees(stratum, rep):
            bad.append((widths, stratum.support, stratum.kind, stratum.role, rep.kind, rep.role, rep.hessian_inertia))
    return n, bad


def _sweep(seed, targets):
    rng = np.random.default_rng(seed)
    cases, bad = 0, []
    for _ in range(targets):
        w = WIDTHS[rng.integers(len(WIDTHS))]
        scale = 10.0 ** rng.uniform(-12, 12)
        if rng.random() < 0.5:
            U = rng.integers(-9, 10, size=(w[-1], w[0])) * scale
        else:
            U = rng.standard_normal((w[-1], w[0])) * scale
        n, b = _check_target(w, U)
        cases += n
        bad += b
    return cases, bad


@pytest.mark.theorem("TKB2020")
def test_float_classify_agrees_with_locus_sweep():
    cases, bad = _sweep(seed=2024, targets=130)
    assert cases >= 500
    assert bad == []


@pytest.mark.slow
@pytest.mark.theorem("TKB2020")
def test_float_classify_agrees_with_locus_exhaustive():
    cases, bad = _sweep(seed=7, targets=1200)
    assert cases >= 5000
    assert bad == []


@pytest.mark.theorem("EY1936")
@settings(max_examples=60)
@given(st.sampled_from(WIDTHS), st.integers(-12, 12), st.integers(0, 2**32 - 1))
def test_float_classify_agrees_with_locus_hypothesis(widths, exponent, seed):
    rng = np.random.default_rng(seed)
    U = rng.standard_normal((widths[-1], widths[0])) * 10.0**exponent
    _, bad = _check_target(widths, U)
    assert bad == []


@pytest.mark.theorem("BH1989")
def test_float_classify_agrees_with_locus_data_form():
    rng = np.random.default_rng(11)
    cases = 0
    for _ in range(40):
        w = WIDTHS[rng.integers(len(WIDTHS))]
        X = rng.standard_normal((w[0], w[0] + 2)) * 10.0 ** rng.uniform(-3, 3)
        Y = rng.standard_normal((w[-1], w[0] + 2)) * 10.0 ** rng.uniform(-6, 6)
        net, loss = LinearNetwork(w), QuadraticLoss.from_data(X, Y)
        locus = critical_locus(net, loss)
        for stratum in locus.strata:
            cases += 1
            assert _agrees(stratum, classify(net, loss, stratum.representative))
    assert cases > 100


# -- the reproductions --------------------------------------------------------------------------------
@pytest.mark.theorem("K2016")
@pytest.mark.parametrize("scale", [1e-10, 1e-12, 1.0, 1e12])
def test_tiny_target_gradient_is_not_zero(scale):
    """θ = 0 for ℓ = ‖W − U‖² with U = diag(2, 1)·scale is a spurious strict saddle at every scale."""
    net = LinearNetwork((2, 1, 2))
    rep = classify(net, QuadraticLoss(np.diag([2.0, 1.0]) * scale), [np.zeros((1, 2)), np.zeros((2, 1))])
    exact = classify(net, QuadraticLoss([[2, 0], [0, 1]]), [[[0, 0]], [[0], [0]]])
    assert (rep.kind, rep.role, rep.hessian_inertia) == (exact.kind, exact.role, exact.hessian_inertia)
    assert (rep.kind, rep.role, rep.hessian_inertia) == ("spurious", "strict_saddle", (2, 2, 0))


@pytest.mark.theorem("EY1936")
def test_unbalanced_representative_keeps_its_negative_eigenvalue():
    U = 1e4 * np.array([[-5.0, -5, 4], [3, 4, 0], [3, -2, -1]])
    net, loss = LinearNetwork((3, 2, 3)), QuadraticLoss(U)
    locus = critical_locus(net, loss)
    stratum = locus.stratum((1, 3))
    rep = classify(net, loss, stratum.representative)
    assert stratum.role == "strict_saddle" and stratum.function_space_index == 1
    assert rep.role == "strict_saddle"
    # negative index = function-space index, nullity = fiber dimension d_θ − r(d_0 + d_h − r) (TKB2020)
    assert rep.hessian_inertia == (12 - 1 - 4, 1, 4)
    assert rep.value > 2 * locus.global_minimum.value_float


def test_balancing_is_exact_and_keeps_the_product():
    rng = np.random.default_rng(0)
    mats = (rng.standard_normal((2, 3)) * 1e6, rng.standard_normal((2, 2)), rng.standard_normal((3, 2)) * 1e-5)
    bal = _balance(mats)
    prod = lambda ms: ms[2] @ ms[1] @ ms[0]
    assert np.array_equal(prod(bal), prod(mats))  # power-of-two factors with ∏ c_i = 1: bit-identical
    norms = [np.linalg.norm(M) for M in bal]
    assert max(norms) / min(norms) < 4


def test_near_tie_is_undetermined_with_a_reason():
    net = LinearNetwork((2, 1, 2))
    loss = QuadraticLoss(np.diag([1.0 + 1e-7, 1.0]))
    locus = critical_locus(net, loss)
    stratum = locus.stratum((2,))
    assert stratum.role == "strict_saddle"
    rep = classify(net, loss, stratum.representative, tol=1e-5)
    assert rep.is_critical and rep.kind == "pure" and rep.role == "undetermined"
    assert any("cannot be decided" in f.statement for f in rep.certificate)
    assert classify(net, loss, stratum.representative).role == "strict_saddle"  # default tol resolves it


@pytest.mark.theorem("TKB2020")
@pytest.mark.parametrize("scale", [2.0**-40, 1.0, 2.0**40])
def test_other_losses_float_agree_with_exact(scale):
    """Dyadic data: the float route and the exact route see the same rational point and decide alike."""
    s = Fraction(scale)
    U = [[2, 1], [1, 3]]
    w = [[1, 2], [3, 1]]
    A = [[[1, 0], [0, 0]], [[0, 1], [1, 0]], [[0, 0], [0, 1]], [[0, 1], [0, 0]]]
    b = [2, 2, 3, 1]  # ⟨A_k, U⟩
    losses = [
        (WeightedQuadraticLoss([[x * s for x in r] for r in U], w),
         WeightedQuadraticLoss(np.array(U, dtype=float) * scale, np.array(w, dtype=float))),
        (MatrixSensingLoss(A, [x * s for x in b]),
         MatrixSensingLoss([np.array(a, dtype=float) for a in A], [x * scale for x in b])),
    ]
    points = [  # θ = 0 on (2, 1, 2): critical, spurious; (I, U) on (2, 2, 2): the global minimum W̄ = U
        (LinearNetwork((2, 1, 2)), [[[0, 0]], [[0], [0]]], [np.zeros((1, 2)), np.zeros((2, 1))]),
        (LinearNetwork((2, 2, 2)), [[[1, 0], [0, 1]], [[x * s for x in r] for r in U]],
         [np.eye(2), np.array(U, dtype=float) * scale]),
    ]
    for exact_loss, float_loss in losses:
        for net, th_exact, th_float in points:
            a, f = classify(net, exact_loss, th_exact), classify(net, float_loss, th_float)
            assert a.is_critical and f.is_critical
            assert (a.kind, a.role, a.hessian_inertia) == (f.kind, f.role, f.hessian_inertia)
    assert classify(*points[1][:1], losses[0][1], points[1][2]).role == "global_min"


def test_float_global_minimum_of_weighted_loss_at_every_scale():
    net = LinearNetwork((2, 2, 2))
    for scale in (1e-12, 1.0, 1e12):
        U = np.array([[2.0, 1.0], [0.5, 3.0]]) * scale
        loss = WeightedQuadraticLoss(U, np.array([[1.0, 2.0], [3.0, 4.0]]))
        rep = classify(net, loss, [np.eye(2), U])
        assert (rep.is_critical, rep.kind, rep.role) == (True, "pure", "global_min")


# -- tolerances and float range ----------------------------------------------------------------------
@pytest.mark.parametrize("tol, error", [(-1, AssumptionError), (0, AssumptionError), (1.5, AssumptionError),
                                        (float("nan"), NonFiniteError), (float("inf"), NonFiniteError),
                                        ("x", InputTypeError), (None, InputTypeError), (True, InputTypeError)])
def test_bad_tol_is_a_typed_error(tol, error):
    net, loss = LinearNetwork((2, 1, 2)), QuadraticLoss(np.diag([2.0, 1.0]))
    theta = [np.zeros((1, 2)), np.zeros((2, 1))]
    for call in (lambda: classify(net, loss, theta, tol=tol), lambda: critical_locus(net, loss, tol=tol),
                 lambda: spectrum(loss, tol=tol), lambda: inertia(np.eye(2), tol=tol), lambda: check_tol(tol)):
        with pytest.raises(error) as info:
            call()
        assert "tol" in str(info.value)
        assert isinstance(info.value, (ValueError, TypeError))


@pytest.mark.parametrize("target", ["1e200 0; 0 2e200", "1e-200 0; 0 2e-200"])
def test_out_of_range_targets_are_refused(target):
    with pytest.raises(NonFiniteError, match="float64"):
        critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss(target))


def test_overflowing_value_in_classify_is_refused():
    net, loss = LinearNetwork((2, 1, 2)), QuadraticLoss(np.diag([2e200, 1e200]))
    with pytest.raises(NonFiniteError, match="overflows"):
        classify(net, loss, [np.zeros((1, 2)), np.zeros((2, 1))])


def test_large_but_representable_targets_are_fine():
    locus = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss(np.diag([2e150, 1e150])))
    assert np.isfinite(locus.global_minimum.value_float)
    assert locus.global_minimum.value_float == pytest.approx(1e300)


# -- certified inertia --------------------------------------------------------------------------------
def _random_rational_symmetric(rng, n, rank):
    B = sympy.Matrix(rank, n, [sympy.Rational(int(rng.integers(-9, 10)), int(rng.integers(1, 5)))
                               for _ in range(rank * n)])
    D = sympy.diag(*[int(rng.choice([-3, -1, 1, 2])) for _ in range(rank)])
    return B.T * D * B


@settings(max_examples=40)
@given(st.integers(1, 7), st.integers(0, 7), st.integers(0, 2**32 - 1))
def test_exact_inertia_fast_route_matches_descartes(n, rank, seed):
    """Exact rank + certified float counts (fast route) = Descartes on the characteristic polynomial."""
    from linnet_geometry.exact.matrix import _rational_inertia_by_rank

    rng = np.random.default_rng(seed)
    H = _random_rational_symmetric(rng, n, min(rank, n))
    coeffs = list(H.charpoly().all_coeffs())
    zero = 0
    while coeffs and coeffs[-1] == 0:
        coeffs.pop()
        zero += 1
    signs = [int(sympy.sign(c)) for c in coeffs]
    ch = lambda seq: sum(1 for a, b in zip([s for s in seq if s], [s for s in seq if s][1:]) if a != b)
    deg = len(coeffs) - 1
    expected = (ch(signs), ch([s * (-1) ** (deg - k) for k, s in enumerate(signs)]), zero)
    assert inertia(H) == expected
    fast = _rational_inertia_by_rank(H)
    assert fast is None or fast == expected


def test_certified_inertia_refuses_when_the_bound_straddles_the_band():
    H = np.diag([1.0, -1.0, 1e-9])
    assert certified_inertia(H, np.zeros((3, 3)), 1e-12) == (2, 1, 0)
    assert certified_inertia(H, np.zeros((3, 3)), 1e-6) == (1, 1, 1)
    assert certified_inertia(H, np.full((3, 3), 1e-9), 1e-9) is None


def test_dense_exact_classify_is_fast_and_right():
    """widths (12, 12, 12): 288 parameters, a critical point with dense rational Hessian."""
    rng = np.random.default_rng(0)
    U = sympy.Matrix(12, 12, [int(x) for x in rng.integers(-5, 6, 144)])
    W1 = sympy.Matrix(12, 12, [int(x) for x in rng.integers(-3, 4, 144)])
    while W1.det() == 0:  # pragma: no cover - seed-dependent
        W1 = sympy.Matrix(12, 12, [int(x) for x in rng.integers(-3, 4, 144)])
    net = LinearNetwork((12, 12, 12))
    rep = classify(net, QuadraticLoss(U), [W1, U * W1.inv()])
    # W̄ = U: global minimum; Hessian nullity = fiber dimension d_θ − r(d_0 + d_h − r) = 288 − 144 (TKB2020)
    assert (rep.kind, rep.role, rep.hessian_inertia) == ("pure", "global_min", (144, 0, 144))


# -- mpmath precision -----------------------------------------------------------------------------------
def test_mpmath_precision_untouched_by_threaded_representatives():
    before = mpmath.mp.dps
    net = LinearNetwork((3, 2, 3))
    errors = []

    def work(k):
        try:
            locus = critical_locus(net, QuadraticLoss([[k + 2, 1, 0], [1, 3, 1], [0, 1, 5 + k]]))
            for stratum in locus.strata:
                stratum.representative
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert mpmath.mp.dps == before
