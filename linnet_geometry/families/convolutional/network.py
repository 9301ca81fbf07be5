"""Linear convolutional networks (LCNs): filters, the end-to-end filter and its differential.

Model (KMMT2022, KMST2024)
--------------------------
A linear convolutional network has ``L`` one-dimensional convolutional layers
without padding, filter sizes ``k = (k_1, ..., k_L)`` and strides
``s = (s_1, ..., s_L)``, applied in order ``1..L`` (input first, as for
:class:`~linnet_geometry.LinearNetwork`).  Layer ``l`` with filter
``w_l = (w_{l,0}, ..., w_{l,k_l-1}) ∈ R^{k_l}`` maps ``x ∈ R^{n_{l-1}}`` to

    ``(w_l * x)_i = Σ_j w_{l,j} x_{i s_l + j}``,   ``0 <= i < n_l``,

``n_l = (n_{l-1} - k_l) / s_l + 1``.  [paper KMMT2022, Section 2] We require
that ``s_l`` divides ``n_{l-1} - k_l`` (the filter tiles the input exactly,
as in KMMT2022); otherwise the last input entries would be ignored
[convention].

Polynomial view [paper KMMT2022, KMST2024]: a filter ``w ∈ R^k`` is the
binary form ``π(w) = Σ_j w_j x^{k-1-j} y^j`` of degree ``k - 1``; the library
works with its dehomogenisation ``w(t) = π(w)(1, t) = Σ_j w_j t^j`` and keeps
track of the degree ``k - 1`` so that a vanishing last coefficient counts as a
root at infinity (``x = 0``) [convention].  The composition of the layers is a
convolution with the *end-to-end filter* ``w̄`` and stride ``s_1 ⋯ s_L``, where

    ``w̄(t) = w_1(t) · w_2(t^{S_1}) · w_3(t^{S_2}) ⋯ w_L(t^{S_{L-1}})``,  ``S_l = s_1 ⋯ s_l``,

so ``w̄`` has size ``k̄ = k_1 + Σ_{l>=2} (k_l - 1) S_{l-1}`` [paper KMMT2022;
KMST2024, "sparse factorization"].  (Check: composing two layers gives
offsets ``j_2 s_1 + j_1``, i.e. the product ``w_1(t) w_2(t^{s_1})``.)  The
last stride ``s_L`` does not enter ``w̄``; it only sets the output length.

The end-to-end map ``μ_{k,s}: θ = (w_1, ..., w_L) ↦ w̄`` is multilinear, so it
is invariant under the rescalings ``w_l ↦ λ_l w_l`` with ``Π λ_l = 1``; its
image is the *function space* ``M_{k,s}`` (see
:class:`~linnet_geometry.families.convolutional.ConvolutionalFunctionSpace`), of
dimension ``Σ k_l - L + 1`` [paper KMST2024], which is therefore the generic
rank of the differential ``dμ``.  A parameter θ is a *critical point of the
parameterization* when ``rank dμ(θ) < Σ k_l - L + 1``.

Rank of the differential, stride one [derived; the full-rank case is KMMT2022]:
write ``p_l = π(w_l)`` and ``P = Π p_l``.  The image of ``dμ(θ)`` is
``Σ_l (P / p_l) · V_{k_l - 1}`` (``V_d`` = binary forms of degree ``d``).  If
every filter is non-zero,

    ``rank dμ(θ) = k̄ - Σ_{ρ ∈ P^1_C} (m_ρ(P) - max_l m_ρ(p_l))``,

i.e. ``k̄ - deg gcd_l (P / p_l)``; so at non-zero filters ``dμ(θ)`` has full
rank iff the filters' polynomials are pairwise coprime (no common complex
root, roots at infinity included) — KMMT2022's characterization of the
critical points of the parameterization for stride one.  With exactly one
zero filter ``w_j`` the rank is ``k_j`` (a rank drop iff another filter has
size >= 2); with two or more it is ``0``.  (Checked against the exact
Jacobian rank by the theorem registry and the tests.)
"""

from __future__ import annotations

import numbers
from functools import cached_property

import numpy as np
import sympy

