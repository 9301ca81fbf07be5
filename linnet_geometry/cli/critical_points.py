"""``linnet critical-points``: isolated critical points of a regularized linear network.

Example::

    linnet critical-points --widths 2,2,2 --regularization generic --seed 0 [--json]

Random exact data (``--samples`` data points) and, for ``generic``, random
positive entry-wise weights are drawn from ``--seed``; the Gröbner route
counts the complex critical points exactly (modulo the prime ``--prime``, or
over QQ with ``--prime 0``), the homotopy route finds, certifies and
classifies the real ones, and ``--phc`` adds PHCpack's blackbox solver.
"""

from __future__ import annotations

import json

from ..exceptions import ParseError
from ..regularized import DEFAULT_PRIME, parameter_critical_points, random_regularized_loss
from ._common import parse_widths

__all__ = ["register", "run"]


def register(sub):
    p = sub.add_parser("critical-points",
                       help="count (exactly) and classify the critical points of a weight-decay regularized network",
                       description="Critical points of L = ½‖W̄X − Y‖² + ½Σλ∘W_i² on random exact data: Gröbner "
                                   "dimension and counts, homotopy / phc cross-checks, certified real points.")
    p.add_argument("--widths", required=True, help="comma-separated widths d_0,...,d_h (input first), e.g. 2,2,2")
    p.add_argument("--regularization", default="generic", choices=("generic", "uniform", "none"),
                   help="generic random entry-wise λ (default), uniform λ = 1, or none (λ = 0)")
    p.add_argument("--seed", type=int, default=0, help="seed of the data and of the generic weights (default 0)")
    p.add_argument("--samples", type=int, default=1, help="number of data points N (default 1)")
    p.add_argument("--prime", type=int, default=DEFAULT_PRIME,
                   help=f"Gröbner basis over GF(prime) (default {DEFAULT_PRIME}); 0 for exact arithmetic over QQ")
    p.add_argument("--no-real", action="store_true", help="skip the homotopy and the real critical points")
    p.add_argument("--phc", action="store_true", help="also run PHCpack's blackbox solver (phc -b)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args):
    if args.samples < 1:
        raise ParseError(f"--samples: expected a positive integer, received {args.samples}")
    if args.prime < 0:
        raise ParseError(f"--prime: expected 0 (QQ) or a prime, received {args.prime}")
    network, loss = random_regularized_loss(parse_widths(args.widths), samples=args.samples, seed=args.seed,
                                            regularization=args.regularization)
    res = parameter_critical_points(network, loss, prime=args.prime or None, real_points=not args.no_real,
                                    phc=args.phc, seed=args.seed)
    if args.json:
        out = res.to_dict()
        out["data"] = loss.to_dict()
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(res.summary())
    print("certificate:")
    for fact in res.certificate:
        print(f"  - {fact}")
    return 0
