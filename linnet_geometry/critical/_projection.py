"""Variable projection: the chart systems of a rank stratum solved by elimination (quadratic losses).

Used by :func:`~linnet_geometry.critical.general.function_space_critical_points`
with ``method="projection"`` (the default when it applies).  The results are the
same per-chart triples ``(count, p, coords)`` as the Gröbner route — the number
of points, a squarefree ``p ∈ ℚ[z]`` whose roots are the points and the chart
coordinates as polynomials in z — so everything downstream is shared.

Mathematics
-----------
Let ℓ be a polynomial of degree ≤ 2 in the entries of W and ``W = A B`` with
one factor *normalised* (``A[I, :] = Id_e`` with the other entries u free, or
``B[:, J] = Id_e``; the side with fewer free entries is used) and the other
factor free (entries v).  Then ``ℓ(A B) = vᵀ M(u) v − 2 c(u)ᵀ v + const`` is
quadratic in v and ``∂ℓ/∂v = 0`` is the linear system ``M(u) v = c(u)``.
``M`` is block diagonal after a permutation of v (for an entrywise weighted
loss one block per column of B); on ``H(u) = ∏_b det M_b(u) ≠ 0`` Cramer's rule
gives ``v = num(u)/det M_b(u)``, and the remaining equations ``∂ℓ/∂u = 0``
(quadratic in v) times ``∏_b det M_b²`` are k polynomial equations
``F(u) = 0`` in the k free entries u.  Hence

* critical points with ``H ≠ 0`` ⟷ solutions of ``F = 0`` with ``H ≠ 0``
  (v is then determined);
* ``H`` is intrinsic: changing the normalisation (``A ↦ A G``,
  ``B ↦ G⁻¹ B``) changes ``M`` by a congruence with an invertible matrix, so
  ``{H = 0}`` is the same set of rank-e matrices for every chart.  That no
  critical point lies on it is *proved* for each normalisation and each block
  by a Gröbner basis of the full chart equations plus ``det M_b`` equal to
  ``⟨1⟩`` (for generic data it is; otherwise the Gröbner route is used).

``F = 0`` is solved exactly.  For ``k = 1`` F is univariate.  For ``k = 2``
the common factor of ``F_1, F_2`` is removed when its zero set lies in
``{H = 0}`` (else the critical set may be a curve: Gröbner route), the
resultant ``R(x) = Res_y(F_1, F_2)`` is factored over ℚ, and for every
irreducible factor f the common roots over ``K = ℚ[x]/(f)`` are the roots of
``g = gcd(F_1(α, y), F_2(α, y))`` in ``K[y]`` (Euclid in the field K); the
factors of g that also divide a power of ``H(α, y)`` are removed.  When what
is left has a single root, ``y = y_f(α)`` is a polynomial in α and x
separates the points over f; otherwise the coordinates are changed
(``x ↦ x + c y``) and the computation is repeated (three tries, then the
Gröbner route).  Every condition on a point (``H ≠ 0``, "lies in chart
``(I', J')``" = ``det W[I', J'] ≠ 0``) is a polynomial in α, hence either
zero at every root of f (it is ≡ 0 mod f) or at none: the decisions are exact
and made once per factor.  A point is attributed to the first chart (in the
order used) that contains it — the duplicate removal of the Gröbner route —
and reported in that chart's coordinates ``B = W[I, :]``,
``A = W[:, J] W[I, J]⁻¹``; the points of a chart are glued by the Chinese
remainder theorem into one squarefree ``p = ∏ f``.

Arithmetic is done by FLINT (python-flint): multivariate resultants and gcds,
factorisation over ℤ, polynomial extended gcd.
"""

from __future__ import annotations

import math

import flint
import sympy

