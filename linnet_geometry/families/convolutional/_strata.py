"""Stride-1 critical points by root-sharing pattern: many small systems instead of one large one.

When every stretching offset is 1 (strides ``s_1 = ⋯ = s_{L−1} = 1``; ``s_L`` does not stretch
anything) the end-to-end filter is the product of the layer filters, ``w̄ = w_1 ⋯ w_L``, read as
binary forms of degrees ``d_l = k_l − 1`` (KMMT2022).  KMST2024 describe the critical points of
``L = ℓ ∘ μ`` through the roots that the layers share; this module turns that description into an
exact, complete solver.

Patterns
--------
Write every root ``a ∈ ℙ¹`` of ``w̄`` with its *layer vector* ``v(a) = (mult_a w_1, …, mult_a w_L)``.
Roots with the same vector are collected in one squarefree binary form ``P_v`` of degree ``n_v``;
the forms of different vectors are coprime, and ``Σ_v n_v v = (d_1, …, d_L)``.  This *pattern*
``{v: n_v}`` is the stratum of θ, and on it

    ``w_l = c_l ∏_v P_v^{v_l}``,   ``w̄ = c ∏_v P_v^{|v|}``   (``|v| = Σ_l v_l``, ``c = ∏ c_l``).

The criterion (exact, at every point of the stratum)
---------------------------------------------------
``∂L/∂w_{l,j} = ⟨G, t^j · w̄/w_l⟩`` with ``G = ∇ℓ(w̄)``, so ``im dμ(θ) = Σ_l (w̄/w_l)·Pol_{d_l}``.
By partial fractions, ``Σ_l g_l/w_l`` (``deg g_l ≤ d_l``) is exactly a constant plus every principal
part of order ``≤ e_a = max_l mult_a w_l`` at each root a, hence

    ``im dμ(θ) = γ · Pol_{D − deg γ}``,   ``γ = ∏_v P_v^{|v| − max v}``,   ``D = Σ d_l``,

and θ is critical iff ``⟨G, t^j γ⟩ = 0`` for ``j = 0, …, D − deg γ``.  For generic data only vectors
with entries 0/1 (no layer with a double root) give solutions, and then this says that w̄ is a
critical point of ℓ on the multiple-root locus of its root multiplicities (KMST2024).

Completeness and no double counting
-----------------------------------
Each pattern's system (the unknowns: the coefficients of the ``P_v`` with the first non-zero one
equal to 1, and ``c ≠ 0``) is solved exactly.  Every solution is a critical point, also where the
``P_v`` degenerate (then the true γ is a multiple of the pattern's, so the pattern's equations are
stronger than criticality); a component is kept iff ``∏_v P_v`` is squarefree as a binary form
(an exact zero test of its discriminant modulo the component's eliminant), i.e. iff it lies in
its own stratum.  In that stratum a root at ``t = 0`` is simple, so the *charts* are: no ``P_v``
divisible by t, or exactly one, once.  Every critical point with all filters non-zero lies in
exactly one stratum and one chart; with the first non-zero coefficient of every ``P_v`` equal to 1
the layers ``w_l, l < L`` have first non-zero coefficient 1 — the representative of the chart
route of :mod:`.critical`, so both routes give identical θ.  A positive-dimensional pattern system
makes the caller fall back to the chart route (it reports families).

The pattern also decides, exactly, what the classification would otherwise test in the number field:
``rk dμ = 1 + Σ_v n_v max v``, whether w̄ has a repeated root, which layers share a root and which are
proportional (:func:`pattern_facts`).

Layer permutations
------------------
Permuting layers of equal filter size does not change ``w̄`` (the product commutes), so it maps the
critical points of a pattern onto those of the permuted pattern, chart to chart.  One system is solved
per orbit of (pattern, chart); the others get its components with the layers permuted
(:func:`layer_symmetries`).  This saves the solves, and the permuted points lie in the *same*
number field, so their equal values are equal there exactly.

What is exact, and what is checked besides: the pattern systems are solved exactly (msolve's
parametrization is verified by exact substitution into them), the squarefree test is exact, and the
criterion above is a proof that their solutions are the critical points.  As a consistency check of
that criterion, every kept component is also substituted into the full gradient ``∇L`` modulo three
62-bit primes (a non-zero image would be a contradiction, and raises); over ℚ this substitution
costs more than the whole solve on components of degree ≳ 50, whose coordinates have thousands of
digits.

The sizes: for k = (3, 3, 3) and generic data the 66 patterns give 16 non-empty systems of
degrees 39 … 256 (total 2385, the generic ED degree of the Segre variety ℙ² × ℙ² × ℙ², SHA2024),
solved in about a minute over ℚ, where the chart route's single system of degree 2385 is out of
reach.
"""

