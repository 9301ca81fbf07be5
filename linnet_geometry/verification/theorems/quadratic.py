"""Statements of THEORY §3–4: the quadratic loss (Eckart–Young landscape) and other losses.

Registered keys (in this order): ``pure_iff_rank_r``, ``critical_values``,
``morse_index``, ``local_minima_global``, ``strict_saddles``,
``origin_one_hidden_layer``, ``origin_deep``, ``fiber_dimension``,
``data_reduction``, ``degenerate_families``, ``spurious_not_local_min`` (§3:
TKB2020, EY1936, BH1989, AMG2024, K2016) and ``ed_degree``,
``filling_convex_no_bad_minima`` (§4: DHOST2016, LvB2018).

Generators ``gen_*`` and checks ``check_*`` follow the contract of
:func:`~linnet_geometry.verification.theorems.registry.register`; the package's Examples draw and check
an instance of each topic module.
"""

from __future__ import annotations

import math

import numpy as np
import sympy

from ...critical import classify, critical_locus, fiber_dimension, parameter_hessian, spectrum
from ...critical.brute_force import critical_value_polynomial, ideal_dimension
from ...exact.matrix import rank, to_float
from ...exact.monomials import is_zero_dimensional, standard_monomials
from ...exact.representation import representation
from ...model.losses import QuadraticLoss
from ...model.network import LinearNetwork, partial_products
from ...model.variety import DeterminantalVariety
from .instances import (_architecture, _classified, _critical_instance, _degenerate_sigmas, _diag, _factor,
                        _generic_target, _int_matrix, _network_loss, _nonzero_int_matrix, _orthogonal, _random_matrix,
                        _rank_matrix, _ri)
from .registry import statement

__all__ = [
    "gen_quadratic",
    "check_pure_iff_rank",
    "gen_tiny_quadratic",
    "check_critical_values",
    "check_morse_index",
    "check_local_minima_global",
    "check_strict_saddles",
    "gen_origin",
    "check_origin_one_hidden",
    "check_origin_deep",
    "gen_fiber",
    "check_fiber",
    "gen_data",
    "check_data",
    "gen_degenerate",
    "check_degenerate",
    "gen_spurious_descent",
    "check_spurious_descent",
    "gen_ed",
    "check_ed",
    "gen_filling_convex",
    "check_filling_convex",
    "gen_origin_deep",
]


# ---------------------------------------------------------------------------------------------------
# §3  quadratic loss
# ---------------------------------------------------------------------------------------------------

def gen_quadratic(rng, exact=True, max_depth=3, max_width=3, max_params=15, min_depth=2):
    """A random instance (a dict) of ``pure_iff_rank_r``, ``morse_index``, ``local_minima_global``,
    ``strict_saddles``.
    """
    widths = _architecture(rng, min_depth, max_depth, max_width, max_params=max_params)
    U = _generic_target(rng, widths[-1], widths[0], exact)
    return {"widths": widths, "U": U, "loss": QuadraticLoss(U)}


def _locus(inst):
    return critical_locus(*_network_loss(inst))


def _is_top(support):
    return tuple(support) == tuple(range(1, len(support) + 1))


@statement("pure_iff_rank_r", section="§3", reference="TKB2020", generate=gen_quadratic)
def check_pure_iff_rank(inst):
    r"""Quadratic loss: W̄ = U_S; pure ⇔ \|S\| = r.

    .. math::

        \theta \in \operatorname{Crit}(L) \Rightarrow \bar W = U_S,\ |S| \le r;\ |S| = r \Rightarrow
        \text{pure},\ |S| < r \Rightarrow \text{spurious}

    Routes: theory locus (\|S\| = r rule) vs classify of each stratum's representative.
    """
    net, loss = _network_loss(inst)
    locus = _locus(inst)
    r, rho = net.bottleneck, locus.spectrum.rank
    for st in locus.strata:
        rep = classify(net, loss, st.representative)
        if not rep.is_critical:
            return f"representative of S={st.support} is not critical (‖∇L‖ = {rep.gradient_norm:.3g})"
        theory = "pure" if (len(st.support) == r or len(st.support) == rho) else "spurious"
        if rep.kind != theory:
            return f"S={st.support}: classify says {rep.kind}, |S| = r rule says {theory}"
        if st.kind != theory:
            return f"S={st.support}: locus says {st.kind}, |S| = r rule says {theory}"
    return None


