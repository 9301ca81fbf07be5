"""The statement registry and the runner of :func:`verify`.

A :class:`Statement` is one checkable claim of THEORY.md: its key, section,
paper key, LaTeX text, a seedable instance generator and a check comparing two
independent routes.  :func:`register` adds one to the registry (the built-in
statements are registered by the topic modules of :mod:`linnet_geometry.verification.theorems`
at import), :func:`verify` runs them on seeded random instances, serially, in
local processes or on any :class:`concurrent.futures.Executor`.

Trial ``k`` of statement ``name`` draws its instance from
``numpy.random.SeedSequence(seed, spawn_key=(crc32(name), k))`` (:func:`trial_seed`),
so the outcome of a trial does not depend on where or in which order it runs.
"""

from __future__ import annotations

import concurrent.futures
import inspect
import re
import multiprocessing
import os
import time
import zlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import sympy

from ...checks import check_int
from ...exceptions import InputTypeError, LinnetError

__all__ = [
    "Statement",
    "TrialOutcome",
    "StatementResult",
    "VerificationReport",
    "UnknownStatementError",
    "register",
    "unregister",
    "get",
    "names",
    "statements",
    "verify",
    "run_trial",
    "trial_seed",
]


class UnknownStatementError(LinnetError, KeyError):
    """The requested statement is not in the registry.

    Examples
    --------
    >>> try:
    ...     get("no_such_statement")
    ... except UnknownStatementError as err:
    ...     print(type(err).__name__, isinstance(err, KeyError))
    UnknownStatementError True
    """

    def __str__(self):  # KeyError quotes its argument; keep the message readable
        return str(self.args[0]) if self.args else ""


# ---------------------------------------------------------------------------------------------------
# the registry
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Statement:
    """One checkable statement.

    Attributes
    ----------
    key : str
        Registry name (``linnet verify --theorem KEY``).
    section : str
        Section of THEORY.md, e.g. ``"§3"``.
    title : str
        Short title of the statement in THEORY.md.
    reference : str
        Paper key (``TKB2020``, ``SGJ2021``, ...) or ``derived``.
    latex : str
        The statement in LaTeX.
    generate : callable
        ``generate(rng, exact=True, **sizes) -> dict``: a random instance.
    check : callable
        ``check(instance) -> None | str``: ``None`` on pass, else a description
        of the counterexample.  Compares two independent routes.
    routes : str
        Which two routes the check compares.
    sizes : dict
        Default size parameters passed to ``generate``.
    numeric : bool
        Whether ``generate(..., exact=False)`` gives a float instance.

    Examples
    --------
    >>> st = get("rank_formula")
    >>> st.key, st.section, st.reference
    ('rank_formula', '§1', 'TKB2020')
    >>> st.check(st.instance(seed=0, trial=0)) is None
    True
    """

    key: str
    section: str
    title: str
    reference: str
    latex: str
    generate: Callable = field(repr=False)
    check: Callable = field(repr=False)
    routes: str = ""
    sizes: dict = field(default_factory=dict, repr=False)
    numeric: bool = False

    def instance(self, seed=0, trial=0, exact=True, **sizes):
        """The instance of ``trial`` for ``seed`` (what :func:`verify` checks)."""
        rng = np.random.default_rng(trial_seed(self.key, seed, trial))
        return self.generate(rng, exact=bool(exact) or not self.numeric, **{**self.sizes, **sizes})

    def to_dict(self):
        """Plain-data description (JSON-ready)."""
        return {"key": self.key, "section": self.section, "title": self.title, "reference": self.reference,
                "latex": self.latex, "routes": self.routes, "sizes": dict(self.sizes), "numeric": self.numeric}


_REGISTRY: dict = {}


