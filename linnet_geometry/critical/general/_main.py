""":func:`function_space_critical_points`: every rank stratum, solved and classified (THEORY §2, §4).

Part of :mod:`linnet_geometry.critical.general` (see its docstring for the method and THEORY §2, §4)."""

from __future__ import annotations

import math

import numpy as np
import sympy

from .. import _projection
from ...model.losses import Loss
from ...exceptions import AssumptionError, DegenerateDataError, InputTypeError, ProblemTooLargeError
from .._projection import _loss_polynomial
from ._engines import MAX_CHARTS, MAX_CHART_VARIABLES, METHODS, _check_backend, _choose_backend
from ._roots import _RealRoot, _ShapeCoords, _as_param_coords
from ._systems import _charts, _first_chart_bezout, _is_coercive, _validate, critical_system
from ._classify import _CriticalValue, _MAX_VALUE_PREC, _least_value_check, _real_points_certified, _lower_how
from ._solve import _solve_chart_with
from ._results import GeneralCriticalLocus, FunctionSpaceRealPoint, StratumSolution
from . import _components
from ...backends import msolve_available


def function_space_critical_points(loss, variety_or_network, backend: str = "auto", chart_order="lex",
                                   timeout: float = 3600, method: str = "auto"):
    """All critical points of ℓ on the rank strata ``M_e^o`` (``e ≤ r``) of ``M_r``, exactly.

    Called as ``function_space_critical_points(network, loss, …)`` — the order of
    every entry point of the library — or, as in earlier releases,
    ``function_space_critical_points(loss, network, …)``: the two positional
    arguments are told apart by type.

    See the module docstring for the formulation (charts, shape lemma,
    exact signs) and THEORY §2, §4 (TKB2020, DHOST2016, LvB2018).

    Parameters
    ----------
    loss : Loss
        Exact polynomial loss: :class:`WeightedQuadraticLoss`, :class:`MatrixSensingLoss`,
        :class:`QuadraticLoss`, :class:`PolynomialLoss`.
    variety_or_network : LinearNetwork or DeterminantalVariety
        With a network, each real point carries a lifted critical θ (:attr:`FunctionSpaceRealPoint.lift`).
    backend : {"auto", "msolve", "sympy", "singular", "macaulay2"}
        Engine of the Gröbner-route strata; ``"auto"``: msolve when found, else sympy / Singular / M2
        (module docstring, *Backends*).
    chart_order : "lex", "reversed" or int
        Order in which the charts are used (an int shuffles with that seed);
        the results do not depend on it.
    timeout : float
        Seconds allowed to an external backend (msolve, Singular, M2) per chart system; past it the
        process group is killed and :class:`~linnet_geometry.exceptions.BackendTimeoutError` raised.
    method : {"auto", "projection", "groebner"}
        How each stratum is solved.  ``"projection"`` eliminates the free factor of
        ``W = A B`` (ℓ quadratic in W, at most two free coordinates left: e.g. every
        rank-1 stratum of 2×n and 3×n matrices; see ``linnet_geometry.critical._projection``) and needs no
        Gröbner basis beyond small certificates; ``"groebner"`` hands the chart systems
        to ``backend``.  ``"auto"`` hands every stratum to msolve when it is found and
        ``backend`` is ``"auto"`` or ``"msolve"`` (faster than projection on every stratum);
        otherwise it uses projection where it applies and the backend is the embedded one
        (``"auto"``/``"sympy"``), Gröbner bases elsewhere — also when projection meets
        non-generic data it cannot decide.  Both give the same points.

    Returns
    -------
    GeneralCriticalLocus

    Raises
    ------
    BackendNotFoundError
        An explicitly requested external backend is not on PATH.
    ProblemTooLargeError
        A chart system is beyond the chosen backend (Bézout-number estimate: :data:`SYMPY_BEZOUT_LIMIT`,
        :data:`MSOLVE_BEZOUT_LIMIT`, :data:`MAX_BEZOUT`), raised before solving.
    BackendTimeoutError, BackendFailedError
        An external engine ran past ``timeout`` or failed.
    DegenerateDataError
        Positive-dimensional critical sets (non-generic data) that could not be answered: msolve missing, or
        real points of a component not decided (the message says why).  Answered ones are in
        :attr:`StratumSolution.components`.
    AssumptionError
        ``method="projection"`` where it does not apply (the message says why).

    Examples
    --------
    >>> from linnet_geometry import DeterminantalVariety, WeightedQuadraticLoss
    >>> loss = WeightedQuadraticLoss([[-2, 9], [8, -5]], [[6, 8], [2, 1]])
    >>> res = function_space_critical_points(DeterminantalVariety(2, 2, 1), loss, backend="sympy")
    >>> res.counts
    {0: 1, 1: 6}
    >>> function_space_critical_points(loss, DeterminantalVariety(2, 2, 1), backend="sympy").counts  # earlier order
    {0: 1, 1: 6}
    """
    if isinstance(variety_or_network, Loss) and not isinstance(loss, Loss):
        loss, variety_or_network = variety_or_network, loss  # (network, loss, …): the library-wide order
    network, variety = _validate(loss, variety_or_network)
    _check_backend(backend)
    if not isinstance(method, str) or method not in METHODS:
        raise InputTypeError(f"method: expected one of {METHODS}; received {method!r}")
    m, n, r = variety.rows, variety.cols, variety.rank
    filling = r == min(m, n)
    n_charts = sum(math.comb(m, e) * math.comb(n, e) for e in range(1, r + 1))
    n_vars = max((e * (m + n - e) for e in range(1, r + 1)), default=0)
    if n_charts > MAX_CHARTS or n_vars > MAX_CHART_VARIABLES:
        raise ProblemTooLargeError(
            f"M_{r} of {m}x{n} matrices needs {n_charts} chart systems with up to {n_vars} unknowns; expected at most "
            f"{MAX_CHARTS} charts and {MAX_CHART_VARIABLES} unknowns (exact solving would not finish)")
    # build every system first so that size errors come before any solving
    plans = []
    worst = 1
    # msolve, when found, is faster than projection on every stratum (benchmarks/bench_general_losses.py)
    try_projection = method == "projection" or (method == "auto" and (
        backend == "sympy" or (backend == "auto" and not msolve_available())))
    for e in range(1, r + 1):
        charts = _charts(m, n, e, chart_order)
        systems = []
        for k, ch in enumerate(charts):
            s = critical_system(loss, (m, n), e, ch, previous=charts[:k])
            s["chart"] = ch
            s["loss"] = loss
            systems.append(s)
        note = None
        if try_projection:
            try:
                _projection.applicability(loss, (m, n), e)
            except _projection.ProjectionNotApplicable as err:
                if method == "projection":
                    raise AssumptionError(f"method='projection' does not apply to the rank-{e} stratum: {err}; use "
                                          "method='groebner'") from None
                note = str(err)
        if note is not None or not try_projection:
            worst = max(worst, _first_chart_bezout(systems))
        plans.append((e, charts, systems, try_projection and note is None, note))
    used = _choose_backend(backend, worst) if any(not p[3] for p in plans) else "sympy"
    coercive = _is_coercive(loss)

    raw = []  # (e, chart, root, coords, system, inertia, gzero, value_float, image_float, how decided)
    strata_info = []
    # e = 0: the single point W = 0
    zero_sys = {"W": sympy.zeros(m, n), "A": sympy.zeros(m, 0), "B": sympy.zeros(0, n),
                "objective": _loss_polynomial(loss, sympy.zeros(m, n))}
    zp = sympy.Poly(sympy.Symbol("z_sep"), sympy.Symbol("z_sep"), domain="QQ")
    G0 = loss.gradient(sympy.zeros(m, n))
    raw.append((0, ((), ()), _RealRoot(zp, 0, 0), _ShapeCoords(), zero_sys, (0, 0, 0), all(x == 0 for x in G0),
                float(zero_sys["objective"]), np.zeros((m, n)), "exact",
                _CriticalValue(rational=sympy.Rational(zero_sys["objective"]))))
    strata_info.append((0, 0, 1, ((((), ()), 1),), "closed form", None, "closed form", ()))
    for e, charts, systems, projected, note in plans:
        solutions = None
        how = "groebner"
        engine = used
        if projected:
            try:
                solutions = _projection.solve_stratum(loss, (m, n), e, charts, [s["variables"][:-1] for s in systems])
                how = engine = "projection"
            except _projection.ProjectionNotApplicable as err:
                if method == "projection":
                    raise DegenerateDataError(f"method='projection' could not decide the rank-{e} stratum: {err}; "
                                              "use method='groebner'") from None
                note = str(err)
                used = engine = _choose_backend(backend, _first_chart_bezout(systems))
        if solutions is None:
            solutions = [_solve_chart_with(s, used, timeout) for s in systems]
        total = 0
        chart_counts = []
        components = []
        for s, sol in zip(systems, solutions):
            pieces = sol.pieces if isinstance(sol, _components.ChartDecomposition) else (sol,)
            components.extend(getattr(sol, "components", ()))
            chart_counts.append((s["chart"], sum(pc[0] for pc in pieces)))
            for count, p, coords in pieces:
                total += count
                if count:
                    raw.extend(_real_points_certified(e, s, p, _as_param_coords(p, coords, s["variables"]), loss))
        strata_info.append((e, e * (m + n - e), total, tuple(chart_counts), how,
                            None if how == "projection" else note, engine, tuple(components)))

    values = [x[7] for x in raw]
    gmin = min(values) if values and coercive else None   # reported only; decisions compare exact values
    points_by_rank = {}
    for idx, (e, chart, root, coords, system, inert, gzero, vfloat, Wf, how, value) in enumerate(raw):
        cert = []
        if e == 0:
            srole = "local_min"
        elif inert[1] > 0:
            srole = "saddle"
        elif inert[2] > 0:
            srole = "degenerate"
        else:
            srole = "local_min"
        if e > 0:
            cert.append(f"Hessian of ℓ on M_{e}^o (chart coordinates) has inertia {inert} ({how}) ⇒ {srole} on the "
                        "stratum")
        if e == r or gzero:
            kind = "pure"
        else:
            kind = "spurious"
        if e < r:
            cert.append(f"rank {e} < r = {r}: critical for ℓ|M_r iff ∇ℓ(W) = 0 (THEORY §2 convention), here "
                        f"∇ℓ {'=' if gzero else '≠'} 0 ⇒ {kind} [TKB2020]")
        if kind == "spurious":
            role = "not_critical"
            cert.append("rank < r and ∇ℓ ≠ 0: W + s·xyᵀ ∈ M_r decreases ℓ to first order ⇒ not a local minimum of "
                        "ℓ|M_r [TKB2020]")
        elif e < r:  # ∇ℓ = 0 at a point of lower rank
            if loss.is_convex:
                role = "global_min"
                cert.append("∇ℓ(W) = 0 and ℓ convex ⇒ W minimises ℓ on all matrices [TKB2020, LvB2018]")
            else:
                role = "degenerate"
                cert.append("∇ℓ = 0 at a singular point and ℓ not known convex: role undetermined")
        elif srole != "local_min":
            role = srole
        elif gmin is None:
            role = "local_min"
            cert.append("ℓ not proven coercive: whether this minimum is global is undetermined")
        else:
            lower, undecided = _least_value_check(idx, raw)
            if lower is not None:
                role = "bad_local_min"
                cert.append(f"strict local minimum with value {vfloat:.10g} > the critical value {raw[lower][7]:.10g} "
                            f"of another real critical point ({_lower_how(raw[lower])}) ⇒ bad (non-global) local "
                            "minimum, pure by construction [TKB2020]")
            elif undecided:
                role = "local_min"
                cert.append(f"whether this minimum is global is undetermined: its value is not separated from "
                            f"{undecided} other critical value(s) by ball arithmetic at {_MAX_VALUE_PREC} bits and "
                            "their exact equality is beyond the exact test's degree limit")
            else:
                role = "global_min"
                cert.append("strict local minimum whose value is ≤ every real critical value over all strata (exact "
                            "comparison: disjoint arb balls, or equality of algebraic numbers proved), ℓ coercive ⇒ "
                            "global minimum of ℓ|M_r")
        pt = FunctionSpaceRealPoint(rank=e, image_float=Wf, value_float=vfloat, is_rational=root.is_rational,
                               stratum_inertia=inert, stratum_role=srole, gradient_is_zero=gzero, kind=kind,
                               role=role, chart=chart, certificate=tuple(cert), _root=root, _coords=coords,
                               _system=system, _network=network, _loss=loss)
        points_by_rank.setdefault(e, []).append(pt)
    strata = []
    for e, dim, total, chart_counts, how, note, engine, comps in strata_info:
        pts = tuple(sorted(points_by_rank.get(e, []), key=lambda p: p.value_float))
        strata.append(StratumSolution(rank=e, dimension=dim, num_complex=total, num_real=len(pts),
                                      chart_counts=chart_counts, points=pts, is_smooth_in_M_r=(e == r or filling),
                                      method=how, method_note=note, engine=engine, components=comps))
    engines = tuple(dict.fromkeys(st_.engine for st_ in strata if st_.rank > 0))
    return GeneralCriticalLocus(loss=loss, variety=variety, network=network, backend=used, strata=tuple(strata),
                                is_coercive=coercive, global_minimum_value_float=gmin,
                                engine="+".join(engines) or "closed form")
