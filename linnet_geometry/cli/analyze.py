"""``linnet analyze``: the critical strata of a quadratic loss on a linear network (the main job)."""

from __future__ import annotations

import warnings

from ..critical import critical_locus
from ..exceptions import ParseError
from ..model.losses import QuadraticLoss
from ..model.network import LinearNetwork
from ..checks import format_count
from ._common import add_command, dump_json, int_at_least, parse_widths, read_matrix

__all__ = ["register", "run", "DEFAULT_WIDTHS", "DEFAULT_TARGET", "build_problem", "add_problem_arguments"]

#: The built-in default example: a non-filling network and a fixed integer target.
DEFAULT_WIDTHS = "3,2,3"
DEFAULT_TARGET = "5 1 0; 2 3 1; 0 1 2"


def register(sub):
    p = add_command(sub, "analyze", run,
                    help="critical strata of L = loss ∘ μ_d (default: widths 3,2,3 and a fixed target)")
    add_problem_arguments(p)
    p.add_argument("--json", action="store_true", help="machine-readable output of everything in the table")
    p.add_argument("--max-rows", type=int_at_least(0, "--max-rows"), default=200,
                   help="rows of the table to print (default 200)")
    p.add_argument("--loss", choices=("quadratic", "weighted", "polynomial"), default="quadratic",
                   help="quadratic (default, solved by theory); weighted: sum w_ij (W_ij - U_ij)^2 with --target and "
                        "--weights; polynomial: --expr in the entries w11, w12, ... (1-based row, column) of W")
    p.add_argument("--weights", default=None, help="entrywise positive weights for --loss weighted, e.g. '6 11; 14 2'")
    p.add_argument("--expr", default=None, help="polynomial loss for --loss polynomial, e.g. '(w11*w22 - 1)^2 + w12^2'")
    p.add_argument("--backend", choices=("auto", "sympy", "singular", "macaulay2"), default="auto",
                   help="polynomial-system backend for weighted/polynomial losses (default auto)")


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


def _general_problem(args):
    """``(network, loss)`` for ``--loss weighted`` or ``--loss polynomial``."""
    import sympy

    from ..model.losses import PolynomialLoss, WeightedQuadraticLoss, parse_polynomial

    network = LinearNetwork(parse_widths(args.widths))
    m, n = network.widths[-1], network.widths[0]
    if args.data is not None:
        raise ParseError(f"--data is for --loss quadratic; received it with --loss {args.loss}")
    if args.numeric:
        raise ParseError(f"--numeric is for --loss quadratic; --loss {args.loss} is solved exactly")
    if args.loss == "weighted":
        if args.weights is None:
            raise ParseError("--loss weighted needs --weights (e.g. '6 11; 14 2'); received none")
        if args.target is None:
            raise ParseError("--loss weighted needs --target; received none")
        return network, WeightedQuadraticLoss(read_matrix(args.target, "--target"), read_matrix(args.weights, "--weights"))
    if args.expr is None:
        raise ParseError("--loss polynomial needs --expr (in the entries w11, w12, ... of W); received none")
    names = [f"w{i + 1}{j + 1}" if m < 10 and n < 10 else f"w{i + 1}_{j + 1}" for i in range(m) for j in range(n)]
    W = sympy.Matrix(m, n, sympy.symbols(names))
    expr = parse_polynomial(args.expr, W, name="--expr")  # a whitelist parser: never evaluates the text
    return network, PolynomialLoss(expr, W)


def _run_general(args):
    from ..critical.general import function_space_critical_points

    network, loss = _general_problem(args)
    res = function_space_critical_points(network, loss, backend=args.backend)
    if args.json:
        print(dump_json(res.to_dict()))
        return 0
    net, V = network, network.functional_space
    print(f"linear network  widths {net.widths}  depth h = {net.depth}  bottleneck r = {net.bottleneck}  "
          f"parameters {net.num_params}  {'filling' if net.is_filling else 'non-filling'}")
    print(f"functional space  M_{V.rank} ⊂ R^{V.rows}x{V.cols}: dim {V.dim}, degree {_degree(V)}")
    print(f"loss  {loss.describe()}  (exact path, backend {res.backend})")
    print(res.summary())
    gmin = "undetermined (loss not proven coercive)" if res.global_minimum_value_float is None else \
        f"≈ {res.global_minimum_value_float:.10g}"
    print(f"real critical points: {len(res.points)}   global minimum value {gmin}   bad local minima "
          f"{len(res.bad_local_minima)}   spurious images {len(res.spurious_points)}")
    print()
    lines = res.table().splitlines()
    print("\n".join(lines[:args.max_rows + 2]))
    if len(lines) > args.max_rows + 2:
        print(f"... ({len(lines) - args.max_rows - 2} more points)")
    return 0


def _degree(V) -> str:
    """The degree of ``M_r`` for a table header: exact when short, else its size (never a huge computation)."""
    if V.degree_log10 <= 30:
        return str(V.degree)
    return format_count(V.degree) if V.degree_log10 <= 10**5 else f"≈ 10^{V.degree_log10:.6g}"


def run(args):
    """Compute every critical stratum of L = ℓ ∘ μ_d for a quadratic loss, with exact values, pure/spurious kind
    and role.
    """
    if getattr(args, "loss", "quadratic") != "quadratic":
        return _run_general(args)
    network, loss = build_problem(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        locus = critical_locus(network, loss, numeric=args.numeric or None)
        if args.json:
            print(dump_json(locus.to_dict()))
            return 0
    net, sp = locus.network, locus.spectrum
    V = net.functional_space
    print(f"linear network  widths {net.widths}  depth h = {net.depth}  bottleneck r = {net.bottleneck}  "
          f"parameters {net.num_params}  {'filling' if net.is_filling else 'non-filling'}")
    print(f"functional space  M_{V.rank} ⊂ R^{V.rows}x{V.cols}: dim {V.dim}, degree {_degree(V)}, "
          f"ED degree {format_count(V.ed_degree)}")
    print(f"loss  {loss.describe()}  ({'exact' if sp.exact else 'numeric'} path)")
    lam = ", ".join(f"{v:.6g}" for v in sp.floats[:12]) + (" ..." if sp.size > 12 else "")
    print(f"squared singular values  {lam}")
    if locus.is_degenerate:
        print("DEGENERATE target: repeated or zero singular values; strata marked * are positive-dimensional families")
    for w in caught:
        print(f"warning: {w.message}")
    print(f"critical strata: {format_count(locus.num_strata)}   global minimum value {locus.global_minimum_value}"
          f" ≈ {locus.global_minimum.value_float:.6g}")
    print()
    print(locus.table(max_rows=args.max_rows))
    return 0
