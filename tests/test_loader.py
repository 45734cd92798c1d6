"""The hardened YAML loader: hostile and broken files are problems, never crashes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from presidium import loader
from presidium.loader import MAX_BYTES, MAX_DEPTH, YList, YMap, load_bytes, load_text


def messages(text: str) -> list[str]:
    return [d.format() for d in load_text(text, "f.yaml").diagnostics]


def test_values_resolve_as_yaml_1_2() -> None:
    doc = load_text(
        "a: no\nb: yes\nc: on\nd: true\ne: 1:30\nf: 1957-06-18\ng: 0777\nh: ~\ni: 2.5\n", "f"
    ).document
    assert doc == {
        "a": "no",
        "b": "yes",
        "c": "on",
        "d": True,
        "e": "1:30",
        "f": "1957-06-18",
        "g": 777,
        "h": None,
        "i": 2.5,
    }


def test_quoted_scalars_stay_text() -> None:
    assert load_text("a: 'true'\nb: \"12\"\n", "f").document == {"a": "true", "b": "12"}


def test_every_node_knows_its_position() -> None:
    doc = load_text("top:\n  list:\n    - one\n    - two\n", "f.yaml").document
    assert isinstance(doc, YMap)
    inner = doc["top"]["list"]
    assert isinstance(inner, YList)
    assert str(inner.item_span(1)) == "f.yaml:4:7"
    assert str(doc["top"].key_span("list")) == "f.yaml:2:3"


def test_duplicate_keys_name_both_lines() -> None:
    assert messages("a: 1\nb: 2\na: 3\n") == [
        "f.yaml:3:1: error: duplicate key 'a' (first defined at line 1)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &x 1\nb: *x\n", "f.yaml:1:4: error: anchors (&x) are not allowed in scenarios"),
        ("a: *x\n", "aliases"),
        ("a: !!python/object/apply:os.system [echo hacked]\n", "tags such as"),
        ("a: !custom 1\n", "tags such as"),
        ("a: 'unclosed\n", "f.yaml:1:4: error: YAML syntax: the quote ' opened at line 1"),
        ("a:\n\t- 1\n", "f.yaml:2:1: error: tab used for indentation"),
        ("a: 1\n---\nb: 2\n", "only one YAML document"),
        ("[a, {b: ]\n", "YAML syntax"),
    ],
)
def test_hostile_or_broken_input_is_a_problem(text: str, expected: str) -> None:
    found = messages(text)
    assert found, text
    assert expected in found[0]
    assert all(d.severity == "error" for d in load_text(text, "f.yaml").diagnostics)


def test_depth_is_capped() -> None:
    deep = "x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    assert any(f"nesting deeper than {MAX_DEPTH}" in m for m in messages(deep))
    shallow = "x: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "\n"
    assert messages(shallow) == []


class _ParserThatGivesUpEarly:
    """A stand-in for a parser version that refuses deep nesting itself, in its own words."""

    def __init__(self, text: str) -> None:
        self.text = text

    def check_event(self) -> bool:
        mark = yaml.Mark("deep.yaml", 0, 0, 9, None, None)
        raise yaml.MarkedYAMLError(problem="some library's own words", problem_mark=mark)

    def dispose(self) -> None:
        pass


@pytest.mark.parametrize("parser", ["installed", "gives up early"])
def test_depth_message_is_ours_whatever_the_parser(
    parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Our words and our place, with every parser version (PyYAML 6.0.4 stops at its own limit)."""
    if parser != "installed":
        monkeypatch.setattr(loader, "_FastLoader", _ParserThatGivesUpEarly)
    deep = "title: x\nx: " + "[" * 5000 + "]" * 5000 + "\n"
    found = load_text(deep, "deep.yaml").diagnostics
    assert [(d.span.line, d.span.col, d.message) for d in found] == [
        (2, 3 + MAX_DEPTH + 1, f"nesting deeper than {MAX_DEPTH} levels")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "a: '" + "[" * 100 + "'\n",  # inside quotes
        'a: "\\"' + "{" * 100 + '"\n',  # an escaped quote does not end the string
        "a: 1 # " + "[" * 100 + "\n",  # a comment
        "a: see " + "[" * 100 + "\n",  # a plain scalar: not a flow collection
        "a: [" + "[]," * 100 + "]\n",  # wide, not deep
    ],
)
def test_depth_scan_counts_only_real_nesting(text: str) -> None:
    assert loader.too_deep(text) is None


