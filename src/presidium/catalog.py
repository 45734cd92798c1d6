"""Finding scenarios: bundled ones by id, local ones by path."""

from __future__ import annotations

import errno
import hashlib
from pathlib import Path

from presidium.bounded import is_regular_file, kind_of, read_bounded
from presidium.errors import ScenarioError, UsageError
from presidium.files import MAX_BYTES, compile_file, load_scenario
from presidium.model import Scenario
from presidium.printable import quoted
from presidium.records import record

DEFAULT_SCENARIO = "june_1957"


@record
class Entry:
    """A scenario file found by ``presidium list``, compiled or with its first problem.

    ``name`` is what the other commands take to find it again: a bundled id, or a local
    file's path from the folder listed.
    """

    bundled: bool
    scenario: Scenario | None
    problem: str | None
    name: str


def bundled_dir() -> Path:
    """The folder of the bundled scenarios: the ``presidium.scenarios`` package's, found as the
    import system finds it (an editable install maps it to the repository's ``scenarios/``).
    ``importlib.resources`` gives the same folder but costs milliseconds at every start."""
    from importlib.util import find_spec

    spec = find_spec("presidium.scenarios")
    assert spec is not None and spec.origin is not None, "presidium.scenarios is part of presidium"
    return Path(spec.origin).parent


def bundled_ids() -> list[str]:
    return sorted(p.stem for p in bundled_dir().glob("*.yaml"))


def _file_problem(path: Path, name: str) -> str | None:
    """Why ``path`` cannot be read as a scenario file, or None when it is a regular file."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.errno not in (errno.ENOENT, errno.ENOTDIR):
            return f"cannot open {quoted(name)}: {exc.strerror}"
        return f"no scenario file {quoted(name)}"
    kind = kind_of(mode)
    if kind == "a directory":
        return f"{quoted(name)} is a directory; give a scenario file (.yaml)"
    if kind is not None:
        return f"{quoted(name)} is {kind}, not a scenario file"
    return None


def resolve(name: str | None) -> tuple[Path, str]:
    """The file for a bundled id or a path, and the name to show in diagnostics.

    Every command that takes a scenario takes it this way, so a name that one accepts the
    others accept too. No name at all means the default scenario; an empty one is a mistake
    (a save whose source is empty, an unset shell variable), not a request for the default.
    """
    if name is None:
        name = DEFAULT_SCENARIO
    if not name.strip():
        raise UsageError(
            "the scenario name is empty; give a bundled scenario id or the path to a .yaml file"
        )
    path = Path(name)
    looks_like_path = path.suffix in (".yaml", ".yml") or "/" in name or "\\" in name
    if looks_like_path:
        problem = _file_problem(path, name)
        if problem is not None:
            raise UsageError(problem)
        return path, name
    candidate = bundled_dir() / f"{name}.yaml"
    if is_regular_file(candidate):
        return candidate, f"{name}.yaml"
    if is_regular_file(path):
        return path, name
    from presidium.diagnostics import did_you_mean

    raise UsageError(
        f"no scenario {quoted(name)}{did_you_mean(name[:100], bundled_ids())}; bundled scenarios: "
        f"{', '.join(bundled_ids())}; or give the path to a .yaml file"
    )


def load(name: str | None) -> Scenario:
    return open_scenario(name).scenario


@record
class Opened:
    """A scenario ready to play, with what a save needs to find it again and notice changes."""

    scenario: Scenario
    source: str  # the bundled id, or the file's absolute path
    digest: str  # of the text of every file it was compiled from


def open_scenario(name: str | None) -> Opened:
    path, display = resolve(name)
    try:
        result = compile_file(path, display)
    except OSError as exc:
        raise UsageError(f"cannot read '{display}': {exc.strerror}") from None
    if result.scenario is None:
        raise ScenarioError(result.diagnostics, result.files)
    digest = hashlib.sha256()
    for _name, lines in sorted(result.files.items()):
        digest.update("\n".join(lines).encode("utf-8") + b"\0")
    bundled = path.parent.resolve() == bundled_dir().resolve()
    source = path.stem if bundled else str(path.resolve())  # a save finds it from anywhere
    return Opened(result.scenario, source, "sha256:" + digest.hexdigest())


def _looks_like_scenario(path: Path) -> bool:
    try:
        head = read_bounded(path, 4096).decode("utf-8", errors="replace")
    except OSError:  # unreadable, or a pipe or a device: not listed, and never waited on
        return False
    return any(line.startswith("format:") for line in head.splitlines())


def _fingerprint(path: Path) -> bytes | None:
    try:
        return hashlib.sha256(read_bounded(path, MAX_BYTES)).digest()
    except OSError:
        return None


def catalog(local_dir: Path) -> tuple[list[Entry], list[str]]:
    """Bundled scenarios, then scenario files in ``local_dir`` and ``local_dir/scenarios``;
    and warnings about ids that more than one of them use.

    A local file that is a copy of a bundled one (the repository's own ``scenarios/``
    folder, seen from its root) is the same scenario and is listed once, as bundled.
    """
    entries: list[Entry] = []
    warnings: list[str] = []
    seen: set[Path] = set()
    bundled_texts: set[bytes | None] = set()
    found = [(p, True) for p in sorted(bundled_dir().glob("*.yaml"))]
    for folder in (local_dir, local_dir / "scenarios"):
        found += [(p, False) for p in sorted(folder.glob("*.y*ml")) if _looks_like_scenario(p)]
    by_id: dict[str, Entry] = {}
    for path, bundled in found:
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        text = _fingerprint(path)
        if bundled:
            bundled_texts.add(text)
        elif text is not None and text in bundled_texts:
            continue
        name = path.stem if bundled else str(path.relative_to(local_dir))
        try:
            scenario, _ = load_scenario(path, path.name if bundled else name)
            entry = Entry(bundled, scenario, None, name)
        except ScenarioError as exc:
            entry = Entry(bundled, None, exc.diagnostics[0].format(), name)
        except OSError as exc:
            entry = Entry(bundled, None, str(exc.strerror), name)
        entries.append(entry)
        if entry.scenario is None:
            continue
        other = by_id.setdefault(entry.scenario.id, entry)
        if other is not entry:
            where = f"the bundled scenario '{other.name}'" if other.bundled else other.name
            warnings.append(
                f"{entry.name} has the id '{entry.scenario.id}', as {where} has; "
                "give each scenario an id of its own (saves are named by it)"
            )
    return entries, warnings
