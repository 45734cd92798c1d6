"""The classroom's web pages as shipped in the package: what the Content-Security-Policy and
the promise "nothing leaves the room" need of them, checked on the files themselves.

The browser suite drives the pages; these checks need no server or browser, so they run
everywhere and say which file and line breaks a rule.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from importlib import resources

import pytest

from presidium.model import Scenario

PAGES = ("phone.html", "room.html", "teacher.html")
SCRIPTS = ("common.js", "phone.js", "room.js", "teacher.js")
FILES = (*PAGES, *SCRIPTS, "style.css")


def text_of(name: str) -> str:
    return resources.files("presidium.web.static").joinpath(name).read_text(encoding="utf-8")


def lines_with(name: str, pattern: str) -> list[str]:
    found = re.compile(pattern)
    return [
        f"{name}:{n}: {line.strip()}"
        for n, line in enumerate(text_of(name).splitlines(), 1)
        if found.search(line)
    ]


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text inside each script."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.script_text.append(data.strip())


def parsed(name: str) -> Tags:
    tags = Tags()
    tags.feed(text_of(name))
    return tags


@pytest.mark.parametrize("name", FILES)
def test_nothing_is_fetched_from_outside_the_laptop(name: str) -> None:
    """No address of another server (a CDN, a web font, analytics) in any page, script or
    style: a classroom without internet works the same, and nothing leaves the room."""
    assert lines_with(name, r"(?i)https?:|//[a-z0-9.-]+\.[a-z]{2,}/|@import|url\(") == []


@pytest.mark.parametrize("name", SCRIPTS)
def test_scripts_insert_text_only(name: str) -> None:
    """Scenario and student text reaches the page as text: no HTML parsing anywhere, so a
    scenario or a student's 'why' cannot inject markup or script."""
    html_sinks = r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function"
    assert lines_with(name, html_sinks) == []


@pytest.mark.parametrize("name", SCRIPTS)
def test_scripts_run_on_older_phones(name: str) -> None:
    """ES2019 at most (old school tablets): no optional chaining or nullish coalescing, no
    modules."""
    assert lines_with(name, r"\?\.[A-Za-z_$\[(]|\?\?|^\s*(import|export)\s") == []


@pytest.mark.parametrize("name", PAGES)
def test_pages_obey_the_content_security_policy(name: str) -> None:
    """``default-src 'self'`` with no 'unsafe-inline': no inline script or style, no event
    handler attributes, and every script and stylesheet is one of ours."""
    tags = parsed(name)
    assert tags.script_text == [], "inline script"
    for tag, attrs in tags.tags:
        assert tag != "style", "an inline <style> block"
        assert "style" not in attrs, f"a style attribute on <{tag}>"
        handlers = [a for a in attrs if a.startswith("on")]
        assert handlers == [], f"event handler attributes on <{tag}>: {handlers}"
    scripts = [attrs.get("src") for tag, attrs in tags.tags if tag == "script"]
    sheets = [
        attrs.get("href")
        for tag, attrs in tags.tags
        if tag == "link" and attrs.get("rel") == "stylesheet"
    ]
    assert scripts[0] == "/static/common.js"
    assert scripts[1] == f"/static/{name.replace('.html', '.js')}"
    assert sheets == ["/static/style.css"]
    for src in [*scripts, *sheets]:
        assert src is not None and src.startswith("/static/")
        assert src.removeprefix("/static/") in FILES


@pytest.mark.parametrize("name", PAGES)
def test_every_element_a_script_looks_up_is_on_its_page(name: str) -> None:
    """A script that looks up an element its page lacks fails only in the browser, at the
    moment a student needs it; each id used by the page's script is in the page."""
    ids = {attrs["id"] for _tag, attrs in parsed(name).tags if attrs.get("id")}
    script = name.replace(".html", ".js")
    wanted = set(re.findall(r"""\$\("([A-Za-z0-9_-]+)"\)""", text_of(script)))
    assert wanted, f"{script} looks nothing up"
    assert wanted - ids == set()


