"""A class's post-mortem reads true where the result alone would mislead (teacher's try-out 6,
findings 5 and 9).

One real class game of june_1957 with six students, played through the real engine as the
try-out's class played it: the Presidium's ballot goes as history did, but at the plenum
Molotov (at his last word), Malenkov and Bulganin vote against the resolution, which passes
all the same; the teacher injects Marshal Konev's speech, then a straw poll, and takes the
straw poll back. The post-mortem then sets the class's plenum count beside history's, gives
Bulganin the reasons his objectives failed as they did, and lists every ruling made before
what was taken back.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from classroom_helpers import routine_action
from presidium import actions, catalog
from presidium import seating as seats
from presidium.classroom.session import Session
from presidium.classroom.sheets import short_cites
from test_debrief_votes import page_rows, post_mortems, row

PLENUM = "The vote"  # the scene of the plenum's vote of 29 June
AGAINST = {"malenkov", "bulganin"}  # the students who vote against the resolution
INJECT_AT = "khrushchev_speech"  # where the teacher's rulings are made


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    place = tmp_path / "data"
    monkeypatch.setenv("PRESIDIUM_DATA_DIR", str(place))
    return place


def next_action(session: Session, rulings: list[actions.Action]) -> actions.Action:
    """The try-out's class: history's choice at each decision, except Molotov's last word,
    where he votes against; every seated voter for the motion, except Malenkov and Bulganin
    against the resolution; each floor closed and each argument rated 3. When Khrushchev's
    speech is to be decided, the teacher's ``rulings`` are made first."""
    request = routine_action(
        session.log,
        list(session.game.requests.values()),
        lambda r, seat: "against" if r.vote == "plenum_29_june" and seat in AGAINST else "for",
    )
    if isinstance(request, actions.Action):
        return request
    phase = session.scenario.phases[request.request.split(":")[0]]
    if phase.id == INJECT_AT and rulings:
        return rulings.pop(0)
    open_ = [o.id for o in request.options if o.available]
    # Konev, injected by the teacher, has spoken: the speakers' list puts up others
    choice = {"last_word": "vote_against", "plenum_speakers": "ustinov_and_shelepin"}.get(
        phase.id, phase.history
    )
    return actions.Choose(
        request.roles[0], request.request, choice if choice in open_ else open_[0]
    )


@pytest.fixture(scope="module")
def debriefs(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    """The game's post-mortem: (the Markdown handout, the HTML handout's text, the terminal's
    text)."""
    tmp_path = tmp_path_factory.mktemp("reads_true")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRESIDIUM_DATA_DIR", str(tmp_path / "data"))
        opened = catalog.open_scenario("june_1957")
        session = Session.new(opened.scenario, seats.cast(opened.scenario, 6), 1957)
        rulings: list[actions.Action] = [
            actions.Inject("konev_speaks"),
            actions.Inject("straw_poll"),
            actions.Undo(),
        ]
        for n in range(500):
            if session.game.over:
                break
            session.submit(next_action(session, rulings), at_ms=60_000 * n)
        assert session.game.over and not rulings
        return post_mortems(opened, session, tmp_path)


def test_a_plenum_that_passed_as_in_history_shows_its_count_beside_historys(
    debriefs: tuple[str, str, str],
) -> None:
    markdown, page, terminal = debriefs
    assert "Vyacheslav Molotov** against" in markdown  # his last word was his hand
    count = "the class's vote: 83 for, 3 against, 0 abstaining"
    history = "history: unanimous, with Molotov abstaining"
    assert row(markdown, PLENUM).endswith(
        f"| The Central Committee plenum votes (the motion passed) | as in history ({count}); "
        f"{history} |"
    )
    assert (
        "Saturday 29 June 1957 | The vote | the class, by ballot | The Central Committee "
        f"plenum votes (the motion passed) | as in history ({count}); {history}"
    ) in page_rows(page).splitlines()
    assert (
        "The vote, decided by the class, by ballot: The Central Committee plenum votes "
        f"[the motion passed] (as in history; {count}; {history})"
    ) in terminal
    # the one divergence is Molotov's own hand, decided at his last word
    flagged = [line for line in markdown.splitlines() if "**diverged**" in line]
    assert len(flagged) == 1 and "| Molotov's last word |" in flagged[0]


def test_bulganins_failed_objectives_say_how_he_voted(debriefs: tuple[str, str, str]) -> None:
    markdown, page, terminal = debriefs
    bulganin = markdown.split("### Nikolai Bulganin\n")[1].split("###")[0]
    assert bulganin.splitlines()[1:3] == [
        "- **Failed**: End the game still premier, not named among the losers. You voted "
        "against the resolution, and Khrushchev's side won: you were caught on the losing "
        "side.",
        "- **Failed**: At the plenum, vote with whichever side wins. You voted against the "
        "resolution, and the hall passed it: you misread the hall.",
    ]
    for text in (markdown, page, terminal):
        assert "never got to vote" not in text and "or named with the losers" not in text
    assert (
        "Failed: At the plenum, vote with whichever side wins. You voted against the "
        "resolution, and the hall passed it: you misread the hall."
    ) in terminal


def test_every_ruling_is_listed_then_what_was_taken_back(debriefs: tuple[str, str, str]) -> None:
    markdown, page, terminal = debriefs
    rulings = markdown.split("## The teacher's injections and rulings\n")[1].split("## ")[0]
    konev = "Marshal Konev speaks for the army's commanders"
    poll = "Before the vote: a secret straw poll of the plenum"
    items = [line for line in rulings.splitlines() if line.startswith("- ")]
    assert len(items) == 3
    minute, poll_minute, undo_minute = (line.split("(minute ")[1].split(")")[0] for line in items)
    # the injection kept cites its source as the handout's notes do, by its entry's key
    assert items[0] == f"- **Injected (minute {minute})**: {konev} \\[military\\_factor\\]"
    # the one taken back is listed where it was made, and its undo names it
    assert items[1] == (
        f"- **Injected (minute {poll_minute})**: {poll} (counterfactual) (taken back at "
        f"minute {undo_minute})"
    )
    assert items[2] == (
        f"- **Taken back (minute {undo_minute})**: The teacher took back the injected event: "
        f"{poll} (minute {poll_minute})."
    )
    assert "**military_factor**" in markdown  # the key's entry in the list of sources
    # on the projector, the source's citation, never its id
    cite = short_cites(catalog.open_scenario("june_1957").scenario)["military_factor"]
    assert f"Injected (minute {minute}): {konev} [Sources: {cite}]" in terminal
    assert (
        f"Taken back (minute {undo_minute}): The teacher took back the injected event: {poll}"
        in terminal
    )
    assert (
        "military_factor" not in terminal.split("injections and rulings")[1].split("Each role")[0]
    )
    assert f"{html.escape(konev)} [military_factor]</li>" in page
