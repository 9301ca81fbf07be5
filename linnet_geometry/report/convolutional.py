"""Graph and LaTeX derivation of the critical points of a convolutional network (KMMT2022, KMST2024).

These are the convolutional branches of :func:`linnet_geometry.critical_graph` and
:func:`linnet_geometry.derive`, which dispatch here for a
:class:`~linnet_geometry.families.convolutional.ConvolutionalCriticalLocus` /
:class:`~linnet_geometry.families.convolutional.ConvolutionalNetwork`.
"""

from __future__ import annotations

import networkx as nx
import sympy

from ..exceptions import InputTypeError, ProblemTooLargeError
from ..families.convolutional.critical import (ConvolutionalCriticalLocus, ConvolutionalProblem,
                                              convolutional_critical_points)
from ..families.convolutional.network import ConvolutionalNetwork
from ..families.convolutional.results import short_number
from .graph import register_graph
from .latex.data import Derivation, Step, Table, latex_value as _L
from .latex.derivation import register_derivation

__all__ = ["convolutional_critical_graph", "derive_convolutional"]


def _filter_key(w):
    return tuple(str(x) for x in w)


def convolutional_critical_graph(locus, max_nodes: int = 20_000):
    """The bipartite graph: critical points / families of L → the end-to-end filters they map to.

    Parameters
    ----------
    locus : ConvolutionalCriticalLocus
    max_nodes : int

    Returns
    -------
    G : networkx.DiGraph
        Nodes ``("theta", i)`` for the isolated critical points (in ``locus.points`` order),
        ``("family", i)`` for the families, ``("filter", j)`` for the distinct end-to-end
        filters w̄ (function-space points).  Edges ``μ: θ ↦ w̄`` (attribute ``move = "maps_to"``).

        Node attributes: ``type`` (``"theta"``, ``"family"``, ``"filter"``), ``label``,
        ``value`` (exact), ``value_float``, ``kind``, ``role``, ``rank`` (``rk dμ`` for
        parameter nodes, ``dim M`` for filters), ``is_family``; parameter nodes also
        ``theta``, ``on_boundary``, ``repeated_filters``, ``shared_roots``; filter nodes
        ``filter``, ``critical_on_function_space`` (pure), ``on_boundary``,
        ``preimages`` (number of critical points mapping to it).
        Graph attributes: ``name``, ``filter_sizes``, ``strides``, ``loss``, ``engine``,
        ``complex_count``.

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss, critical_graph
    >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork, convolutional_critical_points
    >>> locus = convolutional_critical_points(ConvolutionalNetwork((2, 2)), QuadraticLoss([[1, 0, 1]]),
    ...                                       engine="sympy")
    >>> G = critical_graph(locus)
    >>> sorted(d["type"] for _, d in G.nodes(data=True))
    ['family', 'filter', 'filter', 'filter', 'filter', 'filter', 'theta', 'theta', 'theta', 'theta']
    >>> all(G.out_degree(n) == 1 for n, d in G.nodes(data=True) if d["type"] != "filter")
    True
    """

    if not isinstance(locus, ConvolutionalCriticalLocus):
        raise InputTypeError(f"expected a ConvolutionalCriticalLocus; received {type(locus).__name__}")
    n = len(locus.points) + len(locus.families)
    if 2 * n > max_nodes:
        raise ProblemTooLargeError(f"the locus has {n} critical points/families; expected at most {max_nodes // 2}")
    net = locus.network
    G = nx.DiGraph()
    G.graph.update(name=f"critical graph of filter sizes {tuple(net.filter_sizes)}, strides {tuple(net.strides)}",
                   filter_sizes=tuple(net.filter_sizes), strides=tuple(net.strides), loss=locus.loss.describe(),
                   engine=locus.engine, complex_count=locus.complex_count)
    filters = {}
    dim = net.function_space.dim

    def filter_node(rep):
        key = _filter_key(rep.end_to_end_filter)
        if key not in filters:
            j = len(filters)
            filters[key] = ("filter", j)
            G.add_node(("filter", j), type="filter", label=f"w{j}", filter=tuple(rep.end_to_end_filter),
                       value=rep.value, value_float=rep.value_float, kind=rep.kind, role=rep.role, rank=dim,
                       critical_on_function_space=rep.kind == "pure", on_boundary=rep.on_boundary,
                       is_family=False, preimages=0)
        node = filters[key]
        G.nodes[node]["preimages"] += 1
        return node

    for i, p in enumerate(locus.points):
        node = ("theta", i)
        G.add_node(node, type="theta", label=f"theta{i}", theta=p.theta, value=p.value, value_float=p.value_float,
                   kind=p.kind, role=p.role, rank=p.differential_rank, on_boundary=p.on_boundary,
                   repeated_filters=p.repeated_filters, shared_roots=p.shared_roots, is_family=False)
        G.add_edge(node, filter_node(p.report), move="maps_to")
    for i, f in enumerate(locus.families):
        node = ("family", i)
        rep = f.representative
        G.add_node(node, type="family", label=f"F{i}", description=f.description, dimension=f.dimension,
                   value=f.value, value_float=f.value_float if f.value is not None else float("nan"), kind=f.kind,
                   role=f.role, rank=None if rep is None else rep.differential_rank, is_family=True)
        if rep is not None:
            G.add_edge(node, filter_node(rep), move="maps_to")
    return G