def gen_tiny_quadratic(rng, exact=True):
    """A random instance (a dict) of ``critical_values``."""
    widths = [(1, 1, 1), (2, 1, 1), (1, 1, 2), (2, 1, 2), (1, 2, 1), (1, 1, 1, 1), (2, 2, 1), (2, 1, 1, 1),
              (1, 2, 2), (1, 1, 2, 1)][_ri(rng, 0, 9)]
    U = _nonzero_int_matrix(rng, widths[-1], widths[0], 4)
    return {"widths": widths, "U": U, "loss": QuadraticLoss(U)}


@statement("critical_values", section="§3", reference="TKB2020", generate=gen_tiny_quadratic)
def check_critical_values(inst):
    r"""Critical values of the quadratic loss.

    .. math::

        \{L(\theta) : \nabla L(\theta) = 0\} = \{\textstyle\sum_{j\notin S}\sigma_j^2 : |S| \le r\}

    Routes: Eckart–Young values of the locus vs real roots of a Gröbner eliminant of ∇L = 0.
    """
    net, loss = _network_loss(inst)
    t = sympy.Symbol("t")
    p = sympy.Poly(critical_value_polynomial(net, loss, t), t)
    roots = sorted({float(sympy.N(x, 30)) for x in sympy.real_roots(p)})
    values = sorted({round(st.value_float, 10) for st in _locus(inst).strata})
    merged = sorted({round(x, 10) for x in roots})
    if len(merged) != len(values) or any(abs(a - b) > 1e-8 * max(1, abs(a)) for a, b in zip(merged, values)):
        return f"real roots of the Gröbner eliminant {merged} != critical values of the locus {values}"
    return None


@statement("morse_index", section="§3", reference="EY1936", generate=gen_quadratic)
def check_morse_index(inst):
    r"""Morse index and Hessian nullity of pure points.

    .. math::

        \operatorname{ind}(U_S) = \#\{(i,j): i \in S, j\notin S, \sigma_j > \sigma_i\},\
        \dim\ker\nabla^2 L = d_\theta - r(d_0 + d_h - r)

    Routes: index formula from singular values vs exact inertia of the parameter Hessian.
    """
    net, loss = _network_loss(inst)
    locus = _locus(inst)
    lam = sorted((float(x) for x in np.linalg.svd(to_float(inst["U"]), compute_uv=False) ** 2), reverse=True)
    r = net.bottleneck
    fiber = net.num_params - r * (net.widths[0] + net.widths[-1] - r)
    for st in locus.strata:
        if len(st.support) != r:
            continue
        S = set(st.support)
        index = sum(1 for i in S for j in range(1, len(lam) + 1) if j not in S and lam[j - 1] > lam[i - 1] + 1e-9)
        rep = classify(net, loss, st.representative)
        if rep.hessian_inertia is None:
            return f"S={st.support}: inertia undecided"
        pos, neg, zero = rep.hessian_inertia
        if neg != index or st.function_space_index != index:
            return (f"S={st.support}: Hessian has {neg} negative eigenvalues, locus index "
                    f"{st.function_space_index}, #{{(i,j): i∈S, j∉S, σ_j>σ_i}} = {index}")
        if zero != fiber:
            return f"S={st.support}: Hessian nullity {zero} != fiber dimension d_θ − r(d_0+d_h−r) = {fiber}"
    return None


