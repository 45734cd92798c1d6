"""The golden files guard what the game prints only if a missing one is a failure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, UPDATE_GOLDEN, matches_golden


def test_a_missing_golden_file_fails_and_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(UPDATE_GOLDEN, raising=False)
    missing = tmp_path / "missing.md"
    with pytest.raises(pytest.fail.Exception, match=r"golden file .* is missing.*=1"):
        matches_golden("text", missing)
    assert not missing.exists()


def test_a_golden_file_is_written_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "golden.md"
    monkeypatch.setenv(UPDATE_GOLDEN, "1")
    matches_golden("new text\n", path)
    assert path.read_text(encoding="utf-8") == "new text\n"
    monkeypatch.delenv(UPDATE_GOLDEN)
    matches_golden("new text\n", path)
    with pytest.raises(AssertionError, match="changed"):
        matches_golden("other text\n", path)


def test_every_golden_test_goes_through_the_shared_check() -> None:
    """No test writes its own golden file when it finds none (and so passes without one)."""
    writes_its_own = [
        f"{path.name}:{source[: m.start()].count(chr(10)) + 1}"
        for path in sorted((ROOT / "tests").glob("test_*.py"))
        for source in [path.read_text(encoding="utf-8")]
        for m in re.finditer(r"or not \w+\.exists\(\)", source)
    ]
    assert writes_its_own == []
