"""Hardened YAML loading: the only module that imports ``yaml``.

Scenario files are untrusted. We never let PyYAML construct objects: we read its *event*
stream and build plain dicts, lists and scalars ourselves, iteratively, so that

- nothing is ever constructed from a tag (``!!python/object`` is an error, not code);
- anchors and aliases are refused (no "billion laughs");
- nesting is capped without recursion (the C parser segfaults on deep nesting only in the
  composer, which we never use);
- duplicate keys are errors that name both lines;
- scalars resolve as in YAML 1.2: only ``true``/``false`` are booleans, ``no``/``on`` stay
  strings, ``0777`` is not octal, ``1:30`` is not ninety, dates stay strings;
- every mapping and list remembers the ``file:line:col`` of each of its children.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Union

import yaml

from presidium.conditions import MAX_DIGITS
from presidium.diagnostics import MAX_KEPT, Diagnostic, SourceSpan
from presidium.files import MAX_BYTES

try:  # libyaml is 4-9x faster; the pure parser is the fallback and gives the same events
    from yaml import CSafeLoader as _FastLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _FastLoader  # type: ignore[assignment]

MAX_DEPTH = 64

_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "false": False}
_PLAIN_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

Value = Union["YMap", "YList", str, int, float, bool, None]


class YMap(dict[str, Any]):
    """A mapping that knows where it and each of its keys and values stand in the file.

    Positions are kept as (line, col) pairs and turned into ``SourceSpan``s only when asked
    for, so that loading a large file creates as few objects as possible.
    """

    __slots__ = ("file", "kpos", "pos", "vpos")

    def __init__(self, file: str, pos: tuple[int, int]) -> None:
        super().__init__()
        self.file = file
        self.pos = pos
        self.kpos: dict[str, tuple[Any, ...]] = {}
        self.vpos: dict[str, tuple[Any, ...]] = {}

    @property
    def span(self) -> SourceSpan:
        return SourceSpan(self.file, *self.pos)

    def key_span(self, key: str) -> SourceSpan:
        return _at(self.file, self.kpos.get(key, self.pos))

    def value_span(self, key: str) -> SourceSpan:
        return _at(self.file, self.vpos.get(key, self.kpos.get(key, self.pos)))

    def __reduce__(self) -> Any:  # keep positions when pickled (a cache of parsed files)
        return (_rebuild_map, (self.file, self.pos, dict(self), self.kpos, self.vpos))


class YList(list[Any]):
    """A sequence that knows where it and each of its items stand in the file."""

    __slots__ = ("file", "ipos", "pos")

    def __init__(self, file: str, pos: tuple[int, int]) -> None:
        super().__init__()
        self.file = file
        self.pos = pos
        self.ipos: list[tuple[Any, ...]] = []

    @property
    def span(self) -> SourceSpan:
        return SourceSpan(self.file, *self.pos)

    def item_span(self, index: int) -> SourceSpan:
        if 0 <= index < len(self.ipos):
            return _at(self.file, self.ipos[index])
        return self.span

    def __reduce__(self) -> Any:
        return (_rebuild_list, (self.file, self.pos, list(self), self.ipos))


def _at(file: str, pos: tuple[Any, ...]) -> SourceSpan:
    """A position is (line, col) in the container's own file, or (file, line, col) when a
    scenario that extends another mixes entries from several files in one container."""
    return SourceSpan(file, *pos) if len(pos) == 2 else SourceSpan(*pos)


def _rebuild_map(
    file: str, pos: tuple[int, int], items: dict[str, Any], kpos: Any, vpos: Any
) -> YMap:
    node = YMap(file, pos)
    node.update(items)
    node.kpos, node.vpos = kpos, vpos
    return node


def _rebuild_list(file: str, pos: tuple[int, int], items: list[Any], ipos: Any) -> YList:
    node = YList(file, pos)
    node.extend(items)
    node.ipos = ipos
    return node


def span_of(value: Any, fallback: SourceSpan) -> SourceSpan:
    """The position of a container, or ``fallback`` for a scalar (which carries none)."""
    return getattr(value, "span", fallback)


@dataclass
class LoadResult:
    """The document (``None`` when it could not be read) and every problem found."""

    document: Value
    diagnostics: list[Diagnostic]
    lines: list[str]
    warnings: list[Diagnostic] = field(default_factory=list)


def _span(file: str, mark: Any) -> SourceSpan:
    return SourceSpan(file, mark.line + 1, mark.column + 1)


def _resolve(event: Any) -> Value:
    text: str = event.value
    if event.style:  # quoted or block scalars are always strings
        return text
    first = text[:1]
    if first.isalpha() and text not in _BOOL and text not in _NULL:
        return text  # the common case: a plain word
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        if len(text) > MAX_DIGITS and len(text.lstrip("+-")) > MAX_DIGITS:
            raise _TooLong(len(text.lstrip("+-")))
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


class _Problem(Exception):
    """Stops loading at a problem that leaves nothing sensible to read on."""


class _TooLong(Exception):
    """A whole number with more digits than a scenario may hold (``conditions.MAX_DIGITS``)."""

    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def load_text(text: str, file: str) -> LoadResult:
    """Parse scenario text into located plain data, collecting every problem."""
    lines = source_lines(text)
    problems: list[Diagnostic] = []
    warnings: list[Diagnostic] = []

    def err(message: str, line: int, col: int) -> None:
        if len(problems) == MAX_KEPT:  # a file this broken is read no further
            note = f"more than {MAX_KEPT:,} problems: reading stopped here; fix these first"
            problems.append(Diagnostic("error", note, SourceSpan(file, line, col)))
            raise _Problem
        problems.append(Diagnostic("error", message, SourceSpan(file, line, col)))

    if "\t" in text:
        with contextlib.suppress(_Problem):
            for n, line in enumerate(lines, 1):
                indent = len(line) - len(line.lstrip(" \t"))
                if "\t" in line[:indent]:
                    err("tab used for indentation; YAML indents with spaces only", n, 1)
        if problems:
            return LoadResult(None, problems, lines)

    try:
        with paused_gc():
            root = _build(text, file, err, _cut_by_comment(lines, file, warnings))
    except _Problem:
        return LoadResult(None, problems, lines)
    except yaml.YAMLError as exc:
        # Some parser versions give up on deep nesting themselves, and in their own words,
        # before our event-level cap sees it (libyaml scans a flow collection ahead to its
        # end). Depth is measured by us, so the message and place do not depend on them.
        deep = too_deep(text)
        if deep is not None:
            err(f"nesting deeper than {MAX_DEPTH} levels", *deep)
        elif isinstance(exc, yaml.MarkedYAMLError):
            mark = exc.problem_mark or exc.context_mark
            row, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            began = exc.context_mark.line + 1 if exc.context_mark is not None else None
            problem = exc.problem or exc.context or ""
            message, row, col = syntax_error(text, problem, row, col, began)
            err(f"YAML syntax: {message}; {STOPPED}", row, col)
        else:  # reader errors: characters YAML does not allow anywhere
            bad = _UNREADABLE.search(text)
            if bad is None:
                err(f"YAML: {exc}".replace("\n", " "), 1, 1)
            else:
                what = "control character" if bad.group() < "\xa0" else "character"
                err(
                    f"the {what} U+{ord(bad.group()):04X} is not allowed anywhere in a "
                    "scenario file; delete it",
                    *_position(text, bad.start()),
                )
        return LoadResult(None, problems, lines)
    return LoadResult(root, problems, lines, warnings)


# Keys whose value is prose: there, an unquoted ' #' more likely belongs to the text than
# starts a comment.
_PROSE = frozenset(
    [
        "cite",
        "goal",
        "label",
        "motion",
        "name",
        "office",
        "place",
        "prompt",
        "reason",
        "summary",
        "text",
        "title",
    ]
)


def _cut_by_comment(
    lines: list[str], file: str, warnings: list[Diagnostic]
) -> Callable[[str, Any], None]:
    """Warns when plain (unquoted) prose is followed by a comment on its line: ``text: Soldiers
    surround house #12.`` reads as "Soldiers surround house", silently."""

    def check(key: str, end: Any) -> None:
        if key in _PROSE and end.line < len(lines):
            rest = lines[end.line][end.column :]
            if rest[:1] in (" ", "\t") and rest.lstrip(" \t").startswith("#"):
                col = end.column + len(rest) - len(rest.lstrip(" \t")) + 1
                message = (
                    f"'{key}' ends before this '#': in text without quotes, ' #' starts a "
                    "comment; if the rest of the line belongs to the text, put it all in quotes"
                )
                warnings.append(Diagnostic("warning", message, SourceSpan(file, end.line + 1, col)))

    return check


