"""The keys of every object in the scenario format: one table, read by the compiler.

Each key says whether it is required and what it means. The compiler checks files against
these tables (unknown keys get a did-you-mean, missing required keys an error), so the
documentation of the format and its checking cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from presidium.model import GRADE_LEGEND

FORMATS = (1, 2)  # the format versions this presidium reads; a classroom key needs 2


@dataclass(frozen=True)
class Field:
    required: bool
    doc: str
    kind: str  # what the value is: see presidium.tools.schema for the list of kinds
    since: int = 1  # the format version that introduced the key


def _fields(**fields: tuple[bool, str, str] | tuple[bool, str, str, int]) -> dict[str, Field]:
    return {name: Field(*spec) for name, spec in fields.items()}


REQ, OPT = True, False  # required, optional
C2 = 2  # a classroom key: only in a file that says 'format: 2'

SCENARIO = _fields(
    format=(REQ, "the format version: 1, or 2 for a file with classroom keys", "format"),
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
    expect=(
        OPT,
        "endings that must be reachable, from which side, and within which odds",
        "list:EXPECTATION",
    ),
    debrief_questions=(OPT, "questions for discussion after the debrief", "texts"),
    glossary=(
        OPT,
        "terms the player may not know, shown by the 'who' command: term -> text, or text "
        "and sources",
        "glossary",
    ),
    extends=(OPT, "the scenario this one changes: a bundled id or a path to a .yaml file", "text"),
    remove=(OPT, "what to take out of the scenario this one extends", "object:REMOVE"),
    classroom=(
        OPT,
        "how a class plays it: class sizes, agenda, stance line",
        "object:CLASSROOM",
        C2,
    ),
    roles=(OPT, "the people students play, in a class: role id -> role", "map:ROLE", C2),
    injections=(
        OPT,
        "events the teacher may inject: injection id -> injection",
        "map:INJECTION",
        C2,
    ),
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
    targets=(
        OPT,
        "what the side needs, each shown met or not: the goal's thresholds in words",
        "list:SIDE_TARGET",
    ),
)
SIDE_TARGET = _fields(
    label=(REQ, "what is needed, as the player reads it", "text"),
    when=(REQ, "the condition that is true while it is met", "condition"),
)
ABOUT = _fields(
    text=(REQ, "one line: who this is, or what the term means", "text"),
    sources=(OPT, "source ids that support it (required unless counterfactual)", "ids"),
    counterfactual=(OPT, "true if the line is invented (it is labelled so)", "flag"),
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
    about=(
        OPT,
        "who this is, in one line, with its sources, for the 'who' command",
        "sourced",
    ),
    persuadable=(
        OPT,
        "true: when no student holds this actor, roles may argue its stance one step along "
        "the classroom's stance_line",
        "flag",
        C2,
    ),
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
    chance=(OPT, "odds, and what happens on each outcome", "object:CHANCE"),
    counterfactual=(OPT, "override the automatic counterfactual label", "flag"),
    concedes=(OPT, "true if taking it gives the game up: the player is asked to confirm", "flag"),
)
CHANCE = _fields(
    percent=(OPT, "two outcomes: the odds of success, a number expression from 0 to 100", "number"),
    success=(OPT, "two outcomes: what happens on success", "object:OUTCOME"),
    failure=(OPT, "two outcomes: what happens on failure", "object:OUTCOME"),
    outcomes=(
        OPT,
        "instead of percent/success/failure: two or more outcomes, each with its odds, the "
        "first the historical one, the last (without 'percent') taking what is left",
        "list:CHANCE_OUTCOME",
    ),
)
CHANCE_OUTCOME = _fields(
    label=(REQ, "what the player reads beside its odds, and after the roll", "text"),
    percent=(OPT, "its odds, a number expression from 0 to 100; not on the last", "number"),
    text=(OPT, "what happens", "scene_text"),
    effects=(OPT, "effects applied", "effects"),
    next=(REQ, "where the story goes", "next"),
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
    floor=(
        OPT,
        "in a class: before the ballot and the decision, every seated role may use its moves",
        "object:FLOOR",
        C2,
    ),
    consult=(OPT, "side: in a class, the decider's seated side-mates advise", "enum:side", C2),
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
    history=(
        OPT,
        "what the real vote did, when history records it: passed or failed (the debrief "
        "flags a game whose vote went otherwise)",
        "enum:passed|failed",
    ),
    history_count=(
        OPT,
        "how the real vote was counted, in a few words, when the sources say "
        "(\"unanimous, Molotov abstaining\"); needs 'history'",
        "text",
    ),
    ballot=(
        OPT,
        "in a class: open (roll call; the default), simultaneous (revealed at close) or "
        "secret (the tally only)",
        "enum:open|simultaneous|secret",
        C2,
    ),
    missing=(
        OPT,
        "in a class, a seated voter with no ballot at close: abstain (the default), script "
        "(the rules vote, labelled) or absent (not counted)",
        "enum:abstain|script|absent",
        C2,
    ),
    minutes=(OPT, "in a class: the suggested time before the ballot closes", "integer", C2),
    delegates=(
        OPT,
        "in a class: seated copies of a role cast a share of a bloc's votes",
        "object:DELEGATES",
        C2,
    ),
    stance_after=(
        OPT,
        "in a class: the stance a seated voter takes by casting each ballot himself (not for "
        "a secret ballot)",
        "object:STANCE_AFTER",
        C2,
    ),
    by_rules=(
        OPT,
        "in a class: voters whose ballot the rules cast even when a student plays them (an "
        "earlier decision has settled it)",
        "ids",
        C2,
    ),
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
    id=(OPT, "the bloc's id, so that a vote's 'delegates' can name it", "id", C2),
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
    winner=(OPT, "the side whose victory this ending is (none: nobody's)", "id"),
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
    reachable=(OPT, "an ending id (or write 'victory')", "id"),
    **{"as": (OPT, "the side that must be able to reach it (with 'reachable')", "id")},
    victory=(OPT, "a side id: the endings whose winner is that side, together", "id"),
    best=(
        OPT,
        "bounds, in percent, on the best chance any strategy has: '35..85', '>= 10', '< 90'",
        "text",
    ),
    random=(OPT, "bounds, in percent, on the chance under random play: '>= 10'", "text"),
)

CLASSROOM = _fields(
    students=(REQ, "the class sizes the roles can seat", "object:STUDENTS"),
    minutes=(OPT, "the length of the lesson", "integer"),
    agenda=(OPT, "the acts of the lesson, for the run sheet and the pace", "list:AGENDA_ITEM"),
    stance_line=(OPT, "stance ids in the order persuasion moves an actor along", "ids"),
)
STUDENTS = _fields(
    min=(REQ, "the smallest class", "integer"),
    max=(REQ, "the largest class", "integer"),
)
AGENDA_ITEM = _fields(
    **{"from": (REQ, "the phase that begins the act", "id")},
    minutes=(REQ, "the act's minutes", "integer"),
    label=(REQ, "the act's name on the run sheet", "text"),
)
ROLE = _fields(
    actor=(OPT, "the actor played; the role also holds the side that actor leads", "id"),
    name=(OPT, "the role's name, for a role with no actor (required then)", "text"),
    side=(REQ, "the role's team: a side id, or none for an indeterminate", "id"),
    hidden=(OPT, "true: the team is kept off the other players' sheets", "flag"),
    priority=(REQ, "casting order: N students get the N roles of lowest priority", "integer"),
    copies=(OPT, "how many students may hold copies of this role (default 1)", "integer"),
    must=(OPT, "true: dealt at every class size", "flag"),
    brief=(REQ, "public: printed on the role sheet", "text"),
    objectives=(OPT, "the role's secret game objectives", "list:OBJECTIVE"),
    knows=(OPT, "private knowledge, sourced or counterfactual", "list:KNOWLEDGE"),
    moves=(OPT, "choices the role may make during a floor", "list:MOVE"),
    can=(OPT, "built-in floor actions: declare, argue, note, chair", "built_ins"),
    reflect=(OPT, "the role's own questions for the post-mortem", "texts"),
)
OBJECTIVE = _fields(
    id=(REQ, "the objective's snake_case id", "id"),
    text=(REQ, "the objective, as the role sheet says it", "text"),
    when=(
        REQ,
        "achieved when this holds at the end; it may also name ending, ending_kind, "
        "me.stance, me.ballot.VOTE, VOTE.ballot.ACTOR and VOTE.held",
        "condition",
    ),
    kind=(OPT, "main (the default) or personal", "enum:main|personal"),
    achieved=(OPT, "said in the post-mortem when it was achieved", "text"),
    failed=(OPT, "said in the post-mortem when it was not", "text"),
)
KNOWLEDGE = _fields(
    text=(REQ, "what the role knows", "text"),
    sources=(OPT, "source ids (required unless counterfactual)", "ids"),
    confidence=(
        OPT,
        "authenticated, attributed, contested or doubtful (required with sources)",
        "enum:authenticated|attributed|contested|doubtful",
    ),
    counterfactual=(OPT, "true if this knowledge is invented", "flag"),
    at=(OPT, "revealed when this phase starts (a sealed envelope on paper)", "id"),
)
MOVE = _fields(
    id=(REQ, "the move's snake_case id", "id"),
    label=(REQ, "what the student reads", "text"),
    when=(OPT, "allowed only when this condition holds", "condition"),
    unavailable=(OPT, "with 'when': why the move cannot be made now", "text"),
    effects=(OPT, "effects applied when it resolves", "effects"),
    text=(OPT, "what happens, shown when it resolves", "scene_text"),
    chance=(OPT, "odds, and what happens on success and on failure", "object:MOVE_CHANCE"),
    limit=(OPT, "how many times a game it may be made", "integer"),
    window=(OPT, "the phases whose floor allows it (any floor, if absent)", "ids"),
    public=(OPT, "true: the outcome is announced to the room", "flag"),
    target=(OPT, "{persuadable: true}: the move names a persuadable actor", "object:TARGET"),
    sources=(OPT, "source ids (required when its text tells history)", "ids"),
    counterfactual=(OPT, "true for an invented move", "flag"),
)
MOVE_CHANCE = _fields(
    percent=(REQ, "the odds of success, a number expression from 0 to 100", "number"),
    success=(REQ, "what happens on success", "object:MOVE_OUTCOME"),
    failure=(REQ, "what happens on failure", "object:MOVE_OUTCOME"),
)
MOVE_OUTCOME = _fields(
    text=(OPT, "what happens", "scene_text"),
    effects=(OPT, "effects applied", "effects"),
)
TARGET = _fields(
    persuadable=(REQ, "true: the student names a persuadable actor", "flag"),
)
INJECTION = _fields(
    label=(REQ, "the event's name on the teacher's list", "text"),
    text=(REQ, "the scene the room is shown", "scene_text"),
    effects=(OPT, "effects applied when it is injected", "effects"),
    when=(OPT, "it may be injected only when this condition holds", "condition"),
    window=(OPT, "the phases during which it may be injected (any, if absent)", "ids"),
    vote=(OPT, "a vote whose ballot it opens (a straw poll)", "id"),
    limit=(OPT, "how many times a game it may be injected (1: once only)", "integer"),
    sources=(OPT, "source ids (required unless counterfactual)", "ids"),
    counterfactual=(OPT, "true for an invented event", "flag"),
)
FLOOR = _fields(
    minutes=(OPT, "the suggested time before the floor closes", "integer"),
    speakers=(OPT, "true: the chair runs a speaker queue", "flag"),
)
DELEGATES = _fields(
    role=(REQ, "the role whose seated copies are the delegates", "id"),
    bloc=(REQ, "the id of the bloc of this vote they speak for", "id"),
    size=(REQ, "how many votes the whole bloc has, a number expression", "number"),
    share=(REQ, "the per cent of those votes the delegates cast together (1 to 100)", "integer"),
)

STANCE_AFTER = _fields(
    **{
        ballot: (OPT, f"the stance of a seated voter who votes {ballot}", "id")
        for ballot in ("for", "against", "abstain")
    }
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
    glossary=(OPT, "glossary terms", "texts"),
    roles=(OPT, "role ids", "ids", C2),
    injections=(OPT, "injection ids", "ids", C2),
    moves=(OPT, "moves, each written role.move", "names", C2),
)

OBJECTS = {
    name: value for name, value in globals().items() if name.isupper() and isinstance(value, dict)
}
