"""The master is open in Excel (Windows locks it): nothing is lost, the intake goes on, and the
new version waits beside it as a dated copy until the master can be replaced."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from automation import app
from automation.config import Settings
from automation.excel.publish import MasterPublisher
from automation.intake.runner import Runner
from automation.store import Store
from tests.conftest import Filler
from tests.helpers import office_columns, wait_for


class ExcelLock:
    """Replacing the master fails, as on Windows while Excel has it open."""

    def __init__(self, master: Path) -> None:
        self.master = master
        self.locked = True
        self.refused = 0
        self.swaps_refused = 0  # of those: a dated copy that was to take the master's place

    def __call__(self, source: Path, target: Path) -> None:
        if self.locked and target == self.master:
            self.refused += 1
            self.swaps_refused += "(bijgewerkt " in source.name
            raise PermissionError(13, "Het proces heeft geen toegang tot het bestand", str(target))
        os.replace(source, target)


@pytest.fixture
def runner(workspace: Settings) -> Iterator[Runner]:
    runner = Runner.open(workspace)
    yield runner
    runner.close()


@pytest.fixture
def publisher(workspace: Settings, runner: Runner) -> MasterPublisher:
    publisher = app.master_publisher(workspace, runner.store, now=runner.now)
    publisher.attempts, publisher.pause = 3, 0.0
    return publisher


def registrations(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [r[0] for r in wb["Incidenten"].iter_rows(min_row=2, values_only=True) if r[0]]
    finally:
        wb.close()


def test_a_locked_master_gets_a_dated_copy_and_is_replaced_at_the_next_chance(
    workspace: Settings, runner: Runner, publisher: MasterPublisher, drop: Filler
) -> None:
    master = workspace.paths.master
    drop("incident", "eerste.xlsx", seed=1)
    runner.process_once(master=publisher)
    assert len(registrations(master)) == 1

    lock = ExcelLock(master)
    publisher.replace = lock
    drop("incident", "tweede.xlsx", seed=2)
    counts = runner.process_once(master=publisher)

    assert counts.accepted == 1 and not counts.master_failed  # the intake went on
    assert lock.refused == 3  # retried for a while
    (copy,) = list(master.parent.glob("bestuursoverzicht (bijgewerkt *).xlsx"))
    assert len(registrations(copy)) == 2 and len(registrations(master)) == 1
    wb = openpyxl.load_workbook(copy, read_only=True)
    log = [r for r in wb["Logboek"].iter_rows(values_only=True)]
    wb.close()
    assert any(row[1] == copy.name and "kon niet worden vervangen" in (row[6] or "") for row in log)

    lock.locked = False  # Excel is closed
    assert publisher.promote(run_id=None)
    assert len(registrations(master)) == 2
    assert list(master.parent.glob("bestuursoverzicht (bijgewerkt *).xlsx")) == []


def test_the_next_run_rebuilds_a_master_left_behind_by_a_lock(
    workspace: Settings, runner: Runner, publisher: MasterPublisher, drop: Filler
) -> None:
    master = workspace.paths.master
    lock = ExcelLock(master)
    drop("incident", "eerste.xlsx", seed=1)
    runner.process_once(master=publisher)
    publisher.replace = lock
    drop("incident", "tweede.xlsx", seed=2)
    runner.process_once(master=publisher)
    lock.locked = False
    fresh = app.master_publisher(workspace, runner.store)  # the next `process`: it knows of no copy
    runner.process_once(master=fresh)  # nothing new in the inbox, but the master is older than the last file
    assert len(registrations(master)) == 2
    assert list(master.parent.glob("bestuursoverzicht (bijgewerkt *).xlsx")) == []


def test_a_master_from_yesterday_is_rebuilt_because_actions_depend_on_the_date(
    workspace: Settings, runner: Runner, publisher: MasterPublisher, drop: Filler
) -> None:
    drop("incident", "a.xlsx")
    runner.process_once(master=publisher)
    master = workspace.paths.master
    assert not publisher.out_of_date()
    yesterday = master.stat().st_mtime - 86400
    os.utime(master, (yesterday, yesterday))
    assert publisher.out_of_date()


# --- what the office typed while the master was locked (issue 10) -------------------------------

TYPED = ("in behandeling", "Ouders gebeld 2/12")


def dated_copies(master: Path) -> list[Path]:
    return list(master.parent.glob("bestuursoverzicht (bijgewerkt *).xlsx"))


def incidents(master: Path) -> dict[str, tuple[str | None, str | None]]:
    return office_columns(master, "Incidenten") if master.exists() else {}


def type_in(path: Path, regnr: str, typed: tuple[str, str] = TYPED) -> None:
    """As the office manager does in Excel: type a status and a note in a registration's row, save."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Incidenten"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == regnr)
    row[header.index("Status afhandeling")].value, row[header.index("Notitie")].value = typed
    saved = path.with_name(f"~opslaan {path.name}")
    wb.save(saved)
    os.replace(saved, path)  # Excel saves in one go: never a half-written workbook to read