# What YAML reads as a line break, and the characters it refuses anywhere in a file.
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def source_lines(text: str) -> list[str]:
    """The file's lines as YAML counts them (a form feed, say, does not start a new one), so
    that a diagnostic's line number and the line it quotes agree."""
    lines = _BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _position(text: str, index: int) -> tuple[int, int]:
    """The (line, column) of ``text[index]``, both from 1, counting lines as YAML does."""
    breaks = list(_BREAK.finditer(text, 0, index))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, index - start + 1


_FLOW_TOKEN = re.compile(r"[\[\]{}'\"#\n]")
_BLOCK_STARTS = (":", "-", "?")  # what may stand before a value in block context
_FLOW_STARTS = (*_BLOCK_STARTS, ",", "[", "{")


def too_deep(text: str) -> tuple[int, int] | None:
    """Where flow nesting (``[``/``{``) first goes deeper than ``MAX_DEPTH``, or ``None``.

    A scan of our own, used when the parser has refused a file. Block nesting needs none:
    its events stream, and the loader's cap sees them.
    """
    depth = 0
    for char, _, line, col, _ in _flow_tokens(text, len(text)):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, col
        elif char in "]}":
            depth -= 1
    return None


def _flow_tokens(text: str, stop: int) -> Iterator[tuple[str, int, int, int, int]]:
    """``(char, offset, line, column, end)`` for each quote that starts a value and each
    bracket that opens or closes a flow collection, before offset ``stop``.

    Comments are skipped, and so is the inside of a quoted scalar (``end`` is the offset just
    past it, or the end of the text if it is never closed). In block context a bracket counts
    only where a value starts; ``see [1]`` is plain text.
    """
    depth = 0
    line, line_start, pos = 1, 0, 0
    while True:
        match = _FLOW_TOKEN.search(text, pos, stop)
        if match is None:
            return
        char, at = match.group(), match.start()
        pos = at + 1
        if char == "\n":
            line, line_start = line + 1, pos
            continue
        before = text[line_start:at].rstrip(" ")
        starts_node = before == "" or before.endswith(_FLOW_STARTS if depth else _BLOCK_STARTS)
        if char == "#":
            if at == line_start or text[at - 1] in " \t":
                end = text.find("\n", at)
                pos = len(text) if end < 0 else end
        elif char in "'\"":
            if not starts_node:
                continue
            end = _quote_end(text, at, char)
            yield char, at, line, at - line_start + 1, end
            breaks = text.count("\n", at, end)
            if breaks:
                line, line_start = line + breaks, text.rfind("\n", 0, end) + 1
            pos = end
        elif char in "[{":
            if depth or starts_node:
                depth += 1
                yield char, at, line, at - line_start + 1, pos
        elif depth:
            depth -= 1
            yield char, at, line, at - line_start + 1, pos


