"""The polynomial system of one chart (python-flint ``fmpq_mpoly``; sympy forms on demand), input checks,
coercivity.

Part of :mod:`linnet_geometry.critical.general` (see its docstring for the method and THEORY §2, §4)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import sympy

from ...exceptions import ExactInputRequiredError, InputTypeError, ShapeError
from ...model.losses import Loss, MatrixSensingLoss, PolynomialLoss, QuadraticLoss, WeightedQuadraticLoss
from .._projection import _loss_polynomial
from ...model.network import LinearNetwork
from ...model.variety import DeterminantalVariety


def _validate(loss, variety_or_network):
    if isinstance(variety_or_network, LinearNetwork):
        network, variety = variety_or_network, variety_or_network.functional_space
    elif isinstance(variety_or_network, DeterminantalVariety):
        network, variety = None, variety_or_network
    else:
        raise InputTypeError("variety_or_network: expected a LinearNetwork or a DeterminantalVariety; received "
                             f"{type(variety_or_network).__name__}")
    if not isinstance(loss, Loss):
        raise InputTypeError(f"loss: expected a Loss (e.g. WeightedQuadraticLoss); received {type(loss).__name__}")
    if loss.acts_on_parameters:
        raise InputTypeError(f"loss: expected a function of the end-to-end matrix; {type(loss).__name__} acts on "
                             "parameters")
    want = (variety.rows, variety.cols)
    if tuple(loss.shape) != want:
        extra = f" (d_h × d_0) for widths {network.widths}" if network is not None else ""
        raise ShapeError(f"the loss acts on matrices of shape {tuple(loss.shape)}; expected {want}{extra}")
    if not loss.is_exact:
        raise ExactInputRequiredError(f"{type(loss).__name__} has float data; expected exact numbers (int, Fraction, "
                                      "sympy.Rational): the critical points are computed exactly")
    return network, variety


def is_coercive(loss):
    """True when ℓ is proven coercive on matrices (so its minimum on the closed set M_r is attained)."""
    if isinstance(loss, WeightedQuadraticLoss):
        return True
    if isinstance(loss, QuadraticLoss):
        return True
    m, n = loss.shape
    if isinstance(loss, MatrixSensingLoss):
        H = loss.hessian(sympy.zeros(m, n))
        return H.rank() == m * n
    if isinstance(loss, PolynomialLoss):
        if sympy.Poly(loss.expr, *list(loss.symbols)).total_degree() == 2:
            H = loss.hessian(sympy.zeros(m, n))
            return all(d > 0 for d in H.LDLdecomposition(hermitian=False)[1].diagonal()) if H.det() != 0 else False
    return False


def _charts(m, n, e, order):
    charts = [(I, J) for I in itertools.combinations(range(m), e) for J in itertools.combinations(range(n), e)]
    if order is None or order == "lex":
        return charts
    if order == "reversed":
        return charts[::-1]
    if isinstance(order, (int, np.integer)) and not isinstance(order, bool):
        perm = np.random.default_rng(int(order)).permutation(len(charts))
        return [charts[k] for k in perm]
    raise InputTypeError(f"chart_order: expected 'lex', 'reversed' or an integer seed; received {order!r}")


class _ChartSystem(dict):
    """A chart system: FLINT multivariate polynomials (``"_flint"``), sympy forms built on first access.

    The solving and the certified classification work on python-flint ``fmpq_mpoly`` (exact, fast); the
    sympy expressions (``"equations"``, ``"objective"``, ``"W"``, ``"A"``, ``"B"``) are what the other
    engines, the exact images of the points and the non-generic decomposition read, converted when asked.
    """

    def __missing__(self, key):
        fl = dict.get(self, "_flint")
        if fl is None or key not in ("equations", "objective", "W", "A", "B"):
            raise KeyError(key)
        gens = self["variables"]
        if key == "equations":
            self[key] = [_mpoly_to_sympy(q, gens) for q in fl["equations"]]
        elif key == "objective":
            self[key] = _mpoly_to_sympy(fl["objective"], gens)
        else:
            m, n = fl["shape"]
            e = fl["rank"]
            if key == "W":
                self[key] = (self["A"] * self["B"]).applyfunc(sympy.expand)
            elif key == "B":
                self[key] = sympy.Matrix(e, n, list(gens[len(gens) - 1 - e * n:-1]))
            else:
                A = sympy.zeros(m, e)
                it = iter(gens)
                for i in range(m):
                    for k in range(e):
                        A[i, k] = (1 if fl["I"][k] == i else 0) if i in fl["I"] else next(it)
                self[key] = A
        return dict.__getitem__(self, key)


def _mpoly_to_sympy(q, gens):
    """A FLINT ``fmpq_mpoly`` in the variables ``gens`` (same order) as an expanded sympy expression."""
    terms = q.to_dict()
    if not terms:
        return sympy.Integer(0)
    return sympy.Poly.from_dict({m: sympy.Rational(int(c.p), int(c.q)) for m, c in terms.items()}, *gens,
                                domain="QQ").as_expr()


def _mpoly_terms(q):
    """``[(exponents, fmpq)]`` of a FLINT multivariate polynomial (the form ``_eval_arb``/``_eval_mod`` read)."""
    return list(q.to_dict().items())


def _loss_terms(loss, m, n):
    """ℓ as ``[(exponents over the m·n entries, row-major), fmpq]`` (cached on the loss object's id)."""
    import flint

    key = (id(loss), m, n)
    hit = _LOSS_TERMS.get(key)
    if hit is not None and hit[0] is loss:
        return hit[1]
    Ws = sympy.symbols(f"w0:{m * n}")
    P = sympy.Poly(_loss_polynomial(loss, sympy.Matrix(m, n, Ws)), *Ws, domain="QQ")
    terms = [(mon, flint.fmpq(int(c.p), int(c.q))) for mon, c in P.terms()]
    if len(_LOSS_TERMS) > 32:
        _LOSS_TERMS.clear()
    _LOSS_TERMS[key] = (loss, terms)
    return terms


_LOSS_TERMS = {}


def _compose(terms, entries, one):
    """``Σ c·∏ entries_k^e_k`` with FLINT multivariate polynomials ``entries`` (powers cached)."""
    acc = one * 0
    pw = {}
    for mon, c in terms:
        t = one * c
        for k, d in enumerate(mon):
            if d:
                if (k, d) not in pw:
                    pw[(k, d)] = entries[k] ** d
                t = t * pw[(k, d)]
        acc = acc + t
    return acc


def _mpoly_det(M):
    """Determinant of a small square matrix of FLINT polynomials (Laplace expansion along the first row)."""
    k = len(M)
    if k == 1:
        return M[0][0]
    if k == 2:
        return M[0][0] * M[1][1] - M[0][1] * M[1][0]
    out = None
    for j in range(k):
        minor = [row[:j] + row[j + 1:] for row in M[1:]]
        term = M[0][j] * _mpoly_det(minor)
        out = term if out is None else (out + term if j % 2 == 0 else out - term)
    return out


def _loss_gradient_terms(loss, m, n):
    """``∂ℓ/∂w_k`` for every entry k (row-major), each as terms over the m·n entries."""
    import flint

    key = ("grad", id(loss), m, n)
    hit = _LOSS_TERMS.get(key)
    if hit is not None and hit[0] is loss:
        return hit[1]
    terms = _loss_terms(loss, m, n)
    out = []
    for k in range(m * n):
        g = {}
        for mon, c in terms:
            if mon[k]:
                dm = mon[:k] + (mon[k] - 1,) + mon[k + 1:]
                g[dm] = g.get(dm, flint.fmpq(0)) + c * mon[k]
        out.append([(mm, c) for mm, c in g.items() if c != 0])
    _LOSS_TERMS[key] = (loss, out)
    return out


def critical_system(loss, shape, e, chart, previous=()):
    """The polynomial system of chart ``(I, J)`` of the rank-e stratum (see the module docstring).

    Built with python-flint multivariate polynomials (``fmpq_mpoly``, exact); the sympy forms are
    produced when first read.

    Returns
    -------
    dict
        ``equations`` (list of sympy expressions), ``variables`` (chart
        coordinates, then the Rabinowitsch variable ``t``), ``A``, ``B``
        (matrices of coordinates, ``W = A·B``), ``objective`` (ℓ(A B)).

    Examples
    --------
    >>> from linnet_geometry import WeightedQuadraticLoss
    >>> s = critical_system(WeightedQuadraticLoss([[1, 0], [0, 1]], [[1, 2], [3, 4]]), (2, 2), 1, ((0,), (0,)))
    >>> s["variables"]
    [a1_0, b0_0, b0_1, t]
    >>> len(s["equations"])
    4
    >>> s["equations"][0]
    6*a1_0*b0_0**2 + 8*a1_0*b0_1**2 - 8*b0_1
    """
    import flint

    m, n = shape
    I, J = chart
    rest = [i for i in range(m) if i not in I]
    avars = [sympy.Symbol(f"a{i}_{k}") for i in rest for k in range(e)]
    bvars = [sympy.Symbol(f"b{k}_{j}") for k in range(e) for j in range(n)]
    t = sympy.Symbol("t")
    variables = avars + bvars
    gens = variables + [t]
    ctx = flint.fmpq_mpoly_ctx.get(tuple(str(g) for g in gens), "degrevlex")
    G = ctx.gens()
    one = ctx.from_dict({(0,) * len(gens): 1})
    zero = one * 0
    A = [[zero] * e for _ in range(m)]
    pos = 0
    for i in range(m):
        for k in range(e):
            if i in I:
                A[i][k] = one if I.index(i) == k else zero
            else:
                A[i][k] = G[pos]
                pos += 1
    B = [[G[len(avars) + k * n + j] for j in range(n)] for k in range(e)]
    W = [[sum((A[i][k] * B[k][j] for k in range(e)), zero) for j in range(n)] for i in range(m)]
    obj = _compose(_loss_terms(loss, m, n), [x for row in W for x in row], one)
    eqs = [obj.derivative(k) for k in range(len(variables))]
    eqs.append(G[-1] * _mpoly_det([[B[k][j] for j in J] for k in range(e)]) - 1)
    for I2, J2 in previous:
        eqs.append(_mpoly_det([[W[i][j] for j in J2] for i in I2]))
    sys_ = _ChartSystem(variables=gens)
    sys_["_flint"] = {"ctx": ctx, "equations": eqs, "objective": obj, "W": [x for row in W for x in row],
                      "shape": (m, n), "rank": e, "I": tuple(I), "one": one}
    return sys_


def _flint_form(system, loss):
    """The FLINT data of a chart system (built from its sympy forms when it was made by hand)."""
    import flint

    fl = system.get("_flint")
    if fl is not None:
        return fl
    gens = list(system["variables"])
    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{k}" for k in range(len(gens))), "degrevlex")

    def conv(expr):
        P = sympy.Poly(expr, *gens, domain="QQ")
        return ctx.from_dict({mon: flint.fmpq(int(c.p), int(c.q)) for mon, c in P.terms()} or {})

    one = ctx.from_dict({(0,) * len(gens): 1})
    fl = {"ctx": ctx, "objective": conv(system["objective"]), "W": [conv(x) for x in system["W"]], "one": one,
          "equations": [conv(q) for q in system["equations"]]}
    system["_flint"] = fl
    return fl


def _bezout(eqs, gens):
    out = 1
    for q in eqs:
        d = sympy.Poly(q, *gens).total_degree()
        out *= max(d, 1)
    return out


def _first_chart_bezout(systems):
    """Bézout number of the critical equations of a stratum's first chart (the size check before solving)."""
    first = systems[0]
    fl = first.get("_flint")
    if fl is not None:
        return math.prod(max(q.total_degree(), 1) for q in fl["equations"][:len(first["variables"])])
    return _bezout(first["equations"][:len(first["variables"])], first["variables"])


_is_coercive = is_coercive  # earlier private name, used inside the package
