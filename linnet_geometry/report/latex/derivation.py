"""Derivations as data: :func:`derive` builds the ordered steps, :meth:`Derivation.to_latex` renders them.

The data classes (:class:`Step`, :class:`Table`, :class:`Derivation`) live in
:mod:`.data` and the steps of results made of points in :mod:`.points`; both
are re-exported here.

:func:`derive` takes a problem ``(network, loss)`` and solves it (quadratic
losses by theory); :func:`derive_result` (also ``derive(result)``) writes the
derivation of a result already computed — a
:class:`~linnet_geometry.critical.CriticalLocus`, the result of
:func:`~linnet_geometry.function_space_critical_points` or of
:func:`~linnet_geometry.parameter_critical_points` (the protocol of
:mod:`linnet_geometry.critical.results`).

A :class:`Derivation` is a frozen list of :class:`Step` values — statement,
display formula, justification, citation keys, optionally a table — with no
LaTeX layout in it; :mod:`.render` turns it into a standalone document.  Step
text uses ``$...$`` for inline math; everything else is plain text, escaped
when rendered.  Exact numbers are printed by :func:`sympy.latex` (radicals,
``\\operatorname{CRootOf}`` for roots without radicals).
"""

from __future__ import annotations

import warnings

import sympy

from ...critical import critical_locus
from ...critical.results import is_strata_result, result_points
from ...exceptions import InputTypeError
from ...model.losses import Loss, QuadraticLoss, check_loss_shape
from ...model.network import LinearNetwork
from ..graph import MAX_GRAPH_NODES
from .data import SHORT_LATEX, Derivation, Step, Table, _L, _latex_count, latex_value
from .points import SOLVERS, points_steps

__all__ = ["derive", "derive_result", "register_derivation", "MAX_STRATA"]  # Step, Table, Derivation, latex_value: documented in .data

#: Strata rendered in full (table rows and classification steps) unless ``max_strata`` says otherwise.
MAX_STRATA = 64


def _set(support) -> str:
    return r"\{" + ",".join(str(i) for i in support) + r"\}" if support else r"\emptyset"


def _prod(indices) -> str:
    """``W_3 W_2`` for indices (3, 2); ``I`` when empty."""
    return " ".join(f"W_{{{i}}}" for i in indices) if indices else "I"


def _transpose(indices) -> str:
    if not indices:
        return ""
    if len(indices) == 1:
        return f"W_{{{indices[0]}}}^{{T}}"
    return r"\left(" + _prod(indices) + r"\right)^{T}"


# -- the steps -------------------------------------------------------------------------------------------

def _step_parameterization(net):
    w, h = net.widths, net.depth
    shapes = ", ".join(f"$W_{{{i}}} \\in \\mathbb{{R}}^{{{w[i]}\\times {w[i - 1]}}}$" for i in range(1, h + 1))
    formula = [rf"\mu_d(\theta) = \bar W = {_prod(range(h, 0, -1))} \in \mathbb{{R}}^{{{w[-1]}\times {w[0]}}}"]
    if h > 1:
        formula.append(r"W_{>i} = W_h \cdots W_{i+1}, \quad W_{<i} = W_{i-1}\cdots W_1 \quad "
                       r"(W_{>h} = I,\ W_{<1} = I)")
    params = ", ".join(f"W_{{{i}}}" for i in range(1, h + 1)) if h <= 3 else f"W_1, \\dots, W_{{{h}}}"
    d_theta = " + ".join(f"{w[i]}\\cdot {w[i - 1]}" for i in range(1, h + 1))
    formula.append(rf"d_\theta = \sum_{{i=1}}^{{h}} d_i d_{{i-1}} = {d_theta} = {net.num_params}")
    return Step(
        "Parameterization",
        f"The linear network has widths $d = ({', '.join(map(str, w))})$ (input first), depth $h = {h}$ and "
        f"parameters $\\theta = ({params})$ with {shapes}. Its end-to-end map is the product $\\mu_d$.",
        tuple(formula),
        "Definition of a fully connected linear network; the partial products enter the gradient below.",
        ("TKB2020",))


