"""The handouts laid out: HTML that prints one page a role, and Markdown with the same content.

Each page of the HTML is a ``<section class="page">`` that ends with a page break, so what a
teacher prints is what ``class sheets`` counted: one page a role sheet, one a who's-who, one a
sealed envelope (folded in three, the label outside), one for every four sets of vote cards
and every eight ballot slips, and the teacher's run sheet at the end (as long as it needs).
"""

from __future__ import annotations

from collections.abc import Iterable

from presidium.classroom.sheets import (
    CARDS_PER_PAGE,
    HALL,
    PAPER,
    SLIPS_PER_PAGE,
    BenchSheet,
    Envelope,
    Fact,
    Handouts,
    MoveLine,
    Objective,
    RoleSheet,
    RunSheet,
    VoteCards,
    console_words,
)
from presidium.debrief import STYLE
from presidium.model import CONFIDENCE_MEANINGS, GRADE_LEGEND
from presidium.printable import code_span, html_text, one_line
from presidium.printable import markdown as _md

GAME_OBJECTIVE = (
    "A goal for the game, not a claim about what the real person wanted. Keep it to yourself."
)
RUN_SHEET = "Teacher\u2019s run sheet"
HERE = ' class="here"'
CASTING = {"roles": "Casting: every role, in the order it is dealt", "benches": "The benches"}
ANSWERS = {"roles": "Answer key: every role's objectives", "benches": "The sides' goals"}
MOVES_HOW = (
    "Use a move when the screen opens the floor: tell the teacher, who types what is in brackets."
)
DECISIONS_HOW = (
    "The moments when your bench decides, day by day; some come only if the story takes "
    "their path. The choices are on the screen when the moment comes."
)
ENVELOPE_FOLD = (
    "Fold the bottom third up, then fold both behind this top third: the label stays outside."
)


def summary(h: Handouts, target: str, as_html: bool) -> str:
    """What was written, and how to print it."""
    parts: list[str] = []
    if h.mode == "roles":
        parts.append(_count(len(h.roles), "role sheet"))
        parts.append("a who's-who")
        if h.envelopes:
            parts.append(_count(len(h.envelopes), "sealed envelope"))
        if h.cards:
            parts.append(_count(len(h.cards), "set") + " of vote cards")
        for slips in h.slips:
            parts.append(f"{slips.count} ballot slips")
    else:
        parts.append(_count(len(h.benches), "bench sheet"))
    parts.append("the teacher's run sheet")
    listed = ", ".join(parts[:-1]) + " and " + parts[-1]
    how = (
        f" Open it in a browser and print on {PAPER[h.paper][0]} paper, with the browser's "
        "headers and footers turned off."
        if as_html
        else ""
    )
    return one_line(f"Wrote {listed} to {target}.{how}")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _goal_head(sheet: RoleSheet) -> str:
    """A side's goal is written to its leader ("the Central Committee elected you"): on anyone
    else's sheet it is quoted as written for the leader, so its "you" is not the reader."""
    if sheet.goal_for is None:
        return "Your team's goal:"
    return f"Your team's goal, as written for its leader, {sheet.goal_for}:"


def _goal_text(sheet: RoleSheet) -> str:
    goal = " ".join((sheet.team_goal or "").split())
    return goal if sheet.goal_for is None else f"\u201c{goal}\u201d"


def _cited(sources: tuple[str, ...]) -> str:
    """'Sources: Roy Medvedev; R. G. Pikhoya' (semicolons: a citation may hold a comma)."""
    return ("Source: " if len(sources) == 1 else "Sources: ") + "; ".join(sources)


def _fact_words(fact: Fact) -> str:
    if fact.sources:
        return f"({fact.label}. {_cited(fact.sources)})"
    return f"({fact.label})"


def _move_words(move: MoveLine) -> str:
    terms = "; ".join(move.terms) + "."
    if move.condition:
        terms += f" {move.condition}"
    effect = f" {move.effects}" if move.effects else ""
    grounds = ""
    if move.counterfactual:
        grounds = " (Counterfactual: invented for the game.)"
    elif move.sources:
        grounds = f" ({_cited(move.sources)}.)"
    return f"{terms}{effect}{grounds}"


