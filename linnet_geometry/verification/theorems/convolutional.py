"""Statements about linear convolutional networks: the model, its function space and its critical points.

Registered keys (in this order): ``conv_dimension`` (KMST2024), ``conv_filling``,
``conv_parameterization_critical`` (KMMT2022), ``conv_stride_membership``
(THEORY §1 for convolutions) and ``conv_strided_critical_pure`` (KMST2024),
``conv_stride_one_spurious_repeated`` (KMMT2022), ``conv_complex_count_segre`` (SHA2024) (THEORY §2); they check
:mod:`linnet_geometry.families.convolutional`.

Generators ``gen_*`` and checks ``check_*`` follow the contract of
:func:`~linnet_geometry.verification.theorems.registry.register`; the package's Examples draw and check
an instance of each topic module.
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy

from ...exceptions import InvalidArgumentError
from ...families.convolutional import ConvolutionalNetwork, convolutional_critical_points, segre_generic_ed_degree
from ...model.losses import QuadraticLoss
from .instances import _ri
from .registry import statement

__all__ = [
    "gen_conv_dimension",
    "check_conv_dimension",
    "gen_conv_filling",
    "check_conv_filling",
    "gen_conv_parameterization",
    "check_conv_parameterization",
    "conv_membership_by_roots",
    "gen_conv_stride_membership",
    "check_conv_stride_membership",
    "gen_conv_strided_critical",
    "check_conv_strided_critical",
    "gen_conv_stride_one_critical",
    "check_conv_stride_one_critical",
    "gen_conv_complex_count",
    "check_conv_complex_count",
]


# ---------------------------------------------------------------------------------------------------
# the model and its function space (KMMT2022, KMST2024)
# ---------------------------------------------------------------------------------------------------

_CONV_T = sympy.Symbol("t")
#: real roots, complex-conjugate quadratics and roots at infinity used to build filters with known roots
_CONV_REAL_ROOTS = (-2, -1, 0, 1, 2)
_CONV_QUADRATICS = ((1, 0, 1), (4, 0, 1), (2, -2, 1), (2, 2, 1))   # 1+t², 4+t², (t-1)²+1, (t+1)²+1


def _conv_architecture(rng, max_depth=3, max_k=4, max_s=3):
    L = _ri(rng, 1, max_depth)
    return tuple(_ri(rng, 1, max_k) for _ in range(L)), tuple(_ri(rng, 1, max_s) for _ in range(L))


def _conv_poly_coeffs(expr, size):
    """Coefficients (t^0 first) of ``expr`` padded with zeros to ``size`` (zeros = roots at infinity)."""
    co = list(reversed(sympy.Poly(expr, _CONV_T).all_coeffs()))
    return tuple(sympy.Integer(c) if isinstance(c, int) else c for c in co) + (sympy.Integer(0),) * (size - len(co))


def _conv_random_form(rng, degree, n_real=None):
    """A binary form of ``degree`` with known roots: ``n_real`` real roots (random if None), the rest complex pairs.

    Returns ``(coeffs, real_root_count)``; roots at infinity appear as trailing zero coefficients.
    """
    if n_real is None:
        n_real = degree - 2 * _ri(rng, 0, degree // 2)
    p, inf = sympy.Integer(_ri(rng, 1, 3) * (1 if rng.random() < 0.5 else -1)), 0
    for _ in range(n_real):
        if rng.random() < 0.15:
            inf += 1
        else:
            p *= _CONV_T - _CONV_REAL_ROOTS[_ri(rng, 0, len(_CONV_REAL_ROOTS) - 1)]
    for _ in range((degree - n_real) // 2):
        q = _CONV_QUADRATICS[_ri(rng, 0, len(_CONV_QUADRATICS) - 1)]
        p *= q[0] + q[1] * _CONV_T + q[2] * _CONV_T**2
    return _conv_poly_coeffs(sympy.expand(p), degree + 1), n_real


def gen_conv_dimension(rng, exact=True, max_depth=3, max_k=4, max_s=3):
    """A random instance (a dict) of ``conv_dimension``."""
    ks, ss = _conv_architecture(rng, max_depth, max_k, max_s)
    net = ConvolutionalNetwork(ks, ss)
    theta = tuple(tuple(sympy.Integer(_ri(rng, -10**6, 10**6)) for _ in range(k)) for k in ks)
    return {"filter_sizes": ks, "strides": ss, "theta": theta, "extra_outputs": _ri(rng, 0, 2),
            "size": net.end_to_end_filter_size}


@statement("conv_dimension", section="§1", reference="KMST2024", generate=gen_conv_dimension)
def check_conv_dimension(inst):
    r"""Dimension of the LCN function space.

    .. math::

        \dim \mathcal M_{k,s} = \sum_{l=1}^{L} k_l - L + 1,\ \bar w(t) = \prod_l w_l(t^{S_{l-1}})

    Routes: closed form vs exact Jacobian rank at random parameters; Toeplitz matrix vs product of layer
    matrices; μ(θ) ∈ M by exact membership.
    """
    ks, ss, theta = inst["filter_sizes"], inst["strides"], inst["theta"]
    net = ConvolutionalNetwork(ks, ss)
    M = net.function_space
    closed = sum(ks) - len(ks) + 1
    if M.dim != closed:
        return f"function_space.dim {M.dim} != Σk − L + 1 = {closed}"
    if any(all(x == 0 for x in w) for w in theta):
        return None  # a zero filter (probability ~0): not a generic point
    r = net.differential_rank(theta)
    if r != closed:
        return f"Jacobian rank {r} at the random θ {theta} != Σk − L + 1 = {closed}"
    S = net.cumulative_strides
    thick = all((k - 1) * (S[l] - 1) == 0 for l, k in enumerate(ks))
    if M.is_thick != thick or M.is_thick != (closed == len(net.end_to_end_filter(theta))):
        return f"is_thick {M.is_thick} vs (k_l − 1)(S_(l−1) − 1) = 0 for all l: {thick}, k̄ = {M.ambient_dim}"
    n0 = net.input_length + inst["extra_outputs"] * net.end_to_end_stride
    if net.end_to_end(theta, n0) != net.layer_product(theta, n0):
        return f"Toeplitz matrix of w̄ != product of the layer matrices at input length {n0}"
    try:
        if not M.contains(net.end_to_end_filter(theta)):
            return f"μ(θ) = {net.end_to_end_filter(theta)} reported outside the function space"
    except NotImplementedError:
        pass  # three or more stride levels: membership not implemented
    return None


def gen_conv_filling(rng, exact=True, max_depth=4, max_k=4):
    """A random instance (a dict) of ``conv_filling``."""
    L = _ri(rng, 1, max_depth)
    ks = tuple(_ri(rng, 1, max_k) for _ in range(L))
    D = sum(k - 1 for k in ks)
    o = sum(1 for k in ks if k % 2 == 0)
    # an arbitrary form of degree D (random real-root count), and one with o - 2 real roots when o >= 2
    anyform, r_any = _conv_random_form(rng, D)
    witness = _conv_random_form(rng, D, o - 2)[0] if o >= 2 else None
    theta = tuple(_conv_random_form(rng, k - 1)[0] for k in ks)
    return {"filter_sizes": ks, "form": anyform, "form_real_roots": r_any, "witness": witness, "theta": theta}


@statement("conv_filling", section="§1", reference="KMMT2022", generate=gen_conv_filling)
def check_conv_filling(inst):
    r"""Stride one: filling iff at most one filter size is even.

    .. math::

        s = 1:\ \mathcal M_k = \mathbb R^{\bar k} \iff \#\{l : k_l \text{ even}\} \le 1;\
        p \in \mathcal M_k \iff p = 0 \vee r_{\mathbb R}(p) \ge \#\{l: k_l \text{ even}\}

    Routes: closed-form parity criterion and the construction's root count vs exact contains()
    (square-free factorization + Sturm counting).
    """
    ks = inst["filter_sizes"]
    net = ConvolutionalNetwork(ks)
    M = net.function_space
    evens = sum(1 for k in ks if k % 2 == 0)
    if M.is_filling != (evens <= 1):
        return f"is_filling {M.is_filling} but {evens} even filter sizes (KMMT2022: filling iff at most one)"
    got = M.contains(inst["form"])
    expected = inst["form_real_roots"] >= evens
    if got != expected:
        return (f"contains({inst['form']}) = {got}, but the form was built with {inst['form_real_roots']} real roots "
                f"and the factorization needs {evens}")
    if M.is_filling and not got:
        return f"filling architecture but {inst['form']} reported outside"
    if inst["witness"] is not None and M.contains(inst["witness"]):
        return f"{inst['witness']} has {evens - 2} real roots < {evens} but is reported inside"
    if not M.contains(net.end_to_end_filter(inst["theta"])):
        return "μ(θ) reported outside the function space"
    return None


def _conv_binary_share_root(a, b):
    """Two non-zero binary forms (coefficient tuples, t^0 first) have a common root in P^1_C."""
    da, db = len(a) - 1, len(b) - 1
    pa = sympy.Poly(sum(c * _CONV_T**i for i, c in enumerate(a)), _CONV_T)
    pb = sympy.Poly(sum(c * _CONV_T**i for i, c in enumerate(b)), _CONV_T)
    if pa.degree() < da and pb.degree() < db:
        return True   # both vanish at infinity
    return pa.gcd(pb).degree() > 0


def gen_conv_parameterization(rng, exact=True, max_depth=4, max_k=4):
    """A random instance (a dict) of ``conv_parameterization_critical``."""
    L = _ri(rng, 1, max_depth)
    ks = tuple(_ri(rng, 1, max_k) for _ in range(L))
    theta = []
    for k in ks:
        if rng.random() < 0.08:
            theta.append((sympy.Integer(0),) * k)
        else:
            theta.append(_conv_random_form(rng, k - 1)[0])
    return {"filter_sizes": ks, "theta": tuple(theta)}


@statement("conv_parameterization_critical", section="§1", reference="KMMT2022", generate=gen_conv_parameterization)
def check_conv_parameterization(inst):
    r"""Stride one: dμ drops rank iff a filter is zero or two filters share a root.

    .. math::

        \operatorname{rank} d\mu(\theta) < \textstyle\sum k_l - L + 1 \iff \exists\, w_l = 0 \vee
        \exists\, i \ne j:\ \gcd(\pi(w_i), \pi(w_j)) \ne 1;\ \operatorname{rank} = \bar k -
        \deg\gcd_l(P/p_l)

    Routes: pairwise gcd criterion and closed-form rank vs exact Jacobian rank.
    """
    ks, theta = inst["filter_sizes"], inst["theta"]
    net = ConvolutionalNetwork(ks)
    rank = net.differential_rank(theta)
    zero = [l for l, w in enumerate(theta) if all(x == 0 for x in w)]
    share = any(_conv_binary_share_root(theta[i], theta[j])
                for i, j in itertools.combinations(range(len(ks)), 2) if i not in zero and j not in zero)
    # a single zero filter w_j is critical iff some other filter has size >= 2 (rank k_j < Σk − L + 1)
    zero_critical = len(zero) >= 2 or (len(zero) == 1 and any(k > 1 for l, k in enumerate(ks) if l != zero[0]))
    critical = zero_critical or share
    if (rank < net.max_differential_rank) != critical:
        return (f"Jacobian rank {rank} (generic {net.max_differential_rank}) but the criterion (two zero filters, "
                f"one zero filter and another of size >= 2, or two filters with a common root) says critical = "
                f"{critical}")
    if net.is_critical_parameter(theta) != critical:
        return f"is_critical_parameter {net.is_critical_parameter(theta)} != criterion {critical}"
    formula = net.differential_rank_formula(theta)
    if formula != rank:
        return f"closed-form rank k̄ − deg gcd_l(P/p_l) = {formula} != Jacobian rank {rank}"
    return None


def _conv_roots(coeffs):
    """Root multiset (dict root -> multiplicity, 'inf' for infinity) of a binary form with roots in Q(i)."""
    p = sympy.Poly(sum(c * _CONV_T**i for i, c in enumerate(coeffs)), _CONV_T)
    roots = dict(sympy.roots(p, _CONV_T))
    if sum(roots.values()) != p.degree():
        raise AssertionError(f"could not find all roots of {p}")  # pragma: no cover
    if len(coeffs) - 1 > p.degree():
        roots["inf"] = len(coeffs) - 1 - p.degree()
    return roots


def conv_membership_by_roots(filter_sizes, strides, coeffs):
    """Brute-force membership for architectures with stride levels {1, 2}: enumerate root sub-multisets.

    ``p ∈ M`` iff some sub-multiset of the roots of ``π(p)`` of size ``2 D_B``, closed under
    ``t ↦ -t`` and complex conjugation (with even multiplicity at 0 and ∞), is the root set of
    ``B(t^2)`` with ``B`` having at least ``o_B`` real roots (roots ``r`` with ``r^2`` real) and the
    complement at least ``o_A`` real roots.  Independent of the polyphase-gcd route of
    :meth:`~linnet_geometry.families.convolutional.ConvolutionalFunctionSpace.contains`; roots must be
    explicit (``sympy.roots``).  Raises :class:`~linnet_geometry.exceptions.InvalidArgumentError` for
    other stride levels.

    Examples
    --------
    >>> conv_membership_by_roots((2, 2), (2, 1), (1, 0, 1, 0))  # 1 + t² = w_1(t) w_2(t²) with w_1 = 1
    True
    >>> conv_membership_by_roots((2, 2), (2, 1), (1, 0, 0, 1))  # 1 + t³ is no (a + bt)(c + dt²)
    False
    """
    S = [1]
    for s in strides:
        S.append(S[-1] * s)
    levels = {}
    for l, k in enumerate(filter_sizes):
        if k > 1:
            levels.setdefault(S[l], []).append(k - 1)
    if not set(levels) <= {1, 2}:
        raise InvalidArgumentError(f"strides: expected stride levels 1 and 2 only (brute force); "
                                   f"received levels {sorted(levels)}")
    dA, dB = levels.get(1, []), levels.get(2, [])
    oA, oB, DB = sum(d % 2 for d in dA), sum(d % 2 for d in dB), sum(dB)
    if all(c == 0 for c in coeffs):
        return True
    roots = _conv_roots(coeffs)

    def is_real(r):
        return r == "inf" or sympy.im(r) == 0

    def neg(r):
        return r if r == "inf" else -r

    def conj(r):
        return r if r == "inf" else sympy.conjugate(r)

    keys = list(roots)
    for counts in itertools.product(*[range(roots[r] + 1) for r in keys]):
        if sum(counts) != 2 * DB:
            continue
        c = dict(zip(keys, counts))
        if any(c.get(neg(r), 0) != c[r] or c.get(conj(r), 0) != c[r] for r in keys):
            continue
        if any(r in (0, "inf") and c[r] % 2 for r in keys):
            continue
        b_real = sum(c[r] for r in keys if r == "inf" or sympy.re(r) == 0 or sympy.im(r) == 0) // 2
        a_real = sum(roots[r] - c[r] for r in keys if is_real(r))
        if b_real >= oB and a_real >= oA:
            return True
    return False


def _conv_level2_form(rng, degree):
    """A binary form in u whose roots u_0 keep every root of B(t^2) in Q(i): u_0 ∈ {0, ±1, ±4, ∞}, u^2 + 4."""
    p, inf, left = sympy.Integer(_ri(rng, 1, 3)), 0, degree
    u = _CONV_T
    while left:
        x = rng.random()
        if left >= 2 and x < 0.25:
            p *= u**2 + 4
            left -= 2
            continue
        if x < 0.35:
            inf += 1
        else:
            p *= u - (0, 1, -1, 4, -4)[_ri(rng, 0, 4)]
        left -= 1
    return _conv_poly_coeffs(sympy.expand(p), degree + 1)


def gen_conv_stride_membership(rng, exact=True):
    """A random instance (a dict) of ``conv_stride_membership``."""
    shapes = [((2, 2), (2, 1)), ((3, 2), (2, 1)), ((2, 3), (2, 1)), ((3, 3), (2, 1)), ((1, 3), (2, 1)),
              ((2, 2, 2), (1, 2, 1)), ((2, 2, 2), (2, 1, 1)), ((3, 2, 2), (1, 2, 1)), ((2, 1, 2), (2, 1, 1))]
    ks, ss = shapes[_ri(rng, 0, len(shapes) - 1)]
    net = ConvolutionalNetwork(ks, ss)
    D = net.end_to_end_filter_size - 1
    S = net.cumulative_strides
    if rng.random() < 0.5:
        # a genuine element with known roots (in Q(i)): level-2 filters from the restricted pool
        theta = tuple(_conv_random_form(rng, k - 1)[0] if S[l] == 1 else _conv_level2_form(rng, k - 1)
                      for l, k in enumerate(ks))
        coeffs = net.end_to_end_filter(theta)
    else:
        # a form B(t^2)·A(t) with B of random degree: both answers occur
        half = _ri(rng, 0, D // 2)
        base = _conv_level2_form(rng, half)
        rest, _ = _conv_random_form(rng, D - 2 * half)
        # binary product: B(x^2, y^2) · A(x, y), the coefficient lists convolve after stretching
        stretched = [sympy.Integer(0)] * (2 * half + 1)
        stretched[::2] = base
        coeffs = [sympy.Integer(0)] * (D + 1)
        for i, a in enumerate(stretched):
            for j, b in enumerate(rest):
                coeffs[i + j] += a * b
    return {"filter_sizes": ks, "strides": ss, "filter": tuple(coeffs)}


@statement("conv_stride_membership", section="§1", reference="derived", generate=gen_conv_stride_membership)
def check_conv_stride_membership(inst):
    r"""Membership with one stride level 2.

    .. math::

        p = A(t)\,B(t^2) \in \mathcal M_{k,s} \iff \exists\, B \mid \gcd_r p_r:\ r_{\mathbb R}(B) \ge o_B,\
        r_{\mathbb R}(p / B(t^2)) \ge o_A

    Routes: polyphase gcd + weighted real-root counts vs enumeration of root sub-multisets closed under
    t ↦ −t and conjugation.
    """
    ks, ss, p = inst["filter_sizes"], inst["strides"], inst["filter"]
    got = ConvolutionalNetwork(ks, ss).function_space.contains(p)
    brute = conv_membership_by_roots(ks, ss, p)
    if got != brute:
        return f"contains (polyphase gcd + root counts) = {got}, enumeration of root sub-multisets = {brute}"
    return None


# ---------------------------------------------------------------------------------------------------
# linear convolutional networks: critical points of L = ℓ ∘ μ (KMMT2022, KMST2024)
# ---------------------------------------------------------------------------------------------------

def _conv_target(rng, net):
    return QuadraticLoss([[sympy.Rational(_ri(rng, -9, 9), _ri(rng, 1, 3)) for _ in range(net.end_to_end_filter_size)]])


def _conv_jacobian_float_rank(net, theta_float, rel=1e-8):
    """Numeric rank of dμ at a float point: singular values above ``rel · σ_max`` (the second route)."""
    sym = [v for w in net.symbols() for v in w]
    J = sympy.Matrix(net.parameterization()).jacobian(sym)
    f = sympy.lambdify([sym], J, "numpy")
    s = np.linalg.svd(np.array(f(list(theta_float)), dtype=float), compute_uv=False)
    return int(np.sum(s > rel * max(1.0, float(s[0]))))


def gen_conv_strided_critical(rng, exact=True):
    """A random instance (a dict) of ``conv_strided_critical_pure``."""
    ks = ((2, 2), (2, 3), (3, 2))[_ri(rng, 0, 2)]
    net = ConvolutionalNetwork(ks, (2, 1))
    return {"filter_sizes": ks, "strides": (2, 1), "loss": _conv_target(rng, net)}


@statement("conv_strided_critical_pure", section="§2", reference="KMST2024", generate=gen_conv_strided_critical)
def check_conv_strided_critical(inst):
    r"""All strides > 1, generic data: non-zero critical points are smooth interior (pure).

    .. math::

        s_1, \dots, s_{L-1} > 1,\ \text{generic data}:\ \nabla L(\theta) = 0,\ \mu(\theta) \ne 0
        \Rightarrow \operatorname{rk} d\mu(\theta) = \dim\mathcal M,\ \theta \text{ pure}

    Routes: exact rank of dμ over the number field of each critical point vs numeric SVD rank of the
    Jacobian at the point.
    """
    net = ConvolutionalNetwork(inst["filter_sizes"], inst["strides"])
    locus = convolutional_critical_points(net, inst["loss"], engine="sympy")
    dim = net.function_space.dim
    for p in locus.points:
        numeric = _conv_jacobian_float_rank(net, p.theta_float)
        if p.kind != "pure" or p.differential_rank != dim or numeric != dim:
            return (f"non-zero critical point θ = {p.theta} is {p.kind} with exact rk dμ = {p.differential_rank}, "
                    f"numeric rank {numeric}, dim M = {dim}: not a smooth (regular) pure point")
    return None


def gen_conv_stride_one_critical(rng, exact=True):
    """A random instance (a dict) of ``conv_stride_one_spurious_repeated``."""
    ks = ((2, 2), (3, 2), (2, 3), (2, 1, 2))[_ri(rng, 0, 3)]
    net = ConvolutionalNetwork(ks)
    return {"filter_sizes": ks, "loss": _conv_target(rng, net)}


@statement("conv_stride_one_spurious_repeated", section="§2", reference="KMMT2022",
           generate=gen_conv_stride_one_critical)
def check_conv_stride_one_critical(inst):
    r"""Stride one: spurious and boundary critical points have repeated roots / shared filters.

    .. math::

        s = 1:\ \theta \text{ spurious},\ \mu(\theta) \ne 0 \Rightarrow \exists\, i \ne j:\
        \gcd(\pi(w_i), \pi(w_j)) \ne 1,\ \operatorname{disc}\pi(\bar w) = 0;\
        \bar w \in \partial\mathcal M \Rightarrow \operatorname{disc}\pi(\bar w) = 0

    Routes: exact gcds of the layer filters and of w̄, w̄' over the number field vs
    ConvolutionalNetwork.is_critical_parameter (or numeric Jacobian rank) and
    function_space.is_on_boundary.
    """
    net = ConvolutionalNetwork(inst["filter_sizes"])
    locus = convolutional_critical_points(net, inst["loss"], engine="sympy")
    for p in locus.points:
        exact_theta = all(x.is_Rational for w in p.theta for x in w)
        if p.kind == "spurious":
            # route 1: exact gcds over the number field; route 2: the network's own criterion / float rank
            crit = net.is_critical_parameter(p.theta) if exact_theta else (
                _conv_jacobian_float_rank(net, p.theta_float) < net.function_space.dim)
            if not (p.shared_roots and p.repeated_root and crit):
                return (f"spurious θ = {p.theta}: shared roots {p.shared_roots}, repeated root {p.repeated_root}, "
                        f"critical for μ by the second route: {crit}")
        if p.on_boundary and not p.repeated_root:
            return f"boundary critical point θ = {p.theta} whose w̄ = {p.end_to_end_filter} has no repeated root"
    return None


def gen_conv_complex_count(rng, exact=True):
    """A random instance (a dict) of ``conv_complex_count_segre``: filter sizes, strides and random integer data."""
    ks, ss = (((2, 2), (1, 1)), ((2, 2), (2, 1)), ((2, 3), (1, 1)), ((3, 2), (2, 1)), ((2, 3), (2, 1)),
              ((2, 2, 2), (1, 1, 1)), ((2, 2, 2), (2, 1, 1)))[_ri(rng, 0, 6)]
    n = ConvolutionalNetwork(ks, ss).end_to_end_filter_size
    X = [[_ri(rng, -20, 20) for _ in range(n + 1)] for _ in range(n)]
    Y = [[_ri(rng, -20, 20) for _ in range(n + 1)]]
    return {"filter_sizes": ks, "strides": ss, "loss": QuadraticLoss.from_data(X, Y)}


@statement("conv_complex_count_segre", section="§2", reference="SHA2024", generate=gen_conv_complex_count)
def check_conv_complex_count(inst):
    r"""Generic data: the number of complex critical points is the generic ED degree of a Segre variety.

    .. math::

        \#\{\theta \in (\mathbb C^{k_1} \setminus 0) \times \cdots \times (\mathbb C^{k_L} \setminus 0) :
        \nabla L(\theta) = 0\}/(\mathbb C^*)^{L-1} = \operatorname{gEDdeg}(\mathbb P^{k_1-1} \times \cdots
        \times \mathbb P^{k_L-1})

    Routes: the main route's count (degrees of the exact rational parametrizations, summed over the
    disjoint charts) vs the Chern-class formula of the generic ED degree (DHOST2016), any strides.
    """
    net = ConvolutionalNetwork(inst["filter_sizes"], inst["strides"])
    locus = convolutional_critical_points(net, inst["loss"])
    expected = segre_generic_ed_degree(inst["filter_sizes"])
    if locus.complex_count != expected:
        return (f"k = {inst['filter_sizes']}, s = {inst['strides']}: {locus.complex_count} complex critical points "
                f"modulo scaling, the generic ED degree of the Segre variety is {expected}")
    return None
