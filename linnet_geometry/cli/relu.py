"""``linnet relu-phase``: the full-rank phase transition of ReLU activation regions (KMTM2024)."""

from __future__ import annotations

import sys

from ._common import add_command, check_output_path, dump_json, image_suffixes, int_at_least, parse_range
from ..exceptions import ParseError

__all__ = ["register", "run"]


def register(subparsers):
    """Add the ``relu-phase`` subcommand."""
    p = add_command(subparsers, "relu-phase", run,
                    help="fraction of full-rank Jacobians over a grid of (n, width) (KMTM2024)")
    p.add_argument("--d0", default="2", help="input dimension without the bias coordinate (default 2)")
    p.add_argument("--n", default="10:60:10", help="sample sizes, 'start:stop:step' or '10,20' (default 10:60:10)")
    p.add_argument("--width", default="2:60:2", help="widths d1, 'start:stop:step' or a list (default 2:60:2)")
    p.add_argument("--samples", default="100", help="samples per cell (default 100)")
    p.add_argument("--sampler", default="uniform pattern",
                   choices=["uniform pattern", "uniform realizable region", "random initialization"])
    p.add_argument("--no-bias", action="store_true", help="no constant input coordinate")
    p.add_argument("--seed", default=None, help="integer seed (default: fresh entropy, printed)")
    p.add_argument("--workers", default=None, help="local processes (default: all cores; 1 = serial)")
    p.add_argument("-o", "--output", default=None, help="write the heat map to this image file")
    p.add_argument("--json", action="store_true", help="print the table as JSON")


def run(args) -> int:
    """Monte Carlo fraction of activation regions of a shallow ReLU network whose Jacobian has full rank n, over
    a grid of sample sizes n and widths d1 (KMTM2024).
    """
    from ..families.relu import phase_transition

    d0 = int_at_least(1, "--d0")(args.d0)
    ns = parse_range(args.n, "--n")
    widths = parse_range(args.width, "--width")
    if not ns:
        raise ParseError(f"--n: expected at least one sample size, received {args.n!r}")
    if not widths:
        raise ParseError(f"--width: expected at least one width, received {args.width!r}")
    if any(n < 1 for n in ns):
        raise ParseError(f"--n: expected sample sizes ≥ 1, received {args.n!r}")
    if any(w < 1 for w in widths):
        raise ParseError(f"--width: expected widths ≥ 1, received {args.width!r}")
    if args.output:
        check_output_path(args.output, "-o", suffixes=image_suffixes())  # before the sweep
    samples = int_at_least(1, "--samples")(args.samples)
    seed = None if args.seed is None else int_at_least(0, "--seed")(args.seed)
    workers = None if args.workers is None else int_at_least(1, "--workers")(args.workers)
    result = phase_transition(d0, ns, widths, samples, args.sampler, bias=not args.no_bias, seed=seed,
                              max_workers=workers, progress=sys.stderr.isatty())
    if args.output:
        result.plot(path=args.output)
    if args.json:
        print(dump_json(result.to_dict()))
    else:
        d0p = d0 + (0 if args.no_bias else 1)
        print(f"fraction of full-rank Jacobians, d0={d0}{'' if args.no_bias else ' + bias'}, "
              f"sampler={args.sampler!r}, {samples} samples/cell, seed={result.seed}")
        print(result.table())
        print("smallest width with fraction >= 1/2: "
              + ", ".join(f"n={n}: {w}" for n, w in zip(result.ns, result.transition_widths()))
              + f"  (compare n/d0' with d0'={d0p})")
        if args.output:
            print(f"heat map written to {args.output}")
    return 0
