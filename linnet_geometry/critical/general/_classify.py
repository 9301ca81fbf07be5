"""Certified classification of the real points of a chart (exact / ball arithmetic) and the exact comparison of
critical values.

Part of :mod:`linnet_geometry.critical.general` (see its docstring for the method and THEORY §2, §4)."""

from __future__ import annotations

import numpy as np
import sympy

from ...exceptions import AssumptionError
from ._roots import _ParamCoords, _RealRoot, _arb_precision, _fmpq_of, _poly_balls
from ._systems import _compose, _flint_form, _loss_gradient_terms, _mpoly_terms
from ...exact.matrix import inertia as _exact_inertia


def _lower_how(item):
    return "rank %d, chart %s" % (item[0], item[1])


#: Largest working precision (bits) at which two critical values are compared by ball arithmetic before the
#: exact equality test of :meth:`_CriticalValue.equals`.
_MAX_VALUE_PREC = 4096


#: Largest eliminant degree for which the annihilating polynomial of a critical value (a resultant) is formed.
MAX_EXACT_VALUE_DEGREE = 120


def _least_value_check(idx, raw):
    """``(j, undecided)``: j the index of a real critical point with a value proved < that of point ``idx`` (None
    if there is none), and the number of points whose comparison could not be decided."""
    mine = raw[idx][10]
    undecided = 0
    order = sorted(range(len(raw)), key=lambda j: raw[j][7])   # likely smaller first; the decision is exact
    for j in order:
        if j == idx:
            continue
        c = _compare_values(raw[j][10], mine)
        if c is None:
            undecided += 1
        elif c < 0:
            return j, undecided
    return None, undecided


def _compare_values(u, v, max_prec=None):
    """Sign of ``u − v`` for two real algebraic critical values, exactly, or None when undecided.

    Disjoint arb balls decide ``<`` / ``>`` (precision doubled from 64 bits up to ``max_prec``); balls that
    keep overlapping go to the exact equality test :meth:`_CriticalValue.equals`.  Never a float tolerance.
    """
    if u.rational is not None and v.rational is not None:
        d = u.rational - v.rational
        return 0 if d == 0 else (1 if d > 0 else -1)
    max_prec = max_prec or _MAX_VALUE_PREC
    prec = 64
    while True:
        a, b = u.ball(prec), v.ball(prec)
        if a < b:
            return -1
        if a > b:
            return 1
        if prec >= max_prec:
            break
        prec *= 2
    eq = u.equals(v)
    if eq:
        return 0
    if eq is False:   # proved different: more precision separates them
        return _compare_values(u, v, max_prec * 4) if max_prec < 2 ** 16 else None
    return None