def register(key, *, section, title, reference, latex, generate, check, routes="", sizes=None, numeric=False,
             replace=False) -> Statement:
    """Add a statement to the registry and return it.

    ``generate(rng, exact=True, **sizes)`` must return a dict (the instance)
    and ``check(instance)`` ``None`` or a counterexample string.  For runs in
    processes that do not share this one's memory (``spawn``, dask workers),
    both must be importable module-level functions and the registration must
    happen at import of that module.

    Examples
    --------
    >>> def gen(rng, exact=True, n=5):
    ...     return {"n": int(rng.integers(1, n + 1))}
    >>> def wrong(inst):  # 1 + ... + n = n^2 ?  (false for n > 1)
    ...     n = inst["n"]
    ...     return None if sum(range(1, n + 1)) == n * n else f"n = {n}: {sum(range(1, n + 1))} != {n * n}"
    >>> _ = register("doc_wrong_sum", section="test", title="wrong sum", reference="none",
    ...              latex=r"\\sum_{k\\le n} k = n^2", generate=gen, check=wrong)
    >>> rep = verify("doc_wrong_sum", trials=20, executor="serial")
    >>> rep.ok, rep["doc_wrong_sum"].counterexample["reason"].startswith("n = ")
    (False, True)
    >>> unregister("doc_wrong_sum")
    """
    if not isinstance(key, str) or not key.strip() or any(c.isspace() for c in key):
        raise InputTypeError(f"key: expected a non-empty name without spaces; received {key!r}")
    if not callable(generate) or not callable(check):
        raise InputTypeError(f"generate and check must be callables; received {type(generate).__name__} and "
                             f"{type(check).__name__}")
    if key in _REGISTRY and not replace:
        raise InputTypeError(f"a statement named {key!r} is already registered; pass replace=True to overwrite")
    st = Statement(key, section, title, reference, latex, generate, check, routes, dict(sizes or {}), bool(numeric))
    _REGISTRY[key] = st
    return st


_PENDING: dict = {}


def _plain(text):
    r"""reST text as plain text: backslash escapes (``\|S\|`` for ``|S|``, not a substitution) dropped.

    >>> _plain(r"pure iff \|S\| = r")
    'pure iff |S| = r'
    """
    return re.sub(r"\\(.)", r"\1", text)


def _docstring_text(doc):
    r"""``(title, latex, routes)`` of a check's docstring (``None`` for a part it lacks).

    The summary paragraph is the title, the lines of the ``.. math::`` block the
    LaTeX and the paragraph after ``Routes:`` the routes; the lines of each part
    are joined with one space and one final period is dropped.

    Examples
    --------
    >>> _docstring_text('''Squares are non-negative.
    ...
    ...     .. math::
    ...
    ...         n^2
    ...         \\ge 0
    ...
    ...     Routes: the square
    ...     vs zero.
    ...     ''')
    ('Squares are non-negative', 'n^2 \\ge 0', 'the square vs zero')
    """
    if not doc:
        return None, None, None
    paragraphs = [[line.strip() for line in p.split("\n")] for p in inspect.cleandoc(doc).split("\n\n")]
    title, latex, routes = _plain(" ".join(paragraphs[0])).removesuffix("."), None, None
    for k, par in enumerate(paragraphs):
        if par[0].startswith(".. math::"):
            first = par[0][len(".. math::"):].strip()
            lines = [first] + par[1:] if first else paragraphs[k + 1] if k + 1 < len(paragraphs) else []
            latex = " ".join(lines)
        elif par[0].startswith("Routes: "):
            routes = _plain(" ".join([par[0][len("Routes: "):]] + par[1:])).removesuffix(".")
    return title, latex, routes


