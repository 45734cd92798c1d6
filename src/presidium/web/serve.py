"""``presidium class serve``: the class plays on phones; the laptop is the server.

The terminal is the projector and the teacher's console, exactly as in ``class run`` (the
same session, folder and console words), while phones, the projector's ``/room`` page and
the teacher's ``/teacher`` page join over the school network. One event loop owns the
session: the console's lines are read in a thread and handed to the loop, so only the loop's
thread ever changes the game. Ctrl-C (or ``quit``) ends every phone's stream, stops the
server within a few seconds and leaves the session saved for ``--resume`` (with ``serve`` or
``run``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from presidium import signals, web
from presidium.printable import clean
from presidium.seating import BENCH as BENCH_PREFIX

DEFAULT_PORT = 1957
SHUTDOWN_SECONDS = 2  # uvicorn's grace for open connections; streams end at once anyway
# How long a phone's idle connection is kept for its next action (uvicorn's default is 5 s):
# a class's votes come a minute or more apart, and each would otherwise open a new connection
# over the school's Wi-Fi (a round trip more before the vote is in, and the server's work to
# accept it). Chrome keeps an idle connection for up to five minutes; 'quit' and Ctrl-C close
# idle ones at once.
KEEP_ALIVE_SECONDS = 120
DRAW_SECONDS = 0.2  # what phones do is drawn on the console at most this often
# console words whose answer the room must not see (the codes, the teacher's key): at the
# keyboard, the projector is turned away first and the answer cleared after, as for 'private'
# (``Teacher.turn_away`` and ``Teacher.turn_back``, shared with ``class run``)
SECRET_ANSWERS = ("codes", "teacher-link", "reseat")  # 'reseat' answers with the new code
PAGE_PROMPT = "teacher's page> "  # what the console echoes of a line done on the teacher's page
# the page's lines that only show something (on the page): not echoed on the projector
PAGE_READS = ("help", "codes", "status", "roster", "open", "look", "notes", "private", "?")
NAMES_HELP = ("set", "inject", "move")  # 'help WORD' that lists what can be named now
PAGE_ANSWERED = ("assign", "time")  # the page's answers also said on the console (no secret)
CARDS = "join-cards.html"
SHEETS = "sheets.html"  # the role sheets, each with its join code


def serve_command(args: argparse.Namespace, out: IO[str]) -> int:
    """``presidium class serve``."""
    web.require("presidium class serve")
    import uvicorn

    from presidium.classroom import console as words
    from presidium.classroom.folder import WEB_FILE, served_on
    from presidium.ui.classroom import PROMPT, as_sentence, open_teacher
    from presidium.ui.play import PlayerQuit
    from presidium.ui.render import T, as_echoed, notice
    from presidium.web import network
    from presidium.web.app import Hub, create_app, run_server
    from presidium.web.classroom import (
        KEYBOARD_ONLY,
        TEACHER_LINK,
        WEB_HELP,
        WEB_WORDS,
        Classroom,
        Rejected,
        network_word,
        not_on_the_network,
    )

    opened: tuple[Any, bool] | None = None
    phones = None  # where the phones' open pages and the printed sheets are: a resume's
    if args.resume is not None:  # the session first: it says which port its phones use
        opened = open_teacher(args, "serve")
        phones = served_on(opened[0].place)
    host = args.host if args.host is not None else phones.host if phones else network.EVERYWHERE
    wanted = args.port if args.port is not None else phones.port if phones else DEFAULT_PORT
    try:
        sock, port, host, host_note = _listen(host, wanted, kept=args.host is None and bool(phones))
    except OSError as exc:
        return network.no_port(host, wanted, exc)
    moved = None  # what to tell the teacher when the phones cannot come back by themselves
    if phones is not None and port != phones.port:
        holding = network.holder(host, phones.port, phones.class_id)
        if holding == "this class":  # two servers would write one folder: never
            sock.close()
            return _still_served(phones.port)
        moved = moved_note(phones.port, wanted, port, holding)
    elif host_note:  # the last lesson's host is not this laptop's now
        moved = host_note
    if opened is None:
        opened = open_teacher(args, "serve")
    teacher, resuming = opened
    teacher.verb = "serve"
    # what 'quit' prints to go on: the port, unless it is the default (the folder keeps it
    # too, but the command then holds on its own: a copied save, a web.json lost)
    teacher.resume_options = ("--port", str(port)) if port != DEFAULT_PORT else ()
    teacher.unused = frozenset(KEYBOARD_ONLY)
    screen = teacher.screen
    # the console thread waits at the prompt; a line read and not yet handled is in flight
    typing = {"at_prompt": False, "over": 0, "in_flight": 0}
    editor = _line_editor(teacher.reader.interactive)

    def begun() -> str:
        """What the teacher has typed at the prompt and not yet sent, as it may be shown
        again (readline keeps it; without readline the terminal does, unseen: nothing)."""
        if editor is None:
            return ""
        try:
            return clean(editor.get_line_buffer(), one_line=True)
        except Exception:  # a line editor that cannot say: the prompt alone, as before
            return ""

    @contextlib.contextmanager
    def off_the_prompt() -> Iterator[None]:
        """Output that comes while the console waits at its prompt (what phones did, a
        countdown, a notice, a line done on the teacher's page) starts on a line of its own,
        and the prompt is shown again below it, with what the teacher had begun to type
        there (still in the line: Enter sends it). Nested, only the outermost does either."""
        waiting = typing["at_prompt"] and teacher.reader.interactive and not typing["over"]
        typing["over"] += 1
        try:
            if waiting:
                screen.console.file.write("\n")
            yield
        finally:
            typing["over"] -= 1
            if waiting:
                with contextlib.suppress(OSError, ValueError):
                    screen.console.file.write(PROMPT + begun())
                    screen.console.file.flush()

    def end_told() -> None:
        if teacher.session.game.over and not teacher.told_end:
            teacher.told_end = True
            teacher.ended()

    drawing = {"due": False}

    def shown(first: bool = False) -> None:
        """Draw what the phones did since the last time, as the room sees it; the prompt is
        shown again below it, since the output came while the teacher was at it. While a
        secret is on the screen, nothing is drawn: it would be cleared with the secret, so
        it waits until the screen has been cleared (``turn_back``); ``first``: before a
        console line's answer, which is not shown yet."""
        drawing["due"] = False
        # a line just typed and not yet handled stays the last one on the screen until
        # 'handle' has erased it, if it must (``Teacher.take_back``): handle draws this then
        hidden = teacher.projector_away or teacher.secret_shown or bool(typing["in_flight"])
        if not teacher.unshown or (hidden and not first):
            return
        with off_the_prompt():
            teacher.show_later()
            end_told()

    def from_phones(taken: list[Any]) -> Callable[[], None] | None:
        """What phones (or a countdown) did: written now (the sync is returned, for the
        server's thread), drawn on the console and in the room's record a moment later,
        with what else they do meanwhile (the phones' answers go first, and a ballot's
        votes are drawn a few times, not at every write)."""
        teacher.took(taken, later=True)
        try:
            if not drawing["due"]:
                asyncio.get_running_loop().call_later(DRAW_SECONDS, shown)
                drawing["due"] = True
        except RuntimeError:
            shown()
        return teacher.journal.syncing()

    classroom = Classroom(teacher.session, now_ms=teacher.now_ms, accepted=from_phones)
    web_file = teacher.place / WEB_FILE
    if resuming and web_file.is_file():
        classroom.load_json(web_file.read_text(encoding="utf-8", errors="replace"))

    def keep_web() -> None:
        _write_atomic(web_file, classroom.to_json())

    classroom.keys_changed = keep_web

    def said(message: str) -> None:
        """A warning for the teacher (joining paused): off the prompt's line."""
        with off_the_prompt():
            teacher.error(message)

    classroom.notice = said
    cards, sheets = teacher.place / CARDS, teacher.place / SHEETS
    _keep_private(cards, sheets, web_file)
    # the sheets printed for the last lesson (read once): the codes on them still hold
    old_sheets = sheets.read_text(encoding="utf-8", errors="replace") if sheets.is_file() else None
    if resuming and old_sheets is not None:  # shown again by the roster and 'codes'
        recall_codes(classroom, old_sheets)
    codes = classroom.deal_codes()
    key = classroom.new_teacher_key()
    urls = network.join_urls(port, host)  # best first: the one to show
    classroom.join_url = urls[0]
    classroom.served = {"host": host, "port": port}  # kept in web.json, for the next lesson
    if codes or old_sheets is None or moved:  # resumed: the first lesson's sheets hold
        printed = {seat: k.code for seat, k in classroom.keys.items() if k.code}
        if moved and old_sheets is not None:  # a new address: the old sheets' codes hold
            printed = {**printed, **printed_codes(classroom, old_sheets)}
            printed = {seat: printed[seat] for seat in classroom.keys if seat in printed}
        _write_atomic(cards, join_cards(classroom, printed, urls[0]))
        _write_atomic(sheets, role_sheets(classroom, printed, urls[0]))

    direct = classroom.teacher_line  # the terminal's own lines, already echoed

    def from_page(line: str) -> list[str]:
        """A line typed, or a button pressed, on the teacher's page: echoed on the console
        (and in room.txt) as the terminal's own lines are, then done, so the teacher at the
        laptop sees what was done and by which console. What only shows something (help,
        the codes, a 'reveal' not yet confirmed) is not echoed, nor a label's name (a
        student's), nor an answer that holds a code."""
        word = _first_word(line)
        confirmed = line.strip().lower().endswith(" yes") or line.strip().lower() == "yes"
        if word in PAGE_READS or (word == "reveal" and not confirmed) or not word:
            return direct(line)
        with off_the_prompt():  # all of it below the prompt's line, and the prompt again
            shown()  # what the phones did comes first (unless a secret is on the screen)
            # a private line, or a label's name (a student's), is never shown as typed
            echoed = teacher.echoed(line)
            echo = PAGE_PROMPT + (as_echoed(clean(line).strip()) if echoed is None else echoed)
            screen.echo(echo)
            with signals.holding():
                teacher.record.echo(echo)
            try:
                answers = direct(line)
            except Rejected as exc:
                teacher.error(as_sentence(exc.reason))
                raise
            if word in PAGE_ANSWERED:
                for answer in answers:
                    screen.out(T(answer, "presidium.label"))
            end_told()
        return answers

    classroom.teacher_line = from_page  # type: ignore[method-assign]

    def handle(line: str) -> bool:
        """One console line, in the loop's thread; False when the teacher quits."""
        # a line the screen must not keep as typed (a private one, a label's name) is erased
        # first, while it is still the last one on the screen; then what the phones did
        # (unless a secret is on the screen), in the record and on the screen; then the line
        try:
            taken_back = teacher.take_back(PROMPT, line)
        finally:  # what the phones do is drawn again whatever happens to this line
            typing["in_flight"] = 0
        shown()
        teacher.echo_line(PROMPT, line, taken_back)
        word = _first_word(line)
        if word in ("quit", "exit"):
            return False
        if word == "teacher-link":
            teacher_link(screen.console, urls, key)
            return True
        if word in WEB_WORDS:
            try:
                for answer in direct(line):
                    screen.out(T(answer, "presidium.label"))
            except Rejected as exc:
                teacher.error(as_sentence(exc.reason))
            return True
        if word in KEYBOARD_ONLY:  # said before its words are read, as the teacher's page does
            teacher.error(as_sentence(not_on_the_network(word)))
            return True
        helped = network_word(line)  # 'help time': one answer for the terminal and the page
        if helped is not None:
            for said in classroom.word_help(helped):
                screen.out(T(said))
            return True
        parsed = words.parse(line, teacher.view())
        if parsed is None:
            return True
        if isinstance(parsed, words.Command) and parsed.word == "help" and not parsed.target:
            teacher.help()
            screen.out(T("On the network:", "presidium.title"))
            # each word's wrapped lines under its text, not at the screen's edge
            rows = [(T(f"  {usage}:"), T(what)) for usage, what in (*WEB_HELP, TEACHER_LINK)]
            screen.out(screen.hanging_texts(rows))
            return True
        if isinstance(parsed, words.Command) and parsed.word == "help":
            try:  # one answer for the terminal and the teacher's page
                told = classroom.word_help(parsed.target or "")
            except Rejected as exc:
                teacher.error(exc.reason)
                return True
            named = [s.partition(": ") for s in told[1:]]  # 'help inject': "ID: what (in: …)"
            if parsed.target in NAMES_HELP and named and all(colon for _, colon, _ in named):
                screen.out(T(told[0]))  # each name's wrapped lines under its text
                rows = [(T(f"{name}:", "presidium.choice"), T(what)) for name, _, what in named]
                screen.out(screen.hanging_texts(rows))
                return True
            for text in told:
                screen.out(T(text))
            return True
        if isinstance(parsed, words.Problem):
            teacher.error(as_sentence(parsed.reason))
        elif isinstance(parsed, words.Actions):
            asked = words.reveal_asked(line, teacher.session.game.room)  # what becomes public
            for said in asked:
                screen.out(T(said, "presidium.label"))
            if not asked:
                teacher.submit_all(classroom.closes(list(parsed.actions)))
                classroom.changed()
        else:
            teacher.command(parsed)
        end_told()
        return True

    def recap(cleared: bool) -> bool:
        """After a secret: what the phones did meanwhile, then, when the screen was
        cleared, where the class is (``Teacher.where``)."""
        shown()
        if cleared:
            teacher.where()
        return True

    async def main() -> int:
        loop = asyncio.get_running_loop()
        hub = Hub(classroom)
        app = create_app(classroom, hub)
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            access_log=False,
            log_level="warning",
            timeout_graceful_shutdown=SHUTDOWN_SECONDS,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            lifespan="on",
            proxy_headers=False,  # no proxy here: a client's own address is what limits joins
            server_header=False,  # no "server: uvicorn" on every answer
            date_header=False,  # nor a date: the pages never read it
        )
        server = uvicorn.Server(config)

        def console_thread() -> None:
            while not server.should_exit:
                typing["at_prompt"] = True
                try:
                    line = teacher.reader.read(PROMPT)
                except PlayerQuit:
                    line = "quit"
                except (OSError, ValueError):
                    return
                typing["at_prompt"] = False
                if line is None:  # no keyboard (piped or closed): the server goes on
                    return
                # the join codes, the teacher's key and what is private: the projector is
                # turned away first (waited for here, not in the loop, which serves the phones)
                away = _turn_away_first(teacher, line)
                if away:
                    if not teacher.turn_away():
                        return
                    teacher.projector_away = True
                typing["in_flight"] = 1  # drawn by 'handle' itself, once the line is erased
                future = asyncio.run_coroutine_threadsafe(_call(handle, line), loop)
                try:
                    if not future.result():
                        server.should_exit = True
                        return
                except Exception as exc:  # a console line never stops the class
                    # said in the loop and waited for: before the prompt, not on its line
                    told = asyncio.run_coroutine_threadsafe(
                        _call(teacher.error, clean(str(exc))), loop
                    )
                    with contextlib.suppress(Exception):
                        told.result()
                if away:
                    cleared = False
                    try:  # the secret noted, then cleared off the screen
                        cleared = teacher.turn_back(recap=False)
                    finally:
                        teacher.projector_away = False
                        # what came meanwhile, then where the class is now (the screen is
                        # blank), drawn in the loop before the prompt is shown again
                        with contextlib.suppress(Exception):
                            asyncio.run_coroutine_threadsafe(_call(recap, cleared), loop).result()

        threading.Thread(target=console_thread, name="console", daemon=True).start()
        await run_server(server, hub, [sock])
        return 0

    _announce(screen.console, urls, port, wanted, sheets, cards, moved)
    notice(screen.console, f"The session is kept in {teacher.place}.")
    teacher.welcome(resuming)
    keep_web()
    if moved and phones is not None:  # said again where the teacher looks: below the scene
        looked = f"port {phones.port}" if port != phones.port else clean(phones.host)
        teacher.error(
            f"The phones' open pages cannot come back by themselves (they look for {looked}): "
            f"the students must open {urls[0]}"
        )
    screen.out(
        T(
            f"Phones join at {urls[0]} and the projector opens {urls[0]}room (the code and "
            "the QR are above). Type 'help' for the console words; 'quit' stops the server.",
            "presidium.label",
        )
    )
    end_told()  # a resumed game that has ended: what is left to do ('reveal', the debrief)
    keyboard = _terminal_state()
    try:
        code = asyncio.run(main())
    except KeyboardInterrupt:
        _terminal_restore(keyboard)
        _finish(teacher, classroom, keep_web, interrupted=True)
        raise
    _terminal_restore(keyboard)
    _finish(teacher, classroom, keep_web, interrupted=False)
    return code


