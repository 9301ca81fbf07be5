"""Exact real algebraic numbers for the critical points of convolutional networks.

A real critical point found by the solvers of :mod:`.critical` lives in a
number field ``K = ℚ[z]/(q)`` with ``q`` irreducible, at a real root ``α`` of
``q`` given by a rational isolating interval.  Its coordinates are elements of
K (``fmpq_poly`` of degree < deg q, reduced mod q), so

* equality to zero is exact (``q`` irreducible: ``x(α) = 0`` iff ``x ≡ 0``);
* signs are exact: ``x(α)`` is evaluated in ball arithmetic (FLINT ``arb``) on
  the isolating interval, which is bisected until the ball excludes 0 — this
  terminates because ``x(α) ≠ 0`` once ``x ≢ 0``;
* the exact sympy number is ``Σ c_i CRootOf(q, k)^i`` (built on demand).

Nothing here guesses: every decision is exact.
"""

from __future__ import annotations

import functools
import itertools
from fractions import Fraction

import flint
import sympy

from ...exact.modular import quotients_mod

__all__ = ["RealAlgebraicField", "to_fmpq_poly", "evaluate_terms", "compare_values", "minimal_polynomial_of", "real_root_counts", "isolated_roots", "real_isolated_roots",
           "squarefree_parts"]


def to_fmpq_poly(poly) -> flint.fmpq_poly:
    """A univariate sympy Poly / list of rationals (low degree first) as ``flint.fmpq_poly``."""
    if isinstance(poly, flint.fmpq_poly):
        return poly
    if isinstance(poly, sympy.Poly):
        coeffs = [sympy.Rational(c) for c in reversed(poly.all_coeffs())]
    else:
        coeffs = [sympy.Rational(c) for c in poly]
    return flint.fmpq_poly([flint.fmpq(int(c.p), int(c.q)) for c in coeffs])


def _exact_fmpq(x) -> flint.fmpq:
    """The exact rational value of an ``arb`` with radius 0 (e.g. ``ball.lower()``)."""
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    return flint.fmpq(man * 2 ** exp) if exp >= 0 else flint.fmpq(man, 2 ** -exp)


def _fq(x) -> flint.fmpq:
    x = sympy.Rational(x) if not isinstance(x, (int, Fraction, flint.fmpq)) else x
    if isinstance(x, flint.fmpq):
        return x
    if isinstance(x, int):
        return flint.fmpq(x)
    if isinstance(x, Fraction):
        return flint.fmpq(x.numerator, x.denominator)
    return flint.fmpq(int(x.p), int(x.q))


def evaluate_terms(terms, values, mul, cache, one):
    """``Σ c·x^m`` over ``terms = [(m, c), ...]`` at ``x = values`` (unreduced sum of reduced products).

    Each monomial is computed once, from the monomial of degree one less, with ``mul``; ``cache``
    (a dict kept by the caller) shares the monomials between calls at the same ``values``;
    ``one`` is the value of the empty monomial.

    >>> evaluate_terms([((2, 0), 3), ((1, 1), 1)], [2, 5], lambda a, b: a * b, {}, 1)
    22
    """
    def monomial(m):
        hit = cache.get(m)
        if hit is None:
            i = max(k for k, e in enumerate(m) if e)
            hit = cache[m] = mul(monomial(m[:i] + (m[i] - 1,) + m[i + 1:]), values[i])
        return hit

    cache.setdefault((0,) * len(values), one)
    acc = one * 0
    for m, c in terms:
        acc = acc + monomial(m) * c
    return acc


def binary_discriminant(form, var, lead):
    """± the discriminant of a binary form of formal degree ``deg_var form`` (FLINT ``fmpz_mpoly``; ``lead`` its
    coefficient of the top power of ``var``): ``Res_var(form, ∂form) = ± lead · Disc``, so it vanishes at a
    point iff the form has a repeated root in ℙ¹ there, a root at ∞ included (the leading coefficient zero).
    Only its zeros are used: the sign is left as the resultant gives it.

    >>> import flint
    >>> ctx = flint.fmpz_mpoly_ctx.get(("a", "b", "c", "t"), "lex")
    >>> a, b, c, t = ctx.gens()
    >>> binary_discriminant(a + b * t + c * t**2, "t", c)     # −(b² − 4ac)
    4*a*c - b^2
    """
    D, rem = divmod(form.resultant(form.derivative(var), var), lead)
    if rem != 0:  # pragma: no cover - Res(F, F′) is a multiple of the leading coefficient
        raise ArithmeticError("binary discriminant: the resultant is not divisible by the leading coefficient")
    return D


