"""Critical points of ``L = ℓ ∘ μ`` on a linear convolutional network, exactly (KMMT2022, KMST2024).

Setting
-------
Filters ``w_l ∈ ℝ^{k_l}``, strides ``s_l``; the end-to-end filter is
``w̄(t) = w_L(t^{S_{L−1}}) ⋯ w_2(t^{s_1}) w_1(t)`` (``S_l = s_1⋯s_l``) and the
end-to-end matrix ``T(w̄) = network.end_to_end(θ)`` is its convolution
(Toeplitz) matrix.  A loss ℓ on that matrix (:class:`~linnet_geometry.QuadraticLoss`
and ``.from_data``, :class:`~linnet_geometry.WeightedQuadraticLoss`,
:class:`~linnet_geometry.PolynomialLoss`, ...) becomes a polynomial
``f(w̄) = ℓ(T(w̄))`` on filters, and ``L(θ) = f(μ(θ))``.

The scaling symmetry and the charts (exact, nothing lost)
---------------------------------------------------------
``L`` is invariant under ``(w_1, …, w_L) ↦ (c_1 w_1, …, c_L w_L)``, ``∏ c_l = 1``.
Critical points are split by the set Z of zero filters:

* **Z = ∅** (all filters non-zero, so ``w̄ ≠ 0``).  The torus acts freely; the
  representative has the *first non-zero coefficient of each of* ``w_1, …, w_{L−1}``
  *equal to 1*.  Chart ``(j_1, …, j_L)``: ``w_{l,j} = 0`` for ``j < j_l``,
  ``w_{l,j_l} = 1`` for ``l < L`` and ``w_{L,j_L} ≠ 0`` (Rabinowitsch variable).
  The ``∏ k_l`` charts are disjoint and cover every complex point with Z = ∅,
  each torus orbit exactly once.  In a chart *all* ``Σ k_l`` partial derivatives
  of L are imposed (the fixed coordinates are not free directions).  Over ℂ the
  fibres of μ over ``w̄ ≠ 0`` are finite modulo the torus (unique factorization),
  so for generic data every chart system is zero-dimensional; a positive-dimensional
  chart is reported as a family (its dimension and real sample points on random
  rational slices).
* **Z ≠ ∅** (``w̄ = 0``, value ``ℓ(0)``).  ``|Z| ≥ 2``: every such θ is critical
  (each partial derivative contains a zero filter) — a family of dimension
  ``Σ_{l∉Z} k_l``.  ``|Z| = {z}``: θ is critical iff the correlation of
  ``g = ∇f(0)`` with the product of the other (stretched) filters vanishes at the
  ``k_z`` shifts of layer z — a multi-homogeneous system in the other filters,
  solved in the same charts; its solution set is reported with its dimension.

Stride one: root-sharing patterns (the default there)
------------------------------------------------------
When no layer is stretched (``s_1 = ⋯ = s_{L−1} = 1``) the points with Z = ∅ are computed by
:mod:`._strata` instead: one small system per pattern of roots shared by the layers (KMST2024),
with the same representatives as the charts above (``method="charts"`` forces the charts; a
positive-dimensional pattern system falls back to them).

Kinds (the convention, THEORY §2 extended to filters)
-----------------------------------------------------
θ critical, ``w̄ = μ(θ)``, ``G = ∇f(w̄)``, ``M`` the function space of dimension
``Σ k_l − L + 1`` (KMST2024).

* ``rk dμ(θ) = dim M`` (θ is not a critical point of μ): ``im dμ(θ)`` is the
  tangent space of M at w̄ along the branch through θ and ``∇L = dμᵀG = 0`` says G
  is normal to it: **pure**.
* ``rk dμ(θ) < dim M`` (θ is a critical point of μ) or ``w̄ = 0``: w̄ is treated as
  a non-smooth point and, as for dense networks, θ is **pure iff G = 0**.  For
  stride 1 this is the definition itself: M is full-dimensional (its Zariski
  closure is all of ``ℝ^{k̄}``, KMMT2022), so at interior smooth points its tangent
  space is everything and "critical on M" means ``G = 0``.

``on_boundary`` is decided by the function space's exact test
(``network.function_space.is_on_boundary``) when available.

Roles
-----
From the exact Hessian inertia of L at θ (characteristic polynomial over the number
field of the point, Descartes' rule): a negative eigenvalue gives a *strict saddle*;
``G = 0`` with ℓ convex gives a *global minimum*; a positive semidefinite Hessian whose
kernel is exactly the tangent space of the torus orbit (nullity L − 1) gives a
*local minimum*, which the locus calls global when its value is the least real critical
value and the minimum of L is attained (ℓ coercive and M closed), a *bad local
minimum* (``"local_min"``) when a lower critical value exists; a positive
semidefinite Hessian at ``w̄ = 0`` with an exact descent curve
``L(θ + εθ') = L(θ) + ε^{|Z|}⟨G, μ(θ'_Z, θ_{rest})⟩ + …`` is a *non-strict saddle*;
anything else is *undetermined*.
"""

from __future__ import annotations

import itertools

import flint
import numpy as np
import sympy

from ...critical.general import loss_polynomial
from ...exceptions import ExactInputRequiredError, InputTypeError, ShapeError
from ...model.losses import Loss
from ._algebra import (RealAlgebraicField, _fq, binary_discriminant, evaluate_terms, isolated_roots, real_root_counts,
                       squarefree_parts)