def _line_editor(interactive: bool) -> Any:
    """The readline module, for the console to read its lines through when the teacher is at
    a terminal: it keeps the text begun at the prompt where the server's other thread can
    read it, to show it again under what the phones did meanwhile. None where there is no
    readline (Windows), or nobody types. Lines are not kept for the arrow keys to bring back:
    a private line or a label's name must not reappear on the projector. Bracketed paste is
    left off: a line pasted with its newline is sent, as before, and nothing is left turned
    on in the terminal if the server is stopped while the console waits."""
    if not interactive:
        return None
    try:
        import readline
    except ImportError:
        return None
    readline.set_auto_history(False)
    # GNU readline's setting; macOS's Python has libedit, whose syntax differs (and which
    # has no bracketed paste to turn off)
    backend = getattr(readline, "backend", None)  # Python 3.13 and later say which
    if backend == "readline" or (backend is None and "libedit" not in (readline.__doc__ or "")):
        readline.parse_and_bind("set enable-bracketed-paste off")
    return readline


def _terminal_state() -> Any:
    """The keyboard's terminal settings, to restore on the way out: stopped while the console's
    thread waited for Enter with echo off (turning the projector away), the thread never
    gets to restore them, and the shell after would not show what is typed."""
    import sys

    try:
        import termios
    except ImportError:  # not on this system (Windows)
        return None
    try:
        if not sys.stdin.isatty():
            return None
        return (sys.stdin.fileno(), termios.tcgetattr(sys.stdin.fileno()))
    except (termios.error, OSError, ValueError, AttributeError):
        return None


