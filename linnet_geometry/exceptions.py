"""One hierarchy of typed errors.

Every error the library raises at its public boundary derives from
:class:`LinnetError` *and* from the matching builtin, so callers can catch
either (``except ValueError`` keeps working).  Messages name what was expected
and what was received.

Examples
--------
>>> from linnet_geometry import LinearNetwork
>>> from linnet_geometry.exceptions import WidthsError
>>> try:
...     LinearNetwork([3])
... except WidthsError as err:
...     print(err)
widths: expected at least two entries (d_0, ..., d_h); received [3]
>>> issubclass(WidthsError, ValueError)
True
"""

__all__ = [
    "LinnetError",
    "WidthsError",
    "ShapeError",
    "NonFiniteError",
    "ExactInputRequiredError",
    "ParseError",
    "InputTypeError",
    "SingularDataError",
    "DegenerateDataError",
    "ProblemTooLargeError",
    "AssumptionError",
    "BackendNotFoundError",
]


class LinnetError(Exception):
    """Base class of every error raised by linnet_geometry."""


class WidthsError(LinnetError, ValueError):
    """Invalid layer widths (empty, one entry, non-positive, non-integer, bool, huge)."""


class ShapeError(LinnetError, ValueError):
    """A matrix has the wrong shape, or consecutive weights do not chain."""


class NonFiniteError(LinnetError, ValueError):
    """Input contains NaN or infinity."""


class ExactInputRequiredError(LinnetError, TypeError):
    """A float (or other inexact number) was given where exact input is required."""


class ParseError(LinnetError, ValueError):
    """A string (CLI argument, matrix literal) could not be parsed."""


class InputTypeError(LinnetError, TypeError):
    """An argument has the wrong type (e.g. a bool or a string where a number is expected)."""


class SingularDataError(LinnetError, ValueError):
    """A matrix that must be invertible (e.g. the data covariance ``X X^T``) is singular."""


class DegenerateDataError(LinnetError, ValueError):
    """Data is degenerate in a way the requested computation cannot handle."""


class ProblemTooLargeError(LinnetError, ValueError):
    """An exact computation would be far too large; raised before any work starts."""


class AssumptionError(LinnetError, ValueError):
    """Input violates the hypotheses of the theorem whose guarantee was requested."""


class BackendNotFoundError(LinnetError, RuntimeError):
    """An optional external backend (Macaulay2, Singular, phc, TeX) is not installed."""
