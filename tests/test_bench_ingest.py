"""The intake bench gives every round forms of its own (the intake remembers workbook parts it has
checked, so the same forms in every round would flatter it) and every side of a round the same ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import ingest
from bench.harness import interleave


def test_every_round_has_its_own_forms(tmp_path: Path) -> None:
    sets = ingest.make_forms(tmp_path / "zaad", 3, rounds=2)
    assert [len(forms) for forms in sets] == [3, 3]
    assert len({data for forms in sets for data in forms}) == 6


def test_every_side_takes_the_same_forms_in_the_same_round(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sets = ingest.make_forms(tmp_path / "zaad", 2, rounds=3)
    given: list[list[bytes]] = []
    put = ingest.put

    def noted(folder: Path, forms: list[bytes]) -> list[Path]:
        given.append(forms)
        return put(folder, forms)

    monkeypatch.setattr(ingest, "put", noted)
    sides = ingest.sides(tmp_path / "runs", sets, fsync=False)
    interleave(sides, rounds=3)
    per_round = [given[r * len(sides) : (r + 1) * len(sides)] for r in range(3)]
    assert [[sets.index(forms) for forms in runs] for runs in per_round] == [[r] * len(sides) for r in range(3)]
    assert list((tmp_path / "runs").iterdir()) == []  # every run cleans up after itself
