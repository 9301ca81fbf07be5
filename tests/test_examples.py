"""The example gallery runs: every script in examples/ (found by glob, so new ones are included).

Each script runs in a subprocess, in its fast mode when it has one (``--fast``),
writing into a fresh ``--out`` folder.  The test checks the exit code, that
the script wrote files, that none is empty, that PNG and PDF files carry their
format's signature, and, for the scripts whose outputs are documented here,
that each named output exists.  A script that compiles LaTeX is skipped when
no TeX engine is on PATH.

The code of the documentation pages (``docs/*.rst``: getting started, theory
guide) is a set of doctests; they run here too, so the docs show real output.
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
TEX_ENGINES = ("pdflatex", "lualatex", "xelatex", "latexmk", "tectonic")
SCRIPT_TIMEOUT = 300  # seconds; fast mode of every example is meant to take well under a minute

#: outputs that must exist after a run (scripts not listed are held to the generic checks only)
EXPECTED_OUTPUTS = {
    "pure_vs_spurious.py": ["pure_vs_spurious.png", "pure_vs_spurious.txt"],
    "weighted_bad_minima.py": ["weighted_bad_minima.png", "weighted_bad_minima.txt"],
    "own_test_suite.py": ["test_my_linear_networks.py", "own_test_suite_pytest.txt"],
}

SIGNATURES = {".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF"}


def _needs_tex(source: str) -> bool:
    return any(engine in source for engine in TEX_ENGINES)


def test_gallery_is_found():
    names = {p.name for p in EXAMPLES}
    missing = set(EXPECTED_OUTPUTS) - names
    assert not missing, f"example scripts missing from examples/: {sorted(missing)}"


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs_and_writes_its_outputs(script, tmp_path):
    source = script.read_text(encoding="utf-8")
    if _needs_tex(source) and not any(shutil.which(e) for e in TEX_ENGINES):
        pytest.skip(f"{script.name} compiles LaTeX and no TeX engine ({', '.join(TEX_ENGINES)}) is on PATH")
    out = tmp_path / "out"
    cmd = [sys.executable, str(script)]
    if "--out" in source:
        cmd += ["--out", str(out)]
    else:  # a script without --out writes into its working directory
        out = tmp_path
    if "--fast" in source:
        cmd.append("--fast")
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT)
    assert proc.returncode == 0, (f"{' '.join(cmd)} exited with {proc.returncode}\n--- stdout ---\n"
                                  f"{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}")
    files = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert files, f"{script.name} wrote no file into {out}"
    for path in files:
        size = path.stat().st_size
        assert size > 0, f"{script.name} wrote the empty file {path.relative_to(out)}"
        signature = SIGNATURES.get(path.suffix.lower())
        if signature is not None:
            with open(path, "rb") as fh:
                assert fh.read(len(signature)) == signature, f"{path.name} is not a valid {path.suffix} file"
    for name in EXPECTED_OUTPUTS.get(script.name, []):
        assert (out / name).is_file(), f"{script.name} did not write {name}; wrote {[p.name for p in files]}"


DOC_PAGES = sorted((ROOT / "docs").glob("*.rst"))
DOC_PAGES_WITH_CODE = [p for p in DOC_PAGES if ">>> " in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("page", DOC_PAGES_WITH_CODE, ids=[p.name for p in DOC_PAGES_WITH_CODE])
def test_documentation_code_blocks(page):
    text = page.read_text(encoding="utf-8")
    modules = sorted(set(re.findall(r"from (linnet_geometry[\w.]*) import", text)))
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{page.name} uses modules that are not installed yet: {missing}")
    result = doctest.testfile(str(page), module_relative=False, report=False,
                              optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctests in {page.name} failed (run " \
                               f"python -m doctest -v {page.relative_to(ROOT)})"
