"""Bad local minima of a weighted loss on a non-filling network, contrasted with the quadratic loss.

The network ``d = (2, 1, 2)`` is non-filling: its end-to-end matrices are the
rank-≤1 matrices ``M_1`` of size 2 × 2.  For the squared distance
``ℓ(W) = ‖W − U‖²`` every local minimum is global (EY1936; TKB2020).  For
the entrywise-weighted squared distance

    ℓ_λ(W) = Σ_ij λ_ij (W_ij − U_ij)²,   U = diag(2, 1),   λ = [[1, 4], [4, 1]],

— still a convex loss — the rank-one matrix ``diag(0, 1)`` becomes a **bad
local minimum**: pure, value 4, while the global minimum has value 1
(TKB2020; THEORY §4).  The heavy off-diagonal weights make it expensive to
rotate the rank-one matrix away from either diagonal entry.

Nothing is constructed by hand: the critical points of ``L = ℓ ∘ μ_d`` are
found by solving ``∇L(θ) = 0`` from many random starts (Levenberg–Marquardt
on :func:`linnet_geometry.parameter_gradient` with the Jacobian
:func:`linnet_geometry.parameter_hessian`), deduplicated by their image
``W̄ = W_2 W_1``, and classified with :func:`linnet_geometry.classify`
— exactly whenever the rationalized point is exactly critical.  When
:mod:`linnet_geometry.critical.general` is installed, its
``function_space_critical_points`` (exact Gröbner bases on every chart of the
rank strata) is an independent route: the script checks that it finds the same
pure critical points with the same roles, and prints its complex counts.

The figure shows ``ℓ`` restricted to the rank-one matrices ``W = s·u(α)v(β)ᵀ``
(``u(α) = (cos α, sin α)``, ``v(β)`` likewise), minimized over the scale
``s``: a function of the two angles, for the weighted and the quadratic loss,
with the critical points marked by role, and the diagonal slice ``α = β``.

Writes ``weighted_bad_minima.png`` and ``weighted_bad_minima.txt`` into ``--out``.

Run: ``python examples/weighted_bad_minima.py --out out``  (``--fast``: fewer starts, coarser grid).
"""

from __future__ import annotations

import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import sympy  # noqa: E402
from scipy.optimize import least_squares  # noqa: E402

from linnet_geometry import (  # noqa: E402
    LinearNetwork,
    QuadraticLoss,
    WeightedQuadraticLoss,
    classify,
    parameter_gradient,
    parameter_hessian,
)

U = [[2, 0], [0, 1]]
WEIGHTS = [[1, 4], [4, 1]]
ROLE_STYLE = {
    "global_min": dict(color="tab:green", marker="o", s=110),
    "bad_local_min": dict(color="magenta", marker="*", s=260),
    "strict_saddle": dict(color="tab:orange", marker="X", s=90),
    "other": dict(color="white", marker="s", s=60),
}


def unpack(x):
    return [x[:2].reshape(1, 2), x[2:].reshape(2, 1)]


def find_critical_points(net, loss, starts, seed=0):
    """Solve ``∇L(θ) = 0`` from random starts; one θ per distinct image ``W̄``, normalized (‖W_2‖ = 1)."""
    rng = np.random.default_rng(seed)

    def residual(x):
        return np.concatenate([np.ravel(np.asarray(g, dtype=float)) for g in parameter_gradient(net, loss, unpack(x))])

    def jacobian(x):
        return np.asarray(parameter_hessian(net, loss, unpack(x)), dtype=float)

    found = []  # (W̄, θ)
    for _ in range(starts):
        x0 = rng.normal(scale=1.5, size=4)
        sol = least_squares(residual, x0, jac=jacobian, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15)
        if np.linalg.norm(sol.fun) > 1e-9:
            continue
        W1, W2 = unpack(sol.x)
        Wbar = W2 @ W1
        norm = np.linalg.norm(W2)
        if norm > 1e-8:  # balance the fiber: ‖W_2‖ = 1, sign fixed by the first nonzero entry of W_2
            sign = np.sign(W2[np.argmax(np.abs(W2[:, 0])), 0])
            W1, W2 = W1 * norm * sign, W2 / norm * sign
        if not any(np.allclose(Wbar, other, atol=1e-7) for other, _ in found):
            found.append((Wbar, (W1, W2)))
    return found


def classify_best(net, loss, Wbar, theta):
    """Exact classification when the recognized exact point is exactly critical, else the numeric one.

    The entries of ``W̄`` are recognized as algebraic numbers (``sympy.nsimplify``);
    ``θ = (row k of W̄, column j of W̄ / W̄_kj)`` then has ``W_2 W_1 = W̄`` exactly
    (rank one), and :func:`classify` decides criticality exactly — a wrong
    guess is simply not critical and the numeric report is used instead.
    """
    W = sympy.Matrix(2, 2, [sympy.nsimplify(float(v), tolerance=1e-10) for v in np.ravel(Wbar)])
    if any(x != 0 for x in W) and W.rank() == 1:
        k, j = next((a, b) for a in range(2) for b in range(2) if W[a, b] != 0)
        exact = [W[k, :], W[:, j] / W[k, j]]
    else:
        exact = [sympy.zeros(1, 2), sympy.zeros(2, 1)] if all(x == 0 for x in W) else None
    if exact is not None:
        rep = classify(net, loss, exact)
        if rep.is_critical:
            return rep, exact, True
    return classify(net, loss, [np.asarray(M, dtype=float) for M in theta]), theta, False


