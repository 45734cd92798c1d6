"""`time` on the network, after a teacher's fifth try (finding 1): on Molotov's decision "Who
takes the chair", which has no countdown, `time +1m` ("they need more time") started a
one-minute countdown, and when it ran out the script decided for the student, ignoring the
advice given; the teacher's page showed the same "+1 minute" button on every such decision.

Now more time on a request with no countdown is refused, saying why and what to type instead;
a countdown the teacher starts says what happens when it runs out; the teacher's page offers
"+1 minute" only where a countdown runs, and says what one does. And `help WORD` answers for
every word only the network has. The real june_1957 class, through the real engine.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from starlette.testclient import TestClient

from browser_helpers import (
    LAPTOP,
    WAIT_MS,
    LiveClass,
    Screens,
    needs_browser,
    new_classroom,
)
from presidium import catalog, seating
from presidium import events as ev
from presidium.classroom.session import Session
from presidium.model import Scenario
from presidium.web import app as web_app
from presidium.web.classroom import WEB_WORDS, Classroom, Rejected
from test_web import SEED, Clock, make_classroom, open_request, teacher_headers

expect.set_options(timeout=WAIT_MS)
SHOTS = "countdowns"  # the screenshots' names begin so (the ``shots`` fixture, conftest.py)

CHAIR = "Vyacheslav Molotov decides (Who takes the chair)"
REFUSED = (
    f"{CHAIR}: no countdown. It waits until it is taken or you close it ('close decision'). "
    "To give it one, say 'time decision 3m'; when a countdown runs out, the script decides "
    "for the student, whatever the advice."
)


def at_the_chair(clock: Clock) -> Classroom:
    """Five students, the script playing on until Molotov's "Who takes the chair" is open."""
    classroom = make_classroom(students=5, clock=clock)
    game = classroom.session.game
    for _ in range(20):
        if game.phase is not None and game.phase.id == "plot_chair":
            return classroom
        classroom.teacher_line(f"close {next(iter(game.requests))}")
    raise AssertionError("'Who takes the chair' never opened")


def closed_by(classroom: Classroom, request: str) -> ev.RequestClosed:
    (closed,) = [
        e
        for e in classroom.session.events
        if isinstance(e, ev.RequestClosed) and e.request == request
    ]
    return closed


def test_more_time_on_a_decision_with_no_countdown_is_refused_and_the_student_decides() -> None:
    """The teacher's try-out, replayed: Malenkov advises, the teacher asks for more time.
    It is refused with what to do instead, no countdown starts, an hour later the decision
    still waits, and Molotov's student takes it (the script takes nothing)."""
    clock = Clock()
    classroom = at_the_chair(clock)
    (decision,) = classroom.session.game.requests.values()
    assert decision.minutes is None and classroom.remaining_ms(decision.request) is None
    option = next(o for o in decision.options if o.available)
    advice = {"nonce": "advice-0001", "do": "advise", "request": decision.request}
    classroom.act("malenkov", {**advice, "choice": option.id})
    for line in ("time +1m", "time decision +1m", "time plot_chair:decision +2m"):
        with pytest.raises(Rejected) as refused:
            classroom.teacher_line(line)
        assert refused.value.reason == REFUSED
        assert refused.value.status == 409
    assert classroom.remaining_ms(decision.request) is None
    clock.t += 3600
    assert not classroom.tick()
    assert decision.request in classroom.session.game.requests
    choose = {"nonce": "choose-0001", "do": "choose", "request": decision.request}
    classroom.act("molotov", {**choose, "choice": option.id})
    assert closed_by(classroom, decision.request).by == "complete"


def test_the_teacher_page_s_more_time_is_refused_there_too() -> None:
    """The page sends the console's line: the page shows the same refusal (HTTP 409), and
    its state tells the page this request has no countdown and what one would do."""
    classroom = at_the_chair(Clock())
    with TestClient(web_app.create_app(classroom)) as client:
        key = teacher_headers(classroom)
        answer = client.post("/api/teacher", headers=key, json={"line": "time decision +1m"})
        assert answer.status_code == 409 and REFUSED in answer.text
        (entry,) = client.get("/api/state", headers=key).json()["requests"]
        assert entry["remaining_ms"] is None
        assert entry["runs_out"] == "the script decides for the student, whatever the advice"


def test_a_countdown_the_teacher_starts_says_the_script_decides_and_it_does() -> None:
    clock = Clock()
    classroom = at_the_chair(clock)
    (decision,) = classroom.session.game.requests.values()
    with pytest.raises(Rejected, match="would close it at once: to close it now, say 'close"):
        classroom.teacher_line("time 0")
    assert classroom.remaining_ms(decision.request) is None
    (said,) = classroom.teacher_line("time decision 2m")
    assert said == (
        f"{CHAIR}: a countdown of 2:00 starts now; when it runs out, the script decides for "
        "the student, whatever the advice."
    )
    # once it runs, more time is more time, and the answer still says what happens at zero
    (said,) = classroom.teacher_line("time +1m")
    assert said.startswith(f"{CHAIR}: 3:00 left; when it runs out, the script decides"), said
    classroom.teacher_line("pause")
    (said,) = classroom.teacher_line("time 2m")
    assert said.startswith(f"{CHAIR}: 2:00 left (held until you 'resume'); when it runs out")
    classroom.teacher_line("resume")
    clock.t += 121
    assert classroom.tick()
    closed = closed_by(classroom, decision.request)
    assert closed.by == "timer" and "the script takes" in closed.summary


