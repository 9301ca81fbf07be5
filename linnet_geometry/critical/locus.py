"""The critical locus of a quadratic loss on a linear network, by theory (THEORY §3).

For ``ℓ(W) = ‖W − U‖²`` (or ``‖WX − Y‖²``) with squared singular values
``λ_1 > … > λ_m > 0`` (``m = min(d_0, d_h)``), ``U_S = Σ_{i∈S} σ_i u_i v_iᵀ``:

* function space (EY1936; DHOST2016): the critical points of ℓ on the
  rank-exactly-e matrices are the ``C(m, e)`` matrices ``U_S``, ``|S| = e``,
  with value ``Σ_{j∉S} λ_j`` and Morse index ``#{(i, j): i ∈ S, j ∉ S, λ_j > λ_i}``;
* parameter space (TKB2020, ZL2018, K2016, BH1989): θ critical ⇒ ``μ(θ) =
  U_S`` for some ``|S| ≤ r``, each S occurs (at least one hidden layer);
  ``|S| = r`` ⇒ pure, ``|S| < r`` ⇒ spurious; every local minimum is global.

Degenerate targets (repeated or zero singular values) give
positive-dimensional *families*: choosing ``k_a`` of the ``n_a`` singular
directions of each tie block is a product of Grassmannians of dimension
``Σ k_a (n_a − k_a)``; each family is one stratum, keyed by the support of a
canonical member (the first ``k_a`` indices of each block).
"""

from __future__ import annotations

import functools
import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import sympy

from ..exact.matrix import DEFAULT_TOL, check_tol
from ..exceptions import InputTypeError, ProblemTooLargeError, ShapeError
from ..model.losses import QuadraticLoss, check_loss_shape
from ..model.network import LinearNetwork
from .brute_force import MAX_BRUTE_FORCE_PARAMS, spurious_dimension
from .graph import critical_graph
from .spectrum import HIGH_PRECISION_DIGITS, _to_sympy_vec, spectrum, support_block_counts

__all__ = ["critical_locus", "CriticalLocus", "CriticalStratum", "FunctionSpacePoint", "fiber_dimension",
           "MAX_LISTED_STRATA"]

#: Largest number of strata listed at once (critical values, slices, function-space points).
MAX_LISTED_STRATA = 100_000


def fiber_dimension(widths, s: int) -> int:
    """Dimension of the fiber ``μ_d^{-1}(M)`` over a matrix M of rank ``s`` [derived].

    Recursion on the last layer: with ``P = W_{h-1} ⋯ W_1`` of rank t
    (``s ≤ t ≤ min(d_0..d_{h-1})``, ``row P ⊇ row M``), the set of such P has
    dimension ``d_{h-1} t + (t − s)(d_0 − t)``, the sub-network fiber over P is
    ``F(d_0..d_{h-1}; t)``, and ``W_h`` is fixed on ``col P`` and free on a
    complement (``d_h (d_{h-1} − t)``).  The fiber is the union over t, so
    ``F = max_t [...]``; ``F(d_0, d_1; s) = 0``.  At ``s = r`` this is
    ``d_θ − r(d_0 + d_h − r)`` (TKB2020), which the tests check.

    Examples
    --------
    >>> fiber_dimension((2, 1, 2), 1), fiber_dimension((1, 1, 1), 0), fiber_dimension((2, 2, 2), 0)
    (1, 1, 5)
    """
    widths = LinearNetwork(widths).widths  # typed WidthsError for bad widths
    if isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer)):
        raise InputTypeError(f"s: expected an integer rank 0 ≤ s ≤ {min(widths)}; received {s!r}")
    if s > min(widths) or s < 0:
        raise ShapeError(f"rank s = {s} is not attained by widths {widths}; expected 0 ≤ s ≤ r = {min(widths)}")
    return _fiber(widths, int(s))


def _fiber(widths, s):
    """``F(widths; s)`` by dynamic programming over prefixes: ``O(h · r²)`` instead of ``O(r^h)``."""
    return _fiber_table(tuple(int(w) for w in widths))[s]


