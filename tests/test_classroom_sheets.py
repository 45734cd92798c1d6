"""``presidium class cast`` and ``class sheets``: the deal, and the handouts on paper.

The page counts are checked the way a teacher would meet them: the HTML is printed to PDF by a
headless Chromium and the pages are counted (skipped, saying why, where no Chromium is found).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from browser_helpers import BROWSER, NO_BROWSER, needs_browser
from conftest import GOLDEN, ROOT, compile_yaml, docs_example, matches_golden, mutate, run_cli
from presidium.classroom import paper, sheets
from presidium.compiler import load_scenario
from presidium.model import Scenario
from presidium.seating import benches, cast

BUNDLED = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
HOSTILE = "<script>alert(1)</script> *bold* [x] a|b"
FIXTURE = ROOT / "tests" / "fixtures" / "classroom.yaml"


@pytest.fixture(scope="module")
def door() -> Scenario:
    scenario, _ = load_scenario(FIXTURE, "classroom.yaml")
    return scenario


# --------------------------------------------------------------------------- the command line


def test_a_scenario_without_roles_says_to_use_benches(tmp_path: Path) -> None:
    plain = tmp_path / "door.yaml"
    plain.write_text(docs_example(), encoding="utf-8")  # format 1: no roles
    code, out, err = run_cli(["class", "cast", str(plain), "--students", "5"])
    assert code == 2 and out == ""
    assert err == (
        "presidium: scenario 'sverdlov_door' has no roles to deal; play it with --benches, "
        "which needs none\n"
    )
    code, out, _ = run_cli(["class", "cast", str(plain), "--benches", "--students", "5"])
    assert code == 0 and "Benches: 5 students in 2 benches" in out


@pytest.mark.parametrize("students", ["2", "9"])
def test_a_class_size_outside_the_range_is_a_usage_error(students: str) -> None:
    code, out, err = run_cli(["class", "cast", str(FIXTURE), "--students", students])
    assert (code, out) == (2, "")
    assert err == (
        f"presidium: scenario 'classroom_door' has roles for 3 to 8 students, not {students}; "
        "or play with --benches\n"
    )


def test_the_deal_as_a_table() -> None:
    code, out, err = run_cli(["class", "cast", str(FIXTURE), "--students", "6"])
    assert (code, err) == (0, "")
    assert out.startswith(
        "At the Door, in Class (classroom_door)\n"
        "The deal for 6 students (this scenario seats 3 to 8).\n\n"
        "#   seat          person and office                  side                  votes\n"
        "1   khrushchev    Nikita Khrushchev                  Khrushchev's side     1\n"
        "                  First Secretary\n"
    )
    assert "3   bulganin      Nikolai Bulganin                   undecided             1 2\n" in out
    assert "6   cc_member#1   Member of the Central Committee 1  undecided             1\n" in out
    assert "cc_member#2" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert (
        "1. Receive the members? (secret, Friday 21 June 1957): students: Nikita\n"
        "   Khrushchev, Vyacheslav Molotov, Nikolai Bulganin, Anastas Mikoyan, Georgy\n"
        "   Malenkov, Member of the Central Committee 1; the script votes for 1 more.\n"
    ) in out
    assert (
        "2. A straw poll of the corridor (counterfactual; simultaneous, only if the\n"
        "   teacher calls it): students: Nikolai Bulganin; the script votes for 1 more.\n"
    ) in out
    assert out.endswith(
        "The script plays Kliment Voroshilov.\nStudents may argue with Kliment Voroshilov.\n"
    )


def test_students_are_needed_without_benches() -> None:
    for verb in ("cast", "sheets"):
        code, _, err = run_cli(["class", verb, "june_1957"])
        assert code == 2 and "--students" in err and "--benches" in err


def test_too_few_students_for_the_benches() -> None:
    code, _, err = run_cli(["class", "cast", "june_1957", "--benches", "--students", "1"])
    assert code == 2 and "at least 2 students" in err


def test_sheets_refuse_an_unknown_file_type_before_reading_the_scenario(tmp_path: Path) -> None:
    target = tmp_path / "sheets.pdf"
    code, _, err = run_cli(["class", "sheets", "no_such", "--benches", "-o", str(target)])
    assert code == 2 and "Markdown (.md) or HTML (.html)" in err and not target.exists()


def test_a_broken_scenario_is_reported_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(FIXTURE.read_text(encoding="utf-8").replace("priority: 3", "priority: x"))
    code, out, err = run_cli(["class", "sheets", str(broken), "--students", "4"])
    assert (code, out) == (1, "")
    assert re.search(r"broken\.yaml:\d+:\d+: error: ", err)


def test_a_file_that_cannot_be_written_is_reported(tmp_path: Path) -> None:
    (tmp_path / "plain_file").write_text("")
    target = tmp_path / "plain_file" / "class.html"
    code, _, err = run_cli(["class", "sheets", str(FIXTURE), "--students", "4", "-o", str(target)])
    assert code == 1 and err.startswith("presidium: cannot write the handouts to ")
    assert err.count("\n") == 1


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


# --------------------------------------------------------------------------- role sheets


def test_the_markdown_handouts_match_the_golden_file() -> None:
    code, out, err = run_cli(["class", "sheets", str(FIXTURE), "--students", "8"])
    assert (code, err) == (0, "")
    matches_golden(out, GOLDEN / "classroom_sheets_8.md", "the handouts")


def test_a_role_sheet_says_everything_the_role_may_use(door: Scenario) -> None:
    handouts = sheets.build(door, cast(door, 8))
    bulganin = next(s for s in handouts.roles if s.seat == "bulganin")
    assert (bulganin.name, bulganin.office, bulganin.rank, bulganin.team) == (
        "Nikolai Bulganin",
        "Chairman of the Council of Ministers",
        "You vote",
        "undecided",
    )
    assert tuple(b.words() for b in bulganin.ballots) == (
        "\u201cReceive the members?\u201d (Friday 21 June 1957): yes (secret ballot)",
        "\u201cA straw poll of the corridor (counterfactual)\u201d (only if the teacher calls it): "
        "yes (simultaneous)",
    )
    assert bulganin.knows == ()  # the only thing he knows is sealed until the count
    assert bulganin.envelopes == ("\u201cThe Presidium decides\u201d (Friday 21 June 1957)",)
    (move,) = bulganin.moves
    assert move.terms == ("a 50% chance of success", "only you and the teacher learn the outcome")
    assert move.effects == "If it works: The hall's lean towards Khrushchev up by 10."
    assert move.typed == "move bulganin sound_out_the_hall" and move.counterfactual
    mikoyan = next(s for s in handouts.roles if s.seat == "mikoyan")
    assert mikoyan.teammates == ("Nikita Khrushchev",)
    assert mikoyan.moves[0].terms[:2] == (
        "up to 2 times a game",
        "name a person no student plays who can be persuaded",
    )
    assert any("In this class: Kliment Voroshilov." in a for a in mikoyan.actions)
    member = next(s for s in handouts.roles if s.seat == "cc_member#2")
    assert member.name == "Member of the Central Committee 2" and member.rank == "You vote"
    assert member.sources == (
        ("furtseva_bio", "Ekaterina Furtseva. Zhenshchina vo vlasti (biography)", "B"),
    )


def test_a_hidden_team_stays_off_the_other_sheets(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    text = text.replace(
        "    side: khrushchev\n    priority: 4\n",
        "    side: khrushchev\n    hidden: true\n    priority: 4\n",
    )
    assert "hidden: true" in text
    scenario, found = compile_yaml(text, "hidden.yaml")
    assert scenario is not None, [d.format() for d in found]
    handouts = sheets.build(scenario, cast(scenario, 5))
    by_seat = {s.seat: s for s in handouts.roles}
    assert by_seat["khrushchev"].teammates == ()
    assert by_seat["mikoyan"].team == "Khrushchev's side"  # a student knows their own team
    assert by_seat["mikoyan"].teammates == ("Nikita Khrushchev",)
    who = {w.name: w.team for w in handouts.who}
    assert who["Anastas Mikoyan"] == "-" and who["Nikita Khrushchev"] == "Khrushchev's side"


def test_envelopes_cards_and_slips_follow_the_votes(door: Scenario) -> None:
    handouts = sheets.build(door, cast(door, 5))
    (envelope,) = handouts.envelopes
    assert (envelope.seat, envelope.number, envelope.of) == ("bulganin", 1, 1)
    assert envelope.fact.label == "counterfactual: invented for the game"
    # the straw poll is simultaneous: Bulganin is its only voter with a seat
    assert [c.name for c in handouts.cards] == ["Nikolai Bulganin"]
    # the secret ballot: 5 seated voters, and a page of slips holds 8
    assert [(s.voters, s.count) for s in handouts.slips] == [(5, 8)]
    assert (handouts.card_pages, handouts.slip_pages) == (1, 1)


def test_the_run_sheet_has_the_answer_key_and_every_class_size(door: Scenario) -> None:
    run = sheets.build(door, cast(door, 4)).run
    assert [(c.seat, c.dealt, c.here) for c in run.casting] == [
        ("khrushchev", "from 3 students", True),
        ("molotov", "from 3 students", True),
        ("bulganin", "from 3 students", True),
        ("mikoyan", "from 4 students", True),
        ("malenkov", "from 5 students", False),
        ("cc_member#1", "from 6 students", False),
        ("cc_member#2", "from 7 students", False),
        ("cc_member#3", "from 8 students", False),
    ]
    assert [(a.start, a.end, a.label) for a in run.agenda] == [
        (0, 10, "Act I: the door"),
        (10, 25, "Act II: the count"),
    ]
    names = [(name, note) for name, note, _ in run.answers]
    assert ("Georgy Malenkov", "not dealt in this class") in names
    khrushchev = dict((name, objectives) for name, _, objectives in run.answers)[
        "Nikita Khrushchev"
    ]
    assert khrushchev[0].when == "ending == 'plenum_called'"
    assert khrushchev[0].failed == "The door stayed shut. Which ballot cost you the room?"
    assert run.content_notes == ("Test scenario; the numbers are invented for the game.",)
    md = paper.markdown(sheets.build(door, cast(door, 4)))
    assert "|  | `rate [REQUEST] N` | rate an argument from 1 (weak) to 5 (strong) |" in md
    assert "| the floor | `move ROLE MOVE [TARGET]` |" in md
    assert "- `inject konev_speaks`: **Marshal Konev speaks for the army**" in md


# --------------------------------------------------------------------------- benches content


@pytest.fixture(scope="module")
def june_benches() -> sheets.Handouts:
    scenario, _ = load_scenario(ROOT / "scenarios" / "june_1957.yaml", "june_1957.yaml")
    return sheets.build(scenario, benches(scenario, 11))


def test_the_june_1957_run_sheet_casts_every_class_size(june_1957: Scenario) -> None:
    run = sheets.build(june_1957, cast(june_1957, 12)).run
    assert [c.dealt for c in run.casting][4:] == [f"from {n} students" for n in range(5, 26)]
    assert [c.here for c in run.casting] == [True] * 12 + [False] * 13


def test_a_bench_sheet_has_the_sides_goal_and_its_decisions(june_benches: sheets.Handouts) -> None:
    first, second = june_benches.benches
    assert (first.name, first.leader, first.students) == (
        "Khrushchev's side (bench)",
        "Nikita Khrushchev",
        6,
    )
    assert first.goal.startswith("Survive.") and second.students == 5
    scenario, _ = load_scenario(ROOT / "scenarios" / "june_1957.yaml", "june_1957.yaml")
    for bench, side in ((first, "khrushchev"), (second, "molotov")):
        decided = [p.title for p in scenario.phases.values() if p.by == side and p.choices]
        assert [d.title for d in bench.decisions] == decided  # every one, in story order
    ambush = first.decisions[0]
    assert (ambush.when, ambush.title) == ("Tuesday 18 June 1957", "The ambush")
    days = [day for day, _ in first.days()]
    assert days[:2] == ["Tuesday 18 June 1957", "Wednesday 19 June 1957"]
    assert len(days) == len(set(days))  # a day's decisions together, under it once
    md = paper.markdown(june_benches)
    assert (
        "**Tuesday 18 June 1957**\n\n- **The ambush**: They want you out. What do you say?\n"
    ) in md
    # a title that is a question of its own is not followed by a colon
    assert (
        "- **Thursday night: what will Khrushchev offer?** What do you offer, and to whom?\n" in md
    )


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


def test_role_text_shows_literally_in_html_and_markdown(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    for old in (
        '"Chairman of the Council of Ministers. Both camps need your vote."',
        '"End on the winning side."',
        '"Sound out the members in the corridor"',
        '"Voroshilov has told you he will vote against, whatever is said."',
        '"Why did the members at the door matter, if they had no vote in the Presidium?"',
    ):
        assert old in text
        text = text.replace(old, f'"{HOSTILE}"')
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(text, encoding="utf-8")
    for target, shown in (
        ("sheets.html", "&lt;script&gt;alert(1)&lt;/script&gt; *bold* [x] a|b"),
        ("sheets.md", r"\<script\>alert(1)\</script\> \*bold\* \[x\] a\|b"),
    ):
        code, _, err = run_cli(
            ["class", "sheets", str(hostile), "--students", "8", "-o", str(tmp_path / target)]
        )
        assert (code, err) == (0, "")
        written = (tmp_path / target).read_text(encoding="utf-8")
        assert "<script>" not in written
        # the brief, an objective (on the sheet and in the answer key), a move, an envelope
        # and a reflection question
        assert written.count(shown) >= 6, target


# --------------------------------------------------------------------------- printing


def print_pages(page: str, folder: Path, name: str = "sheets") -> int:
    """Print ``page`` to PDF as a teacher's browser would, and count the pages."""
    assert BROWSER is not None, NO_BROWSER
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
@pytest.mark.parametrize("size", ["a4", "letter"])
def test_each_part_prints_on_the_pages_it_promises(
    door: Scenario, tmp_path: Path, size: str
) -> None:
    """One page a role sheet, one for the who's-who, one a sealed envelope, one for every four
    sets of vote cards and every eight ballot slips; the run sheet follows, as long as it is."""
    handouts = sheets.build(door, cast(door, 8), size)
    pages = {
        part: print_pages(paper.html(handouts, [part]), tmp_path, part) for part in paper.PARTS
    }
    assert pages == {
        "sheets": 8,
        "who": 1,
        "envelopes": 1,
        "cards": handouts.card_pages,
        "slips": handouts.slip_pages,
        "run": pages["run"],
    }
    assert handouts.card_pages == handouts.slip_pages == 1 and pages["run"] >= 1
    assert print_pages(paper.html(handouts), tmp_path) == sum(pages.values())