#: sympy ≥ 1.13: a Rational from coprime integers without another gcd
_FROM_COPRIME = getattr(sympy.Rational, "from_coprime_ints", None)


def _sympy_rational(c):
    """An ``fmpq`` as a sympy Rational.  FLINT's fmpq is canonical (coprime, positive denominator), so
    sympy's gcd is skipped when sympy allows it: on large components that gcd of 100,000-bit integers
    was most of the time spent converting exact results to sympy."""
    p, q = int(c.p), int(c.q)
    return _FROM_COPRIME(p, q) if _FROM_COPRIME is not None else sympy.Rational(p, q)


class RealAlgebraicField:
    """``K = ℚ[z]/(q)`` with a chosen real root ``α`` of the irreducible ``q``.

    Parameters
    ----------
    q : fmpq_poly or sympy Poly
        Irreducible over ℚ (not checked here: the solvers pass irreducible factors).
    lo, hi : rational
        An isolating interval of α (``lo == hi`` for a rational root).
    real_index : int, optional
        The number of real roots of q below α, when the caller knows it (it names α as
        ``CRootOf(q, real_index)`` without another root count).

    Examples
    --------
    >>> K = RealAlgebraicField([-2, 0, 1], 1, 2)          # α = √2
    >>> a = K.gen()
    >>> K.is_zero(a * a - 2), K.sign(a - K(sympy.Rational(141, 100)))
    (True, 1)
    >>> K.to_sympy(a * a + a)
    sqrt(2) + 2
    """

    def __init__(self, q, lo, hi, real_index=None):
        q = to_fmpq_poly(q)
        if q.degree() < 1:
            raise ValueError(f"q must have degree >= 1; received {q}")
        self.q = q * (1 / q.leading_coefficient())
        self.lo = _fq(lo)
        self.hi = _fq(hi)
        if self.q.degree() == 1:
            root = -self.q[0]
            self.lo = self.hi = root
        self._lo0 = self.lo  # the given isolating interval's end (stays small; refinements do not)
        self._sympy_alpha = None
        self._real_index = real_index   # number of real roots of q below α, when the caller knows it

    # -- construction
    @property
    def degree(self) -> int:
        return self.q.degree()

    @property
    def is_rational(self) -> bool:
        return self.q.degree() == 1

    def __call__(self, x) -> flint.fmpq_poly:
        """The element of K given by a rational number or a polynomial in z."""
        if isinstance(x, flint.fmpq_poly):
            return x % self.q
        if isinstance(x, sympy.Poly):
            return to_fmpq_poly(x) % self.q
        return flint.fmpq_poly([_fq(x)])

    def gen(self) -> flint.fmpq_poly:
        return flint.fmpq_poly([0, 1]) % self.q

    def reduce(self, x):
        return x % self.q

    def mul(self, x, y):
        return (x * y) % self.q

    def inv(self, x):
        x = x % self.q
        if x.is_zero():
            raise ZeroDivisionError("inverse of 0 in a number field")
        D = self.q.degree()
        if D <= 6:
            g, s, _ = x.xgcd(self.q)
            return (s * (1 / g[0])) % self.q
        # large fields: p-adic lifting and rational reconstruction (exact.modular); with the
        # multi-thousand-digit coefficients of critical points it is ~3x faster than solving
        # (multiplication by x)·y = 1 over ℚ and far faster than fmpq_poly's extended Euclid
        return quotients_mod([flint.fmpq_poly([1])], x, self.q)[0]

    def is_zero(self, x) -> bool:
        return (x % self.q).is_zero()

    # -- real embedding
    def _refine(self):
        lo, hi = self.lo, self.hi
        mid = (lo + hi) / 2
        vm = self.q(mid)
        if vm == 0:
            self.lo = self.hi = mid
            return
        vlo = self.q(lo)
        if vlo == 0:  # pragma: no cover - isolating intervals exclude other roots; lo itself is not a root
            self.lo = self.hi = lo
            return
        if (vlo > 0) != (vm > 0):
            self.hi = mid
        else:
            self.lo = mid

    def _ball(self, x, prec):
        old = flint.ctx.prec
        flint.ctx.prec = prec
        try:
            mid = (self.lo + self.hi) / 2
            rad = (self.hi - self.lo) / 2
            a = flint.arb(mid) + flint.arb(0, flint.arb(rad).upper()) if rad != 0 else flint.arb(mid)
            acc = flint.arb(0)
            for c in reversed(list((x % self.q).coeffs())):
                acc = acc * a + flint.arb(c)
            return acc
        finally:
            flint.ctx.prec = old

    def _narrow(self, width):
        """Shrink the isolating interval below ``width`` by interval Newton steps (quadratic), with a
        bisection whenever a step would not halve it (q′ may vanish on a wide interval).

        The Newton operator ``N(X) = m − q(m)/q′(X)`` (m the midpoint, q′(X) an ``arb`` enclosure
        not containing 0) contains every root of q in X, so ``X ∩ N(X)`` still isolates α; its
        end points are read exactly from the ball's bounds.
        """
        dq = self.q.derivative()
        while self.lo != self.hi and self.hi - self.lo > width:
            lo, hi = self.lo, self.hi
            m = (lo + hi) / 2
            qm = self.q(m)
            if qm == 0:
                self.lo = self.hi = m
                return
            old = flint.ctx.prec
            # enough bits for the target width and for the current interval's end points
            flint.ctx.prec = 64 + 2 * max(int(width.q).bit_length(), int(m.q).bit_length(), int(hi.q - lo.q).bit_length())
            try:
                X = flint.arb(m) + flint.arb(0, flint.arb((hi - lo) / 2).upper())
                dX = flint.arb(0)
                for c in reversed(dq.coeffs()):
                    dX = dX * X + flint.arb(c)
                new = None
                if not dX.contains(0):
                    N = flint.arb(m) - flint.arb(qm) / dX
                    a, b = (_exact_fmpq(N.lower()), _exact_fmpq(N.upper()))
                    a, b = max(a, lo), min(hi, b)
                    if a <= b and (b - a) * 2 <= hi - lo:
                        new = (a, b)
            finally:
                flint.ctx.prec = old
            if new is None:
                self._refine()
            else:
                self.lo, self.hi = new

    def ball(self, x, prec):
        """A ball (``flint.arb``) containing ``x(α)``, with α's interval narrowed to about ``2^−prec``."""
        if self.lo != self.hi:
            self._narrow(self._width(prec))
        return self._ball(x, prec)

    def _width(self, prec):
        """An interval width of about ``2^−prec`` relative to α's size."""
        return flint.fmpq(1, 2 ** prec) * (1 + abs(self.lo) + abs(self.hi))

    def sign(self, x) -> int:
        """Exact sign of ``x(α)`` (−1, 0, 1)."""
        x = x % self.q
        if x.is_zero():
            return 0
        if self.lo == self.hi:
            v = x(self.lo)
            return (v > 0) - (v < 0)
        prec = 64
        while True:
            b = self.ball(x, prec)   # α to about 2^−prec: cancellation of c bits needs prec ≈ c
            if self.lo == self.hi:
                v = x(self.lo)
                return (v > 0) - (v < 0)
            if b > 0:
                return 1
            if b < 0:
                return -1
            prec *= 2

    def to_float(self, x) -> float:
        """``x(α)`` as a float (accurate to double precision)."""
        x = x % self.q
        if x.is_zero():
            return 0.0
        # x(α) ≠ 0 (q irreducible, x ≢ 0): a narrower interval *and* a higher working precision
        # shrink the ball below any relative size (a fixed precision would leave a rounding floor
        # that cancellation in the sum can keep above |x(α)|·1e-17 for ever).  ``ball`` moves both
        # together, α to about 2^−prec at precision prec, so c bits of cancellation cost log2(c)
        # rounds (a fixed shrinking factor per round made the precision grow as 2^(c/16)).
        prec = 128
        while True:
            b = self.ball(x, prec)
            if self.lo == self.hi:
                return float(_sympy_rational(x(self.lo)))
            if b.rad() < abs(b.mid()) * 1e-17:
                return float(b.mid())
            prec *= 2

    def alpha_sympy(self):
        """α as a sympy number (Rational or CRootOf)."""
        if self._sympy_alpha is None:
            if self.is_rational:
                r = self.lo
                self._sympy_alpha = sympy.Rational(int(r.p), int(r.q))
            elif self.degree == 2:  # radicals: the root of q in the isolating interval
                c0, c1, _ = [sympy.Rational(int(c.p), int(c.q)) for c in self.q.coeffs()]
                disc = c1**2 - 4 * c0
                # α is the larger root iff α > −c1/2 (the mean of the two roots): an exact sign in K
                larger = self.sign(self.gen() + flint.fmpq_poly([self.q[1] / 2])) > 0
                self._sympy_alpha = (-c1 + (1 if larger else -1) * sympy.sqrt(disc)) / 2
            else:
                z = sympy.Symbol("z")
                qq = sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(list(self.q.coeffs()))], z)
                k = self._real_index
                if k is None:   # CRootOf numbers the real roots first, increasing
                    k = self._real_roots_below(self._lo0)
                if k is None:
                    k = qq.count_roots(None, sympy.Rational(int(self._lo0.p), int(self._lo0.q)))
                self._sympy_alpha = sympy.CRootOf(qq.as_expr(), k)
        return self._sympy_alpha

    def _real_roots_below(self, c):
        """Number of real roots of q below the rational c (FLINT's certified complex root isolation;
        real roots come back with an exactly zero imaginary part), or ``None`` when a ball meets c."""
        Z = flint.fmpz_poly([int(a * self.q.denom()) for a in self.q.coeffs()])
        count = 0
        cb = flint.arb(c)
        for root, _m in Z.complex_roots():
            if not (root.imag == 0):
                continue
            if root.real < cb:
                count += 1
            elif not root.real > cb:
                return None
        return count

    def to_sympy(self, x):
        """``x(α)`` as an exact sympy number."""
        x = x % self.q
        cs = [_sympy_rational(c) for c in x.coeffs()]
        if self.is_rational or len(cs) <= 1:
            if not cs:
                return sympy.Integer(0)
            if self.is_rational:
                r = self.lo
                return _sympy_rational(x(r))
            return cs[0]
        a = self.alpha_sympy()
        if self.degree == 2:  # a radical: expand to the normal form p + q·√d
            return sympy.expand(sum(c * a**i for i, c in enumerate(cs)))
        return sympy.Add(*(c * a**i for i, c in enumerate(cs)))  # Σ c_i CRootOf^i, already expanded

    def interval(self):
        """The current isolating interval ``(lo, hi)`` as sympy Rationals."""
        return (sympy.Rational(int(self.lo.p), int(self.lo.q)), sympy.Rational(int(self.hi.p), int(self.hi.q)))

    def minimal_polynomial(self):
        """``q`` as a sympy expression in ``z`` (integer coefficients)."""
        z = sympy.Symbol("z")
        expr = sum(sympy.Rational(int(c.p), int(c.q)) * z**i for i, c in enumerate(self.q.coeffs()))
        return sympy.Poly(expr, z).clear_denoms()[1].as_expr()

    def __repr__(self):
        return f"RealAlgebraicField(q={self.q}, interval=[{self.lo}, {self.hi}])"


