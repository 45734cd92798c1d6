"""Saved games: small JSON files that rebuild a game by replaying its choices.

A save records which scenario was played (its id, where it came from, and a digest of its
text), the seats the players held, the seed, and the choices the players made, in order. The
engine is deterministic, so replaying those choices from the seed rebuilds the game exactly;
nothing of the game's inner state is stored, and a save is checked by replaying it.

A save also carries the session it came from: every line the player typed and the plain text
they were shown. ``presidium replay`` plays those lines again and compares the text, which
makes any save an author's regression test.

Saves are written atomically (a temporary file in the same folder, then a rename), so a
crash or Ctrl-C never leaves half a save. A checksum over the contents makes a damaged or
hand-edited save fail loudly instead of replaying into a different game.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from presidium.errors import PresidiumError

FORMAT = "presidium-save"
VERSION = 1  # the newest format this presidium writes
OLDEST_READABLE = 1  # the oldest format it can read
MAX_BYTES = 8 * 1024 * 1024  # a save is a few kilobytes; refuse anything absurd
REPLAY_WIDTH = 80  # the width at which sessions are recorded for `presidium replay`


class SaveError(PresidiumError):
    """A save that cannot be read, written or replayed; the message says exactly why."""


class NoSuchSave(SaveError):
    """The save named on the command line does not exist: a usage error (exit 2)."""

    exit_code = 2


@dataclass
class Session:
    """What one sitting at the keyboard typed and saw, for ``presidium replay``."""

    resumed_from: list[str] | None = None  # the choices replayed before the first line typed
    inputs: list[str] = field(default_factory=list)
    transcript: str = ""  # the plain text the player saw, at the replay width
    width: int = REPLAY_WIDTH
    side_asked: bool = False  # the side was chosen at the side menu, not with --side
    autoplay: str | None = None  # "history" or "random" for an unattended game


@dataclass
class Save:
    scenario: str  # the scenario's id
    source: str  # a bundled id, or the path the scenario was played from
    digest: str  # of the scenario's text, to notice that it has changed since
    side: str
    seats: list[str]
    seed: int
    choices: list[str]
    finished: bool = False
    session: Session | None = None

    def to_json(self) -> str:
        body: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "scenario": self.scenario,
            "source": self.source,
            "digest": self.digest,
            "side": self.side,
            "seats": self.seats,
            "seed": self.seed,
            "choices": self.choices,
            "finished": self.finished,
        }
        if self.session is not None:
            body["session"] = {
                "resumed_from": self.session.resumed_from,
                "inputs": self.session.inputs,
                "transcript": self.session.transcript,
                "width": self.session.width,
                "side_asked": self.session.side_asked,
                "autoplay": self.session.autoplay,
            }
        body["checksum"] = _checksum(body)
        return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def _checksum(body: dict[str, Any]) -> str:
    canonical = json.dumps(
        {k: v for k, v in body.items() if k != "checksum"},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------- reading


def read(path: str | Path) -> Save:
    """Read and check a save; raise ``SaveError`` saying exactly what is wrong with it."""
    name = str(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise SaveError(f"'{name}' is {size} bytes: far too large to be a presidium save")
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SaveError(f"cannot read the save '{name}': {exc.strerror}") from None
    return parse(data, name)


def parse(data: bytes, name: str) -> Save:
    if not data.strip():
        raise SaveError(f"'{name}' is empty: it is not a presidium save")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SaveError(f"'{name}' is not text: it is not a presidium save") from None
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SaveError(
            f"'{name}' is damaged or cut short: it stops making sense at line {exc.lineno}, "
            f"column {exc.colno}"
        ) from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise SaveError(f'\'{name}\' is not a presidium save (it has no "format": "{FORMAT}")')
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SaveError(f"'{name}' has no format version; it was not written by presidium")
    if version > VERSION:
        raise SaveError(
            f"'{name}' is format version {version}, written by a newer presidium; this one reads "
            f"versions {OLDEST_READABLE} to {VERSION}. Upgrade presidium to load it"
        )
    if version < OLDEST_READABLE:
        raise SaveError(
            f"'{name}' is format version {version}, which this presidium no longer reads "
            f"(it reads versions {OLDEST_READABLE} to {VERSION})"
        )
    if body.get("checksum") != _checksum(body):
        raise SaveError(
            f"'{name}' does not match its checksum: it has been edited or damaged since it was "
            "saved, so it is not loaded"
        )
    return _from_body(body, name)


def _from_body(body: dict[str, Any], name: str) -> Save:
    def need(key: str, kind: type | tuple[type, ...], what: str) -> Any:
        value = body.get(key)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise SaveError(f"'{name}': '{key}' should be {what}")
        return value

    def strings(value: Any, key: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SaveError(f"'{name}': '{key}' should be a list of text")
        return list(value)

    session = None
    raw = body.get("session")
    if raw is not None:
        if not isinstance(raw, dict):
            raise SaveError(f"'{name}': 'session' should be an object")
        resumed = raw.get("resumed_from")
        width = raw.get("width", 80)
        if not isinstance(width, int) or not 20 <= width <= 500:
            raise SaveError(f"'{name}': 'session.width' should be a number of columns")
        if not isinstance(raw.get("transcript", ""), str):
            raise SaveError(f"'{name}': 'session.transcript' should be text")
        autoplay = raw.get("autoplay")
        if autoplay not in (None, "history", "random"):
            raise SaveError(f"'{name}': 'session.autoplay' should be history, random or null")
        session = Session(
            None if resumed is None else strings(resumed, "session.resumed_from"),
            strings(raw.get("inputs", []), "session.inputs"),
            raw.get("transcript", ""),
            width,
            bool(raw.get("side_asked", False)),
            autoplay,
        )
    return Save(
        scenario=need("scenario", str, "a scenario id"),
        source=need("source", str, "a scenario id or path"),
        digest=need("digest", str, "a digest"),
        side=need("side", str, "a side id"),
        seats=strings(body.get("seats"), "seats"),
        seed=need("seed", int, "a whole number"),
        choices=strings(body.get("choices"), "choices"),
        finished=bool(body.get("finished", False)),
        session=session,
    )


# ---------------------------------------------------------------------------- writing


def write(save: Save, path: str | Path) -> Path:
    """Write atomically: a temporary file beside the target, then a rename over it."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".presidium-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(save.to_json())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise SaveError(f"cannot save to '{target}': {exc.strerror}") from None
    return target


