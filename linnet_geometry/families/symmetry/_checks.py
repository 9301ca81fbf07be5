"""Argument checks shared by the modules of :mod:`linnet_geometry.families.symmetry`."""

from __future__ import annotations

import numpy as np

from ...checks import check_int, check_seed
from ...exceptions import InputTypeError, InvalidArgumentError, ParseError, ProblemTooLargeError, WidthsError


def _check_size(value, name, minimum):
    """:func:`~linnet_geometry.checks.check_int` with any failure typed as :class:`WidthsError`.

    The integers of this family (widths ``r*``, ``m``, dimensions, orders, counts) are sizes, and a bad
    size is a :class:`WidthsError` here whether its type or its value is wrong.

    >>> _check_size(3, "m", 1)
    3
    >>> try:
    ...     _check_size(True, "r_star", 1)
    ... except WidthsError as err:
    ...     print(err)
    r_star is True of type bool; expected an integer ≥ 1
    """
    try:
        return check_int(value, name, minimum)
    except (InputTypeError, InvalidArgumentError) as err:
        raise WidthsError(str(err)) from None


def _int_seed(seed):
    """A validated seed as None or an int (for :class:`random.Random`)."""
    seed = check_seed(seed)
    if isinstance(seed, (np.random.SeedSequence, np.random.Generator, list)):  # numpy entropy: one int from it
        return int(np.random.default_rng(seed).integers(2**63))
    return seed


def _check_convention(convention):
    if convention not in ("group", "single"):
        raise ParseError(f"convention: expected 'group' or 'single'; received {convention!r}")
    return convention


def _too_large(what, size, limit, unit):
    return ProblemTooLargeError(f"{what} needs about {size:.3g} {unit}; expected at most {limit:.3g} {unit} "
                                "(refused before any work)")
