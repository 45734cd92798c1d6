"""What a teacher's seventh try found on the phones and the projector: students with no move
on an open floor told that nothing waited for them (they could declare and argue), the
declaration buttons live while the game was paused, and a projector that said "More below"
when nothing was below, or cut off two roles' objectives at 1920x1080.

Each test drives the real june_1957 class in headless Chromium (see browser_helpers.py);
screenshots go to $PRESIDIUM_SCREENSHOTS or the test's temporary folder.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from browser_helpers import (
    PROJECTOR,
    SMALL_PHONE,
    WAIT_MS,
    LiveClass,
    Screens,
    join,
    needs_browser,
    new_classroom,
)
from presidium import events as ev
from presidium.model import Scenario
from presidium.web.classroom import Classroom
from test_web_browser import PROJECTOR_SMALL
from test_web_browser_pages import until_scene

pytestmark = [pytest.mark.browser, needs_browser]
expect.set_options(timeout=WAIT_MS)
SHOTS = "hints"  # the screenshots' names begin so (the ``shots`` fixture, conftest.py)

NOTHING = "Nothing is waiting for you right now."
PAUSED = "Paused: nothing can be taken until the teacher resumes the game."


# ---------------------------------------------------------------------- the floor, for all


def test_an_open_floor_tells_every_role_that_may_speak_that_it_can(
    shots: Screens, june_1957: Scenario
) -> None:
    """On the Tuesday night floor only Zhukov has a move. Khrushchev (who may declare and
    argue) and Bulganin (who may only declare) are not told that nothing waits for them:
    each phone says what it can do there, and opens its "Declare your stance, or argue"
    by itself; Khrushchev declares. Before the floor, nothing waits, and it stays shut."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        khrushchev = join(shots, live, "khrushchev", classroom.keys["khrushchev"].code, SMALL_PHONE)
        bulganin = join(shots, live, "bulganin", classroom.keys["bulganin"].code, SMALL_PHONE)
        for phone in (khrushchev, bulganin):
            expect(phone.locator("#nothing")).to_contain_text(NOTHING)
            expect(phone.locator("#speak-more")).not_to_have_attribute("open", "")

        live.call(until_scene, classroom, "majority_night")
        floor = live.call(lambda: classroom.session.game.requests["majority_night:floor"])
        assert floor.roles == ("zhukov",)
        said = {
            khrushchev: "The floor is open. You have no move of your own there, but you can "
            "declare your stance or argue with someone, below.",
            bulganin: "The floor is open. You have no move of your own there, but you can "
            "declare your stance, below.",
        }
        for phone, line in said.items():
            expect(phone.locator("#nothing")).to_have_text(line)
            expect(phone.locator("#speak-more")).to_have_attribute("open", "")
            expect(phone.locator("#speak-body button").first).to_be_visible()
        khrushchev.locator("#requests").scroll_into_view_if_needed()
        shots.shot(khrushchev, "phone-floor-no-move")
        speak = khrushchev.locator("#speak-body")
        speak.get_by_role("button", name="With Khrushchev", exact=True).click()
        expect(khrushchev.locator("#speak-stance")).to_have_text("You declared: With Khrushchev.")
        assert [e.seat for e in live.events(ev.Declared)] == ["khrushchev"]

        live.teacher("close majority_night:floor")
        for phone in (khrushchev, bulganin):
            expect(phone.locator("#nothing")).not_to_contain_text("The floor is open")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


# ---------------------------------------------------------------------- a pause


