"""The keys of every object in the scenario format: one table, read by the compiler.

Each key says whether it is required and what it means. The compiler checks files against
these tables (unknown keys get a did-you-mean, missing required keys an error), so the
documentation of the format and its checking cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    required: bool
    doc: str


def _fields(**fields: tuple[bool, str]) -> dict[str, Field]:
    return {name: Field(required, doc) for name, (required, doc) in fields.items()}


REQ, OPT = True, False  # required, optional

SCENARIO = _fields(
    format=(REQ, "the format version; currently 1"),
    id=(REQ, "the scenario's snake_case id"),
    title=(REQ, "the title shown on the title screen"),
    language=(OPT, "a language tag such as 'en'"),
    summary=(REQ, "a paragraph for the title screen"),
    content_notes=(OPT, "notes for teachers shown on the title screen"),
    start=(REQ, "the id of the first phase"),
    historical_ending=(OPT, "the ending that really happened"),
    sources=(REQ, "the bibliography: source id -> source"),
    sides=(REQ, "the sides a player can take: side id -> side"),
    stances=(OPT, "the positions an actor can take: stance id -> label"),
    actors=(OPT, "people and bodies: actor id -> actor"),
    variables=(OPT, "what can change: variable id -> variable"),
    status=(OPT, "the lines of the status panel"),
    votes=(OPT, "how votes are counted: vote id -> vote"),
    phases=(REQ, "the scenes: phase id -> phase"),
    endings=(REQ, "how it can end: ending id -> ending"),
    expect=(OPT, "endings that must be reachable, and from which side"),
    debrief_questions=(OPT, "questions for discussion after the debrief"),
)
SOURCE = _fields(
    cite=(REQ, "the full citation"),
    grade=(REQ, "A primary or archival, B reputable secondary, C popular or weak"),
    ref=(OPT, "a reference into your own research notes"),
    url=(OPT, "where the source can be read"),
)
SIDE = _fields(
    name=(REQ, "the side's name"),
    leader=(REQ, "the actor who leads it"),
    goal=(REQ, "what the side wants, shown when choosing a side"),
)
ACTOR = _fields(
    name=(REQ, "the person's or body's name"),
    office=(REQ, "office at the time of the scenario"),
    rank=(REQ, "full, candidate, secretary, official or body"),
    stance=(OPT, "the starting stance"),
    principal=(OPT, "true if every ending must say what became of this actor"),
    sources=(OPT, "source ids for the actor's office and stance"),
)
VARIABLE = _fields(
    label=(REQ, "the variable's name in words"),
    type=(REQ, "number, flag or choice"),
    initial=(REQ, "the starting value"),
    min=(OPT, "a number's smallest value"),
    max=(OPT, "a number's largest value"),
    values=(OPT, "a choice's values: value id -> label"),
)
STATUS_LINE = _fields(
    variable=(OPT, "a variable to show"),
    alignment=(OPT, "a rank whose actors are counted by stance"),
    label=(OPT, "the line's label"),
)
TEXT_BRANCH = _fields(
    when=(REQ, "shown only when this condition holds"),
    text=(REQ, "the text"),
    counterfactual=(OPT, "true if this text is invented"),
)
NOTE = _fields(
    text=(REQ, "the historical claim"),
    sources=(REQ, "source ids that support it"),
    confidence=(REQ, "authenticated, attributed, contested or doubtful"),
)
BRANCH = _fields(
    when=(OPT, "taken only when this condition holds"),
    goto=(REQ, "a phase or ending id"),
)
CHOICE = _fields(
    id=(REQ, "the choice's snake_case id"),
    label=(REQ, "what the player reads"),
    when=(OPT, "offered only when this condition holds"),
    unavailable=(OPT, "with 'when': show the choice greyed out with this reason"),
    effects=(OPT, "effects applied when it is taken"),
    text=(OPT, "what happens, shown after it is taken"),
    next=(OPT, "where the story goes"),
    chance=(OPT, "odds, and what happens on success and on failure"),
    counterfactual=(OPT, "override the automatic counterfactual label"),
)
CHANCE = _fields(
    percent=(REQ, "the odds of success, a number expression from 0 to 100"),
    success=(REQ, "what happens on success"),
    failure=(REQ, "what happens on failure"),
)
OUTCOME = _fields(
    text=(OPT, "what happens"),
    effects=(OPT, "effects applied"),
    next=(REQ, "where the story goes"),
)
PHASE = _fields(
    title=(REQ, "the scene's heading"),
    date=(OPT, "yyyy-mm-dd"),
    date_label=(OPT, "free text instead of a date"),
    time=(OPT, "the time of day"),
    place=(OPT, "where the scene happens"),
    counterfactual=(OPT, "true for an invented scene"),
    content_note=(OPT, "a warning shown before the text"),
    text=(REQ, "the scene"),
    sources=(OPT, "source ids for the scene's text (required unless counterfactual)"),
    notes=(OPT, "sourced history notes shown on demand"),
    effects=(OPT, "effects applied on entering the phase"),
    vote=(OPT, "a vote held on entering the phase"),
    by=(OPT, "the side or actor who decides"),
    prompt=(OPT, "the question put to the decider"),
    choices=(OPT, "the choices offered"),
    history=(OPT, "the choice that was really made"),
    script=(OPT, "how the scenario decides when no human holds the seat"),
    next=(OPT, "where the story goes, for a phase without choices"),
)
SCRIPT_RULE = _fields(
    choose=(REQ, "a choice id"),
    when=(OPT, "the rule applies only when this condition holds"),
    percent=(OPT, "the rule applies only if this chance comes up"),
)
VOTE = _fields(
    title=(REQ, "the vote's heading"),
    motion=(REQ, "what is voted on"),
    voters=(OPT, "who votes, by rank or by name"),
    rules=(OPT, "how each voter decides; the first rule that applies"),
    blocs=(OPT, "bodies counted together"),
    passes=(OPT, "when the motion passes (default: votes_for > votes_against)"),
    sources=(OPT, "source ids"),
    counterfactual=(OPT, "true for an invented vote"),
)
VOTERS = _fields(
    ranks=(OPT, "every actor of these ranks"),
    actors=(OPT, "these actors"),
)
VOTE_RULE = _fields(
    actors=(OPT, "the rule applies only to these voters"),
    when=(OPT, "the rule applies only when this condition holds"),
    vote=(REQ, "for, against or abstain"),
    reason=(REQ, "why, shown beside the vote"),
)
BLOC = _fields(
    label=(REQ, "who the bloc is"),
    when=(OPT, "the bloc votes only when this condition holds"),
    reason=(REQ, "why it votes as it does"),
    **{
        "for": (OPT, "how many vote for"),
        "against": (OPT, "how many vote against"),
        "abstain": (OPT, "how many abstain"),
    },
)
ENDING = _fields(
    title=(REQ, "the ending's title"),
    kind=(REQ, "historical or counterfactual"),
    text=(REQ, "what happened"),
    sources=(OPT, "source ids (required for a historical ending)"),
    fates=(OPT, "what became of each principal actor: actor id -> fate"),
)
FATE = _fields(
    text=(REQ, "what became of the actor"),
    sources=(OPT, "source ids (required in a historical ending)"),
)
EXPECTATION = _fields(
    reachable=(REQ, "an ending id"),
    **{"as": (REQ, "the side that must be able to reach it")},
)