# ----------------------------------------------------------------------------- polynomials over K
def _ktrim(K, p):
    p = [K.reduce(x) for x in p]
    while p and K.is_zero(p[-1]):
        p.pop()
    return p


def _kdivmod(K, a, b):
    """Quotient and remainder of polynomials over K (lists, low degree first; b non-zero, trimmed)."""
    a = _ktrim(K, a)
    inv = K.inv(b[-1])
    quo = [flint.fmpq_poly([0])] * max(len(a) - len(b) + 1, 0)
    while len(a) >= len(b):
        fac = K.mul(a[-1], inv)
        shift = len(a) - len(b)
        quo[shift] = fac
        for i, y in enumerate(b):
            a[shift + i] = K.reduce(a[shift + i] - K.mul(fac, y))
        a = _ktrim(K, a[:-1] + [a[-1]])
    return _ktrim(K, quo), a


def _kgcd(K, a, b):
    a, b = _ktrim(K, a), _ktrim(K, b)
    while b:
        a, b = b, _kdivmod(K, a, b)[1]
    return a


def _kderiv(K, p):
    return _ktrim(K, [K.reduce(x * flint.fmpq(i)) for i, x in enumerate(p)][1:])


def _sturm_count(K, f):
    """Distinct real roots (in the real embedding of K) of a non-constant polynomial f over K: Sturm's theorem."""
    seq = [f, _kderiv(K, f)]
    while len(seq[-1]) > 1:
        r = _kdivmod(K, seq[-2], seq[-1])[1]
        if not r:
            break
        seq.append([K.reduce(-x) for x in r])

    def variations(signs):
        s = [x for x in signs if x != 0]
        return sum(1 for a, b in zip(s, s[1:]) if a != b)

    at_pos = [K.sign(p[-1]) for p in seq]
    at_neg = [K.sign(p[-1]) * (-1) ** (len(p) - 1) for p in seq]
    return variations(at_neg) - variations(at_pos)


