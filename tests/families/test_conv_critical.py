"""Critical points of losses on linear convolutional networks (KMMT2022, KMST2024): two routes, paper examples."""

import itertools
import json
import shutil
from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from linnet_geometry import QuadraticLoss, WeightedQuadraticLoss, classify, critical_graph, derive
from linnet_geometry.cli import main
from linnet_geometry.families.convolutional import (ConvolutionalNetwork, classify_convolutional,
                                           convolutional_critical_points, real_root_profile,
                                           segre_generic_ed_degree)
from linnet_geometry.families.convolutional._algebra import (RealAlgebraicField, compare_values, minimal_polynomial_of,
                                                              real_root_counts)
from linnet_geometry.families.convolutional.critical import ConvolutionalProblem
from linnet_geometry.families.convolutional._solve import available_engines, solve_system
from linnet_geometry.families.convolutional.brute_force import (critical_values_polynomial, default_backend,
                                                                reduce_modulo)
from linnet_geometry.exceptions import ExactInputRequiredError, InputTypeError, ShapeError

HAS_SINGULAR = shutil.which("Singular") is not None
HAS_MSOLVE = "msolve" in available_engines()
#: brute-force backend: msolve's elimination when present, else Singular, M2, sympy (tiny cases only)
BRUTE = default_backend()


def _target(rng, net):
    return QuadraticLoss([[sympy.Rational(int(rng.integers(-9, 10)), int(rng.integers(1, 4)))
                           for _ in range(net.end_to_end_filter_size)]])


# -- two routes: charts modulo scaling vs the raw gradient ideal ---------------------------------------
SLOW = pytest.mark.slow
DEFAULT_ARCHS = [((2, 2), (1, 1)), ((2, 2), (2, 1)), pytest.param((3, 2), (1, 1), marks=SLOW), ((2, 3), (2, 1)),
                 ((1, 2), (1, 1))]


@pytest.mark.parametrize("sizes,strides", DEFAULT_ARCHS)
def test_complex_critical_values_agree_with_brute_force(sizes, strides):
    """Main route (charts modulo scaling, default engine) vs the raw parameter-space gradient ideal
    eliminated down to the value variable (default brute-force backend): same complex critical values."""
    if BRUTE == "sympy" and sum(sizes) > 4:
        pytest.skip("no msolve / Singular / M2: sympy's lex basis is too slow for this architecture")
    rng = np.random.default_rng(sum(sizes) * 7 + sum(strides))
    net = ConvolutionalNetwork(sizes, strides)
    loss = _target(rng, net)
    locus = convolutional_critical_points(net, loss)
    main_route = locus.complex_critical_values_polynomial()
    brute = critical_values_polynomial(net, loss, backend=BRUTE)
    assert main_route.as_expr() == brute.as_expr()
    # every real critical value of the locus is a root of the brute-force polynomial (exact sign change test)
    for v in locus.critical_values:
        approx = float(sympy.N(v, 30))
        assert any(abs(float(r) - approx) <= 1e-9 * max(1.0, abs(approx)) for r in sympy.Poly(brute).real_roots())


@pytest.mark.skipif(not HAS_MSOLVE, reason="msolve not installed")
@pytest.mark.parametrize("sizes,strides,target", [((2, 2), (1, 1), [1, 0, 1]), ((2, 3), (2, 1), [3, -1, 2, 1, -2, 1]),
                                                  ((3, 2), (1, 1), [3, -2, Fraction(5, 2), 1])])
def test_default_engine_is_msolve_and_agrees_with_sympy(sizes, strides, target):
    """With msolve installed, engine="auto" answers every chart with msolve (no silent fallback) and
    gives the same exact points, complex count and complex critical values as the sympy engine."""
    net = ConvolutionalNetwork(sizes, strides)
    loss = QuadraticLoss([target])
    a = convolutional_critical_points(net, loss)
    b = convolutional_critical_points(net, loss, engine="sympy")
    assert set(a.engines) == {"msolve"} and a.engine == "msolve" and b.engine == "sympy"
    assert all(p.engine == "msolve" for p in a.points)
    def key(p):
        return (p.value_float, p.chart, p.theta_float)

    pa, pb = sorted(a.points, key=key), sorted(b.points, key=key)   # ties in value: solver order may differ
    assert [p.chart for p in pa] == [p.chart for p in pb]
    for p, q in zip(pa, pb):   # the exact points, compared through their certified floats
        assert np.allclose(p.theta_float, q.theta_float, rtol=1e-12, atol=1e-12)
        assert abs(p.value_float - q.value_float) <= 1e-12 * max(1.0, abs(q.value_float))
        assert (p.kind, p.role, p.on_boundary, p.hessian_inertia) == (q.kind, q.role, q.on_boundary, q.hessian_inertia)
    assert a.complex_count == b.complex_count
    assert a.complex_critical_values_polynomial().as_expr() == b.complex_critical_values_polynomial().as_expr()


