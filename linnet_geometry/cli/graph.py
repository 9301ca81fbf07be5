"""``linnet graph``: the graph of critical strata and descent moves (printed, drawn or exported)."""

from __future__ import annotations

import sys
import warnings

from ..critical import critical_locus
from ..report.graph import critical_graph, support_label, write_graph
from ._common import add_command, check_output_path, int_at_least
from .analyze import add_problem_arguments, build_problem

__all__ = ["register", "run", "summary"]


def register(sub):
    p = add_command(sub, "graph", run, help="graph of critical strata and descent moves (swap / grow)")
    add_problem_arguments(p)
    p.add_argument("-o", "--output", default=None, help="output file; the format is chosen by its suffix")
    p.add_argument("--max-nodes", type=int_at_least(1, "--max-nodes"), default=20_000,
                   help="refuse loci with more strata (default 20000)")


def summary(G) -> str:
    """Readable text listing of a critical graph: header, nodes by value, edges."""
    gr = G.graph
    lines = [f"critical graph  widths {gr['widths']}  r = {gr['bottleneck']}  "
             f"{G.number_of_nodes()} strata  {G.number_of_edges()} descent moves"
             + ("  (degenerate target: * marks families)" if gr["is_degenerate"] else ""),
             f"global minimum (unique sink): {support_label(gr['global_minimum'])}", "",
             f"{'stratum':<14}{'value':>12}  {'kind':<9}{'role':<15}{'index':>6}  moves"]
    for n, d in sorted(G.nodes(data=True), key=lambda nd: -nd[1]["value_float"]):
        moves = []
        for _, v, e in G.out_edges(n, data=True):
            mv = f"swap {e['i']}->{e['j']}" if e["move"] == "swap" else f"grow +{e['j']}"
            moves.append(f"{mv} to {support_label(v)} (-{e['decrease_float']:.4g})")
        lines.append(f"{d['label']:<14}{d['value_float']:>12.6g}  {d['kind']:<9}{d['role']:<15}"
                     f"{d['function_space_index']:>6}  " + ("; ".join(moves) if moves else "(sink)"))
    return "\n".join(lines)


def run(args):
    """Build the directed graph whose nodes are the critical strata of L = ℓ ∘ μ_d (quadratic loss) and whose
    edges are descent moves. Without -o it prints the nodes and edges; -o writes by suffix: .png/.pdf/.svg
    (drawing), .graphml, .json (node-link), .dot.
    """
    if args.output is not None:
        check_output_path(args.output, "-o")  # before any work; the suffix is checked by write_graph
    network, loss = build_problem(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        locus = critical_locus(network, loss, numeric=args.numeric or None)
    for w in caught:  # e.g. numeric ties: the nodes are families
        print(f"warning: {w.message}", file=sys.stderr)
    G = critical_graph(locus, max_nodes=args.max_nodes)
    if args.output is None:
        print(summary(G))
        return 0
    path = write_graph(G, args.output)
    print(f"wrote {path} ({G.number_of_nodes()} strata, {G.number_of_edges()} descent moves)")
    return 0