STOPPED = "reading stopped at this mistake, so others may show once it is fixed"

_COLON = "a ': ' inside a value; put the whole value in quotes"
# The parser's words for a problem, and ours: what is wrong and what to do.
_OUR_WORDS = {
    "did not find expected key": "this line does not fit the lines around it; check its "
    "indentation, and whether a quote or bracket above it is left open",
    "mapping values are not allowed here": _COLON,
    "mapping values are not allowed in this context": _COLON,
    "did not find expected node content": "a value is missing here",
    "could not find expected ':'": "a key needs a ':' after it, or a quote or bracket above "
    "is left open",
    "found unexpected end of stream": "the file ends inside a quote or bracket",
    "did not find expected ',' or ']'": "a list in [ ] is not closed with ']', or its items are "
    "not separated by ','; put an item with ':' or '#' in quotes",
    "did not find expected ',' or '}'": "a mapping in { } is not closed with '}', or its "
    "entries are not separated by ','",
    "did not find expected '-' indicator": "a list item here is not indented like the items "
    "before it",
    "found unknown escape character": "an unknown escape in double-quoted text; write '\\\\' "
    "for a backslash, or use single quotes",
    "found character that cannot start any token": "this character cannot start a value; put "
    "the value in quotes",
    "found character '@' that cannot start any token": "'@' cannot start a value; put the "
    "value in quotes",
    "found character '`' that cannot start any token": "'`' cannot start a value; put the "
    "value in quotes",
}


