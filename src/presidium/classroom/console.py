"""The teacher's console words: one typed line -> the actions it asks for, a console-only
command, or the one-line reason it cannot be read.

Pure: no input, output or clock. The terminal console (``presidium class run``) reads a line,
asks ``parse`` what it means against a ``View`` of the game as it stands, and submits what
comes back; a web page for the teacher can use the same words. The parser checks what it can
see (words, roles, choice ids, numbers, the shape of a line); whether an action is allowed now
is the engine's call, and its ``IllegalChoice`` reason is shown the same way.

Role ids, choice ids and words that are misspelt get a did-you-mean. Choices are typed by
number or by id. Choice ids only ever follow ``as ROLE``, so no word here can hide one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from presidium.actions import (
    MAX_TEXT,
    Action,
    Advise,
    Argue,
    Cast,
    Choose,
    Close,
    Conclude,
    Declare,
    Hands,
    Inject,
    MakeMove,
    Note,
    Overrule,
    Pause,
    Rate,
    Resume,
    Reveal,
    ScriptSeat,
    SeatRole,
    SetValue,
    Tally,
    Undo,
)
from presidium.conditions import BOOL, INT, set_by_the_game
from presidium.diagnostics import did_you_mean
from presidium.events import (
    Concluded,
    Declared,
    Event,
    HandsCounted,
    Injected,
    ObjectivesScored,
    Option,
    Paused,
    RequestOpened,
    Resumed,
    Ruling,
    SeatChanged,
    Status,
)
from presidium.model import RATINGS, Scenario, Variable
from presidium.printable import clean
from presidium.seating import BENCH, Seating, role_of, seat_name

BALLOTS = ("for", "against", "abstain")
# Other ways a teacher may say a ballot (a show of hands is often "yes" and "no").
BALLOT_WORDS = {"for": "for", "yes": "for", "aye": "for", "against": "against", "no": "against"}
BALLOT_WORDS.update({"nay": "against", "abstain": "abstain", "abstains": "abstain"})
LONGEST_WAIT = 60 * 60  # seconds: a countdown longer than a lesson is a typing slip
DEFAULT_WAIT = 3 * 60  # seconds, when neither the teacher nor the scenario says how long
SEPARATOR = " -- "  # between a line's words and the free text (a reason, an argument)

# word -> (what to type, what it does); in the order 'help' lists them.
WORDS: dict[str, tuple[str, str]] = {
    "status": ("status", "the state of play"),
    "roster": ("roster", "who plays which role (and which roles the script plays)"),
    "open": ("open", "what the game is waiting for, and who has not answered yet"),
    "look": ("look", "the current scene, and what is open, again"),
    "private": (
        "private",
        "for your eyes: notes, advice and private moves since you last looked",
    ),
    "notes": ("notes", "the history behind the scenes since the last decision, with sources"),
    "as": (
        "as ROLE CHOICE [VOTE]",
        "a decision or a ballot said aloud (never a secret one; advice: 'secret ROLE')",
    ),
    "hands": ("hands N N ...", "a show of hands for the open decision, in the choices' order"),
    "cast": (
        "cast [VOTE] for: A B; against: C; abstain: D",
        "a roll call: the ballots of the roles named",
    ),
    "secret": (
        "secret ROLE [VOTE]",
        "that role comes to the keyboard to type a ballot or advice; nothing typed is shown",
    ),
    "tally": ("tally [VOTE] FOR AGAINST ABSTAIN", "a paper ballot's totals, in votes"),
    "move": ("move ROLE MOVE [TARGET]", "a move on the floor (it resolves when the floor closes)"),
    "declare": ("declare ROLE STANCE", "a role declares its stance, publicly"),
    "argue": ("argue ROLE TARGET -- TEXT", "a role argues with an undecided actor"),
    "rate": ("rate [REQUEST] N", "rate an argument from 1 (weak) to 5 (strong)"),
    "note": ("note ROLE", "a private note to the teacher, typed at the keyboard unseen"),
    "wait": ("wait [3m]", "a countdown; at zero (or Enter) what is open closes"),
    "close": (
        "close [REQUEST]",
        "close the ballot, floor or decision now; name it when several are open",
    ),
    "pause": ("pause [REASON]", "stop the game for the room: no student's action until 'resume'"),
    "resume": ("resume", "the game goes on after a pause"),
    "inject": ("inject ID", "one of the scenario's events for the teacher"),
    "set": ("set VAR VALUE -- REASON", "a ruling: set a value, and say why"),
    "overrule": (
        "overrule CHOICE -- REASON",
        "decide the open decision for its student, or, with none open, replace the latest "
        "decision taken (what was done since is taken back); say why",
    ),
    "script": ("script ROLE", "the scenario plays that role from now on"),
    "seat": ("seat ROLE", "a student takes that role back from the script"),
    "reveal": ("reveal [VOTE]", "show the secret ballots (and, after the end, the objectives)"),
    "undo": ("undo", "take back the latest action"),
    "conclude": ("conclude", "the bell: the script plays every seat to an ending"),
    "save": ("save [FILE]", "write the session now (and a copy to FILE)"),
    "help": ("help [WORD]", "the console words; with a word, what it does"),
    "quit": ("quit", "leave; the session is saved, and --resume goes on with it"),
}
# The words by what they are for: 'help' lists them so, one line a group.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("the game", ("status", "roster", "open", "look", "notes", "private")),
    ("decisions", ("as", "hands")),
    ("ballots", ("cast", "secret", "tally")),
    ("the floor", ("move", "declare", "argue", "rate", "note")),
    ("time", ("wait", "close", "pause", "resume")),
    ("rulings", ("inject", "set", "overrule", "undo")),
    ("seats", ("script", "seat")),
    ("the end", ("conclude", "reveal")),
    ("the session", ("save", "help", "quit")),
)
# What a benches game cannot use: its benches decide by hands and by a spokesperson's word;
# they have no ballots, no floor and no notes.
NOT_FOR_BENCHES = frozenset({"cast", "secret", "tally", "move", "declare", "argue", "rate", "note"})
LABEL_LEFT_OUT = "(a label)"  # what the screen and room.txt show of a label's name
ALIASES = {"?": "help", "exit": "quit", "advance": "close", "roll": "roster", "requests": "open"}


@dataclass(frozen=True)
class View:
    """What the console knows of the game now: enough to read a line, nothing private."""

    scenario: Scenario
    seating: Seating
    requests: tuple[RequestOpened, ...] = ()  # open, in the order they opened
    scripted: frozenset[str] = frozenset()  # seats the script plays now
    last_decision: str | None = None  # the phase of the latest decision taken (for overrule)
    over: bool = False
    paused: str | None = None  # the pause's reason while the teacher has paused the game
    injected: Mapping[str, int] = field(default_factory=dict)  # injection -> times injected


@dataclass(frozen=True)
class Actions:
    """Actions for the game, submitted in this order (a roll call gives one a voter)."""

    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Command:
    """A word the console answers itself: nothing in the game changes."""

    # "help", "status", "roster", "open", "look", "notes", "wait", "secret", "note", "save",
    # "private" or "quit"
    word: str
    seat: str | None = None  # secret: the voter
    request: str | None = None  # secret, wait: the request concerned
    seconds: int | None = None  # wait: how long
    target: str | None = None  # save: a file to copy the save to; help: the word asked about


@dataclass(frozen=True)
class Problem:
    """Why the line cannot be read, in one line the teacher can act on."""

    reason: str


Parsed = Actions | Command | Problem


_WordParser = Callable[[str, "View"], "Parsed"]


class _Refusal(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse(line: str, view: View) -> Parsed | None:
    """What ``line`` asks for; ``None`` for a blank line."""
    text = line.strip()
    if not text:
        return None
    head, _, rest = text.partition(" ")
    word = ALIASES.get(head.lower(), head.lower())
    if word not in WORDS:
        return Problem(
            f"'{_shown(head)}' is not a console word{did_you_mean(head.lower(), WORDS)}; "
            "type 'help' for the list"
        )
    if word in NOT_FOR_BENCHES and view.seating.mode == "benches":
        return Problem(
            f"'{word}' is not in a benches game: the benches decide by 'hands' or 'as BENCH "
            "CHOICE'; 'help' lists the words"
        )
    try:
        return _WORD_PARSERS[word](rest.strip(), view)
    except _Refusal as refusal:
        return Problem(refusal.reason)


def hands_example(options: Sequence[Option], most: int | None = None) -> str:
    """A show of hands to suggest: a count for each choice, in order, 0 for one unavailable,
    never more hands in all than ``most`` (the bench's or the class's students)."""
    available = sum(o.available for o in options)
    counts = list(range(available, 0, -1))
    if most is not None and sum(counts) > most:
        counts = [1] * min(available, max(most, 1)) + [0] * max(available - max(most, 1), 0)
    shown = iter(counts)
    return "hands " + " ".join(str(next(shown)) if o.available else "0" for o in options)


def hands_at_most(view: View, request: RequestOpened) -> int | None:
    """How many hands a show of hands can hold: the bench's students, or the class's; None
    when benches were dealt without the class's size."""
    seated = view.seating
    if seated.mode != "benches":
        return seated.students
    if not seated.counted or not request.roles:
        return None
    return seated.size(request.roles[0])