class _CriticalValue:
    """A real algebraic number ``V(α)`` (a critical value): α a real root of an eliminant, V a polynomial in the
    point's coordinates; or a rational.  Balls at any precision, and an exact equality test.

    Examples
    --------
    √2 from two different eliminants is recognised equal; a rational within 10⁻³⁰ of it is not:

    >>> import flint, sympy
    >>> z = sympy.Symbol("z")
    >>> r2 = _CriticalValue.of_polynomial(sympy.Poly(z**2 - 2, z), 1, 2, flint.fmpq_poly([0, 1]))
    >>> r8 = _CriticalValue.of_polynomial(sympy.Poly(z**2 - 8, z), 2, 3, flint.fmpq_poly([0, flint.fmpq(1, 2)]))
    >>> _compare_values(r2, r8), r2.equals(r8)
    (0, True)
    >>> q = _CriticalValue(rational=sympy.Rational(int(sympy.sqrt(2) * 10**30), 10**30))
    >>> _compare_values(q, r2), q.equals(r2)
    (-1, False)
    """

    def __init__(self, rational=None, root=None, coords=None, variables=None, terms=None):
        self.rational = None if rational is None else sympy.Rational(rational)
        self.root, self.coords, self.variables, self.terms = root, coords, variables, terms
        self._annihilator = None

    @classmethod
    def of_polynomial(cls, p, a, b, q):
        """``q(α)``, α the root of the squarefree ``p`` (sympy Poly over ℚ) in ``[a, b]``, q an fmpq_poly."""
        import flint

        root = _RealRoot(p, a, b)
        coords = _ParamCoords()
        coords.flint_w = flint.fmpq_poly([_fmpq_of(c) for c in reversed(p.all_coeffs())])
        zsym = sympy.Symbol("z_value")
        coords.flint[zsym] = flint.fmpq_poly([0, 1])
        terms = [((k,), flint.fmpq(c)) for k, c in enumerate(q.coeffs()) if c != 0]
        return cls(root=root, coords=coords, variables=[zsym], terms=terms)

    def ball(self, prec):
        """A ball containing the value (python-flint arb, ``prec`` bits)."""
        import flint

        if self.rational is not None:
            with _arb_precision(max(prec, 64)):
                return flint.arb(_fmpq_of(self.rational))
        with _arb_precision(prec):
            root = self.root
            root.refine(sympy.Rational(1, 2 ** (prec + 8)))
            lo, hi = (root.a, root.a) if root.is_rational else (root.a, root.b)
            if prec < 1024 or self.coords.regular:
                xs = self.coords.balls(lo, hi, self.variables)
            else:
                xs = _poly_balls(self.coords.exact_form(), lo, hi, self.variables)
            return _eval_arb(self.terms, xs)

    def annihilator(self):
        """A squarefree ``R ∈ ℤ[y]`` with ``R(value) = 0`` (``Res_z(w(z), y·d(z)^k − V_k(z))``), or None when the
        eliminant's degree exceeds :data:`MAX_EXACT_VALUE_DEGREE`."""
        import flint

        if self._annihilator is not None:
            return self._annihilator
        if self.rational is not None:
            q = self.rational
            self._annihilator = flint.fmpz_poly([-int(q.p), int(q.q)])
            return self._annihilator
        W = self.coords.flint_w
        if W.degree() > MAX_EXACT_VALUE_DEGREE:
            return None
        h, den = self.coords.exact_scaled()
        fl = [h.get(v, flint.fmpq_poly([0])) for v in self.variables]
        k = _terms_degree(self.terms)
        num = _eval_mod(self.terms, fl, W, den, k)          # value = num(α) / den(α)^k
        dk = (den ** k) % W if k else flint.fmpq_poly([1])
        ctx = flint.fmpq_mpoly_ctx.get(("z", "y"), "lex")

        def lift(poly, ydeg):
            return ctx.from_dict({(i, ydeg): c for i, c in enumerate(poly.coeffs()) if c != 0} or {})

        R = lift(W, 0).resultant(lift(dk, 1) - lift(num, 0), "z")
        coeffs = [flint.fmpq(0)] * (W.degree() + 1)
        for (i, j), c in R.to_dict().items():
            coeffs[j] = c
        Ry = flint.fmpq_poly(coeffs)
        Ry = Ry / Ry.gcd(Ry.derivative())
        den_ = Ry.denom() if hasattr(Ry, "denom") else 1
        self._annihilator = flint.fmpz_poly([int(c * den_) for c in Ry.coeffs()])
        return self._annihilator

    def equals(self, other):
        """``True``/``False`` when the values are proved equal/different exactly; None when out of reach.

        With ``R_u``, ``R_v`` the annihilators and ``H = gcd(R_u, R_v)``: the values are equal iff they are the
        same root of H.  At increasing precision the roots of ``R_u`` (isolating balls, FLINT) are matched to
        u's ball; if no root of H meets u's root ball, u is not a root of H (unequal); if a root ball of H meets
        exactly one root ball of ``R_u`` — u's — its root is u; it meets exactly one root ball of ``R_v``, and u = v
        iff that ball is v's.
        """
        import flint

        Ru, Rv = self.annihilator(), other.annihilator()
        if Ru is None or Rv is None:
            return None
        H = Ru.gcd(Rv)
        if H.degree() <= 0:
            return False
        prec = 128
        while prec <= 2 ** 14:
            with _arb_precision(prec):
                bu, bv = flint.acb(self.ball(prec)), flint.acb(other.ball(prec))
                ru = [c for c, _ in Ru.complex_roots()]
                rv = [c for c, _ in Rv.complex_roots()]
                rh = [c for c, _ in H.complex_roots()]
                mu = [c for c in ru if c.overlaps(bu)]
                mv = [c for c in rv if c.overlaps(bv)]
                if len(mu) == 1 and len(mv) == 1:
                    hu = [g for g in rh if g.overlaps(mu[0])]
                    if not hu:
                        return False
                    hv = [g for g in rh if g.overlaps(mv[0])]
                    if not hv:
                        return False
                    for g in hu:
                        # g meets only u's root ball of R_u: its root (a root of H, so of R_v) is u; it lies in
                        # exactly one root ball of R_v, v's or another one
                        if sum(1 for c in ru if c.overlaps(g)) == 1 and sum(1 for c in rv if c.overlaps(g)) == 1:
                            return bool(g.overlaps(mv[0]))
            prec *= 2
        return None


