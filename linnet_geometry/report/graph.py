"""The graph of critical subspaces of a quadratic loss on a linear network (THEORY §2–3).

For ``ℓ(W) = ‖W − U‖²`` (or its data form) the critical strata of
``L = ℓ ∘ μ_d`` are indexed by supports ``S ⊆ {1..ρ}``, ``|S| ≤ r`` (TKB2020,
ZL2018, K2016, BH1989), with value ``c + Σ_{j∉S} λ_j`` where ``λ_j = σ_j²``.
Two kinds of *descent moves* connect a stratum to a lower one:

* **swap** ``(i, j)``: replace ``i ∈ S`` by ``j ∉ S`` with ``λ_j > λ_i``; the
  value drops by ``λ_j − λ_i``.  For ``|S| = r`` these are the negative
  directions of the function-space Morse index ``#{(i, j): i ∈ S, j ∉ S,
  λ_j > λ_i}`` (EY1936; DHOST2016).
* **grow** ``j``: add ``j ∉ S`` (``λ_j > 0``) when ``|S| < min(r, ρ)``; the
  value drops by ``λ_j``.  This is the descent direction of a spurious
  stratum (TKB2020): ``ℓ(U_S + t U_j) = ℓ(U_S) − (2t − t²) λ_j``.  At a
  non-strict saddle (two or more hidden layers) it is a higher-order
  direction: growing a rank-one path through every layer changes ``μ`` only
  at order ``t^h`` (AMG2024).

Degenerate targets (tie blocks of equal nonzero ``λ``, zero singular values)
give families (products of Grassmannians); a node is a family, keyed by its
canonical support (the first ``k_a`` indices of each tie block ``a``).  The
moves between families are then

* swap from block ``a`` to block ``b`` only when ``λ_b > λ_a`` *strictly*
  (an exchange inside one block, or between equal values, stays inside the
  family: it is a motion along the Grassmannian, not a descent), it needs
  ``k_a ≥ 1`` and free capacity ``k_b < n_b`` in block ``b``; the edge carries
  ``multiplicity = k_a (n_b − k_b)``, the number of index pairs ``(i, j)`` it
  stands for, so the multiplicities of the swaps out of a rank-``r`` family
  add up to its Morse–Bott index;
* grow from block ``b`` when ``k_b < n_b`` and ``|S| < min(r, ρ)``
  (multiplicity ``n_b − k_b``);
* zero singular values are never chosen (``U_S`` only uses nonzero ones).

Every move strictly lowers the value, so the graph is acyclic; every stratum
except the global minimum has an outgoing move (a grow while ``|S| < min(r,
ρ)``, else a swap because a non-top set has a pair ``λ_j > λ_i``), so the
global minimum is the unique sink and is reached from every node.

Exports: :func:`write_graphml`, :func:`node_link_data` /
:func:`write_node_link_json`, :func:`to_dot` / :func:`write_dot`,
:func:`write_graph` (by suffix) and :func:`draw_critical_graph`.
"""

from __future__ import annotations

import json
import math
import os
from collections import defaultdict

import networkx as nx
import numpy as np
import sympy

from ..exceptions import InputTypeError, ParseError, ProblemTooLargeError

__all__ = [
    "critical_graph",
    "draw_critical_graph",
    "node_link_data",
    "write_node_link_json",
    "write_graphml",
    "to_dot",
    "write_dot",
    "write_graph",
    "support_label",
    "MAX_GRAPH_NODES",
    "KIND_COLORS",
    "ROLE_MARKERS",
]

#: Largest number of strata for which :func:`critical_graph` builds a graph.
MAX_GRAPH_NODES = 20_000

#: Colours of the drawing (and of the DOT export) by kind.
#:
#: Examples
#: --------
#: >>> KIND_COLORS["pure"], KIND_COLORS["spurious"]
#: ('#1f77b4', '#d62728')
KIND_COLORS = {"pure": "#1f77b4", "spurious": "#d62728"}
#: Matplotlib marker (and DOT shape) by role.
#:
#: Examples
#: --------
#: >>> marker, shape = ROLE_MARKERS["global_min"]
#: >>> marker, shape
#: ('*', 'star')
ROLE_MARKERS = {"global_min": ("*", "star"), "strict_saddle": ("o", "ellipse"), "saddle": ("D", "diamond")}


