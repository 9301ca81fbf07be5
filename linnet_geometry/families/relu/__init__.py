"""ReLU activation regions, Jacobian ranks and the full-rank phase transition.

Setting (KMTM2024): a shallow network ``F(W, x) = sum_{i=1}^{d1} v_i relu(<w_i, x>)``
with fixed nonzero output weights ``v``, trainable first layer ``W`` (``d1 x d0``),
data ``X`` (``d0 x n``, one column per sample) and the squared loss
``L(W) = sum_j (F(W, x_j) - y_j)^2``.  Biases are handled by appending a constant
input coordinate (:func:`with_bias`), so ``d0' = d0 + 1`` counts the bias.

An *activation pattern* is a binary matrix ``A`` (``d1 x n``); its *region* is the
open polyhedral cone of weights ``W`` with ``<w_i, x_j> > 0`` exactly where
``A[i, j] = 1``.  Inside a region the network is linear in ``W`` and the Jacobian of
the ``n`` outputs is the column-wise Khatri--Rao product ``(diag(v) A) * X`` of
shape ``(d0 d1, n)`` (row ``i d0 + k`` belongs to the weight ``W[i, k]``).  If it
has rank ``n`` every differentiable critical point in the region is a global
minimum (KMTM2024).  Since the loss restricted to a region is a convex quadratic,
every critical point inside a region is a local minimum and all of them share one
value; full rank decides whether that value is zero.

Exact core, numeric edge: for exact data (int, Fraction, sympy Rational) ranks are
computed over QQ with :class:`~sympy.polys.matrices.DomainMatrix` and linear
programs are decided exactly; floats go through SVD / scipy with a stated tolerance.

Modules by topic: :mod:`.regions` (patterns, realizability), :mod:`.jacobians`
(Khatri--Rao Jacobians, ranks, critical sets), :mod:`.counting` (exact counts and
full-rank fractions), :mod:`.monte_carlo` (sampled fractions, the phase transition),
:mod:`.deep` (deep networks).

Examples
--------
>>> X = with_bias([[0, 1, 2]])
>>> A = activation_pattern([[2, -1], [-2, 3]], X)
>>> A
array([[0, 1, 1],
       [1, 1, 0]], dtype=int8)
>>> is_realizable(A, X), jacobian_rank(A, X)
(True, 3)
"""

from __future__ import annotations

# public limits of the module before it was split (importable, not in __all__)
from ._common import MAX_ENUMERATION, MAX_SAMPLE_BYTES  # noqa: F401
from .counting import (
    MAX_COUNT_BITS,
    MAX_COUNT_COST,
    FullRankCount,
    count_regions,
    cover_count,
    exact_full_rank_fraction,
    one_dim_full_rank_fraction,
    one_dim_zero_loss_dimension,
    realizable_row_patterns,
    step_patterns,
)
from .deep import DeepRegionJacobians, deep_region_jacobians
from .jacobians import RegionCriticalSet, generic_jacobian_rank, jacobian_rank, region_critical_set, region_jacobian
from .monte_carlo import (
    MAX_PHASE_SAMPLES,  # noqa: F401 (importable, not in __all__)
    MC_TOL,
    SAMPLERS,
    FullRankFraction,
    PhaseTransition,
    draw_phase_transition,
    full_rank_fraction,
    phase_transition,
)
from .regions import activation_pattern, is_realizable, region_interior_point, with_bias

__all__ = [
    "with_bias",
    "activation_pattern",
    "is_realizable",
    "region_interior_point",
    "region_jacobian",
    "jacobian_rank",
    "generic_jacobian_rank",
    "region_critical_set",
    "RegionCriticalSet",
    "cover_count",
    "MAX_COUNT_COST",
    "MAX_COUNT_BITS",
    "count_regions",
    "realizable_row_patterns",
    "exact_full_rank_fraction",
    "FullRankCount",
    "step_patterns",
    "one_dim_full_rank_fraction",
    "one_dim_zero_loss_dimension",
    "full_rank_fraction",
    "FullRankFraction",
    "SAMPLERS",
    "MC_TOL",
    "phase_transition",
    "PhaseTransition",
    "draw_phase_transition",
    "deep_region_jacobians",
    "DeepRegionJacobians",
]