def isolated_roots(K, coeffs, max_prec=1024, balls=None):
    """Certified isolating balls of the complex roots of ``Σ c_i t^i`` (``c_i`` in K), or ``None``.

    The coefficients are enclosed in balls (α's interval narrowed, working precision
    raised up to ``max_prec``) and Arb's root finder validates its output on that ball
    polynomial: when it succeeds, the returned ``deg`` balls are pairwise disjoint and
    each contains exactly one root of *every* polynomial with coefficients in the
    balls, the exact one included.  So a list certifies that the polynomial is
    squarefree; ``None`` means "not certified" (it may have a repeated root), and the
    caller decides exactly instead.  Zero top coefficients are removed exactly first.
    ``balls(prec)``, when given, encloses the coefficients another way (e.g. from the balls of a
    point's coordinates) instead of one :meth:`RealAlgebraicField.ball` per coefficient.

    Examples
    --------
    >>> K = RealAlgebraicField([-2, 0, 1], 1, 2)          # α = √2
    >>> a = K.gen()
    >>> len(isolated_roots(K, [K(-1), K(0), a]))          # √2 t² − 1
    2
    >>> isolated_roots(K, [K(2), K.reduce(-2 * a), K(1)]) is None    # (t − √2)²
    True
    """
    p = _ktrim(K, list(coeffs))
    if len(p) <= 1:
        return []
    prec = 64
    while prec <= max_prec:
        old = flint.ctx.prec
        flint.ctx.prec = prec
        try:
            enclosures = balls(prec)[:len(p)] if balls is not None else [K.ball(x, prec) for x in p]
            poly = flint.acb_poly([flint.acb(b) for b in enclosures])
            roots = None if 0 in poly[len(p) - 1] else poly.roots(maxprec=4 * prec)
        except ValueError:  # Arb could not validate: insufficient precision or a repeated root
            roots = None
        finally:
            flint.ctx.prec = old
        if roots is not None and len(roots) == len(p) - 1:
            return list(roots)
        prec *= 2
    return None


