"""The theorem registry: every statement passes, runs are reproducible, failures are reported."""

import concurrent.futures
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from linnet_geometry import LinearNetwork, LinnetError, theorems
from linnet_geometry.cli import main
from linnet_geometry.exceptions import InputTypeError, InvalidArgumentError
from linnet_geometry.references import REFERENCES
from linnet_geometry.verification.theorems import UnknownStatementError, verify

SPECIFICATION = Path(__file__).resolve().parents[2] / "docs" / "specification.rst"  # THEORY, in the repo
NAMES = theorems.names()
TRIALS = 4  # default run; the full 200-trial run is marked slow


# -- registry contents ------------------------------------------------------------------------------
def test_registry_has_at_least_15_statements_spanning_sections_1_to_6():
    assert len(NAMES) >= 15
    sections = {st.section for st in theorems.statements()}
    assert sections == {"§1", "§2", "§3", "§4", "§5", "§6"}


#: the built-in statements in registration order (THEORY order): `names()`, `linnet verify --list`
BUILTIN = ["rank_formula", "maximal_rank_criterion", "functional_space", "filling_criterion",
           "determinantal_variety", "gradient_formula", "pure_spurious_test", "purity_depends_on_image",
           "pure_iff_rank_r", "critical_values", "morse_index", "local_minima_global", "strict_saddles",
           "origin_one_hidden_layer", "origin_deep", "fiber_dimension", "data_reduction", "degenerate_families",
           "spurious_not_local_min", "ed_degree", "filling_convex_no_bad_minima", "sgj_T_closed_form",
           "sgj_G_closed_form", "sgj_one_neuron_connects", "relu_region_jacobian", "relu_full_rank_global",
           "relu_region_count", "relu_wide_full_rank_fraction", "conv_dimension", "conv_filling",
           "conv_parameterization_critical", "conv_stride_membership", "conv_strided_critical_pure",
           "conv_stride_one_spurious_repeated", "conv_complex_count_segre"]


def test_builtin_statements_and_their_order():
    assert NAMES == BUILTIN
    # each statement's generator and check live in the topic module of its section
    topic = {"§1": "dense", "§2": "dense", "§3": "quadratic", "§4": "quadratic", "§5": "symmetry", "§6": "relu"}
    for st in theorems.statements():
        module = "convolutional" if st.key.startswith("conv_") else topic[st.section]
        assert st.generate.__module__ == st.check.__module__ == f"linnet_geometry.verification.theorems.{module}"


