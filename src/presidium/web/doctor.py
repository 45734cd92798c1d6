"""``presidium class doctor``: before class, check that phones can reach this laptop.

Addresses and a free port can be checked from the laptop alone; whether the school's Wi-Fi
lets a phone reach the laptop cannot. So the doctor also serves a test page and says, in the
terminal, when a device opens it: the teacher opens it on their own phone, on the students'
Wi-Fi, and that is the real check.
"""

from __future__ import annotations

import argparse
import socket
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from presidium.errors import PresidiumError
from presidium.printable import clean
from presidium.web import network

if TYPE_CHECKING:
    import uvicorn
    from starlette.applications import Starlette

WIDTH = 80
STOP_TIME = 3.0  # seconds: Enter or Ctrl-C ends the doctor within this, phones connected or not
START_TIME = 10.0

ADVICE = (
    "If your phone cannot open the test page:",
    "- Put the phone on the Wi-Fi the students will use: not on mobile data, and not on a "
    "staff network if the students have their own.",
    '- Guest and student Wi-Fi often keep devices apart ("client isolation"): the phone and '
    "this laptop are both online, yet the phone cannot reach the laptop. Ask the school's IT "
    "staff, or use a hotspot.",
    "- A firewall may keep the port shut. The first time, Windows asks whether Python may "
    'communicate on networks: tick the kind the school Wi-Fi is (often "Public") and choose '
    '"Allow access". macOS asks whether Python may "accept incoming network connections": '
    'choose "Allow".',
    "- A hotspot: turn on your phone's hotspot, join this laptop and the students' phones to "
    "it, and run the doctor again. Many phones take only about 10 devices (check yours): "
    "students can share in pairs.",
    '- No network at all: "presidium class run" plays on one keyboard, with the roles on '
    'paper; a class started with "class serve" goes on there with --resume.',
)

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>presidium: {title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/doctor.css">
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""

# What the page says depends on who opened it, as the terminal does: the laptop reaching
# itself shows only that the server runs; a phone reaching it is the check.
PHONE_TITLE = "this phone reached the laptop"
PHONE_SAYS = """<h1>It works</h1>
<p>This device reached presidium on the teacher's laptop.</p>
<p>Phones on the same Wi-Fi as this one can join the class.</p>
<p>You can close this page.</p>"""

LAPTOP_TITLE = "the laptop reached itself"
LAPTOP_SAYS = """<h1>It works on this laptop</h1>
<p>This is the laptop itself: the server runs, but only a phone can show that phones reach it.</p>
<p>Now open the same address on your own phone, on the students' Wi-Fi.</p>"""

STYLE = """html { font-family: system-ui, sans-serif; font-size: 125%; line-height: 1.5; }
body { margin: 0; background: #fff; color: #111; }
main { max-width: 32rem; margin: 0 auto; padding: 1.5rem 1rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 1rem; }
@media (prefers-color-scheme: dark) { body { background: #111; color: #eee; } }
"""

HEADERS = {
    "Cache-Control": "no-store",  # a reload must reach the laptop again, not the phone's cache
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def doctor_command(args: argparse.Namespace, out: IO[str]) -> int:
    """``presidium class doctor [--port N] [--host H] [--check]``."""
    from presidium import web

    web.require("presidium class doctor")
    host, wanted = str(args.host), int(args.port)
    try:
        sock, port = network.pick_port(host, wanted)
    except OSError as exc:
        return network.no_port(host, wanted, exc)
    try:
        found = network.addresses()
        served = network.served(str(sock.getsockname()[0]), found)
        ready = _report(out, host, wanted, port, served, found)
        if args.check:
            out.write("\n" + _verdict(ready, port))
            return 0 if ready else 1
        return _serve(sock, wanted, port, served, {address.ip for address in found}, out)
    finally:
        sock.close()


def _report(
    out: IO[str],
    host: str,
    wanted: int,
    port: int,
    served: list[network.Address],
    found: list[network.Address],
) -> bool:
    """Print the addresses, the port and the advice; whether a phone could reach any address."""
    lines = ["presidium class doctor: can phones in the classroom reach this laptop?", ""]
    lines.append("Addresses (the first is the one to give the class):")
    column = min(max(len(address.url(port)) for address in served) + 4, 40)
    for address in served:
        label = clean(address.describe(), one_line=True)
        lines.extend(
            textwrap.wrap(
                label,
                WIDTH,
                initial_indent=f"  {address.url(port):<{column - 2}}",
                subsequent_indent=" " * column,
                break_on_hyphens=False,
            )
        )
    if host == network.EVERYWHERE and any(a.version == 6 and a.reachable for a in found):
        lines.append("  (this laptop has IPv6 addresses too: --host :: serves on them as well)")
    if port == wanted:
        lines.append(f"Port {port} is free.")
    else:
        lines.append(
            f"Port {wanted} is in use (by another program, or a presidium already running); "
            "presidium picks a free port instead, by itself, and says which."
        )
    ready = any(address.reachable for address in served)
    if not ready:
        lines.append("")
        if host not in (network.EVERYWHERE, "::") and all(a.loopback for a in served):
            lines.append(
                f"--host {host} serves this laptop only: phones cannot reach it. Leave --host "
                "out to serve on every network."
            )
        else:
            lines.append(
                "No address here is one a phone could reach: is this laptop on a Wi-Fi "
                "network? Join the students' Wi-Fi, or a phone's hotspot, and run the doctor "
                "again."
            )
    lines.append("")
    for paragraph in ADVICE:
        indent = "  " if paragraph.startswith("- ") else ""
        lines.extend(textwrap.wrap(clean(paragraph), WIDTH, subsequent_indent=indent))
    out.write("\n".join(_fit(line) for line in lines) + "\n")
    return ready


def _fit(line: str) -> str:
    return "\n".join(textwrap.wrap(line, WIDTH)) if len(line) > WIDTH else line


def _verdict(ready: bool, port: int) -> str:
    if not ready:
        return "Not ready: no address a phone could reach.\n"
    return (
        "\n".join(
            textwrap.wrap(
                f"Ready to serve on port {port}. Only a phone can show that phones reach this "
                "laptop: run 'presidium class doctor' without --check and open its test page on "
                "yours.",
                WIDTH,
            )
        )
        + "\n"
    )


class _Page:
    """What the test page has seen: the addresses of the devices that opened it."""

    def __init__(self, out: IO[str], own: set[str]) -> None:
        self.out = out
        self.own = own
        self.seen: set[str] = set()
        self.phone = False
        self.lock = threading.Lock()

    def opened(self, client: str) -> bool:
        """Say in the terminal (once for each device) who opened the page: whether it was a
        device other than this laptop."""
        if client.startswith("::ffff:"):  # an IPv4 device on a dual-stack socket
            client = client[len("::ffff:") :]
        laptop = client in self.own or client.startswith("127.") or client == "::1"
        with self.lock:
            if client in self.seen:
                return not laptop
            self.seen.add(client)
            shown = clean(client, one_line=True)
            if laptop:
                said = (
                    f"This laptop opened the test page ({shown}): the server works, but only "
                    "a phone can show that phones reach it."
                )
            else:
                self.phone = True
                said = f"A device at {shown} opened the test page: phones can reach this laptop."
            try:
                self.out.write(_fit(said) + "\n")
                self.out.flush()
            except Exception:  # a closed terminal must not break the page
                pass
            return not laptop


def _serve(
    sock: socket.socket,
    wanted: int,
    port: int,
    served: list[network.Address],
    own: set[str],
    out: IO[str],
) -> int:
    """Serve the test page until Enter or Ctrl-C (which the command line turns into exit
    130); stop within ``STOP_TIME`` either way. Exit 0 only when a phone opened the page:
    that is the check the doctor is for, so without it the teacher is told what to do next
    and the exit is 1, as for any problem found."""
    reachable = [address for address in served if address.reachable]
    url = (reachable or served)[0].url(port)
    page = _Page(out, own)
    server = _start(sock, _app(page.opened))
    try:
        out.write("\n")
        note = network.port_note(wanted, port)
        if note:
            out.write(note[0].upper() + note[1:] + ".\n")
        if reachable:
            out.write("The test page is served. Open it on your own phone:\n\n")
            if network.can_draw(getattr(sys.stdout, "encoding", None)):
                from presidium.ui.render import make_console

                out.flush()
                network.print_qr(make_console(plain=False), url)
        else:
            out.write("The test page is served, to this laptop only. Open it here:\n\n")
        out.write(f"  {url}\n\nWaiting for a device to open it; press Enter (or Ctrl-C) to stop.\n")
        out.flush()
        _wait_for_enter()
    finally:
        _stop(server)
        if page.phone:
            out.write("A phone reached this laptop: it is ready for 'presidium class serve'.\n")
        else:
            seen = "Only this laptop opened the test page; no phone did."
            out.write((seen if page.seen else "No device opened the test page.") + "\n")
            out.write(_fit(_next_step(url if reachable else None)) + "\n")
    return 0 if page.phone else 1


def _next_step(url: str | None) -> str:
    """What to do when no phone opened the test page: the check is still to be done."""
    if url is None:
        return (
            "Not checked: no address here is one a phone could reach (see above). Fix that, "
            "then run 'presidium class doctor' again and open its test page on your phone."
        )
    return (
        f"Not checked yet: run 'presidium class doctor' again and open {url} on your own "
        "phone, on the students' Wi-Fi; if it will not open, try the advice above."
    )


def _wait_for_enter() -> None:
    stdin = sys.stdin
    if stdin is not None:
        stdin.readline()


def _app(opened: Callable[[str], bool]) -> Starlette:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    async def test_page(request: Request) -> Response:
        phone = opened(request.client.host if request.client else "")
        title, body = (PHONE_TITLE, PHONE_SAYS) if phone else (LAPTOP_TITLE, LAPTOP_SAYS)
        page = PAGE.replace("{title}", title).replace("{body}", body)
        return HTMLResponse(page, headers=HEADERS)

    async def style(request: Request) -> Response:
        return Response(STYLE, media_type="text/css", headers=HEADERS)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"ok": True}, headers=HEADERS)

    async def not_found(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("Not found", status_code=404, headers=HEADERS)

    return Starlette(
        routes=[Route("/", test_page), Route("/doctor.css", style), Route("/healthz", healthz)],
        exception_handlers={404: not_found},
    )


class _Running:
    """A uvicorn server on its own thread, so the main thread can wait for Enter."""

    def __init__(self, server: uvicorn.Server, sock: socket.socket) -> None:
        self.server = server
        self.failure: BaseException | None = None
        self.thread = threading.Thread(
            target=self._run, args=(sock,), name="presidium-doctor", daemon=True
        )

    def _run(self, sock: socket.socket) -> None:
        import asyncio

        from presidium.web.app import run_server  # stops as the class's server does

        try:
            asyncio.run(run_server(self.server, None, [sock]))
        except BaseException as exc:  # reported on the main thread
            self.failure = exc


def _start(sock: socket.socket, app: Starlette) -> _Running:
    import uvicorn

    config = uvicorn.Config(
        app,
        http="h11",
        loop="asyncio",
        lifespan="off",
        log_config=None,
        log_level="warning",
        access_log=False,
        proxy_headers=False,  # the client's own address, never a header's claim
        server_header=False,
        timeout_graceful_shutdown=2,
    )
    running = _Running(uvicorn.Server(config), sock)
    running.thread.start()
    deadline = time.monotonic() + START_TIME
    while not running.server.started and running.thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not running.server.started:
        _stop(running)
        reason = running.failure or "it did not start in time"
        raise PresidiumError(f"the test page could not be served: {reason}")
    return running


def _stop(running: _Running) -> None:
    running.server.should_exit = True
    running.thread.join(STOP_TIME - 0.5)
    if running.thread.is_alive():  # connections still open after the grace period
        running.server.force_exit = True
        running.thread.join(0.5)