@pytest.mark.browser
@needs_browser
@pytest.mark.parametrize("size", ["a4", "letter"])
def test_every_role_sheet_fits_one_page_of_either_paper(
    door: Scenario, tmp_path: Path, size: str
) -> None:
    handouts = sheets.build(door, cast(door, 8), size)
    page = paper.html(handouts, ["sheets"])
    assert f"size: {sheets.PAPER[size][0]};" in page
    assert print_pages(page, tmp_path) == len(handouts.roles) == 8


@pytest.mark.browser
@needs_browser
@pytest.mark.parametrize("size", ["a4", "letter"])
@pytest.mark.parametrize("name", ["june_1957", "october_1964"])
def test_bench_sheets_print_one_a_bench(name: str, size: str, tmp_path: Path) -> None:
    """A dozen decisions and more a side still print one page a bench: a day's decisions by
    title and question, in two columns."""
    scenario, _ = load_scenario(ROOT / "scenarios" / f"{name}.yaml", f"{name}.yaml")
    handouts = sheets.build(scenario, benches(scenario, 11), size)
    assert all(len(b.decisions) >= 10 for b in handouts.benches)
    assert print_pages(paper.html(handouts, ["sheets"]), tmp_path) == 2


@pytest.mark.browser
@needs_browser
@pytest.mark.parametrize("size", ["a4", "letter"])
def test_the_june_1957_whos_who_prints_on_one_page(
    june_1957: Scenario, tmp_path: Path, size: str
) -> None:
    """Every role of the largest class, and a column for each of the scenario's votes."""
    handouts = sheets.build(june_1957, cast(june_1957, 25), size)
    assert len(handouts.who[0].votes) == len(june_1957.votes) >= 4
    assert print_pages(paper.html(handouts, ["who"]), tmp_path) == 1