def _terms(expr, variables):
    P = sympy.Poly(expr, *variables, domain="QQ")
    return [(m, sympy.Rational(c)) for m, c in P.terms()]


def _eval_mod(terms, fl, W, den=None, degree=0, cache=None):
    """Σ c·∏ g_v^e modulo W exactly (FLINT fmpq_poly), ``fl`` the coordinates in the variable order.

    With ``den`` (coordinates ``x_v = fl_v/den``, ``den(α) ≠ 0``) the homogenised value
    ``den^degree · Σ c·∏ x_v^e = Σ c·∏ fl_v^e · den^(degree − |e|)`` is returned (``degree`` ≥ every term's
    total degree): it vanishes at α iff the polynomial does, and has the same sign when ``degree`` is even.
    """
    import flint

    acc = flint.fmpq_poly([0])
    pw = {} if cache is None else cache
    for mon, c in terms:
        t = flint.fmpq_poly([flint.fmpq(int(c.p), int(c.q))])
        for j, k in enumerate(mon):
            if k:
                key = (j, k)
                if key not in pw:
                    pw[key] = (fl[j] ** k) % W
                t = (t * pw[key]) % W
        if den is not None and degree - sum(mon):
            key = ("den", degree - sum(mon))
            if key not in pw:
                pw[key] = (den ** (degree - sum(mon))) % W
            t = (t * pw[key]) % W
        acc += t
    return acc % W


def _terms_degree(terms):
    return max((sum(m) for m, _ in terms), default=0)


def _eval_exact(terms, vals):
    """``Σ c·∏ vals^e`` exactly (python-flint fmpq), as a sympy Rational."""
    import flint

    acc = flint.fmpq(0)
    for mon, c in terms:
        t = flint.fmpq(c)
        for j, d in enumerate(mon):
            if d:
                t *= vals[j] ** d
        acc += t
    return sympy.Rational(int(acc.p), int(acc.q))


def _eval_arb(terms, xs):
    import flint

    acc = flint.arb(0)
    for mon, c in terms:
        t = flint.arb(flint.fmpq(int(c.p), int(c.q)))
        for j, k in enumerate(mon):
            for _ in range(k):  # not xs[j] ** k: python-flint's arb power is nan on a ball containing 0
                t *= xs[j]
        acc += t
    return acc


def _sign_at_root(q, W, a, b):
    """Sign of ``q(α)`` exactly, α the only root of the squarefree W in ``[a, b]`` (rational, W(a)W(b) ≠ 0)."""
    import flint

    G = W.gcd(q % W) if q != 0 else W
    if G.degree() > 0:
        # G squarefree, its roots are roots of W: α is a root of G iff G changes sign on [a, b]
        fa = G(flint.fmpq(int(a.p), int(a.q)))
        fb = G(flint.fmpq(int(b.p), int(b.q)))
        # α is the only root of W in [a, b] and the roots of G are roots of W: a sign change, or a zero at an
        # endpoint (α rational, found by bisection: a = b = α), means G(α) = 0
        if fa * fb <= 0:
            return 0
    return None  # nonzero; its sign is decided by ball arithmetic


