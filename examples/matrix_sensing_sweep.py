"""Matrix sensing with linear networks: when are there bad local minima, and which global minimum recovers the truth?

A rank-``r`` ground truth ``X*`` (``n × n``, unit Frobenius norm) is observed
through ``K`` Gaussian measurements ``b_k = ⟨A_k, X*⟩``
(:func:`linnet_geometry.gaussian_sensing_problem`); the loss
``ℓ(W) = Σ_k (⟨A_k, W⟩ − b_k)²`` is composed with the linear network
``d = (n, r, n)``, i.e. the factorization ``W = W_2 W_1`` of the low-rank
recovery literature (Ge, Jin & Zheng 2017).

1. **Sweep of K** (exact parameterization ``d = (n, r, n)``): for each K and
   several problem instances, :func:`linnet_geometry.landscape_survey` runs
   L-BFGS from random starts, refines each end point to a critical point and
   classifies it (:func:`linnet_geometry.classify`); a *bad* local minimum is a
   certified local minimum (pure, Hessian nullity = fiber dimension, TKB2020)
   with positive value (the global minimum value is 0: ``X*`` has rank r).  The script records
   the fraction of starts ending in a bad local minimum and the measurement
   count from which none appears any more (compare with ``n·r`` and with
   ``dim M_r = r(2n − r)``).

2. **Flat minima** (overparameterized ``d = (n, n, n)``, ``K < n²``): the
   global minima form a positive-dimensional set of matrices.  Random global
   minima (L-BFGS from random starts) fit the data but are other matrices; the
   flattest one (:func:`linnet_geometry.flattest_global_minimum`, smallest
   Hessian trace) recovers ``X*`` — for one hidden layer it minimizes a
   weighted nuclear norm over the data-consistent matrices (Ding, Drusvyatskiy,
   Fazel & Harchaoui).

Writes ``matrix_sensing_sweep.png``, ``matrix_sensing_sweep.txt`` and
``matrix_sensing_sweep.json`` into ``--out``.

Run: ``python examples/matrix_sensing_sweep.py --out out``  (``--fast``: fewer K values, instances and starts).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from linnet_geometry import (  # noqa: E402
    LinearNetwork,
    flattest_global_minimum,
    gaussian_sensing_problem,
    landscape_survey,
    sharpness,
)


def sweep(n, r, ks, instances, starts, pool, seed):
    """One row per K: fractions of starts ending in bad minima / global minima / elsewhere, over all instances."""
    net = LinearNetwork((n, r, n))
    rows = []
    for K in ks:
        bad = glob = other = 0
        n_bad_points, bad_values = 0, []
        t0 = time.perf_counter()
        for inst in range(instances):
            loss, _ = gaussian_sensing_problem(n, r, K, seed=[seed, K, inst])
            survey = landscape_survey(net, loss, starts=starts, seed=[seed, K, inst, 1], executor=pool,
                                      init_scale=0.5, global_value=0.0, progress=False)
            for o in survey.outcomes:
                if o < 0:
                    other += 1
                elif survey.points[o].is_bad_local_minimum:
                    bad += 1
                elif survey.points[o].is_global:
                    glob += 1
                else:
                    other += 1
            n_bad_points += len(survey.bad_local_minima)
            bad_values += [p.value for p in survey.bad_local_minima]
        total = instances * starts
        rows.append({"K": K, "bad_fraction": bad / total, "global_fraction": glob / total,
                     "other_fraction": other / total, "distinct_bad_minima": n_bad_points,
                     "smallest_bad_value": min(bad_values) if bad_values else None,
                     "seconds": time.perf_counter() - t0})
        print(f"K = {K:3d}: bad {bad / total:.3f}  global {glob / total:.3f}  other {other / total:.3f}  "
              f"({n_bad_points} distinct bad minima, {rows[-1]['seconds']:.1f} s)", flush=True)
    return rows


def threshold(rows):
    """Smallest K from which no start ended in a bad local minimum (for every larger K of the sweep as well)."""
    k_star = None
    for row in reversed(rows):
        if row["bad_fraction"] > 0:
            break
        k_star = row["K"]
    return k_star


def flat_vs_random(n, r, K, starts, pool, seed):
    """Recovery errors and Hessian traces of random global minima and of the flattest one on d = (n, n, n)."""
    net = LinearNetwork((n, n, n))
    loss, X = gaussian_sensing_problem(n, r, K, seed=[seed, 99])
    survey = landscape_survey(net, loss, starts=starts, seed=[seed, 100], executor=pool, global_value=0.0,
                              progress=False)
    randoms = []
    for o in survey.outcomes:
        if o >= 0 and survey.points[o].is_global:
            p = survey.points[o]
            theta = [np.array(W) for W in p.theta]
            W = theta[1] @ theta[0]
            randoms.append({"error": float(np.linalg.norm(W - X)), "trace": float(sharpness(net, loss, theta).trace),
                            "value": p.value})
    t0 = time.perf_counter()
    flat = flattest_global_minimum(net, loss, restarts=2, seed=seed)
    t_flat = time.perf_counter() - t0
    return {"n": n, "r": r, "K": K, "randoms": randoms,
            "flat": {"error": float(np.linalg.norm(flat.end_to_end - X)), "trace": flat.trace,
                     "constraint_residual": flat.constraint_residual,
                     "balance_residuals": list(flat.balance_residuals), "seconds": t_flat}}


def plot(rows, flats, n, r, k_star, path):
    """The two panels: outcome fractions against K, recovery error against sharpness."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6))
    K = [row["K"] for row in rows]
    ax1.plot(K, [row["bad_fraction"] for row in rows], "o-", color="tab:red", label="bad local minimum")
    ax1.plot(K, [row["global_fraction"] for row in rows], "s--", color="tab:green", ms=4, label="global minimum")
    ax1.plot(K, [row["other_fraction"] for row in rows], "^:", color="0.5", ms=4, label="not certified")
    marks = [(n * r, "$nr$"), (r * (2 * n - r), "dim $M_r$"), (n * n, "$n^2$")]
    for x, _ in marks:
        ax1.axvline(x, color="0.7", lw=1)
    top = ax1.secondary_xaxis("top")
    top.set_xticks([x for x, _ in marks])
    top.set_xticklabels([lab for _, lab in marks], fontsize=8, color="0.35")
    if k_star is not None:
        ax1.axvline(k_star, color="tab:red", lw=1, ls="--")
        ax1.text(k_star, 0.45, f"no bad minima\nfrom K = {k_star} ", color="tab:red", fontsize=8, ha="right")
    ax1.set_xlabel("number of Gaussian measurements K")
    ax1.set_ylabel("fraction of random starts")
    ax1.set_ylim(-0.03, 1.03)
    ax1.set_title(f"where L-BFGS ends: d = ({n}, {r}, {n}), rank-{r} truth", fontsize=10, pad=18)
    ax1.legend(fontsize=8, loc="center left")
    markers = ["o", "D"]
    for fr, mk in zip(flats, markers):
        lab = f"rank {fr['r']}, K = {fr['K']}"
        ax2.scatter([d["trace"] for d in fr["randoms"]], [d["error"] for d in fr["randoms"]], marker=mk,
                    facecolors="none", edgecolors="tab:blue", label=f"random global minima ({lab})")
        ax2.scatter([fr["flat"]["trace"]], [max(fr["flat"]["error"], 1e-12)], marker=mk, s=120, color="tab:red",
                    label=f"flattest global minimum ({lab})")
    ax2.set_yscale("log")
    ax2.set_xscale("log")
    ax2.set_xlabel(r"sharpness $\mathrm{tr}\,\nabla^2 L$ at the global minimum")
    ax2.set_ylabel(r"recovery error $\|W_2W_1 - X^*\|_F$  ($\|X^*\|_F = 1$, floor $10^{-12}$)")
    ax2.set_title("d = (6, 6, 6), K < $n^2$: all fit the data, the flattest recovers $X^*$", fontsize=10,
                  pad=18)
    ax2.legend(fontsize=7, loc="center right")
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="output folder (default: ./out)")
    parser.add_argument("--fast", action="store_true", help="fewer measurement counts, instances and starts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--replot", metavar="JSON",
                        help="only redraw the figure from a saved matrix_sensing_sweep.json")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    png = os.path.join(args.out, "matrix_sensing_sweep.png")
    if args.replot:
        with open(args.replot, encoding="utf-8") as fh:
            saved = json.load(fh)
        plot(saved["sweep"], saved["flat_vs_random"], saved["n"], saved["r"], saved["threshold"], png)
        print(f"wrote {png}")
        return

    n, r = 5, 2
    if args.fast:
        ks, instances, starts, flat_starts = [6, 12, 16, 18, 20, 24, 30, 40], 2, 12, 6
    else:
        ks, instances, starts, flat_starts = list(range(4, 62, 2)), 6, 40, 20
    t_start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        rows = sweep(n, r, ks, instances, starts, pool, args.seed)
        t_sweep = time.perf_counter() - t_start
        flats = [flat_vs_random(6, 1, 20, flat_starts, pool, args.seed),
                 flat_vs_random(6, 2, 30, flat_starts, pool, args.seed)]
    k_star = threshold(rows)

    lines = [f"Matrix sensing sweep: n = {n}, r = {r}, network d = ({n}, {r}, {n}); n*r = {n * r}, "
             f"dim M_r = r(2n - r) = {r * (2 * n - r)}, n^2 = {n * n}",
             f"{instances} instances x {starts} random starts per K (landscape_survey, init_scale 0.5, seed "
             f"{args.seed})", "",
             f"{'K':>4} {'bad':>7} {'global':>7} {'other':>7} {'#bad minima':>12} {'min bad value':>14} {'s':>6}"]
    for row in rows:
        sv = "-" if row["smallest_bad_value"] is None else f"{row['smallest_bad_value']:.3g}"
        lines.append(f"{row['K']:>4} {row['bad_fraction']:>7.3f} {row['global_fraction']:>7.3f} "
                     f"{row['other_fraction']:>7.3f} {row['distinct_bad_minima']:>12} {sv:>14} {row['seconds']:>6.1f}")
    lines += ["", f"bad local minima stop appearing at K = {k_star} (= {k_star / (n * r):.1f} n r)"
              if k_star is not None else "bad local minima appear up to the largest K of the sweep",
              f"sweep time {t_sweep:.1f} s", ""]
    for fr in flats:
        errs = [d["error"] for d in fr["randoms"]]
        lines.append(f"flat vs random global minima, d = ({fr['n']}, {fr['n']}, {fr['n']}), rank {fr['r']}, "
                     f"K = {fr['K']} < n^2 = {fr['n'] ** 2}:")
        lines.append(f"  flattest: ||W - X*||_F = {fr['flat']['error']:.2e}, trace = {fr['flat']['trace']:.4f}, "
                     f"residual {fr['flat']['constraint_residual']:.1e}, balance {fr['flat']['balance_residuals']}, "
                     f"{fr['flat']['seconds']:.1f} s")
        if errs:
            lines.append(f"  {len(errs)} random global minima: ||W - X*||_F min {min(errs):.3f}, median "
                         f"{np.median(errs):.3f}; traces min {min(d['trace'] for d in fr['randoms']):.2f}")
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(args.out, "matrix_sensing_sweep.txt"), "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    with open(os.path.join(args.out, "matrix_sensing_sweep.json"), "w", encoding="utf-8") as fh:
        json.dump({"n": n, "r": r, "instances": instances, "starts": starts, "sweep": rows, "threshold": k_star,
                   "flat_vs_random": flats}, fh, indent=1)

    plot(rows, flats, n, r, k_star, png)
    print(f"wrote {args.out}/matrix_sensing_sweep.png, .txt, .json")


if __name__ == "__main__":
    main()
