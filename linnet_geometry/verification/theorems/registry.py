"""A registry of checkable statements of THEORY.md, run on random instances.

Each :class:`Statement` carries its registry key, the section and title of
``shared/THEORY.md`` it comes from, the paper key that justifies it, the
statement in LaTeX, a seedable generator of random instances (exact rational
by default, numeric on request, with size parameters) and a *check*.  A check
always compares two independent routes — a closed form against an explicit
Jacobian, the theory locus against the exact Hessian of its representatives,
a Gröbner elimination against the list of critical values, a Stirling-number
count against an enumeration by definition — and returns ``None`` (pass) or a
string describing the concrete counterexample; it never compares a value with
itself.

:func:`verify` runs the statements over many seeded trials, in local
processes by default or on any :class:`concurrent.futures.Executor` (a
``dask.distributed`` client's ``get_executor()`` for example).  Trial ``k`` of
statement ``name`` draws its instance from ``numpy.random.SeedSequence(seed,
spawn_key=(crc32(name), k))``, so the outcome does not depend on where or in
which order trials run: the parallel report equals the serial one.

Statements of §5 (SGJ2021) are registered only when
:mod:`linnet_geometry.families.symmetry` imports, those of §6 (KMTM2024, the
statements of issue 5) only when :mod:`linnet_geometry.families.relu` does; their
generators and checks import those modules lazily.  :func:`register` adds user statements
(e.g. a deliberately wrong formula in a test, to see failure reporting).

Examples
--------
>>> from linnet_geometry import theorems
>>> len(theorems.names()) >= 15
True
>>> theorems.get("rank_formula").reference
'TKB2020'
>>> report = theorems.verify("rank_formula", trials=5, executor="serial")
>>> report.ok, report["rank_formula"].passes
(True, 5)
"""

from __future__ import annotations

import concurrent.futures
import importlib
import itertools
import math
import os
import time
import zlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import sympy

from ...exceptions import InputTypeError, LinnetError, WidthsError

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


