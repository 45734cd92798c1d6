"""Source positions and the diagnostics the loader and compiler collect.

Every problem in a scenario file is reported as ``file:line:col: severity: message``, with
the offending line and a caret beneath it, so an author can jump straight to it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from presidium.printable import clean

Severity = Literal["error", "warning"]


class SourceSpan(NamedTuple):
    """A position in a scenario file; ``line`` and ``col`` count from 1.

    A named tuple: cheap to create for each of the hundred thousand nodes of a large file.
    """

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    def __reduce__(self) -> tuple[Any, ...]:
        # A large compiled scenario holds tens of thousands of spans and the cache loads them
        # all: rebuild them with tuple.__new__, not the slower generated constructor.
        return (_span, tuple(self))


def _span(file: str, line: int, col: int) -> SourceSpan:
    span: SourceSpan = _new_tuple(SourceSpan, (file, line, col))
    return span


_new_tuple: Any = tuple.__new__


UNKNOWN = SourceSpan("<unknown>", 1, 1)


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a scenario, with where it is and what was expected."""

    severity: Severity
    message: str
    span: SourceSpan = UNKNOWN

    def format(self, source_lines: list[str] | None = None) -> str:
        """``file:line:col: severity: message``, plus the source line and a caret when known.

        The file name, the message (which may quote any value from the file) and the line are
        all untrusted: each is made printable here, on one line, so no diagnostic can drive
        the terminal or forge a line of its own, whatever it quotes.
        """
        head = clean(f"{self.span}: {self.severity}: {self.message}", one_line=True)
        if not source_lines or not 1 <= self.span.line <= len(source_lines):
            return head
        text = source_lines[self.span.line - 1].rstrip("\r\n").expandtabs(1)
        before = clean(text[: max(self.span.col, 1) - 1], one_line=True)
        caret = " " * len(before) + "^"
        return f"{head}\n    {clean(text, one_line=True)}\n    {caret}"


@dataclass
class DiagnosticBag:
    """Collects diagnostics so that all problems are reported in one run."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, message: str, span: SourceSpan) -> None:
        self.items.append(Diagnostic("error", message, span))

    def warning(self, message: str, span: SourceSpan) -> None:
        self.items.append(Diagnostic("warning", message, span))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return merge_repeats(self.items)


def merge_repeats(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    """In order of place, with each mistake reported once.

    A misspelt id that is used in many places gives the same message at each of them: the
    author is told once, at the first place, and which other lines say the same. Exact
    repeats (the same message at the same place) are dropped.
    """
    groups: dict[tuple[str, str, str], list[Diagnostic]] = {}
    for item in sorted(set(items), key=lambda d: (d.span, d.message)):
        groups.setdefault((item.severity, item.message, item.span.file), []).append(item)
    merged = []
    for first, *others in groups.values():
        lines = sorted({d.span.line for d in others} - {first.span.line})
        if not lines:
            merged.append(first)
            continue
        shown = [str(n) for n in lines[:MAX_LINES_NAMED]]
        if len(lines) > MAX_LINES_NAMED:
            shown.append(f"{len(lines) - MAX_LINES_NAMED} more")
        where = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
        word = "line" if len(lines) == 1 else "lines"
        merged.append(
            Diagnostic(first.severity, f"{first.message}; the same at {word} {where}", first.span)
        )
    return sorted(merged, key=lambda d: (d.span, d.message))


MAX_LINES_NAMED = 8


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A " (did you mean 'x'?)" suffix when a close match exists, else an empty string."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def one_of(candidates: Iterable[str]) -> str:
    """Human list of expected values: "'a', 'b' or 'c'"."""
    items = [f"'{c}'" for c in sorted(candidates)]
    if not items:
        return "nothing (none are declared)"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]