from ...exact.matrix import convert_entry, rank
from ._algebra import cumulative_strides, end_to_end_filter_size
from .function_space import ConvolutionalFunctionSpace, _binary_gcd_degree, _FilterArchitecture, _filter_entries
from ...exceptions import ExactInputRequiredError, InputTypeError, ProblemTooLargeError, ShapeError, WidthsError

__all__ = ["ConvolutionalNetwork", "MAX_FILTER_SIZE", "MAX_STRIDE"]

#: Largest accepted filter size / stride; anything bigger is rejected as a likely mistake.
MAX_FILTER_SIZE = 10**4
MAX_STRIDE = 10**4
#: Largest accepted input length (the Toeplitz matrix has ``output_length × input_length`` entries).
MAX_INPUT_LENGTH = 10**6


def _positive_int(value, what, maximum):
    if isinstance(value, (bool, np.bool_)):
        raise WidthsError(f"{what} is the bool {value!r}; expected a positive integer")
    if isinstance(value, sympy.Integer):
        value = int(value)
    if not isinstance(value, (numbers.Integral, np.integer)):
        raise WidthsError(f"{what} is {value!r} of type {type(value).__name__}; expected a positive integer")
    value = int(value)
    if value < 1:
        raise WidthsError(f"{what} is {value}; expected a positive integer")
    if value > maximum:
        raise WidthsError(f"{what} is {value}; expected at most {maximum}")
    return value


def _int_sequence(values, name):
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise WidthsError(f"{name}: expected a sequence of positive integers; received {values!r}")
    return list(values)


def _poly_mul(a, b):
    """Coefficient list of the product of two coefficient lists (exact or symbolic)."""
    out = [sympy.Integer(0)] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x == 0:
            continue
        for j, y in enumerate(b):
            out[i + j] += x * y
    return out


def _stretch(coeffs, stride):
    """Coefficients of ``w(t^stride)`` from those of ``w(t)``."""
    if stride == 1 or len(coeffs) == 1:
        return list(coeffs)
    out = [sympy.Integer(0)] * ((len(coeffs) - 1) * stride + 1)
    for j, c in enumerate(coeffs):
        out[j * stride] = c
    return out


