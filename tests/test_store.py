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


def test_a_first_version_database_is_migrated_in_place(tmp_path: Path) -> None:
    from automation.store import (
        EVENTS,
        EVENTS_AUDIT,
        OFFICE_NOTES,
        SCHEMA,
        SCHEMA_VERSION,
        SUBMISSION_WARNINGS,
        SURVEYS,
    )

    path = tmp_path / "db.sqlite"
    conn = sqlite3.connect(path)
    version_1 = (
        SCHEMA.replace(EVENTS, "")
        .replace(EVENTS_AUDIT, "")
        .replace(OFFICE_NOTES, "")
        .replace(SURVEYS, "")
        .replace(SUBMISSION_WARNINGS, "")
        .replace(
            "CREATE INDEX records_order ON records (form_id, event_date, regnr);",
            "CREATE INDEX records_form ON records (form_id, event_date);",
        )
    )
    conn.executescript(version_1 + "PRAGMA user_version = 1;")
    conn.execute(
        "INSERT INTO submissions (received_at, original_name, inbox_path, sha256, size, outcome, archive_path)"
        " VALUES ('2026-11-01T10:00:00', 'a.xlsx', '/i/a', 'ab', 1, 'afgewezen', '/a')"
    )
    conn.commit()
    conn.close()
    store = Store.open(path, create=False)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "records_order" in indexes and "records_form" not in indexes
    store.add_event(at="2026-11-02T10:00:00", kind="overzicht in kopie", name="x.xlsx", message="m")
    assert [e["name"] for e in store.iter_log()] == ["x.xlsx", "a.xlsx"]  # events merged by time
    store.close()