def syntax_error(
    text: str, problem: str, line: int, col: int, began: int | None = None
) -> tuple[str, int, int]:
    """The parser's complaint in our words, at the place the mistake was made.

    The parser notices a mistake only where the text stops making sense, often a line or
    many lines later. Small scans of our own find the place: a quote or bracket left open
    (a quote that runs past its line into the place where the parser gave up, or a bracket
    still open there), a quote that ends quoted text early, a bracket that closes nothing, a
    key without ': ', a line indented unlike its neighbours. ``began`` is the line where the
    parser says the construct it was reading began, if it says.
    """
    words = _OUR_WORDS.get(problem.split(" (")[0], problem or "not valid YAML")
    stop = 0
    for _ in range(line - 1):
        stop = text.find("\n", stop) + 1
        if stop == 0:
            stop = len(text)
            break
    stop = min(stop + col - 1, len(text))
    opened = _left_open(text, stop)
    if opened is None:
        lines = source_lines(text)
        for found in (
            _closed_early(text, stop, line),
            _closes_nothing(text, stop),
            _missing_colon(lines, line, col, began),
            _out_of_line(lines, line, col, began),
        ):
            if found is not None:
                return found
        return words, line, col
    char, at_line, at_col, ends = opened
    if char in "[{":
        closer, kind = ("]", "list") if char == "[" else ("}", "mapping")
        message = (
            f"the bracket {char} opened at line {at_line} is not closed, so reading failed at "
            f"line {line}; close it with '{closer}' where the {kind} ends"
        )
    else:
        inside = "an apostrophe as ''" if char == "'" else 'a quotation mark as \\"'
        runs = (
            "is never closed"
            if ends is None
            else f"is not closed on its line, so lines {at_line} to {ends} were read as one text"
        )
        message = (
            f"the quote {char} opened at line {at_line} {runs}; close it on line {at_line} "
            f"(inside {char}...{char}, write {inside})"
        )
    return message, at_line, at_col


def _closed_early(text: str, stop: int, line: int) -> tuple[str, int, int] | None:
    """A quote inside quoted text that ends it early: ``'Blame Ulbricht's line'``.

    The parser stops at the word after the quote; the quote itself is the mistake.
    """
    last, depth = None, 0
    for char, at, at_line, at_col, end in _flow_tokens(text, stop):
        if char in "'\"" and end <= stop:
            last = char, at, at_line, at_col, end
        elif char in "[{]}":
            depth += 1 if char in "[{" else -1
    if last is None or stop >= len(text) or text[stop] in "\r\n#,]}":
        return None
    char, at, at_line, at_col, end = last
    if at_line != line or text[end - 1] != char or end == at + 1 or text[end:stop].strip(" "):
        return None
    if depth and end < stop:  # in [ ] or { }, "a" "b" is more likely a missing ','
        return None
    inner = text[at + 1 : end - 1]
    before = re.search(r"[^\s'\"]+\Z", inner)
    after = re.match(r"[^\s'\"]+", text[stop:])
    where = (
        f"after '{before.group()}'" if before else f"before '{after.group()}'" if after else "here"
    )
    if char == "'":
        advice = "inside '...' write '' for an apostrophe, or use \"...\""
    else:
        advice = 'inside "..." write \\" for a quotation mark, or use \'...\''
    message = f"the {char} {where} ends the text that opened at column {at_col}; {advice}"
    return (message, *_position(text, end - 1))


