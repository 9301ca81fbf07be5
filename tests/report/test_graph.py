"""The graph of critical strata and descent moves (THEORY §2–3).

Contract tests run over many concrete cases (generic, degenerate, numeric,
filling, non-filling, deep); the descent moves are checked against an
independent route (negative Hessian directions in parameter space) and
dynamically (gradient descent from every saddle must land in a descendant).
"""

import json

import networkx as nx
import numpy as np
import pytest
import sympy

from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus, parameter_hessian
from linnet_geometry.cli import main
from linnet_geometry.exceptions import InputTypeError, ParseError, ProblemTooLargeError
from linnet_geometry.report.graph import (KIND_COLORS, critical_graph, draw_critical_graph, node_link_data, to_dot,
                                   write_dot, write_graph, write_graphml, write_node_link_json)

DEFAULT_TARGET = [[5, 1, 0], [2, 3, 1], [0, 1, 2]]

# (widths, target, numeric): generic targets have well-separated singular values
CASES = {
    "one-hidden-nonfilling-algebraic": ((3, 2, 3), DEFAULT_TARGET, False),
    "one-hidden-nonfilling-diag": ((4, 2, 4), np.diag([4, 3, 2, 1]).tolist(), False),
    "filling-nonsquare": ((3, 2, 2), [[3, 1, 0], [0, 2, 1]], False),
    "deep-nonfilling": ((3, 2, 2, 3), DEFAULT_TARGET, False),
    "deep-filling": ((2, 2, 2, 2), [[3, 1], [0, 1]], False),
    "three-hidden": ((3, 3, 2, 3, 3), [[4, 0, 0], [0, 2, 1], [0, 0, 1]], False),
    "degenerate-tie": ((4, 3, 4), np.diag([2, 2, 1, 0]).tolist(), False),
    "degenerate-identity": ((3, 2, 3), np.eye(3, dtype=int).tolist(), False),
    "degenerate-two-blocks": ((4, 2, 4), np.diag([3, 3, 1, 1]).tolist(), False),
    "numeric": ((3, 2, 3), [[5.0, 1.0, 0.0], [2.0, 3.0, 1.0], [0.0, 1.0, 2.5]], True),
    "no-hidden-layer": ((3, 3), DEFAULT_TARGET, False),
}


def _locus(case):
    widths, target, numeric = CASES[case]
    return critical_locus(LinearNetwork(widths), QuadraticLoss(target), numeric=numeric or None)


@pytest.fixture(params=sorted(CASES), scope="module")
def locus_and_graph(request):
    locus = _locus(request.param)
    return locus, critical_graph(locus)


def _exact_equal(a, b):
    """Exact equality of two algebraic numbers, decided without simplify (60-digit evaluation of a - b)."""
    d = sympy.sympify(a) - sympy.sympify(b)
    if d == 0:
        return True
    return abs(sympy.N(d, 60)) < sympy.Float("1e-45")


# -- structure ----------------------------------------------------------------------------------------

def test_nodes_are_the_strata(locus_and_graph):
    locus, G = locus_and_graph
    assert G.number_of_nodes() == locus.num_strata
    for st in locus.strata:
        d = G.nodes[st.support]
        assert d["value"] == st.value and d["kind"] == st.kind and d["role"] == st.role
        assert d["rank"] == len(st.support) and d["is_family"] == st.is_family
        assert d["family_dimension"] == st.family_dimension and d["dimension"] == st.dimension


@pytest.mark.theorem("TKB2020")
def test_acyclic_and_ordered_by_value(locus_and_graph):
    locus, G = locus_and_graph
    assert nx.is_directed_acyclic_graph(G)
    for u, v, d in G.edges(data=True):
        assert G.nodes[u]["value_float"] > G.nodes[v]["value_float"]
        assert d["decrease_float"] > 0
        if locus.spectrum.exact:  # the exact decrease is the exact difference of values
            assert _exact_equal(d["decrease"], G.nodes[u]["value"] - G.nodes[v]["value"])
        else:
            assert d["decrease"] == pytest.approx(G.nodes[u]["value"] - G.nodes[v]["value"], rel=1e-9, abs=1e-9)
    # ordered by value: sorting the strata by decreasing value is a topological order
    by_value = sorted(G, key=lambda n: -G.nodes[n]["value_float"])
    pos = {n: k for k, n in enumerate(by_value)}
    assert all(pos[u] < pos[v] for u, v in G.edges)