@pytest.mark.skipif(not HAS_MSOLVE, reason="msolve not installed")
@pytest.mark.parametrize("sizes,strides", [((2, 2), (1, 1)), ((1, 2), (1, 1)), ((2, 2), (2, 1))])
def test_brute_force_backends_msolve_and_sympy_agree(sizes, strides):
    """The brute-force elimination read from msolve (-e) equals sympy's lex Gröbner basis elimination."""
    rng = np.random.default_rng(3)
    net = ConvolutionalNetwork(sizes, strides)
    loss = _target(rng, net)
    assert (critical_values_polynomial(net, loss, backend="msolve").as_expr()
            == critical_values_polynomial(net, loss, backend="sympy").as_expr())


PRIME = 2147483647   # 2³¹ − 1


@pytest.mark.parametrize("sizes,strides", [((2, 2), (1, 1)), ((1, 1, 1), (1, 1, 1)), ((1, 2, 1), (2, 1, 1)),
                                           ((2, 1, 2), (1, 1, 1)), ((2, 2, 1), (1, 2, 1))])
def test_sliced_elimination_keeps_every_critical_value(sizes, strides):
    """Cutting the scaling orbits (KMMT2022: (ℂ*)^(L−1) acts, L is invariant) with L − 1 random affine
    hyperplanes, plus L(0), gives the same critical values as the full elimination, for two slices.
    (1,1,1) is the case whose L(0) strata (two zero layers) have dimension 1 < L − 1: the slice misses
    them and the added L(0) restores the value."""
    rng = np.random.default_rng(sum(sizes) + 5 * sum(strides))
    net = ConvolutionalNetwork(sizes, strides)
    loss = _target(rng, net)
    full = critical_values_polynomial(net, loss, backend=BRUTE)
    for seed in (0, 1):
        assert critical_values_polynomial(net, loss, backend=BRUTE, slice_orbits=True, seed=seed) == full


@pytest.mark.parametrize("sizes,strides", [((2, 2), (1, 1)), ((2, 3), (2, 1)), ((2, 2, 1), (1, 1, 1))])
def test_modular_routes_are_the_images_of_the_rational_ones(sizes, strides):
    """Over GF(p) both routes give the image of their rational polynomial (which agree): the main route's
    characteristic polynomials in GF(p), and the brute-force elimination mod p with every backend here."""
    rng = np.random.default_rng(11 * sum(sizes) + sum(strides))
    net = ConvolutionalNetwork(sizes, strides)
    loss = _target(rng, net)
    locus = convolutional_critical_points(net, loss)
    P = locus.complex_critical_values_polynomial()
    image = reduce_modulo(P, PRIME)
    assert image.get_modulus() == PRIME and image.degree() == P.degree()
    assert locus.complex_critical_values_polynomial(modulus=PRIME) == image
    backends = [b for b in available_engines() if b != "sympy"] + (["sympy"] if sum(sizes) <= 4 else [])
    for backend in backends:
        for cut in (False, True):
            assert critical_values_polynomial(net, loss, backend=backend, modulus=PRIME, slice_orbits=cut) == image


def test_modular_options_refuse_bad_primes():
    net, loss = ConvolutionalNetwork((2, 2)), QuadraticLoss([[1, 0, 1]])
    for bad in (4, 2**31 + 11, 2.5, True):
        with pytest.raises(InputTypeError, match="odd prime below 2\\*\\*31"):
            critical_values_polynomial(net, loss, modulus=bad)
        with pytest.raises(InputTypeError):
            convolutional_critical_points(net, loss, engine="sympy").complex_critical_values_polynomial(modulus=bad)
    v = sympy.Symbol("v")
    with pytest.raises(ZeroDivisionError, match="take another prime"):
        reduce_modulo(sympy.Poly(v**2 + v / 7, v), 7)


def test_real_root_counts_in_a_number_field_agree_with_the_function_space():
    """Boundary decisions inside K = Q(√d) (Yun + Sturm over K) agree with real_root_profile on radicals."""
    rng = np.random.default_rng(0)
    for _ in range(25):
        d = int(rng.choice([2, 3, 5, 7]))
        K = RealAlgebraicField([-d, 0, 1], 1, 3)
        a = K.gen()
        roots = [(int(rng.integers(-2, 3)), int(rng.integers(-1, 2))) for _ in range(int(rng.integers(1, 4)))]
        pairs = int(rng.integers(0, 2))
        poly = [K(1)]
        for r0, r1 in roots + [roots[0]] * int(rng.integers(0, 2)):   # roots r0 + r1·√d, maybe one repeated
            root = K.reduce(K(r0) + K.reduce(a * r1))
            poly = [K.reduce(x) for x in
                    [K.reduce(-K.mul(root, poly[0]))] + [K.reduce(poly[i - 1] - K.mul(root, poly[i]))
                                                          for i in range(1, len(poly))] + [poly[-1]]]
        for _ in range(pairs):                                          # times (t² + 1)
            poly = [K.reduce((poly[i] if i < len(poly) else K(0)) + (poly[i - 2] if i >= 2 else K(0)))
                    for i in range(len(poly) + 2)]
        inf = int(rng.integers(0, 2))
        coeffs = poly + [K(0)] * inf
        r, r_odd = real_root_counts(K, coeffs, len(coeffs) - 1)
        prof = real_root_profile([K.to_sympy(x) for x in coeffs])
        assert (r, r_odd) == (prof.real_roots, prof.odd_multiplicity_roots)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([((2, 2), (1, 1)), ((3, 2), (2, 1)), ((2, 3, 2), (1, 1, 1)), ((3, 2, 3), (2, 2, 1)),
                        ((1, 3, 2), (1, 2, 1))]),
       st.data())