@functools.lru_cache(maxsize=256)
def _fiber_table(widths):
    h = len(widths) - 1
    d0 = widths[0]
    # F_k(t): fiber dimension of the prefix network widths[:k+1] over a rank-t matrix; F_1 ≡ 0
    prev = {t: 0 for t in range(0, min(widths[:2]) + 1)}
    for k in range(2, h + 1):
        dprev, dk = widths[k - 1], widths[k]
        top = min(widths[:k])
        cur = {}
        for ss in range(0, min(widths[:k + 1]) + 1):
            best = None
            for t in range(ss, top + 1):
                val = dprev * t + (t - ss) * (d0 - t) + prev[t] + dk * (dprev - t)
                if best is None or val > best:
                    best = val
            cur[ss] = best
        prev = cur
    return prev


class _SupportImage:
    """Shared by function-space points and strata: the family flag and the image ``U_S``."""

    @property
    def is_family(self) -> bool:
        """True for a positive-dimensional family (degenerate data)."""
        return self.family_dimension > 0

    @cached_property
    def image(self):
        """``U_S`` (exact when the λ_i, i ∈ S, are rational; else high-precision numeric)."""
        return _image(self._spectrum, self.support)


@dataclass(frozen=True)
class FunctionSpacePoint(_SupportImage):
    """A critical point (or family) of ℓ on the rank-exactly-``rank`` stratum of ``M_r``.

    Attributes
    ----------
    support : tuple of int
        1-based indices S of the chosen singular values (canonical member for families).
    rank : int
    value : sympy number or float
        ``ℓ(U_S) = c + Σ_{j∉S} λ_j``.
    index : int
        Morse(-Bott) index ``#{(i, j): i ∈ S, j ∉ S, λ_j > λ_i}`` (EY1936; DHOST2016).
    family_dimension : int
        ``Σ k_a (n_a − k_a)``; 0 for generic data.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> locus = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]]))
    >>> pt = locus.function_space_points[2]
    >>> pt.support, pt.rank, pt.value, pt.index
    ((2,), 1, 4, 1)
    >>> pt.image
    Matrix([
    [0, 0],
    [0, 1]])
    """

    support: tuple
    rank: int
    value: object
    value_float: float
    index: int
    family_dimension: int
    _spectrum: object = field(repr=False, compare=False)


@dataclass(frozen=True)
class CriticalStratum(_SupportImage):
    """One critical stratum of ``L = ℓ ∘ μ_d`` for a quadratic loss.

    Attributes
    ----------
    support : tuple of int
        ``S`` (1-based, decreasing singular values); canonical member for families.
    rank : int
        ``|S| = rk U_S``.
    value : sympy number or float
        Exact critical value ``c + Σ_{j∉S} λ_j`` (algebraic numbers for rational data).
    value_float : float
    kind : str
        ``"pure"`` or ``"spurious"``.
    role : str
        ``"global_min"``, ``"strict_saddle"``, or ``"saddle"`` when strictness
        depends on the point within the stratum (see ``role_note``).
    role_note : str
    function_space_index : int
    dimension : int or None
        Dimension of the stratum in parameter space: the fiber dimension
        (plus the family dimension) for pure strata; for spurious strata the
        dimension of the critical set over ``U_S`` (closed form for one hidden
        layer, ``None`` — not computed — for deeper networks; see
        ``dimension_note``).
    dimension_note : str
    family_dimension : int
    certificate : tuple of str

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> locus = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]]))
    >>> st = locus.stratum((1,))
    >>> st
    CriticalStratum(support=(1,), rank=1, value=1, kind='pure', role='global_min', function_space_index=0,
                    dimension=1)
    >>> st.image
    Matrix([
    [2, 0],
    [0, 0]])
    >>> W1, W2 = st.representative
    >>> W2 * W1 == st.image
    True
    """

    support: tuple
    rank: int
    value: object
    value_float: float
    kind: str
    role: str
    role_note: str
    function_space_index: int
    dimension: int | None
    dimension_note: str
    family_dimension: int
    certificate: tuple
    _spectrum: object = field(repr=False, compare=False)
    _network: object = field(repr=False, compare=False)

    def __repr__(self):
        return (f"CriticalStratum(support={self.support}, rank={self.rank}, value={self.value}, kind={self.kind!r}, "
                f"role={self.role!r}, function_space_index={self.function_space_index}, "
                f"dimension={self.dimension})")

    @cached_property
    def representative(self):
        """A θ with ``μ(θ) = U_S`` and ``∇L(θ) = 0``.

        Exact (rational) when the ``λ_i``, ``i ∈ S``, are rational; otherwise
        sympy Floats with :data:`~linnet_geometry.critical.spectrum.HIGH_PRECISION_DIGITS`
        digits (see :attr:`representative_precision`); float64 arrays for numeric data.
        Construction: ``W_1`` has rows ``x_iᵀÛ`` (i ∈ S), middle layers are
        partial identities, ``W_h`` has columns ``x_i/‖x_i‖²`` (left side), so
        ``W_h⋯W_1 = Σ P_i Û = U_S`` and every partial product stays in the
        span of the chosen singular vectors, which makes ∇L vanish.
        """
        return _representative(self._network, self._spectrum, self.support)

    @property
    def representative_precision(self):
        """``None`` for an exact representative, else the number of significant digits."""
        sp = self._spectrum
        if not sp.exact:
            return 15
        return None if all(sp.is_rational(i) for i in self.support) else HIGH_PRECISION_DIGITS

    def to_dict(self):
        """Plain-data form (JSON-ready)."""
        return {"support": list(self.support), "rank": self.rank, "value": str(self.value),
                "value_float": self.value_float, "kind": self.kind, "role": self.role, "role_note": self.role_note,
                "function_space_index": self.function_space_index, "dimension": self.dimension,
                "dimension_note": self.dimension_note, "family_dimension": self.family_dimension,
                "certificate": list(self.certificate)}

    def _latex(self, printer=None):
        S = r"\{" + ",".join(map(str, self.support)) + r"\}"
        return (rf"S = {S}:\ \operatorname{{rk}} = {self.rank},\ L = {sympy.latex(sympy.sympify(self.value))},"
                rf"\ \text{{{self.kind}, {self.role.replace('_', ' ')}}}")

    def _repr_latex_(self):
        return f"${self._latex()}$"