@pytest.mark.theorem("TKB2020")
@pytest.mark.theorem("EY1936")
def test_unique_sink_is_global_minimum_and_reached_from_everywhere(locus_and_graph):
    locus, G = locus_and_graph
    sinks = [n for n in G if G.out_degree(n) == 0]
    assert sinks == [locus.global_minimum.support] == [G.graph["global_minimum"]]
    assert G.nodes[sinks[0]]["role"] == "global_min"
    assert nx.ancestors(G, sinks[0]) | {sinks[0]} == set(G)
    assert G.nodes[sinks[0]]["value_float"] == min(d["value_float"] for _, d in G.nodes(data=True))


@pytest.mark.theorem("EY1936")
@pytest.mark.theorem("DHOST2016")
def test_swap_edges_count_the_function_space_index(locus_and_graph):
    locus, G = locus_and_graph
    top = min(locus.network.bottleneck, locus.spectrum.rank)
    checked = 0
    for n, d in G.nodes(data=True):
        swaps = [e for _, _, e in G.out_edges(n, data=True) if e["move"] == "swap"]
        # with tie blocks one family move stands for k_a (n_b - k_b) index pairs
        assert sum(e["multiplicity"] for e in swaps) == d["function_space_index"]
        if d["rank"] == top and locus.network.depth > 1:
            checked += 1
            if not locus.is_degenerate:
                assert len(swaps) == d["function_space_index"]
                assert all(e["multiplicity"] == 1 for e in swaps)
    assert checked >= 1 or locus.network.depth == 1


@pytest.mark.theorem("TKB2020")
def test_spurious_strata_have_a_grow_edge(locus_and_graph):
    _, G = locus_and_graph
    for n, d in G.nodes(data=True):
        grows = [e for _, _, e in G.out_edges(n, data=True) if e["move"] == "grow"]
        if d["kind"] == "spurious":
            assert grows, n
            for e in grows:  # growing adds one index and drops the value by λ_j exactly
                assert e["i"] is None and e["j"] not in n
        if d["kind"] == "pure":
            assert not grows  # pure strata have |S| = min(r, ρ): nothing to add


def test_moves_are_the_swap_and_grow_sets_generic():
    """Brute force over all pairs of supports for generic data (the definition, enumerated independently)."""
    locus = _locus("one-hidden-nonfilling-diag")
    G = critical_graph(locus)
    lam = [float(x) for x in locus.spectrum.eigenvalues]
    r = locus.network.bottleneck
    want = set()
    for S in G:
        for T in G:
            A, B = set(S), set(T)
            if len(B) == len(A) and len(A - B) == 1:
                (i,), (j,) = A - B, B - A
                if lam[j - 1] > lam[i - 1]:
                    want.add((S, T, "swap"))
            if len(B) == len(A) + 1 and A < B and len(A) < r:
                want.add((S, T, "grow"))
    assert {(u, v, d["move"]) for u, v, d in G.edges(data=True)} == want


def test_degenerate_families_and_moves():
    # λ = (4, 4, 1, 0): tie block {1,2}, block {3}, a zero singular value; r = 3
    locus = _locus("degenerate-tie")
    G = critical_graph(locus)
    assert G.graph["is_degenerate"] and G.graph["tie_blocks"] == ((1, 2), (3,))
    assert set(G) == {(), (1,), (3,), (1, 2), (1, 3), (1, 2, 3)}  # 4 is never chosen (σ_4 = 0)
    assert G.nodes[(1,)]["is_family"] and G.nodes[(1,)]["family_dimension"] == 1  # a line in P^1
    assert not G.nodes[(1, 2)]["is_family"]
    # no swap inside the tie block: {1} and {2} are one family, no edge between them
    assert all(d["decrease_float"] > 0 for _, _, d in G.edges(data=True))
    e = G.edges[(3,), (1,)]
    assert e["move"] == "swap" and (e["i"], e["j"]) == (3, 1) and e["multiplicity"] == 2 and e["decrease"] == 3
    e = G.edges[(), (1,)]
    assert e["move"] == "grow" and e["multiplicity"] == 2 and e["decrease"] == 4
    assert G.nodes[(3,)]["function_space_index"] == 2


