"""Losses: values, gradients and Hessians, exact; the data form reduces to a squared distance (BH1989)."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from linnet_geometry import PolynomialLoss, QuadraticLoss
from linnet_geometry.exceptions import InputTypeError, NonFiniteError, ShapeError, SingularDataError


@pytest.mark.theorem("BH1989")
@settings(max_examples=30)
@given(st.lists(st.integers(-3, 3), min_size=8, max_size=8), st.lists(st.integers(-3, 3), min_size=6, max_size=6),
       st.lists(st.integers(-3, 3), min_size=2, max_size=2))
def test_data_form_equals_reduced_form(x, y, w):
    X = sympy.Matrix(2, 4, x)
    Y = sympy.Matrix(1, 4, y[:4])
    if X.rank() < 2:
        with pytest.raises(SingularDataError):
            QuadraticLoss.from_data(X, Y)
        return
    loss = QuadraticLoss.from_data(X, Y)
    W = sympy.Matrix(1, 2, w)
    direct = sum(v**2 for v in (W * X - Y))
    reduced = ((W - loss.target) * loss.covariance * (W - loss.target).T)[0] + loss.offset
    assert loss.value(W) == direct == reduced
    assert loss.gradient(W) == 2 * (W * X - Y) * X.T


def test_gradient_hessian_match_sympy():
    U = sympy.Matrix([[1, 2, 0], [3, -1, 1]])
    loss = QuadraticLoss(U)
    Wsym = sympy.Matrix(2, 3, sympy.symbols("a:6"))
    expr = sum((a - b) ** 2 for a, b in zip(Wsym, U))
    pl = PolynomialLoss(expr, Wsym)
    W = sympy.Matrix([[0, 1, 1], [2, 2, -1]])
    assert loss.value(W) == pl.value(W)
    assert loss.gradient(W) == pl.gradient(W)
    assert loss.hessian(W) == pl.hessian(W)
    assert np.allclose(pl.hessian(np.ones((2, 3))), np.array(loss.hessian(W).tolist(), dtype=float))


def test_errors():
    with pytest.raises(SingularDataError, match="singular"):
        QuadraticLoss.from_data([[1, 2], [2, 4]], [[1, 1]])
    with pytest.raises(ShapeError, match="samples"):
        QuadraticLoss.from_data([[1, 0], [0, 1]], [[1, 1, 1]])
    with pytest.raises(NonFiniteError):
        QuadraticLoss([[float("nan"), 1.0]])
    with pytest.raises(ShapeError, match=r"expected \(1, 2\)"):
        QuadraticLoss([[1, 2]]).value([[1, 2, 3]])
    with pytest.raises(InputTypeError):
        PolynomialLoss(sympy.Symbol("z"), sympy.Matrix([[sympy.Symbol("a")]]))
    with pytest.raises(InputTypeError):
        QuadraticLoss([[True, 1]])
