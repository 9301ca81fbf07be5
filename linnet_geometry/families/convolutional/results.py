"""Result types of the convolutional critical points (KMMT2022, KMST2024).

:class:`ConvolutionalPointReport` (one classified point), :class:`ConvolutionalCriticalPoint`,
:class:`ConvolutionalCriticalFamily` and :class:`ConvolutionalCriticalLocus` (everything
:func:`~linnet_geometry.families.convolutional.critical.convolutional_critical_points` found) — frozen
dataclasses with ``to_dict()`` and ``_repr_latex_()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import flint
import sympy

from ...exact.modular import check_prime, lcm_squarefree_mod, reduce_mod, to_sympy_mod
from ._algebra import evaluate_terms, multiplication_matrix

__all__ = ["ConvolutionalPointReport", "ConvolutionalCriticalPoint", "ConvolutionalCriticalFamily",
           "ConvolutionalCriticalLocus"]


@dataclass(frozen=True)
class ConvolutionalPointReport:
    """Classification of one parameter point θ of ``L = ℓ ∘ μ`` on a convolutional network.

    Attributes
    ----------
    is_critical : bool
    kind : str or None
        ``"pure"`` / ``"spurious"`` (module docstring convention) for critical points.
    role : str or None
        ``"global_min"``, ``"local_min"``, ``"strict_saddle"``, ``"non_strict_saddle"``, ``"undetermined"``.
    value : sympy number
    end_to_end_filter : tuple of sympy numbers
    differential_rank : int
        ``rk dμ(θ)`` (exact); ``function_space_dim`` is the maximum ``Σk − L + 1``.
    function_space_dim : int
    gradient_vanishes : bool
        ``∇f(w̄) = 0`` (w̄ is an unconstrained critical point of the loss on filters).
    on_boundary : bool or None
        From ``network.function_space.is_on_boundary`` (``None`` when it cannot decide).
    repeated_root : bool
        w̄ (a binary form of degree ``k̄ − 1``) has a repeated root, over ℂ, at infinity included.
    repeated_filters : tuple of tuple of int
        Groups (1-based layers) of equal-size filters that are equal up to scaling.
    shared_roots : tuple of tuple of int
        Pairs of layers whose stretched filters ``w_l(t^{S_{l−1}})`` share a root (binary forms).
    zero_layers : tuple of int
    hessian_inertia : tuple
        ``(positive, negative, zero)``, exact.
    certificate : tuple of str
    exact : bool
    """

    is_critical: bool
    kind: str | None
    role: str | None
    value: object
    end_to_end_filter: tuple
    differential_rank: int
    function_space_dim: int
    gradient_vanishes: bool
    on_boundary: bool | None
    repeated_root: bool
    repeated_filters: tuple
    shared_roots: tuple
    zero_layers: tuple
    hessian_inertia: tuple | None
    certificate: tuple = ()
    exact: bool = True
    value_approx: float | None = field(default=None, repr=False, compare=False)
    #: ``(K, x)``: the value as ``x(α)`` in the point's number field (certified comparisons), when known
    value_field: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def value_float(self) -> float:
        """The value as a float (from the certified ball of the point's number field when available)."""
        if self.value_approx is not None:
            return self.value_approx
        return float(self.value) if isinstance(self.value, (int, sympy.Rational)) else float(sympy.N(self.value, 30))

    @property
    def is_regular(self) -> bool:
        """θ is not a critical point of μ (``rk dμ = dim M``)."""
        return self.differential_rank == self.function_space_dim

    def to_dict(self):
        return {"is_critical": self.is_critical, "kind": self.kind, "role": self.role, "value": str(self.value),
                "value_float": self.value_float, "end_to_end_filter": [str(x) for x in self.end_to_end_filter],
                "differential_rank": self.differential_rank, "function_space_dim": self.function_space_dim,
                "gradient_vanishes": self.gradient_vanishes, "on_boundary": self.on_boundary,
                "repeated_root": self.repeated_root, "repeated_filters": [list(g) for g in self.repeated_filters],
                "shared_roots": [list(p) for p in self.shared_roots], "zero_layers": list(self.zero_layers),
                "hessian_inertia": list(self.hessian_inertia) if self.hessian_inertia else None,
                "certificate": list(self.certificate), "exact": self.exact}

    def _latex(self, printer=None):
        if not self.is_critical:
            return r"\text{not critical}"
        return (rf"\text{{{self.kind}, {self.role.replace('_', ' ')}}},\ L = {sympy.latex(self.value)},\ "
                rf"\operatorname{{rk}} d\mu = {self.differential_rank}")

    def _repr_latex_(self):
        return f"${self._latex()}$"


@dataclass(frozen=True)
class ConvolutionalCriticalPoint:
    """One real critical point of L, up to the scaling symmetry (an isolated point modulo the torus).

    Attributes
    ----------
    theta : tuple of tuple
        The normalized representative (exact sympy numbers; first non-zero coefficient of
        ``w_1, …, w_{L−1}`` equal to 1).
    chart : tuple of int
        ``(j_1, …, j_L)``: index of the first non-zero coefficient of each filter.
    report : ConvolutionalPointReport
        Kind, role, boundary, repeated filters, … (the same function as :func:`classify_convolutional`).
    minimal_polynomial : sympy expression
        Minimal polynomial (in ``z``) of the number field of the point (``z`` for rational points).
    engine : str
        The engine that solved its chart.
    """

    theta: tuple
    chart: tuple
    report: ConvolutionalPointReport
    minimal_polynomial: object = None
    engine: str = ""
    theta_float: tuple = field(default=(), repr=False)

    def __getattr__(self, name):  # value, kind, role, ... come from the report
        if name.startswith("_") or name in ("theta", "chart", "report"):
            raise AttributeError(name)
        return getattr(self.report, name)

    @property
    def end_to_end_filter(self):
        return self.report.end_to_end_filter

    @property
    def theta_float_layers(self):
        """``theta`` as floats, layer by layer, from the certified balls of the number field (accurate
        to double precision; ``sympy.N`` of large-field coordinates can lose every digit)."""
        if not self.theta_float:
            return tuple(tuple(float(x) if isinstance(x, (int, sympy.Rational)) else None for x in w)
                         for w in self.theta)
        out, pos = [], 0
        for w in self.theta:
            out.append(tuple(self.theta_float[pos:pos + len(w)]))
            pos += len(w)
        return tuple(out)

    @property
    def function_space_point(self):
        """The end-to-end filter w̄ this point maps to, and whether it is critical for ℓ on M (pure)."""
        return {"filter": self.report.end_to_end_filter, "critical_on_function_space": self.report.kind == "pure",
                "on_boundary": self.report.on_boundary}

    def to_dict(self):
        d = self.report.to_dict()
        d.update(theta=[[str(x) for x in w] for w in self.theta], chart=list(self.chart),
                 minimal_polynomial=str(self.minimal_polynomial), engine=self.engine)
        return d


@dataclass(frozen=True)
class ConvolutionalCriticalFamily:
    """A positive-dimensional set of critical points (or one with w̄ = 0).

    Attributes
    ----------
    description : str
    zero_layers : tuple of int
        Layers whose filter is zero on the family (1-based); empty for a chart family.
    dimension : int or None
        Dimension in parameter space (``None``: not determined).
    value : sympy number
        ``L`` on the family when constant (always ``ℓ(0)`` when w̄ = 0), else ``None``.
    kind : str or None
    representative : ConvolutionalPointReport or None
        Classification of one real point of the family (roles may vary along a family).
    samples : tuple of ConvolutionalCriticalPoint
        Real points on random rational slices (for chart families).
    chart : tuple or None
    engine : str
    """

    description: str
    zero_layers: tuple
    dimension: int | None
    value: object
    kind: str | None
    representative: object = None
    representative_theta: tuple | None = None
    samples: tuple = ()
    chart: tuple | None = None
    engine: str = ""

    @property
    def role(self):
        return None if self.representative is None else self.representative.role

    @property
    def value_float(self):
        """The value as a float: exact for rationals, else the representative's certified ball."""
        if self.value is None:
            return None
        from ._points import certified_float
        f = certified_float(self)
        return f if f is not None else float(sympy.N(self.value, 30))

    def to_dict(self):
        return {"description": self.description, "zero_layers": list(self.zero_layers), "dimension": self.dimension,
                "value": None if self.value is None else str(self.value), "value_float": self.value_float,
                "kind": self.kind, "role": self.role,
                "representative_theta": None if self.representative_theta is None else
                [[str(x) for x in w] for w in self.representative_theta],
                "representative": None if self.representative is None else self.representative.to_dict(),
                "samples": [s.to_dict() for s in self.samples], "chart": None if self.chart is None else
                list(self.chart), "engine": self.engine}


class ComponentValues:
    """L along the zero-dimensional chart components, evaluated on demand (exactly or mod p).

    ``terms`` are L's terms ``[(exponents, fmpq)]`` in the parameters; ``components`` pairs each
    irreducible ``q`` with the parameters as elements of ``ℚ[z]/(q)``.  Evaluating L over ℚ on
    large components (coordinates of tens of thousands of bits) is the costly step, and only
    :meth:`ConvolutionalCriticalLocus.complex_critical_values_polynomial` needs it: it happens at
    the first call and is kept; over ``GF(p)`` the same evaluation is word-size.
    """

    def __init__(self, terms, components):
        self.terms, self.components, self._exact = terms, list(components), None

    @staticmethod
    def _evaluate(terms, coords, q, one):
        return evaluate_terms(terms, coords, lambda a, b: (a * b) % q, {}, one) % q

    def exact(self):
        """``[(q, L(g) mod q)]`` over ℚ."""
        if self._exact is None:
            one = flint.fmpq_poly([1])
            self._exact = [(q, self._evaluate(self.terms, coords, q, one)) for q, coords in self.components]
        return self._exact

    def modular(self, p):
        """``[(q mod p, L(g) mod (q, p))]``; a prime dividing a denominator raises ZeroDivisionError."""
        terms = [(m, reduce_mod([c], p, keep_degree=False)[0]) for m, c in self.terms]
        one, out = flint.nmod_poly([1], p), []
        for q, coords in self.components:
            qp = reduce_mod(q, p)
            cp = [reduce_mod(c, p, keep_degree=False) % qp for c in coords]
            out.append((qp, self._evaluate(terms, cp, qp, one)))
        return out


@dataclass(frozen=True)
class ConvolutionalCriticalLocus:
    """All critical points of ``L = ℓ ∘ μ`` on a convolutional network, up to the scaling symmetry.

    Attributes
    ----------
    network, loss
    points : tuple of ConvolutionalCriticalPoint
        Real critical points with every filter non-zero, isolated modulo the torus, sorted by value.
    families : tuple of ConvolutionalCriticalFamily
        The w̄ = 0 strata and any positive-dimensional chart components.
    complex_count : int or None
        Number of complex critical points with all filters non-zero, modulo the torus
        (``None`` when a chart is positive-dimensional).
    engines : tuple of str
        Engines that answered (one per system solved).
    charts : int
        Number of polynomial systems solved (charts of the torus, or pattern charts).
    method : str
        ``"charts"`` (the full gradient per chart of the scaling torus) or ``"strata"`` (one small
        system per root-sharing pattern of the layers, stride 1; see ``_strata``).
    strata : tuple of (str, tuple, int)
        For ``method="strata"``: ``(pattern, chart, number of complex critical points)`` for every
        pattern chart that has some.
    """

    network: object = field(repr=False)
    loss: object = field(repr=False)
    points: tuple
    families: tuple
    complex_count: int | None
    engines: tuple
    charts: int
    _complex_values: object = field(default=None, repr=False, compare=False)
    method: str = "charts"
    strata: tuple = field(default=(), repr=False)

    @property
    def engine(self):
        """The engine(s) that answered, e.g. ``"sympy"``."""
        return "+".join(sorted(set(self.engines))) if self.engines else "none"

    @property
    def critical_values(self):
        """Sorted distinct real critical values (exact), points and families together.

        Equal values written in different number fields are merged by certified comparison
        (``_points.distinct_values``); sorted by certified floats (not ``sympy.N``, which loses
        every digit on values with large coefficients)."""
        from ._points import distinct_values
        items = list(self.points) + [f for f in self.families if f.value is not None]
        items += [s for f in self.families for s in f.samples]
        return tuple(v for v, _ in distinct_values(items))

    @property
    def global_minimum(self):
        """The point(s) with role ``global_min`` (a tuple)."""
        return tuple(p for p in self.points if p.role == "global_min")

    @property
    def nonzero_points(self):
        return self.points

    def complex_critical_values_polynomial(self, var=None, modulus=None):
        """Squarefree polynomial (in ``var``) whose roots are all complex critical values of L.

        From the components of every chart (values ``L(g(β))`` at the roots β of each
        irreducible ``p``: the characteristic polynomial of multiplication by ``L(g)`` in
        ``ℚ[z]/(p)``, i.e. the resultant ``Res_z(p, v − L(g(z)))``, exact in FLINT) and
        ``ℓ(0)`` for the w̄ = 0 strata.  Raises :class:`ValueError` when a chart is
        positive-dimensional.

        With ``modulus=p`` (an odd prime below ``2³¹``) the same construction runs in
        ``GF(p)``: the result is a polynomial over ``GF(p)`` which, for all but finitely many
        p, is the image of the rational one (``reduce_modulo``).  It costs one word-size
        characteristic polynomial per component instead of a rational one, whose entries have
        thousands of bits on large components.  A prime dividing a denominator raises
        :class:`ZeroDivisionError`.
        """
        var = var or sympy.Symbol("v")
        if self._complex_values is None:
            raise ValueError("complex critical values are unknown: a chart is positive-dimensional")
        if modulus is not None:
            return self._values_polynomial_mod(var, check_prime(modulus))
        out = flint.fmpq_poly([1])

        def absorb(acc, f):  # lcm of squarefree polynomials
            f = f * (1 / f.leading_coefficient())
            if f.degree() > 0:
                f = f / f.gcd(f.derivative())
            return acc * f / acc.gcd(f)

        if any(f.zero_layers for f in self.families):
            v0 = sympy.Rational(self.families[0].value)
            out = absorb(out, flint.fmpq_poly([flint.fmpq(-int(v0.p), int(v0.q)), 1]))
        for q, Lg in self._complex_values.exact():
            M = flint.fmpq_mat(q.degree(), q.degree(), multiplication_matrix(q, Lg))
            out = absorb(out, flint.fmpq_poly(M.charpoly()))
        coeffs = [sympy.Rational(int(c.p), int(c.q)) for c in out.coeffs()]
        return sympy.Poly(list(reversed(coeffs)), var, domain="QQ")

    def _values_polynomial_mod(self, var, p):
        out = flint.nmod_poly([1], p)
        if any(f.zero_layers for f in self.families):
            out = lcm_squarefree_mod(out, reduce_mod([-sympy.Rational(self.families[0].value), 1], p))
        for qp, Lp in self._complex_values.modular(p):
            M = flint.nmod_mat(qp.degree(), qp.degree(), multiplication_matrix(qp, Lp), p)
            out = lcm_squarefree_mod(out, M.charpoly())
        return to_sympy_mod(out, var)

    def to_dict(self):
        net = self.network
        return {"filter_sizes": list(net.filter_sizes), "strides": list(net.strides),
                "input_length": int(net.input_length), "loss": self.loss.describe(), "engine": self.engine,
                "charts": self.charts, "method": self.method, "complex_count": self.complex_count,
                "strata": [{"pattern": lab, "chart": list(ch), "complex_count": n} for lab, ch, n in self.strata],
                "critical_values": [str(v) for v in self.critical_values],
                "points": [p.to_dict() for p in self.points], "families": [f.to_dict() for f in self.families]}

    def table(self) -> str:
        """A plain-text table of the critical points and families."""
        lines = [f"{'theta (normalized)':<44} {'value':>12} {'kind':<9} {'role':<17} {'rk dmu':>6} "
                 f"{'bdry':<5} {'rep.root':<8} shared"]
        for p in self.points:
            th = "; ".join(",".join(short_number(x, a) for x, a in zip(w, fw))
                           for w, fw in zip(p.theta, p.theta_float_layers))
            lines.append(f"{th[:44]:<44} {p.value_float:>12.6g} {p.kind:<9} {p.role:<17} {p.differential_rank:>6} "
                         f"{str(p.on_boundary):<5} {str(p.repeated_root):<8} {p.shared_roots}")
        for f in self.families:
            v = "" if f.value is None else f"{f.value_float:.6g}"
            lines.append(f"family: {f.description[:36]:<36} {v:>12} {str(f.kind):<9} {str(f.role):<17} "
                         f"dim {f.dimension}")
        return "\n".join(lines)

    def __len__(self):
        return len(self.points)

    def _repr_latex_(self):
        return (rf"$\text{{{len(self.points)} isolated critical points (mod scaling), {len(self.families)} "
                rf"families}}$")


def short_number(x, approx=None, width=10, digits=4):
    """``str(x)`` when at most ``width`` characters, else ``approx`` (a certified float) to ``digits``
    significant digits; ``sympy.N`` only when no certified float is known (rationals, radicals)."""
    s = str(x)
    if len(s) <= width:
        return s
    if approx is None:
        approx = float(x) if isinstance(x, (int, sympy.Rational)) else float(sympy.N(x, 20))
    return f"{approx:.{digits}g}"


# ----------------------------------------------------------------------------- classification of a point
