"""YAML syntax mistakes, told in our words at the line that is wrong.

When the parser refuses a file, its own message names where it gave up, which is often
lines after the mistake, in words an author cannot act on. These small scans of our own
look at the text around that point (quotes and brackets left open, keys indented unlike
their neighbours, a key without ': ', a list item among keys) and say what is wrong and
what to do. They read the text only, so the messages are the same whatever parser PyYAML
was built with; nothing here imports ``yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_DEPTH = 64  # the deepest nesting of mappings and lists a scenario may have

# What YAML reads as a line break.
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def source_lines(text: str) -> list[str]:
    """The file's lines as YAML counts them (a form feed, say, does not start a new one), so
    that a diagnostic's line number and the line it quotes agree."""
    lines = _BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _one_break(text: str) -> str:
    """The text with every line break YAML knows written as ``\n``: lines and columns stay
    as the parser counts them, and the scans need look for one character only."""
    return (
        text
        if "\r" not in text
        and "\x85" not in text
        and "\u2028" not in text
        and ("\u2029" not in text)
        else "\n".join(source_lines(text))
    )


def position(text: str, index: int) -> tuple[int, int]:
    """The (line, column) of ``text[index]``, both from 1, counting lines as YAML does."""
    breaks = list(_BREAK.finditer(text, 0, index))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, index - start + 1


_FLOW_TOKEN = re.compile(r"[\[\]{}'\"#\n]")
_BLOCK_STARTS = (":", "-", "?")  # what may stand before a value in block context
_FLOW_STARTS = (*_BLOCK_STARTS, ",", "[", "{")


def too_deep(text: str) -> tuple[int, int] | None:
    """Where flow nesting (``[``/``{``) first goes deeper than ``MAX_DEPTH``, or ``None``.

    A scan of our own, used when the parser has refused a file. Block nesting needs none:
    its events stream, and the loader's cap sees them.
    """
    depth = 0
    text = _one_break(text)
    for char, _, line, col, _ in _flow_tokens(text, len(text)):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, col
        elif char in "]}":
            depth -= 1
    return None


def _starts_value(text: str, at: int, line_start: int, depth: int) -> bool:
    """Whether the character at ``at`` begins a value: what stands before it on its line,
    spaces aside, is nothing or an indicator that a value follows. Only the spaces are
    stepped over, so a scan of a long line stays linear."""
    before = at - 1
    while before >= line_start and text[before] == " ":
        before -= 1
    return before < line_start or text[before] in (_FLOW_STARTS if depth else _BLOCK_STARTS)


def _flow_tokens(text: str, stop: int) -> Iterator[tuple[str, int, int, int, int]]:
    """``(char, offset, line, column, end)`` for each quote that starts a value and each
    bracket that opens or closes a flow collection, before offset ``stop``.

    Comments are skipped, and so is the inside of a quoted scalar (``end`` is the offset just
    past it, or the end of the text if it is never closed). In block context a bracket counts
    only where a value starts; ``see [1]`` is plain text.
    """
    depth = 0
    line, line_start, pos = 1, 0, 0
    while True:
        match = _FLOW_TOKEN.search(text, pos, stop)
        if match is None:
            return
        char, at = match.group(), match.start()
        pos = at + 1
        if char == "\n":
            line, line_start = line + 1, pos
            continue
        if char == "#":
            if at == line_start or text[at - 1] in " \t":
                end = text.find("\n", at)
                pos = len(text) if end < 0 else end
        elif char in "'\"":
            if not _starts_value(text, at, line_start, depth):
                continue
            end = _quote_end(text, at, char)
            yield char, at, line, at - line_start + 1, end
            breaks = text.count("\n", at, end)
            if breaks:
                line, line_start = line + breaks, text.rfind("\n", 0, end) + 1
            pos = end
        elif char in "[{":
            if depth or _starts_value(text, at, line_start, depth):
                depth += 1
                yield char, at, line, at - line_start + 1, pos
        elif depth:
            depth -= 1
            yield char, at, line, at - line_start + 1, pos