def _image(sp, support):
    """``U_S`` (earlier private name of :meth:`~linnet_geometry.critical.spectrum.Spectrum.truncation`)."""
    return sp.truncation(support)


def _representative(network, sp, support):
    U = sp._loss.target
    w, h = network.widths, network.depth
    s = len(support)
    if h == 1:
        return (_image(sp, support),)
    if sp.exact:
        vecs, _ = sp.vectors(support)
        vs = [_to_sympy_vec(v) for v in vecs]
        if sp.side == "left":
            first_rows = [(v.T * U) for v in vs]
            last_cols = [v / (v.T * v)[0] for v in vs]
        else:
            first_rows = [v.T / (v.T * v)[0] for v in vs]
            last_cols = [U * v for v in vs]
        mats = []
        for i in range(1, h + 1):
            rows, cols = w[i], w[i - 1]
            M = sympy.zeros(rows, cols)
            for k in range(s):
                if i == 1:
                    M[k, :] = first_rows[k]
                elif i == h:
                    M[:, k] = last_cols[k]
                else:
                    M[k, k] = 1
            mats.append(M)
        return tuple(mats)
    vecs, _ = sp.vectors(support)
    Uf = np.asarray(U, dtype=float)
    mats = []
    for i in range(1, h + 1):
        M = np.zeros((w[i], w[i - 1]))
        for k, v in enumerate(vecs):
            if i == 1:
                M[k, :] = v @ Uf
            elif i == h:
                M[:, k] = v
            else:
                M[k, k] = 1.0
        mats.append(M)
    return tuple(mats)