def test_depth_one_is_a_single_node():
    locus = _locus("no-hidden-layer")
    G = critical_graph(locus)
    assert list(G) == [(1, 2, 3)] and G.number_of_edges() == 0


def test_graph_attributes_and_cached_property():
    locus = _locus("one-hidden-nonfilling-algebraic")
    G = locus.graph
    assert G is locus.graph
    assert G.graph["widths"] == (3, 2, 3) and G.graph["bottleneck"] == 2 and not G.graph["is_filling"]
    assert G.graph["squared_singular_values"] == locus.spectrum.eigenvalues
    assert G.graph["loss"] == "squared distance ||W - U||_F^2"
    U = np.array(DEFAULT_TARGET, dtype=float)
    assert np.allclose(G.graph["singular_values_float"], np.linalg.svd(U, compute_uv=False))


def test_errors():
    with pytest.raises(InputTypeError, match="expects a CriticalLocus"):
        critical_graph(LinearNetwork((2, 1, 2)))
    locus = critical_locus(LinearNetwork((6, 3, 6)), QuadraticLoss(np.diag(range(6, 0, -1)).tolist()))
    with pytest.raises(ProblemTooLargeError, match="42 strata; expected at most max_nodes=10"):
        critical_graph(locus, max_nodes=10)
    with pytest.raises(ProblemTooLargeError, match="expected at most max_nodes=5"):
        draw_critical_graph(critical_graph(locus), max_nodes=5)
    with pytest.raises(ParseError, match="suffix '.txt'"):
        write_graph(critical_graph(locus), "graph.txt")


# -- independent route: negative Hessian directions -----------------------------------------------------

def _float_theta(theta):
    return [np.array(sympy.Matrix(W).evalf(30).tolist(), dtype=float) if not isinstance(W, np.ndarray)
            else np.asarray(W, dtype=float) for W in theta]


def _negative_directions(network, U, theta, rel=1e-9):
    H = np.asarray(parameter_hessian(network, QuadraticLoss(U), theta), dtype=float)
    ev, V = np.linalg.eigh(H)
    thr = rel * max(1.0, float(np.abs(ev).max()))
    out = []
    for k in np.flatnonzero(ev < -thr):
        v, off, parts = V[:, k], 0, []
        for M in theta:
            parts.append(v[off:off + M.size].reshape(M.shape))
            off += M.size
        out.append(parts)
    return out


@pytest.mark.theorem("TKB2020")
@pytest.mark.parametrize("case", ["one-hidden-nonfilling-algebraic", "filling-nonsquare", "deep-nonfilling",
                                  "one-hidden-nonfilling-diag"])
def test_swap_edges_are_the_negative_hessian_directions_at_rank_r(case):
    """At a pure rank-r point dμ is onto the tangent space, so the Hessian of L has exactly as many negative
    eigenvalues as ℓ|M_r has: the number of swap moves out of the stratum."""
    locus = _locus(case)
    G = critical_graph(locus)
    U = np.array(sympy.Matrix(CASES[case][1]).evalf().tolist(), dtype=float)
    for st in locus.strata:
        if st.rank != locus.network.bottleneck:
            continue
        neg = len(_negative_directions(locus.network, U, _float_theta(st.representative)))
        swaps = sum(1 for _, _, e in G.out_edges(st.support, data=True) if e["move"] == "swap")
        assert neg == swaps == st.function_space_index


# -- dynamic verification: gradient descent from every saddle lands in a descendant ---------------------