def test_binary_discriminants_and_resultants_decide_repeated_and_shared_roots(arch, data):
    """KMMT2022: w̄(t) = ∏ w_l(t^{S_l}).  The zero tests of the precomputed discriminants and resultants
    (ring operations only) agree with gcds over K for repeated roots of w̄ and shared roots of two
    layers, in ℚ(√2), on points built to be degenerate (shared / repeated roots, leading zeros)."""
    from linnet_geometry.families.convolutional._linalg import gcd_degree
    sizes, strides = arch
    net = ConvolutionalNetwork(sizes, strides)
    prob = ConvolutionalProblem(net, QuadraticLoss([[1] * net.end_to_end_filter_size]))
    K = RealAlgebraicField([-2, 0, 1], 1, 2)
    entry = st.sampled_from([0, 0, 1, -1, 2]).flatmap(lambda a: st.sampled_from([0, 1, -1]).map(
        lambda b: K.reduce(K(a) + K.reduce(K.gen() * b))))
    layers = [[data.draw(entry) for _ in range(k)] for k in sizes]
    if data.draw(st.booleans()) and len(sizes) > 1 and sizes[0] == sizes[1]:   # a repeated filter
        layers[1] = list(layers[0])
    if any(all(K.is_zero(x) for x in w) for w in layers):
        return
    coords = [x for w in layers for x in w]
    disc, res = prob.binary_invariants()
    stretched = []
    for w, S in zip(layers, prob.stretched_offsets()):
        P = [K(0)] * ((len(w) - 1) * S + 1)
        for j, c in enumerate(w):
            P[j * S] = c
        stretched.append(P)
    def form_gcd(a, b):   # common roots of binary forms in ℙ¹: finite ones by gcd, ∞ if both leads vanish
        at_inf = len(a) > 1 and len(b) > 1 and K.is_zero(a[-1]) and K.is_zero(b[-1])
        return at_inf or gcd_degree(K, a, b) >= 1
    for (l, m), R in res.items():
        assert K.is_zero(R(K, coords, {})) == form_gcd(stretched[l], stretched[m])
    wbar = [K.reduce(prob.ev(("mu", n), prob.mu[n])(K, coords, {})) for n in range(prob.kbar)]
    deriv = [K.reduce(x * flint.fmpq(i)) for i, x in enumerate(wbar)][1:]
    if K.is_zero(wbar[-1]) and K.is_zero(wbar[-2]):   # ∞ at least a double root
        repeated = True
    else:
        repeated = gcd_degree(K, wbar, deriv) >= 1
    by_factors = (any(D is not None and K.is_zero(D(K, coords, {})) for D in disc)
                  or any(K.is_zero(R(K, coords, {})) for R in res.values()))
    assert by_factors == repeated


@pytest.mark.parametrize("sizes,strides", [((2, 2, 2), (1, 1, 1)), ((2, 2, 2), (1, 2, 1))])
def test_minima_with_equal_values_share_their_role(sizes, strides):
    """Permuting equal-size filters (stride 1 commutes) gives critical points of the same value in
    other number fields.  Minima at the least value are all global: the comparison of values is
    certified (balls, then exact equality), not a 50-digit float difference (which called two of three
    equal global minima of (2,2,2) "bad local minima" with a "lower" value equal to their own)."""
    seed = sum(k * 10**i for i, k in enumerate(sizes)) + 1000 * sum(s * 10**i for i, s in enumerate(strides))
    net = ConvolutionalNetwork(sizes, strides)
    locus = convolutional_critical_points(net, _target(np.random.default_rng(seed), net))
    minima = [p for p in locus.points if p.role in ("local_min", "global_min")]
    least = min(p.value_float for p in locus.points)
    at_least = [p for p in minima if compare_values(p.report.value_field, locus.points[0].report.value_field) == 0]
    assert len(at_least) >= 2 and all(abs(p.value_float - least) <= 1e-12 * abs(least) for p in at_least)
    assert all(p.role == "global_min" for p in at_least)
    for p in minima:   # "bad" only with a certified lower value
        if p.role == "local_min":
            assert any(compare_values(q.report.value_field, p.report.value_field) == -1 for q in locus.points)
    # critical_values lists each number once: the equal minima (other fields) merge, distinct values do not
    vals = locus.critical_values
    fields = {}
    for p in locus.points:
        fields.setdefault(p.value, p.report.value_field)
    assert len(vals) < len(locus.points) and sum(1 for v in vals if v in {q.value for q in at_least}) == 1
    kept = [fields[v] for v in vals if v in fields]
    assert all(compare_values(a, b) == -1 for a, b in zip(kept, kept[1:]))        # strictly increasing
    assert all(any(compare_values(p.report.value_field, f) == 0 for f in kept) for p in locus.points)