def statement(key, *, section, reference, generate, title=None, latex=None, routes=None, sizes=None,
              numeric=False):
    r"""Decorator: declare the function below as the check of a built-in statement.

    The text of the statement is written once, in the docstring of its check:
    the summary line is the ``title``, the ``.. math::`` block the ``latex`` and
    the ``Routes:`` paragraph the ``routes`` (the two independent routes the
    check compares); the lines of each are joined with one space.  The other
    keywords are those of :func:`register`.  ``title``, ``latex`` and ``routes``
    may also be given here (they take precedence; a check without a docstring
    then gets one made from the key, the paper key, the section and
    ``routes``).  Under ``python -OO`` (no docstrings) the title is the key and
    the LaTeX and routes are empty.

    The statement is only recorded here; :func:`register_module` registers the
    statements of a topic module in the order of their checks, so the package
    decides the order of the topics (THEORY.md order) independently of the
    order in which they are imported.

    Examples
    --------
    >>> @statement("doc_square", section="test", reference="none",
    ...            generate=lambda rng, exact=True: {"n": int(rng.integers(-9, 10))})
    ... def check_square(inst):
    ...     r'''Squares are non-negative.
    ...
    ...     .. math:: n^2 \ge 0
    ...
    ...     Routes: the square vs zero.
    ...     '''
    ...     return None if inst["n"] ** 2 >= 0 else f"n = {inst['n']}"
    >>> [(st.key, st.title, st.latex, st.routes) for st in register_module(check_square.__module__)]
    [('doc_square', 'Squares are non-negative', 'n^2 \\ge 0', 'the square vs zero')]
    >>> verify("doc_square", trials=3, executor="serial").ok
    True
    >>> unregister("doc_square")
    >>> @statement("doc_even_square", section="test", reference="none", title="squares of even numbers are even",
    ...            latex=r"2 \mid n \Rightarrow 2 \mid n^2", routes="parity of n² vs zero",
    ...            generate=lambda rng, exact=True: {"n": 2 * int(rng.integers(-9, 10))})
    ... def check_even_square(inst):
    ...     return None if inst["n"] ** 2 % 2 == 0 else f"n = {inst['n']}"
    >>> check_even_square.__doc__
    'Check ``doc_even_square`` (none, THEORY test). Parity of n² vs zero.'
    >>> [st.latex for st in register_module(check_even_square.__module__)]
    ['2 \\mid n \\Rightarrow 2 \\mid n^2']
    >>> unregister("doc_even_square")
    """
    def record(check):
        doc_title, doc_latex, doc_routes = _docstring_text(check.__doc__)
        text_routes = routes if routes is not None else doc_routes or ""
        if check.__doc__ is None and text_routes:
            check.__doc__ = (f"Check ``{key}`` ({reference}, THEORY {section}). "
                             f"{text_routes[0].upper()}{text_routes[1:]}.")
        _PENDING.setdefault(check.__module__, []).append(
            dict(key=key, section=section, title=title if title is not None else doc_title or key,
                 reference=reference, latex=latex if latex is not None else doc_latex or "", generate=generate,
                 check=check, routes=text_routes, sizes=sizes, numeric=numeric))
        return check
    return record


def register_module(module_name) -> list:
    """Register the statements declared with :func:`statement` in ``module_name``, in declaration order.

    Returns the registered :class:`Statement` objects; a second call for the
    same module registers nothing (the declarations are consumed).

    Examples
    --------
    >>> register_module("linnet_geometry.verification.theorems.dense")  # done at import of the package
    []
    """
    return [register(**spec) for spec in _PENDING.pop(module_name, ())]


def unregister(key) -> None:
    """Remove a statement (no error if absent).

    Examples
    --------
    >>> _ = register("doc_tmp", section="test", title="always true", reference="none",
    ...              latex="1 = 1", generate=lambda rng, exact=True: {}, check=lambda inst: None)
    >>> "doc_tmp" in names()
    True
    >>> unregister("doc_tmp")
    >>> "doc_tmp" in names()
    False
    >>> unregister("doc_tmp")  # absent: no error
    """
    _REGISTRY.pop(key, None)


def get(name) -> Statement:
    """The statement registered under ``name``.

    Raises :class:`UnknownStatementError` for an unknown name.

    Examples
    --------
    >>> get("rank_formula").title
    'Rank of dμ in closed form'
    """
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise UnknownStatementError(f"theorem: expected one of {', '.join(_REGISTRY)}; received {name!r}") from None


def names():
    """Registered keys, in THEORY.md order.

    Examples
    --------
    >>> names()[:2]
    ['rank_formula', 'maximal_rank_criterion']
    """
    return list(_REGISTRY)


