"""Per-layer Jacobians of a deep ReLU network inside its activation region (KMTM2024, deep networks)."""

from __future__ import annotations

from dataclasses import dataclass, field


from ...exact.matrix import DEFAULT_TOL, rank as _rank
from ...exact.representation import representation_of
from ...exceptions import ShapeError
from ._common import _data
from .regions import activation_pattern

__all__ = ["DeepRegionJacobians", "deep_region_jacobians"]


@dataclass(frozen=True)
class DeepRegionJacobians:
    """Per-layer Jacobians of a deep ReLU network inside its current activation region.

    Attributes
    ----------
    patterns : tuple of numpy.ndarray
        Activation pattern of each hidden layer (``d_l x n``).
    jacobians : tuple of matrices
        ``jacobians[l]`` is the Jacobian of the ``n d_L`` outputs w.r.t. ``W_{l+1}``,
        shape ``(d_{l+1} d_l, n d_L)``; column ``(j, o)`` is ``b_{j,o} (x) h_l(x_j)``,
        ``b`` the backward vector and ``h_l`` the layer input.
    ranks : tuple of int
        Rank of each layer Jacobian.
    rank : int
        Rank of all layers together (the full parameter Jacobian).
    outputs : int
        ``n d_L``, the number of scalar outputs.

    Examples
    --------
    >>> r = deep_region_jacobians([[[1, 0], [0, 1]], [[1, 1]]], [[1, 2], [1, -1]])
    >>> r.ranks, r.rank, r.outputs
    ((2, 2), 2, 2)
    >>> r.jacobians[1]
    Matrix([
    [1, 2],
    [1, 0]])
    """

    patterns: tuple = field(repr=False)
    jacobians: tuple = field(repr=False)
    ranks: tuple
    rank: int
    outputs: int

    def to_dict(self):
        return {"patterns": [p.tolist() for p in self.patterns], "ranks": list(self.ranks),
                "rank": self.rank, "outputs": self.outputs}


def deep_region_jacobians(weights, X, tol=DEFAULT_TOL):
    """Jacobians of ``F(x) = W_L relu(W_{L-1} ... relu(W_1 x))`` w.r.t. each layer, inside its region.

    Inside an activation region the network is multilinear in the weights, so
    each layer Jacobian is again a Khatri--Rao product (KMTM2024, deep networks).
    Exact for exact weights and data.

    Raises
    ------
    DegenerateDataError
        If some pre-activation is zero (no open region).

    Examples
    --------
    >>> r = deep_region_jacobians([[[1, 0], [0, 1]], [[1, 1]]], [[1, 2], [1, -1]])
    >>> r.ranks, r.rank, r.outputs
    ((2, 2), 2, 2)
    """
    if not isinstance(weights, (list, tuple)) or len(weights) < 2:
        raise ShapeError(f"weights: expected a sequence of at least two layer matrices, received {type(weights).__name__}"
                         f"{'' if not isinstance(weights, (list, tuple)) else ' of length ' + str(len(weights))}")
    Xm = _data(X, "X")
    Ws = [_data(W, f"weights[{l}]") for l, W in enumerate(weights)]
    rep = representation_of(Xm, *Ws)
    Xm, Ws = rep.convert(Xm), [rep.convert(W) for W in Ws]
    prev = Xm.shape[0]
    for l, W in enumerate(Ws):
        if W.shape[1] != prev:
            raise ShapeError(f"weights[{l}] has shape {tuple(W.shape)}; expected ({W.shape[0]}, {prev}) to chain")
        prev = W.shape[0]
    n = Xm.shape[1]
    dL = Ws[-1].shape[0]
    # forward pass: inputs h_l of layer l and patterns
    hs, pats = [Xm], []
    for l, W in enumerate(Ws[:-1]):
        A = activation_pattern(W, hs[-1], tol=tol)
        pats.append(A)
        hs.append(rep.multiply(W @ hs[-1], rep.convert(A)))  # relu: the active pre-activations
    jacs = []
    for l in range(len(Ws)):
        blocks = []
        for j in range(n):
            # backward matrix B_j (d_L x d_l): d output / d z_l at sample j
            B = rep.eye(dL)
            for m in range(len(Ws) - 1, l, -1):
                B = B @ Ws[m] @ rep.diag(pats[m - 1][:, j])
            # row o of d output_o / d W_l at sample j: B[o] ⊗ h_l(x_j)
            blocks.append(rep.kron(B, hs[l][:, j:j + 1].T))
        jacs.append(rep.vstack(*blocks).T)
    ranks = tuple(_rank(J, tol) for J in jacs)
    full = rep.vstack(*jacs)
    return DeepRegionJacobians(patterns=tuple(pats), jacobians=tuple(jacs), ranks=ranks,
                               rank=_rank(full, tol), outputs=n * dL)
