"""A vote on the path beside history: a class's (or the rules') vote that went otherwise than
the real one is flagged as a divergence, with the count; one that went as history did is not.

Real games of june_1957 through the real engine: a class of twelve whose seated voters all
vote one way in the Presidium's showdown, and a solo game whose plenum the rules lose.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from classroom_helpers import routine_action
from conftest import run_cli as run
from presidium import actions, catalog
from presidium import seating as seats
from presidium.classroom import folder
from presidium.classroom.session import Session
from test_debrief import _Checker


class Rows(_Checker):
    """A well-formed page's table rows, each a line of its cells' text joined by " | "."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[str] = []
        self.cells: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        super().handle_starttag(tag, attrs)
        if tag in ("td", "th"):
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        super().handle_endtag(tag)
        if tag == "tr":
            self.rows.append(" | ".join(" ".join(c.split()) for c in self.cells))
            self.cells = []

    def handle_data(self, data: str) -> None:
        super().handle_data(data)
        if self.cells:
            self.cells[-1] += data


def page_rows(page: str) -> str:
    rows = Rows()
    rows.feed(page)
    assert not rows.stack
    return "\n".join(rows.rows)


SHOWDOWN = "Seven against four?"  # the scene of the Presidium's vote of 18 June
PLENUM = "The vote"  # the scene of the plenum's vote of 29 June


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    place = tmp_path / "data"
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(place))
    return place


def next_action(session: Session, showdown: str) -> actions.Action:
    """A teacher who closes each floor, rates each argument 3, takes history's choice at
    each decision, and has every seated voter vote ``showdown`` in the Presidium's showdown
    and for the resolution at the plenum."""
    request = routine_action(
        session.log,
        list(session.game.requests.values()),
        lambda r, _seat: showdown if r.vote == "showdown_18_june" else "for",
    )
    if isinstance(request, actions.Action):
        return request
    phase = session.scenario.phases[request.request.split(":")[0]]
    open_ = [o.id for o in request.options if o.available]
    choice = phase.history if phase.history in open_ else open_[0]
    return actions.Choose(request.roles[0], request.request, choice)


def class_debrief(tmp_path: Path, showdown: str) -> tuple[str, str, str]:
    """A class of twelve played to its end, and its post-mortem as the teacher reads it:
    (the Markdown handout, the HTML handout's table rows, the terminal's text)."""
    opened = catalog.open_scenario("june_1957")
    session = Session.new(opened.scenario, seats.cast(opened.scenario, 12), 1957)
    for n in range(500):
        if session.game.over:
            break
        session.submit(next_action(session, showdown), at_ms=30_000 * n)
    assert session.game.over
    markdown, page, terminal = post_mortems(opened, session, tmp_path)
    return markdown, page_rows(page), terminal


def post_mortems(opened: catalog.Opened, session: Session, tmp_path: Path) -> tuple[str, str, str]:
    """A finished class's session folder, and ``class debrief`` of it as the teacher runs
    it: (the Markdown handout, the HTML handout, the terminal's text in single spaces)."""
    place = folder.create(opened, session)
    folder.write(place, session, "")
    texts = []
    for name in ("pm.md", "pm.html"):
        code, _, err = run(["class", "debrief", str(place), "-o", str(tmp_path / name)])
        assert code == 0, err
        texts.append((tmp_path / name).read_text())
    code, terminal, err = run(["class", "debrief", str(place)])
    assert code == 0, err
    return texts[0], texts[1], " ".join(terminal.split())


def row(markdown: str, scene: str) -> str:
    """The path's row of ``scene`` in a Markdown handout."""
    rows = [line for line in markdown.splitlines() if f"| {scene} |" in line]
    assert len(rows) == 1, rows
    return rows[0]


