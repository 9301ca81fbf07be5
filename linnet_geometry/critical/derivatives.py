"""Gradient and Hessian of ``L = ℓ ∘ μ_d`` in parameter space.

``∇_{W_i} L = W_{>i}ᵀ G W_{<i}ᵀ`` with ``G = ∇ℓ(W̄)`` (THEORY §1).  The
Hessian is ``Jᵀ ∇²ℓ J`` (``J = dμ``) plus the second-order term
``⟨G, d²μ(Δ, Δ')⟩``, whose block for layers ``i < j`` has entries
``H[(a,b),(c,d)] = M[d,a] · K[b,c]`` with ``M = W_{j-1}⋯W_{i+1}`` and
``K = W_{<i} Gᵀ W_{>j}`` (row-major indices of ``W_i`` and ``W_j``).
"""

from __future__ import annotations


from ..exact.representation import representation, representation_of
from ..exceptions import InputTypeError, ProblemTooLargeError
from ..model.losses import Loss, ParameterLoss, check_loss_shape
from ..model.network import partial_products

__all__ = ["parameter_gradient", "parameter_hessian", "prepare_point", "layer_gradients", "MAX_DENSE_HESSIAN"]

#: Largest number of parameters for which a dense Hessian is formed.
MAX_DENSE_HESSIAN = 4000


def _check_loss(loss):
    """A :class:`Loss` or a :class:`ParameterLoss`; anything else is a typed error."""
    if not isinstance(loss, (Loss, ParameterLoss)):
        raise InputTypeError(f"loss must be a linnet_geometry Loss (QuadraticLoss, PolynomialLoss, ...) or a "
                             f"ParameterLoss (RegularizedLoss); received {type(loss).__name__}")


def _check(network, loss):
    check_loss_shape(loss, network)


def prepare_point(network, loss, theta):
    """Validate θ against the network and the loss; return ``(mats, pp, W̄, exact)``.

    ``mats`` are the layers ``(W_1, …, W_h)`` (sympy for exact θ and an exact
    loss, float64 otherwise: an exact θ is rounded when the loss data are
    floats), ``pp`` the partial products ``(W_{>i}, W_{<i})`` of
    :func:`~linnet_geometry.model.network.partial_products`, ``W̄ = W_h ⋯ W_1``
    and ``exact`` whether the layers are exact.

    Raises
    ------
    ShapeError
        The loss acts on matrices of another shape than ``d_h × d_0``, or θ
        does not fit the widths.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> mats, pp, Wbar, exact = prepare_point(LinearNetwork((1, 2, 1)), QuadraticLoss([[1]]), [[[1], [2]], [[3, 4]]])
    >>> Wbar, exact
    (Matrix([[11]]), True)
    """
    _check(network, loss)
    mats = network.validate_theta(theta)
    rep = representation_of(*mats, exact=loss.is_exact)
    mats = tuple(rep.convert(M) for M in mats)
    pp = partial_products(mats)
    Wbar = mats[-1] @ pp[-1][1]
    return mats, pp, Wbar, rep.exact


def layer_gradients(pp, G, exact=None):
    """``(∇_{W_1} L, …, ∇_{W_h} L)`` with ``∇_{W_i} L = W_{>i}ᵀ G W_{<i}ᵀ`` (THEORY §1).

    Parameters
    ----------
    pp : sequence of pairs ``(W_{>i}, W_{<i})``
        The partial products (:func:`prepare_point`).
    G : matrix
        ``∇ℓ(W̄)`` (or the gradient of any function of ``W̄``).
    exact : bool, optional
        Not used (the products follow the representation of ``pp`` and
        ``G``); kept for earlier callers.

    Examples
    --------
    >>> import sympy
    >>> from linnet_geometry.model.network import partial_products
    >>> pp = partial_products((sympy.Matrix([[1]]), sympy.Matrix([[2]])))
    >>> layer_gradients(pp, sympy.Matrix([[3]]), True)
    (Matrix([[6]]), Matrix([[3]]))
    """
    return tuple(L.T @ G @ R.T for L, R in pp)


