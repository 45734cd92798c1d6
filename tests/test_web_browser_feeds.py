"""What reaches the class in the feeds: every scene's own words (a scene the game only passes
through, such as the opening background or the plenum's verdict, is otherwise never on the
projector or a phone), and a student's reason kept with their ballot across a reload. The
projector also keeps such a scene above the scene the game stopped in, whole, until the next
decision is taken.

The first test needs no browser: what the server sends each viewer. The others drive the real
june_1957 class in headless Chromium (see browser_helpers.py); screenshots go to
$PRESIDIUM_SCREENSHOTS or the test's temporary folder.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from browser_helpers import (
    LAPTOP,
    PHONE,
    PROJECTOR,
    WAIT_MS,
    LiveClass,
    Screens,
    join,
    needs_browser,
    new_classroom,
    words,
)
from presidium import events as ev
from presidium.model import Scenario
from presidium.web.classroom import Classroom
from test_web import make_classroom, open_request
from test_web_browser import (
    NOTHING_MORE,
    PROJECTOR_4_3,
    PROJECTOR_SMALL,
    assert_private_to,
    in_sight,
)

expect.set_options(timeout=WAIT_MS)
SHOTS = "feeds"  # the screenshots' names begin so (the ``shots`` fixture, conftest.py)

BACKGROUND = "had every reason to feel accused"  # "Sixteen months of trouble", the opening
COLLAPSED = re.compile(r"\bcollapsed\b")
VERDICT = "Nobody is arrested"  # "The verdict", between the plenum's vote and the new Presidium


def join_by_code(shots: Screens, live: LiveClass, seat: str, size: dict[str, int]) -> Any:
    return join(shots, live, seat, live.classroom.keys[seat].code, size)


def teacher_page(shots: Screens, live: LiveClass) -> Any:
    page = shots.open(live.url + "/teacher#key=" + live.key, LAPTOP)
    expect(page.locator("#connection")).to_have_text("Connected")
    return page


def until_scene(classroom: Classroom, phase: str) -> None:
    """The teacher closes what is open, in turn (the script decides), until ``phase`` opens."""
    game = classroom.session.game
    for _ in range(300):
        if game.phase is not None and game.phase.id == phase:
            return
        classroom.teacher_line(f"close {next(iter(game.requests))}")
    raise AssertionError(f"{phase} never opened")


def scene_entry(page: Any, title: str) -> Any:
    return page.locator("#feed .entry-phase", has_text=f"Scene: {title}")


# ---------------------------------------------------------------------- a ballot's reason


@pytest.mark.parametrize("kind", ["secret", "simultaneous", "open"])
def test_a_seat_s_state_carries_its_own_reason_and_no_one_else_s(kind: str) -> None:
    """The reason a student gave is in their own seat's state, with their ballot, and kept
    when the vote is changed with it; no other seat, nor the room, nor the teacher is sent it
    before the ballot closes (an open ballot's vote is public as it is cast, with its
    reason: only the states are checked there)."""
    classroom = make_classroom()
    inject = "straw_poll" if kind == "secret" else ""
    ballot = open_request(classroom, "ballot", kind, inject=inject)
    voter, other = ballot.roles[0], ballot.roles[1]
    seq = len(classroom.session.events)
    reason = "MY-OWN-REASON-" + kind.upper()
    cast = {"do": "cast", "request": ballot.request}
    classroom.act(voter, {**cast, "nonce": "why-00001", "ballot": "for", "why": reason})

    def mine(seat: str) -> Any:
        state = classroom.state(f"role:{seat}")
        return next(r for r in state["requests"] if r["request"] == ballot.request)["mine"]

    assert mine(voter) == {**mine(voter), "cast": "for", "why": reason}
    assert reason in classroom.state_json(f"role:{voter}")
    assert mine(other)["cast"] is None and mine(other)["why"] is None
    # changed with the reason the phone shows (the box prefilled): the reason is kept
    classroom.act(voter, {**cast, "nonce": "why-00002", "ballot": "abstain", "why": reason})
    assert mine(voter)["cast"] == "abstain" and mine(voter)["why"] == reason
    for viewer in (f"role:{other}", "room", ev.TEACHER):
        assert reason not in classroom.state_json(viewer), viewer
        assert reason not in json.dumps(classroom.state(viewer)), viewer
        if kind != "open":
            assert reason not in json.dumps(classroom.deliveries(viewer, seq)), viewer
            assert reason not in classroom.frames(viewer, seq)[0].decode(), viewer
    # cleared by the student: gone from the state too
    classroom.act(voter, {**cast, "nonce": "why-00003", "ballot": "against", "why": ""})
    assert mine(voter)["cast"] == "against" and not mine(voter)["why"]


@pytest.mark.browser
@needs_browser
def test_a_reason_survives_a_reload_and_a_changed_vote(shots: Screens, june_1957: Scenario) -> None:
    """Bulganin votes For with a reason, reloads, sees it ("Your reason: …" and in the why
    box), and abstains: the reason stays with the new vote, reaches no other phone and not
    the room before the close, and is shown with his vote after it."""
    classroom = new_classroom(june_1957, 5)
    reason = "I chaired the sitting, so I must vote with the seven."
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        phones = {
            s: join_by_code(shots, live, s, PHONE) for s in ("bulganin", "molotov", "malenkov")
        }
        ballot = live.call(open_request, classroom, "ballot", "simultaneous")
        assert "bulganin" in ballot.roles and "molotov" in ballot.roles
        phone = phones["bulganin"]
        card = phone.locator(".request-ballot")
        card.locator("textarea").fill(reason)
        card.get_by_role("button", name="For", exact=True).click()
        expect(card).to_contain_text("Your ballot is in (For)")
        expect(card.locator(".your-reason")).to_have_text("Your reason: " + reason)

        phone.reload()
        expect(phone.locator("#connection")).to_have_text("Connected")
        card = phone.locator(".request-ballot")
        expect(card).to_contain_text("Your ballot is in (For)")
        expect(card.locator(".your-reason")).to_have_text("Your reason: " + reason)
        expect(card.locator("textarea")).to_have_value(reason)
        shots.shot(phone, "phone-reason-after-reload")

        card.get_by_role("button", name="Abstain", exact=True).click()
        expect(card).to_contain_text("Your ballot is in (Abstain)")
        expect(card.locator(".your-reason")).to_have_text("Your reason: " + reason)
        seats = live.call(lambda: dict(classroom.session.game.room.state.cast[ballot.request]))
        assert seats["bulganin"] == ("abstain", reason)
        # said as a change, not as a second vote; how, not until the close
        expect(room.locator("#feed")).to_contain_text("Nikolai Bulganin changes the vote.")
        for page in (room, phones["molotov"], phones["malenkov"]):
            assert reason not in words(page.locator("body").text_content())

        live.teacher(f"close {ballot.request}")
        expect(room.locator("#result .way", has_text="Abstained: ")).to_contain_text(
            f'Nikolai Bulganin ("{reason}")'
        )
        expect(phones["molotov"].locator("#feed")).to_contain_text(
            f"Nikolai Bulganin abstains: {reason}"
        )
        shots.shot(room, "room-reason-kept")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


@pytest.mark.browser
@needs_browser
def test_a_changed_open_vote_reads_as_a_change_in_the_room_s_and_the_teacher_s_feeds(
    shots: Screens, june_1957: Scenario
) -> None:
    """Teacher's eighth try, finding 2: Bulganin voted For, then Against with a reason, and
    the room's feed and the teacher's "What the room sees" read "votes for", then "votes
    against: ...", as if he had voted twice."""
    classroom = new_classroom(june_1957, 5)
    reason = "I chaired them on the 18th; I was wrong."
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        teacher = teacher_page(shots, live)
        phone = join_by_code(shots, live, "bulganin", PHONE)
        ballot = live.call(open_request, classroom, "ballot", "open")
        assert "bulganin" in ballot.roles
        card = phone.locator(".request-ballot")
        card.get_by_role("button", name="For", exact=True).click()
        expect(card).to_contain_text("Your ballot is in (For)")
        card.locator("textarea").fill(reason)
        card.get_by_role("button", name="Against", exact=True).click()
        expect(card).to_contain_text("Your ballot is in (Against)")
        for page in (room, teacher):
            feed = page.locator("#feed")
            expect(feed).to_contain_text(f"Nikolai Bulganin changes the vote to against: {reason}")
            expect(feed).to_contain_text("Nikolai Bulganin votes for")  # the first, as before
            assert "Nikolai Bulganin votes against" not in words(feed.text_content())
        shots.shot(teacher, "teacher-vote-changed")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


