"""Point-level helpers of the convolutional classification (KMMT2022, KMST2024).

:class:`PointBalls` encloses polynomial expressions at a point from the balls of its coordinates;
:func:`promote_minima` decides which local minima sit at the least real critical value, with
certified comparisons (:func:`~linnet_geometry.families.convolutional._algebra.compare_values`);
:func:`distinct_values` merges equal critical values written in different number fields.
"""

from __future__ import annotations

import flint
import sympy

from ...critical.general import is_coercive
from ._algebra import compare_values, evaluate_terms, isolated_roots

__all__ = ["PointBalls", "promote_minima", "share_values", "distinct_values", "certified_float", "repeated_filters",
           "shared_roots"]


class PointBalls:
    """Balls of polynomial expressions at θ, evaluated from the balls of θ's coordinates.

    A ball of an entry such as ``∂μ_n/∂θ_i (θ)`` contains the exact value whichever way it is
    computed; evaluating the polynomial on the coordinates' balls needs one ball per coordinate
    instead of one per entry (each entry, as an element of K, has coefficients of tens of
    thousands of bits on large components).  Used by the certified rank and inertia fast paths.
    """

    def __init__(self, K, coords):
        self.K, self.coords, self._at = K, coords, {}

    def coordinates(self, prec):
        """Balls of the coordinates at ``prec`` (computed once)."""
        if prec not in self._at:
            self._at[prec] = ([self.K.ball(c, prec) for c in self.coords], {})
        return self._at[prec][0]

    def matrix(self, prob, keyed):
        """``prec ↦`` the ball matrix of ``keyed`` (rows of ``(evaluator key, sympy expression)``)."""
        def at(prec):
            values, cache = self.coordinates(prec), self._at[prec][1]
            old = flint.ctx.prec
            flint.ctx.prec = prec
            try:
                return [[evaluate_terms(prob.ev(key, e).terms, values, lambda a, b: a * b, cache, flint.arb(1))
                         for key, e in row] for row in keyed]
            finally:
                flint.ctx.prec = old
        return at


def _value_of(x):
    """A point's or family's value for :func:`compare_values`: ``(K, x)``, a rational, or None (unknown)."""
    report = getattr(x, "report", None)
    if report is not None and report.value_field is not None:
        return report.value_field
    rep = getattr(x, "representative", None)
    if rep is not None and getattr(rep, "value_field", None) is not None:
        return rep.value_field
    v = x.value
    return v if v is not None and isinstance(v, (int, sympy.Rational)) else None


def share_values(points, images):
    """``points`` with point j's exact value written as point i's, for every ``j: i`` of ``images``
    (``_strata.symmetric_images``: θ_j is a layer permutation of θ_i, so ``L(θ_j) = L(θ_i)``).

    The value is then one element of one field, and comparisons between the two are exact zero tests
    (θ_i, θ_j can be different real roots of one q, whose values would otherwise need a minimal
    polynomial over ℚ to be compared).
    """
    from dataclasses import replace

    out = list(points)
    for j, i in images.items():
        out[j] = replace(out[j], report=replace(out[j].report, value_field=out[i].report.value_field))
    return out


def promote_minima(prob, points, families):
    """Local minima at the least real critical value are global when the minimum of L is attained.

    "Least" is decided with certified comparisons (:func:`compare_values`: balls, then exact
    equality in the number fields); a comparison that stays undecided leaves the role alone and
    says so in the certificate.
    """
    from dataclasses import replace

    vals = [p.value_float for p in points] + [f.value_float for f in families if f.value is not None]
    if not vals:
        return points
    least = min(vals)
    fs = prob.function_space
    closed = bool(getattr(fs, "is_closed", False)) if fs is not None else False
    attained = is_coercive(prob.loss) and closed
    others = [(x, _value_of(x)) for x in list(points) + [f for f in families if f.value is not None]]
    balls = {}   # each value's ball per precision, shared by the comparisons below
    out = []
    for p in points:
        if p.role == "local_min":
            mine = _value_of(p)
            signs = [None if mine is None or v is None else compare_values(mine, v, cache=balls)
                     for x, v in others if x is not p]
            if any(s == 1 for s in signs):
                facts = p.report.certificate + (f"a lower critical value ({least:.6g}) exists ⇒ bad local minimum",)
                p = replace(p, report=replace(p.report, certificate=facts))
            elif all(s is not None for s in signs) and attained:
                facts = p.report.certificate + ("least real critical value, ℓ coercive and M closed (the minimum "
                                                "of L is attained at a critical point) ⇒ global minimum",)
                p = replace(p, report=replace(p.report, role="global_min", certificate=facts))
            elif not all(s is not None for s in signs):
                facts = p.report.certificate + ("whether this is the least real critical value is undetermined "
                                                "(a comparison of values could not be certified)",)
                p = replace(p, report=replace(p.report, certificate=facts))
        out.append(p)
    return out