STOPPED = "reading stopped at this mistake, so others may show once it is fixed"

_COLON = "a ': ' inside a value; put the whole value in quotes"
# The parser's words for a problem, and ours: what is wrong and what to do.
_OUR_WORDS = {
    "did not find expected key": "this line does not fit the lines around it; check its "
    "indentation, and whether a quote or bracket above it is left open",
    "mapping values are not allowed here": _COLON,
    "mapping values are not allowed in this context": _COLON,
    "did not find expected node content": "a value is missing here",
    "could not find expected ':'": "a key needs a ':' after it, or a quote or bracket above "
    "is left open",
    "found unexpected end of stream": "the file ends inside a quote or bracket",
    "did not find expected ',' or ']'": "a list in [ ] is not closed with ']', or its items are "
    "not separated by ','; put an item with ':' or '#' in quotes",
    "did not find expected ',' or '}'": "a mapping in { } is not closed with '}', or its "
    "entries are not separated by ','",
    "did not find expected '-' indicator": "a list item here is not indented like the items "
    "before it",
    "found unknown escape character": "an unknown escape in double-quoted text; write '\\\\' "
    "for a backslash, or use single quotes",
    "found character that cannot start any token": "this character cannot start a value; put "
    "the value in quotes",
    "found character '@' that cannot start any token": "'@' cannot start a value; put the "
    "value in quotes",
    "found character '`' that cannot start any token": "'`' cannot start a value; put the "
    "value in quotes",
}


def syntax_error(
    text: str, problem: str, line: int, col: int, began: int | None = None
) -> tuple[str, int, int]:
    """The parser's complaint in our words, at the place the mistake was made.

    The parser notices a mistake only where the text stops making sense, often a line or
    many lines later. Small scans of our own find the place: a quote or bracket left open
    (a quote that runs past its line into the place where the parser gave up, or a bracket
    still open there), a quote that ends quoted text early, a bracket that closes nothing, a
    key without ': ', a line indented unlike its neighbours. ``began`` is the line where the
    parser says the construct it was reading began, if it says.
    """
    text = _one_break(text)
    words = _OUR_WORDS.get(problem.split(" (")[0], problem or "not valid YAML")
    stop = 0
    for _ in range(line - 1):
        stop = text.find("\n", stop) + 1
        if stop == 0:
            stop = len(text)
            break
    stop = min(stop + col - 1, len(text))
    opened = _left_open(text, stop)
    if opened is None:
        lines = source_lines(text)
        for found in (
            _closed_early(text, stop, line),
            _closes_nothing(text, stop),
            _missing_colon(lines, line, col, began),
            _out_of_line(lines, line, col, began),
        ):
            if found is not None:
                return found
        return words, line, col
    char, at_line, at_col, ends = opened
    if char in "[{":
        closer, kind = ("]", "list") if char == "[" else ("}", "mapping")
        message = (
            f"the bracket {char} opened at line {at_line} is not closed, so reading failed at "
            f"line {line}; close it with '{closer}' where the {kind} ends"
        )
    else:
        inside = "an apostrophe as ''" if char == "'" else 'a quotation mark as \\"'
        runs = (
            "is never closed"
            if ends is None
            else f"is not closed on its line, so lines {at_line} to {ends} were read as one text"
        )
        message = (
            f"the quote {char} opened at line {at_line} {runs}; close it on line {at_line} "
            f"(inside {char}...{char}, write {inside})"
        )
    return message, at_line, at_col


