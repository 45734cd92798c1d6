"""The small expression language of conditions, odds and effects.

Conditions (``cc_in_moscow >= 60 and zhukov == 'khrushchev'``), odds
(``40 + if(serov == 'khrushchev', 30, 0)``) and effects (``cc_lean += 5``,
``pervukhin.stance = 'khrushchev'``) are parsed once, when a scenario is compiled, type-checked
against the declared variables, and turned into Python closures. Nothing is ever passed to
``eval`` or ``exec``, and no name in an expression can reach anything but a declared variable
or one of the few functions listed in ``FUNCTIONS``.

Grammar (lowest precedence first)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/" | "%") unary)*      # "/" divides whole numbers, rounding down
    unary   := "-" unary | atom
    atom    := NUMBER | 'text' | "text" | true | false | NAME | NAME "(" args ")" | "(" expr ")"
    effect  := NAME ("=" | "+=" | "-=") expr
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from presidium.records import record

Evaluator = Callable[[Mapping[str, Any]], Any]

INT = "number"
BOOL = "true/false"
TEXT = "text"

MAX_LENGTH = 2000
MAX_NESTING = 40
# Whole numbers in a scenario (in YAML and in expressions) have at most this many digits, and
# arithmetic saturates at the largest of them: a file that compiles can always be played and
# shown (Python refuses to print integers of more than 4,300 digits).
MAX_DIGITS = 15
MAX_NUMBER: int = 10**MAX_DIGITS - 1


@record(slots=True)
class VarType:
    """The type of a variable: ``number`` (with a range), ``true/false``, or an enumeration."""

    kind: str  # INT, BOOL or "enum"
    values: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    @property
    def name(self) -> str:
        if self.kind == "enum":
            return "one of " + ", ".join(f"'{v}'" for v in self.values)
        return self.kind


@record
class ExprError(Exception):
    """A problem in an expression; ``offset`` is the 0-based character where it starts."""

    message: str
    offset: int = 0
    stray: str | None = None  # a text that is not a value of the choice it is compared with

    def __str__(self) -> str:
        return self.message


@dataclass
class Scope:
    """What an expression may name: variables, actor ranks and stances, and ``voter``."""

    variables: Mapping[str, VarType]
    ranks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stances: tuple[str, ...] = ()
    voter_attributes: Mapping[str, VarType] | None = None
    extra: Mapping[str, VarType] = field(default_factory=dict)
    # names that exist but may not be read here, each with why (a secret ballot in play)
    refused: Mapping[str, str] = field(default_factory=dict)

    def lookup(self, name: str) -> VarType | None:
        if name in self.extra:
            return self.extra[name]
        if name.startswith("voter.") and self.voter_attributes is not None:
            return self.voter_attributes.get(name[len("voter.") :])
        return self.variables.get(name)


@record(slots=True)
class Compiled:
    """A parsed, type-checked expression: its source, result type and evaluator."""

    source: str
    type: str
    evaluate: Evaluator
    names: frozenset[str]
    # For a condition made only of comparisons of a variable (plus a constant) with constants:
    # the values around which its truth can change. ``None`` when it is not of that shape.
    cuts: frozenset[int] | None = None
    want: str | None = field(default=None, compare=False)
    scope: Scope | None = field(default=None, compare=False, repr=False)
    # Every text a text-valued expression can give (quoted values and if() of them), so that
    # an effect can check them against the values of its target before anyone plays.
    texts: frozenset[str] | None = field(default=None, compare=False)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its source and scope, and compiled again when loaded (closures do not pickle)."""
        return (_recompile, (self.source, self.want, self.scope))


@record(slots=True)
class CompiledEffect:
    """``target op value``; the engine applies it and keeps numbers inside their range."""

    source: str
    target: str
    op: str  # "=", "+=", "-="
    value: Compiled
    scope: Scope | None = field(default=None, compare=False, repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_recompile_effect, (self.source, self.scope))


_RECOMPILED: dict[tuple[str, str, str | None, int], Any] = {}


