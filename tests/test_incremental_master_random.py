"""Random changes to a store (new rows at the end and in the middle, corrections, notes, rows gone,
events, moves), with blocks of one to three rows: after each, the incremental master is the full one."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import sqlite3
from pathlib import Path

import pytest

from automation import demo
from automation.config import Settings
from automation.excel import rowcache
from automation.store import ACCEPTED, Store, Submission
from tests.helpers import query
from tests.test_incremental_master import TODAY, assert_incremental_is_full, generated_board


def _new(store: Store, rng: random.Random, settings: Settings, i: int, at: str) -> None:
    brin = rng.choice(list(settings.schools))
    day = TODAY - dt.timedelta(days=rng.randrange(60))
    data = demo.incident(rng, day, brin) | {"school": brin, "leerling_ref": f"LL-{i:010X}"}
    data["tijd"] = data["tijd"].strftime("%H:%M")
    regnr = f"INC-{TODAY.year}-{i:06d}"
    sub = Submission(at, f"m {i}.xlsx", "", f"{i:064x}", 9, "/a", form_id="incident", form_version=1, outcome=ACCEPTED)
    sub_id = store.add_submission(sub, run_id=None, regnr=regnr)
    store.insert_record(
        regnr=regnr, form_id="incident", school=brin, event_date=day.isoformat(), data=data, submission_id=sub_id, at=at
    )


def _correct(store: Store, regnr: str, measures: str, at: str) -> None:
    """A correction of the registration: its measures changed, a new version."""
    rec = store.record(regnr)
    assert rec is not None
    store.replace_record(
        regnr=rec.regnr,
        school=rec.school,
        event_date=rec.event_date.isoformat() if rec.event_date else None,
        data=dict(rec.data) | {"maatregelen": measures},
        submission_id=rec.submission_id,
        at=at,
    )


@pytest.mark.parametrize(
    ("seed", "block"),
    [(1, 3), pytest.param(2, 3, marks=pytest.mark.slow), pytest.param(3, 1, marks=pytest.mark.slow), (4, 2)],
)
def test_random_changes_keep_the_incremental_master_equal(
    workspace: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, block: int
) -> None:
    monkeypatch.setattr(rowcache, "BLOCK_ROWS", block)
    generated_board(workspace, 12)
    cache = tmp_path / "rijen"
    assert_incremental_is_full(workspace, cache)
    rng = random.Random(seed)
    n = 1000
    for step in range(25):
        store = Store.open(workspace.paths.database, create=False)
        numbers = [r[0] for r in query(workspace.paths.database, "SELECT regnr FROM records ORDER BY regnr")]
        what = rng.choice(["new", "middle", "correct", "note", "delete", "event", "move"])
        at = (dt.datetime.now() + dt.timedelta(seconds=step)).isoformat(timespec="seconds")
        with store.transaction():
            if what == "new" or not numbers:
                n += 1
                _new(store, rng, workspace, n, at)
            elif what == "middle":
                n += 1
                _new(store, rng, workspace, n, f"{(TODAY - dt.timedelta(days=rng.randrange(90))).isoformat()}T09:00:00")
            elif what == "correct":
                _correct(store, rng.choice(numbers), f"stap {step}", at)
            elif what == "delete":  # as a rebuild that leaves one out would: not by the store's methods
                gone = rng.choice(numbers)
            elif what == "event":
                store.add_event(at=at, kind="test", name="x", message=f"m{step}", regnr=rng.choice(numbers))
            elif what == "move":
                store.set_office_value(rng.choice(numbers), "school", rng.choice(list(workspace.schools)), at=at)
        if what == "delete":
            with contextlib.closing(sqlite3.connect(workspace.paths.database)) as db, db:
                db.execute("DELETE FROM records WHERE regnr = ?", (gone,))
        if what == "note":
            store.save_office_notes({rng.choice(numbers): ("in behandeling", f"n{step}")}, at=at)
        store.close()
        assert_incremental_is_full(workspace, cache)