@pytest.mark.browser
@needs_browser
@pytest.mark.parametrize("students", [5, 12, 25])
def test_june_1957_prints_one_page_a_role(
    june_1957: Scenario, tmp_path: Path, students: int
) -> None:
    handouts = sheets.build(june_1957, cast(june_1957, students))
    assert len(handouts.roles) == students
    roles = print_pages(paper.html(handouts, ["sheets"]), tmp_path, "roles")
    assert roles == students  # each sheet takes a page, so no sheet takes two
    run = print_pages(paper.html(handouts, ["run"]), tmp_path, "run")
    fixed = 1 + len(handouts.envelopes) + handouts.card_pages + handouts.slip_pages
    assert print_pages(paper.html(handouts), tmp_path) == students + fixed + run


def with_roles() -> list[str]:
    found = []
    for name in BUNDLED:
        scenario, _ = load_scenario(ROOT / "scenarios" / f"{name}.yaml", f"{name}.yaml")
        if scenario.roles:
            found.append(name)
    return found


@pytest.mark.browser
@needs_browser
@pytest.mark.parametrize("name", with_roles())
def test_every_bundled_cast_fits_one_page_a_role_on_letter(name: str, tmp_path: Path) -> None:
    """Letter is the shorter page: a whole cast that fits it fits A4."""
    scenario, _ = load_scenario(ROOT / "scenarios" / f"{name}.yaml", f"{name}.yaml")
    assert scenario.classroom is not None
    handouts = sheets.build(scenario, cast(scenario, scenario.classroom.students_max), "letter")
    assert print_pages(paper.html(handouts, ["sheets"]), tmp_path) == len(handouts.roles)


