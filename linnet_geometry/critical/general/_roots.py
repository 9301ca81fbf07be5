"""Exact real roots and the coordinates of the points of one chart (shape lemma, msolve's rational
parametrization, projection), in ball arithmetic (python-flint arb).

Part of :mod:`linnet_geometry.critical.general` (see its docstring for the method and THEORY §2, §4)."""

from __future__ import annotations

import math

import mpmath
import sympy

from .. import _projection
from ...exceptions import AssumptionError


_DIGITS = 40


class _RealRoot:
    """A real root α of a squarefree ``p ∈ ℚ[z]`` with an isolating interval ``[a, b]`` (rational)."""

    def __init__(self, p, a, b):
        self.p = p
        self.a = sympy.Rational(a)
        self.b = sympy.Rational(b)
        self._fp = None
        if self.a == self.b:
            return
        ends = [x for x in (self.a, self.b) if self._eval(x) == 0]
        if not ends:
            return
        if p.count_roots(self.a, self.b) == 1:   # the endpoint is the root itself
            self.a = self.b = ends[0]
            return
        # the root is inside; an endpoint is a neighbouring root (sympy's intervals may share endpoints with
        # exact rational roots): shrink by counting roots until both endpoints are non-roots
        while self._eval(self.a) == 0 or self._eval(self.b) == 0:
            mid = (self.a + self.b) / 2
            if self._eval(mid) == 0:   # the only root in the open interval
                self.a = self.b = mid
                return
            inside_left = p.count_roots(self.a, mid) - (1 if self._eval(self.a) == 0 else 0)
            if inside_left:
                self.b = mid
            else:
                self.a = mid

    def _eval(self, x):
        """``p(x)`` at a rational x, exactly (FLINT: sympy's dense evaluation is slow at high degree)."""
        import flint

        if self._fp is None:
            self._fp = flint.fmpq_poly([_fmpq_of(c) for c in reversed(self.p.all_coeffs())])
        v = self._fp(_fmpq_of(x))
        return sympy.Rational(int(v.p), int(v.q))

    @property
    def is_rational(self):
        return self.a == self.b

    def _bisect(self):
        mid = (self.a + self.b) / 2
        pm = self._eval(mid)
        if pm == 0:
            self.a = self.b = mid
        elif self._eval(self.a) * pm < 0:
            self.b = mid
        else:
            self.a = mid

    def refine(self, width):
        """Bisect the isolating interval until it is narrower than ``width`` (or α is found rational)."""
        while self.b - self.a > width and not self.is_rational:
            self._bisect()

    def value(self, q, digits=_DIGITS):
        """``q(α)``: a Rational when α is rational, else an mpmath number at a point within
        ``10^-(digits+5)`` of α (evaluated with ``digits + 20`` digits)."""
        if self.is_rational:
            return q.eval(self.a)
        self.refine(sympy.Rational(1, 10**(digits + 5)))
        if self.is_rational:
            return q.eval(self.a)
        with mpmath.workdps(digits + 20):
            mid = (self.a + self.b) / 2
            x = mpmath.mpf(int(mid.p)) / int(mid.q)
            acc = mpmath.mpf(0)
            for c in q.all_coeffs():
                acc = acc * x + mpmath.mpf(int(c.numerator)) / int(c.denominator)
            return +acc

    def exact(self):
        """α as a sympy number (Rational, or ``CRootOf(p, k)``: real roots come first, increasing)."""
        if self.is_rational:
            return self.a
        if getattr(self, "_exact", None) is None:   # CRootOf of a high-degree p costs seconds: build it once
            k = self.p.count_roots(None, self.a)    # real roots of p below the isolating interval
            self._exact = sympy.CRootOf(self.p.as_expr(), k)
        return self._exact


class _ShapeCoords(dict):
    """Shape-lemma coordinates ``{v: g_v ∈ ℚ[z]}`` of the points of one chart (the roots of p)."""

    def exact_values(self, root):
        """``{v: g_v(α)}`` exactly: Rationals at a rational α, else expressions in ``CRootOf``."""
        if root.is_rational:
            return {v: q.eval(root.a) for v, q in self.items()}
        alpha = root.exact()
        return {v: q.as_expr().subs(q.gen, alpha) for v, q in self.items()}

    def numeric_values(self, root, digits):
        """``{v: g_v(α)}`` as mpmath numbers (see :meth:`_RealRoot.value`)."""
        return {v: root.value(q, digits) for v, q in self.items()}


