"""A cache of compiled scenarios, so that a large file is compiled once, not on every run.

An entry is keyed by the file's bytes and name, this presidium's version and source code, and
the Python version, so any change to any of them makes a new entry. Entries are written
atomically. They are read with an unpickler that admits only presidium's own classes, so a
damaged or tampered entry fails to load (and is ignored) instead of running anything.

``PRESIDIUM_NO_CACHE=1`` turns the cache off; ``PRESIDIUM_CACHE_DIR`` moves it (by default it
lives in ``$XDG_CACHE_HOME/presidium``, usually ``~/.cache/presidium``).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from presidium import __version__
from presidium.bounded import read_regular

MAX_ENTRY_BYTES = 1 << 30  # far beyond the compilation of the largest scenario accepted


def cache_dir() -> Path | None:
    if os.environ.get("PRESIDIUM_NO_CACHE"):
        return None
    explicit = os.environ.get("PRESIDIUM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "presidium"


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """A digest of presidium's own source: a changed compiler never reads an old entry."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _entry(data: bytes, name: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256()
    for part in (__version__, _code_digest(), sys.version, name):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(data)
    return folder / f"{digest.hexdigest()}.pickle"


@lru_cache(maxsize=1)
def _allowed() -> frozenset[tuple[str, str]]:
    """Exactly the classes and rebuilders a compiled scenario is made of; nothing else loads."""
    import dataclasses

    from presidium import model

    names = {("builtins", "set"), ("builtins", "frozenset")}
    names |= {("presidium.model", n) for n, v in vars(model).items() if dataclasses.is_dataclass(v)}
    names |= {("presidium.diagnostics", n) for n in ("Diagnostic", "_span")}
    names |= {
        ("presidium.conditions", n) for n in ("VarType", "Scope", "_recompile", "_recompile_effect")
    }
    return frozenset(names)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _allowed():
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a presidium cache entry")


def load(data: bytes, name: str) -> Any | None:
    """The cached compilation of this file, or None when there is none (or it is unusable)."""
    from presidium.conditions import forget_recompiled

    entry = _entry(data, name)
    if entry is None:
        return None
    was_enabled = gc.isenabled()
    gc.disable()  # tens of thousands of new objects and no cycles: see loader.paused_gc
    try:  # never blocks on a FIFO, never reads a device: an entry is a regular file
        return _Unpickler(io.BytesIO(read_regular(entry, MAX_ENTRY_BYTES))).load()
    except (
        OSError,
        EOFError,
        pickle.UnpicklingError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
    ):
        return None
    except Exception:
        return None
    finally:
        if was_enabled:
            gc.enable()
        forget_recompiled()


def store(data: bytes, name: str, value: Any) -> None:
    """Save a compilation; any failure (read-only home, full disk) is silently a cache miss."""
    entry = _entry(data, name)
    if entry is None:
        return
    with contextlib.suppress(OSError, pickle.PicklingError, RecursionError, TypeError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, entry)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
