"""Statements of THEORY §1–2: linear networks, their functional space, pure and spurious points.

Registered keys (in this order): ``rank_formula``, ``maximal_rank_criterion``,
``functional_space``, ``filling_criterion``, ``determinantal_variety``,
``gradient_formula`` (§1, TKB2020) and ``pure_spurious_test``,
``purity_depends_on_image`` (§2, TKB2020).

Generators ``gen_*`` and checks ``check_*`` follow the contract of
:func:`~linnet_geometry.verification.theorems.registry.register`; the package's Examples draw and check
an instance of each topic module.
"""

from __future__ import annotations

import sympy

from ...critical import parameter_gradient
from ...exact.matrix import rank
from ...exact.representation import representation, representation_of
from ...model.losses import PolynomialLoss
from ...model.network import LinearNetwork
from ...model.variety import DeterminantalVariety
from .instances import (_architecture, _classified, _critical_instance, _factor, _mixers,
                        _random_matrix, _random_theta, _rank_matrix, _rat, _ri)
from .registry import statement

__all__ = [
    "gen_theta",
    "check_rank_formula",
    "check_maximal_rank",
    "gen_generic_theta",
    "check_functional_space",
    "check_filling",
    "gen_variety_point",
    "check_variety",
    "gen_gradient",
    "check_gradient",
    "gen_pure_test",
    "check_pure_test",
    "gen_reparam",
    "check_reparam",
]


# ---------------------------------------------------------------------------------------------------
# §1  linear networks and their functional space
# ---------------------------------------------------------------------------------------------------

def gen_theta(rng, exact=True, max_depth=3, max_width=3):
    """A random instance (a dict) of ``rank_formula``, ``maximal_rank_criterion``. ``exact=False`` draws float
    data.
    """
    widths = _architecture(rng, 1, max_depth, max_width)
    return {"widths": widths, "theta": _random_theta(rng, widths, exact)}


@statement("rank_formula", section="§1", reference="TKB2020", generate=gen_theta, numeric=True)
def check_rank_formula(inst):
    r"""Rank of dμ in closed form.

    .. math::

        \operatorname{rank} d\mu(\theta) = \sum_{j=1}^{h} \operatorname{rk}(W_{>j})\,(\operatorname{rk}(W_{<j}) -
        \operatorname{rk}(W_{<j+1})),\ \operatorname{rk}(W_{<h+1}) := 0

    Routes: closed form from partial-product ranks vs rank of the explicit Jacobian.
    """
    net, theta = LinearNetwork(inst["widths"]), inst["theta"]
    closed = net.differential_rank(theta)
    J = net.differential(theta)
    explicit = rank(J)
    if closed != explicit:
        return f"closed-form rank {closed} != Jacobian rank {explicit}"
    return None


@statement("maximal_rank_criterion", section="§1", reference="TKB2020", generate=gen_theta, numeric=True)
def check_maximal_rank(inst):
    r"""Maximal-rank criterion for dμ.

    .. math::

        \text{non-filling: } \operatorname{rk} d\mu = \dim\mathcal M_r \iff \operatorname{rk}\bar W = r;\
        \text{filling: } \iff \forall i:\ \operatorname{rk} W_{>i} = d_h \vee \operatorname{rk} W_{\le i} = d_0

    Routes: rank criterion on partial products vs Jacobian rank = r(d_0+d_h−r).
    """
    net, theta = LinearNetwork(inst["widths"]), inst["theta"]
    criterion = net.has_maximal_rank_differential(theta)
    explicit = rank(net.differential(theta)) == net.functional_space.dim
    if criterion != explicit:
        return (f"criterion says maximal={criterion} but the Jacobian has rank {rank(net.differential(theta))} "
                f"(dim M_r = {net.functional_space.dim})")
    if not criterion and net.is_filling is False:
        # consequence: dμ drops rank only where rk W̄ < r
        if rank(net.end_to_end(theta)) >= net.bottleneck:
            return "dμ drops rank at a point with rk W̄ = r"
    return None