def _recompile(source: str, want: str | None, scope: Scope) -> Compiled:
    key = ("expr", source, want, id(scope))
    if key not in _RECOMPILED:
        _RECOMPILED[key] = compile_expression(source, scope, want)
    return _RECOMPILED[key]  # type: ignore[no-any-return]


def _recompile_effect(source: str, scope: Scope) -> CompiledEffect:
    key = ("effect", source, None, id(scope))
    if key not in _RECOMPILED:
        _RECOMPILED[key] = compile_effect(source, scope)
    return _RECOMPILED[key]  # type: ignore[no-any-return]


def forget_recompiled() -> None:
    """Drop the memo of expressions compiled while unpickling (call after each load)."""
    _RECOMPILED.clear()


# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+)
  | (?P<string>'[^'\n]*'|"[^"\n]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>==|!=|<=|>=|\+=|-=|[<>+\-*/%(),=])
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "true", "false"}


@record
class _Tok:
    kind: str
    text: str
    offset: int


def _tokenize(source: str) -> list[_Tok]:
    if len(source) > MAX_LENGTH:
        raise ExprError(f"expression is longer than {MAX_LENGTH} characters")
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            char = source[pos]
            hint = ""
            if char in "&|":
                hint = " (write 'and' / 'or')"
            elif char == "!":
                hint = " (write 'not')"
            elif char in "'\"":
                hint = " (a quoted value is not closed on this line)"
            raise ExprError(f"unexpected character {char!r}{hint}", pos)
        kind = match.lastgroup or ""
        if match.group() == "=" and source[pos + 1 : pos + 2] in ("<", ">", "!"):
            meant = source[pos + 1] + "="
            raise ExprError(f"'={source[pos + 1]}' is not an operator; write '{meant}'", pos)
        if kind != "space":
            text = match.group()
            if kind == "name" and text in _KEYWORDS:
                kind = text
            tokens.append(_Tok(kind, text, pos))
        pos = match.end()
    tokens.append(_Tok("end", "", len(source)))
    return tokens


# --------------------------------------------------------------------------- parser


@record
class _Node:
    type: str
    fn: Evaluator
    offset: int
    names: frozenset[str]
    literal: str | None = None  # the text of a quoted literal, for enum checks
    linear: tuple[str | None, int] | None = None  # a number that is (variable or none) + constant
    cuts: frozenset[int] | None = None  # see Compiled.cuts
    texts: frozenset[str] | None = None  # every text it can give, when known (see Compiled)


_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _floordiv(a: int, b: int) -> int:
    return a // b if b else 0


def _mod(a: int, b: int) -> int:
    return a % b if b else 0


def _bounded(op: Callable[[int, int], int]) -> Callable[[int, int], int]:
    def apply(a: int, b: int) -> int:
        return max(-MAX_NUMBER, min(MAX_NUMBER, op(a, b)))

    return apply


_ARITH: dict[str, Callable[[int, int], int]] = {
    "+": _bounded(operator.add),
    "-": _bounded(operator.sub),
    "*": _bounded(operator.mul),
    "/": _floordiv,
    "%": _mod,
}

FUNCTIONS = {
    "min": "min(a, b, ...): the smallest of the numbers",
    "max": "max(a, b, ...): the largest of the numbers",
    "if": "if(condition, a, b): a when the condition holds, else b",
    "count": "count('rank', 'stance'): how many actors of that rank hold that stance",
}


