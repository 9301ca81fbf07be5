"""Core engine benchmark: critical_locus (theory) vs brute force (sympy Gröbner) vs Macaulay2.

Prints a table.  Routes:

* ``theory exact``   — critical_locus on exact data, all strata materialised (values, kinds,
  roles, dimensions) plus a representative of the global minimum;
* ``theory numeric`` — the float path;
* ``classify``       — classify() at the global-minimum representative;
* ``sympy Gröbner``  — eliminant of ⟨∇L, t − L⟩ (critical_value_polynomial), with a time limit;
* ``Macaulay2``      — ``decompose`` of the gradient ideal of L (when ``M2`` is on PATH), time limit.

A second table runs widths ``(512,)*11`` with a target of every rank 0…512
(critical locus, global-minimum stratum with its fiber dimension, number of
strata, last stratum by direct indexing).  A third table times the guarded or
accelerated worst cases side by side with another installed copy of the
package (``--before PATH``, e.g. the main checkout; run in a subprocess with
the same time limit).

Usage: ``python benchmarks/bench_core.py [--limit SECONDS] [--ranks all|0,10,512] [--before PATH]``
"""

import argparse
import multiprocessing as mp
import os
import shutil
import subprocess
import tempfile
import time

import sys

import numpy as np
import sympy

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # this checkout's package

from linnet_geometry import LinearNetwork, QuadraticLoss, classify, critical_locus
from linnet_geometry.critical.brute_force import critical_value_polynomial

CASES = [
    ("(2,1,2) exact", (2, 1, 2), [[2, 0], [0, 1]]),
    ("(3,2,3) exact", (3, 2, 3), [[5, 1, 0], [2, 3, 1], [0, 1, 2]]),
    ("(2,2,2,2) exact", (2, 2, 2, 2), [[3, 1], [1, 2]]),
    ("(8,4,8) exact", (8, 4, 8), "random8"),
]


def _timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def _brute(widths, U, q):
    q.put(_timed(lambda: critical_value_polynomial(LinearNetwork(widths), QuadraticLoss(U)))[0])


def brute_force_time(widths, U, limit):
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_brute, args=(widths, U, q))
    p.start()
    p.join(limit)
    if p.is_alive():
        p.terminate()
        return f"> {limit:.0f} s"
    return f"{q.get():.3f} s"


def m2_time(widths, U, limit):
    if shutil.which("M2") is None:
        return "M2 absent"
    net = LinearNetwork(widths)
    P = net.end_to_end()
    L = sympy.expand(sum((a - b) ** 2 for a, b in zip(P, sympy.Matrix(U))))
    plain = {p: sympy.Symbol(f"x{k}") for k, p in enumerate(net.parameters)}  # '_' is subscript in M2
    grads = [str(sympy.diff(L, p).xreplace(plain)).replace("**", "^") for p in net.parameters]
    names = ",".join(str(plain[p]) for p in net.parameters)
    script = (f"R = QQ[{names}];\nI = ideal({', '.join(grads)});\n"
              "t0 = cpuTime(); C = decompose I; t1 = cpuTime();\n"
              "print(toString(t1 - t0));\nexit 0\n")
    with tempfile.NamedTemporaryFile("w", suffix=".m2", delete=False) as fh:
        fh.write(script)
        path = fh.name
    try:
        t = time.perf_counter()
        subprocess.run(["M2", "--script", path], capture_output=True, text=True, timeout=limit, check=True)
        return f"{time.perf_counter() - t:.3f} s"
    except subprocess.TimeoutExpired:
        return f"> {limit:.0f} s"
    finally:
        os.unlink(path)


def theory_exact(widths, U):
    net = LinearNetwork(widths)
    loss = QuadraticLoss(U)
    locus = critical_locus(net, loss)
    strata = list(locus.strata)
    _ = locus.global_minimum.representative
    return len(strata)


def _print_table(head, rows):
    widths_ = [max(len(str(r[k])) for r in rows + [head]) for k in range(len(head))]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths_))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths_)))


def every_rank_table(ranks):
    """(512,)*11 with a Gaussian target of each rank k: locus, global minimum, fiber dimension, last stratum."""
    import warnings

    from linnet_geometry import DegenerateDataWarning, fiber_dimension

    net = LinearNetwork((512,) * 11)
    rng = np.random.default_rng(3)
    rows, times = [], []
    for k in ranks:
        U = rng.standard_normal((512, k)) @ rng.standard_normal((k, 512)) if k else np.zeros((512, 512))
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)
            locus = critical_locus(net, QuadraticLoss(U))
            gm = locus.global_minimum
            last = locus.strata[-1]
        dt = time.perf_counter() - t
        times.append(dt)
        assert gm.dimension == fiber_dimension(net.widths, k) + gm.family_dimension
        n = locus.num_strata
        rows.append((k, locus.spectrum.rank, f"~2^{n.bit_length() - 1}" if n > 10**6 else n, gm.dimension,
                     len(last.support), f"{dt:.3f} s"))
    return rows, times


