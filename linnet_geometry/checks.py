"""Validators shared by every public boundary, and big integers without the int→str limit.

One validator per kind of argument, used everywhere that kind is accepted
(seeds, integer counts, exact matrix entries), so error messages and rules are
the same across the library.  The big-integer helpers print or serialise
closed-form counts (degrees, numbers of strata) of any size without calling
``sys.set_int_max_str_digits`` (a process-wide setting a library must not
change).
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import sympy

from .exceptions import ExactInputRequiredError, InputTypeError, InvalidArgumentError

__all__ = ["check_seed", "check_int", "check_exact_entries", "is_explicit_algebraic", "int_to_str",
           "format_count", "log10_int", "json_safe"]


def check_seed(seed, name: str = "seed", allow_none: bool = True, allow_numpy: bool = True):
    """Validate a random seed: None (fresh entropy), a non-negative integer, or a numpy
    ``SeedSequence`` / ``Generator`` (passed through unless ``allow_numpy`` is False).

    Raises :class:`~linnet_geometry.exceptions.InputTypeError` for another type (str,
    float, bool) and :class:`~linnet_geometry.exceptions.InvalidArgumentError` for a
    negative integer.

    Examples
    --------
    >>> check_seed(3), check_seed(None)
    (3, None)
    >>> try:
    ...     check_seed(-1)
    ... except ValueError as err:
    ...     print(type(err).__name__, "-", err)
    InvalidArgumentError - seed is -1; expected None or a non-negative integer
    >>> check_seed([0, 6, 0])
    [0, 6, 0]
    """
    if seed is None:
        if allow_none:
            return None
        raise InputTypeError(f"{name} is None; expected a non-negative integer")
    if allow_numpy and isinstance(seed, (np.random.SeedSequence, np.random.Generator)):
        return seed
    expected = "None or a non-negative integer" if allow_none else "a non-negative integer"
    if allow_numpy and isinstance(seed, (list, tuple)) and seed:
        # numpy entropy: a sequence of non-negative integers (``default_rng([seed, k])`` streams)
        return [check_seed(s, f"{name}[{i}]", allow_none=False, allow_numpy=False) for i, s in enumerate(seed)]
    also = " (or a numpy SeedSequence / Generator / sequence of non-negative integers)" if allow_numpy else ""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (numbers.Integral, np.integer)):
        raise InputTypeError(f"{name} is {_short(seed)} of type {type(seed).__name__}; expected {expected}{also}")
    seed = int(seed)
    if seed < 0:
        raise InvalidArgumentError(f"{name} is {seed}; expected {expected}")
    return seed


def check_int(value, name: str, minimum=None, maximum=None) -> int:
    """Validate an integer argument (bools and non-integers rejected) within ``[minimum, maximum]``.

    Examples
    --------
    >>> check_int(5, "max_nodes", 1)
    5
    >>> try:
    ...     check_int("x", "max_nodes", 1)
    ... except TypeError as err:
    ...     print(err)
    max_nodes is 'x' of type str; expected an integer ≥ 1
    """
    bounds = (f"an integer ≥ {minimum}" if maximum is None else f"an integer in [{minimum}, {maximum}]") \
        if minimum is not None else ("an integer" if maximum is None else f"an integer ≤ {maximum}")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise InputTypeError(f"{name} is {_short(value)} of type {type(value).__name__}; expected {bounds}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise InvalidArgumentError(f"{name} is {format_count(value)}; expected {bounds}")
    return value


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ---------------------------------------------------------------------------
# exact entries
# ---------------------------------------------------------------------------

def is_explicit_algebraic(x) -> bool:
    """Whether the sympy number ``x`` is built from rationals by ``+ − × ÷``, rational powers
    (radicals) and ``CRootOf`` / ``AlgebraicNumber`` of rational polynomials.

    Such numbers are algebraic by construction, so exact decisions stay in a number
    field.  Transcendental constants and functions (``pi``, ``E``, ``cos(1)``) are
    not: even ``cos(1)**2 + sin(1)**2`` (which equals 1) is rejected, because no
    exact algorithm can decide equalities among such numbers in general.  The walk
    is iterative (no recursion limit on deep expressions).

    Examples
    --------
    >>> is_explicit_algebraic(sympy.sqrt(2) + sympy.Rational(1, 3)), is_explicit_algebraic(sympy.pi)
    (True, False)
    >>> is_explicit_algebraic(sympy.cos(1)**2 + sympy.sin(1)**2)
    False
    """
    stack = [sympy.sympify(x) if isinstance(x, (int, float)) else x]
    while stack:
        e = stack.pop()
        if isinstance(e, sympy.Rational):
            continue
        if isinstance(e, sympy.AlgebraicNumber):
            continue
        if isinstance(e, sympy.CRootOf):
            if e.poly.domain not in (sympy.ZZ, sympy.QQ):
                return False
            continue
        if isinstance(e, (sympy.Add, sympy.Mul)):
            stack.extend(e.args)
            continue
        if isinstance(e, sympy.Pow) and isinstance(e.exp, sympy.Rational):
            stack.append(e.base)
            continue
        return False
    return True


def check_exact_entries(M, name: str, rational: bool = False):
    """Reject exact matrix entries outside the exact fields the library decides in.

    ``M`` is a sympy Matrix from :func:`~linnet_geometry.exact.matrix.as_matrix` (float
    arrays pass through untouched).  With ``rational=True`` (loss data: targets,
    weights, samples) every entry must be rational — the spectra and Gröbner bases
    of the exact path work over ``QQ``; otherwise (points ``θ``) explicit algebraic
    numbers (:func:`is_explicit_algebraic`) are accepted too, as the exact
    representatives of critical strata are algebraic.  Raises
    :class:`~linnet_geometry.exceptions.ExactInputRequiredError` naming the entry.

    Examples
    --------
    >>> check_exact_entries(sympy.Matrix([[1, sympy.sqrt(2)]]), "theta")
    >>> try:
    ...     check_exact_entries(sympy.Matrix([[1, sympy.pi]]), "U")
    ... except TypeError as err:
    ...     print(type(err).__name__)
    ExactInputRequiredError
    >>> try:
    ...     check_exact_entries(sympy.Matrix([[1, sympy.sqrt(2)]]), "target", rational=True)
    ... except TypeError as err:
    ...     print(err)
    target[0, 1] is sqrt(2), not a rational number; expected exact rational entries (int, fractions.Fraction, sympy.Rational). Irrational data is not supported on the exact path: pass floats to use the numeric path
    """
    if not isinstance(M, sympy.MatrixBase):
        return
    cols = M.shape[1]
    for k, x in enumerate(M):
        if isinstance(x, sympy.Rational):
            continue
        where = f"{name}[{k // cols}, {k % cols}] is {_short(x)}"
        if rational:
            raise ExactInputRequiredError(
                f"{where}, not a rational number; expected exact rational entries (int, fractions.Fraction, "
                "sympy.Rational). Irrational data is not supported on the exact path: pass floats to use the "
                "numeric path")
        if not is_explicit_algebraic(x):
            raise ExactInputRequiredError(
                f"{where}, not a rational or explicit algebraic number; expected exact entries (int, "
                "fractions.Fraction, sympy.Rational, radicals, CRootOf). Transcendental numbers (pi, E, cos(1), "
                "...) cannot be decided exactly: pass floats to use the numeric path")


# ---------------------------------------------------------------------------
# big integers
# ---------------------------------------------------------------------------

#: Integers with more bits than this may exceed Python's default int→str limit (4300 digits).
_STR_SAFE_BITS = 14_000


def int_to_str(n: int) -> str:
    """Exact decimal string of an integer of any size, without changing ``sys.set_int_max_str_digits``.

    Examples
    --------
    >>> len(int_to_str(10**5000))
    5001
    """
    n = int(n)
    if n.bit_length() <= _STR_SAFE_BITS:
        return str(n)
    import flint  # FLINT's conversion has no digit limit

    return str(flint.fmpz(n))


def str_to_int(text: str) -> int:
    """The integer written in decimal ``text``, of any length, without changing ``sys.set_int_max_str_digits``.

    Examples
    --------
    >>> str_to_int("-" + "9" * 5000) == -(10**5000 - 1)
    True
    """
    text = text.strip()
    if len(text) < 4000:
        return int(text)
    import flint  # FLINT's conversion has no digit limit

    return int(flint.fmpz(text))


def log10_int(n: int) -> float:
    """``log10 |n|`` of a non-zero integer of any size (float; no conversion to str or float overflow).

    Examples
    --------
    >>> round(log10_int(10**5000), 9)
    5000.0
    """
    n = abs(int(n))
    if n == 0:
        raise InvalidArgumentError("log10_int: expected a non-zero integer; received 0")
    shift = max(0, n.bit_length() - 64)
    return math.log10(n >> shift) + shift * math.log10(2)


def format_count(n, max_digits: int = 30) -> str:
    """An integer for humans: exact when it has at most ``max_digits`` digits, else
    ``≈ 1.2346e+85211 (85212 digits)``.

    Examples
    --------
    >>> format_count(12345), format_count(3 ** 1000)
    ('12345', '≈ 1.3221e+477 (478 digits)')
    """
    n = int(n)
    if n == 0 or n.bit_length() <= 3.32 * max_digits:
        return str(n)
    lg = log10_int(n)
    exp = math.floor(lg)
    mant = 10 ** (lg - exp)
    if mant >= 9.99995:  # rounding would print 10.0000
        mant, exp = 1.0, exp + 1
    sign = "-" if n < 0 else ""
    return f"≈ {sign}{mant:.4f}e+{exp} ({exp + 1} digits)"


def json_safe(obj):
    """A copy of plain data where integers too long for ``json.dumps`` become exact decimal strings.

    Examples
    --------
    >>> out = json_safe({"degree": 10**5000, "dim": 8})
    >>> type(out["degree"]).__name__, out["dim"]
    ('str', 8)
    """
    if isinstance(obj, bool):
        return obj
    if isinstance(obj, int):
        return int_to_str(obj) if obj.bit_length() > _STR_SAFE_BITS else obj
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    return obj