from ._linalg import (ball_inertia, ball_rank_lower_bound, inertia_from_pivots, rank,
                      symmetric_pivots)
from ._points import PointBalls, promote_minima, repeated_filters, share_values, shared_roots
from ._solve import _exact_dimension, _rational_slice, _real_points, solve_system
from ._strata import (is_product_network, pattern_facts, pattern_label, stratified_critical_points,
                      symmetric_images)
from .results import (ComponentValues, ConvolutionalCriticalFamily, ConvolutionalCriticalLocus, ConvolutionalCriticalPoint,
                      ConvolutionalPointReport)

__all__ = ["convolutional_critical_points", "classify_convolutional", "ConvolutionalProblem"]
# the result types (ConvolutionalCriticalLocus, ...) live in .results and are importable from here too

#: Seconds granted to an external engine per system.
TIMEOUT = 3600.0


# ----------------------------------------------------------------------------- the problem
def _is_conv(network) -> bool:
    from .network import ConvolutionalNetwork

    return isinstance(network, ConvolutionalNetwork)


class _Evaluator:
    """Evaluate a sympy polynomial at a point with coordinates in a number field (exactly)."""

    def __init__(self, expr, gens):
        P = sympy.Poly(sympy.expand(expr), *gens, domain="QQ")
        self.terms = [(m, flint.fmpq(int(c.numerator), int(c.denominator))) for m, c in P.terms()]

    @classmethod
    def from_terms(cls, terms):
        """From ``{exponent tuple: integer coefficient}`` (e.g. a FLINT ``fmpz_mpoly.to_dict()``)."""
        self = cls.__new__(cls)
        self.terms = [(tuple(m), flint.fmpq(int(c))) for m, c in terms.items()]
        return self

    def __call__(self, K, values, cache):
        """The value at ``values`` (elements of K); ``cache`` holds monomial values shared between calls."""
        return K.reduce(evaluate_terms(self.terms, values, K.mul, cache, flint.fmpq_poly([1])))


class ConvolutionalProblem:
    """Everything symbolic about ``(network, loss)``, built once (validated on construction).

    Attributes: ``network``, ``loss``, ``sizes``, ``strides``, ``depth``, ``layers`` (filter symbols),
    ``flat`` (all parameters), ``mu`` (end-to-end filter coefficients, KMMT2022), ``kbar`` (its length),
    and the loss ``L(θ) = ℓ(μ(θ))`` with its gradient as sympy expressions.
    """

    def __init__(self, network, loss):
        _validate(network, loss)
        self.network, self.loss = network, loss
        self.sizes = tuple(network.filter_sizes)
        self.strides = tuple(network.strides)
        self.depth = len(self.sizes)
        self.layers = [list(w) for w in network.symbols()]
        self.flat = [v for w in self.layers for v in w]
        self.mu = [sympy.expand(c) for c in network.parameterization()]
        self.kbar = len(self.mu)
        T = network.end_to_end(tuple(tuple(w) for w in self.layers))
        self.L = loss_polynomial(loss, T)
        self.grad = [sympy.expand(sympy.diff(self.L, v)) for v in self.flat]
        # f(u) = ℓ(T(u)) on filters: each entry of T is 0 or one coefficient μ_n
        self.u = list(sympy.symbols(f"u0:{self.kbar}"))
        index = {c: n for n, c in enumerate(self.mu)}
        Tu = T.applyfunc(lambda e: 0 if e == 0 else self.u[index[sympy.expand(e)]])
        self.f = loss_polynomial(loss, Tu)
        self.grad_f = [sympy.expand(sympy.diff(self.f, u)) for u in self.u]
        self.g0 = [gf.subs({u: 0 for u in self.u}) for gf in self.grad_f]
        self.f0 = self.f.subs({u: 0 for u in self.u})
        fs = getattr(network, "function_space", None)
        self.function_space = fs
        self.dim_M = int(getattr(fs, "dim", sum(self.sizes) - self.depth + 1))
        self.n = len(self.flat)
        self.dmu = [[sympy.diff(c, v) for v in self.flat] for c in self.mu]
        self.hess = [[sympy.diff(self.grad[i], self.flat[j]) if j >= i else None for j in range(self.n)]
                     for i in range(self.n)]
        self._ev = {}
        self._invariants = {}
        self._binary = None

    # evaluators (cached)
    def ev(self, key, expr, gens=None):
        if key not in self._ev:
            self._ev[key] = _Evaluator(expr, gens or self.flat)
        return self._ev[key]

    def binary_invariants(self):
        """Discriminants and resultants of the stretched layer filters as binary forms (cached).

        The end-to-end filter is the product of the layer filters stretched by the strides before
        them, ``w̄(t) = ∏_l w_l(t^{S_l})`` (KMMT2022), all read as binary forms of their formal
        degrees ``(k_l − 1)·S_l`` (a vanishing leading coefficient is a root at ∞).  So the binary
        form w̄ has a repeated root in ℙ¹ iff some stretched layer has one (its discriminant
        vanishes) or two share one (their resultant vanishes).  Returns ``(disc, res)``: ``disc[l]``
        an evaluator of the binary discriminant of layer l (None when its degree is < 2: no
        repeated root), ``res[(l, m)]`` of the resultant of layers l < m — polynomials in the
        parameters with integer coefficients, so a zero test in a number field needs ring
        operations only (no inverses, no gcd).
        """
        if self._binary is None:
            names = tuple(str(v) for v in self.flat) + ("t_",)
            ctx = flint.fmpz_mpoly_ctx.get(names, "lex")
            gens, t = ctx.gens()[:-1], ctx.gens()[-1]
            forms, pos = [], 0
            for k, S in zip(self.sizes, self.stretched_offsets()):
                forms.append((sum((gens[pos + j] * t ** (j * S) for j in range(k)), ctx.from_dict({})),
                              (k - 1) * S, gens[pos + k - 1]))
                pos += k

            def drop_t(P):
                return _Evaluator.from_terms({m[:-1]: c for m, c in P.to_dict().items()})

            disc = []
            for a, d, lead in forms:
                if d < 2:
                    disc.append(None)
                    continue
                disc.append(drop_t(binary_discriminant(a, "t_", lead)))
            res = {(l, m): drop_t(forms[l][0].resultant(forms[m][0], "t_"))
                   for l in range(self.depth) for m in range(l + 1, self.depth)}
            self._binary = (disc, res)
        return self._binary

    def stretched_offsets(self):
        out, S = [], 1
        for l in range(self.depth):
            out.append(S)
            S *= self.strides[l]
        return out


