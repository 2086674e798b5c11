"""The benches still run: each bench's main at a tiny size, its rows written as JSON.

Figures are not checked here (speed is measured in bench/, not in tests); only that every bench
runs end to end through bench/harness.py and reports the rows the README's speed table needs. The
in-process benches are quick; those that start a fresh process per run are marked slow.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bench import commands, ingest, master, survey, watch, yearly


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of tiny boards for the module (the benches' own is in the temp folder)."""
    return tmp_path_factory.mktemp("bench-cache")


def rows_of(main: Callable[[list[str]], None], args: list[str], out: Path) -> list[dict[str, object]]:
    main([*args, "--json", str(out)])
    found: list[dict[str, object]] = json.loads(out.read_text(encoding="utf-8"))["rows"]
    return found


def works(found: list[dict[str, object]]) -> list[str]:
    return [str(row["work"]) for row in found]


def test_the_intake_bench_compares_process_with_the_read_and_the_file_system_floor(tmp_path: Path) -> None:
    found = rows_of(ingest.main, ["--n", "3", "--rounds", "2", "--dir", str(tmp_path)], tmp_path / "ingest.json")
    assert works(found)[0] == "intake per form"
    first = found[0]
    assert first["baseline"]["label"] == "read + floor: copy"  # type: ignore[index]
    assert len(first["ours"]["runs"]) == 2  # type: ignore[index]


@pytest.mark.slow
def test_the_master_bench_runs_the_full_rebuild_and_the_incremental_write(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENCH_CACHE", str(cache))
    full = rows_of(master.main, ["rebuild", "--sizes", "20", "--rounds", "1"], tmp_path / "rebuild.json")
    assert works(full) == ["full rebuild, 20 stored", "full rebuild, 20 stored: every row through xlsxwriter"]
    assert full[0]["ours"]["peak_mb"] and full[0]["baseline"]["peak_mb"]  # type: ignore[index]
    one = rows_of(master.main, ["incremental", "--stored", "20", "--rounds", "1"], tmp_path / "one.json")
    assert works(one)[0].startswith("master: one new row at 20")


@pytest.mark.slow
def test_the_command_line_bench_times_help_status_and_process_in_fresh_processes(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENCH_CACHE", str(cache))
    found = rows_of(commands.main, ["--stored", "20", "--rounds", "1"], tmp_path / "commands.json")
    assert works(found) == ["`veiligheid --help`", "`veiligheid status`", "`process`, one form, 20 stored"]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the soak's master reader and watcher handling are Linux-tested")
def test_the_watch_bench_measures_drop_to_visible(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_CACHE", str(cache))
    found = rows_of(watch.main, ["--stored", "20", "--files", "1", "--stable", "0.2"], tmp_path / "watch.json")
    assert works(found) == ["drop → visible, watch, 20 stored"]


@pytest.mark.slow
def test_the_survey_bench_runs_every_side_cold(tmp_path: Path) -> None:
    found = rows_of(survey.main, ["--respondents", "30", "--rounds", "1"], tmp_path / "survey.json")
    assert works(found)[::2] == ["survey import, csv", "survey import, xlsx"]


@pytest.mark.slow
def test_the_yearly_bench_times_signals_and_the_report_against_the_summary_sheets(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENCH_CACHE", str(cache))
    args = ["--schools", "3", "--stored", "30", "--rounds", "2"]
    (found,) = rows_of(yearly.main, args, tmp_path / "yearly.json")
    assert found["work"] == "signals + yearly report, 3 schools, 30 stored"
    assert found["baseline"]["label"] == "summary sheets"  # type: ignore[index]
    assert len(found["ours"]["runs"]) == 2 and found["ratio_of_first_runs"]  # type: ignore[index]