class StrataView(Sequence):
    """Lazy, ordered view of the strata (by rank, then lexicographic support).

    Strata are built on demand, so loci with astronomically many strata
    (e.g. widths ``(512,)*11``) cost nothing until iterated.
    """

    def __init__(self, locus):
        self._locus = locus

    def __len__(self):
        n = self._locus.num_strata
        if n > sys.maxsize:
            raise ProblemTooLargeError(f"the locus has {n} strata; expected at most {sys.maxsize} for len(). "
                                       "Iterate lazily, or use locus.stratum(support) / locus.global_minimum")
        return n

    def __iter__(self):
        for choice in self._locus._choices():
            yield self._locus._make_stratum(choice)

    def __getitem__(self, k):
        """The k-th stratum, computed directly by unranking (no walk through the preceding strata)."""
        n = self._locus.num_strata
        if isinstance(k, slice):
            start, stop, step = k.indices(min(n, sys.maxsize))
            count = len(range(start, stop, step))
            if count > MAX_LISTED_STRATA:
                raise ProblemTooLargeError(f"the slice asks for {count} strata; expected at most {MAX_LISTED_STRATA}. "
                                           "Iterate locus.strata lazily instead")
            return [self._locus._make_stratum(self._locus._unrank(j)) for j in range(start, stop, step)]
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
            raise InputTypeError(f"strata index: expected an int or a slice; received {k!r} of type "
                                 f"{type(k).__name__}")
        k = int(k)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError(f"strata index {k} out of range; expected -{n} ≤ index < {n}")
        return self._locus._make_stratum(self._locus._unrank(k))

    def __repr__(self):
        return f"<{self._locus.num_strata} critical strata>"


