"""The function space of a linear convolutional network: a semialgebraic set of factorizable filters.

Statements (THEORY style)
-------------------------
Notation: filter sizes ``k = (k_1, ..., k_L)``, strides ``s``, ``S_l = s_1 ⋯ s_l``,
``d_l = k_l - 1``, end-to-end size ``k̄ = 1 + Σ_l d_l S_{l-1}``.  A filter
``c ∈ R^{k̄}`` is identified with the binary form ``π(c) = Σ_i c_i x^{k̄-1-i} y^i``
(degree ``D = k̄ - 1``; roots in ``P^1``, a root at infinity ``x = 0`` having
multiplicity ``D - deg_t c(t)``) [paper KMMT2022; convention for the chart].

- ``M_{k,s} = {π(w_1)(x, y) · π(w_2)(x^{S_1}, y^{S_1}) ⋯ π(w_L)(x^{S_{L-1}}, y^{S_{L-1}})}``:
  the real polynomials admitting this (sparse) factorization with real factors
  [paper KMMT2022, KMST2024].
- ``dim M_{k,s} = Σ k_l - L + 1`` for every architecture [paper KMST2024].  Hence
  ``M_{k,s}`` is full-dimensional ("thick") iff ``d_l (S_{l-1} - 1) = 0`` for all ``l``,
  i.e. iff every layer after a stride > 1 has filter size 1 [derived]; then
  ``M_{k,s} = M_{k,1}`` (stride-one space with the same filter sizes), because a size-1
  filter is a scalar whatever it is stretched by [derived].  Otherwise it is "thin".
- Zariski closure: thick ⇒ all of ``R^{k̄}`` [derived from the dimension].  Thin ⇒ an
  irreducible variety of dimension ``Σ k_l - L + 1 < k̄`` (the closure of the image of
  the irreducible parameter space) [derived]; the library does not compute its equations.
- Stride one [paper KMMT2022]: ``M_{k,1}`` is the set of real binary forms of degree
  ``D = Σ d_l`` that factor into real forms of degrees ``d_1, ..., d_L``.  Let
  ``o = #{l : d_l odd} = #{l : k_l even}``.  A non-zero form ``p`` lies in it iff it has at
  least ``o`` real roots counted with multiplicity (roots at infinity included)
  [derived: give one real root to every odd-degree factor, the remaining real roots and
  the complex-conjugate pairs fill the even remainders in pairs].  Hence **filling
  (M = R^{k̄}) iff at most one filter size is even** [paper KMMT2022].
- Closedness: ``M_{k,s}`` is closed in the Euclidean topology for every architecture
  [derived: μ induces a continuous map ``Π P(R^{k_l}) → P(R^{k̄})`` — a product of non-zero
  polynomials is non-zero — from a compact space, so its image and the cone over it are
  closed].
- Euclidean boundary, stride one, non-filling (``o >= 2``) [derived, consistent with
  KMMT2022's description of the boundary by root multiplicities]: a small perturbation
  can turn exactly the real roots of even multiplicity into complex pairs, so the
  smallest real-root count near ``p ≠ 0`` is the number ``r_odd(p)`` of distinct real
  roots of odd multiplicity.  Hence ``p`` is an interior point iff ``r_odd(p) >= o``, and
  ``∂M = {0} ∪ {p : r_odd(p) < o <= r(p)}``; every non-zero boundary point has a
  multiple real root, so ``∂M ⊆ {disc(π(p)) = 0}`` (the discriminant hypersurface).
  Filling architectures have empty boundary.
- Singular points: a thick function space has Zariski closure ``R^{k̄}``, which is smooth,
  so it has no singular points [derived].  For thin spaces (strides > 1) the singular
  locus is described in KMST2024; the library does not implement it
  (``NotImplementedError``).
- Membership with strides [derived]: group the layers with ``k_l > 1`` by their level
  ``S_{l-1}``; with ``g`` the smallest level, ``p`` must be a polynomial in ``t^g``
  (then substitute ``u = t^g``).  If at most two levels remain, ``1`` and ``S``,
  ``p = A(t) · B(t^S)`` with ``A``, ``B`` in stride-one spaces of the two groups.  The
  largest ``H`` with ``H(t^S) | p`` is the gcd of the polyphase components
  ``p_r`` (``p(t) = Σ_{r<S} t^r p_r(t^S)``), with ``⌊a/S⌋`` roots at infinity when ``p``
  has ``a``; ``B`` ranges over the real divisors of ``H`` of degree ``D_B``.  A real root
  ``u_0`` of ``B`` gives ``B(t^S)`` 2 real roots (``u_0 > 0``, ``S`` even), 0 (``u_0 < 0``,
  ``S`` even), 1 (``S`` odd, ``u_0 ≠ 0``) or ``S`` (``u_0 ∈ {0, ∞}``); a complex pair gives
  none.  So ``p ∈ M`` iff some count ``ρ`` of real roots of ``H`` taken into ``B``
  (``ρ >= o_B``, ``ρ ≡ D_B mod 2``, enough complex pairs for the rest) leaves
  ``A = p / B(t^S)`` with at least ``o_A`` real roots — minimising over the ``ρ``
  cheapest real roots.  Three or more levels raise ``NotImplementedError``.

All decisions are exact, no floats: rational filters go through FLINT (irreducible
factorization over ``Z`` and certified root isolation, ``arb_fmpz_poly_complex_roots``),
with sympy's square-free factorization and Sturm counting as the fallback and as the
route for coefficients in an algebraic number field (signs of algebraic numbers are
then decided by sympy).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy

from ...exact.matrix import convert_entry
from ._algebra import cumulative_strides, end_to_end_filter_size
from ...exceptions import ExactInputRequiredError, InputTypeError, ProblemTooLargeError, ShapeError

__all__ = ["ConvolutionalFunctionSpace", "RootProfile", "real_root_profile", "segre_generic_ed_degree"]

_T = sympy.Symbol("t")
#: Largest degree for which :meth:`ConvolutionalFunctionSpace.boundary_hypersurface` expands the generic discriminant.
MAX_DISCRIMINANT_DEGREE = 6


def _filter_entries(filter, size, name, expected):
    """The entries of one filter (a sequence, a 1-D array or a sympy vector) as a sequence of length ``size``.

    Raises :class:`~linnet_geometry.exceptions.ShapeError` naming ``name`` otherwise; ``expected`` says where
    ``size`` comes from.  Shared by the network's ``θ`` and the function space's points.
    """
    if isinstance(filter, (str, bytes)) or not hasattr(filter, "__len__"):
        raise ShapeError(f"{name} must be a sequence of {size} numbers; received {type(filter).__name__} {filter!r}")
    if isinstance(filter, np.ndarray) and filter.ndim != 1:
        raise ShapeError(f"{name} has shape {filter.shape}; expected a vector of length {size}")
    if isinstance(filter, sympy.MatrixBase):
        filter = list(filter)
    if len(filter) != size:
        raise ShapeError(f"{name} has length {len(filter)}; expected {size} {expected}")
    return filter


def _exact_filter(filter, size, name="filter"):
    """Validate an exact real filter of length ``size``; return a tuple of sympy numbers."""
    filter = _filter_entries(filter, size, name, "(the end-to-end filter size k̄)")
    out = []
    for x in filter:
        value, exact = convert_entry(x, name)
        if not exact:
            raise ExactInputRequiredError(
                f"{name} has the float entry {x!r}; expected exact numbers (int, fractions.Fraction, sympy.Rational "
                "or exact algebraic numbers): membership and boundary are decided exactly")
        out.append(value)
    return tuple(out)


def _poly(coeffs):
    """sympy Poly ``Σ c_i t^i`` over QQ or the coefficients' algebraic number field."""
    expr = sum((c * _T**i for i, c in enumerate(coeffs)), sympy.Integer(0))
    if all(c.is_Rational for c in coeffs):
        return sympy.Poly(expr, _T, domain=sympy.QQ)
    return sympy.Poly(expr, _T, extension=True)