class _ParamCoords(dict):
    """msolve coordinates ``{v: g_v ∈ ℚ[z]}`` (reduced modulo the squarefree eliminant w), plus FLINT copies."""

    def __init__(self):
        super().__init__()
        self.flint = {}
        self.flint_w = None
        self.real_intervals = []

    #: True when :meth:`balls` narrow with the root's interval at every root (no removable 0/0 in the formulas).
    regular = False

    def exact_form(self):
        """``{v: g_v}`` as FLINT polynomials modulo ``flint_w``."""
        return self.flint

    def exact_scaled(self):
        """``({v: h_v}, d)`` with ``x_v(α) = h_v(α)/d(α)`` and ``d(α) ≠ 0`` at every root (FLINT, modulo ``flint_w``).

        Here ``d = 1``; msolve's coordinates (:class:`_MsolveCoords`) keep their common denominator.
        """
        import flint

        return self.exact_form(), flint.fmpq_poly([1])

    def balls(self, lo, hi, variables):
        """Balls containing the coordinates at the root of ``flint_w`` in ``[lo, hi]`` (current arb precision)."""
        return _poly_balls(self.flint, lo, hi, variables)

    def _fill(self):
        """The sympy polynomials, built on first use (exact images and lifts only need them)."""
        if not self and self.flint:
            z = sympy.Symbol("z_sep")
            for v, q in self.flint.items():
                self[v] = sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(q.coeffs())] or [0], z,
                                     domain="QQ")

    def exact_values(self, root):
        source = getattr(self, "_source", None)
        if source is not None:
            vals = source.exact_values(root)
            if not root.is_rational or all(x.is_finite for x in vals.values()):
                return vals
            # the route's rational functions are 0/0 at this rational α: the polynomials modulo p are not
            a = _fmpq_of(root.a)
            return {v: sympy.Rational(int(q(a).p), int(q(a).q)) for v, q in self.exact_form().items()}
        self._fill()
        return _ShapeCoords.exact_values(self, root)

    def numeric_values(self, root, digits):
        source = getattr(self, "_source", None)
        if source is not None:
            return source.numeric_values(root, digits)
        self._fill()
        return _ShapeCoords.numeric_values(self, root, digits)


def _fmpq_of(q):
    """A sympy/Python rational as python-flint ``fmpq``."""
    import flint

    q = sympy.Rational(q)
    return flint.fmpq(int(q.p), int(q.q))


