"""The main job: ``linnet analyze``."""

import json
import subprocess
import sys

import numpy as np
import pytest

from linnet_geometry.cli import main


def test_default_runs_and_prints_table(capsys):
    assert main(["analyze"]) == 0
    out = capsys.readouterr().out
    assert "widths (3, 2, 3)" in out and "global_min" in out and "spurious" in out
    assert out.count("pure") >= 3


def test_json_has_everything(capsys):
    assert main(["analyze", "--widths", "2,1,2", "--target", "2 0; 0 1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["num_strata"] == 3 and data["global_minimum_value"] == "1"
    assert {s["value"] for s in data["strata"]} == {"5", "4", "1"}
    assert {s["kind"] for s in data["strata"]} == {"pure", "spurious"}


def test_files_and_data(tmp_path, capsys):
    np.save(tmp_path / "u.npy", np.diag([3, 2, 1]))
    assert main(["analyze", "--target", str(tmp_path / "u.npy")]) == 0
    (tmp_path / "x.csv").write_text("1,0,1\n0,1,1\n1,1,0\n")
    (tmp_path / "y.csv").write_text("1,2,3\n0,1,0\n1,1,1\n")
    assert main(["analyze", "--data", str(tmp_path / "x.csv"), str(tmp_path / "y.csv")]) == 0
    assert "least squares" in capsys.readouterr().out


@pytest.mark.parametrize("argv,needle", [
    (["analyze", "--widths", "3,x,3"], "--widths"),
    (["analyze", "--widths", "3,0,3"], "widths[1]"),
    (["analyze", "--target", "1 2; 3"], "rows have different lengths"),
    (["analyze", "--widths", "2,1,2", "--target", "1 2 3; 4 5 6"], "expected (2, 2)"),
    (["analyze", "--data", "1 2; 2 4", "1 1"], "singular"),
    (["analyze", "--target", "nan 1 0; 0 1 0; 0 0 1"], "nan"),
])
def test_bad_input_exit_2_one_line(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_console_script():
    out = subprocess.run([sys.executable, "-m", "linnet_geometry.cli", "analyze", "--numeric"],
                         capture_output=True, text=True, check=True).stdout
    assert "numeric path" in out
