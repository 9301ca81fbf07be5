"""``linnet analyze``: the critical strata of a quadratic loss on a linear network (the main job)."""

from __future__ import annotations

import json
import warnings

from ..critical import critical_locus
from ..exceptions import ParseError
from ..losses import QuadraticLoss
from ..network import LinearNetwork
from ._common import parse_widths, read_matrix

__all__ = ["register", "run", "DEFAULT_WIDTHS", "DEFAULT_TARGET", "build_problem", "add_problem_arguments"]

#: The built-in default example: a non-filling network and a fixed integer target.
DEFAULT_WIDTHS = "3,2,3"
DEFAULT_TARGET = "5 1 0; 2 3 1; 0 1 2"


def register(sub):
    p = sub.add_parser("analyze", help="critical strata of L = loss ∘ μ_d (default: widths 3,2,3 and a fixed target)",
                       description="Compute every critical stratum of L = ℓ ∘ μ_d for a quadratic loss, with exact "
                                   "values, pure/spurious kind and role.")
    add_problem_arguments(p)
    p.add_argument("--json", action="store_true", help="machine-readable output of everything in the table")
    p.add_argument("--max-rows", type=int, default=200, help="rows of the table to print (default 200)")
    p.set_defaults(func=run)


def add_problem_arguments(p):
    """Arguments shared by the subcommands that build (network, loss)."""
    p.add_argument("--widths", default=DEFAULT_WIDTHS, help="comma-separated widths d_0,...,d_h (input first)")
    p.add_argument("--target", default=None, help="target matrix U: literal '5 1 0; 2 3 1; 0 1 2' or a .csv/.npy path")
    p.add_argument("--data", nargs=2, metavar=("X", "Y"), default=None,
                   help="least squares ||W X - Y||^2 on data matrices (literals or .csv/.npy; X is d_0 x N)")
    p.add_argument("--numeric", action="store_true", help="use the float path (SVD with tolerance)")


def build_problem(args):
    """``(network, loss)`` from parsed arguments."""
    network = LinearNetwork(parse_widths(args.widths))
    if args.data is not None and args.target is not None:
        raise ParseError("give either --target or --data, not both")
    exact = False if args.numeric else None
    if args.data is not None:
        X = read_matrix(args.data[0], "X", exact=exact)
        Y = read_matrix(args.data[1], "Y", exact=exact)
        loss = QuadraticLoss.from_data(X, Y)
    else:
        text = args.target
        if text is None:
            if tuple(network.widths[i] for i in (0, -1)) != (3, 3):
                raise ParseError(f"--target is required for widths {network.widths} (the default target is 3x3)")
            text = DEFAULT_TARGET
        loss = QuadraticLoss(read_matrix(text, "--target", exact=exact))
    return network, loss


def run(args):
    network, loss = build_problem(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        locus = critical_locus(network, loss, numeric=args.numeric or None)
        if args.json:
            print(json.dumps(locus.to_dict(), indent=2))
            return 0
    net, sp = locus.network, locus.spectrum
    V = net.functional_space
    print(f"linear network  widths {net.widths}  depth h = {net.depth}  bottleneck r = {net.bottleneck}  "
          f"parameters {net.num_params}  {'filling' if net.is_filling else 'non-filling'}")
    print(f"functional space  M_{V.rank} ⊂ R^{V.rows}x{V.cols}: dim {V.dim}, degree {V.degree}, "
          f"ED degree {V.ed_degree}")
    print(f"loss  {loss.describe()}  ({'exact' if sp.exact else 'numeric'} path)")
    lam = ", ".join(f"{v:.6g}" for v in sp.floats[:12]) + (" ..." if sp.size > 12 else "")
    print(f"squared singular values  {lam}")
    if locus.is_degenerate:
        print("DEGENERATE target: repeated or zero singular values; strata marked * are positive-dimensional families")
    for w in caught:
        print(f"warning: {w.message}")
    print(f"critical strata: {locus.num_strata}   global minimum value {locus.global_minimum_value}"
          f" ≈ {locus.global_minimum.value_float:.6g}")
    print()
    print(locus.table(max_rows=args.max_rows))
    return 0