def test_a_class_vote_that_left_history_is_flagged_with_its_count(tmp_path: Path) -> None:
    markdown, html, terminal = class_debrief(tmp_path, "against")
    assert row(markdown, SHOWDOWN) == (
        "| Tuesday 18 June 1957 | Seven against four? | the class, by ballot | "
        "The Presidium turns on Khrushchev (the motion failed) | **diverged** "
        "(the class's vote: 0 for, 11 against, 0 abstaining); history: the motion passed |"
    )
    assert (
        "Tuesday 18 June 1957 | Seven against four? | the class, by ballot | The Presidium "
        "turns on Khrushchev (the motion failed) | diverged (the class's vote: 0 for, "
        "11 against, 0 abstaining); history: the motion passed"
    ) in html.splitlines()
    assert (
        "Seven against four?, decided by the class, by ballot: The Presidium turns on "
        "Khrushchev [the motion failed] DIVERGED (the class's vote: 0 for, 11 against, "
        "0 abstaining); history: the motion passed"
    ) in terminal
    # the path puts the vote where it was held: after the afternoon, before the evening call
    path = markdown.split("## The class's path beside history")[1].split("## ")[0]
    scenes = [line.split(" | ")[1] for line in path.splitlines() if line.startswith("| ")][2:]
    at = scenes.index(SHOWDOWN)
    assert scenes[at - 1 : at + 2] == [
        "Tuesday afternoon: who speaks for Khrushchev",
        SHOWDOWN,
        "A phone call to the marshal",
    ]
    # the plenum voted as history did, and its count stands beside history's
    assert row(markdown, PLENUM).endswith(
        "| The Central Committee plenum votes (the motion passed) | as in history (the "
        "class's vote: 85 for, 0 against, 1 abstaining); history: unanimous, with Molotov "
        "abstaining |"
    )


def test_a_class_vote_that_went_as_history_did_is_not_flagged(tmp_path: Path) -> None:
    markdown, html, terminal = class_debrief(tmp_path, "for")
    # not flagged, but counted: the same result may hide another count
    assert row(markdown, SHOWDOWN).endswith(
        "| the class, by ballot | The Presidium turns on Khrushchev (the motion passed) "
        "| as in history (the class's vote: 9 for, 2 against, 0 abstaining) |"
    )
    assert row(markdown, PLENUM).endswith(
        "(the motion passed) | as in history (the class's vote: 85 for, 0 against, "
        "1 abstaining); history: unanimous, with Molotov abstaining |"
    )
    assert "diverged" not in (markdown + html + terminal).casefold()
    assert (
        "Seven against four?, decided by the class, by ballot: The Presidium turns on "
        "Khrushchev [the motion passed] (as in history; the class's vote: 9 for, 2 against, "
        "0 abstaining)"
    ) in terminal
    assert (
        "Tuesday 18 June 1957 | Seven against four? | the class, by ballot | The Presidium "
        "turns on Khrushchev (the motion passed) | as in history (the class's vote: 9 for, "
        "2 against, 0 abstaining)"
    ) in html.splitlines()


# Molotov's side, choosing as a player might: the plenum turns against the resolution.
LOST_PLENUM = [
    "strike_on_tuesday",
    "bulganin_in_the_chair",
    "shout_down_the_defenders",
    "publish_the_decision",
    "sleep_on_it",
    "meet_them_first",
    "offer_a_compromise",
    "a_word_to_the_ministries",
    "refuse_to_receive_them",
    "agree_to_a_plenum",
    "collective_leadership_speech",
    "turn_the_tables",
    "abstain",
]


def test_a_solo_vote_the_rules_lost_is_flagged_and_one_they_won_is_not(tmp_path: Path) -> None:
    handouts = []
    for name in ("debrief.md", "debrief.html"):
        code, out, err = run(
            [
                *("play", "--side", "molotov", "--seed", "2", "--plain"),
                *("--debrief", str(tmp_path / name)),
            ],
            "\n".join(LOST_PLENUM) + "\n",
        )
        assert code == 0, err
        handouts.append((tmp_path / name).read_text())
    out = " ".join(out.split())
    markdown, page = handouts
    html = page_rows(page)
    why = (
        "(the vote as the scenario's rules cast it: 20 for, 55 against, 1 abstaining); "
        "history: the motion passed"
    )
    assert row(markdown, PLENUM) == (
        "| Saturday 29 June 1957 | The vote | the voters, by the scenario's rules | "
        f"The Central Committee plenum votes (the motion failed) | **diverged** {why} |"
    )
    assert (
        "Saturday 29 June 1957 | The vote | the voters, by the scenario's rules | "
        f"The Central Committee plenum votes (the motion failed) | diverged {why}"
    ) in html.splitlines()
    assert (
        "The vote, decided by the voters, by the scenario's rules: The Central Committee "
        f"plenum votes [the motion failed] DIVERGED {why}"
    ) in out
    # the Presidium's showdown went as history did, and says so
    assert row(markdown, SHOWDOWN).endswith(
        "| The Presidium turns on Khrushchev (the motion passed) | as in history |"
    )
