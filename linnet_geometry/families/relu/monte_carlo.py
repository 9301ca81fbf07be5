"""Monte Carlo fractions of full-rank Jacobians and the KMTM2024 phase transition.

Sampled activation patterns (uniform binary matrices, uniform realizable regions,
or patterns of Gaussian weights) are tested for a rank-``n`` Khatri--Rao Jacobian
in batches, through the Gram identity ``J^T J = (A^T A) o (X^T X)``.
:func:`phase_transition` tabulates the fraction over a grid of sample sizes and
widths, one independent seed per cell, on any ``concurrent.futures`` executor.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import numpy as np

from ...checks import check_seed
from ...exact.matrix import to_float
from ...exceptions import InputTypeError, ProblemTooLargeError, ShapeError
from ...numeric.progress import map_tasks, progress_bar
from ._common import MAX_SAMPLE_BYTES, _count, _data
from .counting import realizable_row_patterns

__all__ = ["SAMPLERS", "MC_TOL", "FullRankFraction", "full_rank_fraction", "PhaseTransition", "phase_transition",
           "draw_phase_transition", "MAX_PHASE_SAMPLES"]

#: Samplers accepted by :func:`full_rank_fraction` and :func:`phase_transition`.
#:
#: Examples
#: --------
#: >>> SAMPLERS[1]
#: 'uniform realizable region'
#: >>> full_rank_fraction(6, 1, 2, 10, sampler=SAMPLERS[1], seed=0).full_rank  # 2 * 2 < 6: never full rank
#: 0
SAMPLERS = ("uniform pattern", "uniform realizable region", "random initialization")


#: at most this many sampled Jacobians (samples per cell × cells) in one :func:`phase_transition`
MAX_PHASE_SAMPLES = 10**7


@dataclass(frozen=True)
class _Sampling:
    """The Monte Carlo setup a result records: input dimension ``d0`` (without bias), ``bias``, the sampler (one
    of :data:`SAMPLERS`), the number of samples (per cell) and the root entropy ``seed``."""

    d0: int
    bias: bool
    sampler: str
    samples: int
    seed: int = field(repr=False)


@dataclass(frozen=True)
class FullRankFraction(_Sampling):
    """Monte Carlo estimate of the fraction of full-rank Jacobians.

    Attributes
    ----------
    n, d0, d1 : int
        Samples, input dimension (without bias) and width.
    bias : bool
    sampler : str
        One of :data:`SAMPLERS`.
    samples, full_rank : int
        Number of sampled regions, and how many had rank ``n``.
    seed : int
        Entropy of the :class:`numpy.random.SeedSequence` used.

    Examples
    --------
    >>> r = full_rank_fraction(3, 1, 4, 20, seed=0)
    >>> r.samples, r.sampler, 0 < r.full_rank <= r.samples
    (20, 'uniform pattern', True)
    >>> full_rank_fraction(6, 1, 2, 50, seed=0).fraction   # 2 * 2 < 6: never full rank
    0.0
    """

    n: int
    d1: int
    full_rank: int

    @property
    def fraction(self) -> float:
        return self.full_rank / self.samples

    @property
    def stderr(self) -> float:
        p = self.fraction
        return math.sqrt(p * (1 - p) / self.samples)

    def _repr_latex_(self):
        return (f"$\\Pr[\\operatorname{{rank}} J = {self.n}] \\approx {self.fraction:.3f} \\pm {self.stderr:.3f}$ "
                f"($d_0={self.d0}$, $d_1={self.d1}$, {self.sampler})")

    def to_dict(self):
        return {"n": self.n, "d0": self.d0, "d1": self.d1, "bias": self.bias, "sampler": self.sampler,
                "samples": self.samples, "full_rank": self.full_rank, "fraction": self.fraction,
                "stderr": self.stderr, "seed": self.seed}


#: Monte Carlo rank tolerance; full rank iff ``s_min > MC_TOL * s_max`` for the
#: singular values of the Jacobian (decided on the Gram matrix, see :func:`full_rank_fraction`).
#:
#: Examples
#: --------
#: >>> MC_TOL
#: 1e-06
#: >>> import inspect
#: >>> inspect.signature(full_rank_fraction).parameters["tol"].default == MC_TOL
#: True
MC_TOL = 1e-6


def _batched_full_rank(A, Xf, tol=MC_TOL):
    """Boolean array: which patterns A (S, d1, n) give a rank-n Khatri--Rao Jacobian.

    Uses the Gram identity ``J^T J = (A^T A) o (X^T X)`` (Hadamard product) and
    ``eigvalsh``: full rank iff ``lambda_min > tol^2 lambda_max`` i.e.
    ``s_min > tol s_max``; with ``tol >= 1e-6`` the rounding of the Gram matrix
    (about ``n eps lambda_max``) cannot flip the decision.
    """
    S, d1, n = A.shape
    d0 = Xf.shape[0]
    out = np.zeros(S, dtype=bool)
    if d0 * d1 < n:
        return out
    alive = A.any(axis=1).all(axis=1)  # a sample inactive for every neuron kills rank
    idx = np.nonzero(alive)[0]
    if idx.size == 0:
        return out
    Af = A[idx].astype(float)
    G = (np.swapaxes(Af, 1, 2) @ Af) * (Xf.T @ Xf)[None]
    lam = np.linalg.eigvalsh(G)
    out[idx] = lam[:, 0] > tol * tol * lam[:, -1]
    return out


def _seed_entropy(seed):
    seed = check_seed(seed)
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    return np.random.SeedSequence(seed)


def _full_rank_count(n, d0, d1, samples, sampler, bias, ss, tol, progress, X=None):
    rng = np.random.default_rng(ss)
    d0p = d0 + int(bias)
    if X is None:
        Xf = rng.standard_normal((d0, n))
    else:
        Xf = X
    if bias:
        Xf = np.vstack([Xf, np.ones((1, n))])
    rows = realizable_row_patterns(Xf) if sampler == "uniform realizable region" else None
    per = max(1, int(4_000_000 // max(1, d1 * d0p * n)))
    full = 0
    done = 0
    with progress_bar(samples, f"full rank n={n} d1={d1}", progress) as bar:
        while done < samples:
            m = min(per, samples - done)
            if sampler == "uniform pattern":
                A = rng.integers(0, 2, size=(m, d1, n), dtype=np.int8)
            elif sampler == "uniform realizable region":
                A = rows[rng.integers(0, len(rows), size=(m, d1))]
            else:
                W = rng.standard_normal((m, d1, d0p))
                A = (W @ Xf > 0).astype(np.int8)
            full += int(_batched_full_rank(A, Xf, tol).sum())
            done += m
            bar.update(m)
    return full


def _check_sample_memory(n, d0p, d1):
    need = 8 * (n * n + d1 * n + d0p * n)
    if need > MAX_SAMPLE_BYTES:
        raise ProblemTooLargeError(
            f"one sample with n = {n}, d0' = {d0p}, d1 = {d1} needs about {need / 2**30:.1f} GiB (n x n Gram matrix); "
            f"expected at most {MAX_SAMPLE_BYTES / 2**30:.0f} GiB")


def _check_tol(tol):
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not (1e-7 <= tol < 1):
        raise InputTypeError(f"tol is {tol!r}; expected a float in [1e-7, 1) (Gram-matrix rank decision)")


def _check_sampler(sampler):
    if sampler not in SAMPLERS:
        raise InputTypeError(f"sampler is {sampler!r}; expected one of {list(SAMPLERS)}")


def full_rank_fraction(n, d0, d1, samples, sampler="uniform pattern", *, bias=True, X=None, seed=None,
                       tol=MC_TOL, progress=False):
    """Monte Carlo fraction of sampled activation regions whose Jacobian has rank ``n``.

    Parameters
    ----------
    n, d0, d1 : int
        Samples, input dimension (bias not counted) and hidden width.
    samples : int
        Number of sampled patterns.
    sampler : {"uniform pattern", "uniform realizable region", "random initialization"}
        Uniform binary ``d1 x n`` matrices; uniform among the realizable regions of
        the dataset (each neuron uniform among :func:`realizable_row_patterns`);
        patterns of Gaussian weights ``W``.
    bias : bool
        Append a constant input coordinate (``d0' = d0 + 1``).
    X : array (d0, n), optional
        Data; default standard Gaussian (generic), drawn from the seed.
    seed : int or numpy.random.SeedSequence, optional
    tol : float
        Numeric rank: full rank iff ``s_min > tol * s_max`` (singular values of the
        Jacobian), decided from the eigenvalues of the Gram matrix
        ``(A^T A) o (X^T X)``, vectorised over samples.  Must be >= 1e-7 so that
        rounding cannot flip a decision.
    progress : bool or None
        Progress bar over the samples (``None``: only on a terminal; see
        :func:`~linnet_geometry.numeric.progress.progress_bar`).

    Returns
    -------
    FullRankFraction

    Examples
    --------
    >>> r = full_rank_fraction(6, 1, 8, 200, seed=0)
    >>> r.samples, 0.3 < r.fraction < 1
    (200, True)
    >>> full_rank_fraction(6, 1, 2, 50, seed=0).full_rank   # 2 * 2 < 6: never full rank
    0
    """
    n = _count(n, "n")
    d0 = _count(d0, "d0")
    d1 = _count(d1, "d1")
    samples = _count(samples, "samples")
    _check_sampler(sampler)
    _check_tol(tol)
    _check_sample_memory(n, d0 + int(bool(bias)), d1)
    Xf = None
    if X is not None:
        Xf = to_float(_data(X, "X"))
        if Xf.shape != (d0, n):
            raise ShapeError(f"X has shape {Xf.shape}; expected {(d0, n)} (d0, n), without the bias row")
    ss = _seed_entropy(seed)
    full = _full_rank_count(n, d0, d1, samples, sampler, bool(bias), ss, tol, progress, Xf)
    return FullRankFraction(n=n, d0=d0, d1=d1, bias=bool(bias), sampler=sampler, samples=samples,
                            full_rank=full, seed=int(ss.entropy) if isinstance(ss.entropy, int) else 0)


def _cell_task(args):
    """Worker of :func:`phase_transition` (module level so that it pickles)."""
    n, d0, d1, samples, sampler, bias, ss, tol = args
    return _full_rank_count(n, d0, d1, samples, sampler, bias, ss, tol, False)


@dataclass(frozen=True)
class PhaseTransition(_Sampling):
    """Table of full-rank fractions over a grid of sample sizes ``n`` and widths ``d1``.

    Attributes
    ----------
    d0 : int
    bias : bool
    ns, widths : tuple of int
        Grid rows (samples ``n``) and columns (widths ``d1``).
    samples : int
        Samples per cell.
    sampler : str
    full_rank : tuple of tuple of int
        ``full_rank[a][b]`` full-rank samples for ``n = ns[a]``, ``d1 = widths[b]``.
    seed : int
        Root entropy; cell ``k`` (row-major) uses the ``k``-th spawned SeedSequence.

    Examples
    --------
    >>> pt = phase_transition(1, [4, 8], [1, 8], samples=20, seed=0, max_workers=1)
    >>> pt.ns, pt.widths, pt.fractions.shape
    ((4, 8), (1, 8), (2, 2))
    >>> [row[0] for row in pt.full_rank]   # width 1: rank <= 2 < n
    [0, 0]
    """

    ns: tuple
    widths: tuple
    full_rank: tuple = field(repr=False)

    @property
    def fractions(self):
        return np.array(self.full_rank, dtype=float) / self.samples

    def transition_widths(self, level=0.5):
        """For each ``n`` the smallest width whose fraction is ``>= level`` (``None`` if none)."""
        out = []
        for row in self.fractions:
            hit = [w for w, f in zip(self.widths, row) if f >= level]
            out.append(hit[0] if hit else None)
        return tuple(out)

    def to_dict(self):
        return {"d0": self.d0, "bias": self.bias, "ns": list(self.ns), "widths": list(self.widths),
                "samples": self.samples, "sampler": self.sampler, "seed": self.seed,
                "full_rank": [list(r) for r in self.full_rank],
                "fractions": [[float(f) for f in r] for r in self.fractions],
                "transition_widths": list(self.transition_widths())}

    def table(self):
        """Plain-text table: one row per ``n``, one column per width."""
        head = "n \\ d1 " + " ".join(f"{w:>5d}" for w in self.widths)
        lines = [head]
        for n, row in zip(self.ns, self.fractions):
            lines.append(f"{n:>7d} " + " ".join(f"{f:5.2f}" for f in row))
        return "\n".join(lines)

    def _repr_latex_(self):
        rows = " \\\\ ".join(f"{n} & " + " & ".join(f"{f:.2f}" for f in r) for n, r in zip(self.ns, self.fractions))
        head = "n \\backslash d_1 & " + " & ".join(str(w) for w in self.widths)
        return f"$\\begin{{array}}{{r|{'c' * len(self.widths)}}} {head} \\\\ \\hline {rows} \\end{{array}}$"

    def plot(self, path=None, ax=None):
        """Thin wrapper of :func:`draw_phase_transition`."""
        return draw_phase_transition(self, path=path, ax=ax)


def phase_transition(d0, ns, widths, samples=100, sampler="uniform pattern", *, bias=True, seed=None,
                     executor=None, max_workers=None, tol=MC_TOL, progress=False):
    """Full-rank fraction over the grid ``ns x widths`` (the KMTM2024 phase transition).

    With uniform patterns the fraction moves from near 0 to near 1 as ``d1``
    grows past about ``n / d0'`` (KMTM2024).  Each cell ``k`` (row-major) gets its
    own child of ``SeedSequence(seed)``, so results do not depend on how cells are
    scheduled: serial, local processes and any executor give identical tables.

    Parameters
    ----------
    d0 : int
    ns, widths : sequence of int
    samples : int
    sampler : str
        See :func:`full_rank_fraction`.
    bias : bool
    seed : int, optional
    executor : concurrent.futures.Executor, optional
        Runs the cells (``submit``), heaviest first; e.g.
        ``dask.distributed.Client.get_executor()``.  Default: a local
        :class:`~concurrent.futures.ProcessPoolExecutor` with ``max_workers``
        processes (all cores by default; ``max_workers=1``: serial, in this
        process), through :func:`~linnet_geometry.numeric.progress.map_tasks`.
    progress : bool or None
        Progress bar over cells (``None``: only on a terminal).

    Returns
    -------
    PhaseTransition

    Examples
    --------
    >>> pt = phase_transition(1, [4, 8], [1, 2, 4, 8], samples=50, seed=1, max_workers=1)
    >>> pt.full_rank[0][0], pt.full_rank[1][0]
    (0, 0)
    >>> print(pt.table().splitlines()[0])
    n \\ d1     1     2     4     8
    """
    d0 = _count(d0, "d0")
    samples = _count(samples, "samples")
    _check_sampler(sampler)
    _check_tol(tol)
    ns = tuple(_count(n, "n") for n in ns)
    widths = tuple(_count(w, "width") for w in widths)
    if not ns or not widths:
        raise ShapeError(f"empty grid: ns={ns}, widths={widths}; expected at least one value each")
    _check_sample_memory(max(ns), d0 + int(bool(bias)), max(widths))
    if samples * len(ns) * len(widths) > MAX_PHASE_SAMPLES:
        raise ProblemTooLargeError(f"phase_transition would sample {samples} × {len(ns) * len(widths)} cells "
                                   f"Jacobians; expected at most {MAX_PHASE_SAMPLES} in total (refused before any work)")
    root = _seed_entropy(seed)
    cells = [(n, w) for n in ns for w in widths]
    seeds = root.spawn(len(cells))
    tasks = [(n, d0, w, samples, sampler, bool(bias), s, tol) for (n, w), s in zip(cells, seeds)]
    order = sorted(range(len(tasks)), key=lambda k: -cells[k][0] ** 2 * cells[k][1])  # heavy first
    workers = max_workers if max_workers is not None else (os.cpu_count() or 1)
    results = map_tasks(_cell_task, tasks, executor=executor, max_workers=workers, progress=progress,
                        desc="phase transition", order=order)
    table = tuple(tuple(results[a * len(widths) + b] for b in range(len(widths))) for a in range(len(ns)))
    return PhaseTransition(d0=d0, bias=bool(bias), ns=ns, widths=widths, samples=samples, sampler=sampler,
                           full_rank=table, seed=int(root.entropy) if isinstance(root.entropy, int) else 0)


def draw_phase_transition(result, path=None, ax=None):
    """Heat map of a :class:`PhaseTransition` (matplotlib, Agg backend when saving).

    Returns the matplotlib Figure; saves it to ``path`` when given.  The dashed
    line is ``d1 = n / d0'``.

    Examples
    --------
    >>> pt = phase_transition(1, [4, 6], [1, 2, 3], samples=10, seed=0, max_workers=1)
    >>> draw_phase_transition(pt).axes[0].get_xlabel()
    'width d1'
    """
    if not isinstance(result, PhaseTransition):
        raise InputTypeError(f"result has type {type(result).__name__}; expected PhaseTransition")
    import matplotlib

    if ax is None:
        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure

        fig = Figure(figsize=(7, 4))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    im = ax.imshow(result.fractions, origin="lower", aspect="auto", vmin=0, vmax=1, cmap="viridis",
                   extent=(result.widths[0] - 0.5, result.widths[-1] + 0.5, result.ns[0] - 0.5, result.ns[-1] + 0.5)
                   if len(result.widths) > 1 and len(result.ns) > 1 else None)
    d0p = result.d0 + int(result.bias)
    if len(result.widths) > 1 and len(result.ns) > 1:
        ns = np.array(result.ns, dtype=float)
        ax.plot(ns / d0p, ns, "w--", lw=1, label=f"d1 = n/{d0p}")
        ax.set_xlim(result.widths[0] - 0.5, result.widths[-1] + 0.5)
        ax.legend(loc="lower right", fontsize=8)
    ax.set_xlabel("width d1")
    ax.set_ylabel("samples n")
    ax.set_title(f"fraction of full-rank Jacobians (d0={result.d0}{' + bias' if result.bias else ''}, "
                 f"{result.sampler}, {result.samples}/cell)", fontsize=9)
    fig.colorbar(im, ax=ax)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