@dataclass(frozen=True)
class RootProfile:
    """Real-root data of a non-zero binary form ``π(c)`` of degree ``D`` (exact).

    Attributes
    ----------
    degree : int
        ``D``, the binary degree (``len(c) - 1``).
    real_roots : int
        Real roots in ``P^1`` counted with multiplicity (roots at infinity included).
    odd_multiplicity_roots : int
        Distinct real roots of odd multiplicity.
    negative, zero, positive, infinity : int
        Real roots (with multiplicity) ``t < 0``, ``t = 0``, ``t > 0`` and at infinity.
    multiplicities : tuple of int
        Multiplicities of the distinct real roots, sorted decreasingly.
    """

    degree: int
    real_roots: int
    odd_multiplicity_roots: int
    negative: int
    zero: int
    positive: int
    infinity: int
    multiplicities: tuple

    @property
    def complex_pairs(self) -> int:
        """Number of complex-conjugate root pairs (with multiplicity)."""
        return (self.degree - self.real_roots) // 2

    @property
    def has_multiple_real_root(self) -> bool:
        return any(m > 1 for m in self.multiplicities)

    def to_dict(self):
        return {"degree": self.degree, "real_roots": self.real_roots,
                "odd_multiplicity_roots": self.odd_multiplicity_roots, "negative": self.negative,
                "zero": self.zero, "positive": self.positive, "infinity": self.infinity,
                "multiplicities": list(self.multiplicities), "complex_pairs": self.complex_pairs}