# -- LaTeX derivation ------------------------------------------------------------------------------------



def _poly_latex(ks, ss):
    parts, S = [], 1
    for l, k in enumerate(ks):
        arg = "t" if S == 1 else f"t^{{{S}}}"
        parts.append(f"w_{{{l + 1}}}({arg})")
        S *= ss[l]
    return " ".join(reversed(parts))


def derive_convolutional(network, loss, max_strata: int = 64):
    """Derivation (as data) of every critical point of ``L = ℓ ∘ μ`` on a convolutional network.

    Steps: the parameterization (sparse polynomial product), the function space (dimension,
    filling, closedness), the loss on filters, the gradient, the scaling symmetry and its
    charts, the table of critical points, one classification step per point/family and the
    conclusion.  Rendered by :meth:`~linnet_geometry.report.latex.Derivation.to_latex`.

    Examples
    --------
    >>> from linnet_geometry import QuadraticLoss, derive
    >>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
    >>> d = derive(ConvolutionalNetwork((2, 2)), QuadraticLoss([[1, 0, 1]]))
    >>> [s.title for s in d.steps][:4]
    ['Parameterization', 'Function space', 'Loss on filters', 'Gradient and scaling symmetry']
    >>> tex = d.to_latex()
    >>> tex.isascii() and r"\\bibitem{KMMT2022}" in tex
    True
    """

    prob = ConvolutionalProblem(network, loss)
    ks, ss = tuple(network.filter_sizes), tuple(network.strides)
    M = network.function_space
    kbar = network.end_to_end_filter_size
    steps = [Step(
        "Parameterization",
        f"The network has {len(ks)} convolutional layers with filter sizes $k = ({', '.join(map(str, ks))})$ and "
        f"strides $s = ({', '.join(map(str, ss))})$. Identifying a filter with the polynomial "
        "$w(t) = \\sum_j w_j t^j$, the end-to-end filter is a sparse product of polynomials:",
        (rf"\mu(\theta) = \bar w(t) = {_poly_latex(ks, ss)}, \qquad \bar k = {kbar}",),
        "Composing convolutions multiplies their polynomials, a stride stretching the later factors.",
        ("KMMT2022", "KMST2024"))]
    fill = "filling (every filter of size $\\bar k$ is realized)" if M.is_filling else "non-filling"
    steps.append(Step(
        "Function space",
        f"The function space $\\mathcal{{M}}$ is a semialgebraic set of dimension "
        f"$\\sum k_l - L + 1 = {M.dim}$ in $\\mathbb{{R}}^{{{kbar}}}$; it is {fill}"
        + (" and closed." if M.is_closed else "."),
        (rf"\dim \mathcal{{M}} = {M.dim}",),
        "Filters realized by real factorizations with the prescribed (sparse) degrees.",
        ("KMMT2022", "KMST2024")))
    steps.append(Step("Loss on filters", "The loss acts on the convolution matrix of the end-to-end filter, so it is "
                      "a polynomial $f$ of $\\bar w$:", (loss._latex(), rf"f(\bar w) = {_L(prob.f)}"),
                      f"{loss.describe()}.", ()))
    steps.append(Step(
        "Gradient and scaling symmetry",
        "$L = f \\circ \\mu$ has gradient $\\nabla L(\\theta) = d\\mu(\\theta)^{T} \\nabla f(\\bar w)$ and is invariant "
        "under $w_l \\mapsto c_l w_l$ with $\\prod_l c_l = 1$. Critical points with all filters non-zero are computed "
        "once per orbit: the first non-zero coefficient of $w_1, \\dots, w_{L-1}$ is set to 1 (one chart per "
        "position), all partial derivatives are imposed, and $w_L \\neq 0$ by a Rabinowitsch variable. Points with "
        "a zero filter have $\\bar w = 0$ and are listed as families.",
        (r"\nabla L(\theta) = 0 \iff d\mu(\theta)^{T}\, \nabla f(\mu(\theta)) = 0",),
        "The charts are disjoint and cover every orbit; the systems are solved exactly (rational univariate "
        "representation), real roots isolated exactly.", ("KMMT2022",)))
    locus = convolutional_critical_points(network, loss)
    if locus.method == "strata":
        counts = "; ".join(f"{n} with {label}" for label, _c, n in locus.strata)   # plain text: render_text escapes
        steps.append(Step(
            "Stride one: root-sharing patterns",
            "No layer is stretched, so $\\bar w = w_1 \\cdots w_L$. Gather the roots with the same multiplicities "
            "$v$ in the layers into one squarefree form $P_v$, so that $w_l = c_l \\prod_v P_v^{v_l}$. By partial "
            "fractions the image of $d\\mu(\\theta)$ is the set of multiples of $\\gamma$ of degree at most $D$, "
            "so $\\theta$ is critical iff $\\nabla f(\\bar w)$ annihilates them: one small system per pattern.",
            (r"\operatorname{im} d\mu(\theta) = \gamma \cdot \mathrm{Pol}_{D - \deg \gamma}, \qquad "
             r"\gamma = \prod_v P_v^{|v| - \max v}",),
            f"{locus.charts} pattern systems; complex critical points by pattern: {counts}.", ("KMST2024",)))
    rows = []
    for i, p in enumerate(locus.points[:max_strata]):
        th = "; ".join("(" + ", ".join(_short(x, a) for x, a in zip(w, fw)) + ")"
                       for w, fw in zip(p.theta, p.theta_float_layers))
        rows.append((f"${i}$", th, f"{p.value_float:.6g}", p.kind, p.role.replace("_", " "),
                     str(p.differential_rank), "yes" if p.on_boundary else ("no" if p.on_boundary is False else "?"),
                     ",".join(f"({a},{b})" for a, b in p.repeated_filters) or "--"))
    for i, f in enumerate(locus.families):
        rows.append((f"F{i}", f.description, "" if f.value is None else f"{f.value_float:.6g}", str(f.kind),
                     str(f.role).replace("_", " "), "--", "--", f"dim {f.dimension}"))
    steps.append(Step(
        "Table of critical points",
        f"Engine: {locus.engine}. {len(locus.points)} real critical points modulo scaling"
        + (f" ({locus.complex_count} complex)" if locus.complex_count is not None else "")
        + f" and {len(locus.families)} families:", (),
        "Kind: pure if $\\operatorname{rk} d\\mu = \\dim\\mathcal{M}$ (then $\\nabla f$ is normal to $\\mathcal{M}$), "
        "otherwise pure iff $\\nabla f(\\bar w) = 0$. Role from the exact Hessian inertia.",
        ("KMMT2022", "KMST2024"),
        Table(("#", "$\\theta$ (normalized)", "$L$", "kind", "role", "rk $d\\mu$", "boundary", "repeated"),
              tuple(rows), "clrllccl")))
    for i, p in enumerate(locus.points[:max_strata]):
        formula = [rf"\theta = ({', '.join('(' + ', '.join(_L(x) for x in w) + ')' for w in p.theta)})",
                   rf"\bar w = ({', '.join(_L(x) for x in p.end_to_end_filter)}), \quad L = {_L(p.value)}"]
        just = " ".join(_ascii(f) for f in p.report.certificate)
        steps.append(Step(f"Critical point {i}", f"A {p.kind} critical point, {p.role.replace('_', ' ')}"
                          + (", on the boundary of the function space" if p.on_boundary else "")
                          + (f", repeated filters in layers {p.repeated_filters}" if p.repeated_filters else "")
                          + ".", tuple(formula), just, ("KMMT2022",), level=2))
    n_pure = sum(1 for p in locus.points if p.kind == "pure")
    gm = [p for p in locus.points if p.role == "global_min"]
    concl = f"{len(locus.points)} isolated critical points modulo scaling, {n_pure} pure."
    formula = ()
    if gm:
        concl += " The global minimum value is"
        v = gm[0].value
        exact = f"= {_L(v)} " if len(str(v)) <= 400 else ""   # not a number field element of thousands of digits
        formula = (rf"\min L {exact}\approx {gm[0].value_float:.6g}",)
    steps.append(Step("Conclusion", concl, formula, "With stride one, non-zero spurious critical points are critical "
                      "points of $\\mu$ (repeated roots); with all strides $> 1$ and generic data every non-zero "
                      "critical point is a smooth interior point and pure.", ("KMMT2022", "KMST2024")))
    title = f"Critical points of a convolutional network with filter sizes ({','.join(map(str, ks))})"
    return Derivation(title, tuple(steps), network=network, loss=loss, locus=locus)


def _short(x, approx=None):
    return f"${sympy.latex(x)}$" if len(str(x)) <= 12 else short_number(x, approx, width=12, digits=5)


_REPL = {"θ": "$\\theta$", "∇": "$\\nabla$", "μ": "$\\mu$", "ℓ": "$\\ell$", "⟂": "$\\perp$", "⇒": "$\\Rightarrow$",
         "≠": "$\\neq$", "≤": "$\\le$", "≥": "$\\ge$", "−": "-", "w̄": "$\\bar w$", "ᵀ": "$^T$", "⟨": "$\\langle$",
         "⟩": "$\\rangle$", "ε": "$\\varepsilon$", "'": "'", "∈": "$\\in$"}


def _ascii(text):
    for a, b in _REPL.items():
        text = text.replace(a, b)
    return text


# critical_graph(result) and derive(network, loss) of the report layer dispatch convolutional networks here
register_graph(ConvolutionalCriticalLocus, convolutional_critical_graph)
register_derivation(ConvolutionalNetwork, derive_convolutional)