def test_large_coefficient_values_are_shown_from_certified_balls():
    """A number x(α) = 2^b·(α − r), r a 2^−(b+200)-approximation of α (a root of z^30 − 3z − 1): its value is
    below 1e−59 while its coefficients have b bits.  sympy.N at a fixed precision loses every digit to the
    cancellation (it printed 0.e+439 for b = 2000); the library's floats come from certified balls."""
    from linnet_geometry.families.convolutional._points import certified_float, distinct_values
    from linnet_geometry.families.convolutional.results import short_number
    from types import SimpleNamespace

    K = RealAlgebraicField(flint.fmpq_poly([-1, -3] + [0] * 28 + [1]), flint.fmpq(1), flint.fmpq(2))
    b = 2000
    mid = K.ball(K.gen(), b + 200).mid()
    m, e = (int(t) for t in mid.man_exp())
    r = flint.fmpq(m) * flint.fmpq(2) ** e if e >= 0 else flint.fmpq(m, 2 ** -e)
    x = K.reduce(flint.fmpq_poly([-r * 2**b, flint.fmpq(2) ** b]))
    exact = K.to_sympy(x)
    f = K.to_float(x)
    ball = K.ball(x, 4 * b)
    assert 0 < abs(f) < 1e-59 and abs(flint.arb(f) - ball) <= abs(ball) * flint.arb(2) ** -50
    point = SimpleNamespace(value=exact, report=SimpleNamespace(value=exact, value_approx=f, value_field=(K, x)))
    assert certified_float(point) == f
    assert short_number(exact, f) == f"{f:.4g}"
    # the same number written in ℚ(β), β = α + 1, merges (exact cross-field equality); 2x and 1/2 do not
    shifted = flint.fmpq_poly([-1, -3] + [0] * 28 + [1])(flint.fmpq_poly([-1, 1]))
    Kb = RealAlgebraicField(shifted, flint.fmpq(2), flint.fmpq(3))
    xb = Kb.reduce(flint.fmpq_poly([-(r + 1) * 2**b, flint.fmpq(2) ** b]))

    def item(name, L, y):   # values as plain symbols: distinct_values decides from the certified data
        v = sympy.Symbol(name)
        return SimpleNamespace(value=v, report=SimpleNamespace(value=v, value_approx=L.to_float(y), value_field=(L, y)))

    one, twin, double = item("x", K, x), item("x_beta", Kb, xb), item("2x", K, K.reduce(2 * x))
    half = SimpleNamespace(value=sympy.Rational(1, 2), report=None)
    assert compare_values((Kb, xb), (K, x)) == 0
    assert [v for v, _ in distinct_values([double, one, twin, half])] == [one.value, double.value, half.value]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([2, 3, 5]), st.integers(-3, 3), st.integers(-3, 3).filter(bool), st.integers(1, 3),
       st.integers(-3, 3), st.integers(-3, 3), st.integers(1, 2))
def test_certified_comparison_of_values_in_different_fields(d, a, b, k, c, e, root):
    """compare_values(a + b√d in ℚ(√d), c + e·√(d k²)/k in ℚ(√(d k²))) equals sympy's exact sign;
    equal numbers written in different fields compare as 0 (minimal polynomial and root isolation)."""
    K = RealAlgebraicField([-d, 0, 1], 1, 3)
    sign = -1 if root == 2 else 1          # the other real root of z² − d k² in the second field
    L = RealAlgebraicField([-d * k * k, 0, 1], *((k, 3 * k) if sign == 1 else (-3 * k, -k)))
    x = (K, K.reduce(K(a) + K.reduce(K.gen() * b)))
    y = (L, L.reduce(L(c) + L.reduce(L.gen() * flint.fmpq(e, k))))
    exact = sympy.sign(sympy.nsimplify(a + b * sympy.sqrt(d) - c - sign * e * sympy.sqrt(d)))
    assert compare_values(x, y) == exact
    assert compare_values(y, x) == -exact
    assert compare_values(x, (L, L.reduce(L(a) + L.reduce(L.gen() * flint.fmpq(sign * b, k))))) == 0
    assert compare_values(x, a) == (1 if b > 0 else -1)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-30, 30), min_size=2, max_size=24), st.sampled_from([64, 512, 4096]))
def test_interval_newton_keeps_isolating_the_chosen_root(coeffs, prec):
    """RealAlgebraicField.ball narrows α's interval by interval Newton steps: the result is narrower than
    2^−prec (relative), still brackets a sign change of q, and its ball meets FLINT's own root."""
    from linnet_geometry.families.convolutional._algebra import _exact_fmpq
    q = flint.fmpz_poly(coeffs + [1])
    factors = [f for f, _ in q.factor()[1] if f.degree() >= 1]
    f = max(factors, key=lambda g: g.degree())
    reals = [r.real for r, _ in f.complex_roots() if r.imag.contains(0)]
    if not reals:
        return
    K = RealAlgebraicField(flint.fmpq_poly(f), _exact_fmpq(reals[-1].lower()), _exact_fmpq(reals[-1].upper()))
    b = K.ball(K.gen(), prec)
    assert K.hi - K.lo <= flint.fmpq(1, 2 ** prec) * (1 + abs(K.lo) + abs(K.hi)) or K.lo == K.hi
    assert K.lo == K.hi or K.q(K.lo) * K.q(K.hi) < 0
    assert b.overlaps(reals[-1])


