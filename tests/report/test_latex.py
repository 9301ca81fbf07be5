"""LaTeX derivations: data, rendering, real compilation, values, ``_latex`` of the library's objects."""

import dataclasses
import json
import os
import re
import shutil

import numpy as np
import pytest
import sympy

from linnet_geometry import (DeterminantalVariety, LinearNetwork, PolynomialLoss, QuadraticLoss,
                             WeightedQuadraticLoss, classify, critical_locus)
from linnet_geometry.cli import main
from linnet_geometry.exceptions import BackendNotFoundError, InputTypeError, ShapeError
from linnet_geometry.report.latex import (Derivation, LatexCompileError, Step, available_engines, compile_latex, derive,
                                   escape_text, render_text)
from linnet_geometry.references import REFERENCES

DEFAULT_TARGET = [[5, 1, 0], [2, 3, 1], [0, 1, 2]]

CASES = {
    "non-filling": ((3, 2, 3), DEFAULT_TARGET),
    "filling": ((3, 2, 2), [[3, 1, 0], [0, 2, 1]]),
    "deep": ((3, 2, 2, 3), DEFAULT_TARGET),
    "degenerate": ((4, 3, 4), np.diag([2, 2, 1, 0]).tolist()),
    "radicals": ((2, 1, 2), [[1, 1], [0, 1]]),
    "three-hidden": ((3, 3, 2, 3, 3), [[4, 0, 0], [0, 2, 1], [0, 0, 1]]),
    "no-hidden-layer": ((2, 2), [[2, 1], [0, 1]]),
    "sextic": ((6, 3, 3, 6), (np.diag(range(6, 0, -1)) + np.eye(6, k=1, dtype=int)).tolist()),
}
FAST = ["non-filling", "filling", "deep", "degenerate"]


@pytest.fixture(scope="module")
def engine():
    engines = available_engines()
    if not engines:
        if os.environ.get("CI"):
            pytest.fail("CI must compile the LaTeX documents, but neither pdflatex nor lualatex is on PATH")
        pytest.skip("no TeX engine: neither pdflatex nor lualatex is on PATH "
                    "(.ci/run installs texlive-latex-base and texlive-latex-recommended)")
    return engines[0]


def _derive(case, **kw):
    widths, target = CASES[case]
    return derive(LinearNetwork(widths), QuadraticLoss(target), **kw)


def _pdf_ok(path):
    data = open(path, "rb").read()
    assert data.startswith(b"%PDF") and len(data) > 5000
    return data


# -- compilation with a real engine ---------------------------------------------------------------------

@pytest.mark.external
@pytest.mark.parametrize("case", FAST)
def test_document_compiles(case, engine, tmp_path):
    d = _derive(case)
    pdf = compile_latex(d, tmp_path / f"{case}.pdf", engine=engine, strict=True)
    _pdf_ok(pdf)


@pytest.mark.external
@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(set(CASES) - set(FAST)))
def test_more_documents_compile(case, engine, tmp_path):
    _pdf_ok(compile_latex(_derive(case), tmp_path / "d.pdf", engine=engine))


@pytest.mark.external
def test_data_form_numeric_and_general_losses_compile(engine, tmp_path):
    docs = [
        derive(LinearNetwork((3, 2, 2)), QuadraticLoss.from_data([[1, 0, 1, 2], [0, 1, 1, 1], [1, 1, 0, 3]],
                                                                 [[1, 2, 3, 0], [0, 1, 0, 2]])),
        derive(LinearNetwork((3, 2, 3)), QuadraticLoss([[5.0, 1.0, 0.0], [2.0, 3.0, 1.0], [0.0, 1.0, 2.5]])),
        derive(LinearNetwork((2, 1, 2)), WeightedQuadraticLoss([[2, 1], [1, 1]], [[1, 5], [5, 1]])),
    ]
    W = sympy.Matrix(2, 2, sympy.symbols("a b c d"))
    docs.append(derive(LinearNetwork((2, 2, 2)), PolynomialLoss(sum(x**4 for x in W) - W[0, 0], W)))
    for k, d in enumerate(docs):
        _pdf_ok(compile_latex(d, tmp_path / f"d{k}.pdf", engine=engine))


@pytest.mark.external
def test_lualatex_compiles_too(tmp_path):
    if not shutil.which("lualatex"):
        pytest.skip("lualatex is not on PATH")
    _pdf_ok(compile_latex(_derive("degenerate"), tmp_path / "d.pdf", engine="lualatex"))


