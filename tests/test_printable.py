"""Nothing from outside drives the terminal or breaks a file: scenarios, saves, cache entries
and what the player types are all made printable before they are shown or written.

The payloads are those of the red-team report: OSC 52 (write the clipboard), OSC 0 (retitle
the window), CSI 2J (clear the screen) and the one-byte C1 CSI (U+009B).
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from conftest import ROOT, docs_example, mutate
from conftest import run_cli as run
from presidium import cache, saves
from presidium.files import compile_file
from presidium.loader import load_text
from presidium.printable import clean

JUNE = ROOT / "scenarios" / "june_1957.yaml"
OSC52 = "\x1b]52;c;cHduZWQ=\x1b\\"
PAYLOAD = "\x1b]0;PWNED\x07" + OSC52 + "\x1b[2J\x9b31m"
YAML_PAYLOAD = r"\e]52;c;cHduZWQ=\e\\\e[2J\x9b31m"  # the same, as a YAML double-quoted escape
LIVE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what must never reach a terminal or file


def assert_printable(*texts: str) -> None:
    for text in texts:
        assert not LIVE.search(text), repr(LIVE.search(text))


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(folder))
    return folder


def test_clean_shows_each_unprintable_character_as_an_escape() -> None:
    assert clean("a\x1b[2Jb\x9b\u202e\n\tc") == "a\\x1b[2Jb\\x9b\\u202e\n\tc"
    assert clean("one\ntwo\tthree", one_line=True) == "one\\ntwo\\tthree"
    assert clean("Хрущёв — «Молотов»") == "Хрущёв — «Молотов»"


# --------------------------------------------------------------------------- C1: saves


BASE = ["play", "--side", "khrushchev", "--seed", "5", "--plain", "--width", "80"]


def record(tmp_path: Path) -> Path:
    target = tmp_path / "record.json"
    code, _, _ = run([*BASE, "--record", str(target)], "1\n1\nquit\n")
    assert code == 0
    return target


def forge(path: Path, **changes: object) -> Path:
    """A save edited by hand, with its checksum recomputed as anyone can."""
    save = dataclasses.replace(saves.read(path), **changes)
    return saves.write(save, path.with_name("forged.json"))


def test_replay_shows_a_tampered_transcript_printably(tmp_path: Path) -> None:
    source = record(tmp_path)
    session = saves.read(source).session
    assert session is not None
    session = dataclasses.replace(session, transcript=PAYLOAD + "\n" + session.transcript)
    code, out, err = run(["replay", str(forge(source, session=session))])
    assert code == 1 and "Different:" in out
    assert_printable(out, err)
    assert "\\x1b]52;c;cHduZWQ=\\x1b\\" in out  # the author can see what was there


@pytest.mark.parametrize("field", ["source", "scenario", "side"])
def test_load_and_replay_errors_quote_the_save_printably(tmp_path: Path, field: str) -> None:
    forged = forge(record(tmp_path), **{field: PAYLOAD})
    commands = [["play", "--load", str(forged)], ["play", "--plain", "--side", "khrushchev"]]
    if field == "source":
        commands.append(["replay", str(forged)])
    for command in commands:
        stdin = "quit\n" if command[1] == "--load" else f"load {forged}\nquit\n"
        code, out, err = run(command, stdin)
        assert (code == 0) == (command[1] == "--plain") and "\\x1b" in out + err
        assert_printable(out, err)


def test_the_scenario_changed_question_quotes_the_save_printably(tmp_path: Path) -> None:
    copy = tmp_path / "mine.yaml"
    copy.write_text(JUNE.read_text())
    save = tmp_path / "mine.json"
    run(["play", str(copy), *BASE[1:], "--record", str(save)], "1\n1\nquit\n")
    said = "The Presidium meets, as usual, on Tuesday."
    assert said in JUNE.read_text()
    copy.write_text(JUNE.read_text().replace(said, "The Presidium meets on Tuesday."))
    choices = saves.read(save).choices
    forged = forge(save, choices=[choices[0], PAYLOAD])
    code, out, err = run(["play", "--load", str(forged), "--plain"], "no\n")
    assert code == 1 and "is not offered" in out and "\\x1b]0;PWNED" in out
    assert_printable(out, err)


# --------------------------------------------------------------------------- C2: scenarios


SCENARIO_PAYLOADS = {
    "unknown key": ("format: 1\n", f'format: 1\n"{YAML_PAYLOAD}": 1\n'),
    "format": ("format: 1\n", f'format: "{YAML_PAYLOAD}"\n'),
    "id": ("id: sverdlov_door", f'id: "{YAML_PAYLOAD}"'),
    "start": ("start: the_door", f'start: "{YAML_PAYLOAD}"'),
    "next": ("next: the_appeal", f'next: "x{YAML_PAYLOAD}"'),
    "expression": (
        "when: \"voter.stance == 'khrushchev'\"",
        f'when: "voter.stance == {YAML_PAYLOAD}"',
    ),
    "effect": ('effects: ["members_at_door += 20"]', f'effects: ["{YAML_PAYLOAD} += 20"]'),
    "grade": ("grade: B", f'grade: "{YAML_PAYLOAD}"'),
    "date": ("date: 1957-06-21", f'date: "1957-06-21{YAML_PAYLOAD}"'),
    "extends": ("format: 1\n", f'format: 1\nextends: "{YAML_PAYLOAD}.yaml"\n'),
    "raw line 1": ("format: 1\n", f"format: 1 {PAYLOAD}\n"),
    "raw later line": ("title:", f"# {PAYLOAD}\ntitle:"),
}


@pytest.mark.parametrize("case", sorted(SCENARIO_PAYLOADS))
def test_diagnostics_quote_scenario_values_printably(tmp_path: Path, case: str) -> None:
    old, new = SCENARIO_PAYLOADS[case]
    path = tmp_path / "bad.yaml"
    path.write_text(mutate(old, new), encoding="utf-8")
    seen = ""
    for command in (
        ["validate", str(path)],
        ["check", str(path)],
        ["graph", str(path)],
        ["play", str(path), "--plain"],
        ["new", str(tmp_path / "new.yaml"), "--extends", str(path)],
    ):
        code, out, err = run(command, "quit\n")
        assert code == 1, (command, out, err)
        assert_printable(out, err)
        seen += out + err
    assert "\\x1b" in seen or "\\x9b" in seen  # shown, so that the author can find it


def test_a_file_name_with_an_escape_is_printed_printably(tmp_path: Path) -> None:
    path = tmp_path / f"evil{OSC52}.yaml"
    path.write_text(mutate("start: the_door", "start: nowhere"), encoding="utf-8")
    good = tmp_path / f"good{OSC52}.yaml"
    good.write_text(docs_example(), encoding="utf-8")
    code, out, err = run(["validate", str(path), str(good)])
    assert code == 1 and "evil\\x1b]52;c;cHduZWQ=\\x1b\\.yaml:" in out
    assert "good\\x1b]52;c;cHduZWQ=\\x1b\\.yaml: valid" in out
    assert_printable(out, err)
    code, out, err = run(["validate", str(path) + "-missing"])
    assert code == 2
    assert_printable(out, err)


def test_a_value_cannot_forge_a_line_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(mutate("format: 1\n", 'format: 1\n"a\\nbad.yaml:1:1: error: forged": 1\n'))
    code, out, _ = run(["validate", str(path)])
    assert code == 1 and not any(line.startswith("bad.yaml:1:1") for line in out.splitlines())
    assert "unknown key 'a\\nbad.yaml:1:1: error: forged'" in out


# --------------------------------------------------------------------------- m1 and m2


def test_a_control_character_the_yaml_reader_refuses_is_reported_where_it_is() -> None:
    text = docs_example().replace('place: "The Kremlin"', 'place: "The \x0cKremlin"')
    line = next(n for n, x in enumerate(text.split("\n"), 1) if "\x0c" in x)
    result = load_text(text, "door.yaml")
    (diagnostic,) = result.diagnostics
    assert (diagnostic.span.line, diagnostic.span.col) == (line, 17)
    assert "U+000C" in diagnostic.message
    shown = diagnostic.format(result.lines).splitlines()
    assert shown[1] == '        place: "The \\x0cKremlin"' and shown[2].index("^") == 4 + 16


def test_an_escape_on_line_one_is_placed_and_quoted_printably() -> None:
    result = load_text(f"format: 1 {PAYLOAD}\n", "door.yaml")
    (diagnostic,) = result.diagnostics
    assert (diagnostic.span.line, diagnostic.span.col) == (1, 11)
    assert_printable(diagnostic.format(result.lines))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('majority: "With the majority"', 'majority: "With the \\x9b31m majority"'),
        (
            "    type: number\n    min: 0\n    max: 133\n    initial: 60",
            '    type: choice\n    values: {few: "A \\e[2J few"}\n    initial: few',
        ),
    ],
    ids=["stance label", "value label"],
)
def test_labels_get_the_same_text_check_as_other_text(old: str, new: str) -> None:
    from conftest import errors

    assert any("control character" in e for e in errors(mutate(old, new)))


# --------------------------------------------------------------------------- C3: what is typed


@pytest.mark.parametrize("suffix", ["txt", "md", "html", "svg"])
def test_what_the_player_types_is_echoed_printably(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"session.{suffix}"
    code, out, err = run(
        [*BASE, "--transcript", str(target)], f"{PAYLOAD}\n1\n{OSC52}notes\nquit\n"
    )
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert_printable(out, err, text)
    assert "\\x1b]52;c;cHduZWQ=" in out
    if suffix == "svg":
        ElementTree.fromstring(text)  # still well-formed XML
    if suffix == "html":
        assert "\\x1b]52;c;cHduZWQ=" in text


def test_the_record_keeps_what_was_typed_exactly(tmp_path: Path) -> None:
    target = tmp_path / "record.json"
    run([*BASE, "--record", str(target)], f"{OSC52}\n1\nquit\n")
    session = saves.read(target).session
    assert session is not None and session.inputs[0] == OSC52
    assert_printable(session.transcript)


# --------------------------------------------------------------------------- M14: the cache


def tamper(path: Path, change: object) -> None:
    """Compile ``path`` into the cache, then rewrite its entry with allowed classes only."""
    data = path.read_bytes()
    result = compile_file(path, str(path))
    assert result.scenario is not None
    entry = cache.entry_path(data, str(path))
    assert entry is not None and entry.exists()
    value = change(result.scenario, result.diagnostics)  # type: ignore[operator]
    entry.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


BROKEN = {
    "no start phase": lambda s, d: (dataclasses.replace(s, start="nowhere"), d),
    "no phases": lambda s, d: (dataclasses.replace(s, phases={}), d),
    "phases a set": lambda s, d: (dataclasses.replace(s, phases=set(s.phases)), d),
    "diagnostics a set": lambda s, d: (s, {1, 2}),
    "diagnostics a number": lambda s, d: (s, 5),
    "a number as text": lambda s, d: (dataclasses.replace(s, title=5), d),
    "an unknown voter": lambda s, d: (
        dataclasses.replace(
            s,
            votes={k: dataclasses.replace(v, voters=("nobody",)) for k, v in s.votes.items()},
        ),
        d,
    ),
    "an unknown confidence": lambda s, d: (
        dataclasses.replace(
            s,
            endings={
                k: dataclasses.replace(
                    e, fates=tuple(dataclasses.replace(f, confidence=PAYLOAD) for f in e.fates)
                )
                for k, e in s.endings.items()
            },
        ),
        d,
    ),
    "an id that is no id": lambda s, d: (
        dataclasses.replace(
            s,
            sources={**s.sources, PAYLOAD: dataclasses.replace(s.sources["medvedev"], id=PAYLOAD)},
        ),
        d,
    ),
    "a date that is no date": lambda s, d: (
        dataclasses.replace(
            s, phases={k: dataclasses.replace(p, date="1957-02-30") for k, p in s.phases.items()}
        ),
        d,
    ),
    "text where a number starts": lambda s, d: (
        dataclasses.replace(
            s, variables={k: dataclasses.replace(v, initial="60") for k, v in s.variables.items()}
        ),
        d,
    ),
    "an unknown vote": lambda s, d: (
        dataclasses.replace(
            s,
            votes={
                k: dataclasses.replace(
                    v, rules=tuple(dataclasses.replace(r, vote="maybe") for r in v.rules)
                )
                for k, v in s.votes.items()
            },
        ),
        d,
    ),
    "a vote's tally in a scene": lambda s, d: (
        dataclasses.replace(
            s,
            phases={
                k: dataclasses.replace(
                    p,
                    choices=tuple(
                        dataclasses.replace(c, when=s.votes["let_them_in"].passes)
                        for c in p.choices
                    ),
                )
                for k, p in s.phases.items()
            },
        ),
        d,
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_structurally_broken_cache_entry_is_ignored(tmp_path: Path, case: str) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(docs_example(), encoding="utf-8")
    tamper(path, BROKEN[case])
    assert cache.load(path.read_bytes(), str(path)) is None  # refused, so compiled again
    code, out, err = run(["validate", str(path)])
    assert code == 0 and out.endswith("door.yaml: valid\n") and "Traceback" not in err
    code, out, err = run(["play", str(path), "--autoplay", "history", "--plain", "--seed", "1"])
    assert code == 0 and "Ending: plenum_called" in out
    assert_printable(out, err)


def test_what_the_compiler_makes_passes_the_cache_check() -> None:
    from conftest import compile_yaml
    from presidium.tools.new import STARTER

    scenarios = [
        compile_file(path, use_cache=False) for path in (ROOT / "scenarios").glob("*.yaml")
    ]
    found = [(r.scenario, r.diagnostics) for r in scenarios]
    found.append(compile_yaml(docs_example()))
    found.append(compile_yaml(STARTER.format(id="mine", file="mine.yaml", schema="x.json")))
    assert len(found) >= 10 and all(s is not None for s, _ in found)
    assert all(cache.well_formed(entry) for entry in found)


def test_a_well_formed_tampered_entry_is_still_shown_printably(tmp_path: Path) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(docs_example(), encoding="utf-8")

    def sly(scenario, diagnostics):  # type: ignore[no-untyped-def]
        sides = {
            k: dataclasses.replace(v, name=v.name + PAYLOAD) for k, v in scenario.sides.items()
        }
        return dataclasses.replace(scenario, sides=sides), diagnostics

    tamper(path, sly)
    assert cache.load(path.read_bytes(), str(path)) is not None  # the entry is used
    code, out, err = run(
        ["play", str(path), "--side", "khrushchev", "--autoplay", "history", "--seed", "1"]
    )
    said = " ".join(out.split())
    assert code == 0 and "The majority\\x1b]0;PWNED" in said and "chose:" in said
    for handout in ("debrief.html", "debrief.md"):
        target = tmp_path / handout
        command = ["play", str(path), "--side", "molotov", "--autoplay", "history", "--seed", "1"]
        assert run([*command, "--debrief", str(target)])[0] == 0
        assert "x1b" in target.read_text() and "PWNED" in target.read_text()
        assert_printable(target.read_text())
    assert_printable(out, err)
    code, out, err = run(
        [
            "play",
            str(path),
            "--json",
            "--side",
            "khrushchev",
            "--autoplay",
            "history",
            "--seed",
            "1",
        ]
    )
    texts: list[str] = []

    def collect(obj: dict[str, object]) -> dict[str, object]:
        for v in obj.values():
            texts.extend(x for x in (v if isinstance(v, list) else [v]) if isinstance(x, str))
        return obj

    for line in out.splitlines():
        json.loads(line, object_hook=collect)
    assert code == 0 and "\x9b" not in out and "\\u009b" in out
    assert any(PAYLOAD in t for t in texts)  # the same value to a program, nothing live


# --------------------------------------------------------------------------- m4 and m5


TITLE = (
    'title: "The door\\n}\\n%%{init: {}}%%\\nclick p_the_door href \\"javascript:alert(1)\\"'
    '\\nimage=\\"/etc/passwd\\"\\n```\\n<script>x</script>"'
)


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_a_title_cannot_break_out_of_a_graph_comment(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(mutate('title: "At the Door of the Sverdlov Hall"', TITLE))
    code, out, _ = run(["graph", str(path), "--format", fmt])
    assert code == 0
    first, *rest = out.splitlines()
    assert first.startswith("%% " if fmt == "mermaid" else "// ") and "javascript" in first
    assert not any("javascript" in line or "passwd" in line for line in rest)
    target = tmp_path / "graph.md"
    assert run(["graph", str(path), "-o", str(target)])[0] == 0
    heading, blank, opening, *body = target.read_text().splitlines()
    assert heading.startswith("# The door") and "<script>" not in heading and blank == ""
    fence = opening.removesuffix("mermaid")
    assert len(fence) > 3 and set(fence) == {"`"} and body[-1] == fence
    assert fence not in "\n".join(body[:-1])


def test_scenario_text_cannot_close_the_markdown_transcript_block(tmp_path: Path) -> None:
    path = tmp_path / "door.yaml"
    path.write_text(
        mutate(
            "  Presidium and want to be let in.\n",
            "  Presidium and want to be let in.\n\n  ````\n\n  <script>alert(1)</script>\n",
        ).replace('title: "At the Door of the Sverdlov Hall"', TITLE)
    )
    target = tmp_path / "t.md"
    code, _, _ = run(
        ["play", str(path), "--autoplay", "history", "--seed", "1", "--transcript", str(target)]
    )
    assert code == 0
    heading, _, opening, *body = target.read_text().splitlines()
    assert heading.startswith("# Transcript: The door") and "<script>" not in heading
    fence = opening.removesuffix("text")
    assert len(fence) > 4 and set(fence) == {"`"} and body[-1] == fence
    assert fence not in "\n".join(body[:-1]) and "<script>alert(1)</script>" in body


def test_every_field_the_game_renders_is_made_printable() -> None:
    """Defence in depth behind the compiler and the cache check: the renderer cleans every
    field it shows, names, places, confidences and source ids included."""
    import io

    from conftest import compile_yaml
    from presidium import events as ev
    from presidium.ui.render import Renderer, make_console

    scenario, _ = compile_yaml(docs_example())
    assert scenario is not None
    events = [
        ev.PhaseStarted(
            "p", PAYLOAD, "1957-06-18", PAYLOAD, PAYLOAD, PAYLOAD, PAYLOAD, False, PAYLOAD, True
        ),
        ev.ChoiceMade("molotov", PAYLOAD, "p", "c", PAYLOAD, "script", False),
        ev.GameEnded(
            "e",
            PAYLOAD,
            "historical",
            PAYLOAD,
            (ev.Fate("molotov", PAYLOAD, PAYLOAD, ("medvedev", PAYLOAD), PAYLOAD),),
        ),
    ]
    for plain in (True, False):
        out = io.StringIO()
        console = make_console(plain, width=100, file=out, styled=not plain)
        Renderer(console, scenario, plain, "khrushchev").events(events)
        text = out.getvalue()
        assert text.count("PWNED") >= 10
        if plain:
            assert_printable(text)
        else:  # the console's own colours are escape sequences; nothing else may be
            assert "\x1b]" not in text and "\x1b[2J" not in text and "\x9b" not in text


@pytest.mark.parametrize("name", ["esc\x1b]0;x\x07.yaml", "line\ntitle: injected.yaml"])
def test_a_starter_named_with_control_characters_still_validates(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    code, _, err = run(["new", str(target)])
    assert code == 0, err
    assert run(["validate", str(target)])[0] == 0
