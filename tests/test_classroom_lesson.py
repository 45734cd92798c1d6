"""The issue's own check, through the real command line: a prepared lesson for twelve
students of june_1957, piped into ``class run`` as a teacher would type it, reaches an ending;
``class debrief`` writes the post-mortem, which matches a golden file; and ``class replay``
plays the session's log to the same game.

The lesson (tests/fixtures/lesson_june_1957_12.txt) uses the console as a class does: advice
and decisions, shows of hands, a roll call, a secret ballot at the keyboard, a paper tally, floor
moves, a declaration, a note, an argument rated, a student leaving, injected events, a ruling,
an undo, and the secret ballots revealed at the end.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from conftest import ROOT, run_cli
from presidium.classroom import folder
from presidium.classroom.folder import classes_dir

LESSON = ROOT / "tests" / "fixtures" / "lesson_june_1957_12.txt"
GOLDEN = ROOT / "tests" / "golden" / "classroom_lesson_12.md"
UPDATE = os.environ.get("PRESIDIUM_UPDATE_GOLDEN") == "1"


def session_folders() -> set[Path]:
    return set(classes_dir().iterdir()) if classes_dir().exists() else set()


def test_a_prepared_lesson_of_twelve_plays_debriefs_and_replays(tmp_path: Path) -> None:
    before = session_folders()
    lesson = LESSON.read_text(encoding="utf-8")
    code, out, err = run_cli(
        ["class", "run", "june_1957", "--students", "12", "--seed", "7", "--plain"], lesson
    )
    assert code == 0, err
    (place,) = session_folders() - before
    save = folder.read(place)
    assert save.finished and "Ending: anti_party_group" in out
    assert "Nikolai Bulganin has voted." in out and "teacher> for\n" not in out  # hidden
    # the argument's rating, then what it did to Pervukhin, said once
    rated = " ".join(out.split()).split("The argument is rated 4 of 5", 1)[1][:160]
    assert re.match(
        r": a 70% chance, rolled \d+\. Mikhail Pervukhin is (moved|persuaded|unmoved)", rated
    )

    handout = tmp_path / "post-mortem.md"
    code, out, err = run_cli(["class", "debrief", str(place), "-o", str(handout)])
    assert code == 0, err
    text = handout.read_text(encoding="utf-8")
    # third report, items 7 and 9: the reveals are on the record, a scripting is called so,
    # and a student who gave no reason is given no filler in its place
    assert "- **Revealed (minute 0)**: The teacher revealed the secret ballot" in text
    assert "The teacher revealed every role's objectives" in text
    assert "*A secret ballot, revealed by the teacher at minute 0.*" in text
    assert "- **Script (minute 0)**: Mikhail Pervukhin went to the script" in text
    assert "- **Nikita Khrushchev** against (no reason given)" in text
    assert "the student's own ballot" not in text and "Absent" not in text
    if UPDATE:
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), f"no {GOLDEN.name}: run once with PRESIDIUM_UPDATE_GOLDEN=1"
    assert text == GOLDEN.read_text(encoding="utf-8"), (
        f"rerun with PRESIDIUM_UPDATE_GOLDEN=1 if intended, and read the diff ({GOLDEN.name})"
    )

    code, out, err = run_cli(["class", "replay", str(place)])
    assert code == 0, (out, err)