def _real_points_certified(e, system, p, coords, loss):
    """Real points of an msolve chart solution, every decision proved.

    * ``∇ℓ(W) = 0``: exactly — each entry is reduced to ``q(z) mod w`` and vanishes at α iff ``gcd(w, q)``
      vanishes at α (a sign change on α's isolating interval).
    * Hessian inertia on ``M_e^o``: the characteristic polynomial of the chart Hessian evaluated in ball
      arithmetic (python-flint arb) at α, precision doubled until every coefficient's sign is proved;
      all eigenvalues are real, so Descartes' rule counts positive and negative eigenvalues.  A coefficient
      whose ball keeps containing 0 is decided exactly (Faddeev–LeVerrier over ``ℚ[z]/(w)`` and the gcd test).
    """
    import flint

    variables = list(system["variables"][:-1])
    allv = list(system["variables"])
    m, n = loss.shape
    W = coords.flint_w
    fl = _flint_form(system, loss)
    k = len(variables)
    obj = fl["objective"]
    grads = [obj.derivative(i) for i in range(k)]
    Hterms = [[_mpoly_terms(grads[i].derivative(j)) for j in range(k)] for i in range(k)]
    Gpolys = [_compose(g, fl["W"], fl["one"]) for g in _loss_gradient_terms(loss, m, n)]
    Gterms = [_mpoly_terms(g) for g in Gpolys]
    Vterms = _mpoly_terms(obj)
    Wterms = [_mpoly_terms(x) for x in fl["W"]]
    Gmod = []

    def gradient_vanishes(root):
        """∇ℓ(W(α)) = 0: a ball excluding 0 proves an entry nonzero; otherwise exactly (gcd with w, sign change)."""
        with _arb_precision(256):
            xs = coords.balls(root.a, root.b, allv)
            if any(not _eval_arb(t, xs).contains(0) for t in Gterms):
                return False
        if not Gmod:
            h, den = coords.exact_scaled()
            fl_ = [h.get(v, flint.fmpq_poly([0])) for v in allv]
            cache = {}
            Gmod.extend(_eval_mod(t, fl_, W, den, _terms_degree(t), cache) for t in Gterms)
        return all(q == 0 or _sign_at_root(q, W, root.a, root.b) == 0 for q in Gmod)

    out = []
    for a, b in coords.real_intervals:
        root = _RealRoot(p, a, b)
        if root.is_rational:
            sub = coords.exact_values(root)
            vals = [_fmpq_of(sub.get(v, 0)) for v in allv]
            inert = _exact_inertia(sympy.Matrix(k, k, lambda i, j: _eval_exact(Hterms[i][j], vals)))
            gzero = all(_eval_exact(t, vals) == 0 for t in Gterms)
            vfloat = float(_eval_exact(Vterms, vals))
            Wf = np.array([float(_eval_exact(t, vals)) for t in Wterms], dtype=float).reshape(m, n)
            cert = "exact (rational point)"
            value = _CriticalValue(rational=_eval_exact(Vterms, vals))
        else:
            gzero = gradient_vanishes(root)
            inert, cert, vfloat, Wf = _arb_inertia(root, coords, allv, Hterms, Vterms, Wterms, k, (m, n), W)
            value = _CriticalValue(root=root, coords=coords, variables=allv, terms=Vterms)
        out.append((e, system["chart"], root, getattr(coords, "_source", coords), system, inert, gzero, vfloat, Wf,
                    cert, value))
    return out