def _closed_early(text: str, stop: int, line: int) -> tuple[str, int, int] | None:
    """A quote inside quoted text that ends it early: ``'Blame Ulbricht's line'``.

    The parser stops at the word after the quote; the quote itself is the mistake.
    """
    last, depth = None, 0
    for char, at, at_line, at_col, end in _flow_tokens(text, stop):
        if char in "'\"" and end <= stop:
            last = char, at, at_line, at_col, end
        elif char in "[{]}":
            depth += 1 if char in "[{" else -1
    if last is None or stop >= len(text) or text[stop] in "\r\n#,]}":
        return None
    char, at, at_line, at_col, end = last
    if at_line != line or text[end - 1] != char or end == at + 1 or text[end:stop].strip(" "):
        return None
    if depth and end < stop:  # in [ ] or { }, "a" "b" is more likely a missing ','
        return None
    inner = text[at + 1 : end - 1]
    before = re.search(r"[^\s'\"]+\Z", inner)
    after = re.match(r"[^\s'\"]+", text[stop:])
    where = (
        f"after '{before.group()}'" if before else f"before '{after.group()}'" if after else "here"
    )
    if char == "'":
        advice = "inside '...' write '' for an apostrophe, or use \"...\""
    else:
        advice = 'inside "..." write \\" for a quotation mark, or use \'...\''
    message = f"the {char} {where} ends the text that opened at column {at_col}; {advice}"
    return (message, *position(text, end - 1))


def _closes_nothing(text: str, stop: int) -> tuple[str, int, int] | None:
    """A ``]`` or ``}`` with no bracket open before it: ``sources: [a]]``."""
    if stop >= len(text) or text[stop] not in "]}":
        return None
    depth = 0
    for char, *_ in _flow_tokens(text, stop):
        depth += 1 if char in "[{" else -1 if char in "]}" else 0
    if depth:
        return None
    line, col = position(text, stop)
    return f"a '{text[stop]}' here closes nothing; remove it", line, col


# A line of block YAML: its indent, any '- ' list markers, and the key it starts with.
_LINE = re.compile(r"( *)((?:- +)*)(?:([A-Za-z_][\w-]*) *:(?= |\Z))?")
_BLOCK_HEADER = re.compile(r" *(?:- +)*([A-Za-z_][\w-]*) *: *([|>][-+0-9]*) *(?:#.*)?\Z")
_NO_COLON = re.compile(r"( *)(?:- +)*([a-z_][a-z0-9_]*)(?::(?=\S)| +(?=[\"'\[{]|\S+\Z))(.*)\Z")


def _shape(line: str) -> tuple[int, int, str | None, bool]:
    """(indent, column where the content starts after any '- ', key or None, is a list item)."""
    match = _LINE.match(line)
    assert match is not None  # every group is optional
    indent, dashes, key = match.group(1), match.group(2), match.group(3)
    return len(indent), len(indent) + len(dashes), key, bool(dashes)


def _significant(lines: list[str], number: int, step: int) -> int:
    """The number of the next line from ``number`` (by ``step``) that is not blank or a
    comment, or 0."""
    number += step
    while 1 <= number <= len(lines):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
        number += step
    return 0


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def _missing_colon(
    lines: list[str], line: int, col: int, began: int | None
) -> tuple[str, int, int] | None:
    """A key written without ': ' (``title "Molotov"``, ``title:"Molotov"``): the parser
    reads it as text, and stops at the next line's key or at its colon."""
    if not 1 <= line <= len(lines):
        return None
    key = _LINE.match(lines[line - 1])
    assert key is not None
    at_colon = key.group(3) is not None and lines[line - 1].find(":", key.end(3)) == col - 1
    if began is not None and began < line:
        before = began
    elif at_colon:
        before = _significant(lines, line, -1)
    else:
        return None
    text = lines[before - 1] if before else ""
    found = _NO_COLON.match(text)
    if found is None or ": " in text or text.rstrip().endswith(":"):
        return None
    if before != began and len(found.group(1)) > key.start(3):
        return None
    name, value = found.group(2), found.group(3).strip()
    example = f"{name}: {value}" if len(value) <= 30 else f"{name}: {value[:27]}..."
    message = f"a key needs ': ' (a colon and a space) after it, as in {example}"
    return message, before, found.end(2) + 1


