"""The expression language: parsed once, type-checked, evaluated without eval."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presidium.conditions import (
    BOOL,
    INT,
    ExprError,
    Scope,
    VarType,
    compile_effect,
    compile_expression,
)

SCOPE = Scope(
    variables={
        "cc": VarType(INT, minimum=0, maximum=133),
        "lean": VarType(INT, minimum=0, maximum=100),
        "published": VarType(BOOL),
        "zhukov.stance": VarType("enum", ("khrushchev", "majority", "wavering")),
        "pervukhin.stance": VarType("enum", ("khrushchev", "majority", "wavering")),
        "verdict": VarType("enum", ("undecided", "removal", "trial")),
    },
    ranks={"full": ("pervukhin",)},
    stances=("khrushchev", "majority", "wavering"),
)
VALUES = {
    "cc": 70,
    "lean": 55,
    "published": False,
    "zhukov.stance": "khrushchev",
    "pervukhin.stance": "wavering",
    "verdict": "undecided",
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("cc >= 60", True),
        ("cc >= 60 and not published", True),
        ("published or lean < 50", False),
        ("zhukov.stance == 'khrushchev'", True),
        ('zhukov.stance != "majority"', True),
        ("20 + cc / 3", 43),
        ("-cc + 100 * 2 % 7", -66),
        ("cc / 0", 0),
        ("if(published, 10, 0) + max(1, 2, 3) - min(4, 5)", -1),
        ("count('full', 'wavering')", 1),
        ("(cc > 1) == (lean > 1)", True),
        ("pervukhin.stance == zhukov.stance", False),
        ("if(cc > 80, 'wavering', pervukhin.stance) == 'wavering'", True),
    ],
)
def test_evaluates(source: str, expected: object) -> None:
    assert compile_expression(source, SCOPE).evaluate(VALUES) == expected


@pytest.mark.parametrize(
    ("source", "message", "offset"),
    [
        ("cc >= sixty", "unknown variable 'sixty'", 6),
        ("c >= 60", "unknown variable 'c' (did you mean 'cc'?)", 0),
        (
            "zhukov.stance == 'khrushchov'",
            "'khrushchov' is not a value of zhukov.stance; expected 'khrushchev', "
            "'majority' or 'wavering' (did you mean 'khrushchev'?)",
            17,
        ),
        (
            "cc and published",
            "each side of 'and' must be true/false, but this is a number value",
            0,
        ),
        ("cc = 5", "unexpected '=' (use '==' to compare)", 3),
        ("cc >= 60 && published", "unexpected character '&' (write 'and' / 'or')", 9),
        ("published + 1", "the left side of '+' must be number", 0),
        ("cc == published", "cannot compare a number value with a true/false condition", 6),
        ("'a' == 'b'", "comparing two quoted texts is always the same", 4),
        ("__import__('os')", "unknown function '__import__'", 0),
        ("__import__('os').system('ls')", "unexpected character '.'", 16),
        ("open('x')", "unknown function 'open'", 0),
        ("count('full', 'nobody')", "'nobody' is not a stance", 14),
        ("if(cc, 1, 2)", "the first argument of if() must be true/false", 3),
        ("(cc > 1", "expected ')', found the end", 7),
        ("", "empty expression", 0),
    ],
)
def test_reports_what_is_wrong_and_where(source: str, message: str, offset: int) -> None:
    with pytest.raises(ExprError) as info:
        compile_expression(source, SCOPE)
    assert message in info.value.message
    assert info.value.offset == offset


def test_a_condition_must_be_true_or_false() -> None:
    with pytest.raises(ExprError, match="must be a condition"):
        compile_expression("cc + 1", SCOPE, BOOL)


def test_effects() -> None:
    effect = compile_effect("cc += 15 - if(published, 10, 0)", SCOPE)
    assert (effect.target, effect.op, effect.value.evaluate(VALUES)) == ("cc", "+=", 15)
    assert compile_effect("verdict = 'trial'", SCOPE).value.evaluate({}) == "trial"
    assert compile_effect("published = true", SCOPE).op == "="


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("cc = 200", "200 is outside the range of 'cc' (0 to 133)"),
        ("verdict = 'acquittal'", "'acquittal' is not a value of verdict"),
        ("published += 1", "'+=' works on numbers, but 'published' is true/false"),
        ("cc = true", "'cc' takes a number value, not a true/false condition"),
        ("nobody = 1", "unknown variable 'nobody'"),
        ("cc == 1", "an effect looks like"),
        ("os.system('rm -rf /')", "an effect looks like"),
    ],
)
def test_effect_errors(source: str, message: str) -> None:
    with pytest.raises(ExprError, match=re.escape(message)):
        compile_effect(source, SCOPE)


def test_nothing_is_ever_passed_to_eval(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    def forbidden(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("eval/exec must never run")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    assert compile_expression("cc > 1 and not published", SCOPE).evaluate(VALUES) is True


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gives_an_expression_or_an_expr_error(source: str) -> None:
    try:
        compiled = compile_expression(source, SCOPE)
    except ExprError:
        return
    compiled.evaluate(VALUES)


TOKENS = st.sampled_from(
    [
        "cc",
        "lean",
        "published",
        "zhukov.stance",
        "'khrushchev'",
        "1",
        "0",
        "(",
        ")",
        "and",
        "or",
        "not",
        "==",
        "<",
        "+",
        "-",
        "*",
        "/",
        "%",
        "if(",
        ",",
        "min(",
        "true",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(TOKENS, max_size=14))
def test_token_soup_never_crashes(tokens: list[str]) -> None:
    try:
        compiled = compile_expression(" ".join(tokens), SCOPE)
    except ExprError:
        return
    compiled.evaluate(VALUES)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ExprError, match="nested more than"):
        compile_expression("not " * 300 + "published", SCOPE)
    with pytest.raises(ExprError, match="nested more than"):
        compile_expression("(" * 300 + "1" + ")" * 300, SCOPE)
