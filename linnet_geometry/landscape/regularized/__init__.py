"""Weight decay: the critical points of regularized linear networks, counted exactly.

The regularized loss of a linear network with widths ``d = (d_0, …, d_h)`` on
data ``X`` (``d_0 × N``) and ``Y`` (``d_h × N``) is

``L(θ) = ½ ‖W̄ X − Y‖_F² + ½ Σ_i Σ_ab λ^{(i)}_ab (W_i)_ab²``,  ``W̄ = W_h ⋯ W_1``.

It is not a function of ``W̄`` alone, so the pure/spurious picture of TKB2020
does not apply; its critical points are the zeros of the *gradient system*

``∇_{W_i} L = W_{>i}ᵀ (W̄X − Y) Xᵀ W_{<i}ᵀ + Λ_i ∘ W_i = 0``  (``i = 1..h``),

``d_θ`` polynomial equations of degree ``2h − 1`` in the ``d_θ`` weights.
With generic entry-wise weights ``λ`` the continuous symmetries of the network
are broken and the critical points are isolated (MCTH2022); with ``λ = 0`` or
a uniform ``λ`` and a hidden width ≥ 2 the orthogonal symmetry
``(W_i, W_{i+1}) ↦ (Q W_i, W_{i+1} Qᵀ)`` survives and the critical set has
positive-dimensional components.

Keys: ``MCTH2022`` — D. Mehta, T. Chen, T. Tang, J. D. Hauenstein, *The loss
surface of deep linear networks viewed through the algebraic geometry lens*,
IEEE TPAMI 44 (2022), arXiv:1810.07716; ``BH2023`` — A. Bharadwaj, S. Hoşten,
*Complex critical points of deep linear neural networks*, arXiv:2301.12651
(both in :mod:`linnet_geometry.references`).

Routes
------
* **Exact, msolve (default when its executable is found).**
  :func:`parameter_critical_points` hands the gradient system to msolve
  (BES2021: F4 over prime fields, multi-modular rational
  parametrizations, certified real root isolation) through
  :mod:`linnet_geometry.backends`.  The Krull dimension and the count *with
  multiplicity* come from the leading ideal of msolve's grevlex basis modulo
  a prime (standard monomials); the number of *distinct* complex critical
  points is the degree of the squarefree eliminant of msolve's
  parametrization, over ``QQ`` (``prime=None``, the default) or over
  ``GF(p)``; the points with a zero coordinate are the common roots of the
  eliminant and the coordinate numerators.  Real critical points are msolve's
  isolating boxes over ``QQ`` (all of them); at each, the value of ``L`` and
  the Hessian are enclosed in ball arithmetic (python-flint ``arb``) and the
  inertia is proved by a congruence ``QᵀHQ`` and Gershgorin discs that exclude
  0; a rational point (a box of width 0, e.g. θ = 0) is classified exactly.
  When the eliminant's degree is below the count with multiplicity the local
  multiplicities come from the sympy route (small systems) or are not given.
  Positive-dimensional critical sets are detected (dimension from the leading
  ideal) and not decomposed: no count, no real points, and the report says so.
* **Exact, sympy (fallback).** A reduced grevlex Gröbner basis of the
  gradient ideal by sympy's Buchberger algorithm, by default over the prime
  field ``GF(p)``, ``p = 2^31 − 1`` (:data:`DEFAULT_PRIME`; ``prime=None``
  works over ``QQ`` for at most :data:`MAX_RATIONAL_GROEBNER_PARAMS` weights).
  The Krull dimension comes from the leading-monomial ideal; when it
  is 0 the number of complex critical points counted with multiplicity is the
  number of standard monomials.  Multiplication matrices on the standard
  monomials (python-flint ``nmod_mat``) give the number of distinct points
  (degree of the squarefree part of the characteristic polynomial of a random
  linear form) and the number
  with all coordinates nonzero (the same for the element ``(u + c)·∏ w``,
  ``c`` a random constant, whose eigenvalue 0 collects the other points).  Working
  modulo ``p`` is exact for the reduction of the data modulo ``p``; it equals
  the count over ``QQ`` for all but finitely many ("unlucky") primes, which is
  an assumption the report states.
* **Numerical (homotopy).** :func:`solve_homotopy`: total-degree homotopy
  ``H(x, t) = (1 − t) F(x) + γ t G(x)``, ``G_i = x_i^{deg F_i} − 1``, random
  complex ``γ`` (the gamma trick), RK4 predictor, Newton corrector, adaptive
  steps, divergence cut-off, endpoint Newton refinement and deduplication,
  vectorised over all paths in numpy.  :func:`solve_phc` runs PHCpack's
  blackbox solver (``phc -b``) when it is installed.  Both are cross-checks.
* **Real points on the sympy route.** The real homotopy endpoints are refined
  by Newton's method and certified by the Krawczyk test in ball arithmetic
  (python-flint ``arb``; a unique real zero in a stated box, or "not
  certified"); the Hessian inertia is certified on the same box by Weyl's
  inequality.  The list of real
  points is known to be complete when the homotopy found as many distinct
  points as the Gröbner count.

Worked theorem (one hidden neuron, one data point)
--------------------------------------------------
For widths ``(d_x, 1, d_y)``, one data point ``(x, y)`` and generic positive
weights, the number of complex critical points is ``1 + 4 d_y`` (cf. BH2023,
who bound this count; the proof below is the library's).

*Proof.*  Write ``W_1 = a`` (a row), ``W_2 = b`` (a column), ``s = a·x``,
``λ_j`` the weights of ``a`` and ``μ_k`` those of ``b``.  The equations are
``(bᵀ(bs − y)) x_j + λ_j a_j = 0`` and ``(b_k s − y_k) s + μ_k b_k = 0``.  If
``s² + μ_k = 0`` the second gives ``y_k s = 0``, impossible for generic data
unless ``s = 0``; so ``b_k = y_k s / (s² + μ_k)`` and
``a_j = −c x_j / λ_j`` with ``c = bᵀ(bs − y) = −s Σ_k y_k² μ_k / (s² + μ_k)²``.
Substituting in ``s = a·x`` gives ``s = κ s Σ_k y_k² μ_k / (s² + μ_k)²`` with
``κ = Σ_j x_j² / λ_j``.  Either ``s = 0`` — then ``a = 0, b = 0``: one point —
or ``u = s²`` is a root of the degree-``2 d_y`` polynomial
``∏_k (u + μ_k)² − κ Σ_k y_k² μ_k ∏_{j≠k} (u + μ_j)²``, which for generic data
has ``2 d_y`` distinct nonzero simple roots; each gives two values ``s = ±√u``
and each ``s`` determines ``(a, b)`` uniquely (and ``s = a·x`` recovers ``s``),
so there are ``4 d_y`` more points, all simple.  Total ``1 + 4 d_y``, of which
``4 d_y`` have all coordinates nonzero (``c ≠ 0``, ``x_j ≠ 0``, ``y_k ≠ 0``).
The count does not depend on ``d_x``.  ∎

Modules
-------
* :mod:`~linnet_geometry.landscape.regularized.loss` — :class:`RegularizedLoss` and :func:`random_regularized_loss`;
* :mod:`~linnet_geometry.landscape.regularized.system` — the gradient system over ``QQ``, the engines' limits and guards;
* :mod:`~linnet_geometry.landscape.regularized.groebner` — sympy's Gröbner basis and the quotient ring over ``GF(p)``;
* :mod:`~linnet_geometry.landscape.regularized.msolve_route` — counts and real points from msolve;
* :mod:`~linnet_geometry.landscape.regularized.homotopy` — :func:`solve_homotopy` and :func:`solve_phc`;
* :mod:`~linnet_geometry.landscape.regularized.certify` — certified real points (ball arithmetic, Krawczyk), the global minimum;
* :mod:`~linnet_geometry.landscape.regularized.results` — :class:`RealCriticalPoint`, :class:`ParameterCriticalPoints`;
* :mod:`~linnet_geometry.landscape.regularized.solve` — :func:`parameter_critical_points`.
"""

