"""Linear networks: widths, the symbolic parameterization μ_d and its differential.

A linear network with widths ``d = (d_0, ..., d_h)`` (input first) has weights
``θ = (W_1, ..., W_h)``, ``W_i`` of shape ``d_i × d_{i-1}``, and end-to-end map
``μ_d(θ) = W_h ⋯ W_1`` whose image is the determinantal variety ``M_r`` of
``d_h × d_0`` matrices of rank at most ``r = min_i d_i`` (TKB2020).

Vectorisation convention: matrices are flattened row-major (``vec(A)[a*n+b] =
A[a, b]``) and ``θ`` is the concatenation ``vec(W_1), ..., vec(W_h)``.  With it
``vec(A X B) = (A ⊗ Bᵀ) vec(X)``.
"""

from __future__ import annotations

import math
import numbers
from functools import cached_property

import numpy as np
import sympy

from ..checks import check_exact_entries
from ..exact.matrix import DEFAULT_TOL, as_matrix, rank
from ..exact.representation import EXACT, representation, representation_of
from ..exceptions import InputTypeError, ProblemTooLargeError, ShapeError, WidthsError

__all__ = ["LinearNetwork", "partial_products", "MAX_WIDTH", "MAX_SYMBOLIC_PARAMS", "MAX_SYMBOLIC_TERMS"]

#: Largest accepted width; anything bigger is rejected as a likely mistake.
MAX_WIDTH = 10**6
#: Largest number of parameters for which symbolic weight matrices are built.
MAX_SYMBOLIC_PARAMS = 20_000
#: Largest estimated size (monomials × factors) of the expanded symbolic ``μ_d`` or ``dμ``
#: (:meth:`LinearNetwork.end_to_end` / :meth:`LinearNetwork.differential` without θ).
MAX_SYMBOLIC_TERMS = 50_000


def partial_products(mats):
    """Pairs ``(W_{>i}, W_{<i})``, ``i = 1..h``, of weight matrices (sympy or numpy alike).

    ``W_{>i} = W_h ⋯ W_{i+1}`` (identity for i = h) and ``W_{<i} = W_{i-1} ⋯ W_1``
    (identity for i = 1), from ``2h`` products (prefix and suffix products).

    Examples
    --------
    >>> import numpy as np
    >>> [(L.shape, R.shape) for L, R in partial_products([np.ones((2, 3)), np.ones((1, 2))])]
    [((1, 2), (3, 3)), ((1, 1), (2, 3))]
    """
    h = len(mats)
    rep = representation_of(*mats)
    right = [rep.eye(mats[0].shape[1])]  # right[i-1] = W_{<i}
    for i in range(1, h):
        right.append(mats[i - 1] @ right[-1])
    left = [rep.eye(mats[-1].shape[0])] * h  # left[i-1] = W_{>i}
    for i in range(h - 1, 0, -1):
        left[i - 1] = left[i] @ mats[i]
    return tuple((left[i], right[i]) for i in range(h))


def _validate_widths(widths):
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__iter__"):
        raise WidthsError(f"widths: expected a sequence of positive integers (d_0, ..., d_h); received {widths!r}")
    if isinstance(widths, (set, frozenset, dict)):  # no d_0, ..., d_h order
        raise WidthsError(f"widths: expected an ordered sequence (tuple, list, array) of positive integers "
                          f"(d_0, ..., d_h); received a {type(widths).__name__}")
    ws = list(widths)
    if len(ws) < 2:
        raise WidthsError(f"widths: expected at least two entries (d_0, ..., d_h); received {ws!r}")
    out = []
    for k, w in enumerate(ws):
        if isinstance(w, (bool, np.bool_)):
            raise WidthsError(f"widths[{k}] is the bool {w!r}; expected a positive integer")
        if isinstance(w, sympy.Integer):
            w = int(w)
        if not isinstance(w, (numbers.Integral, np.integer)):
            raise WidthsError(f"widths[{k}] is {w!r} of type {type(w).__name__}; expected a positive integer")
        w = int(w)
        if w < 1:
            raise WidthsError(f"widths[{k}] is {w}; expected a positive integer")
        if w > MAX_WIDTH:
            raise WidthsError(f"widths[{k}] is {w}; expected at most {MAX_WIDTH}")
        out.append(w)
    return tuple(out)


