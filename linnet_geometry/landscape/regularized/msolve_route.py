"""The msolve route: exact counts and certified real critical points from msolve (BES2021).

The Krull dimension and the count *with multiplicity* come from the leading
ideal of msolve's grevlex basis modulo a prime (standard monomials); the number
of *distinct* complex critical points is the degree of the squarefree
eliminant of msolve's rational parametrization (python-flint ``fmpz_poly`` /
``nmod_poly``), over ``QQ`` or ``GF(p)``; the points with a zero coordinate are
the common roots of the eliminant and the coordinate numerators.  Real
critical points are msolve's isolating boxes over ``QQ``, classified in
:mod:`.certify` (MCTH2022, BH2023).
"""

from __future__ import annotations

import os
import random
import re
import tempfile
import time

import flint
import sympy

from ...backends import BackendFailedError, find_msolve, msolve_solve, run_process
from ...backends.msolve import msolve_polynomial_line
from ...critical.classify import Fact
from ...exceptions import AssumptionError
from .certify import _msolve_real_points
from .groebner import _compress, _groebner_route, _krull_dimension, _quotient_basis
from .system import DEFAULT_PRIME, MAX_MSOLVE_QUOTIENT, MAX_RATIONAL_GROEBNER_PARAMS

__all__ = []


def _msolve_text(R, F, field):
    """msolve's input format: variables, characteristic, one polynomial per line (integer coefficients)."""
    names = [f"x{j}" for j in range(R.ngens)]
    lines = []
    for f in F:
        line = msolve_polynomial_line(f, names, field, "the data") if f else ""
        if line:
            lines.append(line)
    return ",".join(names) + "\n" + str(field) + "\n" + ",\n".join(lines) + "\n", names


def _msolve_leading_ideal(R, F, prime, timeout):
    """Leading monomials of msolve's reduced grevlex Gröbner basis over ``GF(prime)`` (``msolve -g 1``)."""
    exe = find_msolve()
    text, names = _msolve_text(R, F, prime)
    n = len(names)
    if text.count("\n") <= 2:  # every polynomial is zero: the ideal is 0
        return []
    with tempfile.TemporaryDirectory(prefix="linnet-msolve-") as tmp:
        src, dst = os.path.join(tmp, "in.ms"), os.path.join(tmp, "out.ms")
        with open(src, "w", encoding="ascii") as fh:
            fh.write(text)
        run_process([exe, "-g", "1", "-f", src, "-o", dst], timeout=timeout, cwd=tmp, name="msolve")
        with open(dst, encoding="ascii", errors="replace") as fh:
            content = fh.read()
    body = "\n".join(line for line in content.splitlines() if not line.startswith("#"))
    index = {nm: j for j, nm in enumerate(names)}
    leading = []
    for tok in re.findall(r"[A-Za-z0-9_\^\*]+", body):
        e = [0] * n
        if tok != "1":
            for part in tok.split("*"):
                var, _, k = part.partition("^")
                if var not in index:
                    raise BackendFailedError(f"msolve printed an unexpected leading monomial {tok!r}; expected "
                                             f"monomials in {names[0]}..{names[-1]}")
                e[index[var]] += int(k or 1)
        leading.append(tuple(e))
    if not leading:
        raise BackendFailedError(f"msolve -g 1 printed no leading ideal; expected a list of monomials, received "
                                 f"{content[-200:]!r}")
    return leading


def _flint_poly(field):
    if field:
        return lambda c: flint.nmod_poly([int(x) % field for x in c], field)
    return lambda c: flint.fmpz_poly([int(x) for x in c])


def _squarefree_part(W):
    g = W.gcd(W.derivative())
    return W if g.degree() <= 0 else W // g


def _squarefree_degree(w, field):
    """Number of distinct roots of the eliminant ``w`` (coefficients low degree first) over the algebraic closure."""
    W = _flint_poly(field)(w)
    if W.degree() <= 0:
        return 0
    return _squarefree_part(W).degree()


