"""Benchmark: critical points of weighted squared distances on M_r, default engine vs msolve, sympy, Singular, M2.

Run ``python benchmarks/bench_general_losses.py [--limit SECONDS] [--quick]``, or with ``--all`` for the
single side-by-side table of weighted squared distances *and* weight decay (the cases of
``bench_regularized.py``), columns default / sympy / Singular / Macaulay2 / phc.  One run prints a table:
one row per problem (weighted squared distance, generic integer data, rank-1 3x3, 3x4, 4x4 and rank-2
3x3, 4x4), one column per route, each cell the wall time of :func:`function_space_critical_points`
end to end (all charts, exact solving, real points, classification) in its own process group, killed at
the per-cell limit (``> limit``).  Routes: ``default`` (``method="auto"``: projection where it applies,
then msolve [BES2021] when found), and ``method="groebner"`` with each backend (``msolve``, ``sympy``,
``singular``, ``macaulay2``; a backend that is not installed is ``n/a``; sympy refuses systems beyond
its Bézout limit before starting: ``refused``).  Below the table: the complex count of the top stratum
per problem (equal across routes: a mismatch is printed), the DHOST2016 generic weighted ED degree of
rank-1 matrices where published, and where the time of the default route goes (msolve processes vs
the rest: chart systems, real roots, certified classification in Python).

The sympy route refuses weighted systems beyond its Bézout limit before starting (``refused``); the phc
column is for weight decay only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PROBLEMS = [((3, 3), 1), ((3, 4), 1), ((4, 4), 1), ((3, 3), 2), ((4, 4), 2)]
ROUTES = [("default", "auto", "auto"), ("msolve", "msolve", "groebner"), ("sympy", "sympy", "groebner"),
          ("Singular", "singular", "groebner"), ("Macaulay2", "macaulay2", "groebner")]
#: Generic weighted ED degree of rank-1 m×n matrices (DHOST2016, Example 3.2 table: 2×2: 6, 2×3: 10? see report).
PUBLISHED = {(2, 2): 6, (3, 3): 39}

CHILD = r"""
import json, random, signal, sys, time
# SIGTERM from the parent at the cell limit: exit through Python so that run_process kills the solver's group
signal.signal(signal.SIGTERM, lambda *a: sys.exit(3))
sys.path.insert(0, {root!r})
from linnet_geometry import DeterminantalVariety, WeightedQuadraticLoss
from linnet_geometry import backends
from linnet_geometry.critical import general
from linnet_geometry.exceptions import ProblemTooLargeError, BackendNotFoundError
m, n, r, backend, method = {m}, {n}, {r}, {backend!r}, {method!r}
rng = random.Random(11)
loss = WeightedQuadraticLoss([[rng.randint(-99, 99) for _ in range(n)] for _ in range(m)],
                             [[rng.randint(1, 99) for _ in range(n)] for _ in range(m)])
spent = [0.0, 0]
orig = backends.msolve_solve
def timed(*a, **k):
    t = time.perf_counter()
    try:
        return orig(*a, **k)
    finally:
        spent[0] += time.perf_counter() - t
        spent[1] += 1
backends.msolve_solve = timed
try:   # the msolve route imports msolve_solve at module level
    from linnet_geometry.critical.general import _msolve_route
    _msolve_route.msolve_solve = timed
except ImportError:
    pass
t0 = time.perf_counter()
try:
    res = general.function_space_critical_points(loss, DeterminantalVariety(m, n, r), backend=backend, method=method,
                                                 timeout={limit})
except ProblemTooLargeError as err:
    print(json.dumps({{"status": "refused", "why": str(err)[:80]}})); sys.exit(0)
except BackendNotFoundError:
    print(json.dumps({{"status": "n/a"}})); sys.exit(0)
dt = time.perf_counter() - t0
print(json.dumps({{"status": "ok", "time": dt, "counts": {{str(k): v for k, v in res.counts.items()}},
                  "real": [s.num_real for s in res.strata], "engine": res.engine, "msolve": spent,
                  "bad": len(res.bad_local_minima)}}))