def gen_generic_theta(rng, exact=True, max_depth=3, max_width=4):
    """A random instance (a dict) of ``functional_space``, ``filling_criterion``. ``exact=False`` draws float data.
    """
    widths, rep = _architecture(rng, 1, max_depth, max_width), representation(exact)
    mats = tuple(_random_matrix(rng, rep, a, b, 4) for a, b in zip(widths[1:], widths[:-1]))
    return {"widths": widths, "theta": mats}


@statement("functional_space", section="§1", reference="TKB2020", generate=gen_generic_theta, numeric=True)
def check_functional_space(inst):
    r"""Functional space M_d = M_r.

    .. math::

        \mu_d(\mathbb R^{d_\theta}) = \mathcal M_r,\ \dim \mathcal M_r = r(d_0 + d_h - r)

    Routes: rank of μ(θ) and generic Jacobian rank vs the dimension formula of M_r.
    """
    widths, theta = inst["widths"], inst["theta"]
    net = LinearNetwork(widths)
    r = min(widths)
    Wbar = net.end_to_end(theta)
    if rank(Wbar) > r:
        return f"rk μ(θ) = {rank(Wbar)} > r = {r}"
    # generic rank of dμ = dim of the image M_r; θ integer-random is generic unless the rank test says otherwise
    jrank = rank(net.differential(theta))
    dim = net.functional_space.dim
    if jrank > dim:
        return f"Jacobian rank {jrank} exceeds dim M_r = r(d_0+d_h−r) = {dim}"
    if rank(Wbar) == r and jrank != dim:  # rk W̄ = r is a generic point of the image
        return f"at a point with rk μ(θ) = r the Jacobian rank is {jrank}, not dim M_r = r(d_0+d_h−r) = {dim}"
    return None


@statement("filling_criterion", section="§1", reference="derived", generate=gen_generic_theta, numeric=True)
def check_filling(inst):
    r"""Filling iff every hidden width ≥ min(d_0, d_h).

    .. math::

        r = \min(d_0, d_h) \iff d_i \ge \min(d_0, d_h)\ \forall\, 0<i<h \iff \operatorname{rk} d\mu_{\rm gen} = d_0 d_h

    Routes: is_filling vs hidden widths vs generic Jacobian rank.
    """
    widths, theta = inst["widths"], inst["theta"]
    net = LinearNetwork(widths)
    d0, dh = widths[0], widths[-1]
    by_widths = all(w >= min(d0, dh) for w in widths[1:-1])
    if net.is_filling != by_widths:
        return f"is_filling = {net.is_filling} but 'every hidden width ≥ min(d_0, d_h)' is {by_widths}"
    if all(rank(W) == min(W.shape) for W in theta) and rank(net.end_to_end(theta)) == min(widths):
        jrank = rank(net.differential(theta))
        if (jrank == d0 * dh) != net.is_filling:
            return f"generic Jacobian rank {jrank} vs d_0 d_h = {d0 * dh}, but is_filling = {net.is_filling}"
    return None


def gen_variety_point(rng, exact=True, max_size=3):
    """A random instance (a dict) of ``determinantal_variety``."""
    m, n = _ri(rng, 2, max_size), _ri(rng, 2, max_size)
    r = _ri(rng, 1, min(m, n) - 1) if min(m, n) > 1 else 1
    s = _ri(rng, 0, r)
    return {"rows": m, "cols": n, "rank": r, "W": _rank_matrix(rng, m, n, s)}