# ---------------------------------------------------------------------- every scene's text


@pytest.mark.browser
@needs_browser
def test_every_scene_s_text_is_in_the_room_s_the_phones_and_the_teacher_s_feeds(
    shots: Screens, june_1957: Scenario
) -> None:
    """The opening background ("Sixteen months of trouble") and the plenum's verdict ask
    nothing of the class: the game passes through them. Their words are in the feeds of the
    room, the phones and the teacher's page (whether the projector's feed has the room to show
    an older entry whole is the room's fitting: see the screenshots). The newest scene's entry is collapsed to its
    title where the page's scene box shows it whole (room, phone), and whole on the teacher's
    page, which shows only the scene's title. On the room, a scene passed through is whole
    above the scene now (see the next test): its feed entry is collapsed to its title too."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        phone = join_by_code(shots, live, "molotov", PHONE)
        teacher = teacher_page(shots, live)
        for page in (room, phone, teacher):
            expect(scene_entry(page, "Sixteen months of trouble")).to_contain_text(BACKGROUND)
        for page in (room, phone):
            newest = scene_entry(page, "Counting to seven")
            expect(newest).to_have_class(COLLAPSED)
            expect(newest.locator(".entry-text")).to_be_hidden()
            expect(page.locator("#scene-text")).to_contain_text("have the numbers")
        expect(scene_entry(teacher, "Counting to seven").locator(".entry-text")).to_be_visible()
        shots.shot(room, "room-opening")
        shots.shot(phone, "phone-opening", full=True)

        live.call(until_scene, classroom, "new_presidium")
        for page in (room, phone, teacher):
            expect(scene_entry(page, "The verdict")).to_contain_text(VERDICT)
        expect(scene_entry(phone, "The verdict")).not_to_have_class(COLLAPSED)
        expect(scene_entry(room, "The verdict")).to_have_class(COLLAPSED)
        expect(room.locator("#passed")).to_contain_text(VERDICT)
        for page in (room, phone):
            expect(scene_entry(page, "The new Presidium")).to_have_class(COLLAPSED)
        expect(phone.locator("#feed")).to_contain_text(VERDICT)
        phone.locator("#feed .entry-phase", has_text="The verdict").scroll_into_view_if_needed()
        shots.shot(room, "room-verdict")
        shots.shot(phone, "phone-verdict")

        # the ending takes the room's scene box: the last scene is whole in its feed; the
        # phone still shows that scene in its scene box, so its entry stays collapsed there
        live.teacher("conclude")
        expect(room.locator("#ended")).to_be_visible()
        expect(room.locator("#feed .entry-phase.collapsed")).to_have_count(0)
        expect(phone.locator("#feed .entry-phase.collapsed")).to_have_count(1)
    assert shots.watched.errors == [] and shots.watched.dialogs == []


# ---------------------------------------------------------------------- the projector


def passed_shown(page: Any, title: str, where: str, text: str, now: str) -> None:
    """The room shows the scene ``title`` (the one scene passed through) above the scene
    ``now``, marked "Just before", with its date and place and its whole text, on the screen
    without scrolling; its feed entry is collapsed to its title meanwhile."""
    passed = page.locator("#scene #passed")
    expect(passed).to_be_visible()
    expect(passed.locator("#passed-head")).to_have_text("Just before")
    expect(passed.locator(".passed-scene h2")).to_have_text([title])
    expect(passed.locator(".passed-scene .where")).to_have_text([where])
    expect(passed.locator(".passed-scene .scene-text")).to_contain_text(text)
    expect(page.locator("#scene-title")).to_have_text(now)
    page.wait_for_function(NOTHING_MORE, arg="#scene", timeout=WAIT_MS)
    in_sight(page, "#passed .passed-scene h2")
    in_sight(page, "#passed .scene-text p:last-child")
    in_sight(page, "#scene-text p:last-child")
    expect(scene_entry(page, title)).to_have_class(COLLAPSED)


@pytest.mark.browser
@needs_browser
def test_the_room_shows_a_scene_passed_through_above_the_scene_now_until_a_decision(
    shots: Screens, june_1957: Scenario
) -> None:
    """Nobody decides in the opening background ("Sixteen months of trouble") or in the
    plenum's verdict: the game shows them and moves on. The projector, which the whole class
    reads, keeps each above the scene it stopped in, whole, at 1920x1080, 1280x720 and
    1024x768, and again once the room page is reloaded (it is rebuilt from the events the
    stream sends again), until the class's next decision is taken."""
    classroom = new_classroom(june_1957, 5)
    opening = ("Sixteen months of trouble", "February 1956 to early June 1957 | Moscow")
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        for size in (PROJECTOR, PROJECTOR_SMALL, PROJECTOR_4_3):
            room.set_viewport_size(size)
            passed_shown(room, *opening, BACKGROUND, "Counting to seven")
            shots.shot(room, "room-passed-opening")
        room.reload()
        expect(room.locator("#connection")).to_have_text("Connected")
        passed_shown(room, *opening, BACKGROUND, "Counting to seven")
        shots.shot(room, "room-passed-opening-reloaded")

        # Molotov's decision is taken: the background gives way, whole in the feed again
        decision = live.call(lambda: next(iter(classroom.session.game.requests)))
        assert decision == "the_plot:decision"
        live.teacher(f"close {decision}")
        expect(room.locator("#scene-title")).not_to_have_text("Counting to seven")
        expect(room.locator("#passed", has_text="Sixteen months")).to_have_count(0)
        expect(scene_entry(room, "Sixteen months of trouble")).not_to_have_class(COLLAPSED)

        # through the Central Committee's vote to its verdict, and on to the new Presidium
        live.call(until_scene, classroom, "new_presidium")
        verdict = ("The verdict", "Saturday 29 June 1957 | The Kremlin")
        expect(room.locator("#result")).to_contain_text("The Central Committee plenum votes")
        for size in (PROJECTOR_4_3, PROJECTOR_SMALL, PROJECTOR):
            room.set_viewport_size(size)
            passed_shown(room, *verdict, VERDICT, "The new Presidium")
            shots.shot(room, "room-passed-verdict")
        room.reload()
        expect(room.locator("#connection")).to_have_text("Connected")
        passed_shown(room, *verdict, VERDICT, "The new Presidium")
        in_sight(room, "#result .tally")
        shots.shot(room, "room-passed-verdict-reloaded")
        assert_private_to(room, june_1957, None)
    assert shots.watched.errors == [] and shots.watched.dialogs == []