class _Parser:
    def __init__(self, source: str, scope: Scope) -> None:
        self.source = source
        self.scope = scope
        self.tokens = _tokenize(source)
        self.i = 0
        self.depth = 0

    # helpers -------------------------------------------------------------
    def peek(self) -> _Tok:
        return self.tokens[self.i]

    def take(self) -> _Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, kind: str, what: str) -> _Tok:
        tok = self.peek()
        if tok.kind != kind and tok.text != kind:
            found = f"'{tok.text}'" if tok.text else "the end"
            raise ExprError(f"expected {what}, found {found}", tok.offset)
        return self.take()

    def want(self, node: _Node, typ: str, role: str) -> None:
        if node.type != typ and not (typ == TEXT and node.type.startswith("enum")):
            raise ExprError(
                f"{role} must be {typ}, but this is {_describe(node.type)}", node.offset
            )

    # grammar -------------------------------------------------------------
    def parse(self) -> _Node:
        node = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            hint = " (use '==' to compare)" if tok.text == "=" else ""
            raise ExprError(f"unexpected '{tok.text}'{hint}", tok.offset)
        return node

    def or_(self) -> _Node:
        return self._logic("or", self.and_)

    def and_(self) -> _Node:
        return self._logic("and", self.not_)

    def _logic(self, word: str, sub: Callable[[], _Node]) -> _Node:
        left = sub()
        parts = [left]
        while self.peek().kind == word:
            self.take()
            parts.append(sub())
        if len(parts) == 1:
            return left
        for part in parts:
            self.want(part, BOOL, f"each side of '{word}'")
        fns = [p.fn for p in parts]
        names = frozenset().union(*(p.names for p in parts))
        cuts = _union_cuts(parts)
        if word == "and":
            return _Node(BOOL, lambda v: all(f(v) for f in fns), left.offset, names, cuts=cuts)
        return _Node(BOOL, lambda v: any(f(v) for f in fns), left.offset, names, cuts=cuts)

    def not_(self) -> _Node:
        if self.peek().kind == "not":
            tok = self.take()
            inner = self.nested(self.not_)
            self.want(inner, BOOL, "the operand of 'not'")
            fn = inner.fn
            return _Node(BOOL, lambda v: not fn(v), tok.offset, inner.names, cuts=inner.cuts)
        return self.compare()

    def compare(self) -> _Node:
        left = self.sum()
        tok = self.peek()
        if tok.text not in _CMP:
            return left
        self.take()
        right = self.sum()
        op = tok.text
        if op in ("==", "!="):
            self.check_equal(left, right, tok)
        else:
            self.want(left, INT, f"the left side of '{op}'")
            self.want(right, INT, f"the right side of '{op}'")
        cmp, lf, rf = _CMP[op], left.fn, right.fn
        return _Node(
            BOOL,
            lambda v: cmp(lf(v), rf(v)),
            left.offset,
            left.names | right.names,
            cuts=_cuts(left, right),
        )

    def check_equal(self, left: _Node, right: _Node, tok: _Tok) -> None:
        for a, b in ((left, right), (right, left)):
            if a.type.startswith("enum:") and b.literal is not None:
                values = self.enum_values(a.type)
                if b.literal not in values:
                    from presidium.diagnostics import did_you_mean, one_of

                    raise ExprError(
                        f"'{b.literal}' is not a value of {a.type[5:]}; expected "
                        f"{one_of(values)}{did_you_mean(b.literal, values)}",
                        b.offset,
                        b.literal,
                    )
                return
        if left.type == TEXT and right.type == TEXT:
            raise ExprError(
                "comparing two quoted texts is always the same; compare a variable", tok.offset
            )
        same_enum = (
            left.type.startswith("enum:")
            and right.type.startswith("enum:")
            and self.enum_values(left.type) == self.enum_values(right.type)
        )
        if left.type != right.type and not same_enum:
            raise ExprError(
                f"cannot compare {_describe(left.type)} with {_describe(right.type)}", right.offset
            )

    def enum_values(self, typ: str) -> tuple[str, ...]:
        var = self.scope.lookup(typ[5:])
        return var.values if var is not None else ()

    def sum(self) -> _Node:
        return self._arith(("+", "-"), self.product)

    def product(self) -> _Node:
        return self._arith(("*", "/", "%"), self.unary)

    def _arith(self, ops: tuple[str, ...], sub: Callable[[], _Node]) -> _Node:
        left = sub()
        while self.peek().text in ops:
            tok = self.take()
            right = sub()
            self.want(left, INT, f"the left side of '{tok.text}'")
            self.want(right, INT, f"the right side of '{tok.text}'")
            fn, lf, rf = _ARITH[tok.text], left.fn, right.fn
            left = _Node(
                INT,
                lambda v, fn=fn, lf=lf, rf=rf: fn(lf(v), rf(v)),  # type: ignore[misc]
                left.offset,
                left.names | right.names,
                linear=_linear(tok.text, left.linear, right.linear),
            )
        return left

    def unary(self) -> _Node:
        if self.peek().text == "-":
            tok = self.take()
            inner = self.nested(self.unary)
            self.want(inner, INT, "the operand of '-'")
            fn = inner.fn
            return _Node(INT, lambda v: -fn(v), tok.offset, inner.names)
        return self.atom()

    def nested(self, sub: Callable[[], _Node]) -> _Node:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ExprError(f"expression nested more than {MAX_NESTING} deep", self.peek().offset)
        try:
            return sub()
        finally:
            self.depth -= 1

    def atom(self) -> _Node:
        tok = self.take()
        if tok.kind == "number":
            if len(tok.text) > MAX_DIGITS:
                raise ExprError(
                    f"a number of {len(tok.text):,} digits; numbers in a scenario have at most "
                    f"{MAX_DIGITS} digits",
                    tok.offset,
                )
            value = int(tok.text)
            return _Node(INT, lambda v: value, tok.offset, frozenset(), linear=(None, value))
        if tok.kind == "string":
            text = tok.text[1:-1]
            return _Node(
                TEXT, lambda v: text, tok.offset, frozenset(), literal=text, cuts=frozenset()
            )
        if tok.kind in ("true", "false"):
            flag = tok.kind == "true"
            return _Node(BOOL, lambda v: flag, tok.offset, frozenset(), cuts=frozenset())
        if tok.text == "(":
            inner = self.nested(self.or_)
            self.expect(")", "')'")
            return inner
        if tok.kind == "name":
            if self.peek().text == "(":
                return self.call(tok)
            return self.variable(tok)
        found = f"'{tok.text}'" if tok.text else "the end of the expression"
        raise ExprError(f"expected a value, a variable or '(', found {found}", tok.offset)

    def unquoted(self, tok: _Tok) -> str:
        """A hint for a choice's value written without quotes beside '==' or '!='."""
        at = self.tokens.index(tok)
        for op, other in ((at - 1, at - 2), (at + 1, at + 2)):
            if not (0 <= other < len(self.tokens) and self.tokens[op].text in ("==", "!=")):
                continue
            name = self.tokens[other].text
            var = self.scope.lookup(name)
            if var is not None and var.kind == "enum" and tok.text in var.values:
                return f"; '{tok.text}' is a value of '{name}': write it in quotes, '{tok.text}'"
        return ""

    def variable(self, tok: _Tok) -> _Node:
        var = self.scope.lookup(tok.text)
        if var is None and tok.text in self.scope.refused:
            raise ExprError(self.scope.refused[tok.text], tok.offset)
        if var is None:
            from presidium.diagnostics import did_you_mean

            known = list(self.scope.variables) + list(self.scope.extra)
            if self.scope.voter_attributes is not None:
                known += [f"voter.{a}" for a in self.scope.voter_attributes]
            hint = self.unquoted(tok) or did_you_mean(tok.text, known)
            raise ExprError(f"unknown variable '{tok.text}'{hint}", tok.offset)
        typ = f"enum:{tok.text}" if var.kind == "enum" else var.kind
        if var.kind == "enum" and tok.text.startswith("voter."):
            typ = f"enum:{tok.text}"
        key = tok.text
        getter = operator.itemgetter(key)
        linear = (key, 0) if var.kind == INT else None
        # a flag or a choice is fixed beside a varying number: no cuts of its own
        cuts: frozenset[int] | None = frozenset() if var.kind != INT else None
        return _Node(typ, getter, tok.offset, frozenset({key}), linear=linear, cuts=cuts)

    def call(self, name: _Tok) -> _Node:
        self.take()  # "("
        args: list[_Node] = []
        if self.peek().text != ")":
            args.append(self.nested(self.or_))
            while self.peek().text == ",":
                self.take()
                args.append(self.nested(self.or_))
        self.expect(")", "')' or ','")
        names = frozenset().union(*(a.names for a in args)) if args else frozenset()
        fname = name.text
        if fname in ("min", "max"):
            if len(args) < 2:
                raise ExprError(f"{fname}() takes two or more numbers", name.offset)
            for arg in args:
                self.want(arg, INT, f"each argument of {fname}()")
            pick = min if fname == "min" else max
            fns = [a.fn for a in args]
            return _Node(INT, lambda v: pick(f(v) for f in fns), name.offset, names)
        if fname == "if":
            if len(args) != 3:
                raise ExprError("if() takes three arguments: if(condition, a, b)", name.offset)
            cond, a, b = args
            self.want(cond, BOOL, "the first argument of if()")
            for x, y in ((a, b), (b, a)):  # an enumeration and one of its quoted values
                if x.type.startswith("enum:") and y.literal is not None:
                    self.check_equal(x, y, name)
                    y = _Node(x.type, y.fn, y.offset, y.names)
                    a, b = (x, y) if x is a else (y, x)
                    break
            if a.type != b.type:
                raise ExprError(
                    f"both branches of if() must have one type, not {_describe(a.type)} "
                    f"and {_describe(b.type)}",
                    b.offset,
                )
            cf, af, bf = cond.fn, a.fn, b.fn
            texts = _texts(a) | _texts(b) if _texts(a) and _texts(b) else None
            return _Node(
                a.type, lambda v: af(v) if cf(v) else bf(v), name.offset, names, texts=texts
            )
        if fname == "count":
            return self.count(name, args)
        from presidium.diagnostics import did_you_mean

        raise ExprError(
            f"unknown function '{fname}'{did_you_mean(fname, FUNCTIONS)}; "
            f"the functions are {', '.join(FUNCTIONS)}",
            name.offset,
        )

    def count(self, name: _Tok, args: list[_Node]) -> _Node:
        from presidium.diagnostics import did_you_mean, one_of

        if len(args) != 2 or args[0].literal is None or args[1].literal is None:
            raise ExprError("count() takes a quoted rank and a quoted stance", name.offset)
        rank, stance = args[0].literal, args[1].literal
        if rank not in self.scope.ranks:
            raise ExprError(
                f"no actor has rank '{rank}'; expected {one_of(self.scope.ranks)}"
                f"{did_you_mean(rank, self.scope.ranks)}",
                args[0].offset,
            )
        if stance not in self.scope.stances:
            raise ExprError(
                f"'{stance}' is not a stance; expected {one_of(self.scope.stances)}"
                f"{did_you_mean(stance, self.scope.stances)}",
                args[1].offset,
            )
        keys = tuple(f"{actor}.stance" for actor in self.scope.ranks[rank])
        return _Node(
            INT,
            lambda v: sum(1 for k in keys if v[k] == stance),
            name.offset,
            frozenset(keys),
        )