def _step_functional_space(net):
    V = net.functional_space
    m, n, r = V.rows, V.cols, V.rank
    w = net.widths
    small = min(w[0], w[-1])
    if net.is_filling:
        fill = (f"Since $r = {r} = \\min(d_0, d_h)$, the network is filling: $\\mathcal{{M}}_{{{r}}}$ is the whole "
                f"space $\\mathbb{{R}}^{{{m}\\times {n}}}$.")
    else:
        fill = (f"Since $r = {r} < \\min(d_0, d_h) = {small}$, the network is non-filling: "
                f"$\\mathcal{{M}}_{{{r}}}$ is a proper subvariety of codimension {V.codim}, cut out by the "
                f"${r + 1}\\times {r + 1}$ minors, singular exactly along $\\mathcal{{M}}_{{{r - 1}}}$"
                + (" (the rank-deficient matrices)." if r > 0 else "."))
    big, sm = max(m, n), min(m, n)
    formula = [
        rf"\mathcal{{M}}_d = \mu_d\left(\mathbb{{R}}^{{d_\theta}}\right) = {V._latex()}, \qquad "
        rf"r = \min_i d_i = {r}",
        rf"\dim \mathcal{{M}}_{{{r}}} = r(m + n - r) = {r}\,({m} + {n} - {r}) = {V.dim}",
        rf"\deg \mathcal{{M}}_{{{r}}} = \prod_{{i=0}}^{{{sm}-{r}-1}} \frac{{({big}+i)!\, i!}}{{({r}+i)!\,"
        rf"({big}-{r}+i)!}} = {_latex_count(V.degree)}, \qquad \operatorname{{EDdeg}} = \binom{{{sm}}}{{{r}}} = {V.ed_degree}",
    ]
    return Step(
        "Functional space",
        f"The image of $\\mu_d$ is the determinantal variety of ${m}\\times {n}$ matrices of rank at most "
        f"$r = {r}$. " + fill,
        tuple(formula),
        "The image of a product through a bottleneck of width r is exactly the set of matrices of rank at most r; "
        "dimension and degree are those of a determinantal variety (Giambelli-Thom-Porteous), the ED degree is "
        "that of the Eckart-Young theorem.",
        ("TKB2020", "DHOST2016", "EY1936"))


def _step_loss(loss):
    if isinstance(loss, QuadraticLoss):
        U = loss.target if loss.is_exact else sympy.Matrix(loss.target)
        if loss.data is not None:
            X, Y = loss.data
            S = loss.covariance if loss.is_exact else sympy.Matrix(loss.covariance)
            formula = (r"\ell(W) = \|W X - Y\|_F^2 = \operatorname{tr}\left((W - \hat U)\Sigma(W - \hat U)^{T}\right)"
                       r" + c",
                       rf"\Sigma = X X^{{T}} = {_L(S)}, \quad \hat U = Y X^{{T}}\Sigma^{{-1}} = {_L(U)}, \quad "
                       rf"c = {_L(loss.offset)}")
            return Step("Loss", f"Least squares on {X.shape[1]} samples, reduced to a weighted squared distance.",
                        formula, "Expanding the square; $X X^{T}$ is invertible, so $W \\mapsto W\\Sigma^{1/2}$ "
                        "is a rank-preserving change of variables and the problem becomes a squared distance to "
                        "$\\hat U \\Sigma^{1/2}$.", ("BH1989",))
        return Step("Loss", "The loss is the squared Frobenius distance to the target $U$.",
                    (rf"\ell(W) = \|W - U\|_F^2, \qquad U = {_L(U)}",),
                    "" if loss.is_exact else "The target has floating-point entries: the numeric path is used.", ())
    return Step("Loss", "The loss acts on the end-to-end matrix $\\bar W$.", (loss._latex(),),
                f"{loss.describe()}.", ())