def test_a_pause_holds_the_declaration_and_argument_buttons_as_it_holds_the_cards(
    shots: Screens, june_1957: Scenario
) -> None:
    """'pause' disables Molotov's decision and, as well, his buttons to declare and to argue,
    each place with the same line; 'resume' gives them back, and a declaration is taken."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        phone = join(shots, live, "molotov", classroom.keys["molotov"].code, SMALL_PHONE)
        card = phone.locator(".request-decision")
        expect(card).to_have_count(1)
        phone.locator("#speak-more summary").click()
        speak = phone.locator("#speak-body")
        buttons = speak.locator("button")
        expect(buttons.first).to_be_enabled()

        live.teacher("pause Fire drill: everyone out, phones down")
        expect(phone.locator("#paused")).to_contain_text("Fire drill")
        expect(card).to_contain_text(PAUSED)
        count = buttons.count()
        assert count > 3  # the stances and "Send the argument"
        for n in range(count):
            expect(buttons.nth(n)).to_be_disabled()
        expect(speak.get_by_role("button", name="Send the argument")).to_be_disabled()
        expect(speak).to_contain_text(PAUSED)
        phone.locator("#speak").scroll_into_view_if_needed()
        shots.shot(phone, "phone-paused-speak")

        live.teacher("resume")
        expect(phone.locator("#paused")).to_be_hidden()
        expect(speak).not_to_contain_text(PAUSED)
        for n in range(count):
            expect(buttons.nth(n)).to_be_enabled()
        speak.get_by_role("button", name="Wavering", exact=True).click()
        expect(phone.locator("#speak-stance")).to_have_text("You declared: Wavering.")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


# ---------------------------------------------------------------------- the projector

MORE_TRUE = """() => {
    // each column (and the feed) says "More below" when, and only when, it holds more
    // than is on the screen
    const boxes = [...document.querySelectorAll('.fits, .room-feed .feed-scroll')];
    return boxes.every(b => b.classList.contains('more')
        === (b.scrollTop + b.clientHeight < b.scrollHeight - 1));
}"""


SIDE_MORE = "(said) => document.querySelector('#side').classList.contains('more') === said"


def more_true(page: Any) -> None:
    page.wait_for_function(MORE_TRUE, timeout=WAIT_MS)


def more(page: Any, selector: str) -> bool:
    found: bool = page.evaluate(f"document.querySelector('{selector}').classList.contains('more')")
    return found


def test_more_below_shows_only_when_something_is_below(shots: Screens, june_1957: Scenario) -> None:
    """The side column holds the large join QR, Molotov's decision and the state of play: at
    1280x720 it ends in "More below". The last phone joins, the QR goes, and all of it fits:
    "More below" goes too, with no new event (only the count of phones changed). A smaller
    window brings it back where something is below, a larger one takes it away."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        for seat in ("khrushchev", "bulganin", "zhukov"):
            live.teacher(f"script {seat}")
        room = shots.open(live.url + "/room", PROJECTOR_SMALL)
        expect(room.locator("#join")).to_be_visible()
        expect(room.locator("#request-list .room-request")).to_have_count(1)
        more_true(room)
        assert more(room, "#side")
        shots.shot(room, "room-qr-more")
        for seat in ("molotov", "malenkov"):
            join(shots, live, seat, classroom.keys[seat].code, SMALL_PHONE)
        expect(room.locator("#join")).to_be_hidden()
        more_true(room)
        assert not more(room, "#side")
        shots.shot(room, "room-qr-gone")

        room.set_viewport_size({"width": 1024, "height": 480})
        room.wait_for_function(SIDE_MORE, arg=True)
        more_true(room)
        room.set_viewport_size(PROJECTOR)
        room.wait_for_function(SIDE_MORE, arg=False)
        more_true(room)
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def to_the_end(classroom: Classroom) -> None:
    """The teacher closes what is open, in turn (the script decides), until the game ends."""
    game = classroom.session.game
    for _ in range(300):
        if game.over:
            return
        classroom.teacher_line(f"close {next(iter(game.requests))}")
    raise AssertionError("the game never ended")


def objectives_revealed(shots: Screens, live: LiveClass) -> Any:
    """The projector once the class has ended and the teacher has revealed the objectives."""
    room = shots.open(live.url + "/room", PROJECTOR)
    live.call(to_the_end, live.classroom)
    expect(room.locator("#ended")).to_contain_text("What became of them")
    live.teacher("reveal yes")
    scored = [e for e in live.events(ev.ObjectivesScored) if not e.to]
    assert len(scored) == len(live.classroom.keys)
    expect(room.locator("#ended .objective-roles > li")).to_have_count(len(scored))
    return room


CLEAR_OF_THE_SIGN = """() => {
    // every role's objectives are on the slide whole, none under its "More below" (the
    // ending's text comes after them)
    const scene = document.querySelector('#scene');
    const r = scene.getBoundingClientRect();
    const sign = scene.classList.contains('more')
        ? parseFloat(getComputedStyle(scene, '::after').height) : 0;
    const bottom = Math.min(r.top + scene.clientTop + scene.clientHeight, window.innerHeight);
    return [...scene.querySelectorAll('.objective-roles > li')].every(li => {
        const q = li.getBoundingClientRect();
        return q.top >= r.top && q.bottom <= bottom - sign + 1;
    });
}"""


def test_eight_roles_objectives_fit_the_projector_and_a_larger_class_says_more_below(
    shots: Screens, june_1957: Scenario
) -> None:
    """After 'reveal', the objectives of all 8 roles of an 8-student class are on the screen
    at 1920x1080, in the projector's type (80% of it at least), none under "More below"
    (which says that the ending's text comes after them); a class of 16 does not fit, and
    the slide says "More below", truly."""
    with LiveClass(new_classroom(june_1957, 8)) as live:
        room = objectives_revealed(shots, live)
        room.wait_for_function(CLEAR_OF_THE_SIGN, timeout=WAIT_MS)
        more_true(room)
        size, page = room.evaluate(
            "[parseFloat(getComputedStyle(document.querySelector('.objective')).fontSize),"
            " parseFloat(getComputedStyle(document.body).fontSize)]"
        )
        assert size >= 0.79 * page, (size, page)
        shots.shot(room, "room-objectives-8")

    with LiveClass(new_classroom(june_1957, 16)) as live:
        room = objectives_revealed(shots, live)
        more_true(room)
        assert more(room, "#scene")
        assert not room.evaluate(CLEAR_OF_THE_SIGN)
        shots.shot(room, "room-objectives-16")
    assert shots.watched.errors == [] and shots.watched.dialogs == []