def _vote_heads(h: Handouts) -> list[str]:
    """The who's-who's vote columns, numbered to keep them narrow; ``_vote_keys`` names them."""
    return [f"Vote {n}" for n in range(1, len(h.who[0].votes) + 1)] if h.who else []


def _vote_keys(h: Handouts) -> list[str]:
    """Below the who's-who: what each numbered vote is, when it is held, how, and, where
    its cells say only "no vote", why (said once for the column: "not a full member")."""
    if not h.who:
        return []
    keys = []
    for n, v in enumerate(h.who[0].votes):
        why = any(not w.votes[n].votes and w.votes[n].cell == "no vote" for w in h.who)
        why = why and bool(v.electorate)
        keys.append(
            f"Vote {n + 1}: \u201c{v.title}\u201d ({v.held}; {v.kind})"
            + (f"; \u201cno vote\u201d: not a {v.electorate}." if why else ".")
        )
    return keys


def _unroled(h: Handouts) -> str:
    """The people no role holds, below the who's-who's table (a row each would take the page
    past one): the script plays them, and where they vote is said once for those alike."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for w in h.who:
        if not w.role:
            groups.setdefault(tuple(v.cell for v in w.votes), []).append(w.name)
    if not groups:
        return ""
    said = [
        ", ".join(names)
        + (": " + "; ".join(f"vote {n} {c}" for n, c in enumerate(cells, 1)) if cells else "")
        for cells, names in groups.items()
    ]
    return "Also in the game, played by the script, with no role sheet: " + ". ".join(said) + "."


def _hall_note(h: Handouts) -> str:
    """Said once below the who's-who, for the cells that leave it out."""
    hall = any(v.why == HALL and not v.votes for w in h.who for v in w.votes)
    return f"* No ballot of one's own: {HALL}." if hall else ""


def _where(sheet: RoleSheet) -> str:
    """The rank line's detail: where the role votes, vote by vote."""
    return "; ".join(b.words() for b in sheet.ballots) + "." if sheet.ballots else ""


def _legend(sheet: RoleSheet) -> str:
    used = {fact.label for fact in sheet.knows}
    return "; ".join(
        f"{label}: {meaning}" for label, meaning in CONFIDENCE_MEANINGS.items() if label in used
    )


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------


def _md1(text: str) -> str:
    return _md(one_line(text))


def markdown(h: Handouts) -> str:
    out: list[str] = [f"# Handouts: {_md1(h.title)}", ""]
    size = f"{h.students} students" if h.students else "any class size"
    mode = "roles" if h.mode == "roles" else "benches"
    out += [f"Scenario `{h.scenario}`, {size}, played in {mode}.", ""]
    for sheet in h.roles:
        out += _md_role(h, sheet)
    for bench in h.benches:
        out += _md_bench(h, bench)
    if h.mode == "roles":
        votes = "".join(f" {_md1(v)} |" for v in _vote_heads(h))
        out += ["---", "", "## Who's who", "", f"| Person | Office | Team |{votes} Played by |"]
        out.append("|---|---|---|" + "---|" * len(_vote_heads(h)) + "---|")
        out += [
            f"| {_md1(w.name)} | {_md1(w.office)} | {_md1(w.team)} |"
            + "".join(f" {_md1(v.cell)} |" for v in w.votes)
            + f" {w.played_by} |"
            for w in h.who
            if w.role
        ]
        out.append("")
        out += [f"- {_md1(_unroled(h))}"] if _unroled(h) else []
        out += [f"- {_md1(key)}" for key in _vote_keys(h)]
        out += [f"- {_md1(_hall_note(h))}"] if _hall_note(h) else []
        out.append("")
    for envelope in h.envelopes:
        out += [
            "---",
            "",
            f"## Sealed envelope {envelope.number} of {envelope.of}: {_md1(envelope.name)}",
            "",
            f"*Open when the screen shows {_md1(envelope.opens)}.*",
            "",
            f"{_md(envelope.fact.text)} {_md(_fact_words(envelope.fact))}",
            "",
        ]
    if h.cards:
        out += ["---", "", "## Vote cards (For / Against / Abstain)", ""]
        out += ["One set of three cards for each voter, to show at the same moment:", ""]
        out += [f"- {_md1(c.name)}: {_md1('; '.join(c.votes))}" for c in h.cards] + [""]
    for slips in h.slips:
        out += ["---", "", f"## Ballot slips: {_md1(slips.title)}", ""]
        out += [f"{slips.count} slips ({slips.voters} voters in this class). Each slip reads:", ""]
        out += [
            f"> {_md1(slips.title)}  ",
            f"> {_md1(slips.motion)}  ",
            "> [ ] For  [ ] Against  [ ] Abstain",
            "",
        ]
    out += _md_run(h.run, h.mode)
    return "\n".join(out).rstrip("\n") + "\n"


