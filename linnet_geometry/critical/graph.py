"""The graph of critical points and strata: its construction (networkx; THEORY §2–3).

Drawing and file exports live in :mod:`linnet_geometry.report.graph`; this
module builds the graph from any critical-point result
(:mod:`linnet_geometry.critical.results`).

**Strata of a quadratic loss** (:class:`~linnet_geometry.critical.CriticalLocus`).

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

**Critical points of other solvers** (``function_space_critical_points``,
``parameter_critical_points``).  No theory of descent moves is available for
a general polynomial loss or for weight decay, so the graph has one node per
real critical point (its value, role, kind, rank, certificate) and one edge
per pair of points whose critical values are *proven* equal
(:func:`~linnet_geometry.critical.results.values_equal`: exact comparison,
minimal polynomial of the difference for algebraic values); equal values
arise from symmetries of the loss (``W ↦ Wᵀ`` for a symmetric problem, sign
flips of hidden units under weight decay).  Pairs that numerics cannot
separate but exactness cannot prove equal are counted, never joined.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from ..exceptions import InputTypeError, ProblemTooLargeError
from .results import is_strata_result, result_points, values_equal

__all__ = ["critical_graph", "points_graph", "support_label", "MAX_GRAPH_NODES"]

#: Largest number of strata for which :func:`critical_graph` builds a graph.
MAX_GRAPH_NODES = 20_000

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


def critical_graph(result, max_nodes: int = MAX_GRAPH_NODES):
    """The directed graph of critical strata and descent moves (THEORY §3), or of critical points.

    Parameters
    ----------
    result : CriticalLocus, GeneralCriticalLocus or ParameterCriticalPoints
        From :func:`~linnet_geometry.critical.critical_locus` (quadratic loss:
        the graph of strata described below),
        :func:`~linnet_geometry.function_space_critical_points` or
        :func:`~linnet_geometry.parameter_critical_points` (the graph of
        points, see :func:`points_graph`); any result following
        :mod:`linnet_geometry.critical.results`.
    max_nodes : int
        Refuse (:class:`~linnet_geometry.exceptions.ProblemTooLargeError`)
        results with more strata or points than this, before any work starts.

    Returns
    -------
    G : networkx.DiGraph
        For a locus of strata: one node per critical stratum (per family for degenerate data), keyed
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
        If ``result`` follows none of the result protocols.
    ProblemTooLargeError
        If the result has more than ``max_nodes`` strata or points.

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
    _check_max_nodes(max_nodes)
    if not is_strata_result(result):
        if not (hasattr(result, "points") or hasattr(result, "real_points")):
            raise InputTypeError(f"critical_graph expects a CriticalLocus (critical_locus), a GeneralCriticalLocus "
                                 f"(function_space_critical_points) or ParameterCriticalPoints "
                                 f"(parameter_critical_points); received {type(result).__name__}")
        return points_graph(result, max_nodes)
    locus = result
    n_strata = locus.num_strata
    if n_strata > max_nodes:
        raise ProblemTooLargeError(f"the locus has {n_strata} strata; expected at most max_nodes={max_nodes} "
                                   "for a graph")
    import networkx as nx  # heavy (about 0.3 s): imported when a graph is built, not with the locus

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


def _check_max_nodes(max_nodes):
    if isinstance(max_nodes, (bool, np.bool_)) or not isinstance(max_nodes, (int, np.integer)):
        raise InputTypeError(f"max_nodes: expected a positive int; received {max_nodes!r} of type "
                             f"{type(max_nodes).__name__}")


def points_graph(result, max_nodes: int = MAX_GRAPH_NODES):
    """The graph of the critical points of a result with ``points`` (module docstring).

    Parameters
    ----------
    result : GeneralCriticalLocus, ParameterCriticalPoints, or any result with ``points``
        See :mod:`linnet_geometry.critical.results`.
    max_nodes : int
        Refuse results with more points than this.

    Returns
    -------
    G : networkx.DiGraph
        One node per real critical point, keyed by its position ``k`` in the
        result (0-based).  An edge ``k → k'`` (``k < k'``) for every pair of
        points whose critical values are proven equal; the relation is
        symmetric and stored once.

        Node attributes: ``label`` (``"p3"``), ``value`` (exact sympy number
        or float), ``value_float``, ``value_interval`` (certified ``(lo, hi)``
        or ``None``), ``kind`` (``"pure"``/``"spurious"``, ``None`` for losses
        on parameters), ``role``, ``rank`` (rank of ``W̄``; ``None`` if
        unknown), ``dimension`` (0: isolated), ``certificate`` (tuple of str),
        ``is_family`` (``False``).

        Edge attributes: ``move`` (``"same_value"``), ``decrease`` (0),
        ``decrease_float`` (0.0).

        Graph attributes: ``name``, ``result`` (the result's class name),
        ``engine``, ``widths`` (or ``None``), ``loss`` (description),
        ``exact`` (every value exact), ``num_points``,
        ``global_minimum`` (keys of the points whose role is ``"global_min"``),
        ``undecided_value_pairs`` (pairs whose equality is neither proven nor
        refuted).

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, WeightedQuadraticLoss, function_space_critical_points
    >>> res = function_space_critical_points(LinearNetwork((2, 1, 2)),
    ...                                      WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]]))
    >>> G = critical_graph(res)
    >>> G.number_of_nodes() == len(res.points), [G.nodes[k]["role"] for k in G][:3]
    (True, ['not_critical', 'global_min', 'bad_local_min'])
    >>> G.graph["global_minimum"], G.number_of_edges(), G.graph["undecided_value_pairs"]
    ((1,), 0, 0)
    """
    _check_max_nodes(max_nodes)
    records = result_points(result)
    if len(records) > max_nodes:
        raise ProblemTooLargeError(f"the result has {len(records)} critical points; expected at most "
                                   f"max_nodes={max_nodes} for a graph")
    network = getattr(result, "network", None)
    widths = tuple(getattr(result, "widths", None) or getattr(network, "widths", None) or ()) or None
    loss = getattr(result, "loss", None)
    import networkx as nx  # heavy (about 0.3 s): imported when a graph is built

    G = nx.DiGraph()
    G.graph.update(name=f"critical points of {type(result).__name__}" + ("" if widths is None else
                                                                          f", widths {widths}"),
                   result=type(result).__name__, engine=getattr(result, "engine", None), widths=widths,
                   loss=loss if isinstance(loss, str) else (loss.describe() if loss is not None else None),
                   exact=all(r.is_exact for r in records), num_points=len(records),
                   global_minimum=tuple(r.index for r in records if r.role == "global_min"))
    for r in records:
        G.add_node(r.index, label=f"p{r.index}", value=r.value, value_float=r.value_float,
                   value_interval=r.value_interval, kind=r.kind, role=r.role, rank=r.rank, dimension=r.dimension,
                   certificate=r.certificate, is_family=False)
    undecided = 0
    for a, b in itertools.combinations(records, 2):
        same = values_equal(a, b)
        if same:
            G.add_edge(a.index, b.index, move="same_value", decrease=0, decrease_float=0.0)
        elif same is None:
            undecided += 1
    G.graph["undecided_value_pairs"] = undecided
    return G
