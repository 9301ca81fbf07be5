"""Exact and ball arithmetic behind variable projection (:mod:`._projection`).

Number fields ``ℚ[x]/(f)`` with exact zero tests, subresultants and Bareiss
determinants over FLINT, evaluation of polynomials at algebraic points in
sympy, in ``arb``/``acb`` balls or in fractions, and the decider that refines
a ball evaluation until a sign is proved (falling back to exact arithmetic).
"""

from __future__ import annotations

import math

import flint
import sympy


def _fmpq(c):
    c = sympy.Rational(c)
    return flint.fmpq(int(c.p), int(c.q))


def _univariate(poly):
    """An fmpq_mpoly in one variable (all others absent) as an fmpq_poly in that variable."""
    terms = poly.to_dict()
    if not terms:
        return flint.fmpq_poly([])
    nz = {i for exps in terms for i, d in enumerate(exps) if d}
    if len(nz) > 1:
        raise ValueError("not univariate")
    idx = nz.pop() if nz else 0
    deg = max(exps[idx] for exps in terms)
    coeffs = [flint.fmpq(0)] * (deg + 1)
    for exps, c in terms.items():
        coeffs[exps[idx]] = c
    return flint.fmpq_poly(coeffs)


class _Field:
    """The number field ``K = ℚ[x]/(f)`` for an irreducible ``f`` (elements: fmpq_poly of degree < deg f)."""

    def __init__(self, f):
        self.f = f

    def red(self, a):
        return a % self.f

    def mul(self, a, b):
        return (a * b) % self.f

    def inv(self, a):
        g, s, _ = a.xgcd(self.f)
        if g.degree() != 0:  # f irreducible: a ≢ 0 is a unit
            raise ZeroDivisionError("element not invertible modulo f")
        return (s / g[0]) % self.f

    @staticmethod
    def trim(p):
        p = list(p)
        while p and p[-1].is_zero():
            p.pop()
        return p

    def monic(self, p):
        p = self.trim(p)
        if not p:
            return p
        li = self.inv(p[-1])
        return [self.mul(c, li) for c in p]

    def divmod(self, a, b):
        a, b = self.trim(a), self.monic(b)
        if not b:
            raise ZeroDivisionError("division by the zero polynomial")
        q = [flint.fmpq_poly([])] * max(len(a) - len(b) + 1, 0)
        a = list(a)
        while len(a) >= len(b):
            c = a[-1]
            shift = len(a) - len(b)
            q[shift] = c
            for i, bc in enumerate(b):
                a[shift + i] = (a[shift + i] - self.mul(c, bc))
            a = self.trim(a[:-1])  # the leading coefficient is now exactly 0 (b monic, entries reduced)
        return q, a

    def gcd(self, a, b):
        a, b = self.trim(a), self.trim(b)
        while b:
            _, r = self.divmod(a, b)
            a, b = b, r
        return self.monic(a)

    def derivative(self, p):
        return self.trim([c * i for i, c in enumerate(p)][1:])


# ----------------------------------------------------------------------------- number fields

#: Irreducible factors up to this degree are examined exactly over ℚ[x]/(f) when the subresultant test
#: is inconclusive.
_SMALL_FIELD = 8


def _genuine_roots_over(f, G1, G2, H):
    """True when ``G1(α, y) = G2(α, y) = 0`` has a root with ``H(α, y) ≠ 0`` (exact, in ℚ[x]/(f))."""
    K = _Field(f)
    gk = K.gcd(_coeffs_in_y(G1, K), _coeffs_in_y(G2, K))
    ph = _coeffs_in_y(H, K)
    while len(gk) > 1:
        h = K.gcd(gk, ph) if ph else gk
        if len(h) <= 1:
            break
        gk = K.monic(K.divmod(gk, h)[0])
    return len(gk) > 1


