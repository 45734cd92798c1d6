"""Who is who, for the ``who`` command: the cast as things stand, and the scenario's glossary.

A player who meets twenty names and a dozen Soviet institutions in the first minutes needs
somewhere to look them up without leaving the game: each person's office, where he stands
now, a sourced line on who he is, and what the words mean. Nothing here changes the game.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from presidium.model import RANKS, Scenario, Sourced
from presidium.records import record

# How the ranks are grouped in the roster, in this order.
GROUPS = (
    ("full", "Full members"),
    ("candidate", "Candidate members"),
    ("secretary", "Secretaries"),
    ("official", "Others"),
    ("body", "Others"),
)
# What a reader types to see more than the roster.
CAST, TERMS, ALL = "cast", "terms", "all"


@record
class Member:
    """One actor as the ``who`` command shows it."""

    id: str
    name: str
    office: str
    rank: str
    stance: str  # the label of where the actor stands now ("" when the scenario has none)
    about: Sourced | None
    leads: str = ""  # the name of the side this actor leads ("" for none)


def members(scenario: Scenario, values: Mapping[str, Any]) -> list[Member]:
    """Every actor, by rank (as ``GROUPS`` orders them), with the stance it holds now."""
    order = {rank: n for n, rank in enumerate(RANKS)}
    leaders = {side.leader: side.name for side in scenario.sides.values()}
    result = []
    for actor in sorted(scenario.actors.values(), key=lambda a: order.get(a.rank, len(order))):
        stance = values.get(f"{actor.id}.stance", actor.stance)
        label = scenario.stances.get(str(stance), str(stance)) if scenario.stances else ""
        result.append(
            Member(
                actor.id,
                actor.name,
                actor.office,
                actor.rank,
                label,
                actor.about,
                leaders.get(actor.id, ""),
            )
        )
    return result


def roster(
    cast: list[Member], stance_order: Sequence[str] = ()
) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """The cast at a glance: for each group of ranks, each stance held (in the order of
    ``stance_order``, the scenario's stance labels) with the names holding it."""
    groups: dict[str, dict[str, list[str]]] = {}
    titles = dict(GROUPS)
    for member in cast:
        stances = groups.setdefault(titles.get(member.rank, "Others"), {})
        stances.setdefault(member.stance, []).append(member.name)
    order = {label: n for n, label in enumerate(stance_order)}
    return [
        (title, sorted(stances.items(), key=lambda item: order.get(item[0], len(order))))
        for title, stances in groups.items()
    ]


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def lookup(
    scenario: Scenario, cast: list[Member], query: str
) -> tuple[list[Member], list[tuple[str, Sourced]]]:
    """The people and glossary terms a typed query names: an actor's id, a word of a name
    ("zhukov", "Georgy Zhukov"), or a term, its plural, or a word that starts one; failing
    those, people whose name or id has words that the typed words start ("brez")."""
    wanted = _words(query)
    people = [
        m
        for m in cast
        if wanted.replace(" ", "_") == m.id
        or (wanted and set(wanted.split()) <= set(_words(m.name).split()))
    ]
    terms = list(scenario.glossary.items())
    exact = [(t, line) for t, line in terms if wanted in (_words(t), _words(t) + "s")]
    exact += [(t, line) for t, line in terms if _words(t).rstrip("s") == wanted.rstrip("s")]
    found = list(dict.fromkeys(t for t, _ in exact))
    if not found and not people:
        found = [t for t, _ in terms if _words(t).startswith(wanted)]
    if not found and not people and wanted:
        people = [m for m in cast if _starts(wanted.split(), _name_words(m))]
    return people, [(t, scenario.glossary[t]) for t in found]


def _name_words(member: Member) -> list[str]:
    """The words a person may be looked up by: those of the name and of the id."""
    return _words(member.name).split() + _words(member.id.replace("_", " ")).split()


def _starts(typed: list[str], words: list[str]) -> bool:
    return all(any(word.startswith(part) for word in words) for part in typed)


def names(scenario: Scenario, cast: list[Member]) -> list[str]:
    """Everything ``who`` can look up by a word: people's names and ids, and the terms; the
    candidates for a "did you mean"."""
    found = [w for m in cast for w in _name_words(m)] + [_words(t) for t in scenario.glossary]
    return list(dict.fromkeys(w for w in found if len(w) > 2))
