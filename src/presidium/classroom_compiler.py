"""The classroom part of the compiler (format 2): roles, objectives, knowledge, moves,
injections, floors, ballots and the class itself.

A mixin of ``Compiler``, as ``Declarations`` is, so that the compiler of the story stays
readable. Everything here is checked with the same care as the rest of a scenario: each
mistake at its own ``file:line:col``, with a did-you-mean, all of them in one run.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

from presidium import model as m
from presidium import spec
from presidium.commands import RESERVED
from presidium.conditions import BOOL, INT, Compiled, Scope
from presidium.declarations import Declarations
from presidium.diagnostics import SourceSpan, did_you_mean, one_of
from presidium.loader import YList, YMap
from presidium.objective_scope import objective_names
from presidium.reader import quoted, show, suggested

NONE = "none"  # a role's side when it has none (an indeterminate)


class ClassroomCompiler(Declarations):
    """Compiles the format-2 keys; the story's own parts are the ``Compiler``'s."""

    def __init__(self, doc: Any, file: str) -> None:
        super().__init__(doc, file)
        self.delegate_roles: dict[str, str] = {}  # vote id -> the role its 'delegates' name
        self.uncounted: set[str] = set()  # roles whose 'copies' was reported: not counted

    if TYPE_CHECKING:  # defined by Compiler, which this class is mixed into

        def compile_text(self, node: YMap, key: str, scope: Scope) -> tuple[m.TextPart, ...]: ...

        def check_placeholders(
            self, text: str, span: SourceSpan, scope: Scope | None = None
        ) -> None: ...

    def read_format(self, doc: YMap) -> None:
        """The file's format: 1, or 2 for one with classroom keys; a newer one is named as
        such, so that an older presidium asks for an upgrade instead of refusing new keys."""
        if "format" not in doc:
            return
        fmt = doc["format"]
        if type(fmt) is int and fmt in spec.FORMATS:  # not true, not 1.0
            self.formats.setdefault(self.file, fmt)
        elif type(fmt) is int and fmt > spec.FORMATS[-1]:
            readable = " and ".join(str(f) for f in spec.FORMATS)
            self.err(
                f"format {fmt} is newer than this presidium reads ({readable}); upgrade presidium",
                doc.value_span("format"),
            )
        else:
            readable = " or ".join(str(f) for f in spec.FORMATS)
            self.err(
                f"format {show(fmt)} is not supported; this presidium reads format {readable}",
                doc.value_span("format"),
            )

    def chance(
        self,
        node: YMap,
        scope: Scope,
        fields: Mapping[str, spec.Field],
        outcome_fields: Mapping[str, spec.Field],
        outcome: Callable[[YMap, str], m.Outcome],
        sure: str = "write 'next' without 'chance'",
    ) -> m.Chance | None:
        """The ``chance`` of a choice or a move: odds, and an outcome on each side (kept here,
        beside the moves, so that the compiler of the story stays short)."""
        cnode = self.mapping(node["chance"], node.value_span("chance"), "'chance'")
        if cnode is None:
            return None
        self.keys(cnode, fields, "'chance'")
        percent = self.percent(cnode, scope)
        if percent is not None and not percent.names:
            odds = percent.evaluate({})
            if not 1 <= odds <= 99:
                self.err(
                    f"a chance of {odds}% is no chance: give a percent from 1 to 99 "
                    f"(for a sure outcome, {sure})",
                    cnode.value_span("percent"),
                )
        sides = []
        for key in ("success", "failure"):
            sub = (
                self.mapping(cnode.get(key), cnode.value_span(key), f"'{key}'")
                if key in cnode
                else None
            )
            if sub is not None:
                self.keys(sub, outcome_fields, f"'{key}'")
                sides.append(outcome(sub, f"'{key}'"))
        if percent is None or len(sides) != 2:
            return None
        return m.Chance(percent, sides[0], sides[1], cnode.span)

    # ------------------------------------------------------------------ small values
    def whole(
        self, node: YMap, key: str, what: str, low: int = 1, high: int | None = None
    ) -> int | None:
        """A whole number under ``key`` from ``low`` (to ``high``), or None (reported)."""
        if key not in node:
            return None
        value = node[key]
        if type(value) is int and value >= low and (high is None or value <= high):
            return value
        bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
        self.err(
            f"{what} must be a whole number {bounds}, not {show(value)}{quoted(value)}",
            node.value_span(key),
        )
        return None

    def phase_list(self, node: YMap, key: str, phases: Collection[str]) -> tuple[str, ...]:
        return tuple(self.id_list(node, key, phases, "phase"))

    def fidelity(self, node: YMap, what: str, confidence: bool) -> None:
        """History needs sources (and, for private knowledge, a confidence) unless the
        author marks it invented; a misspelt key was reported where it stands."""
        marked = node.get("counterfactual")
        if marked is True or ("counterfactual" in node and not isinstance(marked, bool)):
            return  # invented, or reported as not true or false
        if any(self.misspelt(node, k) for k in ("sources", "counterfactual", "confidence")):
            return
        if not node.get("sources"):
            extra = " and a 'confidence'" if confidence else ""
            self.err(
                f"{what} tells history but cites no sources; add 'sources: [...]'{extra} "
                "or mark it 'counterfactual: true'",
                node.span,
            )
        elif confidence and "confidence" not in node:
            self.err(
                f"{what} needs a 'confidence' ({one_of(m.CONFIDENCE)}): how sure the sources are",
                node.key_span("sources"),
            )

    # ------------------------------------------------------------------ the class
    def compile_class(
        self,
        doc: YMap,
        actors: dict[str, m.Actor],
        sides: dict[str, m.Side],
        stances: dict[str, str],
        votes: dict[str, m.Vote],
        phases: dict[str, m.Phase],
        endings: list[str],
        scope: Scope,
    ) -> tuple[m.Classroom | None, dict[str, m.Role], dict[str, m.Injection]]:
        """The class, its roles and its injections, once the story is compiled."""
        classroom = self.compile_classroom(doc, phases, stances)
        deciders = [p.by for p in phases.values()]
        roles = self.compile_roles(
            doc, actors, sides, stances, votes, phases, endings, scope, classroom, deciders
        )
        return classroom, roles, self.compile_injections(doc, scope, phases, votes)

    def compile_classroom(
        self, doc: YMap, phases: Collection[str], stances: Collection[str]
    ) -> m.Classroom | None:
        if "classroom" not in doc:
            return None
        node = self.mapping(doc["classroom"], doc.value_span("classroom"), "'classroom'")
        if node is None:
            return None
        self.keys(node, spec.CLASSROOM, "'classroom'")
        low = high = None
        if "students" in node:
            students = self.mapping(node["students"], node.value_span("students"), "'students'")
            if students is not None:
                self.keys(students, spec.STUDENTS, "'students'")
                low = self.whole(students, "min", "'min'")
                high = self.whole(students, "max", "'max'")
                if low is not None and high is not None and low > high:
                    self.err(
                        f"students min ({low}) is greater than max ({high})",
                        students.value_span("min"),
                    )
        minutes = self.whole(node, "minutes", "'minutes'")
        agenda = []
        for item in self.records(node, "agenda", "an agenda item", spec.AGENDA_ITEM):
            start = (
                self.ref(item["from"], item.value_span("from"), phases, "phase")
                if "from" in item
                else None
            )
            length = self.whole(item, "minutes", "'minutes'")
            label = self.text(item, "label", "'label'")
            if start is not None and length is not None and label is not None:
                agenda.append(m.AgendaItem(start, length, label, item.span))
        seen: dict[str, m.AgendaItem] = {}
        for act in agenda:
            if act.phase in seen:
                self.err(
                    f"two acts begin at phase '{act.phase}' (the other is at line "
                    f"{seen[act.phase].span.line}); each act begins at its own phase",
                    act.span,
                )
            seen[act.phase] = act
        total = sum(act.minutes for act in agenda)
        if minutes is not None and agenda and total > minutes:
            self.warn(
                f"the agenda's acts add up to {total} minutes, more than the lesson's {minutes}",
                node.key_span("agenda"),
            )
        line = self.id_list(node, "stance_line", stances, "stance")
        if "stance_line" in node:
            for i, stance in enumerate(line):
                if stance in line[:i]:
                    self.err(
                        f"stance '{stance}' is on the stance line twice",
                        node.value_span("stance_line"),
                    )
            if isinstance(node["stance_line"], YList) and len(node["stance_line"]) < 2:
                self.err(
                    "a stance line needs at least two stances to move along",
                    node.value_span("stance_line"),
                )
        if low is None or high is None:
            return None
        return m.Classroom(low, high, minutes, tuple(agenda), tuple(line), node.span)

    # ------------------------------------------------------------------ votes and phases
    def vote_classroom(
        self,
        vid: str,
        node: YMap,
        blocs: list[m.Bloc],
        scope: Scope,
        roles: Collection[str],
        voters: Collection[str] = (),
    ) -> dict[str, Any]:
        """The ballot keys of a vote, as keyword arguments of ``m.Vote``."""
        result: dict[str, Any] = {}
        if "ballot" in node:
            result["ballot"] = self.enum(node, "ballot", m.BALLOT_KINDS) or "open"
        if "missing" in node:
            result["missing"] = self.enum(node, "missing", m.MISSING_RULES) or "abstain"
        if "minutes" in node:
            result["minutes"] = self.whole(node, "minutes", "'minutes'")
        if "delegates" in node:
            result["delegates"] = self.delegates(vid, node, blocs, scope, roles)
        if "stance_after" in node:
            result["stance_after"] = self.stance_after(vid, node, scope)
        if "by_rules" in node:
            result["by_rules"] = tuple(self.id_list(node, "by_rules", voters, "voter"))
        seen: dict[str, m.Bloc] = {}
        for bloc in blocs:
            if bloc.id is not None and bloc.id in seen:
                self.err(
                    f"vote '{vid}' has two blocs with id '{bloc.id}' (the other is at line "
                    f"{seen[bloc.id].span.line})",
                    bloc.span,
                )
            if bloc.id is not None:
                seen[bloc.id] = bloc
        return result

    def stance_after(self, vid: str, node: YMap, scope: Scope) -> tuple[tuple[str, str], ...]:
        snode = self.mapping(
            node["stance_after"], node.value_span("stance_after"), "'stance_after'"
        )
        if snode is None:
            return ()
        self.keys(snode, spec.STANCE_AFTER, "'stance_after'")
        if node.get("ballot") == "secret":
            self.err(
                f"vote '{vid}' has a secret ballot: a stance that follows a ballot would give "
                "it away; drop 'stance_after' or make the ballot open or simultaneous",
                node.key_span("stance_after"),
            )
        pairs = []
        for ballot in m.VOTES:
            if ballot in snode:
                stance = self.ref(snode[ballot], snode.value_span(ballot), scope.stances, "stance")
                if stance is not None:
                    pairs.append((ballot, stance))
        return tuple(pairs)

    def delegates(
        self, vid: str, node: YMap, blocs: list[m.Bloc], scope: Scope, roles: Collection[str]
    ) -> m.Delegates | None:
        dnode = self.mapping(node["delegates"], node.value_span("delegates"), "'delegates'")
        if dnode is None:
            return None
        self.keys(dnode, spec.DELEGATES, "'delegates'")
        if isinstance(dnode.get("role"), str):  # even a mistaken one: its objectives may say so
            written = dnode["role"]
            self.delegate_roles[vid] = suggested(did_you_mean(written, roles), roles) or written
        role = (
            self.ref(dnode["role"], dnode.value_span("role"), roles, "role")
            if "role" in dnode
            else None
        )
        bloc = None
        if "bloc" in dnode:
            ids = [b.id for b in blocs if b.id is not None]
            if not ids and isinstance(dnode["bloc"], str):
                self.err(
                    f"vote '{vid}' has no bloc with an id for its delegates to speak for; "
                    f"give one of its blocs 'id: {dnode['bloc']}'",
                    dnode.value_span("bloc"),
                )
            else:
                bloc = self.ref(dnode["bloc"], dnode.value_span("bloc"), ids, "bloc")
        size = self.optional_expr(dnode, "size", INT, scope)
        share = self.whole(dnode, "share", "'share' (per cent)", 1, 100)
        if role is None or bloc is None or size is None or share is None:
            return None
        return m.Delegates(role, bloc, size, share, dnode.span)

    def compile_floor(self, node: YMap) -> m.Floor | None:
        if "floor" not in node:
            return None
        fnode = self.mapping(node["floor"], node.value_span("floor"), "'floor'")
        if fnode is None:
            return None
        self.keys(fnode, spec.FLOOR, "'floor'")
        return m.Floor(
            self.whole(fnode, "minutes", "'minutes'"),
            self.flag(fnode, "speakers", False),
            fnode.span,
        )

    def consult(self, pid: str, node: YMap) -> str | None:
        if "consult" not in node:
            return None
        found = self.enum(node, "consult", ("side",))
        if "choices" not in node and not self.misspelt(node, "choices"):
            self.err(
                f"'consult' belongs to a phase with choices; phase '{pid}' has none to advise on",
                node.key_span("consult"),
            )
        return found

    # ------------------------------------------------------------------ roles
    def compile_roles(
        self,
        doc: YMap,
        actors: dict[str, m.Actor],
        sides: dict[str, m.Side],
        stances: Collection[str],
        votes: dict[str, m.Vote],
        phases: Collection[str],
        endings: Collection[str],
        scope: Scope,
        classroom: m.Classroom | None,
        phase_deciders: Collection[str | None] = (),
    ) -> dict[str, m.Role]:
        roles: dict[str, m.Role] = {}
        persuadable = any(a.persuadable for a in actors.values())
        for rid, node, span in self.each(doc, "roles", "role"):
            role = self.compile_role(
                rid, node, span, actors, sides, stances, votes, phases, endings, scope, persuadable
            )
            if role is not None:
                roles[rid] = role
            else:  # its mistakes were reported; the seats it would offer are not known
                self.uncounted.add(rid)
        if "roles" in doc and classroom is None and "classroom" not in doc:
            self.err(
                "roles need a 'classroom' block saying the class sizes they seat "
                "(classroom: {students: {min: N, max: N}})",
                doc.key_span("roles"),
            )
        self.check_cast(doc, roles, classroom)
        self.check_idle(roles, sides, votes, phase_deciders)
        for vote in votes.values():
            if vote.delegates is None or vote.delegates.role not in roles:
                continue
            if vote.delegates.role in self.uncounted:
                continue
            role = roles[vote.delegates.role]
            if role.copies < 2:
                self.err(
                    f"the delegates of vote '{vote.id}' are the copies of role '{role.id}', "
                    "which has none: give that role 'copies' of 2 or more",
                    vote.delegates.span,
                )
        return dict(sorted(roles.items(), key=lambda item: (item[1].priority, item[0])))

    def check_idle(
        self,
        roles: dict[str, m.Role],
        sides: dict[str, m.Side],
        votes: dict[str, m.Vote],
        deciders: Collection[str | None],
    ) -> None:
        """A role dealt at every class size gives its student something to do."""
        voters = {v for vote in votes.values() for v in vote.voters}
        delegates = {vote.delegates.role for vote in votes.values() if vote.delegates}
        for role in roles.values():
            held = {role.actor} | {s.id for s in sides.values() if s.leader == role.actor}
            busy = role.moves or role.can or role.id in delegates
            if role.actor is not None:
                busy = busy or role.actor in voters or bool(held & set(deciders))
            if role.must and not busy:
                self.warn(
                    f"role '{role.id}' is dealt at every class size ('must: true') but decides "
                    "nothing, votes in nothing and has no moves or 'can': its student can "
                    "only watch",
                    role.span,
                )

    def check_cast(
        self, doc: YMap, roles: dict[str, m.Role], classroom: m.Classroom | None
    ) -> None:
        """Roles are dealt by priority to any class size the scenario names."""
        by_priority: dict[int, m.Role] = {}
        by_actor: dict[str, m.Role] = {}
        for role in roles.values():
            other = by_priority.setdefault(role.priority, role)
            if other is not role:
                self.err(
                    f"role '{role.id}' has the same priority ({role.priority}) as role "
                    f"'{other.id}' (line {other.span.line}); priorities set the order roles "
                    "are dealt in, so each must be different",
                    role.span,
                )
            if role.actor is not None:
                first = by_actor.setdefault(role.actor, role)
                if first is not role:
                    self.err(
                        f"actor '{role.actor}' is already played by role '{first.id}' (line "
                        f"{first.span.line}); one person is one role",
                        role.span,
                    )
        if classroom is None or not roles or self.uncounted:
            return
        must = sum(r.copies for r in roles.values() if r.must)
        seats = sum(r.copies for r in roles.values())
        where = doc["classroom"].get("students") if isinstance(doc["classroom"], YMap) else None
        span = getattr(where, "span", classroom.span)
        if must > classroom.students_min:
            self.err(
                f"the roles with 'must: true' take {must} seats, more than the smallest class "
                f"(students min {classroom.students_min}); they are dealt at every class size",
                span,
            )
        if seats < classroom.students_max:
            self.err(
                f"the roles offer {seats} seats (counting copies), fewer than the largest class "
                f"(students max {classroom.students_max}); add roles or copies, or lower max",
                span,
            )

    def compile_role(
        self,
        rid: str,
        node: YMap,
        span: SourceSpan,
        actors: dict[str, m.Actor],
        sides: dict[str, m.Side],
        stances: Collection[str],
        votes: dict[str, m.Vote],
        phases: Collection[str],
        endings: Collection[str],
        scope: Scope,
        persuadable: bool,
    ) -> m.Role | None:
        self.keys(node, spec.ROLE, f"role '{rid}'")
        actor = (
            self.ref(node["actor"], node.value_span("actor"), actors, "actor")
            if "actor" in node
            else None
        )
        name = self.text(node, "name", "'name'")
        if "actor" in node and "name" in node:
            self.err(
                "'name' is for a role with no actor; this role is called by its actor's name",
                node.key_span("name"),
            )
        elif not any(key in node or self.misspelt(node, key) for key in ("actor", "name")):
            self.err(f"role '{rid}' needs an 'actor' to play, or a 'name'", span)
        side: str | None = None
        if "side" in node and node["side"] != NONE:
            side = self.ref(node["side"], node.value_span("side"), [*sides, NONE], "side")
        led = [s.id for s in sides.values() if actor is not None and s.leader == actor]
        if actor and led and side != led[0] and (side or node.get("side") == NONE):
            self.warn(
                f"role '{rid}' plays {actors[actor].name}, who leads side "
                f"'{led[0]}', but its side is '{side or NONE}': it decides for '{led[0]}' "
                f"all the same; write 'side: {led[0]}'",
                node.value_span("side"),
            )
        priority = self.whole(node, "priority", "'priority'")
        copies = self.whole(node, "copies", "'copies'")
        if copies is None and ("copies" in node or self.misspelt(node, "copies")):
            self.uncounted.add(rid)
        # An actor named by mistake was reported: read the objectives as if it were right.
        mistaken = actor is None and isinstance(node.get("actor"), str)
        names = objective_names(
            stances,
            endings,
            votes,
            actor or (node["actor"] if mistaken else None),
            None if mistaken else rid,
            self.delegate_roles,
        )
        role_scope = Scope(scope.variables, scope.ranks, scope.stances, extra=names)
        objectives = self.objectives(rid, node, role_scope)
        knows = tuple(self.knowledge(node, phases))
        moves = self.moves(rid, node, scope, phases, persuadable)
        can = self.id_list(node, "can", m.BUILT_INS, "built-in action")
        for i, word in enumerate(can):
            if word in can[:i]:
                self.err(f"'{word}' is in 'can' twice", node.value_span("can"))
        brief = self.text(node, "brief", "'brief'")
        if priority is None or brief is None:
            return None
        return m.Role(
            rid,
            actor,
            actors[actor].name if actor is not None else (name or rid),
            side,
            self.flag(node, "hidden", False),
            priority,
            copies or 1,
            self.flag(node, "must", False),
            brief,
            objectives,
            knows,
            moves,
            tuple(dict.fromkeys(can)),
            self.strings(node, "reflect"),
            span,
        )

    def objectives(self, rid: str, node: YMap, scope: Scope) -> tuple[m.Objective, ...]:
        result: list[m.Objective] = []
        for item in self.records(node, "objectives", "an objective", spec.OBJECTIVE):
            oid = (
                self.ident(item["id"], item.value_span("id"), "an objective id")
                if "id" in item
                else None
            )
            if oid is not None and any(o.id == oid for o in result):
                self.err(f"role '{rid}' has two objectives with id '{oid}'", item.value_span("id"))
            text = self.text(item, "text", "'text'")
            when = self.optional_expr(item, "when", BOOL, scope)
            kind = self.enum(item, "kind", m.OBJECTIVE_KINDS) or "main"
            achieved = self.text(item, "achieved", "'achieved'")
            failed = self.text(item, "failed", "'failed'")
            # what is said may follow what happened, read as the objective is
            for key, said in (("achieved", achieved), ("failed", failed)):
                if said is not None:
                    self.check_placeholders(said, item.value_span(key), scope)
            if oid is not None and text is not None and when is not None:
                result.append(m.Objective(oid, text, when, kind, achieved, failed, item.span))
        return tuple(result)

    def knowledge(self, node: YMap, phases: Collection[str]) -> list[m.Knowledge]:
        result = []
        for item in self.records(node, "knows", "private knowledge", spec.KNOWLEDGE):
            self.fidelity(item, "private knowledge", confidence=True)
            at = (
                self.ref(item["at"], item.value_span("at"), phases, "phase")
                if "at" in item
                else None
            )
            text = self.text(item, "text", "'text'")
            if text is not None:
                result.append(
                    m.Knowledge(
                        text,
                        self.sources_of(item),
                        self.enum(item, "confidence", m.CONFIDENCE),
                        self.flag(item, "counterfactual", False),
                        at,
                        item.span,
                    )
                )
        return result

    def moves(
        self, rid: str, node: YMap, scope: Scope, phases: Collection[str], persuadable: bool
    ) -> tuple[m.Move, ...]:
        result: list[m.Move] = []
        fields = {**spec.MOVE, "next": spec.CHOICE["next"]}  # refused below with a reason
        for item in self.records(node, "moves", "a move", fields):
            move = self.compile_move(item, scope, phases, persuadable)
            if move is None:
                continue
            if any(other.id == move.id for other in result):
                self.err(f"role '{rid}' has two moves with id '{move.id}'", move.span)
            result.append(move)
        return tuple(result)

    def option_head(
        self, node: YMap, scope: Scope, what: str, taken: str
    ) -> tuple[str | None, Compiled | None, str | None]:
        """The id, 'when' and 'unavailable' of a choice or a move, which read alike: ``what``
        names it ("choice"), ``taken`` says what 'unavailable' explains ("be taken")."""
        oid = (
            self.ident(node["id"], node.value_span("id"), f"a {what} id") if "id" in node else None
        )
        if oid in RESERVED:
            self.err(
                f"{what} id '{oid}' is an in-game command; choose another id "
                f"(reserved: {', '.join(RESERVED)})",
                node.value_span("id"),
            )
        when = self.optional_expr(node, "when", BOOL, scope)
        unavailable = self.text(node, "unavailable", "'unavailable'")
        if unavailable is not None and "when" not in node:
            self.err(
                f"'unavailable' explains why a {what} cannot {taken}; it needs a 'when'",
                node.key_span("unavailable"),
            )
        return oid, when, unavailable

    def compile_move(
        self, node: YMap, scope: Scope, phases: Collection[str], persuadable: bool
    ) -> m.Move | None:
        if "next" in node:
            self.err(
                "a move has no 'next': it is made during a floor, and the story goes on "
                "from the phase",
                node.key_span("next"),
            )
        mid, when, unavailable = self.option_head(node, scope, "move", "be made")
        outcome = chance = None
        if "chance" in node:
            for key in ("text", "effects"):
                if key in node:
                    self.err(
                        f"a move with 'chance' puts '{key}' under success and failure",
                        node.key_span(key),
                    )
            chance = self.chance(
                node,
                scope,
                spec.MOVE_CHANCE,
                spec.MOVE_OUTCOME,
                lambda sub, where: m.Outcome(
                    self.compile_text(sub, "text", scope), self.effects(sub, scope), (), sub.span
                ),
                sure="leave out 'chance'",
            )
        elif not self.misspelt(node, "chance"):
            outcome = m.Outcome(
                self.compile_text(node, "text", scope), self.effects(node, scope), (), node.span
            )
        cnode = node.get("chance")
        told = "text" in node or (
            isinstance(cnode, YMap)
            and any(isinstance(sub, YMap) and "text" in sub for sub in cnode.values())
        )
        if told:
            self.fidelity(node, f"move '{mid or '?'}'", confidence=False)
        limit = self.whole(node, "limit", "'limit'")
        window = self.phase_list(node, "window", phases)
        target = False
        if "target" in node:
            tnode = self.mapping(node["target"], node.value_span("target"), "'target'")
            if tnode is not None:
                self.keys(tnode, spec.TARGET, "'target'")
                target = self.flag(tnode, "persuadable", False)
                if "persuadable" in tnode and not target:
                    self.err(
                        "a move's only target is a persuadable actor: write "
                        "'target: {persuadable: true}', or leave out 'target'",
                        tnode.value_span("persuadable"),
                    )
                if target and not persuadable:
                    self.err(
                        "this move names a persuadable actor, but no actor is 'persuadable: true'",
                        node.key_span("target"),
                    )
        if mid is None or (outcome is None and chance is None):
            return None
        return m.Move(
            mid,
            self.text(node, "label", "'label'") or mid,
            when,
            unavailable,
            outcome,
            chance,
            limit,
            window,
            self.flag(node, "public", False),
            target,
            self.sources_of(node),
            self.flag(node, "counterfactual", False),
            node.span,
        )

    # ------------------------------------------------------------------ injections
    def compile_injections(
        self, doc: YMap, scope: Scope, phases: Collection[str], votes: Collection[str]
    ) -> dict[str, m.Injection]:
        result = {}
        for iid, node, span in self.each(doc, "injections", "injection"):
            self.keys(node, spec.INJECTION, f"injection '{iid}'")
            self.fidelity(node, f"injection '{iid}'", confidence=False)
            vote = (
                self.ref(node["vote"], node.value_span("vote"), votes, "vote")
                if "vote" in node
                else None
            )
            result[iid] = m.Injection(
                iid,
                self.text(node, "label", "'label'") or iid,
                self.compile_text(node, "text", scope),
                self.effects(node, scope),
                self.optional_expr(node, "when", BOOL, scope),
                self.phase_list(node, "window", phases),
                vote,
                self.sources_of(node),
                self.flag(node, "counterfactual", False),
                span,
                self.whole(node, "limit", "'limit'"),
            )
        return result


def role_ids(doc: YMap) -> list[str]:
    """The role ids written, for what refers to a role before the roles are compiled."""
    roles = doc.get("roles")
    return [key for key in roles if isinstance(key, str)] if isinstance(roles, YMap) else []
