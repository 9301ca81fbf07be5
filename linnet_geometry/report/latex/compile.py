"""Compile a LaTeX document with a real TeX engine (pdflatex or lualatex).

The engine runs in a temporary directory with ``-interaction=nonstopmode
-halt-on-error``, twice (so citations resolve); any error — a non-zero exit
status or a ``!`` line in the log — raises :class:`LatexCompileError` with
the log's error lines.  With ``strict=True`` undefined citations and
references and missing characters are errors too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ...exceptions import BackendNotFoundError, InputTypeError, LinnetError

__all__ = ["ENGINES", "available_engines", "find_engine", "compile_latex", "LatexCompileError"]

#: Engines tried in this order when none is requested.
#:
#: Examples
#: --------
#: >>> ENGINES
#: ('pdflatex', 'lualatex')
ENGINES = ("pdflatex", "lualatex")

_STRICT_PATTERNS = (r"Citation `[^']*' .*undefined", r"Reference `[^']*' .*undefined", r"There were undefined",
                    r"Missing character: There is no")


class LatexCompileError(LinnetError, RuntimeError):
    """The TeX engine reported an error (the message quotes the log).

    Examples
    --------
    It subclasses :class:`~linnet_geometry.exceptions.LinnetError` and
    :class:`RuntimeError`.  Here the engine is simulated (it exits with
    status 1 and an error line in its log), so no TeX is needed:

    >>> import subprocess
    >>> from unittest import mock
    >>> issubclass(LatexCompileError, LinnetError), issubclass(LatexCompileError, RuntimeError)
    (True, True)
    >>> failed = subprocess.CompletedProcess([], 1, stdout=b"! Undefined control sequence.")
    >>> with mock.patch("shutil.which", return_value="/usr/bin/pdflatex"), \\
    ...         mock.patch("subprocess.run", return_value=failed):
    ...     try:
    ...         compile_latex("not a document", "out.pdf")
    ...     except LatexCompileError as err:
    ...         print(err)
    pdflatex failed (exit 1): expected no LaTeX error; received: ! Undefined control sequence.
    """


def available_engines():
    """The engines of :data:`ENGINES` found on ``PATH``, in preference order.

    Examples
    --------
    >>> set(available_engines()) <= set(ENGINES)
    True
    """
    return tuple(e for e in ENGINES if shutil.which(e))


def find_engine(engine=None) -> str:
    """Absolute path of ``engine`` (default: the first available of :data:`ENGINES`).

    Raises
    ------
    BackendNotFoundError
        When the engine (or any engine) is not on ``PATH``.
    InputTypeError
        For an engine name outside :data:`ENGINES`.

    Examples
    --------
    The first engine of :data:`ENGINES` found on ``PATH`` wins (``PATH`` is
    simulated here, so the output does not depend on the machine):

    >>> from unittest import mock
    >>> with mock.patch("shutil.which", lambda name: "/opt/tex/bin/" + name):
    ...     print(find_engine(), find_engine("lualatex"))
    /opt/tex/bin/pdflatex /opt/tex/bin/lualatex
    >>> find_engine("xelatex")
    Traceback (most recent call last):
        ...
    linnet_geometry.exceptions.InputTypeError: engine must be one of ('pdflatex', 'lualatex'); received 'xelatex'
    """
    if engine is not None and engine not in ENGINES:
        raise InputTypeError(f"engine must be one of {ENGINES}; received {engine!r}")
    for name in (engine,) if engine else ENGINES:
        path = shutil.which(name)
        if path:
            return path
    wanted = engine or " or ".join(ENGINES)
    raise BackendNotFoundError(f"no TeX engine: expected {wanted} on PATH; received none (install e.g. Debian's "
                               "texlive-latex-base and texlive-latex-recommended)")


def _log_errors(log: str, strict: bool):
    lines = log.splitlines()
    errs = []
    for k, line in enumerate(lines):
        if line.startswith("!") or re.match(r"^[^:\s]+\.tex:\d+: ", line):
            errs.append(" | ".join(x.strip() for x in lines[k:k + 3] if x.strip()))
        elif strict and any(re.search(p, line) for p in _STRICT_PATTERNS):
            errs.append(line.strip())
    return errs


def compile_latex(source, pdf_path, engine=None, runs: int = 2, timeout: float = 180.0, strict: bool = True,
                  keep_log: bool = False):
    """Compile LaTeX ``source`` to the PDF file ``pdf_path``; return its :class:`~pathlib.Path`.

    Parameters
    ----------
    source : str or Derivation
        A complete document (or anything with ``to_latex()``).
    pdf_path : str or path-like
        Where to write the PDF (its directory must exist).
    engine : {"pdflatex", "lualatex"}, optional
        Default: the first available.
    runs : int
        Number of engine passes (2 resolves citations).
    timeout : float
        Seconds per pass.
    strict : bool
        Also fail on undefined citations/references and missing characters.
    keep_log : bool
        Copy the ``.log`` next to the PDF.

    Raises
    ------
    BackendNotFoundError
        No TeX engine on ``PATH``.
    LatexCompileError
        The engine reported an error (the message quotes it).

    Examples
    --------
    With a TeX engine installed (not run here: it takes seconds):

    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> from linnet_geometry.report.latex import derive
    >>> d = derive(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]]))
    >>> compile_latex(d, "derivation.pdf")  # doctest: +SKIP
    PosixPath('derivation.pdf')

    Input is checked before any engine runs:

    >>> compile_latex(42, "out.pdf")
    Traceback (most recent call last):
        ...
    linnet_geometry.exceptions.InputTypeError: source must be LaTeX text or a Derivation; received int
    """
    if hasattr(source, "to_latex"):
        source = source.to_latex()
    if not isinstance(source, str):
        raise InputTypeError(f"source must be LaTeX text or a Derivation; received {type(source).__name__}")
    exe = find_engine(engine)
    pdf_path = Path(pdf_path)
    with tempfile.TemporaryDirectory(prefix="linnet-tex-") as tmp:
        tex = Path(tmp) / "document.tex"
        tex.write_text(source, encoding="utf-8")
        log = ""
        for _ in range(max(1, int(runs))):
            try:
                proc = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
                                       "document.tex"], cwd=tmp, capture_output=True, timeout=timeout,
                                      env={**os.environ, "openout_any": "p"})
            except subprocess.TimeoutExpired:
                raise LatexCompileError(f"{os.path.basename(exe)} did not finish within {timeout} s") from None
            logfile = Path(tmp) / "document.log"
            log = logfile.read_text(encoding="utf-8", errors="replace") if logfile.exists() else \
                proc.stdout.decode("utf-8", "replace")
            errs = _log_errors(log, strict=False)
            if proc.returncode != 0 or errs:
                raise LatexCompileError(f"{os.path.basename(exe)} failed (exit {proc.returncode}): expected no "
                                        f"LaTeX error; received: {'; '.join(errs[:5]) or log[-800:]}")
        if strict:
            errs = _log_errors(log, strict=True)
            if errs:
                raise LatexCompileError(f"{os.path.basename(exe)}: expected no undefined citation, reference or "
                                        f"missing character; received: {'; '.join(errs[:5])}")
        out = Path(tmp) / "document.pdf"
        if not out.exists():
            raise LatexCompileError(f"{os.path.basename(exe)} exited 0 but wrote no PDF; log tail: {log[-500:]}")
        shutil.copyfile(out, pdf_path)
        if keep_log:
            shutil.copyfile(Path(tmp) / "document.log", pdf_path.with_suffix(".log"))
    return pdf_path