def ballot_value(text: str) -> str | None:
    """A typed ballot ("for", "against", "abstain", or "yes"/"no"), or None."""
    return BALLOT_WORDS.get(text.strip().lower())


def help_lines(mode: str | None = None) -> list[tuple[str, str]]:
    """(what to type, what it does), in the order 'help' lists them; with a seating mode,
    only the words that mode can use."""
    return [WORDS[w] for w in usable(mode)]


def usable(mode: str | None = None) -> list[str]:
    """The console words a game seated in ``mode`` can use, in the order 'help' lists them."""
    return [w for w in WORDS if mode != "benches" or w not in NOT_FOR_BENCHES]


def kind_of(variable: Variable) -> str:
    """What a value can be set to, as 'help set' says it."""
    kind = variable.type
    if kind.kind == INT:
        low, high = kind.minimum, kind.maximum
        if low is not None and high is not None:
            return f"{low} to {high}"
        return "a number"
    if kind.kind == BOOL:
        return "yes/no"
    return "one of: " + ", ".join(kind.values)


RESULTS = ("for", "against", "abstain", "passed")  # the parts of a vote's result


def settable(scenario: Scenario) -> list[Variable]:
    """The values a teacher's ruling may set: every variable but those only the game sets
    (the side being played, how a member voted)."""
    return [v for v in scenario.variables.values() if set_by_the_game(v.id) is None]


def values_help(scenario: Scenario, values: Mapping[str, object]) -> list[str]:
    """'help set': each value a ruling can set, what it can be, and what it is now. The
    scenario's own values a line each; where each person stands, and each vote's result, a
    line for all of them (a person or a vote a line would run off the projector's screen)."""

    def now(variable: Variable) -> str:
        value = values.get(variable.id, variable.initial)
        return clean(variable.display(value) if isinstance(value, int | str) else str(value))

    variables = settable(scenario)
    stances = {f"{a}.stance": a for a in scenario.actors}
    results = {f"{v}.{part}": v for v in scenario.votes for part in RESULTS}
    lines = [
        f"{v.id}: {clean(v.label)} ({kind_of(v)}; now {now(v)})"
        for v in variables
        if v.id not in stances and v.id not in results
    ]
    standing: dict[str, list[str]] = {}
    for variable in variables:
        if variable.id in stances:
            value = values.get(variable.id, variable.initial)
            standing.setdefault(str(value), []).append(stances[variable.id])
    if standing:
        where = "; ".join(f"{stance}: {', '.join(who)}" for stance, who in standing.items())
        lines.append(
            f"ACTOR.stance: where a person stands (one of: {', '.join(scenario.stances)}); "
            f"now {clean(where)}"
        )
    votes = list(dict.fromkeys(results[v.id] for v in variables if v.id in results))
    if votes:
        said = []
        for vote in votes:
            counts = [values.get(f"{vote}.{part}", 0) for part in RESULTS]
            if any(counts):  # held: its result now, for-against-abstain
                held = "-".join(str(c) for c in counts[:3])
                said.append(f"{vote} (now {held}{', passed' if counts[3] else ''})")
            else:
                said.append(vote)
        lines.append(
            "VOTE.RESULT: a vote's result, RESULT one of for, against, abstain (numbers) or "
            f"passed (yes/no); the votes: {clean(', '.join(said))}"
        )
    return lines


def injections_help(
    scenario: Scenario,
    phase: str,
    values: Mapping[str, object],
    injected: Mapping[str, int] = {},
) -> list[str]:
    """'help inject': the scenario's events that can be injected now, with where each can
    (``injected``: how many times each was injected, for those with a limit)."""
    lines = []
    for injection in scenario.injections.values():
        if injection.limit is not None and injected.get(injection.id, 0) >= injection.limit:
            continue
        if injection.window and phase not in injection.window:
            continue
        if injection.when is not None and not injection.when.evaluate(dict(values)):
            continue
        where = scene_titles(scenario, injection.window) or "any scene"
        label = ("[Counterfactual] " if injection.counterfactual else "") + injection.label
        lines.append(f"{injection.id}: {clean(label)} (in: {where})")
    return lines