def _param_zero_points(w, numerators, field):
    """Number of roots of the eliminant ``w`` at which some numerator vanishes (a zero coordinate).

    The roots of ``gcd(w_sqf, num_i)`` are the points with ``x_i = 0``; their union has ``deg lcm_i gcd(w_sqf,
    num_i)`` elements (exact gcds over ZZ — multi-modular in FLINT — or over GF(p)).
    """
    P = _flint_poly(field)
    W = _squarefree_part(P(w))
    union = P([1])
    for num in numerators:
        N = P(num)
        g = W if N == 0 else W.gcd(N)
        if g.degree() > 0:
            union = union * g // union.gcd(g)
    return union.degree()


def _msolve_route(network, loss, R, F, Lpoly, *, prime, real_points, timeout, seed, facts, seconds):
    """msolve: leading ideal (dimension, count with multiplicity), parametrization (distinct count, nonzero
    count), certified real points with interval-certified Hessian inertia."""
    n = R.ngens
    gens = list(R.symbols)
    polys = [f.as_expr() for f in F if f]
    p_lead = prime if prime is not None else DEFAULT_PRIME
    t0 = time.perf_counter()
    leading = _msolve_leading_ideal(R, F, p_lead, timeout)
    seconds["leading_ideal"] = time.perf_counter() - t0
    dim = _krull_dimension(leading, n) if leading else n
    field_name = "QQ" if prime is None else f"GF({prime})"
    facts.append(Fact(f"msolve: reduced grevlex Gröbner basis (F4) of the {n} gradient equations over GF({p_lead}): "
                      f"{len(leading)} elements; Krull dimension of its leading-monomial ideal = {dim}"))
    out = dict(field=field_name, dimension=dim, count=None, distinct=None, multiplicities=None, nonzero=None,
               nonzero_distinct=None, groebner_size=len(leading), multiplicity_source=None, reals=None,
               global_minimum=None, bad=(), complete=False)
    if dim != 0:
        what = "no complex critical point" if dim < 0 else \
            f"the critical set is not finite: its largest component has dimension {dim}"
        facts.append(Fact(what + " (modulo the prime; equal over QQ unless it is unlucky). Isolated points and "
                          "positive-dimensional components are not separated by this route: no count and no real "
                          "points are given"))
        return out
    basis = _quotient_basis(leading, n, MAX_MSOLVE_QUOTIENT)
    count = len(basis)
    facts.append(Fact(f"zero-dimensional: {count} standard monomials of msolve's leading ideal over GF({p_lead}) = "
                      "number of complex critical points counted with multiplicity"
                      + ("" if prime is not None else " (equal over QQ unless the prime is unlucky)")))
    t1 = time.perf_counter()
    field = prime or 0
    want_real = bool(real_points) and field == 0
    sol = _msolve_separated(msolve_solve, polys, gens, field, want_real, timeout, seed)
    seconds["msolve"] = time.perf_counter() - t1
    if sol.dimension != 0 or sol.degree is None:
        raise AssumptionError(f"msolve's parametrization over {field_name} has dimension {sol.dimension} while the "
                              f"leading ideal modulo {p_lead} is zero-dimensional; expected agreement (an unlucky "
                              "prime): choose another prime")
    # the eliminant's squarefree degree, not msolve's header (which counts with multiplicity on some versions)
    distinct = _squarefree_degree(sol.eliminant, field)
    if sol.degree is not None and int(sol.degree) not in (distinct, count):
        raise BackendFailedError(f"msolve reports degree {sol.degree} but its eliminant has {distinct} distinct roots "
                                 f"(and {count} points with multiplicity); expected one of these")
    if distinct > count:
        raise AssumptionError(f"{distinct} distinct points over {field_name} but {count} with multiplicity modulo "
                              f"{p_lead}; expected distinct ≤ with multiplicity (the prime {p_lead} is unlucky): choose "
                              "another prime")
    facts.append(Fact(f"msolve's rational parametrization over {field_name}: squarefree eliminant of degree "
                      f"{distinct} ⇒ {distinct} distinct complex critical points"
                      + (" (multi-modular, exact over QQ)" if field == 0 else
                         f" (over GF({prime}); equal over QQ unless the prime is unlucky)")))
    mults = None
    source = None
    nz_groebner = None
    if distinct == count:
        mults = [1] * count
        source = "msolve: distinct count (eliminant degree) = count with multiplicity (standard monomials) ⇒ radical"
        facts.append(Fact(f"{count} = {distinct} ⇒ the gradient ideal is radical: every critical point is simple "
                          "(nonsingular Hessian)"))
    elif n <= MAX_RATIONAL_GROEBNER_PARAMS:
        gfacts = []
        g = _groebner_route(R, F, n, prime if prime is not None else DEFAULT_PRIME, seed, gfacts, {})
        if g["count"] != count or g["distinct"] != distinct:
            raise AssumptionError(f"sympy's Gröbner route gives ({g['count']}, {g['distinct']}) points and msolve "
                                  f"({count}, {distinct}); expected agreement")
        mults, source = g["multiplicities"], g["multiplicity_source"]
        nz_groebner = g["nonzero"]
        facts.append(Fact(f"not radical: multiplicities {_compress(mults)} from sympy's Gröbner route ({source})"))
    else:
        facts.append(Fact(f"not radical: {count} points with multiplicity, {distinct} distinct; the local "
                          f"multiplicities are not computed for more than {MAX_RATIONAL_GROEBNER_PARAMS} weights"))
    t4 = time.perf_counter()
    zero = _param_zero_points(sol.eliminant, sol.numerators, field)
    seconds["zero_coordinates"] = time.perf_counter() - t4
    nz_distinct = distinct - zero
    nz = nz_distinct if distinct == count else nz_groebner
    facts.append(Fact(f"{zero} of the {distinct} distinct points have a zero coordinate (degree of gcd(eliminant, "
                      f"∏ numerators)) ⇒ {nz_distinct} in the torus (ℂ*)^{n}"))
    out.update(count=count, distinct=distinct, multiplicities=mults, nonzero=nz, nonzero_distinct=nz_distinct,
               multiplicity_source=source)
    if not real_points:
        return out
    if field != 0:
        t2 = time.perf_counter()
        solq = _msolve_separated(msolve_solve, polys, gens, 0, True, timeout, seed)
        seconds["msolve_QQ"] = time.perf_counter() - t2
        if _squarefree_degree(solq.eliminant, 0) != distinct:
            raise AssumptionError(f"msolve finds {solq.degree} distinct points over QQ and {distinct} over "
                                  f"GF({prime}); the prime is unlucky: choose another prime")
        facts.append(Fact(f"real points from msolve over QQ (its degree {solq.degree} equals the modular count)"))
        sol = solq
    t3 = time.perf_counter()
    reals, gmin, bad = _msolve_real_points(network, loss, R, F, Lpoly, sol, facts)
    seconds["real_points"] = time.perf_counter() - t3
    out.update(reals=reals, global_minimum=gmin, bad=bad, complete=True)
    return out


