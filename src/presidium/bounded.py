"""Reading a file that may not be what its name says: never block, never read without bound.

A save or a cache entry comes from a folder anyone with the same account can write to. A FIFO
there would block an ordinary ``open()`` forever, and a link to ``/dev/zero`` reports a size of
0 and then never ends. So the file is opened without blocking, must be a regular file, and is
read only up to a limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_CHUNK = 1 << 20


class NotRegular(OSError):
    """The path is a FIFO, a device, a socket or a folder: nothing a presidium file can be."""


class TooLarge(OSError):
    """The file holds more than the limit allows."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} bytes, more than the {limit} allowed")
        self.size = size


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``OSError`` for anything else."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(f"'{path}' is not a regular file")
        if info.st_size > limit:
            raise TooLarge(info.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(_CHUNK, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # the file grew while it was read
                raise TooLarge(total, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def is_regular(path: Path) -> bool:
    """A regular file (links followed), without opening it; any error means no."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, ValueError):
        return False
