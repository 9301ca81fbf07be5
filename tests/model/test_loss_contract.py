"""The Loss contract, checked once for every concrete subclass in the package (geomstats-style contract tests).

Every concrete :class:`~linnet_geometry.model.losses.Loss` defined anywhere in
``linnet_geometry`` is collected by walking ``Loss.__subclasses__()``
recursively after importing every module of the package; each needs a
factory below (a new subclass without one fails
:func:`test_every_loss_subclass_has_a_factory`).  Checked for each:

* value, gradient and Hessian agree with central finite differences (float
  path, tolerance relative to the scale of the quantity);
* the Hessian is symmetric (exactly for exact input);
* exactness: exact input gives exact sympy output equal to the symbolic
  derivatives of ``ℓ`` (``sympy.diff`` of the hook applied to a matrix of
  symbols); float input gives floats;
* a point of the wrong shape raises ``ShapeError`` (a ``ValueError``);
* declared attributes: ``shape``, ``is_convex`` (checked: a convex loss has a
  positive semidefinite Hessian), ``acts_on_parameters is False``.
"""

import importlib
import inspect
import pkgutil
import sys
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

import linnet_geometry
from linnet_geometry.exceptions import ShapeError
from linnet_geometry.model.losses import (Loss, MatrixSensingLoss, ParameterLoss, PolynomialLoss, QuadraticLoss,
                                          WeightedQuadraticLoss)


def _import_every_module():
    for info in pkgutil.walk_packages(linnet_geometry.__path__, linnet_geometry.__name__ + "."):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue
        importlib.import_module(info.name)


def _concrete_subclasses(cls):
    """Concrete subclasses defined at module level in the package (not classes of doctests or tests)."""
    out, stack = [], list(cls.__subclasses__())
    while stack:
        sub = stack.pop()
        stack.extend(sub.__subclasses__())
        module = sys.modules.get(sub.__module__)
        if (sub.__module__.startswith("linnet_geometry.") and module is not None
                and getattr(module, sub.__qualname__, None) is sub and not inspect.isabstract(sub)):
            out.append(sub)
    return sorted(set(out), key=lambda c: c.__qualname__)


_import_every_module()
SUBCLASSES = _concrete_subclasses(Loss)


def _symbols(shape):
    return sympy.Matrix(shape[0], shape[1], sympy.symbols(f"w0:{shape[0] * shape[1]}"))


def _half_least_squares(cls):
    X = sympy.Matrix([[1, 0, 1], [0, 1, 1]])
    Y = sympy.Matrix([[1, 2, 3]])
    return cls(X, Y)


#: class name -> factory(cls) returning [(case id, instance), ...]; exact and float data where the class has both
FACTORIES = {
    "QuadraticLoss": lambda cls: [
        ("exact", cls([[2, 1], [0, 1]])),
        ("data", cls.from_data([[1, 0, 1], [0, 1, 1]], [[1, 2, 3], [0, 1, -1]])),
        ("float", cls([[2.0, 0.5], [0.0, 1.0]]))],
    "WeightedQuadraticLoss": lambda cls: [
        ("exact", cls([[1, 0], [2, 1]], [[1, 2], [3, 4]])),
        ("float", cls([[1.0, 0.0], [2.0, 1.0]], [[1.0, 0.5], [3.0, 4.0]]))],
    "MatrixSensingLoss": lambda cls: [
        ("exact", cls([[[1, 0], [0, 0]], [[0, 1], [1, 0]], [[1, 1], [0, 1]]], [1, 2, 0])),
        ("float", cls([[[1.0, 0.0], [0.0, 0.0]], [[0.0, 1.0], [1.0, 0.0]]], [1.0, 0.5]))],
    "PolynomialLoss": lambda cls: [
        ("quartic", cls("(w0*w3 - w1*w2 - 1)^2 + w0^3*w1/2 + w2^2", _symbols((2, 2))))],
    "_HalfLeastSquares": lambda cls: [("exact", _half_least_squares(cls))],
}

CASES = [pytest.param(loss, id=f"{sub.__qualname__}-{name}")
         for sub in SUBCLASSES if sub.__qualname__ in FACTORIES
         for name, loss in FACTORIES[sub.__qualname__](sub)]


def test_every_loss_subclass_has_a_factory():
    names = {sub.__qualname__ for sub in SUBCLASSES}
    assert {"QuadraticLoss", "WeightedQuadraticLoss", "MatrixSensingLoss", "PolynomialLoss"} <= names
    missing = sorted(names - set(FACTORIES))
    assert not missing, f"Loss subclasses without a factory in tests/model/test_loss_contract.py: {missing}"
    # each factory builds instances of exactly its class
    for sub in SUBCLASSES:
        assert all(type(loss) is sub for _, loss in FACTORIES[sub.__qualname__](sub))


def test_the_contract_is_abstract():
    with pytest.raises(TypeError):
        Loss()
    assert Loss.acts_on_parameters is False and ParameterLoss.acts_on_parameters is True

    class NoHessian(Loss):
        shape = (1, 1)
        is_exact = True

        def _value(self, W):
            return W[0, 0] ** 2

        def _gradient(self, W):
            return 2 * W

    with pytest.raises(TypeError, match="_hessian"):
        NoHessian()


def _float_points(shape):
    n = shape[0] * shape[1]
    return st.lists(st.floats(-2, 2, allow_nan=False, allow_infinity=False), min_size=n, max_size=n).map(
        lambda xs: np.array(xs, dtype=float).reshape(shape))


