"""bench/facts.py still runs (see tests/test_bench_smoke.py): at a tiny size, its rows written as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import facts


def test_the_facts_bench_compares_kept_facts_and_statuss_figures_with_the_facts_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENCH_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "facts.json"
    facts.main(["--stored", "20", "--rounds", "2", "--json", str(out)])
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert [row["work"] for row in rows] == ["board's facts, kept, 20 stored", "status's figures in SQL, 20 stored"]
    assert all(row["baseline"]["label"] == "afresh" and len(row["ours"]["runs"]) == 2 for row in rows)