def injections_planned(scenario: Scenario, injected: Mapping[str, int] = {}) -> list[str]:
    """What 'help inject' lists where no event can be injected now, so that a teacher can
    plan: every event of the scenario not used up, with the scenes where it can be."""
    lines = []
    for injection in scenario.injections.values():
        if injection.limit is not None and injected.get(injection.id, 0) >= injection.limit:
            continue
        where = scene_titles(scenario, injection.window) or "any scene"
        if injection.when is not None:
            where += ", when its condition holds"
        label = ("[Counterfactual] " if injection.counterfactual else "") + injection.label
        lines.append(f"{injection.id}: {clean(label)} (in: {where})")
    return lines


def nothing_to_inject(planned: list[str]) -> str:
    """The line 'help inject' says where no event can be injected now, before ``planned``."""
    if not planned:
        return "(No event can be injected now.)"
    return "(No event can be injected now. The scenario's events, and where each can be:)"


def scene_titles(scenario: Scenario, phases: Iterable[str]) -> str:
    """Scenes by their titles, as the room sees them ("“Wednesday: the arrivals”, ..."),
    not by their ids; "" for none."""
    titles = (scenario.phases[p].title if p in scenario.phases else p for p in phases)
    return clean(", ".join(f"\u201c{title}\u201d" for title in titles))


def moves_help(view: View) -> list[str]:
    """'help move': the moves of the seated roles, with the scenes each can be made in."""
    lines = []
    for seat in view.seating.seats:
        role = view.scenario.roles.get(role_of(seat))
        for number, move in enumerate(role.moves if role else (), 1):
            where = scene_titles(view.scenario, move.window) or "any floor"
            aim = " TARGET" if move.target else ""
            lines.append(
                f"move {key_of(seat)} {move.id}{aim} ({number}): {clean(move.label)} (in: {where})"
            )
    return lines


def keys(view: View) -> dict[str, str]:
    """What the teacher may type for each seat -> the seat: its id, a bench by its side's id."""
    typed: dict[str, str] = {}
    for seat in view.seating.seats:
        typed[seat.lower()] = seat
        if seat.startswith(BENCH):
            typed[seat[len(BENCH) :].lower()] = seat
    return typed


def key_of(seat: str) -> str:
    """How the console writes a seat for the teacher to type it."""
    return seat[len(BENCH) :] if seat.startswith(BENCH) else seat


# What a word does when the class plays on phones ('class serve'), where it differs.
ON_THE_NETWORK: dict[str, str] = {
    "as": "a decision or a ballot said aloud for a student (never a secret one; on the "
    "network, students advise and vote on their phones)",
    "reveal": "show the secret ballots, each voter's ballot with the reason given (and, "
    "after the end, the objectives); it first says what becomes public: 'reveal yes' does it",
}


def meaning(word: str, network: bool = False) -> tuple[str, str]:
    """(what to type, what it does) for ``word``; ``network``: as 'class serve' says it."""
    typed, does = WORDS[word]
    return typed, ON_THE_NETWORK.get(word, does) if network else does


def names_help(word: str, view: View, phase: str, values: Mapping[str, object]) -> list[str]:
    """What 'help set', 'help inject' and 'help move' add after the word's meaning: the
    names to type now, each 'NAME: what it is' (a line in parentheses when there is none)."""
    if word == "set":
        lines, none = values_help(view.scenario, values), "no values to set"
    elif word == "inject":
        lines = injections_help(view.scenario, phase, values, view.injected)
        if not lines:
            planned = injections_planned(view.scenario, view.injected)
            return [nothing_to_inject(planned), *planned]
        none = "no event can be injected now"
    elif word == "move":
        lines, none = moves_help(view), "no seated role has moves"
    else:
        return []
    return lines or [f"({none[:1].upper()}{none[1:]}.)"]


def word_help(
    word: str,
    view: View,
    phase: str,
    values: Mapping[str, object],
    unused: Iterable[str] = (),
    network: bool = False,
) -> list[str] | Problem:
    """'help WORD' as lines, the same on every console: what to type and what it does, then
    what can be named now; or the reason the word is not used in this game."""
    if word in unused:
        return Problem(f"'{word}' is not used here; 'help' lists the words")
    if word not in usable(view.seating.mode):
        return Problem(f"'{word}' is not in a benches game")
    typed, does = meaning(word, network)
    return [f"{typed} - {does}.", *names_help(word, view, phase, values)]


def summary(event: Event, events: Sequence[Event] | None = None) -> str:
    """One line of what an event says, for the teacher's answer to a console line on the
    teacher's page: the room's words where the event has no text of its own; nothing ("")
    for an event with nothing to say there. ``events``: the session's, for an undo to name
    the injected event it took back (``undo_named``)."""
    if isinstance(event, SeatChanged):
        held = "a student plays it again" if event.held else "the script plays it from now on"
        return clean(f"{event.name}: {held}.")
    if isinstance(event, Concluded):
        return "The bell: the script plays every seat on to an ending."
    if isinstance(event, Resumed):
        return "The game goes on."
    if isinstance(event, Paused):
        reason = event.reason.strip().rstrip(".")
        return clean(f"Paused by the teacher{': ' + reason if reason else ''}.")[:200]
    if isinstance(event, ObjectivesScored):
        return clean(f"Objectives scored: {event.name}.")
    if isinstance(event, Declared):  # as the room reads it: who, not only the stance
        return clean(f"{event.name} declares: {event.label}.")
    if isinstance(event, HandsCounted):
        return f"Hands counted: {', '.join(f'{c} {n}' for c, n in event.counts)}."
    if isinstance(event, Ruling) and event.kind == "undo" and events is not None:
        return _cut(clean(undo_named(event, events)))  # it names the event it took back
    if isinstance(event, Status):  # the panel the terminal draws, as one line to read
        from presidium.debrief import format_date

        date = format_date(event.date, event.date_label)
        rows = [("Date", date)] if date else []
        rows += [(line.label, line.value) for line in event.lines]
        return _cut(clean("State of play: " + "; ".join(f"{k}: {v}" for k, v in rows) + "."))
    for name in ("summary", "text", "title", "label", "reason"):
        value = getattr(event, name, None)
        if isinstance(value, str) and value.strip():
            return clean(value.strip().splitlines()[0])[:200]
    return ""  # nothing to say of it (a request an undo closed says it in the ruling)


def undo_named(ruling: Ruling, events: Sequence[Event]) -> str:
    """A ruling's text, and for an undo of an injected event, the event named as the room saw
    it ("The teacher took back the injected event: The marshals write to the Central
    Committee."), as the post-mortem names it: the game's own text says only "the injected
    event". ``events``: every event of the session, which the ruling's ``retracts`` counts."""
    if ruling.kind != "undo" or ruling.retracts is None:
        return ruling.text
    after = list(events[ruling.retracts :])
    at = next((n for n, e in enumerate(after) if e is ruling or e == ruling), None)
    if at is None:  # not this session's ruling: nothing sure to name
        return ruling.text
    named = [clean(e.label) for e in after[:at] if isinstance(e, Injected)]
    return f"{ruling.text.rstrip('.')}: {'; '.join(named)}." if named else ruling.text


