"""LinearNetwork: parameterization, partial products, differential and its rank (THEORY §1)."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from linnet_geometry import LinearNetwork
from linnet_geometry.exceptions import LinnetError, ShapeError, WidthsError
from linnet_geometry.verification.testing import architectures, exact_thetas


@pytest.mark.parametrize("widths", [[], [3], (3, 0, 2), (2, -1, 2), (2, 1.5, 2), (2, True, 2), "3,2,3", 7,
                                    (2, 10**7, 2), (2, None, 2)])
def test_bad_widths_are_typed_errors(widths):
    with pytest.raises(WidthsError) as err:
        LinearNetwork(widths)
    assert isinstance(err.value, ValueError) and isinstance(err.value, LinnetError)
    assert "expected" in str(err.value)


def test_basic_properties():
    net = LinearNetwork((3, 2, 4, 3))
    assert net.depth == 3 and net.bottleneck == 2 and not net.is_filling
    assert net.num_params == 2 * 3 + 4 * 2 + 3 * 4
    assert LinearNetwork((2, 3, 4)).is_filling
    assert net.functional_space.dim == 2 * (3 + 3 - 2)
    assert [W.shape for W in net.weights] == [(2, 3), (4, 2), (3, 4)]


def test_shape_mismatch_messages():
    net = LinearNetwork((2, 3, 2))
    with pytest.raises(ShapeError, match=r"W_2\) has shape \(3, 2\); expected \(2, 3\)"):
        net.end_to_end([sympy.zeros(3, 2), sympy.zeros(3, 2)])
    with pytest.raises(ShapeError, match="expected 2"):
        net.end_to_end([sympy.zeros(3, 2)])


def _draw_point(data):
    """A network (depth and widths ≤ 3) and an exact point θ on it."""
    widths = data.draw(architectures(max_depth=3, max_width=3))
    return LinearNetwork(widths), data.draw(exact_thetas(widths))


@pytest.mark.theorem("TKB2020")
@settings(max_examples=40)
@given(st.data())
def test_rank_formula_equals_explicit_jacobian(data):
    net, theta = _draw_point(data)
    J = net.differential(theta)
    assert net.differential_rank(theta) == J.rank()
    # the symbolic Jacobian evaluated at θ is the same matrix
    sub = dict(zip(net.parameters, [x for W in theta for x in W]))
    assert net.differential().xreplace(sub) == J
    # numeric route: float θ, SVD rank
    ftheta = [np.array(W.tolist(), dtype=float) for W in theta]
    assert net.differential_rank(ftheta) == np.linalg.matrix_rank(np.array(J.tolist(), dtype=float))


@pytest.mark.theorem("TKB2020")
@settings(max_examples=40)
@given(st.data())
def test_maximal_rank_criterion(data):
    net, theta = _draw_point(data)
    full = net.differential_rank(theta) == net.functional_space.dim
    assert net.has_maximal_rank_differential(theta) == full
    # consequence: dμ can drop rank only where rk W̄ < r
    if net.end_to_end(theta).rank() == net.bottleneck:
        assert full


def test_partial_products_definition():
    net = LinearNetwork((2, 3, 1, 2))
    th = [sympy.Matrix(3, 2, range(6)), sympy.Matrix(1, 3, [1, -1, 2]), sympy.Matrix(2, 1, [3, 5])]
    pp = net.partial_products(th)
    W1, W2, W3 = th
    assert pp[0] == (W3 * W2, sympy.eye(2))
    assert pp[1] == (W3, W1)
    assert pp[2] == (sympy.eye(2), W2 * W1)
    assert net.end_to_end(th) == W3 * W2 * W1


def test_float_and_exact_differential_agree():
    net = LinearNetwork((2, 2, 3))
    th = [sympy.Matrix([[1, 2], [0, 1]]), sympy.Matrix([[1, 0], [2, 1], [0, 3]])]
    J = net.differential(th)
    Jf = net.differential([np.array(W.tolist(), dtype=float) for W in th])
    assert np.allclose(np.array(J.tolist(), dtype=float), Jf)


def test_unflatten_refuses_strings_and_inverts_flatten():
    """unflatten never evaluates text (sympy.Matrix would sympify it) and is the inverse of flatten."""
    from linnet_geometry.exceptions import InputTypeError

    net = LinearNetwork((2, 1, 1))
    with pytest.raises(InputTypeError, match=r"vector\[0\] is the string"):
        net.unflatten(['__import__("os")', 1, 2])
    with pytest.raises(InputTypeError):
        net.unflatten([1, b"2", 3], exact=True)
    theta = ([[1, sympy.Rational(1, 3)]], [[-2]])
    assert net.unflatten(net.flatten(theta)) == net.validate_theta(theta)
