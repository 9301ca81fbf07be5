"""The results of :func:`~linnet_geometry.landscape.regularized.parameter_critical_points`: frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...critical.classify import CriticalPointReport
from .homotopy import HomotopyResult

__all__ = ["RealCriticalPoint", "ParameterCriticalPoints"]


@dataclass(frozen=True)
class RealCriticalPoint:
    """One real critical point, certified.

    Attributes
    ----------
    theta : tuple of numpy arrays
        ``(W_1, …, W_h)`` (float64): the centre of msolve's isolating box, or
        the Newton-refined homotopy endpoint (sympy route).
    value : float
        ``L(θ)`` (centre of :attr:`value_interval` on the msolve route).
    report : CriticalPointReport
        Role, inertia and the certificate (``kind`` is ``None``).
    certified : bool
        A unique real critical point lies in the box: msolve's real root
        isolation, or the Krawczyk test in exact rational interval arithmetic
        (sympy route, box ``θ ± radius``).
    radius : float or None
        Largest half-width of the box.
    inertia_certified : bool
        The Hessian inertia is proved: ball arithmetic on msolve's box
        (``inertia_method == "interval"``) or Weyl's inequality on the
        Krawczyk box (sympy route).
    box : tuple of (Fraction, Fraction) or None
        msolve's isolating box, one rational interval per weight (θ order).
    value_interval : (float, float) or None
        Lower and upper bound of ``L`` on the box (ball arithmetic; msolve route).
    inertia_method : str or None
        ``"interval"`` (ball arithmetic, msolve route), ``"weyl"`` (sympy
        route) or ``None`` (not proved).

    Examples
    --------
    >>> from linnet_geometry.landscape.regularized import parameter_critical_points, random_regularized_loss
    >>> net, loss = random_regularized_loss((2, 1, 2), samples=1, seed=0)
    >>> point = parameter_critical_points(net, loss).global_minimum
    >>> point.role, point.certified, point.inertia_certified, round(point.value, 6)
    ('global_min', True, True, 0.394387)
    >>> lo, hi = point.value_interval
    >>> hi - lo < 1e-12, point.inertia_method, point.report.hessian_inertia
    (True, 'interval', (4, 0, 0))
    """

    theta: tuple = field(repr=False)
    value: float
    report: CriticalPointReport
    certified: bool
    radius: float | None
    inertia_certified: bool
    box: tuple | None = field(default=None, repr=False)
    value_interval: tuple | None = None
    inertia_method: str | None = None

    @property
    def role(self):
        return self.report.role

    def to_dict(self):
        return {"theta": [np.asarray(W).tolist() for W in self.theta], "value": self.value,
                "role": self.report.role, "hessian_inertia": list(self.report.hessian_inertia or ()),
                "certified": self.certified, "radius": self.radius, "inertia_certified": self.inertia_certified,
                "inertia_method": self.inertia_method,
                "value_interval": None if self.value_interval is None else list(self.value_interval),
                "box": None if self.box is None else [[str(lo), str(hi)] for lo, hi in self.box],
                "certificate": [str(f) for f in self.report.certificate]}


@dataclass(frozen=True)
class ParameterCriticalPoints:
    """Result of :func:`parameter_critical_points`.

    Attributes
    ----------
    widths : tuple
    loss : str
        Description of the loss.
    field : str
        ``"QQ"`` (exact) or ``"GF(p)"`` (modular): where the distinct count
        was computed.
    dimension : int
        Krull dimension of the critical ideal (``0``: isolated points; the
        dimension of the largest component otherwise).
    is_isolated : bool
    count : int or None
        Complex critical points counted with multiplicity (standard
        monomials); ``None`` when not isolated.
    distinct_count : int or None
        Distinct complex critical points.
    multiplicities : tuple or None
        Local multiplicities, largest first (all 1 iff the ideal is radical).
    nonzero_count, nonzero_distinct : int or None
        The same for critical points with every coordinate nonzero.
    groebner_size : int
        Number of elements of the reduced grevlex basis (msolve's, modulo a
        prime, on the msolve route).
    real_points : tuple of RealCriticalPoint or None
        Certified real critical points, by increasing value (``None`` if not computed).
    real_complete : bool
        No real critical point is missing: msolve's real root isolation over
        ``QQ`` (msolve route), or the homotopy found exactly
        ``distinct_count`` points (sympy route).
    global_minimum : RealCriticalPoint or None
    bad_local_minima : tuple of RealCriticalPoint
        Local minima with value above the global minimum.
    homotopy, phc : HomotopyResult or None
    certificate : tuple of Fact
    seconds : dict
        Wall time per stage.
    engine : str
        ``"msolve"`` or ``"groebner"`` (sympy): the engine that answered.
    multiplicity_source : str or None
        Where :attr:`multiplicities` come from.

    Examples
    --------
    >>> from linnet_geometry.landscape.regularized import parameter_critical_points, random_regularized_loss
    >>> net, loss = random_regularized_loss((1, 1, 2), samples=1, seed=0)
    >>> res = parameter_critical_points(net, loss)
    >>> res.engine, res.field, res.is_isolated, res.count, res.distinct_count, res.groebner_size
    ('msolve', 'QQ', True, 9, 9, 7)
    >>> [p.role for p in res.real_points], res.real_complete
    (['global_min'], True)
    >>> parameter_critical_points(net, loss, prime=65521, real_points=False).field
    'GF(65521)'
    """

    widths: tuple
    loss: str
    field: str
    dimension: int
    is_isolated: bool
    count: int | None
    distinct_count: int | None
    multiplicities: tuple | None
    nonzero_count: int | None
    nonzero_distinct: int | None
    groebner_size: int
    real_points: tuple | None = field(repr=False)
    real_complete: bool
    global_minimum: RealCriticalPoint | None = field(repr=False)
    bad_local_minima: tuple = field(repr=False)
    homotopy: HomotopyResult | None = field(repr=False)
    phc: HomotopyResult | None = field(repr=False)
    certificate: tuple = field(repr=False)
    seconds: dict = field(repr=False, default_factory=dict)
    engine: str = "groebner"
    multiplicity_source: str | None = field(default=None, repr=False)

    @property
    def is_radical(self):
        """True iff every point is simple (``None`` when not isolated)."""
        return None if self.multiplicities is None else all(m == 1 for m in self.multiplicities)

    def summary(self) -> str:
        """A short human-readable table."""
        lines = [f"widths {self.widths}: {self.loss}", f"  engine {self.engine}; counts over {self.field}; "
                 f"Gröbner basis: {self.groebner_size} elements, dimension {self.dimension}"]
        if not self.is_isolated:
            lines.append(f"  NOT isolated: the critical set has a component of dimension {self.dimension} "
                         "(no count; isolated points and components are not separated, no real points)")
        else:
            lines.append(f"  complex critical points: {self.count} with multiplicity, {self.distinct_count} distinct"
                         f" ({'radical' if self.is_radical else 'not radical: ' + str(self.multiplicities)})")
            lines.append(f"  with all coordinates nonzero: {self.nonzero_count} ({self.nonzero_distinct} distinct)")
        for res in (self.homotopy, self.phc):
            if res is not None:
                lines.append(f"  {res.solver}: {res.count} finite nonsingular of {res.paths} paths, "
                             f"{res.real_count} real ({res.seconds:.2f} s)")
        if self.real_points is not None:
            lines.append(f"  real critical points: {len(self.real_points)}"
                         f"{' (complete)' if self.real_complete else ' (completeness not certified)'}")
            for k, pt in enumerate(self.real_points):
                how = f" ({pt.inertia_method})" if pt.inertia_method else " (not proved)"
                lines.append(f"    [{k}] L = {pt.value:.10g}  role {pt.role}  inertia {pt.report.hessian_inertia}"
                             f"{how}{'  certified r=%.0e' % pt.radius if pt.certified else '  NOT certified'}")
            if self.global_minimum is not None:
                lines.append(f"  global minimum L = {self.global_minimum.value:.10g}")
            lines.append(f"  bad local minima: {len(self.bad_local_minima)}"
                         + "".join(f"  L = {p.value:.10g}" for p in self.bad_local_minima))
        return "\n".join(lines)

    def __str__(self):
        return self.summary()

    def _repr_latex_(self):
        if not self.is_isolated:
            return (rf"$\dim \operatorname{{Crit}}(L) = {self.dimension}$ (not isolated), widths "
                    rf"${tuple(self.widths)}$")
        return (rf"$\#\operatorname{{Crit}}_{{\mathbb C}}(L) = {self.count}$ ({self.distinct_count} distinct, "
                rf"{self.nonzero_count} in $(\mathbb C^*)^{{d_\theta}}$), widths ${tuple(self.widths)}$")

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"widths": list(self.widths), "loss": self.loss, "engine": self.engine, "field": self.field,
                "dimension": self.dimension, "multiplicity_source": self.multiplicity_source,
                "is_isolated": self.is_isolated, "count": self.count, "distinct_count": self.distinct_count,
                "multiplicities": list(self.multiplicities) if self.multiplicities is not None else None,
                "is_radical": self.is_radical, "nonzero_count": self.nonzero_count,
                "nonzero_distinct": self.nonzero_distinct, "groebner_size": self.groebner_size,
                "real_points": None if self.real_points is None else [p.to_dict() for p in self.real_points],
                "real_complete": self.real_complete,
                "global_minimum_value": None if self.global_minimum is None else self.global_minimum.value,
                "bad_local_minima_values": [p.value for p in self.bad_local_minima],
                "homotopy": None if self.homotopy is None else self.homotopy.to_dict(),
                "phc": None if self.phc is None else self.phc.to_dict(),
                "certificate": [str(f) for f in self.certificate],
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()}}
