"""Matrix sensing problems: random low-rank ground truths measured by Gaussian linear maps.

Linear networks with the matrix-sensing loss ``Σ_k (⟨A_k, W⟩ − b_k)²`` are the
factorized low-rank recovery problems of the literature (Ge, Jin & Zheng 2017).
"""

from __future__ import annotations

import numpy as np

from ...checks import check_seed
from ...exceptions import ProblemTooLargeError, ShapeError
from ...model.losses import MatrixSensingLoss
from ._common import _check_count

__all__ = ["gaussian_sensing_problem", "low_rank_ground_truth", "MAX_PROBLEM_BYTES"]

#: Largest memory (bytes) of the random arrays drawn by :func:`low_rank_ground_truth` / :func:`gaussian_sensing_problem`.
MAX_PROBLEM_BYTES = 2**31


def _check_problem_memory(what, floats):
    if 8 * floats > MAX_PROBLEM_BYTES:
        raise ProblemTooLargeError(f"{what} needs about {8 * floats / 2**30:.3g} GiB of float64 arrays; expected at most "
                                   f"{MAX_PROBLEM_BYTES / 2**30:.0f} GiB")


def low_rank_ground_truth(n, rank, seed=None, m=None):
    """A random ``m × n`` matrix of rank ``rank`` (``m = n`` by default), unit Frobenius norm.

    ``X* = P Qᵀ / ‖P Qᵀ‖_F`` with i.i.d. standard Gaussian ``P`` (m × rank) and ``Q`` (n × rank).

    Examples
    --------
    >>> X = low_rank_ground_truth(5, 2, seed=0)
    >>> X.shape, int(np.linalg.matrix_rank(X)), round(float(np.linalg.norm(X)), 12)
    ((5, 5), 2, 1.0)
    """
    n = _check_count(n, "n")
    m = n if m is None else _check_count(m, "m")
    rank = _check_count(rank, "rank")
    if rank > min(m, n):
        raise ShapeError(f"rank: expected at most min(m, n) = {min(m, n)}; received {rank}")
    _check_problem_memory(f"a {m}x{n} ground truth of rank {rank}", (m + n) * rank + 2 * m * n)
    rng = np.random.default_rng(check_seed(seed))
    X = rng.standard_normal((m, rank)) @ rng.standard_normal((rank, n))
    return X / np.linalg.norm(X)


def gaussian_sensing_problem(n, rank, num_measurements, seed=None, m=None):
    """Matrix sensing of a random rank-``rank`` ground truth by Gaussian measurements.

    ``A_k`` with i.i.d. ``N(0, 1/K)`` entries (``K = num_measurements``, so
    ``E Σ_k ⟨A_k, W⟩² = ‖W‖_F²``), ``b_k = ⟨A_k, X*⟩`` with ``X*`` from
    :func:`low_rank_ground_truth` (same seed stream).

    Returns
    -------
    (MatrixSensingLoss, numpy.ndarray)
        The loss ``Σ_k (⟨A_k, W⟩ − b_k)²`` on ``m × n`` matrices and ``X*``.

    Examples
    --------
    >>> loss, X = gaussian_sensing_problem(4, 1, 10, seed=3)
    >>> len(loss.measurements), loss.shape, float(loss.value(X)) < 1e-24
    (10, (4, 4), True)
    """
    K = _check_count(num_measurements, "num_measurements")
    mm = n if m is None else _check_count(m, "m")
    _check_problem_memory(f"{K} Gaussian {mm}x{_check_count(n, 'n')} measurements", 2 * K * mm * n)
    seed = check_seed(seed)
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(
        int(seed.integers(2**63)) if isinstance(seed, np.random.Generator) else seed)
    s_truth, s_meas = ss.spawn(2)
    X = low_rank_ground_truth(n, rank, seed=s_truth, m=m)
    rng = np.random.default_rng(s_meas)
    A = rng.standard_normal((K,) + X.shape) / np.sqrt(K)
    b = np.einsum("kij,ij->k", A, X)
    return MatrixSensingLoss(list(A), list(b)), X

