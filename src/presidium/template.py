"""Scene text with ``{variable}`` placeholders, read by one function for compiler and engine.

The compiler reads every text the game will fill and refuses a brace it cannot read, so the
engine, reading the same text with the same function, never meets one while a game is played.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

_BRACE = re.compile(r"[{}]")


class Placeholder(NamedTuple):
    """A ``{name}`` in text, and where its ``{`` stands."""

    name: str
    offset: int


class TemplateError(ValueError):
    """A brace that is neither a placeholder nor a doubled, literal brace."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@lru_cache(maxsize=4096)
def split(text: str) -> tuple[str | Placeholder, ...]:
    """Literal runs and placeholders, in order; ``{{`` and ``}}`` are literal braces.

    A scenario's texts are few and fixed, and the game fills them again and again: each is
    read once (a text with a mistake is not kept; the compiler refuses it first).
    """
    if "{" not in text and "}" not in text:
        return (text,) if text else ()
    pieces: list[str | Placeholder] = []
    literal: list[str] = []
    i = 0
    for match in _BRACE.finditer(text):
        at = match.start()
        if at < i:
            continue
        literal.append(text[i:at])
        char = match.group()
        if text.startswith(char * 2, at):
            literal.append(char)
            i = at + 2
        elif char == "{":
            end = text.find("}", at + 1)
            opened = text.find("{", at + 1)
            if end < 0 or 0 <= opened < end:
                raise TemplateError(
                    f"'{{' near \"{_near(text, at)}\" is never closed; write {{name}} to show a "
                    "variable, or '{{' for a literal brace",
                    at,
                )
            if "".join(literal):
                pieces.append("".join(literal))
            literal = []
            pieces.append(Placeholder(text[at + 1 : end], at))
            i = end + 1
        else:
            raise TemplateError(
                f"'}}' near \"{_near(text, at)}\" closes nothing; write '}}}}' for a literal brace",
                at,
            )
    literal.append(text[i:])
    if "".join(literal):
        pieces.append("".join(literal))
    return tuple(pieces)


def _near(text: str, at: int) -> str:
    """A few words around ``at``, on one line, to find the brace in a long text."""
    start, end = max(0, at - 15), min(len(text), at + 25)
    snippet = " ".join(text[start:end].split())
    return ("..." if start else "") + snippet + ("..." if end < len(text) else "")