def _cut(text: str, most: int = 200) -> str:
    """``text`` whole, or cut at a word before ``most`` characters, with an ellipsis."""
    if len(text) <= most:
        return text
    return text[: most - 1].rsplit(" ", 1)[0].rstrip(";,:") + "\u2026"


CONFIRM = "yes"  # 'reveal [VOTE] yes': what the network's consoles ask before revealing


def reveal_asked(line: str, room: Any) -> list[str]:
    """On the network, where each phone promised its student that a secret ballot shows only
    its totals until the teacher reveals it: what ``line`` would make public, said to the
    teacher before it is, when ``line`` is a 'reveal' that does not end with 'yes'. Nothing
    when it is confirmed, is not a 'reveal', or has nothing to reveal (the game then says
    why). ``room`` is the game's ``ClassGame``; no ballot or reason is named, only counted,
    since the console may be on the projector."""
    pending = _reveal_pending(line, room)
    if pending is None:
        return []
    sealed, objectives, again = pending
    said = ["'reveal' makes this public, on the projector, on every phone and in the debrief:"]
    for record in sealed:
        how = f"how each voter voted in the secret ballot '{clean(record.title)}'"
        if record.own:  # students cast ballots of their own in it
            how += ", the students too, each with the reason they wrote with their ballot"
        said.append(f"- {how};")
    if objectives:
        said.append("- every role's objectives, and whether each was met;")
    said[-1] = said[-1][:-1] + "."
    said.append(f"Type '{again}' to reveal it. It cannot be taken back.")
    return said


def reveal_confirmation(line: str, room: Any) -> str | None:
    """The line that confirms ``line`` ('reveal yes', 'reveal VOTE yes') when ``line`` is a
    'reveal' that ``reveal_asked`` asks about first; else None. The teacher's page offers it
    as a button under what would become public."""
    pending = _reveal_pending(line, room)
    return None if pending is None else pending[2]


def _reveal_pending(line: str, room: Any) -> tuple[tuple[Any, ...], bool, str] | None:
    """What an unconfirmed 'reveal' ``line`` would make public (the sealed records, whether
    the objectives) and the line that confirms it; None when there is nothing to ask."""
    head, _, rest = line.strip().partition(" ")
    typed = rest.split()
    if head.lower() != "reveal" or (typed and typed[-1].lower() == CONFIRM) or room is None:
        return None
    vote = vote_named(typed[0].lower(), room.scenario) if typed else None
    if typed and vote is None:
        return None
    sealed, objectives = room.revealable(vote)
    if not sealed and not objectives:
        return None
    return tuple(sealed), objectives, f"reveal {vote} {CONFIRM}" if vote else f"reveal {CONFIRM}"


# --------------------------------------------------------------------------- the words


def _nothing(word: str) -> _WordParser:
    def parse_(rest: str, view: View) -> Parsed:
        if rest:
            raise _Refusal(f"'{word}' takes nothing after it")
        if word in ("undo", "conclude", "resume"):
            return Actions(({"undo": Undo, "conclude": Conclude, "resume": Resume}[word](),))
        return Command(word)

    return parse_


def _help(rest: str, view: View) -> Parsed:
    if not rest:
        return Command("help")
    typed = rest.lower().split()[0]
    word = ALIASES.get(typed, typed)
    if word not in WORDS:
        raise _Refusal(
            f"'{_shown(rest)}' is not a console word{did_you_mean(typed, WORDS)}; 'help' lists them"
        )
    return Command("help", target=word)


def _pause(rest: str, view: View) -> Parsed:
    words, reason = _split_text(rest)
    reason = " ".join([*words, reason] if reason else words)
    _check_text(reason, "the reason")
    return Actions((Pause(reason),))


def _save(rest: str, view: View) -> Parsed:
    return Command("save", target=rest or None)


def _as(rest: str, view: View) -> Parsed:
    words, why = _split_text(rest)
    if len(words) not in (2, 3):
        raise _Refusal("say 'as ROLE CHOICE', for example 'as " + _example_seat(view) + " 1'")
    seat = _seat(words[0], view)
    answer = words[1]
    named = words[2] if len(words) == 3 else None
    mine = [r for r in view.requests if seat in r.roles]
    decisions = [r for r in mine if r.kind == "decision"]
    ballots = [r for r in mine if r.kind == "ballot"]
    value = ballot_value(answer)
    if named is not None and value is None:
        raise _Refusal(
            f"'{_shown(answer)}' is not a ballot{did_you_mean(answer.lower(), BALLOTS)}; "
            f"name a vote only after a ballot: 'as {key_of(seat)} for {_shown(named)}'"
        )
    if ballots and (value is not None or not decisions):
        if value is None:
            raise _Refusal(
                f"'{_shown(answer)}' is not a ballot{did_you_mean(answer.lower(), BALLOTS)}; "
                f"{_name(view, seat)} votes for, against or abstain"
            )
        _check_text(why, "the reason")
        ballot = _which_ballot(view, named, seat, f"as {key_of(seat)} {value} {{}}")
        _not_secret(ballot, seat)
        return Actions((Cast(seat, ballot.request, value, why),))
    if named is not None:
        raise _Refusal(f"{_name(view, seat)} has no vote in an open ballot; {_waiting(view)}")
    if decisions:
        if why:
            raise _Refusal("a decision takes no text after '--'")
        request = decisions[0]
        option = _option(answer, request.options)
        kind = Choose if request.roles and request.roles[0] == seat else Advise
        return Actions((kind(seat, request.request, option.id),))
    open_ballot = next((r for r in view.requests if r.kind == "ballot"), None)
    if value is not None and open_ballot is not None:
        raise _Refusal(
            f"{_name(view, seat)} has no vote in this ballot ('{clean(open_ballot.title)}'); "
            f"{_waiting(view)}"
        )
    raise _Refusal(f"nothing is waiting for {_name(view, seat)} to answer; {_waiting(view)}")


def _hands(rest: str, view: View) -> Parsed:
    request = _the_request(view, "decision", "no decision is open, so there are no hands to count")
    counts = _numbers(rest.split(), "hands")
    options = request.options
    available = [o for o in options if o.available]
    if len(counts) == len(options):
        pairs = list(zip(options, counts, strict=True))
    elif len(counts) == len(available):
        pairs = list(zip(available, counts, strict=True))
    else:
        raise _Refusal(
            f"{len(options)} choices here: give {len(options)} counts, one a choice in order "
            f"(for example '{hands_example(options, hands_at_most(view, request))}')"
        )
    for option, count in pairs:
        if count and not option.available:
            raise _Refusal(
                f"choice {option.number}, '{clean(option.id)}', is unavailable: "
                "no hands can go to it"
            )
    if not any(count for _, count in pairs):
        raise _Refusal("no hands counted: every count is 0")
    raised, most = sum(count for _, count in pairs), hands_at_most(view, request)
    if most is not None and raised > most:
        who = (
            f"{_name(view, request.roles[0])} has {most} student{'s' * (most != 1)}"
            if view.seating.mode == "benches"
            else f"the class has {most} student{'s' * (most != 1)}"
        )
        raise _Refusal(f"{raised} hands counted, but {who}: count again")
    return Actions((Hands(request.request, tuple((o.id, n) for o, n in pairs if o.available)),))