from ..model.losses import PolynomialLoss, QuadraticLoss
from ._projection_algebra import (  # noqa: F401  (re-exported: used by the general-loss route)
    _Decider, _Field, _Formula, _Frac, _SMALL_FIELD, _bareiss, _coeffs_in_y, _conv_acb, _conv_arb, _conv_sympy, _det, _eval_mpoly, _factor, _first_subresultant, _fmpq, _genuine_roots_over, _horner, _int_coeffs_in_y, _inverse, _power, _precision, _to_sympy, _to_sympy_poly, _univariate)

__all__ = ["ProjectionNotApplicable", "ProjectedCoordinates", "solve_stratum", "applicability"]

#: Largest number k of free coordinates of the normalised factor handled by projection (k = 1: univariate,
#: k = 2: one resultant).
MAX_FREE = 2


#: Largest Bézout number of the Gröbner certificate "no critical point has det M_b = 0" for blocks of size > 1,
#: needed only when the resultant certificate fails (common zeros of det M_b and the Cramer numerators); blocks
#: of size 1 (entrywise weighted losses) always get it: there the common zeros are isolated and it is quick.
CERTIFICATE_BEZOUT_LIMIT = 200


def loss_polynomial(loss, W):
    """``ℓ(W)`` for a matrix W of polynomials, as an expanded sympy expression with rational coefficients."""
    if isinstance(loss, PolynomialLoss):
        expr = loss.expr.xreplace(dict(zip(list(loss.symbols), list(W))))
    elif isinstance(loss, QuadraticLoss):
        expr = loss._value(W) if loss.data is not None else sum((x - u) ** 2 for x, u in zip(W, loss.target))
    else:
        expr = loss._value(W)
    return sympy.expand(expr)


class ProjectionNotApplicable(Exception):
    """The projection route does not apply (or could not decide); ``str(err)`` says why."""


# ----------------------------------------------------------------------------- helpers on flint objects
def applicability(loss, shape, e):
    """``(side, k)`` when projection applies to the rank-e stratum, else raise :class:`ProjectionNotApplicable`.

    side is ``"A"`` (normalise A at rows I) or ``"B"`` (normalise B at columns J); k the number of
    free entries of the normalised factor.
    """
    m, n = shape
    Ws = sympy.Matrix(m, n, sympy.symbols(f"w0:{m * n}"))
    deg = sympy.Poly(_loss_polynomial(loss, Ws), *list(Ws)).total_degree()
    if deg > 2:
        raise ProjectionNotApplicable(f"the loss has degree {deg} > 2 in W (not quadratic in the free factor)")
    kA, kB = (m - e) * e, (n - e) * e
    side, k = ("A", kA) if kA <= kB else ("B", kB)
    if k == 0 or k > MAX_FREE:
        raise ProjectionNotApplicable(f"the normalised factor has {k} free entries; projection handles 1..{MAX_FREE}")
    return side, k


