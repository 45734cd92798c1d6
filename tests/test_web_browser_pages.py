"""Three things a teacher's fifth try found on the phone and teacher pages: an envelope's
sources in the feed given by their ids (the role sheet cites them), a phone with no network
still saying "Connected", and advice on the teacher's page that does not say which decision
it was for.

The first test needs no browser: what the server sends each viewer. The others drive the real
june_1957 class in headless Chromium (see browser_helpers.py); screenshots go to
$PRESIDIUM_SCREENSHOTS or the test's temporary folder.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from browser_helpers import (
    LAPTOP,
    PROJECTOR,
    SMALL_PHONE,
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
from test_web import make_classroom

expect.set_options(timeout=WAIT_MS)
SHOTS = "pages"  # the screenshots' names begin so (the ``shots`` fixture, conftest.py)

ENVELOPE_SCENE = "majority_night"  # Zhukov's envelope opens here, with one source
INJECTION = "marshals_write"  # the teacher's event, with a source, from "waverers" on


def until_scene(classroom: Classroom, phase: str) -> None:
    """The teacher closes what is open, in turn (the script decides), until ``phase`` opens."""
    game = classroom.session.game
    for _ in range(300):
        if game.phase is not None and game.phase.id == phase:
            return
        classroom.teacher_line(f"close {next(iter(game.requests))}")
    raise AssertionError(f"{phase} never opened")


def cited(scenario: Scenario, source: str) -> str:
    return " ".join(scenario.sources[source].cite.split())


def sources_in(value: Any) -> list[str]:
    """Every item of every ``sources`` list in ``value`` (JSON data), however deep."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "sources" and isinstance(item, list):
                found.extend(item)
            else:
                found.extend(sources_in(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(sources_in(item))
    return found


def frames_data(classroom: Classroom, viewer: str) -> list[Any]:
    """The data of every event and state in ``viewer``'s stream from the start."""
    raw = classroom.frames(viewer, 0)[0] + classroom.state_frame(viewer)
    return [
        json.loads(line[len("data: ") :])
        for line in raw.decode().splitlines()
        if line.startswith("data: ")
    ]


# ---------------------------------------------------------------------- sources cited


def test_every_source_a_page_is_sent_is_cited_never_an_id() -> None:
    """An envelope, the teacher's event and the ending's fates: in every viewer's stream,
    state and deliveries, each source is its citation, as the role sheet gives it, and the
    envelope in the feed is the very one the sheet shows. The session keeps the ids (the save
    and ``class replay`` use them)."""
    classroom = make_classroom(5)
    scenario = classroom.session.scenario
    until_scene(classroom, ENVELOPE_SCENE)
    until_scene(classroom, "waverers")
    classroom.teacher_line(f"inject {INJECTION}")
    classroom.teacher_line("conclude")
    assert classroom.session.game.over
    citations = {" ".join(s.cite.split()) for s in scenario.sources.values()}
    envelope = next(
        i
        for i, e in enumerate(classroom.session.events)
        if isinstance(e, ev.Revealed) and e.seat == "zhukov"
    )
    assert classroom.session.dict_of(envelope)["sources"] == ["time_1957_quick_and_dead"]
    for viewer in ("role:zhukov", "role:molotov", "room", ev.TEACHER):
        sent: list[Any] = [
            classroom.state(viewer),
            json.loads(classroom.state_json(viewer)),
            classroom.deliveries(viewer, 0),
            frames_data(classroom, viewer),
        ]
        found = sources_in(sent)
        assert found, viewer
        assert {" ".join(s.split()) for s in found} <= citations, viewer
        assert cited(scenario, "military_factor") in found, viewer  # the injection, the fates
    zhukov = classroom.state("role:zhukov")
    (sheet,) = zhukov["seat"]["revealed"]
    in_feed = dict(classroom.deliveries("role:zhukov", 0))[envelope + 1]
    assert sheet == in_feed
    assert sheet["sources"] == [cited(scenario, "time_1957_quick_and_dead")]


@pytest.mark.browser
@needs_browser
def test_the_feed_cites_an_envelope_s_and_the_teacher_s_event_s_sources(
    shots: Screens, june_1957: Scenario
) -> None:
    """Zhukov's envelope in his phone's feed ends with the same "Sources: TIME, July 1957,
    ..." as the envelope under "What you know", live, after a reload and after the server
    is started again; the teacher's event cites its source on the phone, the projector and
    the teacher's page. No page shows a source's id."""
    classroom = new_classroom(june_1957, 5)
    quick = "Sources: " + cited(june_1957, "time_1957_quick_and_dead")
    military = "Sources: " + cited(june_1957, "military_factor")
    ids = ("time_1957_quick_and_dead", "military_factor")
    with LiveClass(classroom) as live:
        port = live.port
        phone = join(shots, live, "zhukov", classroom.keys["zhukov"].code, SMALL_PHONE)
        teacher = shots.open(live.url + "/teacher#key=" + live.key, LAPTOP)
        room = shots.open(live.url + "/room", PROJECTOR)
        live.call(until_scene, classroom, ENVELOPE_SCENE)
        entry = phone.locator("#feed .entry-revealed")
        expect(entry.locator(".sources")).to_have_text(quick)
        expect(phone.locator("#envelopes .sources")).to_have_text(quick)
        entry.scroll_into_view_if_needed()
        shots.shot(phone, "phone-envelope-cited")

        phone.reload()
        expect(phone.locator("#connection")).to_have_text("Connected")
        expect(phone.locator("#feed .entry-revealed .sources")).to_have_text(quick)

        live.call(until_scene, classroom, "waverers")
        live.teacher(f"inject {INJECTION}")
        for page in (phone, teacher, room):
            expect(page.locator("#feed .entry-injected .sources")).to_have_text(military)
        teacher.locator("#feed .entry-injected").scroll_into_view_if_needed()
        shots.shot(teacher, "teacher-injection-cited")
        shots.shot(room, "room-injection-cited")
    with LiveClass(classroom, port):  # the class resumed: the page follows it by itself
        expect(phone.locator("#connection")).to_have_text("Connected", timeout=25_000)
        phone.reload()
        expect(phone.locator("#connection")).to_have_text("Connected")
        expect(phone.locator("#feed .entry-revealed .sources")).to_have_text(quick)
        expect(phone.locator("#feed .entry-injected .sources")).to_have_text(military)
        for page in (phone, teacher, room):
            shown = words(page.locator("body").text_content())
            assert not any(i in shown for i in ids), page.url
    assert shots.watched.errors == [] and shots.watched.dialogs == []


# ---------------------------------------------------------------------- the network gone


AGAIN = "Connected again. That was not sent: tap it again to send it."


def ballot_open(classroom: Classroom) -> None:
    until_scene(classroom, "tuesday_afternoon")
    classroom.teacher_line("close tuesday_afternoon:decision")  # the script; the ballot opens


@pytest.mark.browser
@needs_browser
def test_a_phone_that_cannot_reach_the_server_says_it_is_reconnecting(
    shots: Screens, june_1957: Scenario
) -> None:
    """A vote that cannot reach the server (its stream still looks open, as a phone's on a
    dead Wi-Fi does) turns "Connected" into "Reconnecting…", and the page connects again by
    itself when the server can be reached; a browser that goes offline says so at once,
    and is connected again, its vote taken, when it is back online. Once connected again,
    the card no longer says that the server cannot be reached, but that the vote was not
    sent; the reason typed is still in its box."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        phone = join(shots, live, "molotov", classroom.keys["molotov"].code, SMALL_PHONE)
        badge = phone.locator("#connection")
        live.call(ballot_open, classroom)
        card = phone.locator(".request-ballot")
        expect(card).to_have_count(1)

        # the server out of reach: every new request fails, the open stream stays open
        phone.route("**/api/act", lambda route: route.abort())
        phone.route("**/api/stream**", lambda route: route.abort())
        card.get_by_role("button", name="Abstain", exact=True).click()
        expect(card.locator(".error")).to_contain_text("The game server cannot be reached")
        expect(badge).to_have_text("Reconnecting…")
        shots.shot(phone, "phone-unreachable")
        phone.unroute("**/api/act")
        phone.unroute("**/api/stream**")
        expect(badge).to_have_text("Connected")
        expect(card.locator(".error")).to_have_text(AGAIN)

        # the browser offline: said at once, connected again when it is back
        phone.context.set_offline(True)
        expect(badge).to_have_text("Reconnecting…")
        why = card.locator("textarea")
        why.fill("Typed while the Wi-Fi was gone.")
        card.get_by_role("button", name="For", exact=True).click()
        expect(card.locator(".error")).to_contain_text("The game server cannot be reached")
        expect(badge).to_have_text("Reconnecting…")
        shots.shot(phone, "phone-offline")
        phone.evaluate("window.scrollTo(0, 0)")
        shots.shot(phone, "phone-offline-badge")
        phone.context.set_offline(False)
        expect(badge).to_have_text("Connected")
        expect(card.locator(".error")).to_have_text(AGAIN)
        expect(why).to_have_value("Typed while the Wi-Fi was gone.")
        card.locator(".error").scroll_into_view_if_needed()
        shots.shot(phone, "phone-connected-again")
        card.get_by_role("button", name="For", exact=True).click()
        expect(card).to_contain_text("Your ballot is in (For)")
        expect(card).to_contain_text("Your reason: Typed while the Wi-Fi was gone.")
        expect(card.locator(".error")).to_have_text("")
        shots.shot(phone, "phone-back-online")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


# ---------------------------------------------------------------------- advice, and for what


@pytest.mark.browser
@needs_browser
def test_the_teacher_sees_which_decision_each_advice_is_for(
    shots: Screens, june_1957: Scenario
) -> None:
    """Malenkov advises Molotov on "Counting to seven": the teacher's "Now" says the advice
    is in on that decision's card, and "For your eyes only" names the decision. Once Molotov
    decides and Malenkov advises on "Who takes the chair", the first advice is marked as for
    an earlier decision and only the new one is in "Now"; a reload says the same."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        molotov = join(shots, live, "molotov", classroom.keys["molotov"].code, SMALL_PHONE)
        malenkov = join(shots, live, "malenkov", classroom.keys["malenkov"].code, SMALL_PHONE)
        teacher = shots.open(live.url + "/teacher#key=" + live.key, LAPTOP)
        expect(teacher.locator("#connection")).to_have_text("Connected")

        def advise() -> str:
            card = malenkov.locator(".request-decision")
            first = card.locator("button.choice").first
            label = words(first.text_content()).split(". ", 1)[1].split(" (")[0]
            first.click()
            expect(card.locator(".said")).to_contain_text("Your advice is given: ")
            return label

        first = advise()
        now = teacher.locator("#request-list .request-decision")
        expect(now.locator(".advice")).to_have_text(f"Advice in: Georgy Malenkov advises: {first}.")
        private = teacher.locator("#private-feed .entry-advised")
        expect(private).to_have_count(1)
        expect(private.locator(".entry-head")).to_have_text(
            "Advice on \u201cCounting to seven\u201d"
        )
        expect(private).not_to_contain_text("earlier decision")
        shots.shot(teacher, "teacher-advice-in", full=True)

        molotov.locator(".request-decision button.choice").first.click()
        expect(teacher.locator("#scene-line")).to_contain_text("Who takes the chair")
        expect(now.locator(".advice")).to_have_count(0)
        expect(private.first).to_contain_text("For an earlier decision, now taken.")
        second = advise()
        expect(now.locator(".advice")).to_have_text(
            f"Advice in: Georgy Malenkov advises: {second}."
        )
        expect(private).to_have_count(2)
        expect(private.nth(1).locator(".entry-head")).to_have_text(
            "Advice on \u201cWho takes the chair\u201d"
        )
        expect(private.nth(1)).not_to_contain_text("earlier decision")
        shots.shot(teacher, "teacher-advice-earlier", full=True)

        teacher.reload()
        expect(teacher.locator("#connection")).to_have_text("Connected")
        expect(private).to_have_count(2)
        expect(private.first).to_contain_text("For an earlier decision, now taken.")
        expect(private.nth(1)).not_to_contain_text("earlier decision")
        expect(now.locator(".advice")).to_have_text(
            f"Advice in: Georgy Malenkov advises: {second}."
        )
        # the one who decides sees which decision it was for, in the feed, too
        expect(molotov.locator("#feed .entry-advised").last.locator(".entry-head")).to_have_text(
            "Advice on \u201cWho takes the chair\u201d"
        )
    assert shots.watched.errors == [] and shots.watched.dialogs == []
