"""The record of the versions CI tested covers everything the project installs."""

from __future__ import annotations

import re

from conftest import ROOT, normalise, versions_ci_tested


def declared() -> list[str]:
    """Every package named in pyproject.toml's dependencies and optional extras."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    extras = text.split("[project.optional-dependencies]")[1].split("\n[")[0]
    runtime = text.split("\ndependencies = [")[1].split("\n]")[0]
    names = []
    for block in [runtime, *re.findall(r"^\w+ = \[\n(.*?)^\]", extras, re.M | re.S)]:
        names += re.findall(r'^\s+"([A-Za-z0-9_.\-]+)', block, re.M)
    # ``presidium-1957[classroom]`` in the test extra is the project itself, not a dependency
    return [normalise(n) for n in names if normalise(n) != "presidium-1957"]


def test_every_dependency_has_a_tested_version() -> None:
    names = declared()
    assert {"rich", "pyyaml", "transitions", "pytest", "hypothesis"} <= set(names)
    missing = sorted(set(names) - set(versions_ci_tested()))
    assert not missing, f"add them with .ci/refresh-constraints: {missing}"


def test_versions_ci_tested_are_exact_pins() -> None:
    for name, version in versions_ci_tested().items():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!]*", version), (name, version)
