"""Certified real critical points and their classification: ball arithmetic on boxes, the global minimum.

* msolve route: at each of msolve's isolating boxes the value of ``L`` and the
  Hessian are enclosed in ball arithmetic and the inertia is proved by a
  congruence ``QᵀHQ`` and Gershgorin discs (:func:`~linnet_geometry.exact.balls.ball_inertia`);
  a rational point is classified exactly.
* sympy route: the real homotopy endpoints are refined by Newton's method and
  certified by the Krawczyk test in ball arithmetic
  (:func:`~linnet_geometry.exact.balls.krawczyk_root`: a unique real zero in a
  stated box, or "not certified"); the Hessian inertia is certified on the same
  box by Weyl's inequality.
* The least-valued local minimum is the global minimum when every real
  critical point is known and ``L`` is coercive (``λ > 0``; MCTH2022).
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import flint
import numpy as np
import sympy

from ...critical.classify import Fact
from ...exact.balls import BallPolynomials, ball_bounds, ball_box, ball_inertia, krawczyk_root, weyl_inertia
from ...exceptions import BackendFailedError
from .homotopy import _NumericSystem
from .loss import _role_from_inertia
from .results import RealCriticalPoint

__all__ = []


def _sign_flips(network):
    """Sign vectors on θ of the hidden-neuron sign symmetries (row j of W_i and column j of W_{i+1} negated)."""
    hidden = [(i, j) for i in range(1, network.depth) for j in range(network.widths[i])]
    out = []
    for mask in range(1, 2 ** len(hidden)):
        s = {hidden[k]: -1 for k in range(len(hidden)) if mask >> k & 1}
        vec = []
        for i, (rows, cols) in enumerate(network.shapes, start=1):
            for a in range(rows):
                for b in range(cols):
                    vec.append(s.get((i, a), 1) * s.get((i - 1, b), 1))
        out.append(vec)
    return out


def _boxes_overlap(A, B):
    return all(a[0] <= b[1] and b[0] <= a[1] for a, b in zip(A, B))


def _flip_box(box, vec):
    return [(lo, hi) if s > 0 else (-hi, -lo) for (lo, hi), s in zip(box, vec)]


_REFINE_BITS = (128, 512, 2048)


def _msolve_real_points(network, loss, R, F, Lpoly, sol, facts):
    """Classify msolve's real critical points: value and Hessian inertia in ball arithmetic, global minimum."""
    boxes = [list(b) for b in (sol.real_points or ())]
    gens = R.gens
    n = len(gens)
    hess_polys = [F[i].diff(gens[j]) for i in range(n) for j in range(i, n)]
    ev_hess, ev_val = BallPolynomials(hess_polys, n), BallPolynomials([Lpoly], n)
    lam = [l for L_ in loss.layer_weights(network) for l in L_]
    coercive = all(l > 0 for l in lam)
    facts.append(Fact(f"msolve: {len(boxes)} real critical points in certified isolating boxes — all of them "
                      "(real root isolation of the eliminant over QQ)"))

    def evaluate(box, prec):
        with flint.ctx.workprec(prec):
            xs = ball_box(box)
            hv = ev_hess(xs)
            H = [[None] * n for _ in range(n)]
            k = 0
            for i in range(n):
                for j in range(i, n):
                    H[i][j] = H[j][i] = hv[k]
                    k += 1
            inert = ball_inertia(H)
            value = ev_val(xs)[0]
        return inert, value

    data = []
    for k, box in enumerate(boxes):
        inert, value = evaluate(box, 128)
        bits = 0
        for bits in _REFINE_BITS:
            if inert is not None:
                break
            box = list(sol.refine(k, bits))
            inert, value = evaluate(box, 2 * bits + 64)
        data.append([box, inert, value, bits if inert is not None else None])
    # least value: refine the boxes whose value balls overlap the least one until separated
    for bits in _REFINE_BITS:
        if not data:
            break
        bounds = [ball_bounds(v) for _, _, v, _ in data]
        hi_min = min(hi for _, hi in bounds)
        group = [k for k, (lo, _) in enumerate(bounds) if lo <= hi_min]
        if len(group) <= 1 or _same_orbit([data[k][0] for k in group], [d[0] for d in data], network):
            break
        for k in group:
            data[k][0] = list(sol.refine(k, bits))
            data[k][1:3] = evaluate(data[k][0], 2 * bits + 64)
    points = []
    for k, (box, inert, value, bits) in enumerate(data):
        theta = network.unflatten([float((lo + hi) / 2) for lo, hi in box], exact=False)
        radius = max(float(hi - lo) / 2 for lo, hi in box)
        if all(lo == hi for lo, hi in box):
            # a rational critical point: classify exactly (Descartes' rule on the characteristic polynomial)
            exact_theta = network.unflatten([sympy.Rational(lo.numerator, lo.denominator) for lo, _ in box], exact=True)
            rep = loss.classify(network, exact_theta)
            if not rep.is_critical:
                raise BackendFailedError(f"msolve returned the rational point {box} which is not critical; "
                                         "expected a critical point")
            cert = list(rep.certificate) + [Fact("msolve: the isolating box is a rational point; classified exactly")]
            ok = rep.hessian_inertia is not None
            rep = replace(rep, certificate=tuple(cert))
            v = float(rep.value)
            points.append(RealCriticalPoint(theta, v, rep, True, 0.0, ok, box=tuple(box),
                                            value_interval=(math.nextafter(v, -math.inf), math.nextafter(v, math.inf)),
                                            inertia_method="exact" if ok else None))
            continue
        rep = loss.classify(network, theta, tol=1e-7)
        cert = [Fact("weight decay: L is not a function of W̄ alone, so pure/spurious does not apply (kind=None)",
                     ("MCTH2022",)),
                Fact(f"msolve: a unique real critical point lies in the box of radius ≤ "
                     f"{max(float(hi - lo) / 2 for lo, hi in box):.1e}"),
                Fact(f"L ∈ {value.str(5, radius=True)} (ball arithmetic on the box)")]
        if inert is not None:
            cert.append(Fact(f"Hessian inertia (+, −, 0) = {inert}, proved by ball arithmetic on the box: QᵀHQ with Q "
                             "certified invertible has Gershgorin discs excluding 0 (Sylvester's law of inertia)"))
            role = _role_from_inertia(inert, float(value.mid()), cert)
        else:
            cert.append(Fact("Hessian eigenvalue not separated from 0 by ball arithmetic at 2048 bits: inertia "
                             "undetermined (a singular Hessian at an isolated point, or not separated)"))
            role = "undetermined"
        rep = replace(rep, is_critical=True, role=role, hessian_inertia=inert, certificate=tuple(cert),
                      value=float(value.mid()))
        points.append(RealCriticalPoint(theta, float(value.mid()), rep, True, radius, inert is not None,
                                        box=tuple((Fraction(lo), Fraction(hi)) for lo, hi in box),
                                        value_interval=ball_bounds(value),
                                        inertia_method="interval" if inert is not None else None))
    gmin, bad = None, ()
    if points:
        hi_min = min(p.value_interval[1] for p in points)
        group = [k for k, p in enumerate(points) if p.value_interval[0] <= hi_min]
        proven = len(group) == 1 or _same_orbit([points[k].box for k in group], [p.box for p in points], network)
        if not coercive:
            facts.append(Fact("some λ = 0: L need not be coercive, so no global minimum is claimed"))
        elif not proven:
            facts.append(Fact(f"{len(group)} critical values within {hi_min - points[group[0]].value_interval[0]:.1e} "
                              "of the least one are not separated (ball arithmetic at 2048 bits) nor related by a "
                              "sign symmetry: the global minimum is not identified"))
        else:
            new = list(points)
            for k in group:
                p = points[k]
                rep = replace(p.report, role="global_min", certificate=p.report.certificate + (Fact(
                    "msolve lists every real critical point and L is coercive (λ > 0), so the least critical value "
                    "is the global minimum" + (" (the least-valued points are images of each other under the sign "
                                               "symmetries of hidden neurons: equal values)" if len(group) > 1 else ""),
                    ("MCTH2022",)),))
                new[k] = replace(p, report=rep)
            points = new
            gmin = points[group[0]]
            gval = max(points[k].value_interval[1] for k in group)
            bad = tuple(p for p in points if p.role == "local_min" and p.value_interval[0] > gval)
        mins = [p for p in points if p.role in ("local_min", "global_min")]
        facts.append(Fact(f"{len(points)} real critical points, {len(mins)} local minima"
                          + (f", {len(bad)} of them bad (above the global minimum, separated in ball arithmetic)"
                             if gmin is not None else "")))
    order = sorted(range(len(points)), key=lambda k: points[k].value)
    points = tuple(points[k] for k in order)
    if gmin is not None:
        gmin = next(p for p in points if p.role == "global_min")
    return points, gmin, bad


