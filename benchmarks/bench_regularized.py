"""Benchmark: critical points of weight-decay regularized linear networks, engine by engine.

For each architecture (generic entry-wise λ, random exact data, one or two data points) one run prints, side by
side, the number of complex critical points and the wall time of

* ``default`` — :func:`parameter_critical_points` with its default engine (msolve when found): exact counts over QQ,
  the certified real points and their roles (the whole job, real points included);
* ``sympy``   — the same function with ``engine="groebner"``, ``real_points=False`` (sympy Buchberger modulo
  2^31 − 1, quotient multiplication matrices);
* ``Singular`` — ``vdim(std(I))`` over QQ (count with multiplicity), when ``Singular`` is on the PATH;
* ``M2``      — ``degree ideal(...)`` over QQ in Macaulay2, when ``M2`` is on the PATH;
* ``phc``     — PHCpack's blackbox solver (``phc -b``) through :func:`solve_phc` (finite nonsingular solutions).

Every cell runs in its own process group with a time limit (``--limit``, default 120 s) and prints
``> limit`` when it is exceeded.  The ``where`` column splits the default engine's time into its stages
(leading ideal, msolve's parametrization and real root isolation, ball-arithmetic classification of the real
points).  Nothing about time is asserted.

Run:  python benchmarks/bench_regularized.py [--limit 120] [--seed 0] [--only default,sympy] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:   # the checkout this script belongs to, not another installed copy
    sys.path.insert(0, ROOT)

CASES = [((2, 1, 2), 1), ((2, 2, 2), 1), ((2, 2, 2), 2), ((3, 2, 3), 1), ((3, 3, 3), 1), ((2, 2, 2, 2), 1)]
QUICK = [((2, 1, 2), 1), ((2, 2, 2), 1), ((3, 2, 3), 1)]
TARGETS = {((3, 2, 3), 1): 10, ((2, 2, 2), 2): 30, ((3, 3, 3), 1): 120}
ENGINES = ("default", "sympy", "Singular", "M2", "phc")


def _system(widths, samples, seed):
    from linnet_geometry.landscape.regularized import random_regularized_loss
    from linnet_geometry.landscape.regularized.msolve_route import _msolve_text
    from linnet_geometry.landscape.regularized.system import _ring_system

    net, loss = random_regularized_loss(widths, samples=samples, seed=seed)
    R, F, _ = _ring_system(net, loss)
    text, names = _msolve_text(R, F, 0)
    polys = text.split("\n", 2)[2].strip().replace("\n", " ").split(", ")
    return net, loss, F, names, [p.rstrip(",") for p in polys]


def cell(engine, widths, samples, seed, limit):
    """Run one cell in this process; returns a JSON-ready dict (called in a child process)."""
    net, loss, F, names, polys = _system(widths, samples, seed)
    t0 = time.perf_counter()
    if engine in ("default", "sympy"):
        from linnet_geometry.landscape.regularized import parameter_critical_points

        kw = {} if engine == "default" else {"engine": "groebner", "real_points": False}
        res = parameter_critical_points(net, loss, timeout=limit, **kw)
        out = {"count": res.count, "distinct": res.distinct_count, "engine": res.engine, "field": res.field,
               "seconds": {k: round(v, 2) for k, v in res.seconds.items()}}
        if res.real_points is not None:
            out["real"] = len(res.real_points)
            out["minima"] = sum(p.role in ("local_min", "global_min") for p in res.real_points)
            out["bad"] = len(res.bad_local_minima)
    elif engine == "phc":
        from linnet_geometry.landscape.regularized import solve_phc

        res = solve_phc(F, timeout=limit)
        out = {"count": res.count, "real": res.real_count}
    else:
        with tempfile.TemporaryDirectory(prefix="linnet-bench-") as tmp:
            if engine == "Singular":
                src = os.path.join(tmp, "s.sing")
                with open(src, "w") as fh:
                    fh.write(f"ring r = 0, ({','.join(names)}), dp;\nideal I = {', '.join(polys)};\n"
                             "ideal G = std(I);\nprint(vdim(G));\nquit;\n")
                cmd = ["Singular", "-q", src]
            else:
                src = os.path.join(tmp, "m.m2")
                with open(src, "w") as fh:
                    fh.write(f"R = QQ[{','.join(names)}, MonomialOrder => GRevLex];\n"
                             f"I = ideal({', '.join(polys)});\nprint degree I;\nexit 0\n")
                cmd = ["M2", "--script", src]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, cwd=tmp)
            tokens = [t for t in proc.stdout.split() if t.lstrip("-").isdigit()]
            out = {"count": int(tokens[-1]) if tokens else None}
    out["time"] = time.perf_counter() - t0
    return out


def run_cell(engine, widths, samples, seed, limit):
    """The cell in a child process (own process group), killed at ``limit`` seconds."""
    if engine in ("Singular", "M2", "phc") and shutil.which(engine if engine != "phc" else "phc") is None:
        return {"absent": True}
    cmd = [sys.executable, os.path.abspath(__file__), "--cell", engine, ",".join(map(str, widths)), str(samples),
           str(seed), str(limit)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=limit + 30)
    except subprocess.TimeoutExpired:
        # SIGTERM first: the cell exits through Python, so run_process kills the solvers it started in their
        # own process groups (SIGKILL alone would orphan them); then SIGKILL what is left of the cell's group
        proc.send_signal(15)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, 9)
        except ProcessLookupError:
            pass
        proc.communicate()
        return {"timeout": True}
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        last = (err.strip().splitlines() or ["?"])[-1]
        if "Timeout" in last or "time limit" in last or "did not finish" in last:
            return {"timeout": True}
        if "ProblemTooLargeError" in last:
            return {"refused": last}
        return {"error": last[:60]}
    res = json.loads(out.strip().splitlines()[-1])
    if res["time"] > limit:
        return {"timeout": True}
    res["wall"] = wall
    return res


def _fmt(res):
    if res.get("absent"):
        return "absent"
    if res.get("timeout"):
        return "> limit"
    if "refused" in res:
        return "refused"
    if "error" in res:
        return "error"
    extra = f"/{res['distinct']}" if res.get("distinct") not in (None, res.get("count")) else ""
    return f"{res['count']}{extra} {res['time']:.1f}s"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=float, default=120.0, help="seconds per cell (default 120)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", default=",".join(ENGINES), help="comma-separated engines to run")
    ap.add_argument("--quick", action="store_true", help="only (2,1,2), (2,2,2) and (3,2,3) with one data point")
    ap.add_argument("--cell", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.cell:
        import signal

        signal.signal(signal.SIGTERM, lambda *a: sys.exit(3))   # exit through Python: solvers' groups are killed
        engine, widths, samples, seed, limit = args.cell
        out = cell(engine, tuple(int(w) for w in widths.split(",")), int(samples), int(seed), float(limit))
        print(json.dumps(out, default=str))
        return
    engines = [e for e in args.only.split(",") if e]
    print(f"weight decay, generic λ, random exact data (seed {args.seed}); per-cell limit {args.limit:g} s; "
          f"cells: count (distinct if different) and time")
    head = f"{'widths':<13}{'N':>2}{'d_θ':>5}" + "".join(f"{e:>14}" for e in engines) + \
        f"{'real':>6}{'minima':>7}{'bad':>5}{'target':>8}   where (default engine)"
    print(head)
    print("-" * len(head))
    for widths, samples in (QUICK if args.quick else CASES):
        row = {e: run_cell(e, widths, samples, args.seed, args.limit) for e in engines}
        d = row.get("default", {})
        where = ", ".join(f"{k} {v:.1f}s" for k, v in d.get("seconds", {}).items()) if "seconds" in d else ""
        target = TARGETS.get((widths, samples))
        n = sum(a * b for a, b in zip(widths, widths[1:]))
        print(f"{str(widths):<13}{samples:>2}{n:>5}" + "".join(f"{_fmt(row[e]):>14}" for e in engines)
              + f"{d.get('real', '-')!s:>6}{d.get('minima', '-')!s:>7}{d.get('bad', '-')!s:>5}"
              + f"{('< %ds' % target) if target else '':>8}   {where}", flush=True)
    print("count = complex critical points with multiplicity (default, sympy, Singular, M2), distinct finite "
          "nonsingular (phc); the default engine also isolates and classifies every real critical point; "
          "'refused' = ProblemTooLargeError raised before any work (size guard).")


if __name__ == "__main__":
    main()