def _linear(
    op: str, a: tuple[str | None, int] | None, b: tuple[str | None, int] | None
) -> tuple[str | None, int] | None:
    """(variable or None) + constant, for ``a op b``, when that shape survives."""
    if a is None or b is None or op not in "+-":
        return None
    if op == "-" and b[0] is not None:
        return None
    if a[0] is not None and b[0] is not None:
        return None
    return (a[0] or b[0], a[1] + b[1] if op == "+" else a[1] - b[1])


def _cuts(left: _Node, right: _Node) -> frozenset[int] | None:
    """Where ``left OP right`` can change truth as one number varies (see Compiled.cuts)."""
    if left.cuts is not None and right.cuts is not None:
        return frozenset()  # flags, choices and texts: fixed beside a number
    a, b = left.linear, right.linear
    if a is None or b is None:
        return None
    if a[0] is not None and b[0] is not None:
        return None if a[0] != b[0] else frozenset()
    threshold = b[1] - a[1] if a[0] is not None else a[1] - b[1]
    return frozenset({threshold - 1, threshold, threshold + 1})


def _union_cuts(parts: list[_Node]) -> frozenset[int] | None:
    if any(p.cuts is None for p in parts):
        return None
    return frozenset().union(*(p.cuts for p in parts if p.cuts is not None))


