"""``presidium new``: a commented starter scenario that validates and checks clean."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import IO

from presidium.errors import UsageError
from presidium.printable import one_line, quoted
from presidium.tools.schema import render

SCHEMA_NAME = "scenario.schema.json"

STARTER = """\
# yaml-language-server: $schema={schema}
# A presidium scenario. Every line is explained in docs/scenario-format.md; run
#   presidium validate {file}    to find mistakes (all of them, with line and column),
#   presidium check {file}       to play every path and find what cannot happen,
#   presidium play {file}        to play it, and presidium graph {file} to draw it.
# This starter is a small real scenario (21 June 1957, in miniature): change it into yours.

format: 1
id: {id}
title: "At the Door of the Sverdlov Hall"
summary: >
  Friday 21 June 1957, in miniature. Central Committee members are at the door of the
  Presidium and want to be let in.
content_notes:
  - "A short demonstration scenario; the numbers are invented for the game."
start: the_door                 # the first phase
historical_ending: plenum_called  # the debrief compares every game with this ending

# Every historical claim points here. grade: A primary, B reputable secondary, C popular.
sources:
  medvedev:
    cite: "Roy Medvedev, N. S. Khrushchev: politicheskaya biografiya"
    grade: B
  furtseva_bio:
    cite: "Ekaterina Furtseva. Zhenshchina vo vlasti (biography)"
    grade: B

# The sides a player can choose. Each is led by an actor.
sides:
  khrushchev:
    name: "Khrushchev's side"
    leader: khrushchev
    goal: "Get the Central Committee into the room."
  molotov:
    name: "The majority"
    leader: molotov
    goal: "Keep the Central Committee out until the Presidium has decided."

# The positions an actor can take. Each actor's stance is a variable, e.g. molotov.stance.
stances:
  khrushchev: "With Khrushchev"
  majority: "With the majority"

actors:
  khrushchev:
    name: Nikita Khrushchev
    office: First Secretary
    rank: full                  # full members vote in the Presidium; candidates do not
    stance: khrushchev
    principal: true             # every ending must say what became of a principal actor
  molotov:
    name: Vyacheslav Molotov
    office: First Deputy Chairman of the Council of Ministers
    rank: full
    stance: majority
    principal: true
  mikoyan:
    name: Anastas Mikoyan
    office: Deputy premier
    rank: full
    stance: khrushchev
  malenkov:
    name: Georgy Malenkov
    office: Deputy Chairman of the Council of Ministers
    rank: full
    stance: majority

# Variables have types and ranges, so conditions and effects are checked before anyone plays.
variables:
  members_at_door:
    label: "Members at the door"
    type: number
    min: 0
    max: 133
    initial: 60

# What the state-of-play panel shows.
status:
  - alignment: full
    label: "Presidium"
  - variable: members_at_door

# A vote: each voter takes the first rule that applies; blocs are bodies counted together.
votes:
  let_them_in:
    title: "Receive the members?"
    motion: "Receive the Central Committee members and call a plenum"
    voters:
      ranks: [full]
    rules:
      - when: "voter.stance == 'khrushchev'"
        vote: for
        reason: "wants the Central Committee to decide."
      - vote: against
        reason: "wants the Presidium to decide alone."
    blocs:
      - label: "Pressure from the corridor"
        for: "members_at_door / 40"
        reason: "Every forty members at the door count as one more voice for opening it."

# Phases are the scenes. A phase with choices names who decides ('by'); when no human holds
# that seat, the scenario decides: its 'script' rules, else the 'history' choice.
phases:
  the_door:
    title: "The door"
    date: 1957-06-21
    place: "The Kremlin"
    sources: [medvedev, furtseva_bio]
    text: >
      Central Committee members are gathered in the Kremlin and ask to be received.
      Mikoyan goes out to them and calls the situation "very alarming". {{members_at_door}}
      are waiting.
    notes:                      # shown when the player types 'notes'
      - text: "Mikoyan called the situation 'very alarming'; Orlov and Ustinov refused to leave."
        sources: [furtseva_bio]
        confidence: attributed  # authenticated | attributed | contested | doubtful
    by: molotov
    prompt: "What does the majority do?"
    history: refuse             # what really happened
    choices:
      - id: refuse
        label: "Refuse to receive them"
        effects: ["members_at_door += 20"]
        text: "Word spreads through the corridors. More members arrive."
        next: the_appeal
      - id: fob_them_off
        label: "Promise a plenum 'in due course'"
        chance:                 # the player sees the odds and the roll
          percent: 40
          success:
            text: "Many of them go home to wait."
            effects: ["members_at_door -= 40"]
            next: the_appeal
          failure:
            text: "Nobody believes the promise."
            next: the_appeal
  the_appeal:
    title: "Khrushchev's move"
    date: 1957-06-21
    place: "The Kremlin"
    counterfactual: true        # an invented scene: it needs no sources, and says so on screen
    text: "The members are waiting. Khrushchev can go out to them, or wait."
    by: khrushchev
    prompt: "What does Khrushchev do?"
    history: go_out
    choices:
      - id: go_out
        label: "Go out to the members"
        effects: ["members_at_door += 10"]
        next: the_count
      - id: wait
        label: "Wait for the Presidium to let them in"
        text: "Hours pass. Members drift home."
        effects: ["members_at_door -= 50"]
        next: the_count
  the_count:
    title: "The Presidium decides"
    date: 1957-06-21
    place: "The Kremlin"
    sources: [medvedev]
    vote: let_them_in           # held when the phase begins
    text: "The Presidium must decide whether to call a plenum."
    next:                       # the first branch whose 'when' holds
      - when: "let_them_in.passed"
        goto: plenum_called
      - goto: door_stays_shut

