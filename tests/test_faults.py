"""A full disk, a full database and a read-only outbox: the product says so in Dutch, keeps every
original, and recovers by itself when the fault is gone (issue 6, item 3)."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import sqlite3

import pytest

from automation import app
from automation.config import Settings
from automation.intake import files
from automation.store import Store
from tests.conftest import Filler


def stored(settings: Settings) -> list[tuple[str, str, int]]:
    conn = sqlite3.connect(settings.paths.database)
    try:
        return sorted(conn.execute("SELECT original_name, outcome, finished FROM submissions"))
    finally:
        conn.close()


def full(*_: object, **__: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def read_only(*_: object, **__: object) -> None:
    raise OSError(errno.EROFS, "Read-only file system")


def test_a_full_disk_keeps_the_file_in_the_inbox_says_so_and_recovers(
    workspace: Settings, drop: Filler, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    original = drop("incident", "a.xlsx").read_bytes()
    monkeypatch.setattr(files, "write_read_only", full)  # the archive cannot take it
    with caplog.at_level(logging.ERROR):
        counts = app.process(workspace, wait_limit=0)
    assert counts.accepted == 0 and counts.waiting == 1
    assert (workspace.paths.inbox / "a.xlsx").read_bytes() == original  # untouched, not lost
    assert "de schijf is vol" in caplog.text
    assert not [p for p in workspace.paths.archive.rglob("*a.xlsx")]
    monkeypatch.undo()
    counts = app.process(workspace)
    assert counts.accepted == 1 and stored(workspace) == [("a.xlsx", "geaccepteerd", 1)]


def test_a_full_database_keeps_the_file_and_recovers(
    workspace: Settings, drop: Filler, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    original = drop("incident", "a.xlsx").read_bytes()

    def database_full(*_: object, **__: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "add_submission", database_full)
    with caplog.at_level(logging.ERROR):
        counts = app.process(workspace, wait_limit=0)
    assert counts.accepted == 0
    assert (workspace.paths.inbox / "a.xlsx").read_bytes() == original
    assert "de schijf is vol" in caplog.text
    assert not [p for p in workspace.paths.archive.rglob("*a.xlsx")]  # no archive entry without a record
    monkeypatch.undo()
    assert app.process(workspace).accepted == 1


def test_a_read_only_outbox_keeps_everything_says_so_and_finishes_later(
    workspace: Settings, drop: Filler, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    good = drop("incident", "goed.xlsx").read_bytes()
    wrong = drop("incident", "fout.xlsx", seed=2, omschrijving=None).read_bytes()
    monkeypatch.setattr(files, "write_new", read_only)  # confirmations
    monkeypatch.setattr(files, "copy_no_overwrite", read_only)  # hand-backs
    monkeypatch.setattr(files, "write_durably", read_only)  # explanations
    real_replace = os.replace

    def outbox_read_only(source: object, target: object) -> None:  # the master; the archive stays writable
        if str(target).startswith(str(workspace.paths.outbox)):
            read_only()
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", outbox_read_only)
    with caplog.at_level(logging.ERROR):
        app.process(workspace, wait_limit=0)
    assert "alleen-lezen" in caplog.text
    # judged and stored, originals kept in the archive; finishing them waits for the outbox
    assert [name for name, _, _ in stored(workspace)] == ["fout.xlsx", "goed.xlsx"]
    kept = {hashlib.sha256(p.read_bytes()).hexdigest() for p in workspace.paths.archive.rglob("*.xlsx")}
    assert {hashlib.sha256(good).hexdigest(), hashlib.sha256(wrong).hexdigest()} <= kept
    monkeypatch.undo()
    app.process(workspace)
    assert stored(workspace) == [("fout.xlsx", "afgewezen", 1), ("goed.xlsx", "geaccepteerd", 1)]
    back = workspace.paths.rejected / "12AB OBS De Regenboog"
    assert (back / "fout.xlsx").read_bytes() == wrong and (back / "fout - uitleg.txt").exists()
    store = Store.open(workspace.paths.database, create=False)
    (regnr,) = store.regnrs("incident", school="12AB")
    store.close()
    receipts = [p.relative_to(workspace.paths.receipts).as_posix() for p in workspace.paths.receipts.rglob("*.txt")]
    assert receipts == [f"12AB OBS De Regenboog/{regnr} - goed.txt"]  # one confirmation, for the good file
    assert workspace.paths.master.exists()
    assert not workspace.paths.staging.exists() and not list(workspace.paths.inbox.iterdir())


def test_os_errors_are_explained_in_dutch() -> None:
    from automation.errors import explain_os_error

    assert explain_os_error(OSError(errno.ENOSPC, "x")) == "de schijf is vol"
    assert explain_os_error(OSError(errno.EROFS, "x")) == "de schijf of map is alleen-lezen"
    assert explain_os_error(PermissionError(errno.EACCES, "x")).startswith("geen toegang")
    assert "database or disk is full" not in explain_os_error(sqlite3.OperationalError("database or disk is full"))