def _md_join(h: Handouts, seat: str) -> list[str]:
    join = _join_words(h, seat)
    return [] if join is None else [f"On your phone: open {join[0]} and type `{join[1]}`.", ""]


def _md_role(h: Handouts, s: RoleSheet) -> list[str]:
    out = ["---", "", f"## {_md1(s.name)}", ""]
    out += _md_join(h, s.seat)
    if s.office:
        out += [f"*{_md1(s.office)}*", ""]
    rank = f"**{s.rank}.**" + (f" {_md1(_where(s))}" if s.ballots else "")
    out += [rank, ""]
    out += [f"Seat: `{s.seat}`. Team: **{_md1(s.team)}**."]
    if s.teammates:
        out.append(f"On your team in this class: {_md1(', '.join(s.teammates))}.")
    out.append("")
    out += ["### Your brief", "", _md(s.brief.strip()), ""]
    if s.team_goal:
        out += [f"{_md1(_goal_head(s))} {_md1(_goal_text(s))}", ""]
    if s.objectives:
        out += ["### Game objective (secret)", ""]
        out += [f"- **{_md1(o.kind)}**: {_md1(o.text)}" for o in s.objectives]
        out += ["", f"*{_md(GAME_OBJECTIVE)}*", ""]
    if s.knows or s.envelopes:
        out += ["### What only you know", ""]
        out += [f"- {_md1(f.text)} {_md(_fact_words(f))}" for f in s.knows]
        out += [
            f"- Sealed envelope {n}: open when the screen shows {_md1(opens)}."
            for n, opens in enumerate(s.envelopes, 1)
        ]
        out.append("")
    if s.moves:
        out += ["### Your moves", "", f"*{_md(MOVES_HOW)}*", ""]
        out += [f"- **{_md1(m.label)}**: {_md1(_move_words(m))} (`{m.typed}`)" for m in s.moves]
        out.append("")
    if s.actions:
        out += ["### What you may always do", ""]
        out += [f"- {_md1(a)}" for a in s.actions] + [""]
    if s.reflect:
        out += ["### After the game", ""]
        out += [f"{n}. {_md1(q)}" for n, q in enumerate(s.reflect, 1)] + [""]
    if s.sources:
        out += ["Sources:", ""]
        out += [f"- {_md1(cite)} (grade {_md1(grade)})" for _, cite, grade in s.sources]
        out += ["", f"Source grades: {GRADE_LEGEND}."]
        legend = _legend(s)
        out += [f"Confidence: {legend}."] if legend else []
        out.append("")
    return out


def _md_bench(h: Handouts, b: BenchSheet) -> list[str]:
    out = ["---", "", f"## {_md1(b.name)}", ""]
    out += _md_join(h, b.seat)
    size = f" {b.students} students sit on this bench." if b.students else ""
    out += [f"Led by {_md1(b.leader)}.{size}", "", "### The situation", "", _md1(b.situation), ""]
    out += ["### Your side's goal", "", _md1(b.goal), ""]
    if b.decisions:
        out += ["### What your bench decides (by a show of hands)", "", f"*{_md(DECISIONS_HOW)}*"]
        for day, decisions in b.days():
            out += ["", f"**{_md1(day)}**", ""] if day else [""]
            out += [
                f"- **{_md1(d.title)}**{_after(d.title, d.prompt)}{_md1(d.prompt)}"
                for d in decisions
            ]
        out.append("")
    return out


def _after(title: str, prompt: str) -> str:
    """What stands between a decision's title and its question: a colon, unless the title
    ends a sentence of its own ("What do you offer?")."""
    if not prompt:
        return ""
    return " " if title.rstrip().endswith(("?", "!", ".", ":")) else ": "


