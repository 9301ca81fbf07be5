"""Connectivity of the zero-loss set: the intersection graph of its affine pieces (SGJ2021).

Edges are decided exactly, by two independent rules that the tests compare:
sparse elimination over QQ (or dense ``DomainMatrix`` ranks) and a combinatorial
rule on the blocks of the two pieces (connected components by networkx's
``UnionFind``).  :func:`permutation_graph` and :func:`connectivity_summary` ask
whether all ``r*!`` permuted teacher points lie in one component (THEORY.md §5).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import networkx as nx
from networkx.utils import UnionFind

from ...exceptions import ParseError, ProblemTooLargeError
from ...numeric.progress import progress_bar
from .counts import T
from .network import _teacher_values, permuted_teacher
from .pieces import global_minimum_subspaces
from .subspaces import _Echelon, _normalize, affine_subspaces_intersect

__all__ = ["connectivity_graph", "permutation_graph", "ConnectivitySummary", "connectivity_summary",
           "draw_connectivity_graph"]


def _meet_sparse(P, Q):
    """Exact intersection test of two rational pieces via sparse fraction-free elimination."""
    E = _Echelon(P._echelon.rows)
    added = 0
    for v in Q._structure[1]:
        if E.insert(dict(v)):
            added += 1
    # base points scaled by the common denominator of the teacher's entries: integer vectors,
    # and scaling p2 - p1 does not change membership in a linear span
    diff = dict(Q._base_ints)
    for k, x in P._base_ints.items():
        y = diff.get(k, 0) - x
        if y:
            diff[k] = y
        else:
            diff.pop(k, None)
    if not E.contains(_normalize(diff)):
        return False, None
    return True, P.dimension + Q.dimension - (P.dimension + added)


def _meet_combinatorial(P, Q):
    """Combinatorial intersection rule (proved in :func:`connectivity_graph`).

    Both parts of the rule live on the join of the two partitions of the neurons
    (networkx's ``UnionFind``): neurons linked by a common block of ``P`` or ``Q``
    must share their incoming vector, and the classes of the join are exactly the
    connected components of the bipartite graph blocks(P) -- neuron -- blocks(Q).
    """
    t = P.teacher
    m, d, c = P.m, t.input_dim, t.output_dim
    blocksP = list(P.teacher_blocks) + list(P.zero_groups)
    blocksQ = list(Q.teacher_blocks) + list(Q.zero_groups)
    join = UnionFind(range(m))
    for B in blocksP + blocksQ:
        if len(B) > 1:
            join.union(*B)
    roots = {join[j] for j in range(m)}
    Wrows, Arows, zero = _teacher_values(t)
    # incoming vectors: the teacher vectors forced on one class must agree
    forced = {}
    for piece in (P, Q):
        for i, B in enumerate(piece.teacher_blocks):
            if forced.setdefault(join[B[0]], Wrows[i]) != Wrows[i]:
                return False, None
    # outgoing weights: sum_{j in B} a_j = target of B is solvable iff every class balances
    balance = {}
    for piece, sign in ((P, 1), (Q, -1)):
        for i, B in enumerate(piece.teacher_blocks):
            root = join[B[0]]
            balance[root] = tuple(x + sign * y for x, y in zip(balance.get(root, zero), Arows[i]))
    if any(any(x != 0 for x in v) for v in balance.values()):
        return False, None
    dim_w = d * (len(roots) - len(forced))
    dim_a = c * (m - (len(blocksP) + len(blocksQ)) + len(roots))
    return True, dim_w + dim_a


def connectivity_graph(teacher, m, convention="group", method="linear_algebra", max_pieces=20000,
                       progress=None, require_assumptions=False):
    """Intersection graph of the affine pieces of the zero-loss set (SGJ2021).

    Edges are decided exactly: ``method="linear_algebra"`` tests
    ``p2 - p1 in span(D1) + span(D2)`` by fraction-free elimination over
    QQ on sparse integer vectors (``"domain_matrix"``: the same test with
    dense sympy ``DomainMatrix`` ranks, slower; used for non-rational
    teachers).  ``method="combinatorial"`` uses the rule: the pieces are
    products of an incoming-vector part and an outgoing-weight part, so they
    meet iff (i) in every class of neurons linked by a common block of either
    piece, all teacher incoming vectors forced by teacher blocks agree, and
    (ii) in every connected component of the bipartite graph blocks(P) --
    neuron -- blocks(Q), the target sums (``a*_i`` or 0) of P's and Q's
    blocks agree (the system ``sum_{j in B} a_j = c_B`` is an incidence
    system of a bipartite graph, solvable iff every component balances).  The
    tests check that both rules give the same edges and dimensions.

    Parameters
    ----------
    teacher : TwoLayerNetwork
        Exact irreducible teacher of width ``r*``.
    m : int
        Student width ``m >= r*``.
    convention : {"group", "single"}
    method : {"linear_algebra", "domain_matrix", "combinatorial"}
    max_pieces : int
        Raise :class:`ProblemTooLargeError` before any work if ``T(r*, m)`` exceeds it.
    progress : bool or None
        progress bar over the pairs (None: only on a terminal; see
        :func:`~linnet_geometry.numeric.progress.progress_bar`).

    Returns
    -------
    networkx.Graph
        Nodes ``0..T-1`` in enumeration order with attributes ``piece``
        (:class:`GlobalMinimumPiece`), ``partition`` (tuple of ``(label,
        block)``), ``dimension`` (int), ``zero_groups`` (int) and
        ``permutations`` (tuple of teacher permutations whose permuted
        teacher point lies on the piece, see :func:`permuted_teacher`).
        Edges join intersecting pieces; edge attribute
        ``intersection_dimension``.  Graph attributes ``r_star``, ``m``,
        ``input_dim``, ``convention``, ``method``, ``T``.

    Examples
    --------
    >>> from linnet_geometry.families.symmetry import example_teacher
    >>> g = connectivity_graph(example_teacher(2, 1), 3)
    >>> g.number_of_nodes(), g.number_of_edges(), nx.is_connected(g)
    (12, 12, True)
    """
    if method not in ("linear_algebra", "domain_matrix", "combinatorial"):
        raise ParseError(f"method: expected 'linear_algebra', 'domain_matrix' or 'combinatorial'; received {method!r}")
    pieces_iter = global_minimum_subspaces(teacher, m, convention, require_assumptions)
    total = T(teacher.width, m, convention)
    if total > max_pieces:
        raise ProblemTooLargeError(f"the zero-loss set at width m={m} has T={total} pieces; expected at most "
                                   f"max_pieces={max_pieces} for an explicit graph")
    pieces = list(pieces_iter)
    r = teacher.width
    graph = nx.Graph(r_star=r, m=m, input_dim=teacher.input_dim, convention=convention, method=method, T=total)
    perms = list(itertools.permutations(range(r)))
    points = [permuted_teacher(teacher, m, p) for p in perms]
    for idx, P in enumerate(pieces):
        graph.add_node(idx, piece=P, partition=P.partition, dimension=P.dimension, zero_groups=P.n_zero_groups,
                       permutations=tuple(p for p, pt in zip(perms, points) if P.contains(pt)))
    rational = all(P._rational for P in pieces)
    if method == "linear_algebra" and not rational:
        method = "domain_matrix"  # non-rational (e.g. algebraic) teacher: dense ranks over its exact field
        graph.graph["method"] = method
    meet = {"linear_algebra": _meet_sparse, "combinatorial": _meet_combinatorial,
            "domain_matrix": lambda P, Q: affine_subspaces_intersect(P.base_point, P.directions, Q.base_point, Q.directions)}[method]
    n = len(pieces)
    with progress_bar(n * (n - 1) // 2, f"intersections ({method})", progress) as bar:
        for i in range(n):
            for j in range(i + 1, n):
                ok, dim = meet(pieces[i], pieces[j])
                if ok:
                    graph.add_edge(i, j, intersection_dimension=dim)
            bar.update(n - i - 1)
    return graph


def permutation_graph(graph) -> nx.Graph:
    """Quotient graph on the ``r*!`` permuted teacher points.

    Two permutations are adjacent when a path of intersecting pieces joins a
    piece containing one to a piece containing the other.

    Returns
    -------
    networkx.Graph
        Nodes: permutations (tuples) with attributes ``pieces`` (node ids of
        ``graph`` containing the point) and ``component`` (index of the
        connected component of ``graph``).  Edge attribute ``path_length``:
        the fewest piece-graph edges between the two points' pieces.

    Examples
    --------
    >>> from linnet_geometry.families.symmetry import example_teacher
    >>> q = permutation_graph(connectivity_graph(example_teacher(2, 1), 3))
    >>> sorted(q.nodes), q.number_of_edges()
    ([(0, 1), (1, 0)], 1)
    """
    r = graph.graph["r_star"]
    perms = list(itertools.permutations(range(r)))
    holders = {p: [] for p in perms}
    for node, data in graph.nodes(data=True):
        for p in data["permutations"]:
            holders[p].append(node)
    comp_of = {}
    for ci, comp in enumerate(sorted(nx.connected_components(graph), key=min)):
        for node in comp:
            comp_of[node] = ci
    q = nx.Graph(r_star=r, m=graph.graph["m"])
    for p in perms:
        q.add_node(p, pieces=tuple(holders[p]), component=comp_of[holders[p][0]] if holders[p] else None)
    for a_idx, p in enumerate(perms):
        if not holders[p]:
            continue
        dist = nx.multi_source_dijkstra_path_length(graph, holders[p], weight=None)
        for p2 in perms[a_idx + 1:]:
            ds = [dist[n] for n in holders[p2] if n in dist]
            if ds:
                q.add_edge(p, p2, path_length=min(ds))
    return q


@dataclass(frozen=True)
class ConnectivitySummary:
    """Connectivity facts of a zero-loss intersection graph (from :func:`connectivity_summary`).

    Examples
    --------
    >>> from linnet_geometry.families.symmetry import example_teacher
    >>> summary = connectivity_summary(connectivity_graph(example_teacher(2, 1), 3))
    >>> summary.pieces, summary.edges, summary.components, summary.permutations_connected
    (12, 12, 1, True)
    >>> summary.dimensions
    {1: 12}
    """

    r_star: int
    m: int
    convention: str
    pieces: int
    edges: int
    components: int
    isolated: int
    permutations: int
    permutations_found: int
    permutations_connected: bool
    dimensions: dict = field(default_factory=dict)

    def to_dict(self):
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.__dict__.items()}


def connectivity_summary(graph) -> ConnectivitySummary:
    """Counts of pieces, edges, components, and whether all permuted teacher points are connected.

    Examples
    --------
    >>> from linnet_geometry.families.symmetry import example_teacher
    >>> connectivity_summary(connectivity_graph(example_teacher(3, 1), 3)).isolated
    6
    """
    q = permutation_graph(graph)
    found = [p for p, d in q.nodes(data=True) if d["pieces"]]
    comps = {q.nodes[p]["component"] for p in found}
    dims = {}
    for _, d in graph.nodes(data=True):
        dims[d["dimension"]] = dims.get(d["dimension"], 0) + 1
    return ConnectivitySummary(
        r_star=graph.graph["r_star"], m=graph.graph["m"], convention=graph.graph["convention"],
        pieces=graph.number_of_nodes(), edges=graph.number_of_edges(),
        components=nx.number_connected_components(graph), isolated=nx.number_of_isolates(graph),
        permutations=q.number_of_nodes(), permutations_found=len(found),
        permutations_connected=len(found) == q.number_of_nodes() and len(comps) == 1,
        dimensions=dict(sorted(dims.items())))


def draw_connectivity_graph(graph, ax=None):
    """Draw the graph (colour = piece dimension, squares = pieces holding a permuted teacher point).

    Returns the matplotlib axes.

    Examples
    --------
    >>> from linnet_geometry.families.symmetry import example_teacher
    >>> from matplotlib.figure import Figure
    >>> graph = connectivity_graph(example_teacher(2, 1), 3)
    >>> ax = Figure().add_subplot()
    >>> draw_connectivity_graph(graph, ax=ax) is ax
    True
    >>> len(ax.collections) > 0  # the nodes were drawn
    True
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 7))
    pos = nx.kamada_kawai_layout(graph) if 0 < graph.number_of_nodes() <= 400 else nx.spring_layout(graph, seed=0)
    dims = [graph.nodes[n]["dimension"] for n in graph.nodes]
    holders = [n for n in graph.nodes if graph.nodes[n]["permutations"]]
    others = [n for n in graph.nodes if not graph.nodes[n]["permutations"]]
    nx.draw_networkx_edges(graph, pos, ax=ax, alpha=0.4)
    vmin, vmax = (min(dims), max(dims)) if dims else (0, 1)
    for nodes, shape in ((others, "o"), (holders, "s")):
        if nodes:
            nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_shape=shape, ax=ax, node_size=60,
                                   node_color=[graph.nodes[n]["dimension"] for n in nodes],
                                   cmap="viridis", vmin=vmin, vmax=vmax)
    g = graph.graph
    ax.set_title(f"zero-loss pieces, r*={g['r_star']}, m={g['m']} ({g['convention']}): "
                 f"{graph.number_of_nodes()} pieces, {nx.number_connected_components(graph)} component(s)")
    ax.set_axis_off()
    return ax


