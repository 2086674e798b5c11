"""The database lost or damaged: the product refuses with a clear message and rebuilds its store from
the archive (`veiligheid rebuild`) with the same registrations and numbers (issue 6, item 3)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from automation import app
from automation.cli import main
from automation.config import Settings
from automation.schoolyear import schoolyear
from automation.surveys import samples
from tests.conftest import Filler
from tests.helpers import office_columns, type_in_master


def snapshot(settings: Settings) -> dict[str, object]:
    conn = sqlite3.connect(settings.paths.database)
    conn.row_factory = sqlite3.Row
    try:
        return {
            "records": sorted(
                (r["regnr"], r["form_id"], r["school"], r["version"], r["data"], r["created_at"], r["updated_at"])
                for r in conn.execute("SELECT * FROM records")
            ),
            "submissions": sorted(
                (r["received_at"], r["original_name"], r["sha256"], r["outcome"], r["regnr"], r["reasons"])
                for r in conn.execute("SELECT * FROM submissions")
            ),
            "surveys": sorted(
                (r["school"], r["groep"], r["regnr"], r["respondents"]) for r in conn.execute("SELECT * FROM surveys")
            ),
            "history": conn.execute("SELECT count(*) FROM record_history").fetchone()[0],
        }
    finally:
        conn.close()


def fill(settings: Settings, drop: Filler) -> str:
    today = dt.date.today()
    drop("incident", "a.xlsx", seed=1)
    drop("incident", "a kopie.xlsx", seed=1)  # the same content: a duplicate
    drop("agressie", "b.xlsx", seed=2)
    drop("incident", "fout.xlsx", seed=3, omschrijving=None)  # rejected
    (settings.paths.inbox / "peiling.csv").write_bytes(
        samples.generic_csv(school="34CD", schooljaar=schoolyear(today), afname=today, pupils=12)
    )
    app.process(settings)
    regnr = office_columns(settings.paths.master, "Incidenten").popitem()[0]
    drop("incident", "correctie.xlsx", seed=1, correctie_van=regnr, locatie="online")
    app.process(settings)
    return regnr


def remove_database(settings: Settings) -> None:
    for suffix in ("", "-wal", "-shm"):
        settings.paths.database.with_name(settings.paths.database.name + suffix).unlink(missing_ok=True)


def test_a_removed_database_is_refused_and_rebuilt_with_the_same_registrations(
    workspace: Settings, drop: Filler
) -> None:
    regnr = fill(workspace, drop)
    type_in_master(workspace.paths.master, "Incidenten", regnr, Status_afhandeling="in behandeling", Notitie="Gebeld")
    before = snapshot(workspace)
    remove_database(workspace)

    refused = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "process"])
    assert refused.exit_code == 5
    assert "ontbreekt, maar het archief bevat al ontvangen bestanden" in refused.stderr
    assert "veiligheid rebuild" in refused.stderr
    assert not workspace.paths.database.exists()  # no empty database made behind the user's back

    result = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Database herbouwd uit het archief: 6 bestanden (4 geaccepteerd, 1 afgewezen, 1 dubbel)" in result.stdout
    after = snapshot(workspace)
    assert after == before
    # what the office typed in the master came back from the master itself
    assert office_columns(workspace.paths.master, "Incidenten")[regnr] == ("in behandeling", "Gebeld")


def test_a_damaged_database_is_refused_kept_aside_and_rebuilt(workspace: Settings, drop: Filler) -> None:
    fill(workspace, drop)
    before = snapshot(workspace)
    remove_database(workspace)
    workspace.paths.database.write_bytes(b"dit is geen database" * 100)
    refused = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "status"])
    assert refused.exit_code == 5 and "beschadigd" in refused.stderr and "veiligheid rebuild" in refused.stderr

    result = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "rebuild"])
    assert result.exit_code == 0, result.output
    aside = list(workspace.paths.data.glob("veiligheid.sqlite.vervangen-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"dit is geen database")
    assert snapshot(workspace) == before


def test_a_healthy_database_is_only_rebuilt_when_asked_twice(workspace: Settings, drop: Filler) -> None:
    fill(workspace, drop)
    before = snapshot(workspace)
    refused = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "rebuild"])
    assert refused.exit_code == 1 and "--toch" in refused.stderr
    result = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "rebuild", "--toch"])
    assert result.exit_code == 0, result.output
    assert snapshot(workspace) == before
    assert len(list(workspace.paths.data.glob("veiligheid.sqlite.vervangen-*"))) == 1


def test_the_journal_lists_every_received_file_once(workspace: Settings, drop: Filler) -> None:
    fill(workspace, drop)
    lines = [json.loads(line) for line in workspace.paths.journal.read_text(encoding="utf-8").splitlines()]
    marks = [line for line in lines if "committed" in line]  # after each group's commit
    lines = [line for line in lines if "committed" not in line]
    assert sorted(n for mark in marks for n in mark["committed"]) == sorted(line["id"] for line in lines)
    assert [entry["name"] for entry in lines] == [
        "a.xlsx",
        "a kopie.xlsx",
        "b.xlsx",
        "fout.xlsx",
        "peiling.csv",
        "correctie.xlsx",
    ]
    assert all((workspace.paths.archive / entry["archive"]).is_file() for entry in lines)
    assert Path(workspace.paths.archive / lines[0]["archive"]).name.endswith(" a.xlsx")


def test_a_database_damaged_inside_is_refused_and_rebuilt(workspace: Settings, drop: Filler) -> None:
    fill(workspace, drop)
    before = snapshot(workspace)
    conn = sqlite3.connect(workspace.paths.database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(workspace.paths.database.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 3000] = b"GARBAGE!" * 375  # pages in the middle, the header intact
    workspace.paths.database.write_bytes(bytes(data))
    status = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "status"])
    assert status.exit_code in (0, 5)  # a damaged page may or may not be one status reads
    if status.exit_code == 5:
        assert "beschadigd" in status.stderr and "veiligheid rebuild" in status.stderr
    result = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "rebuild"])
    assert result.exit_code == 0, result.output  # not "in orde": the whole file is checked
    assert snapshot(workspace) == before


def test_explanations_of_files_with_the_same_name_do_not_overwrite_each_other(workspace: Settings) -> None:
    for name in ("leeg.xlsx", "leeg.csv", "leeg.txt"):
        (workspace.paths.inbox / name).write_bytes(b"")
    app.process(workspace)
    back = workspace.paths.rejected / "school onbekend"
    explanations = sorted(p.name for p in back.glob("*uitleg.txt"))
    assert len(explanations) == 3 and "leeg - uitleg.txt" in explanations  # each keeps its own
    texts = {(back / name).read_text(encoding="utf-8-sig").split("\n", 1)[0] for name in explanations}
    assert len(texts) == 3