def angles(Wbar):
    """``(α, β)`` in ``[0, π)²`` with ``W̄ ∝ u(α) v(β)ᵀ`` (rank one), or None for ``W̄ = 0``."""
    u_, s_, vt = np.linalg.svd(Wbar)
    if s_[0] < 1e-9:
        return None
    return tuple(float(np.arctan2(w[1], w[0]) % np.pi) for w in (u_[:, 0], vt[0]))


def profile(lam, alphas, betas):
    """``min_s ℓ(s·u(α)v(β)ᵀ) = ℓ(0) − (Σ λ D U)² / Σ λ D²``, ``D = u vᵀ``."""
    Uf, lam = np.asarray(U, dtype=float), np.asarray(lam, dtype=float)
    A, B = np.meshgrid(alphas, betas, indexing="ij")
    u = np.stack([np.cos(A), np.sin(A)])
    v = np.stack([np.cos(B), np.sin(B)])
    D = np.einsum("iab,jab->ijab", u, v)
    num = np.einsum("ij,ijab->ab", lam * Uf, D)
    den = np.einsum("ij,ijab->ab", lam, D * D)
    return float(np.sum(lam * Uf * Uf)) - num ** 2 / den


def analyse(name, net, loss, starts, lines):
    points = []
    for Wbar, theta in find_critical_points(net, loss, starts):
        rep, theta_used, exact = classify_best(net, loss, Wbar, theta)
        if not rep.is_critical:
            continue
        points.append(dict(Wbar=Wbar, theta=theta_used, rep=rep, exact=exact, angles=angles(Wbar)))
    best = min(float(p["rep"].value) for p in points)
    for p in points:
        role = p["rep"].role
        if role in ("local_min", "global_min"):
            role = "global_min" if float(p["rep"].value) <= best + 1e-9 else "bad_local_min"
        p["label"] = role if role in ROLE_STYLE else "other"
    points.sort(key=lambda p: float(p["rep"].value))
    lines.append(f"{name}: {len(points)} critical points of L = ℓ ∘ μ_d (distinct images W̄), from {starts} starts")
    for p in points:
        rep = p["rep"]
        if p["exact"]:
            W1, W2 = p["theta"]
            W, value = str((W2 * W1).tolist()), rep.value
        else:
            W = np.array2string(np.asarray(p["Wbar"], dtype=float).round(6), separator=", ").replace("\n", "")
            value = f"{float(rep.value):.6f}"
        lines.append(f"  W̄ = {W:<44} L = {str(value):<8} {rep.kind:<9} {p['label']:<14} "
                     f"inertia {rep.hessian_inertia}  ({'exact' if p['exact'] else 'numeric, tol ' + str(rep.tol)})")
    lines.append("")
    return points