def test_the_phone_page_is_usable_on_a_phone() -> None:
    """The join field suits a phone's keyboard (capitals, no autocorrect), the page scales,
    and new requests and envelopes are announced to screen readers."""
    tags = parsed("phone.html")
    code = next(attrs for tag, attrs in tags.tags if tag == "input" and attrs.get("id") == "code")
    assert code.get("autocapitalize") == "characters"
    assert code.get("inputmode") == "text"
    assert code.get("autocorrect") == "off"
    viewport = next(
        attrs for tag, attrs in tags.tags if tag == "meta" and attrs.get("name") == "viewport"
    )
    assert "user-scalable" not in (viewport.get("content") or "")  # zoom stays allowed
    assert any(attrs.get("aria-live") == "polite" for _tag, attrs in tags.tags)
    style = text_of("style.css")
    assert "prefers-reduced-motion" in style
    assert re.search(r"min-height:\s*44px", style)


def test_the_teacher_page_warns_against_projecting_it() -> None:
    assert "do not project it" in text_of("teacher.html")


@pytest.mark.parametrize(
    ("client", "phone"),
    [("127.0.0.1", False), ("192.168.1.20", False), ("::1", False), ("192.168.1.34", True)],
)
def test_the_doctor_s_test_page_claims_only_what_the_device_showed(
    client: str, phone: bool
) -> None:
    """Opened on the laptop itself (loopback, or one of its own addresses) the test page says
    only that the server runs, and that a phone is the check, as the terminal does; opened on
    another device it says phones can join."""
    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    from presidium.web import doctor

    said = io.StringIO()
    page = doctor._Page(said, {"192.168.1.20"})
    with TestClient(doctor._app(page.opened), client=(client, 50000)) as http:
        answer = http.get("/")
        again = http.get("/")  # a reload says the same
    assert answer.status_code == 200 and again.text == answer.text
    text = " ".join(re.sub(r"<[^>]+>", " ", answer.text).split())
    assert page.phone is phone
    assert "It works" in text
    assert ("this phone reached the laptop" in answer.text) is phone  # its title too
    if phone:
        assert "Phones on the same Wi-Fi as this one can join the class." in text
    else:
        assert "can join" not in text
        assert "This is the laptop itself" in text
        assert "only a phone can show that phones reach it" in text
        assert "open the same address on your own phone, on the students' Wi-Fi" in text


def test_the_room_counts_phones_on_the_seats_students_hold(june_1957: Scenario) -> None:
    """'N of M phones connected': M is the roles students hold, N those of them with a phone
    open; a role handed to the script (or every role, at the bell) is in neither, so the
    count is never '5 of 0'. The phones still open are counted as such."""
    pytest.importorskip("starlette")
    from presidium import events as ev
    from presidium import seating
    from presidium.classroom.session import Session
    from presidium.web.classroom import Classroom

    classroom = Classroom(Session.new(june_1957, seating.cast(june_1957, 5), 7))
    classroom.deal_codes()
    for seat in ("molotov", "zhukov", "bulganin"):
        classroom.connect(ev.for_role(seat))
    classroom.connect(ev.for_role("molotov"))  # a second phone on Molotov's role
    assert classroom.presence() == {"phones": 4, "seats_connected": 3, "seats": 5}
    classroom.teacher_line("script zhukov")
    assert classroom.presence() == {"phones": 4, "seats_connected": 2, "seats": 4}
    classroom.teacher_line("conclude")
    assert classroom.session.game.over
    assert classroom.presence() == {"phones": 4, "seats_connected": 0, "seats": 0}
    classroom.disconnect(ev.for_role("bulganin"))
    assert classroom.presence()["phones"] == 3


def test_the_room_knows_a_ballot_not_cast_by_the_game_s_own_words() -> None:
    """The projector marks a voter who had not voted when the ballot closed ("had not
    voted") by how the game begins that ballot's reason: room.js holds those very words."""
    from presidium.ballots import NOT_VOTED

    for begins in NOT_VOTED:
        assert f'"{begins}"' in text_of("room.js"), begins
