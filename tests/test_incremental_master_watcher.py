"""The watcher's way of writing the master (one KeptFacts and one memory of the kept rows' indexes,
across writes) gives the full write each time; a kept block that does not inflate to its index starts
the write afresh (issue 14)."""

from __future__ import annotations

import datetime as dt
import json
import random
import zipfile
import zlib
from pathlib import Path

import pytest

from automation.checks.kept import KeptFacts
from automation.config import Settings
from automation.excel import rowcache
from automation.excel.master import write_board_master
from automation.excel.rowcache import RowCache
from automation.store import Store
from tests.helpers import query
from tests.test_incremental_master import MOMENT, TODAY, assert_incremental_is_full, generated_board
from tests.test_incremental_master_random import _correct, _new


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()}


@pytest.mark.parametrize("seed", [3])
def test_the_watchers_writes_equal_full_writes(
    workspace: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.setattr(rowcache, "BLOCK_ROWS", 3)
    generated_board(workspace, 12)
    cache = tmp_path / "rijen"
    memory: rowcache.Memory = {}
    facts = KeptFacts()
    rng = random.Random(seed)
    n = 1000
    for step in range(20):
        store = Store.open(workspace.paths.database, create=False)
        try:
            numbers = [r[0] for r in query(workspace.paths.database, "SELECT regnr FROM records ORDER BY regnr")]
            what = rng.choice(["new", "correct", "note", "strip", "status"])
            at = (dt.datetime.now() + dt.timedelta(seconds=step)).isoformat(timespec="seconds")
            if what == "note" or what == "status":
                value = ("afgesloten", None) if what == "status" else ("in behandeling", f"n{step}")
                store.save_office_notes({rng.choice(numbers): value}, at=at)
            else:
                with store.transaction():
                    if what == "new":
                        n += 1
                        _new(store, rng, workspace, n, at)
                    elif what == "strip":
                        rec = store.record(rng.choice(numbers))
                        assert rec is not None
                        store.strip_record(rec.regnr, {k: v for k, v in rec.data.items() if k != "maatregelen"})
                    else:
                        _correct(store, rng.choice(numbers), f"stap {step}", at)
            mine = write_board_master(
                store, workspace, generated=MOMENT, rows=RowCache(cache, memory=memory), facts_kept=facts
            )
            theirs = write_board_master(store, workspace, generated=MOMENT)
        finally:
            store.close()
        a, b = parts(mine), parts(theirs)
        mine.unlink()
        theirs.unlink()
        assert [k for k in a if a[k] != b.get(k)] == [], (step, what)


def test_an_unreadable_block_with_a_change_starts_afresh(workspace: Settings, tmp_path: Path) -> None:
    """KeptRowsUnreadable: a block whose index does not fit its bytes while the data file's and the
    index's CRCs hold, and a row of it changed: the write starts afresh and equals a full one."""

    generated_board(workspace, 3)
    cache = tmp_path / "rijen"
    assert_incremental_is_full(workspace, cache)
    index = cache / "Incidenten.json"
    head, _, rest = index.read_bytes().partition(b"\n")
    blocks = json.loads(rest)
    blocks[0]["crc"] ^= 1  # and the index's own CRC made to hold again: the block does not inflate to it
    rest = json.dumps(blocks, separators=(",", ":")).encode()
    index.write_bytes(json.dumps(json.loads(head) | {"check": zlib.crc32(rest)}).encode() + b"\n" + rest)
    store = Store.open(workspace.paths.database, create=False)
    try:
        store.save_office_notes({f"INC-{TODAY.year}-000002": ("in behandeling", "x")}, at="2030-01-01T00:00:00")
    finally:
        store.close()
    assert assert_incremental_is_full(workspace, cache) == (0, 6)  # started afresh: every sheet whole
