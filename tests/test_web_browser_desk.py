"""What a teacher's sixth try found on the teacher's page, the phones and the projector: a
*Reveal* that asked the teacher to type, an argument to rate shown without its words, a
phone's declared stance left as it was when the story moved it, and small wording (a used
move that read like a failure, a voter who had not voted listed as if they had abstained,
sources run together, no side for an undecided role).

Each test drives the real june_1957 class in headless Chromium (see browser_helpers.py);
screenshots go to $PRESIDIUM_SCREENSHOTS or the test's temporary folder.
"""

from __future__ import annotations

import dataclasses
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
from presidium.ballots import CLOSED_FIRST
from presidium.model import Scenario
from test_web import open_request
from test_web_browser_pages import cited, until_scene

pytestmark = [pytest.mark.browser, needs_browser]
expect.set_options(timeout=WAIT_MS)
SHOTS = "desk"  # the screenshots' names begin so (the ``shots`` fixture, conftest.py)

STRAW_POLL = "A secret straw poll of the plenum"


# ---------------------------------------------------------------------- reveal, confirmed


def test_reveal_on_the_teacher_page_lists_what_becomes_public_then_a_button_reveals_it(
    shots: Screens, june_1957: Scenario
) -> None:
    """*Reveal* says what would become public and reveals nothing; "Reveal it to the room"
    under that list reveals it (no typing, no browser dialog). The projector then lists the
    voters who had not voted when the teacher closed the ballot as such, not as abstainers
    who chose to."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        teacher = shots.open(f"{live.url}/teacher#key={live.key}", LAPTOP)
        phone = join(shots, live, "khrushchev", classroom.keys["khrushchev"].code, SMALL_PHONE)
        live.call(open_request, classroom, "ballot", "secret", "straw_poll")
        card = phone.locator(".request-ballot")
        card.locator("textarea").fill("KHRUSHCHEV-OWN-WORDS")
        card.get_by_role("button", name="For", exact=True).click()
        expect(card).to_contain_text("Your ballot is in (For)")
        poll = teacher.locator(".teacher-request", has_text=STRAW_POLL)
        poll.get_by_role("button", name="Close now").click()
        box = room.locator("#result")
        expect(box).to_contain_text("The ballot was secret: only the totals are shown.")

        teacher.locator("#reveal").click()
        items = teacher.locator("#console-out .console-item")
        asked = items.filter(has_text="'reveal' makes this public")
        expect(asked).to_have_count(1)
        expect(asked.locator(".console-line")).to_have_text("teacher> reveal")
        expect(asked).to_contain_text(
            f"how each voter voted in the secret ballot '{STRAW_POLL}', the students too"
        )
        expect(asked).to_contain_text("It cannot be taken back.")
        expect(asked).not_to_contain_text("Type 'reveal yes'")
        confirm = asked.get_by_role("button", name="Reveal it to the room")
        expect(confirm).to_be_visible()
        expect(box).to_contain_text("The ballot was secret")  # nothing is public yet
        shots.shot(teacher, "teacher-reveal-asked")

        confirm.click()
        expect(asked).to_contain_text("Revealed: see below.")
        expect(asked.get_by_role("button", name="Reveal it to the room")).to_have_count(0)
        expect(items.last.locator(".console-line")).to_have_text("teacher> reveal yes")
        expect(items.last).not_to_contain_text("'reveal' makes this public")
        expect(box).to_contain_text("A secret ballot, revealed by the teacher.")
        (vote,) = [
            v for v in live.events(ev.VoteHeld) if v.title == STRAW_POLL and not v.to and v.ballots
        ]
        missed = [b for b in vote.ballots if b.reason.startswith(CLOSED_FIRST)]
        assert {b.voter for b in missed} == {"molotov", "bulganin", "malenkov"}
        assert {b.vote for b in missed} == {"abstain"}
        abstained = box.locator(".way", has_text="Abstained: ")
        names = ", ".join(b.name for b in missed)  # together, said once
        expect(abstained).to_have_text(f"Abstained: {names} (had not voted)")
        expect(box.locator(".way", has_text="For: ")).to_contain_text(
            'Nikita Khrushchev ("KHRUSHCHEV-OWN-WORDS")'
        )
        shots.shot(room, "room-revealed-not-voted")
        shots.shot(teacher, "teacher-reveal-confirmed")
    assert shots.watched.errors == [] and shots.watched.dialogs == []


# ---------------------------------------------------------------------- the marshal's phone


def test_the_argument_to_rate_is_on_its_card_and_a_used_move_says_so(
    shots: Screens, june_1957: Scenario
) -> None:
    """Zhukov's phone says his side ("undecided", as his sheet on paper does) and parts its
    sources; on the Tuesday night floor his once-only move, tapped, says it was used; his
    argument with Voroshilov is on its card in the teacher's "Now", with Voroshilov's
    stance, where the teacher rates it."""
    classroom = new_classroom(june_1957, 5)
    with LiveClass(classroom) as live:
        phone = join(shots, live, "zhukov", classroom.keys["zhukov"].code, SMALL_PHONE)
        teacher = shots.open(f"{live.url}/teacher#key={live.key}", LAPTOP)
        expect(phone.locator("#role-side")).to_have_text("Side: undecided")
        both = "; ".join(cited(june_1957, s) for s in ("pikhoya", "zhukov_plenum_speech"))
        expect(phone.locator("#knows .sources").first).to_have_text("Sources: " + both)

        live.call(until_scene, classroom, "majority_night")
        floor = phone.locator(".request-floor")
        label = "Offer military aircraft to bring Central Committee members to Moscow"
        floor.get_by_role("button", name=label).click()
        expect(floor.locator(".said")).to_have_text(
            f"Used: {label}. It is settled when the floor closes."
        )
        expect(floor.locator("button.choice")).to_have_text(f"{label} (used)")
        expect(floor).not_to_contain_text("unavailable")
        expect(floor).not_to_contain_text("Your move is taken")
        shots.shot(phone, "phone-move-used")

        expect(phone.locator("#speak-more")).to_have_attribute("open", "")
        phone.locator("#argue-target").select_option("voroshilov")
        phone.locator("#argue-text").fill("The army will not stand by while the old men plot.")
        phone.get_by_role("button", name="Send the argument").click()
        expect(phone.locator("#speak-said")).to_contain_text("is with the teacher")

        stances = june_1957.stances
        values = live.call(lambda: dict(classroom.session.game.values))
        now, towards = stances[values["voroshilov.stance"]], stances[values["zhukov.stance"]]
        assert now != towards
        rating = teacher.locator("#request-list .request-rating")
        expect(rating.locator("h3")).to_have_text(
            "Marshal Georgy Zhukov argues with Kliment Voroshilov"
        )
        expect(rating.locator(".argument-text")).to_have_text(
            "The army will not stand by while the old men plot."
        )
        expect(rating.locator(".argument-stance")).to_have_text(
            f"Kliment Voroshilov's stance now: {now}. A success (the rating sets its chance) "
            f"moves it one step towards {towards}."
        )
        expect(teacher.locator("#connection")).to_have_text("Connected")
        shots.shot(teacher, "teacher-argument-in-now")
        rating.get_by_role("button", name="Rate 3 of 5").click()
        expect(rating).to_have_count(0)
        assert len(live.events(ev.Rated)) == 1
    assert shots.watched.errors == [] and shots.watched.dialogs == []


# ---------------------------------------------------------------------- a stance moved


def test_a_phone_shows_its_declared_stance_as_the_story_moves_it(
    shots: Screens, june_1957: Scenario
) -> None:
    """Bulganin declares "With Khrushchev"; the teacher's event puts him back to wavering.
    His phone no longer says "You declared: With Khrushchev" but where he stands now, and that
    he may declare again, after a reload too; his feed says it to him ("Your declared
    stance ..."), the projector's and the teacher's by name."""
    plot_chair = june_1957.phases["plot_chair"]
    (chair,) = [c for c in plot_chair.choices if c.id == "molotov_in_the_chair"]
    wavers = tuple(e for e in chair.outcome.effects if e.target == "bulganin.stance")
    rumour = june_1957.injections["provincial_rumour"]
    push = dataclasses.replace(
        rumour, id="push", label="The premier loses his nerve", effects=wavers, window=()
    )
    scenario = dataclasses.replace(june_1957, injections={**june_1957.injections, "push": push})
    classroom = new_classroom(scenario, 5)
    with LiveClass(classroom) as live:
        room = shots.open(live.url + "/room", PROJECTOR)
        teacher = shots.open(f"{live.url}/teacher#key={live.key}", LAPTOP)
        phone = join(shots, live, "bulganin", classroom.keys["bulganin"].code, SMALL_PHONE)
        expect(phone.locator("#role-side")).to_have_text("Side: undecided")
        phone.locator("#speak-more summary").click()
        speak = phone.locator("#speak-body")
        speak.get_by_role("button", name="With Khrushchev", exact=True).click()
        stance = phone.locator("#speak-stance")
        expect(stance).to_have_text("You declared: With Khrushchev.")

        live.teacher("inject push")
        moved = (
            "Your declared stance is now: Wavering (you declared With Khrushchev; the story "
            "has changed it since). You may declare again."
        )
        expect(stance).to_have_text(moved)
        cause = f"is changed by the teacher's event '{push.label}': now wavering."
        own = f"Your declared stance (with Khrushchev) {cause} You may declare again."
        named = (
            f"Nikolai Bulganin's declared stance (with Khrushchev) {cause} "
            "The student playing Nikolai Bulganin may declare again."
        )
        expect(phone.locator("#feed")).to_contain_text(own)
        expect(phone.locator("#feed")).not_to_contain_text("The student playing")
        for page in (room, teacher):
            expect(page.locator("#feed")).to_contain_text(named)
        phone.locator("#speak").scroll_into_view_if_needed()
        shots.shot(phone, "phone-stance-moved")

        phone.reload()
        expect(phone.locator("#connection")).to_have_text("Connected")
        expect(stance).to_have_text(moved)
        expect(phone.locator("#feed")).to_contain_text(own)

        phone.locator("#speak-more summary").click()
        speak.get_by_role("button", name="Wavering", exact=True).click()
        expect(stance).to_have_text("You declared: Wavering.")
        assert words(room.locator("#feed").text_content()).count(named) == 1
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def test_the_teacher_page_shows_the_whole_answer_to_reveal_for_eight(
    shots: Screens, june_1957: Scenario
) -> None:
    """Teacher's eighth try, finding 4: *Reveal it to the room* for a class of eight answered
    with the last six lines only: the straw poll and two roles' objectives were missing. The
    whole answer is shown, readable at 1280x800: an answer taller than the console's box
    (the story to the end, after 'conclude') is shown from its start, not its end."""
    classroom = new_classroom(june_1957, 8)
    with LiveClass(classroom) as live:
        teacher = shots.open(f"{live.url}/teacher#key={live.key}", LAPTOP)
        poll = live.call(open_request, classroom, "ballot", "secret", "straw_poll")
        live.teacher(f"close {poll.request}")
        items = teacher.locator("#console-out .console-item")
        teacher.locator("#line").fill("conclude")
        teacher.get_by_role("button", name="Send").click()
        expect(items.last.locator(".console-said").nth(12)).to_be_attached()
        shots.shot(teacher, "teacher-conclude")
        assert_line_shown(teacher, items.last)
        teacher.locator("#reveal").click()
        asked = items.filter(has_text="'reveal' makes this public")
        asked.get_by_role("button", name="Reveal it to the room").click()
        answer = items.last
        expect(answer.locator(".console-line")).to_have_text("teacher> reveal yes")
        said = answer.locator(".console-said")
        expect(said).to_have_count(9)
        expect(said.first).to_have_text(STRAW_POLL)
        names = [classroom.keys[seat].name for seat in classroom.keys]
        for name in names:
            expect(answer).to_contain_text(f"Objectives scored: {name}.")
        shots.shot(teacher, "teacher-reveal-eight")
        assert_line_shown(teacher, answer)
        last = said.last.bounding_box()
        box = teacher.locator("#console-out").bounding_box()
        assert last is not None and box is not None
        assert last["y"] + last["height"] <= box["y"] + box["height"] + 1  # all of it, here
    assert shots.watched.errors == [] and shots.watched.dialogs == []


def assert_line_shown(page: Any, item: Any) -> None:
    """The console line ``item`` answers is in sight: inside the console's box (which
    scrolls) and the window."""
    box = page.locator("#console-out").bounding_box()
    line = item.locator(".console-line").bounding_box()
    assert box is not None and line is not None
    assert box["y"] <= line["y"] and line["y"] + line["height"] <= box["y"] + box["height"]
    assert line["y"] + line["height"] <= page.viewport_size["height"]
