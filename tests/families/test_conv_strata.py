"""The stride-1 pattern route (``families.convolutional._strata``) against the chart route and the theory.

Two independent routes: the chart route solves the full gradient ∇L = 0 in each chart of the scaling
torus; the pattern route solves ⟨∇ℓ(w̄), t^j γ⟩ = 0 per root-sharing pattern (KMST2024's description of
stride-1 critical points through multiple-root loci).  Both must give the same complex count, the same
complex critical values and the same real points with the same kinds and roles.
"""

from __future__ import annotations

import itertools
import shutil

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from linnet_geometry import PolynomialLoss, QuadraticLoss
from linnet_geometry.exceptions import InputTypeError
from linnet_geometry.families.convolutional import (ConvolutionalNetwork, convolutional_critical_points,
                                                    segre_generic_ed_degree)
from linnet_geometry.families.convolutional._algebra import compare_values
from linnet_geometry.families.convolutional._solve import available_engines
from linnet_geometry.families.convolutional._strata import (differential_rank, pattern_label, sharing_patterns,
                                                            stratified_critical_points)
from linnet_geometry.families.convolutional.critical import ConvolutionalProblem

HAS_MSOLVE = "msolve" in available_engines()
SLOW = pytest.mark.slow


def _data_loss(rng, net):
    n = net.end_to_end_filter_size
    X = [[int(rng.integers(-3, 4)) for _ in range(n + 1)] for _ in range(n)]
    Y = [[int(rng.integers(-3, 4)) for _ in range(n + 1)]]
    return QuadraticLoss.from_data(X, Y)


def _target_loss(rng, net):
    return QuadraticLoss([[sympy.Rational(int(rng.integers(-9, 10)), int(rng.integers(1, 4)))
                           for _ in range(net.end_to_end_filter_size)]])


# -- the patterns --------------------------------------------------------------------------------------
def _pattern_count_by_generating_function(degrees):
    """Coefficient of ∏ x_l^{d_l} in ∏_{v ≠ 0, v ≤ d} 1/(1 − x^v), by truncated series products."""
    vecs = [v for v in itertools.product(*[range(d + 1) for d in degrees]) if any(v)]
    series = {tuple(0 for _ in degrees): 1}
    for v in vecs:
        new = {}
        for m, c in series.items():
            k = 0
            while all(a + k * b <= d for a, b, d in zip(m, v, degrees)):
                key = tuple(a + k * b for a, b in zip(m, v))
                new[key] = new.get(key, 0) + c
                k += 1
        series = new
    return series.get(tuple(degrees), 0)


@pytest.mark.parametrize("degrees", [(0,), (2,), (1, 1), (2, 2), (1, 2, 2), (2, 2, 2), (3, 1, 2)])
def test_sharing_patterns_are_every_decomposition_once(degrees):
    pats = sharing_patterns(degrees)
    assert len(pats) == len(set(pats)) == _pattern_count_by_generating_function(degrees)
    for pat in pats:
        total = [sum(n * v[l] for v, n in pat) for l in range(len(degrees))]
        assert tuple(total) == tuple(degrees) and all(n > 0 and any(v) for v, n in pat)
    assert pattern_label((((1, 1, 0), 1), ((0, 0, 2), 1))) == "1 root in layers 1,2; 1 root in layer 3^2"


# -- the criterion: im dμ(θ) = γ · Pol_{D − deg γ} -------------------------------------------------------
@st.composite
def _pattern_points(draw):
    L = draw(st.integers(1, 3))
    degrees = tuple(draw(st.integers(0, 3)) for _ in range(L))
    pats = sharing_patterns(degrees)
    pat = pats[draw(st.integers(0, len(pats) - 1))]
    nroots = sum(n for _v, n in pat)
    roots = draw(st.lists(st.integers(-6, 6), min_size=nroots, max_size=nroots, unique=True))
    scales = [draw(st.integers(1, 4)) * draw(st.sampled_from([1, -1])) for _ in range(L)]
    return degrees, pat, roots, scales


