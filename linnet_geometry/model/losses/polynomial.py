"""Polynomial losses: any polynomial with rational coefficients in the entries of ``W``."""

from __future__ import annotations

import numbers
from fractions import Fraction

import numpy as np
import sympy

from ...exact.matrix import is_exact_matrix
from ...exact.representation import representation_of
from ...exceptions import InputTypeError
from .base import Loss
from .parsing import _check_polynomial, parse_polynomial

__all__ = ["PolynomialLoss"]


class PolynomialLoss(Loss):
    """A polynomial ``ℓ`` with rational coefficients in the entries of a matrix of symbols.

    Parameters
    ----------
    expr : sympy expression or str
        The loss, a polynomial in the entries of ``W`` with rational coefficients.
        A string is read by :func:`parse_polynomial` (a whitelist parser that
        evaluates nothing).  Anything else (``sin``, ``sqrt``, ``1/x``, ``I``,
        ``pi``, ``nan``, floats) raises a typed error at construction.
    W : sympy Matrix of Symbols
        Stands for the end-to-end matrix ``W̄``.
    convex : bool, default False
        Declare ℓ convex (enables convexity certificates; not checked).

    Examples
    --------
    >>> import sympy
    >>> W = sympy.Matrix(1, 2, sympy.symbols("a b"))
    >>> loss = PolynomialLoss((W[0] - 1)**2 + 3*(W[1] - 2)**2, W)
    >>> loss.value([[1, 0]])
    12
    >>> loss.gradient([[0, 0]])
    Matrix([[-2, -12]])
    >>> PolynomialLoss("(a - 1)^2 + 3*(b - 2)^2", W).expr == loss.expr
    True
    """

    def __init__(self, expr, W, convex: bool = False):
        if not isinstance(W, sympy.MatrixBase) or not all(isinstance(x, sympy.Symbol) for x in W):
            raise InputTypeError(f"W must be a sympy Matrix of Symbols; received {type(W).__name__}")
        if len(set(W)) != len(W):
            raise InputTypeError("W must have distinct symbols; received repeated symbols")
        if isinstance(expr, str):
            expr = parse_polynomial(expr, W)
        elif isinstance(expr, (bool, np.bool_)):
            raise InputTypeError(f"expr is the bool {expr!r}; expected a polynomial (sympy expression or string)")
        elif isinstance(expr, (numbers.Integral, np.integer)):
            expr = sympy.Integer(int(expr))
        elif isinstance(expr, Fraction):
            expr = sympy.Rational(expr.numerator, expr.denominator)
        elif isinstance(expr, (float, np.floating)):
            raise InputTypeError(f"expr is the float {expr!r}; expected exact coefficients (use sympy.Rational)")
        elif not isinstance(expr, sympy.Expr):
            raise InputTypeError(f"expr is of type {type(expr).__name__}; expected a polynomial (sympy expression or "
                                 "string) in the entries of W")
        extra = expr.free_symbols - set(W)
        if extra:
            raise InputTypeError(f"expr may only use the entries of W; received extra symbols {sorted(map(str, extra))}")
        _check_polynomial(expr, W)
        self.expr = expr
        self.symbols = W
        self.shape = tuple(W.shape)
        self.is_convex = bool(convex)
        flat = list(W)
        self._grad = sympy.Matrix(self.shape[0], self.shape[1], [sympy.diff(expr, x) for x in flat])
        self._hess = sympy.hessian(expr, flat)
        self._num = None

    @property
    def is_exact(self):
        return True

    def _subs(self, W):
        return dict(zip(list(self.symbols), list(W)))

    def _numeric(self):
        if self._num is None:
            flat = list(self.symbols)
            self._num = (sympy.lambdify([flat], self.expr, "numpy"),
                         sympy.lambdify([flat], self._grad, "numpy"),
                         sympy.lambdify([flat], self._hess, "numpy"))
        return self._num

    def _evaluate(self, k, W):
        """Value (k = 0), gradient (1) or Hessian (2) at W: exact substitution multiplied out, or the compiled
        float function (the two evaluation engines of a polynomial)."""
        if is_exact_matrix(W):
            out = (self.expr, self._grad, self._hess)[k].xreplace(self._subs(W))
            return out.applyfunc(sympy.expand) if k else sympy.expand(out)
        return self._numeric()[k](list(np.ravel(W)))

    def _value(self, W):
        return representation_of(W).number(self._evaluate(0, W))

    def _gradient(self, W):
        rep = representation_of(W)
        return rep.reshape(rep.convert(self._evaluate(1, W)), *self.shape)

    def _hessian(self, W):
        rep, n = representation_of(W), self.shape[0] * self.shape[1]
        return rep.reshape(rep.convert(self._evaluate(2, W)), n, n)

    def describe(self):
        return f"polynomial loss {self.expr}"

    def __repr__(self):
        return f"PolynomialLoss({self.expr}, W={self.symbols.tolist()})"

    def _latex(self, printer=None):
        return rf"\ell(W) = {sympy.latex(self.expr)}"

    def _repr_latex_(self):
        return f"${self._latex()}$"

    def to_dict(self):
        """Plain-data description (JSON-ready)."""
        return {"type": "polynomial", "expr": str(self.expr), "symbols": [str(s) for s in self.symbols]}
