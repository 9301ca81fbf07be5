"""Benchmark: critical points of weighted squared distances on rank ≤ 1 matrices, end to end.

Run ``python benchmarks/bench_general_losses.py [--quick]``.  Prints one row per
(shape, route): wall time of :func:`function_space_critical_points` (all
charts, exact solving, real points, classification), the number of complex
critical points on ``M_1^o`` and of real ones.  Routes: the default
(``method="auto"``: variable projection, FLINT resultants), then the same chart
systems as lex Gröbner bases in the embedded sympy engine (which refuses systems
beyond ``SYMPY_BEZOUT_LIMIT`` before starting), Singular and Macaulay2 when on PATH.
"""

from __future__ import annotations

import argparse
import random
import time

from linnet_geometry import DeterminantalVariety, WeightedQuadraticLoss
from linnet_geometry.critical import general
from linnet_geometry.exceptions import ProblemTooLargeError


def weighted(m, n, seed):
    rng = random.Random(seed)
    return WeightedQuadraticLoss([[rng.randint(-99, 99) for _ in range(n)] for _ in range(m)],
                                 [[rng.randint(1, 99) for _ in range(n)] for _ in range(m)])


def row(shape, backend, method, seed=11):
    loss = weighted(*shape, seed)
    label = "default" if method == "auto" else f"{backend} GB"
    t0 = time.perf_counter()
    try:
        res = general.function_space_critical_points(loss, DeterminantalVariety(*shape, 1), backend=backend,
                                                     method=method)
    except ProblemTooLargeError as err:
        return f"{shape[0]}x{shape[1]:<4}{label:<14}{'refused':>10}  {'-':>8}{'-':>6}  {str(err)[:60]}"
    dt = time.perf_counter() - t0
    s = res.strata[1]
    bad = len(res.bad_local_minima)
    return (f"{shape[0]}x{shape[1]:<4}{label:<14}{dt:>9.2f}s  {s.num_complex:>8}{s.num_real:>6}  {s.method}, "
            f"bad local minima {bad}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only 2x2 and 2x3")
    args = ap.parse_args(argv)
    shapes = [(2, 2), (2, 3)] + ([] if args.quick else [(3, 3)])
    backends = general.available_backends()
    print(f"backends on PATH: {backends}")
    print(f"{'shape':<8}{'route':<14}{'time':>10}  {'#complex':>8}{'#real':>6}")
    for shape in shapes:
        print(row(shape, "auto", "auto"), flush=True)
        for backend in backends:
            print(row(shape, backend, "groebner"), flush=True)


if __name__ == "__main__":
    main()