def _cast(rest: str, view: View) -> Parsed:
    if not rest:
        raise _Refusal("say who votes how: 'cast for: A B; against: C; abstain: D'")
    first, _, after = rest.partition(" ")
    vote: str | None = None
    if first.lower() in _ballot_names(view):
        vote, rest = first, after.strip()
    named: list[tuple[str, str]] = []
    for part in rest.split(";"):
        part = part.strip()
        if not part:
            continue
        head, colon, names = part.partition(":")
        if not colon:
            head, _, names = part.partition(" ")
        value = ballot_value(head)
        if value is None:
            raise _Refusal(
                f"'{_shown(head.strip())}' is not a ballot"
                f"{did_you_mean(head.strip().lower(), [*BALLOTS, *_ballot_names(view)])}; "
                "write 'for:', 'against:' or 'abstain:' before the names"
            )
        seats = [_seat(n, view) for n in names.replace(",", " ").split()]
        if not seats:
            raise _Refusal(f"no names after '{value}:'")
        named.extend((seat, value) for seat in seats)
    if not named:
        raise _Refusal("say who votes how: 'cast for: A B; against: C; abstain: D'")
    seen: set[str] = set()
    for seat, _ in named:
        if seat in seen:
            raise _Refusal(f"{_name(view, seat)} is named twice")
        seen.add(seat)
    ballots = [r for r in view.requests if r.kind == "ballot"]
    if not ballots:
        raise _Refusal("no ballot is open")
    if vote is not None:
        ballots = [_which_ballot(view, vote, None, "")]
    fitting = [r for r in ballots if all(seat in r.roles for seat, _ in named)]
    if not fitting:
        ballot = ballots[0]
        stranger = next(seat for seat, _ in named if seat not in ballot.roles)
        raise _Refusal(f"{_name(view, stranger)} has no vote in {clean(ballot.title)}")
    if len(fitting) > 1:
        raise _Refusal(ask_which(fitting, "cast {} " + rest, "ballots"))
    _not_secret(fitting[0], None)
    request = fitting[0].request
    return Actions(tuple(Cast(seat, request, value) for seat, value in named))


def _secret(rest: str, view: View) -> Parsed:
    words = rest.split()
    if len(words) not in (1, 2):
        raise _Refusal("say whose ballot: 'secret ROLE', or 'secret ROLE VOTE'")
    seat = _seat(words[0], view)
    _not_paused(view, "no ballot is taken")
    named = words[1] if len(words) == 2 else None
    advice = [r for r in view.requests if r.kind == "decision" and seat in r.roles[1:]]
    if (
        advice
        and named is None
        and not any(r.kind == "ballot" and seat in r.roles for r in view.requests)
    ):
        return Command("secret", seat=seat, request=advice[0].request)
    ballot = _which_ballot(view, named, seat, f"secret {key_of(seat)} {{}}")
    return Command("secret", seat=seat, request=ballot.request)


def _tally(rest: str, view: View) -> Parsed:
    _the_request(view, "ballot", "no ballot is open, so there is nothing to tally")
    typed = rest.split()
    named = typed.pop(0) if len(typed) == 4 else None
    counts = _numbers(typed, "tally")
    if len(counts) != 3:
        raise _Refusal("give three totals: 'tally FOR AGAINST ABSTAIN', for example 'tally 6 4 1'")
    numbers = " ".join(map(str, counts))
    request = _which_ballot(view, named, None, f"tally {{}} {numbers}")
    return Actions((Tally(request.request, counts[0], counts[1], counts[2]),))


def _move(rest: str, view: View) -> Parsed:
    words = rest.split()
    if len(words) not in (2, 3):
        raise _Refusal(
            "say 'move ROLE MOVE', or 'move ROLE MOVE TARGET' for a move aimed at someone"
        )
    seat = _seat(words[0], view)
    role = view.scenario.roles.get(role_of(seat))
    if role is None or not role.moves:
        raise _Refusal(f"{_name(view, seat)} has no moves")
    typed = words[1].lower()
    if typed.isdigit() and 1 <= int(typed) <= len(role.moves):
        move = role.moves[int(typed) - 1]
    else:
        found = role.move(typed)
        if found is None:
            ids = [m.id for m in role.moves]
            raise _Refusal(
                f"{_name(view, seat)} has no move '{_shown(words[1])}'"
                f"{did_you_mean(typed, ids)}; the moves are: {', '.join(ids)}"
            )
        move = found
    target = None
    if move.target:
        if len(words) != 3:
            raise _Refusal(f"'{move.id}' is aimed at someone: 'move {words[0]} {move.id} TARGET'")
        target = _persuadable(words[2], view)
    elif len(words) == 3:
        raise _Refusal(f"'{move.id}' is not aimed at anyone: 'move {words[0]} {move.id}'")
    floors = [r for r in view.requests if r.kind == "floor" and seat in r.roles]
    if not floors:
        raise _Refusal(f"the floor is not open to {_name(view, seat)}; moves wait for a floor")
    return Actions((MakeMove(seat, floors[0].request, move.id, target),))


def _declare(rest: str, view: View) -> Parsed:
    words = rest.split()
    if len(words) != 2:
        raise _Refusal("say 'declare ROLE STANCE'")
    seat = _seat(words[0], view)
    stances = view.scenario.stances
    typed = words[1].lower()
    by_label = {label.lower(): stance for stance, label in stances.items()}
    stance = typed if typed in stances else by_label.get(typed)
    if stance is None:
        raise _Refusal(
            f"no stance '{_shown(words[1])}'{did_you_mean(typed, stances)}; "
            f"the stances are: {', '.join(stances)}"
        )
    return Actions((Declare(seat, stance),))


def _argue(rest: str, view: View) -> Parsed:
    words, text = _split_text(rest)
    if len(words) != 2 or not text:
        raise _Refusal("say 'argue ROLE TARGET -- the argument, in a line'")
    seat = _seat(words[0], view)
    target = _persuadable(words[1], view)
    _check_text(text, "the argument")
    return Actions((Argue(seat, target, text),))


