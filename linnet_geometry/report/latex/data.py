"""The data of a derivation: :class:`Step`, :class:`Table`, :class:`Derivation`, and the LaTeX of exact values.

A :class:`Derivation` is a frozen list of :class:`Step` values — statement,
display formula, justification, citation keys, optionally a table — with no
LaTeX layout in it; :mod:`.render` turns it into a standalone document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from ...checks import format_count
from ...references import REFERENCES
from .compile import compile_latex
from .render import render_document

__all__ = ["Step", "Table", "Derivation", "latex_value", "SHORT_LATEX"]

#: Longest LaTeX of an exact number shown inline (table cells, moves); longer ones are named or split.
SHORT_LATEX = 60


@dataclass(frozen=True)
class Table:
    """A table of a step: headers, rows of cells (text with ``$...$`` math), column alignment.

    Attributes
    ----------
    headers : tuple of str
    rows : tuple of tuple of str
    align : str
        One LaTeX column spec letter per column (``l``, ``c``, ``r``; ``p`` widths are chosen by the renderer).
    note : str

    Examples
    --------
    >>> table = Table(("$S$", "value"), (("$1$", "1"), ("$2$", "4")), "cr")
    >>> table.to_dict()["rows"]
    [['$1$', '1'], ['$2$', '4']]

    :func:`derive` attaches one to its table-of-strata step:

    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> from linnet_geometry.report.latex import derive
    >>> d = derive(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]]))
    >>> table = next(st.table for st in d.steps if st.table is not None)
    >>> table.headers[:3], len(table.rows)
    (('$S$', 'rank', 'value $L$ (exact)'), 3)
    """

    headers: tuple
    rows: tuple
    align: str
    note: str = ""

    def to_dict(self):
        return {"headers": list(self.headers), "rows": [list(r) for r in self.rows], "align": self.align,
                "note": self.note}


@dataclass(frozen=True)
class Step:
    """One step of a derivation.

    Attributes
    ----------
    title : str
        Short heading (plain text).
    statement : str
        What is stated (text, ``$...$`` for inline math).
    formula : tuple of str
        Display-math lines (LaTeX); aligned at ``&`` when any line has one.
    justification : str
        Why it holds (text, ``$...$`` math).
    citations : tuple of str
        Keys of :data:`~linnet_geometry.references.REFERENCES`.
    table : Table or None
    level : int
        1 for a section, 2 for a subsection (the per-stratum steps).

    Examples
    --------
    >>> step = Step("Loss", "The loss is $L(W) = |W - U|^2$.", "L(W) = |W - U|^2", citations=("EY1936",))
    >>> step.formula  # a single line becomes a tuple
    ('L(W) = |W - U|^2',)
    >>> step.level, step.table is None
    (1, True)
    >>> Step("Loss", "text", citations=("XYZ1999",))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    KeyError: "unknown citation keys ['XYZ1999']; expected keys of REFERENCES [...]"
    """

    title: str
    statement: str
    formula: tuple = ()
    justification: str = ""
    citations: tuple = ()
    table: Table | None = None
    level: int = 1

    def __post_init__(self):
        unknown = [k for k in self.citations if k not in REFERENCES]
        if unknown:
            raise KeyError(f"unknown citation keys {unknown}; expected keys of REFERENCES {sorted(REFERENCES)}")
        if isinstance(self.formula, str):
            object.__setattr__(self, "formula", (self.formula,))

    def to_dict(self):
        return {"title": self.title, "statement": self.statement, "formula": list(self.formula),
                "justification": self.justification, "citations": list(self.citations),
                "table": None if self.table is None else self.table.to_dict(), "level": self.level}


@dataclass(frozen=True)
class Derivation:
    """A derivation of the critical locus of ``L = ℓ ∘ μ_d``: ordered :class:`Step` data.

    Attributes
    ----------
    title : str
    steps : tuple of Step
    network : LinearNetwork
    loss : Loss
    locus : CriticalLocus or None
        For quadratic losses, the locus whose values the document prints.
    result : object or None
        The critical-point result the derivation was written from (:func:`derive_result`).

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> from linnet_geometry.report.latex import derive
    >>> d = derive(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]]))
    >>> len(d), d.citations[:3]
    (13, ('TKB2020', 'DHOST2016', 'EY1936'))
    >>> d.locus.global_minimum_value
    1
    >>> print(d.to_text().splitlines()[0])
    Critical points of a linear network with widths (2,1,2)
    """

    title: str
    steps: tuple
    network: object = field(repr=False, compare=False, default=None)
    loss: object = field(repr=False, compare=False, default=None)
    locus: object = field(repr=False, compare=False, default=None)
    result: object = field(repr=False, compare=False, default=None)

    @property
    def citations(self):
        """Cited keys, in order of first citation."""
        out = []
        for st in self.steps:
            for k in st.citations:
                if k not in out:
                    out.append(k)
        return tuple(out)

    def __len__(self):
        return len(self.steps)

    def __repr__(self):
        return f"Derivation(title={self.title!r}, steps={len(self.steps)}, citations={self.citations})"

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"title": self.title, "steps": [s.to_dict() for s in self.steps], "citations": list(self.citations)}

    def to_text(self) -> str:
        """Plain-text rendering (math left as LaTeX source)."""
        out = [self.title, "=" * len(self.title)]
        for k, st in enumerate(self.steps, start=1):
            out += ["", f"{k}. {st.title}", f"   {st.statement}"]
            out += [f"     {line}" for line in st.formula]
            if st.table is not None:
                out.append("   " + " | ".join(st.table.headers))
                out += ["   " + " | ".join(row) for row in st.table.rows]
            if st.justification:
                out.append(f"   Justification: {st.justification}")
            if st.citations:
                out.append(f"   [{', '.join(st.citations)}]")
        return "\n".join(out)

    def to_latex(self) -> str:
        """A standalone LaTeX document (amsmath, amssymb, booktabs) of the derivation; pure ASCII."""
        return render_document(self)

    def write(self, path) -> str:
        """Write :meth:`to_latex` to ``path``; return the path."""
        with open(path, "w", encoding="ascii") as fh:
            fh.write(self.to_latex())
        return str(path)

    def to_pdf(self, path, engine=None, **kwargs):
        """Compile to the PDF ``path`` (see :func:`~linnet_geometry.report.latex.compile_latex`)."""
        return compile_latex(self.to_latex(), path, engine=engine, **kwargs)


# -- helpers ---------------------------------------------------------------------------------------------

def _latex_count(n, max_digits: int = 30) -> str:
    """A count in LaTeX: exact up to ``max_digits`` digits, else ``\\approx m\\cdot 10^{e}`` (no huge int→str).

    >>> print(_latex_count(12), _latex_count(3 ** 1000))
    12 \\approx 1.3221\\cdot 10^{477}
    """
    text = format_count(n, max_digits)
    if not text.startswith("≈"):
        return text
    mant, exp = text[2:].split(" ")[0].split("e+")
    return rf"\approx {mant}\cdot 10^{{{exp}}}"


def latex_value(x) -> str:
    """LaTeX of an internal exact value (never a user string: ``strict=True`` refuses text).

    Examples
    --------
    >>> latex_value(sympy.sqrt(2) / 2), latex_value(3)
    ('\\\\frac{\\\\sqrt{2}}{2}', '3')
    """
    return sympy.latex(sympy.sympify(x, strict=True))


#: Earlier private name of :func:`latex_value`, kept for callers outside this package.
_L = latex_value