def _flint_real_roots(P):
    """Real-root counts of a rational polynomial via FLINT: ``[((negative, zero, positive), multiplicity), ...]``.

    Irreducible factorization over ``Z`` (exact) and certified root isolation
    (``arb_fmpz_poly_complex_roots``: the real roots of a square-free integer polynomial
    are returned with an exactly zero imaginary part).  Returns ``None`` when python-flint is missing or a
    root's sign is not certified (the caller then uses sympy's Sturm sequences).
    """
    try:
        import flint
    except ImportError:  # pragma: no cover
        return None
    coeffs = list(reversed(P.all_coeffs()))
    den = 1
    for c in coeffs:
        den = sympy.ilcm(den, sympy.Rational(c).q)
    f = flint.fmpz_poly([int(sympy.Rational(c) * den) for c in coeffs])
    out = []
    for g, m in f.factor()[1]:
        if g.degree() <= 0:
            continue
        if g.degree() == 1 and g[0] == 0:
            out.append(((0, 1, 0), int(m)))
            continue
        neg = pos = 0
        for r, _ in g.complex_roots():
            im = r.imag
            if not (im.is_exact() and im.is_zero()):
                if im > 0 or im < 0:
                    continue        # certified non-real
                return None
            if r.real > 0:
                pos += 1
            elif r.real < 0:
                neg += 1
            else:
                return None
        out.append(((neg, 0, pos), int(m)))
    return out


def _profile_of_poly(P, degree):
    """RootProfile of the binary form of degree ``degree`` whose dehomogenisation is ``P`` (non-zero)."""
    infinity = degree - P.degree()
    neg = zero = pos = 0
    mults = []
    if infinity:
        mults.append(infinity)
    counted = _flint_real_roots(P) if P.domain.is_QQ or P.domain.is_ZZ else None
    if counted is not None:
        for (n_neg, z, n_pos), m in counted:
            neg += m * n_neg
            pos += m * n_pos
            zero += m * z
            mults.extend([m] * (n_neg + n_pos + z))
        factors = []
    else:
        _, factors = P.sqf_list()
    for f, m in factors:
        if f.degree() <= 0:
            continue
        # distinct real roots of the square-free factor f, split by sign
        z = 1 if f.eval(0) == 0 else 0
        n_neg = f.count_roots(None, 0) - z
        n_pos = f.count_roots(0, None) - z
        neg += m * n_neg
        pos += m * n_pos
        zero += m * z
        mults.extend([m] * (n_neg + n_pos + z))
    mults.sort(reverse=True)
    real = neg + zero + pos + infinity
    return RootProfile(degree=degree, real_roots=real, odd_multiplicity_roots=sum(1 for m in mults if m % 2),
                       negative=neg, zero=zero, positive=pos, infinity=infinity, multiplicities=tuple(mults))


