"""``linnet latex``: a LaTeX derivation of the critical locus (optionally compiled to PDF)."""

from __future__ import annotations

import os

from ..report.latex import ENGINES, compile_latex, derive
from ._common import add_command, check_output_path, int_at_least
from .analyze import add_problem_arguments, build_problem

__all__ = ["register", "run"]


def register(sub):
    p = add_command(sub, "latex", run, help="LaTeX derivation of the critical locus (standalone .tex, optional --pdf)")
    add_problem_arguments(p)
    p.add_argument("-o", "--output", default=None, help="the .tex file to write (default: print to stdout)")
    p.add_argument("--pdf", action="store_true", help="also compile it to a PDF next to the .tex (needs -o)")
    p.add_argument("--engine", choices=ENGINES, default=None, help="TeX engine (default: first found)")
    p.add_argument("--max-strata", type=int_at_least(0, "--max-strata"), default=64,
                   help="strata listed in full (default 64)")


def run(args):
    """Write a standalone LaTeX document deriving the parameterization, functional space, gradient, critical
    equations, the table of strata with exact values and the classification of each stratum with citations.
    """
    from ..exceptions import ParseError

    if args.output is None and args.pdf:
        raise ParseError("--pdf needs -o FILE.tex (the PDF is written next to it); received no -o")
    if args.output is not None:
        check_output_path(args.output, "-o", suffixes=(".tex",))  # before any work
    network, loss = build_problem(args)
    derivation = derive(network, loss, max_strata=args.max_strata)
    tex = derivation.to_latex()
    if args.output is None:
        if args.pdf:
            raise ParseError("--pdf needs -o FILE.tex (the PDF is written next to it); received no -o")
        print(tex, end="")
        return 0
    if not args.output.lower().endswith(".tex"):
        raise ParseError(f"-o: expected a path ending in .tex; received {args.output!r}")
    with open(args.output, "w", encoding="ascii") as fh:
        fh.write(tex)
    print(f"wrote {args.output} ({len(derivation.steps)} steps, cites {', '.join(derivation.citations)})")
    if args.pdf:
        pdf = compile_latex(tex, os.path.splitext(args.output)[0] + ".pdf", engine=args.engine)
        print(f"wrote {pdf}")
    return 0
