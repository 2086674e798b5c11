"""Half-written outputs of a killed run are removed when the next run starts (issue 12, hole 4);
files of any other shape, the staff's own included, are never touched."""

from __future__ import annotations

import os

from automation import app
from automation.config import Settings
from automation.intake.tidy import half_written
from tests.conftest import Filler


def test_a_killed_runs_half_written_outputs_are_removed_at_start(workspace: Settings, drop: Filler) -> None:
    paths = workspace.paths
    left = [
        paths.rejected / "12AB OBS De Regenboog" / ".melding.xlsx.424242.tmp",
        paths.receipts / "12AB OBS De Regenboog" / ".INC-2026-0001 - melding.txt.424242.tmp",
        paths.outbox / "plannen" / "12AB" / ".Veiligheidsplan 12AB.424242.tmp.docx",
        paths.outbox / ".bestuursoverzicht.424242.tmp.xlsx",
    ]
    kept = [
        paths.rejected / "12AB OBS De Regenboog" / "notities.tmp",  # a staff member's own file
        paths.rejected / "12AB OBS De Regenboog" / ".verborgen",
        paths.outbox / "plannen" / "12AB" / ".~lock.Veiligheidsplan 12AB.docx#",
        paths.outbox / ".bestuursoverzicht.kopie.tmp.xlsx",  # someone's own copy, not a pid
        # a process that still runs (`plan` writes without the working folder's lock)
        paths.outbox / "plannen" / "12AB" / f".Veiligheidsplan 12AB.{os.getppid()}.tmp.docx",
    ]
    for path in left + kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    drop("incident", "melding.xlsx")

    counts = app.process(workspace)

    assert counts.accepted == 1
    assert [p for p in left if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []
    assert half_written([paths.outbox, paths.state]) == []


def test_the_running_process_own_temporary_files_are_not_half_written(workspace: Settings) -> None:
    mine = workspace.paths.outbox / f".bestuursoverzicht.{os.getpid()}.tmp.xlsx"
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_bytes(b"")
    assert half_written([workspace.paths.outbox]) == []