def _rate(rest: str, view: View) -> Parsed:
    words = rest.split()
    ratings = [r for r in view.requests if r.kind == "rating"]
    if not ratings:
        raise _Refusal("no argument is waiting to be rated")
    if len(words) == 2:
        ids = {r.request.lower(): r for r in ratings}
        chosen = ids.get(words[0].lower())
        if chosen is None:
            waiting = ", ".join(f"{r.request} ({clean(r.title)})" for r in ratings)
            raise _Refusal(
                f"no argument '{_shown(words[0])}' waits to be rated"
                f"{did_you_mean(words[0].lower(), ids)}; waiting: {waiting}"
            )
        words = words[1:]
    elif len(ratings) > 1:
        raise _Refusal(
            f"{len(ratings)} arguments wait to be rated; say which: "
            + say_which(ratings, "rate {} N")
        )
    else:
        chosen = ratings[0]
    if len(words) != 1 or words[0] not in {str(n) for n in RATINGS}:
        raise _Refusal("rate an argument from 1 (weak) to 5 (strong): 'rate N'")
    return Actions((Rate(chosen.request, int(words[0])),))


def _note(rest: str, view: View) -> Parsed:
    words, text = _split_text(rest)
    if len(words) != 1:
        raise _Refusal("say 'note ROLE', and the note is typed at the keyboard unseen")
    seat = _seat(words[0], view)
    if not text:
        return Command("note", seat=seat)
    _check_text(text, "the note")
    return Actions((Note(seat, text),))


def _wait(rest: str, view: View) -> Parsed:
    _not_paused(view, "no countdown runs")
    blocking = [r for r in view.requests if r.blocking]
    if not blocking:
        raise _Refusal("nothing is open to wait for")
    request = blocking[0]
    if rest:
        seconds = duration(rest)
        if seconds is None:
            raise _Refusal(
                f"'{_shown(rest)}' is not a time; say 'wait 3m', 'wait 90s' or 'wait 2:30'"
            )
        if not 1 <= seconds <= LONGEST_WAIT:
            raise _Refusal("wait between 1 second and 60 minutes")
    else:
        seconds = request.minutes * 60 if request.minutes else DEFAULT_WAIT
    return Command("wait", request=request.request, seconds=seconds)


def _close(rest: str, view: View) -> Parsed:
    if not view.requests:
        raise _Refusal("nothing is open to close")
    if rest:
        chosen = request_named(view, rest)
        if chosen is None:
            raise _Refusal(not_named(rest, view))
        return Actions((Close(chosen.request),))
    if len(view.requests) > 1:  # the teacher names it: a guess could end the wrong one
        raise _Refusal(ask_which(view.requests, "close {}"))
    return Actions((Close(view.requests[0].request),))


def _inject(rest: str, view: View) -> Parsed:
    offered = view.scenario.injections
    if not offered:
        raise _Refusal(f"scenario '{view.scenario.id}' offers no events to inject")
    words = rest.split()
    if len(words) != 1:
        raise _Refusal(f"say which event: 'inject ID'; the events are: {', '.join(offered)}")
    typed = words[0].lower()
    if typed not in offered:
        raise _Refusal(
            f"no event '{_shown(words[0])}'{did_you_mean(typed, offered)}; "
            f"the events are: {', '.join(offered)}"
        )
    return Actions((Inject(typed),))


def _set(rest: str, view: View) -> Parsed:
    words, reason = _split_text(rest)
    if len(words) < 2:
        raise _Refusal("say 'set VAR VALUE -- REASON'")
    if not reason:
        raise _Refusal("a ruling says why: 'set VAR VALUE -- REASON'")
    _check_text(reason, "the reason")
    variables = view.scenario.variables
    name = words[0]
    variable = variables.get(name) or variables.get(name.lower())
    if variable is not None and set_by_the_game(variable.id) is not None:
        raise _Refusal(f"{set_by_the_game(variable.id)}; a ruling cannot change it")
    if variable is None:
        named = [v.id for v in settable(view.scenario)]
        raise _Refusal(
            f"no value '{_shown(name)}'{did_you_mean(name, named)}; 'help set' lists "
            "the values, with what each can be"
        )
    typed = " ".join(words[1:])
    kind = variable.type
    value: int | bool | str
    if kind.kind == INT:
        try:
            value = int(typed)
        except ValueError:
            raise _Refusal(f"'{variable.id}' is a number, not '{_shown(typed)}'") from None
    elif kind.kind == BOOL:
        truth = {"yes": True, "true": True, "no": False, "false": False}.get(typed.lower())
        if truth is None:
            raise _Refusal(f"'{variable.id}' is yes or no, not '{_shown(typed)}'")
        value = truth
    else:
        by_label = {label.lower(): v for v, label in variable.labels.items()}
        chosen = typed if typed in kind.values else by_label.get(typed.lower())
        if chosen is None:
            raise _Refusal(
                f"'{variable.id}' cannot be '{_shown(typed)}'"
                f"{did_you_mean(typed, kind.values)}; it is one of: {', '.join(kind.values)}"
            )
        value = chosen
    return Actions((SetValue(variable.id, value, reason),))


def _overrule(rest: str, view: View) -> Parsed:
    words, reason = _split_text(rest)
    if len(words) != 1 or not reason:
        raise _Refusal("say 'overrule CHOICE -- REASON'")
    _check_text(reason, "the reason")
    # The decision open now, if there is one (the teacher decides it), else the latest taken:
    # its choices are numbered as that decision showed them.
    open_now = next((r for r in view.requests if r.kind == "decision"), None)
    phase = view.scenario.phases.get(open_now.phase if open_now else view.last_decision or "")
    if phase is None:
        raise _Refusal("no decision is open or has been taken yet, so there is none to overrule")
    choices = [o.id for o in open_now.options] if open_now else [c.id for c in phase.choices]
    typed = words[0].lower()
    if typed.isdigit() and 1 <= int(typed) <= len(choices):
        typed = choices[int(typed) - 1]
    if typed not in choices:
        raise _Refusal(
            f"'{_shown(words[0])}' is not a choice of '{clean(phase.title)}'"
            f"{did_you_mean(typed, choices)}; the choices are: {', '.join(choices)}"
        )
    return Actions((Overrule(typed, reason, phase.id),))


def _seat_word(word: str) -> _WordParser:
    def parse_(rest: str, view: View) -> Parsed:
        words = rest.split()
        if len(words) != 1:
            raise _Refusal(f"say which role: '{word} ROLE'")
        seat = _seat(words[0], view, scripted_ok=True)
        return Actions((ScriptSeat(seat) if word == "script" else SeatRole(seat),))

    return parse_