def test_comparison_of_huge_values_in_different_fields_is_undetermined_not_slow(monkeypatch):
    """Past CROSS_FIELD_COST the exact cross-field test (minimal polynomials over ℚ) is not attempted:
    equal values agreeing to every ball precision are reported as undetermined (None)."""
    from linnet_geometry.families.convolutional import _algebra
    monkeypatch.setattr(_algebra, "CROSS_FIELD_COST", 10**6)
    big = flint.fmpq(3**70000 + 1, 3**70000)                        # > 100,000 bits, just above 1
    K = RealAlgebraicField([-2, 0, 1], 1, 2)
    L = RealAlgebraicField([-8, 0, 1], 2, 3)
    x = (K, K.reduce(K.gen() * big))                                  # big·√2
    y = (L, L.reduce(L.gen() * (big / 2)))                            # big·√8/2, the same number
    assert 2**3 * (int(big.p).bit_length() + int(big.q).bit_length()) > _algebra.CROSS_FIELD_COST
    assert compare_values(x, y) is None
    assert compare_values(x, (K, K.reduce(K.gen() * big))) == 0     # one field: decided exactly
    assert compare_values(x, (L, L.reduce(L.gen() * (big / 3)))) == 1


def _all_small_architectures():
    out = []
    for L in (1, 2, 3):
        for ks in itertools.product((1, 2, 3), repeat=L):
            for ss in itertools.product((1, 2), repeat=L):
                if ss[-1] != 1:
                    continue  # the last stride does not change the end-to-end filter
                out.append((ks, ss))
    return out


def _minimal_polynomials_of_values(locus):
    """Minimal polynomials over ℚ (sympy, in v) of the real critical values of the points and families."""
    v = sympy.Symbol("v")
    fields = [p.report.value_field for p in locus.points]
    fields += [f.representative.value_field for f in locus.families
               if f.representative is not None and f.representative.value_field is not None]
    out = [sympy.Poly(list(reversed([sympy.Rational(int(c.p), int(c.q))
                                     for c in minimal_polynomial_of(*kx).coeffs()])), v) for kx in fields]
    out += [sympy.Poly(v - f.value, v) for f in locus.families if isinstance(f.value, sympy.Rational)]
    return out


#: Σk at which the rational elimination stops fitting in memory: msolve over ℚ reconstructs the whole
#: block Gröbner basis (k = (3,2,3), strides 1: killed at 19.7 GB).  From here on the routes are compared
#: over GF(p) for two 31-bit primes, with the orbits sliced (the brute-force module's docstring).
MODULAR_FROM = 8


@pytest.mark.slow
@pytest.mark.skipif(BRUTE == "sympy", reason="no msolve / Singular / M2 for the brute-force elimination")
@pytest.mark.parametrize("sizes,strides", _all_small_architectures())
def test_all_small_architectures_agree_with_brute_force(sizes, strides):
    """Every architecture with L ≤ 3, k_i ≤ 3, s_i ≤ 2: the main route's critical values equal the raw
    gradient ideal's, over ℚ (Σk < MODULAR_FROM) or modulo two primes (Monte Carlo beyond)."""
    seed = sum(k * 10**i for i, k in enumerate(sizes)) + 1000 * sum(s * 10**i for i, s in enumerate(strides))
    rng = np.random.default_rng(seed)   # reproducible (no hash randomization)
    net = ConvolutionalNetwork(sizes, strides)
    loss = _target(rng, net)
    locus = convolutional_critical_points(net, loss)
    if sum(sizes) >= MODULAR_FROM:
        for p in (2147483647, 2147483629):
            brute = critical_values_polynomial(net, loss, backend=BRUTE, modulus=p, slice_orbits=True)
            if locus.complex_count is None:   # every real critical value's minimal polynomial divides it
                for m in _minimal_polynomials_of_values(locus):
                    assert brute.rem(reduce_modulo(m, p)).is_zero
            else:
                assert locus.complex_critical_values_polynomial(modulus=p) == brute
        return
    brute = critical_values_polynomial(net, loss, backend=BRUTE)
    if locus.complex_count is None:  # a positive-dimensional chart: compare real values only
        roots = [float(r) for r in sympy.Poly(brute).real_roots()]
        for v in locus.critical_values:
            approx = float(sympy.N(v, 30))
            assert any(abs(r - approx) <= 1e-9 * max(1.0, abs(approx)) for r in roots)
    else:
        assert locus.complex_critical_values_polynomial().as_expr() == brute.as_expr()


@pytest.mark.slow
@pytest.mark.skipif(not HAS_SINGULAR, reason="Singular not on PATH")
def test_engines_sympy_and_singular_give_the_same_points():
    net = ConvolutionalNetwork((3, 2))
    loss = QuadraticLoss([[3, -2, Fraction(5, 2), 1]])
    a = convolutional_critical_points(net, loss, engine="sympy")
    b = convolutional_critical_points(net, loss, engine="singular")
    assert a.engine == "sympy" and b.engine == "singular"
    assert [p.theta for p in a.points] == [p.theta for p in b.points]
    assert a.complex_count == b.complex_count


def test_solve_system_exact_points():
    x, y = sympy.symbols("x y")
    sol = solve_system([x**2 - 3, x * y - 1], [x, y], engine="sympy")
    assert sol.complex_count == 2
    for K, c in sol.real_points:
        assert K.is_zero(K.mul(c[x], c[y]) - K(1))
        assert sympy.simplify(K.to_sympy(c[x]) ** 2 - 3) == 0


