"""Counting a vote: the scenario's rules, the students' ballots, blocs and delegates.

A solo game's votes are computed from rules alone (``hold`` with no ``Seated``), exactly as
they always were. In a class some voters are students: their ballots are counted as cast, a
missing one follows the vote's ``missing`` rule, a paper tally stands for all of them, and
seated Central Committee delegates together cast a share of their bloc. What the room may see
depends on the ballot's kind: a secret ballot's public record has the totals only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field, replace
from typing import Any

from presidium import events as ev
from presidium.model import Scenario, Vote
from presidium.records import record
from presidium.template import fill

COUNTS = ("for", "against", "abstain")
# a seated voter who had not voted when the ballot closed (a phone may well have been
# connected: "absent" would not be true): why, by who closed it (its countdown, or the
# teacher before everyone had voted), and what was counted for them
LATE = "Did not vote in time"
CLOSED_FIRST = "Had not voted when the teacher closed the ballot"
ABSTAIN_SAID, SCRIPT_SAID = "; counted as abstaining.", "; the scenario's rules cast this vote:"
NOT_VOTED = (LATE + "; ", CLOSED_FIRST + "; ")  # how such a ballot's reason begins
MISSING_SAID = {  # the close's summary: what was done with the votes not cast in time
    "abstain": "counted as abstaining",
    "script": "the scenario's rules voted for them",
    "absent": "not counted",
}
PAPER_LABEL = "Counted on paper"
PAPER_REASON = "The seated voters' secret paper ballots, counted by the teacher."


class VoterView(Mapping[str, Any]):
    """The game's values, with ``voter.X`` read as the voter's own ``X`` (for vote rules)."""

    def __init__(self, values: Mapping[str, Any], voter: str) -> None:
        self._values = values
        self.voter = voter

    def __getitem__(self, key: str) -> Any:
        if key.startswith("voter."):
            return self._values[self.voter + key[5:]]
        return self._values[key]

    def __iter__(self) -> Any:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@record
class Seated:
    """The students taking part in one ballot, at its close."""

    voters: Mapping[str, str]  # actor voter -> the seat that votes for it (not scripted)
    delegates: tuple[str, ...]  # the delegate seats casting the bloc's share, in seat order
    cast: Mapping[str, tuple[str, str]]  # seat -> (ballot, why)
    names: Mapping[str, str]  # seat -> what the room calls it
    missing: str  # model.MISSING_RULES
    paper: tuple[int, int, int] | None = None  # a paper tally of the seated voters' votes
    # seats handed to the script while the ballot was open: without a ballot of their own,
    # the rules vote for them, as for a voter nobody holds
    scripted: frozenset[str] = frozenset()
    by_teacher: bool = False  # the teacher closed it (its countdown had not run out)

    @property
    def not_voted(self) -> str:
        """How the reason of a seated voter with no ballot begins."""
        return CLOSED_FIRST if self.by_teacher else LATE


@record
class Count:
    """A vote counted: the full record, what the room may see, and each voter's ballot."""

    full: ev.VoteHeld
    public: ev.VoteHeld  # the full record, or for a secret ballot the totals only
    record: dict[str, str] = field(default_factory=dict)  # voter or delegate seat -> value
    voted: int = 0  # seated voters who cast a ballot (or were counted on paper)
    absent: int = 0  # seated voters with no ballot at close


def rule_ballot(
    scenario: Scenario, vote: Vote, values: Mapping[str, Any], voter: str
) -> ev.Ballot | None:
    """The ballot the scenario's rules give ``voter``: the first rule that admits and holds."""
    view = VoterView(values, voter)
    for rule in vote.rules:
        if rule.actors and voter not in rule.actors:
            continue
        if rule.when is None or rule.when.evaluate(view):
            return ev.Ballot(
                voter,
                scenario.actors[voter].name,
                rule.vote,
                fill(scenario, rule.reason, view),
                rule.counterfactual and not vote.counterfactual,
            )
    return None


