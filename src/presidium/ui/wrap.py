"""Text wrapped as rich wraps it, as letters only: what a console without colour writes.

A class's screens draw most of what they show as plain lines, at every ballot, on the
projector and in room.txt. Rich's console lays a text out with ``Text.wrap``, then turns its
lines into styled segments, crops and joins them again; on a console with no colour only the
letters are left of all that. ``wrapped`` gives those letters directly, to the byte, or None
where it cannot be sure to (the text is then left to rich).
"""

from __future__ import annotations

import re

from rich._wrap import divide_line
from rich.cells import cell_len, set_cell_size

_LETTER = re.compile(r"[^ ]")


def wrapped(plain: str, width: int, column: bool = False) -> list[str] | None:
    """``plain`` wrapped to ``width`` cells as rich's ``Text.wrap`` wraps a text with no
    layout of its own: as a console prints it (justified by default, a word longer than the
    line folded), or in a ``column`` of a table (justified left, each line padded to the
    width, a longer word cut short with an ellipsis).

    The breaks are rich's ``divide_line``'s (``ascii_breaks`` for a line of ASCII letters);
    each line is then what ``Text.rstrip_end`` and ``Text.truncate`` make of it. None where
    that is not sure: a line with a tab or a letter not printable (a space other than ' ', a
    control), a line cut short to another width than the column's."""
    if width < 1:
        return None
    lines = []
    for line in plain.split("\n"):  # Text.split(allow_blank=True)
        if not line.isprintable():  # so the only space in it is ' '
            return None
        size_of = len if line.isascii() else cell_len  # an ASCII letter is one cell wide
        if len(line) <= width and size_of(line) <= width:  # no break, nothing to cut
            lines.append(line + " " * (width - size_of(line)) if column else line)
            continue
        if line.isascii():
            breaks = ascii_breaks(line, width, fold=not column)
        else:
            breaks = divide_line(line, width, fold=not column)
        for start, end in zip([0, *breaks], [*breaks, len(line)], strict=True):
            piece = line[start:end]
            excess = len(piece) - width  # rstrip_end: spaces past the width, by characters
            if excess > 0:
                piece = piece[: len(piece) - min(len(piece) - len(piece.rstrip(" ")), excess)]
            size = size_of(piece)
            if size > width and not column:  # truncate, folding
                piece = set_cell_size(piece, width)
            elif size > width:  # truncate, with an ellipsis
                piece = set_cell_size(piece, width - 1) + "…"
                if cell_len(piece) != width:
                    return None
            elif column:  # and pad
                piece += " " * (width - size)
            lines.append(piece)
    return lines


def ascii_breaks(line: str, width: int, fold: bool = True) -> list[int]:
    """``divide_line(line, width, fold)`` for a line of printable ASCII (one cell a letter,
    no space but ' '), found a line at a time instead of a word at a time.

    Rich places each word (its letters, with the spaces before the first and after each) in
    turn: a word fits when its letters end within ``width`` of where the line starts; one that
    does not starts a line, unless it is longer than a line: then it is folded into pieces of
    ``width`` (spaces after it included), the last piece starting a line, or, not folding, it
    starts a line of its own. So the next word not to fit is the one whose letters cross the
    line's end, or the first after it."""
    breaks: list[int] = []
    size = len(line)
    first = len(line) - len(line.lstrip(" "))  # the first word's letters (it starts at 0)
    start = 0  # where the line being filled starts
    placed = 0  # where the letters of the last word placed end
    while True:
        at = max(start + width, placed)
        if at >= size:
            return breaks
        if line[at] == " ":
            letter = _LETTER.search(line, at)
            if letter is None:
                return breaks
            begins = letter.start()
        else:
            begins = line.rfind(" ", 0, at) + 1
        word = 0 if begins == first else begins
        ends = line.find(" ", begins)
        ends = size if ends < 0 else ends
        if ends - word <= width:  # it fits on a line of its own
            breaks.append(word)
            start = word
        elif fold:
            letter = _LETTER.search(line, ends)
            after = size if letter is None else letter.start()  # its spaces too
            start = word
            while True:
                if start:
                    breaks.append(start)
                if start + width >= after:
                    break
                start += width
        else:
            if word:
                breaks.append(word)
            start = word
        placed = ends