from __future__ import annotations

import itertools

import flint
import numpy as np
import sympy

from ...exceptions import InputTypeError
from ._algebra import binary_discriminant, evaluate_terms
from ._solve import _verify, solve_system

__all__ = ["is_product_network", "sharing_patterns", "pattern_label", "layer_symmetries", "differential_rank",
           "pattern_facts", "permuted_pattern", "stratified_critical_points", "symmetric_images"]


def is_product_network(prob) -> bool:
    """True when no layer is stretched (``s_1 = ⋯ = s_{L−1} = 1``): ``w̄ = w_1 ⋯ w_L``."""
    return all(S == 1 for S in prob.stretched_offsets())


def sharing_patterns(degrees):
    """Every pattern ``((v, n_v), …)`` with ``Σ n_v v = degrees`` (v ≠ 0 non-negative integer vectors).

    >>> sharing_patterns((1, 1))
    [(((1, 1), 1),), (((0, 1), 1), ((1, 0), 1))]
    >>> len(sharing_patterns((2, 2, 2)))
    66
    """
    if isinstance(degrees, (str, bytes)) or not all(isinstance(d, (int, np.integer)) and d >= 0 for d in degrees):
        raise InputTypeError(f"degrees: expected non-negative integers (the layer degrees k_l - 1); received "
                             f"{degrees!r:.80}")
    degrees = tuple(int(d) for d in degrees)
    vecs = [v for v in itertools.product(*[range(d + 1) for d in degrees]) if any(v)]
    out = []

    def rec(i, rem, acc):
        if not any(rem):
            out.append(tuple(acc))
            return
        if i == len(vecs):
            return
        v = vecs[i]
        n = 0
        while all(r - n * a >= 0 for r, a in zip(rem, v)):
            rec(i + 1, [r - n * a for r, a in zip(rem, v)], acc + ([(v, n)] if n else []))
            n += 1

    rec(0, list(degrees), [])
    return out


def pattern_label(pattern) -> str:
    """Human-readable pattern: how many roots each set of layers shares (1-based layers; ``l^e``: the
    root has multiplicity e in layer l).  Roots shared by more layers come first.

    >>> pattern_label((((0, 1, 1), 1), ((1, 0, 0), 2)))
    '1 root in layers 2,3; 2 roots in layer 1'
    >>> pattern_label((((0, 0, 2), 1), ((1, 1, 0), 1)))
    '1 root in layers 1,2; 1 root in layer 3^2'
    """
    parts = []
    for v, n in sorted(pattern, key=lambda vn: (-sum(1 for e in vn[0] if e), -sum(vn[0]), tuple(-e for e in vn[0]))):
        where = ",".join(f"{l + 1}" + (f"^{e}" if e > 1 else "") for l, e in enumerate(v) if e)
        parts.append(f"{n} root{'s' if n > 1 else ''} in layer{'s' if sum(1 for e in v if e) > 1 else ''} {where}")
    return "; ".join(parts) if parts else "no roots"


def _mul(a, b, mul, zero):
    out = [zero] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] = out[i + j] + mul(x, y)
    return out


def _power(a, e, mul, one, zero):
    out = [one]
    for _ in range(e):
        out = _mul(out, a, mul, zero)
    return out


