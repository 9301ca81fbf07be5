"""Benchmark: critical points of weighted squared distances on M_r, default engine vs msolve, sympy, Singular, M2.

Run ``python benchmarks/bench_general_losses.py [--limit SECONDS] [--quick]``.  One run prints a table:
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
import json, random, sys, time
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
t0 = time.perf_counter()
try:
    res = general.function_space_critical_points(loss, DeterminantalVariety(m, n, r), backend=backend, method=method)
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
    code = CHILD.format(root=ROOT, m=m, n=n, r=r, backend=backend, method=method)
    sys.path.insert(0, ROOT)
    from linnet_geometry.backends import run_process
    from linnet_geometry.exceptions import BackendFailedError, BackendTimeoutError

    t0 = time.perf_counter()
    try:
        out = run_process([sys.executable, "-c", code], timeout=limit, name="cell").stdout
    except BackendTimeoutError:
        return {"status": "timeout"}
    except BackendFailedError as err:
        return {"status": "error", "why": str(err)[-120:]}
    data = json.loads(out.strip().splitlines()[-1])
    data["wall"] = time.perf_counter() - t0
    return data


def fmt(c, limit):
    if c["status"] == "ok":
        return f"{c['time']:.2f} s"
    if c["status"] == "timeout":
        return f"> {limit:g} s"
    return c["status"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=float, default=120.0, help="seconds per cell (default 120)")
    ap.add_argument("--quick", action="store_true", help="only the 3x3 problems")
    ap.add_argument("--routes", default=",".join(r[0] for r in ROUTES), help="comma-separated route names")
    args = ap.parse_args(argv)
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
