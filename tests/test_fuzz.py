"""Fuzz tests of the polynomial parser and of every CLI subcommand (hypothesis).

Contracts checked:

* :func:`linnet_geometry.model.losses.parse_polynomial` never evaluates its input: ``eval``/``exec``/
  ``sympify``/``parse_expr`` are patched to fail, and a sentinel side effect (a file the input tries to
  create) never happens.  Every input gives a polynomial with rational coefficients in the allowed
  symbols, or a typed :class:`~linnet_geometry.exceptions.LinnetError`.  Valid polynomials round-trip.
* ``linnet_geometry.cli.main(argv)`` returns 0, or returns 2 with exactly one line on stderr and no
  traceback, for argument vectors mutated from a cheap valid call of each subcommand; a few runs go
  through ``python -m linnet_geometry`` in a subprocess.
"""

import builtins
import contextlib
import io
import os
import subprocess
import sys
import tempfile
from unittest import mock

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linnet_geometry.cli import main
from linnet_geometry.exceptions import LinnetError
from linnet_geometry.model.losses import PolynomialLoss, _check_polynomial, parse_polynomial

SYMBOLS = sympy.symbols("w11 w12 w21 w22")
W = sympy.Matrix(2, 2, SYMBOLS)
WORK = tempfile.mkdtemp(prefix="linnet_fuzz_")
SENTINEL = os.path.join(WORK, "pwned")
BAD_TEXT = os.path.join(WORK, "latin1.csv")
with open(BAD_TEXT, "wb") as fh:
    fh.write(b"\xe9\xff 1\n2 3\n")
FOLDER = os.path.join(WORK, "folder.csv")
os.makedirs(FOLDER, exist_ok=True)

COUNTS = {"parser": 0, "parser_rejected": 0, "cli": 0, "cli_exit2": 0}


# =========================================================================================================
# the expression parser
# =========================================================================================================
DANGEROUS = [
    f"__import__('os').system('touch {SENTINEL}')", f"open('{SENTINEL}', 'w')", "().__class__.__bases__[0]",
    "w11.__class__", "w11.func", "lambda: 1", "exec('1')", "eval('1')", "[x for x in ()]", "{1: 2}", "w11[0]",
    "w11 if w12 else w22", "(w := 1)", "f'{w11}'", "b'w11'", "...", "None", "True", "1j", "0x1F", "1_000",
    "w11 @ w12", "w11 << 2", "w11 and w12", "not w11", "w11 < w12", "*w11", "await w11", "yield", "sympy", "Symbol",
    "S", "E", "pi", "I", "oo", "nan", "zoo", "\x00", "\\", "#", "w11 # comment", "w11\n+w12", "w11;", "import os",
]
TOKENS = ["w11", "w12", "w21", "w22", "x", "1", "0", "2", "10", "3/4", "0.5", "1e3", "1e-3", "+", "-", "*", "/", "^",
          "**", "(", ")", " ", "^-1", "^0.5", "__", ".", ",", "'", "[", "]", "=", ":", "%"] + DANGEROUS


def _forbidden(*args, **kwargs):
    raise AssertionError("the parser must never evaluate text")


_SYMPIFY_MODULE = sys.modules["sympy.core.sympify"]
_SYMPIFY = _SYMPIFY_MODULE.sympify


def _sympify_no_strings(a, *args, **kwargs):
    if isinstance(a, str):  # sympify of a string evaluates it
        _forbidden()
    return _SYMPIFY(a, *args, **kwargs)


def _no_source(original):
    def run(source, *args, **kwargs):  # imports exec code objects; text must never be run
        if isinstance(source, (str, bytes)):
            _forbidden()
        return original(source, *args, **kwargs)
    return run


@contextlib.contextmanager
def _no_evaluation():
    with mock.patch.object(builtins, "eval", _no_source(builtins.eval)), \
            mock.patch.object(builtins, "exec", _no_source(builtins.exec)), \
            mock.patch("sympy.sympify", _sympify_no_strings), \
            mock.patch.object(_SYMPIFY_MODULE, "sympify", _sympify_no_strings), \
            mock.patch("sympy.parse_expr", _forbidden), mock.patch("sympy.parsing.sympy_parser.parse_expr", _forbidden):
        yield


texts = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(TOKENS), max_size=14).map("".join),
    st.lists(st.sampled_from(TOKENS), max_size=10).map(" ".join),
)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(texts)
def test_parser_never_evaluates_and_is_typed(text):
    COUNTS["parser"] += 1
    with _no_evaluation():
        try:
            expr = parse_polynomial(text, W)
        except LinnetError as err:
            COUNTS["parser_rejected"] += 1
            assert isinstance(err, (ValueError, TypeError)) and "\n" not in str(err)
        else:
            assert isinstance(expr, sympy.Expr) and expr.free_symbols <= set(SYMBOLS)
            _check_polynomial(expr, W)  # a polynomial with rational coefficients in W
    assert not os.path.exists(SENTINEL)


