"""Critical points of a general polynomial loss on the strata of ``M_r`` (THEORY §2, §4).

:func:`function_space_critical_points` solves, for each rank stratum
``M_e^o = {rank exactly e}`` (``0 ≤ e ≤ r``) of the functional space
``M_r``, the polynomial system of the critical points of ℓ restricted to
``M_e^o``, exactly.

Formulation (rank-e parameterization in affine charts)
------------------------------------------------------
For row and column sets ``I, J`` of size e, the chart ``U_{I,J}`` is the
open set of rank-e matrices whose minor ``W[I, J]`` is invertible.  On it
``W = A B`` with ``A[I, :] = Id_e`` (the other ``(m−e)e`` entries of A free)
and ``B = W[I, :]`` free (``e × n``); the map ``(A, B) ↦ A B`` is an
isomorphism from ``{det B[:, J] ≠ 0}`` onto ``U_{I,J}``, which is open in the
smooth manifold ``M_e^o`` (dimension ``e(m+n−e)``).  The system of chart
number k is

* ``∂(ℓ(A B))/∂v = 0`` for every free entry v of A and B;
* ``t · det B[:, J] − 1 = 0`` (Rabinowitsch: the point lies in the chart);
* ``det W[I', J'] = 0`` for every earlier chart ``(I', J')``
  (the point lies in no earlier chart: duplicates are removed exactly).

The charts cover ``M_e^o`` and the solution sets are disjoint, so the number
of complex critical points of ``ℓ|M_e^o`` is the sum of the numbers of
solutions — the ED degree of ``M_e`` when ℓ is a squared distance with
generic data (DHOST2016).  Points of lower rank (the singular locus of
``M_e``) are never solutions.

Exact solution (shape lemma)
----------------------------
A generic linear form ``z = Σ c_i v_i`` is added as a last variable and a
reduced lex Gröbner basis is computed (grevlex, then FGLM).  For a radical
zero-dimensional ideal in which z separates the points it is
``{v_i − g_i(z), p(z)}`` with p squarefree (shape lemma); otherwise the
squarefree part of the eliminant is added (``√I = I + ⟨sqf p⟩`` when z
separates) or another linear form is tried.  The complex count is ``deg p``;
the real points are the real roots of p, isolated exactly by rational
intervals (Sturm sequences), with coordinates ``g_i(α)``; the exact point is
available as sympy algebraic numbers (``CRootOf``).  At a rational point every
later decision (Hessian inertia, ``∇ℓ = 0``) is exact.  At an irrational point
the isolating interval is refined to width ``< 10^-45`` and the decisions are
made with 50-digit arithmetic, an eigenvalue ``|λ| ≤ 10^-25·max(1, max|λ|)``
counting as zero: this is the stated tolerance of the numeric edge, and each
point's certificate says which path decided it.  Critical values are compared
exactly for the global-minimum flag: arb balls refined until disjoint, and, when
they keep overlapping, an exact equality test of the two algebraic numbers
(annihilating polynomials by resultants, their common roots matched by isolating
balls); a comparison beyond reach leaves the role ``"local_min"`` (undetermined).

Classification
--------------
The Hessian of ``ℓ ∘ φ`` in the chart coordinates is congruent to the
Riemannian Hessian of ``ℓ|M_e^o`` at a critical point, so its inertia
(characteristic polynomial over ``ℚ[z]/(p)`` + Descartes' rule) classifies the
point on the stratum: local minimum (positive definite), saddle (a negative
eigenvalue) or degenerate.  For ``e = r`` these are the critical points of
``ℓ|M_r`` on its smooth locus; a local minimum is **global** when its value is
the least real critical value over all strata and ℓ is coercive (the
minimum over ``M_r`` is then attained at a critical point of some stratum),
otherwise it is a **bad local minimum** (TKB2020).  For ``e < r`` the point is
a singular point of ``M_r`` (or an interior point when filling), and the
convention of THEORY §2 applies: it is critical for ``ℓ|M_r`` iff
``∇ℓ(W) = 0``.

Lifting (TKB2020)
-----------------
For a network, every critical point ``W = A B`` of ``ℓ|M_e^o`` (``e ≤ r``) is
``μ(θ)`` for the critical point ``θ = (W_1, …, W_h)`` with ``W_1 = [B; 0]``,
``W_i = diag(Id_e, 0)`` and ``W_h = [A, 0]``: every gradient block
``W_{>i}ᵀ G W_{<i}ᵀ`` contains ``AᵀG = 0`` or ``G Bᵀ = 0``.  It is pure when
``e = r`` or ``∇ℓ(W) = 0`` and spurious otherwise, and every critical point of
L has such an image (TKB2020), so the spurious critical points of L are found
from the same machinery.  The lifted θ is classified with :func:`classify`.

Projection (quadratic losses, the default where it applies)
-----------------------------------------------------------
When ℓ has degree ≤ 2 in W, ``method="auto"`` solves each stratum without a
Gröbner basis of the chart systems: the free factor is eliminated by Cramer's
rule and the one or two remaining unknowns by a resultant, a factorisation
over ℚ and the first subresultant (FLINT); that no critical point lies where
the eliminated Hessian is singular is certified per normalisation.  The
points, their charts and everything downstream are the same as on the Gröbner
route (tested against it); the exact coordinates are rational functions of a
root of an irreducible factor instead of shape-lemma polynomials.  Details:
``linnet_geometry.critical._projection``.

Backends
--------
``"msolve"`` (BES2021; the executable found by
:func:`linnet_geometry.backends.find_msolve`) returns a rational
parametrization ``x_i = -num_i(t)/(cf_i·den(t))`` over the roots of a
squarefree eliminant ``w`` (multi-modular, exact over ℚ), kept as these rational
functions (``den`` is checked coprime to ``w``; forming ``den⁻¹ mod w`` would cost
minutes at degree 284); the count is ``deg w`` — the *distinct* points:
msolve parametrizes the radical, so multiplicities are not counted (the other
engines also count distinct points, on the radical); the number of real roots
of ``w`` (isolated by FLINT) is checked against msolve's certified real boxes.
On this route every decision at a real point is proved: ``∇ℓ(W) = 0`` exactly
(the entries homogenised by powers of ``den``, reduced modulo ``w``, and a gcd test), the Hessian inertia by ball
arithmetic (python-flint arb) on the characteristic polynomial with
Descartes' rule, with an exact fallback (Faddeev–LeVerrier over ``ℚ[z]/(w)``)
for coefficients whose balls keep containing 0; each point's certificate
says which.  ``"sympy"`` (embedded, no install), ``"singular"``
(``Singular``) and ``"macaulay2"`` (``M2``) compute the same reduced lex
Gröbner basis, which is unique, so their downstream results are identical;
they run in their own process group with a per-system ``timeout``
(:class:`~linnet_geometry.exceptions.BackendTimeoutError`, the group killed).
``"auto"`` uses msolve when found (for every stratum: faster than projection), else
projection where it applies, then sympy when the system is small enough for it (:data:`SYMPY_BEZOUT_LIMIT`) and
otherwise the first external executable on ``PATH``.  Each stratum says which
engine answered (:attr:`StratumSolution.engine`).

Modules
-------
``_engines`` (backend choice, size guards, Singular / Macaulay2 / sympy lex
bases), ``_systems`` (the chart systems, python-flint ``fmpq_mpoly``),
``_msolve_route`` and ``_solve`` (one chart solved), ``_roots`` (real roots and
coordinates in ball arithmetic), ``_classify`` (certified classification, exact
comparison of critical values), ``_components`` (non-generic data), ``_results``
and ``_main`` (:func:`function_space_critical_points`).  Every name is
re-exported here.
"""

