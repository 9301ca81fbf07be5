"""``linnet symmetry``: counts T and G (SGJ2021) and the connectivity of the zero-loss pieces."""

from __future__ import annotations

from ..checks import format_count
from ..exceptions import ProblemTooLargeError, WidthsError
from ._common import add_command, check_output_path, dump_json, image_suffixes, int_at_least

__all__ = ["register", "run"]


def register(subparsers):
    """Add the ``symmetry`` subcommand."""
    p = add_command(subparsers, "symmetry", run,
                    help="symmetry-induced critical subspaces of two-layer networks (SGJ2021)")
    p.add_argument("--teacher-width", type=int_at_least(1, "--teacher-width"), required=True,
                   help="minimal (teacher) width r*")
    p.add_argument("--width", type=int_at_least(1, "--width"), required=True, help="student width m >= r*")
    p.add_argument("--input-dim", type=int_at_least(1, "--input-dim"), default=2, help="input dimension d (default 2)")
    p.add_argument("--convention", choices=("group", "single"), default="group",
                   help="zero-type neurons as groups (default) or single neurons")
    p.add_argument("--method", choices=("linear_algebra", "combinatorial", "domain_matrix"), default="linear_algebra",
                   help="how edges are decided (default: exact linear algebra over QQ)")
    p.add_argument("--max-pieces", type=int_at_least(0, "--max-pieces"), default=5000,
                   help="build the graph only if T <= this (default 5000)")
    p.add_argument("--graph", metavar="PNG", help="draw the connectivity graph into this file")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args) -> int:
    """Closed forms T(r*, m) (group and single conventions), G(r, m), piece dimensions, and the exact
    intersection graph of the zero-loss pieces for an example teacher.
    """
    from ..families import symmetry as sym  # lazy: other subcommands do not import the family

    r, m, d = args.teacher_width, args.width, args.input_dim
    if d < 1:
        raise WidthsError(f"--input-dim must be >= 1; received {d}")
    if args.graph:
        check_output_path(args.graph, "--graph", suffixes=image_suffixes())  # before any work
    out = {
        "r_star": r, "m": m, "input_dim": d,
        "T_group": sym.T(r, m, "group"),
        "T_single": sym.T(r, m, "single"),
        "G": {str(k): sym.G(k, m) for k in range(1, r + 1)},
        "dimensions_group": {str(k): v for k, v in sym.T_by_dimension(r, m, d, convention="group").items()},
        "dimensions_single": {str(k): v for k, v in sym.T_by_dimension(r, m, d, convention="single").items()},
        "minima": sym.minima_count((r,)),
    }
    total = out["T_group"] if args.convention == "group" else out["T_single"]
    graph = None
    if total <= args.max_pieces:
        teacher = sym.example_teacher(r, d)
        graph = sym.connectivity_graph(teacher, m, args.convention, args.method, max_pieces=args.max_pieces)
        out["connectivity"] = sym.connectivity_summary(graph).to_dict()
        out["connectivity"]["dimensions"] = {str(k): v for k, v in out["connectivity"]["dimensions"].items()}
    else:
        out["connectivity"] = None
        if args.graph:
            raise ProblemTooLargeError(f"--graph needs the explicit graph but T={format_count(total)} pieces exceed "
                                       f"--max-pieces={args.max_pieces}")
    if args.graph and graph is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 7))
        sym.draw_connectivity_graph(graph, ax=ax)
        fig.savefig(args.graph, dpi=120, bbox_inches="tight")
        plt.close(fig)
        out["graph_file"] = args.graph
    if args.json:
        print(dump_json(out))
        return 0
    print(f"SGJ2021 two-layer network: teacher width r* = {r}, width m = {m} (h = {m - r}), input dim d = {d}")
    fc = format_count
    print(f"T(r*, m), group convention : {fc(out['T_group'])}")
    print(f"T(r*, m), single convention: {fc(out['T_single'])}")
    print("piece dimensions (group)   : " + ", ".join(f"dim {k}: {fc(v)}" for k, v in out["dimensions_group"].items()))
    print("piece dimensions (single)  : " + ", ".join(f"dim {k}: {fc(v)}" for k, v in out["dimensions_single"].items()))
    print("G(r, m) = r! S(m, r)       : " + ", ".join(f"r={k}: {fc(v)}" for k, v in out["G"].items()))
    print(f"permuted teacher minima    : {fc(out['minima'])}")
    c = out["connectivity"]
    if c is None:
        print(f"connectivity               : not computed (T = {fc(total)} > --max-pieces {args.max_pieces})")
    else:
        print(f"connectivity ({args.convention}, {args.method}): {c['pieces']} pieces, {c['edges']} edges, "
              f"{c['components']} component(s), {c['isolated']} isolated")
        print(f"permuted teacher points    : {c['permutations_found']}/{c['permutations']} found, "
              f"{'all connected' if c['permutations_connected'] else 'not all connected'}")
    if "graph_file" in out:
        print(f"graph drawn to {out['graph_file']}")
    return 0