"""


def cell(problem, backend, method, limit):
    (m, n), r = problem
    code = CHILD.format(root=ROOT, m=m, n=n, r=r, backend=backend, method=method, limit=float(limit))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        _stop(proc)
        return {"status": "timeout"}
    except BaseException:
        _stop(proc)
        raise
    if proc.returncode != 0:
        last = (err.strip().splitlines() or ["?"])[-1]
        return {"status": "timeout"} if "Timeout" in last else {"status": "error", "why": last[-120:]}
    data = json.loads(out.strip().splitlines()[-1])
    data["wall"] = time.perf_counter() - t0
    return data


def _stop(proc):
    """SIGTERM the cell (it exits through Python, killing its solver's own process group), then SIGKILL its group."""
    import signal

    try:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.communicate()


def fmt(c, limit):
    if c["status"] == "ok":
        return f"{c['time']:.2f} s"
    if c["status"] == "timeout":
        return f"> {limit:g} s"
    return c["status"]


def _combined(limit, seed):
    """One table: weighted squared distances and weight decay, default engine vs sympy, Singular, M2, phc."""
    sys.path.insert(0, HERE)
    import bench_regularized as BR

    cols = ["default", "sympy", "Singular", "M2", "phc"]
    print(f"one run, per-cell limit {limit:g} s, each cell in its own process group; cell = complex count and "
          "time (weighted: count of the top stratum; weight decay: count with multiplicity, /distinct if "
          "different)")
    head = f"{'problem':<26}" + "".join(f"{c:>16}" for c in cols) + "   where the default engine's time goes"
    print(head)
    print("-" * len(head))
    weighted_routes = {"default": ("auto", "auto"), "sympy": ("sympy", "groebner"),
                       "Singular": ("singular", "groebner"), "M2": ("macaulay2", "groebner")}
    for prob in PROBLEMS:
        (m, n), r = prob
        line = f"{'weighted %dx%d rank %d' % (m, n, r):<26}"
        where = ""
        for c in cols:
            if c not in weighted_routes:
                line += f"{'-':>16}"   # phc: no weighted-loss route
                continue
            res = cell(prob, *weighted_routes[c], limit)
            if res["status"] == "ok":
                txt = f"{res['counts'][str(r)]} {res['time']:.1f}s"
                if c == "default":
                    ms, calls = res["msolve"]
                    where = (f"{res['engine']}: {ms:.1f}s in {calls} msolve runs, {res['time'] - ms:.1f}s Python "
                             "(flint systems, real roots, certified classification)")
            else:
                txt = fmt(res, limit).replace(f"> {limit:g} s", f">{limit:g}s")
            line += f"{txt:>16}"
        print(line + "   " + where, flush=True)
    names = {"default": "default", "sympy": "sympy", "Singular": "Singular", "M2": "M2", "phc": "phc"}
    for widths, samples in BR.CASES:
        line = f"{'decay %s N=%d' % (','.join(map(str, widths)), samples):<26}"
        where = ""
        for c in cols:
            res = BR.run_cell(names[c], widths, samples, seed, limit)
            txt = BR._fmt(res).replace("> limit", f">{limit:g}s")
            line += f"{txt:>16}"
            if c == "default" and "seconds" in res:
                where = ", ".join(f"{k} {v:.1f}s" for k, v in res["seconds"].items())
        print(line + "   " + where, flush=True)
    print("weighted: default = msolve for every stratum when found (else projection); sympy refuses systems beyond "
          "its Bézout limit before any work ('refused'); phc has no weighted-loss route ('-').  weight decay: "
          "sympy = Buchberger modulo 2^31-1, Singular vdim(std), M2 degree, phc blackbox (finite nonsingular).")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all", action="store_true",
                    help="one table with the weight-decay problems of bench_regularized.py too (columns default, "
                         "sympy, Singular, M2, phc)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the weight-decay data (with --all)")
    ap.add_argument("--limit", type=float, default=120.0, help="seconds per cell (default 120)")
    ap.add_argument("--quick", action="store_true", help="only the 3x3 problems")
    ap.add_argument("--routes", default=",".join(r[0] for r in ROUTES), help="comma-separated route names")
    args = ap.parse_args(argv)
    if args.all:
        _combined(args.limit, args.seed)
        return
    problems = [p for p in PROBLEMS if not args.quick or p[0] == (3, 3)]
    routes = [r for r in ROUTES if r[0] in args.routes.split(",")]
    print(f"per-cell limit {args.limit:g} s; data: weighted squared distance, integer target in [-99, 99], "
          "weights in [1, 99], seed 11")
    head = f"{'problem':<16}" + "".join(f"{r[0]:>13}" for r in routes)
    print(head)
    print("-" * len(head))
    results = {}
    for prob in problems:
        line = f"{prob[0][0]}x{prob[0][1]} rank {prob[1]:<7}"
        for name, backend, method in routes:
            c = cell(prob, backend, method, args.limit)
            results[(prob, name)] = c
            line += f"{fmt(c, args.limit):>13}"
        print(line, flush=True)
    print()
    print(f"{'problem':<16}{'#complex (top stratum)':>24}{'#real':>8}{'DHOST2016':>11}  where the default route's time goes")
    for prob in problems:
        oks = {name: results[(prob, name)] for name, _, _ in routes if results[(prob, name)]["status"] == "ok"}
        tops = {name: c["counts"][str(prob[1])] for name, c in oks.items()}
        agree = len(set(tops.values())) <= 1
        top = next(iter(tops.values()), None)
        d = oks.get("default")
        real = d["real"][-1] if d else None
        pub = PUBLISHED.get(prob[0]) if prob[1] == 1 else None
        where = ""
        if d:
            ms, calls = d["msolve"]
            where = (f"engine {d['engine']}: {ms:.2f} s in {calls} msolve runs, {d['time'] - ms:.2f} s in Python "
                     "(chart systems, real roots, certified classification)")
        print(f"{prob[0][0]}x{prob[0][1]} rank {prob[1]:<7}{str(top) + ('' if agree else ' MISMATCH ' + str(tops)):>24}"
              f"{str(real):>8}{str(pub or '-'):>11}  {where}")


if __name__ == "__main__":
    main()
