"""Symmetry-induced critical subspaces of two-layer networks (SGJ2021).

The model is ``f(x) = sum_j a_j sigma(w_j . x)`` with ``m`` hidden neurons, no
biases, input dimension ``d`` and ``c`` outputs (``c = 1``: scalar output).
Parameters are laid out as ``theta = (w_1, ..., w_m, a_1, ..., a_m)``: the
incoming vectors row after row (``m*d`` entries) followed by the outgoing
weights (``m*c`` entries).

Three routes are kept independent so that they can check one another:

* closed forms (:func:`T`, :func:`G`, :func:`piece_dimension`, ...) computed
  from Stirling numbers of the second kind (SGJ2021; THEORY.md §5);
* enumeration by definition (:func:`global_minimum_subspaces`,
  :func:`symmetry_induced_subspaces`), which lists set partitions / labelled
  assignments of the neurons and builds each affine piece with an exact base
  point and an exact basis of directions;
* exact linear algebra over QQ on those affine descriptions
  (:func:`affine_subspaces_intersect`, :func:`connectivity_graph`).

Conventions [convention, THEORY.md §5]: a zero-type *group* is a set of
neurons sharing one free incoming vector whose outgoing weights sum to 0
(``convention="group"``); ``convention="single"`` uses single zero neurons
(``a_j = 0``, ``w_j`` free).  A *permuted teacher point* at width ``m`` puts
teacher neuron ``pi(j)`` on neuron ``j < r*`` and gives the extra neurons
``w_j = 0, a_j = 0``.

Examples
--------
>>> T(2, 3), T(2, 3, convention="single"), G(2, 4)
(12, 12, 14)
>>> teacher = example_teacher(2, input_dim=1)
>>> pieces = list(global_minimum_subspaces(teacher, 3))
>>> len(pieces) == T(2, 3)
True
"""

from __future__ import annotations

import itertools
import math
import numbers
import random
import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property, lru_cache

import networkx as nx
import numpy as np
import sympy
from sympy.polys.matrices import DomainMatrix

from ..checks import check_seed
from ..exact.matrix import as_matrix
from ..exceptions import (
    AssumptionError,
    DegenerateDataError,
    ExactInputRequiredError,
    InputTypeError,
    ParseError,
    ProblemTooLargeError,
    ShapeError,
    WidthsError,
)

__all__ = [
    "Activation",
    "as_activation",
    "ActivationReport",
    "activation_assumptions",
    "SymmetryAssumptionWarning",
    "TwoLayerNetwork",
    "example_teacher",
    "permuted_teacher",
    "same_function",
    "stirling2",
    "MAX_ROW_WIDTH",
    "MAX_RESULT_BITS",
    "MAX_STIRLING_COST",
    "MAX_TEACHER_ENTRIES",
    "T",
    "G",
    "piece_dimension",
    "T_by_dimension",
    "T_multilayer",
    "G_multilayer",
    "minima_count",
    "GlobalMinimumPiece",
    "global_minimum_subspaces",
    "SplitSubspace",
    "symmetry_induced_subspaces",
    "affine_subspaces_intersect",
    "connectivity_graph",
    "permutation_graph",
    "ConnectivitySummary",
    "connectivity_summary",
    "draw_connectivity_graph",
    "teacher_dataset",
    "mse_loss",
    "mse_gradient",
    "mse_hessian",
    "CriticalPoint",
    "find_critical_point",
]

_T = sympy.Symbol("t", real=True)


class SymmetryAssumptionWarning(UserWarning):
    """sigma does not satisfy the hypotheses of SGJ2021 (results lose the theorem's guarantee).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     pieces = list(global_minimum_subspaces(example_teacher(1, 1, sigma="tanh"), 2))
    >>> [w.category.__name__ for w in caught]
    ['SymmetryAssumptionWarning']
    """


# ---------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------

def _check_int(value, name, minimum):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise WidthsError(f"{name}: expected an integer >= {minimum}; received {value!r}")
    value = int(value)
    if value < minimum:
        raise WidthsError(f"{name}: expected an integer >= {minimum}; received {value}")
    return value


def _int_seed(seed):
    """A validated seed as None or an int (for :class:`random.Random`)."""
    seed = check_seed(seed)
    if isinstance(seed, (np.random.SeedSequence, np.random.Generator)):
        return int(np.random.default_rng(seed).integers(2**63))
    return seed


def _check_convention(convention):
    if convention not in ("group", "single"):
        raise ParseError(f"convention: expected 'group' or 'single'; received {convention!r}")
    return convention


# ---------------------------------------------------------------------------
# activation
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Activation:
    """An activation function sigma given by a sympy expression in ``symbol``.

    Examples
    --------
    >>> as_activation("exp")
    Activation('exp': exp(t))
    >>> float(as_activation("g").numeric()(np.array([0.0]))[0])  # 1/2 + log 2
    1.1931471805599454
    """

    name: str
    expr: sympy.Expr
    symbol: sympy.Symbol = _T

    def __repr__(self):
        return f"Activation({self.name!r}: {self.expr})"

    def __call__(self, u):
        """sigma applied to a sympy expression ``u``."""
        return self.expr.xreplace({self.symbol: u})

    def derivative(self, order=1):
        """The ``order``-th derivative as an :class:`Activation`."""
        return Activation(f"{self.name}^({order})", sympy.diff(self.expr, self.symbol, order), self.symbol)

    def numeric(self, order=0):
        """A numpy-vectorised function computing the ``order``-th derivative."""
        return _lambdified(self.expr, self.symbol, order)

    def to_dict(self):
        return {"name": self.name, "expr": str(self.expr)}


@lru_cache(maxsize=64)
def _lambdified(expr, symbol, order):
    if expr.atoms(sympy.core.function.AppliedUndef):
        raise InputTypeError(f"sigma = {expr} contains an undefined function; numeric evaluation needs an explicit sigma")
    return sympy.lambdify(symbol, sympy.diff(expr, symbol, order), modules="numpy")


def _presets():
    t = _T
    return {
        "g": 1 / (1 + sympy.exp(-4 * t)) + sympy.log(1 + sympy.exp(t)),
        "tanh": sympy.tanh(t),
        "exp": sympy.exp(t),
    }


def as_activation(sigma) -> Activation:
    """Turn a preset name, a sympy function/Lambda/expression into an :class:`Activation`.

    Presets: ``"g"`` (``sigmoid(4t) + softplus(t)``, the function of SGJ2021's
    experiments), ``"tanh"``, ``"exp"``.  A sympy expression must have exactly
    one free symbol.

    Examples
    --------
    >>> as_activation(sympy.tanh).expr
    tanh(t)
    >>> s = sympy.Symbol("s"); as_activation(sympy.cos(s) + s).expr
    t + cos(t)
    """
    if isinstance(sigma, Activation):
        return sigma
    if isinstance(sigma, str):
        presets = _presets()
        if sigma not in presets:
            raise ParseError(f"unknown activation preset {sigma!r}; expected one of {sorted(presets)} or a sympy function")
        return Activation(sigma, presets[sigma])
    if isinstance(sigma, sympy.Lambda):
        if len(sigma.variables) != 1:
            raise InputTypeError(f"sigma must take one argument; received {sigma}")
        return Activation(str(sigma), sigma(_T))
    if isinstance(sigma, sympy.Expr):
        free = sigma.free_symbols
        if len(free) != 1:
            raise InputTypeError(f"sigma expression must have exactly one free symbol; received {sigma} with {sorted(map(str, free))}")
        return Activation(str(sigma), sigma.xreplace({free.pop(): _T}))
    if callable(sigma):
        try:
            expr = sympy.sympify(sigma(_T), strict=True)  # a returned string is refused, never parsed
        except Exception as err:  # user callables raise anything
            raise InputTypeError(f"sigma callable could not be applied to a sympy symbol ({err})") from None
        return Activation(getattr(sigma, "__name__", str(expr)), expr)
    raise InputTypeError(f"sigma must be a preset name, an Activation or a sympy function; received {type(sigma).__name__}")


