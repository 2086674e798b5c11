"""The master written from the rows kept since the last write is the master a full write gives, part
for part (issue 14, item 1): after office notes, corrections, withdrawals and a purge in between,
with a damaged cache, and on a generated board of 20,000 registrations."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import random
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from automation import app, demo
from automation.cli import main
from automation.config import Settings
from automation.excel import rowcache
from automation.excel.master import write_board_master
from automation.excel.rowcache import RowCache
from automation.store import ACCEPTED, Store, Submission
from tests.conftest import Filler
from tests.helpers import rows, type_in_master

TODAY = dt.date.today()
MOMENT = dt.datetime.combine(TODAY, dt.time(12, 0))


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()}


def assert_incremental_is_full(settings: Settings, cache: Path, *, kept: RowCache | None = None) -> tuple[int, int]:
    """Write the master from the kept rows and in full, at the same moment: every part the same.
    Returns (rows reused, rows written) of the incremental write."""
    store = Store.open(settings.paths.database, create=False)
    try:
        kept = kept or RowCache(cache)
        incremental = write_board_master(store, settings, generated=MOMENT, rows=kept)
        incremental = incremental.rename(incremental.with_name("incremental.xlsx"))
        full = write_board_master(store, settings, generated=MOMENT)
    finally:
        store.close()
    mine, theirs = parts(incremental), parts(full)
    assert list(mine) == list(theirs)
    different = [name for name in mine if mine[name] != theirs[name]]
    for name in different[:1]:  # where they part, to see why
        at = next(i for i, (a, b) in enumerate(zip(mine[name], theirs[name], strict=False)) if a != b)
        print(name, mine[name][at - 300 : at + 300], theirs[name][at - 300 : at + 300], sep="\n")
    assert different == []
    incremental.unlink()
    full.unlink()
    return kept.reused, kept.written


def test_the_master_from_kept_rows_is_the_full_master_through_a_boards_changes(
    workspace: Settings, drop: Filler, tmp_path: Path
) -> None:
    cache = tmp_path / "rijen"
    long_ago = TODAY.replace(year=TODAY.year - 6)
    for seed in range(1, 7):
        drop(
            "incident", f"i{seed}.xlsx", seed=seed, school=("12AB", "34CD")[seed % 2], datum=TODAY, datum_ingevuld=TODAY
        )
    drop("incident", "oud.xlsx", seed=9, datum=long_ago, datum_ingevuld=long_ago)
    drop("ongeval", "o.xlsx", seed=3)
    app.process(workspace)
    assert assert_incremental_is_full(workspace, cache)[0] == 0  # the first: nothing kept yet
    reused, written = assert_incremental_is_full(workspace, cache)
    assert written == 0 and reused > 8  # nothing changed: every row as kept

    numbers = [
        r["regnr"] for r in rows(workspace, "SELECT regnr FROM records WHERE form_id = 'incident' ORDER BY regnr")
    ]
    type_in_master(
        workspace.paths.master, "Incidenten", numbers[0], Notitie="Ouders gebeld", Status_afhandeling="in behandeling"
    )
    drop(
        "incident",
        "correctie.xlsx",
        seed=2,
        school="34CD",
        datum=TODAY,
        datum_ingevuld=TODAY,
        correctie_van=numbers[1],
        maatregelen="Gesprek",
    )
    app.process(workspace)
    assert (
        CliRunner()
        .invoke(
            main, ["--config", str(workspace.paths.config), "registratie", "intrekken", numbers[2], "--reden", "test"]
        )
        .exit_code
        == 0
    )
    reused, written = assert_incremental_is_full(workspace, cache)
    assert 0 < written < reused  # the changed rows (and the Logboek's new lines) only

    report = app.purge(workspace, dry_run=False, today=TODAY)
    assert not report.nothing  # the incident of six years ago lost its personal details
    reused, written = assert_incremental_is_full(workspace, cache)
    assert written >= 1
    # the master finds changed rows by the data's hash: every way of writing a registration kept it
    stored = rows(workspace, "SELECT data, data_hash FROM records")
    assert stored and all(
        r["data_hash"] == hashlib.blake2b(r["data"].encode(), digest_size=12).digest() for r in stored
    )


def test_a_damaged_or_foreign_cache_only_makes_a_full_write(workspace: Settings, drop: Filler, tmp_path: Path) -> None:
    cache = tmp_path / "rijen"
    for seed in range(1, 4):
        drop("incident", f"i{seed}.xlsx", seed=seed)
    app.process(workspace)
    assert_incremental_is_full(workspace, cache)
    (data,) = [p for p in cache.glob("Incidenten.*.blok")]
    data.write_bytes(data.read_bytes()[:-10])  # cut short (a full disk, a crash in an older version)
    reused, written = assert_incremental_is_full(workspace, cache)
    assert (reused, written) == (3, 3)  # the Logboek's three lines kept; the incidents written again
    index = cache / "Incidenten.json"
    head, _, blocks = index.read_bytes().partition(b"\n")  # its first line: layout, data file, CRC
    index.write_bytes(json.dumps(json.loads(head) | {"layout": "een andere versie"}).encode() + b"\n" + blocks)
    assert assert_incremental_is_full(workspace, cache) == (3, 3)
    index.write_text("{ kapot")
    assert assert_incremental_is_full(workspace, cache) == (3, 3)
    (data,) = [p for p in cache.glob("Incidenten.*.blok")]
    data.write_bytes(bytes(data.stat().st_size))  # the same size, all zeros (what a power cut can leave)
    assert assert_incremental_is_full(workspace, cache) == (3, 3)


def test_the_watcher_and_process_write_the_master_from_kept_rows(workspace: Settings, drop: Filler) -> None:
    for seed in range(1, 4):
        drop("incident", f"i{seed}.xlsx", seed=seed)
    app.process(workspace)
    folder = workspace.paths.state / app.ROWS_FOLDER
    assert (folder / "Incidenten.json").is_file()
    assert kept_rows(folder / "Incidenten.json") == 3  # the three incidents, kept for the next write
    kept = json.loads((workspace.paths.state / app.FACTS_FILE).read_text())  # and their facts, for the next process
    assert len(kept["rows"]) == 3
    drop("incident", "i4.xlsx", seed=4)
    app.process(workspace)
    assert kept_rows(folder / "Incidenten.json") == 4


def kept_rows(index: Path) -> int:
    return sum(len(block["lengths"]) for block in json.loads(index.read_bytes().partition(b"\n")[2]))


def test_blocks_of_rows_are_kept_whole_and_a_shift_renumbers_the_rows_after_it(
    workspace: Settings, drop: Filler, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks of two rows: a new registration is put at the end and every full block before it is
    kept as it was; a changed row makes its block anew; a row that leaves the middle of a register
    (a registration removed when the database is built again) moves every row after it up, and the
    moved rows are taken from the blocks they were in, renumbered."""
    monkeypatch.setattr(rowcache, "BLOCK_ROWS", 2)
    cache = tmp_path / "rijen"
    for seed in range(1, 6):
        drop("incident", f"i{seed}.xlsx", seed=seed, school=("12AB", "34CD")[seed % 2])
    app.process(workspace)
    assert_incremental_is_full(workspace, cache)
    drop("incident", "i6.xlsx", seed=6)
    app.process(workspace)
    kept = RowCache(cache)
    assert_incremental_is_full(workspace, cache, kept=kept)
    assert kept.blocks_kept >= 4  # the first two blocks of each sheet: untouched
    assert kept.written == 2  # the new incident and the Logboek's line for it

    numbers = [r["regnr"] for r in rows(workspace, "SELECT regnr FROM records ORDER BY created_at, rowid")]
    type_in_master(workspace.paths.master, "Incidenten", numbers[2], Notitie="Gebeld")
    app.process(workspace)  # takes the note
    kept = RowCache(cache)
    assert_incremental_is_full(workspace, cache, kept=kept)
    assert kept.written <= 2  # the noted row, and the Logboek's line about the note

    with contextlib.closing(sqlite3.connect(workspace.paths.database)) as db, db:
        db.execute("DELETE FROM records WHERE regnr = ?", (numbers[1],))
    kept = RowCache(cache)
    assert_incremental_is_full(workspace, cache, kept=kept)
    assert kept.written == 1  # only the Logboek's line of that file (its school is gone): every
    # incident after it moved up one row, taken from the block it was in