endings:
  plenum_called:
    title: "The plenum is called"
    kind: historical
    winner: khrushchev          # whose victory this ending is (or 'none')
    sources: [medvedev]
    text: "The Presidium agreed to convene an extraordinary plenum the next day."
    fates:
      khrushchev:
        text: "Took his case to the Central Committee, and won."
        sources: [medvedev]
        confidence: authenticated   # authenticated, attributed, contested or doubtful
      molotov:
        text: "Lost the plenum and his seat in the leadership."
        sources: [medvedev]
        confidence: authenticated
  door_stays_shut:
    title: "The door stays shut"
    kind: counterfactual
    winner: molotov
    text: "The members go home. The Presidium decides without them."
    fates:
      khrushchev: "Removed by the Presidium."
      molotov: "The strongest man in the new leadership."

# What 'presidium check' must prove: each ending can be reached from each side.
expect:
  - {{reachable: plenum_called, as: khrushchev}}
  - {{reachable: plenum_called, as: molotov}}
  - {{reachable: door_stays_shut, as: khrushchev}}
  - {{reachable: door_stays_shut, as: molotov}}
# ... and with what odds, in percent: 'best' for the best strategy a player can follow,
# 'random' for choices taken at random. Quote the range: "25..75", ">= 10", "< 90".
  - {{victory: molotov, best: "25..75", random: ">= 10"}}

debrief_questions:
  - "Why did the number of members at the door matter, if they had no vote in the Presidium?"
"""


EXTENSION = """\
# yaml-language-server: $schema={schema}
# A scenario that extends {base_title!r} and changes only what differs.
#   presidium validate {file}    finds mistakes, in this file or the one it extends,
#   presidium check {file}       plays every path of the result,
#   presidium play {file}        plays it, and presidium graph {file} draws it.
# Everything the base has stays unless you change or remove it here. Invented text must be
# labelled: give a changed phase 'counterfactual: true', or a new text branch the same.

format: 1
extends: {extends}
id: {id}
title: "What if...? (a counterfactual on {base_title})"
summary: >
  Say here which real moment this scenario changes, and why the change is plausible.

# Change any key of a phase by giving the phase again with only that key:
#
# phases:
#   {phase}:
#     counterfactual: true
#     text: "What is different at this moment, in your own words."
#
# Replace a choice by giving one with the same id, or add one with a new id:
#
#     choices:
#       - id: {choice}
#         label: "{choice_label}"
#         next: {choice_next}
#
# Take out what the base has and this scenario does not:
#
# remove:
#   choices: [{phase}.{choice}]
#
# Then say what must now be reachable, for presidium check:
#
# expect:
#   - {{reachable: {ending}, as: {side}}}
"""


def scenario_id(path: Path) -> str:
    """A snake_case id from a file name: 'My Scenario.yaml' -> 'my_scenario'."""
    words = re.sub(r"[^a-z0-9]+", "_", path.stem.lower()).strip("_")
    if not words:
        return "my_scenario"
    return words if words[0].isalpha() else f"scenario_{words}"


def new(path_text: str, out: IO[str], extends: str | None = None) -> int:
    path = Path(path_text)
    if path.suffix not in (".yaml", ".yml"):
        raise UsageError(f"'{path_text}' should end in .yaml")
    if os.path.lexists(path):  # a dangling symbolic link exists too: never write through it
        raise UsageError(f"{quoted(path_text)} already exists; choose another name")
    if not os.path.isdir(path.parent):
        raise UsageError(f"no folder '{path.parent}' to write '{path.name}' into")
    schema_path = path.parent / SCHEMA_NAME
    if extends is None:
        text = STARTER.format(id=scenario_id(path), file=one_line(path.name), schema=SCHEMA_NAME)
    else:
        text = _extension(path, extends)
    try:
        with open(path, "x", encoding="utf-8") as handle:  # "x": fail rather than replace
            handle.write(text)
        if not os.path.lexists(schema_path):
            schema_path.write_text(render(), encoding="utf-8")
            out.write(f"wrote {schema_path} (editors use it to complete and check the file)\n")
    except OSError as exc:
        raise UsageError(f"cannot write {quoted(path_text)}: {exc.strerror}") from None
    name = shlex.quote(str(path))
    out.write(f"wrote {path}\nnext: presidium validate {name} && presidium check {name}\n")
    return 0


def _extension(path: Path, extends: str) -> str:
    """A starter that extends ``extends``, its examples drawn from the base's own ids."""
    from presidium import catalog

    base_path, display = catalog.resolve(extends)
    base = catalog.load(extends)
    bundled = base_path.parent == catalog.bundled_dir() and not Path(extends).suffix
    if not bundled and not base_path.resolve().is_relative_to(path.parent.resolve()):
        raise UsageError(
            f"{quoted(extends)} is outside the folder of {quoted(str(path))}; a base is a "
            "bundled scenario id or a file in the new scenario's folder or below it"
        )
    reference = extends if bundled else os.path.relpath(base_path, path.parent).replace(os.sep, "/")
    phase = next((p for p in base.phases.values() if p.choices), None)
    if phase is None:
        raise UsageError(f"'{display}' has no phase with choices to build on")
    choice = phase.choices[0]
    outcome = choice.outcome or (choice.chance.success if choice.chance else None)
    target = outcome.next[-1].target if outcome and outcome.next else next(iter(base.endings))
    return EXTENSION.format(
        schema=SCHEMA_NAME,
        file=one_line(path.name),
        extends=reference,
        id=scenario_id(path),
        base_title=base.title.replace('"', "'"),
        phase=phase.id,
        choice=choice.id,
        choice_label=choice.label.replace('"', "'"),
        choice_next=target,
        ending=base.historical_ending or next(iter(base.endings)),
        side=next(iter(base.sides)),
    )
