"""Tests of linnet_geometry.families.symmetry: SGJ2021 (THEORY.md §5).

Independent routes are compared: closed forms (Stirling numbers) against
enumeration by definition; exact sparse elimination against sympy
DomainMatrix ranks against the combinatorial intersection rule; exact
identities of network functions against the grouped-weights criterion.
"""

import json
import math
import warnings
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st
from sympy.functions.combinatorial.numbers import stirling as sympy_stirling

from linnet_geometry.cli import main
from linnet_geometry.exceptions import (
    AssumptionError,
    ExactInputRequiredError,
    LinnetError,
    ParseError,
    ProblemTooLargeError,
    WidthsError,
)
from linnet_geometry.families.symmetry import (
    G,
    T,
    G_multilayer,
    SymmetryAssumptionWarning,
    T_by_dimension,
    T_multilayer,
    TwoLayerNetwork,
    activation_assumptions,
    affine_subspaces_intersect,
    connectivity_graph,
    connectivity_summary,
    example_teacher,
    find_critical_point,
    global_minimum_subspaces,
    minima_count,
    mse_gradient,
    mse_hessian,
    mse_loss,
    permutation_graph,
    permuted_teacher,
    piece_dimension,
    same_function,
    stirling2,
    symmetry_induced_subspaces,
    teacher_dataset,
)

CASES = [(r, m) for r in range(1, 5) for m in range(r, r + 4)]


# --------------------------------------------------------------------------- closed forms

def _stirling_by_alternating_sum(n, k):
    """S(n, k) = (1/k!) sum_j (-1)^j C(k, j) (k - j)^n (inclusion-exclusion over surjections)."""
    return sum((-1) ** j * math.comb(k, j) * (k - j) ** n for j in range(k + 1)) // math.factorial(k)


@pytest.mark.parametrize("n", [*range(0, 12), 64, 65, 97])
def test_stirling_matches_inclusion_exclusion(n):
    # n <= 64: sympy's recurrence; n > 64: FLINT
    assert [stirling2(n, k) for k in range(n + 1)] == [_stirling_by_alternating_sum(n, k) for k in range(n + 1)]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 160))
def test_stirling_row_polynomial_product_matches_sympy(n):
    from linnet_geometry.families.symmetry.counts import _stirling_row

    assert list(_stirling_row(n)) == [int(sympy_stirling(n, k)) for k in range(n + 1)]


@pytest.mark.theorem("SGJ2021")
@pytest.mark.parametrize("r,m", [(1, 1), (1, 6), (2, 7), (3, 10), (4, 40), (7, 90)])
def test_T_group_by_teacher_neurons_and_bell_numbers(r, m):
    # choose the j neurons of the teacher blocks, split them into r labelled blocks (r! S(j, r)),
    # and the other m - j neurons into any number of zero-type groups (Bell number B(m - j))
    alt = sum(math.comb(m, j) * math.factorial(r) * int(sympy_stirling(j, r)) * int(sympy.bell(m - j))
              for j in range(r, m + 1))
    assert T(r, m, "group") == alt


@pytest.mark.theorem("SGJ2021")
@pytest.mark.parametrize("r", range(1, 8))
def test_T_at_one_extra_neuron(r):
    expected = math.factorial(r + 1) * (r + 2) // 2
    assert T(r, r + 1, "group") == expected
    assert T(r, r + 1, "single") == expected