def _loss_and_grad(mats, U):
    h = len(mats)
    right = [np.eye(mats[0].shape[1])]  # W_{<i}
    for i in range(h - 1):
        right.append(mats[i] @ right[-1])
    left = [None] * h  # W_{>i}
    left[h - 1] = np.eye(mats[-1].shape[0])
    for i in range(h - 2, -1, -1):
        left[i] = left[i + 1] @ mats[i + 1]
    R = mats[-1] @ right[-1] - U
    G = 2 * R
    return float(np.sum(R * R)), [left[i].T @ G @ right[i].T for i in range(h)]


def _gradient_descent(mats, U, gtol=1e-8, max_iter=60_000):
    """Plain gradient descent with step 1/(2·Lipschitz bound) until ‖∇L‖ < gtol·max(1, ‖U‖)."""
    mats = [M.copy() for M in mats]
    scale = max(1.0, float(np.linalg.norm(U)))
    for it in range(max_iter):
        _, g = _loss_and_grad(mats, U)
        gn = float(np.sqrt(sum(np.sum(x * x) for x in g)))
        if gn < gtol * scale:
            return mats
        norms = [np.linalg.norm(M, 2) for M in mats]
        lip = 2 * sum(np.prod([norms[k] for k in range(len(mats)) if k != i]) ** 2 for i in range(len(mats)))
        eta = 0.5 / (lip + 2 * scale)
        mats = [M - eta * x for M, x in zip(mats, g)]
    raise AssertionError(f"gradient descent did not converge in {max_iter} steps (|grad| = {gn:.3g})")


def _landing_support(W, U, tol=1e-5):
    """The support S with W = U_S (singular structure of μ(θ) in the singular basis of U)."""
    u, s, vt = np.linalg.svd(U)
    coef = np.array([u[:, k] @ W @ vt[k] / s[k] for k in range(len(s))])
    S = tuple(k + 1 for k in range(len(s)) if coef[k] > 0.5)
    US = sum((s[k - 1] * np.outer(u[:, k - 1], vt[k - 1]) for k in S), np.zeros_like(U))
    assert np.linalg.norm(W - US) < tol * s[0], f"μ(θ) is not any U_S: coefficients {coef}"
    assert np.allclose(np.sort(coef), np.sort(np.round(coef)), atol=1e-4)
    return S


def _grow_direction(theta, U, k, j):
    """Rank-one path through every layer adding the singular pair j in hidden slot k (order t^h in μ)."""
    u, s, vt = np.linalg.svd(U)
    out = []
    for layer, M in enumerate(theta):
        D = np.zeros_like(M)
        if layer == 0:
            D[k, :] = s[j - 1] * vt[j - 1]
        elif layer == len(theta) - 1:
            D[:, k] = u[:, j - 1]
        else:
            D[k, k] = 1.0
        out.append(D)
    return out


def _verify_dynamics(case):
    locus = _locus(case)
    G = critical_graph(locus)
    U = np.array(sympy.Matrix(CASES[case][1]).evalf().tolist(), dtype=float)
    assert not locus.is_degenerate
    landed, starts = set(), 0
    for st in locus.strata:
        if st.role == "global_min":
            continue
        theta = _float_theta(st.representative)
        dirs = [(0.05, d) for d in _negative_directions(locus.network, U, theta)]
        if not dirs:  # a non-strict saddle: follow the higher-order direction of each grow move
            assert locus.network.depth >= 3 and st.kind == "spurious"
            grows = [e["j"] for _, _, e in G.out_edges(st.support, data=True) if e["move"] == "grow"]
            assert grows
            dirs = [(0.3, _grow_direction(theta, U, st.rank, j)) for j in grows]
        for eps, D in dirs:
            end = _gradient_descent([M + eps * X for M, X in zip(theta, D)], U)
            W = end[0]
            for M in end[1:]:
                W = M @ W
            S = _landing_support(W, U)
            starts += 1
            assert S in nx.descendants(G, st.support), (st.support, S)
            landed.add((st.support, S))
    return starts, landed


