"""Source positions and the diagnostics the loader and compiler collect.

Every problem in a scenario file is reported as ``file:line:col: severity: message``, with
the offending line and a caret beneath it, so an author can jump straight to it.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from presidium.printable import clean
from presidium.records import record

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
    """A span as the cache rebuilds it; its parts are checked here, as it is made (see
    ``presidium.cache``: a span, a tuple, cannot change afterwards)."""
    if type(file) is not str or type(line) is not int or type(col) is not int:
        raise TypeError("a source span is a file name and two numbers")
    span: SourceSpan = _new_tuple(SourceSpan, (file, line, col))
    return span


_new_tuple: Any = tuple.__new__


UNKNOWN = SourceSpan("<unknown>", 1, 1)


@record
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


MAX_KEPT = 10_000  # problems kept for one file; a file with more is hostile or badly broken


@dataclass
class DiagnosticBag:
    """Collects diagnostics so that all problems are reported in one run.

    Up to ``MAX_KEPT`` of them: beyond that they are only counted, so that a file made of
    nothing but mistakes costs no more memory than its own size calls for.
    """

    items: list[Diagnostic] = field(default_factory=list)
    left_out: int = 0

    def error(self, message: str, span: SourceSpan) -> None:
        if len(self.items) < MAX_KEPT:
            self.items.append(Diagnostic("error", message, span))
        else:
            self.left_out += 1

    def warning(self, message: str, span: SourceSpan) -> None:
        if len(self.items) < MAX_KEPT:
            self.items.append(Diagnostic("warning", message, span))
        else:
            self.left_out += 1

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        """The diagnostics in file order, led by a note of how many were left out, if any."""
        found = merge_repeats(self.items)
        if self.left_out and found:
            note = (
                f"more than {MAX_KEPT:,} problems: {self.left_out:,} more were found and not "
                "listed; fix the ones listed, then validate again"
            )
            found.insert(0, Diagnostic("error", note, SourceSpan(found[0].span.file, 1, 1)))
        return found


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


MAX_SHOWN = 200  # diagnostics printed for one file; the rest are counted in a closing line
SUGGESTION_WORK = 200_000  # candidates compared by "did you mean" in one compilation


@dataclass
class _Suggestions:
    left: int
    seen: dict[tuple[str, int, int], str] = field(default_factory=dict)


_suggestions: contextvars.ContextVar[_Suggestions | None] = contextvars.ContextVar(
    "suggestions", default=None
)


@contextlib.contextmanager
def suggestion_budget(work: int = SUGGESTION_WORK) -> Iterator[None]:
    """Bound the "did you mean" searches of one compilation.

    Each search compares a word with every candidate, so a file with thousands of unknown
    references against thousands of ids would take time that grows with the square of its
    size. Within this block each word is searched once per set of candidates, and once
    ``work`` candidates have been looked at, unknown names get no suggestion (their errors
    are still reported), at no further cost.
    """
    token = _suggestions.set(_Suggestions(work))
    try:
        yield
    finally:
        _suggestions.reset(token)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A " (did you mean 'x'?)" suffix when a close match exists, else an empty string."""
    budget = _suggestions.get()
    if budget is None:
        return _closest(word, list(candidates))
    if isinstance(candidates, Sized) and len(candidates) > budget.left:
        return ""  # checked before the candidates are even listed: no work once spent
    pool = list(candidates)
    if len(pool) > budget.left:
        return ""
    budget.left -= len(pool)
    key = (word, len(pool), hash(tuple(pool)))
    found = budget.seen.get(key)
    if found is None:
        found = budget.seen[key] = _closest(word, pool)
    return found


def _closest(word: str, pool: Sequence[str]) -> str:
    import difflib  # only when a name is not found

    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def first_shown(
    diagnostics: Sequence[Diagnostic], limit: int = MAX_SHOWN
) -> tuple[Sequence[Diagnostic], str | None]:
    """The diagnostics to print for one file, and a closing line counting the ones left out.

    A file with hundreds of thousands of mistakes (hostile, or one broken line repeated)
    would otherwise print without end; the first ones are the ones to fix first.
    """
    if len(diagnostics) <= limit:
        return diagnostics, None
    rest = diagnostics[limit:]
    errors = sum(d.severity == "error" for d in rest)
    parts = [f"{errors:,} error{'s' if errors != 1 else ''}"] if errors else []
    if len(rest) - errors:
        warnings = len(rest) - errors
        parts.append(f"{warnings:,} warning{'s' if warnings != 1 else ''}")
    return diagnostics[:limit], f"…and {len(rest):,} more ({', '.join(parts)}) not shown"


def one_of(candidates: Iterable[str]) -> str:
    """Human list of expected values: "'a', 'b' or 'c'"."""
    items = [f"'{c}'" for c in sorted(candidates)]
    if not items:
        return "nothing (none are declared)"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]
