"""Drawing and export of the graph of critical strata or points (THEORY §2–3).

The graph itself is mathematics and is built in the core,
:func:`linnet_geometry.critical.graph.critical_graph` (re-exported here, with
the family of convolutional networks added): for a quadratic loss its nodes
are the critical strata and its edges the descent moves (swap, grow) between
them; for the results of ``function_space_critical_points`` and
``parameter_critical_points`` its nodes are the critical points and its edges
join points with proven equal values.  See that module for every node, edge
and graph attribute.

Exports: :func:`write_graphml`, :func:`node_link_data` /
:func:`write_node_link_json`, :func:`to_dot` / :func:`write_dot`,
:func:`write_graph` (by suffix) and :func:`draw_critical_graph`.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict

import networkx as nx
import sympy

from ..critical.graph import MAX_GRAPH_NODES, points_graph, support_label
from ..critical.graph import critical_graph as _core_critical_graph
from ..exceptions import InputTypeError, ParseError, ProblemTooLargeError

__all__ = [
    "critical_graph",
    "points_graph",
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
    "register_graph",
]

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
ROLE_MARKERS = {"global_min": ("*", "star"), "strict_saddle": ("o", "ellipse"), "saddle": ("D", "diamond"),
                "non_strict_saddle": ("D", "diamond"), "local_min": ("v", "invtriangle"),
                "bad_local_min": ("v", "invtriangle"), "local_max": ("^", "triangle"),
                "not_critical": ("X", "box"), "degenerate": ("s", "box"), "undetermined": ("s", "box")}



def critical_graph(result, max_nodes: int = MAX_GRAPH_NODES):
    """The graph of critical strata or points of any critical-point result.

    :func:`linnet_geometry.critical.graph.critical_graph` (every attribute is
    documented there), and for a
    :class:`~linnet_geometry.families.convolutional.ConvolutionalCriticalLocus`
    the graph of its critical points and families (KMMT2022).

    Examples
    --------
    A locus of a linear network gets the core graph (examples there):

    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> from linnet_geometry.critical import graph as core
    >>> locus = critical_locus(LinearNetwork((2, 2, 2)), QuadraticLoss([[2, 0], [0, 1]]))
    >>> nx.utils.graphs_equal(critical_graph(locus), core.critical_graph(locus))
    True
    """
    for result_type, build in _FAMILY_GRAPHS.items():
        if isinstance(result, result_type):  # a network family's result (register_graph)
            return build(result, max_nodes)
    return _core_critical_graph(result, max_nodes)


#: result type of a network family -> ``function(result, max_nodes) -> networkx.DiGraph`` (:func:`register_graph`)
_FAMILY_GRAPHS = {}


def register_graph(result_type, function):
    """Let :func:`critical_graph` hand results of ``result_type`` to ``function(result, max_nodes)``.

    Used by :mod:`linnet_geometry.report.convolutional` for convolutional critical loci (KMMT2022).

    >>> from linnet_geometry.families.convolutional import ConvolutionalCriticalLocus
    >>> ConvolutionalCriticalLocus in _FAMILY_GRAPHS
    True
    """
    _FAMILY_GRAPHS[result_type] = function


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


def _node_id(node) -> str:
    """``"{1,3}"`` for a stratum (keyed by its support), ``"3"`` for a critical point (keyed by its position)."""
    return support_label(node) if isinstance(node, tuple) else str(node)


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
        mv = {"swap": lambda: f"swap {d['i']}->{d['j']}", "grow": lambda: f"grow +{d['j']}"}.get(
            d["move"], lambda: d["move"].replace("_", " "))()
        style = {"swap": "solid", "grow": "dashed"}.get(d["move"], "dotted")
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
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_graph(G, os.path.join(tmp, "graph.gv"))
    ...     with open(path, encoding="utf-8") as fh:
    ...         same = fh.read() == to_dot(G)  # .gv is written by write_dot
    >>> os.path.basename(path), same
    ('graph.gv', True)
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
        cells[(layer[n], G.nodes[n]["rank"] or 0)].append(n)
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
    ranks = sorted({d["rank"] or 0 for _, d in G.nodes(data=True)})
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
                                    linestyle={"swap": "-", "grow": "--"}.get(d["move"], ":"),
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