@pytest.mark.theorem("TKB2020")
@pytest.mark.parametrize("case", ["one-hidden-nonfilling-algebraic", "filling-nonsquare", "deep-nonfilling"])
def test_gradient_descent_from_saddles_lands_in_descendants(case):
    starts, landed = _verify_dynamics(case)
    assert starts >= 6
    # the flows do not all collapse to the minimum: some land on intermediate saddles (single edges)
    assert any(S != _locus(case).global_minimum.support for _, S in landed) or case == "filling-nonsquare"


@pytest.mark.slow
@pytest.mark.theorem("TKB2020")
@pytest.mark.parametrize("case", ["one-hidden-nonfilling-diag", "deep-filling", "three-hidden"])
def test_gradient_descent_from_saddles_more_architectures(case):
    starts, _ = _verify_dynamics(case)
    assert starts >= 3


# -- export and drawing ---------------------------------------------------------------------------------

def test_graphml_roundtrip_keeps_exact_values(tmp_path):
    locus = _locus("one-hidden-nonfilling-algebraic")
    G = critical_graph(locus)
    path = write_graphml(G, tmp_path / "g.graphml")
    H = nx.read_graphml(path)
    assert H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() == G.number_of_edges()
    for st in locus.strata:
        d = H.nodes["{" + ",".join(map(str, st.support)) + "}"]
        assert _exact_equal(sympy.sympify(str(d["value"])), st.value)
        assert d["value_float"] == pytest.approx(st.value_float)
    grow = next(d for _, _, d in H.edges(data=True) if d["move"] == "grow")
    assert grow["i"] == ""  # None is stored as the empty string


def test_node_link_json_roundtrip(tmp_path):
    locus = _locus("degenerate-tie")
    G = critical_graph(locus)
    path = write_node_link_json(G, tmp_path / "g.json")
    data = json.loads(open(path, encoding="utf-8").read())
    assert data == node_link_data(G)
    H = nx.node_link_graph(data, edges="edges")
    assert H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() == G.number_of_edges()
    assert H.nodes["{1}"]["is_family"] is True and H.nodes["{1}"]["support"] == [1]
    assert H.graph["tie_blocks"] == [[1, 2], [3]]


def test_dot_text(tmp_path):
    G = critical_graph(_locus("one-hidden-nonfilling-algebraic"))
    text = to_dot(G)
    assert text.count(" -> ") == G.number_of_edges()
    assert text.count("shape=star") == 1 and text.count("style=dashed") == 9
    assert text.count('"') % 2 == 0 and text.rstrip().endswith("}")
    write_dot(G, tmp_path / "g.dot")
    assert (tmp_path / "g.dot").read_text() == text


def test_drawing_shows_both_kinds(tmp_path):
    from matplotlib.image import imread

    G = critical_graph(_locus("one-hidden-nonfilling-algebraic"))
    path = tmp_path / "g.png"
    fig = draw_critical_graph(G, path)
    img = imread(path)[..., :3]
    for color in KIND_COLORS.values():
        rgb = np.array([int(color[k:k + 2], 16) / 255 for k in (1, 3, 5)])
        assert (np.abs(img - rgb).max(axis=-1) < 0.02).sum() > 50, color
    labels = {t.get_text() for t in fig.axes[0].get_legend().get_texts()}
    assert {"pure", "spurious", "global min", "strict saddle", "swap move", "grow move"} <= labels
    assert len(fig.axes[0].get_yticklabels()) == len({d["value_float"] for _, d in G.nodes(data=True)})


# -- CLI --------------------------------------------------------------------------------------------------

def test_cli_prints_the_graph(capsys):
    assert main(["graph"]) == 0
    out = capsys.readouterr().out
    assert "widths (3, 2, 3)" in out and "7 strata  15 descent moves" in out
    assert "global minimum (unique sink): {1,2}" in out


@pytest.mark.parametrize("suffix", [".png", ".graphml", ".json", ".dot"])
def test_cli_writes_by_suffix(tmp_path, capsys, suffix):
    out = tmp_path / f"graph{suffix}"
    assert main(["graph", "--widths", "3,2,2,3", "-o", str(out)]) == 0
    assert out.stat().st_size > 200
    assert "7 strata" in capsys.readouterr().out