def real_root_profile(filter):
    """Exact real-root data of the binary form ``π(c) = Σ c_i x^{D-i} y^i`` of a non-zero filter ``c``.

    Square-free factorization and Sturm counting (sympy), no floats.  Roots at
    infinity (vanishing trailing coefficients ``c_D, c_{D-1}, ...``) count as real.

    Examples
    --------
    >>> p = real_root_profile([1, -2, 1, 0])     # (1 - t)^2 · x: double root t = 1, one root at infinity
    >>> p.real_roots, p.odd_multiplicity_roots, p.positive, p.infinity, p.multiplicities
    (3, 1, 2, 1, (2, 1))
    >>> real_root_profile([1, 0, 1]).complex_pairs   # 1 + t^2
    1
    """
    coeffs = _exact_filter(filter, len(filter) if hasattr(filter, "__len__") else 0)
    if all(c == 0 for c in coeffs):
        raise ValueError("real_root_profile: expected a non-zero filter; received the zero filter")
    return _profile_of_poly(_poly(coeffs), len(coeffs) - 1)


def segre_generic_ed_degree(filter_sizes) -> int:
    """Generic ED degree of the Segre variety ``P^{k_1−1} × ⋯ × P^{k_L−1}`` (DHOST2016, SHA2024).

    SHA2024: for generic data, the squared loss of a linear convolutional network with filter sizes
    ``k`` (any strides) has this many complex critical points with non-zero filters, modulo scaling
    — the count :func:`convolutional_critical_points` reports as ``complex_count``.  Computed from
    the Chern-class formula for a smooth projective variety X of dimension m (DHOST2016),
    ``Σ_i (−1)^i (2^{m+1−i} − 1) deg(c_i(X) · h^{m−i})``, with ``c(X) = Π_l (1 + h_l)^{k_l}`` and
    ``h = Σ_l h_l``, in the Chow ring ``ℤ[h_1, …, h_L]/(h_l^{k_l})``.

    Examples
    --------
    >>> [segre_generic_ed_degree(k) for k in [(2, 2), (2, 3), (2, 2, 2), (3, 3), (3, 3, 3)]]
    [6, 10, 34, 39, 2385]
    """
    ks = tuple(filter_sizes) if isinstance(filter_sizes, (tuple, list)) else None
    if not ks or any(isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1 for k in ks):
        raise InputTypeError("filter_sizes: expected a non-empty tuple of positive integers; "
                             f"received {filter_sizes!r}")
    n = [int(k) - 1 for k in ks]
    m = sum(n)
    # top-degree coefficients: a polynomial is a dict {exponent tuple: integer}, truncated at h_l^{k_l}
    def mul(a, b):
        out = {}
        for ea, ca in a.items():
            for eb, cb in b.items():
                e = tuple(x + y for x, y in zip(ea, eb))
                if all(x <= nl for x, nl in zip(e, n)):
                    out[e] = out.get(e, 0) + ca * cb
        return out

    unit = tuple(0 for _ in n)
    chern = {unit: 1}
    for l, nl in enumerate(n):
        factor = {tuple(j if i == l else 0 for i in range(len(n))): int(sympy.binomial(nl + 1, j))
                  for j in range(nl + 1)}
        chern = mul(chern, factor)
    h = {tuple(1 if i == l else 0 for i in range(len(n))): 1 for l in range(len(n))}
    powers = [{unit: 1}]
    for _ in range(m):
        powers.append(mul(powers[-1], h))
    top = tuple(n)
    total = 0
    for i in range(m + 1):
        ci = {e: c for e, c in chern.items() if sum(e) == i}
        total += (-1) ** i * (2 ** (m + 1 - i) - 1) * mul(ci, powers[m - i]).get(top, 0)
    return int(total)