@pytest.mark.external
def test_latex_errors_are_reported(engine, tmp_path):
    doc = "\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}\n"
    with pytest.raises(LatexCompileError, match="Undefined control sequence"):
        compile_latex(doc, tmp_path / "bad.pdf", engine=engine)
    doc = "\\documentclass{article}\\begin{document}see \\cite{NOPE}\\end{document}\n"
    with pytest.raises(LatexCompileError, match="NOPE"):
        compile_latex(doc, tmp_path / "cite.pdf", engine=engine, strict=True)
    compile_latex(doc, tmp_path / "cite.pdf", engine=engine, strict=False)  # a warning only when not strict
    assert not (tmp_path / "bad.pdf").exists()


def test_missing_engine_raises_backend_not_found(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert available_engines() == ()
    with pytest.raises(BackendNotFoundError, match="expected pdflatex or lualatex on PATH"):
        compile_latex(_derive("radicals"), tmp_path / "d.pdf")
    with pytest.raises(BackendNotFoundError):
        compile_latex("x", tmp_path / "d.pdf", engine="lualatex")
    assert issubclass(BackendNotFoundError, RuntimeError)


@pytest.mark.external
def test_escaped_text_compiles(engine, tmp_path):
    nasty = "a_b ^ c ~ d # e $ f % g & h { i } j \\ k < l > m | n ‖W − U‖²  ∇ℓ ≠ 0 ⇒ θ ∈ ℝ³ Şimşek Horobeţ Montúfar …"
    text = escape_text(nasty)
    assert text.isascii()
    doc = ("\\documentclass{article}\\usepackage{amsmath}\\usepackage{amssymb}\\begin{document}" + text
           + "\\par " + render_text("math $x_1^2 + \\lambda$ and 100% & more") + "\\end{document}\n")
    _pdf_ok(compile_latex(doc, tmp_path / "e.pdf", engine=engine))


# -- the values in the document are the locus's values ------------------------------------------------

def _table_rows(tex):
    body = tex.split("\\begin{longtable}")[1].split("\\end{longtable}")[0]
    body = body.split("\\endhead")[1]
    rows = {}
    for line in body.splitlines():
        if " & " not in line:
            continue
        cells = [c.strip() for c in line.rstrip("\\ ").split(" & ")]
        rows[cells[0]] = cells
    return rows


def _support_cell(st):
    inner = "\\emptyset" if not st.support else "\\{" + ",".join(map(str, st.support)) + "\\}"
    return f"${inner}$" + ("*" if st.is_family else "")


@pytest.mark.theorem("EY1936")
@pytest.mark.parametrize("case", ["non-filling", "deep", "degenerate", "radicals", "filling", "sextic"])
def test_table_values_are_the_locus_values(case):
    widths, target = CASES[case]
    locus = critical_locus(LinearNetwork(widths), QuadraticLoss(target))
    tex = _derive(case).to_latex()
    rows = _table_rows(tex)
    assert len(rows) == locus.num_strata
    lam = np.linalg.svd(np.array(target, dtype=float), compute_uv=False) ** 2  # independent numeric route
    for st in locus.strata:
        cells = rows[_support_cell(st)]
        assert cells[1] == str(st.rank)
        exact = sympy.latex(st.value)
        if len(exact) <= 60:
            assert cells[2] == f"${exact}$"  # the exact value, in closed form
            assert f"&= {exact}" in tex  # and the stratum's own step states the same value
        else:  # long closed forms: the cell names c + sum of the lambda_j (j not in S), which must equal the value
            named = [int(j) for j in re.findall(r"\\lambda_\{(\d+)\}", cells[2])]
            assert named == [j for j in range(1, locus.spectrum.size + 1) if j not in st.support]
            total = locus.spectrum.offset + sum(locus.spectrum.eigenvalues[j - 1] for j in named)
            assert _exact_equal(total, st.value)
            for term in sympy.Add.make_args(st.value):  # the stratum's step displays every term of the closed form
                assert sympy.latex(term).lstrip("- ") in tex
        expected = sum(lam[j - 1] for j in range(1, len(lam) + 1) if j not in st.support)
        assert float(cells[3]) == pytest.approx(expected, rel=1e-5)
        assert cells[4] == st.kind and cells[5] == st.role.replace("_", " ")
        assert cells[6] == str(st.function_space_index)
        assert cells[7] == ("--" if st.dimension is None else str(st.dimension))
    gm = sympy.latex(locus.global_minimum_value)
    assert f"\\min L &= {gm}" in tex or len(gm) > 60


def _exact_equal(a, b):
    d = sympy.sympify(a) - sympy.sympify(b)
    return d == 0 or abs(sympy.N(d, 60)) < sympy.Float("1e-45")


def test_radicals_in_closed_form():
    tex = _derive("radicals").to_latex()
    locus = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[1, 1], [0, 1]]))
    assert all(st.value.has(sympy.sqrt(5)) or st.value.is_Rational for st in locus.strata)
    assert "\\sqrt{5}" in tex and "CRootOf" not in tex
    assert "CRootOf" in _derive("non-filling").to_latex()  # irreducible cubic: a root object


