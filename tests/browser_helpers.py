"""What the browser tests share: finding the system's headless Chromium, a class served on
loopback that a test can reach into safely, and pages at phone and projector sizes.

A browser is never downloaded: the tests use the one the system has (Debian's
``chromium-headless-shell``, or ``$PRESIDIUM_CHROMIUM``) and are skipped, saying why, when
there is none. Playwright only drives it (``executable_path``; never ``playwright install``).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx2 as httpx
import pytest

from presidium import events as ev
from presidium import seating
from presidium.classroom.session import Session
from presidium.model import Scenario
from presidium.web import app as web_app
from presidium.web.classroom import Classroom
from test_web import Served

T = TypeVar("T")

# Flags for a quiet, test-only browser: nothing fetched from outside, no first-run screens.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
PROJECTOR = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1280, "height": 800}
WAIT_MS = 10_000  # the longest a page may take to show what the server has said


def chromium() -> str | None:
    """A headless Chromium: $PRESIDIUM_CHROMIUM if it is set (set it to "none" to skip the
    browser tests), else Debian's headless shell (the binary itself: /usr/bin's wrapper does
    not exec, so killing it would leave the browser running), else one on PATH."""
    chosen = os.environ.get("PRESIDIUM_CHROMIUM")
    if chosen is not None:
        return chosen if os.access(chosen, os.X_OK) else None
    candidates = [
        "/usr/lib/chromium/chromium-headless-shell",
        shutil.which("chromium-headless-shell"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


BROWSER = chromium()
NO_BROWSER = (
    "no headless Chromium found (install Debian's chromium-headless-shell, or set "
    "PRESIDIUM_CHROMIUM to a Chromium binary); the tests never download one"
)
# CI sets PRESIDIUM_REQUIRE_BROWSER=1 once it has installed a browser: then a browser test
# that finds none fails instead of being skipped, so they can never be skipped unnoticed.
REQUIRED = os.environ.get("PRESIDIUM_REQUIRE_BROWSER") == "1"
needs_browser = pytest.mark.skipif(BROWSER is None and not REQUIRED, reason=NO_BROWSER)


def new_classroom(scenario: Scenario, students: int, seed: int = 7) -> Classroom:
    """A class on the real clock (its countdowns run as in class), codes dealt."""
    session = Session.new(scenario, seating.cast(scenario, students), seed)
    classroom = Classroom(session)
    classroom.deal_codes()
    return classroom


class LiveClass(Served):
    """A classroom on a real uvicorn in a thread, as ``class serve`` runs it, with a way in
    for the test: ``call`` runs a function on the server's own event loop, so a test never
    changes the game while a request is half done, and ``teacher`` posts a console line
    as the teacher's page does."""

    def __init__(self, classroom: Classroom, port: int | None = None) -> None:
        super().__init__(classroom, port)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)
        self.key = classroom.new_teacher_key()
        classroom.join_url = self.url + "/"

    async def _serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        await web_app.run_server(self.server, self.app.state.hub)

    def call(self, function: Callable[..., T], *args: Any) -> T:
        assert self.loop is not None

        async def run() -> T:
            return function(*args)

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(10)

    def teacher(self, line: str) -> list[str]:
        answer = httpx.post(
            self.url + "/api/teacher",
            json={"line": line},
            headers={"X-Presidium-Key": self.key},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        said: list[str] = answer.json()["said"]
        return said

    def drop(self, seat: str) -> None:
        """End the seat's open streams at the server, as a phone that sleeps loses them."""
        self.call(self.app.state.hub.drop_streams, ev.for_role(seat))

    def events(self, kind: type[ev.Event]) -> list[Any]:
        return self.call(lambda: [e for e in self.classroom.session.events if isinstance(e, kind)])


@dataclass
class Watched:
    """What went wrong in the pages of a test: uncaught script errors, dialogs, and the
    browser's Content-Security-Policy reports."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)


class Screens:
    """Opens pages, each in a context of its own (its own cookies and storage, as a separate
    device), watches them, and saves screenshots for people to look at."""

    def __init__(self, browser: Any, folder: Path, prefix: str) -> None:
        self.browser = browser
        self.folder = folder
        self.prefix = prefix
        self.contexts: list[Any] = []
        self.watched = Watched()
        self.saved: list[Path] = []

    def open(self, url: str, size: dict[str, int]) -> Any:
        context = self.browser.new_context(viewport=size, device_scale_factor=1)
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.watched.errors.append(str(error)))
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.goto(url)
        return page

    def _dialog(self, dialog: Any) -> None:
        self.watched.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.watched.csp.append(message.text)

    def shot(self, page: Any, name: str, full: bool = False) -> None:
        size = page.viewport_size
        path = self.folder / f"{self.prefix}-{name}-{size['width']}x{size['height']}.png"
        page.screenshot(path=str(path), full_page=full)
        self.saved.append(path)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def screenshot_folder(tmp_path: Path) -> Path:
    """Where screenshots go: $PRESIDIUM_SCREENSHOTS (for CI's artifacts and for people), or
    the test's own temporary folder."""
    chosen = os.environ.get("PRESIDIUM_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def launched_browser() -> Iterator[Any]:
    """The system's headless Chromium, for the ``browser`` fixture of a module of tests."""
    from playwright.sync_api import sync_playwright

    assert BROWSER is not None, NO_BROWSER
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=BROWSER, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def join(shots: Screens, live: LiveClass, seat: str, typed: str, size: dict[str, int]) -> Any:
    """A new device for ``seat``: the join page, the code typed as a student types it."""
    from playwright.sync_api import expect

    page = shots.open(live.url + "/", size)
    expect(page.locator("#join")).to_be_visible()
    page.locator("#code").fill(typed)
    page.locator("#join-button").click()
    expect(page.locator("#role-name")).to_have_text(live.classroom.keys[seat].name)
    expect(page.locator("#connection")).to_have_text("Connected")
    return page


def screens(browser: Any, tmp_path: Path, prefix: str) -> Iterator[Screens]:
    opened = Screens(browser, screenshot_folder(tmp_path), prefix)
    try:
        yield opened
    finally:
        opened.close()


def words(text: str | None) -> str:
    """Text with its white space made single spaces, as a page shows it."""
    return " ".join((text or "").split())