def _binary_gcd_degree(forms):
    """``deg gcd_l (P / p_l)`` for non-zero binary forms ``p_l`` given as ``(coeffs, degree)``; ``P = Π p_l``."""
    if len(forms) <= 1:
        return 0
    polys = [_poly(c) for c, _ in forms]
    if any(not p.is_Poly or p.domain != polys[0].domain for p in polys):
        # put all of them in one field
        exprs = [p.as_expr() for p in polys]
        polys = [sympy.Poly(e, _T, extension=True) for e in exprs]
        dom = polys[0].domain
        for p in polys[1:]:
            dom = dom.unify(p.domain)
        polys = [p.set_domain(dom) for p in polys]
    inf = [d - p.degree() for (_, d), p in zip(forms, polys)]
    g = None
    for l in range(len(polys)):
        cof = sympy.Poly(1, _T, domain=polys[0].domain)
        for m, p in enumerate(polys):
            if m != l:
                cof = cof * p
        g = cof if g is None else g.gcd(cof)
    return g.degree() + sum(inf) - max(inf)


class _FilterArchitecture:
    """The architecture ``(k, s)`` a convolutional network and its function space share (``self._k``, ``self._s``)."""

    @property
    def filter_sizes(self):
        """The filter sizes ``(k_1, ..., k_L)``."""
        return self._k

    @property
    def strides(self):
        """The strides ``(s_1, ..., s_L)``."""
        return self._s