def _validate(network, loss):
    if not _is_conv(network):
        raise InputTypeError(f"network: expected a ConvolutionalNetwork; received {type(network).__name__}")
    if not isinstance(loss, Loss):
        raise InputTypeError(f"loss: expected a Loss (QuadraticLoss, WeightedQuadraticLoss, PolynomialLoss, ...); "
                             f"received {type(loss).__name__}")
    if loss.acts_on_parameters:
        raise InputTypeError(f"loss: expected a function of the end-to-end matrix; {type(loss).__name__} acts on "
                             "parameters")
    want = (int(network.output_length), int(network.input_length))
    if tuple(loss.shape) != want:
        raise ShapeError(f"the loss acts on matrices of shape {tuple(loss.shape)}; expected {want} (output length x "
                         f"input length) for filter sizes {tuple(network.filter_sizes)}, strides "
                         f"{tuple(network.strides)}, input length {network.input_length}")
    if not loss.is_exact:
        raise ExactInputRequiredError(f"{type(loss).__name__} has float data; expected exact numbers (int, Fraction, "
                                      "sympy.Rational): the critical points are computed exactly")


# ----------------------------------------------------------------------------- results
def _invariants(prob, K, coords, known_critical=False, known=None):
    """Everything about θ that is decided by zero tests in K alone (the same at every root of K's q).

    ``known_critical``: ∇L(θ) = 0 is already proved exactly (the chart system, ∇L with the chart's
    substitutions, was verified on the component), so the gradient is not evaluated again.
    ``known``: facts decided exactly elsewhere (a stride-1 pattern: ``_strata.pattern_facts``): rk dμ
    (``drank``), ``rep_root``, ``shared``, ``repeated``.

    Cached per irreducible component (the key is q and the coordinates as polynomials mod q),
    so the real roots of one component share the exact work; embedding-dependent fast paths
    are used only where their conclusion is itself invariant (rank reaching its maximum,
    squarefreeness, disjoint roots).
    """
    key = (tuple(K.q.coeffs()), tuple(tuple(c.coeffs()) for c in coords))
    hit = prob._invariants.get(key)
    if hit is not None:
        return hit
    cache, out, known = {}, {}, known or {}
    known_rank = known.get("drank")
    out["critical"] = known_critical or all(K.is_zero(prob.ev(("g", i), prob.grad[i])(K, coords, cache))
                                            for i in range(prob.n))
    wbar = [prob.ev(("mu", n), prob.mu[n])(K, coords, cache) for n in range(prob.kbar)]
    out["wbar"] = wbar
    ucache = {}
    G = [prob.ev(("gf", n), prob.grad_f[n], prob.u)(K, wbar, ucache) for n in range(prob.kbar)]
    out["value"] = prob.ev("f", prob.f, prob.u)(K, wbar, ucache)   # L(θ) = ℓ(w̄), cheaper than L in θ
    out["G_zero"] = all(K.is_zero(x) for x in G)
    # rk dμ ≤ dim M always; a certified lower bound reaching dim M decides it without exact elimination
    # (the exact entries of dμ, large elements of K, are computed only when the balls cannot decide)
    point_balls = PointBalls(K, coords)
    J_balls = point_balls.matrix(prob, [[(("J", n, i), prob.dmu[n][i]) for i in range(prob.n)]
                                        for n in range(prob.kbar)])
    full = known_rank is None and any(ball_rank_lower_bound(K, None, prec, J_balls) >= prob.dim_M
                                      for prec in (128, 512, 2048))
    if full or known_rank is not None:
        out["drank"] = prob.dim_M if full else known_rank
    else:
        out["drank"] = rank(K, [[prob.ev(("J", n, i), prob.dmu[n][i])(K, coords, cache) for i in range(prob.n)]
                                for n in range(prob.kbar)])
    layers, pos = [], 0
    for k in prob.sizes:
        layers.append(coords[pos:pos + k])
        pos += k
    out["layers"] = layers
    zero_layers = tuple(l + 1 for l, w in enumerate(layers) if all(K.is_zero(x) for x in w))
    out["zero_layers"] = zero_layers
    wbar_zero = out["wbar_zero"] = all(K.is_zero(x) for x in wbar)
    # repeated roots of w̄ (binary form of degree k̄ − 1)
    if "rep_root" in known:
        rep_root = known["rep_root"]
    elif wbar_zero:
        rep_root = True
    elif K.is_zero(wbar[-1]) and (prob.kbar < 2 or K.is_zero(wbar[-2])):
        rep_root = True
    elif isolated_roots(K, wbar, balls=lambda prec: point_balls.matrix(
            prob, [[(("mu", n), prob.mu[n]) for n in range(prob.kbar)]])(prec)[0]) is not None:
        # certified squarefree (and ∞ at most a simple root)
        rep_root = False
    else:   # w̄ = ∏ stretched layers: a repeated root of one of them, or a root two of them share
        disc, res = prob.binary_invariants()
        rep_root = (any(D is not None and K.is_zero(D(K, coords, cache)) for D in disc)
                    or any(K.is_zero(R(K, coords, cache)) for R in res.values()))
    out["rep_root"] = rep_root
    # repeated filters and shared roots (a stride-1 pattern knows them: _strata.pattern_facts)
    out["repeated"] = known["repeated"] if "repeated" in known else repeated_filters(prob, K, layers, zero_layers)
    out["shared"] = (known["shared"] if "shared" in known
                     else shared_roots(prob, K, coords, layers, zero_layers, point_balls, cache))
    out["coords"] = coords
    prob._invariants[key] = out
    return out