def test_a_ballot_s_countdown_says_how_the_votes_not_cast_are_counted() -> None:
    """The Presidium's vote counts a missing voter as abstaining; the plenum's lets the
    scenario's rules vote for them: 'time' says which, as the vote's rule has it."""
    classroom = make_classroom(students=5)
    ballot = open_request(classroom, "ballot")
    assert ballot.vote == "showdown_18_june"
    (said,) = classroom.teacher_line("time +1m")
    assert said.endswith(
        "left; when it runs out, the ballot closes, and whoever has not voted is counted as "
        "abstaining."
    ), said
    assert said.startswith("The ballot 'The Presidium turns on Khrushchev': 3:00 left; ")
    while True:  # on to the plenum's vote, whose rule is the script's
        classroom.teacher_line(f"close {next(iter(classroom.session.game.requests))}")
        ballot = open_request(classroom, "ballot")
        if ballot.vote == "plenum_29_june":
            break
    (said,) = classroom.teacher_line("time 4m")
    assert said == (
        "The ballot 'The Central Committee plenum votes': 4:00 left; when it runs out, the "
        "ballot closes, and the scenario's rules cast the votes not yet cast."
    )
    classroom = make_classroom(students=5)
    open_request(classroom, "floor")
    (said,) = classroom.teacher_line("time floor 1m")
    assert said == (
        "The floor is open: 1:00 left; when it runs out, the floor closes, and the moves made "
        "on it are played out."
    )


def test_a_bench_s_countdown_says_the_hands_raised_decide() -> None:
    scenario = catalog.open_scenario("june_1957").scenario
    classroom = Classroom(Session.new(scenario, seating.benches(scenario, 4), SEED), now=Clock())
    decision = open_request(classroom, "decision")
    with pytest.raises(Rejected, match="To give it one, say 'time decision 3m'; when a count"):
        classroom.teacher_line("time +1m")
    (said,) = classroom.teacher_line("time 3m")
    assert said.endswith(
        "a countdown of 3:00 starts now; when it runs out, the hands raised by then decide "
        "(the script, if none are)."
    ), said
    assert decision.request in classroom.session.game.requests


@pytest.mark.parametrize("word", [*WEB_WORDS, "teacher-link"])
def test_help_answers_for_every_word_only_the_network_has(word: str) -> None:
    """'help time' said "'time' is not a console word" on the network, where it is one."""
    classroom = make_classroom(students=5)
    for asked in (f"help {word}", f"? {word.upper()}"):
        said = classroom.teacher_line(asked)
        assert said[0].startswith(f"{word} ") and " - " in said[0], said
        assert "not a console word" not in " ".join(said)


def test_help_time_says_what_a_countdown_s_end_does_and_what_is_open() -> None:
    classroom = at_the_chair(Clock())
    said = classroom.teacher_line("help time")
    assert said[0].startswith("time [REQUEST] 3m | +1m - a countdown of this long from now")
    assert "'+1m' is refused there" in said[1] and "the script" in said[1]
    assert said[2:] == [f"decision: {CHAIR}, no countdown"]
    classroom.teacher_line("time 3m")
    assert classroom.teacher_line("help time")[2:] == [f"decision: {CHAIR}, 3:00 left"]


# ---------------------------------------------------------------------- the teacher's page


@pytest.mark.browser
@needs_browser
def test_the_teacher_page_offers_more_time_only_where_a_countdown_runs(
    shots: Screens, june_1957: Scenario
) -> None:
    """Molotov's opening decision has no countdown: its card on the teacher's page has
    *Close now* but no *+1 minute*, and says it waits, with the line that starts a countdown
    and what a countdown's end does. Once the teacher types that line, the card counts down,
    says what happens at zero, and *+1 minute* adds a minute."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        teacher = shots.open(live.url + "/teacher#key=" + live.key, LAPTOP)
        expect(teacher.locator("#connection")).to_have_text("Connected")
        card = teacher.locator("#request-list .request-decision")
        expect(card.locator("button", has_text="Close now")).to_have_count(1)
        expect(card.locator("button", has_text="+1 minute")).to_have_count(0)
        expect(card.locator(".countdown")).to_have_count(0)
        expect(card.locator(".countdown-rule")).to_have_text(
            "No countdown: it waits until it is answered, or until you close it. To give it "
            "one, type 'time decision 3m' in the Console; when a countdown runs out, the "
            "script decides for the student, whatever the advice."
        )
        shots.shot(teacher, "teacher-no-countdown", full=True)

        teacher.locator("#line").fill("time decision 3m")
        teacher.locator("#line").press("Enter")
        said = teacher.locator("#console-out .console-said").last
        expect(said).to_have_text(
            "Vyacheslav Molotov decides (Counting to seven): a countdown of 3:00 starts now; "
            "when it runs out, the script decides for the student, whatever the advice."
        )
        expect(card.locator(".countdown")).to_contain_text("Time left: 2:")
        expect(card.locator(".countdown-rule")).to_have_text(
            "When the countdown runs out, the script decides for the student, whatever the advice."
        )
        more = card.locator("button", has_text="+1 minute")
        expect(more).to_have_count(1)
        more.click()
        expect(card.locator(".countdown")).to_contain_text("Time left: 3:")
        expect(teacher.locator("#console-out .console-said").last).to_have_text(
            re.compile(r"Vyacheslav Molotov decides \(Counting to seven\): (3:5\d|4:00) left; ")
        )
        shots.shot(teacher, "teacher-countdown-started", full=True)
    assert shots.watched.errors == [] and shots.watched.dialogs == []
