"""DeterminantalVariety: dimension, degree, ideal, tangent and normal spaces (THEORY §1)."""

import math

import numpy as np
import pytest
import sympy

from linnet_geometry import DeterminantalVariety
from linnet_geometry.critical.brute_force import ideal_dimension
from linnet_geometry.exceptions import ShapeError, WidthsError


@pytest.mark.theorem("TKB2020")
@pytest.mark.parametrize("m,n,r", [(2, 2, 1), (2, 3, 1), (3, 3, 1), (3, 3, 2), (3, 2, 1)])
def test_dimension_matches_groebner(m, n, r):
    V = DeterminantalVariety(m, n, r)
    X = V.generic_matrix()
    assert ideal_dimension(V.ideal(), list(X)) == V.dim == r * (m + n - r)


@pytest.mark.parametrize("m,n", [(2, 2), (3, 2), (4, 3), (5, 2), (4, 4)])
def test_degree_rank_one_is_segre(m, n):
    # rank ≤ 1 matrices = affine cone over the Segre variety P^{m-1} x P^{n-1}: degree C(m+n-2, m-1)
    assert DeterminantalVariety(m, n, 1).degree == math.comb(m + n - 2, m - 1)


def test_degree_corank_one_is_hypersurface_degree():
    for n in range(2, 6):
        assert DeterminantalVariety(n, n, n - 1).degree == n  # the determinant


def test_filling_and_singular_locus():
    V = DeterminantalVariety(2, 3, 2)
    assert V.is_filling and V.rank == 2 and V.ideal() == [] and V.singular_locus is None
    with pytest.raises(WidthsError, match="expected at most min"):  # no silent clamp to rank 2
        DeterminantalVariety(2, 3, 4)
    assert DeterminantalVariety(3, 3, 2).singular_locus == DeterminantalVariety(3, 3, 1)
    assert DeterminantalVariety(3, 3, 0).singular_locus is None


def test_tangent_normal_spaces_exact():
    V = DeterminantalVariety(3, 4, 2)
    W = sympy.Matrix([[1, 2, 0, 1], [0, 1, 1, 1], [1, 3, 1, 2]])  # rank 2
    T = V.tangent_space(W)
    N = V.normal_space(W)
    assert len(T) == V.dim and len(N) == V.codim
    for A in T:
        for B in N:
            assert sum(a * b for a, b in zip(A, B)) == 0
    # the derivative of a curve of rank-2 matrices through W is tangent
    t = sympy.Symbol("t")
    curve = (sympy.eye(3) + t * sympy.Matrix(3, 3, [1, 2, 0, 0, 1, -1, 3, 0, 1])) * W * (sympy.eye(4) + t * sympy.ones(4, 4))
    D = curve.diff(t).subs(t, 0)
    M = sympy.Matrix([list(A) for A in T]).T
    assert M.rank() == sympy.Matrix.hstack(M, sympy.Matrix(list(D))).rank()


def test_singular_point_zariski_tangent_space_is_everything():
    V = DeterminantalVariety(3, 3, 2)
    W = sympy.Matrix([[1, 0, 0], [0, 0, 0], [0, 0, 0]])
    assert not V.is_smooth_point(W)
    assert len(V.tangent_space(W)) == 9 and V.normal_space(W) == []


def test_numeric_tangent_space():
    V = DeterminantalVariety(3, 3, 2)
    W = np.diag([3.0, 1.0, 0.0])
    assert len(V.tangent_space(W)) == 8 and len(V.normal_space(W)) == 1


def test_errors():
    with pytest.raises(WidthsError):
        DeterminantalVariety(0, 2, 1)
    with pytest.raises(ShapeError, match="rank 2"):
        DeterminantalVariety(2, 2, 1).tangent_space([[1, 0], [0, 1]])
    with pytest.raises(ShapeError, match=r"expected \(2, 2\)"):
        DeterminantalVariety(2, 2, 1).contains([[1, 0, 0]])