class _MsolveCoords(_ParamCoords):
    """msolve's rational parametrization ``x_v = -num_v(t)/(cf_v·den(t))`` at the roots of the squarefree ``w``.

    ``den`` is coprime to ``w`` (checked by the caller), so the formulas are regular at every root: balls
    narrow with the root's interval (:attr:`regular`), exact values are quotients, and the exact zero tests
    use the homogenised form :meth:`exact_scaled` (no inverse of ``den`` modulo ``w``).
    """

    regular = True

    def __init__(self, w, den, params):
        import flint

        super().__init__()
        self.flint_w = flint.fmpq_poly(w)
        self._den = den                       # fmpz_poly
        self._params = params                 # {v: (num_v: fmpz_poly, cf_v: int)}
        self._scaled = None

    def balls(self, lo, hi, variables):
        import flint

        mid, rad = (lo + hi) / 2, (hi - lo) / 2
        z = flint.arb(_fmpq_of(mid), flint.arb(_fmpq_of(rad)))
        d = flint.arb_poly(self._den)(z)
        out = []
        for v in variables:
            if v not in self._params:
                out.append(flint.arb(0))
                continue
            num, cf = self._params[v]
            out.append(-flint.arb_poly(num)(z) / (cf * d))
        return out

    def exact_scaled(self):
        if self._scaled is None:
            import flint

            L = 1
            for _, cf in self._params.values():
                L = L * abs(cf) // math.gcd(L, abs(cf))
            W = self.flint_w
            h = {v: (flint.fmpq_poly(num) * (-(L // cf))) % W for v, (num, cf) in self._params.items()}
            self._scaled = (h, (flint.fmpq_poly(self._den) * L) % W)
        return self._scaled

    def exact_form(self):
        """``{v: g_v mod w}`` — needs ``den⁻¹ mod w`` (an extended gcd, slow at high degree); built on first use
        only (the classification uses :meth:`exact_scaled` instead)."""
        if not self.flint:
            import flint

            W = self.flint_w
            g, inv, _ = (flint.fmpq_poly(self._den) % W).xgcd(W)
            inv = inv / g[0]
            for v, (num, cf) in self._params.items():
                self.flint[v] = (-(flint.fmpq_poly(num) * inv) / cf) % W
        return self.flint

    def exact_values(self, root):
        """``{v: x_v(α)}`` exactly: Rationals at a rational α, else quotients of polynomials in a ``CRootOf``."""
        if root.is_rational:
            a = _fmpq_of(root.a)
            d = flint_fmpq_poly_eval(self._den, a)
            out = {}
            for v, (num, cf) in self._params.items():
                x = -flint_fmpq_poly_eval(num, a) / (cf * d)
                out[v] = sympy.Rational(int(x.p), int(x.q))
            return out
        alpha = root.exact()
        z = sympy.Dummy("z")

        def at(poly):
            return sympy.Poly([int(c) for c in reversed(poly.coeffs())] or [0], z).as_expr().subs(z, alpha)

        d = at(self._den)
        return {v: -at(num) / (cf * d) for v, (num, cf) in self._params.items()}

    def numeric_values(self, root, digits):
        """``{v: x_v(α)}`` as mpmath numbers, correct to about ``digits`` digits (ball arithmetic)."""
        prec = int(digits * 3.33) + 64
        while True:
            with _arb_precision(prec):
                root.refine(sympy.Rational(1, 2 ** (prec + 8)))
                lo, hi = (root.a, root.a) if root.is_rational else (root.a, root.b)
                keys = list(self._params)
                xs = self.balls(lo, hi, keys)
                if all(x.is_finite() and x.rad() <= abs(x.mid()) * 2.0 ** (-3.33 * digits) + 2.0 ** (-3.33 * digits)
                       for x in xs) or prec > 2 ** 16:
                    with mpmath.workdps(digits + 20):
                        return {v: mpmath.mpf(_arb_fraction(x.mid()).p) / int(_arb_fraction(x.mid()).q)
                                for v, x in zip(keys, xs)}
            prec *= 2


def flint_fmpq_poly_eval(poly, a):
    """``poly(a)`` exactly, ``poly`` an fmpz_poly or fmpq_poly and ``a`` an fmpq."""
    import flint

    return flint.fmpq_poly(poly)(a)


def _poly_balls(polys, lo, hi, variables):
    """Balls containing ``g_v(α)`` for the FLINT polynomials ``polys[v]``, α ∈ [lo, hi] (current arb precision)."""
    import flint

    mid, rad = (lo + hi) / 2, (hi - lo) / 2
    z = flint.arb(flint.fmpq(int(mid.p), int(mid.q)), flint.arb(flint.fmpq(int(rad.p), int(rad.q))))
    return [flint.arb_poly(polys[v])(z) if polys[v].degree() >= 0 else flint.arb(0) for v in variables]


def _as_param_coords(p, coords, variables):
    """The FLINT form (:class:`_ParamCoords`) of the coordinates of any route, for the certified classification.

    ``p`` is the (squarefree) eliminant of the chart, ``coords`` shape-lemma coordinates (sympy route, Singular,
    Macaulay2) or projected coordinates.  Variables that the route does not parametrize (the Rabinowitsch ``t``
    of the projection route, which enters neither ℓ nor W) are set to 0.  Projected coordinates are rational
    functions of α: they are evaluated in ball arithmetic directly, and reduced to polynomials modulo p (one
    extended gcd per coordinate, costly for large p) only when a ball cannot decide.
    """
    import flint

    if isinstance(coords, _ParamCoords):
        return coords
    out = _ParamCoords()
    W = flint.fmpq_poly([flint.fmpq(int(c.p), int(c.q)) for c in reversed(p.all_coeffs())])
    W = W / W.gcd(W.derivative())  # the distinct roots (every route's p is squarefree; kept safe)
    W = W / W[W.degree()]
    out.flint_w = W
    den = 1
    for c in W.coeffs():
        den = den * int(c.q) // math.gcd(den, int(c.q))
    out.real_intervals = real_root_intervals(flint.fmpz_poly([int(c * den) for c in W.coeffs()]))
    out._source = coords  # exact values and lifts keep the route's own (possibly cheaper) formulas
    if isinstance(coords, _ShapeCoords):
        for v, q in coords.items():
            out.flint[v] = flint.fmpq_poly([flint.fmpq(int(c.p), int(c.q)) for c in reversed(q.all_coeffs())]) % W
        for v in variables:
            out.flint.setdefault(v, flint.fmpq_poly([0]))
        return out

    def exact_form():
        if not out.flint:
            try:
                out.flint.update(coords.flint_coordinates(W))
            except _projection.ProjectionNotApplicable as err:
                raise AssumptionError(f"projected coordinates: expected finite coordinates at every root of the "
                                      f"eliminant; {err}") from None
            for v in variables:
                out.flint.setdefault(v, flint.fmpq_poly([0]))
        return out.flint

    def balls(lo, hi, variables):
        vals = coords.arb_coordinates(lo, hi)
        xs = [vals.get(v, flint.arb(0)) for v in variables]
        if all(x.is_finite() for x in xs):
            return xs
        # a removable 0/0 of the rational coordinate functions at α: use the polynomials modulo p
        return _poly_balls(exact_form(), lo, hi, variables)

    out.exact_form, out.balls = exact_form, balls
    return out


def _arb_fraction(x):
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    return sympy.Integer(man) * sympy.Integer(2) ** exp


def real_root_intervals(W, prec=128):
    """Rational isolating intervals ``(a, b)`` of the real roots of the squarefree ``W`` (fmpz_poly), ascending.

    FLINT's ``complex_roots`` returns isolating balls, real roots with exactly zero imaginary part
    (arb_fmpz_poly_complex_roots); the real ball's endpoints, read while its precision is set, are exact.
    """
    import flint

    old = flint.ctx.prec
    try:
        flint.ctx.prec = prec
        out = []
        for c, _ in W.complex_roots():
            if c.imag.is_zero():
                out.append((_arb_fraction(c.real.lower()), _arb_fraction(c.real.upper())))
        return sorted(out)
    finally:
        flint.ctx.prec = old


_arb_precision = _projection._precision  # set python-flint's working precision for a block
