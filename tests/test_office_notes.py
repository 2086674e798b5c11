"""What the office manager types in the master's registers survives every rebuild."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from automation import app
from automation.config import Settings
from automation.excel.read_master import OfficeRow
from tests.conftest import Filler
from tests.helpers import master_sheet, office_columns, type_in_master


def test_status_and_notes_survive_a_rebuild_and_follow_a_correction(workspace: Settings, drop: Filler) -> None:
    master = workspace.paths.master
    drop("incident", "a.xlsx", seed=1)
    drop("agressie", "b.xlsx", seed=2)
    app.process(workspace)
    (inc,) = office_columns(master, "Incidenten")
    (ag,) = office_columns(master, "Agressie en geweld")
    assert office_columns(master, "Incidenten")[inc] == ("open", None)  # new rows start open

    type_in_master(master, "Incidenten", inc, Status_afhandeling="in behandeling", Notitie="Ouders gebeld 2/12")
    type_in_master(master, "Agressie en geweld", ag, Status_afhandeling="afgesloten", Notitie="=niet een formule")
    drop("ongeval", "c.xlsx", seed=3)
    app.process(workspace)  # a new file: the master is rebuilt

    assert office_columns(master, "Incidenten")[inc] == ("in behandeling", "Ouders gebeld 2/12")
    assert office_columns(master, "Agressie en geweld")[ag] == ("afgesloten", "=niet een formule")

    drop("incident", "correctie.xlsx", seed=1, correctie_van=inc, locatie="online")
    app.process(workspace)  # the correction replaces the row; the note moves with it
    assert office_columns(master, "Incidenten")[inc] == ("in behandeling", "Ouders gebeld 2/12")

    type_in_master(master, "Incidenten", inc, Notitie=None)  # the office clears a note
    drop("incident", "d.xlsx", seed=4)
    app.process(workspace)
    assert office_columns(master, "Incidenten")[inc] == ("in behandeling", None)


def test_only_the_office_columns_are_open_for_typing(workspace: Settings, drop: Filler) -> None:
    drop("incident", "a.xlsx")
    app.process(workspace)
    wb = openpyxl.load_workbook(workspace.paths.master)
    ws = wb["Incidenten"]
    assert ws.protection.sheet is True and not ws.protection.password
    assert ws.protection.autoFilter is False and ws.protection.sort is False  # False: allowed
    header = [c.value for c in ws[1]]
    unlocked = {header[c.column - 1] for c in ws[2] if c.protection.locked is False}
    assert unlocked == {"Status afhandeling", "Notitie", "Verplaatsen naar", "Zelfde melding als"}
    status, school = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert status.formula1 == '"open,in behandeling,afgesloten,ingetrokken"'
    assert school.formula1 == "Scholen_kiezen"  # the schools, listed on a hidden sheet
    assert [c.value for c in wb["Keuzelijst"]["A"]] == [
        "12AB OBS De Regenboog",
        "34CD CBS Het Anker",
        "56EF IKC De Vlinder",
    ]
    assert wb["Keuzelijst"].sheet_state == "hidden"


def test_a_master_nobody_saved_is_not_read_back(
    workspace: Settings, drop: Filler, monkeypatch: pytest.MonkeyPatch
) -> None:
    from automation.excel import publish

    reads: list[Path] = []
    real = publish.read_office_notes

    def counting(path: Path, sheets: object) -> dict[str, OfficeRow] | None:
        reads.append(path)
        return real(path, sheets)  # type: ignore[arg-type]

    monkeypatch.setattr(publish, "read_office_notes", counting)
    drop("incident", "a.xlsx", seed=1)
    app.process(workspace)
    drop("incident", "b.xlsx", seed=2)
    app.process(workspace)
    assert reads == []  # the master is exactly as we wrote it: nothing of the office's in it
    (regnr, *_) = office_columns(workspace.paths.master, "Incidenten")
    type_in_master(workspace.paths.master, "Incidenten", regnr, Notitie="gezien")
    drop("incident", "c.xlsx", seed=3)
    app.process(workspace)
    assert reads == [workspace.paths.master]
    assert office_columns(workspace.paths.master, "Incidenten")[regnr][1] == "gezien"


def test_a_master_saved_in_a_form_that_cannot_be_read_is_kept_aside_not_lost(workspace: Settings, drop: Filler) -> None:
    drop("incident", "a.xlsx", seed=1)
    app.process(workspace)
    master = workspace.paths.master
    locked = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)  # how Excel stores a workbook with a password
    master.write_bytes(locked)
    drop("incident", "b.xlsx", seed=2)
    app.process(workspace)
    (kept,) = master.parent.glob("bestuursoverzicht (niet gelezen *).xlsx")
    assert kept.read_bytes() == locked  # what the office saved is there, byte for byte
    assert len(office_columns(master, "Incidenten")) == 2  # the master is current again
    log = [r for r in master_sheet(workspace, "Logboek") if r[4] == "overzicht niet gelezen"]
    assert len(log) == 1 and "met een wachtwoord" in str(log[0][6])