def _closes_nothing(text: str, stop: int) -> tuple[str, int, int] | None:
    """A ``]`` or ``}`` with no bracket open before it: ``sources: [a]]``."""
    if stop >= len(text) or text[stop] not in "]}":
        return None
    depth = 0
    for char, *_ in _flow_tokens(text, stop):
        depth += 1 if char in "[{" else -1 if char in "]}" else 0
    if depth:
        return None
    line, col = _position(text, stop)
    return f"a '{text[stop]}' here closes nothing; remove it", line, col


# A line of block YAML: its indent, any '- ' list markers, and the key it starts with.
_LINE = re.compile(r"( *)((?:- +)*)(?:([A-Za-z_][\w-]*) *:(?= |\Z))?")
_BLOCK_HEADER = re.compile(r" *(?:- +)*([A-Za-z_][\w-]*) *: *([|>][-+0-9]*) *(?:#.*)?\Z")
_NO_COLON = re.compile(r"( *)(?:- +)*([a-z_][a-z0-9_]*)(?::(?=\S)| +(?=[\"'\[{]|\S+\Z))(.*)\Z")


def _shape(line: str) -> tuple[int, int, str | None, bool]:
    """(indent, column where the content starts after any '- ', key or None, is a list item)."""
    match = _LINE.match(line)
    assert match is not None  # every group is optional
    indent, dashes, key = match.group(1), match.group(2), match.group(3)
    return len(indent), len(indent) + len(dashes), key, bool(dashes)


def _significant(lines: list[str], number: int, step: int) -> int:
    """The number of the next line from ``number`` (by ``step``) that is not blank or a
    comment, or 0."""
    number += step
    while 1 <= number <= len(lines):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
        number += step
    return 0


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def _missing_colon(
    lines: list[str], line: int, col: int, began: int | None
) -> tuple[str, int, int] | None:
    """A key written without ': ' (``title "Molotov"``, ``title:"Molotov"``): the parser
    reads it as text, and stops at the next line's key or at its colon."""
    if not 1 <= line <= len(lines):
        return None
    key = _LINE.match(lines[line - 1])
    assert key is not None
    at_colon = key.group(3) is not None and lines[line - 1].find(":", key.end(3)) == col - 1
    if began is not None and began < line:
        before = began
    elif at_colon:
        before = _significant(lines, line, -1)
    else:
        return None
    text = lines[before - 1] if before else ""
    found = _NO_COLON.match(text)
    if found is None or ": " in text or text.rstrip().endswith(":"):
        return None
    if before != began and len(found.group(1)) > key.start(3):
        return None
    name, value = found.group(2), found.group(3).strip()
    example = f"{name}: {value}" if len(value) <= 30 else f"{name}: {value[:27]}..."
    message = f"a key needs ': ' (a colon and a space) after it, as in {example}"
    return message, before, found.end(2) + 1


