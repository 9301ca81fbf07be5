"""The KMTM2024 phase transition: fraction of activation regions with a full-rank Jacobian.

Writes, for d0 in {1, 2, 4} with bias, a heat map ``relu_phase_d0_<d0>.png`` and the
table ``relu_phase_d0_<d0>.json`` / ``relu_phase.txt`` into ``--out`` (default ./out).
``--fast`` uses a small grid (for tests).

    python examples/relu_phase_transition.py --out out
"""

from __future__ import annotations

import argparse
import json
import os

from linnet_geometry.families.relu import phase_transition


def main(argv=None):
    p = argparse.ArgumentParser(description="ReLU full-rank phase transition (KMTM2024)")
    p.add_argument("--out", default="out", help="output folder (default ./out)")
    p.add_argument("--fast", action="store_true", help="small grid, few samples")
    p.add_argument("--samples", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    if a.fast:
        ns, widths, samples, workers = [6, 12], [2, 4, 6, 8, 12], 30, 1
    else:
        ns, widths, samples, workers = range(10, 61, 10), range(2, 61, 2), a.samples, None
    lines = []
    for d0 in (1, 2, 4):
        pt = phase_transition(d0, ns, widths, samples, seed=a.seed, max_workers=workers)
        pt.plot(path=os.path.join(a.out, f"relu_phase_d0_{d0}.png"))
        with open(os.path.join(a.out, f"relu_phase_d0_{d0}.json"), "w", encoding="utf-8") as fh:
            json.dump(pt.to_dict(), fh, indent=1)
        lines.append(f"d0 = {d0} + bias (d0' = {d0 + 1}), uniform patterns, {samples} samples/cell, seed {a.seed}")
        lines.append(pt.table())
        lines.append("first width with fraction >= 1/2: "
                     + ", ".join(f"n={n}: {w}" for n, w in zip(pt.ns, pt.transition_widths())))
        lines.append("")
    text = "\n".join(lines)
    with open(os.path.join(a.out, "relu_phase.txt"), "w", encoding="utf-8") as fh:
        fh.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
