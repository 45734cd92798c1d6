"""The names a role's objectives may read, beyond the scenario's variables.

An objective is read once, at the end, in its role's scope: every variable, plus ``ending``,
``ending_kind``, ``me.stance`` (a role that plays an actor), ``me.ballot.VOTE`` (a role whose
actor votes in VOTE, or whose copies are its delegates), ``VOTE.ballot.ACTOR`` (every voter
of VOTE) and ``VOTE.held`` (the vote was held: a ballot of ``none`` then means that voter did
not vote, not that nobody could). Nothing else may name them, so no scene, branch or odds can give a ballot away. The
compiler, the cache check and the engine's scoring share this one definition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from presidium.conditions import BOOL, VarType
from presidium.model import BALLOT_VALUES, ENDING_KINDS, Vote

BALLOT = VarType("enum", BALLOT_VALUES)


def objective_names(
    stances: Iterable[str],
    endings: Iterable[str],
    votes: Mapping[str, Vote],
    actor: str | None,
    role: str | None,
    delegate_roles: Mapping[str, str] | None = None,
) -> dict[str, VarType]:
    """The objective-only names of the role ``role`` playing ``actor``; with ``role`` None,
    every such name any role of the scenario could have. ``delegate_roles`` (vote id -> the
    role its delegates are copies of) defaults to what the votes say."""
    if delegate_roles is None:
        delegate_roles = {v.id: v.delegates.role for v in votes.values() if v.delegates}
    names = {
        "ending": VarType("enum", tuple(endings)),
        "ending_kind": VarType("enum", ENDING_KINDS),
    }
    if actor is not None or role is None:
        names["me.stance"] = VarType("enum", tuple(stances))
    for vid, vote in votes.items():
        names[f"{vid}.held"] = VarType(BOOL)
        for voter in vote.voters:
            names[f"{vid}.ballot.{voter}"] = BALLOT
        delegates = delegate_roles.get(vid) == role
        if role is None or delegates or (actor is not None and actor in vote.voters):
            names[f"me.ballot.{vid}"] = BALLOT
    return names
