"""Brute-force route: critical values from a Gröbner basis of the raw parameter-space gradient ideal.

No charts, no normalization of the scaling symmetry, no theory: the ideal
``⟨∂L/∂θ_1, …, ∂L/∂θ_n, v − L(θ)⟩ ⊂ ℚ[θ, v]`` is eliminated down to ``ℚ[v]``.
Its generator vanishes exactly on the Zariski closure of the complex critical
values of L, a finite set (algebraic Sard), so its squarefree part is the
polynomial whose roots are all complex critical values.  This is the
independent route that :func:`~linnet_geometry.convolutional.convolutional_critical_points`
is checked against (tests, benchmarks).

Backends: ``"sympy"`` (lex Gröbner basis; tiny architectures only),
``"singular"`` (``eliminate``) and ``"macaulay2"`` (``eliminate``).
"""

from __future__ import annotations

import shutil

import sympy

from ..exceptions import BackendNotFoundError, InputTypeError

__all__ = ["gradient_ideal", "critical_values_polynomial", "BRUTE_FORCE_BACKENDS"]

BRUTE_FORCE_BACKENDS = ("sympy", "singular", "macaulay2")


def gradient_ideal(network, loss):
    """``(polys, gens, v)``: the gradient ideal with the value variable ``v`` (last in ``gens``).

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.convolutional import ConvolutionalNetwork
    >>> polys, gens, v = gradient_ideal(ConvolutionalNetwork((2, 2)), QuadraticLoss([[1, 0, 1]]))
    >>> len(polys), len(gens), gens[-1] == v
    (5, 5, True)
    """
    from .critical import _Problem

    prob = _Problem(network, loss)
    v = sympy.Symbol("v_value")
    return list(prob.grad) + [sympy.expand(v - prob.L)], list(prob.flat) + [v], v


def _eliminate_external(polys, gens, backend, timeout):
    from ..critical.general import _parse, _run, _to_text

    names = [f"x{k}" for k in range(len(gens))]
    eqs = ",\n".join(_to_text(p, gens) for p in polys)
    elim = "*".join(names[:-1])
    if backend == "singular":
        script = (f"ring R = 0, ({','.join(names)}), dp;\nshort = 0;\nideal I = {eqs};\n"
                  f"ideal E = eliminate(I, {elim});\nint i;\n"
                  "for (i = 1; i <= size(E); i++) { print(\"GEN \" + string(E[i])); }\nquit;\n")
        out = _run(["Singular", "-q"], script, ".sing", timeout)
    else:
        script = (f"R = QQ[{','.join(names)}];\nI = ideal({eqs});\nE = eliminate({{{','.join(names[:-1])}}}, I);\n"
                  "scan(flatten entries gens E, g -> print(\"GEN \" | toString g));\n")
        out = _run(["M2", "--script"], script, ".m2", timeout)
    lines = [ln[4:] for ln in out.splitlines() if ln.startswith("GEN ")]
    return _parse(lines, gens)


def critical_values_polynomial(network, loss, backend="sympy", timeout=3600.0):
    """Monic squarefree polynomial in ``v`` whose roots are the complex critical values of L.

    Parameters
    ----------
    network : ConvolutionalNetwork
    loss : Loss (exact)
    backend : {"sympy", "singular", "macaulay2"}
    timeout : float

    Returns
    -------
    sympy.Poly in ``v``

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.convolutional import ConvolutionalNetwork
    >>> critical_values_polynomial(ConvolutionalNetwork((2, 2)), QuadraticLoss([[1, 0, 1]])).as_expr()
    v**4 - 13*v**3/3 + 6*v**2 - 8*v/3
    """
    if backend not in BRUTE_FORCE_BACKENDS:
        raise InputTypeError(f"backend: expected one of {BRUTE_FORCE_BACKENDS}; received {backend!r}")
    polys, gens, v = gradient_ideal(network, loss)
    if backend == "sympy":
        G = sympy.groebner(polys, *gens, order="lex")
        elim = [g for g in G.exprs if not (g.free_symbols - {v})]
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