# -- paper examples -----------------------------------------------------------------------------------
@pytest.mark.theorem("KMMT2022")
def test_two_layer_filter_size_two_target_without_real_roots():
    """KMMT2022: M_(2,2) = quadratics with real roots; for a target outside, critical points sit on the
    discriminant boundary with repeated filters (w_1 ∝ w_2)."""
    net = ConvolutionalNetwork((2, 2))
    locus = convolutional_critical_points(net, QuadraticLoss([[1, 0, 1]]), engine="sympy")
    disc = net.function_space.boundary_hypersurface()
    c = sympy.symbols("c0:3")
    assert len(locus.points) == 4 and locus.complex_count == 6
    for p in locus.points:
        wbar = p.end_to_end_filter
        assert disc.subs(dict(zip(c, wbar))) == 0 and p.on_boundary and p.repeated_root
        assert p.repeated_filters == ((1, 2),) and p.kind == "spurious"
        assert net.differential_rank(p.theta) < net.function_space.dim
    assert sorted(p.value for p in locus.points) == [1, 1, sympy.Rational(4, 3), sympy.Rational(4, 3)]
    assert [p.role for p in locus.points].count("global_min") == 2
    # the global minima: w̄ = 1 and w̄ = t² (double roots at ∞ and 0)
    assert {p.end_to_end_filter for p in locus.global_minimum} == {(1, 0, 0), (0, 0, 1)}


@pytest.mark.theorem("KMMT2022")
def test_target_inside_the_function_space_is_the_pure_global_minimum():
    net = ConvolutionalNetwork((2, 2))
    locus = convolutional_critical_points(net, QuadraticLoss([[2, -3, 1]]), engine="sympy")  # (1-t)(2-t)
    gm = locus.global_minimum
    assert gm and all(p.value == 0 and p.kind == "pure" and p.end_to_end_filter == (2, -3, 1) for p in gm)
    assert len(gm) == 2  # the two orderings of the factors (1 - t), (2 - t)


@pytest.mark.theorem("KMST2024")
@pytest.mark.parametrize("sizes,strides", [((2, 2), (2, 1)), ((2, 3), (2, 1)),
                                           pytest.param((3, 2), (2, 1), marks=SLOW)])
def test_strides_larger_than_one_nonzero_critical_points_are_pure_and_regular(sizes, strides):
    """KMST2024: all strides > 1, generic data ⇒ every non-zero critical point is a smooth interior point,
    i.e. pure; here: rk dμ = dim M at every one (two routes: our rank over the number field and
    ConvolutionalNetwork.differential_rank on the exact point)."""
    rng = np.random.default_rng(5)
    net = ConvolutionalNetwork(sizes, strides)
    for _ in range(2):
        locus = convolutional_critical_points(net, _target(rng, net), engine="sympy")
        for p in locus.points:
            assert p.kind == "pure" and p.is_regular
            if all(x.is_Rational for w in p.theta for x in w):
                assert net.differential_rank(p.theta) == net.function_space.dim


@pytest.mark.theorem("KMMT2022")
@pytest.mark.parametrize("sizes", [(2, 2), pytest.param((3, 2), marks=SLOW), pytest.param((2, 3), marks=SLOW)])
def test_stride_one_spurious_points_have_shared_and_repeated_roots(sizes):
    rng = np.random.default_rng(11)
    net = ConvolutionalNetwork(sizes)
    for _ in range(2):
        locus = convolutional_critical_points(net, _target(rng, net), engine="sympy")
        for p in locus.points:
            if p.kind == "spurious":
                assert p.shared_roots and p.repeated_root and not p.is_regular
            if p.on_boundary:
                assert p.repeated_root


# -- classify, graph, LaTeX ---------------------------------------------------------------------------
def test_classify_dispatch_agrees_with_the_locus():
    net = ConvolutionalNetwork((2, 2))
    loss = QuadraticLoss([[-1, Fraction(1, 2), 1]])   # points with sqrt(17), sqrt(10)
    locus = convolutional_critical_points(net, loss, engine="sympy")
    radical = [p for p in locus.points if not any(x.has(sympy.CRootOf) for w in p.theta for x in w)]
    assert radical
    for p in radical:
        rep = classify(net, loss, p.theta)
        assert rep.is_critical and rep.kind == p.kind and sympy.simplify(rep.value - p.value) == 0
        assert rep.hessian_inertia == p.hessian_inertia
    # a rescaled representative is still critical with the same value (scaling symmetry)
    p = radical[0]
    th = [tuple(2 * x for x in p.theta[0]), tuple(x / 2 for x in p.theta[1])]
    assert sympy.simplify(classify(net, loss, th).value - p.value) == 0


def test_weighted_loss_on_the_end_to_end_matrix():
    net = ConvolutionalNetwork((2, 2))
    loss = WeightedQuadraticLoss([[1, 0, 1]], [[1, 3, 1]])
    locus = convolutional_critical_points(net, loss, engine="sympy")
    for p in locus.points:
        assert classify_convolutional(net, loss, p.theta).is_critical


