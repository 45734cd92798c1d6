"""``presidium class cast`` and ``class sheets``: the deal, and the handouts on paper.

The page counts are checked the way a teacher would meet them: the HTML is printed to PDF by a
headless Chromium and the pages are counted (skipped, saying why, where no Chromium is found).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, compile_yaml, mutate, run_cli
from presidium.classroom import paper, sheets
from presidium.compiler import load_scenario
from presidium.model import Scenario
from presidium.seating import benches

BUNDLED = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
HOSTILE = "<script>alert(1)</script> *bold* [x] a|b"


# --------------------------------------------------------------------------- the command line


def test_a_scenario_without_roles_says_to_use_benches() -> None:
    code, out, err = run_cli(["class", "cast", "october_1964", "--students", "5"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "has no roles" in err and "--benches" in err


def test_students_are_needed_without_benches() -> None:
    for verb in ("cast", "sheets"):
        code, _, err = run_cli(["class", verb, "october_1964"])
        assert code == 2 and "--students" in err and "--benches" in err


def test_too_few_students_for_the_benches() -> None:
    code, _, err = run_cli(["class", "cast", "october_1964", "--benches", "--students", "1"])
    assert code == 2 and "at least 2 students" in err


def test_sheets_refuse_an_unknown_file_type_before_reading_the_scenario(tmp_path: Path) -> None:
    target = tmp_path / "sheets.pdf"
    code, _, err = run_cli(["class", "sheets", "no_such", "--benches", "-o", str(target)])
    assert code == 2 and "Markdown (.md) or HTML (.html)" in err and not target.exists()


def test_sheets_refuse_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out.html"
    folder.mkdir()
    code, _, err = run_cli(["class", "sheets", "june_1957", "--benches", "-o", str(folder)])
    assert code == 2 and "is a folder" in err


@pytest.mark.parametrize("scenario", BUNDLED)
def test_benches_work_for_every_bundled_scenario(scenario: str, tmp_path: Path) -> None:
    code, out, err = run_cli(["class", "cast", scenario, "--benches", "--students", "9"])
    assert code == 0 and err == ""
    assert "Benches: 9 students in 2 benches" in out
    sizes = re.findall(r"^\S+ +.+? +(\d+)$", out, re.MULTILINE)
    assert sorted(map(int, sizes)) == [4, 5]
    for name in ("sheets.md", "sheets.html"):
        target = tmp_path / name
        code, out, err = run_cli(
            ["class", "sheets", scenario, "--benches", "--students", "9", "-o", str(target)]
        )
        assert code == 0 and err == ""
        assert out.startswith("Wrote 2 bench sheets and the teacher's run sheet to ")
        text = target.read_text(encoding="utf-8")
        assert "5 students sit on this bench" in text and "4 students sit on this bench" in text


def test_sheets_go_to_standard_output_as_markdown() -> None:
    code, out, _ = run_cli(["class", "sheets", "june_1957", "--benches"])
    assert code == 0 and out.startswith("# Handouts: The Anti-Party Group: Moscow, June 1957\n")
    assert "sit on this bench" not in out  # no class size given: no bench sizes invented


# --------------------------------------------------------------------------- benches content


@pytest.fixture(scope="module")
def june_benches() -> sheets.Handouts:
    scenario, _ = load_scenario(ROOT / "scenarios" / "june_1957.yaml", "june_1957.yaml")
    return sheets.build(scenario, benches(scenario, 11))


def test_a_bench_sheet_has_the_sides_goal_and_its_decisions(june_benches: sheets.Handouts) -> None:
    first, second = june_benches.benches
    assert (first.name, first.leader, first.students) == (
        "Khrushchev's side (bench)",
        "Nikita Khrushchev",
        6,
    )
    assert first.goal.startswith("Survive.") and second.students == 5
    ambush = first.decisions[0]
    assert (ambush.when, ambush.title) == ("Tuesday 18 June 1957", "The ambush")
    assert ambush.choices[0].startswith("Refuse: only the Central Committee")
    md = paper.markdown(june_benches)
    assert "- Tuesday 18 June 1957, **The ambush**: They want you out. What do you say?\n" in md
    assert "  - Refuse: only the Central Committee, which elected the First Secretary" in md


def test_the_benches_run_sheet_leaves_out_the_role_words(june_benches: sheets.Handouts) -> None:
    md = paper.markdown(june_benches)
    run = md[md.index("## The teacher's run sheet") :]
    assert "| `khrushchev` | Khrushchev's side (bench) | 6 students |" in run
    assert "`hands N N ...`" in run and "`move ROLE MOVE [TARGET]`" not in run
    assert "No student votes: the scenario's rules decide it." in run
    assert "### Content notes" in run


# --------------------------------------------------------------------------- escaping


def hostile_scenario() -> Scenario:
    text = mutate('goal: "Get the Central Committee into the room."', f'goal: "{HOSTILE}"')
    text = text.replace('name: "Khrushchev\'s side"', f'name: "{HOSTILE}"', 1)
    scenario, found = compile_yaml(text, "hostile.yaml")
    assert scenario is not None, [d.format() for d in found]
    return scenario


def test_scenario_text_shows_literally_in_html_and_markdown() -> None:
    handouts = sheets.build(hostile_scenario(), benches(hostile_scenario(), 4))
    page = paper.html(handouts)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; *bold* [x] a|b" in page
    md = paper.markdown(handouts)
    assert "<script>" not in md
    assert r"\<script\>alert(1)\</script\> \*bold\* \[x\] a\|b" in md
    # inside a table the pipe stays one cell
    assert r"| `khrushchev` | \<script\>alert(1)\</script\> \*bold\* \[x\] a\|b (bench) |" in md


# --------------------------------------------------------------------------- printing


def chromium() -> str | None:
    """A headless Chromium to print with: $PRESIDIUM_CHROMIUM, Debian's headless shell (the
    binary itself: /usr/bin's wrapper does not exec, so killing it would leave the browser
    running), or a Chromium on PATH."""
    candidates = [
        os.environ.get("PRESIDIUM_CHROMIUM"),
        "/usr/lib/chromium/chromium-headless-shell",
        shutil.which("chromium-headless-shell"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


BROWSER = chromium()
needs_browser = pytest.mark.skipif(
    BROWSER is None,
    reason="no headless Chromium found (install chromium-headless-shell, or set PRESIDIUM_CHROMIUM)",
)


def print_pages(page: str, folder: Path, name: str = "sheets") -> int:
    """Print ``page`` to PDF as a teacher's browser would, and count the pages."""
    assert BROWSER is not None
    html_file, pdf_file = folder / f"{name}.html", folder / f"{name}.pdf"
    html_file.write_text(page, encoding="utf-8")
    command = [
        BROWSER,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        f"--user-data-dir={folder / 'profile'}",
        f"--print-to-pdf={pdf_file}",
        "--no-pdf-header-footer",
        html_file.as_uri(),
    ]
    browser = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        browser.wait(timeout=120)
    finally:
        if browser.poll() is None:
            os.killpg(browser.pid, signal.SIGKILL)
            browser.wait()
    data = pdf_file.read_bytes()
    return len(re.findall(rb"/Type\s*/Page\b", data))


@pytest.mark.browser
@needs_browser
def test_a_bench_sheet_prints_as_pages(june_benches: sheets.Handouts, tmp_path: Path) -> None:
    assert print_pages(paper.html(june_benches), tmp_path) >= 3