@pytest.mark.theorem("KMST2024")
@settings(max_examples=60, deadline=None)
@given(_pattern_points())
def test_image_of_the_differential_is_gamma_times_polynomials(case):
    """Stride 1, any θ with all filters non-zero: im dμ(θ) = γ·Pol_{D−deg γ} with γ = ∏_a (t − a)^{m_a − e_a}
    (m_a the multiplicity of a in w̄, e_a its largest multiplicity in one layer): the identity behind the
    pattern route, checked by exact ranks on random patterns (layers with double roots included)."""
    degrees, pat, roots, scales = case
    t = sympy.Symbol("t")
    it = iter(roots)
    layers = [sympy.Integer(c) for c in scales]
    gamma = sympy.Integer(1)
    for v, n in pat:
        for _ in range(n):
            a = next(it)
            for l, e in enumerate(v):
                layers[l] *= (t - a) ** e
            gamma *= (t - a) ** (sum(v) - max(v))
    net = ConvolutionalNetwork(tuple(d + 1 for d in degrees))
    theta = tuple(tuple(sympy.Poly(w, t).all_coeffs()[::-1]) for w in layers)
    J = sympy.Matrix(net.differential(theta))
    D = sum(degrees)
    g = sympy.Poly(gamma, t).all_coeffs()[::-1]
    span = sympy.Matrix([[g[i - j] if 0 <= i - j < len(g) else 0 for j in range(D - len(g) + 2)]
                         for i in range(D + 1)])
    assert J.rank() == span.rank() == D + 2 - len(g) == differential_rank(pat)
    assert J.row_join(span).rank() == span.rank()


# -- the two routes --------------------------------------------------------------------------------------
def _same_points(A, B):
    assert len(A.points) == len(B.points)
    key = lambda p: (p.chart, tuple(round(x, 9) for x in p.theta_float))  # noqa: E731
    for p, q in zip(sorted(A.points, key=key), sorted(B.points, key=key)):
        assert p.chart == q.chart
        assert np.allclose(p.theta_float, q.theta_float, rtol=1e-12, atol=1e-12)
        assert compare_values(p.report.value_field, q.report.value_field) == 0
        assert (p.kind, p.role, p.on_boundary, p.repeated_filters, p.differential_rank) == \
               (q.kind, q.role, q.on_boundary, q.repeated_filters, q.differential_rank)
        # the pattern route reads these off the pattern (_strata.pattern_facts); the charts decide them in K
        assert (p.report.repeated_root, p.report.shared_roots) == (q.report.repeated_root, q.report.shared_roots)


@pytest.mark.theorem("KMST2024")
@pytest.mark.parametrize("sizes,strides,loss,seed", [
    ((2, 2), (1, 1), "target", 0), ((2, 2), (1, 2), "data", 1), ((3, 2), (1, 1), "target", 2),
    ((2, 3), (1, 1), "data", 3), ((2, 2, 2), (1, 1, 1), "target", 4), ((1, 2, 2), (1, 1, 2), "data", 5),
    ((3, 3), (1, 1), "target", 6), pytest.param((3, 3), (1, 1), "data", 7, marks=SLOW),
    pytest.param((2, 2, 3), (1, 1, 1), "target", 8, marks=SLOW),
    # special targets: (1 + t)² with a root at ∞ (a layer with a double root is critical), t⁴ + t² + 1, (1 + t)⁴
    ((2, 3), (1, 1), [1, 2, 1, 0], 0), ((3, 3), (1, 1), [1, 0, 1, 0, 1], 0), ((3, 3), (1, 1), [1, 4, 6, 4, 1], 0)])
def test_patterns_and_charts_give_the_same_critical_points(sizes, strides, loss, seed):
    """Generic and special data: same complex count and values (exact), same real points, kinds and roles."""
    rng = np.random.default_rng(seed)
    net = ConvolutionalNetwork(sizes, strides)
    if isinstance(loss, list):
        ell = QuadraticLoss([loss])
    else:
        ell = (_data_loss if loss == "data" else _target_loss)(rng, net)
    A = convolutional_critical_points(net, ell, method="strata")
    B = convolutional_critical_points(net, ell, method="charts")
    assert (A.method, B.method) == ("strata", "charts")
    assert A.complex_count == B.complex_count == sum(n for _p, _c, n in A.strata)
    assert A.complex_critical_values_polynomial() == B.complex_critical_values_polynomial()
    _same_points(A, B)
    assert [f.description for f in A.families] == [f.description for f in B.families]
    assert convolutional_critical_points(net, ell).method == "strata"   # the default for stride 1


@pytest.mark.theorem("SHA2024")
@pytest.mark.parametrize("sizes,seed", [((2, 2, 2), 0), ((2, 2, 3), 3), pytest.param((2, 3, 3), 1, marks=SLOW),
                                        pytest.param((3, 2, 3), 2, marks=SLOW)])
