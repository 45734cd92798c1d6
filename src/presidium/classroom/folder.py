"""A class session on disk: one folder a lesson, kept safe after every action.

``$DATA/classes/<yyyy-mm-dd>-<scenario>-<4 letters>/`` holds:

- ``save.json``: the session as a version 2 save (seating, log, times, and the public events
  the room was shown), rewritten atomically after every action the game accepts, so Ctrl-C, a
  crash or a flat battery loses nothing: ``class run --resume`` replays it and goes on;
- ``journal.jsonl``, while ``class serve`` plays: what was accepted since ``save.json`` was
  last written whole, a line each write (appended and synced: forty phones' votes must not
  rewrite a save that grows with every event). Each line names where it goes on from and
  carries its own checksum; reading the folder takes ``save.json`` and the lines after it, and
  a last line cut short by a kill (never acknowledged: answers wait for the sync) is left out.
  The save is written whole again now and then and when the server stops, and the journal
  goes;
- ``room.txt``: the public transcript, the plain text the projector showed, at 80 columns;
- ``web.json``, while ``class serve`` plays: the phones' hashes, labels and countdowns, and
  where the server listens (``served_on``), so that ``--resume`` comes back on the port the
  phones' open pages and the printed sheets use;
- the post-mortem, when the teacher asks for it (``class debrief``).

A folder is read as untrusted input, like any save: a damaged or hand-edited ``save.json`` is
refused with the reason (its checksum, the log entry that is not an action, or the entry the
game refuses when it is replayed), never replayed into a different game.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import json
import os
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from presidium import saves
from presidium.bounded import is_regular_file, read_regular
from presidium.classroom.session import Session
from presidium.printable import quoted

if TYPE_CHECKING:
    from presidium.catalog import Opened

SAVE = "save.json"
ROOM = "room.txt"
JOURNAL = "journal.jsonl"
WEB_FILE = "web.json"  # what 'class serve' keeps beside them: the phones' hashes, timers
JOURNAL_LINES = 200  # after this many lines the save is written whole again
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
    record is written a moment later), then ``save.json`` (the truth), each atomically, and
    the journal, which the save now holds, goes. Call it after every accepted action (or
    keep a ``Journal``)."""
    saves.remove_stale_temporaries(place)
    if room is not None:
        saves.write_atomically(_room_bytes(room), place / ROOM)
    saves.write(session.to_save(), place / SAVE)
    with contextlib.suppress(FileNotFoundError):
        (place / JOURNAL).unlink()


def _room_bytes(room: str) -> bytes:
    try:
        return room.encode("utf-8", errors="replace")
    except ValueError as exc:  # pragma: no cover - text from the renderer is Unicode
        raise saves.SaveError(f"cannot write the room's transcript: {exc}") from None