from __future__ import annotations

from ...exceptions import (AssumptionError, BackendNotFoundError, DegenerateDataError,  # noqa: F401
                           ExactInputRequiredError, InputTypeError, ProblemTooLargeError, ShapeError)
from ...model.losses import Loss, MatrixSensingLoss, PolynomialLoss, QuadraticLoss, WeightedQuadraticLoss  # noqa: F401
from .._projection import _loss_polynomial, loss_polynomial  # noqa: F401
from ._engines import (  # noqa: F401
    BACKENDS, METHODS, _EXECUTABLES, SYMPY_BEZOUT_LIMIT, MAX_BEZOUT, MSOLVE_BEZOUT_LIMIT, MAX_CHARTS,
    MAX_CHART_VARIABLES, available_backends, _check_backend, _choose_backend, _names, _to_text, _parse, _run,
    _lex_basis, _dimension, _normalize, _linear_form, _shape_form, engine_text, parse_engine_output,
    run_engine_script, lex_basis, separating_form, shape_form)
from ._roots import (  # noqa: F401
    _DIGITS, _RealRoot, _ShapeCoords, _ParamCoords, _fmpq_of, _MsolveCoords, flint_fmpq_poly_eval, _poly_balls,
    _as_param_coords, _arb_fraction, _arb_precision, real_root_intervals)
from ._systems import (  # noqa: F401
    _validate, _is_coercive, is_coercive, _charts, _ChartSystem, _mpoly_to_sympy, _mpoly_terms, _loss_terms, _LOSS_TERMS,
    _compose, _mpoly_det, _loss_gradient_terms, critical_system, _flint_form, _bezout, _first_chart_bezout)
from ._classify import (  # noqa: F401
    _lower_how, _MAX_VALUE_PREC, MAX_EXACT_VALUE_DEGREE, _least_value_check, _compare_values, _CriticalValue,
    _terms, _eval_mod, _terms_degree, _eval_exact, _eval_arb, _sign_at_root, _real_points_certified,
    _arb_inertia, _exact_charpoly_signs)
from ._msolve_route import (  # noqa: F401
    _solve_chart_msolve, _PositiveDimensional)
from ._solve import (  # noqa: F401
    _solve_chart, _solve_chart_with)
from ._results import (  # noqa: F401
    FunctionSpaceRealPoint, StratumSolution, GeneralCriticalLocus)
from ._main import (  # noqa: F401
    function_space_critical_points)
from . import _components  # noqa: F401

#: the earlier name of :class:`FunctionSpaceRealPoint` (renamed: weight decay's ``RealCriticalPoint`` is another class)
RealCriticalPoint = FunctionSpaceRealPoint

__all__ = ["function_space_critical_points", "GeneralCriticalLocus", "StratumSolution", "FunctionSpaceRealPoint",
           "RealCriticalPoint", "loss_polynomial", "is_coercive", "lex_basis", "shape_form", "separating_form",
           "engine_text", "parse_engine_output", "run_engine_script",
           "available_backends", "critical_system", "BACKENDS", "METHODS", "SYMPY_BEZOUT_LIMIT", "MAX_BEZOUT",
           "MAX_CHARTS", "MAX_CHART_VARIABLES", "MSOLVE_BEZOUT_LIMIT", "real_root_intervals"]