PRESIDIUM_18_JUNE = "\u201cThe Presidium turns on Khrushchev\u201d (Tuesday 18 June 1957)"
PLENUM_29_JUNE = "\u201cThe Central Committee plenum votes\u201d (Saturday 29 June 1957)"


def test_each_role_is_told_where_it_votes(june_1957: Scenario) -> None:
    """Shepilov, a candidate member, had no vote in the Presidium but one at the plenum;
    Zhukov, Furtseva and Brezhnev sat in the plenum's hall, which the game counts as one
    figure. A 'yes' or 'no' for the whole game said neither: each vote is named."""
    handouts = sheets.build(june_1957, cast(june_1957, 25))
    votes = list(june_1957.votes)
    said = {
        s.seat: dict(zip(votes, (v.words() for v in s.ballots), strict=True))
        for s in handouts.roles
    }
    assert (
        said["shepilov"]["showdown_18_june"] == f"{PRESIDIUM_18_JUNE}: no vote (candidate member)"
    )
    assert said["shepilov"]["plenum_29_june"] == f"{PLENUM_29_JUNE}: yes (open)"
    hall = "no ballot of one's own (the game counts the hall as one figure)"
    for seat in ("zhukov", "furtseva", "brezhnev"):
        assert said[seat]["showdown_18_june"] == f"{PRESIDIUM_18_JUNE}: no vote (candidate member)"
        assert said[seat]["plenum_29_june"] == f"{PLENUM_29_JUNE}: {hall}", seat
    assert said["serov"]["showdown_18_june"] == f"{PRESIDIUM_18_JUNE}: no vote (not a member)"
    assert said["molotov"]["showdown_18_june"] == f"{PRESIDIUM_18_JUNE}: yes (simultaneous)"
    assert said["molotov"]["plenum_29_june"] == (  # his last word casts it
        f"{PLENUM_29_JUNE}: yes (open; cast as an earlier decision of yours settled it; "
        "you are not asked again)"
    )
    assert said["cc_member#1"]["plenum_29_june"].startswith(f"{PLENUM_29_JUNE}: yes (open; ")
    straw = "\u201cA secret straw poll of the plenum (counterfactual)\u201d"
    assert said["shepilov"]["plenum_straw_poll"] == (
        f"{straw} (only if the teacher calls it): yes (secret ballot)"
    )
    who = {w.name: dict(zip(votes, (v.short for v in w.votes), strict=True)) for w in handouts.who}
    assert who["Dmitri Shepilov"]["showdown_18_june"] == "no vote (candidate member)"
    assert who["Dmitri Shepilov"]["plenum_29_june"] == "yes (open)"
    text = paper.markdown(handouts)
    shepilov = text.split("## Dmitri Shepilov", 1)[1].split("\n---", 1)[0]
    assert f"{PRESIDIUM_18_JUNE}: no vote (candidate member); " in shepilov
    assert f"{PLENUM_29_JUNE}: yes (open)" in shepilov
    table = text.split("## Who's who")[1].split("\n---")[0]
    assert "| no |" not in table
    # a cell says "no vote" where the column's key says who votes, and why is on each sheet
    cells = dict(zip(votes, range(len(votes)), strict=True))
    row = next(line for line in table.splitlines() if line.startswith("| Dmitri Shepilov |"))
    shown = row.split(" | ")[3 : 3 + len(votes)]
    assert shown[cells["showdown_18_june"]] == "no vote"
    assert shown[cells["plenum_29_june"]] == "yes"
    zhukov = next(
        line for line in table.splitlines() if line.startswith("| Marshal Georgy Zhukov |")
    )
    assert zhukov.split(" | ")[3 + cells["plenum_29_june"]] == "no ballot\\*"
    number = cells["showdown_18_june"] + 1
    assert (
        f"Vote {number}: \u201cThe Presidium turns on Khrushchev\u201d (Tuesday 18 June 1957; "
        "simultaneous); \u201cno vote\u201d: not a full member."
    ) in table
    assert "No ballot of one's own: the game counts the hall as one figure." in table