def delegate_votes(size: int, share: int, seats: int) -> list[int]:
    """How many votes each of ``seats`` delegate seats casts: ``share`` per cent of ``size``
    in whole votes, split evenly, the remainder to the last seat, so the total is exact."""
    total = max(0, size) * share // 100
    each = total // seats
    return [each] * (seats - 1) + [total - each * (seats - 1)]


def scaled(counts: Mapping[str, int], percent: int) -> dict[str, int]:
    """``counts`` scaled to ``percent`` per cent in whole votes (largest remainders first,
    so the scaled total is the whole part of the scaled sum)."""
    exact = {k: counts.get(k, 0) * percent for k in COUNTS}
    whole = {k: v // 100 for k, v in exact.items()}
    left = sum(exact.values()) // 100 - sum(whole.values())
    for k in sorted(COUNTS, key=lambda k: -(exact[k] % 100))[:left]:
        whole[k] += 1
    return whole


def split_like(votes: int, counts: Mapping[str, int]) -> dict[str, int]:
    """``votes`` shared out in the proportions of ``counts`` (all abstain when they are zero)."""
    total = sum(counts.get(k, 0) for k in COUNTS)
    if total == 0:
        return {"for": 0, "against": 0, "abstain": votes}
    share = {k: votes * counts.get(k, 0) // total for k in ("for", "against")}
    share["abstain"] = votes - share["for"] - share["against"]
    return share


def hold(
    scenario: Scenario, vote: Vote, values: Mapping[str, Any], seated: Seated | None = None
) -> Count:
    """Count ``vote`` now. ``seated`` None: by the rules alone, as a solo game does."""
    tally = {"for": 0, "against": 0, "abstain": 0}
    ballots: list[ev.Ballot] = []
    own: list[str] = []  # the voters whose ballot, and reason, a student cast
    record: dict[str, str] = {}
    voted = absent = 0
    for voter in vote.voters:
        seat = seated.voters.get(voter) if seated is not None else None
        if seated is not None and seat is not None:
            if seated.paper is not None and seat not in seated.scripted and seat not in seated.cast:
                record[voter] = "secret"
                voted += 1
                continue
            if seat in seated.cast:
                value, why = seated.cast[seat]
                name = scenario.actors[voter].name
                ballot: ev.Ballot | None = ev.Ballot(voter, name, value, why)
                record[voter] = value
                own.append(voter)
                voted += 1
            elif seat in seated.scripted:
                ballot = rule_ballot(scenario, vote, values, voter)
                if ballot is not None:
                    record[voter] = ballot.vote
            else:
                absent += 1
                record[voter] = "none"
                ballot = _missing(scenario, vote, values, voter, seated)
        else:
            ballot = rule_ballot(scenario, vote, values, voter)
            if ballot is not None:
                record[voter] = ballot.vote
        if ballot is not None:
            tally[ballot.vote] += 1
            ballots.append(ballot)
        else:
            record.setdefault(voter, "none")
    blocs: list[ev.BlocBallot] = []
    delegates = vote.delegates
    for bloc in vote.blocs:
        if bloc.when is not None and not bloc.when.evaluate(values):
            continue
        counts = {k: max(0, int(c.evaluate(values))) for k, c in bloc.counts.items()}
        seats = seated.delegates if seated is not None else ()
        if delegates is not None and seats and bloc.id == delegates.bloc:
            assert seated is not None
            formula = {k: counts.get(k, 0) for k in COUNTS}
            counts = scaled(formula, 100 - delegates.share)
            size = int(delegates.size.evaluate(values))
            shares = delegate_votes(size, delegates.share, len(seats))
            on_paper = paper_seats(seats, seated) if seated.paper is not None else frozenset()
            for seat, n in zip(seats, shares, strict=True):
                if seat in on_paper:
                    if seat not in seated.scripted:
                        record[seat] = "secret"
                        voted += 1
                    continue
                if seat in seated.cast:
                    value, why = seated.cast[seat]
                    part = {k: n if k == value else 0 for k in COUNTS}
                    reason = why
                    record[seat] = value
                    voted += 1
                elif seat in seated.scripted:
                    part, reason = split_like(n, formula), fill(scenario, bloc.reason, values)
                else:
                    absent += 1
                    record[seat] = "none"
                    if seated.missing == "absent":
                        continue
                    if seated.missing == "script":
                        part, reason = (
                            split_like(n, formula),
                            f"{seated.not_voted}{SCRIPT_SAID} {fill(scenario, bloc.reason, values)}",
                        )
                    else:
                        part = {"for": 0, "against": 0, "abstain": n}
                        reason = seated.not_voted + ABSTAIN_SAID
                for k in COUNTS:
                    tally[k] += part[k]
                blocs.append(
                    ev.BlocBallot(
                        seated.names[seat], part["for"], part["against"], part["abstain"], reason
                    )
                )
        for key, number in counts.items():
            tally[key] += number
        blocs.append(
            ev.BlocBallot(
                bloc.label,
                counts.get("for", 0),
                counts.get("against", 0),
                counts.get("abstain", 0),
                fill(scenario, bloc.reason, values),
            )
        )
    if seated is not None and seated.paper is not None:
        paper = dict(zip(COUNTS, seated.paper, strict=True))
        for k in COUNTS:
            tally[k] += paper[k]
        blocs.append(
            ev.BlocBallot(
                PAPER_LABEL, paper["for"], paper["against"], paper["abstain"], PAPER_REASON
            )
        )
    scope = dict(values)
    scope.update(
        votes_for=tally["for"], votes_against=tally["against"], abstentions=tally["abstain"]
    )
    passed = bool(vote.passes.evaluate(scope))
    full = ev.VoteHeld(
        vote.id,
        vote.title,
        vote.motion,
        tuple(ballots),
        tuple(blocs),
        tally["for"],
        tally["against"],
        tally["abstain"],
        passed,
        vote.counterfactual,
        tuple(own),
    )
    public = replace(full, ballots=(), blocs=(), own=()) if vote.ballot == "secret" else full
    return Count(full, public, record, voted, absent)


def _missing(
    scenario: Scenario, vote: Vote, values: Mapping[str, Any], voter: str, seated: Seated
) -> ev.Ballot | None:
    """The ballot counted for a seated voter who did not vote, by the vote's ``missing`` rule."""
    name = scenario.actors[voter].name
    if seated.missing == "absent":
        return None
    if seated.missing == "script":
        ruled = rule_ballot(scenario, vote, values, voter)
        if ruled is None:
            return None
        return replace(ruled, reason=f"{seated.not_voted}{SCRIPT_SAID} {ruled.reason}")
    return ev.Ballot(voter, name, "abstain", seated.not_voted + ABSTAIN_SAID)


def paper_seats(seats: tuple[str, ...], seated: Seated) -> frozenset[str]:
    """The delegate seats a paper tally stands for: every one that has not cast a ballot of
    its own, a scripted one's share going to the paper with the others; none when no seat
    is left to vote on paper."""
    left = [s for s in seats if s not in seated.cast]
    if all(s in seated.scripted for s in left):
        return frozenset()
    return frozenset(left)


def paper_total(
    scenario: Scenario, vote: Vote, values: Mapping[str, Any], seated: Seated
) -> tuple[int, int]:
    """What a paper tally must add up to: (the seated actor voters with no ballot in yet, one
    vote each; the votes of the delegate seats it stands for)."""
    voters = sum(
        1 for s in seated.voters.values() if s not in seated.scripted and s not in seated.cast
    )
    seats = seated.delegates
    if not seats or vote.delegates is None:
        return voters, 0
    size = int(vote.delegates.size.evaluate(values))
    shares = delegate_votes(size, vote.delegates.share, len(seats))
    on_paper = paper_seats(seats, seated)
    return voters, sum(n for s, n in zip(seats, shares, strict=True) if s in on_paper)


def seated_votes(
    scenario: Scenario, vote: Vote, values: Mapping[str, Any], voters: int, delegates: int
) -> int:
    """How many votes ``voters`` seated actor voters and ``delegates`` delegate seats hold
    between them: what a paper tally of their ballots must add up to."""
    if not delegates or vote.delegates is None:
        return voters
    size = int(vote.delegates.size.evaluate(values))
    return voters + max(0, size) * vote.delegates.share // 100