def _check_int(value, name, minimum):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise InputTypeError(f"{name}: expected an integer ≥ {minimum}; received {value!r}")
    if value < minimum:
        raise WidthsError(f"{name}: expected an integer ≥ {minimum}; received {value}")
    return int(value)


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

    Examples
    --------
    >>> rep = verify(["rank_formula", "fiber_dimension"], trials=3, executor="serial")
    >>> [(r.key, r.passes, r.ok) for r in rep]
    [('rank_formula', 3, True), ('fiber_dimension', 3, True)]
    """
    trials = _check_int(trials, "trials", 1)
    seed = _check_int(seed, "seed", 0)
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
            import multiprocessing

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
    import inspect

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


# ---------------------------------------------------------------------------------------------------
# random exact instances (numpy Generator → sympy Rationals)
# ---------------------------------------------------------------------------------------------------

def _ri(rng, lo, hi):
    return int(rng.integers(lo, hi + 1))


def _rat(rng, bound=3, den=4):
    return sympy.Rational(_ri(rng, -bound * den, bound * den), _ri(rng, 1, den))


def _int_matrix(rng, rows, cols, bound=3):
    return sympy.Matrix(rows, cols, lambda i, j: _ri(rng, -bound, bound))


def _nonzero_int_matrix(rng, rows, cols, bound=3, tries=50):
    """:func:`_int_matrix` redrawn until it is nonzero (at most ``tries`` draws; the last one is kept)."""
    for _ in range(tries):
        U = _int_matrix(rng, rows, cols, bound)
        if any(U):
            break
    return U


def _float_matrix(rng, rows, cols):
    return rng.standard_normal((rows, cols))


def _architecture(rng, min_depth=1, max_depth=3, max_width=3, filling=None, max_params=None):
    for _ in range(1000):
        h = _ri(rng, min_depth, max_depth)
        w = tuple(_ri(rng, 1, max_width) for _ in range(h + 1))
        if filling is not None and (min(w) == min(w[0], w[-1])) != filling:
            continue
        if max_params is not None and sum(a * b for a, b in zip(w, w[1:])) > max_params:
            continue
        return w
    raise WidthsError(f"no architecture with depth {min_depth}..{max_depth}, widths ≤ {max_width}, "
                      f"filling={filling}, ≤ {max_params} parameters")


def _rank_matrix(rng, rows, cols, k, exact=True):
    """A matrix of rank exactly ``k`` (product of random factors)."""
    if k == 0:
        return sympy.zeros(rows, cols) if exact else np.zeros((rows, cols))
    from ...exact.matrix import rank

    for _ in range(100):
        if exact:
            M = _int_matrix(rng, rows, k, 2) * _int_matrix(rng, k, cols, 2)
        else:
            M = _float_matrix(rng, rows, k) @ _float_matrix(rng, k, cols)
        if rank(M) == k:
            return M
    raise AssertionError("could not draw a matrix of the requested rank")  # pragma: no cover


def _random_theta(rng, widths, exact=True, deficient=0.6):
    """θ with each layer of random rank (deficient with probability ``deficient``)."""
    mats = []
    for a, b in zip(widths[1:], widths[:-1]):
        full = min(a, b)
        k = _ri(rng, 0, full - 1) if (full > 0 and rng.random() < deficient) else full
        mats.append(_rank_matrix(rng, a, b, k, exact))
    return tuple(mats)


def _orthogonal(rng, n, nonzero=False):
    """Exact orthogonal matrix by the Cayley transform of a rational skew matrix, with sign flips."""
    A = sympy.zeros(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            num = _ri(rng, 1, 6) * (1 if rng.random() < 0.5 else -1) if nonzero else _ri(rng, -6, 6)
            a = sympy.Rational(num, _ri(rng, 1, 3))
            A[i, j], A[j, i] = a, -a
    eye = sympy.eye(n)
    Q = (eye - A) * (eye + A).inv()
    return Q * sympy.diag(*[1 if rng.random() < 0.5 else -1 for _ in range(n)])


def _diag(rows, cols, values):
    D = sympy.zeros(rows, cols)
    for k, v in enumerate(values):
        D[k, k] = v
    return D


def _target_with(rng, rows, cols, sigmas):
    return _orthogonal(rng, rows) * _diag(rows, cols, sigmas) * _orthogonal(rng, cols)


def _generic_target(rng, rows, cols, exact=True):
    """Distinct positive integer singular values (rational squares), exact orthogonal frames."""
    m = min(rows, cols)
    if not exact:
        return _float_matrix(rng, rows, cols)
    sig = sorted((int(x) for x in rng.choice(np.arange(1, 10), size=m, replace=False)), reverse=True)
    return _target_with(rng, rows, cols, sig)


def _degenerate_sigmas(rng, m):
    """Singular values with a repeat or a zero (m ≥ 1)."""
    base = [int(x) for x in rng.integers(1, 6, size=m)]
    how = "zero" if m == 1 else ("repeat" if rng.random() < 0.6 else "zero")
    if how == "repeat":
        i = _ri(rng, 0, m - 2)
        base[i + 1] = base[i]
    else:
        base[_ri(rng, 0, m - 1)] = 0
    base.sort(reverse=True)
    return base


def _unimodular(rng, n):
    """Random integer matrix of determinant 1 (lower times upper unitriangular): exact inverse."""
    L, U = sympy.eye(n), sympy.eye(n)
    for i in range(n):
        for j in range(i):
            L[i, j] = _ri(rng, -2, 2)
            U[j, i] = _ri(rng, -2, 2)
    return L * U


def _factor(widths, C, R, mixers):
    """θ with ``μ(θ) = C R`` (C: d_h × s, R: s × d_0, s ≤ min widths), mixed by unimodular ``mixers``.

    ``W_1 = E_1 [R; 0]``, ``W_i = E_i J E_{i−1}^{-1}``, ``W_h = [C 0] E_{h−1}^{-1}`` with J the
    partial identity on the first s coordinates.  Every ``W_{>i}`` has columns in col C and every
    ``W_{<i}`` rows in row R — so ``Cᵀ G = 0`` and ``G Rᵀ = 0`` make θ critical.
    """
    h = len(widths) - 1
    s = C.cols
    if h == 1:
        return (C * R,)
    mats = []
    for i in range(1, h + 1):
        rows, cols = widths[i], widths[i - 1]
        if i == 1:
            M = sympy.zeros(rows, cols)
            M[:s, :] = R
            M = mixers[0] * M
        elif i == h:
            M = sympy.zeros(rows, cols)
            M[:, :s] = C
            M = M * mixers[i - 2].inv()
        else:
            J = sympy.zeros(rows, cols)
            for k in range(s):
                J[k, k] = 1
            M = mixers[i - 1] * J * mixers[i - 2].inv()
        mats.append(M)
    return tuple(mats)


def _mixers(rng, widths):
    return [_unimodular(rng, w) for w in widths[1:-1]]


def _perp(M):
    """Columns spanning the orthogonal complement of the column space of M (exact)."""
    ns = M.T.nullspace()
    return sympy.Matrix.hstack(*ns) if ns else sympy.zeros(M.rows, 0)


def _constrained_gradient(rng, C, R):
    """A random nonzero G with ``Cᵀ G = 0`` and ``G Rᵀ = 0`` (or None if only G = 0 fits)."""
    Nl, Nr = _perp(C), _perp(R.T)
    if Nl.cols == 0 or Nr.cols == 0:
        return None
    for _ in range(20):
        K = _int_matrix(rng, Nl.cols, Nr.cols, 2)
        if any(K):
            return Nl * K * Nr.T
    return None  # pragma: no cover


def _weighted_loss_with_gradient(rng, Wbar, G, unit=False):
    """``ℓ = Σ w_ij (W_ij − U_ij)²`` with ``∇ℓ(W̄) = G``: ``U = W̄ − G/(2w)``."""
    from ...model.losses import QuadraticLoss, WeightedQuadraticLoss

    rows, cols = Wbar.shape
    if unit:
        return QuadraticLoss(Wbar - G / 2)
    w = sympy.Matrix(rows, cols, lambda i, j: sympy.Rational(_ri(rng, 1, 9), _ri(rng, 1, 3)))
    U = sympy.Matrix(rows, cols, lambda i, j: Wbar[i, j] - G[i, j] / (2 * w[i, j]))
    return WeightedQuadraticLoss(U, w)


def _rank(M):
    from ...exact.matrix import rank

    return rank(M)


def _net(widths):
    from ...model.network import LinearNetwork

    return LinearNetwork(widths)


def _mat(M):
    return M.tolist() if isinstance(M, sympy.MatrixBase) else np.asarray(M).tolist()


# ---------------------------------------------------------------------------------------------------
# §1  linear networks and their functional space
# ---------------------------------------------------------------------------------------------------

def gen_theta(rng, exact=True, max_depth=3, max_width=3):
    widths = _architecture(rng, 1, max_depth, max_width)
    return {"widths": widths, "theta": _random_theta(rng, widths, exact)}


def check_rank_formula(inst):
    net, theta = _net(inst["widths"]), inst["theta"]
    closed = net.differential_rank(theta)
    J = net.differential(theta)
    explicit = _rank(J)
    if closed != explicit:
        return f"closed-form rank {closed} != Jacobian rank {explicit}"
    return None


def check_maximal_rank(inst):
    net, theta = _net(inst["widths"]), inst["theta"]
    criterion = net.has_maximal_rank_differential(theta)
    explicit = _rank(net.differential(theta)) == net.functional_space.dim
    if criterion != explicit:
        return (f"criterion says maximal={criterion} but the Jacobian has rank {_rank(net.differential(theta))} "
                f"(dim M_r = {net.functional_space.dim})")
    if not criterion and net.is_filling is False:
        # consequence: dμ drops rank only where rk W̄ < r
        if _rank(net.end_to_end(theta)) >= net.bottleneck:
            return "dμ drops rank at a point with rk W̄ = r"
    return None


def gen_generic_theta(rng, exact=True, max_depth=3, max_width=4):
    widths = _architecture(rng, 1, max_depth, max_width)
    mats = tuple(_int_matrix(rng, a, b, 4) if exact else _float_matrix(rng, a, b)
                 for a, b in zip(widths[1:], widths[:-1]))
    return {"widths": widths, "theta": mats}


def check_functional_space(inst):
    widths, theta = inst["widths"], inst["theta"]
    net = _net(widths)
    r, d0, dh = min(widths), widths[0], widths[-1]
    Wbar = net.end_to_end(theta)
    if _rank(Wbar) > r:
        return f"rk μ(θ) = {_rank(Wbar)} > r = {r}"
    # generic rank of dμ = dim of the image M_r; θ integer-random is generic unless the rank test says otherwise
    jrank = _rank(net.differential(theta))
    dim = net.functional_space.dim
    if jrank > dim:
        return f"Jacobian rank {jrank} exceeds dim M_r = r(d_0+d_h−r) = {dim}"
    if _rank(Wbar) == r and jrank != dim:  # rk W̄ = r is a generic point of the image
        return f"at a point with rk μ(θ) = r the Jacobian rank is {jrank}, not dim M_r = r(d_0+d_h−r) = {dim}"
    return None


def check_filling(inst):
    widths, theta = inst["widths"], inst["theta"]
    net = _net(widths)
    d0, dh = widths[0], widths[-1]
    by_widths = all(w >= min(d0, dh) for w in widths[1:-1])
    if net.is_filling != by_widths:
        return f"is_filling = {net.is_filling} but 'every hidden width ≥ min(d_0, d_h)' is {by_widths}"
    if all(_rank(W) == min(W.shape) for W in theta) and _rank(net.end_to_end(theta)) == min(widths):
        jrank = _rank(net.differential(theta))
        if (jrank == d0 * dh) != net.is_filling:
            return f"generic Jacobian rank {jrank} vs d_0 d_h = {d0 * dh}, but is_filling = {net.is_filling}"
    return None


def gen_variety_point(rng, exact=True, max_size=3):
    m, n = _ri(rng, 2, max_size), _ri(rng, 2, max_size)
    r = _ri(rng, 1, min(m, n) - 1) if min(m, n) > 1 else 1
    s = _ri(rng, 0, r)
    return {"rows": m, "cols": n, "rank": r, "W": _rank_matrix(rng, m, n, s)}


def check_variety(inst):
    from ...model.variety import DeterminantalVariety

    m, n, r, W = inst["rows"], inst["cols"], inst["rank"], inst["W"]
    V = DeterminantalVariety(m, n, r)
    s = _rank(W)
    if V.dim != r * (m + n - r) or V.codim != m * n - V.dim:
        return f"dim {V.dim}/codim {V.codim} inconsistent with r(m+n−r) = {r * (m + n - r)}"
    X = V.generic_matrix()
    gens = V.ideal(X)
    point = dict(zip(list(X), list(W)))
    if any(g.xreplace(point) != 0 for g in gens):
        return "an (r+1)-minor does not vanish on a rank ≤ r matrix"
    # Jacobian of the minors at W: rank = codim at rank-r points (smooth), 0 below (singular locus)
    Jm = sympy.Matrix([[sympy.diff(g, x) for x in X] for g in gens]).xreplace(point) if gens else sympy.zeros(1, m * n)
    jr = _rank(Jm)
    expect = V.codim if s == r else 0
    if jr != expect:
        return f"Jacobian of the (r+1)-minors has rank {jr} at a rank-{s} point; expected {expect}"
    T = V.tangent_space(W)
    N = V.normal_space(W)
    if s == r:
        if len(T) != V.dim or len(N) != V.codim:
            return f"tangent/normal bases of sizes {len(T)}/{len(N)}; expected dim {V.dim}/codim {V.codim}"
        # tangent space = kernel of the minors' Jacobian (independent route)
        for A in T:
            if any(x != 0 for x in Jm * sympy.Matrix(list(A))):
                return "a tangent vector is not in the kernel of the minors' Jacobian"
        for A in T:
            for B in N:
                if sum(a * b for a, b in zip(A, B)) != 0:
                    return "tangent and normal spaces are not orthogonal"
    elif len(T) != m * n:
        return f"Zariski tangent space at a singular point has dimension {len(T)}; expected {m * n}"
    return None


def gen_gradient(rng, exact=True, max_depth=3, max_width=2):
    from ...model.losses import PolynomialLoss

    widths = _architecture(rng, 1, max_depth, max_width, max_params=10)
    rows, cols = widths[-1], widths[0]
    X = sympy.Matrix(rows, cols, lambda i, j: sympy.Symbol(f"x{i}{j}"))
    expr = sum(_rat(rng) * x ** _ri(rng, 1, 3) for x in X) + _rat(rng) * X[0, 0] * X[rows - 1, cols - 1]
    theta = tuple(_int_matrix(rng, a, b, 2) if exact else _float_matrix(rng, a, b)
                  for a, b in zip(widths[1:], widths[:-1]))
    return {"widths": widths, "loss": PolynomialLoss(expr, X), "theta": theta}


def check_gradient(inst):
    from ...critical import parameter_gradient

    net, loss, theta = _net(inst["widths"]), inst["loss"], inst["theta"]
    formula = parameter_gradient(net, loss, theta)
    # independent route: differentiate ℓ(W_h ⋯ W_1) symbolically and substitute θ
    L = loss.expr.xreplace(dict(zip(list(loss.symbols), list(net.end_to_end()))))
    exact = isinstance(theta[0], sympy.MatrixBase)
    vals = dict(zip(net.parameters, [x for W in theta for x in (W if exact else np.ravel(W))]))
    sym = [sympy.diff(L, p).xreplace(vals) for p in net.parameters]
    flat = [x for G in formula for x in (G if exact else np.ravel(G))]
    for p, a, b in zip(net.parameters, flat, sym):
        if exact and sympy.expand(a - b) != 0:
            return f"∂L/∂{p}: formula {a} != symbolic {b}"
        if not exact and abs(float(a) - float(b)) > 1e-8 * max(1.0, abs(float(b))):
            return f"∂L/∂{p}: formula {float(a)} != symbolic {float(b)}"
    return None


# ---------------------------------------------------------------------------------------------------
# §2  pure and spurious critical points
# ---------------------------------------------------------------------------------------------------

def _critical_instance(rng, widths, s, nonzero_gradient, unit=False, extra_slot=False):
    """A critical θ of a weighted quadratic loss with ``rk μ(θ) = s`` and chosen ``G = ∇ℓ(W̄)``."""
    d0, dh = widths[0], widths[-1]
    C = _rank_matrix(rng, dh, s, s) if s else sympy.zeros(dh, 0)
    R = _rank_matrix(rng, s, d0, s) if s else sympy.zeros(0, d0)
    G = _constrained_gradient(rng, C, R) if nonzero_gradient else None
    if G is None:
        G = sympy.zeros(dh, d0)
    Wbar = C * R if s else sympy.zeros(dh, d0)
    loss = _weighted_loss_with_gradient(rng, Wbar, G, unit)
    mixers = _mixers(rng, widths)
    return {"widths": widths, "loss": loss, "C": C, "R": R, "G": G, "_mixers": mixers,
            "theta": _factor(widths, C, R, mixers)}


def gen_pure_test(rng, exact=True, max_depth=3, max_width=3):
    widths = _architecture(rng, 2, max_depth, max_width, max_params=24)
    s = _ri(rng, 0, min(widths))
    inst = _critical_instance(rng, widths, s, rng.random() < 0.7)
    if rng.random() < 0.25:  # also non-critical points
        inst["theta"] = _random_theta(rng, widths)
    return inst


def check_pure_test(inst):
    from ...critical import classify
    from ...model.variety import DeterminantalVariety

    net, loss, theta = _net(inst["widths"]), inst["loss"], inst["theta"]
    rep = classify(net, loss, theta)
    Wbar = net.end_to_end(theta)
    G = loss.gradient(Wbar)
    grads_zero = all(all(x == 0 for x in (L.T * G * Rt.T)) for L, Rt in net.partial_products(theta))
    if rep.is_critical != grads_zero:
        return f"classify says critical={rep.is_critical}, explicit W_{{>i}}ᵀ G W_{{<i}}ᵀ says {grads_zero}"
    if not rep.is_critical:
        return None
    # definition: W̄ critical for ℓ|M_r — ⟨G, A⟩ = 0 on the tangent space (smooth point), G = 0 (singular point)
    V = DeterminantalVariety(*Wbar.shape, net.bottleneck)
    if _rank(Wbar) == V.rank:
        pure = all(sum(a * g for a, g in zip(A, G)) == 0 for A in V.tangent_space(Wbar))
    else:
        pure = all(x == 0 for x in G)
    if rep.kind != ("pure" if pure else "spurious"):
        return f"classify says {rep.kind}, the tangent-space definition says {'pure' if pure else 'spurious'}"
    if rep.kind == "spurious" and _rank(Wbar) >= net.bottleneck:
        return "a spurious point with rk W̄ = r"
    return None


def gen_reparam(rng, exact=True, max_depth=3, max_width=3):
    widths = _architecture(rng, 2, max_depth, max_width, max_params=24)
    d0, dh, r = widths[0], widths[-1], min(widths)
    for _ in range(100):  # a second architecture with the same (d_0, d_h, r)
        other = _architecture(rng, 2, max_depth, max_width + 1, max_params=30)
        other = (d0,) + other[1:-1] + (dh,)
        if min(other) == r:
            break
    else:
        other = widths
    s = _ri(rng, 0, r)
    inst = _critical_instance(rng, widths, s, rng.random() < 0.7)
    inst["other_widths"] = other
    inst["other_theta"] = _factor(other, inst["C"], inst["R"], _mixers(rng, other))
    return inst


def check_reparam(inst):
    from ...critical import classify

    a = classify(_net(inst["widths"]), inst["loss"], inst["theta"])
    b = classify(_net(inst["other_widths"]), inst["loss"], inst["other_theta"])
    if not (a.is_critical and b.is_critical):
        return f"constructed points are not both critical: {a.is_critical}, {b.is_critical}"
    if a.kind != b.kind:
        return f"same W̄ and M_r but kinds differ: {a.kind} on {inst['widths']} vs {b.kind} on {inst['other_widths']}"
    return None


# ---------------------------------------------------------------------------------------------------
# §3  quadratic loss
# ---------------------------------------------------------------------------------------------------

def gen_quadratic(rng, exact=True, max_depth=3, max_width=3, max_params=15, min_depth=2):
    from ...model.losses import QuadraticLoss

    widths = _architecture(rng, min_depth, max_depth, max_width, max_params=max_params)
    U = _generic_target(rng, widths[-1], widths[0], exact)
    return {"widths": widths, "U": U, "loss": QuadraticLoss(U)}


def _locus(inst):
    from ...critical import critical_locus

    return critical_locus(_net(inst["widths"]), inst["loss"])


def _is_top(support, blocks_sizes=None):
    return tuple(support) == tuple(range(1, len(support) + 1))


def check_pure_iff_rank(inst):
    from ...critical import classify

    net, loss = _net(inst["widths"]), inst["loss"]
    locus = _locus(inst)
    r, rho = net.bottleneck, locus.spectrum.rank
    for st in locus.strata:
        rep = classify(net, loss, st.representative)
        if not rep.is_critical:
            return f"representative of S={st.support} is not critical (‖∇L‖ = {rep.gradient_norm:.3g})"
        theory = "pure" if (len(st.support) == r or len(st.support) == rho) else "spurious"
        if rep.kind != theory:
            return f"S={st.support}: classify says {rep.kind}, |S| = r rule says {theory}"
        if st.kind != theory:
            return f"S={st.support}: locus says {st.kind}, |S| = r rule says {theory}"
    return None


def gen_tiny_quadratic(rng, exact=True):
    from ...model.losses import QuadraticLoss

    widths = [(1, 1, 1), (2, 1, 1), (1, 1, 2), (2, 1, 2), (1, 2, 1), (1, 1, 1, 1), (2, 2, 1), (2, 1, 1, 1),
              (1, 2, 2), (1, 1, 2, 1)][_ri(rng, 0, 9)]
    U = _nonzero_int_matrix(rng, widths[-1], widths[0], 4)
    return {"widths": widths, "U": U, "loss": QuadraticLoss(U)}


def check_critical_values(inst):
    from ...critical.brute_force import critical_value_polynomial

    net, loss = _net(inst["widths"]), inst["loss"]
    t = sympy.Symbol("t")
    p = sympy.Poly(critical_value_polynomial(net, loss, t), t)
    roots = sorted({float(sympy.N(x, 30)) for x in sympy.real_roots(p)})
    values = sorted({round(st.value_float, 10) for st in _locus(inst).strata})
    merged = sorted({round(x, 10) for x in roots})
    if len(merged) != len(values) or any(abs(a - b) > 1e-8 * max(1, abs(a)) for a, b in zip(merged, values)):
        return f"real roots of the Gröbner eliminant {merged} != critical values of the locus {values}"
    return None


def check_morse_index(inst):
    from ...critical import classify

    net, loss = _net(inst["widths"]), inst["loss"]
    locus = _locus(inst)
    lam = sorted((float(x) for x in np.linalg.svd(np.array(inst["U"].evalf(30).tolist(), dtype=float),
                                                   compute_uv=False) ** 2), reverse=True)
    r = net.bottleneck
    fiber = net.num_params - r * (net.widths[0] + net.widths[-1] - r)
    for st in locus.strata:
        if len(st.support) != r:
            continue
        S = set(st.support)
        index = sum(1 for i in S for j in range(1, len(lam) + 1) if j not in S and lam[j - 1] > lam[i - 1] + 1e-9)
        rep = classify(net, loss, st.representative)
        if rep.hessian_inertia is None:
            return f"S={st.support}: inertia undecided"
        pos, neg, zero = rep.hessian_inertia
        if neg != index or st.function_space_index != index:
            return (f"S={st.support}: Hessian has {neg} negative eigenvalues, locus index "
                    f"{st.function_space_index}, #{{(i,j): i∈S, j∉S, σ_j>σ_i}} = {index}")
        if zero != fiber:
            return f"S={st.support}: Hessian nullity {zero} != fiber dimension d_θ − r(d_0+d_h−r) = {fiber}"
    return None


def check_local_minima_global(inst):
    from ...critical import classify

    net, loss = _net(inst["widths"]), inst["loss"]
    U = np.array(inst["U"].evalf(30).tolist(), dtype=float)
    sv = np.linalg.svd(U, compute_uv=False)
    ey = float(np.sum(sv[net.bottleneck:] ** 2))  # Eckart–Young: min over rank ≤ r
    for st in _locus(inst).strata:
        rep = classify(net, loss, st.representative)
        if rep.role == "local_min":
            return f"S={st.support}: classified as a non-global local minimum"
        if rep.hessian_inertia is None:
            return f"S={st.support}: Hessian inertia undecided"
        second_order_min = rep.hessian_inertia[1] == 0
        if second_order_min and rep.kind == "pure" and abs(st.value_float - ey) > 1e-8 * max(1, ey):
            return f"S={st.support}: pure point without negative Hessian eigenvalue at value {st.value_float} > EY minimum {ey}"
        if second_order_min and rep.kind == "spurious" and rep.role != "non_strict_saddle":
            return f"S={st.support}: spurious point without negative Hessian eigenvalue classified {rep.role}"
        if rep.role == "global_min" and abs(float(rep.value) - ey) > 1e-8 * max(1, ey):
            return f"S={st.support}: 'global_min' at value {float(rep.value)} but the EY minimum is {ey}"
        if rep.kind == "spurious" and rep.role in ("global_min", "local_min"):
            return f"S={st.support}: spurious point classified as {rep.role}"
    return None


def check_strict_saddles(inst):
    from ...critical import classify

    net, loss = _net(inst["widths"]), inst["loss"]
    for st in _locus(inst).strata:
        top = _is_top(st.support)
        if top and not (net.depth == 2 and st.role != "global_min"):
            continue
        rep = classify(net, loss, st.representative)
        if rep.hessian_inertia is None or rep.hessian_inertia[1] == 0:
            why = "one hidden layer" if top else "S is not a top set"
            return f"S={st.support} ({why}): Hessian inertia {rep.hessian_inertia} has no negative eigenvalue"
    return None


def gen_origin(rng, exact=True, max_width=3, deep=False):
    from ...model.losses import QuadraticLoss

    widths = _architecture(rng, 3 if deep else 2, 4 if deep else 2, max_width, max_params=14 if deep else 27)
    U = _nonzero_int_matrix(rng, widths[-1], widths[0], 4)
    return {"widths": widths, "U": U, "loss": QuadraticLoss(U)}


def check_origin_one_hidden(inst):
    from ...critical import parameter_hessian

    net, U = _net(inst["widths"]), inst["U"]
    d1 = net.widths[1]
    zero = tuple(sympy.zeros(a, b) for a, b in net.shapes)
    H = parameter_hessian(net, inst["loss"], zero)
    x = sympy.Symbol("x")
    got = H.charpoly(x).as_expr()
    M = U * U.T if U.rows <= U.cols else U.T * U
    m = M.rows
    c = M.charpoly(x).as_expr()  # ∏ (x − λ_k)
    expected = (4 ** m * c.subs(x, x ** 2 / 4)) ** d1 * x ** (net.num_params - 2 * d1 * m)
    if sympy.expand(got - expected) != 0:
        return f"charpoly of the Hessian at 0 is {sympy.factor(got)}; ±2σ_k (each d_1 = {d1} times) gives {sympy.factor(expected)}"
    return None


def check_origin_deep(inst):
    from ...critical import classify, parameter_hessian

    net, loss = _net(inst["widths"]), inst["loss"]
    zero = tuple(sympy.zeros(a, b) for a, b in net.shapes)
    H = parameter_hessian(net, loss, zero)
    if any(x != 0 for x in H):
        return "Hessian at θ = 0 is not identically zero for ≥ 2 hidden layers"
    if net.num_params <= 8:  # independent route: symbolic Hessian of L at 0
        L = sum((p - u) ** 2 for p, u in zip(net.end_to_end(), inst["U"]))
        Hs = sympy.hessian(sympy.expand(L), net.parameters).xreplace({p: 0 for p in net.parameters})
        if Hs != H:
            return "symbolic Hessian at 0 differs from parameter_hessian"
    rep = classify(net, loss, zero)
    if not (rep.is_critical and rep.kind == "spurious" and rep.role == "non_strict_saddle"):
        return f"θ = 0 classified as critical={rep.is_critical}, {rep.kind}, {rep.role}; expected a spurious non-strict saddle"
    return None


def gen_fiber(rng, exact=True, max_depth=3, max_width=3):
    widths = _architecture(rng, 1, max_depth, max_width)
    theta = tuple(_int_matrix(rng, a, b, 4) for a, b in zip(widths[1:], widths[:-1]))
    s = _ri(rng, 0, min(widths))
    return {"widths": widths, "theta": theta, "s": s, "M": _rank_matrix(rng, widths[-1], widths[0], s)}


def check_fiber(inst):
    from ...critical import fiber_dimension
    from ...critical.brute_force import ideal_dimension

    widths, theta, s = inst["widths"], inst["theta"], inst["s"]
    net = _net(widths)
    r = min(widths)
    closed = fiber_dimension(widths, r)
    if closed != net.num_params - net.functional_space.dim:
        return f"fiber_dimension({widths}, r) = {closed} != d_θ − dim M_r = {net.num_params - net.functional_space.dim}"
    full = all(_rank(W) == min(W.shape) for W in theta) and _rank(net.end_to_end(theta)) == r
    if full and net.num_params - _rank(net.differential(theta)) != closed:
        return f"kernel of dμ at a generic θ has dimension {net.num_params - _rank(net.differential(theta))} != {closed}"
    if net.num_params <= 8:  # Gröbner: dimension of {θ : μ(θ) = M}, rk M = s
        eqs = [a - b for a, b in zip(net.end_to_end(), inst["M"])]
        gb = ideal_dimension(eqs, list(net.parameters))
        if gb != fiber_dimension(widths, s):
            return f"rank-{s} fiber: Gröbner dimension {gb} != closed form {fiber_dimension(widths, s)}"
    return None


def gen_data(rng, exact=True, max_depth=3, max_width=3):
    from ...model.losses import QuadraticLoss

    widths = _architecture(rng, 2, max_depth, max_width, max_params=18)
    d0, dh = widths[0], widths[-1]
    N = d0 + _ri(rng, 0, 2)
    while True:
        X = _int_matrix(rng, d0, N, 3) if exact else _float_matrix(rng, d0, N)
        if _rank(X) == d0:
            break
    Y = _int_matrix(rng, dh, N, 3) if exact else _float_matrix(rng, dh, N)
    return {"widths": widths, "X": X, "Y": Y, "loss": QuadraticLoss.from_data(X, Y)}


def check_data(inst):
    net = _net(inst["widths"])
    X, Y = inst["X"], inst["Y"]
    exact = isinstance(X, sympy.MatrixBase)
    Xf = np.array(X.evalf(30).tolist(), dtype=float) if exact else X
    Yf = np.array(Y.evalf(30).tolist(), dtype=float) if exact else Y
    locus = _locus(inst)
    # independent route: Eckart–Young on Û A with A = (XXᵀ)^{1/2}, computed here with numpy
    Sig = Xf @ Xf.T
    ev, Q = np.linalg.eigh(Sig)
    A = (Q * np.sqrt(ev)) @ Q.T
    Uhat = np.linalg.solve(Sig, (Yf @ Xf.T).T).T
    sv = np.linalg.svd(Uhat @ A, compute_uv=False)
    offset = float(np.sum(Yf * Yf) - np.sum((Uhat @ A) ** 2))
    ey = offset + float(np.sum(sv[net.bottleneck:] ** 2))
    scale = max(1.0, float(np.sum(Yf * Yf)))
    if abs(locus.global_minimum.value_float - ey) > 1e-8 * scale:
        return f"global minimum {locus.global_minimum.value_float} != Eckart–Young on ÛA: {ey}"
    for st in locus.strata:
        th = [np.array(sympy.Matrix(W).evalf(30).tolist(), dtype=float) if not isinstance(W, np.ndarray) else W
              for W in st.representative]
        P = th[0]
        for W in th[1:]:
            P = W @ P
        direct = float(np.sum((P @ Xf - Yf) ** 2))
        if abs(direct - st.value_float) > 1e-7 * scale:
            return f"S={st.support}: ‖μ(θ)X − Y‖² = {direct} but the locus value is {st.value_float}"
        G = 2 * (P @ Xf - Yf) @ Xf.T
        left = [np.eye(net.widths[-1])]
        for W in reversed(th[1:]):
            left.insert(0, left[0] @ W)
        right = [np.eye(net.widths[0])]
        for W in th[:-1]:
            right.append(W @ right[-1])
        gn = max(float(np.max(np.abs(Lm.T @ G @ Rm.T))) for Lm, Rm in zip(left, right))
        if gn > 1e-6 * scale:
            return f"S={st.support}: representative has data-gradient {gn:.3g}"
    return None


def gen_degenerate(rng, exact=True, max_depth=3, max_width=3):
    from ...model.losses import QuadraticLoss

    widths = _architecture(rng, 2, max_depth, max_width, max_params=20)
    rows, cols = widths[-1], widths[0]
    sig = _degenerate_sigmas(rng, min(rows, cols))
    P, Q = _orthogonal(rng, rows), _orthogonal(rng, cols)
    U = P * _diag(rows, cols, sig) * Q
    return {"widths": widths, "sigmas": sig, "U": U, "loss": QuadraticLoss(U), "_P": P, "_Q": Q}


def _block_rotation(rng, n, indices):
    """Rotation of ℝ^n acting on the 0-based ``indices`` only (a random rational rotation)."""
    k = len(indices)
    R = sympy.eye(n)
    if k >= 2:
        O = _orthogonal(rng, k, nonzero=True)
        if O.det() < 0:
            O[:, 0] = -O[:, 0]
        for a, i in enumerate(indices):
            for b, j in enumerate(indices):
                R[i, j] = O[a, b]
    return R


def check_degenerate(inst):
    from ...critical import classify

    net, loss, sig, U = _net(inst["widths"]), inst["loss"], inst["sigmas"], inst["U"]
    locus = _locus(inst)
    if not locus.is_degenerate:
        return f"singular values {sig} (repeated or zero) but the locus is reported generic"
    if locus.spectrum.rank != _rank(U):
        return f"spectrum rank {locus.spectrum.rank} != rank of U {_rank(U)}"
    rows, cols = U.shape
    P, Q = inst["_P"], inst["_Q"]
    rng = np.random.default_rng(len(sig) + sum(sig))
    ties = {}
    for i, s in enumerate(sig):
        if s:
            ties.setdefault(s, []).append(i)
    for st in locus.strata:
        S = set(st.support)
        expected_fam = sum(len([i for i in b if i + 1 in S]) * len([i for i in b if i + 1 not in S])
                           for b in ties.values())
        if st.family_dimension != expected_fam:
            return f"S={st.support}: family dimension {st.family_dimension}, Σ k(n−k) over tie blocks = {expected_fam}"
        th = st.representative
        if any(not isinstance(W, sympy.MatrixBase) or W.has(sympy.Float) for W in th):
            continue
        # rotate within every tie block: B U A = U with B = P R Pᵀ, A = Qᵀ R'ᵀ Q — a symmetry of L
        Rout, Rin = sympy.eye(rows), sympy.eye(cols)
        for b in ties.values():
            Rb = _block_rotation(rng, max(rows, cols), b)
            Rout = Rout * Rb[:rows, :rows]
            Rin = Rin * Rb[:cols, :cols]
        B = P * Rout * P.T
        A = Q.T * Rin.T * Q
        if B * U * A != U:
            return "internal: block rotation is not a symmetry of U"
        moved = (th[0] * A,) + tuple(th[1:-1]) + (B * th[-1],) if len(th) > 1 else (B * th[0] * A,)
        rep = classify(net, loss, moved)
        if not rep.is_critical or rep.value != classify(net, loss, th).value:
            return f"S={st.support}: rotated member of the family is not critical with the same value"
        if (net.end_to_end(moved) != net.end_to_end(th)) != (expected_fam > 0):
            return (f"S={st.support}: rotation {'moves' if expected_fam == 0 else 'does not move'} U_S although "
                    f"the family dimension is {expected_fam}")
    return None


def gen_spurious_descent(rng, exact=True, max_depth=3, max_width=3):
    for _ in range(100):
        widths = _architecture(rng, 2, max_depth, max_width, max_params=24)
        if min(widths) >= 1:
            break
    r = min(widths)
    s = _ri(rng, 0, r - 1)
    unit = rng.random() < 0.5
    inst = _critical_instance(rng, widths, s, True, unit=unit)
    # base point with one spare slot used by the descent curve (same critical θ at τ = 0)
    d0, dh = widths[0], widths[-1]
    G = inst["G"]
    j = next(k for k in range(d0) if any(G[i, k] != 0 for i in range(dh)))
    y = sympy.Matrix([[1 if k == j else 0 for k in range(d0)]])
    x = G * y.T
    inst["x"], inst["y"] = x, y
    inst["theta"] = _factor(widths, inst["C"].row_join(0 * x), inst["R"].col_join(0 * y), inst["_mixers"])
    return inst


def check_spurious_descent(inst):
    from ...critical import classify

    net, loss, theta = _net(inst["widths"]), inst["loss"], inst["theta"]
    rep = classify(net, loss, theta)
    if not rep.is_critical or rep.kind != "spurious":
        return f"constructed point (rk W̄ < r, ∇ℓ ≠ 0) classified critical={rep.is_critical}, kind={rep.kind}"
    if rep.role in ("local_min", "global_min"):
        return f"spurious point classified as {rep.role}"
    # independent route: an exact curve θ(τ) → θ with L(θ(τ)) < L(θ)
    L0 = loss.value(net.end_to_end(theta))
    C, R, x, y = inst["C"], inst["R"], inst["x"], inst["y"]
    for k in range(0, 60):
        tau = sympy.Rational(1, 2 ** k)
        th = _factor(net.widths, C.row_join(-tau * x), R.col_join(tau * y), inst["_mixers"])
        if loss.value(net.end_to_end(th)) < L0:
            return None
    return "no descent along θ(τ) for τ down to 2^-59: the spurious point looks like a local minimum"


# ---------------------------------------------------------------------------------------------------
# §4  other losses
# ---------------------------------------------------------------------------------------------------

def gen_ed(rng, exact=True):
    from ...model.losses import QuadraticLoss

    from ...critical import spectrum

    m, n = [(2, 2), (2, 3), (3, 3), (1, 3)][_ri(rng, 0, 3)]
    for _ in range(100):
        U = _int_matrix(rng, m, n, 4)
        M = U * U.T
        e1 = sympy.Matrix([1] + [0] * (m - 1))
        krylov = sympy.Matrix.hstack(*[M ** k * e1 for k in range(m)])
        # generic: distinct nonzero singular values, and no left singular vector with u_1 = 0 (chart a_1 = 1)
        if not spectrum(QuadraticLoss(U)).is_degenerate and _rank(krylov) == m:
            break
    return {"rows": m, "cols": n, "rank": 1, "U": U}


def _standard_monomial_count(polys, gens):
    G = sympy.groebner(polys, *gens, order="grevlex")
    if G.exprs == [1]:
        return 0
    lead = [max(sympy.Poly(g, *gens).monoms(), key=sympy.polys.orderings.grevlex) for g in G.exprs]
    n = len(gens)
    for k in range(n):  # zero-dimensional iff a pure power of each variable leads
        if not any(all(e == 0 for i, e in enumerate(mon) if i != k) and mon[k] > 0 for mon in lead):
            return None
    bound = [min(mon[k] for mon in lead if mon[k] > 0 and all(e == 0 for i, e in enumerate(mon) if i != k))
             for k in range(n)]
    count = 0
    for mon in itertools.product(*[range(b) for b in bound]):
        if not any(all(a >= b for a, b in zip(mon, l)) for l in lead):
            count += 1
    return count


def check_ed(inst):
    from ...critical import critical_locus
    from ...model.losses import QuadraticLoss
    from ...model.variety import DeterminantalVariety

    m, n, U = inst["rows"], inst["cols"], inst["U"]
    V = DeterminantalVariety(m, n, 1)
    locus = critical_locus(_net((n, 1, m)), QuadraticLoss(U))
    pts = [p for p in locus.function_space_points if p.rank == 1]
    # independent route: critical points of ‖a bᵀ − U‖² in the chart a_1 = 1, counted by a Gröbner basis
    a = [sympy.Integer(1)] + list(sympy.symbols(f"a2:{m + 1}"))
    b = list(sympy.symbols(f"b1:{n + 1}"))
    f = sum((a[i] * b[j] - U[i, j]) ** 2 for i in range(m) for j in range(n))
    gens = a[1:] + b
    count = _standard_monomial_count([sympy.expand(sympy.diff(f, g)) for g in gens], gens)
    if not (count == V.ed_degree == len(pts) == math.comb(min(m, n), 1)):
        return (f"Gröbner count of critical points {count}, ED degree {V.ed_degree}, locus rank-1 points "
                f"{len(pts)}, C(min(m,n), r) = {math.comb(min(m, n), 1)}")
    return None


def gen_filling_convex(rng, exact=True, max_depth=3, max_width=3):
    widths = _architecture(rng, 2, max_depth, max_width, filling=True, max_params=24)
    s = _ri(rng, 0, min(widths))
    return _critical_instance(rng, widths, s, rng.random() < 0.6)


def check_filling_convex(inst):
    from ...critical import classify

    net, loss, theta, G = _net(inst["widths"]), inst["loss"], inst["theta"], inst["G"]
    rep = classify(net, loss, theta)
    if not rep.is_critical:
        return "constructed point is not critical"
    truth_pure = all(x == 0 for x in G)  # filling: M_r is everything, so pure ⇔ ∇ℓ(W̄) = 0
    if (rep.kind == "pure") != truth_pure:
        return f"classify says {rep.kind}; ∇ℓ(W̄) {'=' if truth_pure else '≠'} 0 on a filling network"
    global_min = 0  # ℓ ≥ 0 and ℓ(U) = 0 with U ∈ M_r (filling)
    if rep.kind == "pure" and (rep.value != global_min or rep.role != "global_min"):
        return f"pure point with value {rep.value}, role {rep.role}; expected the global minimum 0"
    if rep.role in ("local_min", "global_min") and rep.value != global_min:
        return f"bad local minimum at value {rep.value}"
    return None


# ---------------------------------------------------------------------------------------------------
# §5  symmetry-induced critical subspaces (SGJ2021), registered when linnet_geometry.families.symmetry imports
# ---------------------------------------------------------------------------------------------------

def gen_sgj_T(rng, exact=True, max_teacher=3, max_extra=2):
    r = _ri(rng, 1, max_teacher)
    h = _ri(rng, 0, max_extra if r < 3 else 1)
    return {"r_star": r, "m": r + h, "input_dim": _ri(rng, 1, 3),
            "convention": "group" if rng.random() < 0.5 else "single", "_seed": _ri(rng, 0, 10**6)}


def check_sgj_T(inst):
    sym = importlib.import_module("linnet_geometry.families.symmetry")
    r, m, d, conv = inst["r_star"], inst["m"], inst["input_dim"], inst["convention"]
    teacher = sym.example_teacher(r, d)
    pieces = list(sym.global_minimum_subspaces(teacher, m, conv))
    closed = sym.T(r, m, conv)
    if len(pieces) != closed:
        return f"enumeration gives {len(pieces)} pieces, closed form T = {closed}"
    if m == r + 1 and closed != math.factorial(r + 1) * (r + 2) // 2:
        return f"T(r*, r*+1) = {closed} != (r*+1)!(r*+2)/2"
    dims = {}
    for P in pieces:
        dims[P.dimension] = dims.get(P.dimension, 0) + 1
    by_dim = sym.T_by_dimension(r, m, d, convention=conv)
    if dims != by_dim:
        return f"piece dimensions {dims} != closed form {by_dim}"
    if pieces and min(dims) != (m - r):
        return f"minimal piece dimension {min(dims)} != h = {m - r}"
    P = pieces[_ri(np.random.default_rng(inst["_seed"]), 0, len(pieces) - 1)]
    if not sym.same_function(P.sample(seed=inst["_seed"]), teacher):
        return f"a point of piece {P} does not compute the teacher function"
    return None


def gen_sgj_G(rng, exact=True, max_width=3, max_extra=2):
    r = _ri(rng, 1, max_width)
    d = _ri(rng, 1, 2)
    while True:
        W = [[_ri(rng, -3, 3) for _ in range(d)] for _ in range(r)]
        if len({tuple(w) for w in W}) == r:
            break
    a = [_ri(rng, 1, 4) * (1 if rng.random() < 0.5 else -1) for _ in range(r)]
    return {"r": r, "m": r + _ri(rng, 0, max_extra), "incoming": W, "outgoing": a, "_seed": _ri(rng, 0, 10**6)}


def check_sgj_G(inst):
    sym = importlib.import_module("linnet_geometry.families.symmetry")
    net = sym.TwoLayerNetwork(inst["incoming"], inst["outgoing"], "g")
    r, m = inst["r"], inst["m"]
    subs = list(sym.symmetry_induced_subspaces(net, m))
    if len(subs) != sym.G(r, m):
        return f"enumeration gives {len(subs)} split subspaces, closed form G = r! S(m, r) = {sym.G(r, m)}"
    if sym.G(r, m) != math.factorial(r) * sym.stirling2(m, r):
        return "G(r, m) != r! S(m, r)"
    for S in subs:
        if S.dimension != m - r:
            return f"split subspace {S} has dimension {S.dimension}; expected m − r = {m - r}"
    S = subs[_ri(np.random.default_rng(inst["_seed"]), 0, len(subs) - 1)]
    if not sym.same_function(S.sample(seed=inst["_seed"]), net):
        return f"a point of {S} does not compute the same function as the critical point"
    return None


def gen_sgj_connect(rng, exact=True, max_teacher=3):
    return {"r_star": _ri(rng, 1, max_teacher), "input_dim": _ri(rng, 1, 2),
            "convention": "group" if rng.random() < 0.5 else "single"}


def check_sgj_connect(inst):
    sym = importlib.import_module("linnet_geometry.families.symmetry")
    r, d, conv = inst["r_star"], inst["input_dim"], inst["convention"]
    teacher = sym.example_teacher(r, d)
    g1 = sym.connectivity_graph(teacher, r + 1, conv, "linear_algebra", progress=False)
    g2 = sym.connectivity_graph(teacher, r + 1, conv, "combinatorial", progress=False)
    e1 = {(min(u, v), max(u, v)): dd["intersection_dimension"] for u, v, dd in g1.edges(data=True)}
    e2 = {(min(u, v), max(u, v)): dd["intersection_dimension"] for u, v, dd in g2.edges(data=True)}
    if e1 != e2:
        return f"linear-algebra and combinatorial intersection graphs differ ({len(e1)} vs {len(e2)} edges)"
    summary = sym.connectivity_summary(g1)
    if not summary.permutations_connected or summary.permutations_found != math.factorial(r):
        return f"the {math.factorial(r)} permuted minima are not all connected at m = r*+1: {summary}"
    return None


# ---------------------------------------------------------------------------------------------------
# §6  ReLU activation regions (KMTM2024), registered when linnet_geometry.families.relu imports
# ---------------------------------------------------------------------------------------------------

def _relu_out(W, X, v):
    """``F(W, x_j) = Σ_i v_i relu(⟨w_i, x_j⟩)`` evaluated directly (exact)."""
    d1, n = W.rows, X.cols
    pre = W * X
    return [sum(v[i] * max(pre[i, j], 0) for i in range(d1)) for j in range(n)]


def gen_relu_region(rng, exact=True, max_n=5, max_d0=2, max_width=3):
    relu = importlib.import_module("linnet_geometry.families.relu")
    n, d0, d1 = _ri(rng, 1, max_n), _ri(rng, 1, max_d0), _ri(rng, 1, max_width)
    X = relu.with_bias(_general_position(rng, d0, n))
    while True:  # W strictly inside a region: no zero pre-activation
        W = sympy.Matrix(d1, d0 + 1, lambda i, j: _ri(rng, -9, 9))
        if all(x != 0 for x in W * X):
            break
    v = [_ri(rng, 1, 4) * (1 if rng.random() < 0.5 else -1) for _ in range(d1)]
    y = [_ri(rng, -5, 5) for _ in range(n)]
    return {"X": X, "W": W, "v": v, "y": y}


def check_relu_jacobian(inst):
    relu = importlib.import_module("linnet_geometry.families.relu")
    X, W, v = inst["X"], inst["W"], inst["v"]
    A = relu.activation_pattern(W, X)
    W0 = relu.region_interior_point(A, X)
    J = relu.region_jacobian(A, X, v)
    d1, d0p = W.shape
    # independent route: exact difference quotients of F at an interior point (F is linear on the region)
    F0 = _relu_out(W0, X, v)
    for i in range(d1):
        for k in range(d0p):
            for q in range(0, 80):
                t = sympy.Rational(1, 2 ** q)
                E = sympy.zeros(d1, d0p)
                E[i, k] = t
                P = (W0 + E) * X
                if all(P[a, b] != 0 and (P[a, b] > 0) == bool(A[a, b]) for a in range(d1) for b in range(X.cols)):
                    break
            F1 = _relu_out(W0 + E, X, v)
            col = [(a - b) / t for a, b in zip(F1, F0)]
            if list(J.row(i * d0p + k)) != col:
                return f"row ({i},{k}) of the Khatri–Rao Jacobian {list(J.row(i * d0p + k))} != difference quotient {col}"
    rk = relu.jacobian_rank(A, X, v)
    generic = relu.generic_jacobian_rank(A, d0p)
    numeric = relu.jacobian_rank(A, np.array(X.evalf(20).tolist(), dtype=float), v)
    if not (rk == generic == numeric):
        return f"exact rank {rk}, matroid formula min_T(n − |T| + d0·rk A_T) = {generic}, numeric rank {numeric}"
    return None


def check_relu_full_rank(inst):
    relu = importlib.import_module("linnet_geometry.families.relu")
    X, W, v, y = inst["X"], inst["W"], inst["v"], inst["y"]
    A = relu.activation_pattern(W, X)
    cs = relu.region_critical_set(A, X, y, v)
    n = X.cols
    if cs.rank != relu.jacobian_rank(A, X, v):
        return f"critical set rank {cs.rank} != Jacobian rank"
    if cs.full_rank and cs.loss != 0:
        return f"full-rank region but the in-region critical value is {cs.loss} (KMTM2024: must be 0)"
    if cs.meets_region:
        Wc = sympy.Matrix(cs.witness)
        if not (relu.activation_pattern(Wc, X) == A).all():
            return "the witness critical point is not in the region"
        out = _relu_out(Wc, X, v)
        res = [o - t for o, t in zip(out, y)]
        direct = sum(r * r for r in res)
        if direct != cs.loss:
            return f"loss at the witness {direct} != reported critical value {cs.loss}"
        # gradient of L at the witness, computed directly: ∂L/∂w_i = Σ_j 2 r_j v_i A_ij x_j
        for i in range(W.rows):
            g = sum((2 * res[j] * v[i] * int(A[i, j]) * X[:, j] for j in range(n)), sympy.zeros(X.rows, 1))
            if any(x != 0 for x in g):
                return f"witness is not critical: ∂L/∂w_{i} = {list(g)}"
        if cs.full_rank and cs.label != "global minimum":
            return f"full-rank region labelled {cs.label}"
    return None


def _general_position(rng, d0, n, bound=30):
    """Integer data whose columns, with a bias coordinate appended, are in general position."""
    for _ in range(1000):
        X = sympy.Matrix(d0, n, lambda i, j: _ri(rng, -bound, bound))
        Xb = X.col_join(sympy.ones(1, n))
        k = min(d0 + 1, n)
        if all(_rank(Xb[:, list(c)]) == k for c in itertools.combinations(range(n), k)):
            return X
    raise AssertionError("no data in general position found")  # pragma: no cover


def gen_relu_counts(rng, exact=True, max_n=5, max_d0=2):
    n, d0 = _ri(rng, 1, max_n), _ri(rng, 1, max_d0)
    X = _general_position(rng, d0, n)
    return {"n": n, "d0": d0, "d1": _ri(rng, 1, 3), "X": X}


def check_relu_counts(inst):
    relu = importlib.import_module("linnet_geometry.families.relu")
    n, d0, d1, X = inst["n"], inst["d0"], inst["d1"], inst["X"]
    Xb = relu.with_bias(X)
    rows = relu.realizable_row_patterns(Xb)
    lp = sum(1 for pat in itertools.product((0, 1), repeat=n) if relu.is_realizable([list(pat)], Xb))
    cover = relu.cover_count(n, d0 + 1)
    if not (len(rows) == lp == cover):
        return f"ray enumeration {len(rows)}, LP over all 2^n patterns {lp}, Cover's count C(n, d0+1) = {cover}"
    if relu.count_regions(n, d0, d1) != cover ** d1:
        return f"count_regions {relu.count_regions(n, d0, d1)} != C(n, d0+1)^d1 = {cover ** d1}"
    return None


def gen_relu_wide(rng, exact=True, max_n=3, max_width=3):
    n = _ri(rng, 1, max_n)
    d0 = n + _ri(rng, 0, 1)
    return {"n": n, "d0": d0, "d1": _ri(rng, 1, max_width),
            "X": sympy.Matrix(d0, n, lambda i, j: _ri(rng, -10**3, 10**3))}


def check_relu_wide(inst):
    from fractions import Fraction

    relu = importlib.import_module("linnet_geometry.families.relu")
    n, d1, X = inst["n"], inst["d1"], inst["X"]
    if _rank(X) < n:
        return None  # not generic (probability ~0): the statement assumes generic data
    count = relu.exact_full_rank_fraction(X, d1)
    closed = (1 - Fraction(1, 2 ** d1)) ** n
    if count.fraction != closed:
        return f"enumerated full-rank fraction {count.fraction} != (1 − 2^-d1)^n = {closed}"
    return None


# ---------------------------------------------------------------------------------------------------
# registration
# ---------------------------------------------------------------------------------------------------

def _optional(module):
    try:
        importlib.import_module(module)
        return True
    except Exception:
        return False


def _register_builtin():
    R = register
    R("rank_formula", section="§1", title="Rank of dμ in closed form", reference="TKB2020",
      latex=r"\operatorname{rank} d\mu(\theta) = \sum_{j=1}^{h} \operatorname{rk}(W_{>j})\,"
            r"(\operatorname{rk}(W_{<j}) - \operatorname{rk}(W_{<j+1})),\ \operatorname{rk}(W_{<h+1}) := 0",
      generate=gen_theta, check=check_rank_formula, numeric=True,
      routes="closed form from partial-product ranks vs rank of the explicit Jacobian")
    R("maximal_rank_criterion", section="§1", title="Maximal-rank criterion for dμ", reference="TKB2020",
      latex=r"\text{non-filling: } \operatorname{rk} d\mu = \dim\mathcal M_r \iff \operatorname{rk}\bar W = r;\ "
            r"\text{filling: } \iff \forall i:\ \operatorname{rk} W_{>i} = d_h \vee \operatorname{rk} W_{\le i} = d_0",
      generate=gen_theta, check=check_maximal_rank, numeric=True,
      routes="rank criterion on partial products vs Jacobian rank = r(d_0+d_h−r)")
    R("functional_space", section="§1", title="Functional space M_d = M_r", reference="TKB2020",
      latex=r"\mu_d(\mathbb R^{d_\theta}) = \mathcal M_r,\ \dim \mathcal M_r = r(d_0 + d_h - r)",
      generate=gen_generic_theta, check=check_functional_space, numeric=True,
      routes="rank of μ(θ) and generic Jacobian rank vs the dimension formula of M_r")
    R("filling_criterion", section="§1", title="Filling iff every hidden width ≥ min(d_0, d_h)", reference="derived",
      latex=r"r = \min(d_0, d_h) \iff d_i \ge \min(d_0, d_h)\ \forall\, 0<i<h \iff \operatorname{rk} d\mu_{\rm gen} = d_0 d_h",
      generate=gen_generic_theta, check=check_filling, numeric=True,
      routes="is_filling vs hidden widths vs generic Jacobian rank")
    R("determinantal_variety", section="§1", title="M_r: dimension, ideal, singular locus, tangent/normal spaces",
      reference="TKB2020",
      latex=r"T_W\mathcal M_r = \{A : (I-P_c)A(I-P_r) = 0\},\ \dim N_W = (m-r)(n-r),\ "
            r"\operatorname{Sing}\mathcal M_r = \mathcal M_{r-1}",
      generate=gen_variety_point, check=check_variety,
      routes="tangent/normal bases vs kernel and rank of the Jacobian of the (r+1)-minors")
    R("gradient_formula", section="§1", title="Gradient of L = ℓ ∘ μ", reference="TKB2020",
      latex=r"\nabla_{W_i} L = W_{>i}^\top\, \nabla\ell(\bar W)\, W_{<i}^\top",
      generate=gen_gradient, check=check_gradient, numeric=True,
      routes="partial-product formula vs symbolic differentiation of ℓ(W_h⋯W_1)")
    R("pure_spurious_test", section="§2", title="Computable test for pure/spurious", reference="TKB2020",
      latex=r"\operatorname{rk}\bar W = r:\ \text{pure} \iff \bar W^\top G = 0 = G\bar W^\top;\quad "
            r"\operatorname{rk}\bar W < r:\ \text{pure} \iff G = 0",
      generate=gen_pure_test, check=check_pure_test,
      routes="classify's product test vs the definition (G ⟂ tangent space of M_r, G = 0 at singular points)")
    R("purity_depends_on_image", section="§2", title="Pure points depend only on M_r", reference="TKB2020",
      latex=r"\theta \in \operatorname{Crit}(L) \text{ pure} \iff \bar W \in \operatorname{Crit}(\ell|_{\mathcal M_r})"
            r"\ \text{(independent of the architecture with the same } d_0, d_h, r)",
      generate=gen_reparam, check=check_reparam,
      routes="classify on one architecture vs on another with the same (d_0, d_h, r), through the same W̄")
    R("pure_iff_rank_r", section="§3", title="Quadratic loss: W̄ = U_S; pure ⇔ |S| = r", reference="TKB2020",
      latex=r"\theta \in \operatorname{Crit}(L) \Rightarrow \bar W = U_S,\ |S| \le r;\ |S| = r \Rightarrow "
            r"\text{pure},\ |S| < r \Rightarrow \text{spurious}",
      generate=gen_quadratic, check=check_pure_iff_rank,
      routes="theory locus (|S| = r rule) vs classify of each stratum's representative")
    R("critical_values", section="§3", title="Critical values of the quadratic loss", reference="TKB2020",
      latex=r"\{L(\theta) : \nabla L(\theta) = 0\} = \{\textstyle\sum_{j\notin S}\sigma_j^2 : |S| \le r\}",
      generate=gen_tiny_quadratic, check=check_critical_values,
      routes="Eckart–Young values of the locus vs real roots of a Gröbner eliminant of ∇L = 0")
    R("morse_index", section="§3", title="Morse index and Hessian nullity of pure points", reference="EY1936",
      latex=r"\operatorname{ind}(U_S) = \#\{(i,j): i \in S, j\notin S, \sigma_j > \sigma_i\},\ "
            r"\dim\ker\nabla^2 L = d_\theta - r(d_0 + d_h - r)",
      generate=gen_quadratic, check=check_morse_index,
      routes="index formula from singular values vs exact inertia of the parameter Hessian")
    R("local_minima_global", section="§3", title="Every local minimum is global (quadratic loss)",
      reference="BH1989", latex=r"\theta \text{ local min of } L \Rightarrow L(\theta) = \sum_{j>r}\sigma_j^2",
      generate=gen_quadratic, check=check_local_minima_global,
      routes="exact Hessian inertia at each stratum vs the Eckart–Young minimum from a numpy SVD")
    R("strict_saddles", section="§3", title="Strict saddles: one hidden layer, or S not a top set",
      reference="AMG2024",
      latex=r"h = 2 \text{ or } S \ne \{1..|S|\} \Rightarrow \lambda_{\min}(\nabla^2 L(\theta)) < 0",
      generate=gen_quadratic, check=check_strict_saddles,
      routes="combinatorial top-set test on S vs exact Hessian inertia")
    R("origin_one_hidden_layer", section="§3", title="Hessian at θ = 0, one hidden layer: ±2σ_k", reference="K2016",
      latex=r"\chi_{\nabla^2 L(0)}(x) = x^{d_\theta - 2 d_1 m} \prod_{k=1}^{m} (x^2 - 4\sigma_k^2)^{d_1}",
      generate=gen_origin, check=check_origin_one_hidden,
      routes="characteristic polynomial of the Kronecker-built Hessian vs the one predicted from UUᵀ")
    R("origin_deep", section="§3", title="Hessian at θ = 0 vanishes for ≥ 2 hidden layers", reference="AMG2024",
      latex=r"h \ge 3 \Rightarrow \nabla^2 L(0) = 0:\ \theta = 0 \text{ is a non-strict saddle}",
      generate=_gen_origin_deep, check=check_origin_deep,
      routes="block Hessian formula vs sympy.hessian of the expanded loss, and classify's role")
    R("fiber_dimension", section="§3", title="Fiber dimension / Hessian nullity", reference="TKB2020",
      latex=r"\dim \mu_d^{-1}(\bar W) = d_\theta - r(d_0 + d_h - r) \text{ at } \operatorname{rk}\bar W = r",
      generate=gen_fiber, check=check_fiber,
      routes="recursive closed form vs kernel of dμ at generic θ and a Gröbner dimension of μ(θ) = M")
    R("data_reduction", section="§3", title="Data form ‖WX − Y‖² reduces to a squared distance", reference="BH1989",
      latex=r"\|WX - Y\|_F^2 = \|W A - \hat U A\|_F^2 + c,\ A = (XX^\top)^{1/2},\ \hat U = YX^\top(XX^\top)^{-1}",
      generate=gen_data, check=check_data, numeric=True,
      routes="exact locus of the reduced loss vs direct numpy evaluation of ‖μ(θ)X − Y‖² and its gradient")
    R("degenerate_families", section="§3", title="Degenerate targets give families", reference="derived",
      latex=r"\text{repeated/zero } \sigma:\ \dim\{U_S\} = \textstyle\sum_a k_a (n_a - k_a)",
      generate=gen_degenerate, check=check_degenerate,
      routes="reported family dimension vs rotating singular vectors inside tie blocks and classifying")
    R("spurious_not_local_min", section="§3", title="Spurious points are never local minima", reference="TKB2020",
      latex=r"\operatorname{rk}\bar W < r,\ \nabla\ell(\bar W) \ne 0 \Rightarrow \exists\,\theta(\tau)\to\theta:\ "
            r"L(\theta(\tau)) < L(\theta)",
      generate=gen_spurious_descent, check=check_spurious_descent,
      routes="classify's kind/role vs an explicit exact descent curve adding a rank-one term")
    R("ed_degree", section="§4", title="Number of critical points on M_r is the ED degree", reference="DHOST2016",
      latex=r"\#\operatorname{Crit}(\|\cdot - U\|^2|_{\mathcal M_r^{\rm reg}}) = \binom{\min(m,n)}{r}",
      generate=gen_ed, check=check_ed,
      routes="Gröbner count of critical points in a chart vs ED degree and the locus's function-space points")
    R("filling_convex_no_bad_minima", section="§4", title="Filling + convex ⇒ pure = global, no bad minima",
      reference="LvB2018",
      latex=r"\text{filling},\ \ell \text{ convex}:\ \theta \text{ pure} \iff L(\theta) = \min L;\ "
            r"\text{no non-global local minima}",
      generate=gen_filling_convex, check=check_filling_convex,
      routes="constructed ∇ℓ(W̄) (ground truth) vs classify's kind, role and value")
    if _optional("linnet_geometry.families.symmetry"):
        R("sgj_T_closed_form", section="§5", title="T(r*, m): zero-loss pieces", reference="SGJ2021",
          latex=r"T(r^*, m) = \sum_{k=r^*}^{m} S(m,k)\frac{k!}{(k-r^*)!},\ T_{\rm single} = r^*!\,S(m+1, r^*+1)",
          generate=gen_sgj_T, check=check_sgj_T,
          routes="Stirling closed forms vs enumeration of set partitions, and same_function on a sampled point")
        R("sgj_G_closed_form", section="§5", title="G(r, m): split subspaces", reference="SGJ2021",
          latex=r"G(r, m) = r!\,S(m, r) \text{ affine subspaces of dimension } m - r",
          generate=gen_sgj_G, check=check_sgj_G,
          routes="closed form vs enumeration of surjections, and same_function on a sampled point")
        R("sgj_one_neuron_connects", section="§5", title="One extra neuron connects the r*! minima",
          reference="SGJ2021",
          latex=r"m = r^*+1:\ \text{the } r^*! \text{ permuted minima lie in one connected component}",
          generate=gen_sgj_connect, check=check_sgj_connect,
          routes="intersection graph by exact linear algebra vs the combinatorial rule, and its connectivity")
    if _optional("linnet_geometry.families.relu"):
        R("relu_region_jacobian", section="§6", title="Khatri–Rao Jacobian of an activation region and its rank",
          reference="KMTM2024",
          latex=r"J = (\operatorname{diag}(v) A) * X,\ \operatorname{rank} J = \min_T (n - |T| + d_0 \operatorname{rk} A_T)"
                r"\ \text{(generic } X)",
          generate=gen_relu_region, check=check_relu_jacobian,
          routes="Khatri–Rao formula vs exact difference quotients of F; exact vs matroid vs numeric rank")
        R("relu_full_rank_global", section="§6", title="Full-rank region ⇒ critical points are global minima",
          reference="KMTM2024",
          latex=r"\operatorname{rank} J = n \Rightarrow \text{every critical point in the region has } L = 0",
          generate=gen_relu_region, check=check_relu_full_rank,
          routes="region_critical_set (projection + LP) vs direct loss and gradient at its witness point")
        R("relu_region_count", section="§6", title="Number of activation regions (Cover)", reference="KMTM2024",
          latex=r"\#\{\text{regions}\} = C(n, d_0 + 1)^{d_1},\ C(n, d) = 2\sum_{k<d}\binom{n-1}{k}",
          generate=gen_relu_counts, check=check_relu_counts,
          routes="Cover's formula vs ray enumeration vs LP feasibility of all 2^n patterns")
        R("relu_wide_full_rank_fraction", section="§6", title="d_0 ≥ n: full-rank fraction (1 − 2^{−d_1})^n",
          reference="KMTM2024", latex=r"d_0 \ge n:\ \Pr[\operatorname{rank} J = n] = (1 - 2^{-d_1})^n",
          generate=gen_relu_wide, check=check_relu_wide,
          routes="exact enumeration of patterns and ranks vs the closed form")


def _gen_origin_deep(rng, exact=True, max_width=3):
    return gen_origin(rng, exact, max_width, deep=True)


_register_builtin()


# ---------------------------------------------------------------------------------------------------
# linear convolutional networks: the model and its function space (KMMT2022, KMST2024)
# ---------------------------------------------------------------------------------------------------

_CONV_T = sympy.Symbol("t")
#: real roots, complex-conjugate quadratics and roots at infinity used to build filters with known roots
_CONV_REAL_ROOTS = (-2, -1, 0, 1, 2)
_CONV_QUADRATICS = ((1, 0, 1), (4, 0, 1), (2, -2, 1), (2, 2, 1))   # 1+t², 4+t², (t-1)²+1, (t+1)²+1


def _conv_net(ks, ss=None):
    from ...families.convolutional import ConvolutionalNetwork
    return ConvolutionalNetwork(ks, ss)


def _conv_architecture(rng, max_depth=3, max_k=4, max_s=3):
    L = _ri(rng, 1, max_depth)
    return tuple(_ri(rng, 1, max_k) for _ in range(L)), tuple(_ri(rng, 1, max_s) for _ in range(L))


def _conv_poly_coeffs(expr, size):
    """Coefficients (t^0 first) of ``expr`` padded with zeros to ``size`` (zeros = roots at infinity)."""
    co = list(reversed(sympy.Poly(expr, _CONV_T).all_coeffs()))
    return tuple(sympy.Integer(c) if isinstance(c, int) else c for c in co) + (sympy.Integer(0),) * (size - len(co))


def _conv_random_form(rng, degree, n_real=None):
    """A binary form of ``degree`` with known roots: ``n_real`` real roots (random if None), the rest complex pairs.

    Returns ``(coeffs, real_root_count)``; roots at infinity appear as trailing zero coefficients.
    """
    if n_real is None:
        n_real = degree - 2 * _ri(rng, 0, degree // 2)
    p, inf = sympy.Integer(_ri(rng, 1, 3) * (1 if rng.random() < 0.5 else -1)), 0
    for _ in range(n_real):
        if rng.random() < 0.15:
            inf += 1
        else:
            p *= _CONV_T - _CONV_REAL_ROOTS[_ri(rng, 0, len(_CONV_REAL_ROOTS) - 1)]
    for _ in range((degree - n_real) // 2):
        q = _CONV_QUADRATICS[_ri(rng, 0, len(_CONV_QUADRATICS) - 1)]
        p *= q[0] + q[1] * _CONV_T + q[2] * _CONV_T**2
    return _conv_poly_coeffs(sympy.expand(p), degree + 1), n_real


def gen_conv_dimension(rng, exact=True, max_depth=3, max_k=4, max_s=3):
    ks, ss = _conv_architecture(rng, max_depth, max_k, max_s)
    net = _conv_net(ks, ss)
    theta = tuple(tuple(sympy.Integer(_ri(rng, -10**6, 10**6)) for _ in range(k)) for k in ks)
    return {"filter_sizes": ks, "strides": ss, "theta": theta, "extra_outputs": _ri(rng, 0, 2),
            "size": net.end_to_end_filter_size}


def check_conv_dimension(inst):
    ks, ss, theta = inst["filter_sizes"], inst["strides"], inst["theta"]
    net = _conv_net(ks, ss)
    M = net.function_space
    closed = sum(ks) - len(ks) + 1
    if M.dim != closed:
        return f"function_space.dim {M.dim} != Σk − L + 1 = {closed}"
    if any(all(x == 0 for x in w) for w in theta):
        return None  # a zero filter (probability ~0): not a generic point
    r = net.differential_rank(theta)
    if r != closed:
        return f"Jacobian rank {r} at the random θ {theta} != Σk − L + 1 = {closed}"
    S = net.cumulative_strides
    thick = all((k - 1) * (S[l] - 1) == 0 for l, k in enumerate(ks))
    if M.is_thick != thick or M.is_thick != (closed == len(net.end_to_end_filter(theta))):
        return f"is_thick {M.is_thick} vs (k_l − 1)(S_(l−1) − 1) = 0 for all l: {thick}, k̄ = {M.ambient_dim}"
    n0 = net.input_length + inst["extra_outputs"] * net.end_to_end_stride
    if net.end_to_end(theta, n0) != net.layer_product(theta, n0):
        return f"Toeplitz matrix of w̄ != product of the layer matrices at input length {n0}"
    try:
        if not M.contains(net.end_to_end_filter(theta)):
            return f"μ(θ) = {net.end_to_end_filter(theta)} reported outside the function space"
    except NotImplementedError:
        pass  # three or more stride levels: membership not implemented
    return None


def gen_conv_filling(rng, exact=True, max_depth=4, max_k=4):
    L = _ri(rng, 1, max_depth)
    ks = tuple(_ri(rng, 1, max_k) for _ in range(L))
    D = sum(k - 1 for k in ks)
    o = sum(1 for k in ks if k % 2 == 0)
    # an arbitrary form of degree D (random real-root count), and one with o - 2 real roots when o >= 2
    anyform, r_any = _conv_random_form(rng, D)
    witness = _conv_random_form(rng, D, o - 2)[0] if o >= 2 else None
    theta = tuple(_conv_random_form(rng, k - 1)[0] for k in ks)
    return {"filter_sizes": ks, "form": anyform, "form_real_roots": r_any, "witness": witness, "theta": theta}


def check_conv_filling(inst):
    ks = inst["filter_sizes"]
    net = _conv_net(ks)
    M = net.function_space
    evens = sum(1 for k in ks if k % 2 == 0)
    if M.is_filling != (evens <= 1):
        return f"is_filling {M.is_filling} but {evens} even filter sizes (KMMT2022: filling iff at most one)"
    got = M.contains(inst["form"])
    expected = inst["form_real_roots"] >= evens
    if got != expected:
        return (f"contains({inst['form']}) = {got}, but the form was built with {inst['form_real_roots']} real roots "
                f"and the factorization needs {evens}")
    if M.is_filling and not got:
        return f"filling architecture but {inst['form']} reported outside"
    if inst["witness"] is not None and M.contains(inst["witness"]):
        return f"{inst['witness']} has {evens - 2} real roots < {evens} but is reported inside"
    if not M.contains(net.end_to_end_filter(inst["theta"])):
        return "μ(θ) reported outside the function space"
    return None


def _conv_binary_share_root(a, b):
    """Two non-zero binary forms (coefficient tuples, t^0 first) have a common root in P^1_C."""
    da, db = len(a) - 1, len(b) - 1
    pa = sympy.Poly(sum(c * _CONV_T**i for i, c in enumerate(a)), _CONV_T)
    pb = sympy.Poly(sum(c * _CONV_T**i for i, c in enumerate(b)), _CONV_T)
    if pa.degree() < da and pb.degree() < db:
        return True   # both vanish at infinity
    return pa.gcd(pb).degree() > 0


def gen_conv_parameterization(rng, exact=True, max_depth=4, max_k=4):
    L = _ri(rng, 1, max_depth)
    ks = tuple(_ri(rng, 1, max_k) for _ in range(L))
    theta = []
    for k in ks:
        if rng.random() < 0.08:
            theta.append((sympy.Integer(0),) * k)
        else:
            theta.append(_conv_random_form(rng, k - 1)[0])
    return {"filter_sizes": ks, "theta": tuple(theta)}


def check_conv_parameterization(inst):
    ks, theta = inst["filter_sizes"], inst["theta"]
    net = _conv_net(ks)
    rank = net.differential_rank(theta)
    zero = [l for l, w in enumerate(theta) if all(x == 0 for x in w)]
    share = any(_conv_binary_share_root(theta[i], theta[j])
                for i, j in itertools.combinations(range(len(ks)), 2) if i not in zero and j not in zero)
    # a single zero filter w_j is critical iff some other filter has size >= 2 (rank k_j < Σk − L + 1)
    zero_critical = len(zero) >= 2 or (len(zero) == 1 and any(k > 1 for l, k in enumerate(ks) if l != zero[0]))
    critical = zero_critical or share
    if (rank < net.max_differential_rank) != critical:
        return (f"Jacobian rank {rank} (generic {net.max_differential_rank}) but the criterion (two zero filters, "
                f"one zero filter and another of size >= 2, or two filters with a common root) says critical = "
                f"{critical}")
    if net.is_critical_parameter(theta) != critical:
        return f"is_critical_parameter {net.is_critical_parameter(theta)} != criterion {critical}"
    formula = net.differential_rank_formula(theta)
    if formula != rank:
        return f"closed-form rank k̄ − deg gcd_l(P/p_l) = {formula} != Jacobian rank {rank}"
    return None


def _conv_roots(coeffs):
    """Root multiset (dict root -> multiplicity, 'inf' for infinity) of a binary form with roots in Q(i)."""
    p = sympy.Poly(sum(c * _CONV_T**i for i, c in enumerate(coeffs)), _CONV_T)
    roots = dict(sympy.roots(p, _CONV_T))
    if sum(roots.values()) != p.degree():
        raise AssertionError(f"could not find all roots of {p}")  # pragma: no cover
    if len(coeffs) - 1 > p.degree():
        roots["inf"] = len(coeffs) - 1 - p.degree()
    return roots


def conv_membership_by_roots(filter_sizes, strides, coeffs):
    """Brute-force membership for architectures with stride levels {1, 2}: enumerate root sub-multisets.

    ``p ∈ M`` iff some sub-multiset of the roots of ``π(p)`` of size ``2 D_B``, closed under
    ``t ↦ -t`` and complex conjugation (with even multiplicity at 0 and ∞), is the root set of
    ``B(t^2)`` with ``B`` having at least ``o_B`` real roots (roots ``r`` with ``r^2`` real) and the
    complement at least ``o_A`` real roots.  Independent of the polyphase-gcd route of
    :meth:`ConvolutionalFunctionSpace.contains`; roots must be explicit (``sympy.roots``).
    """
    S = [1]
    for s in strides:
        S.append(S[-1] * s)
    levels = {}
    for l, k in enumerate(filter_sizes):
        if k > 1:
            levels.setdefault(S[l], []).append(k - 1)
    if not set(levels) <= {1, 2}:
        raise ValueError(f"brute force handles stride levels 1 and 2; received {sorted(levels)}")
    dA, dB = levels.get(1, []), levels.get(2, [])
    oA, oB, DB = sum(d % 2 for d in dA), sum(d % 2 for d in dB), sum(dB)
    if all(c == 0 for c in coeffs):
        return True
    roots = _conv_roots(coeffs)

    def is_real(r):
        return r == "inf" or sympy.im(r) == 0

    def neg(r):
        return r if r == "inf" else -r

    def conj(r):
        return r if r == "inf" else sympy.conjugate(r)

    keys = list(roots)
    for counts in itertools.product(*[range(roots[r] + 1) for r in keys]):
        if sum(counts) != 2 * DB:
            continue
        c = dict(zip(keys, counts))
        if any(c.get(neg(r), 0) != c[r] or c.get(conj(r), 0) != c[r] for r in keys):
            continue
        if any(r in (0, "inf") and c[r] % 2 for r in keys):
            continue
        b_real = sum(c[r] for r in keys if r == "inf" or sympy.re(r) == 0 or sympy.im(r) == 0) // 2
        a_real = sum(roots[r] - c[r] for r in keys if is_real(r))
        if b_real >= oB and a_real >= oA:
            return True
    return False


def _conv_level2_form(rng, degree):
    """A binary form in u whose roots u_0 keep every root of B(t^2) in Q(i): u_0 ∈ {0, ±1, ±4, ∞}, u^2 + 4."""
    p, inf, left = sympy.Integer(_ri(rng, 1, 3)), 0, degree
    u = _CONV_T
    while left:
        x = rng.random()
        if left >= 2 and x < 0.25:
            p *= u**2 + 4
            left -= 2
            continue
        if x < 0.35:
            inf += 1
        else:
            p *= u - (0, 1, -1, 4, -4)[_ri(rng, 0, 4)]
        left -= 1
    return _conv_poly_coeffs(sympy.expand(p), degree + 1)


def gen_conv_stride_membership(rng, exact=True):
    shapes = [((2, 2), (2, 1)), ((3, 2), (2, 1)), ((2, 3), (2, 1)), ((3, 3), (2, 1)), ((1, 3), (2, 1)),
              ((2, 2, 2), (1, 2, 1)), ((2, 2, 2), (2, 1, 1)), ((3, 2, 2), (1, 2, 1)), ((2, 1, 2), (2, 1, 1))]
    ks, ss = shapes[_ri(rng, 0, len(shapes) - 1)]
    net = _conv_net(ks, ss)
    D = net.end_to_end_filter_size - 1
    S = net.cumulative_strides
    if rng.random() < 0.5:
        # a genuine element with known roots (in Q(i)): level-2 filters from the restricted pool
        theta = tuple(_conv_random_form(rng, k - 1)[0] if S[l] == 1 else _conv_level2_form(rng, k - 1)
                      for l, k in enumerate(ks))
        coeffs = net.end_to_end_filter(theta)
    else:
        # a form B(t^2)·A(t) with B of random degree: both answers occur
        half = _ri(rng, 0, D // 2)
        base = _conv_level2_form(rng, half)
        rest, _ = _conv_random_form(rng, D - 2 * half)
        # binary product: B(x^2, y^2) · A(x, y), the coefficient lists convolve after stretching
        stretched = [sympy.Integer(0)] * (2 * half + 1)
        stretched[::2] = base
        coeffs = [sympy.Integer(0)] * (D + 1)
        for i, a in enumerate(stretched):
            for j, b in enumerate(rest):
                coeffs[i + j] += a * b
    return {"filter_sizes": ks, "strides": ss, "filter": tuple(coeffs)}


def check_conv_stride_membership(inst):
    ks, ss, p = inst["filter_sizes"], inst["strides"], inst["filter"]
    got = _conv_net(ks, ss).function_space.contains(p)
    brute = conv_membership_by_roots(ks, ss, p)
    if got != brute:
        return f"contains (polyphase gcd + root counts) = {got}, enumeration of root sub-multisets = {brute}"
    return None


def _register_convolutional_model():
    R = register
    R("conv_dimension", section="§1", title="Dimension of the LCN function space", reference="KMST2024",
      latex=r"\dim \mathcal M_{k,s} = \sum_{l=1}^{L} k_l - L + 1,\ \bar w(t) = \prod_l w_l(t^{S_{l-1}})",
      generate=gen_conv_dimension, check=check_conv_dimension,
      routes="closed form vs exact Jacobian rank at random parameters; Toeplitz matrix vs product of layer "
             "matrices; μ(θ) ∈ M by exact membership")
    R("conv_filling", section="§1", title="Stride one: filling iff at most one filter size is even",
      reference="KMMT2022",
      latex=r"s = 1:\ \mathcal M_k = \mathbb R^{\bar k} \iff \#\{l : k_l \text{ even}\} \le 1;\ "
            r"p \in \mathcal M_k \iff p = 0 \vee r_{\mathbb R}(p) \ge \#\{l: k_l \text{ even}\}",
      generate=gen_conv_filling, check=check_conv_filling,
      routes="closed-form parity criterion and the construction's root count vs exact contains() "
             "(square-free factorization + Sturm counting)")
    R("conv_parameterization_critical", section="§1",
      title="Stride one: dμ drops rank iff a filter is zero or two filters share a root", reference="KMMT2022",
      latex=r"\operatorname{rank} d\mu(\theta) < \textstyle\sum k_l - L + 1 \iff \exists\, w_l = 0 \vee "
            r"\exists\, i \ne j:\ \gcd(\pi(w_i), \pi(w_j)) \ne 1;\ \operatorname{rank} = \bar k - "
            r"\deg\gcd_l(P/p_l)",
      generate=gen_conv_parameterization, check=check_conv_parameterization,
      routes="pairwise gcd criterion and closed-form rank vs exact Jacobian rank")
    R("conv_stride_membership", section="§1", title="Membership with one stride level 2", reference="derived",
      latex=r"p = A(t)\,B(t^2) \in \mathcal M_{k,s} \iff \exists\, B \mid \gcd_r p_r:\ r_{\mathbb R}(B) \ge o_B,\ "
            r"r_{\mathbb R}(p / B(t^2)) \ge o_A",
      generate=gen_conv_stride_membership, check=check_conv_stride_membership,
      routes="polyphase gcd + weighted real-root counts vs enumeration of root sub-multisets closed under "
             "t ↦ −t and conjugation")


if _optional("linnet_geometry.families.convolutional"):
    _register_convolutional_model()


# ---------------------------------------------------------------------------------------------------
# linear convolutional networks: critical points of L = ℓ ∘ μ (KMMT2022, KMST2024)
# ---------------------------------------------------------------------------------------------------

def _conv_target(rng, net):
    from ...model.losses import QuadraticLoss

    return QuadraticLoss([[sympy.Rational(_ri(rng, -9, 9), _ri(rng, 1, 3)) for _ in range(net.end_to_end_filter_size)]])


def _conv_jacobian_float_rank(net, theta_float, rel=1e-8):
    """Numeric rank of dμ at a float point: singular values above ``rel · σ_max`` (the second route)."""
    sym = [v for w in net.symbols() for v in w]
    J = sympy.Matrix(net.parameterization()).jacobian(sym)
    f = sympy.lambdify([sym], J, "numpy")
    s = np.linalg.svd(np.array(f(list(theta_float)), dtype=float), compute_uv=False)
    return int(np.sum(s > rel * max(1.0, float(s[0]))))


def gen_conv_strided_critical(rng, exact=True):
    ks = ((2, 2), (2, 3), (3, 2))[_ri(rng, 0, 2)]
    net = _conv_net(ks, (2, 1))
    return {"filter_sizes": ks, "strides": (2, 1), "loss": _conv_target(rng, net)}


def check_conv_strided_critical(inst):
    from ...families.convolutional import convolutional_critical_points

    net = _conv_net(inst["filter_sizes"], inst["strides"])
    locus = convolutional_critical_points(net, inst["loss"], engine="sympy")
    dim = net.function_space.dim
    for p in locus.points:
        numeric = _conv_jacobian_float_rank(net, p.theta_float)
        if p.kind != "pure" or p.differential_rank != dim or numeric != dim:
            return (f"non-zero critical point θ = {p.theta} is {p.kind} with exact rk dμ = {p.differential_rank}, "
                    f"numeric rank {numeric}, dim M = {dim}: not a smooth (regular) pure point")
    return None


def gen_conv_stride_one_critical(rng, exact=True):
    ks = ((2, 2), (3, 2), (2, 3), (2, 1, 2))[_ri(rng, 0, 3)]
    net = _conv_net(ks)
    return {"filter_sizes": ks, "loss": _conv_target(rng, net)}


def check_conv_stride_one_critical(inst):
    from ...families.convolutional import convolutional_critical_points

    net = _conv_net(inst["filter_sizes"])
    locus = convolutional_critical_points(net, inst["loss"], engine="sympy")
    for p in locus.points:
        exact_theta = all(x.is_Rational for w in p.theta for x in w)
        if p.kind == "spurious":
            # route 1: exact gcds over the number field; route 2: the network's own criterion / float rank
            crit = net.is_critical_parameter(p.theta) if exact_theta else (
                _conv_jacobian_float_rank(net, p.theta_float) < net.function_space.dim)
            if not (p.shared_roots and p.repeated_root and crit):
                return (f"spurious θ = {p.theta}: shared roots {p.shared_roots}, repeated root {p.repeated_root}, "
                        f"critical for μ by the second route: {crit}")
        if p.on_boundary and not p.repeated_root:
            return f"boundary critical point θ = {p.theta} whose w̄ = {p.end_to_end_filter} has no repeated root"
    return None


def _register_convolutional_critical():
    register("conv_strided_critical_pure", section="§2",
             title="All strides > 1, generic data: non-zero critical points are smooth interior (pure)",
             reference="KMST2024",
             latex=r"s_1, \dots, s_{L-1} > 1,\ \text{generic data}:\ \nabla L(\theta) = 0,\ \mu(\theta) \ne 0 "
                   r"\Rightarrow \operatorname{rk} d\mu(\theta) = \dim\mathcal M,\ \theta \text{ pure}",
             generate=gen_conv_strided_critical, check=check_conv_strided_critical,
             routes="exact rank of dμ over the number field of each critical point vs numeric SVD rank of the "
                    "Jacobian at the point")
    register("conv_stride_one_spurious_repeated", section="§2",
             title="Stride one: spurious and boundary critical points have repeated roots / shared filters",
             reference="KMMT2022",
             latex=r"s = 1:\ \theta \text{ spurious},\ \mu(\theta) \ne 0 \Rightarrow \exists\, i \ne j:\ "
                   r"\gcd(\pi(w_i), \pi(w_j)) \ne 1,\ \operatorname{disc}\pi(\bar w) = 0;\ "
                   r"\bar w \in \partial\mathcal M \Rightarrow \operatorname{disc}\pi(\bar w) = 0",
             generate=gen_conv_stride_one_critical, check=check_conv_stride_one_critical,
             routes="exact gcds of the layer filters and of w̄, w̄' over the number field vs "
                    "ConvolutionalNetwork.is_critical_parameter (or numeric Jacobian rank) and "
                    "function_space.is_on_boundary")


if _optional("linnet_geometry.families.convolutional.critical"):
    _register_convolutional_critical()