# -- structure of the derivation ------------------------------------------------------------------------

@pytest.mark.theorem("TKB2020")
@pytest.mark.parametrize("case", sorted(CASES))
def test_steps_state_the_right_mathematics(case):
    widths, target = CASES[case]
    net = LinearNetwork(widths)
    d = _derive(case)
    titles = [s.title for s in d.steps]
    assert titles[:5] == ["Parameterization", "Functional space", "Loss", "Gradient of L per layer",
                          "Critical equations"]
    V = net.functional_space
    fs = d.steps[1]
    assert f"= {V.dim}" in fs.formula[1] and f"= {V.degree}," in fs.formula[2]
    assert ("is filling" in fs.statement) == net.is_filling
    assert ("non-filling" in fs.statement) == (not net.is_filling)
    grad = d.steps[3].formula
    assert sum(1 for ln in grad if "\\nabla_{W_" in ln) == net.depth
    assert f"= {net.num_params}" in d.steps[0].formula[-1]
    locus = critical_locus(net, QuadraticLoss(target))
    strata_steps = [s for s in d.steps if s.title.startswith("Stratum")]
    assert len(strata_steps) == locus.num_strata
    for st, step in zip(locus.strata, strata_steps):
        assert st.kind in step.statement and st.role.replace("_", " ") in step.statement
        assert set(step.citations) <= set(REFERENCES) and "TKB2020" in step.citations
        if st.role == "global_min" and net.depth > 1:
            assert "unique sink" in step.justification
    assert d.steps[-1].title == "Conclusion"


def test_gradient_formula_per_layer_deep():
    grad = derive(LinearNetwork((2, 3, 3, 2)), QuadraticLoss([[2, 1], [0, 1]])).steps[3].formula
    assert grad[1:] == (r"\nabla_{W_{1}} L &= \left(W_{3} W_{2}\right)^{T} G ",
                        r"\nabla_{W_{2}} L &= W_{3}^{T} G W_{1}^{T}",
                        r"\nabla_{W_{3}} L &= G \left(W_{2} W_{1}\right)^{T}")


def test_bibliography_matches_citations():
    tex = _derive("deep").to_latex()
    cited = set()
    for group in re.findall(r"\\cite\{([^}]*)\}", tex):
        cited |= set(group.split(","))
    items = set(re.findall(r"\\bibitem\{([^}]*)\}", tex))
    assert cited == items and cited <= set(REFERENCES) and "TKB2020" in cited
    assert "\\c{S}im\\c{s}ek" not in tex or "SGJ2021" in cited
    for pkg in ("amsmath", "amssymb", "booktabs"):
        assert f"\\usepackage{{{pkg}}}" in tex
    assert tex.isascii() and tex.count("\\begin{document}") == 1 and tex.rstrip().endswith("\\end{document}")


def test_degenerate_document_reports_families():
    d = _derive("degenerate")
    spec = next(s for s in d.steps if s.title == "Singular spectrum of the target")
    assert "degenerate" in spec.statement and "\\{1,2\\}" in spec.statement and "zero singular" in spec.statement
    fam = [s for s in d.steps if s.title.endswith("(family)")]
    assert {s.title for s in fam} == {"Stratum S = {1} (family)", "Stratum S = {1,3} (family)"}


def test_max_strata_truncates_with_a_note():
    locus = critical_locus(LinearNetwork((6, 3, 6)), QuadraticLoss(np.diag(range(6, 0, -1)).tolist()))
    d = derive(locus.network, locus.loss, max_strata=5)
    table = next(s.table for s in d.steps if s.table is not None)
    assert len(table.rows) == 5 and "First 5 of 42 strata" in table.note
    assert sum(1 for s in d.steps if s.title.startswith("Stratum")) == 5