class Journal:
    """A session folder kept by appending: each ``append`` adds what the game accepted since
    the last one as a line of ``journal.jsonl``, synced before it returns, and the room's
    record as text added to ``room.txt``; ``write`` (the first time, every ``JOURNAL_LINES``
    lines, and at the end) writes both whole, as ``folder.write`` does. ``read`` puts the
    two together again."""

    def __init__(self, place: Path) -> None:
        self.place = place
        self.lines = -1  # -1: nothing written whole yet by this process
        self.log = 0  # entries of the log on disk
        self.room = 0  # entries of the room (public events) on disk
        self.finished = False
        self.text = 0  # characters of room.txt on disk
        self.unsynced = False  # lines appended with ``sync=False`` wait for ``syncing``

    def write(self, session: Session, room: str | None) -> None:
        """Everything whole: ``room.txt`` (unless None), ``save.json``; the journal goes."""
        write(self.place, session, room)
        self.lines, self.log, self.room = 0, len(session.log), len(session.public())
        self.finished = session.game.over
        self.text = len(room) if room is not None else -1  # -1: room.txt is written whole next

    def append(self, session: Session, room: str | None, sync: bool = True) -> None:
        """What is new since the last write, added: the log's and the room's new entries to
        the journal (synced, or with ``sync`` false left for ``syncing``), then the new end
        of ``room`` (unless None) to ``room.txt``."""
        if self.lines < 0 or self.lines >= JOURNAL_LINES:
            self.write(session, room)
            return
        public = session.public()
        log = session.log
        if len(log) > self.log or len(public) > self.room or session.game.over != self.finished:
            line = _journal_line(session, self.log, self.room, public)
            try:
                with open(self.place / JOURNAL, "ab") as handle:
                    handle.write(line)
                    handle.flush()
                    if sync:
                        os.fsync(handle.fileno())
                    else:
                        self.unsynced = True
            except OSError as exc:
                self.lines = -1  # a line may be half written: the next write is whole
                raise saves.SaveError(
                    f"cannot save to {quoted(str(self.place / JOURNAL))}: {exc.strerror}"
                ) from None
            self.lines += 1
            self.log, self.room, self.finished = len(log), len(public), session.game.over
        if room is None or len(room) == self.text:
            return
        if self.text < 0:
            saves.write_atomically(_room_bytes(room), self.place / ROOM)
        else:
            try:
                with open(self.place / ROOM, "ab") as handle:
                    handle.write(_room_bytes(room[self.text :]))
            except OSError:
                self.text = -1  # written whole next time
                return
        self.text = len(room)

    def syncing(self) -> Callable[[], None] | None:
        """What makes the lines appended with ``sync=False`` safe on the disk, or None when
        there are none. It touches only the file, so a server calls it on a thread of its
        own: a disk that takes its time (a school laptop's, busy) holds up the answers to
        the actions it writes, not every phone's page. Lines since written whole (the save
        is synced as it is written) have nothing left to sync."""
        if not self.unsynced:
            return None
        self.unsynced = False
        path = self.place / JOURNAL

        def sync() -> None:
            try:
                handle = os.open(path, os.O_WRONLY | os.O_APPEND)
                try:
                    os.fsync(handle)
                finally:
                    os.close(handle)
            except FileNotFoundError:
                return  # written whole since, and the journal removed
            except OSError as exc:
                self.lines = -1  # a line may not be on the disk: the next write is whole
                raise saves.SaveError(
                    f"cannot save to {quoted(str(path))}: {exc.strerror}"
                ) from None

        return sync


def _journal_line(session: Session, log: int, room: int, public: list[int]) -> bytes:
    """One line of the journal: the entries after the first ``log`` of the log and ``room``
    of the room's events, with where they go and a checksum of the rest."""
    body = {
        "after": [log, room],
        "log": [saves._DICTS.get(a, a.to_dict) for a in session.log[log:]],
        "times": session.times[log:],
        "room": [session.dict_of(i) for i in public[room:]],
        "finished": session.game.over,
    }
    text = _canonical(body, by_entry=True)  # each entry encoded once, as the save does
    check = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return (text[:-1] + f',"check":"{check}"}}\n').encode("utf-8")


def _canonical(body: dict[str, Any], by_entry: bool = False) -> str:
    try:
        return saves.canonical(body, by_entry)
    except ValueError as exc:  # text that is not Unicode
        raise saves.SaveError(f"the game cannot be saved: {exc}") from None


def _with_journal(place: Path, save: saves.Save) -> saves.Save:
    """``save`` with the journal's lines after it (a folder's save alone when there is none).
    A line the save already holds (the process stopped between writing the save whole and
    removing the journal) is passed by; the last line, cut short or damaged by a kill, is
    left out; any other damage is an error naming the line."""
    path = place / JOURNAL
    if not is_regular_file(path):
        return save
    name = quoted(str(path))
    try:
        data = read_regular(path, saves.MAX_BYTES)
    except (OSError, ValueError) as exc:
        raise saves.SaveError(f"cannot read {name}: {exc}") from None
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # the end of the last line
    log, times, room = list(save.log), list(save.times), list(save.room or [])
    finished = save.finished
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        body = _journal_body(raw)
        if body is None:
            if number == len(lines):  # the line a kill may have cut short
                break
            raise saves.SaveError(f"{name}: line {number} is damaged (its checksum does not match)")
        at_log, at_room = body["after"]
        entries = saves._log(body["log"], f"{path}, line {number}")
        if at_log > len(log) or at_room > len(room):
            raise saves.SaveError(f"{name}: line {number} goes on from entries the save lacks")
        log[at_log : at_log + len(entries)] = entries
        times[at_log : at_log + len(entries)] = body["times"]
        room[at_room : at_room + len(body["room"])] = body["room"]
        finished = finished or body["finished"]  # a game that has ended stays ended
    if len(log) > saves.MAX_LOG:
        raise saves.SaveError(f"{name}: far more entries than a class's game makes")
    return dataclasses.replace(
        save, log=log, times=times, room=room if save.room is not None else None, finished=finished
    )