def _gradient_G(loss):
    if isinstance(loss, QuadraticLoss):
        if loss.covariance is not None:
            return r"G = \nabla\ell(\bar W) = 2(\bar W - \hat U)\Sigma"
        return r"G = \nabla\ell(\bar W) = 2(\bar W - U)"
    return r"G = \nabla\ell(\bar W)"


def _step_gradient(net, loss):
    h = net.depth
    lines = [_gradient_G(loss)]
    shown = list(range(1, h + 1)) if h <= 6 else [1, 2, None, h - 1, h]
    for i in shown:
        if i is None:
            lines.append(r"&\ \ \vdots")
            continue
        left = _transpose(tuple(range(h, i, -1)))
        right = _transpose(tuple(range(i - 1, 0, -1)))
        lines.append(rf"\nabla_{{W_{{{i}}}}} L &= {left} G {right}".replace("  ", " "))
    lines[0] = "&" + lines[0] if any("&" in x for x in lines[1:]) else lines[0]
    return Step(
        "Gradient of L per layer",
        "With $L = \\ell \\circ \\mu_d$ and $G = \\nabla\\ell(\\bar W)$, the chain rule through "
        "$d\\mu(\\theta)(\\Delta) = \\sum_i W_{>i} \\Delta_i W_{<i}$ gives, layer by layer:",
        tuple(lines),
        "The differential of the product is linear in each factor; its adjoint with respect to the Frobenius "
        "inner product is $G \\mapsto W_{>i}^{T} G W_{<i}^{T}$.",
        ("TKB2020",))


def _step_critical_equations(net, loss):
    h = net.depth
    rng = ", ".join(map(str, range(1, h + 1))) if h <= 3 else f"1, \\dots, {h}"
    eq = (rf"W_{{>i}}^{{T}}\, G\, W_{{<i}}^{{T}} = 0, \qquad i = {rng}" if h > 1 else r"G = 0")
    quadratic = isinstance(loss, QuadraticLoss)
    statement = "A parameter $\\theta$ is critical iff every layer gradient vanishes:"
    if quadratic and h > 1:
        just = ("For the quadratic loss, every solution has $\\bar W = U_S = \\sum_{i\\in S}\\sigma_i u_i v_i^{T}$ "
                "for a set $S$ of at most $r$ singular triples of the target, and every such $S$ occurs. A critical "
                "$\\theta$ is pure if $\\bar W$ is critical for $\\ell$ restricted to $\\mathcal{M}_r$ (computable "
                "test: if $\\operatorname{rk}\\bar W = r$, pure iff $\\bar W^{T} G = 0$ and $G\\bar W^{T} = 0$; "
                "if $\\operatorname{rk}\\bar W < r$, pure iff $G = 0$), and spurious otherwise.")
        cites = ("TKB2020", "ZL2018", "K2016", "BH1989")
    elif quadratic:
        just = "Without hidden layers $\\mu_d$ is the identity and the only critical point is the target itself."
        cites = ("EY1936",)
    else:
        just = ("A critical $\\theta$ is pure if $\\bar W$ is critical for $\\ell$ restricted to $\\mathcal{M}_r$, "
                "spurious otherwise; at rank-deficient points the convention is $\\nabla\\ell(\\bar W) = 0$.")
        cites = ("TKB2020",)
    return Step("Critical equations", statement, (eq,), just, cites)


def _lambda_names(indices):
    return " + ".join(f"\\lambda_{{{j}}}" for j in indices) if indices else "0"