def test_ignatov_is_told_where_he_votes_in_1964(october_1964: Scenario) -> None:
    handouts = sheets.build(october_1964, cast(october_1964, 16))
    said = {s.seat: [v.words() for v in s.ballots] for s in handouts.roles}
    assert said["ignatov"][0].endswith(": no vote (not a member)")
    assert said["ignatov"][1].endswith(
        ": no ballot of one's own (the game counts the hall as one figure)"
    )
    assert said["brezhnev"][0].endswith(": yes (open)")


def test_the_deal_says_where_each_role_votes() -> None:
    code, out, err = run_cli(["class", "cast", "june_1957", "--students", "25"])
    assert (code, err) == (0, "")
    flat = " ".join(out.split())
    assert "1. The Presidium turns on Khrushchev (simultaneous, Tuesday 18 June 1957):" in flat
    assert "No vote (candidate member): Marshal Georgy Zhukov, Yekaterina Furtseva" in flat
    assert max(len(line) for line in out.splitlines()) <= 80


# --------------------------------------------------------------------------- labels said once


def labelled_titles(scenario: Scenario) -> list[tuple[str, str]]:
    """Every title or label that the screen, the paper or the debrief marks as counterfactual
    from the item's own flag: (where, text)."""
    found = [(f"vote {v.id}", v.title) for v in scenario.votes.values() if v.counterfactual]
    for phase in scenario.phases.values():
        if phase.counterfactual:
            found.append((f"phase {phase.id}", phase.title))
        found += [(f"choice {c.id}", c.label) for c in phase.choices if c.counterfactual]
    found += [
        (f"injection {i.id}", i.label) for i in scenario.injections.values() if i.counterfactual
    ]
    for role in scenario.roles.values():
        found += [(f"move {m.id}", m.label) for m in role.moves if m.counterfactual]
    return found