def _describe(typ: str) -> str:
    if typ.startswith("enum:"):
        return f"the choice variable '{typ[5:]}'"
    if typ == TEXT:
        return "a quoted text"
    return f"a {typ} value" if typ == INT else f"a {typ} condition"


# --------------------------------------------------------------------------- public API


def compile_expression(source: str, scope: Scope, want: str | None = None) -> Compiled:
    """Parse and type-check ``source``; ``want`` is the required result type, if any."""
    if not isinstance(source, str) or not source.strip():
        raise ExprError("empty expression")
    parser = _Parser(source, scope)
    node = parser.parse()
    if want is not None and node.type != want:
        raise ExprError(f"this must be {_article(want)}, but it is {_describe(node.type)}", 0)
    return Compiled(
        source,
        node.type,
        node.fn,
        node.names,
        node.cuts if node.type == BOOL else None,
        want,
        scope,
        _texts(node) or None,
    )


def _texts(node: _Node) -> frozenset[str]:
    """The texts a node can give, when they are known (empty when they are not)."""
    if node.texts is not None:
        return node.texts
    return frozenset((node.literal,)) if node.literal is not None else frozenset()


def _article(typ: str) -> str:
    return "a number" if typ == INT else "a condition (true or false)"


def set_by_the_game(name: str) -> str | None:
    """Why nothing but the game itself may change ``name`` (an effect, a teacher's ruling),
    or None: the side being played, and how a member voted, are facts of the game."""
    if name == "player":
        return f"'{name}' is set by the game (the side being played)"
    if ".ballot." in name:
        return f"'{name}' is set by the game (how the member voted)"
    return None


