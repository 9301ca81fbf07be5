"""Linear algebra over a real number field K, exact, with certified ball-arithmetic fast paths.

Matrices are lists of rows of K elements (``fmpq_poly`` reduced mod the minimal polynomial
``q``, see :class:`~linnet_geometry.families.convolutional._algebra.RealAlgebraicField`).

Exact routines (:func:`rank`, :func:`symmetric_pivots`, :func:`gcd_degree`) only test
elements for zero, which does not depend on the real embedding of K: their results are the
same at every root of ``q`` (Galois-invariant), so a caller may compute them once per
irreducible component and reuse them at each real root.  Signs (:meth:`RealAlgebraicField.sign`)
depend on the embedding.

The fast paths evaluate entries in ball arithmetic (FLINT ``arb``) at the chosen real root:

* :func:`ball_rank_lower_bound` — Gaussian elimination whose pivots are balls excluding 0.
  The exact elimination with the same pivot sequence has its pivots inside those balls, so
  they are non-zero: the count is a certified *lower* bound of the rank.
* :func:`ball_inertia` — symmetric elimination (congruence, Sylvester's law of inertia) with
  diagonal pivots whose balls exclude 0: the signs of the pivots are certified.  When the
  number of pivots reaches ``n − nullity_floor`` and the nullity is known to be at least
  ``nullity_floor``, the remaining Schur complement is exactly zero and the inertia is exact.

Nothing here guesses: a fast path that cannot decide returns ``None`` and the caller uses
the exact routine.
"""

from __future__ import annotations

import flint

__all__ = ["rank", "ball_rank_lower_bound", "symmetric_pivots", "inertia_from_pivots", "ball_inertia",
           "gcd_degree"]


def rank(K, rows):
    """Exact rank of a matrix over K (Gaussian elimination; zero tests only, Galois-invariant).

    Examples
    --------
    >>> from linnet_geometry.families.convolutional._algebra import RealAlgebraicField
    >>> K = RealAlgebraicField([-2, 0, 1], 1, 2)          # α = √2
    >>> a = K.gen()
    >>> rank(K, [[K(1), a], [a, K(2)]]), rank(K, [[K(1), a], [K(1), K(1)]])
    (1, 2)
    """
    M = [list(r) for r in rows]
    r, ncols = 0, (len(M[0]) if M else 0)
    for c in range(ncols):
        piv = next((i for i in range(r, len(M)) if not K.is_zero(M[i][c])), None)
        if piv is None:
            continue
        M[r], M[piv] = M[piv], M[r]
        inv = K.inv(M[r][c])
        for i in range(len(M)):
            if i != r and not K.is_zero(M[i][c]):
                fac = K.mul(M[i][c], inv)
                M[i] = [K.reduce(a - K.mul(fac, b)) for a, b in zip(M[i], M[r])]
        r += 1
    return r


def _balls(K, rows, prec, balls=None):
    """Ball matrix of ``rows`` (elements of K) at ``prec``; ``balls(prec)``, when given, computes it
    another way (e.g. from the balls of the point's coordinates, far cheaper than one ball per
    entry when the entries are large elements of K)."""
    if balls is not None:
        return balls(prec)
    return [[K.ball(x, prec) for x in row] for row in rows]


def ball_rank_lower_bound(K, rows, prec=128, balls=None):
    """A certified lower bound of the rank at the real embedding of K (ball Gaussian elimination).

    ``rows`` may be None when ``balls(prec)`` gives the ball matrix (see :func:`_balls`).

    Examples
    --------
    >>> from linnet_geometry.families.convolutional._algebra import RealAlgebraicField
    >>> K = RealAlgebraicField([-2, 0, 1], 1, 2)
    >>> a = K.gen()
    >>> ball_rank_lower_bound(K, [[K(1), a], [K(1), K(1)]])
    2
    >>> ball_rank_lower_bound(K, [[K(1), a], [a, K(2)]])   # rank 1: the second pivot ball contains 0
    1
    """
    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        M = _balls(K, rows, prec, balls)
        nrows = len(M)
        ncols = len(M[0]) if M else 0
        used_rows, used_cols, count = set(), set(), 0
        while True:
            best = None
            for i in range(nrows):
                if i in used_rows:
                    continue
                for j in range(ncols):
                    if j in used_cols or 0 in M[i][j]:
                        continue
                    size = abs(M[i][j].mid())
                    if best is None or size > best[0]:
                        best = (size, i, j)
            if best is None:
                return count
            _, pi, pj = best
            used_rows.add(pi)
            used_cols.add(pj)
            count += 1
            inv = 1 / M[pi][pj]
            for i in range(nrows):
                if i in used_rows:
                    continue
                f = M[i][pj] * inv
                M[i] = [x - f * y for x, y in zip(M[i], M[pi])]
    finally:
        flint.ctx.prec = old