# ---------------------------------------------------------------------------- where saves live


def data_dir() -> Path:
    """The per-user folder for saves (XDG on Linux, the platform's convention elsewhere).

    ``PRESIDIUM_DATA_DIR`` moves it (the tests use a temporary folder).
    """
    explicit = os.environ.get("PRESIDIUM_DATA_DIR")
    if explicit:
        return Path(explicit)
    from platformdirs import user_data_dir

    return Path(user_data_dir("presidium", appauthor=False))


def saves_dir() -> Path:
    return data_dir() / "saves"


def autosave_dir() -> Path:
    return data_dir() / "autosave"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:60] or "scenario"


def autosave_path(scenario: str, side: str, seed: int) -> Path:
    """One autosave per game (scenario, side and seed): a new game never overwrites another."""
    return autosave_dir() / f"{_slug(scenario)}-{_slug(side)}-seed{seed}.json"


KEEP_AUTOSAVES = 30


def prune_autosaves(keep: int = KEEP_AUTOSAVES) -> None:
    """Keep the autosave folder small: beyond ``keep`` files, drop the oldest finished games."""
    folder = autosave_dir()
    files = (
        sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
    )
    excess = len(files) - keep
    for path in files:
        if excess <= 0:
            break
        with contextlib.suppress(SaveError, OSError):
            if read(path).finished:
                path.unlink()
                excess -= 1


def default_name(save: Save) -> str:
    """A name that says what the save is and never depends on the clock."""
    return f"{_slug(save.scenario)}-{_slug(save.side)}-seed{save.seed}-{len(save.choices)}.json"


def latest_autosave() -> Path | None:
    """The most recent autosave of a game that has not ended."""
    folder = autosave_dir()
    candidates = []
    for path in folder.glob("*.json") if folder.is_dir() else []:
        try:
            save = read(path)
        except SaveError:
            continue
        if not save.finished:
            candidates.append((path.stat().st_mtime, path.name, path))
    return max(candidates)[2] if candidates else None


def find(name: str) -> Path:
    """A save given by path, or by name in the saves or autosave folder."""
    path = Path(name)
    if path.is_file():
        return path
    for folder in (saves_dir(), autosave_dir()):
        for candidate in (folder / name, folder / f"{name}.json"):
            if candidate.is_file():
                return candidate
    raise NoSuchSave(f"no save '{name}' (looked for the file, and in {saves_dir()})")