def _out_of_line(
    lines: list[str], line: int, col: int, began: int | None
) -> tuple[str, int, int] | None:
    """A line indented unlike its neighbours, found by comparing indents near the place where
    the parser stopped (which is often the line after the one out of line)."""
    if not 1 <= line <= len(lines):
        return None
    here = lines[line - 1]
    indent, start, key, item = _shape(here)
    if col - 1 not in (indent, start):
        return None
    for candidate in (began or 0, line, _significant(lines, line, -1)):
        block = _dedented_block_line(lines, candidate) if candidate <= line else None
        if block is not None:
            return block
    before = _significant(lines, line, -1)
    if not before:
        return None
    _, b_start, b_key, _ = _shape(lines[before - 1])
    if item:
        return _item_among_keys(lines, line, indent)
    if key is None:
        return None
    if start > b_start and b_key is not None and _has_value(lines[before - 1]):
        earlier = before
        while True:
            earlier = _significant(lines, earlier, -1)
            if not earlier or _shape(lines[earlier - 1])[1] <= start:
                break
        e_start = _shape(lines[earlier - 1])[1] if earlier else -1
        opener = bool(earlier) and _significant(lines, earlier, 1) == before
        if opener:
            e_key = _LINE.match(lines[earlier - 1])
            assert e_key is not None
            rest = lines[earlier - 1][e_key.end() :].strip()
            opener = e_key.group(3) is not None and (not rest or rest.startswith("#"))
        if e_start == start or (e_start == b_start and opener):  # the line before is odd
            return _indent_words(b_key, b_start, start, "around"), before, b_start + 1
        if e_start == b_start:
            return _indent_words(key, start, b_start, "around"), line, start + 1
        return None
    if start < b_start:
        widths = []
        earlier = line
        while True:
            earlier = _significant(lines, earlier, -1)
            if not earlier:
                break
            e_indent, e_start, _, _ = _shape(lines[earlier - 1])
            if e_indent <= start or e_start <= start:
                break
            widths.append(e_start)
        if not widths or not earlier:
            return None
        e_indent, e_start, _, e_item = _shape(lines[earlier - 1])
        on_dash = e_item and e_indent == start  # dedented onto the '- ' of a list item
        if not on_dash and e_start != min(widths):
            return None  # the lines before it disagree among themselves
        following = _significant(lines, line, 1)
        opens = not _has_value(here) and following and _shape(lines[following - 1])[0] > start
        if on_dash and opens:
            return "this is a list: start the item with '- '", line, start + 1
        return _indent_words(key, start, min(widths), "before"), line, start + 1
    return None


def _has_value(line: str) -> bool:
    """Whether a ``key:`` line holds its value on the line itself (so nothing may nest under it)."""
    match = _LINE.match(line)
    if match is None or match.group(3) is None:
        return False
    rest = line[match.end() :].strip()
    return bool(rest) and not rest.startswith("#") and _BLOCK_HEADER.match(line) is None


def _indent_words(key: str, width: int, others: int, where: str) -> str:
    more = "more" if width > others else "less"
    return (
        f"'{key}' is indented {more} than the keys {where} it ({_spaces(width)}, the others "
        f"{others}); indent it {_spaces(others)}, like them"
    )


def _dedented_block_line(lines: list[str], line: int) -> tuple[str, int, int] | None:
    """A line of a ``text: >`` block indented less than the block's first line: it ends the
    block, and the parser then stops at a line of text that is not a key."""
    if not line:
        return None
    indent, _, key, item = _shape(lines[line - 1])
    if key is not None or item:
        return None
    first = 0
    earlier = line
    while True:
        earlier = _significant(lines, earlier, -1)
        if not earlier or _shape(lines[earlier - 1])[0] <= indent:
            break
        first = earlier
    header = _BLOCK_HEADER.match(lines[earlier - 1]) if earlier and first else None
    if header is None:
        return None
    width = _shape(lines[first - 1])[0]
    block = f"'{header.group(1)}: {header.group(2)}' block"
    usual = _shape(lines[earlier - 1])[1] + 2  # the key's column and one step of indent
    if indent == usual != width and _significant(lines, first, 1) == line:
        message = (  # only the first line is indented unlike the usual step
            f"the first line of the {block} is indented more than the line after it "
            f"({_spaces(width)}, the next {indent}); the first line sets the block's indent, "
            "so indent them the same"
        )
        return message, first, width + 1
    message = (
        f"this line of the {block} is indented less than the block's first line "
        f"({_spaces(indent)}, the first line {width}); indent it {_spaces(width)}, like the "
        "lines above it"
    )
    return message, line, indent + 1


