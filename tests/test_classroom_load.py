"""The classroom load benchmark still runs: a class of three phones and one ballot against a
real ``presidium class serve``. Its timings are the benchmark's business, never asserted here;
what is checked is that the class was played and every phone saw every event it may see."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def test_the_load_benchmark_plays_a_tiny_class() -> None:
    command = [sys.executable, str(ROOT / "benchmarks" / "classroom_load.py")]
    command += ["--phones", "3", "--ballots", "1", "--no-pin", "--time-limit", "60", "--json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    (run,) = json.loads(done.stdout)["runs"]
    assert run["failure"] == "" and run["ballots"] == 1
    assert run["vote_answers"].get("200", 0) >= 1
    assert run["deliveries"] > 0 and run["unattributed_events"] == 0
    assert run["returned_phones"] >= 1
    assert run["returned_complete"] == run["returned_phones"]
    assert run["all_phones_complete"] == 3
    assert {t["figure"] for t in run["targets"]} >= {"returned_complete_pct"}
