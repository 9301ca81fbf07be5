"""The Eckart–Young landscape of a non-filling linear network as a graph of critical strata.

For ``d = (4, 2, 4)`` (bottleneck ``r = 2 < 4``: non-filling) and the quadratic
loss ``ℓ(W) = ‖W − U‖²`` with a fixed integer target, the critical strata of
``L = ℓ ∘ μ_d`` are the supports ``S ⊆ {1..4}``, ``|S| ≤ 2`` (TKB2020, EY1936):
1 + 4 + 6 = 11 strata, the 6 of rank 2 pure and the 5 of rank < 2 spurious.
The graph's edges are the descent moves *swap* (exchange ``i ∈ S`` for ``j ∉ S``
with ``λ_j > λ_i``) and *grow* (add ``j`` while ``|S| < r``).

The example prints and writes the locus table, checks the graph's
properties (acyclic, unique sink = global minimum, swap moves = function-space
index at rank r, every spurious stratum can grow), draws the graph layered
by loss value, and repeats the drawing for a degenerate target whose tied
singular values turn strata into Grassmannian families.

Writes into ``--out`` (default ``./out``): ``critical_graph.txt``,
``critical_graph.png``, ``critical_graph_degenerate.png``,
``critical_graph.graphml``, ``critical_graph.json``, ``critical_graph.dot``.

Run: ``python examples/critical_graph_example.py --out out``
"""

from __future__ import annotations

import argparse
import os

import networkx as nx

from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
from linnet_geometry.report.graph import critical_graph, draw_critical_graph, write_dot, write_graphml, write_node_link_json

TARGET = [[6, 1, 0, 0], [1, 4, 1, 0], [0, 1, 3, 1], [0, 0, 1, 1]]
DEGENERATE_TARGET = [[3, 0, 0, 0], [0, 3, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]


def check(G, locus):
    """The properties THEORY §3 predicts; returns the report lines (raises AssertionError if one fails)."""
    sink = locus.global_minimum.support
    assert nx.is_directed_acyclic_graph(G)
    assert all(G.nodes[u]["value_float"] > G.nodes[v]["value_float"] for u, v in G.edges)
    assert [n for n in G if G.out_degree(n) == 0] == [sink]
    assert nx.ancestors(G, sink) | {sink} == set(G)
    r = locus.network.bottleneck
    for n, d in G.nodes(data=True):
        swaps = [e for _, _, e in G.out_edges(n, data=True) if e["move"] == "swap"]
        if d["rank"] == r:
            assert sum(e["multiplicity"] for e in swaps) == d["function_space_index"]
        if d["kind"] == "spurious":
            assert any(e["move"] == "grow" for _, _, e in G.out_edges(n, data=True))
    return [f"acyclic, every edge lowers L: yes ({G.number_of_edges()} edges)",
            f"unique sink = global minimum S = {set(sink) or '{}'}, reached from all {G.number_of_nodes()} strata: yes",
            f"swap moves out of each rank-{r} stratum = its function-space Morse index: yes",
            "every spurious stratum has a grow move: yes"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="output directory (default ./out)")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    net = LinearNetwork((4, 2, 4))
    locus = critical_locus(net, QuadraticLoss(TARGET))
    G = critical_graph(locus)
    lines = [f"widths {net.widths}, r = {net.bottleneck}, {'filling' if net.is_filling else 'non-filling'}",
             "squared singular values: " + ", ".join(f"{x:.6g}" for x in locus.spectrum.floats), "",
             locus.table(), ""] + check(G, locus)
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(args.out, "critical_graph.txt"), "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    draw_critical_graph(G, os.path.join(args.out, "critical_graph.png"),
                        title=f"Eckart-Young landscape, widths {net.widths} (non-filling): critical strata and "
                              "descent moves")
    write_graphml(G, os.path.join(args.out, "critical_graph.graphml"))
    write_node_link_json(G, os.path.join(args.out, "critical_graph.json"))
    write_dot(G, os.path.join(args.out, "critical_graph.dot"))

    deg = critical_locus(LinearNetwork((4, 3, 4)), QuadraticLoss(DEGENERATE_TARGET))
    H = critical_graph(deg)
    check(H, deg)
    draw_critical_graph(H, os.path.join(args.out, "critical_graph_degenerate.png"),
                        title="degenerate target diag(3, 3, 1, 1), widths (4, 3, 4): families (ringed)")
    print(f"\ndegenerate target: {H.number_of_nodes()} families/strata, {H.number_of_edges()} moves "
          f"({sum(1 for _, d in H.nodes(data=True) if d['is_family'])} positive-dimensional)")
    print(f"wrote critical_graph.{{txt,png,graphml,json,dot}} and critical_graph_degenerate.png to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