@pytest.mark.parametrize("name", BUNDLED)
def test_no_counterfactual_title_says_so_beside_the_automatic_label(name: str) -> None:
    """ "[Counterfactual] A secret straw poll of the plenum (counterfactual)": the label comes
    from the flag, so a title that says it too says it twice."""
    scenario, _ = load_scenario(ROOT / "scenarios" / f"{name}.yaml", f"{name}.yaml")
    said = [
        (where, text)
        for where, text in labelled_titles(scenario)
        if "counterfactual" in text.lower()
    ]
    assert said == []


def test_the_straw_poll_is_labelled_once_on_paper(june_1957: Scenario) -> None:
    handouts = sheets.build(june_1957, cast(june_1957, 12))
    molotov = next(s for s in handouts.roles if s.seat == "molotov")
    straw = dict(zip(june_1957.votes, molotov.ballots, strict=True))["plenum_straw_poll"].words()
    assert straw.startswith("\u201cA secret straw poll of the plenum (counterfactual)\u201d")
    assert straw.lower().count("counterfactual") == 1
    assert all(line.title.lower().count("counterfactual") <= 1 for line in handouts.run.votes)


# --------------------------------------------------------------------------- a move's condition


def test_a_move_condition_says_what_its_when_tests(june_1957: Scenario) -> None:
    """Zhukov's aircraft need 'zhukov.stance == khrushchev', which the story itself sets after
    the telephone call: "once you have declared" was not the condition."""
    handouts = sheets.build(june_1957, cast(june_1957, 12))
    zhukov = next(s for s in handouts.roles if s.seat == "zhukov")
    (aircraft,) = zhukov.moves
    assert aircraft.condition == "Only while Zhukov stands with Khrushchev."
    serov = next(s for s in handouts.roles if s.seat == "serov")
    assert [m.condition for m in serov.moves] == [
        "Only while you stand with Khrushchev.",
        "Only while the gates are shut to Central Committee members.",
    ]


