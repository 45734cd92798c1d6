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

import re
from dataclasses import dataclass
from typing import Any, Union

import yaml

from presidium.diagnostics import Diagnostic, SourceSpan

try:  # libyaml is 4-9x faster; the pure parser is the fallback and gives the same events
    from yaml import CSafeLoader as _FastLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _FastLoader  # type: ignore[assignment]

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64

_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "false": False}
_PLAIN_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

Value = Union["YMap", "YList", str, int, float, bool, None]


class YMap(dict[str, Any]):
    """A mapping that knows where it and each of its keys and values stand in the file."""

    span: SourceSpan
    key_spans: dict[str, SourceSpan]
    value_spans: dict[str, SourceSpan]

    def key_span(self, key: str) -> SourceSpan:
        return self.key_spans.get(key, self.span)

    def value_span(self, key: str) -> SourceSpan:
        return self.value_spans.get(key, self.key_span(key))


class YList(list[Any]):
    """A sequence that knows where it and each of its items stand in the file."""

    span: SourceSpan
    item_spans: list[SourceSpan]

    def item_span(self, index: int) -> SourceSpan:
        if 0 <= index < len(self.item_spans):
            return self.item_spans[index]
        return self.span


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
    if event.style not in (None, ""):  # quoted or block scalars are always strings
        return text
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def load_text(text: str, file: str) -> LoadResult:
    """Parse scenario text into located plain data, collecting every problem."""
    lines = text.splitlines()
    problems: list[Diagnostic] = []

    def err(message: str, span: SourceSpan) -> None:
        problems.append(Diagnostic("error", message, span))

    if "\t" in text:
        for n, line in enumerate(lines, 1):
            indent = len(line) - len(line.lstrip(" \t"))
            if "\t" in line[:indent]:
                err(
                    "tab used for indentation; YAML indents with spaces only",
                    SourceSpan(file, n, 1),
                )
        if problems:
            return LoadResult(None, problems, lines)

    root: Value = None
    # Each frame: [container, pending_key, pending_key_span]
    stack: list[list[Any]] = []
    documents = 0

    def attach(value: Value, span: SourceSpan) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, YList):
            container.append(value)
            container.item_spans.append(span)
            return
        if frame[1] is None:  # this value is a key
            if not isinstance(value, (str, int, float, bool)) or value is None:
                err("a mapping key must be a plain word such as 'title'", span)
                frame[1] = ("", span, True)
                return
            key = str(value) if not isinstance(value, bool) else ("true" if value else "false")
            duplicate = key in container.key_spans
            if duplicate:
                first = container.key_spans[key]
                err(f"duplicate key '{key}' (first defined at line {first.line})", span)
            frame[1] = (key, span, duplicate)
            return
        key, key_span, skip = frame[1]
        frame[1] = None
        if not skip:
            container[key] = value
            container.key_spans[key] = key_span
            container.value_spans[key] = span

    try:
        for event in yaml.parse(text, Loader=_FastLoader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    err("only one YAML document per scenario file", _span(file, event.start_mark))
                    break
                continue
            if isinstance(event, yaml.AliasEvent):
                err(
                    f"aliases (*{event.anchor}) are not allowed in scenarios; write the value out",
                    _span(file, event.start_mark),
                )
                return LoadResult(None, problems, lines)
            if isinstance(
                event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
            ):
                span = _span(file, event.start_mark)
                if event.anchor is not None:
                    err(f"anchors (&{event.anchor}) are not allowed in scenarios", span)
                    return LoadResult(None, problems, lines)
                if event.tag not in _PLAIN_TAGS:
                    err(f"tags such as '{event.tag}' are not allowed in scenarios", span)
                    return LoadResult(None, problems, lines)
                if isinstance(event, yaml.ScalarEvent):
                    end = event.end_mark
                    if event.style in ("'", '"') and end is not None and span.line == end.line + 1:
                        span = SourceSpan(file, span.line, span.col + 1)  # point inside the quotes
                    attach(_resolve(event), span)
                    continue
                if len(stack) >= MAX_DEPTH:
                    err(f"nesting deeper than {MAX_DEPTH} levels", span)
                    return LoadResult(None, problems, lines)
                container: YMap | YList
                if isinstance(event, yaml.MappingStartEvent):
                    container = YMap()
                    container.key_spans, container.value_spans = {}, {}
                else:
                    container = YList()
                    container.item_spans = []
                container.span = span
                attach(container, span)
                stack.append([container, None])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = _span(file, mark) if mark is not None else SourceSpan(file, 1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        err(f"YAML syntax: {what}", span)
        return LoadResult(None, problems, lines)
    except yaml.YAMLError as exc:  # reader errors: control characters, bad encodings
        err(f"YAML: {exc}".replace("\n", " "), SourceSpan(file, 1, 1))
        return LoadResult(None, problems, lines)
    except RecursionError:  # pragma: no cover - the iterative builder should prevent it
        err(f"nesting deeper than {MAX_DEPTH} levels", SourceSpan(file, 1, 1))
        return LoadResult(None, problems, lines)
    return LoadResult(root, problems, lines)


def load_bytes(data: bytes, file: str) -> LoadResult:
    """Decode and parse a scenario; size, encoding and binary content are problems too."""
    if len(data) > MAX_BYTES:
        message = f"file is {len(data):,} bytes; scenarios may be at most {MAX_BYTES:,} bytes"
        return LoadResult(None, [Diagnostic("error", message, SourceSpan(file, 1, 1))], [])
    if b"\x00" in data:
        message = "file holds binary data (a NUL byte); a scenario is UTF-8 text"
        return LoadResult(None, [Diagnostic("error", message, SourceSpan(file, 1, 1))], [])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        message = f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        return LoadResult(None, [Diagnostic("error", message, SourceSpan(file, line, col))], [])
    return load_text(text, file)