def real_isolated_roots(roots):
    """How many of the certified root balls of a *real* polynomial hold real roots (``None``: undecided).

    A ball whose imaginary part excludes 0 holds a non-real root.  A ball B meeting the
    real axis holds a real root when the mirror image of B meets no other ball: the
    conjugate of its root is a root, lies in the mirror image of B and in some ball,
    hence in B, which holds exactly one root.

    Examples
    --------
    >>> K = RealAlgebraicField([0, 1], 0, 0)               # ℚ
    >>> real_isolated_roots(isolated_roots(K, [K(-1), K(0), K(0), K(1)]))   # t³ − 1
    1
    """
    count = 0
    for i, z in enumerate(roots):
        if 0 not in z.imag:
            continue
        mirror = z.conjugate()
        if any(j != i and mirror.overlaps(w) for j, w in enumerate(roots)):
            return None
        count += 1
    return count


def squarefree_parts(K, coeffs):
    """Yun's square-free decomposition ``p = Π a_i^i`` over K: ``[(a_i, i), ...]`` (exact, Galois-invariant).

    Examples
    --------
    >>> K = RealAlgebraicField([-2, 0, 1], 1, 2)          # α = √2
    >>> a = K.gen()
    >>> [(len(f) - 1, m) for f, m in squarefree_parts(K, [K(2), K.reduce(-2 * a), K(1)])]   # (t − √2)²
    [(0, 1), (1, 2)]
    """
    p = _ktrim(K, list(coeffs))
    if not p:
        raise ValueError("squarefree_parts: expected a non-zero polynomial")
    dp = _kderiv(K, p)
    g = _kgcd(K, p, dp) if dp else p
    if len(g) <= 1:
        return [(p, 1)]
    parts = []
    b = _kdivmod(K, p, g)[0]
    c = _kdivmod(K, dp, g)[0]
    d = _ktrim(K, [K.reduce(x - y) for x, y in itertools.zip_longest(c, _kderiv(K, b),
                                                                       fillvalue=flint.fmpq_poly([0]))])
    i = 1
    while len(b) > 1:
        a = _kgcd(K, b, d)
        parts.append((a, i))
        b = _kdivmod(K, b, a)[0]
        c = _kdivmod(K, d, a)[0]
        d = _ktrim(K, [K.reduce(x - y) for x, y in itertools.zip_longest(c, _kderiv(K, b),
                                                                           fillvalue=flint.fmpq_poly([0]))])
        i += 1
    return parts


