"""The activation sigma of a two-layer network and SGJ2021's hypotheses on it (THEORY.md §5).

SGJ2021's counts of zero-loss pieces hold for a sigma with ``sigma(0) != 0`` and
infinitely many non-zero odd and even derivatives at 0; :func:`activation_assumptions`
checks this exactly on finitely many orders.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import sympy

from ...exceptions import AssumptionError, InputTypeError, ParseError
from ._checks import _check_size

__all__ = ["SymmetryAssumptionWarning", "Activation", "as_activation", "ActivationReport", "activation_assumptions"]

_T = sympy.Symbol("t", real=True)


class SymmetryAssumptionWarning(UserWarning):
    """sigma does not satisfy the hypotheses of SGJ2021 (results lose the theorem's guarantee).

    Examples
    --------
    >>> import warnings
    >>> from linnet_geometry.families.symmetry import example_teacher, global_minimum_subspaces
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     pieces = list(global_minimum_subspaces(example_teacher(1, 1, sigma="tanh"), 2))
    >>> [w.category.__name__ for w in caught]
    ['SymmetryAssumptionWarning']
    """


@dataclass(frozen=True)
class Activation:
    """An activation function sigma given by a sympy expression in ``symbol``.

    Examples
    --------
    >>> as_activation("exp")
    Activation('exp': exp(t))
    >>> import numpy as np
    >>> float(as_activation("g").numeric()(np.array([0.0]))[0])  # 1/2 + log 2
    1.1931471805599454
    """

    name: str
    expr: sympy.Expr
    symbol: sympy.Symbol = _T

    def __repr__(self):
        return f"Activation({self.name!r}: {self.expr})"

    def __call__(self, u):
        """sigma applied to a sympy expression ``u``."""
        return self.expr.xreplace({self.symbol: u})

    def derivative(self, order=1):
        """The ``order``-th derivative as an :class:`Activation`."""
        return Activation(f"{self.name}^({order})", sympy.diff(self.expr, self.symbol, order), self.symbol)

    def numeric(self, order=0):
        """A numpy-vectorised function computing the ``order``-th derivative."""
        return _lambdified(self.expr, self.symbol, order)

    def to_dict(self):
        return {"name": self.name, "expr": str(self.expr)}


@lru_cache(maxsize=64)
def _lambdified(expr, symbol, order):
    if expr.atoms(sympy.core.function.AppliedUndef):
        raise InputTypeError(f"sigma = {expr} contains an undefined function; numeric evaluation needs an explicit sigma")
    return sympy.lambdify(symbol, sympy.diff(expr, symbol, order), modules="numpy")


def _presets():
    t = _T
    return {
        "g": 1 / (1 + sympy.exp(-4 * t)) + sympy.log(1 + sympy.exp(t)),
        "tanh": sympy.tanh(t),
        "exp": sympy.exp(t),
    }


def as_activation(sigma) -> Activation:
    """Turn a preset name, a sympy function/Lambda/expression into an :class:`Activation`.

    Presets: ``"g"`` (``sigmoid(4t) + softplus(t)``, the function of SGJ2021's
    experiments), ``"tanh"``, ``"exp"``.  A sympy expression must have exactly
    one free symbol.

    Examples
    --------
    >>> as_activation(sympy.tanh).expr
    tanh(t)
    >>> s = sympy.Symbol("s"); as_activation(sympy.cos(s) + s).expr
    t + cos(t)
    """
    if isinstance(sigma, Activation):
        return sigma
    if isinstance(sigma, str):
        presets = _presets()
        if sigma not in presets:
            raise ParseError(f"unknown activation preset {sigma!r}; expected one of {sorted(presets)} or a sympy function")
        return Activation(sigma, presets[sigma])
    if isinstance(sigma, sympy.Lambda):
        if len(sigma.variables) != 1:
            raise InputTypeError(f"sigma must take one argument; received {sigma}")
        return Activation(str(sigma), sigma(_T))
    if isinstance(sigma, sympy.Expr):
        free = sigma.free_symbols
        if len(free) != 1:
            raise InputTypeError(f"sigma expression must have exactly one free symbol; received {sigma} with {sorted(map(str, free))}")
        return Activation(str(sigma), sigma.xreplace({free.pop(): _T}))
    if callable(sigma):
        try:
            expr = sympy.sympify(sigma(_T), strict=True)  # a returned string is refused, never parsed
        except Exception as err:  # user callables raise anything
            raise InputTypeError(f"sigma callable could not be applied to a sympy symbol ({err})") from None
        return Activation(getattr(sigma, "__name__", str(expr)), expr)
    raise InputTypeError(f"sigma must be a preset name, an Activation or a sympy function; received {type(sigma).__name__}")


@dataclass(frozen=True)
class ActivationReport:
    """Outcome of :func:`activation_assumptions` (hypotheses of SGJ2021).

    Examples
    --------
    >>> rep = activation_assumptions("g")
    >>> rep.satisfied, rep.value_at_zero, rep.checked_order
    (True, 1/2 + log(2), 12)
    >>> activation_assumptions("tanh").value_at_zero
    0
    """

    activation: Activation
    value_at_zero: sympy.Expr
    nonzero_odd_orders: tuple
    nonzero_even_orders: tuple
    checked_order: int
    satisfied: bool
    reason: str

    def to_dict(self):
        return {"activation": self.activation.to_dict(), "value_at_zero": str(self.value_at_zero),
                "nonzero_odd_orders": list(self.nonzero_odd_orders),
                "nonzero_even_orders": list(self.nonzero_even_orders),
                "checked_order": self.checked_order, "satisfied": self.satisfied, "reason": self.reason}


@lru_cache(maxsize=32)
def _assumption_report(act, order):
    t = act.symbol
    derivs = []
    expr = act.expr
    for k in range(order + 1):
        derivs.append(expr.subs(t, 0))
        expr = sympy.diff(expr, t)
    undecided = [k for k, v in enumerate(derivs) if v.is_zero is None]
    odd = tuple(k for k, v in enumerate(derivs) if k % 2 == 1 and v.is_zero is False)
    even = tuple(k for k, v in enumerate(derivs) if k % 2 == 0 and v.is_zero is False)
    reasons = []
    if undecided:
        reasons.append(f"cannot decide whether the derivatives of orders {undecided} vanish at 0")
    if derivs[0].is_zero is not False:
        reasons.append(f"sigma(0) = {derivs[0]}; expected sigma(0) != 0")
    if act.expr.is_polynomial(t):
        reasons.append("sigma is a polynomial (finitely many non-zero derivatives)")
    top_odd = order if order % 2 else order - 1
    top_even = order if order % 2 == 0 else order - 1
    if top_odd not in odd:
        reasons.append(f"sigma^({top_odd})(0) = 0: no evidence of infinitely many non-zero odd derivatives")
    if top_even not in even:
        reasons.append(f"sigma^({top_even})(0) = 0: no evidence of infinitely many non-zero even derivatives")
    ok = not reasons
    return ActivationReport(act, derivs[0], odd, even, order, ok,
                            "satisfied up to the checked order" if ok else "; ".join(reasons))


def activation_assumptions(sigma, order=12) -> ActivationReport:
    """Check SGJ2021's hypotheses on sigma: ``sigma(0) != 0`` and infinitely many
    non-zero odd and even derivatives at 0.

    Only finitely many derivatives can be inspected: the check is exact on the
    orders ``0..order`` and requires non-zero derivatives at the two highest
    checked orders (one odd, one even) and sigma not a polynomial.  A failure
    is therefore conservative (e.g. ``tanh`` fails exactly: ``tanh(0) = 0``
    and all even derivatives vanish).

    Examples
    --------
    >>> activation_assumptions("g").satisfied
    True
    >>> r = activation_assumptions("tanh"); r.satisfied, r.nonzero_even_orders
    (False, ())
    """
    order = _check_size(order, "order", 2)
    return _assumption_report(as_activation(sigma), order)


def _enforce_assumptions(sigma, require):
    report = activation_assumptions(sigma)
    if not report.satisfied:
        msg = (f"sigma = {report.activation.expr} does not satisfy the hypotheses of SGJ2021 "
               f"(expected sigma(0) != 0 and infinitely many non-zero odd and even derivatives at 0): {report.reason}")
        if require:
            raise AssumptionError(msg)
        warnings.warn(msg + "; the pieces are still computed but are not guaranteed to be all global minima",
                      SymmetryAssumptionWarning, stacklevel=3)
    return report