@pytest.mark.parametrize("name", ["june_1957", "october_1964"])
def test_every_conditional_move_says_its_condition(name: str) -> None:
    """A move's 'unavailable' is printed on the sheet as its condition and said by the console
    when the move is refused, so it is worded as a condition ("Only while ..."), never as a
    fact ("The gates are open.") that is false when the sheet is read."""
    scenario, _ = load_scenario(ROOT / "scenarios" / f"{name}.yaml", f"{name}.yaml")
    said = {
        (r.id, m.id): m.unavailable
        for r in scenario.roles.values()
        for m in r.moves
        if m.when is not None
    }
    assert said and all((text or "").startswith("Only ") for text in said.values()), said


# --------------------------------------------------------------------------- the side's goal


def role_page(text: str, name: str) -> str:
    return text.split(f"## {name}\n")[1].split("\n---")[0]


def test_a_sides_goal_is_quoted_as_written_for_its_leader(
    june_1957: Scenario, october_1964: Scenario
) -> None:
    """A side's goal speaks to its leader ("the Central Committee elected you"): a 15-year-old
    playing Mikoyan or Sergei Khrushchev read it as about themselves."""
    june = paper.markdown(sheets.build(june_1957, cast(june_1957, 12)))
    assert "Your team's goal: Survive. The Presidium" in role_page(june, "Nikita Khrushchev")
    for name in ("Anastas Mikoyan", "Yekaterina Furtseva"):
        assert (
            "Your team's goal, as written for its leader, Nikita Khrushchev: \u201cSurvive. "
        ) in role_page(june, name), name
    october = sheets.build(october_1964, cast(october_1964, 16))
    sergei = next(s for s in october.roles if s.seat == "sergei_khrushchev")
    assert sergei.goal_for == "Nikita Khrushchev"
    page = paper.html(october, ["sheets"])
    assert (
        "<em>Your team&#x27;s goal, as written for its leader, Nikita Khrushchev:</em> "
        "\u201cKeep your posts."
    ) in page


# --------------------------------------------------------------------------- words, not ids


