"""Engine adapter: exact solutions of a polynomial system over ℚ.

:func:`solve_system` returns, for the ideal ``⟨polys⟩ ⊂ ℚ[gens]``:

* its dimension (−1: no complex solution, 0: finitely many, > 0: a family);
* for dimension 0, the number of distinct complex solutions and the *components*
  ``(p_i, {v: g_v})`` of a rational univariate representation: every complex
  solution is ``v = g_v(β)`` for a root β of some irreducible ``p_i ∈ ℚ[z]``;
* every real solution exactly, as a point of a :class:`RealAlgebraicField`.

Engines, in the order tried by ``engine="auto"``:

``msolve``
    ``linnet_geometry.backends.msolve.msolve_solve`` when that package imports
    (msolve's rational parametrization; every component is verified by exact
    substitution before use, and the sympy route answers if one fails).
``singular`` / ``macaulay2``
    a reduced lex Gröbner basis computed by ``Singular`` / ``M2`` through
    :mod:`linnet_geometry.critical.general` (shape lemma after a generic linear
    change of coordinates).
``sympy``
    the same basis with sympy's ``groebner`` + FGLM (embedded, always available).

Every result says which engine answered.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field

import flint
import sympy

from ...backends import msolve as msolve_backend
from ...critical.general import lex_basis, real_root_intervals, separating_form, shape_form
from ...exact.modular import quotients_mod
from ...exceptions import BackendNotFoundError, InputTypeError
from ._algebra import RealAlgebraicField, evaluate_terms, to_fmpq_poly

__all__ = ["SystemSolution", "solve_system", "ENGINES", "available_engines", "integral"]

#: Engines accepted by ``engine=``.
ENGINES = ("auto", "msolve", "singular", "macaulay2", "sympy")


def _msolve_module():
    try:
        return msolve_backend if msolve_backend.msolve_available() else None
    except Exception:  # pragma: no cover - a broken install counts as absent
        return None


def available_engines():
    """Engines usable here, in the order ``engine="auto"`` tries them.

    Examples
    --------
    >>> "sympy" in available_engines()
    True
    """
    out = []
    if _msolve_module() is not None:
        out.append("msolve")
    if shutil.which("Singular"):
        out.append("singular")
    if shutil.which("M2"):
        out.append("macaulay2")
    out.append("sympy")
    return tuple(out)


@dataclass(frozen=True)
class SystemSolution:
    """Solutions of one polynomial system (see the module docstring).

    Attributes
    ----------
    engine : str
    dimension : int
    complex_count : int or None
    components : tuple of (fmpq_poly, dict)
        Irreducible ``p_i`` and ``{gen: fmpq_poly g}``; empty unless dimension 0.
    real_points : tuple of (RealAlgebraicField, dict)
        ``(K, {gen: element of K})`` for each real solution.
    verified : bool
        Every component was substituted into every equation exactly (mod its ``p_i``) and
        satisfied it: the msolve route checks its parametrization this way.
    """

    engine: str
    dimension: int
    complex_count: int | None
    components: tuple = field(default=(), repr=False)
    real_points: tuple = field(default=(), repr=False)
    verified: bool = False


def integral(poly, gens):
    """``poly`` times the lcm of its coefficient denominators (same zero set, integer coefficients).

    Text handed to Singular must not contain ``x^2/3``: Singular reads it as ``x^(2/3)``.

    >>> x, y = sympy.symbols("x y")
    >>> integral(x**2 / 6 + y / 4 - 1, [x, y])
    2*x**2 + 3*y - 12
    """
    P = sympy.Poly(sympy.expand(poly), *gens, domain="QQ")
    return P.clear_denoms(convert=True)[1].as_expr()


def _real_points(components):
    """``(K, {v: element})`` at every real root of every component's q (isolated by FLINT's certified
    ``complex_roots``: sympy's ``intervals`` took 59 s on a degree-39 q whose roots crowd together)."""
    out = []
    for q, coords in components:
        for k, (a, b) in enumerate(real_root_intervals(flint.fmpz_poly(q.numer()))):
            K = RealAlgebraicField(q, a, b, real_index=k)   # the intervals are disjoint and ascending
            out.append((K, {v: K(g) for v, g in coords.items()}))
    return tuple(out)