def certified_float(x):
    """The value of a point or family as a float from certified data, or None.

    Points carry ``value_approx`` (a ball of their number field, accurate to double precision);
    rational values convert exactly.  ``sympy.N`` of a value written as ``Σ c_i α^i`` with
    coefficients of thousands of bits is *not* used: its fixed working precision loses every digit
    to cancellation (it returns ``0.e+439`` or nonsense of the order ``2^{126}`` on such values).
    """
    report = getattr(x, "report", None) or getattr(x, "representative", None)
    if report is not None and getattr(report, "value_approx", None) is not None:
        if getattr(x, "report", None) is not None or x.value == report.value:
            return report.value_approx
    v = x.value
    if isinstance(v, (int, sympy.Rational)):
        return float(v)
    return None


#: Two floats accurate to double precision (relative error < 2^−52 each) further apart than this
#: relative distance are values of different numbers; closer ones are compared exactly.
_NEAR = 1e-12


def distinct_values(items):
    """The distinct real critical values of ``items`` (points, families, samples), sorted.

    Equal values may be written in different number fields (permuting equal filters gives points
    of equal value whose fields differ): values whose certified floats are close are compared by
    :func:`compare_values` (balls, then exact equality); a comparison that stays undecided keeps
    both (the list then may contain a value twice — never merges two different values).

    Returns
    -------
    list of ``(value, float)`` pairs, sorted by the float.
    """
    rows = []
    for x in items:
        if x.value is None:
            continue
        f = certified_float(x)
        if f is None:   # pragma: no cover - every point carries value_approx
            f = float(sympy.N(x.value, 30))
        rows.append((f, x.value, _value_of(x)))
    rows.sort(key=lambda r: r[0])
    kept, balls = [], {}
    for f, v, exact in rows:
        same = False
        for g, w, other in reversed(kept):
            if abs(f - g) > _NEAR * max(abs(f), abs(g), 1e-300):
                break          # sorted: every earlier one is further away
            if v == w or (exact is not None and other is not None and compare_values(exact, other, cache=balls) == 0):
                same = True
                break
        if not same:
            kept.append((f, v, exact))
    return [(v, f) for f, v, _ in kept]


def repeated_filters(prob, K, layers, zero_layers):
    """Classes (1-based, ≥ 2 layers) of proportional non-zero filters of equal size: exact 2×2 minors in K."""
    rep_groups = []
    for l in range(prob.depth):
        for m in range(l + 1, prob.depth):
            if prob.sizes[l] != prob.sizes[m] or l + 1 in zero_layers or m + 1 in zero_layers:
                continue
            a, b = layers[l], layers[m]
            if all(K.is_zero(K.mul(a[i], b[j]) - K.mul(a[j], b[i])) for i in range(len(a)) for j in range(len(a))):
                for grp in rep_groups:
                    if l + 1 in grp:
                        grp.add(m + 1)
                        break
                else:
                    rep_groups.append({l + 1, m + 1})
    return tuple(tuple(sorted(g)) for g in rep_groups)


def shared_roots(prob, K, coords, layers, zero_layers, point_balls, cache):
    """Pairs (1-based) of non-zero stretched layers with a common root in ℙ¹: certified disjoint root balls,
    else the exact resultant (or both leading coefficients zero: a root at ∞)."""
    offs = prob.stretched_offsets()
    shared = []
    stretched = []
    for l in range(prob.depth):
        P = [flint.fmpq_poly([0])] * ((prob.sizes[l] - 1) * offs[l] + 1)
        for j, c in enumerate(layers[l]):
            P[j * offs[l]] = c
        stretched.append(P)
    starts = [sum(prob.sizes[:l]) for l in range(prob.depth)]

    def stretched_balls(l):
        def at(prec):
            out = [flint.arb(0)] * len(stretched[l])
            for j in range(prob.sizes[l]):
                out[j * offs[l]] = point_balls.coordinates(prec)[starts[l] + j]
            return out
        return at

    root_balls = [None if l + 1 in zero_layers else isolated_roots(K, stretched[l], balls=stretched_balls(l))
                  for l in range(prob.depth)]
    for l in range(prob.depth):
        for m in range(l + 1, prob.depth):
            if l + 1 in zero_layers or m + 1 in zero_layers:
                continue
            a, b = stretched[l], stretched[m]
            at_inf = len(a) > 1 and len(b) > 1 and K.is_zero(a[-1]) and K.is_zero(b[-1])
            ra, rb = root_balls[l], root_balls[m]
            if not at_inf and ra is not None and rb is not None and not any(x.overlaps(y) for x in ra for y in rb):
                continue  # certified: every root of a lies in a ball that holds no root of b
            if at_inf or K.is_zero(prob.binary_invariants()[1][(l, m)](K, coords, cache)):   # Res = 0 in ℙ¹
                shared.append((l + 1, m + 1))
    return tuple(shared)