def _terminal_restore(state: Any) -> None:
    if state is None:
        return
    import termios

    with contextlib.suppress(OSError, termios.error):
        termios.tcsetattr(state[0], termios.TCSADRAIN, state[1])


def _turn_away_first(teacher: Any, line: str) -> bool:
    """Whether the console line shows what the projector must not: the join codes, the
    teacher's key, or (``private``) what reached the teacher alone, when something has."""
    if not teacher.reader.interactive:
        return False
    word = _first_word(line)
    return word in SECRET_ANSWERS or (word == "private" and bool(teacher.private_waiting()))


def _first_word(line: str) -> str:
    return line.strip().split(" ", 1)[0].lower() if line.strip() else ""


async def _call(handle: Any, *args: Any) -> bool:
    return bool(handle(*args))


def _finish(teacher: Any, classroom: Any, keep_web: Any, interrupted: bool) -> None:
    from presidium import signals

    teacher.clear_secret()  # stopped while a secret was on the screen: cleared first
    with signals.holding():
        teacher.show_later()
        teacher.write()
        keep_web()
    with contextlib.suppress(Exception):
        teacher.saved(interrupted=interrupted)


def _listen(host: str, wanted: int, kept: bool) -> tuple[Any, int, str, str | None]:
    """A listening socket (``network.pick_port``), its port, the host it listens on, and what
    to say when that is not the host asked for: a host ``kept`` from the last lesson that this
    laptop no longer has (another network, a new address) gives way to every network."""
    import errno
    import socket

    from presidium.web import network

    try:
        sock, port = network.pick_port(host, wanted)
    except OSError as exc:
        gone = isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL
        if not kept or not gone or host == network.EVERYWHERE:
            raise
        sock, port = network.pick_port(network.EVERYWHERE, wanted)
        note = (
            f"The last lesson listened on {clean(host)} only, an address this laptop does not "
            "have now: this one listens on every network, so the students must open the new "
            "address below (the role sheets and join cards are written again with it)"
        )
        return sock, port, network.EVERYWHERE, note
    return sock, port, host, None


