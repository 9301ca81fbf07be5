"""Entry point of the regularized layer: :func:`parameter_critical_points` picks an engine, runs it, assembles the result."""

from __future__ import annotations

import time

from ...critical.classify import Fact
from ...exact.matrix import DEFAULT_TOL
from .certify import _groebner_global_minimum, _real_points
from .groebner import _groebner_route
from .homotopy import solve_homotopy, solve_phc
from .msolve_route import _msolve_route
from .results import ParameterCriticalPoints
from .system import (
    DEFAULT_TIMEOUT,
    MAX_MSOLVE_PARAMS,
    _check_loss,
    _check_timeout,
    _guard,
    _resolve_engine,
    _ring_system,
)

__all__ = ["parameter_critical_points"]


def parameter_critical_points(network, loss, *, engine: str = "auto", prime="auto", real_points: bool = True,
                              homotopy: bool | None = None, phc: bool = False, seed: int = 0,
                              tol: float = DEFAULT_TOL, timeout: float = DEFAULT_TIMEOUT) -> ParameterCriticalPoints:
    """The critical points of a regularized linear network, counted exactly and classified.

    Two exact engines count the complex critical points (MCTH2022, BH2023):

    * ``"msolve"`` (the default when the msolve executable is found):
      msolve's F4 Gröbner bases and rational parametrizations
      (BES2021).  The number of **distinct** complex
      critical points is the degree of msolve's squarefree eliminant — over
      ``QQ`` (multi-modular, exact) when ``prime`` is ``None`` or over
      ``GF(prime)``.  The count **with multiplicity** is the number of standard
      monomials of msolve's leading ideal modulo a prime (``prime``, else
      :data:`DEFAULT_PRIME`).  Real critical points are msolve's certified
      isolating boxes (over ``QQ``: complete by construction), refined on
      request; the Hessian inertia at each is proved by ball arithmetic
      (python-flint ``arb``): a congruence ``QᵀHQ`` with a numerical
      eigenvector matrix ``Q`` certified invertible, then Gershgorin discs
      that exclude 0 (Sylvester's law of inertia).
    * ``"groebner"``: sympy's Buchberger algorithm (modulo ``prime``, or over
      ``QQ`` for at most :data:`MAX_RATIONAL_GROEBNER_PARAMS` weights), the
      quotient's multiplication matrices for the distinct count and the
      multiplicities, and this module's homotopy for the real points
      (Krawczyk-certified).

    Parameters
    ----------
    network : LinearNetwork
    loss : RegularizedLoss
    engine : {"auto", "msolve", "groebner"}
        ``"auto"``: msolve when found, else the sympy Gröbner route.
    prime : int, None or "auto"
        ``None``: exact counts over ``QQ``; a prime ``2^15 < p < 2^31``:
        counts over ``GF(p)`` (equal to those over ``QQ`` unless ``p`` is one
        of finitely many unlucky primes; the report says so).  ``"auto"``
        (default): ``None`` with msolve, :data:`DEFAULT_PRIME` with the sympy
        route.  With the sympy route ``prime=None`` is refused (before any
        work) above :data:`MAX_RATIONAL_GROEBNER_PARAMS` weights.
    real_points : bool
        Find, certify and classify the real critical points.
    homotopy : bool or None
        Also run this module's total-degree homotopy (default: only for the
        sympy route with ``real_points``).
    phc : bool
        Also run PHCpack (raises :class:`BackendNotFoundError` if absent).
    seed : int
        Seed of the random choices of the sympy and homotopy routes.
    timeout : float
        Seconds allowed per msolve run (:class:`BackendTimeoutError` beyond).

    Raises
    ------
    ProblemTooLargeError
        Before any work: more than :data:`MAX_MSOLVE_PARAMS` weights
        (msolve), more than :data:`MAX_GROEBNER_PARAMS` weights or a Bézout
        number above :data:`MAX_GROEBNER_BEZOUT` (sympy), or more than
        :data:`MAX_HOMOTOPY_PATHS` homotopy paths.
    BackendNotFoundError
        ``engine="msolve"`` without an msolve executable.
    BackendTimeoutError, BackendFailedError
        msolve ran out of time or failed.

    Examples
    --------
    >>> from linnet_geometry.landscape.regularized import random_regularized_loss
    >>> net, loss = random_regularized_loss((2, 1, 2), samples=1, seed=0)
    >>> res = parameter_critical_points(net, loss)
    >>> res.engine, res.field, res.dimension, res.count, res.distinct_count, res.nonzero_count
    ('msolve', 'QQ', 0, 9, 9, 8)
    >>> [(p.role, p.inertia_method) for p in res.real_points]
    [('global_min', 'interval'), ('global_min', 'interval'), ('strict_saddle', 'exact')]
    >>> g = parameter_critical_points(net, loss, engine="groebner")
    >>> g.engine, g.field, g.count, g.homotopy.count
    ('groebner', 'GF(2147483647)', 9, 9)
    >>> net, loss = random_regularized_loss((1, 2, 1), samples=1, seed=0, regularization="uniform")
    >>> res = parameter_critical_points(net, loss)
    >>> res.is_isolated, res.dimension, res.count
    (False, 1, None)
    """
    _check_loss(network, loss)
    if network.num_params > MAX_MSOLVE_PARAMS:  # engine-independent, checked first
        _guard(network, "msolve", None, False, False)
    engine, prime = _resolve_engine(engine, prime)
    timeout = _check_timeout(timeout)
    if homotopy is None:
        homotopy = bool(real_points) and engine == "groebner"
    _guard(network, engine, prime, homotopy, real_points)
    n = network.num_params
    seconds = {}
    facts = []
    R, F, Lpoly = _ring_system(network, loss)
    if engine == "msolve":
        out = _msolve_route(network, loss, R, F, Lpoly, prime=prime, real_points=real_points, timeout=timeout,
                            seed=seed, facts=facts, seconds=seconds)
    else:
        out = _groebner_route(R, F, n, prime, seed, facts, seconds)
    dim, distinct = out["dimension"], out["distinct"]
    hres = pres = None
    if homotopy:
        hres = solve_homotopy(F, n, seed=seed, expected=distinct)
        seconds["homotopy"] = hres.seconds
        if engine == "msolve" and distinct is not None:
            facts.append(Fact(f"cross-check: the homotopy found {hres.count} distinct nonsingular points "
                              f"({'=' if hres.count == distinct else '≠'} msolve's {distinct})"))
    if phc:
        pres = solve_phc(F, timeout=timeout)
        seconds["phc"] = pres.seconds
        if distinct is not None:
            facts.append(Fact(f"cross-check: phc found {pres.count} distinct nonsingular points "
                              f"({'=' if pres.count == distinct else '≠'} the exact {distinct})"))
    reals = gmin = None
    bad = ()
    complete = False
    if real_points and engine == "msolve":
        reals, gmin, bad, complete = out["reals"], out["global_minimum"], out["bad"], out["complete"]
    elif real_points:
        t2 = time.perf_counter()
        reals, complete = _real_points(network, loss, R, F, hres, distinct, dim, tol, facts)
        seconds["real_points"] = time.perf_counter() - t2
        if reals:
            reals, gmin, bad = _groebner_global_minimum(reals, complete, loss, network, facts)
    return ParameterCriticalPoints(
        network.widths, loss.describe(), out["field"], dim, dim == 0, out["count"], distinct,
        None if out["multiplicities"] is None else tuple(out["multiplicities"]), out["nonzero"],
        out["nonzero_distinct"], out["groebner_size"], reals, complete, gmin, bad, hres, pres, tuple(facts), seconds,
        engine=engine, multiplicity_source=out.get("multiplicity_source"))
