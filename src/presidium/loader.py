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
from dataclasses import dataclass
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
            root = _build(text, file, err)
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
            message, row, col = syntax_error(text, exc.problem or exc.context or "", row, col)
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
    return LoadResult(root, problems, lines)


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


def syntax_error(text: str, problem: str, line: int, col: int) -> tuple[str, int, int]:
    """The parser's complaint in our words, at the place the mistake was made.

    The parser notices a quote or bracket left open only where the text stops making sense,
    often many lines later. A small scan of our own finds where it opened: a quote that runs
    past its line into the place where the parser gave up, or a bracket still open there.
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


def _build(text: str, file: str, err: Callable[[str, int, int], None]) -> Value:
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
