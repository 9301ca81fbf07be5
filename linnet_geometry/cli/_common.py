"""Parsers shared by the subcommands (widths, matrices, integer ranges)."""

from __future__ import annotations

import argparse
import json
import os

import numpy as np

from ..checks import json_safe
from ..exact.matrix import as_matrix
from ..exceptions import ParseError, ProblemTooLargeError

__all__ = ["add_command", "parse_widths", "parse_ints", "read_matrix", "parse_range", "dump_json", "int_at_least",
           "check_output_path", "image_suffixes", "MAX_RANGE_LENGTH", "MAX_MATRIX_FILE_BYTES"]

#: Most values a range argument (``--n 10:60:10``) may expand to.
MAX_RANGE_LENGTH = 10_000
#: Largest matrix file (.csv / .npy) read by the CLI, in bytes.
MAX_MATRIX_FILE_BYTES = 1 << 30


def add_command(subparsers, name, run, help):
    """Add the subcommand ``name`` to ``subparsers`` and return its parser (the caller adds the arguments).

    ``help`` is the one-line summary of ``linnet --help``; the docstring of ``run`` is the description of
    ``linnet NAME --help`` (argparse refills its lines); ``run(args)`` is the action, returning the exit status
    (``None`` for 0).

    Examples
    --------
    >>> def run(args):
    ...     'Say hello.'
    >>> sub = argparse.ArgumentParser(prog="linnet").add_subparsers(dest="command")
    >>> p = add_command(sub, "hello", run, help="greet")
    >>> p.description, p.parse_args([]).func is run
    ('Say hello.', True)
    """
    p = subparsers.add_parser(name, help=help, description=run.__doc__)
    p.set_defaults(func=run)
    return p


class _ArgumentParseError(ParseError, argparse.ArgumentTypeError):
    """A :class:`ParseError` that argparse prints verbatim when raised by a ``type=`` converter."""


def parse_ints(text: str, name: str, example: str = "3,2,3"):
    """Parse comma-separated integers (``"3,2,3"`` into ``(3, 2, 3)``) for the option ``name``.

    Validation of the values is the caller's (LinearNetwork's, ConvolutionalNetwork's).
    """
    if not isinstance(text, str) or not text.strip():
        raise ParseError(f"{name}: expected comma-separated integers like '{example}', received {text!r}")
    try:
        return tuple(int(part.strip()) for part in text.split(","))
    except ValueError:
        raise ParseError(f"{name}: expected comma-separated integers like '{example}', received {text!r}") from None


def parse_widths(text: str):
    """Parse ``"3,2,3"`` into ``(3, 2, 3)``; validation of the values is LinearNetwork's."""
    return parse_ints(text, "--widths")


def read_matrix(text: str, name: str, exact=None):
    """A matrix from a literal (``"1 2; 3 4"``) or from a ``.csv``/``.npy`` file path."""
    if not isinstance(text, str):
        raise ParseError(f"{name}: expected a matrix literal or a .csv/.npy path, received {text!r}")
    lower = text.lower()
    if lower.endswith(".npy") or lower.endswith(".csv"):
        if not os.path.exists(text):
            raise ParseError(f"{name}: file {text!r} does not exist; expected a matrix literal or an existing "
                             ".csv/.npy file")
        if not os.path.isfile(text):
            raise ParseError(f"{name}: {text!r} is not a regular file (a directory?); expected a .csv/.npy file")
        size = os.path.getsize(text)
        if size > MAX_MATRIX_FILE_BYTES:
            raise ProblemTooLargeError(f"{name}: file {text!r} has {size} bytes; expected at most "
                                       f"{MAX_MATRIX_FILE_BYTES}")
        if lower.endswith(".npy"):
            try:
                arr = np.load(text, allow_pickle=False)
            except Exception as err:  # numpy raises many kinds here
                raise ParseError(f"{name}: could not read {text!r} as .npy ({type(err).__name__}: {err})") from None
            if not isinstance(arr, np.ndarray):
                raise ParseError(f"{name}: {text!r} holds a {type(arr).__name__}; expected one array (.npy)")
            if arr.ndim == 1:
                arr = arr.reshape(1, -1)
            return as_matrix(arr, name, exact=exact)
        try:
            with open(text, encoding="utf-8") as fh:
                content = fh.read()
        except UnicodeDecodeError as err:
            raise ParseError(f"{name}: {text!r} is not UTF-8 text (byte {err.start}: {err.reason}); expected a "
                             ".csv file of numbers") from None
        except OSError as err:
            raise ParseError(f"{name}: could not read {text!r} ({err.strerror or err})") from None
        return as_matrix(content, name, exact=exact)  # parses the text (parse_matrix) and converts as asked
    return as_matrix(text, name, exact=exact)