@pytest.mark.parametrize("typed_in", ["master", "copy"])
def test_what_the_office_typed_while_the_master_was_locked_survives_the_swap_and_the_next_rebuild(
    workspace: Settings, runner: Runner, publisher: MasterPublisher, drop: Filler, typed_in: str
) -> None:
    master = workspace.paths.master
    drop("incident", "eerste.xlsx", seed=1)
    runner.process_once(master=publisher)
    (regnr,) = incidents(master)
    lock = ExcelLock(master)
    publisher.replace = lock
    drop("incident", "tweede.xlsx", seed=2)
    runner.process_once(master=publisher)
    (copy,) = dated_copies(master)

    type_in(master if typed_in == "master" else copy, regnr)
    lock.locked = False  # Excel is closed
    assert publisher.promote(run_id=None)

    assert dated_copies(master) == [] and incidents(master)[regnr] == TYPED
    drop("incident", "derde.xlsx", seed=3)
    runner.process_once(master=publisher)  # the next rebuild
    assert len(incidents(master)) == 3 and incidents(master)[regnr] == TYPED
    assert runner.store.office_notes()[regnr] == TYPED


IN_COPY = ("afgesloten", "Gesprek met leerkracht 3/12")


def typed_in_both(
    workspace: Settings, runner: Runner, publisher: MasterPublisher, drop: Filler
) -> tuple[ExcelLock, str, str]:
    """Two rows; the master locked, a dated copy beside it; the office types TYPED on the first row
    in the master and IN_COPY on the second in the copy. Returns the lock and the two numbers."""
    master = workspace.paths.master
    drop("incident", "eerste.xlsx", seed=1)
    drop("incident", "tweede.xlsx", seed=2)
    runner.process_once(master=publisher)
    first, second = incidents(master)
    lock = ExcelLock(master)
    publisher.replace = lock
    drop("incident", "derde.xlsx", seed=3)
    runner.process_once(master=publisher)
    (copy,) = dated_copies(master)
    type_in(master, first, TYPED)
    type_in(copy, second, IN_COPY)
    return lock, first, second


def test_what_the_office_typed_in_both_the_master_and_the_copy_survives_the_swap(
    workspace: Settings, runner: Runner, publisher: MasterPublisher, drop: Filler
) -> None:
    master = workspace.paths.master
    lock, first, second = typed_in_both(workspace, runner, publisher, drop)
    (copy,) = dated_copies(master)
    earlier = copy.stat().st_mtime_ns - 60 * 10**9  # the master was saved a minute before the copy
    os.utime(master, ns=(earlier, earlier))
    lock.locked = False  # Excel is closed
    assert publisher.promote(run_id=None)

    assert dated_copies(master) == []
    assert incidents(master)[first] == TYPED and incidents(master)[second] == IN_COPY
    assert runner.store.office_notes() == {first: TYPED, second: IN_COPY}


def test_what_the_office_typed_in_both_survives_more_files_while_the_master_stays_locked(
    workspace: Settings, runner: Runner, publisher: MasterPublisher, drop: Filler
) -> None:
    master = workspace.paths.master
    lock, first, second = typed_in_both(workspace, runner, publisher, drop)
    for seed in (4, 5):  # the master stays open in Excel: each new file, a new dated copy
        drop("incident", f"nummer {seed}.xlsx", seed=seed)
        runner.process_once(master=publisher)
        (copy,) = dated_copies(master)
        assert incidents(copy)[first] == TYPED and incidents(copy)[second] == IN_COPY
    lock.locked = False  # Excel is closed
    assert publisher.promote(run_id=None)

    assert incidents(master)[first] == TYPED and incidents(master)[second] == IN_COPY
    assert runner.store.office_notes() == {first: TYPED, second: IN_COPY}


def drop_whole(drop: Filler, name: str, *, seed: int) -> None:
    """Into the inbox of a running watcher (which takes files at once in these tests) in one rename,
    the way a file copied in is seen whole: never half-written."""
    hidden = drop("incident", f".{name}", seed=seed)  # a hidden name: not taken
    os.replace(hidden, hidden.with_name(name))


