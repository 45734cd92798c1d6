"""Scoring the roles' objectives at the end of a class game.

An objective's ``when`` is compiled in a scope of its own (see the scenario format): every
variable, plus ``ending``, ``ending_kind``, ``me.stance``, ``me.ballot.VOTE``,
``VOTE.ballot.ACTOR`` and ``VOTE.held``. This module gives those names their values for one
seat and reads each objective. An objective that depends on a ballot nobody can know (counted on a paper
tally), or on another voter's ballot in a secret vote, is scored as unknown: scoring must
not tell a role how someone else voted in secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from presidium import events as ev
from presidium.model import Objective, Role, Scenario
from presidium.seating import Seating, role_of, seat_name
from presidium.template import Template, compile_template


def scope(
    scenario: Scenario,
    seat: str,
    values: Mapping[str, Any],
    ending: str,
    ballots: Mapping[str, Mapping[str, str]],
) -> dict[str, Any]:
    """The names an objective of ``seat``'s role may read, with their values at the end."""
    role = scenario.roles[role_of(seat)]
    names: dict[str, Any] = dict(values)
    names["ending"] = ending
    names["ending_kind"] = scenario.endings[ending].kind
    if role.actor is not None:
        names["me.stance"] = values[f"{role.actor}.stance"]
    for vote in scenario.votes.values():
        held = ballots.get(vote.id, {})
        # a seated voter with no ballot of his own is "none" in a vote that was held (even
        # where the rules cast a vote for him): "held" tells that from a vote never held
        names[f"{vote.id}.held"] = vote.id in ballots
        for voter in vote.voters:
            names[f"{vote.id}.ballot.{voter}"] = held.get(voter, "none")
        mine = own_voter(role, seat, vote.id, scenario)
        if mine is not None:
            names[f"me.ballot.{vote.id}"] = held.get(mine, "none")
    return names


def own_voter(role: Role, seat: str, vote_id: str, scenario: Scenario) -> str | None:
    """Who casts ``seat``'s ballot in a vote: its actor, or the seat itself as a delegate."""
    vote = scenario.votes[vote_id]
    if role.actor is not None and role.actor in vote.voters:
        return role.actor
    if vote.delegates is not None and vote.delegates.role == role.id:
        return seat
    return None


def score(
    scenario: Scenario,
    seating: Seating,
    values: Mapping[str, Any],
    ending: str,
    ballots: Mapping[str, Mapping[str, str]],
    unrevealed: frozenset[str] = frozenset(),
) -> list[ev.ObjectivesScored]:
    """Each seat's objectives, to that seat and the teacher. ``unrevealed``: the votes held
    by secret ballot whose records are still sealed."""
    scored = []
    for seat in seating.seats:
        role = scenario.roles.get(role_of(seat))
        if role is None or not role.objectives:
            continue
        names = scope(scenario, seat, values, ending, ballots)
        own = {f"me.ballot.{v}" for v in scenario.votes}
        if role.actor is not None:
            own |= {f"{v}.ballot.{role.actor}" for v in scenario.votes}
        results = []
        for objective in role.objectives:
            achieved_text = _comment(scenario, objective, objective.achieved)
            failed_text = _comment(scenario, objective, objective.failed)
            read = objective.when.names
            read |= achieved_text.names if achieved_text is not None else frozenset()
            read |= failed_text.names if failed_text is not None else frozenset()
            unknown = any(
                names.get(name) == "secret"
                or (name not in own and _ballot_vote(name) in unrevealed)
                for name in read
            )
            achieved = None if unknown else bool(objective.when.evaluate(names))
            comment = None
            said = achieved_text if achieved else failed_text
            if achieved is not None and said is not None:
                comment = said.render(names)
            results.append(
                ev.ObjectiveResult(objective.id, objective.text, objective.kind, achieved, comment)
            )
        scored.append(
            ev.ObjectivesScored(
                seat,
                seat_name(scenario, seat),
                tuple(results),
                to=(ev.for_role(seat), ev.TEACHER),
            )
        )
    return scored


def _comment(scenario: Scenario, objective: Objective, text: str | None) -> Template | None:
    """What is said when ``objective`` is achieved (or failed), as a text that may follow
    what happened (``{if me.ballot.V == 'none'}``...), read in the objective's own scope."""
    if text is None:
        return None
    scope = objective.when.scope
    if scope is None or ("{" not in text and "}" not in text):
        return Template(lambda values: text, (), True)
    template, errors = compile_template(text, scope, scenario.variables, scenario.votes)
    if errors:  # the compiler refuses these first; a hand-made scenario may not
        raise errors[0]
    return template


def _ballot_vote(name: str) -> str | None:
    """The vote a ``VOTE.ballot.ACTOR`` name reads, else None."""
    vote, dot, rest = name.partition(".ballot.")
    return vote if dot and rest else None