def test_pattern_counts_add_up_to_the_segre_ed_degree(sizes, seed):
    """Generic data: the complex critical points of all strata add up to the generic ED degree of the Segre
    variety (SHA2024; 34, 100, 435, 435).  The stratum where no root is shared holds the ordered factorizations of
    the unconstrained minimizer ((Σd)! / ∏ d_l! of them: its roots are distinct), and no point has a layer with
    a double root (those strata are empty for generic data).  Counts only: the systems, not the analysis of
    every real point (which ``convolutional_critical_points`` adds)."""
    rng = np.random.default_rng(seed)
    net = ConvolutionalNetwork(sizes)
    prob = ConvolutionalProblem(net, _data_loss(rng, net))
    found, _systems, engines = stratified_critical_points(prob)
    counts = {}
    for pattern, _chart, _engine, kept in found:
        counts[pattern_label(pattern)] = counts.get(pattern_label(pattern), 0) + sum(q.degree() for q, _ in kept)
    assert sum(counts.values()) == segre_generic_ed_degree(sizes)
    degrees = [k - 1 for k in sizes]
    unshared = pattern_label(tuple(((tuple(1 if m == l else 0 for m in range(len(sizes)))), d)
                                   for l, d in enumerate(degrees) if d))
    from math import factorial, prod
    assert counts[unshared] == factorial(sum(degrees)) // prod(factorial(d) for d in degrees)
    assert not any("^" in lab for lab in counts)


def test_positive_dimensional_patterns_fall_back_to_the_charts():
    """ℓ = (w̄_0 − 1)² has a whole curve of critical filters; the pattern route sees a positive-dimensional
    system and the chart route (which reports families) answers."""
    net = ConvolutionalNetwork((2, 2))
    W = sympy.Matrix(1, 3, sympy.symbols("a b c"))
    loss = PolynomialLoss((W[0] - 1) ** 2, W)
    locus = convolutional_critical_points(net, loss)
    assert locus.method == "charts" and locus.complex_count is None
    assert any(f.dimension > 0 and not f.zero_layers for f in locus.families)


def test_method_is_checked():
    net = ConvolutionalNetwork((2, 2), (2, 1))
    loss = QuadraticLoss([[1, 2, 3, 4]])
    with pytest.raises(InputTypeError, match="method"):
        convolutional_critical_points(net, loss, method="fast")
    with pytest.raises(InputTypeError, match="stretched"):
        convolutional_critical_points(net, loss, method="strata")
    assert convolutional_critical_points(net, loss).method == "charts"


@pytest.mark.skipif(shutil.which("Singular") is None, reason="Singular not on PATH")
def test_pattern_route_with_singular_engine():
    rng = np.random.default_rng(11)
    net = ConvolutionalNetwork((2, 3))
    ell = _target_loss(rng, net)
    A = convolutional_critical_points(net, ell, engine="singular", method="strata")
    B = convolutional_critical_points(net, ell, method="charts")
    assert A.engine == "singular" and A.complex_count == B.complex_count
    _same_points(A, B)


# -- layer permutations ------------------------------------------------------------------------------------
def _permuted_representative(theta, sizes, perm):
    """θ with its layers permuted (layer l ← layer perm[l]) and rescaled to the chart representative: every
    layer but the last with first non-zero coefficient 1, the scale in the last."""
    starts = np.cumsum((0,) + tuple(sizes))
    layers = [list(theta[starts[l]:starts[l + 1]]) for l in range(len(sizes))]
    moved = [layers[perm[l]] for l in range(len(sizes))]
    scale = 1.0
    for w in moved[:-1]:
        lead = next(x for x in w if x != 0.0)   # exact zeros of the chart are exact 0.0 floats
        scale *= lead
        w[:] = [x / lead for x in w]
    moved[-1] = [x * scale for x in moved[-1]]
    return [x for w in moved for x in w]


@pytest.mark.parametrize("sizes,loss,seed", [((2, 2, 2), "target", 0), ((3, 3), "data", 1), ((2, 2, 3), "target", 2),
                                             pytest.param((2, 3, 3), "data", 3, marks=SLOW)])
