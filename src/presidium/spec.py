"""The keys of every object in the scenario format: one table, read by the compiler.

Each key says whether it is required and what it means. The compiler checks files against
these tables (unknown keys get a did-you-mean, missing required keys an error), so the
documentation of the format and its checking cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from presidium.model import GRADE_LEGEND


@dataclass(frozen=True)
class Field:
    required: bool
    doc: str
    kind: str  # what the value is: see presidium.tools.schema for the list of kinds


def _fields(**fields: tuple[bool, str, str]) -> dict[str, Field]:
    return {name: Field(required, doc, kind) for name, (required, doc, kind) in fields.items()}


REQ, OPT = True, False  # required, optional

SCENARIO = _fields(
    format=(REQ, "the format version; currently 1", "format"),
    id=(REQ, "the scenario's snake_case id", "id"),
    title=(REQ, "the title shown on the title screen", "text"),
    language=(OPT, "a language tag such as 'en'", "text"),
    summary=(REQ, "a paragraph for the title screen", "text"),
    content_notes=(OPT, "notes for teachers shown on the title screen", "texts"),
    start=(REQ, "the id of the first phase", "id"),
    historical_ending=(OPT, "the ending that really happened", "id"),
    sources=(REQ, "the bibliography: source id -> source", "map:SOURCE"),
    sides=(REQ, "the sides a player can take: side id -> side", "map:SIDE"),
    stances=(OPT, "the positions an actor can take: stance id -> label", "labels"),
    actors=(OPT, "people and bodies: actor id -> actor", "map:ACTOR"),
    variables=(OPT, "what can change: variable id -> variable", "map:VARIABLE"),
    status=(OPT, "the lines of the status panel", "list:STATUS_LINE"),
    votes=(OPT, "how votes are counted: vote id -> vote", "map:VOTE"),
    phases=(REQ, "the scenes: phase id -> phase", "map:PHASE"),
    endings=(REQ, "how it can end: ending id -> ending", "map:ENDING"),
    expect=(OPT, "endings that must be reachable, and from which side", "list:EXPECTATION"),
    debrief_questions=(OPT, "questions for discussion after the debrief", "texts"),
    extends=(OPT, "the scenario this one changes: a bundled id or a path to a .yaml file", "text"),
    remove=(OPT, "what to take out of the scenario this one extends", "object:REMOVE"),
)
SOURCE = _fields(
    cite=(REQ, "the full citation", "text"),
    grade=(REQ, GRADE_LEGEND, "enum:A|B|C"),
    ref=(OPT, "a reference into your own research notes", "text"),
    url=(OPT, "where the source can be read", "text"),
)
SIDE = _fields(
    name=(REQ, "the side's name", "text"),
    leader=(REQ, "the actor who leads it", "id"),
    goal=(REQ, "what the side wants, shown when choosing a side", "text"),
)
ACTOR = _fields(
    name=(REQ, "the person's or body's name", "text"),
    office=(REQ, "office at the time of the scenario", "text"),
    rank=(
        REQ,
        "full, candidate, secretary, official or body",
        "enum:full|candidate|secretary|official|body",
    ),
    stance=(OPT, "the starting stance", "id"),
    principal=(OPT, "true if every ending must say what became of this actor", "flag"),
    sources=(OPT, "source ids for the actor's office and stance", "ids"),
)
VARIABLE = _fields(
    label=(REQ, "the variable's name in words", "text"),
    type=(REQ, "number, flag or choice", "enum:number|flag|choice"),
    initial=(REQ, "the starting value", "initial"),
    min=(OPT, "a number's smallest value", "integer"),
    max=(OPT, "a number's largest value", "integer"),
    values=(OPT, "a choice's values: value id -> label", "labels"),
)
STATUS_LINE = _fields(
    variable=(OPT, "a variable to show", "name"),
    alignment=(OPT, "a rank whose actors are counted by stance", "id"),
    label=(OPT, "the line's label", "text"),
)
TEXT_BRANCH = _fields(
    when=(OPT, "shown only when this condition holds (always, if absent)", "condition"),
    text=(REQ, "the text", "text"),
    counterfactual=(OPT, "true if this text is invented", "flag"),
)
NOTE = _fields(
    text=(REQ, "the historical claim", "text"),
    sources=(REQ, "source ids that support it", "ids"),
    confidence=(
        REQ,
        "authenticated, attributed, contested or doubtful",
        "enum:authenticated|attributed|contested|doubtful",
    ),
)
BRANCH = _fields(
    when=(OPT, "taken only when this condition holds", "condition"),
    goto=(REQ, "a phase or ending id", "id"),
)
CHOICE = _fields(
    id=(REQ, "the choice's snake_case id", "id"),
    label=(REQ, "what the player reads", "text"),
    when=(OPT, "offered only when this condition holds", "condition"),
    unavailable=(OPT, "with 'when': show the choice greyed out with this reason", "text"),
    effects=(OPT, "effects applied when it is taken", "effects"),
    text=(OPT, "what happens, shown after it is taken", "scene_text"),
    next=(OPT, "where the story goes", "next"),
    chance=(OPT, "odds, and what happens on success and on failure", "object:CHANCE"),
    counterfactual=(OPT, "override the automatic counterfactual label", "flag"),
)
CHANCE = _fields(
    percent=(REQ, "the odds of success, a number expression from 0 to 100", "number"),
    success=(REQ, "what happens on success", "object:OUTCOME"),
    failure=(REQ, "what happens on failure", "object:OUTCOME"),
)
OUTCOME = _fields(
    text=(OPT, "what happens", "scene_text"),
    effects=(OPT, "effects applied", "effects"),
    next=(REQ, "where the story goes", "next"),
)
PHASE = _fields(
    title=(REQ, "the scene's heading", "text"),
    date=(OPT, "yyyy-mm-dd", "date"),
    date_label=(OPT, "free text instead of a date", "text"),
    time=(OPT, "the time of day", "text"),
    place=(OPT, "where the scene happens", "text"),
    counterfactual=(OPT, "true for an invented scene", "flag"),
    content_note=(OPT, "a warning shown before the text", "text"),
    text=(REQ, "the scene", "scene_text"),
    sources=(OPT, "source ids for the scene's text (required unless counterfactual)", "ids"),
    notes=(OPT, "sourced history notes shown on demand", "list:NOTE"),
    effects=(OPT, "effects applied on entering the phase", "effects"),
    vote=(OPT, "a vote held on entering the phase", "id"),
    by=(OPT, "the side or actor who decides", "id"),
    prompt=(OPT, "the question put to the decider", "text"),
    choices=(OPT, "the choices offered", "list:CHOICE"),
    history=(OPT, "the choice that was really made", "id"),
    script=(OPT, "how the scenario decides when no human holds the seat", "list:SCRIPT_RULE"),
    next=(OPT, "where the story goes, for a phase without choices", "next"),
)
SCRIPT_RULE = _fields(
    choose=(REQ, "a choice id", "id"),
    when=(OPT, "the rule applies only when this condition holds", "condition"),
    percent=(OPT, "the rule applies only if this chance comes up", "number"),
)
VOTE = _fields(
    title=(REQ, "the vote's heading", "text"),
    motion=(REQ, "what is voted on", "text"),
    voters=(OPT, "who votes, by rank or by name", "object:VOTERS"),
    rules=(OPT, "how each voter decides; the first rule that applies", "list:VOTE_RULE"),
    blocs=(OPT, "bodies counted together", "list:BLOC"),
    passes=(OPT, "when the motion passes (default: votes_for > votes_against)", "condition"),
    sources=(OPT, "source ids", "ids"),
    counterfactual=(OPT, "true for an invented vote", "flag"),
)
VOTERS = _fields(
    ranks=(OPT, "every actor of these ranks", "ids"),
    actors=(OPT, "these actors", "ids"),
)
VOTE_RULE = _fields(
    actors=(OPT, "the rule applies only to these voters", "ids"),
    when=(OPT, "the rule applies only when this condition holds", "condition"),
    vote=(REQ, "for, against or abstain", "enum:for|against|abstain"),
    reason=(REQ, "why, shown beside the vote", "text"),
    counterfactual=(OPT, "true if this reason is invented (it is labelled so)", "flag"),
)
BLOC = _fields(
    label=(REQ, "who the bloc is", "text"),
    when=(OPT, "the bloc votes only when this condition holds", "condition"),
    reason=(REQ, "why it votes as it does", "text"),
    **{
        "for": (OPT, "how many vote for", "number"),
        "against": (OPT, "how many vote against", "number"),
        "abstain": (OPT, "how many abstain", "number"),
    },
)
ENDING = _fields(
    title=(REQ, "the ending's title", "text"),
    kind=(REQ, "historical or counterfactual", "enum:historical|counterfactual"),
    text=(REQ, "what happened", "scene_text"),
    sources=(OPT, "source ids (required for a historical ending)", "ids"),
    fates=(OPT, "what became of each principal actor: actor id -> fate", "fates"),
)
FATE = _fields(
    text=(REQ, "what became of the actor", "text"),
    sources=(OPT, "source ids (required in a historical ending)", "ids"),
    confidence=(
        OPT,
        "authenticated, attributed, contested or doubtful (required in a historical ending)",
        "enum:authenticated|attributed|contested|doubtful",
    ),
)
EXPECTATION = _fields(
    reachable=(REQ, "an ending id", "id"),
    **{"as": (REQ, "the side that must be able to reach it", "id")},
)

REMOVE = _fields(
    phases=(OPT, "phase ids", "ids"),
    endings=(OPT, "ending ids", "ids"),
    choices=(OPT, "choices, each written phase.choice", "names"),
    actors=(OPT, "actor ids", "ids"),
    variables=(OPT, "variable ids", "ids"),
    votes=(OPT, "vote ids", "ids"),
    sources=(OPT, "source ids", "ids"),
    sides=(OPT, "side ids", "ids"),
)

OBJECTS = {
    name: value
    for name, value in globals().items()
    if name.isupper() and isinstance(value, dict) and name not in ("REQ", "OPT")
}