def _step_spectrum(locus):
    sp = locus.spectrum
    lines = []
    if sp.exact:
        x = sympy.Symbol("x")
        chi = sympy.factor(sp._gram.charpoly(x).as_expr())
        gram = r"\hat U \Sigma \hat U^{T}" if locus.loss.covariance is not None else (
            "U^{T} U" if sp.side == "right" else "U U^{T}")
        lines.append(rf"\chi_{{{gram}}}(x) = {sympy.latex(chi)}")
    for k, lam in enumerate(sp.eigenvalues, start=1):
        lines.append(rf"\lambda_{{{k}}} &= \sigma_{{{k}}}^{{2}} = {_L(lam)} \approx {float(sp.floats[k - 1]):.6g}")
    if any("&" in ln for ln in lines):
        lines = [("&" + ln if "&" not in ln else ln) for ln in lines]
    if locus.is_degenerate:
        ties = [b for b in sp.blocks if len(b) > 1]
        zeros = list(range(sp.rank + 1, sp.size + 1))
        parts = []
        if ties:
            parts.append("tie blocks " + ", ".join("$" + _set(b) + "$" for b in ties))
        if zeros:
            parts.append("zero singular values at indices $" + _set(zeros) + "$")
        statement = ("The target is degenerate (" + "; ".join(parts) + "): choosing $k_a$ of the $n_a$ singular "
                     "directions of a tie block gives a Grassmannian $\\mathrm{Gr}(k_a, n_a)$ of critical points, so "
                     "critical sets are positive-dimensional families, each reported once by a canonical support.")
    else:
        statement = ("The squared singular values of the target are distinct and nonzero (generic data), in "
                     "decreasing order:")
    return Step("Singular spectrum of the target", statement, tuple(lines),
                ("They are the roots of the characteristic polynomial of a rational Gram matrix, isolated exactly; "
                 "radicals are used where they exist, otherwise a root object of the irreducible factor."
                 if sp.exact else "Floating-point data: singular values from the SVD with tolerance "
                 f"{locus.tol:g}."),
                ("EY1936", "BH1989"))


def _step_function_space(locus):
    r = locus.network.bottleneck
    top = min(r, locus.spectrum.rank)
    return Step(
        "Critical points in function space",
        f"On the rank-$e$ matrices, $e \\le {top}$, the critical points of $\\ell$ are the truncations $U_S$, "
        "$|S| = e$, with value and Morse index",
        (r"\ell(U_S) = c + \sum_{j \notin S} \lambda_j, \qquad "
         r"\operatorname{ind}(U_S) = \#\{(i, j) : i \in S,\ j \notin S,\ \lambda_j > \lambda_i\}",),
        "Eckart-Young: the critical points of the distance to U on a rank stratum are its singular-value "
        "truncations; the only local minimum uses the largest singular values.",
        ("EY1936", "DHOST2016"))


def _split_latex(value):
    """LaTeX of an exact number, split into display lines at the terms of a long sum."""
    text = _L(value)
    expr = sympy.sympify(value, strict=True)
    if len(text) <= SHORT_LATEX or not isinstance(expr, sympy.Add):
        return [text]
    out = []
    for k, term in enumerate(expr.as_ordered_terms()):
        t = _L(term)
        out.append(t if k == 0 else (t if t.startswith("-") else "+ " + t))
    return out


def _value_cell(locus, st):
    """The exact value for the table: its closed form when short, else ``c + Σ_{j∉S} λ_j`` by name
    (the ``λ_j`` are displayed exactly in the spectrum step, the closed form in the stratum's step)."""
    text = _L(st.value)
    if len(text) <= SHORT_LATEX:
        return f"${text}$"
    comp = [j for j in range(1, locus.spectrum.size + 1) if j not in st.support]
    return "$" + ("c + " if locus.spectrum.offset != 0 else "") + _lambda_names(comp) + "$"


def _short_or_float(value, value_float):
    text = _L(value)
    return "= " + text if len(text) <= SHORT_LATEX else rf"\approx {float(value_float):.6g}"


def _pairs(st, lam_f, m):
    S = set(st.support)
    return [(i, j) for i in st.support for j in range(1, m + 1) if j not in S and lam_f[j - 1] > lam_f[i - 1]
            and lam_f[j - 1] > 0]