def test_deep_nesting_neither_crashes_nor_recurses() -> None:
    """The C parser segfaults on deep nesting only when its composer recurses; we never compose."""
    code = textwrap.dedent(
        """
        from presidium.loader import load_text
        for text in ("[" * 50000, "{a: " * 50000, "- " * 50000):
            result = load_text(text, "deep.yaml")
            assert result.document is None and result.diagnostics, text[:10]
        print("ok")
        """
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


def test_billion_laughs_is_refused_quickly() -> None:
    bomb = 'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
    result = load_text(bomb, "f")
    assert result.document is None
    assert "anchors" in result.diagnostics[0].message


def test_size_binary_and_encoding() -> None:
    big = load_bytes(b"a: 1\n" + b"#" * (MAX_BYTES + 1), "big.yaml")
    assert "scenarios may be at most" in big.diagnostics[0].message
    binary = load_bytes(b"a: \x00\x01", "bin.yaml")
    assert "binary" in binary.diagnostics[0].message
    latin = load_bytes("title: café\n".encode("latin-1"), "latin.yaml")
    assert str(latin.diagnostics[0].span) == "latin.yaml:1:11"
    assert "not valid UTF-8" in latin.diagnostics[0].message


def test_empty_file_is_no_document() -> None:
    result = load_text("", "empty.yaml")
    assert result.document is None and result.diagnostics == []


def test_control_characters_are_a_problem() -> None:
    assert messages("a: \x07\n")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_a_document_or_diagnostics(data: bytes) -> None:
    result = load_bytes(data, "fuzz.yaml")
    for diagnostic in result.diagnostics:
        assert diagnostic.span.file == "fuzz.yaml" and diagnostic.span.line >= 1


YAMLISH = st.text(
    alphabet=st.sampled_from(list("ab: -[]{},'\"&*!|>#\n\t0123456789?%@`")), max_size=120
)


@settings(max_examples=400, deadline=None)
@given(YAMLISH)
def test_yaml_shaped_noise_never_raises(text: str) -> None:
    from presidium.compiler import compile_document

    result = load_text(text, "noise.yaml")
    if not result.diagnostics:
        compile_document(result.document, "noise.yaml")


def syntax_errors(text: str) -> list[str]:
    return [f"{d.span.line}:{d.span.col}: {d.message}" for d in load_text(text, "f").diagnostics]


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ('place: "The Kremlin"\n    sources', "place: 'The Kremlin\n    sources", "quote '"),
        ('place: "The Kremlin"\n    sources', 'place: "The Kremlin\n    sources', 'quote "'),
        ("sources: [medvedev, furtseva_bio]", "sources: [medvedev, furtseva_bio", "bracket ["),
        (
            "  - {reachable: plenum_called, as: molotov}",
            "  - {reachable: plenum_called",
            "bracket {",
        ),
    ],
)
def test_an_unclosed_quote_or_bracket_is_reported_where_it_opened(
    old: str, new: str, what: str
) -> None:
    from conftest import mutate

    text = mutate(old, new)
    first = new.split("\n")[0]
    opened = next(n for n, line in enumerate(text.splitlines(), 1) if line.endswith(first))
    col = text.splitlines()[opened - 1].index(what[-1]) + 1
    (found,) = syntax_errors(text)
    assert found.startswith(f"{opened}:{col}: YAML syntax: the {what} opened at line {opened}")
    assert found.endswith("reading stopped at this mistake, so others may show once it is fixed")
    assert "close it" in found and "did not find expected" not in found


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a: b: c\n", "put the whole value in quotes"),
        ("a:\n  - x\n - y\n", "check its indentation"),
        ('a: "C:\\q"\n', "unknown escape in double-quoted text; write '\\\\' for a backslash"),
        ("[a, {b: ]\n", "a value is missing here"),
        ('e: ["a += 1" "b"]\n', "its items are not separated by ','"),  # not a quote ended early
    ],
)
def test_syntax_errors_are_told_in_our_words(text: str, words: str) -> None:
    (found,) = syntax_errors(text)
    assert words in found and "others may show once it is fixed" in found


def test_depth_is_placed_right_after_a_quote_that_spans_lines() -> None:
    text = 'a: "one\n  two"\nx: ' + "[" * (MAX_DEPTH + 5) + "\n"
    assert loader.too_deep(text) == (3, 4 + MAX_DEPTH)


def test_a_nul_byte_is_placed_where_it_is() -> None:
    found = load_bytes(b"format: 1\ntitle: x\nsummary: a\x00b\n", "nul.yaml").diagnostics
    assert [(d.span.line, d.span.col) for d in found] == [(3, 11)]
    assert "NUL" in found[0].message