@statement("determinantal_variety", section="§1", reference="TKB2020", generate=gen_variety_point)
def check_variety(inst):
    r"""M_r: dimension, ideal, singular locus, tangent/normal spaces.

    .. math::

        T_W\mathcal M_r = \{A : (I-P_c)A(I-P_r) = 0\},\ \dim N_W = (m-r)(n-r),\
        \operatorname{Sing}\mathcal M_r = \mathcal M_{r-1}

    Routes: tangent/normal bases vs kernel and rank of the Jacobian of the (r+1)-minors.
    """
    m, n, r, W = inst["rows"], inst["cols"], inst["rank"], inst["W"]
    V = DeterminantalVariety(m, n, r)
    s = rank(W)
    if V.dim != r * (m + n - r) or V.codim != m * n - V.dim:
        return f"dim {V.dim}/codim {V.codim} inconsistent with r(m+n−r) = {r * (m + n - r)}"
    X = V.generic_matrix()
    gens = V.ideal(X)
    point = dict(zip(list(X), list(W)))
    if any(g.xreplace(point) != 0 for g in gens):
        return "an (r+1)-minor does not vanish on a rank ≤ r matrix"
    # Jacobian of the minors at W: rank = codim at rank-r points (smooth), 0 below (singular locus)
    Jm = sympy.Matrix([[sympy.diff(g, x) for x in X] for g in gens]).xreplace(point) if gens else sympy.zeros(1, m * n)
    jr = rank(Jm)
    expect = V.codim if s == r else 0
    if jr != expect:
        return f"Jacobian of the (r+1)-minors has rank {jr} at a rank-{s} point; expected {expect}"
    T = V.tangent_space(W)
    N = V.normal_space(W)
    if s == r:
        if len(T) != V.dim or len(N) != V.codim:
            return f"tangent/normal bases of sizes {len(T)}/{len(N)}; expected dim {V.dim}/codim {V.codim}"
        # tangent space = kernel of the minors' Jacobian (independent route)
        for A in T:
            if any(x != 0 for x in Jm * sympy.Matrix(list(A))):
                return "a tangent vector is not in the kernel of the minors' Jacobian"
        for A in T:
            for B in N:
                if sum(a * b for a, b in zip(A, B)) != 0:
                    return "tangent and normal spaces are not orthogonal"
    elif len(T) != m * n:
        return f"Zariski tangent space at a singular point has dimension {len(T)}; expected {m * n}"
    return None


def gen_gradient(rng, exact=True, max_depth=3, max_width=2):
    """A random instance (a dict) of ``gradient_formula``. ``exact=False`` draws float data."""
    widths = _architecture(rng, 1, max_depth, max_width, max_params=10)
    rows, cols = widths[-1], widths[0]
    X = sympy.Matrix(rows, cols, lambda i, j: sympy.Symbol(f"x{i}{j}"))
    expr = sum(_rat(rng) * x ** _ri(rng, 1, 3) for x in X) + _rat(rng) * X[0, 0] * X[rows - 1, cols - 1]
    rep = representation(exact)
    theta = tuple(_random_matrix(rng, rep, a, b, 2) for a, b in zip(widths[1:], widths[:-1]))
    return {"widths": widths, "loss": PolynomialLoss(expr, X), "theta": theta}


@statement("gradient_formula", section="§1", reference="TKB2020", generate=gen_gradient, numeric=True)
def check_gradient(inst):
    r"""Gradient of L = ℓ ∘ μ.

    .. math::

        \nabla_{W_i} L = W_{>i}^\top\, \nabla\ell(\bar W)\, W_{<i}^\top

    Routes: partial-product formula vs symbolic differentiation of ℓ(W_h⋯W_1).
    """
    net, loss, theta = LinearNetwork(inst["widths"]), inst["loss"], inst["theta"]
    formula = parameter_gradient(net, loss, theta)
    # independent route: differentiate ℓ(W_h ⋯ W_1) symbolically and substitute θ
    L = loss.expr.xreplace(dict(zip(list(loss.symbols), list(net.end_to_end()))))
    rep = representation_of(*theta)
    vals = dict(zip(net.parameters, [x for W in theta for x in rep.entries(W)]))
    sym = [sympy.diff(L, p).xreplace(vals) for p in net.parameters]
    flat = [x for G in formula for x in rep.entries(G)]
    for p, a, b in zip(net.parameters, flat, sym):
        a, b = rep.number(a), rep.number(b)  # exact: equal; float: within 1e-8 relative to |∂L/∂p|
        if not rep.is_zero(rep.matrix(1, 1, [rep.number(a - b)]), bound=1e-8 * max(1.0, abs(float(b)))):
            return f"∂L/∂{p}: formula {a} != symbolic {b}"
    return None