def _split(p, coords):
    """Irreducible components ``(q, {v: g mod q})`` of a squarefree eliminant p."""
    comps = []
    for fac, _e in to_fmpq_poly(p).factor()[1]:
        q = flint.fmpq_poly(fac)
        q = q * (1 / q.leading_coefficient())
        comps.append((q, {v: to_fmpq_poly(g) % q for v, g in coords.items()}))
    return comps


def _verify(polys, gens, comps):
    """True when every component satisfies every equation exactly (mod its q).

    Each monomial is evaluated once per component (from the value of a monomial of degree one
    less), and a polynomial's terms are summed before one reduction: one multiplication
    modulo q per distinct monomial of the system.
    """
    terms = [[(monom, flint.fmpq(int(sympy.Rational(c).p), int(sympy.Rational(c).q)))
              for monom, c in sympy.Poly(f, *gens).terms()] for f in polys]
    for q, coords in comps:
        cache, xs = {}, [coords[g] for g in gens]
        for poly_terms in terms:
            acc = evaluate_terms(poly_terms, xs, lambda a, b: (a * b) % q, cache, flint.fmpq_poly([1]))
            if not (acc % q).is_zero():
                return False
    return True


def _solve_groebner(polys, gens, backend, timeout):

    z = sympy.Symbol("z_sep")
    extra = []
    last_dim = None
    for attempt in range(4):
        c = separating_form(len(gens), attempt)
        allgens = list(gens) + [z]
        system = list(polys) + [z - sum(ci * v for ci, v in zip(c, gens))] + extra
        dim, basis = lex_basis(system, allgens, backend, timeout)
        last_dim = dim
        if dim != 0:
            return dim, None
        shape, pz = shape_form(basis, allgens)
        if shape is not None and pz.sqf_part().degree() == pz.degree():
            return 0, _split(pz, shape)
        sq = pz.sqf_part()
        if sq.degree() < pz.degree() and not extra:
            extra = [sq.as_expr()]  # √I = I + ⟨sqf p⟩ when z separates
            dim, basis = lex_basis(system + extra, allgens, backend, timeout)
            shape, pz = shape_form(basis, allgens)
            if shape is not None and pz.sqf_part().degree() == pz.degree():
                return 0, _split(pz, shape)
        extra = []
    raise RuntimeError(f"could not bring the ideal into shape position (dimension {last_dim})")


def _standard_monomials(lead, n):
    """Monomials (exponent tuples) not divisible by any leading monomial (finite: zero-dimensional)."""
    out, frontier = [], [tuple([0] * n)]
    seen = set(frontier)
    while frontier:
        m = frontier.pop()
        if any(all(a >= b for a, b in zip(m, l)) for l in lead):
            continue
        out.append(m)
        for k in range(n):
            nxt = tuple(e + (1 if i == k else 0) for i, e in enumerate(m))
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return sorted(out)


def _lead(g, gens):
    from sympy.polys.orderings import grevlex

    return max(sympy.Poly(g, *gens).monoms(), key=grevlex)


def _dimension(G, gens):
    """Krull dimension of a zero-or-positive-dimensional ideal from its grevlex leading monomials."""
    import itertools

    supports = [frozenset(k for k, e in enumerate(_lead(g, gens)) if e) for g in G.exprs]
    for size in range(len(gens), -1, -1):
        for subset in itertools.combinations(range(len(gens)), size):
            if all(not s <= frozenset(subset) for s in supports):
                return size
    return 0