def moved_note(before: int, wanted: int, port: int, holding: str) -> str:
    """What the teacher is told when a resumed class is served on another port than the one
    its phones' open pages and printed sheets use (``before``): why, and what to do."""
    uses = f"port {before}, which the phones' open pages and the printed sheets use"
    if wanted == before:
        why = {
            "another class": "another class's server is on it",
            "another program": "another program is listening on it",
        }.get(holding, "it is in use, or kept for administrators")
        said = (
            f"The last lesson was served on {uses}, but it is taken now ({why}), so the "
            "phones cannot come back by themselves."
        )
    else:
        asked = "as asked" if port == wanted else f"port {wanted} is in use"
        said = f"The last lesson was served on {uses}; this one is on port {port} ({asked})."
    return (
        f"{said} Serving on port {port}: the students must open the new address below (or "
        "scan its code); the role sheets and join cards are written again with it. To stay "
        f"on port {before} instead, stop what holds it, type 'quit' and resume with --port "
        f"{before}."
        if wanted == before
        else f"{said} The students must open the new address below (or scan its code); the "
        "role sheets and join cards are written again with it."
    )


def _still_served(port: int) -> int:
    """The class is served already (its ``class serve`` still runs): a second server would
    write the same folder, so none is started."""
    import sys

    sys.stderr.write(
        f"presidium: this class is still being served on port {port}: its 'class serve' is "
        "running (in another terminal or window?). Go on there, or type 'quit' there and "
        "resume it again.\n"
    )
    return 1


