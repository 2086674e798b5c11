"""Pupils' data stays private: pseudonyms in the store, nothing plain in any output, restrictive
permissions, and personal details removed after the retention period (issue 6, item 5)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from automation import app
from automation.cli import main
from automation.config import Settings
from automation.intake.purge import summary
from automation.store import Store
from tests.conftest import Filler
from tests.helpers import office_columns, rows, texts_in, type_in_master

# Pupil references as staff type them: initials with letters no hash or date ever holds.
REFS = ("QXW", "ZKT", "W.Q.Y.")
STORY = "Verhaal: {ref} werd op het plein geduwd."  # staff repeat the pupil's reference in the story


def outputs(settings: Settings) -> list[Path]:
    """Everything the product writes that others read: the master, the plans, confirmations, logs,
    the database and the archive's register. (The archive and the rejected folder hold the
    originals, which is their purpose.)"""
    paths = settings.paths
    found = [p for p in paths.outbox.rglob("*") if p.is_file() and paths.rejected not in p.parents]
    found += [p for p in paths.logs.rglob("*") if p.is_file()]
    found += [p for p in paths.data.glob("veiligheid.sqlite*") if p.is_file()]
    found.append(paths.journal)
    return found


@pytest.mark.slow
def test_no_output_holds_a_plain_pupil_reference(workspace: Settings, drop: Filler) -> None:
    today = dt.date.today()
    for n, ref in enumerate(REFS):
        drop(
            "incident",
            f"incident {n}.xlsx",
            seed=n,
            leerling_ref=ref,
            omschrijving=STORY.format(ref=ref.lower()),
            datum=today,
            datum_ingevuld=today,
        )
    drop("school", "school.xlsx", datum_ingevuld=today)
    app.process(workspace)
    run = app.make_plans(workspace, schools=["12AB"])
    documents = set(run.generation.files)
    assert len(documents) == 14 and {p.suffix for p in documents} == {".docx"}  # the plan, twelve annexes, checklist
    app.process(workspace)  # the Overzicht with the plan's date
    written = outputs(workspace)
    assert documents | {workspace.paths.master} <= set(written)  # all of them are scanned below
    for path in written:
        text = texts_in(path)
        for ref in REFS:
            assert ref not in text, f"{ref} in {path}"
        if path.suffix != ".sqlite" and "sqlite" not in path.name:
            assert "geduwd" not in text or path.suffix == ".xlsx", path  # the story only in the register
    conn = sqlite3.connect(workspace.paths.database)
    stored = {
        r[0]
        for r in conn.execute("SELECT json_extract(data, '$.leerling_ref') FROM records WHERE form_id = 'incident'")
    }
    conn.close()
    assert len(stored) == 3 and all(s.startswith("LL-") for s in stored)  # one pseudonym each


@pytest.mark.skipif(not hasattr(Path, "chmod"), reason="POSIX modes")
def test_archive_database_and_secret_are_for_the_service_account_only(workspace: Settings) -> None:
    paths = workspace.paths
    for folder in (paths.archive, paths.data, paths.state):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(paths.secret.stat().st_mode) == 0o600


def test_purge_removes_personal_details_older_than_the_retention(workspace: Settings, drop: Filler) -> None:
    today = dt.date.today()
    old_day = dt.date(today.year - 6, 3, 10)  # six school years ago: outside the default 5
    old = drop(
        "incident",
        "oud.xlsx",
        seed=1,
        leerling_ref="QXW",
        omschrijving=STORY.format(ref="QXW"),
        datum=old_day,
        datum_ingevuld=old_day,
    )
    drop("incident", "nieuw.xlsx", seed=2, leerling_ref="ZKT", datum=today, datum_ingevuld=today)
    old_bytes = old.read_bytes()
    app.process(workspace)
    archived = [p for p in workspace.paths.archive.rglob("*oud.xlsx")]
    assert len(archived) == 1

    proef = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "purge", "--proef"])
    assert proef.exit_code == 0, proef.output
    assert "Zou verwijderen" in proef.stdout and "1 registratie (Incidenten 1)" in proef.stdout
    assert "1 origineel uit het archief" in proef.stdout and "er is niets veranderd" in proef.stdout
    assert archived[0].read_bytes() == old_bytes  # a dry run changes nothing

    done = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "purge"])
    assert done.exit_code == 0, done.output
    assert "Verwijderd: persoonsgegevens van vóór" in done.stdout
    assert not archived[0].exists()
    conn = sqlite3.connect(workspace.paths.database)
    conn.row_factory = sqlite3.Row
    rows = {r["original_name"]: r for r in conn.execute("SELECT * FROM submissions")}
    data = [dict(r) for r in conn.execute("SELECT data FROM records ORDER BY event_date")]
    conn.close()
    assert set(rows) == {"(verwijderd)", "nieuw.xlsx"}
    assert "QXW" not in data[0]["data"] and "geduwd" not in data[0]["data"] and "LL-" not in data[0]["data"]
    assert '"categorie"' in data[0]["data"] and "persoonsgegevens_verwijderd" in data[0]["data"]  # still counted
    assert "LL-" in data[1]["data"]  # the recent one is untouched
    assert "oud.xlsx" not in workspace.paths.journal.read_text(encoding="utf-8")
    for path in outputs(workspace):
        assert "geduwd" not in texts_in(path), path
    again = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "purge"])
    assert "niets verwijderd" in again.stdout
    # a rebuild after a purge restores the purged registration, without personal details, same number
    conn = sqlite3.connect(workspace.paths.database)
    before = sorted(conn.execute("SELECT regnr, data FROM records"))
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{workspace.paths.database}{suffix}").unlink(missing_ok=True)
    rebuilt = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    conn = sqlite3.connect(workspace.paths.database)
    after = sorted(conn.execute("SELECT regnr, data FROM records"))
    conn.close()
    assert after == before
    drop("incident", "later.xlsx", seed=4, datum=today, datum_ingevuld=today)
    app.process(workspace)
    conn = sqlite3.connect(workspace.paths.database)
    numbers = [r[0] for r in conn.execute("SELECT regnr FROM records ORDER BY regnr")]
    conn.close()
    assert len(set(numbers)) == 3 and numbers[-1].endswith("-0003")  # no number given out twice


def test_purge_also_clears_old_rejected_files_and_logs_what_it_did(workspace: Settings, drop: Filler) -> None:
    drop("incident", "fout.xlsx", seed=3, omschrijving=None)
    app.process(workspace)
    back = workspace.paths.rejected / "12AB OBS De Regenboog"
    assert (back / "fout.xlsx").exists() and (back / "fout - uitleg.txt").exists()
    later = dt.date.today() + dt.timedelta(days=366 * 6)
    report = app.purge(workspace, dry_run=False, today=later)
    assert report.submissions == 1 and report.handed_back == 3
    assert not any(back.iterdir())
    status = json.loads(CliRunner().invoke(main, ["--config", str(workspace.paths.config), "status", "--json"]).stdout)
    assert {(e["name"], e["outcome"], e["reasons"]) for e in status["recent"]} == {  # in the same second: any order
        ("(verwijderd)", "afgewezen", "Persoonsgegevens verwijderd na de bewaartermijn."),
        ("bewaartermijn", "opgeschoond", summary(report)),
    }
    assert len(status["recent"]) == 2
    assert summary(report).startswith(
        f"Verwijderd: persoonsgegevens van vóór {report.cutoff:%d-%m-%Y} — 0 registraties, "
    )


def test_purge_removes_the_office_note_of_an_old_registration_also_from_a_master_excel_saved(
    workspace: Settings, drop: Filler
) -> None:
    today = dt.date.today()
    old_day = dt.date(today.year - 6, 3, 10)  # six school years ago: outside the default 5
    drop("incident", "oud.xlsx", seed=1, datum=old_day, datum_ingevuld=old_day)
    drop("incident", "nieuw.xlsx", seed=2, datum=today, datum_ingevuld=today)
    app.process(workspace)
    old, recent = (r["regnr"] for r in rows(workspace, "SELECT regnr FROM records ORDER BY event_date"))
    master = workspace.paths.master
    type_in_master(master, "Incidenten", old, Status_afhandeling="afgesloten", Notitie="Moeder van QXW gebeld")
    type_in_master(master, "Incidenten", recent, Status_afhandeling="in behandeling", Notitie="Ouders gebeld 2/12")

    report = app.purge(workspace, dry_run=False)

    assert report.records["incident"] == 1
    store = Store.open(workspace.paths.database, create=False)
    try:
        notes = store.office_notes()
    finally:
        store.close()
    assert notes.get(old, ("open", None))[1] is None and notes[recent] == ("in behandeling", "Ouders gebeld 2/12")
    shown = office_columns(master, "Incidenten")
    assert shown[old][1] is None and shown[recent] == ("in behandeling", "Ouders gebeld 2/12")
    assert "QXW" not in texts_in(master)