def _solve_sympy_rur(polys, gens):
    """Rational univariate representation from a grevlex basis and Krylov sequences of a linear form.

    The grevlex basis of the original system is cheap; adding the separating form as a
    variable (as a lex/shape computation would) is not.  With ``D`` standard monomials,
    ``NF(z^k)`` (k ≤ D) gives the minimal polynomial ``p`` of multiplication by ``z``; when
    ``deg p = D`` and p is squarefree the ideal is radical and z separates, and solving
    ``NF(v) = Σ a_k NF(z^k)`` gives ``v = g_v(z)`` (shape lemma).  Otherwise another form is
    tried, and the radical is taken by adding ``sqf(p)(z)``.
    """

    n = len(gens)
    system = list(polys)
    for attempt in range(6):
        G = sympy.groebner(system, *gens, order="grevlex", domain="QQ")
        if G.exprs == [1]:
            return -1, []
        if not G.is_zero_dimensional:
            return _dimension(G, gens), None
        lead = [_lead(g, gens) for g in G.exprs]
        basis = _standard_monomials(lead, n)
        D = len(basis)
        index = {m: i for i, m in enumerate(basis)}

        def vec(expr):
            r = G.reduce(expr)[1]
            out = [sympy.Integer(0)] * D
            for m, c in sympy.Poly(r, *gens).terms():
                out[index[m]] = c
            return out

        c = separating_form(n, attempt % 3)
        zlin = sum(ci * v for ci, v in zip(c, gens))
        powers = [sympy.Integer(1)]
        vecs = [vec(sympy.Integer(1))]
        for _k in range(D):
            nxt = G.reduce(sympy.expand(zlin * powers[-1]))[1]
            powers.append(nxt)
            vecs.append(vec(nxt))
        from sympy.polys.matrices import DomainMatrix
        from sympy import QQ
        _q = QQ.from_sympy
        K = DomainMatrix([[_q(vecs[k][i]) for k in range(D)] for i in range(D)], (D, D), QQ)
        zs = sympy.Symbol("z")
        if K.rank() == D:
            rhs = DomainMatrix([[_q(x)] for x in vecs[D]], (D, 1), QQ)
            a = K.lu_solve(rhs).to_Matrix()
            p = sympy.Poly(zs**D - sum(a[k] * zs**k for k in range(D)), zs, domain="QQ")
            if p.sqf_part().degree() == D:
                coords = {}
                for v in gens:
                    b = DomainMatrix([[_q(x)] for x in vec(v)], (D, 1), QQ)
                    s = K.lu_solve(b).to_Matrix()
                    coords[v] = sympy.Poly(sum(s[k] * zs**k for k in range(D)), zs, domain="QQ")
                return 0, _split(p, coords)
            # not radical: add sqf(p)(z) (√I = I + ⟨sqf p(z)⟩ when z separates the points)
            sq = p.sqf_part()
            system = list(polys) + [sympy.expand(sq.as_expr().subs(zs, zlin))]
            continue
        # z is not cyclic on the quotient: the minimal polynomial from the Krylov rank, then radicalize
        # minimal polynomial: first k with NF(z^k) dependent on the previous
        sol = None
        for k in range(1, D + 1):
            Kk = DomainMatrix([[_q(vecs[j][i]) for j in range(k)] for i in range(D)], (D, k), QQ)
            if Kk.rank() < k:
                Kk1 = DomainMatrix([[_q(vecs[j][i]) for j in range(k - 1)] for i in range(D)], (D, k - 1), QQ)
                A = Kk1.to_Matrix()
                bb = sympy.Matrix(vecs[k - 1])
                sol = (A.T * A).LUsolve(A.T * bb)
                deg = k - 1
                break
        if sol is None:  # pragma: no cover
            continue
        p = sympy.Poly(zs**deg - sum(sol[j] * zs**j for j in range(deg)), zs, domain="QQ")
        sq = p.sqf_part()
        system = list(polys) + [sympy.expand(sq.as_expr().subs(zs, zlin))]
    raise RuntimeError("could not find a separating linear form (sympy route)")