@statement("local_minima_global", section="§3", reference="BH1989", generate=gen_quadratic)
def check_local_minima_global(inst):
    r"""Every local minimum is global (quadratic loss).

    .. math::

        \theta \text{ local min of } L \Rightarrow L(\theta) = \sum_{j>r}\sigma_j^2

    Routes: exact Hessian inertia at each stratum vs the Eckart–Young minimum from a numpy SVD.
    """
    net, loss = _network_loss(inst)
    U = to_float(inst["U"])
    sv = np.linalg.svd(U, compute_uv=False)
    ey = float(np.sum(sv[net.bottleneck:] ** 2))  # Eckart–Young: min over rank ≤ r
    for st in _locus(inst).strata:
        rep = classify(net, loss, st.representative)
        if rep.role == "local_min":
            return f"S={st.support}: classified as a non-global local minimum"
        if rep.hessian_inertia is None:
            return f"S={st.support}: Hessian inertia undecided"
        second_order_min = rep.hessian_inertia[1] == 0
        if second_order_min and rep.kind == "pure" and abs(st.value_float - ey) > 1e-8 * max(1, ey):
            return f"S={st.support}: pure point without negative Hessian eigenvalue at value {st.value_float} > EY minimum {ey}"
        if second_order_min and rep.kind == "spurious" and rep.role != "non_strict_saddle":
            return f"S={st.support}: spurious point without negative Hessian eigenvalue classified {rep.role}"
        if rep.role == "global_min" and abs(float(rep.value) - ey) > 1e-8 * max(1, ey):
            return f"S={st.support}: 'global_min' at value {float(rep.value)} but the EY minimum is {ey}"
        if rep.kind == "spurious" and rep.role in ("global_min", "local_min"):
            return f"S={st.support}: spurious point classified as {rep.role}"
    return None


@statement("strict_saddles", section="§3", reference="AMG2024", generate=gen_quadratic)
def check_strict_saddles(inst):
    r"""Strict saddles: one hidden layer, or S not a top set.

    .. math::

        h = 2 \text{ or } S \ne \{1..|S|\} \Rightarrow \lambda_{\min}(\nabla^2 L(\theta)) < 0

    Routes: combinatorial top-set test on S vs exact Hessian inertia.
    """
    net, loss = _network_loss(inst)
    for st in _locus(inst).strata:
        top = _is_top(st.support)
        if top and not (net.depth == 2 and st.role != "global_min"):
            continue
        rep = classify(net, loss, st.representative)
        if rep.hessian_inertia is None or rep.hessian_inertia[1] == 0:
            why = "one hidden layer" if top else "S is not a top set"
            return f"S={st.support} ({why}): Hessian inertia {rep.hessian_inertia} has no negative eigenvalue"
    return None


def gen_origin(rng, exact=True, max_width=3, deep=False):
    """A random instance (a dict) of ``origin_one_hidden_layer`` (``deep=True``: of ``origin_deep``)."""
    widths = _architecture(rng, 3 if deep else 2, 4 if deep else 2, max_width, max_params=14 if deep else 27)
    U = _nonzero_int_matrix(rng, widths[-1], widths[0], 4)
    return {"widths": widths, "U": U, "loss": QuadraticLoss(U)}


@statement("origin_one_hidden_layer", section="§3", reference="K2016", generate=gen_origin)
def check_origin_one_hidden(inst):
    r"""Hessian at θ = 0, one hidden layer: ±2σ_k.

    .. math::

        \chi_{\nabla^2 L(0)}(x) = x^{d_\theta - 2 d_1 m} \prod_{k=1}^{m} (x^2 - 4\sigma_k^2)^{d_1}

    Routes: characteristic polynomial of the Kronecker-built Hessian vs the one predicted from UUᵀ.
    """
    net, U = LinearNetwork(inst["widths"]), inst["U"]
    d1 = net.widths[1]
    zero = tuple(sympy.zeros(a, b) for a, b in net.shapes)
    H = parameter_hessian(net, inst["loss"], zero)
    x = sympy.Symbol("x")
    got = H.charpoly(x).as_expr()
    M = U * U.T if U.rows <= U.cols else U.T * U
    m = M.rows
    c = M.charpoly(x).as_expr()  # ∏ (x − λ_k)
    expected = (4 ** m * c.subs(x, x ** 2 / 4)) ** d1 * x ** (net.num_params - 2 * d1 * m)
    if sympy.expand(got - expected) != 0:
        return f"charpoly of the Hessian at 0 is {sympy.factor(got)}; ±2σ_k (each d_1 = {d1} times) gives {sympy.factor(expected)}"
    return None


def gen_origin_deep(rng, exact=True, max_width=3):
    """A random instance (a dict) of ``origin_deep``."""
    return gen_origin(rng, exact, max_width, deep=True)


