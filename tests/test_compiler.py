"""The compiler: every problem at once, each at the line and column where it was written."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import compile_yaml, docs_example, errors, mutate
from presidium import cache
from presidium.compiler import compile_document, load_scenario
from presidium.errors import ScenarioError
from presidium.loader import load_text


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_documented_example_compiles_cleanly() -> None:
    scenario, found = compile_yaml(docs_example())
    assert scenario is not None
    assert found == []
    assert list(scenario.phases) == ["the_door", "the_appeal", "the_count"]


@pytest.mark.parametrize(
    ("old", "new", "needle", "col", "message"),
    [
        (
            "    stance: khrushchev\n    principal: true",
            "    stnace: khrushchev\n    principal: true",
            "stnace",
            5,
            "unknown key 'stnace' in actor 'khrushchev' (did you mean 'stance'?)",
        ),
        (
            "        next: the_appeal\n      - id: fob",
            "        next: the_apeal\n      - id: fob",
            "the_apeal",
            15,
            "unknown phase or ending 'the_apeal' (did you mean 'the_appeal'?)",
        ),
        (
            "when: \"voter.stance == 'khrushchev'\"",
            "when: \"voter.stance == 'khrushchov'\"",
            "khrushchov",
            32,
            "'khrushchov' is not a value of voter.stance",
        ),
        (
            'effects: ["members_at_door += 20"]',
            'effects: ["members_at_dor += 20"]',
            "members_at_dor",
            20,
            "unknown variable 'members_at_dor' (did you mean 'members_at_door'?)",
        ),
        (
            "    initial: 60",
            "    initial: 600",
            "initial: 600",
            14,
            "initial value 600 is outside 0 to 133",
        ),
        (
            "    by: molotov",
            "    by: bulganin",
            "by: bulganin",
            9,
            "unknown side or actor 'bulganin'",
        ),
        (
            "    history: refuse",
            "    history: refused",
            "history: refused",
            14,
            "unknown choice 'refused' (did you mean 'refuse'?)",
        ),
        (
            '    date: 1957-06-21\n    place: "The Kremlin"\n    sources: [medvedev, furtseva_bio]',
            '    date: 21/06/1957\n    place: "The Kremlin"\n    sources: [medvedev, furtseva_bio]',
            "21/06/1957",
            11,
            "date must be written yyyy-mm-dd",
        ),
        (
            "        confidence: attributed",
            "        confidence: likely",
            "confidence: likely",
            21,
            "'confidence' must be 'attributed', 'authenticated', 'contested' or 'doubtful'",
        ),
        (
            "      - id: refuse\n",
            "      - id: quit\n",
            "id: quit",
            13,
            "choice id 'quit' is an in-game command",
        ),
        (
            "          percent: 40",
            '          percent: "40 +"',
            'percent: "40 +"',
            25,
            "expected a value",
        ),
        (
            '    kind: counterfactual\n    text: "The members',
            '    kind: conterfactual\n    text: "The members',
            "conterfactual",
            11,
            "(did you mean 'counterfactual'?)",
        ),
        (
            "    sources: [medvedev, furtseva_bio]",
            "    sources: [medvedev, furtseva]",
            "furtseva]",
            25,
            "unknown source 'furtseva' (did you mean 'furtseva_bio'?)",
        ),
        (
            '        text: "Many of them go home to wait."',
            '        text: "Some go home \\x1b[31m"',
            "Some go home",
            20,
            "control character U+001B",
        ),
        (
            '        text: "Many of them go home to wait."',
            '        text: "{members} go home."',
            "members} go",
            20,
            "unknown variable '{members}' in text (did you mean 'members_at_door'?)",
        ),
    ],
)
def test_each_mistake_is_reported_where_it_was_made(
    old: str, new: str, needle: str, col: int, message: str
) -> None:
    text = mutate(old, new)
    found = errors(text)
    line = line_of(text, needle)
    assert any(f.startswith(f"{line}:{col}: ") and message in f for f in found), found


def test_all_problems_are_reported_at_once() -> None:
    text = mutate(
        "    stance: khrushchev\n    principal: true", "    stnace: khrushchev\n    principal: true"
    )
    text = text.replace("    by: molotov", "    by: bulganin").replace(
        "    initial: 60", "    initial: 600"
    )
    assert len(errors(text)) == 3


def test_a_historical_phase_needs_sources() -> None:
    text = mutate("    sources: [medvedev]\n    vote: let_them_in", "    vote: let_them_in")
    assert any("tells history but cites no sources" in f for f in errors(text))


def test_a_vote_s_history_is_passed_or_failed_and_only_for_a_vote_that_happened() -> None:
    motion = '    motion: "Receive the Central Committee members and call a plenum"\n'
    scenario, problems = compile_yaml(mutate(motion, motion + "    history: failed\n"))
    assert problems == [] and scenario is not None
    assert scenario.votes["let_them_in"].history is False
    found = errors(mutate(motion, motion + "    history: carried\n"))
    assert any("'history' must be 'failed' or 'passed', not 'carried'" in f for f in found)
    text = mutate(motion, motion + "    counterfactual: true\n    history: passed\n")
    found = errors(text)
    line = line_of(text, "    history: passed")
    assert any(
        f.startswith(f"{line}:") and "vote 'let_them_in' never happened" in f for f in found
    ), found


def test_a_phase_with_choices_needs_a_decider() -> None:
    assert any("has choices but no 'by'" in f for f in errors(mutate("    by: molotov\n", "")))


def test_a_historical_ending_needs_sourced_fates() -> None:
    text = mutate(
        '      khrushchev:\n        text: "Took his case to the Central Committee, and won."\n'
        "        sources: [medvedev]\n        confidence: authenticated",
        '      khrushchev: "Took his case to the Central Committee."',
    )
    assert any("a historical fate needs sources" in f for f in errors(text))


def test_a_historical_fate_needs_a_confidence_label() -> None:
    text = mutate(
        "        sources: [medvedev]\n        confidence: authenticated\n      molotov:",
        "        sources: [medvedev]\n      molotov:",
    )
    assert any(
        "the fate of 'khrushchev' in a historical ending needs confidence" in f
        for f in errors(text)
    )


def test_principal_actors_need_fates() -> None:
    text = mutate('      molotov: "The strongest man in the new leadership."\n', "")
    assert any("does not say what became of molotov" in f for f in errors(text))


def test_unused_sources_are_warned_about() -> None:
    text = mutate("sides:", '  unused:\n    cite: "Nobody cites me"\n    grade: C\n\nsides:')
    scenario, found = compile_yaml(text)
    assert scenario is not None
    assert [d.message for d in found] == ["source 'unused' is never cited"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "just a string\n",
        "- a list\n",
        "format: 1\n",
        "format: 2\nid: Bad-Id\n",
        "phases: 7\n",
        "format: 1\nid: x\ntitle: t\nsummary: s\nstart: a\nsources: {}\nsides: {}\nphases: {a: 1}\nendings: []\n",
    ],
)
def test_broken_documents_give_diagnostics_not_exceptions(text: str) -> None:
    scenario, found = compile_yaml(text)
    assert scenario is None
    assert found and all(d.severity in ("error", "warning") for d in found)


def test_os_system_anywhere_is_rejected_and_runs_nothing(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: calls.append(a))
    attempts = [
        mutate(
            "        next: the_appeal\n      - id: fob", "        next: os.system\n      - id: fob"
        ),
        mutate("    by: molotov", "    by: os.system"),
        mutate(
            'effects: ["members_at_door += 20"]',
            "effects: [\"__import__('os').system('touch /tmp/pwned')\"]",
        ),
        mutate("when: \"voter.stance == 'khrushchev'\"", "when: \"os.system('echo pwned')\""),
        mutate("          percent: 40", "          percent: \"exec('import os')\""),
        mutate("format: 1", "format: !!python/object/apply:os.system ['echo pwned']"),
        mutate("  the_door:\n", "  os.system:\n"),
    ]
    for text in attempts:
        scenario, found = compile_yaml(text)
        assert scenario is None, text
        assert any(d.severity == "error" for d in found)
    assert calls == []


def test_load_scenario_raises_one_error_with_every_diagnostic(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "bad.yaml"
    path.write_text(
        mutate("    by: molotov", "    by: bulganin").replace("    initial: 60", "    initial: 600")
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, "bad.yaml")
    report = info.value.report()
    assert "bad.yaml:" in report and "2 errors in scenario" in report
    assert "    by: bulganin\n" in report and "^" in report


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=3000), st.text(max_size=12))
def test_any_edit_of_a_valid_file_gives_a_model_or_diagnostics(position: int, insert: str) -> None:
    text = docs_example()
    position = min(position, len(text))
    edited = text[:position] + insert + text[position:]
    scenario, found = compile_yaml(edited)
    assert scenario is not None or any(d.severity == "error" for d in found)


UNPRINTABLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
HOSTILE = st.lists(
    st.one_of(
        st.characters(max_codepoint=0xA0),
        st.sampled_from(["\u202e", "\u2028", "\u2066", "\ufffe", ":", "\n", '"', "{", "-"]),
        st.sampled_from(["\\e", "\\x9b", "\\u202e", "\\n", "\\t", "\\x07", "\\ud800"]),
    ),
    max_size=12,
).map("".join)


def assert_printable_diagnostics(text: str, file: str) -> None:
    """Every diagnostic is its own line (plus a quoted line and a caret) with nothing in it
    that could drive a terminal, whatever the file and its name hold."""
    loaded = load_text(text, file)
    found = loaded.diagnostics
    if not found:
        scenario, found = compile_document(loaded.document, file)
        if scenario is not None:  # and what compiles, the cache takes back as it was stored
            assert cache.well_formed((scenario, found))
    for diagnostic in found:
        shown = diagnostic.format(loaded.lines).split("\n")
        assert len(shown) in (1, 3), shown
        for line in shown:
            assert not UNPRINTABLE.search(line), (line, diagnostic)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=3000), HOSTILE, st.text(max_size=8))
def test_no_diagnostic_ever_carries_a_control_character(
    position: int, insert: str, name: str
) -> None:
    text = docs_example()
    position = min(position, len(text))
    assert_printable_diagnostics(text[:position] + insert + text[position:], name + ".yaml")


VALUES = re.compile(r"(?m)^(\s*(?:- )?[a-z_]+: )(\S.*)$")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), HOSTILE)
def test_no_diagnostic_quotes_a_hostile_value_raw(data: st.DataObject, value: str) -> None:
    """Any one value replaced by a double-quoted string whose YAML escapes make controls."""
    text = docs_example()
    spots = list(VALUES.finditer(text))
    spot = spots[data.draw(st.integers(0, len(spots) - 1))]
    quoted = '"' + value.replace("\n", "").replace('"', "") + '"'
    edited = text[: spot.start(2)] + quoted + text[spot.end(2) :]
    assert_printable_diagnostics(edited, "door.yaml")


def documented_mistakes() -> str:
    """The example with the two mistakes that docs/scenario-format.md shows the output of."""
    text = docs_example().replace(
        "    stance: khrushchev\n    principal: true",
        "    stnace: khrushchev\n    principal: true",
        1,
    )
    return text.replace(
        "when: \"voter.stance == 'khrushchev'\"", "when: \"voter.stance == 'khrushchov'\""
    )


def test_the_documented_error_output_is_what_users_see(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re
    from pathlib import Path

    from conftest import DOCS, run_cli

    monkeypatch.chdir(str(tmp_path))
    Path("door.yaml").write_text(documented_mistakes())
    docs = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
    block = re.search(
        r"## Error messages.*?`(presidium [^`]*)`.*?```text\n(.*?)```", docs, re.DOTALL
    )
    assert block is not None
    command, shown = block.groups()
    code, out, err = run_cli(command.split()[1:])
    assert code == 1 and err == ""
    assert shown == out


@pytest.mark.parametrize(
    ("condition", "verdict"),
    [
        ("members_at_door > 200", "can never hold"),
        ("members_at_door >= 0", "always holds"),
        ("not (members_at_door < 0)", "always holds"),
    ],
)
def test_conditions_that_the_declared_range_decides_are_warned_about(
    condition: str, verdict: str
) -> None:
    text = docs_example().replace(
        'for: "members_at_door / 40"', 'for: "members_at_door / 40"\n        when: "PLACE"'
    )
    text = text.replace("PLACE", condition)
    scenario, found = compile_yaml(text)
    assert scenario is not None
    line = next(n for n, x in enumerate(text.splitlines(), 1) if condition in x)
    assert [(d.severity, d.span.line, d.message) for d in found] == [
        ("warning", line, f"'{condition}' {verdict}: 'members_at_door' is declared from 0 to 133")
    ]


def test_conditions_the_range_leaves_open_are_not_warned_about() -> None:
    text = docs_example().replace(
        'for: "members_at_door / 40"',
        'for: "members_at_door / 40"\n        when: "members_at_door > 50"',
    )
    assert compile_yaml(text)[1] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{members_at_door are waiting.",
            "'{' near \"{members_at_door are wait...\" is never closed; write {name}",
        ),
        ("{members_at_door and {members_at_door}.", "is never closed"),
        ("Wait } for them.", "'}' near \"Wait } for them.\" closes nothing; write '}}'"),
        ("{{members_at_door} waiting.", "closes nothing"),
        ("{} waiting.", "'{}' shows nothing"),
        ("{members_at_door +} waiting.", 'in "members_at_door +": expected a value'),
    ],
)
def test_every_brace_the_game_would_fill_is_read_when_compiled(text: str, message: str) -> None:
    source = mutate('text: "Hours pass. Members drift home."', f'text: "{text}"')
    found = errors(source)
    line = line_of(source, text)
    assert len(found) == 1 and found[0].startswith(f"{line}:") and message in found[0], found


def test_braces_that_compile_are_filled_as_written(tmp_path: object) -> None:
    from pathlib import Path

    from conftest import run_cli

    text = "{{{members_at_door}}} at the door, {{literally}}."
    path = Path(str(tmp_path)) / "door.yaml"
    path.write_text(mutate('text: "Hours pass. Members drift home."', f'text: "{text}"'))
    code, out, _ = run_cli(["play", str(path), "--side", "khrushchev"], stdin="wait\n")
    assert code == 0 and "{80} at the door, {literally}." in out, out
    assert run_cli(["check", str(path)])[0] == 0


@pytest.mark.parametrize(
    ("changes", "needle", "message"),
    [
        (  # a typo in a chance's odds: the choice is still in the file
            [("history: refuse\n", "history: fob_them_off\n"), ("percent: 40", "percent: 4o")],
            "percent: 4o",
            "in \"4o\": unexpected 'o'",
        ),
        (  # a broken 'when' is one mistake, not also a missing 'when'
            [
                ("      - id: go_out\n", '      - id: go_out\n        when: "members_at_door >"\n'),
                (
                    '        label: "Go out',
                    '        unavailable: "Too few."\n        label: "Go out',
                ),
            ],
            'when: "members_at_door >"',
            "expected a value",
        ),
        (  # a misspelt kind is not also "counterfactual"
            [("kind: historical", "kind: historic")],
            "kind: historic",
            "'kind' must be 'counterfactual' or 'historical', not 'historic'",
        ),
        (  # an unknown leader is not also "another leader"
            [("leader: molotov", "leader: molotv")],
            "leader: molotv",
            "unknown actor 'molotv' (did you mean 'molotov'?)",
        ),
        (  # a misspelt key is not also a missing one
            [("    office: Deputy premier", "    ofice: Deputy premier")],
            "ofice:",
            "unknown key 'ofice' in actor 'mikoyan' (did you mean 'office'?)",
        ),
        (  # a phase's misspelt 'choices' does not make its 'by', 'history' and 'prompt' wrong
            [("    choices:\n      - id: go_out", "    choises:\n      - id: go_out")],
            "choises:",
            "unknown key 'choises' in phase 'the_appeal' (did you mean 'choices'?)",
        ),
        (  # a misspelt 'sources' does not also leave the phase without sources
            [("    sources: [medvedev, furtseva_bio]", "    source: [medvedev, furtseva_bio]")],
            "source: [medvedev",
            "unknown key 'source' in phase 'the_door' (did you mean 'sources'?)",
        ),
        (  # an unknown target in the last branch does not make the branch before it the last
            [("      - goto: door_stays_shut", "      - goto: door_stays_shot")],
            "goto: door_stays_shot",
            "unknown phase or ending 'door_stays_shot' (did you mean 'door_stays_shut'?)",
        ),
        (  # a number variable with a mistake is still declared for what uses it
            [("    min: 0\n", "    min: none\n")],
            "min: none",
            "a number variable needs a whole-number 'min'",
        ),
        (  # a misspelt section is read as the section it resembles: its ids are still known
            [("\nsources:\n", "\nsoruces:\n")],
            "soruces:",
            "unknown key 'soruces' in the scenario (did you mean 'sources'?)",
        ),
        (  # the same for a misspelt type: the variable is still declared for its uses
            [("    type: number\n", "    type: numbr\n")],
            "numbr",
            "type must be 'number', 'flag' or 'choice', not 'numbr' (did you mean 'number'?)",
        ),
        (  # a fate under a misspelt actor id is not also a missing fate
            [('      molotov: "The strongest', '      molotv: "The strongest')],
            "molotv:",
            "unknown actor 'molotv' (did you mean 'molotov'?)",
        ),
        (  # a misspelt rank is read as the rank it resembles: the actor still votes
            [
                (
                    "    rank: full\n    stance: khrushchev\n    principal",
                    "    rank: ful\n    stance: khrushchev\n    principal",
                ),
                (
                    '      - when: "voter.stance',
                    '      - actors: [khrushchev]\n        when: "voter.stance',
                ),
            ],
            "rank: ful",
            "'rank' must be 'body', 'candidate', 'full', 'official' or 'secretary', not 'ful'",
        ),
        (  # a mistake in the voters is not also "nobody to vote", nor "does not vote"
            [
                ("      ranks: [full]", "      ranks: [ful]"),
                (
                    '      - when: "voter.stance',
                    '      - actors: [mikoyan]\n        when: "voter.stance',
                ),
            ],
            "ranks: [ful]",
            "unknown rank 'ful' (did you mean 'full'?)",
        ),
        (  # a misspelt declaration: its uses are one message, at the first, naming the others
            [("  medvedev:\n    cite", "  medvedv:\n    cite")],
            "sources: [medvedev, furtseva_bio]",
            "unknown source 'medvedev' (did you mean 'medvedv'?); the same at lines ",
        ),
        (  # a phase without text: one message, not also "'text' is missing"
            [
                (
                    '    text: "The members are waiting. Khrushchev can go out to them, or wait."\n',
                    "",
                )
            ],
            'title: "Khrushchev\'s move"',
            "phase 'the_appeal' needs 'text'",
        ),
        (  # a forgotten '- ' repeats every key of the item: one message, at the first
            [("      - id: wait\n", "        id: wait\n")],
            "        id: wait",
            "a second 'id' in the same mapping (the first is at line 132): did you forget '- '",
        ),
        (  # 'goto' in a choice is not also a choice without 'next'
            [
                (
                    "        next: the_count\n      - id: wait",
                    "        goto: the_count\n      - id: wait",
                )
            ],
            "goto: the_count",
            "unknown key 'goto' in a choice (did you mean 'next'? 'goto' belongs in a branch of "
            "a 'next' list)",
        ),
        (  # 'next' in a branch is not also a branch without 'goto'
            [("        goto: plenum_called", "        next: plenum_called")],
            "next: plenum_called",
            "unknown key 'next' in a branch (did you mean 'goto'?",
        ),
        (  # a phase id that is not snake_case still declares the id it resembles
            [("  the_appeal:\n    title", "  the appeal:\n    title")],
            "  the appeal:",
            "not 'the appeal' (did you mean 'the_appeal'?)",
        ),
        (  # ... also with a letter outside ASCII
            [("  the_appeal:\n    title", "  the_appéal:\n    title")],
            "  the_appéal:",
            "not 'the_appéal' (did you mean 'the_appeal'?)",
        ),
        (  # no choices at all: 'history' is not also told it names an unknown choice
            [
                (
                    '    choices:\n      - id: go_out\n        label: "Go out to the members"\n'
                    '        effects: ["members_at_door += 10"]\n        next: the_count\n'
                    '      - id: wait\n        label: "Wait for the Presidium to let them in"\n'
                    '        text: "Hours pass. Members drift home."\n'
                    '        effects: ["members_at_door -= 50"]\n        next: the_count\n',
                    "    choices: []\n",
                )
            ],
            "choices: []",
            "'choices' is empty",
        ),
        (  # fates written as a list are not also fates missing
            [
                (
                    '      khrushchev: "Removed by the Presidium."\n      molotov: "The strongest',
                    '      - khrushchev: "Removed by the Presidium."\n      - molotov: "The strongest',
                )
            ],
            '- khrushchev: "Removed',
            "'fates' must be a mapping of 'key: value' lines, not a list",
        ),
        (  # a stance nobody declared: one message naming each place that uses it
            [
                ('  majority: "With the majority"\n', ""),
                ("voter.stance == 'khrushchev'", "voter.stance != 'majority'"),
            ],
            "    stance: majority",
            "unknown stance 'majority'; declare it under 'stances:'; the same at lines 55 and 77",
        ),
    ],
)
def test_one_mistake_gives_one_message_at_its_root(
    changes: list[tuple[str, str]], needle: str, message: str
) -> None:
    text = docs_example()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    found = errors(text)
    assert len(found) == 1, found
    assert found[0].startswith(f"{line_of(text, needle)}:") and message in found[0], found


def test_the_same_message_twice_at_one_place_is_reported_once() -> None:
    from presidium.diagnostics import Diagnostic, DiagnosticBag, SourceSpan

    bag = DiagnosticBag()
    for line in (9, 3, 3, 5):
        bag.error("unknown actor 'x'", SourceSpan("a.yaml", line, 4))
    bag.error("unknown actor 'x'", SourceSpan("b.yaml", 1, 1))
    assert bag.sorted() == [
        Diagnostic(
            "error", "unknown actor 'x'; the same at lines 5 and 9", SourceSpan("a.yaml", 3, 4)
        ),
        Diagnostic("error", "unknown actor 'x'", SourceSpan("b.yaml", 1, 1)),
    ]


def test_a_phase_and_an_ending_with_one_id_are_reported_at_the_second() -> None:
    text = "# A comment first, as in a real file.\n" + mutate(
        "  door_stays_shut:\n    title", "  the_appeal:\n    title"
    ).replace("goto: door_stays_shut", "goto: the_appeal").replace(
        "{reachable: door_stays_shut", "{reachable: the_appeal"
    )
    found = errors(text)
    phase, ending = [n for n, line in enumerate(text.splitlines(), 1) if line == "  the_appeal:"]
    assert found[0].startswith(f"{ending}:3: 'the_appeal' is both a phase and an ending"), found
    assert f"(the other is at line {phase})" in found[0]


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            'when: "let_them_in.passed"',
            'when: "members_at_door => 80"',
            "=> 80",
            "'=>' is not an operator; write '>='",
        ),
        (
            'when: "let_them_in.passed"',
            'when: "(members_at_door =< 20)"',
            "=< 20",
            "'=<' is not an operator; write '<='",
        ),
        (
            "    initial: 60",
            '    initial: "60"',
            'initial: "60"',
            "'initial' must be a whole number, not '60'; remove the quotes around 60",
        ),
        (
            "    max: 133",
            '    max: "133"',
            'max: "133"',
            "whole-number 'max'; remove the quotes around 133",
        ),
        (
            "    counterfactual: true",
            '    counterfactual: "true"',
            'counterfactual: "true"',
            "remove the quotes around true",
        ),
        (
            '    date: 1957-06-21\n    place: "The Kremlin"\n    sources: [medvedev, furtseva_bio]',
            '    date: 1957-06-31\n    place: "The Kremlin"\n    sources: [medvedev, furtseva_bio]',
            "1957-06-31",
            "date 1957-06-31 does not exist: June 1957 has 30 days",
        ),
        (
            '    date: 1957-06-21\n    place: "The Kremlin"\n    sources: [medvedev, furtseva_bio]',
            '    date: 1957-21-06\n    place: "The Kremlin"\n    sources: [medvedev, furtseva_bio]',
            "1957-21-06",
            "date 1957-21-06 has no month 21",
        ),
        (
            "      ranks: [full]",
            "      ranks: [candidate]",
            "[candidate]",
            "no actor has the rank 'candidate', so it gives the vote no voters; "
            "the actors' ranks are 'full'",
        ),
        (
            "voter.stance == 'khrushchev'",
            "voter.stance == khrushchev",
            "voter.stance == khrushchev",
            "unknown variable 'khrushchev'; 'khrushchev' is a value of 'voter.stance': "
            "write it in quotes, 'khrushchev'",
        ),
        (
            'when: "let_them_in.passed"',
            'when: "majority != molotov.stance"',
            "majority != molotov",
            "'majority' is a value of 'molotov.stance': write it in quotes, 'majority'",
        ),
        (
            "    history: refuse",
            "    history: go_out",
            "history: go_out",
            "'go_out' is a choice of phase 'the_appeal'; this phase's choices are 'fob_them_off' "
            "or 'refuse'",
        ),
        (
            "percent: 40",
            "percent: 40%",
            "percent: 40%",
            "write the percent without '%' (percent: 40)",
        ),
        (
            "percent: 40",
            'percent: "40%"',
            "percent: ",
            "write the percent without '%' (percent: 40)",
        ),
        (
            "percent: 40",
            "percent: 40.5",
            "percent: 40.5",
            "whole numbers (such as 40 or 41), not 40.5",
        ),
        (
            "    history: refuse\n",
            "    history: refuse\n    script:\n      - choose: wait\n",
            "choose: wait",
            "'wait' is a choice of phase 'the_appeal'; this phase's choices are 'fob_them_off' "
            "or 'refuse'",
        ),
    ],
)
def test_hints_fit_the_mistake(old: str, new: str, needle: str, message: str) -> None:
    text = mutate(old, new)
    found = errors(text)
    assert len(found) == 1 and found[0].startswith(f"{line_of(text, needle)}:"), found
    assert message in found[0], found


def test_a_rank_nobody_holds_is_named_also_when_it_is_the_only_voters() -> None:
    text = mutate("      ranks: [full]", "      ranks: [candidate]")
    text = text[: text.index("    blocs:")] + text[text.index("phases:") :]
    (found,) = errors(text)
    assert "no actor has the rank 'candidate'" in found and "give 'voters'" not in found


@pytest.mark.parametrize("percent", ["0", "100", "150", "-5", "50 - 60"])
def test_a_chance_must_be_a_chance(percent: str) -> None:
    text = mutate("          percent: 40", f'          percent: "{percent}"')
    (found,) = errors(text)
    assert found.startswith(f"{line_of(text, 'percent: ')}:21: a chance of "), found
    assert "give a percent from 1 to 99" in found


def test_odds_that_depend_on_the_game_are_not_judged_when_compiled() -> None:
    assert errors(mutate("          percent: 40", '          percent: "members_at_door"')) == []


def test_a_side_that_never_decides_is_warned_about() -> None:
    text = mutate("    by: khrushchev\n", "    by: molotov\n")
    scenario, found = compile_yaml(text)
    assert scenario is not None
    assert [(d.severity, d.span.line, d.message) for d in found] == [
        (
            "warning",
            text.splitlines().index("  khrushchev:") + 1,
            "side 'khrushchev' never decides anything: no phase has 'by: khrushchev', "
            "so a player who takes it can only watch",
        )
    ]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="{}members_atdo r", max_size=24))
def test_any_text_that_compiles_can_be_played(words: str) -> None:
    from presidium.explore import explore

    text = docs_example().replace(
        'text: "Hours pass. Members drift home."', f"text: {json_string(words)}"
    )
    scenario, found = compile_yaml(text)
    if scenario is None:
        assert any(d.severity == "error" for d in found)
        return
    for side in scenario.sides:
        assert not explore(scenario, side).dead_ends


def json_string(words: str) -> str:
    import json

    return json.dumps(words)


@pytest.mark.parametrize(
    ("text", "brace"),
    [
        ("{members_at_door are waiting.", "{members"),
        ("Wait } for them.", "} for"),
        ("Members: {membres}.", "{membres"),
        ('It\'s \\"late\\": {membres}.', "{membres"),  # escapes: the brace is counted
    ],
)
def test_a_brace_mistake_is_placed_at_the_brace(text: str, brace: str) -> None:
    source = mutate('text: "Hours pass. Members drift home."', f'text: "{text}"')
    (found,) = errors(source)
    line = line_of(source, text)
    written = source.splitlines()[line - 1]
    col = written.index(brace) + 1
    assert found.startswith(f"{line}:{col}: "), (found, written)


def test_a_brace_mistake_in_a_block_text_is_placed_at_the_brace() -> None:
    source = mutate(
        "{members_at_door}\n      are waiting.", "{members_at_door}\n      are {waiting."
    )
    (found,) = errors(source)
    line = line_of(source, "are {waiting")
    col = source.splitlines()[line - 1].index("{") + 1
    assert found.startswith(f"{line}:{col}:"), found


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            "    history: refuse\n",
            "",
            "    choices:",
            "phase 'the_door' tells history but does not say which choice was really made",
        ),
        (
            '    date: 1957-06-21\n    place: "The Kremlin"\n    sources: [medvedev, furtseva_bio]',
            '    date: 1957-06-21\n    date_label: "That Friday"\n    place: "The Kremlin"\n'
            "    sources: [medvedev, furtseva_bio]",
            "date_label:",
            "a phase shows 'date_label' instead of its 'date'; keep one",
        ),
    ],
)
def test_what_the_docs_say_of_history_and_date_label_is_warned_about(
    old: str, new: str, needle: str, message: str
) -> None:
    text = mutate(old, new)
    scenario, found = compile_yaml(text)
    assert scenario is not None
    (warning,) = [d for d in found if d.severity == "warning"]
    assert warning.span.line == line_of(text, needle) and message in warning.message


def test_an_invented_phase_needs_no_history() -> None:
    scenario, found = compile_yaml(mutate("    history: go_out\n", ""))
    assert scenario is not None and found == []


@pytest.mark.parametrize("value", ["5", "true", "1.5", "hello"])
def test_choices_that_are_not_a_list_are_an_error_not_a_crash(value: str) -> None:
    text = mutate("    choices:\n", f"    choices: {value}\n    unused_choices:\n")
    found = errors(text)
    assert any("'choices' must be a list" in e for e in found), found


def test_a_malformed_id_read_as_the_id_it_resembles_keeps_its_own_place() -> None:
    found = errors("format: 1\nid: x\ntitle: t\nphases:\n  The Arrest: 5\n  the arrest: 6\n")
    assert (
        "5:15: phase 'the_arrest' must be a mapping of 'key: value' lines, not the number 5"
        in found
    )
    assert not any("not the number 6" in e for e in found)  # the second is not read as it too


def test_an_effect_may_choose_between_two_quoted_values() -> None:
    """if() of two quoted values sets a choice variable; each value is checked against the
    variable's values at its place (this used to stop the compiler with a traceback)."""
    effect = "mikoyan.stance = if(members_at_door > 30, 'khrushchev', {})"
    line = 'effects: ["members_at_door += 20"]'
    good = mutate(line, f'effects: ["{effect.format(repr("majority"))}"]')
    assert errors(good) == []
    bad = errors(mutate(line, f'effects: ["{effect.format(repr("majorty"))}"]'))
    assert len(bad) == 1
    assert "'majorty' is not a value of mikoyan.stance" in bad[0]
    assert "did you mean 'majority'" in bad[0]