def _hessian_inertia(prob, K, inv):
    """Exact inertia of the Hessian at the real embedding of K, and how it was decided."""
    # at a critical point with every filter non-zero, the L − 1 scaling directions
    # (0, …, w_l, …, −w_L) are independent and in the kernel of the Hessian (L is torus-invariant)
    floor = prob.depth - 1 if not inv["zero_layers"] else 0
    fast = None
    balls = PointBalls(K, inv["coords"]).matrix(
        prob, [[(("H", min(i, j), max(i, j)), prob.hess[min(i, j)][max(i, j)]) for j in range(prob.n)]
               for i in range(prob.n)])
    for prec in (128, 512, 2048):
        fast = ball_inertia(K, None, floor, prec, balls)
        if fast is not None:
            break
    if fast is not None:
        return fast, (f"Hessian inertia (+, −, 0) = {fast} (exact: {prob.n - floor} pivots of a symmetric "
                      f"elimination certified non-zero in ball arithmetic, and the {floor} scaling directions "
                      "span the rest of the kernel; Sylvester's law of inertia)")
    if "pivots" not in inv:
        H = [[None] * prob.n for _ in range(prob.n)]   # exact entries: only when the balls cannot decide
        cache = {}
        for i in range(prob.n):
            for j in range(i, prob.n):
                H[i][j] = H[j][i] = prob.ev(("H", i, j), prob.hess[i][j])(K, inv["coords"], cache)
        inv["pivots"] = symmetric_pivots(K, H)
    inert = inertia_from_pivots(K, *inv["pivots"])
    return inert, (f"Hessian inertia (+, −, 0) = {inert} (exact: symmetric elimination over the number field, "
                   "Sylvester's law of inertia)")


def _analyze(prob, K, coords, known_critical=False, known=None):
    """Classify θ with coordinates in K (``coords``: list aligned with ``prob.flat``); ``known_*`` as in
    :func:`_invariants`."""
    inv = _invariants(prob, K, coords, known_critical, known)
    facts = []
    wbar, layers, zero_layers = inv["wbar"], inv["layers"], inv["zero_layers"]
    wbar_zero, G_zero, drank = inv["wbar_zero"], inv["G_zero"], inv["drank"]
    wbar_s = tuple(K.to_sympy(x) for x in wbar)
    value_s = K.to_sympy(inv["value"])
    # boundary (exact test of the function space, when it can decide)
    on_boundary = None
    fs = prob.function_space
    if fs is not None and not K.is_rational and getattr(fs, "is_thick", False):
        # the same criterion as fs.is_on_boundary (∂M = {0} ∪ {r_odd < o ≤ r}), decided inside K
        if fs.is_filling:
            on_boundary = False
        elif wbar_zero:
            on_boundary = True
        else:
            if "sqf" not in inv:  # Yun's decomposition is Galois-invariant: once per component
                top = max(n for n, x in enumerate(wbar) if not K.is_zero(x))
                inv["sqf"] = squarefree_parts(K, wbar) if inv["rep_root"] else [(list(wbar[:top + 1]), 1)]
            r, r_odd = real_root_counts(K, wbar, prob.kbar - 1, inv["sqf"])
            on_boundary = r_odd < fs.odd_degree_count <= r
    elif fs is not None and hasattr(fs, "is_on_boundary"):
        try:
            on_boundary = bool(fs.is_on_boundary(wbar_s))
        except Exception:  # noqa: BLE001 - an undecidable input leaves it undetermined
            on_boundary = None
    common = (value_s, wbar_s, drank, prob.dim_M, G_zero, on_boundary, inv["rep_root"], inv["repeated"],
              inv["shared"], zero_layers)
    if not inv["critical"]:
        facts.append("∇L(θ) ≠ 0 exactly")
        return ConvolutionalPointReport(False, None, None, *common, None, tuple(facts),
                                        value_approx=K.to_float(inv["value"]), value_field=(K, inv["value"]))
    facts.append("∇L(θ) = 0 exactly")
    if not wbar_zero and drank == prob.dim_M:
        kind = "pure"
        facts.append(f"rk dμ(θ) = {drank} = dim M: im dμ(θ) is the tangent space of M at w̄ and ∇L = dμᵀ∇f = 0 "
                     "⇒ ∇f(w̄) ⟂ T_w̄ M: pure [KMST2024]")
    else:
        kind = "pure" if G_zero else "spurious"
        why = "w̄ = 0" if wbar_zero else f"rk dμ(θ) = {drank} < dim M = {prob.dim_M} (θ is a critical point of μ)"
        facts.append(f"{why} and ∇f(w̄) {'=' if G_zero else '≠'} 0 ⇒ {kind} (convention at non-smooth points) "
                     "[KMMT2022]")
    inert, how = _hessian_inertia(prob, K, inv)
    facts.append(how)
    role = _role(prob, K, coords, layers, inert, kind, G_zero, wbar_zero, zero_layers, facts)
    return ConvolutionalPointReport(True, kind, role, *common, inert, tuple(facts),
                                    value_approx=K.to_float(inv["value"]), value_field=(K, inv["value"]))