def _move_text(G, support):
    if G is None or support not in G:
        return ""
    moves = []
    for _, v, e in sorted(G.out_edges(support, data=True), key=lambda t: t[1]):
        if e["move"] == "swap":
            moves.append(f"swap ${e['i']} \\to {e['j']}$ to $S' = {_set(v)}$, decrease "
                         f"$\\lambda_{{{e['j']}}} - \\lambda_{{{e['i']}}} "
                         f"{_short_or_float(e['decrease'], e['decrease_float'])}$")
        else:
            moves.append(f"grow by ${e['j']}$ to $S' = {_set(v)}$, decrease $\\lambda_{{{e['j']}}} "
                         f"{_short_or_float(e['decrease'], e['decrease_float'])}$")
    if not moves:
        return " No descent move leaves this stratum: it is the unique sink of the critical graph."
    return " Descent moves: " + "; ".join(moves) + "."


def _step_stratum(locus, st, G):
    net, sp = locus.network, locus.spectrum
    r, h = net.bottleneck, net.depth
    m = sp.size
    S = _set(st.support)
    comp = [j for j in range(1, m + 1) if j not in st.support]
    names = ("c + " if sp.offset != 0 else "") + _lambda_names(comp)
    pieces = _split_latex(st.value)
    formula = [rf"&S = {S}, \quad \bar W = U_S, \quad \operatorname{{rk}} \bar W = {st.rank}",
               rf"L &= {names}", rf"&= {pieces[0]}"] + [rf"&\quad {p}" for p in pieces[1:]]
    cites = []
    parts = []
    if st.kind == "pure":
        if st.rank == r:
            parts.append(f"Since $|S| = r = {r}$, $U_S$ is a smooth point of $\\mathcal{{M}}_{{{r}}}$ and critical "
                         "for $\\ell$ restricted to it, so the stratum is pure.")
        else:
            parts.append(f"$S$ contains every nonzero singular value, so $U_S = U$ and $\\nabla\\ell(U_S) = 0$: "
                         "the stratum is pure.")
        cites += ["TKB2020", "EY1936"]
        if st.role == "global_min":
            parts.append("Its function-space index is 0 ($S$ is a top set), the only local minimum of $\\ell$ on "
                         "$\\mathcal{M}_r$; every local minimum of $L$ is global, so this is the global minimum.")
            cites += ["BH1989"]
        else:
            pairs = _pairs(st, sp.floats, m)
            shown = ", ".join(f"({i},{j})" for i, j in pairs[:12]) + (", ..." if len(pairs) > 12 else "")
            parts.append(f"Its function-space index is {st.function_space_index} (pairs $(i, j)$ with "
                         f"$\\lambda_j > \\lambda_i$: ${shown}$); $d\\mu$ maps onto the tangent space at a rank-$r$ "
                         "point, so each negative direction of $\\ell$ lifts to one of $L$: a strict saddle.")
    else:
        parts.append(f"Here $|S| = {st.rank} < r = {r}$ and $U_S \\ne U$: $\\bar W$ is a singular point of "
                     f"$\\mathcal{{M}}_{{{r}}}$ with $\\nabla\\ell(U_S) = 2(U_S - U) \\ne 0$, so the stratum is "
                     "spurious; spurious critical points of the quadratic loss are never local minima.")
        cites += ["TKB2020", "K2016"]
        if st.role == "strict_saddle" and st.function_space_index > 0:
            parts.append("$S$ is not the top-$|S|$ set, hence every point of the stratum is a strict saddle.")
            cites += ["AMG2024"]
        elif st.role == "strict_saddle":
            parts.append("With one hidden layer every saddle is strict.")
            cites += ["BH1989"]
        else:
            parts.append("With two or more hidden layers and $S$ a top set, strictness depends on the point "
                         "(at $\\theta = 0$ the Hessian vanishes identically); it is reported as a saddle.")
            cites += ["AMG2024"]
    if st.is_family:
        parts.append(f"The target is degenerate: this is a family of dimension {st.family_dimension} "
                     "(a product of Grassmannians), listed by its canonical support.")
    dim = "not computed in closed form" if st.dimension is None else f"${st.dimension}$"
    parts.append(f"Dimension of the stratum in parameter space: {dim}.")
    title = f"Stratum S = {{{','.join(map(str, st.support))}}}" + (" (family)" if st.is_family else "")
    statement = (f"The stratum $S = {S}$ is {st.kind}, a {st.role.replace('_', ' ')} with function-space index "
                 f"{st.function_space_index}.")
    return Step(title, statement, tuple(formula), " ".join(parts) + _move_text(G, st.support),
                tuple(dict.fromkeys(cites)), level=2)


