r"""Flat minima and benign landscapes: Hessian sharpness, the flattest global minimum, random-start surveys.

Three questions people ask of ``L = ℓ ∘ μ_d`` once its critical points are
known: *how sharp* is a point (trace and largest eigenvalue of ``∇²L``),
*which* global minimum is flattest, and *is the landscape benign* (do random
starts of a local optimizer only end in global minima)?  Linear networks
with a matrix-sensing loss are exactly the factorized low-rank recovery
problems of the literature.

The trace of the Hessian in closed form [derived]
--------------------------------------------------
``∇²L(θ)[Δ, Δ] = ∇²ℓ(W̄)[dμ(Δ), dμ(Δ)] + ⟨G, d²μ(Δ, Δ)⟩`` with
``G = ∇ℓ(W̄)`` and ``d²μ(Δ, Δ) = 2 Σ_{i<j} W_{>j} Δ_j W_{j-1}⋯W_{i+1} Δ_i W_{<i}``.
A coordinate direction ``Δ = E_ab`` in one layer ``i`` has ``d²μ(Δ, Δ) = 0``
(μ is linear in each layer), so the **diagonal of the second-order term is
zero** and, with ``dμ(E_ab) = u vᵀ`` (``u = W_{>i}[:, a]``,
``v = W_{<i}[b, :]``)::

    tr ∇²L(θ) = Σ_i tr( ∇²ℓ(W̄) · (W_{>i} W_{>i}ᵀ ⊗ W_{<i}ᵀ W_{<i}) )

at *every* θ (row-major vec, ``vec(u vᵀ) = u ⊗ v``).  For
``ℓ = ‖𝒜(W) − b‖²`` with ``𝒜(W)_k = ⟨A_k, W⟩`` this is
``2 Σ_i Σ_k ‖W_{>i}ᵀ A_k W_{<i}ᵀ‖_F²``; for the squared distance
``‖W − U‖²`` it is ``2 Σ_i ‖W_{>i}‖_F² ‖W_{<i}‖_F²`` — at a zero-residual
global minimum, where ``∇²L = 2 dμᵀdμ``, this is ``2 ‖dμ‖_F²``
(:func:`zero_residual_trace`).

Hessian-vector products [derived]
---------------------------------
With prefix/suffix products ``R_i = W_{<i}``, ``L_i = W_{>i}`` and their
directional derivatives (``Ṙ_{i+1} = Δ_i R_i + W_i Ṙ_i``,
``L̇_i = L̇_{i+1} W_{i+1} + L_{i+1} Δ_{i+1}``, ``dW̄ = Ṙ_{h+1}``)::

    (∇²L · Δ)_i = L_iᵀ ∇²ℓ[dW̄] R_iᵀ + L̇_iᵀ G R_iᵀ + L_iᵀ G Ṙ_iᵀ,

the derivative of ``∇_{W_i} L = L_iᵀ G R_iᵀ``: ``O(h)`` matrix products, no
dense Hessian.  Lanczos (:func:`scipy.sparse.linalg.eigsh`) on this operator
gives ``λ_max`` for large networks.

Flattest global minimum [derived]
---------------------------------
See :func:`flattest_global_minimum`: one hidden layer, fiber of ``U``:
``min tr ∇²L = 4 √(d_0 d_2) ‖U‖_*``, attained exactly at the balanced
factorizations ``d_0 W_2ᵀW_2 = d_2 W_1W_1ᵀ``.  In general, stationarity of the
trace along the ``GL(d_i)`` orbits ``(W_{i+1}A⁻¹, A W_i)`` (which stay in the
fiber) gives the balance condition, one per hidden layer ``i``,
``‖W_{<i}‖_F² W_{>i}ᵀW_{>i} = ‖W_{>i+1}‖_F² W_{≤i}W_{≤i}ᵀ`` for the squared
distance (general ``𝒜``: ``L_iᵀ ∂_L t(L_i, R_i) = ∂_R t(L_{i+1}, R_{i+1}) R_{i+1}ᵀ``
with ``t(L, R) = Σ_k ‖Lᵀ A_k Rᵀ‖²``).

References: TKB2020 (functional space, pure/spurious), BH1989, K2016,
LvB2018 (no bad minima for the quadratic loss), EY1936 (the global-minimum
fiber of the squared distance).  The flat-minima and matrix-sensing
literature (Ge, Jin & Zheng 2017; Ding, Drusvyatskiy, Fazel & Harchaoui) is
not yet in :mod:`linnet_geometry.references`, so it is cited by name only.

Modules
-------
* :mod:`.hessian` — :func:`sharpness`, :func:`hessian_vector_product`, :func:`zero_residual_trace`;
* :mod:`.minimum` — :func:`flattest_global_minimum`, :func:`balance_residuals`;
* :mod:`.sensing` — :func:`gaussian_sensing_problem`, :func:`low_rank_ground_truth`;
* :mod:`.survey` — :func:`landscape_survey` and its results.
"""

from .hessian import DENSE_LIMIT, EXACT_EIGEN_LIMIT, Sharpness, hessian_vector_product, sharpness, zero_residual_trace
from .minimum import FlatMinimum, balance_residuals, flattest_global_minimum
from .sensing import MAX_PROBLEM_BYTES  # noqa: F401  (public constant, not in __all__)
from .sensing import gaussian_sensing_problem, low_rank_ground_truth
from .survey import LandscapeSurvey, SerialExecutor, SurveyPoint, landscape_survey

__all__ = [
    "Sharpness",
    "sharpness",
    "hessian_vector_product",
    "zero_residual_trace",
    "FlatMinimum",
    "flattest_global_minimum",
    "balance_residuals",
    "SurveyPoint",
    "LandscapeSurvey",
    "landscape_survey",
    "SerialExecutor",
    "gaussian_sensing_problem",
    "low_rank_ground_truth",
    "DENSE_LIMIT",
    "EXACT_EIGEN_LIMIT",
]
