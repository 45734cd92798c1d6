"""Text that follows the state: ``{EXPR}``, ``{EXPR|words}`` and ``{if EXPR}…{elif EXPR}…{else}…{end}``.

A text is read in two steps. ``parse`` reads only the braces (no scenario needed) into literal
runs, values to show and conditional blocks, with every mistake it finds; ``compile`` checks
each expression against a scenario's names and makes the text a function of the game's values.
Both are done once per text and kept: the compiler reads every text the game will fill and
refuses any mistake, so the engine, filling the same text the same way, never meets one while a
game is played. A text without braces is never read at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from functools import lru_cache
from typing import Any, Protocol

from presidium.conditions import (
    BOOL,
    INT,
    TEXT,
    Compiled,
    ExprError,
    Scope,
    VarType,
    compile_expression,
)
from presidium.diagnostics import SourceSpan
from presidium.model import Scenario, Variable
from presidium.records import record

FILTERS = {
    "words": "spells a number from 0 to 100 in words (seven)",
    "Words": "the same, with a capital (Seven)",
}
KEYWORDS = ("if", "elif", "else", "end")
TALLY = ".tally"  # ``{V.tally}``: a vote's result in words, for a sentence


class TemplateError(ValueError):
    """A mistake in a text; ``offset`` is where it starts in the text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


# --------------------------------------------------------------------------- syntax


@record(slots=True)
class Show:
    """``{EXPR}`` or ``{EXPR|filter}``: a value shown in the text."""

    source: str
    offset: int  # where the expression starts in the text
    filter: str | None = None
    filter_offset: int = 0


@record(slots=True)
class Branch:
    """One ``{if}``/``{elif}`` (with its condition) or ``{else}`` (``source`` None) and its body."""

    source: str | None
    offset: int
    body: tuple[Node, ...]


@record(slots=True)
class Choose:
    """A whole ``{if}…{end}`` block: the first branch whose condition holds is shown."""

    branches: tuple[Branch, ...]
    offset: int


Node = str | Show | Choose


@record(slots=True)
class Parsed:
    nodes: tuple[Node, ...]
    errors: tuple[TemplateError, ...]


def _closing(text: str, at: int) -> int:
    """The ``}`` that closes the ``{`` at ``at`` (quoted text inside may hold braces), or -1
    when another ``{`` comes first or none does."""
    i, n = at + 1, len(text)
    while i < n:
        char = text[i]
        if char in "'\"":
            end = text.find(char, i + 1)
            newline = text.find("\n", i + 1)
            if end > 0 and (newline < 0 or end < newline):
                i = end + 1
                continue
        elif char == "}":
            return i
        elif char == "{":
            return -1
        i += 1
    return -1


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_WORD = re.compile(r"\s*([A-Za-z_]+)(?=\s|$)")