def _md_run(r: RunSheet, mode: str) -> list[str]:
    out = ["---", "", "## The teacher's run sheet (not for students)", ""]
    if r.agenda:
        planned = f" (the scenario plans {r.minutes} minutes)" if r.minutes else ""
        out += [f"### Agenda{planned}", "", "| Minutes | Act | Begins when the screen shows |"]
        out.append("|---|---|---|")
        out += [f"| {a.start}-{a.end} | {_md1(a.label)} | {_md1(a.opens)} |" for a in r.agenda]
        out.append("")
    if r.content_notes:
        out += ["### Content notes", ""]
        out += [f"- {_md1(n)}" for n in r.content_notes] + [""]
    out += [
        f"### {CASTING[mode]}",
        "",
        "| Seat | Sheet | Dealt | In this class |",
        "|---|---|---|---|",
    ]
    out += [
        f"| `{c.seat}` | {_md1(c.name)} | {c.dealt} | {'yes' if c.here else 'no'} |"
        for c in r.casting
    ]
    out.append("")
    if r.votes:
        out += ["### The votes", ""]
        out += [f"- **{_md1(v.title)}**: {_md1(v.words())}" for v in r.votes] + [""]
    if r.injections:
        out += ["### Events you may inject", ""]
        out += [
            f"- `inject {i}`: **{_md1(label)}** ({_md1(body)})" for i, label, body in r.injections
        ]
        out.append("")
    out += ["### The console, in brief", "", "| For | Type | To |", "|---|---|---|"]
    out += [
        f"| {_md1(group)} | `{word}` | {_md1(meaning)} |"
        for group, word, meaning in console_words(mode)
    ]
    out.append("")
    out += [f"### {ANSWERS[mode]}", ""]
    for name, note, objectives in r.answers:
        out += [f"**{_md1(name)}**" + (f" ({_md1(note)})" if note else ""), ""]
        out += [_md_answer(o) for o in objectives] + [""]
    return out


def _md_answer(o: Objective) -> str:
    line = f"- {_md1(o.kind)}: {_md1(o.text)}"
    if o.when:
        line += " Scored by " + code_span(one_line(o.when)) + "."
    if o.achieved:
        line += f" Achieved: {_md1(o.achieved)}"
    if o.failed:
        line += f" Failed: {_md1(o.failed)}"
    return line


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

e = html_text


def _e1(text: str) -> str:
    return html_text(one_line(text))


def _paras(text: str) -> str:
    return "".join(f"<p>{_e1(p)}</p>" for p in text.strip().split("\n\n") if p.strip())


