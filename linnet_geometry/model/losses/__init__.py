"""Losses on matrices: value, gradient and Hessian, exact for exact input.

A loss ``ℓ`` acts on the end-to-end matrix ``W̄`` of shape ``(rows, cols)``.
Gradients are matrices of the same shape; Hessians are ``(rows·cols) ×
(rows·cols)`` matrices in the row-major vectorisation of
:mod:`linnet_geometry.model.network`.  Exact input (sympy Matrix) gives exact
output; float input gives float64 arrays.

* :mod:`.base` — the abstract contracts :class:`Loss` (a function of ``W̄``)
  and :class:`ParameterLoss` (a function of ``θ``, e.g. weight decay);
* :mod:`.quadratic` — :class:`QuadraticLoss` (squared distance, least squares),
  :class:`WeightedQuadraticLoss`, :class:`MatrixSensingLoss`;
* :mod:`.polynomial` — :class:`PolynomialLoss`;
* :mod:`.parsing` — :func:`parse_polynomial`, a whitelist parser that evaluates nothing.
"""

from .base import MAX_EXACT_HESSIAN_SIDE, MAX_FLOAT_HESSIAN_SIDE, Loss, ParameterLoss, _check_data, check_loss_shape
from .parsing import MAX_EXPONENT, MAX_EXPR_LENGTH, _check_polynomial, parse_polynomial
from .polynomial import PolynomialLoss
from .quadratic import MatrixSensingLoss, QuadraticLoss, WeightedQuadraticLoss, _str_rows

__all__ = ["Loss", "QuadraticLoss", "PolynomialLoss", "WeightedQuadraticLoss", "MatrixSensingLoss",
           "parse_polynomial", "MAX_EXPR_LENGTH", "MAX_EXPONENT", "MAX_EXACT_HESSIAN_SIDE", "MAX_FLOAT_HESSIAN_SIDE",
           "ParameterLoss", "check_loss_shape"]
