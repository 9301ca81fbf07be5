"""One chart system solved by the chosen engine (msolve, sympy, Singular, Macaulay2); positive-dimensional charts
decomposed.

Part of :mod:`linnet_geometry.critical.general` (see its docstring for the method and THEORY §2, §4)."""

from __future__ import annotations

import sympy

from ...exceptions import DegenerateDataError
from ._engines import _lex_basis, _linear_form, _shape_form
from ._roots import _ShapeCoords
from ._msolve_route import _PositiveDimensional, _solve_chart_msolve
from . import _components


def _solve_chart(system, backend, timeout=3600):
    """Shape-lemma solution of one chart system: ``(count, p, coords)`` with ``coords[v] ∈ ℚ[z]``."""
    if backend == "msolve":
        try:
            return _solve_chart_msolve(system, timeout)
        except _PositiveDimensional:  # non-generic data: isolated points + components (_components)
            if "loss" not in system:
                raise DegenerateDataError(f"the critical points in chart {system.get('chart')} form a positive-"
                                          "dimensional set (msolve); expected finitely many") from None
            return _components.decompose_chart(system, system["B"].shape[0], system["loss"], timeout)
    eqs, gens = system["equations"], system["variables"]
    z = sympy.Symbol("z_sep")
    chart_vars = gens[:-1]
    extra = []
    for attempt in range(4):
        c = _linear_form(len(chart_vars), attempt)
        allgens = list(gens) + [z]
        polys = list(eqs) + [z - sum(ci * v for ci, v in zip(c, chart_vars))] + extra
        dim, basis = _lex_basis(polys, allgens, backend, timeout)
        if dim < 0:
            return 0, None, None
        if dim > 0 and "loss" in system:  # non-generic data (_components, needs msolve)
            return _components.decompose_chart(system, system["B"].shape[0], system["loss"], timeout)
        if dim > 0:
            raise DegenerateDataError(f"the critical points in chart {system.get('chart')} form a set of dimension "
                                      f"{dim}; expected finitely many (non-generic data: e.g. repeated singular "
                                      "values; use critical_locus for quadratic losses)")
        shape, pz = _shape_form(basis, allgens)
        if shape is not None and pz.sqf_part().degree() == pz.degree():
            return pz.degree(), pz, _ShapeCoords(shape)
        sq = pz.sqf_part()
        if sq.degree() < pz.degree() and not extra:
            extra = [sq.as_expr()]  # radical: √I = I + ⟨sqf p⟩ when z separates
            dim, basis = _lex_basis(polys + extra, allgens, backend, timeout)
            shape, pz = _shape_form(basis, allgens)
            if shape is not None and pz.sqf_part().degree() == pz.degree():
                return pz.degree(), pz, _ShapeCoords(shape)
        extra = []
    raise DegenerateDataError("could not bring the critical ideal into shape position with four linear forms")


def _solve_chart_with(system, backend, timeout):
    return _solve_chart(system, backend, timeout)