_EFFECT = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(\+=|-=|=)(?!=)\s*(.*)\Z", re.DOTALL)


def compile_effect(source: str, scope: Scope) -> CompiledEffect:
    """Parse ``name = value``, ``name += number`` or ``name -= number`` and check its types."""
    if not isinstance(source, str):
        raise ExprError("an effect is text such as 'cc_lean += 5'")
    match = _EFFECT.match(source)
    if match is None:
        raise ExprError("an effect looks like 'name = value', 'name += 5' or 'name -= 5'")
    target, op, rest = match.groups()
    why = set_by_the_game(target)
    if why is not None:
        raise ExprError(f"{why}; an effect cannot change it", match.start(1))
    var = scope.variables.get(target)
    if var is None:
        from presidium.diagnostics import did_you_mean

        raise ExprError(
            f"unknown variable '{target}'{did_you_mean(target, scope.variables)}",
            match.start(1),
        )
    if op != "=" and var.kind != INT:
        raise ExprError(f"'{op}' works on numbers, but '{target}' is {var.name}", match.start(2))
    offset = match.start(3)
    try:
        value_type = INT if var.kind == INT else (BOOL if var.kind == BOOL else None)
        value = compile_expression(rest, scope)
    except ExprError as exc:
        raise ExprError(exc.message, exc.offset + offset) from None
    if var.kind == "enum":
        if value.type == TEXT:
            from presidium.diagnostics import did_you_mean, one_of

            if value.texts is None:
                raise ExprError(
                    f"'{target}' takes one of its quoted values; expected {one_of(var.values)}",
                    offset,
                )
            for text in sorted(value.texts):
                if text in var.values:
                    continue
                raise ExprError(
                    f"'{text}' is not a value of {target}; expected {one_of(var.values)}"
                    f"{did_you_mean(text, var.values)}",
                    offset,
                    text,
                )
        elif value.type != f"enum:{target}" and not (
            value.type.startswith("enum:") and scope.lookup(value.type[5:]) == var
        ):
            raise ExprError(f"'{target}' takes {var.name}, not {_describe(value.type)}", offset)
    elif value.type != value_type:
        raise ExprError(
            f"'{target}' takes {_describe(value_type or '')}, not {_describe(value.type)}", offset
        )
    if var.kind == INT and value.names == frozenset() and op == "=":
        literal = value.evaluate({})
        if (var.minimum is not None and literal < var.minimum) or (
            var.maximum is not None and literal > var.maximum
        ):
            raise ExprError(
                f"{literal} is outside the range of '{target}' ({var.minimum} to {var.maximum})",
                offset,
            )
    return CompiledEffect(source.strip(), target, op, value, scope)
