"""Write and compile a LaTeX derivation of a critical locus.

:func:`linnet_geometry.derive` returns the derivation as data — ordered steps
with statement, formula, justification and citation keys — and
:meth:`~linnet_geometry.Derivation.to_latex` renders a standalone document:
the parameterization ``μ_d``, the functional space (a determinantal variety:
dimension, degree, filling or not), the gradient of ``L`` per layer, the
critical equations, the exact spectrum of the target, the table of strata
with exact values in closed form, the classification argument of every
stratum with its descent moves and ``\\cite`` keys, and the bibliography.

Default: the ``linnet analyze`` example, widths ``(3, 2, 3)`` and target
``5 1 0; 2 3 1; 0 1 2`` (its squared singular values are the roots of an
irreducible cubic, printed as ``CRootOf``).  Writes ``derivation.tex`` and
``derivation.pdf`` into ``--out`` (default ``./out``); exits with status 1 and
a clear message when neither pdflatex nor lualatex is installed (the
``.tex`` is written anyway).

Run: ``python examples/latex_derivation.py --out out [--widths 3,2,2,3] [--target "..."]``
"""

from __future__ import annotations

import argparse
import os
import sys

from linnet_geometry import LinearNetwork, QuadraticLoss, derive
from linnet_geometry.exceptions import BackendNotFoundError
from linnet_geometry.report.latex import compile_latex


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="output directory (default ./out)")
    parser.add_argument("--widths", default="3,2,3", help="widths d_0,...,d_h (default 3,2,3)")
    parser.add_argument("--target", default="5 1 0; 2 3 1; 0 1 2", help="target matrix literal")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    from linnet_geometry.cli._common import parse_widths, read_matrix

    network = LinearNetwork(parse_widths(args.widths))
    loss = QuadraticLoss(read_matrix(args.target, "--target"))
    derivation = derive(network, loss)
    for k, step in enumerate(derivation.steps, start=1):
        print(f"{k:2d}. {step.title}" + (f"  [{', '.join(step.citations)}]" if step.citations else ""))
    tex = os.path.join(args.out, "derivation.tex")
    derivation.write(tex)
    print(f"wrote {tex}")
    try:
        pdf = compile_latex(derivation, os.path.join(args.out, "derivation.pdf"))
    except BackendNotFoundError as err:
        print(f"cannot compile: {err}", file=sys.stderr)
        return 1
    print(f"wrote {pdf}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