def _forms(pattern, at_zero):
    """Coefficient lists (low degree first) of the P_v in a chart, and their unknowns."""
    forms, unknowns = [], []
    for (v, n), j0 in zip(pattern, at_zero):
        coeffs = []
        for j in range(n + 1):
            if j < j0:
                coeffs.append(sympy.Integer(0))
            elif j == j0:
                coeffs.append(sympy.Integer(1))
            else:
                s = sympy.Symbol(f"p{''.join(map(str, v))}_{j}")
                unknowns.append(s)
                coeffs.append(s)
        forms.append(coeffs)
    return forms, unknowns


def _pattern_system(prob, pattern, at_zero):
    """Equations ⟨∇ℓ(w̄), t^j γ⟩ = 0 (and c·t_c = 1), unknowns, layer coefficient lists, forms."""
    sym_mul = lambda a, b: a * b  # noqa: E731
    one, zero = sympy.Integer(1), sympy.Integer(0)
    forms, unknowns = _forms(pattern, at_zero)
    c, tc = sympy.Symbol("c_scale"), sympy.Symbol("t_scale")
    wbar, gamma = [c], [one]
    for (v, _n), P in zip(pattern, forms):
        wbar = _mul(wbar, _power(P, sum(v), sym_mul, one, zero), sym_mul, zero)
        gamma = _mul(gamma, _power(P, sum(v) - max(v), sym_mul, one, zero), sym_mul, zero)
    wbar = [sympy.expand(x) for x in wbar]
    sub = dict(zip(prob.u, wbar))
    G = [sympy.expand(gf.xreplace(sub)) for gf in prob.grad_f]
    eqs = []
    for j in range(len(wbar) - len(gamma) + 1):
        eqs.append(sympy.expand(sum(G[j + n] * gamma[n] for n in range(len(gamma)))))
    eqs.append(c * tc - 1)
    return eqs, unknowns + [c, tc], forms, c


def _squarefree_test(forms, unknowns):
    """Evaluator terms of the binary discriminant of ∏ P_v (None when its degree is < 2)."""
    r = sum(len(P) - 1 for P in forms)
    if r < 2:
        return None
    names = tuple(str(u) for u in unknowns) + ("t_",)
    ctx = flint.fmpz_mpoly_ctx.get(names, "lex")
    gens, t = ctx.gens()[:-1], ctx.gens()[-1]
    index = {u: gens[i] for i, u in enumerate(unknowns)}
    R = ctx.from_dict({(0,) * len(names): 1})
    for P in forms:
        R = R * sum(((index[x] if x in index else int(x)) * t ** j for j, x in enumerate(P)), ctx.from_dict({}))
    lead = sum((ctx.from_dict({m[:-1] + (0,): c}) for m, c in R.to_dict().items() if m[-1] == r), ctx.from_dict({}))
    D = binary_discriminant(R, "t_", lead)
    return [(tuple(m[:-1]), flint.fmpq(int(cf))) for m, cf in D.to_dict().items()]


#: word-size primes for the modular non-vanishing certificate of :func:`_vanishes_on`
_PRIMES = (4611686018427387847, 4611686018427387817, 4611686018427387787)


def _images_mod(polys, xs, q, p):
    """The images of ``Σ c·x^m`` (each of ``polys``, as terms) at ``x = xs`` in ``GF(p)[z]/(q mod p)``, or None
    when p divides a denominator or q's leading coefficient (reduction is then not a ring map)."""
    from ...exact.modular import reduce_mod

    try:
        qp = reduce_mod(q, p)
        xp = [reduce_mod(x, p, keep_degree=False) for x in xs]
    except ZeroDivisionError:
        return None
    if any(c.q % p == 0 for terms in polys for _m, c in terms):
        return None
    cache, one = {}, flint.nmod_poly([1], p)
    return [evaluate_terms([(m, flint.nmod(int(c.p), p) / int(c.q)) for m, c in terms], xp,
                           lambda a, b: (a * b) % qp, cache, one) % qp for terms in polys]


