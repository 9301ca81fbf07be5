"""``linnet critical-points``: isolated critical points of a regularized linear network.

Example::

    linnet critical-points --widths 2,2,2 --regularization generic --seed 0 [--engine msolve] [--json]

Random exact data (``--samples`` data points) and, for ``generic``, random
positive entry-wise weights are drawn from ``--seed``.  The default engine is
msolve when its executable is found (exact counts over QQ, certified real
points, Hessian inertia proved by ball arithmetic), else sympy's Gröbner
route (modulo a prime) with this module's homotopy for the real points;
``--engine`` chooses, ``--prime P`` counts over GF(P) and ``--prime 0`` over
QQ.  ``--homotopy`` and ``--phc`` add numerical cross-checks.  The first line
of the output names the engine that answered.
"""

from __future__ import annotations

import json

from ..exceptions import ParseError
from ..landscape.regularized import DEFAULT_TIMEOUT, ENGINES, parameter_critical_points, random_regularized_loss
from ._common import add_command, int_at_least, parse_widths

__all__ = ["register", "run"]


def register(sub):
    p = add_command(sub, "critical-points", run,
                    help="count (exactly) and classify the critical points of a weight-decay regularized network")
    p.add_argument("--widths", required=True, help="comma-separated widths d_0,...,d_h (input first), e.g. 2,2,2")
    p.add_argument("--regularization", default="generic", choices=("generic", "uniform", "none"),
                   help="generic random entry-wise λ (default), uniform λ = 1, or none (λ = 0)")
    p.add_argument("--seed", type=int_at_least(0, "--seed"), default=0, help="seed of the data and of the generic weights (default 0)")
    p.add_argument("--samples", type=int, default=1, help="number of data points N (default 1)")
    p.add_argument("--engine", default="auto", choices=ENGINES,
                   help="auto (default: msolve when found, else groebner), msolve, or groebner (sympy)")
    p.add_argument("--prime", type=int, default=None,
                   help="count over GF(prime) (2^15 < prime < 2^31); 0 for exact counts over QQ; default: QQ with "
                        "msolve, GF(2147483647) with the sympy route")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds allowed per msolve run (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--no-real", action="store_true", help="skip the real critical points")
    p.add_argument("--homotopy", action="store_true", help="also run the total-degree homotopy (cross-check)")
    p.add_argument("--phc", action="store_true", help="also run PHCpack's blackbox solver (phc -b)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def run(args):
    """Critical points of L = ½‖W̄X − Y‖² + ½Σλ∘W_i² on random exact data: exact counts (msolve or sympy
    Gröbner), certified real points and their roles, homotopy / phc cross-checks.
    """
    if args.samples < 1:
        raise ParseError(f"--samples: expected a positive integer, received {args.samples}")
    if args.prime is not None and args.prime < 0:
        raise ParseError(f"--prime: expected 0 (QQ) or a prime, received {args.prime}")
    if not args.timeout > 0 or args.timeout == float("inf"):
        raise ParseError(f"--timeout: expected a positive number of seconds, received {args.timeout}")
    prime = "auto" if args.prime is None else (args.prime or None)
    network, loss = random_regularized_loss(parse_widths(args.widths), samples=args.samples, seed=args.seed,
                                            regularization=args.regularization)
    res = parameter_critical_points(network, loss, engine=args.engine, prime=prime, real_points=not args.no_real,
                                    homotopy=True if args.homotopy else None, phc=args.phc, seed=args.seed,
                                    timeout=args.timeout)
    if args.json:
        out = res.to_dict()
        out["data"] = loss.to_dict()
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(f"engine: {res.engine}")
    print(res.summary())
    print("certificate:")
    for fact in res.certificate:
        print(f"  - {fact}")
    return 0