def symmetric_pivots(K, H):
    """Exact congruence diagonalization of a symmetric matrix over K.

    Returns ``(pivots, pairs, zero)``: 1×1 pivots (K elements, non-zero), the number of 2×2
    pivots ``[[0, a], [a, 0]]`` (each contributing one positive and one negative eigenvalue)
    and the size of the remaining zero block.  By Sylvester's law of inertia the inertia of H
    is ``(#positive pivots + pairs, #negative pivots + pairs, zero)``; only the pivot signs
    depend on the real embedding.

    Examples
    --------
    >>> from linnet_geometry.families.convolutional._algebra import RealAlgebraicField
    >>> K = RealAlgebraicField([0, 1], 0, 0)
    >>> piv, pairs, zero = symmetric_pivots(K, [[K(0), K(1)], [K(1), K(0)]])
    >>> piv, pairs, zero
    ([], 1, 0)
    """
    A = [list(r) for r in H]
    active = list(range(len(A)))
    pivots, pairs = [], 0
    while active:
        i = next((i for i in active if not K.is_zero(A[i][i])), None)
        if i is not None:
            d = A[i][i]
            pivots.append(d)
            inv = K.inv(d)
            rest = [r for r in active if r != i]
            for r in rest:
                if K.is_zero(A[r][i]):
                    continue
                f = K.mul(A[r][i], inv)
                for c in rest:
                    if c >= r and not K.is_zero(A[i][c]):
                        A[r][c] = K.reduce(A[r][c] - K.mul(f, A[i][c]))
                        A[c][r] = A[r][c]
            active = rest
            continue
        pair = next(((i, j) for i in active for j in active if i < j and not K.is_zero(A[i][j])), None)
        if pair is None:
            break
        i, j = pair
        pairs += 1
        inva = K.inv(A[i][j])
        rest = [r for r in active if r not in (i, j)]
        # Schur complement of the block B = [[0, a], [a, 0]]: B^{-1} = [[0, 1/a], [1/a, 0]]
        upd = {}
        for r in rest:
            for c in rest:
                if c >= r:
                    upd[r, c] = K.mul(K.reduce(K.mul(A[r][i], A[j][c]) + K.mul(A[r][j], A[i][c])), inva)
        for (r, c), u in upd.items():
            A[r][c] = K.reduce(A[r][c] - u)
            A[c][r] = A[r][c]
        active = rest
    return pivots, pairs, len(active)


def inertia_from_pivots(K, pivots, pairs, zero):
    """``(positive, negative, zero)`` from :func:`symmetric_pivots` at the real embedding of K."""
    signs = [K.sign(d) for d in pivots]
    return (signs.count(1) + pairs, signs.count(-1) + pairs, zero)


def ball_inertia(K, H, nullity_floor=0, prec=128, balls=None):
    """Certified inertia of a real symmetric matrix over K, or ``None`` (see the module docstring).

    ``H`` may be None when ``balls(prec)`` gives the ball matrix (as in :func:`ball_rank_lower_bound`).

    ``nullity_floor``: a known lower bound of the nullity (e.g. the dimension of a symmetry
    orbit in the kernel of a Hessian).  Succeeds when ``n − nullity_floor`` diagonal pivots
    with balls excluding 0 are found.

    Examples
    --------
    >>> from linnet_geometry.families.convolutional._algebra import RealAlgebraicField
    >>> K = RealAlgebraicField([-2, 0, 1], 1, 2)
    >>> a = K.gen()
    >>> ball_inertia(K, [[K(1), a], [a, K(1)]])      # eigenvalues 1 ± √2
    (1, 1, 0)
    >>> ball_inertia(K, [[K(1), a], [a, K(2)]]) is None, ball_inertia(K, [[K(1), a], [a, K(2)]], 1)
    (True, (1, 0, 1))
    """
    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        A = _balls(K, H, prec, balls)
        n = len(A)
        active = list(range(n))
        pos = neg = 0
        while len(active) > nullity_floor:
            cand = [i for i in active if 0 not in A[i][i]]
            if not cand:
                return None
            i = max(cand, key=lambda k: abs(A[k][k].mid()))
            d = A[i][i]
            if d > 0:
                pos += 1
            else:
                neg += 1
            rest = [r for r in active if r != i]
            inv = 1 / d
            for r in rest:
                f = A[r][i] * inv
                for c in rest:
                    A[r][c] = A[r][c] - f * A[i][c]
            active = rest
        return (pos, neg, n - pos - neg)
    finally:
        flint.ctx.prec = old


def gcd_degree(K, a, b):
    """Degree of the gcd of two polynomials over K (lists, low degree first; ``−1`` for two zeros).

    Examples
    --------
    >>> from linnet_geometry.families.convolutional._algebra import RealAlgebraicField
    >>> K = RealAlgebraicField([-2, 0, 1], 1, 2)
    >>> a = K.gen()
    >>> gcd_degree(K, [K.reduce(-a), K(1)], [K(-2), K(0), K(1)])     # t − √2 divides t² − 2
    1
    """
    def trim(p):
        p = [K.reduce(x) for x in p]
        while p and K.is_zero(p[-1]):
            p.pop()
        return p

    a, b = trim(a), trim(b)
    if not a:
        return len(b) - 1 if b else -1
    while b:
        inv = K.inv(b[-1])
        a = list(a)
        while len(a) >= len(b) and a:
            fac = K.mul(a[-1], inv)
            shift = len(a) - len(b)
            for i, y in enumerate(b):
                a[shift + i] = K.reduce(a[shift + i] - K.mul(fac, y))
            a = trim(a)
        a, b = b, a
    return len(a) - 1
