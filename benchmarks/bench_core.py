"""Core engine benchmark: critical_locus (theory) vs brute force (sympy Gröbner) vs Macaulay2.

Prints a table.  Routes:

* ``theory exact``   — critical_locus on exact data, all strata materialised (values, kinds,
  roles, dimensions) plus a representative of the global minimum;
* ``theory numeric`` — the float path;
* ``classify``       — classify() at the global-minimum representative;
* ``sympy Gröbner``  — eliminant of ⟨∇L, t − L⟩ (critical_value_polynomial), with a time limit;
* ``Macaulay2``      — ``decompose`` of the gradient ideal of L (when ``M2`` is on PATH), time limit.

Usage: ``python benchmarks/bench_core.py [--limit SECONDS]``
"""

import argparse
import multiprocessing as mp
import os
import shutil
import subprocess
import tempfile
import time

import numpy as np
import sympy

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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=float, default=120.0, help="time limit of the brute-force routes (s)")
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
    head = ("case", "strata", "theory exact", "theory numeric", "sympy Gröbner", "Macaulay2 decompose")
    widths_ = [max(len(str(r[k])) for r in rows + [head]) for k in range(len(head))]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths_))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths_)))
    print(f"\nclassify at the width-512 global minimum: role={rep.role}, differential rank={rep.differential_rank}")


if __name__ == "__main__":
    main()