def _polys():
    leaves = st.one_of(st.sampled_from(SYMBOLS),
                       st.fractions(min_value=-20, max_value=20, max_denominator=7).map(sympy.Rational))
    return st.recursive(leaves, lambda kids: st.one_of(
        st.tuples(kids, kids).map(lambda t: t[0] + t[1]),
        st.tuples(kids, kids).map(lambda t: t[0] - t[1]),
        st.tuples(kids, kids).map(lambda t: t[0] * t[1]),
        st.tuples(kids, st.integers(0, 4)).map(lambda t: t[0] ** t[1]),
    ), max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(_polys(), st.booleans())
def test_parser_round_trips_polynomials(poly, caret):
    text = sympy.sstr(poly)
    if caret:
        text = text.replace("**", "^")
    with _no_evaluation():
        parsed = parse_polynomial(text, W)
    assert sympy.expand(parsed - poly) == 0
    assert sympy.expand(PolynomialLoss(text, W).expr - poly) == 0


# =========================================================================================================
# the CLI
# =========================================================================================================
BASES = {
    "analyze": ["analyze", "--widths", "2,1,2", "--target", "2 0; 0 1"],
    "analyze-poly": ["analyze", "--widths", "1,1", "--loss", "polynomial", "--expr", "(w11 - 1)^2", "--backend",
                     "sympy"],
    "analyze-weighted": ["analyze", "--widths", "1,1", "--loss", "weighted", "--target", "2", "--weights", "3",
                         "--backend", "sympy"],
    "graph": ["graph", "--widths", "2,1,2", "--target", "2 0; 0 1"],
    "latex": ["latex", "--widths", "2,1,2", "--target", "2 0; 0 1"],
    "relu-phase": ["relu-phase", "--n", "3", "--width", "2", "--samples", "2", "--seed", "0", "--workers", "1"],
    "symmetry": ["symmetry", "--teacher-width", "1", "--width", "2"],
    "verify": ["verify", "--list"],
    "critical-points": ["critical-points", "--widths", "1,1", "--no-real", "--regularization", "uniform"],
}
# values that are invalid, or valid but cheap, for every option they are put into
GENERIC = ["", " ", "-1", "0", "-0", "x", "1.5", "1e3", "nan", "inf", "-inf", "1,", ",", "1,,2", "3:1", "1:2:0",
           "1:9:-1", "0:1000000000", "99999999999999999999999", "-", "😀", "ñ", "1;2", "[1]", "{}", "'", "\\",
           "$(touch {s})".format(s=SENTINEL), "/nonexistent/file.csv", FOLDER, BAD_TEXT, "__import__('os')",
           os.path.join(WORK, "missing", "x.png"), os.path.join(WORK, "x.xyz"), WORK]
PER_OPTION = {
    "--widths": ["2,0,2", "2,-1,2", "2", "2,1,2,", "2;1;2", "2,2000000,2", "1," * 50 + "1", "2,1.0,2"],
    "--target": ["1 2; 3", "nan 0; 0 1", "1/0 0; 0 1", "pi 0; 0 1", "sqrt(2) 0; 0 1", "1e400 0; 0 1",
                 "1e200 0; 0 2e200", "/x.npy", "0 0; 0 0"],
    "--expr": DANGEROUS[:12] + ["w11^-1", "1/w11", "w11^100000", "(w11^1000)^1000", "w99"],
    "--weights": ["0", "-1", "1 2"],
    "--n": ["3,4", "1:3", "0"],
    "--width": ["3", "1:2", "-2"],
    "--teacher-width": ["3", "100000"],
    "--input-dim": ["0", "3"],
    "--samples": ["1", "0"],
    "--seed": ["-5", "7"],
    "--d0": ["0", "3"],
    "--max-rows": ["-5", "1"],
    "--max-nodes": ["0", "1"],
    "--max-strata": ["-1", "0"],
    "--max-pieces": ["-1", "0"],
    "--trials": ["0", "-2"],
    "--theorem": ["nope", "", "ed_degree'"],
    "--backend": ["magma", ""],
    "--loss": ["huber"],
    "--sampler": ["gaussian"],
    "--convention": ["both"],
    "--method": ["guess"],
    "--engine": ["tex"],
    "--prime": ["-7"],
    "--regularization": ["l1"],
    "-o": ["{missing}", "{xyz}", "{dir}"],
    "--graph": ["{missing}", "{xyz}", "{dir}"],
}
OPTIONS = {
    "analyze": ["--widths", "--target", "--max-rows", "--loss", "--backend", "--data"],
    "analyze-poly": ["--widths", "--expr", "--backend", "--max-rows"],
    "analyze-weighted": ["--target", "--weights", "--widths"],
    "graph": ["--widths", "--target", "--max-nodes", "-o"],
    "latex": ["--widths", "--target", "--max-strata", "-o", "--engine"],
    "relu-phase": ["--n", "--width", "--samples", "--seed", "--d0", "--sampler", "-o"],
    "symmetry": ["--teacher-width", "--width", "--input-dim", "--max-pieces", "--convention", "--method", "--graph"],
    "verify": ["--trials", "--seed", "--theorem"],
    "critical-points": ["--widths", "--seed", "--prime", "--regularization", "--samples"],
}
# options whose valid values would start a long computation: only invalid values are put there
ONLY_INVALID = {("verify", "--trials"), ("verify", "--seed"), ("verify", "--theorem"), ("critical-points", "--widths"),
                ("critical-points", "--seed"), ("critical-points", "--prime"), ("critical-points", "--samples"),
                ("critical-points", "--regularization"), ("symmetry", "--teacher-width"), ("symmetry", "--width")}


def _resolve(value):
    return {"{missing}": os.path.join(WORK, "missing", "out.png"), "{xyz}": os.path.join(WORK, "out.xyz"),
            "{dir}": WORK}.get(value, value)


def _set(argv, option, value):
    argv = list(argv)
    if option in argv:
        argv[argv.index(option) + 1] = value
    elif option == "--data":
        argv = [a for a in argv if a not in ("--target", "2 0; 0 1")] + ["--data", value, value]
    else:
        argv += [option, value]
    return argv


def _valid_int(option, value):
    try:
        v = int(value)
    except ValueError:
        return False
    return v >= 1 if option not in ("--seed", "--max-pieces", "--max-rows") else v >= 0


@st.composite
def mutated_argv(draw):
    name = draw(st.sampled_from(sorted(BASES)))
    argv = BASES[name]
    for _ in range(draw(st.integers(1, 2))):
        option = draw(st.sampled_from(OPTIONS[name]))
        cmd = argv[0]
        value = _resolve(draw(st.one_of(st.sampled_from(GENERIC + PER_OPTION.get(option, [])),
                                        st.text(max_size=10))))
        if (cmd, option) in ONLY_INVALID and (_valid_int(option, value) or (option == "--theorem" and value == "")):
            value = "x"
        argv = _set(argv, option, value)
    if draw(st.booleans()) and draw(st.integers(0, 9)) == 0:
        argv = argv + [draw(st.sampled_from(["--bogus", "-x", "--json", "extra"]))]
    if argv[0] == "verify" and "--list" in argv and draw(st.booleans()):
        argv = [a for a in argv if a != "--list"] + ["--trials", "x"]
    return argv


def run_cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.timeout(240)
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_argv())
def test_cli_fuzz_exit_0_or_2_one_line(argv):
    code, out, err = run_cli(argv)
    COUNTS["cli"] += 1
    assert "Traceback" not in err and "Traceback" not in out
    assert code in (0, 2), (argv, code, err)
    if code == 2:
        COUNTS["cli_exit2"] += 1
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert len(lines) == 1 and "error" in lines[0], (argv, err)
    assert not os.path.exists(SENTINEL)


@pytest.mark.parametrize("argv", [
    ["analyze", "--widths", "2,1,2", "--loss", "polynomial", "--expr", f"__import__('os').system('touch {SENTINEL}')"],
    ["analyze", "--widths", "2,1,2", "--target", BAD_TEXT],
    ["relu-phase", "--n", "0:1000000000", "--width", "2"],
    ["symmetry", "--teacher-width", "2", "--width", "100000000"],
    ["graph", "--widths", "2,1,2", "--target", "2 0; 0 1", "-o", os.path.join(WORK, "missing", "g.png")],
    ["verify", "--seed", "-1"],
], ids=lambda a: " ".join(a[:3]))
def test_cli_subprocess_exit_2_one_line(argv):
    proc = subprocess.run([sys.executable, "-m", "linnet_geometry", *argv], capture_output=True, text=True,
                          timeout=120, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not os.path.exists(SENTINEL)


def test_zz_fuzz_counts(capsys):
    with capsys.disabled():
        print(f"\n[fuzz] parser inputs {COUNTS['parser']} ({COUNTS['parser_rejected']} rejected, typed); CLI argument "
              f"vectors {COUNTS['cli']} ({COUNTS['cli_exit2']} exit 2 with one line)")