@statement("origin_deep", section="§3", reference="AMG2024", generate=gen_origin_deep)
def check_origin_deep(inst):
    r"""Hessian at θ = 0 vanishes for ≥ 2 hidden layers.

    .. math::

        h \ge 3 \Rightarrow \nabla^2 L(0) = 0:\ \theta = 0 \text{ is a non-strict saddle}

    Routes: block Hessian formula vs sympy.hessian of the expanded loss, and classify's role.
    """
    net, loss = _network_loss(inst)
    zero = tuple(sympy.zeros(a, b) for a, b in net.shapes)
    H = parameter_hessian(net, loss, zero)
    if any(x != 0 for x in H):
        return "Hessian at θ = 0 is not identically zero for ≥ 2 hidden layers"
    if net.num_params <= 8:  # independent route: symbolic Hessian of L at 0
        L = sum((p - u) ** 2 for p, u in zip(net.end_to_end(), inst["U"]))
        Hs = sympy.hessian(sympy.expand(L), net.parameters).xreplace({p: 0 for p in net.parameters})
        if Hs != H:
            return "symbolic Hessian at 0 differs from parameter_hessian"
    rep = classify(net, loss, zero)
    if not (rep.is_critical and rep.kind == "spurious" and rep.role == "non_strict_saddle"):
        return f"θ = 0 classified as critical={rep.is_critical}, {rep.kind}, {rep.role}; expected a spurious non-strict saddle"
    return None


def gen_fiber(rng, exact=True, max_depth=3, max_width=3):
    """A random instance (a dict) of ``fiber_dimension``."""
    widths = _architecture(rng, 1, max_depth, max_width)
    theta = tuple(_int_matrix(rng, a, b, 4) for a, b in zip(widths[1:], widths[:-1]))
    s = _ri(rng, 0, min(widths))
    return {"widths": widths, "theta": theta, "s": s, "M": _rank_matrix(rng, widths[-1], widths[0], s)}


@statement("fiber_dimension", section="§3", reference="TKB2020", generate=gen_fiber)
def check_fiber(inst):
    r"""Fiber dimension / Hessian nullity.

    .. math::

        \dim \mu_d^{-1}(\bar W) = d_\theta - r(d_0 + d_h - r) \text{ at } \operatorname{rk}\bar W = r

    Routes: recursive closed form vs kernel of dμ at generic θ and a Gröbner dimension of μ(θ) = M.
    """
    widths, theta, s = inst["widths"], inst["theta"], inst["s"]
    net = LinearNetwork(widths)
    r = min(widths)
    closed = fiber_dimension(widths, r)
    if closed != net.num_params - net.functional_space.dim:
        return f"fiber_dimension({widths}, r) = {closed} != d_θ − dim M_r = {net.num_params - net.functional_space.dim}"
    full = all(rank(W) == min(W.shape) for W in theta) and rank(net.end_to_end(theta)) == r
    if full and net.num_params - rank(net.differential(theta)) != closed:
        return f"kernel of dμ at a generic θ has dimension {net.num_params - rank(net.differential(theta))} != {closed}"
    if net.num_params <= 8:  # Gröbner: dimension of {θ : μ(θ) = M}, rk M = s
        eqs = [a - b for a, b in zip(net.end_to_end(), inst["M"])]
        gb = ideal_dimension(eqs, list(net.parameters))
        if gb != fiber_dimension(widths, s):
            return f"rank-{s} fiber: Gröbner dimension {gb} != closed form {fiber_dimension(widths, s)}"
    return None


def gen_data(rng, exact=True, max_depth=3, max_width=3):
    """A random instance (a dict) of ``data_reduction``. ``exact=False`` draws float data."""
    widths = _architecture(rng, 2, max_depth, max_width, max_params=18)
    d0, dh = widths[0], widths[-1]
    N = d0 + _ri(rng, 0, 2)
    rep = representation(exact)
    while True:
        X = _random_matrix(rng, rep, d0, N, 3)
        if rep.rank(X) == d0:
            break
    Y = _random_matrix(rng, rep, dh, N, 3)
    return {"widths": widths, "X": X, "Y": Y, "loss": QuadraticLoss.from_data(X, Y)}


