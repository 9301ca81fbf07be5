"""Result classes of :func:`function_space_critical_points`.

Part of :mod:`linnet_geometry.critical.general` (see its docstring for the method and THEORY §2, §4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import sympy

from ...exact.representation import representation
from ._roots import _DIGITS
from . import _components
from ..classify import classify


@dataclass(frozen=True)
class FunctionSpaceRealPoint:
    """One real critical point of ``ℓ|M_e^o`` (exact: coordinates are polynomials in an algebraic α).

    Attributes
    ----------
    rank : int
        e, the rank of the point.
    image_float : numpy.ndarray
        W (float64; the exact W is :attr:`image`).
    value_float : float
        ``ℓ(W)``.
    is_rational : bool
        True when every coordinate is rational (then :attr:`image` and the lift are exact rationals).
    stratum_inertia : tuple
        ``(positive, negative, zero)`` of the Hessian of ℓ restricted to ``M_e^o`` (exact).
    stratum_role : str
        ``"local_min"``, ``"saddle"`` or ``"degenerate"`` on ``M_e^o``.
    gradient_is_zero : bool
        ``∇ℓ(W) = 0`` (decided exactly).
    kind : str
        ``"pure"`` (critical for ``ℓ|M_r``: ``e = r`` or ``∇ℓ = 0``) or ``"spurious"``
        (``e < r``, ``∇ℓ ≠ 0``: only images of spurious critical points of L), THEORY §2.
    role : str
        On ``M_r``: ``"global_min"``, ``"bad_local_min"``, ``"local_min"`` (global status
        undetermined: ℓ not proven coercive, or its value not separated from another critical value
        nor proved equal to it — the certificate says which), ``"saddle"``, ``"degenerate"``, or ``"not_critical"``
        (spurious image: never a local minimum of ``ℓ|M_r``).
    chart : tuple
        ``(I, J)`` of the chart the point was found in.
    certificate : tuple of str

    Examples
    --------
    The bad local minimum of a weighted loss on ``d = (2, 1, 2)`` (TKB2020), lifted to parameters:

    >>> from linnet_geometry import LinearNetwork, WeightedQuadraticLoss, function_space_critical_points
    >>> loss = WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]])
    >>> bad = function_space_critical_points(LinearNetwork((2, 1, 2)), loss).bad_local_minima[0]
    >>> bad.rank, bad.kind, bad.role, bad.stratum_inertia
    (1, 'pure', 'bad_local_min', (3, 0, 0))
    >>> round(bad.value_float, 4)
    62.0129
    >>> bad.lift_report.role, bad.lift_report.kind
    ('local_min', 'pure')
    """

    rank: int
    image_float: object = field(repr=False)
    value_float: float
    is_rational: bool
    stratum_inertia: tuple
    stratum_role: str
    gradient_is_zero: bool
    kind: str
    role: str
    chart: tuple
    certificate: tuple = field(repr=False)
    _root: object = field(repr=False, compare=False)
    _coords: object = field(repr=False, compare=False)
    _system: object = field(repr=False, compare=False)
    _network: object = field(repr=False, compare=False)
    _loss: object = field(repr=False, compare=False)

    def _exact_matrix(self, M):
        return M.xreplace(self._coords.exact_values(self._root))

    @cached_property
    def image(self):
        """W exactly: rationals, or polynomials in a ``CRootOf`` (sympy algebraic numbers)."""
        return self._exact_matrix(self._system["W"])

    @cached_property
    def factors(self):
        """``(A, B)`` with ``W = A·B`` (exact, as :attr:`image`)."""
        return self._exact_matrix(self._system["A"]), self._exact_matrix(self._system["B"])

    @cached_property
    def value(self):
        """``ℓ(W)`` exactly (Rational when rational, else an expression in a CRootOf)."""
        return sympy.expand(self._exact_matrix(sympy.Matrix([[self._system["objective"]]]))[0, 0]) \
            if self.is_rational else self._exact_matrix(sympy.Matrix([[self._system["objective"]]]))[0, 0]

    def _float_factors(self):
        sub = {v: sympy.Float(x, _DIGITS) for v, x in self._coords.numeric_values(self._root, _DIGITS).items()}
        A = self._system["A"].xreplace(sub)
        B = self._system["B"].xreplace(sub)
        return np.array(A.evalf(_DIGITS).tolist(), dtype=float), np.array(B.evalf(_DIGITS).tolist(), dtype=float)

    @cached_property
    def lift(self):
        """A parameter point θ with ``μ(θ) = W`` and ``∇L(θ) = 0`` (TKB2020), or None without a network.

        ``W_1 = [B; 0]``, ``W_i = diag(Id_e, 0)``, ``W_h = [A, 0]``.  Exact rationals when
        :attr:`is_rational`, else float64 (40-digit coordinates rounded).
        """
        net = self._network
        if net is None:
            return None
        A, B = self.factors if self.is_rational else self._float_factors()
        rep = representation(self.is_rational)
        e, w, h = self.rank, net.widths, net.depth
        if h == 1:
            return (A @ B,)
        mats = []
        for i in range(1, h + 1):
            M = rep.zeros(w[i], w[i - 1])
            for k in range(e):
                if i == 1:
                    for j in range(w[0]):
                        M[k, j] = B[k, j]
                elif i == h:
                    for j in range(w[h]):
                        M[j, k] = A[j, k]
                else:
                    M[k, k] = 1
            mats.append(M)
        return tuple(mats)

    @cached_property
    def lift_report(self):
        """:func:`classify` of :attr:`lift` (exact when rational, numeric path otherwise)."""
        if self._network is None:
            return None
        return classify(self._network, self._loss, self.lift)

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"rank": self.rank, "image": [[float(x) for x in row] for row in self.image_float],
                "value": str(self.value) if self.is_rational else None, "value_float": self.value_float,
                "is_rational": self.is_rational, "stratum_inertia": list(self.stratum_inertia),
                "stratum_role": self.stratum_role, "gradient_is_zero": self.gradient_is_zero, "kind": self.kind,
                "role": self.role, "chart": [list(self.chart[0]), list(self.chart[1])],
                "certificate": list(self.certificate)}


@dataclass(frozen=True)
class StratumSolution:
    """The critical points of ℓ on one rank stratum ``M_e^o``.

    Attributes
    ----------
    rank : int
        e.
    dimension : int
        ``e(m + n − e)``, the dimension of ``M_e^o``.
    num_complex : int
        Number of complex critical points (charts deduplicated; ED degree for squared distances, DHOST2016).
    num_real : int
    chart_counts : tuple of ((I, J), int)
        New points found in each chart, in the order used.
    eliminant_degrees : tuple of int
    points : tuple of FunctionSpaceRealPoint
        Sorted by value.
    is_smooth_in_M_r : bool
        ``e = r`` or the architecture is filling.
    method : str
        How the stratum was solved: ``"projection"``, ``"groebner"`` or ``"closed form"`` (e = 0).
    method_note : str or None
        Why projection was not used, when it was tried.
    engine : str
        Which engine answered: ``"projection"``, ``"msolve"`` [BES2021], ``"sympy"``, ``"singular"``,
        ``"macaulay2"`` or ``"closed form"``.  msolve counts the *distinct* points (it parametrizes the
        radical of the chart ideal); so do the other engines (shape lemma on the radical).
    components : tuple of CriticalComponent
        Non-generic data: the positive-dimensional pieces of the critical set (dimension, degree, real points
        decided, a real representative and its role; ``linnet_geometry.critical._components``).  Then
        ``num_complex`` counts the isolated points only.

    Examples
    --------
    >>> from linnet_geometry import DeterminantalVariety, WeightedQuadraticLoss, function_space_critical_points
    >>> loss = WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]])
    >>> s = function_space_critical_points(DeterminantalVariety(2, 2, 1), loss, backend="sympy").strata[1]
    >>> s.rank, s.dimension, s.num_complex, s.num_real, s.method
    (1, 3, 6, 4, 'projection')
    >>> [k for _, k in s.chart_counts]     # every point lies in the first chart here
    [6, 0, 0, 0]
    """

    rank: int
    dimension: int
    num_complex: int
    num_real: int
    chart_counts: tuple
    points: tuple
    is_smooth_in_M_r: bool
    method: str = "groebner"
    method_note: str | None = None
    engine: str = "sympy"
    components: tuple = ()   # CriticalComponent (non-generic data, _components)

    def to_dict(self):
        return {"rank": self.rank, "dimension": self.dimension, "num_complex": self.num_complex,
                "components": [c.to_dict() for c in self.components],
                "num_real": self.num_real, "is_smooth_in_M_r": self.is_smooth_in_M_r, "method": self.method,
                "method_note": self.method_note, "engine": self.engine,
                "chart_counts": [[list(c[0]), list(c[1]), k] for c, k in self.chart_counts],
                "points": [p.to_dict() for p in self.points]}


@dataclass(frozen=True)
class GeneralCriticalLocus:
    """Result of :func:`function_space_critical_points`.

    Attributes
    ----------
    loss, variety, network
    backend : str
        The backend chosen for Gröbner-route strata (``"msolve"``, ``"sympy"``, ``"singular"`` or
        ``"macaulay2"``; strata solved by projection do not use it).
    engine : str
        The engines that answered the strata of rank ≥ 1, joined by ``+`` (e.g. ``"projection+msolve"``).
    strata : tuple of StratumSolution
        ``e = 0, …, r``.
    is_coercive : bool
        ℓ proven coercive, so the least real critical value is the minimum over ``M_r``.
    global_minimum_value_float : float or None

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, WeightedQuadraticLoss, function_space_critical_points
    >>> loss = WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]])
    >>> res = function_space_critical_points(LinearNetwork((2, 1, 2)), loss)
    >>> res.counts
    {0: 1, 1: 6}
    >>> [p.role for p in res.points]
    ['not_critical', 'global_min', 'bad_local_min', 'saddle', 'saddle']
    >>> round(res.global_minimum_value_float, 4), len(res.bad_local_minima), len(res.spurious_points)
    (25.3763, 1, 1)
    >>> print(res.summary())
    stratum M_0: dim 0, 1 complex critical points, 1 real
    stratum M_1: dim 3, 6 complex critical points, 4 real
    """

    loss: object
    variety: object
    network: object
    backend: str
    strata: tuple
    is_coercive: bool
    global_minimum_value_float: float | None
    engine: str = "sympy"

    def __repr__(self):
        counts = ", ".join(f"e={s.rank}: {s.num_complex} complex / {s.num_real} real" for s in self.strata)
        return f"GeneralCriticalLocus({self.variety!r}, backend={self.backend!r}, {counts})"

    @property
    def counts(self):
        """``{e: number of complex critical points on M_e^o}``."""
        return {s.rank: s.num_complex for s in self.strata}

    @property
    def points(self):
        """All real critical points, every stratum, by rank then value."""
        return tuple(p for s in self.strata for p in s.points)

    @property
    def local_minima(self):
        return tuple(p for p in self.points if p.role in ("global_min", "bad_local_min", "local_min"))

    @property
    def bad_local_minima(self):
        """Pure non-global local minima of ``ℓ|M_r`` (TKB2020)."""
        return tuple(p for p in self.points if p.role == "bad_local_min")

    @property
    def spurious_points(self):
        """Images of the spurious critical points of L (``e < r``, ``∇ℓ ≠ 0``)."""
        if self.network is not None and self.network.depth == 1:
            return ()
        return tuple(p for p in self.points if p.kind == "spurious")

    def table(self) -> str:
        """A text table of the real critical points."""
        head = f"{'rank':>4}  {'value':>14}  {'kind':<9}{'role':<15}{'inertia on M_e':<16}{'∇ℓ=0':<6}{'chart':<14}"
        lines = [head, "-" * len(head)]
        for p in self.points:
            ch = f"{list(p.chart[0])},{list(p.chart[1])}"
            lines.append(f"{p.rank:>4}  {p.value_float:>14.8g}  {p.kind:<9}{p.role:<15}{str(p.stratum_inertia):<16}"
                         f"{'yes' if p.gradient_is_zero else 'no':<6}{ch:<14}")
        lines += _components.component_lines(self.strata)
        return "\n".join(lines)

    def summary(self) -> str:
        lines = [f"stratum M_{s.rank}: dim {s.dimension}, {s.num_complex} complex critical points, "
                 f"{s.num_real} real" for s in self.strata]
        lines += _components.component_lines(self.strata, short=True)
        return "\n".join(lines)

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"variety": self.variety.to_dict(), "network": None if self.network is None else self.network.to_dict(),
                "loss": self.loss.to_dict(), "backend": self.backend, "engine": self.engine,
                "is_coercive": self.is_coercive,
                "global_minimum_value_float": self.global_minimum_value_float,
                "counts": {str(k): v for k, v in self.counts.items()},
                "num_bad_local_minima": len(self.bad_local_minima), "num_spurious": len(self.spurious_points),
                "strata": [s.to_dict() for s in self.strata]}

    def _latex(self, printer=None):
        counts = r",\ ".join(rf"\#\mathrm{{Crit}}(\ell|M_{s.rank}^\circ) = {s.num_complex}" for s in self.strata)
        return counts

    def _repr_latex_(self):
        return f"${self._latex()}$"