class LinearNetwork:
    """A fully connected linear network ``x ↦ W_h ⋯ W_1 x``.

    Parameters
    ----------
    widths : sequence of int
        ``(d_0, d_1, ..., d_h)``, input width first, ``h >= 1``.
    symbol : str, default ``"w"``
        Prefix of the symbolic weights: entry ``(a, b)`` of ``W_i`` is the
        symbol ``{symbol}{i}_{a+1}_{b+1}``.

    Examples
    --------
    >>> net = LinearNetwork((3, 2, 3))
    >>> net.depth, net.bottleneck, net.is_filling, net.num_params
    (2, 2, False, 12)
    >>> net.functional_space
    DeterminantalVariety(rows=3, cols=3, rank=2)
    >>> net.end_to_end([[[1, 0, 0], [0, 1, 0]], [[1, 0], [0, 1], [0, 0]]])
    Matrix([
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 0]])
    """

    def __init__(self, widths, symbol: str = "w"):
        self._widths = _validate_widths(widths)
        if not isinstance(symbol, str) or not symbol.isidentifier():
            raise InputTypeError(f"symbol must be an identifier string; received {symbol!r}")
        self._symbol = symbol

    # -- basic data -----------------------------------------------------------
    @property
    def widths(self):
        """The widths ``(d_0, ..., d_h)``."""
        return self._widths

    @property
    def depth(self) -> int:
        """The number ``h`` of weight matrices."""
        return len(self._widths) - 1

    @property
    def bottleneck(self) -> int:
        """``r = min_i d_i``, the largest rank of ``μ_d(θ)`` (TKB2020)."""
        return min(self._widths)

    @property
    def is_filling(self) -> bool:
        """True iff ``r = min(d_0, d_h)``: the functional space is all matrices (TKB2020)."""
        return self.bottleneck == min(self._widths[0], self._widths[-1])

    @property
    def num_params(self) -> int:
        """``d_θ = Σ d_i d_{i-1}``."""
        w = self._widths
        return sum(w[i] * w[i - 1] for i in range(1, len(w)))

    @property
    def shapes(self):
        """Shapes ``(d_i, d_{i-1})`` of ``W_1, ..., W_h``."""
        w = self._widths
        return tuple((w[i], w[i - 1]) for i in range(1, len(w)))

    @cached_property
    def functional_space(self):
        """The determinantal variety ``M_r`` of ``d_h × d_0`` matrices of rank ≤ r."""
        from .variety import DeterminantalVariety

        return DeterminantalVariety(self._widths[-1], self._widths[0], self.bottleneck)

    def __repr__(self):
        return f"LinearNetwork(widths={self._widths})"

    def __eq__(self, other):
        return isinstance(other, LinearNetwork) and other._widths == self._widths

    def __hash__(self):
        return hash(("LinearNetwork", self._widths))

    def _latex(self, printer=None):
        ws = ", ".join(str(w) for w in self._widths)
        return (rf"\mu_d:\ (W_1,\dots,W_{{{self.depth}}}) \mapsto W_{{{self.depth}}}\cdots W_1,"
                rf"\quad d = ({ws}),\ r = {self.bottleneck}")

    def _repr_latex_(self):
        return f"${self._latex()}$"

    def to_dict(self):
        """Plain-data description (JSON-ready)."""
        return {"widths": list(self._widths), "depth": self.depth, "bottleneck": self.bottleneck,
                "is_filling": self.is_filling, "num_params": self.num_params}

    # -- the symbolic parameterization ---------------------------------------
    def _check_symbolic_size(self):
        if self.num_params > MAX_SYMBOLIC_PARAMS:
            raise ProblemTooLargeError(
                f"symbolic weights for widths {self._widths} need {self.num_params} symbols; expected at most "
                f"{MAX_SYMBOLIC_PARAMS}. Pass numeric weights (numpy arrays) to use the numeric path"
            )

    def _check_expansion(self, what, blocks=False):
        """Refuse an expansion of μ_d (or of its Jacobian) that would be far too large, before any work."""
        w, h = self._widths, self.depth
        terms = w[0] * w[-1] * math.prod(w[1:-1])  # monomials of μ_d, each a product of h weights
        # the chain of h products flattens ever longer monomials: about terms · h² operations
        size = terms * h * h if not blocks else sum(
            w[-1] * w[0] * math.prod(w[1:i]) * math.prod(w[i + 1:-1]) * w[i] * w[i - 1] * (h - 1)
            for i in range(1, h + 1))  # block i: W_{>i} ⊗ W_{<i}ᵀ, products of h - 1 weights
        if size > MAX_SYMBOLIC_TERMS:
            raise ProblemTooLargeError(
                f"the symbolic {what} of widths {self._widths} has about {size:.3g} monomial factors; expected at most "
                f"{MAX_SYMBOLIC_TERMS}. Evaluate it at a point θ instead")

    @cached_property
    def weights(self):
        """Tuple of sympy matrices of symbols ``(W_1, ..., W_h)``: the parameterization."""
        self._check_symbolic_size()
        out = []
        for i, (rows, cols) in enumerate(self.shapes, start=1):
            out.append(sympy.Matrix(rows, cols, lambda a, b, i=i: sympy.Symbol(f"{self._symbol}{i}_{a + 1}_{b + 1}")))
        return tuple(out)

    @property
    def parameters(self):
        """Flat tuple of the weight symbols in θ order (row-major, layer by layer)."""
        return tuple(s for W in self.weights for s in W)

    # -- points θ ------------------------------------------------------------
    def validate_theta(self, theta, exact=None, name="theta"):
        """Check shapes and entries of ``θ = (W_1, ..., W_h)``; return converted matrices.

        Exact input gives sympy matrices, floats give float64 arrays (all
        layers the same kind).  ``exact=True`` rejects floats.

        Examples
        --------
        >>> LinearNetwork((1, 1, 1)).validate_theta([[[2]], [[3]]])
        (Matrix([[2]]), Matrix([[3]]))
        """
        if isinstance(theta, (str, bytes)) or not hasattr(theta, "__len__"):
            raise ShapeError(f"{name} must be a sequence of {self.depth} weight matrices for widths {self._widths}; "
                             f"received {type(theta).__name__}")
        if isinstance(theta, np.ndarray) and theta.dtype != object:
            raise ShapeError(f"{name} must be a sequence of {self.depth} weight matrices for widths {self._widths}; "
                             f"received one array of shape {theta.shape}")
        if len(theta) != self.depth:
            raise ShapeError(f"{name} has {len(theta)} weight matrices; expected {self.depth} for widths {self._widths}")
        mats = []
        for i, (W, shape) in enumerate(zip(theta, self.shapes), start=1):
            try:
                M = as_matrix(W, f"{name}[{i - 1}] (W_{i})", exact=exact)
            except ShapeError:
                raise
            check_exact_entries(M, f"{name}[{i - 1}] (W_{i})")
            if tuple(M.shape) != shape:
                raise ShapeError(f"{name}[{i - 1}] (W_{i}) has shape {tuple(M.shape)}; expected {shape} "
                                 f"for widths {self._widths}")
            mats.append(M)
        rep = representation_of(*mats)  # mixed exact and float layers: all float
        return tuple(rep.convert(M) for M in mats)

    def end_to_end(self, theta=None):
        """``μ_d(θ) = W_h ⋯ W_1``: symbolic when ``theta`` is None, else its value.

        Examples
        --------
        >>> LinearNetwork((1, 1, 1)).end_to_end()
        Matrix([[w1_1_1*w2_1_1]])
        """
        if theta is None:
            self._check_expansion("end-to-end matrix μ_d")
        mats = self.weights if theta is None else self.validate_theta(theta)
        P = representation_of(*mats).product(mats, self._widths[0])
        return sympy.expand(P) if theta is None else P

    def partial_products(self, theta):
        """Pairs ``(W_{>i}, W_{<i})`` for ``i = 1..h``.

        ``W_{>i} = W_h ⋯ W_{i+1}`` (identity for i = h) and ``W_{<i} =
        W_{i-1} ⋯ W_1`` (identity for i = 1).  Computed with ``2h`` matrix
        products (prefix and suffix products), never more.

        Examples
        --------
        >>> net = LinearNetwork((1, 1, 1))
        >>> net.partial_products([[[2]], [[3]]])
        ((Matrix([[3]]), Matrix([[1]])), (Matrix([[1]]), Matrix([[2]])))
        """
        mats = self.validate_theta(theta)
        return self._partial_products(mats)

    def _partial_products(self, mats):
        return partial_products(mats)

    def flatten(self, theta):
        """The entries of ``θ`` as one tuple, layer by layer, row-major (the order of :attr:`parameters`).

        Examples
        --------
        >>> LinearNetwork((2, 1, 1)).flatten([[[1, 2]], [[3]]])
        (1, 2, 3)
        """
        mats = self.validate_theta(theta)
        out = []
        rep = representation_of(*mats)
        for M in mats:
            out.extend(rep.entries(M))
        return tuple(out)

    def unflatten(self, vector, exact=None):
        """The inverse of :meth:`flatten`: weight matrices ``(W_1, …, W_h)`` from ``num_params`` numbers.

        ``exact=True`` gives sympy matrices, ``False`` float arrays, ``None``
        decides by the entries (as :meth:`validate_theta`).

        Examples
        --------
        >>> LinearNetwork((2, 1, 1)).unflatten([1, 2, 3])
        (Matrix([[1, 2]]), Matrix([[3]]))
        >>> LinearNetwork((2, 1, 1)).unflatten([1.0, 2.0, 3.0], exact=False)[0]
        array([[1., 2.]])
        """
        vector = list(vector.ravel() if isinstance(vector, np.ndarray) else vector)
        for i, x in enumerate(vector):  # sympy.Matrix would sympify (evaluate) a string
            if isinstance(x, (str, bytes)):
                raise InputTypeError(f"vector[{i}] is the string {x!r}; expected a number")
        if len(vector) != self.num_params:
            raise ShapeError(f"vector has {len(vector)} entries; expected {self.num_params} for widths {self._widths}")
        rep = representation(exact is not False)  # exact=None: sympy first, validate_theta decides below
        out, k = [], 0
        for rows, cols in self.shapes:
            out.append(rep.matrix(rows, cols, vector[k:k + rows * cols]))
            k += rows * cols
        return self.validate_theta(out, exact=exact)

    # -- the differential ----------------------------------------------------
    def differential(self, theta=None):
        """Jacobian of ``vec(μ_d)`` with respect to θ (row-major vec), shape ``(d_h d_0) × d_θ``.

        Symbolic when ``theta`` is None; otherwise the exact (or float) matrix
        built block-wise from ``dμ(θ)(Δ) = Σ_i W_{>i} Δ_i W_{<i}``, i.e. the
        blocks ``W_{>i} ⊗ W_{<i}ᵀ``.

        Examples
        --------
        >>> LinearNetwork((1, 1, 1)).differential([[[2]], [[3]]])
        Matrix([[3, 2]])
        """
        if theta is None:  # the same block formula with symbolic partial products (no differentiation)
            self._check_expansion("differential dμ", blocks=True)
            blocks = [EXACT.kron(L, R.T) for L, R in self._partial_products(self.weights)]
            return EXACT.hstack(*blocks).applyfunc(sympy.expand)
        mats = self.validate_theta(theta)
        rep = representation_of(*mats)
        return rep.hstack(*[rep.kron(L, R.T) for L, R in self._partial_products(mats)])

    def differential_rank(self, theta, tol: float = DEFAULT_TOL) -> int:
        """Rank of ``dμ(θ)`` by the closed form (TKB2020; THEORY §1).

        ``rank dμ(θ) = Σ_j rk(W_{>j}) · (rk(W_{<j}) − rk(W_{<j+1}))`` with
        ``rk(W_{<h+1}) := 0``.  Exact for exact θ; numeric (SVD, relative
        tolerance ``tol``) for float θ.  Never forms the Jacobian.

        Examples
        --------
        >>> net = LinearNetwork((2, 1, 2))
        >>> net.differential_rank([[[0, 1]], [[0], [1]]])
        3
        >>> net.differential_rank([[[0, 0]], [[0], [0]]])
        0
        """
        mats = self.validate_theta(theta)
        pp = self._partial_products(mats)
        return self._rank_formula(mats, pp, tol)

    def _rank_formula(self, mats, pp, tol):
        h = self.depth
        # W_{>h} and W_{<1} are identities: their ranks are known
        rk_left = [rank(L, tol) for L, _ in pp[:-1]] + [self._widths[h]]
        rk_right = [self._widths[0]] + [rank(R, tol) for _, R in pp[1:]]
        rk_right.append(0)  # rk(W_{<h+1}) := 0 by convention of the formula
        total = 0
        for j in range(h):
            total += rk_left[j] * (rk_right[j] - rk_right[j + 1])
        return total

    @property
    def max_differential_rank(self) -> int:
        """``dim M_r = r (d_0 + d_h − r)``, the largest possible rank of dμ."""
        return self.functional_space.dim

    def has_maximal_rank_differential(self, theta, tol: float = DEFAULT_TOL) -> bool:
        """Whether ``rank dμ(θ) = dim M_r`` (TKB2020).

        Decided by the criterion of THEORY §1 (non-filling: ``rk W̄ = r``;
        filling: for every hidden layer i, ``rk W_{>i} = d_h`` or
        ``rk W_{≤i} = d_0``), which the tests check against
        :meth:`differential_rank`.

        Examples
        --------
        >>> LinearNetwork((2, 1, 2)).has_maximal_rank_differential([[[0, 1]], [[0], [1]]])
        True
        """
        mats = self.validate_theta(theta)
        pp = self._partial_products(mats)
        w, h = self._widths, self.depth
        if not self.is_filling:
            Wbar = mats[-1] @ pp[-1][1]
            return rank(Wbar, tol) == self.bottleneck
        for i in range(1, h):  # hidden layers 1..h-1
            left_i = pp[i - 1][0]  # W_{>i}
            upto_i = pp[i][1]  # W_{≤i} = W_{<i+1}
            if not (rank(left_i, tol) == w[h] or rank(upto_i, tol) == w[0]):
                return False
        return True