def _role(prob, K, coords, layers, inert, kind, G_zero, wbar_zero, zero_layers, facts):
    if inert[1] > 0:
        facts.append("the Hessian has a negative eigenvalue ⇒ strict saddle")
        return "strict_saddle"
    if G_zero and prob.loss.is_convex:
        facts.append("∇f(w̄) = 0 and ℓ convex ⇒ w̄ minimises f on all filters ⇒ global minimum of L [KMMT2022]")
        return "global_min"
    if not zero_layers and inert[2] == prob.depth - 1:
        facts.append(f"positive semidefinite Hessian whose kernel is the tangent space of the scaling orbit "
                     f"(nullity {prob.depth - 1} = L − 1) ⇒ strict local minimum modulo scaling ⇒ local minimum")
        return "local_min"
    if wbar_zero and not G_zero and _descent_at_zero(prob, K, coords, layers, zero_layers):
        facts.append(f"w̄ = 0, ∇f(0) ≠ 0 and ⟨∇f(0), μ(θ'_Z, θ_rest)⟩ takes negative values: a descent curve "
                     f"of order {len(zero_layers)} ⇒ not a local minimum; no negative Hessian eigenvalue ⇒ "
                     "non-strict saddle")
        return "non_strict_saddle"
    facts.append("positive semidefinite Hessian with extra null directions: second-order test inconclusive")
    return "undetermined"


def _descent_at_zero(prob, K, coords, layers, zero_layers):
    """Is ``θ'_Z ↦ ⟨∇f(0), μ(θ'_Z, θ_rest)⟩`` not identically zero?  (Then it takes negative values.)"""
    if not K.is_rational:
        return False
    subs = {}
    for l, w in enumerate(layers):
        if l + 1 in zero_layers:
            continue
        for v, c in zip(prob.layers[l], w):
            subs[v] = K.to_sympy(c)
    form = sympy.expand(sum(g * m for g, m in zip(prob.g0, prob.mu)).xreplace(subs))
    return form != 0


# ----------------------------------------------------------------------------- public: classify
def _exact_theta(prob, theta):
    sizes = prob.sizes
    if isinstance(theta, (str, bytes)) or not hasattr(theta, "__len__") or len(theta) != len(sizes):
        raise ShapeError(f"theta: expected {len(sizes)} filters of sizes {sizes}; received "
                         f"{theta!r:.80}")
    vals = []
    for l, (w, k) in enumerate(zip(theta, sizes)):
        if isinstance(w, (str, bytes)) or not hasattr(w, "__len__") or len(w) != k:
            raise ShapeError(f"theta[{l}]: expected a filter of size {k}; received {w!r:.60}")
        for c in w:
            if isinstance(c, (float, np.floating)) or (isinstance(c, sympy.Basic) and c.has(sympy.Float)):
                raise ExactInputRequiredError(f"theta[{l}] has the float {c!r}; expected exact numbers (int, Fraction, "
                                              "sympy Rational or algebraic numbers)")
            if isinstance(c, str):
                raise InputTypeError(f"theta[{l}] has the string {c!r}; expected numbers")
            x = sympy.nsimplify(c) if not isinstance(c, sympy.Basic) else c
            if not (x.is_number and x.is_real is not False):
                raise InputTypeError(f"theta[{l}] has {c!r}; expected real numbers")
            vals.append(sympy.Rational(c.numerator, c.denominator) if hasattr(c, "denominator") and
                        not isinstance(c, sympy.Basic) else x)
    return vals


