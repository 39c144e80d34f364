"""`python -m benchmarks.map` as a user runs it: a clean table, no Streamlit warning."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_benchmark_prints_named_columns_and_no_streamlit_warning():
    run = subprocess.run([sys.executable, "-m", "benchmarks.map", "--sizes", "20", "--repeat", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "ScriptRunContext" not in run.stderr + run.stdout
    lines = run.stdout.splitlines()
    header = next(line for line in lines if line.split()[:1] == ["events"])
    assert header.split() == ["events", "window", "shown", "rerun", "s", "base", "map", "bytes", "layers+events", "bytes",
                              "timeline", "s"]
    rows = [line.split() for line in lines[lines.index(header) + 1:]]
    assert [row[:3] for row in rows] == [["seed", "events", "all"], ["seed", "events", "2021"],
                                         ["20", "synthetic", "all"], ["20", "synthetic", "2021"]]
    assert rows[2][3] == "20"  # every synthetic event is shown when the window is all dates
