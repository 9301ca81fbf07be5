"""``linnet conv``: every critical point of a loss on a linear convolutional network (KMMT2022, KMST2024)."""

from __future__ import annotations

from ..exceptions import ParseError
from ._common import add_command, dump_json, parse_ints, read_matrix

__all__ = ["register", "run"]


def _ints(text, name):
    return parse_ints(text, name, example="2,2")


def register(sub):
    p = add_command(sub, "conv", run, help="critical points of a loss on a linear convolutional network")
    p.add_argument("--filters", required=True, help="filter sizes k_1,...,k_L (input first), e.g. 2,2")
    p.add_argument("--strides", default=None, help="strides s_1,...,s_L (default all 1)")
    p.add_argument("--input-length", type=int, default=None, help="input length (default: one output)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--target", default=None, help="target end-to-end matrix, e.g. '1 0 1' (exact numbers)")
    src.add_argument("--data", nargs=2, metavar=("X", "Y"), default=None,
                     help="least squares ||T(w̄) X - Y||^2 on data files (.csv/.npy, exact numbers)")
    p.add_argument("--engine", default="auto", choices=("auto", "msolve", "singular", "macaulay2", "sympy"),
                   help="polynomial-system engine (default auto)")
    p.add_argument("--json", action="store_true", help="print JSON")


def run(args):
    """Compute every critical point of L = ℓ ∘ μ on a 1-D linear convolutional network up to the scaling
    symmetry, exactly: value, pure/spurious, role, boundary, repeated filters (KMMT2022, KMST2024). Without
    --target/--data the target is 1 + t^(k̄-1).
    """
    from ..families.convolutional import ConvolutionalNetwork, convolutional_critical_points
    from ..model.losses import QuadraticLoss

    filters = _ints(args.filters, "--filters")
    strides = None if args.strides is None else _ints(args.strides, "--strides")
    net = ConvolutionalNetwork(filters, strides, args.input_length)
    if args.data is not None:
        X = read_matrix(args.data[0], "X", exact=True)
        Y = read_matrix(args.data[1], "Y", exact=True)
        loss = QuadraticLoss.from_data(X, Y)
    elif args.target is not None:
        loss = QuadraticLoss(read_matrix(args.target, "--target", exact=True))
    else:
        if net.output_length != 1:
            raise ParseError("--target or --data is required when the input length gives more than one output")
        k = net.end_to_end_filter_size
        loss = QuadraticLoss([[1] + [0] * (k - 2) + [1]] if k > 1 else [[1]])
    locus = convolutional_critical_points(net, loss, engine=args.engine)
    if args.json:
        print(dump_json(locus.to_dict()))
        return 0
    M = net.function_space
    print(f"convolutional network  filters {tuple(net.filter_sizes)}  strides {tuple(net.strides)}  "
          f"input length {net.input_length}  end-to-end filter size {net.end_to_end_filter_size}")
    print(f"function space  dim {M.dim} in R^{M.ambient_dim}  {'filling' if M.is_filling else 'non-filling'}  "
          f"{'closed' if M.is_closed else 'not closed'}")
    how = "root-sharing patterns" if locus.method == "strata" else "charts"
    print(f"loss  {loss.describe()}   engine {locus.engine}   {locus.charts} systems ({how})   complex critical "
          f"points (all filters non-zero, mod scaling) {locus.complex_count}")
    for label, chart, n in locus.strata:
        print(f"  {n:>5} complex points: {label}" + (f"  (chart {chart})" if any(chart) else ""))
    print(f"real critical points mod scaling: {len(locus.points)}   families: {len(locus.families)}")
    print()
    print(locus.table())
    return 0