@statement("data_reduction", section="§3", reference="BH1989", generate=gen_data, numeric=True)
def check_data(inst):
    r"""Data form ‖WX − Y‖² reduces to a squared distance.

    .. math::

        \|WX - Y\|_F^2 = \|W A - \hat U A\|_F^2 + c,\ A = (XX^\top)^{1/2},\ \hat U = YX^\top(XX^\top)^{-1}

    Routes: exact locus of the reduced loss vs direct numpy evaluation of ‖μ(θ)X − Y‖² and its gradient.
    """
    net = LinearNetwork(inst["widths"])
    X, Y = inst["X"], inst["Y"]
    Xf, Yf = to_float(X), to_float(Y)
    locus = _locus(inst)
    # independent route: Eckart–Young on Û A with A = (XXᵀ)^{1/2}, computed here with numpy
    Sig = Xf @ Xf.T
    ev, Q = np.linalg.eigh(Sig)
    A = (Q * np.sqrt(ev)) @ Q.T
    Uhat = np.linalg.solve(Sig, (Yf @ Xf.T).T).T
    sv = np.linalg.svd(Uhat @ A, compute_uv=False)
    offset = float(np.sum(Yf * Yf) - np.sum((Uhat @ A) ** 2))
    ey = offset + float(np.sum(sv[net.bottleneck:] ** 2))
    scale = max(1.0, float(np.sum(Yf * Yf)))
    if abs(locus.global_minimum.value_float - ey) > 1e-8 * scale:
        return f"global minimum {locus.global_minimum.value_float} != Eckart–Young on ÛA: {ey}"
    for st in locus.strata:
        th = [to_float(W if isinstance(W, np.ndarray) else sympy.Matrix(W)) for W in st.representative]
        pairs = partial_products(th)  # (W_{>i}, W_{<i}), numpy
        P = pairs[0][0] @ th[0]  # W_h ⋯ W_1
        direct = float(np.sum((P @ Xf - Yf) ** 2))
        if abs(direct - st.value_float) > 1e-7 * scale:
            return f"S={st.support}: ‖μ(θ)X − Y‖² = {direct} but the locus value is {st.value_float}"
        G = 2 * (P @ Xf - Yf) @ Xf.T
        gn = max(float(np.max(np.abs(Lm.T @ G @ Rm.T))) for Lm, Rm in pairs)
        if gn > 1e-6 * scale:
            return f"S={st.support}: representative has data-gradient {gn:.3g}"
    return None


def gen_degenerate(rng, exact=True, max_depth=3, max_width=3):
    """A random instance (a dict) of ``degenerate_families``."""
    widths = _architecture(rng, 2, max_depth, max_width, max_params=20)
    rows, cols = widths[-1], widths[0]
    sig = _degenerate_sigmas(rng, min(rows, cols))
    P, Q = _orthogonal(rng, rows), _orthogonal(rng, cols)
    U = P * _diag(rows, cols, sig) * Q
    return {"widths": widths, "sigmas": sig, "U": U, "loss": QuadraticLoss(U), "_P": P, "_Q": Q}


def _block_rotation(rng, n, indices):
    """Rotation of ℝ^n acting on the 0-based ``indices`` only (a random rational rotation)."""
    k = len(indices)
    R = sympy.eye(n)
    if k >= 2:
        O = _orthogonal(rng, k, nonzero=True)
        if O.det() < 0:
            O[:, 0] = -O[:, 0]
        for a, i in enumerate(indices):
            for b, j in enumerate(indices):
                R[i, j] = O[a, b]
    return R