def real_root_counts(K, coeffs, degree, parts=None):
    """``(r, r_odd)`` for the binary form ``π(c) = Σ c_i x^{D−i} y^i`` with coefficients in K (non-zero).

    ``r``: real roots in ``P^1`` with multiplicity (a root at infinity of multiplicity
    ``D − deg_t c(t)`` included); ``r_odd``: distinct real roots of odd multiplicity.  Exact:
    square-free decomposition over K (Yun; ``parts`` from :func:`squarefree_parts` may be
    passed in, it does not depend on the real embedding), then for each squarefree part the
    real roots are counted by certified root isolation (:func:`isolated_roots`,
    :func:`real_isolated_roots`) or, when that cannot decide, by a Sturm sequence whose signs
    are decided by :meth:`RealAlgebraicField.sign`.

    Examples
    --------
    >>> K = RealAlgebraicField([-2, 0, 1], 1, 2)          # α = √2
    >>> a = K.gen()
    >>> real_root_counts(K, [K(2), K.reduce(-2 * a), K(1), K(0)], 3)   # (t − √2)² · x
    (3, 1)
    >>> real_root_counts(K, [K(1), K(0), K(1)], 2)        # 1 + t²
    (0, 0)
    """
    p = _ktrim(K, list(coeffs))
    if not p:
        raise ValueError("real_root_counts: expected a non-zero polynomial")
    inf = degree - (len(p) - 1)
    r, r_odd = inf, (1 if inf % 2 else 0)
    if parts is None:
        # fast certified path: a squarefree polynomial (isolated roots) whose real roots are decided
        roots = isolated_roots(K, p)
        n_real = None if roots is None else real_isolated_roots(roots)
        if n_real is not None:
            return r + n_real, r_odd + n_real
        parts = squarefree_parts(K, p)
    for a, m in parts:
        if len(a) <= 1:
            continue
        roots = isolated_roots(K, a)
        n = None if roots is None else real_isolated_roots(roots)
        if n is None:
            n = _sturm_count(K, a)
        r += m * n
        if m % 2:
            r_odd += n
    return r, r_odd


def cumulative_strides(strides):
    """``(S_0, S_1, ..., S_L)`` with ``S_0 = 1`` and ``S_l = s_1 ⋯ s_l``.

    >>> cumulative_strides((2, 1, 3))
    (1, 2, 2, 6)
    """
    out = [1]
    for s in strides:
        out.append(out[-1] * s)
    return tuple(out)


