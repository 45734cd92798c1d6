"""Scenarios that extend other scenarios, changing only what differs.

A scenario with ``extends: june_1957`` (a bundled id, or a path relative to the file, inside
the scenario's folder) starts from that scenario and changes it:

* top-level values it gives (``title``, ``summary``, ``start``, ``expect``...) replace the base's;
* entries of ``sources``, ``sides``, ``stances``, ``actors``, ``variables``, ``votes``,
  ``phases`` and ``endings`` are merged by id: a new id is added, and the keys given for an
  existing id replace that entry's keys (the others stay);
* a phase's ``choices`` are merged by choice id the same way (a choice given whole replaces
  the base's choice of that id; a new id is added at the end), and an ending's ``fates`` by
  actor;
* ``glossary`` entries are merged by term; a side's ``targets`` and an actor's ``about`` are
  keys like any other, replaced whole;
* ``roles`` and ``injections`` (format 2) are merged by id too; a role's ``objectives``,
  ``knows``, ``moves``, ``can`` and ``reflect`` lists are replaced whole, like any key;
* ``remove:`` lists what to take out: ``phases``, ``endings``, ``choices`` (as
  ``phase.choice``), ``actors``, ``variables``, ``votes``, ``sources``, ``sides``,
  ``glossary`` (terms), ``roles``, ``injections`` and ``moves`` (as ``role.move``).

Bases may extend further bases. Every node keeps the file it was written in, so a mistake is
reported at its own ``file:line:col``, in whichever file made it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from presidium import spec
from presidium.diagnostics import DiagnosticBag, did_you_mean, one_of
from presidium.loader import LoadResult, YList, YMap

BY_ID = (
    "sources",
    "sides",
    "stances",
    "actors",
    "variables",
    "votes",
    "phases",
    "endings",
    "roles",
    "injections",
    "glossary",
)
REMOVABLE = (
    "phases",
    "endings",
    "choices",
    "actors",
    "variables",
    "votes",
    "sources",
    "sides",
    "glossary",
    "roles",
    "injections",
    "moves",
)
# What ``remove:`` takes out of a list inside an entry: kind -> (section, list, how written).
NESTED = {
    "choices": ("phases", "choices", "phase.choice"),
    "moves": ("roles", "moves", "role.move"),
}
ONE = {"glossary": "glossary term"}  # what one item of a section is called, where not its singular
MAX_CHAIN = 16


def is_path(target: str) -> bool:
    """Whether ``extends`` names a file (else a bundled scenario id)."""
    return "/" in target or "\\" in target or target.endswith((".yaml", ".yml"))


def locate(target: str, here: Path) -> tuple[Path, str] | None:
    """A bundled scenario id, or a path relative to the extending file; (path, display name)."""
    from presidium.bounded import is_regular_file
    from presidium.catalog import bundled_dir

    if not is_path(target):
        bundled = bundled_dir() / f"{target}.yaml"
        return (bundled, f"{target}.yaml") if is_regular_file(bundled) else None
    candidate = here.parent / target
    return (candidate, str(candidate)) if is_regular_file(candidate) else None


def _copy_map(source: YMap, file: str, pos: tuple[Any, ...]) -> YMap:
    """A new mapping holding ``source``'s entries, each still placed in its own file."""
    result = YMap(file, pos)
    for key, value in source.items():
        result[key] = value
        result.kpos[key] = _placed(source.file, source.kpos.get(key, source.pos))
        result.vpos[key] = _placed(
            source.file, source.vpos.get(key, source.kpos.get(key, source.pos))
        )
    return result


def _placed(file: str, pos: tuple[Any, ...]) -> tuple[Any, ...]:
    return pos if len(pos) == 3 else (file, *pos)


def _put(target: YMap, source: YMap, key: str) -> None:
    target[key] = source[key]
    target.kpos[key] = _placed(source.file, source.kpos.get(key, source.pos))
    target.vpos[key] = _placed(source.file, source.vpos.get(key, source.kpos.get(key, source.pos)))