def _field_of(vals):
    """A RealAlgebraicField containing every value and the values as its elements."""
    if all(v.is_Rational for v in vals):
        K = RealAlgebraicField([0, 1], 0, 0)
        return K, [K(v) for v in vals]
    from sympy.polys.numberfields import primitive_element, to_number_field

    alg = [v for v in vals if not v.is_Rational]
    z = sympy.Symbol("z")
    try:
        minpoly, coeffs = primitive_element(list(dict.fromkeys(alg)), z)
    except Exception as err:  # noqa: BLE001 - sympy cannot build the number field (e.g. nested CRootOf)
        raise InputTypeError(f"theta: could not put the algebraic entries into one number field ({type(err).__name__})"
                             "; expected rational or radical entries (the points of convolutional_critical_points "
                             "carry their exact classification in .report)") from None
    alpha = sum(c * a for c, a in zip(coeffs, list(dict.fromkeys(alg))))
    qP = sympy.Poly(minpoly, z)
    approx = sympy.N(alpha, 60)
    if abs(sympy.im(approx)) > 1e-40:
        raise InputTypeError("theta: expected real numbers; received a non-real algebraic number")
    eps = sympy.Rational(1, 10**30)
    for (a, b), _m in qP.intervals(eps=eps):
        if a - eps <= sympy.re(approx) <= b + eps:
            K = RealAlgebraicField(qP, a, b)
            break
    else:  # pragma: no cover
        raise InputTypeError("theta: could not isolate the primitive element")
    out = []
    for v in vals:
        if v.is_Rational:
            out.append(K(v))
        else:
            anp = to_number_field(v, alpha)
            cs = list(reversed(anp.coeffs()))
            out.append(K(sympy.Poly(sum(sympy.Rational(c) * z**i for i, c in enumerate(cs)), z)))
    return K, out


def classify_convolutional(network, loss, theta, tol=None):
    """Classify θ for ``L = ℓ ∘ μ`` on a convolutional network (exact; the conv branch of ``classify``).

    Parameters
    ----------
    network : ConvolutionalNetwork
    loss : Loss
        Acting on the end-to-end matrix ``network.end_to_end(θ)``.
    theta : sequence of filters
        Exact entries (int, Fraction, sympy Rational or real algebraic numbers).
    tol : ignored
        Accepted for the signature of :func:`~linnet_geometry.classify`; floats are refused.

    Returns
    -------
    ConvolutionalPointReport

    Raises
    ------
    ExactInputRequiredError
        For float entries.

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
    >>> net = ConvolutionalNetwork((2, 2))
    >>> loss = QuadraticLoss([[1, 0, 1]])          # target t^2 + 1: no real roots, outside M
    >>> rep = classify_convolutional(net, loss, [[1, 0], [0, 0]])
    >>> rep.is_critical
    False
    >>> from fractions import Fraction
    >>> rep = classify_convolutional(net, loss, [[1, 1], [Fraction(1, 3), Fraction(1, 3)]])  # w̄ = (1 + t)²/3
    >>> rep.is_critical, rep.kind, rep.role, rep.repeated_filters, rep.on_boundary, rep.value
    (True, 'spurious', 'strict_saddle', ((1, 2),), True, 4/3)
    """
    prob = ConvolutionalProblem(network, loss)
    vals = _exact_theta(prob, theta)
    K, coords = _field_of(vals)
    rep = _analyze(prob, K, coords)
    if rep.is_critical and rep.role == "local_min":
        return rep
    return rep


# ----------------------------------------------------------------------------- the locus
def _charts(sizes):
    return list(itertools.product(*[range(k) for k in sizes]))


def _chart_system(prob, chart):
    subs, free = {}, []
    for l, (w, j0) in enumerate(zip(prob.layers, chart)):
        for j, v in enumerate(w):
            if j < j0:
                subs[v] = 0
            elif j == j0 and l < prob.depth - 1:
                subs[v] = 1
            else:
                free.append(v)
    t = sympy.Symbol("t_rab")
    last = prob.layers[-1][chart[-1]]
    eqs = [sympy.expand(g.xreplace(subs)) for g in prob.grad]
    eqs = [e for e in eqs if e != 0]
    eqs.append(sympy.expand(t * last - 1))
    return eqs, free + [t], subs, t


def _point_from(prob, K, sol, subs, gens):
    coords = []
    for v in prob.flat:
        if v in subs:
            coords.append(K(subs[v]))
        else:
            coords.append(sol[v])
    return coords


def _theta_sympy(prob, K, coords):
    out, pos = [], 0
    for k in prob.sizes:
        out.append(tuple(K.to_sympy(c) for c in coords[pos:pos + k]))
        pos += k
    return tuple(out)


def _solve_chart(prob, chart, engine):
    eqs, gens, subs, t = _chart_system(prob, chart)
    sol = solve_system(eqs, gens, engine=engine, timeout=TIMEOUT)
    return sol, subs, gens


def _family_from_chart(prob, chart, eqs, gens, subs, dim, engine, seed):
    rng = np.random.default_rng(seed)
    chart_vars = gens[:-1]
    samples = []
    eng = engine
    for _attempt in range(3):
        sl = _rational_slice(rng, chart_vars, dim)
        s = solve_system(eqs + sl, gens, engine=engine, timeout=TIMEOUT)
        eng = s.engine
        if s.dimension == 0:
            for K, c in s.real_points:
                coords = _point_from(prob, K, c, subs, gens)
                rep = _analyze(prob, K, coords)
                samples.append(ConvolutionalCriticalPoint(_theta_sympy(prob, K, coords), tuple(chart), rep,
                                                          K.minimal_polynomial(), s.engine))
            break
    values = {p.value for p in samples}
    return ConvolutionalCriticalFamily(
        f"positive-dimensional component in chart {tuple(chart)} (all filters non-zero)", (), dim + prob.depth - 1,
        values.pop() if len(values) == 1 else None, samples[0].kind if samples else None,
        samples[0].report if samples else None, samples[0].theta if samples else None, tuple(samples), tuple(chart),
        eng)


