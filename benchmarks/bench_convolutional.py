"""Benchmark: every critical point of a loss on a linear convolutional network (KMMT2022, KMST2024).

For k = (3, 3, 3) stride 1 and k = (3, 3) strides (2, 1), with random rational targets, the full
critical-point list by the default engine (charts modulo scaling) next to the brute-force route
(elimination of the raw parameter-space gradient ideal ⟨∇L, v − L⟩ to ℚ[v]) in Singular and
Macaulay2, when on PATH.  Columns: seconds, number of complex / real critical points (mod scaling),
and whether the brute-force critical-value polynomial equals the one of the charts.

    python benchmarks/bench_convolutional.py [--timeout 900] [--cases 333,33s]
"""

from __future__ import annotations

import argparse
import shutil
import time

import numpy as np
import sympy

from linnet_geometry import QuadraticLoss
from linnet_geometry.families.convolutional import ConvolutionalNetwork, convolutional_critical_points
from linnet_geometry.families.convolutional.brute_force import critical_values_polynomial

CASES = {"33s": ((3, 3), (2, 1)), "333": ((3, 3, 3), (1, 1, 1))}


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--timeout", type=float, default=900.0)
    p.add_argument("--cases", default="33s,333")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    rows = []
    for name in a.cases.split(","):
        ks, ss = CASES[name]
        net = ConvolutionalNetwork(ks, ss)
        rng = np.random.default_rng(a.seed)
        u = [[sympy.Rational(int(rng.integers(-9, 10)), int(rng.integers(1, 4)))
              for _ in range(net.end_to_end_filter_size)]]
        loss = QuadraticLoss(u)
        t = time.perf_counter()
        locus = convolutional_critical_points(net, loss)
        t_main = time.perf_counter() - t
        try:
            P = locus.complex_critical_values_polynomial()
        except ValueError:
            P = None
        rows.append((f"k={ks} s={ss}", f"default ({locus.engine})", f"{t_main:.2f}", str(locus.complex_count),
                     str(len(locus.points)), str(len(locus.families)), "--"))
        from linnet_geometry.families.convolutional.brute_force import available_backends
        for backend, exe in (("msolve", "msolve"), ("singular", "Singular"), ("macaulay2", "M2")):
            if backend not in available_backends():
                rows.append((f"k={ks} s={ss}", f"brute {backend}", "not on PATH", "", "", "", ""))
                continue
            t = time.perf_counter()
            try:
                B = critical_values_polynomial(net, loss, backend=backend, timeout=a.timeout)
                dt = f"{time.perf_counter() - t:.2f}"
                same = "--" if P is None else str(B.as_expr() == P.as_expr())
                rows.append((f"k={ks} s={ss}", f"brute {backend}", dt, f"{B.degree()} values", "", "", same))
            except Exception as err:  # noqa: BLE001 - a timeout is a result of the benchmark
                rows.append((f"k={ks} s={ss}", f"brute {backend}", f"failed ({type(err).__name__})", "", "", "", ""))
        print(f"target u = {[str(x) for x in u[0]]}")
        for pt in locus.points:
            print(f"  {pt.value_float:>12.6g}  {pt.kind:<9} {pt.role:<16} rk dmu {pt.differential_rank}  "
                  f"boundary {pt.on_boundary}  shared roots {pt.shared_roots}")
    head = ("architecture", "route", "seconds", "complex", "real pts", "families", "same values")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    main()