SNIPPETS = {
    "fiber_dimension((50,)*11, 10)":
        "from linnet_geometry import fiber_dimension; fiber_dimension((50,)*11, 10)",
    "(50,)*11 rank-10 float .global_minimum":
        "import numpy as np, warnings; warnings.simplefilter('ignore');"
        "from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus;"
        "r=np.random.default_rng(0); U=r.standard_normal((50,10))@r.standard_normal((10,50));"
        "critical_locus(LinearNetwork((50,)*11), QuadraticLoss(U)).global_minimum",
    "exact classify (12,12,12) dense critical":
        "import numpy as np, sympy; from linnet_geometry import LinearNetwork, QuadraticLoss, classify;"
        "r=np.random.default_rng(0); U=sympy.Matrix(12,12,[int(x) for x in r.integers(-5,6,144)]);"
        "W=sympy.Matrix(12,12,[int(x) for x in r.integers(-3,4,144)]);"
        "classify(LinearNetwork((12,12,12)), QuadraticLoss(U), [W, U*W.inv()])",
    "exact spectrum 12x12, 40-digit entries":
        "import random, sympy; from linnet_geometry import QuadraticLoss;"
        "from linnet_geometry.critical.spectrum import spectrum; g=random.Random(1);"
        "spectrum(QuadraticLoss(sympy.Matrix(12,12,[g.randint(-10**40,10**40) for _ in range(144)])))",
    "derive (30,10,30)":
        "import numpy as np, warnings; warnings.simplefilter('ignore');"
        "from linnet_geometry import LinearNetwork, QuadraticLoss; from linnet_geometry.report.latex import derive;"
        "derive(LinearNetwork((30,10,30)), QuadraticLoss(np.diag(np.arange(30,0,-1.0)))).to_latex()",
    "strata[-1] on (60,6,60)":
        "import numpy as np; from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus;"
        "critical_locus(LinearNetwork((60,6,60)), QuadraticLoss(np.diag(np.arange(60,0,-1.0)))).strata[-1]",
    "critical_values on (40,20,40) (refused)":
        "import numpy as np; from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus\n"
        "try:\n critical_locus(LinearNetwork((40,20,40)), QuadraticLoss(np.diag(np.arange(40,0,-1.0)))).critical_values\n"
        "except ValueError as e: print(type(e).__name__)",
}


def _run_snippet(root, code, limit):
    t = time.perf_counter()
    try:
        out = subprocess.run(["python", "-c", code], cwd=root, capture_output=True, text=True, timeout=limit,
                             env={**os.environ, "PYTHONPATH": root})
    except subprocess.TimeoutExpired:
        return f"> {limit:.0f} s"
    dt = time.perf_counter() - t
    tag = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    return f"{dt:.2f} s" + (f" ({tag})" if tag else "") + (" ERROR" if out.returncode else "")


def hardening_table(before, limit):
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rows = []
    for name, code in SNIPPETS.items():
        rows.append((name, _run_snippet(before, code, limit) if before else "-", _run_snippet(here, code, limit)))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=float, default=120.0, help="time limit of the brute-force routes (s)")
    ap.add_argument("--ranks", default="all", help="target ranks for the (512,)*11 table: 'all' or a list 0,10,512")
    ap.add_argument("--before", default=None, help="another checkout to time the hardening cases against")
    ap.add_argument("--before-limit", type=float, default=30.0, help="time limit per hardening case (s)")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    rows = []
    for name, widths, U in CASES:
        if U == "random8":
            U = sympy.Matrix(8, 8, lambda i, j: int(rng.integers(-5, 6))).tolist()
        t_exact, n = _timed(theory_exact, widths, U)
        t_num, _ = _timed(lambda: list(critical_locus(LinearNetwork(widths), QuadraticLoss(np.array(U, float))).strata))
        net = LinearNetwork(widths)
        n_par = net.num_params
        brute = brute_force_time(widths, U, args.limit) if n_par <= 12 else "n/a (too big)"
        m2 = m2_time(widths, U, args.limit) if n_par <= 12 else "n/a (too big)"
        rows.append((name, n, f"{t_exact:.3f} s", f"{t_num:.3f} s", brute, m2))
    # the large numeric case
    net = LinearNetwork((512,) * 11)
    U = np.random.default_rng(1).standard_normal((512, 512))
    t_locus, locus = _timed(critical_locus, net, QuadraticLoss(U))
    theta = locus.global_minimum.representative
    t_cls, rep = _timed(classify, net, locus.loss, theta)
    rows.append(("(512,)*11 numeric", f"2^{int(np.log2(float(locus.num_strata)))}", "-",
                 f"{t_locus:.3f} s + classify {t_cls:.3f} s", "n/a", "n/a"))
    _print_table(("case", "strata", "theory exact", "theory numeric", "sympy Gröbner", "Macaulay2 decompose"), rows)
    print(f"\nclassify at the width-512 global minimum: role={rep.role}, differential rank={rep.differential_rank}")

    ranks = list(range(513)) if args.ranks == "all" else [int(k) for k in args.ranks.split(",")]
    rows, times = every_rank_table(ranks)
    print(f"\nwidths (512,)*11, target of rank k (locus + global minimum + fiber dimension + strata[-1]); "
          f"{len(ranks)} ranks, total {sum(times):.1f} s, max {max(times):.3f} s")
    shown = [r for r in rows if r[0] in {0, 1, 2, 5, 10, 50, 100, 200, 256, 400, 511, 512}] if len(rows) > 20 else rows
    _print_table(("rank k", "ρ", "strata", "dim of global-min stratum", "|S| of strata[-1]", "time"), shown)

    print("\nhardening cases (subprocess, time limit per case):")
    _print_table(("case", f"before ({args.before})" if args.before else "before", "this tree"),
                 hardening_table(args.before, args.before_limit))


if __name__ == "__main__":
    main()