@pytest.mark.slow
@pytest.mark.parametrize("typed_in", ["master", "copy"])
def test_the_watcher_keeps_what_the_office_typed_while_the_master_was_locked(
    workspace: Settings, drop: Filler, monkeypatch: pytest.MonkeyPatch, typed_in: str
) -> None:
    master = workspace.paths.master
    lock = ExcelLock(master)
    lock.locked = False
    made = app.master_publisher

    def with_lock(settings: Settings, store: Store, **options: Any) -> MasterPublisher:
        publisher = made(settings, store, **options)
        publisher.attempts, publisher.pause, publisher.retry_every, publisher.replace = 2, 0.0, 0.1, lock
        return publisher

    monkeypatch.setattr(app, "master_publisher", with_lock)
    stop = threading.Event()
    watcher = threading.Thread(target=app.run_watch, args=(workspace,), kwargs={"poll": 0.1, "stop": stop})
    watcher.start()
    try:
        drop_whole(drop, "eerste.xlsx", seed=1)
        wait_for(lambda: len(incidents(master)) == 1, what="the master")
        (regnr,) = incidents(master)
        lock.locked = True  # the office opens the master in Excel
        drop_whole(drop, "tweede.xlsx", seed=2)
        # the master is written in a thread of its own: once it tries to swap the copy in, it is done writing
        wait_for(lambda: lock.swaps_refused > 0, what="a dated copy, then a first try to swap it in")
        (copy,) = dated_copies(master)
        type_in(master if typed_in == "master" else copy, regnr)
        lock.locked = False  # Excel is closed
        wait_for(
            lambda: dated_copies(master) == [] and incidents(master).get(regnr) == TYPED,
            what="the copy swapped in, with what the office typed",
        )
        drop_whole(drop, "derde.xlsx", seed=3)
        wait_for(lambda: len(incidents(master)) == 3, what="the next rebuild")
    finally:
        stop.set()
        watcher.join(timeout=20)
    assert not watcher.is_alive()
    assert incidents(master)[regnr] == TYPED
    store = Store.open(workspace.paths.database, create=False)
    try:
        assert store.office_notes()[regnr] == TYPED
    finally:
        store.close()


def test_a_master_the_office_saves_between_our_reading_and_our_swap_is_read_again(
    workspace: Settings, runner: Runner, publisher: MasterPublisher, drop: Filler
) -> None:
    """Excel saves and closes the master just after we read it and just before the copy takes its place:
    what it saved is read before anything is replaced (this raced in the watcher test once)."""
    master = workspace.paths.master
    drop("incident", "eerste.xlsx", seed=1)
    runner.process_once(master=publisher)
    (regnr,) = incidents(master)
    lock = ExcelLock(master)
    publisher.replace = lock
    drop("incident", "tweede.xlsx", seed=2)
    runner.process_once(master=publisher)
    assert len(dated_copies(master)) == 1
    read_back = publisher.keep_office_notes

    def then_the_office_saves(*, run_id: int | None) -> int:
        taken = read_back(run_id=run_id)
        if lock.locked:  # right after our reading: the office saves, and Excel lets go
            type_in(master, regnr)
            lock.locked = False
        return taken

    publisher.keep_office_notes = then_the_office_saves  # type: ignore[method-assign]
    assert publisher.promote(run_id=None)
    assert dated_copies(master) == [] and incidents(master)[regnr] == TYPED
    assert runner.store.office_notes()[regnr] == TYPED


def test_a_master_the_office_saves_while_we_write_the_new_one_is_read_before_it_is_replaced(
    workspace: Settings, runner: Runner, publisher: MasterPublisher, drop: Filler
) -> None:
    master = workspace.paths.master
    drop("incident", "eerste.xlsx", seed=1)
    runner.process_once(master=publisher)
    (regnr,) = incidents(master)
    write = publisher.write
    saved = []

    def while_we_write(moment: dt.datetime) -> Path:
        tmp = write(moment)
        if not saved:  # the office saves the master while we write the new one
            type_in(master, regnr)
            saved.append(True)
        return tmp

    publisher.write = while_we_write
    drop("incident", "tweede.xlsx", seed=2)
    runner.process_once(master=publisher)
    assert incidents(master)[regnr] == TYPED and len(incidents(master)) == 2
    assert runner.store.office_notes()[regnr] == TYPED


def test_temporary_masters_a_killed_run_left_behind_are_removed_at_the_next_start(
    workspace: Settings, drop: Filler
) -> None:
    outbox = workspace.paths.outbox
    outbox.mkdir(parents=True, exist_ok=True)
    empty = outbox / ".bestuursoverzicht.99999991.tmp.xlsx"  # killed before writing anything
    half = outbox / ".bestuursoverzicht.99999992.tmp.xlsx"  # killed half-way
    empty.write_bytes(b"")
    half.write_bytes(b"PK\x03\x04 half a workbook")
    drop("incident", "a.xlsx")
    assert app.process(workspace).accepted == 1
    assert not empty.exists() and not half.exists()
    assert sorted(p.name for p in outbox.iterdir() if p.name.startswith(".")) == []
    assert workspace.paths.master.is_file()
