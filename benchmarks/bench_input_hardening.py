"""Input hardening: the accelerated closed forms and the whitelist parser, side by side with the direct routes.

Prints a table: for each task the time of the library route and of the direct (previous or brute-force)
route, and whether both give the same exact answer.  Routes:

* degree of ``M_r`` — Legendre prime exponents (library) vs the product of factorials;
* Cover's count — incremental binomials over the shorter side (library) vs ``sum(math.comb)``;
* Stirling numbers — FLINT ``stirling_s2`` (library) vs the alternating sum;
* ``step_patterns`` — vectorised numpy (library) vs a set of tuples;
* symbolic ``dμ`` — block formula ``W_{>i} ⊗ W_{<i}ᵀ`` (library) vs ``jacobian`` of the expanded ``μ_d``;
* polynomial text — the ``ast`` whitelist parser (library) vs ``sympy.sympify`` (unsafe: evaluates its input;
  timed here on trusted text only).

Usage: ``python benchmarks/bench_input_hardening.py``
"""

import math
import time

import numpy as np
import sympy

from linnet_geometry import DeterminantalVariety, LinearNetwork
from linnet_geometry.model.losses import parse_polynomial
from linnet_geometry.families.relu import cover_count, step_patterns
from linnet_geometry.families.symmetry import stirling2


def timed(f):
    t = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t


def degree_factorials(m, n, r):
    m, n = max(m, n), min(m, n)
    num, den = 1, 1
    for i in range(n - r):
        num *= math.factorial(m + i) * math.factorial(i)
        den *= math.factorial(r + i) * math.factorial(m - r + i)
    return num // den


def stirling_sum(n, k):
    return sum((-1) ** j * math.comb(k, j) * (k - j) ** n for j in range(k + 1)) // math.factorial(k)


def step_tuples(n):
    pats = set()
    for k in range(n + 1):
        pats.add(tuple([0] * k + [1] * (n - k)))
        pats.add(tuple([1] * k + [0] * (n - k)))
    return np.array(sorted(pats), dtype=np.int8)


def jacobian_route(widths):
    net = LinearNetwork(widths)
    return sympy.Matrix(list(net.end_to_end())).jacobian(sympy.Matrix(net.parameters))


def main():
    W = sympy.Matrix(2, 2, sympy.symbols("w11 w12 w21 w22"))
    text = "+".join(f"{k}*w11^{k % 5}*w12 - w21*w22^{k % 3}/{k + 1}" for k in range(1500))
    short = "+".join(f"{k}*w11^{k % 5}*w12 - w21*w22^{k % 3}/{k + 1}" for k in range(400))
    tasks = [
        ("degree M_150 in 300x300", lambda: DeterminantalVariety(300, 300, 150).degree,
         lambda: degree_factorials(300, 300, 150)),
        ("degree M_500 in 1000x1000", lambda: DeterminantalVariety(1000, 1000, 500).degree,
         lambda: degree_factorials(1000, 1000, 500)),
        ("cover_count(10^5, 10^4)", lambda: cover_count(10**5, 10**4),
         lambda: 2 * sum(math.comb(10**5 - 1, k) for k in range(10**4))),
        ("stirling2(3000, 1500)", lambda: stirling2(3000, 1500), lambda: stirling_sum(3000, 1500)),
        ("stirling2(10^5, 50)", lambda: stirling2(10**5, 50), lambda: stirling_sum(10**5, 50)),
        ("step_patterns(3000)", lambda: step_patterns(3000), lambda: step_tuples(3000)),
        ("symbolic dμ, widths (5,5,5,5)", lambda: LinearNetwork((5, 5, 5, 5)).differential(),
         lambda: jacobian_route((5, 5, 5, 5))),
        ("parse 800-term polynomial", lambda: parse_polynomial(short, W),
         lambda: sympy.sympify(short.replace("^", "**"), locals={str(s): s for s in W}, rational=True)),
        ("parse 3000-term polynomial", lambda: parse_polynomial(text, W),
         lambda: sympy.sympify(text.replace("^", "**"), locals={str(s): s for s in W}, rational=True)),
    ]
    print(f"{'task':<34}{'library (s)':>13}{'direct (s)':>13}{'speed-up':>10}  same")
    print("-" * 76)
    for name, lib, direct in tasks:
        a, ta = timed(lib)
        try:
            b, tb = timed(direct)
        except (RecursionError, MemoryError) as err:  # the direct route cannot do it at all
            print(f"{name:<34}{ta:>13.3f}{'fails':>13}{'':>10}  direct route: {type(err).__name__}", flush=True)
            continue
        if isinstance(a, np.ndarray):
            same = np.array_equal(a, b)
        elif isinstance(a, sympy.MatrixBase):
            same = (a - b).applyfunc(sympy.expand) == sympy.zeros(*a.shape)
        elif isinstance(a, sympy.Expr):
            same = sympy.expand(a - b) == 0
        else:
            same = a == b
        print(f"{name:<34}{ta:>13.3f}{tb:>13.3f}{tb / ta:>10.1f}  {same}", flush=True)


if __name__ == "__main__":
    main()