def test_critical_graph_maps_points_to_filters():
    net = ConvolutionalNetwork((3, 2))
    locus = convolutional_critical_points(net, QuadraticLoss([[3, -2, Fraction(5, 2), 1]]), engine="sympy")
    G = critical_graph(locus)
    thetas = [n for n, d in G.nodes(data=True) if d["type"] == "theta"]
    assert len(thetas) == len(locus.points)
    for n in thetas:
        (_, f), = G.out_edges(n)
        assert G.nodes[f]["filter"] == locus.points[n[1]].end_to_end_filter
    assert sum(d["preimages"] for _, d in G.nodes(data=True) if d["type"] == "filter") == G.number_of_edges()


def test_latex_derivation_compiles(tmp_path):
    d = derive(ConvolutionalNetwork((2, 2)), QuadraticLoss([[1, 0, 1]]))
    tex = d.to_latex()
    assert tex.isascii() and "KMMT2022" in tex and "root-sharing patterns" in tex
    # a pattern with a double root in one layer (label "layer 2^2") must compile too
    d2 = derive(ConvolutionalNetwork((2, 3)), QuadraticLoss([[1, 2, 1, 0]]))
    tex2 = d2.to_latex()
    assert "root-sharing patterns" in tex2
    assert r"layer 2\textasciicircum{}2" in tex2 and r"\textbackslash" not in tex2   # the label as written, escaped once
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed")
    for k, deriv in enumerate((d, d2)):
        out = deriv.to_pdf(tmp_path / f"conv{k}.pdf")
        assert (tmp_path / f"conv{k}.pdf").exists() and out


# -- errors -------------------------------------------------------------------------------------------
def test_bad_input_gives_typed_errors():
    net = ConvolutionalNetwork((2, 2))
    with pytest.raises(ShapeError):
        convolutional_critical_points(net, QuadraticLoss([[1, 2]]))
    with pytest.raises(ExactInputRequiredError):
        convolutional_critical_points(net, QuadraticLoss([[1.5, 0, 1]]))
    with pytest.raises(InputTypeError):
        convolutional_critical_points("net", QuadraticLoss([[1, 0, 1]]))
    with pytest.raises(ExactInputRequiredError):
        classify(net, QuadraticLoss([[1, 0, 1]]), [[0.5, 1], [1, 1]])
    with pytest.raises(ShapeError):
        classify(net, QuadraticLoss([[1, 0, 1]]), [[1, 1]])
    with pytest.raises(InputTypeError):
        convolutional_critical_points(net, QuadraticLoss([[1, 0, 1]]), engine="maple")


