"""``presidium replay`` and ``presidium class replay``: does a recorded game still play the same?

Any save carries the session it came from (every line typed and the plain text shown, at a
fixed width). Replaying plays those lines again against the scenario as it is now and compares
the text line by line: an author's regression test for a playthrough. A session that was
interrupted (Ctrl-C, a signal, an output that failed) may have stopped midway through answering
its last line: it is compared as far as its text goes.

A save names the version of presidium that recorded it (saves from before that was recorded
name none). When that is not this version, a replay that differs says so before its diff: what
the program shows may have changed, not only the story.

A class session is replayed from its log instead: every action, in order, submitted to a new
game, and the public events that gives compared with the ones the room was shown. An entry the
game now refuses means the session cannot be replayed, and says which entry and why.
"""

from __future__ import annotations

import argparse
import difflib
import json
from collections.abc import Iterable
from typing import IO, Any

from presidium import saves
from presidium.printable import clean


def replay(name: str, out: IO[str], err: IO[str]) -> int:
    """Exit 0 if the session plays the same, 1 if it differs, 2 if it cannot be replayed.

    The verdict and the diff go to ``out``; why a save cannot be replayed goes to ``err``.
    """
    from presidium.ui.play import replay_session

    try:
        save = saves.read(saves.find(name))
    except saves.NoSuchSave as exc:
        from presidium.classroom import folder

        try:
            folder.locate(name)
        except saves.SaveError:
            err.write(f"presidium: {exc}\n")
            return 2
        return replay_class(name, out, err)  # a class session's folder
    except saves.SaveError as exc:
        err.write(f"presidium: {exc}\n")
        return 2
    if save.mode != "solo":
        return replay_class(name, out, err)
    if save.session is None:
        err.write(f"presidium: '{name}' has no recorded session to replay\n")
        return 2
    try:
        opened = saves.open_scenario_of(save)
    except saves.SaveError as exc:
        err.write(f"presidium: {exc}\n")
        return 2
    try:
        now = replay_session(opened, save)  # refuses what --load refuses
    except saves.SaveError as exc:
        err.write(f"presidium: {exc}\n")
        return 2
    before = save.session.transcript
    typed = len(save.session.inputs)
    if save.session.interrupted:  # its text may stop short of the answer to the last line
        now = "".join(now.splitlines(keepends=True)[: len(before.splitlines())])
    if now == before:
        lines = len(before.splitlines())
        cut = ", as far as it was recorded before it was interrupted"
        out.write(
            f"Same: {name} replays to the same {lines} lines "
            f"({typed} typed line{'' if typed == 1 else 's'}, seed {save.seed}"
            f"{cut if save.session.interrupted else ''}).\n"
        )
        return 0
    return differs(name, save, opened.digest, before.splitlines(), now.splitlines(), out)


def differs(
    name: str, save: saves.Save, digest: str, before: list[str], now: list[str], out: IO[str]
) -> int:
    """Say that a recorded game no longer plays the same, and show what changed; exit 1."""
    if digest != save.digest:
        out.write(f"The scenario '{save.scenario}' has changed since the session was recorded.\n")
    program = program_note(save)
    if program:
        out.write(program + "\n")
    out.write(f"Different: {name} no longer plays the same. What changed (- then, + now):\n")
    diff = difflib.unified_diff(before, now, "recorded", "replayed now", lineterm="", n=2)
    for line in diff:
        out.write(clean(line) + "\n")
    return 1


def program_note(save: saves.Save) -> str:
    """What a replay that differs says about the program: "" when the save was recorded by
    this version of presidium, else which one recorded it (as far as the save says)."""
    this = saves.this_version()
    if save.presidium == this:
        return ""
    why = "what the program shows may have changed, not only the story."
    if save.presidium is None:
        return (
            "This session was recorded by an earlier presidium, one that did not record its "
            f"version; this is presidium {this}: {why}"
        )
    recorded = save.presidium  # from the file: shown cleaned, and never at length
    if len(recorded) > MAX_VERSION_SHOWN:
        recorded = recorded[:MAX_VERSION_SHOWN] + "…"
    return (
        f"This session was recorded by presidium {clean(recorded, one_line=True)}; "
        f"this is presidium {this}: {why}"
    )


MAX_VERSION_SHOWN = 40  # characters of a recorded version shown; a real one is a few


# ---------------------------------------------------------------------------- a class session


def class_command(args: argparse.Namespace, out: IO[str]) -> int:
    """``presidium class replay SESSION``."""
    import sys

    return replay_class(args.session, out, sys.stderr)


def replay_class(name: str, out: IO[str], err: IO[str]) -> int:
    """Exit 0 if the class's log replays to what the room was shown, 1 if it differs (with a
    diff), 2 if it cannot be replayed (the reason on ``err``)."""
    from presidium import audience
    from presidium.classroom import folder

    try:
        place = folder.locate(name)
        opened, save, session = folder.load(place)
    except saves.SaveError as exc:
        err.write(clean(f"presidium: {exc}", one_line=True) + "\n")
        return 2
    actions = len(save.log)
    what = f"{actions} action{'' if actions == 1 else 's'}, seed {save.seed}"
    now = [e.to_dict() for e in audience.only(session.events, audience.ROOM)]
    if save.room is None:
        out.write(
            f"Same: {name} replays from its log ({what}); it holds no record of what the room "
            "was shown, so only the log was checked.\n"
        )
        return 0
    if now == save.room and session.game.over == save.finished:
        out.write(f"Same: {name} replays to the same {len(now)} public events ({what}).\n")
        return 0
    before, after = event_lines(save.room), event_lines(now)
    if session.game.over != save.finished:
        before.append(f"finished: {save.finished}")
        after.append(f"finished: {session.game.over}")
    return differs(name, save, opened.digest, before, after, out)


def event_lines(events: Iterable[dict[str, Any]]) -> list[str]:
    """Events as lines a diff can show: the type, then one line a field, long text by lines."""
    lines: list[str] = []
    for n, event in enumerate(events, 1):
        lines.append(f"#{n} {event.get('type')}")
        for key, value in event.items():
            if key == "type":
                continue
            if isinstance(value, str) and "\n" in value:
                lines.append(f"  {key}:")
                lines += [f"    {line}" for line in value.splitlines()]
            else:
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                lines.append(f"  {key}: {text}")
    return lines