@lru_cache(maxsize=8192)
def parse(text: str) -> Parsed:
    """Literal runs, values and blocks, in order, and every mistake in the braces.

    ``{{`` and ``}}`` are literal braces. A scenario's texts are few and fixed and the game
    fills them again and again: each is read once.
    """
    if "{" not in text and "}" not in text:
        return Parsed((text,) if text else (), ())
    errors: list[TemplateError] = []
    # a stack of open blocks: (the block's branches so far, the current branch's source,
    # its offset, its body, where the block opened, whether '{else}' was seen)
    root: list[Node] = []
    stack: list[tuple[list[Branch], str | None, int, list[Node], int, bool]] = []
    body = root
    literal: list[str] = []

    def flush() -> None:
        if literal:
            run = "".join(literal)
            literal.clear()
            if body and isinstance(body[-1], str):
                body[-1] += run
            elif run:
                body.append(run)

    i = 0
    n = len(text)
    while i < n:
        brace = min((p for p in (text.find("{", i), text.find("}", i)) if p >= 0), default=-1)
        if brace < 0:
            literal.append(text[i:])
            break
        literal.append(text[i:brace])
        char = text[brace]
        if text.startswith(char * 2, brace):
            literal.append(char)
            i = brace + 2
            continue
        if char == "}":
            errors.append(
                TemplateError(
                    f"'}}' near \"{_near(text, brace)}\" closes nothing; write '}}}}' for a "
                    "literal brace",
                    brace,
                )
            )
            i = brace + 1
            continue
        end = _closing(text, brace)
        if end < 0:
            errors.append(
                TemplateError(
                    f"'{{' near \"{_near(text, brace)}\" is never closed; write {{name}} to show "
                    "a variable, or '{{' for a literal brace",
                    brace,
                )
            )
            i = brace + 1
            continue
        flush()
        inner = text[brace + 1 : end]
        i = end + 1
        word = _WORD.match(inner)
        keyword = word.group(1) if word and word.group(1) in KEYWORDS else None
        if keyword is None:
            if not inner.strip():
                errors.append(
                    TemplateError(
                        "'{}' shows nothing; write {name} to show a variable, or '{{}}' for "
                        "literal braces",
                        brace,
                    )
                )
                continue
            body.append(_show(inner, brace + 1))
            continue
        assert word is not None
        rest = inner[word.end() :]
        rest_at = brace + 1 + word.end() + (len(rest) - len(rest.lstrip()))
        if keyword in ("if", "elif") and not rest.strip():
            errors.append(
                TemplateError(
                    f"'{{{keyword}}}' needs a condition, as in {{{keyword} published}}", brace
                )
            )
            rest = "true"
        if keyword in ("else", "end") and rest.strip():
            errors.append(
                TemplateError(
                    f"'{{{keyword}}}' takes no condition; write '{{{keyword}}}' alone"
                    + (" (or '{elif CONDITION}')" if keyword == "else" else ""),
                    brace,
                )
            )
        condition = rest.strip()
        if keyword == "if":
            stack.append(([], condition, rest_at, [], brace, False))
            body = stack[-1][3]
            continue
        if not stack:
            errors.append(
                TemplateError(
                    f"'{{{keyword}}}' has no '{{if ...}}' before it; write '{{{{' for a literal "
                    "brace",
                    brace,
                )
            )
            continue
        branches, source, at, current, opened, seen_else = stack.pop()
        branches.append(Branch(source, at, tuple(current)))
        if keyword == "end":
            body = stack[-1][3] if stack else root
            body.append(Choose(tuple(branches), opened))
            continue
        if seen_else:
            errors.append(
                TemplateError(f"'{{{keyword}}}' after '{{else}}': '{{else}}' comes last", brace)
            )
        source = condition if keyword == "elif" else None
        stack.append((branches, source, rest_at, [], opened, seen_else or keyword == "else"))
        body = stack[-1][3]
    flush()
    while stack:  # closed here, so that what is inside is checked too
        branches, source, at, current, opened, _ = stack.pop()
        errors.append(
            TemplateError(
                f"'{{if ...}}' near \"{_near(text, opened)}\" is never closed; end it with "
                "'{end}'",
                opened,
            )
        )
        branches.append(Branch(source, at, tuple(current)))
        (stack[-1][3] if stack else root).append(Choose(tuple(branches), opened))
    return Parsed(tuple(root), tuple(sorted(errors, key=lambda e: e.offset)))


def _show(inner: str, at: int) -> Show:
    """``EXPR`` or ``EXPR|filter``: the last ``|`` outside quotes starts a filter."""
    bar = -1
    quote = None
    for j, char in enumerate(inner):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "|":
            bar = j
    if bar < 0:
        lead = len(inner) - len(inner.lstrip())
        return Show(inner.strip(), at + lead)
    expr, name = inner[:bar], inner[bar + 1 :]
    lead = len(expr) - len(expr.lstrip())
    name_lead = len(name) - len(name.lstrip())
    return Show(expr.strip(), at + lead, name.strip(), at + bar + 1 + name_lead)


def has_conditionals(nodes: tuple[Node, ...]) -> bool:
    return any(isinstance(node, Choose) for node in nodes)


def _near(text: str, at: int) -> str:
    """A few words around ``at``, on one line, to find the brace in a long text."""
    start, end = max(0, at - 15), min(len(text), at + 25)
    snippet = " ".join(text[start:end].split())
    return ("..." if start else "") + snippet + ("..." if end < len(text) else "")


# --------------------------------------------------------------------------- words

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(number: int) -> str:
    """A whole number from 0 to 100 in English words; any other stays in digits."""
    if not 0 <= number <= 100:
        return str(number)
    if number == 100:
        return "a hundred"
    if number < 20:
        return _ONES[number]
    tens, ones = divmod(number, 10)
    return _TENS[tens] + ("-" + _ONES[ones] if ones else "")


def tally(votes_for: int, against: int, abstain: int) -> str:
    """A vote's result as a sentence says it: "seven votes to four", "six votes to four with
    one abstention" (no comma, so that the sentence can go on), "86 votes to none", "no votes to eleven"."""
    first = "no" if votes_for == 0 else words(votes_for)
    said = f"{first} {'vote' if votes_for == 1 else 'votes'} to "
    said += "none" if against == 0 else words(against)
    if abstain:
        said += f" with {words(abstain)} {'abstention' if abstain == 1 else 'abstentions'}"
    return said


# --------------------------------------------------------------------------- compiled


