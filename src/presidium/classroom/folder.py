"""A class session on disk: one folder a lesson, kept safe after every action.

``$DATA/classes/<yyyy-mm-dd>-<scenario>-<4 letters>/`` holds:

- ``save.json``: the session as a version 2 save (seating, log, times, and the public events
  the room was shown), rewritten atomically after every action the game accepts, so Ctrl-C, a
  crash or a flat battery loses nothing: ``class run --resume`` replays it and goes on;
- ``room.txt``: the public transcript, the plain text the projector showed, at 80 columns;
- the post-mortem, when the teacher asks for it (``class debrief``).

A folder is read as untrusted input, like any save: a damaged or hand-edited ``save.json`` is
refused with the reason (its checksum, the log entry that is not an action, or the entry the
game refuses when it is replayed), never replayed into a different game.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import string
from pathlib import Path
from typing import TYPE_CHECKING

from presidium import saves
from presidium.bounded import is_regular_file, read_regular
from presidium.classroom.session import Session
from presidium.printable import quoted

if TYPE_CHECKING:
    from presidium.catalog import Opened

SAVE = "save.json"
ROOM = "room.txt"
LETTERS = string.ascii_lowercase + string.digits


def classes_dir() -> Path:
    """Where class sessions live: ``classes`` in the data folder (``PRESIDIUM_DATA_DIR``)."""
    return saves.data_dir() / "classes"


def _suffix() -> str:
    return "".join(LETTERS[b % len(LETTERS)] for b in os.urandom(4))


def create(opened: Opened, session: Session, today: datetime.date | None = None) -> Path:
    """A new, empty folder for ``session`` (which learns where its scenario came from), with
    the session's first save written in it."""
    session.source, session.digest = opened.source, opened.digest
    day = today or datetime.date.today()
    base = classes_dir()
    name = saves._slug(opened.scenario.id)
    for _attempt in range(100):
        place = base / f"{day:%Y-%m-%d}-{name}-{_suffix()}"
        try:
            place.mkdir(parents=True)
        except FileExistsError:
            continue
        except OSError as exc:
            raise saves.SaveError(
                f"cannot make the session folder {quoted(str(place))}: {exc.strerror}"
            ) from None
        write(place, session, "")
        return place
    raise saves.SaveError(f"cannot make a new session folder in {quoted(str(base))}")


def write(place: Path, session: Session, room: str | None) -> None:
    """Keep the session as it is now: ``room.txt`` first (unless ``room`` is None: the
    record is written a moment later), then ``save.json`` (the truth), each atomically. Call
    it after every accepted action."""
    saves.remove_stale_temporaries(place)
    if room is not None:
        try:
            data = room.encode("utf-8", errors="replace")
        except ValueError as exc:  # pragma: no cover - text from the renderer is Unicode
            raise saves.SaveError(f"cannot write the room's transcript: {exc}") from None
        saves.write_atomically(data, place / ROOM)
    saves.write(session.to_save(), place / SAVE)


def locate(name: str) -> Path:
    """The folder a SESSION argument names: a folder, its ``save.json``, or a folder's bare
    name in the classes folder. ``NoSuchSave`` (a usage error) if there is none."""
    path = Path(os.path.expanduser(name))
    if path.name == SAVE and is_regular_file(path):
        return path.parent
    for candidate in (path, classes_dir() / name):
        if is_regular_file(candidate / SAVE):
            return candidate
    if is_regular_file(path):  # a copy of a save, written with the console's 'save NAME'
        return path
    raise saves.NoSuchSave(
        f"no class session {quoted(name)} (a session is a folder with a {SAVE}, "
        f"as in {classes_dir()})"
    )


def save_file(place: Path) -> Path:
    """The save of a session folder (or the save itself, for a copy)."""
    return place / SAVE if place.is_dir() else place


def read(place: Path) -> saves.Save:
    """The session's save, checked; ``SaveError`` if it is not a class's save."""
    save = saves.read(save_file(place))
    if save.seating is None:
        raise saves.SaveError(
            f"{quoted(str(save_file(place)))} is one player's game, not a class session; "
            "'presidium play --load' goes on with it"
        )
    return save


def load(place: Path) -> tuple[Opened, saves.Save, Session]:
    """Open the session's scenario and replay its log; ``SaveError`` says why not."""
    save = read(place)
    opened = saves.open_scenario_of(save)
    try:
        session = Session.replay(opened.scenario, save)
    except saves.SaveError as exc:
        changed = (
            "; its scenario has changed since the session was saved"
            if opened.digest != save.digest
            else ""
        )
        raise saves.SaveError(f"{quoted(str(save_file(place)))}: {exc}{changed}") from None
    return opened, save, session


def sessions() -> list[Path]:
    """Every session folder, newest first (by when its save was last written)."""
    found = []
    with contextlib.suppress(OSError):
        for place in classes_dir().iterdir():
            with contextlib.suppress(OSError):
                if is_regular_file(place / SAVE):
                    found.append(((place / SAVE).stat().st_mtime, place.name, place))
    return [place for _mtime, _name, place in sorted(found, reverse=True)]


def latest_unfinished(scenario: str | None = None) -> Path | None:
    """The newest session folder whose game has not ended (of ``scenario``, if given: its id
    or where it was opened from); sessions that cannot be read are passed by."""
    for place in sessions():
        try:
            save = read(place)
        except saves.SaveError:
            continue
        if not save.finished and scenario in (None, "", save.scenario, save.source):
            return place
    return None


def resume(target: str, scenario: str | None = None) -> tuple[Opened, Session, Path, str]:
    """``class run --resume [SESSION]``: the session rebuilt from its log, its folder, and
    the room's transcript so far. An empty ``target`` means the newest unfinished session."""
    if target:
        place = locate(target)
    else:
        found = latest_unfinished(scenario)
        if found is None:
            which = f" of {quoted(scenario)}" if scenario else ""
            raise saves.NoSuchSave(
                f"there is no class session{which} to resume (no unfinished session in "
                f"{classes_dir()})"
            )
        place = found
    opened, save, session = load(place)
    if scenario and scenario not in (save.scenario, save.source):
        raise saves.SaveError(
            f"the session {quoted(str(place))} plays {quoted(save.scenario)}, not "
            f"{quoted(scenario)}"
        )
    if not place.is_dir():  # a copy of a session's save: it goes on in a folder of its own
        place = create(opened, session)
    room = ""
    if is_regular_file(place / ROOM):
        with contextlib.suppress(OSError, ValueError):
            room = read_regular(place / ROOM, saves.MAX_BYTES).decode("utf-8", errors="replace")
    return opened, session, place, room