@dataclass(frozen=True)
class ActivationReport:
    """Outcome of :func:`activation_assumptions` (hypotheses of SGJ2021).

    Examples
    --------
    >>> rep = activation_assumptions("g")
    >>> rep.satisfied, rep.value_at_zero, rep.checked_order
    (True, 1/2 + log(2), 12)
    >>> activation_assumptions("tanh").value_at_zero
    0
    """

    activation: Activation
    value_at_zero: sympy.Expr
    nonzero_odd_orders: tuple
    nonzero_even_orders: tuple
    checked_order: int
    satisfied: bool
    reason: str

    def to_dict(self):
        return {"activation": self.activation.to_dict(), "value_at_zero": str(self.value_at_zero),
                "nonzero_odd_orders": list(self.nonzero_odd_orders),
                "nonzero_even_orders": list(self.nonzero_even_orders),
                "checked_order": self.checked_order, "satisfied": self.satisfied, "reason": self.reason}


@lru_cache(maxsize=32)
def _assumption_report(act, order):
    t = act.symbol
    derivs = []
    expr = act.expr
    for k in range(order + 1):
        derivs.append(expr.subs(t, 0))
        expr = sympy.diff(expr, t)
    undecided = [k for k, v in enumerate(derivs) if v.is_zero is None]
    odd = tuple(k for k, v in enumerate(derivs) if k % 2 == 1 and v.is_zero is False)
    even = tuple(k for k, v in enumerate(derivs) if k % 2 == 0 and v.is_zero is False)
    reasons = []
    if undecided:
        reasons.append(f"cannot decide whether the derivatives of orders {undecided} vanish at 0")
    if derivs[0].is_zero is not False:
        reasons.append(f"sigma(0) = {derivs[0]}; expected sigma(0) != 0")
    if act.expr.is_polynomial(t):
        reasons.append("sigma is a polynomial (finitely many non-zero derivatives)")
    top_odd = order if order % 2 else order - 1
    top_even = order if order % 2 == 0 else order - 1
    if top_odd not in odd:
        reasons.append(f"sigma^({top_odd})(0) = 0: no evidence of infinitely many non-zero odd derivatives")
    if top_even not in even:
        reasons.append(f"sigma^({top_even})(0) = 0: no evidence of infinitely many non-zero even derivatives")
    ok = not reasons
    return ActivationReport(act, derivs[0], odd, even, order, ok,
                            "satisfied up to the checked order" if ok else "; ".join(reasons))


def activation_assumptions(sigma, order=12) -> ActivationReport:
    """Check SGJ2021's hypotheses on sigma: ``sigma(0) != 0`` and infinitely many
    non-zero odd and even derivatives at 0.

    Only finitely many derivatives can be inspected: the check is exact on the
    orders ``0..order`` and requires non-zero derivatives at the two highest
    checked orders (one odd, one even) and sigma not a polynomial.  A failure
    is therefore conservative (e.g. ``tanh`` fails exactly: ``tanh(0) = 0``
    and all even derivatives vanish).

    Examples
    --------
    >>> activation_assumptions("g").satisfied
    True
    >>> r = activation_assumptions("tanh"); r.satisfied, r.nonzero_even_orders
    (False, ())
    """
    order = _check_int(order, "order", 2)
    return _assumption_report(as_activation(sigma), order)


def _enforce_assumptions(sigma, require):
    report = activation_assumptions(sigma)
    if not report.satisfied:
        msg = (f"sigma = {report.activation.expr} does not satisfy the hypotheses of SGJ2021 "
               f"(expected sigma(0) != 0 and infinitely many non-zero odd and even derivatives at 0): {report.reason}")
        if require:
            raise AssumptionError(msg)
        warnings.warn(msg + "; the pieces are still computed but are not guaranteed to be all global minima",
                      SymmetryAssumptionWarning, stacklevel=3)
    return report