class Shown(Protocol):
    """What a variable needs to be shown in text (``model.Variable``)."""

    def display(self, value: int | bool | str) -> str: ...


Render = Callable[[Mapping[str, Any]], str]


@record
class Template:
    """A text made a function of the game's values; ``conditions`` are its inline ``{if}``s."""

    render: Render
    conditions: tuple[tuple[Compiled, int], ...]  # each with where it stands in the text
    plain: bool  # no braces at all: ``render`` gives the text back
    names: frozenset[str] = frozenset()  # every name the text reads, shown or tested


_SPACES = re.compile(r"[ \t]{2,}")
_LINE_END = re.compile(r"[ \t]+\n")
_BLANKS = re.compile(r"\n{3,}")


def compile_template(
    text: str,
    scope: Scope,
    variables: Mapping[str, Shown],
    votes: Collection[str],
) -> tuple[Template, list[TemplateError]]:
    """``text`` checked against the names of ``scope`` and made a function of the values.

    ``variables`` show a choice's label; ``votes`` are the vote ids ``{V.tally}`` may name.
    Every mistake is returned (offsets in ``text``); the template is usable only without them.
    """
    parsed = parse(text)
    errors = list(parsed.errors)
    if not parsed.nodes or parsed.nodes == (text,):
        return Template(lambda values: text, (), True), errors
    conditions: list[tuple[Compiled, int]] = []
    read: set[str] = set()

    def show(node: Show) -> Render:
        name = node.source
        if name.endswith(TALLY) and name[: -len(TALLY)] in votes:
            vote = name[: -len(TALLY)]
            keys = (f"{vote}.for", f"{vote}.against", f"{vote}.abstain")
            read.update(keys)
            cap = _filter(node, errors, text_ok=True)

            def said(values: Mapping[str, Any]) -> str:
                result = tally(*(values[k] for k in keys))
                return result[:1].upper() + result[1:] if cap else result

            return said
        try:
            compiled = compile_expression(name, scope)
        except ExprError as exc:
            if _NAME.fullmatch(name) and exc.message.startswith("unknown variable"):
                hint = exc.message[len(f"unknown variable '{name}'") :]
                message = f"unknown variable '{{{name}}}' in text{hint}; write '{{{{' and '}}}}' for literal braces"
                errors.append(TemplateError(message, node.offset - 1))
            else:
                errors.append(TemplateError(_in(exc, name), node.offset + exc.offset))
            return lambda values: ""
        read.update(compiled.names)
        evaluate = compiled.evaluate
        if compiled.type == INT:
            cap = _filter(node, errors, text_ok=False, number=True)
            if node.filter is None:
                return lambda values: str(evaluate(values))
            if cap:
                return lambda values: _capital(words(evaluate(values)))
            return lambda values: words(evaluate(values))
        _filter(node, errors, text_ok=False)
        if compiled.type == BOOL:
            return lambda values: "yes" if evaluate(values) else "no"
        if compiled.type.startswith("enum:") and compiled.type[5:] in variables:
            display = variables[compiled.type[5:]].display
            return lambda values: display(evaluate(values))
        if compiled.type == TEXT or compiled.type.startswith("enum:"):
            return lambda values: str(evaluate(values))
        return lambda values: str(evaluate(values))  # pragma: no cover - every type is above

    def block(nodes: tuple[Node, ...]) -> Render:
        parts: list[Render | str] = []
        for node in nodes:
            if isinstance(node, str):
                parts.append(node)
            elif isinstance(node, Show):
                parts.append(show(node))
            else:
                parts.append(choose(node))
        if all(isinstance(p, str) for p in parts):
            joined = "".join(p for p in parts if isinstance(p, str))
            return lambda values: joined
        pieces = tuple(parts)
        return lambda values: "".join(p if isinstance(p, str) else p(values) for p in pieces)

    def choose(node: Choose) -> Render:
        arms: list[tuple[Compiled | None, Render]] = []
        for branch in node.branches:
            test: Compiled | None = None
            if branch.source is not None:
                try:
                    test = compile_expression(branch.source, scope, BOOL)
                    conditions.append((test, branch.offset))
                    read.update(test.names)
                except ExprError as exc:
                    errors.append(
                        TemplateError(_in(exc, branch.source), branch.offset + exc.offset)
                    )
            arms.append((test, block(branch.body)))
        options = tuple(arms)

        def pick(values: Mapping[str, Any]) -> str:
            for test, render in options:
                if test is None or test.evaluate(values):
                    return render(values)
            return ""

        return pick

    whole = block(parsed.nodes)
    if has_conditionals(parsed.nodes):
        inner = whole

        def whole(values: Mapping[str, Any]) -> str:
            said = _SPACES.sub(" ", inner(values))
            return _BLANKS.sub("\n\n", _LINE_END.sub("\n", said)).strip()

    return Template(whole, tuple(conditions), False, frozenset(read)), errors