def test_a_file_of_nothing_but_mistakes_is_read_no_further_than_the_cap() -> None:
    """One duplicate key per line: the loader stops at the cap instead of listing millions."""
    from presidium.diagnostics import MAX_KEPT

    text = "format: 1\n" + "a: 1\n" * (MAX_KEPT + 500)
    found = load_text(text, "dups.yaml").diagnostics
    assert len(found) == MAX_KEPT + 1
    assert "reading stopped here" in found[-1].message
    assert found[-1].span.line == MAX_KEPT + 3  # line 2 is the first a:, line 3 its first repeat


@pytest.mark.parametrize("parser", ["libyaml", "pure Python"])
@pytest.mark.parametrize(
    ("old", "new", "at", "col", "words"),
    [
        (  # a key dedented: the parser stops at the next line, which is in line
            '    place: "The Kremlin"\n    sources: [medvedev',
            '  place: "The Kremlin"\n    sources: [medvedev',
            '  place: "The Kremlin"',
            3,
            "'place' is indented less than the keys around it (2 spaces, the others 4); "
            "indent it 4 spaces",
        ),
        (
            "        next: the_count\n      - id: wait",
            "         next: the_count\n      - id: wait",
            "         next: the_count",
            10,
            "'next' is indented more than the keys around it (9 spaces, the others 8)",
        ),
        (  # a key of a list item dedented onto the item's '- '
            "        next: the_appeal\n      - id: fob_them_off",
            "      next: the_appeal\n      - id: fob_them_off",
            "      next: the_appeal",
            7,
            "'next' is indented less than the keys before it (6 spaces, the others 8)",
        ),
        (
            '    title: "The door"',
            '    title "The door"',
            '    title "The door"',
            10,
            "a key needs ': ' (a colon and a space) after it, as in title: \"The door\"",
        ),
        (
            '    title: "The door"',
            '    title:"The door"',
            '    title:"The door"',
            10,
            "a key needs ': ' (a colon and a space) after it, as in title: \"The door\"",
        ),
        (
            '    date: 1957-06-21\n    place: "The Kremlin"\n    sources: [medvedev, furtseva',
            '    date 1957-06-21\n    place: "The Kremlin"\n    sources: [medvedev, furtseva',
            "    date 1957-06-21",
            9,
            "a key needs ': ' (a colon and a space) after it, as in date: 1957-06-21",
        ),
        (  # the next key at the same indent: the parser stops there
            "    by: molotov",
            "    by molotov",
            "    by molotov",
            7,
            "a key needs ': ' (a colon and a space) after it, as in by: molotov",
        ),
        (
            "      Mikoyan goes out to them",
            "    Mikoyan goes out to them",
            "    Mikoyan goes out to them",
            5,
            "this line of the 'text: >' block is indented less than the block's first line "
            "(4 spaces, the first line 6)",
        ),
        (
            "  Friday 21 June 1957, in miniature.",
            "    Friday 21 June 1957, in miniature.",
            "    Friday 21 June 1957",
            5,
            "the first line of the 'summary: >' block is indented more than the line after it "
            "(4 spaces, the next 2); the first line sets the block's indent",
        ),
        (  # a choice written as a mapping entry, in a list of choices
            "      - id: refuse\n",
            "      refuse:\n",
            "      refuse:",
            7,
            "this is a list: start the item with '- '",
        ),
        (  # ... but a list item among the phases, which are keys, is the odd one
            "  the_appeal:\n",
            "  - id: the_appeal\n",
            "  - id: the_appeal",
            3,
            "a list item after keys such as 'the_door:'; remove the '- ', or start every entry",
        ),
        (
            '        label: "Refuse to receive them"',
            "        label: 'Refuse the Committee's members'",
            "        label: 'Refuse the Committee's members'",
            37,
            "the ' after 'Committee' ends the text that opened at column 16; inside '...' write "
            "'' for an apostrophe, or use \"...\"",
        ),
        (
            '    text: "The members are waiting.',
            '    text: "The members say "let us in" and are waiting.',
            '    text: "The members say "let us in"',
            28,
            'the " before \'let\' ends the text that opened at column 11; inside "..." write '
            "\\\" for a quotation mark, or use '...'",
        ),
        (
            "    sources: [medvedev, furtseva_bio]",
            "    sources: [medvedev, furtseva_bio]]",
            "    sources: [medvedev, furtseva_bio]]",
            38,
            "a ']' here closes nothing; remove it",
        ),
    ],
)
def test_a_syntax_mistake_is_named_at_its_own_line(
    old: str, new: str, at: str, col: int, words: str, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The line that is wrong, in our words, whichever parser PyYAML was built with (their
    wordings differ), not the line after it where the parser happened to stop."""
    from conftest import mutate

    if parser != "libyaml":
        monkeypatch.setattr(loader, "_FastLoader", yaml.SafeLoader)
    text = mutate(old, new)
    line = next(n for n, source in enumerate(text.splitlines(), 1) if source.startswith(at))
    (found,) = syntax_errors(text)
    assert found.startswith(f"{line}:{col}: YAML syntax: {words}"), found
    assert found.endswith("reading stopped at this mistake, so others may show once it is fixed")


def test_the_syntax_error_shown_in_the_docs_is_what_validate_prints(tmp_path: Path) -> None:
    from conftest import DOCS, mutate, run_cli

    path = tmp_path / "door.yaml"
    path.write_text(
        mutate(
            '    place: "The Kremlin"\n',
            '  place: "The Kremlin"\n',
        ),
        "utf-8",
    )
    code, out, err = run_cli(["validate", str(path)])
    shown = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
    block = shown.split("indented two spaces too few:\n\n```text\n", 1)[1].split("```")[0]
    assert code == 1
    assert (out + err).replace(str(path), "door.yaml") == block


def test_unquoted_prose_cut_short_by_a_comment_is_a_warning(tmp_path: Path) -> None:
    """``text: house #12`` silently reads as "house"; a comment after a quoted value, or after
    a key that holds no prose (the example's ``history: refuse   # ...``), is left alone."""
    from conftest import mutate, run_cli

    path = tmp_path / "door.yaml"
    quiet = mutate("    by: khrushchev\n", "    by: khrushchev   # the side that decides\n")
    quiet = quiet.replace('"Go out to the members"', '"Go out to the members"  # as he did')
    path.write_text(quiet, "utf-8")
    assert run_cli(["validate", str(path)])[:2] == (0, f"{path}: valid\n")

    path.write_text(mutate('label: "Go out to the members"', "label: Go to room #3"), "utf-8")
    code, out, _ = run_cli(["validate", str(path)])
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "#3" in text)
    assert code == 0
    assert out.startswith(f"{path}:{line}:27: warning: 'label' ends before this '#'")
    assert "put it all in quotes" in out


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("extra", ["", "# a note\u2028# on two lines\n"])
def test_a_syntax_mistake_is_placed_alike_whatever_the_line_breaks(
    newline: str, extra: str
) -> None:
    """YAML counts \\r, \\r\\n, U+2028 and U+2029 as line breaks; so must our own scans."""
    from conftest import mutate

    text = extra + mutate(
        '        label: "Refuse to receive them"',
        "        label: 'Refuse the Committee's members'",
    )
    line = next(n for n, s in enumerate(loader.source_lines(text), 1) if "Committee's" in s)
    (found,) = syntax_errors(text.replace("\n", newline))
    assert found.startswith(f"{line}:37: YAML syntax: the ' after 'Committee' ends"), found


def test_the_syntax_scans_are_linear_in_a_long_line() -> None:
    """A hostile one-line file with a syntax error: the scans step back over spaces only."""
    import time

    def seconds(size: int) -> float:
        text = "a: [" + "'x', " * size + "'unclosed]\nb: ]\n"
        started = time.perf_counter()
        syntax_errors(text)
        return time.perf_counter() - started

    small, large = seconds(20_000), seconds(160_000)
    assert large < 8 * small * 3 + 0.5, (small, large)  # quadratic would be 64 times


@pytest.mark.parametrize(
    ("data", "where", "byte"),
    [
        (b"\xef\xbb\xbfa: \xff\n", (1, 4), "0xff"),  # after a byte-order mark: the right byte
        ("a: é\n".encode() + b"b: \xff\n", (2, 4), "0xff"),
        ("a: é".encode() + b"\x00", (1, 5), None),  # columns in characters, not bytes
        (b"a: 1\rb: \xff\r", (2, 4), "0xff"),  # a lone CR ends a line, as YAML reads it
    ],
)
def test_an_unreadable_byte_is_named_and_placed_as_an_editor_shows_it(
    data: bytes, where: tuple[int, int], byte: str | None
) -> None:
    (found,) = load_bytes(data, "f.yaml").diagnostics
    assert (found.span.line, found.span.col) == where
    if byte is not None:
        assert f"byte {byte}" in found.message
