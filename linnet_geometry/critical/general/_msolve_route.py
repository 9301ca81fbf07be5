"""One chart system solved by msolve [BES2021]: its rational parametrization kept as quotients.

Part of :mod:`linnet_geometry.critical.general` (see its docstring for the method and THEORY §2, §4)."""

from __future__ import annotations

import sympy

from ._roots import _MsolveCoords, real_root_intervals
from ...backends import msolve_solve
from ...exceptions import BackendFailedError


def _solve_chart_msolve(system, timeout):
    """msolve [BES2021]: ``(count, p, coords)`` as :func:`_solve_chart`, from msolve's rational parametrization.

    msolve returns ``x_i = -num_i(t)/(cf_i·den(t))`` on the roots of its squarefree eliminant ``w``.  These
    rational functions are kept as they are (:class:`_MsolveCoords`): ``den`` is coprime to ``w`` (checked
    exactly), so every coordinate is a quotient of two integer polynomials with a nonzero denominator at each
    root — evaluated in ball arithmetic, and homogenised for the exact zero tests.  The shape form
    ``x_i = g_i(t) mod w`` would need ``den⁻¹ mod w``, whose coefficients are about ``deg w`` times longer
    than msolve's (4×4 rank 1: degree 284, 5,600-bit coefficients — minutes of extended gcd); it is never
    formed.  The count is ``deg w`` (the distinct points: msolve parametrizes the radical), and the number of
    real roots of ``w`` is checked against msolve's certified real isolating boxes.
    """
    import flint

    gens = system["variables"]
    fl = system.get("_flint")
    eqs = fl["equations"] if fl is not None else system["equations"]
    res = msolve_solve(list(eqs), list(gens), field=0, real=True, timeout=timeout)
    if res.dimension < 0:
        return 0, None, None
    if res.dimension > 0:
        raise _PositiveDimensional(system.get("chart"))
    Wz = res._sqfree
    den = flint.fmpz_poly([int(c) for c in res.denominator])
    if Wz.gcd(den).degree() != 0:
        raise BackendFailedError("msolve: the denominator of the parametrization vanishes at a root of the "
                                 "eliminant; expected an invertible denominator")
    coords = _MsolveCoords(Wz, den, {v: (flint.fmpz_poly([int(c) for c in num]), int(cf))
                                     for v, num, cf in zip(gens, res.numerators, res.cfs)})
    z = sympy.Symbol("z_sep")
    pz = sympy.Poly([int(c) for c in reversed(Wz.coeffs())], z, domain="QQ").monic()
    # real roots of w: ball arithmetic (arb) isolates them, real ones with exactly zero imaginary part (FLINT)
    coords.real_intervals = real_root_intervals(Wz)
    nreal = len(coords.real_intervals)
    if nreal != len(res.real_points):
        raise BackendFailedError(f"msolve printed {len(res.real_points)} real isolating boxes but its eliminant "
                                 f"has {nreal} real roots; expected equal")
    return res.degree, pz, coords


class _PositiveDimensional(Exception):
    """Internal: a chart ideal is positive-dimensional (handled by the caller)."""

    def __init__(self, chart):
        super().__init__(chart)
        self.chart = chart