def test_a_students_sheet_cites_sources_and_effects_in_words(june_1957: Scenario) -> None:
    """ "Effect: Central Committee members in Moscow +10. [medvedev, military_factor,
    ...]" and "(attributed; pikhoya, zhukov_plenum_speech)" were ids and arithmetic."""
    handouts = sheets.build(june_1957, cast(june_1957, 12))
    zhukov = next(s for s in handouts.roles if s.seat == "zhukov")
    (aircraft,) = zhukov.moves
    assert aircraft.effects == (
        "Effect: Central Committee members in Moscow up by 10; "
        "Zhukov has offered his transport planes: yes."
    )
    assert aircraft.sources[0] == "Roy Medvedev" and "Istoriya Kieva" in aircraft.sources
    assert zhukov.knows[0].sources == ("R. G. Pikhoya", "Georgii Zhukov")
    page = role_page(paper.markdown(handouts), "Marshal Georgy Zhukov")
    assert "(attributed. Sources: R. G. Pikhoya; Georgii Zhukov)" in page
    ids = {i for k in june_1957.roles.values() for m in k.moves for i in m.sources}
    ids |= {i for r in june_1957.roles.values() for k in r.knows for i in k.sources}
    for sheet_text in (paper.markdown(handouts), paper.html(handouts, ["sheets", "envelopes"])):
        students = sheet_text.split("## The teacher's run sheet")[0]
        assert not [i for i in ids if "_" in i and i.replace("_", "\\_") in students]
        assert not [i for i in ids if "_" in i and i in students]
    # each short citation leads to its full entry at the foot of the page
    assert all(
        any(cite.startswith(short.rstrip("\u2026'")) for _, cite, _ in zhukov.sources)
        for short in aircraft.sources
    )
    mikoyan = next(s for s in handouts.roles if s.seat == "mikoyan")
    assert mikoyan.moves[0].effects == (
        "Effect: Central Committee leaning to Khrushchev up by 3 points (of 100); "
        "Mikoyan has been out to the members: yes."
    )


def test_short_citations_tell_every_bundled_source_apart() -> None:
    for name in ("june_1957", "october_1964"):
        scenario, _ = load_scenario(ROOT / "scenarios" / f"{name}.yaml", f"{name}.yaml")
        short = sheets.short_cites(scenario)
        assert len(set(short.values())) == len(short), name
        assert all(len(s) <= sheets.SHORT_CITE + 2 for s in short.values())


# --------------------------------------------------------------------------- who the script plays


@pytest.mark.parametrize("students", [5, 12, 25])
def test_the_deal_and_the_whos_who_name_the_same_people_for_the_script(
    june_1957: Scenario, students: int
) -> None:
    """`class cast` said the script plays Shvernik, Mukhitdinov and Kozlov; the who's-who, "everyone
    in the game", left them out."""
    seating = cast(june_1957, students)
    who = sheets.build(june_1957, seating).who
    scripted = [w.name for w in who if w.played_by == "the script"]
    for name in ("Nikolai Shvernik", "Nuritdin Mukhitdinov", "Frol Kozlov"):
        assert name in scripted
    assert "The Central Committee" not in [w.name for w in who]  # a body: the hall's figure
    said = " ".join(sheets.cast_text(june_1957, seating).split())
    script = said[said.index("The script plays") :]
    assert all(name in script for name in scripted), scripted
    kozlov = next(w for w in who if w.name == "Frol Kozlov")
    assert [v.short for v in kozlov.votes][:1] == ["no vote (candidate member)"]


def test_the_deal_names_one_leading_figure_in_the_singular() -> None:
    code, out, _ = run_cli(["class", "cast", "june_1957", "--students", "12"])
    flat = " ".join(out.split())
    assert code == 0 and "The script plays the leading figure Dmitri Shepilov." in flat
    assert "Nuritdin Mukhitdinov and Frol Kozlov." in flat
    code, out, _ = run_cli(["class", "cast", "june_1957", "--students", "5"])
    assert "The script plays the leading figures " in " ".join(out.split())
    code, out, _ = run_cli(["class", "cast", "october_1964", "--students", "5"])
    assert "Students may argue with Nikolai Podgorny and Aleksei Kosygin." in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_the_run_sheet_says_who_the_hall_counts(june_1957: Scenario) -> None:
    """Why Zhukov, Serov and Furtseva have no ballot of their own at the plenum (the eleven
    voting members of the Presidium and Shepilov are named voters)."""
    run = sheets.build(june_1957, cast(june_1957, 12)).run
    plenum = next(v for v in run.votes if v.title == "The Central Committee plenum votes")
    assert (
        "Besides the voters it names, the scenario counts everyone in the hall, Marshal Georgy "
        "Zhukov, Ivan Serov and Yekaterina Furtseva among them, as one figure, \u201cThe other "
        "Central Committee members in the hall (the game's figure)\u201d."
    ) in plenum.words()
