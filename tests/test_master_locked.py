"""The master is open in Excel (Windows locks it): nothing is lost, the intake goes on, and the
new version waits beside it as a dated copy until the master can be replaced."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from automation.config import Settings
from automation.intake.runner import Runner
from tests.conftest import Filler


class ExcelLock:
    """Replacing the master fails, as on Windows while Excel has it open."""

    def __init__(self, master: Path) -> None:
        self.master = master
        self.locked = True
        self.refused = 0

    def __call__(self, source: Path, target: Path) -> None:
        if self.locked and target == self.master:
            self.refused += 1
            raise PermissionError(13, "Het proces heeft geen toegang tot het bestand", str(target))
        os.replace(source, target)


@pytest.fixture
def runner(workspace: Settings) -> Iterator[Runner]:
    runner = Runner.open(workspace)
    runner.publish_attempts, runner.publish_pause = 3, 0.0
    yield runner
    runner.close()


def registrations(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [r[0] for r in wb["Incidenten"].iter_rows(min_row=2, values_only=True) if r[0]]
    finally:
        wb.close()


def test_a_locked_master_gets_a_dated_copy_and_is_replaced_at_the_next_chance(
    workspace: Settings, runner: Runner, drop: Filler
) -> None:
    master = workspace.paths.master
    drop("incident", "eerste.xlsx", seed=1)
    runner.process_once()
    assert len(registrations(master)) == 1

    lock = ExcelLock(master)
    runner.replace = lock
    drop("incident", "tweede.xlsx", seed=2)
    counts = runner.process_once()

    assert counts.accepted == 1 and not counts.master_failed  # the intake went on
    assert lock.refused == 3  # retried for a while
    (copy,) = list(master.parent.glob("bestuursoverzicht (bijgewerkt *).xlsx"))
    assert len(registrations(copy)) == 2 and len(registrations(master)) == 1
    wb = openpyxl.load_workbook(copy, read_only=True)
    log = [r for r in wb["Logboek"].iter_rows(values_only=True)]
    wb.close()
    assert any(row[1] == copy.name and "kon niet worden vervangen" in (row[6] or "") for row in log)

    lock.locked = False  # Excel is closed
    assert runner.promote_copy()
    assert len(registrations(master)) == 2
    assert list(master.parent.glob("bestuursoverzicht (bijgewerkt *).xlsx")) == []


def test_the_next_run_rebuilds_a_master_left_behind_by_a_lock(
    workspace: Settings, runner: Runner, drop: Filler
) -> None:
    master = workspace.paths.master
    lock = ExcelLock(master)
    drop("incident", "eerste.xlsx", seed=1)
    runner.process_once()
    runner.replace = lock
    drop("incident", "tweede.xlsx", seed=2)
    runner.process_once()
    lock.locked = False
    runner.process_once()  # nothing new in the inbox, but the master is older than the last file
    assert len(registrations(master)) == 2
    assert list(master.parent.glob("bestuursoverzicht (bijgewerkt *).xlsx")) == []


def test_a_master_from_yesterday_is_rebuilt_because_actions_depend_on_the_date(
    workspace: Settings, runner: Runner, drop: Filler
) -> None:
    drop("incident", "a.xlsx")
    runner.process_once()
    master = workspace.paths.master
    assert not runner.master_out_of_date()
    yesterday = master.stat().st_mtime - 86400
    os.utime(master, (yesterday, yesterday))
    assert runner.master_out_of_date()