from .homotopy import HomotopyResult, solve_homotopy, solve_phc
from .loss import RegularizedLoss, random_regularized_loss
from .results import ParameterCriticalPoints, RealCriticalPoint
from .solve import parameter_critical_points
from .system import (
    DEFAULT_PRIME,
    DEFAULT_TIMEOUT,
    ENGINES,
    MAX_GROEBNER_BEZOUT,
    MAX_GROEBNER_PARAMS,
    MAX_HOMOTOPY_PATHS,
    MAX_MSOLVE_PARAMS,
    MAX_RATIONAL_GROEBNER_PARAMS,
    gradient_system,
)
from .system import MAX_MSOLVE_QUOTIENT, MAX_QUOTIENT_DIM  # noqa: F401  (public constants, not in __all__)

__all__ = [
    "RegularizedLoss",
    "parameter_critical_points",
    "ParameterCriticalPoints",
    "RealCriticalPoint",
    "HomotopyResult",
    "solve_homotopy",
    "solve_phc",
    "random_regularized_loss",
    "gradient_system",
    "DEFAULT_PRIME",
    "MAX_GROEBNER_PARAMS",
    "MAX_GROEBNER_BEZOUT",
    "MAX_HOMOTOPY_PATHS",
    "MAX_MSOLVE_PARAMS",
    "MAX_RATIONAL_GROEBNER_PARAMS",
    "ENGINES",
    "DEFAULT_TIMEOUT",
]