def _step_table(locus, max_strata):
    rows = []
    for k, st in enumerate(locus.strata):
        if k >= max_strata:
            break
        dim = "--" if st.dimension is None else str(st.dimension)
        rows.append((f"${_set(st.support)}$" + ("*" if st.is_family else ""), str(st.rank), _value_cell(locus, st),
                     f"{st.value_float:.6g}", st.kind, st.role.replace("_", " "), str(st.function_space_index), dim))
    note = ""
    if locus.num_strata > max_strata:
        note = f"First {max_strata} of {locus.num_strata} strata (raise max_strata to list all)."
    if locus.is_degenerate:
        note += (" " if note else "") + "* marks positive-dimensional families (canonical support shown)."
    return Step(
        "Table of critical strata",
        f"The critical locus of $L$ has {locus.num_strata} strata; their exact values, kinds and roles:",
        (), "Values $c + \\sum_{j\\notin S}\\lambda_j$; index: function-space Morse index; dimension: of the "
        "stratum in parameter space.", ("TKB2020", "EY1936"),
        Table(("$S$", "rank", "value $L$ (exact)", "$\\approx$", "kind", "role", "index", "dim"), tuple(rows),
              "ccpcllcc", note))


def _step_conclusion(locus):
    n_pure = locus.num_pure_strata  # counted, not listed: |S| = min(r, ρ) [TKB2020]
    gm = locus.global_minimum
    return Step(
        "Conclusion",
        f"$L$ has {locus.num_strata} critical strata, {n_pure} pure and {locus.num_strata - n_pure} spurious. "
        f"Every local minimum is global; the global minimum is the stratum $S = {_set(gm.support)}$ with value",
        tuple([rf"\min L &= {p}" if k == 0 else rf"&\quad {p}" for k, p in enumerate(_split_latex(gm.value))]
              + [rf"&\approx {gm.value_float:.6g}"]),
        "Eckart-Young for the value; absence of spurious local minima for deep linear networks.",
        ("EY1936", "BH1989", "K2016", "LvB2018"))


def _step_general_loss(net, loss):
    if net.is_filling and loss.is_convex:
        st = ("The network is filling and $\\ell$ is convex: the pure critical points are exactly the global "
              "minima, every other critical point is spurious, and there are no bad local minima.")
        cites = ("TKB2020", "LvB2018")
    elif loss.is_convex:
        st = ("The network is non-filling and $\\ell$ is convex but not a squared distance: bad local minima can "
              "exist, and when they do they are pure, of rank exactly $r$.")
        cites = ("TKB2020",)
    else:
        st = ("For a non-convex loss the critical points of $\\ell$ restricted to $\\mathcal{M}_r$ are the "
              "solutions of a polynomial system; classify individual points with classify().")
        cites = ("TKB2020", "DHOST2016")
    return Step("Landscape", st, (), "The closed-form table of strata exists for the quadratic loss only.", cites)


