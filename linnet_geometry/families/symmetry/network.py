"""Two-layer networks ``f(x) = Σ_j a_j σ(⟨w_j, x⟩)`` and their teachers (SGJ2021; THEORY.md §5).

Parameters are laid out as ``θ = (w_1, …, w_m, a_1, …, a_m)``: the incoming
vectors row after row (``m d`` entries) followed by the outgoing weights
(``m c`` entries).  A teacher is an exact irreducible network (pairwise
distinct incoming vectors, non-zero outgoing weights).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np
import sympy

from ...exact.matrix import as_matrix
from ...exact.representation import representation, representation_of
from ...exceptions import AssumptionError, ExactInputRequiredError, InputTypeError, ProblemTooLargeError, ShapeError
from ._checks import _check_size
from .activation import as_activation

__all__ = ["TwoLayerNetwork", "MAX_TEACHER_ENTRIES", "example_teacher", "permuted_teacher", "same_function"]


#: Largest number of exact weights of :func:`example_teacher` (``r* (input_dim + output_dim)``).
MAX_TEACHER_ENTRIES = 100_000


@dataclass(frozen=True, eq=False)
class TwoLayerNetwork:
    """Two-layer network ``f(x) = Σ_j a_j σ(⟨w_j, x⟩)`` without biases (SGJ2021).

    Rows of ``incoming`` are the incoming vectors ``w_j``, rows of ``outgoing``
    the outgoing weights ``a_j`` (shape ``(m, c)``; a flat sequence means
    ``c = 1``).  Exact entries give sympy ``ImmutableMatrix`` attributes, floats
    numpy arrays.

    Examples
    --------
    >>> net = TwoLayerNetwork([[1, 0], [0, 2]], [3, -1], sigma="exp")
    >>> net
    TwoLayerNetwork(width=2, input_dim=2, output_dim=1, sigma='exp', exact)
    >>> net.function()
    3*exp(x1) - exp(2*x2)
    """

    incoming: object
    outgoing: object
    sigma: object = "g"

    def __post_init__(self):
        W = as_matrix(self.incoming, "incoming")
        a = self.outgoing
        if isinstance(a, (list, tuple)) and a and not isinstance(a[0], (list, tuple, np.ndarray)):
            a = [[x] for x in a]
        elif isinstance(a, np.ndarray) and a.ndim == 1:
            a = a.reshape(-1, 1)
        elif isinstance(a, sympy.MatrixBase) and a.rows == 1 and a.cols == W.shape[0] != 1:
            a = a.T  # a row of scalar outgoing weights
        A = as_matrix(a, "outgoing")
        if A.shape[0] != W.shape[0]:
            raise ShapeError(f"outgoing has {A.shape[0]} rows; expected {W.shape[0]} (one per neuron, the rows of incoming)")
        rep = representation_of(W, A)  # exact iff both are; frozen copies
        W, A = rep.immutable(rep.convert(W)), rep.immutable(rep.convert(A))
        object.__setattr__(self, "incoming", W)
        object.__setattr__(self, "outgoing", A)
        object.__setattr__(self, "sigma", as_activation(self.sigma))

    @property
    def is_exact(self):
        return isinstance(self.incoming, sympy.MatrixBase)

    @property
    def width(self):
        return self.incoming.shape[0]

    @property
    def input_dim(self):
        return self.incoming.shape[1]

    @property
    def output_dim(self):
        return self.outgoing.shape[1]

    def __repr__(self):
        kind = "exact" if self.is_exact else "numeric"
        return (f"TwoLayerNetwork(width={self.width}, input_dim={self.input_dim}, output_dim={self.output_dim}, "
                f"sigma={self.sigma.name!r}, {kind})")

    def parameters(self):
        """``theta = (w_1, ..., w_m, a_1, ..., a_m)`` (sympy column or numpy vector)."""
        rep = representation(self.is_exact)
        return rep.vector(rep.entries(self.incoming) + rep.entries(self.outgoing))

    @classmethod
    def from_parameters(cls, theta, width, input_dim, output_dim=1, sigma="g"):
        """Inverse of :meth:`parameters`."""
        vals = representation_of(theta).entries(theta)
        need = width * (input_dim + output_dim)
        if len(vals) != need:
            raise ShapeError(f"theta has {len(vals)} entries; expected {need} for width {width}, "
                             f"input_dim {input_dim}, output_dim {output_dim}")
        nw = width * input_dim
        W = [vals[j * input_dim:(j + 1) * input_dim] for j in range(width)]
        A = [vals[nw + j * output_dim: nw + (j + 1) * output_dim] for j in range(width)]
        if isinstance(theta, np.ndarray):
            return cls(np.array(W, dtype=float), np.array(A, dtype=float), sigma)
        return cls(W, A, sigma)

    def input_symbols(self):
        return sympy.symbols(f"x1:{self.input_dim + 1}", real=True)

    def function(self, x=None, symbolic_sigma=False):
        """The network function as a sympy expression in ``x`` (default ``x1..xd``).

        ``symbolic_sigma=True`` uses an undefined function ``sigma`` instead
        of the concrete one: an identity then holds for *every* sigma.
        """
        x = self.input_symbols() if x is None else tuple(x)
        sig = sympy.Function("sigma") if symbolic_sigma else self.sigma
        W, A = sympy.Matrix(self.incoming), sympy.Matrix(self.outgoing)  # float weights become sympy Floats
        outs = []
        for o in range(self.output_dim):
            total = sympy.Integer(0)
            for j in range(self.width):
                u = sum(W[j, k] * x[k] for k in range(self.input_dim))
                total += A[j, o] * sig(u)
            outs.append(total)
        return outs[0] if self.output_dim == 1 else sympy.Matrix(outs)

    def output(self, X):
        """Numeric outputs on the rows of ``X`` (shape ``(N, c)``)."""
        X = np.asarray(as_matrix(X, "X", exact=False), dtype=float)
        W = np.asarray(self.incoming, dtype=float)
        A = np.asarray(self.outgoing, dtype=float)
        return self.sigma.numeric(0)(X @ W.T) @ A

    def to_dict(self):
        conv = representation(self.is_exact).plain
        return {"width": self.width, "input_dim": self.input_dim, "output_dim": self.output_dim,
                "sigma": self.sigma.to_dict(),
                "incoming": [[conv(self.incoming[j, k]) for k in range(self.input_dim)] for j in range(self.width)],
                "outgoing": [[conv(self.outgoing[j, o]) for o in range(self.output_dim)] for j in range(self.width)]}


def _check_teacher(teacher):
    if not isinstance(teacher, TwoLayerNetwork):
        raise InputTypeError(f"teacher must be a TwoLayerNetwork; received {type(teacher).__name__}")
    if not teacher.is_exact:
        raise ExactInputRequiredError("teacher has float weights; expected exact numbers (int, Fraction, sympy Rational)")
    rows = [tuple(teacher.incoming.row(j)) for j in range(teacher.width)]
    if len(set(rows)) != len(rows):
        raise AssumptionError(f"teacher is reducible: incoming vectors {rows} are not pairwise distinct; "
                              "expected a minimal (irreducible) teacher")
    for j in range(teacher.width):
        if all(v == 0 for v in teacher.outgoing.row(j)):
            raise AssumptionError(f"teacher is reducible: neuron {j} has outgoing weight 0; expected non-zero outgoing weights")
    return teacher


def example_teacher(r_star, input_dim=2, output_dim=1, sigma="g") -> TwoLayerNetwork:
    """A deterministic irreducible exact teacher of width ``r_star``.

    ``w_i[k] = (-1)^k (i+1)^(k+1) / (k+1)`` and ``a_i = (-2)^i`` (all subset
    sums of the ``a_i`` are distinct and non-zero).

    Examples
    --------
    >>> example_teacher(2, input_dim=2).incoming
    Matrix([
    [1, -1/2],
    [2,   -2]])
    """
    r_star = _check_size(r_star, "r_star", 1)
    input_dim = _check_size(input_dim, "input_dim", 1)
    output_dim = _check_size(output_dim, "output_dim", 1)
    entries = r_star * (input_dim + output_dim)
    if entries > MAX_TEACHER_ENTRIES:
        raise ProblemTooLargeError(f"a teacher with r* = {r_star}, input_dim = {input_dim}, output_dim = {output_dim} "
                                   f"has {entries} exact weights; expected at most {MAX_TEACHER_ENTRIES}")
    W = [[sympy.Rational((-1) ** k * (i + 1) ** (k + 1), k + 1) for k in range(input_dim)] for i in range(r_star)]
    A = [[sympy.Integer((-2) ** i * (o + 1)) for o in range(output_dim)] for i in range(r_star)]
    return TwoLayerNetwork(W, A, sigma)


def permuted_teacher(teacher, m, permutation) -> TwoLayerNetwork:
    """The permuted teacher point at width ``m``: neuron ``j < r*`` carries
    teacher neuron ``permutation[j]``; extra neurons have ``w = 0, a = 0``.

    Examples
    --------
    >>> permuted_teacher(example_teacher(2, 1), 3, (1, 0)).incoming.T
    Matrix([[2, 1, 0]])
    """
    r = teacher.width
    m = _check_size(m, "m", r)
    if sorted(permutation) != list(range(r)):
        raise InputTypeError(f"permutation must be a permutation of 0..{r - 1}; received {permutation!r}")
    d, c = teacher.input_dim, teacher.output_dim
    W = [list(teacher.incoming.row(p)) for p in permutation] + [[0] * d for _ in range(m - r)]
    A = [list(teacher.outgoing.row(p)) for p in permutation] + [[0] * c for _ in range(m - r)]
    return TwoLayerNetwork(W, A, teacher.sigma)


def same_function(net1, net2) -> bool:
    """Exact decision whether two exact networks compute the same function.

    Neurons are grouped by incoming vector and their outgoing weights summed;
    under SGJ2021's hypotheses on sigma the functions ``x -> sigma(w.x)`` for
    distinct ``w`` are linearly independent, so the functions agree iff the
    grouped sums agree.

    Examples
    --------
    >>> t = example_teacher(1, 1)
    >>> same_function(t, TwoLayerNetwork([[1], [1]], [2, -1], "g"))
    True
    """
    for net in (net1, net2):
        if not net.is_exact:
            raise ExactInputRequiredError("same_function needs exact networks; received float weights")
    if net1.output_dim != net2.output_dim or net1.input_dim != net2.input_dim:
        return False
    acc = {}
    for net, sign in ((net1, 1), (net2, -1)):
        for j in range(net.width):
            key = tuple(net.incoming.row(j))
            acc[key] = acc.get(key, sympy.zeros(1, net.output_dim)) + sign * net.outgoing.row(j)
    return all(all(v == 0 for v in vec) for vec in acc.values())


def _irreducible(net, tol):
    """Why ``net`` is reducible (a sentence), or None; numeric networks compare with tolerance ``tol``."""
    W = np.asarray(net.incoming, dtype=float) if not net.is_exact else None
    if net.is_exact:
        rows = [tuple(net.incoming.row(j)) for j in range(net.width)]
        if len(set(rows)) != len(rows):
            return "two neurons share an incoming vector"
        if any(all(v == 0 for v in net.outgoing.row(j)) for j in range(net.width)):
            return "a neuron has outgoing weight 0"
        return None
    A = np.asarray(net.outgoing, dtype=float)
    if np.any(np.max(np.abs(A), axis=1) <= tol):
        return f"a neuron has |outgoing weight| <= {tol}"
    for i in range(net.width):
        for j in range(i):
            if np.max(np.abs(W[i] - W[j])) <= tol:
                return f"neurons {j} and {i} have incoming vectors closer than {tol}"
    return None


@lru_cache(maxsize=8)
def _teacher_denominator(teacher):
    """Least common denominator of a rational teacher's weights."""
    return math.lcm(*(int(v.q) for v in list(teacher.incoming) + list(teacher.outgoing)))


@lru_cache(maxsize=8)
def _teacher_values(teacher):
    """The teacher's incoming rows, outgoing rows (Fractions when rational) and the zero outgoing row."""
    def conv(v):
        return Fraction(int(v.p), int(v.q)) if isinstance(v, sympy.Rational) else v
    W = tuple(tuple(conv(v) for v in teacher.incoming.row(i)) for i in range(teacher.width))
    A = tuple(tuple(conv(v) for v in teacher.outgoing.row(i)) for i in range(teacher.width))
    return W, A, (0,) * teacher.output_dim