def _merge_record(base: YMap, child: YMap, section: str) -> YMap:
    """An entry laid over the base's entry of the same id: the keys given replace the base's,
    except a phase's ``choices`` (merged by choice id) and an ending's ``fates`` (by actor)."""
    result = _copy_map(base, child.file, child.pos)
    for key in child:
        old, new = base.get(key), child[key]
        if (
            section == "phases"
            and key == "choices"
            and isinstance(old, YList)
            and isinstance(new, YList)
        ):
            merged: YMap | YList = _merge_choices(old, new)
        elif (
            section == "endings"
            and key == "fates"
            and isinstance(old, YMap)
            and isinstance(new, YMap)
        ):
            merged = _merge_map(old, new)
        else:
            _put(result, child, key)
            continue
        result[key] = merged
        result.kpos[key] = _placed(child.file, child.kpos.get(key, child.pos))
        result.vpos[key] = _placed(child.file, child.vpos.get(key, child.pos))
    return result


def _merge_map(base: YMap, child: YMap) -> YMap:
    """The base's entries, with the child's added or replacing them by key."""
    merged = _copy_map(base, child.file, child.pos)
    for key in child:
        _put(merged, child, key)
    return merged


def _merge_choices(base: YList, child: YList) -> YList:
    result = YList(child.file, child.pos)
    index: dict[str, int] = {}
    for i, item in enumerate(base):
        result.append(item)
        result.ipos.append(_placed(base.file, base.ipos[i] if i < len(base.ipos) else base.pos))
        if isinstance(item, YMap) and isinstance(item.get("id"), str):
            index[item["id"]] = len(result) - 1
    for i, item in enumerate(child):
        pos = _placed(child.file, child.ipos[i] if i < len(child.ipos) else child.pos)
        ident = item.get("id") if isinstance(item, YMap) else None
        if isinstance(ident, str) and ident in index:
            result[index[ident]] = item
            result.ipos[index[ident]] = pos
        else:
            result.append(item)
            result.ipos.append(pos)
    return result


def merge(base: YMap, child: YMap, bag: DiagnosticBag) -> YMap:
    """``child`` laid over ``base``; ``remove:`` applied last."""
    result = _copy_map(base, child.file, child.pos)
    result.pop("extends", None)
    for key in child:
        if key in ("extends", "remove"):
            continue
        if key in BY_ID and isinstance(base.get(key), YMap) and isinstance(child[key], YMap):
            merged = _copy_map(base[key], child[key].file, child[key].pos)
            for ident, entry in child[key].items():
                old = merged.get(ident)
                if isinstance(old, YMap) and isinstance(entry, YMap):
                    merged[ident] = _merge_record(old, entry, key)
                    merged.kpos[ident] = _placed(
                        child[key].file, child[key].kpos.get(ident, child[key].pos)
                    )
                    merged.vpos[ident] = _placed(
                        child[key].file, child[key].vpos.get(ident, child[key].pos)
                    )
                else:
                    _put(merged, child[key], ident)
            result[key] = merged
            result.kpos[key] = _placed(child.file, child.kpos.get(key, child.pos))
            result.vpos[key] = _placed(child.file, child.vpos.get(key, child.pos))
        else:
            _put(result, child, key)
    if "remove" in child:
        _remove(result, child, bag)
    return result