def _zero_families(prob, engine, seed):
    """The strata with w̄ = 0, one per set Z of zero layers (see the module docstring)."""
    out = []
    L = prob.depth
    g_zero = all(g == 0 for g in prob.g0)
    f0 = prob.f0
    kind = "pure" if g_zero else "spurious"
    rng = np.random.default_rng(seed)
    for size in range(1, L + 1):
        for Z in itertools.combinations(range(L), size):
            others = [l for l in range(L) if l not in Z]
            if size >= 2 or L == 1:
                if L == 1 and not g_zero:
                    continue
                dim = sum(prob.sizes[l] for l in others)
                theta = []
                for l in range(L):
                    if l in Z:
                        theta.append([0] * prob.sizes[l])
                    else:
                        theta.append([sympy.Rational(int(rng.integers(1, 6)), int(rng.integers(1, 4))) *
                                      (-1) ** int(rng.integers(0, 2)) for _ in range(prob.sizes[l])])
                K = RealAlgebraicField([0, 1], 0, 0)
                coords = [K(c) for w in theta for c in w]
                rep = _analyze(prob, K, coords)
                desc = ("θ = 0" if size == L else
                        f"filters {', '.join(str(z + 1) for z in Z)} zero, the others arbitrary non-zero")
                out.append(ConvolutionalCriticalFamily(desc, tuple(z + 1 for z in Z), dim, f0, kind, rep,
                                                       tuple(tuple(w) for w in theta), (), None, "exact"))
                continue
            # exactly one zero layer z: the other filters satisfy k_z multilinear equations
            z = Z[0]
            subs0 = {v: 0 for v in prob.layers[z]}
            eqs_all = [sympy.expand(prob.grad[i].xreplace(subs0)) for i in range(prob.n)]
            found_dims, samples, engines = [], [], []
            for chart in itertools.product(*[range(prob.sizes[l]) for l in others]):
                subs = dict(subs0)
                free = []
                for l, j0 in zip(others, chart):
                    for j, v in enumerate(prob.layers[l]):
                        if j < j0:
                            subs[v] = 0
                        elif j == j0:
                            subs[v] = 1
                        else:
                            free.append(v)
                eqs = [sympy.expand(e.xreplace(subs)) for e in eqs_all]
                eqs = [e for e in eqs if e != 0]
                if any(e.is_number for e in eqs):
                    continue
                if not eqs:
                    d = len(free)
                else:
                    s = solve_system(eqs, free, engine=engine, timeout=TIMEOUT) if free else None
                    if free and s.dimension == 0:
                        engines.append(s.engine)
                        d = 0
                        for K, c in s.real_points:
                            coords = _point_from(prob, K, c, subs, free)
                            samples.append((K, coords, chart))
                    elif free and s.dimension < 0:
                        engines.append(s.engine)
                        continue
                    elif not free:
                        continue
                    else:
                        engines.append(s.engine)
                        d = _exact_dimension(eqs, free, engine) if s.dimension > 0 else s.dimension
                        if d < 0:
                            continue
                        for _ in range(2):
                            sl = _rational_slice(rng, free, d)
                            s2 = solve_system(eqs + sl, free, engine=engine, timeout=TIMEOUT)
                            if s2.dimension == 0 and s2.real_points:
                                for K, c in s2.real_points[:2]:
                                    samples.append((K, _point_from(prob, K, c, subs, free), chart))
                                break
                found_dims.append(d)
            if not found_dims:
                continue
            dim = max(found_dims) + len(others)  # each non-zero filter keeps its own scale
            rep, rep_theta = None, None
            if samples:
                K, coords, _c = samples[0]
                rep = _analyze(prob, K, coords)
                rep_theta = _theta_sympy(prob, K, coords)
            out.append(ConvolutionalCriticalFamily(
                f"filter {z + 1} zero, the others solve the {prob.sizes[z]} correlation equations", (z + 1,), dim,
                f0, kind, rep, rep_theta, (), None, "+".join(sorted(set(engines))) or "exact"))
    return out


def _stratified_locus(prob, found, systems, engines, engine, seed):
    """The locus from the stride-1 pattern solver (:mod:`._strata`): same points, same representatives."""
    points, comps, strata, fields = [], [], [], {}
    for pattern, chart, eng, kept in found:
        strata.append((pattern_label(pattern), chart, sum(q.degree() for q, _ in kept)))
        real = []   # layer permutations of a component share q: one field per real root, equal values compare exactly
        for q, g in kept:
            comps.append((q, g))
            if id(q) not in fields:   # real roots isolated once per component, not once per image
                fields[id(q)] = [K for K, _c in _real_points([(q, {})])]
            real += [(K, [K(x) for x in g]) for K in fields[id(q)]]
        facts = pattern_facts(pattern, prob.depth)
        mine = [_point(prob, K, c, chart, eng, True, facts) for K, c in real]
        points += share_values(mine, symmetric_images(prob, pattern, chart, real))   # L(θ_j) = L(θ_i) exactly
    return _locus(prob, points, _zero_families(prob, engine, seed), sum(n for _l, _c, n in strata), engines,
                  systems, comps, method="strata", strata=tuple(strata))


