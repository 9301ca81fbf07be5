"""Benchmark of linnet_geometry.families.relu: the KMTM2024 phase-transition grid and exact-vs-numeric ranks.

Run ``python benchmarks/bench_relu.py`` (options: --samples, --workers).  Prints
tables; nothing here is a timed assertion.  Target: the whole grid (d0 in {1, 2, 4}
with bias, n = 10..60, widths 2..60, 100 samples per cell) in < 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import sympy

from linnet_geometry.families.relu import full_rank_fraction, jacobian_rank, phase_transition, with_bias


def grid(samples, workers):
    print(f"phase-transition grid: n = 10:60:10, widths = 2:60:2, {samples} samples/cell, uniform patterns")
    print(f"{'d0':>3} {'d0_prime':>8} {'cells':>6} {'seconds':>8}   transition width (first fraction >= 1/2) per n")
    total = 0.0
    for d0 in (1, 2, 4):
        t = time.perf_counter()
        pt = phase_transition(d0, range(10, 61, 10), range(2, 61, 2), samples, seed=0, max_workers=workers)
        dt = time.perf_counter() - t
        total += dt
        tw = ", ".join(f"{n}:{w}" for n, w in zip(pt.ns, pt.transition_widths()))
        print(f"{d0:>3} {d0 + 1:>8} {len(pt.ns) * len(pt.widths):>6} {dt:>8.2f}   {tw}")
    print(f"whole grid: {total:.2f} s (target < 60 s)")


def ranks():
    print("\nexact (DomainMatrix over QQ) vs numeric (SVD) rank of one Khatri-Rao Jacobian, d0 = 2 + bias")
    print(f"{'n':>4} {'d1':>4} {'shape':>10} {'exact ms':>10} {'numeric ms':>11} {'MC ms/sample':>13} {'agree':>6}")
    rng = np.random.default_rng(0)
    for n, d1 in [(6, 3), (10, 5), (20, 10), (30, 15), (40, 20)]:
        Xi = rng.integers(-1000, 1000, size=(2, n))
        X = with_bias(sympy.Matrix(Xi.tolist()))
        Xf = np.array(X.tolist(), dtype=float)
        A = rng.integers(0, 2, size=(d1, n))
        t = time.perf_counter()
        re = jacobian_rank(A, X)
        te = time.perf_counter() - t
        t = time.perf_counter()
        reps = 50
        for _ in range(reps):
            rn = jacobian_rank(A, Xf)
        tn = (time.perf_counter() - t) / reps
        t = time.perf_counter()
        full_rank_fraction(n, 2, d1, 1000, seed=0)
        tm = (time.perf_counter() - t) / 1000
        print(f"{n:>4} {d1:>4} {str((3 * d1, n)):>10} {1e3 * te:>10.2f} {1e3 * tn:>11.3f} {1e3 * tm:>13.4f} {str(re == rn):>6}")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=100)
    p.add_argument("--workers", type=int, default=None, help="local processes (default: all cores)")
    a = p.parse_args()
    grid(a.samples, a.workers)
    ranks()
