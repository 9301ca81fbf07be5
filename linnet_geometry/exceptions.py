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
    "InvalidArgumentError",
    "SingularDataError",
    "DegenerateDataError",
    "ProblemTooLargeError",
    "AssumptionError",
    "BackendNotFoundError",
    "BackendTimeoutError",
    "BackendFailedError",
]


class LinnetError(Exception):
    """Base class of every error raised by linnet_geometry.

    Every typed error of the library subclasses it, so one ``except`` clause
    catches them all.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork
    >>> from linnet_geometry.exceptions import LinnetError, WidthsError
    >>> issubclass(WidthsError, LinnetError)
    True
    >>> try:
    ...     LinearNetwork([0, 1])
    ... except LinnetError as err:
    ...     print(type(err).__name__)
    WidthsError
    """


class WidthsError(LinnetError, ValueError):
    """Invalid layer widths (empty, one entry, non-positive, non-integer, bool, huge).

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork
    >>> from linnet_geometry.exceptions import LinnetError, WidthsError
    >>> issubclass(WidthsError, LinnetError), issubclass(WidthsError, ValueError)
    (True, True)
    >>> try:
    ...     LinearNetwork((2, True))
    ... except ValueError as err:
    ...     print(type(err).__name__, "-", err)
    WidthsError - widths[1] is the bool True; expected a positive integer
    """


class ShapeError(LinnetError, ValueError):
    """A matrix has the wrong shape, or consecutive weights do not chain.

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.exceptions import LinnetError, ShapeError
    >>> issubclass(ShapeError, LinnetError), issubclass(ShapeError, ValueError)
    (True, True)
    >>> try:
    ...     QuadraticLoss([1, 2])
    ... except ShapeError as err:
    ...     print(err)
    target: expected a 2-D matrix, received an array with 1 dimension(s) and shape (2,)
    """


class NonFiniteError(LinnetError, ValueError):
    """Input contains NaN or infinity.

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.exceptions import LinnetError, NonFiniteError
    >>> issubclass(NonFiniteError, LinnetError), issubclass(NonFiniteError, ValueError)
    (True, True)
    >>> try:
    ...     QuadraticLoss([[float("nan"), 0], [0, 1]])
    ... except NonFiniteError as err:
    ...     print(err)
    target contains nan; expected finite numbers
    """


class ExactInputRequiredError(LinnetError, TypeError):
    """A float (or other inexact number) was given where exact input is required.

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.exceptions import LinnetError, ExactInputRequiredError
    >>> from linnet_geometry.landscape.regularized import RegularizedLoss
    >>> issubclass(ExactInputRequiredError, LinnetError), issubclass(ExactInputRequiredError, TypeError)
    (True, True)
    >>> try:
    ...     RegularizedLoss(QuadraticLoss([[1]]), weights=0.5)
    ... except TypeError as err:
    ...     print(type(err).__name__, "-", err)
    ExactInputRequiredError - weights is the float 0.5; expected an exact number (int, Fraction, sympy.Rational)
    """


class ParseError(LinnetError, ValueError):
    """A string (CLI argument, matrix literal) could not be parsed.

    Examples
    --------
    >>> from linnet_geometry.exceptions import LinnetError, ParseError
    >>> from linnet_geometry.families.symmetry import as_activation
    >>> issubclass(ParseError, LinnetError), issubclass(ParseError, ValueError)
    (True, True)
    >>> try:
    ...     as_activation("relu6")
    ... except ParseError as err:
    ...     print(err)
    unknown activation preset 'relu6'; expected one of ['exp', 'g', 'tanh'] or a sympy function
    """


class InputTypeError(LinnetError, TypeError):
    """An argument has the wrong type (e.g. a bool or a string where a number is expected).

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.exceptions import LinnetError, InputTypeError
    >>> from linnet_geometry.report.latex import derive
    >>> issubclass(InputTypeError, LinnetError), issubclass(InputTypeError, TypeError)
    (True, True)
    >>> try:
    ...     derive("2-1-2", QuadraticLoss([[2, 0], [0, 1]]))
    ... except TypeError as err:
    ...     print(type(err).__name__, "-", err)
    InputTypeError - network must be a LinearNetwork (or derive(result) with a critical-point result); received str
    """


class InvalidArgumentError(LinnetError, ValueError):
    """An argument has the right type but a value outside its range (a negative seed or count).

    Examples
    --------
    >>> from linnet_geometry.exceptions import LinnetError, InvalidArgumentError
    >>> from linnet_geometry.families.relu import full_rank_fraction
    >>> issubclass(InvalidArgumentError, LinnetError), issubclass(InvalidArgumentError, ValueError)
    (True, True)
    >>> try:
    ...     full_rank_fraction(3, 1, 2, 2, seed=-1)
    ... except ValueError as err:
    ...     print(type(err).__name__, "-", err)
    InvalidArgumentError - seed is -1; expected None or a non-negative integer
    """


