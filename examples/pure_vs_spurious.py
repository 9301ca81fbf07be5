"""Pure versus spurious critical points on the simplest network, d = (1, 1, 1).

The network ``x ↦ b·a·x`` with the target ``U = [[1]]`` has the loss

    L(a, b) = (ab − 1)²,

the composition of ``ℓ(w) = (w − 1)²`` with ``μ(a, b) = ab`` (TKB2020).  Its
critical points are

* the hyperbola ``ab = 1``: every point maps to ``w = 1``, the minimum of ℓ —
  these critical points are **pure** (global minima);
* the origin ``a = b = 0``: it maps to ``w = 0``, which is *not* critical for ℓ
  (``ℓ'(0) = −2``) — a **spurious** critical point, an artefact of the
  parameterization, here a strict saddle.

Nothing is placed by hand: :func:`linnet_geometry.critical_locus` lists the
strata, each stratum's fiber is swept by the rescaling symmetry
``(a, b) ↦ (ta, b/t)`` starting from the library's representative, and every
marked point is classified exactly with :func:`linnet_geometry.classify`.

Writes ``pure_vs_spurious.png`` (the landscape with the critical points marked
by kind) and ``pure_vs_spurious.txt`` (the locus table and the classification
of every marked point) into ``--out``.

Run: ``python examples/pure_vs_spurious.py --out out``  (``--fast``: coarser grid).
"""

from __future__ import annotations

import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import sympy  # noqa: E402

from linnet_geometry import LinearNetwork, QuadraticLoss, classify, critical_locus  # noqa: E402

KIND_STYLE = {
    "pure": dict(color="tab:green", marker="o", label="pure critical point (global minimum)"),
    "spurious": dict(color="tab:red", marker="X", label="spurious critical point (saddle)"),
}


def fiber_points(stratum, scales):
    """Points of the critical stratum over ``U_S``: the orbit ``(ta, b/t)`` of the representative."""
    W1, W2 = stratum.representative
    a, b = sympy.Rational(W1[0, 0]), sympy.Rational(W2[0, 0])
    if a == 0 and b == 0:
        return [(a, b)]  # θ = 0 is the whole stratum over U_∅ = 0 that the rescaling reaches
    return [(a * t, b / t) for t in scales]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="output folder (default: ./out)")
    parser.add_argument("--fast", action="store_true", help="coarser grid and fewer fiber points")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    net = LinearNetwork((1, 1, 1))
    loss = QuadraticLoss([[1]])
    locus = critical_locus(net, loss)

    lines = ["L(a, b) = (ab − 1)² on d = (1, 1, 1): the critical locus (critical_locus)", "", locus.table(), ""]
    n_fiber = 5 if args.fast else 9
    # exact rational scales t = ±2^k: the fiber ab = 1 has two branches (t > 0 and t < 0)
    scales = [sympy.Rational(2) ** k * sign for sign in (1, -1)
              for k in range(-(n_fiber // 2), n_fiber // 2 + 1)]
    marked = []  # (a, b, report)
    lines.append("every marked point, classified exactly (classify):")
    for stratum in locus.strata:
        for a, b in fiber_points(stratum, scales):
            rep = classify(net, loss, [[[a]], [[b]]])
            assert rep.is_critical and rep.kind == stratum.kind, (stratum, rep)
            marked.append((a, b, rep))
            lines.append(f"  (a, b) = ({str(a):>5}, {str(b):>5})  ab = {str(a * b):>3}  {rep.kind:<9}{rep.role:<14}"
                         f"L = {rep.value}  Hessian inertia (+, −, 0) = {rep.hessian_inertia}")
    origin = next(rep for a, b, rep in marked if a == 0 and b == 0)
    lines += ["", "certificate at the origin:"] + [f"  - {fact}" for fact in origin.certificate]
    with open(os.path.join(args.out, "pure_vs_spurious.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")

    # -- the figure: landscape in parameter space and the loss in function space
    n = 201 if args.fast else 601
    grid = np.linspace(-2.5, 2.5, n)
    A, B = np.meshgrid(grid, grid)
    Lval = (A * B - 1.0) ** 2
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 5.2), gridspec_kw=dict(width_ratios=[1.15, 1]))
    cs = ax.contourf(A, B, np.log10(1e-3 + Lval), levels=30, cmap="viridis")
    fig.colorbar(cs, ax=ax, label=r"$\log_{10}(10^{-3} + L(a, b))$")
    ax.contour(A, B, Lval, levels=[0.25, 1, 4, 16], colors="white", linewidths=0.6, alpha=0.7)
    # the pure stratum as a curve, through the classified points
    for sign in (1, -1):
        t = np.geomspace(0.4, 2.5, 200) * sign
        ax.plot(t, 1 / t, color=KIND_STYLE["pure"]["color"], lw=2, alpha=0.8)
    seen = set()
    for a, b, rep in marked:
        style = dict(KIND_STYLE[rep.kind])
        label = style.pop("label")
        label = label if rep.kind not in seen else None
        seen.add(rep.kind)
        ax.scatter([float(a)], [float(b)], s=90 if rep.kind == "spurious" else 45, zorder=5, edgecolor="black",
                   label=label, **style)
    ax.set_xlim(-2.5, 2.5)
    ax.set_ylim(-2.5, 2.5)
    ax.set_aspect("equal")
    ax.set_xlabel("a  (W₁)")
    ax.set_ylabel("b  (W₂)")
    ax.set_title("parameter space: L(a, b) = (ab − 1)²")
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)

    w = np.linspace(-1.0, 2.5, 400)
    ax2.plot(w, (w - 1) ** 2, color="black", lw=1.5, label=r"$\ell(w) = (w-1)^2$ on $\mathcal{M}_1 = \mathbb{R}$")
    images = {}
    for a, b, rep in marked:
        images.setdefault(rep.kind, set()).add(a * b)
    for kind, ws in images.items():
        for wv in ws:
            style = KIND_STYLE[kind]
            ax2.scatter([float(wv)], [float((wv - 1) ** 2)], s=90, color=style["color"], marker=style["marker"],
                        edgecolor="black", zorder=5,
                        label=f"image μ(θ) = {wv} of the {kind} points" + (" (ℓ'(0) = −2 ≠ 0)" if kind == "spurious"
                                                                              else " (ℓ' = 0)"))
    ax2.set_xlabel("w = ab  (end-to-end map)")
    ax2.set_ylabel("ℓ(w)")
    ax2.set_title("function space: pure points map to critical points of ℓ")
    ax2.legend(fontsize=8)
    fig.suptitle(f"d = (1, 1, 1): {locus.num_strata} critical strata — "
                 + ", ".join(f"S = {set(s.support) or '∅'}: {s.kind} {s.role.replace('_', ' ')}"
                             for s in locus.strata))
    fig.tight_layout()
    path = os.path.join(args.out, "pure_vs_spurious.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print("\n".join(lines))
    print(f"wrote {path} and {os.path.join(args.out, 'pure_vs_spurious.txt')}")


if __name__ == "__main__":
    main()