def test_registry_imports_without_hypothesis():
    code = ("import sys, linnet_geometry.verification.theorems as t; "
            "print(len(t.names()), 'hypothesis' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(len(BUILTIN)), "False"]


@pytest.mark.parametrize("name", NAMES)
def test_statement_metadata(name):
    st = theorems.get(name)
    assert st.key == name and re.fullmatch(r"[A-Za-z0-9_]+", name)
    assert st.reference in REFERENCES or st.reference == "derived"
    assert st.title and st.routes and " vs " in st.routes  # two routes are named
    assert st.latex.count("{") == st.latex.count("}")
    assert re.fullmatch(r"§[1-6]", st.section)
    # the section exists in the specification (docs/specification.rst, numbered as THEORY)
    assert re.search(rf"^{st.section[1:]}\. .*\n-+$", SPECIFICATION.read_text(encoding="utf-8"), re.MULTILINE)
    d = st.to_dict()
    assert json.loads(json.dumps(d))["key"] == name


# -- every statement passes (modest number of trials) ---------------------------------------------------
def _theorem_params():
    out = []
    for st in theorems.statements():
        out.append(pytest.param(st.key, marks=pytest.mark.theorem(st.reference), id=st.key))
    return out


@pytest.mark.parametrize("name", _theorem_params())
def test_statement_passes(name):
    report = verify(name, trials=TRIALS, seed=11, executor="serial")
    result = report[name]
    assert result.ok, result.counterexample
    assert result.trials == TRIALS and result.passes == TRIALS and result.counterexample is None


@pytest.mark.slow
def test_full_run_200_trials():
    report = verify(trials=200, seed=0)
    assert report.ok, report.table()


def test_numeric_variants_pass_and_say_so():
    numeric = [st.key for st in theorems.statements() if st.numeric]
    assert len(numeric) >= 4
    report = verify(numeric + ["fiber_dimension"], trials=3, seed=2, exact=False, executor="serial")
    assert report.ok, report.table()
    assert {r.mode for r in report if r.key in numeric} == {"numeric"}
    assert report["fiber_dimension"].mode == "exact"  # no numeric variant: said, not faked
    inst = theorems.get("rank_formula").instance(seed=2, trial=0, exact=False)
    assert isinstance(inst["theta"][0], np.ndarray)


# -- reproducibility: serial == processes == any executor -------------------------------------------------
SUBSET = ["rank_formula", "pure_spurious_test", "morse_index", "degenerate_families", "spurious_not_local_min"]


def test_same_seed_same_instances_different_seed_different():
    st = theorems.get("pure_spurious_test")
    a, b = st.instance(seed=5, trial=3), st.instance(seed=5, trial=3)
    assert repr(a["theta"]) == repr(b["theta"]) and repr(a["loss"]) == repr(b["loss"])
    others = [repr(st.instance(seed=s, trial=3)["theta"]) for s in range(6, 12)]
    assert any(o != repr(a["theta"]) for o in others)


def test_serial_equals_process_pool_equals_thread_executor():
    serial = verify(SUBSET, trials=7, seed=3, executor="serial")
    pooled = verify(SUBSET, trials=7, seed=3, max_workers=2)
    with concurrent.futures.ThreadPoolExecutor(3) as ex:
        threaded = verify(SUBSET, trials=7, seed=3, executor=ex)
    assert serial.outcomes() == pooled.outcomes() == threaded.outcomes()
    assert serial.ok


def test_dask_executor_gives_the_serial_result():
    distributed = pytest.importorskip("distributed")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        remote = verify(SUBSET[:2], trials=4, seed=9, executor=client.get_executor())
    assert remote.outcomes() == verify(SUBSET[:2], trials=4, seed=9, executor="serial").outcomes()


# -- a deliberately broken statement is reported with a counterexample -------------------------------------
def _gen_theta(rng, exact=True, max_width=3):
    return theorems.gen_theta(rng, exact, max_depth=3, max_width=max_width)


def _wrong_rank_formula(inst):
    """A plausible but WRONG formula: rank dμ = Σ_j rk(W_{>j}) · rk(W_{<j}) (missing the differences)."""
    from linnet_geometry.exact.matrix import rank

    net, theta = LinearNetwork(inst["widths"]), inst["theta"]
    wrong = sum(rank(L) * rank(R) for L, R in net.partial_products(theta))
    true = rank(net.differential(theta))
    return None if wrong == true else f"Σ rk(W_>j) rk(W_<j) = {wrong} but the Jacobian has rank {true}"


@pytest.fixture
def broken():
    theorems.register("test_wrong_rank_formula", section="§1", title="a wrong rank formula (test only)",
                      reference="derived", latex=r"\sum_j \operatorname{rk} W_{>j}\operatorname{rk} W_{<j}",
                      generate=_gen_theta, check=_wrong_rank_formula, routes="wrong formula vs Jacobian rank")
    yield "test_wrong_rank_formula"
    theorems.unregister("test_wrong_rank_formula")


def test_broken_statement_is_reported_with_a_counterexample(broken):
    report = verify(broken, trials=30, seed=0, executor="serial")
    result = report[broken]
    assert not report.ok and not result.ok and result.failures > 0
    ce = result.counterexample
    assert ce["trial"] == min(k for k in range(30) if theorems.run_trial(theorems.get(broken), 0, k).reason)
    assert "Jacobian has rank" in ce["reason"] and "widths=" in ce["instance"] and "theta=" in ce["instance"]
    # the counterexample is concrete: re-creating the instance reproduces the failure
    inst = theorems.get(broken).instance(seed=0, trial=ce["trial"])
    assert _wrong_rank_formula(inst) == ce["reason"]
    assert "COUNTEREXAMPLE test_wrong_rank_formula" in report.table()
    # same result in worker processes
    assert verify(broken, trials=30, seed=0, max_workers=2).outcomes() == report.outcomes()


def test_cli_exit_1_on_failure(broken, capsys):
    assert main(["verify", "--theorem", broken, "--trials", "20", "--no-progress", "--workers", "1"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "COUNTEREXAMPLE" in out


def test_crashing_check_is_a_failure_not_a_crash():
    def boom(inst):
        raise ZeroDivisionError("division by zero in the check")

    theorems.register("test_crash", section="§1", title="crash", reference="derived", latex="x",
                      generate=_gen_theta, check=boom)
    try:
        rep = verify("test_crash", trials=2, executor="serial")
    finally:
        theorems.unregister("test_crash")
    assert rep["test_crash"].passes == 0
    assert rep["test_crash"].counterexample["reason"].startswith("error: ZeroDivisionError")


# -- typed errors ------------------------------------------------------------------------------------------
def test_typed_errors():
    with pytest.raises(UnknownStatementError) as err:
        verify("no_such_theorem", trials=1)
    assert isinstance(err.value, KeyError) and isinstance(err.value, LinnetError)
    assert "expected one of" in str(err.value) and "no_such_theorem" in str(err.value)
    with pytest.raises(InvalidArgumentError) as err:  # the library's integer validator (checks.check_int)
        verify("rank_formula", trials=0)
    assert "trials is 0" in str(err.value) and "expected an integer ≥ 1" in str(err.value)
    with pytest.raises(InvalidArgumentError):
        verify("rank_formula", trials=2, seed=-1)
    with pytest.raises(InputTypeError):
        verify("rank_formula", trials=True)
    with pytest.raises(InputTypeError):
        verify("rank_formula", trials=2, executor=object())
    with pytest.raises(InputTypeError):
        theorems.register("rank_formula", section="§1", title="t", reference="derived", latex="x",
                          generate=_gen_theta, check=_wrong_rank_formula)  # no silent overwrite


# -- CLI ---------------------------------------------------------------------------------------------------
def test_cli_list(capsys):
    assert main(["verify", "--list"]) == 0
    out = capsys.readouterr().out
    for name in NAMES:
        assert name in out
    assert f"{len(NAMES)} statements" in out
    assert main(["verify", "--list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["key"] for d in data] == NAMES


def test_cli_json_and_table(capsys):
    assert main(["verify", "--theorem", "rank_formula", "--theorem", "fiber_dimension", "--trials", "3",
                 "--json", "--no-progress", "--workers", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and [s["key"] for s in data["statements"]] == ["rank_formula", "fiber_dimension"]
    assert all(s["trials"] == 3 and s["passes"] == 3 and s["counterexample"] is None for s in data["statements"])
    assert main(["verify", "--theorem", "rank_formula", "--trials", "2", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "rank_formula" in out and "ok" in out and "time [s]" in out


@pytest.mark.parametrize("argv", [["--theorem", "nope"], ["--trials", "0"], ["--trials", "x"], ["--seed", "-1"],
                                  ["--workers", "0"]])
def test_cli_bad_arguments_exit_2_one_line(argv, capsys):
    assert main(["verify", *argv, "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err and "Traceback" not in err


def test_console_script_progress_bar_and_exit_status():
    proc = subprocess.run([sys.executable, "-m", "linnet_geometry.cli", "verify", "--theorem", "rank_formula",
                           "--trials", "3"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "rank_formula" in proc.stdout and "Traceback" not in proc.stderr