def general_cross_check(net, loss, found, lines):
    """Independent route: linnet_geometry.critical.general (Gröbner bases, exact), when that module exists.

    Its real critical points of ℓ on the rank strata must be exactly the images
    found by root finding, with the same values and roles.
    """
    try:
        from linnet_geometry.critical.general import function_space_critical_points
    except ImportError:
        lines.append("linnet_geometry.critical.general is not installed: no independent count.")
        return
    result = function_space_critical_points(net, loss)
    lines += ["independent route, function_space_critical_points (exact Gröbner bases, all charts of M_e):",
              "  " + result.table().replace("\n", "\n  "),
              "  complex critical points per rank stratum: " + str(result.counts)]
    ours = sorted((round(float(p["rep"].value), 9), p["label"]) for p in found if p["rep"].kind == "pure")
    theirs = sorted((round(p.value_float, 9), p.role.replace("saddle", "strict_saddle"))
                    for p in result.points if p.kind == "pure")
    agree = ours == theirs
    lines.append(f"  pure critical points (value, role): root finding {ours}")
    lines.append(f"  {'agree' if agree else 'DISAGREE'} with function_space_critical_points {theirs}")
    if not agree:
        raise SystemExit("the two routes disagree on the pure critical points: " + str((ours, theirs)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="output folder (default: ./out)")
    parser.add_argument("--fast", action="store_true", help="fewer random starts and a coarser grid")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    starts = 40 if args.fast else 200
    n = 181 if args.fast else 421

    net = LinearNetwork((2, 1, 2))
    losses = {"weighted": WeightedQuadraticLoss(U, WEIGHTS), "quadratic": QuadraticLoss(U)}
    lines = [f"d = {net.widths} (non-filling, r = {net.bottleneck}), U = {U}, weights λ = {WEIGHTS}", ""]
    results = {name: analyse(f"{name} loss", net, loss, starts, lines) for name, loss in losses.items()}
    bad = [p for p in results["weighted"] if p["label"] == "bad_local_min"]
    bad_q = [p for p in results["quadratic"] if p["label"] == "bad_local_min"]
    lines.append(f"weighted loss: {len(bad)} bad local minimum(s), every one pure: "
                 f"{all(p['rep'].kind == 'pure' for p in bad)}; quadratic loss: {len(bad_q)} bad local minima")
    grid_min = float(np.min(profile(WEIGHTS, np.linspace(0, np.pi, n), np.linspace(0, np.pi, n))))
    lines.append(f"cross-check: the smallest value of ℓ_λ on a {n}×{n} grid of rank-one directions is "
                 f"{grid_min:.6f} (≥ the global minimum {min(float(p['rep'].value) for p in results['weighted'])})")
    for p in bad:
        lines += ["certificate of the bad local minimum:"] + [f"  - {f}" for f in p["rep"].certificate]
    lines.append("")
    general_cross_check(net, losses["weighted"], results["weighted"], lines)
    with open(os.path.join(args.out, "weighted_bad_minima.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")

    # -- figure: the profile over the two angles, and the diagonal slice α = β
    grid = np.linspace(0, np.pi, n)
    fig = plt.figure(figsize=(15, 5.2))
    axes = [fig.add_subplot(1, 3, k) for k in (1, 2, 3)]
    for ax, (name, lam) in zip(axes, [("weighted", WEIGHTS), ("quadratic", [[1, 1], [1, 1]])]):
        F = profile(lam, grid, grid)
        im = ax.imshow(F.T, origin="lower", extent=(0, np.pi, 0, np.pi), cmap="cividis", aspect="equal")
        fig.colorbar(im, ax=ax, fraction=0.046, label="min over s of ℓ(s·u(α)v(β)ᵀ)")
        ax.contour(grid, grid, F.T, levels=12, colors="white", linewidths=0.4, alpha=0.6)
        seen = set()
        for p in results[name]:
            if p["angles"] is None:
                continue
            style = ROLE_STYLE[p["label"]]
            # a rank-one critical point sits at (α, β) and, on the boundary, also at its periodic copies
            for da in (0, np.pi):
                for db in (0, np.pi):
                    a, b = p["angles"][0] + da, p["angles"][1] + db
                    if a <= np.pi + 1e-9 and b <= np.pi + 1e-9:
                        lab = None if p["label"] in seen else f"{p['label'].replace('_', ' ')} ({p['rep'].kind})"
                        seen.add(p["label"])
                        ax.scatter([a], [b], edgecolor="black", zorder=5, label=lab, clip_on=False, **style)
        ax.set_xlabel("α  (column direction u)")
        ax.set_ylabel("β  (row direction v)")
        ax.set_title(f"{name} loss on rank-one matrices")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=8)
    ax = axes[2]
    t = np.linspace(0, np.pi, 721)
    for name, lam, color in [("weighted", WEIGHTS, "tab:purple"), ("quadratic", [[1, 1], [1, 1]], "tab:blue")]:
        F = np.diagonal(profile(lam, t, t))
        ax.plot(t, F, color=color, lw=2, label=f"{name}: α = β slice")
        for p in results[name]:
            if p["angles"] is not None and abs(p["angles"][0] - p["angles"][1]) < 1e-6:
                copies = [p["angles"][0]] + ([np.pi] if p["angles"][0] < 1e-9 else [])
                ax.scatter(copies, [float(p["rep"].value)] * len(copies), edgecolor="black", clip_on=False,
                           zorder=7 if p["label"] == "bad_local_min" else 5, **ROLE_STYLE[p["label"]])
    ax.annotate("W̄ = diag(0, 1): bad local minimum (weighted),\nstrict saddle (quadratic)", xy=(np.pi / 2, 4.0),
                xytext=(np.pi / 2, 2.2), ha="center", fontsize=8, arrowprops=dict(arrowstyle="->"))
    ax.set_xlabel("α = β")
    ax.set_ylabel("min over s of ℓ")
    ax.set_title("slice α = β: two wells (weighted) vs one (quadratic)")
    ax.legend(fontsize=8)
    fig.suptitle(f"d = (2, 1, 2), U = diag(2, 1), λ = {WEIGHTS}: "
                 f"a pure bad local minimum at W̄ = diag(0, 1) for the weighted loss only")
    fig.tight_layout()
    path = os.path.join(args.out, "weighted_bad_minima.png")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    print("\n".join(lines))
    print(f"wrote {path} and {os.path.join(args.out, 'weighted_bad_minima.txt')}")


if __name__ == "__main__":
    main()