#: Earlier private names, kept for callers outside this package until they use the public ones.
_prepare = prepare_point
_gradients = layer_gradients


def parameter_gradient(network, loss, theta):
    """``(∇_{W_1} L, …, ∇_{W_h} L)`` at θ, exact for exact input.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> parameter_gradient(LinearNetwork((1, 1, 1)), QuadraticLoss([[1]]), [[[1]], [[0]]])
    (Matrix([[0]]), Matrix([[-2]]))
    """
    _check_loss(loss)
    if loss.acts_on_parameters:
        return loss.parameter_gradient(network, theta)
    mats, pp, Wbar, exact = prepare_point(network, loss, theta)
    return layer_gradients(pp, loss.gradient(Wbar), exact)


def _between(mats, i, j):
    """``W_{j-1} ⋯ W_{i+1}`` (1-based layers, i < j); identity when j = i + 1."""
    return representation_of(*mats).product(mats[i:j - 1], mats[i - 1].shape[0])


def parameter_hessian(network, loss, theta):
    """Hessian of L at θ as a ``d_θ × d_θ`` matrix (θ order: row-major, layer by layer).

    Exact for exact input.  Raises :class:`ProblemTooLargeError` above
    :data:`MAX_DENSE_HESSIAN` parameters.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> parameter_hessian(LinearNetwork((1, 1, 1)), QuadraticLoss([[1]]), [[[0]], [[0]]])
    Matrix([
    [ 0, -2],
    [-2,  0]])
    """
    if network.num_params > MAX_DENSE_HESSIAN:
        raise ProblemTooLargeError(
            f"a dense Hessian for widths {network.widths} has {network.num_params}^2 entries; expected at most "
            f"{MAX_DENSE_HESSIAN} parameters. Use closed-form criteria (classify does so when the Hessian is too big)")
    _check_loss(loss)
    if loss.acts_on_parameters:
        return loss.parameter_hessian(network, theta)
    mats, pp, Wbar, exact = prepare_point(network, loss, theta)
    rep = representation(exact)
    return _assemble(network, mats, rep.convert(loss.gradient(Wbar)), rep.convert(loss.hessian(Wbar)))


def _assemble(network, mats, G, Hl):
    """Hessian ``Jᵀ∇²ℓJ + ⟨G, d²μ⟩`` from the layers, ``G = ∇ℓ(W̄)`` and ``Hl = ∇²ℓ(W̄)`` (exact or float alike).

    The block of layers ``i < j`` of the second-order term is
    ``H[(a,b),(c,d)] = M[d,a] K[b,c]`` (module docstring): the Kronecker
    product ``Mᵀ ⊗ K`` with its column pairs ``(d, c)`` reordered to ``(c, d)``.
    Called with entrywise absolute values of float inputs it returns a matrix
    that dominates the absolute value of every product summed, which
    :func:`linnet_geometry.critical.classify.classify` turns into a rounding-error
    bound (Higham 2002, §3.5).
    """
    rep = representation_of(*mats)
    pp = partial_products(mats)
    J = network.differential(mats)
    h = network.depth
    sizes = [a * b for a, b in network.shapes]
    grid = [[rep.zeros(sizes[i - 1], sizes[j - 1]) for j in range(1, h + 1)] for i in range(1, h + 1)]
    for i in range(1, h + 1):
        for j in range(i + 1, h + 1):
            M = _between(mats, i, j)  # d_{j-1} × d_i
            K = pp[i - 1][1] @ G.T @ pp[j - 1][0]  # W_{<i} Gᵀ W_{>j}: d_{i-1} × d_j
            dj, djm1 = mats[j - 1].shape
            grid[i - 1][j - 1] = rep.kron(M.T, K)[:, [d * dj + c for c in range(dj) for d in range(djm1)]]
    S = rep.block(grid)  # the blocks i < j of the second-order term
    return J.T @ Hl @ J + (S + S.T)
