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


def test_perf_samples_are_counted_by_module_and_function_within_the_ballots() -> None:
    """``--perf``'s breakdown from ``perf script``'s text: only the samples inside a ballot
    round count; each is charged to its innermost Python function, by package (presidium's by
    file), and a sample with no Python frame to the kernel or to native code."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import classroom_load
    finally:
        sys.path.pop(0)
    site = "/venv/lib/python3.12/site-packages"

    def sample(at: float, *frames: str) -> str:
        return f"python 41 {at:.6f}:     500000 cpu-clock: \n" + "".join(
            f"\t    7f00 {frame}\n" for frame in frames
        )

    script = "\n".join(
        [
            sample(9.5, f"py::Connection.send:{site}/h11/_connection.py+0x5 (/tmp/perf-41.map)"),
            sample(10.1, f"py::Connection.send:{site}/h11/_connection.py+0x5 (/tmp/perf-41.map)"),
            sample(
                10.2,
                "_PyEval_EvalFrameDefault+0x4a51 (/usr/lib/libpython3.12.so.1.0)",
                f"py::Classroom._chunk:{site}/presidium/web/classroom.py+0x5 (/tmp/perf-41.map)",
                f"py::Hub._wake:{site}/presidium/web/app.py+0x5 (/tmp/perf-41.map)",
            ),
            sample(10.3, "py::select:/usr/lib/python3.12/selectors.py+0x5 (/tmp/perf-41.map)"),
            sample(10.4, "ffffffff do_syscall_64+0x40 ([kernel.kallsyms])"),
            sample(12.0, f"py::Classroom.act:{site}/presidium/web/classroom.py+0x5 (x)"),
        ]
    )
    shares = classroom_load.perf_shares(script, [(10.0, 11.0)])
    assert shares["samples"] == 4
    assert dict(shares["modules_pct"]) == {
        "h11": 25.0,
        "presidium/web/classroom.py": 25.0,
        "selectors.py": 25.0,
        "kernel": 25.0,
    }
    assert dict(shares["functions_pct"])["Classroom._chunk (classroom.py)"] == 25.0
    assert "Classroom.act (classroom.py)" not in dict(shares["functions_pct"])
    assert classroom_load.perf_shares(script, [(20.0, 21.0)])["samples"] == 0
