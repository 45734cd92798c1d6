"""The classroom content of the bundled scenarios: the june_1957 and october_1964 casts.

These tests hold the scenarios to what the issue promises a teacher: a cast for every class
size the scenario claims, a brief and a game objective for every role, private knowledge that
is sourced or labelled counterfactual, moves that can actually be used, and the historical
facts the briefs rest on (the project's research file) kept straight. The counterfactuals
that extend june_1957 inherit its cast and change only what their premise contradicts.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from presidium import events as ev
from presidium.catalog import bundled_ids, load
from presidium.engine import Game
from presidium.model import CONFIDENCE, OBJECTIVE_KINDS, Role, Scenario
from presidium.seating import cast, class_sizes, dealing_order, role_of

EXTENDS_1957 = (
    "zhukov_neutral",
    "kgb_majority",
    "bulganin_refuses",
    "shepilov_stays",
    "agriculture_accepted",
    "published_first",
)
WITH_ROLES = ("june_1957", "october_1964", *EXTENDS_1957)


@pytest.fixture(scope="module", params=WITH_ROLES)
def scenario(request: pytest.FixtureRequest) -> Scenario:
    return load(request.param)


def role_texts(role: Role) -> list[str]:
    out = [role.name, role.brief, *role.reflect]
    for objective in role.objectives:
        out += [objective.text, objective.achieved or "", objective.failed or ""]
    out += [item.text for item in role.knows]
    for move in role.moves:
        out.append(move.label)
        outcomes = [move.outcome] if move.outcome else []
        if move.chance:
            outcomes += [move.chance.success, move.chance.failure]
        out += [part.text for outcome in outcomes if outcome for part in outcome.text]
    return out


# --- casting -------------------------------------------------------------------------------


def test_every_bundled_scenario_with_roles_is_listed() -> None:
    assert set(WITH_ROLES) == {i for i in bundled_ids() if load(i).roles}


@pytest.mark.parametrize("students", range(5, 26))
def test_june_1957_casts_every_class_size_from_5_to_25(students: int) -> None:
    scenario = load("june_1957")
    seating = cast(scenario, students)
    assert len(seating.seats) == students == len(set(seating.seats))
    assert {"khrushchev", "molotov", "zhukov"} <= set(seating.seats)  # the 'must' roles
    assert all(role_of(seat) in scenario.roles for seat in seating.seats)


def test_june_1957_class_sizes_and_the_deal() -> None:
    scenario = load("june_1957")
    assert class_sizes(scenario) == (5, 25)
    assert len(dealing_order(scenario)) == 25
    assert cast(scenario, 5).seats == ("khrushchev", "molotov", "zhukov", "bulganin", "malenkov")
    assert cast(scenario, 16).seats[-1] == "kirichenko"
    assert cast(scenario, 25).seats[-1] == "cc_member#9"


@pytest.mark.parametrize("students", range(5, 17))
def test_october_1964_casts_every_class_size_from_5_to_16(students: int) -> None:
    scenario = load("october_1964")
    seating = cast(scenario, students)
    assert len(seating.seats) == students == len(set(seating.seats))
    assert {"khrushchev", "brezhnev"} <= set(seating.seats)


def test_october_1964_class_sizes() -> None:
    scenario = load("october_1964")
    assert class_sizes(scenario) == (5, 16)
    assert cast(scenario, 5).seats == ("khrushchev", "brezhnev", "mikoyan", "semichastny", "suslov")


@pytest.mark.parametrize("name", EXTENDS_1957)
def test_counterfactuals_inherit_the_cast(name: str) -> None:
    base, scenario = load("june_1957"), load(name)
    assert list(scenario.roles) == list(base.roles)
    assert class_sizes(scenario) == (5, 25)
    for students in (5, 12, 25):
        assert cast(scenario, students).seats == cast(base, students).seats


# --- what every role carries ----------------------------------------------------------------


def test_every_role_has_a_brief_and_a_main_game_objective(scenario: Scenario) -> None:
    for role in scenario.roles.values():
        assert role.brief.strip(), role.id
        assert role.objectives, role.id
        assert {o.kind for o in role.objectives} <= set(OBJECTIVE_KINDS)
        assert any(o.kind == "main" for o in role.objectives), role.id
        for objective in role.objectives:
            # The post-mortem sets every result beside history, achieved or not.
            assert objective.text[0].isupper() and objective.text.endswith("."), objective.id
            assert objective.achieved and objective.failed, (role.id, objective.id)
        assert role.reflect, role.id
        assert role.can, role.id


def test_every_piece_of_private_knowledge_is_sourced_or_counterfactual(
    scenario: Scenario,
) -> None:
    for role in scenario.roles.values():
        for item in role.knows:
            if item.counterfactual:
                assert not item.sources, (role.id, item.text)
                continue
            assert item.sources, (role.id, item.text)
            assert item.confidence in CONFIDENCE, (role.id, item.text)
            assert set(item.sources) <= set(scenario.sources), (role.id, item.sources)


def test_every_move_is_sourced_or_counterfactual_and_usable(scenario: Scenario) -> None:
    """A move is usable only during a floor, so each phase in its window must have one."""
    floors = {phase.id for phase in scenario.phases.values() if phase.floor is not None}
    for role in scenario.roles.values():
        for move in role.moves:
            assert move.counterfactual or move.sources, (role.id, move.id)
            assert set(move.sources) <= set(scenario.sources), (role.id, move.id)
            assert move.window, (role.id, move.id)
            assert set(move.window) <= floors, (role.id, move.id, set(move.window) - floors)


def test_every_injection_is_sourced_or_counterfactual(scenario: Scenario) -> None:
    assert scenario.injections
    for injection in scenario.injections.values():
        assert injection.counterfactual or injection.sources, injection.id
        assert set(injection.sources) <= set(scenario.sources), injection.id
        if injection.vote is not None:
            assert scenario.votes[injection.vote].counterfactual, injection.id


def test_the_classroom_block(scenario: Scenario) -> None:
    room = scenario.classroom
    assert room is not None and room.minutes == 50
    assert sum(act.minutes for act in room.agenda) == room.minutes
    assert {act.phase for act in room.agenda} <= set(scenario.phases)
    assert set(room.stance_line) == set(scenario.stances)  # every stance is on the line
    persuadable = [a for a in scenario.actors.values() if a.persuadable]
    assert persuadable and all(a.stance in room.stance_line for a in persuadable)


def test_roles_play_real_actors_and_the_deciders_can_be_held(scenario: Scenario) -> None:
    for role in scenario.roles.values():
        if role.actor is not None:
            assert role.name == scenario.actors[role.actor].name
    deciders = {phase.by for phase in scenario.phases.values() if phase.by}
    actors = {role.actor for role in scenario.roles.values()}
    leaders = {side.id for side in scenario.sides.values() if side.leader in actors}
    assert deciders <= actors | leaders


def test_delegates_speak_for_a_role_with_copies(scenario: Scenario) -> None:
    delegated = [vote for vote in scenario.votes.values() if vote.delegates is not None]
    assert delegated
    for vote in delegated:
        assert vote.delegates is not None
        assert scenario.roles[vote.delegates.role].copies > 1
        assert vote.delegates.bloc in {bloc.id for bloc in vote.blocs}


# --- the facts the roles rest on (FACTS.md) -------------------------------------------------


def test_june_1957_presidium_ranks_follow_the_research() -> None:
    """FACTS.md §2.2: eleven voting full members; Zhukov, Brezhnev, Furtseva and Shepilov were
    candidate members without a vote; Serov was not in the Presidium."""
    scenario = load("june_1957")
    full = {a.id for a in scenario.actors.values() if a.rank == "full"}
    assert full == {
        "khrushchev", "bulganin", "voroshilov", "molotov", "malenkov", "kaganovich",
        "pervukhin", "saburov", "mikoyan", "suslov", "kirichenko",
    }  # fmt: skip
    for candidate in ("zhukov", "brezhnev", "furtseva", "shepilov"):
        assert scenario.actors[candidate].rank == "candidate"
        assert "no vote" in scenario.roles[candidate].brief or "not vote" in (
            scenario.roles[candidate].brief
        )
    assert scenario.actors["serov"].rank == "official"
    assert set(scenario.votes["showdown_18_june"].voters) == full


def test_shepilov_is_not_foreign_minister_in_june_1957() -> None:
    """FACTS.md §1.1 (15 Feb 1957) and §5: Gromyko replaced him; he was a CC Secretary."""
    brief = load("june_1957").roles["shepilov"].brief
    assert "Secretary of the Central Committee" in brief
    assert "until Gromyko replaced you" in brief


POPULAR_ERRORS = (
    "Andrei Kaganovich",
    "Leonid Kaganovich",
    "Alexander Shepilov",
    "General Secretary",
    "May 1957",
    "resigned from the party",
    "expelled from the Secretariat",
    "not a single tank",
)


def test_no_popular_error_in_any_role(scenario: Scenario) -> None:
    """FACTS.md §5 lists the errors popular pages make; none may reach a role sheet."""
    for role in scenario.roles.values():
        for text in role_texts(role):
            for error in POPULAR_ERRORS:
                assert error.lower() not in text.lower(), (role.id, error, text)
    for injection in scenario.injections.values():
        for part in injection.text:
            assert not any(e.lower() in part.text.lower() for e in POPULAR_ERRORS)


@pytest.mark.parametrize(
    ("name", "role", "objective", "premise"),
    [
        ("zhukov_neutral", "zhukov", "stay_out", "stands aside"),
        ("kgb_majority", "serov", "hold_the_gates", "KGB with the majority"),
        ("shepilov_stays", "shepilov", "not_named", "Shepilov does not join"),
    ],
)
def test_a_counterfactual_overrides_the_role_its_premise_contradicts(
    name: str, role: str, objective: str, premise: str
) -> None:
    base, scenario = load("june_1957"), load(name)
    assert objective in {o.id for o in scenario.roles[role].objectives}, premise
    assert objective not in {o.id for o in base.roles[role].objectives}
    assert scenario.roles[role].brief != base.roles[role].brief
    assert "counterfactual" in scenario.roles[role].brief


def test_shepilov_stays_does_not_tell_molotov_and_kaganovich_that_shepilov_joined() -> None:
    scenario = load("shepilov_stays")
    assert scenario.roles["shepilov"].side is None
    for role in ("molotov", "kaganovich"):
        texts = [item.text for item in scenario.roles[role].knows]
        assert not any("will join you" in t or "talked Shepilov round" in t for t in texts)


# --- the objectives on the historical path --------------------------------------------------


class DiceAsIn1957:
    """History's own chances come up; the scripted side's gambles (a rule's percent) do not."""

    def roll(self, percent: int, what: str) -> tuple[bool, int]:
        if what.startswith("script:"):
            return False, 100
        return percent > 0, 1


def history_scope(name: str) -> tuple[Scenario, dict[str, Any]]:
    """The values an objective reads at the end of a game that follows history throughout,
    as if every role had voted as the scenario's rules vote for its actor."""
    scenario = load(name)
    side = next(iter(scenario.sides))
    game = Game(scenario, [side], dice=DiceAsIn1957())
    events = game.start()
    while not game.over:
        phase = game.phase
        assert phase is not None and (phase.history is not None or phase.counterfactual)
        events += game.step(phase.history or game.options()[0].id)
    assert game.ending == scenario.historical_ending
    values: dict[str, Any] = dict(game.values)
    values["ending"] = game.ending
    values["ending_kind"] = scenario.endings[game.ending].kind
    held = {e.vote: e for e in events if isinstance(e, ev.VoteHeld)}
    for vote in scenario.votes.values():
        ballots = {b.voter: b.vote for b in held[vote.id].ballots} if vote.id in held else {}
        for voter in vote.voters:
            values[f"{vote.id}.ballot.{voter}"] = ballots.get(voter, "none")
    return scenario, values


def achieved(scenario: Scenario, values: dict[str, Any], role_id: str) -> dict[str, bool]:
    role = scenario.roles[role_id]
    own = dict(values)
    if role.actor is not None:
        own["me.stance"] = values[f"{role.actor}.stance"]
        for vote in scenario.votes.values():
            own[f"me.ballot.{vote.id}"] = values.get(f"{vote.id}.ballot.{role.actor}", "none")
    for vote in scenario.votes.values():
        if vote.delegates is not None and vote.delegates.role == role_id:
            own[f"me.ballot.{vote.id}"] = "for" if vote.id == "plenum_29_june" else "none"
    return {o.id: bool(o.when.evaluate(own)) for o in role.objectives}


def test_june_1957_objectives_on_the_historical_path_match_history() -> None:
    scenario, values = history_scope("june_1957")
    assert achieved(scenario, values, "khrushchev") == {
        "keep_the_post": True,
        "nobody_in_the_dock": True,
    }
    assert achieved(scenario, values, "molotov") == {
        "remove_khrushchev": False,
        "no_self_condemnation": True,  # the real Molotov abstained
    }
    assert achieved(scenario, values, "zhukov") == {"full_member": True, "the_archive": True}
    assert achieved(scenario, values, "kaganovich")["keep_the_archive_shut"] is False
    assert achieved(scenario, values, "shepilov") == {
        "keep_the_secretariat": False,
        "no_resolution": False,
    }
    assert achieved(scenario, values, "kirichenko")["a_clean_vote"] is True  # nobody against
    assert achieved(scenario, values, "cc_member")["winning_side"] is True
    # the waverers keep their seats only by turning in time; history demoted and dropped them
    assert achieved(scenario, values, "pervukhin")["keep_the_seat"] is False


def test_october_1964_objectives_on_the_historical_path_match_history() -> None:
    scenario, values = history_scope("october_1964")
    assert achieved(scenario, values, "khrushchev") == {
        "keep_the_posts": False,
        "no_denunciation": True,
    }
    assert achieved(scenario, values, "brezhnev") == {
        "remove_khrushchev": True,
        "nothing_like_a_coup": True,
    }
    assert achieved(scenario, values, "mikoyan")["winning_side"] is True  # he voted for
    assert achieved(scenario, values, "semichastny")["hold_the_guard"] is True
    assert achieved(scenario, values, "sergei_khrushchev")["make_him_listen"] is False


# --- errors found by the fact check, kept from coming back ----------------------------------


def test_zhukov_is_not_called_the_only_marshal_in_the_presidium(scenario: Scenario) -> None:
    """Voroshilov (a Marshal of the Soviet Union since 1935) and Bulganin (since 1947) sat in
    the Presidium as full members in June 1957, so Zhukov was not its only marshal."""
    for role in scenario.roles.values():
        for text in role_texts(role):
            assert "only marshal" not in text.lower(), (role.id, text)


def test_pervukhin_is_no_longer_the_planning_chief_in_june_1957() -> None:
    """He chaired the planning commission from December 1956 (FACTS.md §1.1) until it was
    abolished in May 1957, and was Minister of Medium Machine Building from 30 April 1957:
    in June he held the ministry, not both posts. Saburov was a waverer too (FACTS.md §2.2)."""
    role = load("june_1957").roles["pervukhin"]
    planner = [item.text for item in role.knows if "chief planner" in item.text]
    assert planner and all("no longer" in text for text in planner), planner
    assert not any("also Minister" in text for text in role_texts(role))
    assert "the waverer" not in role.brief


def test_people_outside_the_presidium_say_so_in_their_brief() -> None:
    """Ranks as the research gives them: Serov (1957) and Semichastny (1964) were never
    members; Shelepin joined only in November 1964; Ignatov had left it by 1964, so 'a member
    of the party's leadership' would tell a student he had a seat and a vote."""
    outside = {"june_1957": ("serov",), "october_1964": ("semichastny", "shelepin", "ignatov")}
    for name, roles in outside.items():
        scenario = load(name)
        voters = {v for vote in scenario.votes.values() for v in vote.voters}
        for role_id in roles:
            role = scenario.roles[role_id]
            assert role.actor not in voters or role.actor is None, role_id
            assert re.search(r"(not|no longer)( yet)? a member of the Presidium", role.brief), (
                role_id,
                role.brief,
            )
            assert "party's leadership" not in role.brief, role_id


def test_the_1964_central_committee_is_not_called_a_wholly_new_body() -> None:
    """The 22nd Congress elected it anew in 1961, with a renewal quota of at least a quarter
    (docs/history/october_1964.md §3): many members of 1957 still sat in it."""
    for role in load("october_1964").roles.values():
        for text in role_texts(role):
            assert "not the same men" not in text or "not all the same men" in text, text


def test_mikoyans_1964_vote_is_told_as_taubmans_account() -> None:
    """That Mikoyan defended Khrushchev and then voted with the others is attributed (one
    historian, as summarised), so a role sheet names whose account it is."""
    for role in load("october_1964").roles.values():
        for text in role_texts(role):
            if "Mikoyan" in text and "voted" in text:
                assert "Taubman" in text, (role.id, text)


@pytest.mark.parametrize(
    ("name", "contradicted"),
    [
        # Bulganin refuses: the majority is six against five, not seven against four.
        ("bulganin_refuses", ("seven of the eleven", "the seven who have the votes")),
        # Shepilov stays: he has not joined the seven, so no role is told he has.
        ("shepilov_stays", ("only shepilov is not", "will join you", "talked shepilov round")),
    ],
)
def test_no_inherited_role_text_contradicts_the_counterfactual_premise(
    name: str, contradicted: tuple[str, ...]
) -> None:
    """A counterfactual inherits june_1957's cast; a brief or a piece of private knowledge
    that states the historical arithmetic as this game's fact must be overridden, or say
    'historically'. Reflection questions look back at history and are left out."""
    for role in load(name).roles.values():
        texts = [t for t in role_texts(role) if t not in role.reflect]
        for text in texts:
            low = text.lower()
            for phrase in contradicted:
                assert phrase not in low or "historically" in low, (role.id, text)


def test_zhukov_and_furtseva_became_full_members_on_29_june_1957() -> None:
    """FACTS.md §1.2 (29 June) and §2.2: both were candidates during the crisis."""
    roles = load("june_1957").roles
    for role_id, objective in (("zhukov", "full_member"), ("furtseva", "keep_khrushchev")):
        text = next(o.achieved for o in roles[role_id].objectives if o.id == objective)
        assert text and "29 June 1957" in text and "full member" in text, (role_id, text)


def test_bulganin_refuses_tells_the_majority_it_has_six_votes() -> None:
    """The Molotov side's goal is printed on every one of its role sheets and in solo play:
    it must count this counterfactual's six against five, not history's seven of eleven."""
    goal = " ".join(load("bulganin_refuses").sides["molotov"].goal.split())
    assert "seven of the eleven" not in goal
    assert "six of the eleven votes" in goal and "counterfactual" in goal.lower()
