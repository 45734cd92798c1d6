"""The event streams on a real server while a ballot's votes arrive faster than they are
written: what is written goes out at once; what waits for its write does not."""

from __future__ import annotations

import json

import httpx2 as httpx

from browser_helpers import LiveClass, new_classroom
from presidium import catalog
from presidium.actions import Pause, Resume
from test_web import read_events


def game_types(found: list[tuple[str, str, str]]) -> list[str]:
    return [json.loads(data)["type"] for _, kind, data in found if kind == "game"]


def test_what_is_written_goes_out_while_later_actions_wait_for_their_write() -> None:
    """Votes arriving together are written a few at a time: while the later ones wait for
    their write, the streams are sent every event already written (a stream once waited for
    the whole burst, a tenth of a second and more at a ballot of forty phones), never one not
    written yet, and the page's state (which shows what the waiting ones did) once they are."""
    classroom = new_classroom(catalog.open_scenario("june_1957").scenario, 5)
    seat = next(iter(classroom.keys))
    _, _, token = classroom.join(classroom.keys[seat].code, "127.0.0.1")
    phone = {"X-Presidium-Seat": token}
    with LiveClass(classroom) as live, httpx.Client(base_url=live.url, timeout=5) as http:
        seq = live.call(lambda: len(classroom.session.events))
        with http.stream("GET", f"/api/stream?after={seq}", headers=phone) as stream:
            assert [kind for _, kind, _ in read_events(stream, 1)] == ["state"]

            def written_then_waiting() -> None:
                classroom.flush_soon = lambda: None  # the next write waits for the test
                classroom.submit([Pause("a break")])
                classroom.flush()  # the pause is written: the streams are woken
                classroom.submit([Resume()])  # and the resume waits for its write

            live.call(written_then_waiting)
            found = read_events(stream, 1)  # before: nothing came until the resume was written
            assert game_types(found) == ["paused"]
            assert live.call(lambda: len(classroom.unsaved)) == 1
            # what a stream may be sent now: the pause, not the resume that is not written
            sendable, _ = live.call(
                lambda: classroom.frames(f"role:{seat}", seq, classroom.published())
            )
            assert b'"type":"paused"' in sendable and b'"type":"resumed"' not in sendable
            live.call(classroom.flush)
            found = read_events(stream, 2)
            assert game_types(found) == ["resumed"]
            assert found[-1][1] == "state" and json.loads(found[-1][2])["paused"] is None