def end_to_end_filter_size(filter_sizes, strides):
    """``k̄ = k_1 + Σ_{l>=2} (k_l - 1) S_{l-1}``, the size of the end-to-end filter (KMMT2022).

    >>> end_to_end_filter_size((3, 3), (2, 1))
    7
    """
    S = cumulative_strides(strides)
    return 1 + sum((k - 1) * S[l] for l, k in enumerate(filter_sizes))


def _rational_value(v):
    """``v`` as an ``fmpq`` when it is rational (a number, or a constant of its field), else None."""
    if isinstance(v, tuple):
        K, x = v
        x = x % K.q
        return None if x.degree() > 0 else (x[0] if not x.is_zero() else flint.fmpq(0))
    return flint.fmpq(int(v.numerator), int(v.denominator))


def _value_ball(v, prec, cache=None):
    if isinstance(v, tuple):
        if cache is None:
            return v[0].ball(v[1], prec)
        key = (id(v), prec)   # the caller keeps v alive while the cache lives
        if key not in cache:
            cache[key] = v[0].ball(v[1], prec)
        return cache[key]
    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        return flint.arb(_rational_value(v))
    finally:
        flint.ctx.prec = old


def multiplication_matrix(q, g):
    """Entries (row-major) of multiplication by ``g`` in ``F[z]/(q)`` in the basis ``1, z, …, z^{d−1}``
    (F = ℚ for ``fmpq_poly``, GF(p) for ``nmod_poly``): column j holds ``g · z^j mod q``."""
    d = q.degree()
    z = flint.nmod_poly([0, 1], q.modulus()) if isinstance(q, flint.nmod_poly) else flint.fmpq_poly([0, 1])
    cols, col = [], g % q
    for _ in range(d):
        cols.append([col[i] for i in range(d)])
        col = (col * z) % q
    return [cols[j][i] for i in range(d) for j in range(d)]


def minimal_polynomial_of(K, x):
    """The minimal polynomial over ℚ (monic ``fmpq_poly``) of ``x(α)``, ``x ∈ K = ℚ[z]/(q)``.

    The characteristic polynomial of multiplication by x is ``m^{d/e}`` (q irreducible), so m is
    its squarefree part.

    >>> K = RealAlgebraicField([-2, 0, 1], 1, 2)
    >>> minimal_polynomial_of(K, K.reduce(K.gen() + 1))    # 1 + √2
    x^2 + (-2)*x + (-1)
    """
    return _minimal_polynomial_mod(K.q, x)


def _minimal_polynomial_mod(q, x):
    """The minimal polynomial of ``x(α)`` for a root α of the irreducible q (see :func:`minimal_polynomial_of`)."""
    d = q.degree()
    c = flint.fmpq_poly(flint.fmpq_mat(d, d, multiplication_matrix(q, x)).charpoly())
    if c.degree() > 1:
        c = c / c.gcd(c.derivative())
    return c * (1 / c.leading_coefficient())


def _ball_sign(a, b, precs, cache=None):
    for prec in precs:
        d = _value_ball(a, prec, cache) - _value_ball(b, prec, cache)
        if d > 0:
            return 1
        if d < 0:
            return -1
    return None


#: cost (field degree³ × largest coefficient in bits) above which two values in different number
#: fields that agree to 1024 bits are left undetermined instead of compared through their minimal
#: polynomials over ℚ.  Measured (FLINT's characteristic polynomial): degree 34 × 7,300 bits 0.8 s,
#: degree 68 × 5,100 bits 3.6 s, degree 45 × 14,100 bits 4.7 s — about 3·10⁻⁹ s per unit, so the
#: bound keeps one minimal polynomial under about a minute (computed once per component: cached).
CROSS_FIELD_COST = 2 * 10**10


def _field_cost(v):
    K, x = v
    x = x % K.q
    bits = max((int(c.p).bit_length() + int(c.q).bit_length() for c in x.coeffs()), default=1)
    return K.q.degree() ** 3 * bits


@functools.lru_cache(maxsize=256)
def _minimal_polynomial_by_coefficients(q, x):
    return _minimal_polynomial_mod(flint.fmpq_poly(list(q)), flint.fmpq_poly(list(x)))