def _same_orbit(group, all_boxes, network):
    """True when every box of ``group`` is proved to be the image of ``group[0]`` by a hidden-neuron sign flip.

    The image of the critical point in ``group[0]`` under a flip σ is a real critical point (L is invariant),
    lying in ``σ(box)``; when ``σ(box)`` meets exactly one of the disjoint isolating boxes, that box holds it.
    """
    if len(group) <= 1:
        return True
    flips = _sign_flips(network)
    for box in group[1:]:
        ok = False
        for vec in flips:
            img = _flip_box(group[0], vec)
            hits = [b for b in all_boxes if _boxes_overlap(img, b)]
            if len(hits) == 1 and hits[0] is box:
                ok = True
                break
        if not ok:
            return False
    return True

def _groebner_global_minimum(reals, complete, loss, network, facts):
    gmin = None
    bad = ()
    mins = [p for p in reals if p.role in ("local_min", "global_min")]
    if complete and mins and all(p.certified and p.inertia_certified for p in reals):
        lowest = min(p.value for p in reals)
        new = []
        for p in reals:
            if p.role in ("local_min", "global_min") and abs(p.value - lowest) <= 1e-9 * (1 + abs(lowest)):
                rep = replace(p.report, role="global_min", certificate=p.report.certificate + (
                    Fact("all real critical points were found (homotopy count = Gröbner count) and L is "
                         "coercive (λ > 0), so the least critical value is the global minimum",
                         ("MCTH2022",)),))
                p = replace(p, report=rep)
            new.append(p)
        reals = tuple(new)
        gmin = next(p for p in reals if p.role == "global_min")
        bad = tuple(p for p in reals if p.role == "local_min")
    facts.append(Fact(f"{len(reals)} real critical points, {len(mins)} local minima"
                      + (f", {len(bad)} of them bad (above the global minimum)" if gmin is not None else "")))
    return reals, gmin, bad