def _announce(
    console: Any,
    urls: list[str],
    port: int,
    wanted: int,
    sheets: Path,
    cards: Path,
    moved: str | None = None,
) -> None:
    from presidium.ui.render import T
    from presidium.web import network

    def say(text: str, style: str = "") -> None:
        console.print(T(text, style) if style else T(text), soft_wrap=False)

    say("")
    note = network.port_note(wanted, port)
    if moved:  # the phones' port is not this one: said first, and plainly
        say(moved, "presidium.error")
    elif note:
        say(note[:1].upper() + note[1:] + ".", "presidium.label")
    say("Students open this address on a phone on the same network:", "presidium.title")
    for url in urls:
        loop = "  (this laptop only)" if "127.0.0.1" in url or "[::1]" in url else ""
        say(f"  {url}{loop}")
    say("or scan this code:")
    network.print_qr(console, urls[0])
    say(f"Projector: {urls[0]}room", "presidium.label")
    say(f"Role sheets with each role's join code, to print: {sheets}", "presidium.label")
    say(f"The codes alone, on cards to cut out: {cards}", "presidium.label")
    say(
        "Type 'codes' for the codes, and 'teacher-link' for your own page "
        "(not while the screen is projected).",
        "presidium.label",
    )


def teacher_link(console: Any, urls: list[str], key: str) -> None:
    """The teacher's page address with its key, and its QR, for the teacher's own phone."""
    from presidium.ui.render import T
    from presidium.web import network

    link = f"{urls[0]}teacher#key={key}"
    console.print(T("Your page (it shows secrets: do not project it):", "presidium.title"))
    console.print(T(f"  {link}"), soft_wrap=True)
    network.print_qr(console, link)