# -- CLI ----------------------------------------------------------------------------------------------
def test_cli_conv_json(capsys):
    assert main(["conv", "--filters", "2,2", "--target", "1 0 1", "--engine", "sympy", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["complex_count"] == 6 and len(data["points"]) == 4
    assert {p["role"] for p in data["points"]} == {"global_min", "strict_saddle"}


def test_cli_conv_data_and_errors(tmp_path, capsys):
    X = tmp_path / "X.csv"
    Y = tmp_path / "Y.csv"
    X.write_text("1,0,0,1\n0,1,0,1\n0,0,1,1\n")
    Y.write_text("1,0,1,2\n")
    assert main(["conv", "--filters", "2,2", "--data", str(X), str(Y), "--engine", "sympy"]) == 0
    assert "real critical points" in capsys.readouterr().out
    for argv in (["conv", "--filters", "2,a"], ["conv", "--filters", "0,2"],
                 ["conv", "--filters", "2,2", "--target", "1 0.5 1"], ["conv", "--filters", "2,2", "--target", "1 2"],
                 ["conv", "--filters", "2,2", "--strides", "1"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "error" in err


# -- ED degree counts: all strides > 1 make the function space a Segre variety -----------------------------
def _segre_generic_ed_degree(sizes):
    """Generic ED degree of the Segre variety P^{k_1−1} × ⋯ × P^{k_L−1} (DHOST2016: the Chern-class
    formula for a smooth projective variety, Σ_i (−1)^i (2^{m+1−i} − 1) deg c_i(X)·h^{m−i}, m = dim X), computed here, not tabulated."""
    h = sympy.symbols(f"h0:{len(sizes)}")
    n = [k - 1 for k in sizes]
    m = sum(n)
    H = sum(h)
    chern = sympy.expand(sympy.prod([(1 + hi) ** (ni + 1) for hi, ni in zip(h, n)]))

    def degree(expr):  # top-degree part: coefficient of Π h_i^{n_i} (h_i^{n_i+1} = 0)
        P = sympy.Poly(sympy.expand(expr), *h)
        return sum(c for mon, c in P.terms() if list(mon) == n)

    total = 0
    for i in range(m + 1):
        ci = sum(c * sympy.prod([x**e for x, e in zip(h, mon)]) for mon, c in sympy.Poly(chern, *h).terms()
                 if sum(mon) == i)
        total += (-1) ** i * (2 ** (m + 1 - i) - 1) * degree(ci * H ** (m - i))
    return int(total)


@pytest.mark.theorem("SHA2024")
@pytest.mark.theorem("DHOST2016")
@pytest.mark.parametrize("sizes,strides,seed", [
    ((2, 2), (1, 1), 0), ((2, 3), (1, 1), 1), ((3, 2), (1, 1), 2), ((2, 2, 2), (1, 1, 1), 3),
    ((2, 2, 2), (2, 1, 1), 4), ((2, 2, 2), (1, 2, 1), 5),
    ((3, 3), (1, 1), 6), pytest.param((3, 3), (2, 1), 7, marks=SLOW)])
def test_complex_critical_point_count_is_the_generic_ed_degree_of_the_segre_variety(sizes, strides, seed):
    """SHA2024: for generic data, the number of complex critical points of the squared loss (non-zero
    filters, modulo scaling) is the generic ED degree of the Segre variety P^{k_1−1} × ⋯ × P^{k_L−1}, whatever
    the strides: 6, 10, 34, 39 here, from the Chern-class formula (DHOST2016), against the main route's count.
    (Data with a special structure can lose points: one draw of X with a constant row gave 5 for (2,2).)"""
    rng = np.random.default_rng(seed)
    net = ConvolutionalNetwork(sizes, strides)
    n = net.end_to_end_filter_size
    X = [[int(rng.integers(-3, 4)) for _ in range(n + 1)] for _ in range(n)]
    Y = [[int(rng.integers(-3, 4)) for _ in range(n + 1)]]
    locus = convolutional_critical_points(net, QuadraticLoss.from_data(X, Y))
    assert locus.complex_count == segre_generic_ed_degree(sizes)


@pytest.mark.theorem("DHOST2016")
def test_segre_generic_ed_degree_two_routes():
    """The library's Chern-class computation (integer dictionaries) equals this file's sympy expansion for
    every (k_1, …, k_L) with L ≤ 3, k_l ≤ 4, and the values DHOST2016 tabulates for 2×2 and 2×2×2 tensors."""
    for L in (1, 2, 3):
        for ks in itertools.product((1, 2, 3, 4), repeat=L):
            assert segre_generic_ed_degree(ks) == _segre_generic_ed_degree(ks)
    assert segre_generic_ed_degree((2, 2)) == 6 and segre_generic_ed_degree((2, 2, 2)) == 34
    for bad in [(), (0, 2), (2, True), "22", (2.0, 2)]:
        with pytest.raises(InputTypeError):
            segre_generic_ed_degree(bad)


@pytest.mark.theorem("KMST2024")
@pytest.mark.theorem("DHOST2016")
@pytest.mark.parametrize("sizes,strides", [((2, 2), (2, 1)), ((2, 3), (2, 1)),
                                           pytest.param((3, 2), (3, 1), marks=SLOW)])
def test_strided_critical_point_counts_are_ed_degrees_of_the_segre_variety(sizes, strides):
    """Strides s_1 = k_1 (two layers): w̄ = w_1(t) w_2(t^{s_1}) has the k_1 k_2 products w_{1,i} w_{2,j} as its
    coefficients, so M is the cone over the Segre variety P^{k_1−1} × P^{k_2−1} (KMST2024: the thin, reduced case).
    Complex critical points with non-zero filters, modulo scaling, are then the ED critical points of the Segre:
    generic data (ℓ = ‖T(w̄)X − Y‖², a generic quadratic form) gives the generic ED degree (6 for P¹×P¹, 10 for
    P¹×P² — the count arXiv:2401.16613 states for all-stride>1 networks), the plain target distance gives the
    Eckart–Young count min(k_1, k_2) (EY1936); and every real one is pure and interior."""
    rng = np.random.default_rng(0)
    net = ConvolutionalNetwork(sizes, strides)
    n = net.end_to_end_filter_size
    assert net.function_space.dim == sum(sizes) - 1 and n == sizes[0] * sizes[1]
    X = [[int(rng.integers(-3, 4)) for _ in range(n + 1)] for _ in range(n)]
    Y = [[int(rng.integers(-3, 4)) for _ in range(n + 1)]]
    generic = convolutional_critical_points(net, QuadraticLoss.from_data(X, Y))
    assert generic.complex_count == _segre_generic_ed_degree(sizes)
    assert _segre_generic_ed_degree((2, 2)) == 6 and _segre_generic_ed_degree((2, 3)) == 10
    frob = convolutional_critical_points(net, QuadraticLoss([[int(rng.integers(-5, 6)) for _ in range(n)]]))
    assert frob.complex_count == min(sizes)
    for locus in (generic, frob):
        assert all(p.kind == "pure" and p.is_regular for p in locus.points)


def test_one_field_refined_twice_is_compared_exactly(monkeypatch):
    """Two copies of K = ℚ(√2) with the same real root index but differently refined intervals are one field
    and one embedding: equal values are decided by the exact zero test, never by the cross-field route (which
    is switched off here); a different root of the same q is not taken for the same embedding."""
    from linnet_geometry.families.convolutional import _algebra
    monkeypatch.setattr(_algebra, "CROSS_FIELD_COST", 0)
    K = RealAlgebraicField([-2, 0, 1], 1, 2, real_index=1)
    L = RealAlgebraicField([-2, 0, 1], 1, 2, real_index=1)
    K.ball(K.gen(), 200)                                   # K's interval is now much narrower than L's
    assert (K.lo, K.hi) != (L.lo, L.hi)
    assert compare_values((K, K.gen()), (L, L.gen())) == 0
    M = RealAlgebraicField([-2, 0, 1], -2, -1, real_index=0)
    assert compare_values((K, K.gen()), (M, -M.gen())) is None      # equal (√2 = −(−√2)), other embedding
    assert compare_values((K, K.gen()), (M, M.gen())) == 1
