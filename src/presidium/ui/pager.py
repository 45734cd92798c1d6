"""Pacing: at a terminal, text longer than the screen waits for Enter before it scrolls away.

The opening of a scenario is longer than a 24-line terminal; without a pause its first lines
are gone before the player has read them. The pager sits between the screen's console and the
terminal, counts the rows written since the player last answered, and asks for a key before
the first unread row would scroll off. It is used only at a real terminal in an interactive
game: never with ``--plain``, ``--json``, ``--autoplay``, piped input or output.

Whether and where to pause is a pure function of row counts and the terminal's height
(``pauses``), so that it is tested without a terminal. At the pause, Enter or Space reads on,
``q`` stops pausing until the player's next answer, Ctrl-C leaves the game as it does at any
prompt (saving it), and an input that has ended turns pacing off rather than wait. Any other
key is passed over: a player who types a choice's number and Enter at a pause reads on once,
not twice, and no screen scrolls by unseen.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import IO

from rich.cells import cell_len

MORE = "— more (Enter to read on, q to stop pausing) —"
READ_ON = ("\n", "\r", " ")
STOP = ("q", "Q")
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def rows(line: str, columns: int) -> int:
    """The terminal rows a line takes once its escape sequences are set aside."""
    width = cell_len(_CONTROL.sub("", line))
    return max(1, -(-width // max(1, columns)))


def pauses(line_rows: Sequence[int], shown: int, height: int) -> tuple[list[int], int]:
    """Where to pause in lines about to be written, and how many rows are unread after them.

    ``shown``: rows written since the player last looked (answered, or read on at a pause).
    The bottom row holds the next prompt or the pause line, so ``height - 1`` rows can be read
    at once; a pause comes before the line that would scroll the first unread row away. A
    single line taller than the screen cannot be helped and is written whole.
    """
    page = max(1, height - 1)
    where: list[int] = []
    for index, count in enumerate(line_rows):
        if shown and shown + count > page:
            where.append(index)
            shown = 0
        shown += count
    return where, shown


def block_pauses(unit_rows: Sequence[int], shown: int, height: int) -> tuple[list[int], int]:
    """Where to pause in a block that must be read whole (a question and its numbered
    choices), as ``pauses`` says for lines: before the block, rather than inside it, when it
    would not fit beside what is unread; and in a block taller than the screen, only between
    its units (a choice is never cut in two)."""
    page = max(1, height - 1)
    before = [0] if shown and shown + sum(unit_rows) > page else []
    where, shown = pauses(unit_rows, 0 if before else shown, height)
    return before + where, shown


def split_tall(units: Sequence[str], columns: int, height: int) -> list[str]:
    """A block's units, each taller than the screen cut into its lines: kept whole, its
    first rows would scroll away unread."""
    page = max(1, height - 1)
    out: list[str] = []
    for unit in units:
        lines = [line + "\n" for line in unit.split("\n")[:-1]]
        if sum(rows(line, columns) for line in lines) > page:
            out += lines
        else:
            out.append(unit)
    return out


def read_key() -> str:
    """One key from the terminal without waiting for Enter and without echoing it; "" when
    the input has ended. Ctrl-C still interrupts (the terminal sends the signal)."""
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)  # keys typed ahead are kept, not flushed
        data = os.read(fd, 1)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    return data.decode("utf-8", "replace")


def can_pause() -> bool:
    """Whether this platform can read a single key (a POSIX terminal)."""
    try:
        import termios  # noqa: F401
        import tty  # noqa: F401
    except ImportError:
        return False
    return True


def terminal_size() -> tuple[int, int]:
    """(columns, rows), asked afresh each time: the player may resize the window."""
    size = shutil.get_terminal_size((80, 24))
    return size.columns, size.lines


class Pager(io.TextIOBase):
    """A text stream that writes to ``target`` and pauses as ``pauses`` says.

    ``reset`` is called when the player answers a prompt: everything above it has been seen.
    """

    def __init__(
        self,
        target: IO[str],
        key: Callable[[], str] = read_key,
        size: Callable[[], tuple[int, int]] = terminal_size,
    ) -> None:
        self.target = target
        self.key = key
        self.size = size
        self.shown = 0
        self.partial = ""  # the start of a line already written, whose end is still to come
        self.quiet = False  # 'q' at a pause: no more pauses until the next answer
        self.off = False  # the input ended: never pause again
        self.interrupted = ""  # text a Ctrl-C at a pause cut short, which rich will send again
        self.held: list[str] | None = None  # the units of a block being kept together

    def reset(self) -> None:
        self.shown = 0
        self.quiet = False

    @contextlib.contextmanager
    def together(self) -> Iterator[None]:
        """Keep what is written inside as one block (``block_pauses``): each write is a unit
        that a pause may come before but never inside, as one printed choice is."""
        if self.held is not None:  # already inside a block: one block
            yield
            return
        self.held = []
        try:
            yield
        finally:
            units, self.held = self.held, None
        self._write_block(units)

    def _write_block(self, units: list[str]) -> None:
        if self.partial or any(not unit.endswith("\n") for unit in units):
            for unit in units:  # not whole lines: paced line by line, as any text
                self.write(unit)
            return
        if self.off or self.quiet:
            self.shown = 0
            self.target.write("".join(units))
            return
        columns, height = self.size()
        units = split_tall(units, columns, height)
        unit_rows = [sum(rows(line, columns) for line in unit.split("\n")[:-1]) for unit in units]
        where, self.shown = block_pauses(unit_rows, self.shown, height)
        self._emit(units, where)

    def write(self, text: str) -> int:
        if self.held is not None:
            self.held.append(text)
            return len(text)
        length = len(text)
        if self.interrupted:  # the console writes again what it could not finish: once is enough
            text = text.removeprefix(self.interrupted)
            self.interrupted = ""
        lines = (self.partial + text).split("\n")
        parts = [line + "\n" for line in lines[:-1]] + [lines[-1]]
        parts[0] = parts[0][len(self.partial) :]  # already on the screen
        self.partial = lines[-1]
        if self.off or self.quiet:
            self.shown = 0
            self.target.write("".join(parts))
            return length
        columns, height = self.size()
        where, self.shown = pauses([rows(line, columns) for line in lines[:-1]], self.shown, height)
        if where[:1] == [0] and parts[0] != lines[0] + "\n":
            where = where[1:]  # never in the middle of a line
        try:
            self._emit(parts, where)
        except KeyboardInterrupt:
            self.interrupted, self.partial = text, ""
            raise
        return length

    def _emit(self, parts: Sequence[str], where: Sequence[int]) -> None:
        """Write ``parts``, pausing before each index in ``where`` until pausing is over."""
        start = 0
        for index in where:
            self.target.write("".join(parts[start:index]))
            start = index
            if not self._pause():
                break
        self.target.write("".join(parts[start:]))

    def _pause(self) -> bool:
        """Wait for a key; False when pausing is over for now ('q', or the input ended)."""
        self.target.write(MORE)
        self.target.flush()
        try:
            key = self._answer()
        finally:
            with contextlib.suppress(OSError):
                self.target.write("\r\x1b[2K")  # the pause line goes; the text goes on in its place
        if key == "":
            self.off = True
        elif key in STOP:
            self.quiet = True
        return not (self.off or self.quiet)

    def _answer(self) -> str:
        """The first key that answers the pause (Enter, Space, q), or "" when the input ended;
        other keys (a choice's number typed ahead) are passed over, so they never read on."""
        while True:
            try:
                key = self.key()
            except OSError:
                return ""
            if key == "" or key in READ_ON or key in STOP:
                return key

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", None) or "utf-8"