def derive(network, loss=None, max_strata: int = MAX_STRATA) -> Derivation:
    """Derive the critical locus of ``L = ℓ ∘ μ_d`` step by step, as data.

    Steps: the parameterization and ``μ_d``; the functional space (variety,
    dimension, degree, filling or not); the loss; the gradient per layer; the
    critical equations; for quadratic losses the exact spectrum, the
    function-space critical points, the table of strata and one
    classification step per stratum (with its descent moves), and the
    conclusion; for other losses the landscape facts that apply (THEORY §4).

    ``derive(result)`` — a critical-point result and no loss — is
    :func:`derive_result`.

    Parameters
    ----------
    network : LinearNetwork, or a critical-point result
    loss : Loss
        Required with a network.
    max_strata : int
        Strata rendered in full (table rows and classification steps).

    Returns
    -------
    Derivation

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, QuadraticLoss
    >>> d = derive(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]]))
    >>> [s.title for s in d.steps][:5]
    ['Parameterization', 'Functional space', 'Loss', 'Gradient of L per layer', 'Critical equations']
    >>> d.steps[-1].formula[0]
    '\\\\min L &= 1'
    >>> d.to_latex().startswith("\\\\documentclass")
    True
    """
    if loss is None and _is_result(network):
        return derive_result(network, max_strata)
    for network_type, write in _FAMILY_DERIVATIONS.items():
        if isinstance(network, network_type):  # a network family (register_derivation)
            return write(network, loss, max_strata)
    if not isinstance(network, LinearNetwork):
        raise InputTypeError(f"network must be a LinearNetwork (or derive(result) with a critical-point result); "
                             f"received {type(network).__name__}")
    if not isinstance(loss, Loss):
        raise InputTypeError(f"loss must be a Loss (QuadraticLoss, PolynomialLoss, ...); received "
                             f"{type(loss).__name__}")
    check_loss_shape(loss, network)
    _check_max(max_strata, "max_strata")
    locus = None
    if isinstance(loss, QuadraticLoss):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            locus = critical_locus(network, loss)
        return _derive_locus(locus, max_strata)
    steps = _problem_steps(network, loss) + [_step_general_loss(network, loss)]
    return Derivation(_title(network), tuple(steps), network=network, loss=loss, locus=locus)