# ----------------------------------------------------------------------------- one normalisation
class _Reduced:
    """The reduced system ``F(u) = 0`` of one normalisation (key I for side A, J for side B)."""

    def __init__(self, loss, shape, e, side, key):
        m, n = shape
        if side == "A":
            free_pos = [(i, k) for i in range(m) if i not in key for k in range(e)]
            nv = e * n
        else:
            free_pos = [(k, j) for k in range(e) for j in range(n) if j not in key]
            nv = m * e
        self.k = len(free_pos)
        names = [f"u{i}" for i in range(self.k)] + [f"v{i}" for i in range(nv)]
        ctx = flint.fmpq_mpoly_ctx.get(names, "lex")
        gens = ctx.gens()
        u, v = gens[:self.k], gens[self.k:]
        one, zero = ctx.constant(1), ctx.constant(0)
        if side == "A":
            A = [[zero] * e for _ in range(m)]
            for c, i in enumerate(key):
                A[i][c] = one
            for (i, c), g in zip(free_pos, u):
                A[i][c] = g
            B = [[v[c * n + j] for j in range(n)] for c in range(e)]
        else:
            B = [[zero] * n for _ in range(e)]
            for c, j in enumerate(key):
                B[c][j] = one
            for (c, j), g in zip(free_pos, u):
                B[c][j] = g
            A = [[v[i * e + c] for c in range(e)] for i in range(m)]
        W = [[sum((A[i][c] * B[c][j] for c in range(e)), zero) for j in range(n)] for i in range(m)]
        Ws = sympy.symbols(f"w0:{m * n}")
        lp = sympy.Poly(_loss_polynomial(loss, sympy.Matrix(m, n, Ws)), *Ws, domain="QQ")
        flat = [W[i][j] for i in range(m) for j in range(n)]
        obj = zero
        for exps, c in lp.terms():
            term = ctx.constant(_fmpq(lp.domain.to_sympy(c)))
            for idx, d in enumerate(exps):
                if d:
                    term = term * flat[idx] ** d
            obj += term
        self.v, self.obj = v, obj
        # ∂ℓ/∂v = 2 M v − 2 c
        gv = [obj.derivative(f"v{i}") for i in range(nv)]
        half = flint.fmpq(1, 2)
        subs0 = {f"v{i}": 0 for i in range(nv)}
        M = [[gv[i].derivative(f"v{j}") * half for j in range(nv)] for i in range(nv)]
        c = [-(gv[i].subs(subs0)) * half for i in range(nv)]
        # blocks: connected components of the sparsity graph of M
        parent = list(range(nv))

        def find(a):
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for i in range(nv):
            for j in range(i + 1, nv):
                if not M[i][j].is_zero():
                    parent[find(i)] = find(j)
        blocks = {}
        for i in range(nv):
            blocks.setdefault(find(i), []).append(i)
        self.blocks = sorted(blocks.values())
        self.block_of = {}
        self.dets, self.nums = [], [None] * nv
        for b, idx in enumerate(self.blocks):
            Mb = [[M[i][j] for j in idx] for i in idx]
            d = _bareiss(Mb, one)
            if d.is_zero():
                raise ProjectionNotApplicable("the Hessian of ℓ in the free factor is singular for every point of a "
                                              "chart (ℓ does not determine that factor)")
            self.dets.append(d)
            for pos, i in enumerate(idx):
                self.block_of[i] = b
                Mi = [[(c[r] if col == pos else Mb[rr][col]) for col in range(len(idx))] for rr, r in enumerate(idx)]
                self.nums[i] = _bareiss(Mi, one)
        # F_k = ∏ det_b² · ∂ℓ/∂u_k(u, v(u))
        F = []
        for i in range(self.k):
            du = obj.derivative(f"u{i}")
            groups = {}
            for exps, coef in du.to_dict().items():
                uexp, vexp = exps[:self.k], exps[self.k:]
                groups.setdefault(vexp, {})[uexp + (0,) * nv] = coef
            total = zero
            for vexp, terms in groups.items():
                part = ctx.from_dict(terms)
                used = [0] * len(self.blocks)
                for i, d in enumerate(vexp):
                    if d:
                        part = part * self.nums[i] ** d
                        used[self.block_of[i]] += d
                for b, d in enumerate(self.dets):
                    if 2 - used[b] > 0:
                        part = part * d ** (2 - used[b])
                total += part
            F.append(total)
        # the u-only context
        self.uctx = flint.fmpq_mpoly_ctx.get([f"u{i}" for i in range(self.k)], "lex")
        self.F = [self._to_u(p) for p in F]
        self.H = self._to_u(self._prod(self.dets, one))
        self.nums_u = [self._to_u(p) for p in self.nums]
        self.dets_u = [self._to_u(p) for p in self.dets]
        self.W_uv = W

    @staticmethod
    def _prod(items, one):
        out = one
        for x in items:
            out = out * x
        return out

    def _to_u(self, p):
        return self.uctx.from_dict({exps[:self.k]: c for exps, c in p.to_dict().items()})

    # ---- the certificate that no critical point lies on {det M_b = 0}
    def check_singular_locus(self):
        """Prove that no critical point of this normalisation has ``det M_b(u) = 0`` (every block b).

        At a critical point ``M_b v_b = c_b``, hence ``adj(M_b) c_b = det(M_b) v_b``: where ``det M_b = 0`` all
        Cramer numerators of the block vanish too.  So it suffices that ``det M_b`` and the numerators have
        no common zero in ``ℂ^k``: for k = 1 their gcd is constant; for k = 2 they have no common factor and
        the gcd of the resultants ``Res_y(det M_b, num_i)`` is a nonzero constant (in the coordinates
        ``(x + c y, y)`` for one of four c).  When this fails a Gröbner basis of the full chart equations plus
        ``det M_b`` must be ``⟨1⟩``; otherwise projection does not apply.
        """
        for b, idx in enumerate(self.blocks):
            polys = [self.dets_u[b]] + [self.nums_u[i] for i in idx]
            if self._no_common_zero(polys):
                continue
            names = [sympy.Symbol(f"u{i}") for i in range(self.k)] + \
                [sympy.Symbol(f"v{i}") for i in range(len(self.v))]
            eqs = [_to_sympy(self.obj.derivative(str(g)), names) for g in names] + [_to_sympy(self.dets[b], names)]
            bezout = math.prod(max(sympy.Poly(q, *names).total_degree(), 1) for q in eqs)
            if len(idx) > 1 and bezout > CERTIFICATE_BEZOUT_LIMIT:
                raise ProjectionNotApplicable(
                    f"block {b}: the determinant and the Cramer numerators have common zeros, and the Gröbner "
                    f"certificate (Bézout number {bezout} > {CERTIFICATE_BEZOUT_LIMIT}) is too large for the "
                    "embedded engine")
            # the numerators vanish wherever the equations and det M_b do (adj(M_b) c_b = det(M_b) v_b), so adding
            # them keeps the zero set and helps Buchberger: the ideal is ⟨1⟩ iff there is no such point
            eqs += [_to_sympy(self.nums[i], names) for i in idx]
            G = sympy.groebner(eqs, *names, order="grevlex")
            if G.exprs != [1]:
                raise ProjectionNotApplicable(
                    f"critical points with a singular Hessian in the free factor may exist (block {b}: the ideal "
                    "with its determinant is not ⟨1⟩)")

    def _no_common_zero(self, polys):
        g = polys[0]
        for q in polys[1:]:
            g = g.gcd(q)
        if not g.is_constant():
            return False
        if self.k == 1:
            return True
        x, y = self.uctx.gens()
        for c in (0, 1, -2, 3):
            qs = [q.compose(x - c * y, y) for q in polys] if c else polys
            R = None
            for q in qs[1:]:
                r = _univariate(qs[0].resultant(q, "u1"))
                R = r if R is None else R.gcd(r)
            if R is not None and not R.is_zero() and R.degree() == 0:
                return True
        return False

    # ---- solving F = 0 off H = 0
    def solve(self):
        """``(formula, factors)``: the points with ``H ≠ 0`` are the roots of the irreducible factors
        (monic fmpq_poly in z), each root α giving the point ``formula`` evaluates at α."""
        if self.k == 1:
            P = _univariate(self.F[0])
            if P.is_zero():
                raise ProjectionNotApplicable("the reduced equation vanishes identically (a curve of critical points)")
            formula = _Formula(self, 0, None, None)
            return formula, [f for f in _factor(P) if _Decider(f).nonzero(formula.H)]
        F1, F2 = self.F
        g = F1.gcd(F2)
        if not g.is_constant():
            rest = g
            while True:
                h = rest.gcd(self.H)
                if h.is_constant():
                    break
                rest = rest / h
            if not rest.is_constant():
                raise ProjectionNotApplicable("the reduced equations have a common factor off {det M = 0} (the "
                                              "critical set may be a curve)")
            F1, F2 = F1 / g, F2 / g
        x, y = self.uctx.gens()
        for c in (0, 1, -2, 3):
            G1, G2, Hc = ((q.compose(x - c * y, y) for q in (F1, F2, self.H)) if c else (F1, F2, self.H))
            Ru = _univariate(G1.resultant(G2, "u1"))
            P, Q = (G1, G2) if G1.degrees()[1] >= G2.degrees()[1] else (G2, G1)
            Pc, Qc = _int_coeffs_in_y(P), _int_coeffs_in_y(Q)
            if Ru.is_zero() or len(Qc) < 3:  # (y-degree ≥ 2 for the first subresultant)
                continue
            s11, s10 = _first_subresultant(Pc, Qc)
            formula = _Formula(self, c, s10, s11)
            lead = Pc[-1]
            factors, ok = [], True
            for f in _factor(Ru):
                dec = _Decider(f)
                if dec.nonzero(lambda a, cv: _horner(lead, a, cv)) and \
                        dec.nonzero(lambda a, cv: _horner(s11, a, cv)):
                    # lc_y(P)(α) ≠ 0 and s_11(α) ≠ 0: the common root over α is unique, y = −s_10/s_11
                    if dec.nonzero(formula.H):
                        factors.append(f)
                    continue
                if f.degree() <= _SMALL_FIELD and not _genuine_roots_over(f, G1, G2, Hc):
                    continue  # every common root over α lies on {H = 0}
                ok = False  # x' may not separate the points over f: change coordinates
                break
            if ok:
                return formula, factors
        raise ProjectionNotApplicable("no separating coordinate found in four tries (non-generic data)")




