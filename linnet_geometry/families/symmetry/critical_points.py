"""The numeric path of SGJ2021: teacher data, the squared loss and its critical points.

:func:`mse_loss`, :func:`mse_gradient` and the analytic :func:`mse_hessian` of a
:class:`~linnet_geometry.families.symmetry.TwoLayerNetwork` on a float dataset, and
:func:`find_critical_point`, which finds an irreducible critical point of a given
width (BFGS, then Newton steps) whose split subspaces
(:func:`~linnet_geometry.families.symmetry.symmetry_induced_subspaces`) are critical
at larger widths (THEORY.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...checks import check_seed
from ...exact.matrix import as_matrix, inertia
from ...exceptions import DegenerateDataError, ShapeError
from ._checks import _check_size
from .activation import as_activation
from .network import TwoLayerNetwork, _irreducible

__all__ = ["teacher_dataset", "mse_loss", "mse_gradient", "mse_hessian", "CriticalPoint", "find_critical_point"]


def teacher_dataset(teacher, n_samples=40, seed=0, scale=1.0):
    """A concrete dataset ``(X, y)``: Gaussian inputs and the teacher's outputs (floats).

    Examples
    --------
    >>> from linnet_geometry.families.symmetry import example_teacher
    >>> X, y = teacher_dataset(example_teacher(2, 2), n_samples=5)
    >>> X.shape, y.shape
    ((5, 2), (5, 1))
    """
    n_samples = _check_size(n_samples, "n_samples", 1)
    rng = np.random.default_rng(check_seed(seed))
    X = rng.normal(scale=scale, size=(n_samples, teacher.input_dim))
    return X, teacher.output(X)


def _prep(network, X, y):
    X = np.asarray(as_matrix(X, "X", exact=False), dtype=float)
    y = np.asarray(y, dtype=float)
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    if X.shape[1] != network.input_dim:
        raise ShapeError(f"X has {X.shape[1]} columns; expected input_dim={network.input_dim}")
    if y.shape != (X.shape[0], network.output_dim):
        raise ShapeError(f"y has shape {y.shape}; expected {(X.shape[0], network.output_dim)}")
    return X, y


def _parts(network, X, y, order):
    W = np.asarray(network.incoming, dtype=float)
    A = np.asarray(network.outgoing, dtype=float)
    Z = X @ W.T
    S = [network.sigma.numeric(k)(Z) * np.ones_like(Z) for k in range(order + 1)]
    E = S[0] @ A - y
    return W, A, S, E


def mse_loss(network, X, y) -> float:
    """``L = (1/2N) sum_n ||f(x_n) - y_n||^2``.

    Examples
    --------
    >>> from linnet_geometry.families.symmetry import example_teacher
    >>> teacher = example_teacher(2, 1)
    >>> X, y = teacher_dataset(teacher, n_samples=5)
    >>> mse_loss(teacher, X, y), mse_loss(teacher, X, y + 1)
    (0.0, 0.5)
    """
    X, y = _prep(network, X, y)
    _, _, _, E = _parts(network, X, y, 0)
    return float(0.5 * np.sum(E ** 2) / X.shape[0])


def mse_gradient(network, X, y):
    """Gradient of :func:`mse_loss` in the layout of :meth:`TwoLayerNetwork.parameters`.

    Examples
    --------
    >>> from linnet_geometry.families.symmetry import example_teacher
    >>> teacher = example_teacher(2, 1)
    >>> X, y = teacher_dataset(teacher, n_samples=5)
    >>> g = mse_gradient(teacher, X, y)  # zero loss: a critical point
    >>> g.shape, bool(np.allclose(g, 0))
    ((4,), True)
    """
    X, y = _prep(network, X, y)
    W, A, S, E = _parts(network, X, y, 1)
    N = X.shape[0]
    gA = S[0].T @ E / N                       # (m, c)
    coef = (E @ A.T) * S[1]                   # (N, m): (e_n . a_j) sigma'(w_j.x_n)
    gW = coef.T @ X / N                       # (m, d)
    return np.concatenate([gW.ravel(), gA.ravel()])


def mse_hessian(network, X, y):
    """Exact (analytic) Hessian of :func:`mse_loss`, numerically evaluated.

    Examples
    --------
    >>> from linnet_geometry.families.symmetry import example_teacher
    >>> teacher = example_teacher(2, 1)
    >>> X, y = teacher_dataset(teacher, n_samples=5)
    >>> H = mse_hessian(teacher, X, y)
    >>> H.shape, bool(np.allclose(H, H.T))
    ((4, 4), True)
    """
    X, y = _prep(network, X, y)
    W, A, S, E = _parts(network, X, y, 2)
    N, d = X.shape
    m, c = A.shape
    P = m * (d + c)
    # Jacobian of outputs: rows (n, o)
    J = np.zeros((N, c, P))
    for j in range(m):
        for o in range(c):
            J[:, o, j * d:(j + 1) * d] = (A[j, o] * S[1][:, j])[:, None] * X
            J[:, o, m * d + j * c + o] = S[0][:, j]
    Jf = J.reshape(N * c, P)
    H = Jf.T @ Jf
    for j in range(m):
        wj = slice(j * d, (j + 1) * d)
        ea = E @ A[j]                                        # (N,)
        H[wj, wj] += (X * (ea * S[2][:, j])[:, None]).T @ X
        for o in range(c):
            ai = m * d + j * c + o
            cross = (E[:, o] * S[1][:, j]) @ X                # (d,)
            H[wj, ai] += cross
            H[ai, wj] += cross
    return H / N


@dataclass(frozen=True, eq=False)
class CriticalPoint:
    """A numerically found critical point of :func:`mse_loss` at width ``r`` (from :func:`find_critical_point`).

    Examples
    --------
    >>> from linnet_geometry.families.symmetry import example_teacher
    >>> X, y = teacher_dataset(example_teacher(2, 1), n_samples=20)
    >>> cp = find_critical_point(X, y, 1)
    >>> cp.network.width, cp.hessian_inertia
    (1, (2, 0, 0))
    """

    network: TwoLayerNetwork
    loss: float
    gradient_norm: float
    hessian_inertia: tuple
    restarts_used: int
    newton_steps: int

    def __repr__(self):
        return (f"CriticalPoint(width={self.network.width}, loss={self.loss:.6g}, "
                f"gradient_norm={self.gradient_norm:.2e}, hessian_inertia={self.hessian_inertia})")

    def to_dict(self):
        return {"network": self.network.to_dict(), "loss": self.loss, "gradient_norm": self.gradient_norm,
                "hessian_inertia": list(self.hessian_inertia), "restarts_used": self.restarts_used,
                "newton_steps": self.newton_steps}


def find_critical_point(X, y, width, sigma="g", seed=0, restarts=20, gradient_tol=1e-10,
                        max_newton=60, init_scale=1.0, irreducible_tol=1e-4) -> CriticalPoint:
    """Find an irreducible width-``r`` critical point of :func:`mse_loss` numerically.

    BFGS (scipy) from random starts, then Newton refinement with the analytic
    Hessian (least-squares steps) until ``||grad|| <= gradient_tol``.  Starts
    that do not reach the tolerance, or end reducible (an outgoing weight or
    two incoming vectors within ``irreducible_tol``), are discarded.

    Parameters
    ----------
    X : array_like, shape (N, d)
        Inputs (floats; this is the numeric path).
    y : array_like, shape (N,) or (N, c)
        Targets.
    width : int
        The width ``r`` of the network whose critical point is sought.
    sigma : str, Activation or sympy function
        Activation (default ``"g"``).
    seed, restarts : int
        Random starts ``seed, seed+1, ...``.
    gradient_tol : float
        Required Euclidean norm of the gradient (default ``1e-10``).

    Returns
    -------
    CriticalPoint
        Network, loss, gradient norm, numeric Hessian inertia ``(+, -, 0)``.

    Raises
    ------
    DegenerateDataError
        No start reached an irreducible critical point.

    Examples
    --------
    >>> from linnet_geometry.families.symmetry import example_teacher
    >>> X, y = teacher_dataset(example_teacher(2, 1), n_samples=20)
    >>> cp = find_critical_point(X, y, 1)
    >>> cp.gradient_norm <= 1e-10
    True
    """
    from scipy.optimize import minimize

    width = _check_size(width, "width", 1)
    restarts = _check_size(restarts, "restarts", 1)
    seed = check_seed(seed, allow_none=False, allow_numpy=False)
    X = np.asarray(as_matrix(X, "X", exact=False), dtype=float)
    y = np.asarray(y, dtype=float)
    y = y.reshape(-1, 1) if y.ndim == 1 else y
    act = as_activation(sigma)
    d, c = X.shape[1], y.shape[1]

    def net(theta):
        return TwoLayerNetwork.from_parameters(theta, width, d, c, act)

    failures = []
    for attempt in range(restarts):
        rng = np.random.default_rng(seed + attempt)
        theta = rng.normal(scale=init_scale, size=width * (d + c))
        with np.errstate(all="ignore"):
            res = minimize(lambda t: mse_loss(net(t), X, y), theta, jac=lambda t: mse_gradient(net(t), X, y),
                           method="BFGS", options={"gtol": 1e-9, "maxiter": 10000})
        theta = res.x
        steps = 0
        gn = float(np.linalg.norm(mse_gradient(net(theta), X, y)))
        while gn > gradient_tol and steps < max_newton and np.isfinite(gn):
            H = mse_hessian(net(theta), X, y)
            g = mse_gradient(net(theta), X, y)
            theta = theta - np.linalg.lstsq(H, g, rcond=1e-14)[0]
            steps += 1
            gn = float(np.linalg.norm(mse_gradient(net(theta), X, y)))
        if not (np.isfinite(gn) and gn <= gradient_tol):
            failures.append(f"start {attempt}: gradient norm {gn:.2e}")
            continue
        candidate = net(theta)
        why = _irreducible(candidate, irreducible_tol)
        if why:
            failures.append(f"start {attempt}: reducible ({why})")
            continue
        return CriticalPoint(candidate, mse_loss(candidate, X, y), gn,
                             inertia(mse_hessian(candidate, X, y)), attempt + 1, steps)
    raise DegenerateDataError(f"no irreducible width-{width} critical point with gradient norm <= {gradient_tol} "
                              f"found in {restarts} starts; expected at least one ({'; '.join(failures[:3])})")
