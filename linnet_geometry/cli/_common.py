"""Parsers shared by the subcommands (widths, matrices, integer ranges)."""

from __future__ import annotations

import json
import os

import numpy as np

from .._matrix import as_matrix, parse_matrix
from ..exceptions import ParseError

__all__ = ["parse_widths", "read_matrix", "parse_range", "dump_json", "int_at_least"]


def parse_widths(text: str):
    """Parse ``"3,2,3"`` into ``(3, 2, 3)``; validation of the values is LinearNetwork's."""
    if not isinstance(text, str) or not text.strip():
        raise ParseError(f"--widths: expected comma-separated integers like '3,2,3', received {text!r}")
    out = []
    for part in text.split(","):
        part = part.strip()
        try:
            out.append(int(part))
        except ValueError:
            raise ParseError(f"--widths: expected comma-separated integers like '3,2,3', received {text!r}") from None
    return tuple(out)


def read_matrix(text: str, name: str, exact=None):
    """A matrix from a literal (``"1 2; 3 4"``) or from a ``.csv``/``.npy`` file path."""
    if not isinstance(text, str):
        raise ParseError(f"{name}: expected a matrix literal or a .csv/.npy path, received {text!r}")
    lower = text.lower()
    if lower.endswith(".npy") or lower.endswith(".csv"):
        if not os.path.exists(text):
            raise ParseError(f"{name}: file {text!r} does not exist; expected a matrix literal or an existing "
                             ".csv/.npy file")
        if lower.endswith(".npy"):
            try:
                arr = np.load(text, allow_pickle=False)
            except Exception as err:  # numpy raises many kinds here
                raise ParseError(f"{name}: could not read {text!r} as .npy ({err})") from None
            if arr.ndim == 1:
                arr = arr.reshape(1, -1)
            return as_matrix(arr, name, exact=exact)
        with open(text, encoding="utf-8") as fh:
            content = fh.read()
        M = parse_matrix(content, name)
    else:
        M = parse_matrix(text, name)
    return M if exact is None else as_matrix(M, name, exact=exact)


def parse_range(text: str, name: str):
    """Parse ``"10:60:10"`` (start:stop:step, stop inclusive) or ``"3,5,8"`` into a list of ints."""
    try:
        if ":" in text:
            parts = [int(p) for p in text.split(":")]
            if len(parts) == 2:
                parts.append(1)
            start, stop, step = parts
            if step <= 0:
                raise ValueError
            return list(range(start, stop + 1, step))
        return [int(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise ParseError(f"{name}: expected 'start:stop:step' or a comma-separated list of integers, received {text!r}") from None


def dump_json(obj) -> str:
    """JSON text of ``obj`` (already made of plain types)."""
    return json.dumps(obj, indent=2, sort_keys=False)


def int_at_least(minimum: int, name: str):
    """argparse ``type=`` converter: an integer ``≥ minimum`` or a :class:`ParseError` naming ``name``."""
    def parse(text):
        try:
            value = int(text)
        except (TypeError, ValueError):
            raise ParseError(f"{name}: expected an integer ≥ {minimum}, received {text!r}") from None
        if value < minimum:
            raise ParseError(f"{name}: expected an integer ≥ {minimum}, received {text!r}")
        return value
    return parse