def support_label(support) -> str:
    """``"{1,3}"`` for the support ``(1, 3)``; ``"{}"`` for the empty support.

    Examples
    --------
    >>> support_label((1, 3)), support_label(())
    ('{1,3}', '{}')
    """
    return "{" + ",".join(str(i) for i in support) + "}"


def _choice(blocks, support):
    chosen = set(support)
    return tuple(sum(1 for i in b if i in chosen) for b in blocks)


def _support_of(blocks, choice):
    return tuple(i for b, k in zip(blocks, choice) for i in b[:k])


def critical_graph(locus, max_nodes: int = MAX_GRAPH_NODES):
    """The directed graph of critical strata and descent moves (THEORY §3).

    Parameters
    ----------
    locus : CriticalLocus
        From :func:`~linnet_geometry.critical.critical_locus` (quadratic loss).
    max_nodes : int
        Refuse (:class:`~linnet_geometry.exceptions.ProblemTooLargeError`)
        loci with more strata than this, before any work starts.

    Returns
    -------
    G : networkx.DiGraph
        One node per critical stratum (per family for degenerate data), keyed
        by its support: the sorted tuple of 1-based indices of the chosen
        singular values (for a family, the canonical member: the first
        ``k_a`` indices of each tie block).  An edge ``S → S'`` for every
        descent move.

        Node attributes:

        ``support`` : tuple of int
            The key again.
        ``label`` : str
            ``"{1,3}"``; families get a trailing ``"*"``.
        ``rank`` : int
            ``|S| = rk U_S``.
        ``value`` : sympy number (float for numeric data)
            Exact critical value ``c + Σ_{j∉S} λ_j``.
        ``value_float`` : float
            ``float(value)``.
        ``kind`` : str
            ``"pure"`` or ``"spurious"`` (TKB2020).
        ``role`` : str
            ``"global_min"``, ``"strict_saddle"`` or ``"saddle"`` (strictness
            depends on the point; see ``role_note``).
        ``role_note`` : str
            Why strictness depends on the point (empty when it does not).
        ``function_space_index`` : int
            ``#{(i, j): i ∈ S, j ∉ S, λ_j > λ_i}`` (Morse–Bott index for families).
        ``dimension`` : int or None
            Dimension of the stratum in parameter space (``None``: not
            computed, two or more hidden layers and spurious).
        ``family_dimension`` : int
            ``Σ_a k_a (n_a − k_a)``; 0 for isolated function-space points.
        ``is_family`` : bool
            ``family_dimension > 0``.
        ``block_counts`` : tuple of int
            ``k_a``, the number of chosen indices in each tie block.

        Edge attributes:

        ``move`` : str
            ``"swap"`` or ``"grow"``.
        ``i`` : int or None
            The index removed by a swap (the last chosen index of its block);
            ``None`` for a grow.
        ``j`` : int
            The index added (the first unchosen index of its block).
        ``decrease`` : sympy number (float for numeric data)
            Exact loss decrease ``λ_j − λ_i`` (swap) or ``λ_j`` (grow); it
            equals ``value(S) − value(S')``.
        ``decrease_float`` : float
            ``float(decrease)``.
        ``multiplicity`` : int
            Number of index pairs the move stands for: 1 for generic data,
            ``k_a (n_b − k_b)`` for a swap and ``n_b − k_b`` for a grow between
            families.

        Graph attributes:

        ``name`` : str
            A readable name of the graph.
        ``widths`` : tuple of int
            ``(d_0, …, d_h)``.
        ``depth``, ``bottleneck`` : int
            ``h`` and ``r``.
        ``is_filling`` : bool
            Whether the architecture is filling.
        ``squared_singular_values`` : tuple
            Exact ``λ_1 ≥ … ≥ λ_m`` (floats for numeric data).
        ``singular_values_float`` : tuple of float
            ``σ_i``.
        ``tie_blocks`` : tuple of tuple of int
            Indices of equal nonzero ``λ``.
        ``target_rank`` : int
            ``ρ``.
        ``is_degenerate`` : bool
            Whether the target has repeated or zero singular values.
        ``exact`` : bool
            Whether values are exact (sympy) or floats.
        ``loss`` : str
            ``loss.describe()``.
        ``global_minimum`` : tuple of int
            Key of the unique sink.

    Notes
    -----
    For degenerate targets a node is a family and the moves are those
    between families described in the module docstring: a swap only towards
    a block of strictly larger ``λ`` with free capacity, a grow from any
    block with free capacity; exchanges inside a tie block move along the
    family and are not edges.  Every edge lowers the value, the global
    minimum is the only sink (TKB2020, EY1936).

    Raises
    ------
    InputTypeError
        If ``locus`` is not a :class:`~linnet_geometry.critical.CriticalLocus`.
    ProblemTooLargeError
        If the locus has more than ``max_nodes`` strata.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> locus = critical_locus(LinearNetwork((3, 2, 3)), QuadraticLoss([[3, 0, 0], [0, 2, 0], [0, 0, 1]]))
    >>> G = critical_graph(locus)
    >>> G.number_of_nodes(), G.number_of_edges()
    (7, 15)
    >>> G.nodes[(1, 3)]["value"], G.nodes[(1, 3)]["function_space_index"]
    (4, 1)
    >>> sorted((v, d["move"], d["decrease"]) for _, v, d in G.out_edges((1, 3), data=True))
    [((1, 2), 'swap', 3)]
    >>> [n for n in G if G.out_degree(n) == 0] == [G.graph["global_minimum"]]
    True
    """
    from ..critical.locus import CriticalLocus

    if type(locus).__name__ == "ConvolutionalCriticalLocus":  # convolutional networks (KMMT2022)
        from ..families.convolutional.report import convolutional_critical_graph
        return convolutional_critical_graph(locus, max_nodes)
    if not isinstance(locus, CriticalLocus):
        raise InputTypeError(f"critical_graph expects a CriticalLocus (from critical_locus); "
                             f"received {type(locus).__name__}")
    if isinstance(max_nodes, (bool, np.bool_)) or not isinstance(max_nodes, (int, np.integer)):
        raise InputTypeError(f"max_nodes: expected a positive int; received {max_nodes!r} of type "
                             f"{type(max_nodes).__name__}")
    n_strata = locus.num_strata
    if n_strata > max_nodes:
        raise ProblemTooLargeError(f"the locus has {n_strata} strata; expected at most max_nodes={max_nodes} "
                                   "for a graph")
    net, sp = locus.network, locus.spectrum
    blocks = tuple(sp.blocks)
    sizes = [len(b) for b in blocks]
    lam = tuple(sp.eigenvalues)
    lam_f = tuple(sp.floats)
    top = 0 if net.depth == 1 else min(net.bottleneck, sp.rank)
    G = nx.DiGraph()
    G.graph.update(
        name=f"critical graph of widths {net.widths}",
        widths=tuple(net.widths), depth=net.depth, bottleneck=net.bottleneck, is_filling=net.is_filling,
        squared_singular_values=lam, singular_values_float=tuple(math.sqrt(max(x, 0.0)) for x in lam_f),
        tie_blocks=blocks, target_rank=sp.rank, is_degenerate=locus.is_degenerate, exact=sp.exact,
        loss=locus.loss.describe(), global_minimum=tuple(locus.global_minimum.support))
    for st in locus.strata:
        G.add_node(st.support, support=st.support, label=support_label(st.support) + ("*" if st.is_family else ""),
                   rank=st.rank, value=st.value, value_float=st.value_float, kind=st.kind, role=st.role,
                   role_note=st.role_note, function_space_index=st.function_space_index, dimension=st.dimension,
                   family_dimension=st.family_dimension, is_family=st.is_family,
                   block_counts=_choice(blocks, st.support))
    if net.depth == 1:
        return G  # without hidden layers U itself is the only critical point
    for S in list(G.nodes):
        k = G.nodes[S]["block_counts"]
        size = sum(k)
        for b, (nb, kb) in enumerate(zip(sizes, k)):
            if kb == nb:
                continue  # no free index in block b
            j = blocks[b][kb]
            # swaps: i from a block a of strictly smaller λ (a > b), j from block b
            for a in range(b + 1, len(blocks)):
                if k[a] == 0:
                    continue
                i = blocks[a][k[a] - 1]
                new = list(k)
                new[a] -= 1
                new[b] += 1
                T = _support_of(blocks, new)
                _add_edge(G, S, T, "swap", i, j, lam[j - 1] - lam[i - 1], lam_f[j - 1] - lam_f[i - 1],
                          k[a] * (nb - kb))
            if size < top:
                new = list(k)
                new[b] += 1
                T = _support_of(blocks, new)
                _add_edge(G, S, T, "grow", None, j, lam[j - 1], lam_f[j - 1], nb - kb)
    return G