# ---------------------------------------------------------------------------------------------------
# §2  pure and spurious critical points
# ---------------------------------------------------------------------------------------------------

def gen_pure_test(rng, exact=True, max_depth=3, max_width=3):
    """A random instance (a dict) of ``pure_spurious_test``."""
    widths = _architecture(rng, 2, max_depth, max_width, max_params=24)
    s = _ri(rng, 0, min(widths))
    inst = _critical_instance(rng, widths, s, rng.random() < 0.7)
    if rng.random() < 0.25:  # also non-critical points
        inst["theta"] = _random_theta(rng, widths)
    return inst


@statement("pure_spurious_test", section="§2", reference="TKB2020", generate=gen_pure_test)
def check_pure_test(inst):
    r"""Computable test for pure/spurious.

    .. math::

        \operatorname{rk}\bar W = r:\ \text{pure} \iff \bar W^\top G = 0 = G\bar W^\top;\quad
        \operatorname{rk}\bar W < r:\ \text{pure} \iff G = 0

    Routes: classify's product test vs the definition (G ⟂ tangent space of M_r, G = 0 at singular points).
    """
    net, loss, theta, rep = _classified(inst)
    Wbar = net.end_to_end(theta)
    G = loss.gradient(Wbar)
    grads_zero = all(all(x == 0 for x in (L.T * G * Rt.T)) for L, Rt in net.partial_products(theta))
    if rep.is_critical != grads_zero:
        return f"classify says critical={rep.is_critical}, explicit W_{{>i}}ᵀ G W_{{<i}}ᵀ says {grads_zero}"
    if not rep.is_critical:
        return None
    # definition: W̄ critical for ℓ|M_r — ⟨G, A⟩ = 0 on the tangent space (smooth point), G = 0 (singular point)
    V = DeterminantalVariety(*Wbar.shape, net.bottleneck)
    if rank(Wbar) == V.rank:
        pure = all(sum(a * g for a, g in zip(A, G)) == 0 for A in V.tangent_space(Wbar))
    else:
        pure = all(x == 0 for x in G)
    if rep.kind != ("pure" if pure else "spurious"):
        return f"classify says {rep.kind}, the tangent-space definition says {'pure' if pure else 'spurious'}"
    if rep.kind == "spurious" and rank(Wbar) >= net.bottleneck:
        return "a spurious point with rk W̄ = r"
    return None


def gen_reparam(rng, exact=True, max_depth=3, max_width=3):
    """A random instance (a dict) of ``purity_depends_on_image``."""
    widths = _architecture(rng, 2, max_depth, max_width, max_params=24)
    d0, dh, r = widths[0], widths[-1], min(widths)
    for _ in range(100):  # a second architecture with the same (d_0, d_h, r)
        other = _architecture(rng, 2, max_depth, max_width + 1, max_params=30)
        other = (d0,) + other[1:-1] + (dh,)
        if min(other) == r:
            break
    else:
        other = widths
    s = _ri(rng, 0, r)
    inst = _critical_instance(rng, widths, s, rng.random() < 0.7)
    inst["other_widths"] = other
    inst["other_theta"] = _factor(other, inst["C"], inst["R"], _mixers(rng, other))
    return inst


@statement("purity_depends_on_image", section="§2", reference="TKB2020", generate=gen_reparam)
def check_reparam(inst):
    r"""Pure points depend only on M_r.

    .. math::

        \theta \in \operatorname{Crit}(L) \text{ pure} \iff \bar W \in
        \operatorname{Crit}(\ell|_{\mathcal M_r})\ \text{(independent of the architecture with the same } d_0, d_h, r)

    Routes: classify on one architecture vs on another with the same (d_0, d_h, r), through the same W̄.
    """
    a = _classified(inst)[3]
    b = _classified(inst, "other_widths", "other_theta")[3]
    if not (a.is_critical and b.is_critical):
        return f"constructed points are not both critical: {a.is_critical}, {b.is_critical}"
    if a.kind != b.kind:
        return f"same W̄ and M_r but kinds differ: {a.kind} on {inst['widths']} vs {b.kind} on {inst['other_widths']}"
    return None