def _minimal_polynomial_cached(v):
    """The minimal polynomial of ``v = (K, x)``, once per (q, x): every real root of a component (and every
    layer permutation of it) has the same value ``x`` mod q, so they share one characteristic polynomial."""
    K, x = v
    return _minimal_polynomial_by_coefficients(tuple(K.q.coeffs()), tuple((x % K.q).coeffs()))


def _same_root(Ka, Kb):
    """Whether two fields with the same q are known to embed by the same real root: the same index among
    the real roots when both know it (independent refinements leave different intervals), else the same
    interval (intervals of two isolations may overlap for different roots)."""
    if Ka._real_index is not None and Kb._real_index is not None:
        return Ka._real_index == Kb._real_index
    return (Ka.lo, Ka.hi) == (Kb.lo, Kb.hi)


def _exactly_equal(a, b):
    """Whether the real algebraic numbers a, b are equal (True / False), or None if undecided."""
    ra, rb = _rational_value(a), _rational_value(b)
    if ra is not None and rb is not None:
        return ra == rb
    if ra is not None or rb is not None:
        K, x = b if ra is not None else a
        return K.is_zero(x - (ra if ra is not None else rb))
    (Ka, xa), (Kb, xb) = a, b
    if Ka is Kb or (Ka.q == Kb.q and _same_root(Ka, Kb)):   # one field, one embedding
        return Ka.is_zero(xa - xb)
    if max(_field_cost(a), _field_cost(b)) > CROSS_FIELD_COST:
        return None   # the minimal polynomials over ℚ would cost minutes: undetermined
    # equal numbers have one minimal polynomial m (irreducible: m_a = m_b iff a, b are conjugate)
    m = _minimal_polynomial_cached(a)
    if m != _minimal_polynomial_cached(b):
        return False
    # a and b are roots of m: equal iff the same root (certified isolation of m's roots)
    roots = [r for r, _ in m.numer().complex_roots()]
    which = []
    for v in (a, b):
        ball = _value_ball(v, 1024)
        hit = [i for i, r in enumerate(roots) if r.imag.contains(0) and r.real.overlaps(ball)]
        if len(hit) != 1:
            return None
        which.append(hit[0])
    return which[0] == which[1]


def compare_values(a, b, precs=(64, 256, 1024), max_prec=65536, cache=None):
    """Certified sign of ``a − b`` for two real algebraic numbers, or None when undecided.

    Each of a, b is a rational (int, Fraction, sympy or FLINT) or a pair ``(K, x)`` meaning
    ``x(α)`` in a :class:`RealAlgebraicField`.  Balls at increasing precision decide every
    unequal pair that is not extremely close; overlapping balls are settled exactly: in one field
    (or against a rational) by a zero test, across fields by their minimal polynomials over ℚ (equal,
    and the same root: certified isolation) when the fields are small enough
    (:data:`CROSS_FIELD_COST`), else None.  Two numbers proved unequal are separated by balls of
    higher precision (up to ``max_prec`` bits).  ``cache``: a dict shared by the comparisons of one
    batch keeps each value's ball per precision (keyed by ``id`` of the ``(K, x)`` pair, which the
    caller keeps alive); minimal polynomials are cached by their coefficients.

    >>> K = RealAlgebraicField([-2, 0, 1], 1, 2)
    >>> r2 = (K, K.gen())
    >>> compare_values(r2, 1), compare_values(1, r2), compare_values(r2, (K, K.gen()))
    (1, -1, 0)
    >>> L = RealAlgebraicField([-8, 0, 1], 2, 3)            # √8 / 2 equals √2, in another field
    >>> compare_values(r2, (L, L.reduce(L.gen() * flint.fmpq(1, 2))))
    0
    >>> compare_values((L, L.reduce(L.gen() * flint.fmpq(-1, 2))), r2)
    -1
    """
    sign = _ball_sign(a, b, precs, cache)
    if sign is not None:
        return sign
    equal = _exactly_equal(a, b)
    if equal is None:
        return None
    if equal:
        return 0
    prec = precs[-1]
    while prec < max_prec:   # a ≠ b: balls of enough precision separate them
        prec *= 2
        sign = _ball_sign(a, b, (prec,))
        if sign is not None:
            return sign
    return None