class ConvolutionalFunctionSpace(_FilterArchitecture):
    """The function space ``M_{k,s} ⊂ R^{k̄}`` of a linear convolutional network (KMMT2022, KMST2024).

    See the module docstring for the statements and their status.  Obtained as
    ``ConvolutionalNetwork(...).function_space``.

    Parameters
    ----------
    filter_sizes : tuple of int
    strides : tuple of int

    Examples
    --------
    >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
    >>> M = ConvolutionalNetwork((2, 2)).function_space     # quadratics with real roots
    >>> M.dim, M.ambient_dim, M.is_filling, M.is_closed
    (3, 3, False, True)
    >>> M.contains([1, 0, -1]), M.contains([1, 0, 1])       # 1 - t^2 yes, 1 + t^2 no
    (True, False)
    >>> M.is_on_boundary([1, 2, 1]), M.is_on_boundary([1, 0, -1])   # (1 + t)^2 on the discriminant
    (True, False)
    >>> ConvolutionalNetwork((3, 2, 3)).function_space.is_filling   # at most one even filter size
    True
    """

    def __init__(self, filter_sizes, strides):
        self._k = tuple(filter_sizes)
        self._s = tuple(strides)
        self._S = cumulative_strides(self._s)

    # -- basic data (and filter_sizes, strides) ---------------------------------
    @property
    def ambient_dim(self) -> int:
        """``k̄``: the size of the end-to-end filter."""
        return end_to_end_filter_size(self._k, self._s)

    @property
    def degree(self) -> int:
        """``D = k̄ - 1``: the degree of the binary forms ``π(w̄)``."""
        return self.ambient_dim - 1

    @property
    def dim(self) -> int:
        """``Σ k_l - L + 1`` [paper KMST2024]."""
        return sum(self._k) - len(self._k) + 1

    @property
    def codim(self) -> int:
        return self.ambient_dim - self.dim

    @property
    def is_thick(self) -> bool:
        """Full-dimensional (``dim = k̄``); equivalently every layer after a stride > 1 has size 1 [derived]."""
        return self.dim == self.ambient_dim

    @property
    def odd_degree_count(self) -> int:
        """``o = #{l : k_l - 1 odd} = #{l : k_l even}``: the real roots a stride-one factorization needs."""
        return sum(1 for k in self._k if k % 2 == 0)

    @property
    def is_filling(self) -> bool:
        """``M = R^{k̄}``: iff thick and at most one filter size is even [paper KMMT2022]."""
        return self.is_thick and self.odd_degree_count <= 1

    @property
    def is_closed(self) -> bool:
        """Closed in the Euclidean topology — always [derived] (see module docstring)."""
        return True

    @property
    def zariski_closure_is_ambient(self) -> bool:
        """True iff the Zariski closure is all of ``R^{k̄}`` (thick) [derived from KMST2024's dimension]."""
        return self.is_thick

    @property
    def has_empty_boundary(self) -> bool:
        """Thick spaces: empty Euclidean boundary iff filling."""
        self._require_thick("the Euclidean boundary")
        return self.is_filling

    def __repr__(self):
        return f"ConvolutionalFunctionSpace(filter_sizes={self._k}, strides={self._s})"

    def __eq__(self, other):
        return isinstance(other, ConvolutionalFunctionSpace) and (self._k, self._s) == (other._k, other._s)

    def __hash__(self):
        return hash(("ConvolutionalFunctionSpace", self._k, self._s))

    def _repr_latex_(self):
        return (r"$\mathcal{M}_{k,s} \subseteq \mathbb{R}^{" + str(self.ambient_dim) + r"},\ \dim = "
                + str(self.dim) + "$")

    def to_dict(self):
        """Plain-data description (JSON-ready).

        Examples
        --------
        >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
        >>> d = ConvolutionalNetwork((2, 2), strides=(2, 1)).function_space.to_dict()
        >>> d["dim"], d["ambient_dim"], d["is_thick"], d["is_filling"]
        (3, 4, False, False)
        """
        return {"filter_sizes": list(self._k), "strides": list(self._s), "dim": self.dim,
                "ambient_dim": self.ambient_dim, "is_thick": self.is_thick, "is_filling": self.is_filling,
                "is_closed": self.is_closed, "odd_degree_count": self.odd_degree_count,
                "zariski_closure_is_ambient": self.zariski_closure_is_ambient}

    # -- generic equations -----------------------------------------------------------
    def boundary_hypersurface(self, symbol="c"):
        """The discriminant of the generic binary form ``Σ c_i x^{D-i} y^i``: ``∂M ⊆ {disc = 0} ∪ {0}``.

        Examples
        --------
        >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
        >>> ConvolutionalNetwork((2, 2)).function_space.boundary_hypersurface()
        -4*c0*c2 + c1**2
        """
        self._require_thick("the boundary hypersurface")
        D = self.degree
        if D < 2:
            return sympy.Integer(1)
        if D > MAX_DISCRIMINANT_DEGREE:
            raise ProblemTooLargeError(
                f"the generic discriminant of binary forms of degree {D} is out of reach; expected degree at most "
                f"{MAX_DISCRIMINANT_DEGREE} (use is_on_boundary / real_root_profile for a given filter)")
        c = sympy.symbols(f"{symbol}0:{D + 1}")
        y = sympy.Dummy("y")
        return sympy.expand(sympy.discriminant(sum(c[i] * y**i for i in range(D + 1)), y))

    # -- membership --------------------------------------------------------------------
    def _levels(self):
        """Map level ``S_{l-1}`` -> list of degrees ``d_l`` of the layers with ``k_l > 1``."""
        levels = {}
        for l, k in enumerate(self._k):
            if k > 1:
                levels.setdefault(self._S[l], []).append(k - 1)
        return levels

    def _require_thick(self, what):
        if not self.is_thick:
            raise NotImplementedError(
                f"{what} of a thin function space (filter_sizes {self._k}, strides {self._s}: dimension {self.dim} "
                f"< {self.ambient_dim}) is taken relative to its Zariski closure (KMST2024); the library implements it "
                "only for thick (full-dimensional) architectures, e.g. stride one")

    def membership(self, filter):
        """Exact membership with its certificate data.

        Returns a dict with ``contains`` (bool) and the root counts used.  See
        :meth:`contains`.

        Examples
        --------
        >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
        >>> m = ConvolutionalNetwork((2, 2, 2)).function_space.membership([1, 0, -1, 0])
        >>> m["contains"], m["real_roots"], m["required"]
        (True, 3, 3)
        """
        c = _exact_filter(filter, self.ambient_dim)
        if all(x == 0 for x in c):
            return {"contains": True, "reason": "the zero filter (any zero layer)"}
        levels = self._levels()
        D = self.degree
        if not levels:  # all filters of size 1: M = R (constants)
            return {"contains": True, "reason": "all filter sizes are 1"}
        g = min(levels)
        # p must be a polynomial in t^g with the root at infinity of multiplicity divisible by g
        if g > 1:
            if any(x != 0 for i, x in enumerate(c) if i % g):
                return {"contains": False, "reason": f"not a polynomial in t^{g} (every factor is)"}
            c = c[::g]
            levels = {lv // g: ds for lv, ds in levels.items()}
            D //= g
        if len(levels) > 2:
            raise NotImplementedError(
                f"exact membership for filter_sizes {self._k}, strides {self._s}: the factors sit at "
                f"{len(levels)} stride levels {sorted(lv * g for lv in levels)}; the library decides membership "
                "for at most two levels (e.g. stride one, two layers, or one stride > 1)")
        P = _poly(c)
        prof = _profile_of_poly(P, D)
        if len(levels) == 1:
            (ds,) = levels.values()
            need = sum(1 for d in ds if d % 2)
            return {"contains": prof.real_roots >= need, "real_roots": prof.real_roots, "required": need,
                    "odd_multiplicity_roots": prof.odd_multiplicity_roots}
        Sb = max(levels)
        dA = levels.get(1, [])
        dB = levels[Sb]
        oA, oB = sum(1 for d in dA if d % 2), sum(1 for d in dB if d % 2)
        DB = sum(dB)
        # largest H with H(t^S) | p: gcd of the polyphase components, plus floor(a/S) roots at infinity
        coeffs = list(reversed(P.all_coeffs()))
        H = None
        for r in range(Sb):
            comp = coeffs[r::Sb]
            pr = sympy.Poly(sum((x * _T**i for i, x in enumerate(comp)), sympy.Integer(0)), _T, domain=P.domain)
            if pr.is_zero:
                continue
            H = pr if H is None else H.gcd(pr)
        inf_H = prof.infinity // Sb
        Hprof = _profile_of_poly(H, H.degree() + inf_H)
        even = Sb % 2 == 0
        weights = ([0 if even else 1] * Hprof.negative + [2 if even else 1] * Hprof.positive
                   + [Sb] * (Hprof.zero + Hprof.infinity))
        weights.sort()
        for rho in range(oB, min(DB, Hprof.real_roots) + 1):
            if (DB - rho) % 2 or (DB - rho) // 2 > Hprof.complex_pairs:
                continue
            used = sum(weights[:rho])
            if prof.real_roots - used >= oA:
                return {"contains": True, "real_roots": prof.real_roots, "required": oA,
                        "stride_level": Sb * g, "divisor_degree": DB, "divisor_real_roots": rho,
                        "max_divisor_degree": Hprof.degree}
        return {"contains": False, "real_roots": prof.real_roots, "required": oA, "stride_level": Sb * g,
                "divisor_degree": DB, "max_divisor_degree": Hprof.degree,
                "reason": "no real divisor B(t^S) of the required degree leaves enough real roots"}

    def contains(self, filter) -> bool:
        """Exact membership ``filter ∈ M_{k,s}`` (real factorization with the required degrees).

        Stride one: ``p = 0`` or ``p`` has at least ``o`` real roots with multiplicity
        [derived; KMMT2022].  Strides: see the module docstring (two stride levels at most).
        Exact input only (floats raise ``ExactInputRequiredError``).

        Examples
        --------
        >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
        >>> M = ConvolutionalNetwork((2, 2), strides=(2, 1)).function_space
        >>> M.contains([1, 1, -1, -1])      # (1 + t)(1 - t^2)
        True
        >>> M.contains([1, 1, 1, 1])        # (1 + t)(1 + t^2): w_2 = 1 + u
        True
        >>> M.contains([1, 0, 1, 1])        # not w_1(t) w_2(t^2)
        False
        """
        return self.membership(filter)["contains"]

    # -- boundary and interior (thick spaces) ----------------------------------------
    def is_interior(self, filter) -> bool:
        """True iff ``filter`` is a Euclidean interior point of ``M`` (thick spaces).

        Non-zero ``p``: iff it has at least ``o`` distinct real roots of odd multiplicity [derived].

        Examples
        --------
        >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
        >>> M = ConvolutionalNetwork((2, 2, 2)).function_space
        >>> M.is_interior([2, -1, -2, 1]), M.is_interior([0, 1, -2, 1])   # (t-1)(t+1)(t-2); t(1-t)^2
        (True, False)
        """
        self._require_thick("the interior")
        c = _exact_filter(filter, self.ambient_dim)
        if self.is_filling:
            return True
        if all(x == 0 for x in c):
            return False
        return _profile_of_poly(_poly(c), self.degree).odd_multiplicity_roots >= self.odd_degree_count

    def is_on_boundary(self, filter) -> bool:
        """True iff ``filter`` lies on the Euclidean boundary ``∂M = M \\ int M`` (``M`` is closed).

        Thick spaces only: ``0`` (non-filling) or ``r_odd(p) < o <= r(p)`` [derived].
        Thin spaces raise ``NotImplementedError`` (the relevant boundary is relative to the
        Zariski closure, KMST2024).

        Examples
        --------
        >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
        >>> M = ConvolutionalNetwork((2, 2)).function_space
        >>> M.is_on_boundary([1, -2, 1]), M.is_on_boundary([1, 0, 1]), M.is_on_boundary([0, 0, 0])
        (True, False, True)
        """
        self._require_thick("the boundary")
        c = _exact_filter(filter, self.ambient_dim)
        if self.is_filling:
            return False
        if all(x == 0 for x in c):
            return True
        prof = _profile_of_poly(_poly(c), self.degree)
        return prof.odd_multiplicity_roots < self.odd_degree_count <= prof.real_roots

    def boundary_conditions(self):
        """The exact description of ``∂M`` as data (thick spaces).

        Examples
        --------
        >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
        >>> ConvolutionalNetwork((2, 2)).function_space.boundary_conditions()["condition"]
        'p = 0, or r_odd(p) < 2 <= r(p)'
        """
        self._require_thick("the boundary")
        o = self.odd_degree_count
        if self.is_filling:
            return {"empty": True, "condition": "none (filling)", "required_real_roots": o}
        return {"empty": False, "required_real_roots": o,
                "condition": f"p = 0, or r_odd(p) < {o} <= r(p)",
                "meaning": "r(p): real roots of π(p) in P^1 with multiplicity; r_odd(p): distinct real roots of "
                           "odd multiplicity",
                "contained_in": "{0} ∪ {discriminant(π(p)) = 0}"}

    # -- singular points ------------------------------------------------------------------
    def is_singular(self, filter) -> bool:
        """Singular point of ``M`` (of its Zariski closure): never for thick spaces [derived].

        Thin spaces raise ``NotImplementedError``.

        Examples
        --------
        >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
        >>> ConvolutionalNetwork((2, 2)).function_space.is_singular([1, 2, 1])
        False
        """
        if not self.is_thick:
            raise NotImplementedError(
                f"singular points of the thin function space (filter_sizes {self._k}, strides {self._s}) are "
                "described in KMST2024; the library does not implement them")
        c = _exact_filter(filter, self.ambient_dim)
        if not self.contains(c):
            raise ValueError(f"is_singular: the filter {list(c)} is not in the function space")
        return False

    @cached_property
    def singular_locus_is_empty(self) -> bool:
        """Thick: ``True`` (Zariski closure ``R^{k̄}``).  Thin: ``NotImplementedError``."""
        if not self.is_thick:
            raise NotImplementedError("singular points of thin function spaces (strides > 1) are not implemented")
        return True