def _check_max(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputTypeError(f"{name} must be a non-negative int; received {value!r}")


def _title(network):
    return f"Critical points of a linear network with widths ({','.join(map(str, network.widths))})"


def _problem_steps(network, loss):
    return [_step_parameterization(network), _step_functional_space(network), _step_loss(loss),
            _step_gradient(network, loss), _step_critical_equations(network, loss)]


def _derive_locus(locus, max_strata, result=None):
    network, loss = locus.network, locus.loss
    steps = _problem_steps(network, loss)
    G = locus.graph if locus.num_strata <= min(MAX_GRAPH_NODES, 4 * max(max_strata, 1)) else None
    steps += [_step_spectrum(locus), _step_function_space(locus), _step_table(locus, max_strata)]
    shown = min(max_strata, locus.num_strata)
    steps.append(Step("Classification of the strata",
                      f"Each stratum is classified below ({shown} of {locus.num_strata}), with the argument that "
                      "decides its kind and role and the descent moves that leave it (the edges of the critical "
                      "graph: a swap exchanges $i \\in S$ for $j \\notin S$ with $\\lambda_j > \\lambda_i$, a "
                      "grow adds $j$ while $|S| < r$).", (), "", ("TKB2020",)))
    for k, st in enumerate(locus.strata):
        if k >= max_strata:
            break
        steps.append(_step_stratum(locus, st, G))
    steps.append(_step_conclusion(locus))
    return Derivation(_title(network), tuple(steps), network=network, loss=loss, locus=locus, result=result)


def _is_result(obj) -> bool:
    return hasattr(obj, "to_dict") and (is_strata_result(obj) or hasattr(obj, "points")
                                        or hasattr(obj, "real_points"))


def derive_result(result, max_points: int = MAX_STRATA) -> Derivation:
    """The derivation of a critical-point result already computed.

    Accepts every result of the protocol of :mod:`linnet_geometry.critical.results`:

    * a :class:`~linnet_geometry.critical.CriticalLocus` — the same document as
      :func:`derive` of its network and loss, built from this locus;
    * the result of :func:`~linnet_geometry.function_space_critical_points` or of
      :func:`~linnet_geometry.parameter_critical_points` — the problem
      (parameterization and functional space when a network is known, the loss),
      the engine that answered and the counts of complex and real critical points,
      a table of the real critical points (rank, value, kind, role), one step
      per point with its certificate, and a conclusion (global minimum, bad local minima).

    Parameters
    ----------
    result
        A critical-point result.
    max_points : int
        Points (or strata) rendered in full.

    Returns
    -------
    Derivation

    Raises
    ------
    InputTypeError
        ``result`` follows none of the result protocols.

    Examples
    --------
    >>> from linnet_geometry import LinearNetwork, WeightedQuadraticLoss, function_space_critical_points
    >>> res = function_space_critical_points(LinearNetwork((2, 1, 2)),
    ...                                      WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]]))
    >>> d = derive_result(res)
    >>> [s.title for s in d.steps if s.level == 1]  # doctest: +NORMALIZE_WHITESPACE
    ['Parameterization', 'Functional space', 'Loss', 'Solver and counts', 'Table of real critical points',
     'Certificates', 'Conclusion']
    >>> len(next(s.table for s in d.steps if s.title == 'Table of real critical points').rows) == len(res.points)
    True
    """
    _check_max(max_points, "max_points")
    if not _is_result(result):
        raise InputTypeError(f"derive_result expects a critical-point result (critical_locus, "
                             f"function_space_critical_points or parameter_critical_points); received "
                             f"{type(result).__name__}")
    if is_strata_result(result) and hasattr(result, "num_strata"):
        return _derive_locus(result, max_points, result=result)
    solver = SOLVERS.get(type(result).__name__, type(result).__name__)
    network = getattr(result, "network", None)
    if network is None and getattr(result, "widths", None):
        network = LinearNetwork(tuple(result.widths))
    loss = getattr(result, "loss", None)
    steps = []
    if network is not None:
        steps += [_step_parameterization(network), _step_functional_space(network)]
    elif getattr(result, "variety", None) is not None:
        V = result.variety
        steps.append(Step("Functional space", f"The critical points are computed on the determinantal variety of "
                          f"${V.rows}\\times {V.cols}$ matrices of rank at most $r = {V.rank}$.",
                          (rf"{V._latex()}, \qquad \dim = {V.dim}",), "", ("DHOST2016",)))
    if isinstance(loss, Loss):
        steps.append(_step_loss(loss))
    elif loss is not None:
        steps.append(Step("Loss", "The loss is a function of the parameters: " + str(loss) + ".", (),
                          "It does not factor through the end-to-end matrix, so the pure/spurious dichotomy does not "
                          "apply; roles come from the Hessian of $L$ in parameter space.", ("TKB2020",)))
    steps += points_steps(result, result_points(result), solver, max_points)
    title = f"Critical points from {solver}" + ("" if network is None else
                                                f", widths ({','.join(map(str, network.widths))})")
    return Derivation(title, tuple(steps), network=network, loss=loss if isinstance(loss, Loss) else None,
                      result=result)


#: network type of a family -> ``function(network, loss, max_strata) -> Derivation`` (:func:`register_derivation`)
_FAMILY_DERIVATIONS = {}


def register_derivation(network_type, function):
    """Let :func:`derive` hand networks of ``network_type`` to ``function(network, loss, max_strata)``.

    Used by :mod:`linnet_geometry.report.convolutional` for convolutional networks (KMMT2022, KMST2024).

    >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
    >>> ConvolutionalNetwork in _FAMILY_DERIVATIONS
    True
    """
    _FAMILY_DERIVATIONS[network_type] = function