class ProjectedCoordinates:
    """Chart coordinates of the points of one chart found by projection, as functions of the root α of p.

    The same interface as the shape-lemma coordinates of the Gröbner route:
    :meth:`exact_values` (sympy numbers: Rationals at a rational α, else expressions in a ``CRootOf``) and
    :meth:`numeric_values` (mpmath numbers, certified by ball arithmetic to the requested digits).
    """

    def __init__(self, formula, chart, variables):
        self.formula, self.chart, self.variables = formula, chart, list(variables)

    def exact_values(self, root):
        """``{v: value}``: Rationals at a rational α, else ``num(α)/den(α)`` with α a ``CRootOf``.

        The rational functions are formed with FLINT first and only then written in α, so sympy never
        does arithmetic on the algebraic number.
        """
        if root.is_rational:
            vals = self.formula.chart_coordinates(root.a, _conv_sympy, self.chart)
            return dict(zip(self.variables, vals))
        conv = lambda c: _Frac(None, flint.fmpq_poly([c]))  # noqa: E731
        fracs = self.formula.chart_coordinates(_Frac(None, flint.fmpq_poly([0, 1])), conv, self.chart)
        z = sympy.Dummy("z")
        alpha = root.exact()
        out = {}
        for v, fr in zip(self.variables, fracs):
            g = fr.num.gcd(fr.den)
            num, den = fr.num / g, fr.den / g
            expr = _to_sympy_poly(num, z).as_expr() / _to_sympy_poly(den, z).as_expr()
            out[v] = expr.xreplace({z: alpha})
        return out

    def arb_coordinates(self, lo, hi):
        """Balls (python-flint arb, at the current precision) containing the coordinates at the root α ∈ [lo, hi]."""
        mid, rad = (lo + hi) / 2, (hi - lo) / 2
        a = flint.arb(flint.fmpq(int(mid.p), int(mid.q)), flint.fmpq(int(rad.p), int(rad.q)))
        return dict(zip(self.variables, self.formula.chart_coordinates(a, _conv_arb, self.chart)))

    def flint_coordinates(self, W):
        """``{v: g_v}`` with ``g_v ∈ ℚ[z]`` reduced modulo the squarefree ``W`` (fmpq_poly), ``v = g_v(α)`` at every
        root α of W; the denominators are inverted modulo W (they do not vanish at the roots: the coordinates are
        finite there)."""
        K = _Field(W)  # numerators and denominators stay reduced modulo W (W squarefree: only red/mul are used)
        conv = lambda c: _Frac(K, flint.fmpq_poly([c]))  # noqa: E731
        fracs = self.formula.chart_coordinates(_Frac(K, flint.fmpq_poly([0, 1])), conv, self.chart)
        out = {}
        for v, fr in zip(self.variables, fracs):
            den = fr.den % W
            g, inv, _ = den.xgcd(W)
            if g.degree() != 0:
                raise ProjectionNotApplicable("a coordinate denominator vanishes at a root of the eliminant")
            out[v] = ((fr.num % W) * (inv / g[0])) % W
        return out

    def numeric_values(self, root, digits):
        import mpmath

        extra = 0
        while True:
            root.refine(sympy.Rational(1, 10 ** (digits + 5 + extra)))
            bits = int((digits + 25 + extra) * 3.33) + 64
            with _precision(bits):
                mid = (root.a + root.b) / 2
                rad = (root.b - root.a) / 2
                a = flint.arb(flint.fmpq(int(mid.p), int(mid.q)), flint.fmpq(int(rad.p), int(rad.q)))
                vals = self.formula.chart_coordinates(a, _conv_arb, self.chart)
                tol = flint.arb(10) ** (-(digits + 2))
                if all(v.rad() <= tol * max(flint.arb(1), abs(v.mid())) for v in vals):
                    out = []
                    for v in vals:
                        man, exp = v.mid().man_exp()
                        out.append(mpmath.mpf(mpmath.libmp.from_man_exp(int(man), int(exp))))
                    return dict(zip(self.variables, out))
            extra += 20
            if extra > 400:
                raise ProjectionNotApplicable("coordinates could not be certified to the requested precision")


