"""Use linnet_geometry's theorem registry and hypothesis strategies inside your own pytest suite.

A researcher who builds on linear-network theory wants their claims checked
the way the library checks its own: exact random instances, properties over
many of them, and the library's registry of proved statements as a regression
net.  This script writes such a suite into ``--out`` and runs pytest on it:

* ``test_my_linear_networks.py`` — property tests written with the strategies
  of :mod:`linnet_geometry.verification.testing` (``architectures``, ``generic_targets``,
  ``exact_thetas``) and its assertions (``assert_locus_consistent``,
  ``assert_critical``), plus one test per statement of the theorem registry
  :mod:`linnet_geometry.verification.theorems` (when that module is installed);
* ``test_false_claim.py`` — a plausible but *false* claim ("every critical
  point of a quadratic loss is pure"), to show that hypothesis finds and
  shrinks a counterexample: that run is expected to fail;
* ``own_test_suite_pytest.txt`` — the output of both pytest runs.

The script exits non-zero unless the first suite passes and the false claim
is caught.

Run: ``python examples/own_test_suite.py --out out``  (``--fast``: fewer hypothesis examples and trials).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap

SUITE = '''\
"""My research code's tests, built on linnet_geometry.verification.testing and linnet_geometry.verification.theorems."""

import pytest
import sympy
from hypothesis import given, settings, strategies as st

from linnet_geometry import LinearNetwork, QuadraticLoss, classify, critical_locus
from linnet_geometry.verification.testing import (
    architectures,
    assert_critical,
    assert_locus_consistent,
    exact_thetas,
    generic_targets,
)

EXAMPLES = {examples}
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None)


@SETTINGS
@given(generic_targets(3, 3))
def test_my_autoencoder_has_no_bad_minima(U):
    """My (3, 2, 3) autoencoder: THEORY §3 holds on every exact generic target (EY1936, TKB2020)."""
    locus = critical_locus(LinearNetwork((3, 2, 3)), QuadraticLoss(U))
    assert_locus_consistent(locus)          # kinds, values, representatives, roles
    assert [s.support for s in locus.strata if s.role == "global_min"] == [(1, 2)]


@SETTINGS
@given(st.data())
def test_rank_of_the_differential(data):
    """The closed-form rank of dμ equals the rank of the Jacobian, on random rank-deficient θ (TKB2020)."""
    widths = data.draw(architectures(max_depth=3, max_width=3))
    theta = data.draw(exact_thetas(widths))
    net = LinearNetwork(widths)
    assert net.differential_rank(theta) == net.differential(theta).rank()


@SETTINGS
@given(architectures(max_depth=2, max_width=3, filling=True), st.data())
def test_filling_networks_every_representative_is_critical(widths, data):
    """Filling networks: each stratum's representative is critical, and only the global one is a minimum."""
    U = data.draw(generic_targets(widths[-1], widths[0]))
    net, loss = LinearNetwork(widths), QuadraticLoss(U)
    for stratum in critical_locus(net, loss).strata:
        report = assert_critical(net, loss, stratum.representative)
        assert report.kind == stratum.kind
        assert report.role != "local_min"


def test_the_spurious_origin_of_the_scalar_network():
    """A fixed, exact example: θ = 0 on d = (1, 1, 1) is a spurious strict saddle."""
    report = classify(LinearNetwork((1, 1, 1)), QuadraticLoss([[1]]), [[[0]], [[0]]])
    assert (report.kind, report.role, report.hessian_inertia) == ("spurious", "strict_saddle", (1, 1, 0))
{registry}'''

REGISTRY_TESTS = '''

# -- the library's theorem registry as a regression net for my environment ---------------------
theorems = pytest.importorskip("linnet_geometry.verification.theorems")


@pytest.mark.parametrize("name", theorems.names())
def test_registry_statement(name):
    """Each registered statement of THEORY.md passes on fresh seeded random instances."""
    report = theorems.verify(name, trials={trials}, seed=1, executor="serial")
    assert report.ok, report[name].counterexample


# -- my own statement, registered beside the library's ------------------------------------------
def _generate_target(rng, exact=True, size=3):
    rows, cols = (int(k) for k in rng.integers(1, size + 1, size=2))
    return {{"widths": (cols, int(rng.integers(1, size + 1)), rows),
            "U": sympy.Matrix(rows, cols, [int(x) for x in rng.integers(-3, 4, size=rows * cols)])}}


