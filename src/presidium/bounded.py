"""Reading a file that may not be what its name says: never block, never read without bound.

A scenario, an ``extends:`` base, a save or a cache entry may come from a folder that others
can write to, or be named on the command line. A named pipe there would block an ordinary
``open()`` forever, and a link to ``/dev/zero`` reports a size of 0 and then never ends. So a
file is opened without blocking, must be a regular file (checked on the opened descriptor, so
it cannot be swapped between the check and the read), and is read only up to a limit.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO


def kind_of(mode: int) -> str | None:
    """What a file that is not a regular file is ("a directory", "a named pipe"...), else None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def is_regular_file(path: str | Path) -> bool:
    """Whether ``path`` is a regular file (following links), without opening it; never raises,
    even for a name too long for the system, where ``Path.is_file`` does."""
    try:
        return kind_of(os.stat(path).st_mode) is None
    except (OSError, ValueError):
        return False


class NotRegularFile(OSError):
    """A path names a directory, a pipe, a device or a socket: nothing presidium reads."""

    def __init__(self, path: str | Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"it is {kind}, not a file")
        self.filename = str(path)


class TooLarge(OSError):
    """The file holds more than the limit allows."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"{size} bytes, more than the {limit} allowed")
        self.size = size


def open_regular(path: str | Path) -> BinaryIO:
    """Open a regular file for reading; anything else is refused, and nothing blocks."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        kind = kind_of(os.fstat(fd).st_mode)
        if kind is not None:
            raise NotRegularFile(path, kind)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bounded(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file, but never more than ``limit + 1`` of them.

    One byte over the limit is enough for the caller to refuse the file as too large, and a
    file that grows while it is read (or a huge one) costs no more memory than that.
    """
    with open_regular(path) as handle:
        return handle.read(limit + 1)


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``TooLarge`` if it holds more."""
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise TooLarge(size, limit)
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew while it was read
        raise TooLarge(len(data), limit)
    return data
