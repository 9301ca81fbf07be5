"""Growth of T (zero-loss pieces) and G (split subspaces) with the width, and the
connectivity graph of the zero-loss pieces at one extra neuron (SGJ2021).

Writes into ``--out`` (default ``./out``):

* ``symmetry_growth.png`` — log10 of T(r*, m) in both conventions and of
  G(r, m) for r < r*, against the width m;
* ``symmetry_graph.png`` — the exact intersection graph of the zero-loss
  pieces at m = r* + 1 (squares: pieces holding a permuted teacher point);
* ``symmetry_growth.txt`` — the numbers behind both pictures.

Run: ``python examples/symmetry_growth.py --out out [--teacher-width 3] [--fast]``.
"""

from __future__ import annotations

import argparse
import math
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from linnet_geometry.families.symmetry import (  # noqa: E402
    G,
    T,
    connectivity_graph,
    connectivity_summary,
    draw_connectivity_graph,
    example_teacher,
)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out")
    parser.add_argument("--teacher-width", type=int, default=3)
    parser.add_argument("--max-width", type=int, default=60)
    parser.add_argument("--fast", action="store_true", help="r* = 2 and widths up to 30")
    args = parser.parse_args(argv)
    r = 2 if args.fast else args.teacher_width
    top = 30 if args.fast else args.max_width
    os.makedirs(args.out, exist_ok=True)

    widths = list(range(r, top + 1))
    log = lambda n: math.log10(n) if n > 0 else float("nan")  # noqa: E731
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(widths, [log(T(r, m)) for m in widths], label=f"T({r}, m), group")
    ax.plot(widths, [log(T(r, m, "single")) for m in widths], "--", label=f"T({r}, m), single")
    for k in range(1, r):
        ax.plot(widths, [log(G(k, m)) for m in widths], ":", label=f"G({k}, m)")
    ax.set_xlabel("width m")
    ax.set_ylabel("log10 count")
    ax.set_title(f"SGJ2021: zero-loss pieces vs split subspaces, r* = {r}")
    ax.legend()
    fig.savefig(os.path.join(args.out, "symmetry_growth.png"), dpi=120, bbox_inches="tight")
    plt.close(fig)

    graph = connectivity_graph(example_teacher(r, 2), r + 1, progress=False)
    summary = connectivity_summary(graph)
    fig, ax = plt.subplots(figsize=(7, 7))
    draw_connectivity_graph(graph, ax=ax)
    fig.savefig(os.path.join(args.out, "symmetry_graph.png"), dpi=120, bbox_inches="tight")
    plt.close(fig)

    with open(os.path.join(args.out, "symmetry_growth.txt"), "w", encoding="utf-8") as fh:
        fh.write(f"r* = {r}\n")
        fh.write("m  T_group  T_single  " + "  ".join(f"G({k},m)" for k in range(1, r)) + "\n")
        for m in widths[:12]:
            fh.write(f"{m}  {T(r, m)}  {T(r, m, 'single')}  " + "  ".join(str(G(k, m)) for k in range(1, r)) + "\n")
        fh.write(f"graph at m = r*+1: {summary}\n")
    print(f"wrote symmetry_growth.png, symmetry_graph.png, symmetry_growth.txt to {args.out}: {summary}")


if __name__ == "__main__":
    main()