def _remove(result: YMap, child: YMap, bag: DiagnosticBag) -> None:
    block = child["remove"]
    if not isinstance(block, YMap):
        bag.error(
            "'remove' lists what to take out, by kind: phases, choices, endings, ...",
            child.value_span("remove"),
        )
        return
    for kind, items in block.items():
        if kind not in REMOVABLE:
            bag.error(
                f"cannot remove '{kind}'{did_you_mean(kind, REMOVABLE)}; expected {one_of(REMOVABLE)}",
                block.key_span(kind),
            )
            continue
        needs = spec.REMOVE[kind].since
        written = child.get("format")
        if type(written) is int and written < needs:
            bag.error(
                f"'remove: {kind}' needs 'format: {needs}' at the top of the file "
                f"(this file says 'format: {written}')",
                block.key_span(kind),
            )
            continue
        if not isinstance(items, YList):
            bag.error(f"'remove: {kind}' is a list of ids", block.value_span(kind))
            continue
        for i, item in enumerate(items):
            span = items.item_span(i)
            if not isinstance(item, str):
                how = (
                    f", each written {NESTED[kind][2]}" if kind in NESTED else ", not lists or maps"
                )
                bag.error(f"'remove: {kind}' is a list of ids{how}", span)
                continue
            if kind in NESTED:
                section, key, written = NESTED[kind]
                owner_id, _, entry_id = item.partition(".")
                owners = result.get(section)
                owner = owners.get(owner_id) if isinstance(owners, YMap) else None
                entries = owner.get(key) if isinstance(owner, YMap) else None
                found = [
                    n
                    for n, c in enumerate(entries if isinstance(entries, YList) else [])
                    if isinstance(c, YMap) and c.get("id") == entry_id
                ]
                if not entry_id or not found:
                    bag.error(
                        f"the base has no {kind[:-1]} '{item}' to remove (write it as {written})",
                        span,
                    )
                    continue
                assert isinstance(entries, YList)
                del entries[found[0]]
                del entries.ipos[found[0]]
                continue
            container = result.get(kind)
            if not isinstance(container, YMap) or item not in container:
                known = list(container) if isinstance(container, YMap) else []
                bag.error(
                    f"the base has no {ONE.get(kind, kind[:-1])} '{item}' to remove"
                    f"{did_you_mean(item, known)}",
                    span,
                )
                continue
            del container[item]
            container.kpos.pop(item, None)
            container.vpos.pop(item, None)


def resolve(
    doc: YMap,
    path: Path,
    load: Callable[[Path, str], LoadResult],
    locate: Callable[[str, Path], tuple[Path, str] | None],
    bag: DiagnosticBag,
    files: dict[str, list[str]],
    chain: tuple[Path, ...] = (),
    root: Path | None = None,
    formats: dict[str, int] | None = None,
) -> YMap | None:
    """The document with its ``extends`` chain merged in, or None when a base cannot be used.

    A base named by path must lie in ``root`` (the folder of the scenario being compiled) or
    below it, so a scenario cannot read just any file on the machine as its base. The format
    each base says it is written in goes into ``formats`` (by display name): a key is checked
    against the format of the file it was written in, so a format-1 file may extend a
    format-2 base and inherit its roles.
    """
    target = doc["extends"]
    span = doc.value_span("extends")
    if not isinstance(target, str) or not target.strip():
        bag.error("'extends' names a bundled scenario id or a path to a .yaml file", span)
        return None
    if root is None:
        root = path.resolve().parent
    by_path = is_path(target)
    if by_path and (PurePosixPath(target).is_absolute() or PureWindowsPath(target).is_absolute()):
        bag.error(
            f"'{target}' is an absolute path; 'extends' takes a bundled scenario id or a path "
            "relative to this file",
            span,
        )
        return None
    chain = (*chain, path.resolve())
    if len(chain) > MAX_CHAIN:
        bag.error(f"more than {MAX_CHAIN} scenarios extend one another", span)
        return None
    found = locate(target, path)
    if found is None:
        bag.error(f"'{target}' is neither a bundled scenario nor a file next to this one", span)
        return None
    base_path, base_name = found
    real = base_path.resolve()
    if by_path and not real.is_relative_to(root):
        bag.error(
            f"'{target}' is outside this scenario's folder; a base is a bundled scenario id or "
            "a file in the scenario's folder or below it",
            span,
        )
        return None
    if real in chain:
        names = " -> ".join(p.name for p in (*chain, base_path))
        bag.error(f"scenarios extend one another in a circle: {names}", span)
        return None
    loaded = load(base_path, base_name)
    files[base_name] = loaded.lines
    bag.extend(loaded.diagnostics)
    base = loaded.document
    if loaded.diagnostics:
        return None
    if not isinstance(base, YMap):
        bag.error(f"'{target}' is not a scenario (it holds no 'key: value' lines)", span)
        return None
    if formats is not None and type(base.get("format")) is int:
        formats[base_name] = base["format"]
    if "extends" in base:
        base_root = root if by_path else real.parent  # a bundled base's own bases are bundled
        base = resolve(base, base_path, load, locate, bag, files, chain, base_root, formats)
        if base is None:
            return None
    return merge(base, doc, bag)
