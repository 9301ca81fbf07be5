"""Linear convolutional networks: the model (filters, end-to-end filter, Toeplitz matrix, differential)
and its function space (dimension, filling, closedness, membership, boundary) — KMMT2022, KMST2024."""

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from linnet_geometry import ConvolutionalFunctionSpace, ConvolutionalNetwork, theorems
from linnet_geometry.families.convolutional import real_root_profile
from linnet_geometry.exceptions import (
    ExactInputRequiredError,
    InputTypeError,
    LinnetError,
    ProblemTooLargeError,
    ShapeError,
    WidthsError,
)
from linnet_geometry.verification.theorems import conv_membership_by_roots

t = sympy.Symbol("t")

# -- strategies ---------------------------------------------------------------------------------------
small_arch = st.integers(1, 3).flatmap(
    lambda L: st.tuples(st.tuples(*[st.integers(1, 3)] * L), st.tuples(*[st.integers(1, 2)] * L)))
stride_one_arch = st.integers(1, 4).flatmap(lambda L: st.tuples(*[st.integers(1, 4)] * L))


def theta_for(ks, bound=5):
    return st.tuples(*[st.tuples(*[st.integers(-bound, bound).map(sympy.Integer)] * k) for k in ks])


#: a network of ``small_arch`` (filter sizes, strides) and integer parameters for it
net_and_theta = small_arch.flatmap(lambda a: st.tuples(st.just(ConvolutionalNetwork(*a)), theta_for(a[0])))


def coeffs(expr, size):
    co = list(reversed(sympy.Poly(expr, t).all_coeffs()))
    return tuple(co + [sympy.Integer(0)] * (size - len(co)))


def form_from_roots(real_roots, pairs, infinity, lead=1):
    """Binary form with the given rational real roots, quadratics (t-a)^2 + b (b > 0) and roots at infinity."""
    p = sympy.Integer(lead)
    for r in real_roots:
        p *= t - r
    for a, b in pairs:
        p *= (t - a) ** 2 + b
    return coeffs(sympy.expand(p), len(real_roots) + 2 * len(pairs) + infinity + 1)


roots_strategy = st.tuples(
    st.lists(st.integers(-3, 3).map(sympy.Integer), max_size=5),
    st.lists(st.tuples(st.integers(-2, 2), st.integers(1, 3)), max_size=2),
    st.integers(0, 2))