# ---------------------------------------------------------------------- a request's title


@pytest.mark.browser
@needs_browser
def test_the_feeds_title_a_timed_ballot_without_minutes_that_time_makes_stale(
    shots: Screens, june_1957: Scenario
) -> None:
    """Teacher's eighth try, finding 9: after 'time +3m' the feeds kept the ballot's title
    "(2 minutes)" while its countdown said 4:55. The countdown is what counts: the feeds of
    the room and the teacher's page give the title alone."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        teacher = teacher_page(shots, live)
        ballot = live.call(open_request, classroom, "ballot")
        assert ballot.request == "presidium_count:ballot" and ballot.minutes == 2
        (said,) = live.teacher(f"time {ballot.request} +3m")
        assert said.startswith("The ballot 'The Presidium turns on Khrushchev': "), said
        expect(room.locator("#request-list .countdown")).to_contain_text(
            re.compile(r"Time left: [45]:")
        )
        title = "Ballot: The Presidium turns on Khrushchev"
        for page in (room, teacher):
            expect(page.locator("#feed .entry-head", has_text=title)).to_have_text(title)
            expect(page.locator("#feed")).not_to_contain_text(re.compile(r"\(\d+ minutes?\)"))
        shots.shot(room, "room-ballot-title")
    assert shots.watched.errors == [] and shots.watched.dialogs == []