@statement("degenerate_families", section="§3", reference="derived", generate=gen_degenerate)
def check_degenerate(inst):
    r"""Degenerate targets give families.

    .. math::

        \text{repeated/zero } \sigma:\ \dim\{U_S\} = \textstyle\sum_a k_a (n_a - k_a)

    Routes: reported family dimension vs rotating singular vectors inside tie blocks and classifying.
    """
    (net, loss), sig, U = _network_loss(inst), inst["sigmas"], inst["U"]
    locus = _locus(inst)
    if not locus.is_degenerate:
        return f"singular values {sig} (repeated or zero) but the locus is reported generic"
    if locus.spectrum.rank != rank(U):
        return f"spectrum rank {locus.spectrum.rank} != rank of U {rank(U)}"
    rows, cols = U.shape
    P, Q = inst["_P"], inst["_Q"]
    rng = np.random.default_rng(len(sig) + sum(sig))
    ties = {}
    for i, s in enumerate(sig):
        if s:
            ties.setdefault(s, []).append(i)
    for st in locus.strata:
        S = set(st.support)
        expected_fam = sum(len([i for i in b if i + 1 in S]) * len([i for i in b if i + 1 not in S])
                           for b in ties.values())
        if st.family_dimension != expected_fam:
            return f"S={st.support}: family dimension {st.family_dimension}, Σ k(n−k) over tie blocks = {expected_fam}"
        th = st.representative
        if any(not isinstance(W, sympy.MatrixBase) or W.has(sympy.Float) for W in th):
            continue
        # rotate within every tie block: B U A = U with B = P R Pᵀ, A = Qᵀ R'ᵀ Q — a symmetry of L
        Rout, Rin = sympy.eye(rows), sympy.eye(cols)
        for b in ties.values():
            Rb = _block_rotation(rng, max(rows, cols), b)
            Rout = Rout * Rb[:rows, :rows]
            Rin = Rin * Rb[:cols, :cols]
        B = P * Rout * P.T
        A = Q.T * Rin.T * Q
        if B * U * A != U:
            return "internal: block rotation is not a symmetry of U"
        moved = (th[0] * A,) + tuple(th[1:-1]) + (B * th[-1],) if len(th) > 1 else (B * th[0] * A,)
        rep = classify(net, loss, moved)
        if not rep.is_critical or rep.value != classify(net, loss, th).value:
            return f"S={st.support}: rotated member of the family is not critical with the same value"
        if (net.end_to_end(moved) != net.end_to_end(th)) != (expected_fam > 0):
            return (f"S={st.support}: rotation {'moves' if expected_fam == 0 else 'does not move'} U_S although "
                    f"the family dimension is {expected_fam}")
    return None


def gen_spurious_descent(rng, exact=True, max_depth=3, max_width=3):
    """A random instance (a dict) of ``spurious_not_local_min``."""
    for _ in range(100):
        widths = _architecture(rng, 2, max_depth, max_width, max_params=24)
        if min(widths) >= 1:
            break
    r = min(widths)
    s = _ri(rng, 0, r - 1)
    unit = rng.random() < 0.5
    inst = _critical_instance(rng, widths, s, True, unit=unit)
    # base point with one spare slot used by the descent curve (same critical θ at τ = 0)
    d0, dh = widths[0], widths[-1]
    G = inst["G"]
    j = next(k for k in range(d0) if any(G[i, k] != 0 for i in range(dh)))
    y = sympy.Matrix([[1 if k == j else 0 for k in range(d0)]])
    x = G * y.T
    inst["x"], inst["y"] = x, y
    inst["theta"] = _factor(widths, inst["C"].row_join(0 * x), inst["R"].col_join(0 * y), inst["_mixers"])
    return inst


@statement("spurious_not_local_min", section="§3", reference="TKB2020", generate=gen_spurious_descent)
def check_spurious_descent(inst):
    r"""Spurious points are never local minima.

    .. math::

        \operatorname{rk}\bar W < r,\ \nabla\ell(\bar W) \ne 0 \Rightarrow \exists\,\theta(\tau)\to\theta:\
        L(\theta(\tau)) < L(\theta)

    Routes: classify's kind/role vs an explicit exact descent curve adding a rank-one term.
    """
    net, loss, theta, rep = _classified(inst)
    if not rep.is_critical or rep.kind != "spurious":
        return f"constructed point (rk W̄ < r, ∇ℓ ≠ 0) classified critical={rep.is_critical}, kind={rep.kind}"
    if rep.role in ("local_min", "global_min"):
        return f"spurious point classified as {rep.role}"
    # independent route: an exact curve θ(τ) → θ with L(θ(τ)) < L(θ)
    L0 = loss.value(net.end_to_end(theta))
    C, R, x, y = inst["C"], inst["R"], inst["x"], inst["y"]
    for k in range(0, 60):
        tau = sympy.Rational(1, 2 ** k)
        th = _factor(net.widths, C.row_join(-tau * x), R.col_join(tau * y), inst["_mixers"])
        if loss.value(net.end_to_end(th)) < L0:
            return None
    return "no descent along θ(τ) for τ down to 2^-59: the spurious point looks like a local minimum"


# ---------------------------------------------------------------------------------------------------
# §4  other losses
# ---------------------------------------------------------------------------------------------------