def test_points_are_closed_under_layer_permutations_of_equal_sizes(sizes, loss, seed):
    """w̄ = w_1 ⋯ w_L commutes: permuting layers of equal size maps critical points to critical points with the
    same value.  The pattern route solves one system per orbit of patterns and permutes its solutions; the
    permuted points lie in the same number field, so their values are equal *exactly* there."""
    rng = np.random.default_rng(seed)
    net = ConvolutionalNetwork(sizes)
    ell = (_data_loss if loss == "data" else _target_loss)(rng, net)
    # the chart route solves every chart on its own: the symmetry is not built into it
    method = "charts" if sum(sizes) <= 6 and seed % 2 == 0 else "strata"
    locus = convolutional_critical_points(net, ell, method=method)
    perms = [p for p in itertools.permutations(range(len(sizes))) if all(sizes[p[l]] == sizes[l] for l in range(len(sizes)))]
    assert len(perms) > 1
    for p in locus.points:
        for perm in perms:
            image = _permuted_representative(p.theta_float, sizes, perm)
            match = [q for q in locus.points if np.allclose(q.theta_float, image, rtol=1e-9, atol=1e-9)]
            assert len(match) == 1
            assert compare_values(p.report.value_field, match[0].report.value_field) == 0
            assert (match[0].kind, match[0].role, match[0].on_boundary) == (p.kind, p.role, p.on_boundary)


@pytest.mark.parametrize("sizes,loss,seed", [((2, 2, 3), "data", 0), pytest.param((2, 3, 3), "target", 111332, marks=SLOW)])
def test_equal_values_from_different_patterns_are_listed_once(sizes, loss, seed):
    """w̄ = P²QR (k = (2,2,3)) is the image of a point of the pattern "P in layers 1,3" and of one of "P in layers
    1,2": one value, two number fields.  ``critical_values`` merges them by exact comparison (equal minimal
    polynomials over ℚ and the same certified root); every real critical value is listed exactly once.
    (k = (2,3,3) with the exhaustive check's target listed 26 values for 16 before.)"""
    from linnet_geometry.families.convolutional._points import distinct_values
    rng = np.random.default_rng(seed)
    net = ConvolutionalNetwork(sizes)
    locus = convolutional_critical_points(net, (_data_loss if loss == "data" else _target_loss)(rng, net))
    floats = [f for _v, f in distinct_values(list(locus.points))]
    assert all(b - a > 1e-9 * max(1.0, abs(b)) for a, b in zip(floats, floats[1:]))   # no value twice
    fields = {}
    for p in locus.points:
        near = [f for f in floats if abs(f - p.value_float) <= 1e-12 * max(1.0, abs(f))]
        assert len(near) == 1
        fields.setdefault(near[0], set()).add(tuple(p.report.value_field[0].q.coeffs()))
    assert any(len(qs) > 1 for qs in fields.values())   # some value was merged across number fields


def test_sharing_patterns_refuse_bad_degrees():
    for bad in [(-1, 2), "12", (1.5, 1)]:
        with pytest.raises(InputTypeError, match="non-negative integers"):
            sharing_patterns(bad)


@pytest.mark.parametrize("seed", [0, 1])
def test_conjugate_points_of_one_component_share_their_exact_value(seed, monkeypatch):
    """k = (3,3): the pattern "1 root in layers 1,2; 1 in layer 1; 1 in layer 2" is mapped to itself by the swap
    of the layers, which maps a real point to *another real root of the same q*.  Their values are equal
    (L is invariant) but written at different roots; ``symmetric_images`` identifies the image by certified
    balls, so the equal values compare exactly, with the cross-field route switched off."""
    from linnet_geometry.families.convolutional import _algebra
    from linnet_geometry.families.convolutional._points import distinct_values
    monkeypatch.setattr(_algebra, "CROSS_FIELD_COST", 0)
    rng = np.random.default_rng(seed)
    net = ConvolutionalNetwork((3, 3))
    locus = convolutional_critical_points(net, _data_loss(rng, net))
    floats = [f for _v, f in distinct_values(list(locus.points))]
    assert all(b - a > 1e-9 * max(1.0, abs(b)) for a, b in zip(floats, floats[1:]))   # no value twice
    shared = [p for p in locus.points if p.report.value_field[0].q.degree() > 1
              and any(q is not p and q.report.value_field is p.report.value_field for q in locus.points)]
    assert shared   # some pair of points now carries one value object
    for p in shared:
        q = next(q for q in locus.points if q is not p and q.report.value_field is p.report.value_field)
        swapped = _permuted_representative(p.theta_float, (3, 3), (1, 0))
        assert np.allclose(swapped, q.theta_float, rtol=1e-9, atol=1e-9)