# ----------------------------------------------------------------------------- the stratum
def solve_stratum(loss, shape, e, charts, chart_variables):
    """Per-chart ``(count, p, coords)`` for the rank-e stratum, charts in the given order.

    ``chart_variables[i]`` are the coordinates of chart i (free entries of A, then
    the entries of B, as in :func:`~linnet_geometry.critical.general.critical_system`);
    ``coords`` is a :class:`ProjectedCoordinates`.  Raises :class:`ProjectionNotApplicable`
    when the route does not apply or cannot decide; the caller then uses the Gröbner route.
    """
    side, _ = applicability(loss, shape, e)
    z = sympy.Symbol("z_sep")
    keyed = {}
    for ci, (I, J) in enumerate(charts):
        keyed.setdefault(I if side == "A" else J, []).append(ci)
    found = {ci: [] for ci in range(len(charts))}  # chart index -> [(f, formula)]
    for key in keyed:
        red = _Reduced(loss, shape, e, side, key)
        red.check_singular_locus()
        formula, factors = red.solve()
        for f in factors:
            dec = _Decider(f)
            first = next((ci for ci, (I, J) in enumerate(charts)
                          if dec.nonzero(lambda a, cv, I=I, J=J: formula.minor(a, cv, I, J))), None)
            if first is None:  # rank < e: not on this stratum
                continue
            I, J = charts[first]
            if (I if side == "A" else J) == key:  # else found again, and kept, by that chart's normalisation
                found[first].append((f, formula))
    out = []
    for ci in range(len(charts)):
        items = found[ci]
        if not items:
            out.append((0, None, None))
            continue
        P = items[0][0]
        for f, _ in items[1:]:
            P = P * f
        coords = ProjectedCoordinates(items[0][1], charts[ci], chart_variables[ci])
        out.append((P.degree(), _to_sympy_poly(P, z).monic(), coords))
    return out


_loss_polynomial = loss_polynomial  # earlier private name, used inside the package