def statements():
    """Registered :class:`Statement` objects, in THEORY.md order.

    Examples
    --------
    >>> [st.key for st in statements()] == names()
    True
    """
    return list(_REGISTRY.values())


# ---------------------------------------------------------------------------------------------------
# running trials
# ---------------------------------------------------------------------------------------------------

def trial_seed(name, seed, trial) -> np.random.SeedSequence:
    """The seed sequence of one trial: ``SeedSequence(seed, spawn_key=(crc32(name), trial))``.

    Examples
    --------
    >>> a = np.random.default_rng(trial_seed("rank_formula", 0, 3)).integers(10**9)
    >>> b = np.random.default_rng(trial_seed("rank_formula", 0, 3)).integers(10**9)
    >>> bool(a == b)
    True
    """
    return np.random.SeedSequence(int(seed), spawn_key=(zlib.crc32(name.encode()), int(trial)))


@dataclass(frozen=True)
class TrialOutcome:
    """Outcome of one trial: ``passed``, the failure ``reason`` and the instance description.

    Examples
    --------
    >>> out = run_trial(get("rank_formula"), seed=0, trial=0)
    >>> out.trial, out.passed, out.reason, out.instance
    (0, True, None, None)
    """

    trial: int
    passed: bool
    reason: str | None
    instance: str | None
    seconds: float


def _describe(inst) -> str:
    parts = []
    for k, v in inst.items():
        if k.startswith("_"):
            continue
        if isinstance(v, sympy.MatrixBase):
            v = v.tolist()
        elif isinstance(v, np.ndarray):
            v = np.round(v, 12).tolist()
        elif isinstance(v, (tuple, list)) and v and isinstance(v[0], (sympy.MatrixBase, np.ndarray)):
            v = [x.tolist() for x in v]
        text = repr(v)
        parts.append(f"{k}={text if len(text) <= 400 else text[:397] + '...'}")
    return ", ".join(parts)


def run_trial(statement, seed, trial, exact=True, sizes=None) -> TrialOutcome:
    """Generate and check one instance; exceptions count as failures.

    Examples
    --------
    >>> run_trial(get("rank_formula"), seed=0, trial=1).passed
    True
    >>> st = Statement("doc_crash", "test", "crashes", "none", "", lambda rng, exact=True: {"n": 1},
    ...                lambda inst: 1 / 0)
    >>> out = run_trial(st, seed=0, trial=0)
    >>> out.passed, out.reason, out.instance
    (False, 'error: ZeroDivisionError: division by zero', 'n=1')
    """
    t0 = time.perf_counter()
    inst = None
    try:
        rng = np.random.default_rng(trial_seed(statement.key, seed, trial))
        kw = {**statement.sizes, **(sizes or {})}
        inst = statement.generate(rng, exact=bool(exact) or not statement.numeric, **kw)
        reason = statement.check(inst)
    except Exception as err:  # a crash is a failure, reported with its instance
        reason = f"error: {type(err).__name__}: {err}"
    desc = None
    if reason is not None:
        try:
            desc = _describe(inst) if isinstance(inst, dict) else repr(inst)
        except Exception as err:  # pragma: no cover - description must never hide the failure
            desc = f"<instance not printable: {err}>"
    return TrialOutcome(int(trial), reason is None, None if reason is None else str(reason), desc,
                        time.perf_counter() - t0)


def _run_chunk(statement, seed, trials, exact, sizes):
    return [run_trial(statement, seed, k, exact, sizes) for k in trials]