class CriticalLocus:
    """The critical locus of ``L = ℓ ∘ μ_d`` for a quadratic ℓ; see :func:`critical_locus`.

    Attributes
    ----------
    network, loss, spectrum
    strata : StrataView
        One :class:`CriticalStratum` per support (or family), lazily built.
    num_strata : int
    global_minimum_value
    is_degenerate : bool
    function_space_points : tuple of FunctionSpacePoint

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> locus = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]]))
    >>> locus
    CriticalLocus(widths=(2, 1, 2), num_strata=3, global_minimum_value=1, is_degenerate=False)
    >>> locus.num_strata, locus.critical_values
    (3, {1, 4, 5})
    >>> [st.support for st in locus.strata]
    [(), (1,), (2,)]
    """

    def __init__(self, network, loss, spec, tol):
        self.network = network
        self.loss = loss
        self.spectrum = spec
        self.tol = tol

    # -- combinatorics of supports -----------------------------------------
    @property
    def _max_support(self):
        if self.network.depth == 1:
            return None  # only U itself
        return min(self.network.bottleneck, self.spectrum.rank)

    def _choices(self, max_size=None):
        """Tuples ``k = (k_1, …, k_B)`` (chosen per tie block), by total then lexicographic support."""
        sp = self.spectrum
        sizes = [len(b) for b in sp.blocks]
        if self.network.depth == 1:
            yield tuple(sizes)
            return
        top = self._max_support if max_size is None else max_size
        if all(n == 1 for n in sizes):
            B = len(sizes)
            for e in range(top + 1):
                for comb in itertools.combinations(range(B), e):
                    k = [0] * B
                    for c in comb:
                        k[c] = 1
                    yield tuple(k)
            return
        for e in range(top + 1):
            for k in _compositions(sizes, e):
                yield k

    @cached_property
    def _count_table(self):
        """``cnt[a][e]``: number of choices ``(k_a, …, k_B)`` with ``Σ k = e`` (``e ≤ top``)."""
        sizes = [len(b) for b in self.spectrum.blocks]
        top = self._max_support
        cnt = [[0] * (top + 1) for _ in range(len(sizes) + 1)]
        cnt[len(sizes)][0] = 1
        for a in range(len(sizes) - 1, -1, -1):
            nxt, row = cnt[a + 1], cnt[a]
            for e in range(top + 1):
                row[e] = sum(nxt[e - k] for k in range(0, min(sizes[a], e) + 1))
        return cnt

    @cached_property
    def num_strata(self) -> int:
        """Exact number of strata (families count once)."""
        if self.network.depth == 1:
            return 1
        return sum(self._count_table[0])

    @cached_property
    def num_pure_strata(self) -> int:
        """Number of pure strata: ``|S| = min(r, ρ)`` (TKB2020), counted without listing them."""
        if self.network.depth == 1:
            return 1
        return self._count_table[0][self._max_support]

    def _unrank(self, idx):
        """The choice at position ``idx`` of :meth:`_choices` (by size, then lexicographic support)."""
        sizes = [len(b) for b in self.spectrum.blocks]
        if self.network.depth == 1:
            return tuple(sizes)
        cnt = self._count_table
        e = 0
        while idx >= cnt[0][e]:
            idx -= cnt[0][e]
            e += 1
        choice, left = [], e
        for a, n in enumerate(sizes):
            for k in range(min(n, left), -1, -1):
                c = cnt[a + 1][left - k]
                if idx < c:
                    choice.append(k)
                    left -= k
                    break
                idx -= c
        return tuple(choice)

    def _support(self, choice):
        return tuple(i for b, k in zip(self.spectrum.blocks, choice) for i in b[:k])

    def _choice_of(self, support):
        return support_block_counts(self.spectrum, support, self.network.bottleneck, self.network.depth)

    def stratum(self, support):
        """The stratum of a given support (canonical member of its family for degenerate data)."""
        return self._make_stratum(self._choice_of(support))

    # -- numbers --------------------------------------------------------------
    def _value(self, choice):
        sp = self.spectrum
        chosen = set(self._support(choice))
        if sp.exact:
            rest = [j for j in range(1, sp.size + 1) if j not in chosen]
            return sympy.Add(sp.offset, sp.root_sum(rest))
        return sp.offset + sum(sp.floats[j - 1] for j in range(1, sp.size + 1) if j not in chosen)

    def _value_float(self, choice):
        sp = self.spectrum
        chosen = set(self._support(choice))
        return float(sp.offset) + sum(sp.floats[j - 1] for j in range(1, sp.size + 1) if j not in chosen)

    def _index(self, choice):
        sizes = [len(b) for b in self.spectrum.blocks]
        idx, missing_above = 0, 0
        for n, k in zip(sizes, choice):
            idx += k * missing_above
            missing_above += n - k
        return idx

    @staticmethod
    def _family_dim(sizes, choice):
        return sum(k * (n - k) for n, k in zip(sizes, choice))

    def _make_stratum(self, choice):
        net, sp = self.network, self.spectrum
        sizes = [len(b) for b in sp.blocks]
        support = self._support(choice)
        s = len(support)
        r, h = net.bottleneck, net.depth
        index = self._index(choice)
        fam = self._family_dim(sizes, choice)
        cert = []
        is_all = s == sp.rank
        if s == r or is_all:
            kind = "pure"
            cert.append(("|S| = r: U_S is critical on the smooth locus of M_r" if s == r else
                         "S contains every nonzero singular value: U_S = U, ∇ℓ = 0") + " [TKB2020]")
        else:
            kind = "spurious"
            cert.append(f"|S| = {s} < r = {r} and U_S ≠ U: rank-deficient image with ∇ℓ ≠ 0 [TKB2020]")
        note = ""
        if kind == "pure":
            if index == 0:
                role = "global_min"
                cert.append("function-space index 0: S is a top set, the only local minimum of ℓ|M_r; every "
                            "local minimum is global [EY1936, TKB2020, BH1989]")
            else:
                role = "strict_saddle"
                cert.append(f"function-space index {index} > 0 and dμ is onto the tangent space at rank r ⇒ "
                            "negative Hessian eigenvalue [TKB2020, EY1936]")
        else:
            if index > 0:
                role = "strict_saddle"
                cert.append("S is not the top-|S| set ⇒ strict saddle [AMG2024]")
            elif h == 2:
                role = "strict_saddle"
                cert.append("one hidden layer: every saddle is strict [K2016, BH1989]")
            else:
                role = "saddle"
                note = ("two or more hidden layers: strict at some points of the stratum and non-strict at others "
                        "(e.g. θ = 0 when S = ∅ has zero Hessian); use classify() on a point [AMG2024]")
                cert.append("spurious critical points are never local minima [TKB2020, K2016]")
        # dimension
        if kind == "pure":
            dim = fiber_dimension(net.widths, s) + fam
            dnote = ("fiber dimension d_θ − r(d_0 + d_h − r)" if s == r else "fiber dimension over a rank-"
                     f"{s} point (every point of the fiber is critical since ∇ℓ = 0)")
            if fam:
                dnote += f" plus family dimension {fam}"
        elif h == 2:
            j = sp.rank - s
            w = net.widths
            dim = _fiber((w[0] - j, w[1], w[2] - j), s) + fam
            dnote = ("rows J of W_2 and columns J of W_1 vanish (J = nonzero singular values outside S); the rest "
                     "is the fiber of the reduced network over a rank-|S| point" + (f"; plus family dimension {fam}"
                                                                                     if fam else ""))
        elif net.num_params <= MAX_BRUTE_FORCE_PARAMS:
            dim = spurious_dimension(net.widths, s, sp.rank - s) + fam
            dnote = ("Gröbner basis (complex dimension of {μ(θ) = U_S, ∇L = 0}; depends only on widths, |S| and the "
                     "number of nonzero singular values outside S)" + (f"; plus family dimension {fam}" if fam else ""))
        else:
            dim = None
            dnote = ("not computed: for two or more hidden layers the critical set over a spurious U_S has no closed "
                     f"form implemented, and {net.num_params} parameters exceed the brute-force limit "
                     f"{MAX_BRUTE_FORCE_PARAMS} of linnet_geometry.critical.brute_force.spurious_dimension")
        return CriticalStratum(support=support, rank=s, value=self._value(choice), value_float=self._value_float(choice),
                               kind=kind, role=role, role_note=note, function_space_index=index, dimension=dim,
                               dimension_note=dnote, family_dimension=fam, certificate=tuple(cert), _spectrum=sp,
                               _network=net)

    # -- summaries ------------------------------------------------------------
    @property
    def strata(self):
        return StrataView(self)

    @property
    def is_degenerate(self) -> bool:
        """True iff the target has repeated or zero singular values (detected exactly for exact data)."""
        return self.spectrum.is_degenerate

    @property
    def singular_values(self):
        return self.spectrum.singular_values

    @cached_property
    def global_minimum(self):
        """The global-minimum stratum (top-r support)."""
        sp = self.spectrum
        if self.network.depth == 1:
            return self._make_stratum(tuple(len(b) for b in sp.blocks))
        budget = self._max_support
        choice = []
        for b in sp.blocks:
            k = min(len(b), budget)
            choice.append(k)
            budget -= k
        return self._make_stratum(tuple(choice))

    @property
    def global_minimum_value(self):
        """``c + Σ_{j>r} λ_j`` (EY1936)."""
        return self.global_minimum.value

    @property
    def critical_values(self):
        """The set of critical values (exact), built from all strata.

        Raises :class:`ProblemTooLargeError` (before any work) for more than
        :data:`MAX_LISTED_STRATA` strata.
        """
        if self.num_strata > MAX_LISTED_STRATA:
            raise ProblemTooLargeError(f"the locus has {self.num_strata} strata; expected at most {MAX_LISTED_STRATA} "
                                       "to list every critical value. Use locus.global_minimum_value or iterate "
                                       "locus.strata lazily")
        return {st.value for st in self.strata}

    @cached_property
    def function_space_points(self):
        """Critical points of ℓ on each rank stratum ``M_e``, ``e ≤ min(r, ρ)`` (EY1936; DHOST2016)."""
        sp = self.spectrum
        sizes = [len(b) for b in sp.blocks]
        top = min(self.network.bottleneck, sp.rank)
        count = sum(1 for _ in itertools.islice(self._choices(top), 100_001))
        if count > 100_000:
            raise ProblemTooLargeError("more than 100000 function-space critical points; iterate "
                                       "locus.strata lazily instead")
        out = []
        for choice in self._choices(top):
            supp = self._support(choice)
            out.append(FunctionSpacePoint(supp, len(supp), self._value(choice), self._value_float(choice),
                                          self._index(choice), self._family_dim(sizes, choice), sp))
        return tuple(out)

    @cached_property
    def graph(self):
        """The critical-subspace graph (see :func:`linnet_geometry.critical.graph.critical_graph`)."""
        return critical_graph(self)

    def __repr__(self):
        return (f"CriticalLocus(widths={self.network.widths}, num_strata={self.num_strata}, "
                f"global_minimum_value={self.global_minimum_value}, is_degenerate={self.is_degenerate})")

    def table(self, max_rows: int = 200) -> str:
        """A readable text table of the strata (first ``max_rows``)."""
        head = f"{'support':<16}{'rank':>5}  {'value':<28}{'≈ value':>12}  {'kind':<9}{'role':<16}{'index':>6}{'dim':>6}"
        lines = [head, "-" * len(head)]
        for k, st in enumerate(self.strata):
            if k >= max_rows:
                lines.append(f"... ({self.num_strata - max_rows} more strata)")
                break
            val = str(st.value)
            val = val if len(val) <= 26 else val[:23] + "..."
            fam = "*" if st.is_family else ""
            supp = "{" + ",".join(map(str, st.support)) + "}" + fam
            dim = "-" if st.dimension is None else str(st.dimension)
            lines.append(f"{supp:<16}{st.rank:>5}  {val:<28}{st.value_float:>12.6g}  {st.kind:<9}{st.role:<16}"
                         f"{st.function_space_index:>6}{dim:>6}")
        return "\n".join(lines)

    def to_dict(self, max_strata: int = 100_000):
        """Plain-data form (JSON-ready)."""
        if self.num_strata > max_strata:
            raise ProblemTooLargeError(f"{self.num_strata} strata; expected at most {max_strata} for to_dict()")
        sp = self.spectrum
        return {"network": self.network.to_dict(), "loss": self.loss.to_dict(), "exact": sp.exact,
                "squared_singular_values": [str(v) for v in sp.eigenvalues],
                "squared_singular_values_float": list(sp.floats), "is_degenerate": self.is_degenerate,
                "tie_blocks": [list(b) for b in sp.blocks], "num_strata": self.num_strata,
                "global_minimum_value": str(self.global_minimum_value),
                "global_minimum_value_float": self.global_minimum.value_float,
                "strata": [st.to_dict() for st in self.strata]}

    def _latex(self, printer=None):
        return (rf"\text{{critical locus of }} L = \ell\circ\mu_d:\ {self.num_strata}\ \text{{strata}},"
                rf"\ \min L = {sympy.latex(sympy.sympify(self.global_minimum_value))}")

    def _repr_latex_(self):
        return f"${self._latex()}$"