def test_cli_bad_suffix_is_one_line(tmp_path, capsys):
    assert main(["graph", "-o", str(tmp_path / "g.txt")]) == 2
    err = capsys.readouterr().err
    assert "expected one of" in err and len(err.strip().splitlines()) == 1


def test_example_script(tmp_path, capsys):
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "critical_graph_example.py"
    spec = importlib.util.spec_from_file_location("critical_graph_example", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--out", str(tmp_path)]) == 0
    for name in ("critical_graph.txt", "critical_graph.png", "critical_graph_degenerate.png",
                 "critical_graph.graphml", "critical_graph.json", "critical_graph.dot"):
        assert (tmp_path / name).stat().st_size > 100, name
    out = capsys.readouterr().out
    assert "unique sink = global minimum S = {1, 2}, reached from all 11 strata: yes" in out


def test_cli_numeric_ties_warn_and_give_families(capsys):
    assert main(["graph", "--numeric", "--target", "2 0 0; 0 2 0; 0 0 1"]) == 0
    captured = capsys.readouterr()
    assert "warning: singular values tie" in captured.err
    assert "{1}*" in captured.out and "degenerate target" in captured.out


# -- random instances (hypothesis): the contract on generic and degenerate targets -----------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from linnet_geometry.verification.testing import architectures, degenerate_targets, generic_targets  # noqa: E402


@st.composite
def _instances(draw):
    widths = draw(architectures(max_depth=3, max_width=4))
    rows, cols = widths[-1], widths[0]
    degenerate = min(rows, cols) >= 2 and draw(st.booleans())
    U = draw(degenerate_targets(rows, cols) if degenerate else generic_targets(rows, cols))
    return widths, U


@pytest.mark.theorem("TKB2020")
@settings(max_examples=40, deadline=None)
@given(_instances())
def test_graph_contract_on_random_instances(instance):
    widths, U = instance
    locus = critical_locus(LinearNetwork(widths), QuadraticLoss(U))
    G = critical_graph(locus)
    sink = locus.global_minimum.support
    assert G.number_of_nodes() == locus.num_strata
    assert nx.is_directed_acyclic_graph(G)
    assert [n for n in G if G.out_degree(n) == 0] == [sink]
    assert nx.ancestors(G, sink) | {sink} == set(G)
    for u, v, d in G.edges(data=True):
        assert _exact_equal(d["decrease"], G.nodes[u]["value"] - G.nodes[v]["value"]) and d["decrease_float"] > 0
    for n, d in G.nodes(data=True):
        out = [e for _, _, e in G.out_edges(n, data=True)]
        assert sum(e["multiplicity"] for e in out if e["move"] == "swap") == d["function_space_index"]
        if d["kind"] == "spurious":
            assert any(e["move"] == "grow" for e in out)


@pytest.mark.parametrize("max_nodes", ["x", 2.5, None, True])
def test_max_nodes_must_be_an_int(max_nodes):
    locus = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]]))
    with pytest.raises(InputTypeError, match="max_nodes"):
        critical_graph(locus, max_nodes=max_nodes)


# -- one result protocol: the graphs of function_space_critical_points and parameter_critical_points ------

from linnet_geometry import (RegularizedLoss, WeightedQuadraticLoss, function_space_critical_points,  # noqa: E402
                             parameter_critical_points)


def _assert_nodes_are_the_points(G, points):
    assert sorted(G) == list(range(len(points)))
    assert G.graph["num_points"] == len(points)
    for k, p in enumerate(points):
        d = G.nodes[k]
        assert d["role"] == p.role and d["value_float"] == pytest.approx(p.value_float if hasattr(p, "value_float")
                                                                         else p.value, rel=1e-12)
    assert G.graph["global_minimum"] == tuple(k for k, p in enumerate(points) if p.role == "global_min")