def _item_among_keys(lines: list[str], line: int, indent: int) -> tuple[str, int, int] | None:
    """A '- ' list item where the entries before it, at the same indent, are keys: either
    the keys should have been list items (a choice written as ``the_generals:``), or the
    item should not be one; whichever is the odd one out is named."""
    keys: list[int] = []
    earlier = line
    while True:
        earlier = _significant(lines, earlier, -1)
        if not earlier:
            return None
        e_indent, e_start, e_key, e_item = _shape(lines[earlier - 1])
        if e_indent > indent:
            continue
        if e_indent < indent:
            if e_start == indent:
                return None  # the keys are a list item's own, so this item is the odd one
            break
        if e_item or e_key is None:
            return None
        keys.append(earlier)
    if not keys:
        return None
    items = more_keys = 0
    later = line
    while later:
        l_indent, _, l_key, l_item = _shape(lines[later - 1])
        if l_indent < indent:
            break
        items += l_indent == indent and l_item
        more_keys += l_indent == indent and not l_item and l_key is not None
        later = _significant(lines, later, 1)
    first = keys[-1]
    if items >= len(keys) + more_keys:
        return "this is a list: start the item with '- '", first, indent + 1
    name = _shape(lines[first - 1])[2]
    message = (
        f"a list item after keys such as '{name}:'; remove the '- ', or start every entry with '- '"
    )
    return message, line, indent + 1


def _left_open(text: str, stop: int) -> tuple[str, int, int, int | None] | None:
    """The quote or bracket most likely left open before offset ``stop``, or ``None``.

    (character, line, column, line where the quote ended or ``None``): a quote still open at
    ``stop``, or one that spans lines and ends on ``stop``'s line or the line before it; else
    the innermost bracket still open at ``stop`` that opened on an earlier line.
    """
    stop_line = text.count("\n", 0, stop) + 1
    brackets: list[tuple[str, int, int]] = []
    for char, at, line, col, end in _flow_tokens(text, stop):
        if char in "'\"":
            end_line = line + text.count("\n", at, end)
            closed = at < end - 1 and text[end - 1] == char
            if not closed or (end_line > line and (end > stop or end_line >= stop_line - 1)):
                return char, line, col, (end_line if closed else None)
        elif char in "[{":
            brackets.append((char, line, col))
        else:
            brackets.pop()
    for char, at_line, at_col in reversed(brackets):
        if at_line < stop_line:
            return char, at_line, at_col, None
    return None


