"""Ball arithmetic (python-flint ``arb``): polynomials on boxes, certified roots, certified inertia.

A *ball* ``[m ± r]`` (``flint.arb``) is a rigorous enclosure of a real number:
every operation returns a ball containing every possible exact result.  On
top of it this module offers

* :class:`BallPolynomials` — polynomials over ``QQ`` (and their Jacobian)
  evaluated on boxes of balls;
* :func:`krawczyk_root` — the Krawczyk test: a box proved to contain exactly
  one zero of a square polynomial system, or ``None`` ("not certified"), never
  a wrong claim;
* :func:`ball_inertia` and :func:`weyl_inertia` — the inertia ``(+, −, 0)``
  shared by every symmetric matrix of a ball matrix, or ``None`` when a zero
  eigenvalue cannot be excluded;
* :func:`ball_box` and :func:`ball_bounds` — conversions between rational
  intervals, balls and outward-rounded float bounds.

Powers are formed by repeated multiplication: ``arb ** k`` is ``nan`` on a
ball containing 0 in python-flint.  Nothing here knows about networks or
losses.

Examples
--------
>>> root = krawczyk_root(BallPolynomials([{(2,): 1, (0,): -2}]), [1.4142135623730951], [1e-12])
>>> root.radius, root.contains([2 ** 0.5])
(1e-12, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import flint
import numpy as np

__all__ = ["BallPolynomials", "CertifiedRoot", "krawczyk_root", "ball_inertia", "weyl_inertia", "ball_box",
           "ball_bounds"]


def _fmpq(c):
    """An exact rational coefficient as ``flint.fmpq`` (int, Fraction, sympy / gmpy / flint rationals, floats)."""
    if isinstance(c, flint.fmpq):
        return c
    if isinstance(c, float):
        c = Fraction(c)
    try:
        return flint.fmpq(int(c.numerator), int(c.denominator))
    except AttributeError:
        return flint.fmpq(int(c.p), int(c.q))  # sympy.Rational


class BallPolynomials:
    """Polynomials over ``QQ`` evaluated in ball arithmetic.

    Parameters
    ----------
    polys : sequence of mappings
        One polynomial per entry, as ``{exponent tuple: rational coefficient}``
        (a sympy ``PolyElement`` is such a mapping; coefficients may be ints,
        Fractions, sympy, gmpy or flint rationals).
    nvars : int, optional
        Number of variables (default: the length of the exponent tuples).

    Examples
    --------
    >>> import flint
    >>> P = BallPolynomials([{(2, 0): 1, (0, 1): -3}, {(1, 1): 2}])   # x² − 3y, 2xy
    >>> P([flint.arb(2), flint.arb(1)])
    [1.00000000000000, 4.00000000000000]
    >>> P.jacobian([flint.arb(2), flint.arb(1)])
    [[4.00000000000000, -3.00000000000000], [2.00000000000000, 4.00000000000000]]
    >>> y = P([flint.arb(0, 1), flint.arb(0)])[0]    # x² on [−1, 1] is enclosed, not nan
    >>> y.contains(0) and y.contains(1)
    True
    """

    def __init__(self, polys, nvars=None):
        self._terms = []
        for f in polys:
            items = f.items() if hasattr(f, "items") else f
            self._terms.append([(tuple(int(e) for e in m), _fmpq(c)) for m, c in items if c != 0])
        lengths = {len(m) for terms in self._terms for m, _ in terms}
        if nvars is None:
            nvars = max(lengths, default=0)
        if any(k != nvars for k in lengths):
            raise ValueError(f"exponent tuples of lengths {sorted(lengths)}; expected {nvars} variables")
        self.nvars = nvars
        self._jac = None

    def __len__(self):
        return len(self._terms)

    @staticmethod
    def _evaluate(all_terms, xs):
        deg = max((e for terms in all_terms for m, _ in terms for e in m), default=0)
        powers = []
        for x in xs:
            pw = [flint.arb(1), x]
            for _ in range(2, deg + 1):
                pw.append(pw[-1] * x)  # repeated products: arb ** k is nan on balls containing 0
            powers.append(pw)
        out = []
        for terms in all_terms:
            acc = flint.arb(0)
            for m, c in terms:
                t = flint.arb(c)
                for j, e in enumerate(m):
                    if e:
                        t = t * powers[j][e]
                acc += t
            out.append(acc)
        return out

    def __call__(self, xs):
        """Balls enclosing the values of the polynomials on the box ``xs`` (one ball per variable)."""
        return self._evaluate(self._terms, xs)

    def jacobian(self, xs):
        """The Jacobian matrix (list of rows of balls) enclosed on the box ``xs``."""
        if self._jac is None:
            jac = []
            for terms in self._terms:
                for j in range(self.nvars):
                    d = {}
                    for m, c in terms:
                        if m[j]:
                            mm = m[:j] + (m[j] - 1,) + m[j + 1:]
                            d[mm] = d.get(mm, flint.fmpq(0)) + c * m[j]
                    jac.append([(m, c) for m, c in d.items() if c != 0])
            self._jac = jac
        flat = self._evaluate(self._jac, xs)
        n = self.nvars
        return [flat[i * n:(i + 1) * n] for i in range(len(self._terms))]


@dataclass(frozen=True)
class CertifiedRoot:
    """A box proved (Krawczyk test) to contain exactly one zero of a square system.

    Attributes
    ----------
    center : tuple of float
        The centre ``x̃`` of the box.
    radius : float
        The box is ``x̃ ± radius`` in every coordinate (a cube).
    enclosure : tuple of arb
        The Krawczyk image ``K(X)``: balls containing the zero, inside the box.
    jacobian : flint.arb_mat
        The Jacobian enclosed on the whole box (every ``J(x)``, ``x`` in the box, lies in it).
    """

    center: tuple
    radius: float
    enclosure: tuple = field(repr=False)
    jacobian: object = field(repr=False)

    def contains(self, point) -> bool:
        """True when ``point`` (floats or rationals) lies in the closed box ``center ± radius``.

        >>> CertifiedRoot((1.0,), 0.5, (), None).contains([1.25])
        True
        """
        return all(abs(Fraction(p) - Fraction(c)) <= Fraction(self.radius) for p, c in zip(point, self.center))


def krawczyk_root(system, x, radii, *, prec: int = 128):
    """Certify a simple zero of the square system near ``x`` by the Krawczyk test, or return ``None``.

    For the box ``X = x̃ ± r`` (``x̃ = x`` as exact floats) the Krawczyk operator
    ``K(X) = x̃ − Y F(x̃) + (I − Y J(X)) (X − x̃)``, with ``Y`` a float
    approximate inverse of ``J(x̃)`` and ``J(X)`` the Jacobian enclosed on the
    box, is computed in ball arithmetic.  If ``K(X)`` lies in the interior of
    ``X``, then ``F`` has exactly one zero in ``X`` and it lies in ``K(X)``
    (Krawczyk 1969; Moore 1977).  The radii are tried in order; the first
    that passes is returned.

    Parameters
    ----------
    system : BallPolynomials
        (or any callable on a list of balls with a ``jacobian`` method).
    x : sequence of float
        The approximate zero (e.g. Newton-refined).
    radii : sequence of float
        Half-widths to try.
    prec : int
        Working precision (bits) of the ball arithmetic.

    Returns
    -------
    CertifiedRoot or None
        ``None`` means "not certified": nothing is claimed (the zero may be
        singular, absent, or the radii too small or too large).

    Examples
    --------
    >>> F = BallPolynomials([{(2, 0): 1, (0, 2): 1, (0, 0): -1}, {(1, 0): 1, (0, 1): -1}])  # circle ∩ diagonal
    >>> root = krawczyk_root(F, [0.7071067811865476, 0.7071067811865476], [1e-14, 1e-10])
    >>> root.radius, root.contains([2 ** -0.5, 2 ** -0.5])
    (1e-14, True)
    >>> krawczyk_root(BallPolynomials([{(2,): 1}]), [1e-9], [1e-6]) is None   # x² = 0: a double zero
    True
    """
    n = len(x)
    xf = [float(v) for v in x]
    if len(system) != n or not all(math.isfinite(v) for v in xf):
        return None
    with flint.ctx.workprec(prec):
        xt = [flint.arb(v) for v in xf]
        Fx = system(xt)
        Jx = np.array([[float(v.mid()) for v in row] for row in system.jacobian(xt)])
        if not np.all(np.isfinite(Jx)):
            return None
        try:
            Y = np.linalg.inv(Jx)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(Y)):
            return None
        Ya = flint.arb_mat(Y.tolist())
        YF = Ya * flint.arb_mat([[f] for f in Fx])
        eye = flint.arb_mat(n, n)
        for i in range(n):
            eye[i, i] = 1
        for r in radii:
            r = float(r)
            if not r > 0:
                continue
            X = [flint.arb(v, r) for v in xf]  # a ball containing [v − r, v + r]
            JX = flint.arb_mat(system.jacobian(X))
            K = -YF + (eye - Ya * JX) * flint.arb_mat([[flint.arb(0, r)] for _ in range(n)])  # K(X) − x̃
            if all(K[i, 0].abs_upper() < r for i in range(n)):
                return CertifiedRoot(tuple(xf), r, tuple(xt[i] + K[i, 0] for i in range(n)), JX)
    return None


def _rows(H):
    if isinstance(H, flint.arb_mat):
        return [[H[i, j] for j in range(H.ncols())] for i in range(H.nrows())]
    return [list(row) for row in H]


def ball_inertia(H):
    """Inertia ``(+, −, 0)`` of every symmetric matrix in the ball matrix ``H``, or ``None``.

    ``Q`` = numerical eigenvectors of the midpoint, rounded to floats (exact
    rationals); ``‖QᵀQ − I‖_∞ < 1`` (in ball arithmetic) proves ``Q``
    invertible, so ``QᵀHQ`` is congruent to ``H`` and has the same inertia
    (Sylvester).  Its Gershgorin discs, computed in ball arithmetic, contain
    the eigenvalues; when none contains 0 the discs on each side of 0 form
    unions disjoint from the others, so each side holds as many eigenvalues as
    discs.  A zero eigenvalue can never be excluded: the answer is then
    ``None`` ("undetermined"), as it is when the balls are too wide.

    Parameters
    ----------
    H : flint.arb_mat or list of lists of arb

    Examples
    --------
    >>> import flint
    >>> ball_inertia([[flint.arb(2, 0.1), flint.arb(1)], [flint.arb(1), flint.arb(-3)]])
    (1, 1, 0)
    >>> ball_inertia([[flint.arb(1), flint.arb(1)], [flint.arb(1), flint.arb(1)]]) is None   # singular
    True
    """
    rows = _rows(H)
    n = len(rows)
    mid = np.array([[float(h.mid()) for h in row] for row in rows]).reshape(n, n)
    if not np.all(np.isfinite(mid)):
        return None
    _, Q = np.linalg.eigh((mid + mid.T) / 2)
    Qa = flint.arb_mat(Q.tolist()) if n else flint.arb_mat(0, 0)
    E = Qa.transpose() * Qa
    for i in range(n):
        s = flint.arb(0)
        for j in range(n):
            s += abs(E[i, j] - (1 if i == j else 0))
        if not s < 1:
            return None
    D = Qa.transpose() * flint.arb_mat(rows) * Qa if n else Qa
    pos = neg = 0
    for i in range(n):
        r = flint.arb(0)
        for j in range(n):
            if j != i:
                r += abs(D[i, j])
        if D[i, i] - r > 0:
            pos += 1
        elif D[i, i] + r < 0:
            neg += 1
        else:
            return None
    return pos, neg, 0


def weyl_inertia(H):
    """Inertia of every symmetric matrix in the ball matrix ``H`` by Weyl's inequality: ``(inertia or None, bound)``.

    Every symmetric ``S`` in ``H`` is ``M + E`` with ``M`` the (symmetrised)
    float midpoint and ``|E_ij| ≤ R_ij`` the radii, so its eigenvalues are
    within ``‖E‖_2 ≤ ‖R‖_F`` of those of ``M`` (Weyl).  ``bound`` adds a
    relative ``1e-12·n·max|λ(M)|`` for the rounding of ``eigvalsh``; when no
    eigenvalue of ``M`` is within ``bound`` of 0 the signs are those of ``M``.

    Examples
    --------
    >>> import flint
    >>> inert, bound = weyl_inertia([[flint.arb(2, 1e-9), flint.arb(0)], [flint.arb(0), flint.arb(-1)]])
    >>> inert, bound < 1e-8
    ((1, 1, 0), True)
    >>> weyl_inertia([[flint.arb(0, 1e-3)]])[0] is None
    True
    """
    rows = _rows(H)
    n = len(rows)
    mid = np.zeros((n, n))
    rad = np.zeros((n, n))
    for i, row in enumerate(rows):
        for j, h in enumerate(row):
            lo, hi = ball_bounds(h)
            m = (lo + hi) / 2
            mid[i, j] = m
            rad[i, j] = math.nextafter(max(hi - m, m - lo) * (1 + 2.0**-50), math.inf)
    if not (np.all(np.isfinite(mid)) and np.all(np.isfinite(rad))):
        return None, math.inf
    ev = np.linalg.eigvalsh((mid + mid.T) / 2) if n else np.zeros(0)
    norm = float(np.max(np.abs(ev))) if n else 0.0
    bound = float(np.sqrt(np.sum(rad * rad))) * (1 + 1e-12) + 1e-12 * max(1.0, norm) * n
    if np.any(np.abs(ev) <= bound):
        return None, bound
    return (int(np.sum(ev > 0)), int(np.sum(ev < 0)), 0), bound


def ball_box(box):
    """Balls enclosing the rational intervals ``[lo, hi]`` of ``box`` (at the current working precision).

    >>> [b.contains(0) and b.contains(1) for b in ball_box([(0, 1), (-1, 1)])]
    [True, True]
    """
    out = []
    for lo, hi in box:
        lo, hi = Fraction(lo), Fraction(hi)
        mid, rad = (lo + hi) / 2, (hi - lo) / 2
        r = math.nextafter(float(rad) * (1 + 2.0**-50), math.inf) if rad else 0.0
        out.append(flint.arb(flint.fmpq(mid.numerator, mid.denominator)) + flint.arb(0, r))
    return out


def ball_bounds(v):
    """Floats ``lo ≤ v ≤ hi`` for every point of the ball ``v`` (outward rounded).

    >>> import flint
    >>> lo, hi = ball_bounds(flint.arb(1) / 3)
    >>> lo < 1 / 3 < hi
    True
    """
    return (math.nextafter(float(v.lower()), -math.inf), math.nextafter(float(v.upper()), math.inf))