def _style(paper: str) -> str:
    name, height = PAPER[paper]
    third = height / 3
    return f"""
@page {{ size: {name}; margin: 13mm 15mm; }}
@page envelope {{ size: {name}; margin: 0; }}
@page cards {{ size: {name}; margin: 8mm; }}
body {{ max-width: 48em; font-size: 11pt; line-height: 1.35; }}
.page {{ break-after: page; }}
.page:last-child {{ break-after: auto; }}
@media screen {{ .page {{ border-bottom: 2px solid #999; padding-bottom: 1.5em; margin-bottom: 2em; }} }}
@media print {{ body {{ max-width: none; padding: 0; margin: 0; }} }}
.top {{ display: flex; justify-content: space-between; font: 8.5pt Helvetica, Arial, sans-serif; color: #333; border-bottom: 1px solid #999; padding-bottom: 2pt; }}
h1 {{ font-size: 19pt; margin: 0.35em 0 0; }}
h2 {{ font-size: 12pt; margin: 0.8em 0 0.2em; break-after: avoid; }}
tr, li {{ break-inside: avoid; }}
.keep {{ break-after: avoid; margin-top: 0.5em; }}
p, ul, ol {{ margin: 0.25em 0; }}
ul, ol {{ padding-left: 1.3em; }}
li {{ margin: 0.12em 0; }}
.office {{ font-style: italic; margin: 0; }}
.join {{ border: 1.5pt solid #000; padding: 3pt 6pt; margin: 3pt 0; font: 10pt Helvetica, Arial, sans-serif; }}
.join .code {{ font: bold 13pt monospace; letter-spacing: 1pt; }}
.rank {{ font-family: Helvetica, Arial, sans-serif; font-size: 10pt; }}
.objective {{ border: 2px dashed #000; padding: 0.35em 0.8em 0.45em; margin: 0.7em 0; }}
.label {{ font: bold 8pt Helvetica, Arial, sans-serif; letter-spacing: 0.12em; text-transform: uppercase; }}
.small, .sources {{ font-size: 8.5pt; }}
.sources {{ border-top: 1px solid #999; margin-top: 0.8em; padding-top: 0.2em; }}
.sources p {{ margin: 0.1em 0; }}
.fact-label {{ font-style: italic; font-size: 0.92em; }}
.typed, code {{ font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.82em; }}
.dense {{ font-size: 10pt; line-height: 1.28; }}
.denser {{ font-size: 9pt; line-height: 1.22; }}
.envelope {{ page: envelope; display: grid; grid-template-rows: {third:.2f}mm {third:.2f}mm {third - 1:.2f}mm; }}
.panel {{ box-sizing: border-box; padding: 11mm 20mm 6mm; overflow: hidden; }}
.panel + .panel {{ border-top: 1px dashed #000; }}
.envelope h1 {{ font-size: 22pt; }}
.fold {{ font: 8pt Helvetica, Arial, sans-serif; color: #333; }}
.cards {{ page: cards; }}
.cardrow {{ display: grid; grid-template-columns: repeat(3, 1fr); height: {(height - 16) / CARDS_PER_PAGE - 1:.2f}mm; }}
.card {{ border: 1px dashed #000; display: flex; flex-direction: column; justify-content: center; align-items: center; }}
.card .word {{ font: bold 30pt Helvetica, Arial, sans-serif; }}
.card .who {{ font-size: 9pt; margin-top: 0.6em; text-align: center; padding: 0 0.5em; }}
.slips {{ page: cards; display: grid; grid-template-columns: 1fr 1fr; grid-auto-rows: {(height - 16) / (SLIPS_PER_PAGE // 2) - 1:.2f}mm; }}
.slip {{ border: 1px dashed #000; padding: 5mm 7mm; box-sizing: border-box; overflow: hidden; font-size: 10pt; }}
.slip .boxes {{ font: 13pt Helvetica, Arial, sans-serif; margin: 0.6em 0; }}
table {{ font-size: 9.5pt; margin: 0.3em 0; }}
th, td {{ padding: 0.15em 0.4em; }}
.run {{ font-size: 10pt; }}
tr.here td {{ font-weight: bold; }}
.who table {{ font-size: 9pt; }}
.who td:last-child {{ white-space: nowrap; }}
.days {{ columns: 2; column-gap: 1.6em; }}
.day {{ break-inside: avoid; }}
.day h3 {{ font-size: 10pt; margin: 0.45em 0 0.1em; }}
.day ul {{ margin-top: 0; }}
"""


PARTS = ("sheets", "who", "envelopes", "cards", "slips", "run")