def _compositions(sizes, total):
    """All ``k`` with ``0 ≤ k_a ≤ sizes[a]`` and ``Σ k_a = total``, lexicographically by support."""
    def rec(a, left):
        if a == len(sizes):
            if left == 0:
                yield ()
            return
        for k in range(min(sizes[a], left), -1, -1):
            for rest in rec(a + 1, left - k):
                yield (k,) + rest
    yield from rec(0, total)


def critical_locus(network, loss, numeric=None, tol: float = DEFAULT_TOL) -> CriticalLocus:
    """Critical locus of ``L = ℓ ∘ μ_d`` for a quadratic loss (THEORY §3).

    Parameters
    ----------
    network : LinearNetwork
    loss : QuadraticLoss
        ``‖W − U‖²`` or ``‖WX − Y‖²`` (:meth:`QuadraticLoss.from_data`).
    numeric : bool, optional
        Force the float path (default: exact iff the loss data is exact).
    tol : float
        Tolerance of the numeric path (ties and zeros of singular values).

    Returns
    -------
    CriticalLocus

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> locus = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]]))
    >>> [(st.support, st.value, st.kind, st.role) for st in locus.strata]
    [((), 5, 'spurious', 'strict_saddle'), ((1,), 1, 'pure', 'global_min'), ((2,), 4, 'pure', 'strict_saddle')]
    """
    if not isinstance(network, LinearNetwork):
        raise InputTypeError(f"network must be a LinearNetwork; received {type(network).__name__}")
    if not isinstance(loss, QuadraticLoss):
        raise InputTypeError(
            f"critical_locus solves quadratic losses by theory: expected a QuadraticLoss; received {type(loss).__name__}. "
            "Use classify() for "
            "points of any loss, or function_space_critical_points() for general polynomial losses")
    tol = check_tol(tol)
    if numeric is not None and not isinstance(numeric, (bool, np.bool_)):
        raise InputTypeError(f"numeric: expected None, True or False; received {numeric!r}")
    check_loss_shape(loss, network)
    if numeric and loss.is_exact:
        T = np.array(loss.target.evalf(30).tolist(), dtype=float)
        cov = None if loss.covariance is None else np.array(loss.covariance.evalf(30).tolist(), dtype=float)
        loss = QuadraticLoss(T, _covariance=cov, _offset=float(loss.offset))
    return CriticalLocus(network, loss, spectrum(loss, tol), tol)