@dataclass(frozen=True)
class StatementResult:
    """Per-statement part of a :class:`VerificationReport`.

    Examples
    --------
    >>> res = verify("rank_formula", trials=3, executor="serial")["rank_formula"]
    >>> res.key, res.trials, res.passes, res.ok, res.counterexample
    ('rank_formula', 3, 3, True, None)
    """

    key: str
    section: str
    title: str
    reference: str
    mode: str
    trials: int
    passes: int
    seconds: float
    counterexample: dict | None

    @property
    def ok(self) -> bool:
        return self.passes == self.trials

    @property
    def failures(self) -> int:
        return self.trials - self.passes

    def outcome(self):
        """Everything but the timing (equal for serial and parallel runs of one seed)."""
        return (self.key, self.mode, self.trials, self.passes, None if self.counterexample is None
                else tuple(sorted(self.counterexample.items())))

    def to_dict(self):
        return {"key": self.key, "section": self.section, "title": self.title, "reference": self.reference,
                "mode": self.mode, "trials": self.trials, "passes": self.passes, "failures": self.failures,
                "ok": self.ok, "seconds": round(self.seconds, 4), "counterexample": self.counterexample}


@dataclass(frozen=True)
class VerificationReport:
    """Result of :func:`verify`: one :class:`StatementResult` per statement.

    Examples
    --------
    >>> rep = verify(["rank_formula", "maximal_rank_criterion"], trials=2, executor="serial")
    >>> rep.ok, len(rep), [r.key for r in rep]
    (True, 2, ['rank_formula', 'maximal_rank_criterion'])
    """

    results: tuple
    seed: int
    exact: bool
    wall_seconds: float

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failed(self):
        return [r for r in self.results if not r.ok]

    def __getitem__(self, key):
        for r in self.results:
            if r.key == key:
                return r
        raise UnknownStatementError(f"no result for {key!r}")

    def __iter__(self):
        return iter(self.results)

    def __len__(self):
        return len(self.results)

    def outcomes(self):
        """Timing-free content, for comparing runs."""
        return tuple(r.outcome() for r in self.results)

    def __repr__(self):
        return (f"VerificationReport(statements={len(self.results)}, ok={self.ok}, "
                f"failed={[r.key for r in self.failed]}, seed={self.seed}, exact={self.exact})")

    def table(self) -> str:
        """A readable text table (one row per statement, counterexamples below)."""
        head = f"{'statement':<30}{'§':<4}{'ref':<10}{'mode':<8}{'trials':>7}{'passes':>7}{'time [s]':>10}  result"
        lines = [head, "-" * len(head)]
        for r in self.results:
            lines.append(f"{r.key:<30}{r.section:<4}{r.reference:<10}{r.mode:<8}{r.trials:>7}{r.passes:>7}"
                         f"{r.seconds:>10.2f}  {'ok' if r.ok else 'FAIL'}")
        lines.append("-" * len(head))
        total = sum(r.trials for r in self.results)
        passes = sum(r.passes for r in self.results)
        lines.append(f"{len(self.results)} statements, {passes}/{total} trials passed, "
                     f"{sum(r.seconds for r in self.results):.1f} s of trials, {self.wall_seconds:.1f} s wall, "
                     f"seed {self.seed}")
        for r in self.failed:
            ce = r.counterexample
            lines.append("")
            lines.append(f"COUNTEREXAMPLE {r.key} (trial {ce['trial']}, seed {self.seed}): {ce['reason']}")
            lines.append(f"  instance: {ce['instance']}")
        return "\n".join(lines)

    def to_dict(self):
        return {"ok": self.ok, "seed": self.seed, "exact": self.exact, "wall_seconds": round(self.wall_seconds, 3),
                "statements": [r.to_dict() for r in self.results]}


