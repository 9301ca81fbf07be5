"""Benchmark: critical points of weight-decay regularized linear networks (issue 10).

Counts and wall times for widths (2, 2, 2) with one and with two data points (generic λ), plus a few
smaller architectures: the exact Gröbner route (modulo p = 2^31 − 1), this library's total-degree
homotopy and PHCpack's blackbox solver (when ``phc`` is installed).  Prints a table; asserts nothing
about time.

Run:  python benchmarks/bench_regularized.py [--quick] [--seed S]
"""

from __future__ import annotations

import argparse
import shutil
import time

from linnet_geometry.regularized import (
    gradient_system,
    parameter_critical_points,
    random_regularized_loss,
    solve_homotopy,
    solve_phc,
)

CASES = [((2, 1, 2), 1), ((1, 1, 1, 1), 1), ((2, 2, 1), 1), ((2, 2, 2), 1), ((2, 2, 2), 2)]


def run_case(widths, samples, seed, with_phc):
    net, loss = random_regularized_loss(widths, samples=samples, seed=seed)
    t = time.perf_counter()
    res = parameter_critical_points(net, loss, real_points=False, homotopy=False)
    t_gb = time.perf_counter() - t
    _, F = gradient_system(net, loss)
    hres = solve_homotopy(F, seed=seed)
    pres = solve_phc(F) if with_phc else None
    return {
        "widths": widths, "N": samples, "params": net.num_params, "dim": res.dimension,
        "groebner": res.count, "distinct": res.distinct_count, "nonzero": res.nonzero_count,
        "t_groebner": t_gb, "paths": hres.paths, "homotopy": hres.count, "real": hres.real_count,
        "t_homotopy": hres.seconds, "phc": None if pres is None else pres.count,
        "phc_real": None if pres is None else pres.real_count, "t_phc": None if pres is None else pres.seconds,
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the two-data-point (2,2,2) case")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    with_phc = shutil.which("phc") is not None
    cases = [c for c in CASES if not (args.quick and c == ((2, 2, 2), 2))]
    head = (f"{'widths':<14}{'N':>2}{'d_θ':>5}{'dim':>4}{'Gröbner':>9}{'distinct':>9}{'nonzero':>8}{'t_GB[s]':>9}"
            f"{'paths':>7}{'homotopy':>9}{'real':>5}{'t_hom[s]':>9}{'phc':>6}{'phc_real':>9}{'t_phc[s]':>9}")
    print(f"generic λ, random exact data, seed {args.seed}; Gröbner over GF(2147483647); phc "
          f"{'present' if with_phc else 'absent'}")
    print(head)
    print("-" * len(head))
    for widths, samples in cases:
        r = run_case(widths, samples, args.seed, with_phc)
        phc = "-" if r["phc"] is None else str(r["phc"])
        phc_real = "-" if r["phc_real"] is None else str(r["phc_real"])
        t_phc = "-" if r["t_phc"] is None else f"{r['t_phc']:.2f}"
        print(f"{str(r['widths']):<14}{r['N']:>2}{r['params']:>5}{r['dim']:>4}{r['groebner']:>9}{r['distinct']:>9}"
              f"{r['nonzero']:>8}{r['t_groebner']:>9.2f}{r['paths']:>7}{r['homotopy']:>9}{r['real']:>5}"
              f"{r['t_homotopy']:>9.2f}{phc:>6}{phc_real:>9}{t_phc:>9}", flush=True)


if __name__ == "__main__":
    main()