def _reveal(rest: str, view: View) -> Parsed:
    typed_words = rest.split()
    if typed_words and typed_words[-1].lower() == CONFIRM:  # the network's confirmation
        rest = " ".join(typed_words[:-1])
    if not rest:
        return Actions((Reveal(),))
    votes = view.scenario.votes
    typed = rest.lower()
    vote = vote_named(typed, view.scenario)
    if vote is None:
        raise _Refusal(
            f"no vote '{_shown(rest)}'{did_you_mean(typed, votes)}; the votes are: "
            f"{', '.join(votes)}"
        )
    return Actions((Reveal(vote),))


def vote_named(typed: str, scenario: Scenario) -> str | None:
    """The vote ``typed`` names: a vote's id, or the id of the injected event that holds it
    (the name the teacher injected it by, 'straw_poll' for its 'plenum_straw_poll')."""
    if typed in scenario.votes:
        return typed
    injection = scenario.injections.get(typed)
    return injection.vote if injection is not None else None


_WORD_PARSERS: dict[str, _WordParser] = {
    "status": _nothing("status"),
    "roster": _nothing("roster"),
    "open": _nothing("open"),
    "look": _nothing("look"),
    "notes": _nothing("notes"),
    "private": _nothing("private"),
    "help": _help,
    "quit": _nothing("quit"),
    "undo": _nothing("undo"),
    "resume": _nothing("resume"),
    "pause": _pause,
    "conclude": _nothing("conclude"),
    "save": _save,
    "as": _as,
    "hands": _hands,
    "cast": _cast,
    "secret": _secret,
    "tally": _tally,
    "move": _move,
    "declare": _declare,
    "argue": _argue,
    "rate": _rate,
    "note": _note,
    "wait": _wait,
    "close": _close,
    "inject": _inject,
    "set": _set,
    "overrule": _overrule,
    "script": _seat_word("script"),
    "seat": _seat_word("seat"),
    "reveal": _reveal,
}


# --------------------------------------------------------------------------- pieces


def duration(text: str) -> int | None:
    """Seconds from '3m', '90s', '1m30s', '2:30' or a bare number of minutes; None if not one."""
    text = text.strip().lower().replace(" ", "")
    if text.isdigit():
        return int(text) * 60
    clock = re.fullmatch(r"(\d{1,3}):(\d{2})", text)
    if clock:
        return int(clock[1]) * 60 + int(clock[2]) if int(clock[2]) < 60 else None
    units = re.fullmatch(r"(?:(\d{1,3})m(?:in)?)?(?:(\d{1,4})s(?:ec)?)?", text)
    if units and (units[1] or units[2]):
        return int(units[1] or 0) * 60 + int(units[2] or 0)
    return None


def _seat(word: str, view: View, scripted_ok: bool = False) -> str:
    """The seat ``word`` names, or a refusal saying why it names none."""
    typed = word.strip().lower()
    table = keys(view)
    seat = table.get(typed)
    if seat is None:
        role = view.scenario.roles.get(typed)
        if role is not None and role.copies > 1:
            copies = [s for s in view.seating.seats if role_of(s) == role.id]
            if copies:
                raise _Refusal(
                    f"{len(copies)} students play {clean(role.name)}: say which, "
                    f"{' or '.join(copies[:3])}{' ...' if len(copies) > 3 else ''}"
                )
        if role is not None or role_of(typed) in view.scenario.roles:
            raise _Refusal(
                f"{clean(role.name) if role else _shown(word)} is not dealt in this class of "
                f"{view.seating.students}; the seats are: {_seat_list(view)}"
            )
        one, many = ("bench", "benches") if view.seating.mode == "benches" else ("role", "roles")
        raise _Refusal(
            f"no {one} '{_shown(word)}' in this class{did_you_mean(typed, table)}; "
            f"the {many} are: {_seat_list(view)}"
        )
    if seat in view.scripted and not scripted_ok:
        raise _Refusal(
            f"the script plays {_name(view, seat)} now; 'seat {key_of(seat)}' gives it back "
            "to a student"
        )
    return seat


def _ballot_names(view: View) -> dict[str, RequestOpened]:
    """The open ballots by the names a teacher may type: the vote's id, or the request's."""
    names: dict[str, RequestOpened] = {}
    for request in view.requests:
        if request.kind == "ballot":
            names[request.request.lower()] = request
            if request.vote:
                names[request.vote.lower()] = request
    return names


def paper_line(voters: int, delegates: int) -> str:
    """What a paper tally must add up to, said when delegates vote: they hold several votes
    each, so the count of voters is not the count of votes."""
    total = voters + delegates
    return (
        f"A paper tally adds up to {total} vote{'s' * (total != 1)}: {voters} for the seated "
        f"voter{'s' * (voters != 1)} (one each) and {delegates} for the delegates (their share "
        "of the hall)."
    )


def ballot_name(request: RequestOpened) -> str:
    """How the console writes an open ballot for the teacher to name it: its vote's id."""
    return request.vote or request.request


# the kinds of request a class has one of at a time, named by the kind itself
NAMED_BY_KIND = ("decision", "floor")


def handle(request: RequestOpened) -> str:
    """How the console writes an open request for the teacher to name it ('close NAME',
    'time NAME +1m'): a ballot by its vote, a decision or a floor by what it is (a class has
    one of each at a time), an argument to rate by its number ('rating:2')."""
    if request.kind == "ballot":
        return ballot_name(request)
    if request.kind in NAMED_BY_KIND:
        return request.kind
    return request.request


def request_names(view: View) -> dict[str, RequestOpened]:
    """The open requests by every name a teacher may type for one: the name the console
    shows ('handle'), its id ('presidium_count:ballot'), a ballot by its vote or the event
    that opened it ('straw_poll'). A name that could mean two requests names neither."""
    names: dict[str, RequestOpened] = {}
    twice: set[str] = set()
    for request in view.requests:
        typed = {request.request, handle(request)}
        if request.kind == "ballot" and request.vote:
            typed.add(request.vote)
            typed.update(i for i, e in view.scenario.injections.items() if e.vote == request.vote)
        for name in typed:
            key = name.lower()
            if key in names and names[key] is not request:
                twice.add(key)
            names[key] = request
    for key in twice:
        del names[key]
    ids = {r.request.lower(): r for r in view.requests}  # an id always names its request
    return {**names, **ids}


def request_named(view: View, typed: str) -> RequestOpened | None:
    """The open request ``typed`` names (see ``request_names``), or None."""
    return request_names(view).get(typed.strip().lower())


def titled(request: RequestOpened) -> str:
    """An open request as the room and the teacher see it: its title, a ballot called one."""
    title = clean(request.title)
    return f"the ballot '{title}'" if request.kind == "ballot" else title


def say_which(requests: Sequence[RequestOpened], example: str) -> str:
    """The lines that name each of several open requests, with each one's title, for a
    teacher to type one back: "'close floor' (The floor) or 'close straw_poll' (...)"."""
    return " or ".join(f"'{example.format(handle(r))}' ({clean(r.title)})" for r in requests)


