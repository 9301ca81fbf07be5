"""The package's layering, checked on its source (docs/architecture.rst).

Imports only go down the layers; there is no import cycle between modules,
hidden or not (function-level imports count); no module imports a private name
of another package; ``import linnet_geometry`` is lazy.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import networkx as nx
import pytest

import linnet_geometry

PKG_DIR = os.path.dirname(linnet_geometry.__file__)
PKG = "linnet_geometry"

#: layer of each first-level package/module; a module may import from its own layer's package or lower layers
LAYERS = {
    "exceptions": 0, "checks": 0, "references": 0, "_aliases": 0,
    "exact": 1, "numeric": 1, "backends": 1,
    "model": 2,
    "critical": 3,
    "landscape": 4, "families": 4,
    "report": 5,
    "verification": 6,
    "cli": 7, "__init__": 7, "__main__": 7,
}

#: modules that may exceed the size limit, with the reason
SIZE_EXEMPT: dict[str, str] = {}
MAX_LINES = 850

#: heavy optional dependencies that may be imported inside functions
LAZY_OK = {"matplotlib", "tqdm", "hypothesis", "scipy", "dask", "distributed", "threadpoolctl"}


def _modules():
    for root, _, files in os.walk(PKG_DIR):
        if "__pycache__" in root:
            continue
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(root, f)
                rel = os.path.relpath(path, os.path.dirname(PKG_DIR))[:-3].replace(os.sep, ".")
                is_pkg = rel.endswith(".__init__")
                yield (rel[: -len(".__init__")] if is_pkg else rel), path, is_pkg


MODULES = {name: (path, is_pkg) for name, path, is_pkg in _modules()}


def _resolve(node, name, is_pkg):
    if node.level == 0:
        return node.module
    base = (name if is_pkg else name.rpartition(".")[0]).split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports():
    """(importer, imported module, imported name or None, at function level?) for every package import."""
    out = []
    for name, (path, is_pkg) in MODULES.items():
        tree = ast.parse(open(path, encoding="utf-8").read())
        nested = set()
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                nested.update(id(n) for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom)))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = _resolve(node, name, is_pkg)
                if not (target == PKG or target.startswith(PKG + ".")):
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in MODULES:
                        out.append((name, sub, None, id(node) in nested))
                    else:
                        out.append((name, target, alias.name, id(node) in nested))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(PKG + "."):
                        out.append((name, alias.name, None, id(node) in nested))
    return out


IMPORTS = _imports()


def _top(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_first_level_package_has_a_layer():
    assert {_top(m) for m in MODULES} <= set(LAYERS), sorted({_top(m) for m in MODULES} - set(LAYERS))


def test_imports_only_go_down_the_layers():
    upward = [(a, b) for a, b, _, _ in IMPORTS
              if b != PKG and LAYERS[_top(b)] > LAYERS[_top(a)]]
    assert upward == []


def test_no_import_cycles_between_modules():
    graph = nx.DiGraph()
    for a, b, _, _ in IMPORTS:
        if a != b and b != PKG:
            # importing a package runs its __init__, which imports its submodules: count the package edge too
            graph.add_edge(a, b)
    assert list(nx.simple_cycles(graph)) == []


def test_no_private_name_of_another_package_is_imported():
    bad = []
    for a, b, name, _ in IMPORTS:
        if _top(a) == _top(b) or b == PKG or (a == PKG and b.count(".") == 1):
            continue  # same package, or the root package's own top-level modules
        parts = b.split(".")[1:] + ([name] if name else [])
        if any(p.startswith("_") and not p.startswith("__") for p in parts):
            bad.append((a, b, name))
    assert bad == []


def test_module_sizes():
    sizes = {name: sum(1 for _ in open(path, encoding="utf-8")) for name, (path, _) in MODULES.items()}
    too_big = {m: n for m, n in sizes.items() if n > MAX_LINES and m not in SIZE_EXEMPT}
    assert too_big == {}


def test_import_is_lazy_and_does_not_load_hypothesis():
    code = ("import sys, time; t = time.perf_counter(); import linnet_geometry; dt = time.perf_counter() - t; "
            "print(dt, 'hypothesis' in sys.modules, 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[1:] == ["False", "False"]


@pytest.mark.parametrize("old, new", [("symmetry", "families.symmetry"), ("latex", "report.latex"),
                                      ("regularized", "landscape.regularized"), ("theorems", "verification.theorems")])
def test_old_module_paths_are_aliases(old, new):
    import importlib

    assert importlib.import_module(f"{PKG}.{old}") is importlib.import_module(f"{PKG}.{new}")


def test_every_public_name_resolves():
    for name in linnet_geometry.__all__:
        assert getattr(linnet_geometry, name) is not None, name
