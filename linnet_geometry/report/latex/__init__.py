"""LaTeX derivations of critical loci: data (:func:`derive`), rendering, compilation.

* :mod:`.derivation` — :class:`Derivation` and :class:`Step` (frozen data), :func:`derive` of a
  problem and :func:`derive_result` of a computed critical-point result;
* :mod:`.render` — :meth:`Derivation.to_latex`: a standalone, pure-ASCII document
  (amsmath, amssymb, booktabs) with a bibliography built from
  :data:`~linnet_geometry.references.REFERENCES`;
* :mod:`.escape` — escaping of plain text;
* :mod:`.compile` — :func:`compile_latex` with pdflatex or lualatex
  (:class:`~linnet_geometry.exceptions.BackendNotFoundError` when neither is installed).

Examples
--------
>>> from linnet_geometry import LinearNetwork, QuadraticLoss
>>> d = derive(LinearNetwork((3, 2, 3)), QuadraticLoss([[3, 0, 0], [0, 2, 0], [0, 0, 1]]))
>>> d
Derivation(title='Critical points of a linear network with widths (3,2,3)', steps=17, citations=('TKB2020', 'DHOST2016', 'EY1936', 'ZL2018', 'K2016', 'BH1989', 'AMG2024', 'LvB2018'))
>>> tex = d.to_latex()
>>> r"\\usepackage{booktabs}" in tex and r"\\bibitem{TKB2020}" in tex and tex.isascii()
True

:func:`compile_latex` uses the first of :data:`~linnet_geometry.report.latex.compile.ENGINES` found on ``PATH``:

>>> ENGINES
('pdflatex', 'lualatex')
"""

from .compile import ENGINES, LatexCompileError, available_engines, compile_latex, find_engine
from .derivation import MAX_STRATA, Derivation, Step, Table, derive, derive_result, latex_value
from .escape import escape_text, render_text

__all__ = ["derive", "derive_result", "Derivation", "Step", "Table", "MAX_STRATA", "compile_latex",
           "available_engines", "find_engine", "ENGINES", "LatexCompileError", "escape_text", "render_text",
           "latex_value"]
