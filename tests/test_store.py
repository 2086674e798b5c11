"""The SQLite store on a real file: finished marks survive a rolled-back group; schema guard."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from automation.errors import StoreError
from automation.store import REJECTED, Store, Submission


def submission(n: int) -> Submission:
    return Submission(
        received_at="2026-11-28T10:00:00",
        original_name=f"f{n}.xlsx",
        inbox_path=f"/inbox/.verwerking/{n} f{n}.xlsx",
        sha256=f"{n:064x}",
        size=1,
        archive_path=f"/archief/{n}",
        outcome=REJECTED,
    )


def test_finished_marks_survive_a_rolled_back_group(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.sqlite", create=True)
    with store.transaction():
        first = store.add_submission(submission(1), run_id=None)
    store.mark_finished(first, rejected_path="/afgewezen/f1.xlsx")
    with pytest.raises(RuntimeError), store.transaction():
        store.add_submission(submission(2), run_id=None)
        raise RuntimeError("a file in the group failed")
    store.flush()
    rows = list(store.conn.execute("SELECT id, finished, rejected_path FROM submissions"))
    assert [tuple(r) for r in rows] == [(first, 1, "/afgewezen/f1.xlsx")]
    store.close()


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    Store.open(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="nieuwere versie"):
        Store.open(path, create=False)


def test_a_damaged_database_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    path.write_bytes(b"dit is geen database" * 100)
    with pytest.raises(StoreError, match="beschadigd of geen database"):
        Store.open(path, create=False)
