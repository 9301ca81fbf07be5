"""Benchmark of linnet_geometry.families.symmetry (SGJ2021): prints a table.

Rows: closed forms for m = 300 versus brute-force sympy Stirling sums; the
Stirling row S(2000, ·) at the limit MAX_ROW_WIDTH (one FLINT polynomial
product) versus the triangle recurrence; enumeration of the zero-loss pieces for r* = 3, m = 5; the exact intersection
graph by sparse fraction-free elimination over QQ, by the combinatorial rule,
and (on a sample of pairs, extrapolated) by dense sympy DomainMatrix ranks.

Usage: python benchmarks/bench_symmetry.py [--sample 1500]
"""

import argparse
import itertools
import math
import random
import time

from sympy.functions.combinatorial.numbers import stirling as sympy_stirling

from linnet_geometry.families.symmetry import (
    G,
    T,
    affine_subspaces_intersect,
    connectivity_graph,
    example_teacher,
    global_minimum_subspaces,
)
from linnet_geometry.families.symmetry.counts import MAX_ROW_WIDTH, _stirling_row


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=1500, help="pairs for the DomainMatrix estimate")
    args = parser.parse_args()
    rows = []

    m, r = 300, 3
    (tg, ts, gg), dt = timed(lambda: (T(r, m), T(r, m, "single"), G(r, m)))
    rows.append((f"closed forms T(3,300) both conventions, G(3,300)", dt, f"T has {len(str(tg))} digits", "target < 0.1 s"))

    def brute():
        return (sum(int(sympy_stirling(m, k)) * math.factorial(k) // math.factorial(k - r) for k in range(r, m + 1)),
                math.factorial(r) * int(sympy_stirling(m + 1, r + 1)), math.factorial(r) * int(sympy_stirling(m, r)))

    bt, dt = timed(brute)
    rows.append(("same via sympy.stirling sums (brute force)", dt, "agree" if bt == (tg, ts, gg) else "DISAGREE", ""))

    n = MAX_ROW_WIDTH
    _stirling_row.cache_clear()
    row, dt = timed(lambda: _stirling_row(n))
    rows.append((f"Stirling row S({n}, ·), FLINT polynomial product", dt,
                 f"largest {max(row).bit_length()} bits", "the limit MAX_ROW_WIDTH; target ~1 s"))

    def recurrence():
        prev = [1]
        for i in range(1, n + 1):
            prev = [0] + [k * (prev[k] if k < i else 0) + prev[k - 1] for k in range(1, i + 1)]
        return tuple(prev)

    rec, dt = timed(recurrence)
    rows.append(("same by the triangle recurrence (brute force)", dt, "agree" if rec == row else "DISAGREE", ""))

    teacher = example_teacher(3, 2)
    pieces, dt = timed(lambda: list(global_minimum_subspaces(teacher, 5)))
    rows.append(("enumerate pieces r*=3, m=5 (group; incl. sigma check)", dt, f"{len(pieces)} pieces (T = {T(3, 5)})", ""))

    g_la, dt_la = timed(lambda: connectivity_graph(teacher, 5, method="linear_algebra", progress=False))
    rows.append(("enumeration + exact graph, sparse QQ elimination", dt_la,
                 f"{g_la.number_of_edges()} edges", "target < 60 s"))
    g_c, dt = timed(lambda: connectivity_graph(teacher, 5, method="combinatorial", progress=False))
    rows.append(("enumeration + graph, combinatorial rule", dt,
                 "same edges" if set(g_c.edges) == set(g_la.edges) else "DIFFERENT EDGES", ""))

    pairs = list(itertools.combinations(range(len(pieces)), 2))
    sample = random.Random(0).sample(pairs, min(args.sample, len(pairs)))

    def dense():
        agree = 0
        for i, j in sample:
            P, Q = pieces[i], pieces[j]
            ok, dim = affine_subspaces_intersect(P.base_point, P.directions, Q.base_point, Q.directions)
            agree += (ok == g_la.has_edge(i, j))
        return agree

    agree, dt = timed(dense)
    rows.append((f"dense DomainMatrix ranks, {len(sample)} sampled pairs", dt,
                 f"{agree}/{len(sample)} agree; all {len(pairs)} pairs ~ {dt * len(pairs) / len(sample):.0f} s", ""))

    width = max(len(r[0]) for r in rows)
    print(f"{'task'.ljust(width)} | {'time [s]':>9} | result | note")
    print("-" * (width + 60))
    for task, dt, result, note in rows:
        print(f"{task.ljust(width)} | {dt:9.4f} | {result} | {note}")


if __name__ == "__main__":
    main()