def generated_board(settings: Settings, n: int) -> None:
    """`n` incident registrations of this school year, straight into the store (the intake is not
    what is tested here), as the intake stores them."""
    store = Store.open(settings.paths.database, create=True, durable=False)
    rng = random.Random(n)
    brins = list(settings.schools)
    try:
        with store.transaction():
            for i in range(1, n + 1):
                brin = brins[i % len(brins)]
                day = TODAY - dt.timedelta(days=i % 60)
                data = demo.incident(rng, day, brin) | {"school": brin, "leerling_ref": f"LL-{i:010X}"}
                data["tijd"] = data["tijd"].strftime("%H:%M")
                regnr = f"INC-{TODAY.year}-{i:06d}"
                at = f"{day.isoformat()}T10:00:00"
                sub_id = store.add_submission(
                    Submission(
                        at,
                        f"melding {i}.xlsx",
                        "",
                        f"{i:064x}",
                        9000,
                        "/a",
                        form_id="incident",
                        form_version=1,
                        outcome=ACCEPTED,
                    ),
                    run_id=None,
                    regnr=regnr,
                )
                store.insert_record(
                    regnr=regnr,
                    form_id="incident",
                    school=brin,
                    event_date=day.isoformat(),
                    data=data,
                    submission_id=sub_id,
                    at=at,
                )
    finally:
        store.close()


