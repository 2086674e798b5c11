"""A confirmation is written from what the file just stored; written again after an interruption
(from the store alone, `Handback.finish_row`) it is the same text, for an ordinary report and for a
confidential one (the office's folder, with a neutral notice for the school)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from automation import app
from automation.config import Settings
from tests.conftest import Filler


def texts(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8-sig") for p in folder.rglob("*.txt")}


def test_a_confirmation_written_again_from_the_store_is_the_same(workspace: Settings, drop: Filler) -> None:
    drop("incident", "melding.xlsx")
    drop("agressie", "agressie juf.xlsx", seed=2, ziekenhuisopname="ja", letsel="ja", letsel_aard="kneuzing")
    assert app.process(workspace).accepted == 2
    at_once = texts(workspace.paths.receipts)
    assert len(at_once) == 3 and any(name.startswith("kantoor (vertrouwelijk)/") for name in at_once)
    assert all("Datum van het voorval: " in text for name, text in at_once.items() if " - " in name)
    for path in workspace.paths.receipts.rglob("*.txt"):
        path.unlink()
    conn = sqlite3.connect(workspace.paths.database)
    with conn:
        conn.execute("UPDATE submissions SET finished = 0")
    conn.close()
    assert app.process(workspace).recovered == 2
    assert texts(workspace.paths.receipts) == at_once