class SingularDataError(LinnetError, ValueError):
    """A matrix that must be invertible (e.g. the data covariance ``X X^T``) is singular.

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss
    >>> from linnet_geometry.exceptions import LinnetError, SingularDataError
    >>> issubclass(SingularDataError, LinnetError), issubclass(SingularDataError, ValueError)
    (True, True)
    >>> try:
    ...     QuadraticLoss.from_data([[1, 1], [1, 1]], [[1, 2]])
    ... except SingularDataError as err:
    ...     print(err)
    X X^T (2x2) is singular (rank 1); expected full rank 2: X must have 2 linearly independent rows
    """


class DegenerateDataError(LinnetError, ValueError):
    """Data is degenerate in a way the requested computation cannot handle.

    Examples
    --------
    >>> from linnet_geometry.exceptions import LinnetError, DegenerateDataError
    >>> from linnet_geometry.families.relu import activation_pattern
    >>> issubclass(DegenerateDataError, LinnetError), issubclass(DegenerateDataError, ValueError)
    (True, True)
    >>> try:
    ...     activation_pattern([[1, -1]], [[1], [1]])  # pre-activation exactly 0
    ... except DegenerateDataError as err:
    ...     print(type(err).__name__)
    DegenerateDataError
    """


class ProblemTooLargeError(LinnetError, ValueError):
    """An exact computation would be far too large; raised before any work starts.

    Examples
    --------
    >>> from linnet_geometry.exceptions import LinnetError, ProblemTooLargeError
    >>> from linnet_geometry.landscape.regularized import parameter_critical_points, random_regularized_loss
    >>> issubclass(ProblemTooLargeError, LinnetError), issubclass(ProblemTooLargeError, ValueError)
    (True, True)
    >>> net, loss = random_regularized_loss((4, 4, 4, 4), samples=1, seed=0)
    >>> try:
    ...     parameter_critical_points(net, loss)
    ... except ProblemTooLargeError as err:
    ...     print(err)
    exact critical points of widths (4, 4, 4, 4) (48 weights) are out of reach; expected at most 18 weights (msolve needs about 25 s for widths (3, 3, 3), 18 weights, and the number of critical points grows exponentially with the weights)
    """


class AssumptionError(LinnetError, ValueError):
    """Input violates the hypotheses of the theorem whose guarantee was requested.

    Examples
    --------
    >>> from linnet_geometry.exceptions import LinnetError, AssumptionError
    >>> from linnet_geometry.landscape.regularized import parameter_critical_points, random_regularized_loss
    >>> issubclass(AssumptionError, LinnetError), issubclass(AssumptionError, ValueError)
    (True, True)
    >>> net, loss = random_regularized_loss((1, 2, 1), samples=1, seed=0, regularization="uniform")
    >>> try:
    ...     parameter_critical_points(net, loss, prime=7)
    ... except AssumptionError as err:
    ...     print(err)
    prime: expected None or a prime between 2^15 and 2^31; received 7
    """


class BackendNotFoundError(LinnetError, RuntimeError):
    """An optional external backend (Macaulay2, Singular, phc, TeX) is not installed.

    Examples
    --------
    Pretend no TeX engine is installed:

    >>> from unittest import mock
    >>> from linnet_geometry.exceptions import LinnetError, BackendNotFoundError
    >>> from linnet_geometry.report.latex.compile import find_engine
    >>> issubclass(BackendNotFoundError, LinnetError), issubclass(BackendNotFoundError, RuntimeError)
    (True, True)
    >>> with mock.patch("shutil.which", return_value=None):
    ...     try:
    ...         find_engine("lualatex")
    ...     except RuntimeError as err:
    ...         print(type(err).__name__)
    BackendNotFoundError
    """


class BackendTimeoutError(LinnetError, TimeoutError):
    """An external backend (msolve, Singular, Macaulay2, phc) ran past its time limit.

    The child and its whole process group have been killed when this is raised
    (:func:`linnet_geometry.backends.run_process`).

    Examples
    --------
    >>> import sys
    >>> from linnet_geometry.backends import run_process
    >>> from linnet_geometry.exceptions import BackendTimeoutError
    >>> issubclass(BackendTimeoutError, TimeoutError)
    True
    >>> try:
    ...     run_process([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5, name="sleeper")
    ... except BackendTimeoutError as err:
    ...     print(err)
    sleeper: expected to finish within 0.5 s; received no answer (process group killed)
    """


class BackendFailedError(LinnetError, RuntimeError):
    """An external backend exited with an error or printed output that cannot be read.

    Examples
    --------
    >>> import sys
    >>> from linnet_geometry.backends import run_process
    >>> from linnet_geometry.exceptions import BackendFailedError
    >>> try:
    ...     run_process([sys.executable, "-c", "import sys; sys.exit(3)"], timeout=30, name="tool")
    ... except BackendFailedError as err:
    ...     print(str(err).split(";")[:2])
    ['tool: expected exit status 0', ' received 3']
    """
