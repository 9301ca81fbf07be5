"""Statements of THEORY §5: symmetry-induced critical subspaces of two-layer networks (SGJ2021).

Registered keys (in this order): ``sgj_T_closed_form``, ``sgj_G_closed_form``,
``sgj_one_neuron_connects``; they check :mod:`linnet_geometry.families.symmetry`.

Generators ``gen_*`` and checks ``check_*`` follow the contract of
:func:`~linnet_geometry.verification.theorems.registry.register`; the package's Examples draw and check
an instance of each topic module.
"""

from __future__ import annotations

import math

import numpy as np

from ...families import symmetry as sym
from .instances import _ri
from .registry import statement

__all__ = [
    "gen_sgj_T",
    "check_sgj_T",
    "gen_sgj_G",
    "check_sgj_G",
    "gen_sgj_connect",
    "check_sgj_connect",
]


def gen_sgj_T(rng, exact=True, max_teacher=3, max_extra=2):
    """A random instance (a dict) of ``sgj_T_closed_form``."""
    r = _ri(rng, 1, max_teacher)
    h = _ri(rng, 0, max_extra if r < 3 else 1)
    return {"r_star": r, "m": r + h, "input_dim": _ri(rng, 1, 3),
            "convention": "group" if rng.random() < 0.5 else "single", "_seed": _ri(rng, 0, 10**6)}


@statement("sgj_T_closed_form", section="§5", reference="SGJ2021", generate=gen_sgj_T)
def check_sgj_T(inst):
    r"""T(r*, m): zero-loss pieces.

    .. math::

        T(r^*, m) = \sum_{k=r^*}^{m} S(m,k)\frac{k!}{(k-r^*)!},\ T_{\rm single} = r^*!\,S(m+1, r^*+1)

    Routes: Stirling closed forms vs enumeration of set partitions, and same_function on a sampled point.
    """
    r, m, d, conv = inst["r_star"], inst["m"], inst["input_dim"], inst["convention"]
    teacher = sym.example_teacher(r, d)
    pieces = list(sym.global_minimum_subspaces(teacher, m, conv))
    closed = sym.T(r, m, conv)
    if len(pieces) != closed:
        return f"enumeration gives {len(pieces)} pieces, closed form T = {closed}"
    if m == r + 1 and closed != math.factorial(r + 1) * (r + 2) // 2:
        return f"T(r*, r*+1) = {closed} != (r*+1)!(r*+2)/2"
    dims = {}
    for P in pieces:
        dims[P.dimension] = dims.get(P.dimension, 0) + 1
    by_dim = sym.T_by_dimension(r, m, d, convention=conv)
    if dims != by_dim:
        return f"piece dimensions {dims} != closed form {by_dim}"
    if pieces and min(dims) != (m - r):
        return f"minimal piece dimension {min(dims)} != h = {m - r}"
    P = pieces[_ri(np.random.default_rng(inst["_seed"]), 0, len(pieces) - 1)]
    if not sym.same_function(P.sample(seed=inst["_seed"]), teacher):
        return f"a point of piece {P} does not compute the teacher function"
    return None


def gen_sgj_G(rng, exact=True, max_width=3, max_extra=2):
    """A random instance (a dict) of ``sgj_G_closed_form``."""
    r = _ri(rng, 1, max_width)
    d = _ri(rng, 1, 2)
    while True:
        W = [[_ri(rng, -3, 3) for _ in range(d)] for _ in range(r)]
        if len({tuple(w) for w in W}) == r:
            break
    a = [_ri(rng, 1, 4) * (1 if rng.random() < 0.5 else -1) for _ in range(r)]
    return {"r": r, "m": r + _ri(rng, 0, max_extra), "incoming": W, "outgoing": a, "_seed": _ri(rng, 0, 10**6)}


@statement("sgj_G_closed_form", section="§5", reference="SGJ2021", generate=gen_sgj_G)
def check_sgj_G(inst):
    r"""G(r, m): split subspaces.

    .. math::

        G(r, m) = r!\,S(m, r) \text{ affine subspaces of dimension } m - r

    Routes: closed form vs enumeration of surjections, and same_function on a sampled point.
    """
    net = sym.TwoLayerNetwork(inst["incoming"], inst["outgoing"], "g")
    r, m = inst["r"], inst["m"]
    subs = list(sym.symmetry_induced_subspaces(net, m))
    if len(subs) != sym.G(r, m):
        return f"enumeration gives {len(subs)} split subspaces, closed form G = r! S(m, r) = {sym.G(r, m)}"
    if sym.G(r, m) != math.factorial(r) * sym.stirling2(m, r):
        return "G(r, m) != r! S(m, r)"
    for S in subs:
        if S.dimension != m - r:
            return f"split subspace {S} has dimension {S.dimension}; expected m − r = {m - r}"
    S = subs[_ri(np.random.default_rng(inst["_seed"]), 0, len(subs) - 1)]
    if not sym.same_function(S.sample(seed=inst["_seed"]), net):
        return f"a point of {S} does not compute the same function as the critical point"
    return None


def gen_sgj_connect(rng, exact=True, max_teacher=3):
    """A random instance (a dict) of ``sgj_one_neuron_connects``."""
    return {"r_star": _ri(rng, 1, max_teacher), "input_dim": _ri(rng, 1, 2),
            "convention": "group" if rng.random() < 0.5 else "single"}


@statement("sgj_one_neuron_connects", section="§5", reference="SGJ2021", generate=gen_sgj_connect)
def check_sgj_connect(inst):
    r"""One extra neuron connects the r*! minima.

    .. math::

        m = r^*+1:\ \text{the } r^*! \text{ permuted minima lie in one connected component}

    Routes: intersection graph by exact linear algebra vs the combinatorial rule, and its connectivity.
    """
    r, d, conv = inst["r_star"], inst["input_dim"], inst["convention"]
    teacher = sym.example_teacher(r, d)
    g1 = sym.connectivity_graph(teacher, r + 1, conv, "linear_algebra", progress=False)
    g2 = sym.connectivity_graph(teacher, r + 1, conv, "combinatorial", progress=False)
    e1 = {(min(u, v), max(u, v)): dd["intersection_dimension"] for u, v, dd in g1.edges(data=True)}
    e2 = {(min(u, v), max(u, v)): dd["intersection_dimension"] for u, v, dd in g2.edges(data=True)}
    if e1 != e2:
        return f"linear-algebra and combinatorial intersection graphs differ ({len(e1)} vs {len(e2)} edges)"
    summary = sym.connectivity_summary(g1)
    if not summary.permutations_connected or summary.permutations_found != math.factorial(r):
        return f"the {math.factorial(r)} permuted minima are not all connected at m = r*+1: {summary}"
    return None
