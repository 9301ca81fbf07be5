"""The exact and float representations agree, and the exact one stays exact.

Every operation of :mod:`linnet_geometry.exact.representation` is run on random
rational matrices in both representations: the exact result, converted to
floats, must match the float result within a bound relative to the data's
scale, and rational input must give rational output on the exact side.

Random matrices are ``N / q`` with small integer ``N`` (entries in [-5, 5]) and a
denominator ``q ≤ 9``: every nonzero singular value of ``N`` (at most 4 × 4) is at
least ``1 / 20³`` of 1 (the product of the nonzero singular values of an integer
matrix is at least 1), so float rank decisions with the default tolerance are
exact on these instances, and systems are well enough conditioned for relative
error bounds of ``1e-8``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings, strategies as st

from linnet_geometry.exact.representation import (
    EXACT,
    FLOAT,
    Representation,
    rank,
    representation,
    representation_of,
    to_float,
)
from linnet_geometry.exceptions import ExactInputRequiredError

REL = 1e-8  # relative agreement bound (rounding of a few dozen float operations on well-conditioned data)


@st.composite
def rational_matrices(draw, rows=None, cols=None, max_side=4):
    m = draw(st.integers(1, max_side)) if rows is None else rows
    n = draw(st.integers(1, max_side)) if cols is None else cols
    q = draw(st.integers(1, 9))
    nums = draw(st.lists(st.integers(-5, 5), min_size=m * n, max_size=m * n))
    return sympy.Matrix(m, n, [sympy.Rational(p, q) for p in nums])


def _rational(M):
    return all(isinstance(x, sympy.Rational) for x in M)


def _close(exact_value, float_value, scale):
    e = to_float(exact_value) if isinstance(exact_value, sympy.MatrixBase) else float(exact_value)
    f = np.asarray(float_value, dtype=float)
    return np.shape(e) == np.shape(f) and float(np.max(np.abs(e - f), initial=0.0)) <= REL * max(1.0, scale)


def _scale(*mats):
    return max([float(np.max(np.abs(to_float(M)), initial=0.0)) for M in mats] + [1.0])


def test_instances_follow_the_protocol_and_are_chosen_from_the_inputs():
    assert isinstance(EXACT, Representation) and isinstance(FLOAT, Representation)
    assert (EXACT.exact, EXACT.name, FLOAT.exact, FLOAT.name) == (True, "exact", False, "float")
    A = sympy.Matrix([[1, 2]])
    assert representation_of(A, None, A) is EXACT
    assert representation_of(A, np.ones((1, 2))) is FLOAT
    assert representation_of(A, exact=False) is FLOAT
    assert representation(True) is EXACT and representation(False) is FLOAT


def test_exact_convert_refuses_floats_and_keeps_rationals():
    from fractions import Fraction

    with pytest.raises(ExactInputRequiredError):
        EXACT.convert(np.array([[0.5]]))
    M = EXACT.convert([[Fraction(1, 3), np.int8(2)]])
    assert M == sympy.Matrix([[sympy.Rational(1, 3), 2]]) and _rational(M)
    assert EXACT.convert(np.array([[1, 0]], dtype=np.int8)) == sympy.Matrix([[1, 0]])


@settings(max_examples=40)
@given(rational_matrices(), st.data())
def test_products_agree_and_stay_rational(A, data):
    B = data.draw(rational_matrices(rows=A.cols))
    C = data.draw(rational_matrices(rows=B.cols))
    exact = EXACT.product([B, A], B.cols)  # A·B (input-first order)
    assert exact == A @ B and _rational(exact)
    flt = FLOAT.product([to_float(B), to_float(A)], B.cols)
    assert _close(exact, flt, _scale(A) * _scale(B) * A.cols)
    chain = EXACT.product([C, B, A], C.cols)
    assert chain == A @ B @ C and _rational(chain)
    assert _close(chain, FLOAT.product([to_float(M) for M in (C, B, A)], C.cols),
                  _scale(A) * _scale(B) * _scale(C) * 16)
    assert EXACT.product([], 3) == sympy.eye(3) and np.array_equal(FLOAT.product([], 3), np.eye(3))


@settings(max_examples=40)
@given(rational_matrices(), rational_matrices())
def test_kronecker_khatri_rao_hadamard_agree_and_stay_rational(A, B):
    K = EXACT.kron(A, B)
    assert _rational(K) and _close(K, FLOAT.kron(to_float(A), to_float(B)), _scale(A) * _scale(B))
    assert K == sympy.Matrix(sympy.kronecker_product(A, B))  # sympy's own Kronecker product, another route
    Bc = sympy.Matrix(B.rows, A.cols, lambda i, j: B[i % B.rows, j % B.cols])  # same number of columns as A
    KR = EXACT.khatri_rao(A, Bc)
    assert _rational(KR) and _close(KR, FLOAT.khatri_rao(to_float(A), to_float(Bc)), _scale(A) * _scale(Bc))
    for j in range(A.cols):  # column j is A[:, j] ⊗ Bc[:, j]
        assert KR[:, j] == EXACT.kron(A[:, j], Bc[:, j])
    A2 = sympy.Matrix(A.rows, A.cols, lambda i, j: B[i % B.rows, j % B.cols])
    H = EXACT.multiply(A, A2)
    assert _rational(H) and _close(H, FLOAT.multiply(to_float(A), to_float(A2)), _scale(A) * _scale(A2))


@settings(max_examples=40)
@given(rational_matrices())
def test_builders_and_shapes_agree(A):
    m, n = A.shape
    for rep in (EXACT, FLOAT):
        assert tuple(rep.eye(m).shape) == (m, m) and tuple(rep.zeros(m, n).shape) == (m, n)
        assert tuple(rep.ones(m, n).shape) == (m, n)
    assert _close(EXACT.eye(m), FLOAT.eye(m), 1) and _close(EXACT.ones(m, n), FLOAT.ones(m, n), 1)
    assert _close(EXACT.zeros(m, n), FLOAT.zeros(m, n), 1)
    Af = to_float(A)
    assert EXACT.entries(A) == list(A) and np.allclose(FLOAT.entries(Af), [float(x) for x in A], rtol=0, atol=0)
    assert EXACT.matrix(m, n, list(A)) == A and np.array_equal(FLOAT.matrix(m, n, FLOAT.entries(Af)), Af)
    R = EXACT.reshape(A, n, m)
    assert _rational(R) and np.array_equal(to_float(R), FLOAT.reshape(Af, n, m))
    D = EXACT.diag(list(A))
    assert _rational(D) and np.array_equal(to_float(D), FLOAT.diag(FLOAT.entries(Af)))
    S = EXACT.hstack(A, A)
    assert _rational(S) and np.array_equal(to_float(S), FLOAT.hstack(Af, Af))
    G = EXACT.block([[A, EXACT.zeros(m, 1)], [EXACT.ones(1, n), EXACT.eye(1)]])
    assert _rational(G) and np.array_equal(to_float(G), FLOAT.block([[Af, FLOAT.zeros(m, 1)],
                                                                      [FLOAT.ones(1, n), FLOAT.eye(1)]]))
    assert G[:m, :n] == A and G[m, n] == 1
    V = EXACT.vstack(A, EXACT.ones(1, n))
    assert _rational(V) and np.array_equal(to_float(V), FLOAT.vstack(Af, FLOAT.ones(1, n)))
    I = EXACT.immutable(A)
    assert isinstance(I, sympy.ImmutableMatrix) and I == A
    If = FLOAT.immutable(Af)
    assert not If.flags.writeable and np.array_equal(If, Af)


@settings(max_examples=40)
@given(rational_matrices())
def test_vectors_agree_and_multiply_as_columns(A):
    row = list(A[0, :])  # A.cols entries
    v, vf = EXACT.vector(row), FLOAT.vector(FLOAT.entries(to_float(A[0, :])))
    assert isinstance(v, sympy.ImmutableMatrix) and v.shape == (A.cols, 1) and _rational(v)
    assert vf.shape == (A.cols,) and np.array_equal(to_float(v).ravel(), vf)
    Av = A @ v  # a matrix times the vector: the column A·row, in both representations
    assert _rational(Av) and Av == A @ sympy.Matrix(A.cols, 1, row)
    assert _close(Av, (to_float(A) @ vf).reshape(-1, 1), _scale(A) * _scale(A) * A.cols)
    for rep in (EXACT, FLOAT):  # no entries: M @ vector([]) is the zero vector of M's rows
        assert rep.is_zero(rep.zeros(A.rows, 0) @ rep.vector([]))
        assert np.shape(rep.zeros(A.rows, 0) @ rep.vector([]))[0] == A.rows


@settings(max_examples=40)
@given(rational_matrices())
def test_scalars_agree_and_stay_rational(A):
    sc = _scale(A)
    for op in ("total", "sum_squares"):
        e, f = getattr(EXACT, op)(A), getattr(FLOAT, op)(to_float(A))
        assert isinstance(f, float) and (e == 0 or isinstance(e, sympy.Rational))
        assert abs(float(e) - f) <= REL * max(1.0, sc * sc * len(A))
    assert EXACT.sum_squares(A) == sum(x**2 for x in A)
    e_norm, f_norm = EXACT.norm(A), FLOAT.norm(to_float(A))
    assert isinstance(e_norm, float) and abs(e_norm - f_norm) <= REL * max(1.0, f_norm)
    assert abs(EXACT.norm(A, A) - math.sqrt(2) * e_norm) <= REL * max(1.0, e_norm)
    S = A.T @ A  # square
    t = EXACT.trace(S)
    assert isinstance(t, sympy.Rational) and abs(float(t) - FLOAT.trace(to_float(S))) <= REL * max(1.0, float(t))
    d = EXACT.det(S)
    hadamard = math.prod(max(1.0, float(np.linalg.norm(to_float(S)[i]))) for i in range(S.rows))
    assert isinstance(d, sympy.Rational) and abs(float(d) - FLOAT.det(to_float(S))) <= REL * hadamard
    assert EXACT.det(sympy.zeros(0, 0)) == 1 and FLOAT.det(np.zeros((0, 0))) == 1.0
    x = EXACT.sum_squares(A)
    r = EXACT.sqrt(x)
    assert r**2 == x and abs(float(r) - FLOAT.sqrt(float(x))) <= REL * max(1.0, float(r))
    assert FLOAT.sqrt(-1e-300) == 0.0  # a rounding-negative square counts as 0
    assert EXACT.number(2 * t) == 2 * t and FLOAT.number(2 * t) == float(2 * t)
    assert EXACT.plain(t) == str(t) and FLOAT.plain(t) == float(t)


@settings(max_examples=40)
@given(rational_matrices())
def test_rank_agrees(A):
    r = EXACT.rank(A)
    assert r == FLOAT.rank(to_float(A)) == rank(A) == rank(to_float(A))
    assert r == A.rank()  # sympy's own elimination, another route


@settings(max_examples=40)
@given(rational_matrices())
def test_null_spaces_agree_and_exact_basis_is_rational(A):
    Af = to_float(A)
    for left in (False, True):
        ex = EXACT.null_space(A, left=left)
        fl = FLOAT.null_space(Af, left=left)
        M = A.T if left else A
        assert len(ex) == len(fl) == M.cols - EXACT.rank(A)
        for v in ex:
            assert _rational(v) and M @ v == sympy.zeros(M.rows, 1)
        if fl:
            Q = np.hstack(fl)
            assert np.allclose(Q.T @ Q, np.eye(Q.shape[1]), atol=1e-12)  # orthonormal
            assert float(np.linalg.norm(to_float(M) @ Q)) <= REL * max(1.0, _scale(A) * M.cols)
            for v in ex:  # the exact basis lies in the float span
                vf = to_float(v).ravel()
                assert float(np.linalg.norm(vf - Q @ (Q.T @ vf))) <= REL * max(1.0, float(np.linalg.norm(vf)))


@settings(max_examples=40)
@given(rational_matrices(), st.data())
def test_solve_agrees_and_stays_rational(A, data):
    S = A.T @ A + sympy.eye(A.cols)  # symmetric positive definite, so invertible
    B = data.draw(rational_matrices(rows=A.cols))
    X = EXACT.solve(S, B)
    assert _rational(X) and S @ X == B
    Xf = FLOAT.solve(to_float(S), to_float(B))
    cond = float(np.linalg.cond(to_float(S)))
    assert float(np.max(np.abs(to_float(X) - Xf))) <= REL * cond * max(1.0, _scale(X))


@settings(max_examples=40)
@given(rational_matrices())
def test_zero_decisions_agree(A):
    bound = 1e-9 * _scale(A)  # a bound relative to the data's scale
    assert EXACT.is_zero(A) == FLOAT.is_zero(to_float(A), bound=bound) == all(x == 0 for x in A)
    Z = A - A
    assert EXACT.is_zero(Z, A * 0) and FLOAT.is_zero(to_float(Z), bound=0.0)
    assert EXACT.is_zero(A, bound=1e9) == all(x == 0 for x in A)  # the exact decision ignores the bound
