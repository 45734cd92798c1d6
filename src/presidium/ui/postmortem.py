"""The post-mortem on the terminal (the projector): the handout's content, readable at 80 columns."""

from __future__ import annotations

import sys
from typing import IO

from rich.text import Text

from presidium.classroom import postmortem as pmod
from presidium.classroom.postmortem import PostMortem
from presidium.model import Scenario, confidence_legend
from presidium.ui.render import Renderer, T, make_console, no_color_requested

READABLE = 100  # as for play: on a wider terminal the text stops growing here


def show(
    pm: PostMortem, scenario: Scenario, out: IO[str], plain: bool | None = None, width: int = 0
) -> None:
    """The post-mortem on ``out``: styled on a terminal, plain text otherwise (or when asked)."""
    if plain is None:
        plain = no_color_requested() or out is not sys.stdout or not sys.stdout.isatty()
    console = make_console(plain, width=width or None, file=out, styled=not plain)
    if console.width > READABLE:
        console.width = READABLE
    r = Renderer(console, scenario, plain, None)
    d = pm.debrief
    r.heading(f"Post-mortem: {d.title}")
    r.out(T(f"Played by {d.side}. Seed: {d.seed}."))
    kind = "the historical outcome" if d.ending_kind == "historical" else "a counterfactual ending"
    r.out(T(f"The ending: {d.ending_title} ({kind})."))
    r.fates("What became of them", d.fates)
    r.heading("The class's path beside history")
    r.steps(d.steps)
    if pm.votes:
        r.heading("The votes, voter by voter")
        for record in pm.votes:
            if record.secret:
                v = record.held
                r.heading(f"Vote: {'[Counterfactual] ' if v.counterfactual else ''}{v.title}")
                r.out(T(f"Motion: {v.motion}"))
                r.out(T(f"({pmod.SECRET_NOTE})", "presidium.label"))
                r.out(T(pmod.vote_total(record), "presidium.title"))
            else:
                r.on_vote(record.held)
    if pm.arguments:
        r.heading("Arguments put to the undecided")
        for a in pm.arguments:
            line = Text()
            line.append_text(T(f"{a.who} to {a.target}: ", "presidium.choice"))
            line.append_text(T(f"\u201c{a.text}\u201d ({pmod.argument_result(a)})"))
            r.out(line)
    if pm.floor:
        r.heading("On the floor")
        for f in pm.floor:
            line = T(f"{pmod.floor_label(f)}: ", "presidium.choice")
            line.append_text(T(f.text))
            r.out(line)
    if pm.interventions:

        def cite(ids: tuple[str, ...]) -> str:  # as the notes below cite theirs
            return f" [Sources: {r.citations(ids)}]" if ids else ""

        r.heading("The teacher's injections and rulings")
        for i in pm.interventions:
            line = T(f"{i.label}: ", "presidium.choice")
            line.append_text(T(i.line(cite)))
            r.out(line)
    if pm.roles:
        r.heading("Each role's objectives")
        for role in pm.roles:
            r.blank()
            r.out(T(role.name, "presidium.choice"))
            if not role.results:
                r.out(T("No objectives."))
            for o in role.results:
                style = {True: "presidium.good", False: "presidium.bad", None: ""}[o.achieved]
                line = T("- ")
                line.append_text(T(pmod.achieved_word(o), style))
                line.append_text(T(f": {o.text}" + (f" {o.comment}" if o.comment else "")))
                r.out(line)
    if not d.historical and d.history_title:
        r.heading(f"What really happened: {d.history_title}")
        r.out(T(d.history_text or ""))
    if d.history_fates:
        r.fates("What really became of them", d.history_fates, show_sources=True)
    r.scene_notes(d.notes, "The history behind the scenes played")
    for heading, questions in pmod.reflection(pm):
        r.questions(heading, questions)
    r.sources_cited(d.sources)
    r.out(T(f"Confidence labels: {confidence_legend()}."))
    console.file.flush()
