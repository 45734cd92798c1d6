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

import codecs
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Union

import yaml

from presidium.conditions import MAX_DIGITS
from presidium.diagnostics import MAX_KEPT, Diagnostic, SourceSpan
from presidium.files import MAX_BYTES
from presidium.model import paused_gc
from presidium.syntax import (  # too_deep and MAX_DEPTH are part of the loader's API too
    MAX_DEPTH,
    STOPPED,
    position,
    source_lines,
    syntax_error,
    too_deep,
)

try:  # libyaml is 4-9x faster; the pure parser is the fallback and gives the same events
    from yaml import CSafeLoader as _FastLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _FastLoader  # type: ignore[assignment]


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
    # str.splitlines breaks lines where YAML does, and also at a few control characters
    # that YAML refuses anywhere: a file holding one is reported below, with YAML's lines.
    lines = text.splitlines()
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
            lines = source_lines(text)
            bad = _UNREADABLE.search(text)
            if bad is None:
                err(f"YAML: {exc}".replace("\n", " "), 1, 1)
            else:
                what = "control character" if bad.group() < "\xa0" else "character"
                err(
                    f"the {what} U+{ord(bad.group()):04X} is not allowed anywhere in a "
                    "scenario file; delete it",
                    *position(text, bad.start()),
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


# The characters YAML refuses anywhere in a file.
_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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
    # One object for each distinct string: a large scenario repeats its words and phrases
    # thousands of times, and a compiled scenario (in memory and in the cache) shares them.
    strings: dict[str, str] = {}
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
                        if type(value) is str:
                            value = strings.setdefault(value, value)
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


def _byte_span(file: str, body: bytes, index: int) -> SourceSpan:
    """Where ``body[index]`` stands in a file that cannot be read as text: lines as YAML
    counts them, columns in characters, as an editor shows them."""
    before = body[:index].decode("utf-8", errors="replace")
    return SourceSpan(file, *position(before, len(before)))


def load_bytes(data: bytes, file: str) -> LoadResult:
    """Decode and parse a scenario; size, encoding and binary content are problems too."""
    if len(data) > MAX_BYTES:
        message = f"file is over {MAX_BYTES:,} bytes; scenarios may be at most {MAX_BYTES:,} bytes"
        return LoadResult(None, [Diagnostic("error", message, SourceSpan(file, 1, 1))], [])
    body = data.removeprefix(codecs.BOM_UTF8)  # an editor's mark, not part of the text
    nul = body.find(b"\x00")
    if nul >= 0:
        message = "file holds binary data (a NUL byte); a scenario is UTF-8 text"
        return LoadResult(None, [Diagnostic("error", message, _byte_span(file, body, nul))], [])
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"not valid UTF-8 (byte 0x{body[exc.start]:02x}); save the file as UTF-8"
        span = _byte_span(file, body, exc.start)
        return LoadResult(None, [Diagnostic("error", message, span)], [])
    return load_text(text, file)