def _real_points(network, loss, R, F, hres, distinct, dim, tol, facts):
    if hres is None:
        return None, False
    n = len(F)
    balls = BallPolynomials(F, n)
    complete = dim == 0 and distinct is not None and hres.count == distinct
    if complete:
        facts.append(Fact(f"the homotopy found {hres.count} distinct nonsingular points = the Gröbner distinct count "
                          "⇒ every complex (hence every real) critical point is in the list"))
    else:
        facts.append(Fact(f"homotopy: {hres.count} points, Gröbner distinct count {distinct}: the real list is not "
                          "certified complete"))
    system = _NumericSystem.from_ring(F, n)
    out = []
    for x in hres.solutions:
        if np.max(np.abs(x.imag)) > 1e-8 * (1 + np.linalg.norm(x)):
            continue
        xr = x.real.copy()
        for _ in range(5):
            Fv, J = system.eval(xr[None, :].astype(complex))
            xr = xr - np.linalg.solve(J[0].real, Fv[0].real)
        scale = 1 + float(np.linalg.norm(xr))
        root = krawczyk_root(balls, xr, [1e-12 * scale, 1e-10 * scale, 1e-8 * scale, 1e-6 * scale])
        theta = network.unflatten(xr, exact=False)
        rep = loss.classify(network, theta, tol=max(tol, 1e-7))
        extra = []
        inert_ok = False
        radius = None
        if root is not None:
            radius = root.radius
            extra.append(Fact(f"Krawczyk test in ball arithmetic (python-flint arb): a unique real zero of ∇L lies "
                              f"in the box θ ± {radius:.1e}"))
            inert, bound = weyl_inertia(root.jacobian)
            if inert is not None:
                inert_ok = True
                facts_ = list(rep.certificate) + extra + [Fact(
                    f"Hessian inertia {inert} certified on the box (Weyl: eigenvalues move by ≤ {bound:.1e})")]
                role = _role_from_inertia(inert, rep.value, facts_)
                rep = replace(rep, hessian_inertia=inert, role=role, certificate=tuple(facts_))
            else:
                rep = replace(rep, certificate=rep.certificate + tuple(extra) + (Fact(
                    f"Hessian eigenvalue within {bound:.1e} of 0: inertia not certified"),))
        else:
            rep = replace(rep, certificate=rep.certificate + (Fact("Krawczyk test failed: not certified"),))
        out.append(RealCriticalPoint(theta, float(rep.value), rep, root is not None, radius, inert_ok,
                                     inertia_method="weyl" if inert_ok else None))
    out.sort(key=lambda p: p.value)
    return tuple(out), complete