def _out_of_line(
    lines: list[str], line: int, col: int, began: int | None
) -> tuple[str, int, int] | None:
    """A line indented unlike its neighbours, found by comparing indents near the place where
    the parser stopped (which is often the line after the one out of line)."""
    if not 1 <= line <= len(lines):
        return None
    here = lines[line - 1]
    indent, start, key, item = _shape(here)
    if col - 1 not in (indent, start):
        return None
    for candidate in (began or 0, line, _significant(lines, line, -1)):
        block = _dedented_block_line(lines, candidate) if candidate <= line else None
        if block is not None:
            return block
    before = _significant(lines, line, -1)
    if not before:
        return None
    _, b_start, b_key, _ = _shape(lines[before - 1])
    if item:
        return _item_among_keys(lines, line, indent)
    if key is None:
        return None
    if start > b_start and b_key is not None and _has_value(lines[before - 1]):
        earlier = before
        while True:
            earlier = _significant(lines, earlier, -1)
            if not earlier or _shape(lines[earlier - 1])[1] <= start:
                break
        e_start = _shape(lines[earlier - 1])[1] if earlier else -1
        opener = bool(earlier) and _significant(lines, earlier, 1) == before
        if opener:
            e_key = _LINE.match(lines[earlier - 1])
            assert e_key is not None
            rest = lines[earlier - 1][e_key.end() :].strip()
            opener = e_key.group(3) is not None and (not rest or rest.startswith("#"))
        if e_start == start or (e_start == b_start and opener):  # the line before is odd
            return _indent_words(b_key, b_start, start, "around"), before, b_start + 1
        if e_start == b_start:
            return _indent_words(key, start, b_start, "around"), line, start + 1
        return None
    if start < b_start:
        widths = []
        earlier = line
        while True:
            earlier = _significant(lines, earlier, -1)
            if not earlier:
                break
            e_indent, e_start, _, _ = _shape(lines[earlier - 1])
            if e_indent <= start or e_start <= start:
                break
            widths.append(e_start)
        if not widths or not earlier:
            return None
        e_indent, e_start, _, e_item = _shape(lines[earlier - 1])
        on_dash = e_item and e_indent == start  # dedented onto the '- ' of a list item
        if not on_dash and e_start != min(widths):
            return None  # the lines before it disagree among themselves
        following = _significant(lines, line, 1)
        opens = not _has_value(here) and following and _shape(lines[following - 1])[0] > start
        if on_dash and opens:
            return "this is a list: start the item with '- '", line, start + 1
        return _indent_words(key, start, min(widths), "before"), line, start + 1
    return None


def _has_value(line: str) -> bool:
    """Whether a ``key:`` line holds its value on the line itself (so nothing may nest under it)."""
    match = _LINE.match(line)
    if match is None or match.group(3) is None:
        return False
    rest = line[match.end() :].strip()
    return bool(rest) and not rest.startswith("#") and _BLOCK_HEADER.match(line) is None


def _indent_words(key: str, width: int, others: int, where: str) -> str:
    more = "more" if width > others else "less"
    return (
        f"'{key}' is indented {more} than the keys {where} it ({_spaces(width)}, the others "
        f"{others}); indent it {_spaces(others)}, like them"
    )


