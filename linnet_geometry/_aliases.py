"""Module paths of earlier releases, kept importable.

Before the package was layered, its modules lived at the top level
(``linnet_geometry.symmetry``, ``linnet_geometry.latex``, …).  Those paths stay
valid: importing one returns the module at its new place (the very same module
object), so ``import linnet_geometry.symmetry`` and
``from linnet_geometry.latex import derive`` keep working.

Examples
--------
>>> import linnet_geometry.symmetry as old
>>> from linnet_geometry.families import symmetry as new
>>> old is new
True
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

#: old module path (relative to the package) -> its place in the layered tree
MODULE_ALIASES = {
    "network": "model.network",
    "variety": "model.variety",
    "losses": "model.losses",
    "graph": "report.graph",
    "latex": "report.latex",
    "symmetry": "families.symmetry",
    "relu": "families.relu",
    "convolutional": "families.convolutional",
    "regularized": "landscape.regularized",
    "flatness": "landscape.flatness",
    "theorems": "verification.theorems",
    "testing": "verification.testing",
}

_PACKAGE = __name__.rpartition(".")[0]


def new_location(fullname: str):
    """The layered module path for an old ``fullname``, or ``None`` if it is not an alias.

    >>> new_location("linnet_geometry.latex.derivation")
    'linnet_geometry.report.latex.derivation'
    >>> new_location("linnet_geometry.critical") is None
    True
    """
    prefix = _PACKAGE + "."
    if not fullname.startswith(prefix):
        return None
    rest = fullname[len(prefix):]
    head, _, tail = rest.partition(".")
    if head not in MODULE_ALIASES:
        return None
    return prefix + MODULE_ALIASES[head] + ("." + tail if tail else "")


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolve an old module path to the module object at its new place."""

    def find_spec(self, fullname, path=None, target=None):
        if new_location(fullname) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return importlib.import_module(new_location(spec.name))

    def exec_module(self, module):  # the target module is already executed
        return None


def install() -> None:
    """Register the alias finder once (idempotent)."""
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())