def test_derivation_is_frozen_data():
    d = _derive("radicals")
    assert isinstance(d, Derivation) and all(isinstance(s, Step) for s in d.steps)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.title = "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.steps[0].statement = "x"
    data = json.loads(json.dumps(d.to_dict()))
    assert [s["title"] for s in data["steps"]] == [s.title for s in d.steps]
    assert data["citations"] == list(d.citations)
    assert "Parameterization" in d.to_text()


def test_step_validation_and_input_errors():
    with pytest.raises(KeyError, match="unknown citation keys"):
        Step("t", "s", citations=("NOPE2099",))
    with pytest.raises(ValueError, match="unbalanced"):
        render_text("a $x")
    with pytest.raises(InputTypeError, match="LinearNetwork"):
        derive((3, 2, 3), QuadraticLoss(DEFAULT_TARGET))
    with pytest.raises(InputTypeError, match="Loss"):
        derive(LinearNetwork((3, 2, 3)), DEFAULT_TARGET)
    with pytest.raises(ShapeError, match=r"expected \(2, 3\)"):
        derive(LinearNetwork((3, 2, 2)), QuadraticLoss(DEFAULT_TARGET))


# -- sympy.latex of the library's objects --------------------------------------------------------------

def _objects():
    net = LinearNetwork((3, 2, 3))
    loss = QuadraticLoss(DEFAULT_TARGET)
    locus = critical_locus(net, loss)
    st = locus.stratum((1, 3))
    report = classify(net, loss, st.representative)
    W = sympy.Matrix(3, 3, sympy.symbols("a:i"))
    return {"network": net, "variety": DeterminantalVariety(3, 3, 2), "loss": loss,
            "data loss": QuadraticLoss.from_data([[1, 0, 1], [0, 1, 1], [1, 1, 0]], [[1, 2, 3], [0, 1, 0], [1, 1, 1]]),
            "weighted loss": WeightedQuadraticLoss([[2, 1], [1, 1]], [[1, 5], [5, 1]]),
            "polynomial loss": PolynomialLoss(sum(x**2 for x in W), W),
            "stratum": st, "locus": locus, "report": report,
            "non-critical report": classify(net, loss, [[[1, 0, 0], [0, 1, 0]], [[1, 0], [0, 1], [0, 0]]])}


def test_sympy_latex_of_library_objects():
    for name, obj in _objects().items():
        text = sympy.latex(obj)
        assert isinstance(text, str) and text and text == obj._latex(), name
        assert obj._repr_latex_() == f"${text}$", name
        assert text.count("{") == text.count("}"), name
    assert "\\operatorname{CRootOf}" in sympy.latex(_objects()["stratum"])


@pytest.mark.external
def test_sympy_latex_of_library_objects_compiles(engine, tmp_path):
    body = "\n\n".join(f"{escape_text(name)}: ${sympy.latex(obj)}$" for name, obj in _objects().items())
    doc = ("\\documentclass{article}\\usepackage{amsmath}\\usepackage{amssymb}\\begin{document}\n" + body
           + "\n\\end{document}\n")
    _pdf_ok(compile_latex(doc, tmp_path / "objects.pdf", engine=engine))


# -- CLI --------------------------------------------------------------------------------------------------

