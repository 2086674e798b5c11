"""The watcher goes on taking files while the master is written in a thread of its own, and the
changes that come in meanwhile make one next write, not one each (issue 14, item 2)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from automation import app
from automation.config import Settings
from automation.excel.publish import BackgroundMaster, MasterPublisher
from automation.store import Store
from tests.conftest import Filler
from tests.helpers import office_columns, rows, wait_for


def stored(settings: Settings) -> int:
    try:
        return len(rows(settings, "SELECT regnr FROM records"))
    except sqlite3.OperationalError:  # the watcher is still making its database
        return 0


def drop_whole(drop: Filler, name: str, *, seed: int) -> None:
    hidden = drop("incident", f".{name}", seed=seed)  # a hidden name is not taken: then one rename
    os.replace(hidden, hidden.with_name(name))


def test_files_are_taken_while_the_master_is_written_and_the_writes_coalesce(
    workspace: Settings, drop: Filler, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()  # the master's write waits for it: a slow write of a big board
    writing = threading.Event()
    made = app.master_publisher
    keepers: list[BackgroundMaster] = []

    def slow(settings: Settings, store: Store, **options: Any) -> MasterPublisher:
        publisher = made(settings, store, **options)
        write = publisher.write

        def held(moment: dt.datetime) -> Path:
            writing.set()
            assert gate.wait(timeout=60)
            return write(moment)

        publisher.write = held
        return publisher

    def keeper(settings: Settings, **options: Any) -> BackgroundMaster:
        kept = made_background(settings, **options)
        keepers.append(kept)
        return kept

    made_background = app.background_master
    monkeypatch.setattr(app, "master_publisher", slow)
    monkeypatch.setattr(app, "background_master", keeper)
    stop = threading.Event()
    watcher = threading.Thread(target=app.run_watch, args=(workspace,), kwargs={"poll": 0.1, "stop": stop})
    watcher.start()
    try:
        wait_for(writing.is_set, what="the first master write, held")
        for seed, name in enumerate(("a.xlsx", "b.xlsx", "c.xlsx"), start=1):
            drop_whole(drop, name, seed=seed)
        wait_for(lambda: stored(workspace) == 3, what="the three files stored while the master is being written")
        assert not workspace.paths.master.exists()  # the write is still held
        gate.set()
        wait_for(
            lambda: workspace.paths.master.exists() and len(office_columns(workspace.paths.master, "Incidenten")) == 3,
            what="the master with all three",
        )
    finally:
        gate.set()
        stop.set()
        watcher.join(timeout=60)
    assert not watcher.is_alive()
    (kept,) = keepers
    assert kept.writes <= 3  # the first, then at most two for three files (the changes coalesce)