def _quote_end(text: str, start: int, quote: str) -> int:
    """The index just past the quoted scalar that opens at ``start`` (or the end of text)."""
    at = start + 1
    while True:
        end = text.find(quote, at)
        if end < 0:
            return len(text)
        if quote == "'" and text.startswith("''", end):
            at = end + 2  # '' is an escaped quote
        elif quote == '"' and (len(text[at:end]) - len(text[at:end].rstrip("\\"))) % 2:
            at = end + 1  # an odd run of backslashes escapes the quote
        else:
            return end + 1


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Building a large scenario creates hundreds of thousands of objects and no cycles;
    the collector's repeated full scans of them would cost more than the work itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(
    text: str,
    file: str,
    err: Callable[[str, int, int], None],
    plain_value: Callable[[str, Any], None],
) -> Value:
    """Build located data from the parser's events, iteratively (the depth is capped)."""
    root: Value = None
    stack: list[Any] = []  # the open containers
    pending: list[Any] = []  # for each open mapping: (key, key position, skip) or None
    documents = 0
    restarted: set[int] = set()  # list items where a forgotten '- ' was reported
    parser = _FastLoader(text)
    try:
        while parser.check_event():
            event: Any = parser.get_event()
            kind = type(event)
            if (
                kind is yaml.ScalarEvent
                or kind is yaml.MappingStartEvent
                or kind is yaml.SequenceStartEvent
            ):
                mark = event.start_mark
                pos = (mark.line + 1, mark.column + 1)
                if event.anchor is not None:
                    err(f"anchors (&{event.anchor}) are not allowed in scenarios", *pos)
                    raise _Problem
                if event.tag not in _PLAIN_TAGS:
                    err(f"tags such as '{event.tag}' are not allowed in scenarios", *pos)
                    raise _Problem
                if kind is yaml.ScalarEvent:
                    if event.style in ("'", '"') and event.end_mark.line == mark.line:
                        pos = (pos[0], pos[1] + 1)  # point inside the quotes
                    try:
                        value: Value = _resolve(event)
                    except _TooLong as long:
                        err(
                            f"a number of {long.digits:,} digits; whole numbers in a scenario "
                            f"have at most {MAX_DIGITS} digits",
                            *pos,
                        )
                        value = event.value
                elif len(stack) >= MAX_DEPTH:
                    err(f"nesting deeper than {MAX_DEPTH} levels", *pos)
                    raise _Problem
                elif kind is yaml.MappingStartEvent:
                    value = YMap(file, pos)
                else:
                    value = YList(file, pos)
                # attach the value to its parent
                if not stack:
                    root = value
                else:
                    parent = stack[-1]
                    if type(parent) is YList:
                        parent.append(value)
                        parent.ipos.append(pos)
                    else:
                        slot = pending[-1]
                        if slot is None:  # this value is a key
                            if isinstance(value, (YMap, YList)) or value is None:
                                err("a mapping key must be a plain word such as 'title'", *pos)
                                pending[-1] = ("", pos, True)
                            else:
                                key = value if isinstance(value, str) else _key_text(value)
                                first = parent.kpos.get(key)
                                if first is not None and id(parent) not in restarted:
                                    if (
                                        len(stack) > 1
                                        and type(stack[-2]) is YList
                                        and key == next(iter(parent.kpos))
                                    ):
                                        # the item's first key again: a new item without '- '
                                        restarted.add(id(parent))
                                        err(
                                            f"a second '{key}' in the same mapping (the first is "
                                            f"at line {first[0]}): did you forget '- ' to start "
                                            "a new item?",
                                            *pos,
                                        )
                                    else:
                                        err(
                                            f"duplicate key '{key}' (first defined at line "
                                            f"{first[0]})",
                                            *pos,
                                        )
                                pending[-1] = (key, pos, first is not None)
                        else:
                            key, kpos, skip = slot
                            pending[-1] = None
                            if kind is yaml.ScalarEvent and not event.style:
                                plain_value(key, event.end_mark)
                            if not skip:
                                parent[key] = value
                                parent.kpos[key] = kpos
                                parent.vpos[key] = pos
                if kind is not yaml.ScalarEvent:
                    stack.append(value)
                    pending.append(None)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
                pending.pop()
            elif kind is yaml.AliasEvent:
                mark = event.start_mark
                err(
                    f"aliases (*{event.anchor}) are not allowed in scenarios; write the value out",
                    mark.line + 1,
                    mark.column + 1,
                )
                raise _Problem
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    err("only one YAML document per scenario file", mark.line + 1, mark.column + 1)
                    break
    finally:
        parser.dispose()
    return root


def _key_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _byte_span(file: str, data: bytes, index: int) -> SourceSpan:
    """The line and column of ``data[index]`` in a file that cannot be decoded as text."""
    start = data.rfind(b"\n", 0, index) + 1
    return SourceSpan(file, data.count(b"\n", 0, index) + 1, index - start + 1)


def load_bytes(data: bytes, file: str) -> LoadResult:
    """Decode and parse a scenario; size, encoding and binary content are problems too."""
    if len(data) > MAX_BYTES:
        message = f"file is over {MAX_BYTES:,} bytes; scenarios may be at most {MAX_BYTES:,} bytes"
        return LoadResult(None, [Diagnostic("error", message, SourceSpan(file, 1, 1))], [])
    nul = data.find(b"\x00")
    if nul >= 0:
        message = "file holds binary data (a NUL byte); a scenario is UTF-8 text"
        return LoadResult(None, [Diagnostic("error", message, _byte_span(file, data, nul))], [])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        span = _byte_span(file, data, exc.start)
        return LoadResult(None, [Diagnostic("error", message, span)], [])
    return load_text(text, file)
