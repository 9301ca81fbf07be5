"""Benchmark: the parameter-space Hessian of ``L = ℓ ∘ μ_d`` in both representations.

The library assembles ``Jᵀ∇²ℓJ + ⟨G, d²μ⟩`` once for both representations
(:mod:`linnet_geometry.exact.representation`): the block of layers ``i < j`` of the
second-order term is a Kronecker product ``Mᵀ ⊗ K`` with reordered columns.  Side by
side: the entrywise exact loop (``H[(a,b),(c,d)] += M[d,a] K[b,c]``, skipping zeros; kept
here as the reference route), the library's exact assembly, and the library's float
assembly on the same point rounded to floats.  Columns: seconds (best of 3), whether the
two exact Hessians are equal, and the largest entry of ``|H_float − H_exact|`` relative
to ``max|H_exact|``.

    python benchmarks/bench_hessian_assembly.py
"""

from __future__ import annotations

import random
import time

import numpy as np
import sympy

from linnet_geometry import LinearNetwork, QuadraticLoss
from linnet_geometry.critical.derivatives import parameter_hessian, prepare_point
from linnet_geometry.exact.representation import EXACT


def entrywise_hessian(network, loss, theta):
    """The reference route: the exact second-order term added entry by entry."""
    mats, pp, Wbar, _ = prepare_point(network, loss, theta)
    G, Hl = loss.gradient(Wbar), loss.hessian(Wbar)
    J = network.differential(mats)
    H = J.T @ Hl @ J
    offsets = np.cumsum([0] + [a * b for a, b in network.shapes])
    h = network.depth
    for i in range(1, h + 1):
        for j in range(i + 1, h + 1):
            M = EXACT.product(mats[i:j - 1], mats[i - 1].shape[0])
            K = pp[i - 1][1] @ G.T @ pp[j - 1][0]
            di, dim1 = mats[i - 1].shape
            dj, djm1 = mats[j - 1].shape
            r0, c0 = int(offsets[i - 1]), int(offsets[j - 1])
            for a in range(di):
                for b in range(dim1):
                    row = r0 + a * dim1 + b
                    for c in range(dj):
                        kbc = K[b, c]
                        if kbc == 0:
                            continue
                        for d in range(djm1):
                            v = M[d, a] * kbc
                            if v != 0:
                                H[row, c0 + c * djm1 + d] += v
                                H[c0 + c * djm1 + d, row] += v
    return H


def best_of(f, repeat=3):
    out, best = None, float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return out, best


def main():
    rng = random.Random(1)

    def q():
        return sympy.Rational(rng.randint(-9, 9), rng.randint(1, 5))

    print(f"{'widths':<16}{'params':>7}{'entrywise (s)':>15}{'exact (s)':>11}{'float (s)':>11}{'equal':>7}"
          f"{'rel. float err':>16}")
    for widths in [(3, 3, 3), (4, 4, 4, 4), (3, 5, 4, 5, 3), (6, 6, 6, 6), (5, 6, 7, 6, 5)]:
        net = LinearNetwork(widths)
        theta = [sympy.Matrix(a, b, lambda *_: q()) for a, b in net.shapes]
        loss = QuadraticLoss(sympy.Matrix(widths[-1], widths[0], lambda *_: q()))
        H_ref, t_ref = best_of(lambda: entrywise_hessian(net, loss, theta))
        H, t_exact = best_of(lambda: parameter_hessian(net, loss, theta))
        floss = QuadraticLoss(np.array(loss.target.evalf(30).tolist(), dtype=float))
        ftheta = [np.array(M.evalf(30).tolist(), dtype=float) for M in theta]
        F, t_float = best_of(lambda: parameter_hessian(net, floss, ftheta))
        He = np.array(H.evalf(30).tolist(), dtype=float)
        rel = float(np.max(np.abs(F - He)) / max(1.0, np.max(np.abs(He))))
        print(f"{str(widths):<16}{net.num_params:>7}{t_ref:>15.3f}{t_exact:>11.3f}{t_float:>11.4f}"
              f"{str(H == H_ref):>7}{rel:>16.2e}")


if __name__ == "__main__":
    main()