def role_sheets(classroom: Any, codes: dict[str, str], url: str) -> str:
    """The class's handouts (``class sheets``), each role's sheet with its join code."""
    from dataclasses import replace

    from presidium.classroom import paper, sheets

    session = classroom.session
    handouts = sheets.build(session.scenario, session.seating)
    return paper.html(replace(handouts, join_url=url, codes=tuple(codes.items())))


def join_cards(classroom: Any, codes: dict[str, str], url: str) -> str:
    """A page of cards to print and cut: a role's name, its join code and the address."""
    import html

    from presidium.web import network

    qr = network.qr_svg(url)
    title = html.escape(clean(classroom.session.scenario.title))
    cards = []
    for seat, code in codes.items():
        name = html.escape(clean(classroom.keys[seat].name))
        cards.append(
            '<section class="card">'
            f"<h2>{name}</h2>"
            f'<p class="code">{html.escape(code)}</p>'
            f"<p>Open <strong>{html.escape(url)}</strong> on your phone (or scan the code), "
            "then type the code above. Keep it to yourself: it is your role.</p>"
            f'<div class="qr">{qr}</div>'
            "</section>"
        )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Join cards: {title}</title><style>"
        "body{font-family:sans-serif;margin:0}"
        ".cards{display:grid;grid-template-columns:1fr 1fr;gap:0}"
        ".card{border:1px dashed #666;padding:12mm;break-inside:avoid;min-height:60mm}"
        ".card h2{margin:0 0 4mm;font-size:16pt}"
        ".code{font:bold 24pt monospace;letter-spacing:2px;margin:0 0 4mm}"
        ".qr svg{width:30mm;height:30mm}"
        "@page{size:A4;margin:10mm}"
        "</style></head><body>"
        f"<h1>{title}: join cards</h1><p>Cut along the dashed lines; one card a student.</p>"
        f'<div class="cards">{"".join(cards)}</div></body></html>\n'
    )