def test_cli_latex_to_stdout(capsys):
    assert main(["latex"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\\documentclass") and "widths (3,2,3)" in out and out.rstrip().endswith("\\end{document}")


@pytest.mark.external
def test_cli_latex_pdf(engine, tmp_path, capsys):
    out = tmp_path / "derivation.tex"
    assert main(["latex", "--widths", "3,2,2,3", "-o", str(out), "--pdf"]) == 0
    assert out.read_text().startswith("\\documentclass")
    _pdf_ok(tmp_path / "derivation.pdf")
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize("argv,needle", [
    (["latex", "--pdf"], "--pdf needs -o"),
    (["latex", "-o", "x.pdf"], ".tex"),
    (["latex", "--widths", "2,1,2"], "--target is required"),
])
def test_cli_latex_errors_one_line(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1


@pytest.mark.external
def test_example_script(engine, tmp_path, capsys):
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[2] / "examples" / "latex_derivation.py"
    spec = importlib.util.spec_from_file_location("latex_derivation", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--out", str(tmp_path), "--widths", "3,2,2,3"]) == 0
    assert (tmp_path / "derivation.tex").read_text().startswith("\\documentclass")
    _pdf_ok(tmp_path / "derivation.pdf")


@pytest.mark.theorem("TKB2020")
def test_derive_large_locus_counts_strata_without_walking_them():
    """(30, 10, 30): Σ_{e≤10} C(30, e) strata; C(30, 10) pure ones (|S| = r) — counted, not listed."""
    import math

    d = derive(LinearNetwork((30, 10, 30)), QuadraticLoss(np.diag(np.arange(30, 0, -1.0))))
    total, pure = sum(math.comb(30, e) for e in range(11)), math.comb(30, 10)
    conclusion = d.steps[-1].statement
    assert f"{total} critical strata, {pure} pure and {total - pure} spurious" in conclusion


# -- derive_result: one result protocol for the three critical-point solvers ------------------------------

from linnet_geometry import (RegularizedLoss, WeightedQuadraticLoss, critical_locus,  # noqa: E402
                             function_space_critical_points, parameter_critical_points)
from linnet_geometry.report.latex import derive_result  # noqa: E402


def _table(d, title):
    return next(s.table for s in d.steps if s.title == title)


def test_derive_result_of_a_locus_is_the_derivation_of_its_problem():
    net, loss = LinearNetwork((3, 2, 3)), QuadraticLoss([[3, 0, 0], [0, 2, 0], [0, 0, 1]])
    locus = critical_locus(net, loss)
    d = derive_result(locus)
    assert d.to_dict() == derive(net, loss).to_dict() == derive(locus).to_dict()
    assert d.result is locus and d.locus is locus


def test_derive_result_of_function_space_points():
    loss = WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]])
    res = function_space_critical_points(loss, LinearNetwork((2, 1, 2)))
    d = derive_result(res)
    assert derive(res).to_dict() == d.to_dict()
    counts = _table(d, "Solver and counts")
    assert [(int(r[0].strip("$")), int(r[2]), int(r[3])) for r in counts.rows] == \
        [(s.rank, s.num_complex, s.num_real) for s in res.strata]
    table = _table(d, "Table of real critical points")
    assert [(r[1], r[4], r[5]) for r in table.rows] == \
        [(str(p.rank), p.kind, p.role.replace("_", " ")) for p in res.points]
    # one certificate step per point, citing the keys its certificate names
    points = [s for s in d.steps if s.title.startswith("Point p")]
    assert len(points) == len(res.points)
    assert all(set(s.citations) <= set(REFERENCES) for s in points)
    assert any("TKB2020" in s.citations for s in points)
    conclusion = d.steps[-1]
    assert "Bad local minima: 1." in conclusion.statement and conclusion.formula[0].startswith(r"\min L")
    tex = d.to_latex()
    assert tex.isascii() and r"\bibitem{TKB2020}" in tex


def test_derive_result_of_weight_decay_points():
    res = parameter_critical_points(LinearNetwork((1, 1, 1)), RegularizedLoss(([[1]], [[2]]), [1, 1]))
    d = derive_result(res)
    table = _table(d, "Table of real critical points")
    assert sorted(r[5] for r in table.rows) == ["global min", "global min", "strict saddle"]
    assert all(r[4] == "--" for r in table.rows)  # no pure/spurious for a loss of θ
    assert "3 real critical points" in d.steps[-1].statement
    assert d.title == "Critical points from parameter_critical_points, widths (1,1,1)"
    assert d.to_latex().isascii()


def test_derive_result_errors():
    with pytest.raises(InputTypeError, match="critical-point result"):
        derive_result(LinearNetwork((1, 1, 1)))
    with pytest.raises(InputTypeError, match="max_points"):
        derive_result(critical_locus(LinearNetwork((1, 1, 1)), QuadraticLoss([[1]])), max_points=-1)
    with pytest.raises(InputTypeError, match="LinearNetwork"):
        derive("not a network", QuadraticLoss([[1]]))


@pytest.mark.external
def test_derivations_of_point_results_compile(engine, tmp_path):
    res = function_space_critical_points(WeightedQuadraticLoss([[-1, -4], [-2, 0]], [[6, 11], [14, 2]]),
                                         LinearNetwork((2, 1, 2)))
    _pdf_ok(derive_result(res).to_pdf(tmp_path / "function_space.pdf", engine=engine))
    res = parameter_critical_points(LinearNetwork((1, 1, 1)), RegularizedLoss(([[1]], [[2]]), [1, 1]))
    _pdf_ok(derive_result(res).to_pdf(tmp_path / "weight_decay.pdf", engine=engine))
