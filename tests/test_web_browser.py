"""The web classroom in a real headless Chromium: phones at 390 and 360 pixels wide, the
projector at 1920×1080 and the teacher's laptop at 1280×800, each its own browser context (its
own cookies and storage, as separate devices), against the real june_1957 class served by a
real uvicorn on loopback.

The class is driven as a teacher drives it (the console's words, the teacher page's buttons)
and the students act by typing and tapping. A phone's sleep is two things at once: the
browser goes offline, and the server ends that phone's stream (offline emulation alone does
not end a stream already open). Screenshots of the key moments go to $PRESIDIUM_SCREENSHOTS
(or the test's temporary folder), to be looked at, not only asserted.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from browser_helpers import (
    LAPTOP,
    PHONE,
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
from conftest import ROOT, all_text
from presidium import events as ev
from presidium import seating
from presidium.classroom.session import Session
from presidium.compiler import load_scenario
from presidium.model import Scenario
from presidium.web.classroom import Classroom
from test_web import _console, _quit, _serving, free_port, open_request

pytestmark = [pytest.mark.browser, needs_browser]
expect.set_options(timeout=WAIT_MS)

HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "<script>alert(2)</script>"


# ---------------------------------------------------------------------- helpers


def secrets_of(scenario: Scenario) -> dict[str, list[str]]:
    """Each role's private text: what it knows (from the start or by envelope) and its
    objectives."""
    return {
        role.id: [words(k.text) for k in role.knows] + [words(o.text) for o in role.objectives]
        for role in scenario.roles.values()
    }


def assert_private_to(page: Any, scenario: Scenario, seat: str | None) -> None:
    """The page holds no role's private text but ``seat``'s own (None: nobody's), in its
    whole document, hidden parts included. A text is recognised by its start, unless the
    scenario says as much in public or in the seat's own secrets (a scene may tell what one
    role knows; two roles may know the same fact)."""
    shown = words(page.locator("body").text_content())
    private = secrets_of(scenario)
    allowed = " ".join(words(text) for _where, text, _confidence in all_text(scenario))
    allowed += " " + " ".join(private.get(seat or "", []))
    for role, texts in private.items():
        for start in (text[:60] for text in texts):
            if start not in allowed:
                assert start not in shown, f"{seat or 'the room'} shows {role}'s secret: {start}"


def tap_vote(page: Any, ballot: str, why: str = "", last: bool = False) -> None:
    """Tap a vote on the phone's ballot card; it says the ballot is in (in the feed when it
    was the ``last`` vote, which closes the ballot and its card)."""
    card = page.locator(".request-ballot")
    if why:
        card.locator("textarea").fill(why)
    card.get_by_role("button", name=ballot.capitalize(), exact=True).click()
    said = page.locator("#feed" if last else ".request-ballot")
    expect(said).to_contain_text(f"Your ballot is in ({ballot.capitalize()})")


def result_line(vote: ev.VoteHeld) -> str:
    return (
        f"Result: {vote.votes_for} for, {vote.votes_against} against, "
        f"{vote.abstentions} abstaining."
    )


def vote_shown(live: LiveClass, room: Any, title: str) -> ev.VoteHeld:
    """The public record of the vote ``title``, once the room shows that it is held."""
    expect(room.locator("#result")).to_contain_text(title)
    (vote,) = [v for v in live.events(ev.VoteHeld) if not v.to and v.title == title]
    return vote


def fits(page: Any) -> bool:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width <= page.viewport_size["width"]


# ---------------------------------------------------------------------- the class


def test_secret_five_phones_join_learn_vote_and_one_sleeps_through_the_result(
    shots: Screens, june_1957: Scenario
) -> None:
    """The issue's scenario: five phones join with their codes and see their own private
    knowledge (never another role's); the class reaches the secret straw poll; three voters
    tap their votes; the fourth phone sleeps; the teacher closes the ballot with the button;
    the room shows the totals only, and the sleeping phone wakes to the result."""
    classroom = new_classroom(june_1957, 5)
    codes = {seat: keys.code for seat, keys in classroom.keys.items()}
    assert list(codes) == ["khrushchev", "molotov", "zhukov", "bulganin", "malenkov"]
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        teacher = shots.open(f"{live.url}/teacher#key={live.key}", LAPTOP)
        expect(teacher.locator("#desk")).to_be_visible()
        phones: dict[str, Any] = {}
        for n, (seat, code) in enumerate(codes.items()):
            if n == 0:
                first = shots.open(live.url + "/", PHONE)
                shots.shot(first, "phone-join")
                first.close()
            typed = code.lower().replace("-", "") if n % 2 else code  # as students type it
            phones[seat] = join(shots, live, seat, typed, PHONE)
            if n == 2:
                expect(room.locator("#phones")).to_have_text("3 of 5 phones connected")
                shots.shot(room, "room-joining")
        expect(room.locator("#foot-join")).to_contain_text("5 of 5 phones connected")
        expect(teacher.locator("#roster")).not_to_contain_text(codes["bulganin"])

        for seat, page in phones.items():  # what each knows from the start, and only that
            role = june_1957.roles[seat]
            for known in (k for k in role.knows if k.at is None):
                expect(page.locator("#knows")).to_contain_text(words(known.text)[:60])
            assert_private_to(page, june_1957, seat)
        shots.shot(phones["bulganin"], "phone-role", full=True)

        # the script plays the class on to the straw poll; each envelope opens at its scene
        ballot = live.call(open_request, classroom, "ballot", "secret", "straw_poll")
        voters = [s for s in ballot.roles if s in phones]
        assert voters == ["khrushchev", "molotov", "bulganin", "malenkov"]
        for seat, page in phones.items():
            (envelope,) = [k for k in june_1957.roles[seat].knows if k.at is not None]
            expect(page.locator("#envelopes")).to_contain_text(words(envelope.text)[:60])
            assert_private_to(page, june_1957, seat)
            card = page.locator(".request-ballot")
            expect(card).to_have_count(1 if seat in voters else 0)
        progress = room.locator("#request-list .request-ballot .progress")
        expect(progress).to_have_text(
            "Voted (0 of 4): nobody yet. Waiting for: Nikita Khrushchev, "
            "Vyacheslav Molotov, Nikolai Bulganin, Georgy Malenkov."
        )

        # the phone promises no more secrecy than there is: the teacher's 'reveal' shows a
        # secret ballot's votes, and their reasons, to the whole room
        card = phones["khrushchev"].locator(".request-ballot")
        expect(card).to_contain_text(
            "A secret ballot: only the totals are shown, until the teacher reveals the votes."
        )
        expect(card.locator("label")).to_have_text(
            "Why (optional, up to 280 characters): kept with your vote; the teacher may later "
            "reveal both to the whole room."
        )
        assert "ever shown" not in words(card.text_content())
        tap_vote(phones["khrushchev"], "for", why="KHRUSHCHEV-ALONE-KNOWS-THIS")
        # read as text (a screen reader), the private tag and the line are two phrases
        expect(phones["khrushchev"].locator("#feed .private").last).to_contain_text(
            "Only you see this: Your ballot is in (For)"
        )
        tap_vote(phones["molotov"], "against")
        tap_vote(phones["malenkov"], "against")
        expect(progress).to_have_text(  # who has voted is public; how, never
            "Voted (3 of 4): Nikita Khrushchev, Vyacheslav Molotov, Georgy Malenkov. "
            "Waiting for: Nikolai Bulganin."
        )
        shots.shot(phones["khrushchev"], "phone-secret-ballot")
        phones["khrushchev"].set_viewport_size(SMALL_PHONE)
        shots.shot(phones["khrushchev"], "phone-secret-ballot")
        assert fits(phones["khrushchev"])
        expect(teacher.locator("#request-list")).to_contain_text("Not yet: Nikolai Bulganin")
        shots.shot(room, "room-secret-ballot")
        shots.shot(teacher, "teacher-secret-ballot")

        # Bulganin's phone sleeps before voting
        sleeper = phones["bulganin"]
        sleeper.context.set_offline(True)
        live.drop("bulganin")
        expect(sleeper.locator("#connection")).to_have_text("Reconnecting…")
        shots.shot(sleeper, "phone-asleep")

        card = teacher.locator(".teacher-request", has_text=ballot.title)
        expect(card).not_to_contain_text(ballot.request)  # its title, not the game's id
        card.get_by_role("button", name="Close now").click()  # 'close plenum_straw_poll'
        vote = vote_shown(live, room, "A secret straw poll of the plenum")
        assert vote.ballots == () and vote.abstentions >= 1  # Bulganin's missing vote
        expect(room.locator("#result")).to_contain_text(result_line(vote))
        expect(room.locator("#request-list")).not_to_contain_text("straw poll")
        for seat in ("khrushchev", "zhukov"):
            expect(phones[seat].locator("#feed")).to_contain_text(result_line(vote))
        expect(sleeper.locator("#feed")).not_to_contain_text(result_line(vote))
        shots.shot(room, "room-secret-result")
        shots.shot(teacher, "teacher-secret-result")

        sleeper.context.set_offline(False)  # it wakes: what it missed is there
        expect(sleeper.locator("#connection")).to_have_text("Connected")
        expect(sleeper.locator("#feed")).to_contain_text(result_line(vote))
        expect(sleeper.locator(".request-ballot")).to_have_count(0)
        sleeper.locator("#feed-box").scroll_into_view_if_needed()
        shots.shot(sleeper, "phone-woke")

        # the totals only, anywhere but Khrushchev's own phone
        room_text = words(room.locator("body").text_content())
        assert "The ballot was secret: only the totals are shown." in room_text
        for page in (room, teacher, *(p for s, p in phones.items() if s != "khrushchev")):
            text = words(page.locator("body").text_content())
            assert "KHRUSHCHEV-ALONE-KNOWS-THIS" not in text
            for seat in voters:
                name = live.classroom.keys[seat].name
                assert f"{name} votes for" not in text and f"{name} votes against" not in text
        assert_private_to(room, june_1957, None)

        # the teacher reveals it: the room shows each vote and its reason, in the vote's
        # box (which no longer calls it secret) and in the feed, whole or with "More below",
        # on the projector left open and on one opened afterwards, at both sizes
        live.teacher("reveal plenum_straw_poll yes")
        fresh = shots.open(live.url + "/room", PROJECTOR_SMALL)
        for page in (room, fresh):
            expect(page.locator("#feed")).to_contain_text(
                "Nikita Khrushchev votes for: KHRUSHCHEV-ALONE-KNOWS-THIS"
            )
            page.wait_for_function(ALL_OR_MORE, arg=".room-feed .feed-scroll", timeout=WAIT_MS)
            box = page.locator("#result")
            expect(box).to_contain_text("A secret ballot, revealed by the teacher.")
            expect(box).not_to_contain_text("The ballot was secret")
            # Khrushchev's own words are quoted beside his name; Bulganin's ballot was not in,
            # and the reason the game gave him is not presented as his (the feed has it)
            expect(box.locator(".way", has_text="For: ")).to_contain_text(
                'Nikita Khrushchev ("KHRUSHCHEV-ALONE-KNOWS-THIS")'
            )
            expect(box.locator(".why")).to_have_count(1)
            page.wait_for_function(ALL_OR_MORE, arg="#side", timeout=WAIT_MS)
            shots.shot(page, "room-revealed")
        assert_private_to(fresh, june_1957, None)
        # the feeds keep the line that said only the totals were shown, marked as overtaken;
        # the revealed entry says so at its head
        for page in (teacher, phones["zhukov"]):
            feed = page.locator("#feed")
            revealed = feed.locator(".entry-vote", has_text="Vote revealed by the teacher: ")
            expect(revealed).to_have_count(1)
            expect(revealed).to_contain_text(
                "The teacher has revealed this secret ballot: each vote, and its reason."
            )
            earlier = feed.locator(".entry-vote.superseded")
            expect(earlier).to_have_count(1)
            expect(earlier).to_contain_text("The ballot was secret: only the totals are shown.")
            expect(earlier).to_contain_text("Since revealed by the teacher: see below.")
        shots.shot(teacher, "teacher-revealed", full=True)
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def until_open(classroom: Any, request: str) -> None:
    """The teacher closes what is open, in turn (the script decides), until ``request`` opens."""
    game = classroom.session.game
    for _ in range(200):
        if request in game.requests:
            return
        classroom.teacher_line(f"close {next(iter(game.requests))}")
    raise AssertionError(f"{request} never opened")


def test_simultaneous_ballot_shows_who_voted_not_how_and_a_sleeping_phone_still_votes(
    shots: Screens, june_1957: Scenario
) -> None:
    """The showdown of 18 June is simultaneous: the room sees who has voted as it happens
    and how only at the close. Khrushchev's phone sleeps through the ballot's opening, wakes
    to find it, and votes."""
    classroom = new_classroom(june_1957, 5)
    codes = {seat: keys.code for seat, keys in classroom.keys.items() if seat != "zhukov"}
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        small = shots.open(live.url + "/room", PROJECTOR_SMALL)
        phones = {seat: join(shots, live, seat, code, PHONE) for seat, code in codes.items()}
        live.call(until_open, classroom, "tuesday_afternoon:decision")
        sleeper = phones["khrushchev"]
        expect(sleeper.locator(".request-decision")).to_have_count(1)
        sleeper.context.set_offline(True)
        live.drop("khrushchev")
        expect(sleeper.locator("#connection")).to_have_text("Reconnecting…")

        live.teacher("close tuesday_afternoon:decision")  # the script decides; the ballot opens
        for seat in ("molotov", "bulganin", "malenkov"):
            expect(phones[seat].locator(".request-ballot")).to_have_count(1)
        expect(phones["molotov"].locator(".request-ballot label")).to_have_text(
            "Why (optional, up to 280 characters): the whole room sees it with your vote when "
            "the ballot closes."
        )
        tap_vote(phones["molotov"], "for", why="MOLOTOV-GIVES-HIS-REASON")
        tap_vote(phones["bulganin"], "against")
        progress = room.locator("#request-list .progress")
        expect(progress).to_contain_text(
            "Voted (2 of 4): Vyacheslav Molotov, Nikolai Bulganin. "
            "Waiting for: Nikita Khrushchev, Georgy Malenkov."
        )
        text = words(room.locator("body").text_content())
        assert "votes for" not in text and "votes against" not in text
        assert "MOLOTOV-GIVES-HIS-REASON" not in text
        shots.shot(room, "room-who-voted")

        sleeper.context.set_offline(False)
        expect(sleeper.locator("#connection")).to_have_text("Connected")
        expect(sleeper.locator(".request-decision")).to_have_count(0)
        tap_vote(sleeper, "against")
        shots.shot(sleeper, "phone-voted-after-waking")
        expect(progress).to_contain_text("Voted (3 of 4)")
        tap_vote(phones["malenkov"], "abstain", last=True)  # and the ballot closes

        vote = vote_shown(live, room, "The Presidium turns on Khrushchev")
        feed = room.locator("#feed")
        expect(feed).to_contain_text(result_line(vote))
        for line in (
            "Vyacheslav Molotov votes for: MOLOTOV-GIVES-HIS-REASON",
            "Nikolai Bulganin votes against",
            "Nikita Khrushchev votes against",
            "Georgy Malenkov abstains",
        ):
            expect(feed).to_contain_text(line)
        # how each voted stays in the vote's box when the next scene opens and the feed
        # moves on; the feed shows whole entries only
        expect(room.locator("#scene-title")).not_to_have_text("Seven against four?")
        ways = room.locator("#result .ballot-ways")
        for way, name in (
            ("For: ", "Vyacheslav Molotov"),
            ("Against: ", "Nikolai Bulganin"),
            ("Against: ", "Nikita Khrushchev"),
            ("Abstained: ", "Georgy Malenkov"),
        ):
            expect(ways.locator(".way", has_text=way)).to_contain_text(name)
        # and why, as the phone promised ("the whole room sees it with your vote")
        expect(ways.locator(".way", has_text="For: ")).to_contain_text(
            'Vyacheslav Molotov ("MOLOTOV-GIVES-HIS-REASON")'
        )
        # the vote is of the last scene, and the class now decides on the next one: at both
        # projector sizes, beside the join QR (Zhukov has no phone) and the next decision,
        # the scene's start and how each voted are on the screen (the scene's text may end
        # in "More below": see the next test)
        for page in (room, small):
            expect(page.locator("#join")).to_be_visible()
            expect(page.locator("#request-list .room-request")).to_have_count(1)
            in_sight(page, "#scene-title")
            page.wait_for_function(ALL_OR_MORE, arg="#scene", timeout=WAIT_MS)
            page.wait_for_function(HOW_EACH_VOTED, arg=False, timeout=WAIT_MS)
            in_sight(page, "#request-list .room-request")
            page.wait_for_function(ALL_OR_MORE, arg="#side", timeout=WAIT_MS)
            shots.shot(page, "room-how-they-voted")
        in_sight(room, "#result .ballot-ways .why")
        assert_private_to(room, june_1957, None)
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_countdown_runs_out_and_the_missing_voters_abstain(
    shots: Screens, june_1957: Scenario
) -> None:
    """The teacher gives the ballot two seconds; when they run out the server closes it, and
    the two voters who did not vote count by the vote's rule (abstain)."""
    classroom = new_classroom(june_1957, 5)
    codes = {seat: classroom.keys[seat].code for seat in ("khrushchev", "molotov")}
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        phones = {seat: join(shots, live, seat, code, PHONE) for seat, code in codes.items()}
        ballot = live.call(open_request, classroom, "ballot")
        assert ballot.request == "presidium_count:ballot"
        expect(room.locator("#request-list .countdown")).to_contain_text("Time left: 1:")
        tap_vote(phones["molotov"], "for", why="MOLOTOV-OWN-WORDS")
        tap_vote(phones["khrushchev"], "against")
        shots.shot(room, "room-countdown")
        (said,) = live.teacher(f"time {ballot.request} 2s")
        assert said.startswith("The ballot 'The Presidium turns on Khrushchev': 0:0"), said

        vote = vote_shown(live, room, "The Presidium turns on Khrushchev")
        closed = [e for e in live.events(ev.RequestClosed) if e.request == ballot.request]
        assert [c.by for c in closed] == ["timer"]
        missing = {b.name: b.vote for b in vote.ballots if b.voter in ("bulganin", "malenkov")}
        assert missing == {"Nikolai Bulganin": "abstain", "Georgy Malenkov": "abstain"}
        for page in (room, *phones.values()):
            feed = page.locator("#feed")
            expect(feed).to_contain_text(result_line(vote))
            expect(feed).to_contain_text("Nikolai Bulganin abstains")
            expect(page.locator(".request-ballot, .room-request.request-ballot")).to_have_count(0)
        # on the projector only a student's own words are quoted: the reason the game
        # gave Bulganin and Malenkov, who did not vote, is not theirs (the feed has it)
        ways = room.locator("#result .ballot-ways")
        expect(ways.locator(".way", has_text="For: ")).to_contain_text(
            'Vyacheslav Molotov ("MOLOTOV-OWN-WORDS")'
        )
        abstained = ways.locator(".way", has_text="Abstained: ")
        expect(abstained).to_contain_text("Nikolai Bulganin")
        expect(abstained).to_contain_text("Georgy Malenkov")
        expect(abstained.locator(".why")).to_have_count(0)
        for one in vote.ballots:
            if one.voter in ("bulganin", "malenkov"):
                expect(room.locator("#result")).not_to_contain_text(one.reason)
        shots.shot(phones["molotov"], "phone-time-ran-out")
        shots.shot(room, "room-time-ran-out")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_more_time_given_by_the_teacher_reaches_the_room(
    shots: Screens, june_1957: Scenario
) -> None:
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        ballot = live.call(open_request, classroom, "ballot")
        countdown = room.locator("#request-list .countdown")
        expect(countdown).to_contain_text("Time left: 1:")
        live.teacher(f"time {ballot.request} +1m")
        expect(countdown).to_contain_text("Time left: 2:", timeout=4000)


def seconds_left(countdown: Any) -> int:
    """The seconds a countdown shows ("Time left: 1:07" is 67)."""
    found = re.search(r"Time left: (\d+):(\d\d)", countdown.text_content() or "")
    assert found, countdown.text_content()
    return int(found.group(1)) * 60 + int(found.group(2))


def test_a_vote_does_not_wind_the_projector_s_or_the_teacher_s_countdown_back(
    shots: Screens, june_1957: Scenario
) -> None:
    """The room's and the teacher's pages draw a vote's progress from its event, drawing the
    ballot's card again: its countdown goes on from where it was. It went back to the time
    left when the ballot's state came, at every vote: the projector ended minutes ahead of the
    phones, still counting when the ballot closed."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        teacher = shots.open(f"{live.url}/teacher#key={live.key}", LAPTOP)
        phone = join(shots, live, "molotov", classroom.keys["molotov"].code, PHONE)
        live.call(open_request, classroom, "ballot")
        countdowns = {
            "room": room.locator("#request-list .countdown"),
            "teacher": teacher.locator(".countdown"),
            "phone": phone.locator(".request-ballot .countdown"),
        }
        for countdown in countdowns.values():
            expect(countdown).to_contain_text("Time left: 1:")
        before = {page: seconds_left(countdown) for page, countdown in countdowns.items()}
        time.sleep(3)
        tap_vote(phone, "for")
        expect(room.locator("#request-list .progress")).to_contain_text("Voted (1 of 4)")
        expect(teacher.locator(".progress")).to_contain_text("1 of 4")
        after = {page: seconds_left(countdown) for page, countdown in countdowns.items()}
        for page in countdowns:
            assert after[page] <= before[page] - 2, (page, before, after)
        assert max(after.values()) - min(after.values()) <= 1, after  # the pages agree
        shots.shot(room, "room-countdown-after-a-vote")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_a_room_page_left_open_across_a_resume_keeps_its_feed_and_follows_the_class(
    shots: Screens, tmp_path: Path
) -> None:
    """The teacher types ``quit`` and later ``class serve --resume`` on the same port: the
    projector's page, left open, keeps what happened, holds its countdown while the server
    is off, then shows what the resumed server says (more time given after the resume too);
    reloaded, or opened afresh, it shows the same recent history."""
    env = dict(os.environ, PRESIDIUM_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    port = free_port()
    feed = "#feed > *"
    with _serving(["june_1957", "--students", "5", "--seed", "3"], env, port) as (server, http):
        room = shots.open(f"http://127.0.0.1:{port}/room", PROJECTOR)
        expect(room.locator("#connection")).to_have_text("Connected")
        countdown = room.locator("#request-list .countdown")
        seq = int(http.get("/api/state").json()["seq"])
        for _ in range(40):
            if any(r["remaining_ms"] for r in http.get("/api/state").json()["requests"]):
                break
            seq = _console(server, http, "close", seq)
        # two changes that are no game event: this server's states are at revision 2
        _console(server, http, "time 5m", seq, revision=True)
        _console(server, http, "time +1m", seq, revision=True)
        expect(countdown).to_contain_text("Time left: 5:5")
        before = room.locator(feed).all_inner_texts()
        assert len(before) > 10
        _quit(server)
    expect(room.locator("#connection")).to_have_text("Server stopped")
    expect(countdown).to_contain_text("held while the server is stopped")
    held = countdown.inner_text()
    room.wait_for_timeout(1500)
    assert countdown.inner_text() == held
    (place,) = (tmp_path / "data" / "classes").iterdir()
    with _serving(["--resume", str(place)], env, port) as (server, http):
        # the page looks again every 10 s; a network that comes back makes it look at once
        room.evaluate("window.dispatchEvent(new Event('online'))")
        expect(room.locator("#connection")).to_have_text("Connected")
        expect(countdown).not_to_contain_text("held")
        expect(countdown).to_contain_text("Time left: 5:")
        assert room.locator(feed).all_inner_texts() == before
        _console(server, http, "time 9m", seq, revision=True)  # revision 1 of this run
        expect(countdown).to_contain_text("Time left: 8:5")
        shots.shot(room, "room-after-resume")
        room.reload()
        expect(room.locator("#connection")).to_have_text("Connected")
        expect(room.locator(feed)).to_have_count(len(before))
        assert room.locator(feed).all_inner_texts() == before
        fresh = shots.open(f"http://127.0.0.1:{port}/room", PROJECTOR)
        expect(fresh.locator(feed)).to_have_count(len(before))
        assert fresh.locator(feed).all_inner_texts() == before
        _quit(server)
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_a_phone_comes_back_when_its_class_is_resumed_without_saying_the_port(
    shots: Screens, tmp_path: Path
) -> None:
    """Teacher report 6, item 1: served on a port of the teacher's choosing, stopped with
    'quit' and resumed with no --port, the class came back on the default port, and the
    phones stayed on "Server stopped" for good. Now the resume takes back the session's own
    port (and host), and the phone's page, left open, reconnects by itself, signed in."""
    import re

    env = dict(os.environ, PRESIDIUM_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    port = free_port()
    with _serving(["june_1957", "--students", "5", "--seed", "3"], env, port) as (server, _):
        (place,) = (tmp_path / "data" / "classes").iterdir()
        sheets = (place / "sheets.html").read_text(encoding="utf-8")
        (code,) = set(re.findall(r"\bMOLO-[0-9A-Z]{5}\b", sheets))
        phone = shots.open(f"http://127.0.0.1:{port}/", SMALL_PHONE)
        phone.locator("#code").fill(code)
        phone.locator("#join-button").click()
        expect(phone.locator("#role-name")).to_have_text("Vyacheslav Molotov")
        expect(phone.locator("#connection")).to_have_text("Connected")
        _quit(server)
    expect(phone.locator("#connection")).to_have_text("Server stopped")
    with _serving(["--resume", str(place)], env, port, given=False) as (server, _):
        # the page looks again every 10 s; a network that comes back makes it look at once
        phone.evaluate("window.dispatchEvent(new Event('online'))")
        expect(phone.locator("#connection")).to_have_text("Connected")
        expect(phone.locator("#role-name")).to_have_text("Vyacheslav Molotov")
        expect(phone.locator("#stopped")).to_be_hidden()
        shots.shot(phone, "phone-back-on-its-port")
        _quit(server)
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_a_stopped_server_holds_the_phone_s_buttons_until_the_class_resumes(
    shots: Screens, june_1957: Scenario
) -> None:
    """The teacher stops the server with a ballot open: the phone's buttons stay in sight
    but disabled, with a line that says why and that the page comes back by itself; the
    class started again on the same port, the same page votes, with no reload."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        port = live.port
        phone = join(shots, live, "molotov", classroom.keys["molotov"].code, SMALL_PHONE)
        live.call(until_open, classroom, "tuesday_afternoon:decision")
        live.teacher("close tuesday_afternoon:decision")  # the script decides; the ballot opens
        expect(phone.locator(".request-ballot")).to_have_count(1)
    expect(phone.locator("#connection")).to_have_text("Server stopped")  # told 'bye'
    notice = phone.locator("#stopped")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("The teacher has stopped")
    expect(notice).to_contain_text("reconnects by itself")
    expect(phone.locator(".request-ballot .stopped-line")).to_have_text(
        "The teacher has stopped the class. This page reconnects by itself when it resumes."
    )  # beside the buttons, which may be far below the notice
    held = phone.locator(".request-ballot button, #note-form button:visible")
    assert held.count() >= 3  # for, against, abstain (and the note's, if the role has notes)
    for n in range(held.count()):
        expect(held.nth(n)).to_be_visible()
        expect(held.nth(n)).to_be_disabled()
    assert "Wi-Fi" not in words(phone.locator("body").text_content())
    shots.shot(phone, "phone-server-stopped")
    phone.locator(".request-ballot button").first.scroll_into_view_if_needed()
    shots.shot(phone, "phone-server-stopped-buttons")
    with LiveClass(classroom, port):
        expect(phone.locator("#connection")).to_have_text("Connected", timeout=25_000)
        expect(notice).to_be_hidden()
        expect(phone.locator(".stopped-line")).to_have_count(0)
        for n in range(held.count()):
            expect(held.nth(n)).to_be_enabled()
        tap_vote(phone, "for")  # the same page, not reloaded
        shots.shot(phone, "phone-class-resumed")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


# ---------------------------------------------------------------------- scenario text is text


def hostile_scenario(folder: Path) -> Scenario:
    """The classroom test scenario with HTML and script in its title, a scene, an actor's
    name, a choice, a role's brief and what it knows."""
    text = (ROOT / "tests" / "fixtures" / "classroom.yaml").read_text(encoding="utf-8")
    for old, new in (
        ('title: "At the Door, in Class"', f'title: "At the Door {HOSTILE_IMG}"'),
        ("name: Vyacheslav Molotov", f'name: "Molotov {HOSTILE_SCRIPT}"'),
        (
            "Central Committee members are gathered",
            f"Central Committee members {HOSTILE_IMG} are gathered",
        ),
        ('label: "Refuse to receive them"', f'label: "Refuse {HOSTILE_SCRIPT}"'),
        ('brief: "First Secretary.', f'brief: "First Secretary {HOSTILE_IMG}.'),
        ('- text: "Mikoyan has already', f'- text: "{HOSTILE_SCRIPT} Mikoyan has already'),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    scenario, warnings = load_scenario(path, "hostile.yaml")
    assert warnings == []
    return scenario


def test_xss_scenario_text_shows_literally_and_runs_nothing(shots: Screens, tmp_path: Path) -> None:
    """Markup in a scenario reaches every page as text: shown as typed, no element made, no
    script run, no dialog, and nothing for the Content-Security-Policy to block, which is
    in force (a script the test itself injects is refused, and reported)."""
    classroom = new_classroom(hostile_scenario(tmp_path), 3)
    codes = {seat: keys.code for seat, keys in classroom.keys.items()}
    assert list(codes) == ["khrushchev", "molotov", "bulganin"]
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        teacher = shots.open(f"{live.url}/teacher#key={live.key}", LAPTOP)
        khrushchev = join(shots, live, "khrushchev", codes["khrushchev"], PHONE)
        molotov = shots.open(live.url + "/", SMALL_PHONE)
        molotov.locator("#code").fill(codes["molotov"])
        molotov.locator("#join-button").click()
        expect(molotov.locator("#role-name")).to_have_text(f"Molotov {HOSTILE_SCRIPT}")

        expect(khrushchev.locator("#role-brief")).to_contain_text(HOSTILE_IMG)
        expect(khrushchev.locator("#knows")).to_contain_text(HOSTILE_SCRIPT)
        expect(khrushchev.locator("#scenario-title")).to_have_text(f"At the Door {HOSTILE_IMG}")
        live.teacher("close the_door:floor")  # the floor first, then Molotov's decision
        choice = molotov.locator(".request-decision button", has_text="Refuse")
        expect(choice).to_contain_text(f"Refuse {HOSTILE_SCRIPT}")
        expect(room.locator("#scene-text")).to_contain_text(HOSTILE_IMG)
        expect(room.locator("#request-list")).to_contain_text(f"Molotov {HOSTILE_SCRIPT}")
        expect(teacher.locator("#roster")).to_contain_text(f"Molotov {HOSTILE_SCRIPT}")
        molotov.locator("#scene-more summary").click()
        expect(molotov.locator("#scene-text")).to_contain_text(HOSTILE_IMG)
        shots.shot(khrushchev, "phone-hostile")
        shots.shot(molotov, "phone-hostile")
        shots.shot(room, "room-hostile")
        shots.shot(teacher, "teacher-hostile")

        pages = (room, teacher, khrushchev, molotov)
        for page in pages:
            assert page.locator("img[src='x']").count() == 0
            scripts = page.evaluate("[...document.scripts].map(s => s.getAttribute('src'))")
            assert scripts and all(src and src.startswith("/static/") for src in scripts)
        assert shots.watched.csp == [] and shots.watched.dialogs == []

        # the policy is in force: a script put in the page is refused, and reported
        ran = room.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.injected = 1'; document.body.appendChild(s);"
            " return window.injected === 1; }"
        )
        assert ran is False
        expect(room.locator("body")).to_be_visible()
        room.wait_for_timeout(200)
        assert len(shots.watched.csp) == 1, shots.watched.csp
    assert shots.watched.errors == [] and shots.watched.dialogs == []


# ---------------------------------------------------------------------- the phone's cards


def test_advice_is_confirmed_on_the_adviser_s_card_even_after_a_reload(
    shots: Screens, june_1957: Scenario
) -> None:
    """Malenkov advises Molotov's first decision: his card says at once that his advice is
    given and marks the choice, as a ballot confirms a vote, and still does after a reload;
    Molotov's card shows the advice."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        molotov = join(shots, live, "molotov", classroom.keys["molotov"].code, SMALL_PHONE)
        malenkov = join(shots, live, "malenkov", classroom.keys["malenkov"].code, SMALL_PHONE)
        card = malenkov.locator(".request-decision")
        expect(card).to_contain_text("Your advice to the one who decides")
        first = card.locator("button.choice").first
        label = words(first.text_content()).split(". ", 1)[1]
        first.click()
        said = card.locator(".said")
        expect(said).to_contain_text("Your advice is given: ")
        expect(card.locator("button[aria-pressed='true']")).to_have_count(1)
        expect(card.locator("button[aria-pressed='true']")).to_contain_text("(your advice)")
        expect(molotov.locator(".request-decision .advice")).to_contain_text(
            "Georgy Malenkov advises"
        )
        said.scroll_into_view_if_needed()
        shots.shot(malenkov, "phone-advice-given")
        malenkov.reload()
        expect(malenkov.locator(".request-decision .said")).to_contain_text(
            "Your advice is given: " + label.split(" (")[0]
        )
        expect(malenkov.locator(".request-decision button[aria-pressed='true']")).to_have_count(1)
    assert shots.watched.errors == [] and shots.watched.dialogs == []


@contextlib.contextmanager
def two_phones_on_a_bench(
    shots: Screens, june_1957: Scenario, students: int
) -> Iterator[tuple[LiveClass, ev.RequestOpened, Page, Page]]:
    """A benches class of ``students`` served live, and two phones joined on the bench that
    decides the first request (with the bench's shared code): the class, that request and
    the two phones."""
    session = Session.new(june_1957, seating.benches(june_1957, students), 7)
    classroom = Classroom(session)
    classroom.deal_codes()
    with LiveClass(classroom) as live:
        request = next(iter(session.game.requests.values()))
        bench = request.roles[0]
        code = classroom.keys[bench].code
        yield (
            live,
            request,
            join(shots, live, bench, code, SMALL_PHONE),
            join(shots, live, bench, code, SMALL_PHONE),
        )


def test_a_bench_phone_reloaded_still_marks_the_hand_it_raised(
    shots: Screens, june_1957: Scenario
) -> None:
    """A raised hand is a device's own (each student of the bench raises one; the bench's
    state is every phone's): the phone that raised its hand, reloaded, marks it again and
    says so, while the bench's other phone marks none (it lost the mark, though the hand
    still counted)."""
    with two_phones_on_a_bench(shots, june_1957, 4) as (_live, _request, raiser, other):
        chosen = raiser.locator(".request-decision button[aria-pressed='true']")
        raiser.locator(".request-decision button.choice").nth(1).click()
        expect(chosen).to_have_count(1)
        raiser.reload()
        expect(raiser.locator("#connection")).to_have_text("Connected")
        expect(chosen).to_have_count(1)
        expect(chosen).to_contain_text("(your hand)")
        expect(raiser.locator(".request-decision")).to_contain_text("Your hand is up for: ")
        expect(other.locator(".request-decision button.choice").first).to_be_visible()
        expect(other.locator(".request-decision button[aria-pressed='true']")).to_have_count(0)
        shots.shot(raiser, "phone-hand-after-reload")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_a_bench_with_no_class_size_waits_for_each_of_its_phones(
    shots: Screens, june_1957: Scenario
) -> None:
    """Benches dealt with no class size (``class serve --benches``): a bench is as many as
    have joined it. The first of its two phones to raise a hand does not decide: both phones
    and the room say "1 of 2 hands raised."; the second hand decides."""
    students = len(june_1957.sides)  # a bench a side: no class size given
    with two_phones_on_a_bench(shots, june_1957, students) as (live, request, first, second):
        session = live.classroom.session
        room = shots.open(f"{live.url}/room", LAPTOP)
        first.locator(".request-decision button.choice").nth(0).click()
        for page in (first, second):
            expect(page.locator(".request-decision .vote-count")).to_have_text(
                "1 of 2 hands raised."
            )
        expect(room.get_by_text("1 of 2 hands raised.")).to_be_visible()
        assert request.request in session.game.requests
        shots.shot(second, "phone-bench-hands-1-of-2")
        second.locator(".request-decision button.choice").nth(0).click()
        expect(room.get_by_text("1 of 2 hands raised.")).to_have_count(0)
        assert request.request not in session.game.requests
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_a_teacher_page_left_open_across_a_restart_drops_its_stopped_banner(
    shots: Screens, june_1957: Scenario
) -> None:
    """The server stops, and starts again with a new teacher key: the teacher's page left
    open says the server stopped, then, once the server is back, that its key is no longer
    accepted, and no longer that the server is stopped."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        port = live.port
        teacher = shots.open(f"{live.url}/teacher#key={live.key}", LAPTOP)
        expect(teacher.locator("#desk")).to_be_visible()
        # its stream is open, so the server's goodbye reaches it (a page still connecting
        # when the server stops only finds it gone)
        expect(teacher.locator("#connection")).to_have_text("Connected")
    banner = teacher.locator("#stopped")
    expect(banner).to_be_visible()
    expect(teacher.locator("#connection")).to_have_text("Server stopped")
    # the page's stream stays shut: its slow look at the state (every 10 s) finds the new
    # server first, as it did in the teacher's try
    teacher.route("**/api/stream**", lambda route: route.abort())
    with LiveClass(classroom, port) as again:  # a new key, as 'class serve --resume' deals
        expect(teacher.locator("#login-error")).to_have_text(
            "The key is no longer accepted: open the teacher link again.", timeout=25_000
        )
        expect(teacher.locator("#connection")).to_have_text("Not signed in")
        expect(banner).to_be_hidden()
        shots.shot(teacher, "teacher-after-restart")
        # the new teacher link, opened in this same tab as the page asks: only the address's
        # #key changes (no new load), and the page signs in and takes the key out at once
        teacher.unroute("**/api/stream**")
        teacher.goto(f"{again.url}/teacher#key={again.key}")
        expect(teacher.locator("#desk")).to_be_visible()
        expect(teacher.locator("#connection")).to_have_text("Connected")
        assert "key=" not in teacher.url and again.key not in teacher.url
        assert teacher.evaluate("performance.getEntriesByType('navigation').length") == 1
        shots.shot(teacher, "teacher-signed-in-again")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_the_teacher_s_roster_fits_a_phone(shots: Screens, june_1957: Scenario) -> None:
    """At 360 pixels the roster's rows stack: each role's code, whether it is connected and
    its buttons (Script or Seat, Reseat) are in sight, with no sideways scrolling anywhere."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        join(shots, live, "molotov", classroom.keys["molotov"].code, PHONE)
        live.teacher("script zhukov")
        teacher = shots.open(f"{live.url}/teacher#key={live.key}", SMALL_PHONE)
        roster = teacher.locator("#roster")
        expect(roster.locator("tr")).to_have_count(5)
        expect(roster).to_contain_text("connected")
        roster.scroll_into_view_if_needed()
        shots.shot(teacher, "teacher-roster")
        # every cell and button within the screen's width, measured at once (the roster is
        # drawn again whenever the state changes)
        outside = teacher.evaluate(
            """() => [...document.querySelectorAll('#roster td, #roster button')]
                .map(e => [e.textContent, e.getBoundingClientRect()])
                .filter(([t, r]) => r.left < 0 || r.right > window.innerWidth || !r.width)
                .map(([t, r]) => t + ' ' + r.left + '-' + r.right)"""
        )
        assert outside == []
        assert teacher.locator("#roster button").count() == 10  # Script or Seat, and Reseat
        scroller = teacher.locator(".table-scroll")
        assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth")
        assert fits(teacher)
        row = roster.locator("tr", has_text="Zhukov")
        expect(row).to_contain_text("Join code")
        expect(row).to_contain_text("played by the script")
        expect(row.get_by_role("button", name="Seat", exact=True)).to_be_visible()
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_a_countdown_is_in_sight_when_a_phone_has_two_things_open(
    shots: Screens, june_1957: Scenario
) -> None:
    """Molotov has his decision open when the teacher opens the secret straw poll with its
    countdown: on a 360-pixel phone the page says two things are open, and the one that
    closes on its own, with its countdown, comes first, in sight without scrolling."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        phone = join(shots, live, "molotov", classroom.keys["molotov"].code, SMALL_PHONE)
        live.call(until_open, classroom, "last_word:decision")  # Molotov's last word
        live.teacher("inject straw_poll")  # the secret straw poll, with its countdown
        ballot = [r for r in live.events(ev.RequestOpened) if r.kind == "ballot"][-1]
        assert ballot.ballot == "secret" and "molotov" in ballot.roles
        cards = phone.locator("#request-list .request")
        expect(cards).to_have_count(2)
        expect(cards.first).to_have_class("card request request-ballot")
        countdown = cards.first.locator(".countdown")
        expect(countdown).to_contain_text("Time left: ")
        index = phone.locator("#request-index")
        expect(index).to_be_visible()
        expect(index).to_contain_text("2 things are open for you")
        expect(index).to_contain_text(ballot.title)
        expect(index).to_contain_text("Time left: ")
        phone.evaluate("window.scrollTo(0, 0)")
        box = index.locator(".countdown").first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= SMALL_PHONE["height"]
        shots.shot(phone, "phone-two-open")
        index.locator("a").nth(1).click()  # the decision, below
        assert fits(phone)
        shots.shot(phone, "phone-two-open-decision")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


# ---------------------------------------------------------------------- the projector

PROJECTOR_SMALL = {"width": 1280, "height": 720}
PROJECTOR_4_3 = {"width": 1024, "height": 768}

IN_SIGHT = """(selector) => {
    const e = document.querySelector(selector);
    if (!e || !e.offsetParent) return false;
    const r = e.getBoundingClientRect();
    for (let p = e.parentElement; p; p = p.parentElement) {
        if (/(auto|scroll|hidden)/.test(getComputedStyle(p).overflowY)) {
            const q = p.getBoundingClientRect();
            if (r.top < q.top - 1 || r.bottom > q.bottom + 1) return false;
        }
    }
    return r.top >= 0 && r.bottom <= window.innerHeight;
}"""

NOTHING_MORE = """(selector) => {
    // the box holds nothing that is not on the screen (no "More below")
    const box = document.querySelector(selector);
    return box.scrollHeight <= box.clientHeight + 1 && !box.classList.contains('more');
}"""

ALL_OR_MORE = """(selector) => {
    // all that the box holds is on the screen, or it says there is more ("More below")
    const box = document.querySelector(selector);
    if (box.scrollHeight > box.clientHeight + 1 && !box.classList.contains('more')) return false;
    const r = box.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight + 1;
}"""

WHOLE_FEED = """() => {
    const box = document.querySelector('#feed').parentElement.getBoundingClientRect();
    const shown = [...document.querySelectorAll('#feed > li')].filter(e => !e.hidden);
    return shown.length > 0 && shown.every(e => {
        const r = e.getBoundingClientRect();
        return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    });
}"""


HOW_EACH_VOTED = """(whole) => {
    // the vote's box is on the screen with its result, and every line of how each voted
    // (with the students' reasons) is in sight, or (unless ``whole``) the box says there is
    // more ("More below")
    const inSight = (e) => {
        if (!e || !e.offsetParent) return false;
        const r = e.getBoundingClientRect();
        for (let p = e.parentElement; p; p = p.parentElement) {
            if (/(auto|scroll|hidden)/.test(getComputedStyle(p).overflowY)) {
                const q = p.getBoundingClientRect();
                if (r.top < q.top - 1 || r.bottom > q.bottom + 1) return false;
            }
        }
        return r.top >= 0 && r.bottom <= window.innerHeight;
    };
    const box = document.querySelector('#result');
    const ways = [...box.querySelectorAll('.ballot-ways .way')];
    if (!ways.length || !inSight(box.querySelector('.tally'))) return false;
    if (box.getBoundingClientRect().bottom > window.innerHeight + 1) return false;
    return ways.every(inSight) || (!whole && box.classList.contains('more'));
}"""


def in_sight(page: Any, selector: str) -> None:
    """The whole of ``selector`` is on the screen: not cut off by the page or by a column
    that scrolls (nobody scrolls a projector)."""
    page.wait_for_function(IN_SIGHT, arg=selector, timeout=WAIT_MS)


def test_the_projector_shows_what_is_open_beside_the_join_qr_and_counts_truly(
    shots: Screens, june_1957: Scenario
) -> None:
    """At both projector sizes the join QR and Molotov's open decision are on the screen
    whole; the QR stays (smaller) after the first decision while two roles still have no
    phone, and goes once every role students hold has one; after the bell the foot counts
    the phones still open (never '3 of 0'); the ending is shown whole, as on the phones;
    once the server stops, the foot shows no count, since none is known."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        rooms = [shots.open(live.url + "/room", size) for size in (PROJECTOR_SMALL, PROJECTOR)]
        for room in rooms:
            expect(room.locator("#join")).to_be_visible()
            expect(room.locator("#request-list .room-request")).to_have_count(1)
            in_sight(room, "#join")
            in_sight(room, "#request-list .room-request")
            shots.shot(room, "room-start")
        phones = {
            seat: join(shots, live, seat, classroom.keys[seat].code, PHONE)
            for seat in ("molotov", "malenkov", "bulganin")
        }
        phones["molotov"].locator(".request-decision button.choice").first.click()
        for room in rooms:
            expect(room.locator("#scene-title")).to_have_text("Who takes the chair")
            expect(room.locator("#phones")).to_have_text("3 of 5 phones connected")
            expect(room.locator("#join")).to_be_visible()  # Khrushchev and Zhukov: no phone
            expect(room.locator("#join")).to_have_class("join-panel join-compact")
            in_sight(room, "#join")
            in_sight(room, "#request-list .room-request")
            room.wait_for_function(WHOLE_FEED)
            shots.shot(room, "room-after-first-decision")
        live.teacher("script khrushchev")
        live.teacher("script zhukov")
        for room in rooms:
            expect(room.locator("#join")).to_be_hidden()
            expect(room.locator("#foot-join")).to_have_text(
                f"Join: {live.url}/ (3 of 3 phones connected)"
            )
        live.teacher("conclude")
        (ended,) = live.events(ev.GameEnded)
        for room in rooms:
            expect(room.locator("#ended")).to_contain_text(words(ended.text)[:80])
            expect(room.locator("#ended")).to_contain_text("What became of them")
            expect(room.locator("#foot-join")).to_have_text(
                f"Join: {live.url}/ (3 phones connected)"
            )
            expect(room.locator(".room-feed")).to_be_hidden()
            # all of it on the screen, or a sign that there is more, which the teacher scrolls
            room.wait_for_function(
                "() => { const s = document.querySelector('#scene');"
                " return s.scrollHeight <= s.clientHeight + 1 || s.classList.contains('more'); }"
            )
            shots.shot(room, "room-ending")
        assert_private_to(rooms[0], june_1957, None)
        for room in rooms:  # the objectives are not public yet
            expect(room.locator("#ended")).not_to_contain_text("Objectives")
        ending = phones["molotov"].locator("#ended")
        # one account with the feed, which holds Molotov's own result already
        expect(phones["molotov"].locator("#feed .private.entry-objectives")).to_contain_text(
            "Objectives: Vyacheslav Molotov"
        )
        expect(ending).to_contain_text(
            "Your own objectives, and how you did, are in the feed below: only you see them. "
            "The teacher may reveal every role's to the whole room."
        )
        expect(ending).not_to_contain_text("once the teacher reveals them")
        teacher = shots.open(f"{live.url}/teacher#key={live.key}", LAPTOP)
        expect(teacher.locator("#scene-line")).to_contain_text("the objectives.")

        # 'reveal' promised every role's objectives, and whether each was met, "on the
        # projector": under the ending, on the rooms left open and on one opened now
        live.teacher("reveal yes")
        scored = [e for e in live.events(ev.ObjectivesScored) if not e.to]
        assert scored
        rooms.append(shots.open(live.url + "/room", PROJECTOR_SMALL))
        for room in rooms:
            objectives = room.locator("#ended .room-objectives")
            for one in scored:
                expect(objectives.locator("h4", has_text=one.name)).to_have_count(1)
                expect(objectives).to_contain_text(words(one.results[0].text)[:40])
            # the page switches to them: the heading and the first role's objectives on
            # the screen at once, in the projector's type, and the rest whole or "More below"
            expect(room.locator("#scene-text")).to_be_hidden()
            in_sight(room, "#ended .room-objectives h3")
            in_sight(room, "#ended .objective-roles > li:first-child")
            # (the page's own type, made at most a fifth smaller to fit, as every column is)
            size, page = room.evaluate(
                "[parseFloat(getComputedStyle(document.querySelector('.objective')).fontSize),"
                " parseFloat(getComputedStyle(document.body).fontSize)]"
            )
            assert size >= 0.79 * page and size >= 15, (size, page)
            room.wait_for_function(ALL_OR_MORE, arg="#scene", timeout=WAIT_MS)
            shots.shot(room, "room-objectives")
        expect(ending).to_contain_text(
            "Every role's objectives, and whether each was met, are in the feed below."
        )
        expect(ending).not_to_contain_text("once the teacher reveals them")
        expect(teacher.locator("#scene-line")).to_contain_text("The game has ended")
        expect(teacher.locator("#scene-line")).not_to_contain_text("'reveal' shows")
        phones["molotov"].set_viewport_size(SMALL_PHONE)
        ending.locator(".objectives-hint").scroll_into_view_if_needed()
        shots.shot(phones["molotov"], "phone-objectives")
        assert fits(phones["molotov"])
    for room in rooms:
        expect(room.locator("#connection")).to_have_text("Server stopped")
        expect(room.locator("#foot-join")).to_have_text(f"Join: {live.url}/")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_how_each_voted_stays_on_the_projector_beside_the_next_decision(
    shots: Screens, june_1957: Scenario
) -> None:
    """A teacher's try-out (5, finding 2): after the simultaneous Presidium ballot, where a
    student broke ranks and said why, the next scene opens at once with Khrushchev's decision.
    At 1280x720 the room showed only the vote's result: how each voted and the students'
    reasons, the best moment of the lesson, were silently left out. Now they are on the
    screen at 1280x720, 1024x768 and 1920x1080 (and after a reload): the feed gives way
    first, then the scene's text (smaller, then "More below"), beside the whole decision.
    At the end, the scenes the game passed through on the way give way to the ending, whose
    box is on the screen under the last scene."""
    classroom = new_classroom(june_1957, 5)
    reasons = {
        "molotov": "He has wrecked agriculture and insulted our allies; we must act now.",
        "bulganin": "I chaired the sitting, and I will not remove a man who may not answer.",
        "khrushchev": "Only the Central Committee elected me, and only it can remove me.",
    }
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR_SMALL)
        phones = {
            seat: join(shots, live, seat, classroom.keys[seat].code, PHONE)
            for seat in ("khrushchev", "molotov", "bulganin", "malenkov", "zhukov")
        }
        live.call(until_open, classroom, "tuesday_afternoon:decision")
        live.teacher("close tuesday_afternoon:decision")  # the script decides; the ballot opens
        tap_vote(phones["molotov"], "for", why=reasons["molotov"])
        tap_vote(phones["bulganin"], "against", why=reasons["bulganin"])  # he breaks ranks
        tap_vote(phones["khrushchev"], "against", why=reasons["khrushchev"])
        tap_vote(phones["malenkov"], "abstain", last=True)
        vote_shown(live, room, "The Presidium turns on Khrushchev")
        (decision,) = live.call(lambda: list(classroom.session.game.requests))
        assert decision == "first_evening:decision"
        expect(room.locator("#scene-title")).to_have_text("A phone call to the marshal")
        expect(room.locator("#join")).to_be_hidden()  # every seat has its phone

        def everything_in_sight(page: Any) -> None:
            expect(page.locator("#request-list .room-request")).to_have_count(1)
            in_sight(page, "#request-list .room-request")
            in_sight(page, "#scene-title")
            page.wait_for_function(ALL_OR_MORE, arg="#scene", timeout=WAIT_MS)
            page.wait_for_function(HOW_EACH_VOTED, arg=False, timeout=WAIT_MS)
            for seat, why in reasons.items():
                name = classroom.keys[seat].name
                expect(page.locator("#result .way", has_text=name)).to_contain_text(
                    f'{name} ("{why}")'
                )

        for size in (PROJECTOR_SMALL, PROJECTOR_4_3, PROJECTOR):
            room.set_viewport_size(size)
            everything_in_sight(room)
            shots.shot(room, "room-vote-beside-decision")
        # with these reasons every line fits at 720p, not only its start
        room.set_viewport_size(PROJECTOR_SMALL)
        room.wait_for_function(HOW_EACH_VOTED, arg=True, timeout=WAIT_MS)
        room.reload()
        expect(room.locator("#connection")).to_have_text("Connected")
        everything_in_sight(room)
        shots.shot(room, "room-vote-beside-decision-reloaded")
        assert_private_to(room, june_1957, None)

        # to the end, through some twenty scenes nobody decides in: the ending, not them
        live.teacher("conclude")
        (ended,) = live.events(ev.GameEnded)
        for size in (PROJECTOR_SMALL, PROJECTOR_4_3, PROJECTOR):
            room.set_viewport_size(size)
            expect(room.locator("#ended")).to_contain_text(words(ended.text)[:80])
            expect(room.locator("#passed")).to_be_hidden()
            in_sight(room, "#ended h2")
            in_sight(room, "#ended .kicker")
            shots.shot(room, "room-ended-after-the-vote")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def look_now(page: Any) -> None:
    """Tell a page its network is back, so it looks for the server at once. It may have
    looked already and be loading afresh (the class is another one): then its script is
    gone, and there is nothing to tell it."""
    try:
        page.evaluate("window.dispatchEvent(new Event('online'))")
    except PlaywrightError as error:
        if "navigation" not in str(error):
            raise


def test_pages_left_open_from_the_last_class_start_afresh_with_the_next_one(
    shots: Screens, june_1957: Scenario
) -> None:
    """Next period, a new class is served on the same port while the projector's and the
    teacher's pages of the last one are still open (teacher's try 4, item 1). The new class
    numbers its events from 1 again: a page that went on from the old class's last event
    stayed on the new class's first scene, showing the old class's ballot. Now each page
    finds that the class is another one and starts afresh: the old ballot is never shown,
    the new class's scene and ballot are."""
    old = new_classroom(june_1957, 5, seed=3)
    code = old.keys["molotov"].code
    with LiveClass(old) as live:
        port = live.port
        room = shots.open(live.url + "/room", PROJECTOR)
        teacher = shots.open(f"{live.url}/teacher#key={live.key}", LAPTOP)
        phone = join(shots, live, "molotov", code, PHONE)
        ballot = live.call(open_request, old, "ballot")
        tap_vote(phone, "for", why="LAST-PERIOD-WORDS")
        live.teacher(f"close {ballot.request}")
        expect(room.locator("#result")).to_contain_text("LAST-PERIOD-WORDS")
        expect(teacher.locator("#feed")).to_contain_text("LAST-PERIOD-WORDS")
        # the old class went on past the ballot: its pages' last event is far ahead
        live.call(open_request, old, "ballot")
    expect(room.locator("#connection")).to_have_text("Server stopped")
    new = new_classroom(june_1957, 5, seed=4)
    assert new.class_id != old.class_id
    code = new.keys["molotov"].code
    with LiveClass(new, port) as live:
        for page in (room, teacher):
            look_now(page)
        expect(room.locator("#connection")).to_have_text("Connected")
        (scene,) = [e for e in live.events(ev.PhaseStarted)][-1:]
        expect(room.locator("#scene")).to_contain_text(scene.title)
        for page in (room, teacher):
            expect(page.locator("body")).not_to_contain_text("LAST-PERIOD-WORDS")
        expect(room.locator("#result")).to_be_hidden()
        # the teacher's page asks for the new link, and signs in with it
        expect(teacher.locator("#login-error")).to_have_text(
            "The key is no longer accepted: open the teacher link again."
        )
        teacher.goto(f"{live.url}/teacher#key={live.key}")
        expect(teacher.locator("#desk")).to_be_visible()
        expect(teacher.locator("#connection")).to_have_text("Connected")
        phone = join(shots, live, "molotov", code, PHONE)
        ballot = live.call(open_request, new, "ballot")
        tap_vote(phone, "against", why="THIS-PERIOD-WORDS")
        live.teacher(f"close {ballot.request}")
        for page in (room, teacher):
            expect(page.locator("#feed")).to_contain_text("THIS-PERIOD-WORDS")
            expect(page.locator("body")).not_to_contain_text("LAST-PERIOD-WORDS")
        expect(room.locator("#result")).to_contain_text("THIS-PERIOD-WORDS")
        shots.shot(room, "room-next-class")
        shots.shot(teacher, "teacher-next-class")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_revealed_objectives_fit_the_projector_students_first(
    shots: Screens, june_1957: Scenario
) -> None:
    """'reveal' shows every role's objectives on the projector (teacher's try 4, item 6):
    with june_1957 for 5 students, all five roles are on the screen at 1920x1080, the
    students' first and the one the teacher handed to the script last, marked as such; the
    last vote's box gives way, and the ending's kind ("The historical outcome") is no longer
    above the objectives, away from the ending's text."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        live.teacher("script zhukov")
        ballot = live.call(open_request, classroom, "ballot")
        live.teacher(f"close {ballot.request}")
        expect(room.locator("#result")).to_be_visible()
        live.teacher("conclude")
        expect(room.locator("#ended")).to_contain_text("What became of them")
        live.teacher("reveal yes")
        scored = [e for e in live.events(ev.ObjectivesScored) if not e.to]
        assert len(scored) == 5
        roles = room.locator("#ended .objective-roles > li")
        expect(roles).to_have_count(5)
        names = [words(t) for t in roles.locator("h4").all_inner_texts()]
        students = [e.name for e in scored if e.seat != "zhukov"]
        assert names[:4] == students, names
        assert names[4] == "Marshal Georgy Zhukov (played by the script)", names
        for n in range(5):
            in_sight(room, f"#ended .objective-roles > li:nth-child({n + 1})")
        expect(room.locator("#result")).to_be_hidden()
        # the heading, then the objectives; the ending's kind goes with its text, below
        order = room.evaluate(
            "[...document.querySelectorAll('#ended > h2, #ended > .kicker,"
            " #ended > .room-objectives')].map(e => e.className || e.tagName)"
        )
        assert order == ["H2", "room-objectives", "kicker"], order
        size, page = room.evaluate(
            "[parseFloat(getComputedStyle(document.querySelector('.objective')).fontSize),"
            " parseFloat(getComputedStyle(document.body).fontSize)]"
        )
        assert size >= 0.79 * page, (size, page)
        shots.shot(room, "room-all-objectives")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


# ---------------------------------------------------------------------- a teacher's try-out


PAUSED_LINE = "Paused: nothing can be taken until the teacher resumes the game."


def test_once_the_game_is_over_a_phone_no_longer_offers_what_it_can_do(
    shots: Screens, june_1957: Scenario
) -> None:
    """After the end, every phone went on saying "What you can do now" over nothing. The
    heading goes with what it heads, and the ending's card, just below the role, says that
    the game is over; an undo of the ending brings the heading back."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        phone = join(shots, live, "molotov", classroom.keys["molotov"].code, SMALL_PHONE)
        expect(phone.locator("#requests-head")).to_be_visible()
        live.teacher("conclude")
        (ended,) = live.events(ev.GameEnded)
        expect(phone.locator("#ended")).to_contain_text("The end: " + ended.title)
        expect(phone.locator("#requests")).to_be_hidden()
        expect(phone.get_by_text("What you can do now")).to_be_hidden()
        shots.shot(phone, "phone-game-over")
        live.teacher("undo")
        expect(phone.locator("#ended")).to_be_hidden()
        expect(phone.locator("#requests-head")).to_be_visible()
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_a_pause_holds_the_note_to_the_teacher_as_the_server_does(
    shots: Screens, june_1957: Scenario
) -> None:
    """The server takes no student's action while the game is paused, a note included; the
    note's button stayed live, and a note sent was refused. It waits, with the line the
    cards give, and sends once the teacher resumes."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        phone = join(shots, live, "molotov", classroom.keys["molotov"].code, SMALL_PHONE)
        form = phone.locator("#note-form")
        send = form.get_by_role("button", name="Send the note")
        expect(send).to_be_enabled()
        live.teacher("pause a fire drill")
        expect(phone.locator("#paused")).to_contain_text("a fire drill")
        expect(send).to_be_disabled()
        expect(form).to_contain_text(PAUSED_LINE)
        phone.locator("#note-text").fill("Bulganin is wavering.")
        phone.locator("#note").scroll_into_view_if_needed()
        shots.shot(phone, "phone-paused-note")
        live.teacher("resume")
        expect(send).to_be_enabled()
        expect(form).not_to_contain_text(PAUSED_LINE)
        send.click()
        expect(phone.locator("#note-said")).to_have_text("Your note is passed to the teacher.")
        assert [e.text for e in live.events(ev.NoteSent)] == ["Bulganin is wavering."]
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_a_vote_changed_on_one_phone_is_the_chosen_one_on_the_seat_s_other_phone(
    shots: Screens, june_1957: Scenario
) -> None:
    """Molotov's role is joined on two phones. He votes For on one, then changes his vote
    to Against on the other: both phones mark Against as his vote, and For no longer. (A
    try-out reported the first phone keeping For; that did not happen here: the seat's own
    news makes its stream send every one of its pages the new state.)"""
    classroom = new_classroom(june_1957, 5)
    code = classroom.keys["molotov"].code
    with LiveClass(classroom) as live:
        first = join(shots, live, "molotov", code, SMALL_PHONE)
        second = join(shots, live, "molotov", code, SMALL_PHONE)
        live.call(until_open, classroom, "tuesday_afternoon:decision")
        live.teacher("close tuesday_afternoon:decision")  # the script decides; the ballot opens
        tap_vote(first, "for")
        expect(second.locator(".request-ballot")).to_contain_text("Your ballot is in (For)")
        tap_vote(second, "against")
        for phone in (first, second):
            card = phone.locator(".request-ballot")
            expect(card).to_contain_text("Your ballot is in (Against)")
            expect(card.locator("button[aria-pressed='true']")).to_have_text("Against (your vote)")
            expect(card.locator("button.chosen")).to_have_count(1)
        first.locator(".request-ballot").scroll_into_view_if_needed()
        shots.shot(first, "phone-vote-changed-elsewhere")
    assert shots.watched.errors == [] and shots.watched.dialogs == []