def _add_edge(G, S, T, move, i, j, dec, dec_f, mult):
    if T not in G:  # pragma: no cover - the locus enumerates every support
        raise AssertionError(f"move {move} from {S} reaches {T}, which is not a stratum")
    G.add_edge(S, T, move=move, i=i, j=j, decrease=dec, decrease_float=float(dec_f), multiplicity=mult)


# -- export -------------------------------------------------------------------------------------------

def _plain(value):
    """A GraphML/JSON-safe scalar: exact numbers and tuples become strings, None becomes ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, str)):
        return value
    if isinstance(value, sympy.Basic):
        return int(value) if value.is_Integer else str(value)
    if isinstance(value, tuple):
        return ",".join(str(_plain(v)) if not isinstance(v, tuple) else "(" + ",".join(map(str, v)) + ")"
                        for v in value)
    try:  # numpy scalars
        return value.item()
    except AttributeError:
        return str(value)


def _node_id(support) -> str:
    return support_label(support)


def _json_value(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, sympy.Basic):
        return int(value) if value.is_Integer else str(value)
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    try:
        return value.item()
    except AttributeError:
        return str(value)


def node_link_data(G) -> dict:
    """JSON-ready node-link form of a critical graph (networkx's layout, key ``"edges"``).

    Exact numbers become strings (``"45 - CRootOf(...)"``; integers stay
    integers), supports become lists, ``None`` stays ``null``; node ``id`` is
    the support label ``"{1,3}"``.  Read it back with
    ``networkx.node_link_graph(data, edges="edges")``.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> G = critical_graph(critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]])))
    >>> d = node_link_data(G)
    >>> [n["id"] for n in d["nodes"]], [(e["source"], e["target"], e["move"]) for e in d["edges"]]
    (['{}', '{1}', '{2}'], [('{}', '{1}', 'grow'), ('{}', '{2}', 'grow'), ('{2}', '{1}', 'swap')])
    """
    return {
        "directed": True, "multigraph": False,
        "graph": {k: _json_value(v) for k, v in G.graph.items()},
        "nodes": [{"id": _node_id(n), **{k: _json_value(v) for k, v in d.items()}} for n, d in G.nodes(data=True)],
        "edges": [{"source": _node_id(u), "target": _node_id(v), **{k: _json_value(x) for k, x in d.items()}}
                  for u, v, d in G.edges(data=True)],
    }


def write_node_link_json(G, path) -> str:
    """Write :func:`node_link_data` as JSON to ``path``; return the path.

    Examples
    --------
    >>> import json, os, tempfile
    >>> import networkx as nx
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> G = critical_graph(critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]])))
    >>> tmp = tempfile.TemporaryDirectory()  # removed when garbage-collected
    >>> path = write_node_link_json(G, os.path.join(tmp.name, "graph.json"))
    >>> with open(path, encoding="utf-8") as fh:
    ...     data = json.load(fh)
    >>> [(n["id"], n["value"]) for n in data["nodes"]]
    [('{}', 5), ('{1}', 1), ('{2}', 4)]
    >>> nx.node_link_graph(data, edges="edges").number_of_edges()
    3
    """
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(node_link_data(G), fh, indent=2)
    return str(path)


def _stringified(G):
    H = nx.DiGraph()
    H.graph.update({k: _plain(v) for k, v in G.graph.items()})
    for n, d in G.nodes(data=True):
        H.add_node(_node_id(n), **{k: _plain(v) for k, v in d.items()})
    for u, v, d in G.edges(data=True):
        H.add_edge(_node_id(u), _node_id(v), **{k: _plain(x) for k, x in d.items()})
    return H


def write_graphml(G, path) -> str:
    """Write a critical graph as GraphML; return the path.

    GraphML stores only strings, numbers and booleans: exact values are
    written as strings (``value``; ``value_float`` keeps the number), tuples
    as comma-separated strings, ``None`` (``i`` of a grow, an uncomputed
    ``dimension``) as the empty string.  Node ids are support labels ``"{1,3}"``.

    Examples
    --------
    >>> import os, tempfile
    >>> import networkx as nx
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> G = critical_graph(critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]])))
    >>> tmp = tempfile.TemporaryDirectory()  # removed when garbage-collected
    >>> H = nx.read_graphml(write_graphml(G, os.path.join(tmp.name, "graph.graphml")))
    >>> sorted(H.nodes)
    ['{1}', '{2}', '{}']
    >>> H.nodes["{1}"]["role"], H.nodes["{1}"]["block_counts"]
    ('global_min', '1,0')
    """
    nx.write_graphml(_stringified(G), path)
    return str(path)


def _dot_quote(text) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(G) -> str:
    """Graphviz DOT text of a critical graph (written directly, no pydot needed).

    Nodes: label = support and value, colour by kind, shape by role; edges:
    solid swaps, dashed grows, labelled with the move and the decrease.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> G = critical_graph(critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]])))
    >>> print(to_dot(G).splitlines()[0])
    digraph "critical graph of widths (2, 1, 2)" {
    >>> '"{2}" -> "{1}" [label="swap 2->1\\\\n-3", style=solid];' in to_dot(G)
    True
    """
    lines = [f"digraph {_dot_quote(G.graph.get('name', 'critical_graph'))} {{", "  rankdir=TB;",
             '  node [style=filled, fontcolor=white, fontname="Helvetica"];']
    for key, val in G.graph.items():
        if key != "name":
            lines.append(f"  // {key} = {_plain(val)}".replace("\n", " "))
    for n, d in G.nodes(data=True):
        label = f"{d['label']}\nL = {d['value']}\n{d['kind']}, {d['role']}"
        shape = ROLE_MARKERS.get(d["role"], ("o", "ellipse"))[1]
        color = KIND_COLORS.get(d["kind"], "#7f7f7f")
        lines.append(f"  {_dot_quote(_node_id(n))} [label={_dot_quote(label)}, shape={shape}, "
                     f"fillcolor={_dot_quote(color)}, value_float={d['value_float']!r}];")
    for u, v, d in G.edges(data=True):
        mv = f"swap {d['i']}->{d['j']}" if d["move"] == "swap" else f"grow +{d['j']}"
        style = "solid" if d["move"] == "swap" else "dashed"
        lines.append(f"  {_dot_quote(_node_id(u))} -> {_dot_quote(_node_id(v))} "
                     f"[label={_dot_quote(mv + chr(10) + '-' + str(d['decrease']))}, style={style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_dot(G, path) -> str:
    """Write :func:`to_dot` to ``path``; return the path.

    Examples
    --------
    >>> import os, tempfile
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> G = critical_graph(critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]])))
    >>> tmp = tempfile.TemporaryDirectory()  # removed when garbage-collected
    >>> path = write_dot(G, os.path.join(tmp.name, "graph.dot"))
    >>> with open(path, encoding="utf-8") as fh:
    ...     print(fh.readline().strip())
    digraph "critical graph of widths (2, 1, 2)" {
    """
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(to_dot(G))
    return str(path)


#: Suffix -> writer used by :func:`write_graph` and ``linnet graph -o``.
_WRITERS = {".graphml": write_graphml, ".json": write_node_link_json, ".dot": write_dot, ".gv": write_dot}
_IMAGE_SUFFIXES = (".png", ".pdf", ".svg", ".jpg", ".jpeg")


def write_graph(G, path) -> str:
    """Write ``G`` according to the suffix of ``path``.

    ``.graphml``, ``.json`` (node-link), ``.dot``/``.gv`` (DOT), or an image
    (``.png``, ``.pdf``, ``.svg``, ``.jpg``) drawn by :func:`draw_critical_graph`.

    Raises
    ------
    ParseError
        For any other suffix (the message lists the accepted ones).

    Examples
    --------
    >>> import os, tempfile
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> G = critical_graph(critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]])))
    >>> tmp = tempfile.TemporaryDirectory()  # removed when garbage-collected
    >>> os.path.basename(write_graph(G, os.path.join(tmp.name, "graph.gv")))
    'graph.gv'
    >>> write_graph(G, "graph.txt")
    Traceback (most recent call last):
        ...
    linnet_geometry.exceptions.ParseError: output 'graph.txt' has suffix '.txt'; expected one of ['.dot', '.graphml',
    '.gv', '.json', '.png', '.pdf', '.svg', '.jpg', '.jpeg']
    """
    suffix = os.path.splitext(str(path))[1].lower()
    if suffix in _WRITERS:
        return _WRITERS[suffix](G, path)
    if suffix in _IMAGE_SUFFIXES:
        draw_critical_graph(G, path)
        return str(path)
    raise ParseError(f"output {str(path)!r} has suffix {suffix!r}; expected one of "
                     f"{sorted(_WRITERS) + list(_IMAGE_SUFFIXES)}")


# -- drawing ------------------------------------------------------------------------------------------

def _layers(G, rel_tol=1e-9):
    """Distinct values (ascending, merged within ``rel_tol``) and the layer of each node."""
    vals = sorted({d["value_float"] for _, d in G.nodes(data=True)})
    levels = []
    for v in vals:
        if not levels or abs(v - levels[-1]) > rel_tol * max(1.0, abs(v)):
            levels.append(v)
    def level_of(v):
        return min(range(len(levels)), key=lambda k: abs(levels[k] - v))
    return levels, {n: level_of(d["value_float"]) for n, d in G.nodes(data=True)}


def _layout(G):
    """Positions: y = layer of the value (lowest at the bottom), x = rank ``|S|`` (ties spread sideways)."""
    levels, layer = _layers(G)
    cells = defaultdict(list)
    for n in G:
        cells[(layer[n], G.nodes[n]["rank"])].append(n)
    pos = {}
    for (lv, rk), nodes in cells.items():
        nodes.sort()
        width = len(nodes)
        for k, n in enumerate(nodes):
            pos[n] = (float(rk) + 0.35 * (k - (width - 1) / 2.0), float(lv))
    return pos, levels


def draw_critical_graph(G, path=None, ax=None, title=None, max_nodes: int = 400, show_values: bool = True):
    """Draw a critical graph: layered by loss value, coloured by kind, marker by role.

    Layers are the distinct critical values, lowest (the global minimum) at
    the bottom; the y tick labels give the values; columns are the ranks
    ``|S|`` (grows go one column right, swaps stay in their column).  Colour: pure (blue) or
    spurious (red); marker: ``*`` global minimum, ``o`` strict saddle, ``◆``
    saddle whose strictness depends on the point; a black ring marks a
    positive-dimensional family.  Swaps are solid arrows, grows dashed.

    Parameters
    ----------
    G : networkx.DiGraph
        From :func:`critical_graph`.
    path : str or path-like, optional
        Save the figure there (format from the suffix) with the Agg backend.
    ax : matplotlib Axes, optional
        Draw into it instead of a new figure.
    title : str, optional
    max_nodes : int
        Refuse larger graphs (the picture would be unreadable).
    show_values : bool
        Label the layers with the values (else with layer numbers).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> G = critical_graph(critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]])))
    >>> fig = draw_critical_graph(G)
    >>> ax = fig.axes[0]
    >>> ax.get_title()
    'critical strata, widths (2, 1, 2), r = 1'
    >>> [label.get_text() for label in ax.get_yticklabels()]  # one layer per critical value
    ['1', '4', '5']
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    if not isinstance(G, nx.DiGraph):
        raise InputTypeError(f"draw_critical_graph expects the DiGraph of critical_graph; received {type(G).__name__}")
    if G.number_of_nodes() > max_nodes:
        raise ProblemTooLargeError(f"the graph has {G.number_of_nodes()} nodes; expected at most max_nodes="
                                   f"{max_nodes} for a readable drawing")
    pos, levels = _layout(G)
    ranks = sorted({d["rank"] for _, d in G.nodes(data=True)})
    if ax is None:
        fig = Figure(figsize=(max(6.0, 1.8 * len(ranks) + 3.5), max(4.0, 0.55 * len(levels) + 2.0)))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
    else:
        fig = ax.figure
    for u, v, d in G.edges(data=True):
        (x0, y0), (x1, y1) = pos[u], pos[v]
        # swaps stay in their rank column: bend them more the further they go, so they do not overlap
        rad = 0.12 if d["move"] == "grow" else min(0.6, 0.15 + 0.06 * abs(y1 - y0))
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", color="0.45", lw=1.0, shrinkA=9, shrinkB=9,
                                    linestyle="-" if d["move"] == "swap" else "--",
                                    connectionstyle=f"arc3,rad={rad}"))
    for n, d in G.nodes(data=True):
        x, y = pos[n]
        marker = ROLE_MARKERS.get(d["role"], ("o", "ellipse"))[0]
        size = 340 if marker == "*" else 170
        ax.scatter([x], [y], s=size, marker=marker, c=KIND_COLORS.get(d["kind"], "#7f7f7f"), zorder=3,
                   edgecolors="black" if d["is_family"] else "white", linewidths=2.0 if d["is_family"] else 0.8)
        ax.annotate(d["label"], (x, y), xytext=(8, 7), textcoords="offset points", fontsize=9, zorder=4)
    ax.set_yticks(range(len(levels)))
    ax.set_yticklabels([f"{v:.4g}" for v in levels] if show_values else [str(k) for k in range(len(levels))])
    ax.set_ylabel("critical value L (layered)")
    ax.set_xticks(ranks)
    ax.set_xticklabels([f"|S| = {k}" for k in ranks])
    xs = [p[0] for p in pos.values()] or [0.0]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 1.2)
    ax.set_ylim(-0.6, len(levels) - 0.4)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [Line2D([], [], ls="", marker="o", color=c, markersize=8, label=k) for k, c in KIND_COLORS.items()]
    roles_present = {d["role"] for _, d in G.nodes(data=True)}
    handles += [Line2D([], [], ls="", marker=m, color="0.3", markersize=10 if m == "*" else 7,
                       label=role.replace("_", " ")) for role, (m, _) in ROLE_MARKERS.items() if role in roles_present]
    handles += [Line2D([], [], color="0.45", ls="-", label="swap move"),
                Line2D([], [], color="0.45", ls="--", label="grow move")]
    if any(d["is_family"] for _, d in G.nodes(data=True)):
        handles.append(Line2D([], [], ls="", marker="o", color="white", markeredgecolor="black", markeredgewidth=2,
                              markersize=8, label="family (positive dim.)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    if title is None:
        gr = G.graph
        title = (f"critical strata, widths {gr.get('widths')}, r = {gr.get('bottleneck')}"
                 + (" (degenerate target)" if gr.get("is_degenerate") else ""))
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=130)
    return fig