def gen_ed(rng, exact=True):
    """A random instance (a dict) of ``ed_degree``."""

    m, n = [(2, 2), (2, 3), (3, 3), (1, 3)][_ri(rng, 0, 3)]
    for _ in range(100):
        U = _int_matrix(rng, m, n, 4)
        M = U * U.T
        e1 = sympy.Matrix([1] + [0] * (m - 1))
        krylov = sympy.Matrix.hstack(*[M ** k * e1 for k in range(m)])
        # generic: distinct nonzero singular values, and no left singular vector with u_1 = 0 (chart a_1 = 1)
        if not spectrum(QuadraticLoss(U)).is_degenerate and rank(krylov) == m:
            break
    return {"rows": m, "cols": n, "rank": 1, "U": U}


def _standard_monomial_count(polys, gens):
    """Number of complex zeros with multiplicity of a zero-dimensional system (``None`` if not zero-dimensional)."""
    G = sympy.groebner(polys, *gens, order="grevlex")
    if G.exprs == [1]:
        return 0
    lead = [max(sympy.Poly(g, *gens).monoms(), key=sympy.polys.orderings.grevlex) for g in G.exprs]
    if not is_zero_dimensional(lead, len(gens)):
        return None
    return len(standard_monomials(lead, len(gens)))


@statement("ed_degree", section="§4", reference="DHOST2016", generate=gen_ed)
def check_ed(inst):
    r"""Number of critical points on M_r is the ED degree.

    .. math::

        \#\operatorname{Crit}(\|\cdot - U\|^2|_{\mathcal M_r^{\rm reg}}) = \binom{\min(m,n)}{r}

    Routes: Gröbner count of critical points in a chart vs ED degree and the locus's function-space points.
    """
    m, n, U = inst["rows"], inst["cols"], inst["U"]
    V = DeterminantalVariety(m, n, 1)
    locus = critical_locus(LinearNetwork((n, 1, m)), QuadraticLoss(U))
    pts = [p for p in locus.function_space_points if p.rank == 1]
    # independent route: critical points of ‖a bᵀ − U‖² in the chart a_1 = 1, counted by a Gröbner basis
    a = [sympy.Integer(1)] + list(sympy.symbols(f"a2:{m + 1}"))
    b = list(sympy.symbols(f"b1:{n + 1}"))
    f = sum((a[i] * b[j] - U[i, j]) ** 2 for i in range(m) for j in range(n))
    gens = a[1:] + b
    count = _standard_monomial_count([sympy.expand(sympy.diff(f, g)) for g in gens], gens)
    if not (count == V.ed_degree == len(pts) == math.comb(min(m, n), 1)):
        return (f"Gröbner count of critical points {count}, ED degree {V.ed_degree}, locus rank-1 points "
                f"{len(pts)}, C(min(m,n), r) = {math.comb(min(m, n), 1)}")
    return None


def gen_filling_convex(rng, exact=True, max_depth=3, max_width=3):
    """A random instance (a dict) of ``filling_convex_no_bad_minima``."""
    widths = _architecture(rng, 2, max_depth, max_width, filling=True, max_params=24)
    s = _ri(rng, 0, min(widths))
    return _critical_instance(rng, widths, s, rng.random() < 0.6)


@statement("filling_convex_no_bad_minima", section="§4", reference="LvB2018", generate=gen_filling_convex)
def check_filling_convex(inst):
    r"""Filling + convex ⇒ pure = global, no bad minima.

    .. math::

        \text{filling},\ \ell \text{ convex}:\ \theta \text{ pure} \iff L(\theta) = \min L;\
        \text{no non-global local minima}

    Routes: constructed ∇ℓ(W̄) (ground truth) vs classify's kind, role and value.
    """
    net, loss, theta, rep = _classified(inst)
    G = inst["G"]
    if not rep.is_critical:
        return "constructed point is not critical"
    truth_pure = all(x == 0 for x in G)  # filling: M_r is everything, so pure ⇔ ∇ℓ(W̄) = 0
    if (rep.kind == "pure") != truth_pure:
        return f"classify says {rep.kind}; ∇ℓ(W̄) {'=' if truth_pure else '≠'} 0 on a filling network"
    global_min = 0  # ℓ ≥ 0 and ℓ(U) = 0 with U ∈ M_r (filling)
    if rep.kind == "pure" and (rep.value != global_min or rep.role != "global_min"):
        return f"pure point with value {rep.value}, role {rep.role}; expected the global minimum 0"
    if rep.role in ("local_min", "global_min") and rep.value != global_min:
        return f"bad local minimum at value {rep.value}"
    return None
