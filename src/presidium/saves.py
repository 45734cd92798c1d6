"""Saved games: small JSON files that rebuild a game by replaying its choices.

A save records which scenario was played (its id, where it came from, and a digest of its
text), the seats the players held, the seed, and the choices the players made, in order. The
engine is deterministic, so replaying those choices from the seed rebuilds the game exactly;
nothing of the game's inner state is stored, and a save is checked by replaying it.

A class's save (format version 2) records the seating instead of one side, and the ordered,
attributed log of every action the game accepted (``presidium.actions``), with the time of each
beside it; replaying the log from the seed rebuilds the class's game. A solo game writes version
1, which every presidium reads; version 1 and 2 saves both load.

A save also carries the session it came from: every line the player typed and the plain text
they were shown. ``presidium replay`` plays those lines again and compares the text, which
makes any save an author's regression test. So that a replay can tell a changed program from a
changed story, a save names the presidium version that wrote it (``"presidium"``, beside the
format version); saves written before it was recorded have no such field and load as before.
Every presidium reader ignores fields it does not know, and the checksum covers them all.

Saves are written atomically (a temporary file in the same folder, then a rename), so a
crash or Ctrl-C never leaves half a save, and never larger than a reader accepts. A checksum
over the contents makes a damaged or carelessly edited save fail loudly instead of replaying
into a different game. It is deliberately not a signature: anyone can recompute it, and a key
kept on one machine would stop a class's saves and records from loading on the teacher's. So
a save is treated as untrusted input: it is read with limits, strictly typed, replayed through
the engine, which refuses any choice the scenario does not offer, and cleaned before it is shown.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import presidium
from presidium import actions
from presidium.bounded import NotRegularFile, TooLarge, is_regular_file, read_regular
from presidium.errors import PresidiumError
from presidium.printable import quoted
from presidium.seating import MODES, Seating

if TYPE_CHECKING:
    from presidium.catalog import Opened

FORMAT = "presidium-save"
VERSION = 1  # the format a solo game writes: older presidiums read it too
CLASS_VERSION = 2  # the format a class's game writes: a seating and a log of actions
NEWEST_READABLE = CLASS_VERSION  # the newest format this presidium reads (and writes)
OLDEST_READABLE = 1  # the oldest format it can read
MAX_LOG = 100_000  # actions in a class's log; a lesson has a few hundred
MAX_BYTES = 8 * 1024 * 1024  # a save is a few kilobytes; refuse anything absurd
STALE_SECONDS = 600  # a temporary file this old belongs to a write that was killed
REPLAY_WIDTH = 80  # the width at which sessions are recorded for `presidium replay`


def this_version() -> str:
    """The version of this presidium, which every save it writes records (looked up when a
    save is made, so that a test can stand in for another version)."""
    return presidium.__version__


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
    # Left midway (Ctrl-C, a signal, an output that failed): the text may stop short of the
    # answer to the last line typed, so a replay compares only as far as the text goes.
    interrupted: bool = False
    # Played at a terminal: a choice that gives the game up was confirmed with a typed answer,
    # which a replay must ask for again.
    confirms: bool = False


@dataclass
class Save:
    """One saved game. A solo save (version 1) names its side, seats and choices; a class's
    save (version 2) has a ``seating`` and a ``log`` of actions instead, and reads as a solo
    game when its seating is ``solo`` (one side, whose choices are its log's)."""

    scenario: str  # the scenario's id
    source: str  # a bundled id, or the path the scenario was played from
    digest: str  # of the scenario's text, to notice that it has changed since
    side: str  # a solo game's side; "" for a class
    seats: list[str]
    seed: int
    choices: list[str]  # a solo game's choices; [] for a class
    finished: bool = False
    session: Session | None = None
    version: int = VERSION
    seating: Seating | None = None  # version 2: who plays
    log: list[actions.Action] = field(default_factory=list)  # version 2: what the game accepted
    times: list[int] = field(default_factory=list)  # beside the log: ms since the start
    # version 2: the public events as the room was shown them, for ``presidium class replay``
    room: list[dict[str, Any]] | None = None
    # The version of the presidium that wrote the save (this one, for a save made now); None
    # for a save read from a presidium that did not record it. Text from the file: untrusted.
    presidium: str | None = field(default_factory=this_version)

    @classmethod
    def of_class(
        cls,
        scenario: str,
        source: str,
        digest: str,
        seating: Seating,
        seed: int,
        log: list[actions.Action],
        times: list[int],
        finished: bool = False,
        session: Session | None = None,
        room: list[dict[str, Any]] | None = None,
    ) -> Save:
        """A version 2 save; one of a solo seating also says its side and choices."""
        solo = seating.mode == "solo"
        return cls(
            scenario=scenario,
            source=source,
            digest=digest,
            side=seating.seats[0] if solo and seating.seats else "",
            seats=list(seating.seats),
            seed=seed,
            choices=[a.choice for a in log if isinstance(a, actions.Choose)] if solo else [],
            finished=finished,
            session=session,
            version=CLASS_VERSION,
            seating=seating,
            log=list(log),
            times=list(times),
            room=room,
        )

    @property
    def mode(self) -> str:
        """``solo``, ``benches`` or ``roles``: a version 1 save is always a solo game."""
        return self.seating.mode if self.seating is not None else "solo"

    def to_json(self) -> str:
        body: dict[str, Any] = {
            "format": FORMAT,
            "version": self.version,
        }
        if self.presidium is not None:  # a save read from a presidium that did not say stays so
            body["presidium"] = self.presidium
        body |= {
            "scenario": self.scenario,
            "source": self.source,
            "digest": self.digest,
        }
        if self.version == CLASS_VERSION:
            assert self.seating is not None and len(self.times) == len(self.log)
            body.update(
                mode=self.seating.mode,
                seed=self.seed,
                seating=self.seating.to_dict(),
                log=[_DICTS.get(action, action.to_dict) for action in self.log],
                times=self.times,
                finished=self.finished,
            )
            if self.room is not None:
                body["room"] = self.room
        else:
            body.update(
                side=self.side,
                seats=self.seats,
                seed=self.seed,
                choices=self.choices,
                finished=self.finished,
            )
        if self.session is not None:
            body["session"] = {
                "resumed_from": self.session.resumed_from,
                "inputs": self.session.inputs,
                "transcript": self.session.transcript,
                "width": self.session.width,
                "side_asked": self.session.side_asked,
                "autoplay": self.session.autoplay,
                "interrupted": self.session.interrupted,
            }
            if self.session.confirms:  # written only when set: older saves stay as they were
                body["session"]["confirms"] = True
        if self.version == CLASS_VERSION:
            body["checksum"] = _checksum(body, by_entry=True)
            return _one_action_a_line(body)
        body["checksum"] = _checksum(body)
        return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


class _Memo:
    """Values made from objects that do not change (an action, an event's JSON data), kept
    by the object's identity with the object itself (so that its id cannot be reused while
    kept). A class writes its whole save after every action, and only the newest entries of
    its log and room are new: the others are encoded once, not at every write."""

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self.kept: dict[int, tuple[Any, Any]] = {}

    def get(self, thing: Any, make: Callable[[], Any]) -> Any:
        kept = self.kept.get(id(thing))
        if kept is not None and kept[0] is thing:
            return kept[1]
        if len(self.kept) >= self.limit:
            self.kept.clear()
        value = make()
        self.kept[id(thing)] = (thing, value)
        return value


_DICTS = _Memo()  # an action -> its JSON data
_ENCODED = _Memo()  # a log or room entry's data -> (its line in the save, its canonical JSON)


def _encoded(entry: Any) -> tuple[str, str]:
    return _ENCODED.get(  # type: ignore[no-any-return]
        entry,
        lambda: (
            json.dumps(entry, ensure_ascii=False),
            json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        ),
    )


def _one_action_a_line(body: dict[str, Any]) -> str:
    """A class's save laid out to be read (and diffed) a log entry a line; the checksum
    does not depend on the layout."""
    parts = []
    for key, value in body.items():
        if key in ("log", "room"):
            entries = ",\n".join("  " + _encoded(a)[0] for a in value)
            parts.append(f' "{key}": [\n{entries}\n ]' if value else f' "{key}": []')
        elif key == "times":
            parts.append(f' "times": {json.dumps(value)}')
        else:
            parts.append(json.dumps({key: value}, ensure_ascii=False, indent=1)[2:-2])
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _checksum(body: dict[str, Any], by_entry: bool = False) -> str:
    """The hash of the save's canonical JSON (sorted keys, no spaces), without its checksum."""
    rest = {k: v for k, v in body.items() if k != "checksum"}
    return "sha256:" + hashlib.sha256(canonical(rest, by_entry).encode("utf-8")).hexdigest()


def canonical(body: dict[str, Any], by_entry: bool = False) -> str:
    """``body`` as canonical JSON (sorted keys, no spaces). ``by_entry``: a class's log and
    room entries are encoded one by one (each once, kept for the next write), to the same
    text."""

    def plain(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    if not by_entry:
        return plain(body)
    pieces = []
    for key in sorted(body):
        value = body[key]
        if key in ("log", "room"):
            encoded = "[" + ",".join(_encoded(entry)[1] for entry in value) + "]"
        else:
            encoded = plain(value)
        pieces.append(f"{plain(key)}:{encoded}")
    return "{" + ",".join(pieces) + "}"


# ---------------------------------------------------------------------------- reading


def read(path: str | Path) -> Save:
    """Read and check a save; raise ``SaveError`` (and nothing else) saying what is wrong with it."""
    name = str(path)
    try:
        data = read_regular(path, MAX_BYTES)
    except TooLarge as exc:
        raise SaveError(
            f"'{name}' is {exc.size} bytes: far too large to be a presidium save"
        ) from None
    except NotRegularFile:
        raise SaveError(f"'{name}' is not a regular file: it is not a presidium save") from None
    except OSError as exc:
        raise SaveError(f"cannot read the save '{name}': {exc.strerror}") from None
    except ValueError:  # a NUL in the name
        raise SaveError(f"'{name}' cannot be the name of a save") from None
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
    except ValueError:  # an integer of thousands of digits: no save has one
        raise SaveError(f"'{name}' holds a number far too long to be a presidium save") from None
    except RecursionError:
        raise SaveError(f"'{name}' is nested far too deeply to be a presidium save") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise SaveError(f'\'{name}\' is not a presidium save (it has no "format": "{FORMAT}")')
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SaveError(f"'{name}' has no format version; it was not written by presidium")
    if version > NEWEST_READABLE:
        raise SaveError(
            f"'{name}' is format version {version}, written by a newer presidium; this one reads "
            f"versions {OLDEST_READABLE} to {NEWEST_READABLE}. Upgrade presidium to load it"
        )
    if version < OLDEST_READABLE:
        raise SaveError(
            f"'{name}' is format version {version}, which this presidium no longer reads "
            f"(it reads versions {OLDEST_READABLE} to {NEWEST_READABLE})"
        )
    try:
        matches = body.get("checksum") == _checksum(body)
    except (ValueError, RecursionError):  # nesting that only just passed the reader
        matches = False
    if not matches:
        raise SaveError(
            f"'{name}' does not match its checksum: it has been edited or damaged since it was "
            "saved, so it is not loaded"
        )
    return _from_body(body, name)


def _from_body(body: dict[str, Any], name: str) -> Save:
    """The save's fields, each of exactly its type: ``"no"`` is not a boolean, ``1`` not text."""

    def typed(where: dict[str, Any], key: str, kind: type, what: str, default: Any = None) -> Any:
        value = where.get(key, default)
        if type(value) is not kind:  # bool is an int in Python; not in a save
            label = key if where is body else f"session.{key}"
            raise SaveError(f"'{name}': '{label}' should be {what}")
        return value

    def strings(value: Any, key: str) -> list[str]:
        if type(value) is not list or not all(type(v) is str for v in value):
            raise SaveError(f"'{name}': '{key}' should be a list of text")
        return list(value)

    # Informational only, so never a reason to refuse a save: anything but text counts as absent.
    written_by = body.get("presidium")
    program = written_by if type(written_by) is str and written_by.strip() else None
    session = None
    raw = body.get("session")
    if raw is not None:
        if type(raw) is not dict:
            raise SaveError(f"'{name}': 'session' should be an object")
        resumed = raw.get("resumed_from")
        width = raw.get("width", REPLAY_WIDTH)
        if type(width) is not int or not 20 <= width <= 500:
            raise SaveError(f"'{name}': 'session.width' should be a number of columns")
        autoplay = raw.get("autoplay")
        if autoplay not in (None, "history", "random"):
            raise SaveError(f"'{name}': 'session.autoplay' should be history, random or null")
        session = Session(
            None if resumed is None else strings(resumed, "session.resumed_from"),
            strings(raw.get("inputs", []), "session.inputs"),
            typed(raw, "transcript", str, "text", ""),
            width,
            typed(raw, "side_asked", bool, "true or false", False),
            autoplay,
            typed(raw, "interrupted", bool, "true or false", False),
            typed(raw, "confirms", bool, "true or false", False),
        )
    if body["version"] == CLASS_VERSION:
        save = Save.of_class(
            scenario=typed(body, "scenario", str, "a scenario id"),
            source=typed(body, "source", str, "a scenario id or path"),
            digest=typed(body, "digest", str, "a digest"),
            seating=_seating(body, name),
            seed=typed(body, "seed", int, "a whole number"),
            log=_log(body.get("log"), name),
            times=_times(body, name),
            finished=typed(body, "finished", bool, "true or false", False),
            session=session,
            room=_room(body.get("room"), name),
        )
        save.presidium = program
        return save
    return Save(
        scenario=typed(body, "scenario", str, "a scenario id"),
        source=typed(body, "source", str, "a scenario id or path"),
        digest=typed(body, "digest", str, "a digest"),
        side=typed(body, "side", str, "a side id"),
        seats=strings(body.get("seats"), "seats"),
        seed=typed(body, "seed", int, "a whole number"),
        choices=strings(body.get("choices"), "choices"),
        finished=typed(body, "finished", bool, "true or false", False),
        session=session,
        presidium=program,
    )


def brief(text: str, limit: int = 200) -> str:
    """A message about a save's content kept short: a field of megabytes is named by its start
    and its length, never printed whole."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 40]}… (cut short: {len(text):,} characters in all)"


def _seating(body: dict[str, Any], name: str) -> Seating:
    mode = body.get("mode")
    if mode not in MODES:
        raise SaveError(f"'{name}': 'mode' should be one of {', '.join(MODES)}")
    try:
        seating = Seating.from_dict(body.get("seating"))
    except ValueError as exc:
        raise SaveError(f"'{name}': 'seating' is not a seating: {brief(str(exc))}") from None
    if seating.mode != mode:
        raise SaveError(f"'{name}': 'mode' is {mode} but the seating is {seating.mode}")
    if not seating.seats:
        raise SaveError(f"'{name}': the seating has no seats")
    return seating


def _log(raw: Any, name: str) -> list[actions.Action]:
    """The log's actions, in order; entry N (from 1) that is not one is named, with why."""
    if type(raw) is not list:
        raise SaveError(f"'{name}': 'log' should be a list of actions")
    if len(raw) > MAX_LOG:
        raise SaveError(
            f"'{name}': the log has {len(raw):,} entries, far more than a class's game makes"
        )
    log = []
    for n, entry in enumerate(raw, 1):
        try:
            log.append(actions.from_dict(entry))
        except actions.BadAction as exc:
            raise SaveError(
                f"'{name}': entry {n} of the log is not an action: {brief(str(exc))}"
            ) from None
    return log


def _room(raw: Any, name: str) -> list[dict[str, Any]] | None:
    if raw is None:
        return None
    if type(raw) is not list or not all(
        type(e) is dict and type(e.get("type")) is str for e in raw
    ):
        raise SaveError(f"'{name}': 'room' should be a list of events")
    return list(raw)


def _times(body: dict[str, Any], name: str) -> list[int]:
    raw, log = body.get("times"), body.get("log")
    if type(raw) is not list or not all(type(t) is int and t >= 0 for t in raw):
        raise SaveError(f"'{name}': 'times' should be a list of milliseconds")
    if type(log) is list and len(raw) != len(log):
        raise SaveError(
            f"'{name}': 'times' has {len(raw)} entries but the log has {len(log)}: "
            "there is one time for each action"
        )
    return list(raw)


# ---------------------------------------------------------------------------- writing


def write(save: Save, path: str | Path, left_out: Callable[[str], None] | None = None) -> Path:
    """Write atomically: a temporary file beside the target, then a rename over it.

    A save is never written larger than ``read`` accepts. When the session record (what was
    typed and shown, kept for ``presidium replay``) would make it so, the save is written
    without it and ``left_out`` is told why; the game itself (its choices) is still saved. A
    save too large even then is not written, and the previous one is kept.
    """
    target = Path(path)
    data = _encode(save)
    if len(data) > MAX_BYTES and (save.session is not None or save.room is not None):
        data = _encode(dataclasses.replace(save, session=None, room=None))
        if left_out is not None:
            left_out(
                f"the record of this session is too large to keep in a save (more than "
                f"{MAX_BYTES // (1024 * 1024)} MB), so '{target}' holds the game without it; "
                "'presidium replay' cannot check this session"
            )
    if len(data) > MAX_BYTES:
        raise SaveError(
            f"cannot save to '{target}': the save would be {len(data)} bytes, more than a save "
            "may hold; the previous save, if any, is kept"
        )
    return write_atomically(data, target)


def write_atomically(data: bytes, target: Path) -> Path:
    """Write ``data`` to a temporary file beside ``target``, then rename it over ``target``:
    whoever reads ``target`` sees the old bytes or the new, never half of them."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".presidium-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
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


def _encode(save: Save) -> bytes:
    try:
        return save.to_json().encode("utf-8")
    except ValueError as exc:  # text that is not Unicode, a number too long to write
        raise SaveError(f"the game cannot be saved: {exc}") from None


def remove_stale_temporaries(folder: Path, older_than: float = STALE_SECONDS) -> None:
    """Delete the temporary files of writes that were killed before they could clean up."""
    limit = time.time() - older_than
    with contextlib.suppress(OSError):
        for path in folder.glob(".presidium-*.tmp"):
            with contextlib.suppress(OSError):
                info = path.lstat()
                if info.st_mtime < limit and (is_regular_file(path) or path.is_symlink()):
                    path.unlink()


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


def _seed_text(seed: int) -> str:
    """The seed for a file name: a seed of hundreds of digits must not make the name too long."""
    text = str(seed)
    if len(text) <= 24:
        return text
    return f"{text[:12]}~{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def new_game_id() -> str:
    """A name for one game, unique across games started with the same scenario, side and seed."""
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{os.urandom(3).hex()}"


def autosave_path(scenario: str, side: str, seed: int, game: str) -> Path:
    """One autosave per game: a new game never overwrites another, even with the same seed."""
    return autosave_dir() / f"{_slug(scenario)}-{_slug(side)}-seed{_seed_text(seed)}-{game}.json"


def is_autosave(path: Path) -> bool:
    """Whether ``path`` is a file in the autosave folder (a resumed game goes on writing it)."""
    try:
        return path.resolve().parent == autosave_dir().resolve()
    except (OSError, RuntimeError):
        return False


KEEP_AUTOSAVES = 30


def _autosaves() -> list[tuple[float, str, Path]]:
    """(modified, name, path) for every regular ``.json`` file in the autosave folder.

    Anything else there (a FIFO, a device, a folder, a dangling link) is skipped without
    being opened, so it can neither hang nor break ``--resume``.
    """
    folder = autosave_dir()
    found = []
    with contextlib.suppress(OSError):
        for path in folder.glob("*.json"):
            if not is_regular_file(path):
                continue
            with contextlib.suppress(OSError):
                found.append((path.stat().st_mtime, path.name, path))
    return sorted(found)


def prune_autosaves(keep: int = KEEP_AUTOSAVES) -> None:
    """Keep the autosave folder small: beyond ``keep`` files, drop the oldest finished games.

    Temporary files left by writes that were killed are removed too.
    """
    for folder in (autosave_dir(), saves_dir()):
        remove_stale_temporaries(folder)
    files = _autosaves()
    excess = len(files) - keep
    for _modified, _name, path in files:
        if excess <= 0:
            break
        with contextlib.suppress(SaveError, OSError):
            if read(path).finished:
                path.unlink()
                excess -= 1


def default_name(save: Save) -> str:
    """A name that says what the save is and never depends on the clock."""
    if save.mode != "solo":
        return (
            f"{_slug(save.scenario)}-{save.mode}-seed{_seed_text(save.seed)}-{len(save.log)}.json"
        )
    return (
        f"{_slug(save.scenario)}-{_slug(save.side)}-seed{_seed_text(save.seed)}-"
        f"{len(save.choices)}.json"
    )


def unfinished_autosaves() -> Iterator[Path]:
    """The autosaves of games that have not ended, newest first; unreadable files are passed by."""
    for _modified, _name, path in reversed(_autosaves()):
        try:
            if not read(path).finished:
                yield path
        except SaveError:
            continue


def open_scenario_of(save: Save) -> Opened:
    """The scenario a save was played with, or a ``SaveError`` that gives its first problem."""
    from presidium import catalog
    from presidium.errors import ScenarioError

    try:
        return catalog.open_scenario(save.source)
    except ScenarioError as exc:
        problem = exc.first_error()
    except PresidiumError as exc:
        problem = str(exc)
    raise SaveError(f"the save's scenario {quoted(save.source)} cannot be opened: {problem}")


def _has_separator(name: str) -> bool:
    return any(sep and sep in name for sep in ("/", os.sep, os.altsep))


def place(name: str) -> Path:
    """Where ``save NAME`` writes: a bare name is a save in the saves folder, a path is a path.

    A bare name without an extension gets ``.json``, so that ``load NAME`` finds it again.
    """
    if _has_separator(name):
        return Path(os.path.expanduser(name))  # Path.expanduser raises for ~nobody
    return saves_dir() / (name if Path(name).suffix else f"{name}.json")


def find(name: str) -> Path:
    """A save given by path, or by name: the saves folder, then the autosave folder.

    A bare name that is in neither is looked for in the current folder too, where saves
    written by earlier versions of presidium (and files named on the command line) are.
    """
    if _has_separator(name):
        path = Path(os.path.expanduser(name))
        if is_regular_file(path):
            return path
        raise NoSuchSave(f"no save '{name}'")
    for folder in (saves_dir(), autosave_dir(), Path()):
        for candidate in (folder / name, folder / f"{name}.json"):
            if is_regular_file(candidate):
                return candidate
    raise NoSuchSave(
        f"no save '{name}' (looked in {saves_dir()}, in {autosave_dir()} and in this folder)"
    )
