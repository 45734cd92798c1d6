"""Standard output that may fail: closed, on a full disk, or read by a pipe that went away.

Every command writes through one ``GuardedOutput`` in place of ``sys.stdout``. The first
write that fails raises ``OutputFailed``, which a game treats as a way of leaving (its
autosave, record, transcript and debrief are written as when the player quits); from then on
the output is silent, so the words said on the way out cannot fail a second time, and the
command line reports the failure once, in one line, with exit code 1.

A closed standard output (no stream at all) is an output that fails at the first write: a
game stops before its first screen, with nothing yet to lose, and says why.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys

from presidium.errors import PresidiumError

TYPE_CHECKING = False  # not typing's: ``presidium --version`` loads this, and typing is slow
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import IO


class OutputFailed(PresidiumError):
    """Standard output cannot be written (exit 1). A broken pipe is said nothing about:
    whoever read the output chose to stop (``presidium ... | head``).

    Not an ``OSError``: code that reports a file it could not write must not mistake the
    screen for that file.
    """

    def __init__(self, reason: str, broken_pipe: bool = False) -> None:
        super().__init__(f"cannot write to standard output: {reason}")
        self.broken_pipe = broken_pipe


class GuardedOutput(io.TextIOBase):
    """``target`` (``sys.stdout``, possibly ``None``), turning its first failure into
    ``OutputFailed`` and discarding everything written after it."""

    def __init__(self, target: IO[str] | None) -> None:
        self.target = target
        self.failure: OutputFailed | None = None

    def _fail(self, exc: OSError | None) -> OutputFailed:
        if exc is None:
            self.failure = OutputFailed("it is closed")
        else:
            reason = exc.strerror or str(exc) or type(exc).__name__
            self.failure = OutputFailed(reason, isinstance(exc, BrokenPipeError))
            self._silence()
        return self.failure

    def _silence(self) -> None:
        """Point the failed descriptor at the null device, so that what the stream still
        holds in its buffer is flushed there when the program ends, not reported as an error."""
        with contextlib.suppress(OSError, ValueError, AttributeError):
            fileno = self.target.fileno() if self.target is not None else -1
            nowhere = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(nowhere, fileno)
            finally:
                os.close(nowhere)

    def write(self, text: str) -> int:
        if self.failure is not None:
            return len(text)
        if self.target is None:
            raise self._fail(None)
        try:
            return self.target.write(text)
        except OSError as exc:
            raise self._fail(exc) from None

    def flush(self) -> None:
        if self.failure is not None or self.target is None:
            return
        try:
            self.target.flush()
        except OSError as exc:
            raise self._fail(exc) from None

    def isatty(self) -> bool:
        if self.target is None or self.failure is not None:
            return False
        try:
            return self.target.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        if self.target is None:
            raise io.UnsupportedOperation("standard output is closed")
        return self.target.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.target, "errors", None)


def run_guarded(command: Callable[[], int]) -> int:
    """Run ``command`` with ``sys.stdout`` guarded: a failure to write is reported once, in a
    line on standard error (nothing for a broken pipe), and the exit code says so."""
    real, real_err = sys.stdout, sys.stderr
    guarded = GuardedOutput(real)
    sys.stdout = guarded
    if sys.stderr is None:  # closed: messages go nowhere, but the exit code still tells
        sys.stderr = io.StringIO()
    try:
        code = command()
        with contextlib.suppress(OutputFailed):
            guarded.flush()  # what is still buffered, so a full disk is noticed here
    finally:
        sys.stdout, sys.stderr = real, real_err
    failure = guarded.failure
    if failure is None:
        return code
    if not failure.broken_pipe:  # whoever read a pipe chose to stop: nothing to say
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.write(f"presidium: {failure}\n")
    return code if code >= 128 else failure.exit_code
