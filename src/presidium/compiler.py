"""Compile located YAML data into a frozen ``Scenario``, collecting *all* problems.

Two passes, as in Ink: first every id is declared (so forward references work), then every
phase, vote and ending is compiled against those declarations. Problems are collected as
diagnostics with ``file:line:col``; the compiler never raises anything else.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from presidium import model as m
from presidium import spec, template
from presidium.classroom_compiler import ClassroomCompiler, role_ids
from presidium.conditions import (
    BOOL,
    INT,
    Compiled,
    Scope,
    VarType,
    compile_expression,
)
from presidium.diagnostics import SourceSpan, did_you_mean, one_of

# Reading files lives in presidium.files (light to import: a cached scenario needs no YAML);
# these names stay importable from here.
from presidium.files import Compilation, compile_file, load_scenario  # noqa: F401
from presidium.loader import YList, YMap, span_of
from presidium.reader import (
    DATE,
    UNKNOWN,
    date_problem,
    kind_of,
    objective_only,
    snake_case,
    suggested,
    valid_date,
)

# Words the terminal reads as commands at every prompt; a choice id may not take them.


class Compiler(ClassroomCompiler):
    """Compiles one scenario document; ``compile()`` returns the model or ``None``."""

    sources: Mapping[str, list[str]] = {}

    def compile(self) -> m.Scenario | None:
        doc = self.doc
        if doc is None:
            self.err(
                "the scenario is empty; it should start with 'format: 1'",
                SourceSpan(self.file, 1, 1),
            )
            return None
        if not isinstance(doc, YMap):
            self.err(
                f"a scenario is a mapping of 'key: value' lines, not {kind_of(doc)}",
                span_of(doc, SourceSpan(self.file, 1, 1)),
            )
            return None
        self.read_format(doc)
        self.keys(doc, spec.SCENARIO, "the scenario")
        for key in ("extends", "remove"):
            if key in doc:  # resolved when the file is loaded; here only by mistake
                self.err(
                    f"'{key}' is only understood in a scenario file that extends another",
                    doc.key_span(key),
                )
        scenario_id = (
            self.ident(doc.get("id"), doc.value_span("id"), "the scenario id")
            if "id" in doc
            else None
        )
        title = self.text(doc, "title", "'title'") or ""
        summary = self.text(doc, "summary", "'summary'") or ""
        language = self.text(doc, "language", "'language'") or "en"
        content_notes = self.strings(doc, "content_notes")
        questions = self.strings(doc, "debrief_questions")

        # pass 1: declarations
        sources = self.compile_sources(doc)
        self.source_ids = set(sources)
        stances = self.compile_stances(doc)
        actors = self.compile_actors(doc, stances)
        sides = self.compile_sides(doc, actors)
        variables = self.compile_variables(doc)
        phase_nodes = list(self.each(doc, "phases", "phase"))
        ending_nodes = list(self.each(doc, "endings", "ending"))
        vote_nodes = list(self.each(doc, "votes", "vote"))
        phase_ids = [p for p, _, _ in phase_nodes]
        ending_ids = [e for e, _, _ in ending_nodes]
        phase_spans = {p: span for p, _, span in phase_nodes}
        for name, _, ending_span in ending_nodes:
            if name in phase_spans:
                first, second = sorted((phase_spans[name], ending_span))
                self.err(
                    f"'{name}' is both a phase and an ending (the other is at line "
                    f"{first.line}); give them different ids, since 'next' can name either",
                    second,
                )

        for actor in actors.values():
            var_id = f"{actor.id}.stance"
            variables[var_id] = m.Variable(
                var_id,
                f"{actor.name}'s stance",
                VarType("enum", tuple(stances)),
                actor.stance,
                dict(stances),
                actor.span,
            )
        for vote_id, _, span in vote_nodes:
            variables[f"{vote_id}.passed"] = m.Variable(
                f"{vote_id}.passed", "passed", VarType(BOOL), False, {}, span
            )
            for part in ("for", "against", "abstain"):
                variables[f"{vote_id}.{part}"] = m.Variable(
                    f"{vote_id}.{part}", part, VarType(INT, minimum=0), 0, {}, span
                )
        refused = self.built_ins(doc, variables, actors, sides, vote_nodes)
        ranks: dict[str, list[str]] = {}
        for actor in actors.values():
            ranks.setdefault(actor.rank, []).append(actor.id)
        scope = Scope(
            variables={k: v.type for k, v in variables.items()},
            ranks={k: tuple(v) for k, v in ranks.items()},
            stances=tuple(stances),
            refused=refused,
        )
        self.scope = scope
        self.shown = {**variables, "voter.stance": template.voter_variable(stances)}
        self.vote_ids = {vid for vid, _, _ in vote_nodes}
        sides = self.compile_targets(sides, scope)
        glossary = self.compile_glossary(doc)
        seats = set(sides) | set(actors)
        targets = set(phase_ids) | set(ending_ids)

        # Every choice id written, by phase, even of a choice with a mistake of its own, so
        # that a reference to it is not reported too.
        self.written_choices: dict[str, list[str]] = {
            pid: [
                item["id"]
                for item in node["choices"]
                if isinstance(item, YMap) and isinstance(item.get("id"), str)
            ]
            for pid, node, _ in phase_nodes
            if isinstance(node.get("choices"), YList)
        }
        self.choice_owners = {
            choice: pid for pid, written in self.written_choices.items() for choice in written
        }

        # pass 2: bodies
        status = self.compile_status(doc, variables, ranks)
        roles_written = role_ids(doc)
        votes = {
            vid: self.compile_vote(vid, node, span, actors, scope, roles_written)
            for vid, node, span in vote_nodes
        }
        phases = {
            pid: self.compile_phase(pid, node, span, scope, seats, targets, set(votes))
            for pid, node, span in phase_nodes
        }
        endings = {
            eid: self.compile_ending(eid, node, span, actors, sides)
            for eid, node, span in ending_nodes
        }
        classroom, roles, injections = self.compile_class(
            doc, actors, sides, stances, votes, phases, ending_ids, scope
        )

        start = None
        if "start" in doc:
            start = self.ref(doc["start"], doc.value_span("start"), set(phase_ids), "start phase")
        historical = None
        if "historical_ending" in doc:
            historical = self.ref(
                doc["historical_ending"], doc.value_span("historical_ending"), ending_ids, "ending"
            )
            if historical and endings[historical].kind == "counterfactual":
                self.err(
                    f"ending '{historical}' is named historical_ending but its kind is counterfactual",
                    doc.value_span("historical_ending"),
                )
        winners = {e.winner for e in endings.values() if e.winner is not None}
        expectations = self.compile_expect(doc, ending_ids, list(sides), winners)
        deciders = {p.by for p in phases.values()}
        for sid, side in sides.items():
            if sid not in deciders and not self.bag.has_errors:  # a broken 'by' says enough
                self.warn(
                    f"side '{sid}' never decides anything: no phase has 'by: {sid}', so a "
                    "player who takes it can only watch",
                    side.span,
                )
        for sid in sorted(self.source_ids - self.used_sources):
            self.warn(f"source '{sid}' is never cited", sources[sid].span)

        if self.bag.has_errors or scenario_id is None or start is None:
            return None
        return m.Scenario(
            id=scenario_id,
            title=title,
            format=max(self.formats.values(), default=m.FORMAT_VERSION),
            language=language,
            summary=summary,
            content_notes=content_notes,
            start=start,
            historical_ending=historical,
            sources=sources,
            sides=sides,
            stances=stances,
            actors=actors,
            variables=variables,
            status=status,
            votes=votes,
            phases=phases,
            endings=endings,
            expectations=expectations,
            file=self.file,
            span=doc.span,
            debrief_questions=questions,
            classroom=classroom,
            roles=roles,
            injections=injections,
            glossary=glossary,
        )

    def compile_text(self, node: YMap, key: str, scope: Scope) -> tuple[m.TextPart, ...]:
        """The text under ``key``; a missing one was reported with the mapping's keys."""
        if key not in node:
            return ()
        value, span = node[key], node.value_span(key)
        if isinstance(value, str):
            return (self.text_part(value, span, None, False, scope),)
        items = self.listing(value, span, f"'{key}' (text, or a list of texts and 'when' branches)")
        parts = []
        for i, item in enumerate(items or []):
            assert items is not None
            ispan = items.item_span(i)
            if isinstance(item, str):
                parts.append(self.text_part(item, ispan, None, False, scope))
            elif isinstance(item, YMap):
                self.keys(item, spec.TEXT_BRANCH, "a text branch")
                when = self.optional_expr(item, "when", BOOL, scope)
                flag = self.flag(item, "counterfactual", False)
                if isinstance(item.get("text"), str):
                    parts.append(
                        self.text_part(item["text"], item.value_span("text"), when, flag, scope)
                    )
                elif "text" in item:
                    self.err(
                        f"'text' must be text, not {kind_of(item['text'])}", item.value_span("text")
                    )
            else:
                self.err(
                    f"a text item is text or a 'when'/'text' mapping, not {kind_of(item)}", ispan
                )
        return tuple(parts)

    def text_part(
        self,
        text: str,
        span: SourceSpan,
        when: Compiled | None,
        counterfactual: bool,
        scope: Scope | None = None,
    ) -> m.TextPart:
        self.check_text(text, span)
        self.check_placeholders(text, span, scope)
        return m.TextPart(text, when, counterfactual, span)

    def check_placeholders(self, text: str, span: SourceSpan, scope: Scope | None = None) -> None:
        """Read the text as the game will fill it, so that no brace can stop a game: every
        mistake in its braces and expressions is reported at its own place, and an inline
        ``{if}`` that the declared range settles on its own is warned about."""
        if "{" not in text and "}" not in text:
            return
        scope = scope or self.scope
        lead = len(text) - len(text.lstrip())
        compiled, problems = template.compile_template(
            text.strip(), scope, self.shown, self.vote_ids
        )
        for problem in problems:
            unknown = UNKNOWN.search(problem.message)
            name = unknown.group(1).strip("{}") if unknown else None
            why = objective_only(name, scope) if name else None
            self.err(why or problem.message, self.within(span, text, lead + problem.offset))
        for condition, offset in compiled.conditions:
            self.check_range(condition, scope, self.within(span, text, lead + offset))

    def built_ins(
        self,
        doc: YMap,
        variables: dict[str, m.Variable],
        actors: Mapping[str, m.Actor],
        sides: Mapping[str, m.Side],
        vote_nodes: list[tuple[str, Any, SourceSpan]],
    ) -> dict[str, str]:
        """Declare ``player`` and each vote's ``V.ballot.ACTOR``; return the names refused in
        play (the ballots of a secret classroom vote), each with why. A simultaneous ballot
        shows every vote when it closes, so a later scene may name them, as it may an open
        one's; before the vote is held each reads ``none``."""
        if "player" in variables:
            self.err(
                "'player' is a built-in name (the side being played, or 'none' in a class); "
                "give the variable another id",
                variables["player"].span,
            )
        variables["player"] = m.Variable(
            "player",
            "the side being played",
            VarType("enum", (*sides, "none")),
            "none",
            {sid: side.name for sid, side in sides.items()},
            doc.span,
        )
        refused: dict[str, str] = {}
        for vid, node, span in vote_nodes:
            kind = node.get("ballot") if isinstance(node, YMap) else None
            for voter in written_voters(node, actors):
                name = f"{vid}.ballot.{voter}"
                if kind == "secret":
                    refused[name] = (
                        f"'{name}' can be read only in a role's objectives: vote '{vid}' has a "
                        f"{kind} ballot, so how each member voted is kept from the room"
                    )
                    continue
                variables[name] = m.Variable(name, "ballot", PLAY_BALLOT, "none", {}, span)
        return refused

    def within(self, span: SourceSpan, text: str, offset: int) -> SourceSpan:
        """Where ``text[offset]`` stands in the file, when the line shows the text as it is
        read up to there (no escapes, no folded lines); else the start of the text."""
        lines = self.sources.get(span.file, ())
        if not 0 < span.line <= len(lines):
            return span
        if "\n" not in text[:offset] and lines[span.line - 1][span.col - 1 :].startswith(
            text[: offset + 1]
        ):
            return SourceSpan(span.file, span.line, span.col + offset)
        return self.brace_at(span, lines, text, offset)

    def brace_at(
        self, span: SourceSpan, lines: Sequence[str], text: str, offset: int
    ) -> SourceSpan:
        """Where the brace that ``text[offset]`` stands in (or after) is written, in a text
        spread over lines (folded, or a block): each ``{`` of the text is a ``{`` of the file,
        in order. Else the start of the text."""
        brace = text.rfind("{", 0, offset + 1)
        if brace < 0:
            return span
        wanted = text.count("{", 0, brace + 1)
        line, col = span.line, span.col
        for number in range(span.line, min(len(lines), span.line + 5000) + 1):
            row = lines[number - 1]
            start = col - 1 if number == span.line else 0
            here = row.count("{", start)
            if here < wanted:
                wanted -= here
                continue
            at = start - 1
            for _ in range(wanted):
                at = row.index("{", at + 1)
            line, col = number, at + 1
            rest = text[brace : offset + 1]
            if "\n" not in rest and row[at:].startswith(rest):
                col += offset - brace
            return SourceSpan(span.file, line, col)
        return span

    def notes(self, node: YMap) -> tuple[m.Note, ...]:
        result = []
        for note in self.records(node, "notes", "a note", spec.NOTE):
            conf = self.enum(note, "confidence", m.CONFIDENCE)
            srcs = self.sources_of(note)
            if (
                "sources" in note
                and not srcs
                and isinstance(note["sources"], YList)
                and not note["sources"]
            ):
                self.err("a note needs at least one source", note.value_span("sources"))
            result.append(
                m.Note(self.text(note, "text", "'text'") or "", srcs, conf or "", note.span)
            )
        return tuple(result)

    def branches(
        self, node: YMap, key: str, targets: Collection[str], scope: Scope
    ) -> tuple[m.Branch, ...]:
        value, span = node[key], node.value_span(key)
        if isinstance(value, str):
            target = self.ref(value, span, targets, "phase or ending")
            return (m.Branch(target, None, span),) if target else ()
        items = self.listing(
            value, span, f"'{key}' (a phase or ending id, or a list of 'when'/'goto' branches)"
        )
        result = []
        complete = True  # a branch dropped for its own error leaves the last one unknown
        for i, item in enumerate(items or []):
            assert items is not None
            branch = self.mapping(item, items.item_span(i), "a branch")
            if branch is None:
                complete = False
                continue
            self.keys(branch, spec.BRANCH, "a branch")
            when = self.optional_expr(branch, "when", BOOL, scope)
            if "goto" in branch:
                target = self.ref(
                    branch["goto"], branch.value_span("goto"), targets, "phase or ending"
                )
                if target:
                    result.append(m.Branch(target, when, branch.span))
                    continue
            complete = False
        if complete and result and result[-1].when is not None:
            self.err(
                "the last branch needs no 'when', so that there is always somewhere to go",
                result[-1].span,
            )
        return tuple(result)

    def outcome(self, node: YMap, scope: Scope, targets: Collection[str], where: str) -> m.Outcome:
        nxt = self.branches(node, "next", targets, scope) if "next" in node else ()
        if "next" not in node and not self.misspelt(node, "next"):
            self.err(f"{where} needs 'next' (a phase or an ending)", node.span)
        return m.Outcome(
            self.compile_text(node, "text", scope), self.effects(node, scope), nxt, node.span
        )

    def compile_choice(
        self,
        item: Any,
        span: SourceSpan,
        scope: Scope,
        targets: Collection[str],
        phase_cf: bool,
        history: Any,
    ) -> m.Choice | None:
        node = self.mapping(item, span, "a choice")
        if node is None:
            return None
        self.keys(node, spec.CHOICE, "a choice")
        cid, when, unavailable = self.option_head(node, scope, "choice", "be taken")
        if unavailable is not None:  # read as the game fills it, when the choice is offered
            self.check_placeholders(unavailable, node.value_span("unavailable"), scope)
        outcome = chance = None
        if "chance" in node:
            for key in ("next", "text", "effects"):
                if key in node:
                    self.err(
                        f"a choice with 'chance' puts '{key}' under success and failure",
                        node.key_span(key),
                    )
            cnode = node["chance"]
            if isinstance(cnode, YMap) and "outcomes" in cnode:
                chance = self.many_outcomes(cnode, scope, targets)
            else:
                chance = self.chance(
                    node,
                    scope,
                    spec.CHANCE,
                    spec.OUTCOME,
                    lambda sub, where: self.outcome(sub, scope, targets, where),
                )
                if isinstance(cnode, YMap):
                    for key in ("percent", "success", "failure"):
                        if key not in cnode and not self.misspelt(cnode, key):
                            self.err(
                                f"'chance' needs '{key}' (or 'outcomes', for a chance of "
                                "more than two outcomes)",
                                cnode.span,
                            )
        elif not self.misspelt(node, "chance"):
            outcome = self.outcome(node, scope, targets, f"choice '{cid}'")
        counterfactual = self.flag(
            node, "counterfactual", phase_cf or (history is not None and cid != history)
        )
        if cid is None or (outcome is None and chance is None):
            return None
        return m.Choice(
            cid,
            self.text(node, "label", "'label'") or cid,
            when,
            unavailable,
            outcome,
            chance,
            counterfactual,
            node.span,
            self.flag(node, "concedes", False),
        )

    def many_outcomes(self, cnode: YMap, scope: Scope, targets: Collection[str]) -> m.Chance | None:
        """A chance of named outcomes, each with its odds but the last, which takes what the
        others leave: so the odds always add up to 100, whatever the expressions give."""
        self.keys(cnode, spec.CHANCE, "'chance'")
        for key in ("percent", "success", "failure"):
            if key in cnode:
                self.err(
                    f"a chance with 'outcomes' gives each outcome its own 'percent' and "
                    f"'next'; remove '{key}'",
                    cnode.key_span(key),
                )
        items = self.listing(cnode["outcomes"], cnode.value_span("outcomes"), "'outcomes'")
        if items is None:
            return None
        if len(items) < 2:
            self.err(
                "a chance needs two outcomes or more (for a sure outcome, write 'next' "
                "without 'chance')",
                cnode.value_span("outcomes"),
            )
        result, fixed, complete = [], 0, True
        for i, item in enumerate(items):
            sub = self.mapping(item, items.item_span(i), "an outcome")
            if sub is None:
                complete = False
                continue
            self.keys(sub, spec.CHANCE_OUTCOME, "an outcome")
            last = i == len(items) - 1
            percent = self.percent(sub, scope)
            if last and "percent" in sub:
                self.err(
                    "the last outcome takes what the others leave: remove its 'percent', or "
                    "add a last outcome without one",
                    sub.key_span("percent"),
                )
                percent = None
            elif not last and "percent" not in sub and not self.misspelt(sub, "percent"):
                self.err(
                    f"outcome {i + 1} of {len(items)} needs 'percent': only the last "
                    "outcome goes without, taking what the others leave",
                    sub.span,
                )
            if not last and percent is None:
                complete = False
            if percent is not None and not percent.names:
                odds = percent.evaluate({})
                if not 1 <= odds <= 99:
                    self.err(
                        f"an outcome of {odds}% is no chance: give a percent from 1 to 99",
                        sub.value_span("percent"),
                    )
                fixed += odds
            label = self.text(sub, "label", "'label'") or ""
            outcome = self.outcome(sub, scope, targets, f"outcome '{label or i + 1}'")
            result.append(m.ChanceOutcome(label, percent, outcome, sub.span))
        if fixed > 99:
            self.err(
                f"the outcomes' fixed percents add up to {fixed}%, leaving nothing for the "
                "last outcome: keep their total at 99 or less",
                cnode.value_span("outcomes"),
            )
        first = result[0].percent if result else None
        if not complete or len(result) < 2 or first is None:
            return None
        return m.Chance(first, result[0].outcome, result[-1].outcome, cnode.span, tuple(result))

    def compile_phase(
        self,
        pid: str,
        node: YMap,
        span: SourceSpan,
        scope: Scope,
        seats: Collection[str],
        targets: Collection[str],
        votes: set[str],
    ) -> m.Phase:
        self.keys(node, spec.PHASE, f"phase '{pid}'")
        date = None
        if "date" in node:
            raw = node["date"]
            if isinstance(raw, str) and DATE.match(raw) and valid_date(raw):
                date = raw
            else:
                self.err(date_problem(raw), node.value_span("date"))
        counterfactual = self.flag(node, "counterfactual", False)
        text = self.compile_text(node, "text", scope)
        sources = self.sources_of(node)
        unsure = self.misspelt(node, "sources") or self.misspelt(node, "counterfactual")
        if "counterfactual" in node and not isinstance(node["counterfactual"], bool):
            unsure = True  # reported as not true or false
        if not (counterfactual or node.get("sources") or unsure) and text:
            self.err(
                f"phase '{pid}' tells history but cites no sources; add 'sources: [...]' "
                "or mark it 'counterfactual: true'",
                node.key_span("text"),
            )
        by = (
            self.ref(node["by"], node.value_span("by"), seats, "side or actor")
            if "by" in node
            else None
        )
        vote = (
            self.ref(node["vote"], node.value_span("vote"), votes, "vote")
            if "vote" in node
            else None
        )
        history_raw = node.get("history")
        choices: list[m.Choice] = []
        if "choices" in node:
            items = self.listing(node["choices"], node.value_span("choices"), "'choices'")
            for i, item in enumerate(items or []):
                assert items is not None
                choice = self.compile_choice(
                    item, items.item_span(i), scope, targets, counterfactual, history_raw
                )
                if choice is None:
                    continue
                if any(c.id == choice.id for c in choices):
                    self.err(f"phase '{pid}' has two choices with id '{choice.id}'", choice.span)
                choices.append(choice)
            if items is not None and not items:
                self.err(
                    "'choices' is empty; give at least one, or use 'next' instead",
                    node.value_span("choices"),
                )
        choice_ids = [c.id for c in choices] + self.written_choices.get(pid, [])
        if "choices" in node:
            if "by" not in node:
                self.err(
                    f"phase '{pid}' has choices but no 'by' (the side or actor who decides)",
                    node.key_span("choices"),
                )
            if "next" in node:
                self.err(
                    "a phase with choices goes on through its choices; remove 'next'",
                    node.key_span("next"),
                )
            nxt: tuple[m.Branch, ...] = ()
        elif self.misspelt(node, "choices"):
            nxt = ()
        else:
            for key in ("by", "history", "script", "prompt"):
                if key in node:
                    self.err(f"'{key}' belongs to a phase with choices", node.key_span(key))
            if "next" in node:
                nxt = self.branches(node, "next", targets, scope)
            else:
                if not self.misspelt(node, "next"):
                    self.err(f"phase '{pid}' needs 'choices' or 'next'", span)
                nxt = ()
        history = None
        if history_raw is not None and node.get("choices"):  # no choices: said at 'choices'
            history = self.choice_ref(history_raw, node.value_span("history"), pid, choice_ids)
        if choices and history_raw is None and not counterfactual and not unsure:
            self.warn(
                f"phase '{pid}' tells history but does not say which choice was really made; "
                "add 'history:' naming it, so that the other choices are labelled "
                "counterfactual and the debrief can say where a game left history",
                node.key_span("choices"),
            )
        if "date" in node and "date_label" in node:
            self.warn(
                "a phase shows 'date_label' instead of its 'date'; keep one: 'date' for a "
                "scene on that day, 'date_label' for one that looks back or spans days",
                node.key_span("date_label"),
            )
        script = self.script(node, scope, pid, choice_ids)
        return m.Phase(
            pid,
            self.text(node, "title", "'title'") or pid,
            date,
            self.text(node, "date_label", "'date_label'"),
            self.text(node, "time", "'time'", required=False),
            self.text(node, "place", "'place'"),
            counterfactual,
            self.text(node, "content_note", "'content_note'"),
            text,
            sources,
            self.notes(node),
            self.effects(node, scope),
            vote,
            by,
            self.text(node, "prompt", "'prompt'"),
            tuple(choices),
            history,
            script,
            nxt,
            span,
            self.compile_floor(node),
            self.consult(pid, node),
        )

    def choice_ref(
        self, value: Any, span: SourceSpan, pid: str, choice_ids: list[str]
    ) -> str | None:
        """A choice of this phase; a choice of another phase is named as such."""
        owner = self.choice_owners.get(value) if isinstance(value, str) else None
        if value in choice_ids or owner is None or owner == pid:
            return self.ref(value, span, choice_ids, "choice")
        self.err(
            f"'{value}' is a choice of phase '{owner}'; this phase's choices are "
            f"{one_of(set(choice_ids))}",
            span,
        )
        return None

    def script(
        self, node: YMap, scope: Scope, pid: str, choice_ids: list[str]
    ) -> tuple[m.ScriptRule, ...]:
        result = []
        for rule in self.records(node, "script", "a script rule", spec.SCRIPT_RULE):
            choose = (
                self.choice_ref(rule.get("choose"), rule.value_span("choose"), pid, choice_ids)
                if "choose" in rule
                else None
            )
            when = self.optional_expr(rule, "when", BOOL, scope)
            percent = self.percent(rule, scope)
            if choose:
                result.append(m.ScriptRule(choose, when, percent, rule.span))
        return tuple(result)

    def compile_vote(
        self,
        vid: str,
        node: YMap,
        span: SourceSpan,
        actors: dict[str, m.Actor],
        scope: Scope,
        roles: Collection[str],
    ) -> m.Vote:
        self.keys(node, spec.VOTE, f"vote '{vid}'")
        voters: list[str] = []
        problems_before = len(self.bag.items)
        if "voters" in node:
            vnode = self.mapping(node["voters"], node.value_span("voters"), "'voters'")
            if vnode is not None:
                self.keys(vnode, spec.VOTERS, "'voters'")
                held = {a.rank for a in actors.values()}
                for rank in self.id_list(vnode, "ranks", m.RANKS, "rank"):
                    voters += [a.id for a in actors.values() if a.rank == rank]
                    if rank not in held:
                        ranks = vnode["ranks"]
                        self.err(
                            f"no actor has the rank '{rank}', so it gives the vote no voters; "
                            f"the actors' ranks are {one_of(held)}{did_you_mean(rank, held)}",
                            ranks.item_span(ranks.index(rank)),
                        )
                voters += self.id_list(vnode, "actors", actors, "actor")
        # a problem with the voters is reported on its own: not also who does not vote
        told = len(self.bag.items) > problems_before
        rules = self.vote_rules(vid, node, voters, actors, scope, told)
        if voters and "rules" not in node:
            self.err(f"vote '{vid}' has voters but no 'rules' saying how they vote", span)
        elif voters and (not rules or rules[-1].when is not None or rules[-1].actors):
            self.err(
                "the last vote rule needs no 'when' and no 'actors', so that every voter has a vote",
                node.key_span("rules"),
            )
        blocs = self.blocs(node, scope)
        if not voters and not blocs and not told:
            self.err(f"vote '{vid}' has nobody to vote: give 'voters' or 'blocs'", span)
        tally_scope = Scope(
            scope.variables,
            scope.ranks,
            scope.stances,
            refused=scope.refused,
            extra={
                "votes_for": VarType(INT),
                "votes_against": VarType(INT),
                "abstentions": VarType(INT),
            },
        )
        passes = (
            self.expr(node["passes"], node.value_span("passes"), BOOL, tally_scope)
            if "passes" in node
            else compile_expression("votes_for > votes_against", tally_scope, BOOL)
        )
        counterfactual = self.flag(node, "counterfactual", False)
        history = self.enum(node, "history", m.VOTE_RESULTS)
        if history is not None and counterfactual:
            self.err(
                f"vote '{vid}' never happened ('counterfactual: true'), so it has no 'history'",
                node.key_span("history"),
            )
        count = self.text(node, "history_count", "'history_count'")
        if count is not None and (history is None or counterfactual):
            self.err(
                f"vote '{vid}' has a 'history_count' but no 'history': say what the real "
                "vote did first",
                node.key_span("history_count"),
            )
        return m.Vote(
            vid,
            self.text(node, "title", "'title'") or vid,
            self.text(node, "motion", "'motion'") or "",
            tuple(voters),
            tuple(rules),
            tuple(blocs),
            passes or compile_expression("false", tally_scope),
            self.sources_of(node),
            counterfactual,
            span,
            **self.vote_classroom(vid, node, blocs, scope, roles, voters),
            history=None if history is None or counterfactual else history == "passed",
            history_count=None if history is None or counterfactual else count,
        )

    def vote_rules(
        self,
        vid: str,
        node: YMap,
        voters: list[str],
        actors: dict[str, m.Actor],
        scope: Scope,
        unsure: bool,
    ) -> list[m.VoteRule]:
        voter_scope = Scope(
            scope.variables,
            scope.ranks,
            scope.stances,
            voter_attributes={"stance": VarType("enum", scope.stances)},
            refused=scope.refused,
        )
        rules = []
        for rule in self.records(node, "rules", "a vote rule", spec.VOTE_RULE):
            only = tuple(self.id_list(rule, "actors", actors, "actor"))
            for actor in only:
                if actor not in voters and not unsure:
                    self.err(f"actor '{actor}' does not vote in '{vid}'", rule.value_span("actors"))
            choice = self.enum(rule, "vote", m.VOTES)
            when = self.optional_expr(rule, "when", BOOL, voter_scope)
            reason = self.text(rule, "reason", "'reason'") or ""
            if reason:
                self.check_placeholders(reason, rule.value_span("reason"), voter_scope)
            counterfactual = self.flag(rule, "counterfactual", False)
            rules.append(m.VoteRule(only, when, choice or "", reason, counterfactual, rule.span))
        return rules

    def blocs(self, node: YMap, scope: Scope) -> list[m.Bloc]:
        blocs = []
        for bloc in self.records(node, "blocs", "a bloc", spec.BLOC):
            counts = {}
            for key in m.VOTES:
                count = self.optional_expr(bloc, key, INT, scope)
                if count is not None:
                    counts[key] = count
            if not any(key in bloc for key in m.VOTES):
                self.err("a bloc needs at least one of 'for', 'against' or 'abstain'", bloc.span)
            label = self.text(bloc, "label", "'label'") or ""
            reason = self.text(bloc, "reason", "'reason'") or ""
            if reason:
                self.check_placeholders(reason, bloc.value_span("reason"), scope)
            when = self.optional_expr(bloc, "when", BOOL, scope)
            bid = None
            if "id" in bloc:  # a malformed id is read on as the id it resembles
                bid = self.ident(bloc["id"], bloc.value_span("id"), "a bloc id")
                bid = bid or snake_case(bloc["id"])
            blocs.append(m.Bloc(label, counts, reason, when, bloc.span, bid))
        return blocs

    def compile_ending(
        self,
        eid: str,
        node: YMap,
        span: SourceSpan,
        actors: dict[str, m.Actor],
        sides: dict[str, m.Side],
    ) -> m.Ending:
        self.keys(
            node,
            spec.ENDING,
            f"ending '{eid}'",
        )
        kind = self.enum(node, "kind", m.ENDING_KINDS)
        sources = self.sources_of(node)
        if kind == "historical" and not (node.get("sources") or self.misspelt(node, "sources")):
            self.err(f"historical ending '{eid}' needs sources", span)
        fates = []
        meant: set[str] = set()  # actors whose fate is there, under a misspelt id
        fnode: YMap | None = None
        if "fates" in node:
            fnode = self.mapping(node["fates"], node.value_span("fates"), "'fates'")
            for actor, value in (fnode or {}).items():
                assert fnode is not None
                aspan = fnode.key_span(actor)
                if self.ref(actor, aspan, actors, "actor") is None:
                    meant.add(suggested(did_you_mean(str(actor), actors), actors) or "")
                    continue
                vspan = fnode.value_span(actor)
                if isinstance(value, str):
                    self.check_text(value, vspan)
                    self.check_placeholders(value, vspan)
                    if kind == "historical":
                        self.err(
                            "a historical fate needs sources: write it as 'text:' and 'sources:'",
                            vspan,
                        )
                    fates.append(m.Fate(actor, value, (), None, vspan))
                elif isinstance(value, YMap):
                    self.keys(value, spec.FATE, f"the fate of '{actor}'")
                    for needed in ("sources", "confidence"):
                        if (
                            kind == "historical"
                            and needed not in value
                            and not self.misspelt(value, needed)
                        ):
                            self.err(
                                f"the fate of '{actor}' in a historical ending needs {needed}",
                                value.span,
                            )
                    fate_text = self.text(value, "text", "'text'") or ""
                    if fate_text:
                        self.check_placeholders(fate_text, value.value_span("text"))
                    fates.append(
                        m.Fate(
                            actor,
                            fate_text,
                            self.sources_of(value),
                            self.enum(value, "confidence", m.CONFIDENCE),
                            vspan,
                        )
                    )
                else:
                    self.err(
                        f"a fate is text, or 'text' and 'sources', not {kind_of(value)}", vspan
                    )
        missing = [
            a.id
            for a in actors.values()
            if a.principal and a.id not in {f.actor for f in fates} and a.id not in meant
        ]
        if (
            missing
            and not self.misspelt(node, "fates")
            and ("fates" not in node or fnode is not None)
        ):
            self.err(
                f"ending '{eid}' does not say what became of {', '.join(missing)} (principal actors)",
                span,
            )
        return m.Ending(
            eid,
            self.text(node, "title", "'title'") or eid,
            kind or "",
            self.compile_text(node, "text", self.scope),
            sources,
            tuple(fates),
            span,
            self.winner(node, sides),
        )

    def winner(self, node: YMap, sides: dict[str, m.Side]) -> str | None:
        """An ending's ``winner``: a side id, or ``none`` (nobody's victory)."""
        if "winner" not in node or node["winner"] == "none":
            return None
        return self.ref(node["winner"], node.value_span("winner"), [*sides, "none"], "side")


