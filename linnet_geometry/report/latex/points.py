"""Steps of the derivation of a result made of critical points (``function_space_critical_points``,
``parameter_critical_points``): solver and counts, table of points, certificates, conclusion.

Read through the protocol of :mod:`linnet_geometry.critical.results`; used by
:func:`~linnet_geometry.report.latex.derive_result`.
"""

from __future__ import annotations

import re

from ...references import REFERENCES
from .data import SHORT_LATEX, Step, Table, latex_value

__all__ = ["points_steps", "SOLVERS"]

#: Display names of the solvers whose results :func:`derive_result` reads (by result class).
SOLVERS = {"CriticalLocus": "critical_locus", "GeneralCriticalLocus": "function_space_critical_points",
            "ParameterCriticalPoints": "parameter_critical_points"}

_KEY = re.compile(r"\b[A-Za-z]+[0-9]{4}\b")


def _cited(lines):
    """Keys of :data:`~linnet_geometry.references.REFERENCES` named in certificate lines, in order."""
    return tuple(dict.fromkeys(k for line in lines for k in _KEY.findall(str(line)) if k in REFERENCES))


def _value_text(rec):
    if rec.is_exact:
        text = latex_value(rec.value)
        if len(text) <= SHORT_LATEX:
            return f"${text}$"
    if rec.value_interval is not None:
        lo, hi = rec.value_interval
        return f"$[{lo:.10g}, {hi:.10g}]$"
    return f"$\\approx {rec.value_float:.10g}$"


def points_steps(result, records, solver, max_points):
    """The steps after the problem: solver and counts, table of points, certificates, conclusion.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, RegularizedLoss, parameter_critical_points
    >>> from linnet_geometry.critical.results import result_points
    >>> res = parameter_critical_points(LinearNetwork((1, 1, 1)), RegularizedLoss(([[1]], [[2]]), [1, 1]))
    >>> steps = points_steps(res, result_points(res), "parameter_critical_points", 2)
    >>> [s.title for s in steps]
    ['Solver and counts', 'Table of real critical points', 'Certificates', 'Point p0', 'Point p1', 'Conclusion']
    """
    steps = [_step_counts(result, solver), _step_points_table(records, max_points)]
    shown = records[:max_points]
    steps.append(Step("Certificates", f"Each real critical point is listed below ({len(shown)} of {len(records)}) "
                      "with the facts that decide its kind and role.", (), "", ()))
    steps += [_step_point(rec) for rec in shown]
    steps.append(_step_points_conclusion(result, records))
    return steps


def _step_counts(result, solver):
    engine = getattr(result, "engine", None)
    cites = ["TKB2020", "DHOST2016"] + (["BES2021"] if engine and "msolve" in str(engine) else [])
    strata = getattr(result, "strata", None)
    if strata is not None and all(hasattr(s, "num_complex") for s in strata):
        rows = tuple((f"${s.rank}$", str(s.dimension), str(s.num_complex), str(s.num_real),
                      str(getattr(s, "engine", ""))) for s in strata)
        table = Table(("rank $e$", "$\\dim M_e^{\\circ}$", "complex", "real", "engine"), rows, "ccccl")
        statement = (f"{solver} solved the critical equations of $\\ell$ on each rank stratum "
                     f"$M_e^{{\\circ}}$ exactly (engine: {engine}); counts of critical points per stratum:")
        return Step("Solver and counts", statement, (), "Complex points are counted without multiplicity (distinct "
                    "solutions of the chart systems); real points are isolated exactly.", tuple(cites), table)
    parts = [f"{solver} answered with the engine {engine}."]
    if getattr(result, "is_isolated", True) is False:
        parts.append(f"The critical set is not isolated (dimension {getattr(result, 'dimension', '?')}).")
    else:
        count, distinct = getattr(result, "count", None), getattr(result, "distinct_count", None)
        if count is not None:
            parts.append(f"Complex critical points: {count} with multiplicity, {distinct} distinct "
                         f"(counted over {getattr(result, 'field', '?')}).")
    complete = getattr(result, "real_complete", None)
    if complete is not None:
        parts.append("Every real critical point is found (certified)." if complete else
                     "Completeness of the real critical points is not certified.")
    return Step("Solver and counts", " ".join(parts), (), "", tuple(cites))


def _step_points_table(records, max_points):
    rows = tuple((f"$p_{{{r.index}}}$", "--" if r.rank is None else str(r.rank), _value_text(r),
                  f"{r.value_float:.6g}", r.kind or "--", r.role.replace("_", " ")) for r in records[:max_points])
    note = "" if len(records) <= max_points else f"First {max_points} of {len(records)} points."
    return Step("Table of real critical points",
                f"There are {len(records)} real critical points; their values, kinds and roles:", (),
                "Kind: pure or spurious (TKB2020); '--' where the dichotomy does not apply (losses on parameters).",
                ("TKB2020",), Table(("point", "rank", "value", "$\\approx$", "kind", "role"), rows, "ccpcll", note))


def _step_point(rec):
    value = _value_text(rec)
    statement = (f"Point $p_{{{rec.index}}}$" + ("" if rec.rank is None else f" of rank {rec.rank}")
                 + f" has value {value}, kind {rec.kind or '--'}, role {rec.role.replace('_', ' ')}.")
    cert = [str(c).replace("$", "") for c in rec.certificate]
    return Step(f"Point p{rec.index}", statement, (), "; ".join(cert) + ("." if cert else ""), _cited(cert), level=2)


def _step_points_conclusion(result, records):
    roles = {}
    for r in records:
        roles[r.role] = roles.get(r.role, 0) + 1
    summary = ", ".join(f"{n} {role.replace('_', ' ')}" for role, n in sorted(roles.items()))
    bad = getattr(result, "bad_local_minima", None)
    n_bad = len(bad) if bad is not None else roles.get("bad_local_min", 0)
    mins = [r for r in records if r.role == "global_min"]
    formula = ()
    if mins:
        formula = (rf"\min L = {_value_text(mins[0]).strip('$')}",)
    text = (f"{len(records)} real critical points: {summary or 'none'}. Bad local minima: {n_bad}."
            + ("" if mins else " No global minimum is certified among them."))
    return Step("Conclusion", text, formula, "", ("TKB2020",))