@pytest.mark.theorem("SGJ2021")
@pytest.mark.parametrize("r,m", [(1, 1), (2, 5), (3, 9), (5, 12), (3, 60)])
def test_T_single_alternative_sum(r, m):
    # choose the zero neurons, partition the rest into r labelled blocks
    alt = sum(math.comb(m, z) * math.factorial(r) * int(sympy_stirling(m - z, r)) for z in range(m - r + 1))
    assert T(r, m, "single") == alt
    group = sum(int(sympy_stirling(m, k)) * math.factorial(k) // math.factorial(k - r) for k in range(r, m + 1))
    assert T(r, m, "group") == group


def test_closed_forms_large_m_are_exact_integers():
    t = T(3, 300)
    assert isinstance(t, int) and t > 10 ** 400
    assert G(3, 300) == 6 * int(sympy_stirling(300, 3))
    assert T(3, 300, "single") == 6 * int(sympy_stirling(301, 4))


def test_multilayer_products():
    assert T_multilayer((2, 3), (4, 5)) == T(2, 4) * T(3, 5)
    assert T_multilayer((2, 3), (4, 5), "single") == T(2, 4, "single") * T(3, 5, "single")
    assert G_multilayer((1, 2, 3), (3, 4, 5)) == G(1, 3) * G(2, 4) * G(3, 5)
    assert minima_count((3, 4)) == 6 * 24


# --------------------------------------------------------------------------- enumeration vs closed forms

@pytest.mark.theorem("SGJ2021")
@pytest.mark.parametrize("convention", ["group", "single"])
@pytest.mark.parametrize("r,m", CASES)
def test_enumeration_counts_and_dimensions(r, m, convention):
    d = 2
    teacher = example_teacher(r, d)
    counts = {}
    for piece in global_minimum_subspaces(teacher, m, convention):
        assert piece.dimension == piece_dimension(m - r, piece.n_zero_groups, input_dim=d)
        assert piece.dimension == m - r + (d - 1) * piece.n_zero_groups
        counts[piece.dimension] = counts.get(piece.dimension, 0) + 1
    assert sum(counts.values()) == T(r, m, convention)
    assert counts == T_by_dimension(r, m, d, convention=convention)
    assert min(counts) == m - r  # minimum dimension h


@pytest.mark.theorem("SGJ2021")
@pytest.mark.parametrize("r,m", CASES)
def test_split_subspace_counts(r, m):
    net = TwoLayerNetwork([[i + 1, -i] for i in range(r)], [i + 1 for i in range(r)], "g")
    subs = list(symmetry_induced_subspaces(net, m))
    assert len(subs) == G(r, m)
    assert len({s.blocks for s in subs}) == len(subs)
    assert all(s.dimension == m - r for s in subs)


@pytest.mark.parametrize("convention", ["group", "single"])
def test_pieces_are_distinct_and_bases_independent(convention):
    teacher = example_teacher(2, 3, output_dim=2)
    pieces = list(global_minimum_subspaces(teacher, 4, convention))
    assert len({p.partition for p in pieces}) == len(pieces) == T(2, 4, convention)
    for p in pieces:
        assert p.directions.shape == (4 * 5, p.dimension)
        assert p.directions.rank() == p.dimension
        # vector outputs: c h + (d - c) b
        assert p.dimension == piece_dimension(2, p.n_zero_groups, input_dim=3, output_dim=2)


# --------------------------------------------------------------------------- functions on the pieces

def _identity(f1, f2):
    return sympy.expand(f1 - f2) == 0


@pytest.mark.theorem("SGJ2021")
@pytest.mark.parametrize("convention", ["group", "single"])
def test_every_piece_reproduces_the_teacher(convention):
    teacher = example_teacher(2, 2)
    f_star = teacher.function()
    f_star_sym = teacher.function(symbolic_sigma=True)
    pieces = list(global_minimum_subspaces(teacher, 4, convention))
    for idx, piece in enumerate(pieces):
        net = piece.sample(seed=idx)
        assert piece.contains(net)
        assert _identity(net.function(), f_star)
        assert _identity(net.function(symbolic_sigma=True), f_star_sym)
        assert same_function(net, teacher)


@pytest.mark.theorem("SGJ2021")
def test_points_off_the_pieces_change_the_function():
    teacher = example_teacher(2, 2)
    f_star = teacher.function()
    x = teacher.input_symbols()
    rng = np.random.default_rng(0)
    pieces = list(global_minimum_subspaces(teacher, 3))
    changed = 0
    for idx, piece in enumerate(pieces):
        theta = sympy.Matrix(piece.sample(seed=idx).parameters())
        k = int(rng.integers(len(theta)))
        theta[k] += sympy.Rational(1, 3)
        net = TwoLayerNetwork.from_parameters(theta, 3, 2, 1, "g")
        if piece.contains(net):  # moving along a direction stays on the piece
            continue
        diff = net.function() - f_star
        value = diff.subs({x[0]: sympy.Rational(3, 7), x[1]: sympy.Rational(-5, 11)}).evalf(30)
        if abs(value) > 1e-20:
            changed += 1
            assert not same_function(net, teacher)
            assert not _identity(net.function(), f_star)
    assert changed >= len(pieces) // 2


@st.composite
def rational_teachers(draw, max_r=3, max_d=2):
    r = draw(st.integers(1, max_r))
    d = draw(st.integers(1, max_d))
    rat = st.fractions(min_value=-3, max_value=3, max_denominator=4)
    rows = draw(st.lists(st.tuples(*[rat] * d), min_size=r, max_size=r, unique=True))
    a = draw(st.lists(rat.filter(lambda q: q != 0), min_size=r, max_size=r))
    return TwoLayerNetwork([list(row) for row in rows], a, "g")


@pytest.mark.theorem("SGJ2021")
@settings(max_examples=25)
@given(rational_teachers(), st.integers(0, 2), st.sampled_from(["group", "single"]), st.integers(0, 10 ** 6))
def test_random_teacher_random_piece(teacher, h, convention, seed):
    m = teacher.width + h
    pieces = list(global_minimum_subspaces(teacher, m, convention))
    assert len(pieces) == T(teacher.width, m, convention)
    piece = pieces[seed % len(pieces)]
    net = piece.sample(seed=seed)
    assert same_function(net, teacher)
    assert _identity(net.function(symbolic_sigma=True), teacher.function(symbolic_sigma=True))


def test_sample_accepts_every_seed_the_library_accepts():
    # numpy entropy (a sequence of non-negative integers, a SeedSequence) as well as an int
    teacher = example_teacher(2, 1)
    piece = list(global_minimum_subspaces(teacher, 4))[-1]
    for seed in ([3, 1], np.random.SeedSequence(7), 5):
        first, again = piece.sample(seed=seed), piece.sample(seed=seed)
        assert first.parameters() == again.parameters()
        assert piece.contains(first) and same_function(first, teacher)


# --------------------------------------------------------------------------- exact intersections

@settings(max_examples=40)
@given(st.integers(0, 10 ** 6))
def test_affine_intersection_routes_agree(seed):
    """Sparse fraction-free elimination vs DomainMatrix ranks on random pieces with shared teachers."""
    rng = np.random.default_rng(seed)
    teacher = example_teacher(2, 1) if seed % 2 else TwoLayerNetwork([[1], [2]], [Fraction(1, 2), Fraction(1, 2)], "g")
    pieces = list(global_minimum_subspaces(teacher, 4))
    from linnet_geometry.families.symmetry.connectivity import _meet_combinatorial, _meet_sparse

    for _ in range(10):
        P, Q = (pieces[int(i)] for i in rng.integers(len(pieces), size=2))
        dense = affine_subspaces_intersect(P.base_point, P.directions, Q.base_point, Q.directions)
        assert _meet_sparse(P, Q) == dense
        assert _meet_combinatorial(P, Q) == dense


def test_affine_intersection_basic():
    p = sympy.Matrix([0, 0, 0])
    plane = sympy.Matrix([[1, 0], [0, 1], [0, 0]])
    assert affine_subspaces_intersect(p, plane, sympy.Matrix([0, 0, 1]), sympy.Matrix([[0], [0], [1]])) == (True, 0)
    assert affine_subspaces_intersect(p, plane, sympy.Matrix([0, 0, 1]), plane) == (False, None)
    assert affine_subspaces_intersect(p, plane, sympy.Matrix([5, 1, 0]), plane) == (True, 2)
    sq = sympy.sqrt(2)
    assert affine_subspaces_intersect(p, plane, sympy.Matrix([sq, 1, 0]), sympy.zeros(3, 0)) == (True, 0)


@pytest.mark.parametrize("convention", ["group", "single"])
def test_graph_methods_agree(convention):
    # a teacher with a coincident subset sum (a1 + a2 = a3) exercises the balance rule
    teacher = TwoLayerNetwork([[1, 0], [0, 1], [1, 1]], [1, 2, 3], "g")
    graphs = [connectivity_graph(teacher, 4, convention, method, progress=False)
              for method in ("linear_algebra", "combinatorial")]
    edges = [{e: g.edges[e]["intersection_dimension"] for e in g.edges} for g in graphs]
    assert edges[0] == edges[1]
    small = example_teacher(2, 2)
    g1 = connectivity_graph(small, 3, convention, "domain_matrix", progress=False)
    g2 = connectivity_graph(small, 3, convention, "linear_algebra", progress=False)
    assert {e: g1.edges[e]["intersection_dimension"] for e in g1.edges} == \
           {e: g2.edges[e]["intersection_dimension"] for e in g2.edges}


@pytest.mark.parametrize("convention", ["group", "single"])
def test_algebraic_teacher_uses_exact_field(convention):
    teacher = TwoLayerNetwork([[sympy.sqrt(2), 1], [1, 0]], [1, sympy.Rational(1, 3)], "g")
    g1 = connectivity_graph(teacher, 3, convention, progress=False)
    g2 = connectivity_graph(teacher, 3, convention, "combinatorial", progress=False)
    assert g1.graph["method"] == "domain_matrix"
    assert set(g1.edges) == set(g2.edges) and nx.is_connected(g1)
    for idx, piece in enumerate(global_minimum_subspaces(teacher, 3, convention)):
        net = piece.sample(seed=idx)
        assert piece.contains(net) and same_function(net, teacher)


@pytest.mark.theorem("SGJ2021")
@pytest.mark.parametrize("r", [1, 2, 3, 4])
@pytest.mark.parametrize("convention", ["group", "single"])
def test_minimal_width_isolated_minima(r, convention):
    g = connectivity_graph(example_teacher(r, 2), r, convention, progress=False)
    assert g.number_of_nodes() == math.factorial(r)
    assert nx.number_of_isolates(g) == math.factorial(r)
    perms = sorted(p for _, d in g.nodes(data=True) for p in d["permutations"])
    assert len(perms) == len(set(perms)) == math.factorial(r)
    q = permutation_graph(g)
    assert q.number_of_edges() == 0


def _check_one_extra_neuron(g, r):
    assert nx.is_connected(g)
    s = connectivity_summary(g)
    assert s.permutations_found == math.factorial(r) and s.permutations_connected
    q = permutation_graph(g)
    assert nx.is_isomorphic(q, nx.complete_graph(math.factorial(r)))
    # each duplicate line (no zero group, dimension 1) meets exactly two single-zero-neuron pieces
    for node, data in g.nodes(data=True):
        if data["zero_groups"] == 0:
            assert data["dimension"] == 1
            nbrs = list(g.neighbors(node))
            assert len(nbrs) == 2
            assert all(g.nodes[n]["zero_groups"] == 1 for n in nbrs)
    assert g.number_of_edges() == math.factorial(r + 1) * r


@pytest.mark.theorem("SGJ2021")
@pytest.mark.parametrize("r", [1, 2, 3])
def test_one_extra_neuron_connects_all_minima(r):
    _check_one_extra_neuron(connectivity_graph(example_teacher(r, 2), r + 1, progress=False), r)


@pytest.mark.theorem("SGJ2021")
def test_one_extra_neuron_connects_all_minima_r4_combinatorial():
    _check_one_extra_neuron(connectivity_graph(example_teacher(4, 2), 5, method="combinatorial", progress=False), 4)


@pytest.mark.slow
@pytest.mark.theorem("SGJ2021")
@pytest.mark.parametrize("convention", ["group", "single"])
def test_one_extra_neuron_connects_all_minima_r4_linear_algebra(convention):
    _check_one_extra_neuron(connectivity_graph(example_teacher(4, 2), 5, convention, progress=False), 4)


@pytest.mark.slow
@pytest.mark.theorem("SGJ2021")
def test_graph_r3_m5_connected_and_methods_agree():
    t = example_teacher(3, 2)
    g1 = connectivity_graph(t, 5, progress=False)
    g2 = connectivity_graph(t, 5, method="combinatorial", progress=False)
    assert set(g1.edges) == set(g2.edges)
    assert connectivity_summary(g1).permutations_connected


# --------------------------------------------------------------------------- numeric critical points

@pytest.fixture(scope="module")
def dataset_and_critical_point():
    teacher = example_teacher(3, 2)
    X, y = teacher_dataset(teacher, n_samples=40, seed=1)
    return X, y, find_critical_point(X, y, 2, sigma="g", seed=0)


@pytest.mark.theorem("SGJ2021")
@pytest.mark.parametrize("m", [3, 4])
def test_split_subspaces_are_critical_with_constant_loss(dataset_and_critical_point, m):
    X, y, cp = dataset_and_critical_point
    assert cp.gradient_norm <= 1e-10
    subs = list(symmetry_induced_subspaces(cp, m))
    assert len(subs) == G(2, m)
    for i, s in enumerate(subs):
        values = []
        for k in range(3):
            net = s.sample(seed=100 * i + k)
            assert np.linalg.norm(mse_gradient(net, X, y)) <= 1e-9
            values.append(mse_loss(net, X, y))
        assert np.max(np.abs(np.array(values) - cp.loss)) <= 1e-12 * max(1.0, cp.loss)


def test_points_off_split_subspaces_are_not_critical(dataset_and_critical_point):
    X, y, cp = dataset_and_critical_point
    s = next(iter(symmetry_induced_subspaces(cp, 3)))
    theta = s.sample(seed=1).parameters().copy()
    theta[0] += 0.3  # break the equality of the split incoming vectors
    net = TwoLayerNetwork.from_parameters(theta, 3, 2, 1, "g")
    assert np.linalg.norm(mse_gradient(net, X, y)) > 1e-4


def test_hessian_matches_finite_differences(dataset_and_critical_point):
    X, y, cp = dataset_and_critical_point
    net = next(iter(symmetry_induced_subspaces(cp, 3))).sample(seed=2)
    theta = net.parameters()
    H = mse_hessian(net, X, y)
    eps = 1e-6
    for i in range(len(theta)):
        e = np.zeros(len(theta))
        e[i] = eps
        gp = mse_gradient(TwoLayerNetwork.from_parameters(theta + e, 3, 2, 1, "g"), X, y)
        gm = mse_gradient(TwoLayerNetwork.from_parameters(theta - e, 3, 2, 1, "g"), X, y)
        assert np.allclose(H[:, i], (gp - gm) / (2 * eps), atol=1e-6)


# --------------------------------------------------------------------------- assumptions and errors

def test_activation_assumptions():
    assert activation_assumptions("g").satisfied
    assert activation_assumptions("exp").satisfied
    rep = activation_assumptions("tanh")
    assert not rep.satisfied and rep.value_at_zero == 0 and rep.nonzero_even_orders == ()
    t = sympy.Symbol("t")
    assert not activation_assumptions(1 + t + t ** 3).satisfied  # polynomial
    assert not activation_assumptions(sympy.cos(t)).satisfied    # even: no odd derivatives


def test_assumption_error_and_warning():
    teacher = example_teacher(2, 1, sigma="tanh")
    with pytest.raises(AssumptionError, match="sigma\\(0\\)"):
        global_minimum_subspaces(teacher, 3, require_assumptions=True)
    with pytest.warns(SymmetryAssumptionWarning):
        pieces = list(global_minimum_subspaces(teacher, 3))
    assert len(pieces) == T(2, 3)


@pytest.mark.parametrize("call,err", [
    (lambda: T(3, 2), WidthsError),
    (lambda: T(0, 2), WidthsError),
    (lambda: T(True, 2), WidthsError),
    (lambda: G(4, 3), WidthsError),
    (lambda: G(-1, 3), WidthsError),
    (lambda: T(2, 3, "pairs"), ParseError),
    (lambda: global_minimum_subspaces(example_teacher(3, 1), 2), WidthsError),
    (lambda: symmetry_induced_subspaces(TwoLayerNetwork([[1], [2]], [1, 1]), 1), WidthsError),
    (lambda: symmetry_induced_subspaces(TwoLayerNetwork([[1], [1]], [1, 1]), 3), AssumptionError),
    (lambda: global_minimum_subspaces(TwoLayerNetwork([[1], [1]], [1, 2]), 3), AssumptionError),
    (lambda: global_minimum_subspaces(TwoLayerNetwork([[1], [2]], [0, 2]), 3), AssumptionError),
    (lambda: global_minimum_subspaces(TwoLayerNetwork([[0.5], [2.0]], [1, 2]), 3), ExactInputRequiredError),
    (lambda: TwoLayerNetwork([[1], [2]], [1, 1], sigma="relu"), ParseError),
    (lambda: connectivity_graph(example_teacher(3, 1), 6, max_pieces=100), ProblemTooLargeError),
])
def test_bad_input_raises_typed_errors(call, err):
    with pytest.raises(err) as info:
        call()
    assert isinstance(info.value, LinnetError)
    assert "expected" in str(info.value)


def test_results_serialise_and_read(dataset_and_critical_point):
    X, y, cp = dataset_and_critical_point
    piece = next(p for p in global_minimum_subspaces(example_teacher(2, 2), 3)
                 if p.teacher_blocks == ((0,), (1,)) and p.zero_groups == ((2,),))
    split = next(iter(symmetry_induced_subspaces(cp, 3)))
    for obj in (piece, split, cp, cp.network, activation_assumptions("g")):
        json.dumps(obj.to_dict())
    assert repr(piece) == "GlobalMinimumPiece([{0}->0, {1}->1], zero=[{2}], dim=2, group)"
    assert repr(split).startswith("SplitSubspace([") and "dim=1" in repr(split)
    assert json.loads(json.dumps(piece.to_dict()))["dimension"] == piece.dimension
    net = TwoLayerNetwork(sympy.Matrix([[1, 2]]), sympy.Matrix([[3, 4]]), "exp")  # width 1, two outputs
    assert net.output_dim == 2 and net.width == 1


def test_permuted_teacher_points():
    teacher = example_teacher(3, 2)
    p = permuted_teacher(teacher, 4, (2, 0, 1))
    assert same_function(p, teacher)
    assert p.incoming.row(0) == teacher.incoming.row(2)


# --------------------------------------------------------------------------- CLI

def test_cli_text(capsys, tmp_path):
    out_png = tmp_path / "g.png"
    assert main(["symmetry", "--teacher-width", "3", "--width", "4", "--graph", str(out_png)]) == 0
    text = capsys.readouterr().out
    assert f"group convention : {T(3, 4)}" in text
    assert "6/6 found, all connected" in text
    assert out_png.exists() and out_png.stat().st_size > 1000


def test_cli_json(capsys):
    assert main(["symmetry", "--teacher-width", "2", "--width", "4", "--input-dim", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["T_group"] == T(2, 4) and data["T_single"] == T(2, 4, "single")
    assert data["G"] == {"1": G(1, 4), "2": G(2, 4)}
    assert data["connectivity"]["pieces"] == T(2, 4)
    assert data["connectivity"]["components"] == 1


def test_cli_errors(capsys):
    assert main(["symmetry", "--teacher-width", "3", "--width", "2"]) == 2
    err = capsys.readouterr().err
    assert "expected m >= r*" in err and err.count("\n") == 1
    assert main(["symmetry", "--teacher-width", "0", "--width", "2"]) == 2