@pytest.mark.slow
def test_a_board_of_20000_registrations_gets_the_same_master_either_way(
    workspace: Settings, drop: Filler, tmp_path: Path
) -> None:
    from automation.intake import office

    long_ago = TODAY.replace(year=TODAY.year - 6)
    for seed in (1, 2):  # two real forms past the retention period, for the purge below
        drop("incident", f"oud{seed}.xlsx", seed=seed, datum=long_ago, datum_ingevuld=long_ago)
    app.process(workspace)
    generated_board(workspace, 20_000)
    cache = tmp_path / "rijen"
    assert_incremental_is_full(workspace, cache)  # fills the cache
    store = Store.open(workspace.paths.database, create=False)
    try:
        now = dt.datetime.now()  # after every file taken: the office's lines come last in the Logboek
        at = now.isoformat()
        store.save_office_notes({f"INC-{TODAY.year}-000010": ("afgesloten", "Gebeld")}, at=at)
        record = store.record(f"INC-{TODAY.year}-000020")
        assert record is not None
        with store.transaction():
            store.replace_record(
                regnr=record.regnr,
                school=record.school,
                event_date=record.event_date.isoformat() if record.event_date else None,
                data=dict(record.data) | {"maatregelen": "Gesprek met ouders"},
                submission_id=record.submission_id,
                at=at,
            )
        workspace.paths.archive.mkdir(parents=True, exist_ok=True)
        office.commit(
            store,
            workspace,
            office.Change(f"INC-{TODAY.year}-000030", "status", None, "ingetrokken", "test"),
            office.Origin("test"),
            now=now,
        )
    finally:
        store.close()
    kept = RowCache(cache)
    reused, written = assert_incremental_is_full(workspace, cache, kept=kept)
    assert written <= 5 and reused >= 39_990
    assert kept.blocks_kept >= 77  # of the 2 x 41 blocks: all but the three with a changed row and the last two

    report = app.purge(workspace, dry_run=False, today=TODAY)
    assert not report.nothing  # the two old incidents lost their personal details
    kept = RowCache(cache)
    reused, written = assert_incremental_is_full(workspace, cache, kept=kept)
    assert 2 <= written <= 10 and kept.blocks_kept >= 70
    ws = openpyxl.load_workbook(workspace.paths.master, read_only=False)["Incidenten"]
    assert ws.sheet_view.pane.ySplit == 1  # the header frozen above
    assert ws.sheet_view.pane.topLeftCell == f"A{ws.max_row - 19}"  # the sheet opens at the newest rows
