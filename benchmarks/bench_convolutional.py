"""Benchmark: every critical point of a loss on a linear convolutional network (KMMT2022, KMST2024).

For k = (3, 3, 3) stride 1 and k = (3, 3) strides (2, 1), with seeded random rational data, the
full critical-point list by the library's route (with stride 1 one system per root-sharing pattern of
the layers, ``method="strata"``; otherwise, and as ``torus:auto``, one per chart modulo scaling; each
system solved by msolve — the default engine — or by Singular / Macaulay2), side by side with the brute-force
route: elimination of the raw parameter-space gradient ideal ``⟨∇L, v − L⟩`` down to ``ℚ[v]`` by
msolve, Singular and Macaulay2 (the same ideal for all three), and the same ideal with its scaling
orbits sliced, eliminated over GF(p) by msolve (``elim:msolve-mod``: one modular run instead of
msolve's multi-modular reconstruction of the whole block basis, which runs out of memory on large
architectures).  Every cell runs in its own
process group with a time limit, so the run is bounded; a cell past its limit is killed and
reported as a timeout.

Columns: seconds; complex critical points with non-zero filters modulo scaling (chart routes) or
the degree of the critical-value polynomial (elimination routes); real isolated critical points
and families (chart routes); and whether the complex critical values equal those of the default
route: exact polynomial equality over ℚ when both sides have their rational polynomial, else
equality of the images over GF(p), p = 2³¹ − 1 (marked "mod p").  ``--modular`` skips the
rational polynomial of the chart route (a characteristic polynomial over ℚ per component, slow on
large components).

    python benchmarks/bench_convolutional.py [--timeout 900] [--cases 33s,333] [--loss target|data]
        [--routes charts:auto,elim:msolve,elim:msolve-mod] [--modular]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import queue
import shutil
import signal
import sys
import time

import numpy as np
import sympy

from linnet_geometry import QuadraticLoss
from linnet_geometry.exceptions import BackendTimeoutError
from linnet_geometry.families.convolutional import ConvolutionalNetwork, convolutional_critical_points
from linnet_geometry.families.convolutional._solve import available_engines
from linnet_geometry.families.convolutional.brute_force import critical_values_polynomial, reduce_modulo

PRIME = 2**31 - 1

CASES = {"33s": ((3, 3), (2, 1)), "333": ((3, 3, 3), (1, 1, 1)), "22": ((2, 2), (1, 1)), "32s": ((3, 2), (2, 1)),
         "33": ((3, 3), (1, 1)), "222": ((2, 2, 2), (1, 1, 1)), "233": ((2, 3, 3), (1, 1, 1))}


def make_loss(net, kind, seed):
    """Seeded random rational data: a target filter u (ℓ = ‖w̄ − u‖²) or a data set (ℓ = ‖T(w̄) X − Y‖²)."""
    rng = np.random.default_rng(seed)

    def q():
        return sympy.Rational(int(rng.integers(-9, 10)), int(rng.integers(1, 4)))

    n = net.end_to_end_filter_size
    if kind == "target":
        return QuadraticLoss([[q() for _ in range(n)]])
    m = n + 1
    X = [[q() for _ in range(m)] for _ in range(net.input_length)]
    Y = [[q() for _ in range(m)] for _ in range(net.output_length)]
    return QuadraticLoss.from_data(X, Y)


def _coeffs(P):
    return [str(c) for c in P.all_coeffs()]


def _cell(what, ks, ss, kind, seed, timeout, modular, out):
    os.setsid()  # own process group: the parent can stop this cell
    # the solvers run in process groups of their own: SIGTERM at the cell limit exits through Python,
    # so that run_process stops the solver's group on the way out
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))
    try:
        _cell_work(what, ks, ss, kind, seed, timeout, modular, out)
    except BackendTimeoutError:   # the engine's own limit (the same as the cell's): a table entry, not a traceback
        out.put({"error": f"timeout (> {timeout:.0f} s)"})


def _cell_work(what, ks, ss, kind, seed, timeout, modular, out):
    net = ConvolutionalNetwork(ks, ss)
    loss = make_loss(net, kind, seed)
    t = time.perf_counter()
    if what.startswith("charts:") or what.startswith("torus:"):
        method = "charts" if what.startswith("torus:") else "auto"
        locus = convolutional_critical_points(net, loss, engine=what.split(":")[1], method=method)
        dt = time.perf_counter() - t
        try:
            P = None if modular else _coeffs(locus.complex_critical_values_polynomial())
            P_mod = _coeffs(locus.complex_critical_values_polynomial(modulus=PRIME))
        except ValueError:   # a positive-dimensional chart
            P = P_mod = None
        out.put({"seconds": dt, "count": locus.complex_count, "real": len(locus.points),
                 "families": len(locus.families), "poly": P, "poly_mod": P_mod, "engine": locus.engine,
                 "method": locus.method,
                 "points": [(p.value_float, p.kind, p.role, p.differential_rank, p.on_boundary, p.shared_roots)
                            for p in locus.points]})
    elif what == "elim:msolve-mod":
        B = critical_values_polynomial(net, loss, backend="msolve", timeout=timeout, modulus=PRIME, slice_orbits=True)
        out.put({"seconds": time.perf_counter() - t, "degree": B.degree(), "poly": None, "poly_mod": _coeffs(B)})
    else:
        B = critical_values_polynomial(net, loss, backend=what.split(":")[1], timeout=timeout)
        out.put({"seconds": time.perf_counter() - t, "degree": B.degree(), "poly": _coeffs(B),
                 "poly_mod": _coeffs(reduce_modulo(B, PRIME))})


def run_cell(what, ks, ss, kind, seed, timeout, modular=False):
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_cell, args=(what, ks, ss, kind, seed, timeout, modular, q))
    p.start()
    deadline = time.monotonic() + timeout
    res, timed_out = None, False
    while True:
        try:
            res = q.get(timeout=0.5)
            break
        except queue.Empty:
            if not p.is_alive():
                break
            if time.monotonic() >= deadline:
                timed_out = True
                break
    if res is None:
        p.terminate()  # SIGTERM: the cell stops its solver's process group and exits
        p.join(10)
        if p.is_alive():
            try:
                os.killpg(p.pid, signal.SIGKILL)  # the cell's own process group only
            except ProcessLookupError:
                p.kill()
            p.join()
        return {"error": f"timeout (> {timeout:.0f} s)" if timed_out else f"failed (exit {p.exitcode})"}
    p.join()
    return res


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per cell")
    ap.add_argument("--cases", default="33s,333")
    ap.add_argument("--loss", choices=("target", "data"), default="data")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--routes", default=None,
                    help="comma list of routes to run (default: all available): charts:auto (the default method: "
                         "root-sharing strata for stride 1, else charts), torus:auto (method='charts'), charts:singular, "
                         "charts:macaulay2, elim:msolve, elim:msolve-mod, elim:singular, elim:macaulay2")
    ap.add_argument("--modular", action="store_true",
                    help="compare the chart route's values over GF(p) only (skip its rational polynomial)")
    a = ap.parse_args(argv)
    engines = available_engines()
    routes = ["charts:auto", "torus:auto"] + [f"charts:{e}" for e in ("singular", "macaulay2") if e in engines]
    routes += [f"elim:{e}" for e in ("msolve", "singular", "macaulay2") if e in engines]
    routes += ["elim:msolve-mod"] if "msolve" in engines else []
    if a.routes is not None:
        wanted = a.routes.split(",")
        unknown = [r for r in wanted if r not in routes]
        if unknown:
            ap.error(f"--routes: {', '.join(unknown)} not available here; available: {', '.join(routes)}")
        routes = [r for r in routes if r in wanted]
    rows, details = [], []
    for name in a.cases.split(","):
        ks, ss = CASES[name]
        arch = f"k={ks} s={ss}"
        ref = None
        for what in routes:
            r = run_cell(what, ks, ss, a.loss, a.seed, a.timeout, a.modular)
            label = {"charts:auto": f"default: {r.get('method', 'charts')} ({r.get('engine', 'msolve')})",
                     "torus:auto": f"method='charts' ({r.get('engine', 'msolve')})",
                     "charts:singular": f"{r.get('method', 'charts')} (Singular)",
                     "charts:macaulay2": f"{r.get('method', 'charts')} (Macaulay2)",
                     "elim:msolve": "brute: elimination (msolve)", "elim:singular": "brute: elimination (Singular)",
                     "elim:macaulay2": "brute: elimination (Macaulay2)",
                     "elim:msolve-mod": "brute: sliced elimination mod p (msolve)"}[what]
            if "error" in r:
                rows.append((arch, label, r["error"], "", "", "", ""))
                continue
            if what == "charts:auto":
                ref = r
                details.append((arch, r["points"]))
                same = "--"
            elif ref is not None and ref["poly"] is not None and r["poly"] is not None:
                same = str(r["poly"] == ref["poly"])
            elif ref is not None and ref["poly_mod"] is not None:
                same = f"{r['poly_mod'] == ref['poly_mod']} (mod p)"
            else:
                same = "?"
            if what.startswith("charts:") or what.startswith("torus:"):
                rows.append((arch, label, f"{r['seconds']:.1f}", f"{r['count']} points", str(r["real"]),
                             str(r["families"]), same))
            else:
                rows.append((arch, label, f"{r['seconds']:.1f}", f"{r['degree']} values", "", "", same))
    print(f"loss: {a.loss} (seed {a.seed}); time limit per cell {a.timeout:.0f} s; engines here: {', '.join(engines)}"
          f"; Singular {'on' if shutil.which('Singular') else 'not on'} PATH, M2 "
          f"{'on' if shutil.which('M2') else 'not on'} PATH")
    for arch, pts in details:
        print(f"\n{arch}: real critical points with non-zero filters (default route), by value")
        for v, kind, role, rk, bd, sh in sorted(pts):
            print(f"  {v:>14.8g}  {kind:<9} {role:<16} rk dmu {rk}  boundary {bd}  shared roots {sh}")
    head = ("architecture", "route", "seconds", "complex", "real pts", "families", "same values")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    main()
