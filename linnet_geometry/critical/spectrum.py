"""Singular spectrum of a quadratic loss, exact or numeric, with degeneracy detection.

For ``ℓ(W) = tr((W−Û)Σ(W−Û)ᵀ) + c`` the critical points on rank strata are
governed by the singular values ``σ_i`` of ``ÛΣ^{1/2}`` (EY1936; BH1989).
Their squares ``λ_i = σ_i²`` are the eigenvalues of the rational matrix
``ÛΣÛᵀ`` (or ``ÛᵀÛ`` when Σ is the identity and the input side is smaller),
so the exact path never takes a matrix square root: the ``λ_i`` are the roots
of a rational characteristic polynomial, isolated exactly (sympy real-root
isolation; radicals for factors of degree ≤ 2, ``CRootOf`` otherwise), and
degeneracy (repeated or zero singular values) is decided exactly from its
square-free factorisation.  Factorisation and root isolation run in FLINT
(certified ball arithmetic); sympy's ``CRootOf`` objects are then built on
FLINT's isolating intervals, so 40-digit data costs milliseconds instead of
minutes of sympy root isolation.

The numeric path refuses data whose squared singular values leave the float64
range (overflow to ``inf`` or underflow to ``0``) with :class:`NonFiniteError`
instead of returning infinite or zero critical values.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property

import mpmath
import numpy as np
import sympy

from ..exact.matrix import DEFAULT_TOL, check_tol, to_domain_matrix
from ..exact.representation import representation
from ..exceptions import InputTypeError, NonFiniteError, ProblemTooLargeError, ShapeError

__all__ = ["Spectrum", "spectrum", "DegenerateDataWarning", "HIGH_PRECISION_DIGITS", "MAX_EXACT_SPECTRUM",
           "support_block_counts"]

#: Largest Gram matrix whose spectrum is computed exactly (about 20 s at this size; the cost grows like n^4).
MAX_EXACT_SPECTRUM = 64

#: Digits used for representatives whose exact form would need non-rational algebraic numbers.
HIGH_PRECISION_DIGITS = 50


class DegenerateDataWarning(UserWarning):
    """Numeric data whose singular values tie within tolerance: reported as families.

    Examples
    --------
    >>> import warnings
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> issubclass(DegenerateDataWarning, UserWarning)
    True
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     locus = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[1.0, 0.0], [0.0, 1.0]]))
    >>> [w.category.__name__ for w in caught]
    ['DegenerateDataWarning']
    >>> locus.spectrum.blocks, locus.stratum((1,)).family_dimension
    (((1, 2),), 1)
    """


@dataclass(frozen=True)
class Spectrum:
    """Squared singular values ``λ_1 ≥ … ≥ λ_m`` (``m = min(d_0, d_h)``) of a quadratic loss.

    Attributes
    ----------
    exact : bool
    eigenvalues : tuple
        ``λ_i = σ_i²`` in decreasing order (exact sympy numbers or floats).
    floats : tuple of float
    blocks : tuple of tuple of int
        1-based indices of equal nonzero ``λ`` (a tie block), in decreasing order.
    rank : int
        ``ρ``: the number of nonzero singular values.
    side : str
        ``"left"`` (eigenvectors live in the output space ℝ^{d_h}) or ``"right"`` (input space).

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> sp = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]])).spectrum
    >>> sp.eigenvalues, sp.singular_values, sp.blocks
    ((4, 1), (2, 1), ((1,), (2,)))
    >>> sp.rank, sp.side, sp.is_degenerate
    (2, 'left', False)
    """

    exact: bool
    eigenvalues: tuple
    floats: tuple
    blocks: tuple
    rank: int
    side: str
    offset: object
    _loss: object = field(repr=False, compare=False)
    _gram: object = field(repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.eigenvalues)

    @property
    def singular_values(self):
        """``σ_i = √λ_i`` (exact or float)."""
        rep = representation(self.exact)
        return tuple(rep.sqrt(v) for v in self.eigenvalues)

    @property
    def is_degenerate(self) -> bool:
        """True iff some nonzero singular value repeats or some singular value is zero."""
        return self.rank < self.size or any(len(b) > 1 for b in self.blocks)

    def block_of(self, index: int) -> int:
        """Position of the tie block containing the 1-based ``index``."""
        for a, b in enumerate(self.blocks):
            if index in b:
                return a
        raise IndexError(index)

    def is_rational(self, index: int) -> bool:
        return self.exact and self.eigenvalues[index - 1].is_Rational

    def root_sum(self, indices):
        """Exact ``Σ_{i ∈ indices} λ_i`` in its simplest closed form.

        Uses ``Σ_all λ = trace`` (complement sums when shorter) and replaces the
        sum of all roots of one irreducible factor by minus its second
        coefficient, so a sum of ``CRootOf`` objects is rational whenever it can
        be seen to be.
        """
        indices = list(indices)
        if not self.exact:
            return sum(self.floats[i - 1] for i in indices)
        if 2 * len(indices) > self.size:
            rest = [i for i in range(1, self.size + 1) if i not in set(indices)]
            return self._trace - self._grouped_sum(rest)
        return self._grouped_sum(indices)

    @cached_property
    def _trace(self):
        return sum(self.eigenvalues, sympy.Integer(0)) if not self._gram_has_roots else self._gram.trace()

    @property
    def _gram_has_roots(self):
        return any(isinstance(v, sympy.CRootOf) for v in self.eigenvalues)

    def _grouped_sum(self, indices):
        groups, plain = {}, []
        for i in indices:
            lam = self.eigenvalues[i - 1]
            if isinstance(lam, sympy.CRootOf):
                groups.setdefault(lam.poly, []).append(lam)
            else:
                plain.append(lam)
        total = sympy.Add(*plain)
        for poly, roots in groups.items():
            if len(set(roots)) == poly.degree() and len(roots) == poly.degree():
                c = poly.all_coeffs()
                total += -c[1] / c[0]
            else:
                total += sympy.Add(*roots)
        return total

    # -- eigenvectors --------------------------------------------------------
    @cached_property
    def _exact_vectors(self):
        """1-based index -> exact orthogonal (not normalised) eigenvector, for rational λ."""
        out = {}
        G = self._gram
        n = G.rows
        for block in self.blocks:
            lam = self.eigenvalues[block[0] - 1]
            if not lam.is_Rational:
                continue
            K = to_domain_matrix(G - lam * sympy.eye(n)).nullspace().to_Matrix()
            vecs = [K.row(k).T for k in range(K.rows)]
            vecs = sympy.GramSchmidt(vecs) if len(vecs) > 1 else vecs
            for idx, v in zip(block, vecs):
                out[idx] = v
        return out

    @cached_property
    def _numeric_vectors(self):
        """Columns: orthonormal eigenvectors, decreasing eigenvalue order (float or mpmath)."""
        if self.exact:
            # a private context: the global mpmath precision is shared by every thread
            ctx = mpmath.MPContext()
            ctx.dps = HIGH_PRECISION_DIGITS + 10
            A = ctx.matrix([[ctx.mpf(int(sympy.Rational(x).p)) / int(sympy.Rational(x).q) for x in row]
                            for row in self._gram.tolist()])
            E, Q = ctx.eigsy(A)
            order = sorted(range(len(E)), key=lambda k: -E[k])
            return [[Q[i, k] for i in range(Q.rows)] for k in order]
        U, s, _ = np.linalg.svd(self._gram_factor)
        return [U[:, k] for k in range(U.shape[1])]

    @cached_property
    def _gram_factor(self):
        """Numeric path: ``Û Σ^{1/2}`` (left side)."""
        U = np.asarray(self._loss.target, dtype=float)
        S = self._loss.covariance
        if S is None:
            return U
        ev, Q = np.linalg.eigh(np.asarray(S, dtype=float))
        return U @ (Q * np.sqrt(ev)) @ Q.T

    def vectors(self, support):
        """Eigenvectors ``x_i`` for ``i`` in ``support`` and whether they are exact.

        Exact (rational, orthogonal) when every ``λ_i`` is rational; otherwise
        mpmath vectors at :data:`HIGH_PRECISION_DIGITS` digits (exact data) or
        float64 (numeric data).
        """
        if self.exact and all(self.is_rational(i) for i in support):
            return [self._exact_vectors[i] for i in support], True
        cols = self._numeric_vectors
        return [cols[i - 1] for i in support], False

    def truncation(self, support):
        """``U_S = Σ_{i∈S} σ_i u_i v_iᵀ``: the target projected on the singular directions in ``support`` (EY1936).

        Computed as ``P Û`` (left side) or ``Û P`` (right side) with ``P`` the
        orthogonal projector on the eigenvectors ``x_i``, ``i ∈ S``.  Exact
        (rational) when every ``λ_i``, ``i ∈ S``, is rational; otherwise sympy
        Floats with :data:`HIGH_PRECISION_DIGITS` digits; float64 for numeric data.

        Examples
        --------
        >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
        >>> sp = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]])).spectrum
        >>> sp.truncation((1,)), sp.truncation(())
        (Matrix([
        [2, 0],
        [0, 0]]), Matrix([
        [0, 0],
        [0, 0]]))
        """
        U = self._loss.target
        if not support:
            return representation(self.exact).zeros(*U.shape)
        vecs, _ = self.vectors(support)
        if not self.exact:
            P = sum(np.outer(v, v) for v in vecs)
            return P @ np.asarray(U, dtype=float)
        vs = [_to_sympy_vec(v) for v in vecs]
        if self.side == "left":
            P = sum((v * v.T / (v.T * v)[0] for v in vs), sympy.zeros(U.rows, U.rows))
            return P * U
        P = sum((v * v.T / (v.T * v)[0] for v in vs), sympy.zeros(U.cols, U.cols))
        return U * P


def _to_sympy_vec(v):
    """A sympy column: exact vectors unchanged, numeric ones at :data:`HIGH_PRECISION_DIGITS` digits."""
    if isinstance(v, sympy.MatrixBase):
        return v
    return sympy.Matrix([sympy.Float(x, HIGH_PRECISION_DIGITS) for x in v])


def support_block_counts(sp, support, bottleneck, depth):
    """Validate a support ``S`` for a network of bottleneck ``r`` and depth ``h``; return ``k_a`` per tie block.

    ``S`` is a collection of distinct 1-based indices of nonzero singular
    values, ``|S| ≤ r`` when ``h ≥ 2``, and every nonzero index when ``h = 1``
    (without hidden layers the only critical point is ``U``).

    Raises
    ------
    InputTypeError
        ``support`` is not a collection of ints, or repeats an index.
    ShapeError
        An index is not that of a nonzero singular value, or the size is not allowed.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
    >>> sp = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]])).spectrum
    >>> support_block_counts(sp, (2,), bottleneck=1, depth=2)
    (0, 1)
    """
    if not isinstance(support, (tuple, list, set, frozenset)) or not all(
            isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in support):
        raise InputTypeError(f"support must be a collection of 1-based indices; received {support!r}")
    S = sorted(int(i) for i in support)
    if len(set(S)) != len(S):
        raise InputTypeError(f"support has repeated indices: {support!r}")
    choice = tuple(sum(1 for i in S if i in b) for b in sp.blocks)
    if sum(choice) != len(S):
        raise ShapeError(f"support {tuple(S)} must use indices of nonzero singular values 1..{sp.rank}")
    if depth >= 2 and len(S) > bottleneck:
        raise ShapeError(f"support {tuple(S)} has size {len(S)} > bottleneck r = {bottleneck}")
    if depth == 1 and len(S) != sp.rank:
        raise ShapeError(f"without hidden layers the only critical point is U itself (support 1..{sp.rank})")
    return choice


def _arb_to_rational(a):
    man, exp = a.man_exp()
    man, exp = int(man), int(exp)
    return sympy.Rational(man * 2**exp) if exp >= 0 else sympy.Rational(man, 2**-exp)


def _flint_real_roots(p_int, x):
    """Real roots (increasing, with multiplicity) of an integer polynomial whose roots are all real.

    FLINT factors the polynomial over ℤ and isolates the roots of each
    irreducible factor with certified balls; degree 1 and 2 factors give
    rationals and radicals, higher degrees give ``CRootOf`` objects whose
    isolating intervals are FLINT's (stored in sympy's interval cache, so sympy
    never re-isolates them).  Returns None if a factor has a non-real root
    (impossible for a Gram matrix; the caller then falls back to sympy).
    """
    import flint
    from sympy.polys.domains import QQ, ZZ
    from sympy.polys.rootisolation import RealInterval
    from sympy.polys.rootoftools import ComplexRootOf, _reals_cache

    _, factors = flint.fmpz_poly(list(reversed([int(c) for c in p_int]))).factor()
    roots = []
    for q, mult in factors:
        coeffs = [int(c) for c in reversed(q.coeffs())]
        if q.degree() <= 2:
            found = sympy.Poly(coeffs, x).real_roots(multiple=True, radicals=True)
            if len(found) != q.degree():
                return None
            roots += [(r, float(sympy.N(r, 30))) for r in found for _ in range(mult)]
            continue
        balls = [c for c, _ in q.complex_roots()]
        if any(not b.imag.is_zero() for b in balls):
            return None
        balls.sort(key=lambda b: float(b.real.mid()))
        P = sympy.PurePoly(coeffs, x)
        intervals = []
        for b in balls:
            lo, hi = _arb_to_rational(b.real.lower()), _arb_to_rational(b.real.upper())
            if lo <= 0 <= hi:  # sympy intervals must not contain 0 (not a root of an irreducible factor)
                return None
            intervals.append(RealInterval((QQ(int(lo.p), int(lo.q)), QQ(int(hi.p), int(hi.q))), P.rep.to_list(), ZZ))
        if P not in _reals_cache:
            _reals_cache[P] = intervals
        for k, b in enumerate(balls):
            root = ComplexRootOf._new(P, k)
            roots += [(root, float(b.real.mid()))] * mult
    roots.sort(key=lambda rv: rv[1])
    return [r for r, _ in roots]


def _charpoly_roots(G, size):
    x = sympy.Dummy("x")
    coeffs = to_domain_matrix(G).charpoly()
    dom = to_domain_matrix(G).domain
    p = sympy.Poly([dom.to_sympy(c) for c in coeffs], x)
    extra = G.rows - size
    if extra:
        q, rem = sympy.div(p, sympy.Poly(x**extra, x))
        assert rem.is_zero, "structural zero eigenvalues missing"
        p = q
    roots = None
    if p.domain.is_QQ or p.domain.is_ZZ:
        _, prim = p.clear_denoms(convert=True)
        roots = _flint_real_roots(prim.all_coeffs(), x)
    if roots is None:
        roots = sympy.Poly(p, x).real_roots(multiple=True, radicals=True)
    if len(roots) != size:
        raise AssertionError("a Gram matrix has only real eigenvalues")
    return list(reversed(roots))


def _tie_blocks(values, is_zero, equal):
    """Group decreasing ``values`` into blocks of equal nonzero entries (1-based); stop at the first zero.

    Returns ``(blocks, has_ties)``; each entry is compared with the first of its block.
    """
    blocks, current = [], []
    for i, v in enumerate(values, start=1):
        if is_zero(v):
            break
        if current and not equal(values[current[0] - 1], v):
            blocks.append(tuple(current))
            current = []
        current.append(i)
    if current:
        blocks.append(tuple(current))
    return blocks, any(len(b) > 1 for b in blocks)


def _check_float_range(s, lam, offset):
    """Refuse squared singular values that overflow, or underflow although σ is a nonzero singular value."""
    total = float(np.sum(lam)) + abs(offset) if lam.size else abs(offset)
    if not np.isfinite(total):
        raise NonFiniteError(
            f"the squared singular values overflow float64 (σ_1 = {s[0]:.3g}, so critical values reach "
            f"{s[0]:.3g}² > 1.8e308); expected data with ‖U‖_F² finite in float64. Rescale the target by a power "
            "of 2 (critical values scale by its square), or give exact data")
    tiny = np.finfo(float).tiny
    if s.size and s[0] > 0:
        relevant = s[s > s[0] * 1e-15]
        if relevant.size and float(relevant[-1]) ** 2 < tiny:
            raise NonFiniteError(
                f"the squared singular value {relevant[-1]:.3g}² underflows float64 (< {tiny:.3g}); expected data "
                "whose squared singular values are normal float64 numbers. Rescale the target by a power of 2 "
                "(critical values scale by its square), or give exact data")


def spectrum(loss, tol: float = DEFAULT_TOL) -> Spectrum:
    """The spectrum of a :class:`~linnet_geometry.model.losses.QuadraticLoss`.

    Examples
    --------
    >>> from linnet_geometry.model.losses import QuadraticLoss
    >>> sp = spectrum(QuadraticLoss([[2, 0], [0, 1]]))
    >>> sp.eigenvalues, sp.blocks, sp.is_degenerate
    ((4, 1), ((1,), (2,)), False)
    >>> spectrum(QuadraticLoss([[1, 0], [0, 1]])).blocks
    ((1, 2),)
    """
    tol = check_tol(tol)
    rows, cols = loss.shape
    size = min(rows, cols)
    if loss.is_exact:
        gram = cols if (loss.covariance is None and cols < rows) else rows
        if gram > MAX_EXACT_SPECTRUM:
            raise ProblemTooLargeError(
                f"the exact spectrum needs the characteristic polynomial of a {gram}x{gram} rational Gram matrix and "
                f"the isolation of its real roots; expected a Gram matrix of size at most {MAX_EXACT_SPECTRUM}. "
                "Use the numeric path (numeric=True, or float data)")
        U = loss.target
        if loss.covariance is None and cols < rows:
            G, side = U.T * U, "right"
        else:
            G, side = loss.gram_matrix(), "left"
        lams = _charpoly_roots(G, size)
        floats = tuple(float(sympy.N(v, 30)) for v in lams)
        blocks, _ = _tie_blocks(lams, lambda v: v == 0, lambda a, b: a == b)
        rk = sum(len(b) for b in blocks)
        return Spectrum(True, tuple(lams), floats, tuple(blocks), rk, side, loss.offset, loss, G)
    # numeric path: SVD of Û Σ^{1/2}
    sp0 = Spectrum(False, (), (), (), 0, "left", float(loss.offset), loss, None)
    s = np.linalg.svd(sp0._gram_factor, compute_uv=False)[:size]
    with np.errstate(over="ignore", under="ignore"):
        lam = s**2
    _check_float_range(s, lam, float(loss.offset))
    scale = s[0] if s.size and s[0] > 0 else 1.0
    zero_thr = tol * max(rows, cols) * scale
    blocks, ties = _tie_blocks(s, lambda v: v <= zero_thr, lambda a, b: abs(a - b) <= tol * scale)
    rk = sum(len(b) for b in blocks)
    if ties or rk < size:
        warnings.warn(
            f"singular values tie or vanish within tolerance {tol:g} (sigma = {np.array2string(s, precision=6)}); "
            "critical sets are reported as positive-dimensional families", DegenerateDataWarning, stacklevel=3)
    vals = tuple(float(v) for v in lam)
    out = Spectrum(False, vals, vals, tuple(blocks), rk, "left", float(loss.offset), loss, None)
    object.__setattr__(out, "_gram_factor", sp0._gram_factor)
    return out
