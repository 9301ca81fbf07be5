"""The sympy route: a Gröbner basis of the gradient ideal, its dimension, and the quotient ring's linear algebra.

The Krull dimension comes from the leading-monomial ideal; when it is 0 the
number of complex critical points counted with multiplicity is the number of
standard monomials.  Multiplication matrices on the standard monomials (over
``GF(p)``, python-flint ``nmod_mat``) give the number of distinct points (the
squarefree part of the characteristic polynomial of a random linear form) and
the number with all coordinates nonzero (MCTH2022, BH2023).
"""

from __future__ import annotations

import itertools
import random
import time

import flint
from sympy.polys.groebnertools import groebner as _groebner

from ...critical.classify import Fact
from ...exact.monomials import standard_monomials
from ...exceptions import AssumptionError, ProblemTooLargeError
from .system import MAX_QUOTIENT_DIM, _to_prime_field

__all__ = []


def _krull_dimension(leading, n):
    """Dimension of ``K[x]/in(I)``: largest set of variables containing no leading monomial's support."""
    supports = [frozenset(i for i, e in enumerate(m) if e) for m in leading]
    if any(not s for s in supports):
        return -1  # the ideal is the whole ring: no critical point
    if all(frozenset((i,)) in supports for i in range(n)):
        return 0  # a pure power of every variable is a leading monomial
    # independent sets are closed under subsets: grow the size until none is left
    best = 0
    for size in range(1, n + 1):
        if not any(not any(s <= frozenset(S) for s in supports) for S in itertools.combinations(range(n), size)):
            break
        best = size
    return best


def _quotient_basis(leading, n, limit):
    """Standard monomials of a zero-dimensional leading-monomial ideal (a basis of the quotient ring).

    Raises :class:`ProblemTooLargeError` when there are more than ``limit``.
    """
    basis = standard_monomials(leading, n, limit)
    if basis is None:
        raise ProblemTooLargeError(f"the quotient ring has more than {limit} standard monomials; "
                                   f"expected at most {limit}")
    return basis


def _root_structure(P):
    """``(distinct, multiplicities)`` of the roots of the ``nmod_poly`` ``P`` over the algebraic closure of ``GF(p)``.

    From FLINT's squarefree factorization: a factor ``f^k`` contributes ``deg f`` roots of multiplicity ``k``.
    """
    mults = []
    for fac, k in P.factor_squarefree()[1]:
        mults.extend([int(k)] * fac.degree())
    return len(mults), sorted(mults, reverse=True)


class _Quotient:
    """``GF(p)[x]/I`` for a zero-dimensional ``I``: standard monomials and multiplication matrices."""

    def __init__(self, Rp, G, basis, p):
        self.p, self.R, self.G, self.basis = p, Rp, G, basis
        self.index = {m: i for i, m in enumerate(basis)}
        self.n = len(Rp.gens)
        self._mult = {}

    def mult(self, j):
        """The matrix of multiplication by ``x_j`` on the standard monomials (``flint.nmod_mat``)."""
        if j not in self._mult:
            D = len(self.basis)
            M = [0] * (D * D)
            gen = self.R.gens[j]
            for c, m in enumerate(self.basis):
                mm = list(m)
                mm[j] += 1
                mm = tuple(mm)
                if mm in self.index:
                    M[self.index[mm] * D + c] = 1
                    continue
                r = self.R.from_dict({m: self.R.domain.one}) * gen
                for mon, coef in r.rem(self.G).items():
                    M[self.index[mon] * D + c] = int(coef) % self.p
            self._mult[j] = flint.nmod_mat(D, D, M, self.p)
        return self._mult[j]

    def identity(self):
        D = len(self.basis)
        return flint.nmod_mat(D, D, [int(i == k) for i in range(D) for k in range(D)], self.p)

    def linear_form(self, coeffs):
        """The matrix of multiplication by ``Σ_j c_j x_j``."""
        D = len(self.basis)
        M = flint.nmod_mat(D, D, self.p)
        for j, c in enumerate(coeffs):
            M = M + int(c) * self.mult(j)
        return M