def roots_of_degree(roots, D, keep_pairs):
    """Cut a draw of ``roots_strategy`` to the roots of a binary form of degree ``D`` (a pair counts twice).

    ``keep_pairs``: the complex pairs are kept first and the rest is filled with ``t^2 + 1`` and at most one
    root 0, so forms with few real roots (non-members) are common; otherwise the real roots and the roots at
    infinity are kept first and the rest is filled with the root 1, so multiple real roots (boundary points)
    are common.
    """
    real, pairs, inf = roots
    room = D
    if keep_pairs:
        pairs = pairs[: room // 2]
        room -= 2 * len(pairs)
    real = real[:room]
    inf = min(inf, room - len(real))
    room -= len(real) + inf
    if keep_pairs:
        return real + [sympy.Integer(0)] * (room % 2), pairs + [(0, 1)] * (room // 2), inf
    pairs = pairs[: room // 2]
    return real + [sympy.Integer(1)] * (room - 2 * len(pairs)), pairs, inf


# -- the model ----------------------------------------------------------------------------------------
def test_basic_data_and_default_input_length():
    net = ConvolutionalNetwork((3, 2, 2), strides=(2, 1, 3))
    # k̄ = k_1 + (k_2 - 1) s_1 + (k_3 - 1) s_1 s_2 = 3 + 2 + 2
    assert net.end_to_end_filter_size == 7
    assert net.input_length == 7 and net.output_length == 1
    assert net.layer_lengths == (7, 3, 2, 1)
    assert net.cumulative_strides == (1, 2, 2, 6) and net.end_to_end_stride == 6
    assert net.num_parameters == 7 and net.max_differential_rank == 5
    assert net.function_space.dim == 5 and net.function_space.ambient_dim == 7
    assert ConvolutionalNetwork((2, 2)).strides == (1, 1)
    longer = ConvolutionalNetwork((3, 2, 2), strides=(2, 1, 3), input_length=19)
    assert longer.output_length == 3 and longer.layer_lengths == (19, 9, 8, 3)
    assert ConvolutionalNetwork((2, 2)) == ConvolutionalNetwork([2, 2], [1, 1])
    assert hash(ConvolutionalNetwork((2, 2))) == hash(ConvolutionalNetwork((2, 2), (1, 1)))
    assert ConvolutionalNetwork((2, 2)).to_dict()["function_space_dim"] == 3


def test_symbols_and_parameterization():
    net = ConvolutionalNetwork((2, 2), strides=(2, 1))
    (a, b), (c, d) = net.symbols()
    assert net.parameterization() == (a * c, b * c, a * d, b * d)
    # the Zariski closure of this thin space is the quadric c_0 c_3 = c_1 c_2 (KMST2024 setting)
    p = net.parameterization()
    assert sympy.expand(p[0] * p[3] - p[1] * p[2]) == 0


@settings(max_examples=40)
@given(net_and_theta, st.integers(0, 2))
def test_toeplitz_matrix_equals_product_of_layer_matrices(net_theta, extra):
    net, theta = net_theta
    n0 = net.input_length + extra * net.end_to_end_stride
    T = net.end_to_end(theta, input_length=n0)
    assert T == net.layer_product(theta, input_length=n0)
    assert T.shape == (extra + 1, n0)
    assert tuple(T[0, :net.end_to_end_filter_size]) == net.end_to_end_filter(theta)


@settings(max_examples=40)
@given(net_and_theta)
def test_end_to_end_filter_is_the_stretched_polynomial_product(net_theta):
    net, theta = net_theta
    S = net.cumulative_strides
    prod = sympy.Integer(1)
    for l, w in enumerate(theta):
        prod *= sum(c * t ** (j * S[l]) for j, c in enumerate(w))
    expected = coeffs(sympy.expand(prod), net.end_to_end_filter_size) if sympy.expand(prod) != 0 else \
        (sympy.Integer(0),) * net.end_to_end_filter_size
    assert net.end_to_end_filter(theta) == expected
    # float path agrees with the exact one (relative to the data's scale)
    fl = net.end_to_end_filter([[float(x) for x in w] for w in theta])
    scale = max([1.0] + [abs(float(x)) for x in expected])
    assert np.allclose(fl, [float(x) for x in expected], rtol=0, atol=1e-12 * scale)


@settings(max_examples=25)
@given(net_and_theta)
def test_differential_equals_jacobian_of_the_parameterization(net_theta):
    net, theta = net_theta
    syms = net.parameters
    J = sympy.Matrix(net.parameterization()).jacobian(syms)
    subs = dict(zip(syms, net.flatten(theta)))
    assert J.subs(subs) == net.differential(theta)
    assert net.differential() == J


def test_flatten_unflatten_random_parameters():
    net = ConvolutionalNetwork((3, 1, 2))
    theta = net.random_parameters(seed=3)
    assert net.unflatten(net.flatten(theta)) == theta
    assert all(any(x != 0 for x in w) for w in theta)
    fl = net.random_parameters(seed=3, exact=False)
    assert all(isinstance(x, float) for w in fl for x in w)


# -- dimension, rank of the differential ---------------------------------------------------------------
@pytest.mark.theorem("KMST2024")
@settings(max_examples=30)
@given(small_arch, st.integers(0, 2**32 - 1))
def test_dimension_is_generic_jacobian_rank(arch, seed):
    """KMST2024: dim M_{k,s} = Σ k_l − L + 1 for every architecture (generic rank of dμ)."""
    ks, ss = arch
    net = ConvolutionalNetwork(ks, ss)
    theta = net.random_parameters(seed=seed, bound=10**6)
    assert net.differential_rank(theta) == sum(ks) - len(ks) + 1 == net.function_space.dim


@pytest.mark.theorem("KMST2024")
def test_dimension_all_small_architectures():
    """KMST2024 dimension formula on every architecture with L <= 3, k_l <= 3, s_l <= 2 (one random point each)."""
    for L in (1, 2, 3):
        for ks in itertools.product((1, 2, 3), repeat=L):
            for ss in itertools.product((1, 2), repeat=L):
                net = ConvolutionalNetwork(ks, ss)
                theta = net.random_parameters(seed=hash((ks, ss)) % 2**32, bound=10**6)
                assert net.differential_rank(theta) == net.function_space.dim, (ks, ss)
                S = net.cumulative_strides
                thick = all((k - 1) * (S[l] - 1) == 0 for l, k in enumerate(ks))
                assert net.function_space.is_thick == thick == (net.function_space.dim == net.end_to_end_filter_size)


def _filter_from_roots(rng_roots, k):
    real, pairs, inf = rng_roots
    d = k - 1
    real = list(real)[:d]
    pairs = list(pairs)[:max(0, (d - len(real)) // 2)]
    inf = min(inf, d - len(real) - 2 * len(pairs))
    real = real + [1] * (d - len(real) - 2 * len(pairs) - inf)
    return form_from_roots(real, pairs, inf)


@pytest.mark.theorem("KMMT2022")
@settings(max_examples=60)
@given(stride_one_arch.flatmap(lambda ks: st.tuples(st.just(ks), st.tuples(*[roots_strategy] * len(ks)),
                                                      st.lists(st.booleans(), min_size=len(ks),
                                                               max_size=len(ks)))))
def test_rank_drop_iff_zero_filter_or_common_root(data):
    """KMMT2022 (stride one): dμ(θ) drops rank iff filters share a root (or zero filters); closed-form rank."""
    ks, roots, zero = data
    theta = [(sympy.Integer(0),) * k if z and i == 0 else _filter_from_roots(r, k)
             for i, (k, r, z) in enumerate(zip(ks, roots, zero))]
    net = ConvolutionalNetwork(ks)
    rank = net.differential_rank(theta)
    assert rank == net.differential_rank_formula(theta)
    # the criterion, from the roots used in the construction (independent of gcd computations)
    def rootset(i):
        real, pairs, inf = roots[i]
        w = theta[i]
        out = set()
        for r in sympy.roots(sympy.Poly(sum(c * t ** j for j, c in enumerate(w)), t)) if any(w) else []:
            out.add(r)
        if any(w) and w[-1] == 0 and len(w) > 1:
            out.add("inf")
        return out
    nonzero = [i for i, w in enumerate(theta) if any(x != 0 for x in w)]
    share = any(rootset(i) & rootset(j) for i, j in itertools.combinations(nonzero, 2))
    zeros = [i for i in range(len(ks)) if i not in nonzero]
    zero_critical = len(zeros) >= 2 or (len(zeros) == 1 and any(k > 1 for i, k in enumerate(ks) if i != zeros[0]))
    assert net.is_critical_parameter(theta) == (share or zero_critical)


def test_rank_examples():
    net = ConvolutionalNetwork((2, 2))
    assert net.differential_rank([[1, 1], [1, 1]]) == 2          # repeated filter (KMMT2022: repeated filters)
    assert net.differential_rank([[1, 0], [1, 0]]) == 2          # common root at infinity
    assert net.differential_rank([[1, 0], [0, 1]]) == 3          # roots ∞ and 0: coprime
    assert net.differential_rank([[0, 0], [1, 2]]) == 2          # one zero filter: rank k_1
    assert net.differential_rank([[0, 0], [0, 0]]) == 0
    assert net.is_critical_parameter([[0, 0], [1, 2]])
    assert not ConvolutionalNetwork((3, 1)).is_critical_parameter([[0, 0, 0], [5]])   # rank k_1 = 3 = dim
    deep = ConvolutionalNetwork((2, 2, 2))
    # P = (1+t)^3: deg gcd(P/p_l) = 2, rank 4 - 2
    assert deep.differential_rank([[1, 1]] * 3) == deep.differential_rank_formula([[1, 1]] * 3) == 2
    with pytest.raises(NotImplementedError, match="stride one"):
        ConvolutionalNetwork((2, 2), (2, 1)).differential_rank_formula([[1, 1], [1, 1]])


# -- function space: stride one -----------------------------------------------------------------------
@pytest.mark.theorem("KMMT2022")
@settings(max_examples=60)
@given(stride_one_arch, roots_strategy)
def test_filling_criterion_and_membership_by_root_count(ks, roots):
    """KMMT2022: stride one is filling iff at most one filter size is even; p ∈ M iff r(p) >= #even."""
    M = ConvolutionalNetwork(ks).function_space
    real, pairs, inf = roots_of_degree(roots, M.degree, keep_pairs=True)
    p = form_from_roots(real, pairs, inf)
    r = len(real) + inf
    evens = sum(1 for k in ks if k % 2 == 0)
    assert M.is_filling == (evens <= 1)
    assert M.contains(p) == (r >= evens)
    if M.is_filling:
        assert M.contains(p)
    assert real_root_profile(p).real_roots == r


@pytest.mark.theorem("KMMT2022")
def test_example_two_two_quadratics_with_real_roots():
    """KMMT2022, k = (2, 2): M = {c : c_1^2 - 4 c_0 c_2 >= 0}, boundary = discriminant = 0, not filling."""
    M = ConvolutionalNetwork((2, 2)).function_space
    c0, c1, c2 = sympy.symbols("c0:3")
    assert M.boundary_hypersurface() == c1**2 - 4 * c0 * c2
    assert (M.dim, M.ambient_dim, M.is_filling, M.is_closed, M.is_thick) == (3, 3, False, True, True)
    for c in itertools.product(range(-2, 3), repeat=3):
        disc = c[1] ** 2 - 4 * c[0] * c[2]
        assert M.contains(c) == (disc >= 0), c
        assert M.is_on_boundary(c) == (disc == 0), c
        assert M.is_interior(c) == (disc > 0), c


@pytest.mark.theorem("KMMT2022")
def test_example_three_twos_cubics_with_three_real_roots():
    """KMMT2022, k = (2, 2, 2): binary cubics with three real roots: contains iff disc >= 0."""
    M = ConvolutionalNetwork((2, 2, 2)).function_space
    disc = M.boundary_hypersurface()
    cs = sympy.symbols("c0:4")
    for c in itertools.product(range(-2, 3), repeat=4):
        if all(x == 0 for x in c):
            assert M.contains(c) and M.is_on_boundary(c)
            continue
        d = disc.subs(dict(zip(cs, c)))
        assert M.contains(c) == (d >= 0), c
        if M.is_on_boundary(c):
            assert d == 0, c


@pytest.mark.theorem("KMMT2022")
def test_filling_examples():
    """KMMT2022: at most one even filter size ⇔ filling (stride one)."""
    assert ConvolutionalNetwork((3, 3)).function_space.is_filling          # every quartic is 2 + 2
    assert ConvolutionalNetwork((2, 3, 3)).function_space.is_filling
    assert not ConvolutionalNetwork((2, 3, 2)).function_space.is_filling
    M = ConvolutionalNetwork((3, 3)).function_space
    assert M.contains(form_from_roots([], [(0, 1), (1, 2)], 0))           # (1+t^2)((t-1)^2+2)
    assert M.has_empty_boundary
    N = ConvolutionalNetwork((2, 3, 2)).function_space                    # quartics with >= 2 real roots
    assert not N.contains(form_from_roots([], [(0, 1), (1, 2)], 0))
    assert N.contains(form_from_roots([1, 2], [(0, 1)], 0))


@settings(max_examples=25)
@given(stride_one_arch, roots_strategy)
def test_boundary_points_have_exact_outside_perturbations(ks, roots):
    """[derived] ∂M = {0} ∪ {r_odd < o <= r}: replacing each (t-ρ)^2 of a boundary point by (t-ρ)^2 + ε leaves M."""
    M = ConvolutionalNetwork(ks).function_space
    D = M.degree
    real, pairs, inf = roots_of_degree(roots, D, keep_pairs=False)
    p = form_from_roots(real, pairs, inf)
    mult = {}
    for r in real:
        mult[r] = mult.get(r, 0) + 1
    if inf:
        mult["inf"] = inf
    r_all, r_odd, o = sum(mult.values()), sum(1 for m in mult.values() if m % 2), M.odd_degree_count
    on_boundary = (not M.is_filling) and r_odd < o <= r_all
    assert M.is_on_boundary(p) == on_boundary
    assert M.is_interior(p) == (M.contains(p) and not on_boundary)
    if on_boundary:
        assert any(m > 1 for m in mult.values())                         # a multiple real root: disc = 0
        if D <= 4:
            cs = sympy.symbols(f"c0:{D + 1}")
            assert M.boundary_hypersurface().subs(dict(zip(cs, p))) == 0
        eps = sympy.Rational(1, 10**6)
        q = sympy.Integer(1)
        for r, m in mult.items():
            if r == "inf":
                continue  # keep roots at infinity real: perturb the finite roots only
            q *= (t - r) ** (m % 2) * ((t - r) ** 2 + eps) ** (m // 2)
        q *= sympy.prod([(t - a) ** 2 + b for a, b in pairs])
        inf_even = mult.get("inf", 0)
        perturbed = coeffs(sympy.expand(q), D + 1)
        scale = max(1, max(abs(x) for x in p))  # a perturbation small relative to the coefficients' scale
        assert max(abs(x - y) for x, y in zip(perturbed, p)) < sympy.Rational(1, 1000) * scale
        if inf_even % 2 == 0 and inf_even:
            # move the roots at infinity off too: x^2 -> x^2 + eps y^2 (degree-preserving)
            qq = sympy.expand(q * sum(sympy.binomial(inf_even // 2, i) * eps**i * t ** (2 * i)
                                      for i in range(inf_even // 2 + 1)))
            perturbed = coeffs(qq, D + 1)
            assert not M.contains(perturbed)
        elif inf_even == 0:
            assert not M.contains(perturbed)


def test_closedness_and_singular_points_of_thick_spaces():
    M = ConvolutionalNetwork((2, 2)).function_space
    assert M.is_closed and M.singular_locus_is_empty and not M.is_singular([1, 2, 1])
    with pytest.raises(ValueError):
        M.is_singular([1, 0, 1])          # not in M
    thin = ConvolutionalNetwork((2, 2), (2, 1)).function_space
    assert thin.is_closed and not thin.is_thick and not thin.is_filling
    for call in (lambda: thin.is_on_boundary([1, 1, 1, 1]), lambda: thin.is_singular([1, 1, 1, 1]),
                 lambda: thin.boundary_conditions()):
        with pytest.raises(NotImplementedError, match="thin"):
            call()


def test_thick_strided_space_is_the_stride_one_space():
    """[derived] strides followed only by size-1 layers change nothing: M_{k,s} = M_{k,1}."""
    a = ConvolutionalNetwork((2, 2, 1), (1, 3, 2)).function_space
    b = ConvolutionalNetwork((2, 2, 1)).function_space
    assert a.is_thick and a.ambient_dim == b.ambient_dim == 3
    for c in itertools.product(range(-2, 3), repeat=3):
        assert a.contains(c) == b.contains(c)


# -- function space: strides -------------------------------------------------------------------------
def test_two_two_stride_two_is_the_quadric():
    """[derived] k = (2, 2), s = (2, 1): (a + bt)(c + dt^2) — M is the rank-one quadric c_0 c_3 = c_1 c_2."""
    M = ConvolutionalNetwork((2, 2), (2, 1)).function_space
    for c in itertools.product(range(-1, 2), repeat=4):
        assert M.contains(c) == (c[0] * c[3] == c[1] * c[2]), c


@pytest.mark.parametrize("arch", [((2, 2), (2, 1)), ((3, 2), (2, 1)), ((2, 3), (2, 1)), ((1, 3), (2, 1)),
                                  ((2, 2, 2), (1, 2, 1)), ((2, 2, 2), (2, 1, 1)), ((3, 2, 2), (1, 2, 1))])
def test_strided_membership_agrees_with_root_enumeration(arch):
    """[derived] polyphase-gcd membership vs enumeration of root sub-multisets closed under t ↦ −t."""
    ks, ss = arch
    M = ConvolutionalNetwork(ks, ss).function_space
    D = M.degree
    seen = set()
    rng = np.random.default_rng(7)
    pool_real = (-2, -1, 0, 1, 2)
    for _ in range(25):
        # forms with roots in Q(i): t^2 = u_0 for u_0 in {±1, ±4}, t = ±1 ± i, and plain rational roots
        p, deg = sympy.Integer(1), 0
        while deg < D:
            x = rng.random()
            if D - deg >= 2 and x < 0.3:
                p *= (t**2 - int(rng.choice((1, -1, 4, -4))))
                deg += 2
            elif D - deg >= 2 and x < 0.4:
                p *= (t**2 - 2 * t + 2) if rng.random() < 0.5 else (t**2 + 2 * t + 2)
                deg += 2
            else:
                p *= t - int(rng.choice(pool_real))
                deg += 1
        c = coeffs(sympy.expand(p), D + 1)
        got = M.contains(c)
        assert got == conv_membership_by_roots(ks, ss, c), c
        seen.add(got)
    assert seen == {True, False}


@settings(max_examples=30)
@given(net_and_theta)
def test_images_are_members(net_theta):
    net, theta = net_theta
    try:
        assert net.function_space.contains(net.end_to_end_filter(theta))
    except NotImplementedError as err:
        S = net.cumulative_strides   # three stride levels: the documented gap
        assert len({S[l] for l, k in enumerate(net.filter_sizes) if k > 1}) > 2, err


def test_three_stride_levels_not_implemented():
    M = ConvolutionalNetwork((2, 2, 2), (2, 2, 1)).function_space
    with pytest.raises(NotImplementedError, match="stride levels"):
        M.contains([1] + [0] * 7)
    # not a polynomial in t^2 with only even levels: decided without the general case
    N = ConvolutionalNetwork((1, 2, 2), (2, 2, 1)).function_space
    assert N.contains([1, 0, 1, 0, -1, 0, -1]) is True            # (1 + t^2)(1 - t^4)
    assert N.contains([1, 1, 0, 0, 0, 0, 0]) is False             # odd power of t


@pytest.mark.theorem("KMST2024")
def test_registry_statements_pass():
    report = theorems.verify(["conv_dimension", "conv_filling", "conv_parameterization_critical",
                              "conv_stride_membership"], trials=15, seed=5, executor="serial")
    assert report.ok, report.table()


# -- bad input -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ks, ss, n0, err, match", [
    ((0, 2), None, None, WidthsError, r"filter_sizes\[0\] is 0; expected a positive integer"),
    ((2, -1), None, None, WidthsError, r"filter_sizes\[1\] is -1"),
    ((2, 2.0), None, None, WidthsError, r"filter_sizes\[1\] is 2.0 of type float"),
    ((True, 2), None, None, WidthsError, "bool"),
    ((), None, None, WidthsError, "at least one filter size"),
    ("22", None, None, WidthsError, "sequence of positive integers"),
    ((2, 2), (1,), None, WidthsError, "expected 2 strides"),
    ((2, 2), (1, 0), None, WidthsError, r"strides\[1\] is 0"),
    ((2, 2), (1, 1.5), None, WidthsError, r"strides\[1\] is 1.5"),
    ((3, 3), None, 4, WidthsError, "too short"),
    ((2, 2), (2, 1), 5, WidthsError, "does not divide"),
    ((2, 2), None, 2.0, WidthsError, "expected a positive integer"),
])
def test_bad_architecture(ks, ss, n0, err, match):
    with pytest.raises(err, match=match) as info:
        ConvolutionalNetwork(ks, ss, n0)
    assert isinstance(info.value, LinnetError) and isinstance(info.value, ValueError)


def test_bad_parameters():
    net = ConvolutionalNetwork((2, 3))
    with pytest.raises(ShapeError, match="has 1 filters; expected 2"):
        net.end_to_end_filter([[1, 2]])
    with pytest.raises(ShapeError, match=r"theta\[1\] \(w_2\) has length 2; expected 3"):
        net.end_to_end_filter([[1, 2], [1, 2]])
    with pytest.raises(InputTypeError, match="string"):
        net.end_to_end_filter([[1, "2"], [1, 2, 3]])
    with pytest.raises(ExactInputRequiredError, match="exact"):
        net.differential([[1.5, 2], [1, 2, 3]])
    with pytest.raises(ExactInputRequiredError):
        net.differential_rank([[0.5, 2], [1, 2, 3]])
    with pytest.raises(ExactInputRequiredError, match="float"):
        net.function_space.contains([1.0, 2, 3, 4])
    with pytest.raises(ShapeError, match="expected 4"):
        net.function_space.contains([1, 2, 3])
    with pytest.raises(ShapeError, match="expected 5"):
        net.unflatten([1, 2, 3])
    with pytest.raises(WidthsError, match="does not fit"):
        net.layer_matrix(2, [1, 2, 3], in_length=2)
    with pytest.raises(ProblemTooLargeError, match="degree 7"):
        ConvolutionalNetwork((2,) * 7).function_space.boundary_hypersurface()
    assert isinstance(ExactInputRequiredError("x"), TypeError)


def test_exact_inputs_of_every_kind():
    net = ConvolutionalNetwork((2, 2))
    half = Fraction(1, 2)
    assert net.end_to_end_filter([[half, 1], [2, sympy.Rational(1, 3)]]) == (1, sympy.Rational(13, 6),
                                                                             sympy.Rational(1, 3))
    s2 = sympy.sqrt(2)
    M = net.function_space
    assert M.contains([1, 0, -2]) and M.contains([-s2, 0, 1]) and not M.contains([s2, 0, 1])
    assert net.differential_rank([[s2, 1], [1, 1]]) == 3
    assert isinstance(M, ConvolutionalFunctionSpace)


@settings(max_examples=40)
@given(st.lists(st.integers(-20, 20), min_size=2, max_size=9), roots_strategy)
def test_real_root_counts_flint_and_sturm_agree(raw, roots):
    """Two exact routes to the real-root profile: FLINT (factor over Z + arb isolation) vs sympy Sturm sequences."""
    from linnet_geometry.families.convolutional import function_space as fs
    real, pairs, inf = roots
    candidates = [tuple(sympy.Integer(x) for x in raw), form_from_roots(real, pairs, inf)]
    for c in candidates:
        if all(x == 0 for x in c):
            continue
        P = fs._poly(c)
        via_flint = fs._profile_of_poly(P, len(c) - 1)
        original = fs._flint_real_roots
        fs._flint_real_roots = lambda P: None
        try:
            via_sturm = fs._profile_of_poly(P, len(c) - 1)
        finally:
            fs._flint_real_roots = original
        assert via_flint == via_sturm


@pytest.mark.slow
def test_registry_statements_many_trials():
    report = theorems.verify(["conv_dimension", "conv_filling", "conv_parameterization_critical",
                              "conv_stride_membership"], trials=200, seed=1, executor="serial")
    assert report.ok, report.table()