def _point(prob, K, coords, chart, engine, known_critical, known=None):
    """The analysed point θ (coordinates in K) of a chart or pattern chart."""
    rep = _analyze(prob, K, coords, known_critical, known)
    return ConvolutionalCriticalPoint(_theta_sympy(prob, K, coords), tuple(chart), rep, K.minimal_polynomial(),
                                      engine, tuple(K.to_float(x) for x in coords))


def _locus(prob, points, families, complex_count, engines, systems, comps, **how):
    """Minima promoted, points sorted by value; the complex values only when every system was finite."""
    points = promote_minima(prob, points, families)
    points.sort(key=lambda p: (p.value_float, p.chart))
    return ConvolutionalCriticalLocus(prob.network, prob.loss, tuple(points), tuple(families), complex_count,
                                      tuple(engines), systems,
                                      ComponentValues(prob.ev("L", prob.L).terms, comps)
                                      if complex_count is not None else None, **how)


def convolutional_critical_points(network, loss, engine="auto", seed=0, method="auto"):
    """Every critical point of ``L = ℓ ∘ μ`` on a convolutional network, up to scaling (exact).

    Parameters
    ----------
    network : ConvolutionalNetwork
    loss : Loss
        Exact data; acts on ``network.end_to_end(θ)`` (shape output length × input length).
    engine : {"auto", "msolve", "singular", "macaulay2", "sympy"}
        Polynomial-system engine (``"auto"``: msolve when importable, then Singular, M2, sympy).
    seed : int
        Seed of the random rational slices and representatives of families.
    method : {"auto", "strata", "charts"}
        ``"strata"``: one small system per root-sharing pattern of the layers (:mod:`._strata`; no
        stretched layer, ``s_1 = ⋯ = s_{L−1} = 1``). ``"charts"``: one system of the full gradient per
        chart of the scaling torus (any strides).  ``"auto"`` (default): the strata when they apply, and
        the charts when a pattern system is positive-dimensional (``locus.method`` says which answered).

    Returns
    -------
    ConvolutionalCriticalLocus
        Isolated real critical points (all filters non-zero, one per scaling orbit, in the charts
        of the module docstring), the w̄ = 0 families and any positive-dimensional components.

    Raises
    ------
    InputTypeError, ShapeError, ExactInputRequiredError
        For a wrong network, a loss of the wrong shape, or float data.

    Examples
    --------
    The (2, 2) network (KMMT2022): its function space is the set of quadratics with real roots
    (binary forms: a root may sit at infinity).  For the target ``1 + t²`` (no real root) every
    critical point lies on the discriminant boundary, with a repeated filter: the global minima
    ``w̄ = 1`` and ``w̄ = t²`` (double roots at ∞ and 0) and the saddles ``w̄ = (1 ± t)²/3``:

    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
    >>> locus = convolutional_critical_points(ConvolutionalNetwork((2, 2)), QuadraticLoss([[1, 0, 1]]),
    ...                                       engine="sympy")
    >>> for p in locus.points:
    ...     print(p.theta, p.value, p.kind, p.role, p.on_boundary, p.repeated_filters)
    ((1, 0), (1, 0)) 1 spurious global_min True ((1, 2),)
    ((0, 1), (0, 1)) 1 spurious global_min True ((1, 2),)
    ((1, 1), (1/3, 1/3)) 4/3 spurious strict_saddle True ((1, 2),)
    ((1, -1), (1/3, -1/3)) 4/3 spurious strict_saddle True ((1, 2),)
    >>> [(f.description, f.value, f.kind, f.role) for f in locus.families]
    [('θ = 0', 2, 'spurious', 'strict_saddle')]
    """
    if method not in ("auto", "strata", "charts"):
        raise InputTypeError(f"method: expected 'auto', 'strata' or 'charts'; received {method!r}")
    prob = ConvolutionalProblem(network, loss)
    if method == "strata" and not is_product_network(prob):
        raise InputTypeError(f"method='strata' needs strides s_1 = ... = s_(L-1) = 1 (no stretched layer); received "
                             f"strides {prob.strides}")
    if method != "charts" and is_product_network(prob):
        found, systems, engines = stratified_critical_points(prob, engine=engine, timeout=TIMEOUT)
        if found is not None:
            return _stratified_locus(prob, found, systems, engines, engine, seed)
    points, families, engines, comps = [], [], [], []
    complex_count = 0
    for k, chart in enumerate(_charts(prob.sizes)):
        eqs, gens, subs, t = _chart_system(prob, chart)
        sol = solve_system(eqs, gens, engine=engine, timeout=TIMEOUT)
        engines.append(sol.engine)
        if sol.dimension < 0:
            continue
        if sol.dimension > 0:
            dim = _exact_dimension(eqs, gens, sol.engine) if sol.engine == "msolve" else sol.dimension
            families.append(_family_from_chart(prob, chart, eqs, gens, subs, dim, engine, seed + k))
            complex_count = None
            continue
        if complex_count is not None:
            complex_count += sol.complex_count
        for q, g in sol.components:   # the parameters along the component (L is evaluated on demand)
            comps.append((q, [flint.fmpq_poly([_fq(subs[v])]) if v in subs else g[v] for v in prob.flat]))
        for K, c in sol.real_points:
            coords = _point_from(prob, K, c, subs, gens)
            points.append(_point(prob, K, coords, chart, sol.engine, sol.verified))
    return _locus(prob, points, _zero_families(prob, engine, seed) + families, complex_count, engines,
                  len(_charts(prob.sizes)), comps, method="charts")