def html(h: Handouts, parts: Iterable[str] = PARTS) -> str:
    """The handouts as one HTML page to print: ``parts`` says which (all of them unless a
    test, or a teacher reprinting one part, wants fewer)."""
    wanted = set(parts)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Handouts: {_e1(h.title)}</title>",
        f"<style>{STYLE}{_style(h.paper)}</style></head><body>",
    ]
    if "sheets" in wanted:
        out += [_html_role(h, s) for s in h.roles]
        out += [_html_bench(h, b) for b in h.benches]
    if "who" in wanted and h.mode == "roles":
        out.append(_html_who(h))
    if "envelopes" in wanted:
        out += [_html_envelope(h, v) for v in h.envelopes]
    for start in range(0, len(h.cards) if "cards" in wanted else 0, CARDS_PER_PAGE):
        out.append(_html_cards(h.cards[start : start + CARDS_PER_PAGE]))
    for slips in h.slips if "slips" in wanted else ():
        for _ in range(slips.count // SLIPS_PER_PAGE):
            slip = (
                f'<div class="slip"><div class="label">Secret ballot</div>'
                f"<p><strong>{_e1(slips.title)}</strong></p><p>{_e1(slips.motion)}</p>"
                '<p class="boxes">\u2610 For &nbsp; \u2610 Against &nbsp; \u2610 Abstain</p>'
                '<p class="small">Tick one box. Do not write your name. Fold once.</p></div>'
            )
            out.append(f'<section class="page slips">{slip * SLIPS_PER_PAGE}</section>')
    if "run" in wanted:
        out.append(_html_run(h))
    out += ["</body></html>", ""]
    return "\n".join(out)


def _top(h: Handouts, left: str, right: str) -> str:
    return (
        f'<div class="top"><span>{_e1(h.title)}</span><span>{e(left)}</span>'
        f"<span>{e(right)}</span></div>"
    )


def _weight(s: RoleSheet) -> int:
    """A rough length of a role sheet, to set its type smaller before it could spill onto a
    second page (the browser test holds every bundled cast to one page)."""
    texts: Iterable[str] = (
        [s.brief, s.team_goal or "", _where(s), *s.teammates, *s.reflect, *s.actions, *s.envelopes]
        + [o.text for o in s.objectives]
        + [f.text for f in s.knows]
        + [m.label + " ".join(m.terms) + (m.effects or "") for m in s.moves]
        + [cite for _, cite, _ in s.sources]
    )
    items = len(s.objectives) + len(s.knows) + len(s.moves) + len(s.actions) + len(s.reflect)
    return sum(len(t) for t in texts) + 90 * items + 40 * len(s.sources)


def _list(items: Iterable[str], tag: str = "ul") -> str:
    body = "".join(f"<li>{item}</li>" for item in items)
    return f"<{tag}>{body}</{tag}>" if body else ""


def _html_role(h: Handouts, s: RoleSheet) -> str:
    weight = _weight(s) + (200 if h.code_of(s.seat) else 0)  # the join line
    density = " denser" if weight > 3400 else " dense" if weight > 2600 else ""
    out = [f'<section class="page sheet{density}" data-seat="{e(s.seat)}">']
    out.append(_top(h, "Role sheet", f"seat: {s.seat}"))
    out.append(f"<h1>{_e1(s.name)}</h1>")
    out.append(_html_join(h, s.seat))
    if s.office:
        out.append(f'<p class="office">{_e1(s.office)}</p>')
    ballots = f" {_e1(_where(s))}" if s.ballots else ""
    out.append(f'<p class="rank"><strong>{s.rank}.</strong>{ballots}</p>')
    mates = f" On your team in this class: {_e1(', '.join(s.teammates))}." if s.teammates else ""
    out.append(f"<p>Your team: <strong>{_e1(s.team)}</strong>.{mates}</p>")
    out.append(f"<h2>Your brief</h2>{_paras(s.brief)}")
    if s.team_goal:
        out.append(f"<p><em>{_e1(_goal_head(s))}</em> {_e1(_goal_text(s))}</p>")
    if s.objectives:
        items = [f"<strong>{_e1(o.kind)}:</strong> {_e1(o.text)}" for o in s.objectives]
        out.append(
            '<div class="objective"><div class="label">Game objective \u00b7 secret</div>'
            f'{_list(items)}<p class="small">{e(GAME_OBJECTIVE)}</p></div>'
        )
    if s.knows or s.envelopes:
        items = [
            f'{_e1(f.text)} <span class="fact-label">{_e1(_fact_words(f))}</span>' for f in s.knows
        ]
        items += [
            f"<strong>Sealed envelope {n}</strong>: open when the screen shows {_e1(opens)}."
            for n, opens in enumerate(s.envelopes, 1)
        ]
        out.append(f"<h2>What only you know</h2>{_list(items)}")
    if s.moves:
        items = [
            f"<strong>{_e1(m.label)}</strong>: {_e1(_move_words(m))} "
            f'<span class="typed">({e(m.typed)})</span>'
            for m in s.moves
        ]
        out.append(f'<h2>Your moves</h2><p class="small">{e(MOVES_HOW)}</p>{_list(items)}')
    if s.actions:
        out.append(f"<h2>What you may always do</h2>{_list(_e1(a) for a in s.actions)}")
    if s.reflect:
        out.append(f"<h2>After the game</h2>{_list((_e1(q) for q in s.reflect), 'ol')}")
    if s.sources:
        cites = "".join(f"<p>{_e1(cite)} (grade {e(grade)})</p>" for _, cite, grade in s.sources)
        legend = _legend(s)
        legend = f" Confidence: {e(legend)}." if legend else ""
        out.append(
            f'<div class="sources">{cites}<p><em>Source grades: {e(GRADE_LEGEND)}.{legend}</em></p></div>'
        )
    out.append("</section>")
    return "\n".join(out)


def _join_words(h: Handouts, seat: str) -> tuple[str, str] | None:
    """(the address, the code) a seat's phone joins with, when the class is served."""
    code = h.code_of(seat)
    return (h.join_url, code) if code and h.join_url else None


def _html_join(h: Handouts, seat: str) -> str:
    join = _join_words(h, seat)
    if join is None:
        return ""
    url, code = join
    return (
        f'<p class="join">On your phone: open <strong>{e(url)}</strong> and type '
        f'<strong class="code">{e(code)}</strong> (keep it to yourself: it is your role).</p>'
    )


def _html_bench(h: Handouts, b: BenchSheet) -> str:
    out = [f'<section class="page sheet" data-seat="{e(b.seat)}">', _top(h, "Bench sheet", b.seat)]
    out.append(f"<h1>{_e1(b.name)}</h1>")
    out.append(_html_join(h, b.seat))
    size = f" {b.students} students sit on this bench." if b.students else ""
    out.append(f'<p class="office">Led by {_e1(b.leader)}.{size}</p>')
    out.append(f"<h2>The situation</h2>{_paras(b.situation)}")
    out.append(f"<h2>Your side's goal</h2>{_paras(b.goal)}")
    out.append(
        "<p>Your bench decides your side's choices by a show of hands: the most hands win, and "
        "a tie goes to what the scenario's script would choose. Votes follow the scenario's rules.</p>"
    )
    if b.decisions:
        days = "".join(
            '<div class="day">'
            + (f"<h3>{_e1(day)}</h3>" if day else "")
            + _list(
                f"<strong>{_e1(d.title)}</strong>{_after(d.title, d.prompt)}{_e1(d.prompt)}"
                for d in decisions
            )
            + "</div>"
            for day, decisions in b.days()
        )
        out.append(
            f'<h2>What your bench decides</h2><p class="small">{e(DECISIONS_HOW)}</p>'
            f'<div class="days">{days}</div>'
        )
    out.append("</section>")
    return "\n".join(out)


def _html_who(h: Handouts) -> str:
    rows = "".join(
        f"<tr><td><strong>{_e1(w.name)}</strong></td><td>{_e1(w.office)}</td><td>{_e1(w.team)}</td>"
        + "".join(f"<td>{_e1(v.cell)}</td>" for v in w.votes)
        + f"<td>{e(w.played_by)}</td></tr>"
        for w in h.who
        if w.role
    )
    votes = "".join(f"<th>{_e1(v)}</th>" for v in _vote_heads(h))
    return (
        f'<section class="page who">{_top(h, "Who is who", "for everyone")}'
        "<h1>Who is who</h1><p>Everyone in the game, where each votes, and who plays them in "
        "this class.</p>"
        f"<table><tr><th>Person</th><th>Office</th><th>Team</th>{votes}<th>Played by</th></tr>"
        f"{rows}</table>"
        + "".join(
            f'<p class="small">{_e1(key)}</p>'
            for key in [_unroled(h), *_vote_keys(h), _hall_note(h)]
            if key
        )
        + "</section>"
    )


def _html_envelope(h: Handouts, v: Envelope) -> str:
    return (
        f'<section class="page envelope" data-seat="{e(v.seat)}">'
        f'<div class="panel">{_top(h, "Sealed envelope", f"seat: {v.seat}")}'
        f'<p class="label">Sealed envelope {v.number} of {v.of}</p><h1>{_e1(v.name)}</h1>'
        f"<p><strong>Do not open until the screen shows it.</strong> Open when the screen shows {_e1(v.opens)}.</p>"
        f'<p class="fold">{e(ENVELOPE_FOLD)}</p></div>'
        f'<div class="panel"><p class="label">For {_e1(v.name)} only</p>'
        f'<p>{_e1(v.fact.text)}</p><p class="fact-label">{_e1(_fact_words(v.fact))}</p></div>'
        '<div class="panel"></div></section>'
    )


def _html_cards(cards: Iterable[VoteCards]) -> str:
    rows = []
    for card in cards:
        who = f"{_e1(card.name)}<br>{_e1('; '.join(card.votes))}"
        rows.append(
            '<div class="cardrow">'
            + "".join(
                f'<div class="card"><div class="word">{word}</div><div class="who">{who}</div></div>'
                for word in ("For", "Against", "Abstain")
            )
            + "</div>"
        )
    return f'<section class="page cards">{"".join(rows)}</section>'


def _html_run(h: Handouts) -> str:
    r = h.run
    out = [f'<section class="page run">{_top(h, RUN_SHEET, "not for students")}']
    size = f"{h.students} students" if h.students else "the class"
    mode = "roles" if h.mode == "roles" else "benches"
    out.append(f"<h1>Run sheet: {size}, {mode}</h1>")
    if r.agenda:
        planned = f" (the scenario plans {r.minutes} minutes)" if r.minutes else ""
        rows = "".join(
            f"<tr><td>{a.start}\u2013{a.end}</td><td>{_e1(a.label)}</td><td>{_e1(a.opens)}</td></tr>"
            for a in r.agenda
        )
        out.append(
            f"<h2>Agenda{planned}</h2><table><tr><th>Minutes</th><th>Act</th>"
            f"<th>Begins when the screen shows</th></tr>{rows}</table>"
        )
    if r.content_notes:
        out.append("<h2>Content notes</h2>" + _list(_e1(n) for n in r.content_notes))
    if h.mode == "roles":
        head = "<th>Seat (what you type)</th><th>Sheet</th><th>Dealt</th><th>In this class</th>"
        rows = "".join(
            f"<tr{HERE if c.here else ''}><td><code>{e(c.seat)}</code></td><td>{_e1(c.name)}</td>"
            f"<td>{e(c.dealt)}</td><td>{'yes' if c.here else 'no'}</td></tr>"
            for c in r.casting
        )
    else:
        head = "<th>Seat (what you type)</th><th>Bench</th><th>Students</th>"
        rows = "".join(
            f"<tr><td><code>{e(c.seat)}</code></td><td>{_e1(c.name)}</td>"
            f"<td>{e(c.dealt or '-')}</td></tr>"
            for c in r.casting
        )
    out.append(f"<h2>{CASTING[h.mode]}</h2><table><tr>{head}</tr>{rows}</table>")
    if r.votes:
        out.append(
            "<h2>The votes</h2>"
            + _list(f"<strong>{_e1(v.title)}</strong>: {_e1(v.words())}" for v in r.votes)
        )
    if r.injections:
        out.append(
            "<h2>Events you may inject</h2>"
            + _list(
                f"<code>inject {e(i)}</code>: <strong>{_e1(label)}</strong> ({_e1(body)})"
                for i, label, body in r.injections
            )
        )
    rows = "".join(
        f"<tr><td>{e(g)}</td><td><code>{e(w)}</code></td><td>{e(m)}</td></tr>"
        for g, w, m in console_words(h.mode)
    )
    out.append(
        "<h2>The console, in brief</h2><table><tr><th>For</th><th>Type</th><th>To</th></tr>"
        f"{rows}</table>"
    )
    out.append(f"<h2>{ANSWERS[h.mode]}</h2>")
    for name, note, objectives in r.answers:
        extra = f" ({_e1(note)})" if note else ""
        out.append(
            f'<p class="keep"><strong>{_e1(name)}</strong>{extra}</p>'
            + _list(map(_html_answer, objectives))
        )
    out.append("</section>")
    return "\n".join(out)


def _html_answer(o: Objective) -> str:
    line = f"{_e1(o.kind)}: {_e1(o.text)}"
    if o.when:
        line += f" Scored by <code>{_e1(o.when)}</code>."
    if o.achieved:
        line += f" <em>Achieved:</em> {_e1(o.achieved)}"
    if o.failed:
        line += f" <em>Failed:</em> {_e1(o.failed)}"
    return line