def verify(name=None, trials=200, seed=0, exact=True, *, executor=None, max_workers=None, sizes=None,
           progress=None) -> VerificationReport:
    """Run registered statements on seeded random instances.

    Parameters
    ----------
    name : str, sequence of str, or None
        One key, several keys, or ``None`` for every statement.
    trials : int
        Instances per statement.
    seed : int
        Master seed; trial ``k`` of ``name`` uses :func:`trial_seed`.
    exact : bool
        Exact rational instances (default); ``False`` runs the numeric
        variant where a statement has one (``mode`` says which ran).
    executor : None, "serial", or concurrent.futures.Executor
        ``None``: a local :class:`~concurrent.futures.ProcessPoolExecutor`
        (serial when only one CPU or few trials); ``"serial"``: this
        process; an executor (e.g. ``dask.distributed.Client(...).get_executor()``)
        receives chunks of trials via ``submit``.
    max_workers : int, optional
        Processes of the default pool.
    sizes : dict, optional
        Size parameters forwarded to every generator that accepts them.
    progress : callable, optional
        Called as ``progress(key, done)`` after each finished chunk.

    Returns
    -------
    VerificationReport
        Per statement: trials, passes, time and the counterexample of the
        lowest failing trial (``trial``, ``reason``, ``instance``).  Its
        :meth:`~VerificationReport.outcomes` equal those of the serial run.

    Raises
    ------
    UnknownStatementError
        For a name that is not registered.
    InputTypeError
        For non-integer ``trials`` / ``seed`` (bools included), ``sizes`` that
        is not a dict, or an ``executor`` without ``submit``.
    InvalidArgumentError
        For ``trials < 1`` or ``seed < 0`` (:func:`linnet_geometry.checks.check_int`).

    Examples
    --------
    >>> rep = verify(["rank_formula", "fiber_dimension"], trials=3, executor="serial")
    >>> [(r.key, r.passes, r.ok) for r in rep]
    [('rank_formula', 3, True), ('fiber_dimension', 3, True)]
    """
    trials = check_int(trials, "trials", 1)
    seed = check_int(seed, "seed", 0)
    if name is None:
        chosen = statements()
    elif isinstance(name, str):
        chosen = [get(name)]
    else:
        chosen = [get(n) for n in name]
    if sizes is not None and not isinstance(sizes, dict):
        raise InputTypeError(f"sizes: expected a dict of size parameters; received {type(sizes).__name__}")
    t_wall = time.perf_counter()
    own = None
    if executor is None:
        workers = max_workers or min(os.cpu_count() or 1, 8)
        if workers > 1 and trials * len(chosen) >= 4:
            ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
            own = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
            executor = own
        else:
            executor = "serial"
    elif executor != "serial" and not hasattr(executor, "submit"):
        raise InputTypeError(f"executor: expected None, 'serial' or a concurrent.futures.Executor; "
                             f"received {type(executor).__name__}")
    try:
        results = _run_all(chosen, trials, seed, exact, executor, sizes, progress, max_workers)
    finally:
        if own is not None:
            own.shutdown(wait=True, cancel_futures=True)
    return VerificationReport(tuple(results), seed, bool(exact), time.perf_counter() - t_wall)


def _sizes_for(st, sizes):
    if not sizes:
        return None
    params = inspect.signature(st.generate).parameters
    return {k: v for k, v in sizes.items() if k in params}


def _run_all(chosen, trials, seed, exact, executor, sizes, progress, max_workers):
    serial = executor == "serial"
    workers = max_workers or (os.cpu_count() or 1)
    chunk = 1 if serial else max(1, min(25, trials // (4 * workers) or 1))
    plan = []
    for st in chosen:
        kw = _sizes_for(st, sizes)
        chunks = [list(range(a, min(a + chunk, trials))) for a in range(0, trials, chunk)]
        if serial:
            futures = None
        else:
            futures = [executor.submit(_run_chunk, st, seed, c, exact, kw) for c in chunks]
        plan.append((st, kw, chunks, futures))
    results = []
    for st, kw, chunks, futures in plan:
        outcomes, done = [], 0
        for j, c in enumerate(chunks):
            part = _run_chunk(st, seed, c, exact, kw) if futures is None else futures[j].result()
            outcomes.extend(part)
            done += len(c)
            if progress is not None:
                progress(st.key, len(c))
        outcomes.sort(key=lambda o: o.trial)
        bad = next((o for o in outcomes if not o.passed), None)
        ce = None if bad is None else {"trial": bad.trial, "reason": bad.reason, "instance": bad.instance}
        mode = "exact" if (exact or not st.numeric) else "numeric"
        results.append(StatementResult(st.key, st.section, st.title, st.reference, mode, len(outcomes),
                                       sum(o.passed for o in outcomes), sum(o.seconds for o in outcomes), ce))
    return results