def outline(text: str) -> str:
    """A text with ``{if}`` blocks as a teacher's answer key shows it before any game is
    played: every branch, each after its condition ("(if me.ballot.v == 'none') You never
    voted. (otherwise) You voted with the losers."); a value shown stays in its braces."""

    def said(nodes: tuple[Node, ...]) -> str:
        parts: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                parts.append(node)
            elif isinstance(node, Show):
                parts.append("{" + node.source + (f"|{node.filter}" if node.filter else "") + "}")
            else:
                for branch in node.branches:
                    when = f"if {branch.source}" if branch.source is not None else "otherwise"
                    parts.append(f" ({when}) {said(branch.body).strip()} ")
        return "".join(parts)

    parsed = parse(text)
    if parsed.errors or not has_conditionals(parsed.nodes):
        return text
    return " ".join(said(parsed.nodes).split())


def _in(exc: ExprError, source: str) -> str:
    return f'in "{source}": {exc.message}'


def _capital(said: str) -> str:
    return said[:1].upper() + said[1:]


def _filter(node: Show, errors: list[TemplateError], text_ok: bool, number: bool = False) -> bool:
    """Check a value's filter; True when it asks for a capital."""
    if node.filter is None:
        return False
    if node.filter not in FILTERS:
        from presidium.diagnostics import did_you_mean, one_of

        errors.append(
            TemplateError(
                f"unknown filter '{node.filter}'{did_you_mean(node.filter, FILTERS)}; the "
                f"filters are {one_of(FILTERS)}",
                node.filter_offset,
            )
        )
        return False
    if not (number or text_ok):
        errors.append(
            TemplateError(
                f"'|{node.filter}' spells a number in words, but \"{node.source}\" is not a number",
                node.filter_offset,
            )
        )
        return False
    return node.filter == "Words"


class Texts:
    """A scenario's texts, each compiled once, on first use, and kept for every later game."""

    def __init__(self, scope: Scope, variables: Mapping[str, Shown], votes: Collection[str]):
        self.scope = scope
        self.variables = variables
        self.votes = frozenset(votes)
        self.compiled: dict[str, Render] = {}

    def fill(self, text: str, values: Mapping[str, Any]) -> str:
        render = self.compiled.get(text)
        if render is None:
            template, errors = compile_template(text, self.scope, self.variables, self.votes)
            if errors:  # the compiler refuses these first; a hand-made scenario may not
                raise errors[0]
            render = self.compiled[text] = template.render
        return render(values)


_TEXTS: dict[int, tuple[Scenario, Texts]] = {}
_TEXTS_KEPT = 16


def texts_of(scenario: Scenario) -> Texts:
    """The scenario's texts, compiled once for every game of it (the few latest scenarios).

    Every text was checked by the compiler in the scope of its place (a vote rule's reason
    may name ``voter.stance``); here one scope holds all those names."""
    kept = _TEXTS.get(id(scenario))
    if kept is not None and kept[0] is scenario:
        return kept[1]
    if len(_TEXTS) >= _TEXTS_KEPT:
        del _TEXTS[next(iter(_TEXTS))]
    scope = play_scope(scenario)
    scope.voter_attributes = {"stance": VarType("enum", tuple(scenario.stances))}
    shown = {**scenario.variables, "voter.stance": voter_variable(scenario.stances)}
    texts = Texts(scope, shown, scenario.votes)
    _TEXTS[id(scenario)] = (scenario, texts)
    return texts


def play_scope(scenario: Scenario) -> Scope:
    """The names a scene, branch or odds may read: the compiler's scope, made again."""
    ranks: dict[str, tuple[str, ...]] = {}
    for actor in scenario.actors.values():
        ranks[actor.rank] = (*ranks.get(actor.rank, ()), actor.id)
    return Scope(
        variables={k: v.type for k, v in scenario.variables.items()},
        ranks=ranks,
        stances=tuple(scenario.stances),
    )


def voter_variable(stances: Mapping[str, str]) -> Variable:
    """``voter.stance`` in a vote rule's reason, shown by its label like any stance."""
    return Variable(
        "voter.stance",
        "the voter's stance",
        VarType("enum", tuple(stances)),
        "",
        dict(stances),
        SourceSpan("", 0, 0),
    )


def fill(scenario: Scenario, text: str, values: Mapping[str, Any]) -> str:
    """``text`` with its values shown and its ``{if}`` blocks decided for ``values``."""
    if "{" not in text and "}" not in text:
        return text
    return texts_of(scenario).fill(text, values)