class _FirstCoordinates:
    """An msolve result of the system extended by ``t = Σ c_i x_i``, seen on the original coordinates."""

    def __init__(self, sol, n):
        self.sol, self.n = sol, n
        self.dimension, self.degree, self.eliminant = sol.dimension, sol.degree, sol.eliminant
        self.numerators = None if sol.numerators is None else tuple(sol.numerators[:n])
        self.real_points = None if sol.real_points is None else tuple(tuple(b[:n]) for b in sol.real_points)

    def refine(self, k, bits):
        return tuple(self.sol.refine(k, bits)[:self.n])


def _msolve_separated(msolve_solve, polys, gens, field, real, timeout, seed):
    """msolve on the system plus a last variable ``t = Σ c_i x_i`` (random small integers ``c_i``).

    With a separating last variable msolve's parametrization is in ``t`` directly (it would otherwise add a
    variable of its own); the map ``x ↦ (x, c·x)`` is a bijection of the solution sets, so counts, real
    points and boxes are those of the original system.
    """
    rng = random.Random(f"linnet-msolve-form-{seed}")
    t = sympy.Dummy("t")
    last = None
    for _ in range(3):
        c = [rng.choice([-1, 1]) * rng.randint(1, 64) for _ in gens]
        form = t - sum(ci * g for ci, g in zip(c, gens))
        try:
            return _FirstCoordinates(msolve_solve(list(polys) + [form], list(gens) + [t], field=field, real=real,
                                                 timeout=timeout), len(gens))
        except Exception as err:  # msolve rejected this form (not separating): try another one
            if not isinstance(err, BackendFailedError) or "variables" not in str(err):
                raise
            last = err
    raise last

