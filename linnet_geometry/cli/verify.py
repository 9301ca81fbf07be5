"""``linnet verify``: run the theorem registry on seeded random instances.

``linnet verify`` runs every statement of :mod:`linnet_geometry.verification.theorems`
(``--theorem KEY`` for one, repeatable), prints a table with trials, passes
and timings, and exits 1 when any trial fails (the first counterexample of
each failing statement is printed under the table).  ``--list`` lists the
statements, ``--json`` prints the report as JSON.  Library errors (unknown
statement, bad ``--trials``) exit 2 with one line, as for every subcommand.
"""

from __future__ import annotations

from ..numeric.progress import progress_bar
from ._common import add_command, dump_json, int_at_least

__all__ = ["register", "run"]


def register(subparsers):
    """Add the ``verify`` subcommand."""
    p = add_command(subparsers, "verify", run,
                    help="check the statements of THEORY.md on random instances (theorem registry)")
    p.add_argument("--theorem", action="append", metavar="NAME", default=None,
                   help="run only this statement (repeatable; see --list)")
    p.add_argument("--trials", default="200", help="instances per statement (default 200)")
    p.add_argument("--seed", default="0", help="master seed (default 0); same seed, same instances")
    p.add_argument("--numeric", action="store_true", help="numeric (float) instances where a statement has them")
    p.add_argument("--workers", default=None, help="local processes (default: all CPUs; 1 = serial)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--list", action="store_true", help="list the statements and exit")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args) -> int:
    # imported here so that `linnet --help` and the other subcommands do not load every family of networks
    """Run the registered statements (linnet_geometry.verification.theorems) on seeded random instances; each
    check compares two independent routes. Exit status 1 if any trial fails.
    """
    from ..verification import theorems

    if args.list:
        rows = theorems.statements()
        if args.json:
            print(dump_json([st.to_dict() for st in rows]))
            return 0
        for st in rows:
            print(f"{st.key:<30} {st.section:<3} {st.reference:<10} {st.title}")
        print(f"{len(rows)} statements")
        return 0
    trials = int_at_least(1, "--trials")(args.trials)
    seed = int_at_least(0, "--seed")(args.seed)
    workers = None if args.workers is None else int_at_least(1, "--workers")(args.workers)
    names = args.theorem
    chosen = [theorems.get(n) for n in names] if names else theorems.statements()  # unknown name: exit 2
    executor = "serial" if workers == 1 else None
    # the bar (on stderr) shows on a terminal only, never with --no-progress
    with progress_bar(trials * len(chosen), "verify", progress=False if args.no_progress else None) as bar:
        report = theorems.verify([st.key for st in chosen], trials=trials, seed=seed, exact=not args.numeric,
                                 executor=executor, max_workers=workers, progress=lambda key, n: bar.update(n))
    if args.json:
        print(dump_json(report.to_dict()))
    else:
        print(report.table())
    return 0 if report.ok else 1