def _check_origin_value(instance):
    """The empty stratum (θ = 0) has value ‖U‖²: theory locus vs a direct sum of squares."""
    locus = critical_locus(LinearNetwork(instance["widths"]), QuadraticLoss(instance["U"]))
    direct = sum(x**2 for x in instance["U"])
    empty = [s for s in locus.strata if s.support == ()]
    if instance["U"].is_zero_matrix:
        return None
    if len(empty) != 1 or sympy.simplify(empty[0].value - direct) != 0:
        return f"U = {{instance['U'].tolist()}}: empty stratum {{empty}} but ‖U‖² = {{direct}}"
    return None


@pytest.fixture
def my_statement():
    theorems.register("my_origin_value", section="mine", title="value of θ = 0", reference="derived",
                      latex=r"L(0) = \\|U\\|_F^2", generate=_generate_target, check=_check_origin_value,
                      replace=True)
    yield "my_origin_value"
    theorems.unregister("my_origin_value")


def test_my_registered_statement(my_statement):
    report = theorems.verify(my_statement, trials={trials}, seed=7, executor="serial")
    assert report.ok and report[my_statement].passes == {trials}, report
'''

FALSE_CLAIM = '''\
"""A plausible but false claim: hypothesis must find a counterexample (this run is expected to FAIL)."""

from hypothesis import Phase, given, settings

from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
from linnet_geometry.verification.testing import generic_targets


@settings(max_examples={examples}, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate, Phase.shrink])
@given(generic_targets(2, 2))
def test_every_critical_point_is_pure(U):
    """False: on the non-filling (2, 1, 2) network θ = 0 is always a spurious critical point (TKB2020)."""
    locus = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss(U))
    assert all(stratum.kind == "pure" for stratum in locus.strata), locus.table()
'''


def registry_block(trials):
    """Tests over the theorem registry, when :mod:`linnet_geometry.verification.theorems` exists."""
    try:
        import linnet_geometry.verification.theorems  # noqa: F401
    except ImportError:
        return "\n\n# linnet_geometry.verification.theorems is not installed: no registry tests.\n"
    return REGISTRY_TESTS.format(trials=trials)


def run_pytest(path, cwd):
    with tempfile.TemporaryDirectory() as storage:  # hypothesis' own files stay out of the output folder
        env = dict(os.environ, HYPOTHESIS_STORAGE_DIRECTORY=storage)
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", os.path.basename(path)],
                              cwd=cwd, env=env, capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="output folder (default: ./out)")
    parser.add_argument("--fast", action="store_true", help="fewer hypothesis examples and registry trials")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    examples, trials = (8, 3) if args.fast else (40, 20)

    # pytest.ini in the output folder makes it its own rootdir (the library's config stays out of it)
    with open(os.path.join(args.out, "pytest.ini"), "w", encoding="utf-8") as fh:
        fh.write("[pytest]\naddopts = -p no:cacheprovider -p no:benchmark\n")
    suite = os.path.join(args.out, "test_my_linear_networks.py")
    with open(suite, "w", encoding="utf-8") as fh:
        fh.write(SUITE.format(examples=examples, registry=registry_block(trials)))
    false_claim = os.path.join(args.out, "test_false_claim.py")
    with open(false_claim, "w", encoding="utf-8") as fh:
        fh.write(FALSE_CLAIM.format(examples=examples))

    code_ok, log_ok = run_pytest(suite, args.out)
    code_bad, log_bad = run_pytest(false_claim, args.out)
    # hypothesis reports the shrunk counterexample as "Falsifying example" (older) or "Failing test case" (newer)
    caught = code_bad == 1 and ("Falsifying example" in log_bad or "Failing test case" in log_bad)
    report = [f"$ python -m pytest -q {os.path.basename(suite)}   (exit {code_ok})", log_ok.rstrip(), "",
              f"$ python -m pytest -q {os.path.basename(false_claim)}   (exit {code_bad}; expected to fail)",
              log_bad.rstrip(), "",
              f"own suite passed: {code_ok == 0}; false claim caught with a counterexample: {caught}"]
    with open(os.path.join(args.out, "own_test_suite_pytest.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(report) + "\n")
    print(textwrap.indent(log_ok.strip().splitlines()[-1], "own suite:   "))
    print(textwrap.indent(log_bad.strip().splitlines()[-1], "false claim: "))
    print(f"wrote {suite}, {false_claim} and {os.path.join(args.out, 'own_test_suite_pytest.txt')}")
    if code_ok != 0 or not caught:
        print(log_ok if code_ok else log_bad, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