def parse_range(text: str, name: str):
    """Parse ``"10:60:10"`` (start:stop:step, stop inclusive) or ``"3,5,8"`` into a list of ints.

    At most :data:`MAX_RANGE_LENGTH` values (a :class:`ProblemTooLargeError` before any
    list is built).
    """
    expected = "'start:stop:step' or a comma-separated list of integers"
    try:
        if ":" in text:
            parts = [int(p) for p in text.split(":")]
            if len(parts) == 2:
                parts.append(1)
            start, stop, step = parts
            if step <= 0:
                raise ParseError(f"{name}: the step must be positive; expected {expected}, received {text!r}")
            values = range(start, stop + 1, step)
        else:
            if text.count(",") >= MAX_RANGE_LENGTH:
                values = range(MAX_RANGE_LENGTH + 1)
            else:
                values = [int(p) for p in text.split(",") if p.strip()]
    except (ValueError, TypeError) as err:
        if isinstance(err, ParseError):
            raise
        raise ParseError(f"{name}: expected {expected}, received {text!r}") from None
    if len(values) > MAX_RANGE_LENGTH:
        raise ProblemTooLargeError(f"{name}: {text!r} has {len(values)} values; expected at most {MAX_RANGE_LENGTH}")
    return list(values)


def dump_json(obj, **kwargs) -> str:
    """JSON text of ``obj`` (plain types); integers of any size stay exact (long ones as decimal strings)."""
    kwargs.setdefault("indent", 2)
    return json.dumps(json_safe(obj), **kwargs)


def int_at_least(minimum: int, name: str, maximum=None):
    """Converter (also an argparse ``type=``): an integer in ``[minimum, maximum]`` or a
    :class:`ParseError` naming ``name`` (printed verbatim by argparse)."""
    bounds = f"an integer ≥ {minimum}" if maximum is None else f"an integer in [{minimum}, {maximum}]"

    def parse(text):
        shown = text if not isinstance(text, str) or len(text) <= 40 else text[:37] + "..."
        try:
            value = int(text)
        except (TypeError, ValueError):
            raise _ArgumentParseError(f"{name}: expected {bounds}, received {shown!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            raise _ArgumentParseError(f"{name}: expected {bounds}, received {shown!r}")
        return value
    parse.__name__ = f"{name} ({bounds})"
    return parse


def image_suffixes():
    """File suffixes matplotlib can write (``.png``, ``.pdf``, ``.svg``, ...)."""
    from matplotlib.figure import Figure

    return sorted("." + k for k in Figure().canvas.get_supported_filetypes())


def check_output_path(path: str, name: str, suffixes=None):
    """Validate an output path before any work: a known suffix and an existing parent directory.

    Raises :class:`ParseError` naming the option, what was expected and what was received.
    """
    if not isinstance(path, str) or not path:
        raise ParseError(f"{name}: expected a file path, received {path!r}")
    if suffixes is not None:
        suffix = os.path.splitext(path)[1].lower()
        if suffix not in suffixes:
            raise ParseError(f"{name}: {path!r} has suffix {suffix!r}; expected one of {list(suffixes)}")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise ParseError(f"{name}: the directory {os.path.dirname(path) or '.'!r} of {path!r} does not exist; "
                         "expected a path in an existing directory")
    if os.path.isdir(path):
        raise ParseError(f"{name}: {path!r} is a directory; expected a file path")
    return path
