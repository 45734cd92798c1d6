"""Every bundled scenario: valid, checked clean, and conforming to the published schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, check_jsonschema
from conftest import run_cli as run
from presidium.explore import explore
from presidium.files import compile_file

BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
HISTORICAL = {"june_1957", "october_1964"}
COUNTERFACTUAL = [p for p in BUNDLED if p.stem not in HISTORICAL]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_validates_and_checks_clean(path: Path) -> None:
    assert run(["validate", "--strict", str(path)])[0] == 0
    code, out, _ = run(["check", "--strict", str(path)])
    assert code == 0, out
    assert "0 errors, 0 warnings" in out


def test_all_pass_the_published_schema() -> None:
    result = check_jsonschema(*BUNDLED)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", COUNTERFACTUAL, ids=lambda p: p.stem)
def test_a_counterfactual_scenario_opens_with_its_real_hinge(path: Path) -> None:
    scenario = compile_file(path).scenario
    assert scenario is not None
    opening = scenario.phases[scenario.start]
    assert opening.title.startswith("What if") and not opening.counterfactual
    assert opening.sources and opening.notes  # the real hinge is sourced
    assert any(p.counterfactual for p in opening.text) and any(
        not p.counterfactual for p in opening.text
    )
    said = " ".join(" ".join(p.text.split()) for p in opening.text)
    assert "The real hinge" in said and "plausible" in said and "limits of the question" in said
    assert len(scenario.debrief_questions) >= 3
    assert len({e.ending for e in scenario.expectations}) >= 2
    assert {e.side for e in scenario.expectations} == set(scenario.sides)


GOLDEN = {
    "zhukov_neutral": {"khrushchev": 84, "molotov": 40},
    "kgb_majority": {"khrushchev": 213, "molotov": 200},
    "bulganin_refuses": {"khrushchev": 123, "molotov": 294},
    "published_first": {"khrushchev": 350, "molotov": 219},
    "shepilov_stays": {"khrushchev": 434, "molotov": 294},
    "agriculture_accepted": {"khrushchev": 67, "molotov": 249},
}


def test_every_counterfactual_has_a_golden_count() -> None:
    assert sorted(GOLDEN) == sorted(p.stem for p in COUNTERFACTUAL)
    assert len(COUNTERFACTUAL) >= 6


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_reach(name: str) -> None:
    scenario = compile_file(ROOT / "scenarios" / f"{name}.yaml").scenario
    assert scenario is not None
    for side, states in GOLDEN[name].items():
        result = explore(scenario, side)
        assert result.states == states, (side, result.states)
        assert set(result.endings) == set(scenario.endings)


def test_every_bundled_scenario_plays_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for path in BUNDLED:
        scenario = compile_file(path).scenario
        assert scenario is not None
        for side in scenario.sides:
            code, out, _ = run(
                ["play", path.stem, "--side", side, "--autoplay", "history", "--seed", "1"]
            )
            assert code == 0 and "Ending: " in out, (path.stem, side)


def test_every_historical_scenario_names_its_historical_ending() -> None:
    for name in HISTORICAL:
        scenario = compile_file(ROOT / "scenarios" / f"{name}.yaml").scenario
        assert scenario is not None and scenario.historical_ending in scenario.endings
        assert scenario.endings[scenario.historical_ending].kind == "historical"


def test_an_invented_reason_is_labelled_in_the_vote() -> None:
    args = "play bulganin_refuses --side molotov --autoplay history --seed 1 --plain --width 200"
    code, out, _ = run(args.split())
    assert code == 0
    assert "- Nikolai Bulganin votes against: [Counterfactual] refused the chair" in out
    assert "- Vyacheslav Molotov votes for: one of the plot's leaders" in out  # history: no label
