"""One protocol for the results of the critical-point solvers (THEORY §2–4).

Three solvers return critical points of ``L = ℓ ∘ μ_d`` (or of ``L(θ)``):

* :func:`~linnet_geometry.critical.locus.critical_locus` — a
  :class:`~linnet_geometry.critical.locus.CriticalLocus` of *strata* (quadratic loss, by theory);
* :func:`~linnet_geometry.critical.general.function_space_critical_points` — the real critical
  *points* of ℓ on the rank strata of ``M_r`` (any polynomial loss);
* :func:`~linnet_geometry.landscape.regularized.parameter_critical_points` — the certified real
  critical *points* ``θ`` of a loss on parameters (weight decay).

They share one protocol, on which :func:`~linnet_geometry.critical.graph.critical_graph`
and :func:`~linnet_geometry.report.latex.derive` are duck-typed:

``to_dict()``, ``_repr_latex_()``
    Plain data and a LaTeX summary.
``strata`` *and* ``spectrum``
    A locus of strata (a quadratic loss): each stratum has ``support``, ``rank``,
    ``value``, ``value_float``, ``kind``, ``role``, ``dimension`` …
    (:class:`~linnet_geometry.critical.locus.CriticalStratum`).
``points``
    Otherwise: a sequence of critical points, each with ``value`` (exact sympy
    number, or float) and ``role``, and where known ``value_float``,
    ``value_interval`` (a certified enclosure ``(lo, hi)``), ``kind``
    (``"pure"``/``"spurious"``; ``None`` for losses on parameters), ``rank``
    (of ``W̄``) and ``certificate`` — or a ``report``
    (:class:`~linnet_geometry.critical.classify.CriticalPointReport`) holding
    ``kind``, ``end_to_end_rank`` and ``certificate``.  Results that name
    their list ``real_points`` are read the same way.
``engine``, ``network``, ``loss`` (optional)
    What answered, and the problem.

:func:`result_points` reads any such result into :class:`PointRecord` values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import sympy

from ..exceptions import InputTypeError

__all__ = ["PointRecord", "result_points", "is_strata_result", "values_equal"]


@dataclass(frozen=True)
class PointRecord:
    """One critical point (or stratum) of a result, in the common vocabulary.

    Attributes
    ----------
    index : int
        Position in the result (0-based).
    value : sympy number or float
        The critical value (exact when the solver gave it exactly).
    value_float : float
    value_interval : tuple of float or None
        A certified enclosure ``(lo, hi)`` of the value, when the solver proved one.
    kind : str or None
        ``"pure"``, ``"spurious"``, or ``None`` (not defined for losses on parameters).
    role : str
        As the solver states it (``"global_min"``, ``"bad_local_min"``, ``"strict_saddle"``, …).
    rank : int or None
        Rank of the end-to-end matrix (``|S|`` for a stratum).
    dimension : int or None
        Dimension of the stratum (0 for an isolated point; ``None`` when not computed).
    certificate : tuple of str
    source : object
        The point or stratum it was read from.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> records = result_points(critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]])))
    >>> [(r.value, r.kind, r.role, r.rank) for r in records]
    [(5, 'spurious', 'strict_saddle', 0), (1, 'pure', 'global_min', 1), (4, 'pure', 'strict_saddle', 1)]
    """

    index: int
    value: object
    value_float: float
    value_interval: tuple | None
    kind: str | None
    role: str
    rank: int | None
    dimension: int | None
    certificate: tuple
    source: object = field(repr=False, compare=False)

    @property
    def is_exact(self) -> bool:
        """True when :attr:`value` is exact: an int, a Fraction or a sympy number without Floats."""
        if isinstance(self.value, bool):
            return False
        if isinstance(self.value, (int, Fraction)):
            return True
        return isinstance(self.value, sympy.Basic) and self.value.is_number and not self.value.has(sympy.Float)

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"index": self.index, "value": str(self.value), "value_float": self.value_float,
                "value_interval": None if self.value_interval is None else list(self.value_interval),
                "kind": self.kind, "role": self.role, "rank": self.rank, "dimension": self.dimension,
                "certificate": list(self.certificate)}


def is_strata_result(result) -> bool:
    """True for a locus of strata (``strata`` and ``spectrum``: :class:`~linnet_geometry.critical.CriticalLocus`).

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> is_strata_result(critical_locus(LinearNetwork((1, 1, 1)), QuadraticLoss([[1]])))
    True
    """
    return hasattr(result, "strata") and hasattr(result, "spectrum") and not hasattr(result, "points")


def _point_list(result):
    for name in ("points", "real_points"):
        if hasattr(result, name):
            pts = getattr(result, name)
            if pts is None:
                return ()
            return tuple(pts)
    raise InputTypeError(f"expected a critical-point result (critical_locus, function_space_critical_points or "
                         f"parameter_critical_points: with strata or points, to_dict, _repr_latex_); received "
                         f"{type(result).__name__}")


def _report_attr(point, name, report_name=None):
    if hasattr(point, name):
        return getattr(point, name)
    report = getattr(point, "report", None)
    return None if report is None else getattr(report, report_name or name, None)


def result_points(result):
    """The critical points (or strata) of a result as :class:`PointRecord` values, in the result's order.

    Parameters
    ----------
    result
        Any result following the protocol of this module (the module docstring).

    Raises
    ------
    InputTypeError
        ``result`` has neither strata nor points.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, WeightedQuadraticLoss, function_space_critical_points
    >>> res = function_space_critical_points(LinearNetwork((2, 1, 2)),
    ...                                      WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]]))
    >>> [(r.rank, r.kind, r.role) for r in result_points(res)][:3]
    [(0, 'spurious', 'not_critical'), (1, 'pure', 'global_min'), (1, 'pure', 'bad_local_min')]
    """
    if is_strata_result(result):
        return tuple(PointRecord(k, st.value, float(st.value_float), None, st.kind, st.role, st.rank, st.dimension,
                                 tuple(st.certificate), st) for k, st in enumerate(result.strata))
    out = []
    for k, p in enumerate(_point_list(result)):
        value = p.value
        vf = getattr(p, "value_float", None)
        vf = float(value) if vf is None else float(vf)
        interval = getattr(p, "value_interval", None)
        cert = _report_attr(p, "certificate") or ()
        out.append(PointRecord(k, value, vf, None if interval is None else tuple(float(x) for x in interval),
                               _report_attr(p, "kind"), p.role, _report_attr(p, "rank", "end_to_end_rank"),
                               getattr(p, "dimension", 0), tuple(str(c) for c in cert), p))
    return tuple(out)


#: Two exact values whose 40-digit difference exceeds this (relative to their size) are different.
_SEPARATION = sympy.Rational(1, 10**25)


def _exact(x):
    """A sympy number from an exact value (int, Fraction or sympy; never text)."""
    if isinstance(x, Fraction):
        return sympy.Rational(x.numerator, x.denominator)
    return sympy.Integer(x) if isinstance(x, int) else x


def values_equal(a: PointRecord, b: PointRecord):
    """Are the critical values of two records equal?  ``True``, ``False`` or ``None`` (undecided).

    * both exact rationals: compared exactly;
    * both exact algebraic numbers: different when a 40-digit evaluation
      separates them by more than ``10⁻²⁵`` (relative), equal when the minimal
      polynomial of the difference is ``x`` (exact), else undecided;
    * otherwise different when certified enclosures (``value_interval``) are
      disjoint; floats alone decide nothing (``None``).

    Examples
    --------
    >>> import sympy
    >>> r = lambda v, box=None: PointRecord(0, v, float(v), box, None, "saddle", None, 0, (), None)
    >>> values_equal(r(sympy.Rational(1, 3)), r(sympy.Rational(2, 6)))
    True
    >>> values_equal(r(sympy.sqrt(2) + 1), r(1 + sympy.sqrt(8) / 2)), values_equal(r(sympy.sqrt(2)), r(1))
    (True, False)
    >>> values_equal(r(0.5, (0.49, 0.51)), r(0.7, (0.69, 0.71))), values_equal(r(0.5), r(0.5))
    (False, None)
    """
    if a.is_exact and b.is_exact:
        va, vb = _exact(a.value), _exact(b.value)
        if va.is_Rational and vb.is_Rational:
            return bool(va == vb)
        diff = va - vb
        approx = sympy.N(diff, 40)
        scale = max(1, abs(sympy.N(va, 15)), abs(sympy.N(vb, 15)))
        if approx.is_number and abs(approx) > _SEPARATION * scale:
            return False
        x = sympy.Dummy("x")
        try:
            return bool(sympy.minimal_polynomial(diff, x) == x) or None
        except (NotImplementedError, ValueError, TypeError, sympy.polys.polyerrors.PolificationFailed):
            return None
    if a.value_interval is not None and b.value_interval is not None:
        (lo_a, hi_a), (lo_b, hi_b) = a.value_interval, b.value_interval
        if hi_a < lo_b or hi_b < lo_a:
            return False
    return None