PLAY_BALLOT = VarType("enum", ("for", "against", "abstain", "none"))


def written_voters(node: Any, actors: Mapping[str, m.Actor]) -> list[str]:
    """The voters a vote's ``voters`` names, read before the vote is compiled (its own
    mistakes are reported then)."""
    voters = node.get("voters") if isinstance(node, YMap) else None
    if not isinstance(voters, YMap):
        return []
    found: list[str] = []
    ranks = voters.get("ranks")
    for rank in ranks if isinstance(ranks, YList) else ():
        found += [a.id for a in actors.values() if a.rank == rank and a.id not in found]
    named = voters.get("actors")
    for actor in named if isinstance(named, YList) else ():
        if isinstance(actor, str) and actor in actors and actor not in found:
            found.append(actor)
    return found


def compile_document(
    doc: Any,
    file: str,
    sources: Mapping[str, list[str]] | None = None,
    formats: Mapping[str, int] | None = None,
) -> tuple[m.Scenario | None, list[Any]]:
    """Compile a loaded document; ``sources`` (each file's lines) lets a mistake inside a
    text be placed at its own column; ``formats`` gives the format of each file a scenario
    that extends another was merged from."""
    compiler = Compiler(doc, file)
    compiler.sources = sources or {}
    compiler.formats.update(formats or {})
    try:
        scenario = compiler.compile()
    except RecursionError:  # pragma: no cover - the loader caps depth first
        compiler.err("the scenario is nested too deeply to read", SourceSpan(file, 1, 1))
        scenario = None
    return scenario, compiler.bag.sorted()
