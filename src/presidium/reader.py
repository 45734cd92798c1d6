"""Reading located YAML into typed values, with a diagnostic for everything unexpected.

``Reader`` holds the generic checks every part of the compiler needs: keys against the
format's tables in ``spec``, ids, texts, references, flags, expressions and effects. It
collects diagnostics instead of raising, so the compiler can report every problem at once.
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

from presidium.conditions import (
    BOOL,
    INT,
    Compiled,
    CompiledEffect,
    ExprError,
    Scope,
    compile_effect,
    compile_expression,
)
from presidium.diagnostics import DiagnosticBag, SourceSpan, did_you_mean, one_of
from presidium.loader import YList, YMap
from presidium.model import ID
from presidium.printable import CONTROL
from presidium.spec import FORMATS, Field

DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class Reader:
    def __init__(self, doc: Any, file: str) -> None:
        self.doc = doc
        self.file = file
        self.bag = DiagnosticBag()
        self.source_ids: set[str] = set()
        self.used_sources: set[str] = set()
        self.undeclared_stances: set[str] = set()  # used by actors, missing from 'stances'
        self.meant: dict[int, set[str]] = {}  # per mapping: known keys its unknown ones resemble
        # The format each file says it is written in (a scenario that extends another mixes
        # files); a key newer than its file's format is refused where it stands.
        self.formats: dict[str, int] = {}
        # Large scenarios repeat the same few expressions thousands of times: compile each once.
        self.compiled: dict[
            tuple[str, str, str | None, int], Compiled | CompiledEffect | ExprError
        ] = {}

    # ------------------------------------------------------------------ helpers
    def err(self, message: str, span: SourceSpan) -> None:
        self.bag.error(message, span)

    def warn(self, message: str, span: SourceSpan) -> None:
        self.bag.warning(message, span)

    def keys(self, node: YMap, allowed: Mapping[str, Field], where: str) -> bool:
        """Check a mapping's keys: unknown ones (with did-you-mean) and missing required ones.

        A misspelt key is then read as the key it resembles, so that what it holds is still
        checked and what refers to it is not reported as well: one mistake, one message.
        """
        ok = True
        readings: dict[str, list[str]] = {}
        # A file of an older format is offered only the keys of its format.
        fmt = self.format_of(node.file)
        offered = {k: f for k, f in allowed.items() if f.since <= fmt}
        for key in node:
            if key not in allowed:
                ok = False
                hint = did_you_mean(key, offered)
                known = suggested(hint, offered)
                other, why = CONFUSED.get(key, ("", ""))
                if known is None and other in offered:
                    hint, known = f" (did you mean '{other}'? {why})", other
                if known is not None:
                    self.meant.setdefault(id(node), set()).add(known)
                    readings.setdefault(known, []).append(key)
                self.err(
                    f"unknown key '{key}' in {where}{hint}; expected {one_of(offered)}",
                    node.key_span(key),
                )
        for key in node:
            field = allowed.get(key)
            if field is not None and field.since > self.format_of(node.key_span(key).file):
                ok = False
                self.err(
                    f"'{key}' needs 'format: {field.since}' at the top of the file "
                    f"(this file says 'format: {self.format_of(node.key_span(key).file)}')",
                    node.key_span(key),
                )
        for known, (key, *others) in readings.items():
            if known not in node and not others:
                node[known] = node[key]
                node.kpos[known], node.vpos[known] = node.kpos[key], node.vpos[key]
        for key, field in allowed.items():
            if field.required and key not in node:
                ok = False
                if not self.misspelt(node, key):
                    self.err(f"{where} needs '{key}'", node.span)
        return ok

    def format_of(self, file: str) -> int:
        """The format ``file`` is written in; a file whose format is unreadable counts as the
        newest, so that its keys are not reported as well."""
        return self.formats.get(file, FORMATS[-1])

    def misspelt(self, node: YMap, key: str) -> bool:
        """Whether ``key`` is absent because an unknown key of ``node`` is a misspelling of it.

        That key was reported, with a did-you-mean, where it stands: one mistake, one message.
        """
        return key not in node and key in self.meant.get(id(node), ())

    def mapping(self, value: Any, span: SourceSpan, what: str) -> YMap | None:
        if isinstance(value, YMap):
            return value
        self.err(f"{what} must be a mapping of 'key: value' lines, not {kind_of(value)}", span)
        return None

    def listing(self, value: Any, span: SourceSpan, what: str) -> YList | None:
        if isinstance(value, YList):
            return value
        self.err(f"{what} must be a list ('- item' lines), not {kind_of(value)}", span)
        return None

    def text(self, node: YMap, key: str, what: str, required: bool = True) -> str | None:
        if key not in node:
            return None
        value = node[key]
        span = node.value_span(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not required:
            value = str(value)
        if not isinstance(value, str) or (required and not value.strip()):
            self.err(f"{what} must be text, not {kind_of(value)}", span)
            return None
        self.check_text(value, span)
        return value

    def check_text(self, value: str, span: SourceSpan) -> None:
        bad = CONTROL.search(value)
        if bad:
            self.err(
                f"text contains the control character U+{ord(bad.group()):04X}; "
                "scenario text may not drive the terminal",
                span,
            )

    def ident(self, value: Any, span: SourceSpan, what: str) -> str | None:
        if isinstance(value, str) and ID.match(value):
            return value
        meant = snake_case(value)
        self.err(
            f"{what} must be a snake_case id (lower-case letters, digits and '_', "
            f"starting with a letter), not {show(value)}"
            + (f" (did you mean '{meant}'?)" if meant else ""),
            span,
        )
        return None

    def flag(self, node: YMap, key: str, default: bool) -> bool:
        if key not in node:
            return default
        value = node[key]
        if isinstance(value, bool):
            return value
        self.err(
            f"'{key}' must be true or false, not {show(value)}{quoted(value)}",
            node.value_span(key),
        )
        return default

    def ref(self, value: Any, span: SourceSpan, known: Collection[str], what: str) -> str | None:
        if not isinstance(value, str):
            self.err(f"{what} must be an id, not {kind_of(value)}", span)
            return None
        if value not in known:
            self.err(f"unknown {what} '{value}'{did_you_mean(value, known)}", span)
            return None
        return value

    def each(self, node: YMap, key: str, what: str) -> Iterable[tuple[str, YMap, SourceSpan]]:
        """Yield (id, mapping, span) for a mapping of id -> mapping, checking ids."""
        if key not in node:
            return
        container = self.mapping(node[key], node.value_span(key), f"'{key}'")
        if container is None:
            return
        read: set[str] = set()
        for name, value in container.items():
            kspan, vspan = container.key_span(name), container.value_span(name)
            if self.ident(name, kspan, f"a {what} id") is None:
                meant = snake_case(name)
                if meant is None or meant in container or meant in read:
                    continue
                name = meant  # read on as the id it resembles (its place is the one written)
            read.add(name)
            body = self.mapping(value, vspan, f"{what} '{name}'")
            if body is not None:
                yield name, body, kspan

    def enum(self, node: YMap, key: str, allowed: Iterable[str]) -> str | None:
        """The value under ``key`` if it is one of ``allowed``; otherwise report what was expected.

        A misspelt value is then read as the value it resembles (its did-you-mean), so that
        what depends on it is not reported as well.
        """
        if key not in node:
            return None
        value, allowed = node[key], tuple(allowed)
        if value in allowed:
            return str(value)
        hint = did_you_mean(str(value), allowed)
        self.err(
            f"'{key}' must be {one_of(allowed)}, not {show(value)}{hint}",
            node.value_span(key),
        )
        return suggested(hint, allowed)

    def records(
        self, node: YMap, key: str, what: str, fields: Mapping[str, Field]
    ) -> Iterator[YMap]:
        """Each mapping in the list under ``key``, with its keys checked against ``fields``."""
        if key not in node:
            return
        items = self.listing(node[key], node.value_span(key), f"'{key}'")
        for i, item in enumerate(items or ()):
            assert items is not None
            record = self.mapping(item, items.item_span(i), what)
            if record is not None:
                self.keys(record, fields, what)
                yield record

    def optional_expr(
        self, node: YMap, key: str, want: str | None, scope: Scope
    ) -> Compiled | None:
        """The expression under ``key``, compiled, or ``None`` when the key is absent."""
        return self.expr(node[key], node.value_span(key), want, scope) if key in node else None

    def percent(self, node: YMap, scope: Scope) -> Compiled | None:
        """A chance in percent: a whole number or an expression, written without '%'."""
        raw = node.get("percent")
        sign = re.fullmatch(r"\s*(\d+)\s*%\s*", raw) if isinstance(raw, str) else None
        if sign:
            self.err(
                f"write the percent without '%' (percent: {sign.group(1)})",
                node.value_span("percent"),
            )
            return None
        return self.optional_expr(node, "percent", INT, scope)

    def sources_of(self, node: YMap, key: str = "sources") -> tuple[str, ...]:
        if key not in node:
            return ()
        items = self.listing(node[key], node.value_span(key), f"'{key}'")
        if items is None:
            return ()
        result = []
        for i, item in enumerate(items):
            ref = self.ref(item, items.item_span(i), self.source_ids, "source")
            if ref is not None:
                result.append(ref)
                self.used_sources.add(ref)
        return tuple(result)

    def expr(self, value: Any, span: SourceSpan, want: str | None, scope: Scope) -> Compiled | None:
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, int):
            value = str(value)
        if isinstance(value, float) and math.isfinite(value) and want != BOOL:
            low = math.floor(value)
            self.err(
                f"numbers in a scenario are whole numbers (such as {low} or {low + 1}), "
                f"not {value}",
                span,
            )
            return None
        if not isinstance(value, str):
            self.err(f"expected an expression, not {kind_of(value)}", span)
            return None
        result = self.memo("expr", value, want, scope)
        if isinstance(result, ExprError):
            self.expr_err(f'in "{value}": ', result, span, value, scope)
            return None
        assert isinstance(result, Compiled)
        if want == BOOL:
            self.check_range(result, scope, span)
        return result

    def expr_err(
        self,
        where: str,
        error: ExprError,
        span: SourceSpan,
        source: str,
        scope: Scope | None = None,
    ) -> None:
        """Report a mistake in an expression; a stance the actors use but nobody declared is
        the same message as at the actors, so that all its places are named in one."""
        at = _shift(span, error.offset, source)
        unknown = UNKNOWN.match(error.message)
        why = objective_only(unknown.group(1), scope) if unknown and scope else None
        if error.stray is not None and error.stray in self.undeclared_stances:
            self.err(undeclared_stance(error.stray), at)
        elif why is not None:
            self.err(where + why, at)
        else:
            self.err(where + error.message, at)

    def check_range(self, condition: Compiled, scope: Scope, span: SourceSpan) -> None:
        """Warn about a condition on one number that its declared range makes always or never true."""
        if condition.cuts is None or len(condition.names) != 1:
            return
        (name,) = condition.names
        var = scope.lookup(name)
        if var is None or var.kind != INT or var.minimum is None or var.maximum is None:
            return
        lo, hi = var.minimum, var.maximum
        points = {lo, hi, *(c for c in condition.cuts if lo <= c <= hi)}
        results = {bool(condition.evaluate({name: p})) for p in points}
        if len(results) == 1:
            verdict = "always holds" if results == {True} else "can never hold"
            self.warn(
                f"'{condition.source}' {verdict}: '{name}' is declared from {lo} to {hi}",
                span,
            )

    def memo(
        self, kind: str, source: str, want: str | None, scope: Scope
    ) -> Compiled | CompiledEffect | ExprError:
        """Compile an expression or effect once per scope; a failure is remembered as its error."""
        key = (kind, source, want, id(scope))
        if key not in self.compiled:
            try:
                self.compiled[key] = (
                    compile_expression(source, scope, want)
                    if kind == "expr"
                    else compile_effect(source, scope)
                )
            except ExprError as exc:
                self.compiled[key] = exc
        return self.compiled[key]

    def effects(self, node: YMap, scope: Scope) -> tuple[CompiledEffect, ...]:
        if "effects" not in node:
            return ()
        items = self.listing(node["effects"], node.value_span("effects"), "'effects'")
        if items is None:
            return ()
        result = []
        for i, item in enumerate(items):
            span = items.item_span(i)
            if not isinstance(item, str):
                self.err(f"an effect is text such as 'cc_lean += 5', not {kind_of(item)}", span)
                continue
            effect = self.memo("effect", item, None, scope)
            if isinstance(effect, ExprError):
                self.expr_err(f'in effect "{item}": ', effect, span, item, scope)
            else:
                assert isinstance(effect, CompiledEffect)
                result.append(effect)
        return tuple(result)

    # ------------------------------------------------------------------ compile
    def strings(self, node: YMap, key: str) -> tuple[str, ...]:
        if key not in node:
            return ()
        items = self.listing(node[key], node.value_span(key), f"'{key}'")
        if items is None:
            return ()
        out = []
        for i, item in enumerate(items):
            if isinstance(item, str):
                self.check_text(item, items.item_span(i))
                out.append(item)
            else:
                self.err(f"each of '{key}' must be text, not {kind_of(item)}", items.item_span(i))
        return tuple(out)

    def id_list(self, node: YMap, key: str, known: Collection[str], what: str) -> list[str]:
        if key not in node:
            return []
        items = self.listing(node[key], node.value_span(key), f"'{key}'")
        if items is None:
            return []
        found = [self.ref(item, items.item_span(i), known, what) for i, item in enumerate(items)]
        return [r for r in found if r]


# Keys that belong one level up or down: each is read as the key of this level it stands for.
CONFUSED = {
    "goto": ("next", "'goto' belongs in a branch of a 'next' list"),
    "next": ("goto", "a branch of a 'next' list says where to go with 'goto'"),
}


def snake_case(value: Any) -> str | None:
    """The snake_case id a malformed one was meant to be ('The arrést' -> 'the_arrest'), so
    that a declaration with a mistake in its id still declares it for what refers to it."""
    if not isinstance(value, str):
        return None
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    meant = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    return meant if meant != value and ID.match(meant) else None


UNKNOWN = re.compile(r"unknown variable '([^']+)'")
OBJECTIVE_ONLY = re.compile(
    r"(ending|ending_kind|me\.[a-z0-9_.]+|[a-z][a-z0-9_]*\.(ballot\.[a-z0-9_]+|held))\Z"
)


def objective_only(name: str, scope: Scope) -> str | None:
    """Why a name of a role's objectives cannot be read where it stands, if it is one."""
    if not OBJECTIVE_ONLY.match(name):
        return None
    if "ending" not in scope.extra:
        return (
            f"'{name}' can be read only in a role's objectives (they are scored at the end, "
            "so that nothing in play can give away a ballot or the ending)"
        )
    if name == "me.stance":
        return "'me.stance' is the stance of the role's actor, and this role plays no actor"
    vote = name.removeprefix("me.ballot.")
    if name.startswith("me.ballot.") and f"{vote}.passed" in scope.variables:
        return (
            f"this role has no ballot in vote '{vote}': its actor does not vote in it, and "
            "it is not the role of the vote's delegates"
        )
    return None


