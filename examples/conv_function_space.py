"""The (2, 2) convolutional network: quadratics with real roots, the discriminant boundary, critical points.

The function space of two convolutional layers with filters of size 2 (stride 1) is the set of
quadratics ``a + b t + c t²`` with real roots, ``b² ≥ 4ac`` (KMMT2022); it is a cone, so the
picture is drawn in the slice ``c = 1`` (coordinates ``(a, b)``), where it is the region above
the parabola ``a = b²/4``.  For the squared distance to a target ``u`` the loss minimised over the
ray ``λ(a, b, 1)`` is ``‖u‖² − ⟨(a, b, 1), u⟩² / ‖(a, b, 1)‖²``; its critical points on the region
are exactly the critical points of the loss on the cone with ``c ≠ 0``, so its contours are the
right landscape.  Two targets: one outside the function space (every critical point sits on the
discriminant boundary, with repeated filters — spurious) and one inside (the pure global minimum
at the target).  Critical points with ``c = 0`` (a root at infinity) are listed in the text file.

Writes ``conv_function_space.png`` and ``conv_function_space.txt`` into ``--out`` (default ./out).

    python examples/conv_function_space.py --out out
"""

from __future__ import annotations

import argparse
import os
from fractions import Fraction

import numpy as np

from linnet_geometry import QuadraticLoss
from linnet_geometry.families.convolutional import ConvolutionalNetwork, convolutional_critical_points

TARGETS = {"target outside M: u = 2 + t + t^2": (2, 1, 1),
           "target inside M: u = -1 + t/2 + t^2": (-1, Fraction(1, 2), 1)}


def main(argv=None):
    p = argparse.ArgumentParser(description="(2, 2) LCN: function space, boundary and critical points (KMMT2022)")
    p.add_argument("--out", default="out", help="output folder (default ./out)")
    p.add_argument("--fast", action="store_true", help="coarser contour grid")
    a = p.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    net = ConvolutionalNetwork((2, 2))
    n = 120 if a.fast else 400
    fig = Figure(figsize=(11, 5))
    FigureCanvasAgg(fig)
    lines = []
    for k, (title, u) in enumerate(TARGETS.items()):
        locus = convolutional_critical_points(net, QuadraticLoss([list(u)]))
        uf = np.array([float(x) for x in u])
        shown = [(float(q.end_to_end_filter[0]) / float(q.end_to_end_filter[2]),
                  float(q.end_to_end_filter[1]) / float(q.end_to_end_filter[2]))
                 for q in locus.points if q.end_to_end_filter[2] != 0] + [(uf[0] / uf[2], uf[1] / uf[2])]
        xr = (min(-3.0, min(x for x, _ in shown) - 1), max(3.0, max(x for x, _ in shown) + 1))
        yr = (min(-3.5, min(y for _, y in shown) - 1), max(3.5, max(y for _, y in shown) + 1))
        A, B = np.meshgrid(np.linspace(*xr, n), np.linspace(*yr, n))
        dot = A * uf[0] + B * uf[1] + uf[2]
        reduced = uf @ uf - dot**2 / (A**2 + B**2 + 1)
        ax = fig.add_subplot(1, 2, k + 1)
        ax.contour(A, B, reduced, levels=30, cmap="viridis", linewidths=0.7)
        inside = B**2 >= 4 * A
        ax.contourf(A, B, inside.astype(float), levels=[0.5, 1.5], colors=["#9ecae1"], alpha=0.45)
        ax.contourf(A, B, (~inside).astype(float), levels=[0.5, 1.5], colors="none", hatches=["//"])
        bb = np.linspace(*yr, 300)
        ax.plot(bb**2 / 4, bb, color="#08519c", lw=2)
        ax.plot([uf[0] / uf[2]], [uf[1] / uf[2]], marker="x", color="black", ms=10, mew=2)
        lines.append(f"{title}: engine {locus.engine}, {len(locus.points)} real critical points mod scaling, "
                     f"{locus.complex_count} complex")
        for pt in locus.points:
            w = [float(x) for x in pt.end_to_end_filter]
            th = tuple(tuple(round(float(x), 6) for x in f) for f in pt.theta)
            lines.append(f"  theta ~ {th}  w ~ {tuple(round(x, 6) for x in w)}  L ~ {pt.value_float:.6g} "
                         f"(exact, minimal polynomial of the point: {pt.minimal_polynomial})  {pt.kind}, {pt.role}, "
                         f"boundary {pt.on_boundary}, repeated filters {pt.repeated_filters}")
            if abs(w[2]) < 1e-12:
                continue  # root at infinity: not in the slice c = 1
            color = "#1f77b4" if pt.kind == "pure" else "#d62728"
            marker = "*" if pt.role == "global_min" else "o"
            ax.scatter([w[0] / w[2]], [w[1] / w[2]], s=260 if marker == "*" else 90, marker=marker, c=color,
                       edgecolors="black" if pt.on_boundary else "white", linewidths=1.6, zorder=5)
            ax.annotate(f"L={pt.value_float:.3g}", (w[0] / w[2], w[1] / w[2]), xytext=(8, -12),
                        textcoords="offset points", fontsize=8)
        for f in locus.families:
            lines.append(f"  family: {f.description}  L = {f.value}  {f.kind}, {f.role}, dim {f.dimension}")
        ax.set_xlim(*xr)
        ax.set_ylim(*yr)
        ax.set_xlabel("a = w0 / w2")
        ax.set_ylabel("b = w1 / w2")
        ax.set_title(title, fontsize=10)
    handles = [Line2D([], [], color="#08519c", lw=2, label="discriminant b² = 4a (boundary)"),
               Line2D([], [], ls="", marker="s", color="#9ecae1", label="function space (real roots)"),
               Line2D([], [], color="0.4", lw=0.7, label="loss minimised over the ray (contours)"),
               Line2D([], [], ls="", marker="x", color="black", label="target"),
               Line2D([], [], ls="", marker="o", color="#1f77b4", label="pure"),
               Line2D([], [], ls="", marker="o", color="#d62728", label="spurious"),
               Line2D([], [], ls="", marker="*", color="0.3", markersize=12, label="global minimum"),
               Line2D([], [], ls="", marker="o", color="white", markeredgecolor="black", label="on the boundary")]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.suptitle("LCN with filter sizes (2, 2), stride 1: slice c = 1 of the cone of quadratics (KMMT2022)",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0.1, 1, 0.95))
    fig.savefig(os.path.join(a.out, "conv_function_space.png"), dpi=120)
    text = "\n".join(lines)
    with open(os.path.join(a.out, "conv_function_space.txt"), "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