def _journal_body(raw: bytes) -> dict[str, Any] | None:
    """A journal line's content, checked (its checksum, the types of its fields); None if it
    is damaged."""
    try:
        body = json.loads(raw.decode("utf-8"))
        check = body.pop("check")
        if hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest() != check:
            return None
        after, times, room = body["after"], body["times"], body["room"]
        ok = (
            type(after) is list
            and len(after) == 2
            and all(type(n) is int and n >= 0 for n in after)
            and type(times) is list
            and all(type(t) is int and t >= 0 for t in times)
            and type(body["log"]) is list
            and len(times) == len(body["log"])
            and type(room) is list
            and all(type(e) is dict and type(e.get("type")) is str for e in room)
            and type(body["finished"]) is bool
        )
    except (ValueError, AttributeError, KeyError, TypeError, RecursionError, saves.SaveError):
        return None
    return body if ok else None


@dataclasses.dataclass(frozen=True)
class Served:
    """Where ``class serve`` last served a session: its phones' pages and sheets use it."""

    host: str
    port: int
    class_id: str  # which class the server answered as (a page's ``class``)


MAX_WEB_BYTES = 4 * 1024 * 1024  # web.json: a seat's devices' hashes and a few countdowns


def served_on(place: Path) -> Served | None:
    """Where the session was last served, as its ``web.json`` says; None when it never was
    (a ``class run`` session, or one served by a version that did not keep it) or when the
    file cannot be read or says nothing sensible (read as untrusted input, like the save)."""
    path = place / WEB_FILE
    if not place.is_dir() or not is_regular_file(path):
        return None
    try:
        body = json.loads(read_regular(path, MAX_WEB_BYTES).decode("utf-8", errors="replace"))
        served, kept = body["served"], body.get("class", "")
        host, port = served["host"], served["port"]
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    if type(port) is not int or not 0 < port < 65536 or not isinstance(kept, str):
        return None
    if not isinstance(host, str) or not re.fullmatch(r"[0-9A-Za-z.:%_-]{1,255}", host):
        return None  # an address or a host name, nothing a terminal could take as a command
    return Served(host, port, kept)


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
    """The session's save, checked, with its journal's lines; ``SaveError`` if it is not a
    class's save."""
    save = saves.read(save_file(place))
    if save.seating is None:
        raise saves.SaveError(
            f"{quoted(str(save_file(place)))} is one player's game, not a class session; "
            "'presidium play --load' goes on with it"
        )
    return _with_journal(place, save) if place.is_dir() else save


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
                    when = (place / SAVE).stat().st_mtime
                    with contextlib.suppress(OSError):
                        when = max(when, (place / JOURNAL).stat().st_mtime)
                    found.append((when, place.name, place))
    return [place for _mtime, _name, place in sorted(found, reverse=True)]


def latest_unfinished(scenario: str | None = None) -> Path | None:
    """The newest session folder whose game has not ended (of ``scenario``, if given: its id
    or where it was opened from); sessions that cannot be read are passed by."""
    return _latest(scenario, unfinished=True)


def latest(scenario: str | None = None) -> Path | None:
    """The newest session folder, ended or not (of ``scenario``, if given)."""
    return _latest(scenario, unfinished=False)


def _latest(scenario: str | None, unfinished: bool) -> Path | None:
    for place in sessions():
        try:
            save = read(place)
        except saves.SaveError:
            continue
        if unfinished and save.finished:
            continue
        if scenario in (None, "", save.scenario, save.source):
            return place
    return None


def resume(target: str, scenario: str | None = None) -> tuple[Opened, Session, Path, str]:
    """``class run --resume [SESSION]``: the session rebuilt from its log, its folder, and
    the room's transcript so far. An empty ``target`` means the newest unfinished session,
    or, when every session has ended, the newest one (a class back for 'reveal' or a last
    look at the ending: the console says that its game has ended)."""
    if target:
        place = locate(target)
    else:
        found = latest_unfinished(scenario) or latest(scenario)
        if found is None:
            which = f" of {quoted(scenario)}" if scenario else ""
            raise saves.NoSuchSave(
                f"there is no class session{which} to resume (none in {classes_dir()})"
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
