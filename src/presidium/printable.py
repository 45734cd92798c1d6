"""Making text from outside printable: the one gate between untrusted text and any output.

A scenario file, a save, a cache entry and what a player types are all written by someone
else. Any of them can hold escape sequences that retitle a window, write the clipboard or
clear the screen, bidirectional overrides that reorder what is read, or characters that make
an SVG or JSON file unreadable. Everything that reaches a terminal, a transcript, a handout or
a diagnostic goes through ``clean``, which shows such a character as a visible escape
(``\\x1b``) rather than dropping it, so that whoever reads it can find and remove it.
"""

from __future__ import annotations

import io
import re
from typing import IO, cast

# C0 controls except tab and newline, DEL, C1 controls, the invisible marks and overrides that
# reorder text, line and paragraph separators (line breaks to Python and JavaScript but not to
# a terminal), lone surrogates (no encoding can write them) and the two noncharacters that
# XML refuses.
_CONTROLS = (
    r"\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    r"\ud800-\udfff\ufffe\uffff"
)
CONTROL = re.compile(f"[{_CONTROLS}]")
"""What text may not hold to be shown as it is; the compiler refuses it in scenario text."""

_ONE_LINE = re.compile(f"[\\t\\n{_CONTROLS}]")


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str, one_line: bool = False) -> str:
    """``text`` with every character that could drive a terminal (or break a file) shown as an
    escape such as ``\\x1b``.

    ``one_line`` escapes tabs and newlines too, for text that must stay on its line: a value
    quoted in a diagnostic, a file name, an error message.
    """
    return (_ONE_LINE if one_line else CONTROL).sub(_visible, text)


def quoted(name: str) -> str:
    """A name (a file, a save's field) as a message quotes it; a very long one is cut short (and its length given)."""
    if len(name) <= 100:
        return f"'{name}'"
    return f"'{name[:60]}…' ({len(name):,} characters)"


def one_line(text: str) -> str:
    """Text for a place that must stay one line (a heading, a comment): whitespace runs,
    newlines included, become one space; anything else unprintable is escaped."""
    return clean(" ".join(text.split()), one_line=True)


def markdown(text: str) -> str:
    """Text made safe inside Markdown: no markup of its own, no raw HTML, nothing unprintable.

    Only what would start markup is escaped, so the file still reads well as plain text.
    """
    escaped = "".join("\\" + c if c in "\\`*_[]<>|" else c for c in clean(text))
    lines = []
    for line in escaped.split("\n"):
        if re.match(r"(#|[-+] )", line):
            line = "\\" + line  # not a heading, not a list item
        else:
            line = re.sub(r"^(\d+)([.)] )", r"\1\\\2", line)  # not a numbered item
        lines.append(line)
    return "\n".join(lines)


def html_text(text: str) -> str:
    """Text made safe inside HTML, as element content or a quoted attribute: no markup of its
    own, nothing unprintable (the same escapes a terminal would show)."""
    import html  # pages only; not at every start

    return html.escape(clean(text))


def code_fence(body: str, info: str = "") -> str:
    """``body`` in a Markdown code block that nothing inside it can close: the fence is
    longer than any run of backticks the body holds."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{body.removesuffix(chr(10))}\n{fence}\n"


def code_span(text: str) -> str:
    """``text`` as inline Markdown code that nothing inside it can close: the backtick run
    around it is longer than any inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def json_text(encoded: str) -> str:
    """JSON text with the characters ``json.dumps(..., ensure_ascii=False)`` leaves raw (C1
    controls, overrides, surrogates) written as ``\\uXXXX`` escapes: the same value to a
    program, nothing live to a terminal."""
    return CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", encoded)


def printable_stream(target: IO[str]) -> IO[str]:
    """``target`` as a stream that can be handed to anything that writes text."""
    return cast(IO[str], PrintableWriter(target))


class PrintableWriter(io.TextIOBase):
    """A text stream that passes everything written through ``clean``: what a command prints
    about files it was given can never drive the terminal, whatever a later message quotes."""

    def __init__(self, target: IO[str]) -> None:
        self.target = target

    def write(self, text: str) -> int:
        self.target.write(clean(text))
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()


def mid_sentence(name: str) -> str:
    """A name as it reads after the start of a sentence: "The majority (…)" becomes "the
    majority (…)"; a person's or a side's proper name ("Khrushchev's side") is left as it is."""
    return "the " + name[4:] if name.startswith("The ") else name
