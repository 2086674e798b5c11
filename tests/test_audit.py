"""Every change to the store traceable to a file (hash), a time and a command: in the Logboek and in
`veiligheid status` (issue 6, item 6)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import openpyxl
from click.testing import CliRunner

from automation import app
from automation.cli import main
from automation.config import Settings
from tests.conftest import Filler
from tests.helpers import office_columns, type_in_master


def logboek(settings: Settings) -> list[dict[str, object]]:
    wb = openpyxl.load_workbook(settings.paths.master, read_only=True)
    rows = list(wb["Logboek"].iter_rows(values_only=True))
    wb.close()
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_files_office_notes_and_rebuilds_are_traced_to_a_hash_a_time_and_a_command(
    workspace: Settings, drop: Filler
) -> None:
    sent = drop("incident", "a.xlsx").read_bytes()
    app.process(workspace)
    (regnr,) = office_columns(workspace.paths.master, "Incidenten")
    type_in_master(workspace.paths.master, "Incidenten", regnr, Notitie="Ouders gebeld")
    typed = hashlib.sha256(workspace.paths.master.read_bytes()).hexdigest()
    also_sent = drop("agressie", "b.xlsx", seed=2).read_bytes()
    app.process(workspace)
    rows = logboek(workspace)
    received = next(r for r in rows if r["Bestand"] == "a.xlsx")
    assert received["SHA-256"] == hashlib.sha256(sent).hexdigest() and received["Opdracht"] == "process"
    notes = next(r for r in rows if r["Uitkomst"] == "notities bewaard")  # from which master, read when
    assert notes["SHA-256"] == typed and notes["Opdracht"] == "process"
    assert notes["Toelichting"] == f"Status afhandeling of notitie van het bestuurskantoor overgenomen bij {regnr}."
    assert isinstance(notes["Ontvangen"], dt.datetime)

    CliRunner().invoke(main, ["--config", str(workspace.paths.config), "rebuild", "--toch"], catch_exceptions=False)
    rows = logboek(workspace)
    assert next(r for r in rows if r["Bestand"] == "a.xlsx")["Opdracht"] == "rebuild"
    rebuilt = next(r for r in rows if r["Uitkomst"] == "herbouwd")
    assert rebuilt["Opdracht"] == "rebuild" and "2 bestanden opnieuw verwerkt" in str(rebuilt["Toelichting"])

    status = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "status", "--json"])
    recent = json.loads(status.stdout)["recent"]
    assert {"at", "name", "outcome", "command", "sha256"} <= set(recent[0])
    (second,) = [e for e in recent if e["name"] == "b.xlsx"]
    digest = hashlib.sha256(also_sent).hexdigest()
    assert (second["outcome"], second["command"], second["sha256"]) == ("geaccepteerd", "rebuild", digest)
    text = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "status"]).stdout
    assert "Laatste wijzigingen" in text and hashlib.sha256(sent).hexdigest()[:12] in text
