"""``presidium replay``: does a recorded session still produce the same text?

Any save carries the session it came from (every line typed and the plain text shown, at a
fixed width). Replaying plays those lines again against the scenario as it is now and compares
the text line by line: an author's regression test for a playthrough. A session that was
interrupted (Ctrl-C, a signal, an output that failed) may have stopped midway through answering
its last line: it is compared as far as its text goes.
"""

from __future__ import annotations

import difflib
from typing import IO

from presidium import saves


def replay(name: str, out: IO[str], err: IO[str]) -> int:
    """Exit 0 if the session plays the same, 1 if it differs, 2 if it cannot be replayed.

    The verdict and the diff go to ``out``; why a save cannot be replayed goes to ``err``.
    """
    from presidium.ui.play import replay_session

    try:
        save = saves.read(saves.find(name))
    except saves.SaveError as exc:
        err.write(f"presidium: {exc}\n")
        return 2
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
    if opened.digest != save.digest:
        out.write(f"The scenario '{save.scenario}' has changed since the session was recorded.\n")
    out.write(f"Different: {name} no longer plays the same. What changed (- then, + now):\n")
    diff = difflib.unified_diff(
        before.splitlines(), now.splitlines(), "recorded", "replayed now", lineterm="", n=2
    )
    for line in diff:
        out.write(line + "\n")
    return 1