def _int_coeffs_in_y(p):
    """A bivariate fmpq_mpoly as integer polynomials in u0, the coefficients of u1^0, u1^1, … (scaled)."""
    terms = p.to_dict()
    den = 1
    for c in terms.values():
        den = den * int(c.q) // math.gcd(den, int(c.q))
    by = {}
    for (dx, dy), c in terms.items():
        by.setdefault(dy, {})[dx] = int(c.p) * (den // int(c.q))
    out = []
    for dy in range(max(by) + 1 if by else 0):
        t = by.get(dy, {})
        cf = [0] * (max(t) + 1 if t else 0)
        for dx, c in t.items():
            cf[dx] = c
        out.append(flint.fmpz_poly(cf))
    return out


def _bareiss(M, one):
    """Determinant of a small square matrix over an integral domain (fmpz_poly, fmpq_mpoly): fraction-free
    elimination, every division exact; ``one`` is the ring's 1."""
    n = len(M)
    if n == 0:
        return one
    A = [list(r) for r in M]
    sign, prev = 1, one
    for k in range(n - 1):
        piv = next((r for r in range(k, n) if not A[r][k].is_zero()), None)
        if piv is None:
            return one * 0
        if piv != k:
            A[k], A[piv] = A[piv], A[k]
            sign = -sign
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                A[i][j] = (A[i][j] * A[k][k] - A[i][k] * A[k][j]) // prev
        prev = A[k][k]
    return A[n - 1][n - 1] * sign


def _first_subresultant(Pc, Qc):
    """``(s_11, s_10)``: coefficients of the first subresultant ``S_1 = s_11 y + s_10`` of P, Q ∈ ℤ[x][y].

    Determinants of the ``(p + q − 2)``-square matrices made of the rows ``y^i P`` (i < q − 1) and
    ``y^i Q`` (i < p − 1) in the basis ``y^{p+q−2}, …, y^0``: the first ``p + q − 3`` columns, then the
    column of y (for s_11) or of 1 (for s_10).
    """
    p, q = len(Pc) - 1, len(Qc) - 1
    N = p + q - 1
    zero = flint.fmpz_poly([])
    rows = [[Pc[d - i] if 0 <= d - i <= p else zero for d in range(N - 1, -1, -1)] for i in range(q - 1)]
    rows += [[Qc[d - i] if 0 <= d - i <= q else zero for d in range(N - 1, -1, -1)] for i in range(p - 1)]
    cols = list(zip(*rows))
    base = cols[:N - 2]
    one = flint.fmpz_poly([1])
    s11 = _bareiss([list(r) for r in zip(*(base + [cols[N - 2]]))], one)
    s10 = _bareiss([list(r) for r in zip(*(base + [cols[N - 1]]))], one)
    return s11, s10


def _horner(poly, a, conv):
    acc = conv(0)
    for c in reversed(poly.coeffs()):
        acc = acc * a + conv(c)
    return acc


def _power(v, d):
    """``v**d`` by repeated squaring: python-flint's ``arb/acb ** int`` is nan on a ball containing 0."""
    out = None
    while d:
        if d & 1:
            out = v if out is None else out * v
        d >>= 1
        if d:
            v = v * v
    return out


def _eval_mpoly(poly, vals, conv):
    acc = conv(0)
    for exps, c in poly.to_dict().items():
        term = conv(c)
        for v, d in zip(vals, exps):
            if d:
                term = term * _power(v, d)
        acc = acc + term
    return acc


# ----------------------------------------------------------------------------- number types for the formulas
def _conv_sympy(c):
    if isinstance(c, flint.fmpq):
        return sympy.Rational(int(c.p), int(c.q))
    return sympy.Integer(int(c))


def _conv_acb(c):
    if isinstance(c, flint.fmpq):
        return flint.acb(flint.arb(c))
    return flint.acb(flint.fmpz(int(c)) if not isinstance(c, flint.fmpz) else c)


def _conv_arb(c):
    if isinstance(c, flint.fmpq):
        return flint.arb(c)
    return flint.arb(flint.fmpz(int(c)) if not isinstance(c, flint.fmpz) else c)


class _Frac:
    """A fraction ``num/den`` of polynomials in x, reduced modulo f when a field ``K = ℚ[x]/(f)`` is given
    (an element of K kept without inverses; exact zero test), else a plain rational function."""

    __slots__ = ("K", "num", "den")

    def __init__(self, K, num, den=None):
        red = K.red if K is not None else (lambda q: q)
        self.K, self.num = K, red(num)
        self.den = red(den) if den is not None else flint.fmpq_poly([1])

    def _wrap(self, o):
        return o if isinstance(o, _Frac) else _Frac(self.K, flint.fmpq_poly([o]))

    def __add__(self, o):
        o = self._wrap(o)
        return _Frac(self.K, self.num * o.den + o.num * self.den, self.den * o.den)

    __radd__ = __add__

    def __neg__(self):
        return _Frac(self.K, -self.num, self.den)

    def __sub__(self, o):
        return self + (-self._wrap(o))

    def __rsub__(self, o):
        return self._wrap(o) - self

    def __mul__(self, o):
        o = self._wrap(o)
        return _Frac(self.K, self.num * o.num, self.den * o.den)

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = self._wrap(o)
        return _Frac(self.K, self.num * o.den, self.den * o.num)

    def __pow__(self, d):
        out = _Frac(self.K, flint.fmpq_poly([1]))
        for _ in range(d):
            out = out * self
        return out

    def is_zero(self):
        return self.num.is_zero()


class _Decider:
    """Exact zero tests of expressions in a root α of an irreducible f ∈ ℚ[z].

    An expression polynomial (or rational, with nonzero denominators) in α vanishes at one root of f iff
    it vanishes at all of them.  It is evaluated in ball arithmetic (arb) at one complex root isolated by
    FLINT; a ball excluding 0 proves "nonzero".  A ball containing 0 at 2048 bits is decided exactly in
    ``ℚ[x]/(f)``.
    """

    def __init__(self, f):
        self.f = f
        self._roots = {}

    def _root(self, prec):
        if prec not in self._roots:
            with _precision(prec):
                self._roots[prec] = flint.fmpz_poly(self.f.numer()).complex_roots()[0][0]
        return self._roots[prec]

    def nonzero(self, fn):
        for prec in (128, 512, 2048):
            with _precision(prec):
                if not fn(self._root(prec), _conv_acb).contains(0):
                    return True
        K = _Field(self.f)
        conv = lambda c: _Frac(K, flint.fmpq_poly([c]))  # noqa: E731
        return not fn(_Frac(K, flint.fmpq_poly([0, 1])), conv).is_zero()


class _precision:
    def __init__(self, bits):
        self.bits = bits

    def __enter__(self):
        self.old = flint.ctx.prec
        flint.ctx.prec = self.bits

    def __exit__(self, *exc):
        flint.ctx.prec = self.old


class _Formula:
    """The point over a root α of a factor: ``z = x + c·y`` (k = 2) or ``z = u0`` (k = 1), generic in the
    number type (sympy exact numbers, arb/acb balls, fractions over ℚ[x]/(f))."""

    def __init__(self, red, c, s10, s11):
        self.red, self.c, self.s10, self.s11 = red, c, s10, s11

    def u(self, a, conv):
        if self.s11 is None:
            return [a]
        y = -_horner(self.s10, a, conv) / _horner(self.s11, a, conv)
        return [a - conv(self.c) * y, y]

    def H(self, a, conv):
        return _eval_mpoly(self.red.H, self.u(a, conv), conv)

    def W(self, a, conv):
        red = self.red
        u = self.u(a, conv)
        dens = [_eval_mpoly(d, u, conv) for d in red.dets_u]
        v = [_eval_mpoly(red.nums_u[i], u, conv) / dens[red.block_of[i]] for i in range(len(red.v))]
        allv = u + v
        return [[_eval_mpoly(w, allv, conv) for w in row] for row in red.W_uv]

    def minor(self, a, conv, I, J):
        W = self.W(a, conv)
        return _det([[W[i][j] for j in J] for i in I], conv)

    def chart_coordinates(self, a, conv, chart):
        """The chart's coordinates: free entries of ``A = W[:, J] W[I, J]⁻¹`` (rows ∉ I), then ``B = W[I, :]``."""
        I, J = chart
        W = self.W(a, conv)
        m, n, e = len(W), len(W[0]), len(I)
        Sinv = _inverse([[W[i][j] for j in J] for i in I], conv)
        rest = [i for i in range(m) if i not in I]
        A = [[sum((W[i][J[k]] * Sinv[k][col] for k in range(e)), conv(0)) for col in range(e)] for i in rest]
        return [x for row in A for x in row] + [W[i][j] for i in I for j in range(n)]


def _det(M, conv):
    n = len(M)
    if n == 1:
        return M[0][0]
    if n == 2:
        return M[0][0] * M[1][1] - M[0][1] * M[1][0]
    return sum(((-1) ** j * M[0][j] * _det([row[:j] + row[j + 1:] for row in M[1:]], conv) for j in range(n)),
               conv(0))


def _inverse(S, conv):
    """Inverse of a small matrix by cofactors (no pivoting decisions: the determinant is known nonzero)."""
    n = len(S)
    d = _det(S, conv)
    if n == 1:
        return [[conv(1) / d]]
    cof = [[(-1) ** (i + j) * _det([row[:j] + row[j + 1:] for k, row in enumerate(S) if k != i], conv)
            for j in range(n)] for i in range(n)]
    return [[cof[j][i] / d for j in range(n)] for i in range(n)]


def _factor(P):
    """Distinct irreducible factors (monic, positive degree) of a nonzero fmpq_poly."""
    num = P.numer() if hasattr(P, "numer") else P
    _, facs = flint.fmpz_poly(num).factor() if not isinstance(num, flint.fmpz_poly) else num.factor()
    out = []
    for f, _ in facs:
        if f.degree() > 0:
            fq = flint.fmpq_poly(f)
            out.append(fq / fq.leading_coefficient())
    return out


def _coeffs_in_y(p, K):
    """A bivariate fmpq_mpoly (u0, u1) as a list of K-coefficients in u1 (low degree first)."""
    coeffs = {}
    for (dx, dy), c in p.to_dict().items():
        coeffs.setdefault(dy, {})[dx] = c
    if not coeffs:
        return []
    out = []
    for dy in range(max(coeffs) + 1):
        terms = coeffs.get(dy, {})
        if terms:
            deg = max(terms)
            cf = [flint.fmpq(0)] * (deg + 1)
            for dx, c in terms.items():
                cf[dx] = c
            out.append(K.red(flint.fmpq_poly(cf)))
        else:
            out.append(flint.fmpq_poly([]))
    return K.trim(out)


def _to_sympy(p, names):
    expr = sympy.Integer(0)
    for exps, c in p.to_dict().items():
        term = sympy.Rational(int(c.p), int(c.q))
        for g, d in zip(names, exps):
            if d:
                term *= g ** d
        expr += term
    return expr


def _to_sympy_poly(q, z):
    return sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(q.coeffs())] or [0], z, domain="QQ")