def _vanishes_on(terms, xs, q):
    """Whether ``Σ c·x^m`` (``terms``) is zero in ``ℚ[z]/(q)`` at ``x = xs`` (exact).

    A non-zero image modulo a prime p (not dividing a denominator nor q's leading coefficient) proves
    the element non-zero: reduction is a ring map ``ℤ_(p)[z]/(q) → GF(p)[z]/(q mod p)``.  The images
    cost word-size arithmetic; the coefficients of the xs over ℚ have thousands of digits on large
    components.  Only an element that is zero modulo every prime tried is evaluated over ℚ.
    """
    for p in _PRIMES:
        image = _images_mod([terms], xs, q, p)
        if image is not None and not image[0].is_zero():
            return False
    val = evaluate_terms(terms, xs, lambda a, b: (a * b) % q, {}, flint.fmpq_poly([1]))
    return (val % q).is_zero()


def _check_gradient(prob, kept, label):
    """∇L on every kept component, modulo word-size primes (see :func:`stratified_critical_points`)."""
    grads = [prob.ev(("grad", i), prob.grad[i]).terms for i in range(prob.n)]
    for q, g in kept:
        checked = False
        for p in _PRIMES:
            images = _images_mod(grads, g, q, p)
            if images is None:
                continue
            checked = True
            if not all(x.is_zero() for x in images):
                raise ArithmeticError(f"pattern {label}: a component does not satisfy ∇L = 0 (modulo {p}); this "
                                      "contradicts the stride-1 criterion (please report)")
        if not checked:   # every prime divides a denominator: check over ℚ
            if not _verify(prob.grad, prob.flat, [(q, dict(zip(prob.flat, g)))]):
                raise ArithmeticError(f"pattern {label}: a component does not satisfy ∇L = 0; this contradicts "
                                      "the stride-1 criterion (please report)")


def _component_layers(prob, pattern, forms, unknowns, c, q, coords):
    """The layer coefficients of θ on a component ``(q, {unknown: g mod q})``, as fmpq_poly mod q."""
    mul = lambda a, b: (a * b) % q  # noqa: E731
    one, zero = flint.fmpq_poly([1]), flint.fmpq_poly([])

    def value(x):
        return coords[x] if x in coords else flint.fmpq_poly([int(x)])

    P_mod = [[value(x) for x in P] for P in forms]
    layers = []
    for l in range(prob.depth):
        w = [one]
        for (v, _n), P in zip(pattern, P_mod):
            w = _mul(w, _power(P, v[l], mul, one, zero), mul, zero)
        if l == prob.depth - 1:
            w = [mul(x, coords[c]) for x in w]
        layers.extend(w)
    return layers