def _exact_points(shape):
    n = shape[0] * shape[1]
    return st.lists(st.fractions(-3, 3, max_denominator=4), min_size=n, max_size=n).map(
        lambda xs: sympy.Matrix(shape[0], shape[1], [sympy.Rational(x.numerator, x.denominator) for x in xs]))


@pytest.mark.parametrize("loss", CASES)
def test_declared_attributes(loss):
    assert isinstance(loss, Loss) and not isinstance(loss, ParameterLoss)
    assert loss.acts_on_parameters is False
    assert isinstance(loss.is_convex, bool) and isinstance(loss.is_exact, bool)
    assert len(loss.shape) == 2 and all(isinstance(k, int) and k > 0 for k in loss.shape)
    assert isinstance(loss.describe(), str) and loss.describe()


@pytest.mark.parametrize("loss", CASES)
@settings(max_examples=12)
@given(data=st.data())
def test_derivatives_match_central_differences(loss, data):
    W = data.draw(_float_points(loss.shape))
    m, n = loss.shape
    value = loss.value(W)
    G = np.asarray(loss.gradient(W), dtype=float)
    H = np.asarray(loss.hessian(W), dtype=float)
    assert isinstance(value, float) and G.shape == (m, n) and H.shape == (m * n, m * n)
    h = 1e-4
    scale_g = max(1.0, abs(value), float(np.max(np.abs(G))))
    scale_h = max(1.0, float(np.max(np.abs(G))), float(np.max(np.abs(H))))
    for k in range(m * n):
        E = np.zeros(m * n)
        E[k] = h
        E = E.reshape(m, n)
        fd_value = (loss.value(W + E) - loss.value(W - E)) / (2 * h)
        assert abs(fd_value - G.flat[k]) <= 1e-5 * scale_g, (k, fd_value, G.flat[k])
        fd_grad = (np.asarray(loss.gradient(W + E), dtype=float) - np.asarray(loss.gradient(W - E), dtype=float)) / (2 * h)
        assert np.max(np.abs(fd_grad.ravel() - H[:, k])) <= 1e-5 * scale_h, (k, fd_grad.ravel(), H[:, k])
    assert np.max(np.abs(H - H.T)) <= 1e-12 * scale_h
    if loss.is_convex:  # a convex loss has a positive semidefinite Hessian everywhere
        assert float(np.min(np.linalg.eigvalsh((H + H.T) / 2))) >= -1e-9 * scale_h


@pytest.mark.parametrize("loss", [c for c in CASES if c.values[0].is_exact])
@settings(max_examples=8)
@given(data=st.data())
def test_exact_input_gives_the_exact_symbolic_derivatives(loss, data):
    W0 = data.draw(_exact_points(loss.shape))
    Wsym = _symbols(loss.shape)
    expr = sympy.expand(loss._value(Wsym))  # the hook applied to a matrix of symbols is the polynomial ℓ
    sub = dict(zip(list(Wsym), list(W0)))
    grad = sympy.Matrix(*loss.shape, [sympy.diff(expr, x) for x in Wsym])
    hess = sympy.hessian(expr, list(Wsym))
    value, G, H = loss.value(W0), loss.gradient(W0), loss.hessian(W0)
    assert isinstance(value, sympy.Basic) and value.is_Rational
    assert isinstance(G, sympy.MatrixBase) and isinstance(H, sympy.MatrixBase)
    assert all(x.is_Rational for x in G) and all(x.is_Rational for x in H)
    assert value == expr.xreplace(sub)
    assert G == grad.xreplace(sub)
    assert H == hess.xreplace(sub)
    assert H == H.T
    # plain Python input (ints, Fractions) is exact too
    plain = [[Fraction(int(x.p), int(x.q)) for x in row] for row in W0.tolist()]
    assert loss.value(plain) == value and loss.gradient(plain) == G


@pytest.mark.parametrize("loss", [c for c in CASES if not c.values[0].is_exact])
def test_float_data_gives_floats_even_for_exact_input(loss):
    W = [[1] * loss.shape[1] for _ in range(loss.shape[0])]
    assert isinstance(loss.value(W), float)
    assert np.asarray(loss.gradient(W)).dtype == float and np.asarray(loss.hessian(W)).dtype == float


@pytest.mark.parametrize("loss", CASES)
def test_wrong_shape_is_a_typed_error(loss):
    m, n = loss.shape
    for bad in (np.zeros((m + 1, n)), np.zeros((m, n + 1)), sympy.zeros(n + 1, m)):
        for method in (loss.value, loss.gradient, loss.hessian):
            with pytest.raises(ShapeError, match=r"shape") as info:
                method(bad)
            assert isinstance(info.value, ValueError)


def test_weight_decay_is_a_parameter_loss():
    from linnet_geometry.landscape.regularized import RegularizedLoss

    loss = RegularizedLoss(([[1]], [[2]]), [1, 1])
    assert isinstance(loss, ParameterLoss) and not isinstance(loss, Loss) and loss.acts_on_parameters is True
    assert not isinstance(QuadraticLoss([[1]]), ParameterLoss)
    assert not isinstance(WeightedQuadraticLoss([[1]], [[1]]), ParameterLoss)
    assert not isinstance(MatrixSensingLoss([[[1]]], [1]), ParameterLoss)
    assert not isinstance(PolynomialLoss("w0^2", _symbols((1, 1))), ParameterLoss)
