"""The affine pieces of SGJ2021, enumerated by definition (THEORY.md §5).

* :class:`GlobalMinimumPiece` / :func:`global_minimum_subspaces`: the pieces of the
  zero-loss set at width ``m``, one per set partition of the neurons (sympy's
  ``multiset_partitions``) and injective labelling of ``r*`` blocks by teacher
  neurons (group convention), or per labelled assignment (single convention);
* :class:`SplitSubspace` / :func:`symmetry_induced_subspaces`: the ``G(r, m)``
  subspaces obtained by splitting the neurons of a width-``r`` critical point.

Each piece has an exact base point and an exact basis of directions; this route is
independent of the closed forms of :mod:`.counts`, which the tests compare with it.

Conventions [convention, THEORY.md §5]: a zero-type *group* is a set of neurons
sharing one free incoming vector whose outgoing weights sum to 0
(``convention="group"``); ``convention="single"`` uses single zero neurons
(``a_j = 0``, ``w_j`` free).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import numpy as np
import sympy
from sympy.utilities.iterables import multiset_partitions

from ...checks import check_seed
from ...exact.representation import representation
from ...exceptions import AssumptionError, ExactInputRequiredError, InputTypeError, ShapeError, WidthsError
from ._checks import _check_convention, _check_size, _int_seed
from .activation import _enforce_assumptions
from .critical_points import CriticalPoint
from .network import TwoLayerNetwork, _check_teacher, _irreducible, _teacher_denominator
from .subspaces import _Echelon, _to_int_vector, affine_subspaces_intersect

__all__ = ["GlobalMinimumPiece", "global_minimum_subspaces", "SplitSubspace", "symmetry_induced_subspaces"]


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
    >>> from linnet_geometry.families.symmetry import example_teacher
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
    >>> from linnet_geometry.families.symmetry import example_teacher
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
    m = _check_size(m, "m", 1)
    if m < r:
        raise WidthsError(f"width m={m} is smaller than the teacher width r*={r}; expected m >= r*")
    _enforce_assumptions(teacher.sigma, require_assumptions)
    return _enumerate_pieces(teacher, m, convention)


def _enumerate_pieces(teacher, m, convention):
    r = teacher.width
    if convention == "group":
        for partition in multiset_partitions(list(range(m))):  # blocks and their elements increasing
            blocks = tuple(map(tuple, partition))
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
    >>> from linnet_geometry.families.symmetry import example_teacher
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
        return representation(net.is_exact).vector(vals)

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
        rep = representation(net.is_exact)
        theta = self.base_point + rep.convert(self.directions) @ rep.vector(coefficients)
        return TwoLayerNetwork.from_parameters(theta, self.m, net.input_dim, net.output_dim, net.sigma)

    def sample(self, seed=None, scale=2.0):
        """A random point: exact rationals for an exact network, floats otherwise."""
        if self.network.is_exact:
            rng = random.Random(_int_seed(seed))
            return self.point([sympy.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(self.dimension)])
        rng = np.random.default_rng(check_seed(seed))
        return self.point(rng.uniform(-scale, scale, size=self.dimension))

    def to_dict(self):
        base = [representation(self.network.is_exact).plain(v) for v in self.base_point]
        return {"m": self.m, "blocks": [list(b) for b in self.blocks], "dimension": self.dimension,
                "base_point": base,
                "directions": [[int(self.directions[i, j]) for i in range(self.n_parameters)] for j in range(self.dimension)]}




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
    m = _check_size(m, "m", 1)
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