def test_graph_of_function_space_points_weighted_rank_one():
    # (2, 1, 2), generic weights: one bad local minimum (TKB2020)
    net = LinearNetwork((2, 1, 2))
    loss = WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]])
    res = function_space_critical_points(loss, net)
    G = critical_graph(res)
    _assert_nodes_are_the_points(G, res.points)
    assert G.graph["result"] == "GeneralCriticalLocus" and G.graph["widths"] == (2, 1, 2)
    for k, p in enumerate(res.points):
        d = G.nodes[k]
        assert (d["kind"], d["rank"]) == (p.kind, p.rank)
        # the node's value is ℓ at the image (a second route: the loss itself); exactly for rational points
        if p.is_rational:
            assert d["value"] == loss.value(p.image)
        else:
            assert abs(loss.value(p.image_float) - d["value_float"]) <= 1e-9 * max(1.0, abs(d["value_float"]))
    roles = [G.nodes[k]["role"] for k in G]
    assert roles.count("bad_local_min") == 1 and roles.count("global_min") == 1
    # distinct critical values: no edge, and every pair decided
    assert G.number_of_edges() == 0 and G.graph["undecided_value_pairs"] == 0


@pytest.mark.theorem("TKB2020")
def test_graph_of_function_space_points_joins_transposed_points():
    # symmetric target and weights: W ↦ Wᵀ maps critical points to critical points of equal value
    loss = WeightedQuadraticLoss([[2, 1], [1, -1]], [[1, 3], [3, 2]])
    res = function_space_critical_points(loss, LinearNetwork((2, 1, 2)))
    G = critical_graph(res)
    _assert_nodes_are_the_points(G, res.points)
    images = [p.image_float for p in res.points]
    for a in range(len(images)):
        for b in range(a + 1, len(images)):
            if np.allclose(images[a].T, images[b], rtol=0, atol=1e-9):  # transposed points: equal values, proven
                assert G.has_edge(a, b)
            elif abs(res.points[a].value_float - res.points[b].value_float) > 1e-6:
                assert not G.has_edge(a, b)
    assert G.number_of_edges() >= 1
    assert all(d["move"] == "same_value" and d["decrease"] == 0 for _, _, d in G.edges(data=True))
    # the drawing and the exports accept the graph of points
    assert '-> ' in to_dot(G) and "same value" in to_dot(G)
    assert draw_critical_graph(G).axes[0].get_title().startswith("critical strata")
    assert [n["id"] for n in node_link_data(G)["nodes"]] == [str(k) for k in range(len(res.points))]


def test_graph_of_weight_decay_points():
    # L(w1, w2) = ½(w2 w1 − 2)² + ½(w1² + w2²): minima w1 = w2 = ±1 (L = 3/2), saddle at 0 (L = 2)
    net = LinearNetwork((1, 1, 1))
    res = parameter_critical_points(net, RegularizedLoss(([[1]], [[2]]), [1, 1]))
    points = res.real_points
    G = critical_graph(res)
    _assert_nodes_are_the_points(G, points)
    assert sorted(G.nodes[k]["role"] for k in G) == ["global_min", "global_min", "strict_saddle"]
    assert all(G.nodes[k]["kind"] is None for k in G)  # no pure/spurious for a loss of θ
    values = sorted(G.nodes[k]["value_float"] for k in G)
    assert values == pytest.approx([1.5, 1.5, 2.0], rel=1e-12)
    assert [G.nodes[k]["rank"] for k in G if G.nodes[k]["role"] == "strict_saddle"] == [0]
    # the two minima have equal values, which floats cannot prove: one undecided pair, no edge
    assert G.number_of_edges() == 0 and G.graph["undecided_value_pairs"] == 1


def test_graph_rejects_non_results_and_large_point_sets():
    with pytest.raises(InputTypeError, match="expects a CriticalLocus"):
        critical_graph("not a result")
    res = function_space_critical_points(WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]]),
                                         LinearNetwork((2, 1, 2)))
    with pytest.raises(ProblemTooLargeError, match="critical points"):
        critical_graph(res, max_nodes=2)