# ---------------------------------------------------------------------------
# networks
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class TwoLayerNetwork:
    """``f(x) = sum_j a_j sigma(w_j . x)``: rows of ``incoming`` are the ``w_j``,
    rows of ``outgoing`` the ``a_j`` (shape ``(m, c)``; a flat sequence means ``c = 1``).

    Exact entries give sympy ``ImmutableMatrix`` attributes, floats numpy arrays.

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
        exact = isinstance(W, sympy.MatrixBase) and isinstance(A, sympy.MatrixBase)
        if exact:
            W, A = sympy.ImmutableMatrix(W), sympy.ImmutableMatrix(A)
        else:
            W = np.array(W, dtype=float) if not isinstance(W, np.ndarray) else W.copy()
            A = np.array(A, dtype=float) if not isinstance(A, np.ndarray) else A.copy()
            W.setflags(write=False)
            A.setflags(write=False)
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
        if self.is_exact:
            return sympy.ImmutableMatrix(list(self.incoming) + list(self.outgoing))
        return np.concatenate([np.asarray(self.incoming).ravel(), np.asarray(self.outgoing).ravel()])

    @classmethod
    def from_parameters(cls, theta, width, input_dim, output_dim=1, sigma="g"):
        """Inverse of :meth:`parameters`."""
        vals = list(theta) if isinstance(theta, sympy.MatrixBase) else list(np.asarray(theta).ravel())
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
        outs = []
        for o in range(self.output_dim):
            total = sympy.Integer(0)
            for j in range(self.width):
                u = sum((self.incoming[j, k] if self.is_exact else sympy.Float(self.incoming[j, k])) * x[k]
                        for k in range(self.input_dim))
                total += (self.outgoing[j, o] if self.is_exact else sympy.Float(self.outgoing[j, o])) * sig(u)
            outs.append(total)
        return outs[0] if self.output_dim == 1 else sympy.Matrix(outs)

    def output(self, X):
        """Numeric outputs on the rows of ``X`` (shape ``(N, c)``)."""
        X = np.asarray(as_matrix(X, "X", exact=False), dtype=float)
        W = np.asarray(self.incoming, dtype=float)
        A = np.asarray(self.outgoing, dtype=float)
        return self.sigma.numeric(0)(X @ W.T) @ A

    def to_dict(self):
        conv = (lambda v: str(v)) if self.is_exact else float
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
    r_star = _check_int(r_star, "r_star", 1)
    input_dim = _check_int(input_dim, "input_dim", 1)
    output_dim = _check_int(output_dim, "output_dim", 1)
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
    m = _check_int(m, "m", r)
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


# ---------------------------------------------------------------------------
# closed forms (SGJ2021)
# ---------------------------------------------------------------------------

#: Largest width ``m`` of the closed forms that need a whole row ``S(m, ·)`` of Stirling numbers
#: (``T`` in the group convention, :func:`T_by_dimension`): ``O(m²)`` big-integer operations,
#: about 1.5 s at the limit.  Larger widths raise ProblemTooLargeError before any work.
MAX_ROW_WIDTH = 2000
#: Largest number of exact weights of :func:`example_teacher` (``r* (input_dim + output_dim)``).
MAX_TEACHER_ENTRIES = 100_000
#: Largest size (bits) of one exact closed-form number (a factorial, a Stirling number, a count).
MAX_RESULT_BITS = 1 << 23
#: Largest estimated cost (terms × bits) of one Stirling number ``S(n, k)`` (about 1 s at the limit).
MAX_STIRLING_COST = 2 * 10**9


def _too_large(what, size, limit, unit):
    return ProblemTooLargeError(f"{what} needs about {size:.3g} {unit}; expected at most {limit:.3g} {unit} "
                                "(refused before any work)")


def _factorial_bits(n) -> float:
    return math.lgamma(n + 1) / math.log(2) if n > 1 else 0.0


def _factorial(n) -> int:
    """``n!`` exactly (FLINT), refused when it would exceed :data:`MAX_RESULT_BITS` bits."""
    bits = _factorial_bits(n)
    if bits > MAX_RESULT_BITS:
        raise _too_large(f"{n}!", bits, MAX_RESULT_BITS, "bits")
    if n < 1000:
        return math.factorial(n)
    import flint

    return int(flint.fmpz.fac_ui(n))


def _stirling_bits(n, k) -> float:
    """Upper bound of ``log2 S(n, k)`` from ``S(n, k) ≤ C(n−1, k−1) k^(n−k)`` (1 ≤ k ≤ n)."""
    if k <= 1 or k >= n:
        return 1.0
    log_binom = math.lgamma(n) - math.lgamma(k) - math.lgamma(n - k + 1)
    return (log_binom + (n - k) * math.log(k)) / math.log(2) + 1


def _check_row_width(m, what):
    if m > MAX_ROW_WIDTH:
        raise ProblemTooLargeError(
            f"{what} needs the row S({m}, ·) of Stirling numbers (O(m²) operations on numbers of about "
            f"{_stirling_bits(m, max(1, m // 3)):.3g} bits); expected m ≤ {MAX_ROW_WIDTH} (refused before any work)")


@lru_cache(maxsize=16)
def _stirling_row(n):
    row = [1]  # S(0, 0)
    for i in range(1, n + 1):
        new = [0] * (i + 1)
        for k in range(1, i + 1):
            new[k] = k * (row[k] if k < len(row) else 0) + row[k - 1]
        row = new
    return tuple(row)


def stirling2(n, k) -> int:
    """Stirling number of the second kind ``S(n, k)`` (exact integer, FLINT for large ``n``).

    Numbers of more than :data:`MAX_RESULT_BITS` bits, or whose estimated cost exceeds
    :data:`MAX_STIRLING_COST`, raise :class:`~linnet_geometry.exceptions.ProblemTooLargeError`
    before any work.

    Examples
    --------
    >>> [stirling2(5, k) for k in range(6)]
    [0, 1, 15, 25, 10, 1]
    """
    n = _check_int(n, "n", 0)
    k = _check_int(k, "k", 0)
    if k > n:
        return 0
    if k == n:
        return 1
    if k == 0:
        return 0
    bits = _stirling_bits(n, k)
    if bits > MAX_RESULT_BITS:
        raise _too_large(f"S({n}, {k})", bits, MAX_RESULT_BITS, "bits")
    cost = (min(k, n - k) + 1) * bits
    if cost > MAX_STIRLING_COST:
        raise _too_large(f"S({n}, {k})", cost, MAX_STIRLING_COST, "bit operations")
    if n <= 64:  # explicit alternating sum S(n,k) = (1/k!) sum_j (-1)^j C(k,j) (k-j)^n
        return sum((-1) ** j * math.comb(k, j) * (k - j) ** n for j in range(k + 1)) // math.factorial(k)
    import flint

    return int(flint.fmpz.stirling_s2(n, k))


def T(r_star, m, convention="group") -> int:
    """Number of affine pieces of the zero-loss set at width ``m`` (SGJ2021; THEORY.md §5).

    ``group``: ``sum_{k=r*}^{m} S(m,k) k!/(k-r*)!`` (needs ``m ≤`` :data:`MAX_ROW_WIDTH`);
    ``single``: ``r*! S(m+1, r*+1)`` (see :func:`stirling2` for its limits).  Beyond the limits
    :class:`~linnet_geometry.exceptions.ProblemTooLargeError` is raised before any work.

    Examples
    --------
    >>> T(3, 4), T(3, 4, "single"), (4 * 3 * 2) * 5 // 2
    (60, 60, 60)
    >>> T(2, 4), T(2, 4, "single")
    (62, 50)
    """
    r_star = _check_int(r_star, "r_star", 1)
    m = _check_int(m, "m", 1)
    _check_convention(convention)
    if m < r_star:
        raise WidthsError(f"width m={m} is smaller than the teacher width r*={r_star}; expected m >= r*")
    if convention == "single":
        return _factorial(r_star) * stirling2(m + 1, r_star + 1)
    _check_row_width(m, f"T({r_star}, {m}) (group convention)")
    row = _stirling_row(m)
    return sum(row[k] * (math.factorial(k) // math.factorial(k - r_star)) for k in range(r_star, m + 1))


def G(r, m) -> int:
    """Number ``r! S(m, r)`` of split subspaces of a width-``r`` critical point at width ``m``
    (SGJ2021; each has dimension ``c (m - r)``).

    Examples
    --------
    >>> G(2, 4), G(3, 3)
    (14, 6)
    """
    r = _check_int(r, "r", 1)
    m = _check_int(m, "m", 1)
    if m < r:
        raise WidthsError(f"width m={m} is smaller than r={r}; expected m >= r")
    return _factorial(r) * stirling2(m, r)


def piece_dimension(h, b, input_dim=1, output_dim=1) -> int:
    """Dimension ``c h + (d - c) b`` of a zero-loss piece with ``b`` zero-type groups
    (``h + (d-1) b`` for scalar output; SGJ2021, THEORY.md §5).

    Examples
    --------
    >>> piece_dimension(2, 1, input_dim=3)
    4
    """
    h = _check_int(h, "h", 0)
    b = _check_int(b, "b", 0)
    if b > h:
        raise WidthsError(f"b={b} zero-type groups need at least b extra neurons; received h={h}")
    return output_dim * h + (input_dim - output_dim) * b


def T_by_dimension(r_star, m, input_dim=1, output_dim=1, convention="group") -> dict:
    """Closed-form count of pieces per dimension ``{dimension: count}``.

    Pieces with ``b`` zero groups: ``S(m, r*+b) (r*+b)!/b!`` (group) or
    ``C(m, b) r*! S(m-b, r*)`` (single).

    Examples
    --------
    >>> T_by_dimension(2, 3, input_dim=2)
    {1: 6, 2: 6}
    """
    total = T(r_star, m, convention)
    _check_row_width(m, f"T_by_dimension({r_star}, {m})")
    row = _stirling_row(m) if convention == "group" else None
    out = {}
    for b in range(0, m - r_star + 1):
        if convention == "group":
            n = row[r_star + b] * math.factorial(r_star + b) // math.factorial(b)
        else:
            n = math.comb(m, b) * math.factorial(r_star) * stirling2(m - b, r_star)
        if n:
            dim = piece_dimension(m - r_star, b, input_dim, output_dim)
            out[dim] = out.get(dim, 0) + n
    assert sum(out.values()) == total
    return out


def _layers(a, b, name_a, name_b):
    a, b = tuple(a), tuple(b)
    if len(a) != len(b) or not a:
        raise WidthsError(f"{name_a} and {name_b} must be non-empty and of equal length (one entry per hidden layer); "
                          f"received {a} and {b}")
    return a, b


def T_multilayer(r_stars, ms, convention="group") -> int:
    """Product over hidden layers of :func:`T` (one factor per hidden layer).

    Counts the combinations of one zero-loss piece per hidden layer [convention:
    the per-layer choices are independent, SGJ2021 multi-layer setting].

    Examples
    --------
    >>> T_multilayer((2, 3), (3, 4)) == T(2, 3) * T(3, 4)
    True
    """
    r_stars, ms = _layers(r_stars, ms, "r_stars", "ms")
    return math.prod(T(r, m, convention) for r, m in zip(r_stars, ms))


def G_multilayer(rs, ms) -> int:
    """Product over hidden layers of :func:`G`.

    Examples
    --------
    >>> G_multilayer((1, 2), (2, 3))
    6
    """
    rs, ms = _layers(rs, ms, "rs", "ms")
    return math.prod(G(r, m) for r, m in zip(rs, ms))


def minima_count(r_stars) -> int:
    """Number ``prod_l r_l*!`` of isolated permuted minima at minimal widths (SGJ2021).

    Examples
    --------
    >>> minima_count((3, 2))
    12
    """
    r_stars = tuple(r_stars)
    if not r_stars:
        raise WidthsError("r_stars must list one minimal width per hidden layer; received ()")
    checked = [_check_int(r, "r_star", 1) for r in r_stars]
    bits = sum(_factorial_bits(r) for r in checked)
    if bits > MAX_RESULT_BITS:
        raise _too_large(f"minima_count{tuple(checked)}", bits, MAX_RESULT_BITS, "bits")
    return math.prod(_factorial(r) for r in checked)


# ---------------------------------------------------------------------------
# exact sparse linear algebra over QQ (fraction-free, python integers)
# ---------------------------------------------------------------------------

def _normalize(v):
    g = 0
    for x in v.values():
        g = math.gcd(g, x)
    if g > 1:
        v = {k: x // g for k, x in v.items()}
    return v


def _reduce(v, rows):
    """Residual of the integer sparse vector ``v`` against echelon ``rows`` (pivot -> row)."""
    while v:
        c = min(v)
        row = rows.get(c)
        if row is None:
            return v
        pv, f = row[c], v[c]
        g = math.gcd(pv, f)
        pv, f = pv // g, f // g
        new = {k: x * pv for k, x in v.items()}
        for k, x in row.items():
            y = new.get(k, 0) - f * x
            if y:
                new[k] = y
            else:
                new.pop(k, None)
        v = _normalize(new)
    return v


def _to_int_vector(entries):
    """Sparse integer multiple of a rational vector given as {index: Fraction}."""
    den = 1
    for x in entries.values():
        den = den * x.denominator // math.gcd(den, x.denominator)
    return {k: int(x * den) for k, x in entries.items() if x != 0}


class _Echelon:
    __slots__ = ("rows",)

    def __init__(self, rows=None):
        self.rows = dict(rows) if rows else {}

    def insert(self, v):
        r = _reduce(v, self.rows)
        if r:
            self.rows[min(r)] = r
            return True
        return False

    def contains(self, v):
        return not _reduce(v, self.rows)


def affine_subspaces_intersect(p1, D1, p2, D2):
    """Exact test whether ``p1 + span(D1)`` meets ``p2 + span(D2)``.

    The subspaces meet iff ``p2 - p1`` lies in ``span(D1) + span(D2)``, i.e.
    iff ``rank [D1 | D2] == rank [D1 | D2 | p2 - p1]`` (ranks over QQ or the
    exact field of the entries, via sympy ``DomainMatrix``).  Returns
    ``(meets, dimension)``; ``dimension`` is that of the intersection
    (``dim D1 + dim D2 - rank [D1 | D2]``) or ``None``.

    Examples
    --------
    >>> line1 = (sympy.Matrix([0, 0]), sympy.Matrix([[1], [0]]))
    >>> line2 = (sympy.Matrix([0, 1]), sympy.Matrix([[1], [0]]))
    >>> affine_subspaces_intersect(*line1, *line2)
    (False, None)
    >>> affine_subspaces_intersect(*line1, sympy.Matrix([3, 1]), sympy.Matrix([[1], [1]]))
    (True, 0)
    """
    p1, p2 = sympy.Matrix(p1), sympy.Matrix(p2)
    D1, D2 = sympy.Matrix(D1), sympy.Matrix(D2)
    if p1.shape != p2.shape or p1.cols != 1 or D1.rows not in (0, p1.rows) or D2.rows not in (0, p1.rows):
        raise ShapeError(f"base points must be columns of one length and direction matrices have that many rows; "
                         f"received {p1.shape}, {D1.shape}, {p2.shape}, {D2.shape}")
    n = p1.rows
    D1 = D1 if D1.cols else sympy.zeros(n, 0)
    D2 = D2 if D2.cols else sympy.zeros(n, 0)
    D = D1.row_join(D2)
    r_D = DomainMatrix.from_Matrix(D).rank() if D.cols else 0
    r_aug = DomainMatrix.from_Matrix(D.row_join(p2 - p1)).rank()
    if r_aug != r_D:
        return False, None
    r1 = DomainMatrix.from_Matrix(D1).rank() if D1.cols else 0
    r2 = DomainMatrix.from_Matrix(D2).rank() if D2.cols else 0
    return True, r1 + r2 - r_D


# ---------------------------------------------------------------------------
# enumeration of the zero-loss pieces (by definition)
# ---------------------------------------------------------------------------

def _set_partitions(n):
    """All set partitions of range(n) via restricted growth strings (blocks sorted)."""
    if n == 0:
        yield ()
        return
    a = [0] * n

    def rec(i, mx):
        if i == n:
            blocks = [[] for _ in range(mx + 1)]
            for j, b in enumerate(a):
                blocks[b].append(j)
            yield tuple(tuple(b) for b in blocks)
            return
        for v in range(mx + 2):
            a[i] = v
            yield from rec(i + 1, max(mx, v))

    yield from rec(0, -1)


def _fmt_block(block):
    return "{" + ",".join(str(j) for j in block) + "}"


@dataclass(frozen=True, eq=False)
class GlobalMinimumPiece:
    """One affine piece of the zero-loss set at width ``m`` (SGJ2021).

    ``teacher_blocks[i]`` is the set of neurons that carry teacher neuron
    ``i`` (incoming vector ``w*_i``, outgoing weights summing to ``a*_i``);
    ``zero_groups`` are the zero-type groups (shared free incoming vector,
    outgoing weights summing to 0; single neurons with ``a = 0`` in the
    ``single`` convention).  ``base_point`` and ``directions`` are exact.

    Examples
    --------
    >>> piece = next(global_minimum_subspaces(example_teacher(1, 1), 2))
    >>> piece
    GlobalMinimumPiece([{0,1}->0], zero=[], dim=1, group)
    >>> piece.teacher_blocks, piece.dimension
    (((0, 1),), 1)
    """

    teacher: TwoLayerNetwork
    m: int
    convention: str
    teacher_blocks: tuple
    zero_groups: tuple

    def __repr__(self):
        tb = ", ".join(f"{_fmt_block(b)}->{i}" for i, b in enumerate(self.teacher_blocks))
        zg = ", ".join(_fmt_block(z) for z in self.zero_groups)
        return f"GlobalMinimumPiece([{tb}], zero=[{zg}], dim={self.dimension}, {self.convention})"

    def _repr_latex_(self):
        return (f"$\\theta_0 + \\operatorname{{span}}(\\ldots)$, $\\dim = {self.dimension}$, "
                f"teacher blocks ${[list(b) for b in self.teacher_blocks]}$, zero groups ${[list(z) for z in self.zero_groups]}$")

    @property
    def h(self):
        return self.m - self.teacher.width

    @property
    def n_zero_groups(self):
        return len(self.zero_groups)

    @property
    def partition(self):
        """Labelled partition: tuple of ``(label, block)``, label a teacher index or ``"zero"``."""
        return tuple((i, b) for i, b in enumerate(self.teacher_blocks)) + tuple(("zero", z) for z in self.zero_groups)

    @property
    def n_parameters(self):
        return self.m * (self.teacher.input_dim + self.teacher.output_dim)

    def _w(self, j, k):
        return j * self.teacher.input_dim + k

    def _a(self, j, o):
        return self.m * self.teacher.input_dim + j * self.teacher.output_dim + o

    @cached_property
    def _structure(self):
        d, c = self.teacher.input_dim, self.teacher.output_dim
        base, dirs = {}, []
        Wt, At = self.teacher.incoming, self.teacher.outgoing
        for i, B in enumerate(self.teacher_blocks):
            for j in B:
                for k in range(d):
                    if Wt[i, k] != 0:
                        base[self._w(j, k)] = Wt[i, k]
            for o in range(c):
                if At[i, o] != 0:
                    base[self._a(B[0], o)] = At[i, o]
                for j in B[1:]:
                    dirs.append({self._a(j, o): 1, self._a(B[0], o): -1})
        for Z in self.zero_groups:
            if self.convention == "single":
                for k in range(d):
                    dirs.append({self._w(Z[0], k): 1})
            else:
                for k in range(d):
                    dirs.append({self._w(j, k): 1 for j in Z})
                for o in range(c):
                    for j in Z[1:]:
                        dirs.append({self._a(j, o): 1, self._a(Z[0], o): -1})
        return base, dirs

    @property
    def dimension(self):
        """Number of direction vectors (they are linearly independent by construction)."""
        return len(self._structure[1])

    @cached_property
    def base_point(self):
        base, _ = self._structure
        return sympy.ImmutableMatrix([base.get(i, 0) for i in range(self.n_parameters)])

    @cached_property
    def directions(self):
        """Exact basis of directions: a ``(n_parameters, dimension)`` integer matrix."""
        _, dirs = self._structure
        M = sympy.zeros(self.n_parameters, len(dirs))
        for col, v in enumerate(dirs):
            for i, x in v.items():
                M[i, col] = x
        return sympy.ImmutableMatrix(M)

    @cached_property
    def _rational(self):
        base, _ = self._structure
        return all(isinstance(v, sympy.Rational) for v in base.values())

    @cached_property
    def _echelon(self):
        E = _Echelon()
        for v in self._structure[1]:
            E.insert(dict(v))
        return E

    @cached_property
    def _base_fractions(self):
        return {k: Fraction(int(v.p), int(v.q)) for k, v in self._structure[0].items()}

    @cached_property
    def _base_ints(self):
        den = _teacher_denominator(self.teacher)
        return {k: int(v * den) for k, v in self._base_fractions.items() if v}

    def point(self, coefficients):
        """The network at ``base_point + directions @ coefficients``."""
        coefficients = list(coefficients)
        if len(coefficients) != self.dimension:
            raise ShapeError(f"expected {self.dimension} coefficients for this piece; received {len(coefficients)}")
        theta = self.base_point + (self.directions * sympy.Matrix(coefficients) if self.dimension else sympy.zeros(self.n_parameters, 1))
        t = self.teacher
        return TwoLayerNetwork.from_parameters(theta, self.m, t.input_dim, t.output_dim, t.sigma)

    def sample(self, seed=None):
        """A point of the piece with random exact rational coefficients."""
        rng = random.Random(_int_seed(seed))
        return self.point([sympy.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(self.dimension)])

    def contains(self, network) -> bool:
        """Exact membership test ``theta - base_point in span(directions)``."""
        theta = network.parameters()
        if not network.is_exact:
            raise ExactInputRequiredError("contains() needs an exact network; received float weights")
        if len(theta) != self.n_parameters:
            return False
        if self._rational and all(isinstance(v, sympy.Rational) for v in theta):
            diff = {}
            for i in range(self.n_parameters):
                x = Fraction(int(theta[i].p), int(theta[i].q)) - self._base_fractions.get(i, Fraction(0))
                if x:
                    diff[i] = x
            return self._echelon.contains(_to_int_vector(diff))
        ok, _ = affine_subspaces_intersect(self.base_point, self.directions, sympy.Matrix(theta), sympy.zeros(len(theta), 0))
        return ok

    def to_dict(self):
        return {"m": self.m, "convention": self.convention,
                "teacher_blocks": [list(b) for b in self.teacher_blocks],
                "zero_groups": [list(z) for z in self.zero_groups],
                "dimension": self.dimension,
                "base_point": [str(v) for v in self.base_point],
                "directions": [[int(self.directions[i, j]) for i in range(self.n_parameters)] for j in range(self.dimension)]}


def global_minimum_subspaces(teacher, m, convention="group", require_assumptions=False):
    """Yield every affine piece of the zero-loss set at width ``m`` (SGJ2021; THEORY.md §5).

    Enumeration by definition, independent of :func:`T`: ``group`` lists
    all set partitions of the ``m`` neurons and all injective labellings of
    ``r*`` of the blocks by teacher neurons (the other blocks are zero-type
    groups); ``single`` lists all maps neuron -> {teacher label, zero} that
    hit every teacher label.

    Parameters
    ----------
    teacher : TwoLayerNetwork
        Exact, irreducible teacher of width ``r*``.
    m : int
        Student width, ``m >= r*``.
    convention : {"group", "single"}
    require_assumptions : bool
        If true, raise :class:`AssumptionError` when sigma fails SGJ2021's
        hypotheses (under which these pieces are *all* zero-loss points);
        otherwise such a sigma gives a :class:`SymmetryAssumptionWarning`.

    Yields
    ------
    GlobalMinimumPiece

    Examples
    --------
    >>> t = example_teacher(1, input_dim=2)
    >>> for piece in global_minimum_subspaces(t, 2):
    ...     print(piece)
    GlobalMinimumPiece([{0,1}->0], zero=[], dim=1, group)
    GlobalMinimumPiece([{0}->0], zero=[{1}], dim=2, group)
    GlobalMinimumPiece([{1}->0], zero=[{0}], dim=2, group)
    """
    _check_teacher(teacher)
    _check_convention(convention)
    r = teacher.width
    m = _check_int(m, "m", 1)
    if m < r:
        raise WidthsError(f"width m={m} is smaller than the teacher width r*={r}; expected m >= r*")
    _enforce_assumptions(teacher.sigma, require_assumptions)
    return _enumerate_pieces(teacher, m, convention)


def _enumerate_pieces(teacher, m, convention):
    r = teacher.width
    if convention == "group":
        for blocks in _set_partitions(m):
            k = len(blocks)
            if k < r:
                continue
            for chosen in itertools.permutations(range(k), r):
                rest = tuple(blocks[q] for q in range(k) if q not in chosen)
                yield GlobalMinimumPiece(teacher, m, "group", tuple(blocks[q] for q in chosen), rest)
    else:
        for labels in itertools.product(range(-1, r), repeat=m):
            if len(set(labels) - {-1}) != r:
                continue
            tb = tuple(tuple(j for j in range(m) if labels[j] == i) for i in range(r))
            zg = tuple((j,) for j in range(m) if labels[j] == -1)
            yield GlobalMinimumPiece(teacher, m, "single", tb, zg)


# ---------------------------------------------------------------------------
# split subspaces of a critical point
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class SplitSubspace:
    """Affine subspace obtained by splitting a width-``r`` network to width ``m`` (SGJ2021).

    ``blocks[i]`` are the neurons copying neuron ``i`` (incoming ``w_i``,
    outgoing weights summing to ``a_i``).  Dimension ``c (m - r)``.

    Examples
    --------
    >>> split = next(symmetry_induced_subspaces(example_teacher(2, 1), 3))
    >>> split
    SplitSubspace([{0,1}->0, {2}->1], dim=1)
    >>> split.blocks
    ((0, 1), (2,))
    """

    network: TwoLayerNetwork
    m: int
    blocks: tuple

    def __repr__(self):
        bl = ", ".join(f"{_fmt_block(b)}->{i}" for i, b in enumerate(self.blocks))
        return f"SplitSubspace([{bl}], dim={self.dimension})"

    def _repr_latex_(self):
        return f"split subspace, blocks ${[list(b) for b in self.blocks]}$, $\\dim = {self.dimension}$"

    @property
    def n_parameters(self):
        return self.m * (self.network.input_dim + self.network.output_dim)

    @property
    def dimension(self):
        return self.network.output_dim * (self.m - self.network.width)

    @cached_property
    def base_point(self):
        net = self.network
        d, c, m = net.input_dim, net.output_dim, self.m
        vals = [0] * self.n_parameters
        for i, B in enumerate(self.blocks):
            for j in B:
                for k in range(d):
                    vals[j * d + k] = net.incoming[i, k]
            for o in range(c):
                vals[m * d + B[0] * c + o] = net.outgoing[i, o]
        return sympy.ImmutableMatrix(vals) if net.is_exact else np.array(vals, dtype=float)

    @cached_property
    def directions(self):
        net = self.network
        d, c, m = net.input_dim, net.output_dim, self.m
        cols = []
        for B in self.blocks:
            for j in B[1:]:
                for o in range(c):
                    v = [0] * self.n_parameters
                    v[m * d + j * c + o] = 1
                    v[m * d + B[0] * c + o] = -1
                    cols.append(v)
        if not cols:
            return sympy.zeros(self.n_parameters, 0)
        return sympy.ImmutableMatrix(cols).T

    def point(self, coefficients):
        coefficients = list(coefficients)
        if len(coefficients) != self.dimension:
            raise ShapeError(f"expected {self.dimension} coefficients; received {len(coefficients)}")
        net = self.network
        if net.is_exact:
            theta = self.base_point + (self.directions * sympy.Matrix(coefficients) if coefficients else sympy.zeros(self.n_parameters, 1))
        else:
            D = np.array(self.directions.tolist(), dtype=float).reshape(self.n_parameters, self.dimension)
            theta = self.base_point + D @ np.asarray(coefficients, dtype=float)
        return TwoLayerNetwork.from_parameters(theta, self.m, net.input_dim, net.output_dim, net.sigma)

    def sample(self, seed=None, scale=2.0):
        """A random point: exact rationals for an exact network, floats otherwise."""
        if self.network.is_exact:
            rng = random.Random(_int_seed(seed))
            return self.point([sympy.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(self.dimension)])
        rng = np.random.default_rng(check_seed(seed))
        return self.point(rng.uniform(-scale, scale, size=self.dimension))

    def to_dict(self):
        base = [str(v) for v in self.base_point] if self.network.is_exact else [float(v) for v in self.base_point]
        return {"m": self.m, "blocks": [list(b) for b in self.blocks], "dimension": self.dimension,
                "base_point": base,
                "directions": [[int(self.directions[i, j]) for i in range(self.n_parameters)] for j in range(self.dimension)]}


def _irreducible(net, tol):
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


def symmetry_induced_subspaces(critical_point, m, require_irreducible=True, tol=1e-6):
    """Yield the ``G(r, m)`` split subspaces of a width-``r`` critical point (SGJ2021).

    Enumerated by definition: every surjective map from the ``m`` neurons to
    the ``r`` neurons of the critical point.  If the point is irreducible
    (distinct incoming vectors, non-zero outgoing weights) every point of
    every subspace is critical with the same loss (THEORY.md §5).

    Parameters
    ----------
    critical_point : CriticalPoint or TwoLayerNetwork
    m : int
        Target width, ``m >= r``.
    require_irreducible : bool
        Raise :class:`AssumptionError` for a reducible point (the theorem's
        hypothesis); numeric points are compared with tolerance ``tol``.

    Examples
    --------
    >>> net = TwoLayerNetwork([[1], [2]], [1, 1], "g")
    >>> subs = list(symmetry_induced_subspaces(net, 3))
    >>> len(subs), subs[0]
    (6, SplitSubspace([{0,1}->0, {2}->1], dim=1))
    """
    net = critical_point.network if isinstance(critical_point, CriticalPoint) else critical_point
    if not isinstance(net, TwoLayerNetwork):
        raise InputTypeError(f"critical_point must be a CriticalPoint or TwoLayerNetwork; received {type(net).__name__}")
    m = _check_int(m, "m", 1)
    r = net.width
    if m < r:
        raise WidthsError(f"width m={m} is smaller than the critical point's width r={r}; expected m >= r")
    if require_irreducible:
        why = _irreducible(net, tol)
        if why:
            raise AssumptionError(f"critical point is reducible ({why}); expected an irreducible point (distinct incoming vectors, "
                                  "non-zero outgoing weights) for SGJ2021's split subspaces")
    return _enumerate_splits(net, m)


def _enumerate_splits(net, m):
    r = net.width
    for labels in itertools.product(range(r), repeat=m):
        if len(set(labels)) != r:
            continue
        yield SplitSubspace(net, m, tuple(tuple(j for j in range(m) if labels[j] == i) for i in range(r)))


# ---------------------------------------------------------------------------
# connectivity graph
# ---------------------------------------------------------------------------

def _meet_sparse(P, Q):
    """Exact intersection test of two rational pieces via sparse fraction-free elimination."""
    E = _Echelon(P._echelon.rows)
    added = 0
    for v in Q._structure[1]:
        if E.insert(dict(v)):
            added += 1
    # base points scaled by the common denominator of the teacher's entries: integer vectors,
    # and scaling p2 - p1 does not change membership in a linear span
    diff = dict(Q._base_ints)
    for k, x in P._base_ints.items():
        y = diff.get(k, 0) - x
        if y:
            diff[k] = y
        else:
            diff.pop(k, None)
    if not E.contains(_normalize(diff)):
        return False, None
    return True, P.dimension + Q.dimension - (P.dimension + added)


class _UF:
    def __init__(self, n):
        self.p = list(range(n))

    def find(self, x):
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, x, y):
        self.p[self.find(x)] = self.find(y)


@lru_cache(maxsize=8)
def _teacher_denominator(teacher):
    den = 1
    for v in list(teacher.incoming) + list(teacher.outgoing):
        den = den * int(v.q) // math.gcd(den, int(v.q))
    return den


@lru_cache(maxsize=8)
def _teacher_values(teacher):
    def conv(v):
        return Fraction(int(v.p), int(v.q)) if isinstance(v, sympy.Rational) else v
    W = tuple(tuple(conv(v) for v in teacher.incoming.row(i)) for i in range(teacher.width))
    A = tuple(tuple(conv(v) for v in teacher.outgoing.row(i)) for i in range(teacher.width))
    return W, A, (0,) * teacher.output_dim


def _meet_combinatorial(P, Q):
    """Combinatorial intersection rule (proved in :func:`connectivity_graph`)."""
    t = P.teacher
    m, d, c = P.m, t.input_dim, t.output_dim
    # incoming vectors: neurons linked by a common block of P or Q must share w
    uf = _UF(m)
    blocksP = list(P.teacher_blocks) + list(P.zero_groups)
    blocksQ = list(Q.teacher_blocks) + list(Q.zero_groups)
    for B in blocksP + blocksQ:
        for j in B[1:]:
            uf.union(B[0], j)
    Wrows, Arows, zero = _teacher_values(t)
    forced = {}
    for piece in (P, Q):
        for i, B in enumerate(piece.teacher_blocks):
            root = uf.find(B[0])
            val = Wrows[i]
            if forced.setdefault(root, val) != val:
                return False, None
    free_w = len({uf.find(j) for j in range(m)}) - len(forced)
    # outgoing weights: bipartite graph blocks(P) -- neuron -- blocks(Q); per component sums must agree
    nP = len(blocksP)
    owner_P, owner_Q = {}, {}
    for q, B in enumerate(blocksP):
        for j in B:
            owner_P[j] = q
    for q, B in enumerate(blocksQ):
        for j in B:
            owner_Q[j] = nP + q
    ub = _UF(nP + len(blocksQ))
    for j in range(m):
        ub.union(owner_P[j], owner_Q[j])
    target = {}
    for q in range(len(P.teacher_blocks)):
        root = ub.find(q)
        target[root] = tuple(x + y for x, y in zip(target.get(root, zero), Arows[q]))
    for q in range(len(Q.teacher_blocks)):
        root = ub.find(nP + q)
        target[root] = tuple(x - y for x, y in zip(target.get(root, zero), Arows[q]))
    if any(any(x != 0 for x in v) for v in target.values()):
        return False, None
    n_comp = len({ub.find(x) for x in range(nP + len(blocksQ))})
    dim_a = c * (m - (nP + len(blocksQ)) + n_comp)
    return True, d * free_w + dim_a


def connectivity_graph(teacher, m, convention="group", method="linear_algebra", max_pieces=20000,
                       progress=None, require_assumptions=False):
    """Intersection graph of the affine pieces of the zero-loss set (SGJ2021).

    Edges are decided exactly: ``method="linear_algebra"`` tests
    ``p2 - p1 in span(D1) + span(D2)`` by fraction-free elimination over
    QQ on sparse integer vectors (``"domain_matrix"``: the same test with
    dense sympy ``DomainMatrix`` ranks, slower; used for non-rational
    teachers).  ``method="combinatorial"`` uses the rule: the pieces are
    products of an incoming-vector part and an outgoing-weight part, so they
    meet iff (i) in every class of neurons linked by a common block of either
    piece, all teacher incoming vectors forced by teacher blocks agree, and
    (ii) in every connected component of the bipartite graph blocks(P) --
    neuron -- blocks(Q), the target sums (``a*_i`` or 0) of P's and Q's
    blocks agree (the system ``sum_{j in B} a_j = c_B`` is an incidence
    system of a bipartite graph, solvable iff every component balances).  The
    tests check that both rules give the same edges and dimensions.

    Parameters
    ----------
    teacher : TwoLayerNetwork
        Exact irreducible teacher of width ``r*``.
    m : int
        Student width ``m >= r*``.
    convention : {"group", "single"}
    method : {"linear_algebra", "domain_matrix", "combinatorial"}
    max_pieces : int
        Raise :class:`ProblemTooLargeError` before any work if ``T(r*, m)`` exceeds it.
    progress : bool or None
        tqdm progress bar over the pairs (None: only on a terminal).

    Returns
    -------
    networkx.Graph
        Nodes ``0..T-1`` in enumeration order with attributes ``piece``
        (:class:`GlobalMinimumPiece`), ``partition`` (tuple of ``(label,
        block)``), ``dimension`` (int), ``zero_groups`` (int) and
        ``permutations`` (tuple of teacher permutations whose permuted
        teacher point lies on the piece, see :func:`permuted_teacher`).
        Edges join intersecting pieces; edge attribute
        ``intersection_dimension``.  Graph attributes ``r_star``, ``m``,
        ``input_dim``, ``convention``, ``method``, ``T``.

    Examples
    --------
    >>> g = connectivity_graph(example_teacher(2, 1), 3)
    >>> g.number_of_nodes(), g.number_of_edges(), nx.is_connected(g)
    (12, 12, True)
    """
    if method not in ("linear_algebra", "domain_matrix", "combinatorial"):
        raise ParseError(f"method: expected 'linear_algebra', 'domain_matrix' or 'combinatorial'; received {method!r}")
    pieces_iter = global_minimum_subspaces(teacher, m, convention, require_assumptions)
    total = T(teacher.width, m, convention)
    if total > max_pieces:
        raise ProblemTooLargeError(f"the zero-loss set at width m={m} has T={total} pieces; expected at most "
                                   f"max_pieces={max_pieces} for an explicit graph")
    pieces = list(pieces_iter)
    r = teacher.width
    graph = nx.Graph(r_star=r, m=m, input_dim=teacher.input_dim, convention=convention, method=method, T=total)
    perms = list(itertools.permutations(range(r)))
    points = [permuted_teacher(teacher, m, p) for p in perms]
    for idx, P in enumerate(pieces):
        graph.add_node(idx, piece=P, partition=P.partition, dimension=P.dimension, zero_groups=P.n_zero_groups,
                       permutations=tuple(p for p, pt in zip(perms, points) if P.contains(pt)))
    rational = all(P._rational for P in pieces)
    if method == "linear_algebra" and not rational:
        method = "domain_matrix"  # non-rational (e.g. algebraic) teacher: dense ranks over its exact field
        graph.graph["method"] = method
    meet = {"linear_algebra": _meet_sparse, "combinatorial": _meet_combinatorial,
            "domain_matrix": lambda P, Q: affine_subspaces_intersect(P.base_point, P.directions, Q.base_point, Q.directions)}[method]
    from tqdm import tqdm

    n = len(pieces)
    with tqdm(total=n * (n - 1) // 2, desc=f"intersections ({method})", disable=progress is False if progress is not None else None,
              leave=False) as bar:
        for i in range(n):
            for j in range(i + 1, n):
                ok, dim = meet(pieces[i], pieces[j])
                if ok:
                    graph.add_edge(i, j, intersection_dimension=dim)
            bar.update(n - i - 1)
    return graph


def permutation_graph(graph) -> nx.Graph:
    """Quotient graph on the ``r*!`` permuted teacher points.

    Two permutations are adjacent when a path of intersecting pieces joins a
    piece containing one to a piece containing the other.

    Returns
    -------
    networkx.Graph
        Nodes: permutations (tuples) with attributes ``pieces`` (node ids of
        ``graph`` containing the point) and ``component`` (index of the
        connected component of ``graph``).  Edge attribute ``path_length``:
        the fewest piece-graph edges between the two points' pieces.

    Examples
    --------
    >>> q = permutation_graph(connectivity_graph(example_teacher(2, 1), 3))
    >>> sorted(q.nodes), q.number_of_edges()
    ([(0, 1), (1, 0)], 1)
    """
    r = graph.graph["r_star"]
    perms = list(itertools.permutations(range(r)))
    holders = {p: [] for p in perms}
    for node, data in graph.nodes(data=True):
        for p in data["permutations"]:
            holders[p].append(node)
    comp_of = {}
    for ci, comp in enumerate(sorted(nx.connected_components(graph), key=min)):
        for node in comp:
            comp_of[node] = ci
    q = nx.Graph(r_star=r, m=graph.graph["m"])
    for p in perms:
        q.add_node(p, pieces=tuple(holders[p]), component=comp_of[holders[p][0]] if holders[p] else None)
    for a_idx, p in enumerate(perms):
        if not holders[p]:
            continue
        dist = nx.multi_source_dijkstra_path_length(graph, holders[p], weight=None)
        for p2 in perms[a_idx + 1:]:
            ds = [dist[n] for n in holders[p2] if n in dist]
            if ds:
                q.add_edge(p, p2, path_length=min(ds))
    return q


@dataclass(frozen=True)
class ConnectivitySummary:
    """Connectivity facts of a zero-loss intersection graph (from :func:`connectivity_summary`).

    Examples
    --------
    >>> summary = connectivity_summary(connectivity_graph(example_teacher(2, 1), 3))
    >>> summary.pieces, summary.edges, summary.components, summary.permutations_connected
    (12, 12, 1, True)
    >>> summary.dimensions
    {1: 12}
    """

    r_star: int
    m: int
    convention: str
    pieces: int
    edges: int
    components: int
    isolated: int
    permutations: int
    permutations_found: int
    permutations_connected: bool
    dimensions: dict = field(default_factory=dict)

    def to_dict(self):
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.__dict__.items()}


def connectivity_summary(graph) -> ConnectivitySummary:
    """Counts of pieces, edges, components, and whether all permuted teacher points are connected.

    Examples
    --------
    >>> connectivity_summary(connectivity_graph(example_teacher(3, 1), 3)).isolated
    6
    """
    q = permutation_graph(graph)
    found = [p for p, d in q.nodes(data=True) if d["pieces"]]
    comps = {q.nodes[p]["component"] for p in found}
    dims = {}
    for _, d in graph.nodes(data=True):
        dims[d["dimension"]] = dims.get(d["dimension"], 0) + 1
    return ConnectivitySummary(
        r_star=graph.graph["r_star"], m=graph.graph["m"], convention=graph.graph["convention"],
        pieces=graph.number_of_nodes(), edges=graph.number_of_edges(),
        components=nx.number_connected_components(graph), isolated=nx.number_of_isolates(graph),
        permutations=q.number_of_nodes(), permutations_found=len(found),
        permutations_connected=len(found) == q.number_of_nodes() and len(comps) == 1,
        dimensions=dict(sorted(dims.items())))


def draw_connectivity_graph(graph, ax=None):
    """Draw the graph (colour = piece dimension, squares = pieces holding a permuted teacher point).

    Returns the matplotlib axes.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> graph = connectivity_graph(example_teacher(2, 1), 3)
    >>> ax = Figure().add_subplot()
    >>> draw_connectivity_graph(graph, ax=ax) is ax
    True
    >>> len(ax.collections) > 0  # the nodes were drawn
    True
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 7))
    pos = nx.kamada_kawai_layout(graph) if 0 < graph.number_of_nodes() <= 400 else nx.spring_layout(graph, seed=0)
    dims = [graph.nodes[n]["dimension"] for n in graph.nodes]
    holders = [n for n in graph.nodes if graph.nodes[n]["permutations"]]
    others = [n for n in graph.nodes if not graph.nodes[n]["permutations"]]
    nx.draw_networkx_edges(graph, pos, ax=ax, alpha=0.4)
    vmin, vmax = (min(dims), max(dims)) if dims else (0, 1)
    for nodes, shape in ((others, "o"), (holders, "s")):
        if nodes:
            nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_shape=shape, ax=ax, node_size=60,
                                   node_color=[graph.nodes[n]["dimension"] for n in nodes],
                                   cmap="viridis", vmin=vmin, vmax=vmax)
    g = graph.graph
    ax.set_title(f"zero-loss pieces, r*={g['r_star']}, m={g['m']} ({g['convention']}): "
                 f"{graph.number_of_nodes()} pieces, {nx.number_connected_components(graph)} component(s)")
    ax.set_axis_off()
    return ax


# ---------------------------------------------------------------------------
# numeric path: data, loss, critical points
# ---------------------------------------------------------------------------

def teacher_dataset(teacher, n_samples=40, seed=0, scale=1.0):
    """A concrete dataset ``(X, y)``: Gaussian inputs and the teacher's outputs (floats).

    Examples
    --------
    >>> X, y = teacher_dataset(example_teacher(2, 2), n_samples=5)
    >>> X.shape, y.shape
    ((5, 2), (5, 1))
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
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
    >>> X, y = teacher_dataset(example_teacher(2, 1), n_samples=20)
    >>> cp = find_critical_point(X, y, 1)
    >>> cp.gradient_norm <= 1e-10
    True
    """
    from scipy.optimize import minimize

    width = _check_int(width, "width", 1)
    restarts = _check_int(restarts, "restarts", 1)
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
        from ..exact.matrix import inertia

        return CriticalPoint(candidate, mse_loss(candidate, X, y), gn,
                             inertia(mse_hessian(candidate, X, y)), attempt + 1, steps)
    raise DegenerateDataError(f"no irreducible width-{width} critical point with gradient norm <= {gradient_tol} "
                              f"found in {restarts} starts; expected at least one ({'; '.join(failures[:3])})")
