"""The ``linnet`` command.

Each subcommand lives in a module of this package that defines
``register(subparsers)`` (through :func:`~linnet_geometry.cli._common.add_command`:
the docstring of the module's ``run`` is the description ``linnet NAME --help``
prints); :func:`main` discovers them, so adding a subcommand is adding a module.
Library errors (:class:`~linnet_geometry.exceptions.LinnetError`) and refused
file operations (``OSError``) are printed as one line on stderr with exit
status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import re
import sys

from ..exceptions import LinnetError

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse's convention)
        # converters name their option themselves: "argument --n: --n: expected ..." reads once
        message = re.sub(r"^argument (\S+): \1: ", r"argument \1: ", message)
        self.exit(2, f"{self.prog}: error: {_one_line(message)}\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every discovered subcommand."""
    from .. import __version__

    parser = _Parser(prog="linnet", description="Critical loci of neural-network losses (linnet_geometry).")
    parser.add_argument("--version", action="version", version=f"linnet_geometry {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv=None) -> int:
    """Entry point of the ``linnet`` console script; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # bad arguments (status 2), --help / --version (status 0)
        return stop.code if isinstance(stop.code, int) else 2
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    try:
        status = args.func(args)
    except LinnetError as err:
        print(f"linnet {args.command}: error: {_one_line(err)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader closed the pipe (``linnet ... | head``): stop quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # Python's recipe: no second error at exit
        except (OSError, ValueError, AttributeError):
            pass
        return 0
    except OSError as err:  # the environment refused a file operation (permissions, disk full, ...)
        where = f" {err.filename!r}" if getattr(err, "filename", None) else ""
        print(f"linnet {args.command}: error: {err.strerror or err}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("linnet: interrupted", file=sys.stderr)
        return 130
    return 0 if status is None else int(status)


def _one_line(err) -> str:
    return " ".join(str(err).split("\n"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