def undeclared_stance(stance: str) -> str:
    return f"unknown stance '{stance}'; declare it under 'stances:'"


def suggested(hint: str, candidates: Iterable[str]) -> str | None:
    """The candidate a did-you-mean ``hint`` names, to read a misspelling on as what it meant."""
    return next((c for c in candidates if hint == f" (did you mean '{c}'?)"), None)


def quoted(value: Any) -> str:
    """A hint for a number or true/false written in quotes, which YAML then reads as text."""
    if isinstance(value, str) and re.fullmatch(r"-?\d+|true|false", value.strip()):
        return f"; remove the quotes around {value.strip()} (in quotes it is text)"
    return ""


def date_problem(text: Any) -> str:
    """Why a date is refused: its form, or the day or month it names."""
    example = "such as 1957-06-18"
    if not isinstance(text, str) or not DATE.match(text):
        return f"date must be written yyyy-mm-dd, {example}, not {show(text)}"
    year, month, day = (int(part) for part in text.split("-"))
    if not year:
        return f"date {text} has no year 0; write yyyy-mm-dd, {example}"
    if not 1 <= month <= 12:
        return f"date {text} has no month {month}; write yyyy-mm-dd, {example}"
    days = calendar.monthrange(year, month)[1]
    return (
        f"date {text} does not exist: {calendar.month_name[month]} {year} has {days} days"
        if day
        else f"date {text} has no day 0; days count from 1"
    )


def valid_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _shift(span: SourceSpan, offset: int, text: str) -> SourceSpan:
    """Point inside a one-line expression; fall back to its start for multi-line text."""
    if "\n" in text or offset <= 0:
        return span
    return SourceSpan(span.file, span.line, span.col + offset)


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{'true' if value else 'false'}' (true/false)"
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"the text '{_clip(str(value))}'"


def show(value: Any) -> str:
    if isinstance(value, str):
        return f"'{_clip(value)}'"
    return kind_of(value)


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