def _groebner_route(R, F, n, prime, seed, facts, seconds):
    """sympy's Buchberger route: dimension, counts, multiplicities, nonzero counts (see the module docstring)."""
    t0 = time.perf_counter()
    if prime is None:
        Rg, Fg = R, F
        field_name = "QQ"
    else:
        Rg, Fg = _to_prime_field(R, F, prime)
        field_name = f"GF({prime})"
    G = _groebner(Fg, Rg, method="buchberger")
    seconds["groebner"] = time.perf_counter() - t0
    leading = [g.LM for g in G]
    dim = _krull_dimension(leading, n)
    facts.append(Fact(f"sympy: reduced grevlex Gröbner basis of the {n} gradient equations over {field_name}: "
                      f"{len(G)} elements; Krull dimension of the leading-monomial ideal = {dim}"))
    if prime is not None:
        facts.append(Fact(f"modular computation: the data were reduced modulo p = {prime}; the counts equal those "
                          "over QQ unless p is one of finitely many unlucky primes"))
    out = dict(field=field_name, dimension=dim, count=None, distinct=None, multiplicities=None, nonzero=None,
               nonzero_distinct=None, groebner_size=len(G), multiplicity_source=None)
    if dim != 0:
        facts.append(Fact(f"the critical set is not finite: its largest component has dimension {dim}; no count is "
                          "given" + (" (continuous symmetries survive)" if dim > 0 else "")))
        return out
    basis = _quotient_basis(leading, n, MAX_QUOTIENT_DIM)
    count = len(basis)
    facts.append(Fact(f"zero-dimensional: {count} standard monomials = number of complex critical points "
                      "counted with multiplicity"))
    t1 = time.perf_counter()
    p = prime if prime is not None else 2147483629
    if prime is None:
        Rp, Fp = _to_prime_field(R, F, p)
        G = _groebner(Fp, Rp, method="buchberger")
        if sorted(g.LM for g in G) != sorted(leading):
            raise AssumptionError("the modular and rational Gröbner bases have different leading monomials; "
                                  "expected equal ones for a lucky prime")
    else:
        Rp = Rg
    Q = _Quotient(Rp, G, basis, p)
    rng = random.Random(f"linnet-forms-{seed}")
    best = (0, None)
    for _ in range(2):
        u = [rng.randrange(1, p) for _ in range(n)]
        d, ms = _root_structure(Q.linear_form(u).charpoly())
        if d > best[0]:
            best = (d, ms)
    distinct, mults = best
    facts.append(Fact(f"charpoly of a random linear form on the quotient: {distinct} distinct roots ⇒ "
                      f"{distinct} distinct points; multiplicities {_compress(mults)} (a random form separates "
                      f"the points except with probability ≤ D²/p)"))
    # g = (u + c)·∏w with a random constant c: ±-symmetric points would collide for g = u·∏w
    Mf = Q.linear_form(u) + rng.randrange(1, p) * Q.identity()
    for j in range(n):
        Mf = Mf * Q.mult(j)
    cp = [int(c) for c in Mf.charpoly().coeffs()]  # lowest degree first
    zero_mult = 0
    while zero_mult < len(cp) and cp[zero_mult] == 0:
        zero_mult += 1
    nz = count - zero_mult
    rest = flint.nmod_poly(cp[zero_mult:], p)
    nz_distinct, _ = _root_structure(rest) if rest.degree() > 0 else (0, [])
    facts.append(Fact(f"multiplication by (u + c)·∏w on the quotient: eigenvalue 0 has multiplicity {zero_mult} ⇒ "
                      f"{nz} points (with multiplicity), {nz_distinct} distinct, have every coordinate nonzero"))
    seconds["quotient"] = time.perf_counter() - t1
    out.update(count=count, distinct=distinct, multiplicities=mults, nonzero=nz, nonzero_distinct=nz_distinct,
               multiplicity_source=f"sympy: eigenvalues of a random linear form on the quotient over GF({p})")
    return out


def _compress(mults):
    if not mults:
        return "none"
    if all(m == 1 for m in mults):
        return f"all 1 (radical, {len(mults)} simple points)"
    return str(tuple(mults))

