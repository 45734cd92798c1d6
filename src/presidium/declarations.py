"""The first pass of the compiler: everything a scenario declares before its story.

Sources, stances, actors, sides, variables, the status panel and the expectations are read
here, so that the story (phases, choices, votes, endings) can refer to any of them, in any
order, in the second pass.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection

from presidium import model as m
from presidium import spec
from presidium.conditions import BOOL, INT, Scope, VarType
from presidium.diagnostics import did_you_mean, one_of
from presidium.loader import YMap
from presidium.reader import Reader, quoted, show, suggested, undeclared_stance


class Declarations(Reader):
    """Reads the declarations of a scenario document."""

    def compile_sources(self, doc: YMap) -> dict[str, m.Source]:
        result = {}
        for sid, node, span in self.each(doc, "sources", "source"):
            self.keys(node, spec.SOURCE, f"source '{sid}'")
            grade = self.enum(node, "grade", m.GRADES)
            result[sid] = m.Source(
                sid,
                self.text(node, "cite", "'cite'") or "",
                grade or "",
                self.text(node, "ref", "'ref'", required=False),
                self.text(node, "url", "'url'", required=False),
                span,
            )
        return result

    def compile_stances(self, doc: YMap) -> dict[str, str]:
        if "stances" not in doc:
            return {}
        node = self.mapping(doc["stances"], doc.value_span("stances"), "'stances'")
        result = {}
        for key, label in (node or {}).items():
            assert node is not None
            if self.ident(key, node.key_span(key), "a stance id") and isinstance(label, str):
                self.check_text(label, node.value_span(key))
                result[key] = label
            elif not isinstance(label, str):
                self.err(f"stance '{key}' needs a label in words", node.value_span(key))
        return result

    def compile_actors(self, doc: YMap, stances: dict[str, str]) -> dict[str, m.Actor]:
        result = {}
        for aid, node, span in self.each(doc, "actors", "actor"):
            self.keys(node, spec.ACTOR, f"actor '{aid}'")
            rank = self.enum(node, "rank", m.RANKS)
            stance = node.get("stance", next(iter(stances), ""))
            if "stance" in node:
                if (
                    isinstance(stance, str)
                    and stance not in stances
                    and not did_you_mean(stance, stances)
                ):  # not a typo but a stance never declared; its uses are named with it
                    self.undeclared_stances.add(stance)
                    self.err(undeclared_stance(stance), node.value_span("stance"))
                else:
                    self.ref(stance, node.value_span("stance"), stances, "stance")
            result[aid] = m.Actor(
                aid,
                self.text(node, "name", "'name'") or aid,
                self.text(node, "office", "'office'") or "",
                rank or "",
                str(stance),
                self.flag(node, "principal", False),
                self.sources_of(node),
                span,
                self.flag(node, "persuadable", False),
                self.sourced_line(node, "about", f"the 'about' line of actor '{aid}'"),
            )
        return result

    def sourced_line(self, node: YMap, key: str, what: str) -> m.Sourced | None:
        """A line with its sources: ``text`` and ``sources`` (or ``counterfactual: true``).

        Plain text is read too, but warned about: a line that tells history needs sources,
        and one that does not should say it is invented.
        """
        if key not in node:
            return None
        value, span = node[key], node.value_span(key)
        if isinstance(value, str):
            self.check_text(value, span)
            if not value.strip():
                self.err(f"{what} must be text, not empty text", span)
                return None
            self.warn(
                f"{what} has no sources; write it as 'text:' and 'sources:', or add "
                "'counterfactual: true' if it is invented",
                span,
            )
            return m.Sourced(value, (), False, span)
        line = self.mapping(value, span, what)
        if line is None:
            return None
        self.keys(line, spec.ABOUT, what)
        counterfactual = self.flag(line, "counterfactual", False)
        sources = self.sources_of(line)
        given = line.get("sources")  # an unknown source is reported as that, not as none
        unsourced = "sources" not in line or (isinstance(given, list) and not given)
        if not counterfactual and unsourced and not self.misspelt(line, "sources"):
            self.err(
                f"{what} needs at least one source, or 'counterfactual: true' if it is invented",
                line.value_span("sources") if "sources" in line else line.span,
            )
        return m.Sourced(self.text(line, "text", "'text'") or "", sources, counterfactual, span)

    def compile_glossary(self, doc: YMap) -> dict[str, m.Sourced]:
        """The glossary: term -> a line, with sources where the term is history's own."""
        if "glossary" not in doc:
            return {}
        node = self.mapping(doc["glossary"], doc.value_span("glossary"), "'glossary'")
        result: dict[str, m.Sourced] = {}
        folded: dict[str, str] = {}
        for term, value in (node or {}).items():
            assert node is not None
            kspan = node.key_span(term)
            if not isinstance(term, str) or not term.strip():
                self.err(f"a glossary term must be text, not {show(term)}", kspan)
                continue
            self.check_text(term, kspan)
            key = " ".join(term.split()).casefold()
            if key in folded:
                self.err(
                    f"glossary term '{term}' is the same as '{folded[key]}' but for case and "
                    "spaces; the 'who' command could not tell them apart",
                    kspan,
                )
                continue
            folded[key] = term
            if isinstance(value, str):  # a definition of a word needs no sources
                self.check_text(value, node.value_span(term))
                if not value.strip():
                    self.err(f"glossary term '{term}' needs its meaning in words", kspan)
                    continue
                result[term] = m.Sourced(value, (), False, node.value_span(term))
                continue
            line = self.mapping(value, node.value_span(term), f"glossary term '{term}'")
            if line is None:
                continue
            self.keys(line, spec.ABOUT, f"glossary term '{term}'")
            result[term] = m.Sourced(
                self.text(line, "text", "'text'") or "",
                self.sources_of(line),
                self.flag(line, "counterfactual", False),
                node.value_span(term),
            )
        return result

    def compile_targets(self, sides: dict[str, m.Side], scope: Scope) -> dict[str, m.Side]:
        """Each side with its ``targets``: read once the variables are known, since each is
        a condition on them."""
        result = dict(sides)
        for sid in sides:
            node = self.side_nodes.get(sid)
            if node is None or "targets" not in node:
                continue
            targets = []
            for item in self.records(node, "targets", "a target", spec.SIDE_TARGET):
                label = self.text(item, "label", "'label'")
                when = self.optional_expr(item, "when", BOOL, scope)
                if label is not None and when is not None:
                    targets.append(m.Target(label, when, item.span))
            result[sid] = dataclasses.replace(sides[sid], targets=tuple(targets))
        return result

    def compile_sides(self, doc: YMap, actors: dict[str, m.Actor]) -> dict[str, m.Side]:
        result = {}
        self.side_nodes: dict[str, YMap] = {}  # read again for 'targets', once there is a scope
        for sid, node, span in self.each(doc, "sides", "side"):
            self.side_nodes[sid] = node
            self.keys(node, spec.SIDE, f"side '{sid}'")
            leader = (
                self.ref(node.get("leader"), node.value_span("leader"), actors, "actor")
                if "leader" in node
                else None
            )
            if sid in actors and leader is not None and leader != sid:
                self.err(
                    f"side '{sid}' has the id of actor '{sid}' but another leader; a side may "
                    "share an id only with its own leader",
                    span,
                )
            result[sid] = m.Side(
                sid,
                self.text(node, "name", "'name'") or sid,
                leader or "",
                self.text(node, "goal", "'goal'") or "",
                span,
            )
        if "sides" in doc and not result:
            self.err("a scenario needs at least one side to play", doc.value_span("sides"))
        return result

    def compile_variables(self, doc: YMap) -> dict[str, m.Variable]:
        result = {}
        for vid, node, span in self.each(doc, "variables", "variable"):
            self.keys(node, spec.VARIABLE, f"variable '{vid}'")
            typ = node.get("type")
            if "type" in node and typ not in ("number", "flag", "choice"):
                hint = did_you_mean(str(typ), ["number", "flag", "choice"])
                self.err(
                    f"type must be 'number', 'flag' or 'choice', not {show(typ)}{hint}",
                    node.value_span("type"),
                )
                # read on as the type it resembles, so that its uses are not reported too
                typ = suggested(hint, ("number", "flag", "choice"))
            label = self.text(node, "label", "'label'") or vid
            initial = node.get("initial")
            ispan = node.value_span("initial")
            if typ == "number":
                lo, hi = node.get("min"), node.get("max")
                for key, val in (("min", lo), ("max", hi)):
                    if self.misspelt(node, key):
                        continue
                    if key not in node or not isinstance(val, int) or isinstance(val, bool):
                        self.err(
                            f"a number variable needs a whole-number '{key}'{quoted(val)}",
                            node.value_span(key) if key in node else span,
                        )
                if (
                    not isinstance(lo, int)
                    or not isinstance(hi, int)
                    or isinstance(lo, bool)
                    or isinstance(hi, bool)
                ):
                    # still declared, so that what uses it is not reported as well
                    result[vid] = m.Variable(vid, label, VarType(INT), 0, {}, span)
                    continue
                if lo > hi:
                    self.err(f"min ({lo}) is greater than max ({hi})", node.value_span("min"))
                if not isinstance(initial, int) or isinstance(initial, bool):
                    if not self.misspelt(node, "initial"):
                        self.err(
                            f"'initial' must be a whole number, not {show(initial)}"
                            f"{quoted(initial)}",
                            ispan,
                        )
                    initial = lo
                elif not lo <= initial <= hi:
                    self.err(f"initial value {initial} is outside {lo} to {hi}", ispan)
                result[vid] = m.Variable(
                    vid, label, VarType(INT, minimum=lo, maximum=hi), initial, {}, span
                )
            elif typ == "flag":
                if not isinstance(initial, bool):
                    self.err(
                        f"'initial' must be true or false, not {show(initial)}{quoted(initial)}",
                        ispan,
                    )
                    initial = False
                result[vid] = m.Variable(vid, label, VarType(BOOL), initial, {}, span)
            elif typ == "choice":
                values = (
                    self.mapping(node.get("values"), node.value_span("values"), "'values'")
                    if "values" in node
                    else None
                )
                if values is None:
                    if "values" not in node:
                        self.err("a choice variable needs 'values' (id: label lines)", span)
                    continue
                labels = {}
                for key, val in values.items():
                    if self.ident(key, values.key_span(key), "a value id"):
                        if isinstance(val, str):
                            self.check_text(val, values.value_span(key))
                            labels[key] = val
                        else:
                            self.err(
                                f"value '{key}' needs a label in words", values.value_span(key)
                            )
                if initial not in labels:
                    self.err(
                        f"initial value {show(initial)} is not one of the values; expected "
                        f"{one_of(labels)}{did_you_mean(str(initial), labels)}",
                        ispan,
                    )
                    initial = next(iter(labels), "")
                result[vid] = m.Variable(
                    vid, label, VarType("enum", tuple(labels)), initial, labels, span
                )
        return result

    def compile_status(
        self, doc: YMap, variables: dict[str, m.Variable], ranks: dict[str, list[str]]
    ) -> tuple[m.StatusItem, ...]:
        result = []
        for node in self.records(doc, "status", "a status line", spec.STATUS_LINE):
            if ("variable" in node) == ("alignment" in node):
                if not (self.misspelt(node, "variable") or self.misspelt(node, "alignment")):
                    self.err(
                        "a status line names either a 'variable' or an 'alignment' (a rank)",
                        node.span,
                    )
                continue
            if "variable" in node:
                var = self.ref(node["variable"], node.value_span("variable"), variables, "variable")
                if var:
                    result.append(
                        m.StatusItem(
                            self.text(node, "label", "'label'") or variables[var].label,
                            var,
                            None,
                            node.span,
                        )
                    )
            else:
                rank = self.ref(node["alignment"], node.value_span("alignment"), ranks, "rank")
                if rank:
                    result.append(
                        m.StatusItem(
                            self.text(node, "label", "'label'") or rank, None, rank, node.span
                        )
                    )
        return tuple(result)

    def compile_expect(
        self, doc: YMap, endings: list[str], sides: list[str], winners: Collection[str] = ()
    ) -> tuple[m.Expectation, ...]:
        result = []
        for node in self.records(doc, "expect", "an expectation", spec.EXPECTATION):
            if ("reachable" in node) == ("victory" in node):
                self.err(
                    "an expectation names an ending ('reachable: ENDING' with 'as: SIDE') or "
                    "a side's victory ('victory: SIDE'), one of the two",
                    node.span,
                )
                continue
            if "victory" in node:
                if "as" in node:
                    self.err(
                        "'as' goes with 'reachable'; 'victory' names the side itself",
                        node.key_span("as"),
                    )
                ending = None
                side = self.ref(node.get("victory"), node.value_span("victory"), sides, "side")
                if side is not None and side not in winners:
                    self.err(
                        f"no ending names '{side}' as its winner, so it has no victory to "
                        f"expect; give its winning endings 'winner: {side}'",
                        node.value_span("victory"),
                    )
                    side = None
            else:
                ending = self.ref(
                    node.get("reachable"), node.value_span("reachable"), endings, "ending"
                )
                side = None
                if "as" in node:
                    side = self.ref(node.get("as"), node.value_span("as"), sides, "side")
                else:
                    self.err("an expectation with 'reachable' needs 'as: SIDE'", node.span)
            best, rand = self.bound(node, "best"), self.bound(node, "random")
            if side and (ending or "victory" in node):
                result.append(m.Expectation(ending, side, node.span, best, rand))
        return tuple(result)

    def bound(self, node: YMap, key: str) -> m.Bound | None:
        """A range of percents under ``key``: ``35..85``, ``>= 10``, ``<= 90``, ``> 0``, ``< 5``."""
        if key not in node:
            return None
        raw, span = node[key], node.value_span(key)
        text = str(raw).strip() if isinstance(raw, (str, int, float)) else ""
        number = r"(\d+(?:\.\d+)?)\s*%?"
        low, high, low_open, high_open = 0.0, 100.0, False, False
        if found := re.fullmatch(number + r"\s*\.\.\s*" + number, text):
            low, high = float(found[1]), float(found[2])
        elif found := re.fullmatch(r"(>=|<=|>|<)\s*" + number, text):
            value = float(found[2])
            if found[1].startswith(">"):
                low, low_open = value, found[1] == ">"
            else:
                high, high_open = value, found[1] == "<"
        else:
            self.err(
                f'\'{key}\' is a range of percents in quotes: "35..85", ">= 10", '
                f'"<= 90", "> 0" or "< 5"; not {show(raw)}',
                span,
            )
            return None
        if not (0 <= low <= 100 and 0 <= high <= 100) or low > high:
            self.err(
                f"the range {show(raw)} is empty or outside 0..100: a chance is a percent "
                "from 0 to 100, the lower bound first",
                span,
            )
            return None
        return m.Bound(low, high, low_open, high_open, text, span)