class ConvolutionalNetwork(_FilterArchitecture):
    """A linear convolutional network: 1-D convolutions without padding (KMMT2022, KMST2024).

    Parameters
    ----------
    filter_sizes : sequence of int
        ``(k_1, ..., k_L)``, first layer (applied to the input) first, each ``>= 1``.
    strides : sequence of int, optional
        ``(s_1, ..., s_L)``, each ``>= 1``; default all ``1``.
    input_length : int, optional
        Length ``n_0`` of the input.  Default: the smallest length with a single
        output, ``n_0 = k̄`` (then :meth:`end_to_end` is the end-to-end filter as
        one row).  Every layer must tile its input exactly: ``n_{l-1} >= k_l`` and
        ``s_l`` divides ``n_{l-1} - k_l``.

    Notes
    -----
    The end-to-end filter is ``w̄(t) = w_1(t) w_2(t^{S_1}) ⋯ w_L(t^{S_{L-1}})``,
    ``S_l = s_1 ⋯ s_l`` [paper KMMT2022]; its size is
    ``k̄ = k_1 + Σ_{l>=2} (k_l - 1) S_{l-1}``.  The function space has dimension
    ``Σ k_l - L + 1`` [paper KMST2024], the generic rank of :meth:`differential`.
    See the module docstring for the rank formula of the differential (stride one).

    Examples
    --------
    >>> net = ConvolutionalNetwork((2, 3), strides=(2, 1))
    >>> net.depth, net.end_to_end_filter_size, net.input_length, net.output_length, net.num_parameters
    (2, 6, 6, 1, 5)
    >>> net.end_to_end_filter([[1, 2], [1, 0, -1]])
    (1, 2, 0, 0, -1, -2)
    >>> net.end_to_end([[1, 2], [1, 0, -1]], input_length=8)
    Matrix([
    [1, 2, 0, 0, -1, -2, 0, 0],
    [0, 0, 1, 2,  0,  0, -1, -2]])
    >>> net.differential_rank([[1, 2], [1, 0, -1]]), net.function_space.dim
    (4, 4)
    """

    def __init__(self, filter_sizes, strides=None, input_length=None):
        ks = _int_sequence(filter_sizes, "filter_sizes")
        if len(ks) < 1:
            raise WidthsError(f"filter_sizes: expected at least one filter size (k_1, ..., k_L); received {ks!r}")
        self._k = tuple(_positive_int(k, f"filter_sizes[{i}]", MAX_FILTER_SIZE) for i, k in enumerate(ks))
        L = len(self._k)
        if strides is None:
            self._s = (1,) * L
        else:
            ss = _int_sequence(strides, "strides")
            if len(ss) != L:
                raise WidthsError(f"strides: expected {L} strides (one per layer, filter_sizes {self._k}); "
                                  f"received {len(ss)}: {ss!r}")
            self._s = tuple(_positive_int(s, f"strides[{i}]", MAX_STRIDE) for i, s in enumerate(ss))
        # the default input length: the smallest one with a single output
        n = 1
        for k, s in zip(reversed(self._k), reversed(self._s)):
            n = k + (n - 1) * s
        self._min_input = n
        if input_length is None:
            self._n0 = n
        else:
            self._n0 = self._check_input_length(input_length)
        self._lengths = self._layer_lengths(self._n0)

    def _check_input_length(self, n0, name="input_length"):
        if isinstance(n0, (bool, np.bool_)) or not isinstance(n0, (numbers.Integral, np.integer, sympy.Integer)):
            raise WidthsError(f"{name} is {n0!r} of type {type(n0).__name__}; expected a positive integer")
        n0 = int(n0)
        if n0 < 1 or n0 > MAX_INPUT_LENGTH:
            raise WidthsError(f"{name} is {n0}; expected an integer between 1 and {MAX_INPUT_LENGTH}")
        self._layer_lengths(n0, name)
        return n0

    def _layer_lengths(self, n0, name="input_length"):
        lengths = [n0]
        for l, (k, s) in enumerate(zip(self._k, self._s), start=1):
            n = lengths[-1]
            if n < k:
                raise WidthsError(
                    f"{name} {n0} is too short: layer {l} (filter size {k}) receives length {n}; expected at least "
                    f"{k} (the smallest input length for filter_sizes {self._k}, strides {self._s} is {self._min_input})")
            if (n - k) % s:
                raise WidthsError(
                    f"{name} {n0}: stride s_{l} = {s} does not divide n_{l - 1} - k_{l} = {n} - {k} = {n - k}; "
                    f"expected input lengths {self._min_input} + m * {int(np.prod(self._s))} (m >= 0)")
            lengths.append((n - k) // s + 1)
        return tuple(lengths)

    # -- basic data (and filter_sizes, strides) -------------------------------
    @property
    def depth(self) -> int:
        """Number of layers ``L``."""
        return len(self._k)

    @property
    def input_length(self) -> int:
        """The input length ``n_0``."""
        return self._n0

    @property
    def output_length(self) -> int:
        """The output length ``n_L``."""
        return self._lengths[-1]

    @property
    def layer_lengths(self):
        """``(n_0, n_1, ..., n_L)``: the signal length before and after every layer."""
        return self._lengths

    @property
    def cumulative_strides(self):
        """``(S_0, S_1, ..., S_L)`` with ``S_0 = 1`` and ``S_l = s_1 ⋯ s_l``."""
        return cumulative_strides(self._s)

    @property
    def end_to_end_stride(self) -> int:
        """The stride ``s_1 ⋯ s_L`` of the end-to-end convolution."""
        return self.cumulative_strides[-1]

    @property
    def end_to_end_filter_size(self) -> int:
        """``k̄ = k_1 + Σ_{l>=2} (k_l - 1) S_{l-1}`` (KMMT2022)."""
        return end_to_end_filter_size(self._k, self._s)

    @property
    def num_parameters(self) -> int:
        """``Σ k_l``."""
        return sum(self._k)

    @property
    def max_differential_rank(self) -> int:
        """Generic rank of ``dμ``: ``Σ k_l - L + 1``, the dimension of the function space (KMST2024)."""
        return self.num_parameters - self.depth + 1

    @property
    def has_stride_one(self) -> bool:
        """True when ``s_1 = ⋯ = s_{L-1} = 1`` (the last stride does not enter ``w̄``)."""
        return all(s == 1 for s in self._s[:-1])

    @cached_property
    def function_space(self):
        """The function space ``M_{k,s}``: a :class:`ConvolutionalFunctionSpace`."""
        return ConvolutionalFunctionSpace(self._k, self._s)

    def __repr__(self):
        extra = "" if self._n0 == self._min_input else f", input_length={self._n0}"
        return f"ConvolutionalNetwork(filter_sizes={self._k}, strides={self._s}{extra})"

    def __eq__(self, other):
        return (isinstance(other, ConvolutionalNetwork)
                and (self._k, self._s, self._n0) == (other._k, other._s, other._n0))

    def __hash__(self):
        return hash(("ConvolutionalNetwork", self._k, self._s, self._n0))

    def _repr_latex_(self):
        return (r"$\text{LCN}: k = (" + ", ".join(map(str, self._k)) + r"),\ s = ("
                + ", ".join(map(str, self._s)) + r"),\ \bar k = " + str(self.end_to_end_filter_size) + "$")

    def to_dict(self):
        """Plain-data description (JSON-ready).

        Examples
        --------
        >>> ConvolutionalNetwork((2, 2)).to_dict()["end_to_end_filter_size"]
        3
        """
        return {"filter_sizes": list(self._k), "strides": list(self._s), "depth": self.depth,
                "input_length": self._n0, "output_length": self.output_length,
                "end_to_end_filter_size": self.end_to_end_filter_size, "num_parameters": self.num_parameters,
                "function_space_dim": self.max_differential_rank}

    # -- symbolic parameters ---------------------------------------------------
    def symbols(self):
        """Symbolic filters: a tuple of ``L`` tuples, filter ``l`` holding ``w{l}_0, ..., w{l}_{k_l-1}``.

        Examples
        --------
        >>> ConvolutionalNetwork((2, 1)).symbols()
        ((w1_0, w1_1), (w2_0,))
        """
        return tuple(tuple(sympy.Symbol(f"w{l}_{j}") for j in range(k)) for l, k in enumerate(self._k, start=1))

    @property
    def parameters(self):
        """Flat tuple of the filter symbols in θ order (layer by layer)."""
        return tuple(s for f in self.symbols() for s in f)

    def parameterization(self):
        """The end-to-end filter ``w̄`` as a tuple of polynomials in :meth:`symbols`.

        Examples
        --------
        >>> ConvolutionalNetwork((2, 2)).parameterization()
        (w1_0*w2_0, w1_0*w2_1 + w1_1*w2_0, w1_1*w2_1)
        """
        return tuple(sympy.expand(c) for c in self.end_to_end_filter(self.symbols()))

    # -- points θ ----------------------------------------------------------------
    def validate_theta(self, theta, exact=None, name="theta"):
        """Check and convert ``θ = (w_1, ..., w_L)``.

        Returns ``(filters, kind)`` with ``kind`` one of ``"exact"`` (sympy
        numbers), ``"float"`` (Python floats) or ``"symbolic"`` (sympy
        expressions with free symbols).  ``exact=True`` rejects floats with
        :class:`~linnet_geometry.exceptions.ExactInputRequiredError`.

        Examples
        --------
        >>> ConvolutionalNetwork((2, 1)).validate_theta([[1, 2], [3]])
        (((1, 2), (3,)), 'exact')
        """
        if isinstance(theta, (str, bytes)) or not hasattr(theta, "__len__"):
            raise ShapeError(f"{name} must be a sequence of {self.depth} filters for filter_sizes {self._k}; "
                             f"received {type(theta).__name__}")
        if len(theta) != self.depth:
            raise ShapeError(f"{name} has {len(theta)} filters; expected {self.depth} for filter_sizes {self._k}")
        filters, kinds = [], set()
        for l, (w, k) in enumerate(zip(theta, self._k), start=1):
            label = f"{name}[{l - 1}] (w_{l})"
            w = _filter_entries(w, k, label, f"for filter_sizes {self._k}")
            out = []
            for x in w:
                if isinstance(x, sympy.Basic) and not x.is_number:
                    if x.has(sympy.Float):
                        raise InputTypeError(f"{label} has the entry {x} mixing symbols and floats; "
                                             "expected exact numbers or symbolic expressions")
                    out.append(x)
                    kinds.add("symbolic")
                    continue
                value, is_exact = convert_entry(x, label)
                out.append(value)
                kinds.add("exact" if is_exact else "float")
            filters.append(tuple(out))
        if "float" in kinds and "symbolic" in kinds:
            raise InputTypeError(f"{name} mixes floats and symbols; expected exact numbers, symbols, or floats")
        if "float" in kinds and exact:
            raise ExactInputRequiredError(
                f"{name} has float entries; expected exact numbers (int, fractions.Fraction, sympy.Rational)")
        kind = "symbolic" if "symbolic" in kinds else ("float" if "float" in kinds else "exact")
        if kind == "float":
            filters = [tuple(float(x) for x in f) for f in filters]
        return tuple(filters), kind

    def flatten(self, theta):
        """θ as one flat tuple ``(w_{1,0}, ..., w_{L,k_L-1})``.

        Examples
        --------
        >>> ConvolutionalNetwork((2, 1)).flatten([[1, 2], [3]])
        (1, 2, 3)
        """
        filters, _ = self.validate_theta(theta)
        return tuple(x for f in filters for x in f)

    def unflatten(self, vector):
        """Inverse of :meth:`flatten`.

        Examples
        --------
        >>> ConvolutionalNetwork((2, 1)).unflatten([1, 2, 3])
        ((1, 2), (3,))
        """
        if isinstance(vector, (str, bytes)) or not hasattr(vector, "__len__"):
            raise ShapeError(f"vector must be a sequence of {self.num_parameters} numbers; received {vector!r}")
        vec = list(vector)
        if len(vec) != self.num_parameters:
            raise ShapeError(f"vector has length {len(vec)}; expected {self.num_parameters} = Σ k_l for "
                             f"filter_sizes {self._k}")
        out, pos = [], 0
        for k in self._k:
            out.append(tuple(vec[pos:pos + k]))
            pos += k
        filters, _ = self.validate_theta(out, name="vector")
        return filters

    def random_parameters(self, seed=None, exact=True, bound=9):
        """Random filters: integers in ``[-bound, bound]`` (exact) or standard normal floats.

        Exact draws are redrawn until no filter is zero.

        Examples
        --------
        >>> net = ConvolutionalNetwork((2, 3))
        >>> theta = net.random_parameters(seed=0)
        >>> [len(w) for w in theta]
        [2, 3]
        >>> net.random_parameters(seed=0) == theta
        True
        """
        rng = np.random.default_rng(seed)
        while True:
            if exact:
                theta = tuple(tuple(sympy.Integer(int(v)) for v in rng.integers(-bound, bound + 1, size=k))
                              for k in self._k)
            else:
                theta = tuple(tuple(float(v) for v in rng.standard_normal(k)) for k in self._k)
            if all(any(x != 0 for x in w) for w in theta):
                return theta

    # -- the end-to-end filter and matrix ------------------------------------------
    def end_to_end_filter(self, theta):
        """The end-to-end filter ``w̄``: coefficients of ``w_1(t) w_2(t^{S_1}) ⋯ w_L(t^{S_{L-1}})``.

        Exact input gives sympy numbers, floats give Python floats (via numpy),
        symbols give expanded expressions.

        Examples
        --------
        >>> net = ConvolutionalNetwork((2, 2), strides=(2, 1))
        >>> net.end_to_end_filter([[1, 1], [1, -1]])     # (1 + t)(1 - t^2)
        (1, 1, -1, -1)
        >>> net.end_to_end_filter([[0.5, 1.0], [2.0, 0.0]])
        (1.0, 2.0, 0.0, 0.0)
        """
        filters, kind = self.validate_theta(theta)
        S = self.cumulative_strides
        if kind == "float":
            acc = np.array([1.0])
            for l, w in enumerate(filters):
                stretched = np.zeros((len(w) - 1) * S[l] + 1)
                stretched[::S[l]] = w
                acc = np.convolve(acc, stretched)
            return tuple(float(x) for x in acc)
        acc = [sympy.Integer(1)]
        for l, w in enumerate(filters):
            acc = _poly_mul(acc, _stretch(w, S[l]))
        if kind == "symbolic":
            acc = [sympy.expand(c) for c in acc]
        return tuple(acc)

    def layer_matrix(self, l, filter, in_length=None):
        """The matrix of layer ``l`` (1-based) on inputs of length ``in_length``.

        Shape ``(n_l, in_length)`` with entry ``(i, i s_l + j) = w_{l,j}``.
        Default ``in_length``: the length ``n_{l-1}`` this network feeds to layer ``l``.

        Examples
        --------
        >>> ConvolutionalNetwork((2,), strides=(2,)).layer_matrix(1, [1, 2], in_length=6)
        Matrix([
        [1, 2, 0, 0, 0, 0],
        [0, 0, 1, 2, 0, 0],
        [0, 0, 0, 0, 1, 2]])
        """
        if isinstance(l, bool) or not isinstance(l, (numbers.Integral, np.integer)) or not 1 <= int(l) <= self.depth:
            raise ShapeError(f"layer index l is {l!r}; expected an integer between 1 and {self.depth}")
        l = int(l)
        k, s = self._k[l - 1], self._s[l - 1]
        theta = [[0] * kk for kk in self._k]
        theta[l - 1] = filter
        filters, kind = self.validate_theta(theta, name="filter")
        w = filters[l - 1]
        n = self._lengths[l - 1] if in_length is None else in_length
        if isinstance(n, bool) or not isinstance(n, (numbers.Integral, np.integer)):
            raise WidthsError(f"in_length is {n!r}; expected a positive integer")
        n = int(n)
        if n < k or (n - k) % s:
            raise WidthsError(f"in_length {n} does not fit layer {l} (filter size {k}, stride {s}); expected "
                              f"k_{l} + m * s_{l} = {k} + m * {s} (m >= 0)")
        return _strided_band(w, (n - k) // s + 1, n, s, kind)

    def end_to_end(self, theta, input_length=None):
        """The convolution (Toeplitz) matrix of the network, shape ``(n_L, n_0)``.

        Row ``i`` holds ``w̄`` starting at column ``i · s_1 ⋯ s_L`` (equal to the product
        of the layer matrices; the tests check it).  ``input_length`` defaults to
        :attr:`input_length`.

        Examples
        --------
        >>> ConvolutionalNetwork((2, 2)).end_to_end([[1, 1], [1, 2]])
        Matrix([[1, 3, 2]])
        """
        n0 = self._n0 if input_length is None else self._check_input_length(input_length)
        lengths = self._layer_lengths(n0)
        wbar = self.end_to_end_filter(theta)
        _, kind = self.validate_theta(theta)
        return _strided_band(wbar, lengths[-1], n0, self.end_to_end_stride, kind)

    def layer_product(self, theta, input_length=None):
        """The product ``T_L ⋯ T_1`` of the layer matrices (a second route to :meth:`end_to_end`).

        Examples
        --------
        >>> net = ConvolutionalNetwork((2, 2), strides=(2, 1))
        >>> theta = [[1, 2], [3, 4]]
        >>> net.layer_product(theta, input_length=6) == net.end_to_end(theta, input_length=6)
        True
        """
        n0 = self._n0 if input_length is None else self._check_input_length(input_length)
        lengths = self._layer_lengths(n0)
        filters, kind = self.validate_theta(theta)
        P = None
        for l, w in enumerate(filters, start=1):
            T = self.layer_matrix(l, w, in_length=lengths[l - 1])
            P = T if P is None else (T @ P if kind == "float" else T * P)
        return P

    # -- the differential ---------------------------------------------------------
    def differential(self, theta=None):
        """Jacobian of ``w̄`` with respect to the flattened filters, shape ``(k̄, Σ k_l)``.

        Column ``(l, j)`` holds the coefficients of ``t^{j S_{l-1}} Π_{m≠l} w_m(t^{S_{m-1}})``.
        Exact (sympy Matrix); ``theta=None`` gives the symbolic Jacobian.  Floats raise
        :class:`~linnet_geometry.exceptions.ExactInputRequiredError`.

        Examples
        --------
        >>> ConvolutionalNetwork((2, 2)).differential([[1, 1], [1, 2]])
        Matrix([
        [1, 0, 1, 0],
        [2, 1, 1, 1],
        [0, 2, 0, 1]])
        """
        if theta is None:
            theta = self.symbols()
        filters, kind = self.validate_theta(theta, exact=True)
        S = self.cumulative_strides
        stretched = [_stretch(w, S[l]) for l, w in enumerate(filters)]
        kb = self.end_to_end_filter_size
        cols = []
        for l, w in enumerate(filters):
            others = [sympy.Integer(1)]
            for m, sw in enumerate(stretched):
                if m != l:
                    others = _poly_mul(others, sw)
            for j in range(len(w)):
                col = [sympy.Integer(0)] * kb
                shift = j * S[l]
                for i, c in enumerate(others):
                    col[i + shift] = c if kind != "symbolic" else sympy.expand(c)
                cols.append(col)
        return sympy.Matrix(kb, len(cols), lambda i, c: cols[c][i])

    def differential_rank(self, theta) -> int:
        """Exact rank of :meth:`differential` at ``θ`` (exact input only).

        Examples
        --------
        >>> net = ConvolutionalNetwork((2, 2))
        >>> net.differential_rank([[1, 1], [1, 2]]), net.differential_rank([[1, 1], [2, 2]])
        (3, 2)
        """
        filters, kind = self.validate_theta(theta, exact=True)
        if kind == "symbolic":
            raise InputTypeError("differential_rank needs numeric filters; received symbols")
        if self.end_to_end_filter_size * self.num_parameters > 250_000:
            raise ProblemTooLargeError(
                f"an exact rank of a {self.end_to_end_filter_size} x {self.num_parameters} Jacobian is out of reach; "
                "expected at most 250000 entries")
        return rank(self.differential(filters))

    def is_critical_parameter(self, theta) -> bool:
        """True iff ``rank dμ(θ) < Σ k_l - L + 1``: θ is a critical point of the parameterization.

        Examples
        --------
        >>> net = ConvolutionalNetwork((2, 2))
        >>> net.is_critical_parameter([[1, 1], [1, 2]]), net.is_critical_parameter([[1, 1], [2, 2]])
        (False, True)
        """
        return self.differential_rank(theta) < self.max_differential_rank

    def differential_rank_formula(self, theta) -> int:
        """Closed-form rank of ``dμ(θ)`` for stride one [derived; KMMT2022 for the full-rank case].

        With non-zero filters, ``rank = k̄ - deg gcd_l (P / p_l)`` where ``p_l = π(w_l)``
        are binary forms (roots at infinity included) and ``P = Π p_l``; one zero filter
        ``w_j`` gives ``k_j``, two or more give ``0``.  Strided networks raise
        ``NotImplementedError`` (use :meth:`differential_rank`).

        Examples
        --------
        >>> net = ConvolutionalNetwork((2, 3))
        >>> net.differential_rank_formula([[1, -1], [1, 0, -1]])   # common root t = 1
        3
        >>> net.differential_rank([[1, -1], [1, 0, -1]])
        3
        """
        if not self.has_stride_one:
            raise NotImplementedError(
                f"the closed-form rank of dμ is implemented for stride one (s_1 = ... = s_(L-1) = 1); received "
                f"strides {self._s}. Use differential_rank (exact Jacobian rank) for strided networks")
        filters, kind = self.validate_theta(theta, exact=True)
        if kind == "symbolic":
            raise InputTypeError("differential_rank_formula needs numeric filters; received symbols")
        zero = [l for l, w in enumerate(filters) if all(x == 0 for x in w)]
        if len(zero) >= 2:
            return 0
        if len(zero) == 1:
            return self._k[zero[0]]
        forms = [(list(w), k - 1) for w, k in zip(filters, self._k)]
        return self.end_to_end_filter_size - _binary_gcd_degree(forms)


def _strided_band(w, rows, cols, step, kind):
    """The ``rows × cols`` matrix whose row ``i`` holds the filter ``w`` from column ``i · step`` (a strided convolution)."""
    k = len(w)
    if kind == "float":
        M = np.zeros((rows, cols))
        for i in range(rows):
            M[i, i * step:i * step + k] = w
        return M
    return sympy.Matrix(rows, cols, lambda i, c: w[c - i * step] if 0 <= c - i * step < k else 0)
