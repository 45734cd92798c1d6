"""Finding scenarios: bundled ones by id, local ones by path."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from presidium.errors import ScenarioError, UsageError
from presidium.files import compile_file, load_scenario
from presidium.model import Scenario

DEFAULT_SCENARIO = "june_1957"


@dataclass(frozen=True)
class Entry:
    """A scenario file found by ``presidium list``, compiled or with its first problem."""

    path: Path
    bundled: bool
    scenario: Scenario | None
    problem: str | None


def bundled_dir() -> Path:
    return Path(str(resources.files("presidium.scenarios")))


def bundled_ids() -> list[str]:
    return sorted(p.stem for p in bundled_dir().glob("*.yaml"))


def resolve(name: str | None) -> tuple[Path, str]:
    """The file for a bundled id or a path, and the name to show in diagnostics.

    No name at all means the default scenario; an empty one is a mistake (a save whose
    source is empty, an unset shell variable), not a request for the default.
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
        if path.is_dir():
            raise UsageError(f"'{name}' is a directory; give a scenario file (.yaml)")
        if not path.is_file():
            raise UsageError(f"no scenario file '{name}'")
        return path, name
    candidate = bundled_dir() / f"{name}.yaml"
    if candidate.is_file():
        return candidate, f"{name}.yaml"
    if path.is_file():
        return path, name
    from presidium.diagnostics import did_you_mean

    raise UsageError(
        f"no scenario '{name}'{did_you_mean(name, bundled_ids())}; bundled scenarios: "
        f"{', '.join(bundled_ids())}; or give the path to a .yaml file"
    )


def load(name: str | None) -> Scenario:
    return open_scenario(name).scenario


@dataclass(frozen=True)
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
        head = path.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        return False
    return any(line.startswith("format:") for line in head.splitlines())


def catalog(local_dir: Path) -> list[Entry]:
    """Bundled scenarios, then scenario files in ``local_dir`` and ``local_dir/scenarios``."""
    entries = []
    seen: set[Path] = set()
    found = [(p, True) for p in sorted(bundled_dir().glob("*.yaml"))]
    for folder in (local_dir, local_dir / "scenarios"):
        found += [(p, False) for p in sorted(folder.glob("*.y*ml")) if _looks_like_scenario(p)]
    for path, bundled in found:
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        try:
            scenario, _ = load_scenario(path, path.name if bundled else str(path))
            entries.append(Entry(path, bundled, scenario, None))
        except ScenarioError as exc:
            entries.append(Entry(path, bundled, None, exc.diagnostics[0].format()))
        except OSError as exc:
            entries.append(Entry(path, bundled, None, str(exc.strerror)))
    return entries