def not_named(typed: str, view: View) -> str:
    """Why ``typed`` names no open request, with the names that do."""
    shown = ", ".join(f"{handle(r)} ({clean(r.title)})" for r in view.requests) or "nothing"
    names = list(request_names(view))
    return f"'{_shown(typed)}' is not open{did_you_mean(typed.lower(), names)}; open: {shown}"


def ask_which(requests: Sequence[RequestOpened], example: str, what: str = "requests") -> str:
    """The reason when a line could mean any of several open requests: each as the line
    that names it (``say_which``), so the teacher can type it back."""
    return f"{len(requests)} {what} are open: say which, " + say_which(requests, example)


def _which_ballot(view: View, named: str | None, seat: str | None, example: str) -> RequestOpened:
    """The open ballot ``named`` (a vote id or a request id), or the only one open to
    ``seat``; a refusal asking which when it could be more than one."""
    names = _ballot_names(view)
    if named is not None:
        found = names.get(named.lower())
        if found is None:
            shown = ", ".join(dict.fromkeys(ballot_name(r) for r in names.values())) or "none"
            raise _Refusal(
                f"no open ballot '{_shown(named)}'{did_you_mean(named.lower(), names)}; "
                f"open: {shown}"
            )
        if seat is not None and seat not in found.roles:
            raise _Refusal(f"{_name(view, seat)} has no vote in {clean(found.title)}")
        return found
    ballots = [r for r in view.requests if r.kind == "ballot"]
    if not ballots:
        raise _Refusal("no ballot is open")
    mine = [r for r in ballots if seat is None or seat in r.roles]
    if not mine:
        raise _Refusal(f"{_name(view, seat or '')} has no vote in the open ballot")
    if len(mine) > 1:
        raise _Refusal(ask_which(mine, example, "ballots"))
    return mine[0]


def _not_secret(ballot: RequestOpened, seat: str | None) -> None:
    """A secret ballot is never said aloud at the projector's keyboard."""
    if ballot.ballot == "secret":
        who = key_of(seat) if seat else "ROLE"
        raise _Refusal(
            f"{clean(ballot.title)} is a secret ballot: 'secret {who}' takes a ballot at the "
            "keyboard unseen, or 'tally FOR AGAINST ABSTAIN' counts paper slips"
        )


def private(line: str, view: View) -> bool:
    """Whether a typed line says something the projector must not show: a note's text,
    advice to a leader, or a ballot in a secret ballot (even one the console refuses)."""
    head, _, rest = line.strip().partition(" ")
    word = ALIASES.get(head.lower(), head.lower())
    if word == "note":
        return bool(_split_text(rest)[1])
    secret_open = any(r.kind == "ballot" and r.ballot == "secret" for r in view.requests)
    if word == "cast":
        return secret_open
    if word != "as":
        return False
    typed = rest.split()
    if len(typed) >= 2 and secret_open and ballot_value(typed[1]) is not None:
        return True
    seat = keys(view).get(typed[0].lower()) if typed else None
    return any(r.kind == "decision" and seat in r.roles[1:] for r in view.requests)


def label_left_out(line: str, view: View) -> str | None:
    """A 'label ROLE "NAME"' line as the screen and room.txt show it: the name (a
    student's) left out, "label zhukov (a label)". The role is kept only when it names a
    role of this class (a name typed without its role is left out whole). None for any
    other line, and for 'label ROLE' alone (it takes a label off: nothing to leave out)."""
    head, _, rest = line.strip().partition(" ")
    if ALIASES.get(head.lower(), head.lower()) != "label" or not rest.split():
        return None
    role, *name = rest.split()
    if role.lower() not in keys(view):
        return f"label {LABEL_LEFT_OUT}"
    return f"label {role.lower()} {LABEL_LEFT_OUT}" if name else None


def _not_paused(view: View, what: str) -> None:
    if view.paused is not None:
        raise _Refusal(f"the game is paused: {what} until 'resume'")


def _persuadable(word: str, view: View) -> str:
    actors = {a.id: a for a in view.scenario.actors.values() if a.persuadable}
    typed = word.lower()
    if typed in actors:
        return typed
    if typed in view.scenario.actors:
        raise _Refusal(f"{clean(view.scenario.actors[typed].name)} cannot be persuaded here")
    names = ", ".join(actors) if actors else "none in this scenario"
    raise _Refusal(
        f"no actor '{_shown(word)}' to persuade{did_you_mean(typed, actors)}; "
        f"those who can be persuaded: {names}"
    )


def _option(answer: str, options: Sequence[Option]) -> Option:
    typed = answer.strip().lower()
    for option in options:
        if typed == str(option.number) or typed == option.id:
            return option
    ids = [o.id for o in options]
    raise _Refusal(
        f"'{_shown(answer)}' is not a choice here{did_you_mean(typed, ids)}; type 1 to "
        f"{len(options)} or one of: {', '.join(ids)}"
    )


def _the_request(view: View, kind: str, none: str) -> RequestOpened:
    found = [r for r in view.requests if r.kind == kind]
    if not found:
        raise _Refusal(none)
    blocking = [r for r in found if r.blocking]
    return (blocking or found)[0]


def _numbers(words: Iterable[str], word: str) -> list[int]:
    numbers = []
    for typed in words:
        if not typed.isdigit():
            raise _Refusal(f"'{word}' takes whole numbers, not '{_shown(typed)}'")
        numbers.append(int(typed))
    return numbers


def _split_text(rest: str) -> tuple[list[str], str]:
    """The words of a line, and the free text after its ' -- ' (or a final '--')."""
    if rest.startswith("-- ") or rest == "--":
        return [], rest[2:].strip()
    words, separator, text = rest.partition(SEPARATOR)
    if not separator and rest.endswith(" --"):
        words, text = rest[:-3], ""
    return words.split(), text.strip()


def _check_text(text: str, what: str) -> None:
    if len(text) > MAX_TEXT:
        raise _Refusal(f"{what} is {len(text)} characters long; keep it to {MAX_TEXT}")


def _name(view: View, seat: str) -> str:
    return clean(seat_name(view.scenario, seat))


def _seat_list(view: View) -> str:
    return ", ".join(key_of(s) for s in view.seating.seats)


def _example_seat(view: View) -> str:
    return key_of(view.seating.seats[0]) if view.seating.seats else "ROLE"


def _waiting(view: View) -> str:
    if not view.requests:
        return "nothing is open"
    return "open now: " + "; ".join(
        f"{clean(r.title)} ({', '.join(key_of(s) for s in r.roles) or 'the teacher'})"
        for r in view.requests
    )


def _shown(text: str) -> str:
    """Typed text quoted in a one-line reason: printable, and short."""
    text = clean(text, one_line=True)
    return text if len(text) <= 40 else text[:37] + "..."
