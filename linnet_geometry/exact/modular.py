"""Quotients in a number field ``ℚ[z]/(q)`` without the inverse: p-adic lifting and rational reconstruction.

A rational parametrization (msolve's RUR, or an elimination) gives the coordinates of the
points on one irreducible factor ``q`` of the eliminant as quotients ``x = N(z) / D(z)``, and
``D`` is invertible modulo ``q``.  Computing ``D⁻¹ mod q`` over ℚ by the extended Euclidean
algorithm is the textbook route, but the inverse alone can be far larger than the quotient:
for a degree-34 factor of a degree-435 eliminant (3,900-bit coefficients) the inverse has
226,000-bit coefficients and FLINT's ``fmpq_poly.xgcd`` takes 85 s, while ``N/D mod q`` itself is
much smaller.  :func:`quotients_mod` inverts ``D`` modulo ``(q, p)`` for one word-size prime p,
lifts the inverse p-adically by Newton's iteration ``s ← s(2 − Ds)`` in ``(ℤ/p^{2^i})[z]`` (FLINT's
``fmpz_mod_poly``), and recovers the rational coefficients of ``N·s`` by rational reconstruction
(Wang's bound, with a common-denominator shortcut), doubling the precision until an *exact*
check ``D·x ≡ N (mod q)`` over ℚ holds — so the result is proved, not probabilistic (von zur
Gathen & Gerhard, *Modern Computer Algebra*, §5.10 and §9.2).

The other case is the common one for a large component: q is the whole (irreducible) eliminant,
so ``D`` and ``N`` have degree below deg q and are not reduced.  There the quotient is about as
large as the inverse (a degree-39 component: 114,000-bit inverse, 55,000-bit quotients) and
FLINT's multimodular ``xgcd`` is 5 to 8 times faster than the lifting (1.5 s against 9.1 s; a
synthetic degree 120: 5.6 s against 43 s).  ``method="auto"`` takes ``xgcd`` when no input has
degree above deg q (at most one reduction step, as msolve's parametrization of an irreducible
eliminant: numerators of degree deg q − 1, and deg q for the separating form), and the lifting
otherwise.

Examples
--------
>>> import flint
>>> q = flint.fmpq_poly([-2, 0, 1])                 # z² − 2, z = √2
>>> [x] = quotients_mod([flint.fmpq_poly([1])], flint.fmpq_poly([1, 1]), q)   # 1 / (1 + √2)
>>> x.coeffs()                                        # = √2 − 1
[-1, 1]
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint

__all__ = ["rational_reconstruction", "quotients_mod", "reduce_mod", "check_prime", "lcm_squarefree_mod",
           "to_sympy_mod"]

#: The primes used, from just below 2⁶³ down (word-size for FLINT's nmod arithmetic).
_FIRST_PRIME = (1 << 63) - 25


def _primes(start=_FIRST_PRIME):
    p = start
    while True:
        if flint.fmpz(p).is_prime():
            yield p
        p -= 2


def rational_reconstruction(a: int, m: int):
    """The fraction ``r/s ≡ a (mod m)`` with ``|r|, |s| ≤ √(m/2)``, or ``None`` (Wang's algorithm).

    It is unique when it exists.

    Examples
    --------
    >>> m = 10**9 + 7
    >>> rational_reconstruction(3 * pow(7, -1, m) % m, m)
    Fraction(3, 7)
    >>> rational_reconstruction(23, 1009) is None       # no fraction with |r|, |s| ≤ 22
    True
    """
    m = flint.fmpz(m)
    bound = flint.fmpz(math.isqrt(int(m) // 2))
    r0, r1, s0, s1 = m, flint.fmpz(a) % m, flint.fmpz(0), flint.fmpz(1)
    while r1 > bound:             # FLINT integers: GMP's division is ~4x faster than Python's here
        k = r0 // r1
        r0, r1, s0, s1 = r1, r0 - k * r1, s1, s0 - k * s1
    if s1 == 0 or abs(s1) > bound or r1.gcd(s1) != 1:
        return None
    return Fraction(int(r1), int(s1))


def _integral(p):
    """``(P, c)`` with ``p = P / c``: FLINT's integer numerator (as a coefficient list) and denominator."""
    return [int(x) for x in p.numer().coeffs()], int(p.denom())


#: A coefficient ``a ≡ b/den`` is read off the shared denominator when ``|b| ≤ m / (2^SLACK · den)``: a wrong
#: ``den`` passes that with probability about ``2^−SLACK / den``, and every result is checked exactly anyway.
SLACK = 40


def _reconstruct(residues, m, den=1):
    """Rational coefficients (``fmpq``) from residues modulo m, sharing one growing common denominator.

    Returns ``(coefficients or None, den)``; ``den`` (the least common denominator found so far)
    seeds the next call, so coordinates with a common denominator cost one multiplication per
    coefficient after the first few full reconstructions.  All arithmetic is in FLINT integers
    (GMP): the residues have tens of thousands of bits on large components.
    """
    m, den = flint.fmpz(m), flint.fmpz(den)
    half = m // 2
    limit = (half // den) >> SLACK
    out = []
    for a in residues:
        b = (flint.fmpz(a) * den) % m
        if b > half:
            b -= m
        if abs(b) <= limit:       # den already clears this coefficient
            out.append(flint.fmpq(b, den))
            continue
        f = rational_reconstruction(a, m)
        if f is None:
            return None, den
        out.append(flint.fmpq(f.numerator, f.denominator))
        den = den * f.denominator // den.gcd(f.denominator)
        limit = (half // den) >> SLACK
    return out, den


def quotients_mod(numerators, denominator, q, method="auto"):
    """``[N / D mod q for N in numerators]`` as polynomials of degree < deg q over ℚ (exact).

    Parameters
    ----------
    numerators : sequence of flint.fmpq_poly
    denominator : flint.fmpq_poly
        Must be invertible modulo ``q``.
    q : flint.fmpq_poly
        Of degree ≥ 1 (an irreducible factor of an eliminant, typically).
    method : {"auto", "lifting", "xgcd"}
        ``"lifting"``: p-adic lifting of ``D⁻¹`` and rational reconstruction of the quotients;
        ``"xgcd"``: FLINT's extended Euclid over ℚ; ``"auto"`` (see the module docstring):
        ``"xgcd"`` when D and every N have degree ≤ deg q, else ``"lifting"``.

    Returns
    -------
    list of flint.fmpq_poly
        Each checked exactly: ``D · x ≡ N (mod q)`` over ℚ.

    Raises
    ------
    ZeroDivisionError
        If ``D`` is not invertible modulo ``q`` (decided exactly by the gcd over ℚ).

    Examples
    --------
    >>> import flint
    >>> q = flint.fmpq_poly([1, 1, 1])                 # z² + z + 1
    >>> D = flint.fmpq_poly([3, 2])
    >>> [x] = quotients_mod([flint.fmpq_poly([1, 0, 5])], D, q)
    >>> (D * x - flint.fmpq_poly([1, 0, 5])) % q
    0
    """
    if method not in ("auto", "lifting", "xgcd"):
        raise ValueError(f"method: expected 'auto', 'lifting' or 'xgcd'; received {method!r}")
    n = q.degree()
    if n < 1:
        raise ValueError(f"q: expected a polynomial of degree >= 1; received degree {n}")
    Dq = denominator % q
    if Dq.is_zero():
        raise ZeroDivisionError("the denominator is not invertible modulo q")
    reduced = denominator.degree() <= n and all(N.degree() <= n for N in numerators)   # one reduction step at most
    if method == "xgcd" or (method == "auto" and reduced):
        g, inverse, _ = Dq.xgcd(q)   # the gcd decides invertibility too: no second gcd
        if g.degree() > 0:
            raise ZeroDivisionError("the denominator is not invertible modulo q")
        inverse = inverse * (1 / g[0])
        return [(N * inverse) % q for N in numerators]
    if Dq.gcd(q).degree() > 0:
        raise ZeroDivisionError("the denominator is not invertible modulo q")
    if not numerators:
        return []
    Q, _ = _integral(q)   # integer forms only for the lifting
    Dz, dc = _integral(denominator)
    parts = [_integral(N) for N in numerators]
    for p in _primes():
        if Q[-1] % p == 0 or dc % p == 0 or any(nc % p == 0 for _, nc in parts):
            continue
        g, s0, _ = (flint.nmod_poly(Dz, p) % flint.nmod_poly(Q, p)).xgcd(flint.nmod_poly(Q, p))
        if g.degree() == 0:
            break  # D is invertible modulo (q, p): the lifting starts here
    s = [int(c) * pow(int(g[0]), -1, p) % p for c in s0.coeffs()]
    pk = p
    while True:
        # Newton step: s ← s (2 − D s) doubles the p-adic precision of s = D⁻¹ mod (q, p^k);
        # all arithmetic in (ℤ/p^k)[z] (FLINT's fmpz_mod_poly; q's leading coefficient is a unit)
        pk = pk * pk
        R = flint.fmpz_mod_poly_ctx(flint.fmpz_mod_ctx(pk))
        qm = R(Q)
        qm = qm * (qm.leading_coefficient() ** -1)
        sp = R(s)
        sp = (sp * (2 - (R(Dz) % qm) * sp)) % qm
        s = [int(c) for c in sp.coeffs()]
        images, enough = [], True
        for Nz, nc in parts:
            img = [int(c) for c in ((R(Nz) * sp) % qm * (dc * pow(nc, -1, pk))).coeffs()]
            if not images and _reconstruct(img[-3:], pk)[0] is None:
                enough = False  # not enough precision yet (a cheap test on three coefficients of the first)
                break
            images.append(img + [0] * (n - len(img)))
        out = _checked_quotients(numerators, images, pk, Dq, q) if enough else None
        if out is not None:
            return out


def _checked_quotients(numerators, images, m, Dq, q):
    """The quotients read off their images modulo m, each proved by ``Dq·x ≡ N (mod q)``; None if one fails."""
    out, den = [], 1
    for N, img in zip(numerators, images):
        coeffs, den = _reconstruct(img, m, den)
        if coeffs is None:
            return None
        x = flint.fmpq_poly(coeffs)
        if not ((Dq * x - N) % q).is_zero():
            return None
        out.append(x)
    return out


def check_prime(p):
    """``p`` if it is an odd prime below ``2³¹`` (FLINT's and msolve's word-size prime fields), else a typed error.

    >>> check_prime(101)
    101
    """
    import sympy

    from ..exceptions import InputTypeError

    if isinstance(p, bool) or not isinstance(p, int) or not 2 < p < 2**31 or not sympy.isprime(p):
        raise InputTypeError(f"modulus: expected an odd prime below 2**31; received {p!r}")
    return p


def lcm_squarefree_mod(acc, f):
    """The monic lcm of ``acc`` and the squarefree part of ``f`` in ``GF(p)[z]`` (``nmod_poly``;
    degrees below p, so ``f / gcd(f, f′)`` is the squarefree part).

    >>> lcm_squarefree_mod(flint.nmod_poly([1], 7), flint.nmod_poly([1, 2, 1], 7))   # (z + 1)²
    x + 1
    """
    f = f * (1 / f.leading_coefficient())
    if f.degree() > 0:
        f = f // f.gcd(f.derivative())
    out = acc * f // acc.gcd(f)
    return out * (1 / out.leading_coefficient())


def to_sympy_mod(f, var):
    """A FLINT ``nmod_poly`` as a sympy ``Poly`` in ``var`` over ``GF(p)``.

    >>> import sympy
    >>> to_sympy_mod(flint.nmod_poly([4, 1, 5], 7), sympy.Symbol("v")).as_expr()
    -2*v**2 + v - 3
    """
    import sympy

    return sympy.Poly([int(c) for c in reversed(f.coeffs())] or [0], var, modulus=int(f.modulus()))


def reduce_mod(poly, p: int, keep_degree=True):
    """The image of a polynomial with rational coefficients in ``GF(p)[z]`` (a FLINT ``nmod_poly``).

    ``poly`` is a FLINT ``fmpq_poly``/``fmpz_poly`` or a list of rationals (anything with ``numerator``
    and ``denominator``: int, Fraction, sympy, FLINT; low degree first).

    Raises
    ------
    ZeroDivisionError
        ``p`` divides a denominator, or the leading coefficient when ``keep_degree`` (an unlucky
        prime: the image would not have the same degree).

    Examples
    --------
    >>> reduce_mod(flint.fmpq_poly([flint.fmpq(-1, 5), 1, flint.fmpq(1, 3)]), 7)
    5*x^2 + x + 4
    >>> reduce_mod([Fraction(1, 7), 1], 7)
    Traceback (most recent call last):
    ...
    ZeroDivisionError: the prime 7 divides a denominator of the polynomial: take another prime
    """
    coeffs = [(int(c.numerator), int(c.denominator)) for c in (poly.coeffs() if hasattr(poly, "coeffs") else poly)]
    out = []
    for num, den in coeffs:
        if den % p == 0:
            raise ZeroDivisionError(f"the prime {p} divides a denominator of the polynomial: take another prime")
        out.append(num * pow(den, -1, p) % p)
    image = flint.nmod_poly(out, p)
    degree = max((i for i, (num, _) in enumerate(coeffs) if num != 0), default=-1)
    if keep_degree and image.degree() != degree:
        raise ZeroDivisionError(f"the prime {p} divides the leading coefficient: take another prime")
    return image