def printed_codes(classroom: Any, printed: str) -> dict[str, str]:
    """Every seat's join code found in ``printed`` (the role sheets), claimed or not, checked
    against the hash the seat kept: what sheets printed again for a new address hold."""
    import re

    from presidium.web.classroom import digest, normal_code

    found = {digest(normal_code(c)): c for c in re.findall(r"\b[A-Z]{1,4}-[0-9A-Z]{5}\b", printed)}
    return {
        seat: found[keys.code_hash]
        for seat, keys in classroom.keys.items()
        if keys.code_hash and keys.code_hash in found
    }


def recall_codes(classroom: Any, printed: str) -> list[str]:
    """The join codes of the seats nobody has claimed, read back from the role sheets printed
    for them (``sheets.html``), so that the roster and ``codes`` show a resumed class the code
    that still works, not "none". Only hashes are kept in ``web.json``; a code is taken back
    only if its hash is the seat's. The seats given their code again, in order."""
    found = printed_codes(classroom, printed)
    recalled = []
    for keys in classroom.keys.values():
        unclaimed = not keys.claimed or keys.seat.startswith(BENCH_PREFIX)
        if not keys.code and unclaimed and keys.seat in found:
            keys.code = found[keys.seat]
            recalled.append(keys.seat)
    return recalled


def _write_atomic(path: Path, text: str) -> None:
    """Write a file of the session folder whole, readable by the teacher alone (0600), as
    the save is: the sheets and cards hold every join code, web.json the devices' hashes."""
    from presidium import saves

    saves.write_atomically(text.encode("utf-8"), path)


def _keep_private(*paths: Path) -> None:
    """Make files an earlier version wrote readable by the teacher alone."""
    for path in paths:
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_mode & 0o077:
                path.chmod(0o600)
