"""Landscape surveys: a local optimizer from many random starts, and a table of the critical points reached.

Each start runs L-BFGS on ``L = ℓ ∘ μ_d``, refines the end point to a critical
point and classifies it (TKB2020); end points are merged by end-to-end matrix
and role.  A survey without bad local minima is evidence, not proof, of a
benign landscape (BH1989, K2016, LvB2018 prove it for the quadratic loss).
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import pickle
from dataclasses import dataclass, field

import numpy as np

from ...checks import check_seed
from ...critical.classify import classify
from ...critical.derivatives import MAX_DENSE_HESSIAN, parameter_hessian
from ...exact.matrix import DEFAULT_TOL
from ...exceptions import InputTypeError
from ...model.network import partial_products
from ...numeric.progress import progress_bar
from ._common import _check_count, _check_network_loss, _MeasurementForm, _pack, _single_blas_thread, _unpacker

__all__ = ["SerialExecutor", "SurveyPoint", "LandscapeSurvey", "landscape_survey"]


class SerialExecutor(cf.Executor):
    """A :class:`concurrent.futures.Executor` that runs every task at submission, in this process.

    Examples
    --------
    >>> SerialExecutor().submit(pow, 2, 10).result()
    1024
    """

    def submit(self, fn, /, *args, **kwargs):
        fut = cf.Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the Future carries it, as in any executor
            fut.set_exception(exc)
        return fut


@dataclass(frozen=True)
class SurveyPoint:
    """One distinct critical point found by :func:`landscape_survey` (distinct end-to-end matrix and role).

    Attributes
    ----------
    end_to_end : tuple of tuples of float
        ``W̄ = μ(θ)`` (rounded to 12 significant digits).
    value : float
        ``L(θ)``.
    role : str
        From :func:`classify` (numeric): ``"global_min"``, ``"local_min"``,
        ``"strict_saddle"``, ``"non_strict_saddle"``, ``"undetermined"``.
    kind : str
        ``"pure"`` or ``"spurious"`` (TKB2020).
    is_minimum : bool
        ``role`` is ``"global_min"`` or ``"local_min"``.
    is_global : bool
        A minimum whose value equals the smallest value found (or certified
        ``"global_min"`` by classify).
    count : int
        Number of starts that ended here.
    first_start : int
        Index of the first such start.
    hessian_inertia : tuple or None
    gradient_norm : float
        ``‖∇L‖`` at the refined representative.
    theta : tuple
        The representative θ of the first start (nested tuples of float).

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> survey = landscape_survey(LinearNetwork((2, 1, 2)), QuadraticLoss([[3, 0], [0, 1]]), starts=4, seed=0,
    ...                           executor=SerialExecutor(), progress=False)
    >>> point = survey.points[0]
    >>> point.role, point.kind, round(point.value, 9), point.count, point.hessian_inertia
    ('global_min', 'pure', 1.0, 4, (3, 0, 1))
    """

    end_to_end: tuple
    value: float
    role: str
    kind: str
    is_minimum: bool
    is_global: bool
    count: int
    first_start: int
    hessian_inertia: tuple | None
    gradient_norm: float
    theta: tuple = field(repr=False)

    @property
    def is_bad_local_minimum(self) -> bool:
        """A local minimum that is not global."""
        return self.is_minimum and not self.is_global

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"end_to_end": [list(r) for r in self.end_to_end], "value": self.value, "role": self.role,
                "kind": self.kind, "is_minimum": self.is_minimum, "is_global": self.is_global,
                "is_bad_local_minimum": self.is_bad_local_minimum, "count": self.count,
                "first_start": self.first_start,
                "hessian_inertia": None if self.hessian_inertia is None else list(self.hessian_inertia),
                "gradient_norm": self.gradient_norm, "theta": [[list(r) for r in W] for W in self.theta]}


@dataclass(frozen=True)
class LandscapeSurvey:
    """Result of :func:`landscape_survey`.

    Attributes
    ----------
    widths : tuple of int
    loss : str
        ``loss.describe()``.
    starts : int
    seed : int or None
    points : tuple of SurveyPoint
        Distinct critical points, sorted by value then role.
    outcomes : tuple of int
        For each start (in order), the index of its point in ``points``, or
        ``-1`` when the refined end point was not critical within tolerance.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> survey = landscape_survey(LinearNetwork((2, 1, 2)), QuadraticLoss([[3, 0], [0, 1]]), starts=4, seed=0,
    ...                           executor=SerialExecutor(), progress=False)
    >>> survey
    LandscapeSurvey(widths=(2, 1, 2), starts=4, local_minima=1, global_minima=1, bad_local_minima=0, saddles=0, failed=0)
    >>> survey.outcomes, survey.is_benign
    ((0, 0, 0, 0), True)
    """

    widths: tuple
    loss: str
    starts: int
    seed: object
    points: tuple
    outcomes: tuple

    @property
    def minima(self):
        return tuple(p for p in self.points if p.is_minimum)

    @property
    def global_minima(self):
        return tuple(p for p in self.points if p.is_minimum and p.is_global)

    @property
    def bad_local_minima(self):
        return tuple(p for p in self.points if p.is_bad_local_minimum)

    @property
    def saddles(self):
        return tuple(p for p in self.points if p.role in ("strict_saddle", "non_strict_saddle"))

    @property
    def undetermined(self):
        return tuple(p for p in self.points if p.role == "undetermined")

    @property
    def num_failed(self) -> int:
        """Starts whose refined end point was not critical."""
        return sum(1 for o in self.outcomes if o < 0)

    @property
    def bad_fraction(self) -> float:
        """Fraction of starts that ended in a bad (non-global) local minimum."""
        return sum(1 for o in self.outcomes if o >= 0 and self.points[o].is_bad_local_minimum) / self.starts

    @property
    def is_benign(self) -> bool:
        """No bad local minimum was found (evidence, not proof)."""
        return not self.bad_local_minima

    def counts(self):
        """Dictionary of the tallies shown by :meth:`table`."""
        return {"starts": self.starts, "distinct_critical_points": len(self.points),
                "local_minima": len(self.minima), "global_minima": len(self.global_minima),
                "bad_local_minima": len(self.bad_local_minima), "saddles": len(self.saddles),
                "undetermined": len(self.undetermined), "failed_starts": self.num_failed,
                "bad_fraction": self.bad_fraction}

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"widths": list(self.widths), "loss": self.loss, "starts": self.starts, "seed": self.seed,
                "counts": self.counts(), "points": [p.to_dict() for p in self.points],
                "outcomes": list(self.outcomes)}

    def table(self) -> str:
        """Text table: one row per distinct critical point, then the tallies."""
        head = f"{'#':>3} {'value':>14} {'role':<18} {'kind':<9} {'global':<6} {'starts':>6}  inertia"
        rows = [f"landscape survey: widths {self.widths}, {self.loss}, {self.starts} starts (seed {self.seed})", head,
                "-" * len(head)]
        for k, p in enumerate(self.points):
            tag = "yes" if p.is_global else ("BAD" if p.is_minimum else "-")
            rows.append(f"{k:>3} {p.value:>14.8g} {p.role:<18} {p.kind:<9} {tag:<6} {p.count:>6}  "
                        f"{p.hessian_inertia}")
        c = self.counts()
        rows.append("-" * len(head))
        rows.append(f"local minima {c['local_minima']} (global {c['global_minima']}, bad {c['bad_local_minima']}), "
                    f"saddles {c['saddles']}, undetermined {c['undetermined']}, failed starts {c['failed_starts']}; "
                    f"fraction of starts in a bad local minimum {c['bad_fraction']:.3f}")
        return "\n".join(rows)

    def __str__(self):
        return self.table()

    def _repr_latex_(self):
        c = self.counts()
        return (rf"$\text{{{c['starts']} starts: {c['local_minima']} local minima ({c['global_minima']} global, "
                rf"{c['bad_local_minima']} bad), {c['saddles']} saddles}}$")

    def __repr__(self):
        c = self.counts()
        return (f"LandscapeSurvey(widths={self.widths}, starts={self.starts}, local_minima={c['local_minima']}, "
                f"global_minima={c['global_minima']}, bad_local_minima={c['bad_local_minima']}, "
                f"saddles={c['saddles']}, failed={c['failed_starts']})")


def _objective(network, loss):
    """Float ``(L(θ), ∇L(θ))`` on flat θ; fast for measurement forms."""
    form = _MeasurementForm.of(loss)
    unpack = _unpacker(network)

    def f(x):
        ms = unpack(x)
        L, R = zip(*partial_products(ms))
        W = ms[-1] @ R[-1]
        if form is not None:
            val, G = form.value(W), form.gradient(W)
        else:
            val, G = float(loss.value(W)), np.asarray(loss.gradient(W), dtype=float)
        return val, _pack(L[k].T @ G @ R[k].T for k in range(len(ms)))

    return f, unpack


def _rebalance(network, mats, ratio=4.0):
    """Flat θ; replaced by the balanced SVD factorization of ``W̄`` when the layers are far from balanced.

    ``L = ℓ ∘ μ`` only depends on ``W̄ = μ(θ)``, so any factorization of W̄ has
    the same loss.  L-BFGS can drift along the non-compact fibers into
    ill-conditioned regions (layer norms ≫ ‖W̄‖^{1/h}, with cancelling
    components) where it stalls; the factorization
    ``W_i = E Σ^{1/h} E'ᵀ`` (``W_1``, ``W_h`` carrying the singular vectors,
    top ``r`` singular values) restores a well-conditioned start.
    """
    h = len(mats)
    W = mats[-1] @ partial_products(mats)[-1][1]
    P, s, Qt = np.linalg.svd(W)
    target = float(np.sum(s[:network.bottleneck] ** (2.0 / h)))  # ‖W_i‖² of the balanced factorization
    worst = max(float(np.sum(M * M)) for M in mats)
    if worst <= ratio * max(target, 1e-300):
        return _pack(mats)
    w, r = network.widths, network.bottleneck
    root = s[:r] ** (1.0 / h)
    out = []
    for i in range(h):
        left = P[:, :r] if i == h - 1 else np.eye(w[i + 1], r)
        right = Qt[:r] if i == 0 else np.eye(r, w[i])
        out.append((left * root) @ right)
    return _pack(out)


def _survey_one(network, loss, seed_seq, init_scale, maxiter, refine_tol, tol):
    """One start: L-BFGS (rounds separated by :func:`_rebalance`), Newton refinement (least-squares steps on
    ∇L = 0), numeric classify."""
    from scipy.optimize import minimize

    rng = np.random.default_rng(seed_seq)
    f, unpack = _objective(network, loss)
    x = _pack(init_scale * rng.standard_normal(s) for s in network.shapes)
    for _ in range(4):  # L-BFGS, then rebalance (L is unchanged) to undo drift into ill-conditioned regions
        res = minimize(f, x, jac=True, method="L-BFGS-B",
                       options={"maxiter": maxiter, "maxcor": 20, "ftol": 1e-15, "gtol": 1e-12})
        x = _rebalance(network, unpack(res.x))
        g = f(x)[1]
        if np.linalg.norm(g) <= refine_tol:
            break
    if network.num_params <= MAX_DENSE_HESSIAN:
        for _ in range(30):
            gn = float(np.linalg.norm(g))
            if gn <= refine_tol:
                break
            H = np.asarray(parameter_hessian(network, loss, unpack(x)), dtype=float)
            step = np.linalg.lstsq(H, -g, rcond=1e-12)[0]
            t, improved = 1.0, False
            while t > 1e-4:
                g_new = f(x + t * step)[1]
                if np.linalg.norm(g_new) < gn:
                    x, g, improved = x + t * step, g_new, True
                    break
                t /= 2
            if not improved:
                break
    theta = unpack(x)
    rep = classify(network, loss, theta, tol=tol)
    Wbar = theta[-1] @ partial_products(theta)[-1][1]
    return {"theta": [M.copy() for M in theta], "Wbar": Wbar, "critical": rep.is_critical, "role": rep.role,
            "kind": rep.kind, "value": float(rep.value), "inertia": rep.hessian_inertia,
            "gnorm": float(rep.gradient_norm)}


def _run_chunk(network, loss, seeds, init_scale, maxiter, refine_tol, tol):
    with _single_blas_thread():
        return [_survey_one(network, loss, s, init_scale, maxiter, refine_tol, tol) for s in seeds]


def _round_tuple(M, digits=12):
    return tuple(tuple(float(f"{v:.{digits}g}") for v in row) for row in np.asarray(M))


def landscape_survey(network, loss, starts=32, seed=0, executor=None, *, init_scale=1.0, maxiter=5000,
                     refine_tol=1e-10, tol=DEFAULT_TOL, dedup_tol=1e-6, value_tol=1e-8, global_value=None,
                     progress=None, chunksize=None, max_workers=None) -> LandscapeSurvey:
    """Run a local optimizer from many random starts and tabulate the critical points reached.

    Each start draws ``θ_0`` with i.i.d. ``N(0, init_scale²)`` entries from its
    own generator (``numpy.random.SeedSequence(seed).spawn(starts)``), runs
    L-BFGS on ``L(θ)`` with the exact parameter gradient, refines the end
    point to a critical point (least-squares Newton steps on ``∇L = 0`` with
    the parameter Hessian, until ``‖∇L‖ ≤ refine_tol``; skipped above
    :data:`~linnet_geometry.critical.derivatives.MAX_DENSE_HESSIAN`
    parameters) and classifies it with :func:`classify` (numeric, ``tol``).
    End points are merged when their roles agree and their end-to-end
    matrices agree within ``dedup_tol·max(1, ‖W̄‖)`` (points of one fiber
    are one critical point of the function-space problem).  A minimum is
    **global** when classify certifies it or its value is within
    ``value_tol·max(1, |v|)`` of ``v = global_value`` when given (e.g. 0
    for a realizable sensing problem), else of the smallest value found; it
    is **bad** otherwise.

    Parameters
    ----------
    network : LinearNetwork
    loss : Loss
    starts : int
    seed : int or None
        Same seed ⇒ same result, whatever the executor.
    executor : concurrent.futures.Executor, optional
        Anything with ``submit`` returning futures (e.g.
        ``dask.distributed.Client.get_executor()``).  Chunks of starts are
        submitted and the results reassembled in start order, so they do not
        depend on the executor.  Default: a
        :class:`~concurrent.futures.ProcessPoolExecutor` with ``max_workers``
        local processes (default: the CPU count), created and shut down here;
        pass :class:`SerialExecutor` to stay in this process.
    init_scale, maxiter, refine_tol, tol, dedup_tol, value_tol : float / int
    global_value : float, optional
        The known global minimum value of L; without it the smallest value
        found stands in for it (then a survey that never reaches the global
        minimum reports its best local minimum as global).
    progress : bool or None
        Progress bar (:func:`~linnet_geometry.numeric.progress.progress_bar`: None shows it on a terminal).
    chunksize : int, optional
        Starts per submitted task (default: about four tasks per worker).

    Returns
    -------
    LandscapeSurvey

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> survey = landscape_survey(LinearNetwork((2, 1, 2)), QuadraticLoss([[3, 0], [0, 1]]), starts=8, seed=0,
    ...                           executor=SerialExecutor(), progress=False)
    >>> [(p.role, round(p.value, 9)) for p in survey.minima]
    [('global_min', 1.0)]
    >>> survey.is_benign
    True
    """
    _check_network_loss(network, loss)
    starts = _check_count(starts, "starts")
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise InputTypeError(f"executor: expected a concurrent.futures.Executor (an object with submit) or None; "
                             f"received {type(executor).__name__}")
    if max_workers is not None:
        max_workers = _check_count(max_workers, "max_workers")
    if global_value is not None and (isinstance(global_value, bool) or not isinstance(global_value, (int, float))
                                     or not np.isfinite(global_value)):
        raise InputTypeError(f"global_value: expected a finite number or None; received {global_value!r}")
    if not (isinstance(init_scale, (int, float)) and not isinstance(init_scale, bool) and init_scale > 0):
        raise InputTypeError(f"init_scale: expected a positive number; received {init_scale!r}")
    seed = check_seed(seed)
    if isinstance(seed, np.random.Generator):
        seed = int(seed.integers(2**63))
    seeds = (seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)).spawn(starts)
    own = executor is None
    if own:
        try:
            pickle.dumps((network, loss))
        except Exception as exc:  # lambdified caches and the like
            raise InputTypeError(f"loss: expected a picklable loss for the default process pool; received "
                                 f"{type(loss).__name__} ({exc}). Pass executor=SerialExecutor() or a thread "
                                 "pool") from None
        workers = max(1, min(starts, max_workers or os.cpu_count() or 1))
        executor = cf.ProcessPoolExecutor(max_workers=workers)
    else:
        workers = max_workers or getattr(executor, "_max_workers", None) or os.cpu_count() or 1
    if chunksize is None:
        chunksize = max(1, starts // (4 * workers))
    chunks = [list(range(a, min(a + chunksize, starts))) for a in range(0, starts, chunksize)]
    results = [None] * starts
    try:
        futs = [(executor.submit(_run_chunk, network, loss, [seeds[i] for i in ch], float(init_scale),
                                 int(maxiter), float(refine_tol), float(tol)), ch) for ch in chunks]
        with progress_bar(starts, "landscape survey", progress) as bar:
            for fut, ch in futs:  # in submission order: works with any futures, not only concurrent.futures
                for i, out in zip(ch, fut.result()):
                    results[i] = out
                bar.update(len(ch))
    finally:
        if own:
            executor.shutdown()
    return _tabulate(network, loss, starts, seed, results, dedup_tol, value_tol, global_value)


def _tabulate(network, loss, starts, seed, results, dedup_tol, value_tol, global_value=None):
    groups = []  # [Wbar, role, kind, value, members, first result]
    outcomes = []
    for i, out in enumerate(results):
        if not out["critical"]:
            outcomes.append(None)
            continue
        W = out["Wbar"]
        thr = dedup_tol * max(1.0, float(np.linalg.norm(W)))
        for gi, grp in enumerate(groups):
            if grp["role"] == out["role"] and float(np.linalg.norm(grp["Wbar"] - W)) <= thr:
                grp["members"].append(i)
                outcomes.append(gi)
                break
        else:
            groups.append({"Wbar": W, "role": out["role"], "members": [i], "first": out})
            outcomes.append(len(groups) - 1)
    minima_vals = [g["first"]["value"] for g in groups if g["role"] in ("global_min", "local_min")]
    vmin = min(minima_vals) if minima_vals else None
    if global_value is not None:
        vmin = float(global_value)
    points = []
    for g in groups:
        o = g["first"]
        is_min = o["role"] in ("global_min", "local_min")
        is_glob = is_min and (o["role"] == "global_min" or o["value"] <= vmin + value_tol * max(1.0, abs(vmin)))
        points.append(SurveyPoint(end_to_end=_round_tuple(o["Wbar"]), value=o["value"], role=o["role"],
                                  kind=o["kind"], is_minimum=is_min, is_global=bool(is_glob),
                                  count=len(g["members"]), first_start=g["members"][0],
                                  hessian_inertia=None if o["inertia"] is None else tuple(int(v) for v in o["inertia"]),
                                  gradient_norm=o["gnorm"], theta=tuple(_round_tuple(M, 17) for M in o["theta"])))
    order = sorted(range(len(points)), key=lambda k: (points[k].value, points[k].role, points[k].first_start))
    new_index = {old: new for new, old in enumerate(order)}
    points = tuple(points[k] for k in order)
    outcomes = tuple(-1 if o is None else new_index[o] for o in outcomes)
    return LandscapeSurvey(widths=network.widths, loss=loss.describe(), starts=starts,
                           seed=seed if seed is None or isinstance(seed, int) else str(seed), points=points,
                           outcomes=outcomes)