def stratified_critical_points(prob, engine="auto", timeout=3600.0):
    """Components of all critical points with every filter non-zero, pattern by pattern (see the module doc).

    Returns
    -------
    found : list or None
        ``(pattern, chart, engine, [(q, [θ coordinate mod q, …]), …])`` for every pattern chart that
        kept a component (``chart``: index of the first non-zero coefficient of each layer); None
        when a pattern system is positive-dimensional (the caller then uses the chart route).
    systems : int
        Number of systems solved.
    engines : list of str
        The engine that answered each system.

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
    >>> from linnet_geometry.families.convolutional.critical import ConvolutionalProblem
    >>> prob = ConvolutionalProblem(ConvolutionalNetwork((2, 2)), QuadraticLoss([[1, 0, 1]]))
    >>> found, systems, _ = stratified_critical_points(prob, engine="sympy")
    >>> [(pattern_label(p), chart, sum(q.degree() for q, _g in comps)) for p, chart, _e, comps in found]
    [('1 root in layers 1,2', (0, 0), 3), ('1 root in layers 1,2', (1, 1), 1), ('1 root in layer 1; 1 root in layer 2', (0, 0), 2)]

    The target ``1 + t²`` is itself a product with roots ``±i``: two complex factorizations (no real
    one), and four critical points with a repeated filter (one of them, ``w̄ = t²``, in the chart with
    the double root at ``t = 0``) — 6, the generic ED degree of ℙ¹ × ℙ¹ (SHA2024).
    """
    if not is_product_network(prob):
        raise ValueError("the stratified route needs s_1 = ... = s_{L-1} = 1 (no stretched layer)")
    perms = layer_symmetries(prob.sizes)
    out, systems, engines, images = [], 0, [], {}
    for pattern in sharing_patterns([k - 1 for k in prob.sizes]):
        for zero_at in [None] + list(range(len(pattern))):
            if (pattern, zero_at) in images:   # a layer permutation of a system solved before
                out.extend(images.pop((pattern, zero_at)))
                continue
            at_zero = [1 if i == zero_at else 0 for i in range(len(pattern))]
            eqs, unknowns, forms, c = _pattern_system(prob, pattern, at_zero)
            sol = solve_system(eqs, unknowns, engine=engine, timeout=timeout)
            systems += 1
            engines.append(sol.engine)
            moves = []   # every image (pattern', chart') of this system is solved by it: none is solved again
            for perm in _distinct_images(pattern, perms):
                moved = permuted_pattern(pattern, perm)
                canonical = tuple(sorted(moved))
                z = None if zero_at is None else canonical.index(moved[zero_at])
                moves.append((moved, canonical, z))
                if (canonical, z) != (pattern, zero_at):
                    images[canonical, z] = []
            if sol.dimension < 0:
                continue
            if sol.dimension > 0:
                return None, systems, engines
            disc = _squarefree_test(forms, unknowns)
            comps = [(q, coords) for q, coords in sol.components
                     if disc is None or not _vanishes_on(disc, [coords[u] for u in unknowns], q)]
            # (a degenerate point is dropped: it is found, once, in its own stratum)
            for moved, canonical, z in moves:
                kept = [(q, _component_layers(prob, moved, forms, unknowns, c, q, coords)) for q, coords in comps]
                if not kept:
                    continue
                _check_gradient(prob, kept, pattern_label(canonical))
                chart = tuple(sum(v[l] * j for (v, _n), j in zip(moved, at_zero)) for l in range(prob.depth))
                entry = (canonical, chart, sol.engine, kept)
                (out if (canonical, z) == (pattern, zero_at) else images[canonical, z]).append(entry)
    return out, systems, engines


def differential_rank(pattern) -> int:
    """``rk dμ(θ) = 1 + Σ_v n_v · max v`` at every point θ of the pattern (exact).

    ``im dμ(θ) = γ · Pol_{D − deg γ}`` (module docstring) has dimension ``D − deg γ + 1`` with
    ``D = Σ_v n_v |v|`` and ``deg γ = Σ_v n_v (|v| − max v)``.  It is the full ``D + 1`` iff no two
    layers share a root (a multiple root of one layer alone keeps it full).

    >>> differential_rank((((1, 1), 1),)), differential_rank((((0, 1), 1), ((1, 0), 1)))
    (2, 3)
    """
    return 1 + sum(n * max(v) for v, n in pattern)


def pattern_facts(pattern, depth):
    """What the pattern decides exactly at each of its points (the ``∏ P_v`` are squarefree and coprime):

    * ``drank``: :func:`differential_rank`;
    * ``rep_root``: w̄ = c ∏ P_v^{|v|} has a repeated root in ℙ¹ iff some ``|v| ≥ 2``;
    * ``shared``: layers l < m share a root iff some v has ``v_l, v_m > 0`` (1-based pairs);
    * ``repeated``: layers are proportional iff their columns ``(v_l)_v`` are equal (classes of ≥ 2
      layers, 1-based, ordered by their first layer).

    >>> pattern_facts((((0, 1, 1), 1), ((1, 0, 0), 1)), 3)
    {'drank': 3, 'rep_root': True, 'shared': ((2, 3),), 'repeated': ((2, 3),)}
    """
    cols = [tuple(v[l] for v, _n in pattern) for l in range(depth)]
    shared = tuple((l + 1, m + 1) for l in range(depth) for m in range(l + 1, depth)
                   if any(v[l] and v[m] for v, _n in pattern))
    classes = {}
    for l, col in enumerate(cols):
        classes.setdefault(col, []).append(l + 1)
    repeated = tuple(sorted(tuple(c) for c in classes.values() if len(c) > 1))
    return {"drank": differential_rank(pattern), "rep_root": any(sum(v) >= 2 for v, _n in pattern),
            "shared": shared, "repeated": repeated}


