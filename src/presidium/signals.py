"""Signals that end the program: closing the terminal, ``kill``, Ctrl-\\ and Ctrl-C.

Each is handled as Ctrl-C is: the game is left the ordinary way, so its autosave, the record
and the transcript are written, and the exit code is 128 + the signal's number. While those
files are written, further signals wait (or, once the program is leaving, are ignored), so a
second Ctrl-C pressed in impatience cannot cut a write short.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

LEAVING_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")


class Stopped(KeyboardInterrupt):
    """A signal ended the program: it leaves as it does after Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _numbers() -> list[int]:
    return [getattr(signal, name) for name in LEAVING_SIGNALS if hasattr(signal, name)]


@contextlib.contextmanager
def leave_on_signals() -> Iterator[None]:
    """Turn the leaving signals into ``Stopped``, raised where the program is.

    Only the first counts; any later one is ignored, since the program is already on its way
    out. After a hangup there is no terminal any more, so what would be shown goes nowhere
    instead of failing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        if signum == getattr(signal, "SIGHUP", None):
            _detach_terminal()
        raise Stopped(signum)

    previous = {number: signal.signal(number, stop) for number in _numbers()}
    try:
        yield
    finally:
        if not stopping:  # a stopped program is on its way out: it stays deaf to more signals
            for number, handler in previous.items():
                signal.signal(number, handler)


@contextlib.contextmanager
def holding() -> Iterator[None]:
    """Hold back the leaving signals while files are written; they arrive once it is done."""
    block = getattr(signal, "pthread_sigmask", None)
    if block is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = block(signal.SIG_BLOCK, _numbers())
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, previous)


def ignore_from_now_on() -> None:
    """The program has written everything and is leaving: a late signal must not kill it."""
    for number in _numbers():
        with contextlib.suppress(ValueError, OSError):
            signal.signal(number, signal.SIG_IGN)


def _detach_terminal() -> None:
    with contextlib.suppress(OSError):
        nowhere = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a terminal that has gone fails in any way
                stream.flush()
        os.dup2(nowhere, 1)
        os.dup2(nowhere, 2)
        os.close(nowhere)