def _arb_inertia(root, coords, allv, Hterms, Vterms, Wterms, k, shape, W):
    import flint

    old = flint.ctx.prec
    prec = 128
    try:
        while True:
            flint.ctx.prec = prec
            root.refine(sympy.Rational(1, 2 ** (prec + 8)))
            if root.is_rational:
                lo = hi = root.a
            else:
                lo, hi = root.a, root.b
            if prec < 1024 or coords.regular:
                xs = coords.balls(lo, hi, allv)
            else:  # the route's formulas do not narrow (0/0 at α): the polynomials modulo w do
                xs = _poly_balls(coords.exact_form(), lo, hi, allv)
            H = flint.arb_mat([[_eval_arb(Hterms[i][j], xs) for j in range(k)] for i in range(k)]) if k else None
            cp = H.charpoly() if k else flint.arb_poly([1])
            coeffs = [cp[i] for i in range(k + 1)]  # low degree first, monic
            signs = []
            undecided = []
            for i, c in enumerate(coeffs):
                if c > 0:
                    signs.append(1)
                elif c < 0:
                    signs.append(-1)
                else:
                    signs.append(None)
                    undecided.append(i)
            val = _eval_arb(Vterms, xs)
            Wb = [_eval_arb(t, xs) for t in Wterms]
            # the reported floats (value, image) need balls narrower than double precision
            tight = all(b.is_finite() and b.rad() <= abs(b.mid()) * 2.0 ** -60 + 2.0 ** -80 for b in Wb + [val])
            if not tight and prec < 2 ** 14:
                prec *= 2
                continue
            if not undecided:
                how = f"ball arithmetic (python-flint arb, {prec} bits) proves every characteristic-polynomial sign"
                break
            if prec >= 2048:
                signs = _exact_charpoly_signs(root, coords, allv, Hterms, k, W, signs, undecided)
                how = ("ball arithmetic (python-flint arb) and, for coefficients whose balls contain 0, exact "
                       "Faddeev–LeVerrier over Q[z]/(w) with a gcd zero test")
                break
            prec *= 2
        vfloat = float(val.mid())
        Wf = np.array([float(b.mid()) for b in Wb], dtype=float).reshape(shape)
    finally:
        flint.ctx.prec = old
    # Descartes on the real-rooted characteristic polynomial χ(x) = Σ c_i x^i
    zero = next(i for i, sg in enumerate(signs) if sg != 0) if any(sg != 0 for sg in signs) else k
    nz = [sg for sg in signs[zero:] if sg != 0]
    pos = sum(1 for u, v in zip(nz, nz[1:]) if u != v)
    neg_signs = [sg * (-1) ** (i + zero) for i, sg in enumerate(signs[zero:]) if sg != 0]
    neg = sum(1 for u, v in zip(neg_signs, neg_signs[1:]) if u != v)
    return (pos, neg, zero), how, vfloat, Wf


def _exact_charpoly_signs(root, coords, allv, Hterms, k, W, signs, undecided):
    """Exact zero test for the undecided characteristic-polynomial coefficients (Faddeev–LeVerrier mod w).

    With coordinates ``x_v = h_v/d`` (:meth:`_ParamCoords.exact_scaled`) the matrix is
    ``H' = d^(2q)·H`` (``2q`` ≥ the degree of every entry): a positive multiple of the Hessian at α, whose
    characteristic-polynomial coefficients ``c'_i = d(α)^(2q(k−i)) c_i`` have the signs of the ``c_i``.
    """
    import flint

    h, den = coords.exact_scaled()
    fl = [h.get(v, flint.fmpq_poly([0])) for v in allv]
    deg = max((_terms_degree(Hterms[i][j]) for i in range(k) for j in range(k)), default=0)
    deg += deg % 2
    cache = {}
    H = [[_eval_mod(Hterms[i][j], fl, W, den, deg, cache) for j in range(k)] for i in range(k)]
    # Faddeev–LeVerrier: M_1 = I, c_{k-1} = -tr(H), M_{j+1} = H M_j + c_{k-j} I, c_{k-j-1} = -tr(H M_{j+1})/(j+1)
    one = flint.fmpq_poly([1])
    zero_p = flint.fmpq_poly([0])
    c = [None] * (k + 1)
    c[k] = one
    M = [[one if i == j else zero_p for j in range(k)] for i in range(k)]
    for j in range(1, k + 1):
        HM = [[sum((H[i][l] * M[l][q] for l in range(k)), zero_p) % W for q in range(k)] for i in range(k)]
        c[k - j] = (-sum((HM[i][i] for i in range(k)), zero_p) / j) % W
        M = [[(HM[i][q] + (c[k - j] if i == q else zero_p)) % W for q in range(k)] for i in range(k)]
    out = list(signs)
    for i in undecided:
        if c[i] == 0 or _sign_at_root(c[i], W, root.a, root.b) == 0:
            out[i] = 0
            continue
        # c_i(α) ≠ 0 is proved: evaluate the exact polynomial c_i in ball arithmetic until the sign shows
        prec = 128
        while True:
            with _arb_precision(prec):
                root.refine(sympy.Rational(1, 2 ** (prec + 8)))
                (ball,) = _poly_balls({0: c[i]}, root.a, root.b, [0])
                if ball > 0 or ball < 0:
                    out[i] = 1 if ball > 0 else -1
                    break
            if prec > 2 ** 16:
                raise AssumptionError("a characteristic-polynomial coefficient is nonzero at the critical point "
                                      f"but its sign was not separated from 0 at {prec} bits; expected a decision")
            prec *= 2
    return out