def _dedented_block_line(lines: list[str], line: int) -> tuple[str, int, int] | None:
    """A line of a ``text: >`` block indented less than the block's first line: it ends the
    block, and the parser then stops at a line of text that is not a key."""
    if not line:
        return None
    indent, _, key, item = _shape(lines[line - 1])
    if key is not None or item:
        return None
    first = 0
    earlier = line
    while True:
        earlier = _significant(lines, earlier, -1)
        if not earlier or _shape(lines[earlier - 1])[0] <= indent:
            break
        first = earlier
    header = _BLOCK_HEADER.match(lines[earlier - 1]) if earlier and first else None
    if header is None:
        return None
    width = _shape(lines[first - 1])[0]
    block = f"'{header.group(1)}: {header.group(2)}' block"
    usual = _shape(lines[earlier - 1])[1] + 2  # the key's column and one step of indent
    if indent == usual != width and _significant(lines, first, 1) == line:
        message = (  # only the first line is indented unlike the usual step
            f"the first line of the {block} is indented more than the line after it "
            f"({_spaces(width)}, the next {indent}); the first line sets the block's indent, "
            "so indent them the same"
        )
        return message, first, width + 1
    message = (
        f"this line of the {block} is indented less than the block's first line "
        f"({_spaces(indent)}, the first line {width}); indent it {_spaces(width)}, like the "
        "lines above it"
    )
    return message, line, indent + 1


def _item_among_keys(lines: list[str], line: int, indent: int) -> tuple[str, int, int] | None:
    """A '- ' list item where the entries before it, at the same indent, are keys: either
    the keys should have been list items (a choice written as ``the_generals:``), or the
    item should not be one; whichever is the odd one out is named."""
    keys: list[int] = []
    earlier = line
    while True:
        earlier = _significant(lines, earlier, -1)
        if not earlier:
            return None
        e_indent, e_start, e_key, e_item = _shape(lines[earlier - 1])
        if e_indent > indent:
            continue
        if e_indent < indent:
            if e_start == indent:
                return None  # the keys are a list item's own, so this item is the odd one
            break
        if e_item or e_key is None:
            return None
        keys.append(earlier)
    if not keys:
        return None
    items = more_keys = 0
    later = line
    while later:
        l_indent, _, l_key, l_item = _shape(lines[later - 1])
        if l_indent < indent:
            break
        items += l_indent == indent and l_item
        more_keys += l_indent == indent and not l_item and l_key is not None
        later = _significant(lines, later, 1)
    first = keys[-1]
    if items >= len(keys) + more_keys:
        return "this is a list: start the item with '- '", first, indent + 1
    name = _shape(lines[first - 1])[2]
    message = (
        f"a list item after keys such as '{name}:'; remove the '- ', or start every entry with '- '"
    )
    return message, line, indent + 1


def _left_open(text: str, stop: int) -> tuple[str, int, int, int | None] | None:
    """The quote or bracket most likely left open before offset ``stop``, or ``None``.

    (character, line, column, line where the quote ended or ``None``): a quote still open at
    ``stop``, or one that spans lines and ends on ``stop``'s line or the line before it; else
    the innermost bracket still open at ``stop`` that opened on an earlier line.
    """
    stop_line = text.count("\n", 0, stop) + 1
    brackets: list[tuple[str, int, int]] = []
    for char, at, line, col, end in _flow_tokens(text, stop):
        if char in "'\"":
            end_line = line + text.count("\n", at, end)
            closed = at < end - 1 and text[end - 1] == char
            if not closed or (end_line > line and (end > stop or end_line >= stop_line - 1)):
                return char, line, col, (end_line if closed else None)
        elif char in "[{":
            brackets.append((char, line, col))
        else:
            brackets.pop()
    for char, at_line, at_col in reversed(brackets):
        if at_line < stop_line:
            return char, at_line, at_col, None
    return None


def _quote_end(text: str, start: int, quote: str) -> int:
    """The index just past the quoted scalar that opens at ``start`` (or the end of text)."""
    at = start + 1
    while True:
        end = text.find(quote, at)
        if end < 0:
            return len(text)
        if quote == "'" and text.startswith("''", end):
            at = end + 2  # '' is an escaped quote
        elif quote == '"' and (len(text[at:end]) - len(text[at:end].rstrip("\\"))) % 2:
            at = end + 1  # an odd run of backslashes escapes the quote
        else:
            return end + 1