def _solve_msolve(mod, polys, gens, timeout):
    """msolve's rational parametrization, as components ``(q, {v: g_v mod q})``.

    msolve's documented format (see :mod:`linnet_geometry.backends.msolve`): at every root
    ``t`` of the squarefree eliminant ``w``, ``x_i = −num_i(t) / (cf_i · den(t))``.  Each
    irreducible factor q of w gives one component; ``num/den mod q`` comes from
    :func:`~linnet_geometry.exact.modular.quotients_mod` (no inverse of ``den`` over ℚ).  Every
    component is verified by exact substitution; ``(None, None)`` when one fails (another
    engine then answers).
    """
    res = mod.msolve_solve(list(polys), list(gens), field=0, real=True, timeout=timeout)
    if res.dimension < 0:
        return -1, []
    if res.dimension > 0:
        return 1, None  # msolve does not give the exact dimension: the caller computes it
    w = flint.fmpq_poly([int(c) for c in res.eliminant])
    den = flint.fmpq_poly([int(c) for c in res.denominator])
    cfs = res.cfs if res.cfs is not None else (1,) * len(res.numerators)
    nums = [flint.fmpq_poly([int(c) for c in num]) * flint.fmpq(-1, int(cf))
            for num, cf in zip(res.numerators, cfs)]
    comps = []
    for fac, _e in w.factor()[1]:
        q = flint.fmpq_poly(fac)
        q = q * (1 / q.leading_coefficient())
        try:   # x = num / den mod q without den⁻¹ (p-adic lifting + rational reconstruction)
            coords = dict(zip(res.gens, quotients_mod(nums, den, q)))
        except ZeroDivisionError:
            return None, None
        comps.append((q, coords))
    if not _verify(polys, gens, comps):
        return None, None  # the parametrization did not verify: let another engine answer
    return 0, comps


def solve_system(polys, gens, engine="auto", timeout=3600.0) -> SystemSolution:
    """Solve ``polys = 0`` exactly over ℚ (see the module docstring).

    Parameters
    ----------
    polys : sequence of sympy expressions with rational coefficients
    gens : sequence of sympy Symbols
    engine : {"auto", "msolve", "singular", "macaulay2", "sympy"}
    timeout : float
        Seconds allowed to an external engine.

    Returns
    -------
    SystemSolution

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> sol = solve_system([x**2 - 2, y - x - 1], [x, y], engine="sympy")
    >>> sol.engine, sol.dimension, sol.complex_count
    ('sympy', 0, 2)
    >>> sorted(K.to_sympy(c[y]) for K, c in sol.real_points)
    [1 - sqrt(2), 1 + sqrt(2)]
    """
    if engine not in ENGINES:
        raise InputTypeError(f"engine: expected one of {ENGINES}; received {engine!r}")
    gens = list(gens)
    polys = [integral(p, gens) for p in polys if sympy.expand(p) != 0]
    order = available_engines() if engine == "auto" else (engine,)
    for name in order:
        if name == "msolve":
            mod = _msolve_module()
            if mod is None:
                if engine == "msolve":
                    raise BackendNotFoundError("engine 'msolve' needs linnet_geometry.backends.msolve and the msolve "
                                               "executable; not available here")
                continue
            dim, comps = _solve_msolve(mod, polys, gens, timeout)
            if dim is None:
                continue
        else:
            backend = {"singular": "singular", "macaulay2": "macaulay2", "sympy": "sympy"}[name]
            if backend != "sympy" and shutil.which({"singular": "Singular", "macaulay2": "M2"}[backend]) is None:
                raise BackendNotFoundError(f"engine {name!r} needs its executable on PATH; not found")
            if not polys:
                dim, comps = len(gens), None
            elif backend == "sympy":
                dim, comps = _solve_sympy_rur(polys, gens)
            else:
                dim, comps = _solve_groebner(polys, gens, backend, timeout)
        if dim != 0:
            return SystemSolution(name, dim, None if dim > 0 else 0)
        count = sum(q.degree() for q, _ in comps)
        return SystemSolution(name, 0, count, tuple(comps), _real_points(comps), verified=name == "msolve")
    raise RuntimeError("no engine answered")  # pragma: no cover - sympy always answers


def _rational_slice(rng, gens, d):
    out = []
    for _ in range(d):
        out.append(sum(sympy.Rational(int(rng.integers(-5, 6)), int(rng.integers(1, 4))) * v for v in gens)
                   - sympy.Rational(int(rng.integers(-5, 6)), int(rng.integers(1, 4))))
    return out


def _exact_dimension(eqs, gens, engine):
    """Exact Krull dimension (Gröbner basis: Singular when on PATH, else sympy)."""
    backend = "singular" if shutil.which("Singular") and engine != "sympy" else "sympy"
    if backend == "sympy":
        G = sympy.groebner(eqs, *gens, order="grevlex", domain="QQ")
        if G.exprs == [1]:
            return -1
        return _dimension(G, gens)
    dim, _ = lex_basis(eqs, gens, backend)
    return dim