def layer_symmetries(sizes):
    """The permutations of the layers that keep every filter size (``perm[l]``: the layer moved to l).

    With no stretched layer ``w̄ = w_1 ⋯ w_L`` is a commutative product, so ``L`` is invariant
    under them; the pattern route solves one system per orbit and permutes its solutions.

    >>> layer_symmetries((3, 2, 3))
    [(0, 1, 2), (2, 1, 0)]
    """
    sizes = tuple(sizes)
    L = len(sizes)
    return [p for p in itertools.permutations(range(L)) if all(sizes[p[l]] == sizes[l] for l in range(L))]


def permuted_pattern(pattern, perm):
    """The entries ``(v, n)`` of ``pattern`` with layer l ← layer perm[l], in the pattern's order; ``sorted`` of it
    is the permuted pattern as :func:`sharing_patterns` lists it.

    >>> permuted_pattern((((0, 1), 1), ((1, 1), 1)), (1, 0))
    [((1, 0), 1), ((1, 1), 1)]
    """
    return [(tuple(v[perm[l]] for l in range(len(perm))), n) for v, n in pattern]


def _distinct_images(pattern, perms):
    """One permutation per distinct image of ``pattern`` (the identity first)."""
    seen, out = set(), []
    for perm in perms:
        image = tuple(sorted(permuted_pattern(pattern, perm)))
        if image not in seen:
            seen.add(image)
            out.append(perm)
    return out


def _permuted_balls(balls, sizes, chart, perm):
    """θ (balls) with layer l ← layer perm[l], rescaled to the chart representative (every layer but the last
    with its chart coefficient 1, the scale in the last)."""
    starts = [sum(sizes[:l]) for l in range(len(sizes) + 1)]
    moved = [list(balls[starts[perm[l]]:starts[perm[l] + 1]]) for l in range(len(sizes))]
    scale = flint.arb(1)
    for l in range(len(sizes) - 1):
        lead = moved[l][chart[l]]
        scale *= lead
        moved[l] = [x / lead for x in moved[l]]
    moved[-1] = [x * scale for x in moved[-1]]
    return [x for w in moved for x in w]


def symmetric_images(prob, pattern, chart, points, prec=128):
    """``{j: i}``: the real point j of one pattern chart is a layer permutation of the point i < j (certified).

    ``points``: ``(K, coordinates)`` of *every* real point of the pattern chart (all its kept components).
    A permutation of equal-size layers that maps the pattern and the chart to themselves maps a solution
    of the pattern chart's system to a solution of the same system, real to real; so when the balls of the
    permuted point meet the balls of exactly one real point j, it *is* j.  Then ``L(θ_j) = L(θ_i)``
    exactly (L is invariant), though θ_i and θ_j may be different real roots of one q.
    """
    d = prob.depth
    perms = [p for p in layer_symmetries(prob.sizes) if p != tuple(range(d))
             and tuple(sorted(permuted_pattern(pattern, p))) == tuple(pattern)
             and tuple(chart[p[l]] for l in range(d)) == tuple(chart)]
    if not perms or len(points) < 2:
        return {}
    balls = [[K.ball(x, prec) for x in coords] for K, coords in points]
    rep = {}
    for i, b in enumerate(balls):
        for perm in perms:
            image = _permuted_balls(b, prob.sizes, chart, perm)
            hits = [j for j, c in enumerate(balls) if all(x.overlaps(y) for x, y in zip(image, c))]
            if len(hits) == 1 and hits[0] != i and hits[0] not in rep:
                rep[hits[0]] = rep.get(i, i)
    return {j: i for j, i in rep.items() if j > i}
