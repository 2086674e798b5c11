"""The office withdraws, moves and merges registrations, and undoes it (issue 13, item 1): by command
and in the master's office columns; audited, reversible, counted nowhere once withdrawn or merged,
the school told, replayed by a rebuild, and taken by a running watcher."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from automation import app
from automation.cli import main
from automation.config import Settings, load_settings
from automation.forms.incident import SGG
from automation.schoolyear import schoolyear
from automation.workspace import init_workspace
from tests.conftest import Filler
from tests.helpers import master_sheet, rows, type_in_master, wait_for

TODAY = dt.date.today()
YEAR = schoolyear(TODAY)


def veiligheid(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(settings.paths.config), *args])


def incidents_per_school(settings: Settings) -> dict[str, int]:
    """The Overzicht's 'Incidenten <year>' column, per BRIN, as the office reads it."""
    wb = openpyxl.load_workbook(settings.paths.master, read_only=True, data_only=True)
    try:
        table = [tuple(r) for r in wb["Overzicht"].iter_rows(values_only=True)]
    finally:
        wb.close()
    header = list(table[3])
    at = header.index(f"Incidenten {YEAR}")
    table_rows = itertools.takewhile(lambda r: r[0] is not None and r[1] != "Totaal", table[4:])  # the table only
    return {str(r[0]): int(r[at] or 0) for r in table_rows if r[0] in settings.schools}


def registrations(settings: Settings) -> list[str]:
    """The registration numbers stored so far (none while the watcher is still making its database)."""
    try:
        return [r["regnr"] for r in rows(settings, "SELECT regnr FROM records ORDER BY regnr")]
    except sqlite3.OperationalError:
        return []


def register(settings: Settings) -> dict[str, dict[str, object]]:
    table = master_sheet(settings, "Incidenten")
    return {str(r[0]): dict(zip(table[0], r, strict=False)) for r in table[1:] if r[0]}


def logboek(settings: Settings) -> list[str]:
    return [
        str(r[6]) for r in master_sheet(settings, "Logboek")[1:] if r[4] in ("kantooractie", "kantooractie geweigerd")
    ]


def notice(settings: Settings, folder: str, regnr: str) -> str:
    path = settings.paths.receipts / folder / f"{regnr} - gewijzigd door het bestuurskantoor.txt"
    return path.read_text(encoding="utf-8-sig")


@pytest.fixture
def three_incidents(workspace: Settings, drop: Filler) -> list[str]:
    """Two incidents of 12AB and one of 34CD, this school year."""
    for seed, school in ((1, "12AB"), (2, "12AB"), (3, "34CD")):
        drop("incident", f"i{seed}.xlsx", seed=seed, school=school, datum=TODAY, datum_ingevuld=TODAY)
    app.process(workspace)
    numbers = [r["regnr"] for r in rows(workspace, "SELECT regnr FROM records ORDER BY regnr")]
    assert incidents_per_school(workspace) == {"12AB": 2, "34CD": 1, "56EF": 0}
    return numbers


def test_a_withdrawn_registration_stays_in_its_register_but_counts_nowhere_and_can_be_restored(
    workspace: Settings, three_incidents: list[str]
) -> None:
    first = three_incidents[0]
    result = veiligheid(workspace, "registratie", "intrekken", first, "--reden", "testbestand van de ICT'er")
    assert result.exit_code == 0, result.output
    assert f"{first} ingetrokken; reden: testbestand van de ICT'er" in result.output
    assert incidents_per_school(workspace) == {"12AB": 1, "34CD": 1, "56EF": 0}
    row = register(workspace)[first]
    assert row["Status afhandeling"] == "ingetrokken" and row["School"] == "OBS De Regenboog"
    assert logboek(workspace) == [f"{first} ingetrokken; reden: testbestand van de ICT'er"]
    told = notice(workspace, "12AB OBS De Regenboog", first)
    assert "Deze registratie is ingetrokken" in told and "testbestand" not in told  # the reason stays with the office
    shown = veiligheid(workspace, "registratie", "toon", first).output
    assert "Telt mee: nee, ingetrokken" in shown and "via opdracht registratie intrekken" in shown

    result = veiligheid(workspace, "registratie", "herstellen", first, "--reden", "toch een echte melding")
    assert result.exit_code == 0, result.output
    assert incidents_per_school(workspace) == {"12AB": 2, "34CD": 1, "56EF": 0}
    assert register(workspace)[first]["Status afhandeling"] == "open"
    assert "Telt mee: ja" in veiligheid(workspace, "registratie", "toon", first).output
    assert "teruggedraaid" in notice(workspace, "12AB OBS De Regenboog", first)
    again = veiligheid(workspace, "registratie", "herstellen", first, "--reden", "nog eens")
    assert again.exit_code == 2 and "niets terug te draaien" in again.output  # an undo is not undone
    assert register(workspace)[first]["Status afhandeling"] == "open"


def test_a_moved_registration_counts_for_its_new_school_which_may_then_correct_it(
    workspace: Settings, three_incidents: list[str], drop: Filler
) -> None:
    moved = three_incidents[2]  # of 34CD
    result = veiligheid(workspace, "registratie", "verplaatsen", moved, "--naar", "obs de regenboog")
    assert result.exit_code == 0, result.output
    assert incidents_per_school(workspace) == {"12AB": 3, "34CD": 0, "56EF": 0}
    assert register(workspace)[moved]["BRIN"] == "12AB"
    for folder in ("12AB OBS De Regenboog", "34CD CBS Het Anker"):  # the new school and the sender's
        assert "verplaatst van 34CD CBS Het Anker naar 12AB OBS De Regenboog" in notice(workspace, folder, moved)
    drop("incident", "correctie.xlsx", seed=3, school="12AB", datum=TODAY, datum_ingevuld=TODAY, correctie_van=moved)
    drop("incident", "oud.xlsx", seed=3, school="34CD", datum=TODAY, datum_ingevuld=TODAY, correctie_van=moved)
    counts = app.process(workspace)
    assert (counts.accepted, counts.rejected) == (1, 1)
    outcome = {r["original_name"]: r for r in rows(workspace, "SELECT * FROM submissions")}
    assert outcome["correctie.xlsx"]["outcome"] == "geaccepteerd"
    assert "verplaatst naar 12AB" in outcome["oud.xlsx"]["reasons"]
    assert outcome["oud.xlsx"]["reasons"].startswith("School (cel")  # the cell that no longer fits


def test_refused_requests_say_why_and_change_nothing(
    workspace: Settings, three_incidents: list[str], drop: Filler
) -> None:
    first, second, third = three_incidents
    drop("school", "school.xlsx", school="12AB", datum_ingevuld=TODAY)
    app.process(workspace)
    (school_form,) = [r["regnr"] for r in rows(workspace, "SELECT regnr FROM records WHERE form_id = 'school'")]
    cases = [
        (["intrekken", "INC-1999-0001", "--reden", "x"], "INC-1999-0001 is niet bekend"),
        (["verplaatsen", first, "--naar", "99ZZ"], "Kies een van: 12AB (OBS De Regenboog)"),
        (["verplaatsen", school_form, "--naar", "34CD"], "is geen melding"),
        (["samenvoegen", first, "--met", first], "met zichzelf"),
        (["samenvoegen", first, "--met", school_form], "ander soort melding"),
        (["herstellen", second, "--reden", "x"], "niets terug te draaien"),
    ]
    for args, said in cases:
        result = veiligheid(workspace, "registratie", *args)
        assert result.exit_code == 2, (args, result.output)
        assert said in result.output, (args, result.output)
    assert veiligheid(workspace, "registratie", "intrekken", first).exit_code == 64  # --reden is required
    assert rows(workspace, "SELECT count(*) AS n FROM office_actions")[0]["n"] == 0
    assert incidents_per_school(workspace) == {"12AB": 2, "34CD": 1, "56EF": 0}
    assert third  # untouched


def test_the_office_merges_withdraws_and_moves_in_the_master_and_undoes_it_there(
    workspace: Settings, three_incidents: list[str], drop: Filler
) -> None:
    first, second, third = three_incidents
    master = workspace.paths.master
    type_in_master(master, "Incidenten", second, Zelfde_melding_als=first.lower(), Notitie="zelfde ruzie, twee melders")
    type_in_master(master, "Incidenten", third, Status_afhandeling="ingetrokken", Notitie="oefenformulier")
    app.process(workspace)  # the master is read back before it is rebuilt
    assert incidents_per_school(workspace) == {"12AB": 1, "34CD": 0, "56EF": 0}
    shown = register(workspace)
    assert shown[second]["Zelfde melding als"] == first and shown[second]["Notitie"] == "zelfde ruzie, twee melders"
    assert shown[third]["Status afhandeling"] == "ingetrokken"
    assert sorted(logboek(workspace)) == sorted(
        [
            f"{second} samengevoegd met {first}; reden: zelfde ruzie, twee melders",
            f"{third} ingetrokken; reden: oefenformulier",
        ]
    )
    actions = rows(workspace, "SELECT source, sha256 FROM office_actions")
    assert {a["source"] for a in actions} == {"bestuursoverzicht.xlsx"} and all(a["sha256"] for a in actions)
    assert f"samengevoegd met {first}" in notice(workspace, "12AB OBS De Regenboog", second)

    # a merge the product cannot do (into a merged one) is refused in the Logboek and not shown
    type_in_master(master, "Incidenten", first, Zelfde_melding_als=second)
    app.process(workspace)
    assert register(workspace)[first]["Zelfde melding als"] is None
    assert f"{first}: {second} is al samengevoegd met {first}: ze tellen al als één melding (via {first})." in logboek(
        workspace
    )

    # undone in the master: the number emptied, the status set back, a school chosen
    type_in_master(master, "Incidenten", second, Zelfde_melding_als=None)
    type_in_master(
        master, "Incidenten", third, Status_afhandeling="in behandeling", Verplaatsen_naar="56EF IKC De Vlinder"
    )
    app.process(workspace)
    assert incidents_per_school(workspace) == {"12AB": 2, "34CD": 0, "56EF": 1}
    shown = register(workspace)
    assert shown[second]["Zelfde melding als"] is None
    assert (shown[third]["Status afhandeling"], shown[third]["BRIN"]) == ("in behandeling", "56EF")
    assert shown[third]["Verplaatsen naar"] is None  # done: the School column says where it is now


def test_a_rebuild_replays_the_office_actions_at_their_moment(
    workspace: Settings, three_incidents: list[str], drop: Filler
) -> None:
    first, second, third = three_incidents
    assert veiligheid(workspace, "registratie", "verplaatsen", third, "--naar", "12AB").exit_code == 0
    drop("incident", "correctie.xlsx", seed=3, school="12AB", datum=TODAY, datum_ingevuld=TODAY, correctie_van=third)
    app.process(workspace)  # a correction the new school may send only after the move
    assert veiligheid(workspace, "registratie", "samenvoegen", second, "--met", first).exit_code == 0
    assert veiligheid(workspace, "registratie", "intrekken", first, "--reden", "x").exit_code == 2  # merged into it
    before = [tuple(r) for r in rows(workspace, "SELECT regnr, school, version FROM records ORDER BY regnr")]
    result = veiligheid(workspace, "rebuild", "--toch")
    assert result.exit_code == 0, result.output
    assert [tuple(r) for r in rows(workspace, "SELECT regnr, school, version FROM records ORDER BY regnr")] == before
    assert incidents_per_school(workspace) == {"12AB": 2, "34CD": 0, "56EF": 0}
    assert [
        (r["regnr"], r["same_as"]) for r in rows(workspace, "SELECT * FROM office_notes WHERE same_as IS NOT NULL")
    ] == [(second, first)]
    assert "Telt mee: nee, samengevoegd met" in veiligheid(workspace, "registratie", "toon", second).output
    replayed = [line for line in logboek(workspace) if line.endswith("(opnieuw gedaan bij het herbouwen)")]
    assert len(replayed) == 2  # the Logboek keeps the office's actions through a rebuild
    (row,) = [r for r in master_sheet(workspace, "Logboek")[1:] if str(r[6]).startswith(f"{second} samengevoegd")]
    assert (row[3], row[5]) == ("12AB", second)  # filterable on BRIN and number


def test_a_master_saved_with_old_rows_does_not_undo_what_a_command_did(
    workspace: Settings, three_incidents: list[str], tmp_path: Path
) -> None:
    first, second, third = three_incidents
    open_in_excel = tmp_path / "open in Excel.xlsx"
    open_in_excel.write_bytes(workspace.paths.master.read_bytes())  # the office has it open
    assert veiligheid(workspace, "registratie", "intrekken", first, "--reden", "test").exit_code == 0
    assert veiligheid(workspace, "registratie", "samenvoegen", third, "--met", second).exit_code == 0
    type_in_master(open_in_excel, "Incidenten", second, Notitie="ouders gebeld")  # typed in the old rows
    workspace.paths.master.write_bytes(open_in_excel.read_bytes())  # …and saved over the new master
    app.process(workspace)
    shown = register(workspace)
    assert shown[first]["Status afhandeling"] == "ingetrokken" and shown[third]["Zelfde melding als"] == second
    assert shown[second]["Notitie"] == "ouders gebeld"  # what the office did type is kept
    assert rows(workspace, "SELECT count(*) AS n FROM office_actions")[0]["n"] == 2


def test_one_save_cannot_merge_two_reports_into_each_other(workspace: Settings, three_incidents: list[str]) -> None:
    first, second, _third = three_incidents
    type_in_master(workspace.paths.master, "Incidenten", first, Zelfde_melding_als=second)
    type_in_master(workspace.paths.master, "Incidenten", second, Zelfde_melding_als=first)
    app.process(workspace)
    merged = rows(workspace, "SELECT regnr, same_as FROM office_notes WHERE same_as IS NOT NULL")
    assert len(merged) == 1  # the second row is checked against the first: refused
    assert incidents_per_school(workspace) == {"12AB": 1, "34CD": 1, "56EF": 0}
    assert any("kantooractie" in str(r[4]) and "geweigerd" in str(r[4]) for r in master_sheet(workspace, "Logboek"))


def test_a_value_put_back_in_the_master_is_an_undo(workspace: Settings, three_incidents: list[str]) -> None:
    first, second, _third = three_incidents
    type_in_master(workspace.paths.master, "Incidenten", first, Status_afhandeling="Ingetrokken ", Notitie="test")
    app.process(workspace)  # a capital and a space typed past the dropdown: still the dropdown's word
    assert register(workspace)[first]["Status afhandeling"] == "ingetrokken"
    type_in_master(workspace.paths.master, "Incidenten", first, Status_afhandeling="open")
    app.process(workspace)
    assert veiligheid(workspace, "registratie", "samenvoegen", second, "--met", first).exit_code == 0
    undo = veiligheid(workspace, "registratie", "herstellen", first, "--reden", "x")
    assert undo.exit_code == 2 and "alle acties van het bestuurskantoor zijn al teruggedraaid" in undo.output
    assert incidents_per_school(workspace) == {"12AB": 1, "34CD": 1, "56EF": 0}  # first counts, with second


def test_an_open_legal_duty_is_not_withdrawn_or_merged_away_without_toch(workspace: Settings, drop: Filler) -> None:
    for seed in (3, 4):
        drop(
            "agressie",
            f"ag{seed}.xlsx",
            seed=seed,
            datum=TODAY,
            datum_ingevuld=TODAY,
            ziekenhuisopname="ja",
            letsel="ja",
            letsel_aard="kneuzing",
            opvanggesprek_datum=TODAY,
        )
    app.process(workspace)
    first, second = registrations(workspace)
    refused = veiligheid(workspace, "registratie", "intrekken", first, "--reden", "dubbel")
    assert refused.exit_code == 2 and "meldplicht die nog open staat (Nederlandse Arbeidsinspectie)" in refused.output
    assert veiligheid(workspace, "registratie", "samenvoegen", first, "--met", second).exit_code == 2
    assert veiligheid(workspace, "registratie", "samenvoegen", first, "--met", second, "--toch").exit_code == 0


def test_a_command_while_another_run_works_changes_nothing_and_says_so(
    workspace: Settings, three_incidents: list[str]
) -> None:
    from automation.intake.runner import working_folder_lock

    with working_folder_lock(workspace):  # `process` or `plan` at work, no watcher
        result = veiligheid(workspace, "registratie", "intrekken", three_incidents[0], "--reden", "x")
    assert result.exit_code == 4 and "Probeer het over een minuut opnieuw" in result.output
    assert not (workspace.paths.state / "kantoor-verzoeken").exists()  # no request left for a watcher
    assert rows(workspace, "SELECT count(*) AS n FROM office_actions")[0]["n"] == 0


def test_a_purge_keeps_what_counts_and_forgets_the_offices_reasons(workspace: Settings, drop: Filler) -> None:
    long_ago = TODAY.replace(year=TODAY.year - 6)
    drop("incident", "oud.xlsx", seed=5, datum=long_ago, datum_ingevuld=long_ago)
    app.process(workspace)
    (regnr,) = registrations(workspace)
    type_in_master(workspace.paths.master, "Incidenten", regnr, Status_afhandeling="ingetrokken", Notitie="Jan belde")
    app.process(workspace)
    assert not app.purge(workspace, dry_run=False, today=TODAY).nothing
    (note,) = rows(workspace, "SELECT status, note FROM office_notes")
    assert (note["status"], note["note"]) == ("ingetrokken", None)  # still withdrawn; the note gone
    assert [r["reason"] for r in rows(workspace, "SELECT reason FROM office_actions")] == [""]
    journal = (workspace.paths.archive / "kantooracties.jsonl").read_text(encoding="utf-8")
    assert "Jan belde" not in journal and not (workspace.paths.archive / "kantooracties.vorige.jsonl").exists()
    assert not any("Jan belde" in str(r[6]) for r in master_sheet(workspace, "Logboek"))


def test_a_correction_of_a_withdrawn_registration_is_told_it_does_not_count(
    workspace: Settings, three_incidents: list[str], drop: Filler
) -> None:
    first = three_incidents[0]
    assert veiligheid(workspace, "registratie", "intrekken", first, "--reden", "test").exit_code == 0
    drop("incident", "correctie.xlsx", seed=1, datum=TODAY, datum_ingevuld=TODAY, correctie_van=first, maatregelen="x")
    assert app.process(workspace).accepted == 1
    (receipt,) = (workspace.paths.receipts / "12AB OBS De Regenboog").glob(f"{first} - correctie.txt")
    assert "ingetrokken: de verbetering is bewaard, maar telt niet mee" in receipt.read_text(encoding="utf-8-sig")


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[Settings]:
    settings, _ = init_workspace(tmp_path / "werkmap", board="Testbestuur", stable_seconds=0.2, damaged_after=30)
    yield load_settings(settings.paths.config)


def test_a_command_while_the_watcher_runs_is_done_by_the_watcher(watching: Settings, blank_forms: Path) -> None:
    from automation.excel.build_form import form_file_name
    from automation.excel.fill import fill_form
    from automation.forms import FORMS
    from tests.conftest import valid_values

    fill_form(
        blank_forms / form_file_name(FORMS["incident"]),
        valid_values("incident") | {"datum": TODAY, "datum_ingevuld": TODAY},
        watching.paths.inbox / "a.xlsx",
    )
    stop = threading.Event()
    thread = threading.Thread(target=app.run_watch, args=(watching,), kwargs={"poll": 0.1, "stop": stop})
    thread.start()
    try:
        wait_for(lambda: bool(registrations(watching)), what="intake")
        (regnr,) = registrations(watching)
        result = veiligheid(watching, "registratie", "intrekken", regnr, "--reden", "dubbel ingevoerd")
        assert result.exit_code == 0, result.output
        assert "watcher" in result.output
        wait_for(
            lambda: register(watching).get(regnr, {}).get("Status afhandeling") == "ingetrokken", what="the master"
        )
        # the office sets it back in the master: taken when saved, not at the next rescan (a minute)
        type_in_master(watching.paths.master, "Incidenten", regnr, Status_afhandeling="open")
        wait_for(lambda: register(watching).get(regnr, {}).get("Status afhandeling") == "open", what="the save")
        refused = veiligheid(watching, "registratie", "verplaatsen", regnr, "--naar", "00XX")
        assert refused.exit_code == 2 and "niet bekend" in refused.output
        assert [p.name for p in (watching.paths.state / "kantoor-verzoeken").iterdir()] == ["watcher"]
    finally:
        stop.set()
        thread.join(timeout=15)
    assert not thread.is_alive()


def test_a_confidential_report_is_told_in_the_offices_folder_only(workspace: Settings, drop: Filler) -> None:
    drop("incident", "sgg.xlsx", datum=TODAY, datum_ingevuld=TODAY, categorie=SGG)
    app.process(workspace)
    (regnr,) = [r["regnr"] for r in rows(workspace, "SELECT regnr FROM records")]
    assert veiligheid(workspace, "registratie", "intrekken", regnr, "--reden", "dubbel").exit_code == 0
    office_folder = workspace.paths.receipts / "kantoor (vertrouwelijk)" / "12AB OBS De Regenboog"
    assert (office_folder / f"{regnr} - gewijzigd door het bestuurskantoor.txt").is_file()
    assert not (
        workspace.paths.receipts / "12AB OBS De Regenboog" / f"{regnr} - gewijzigd door het bestuurskantoor.txt"
    ).exists()


def test_a_survey_export_can_be_withdrawn_and_restored(workspace: Settings) -> None:
    from automation.surveys import samples

    export = samples.generic_csv(school="12AB", schooljaar=YEAR, afname=TODAY, pupils=30, seed=1)
    (workspace.paths.inbox / "peiling.csv").write_bytes(export)
    app.process(workspace)
    (regnr,) = [r["regnr"] for r in rows(workspace, "SELECT DISTINCT regnr FROM surveys")]
    assert len(master_sheet(workspace, "Peilingen")) > 1
    moved = veiligheid(workspace, "registratie", "verplaatsen", regnr, "--naar", "34CD")
    assert moved.exit_code == 2 and "export van een peiling: die kun je alleen intrekken" in moved.output
    assert veiligheid(workspace, "registratie", "intrekken", regnr, "--reden", "verkeerde export").exit_code == 0
    shown = veiligheid(workspace, "registratie", "toon", regnr).output
    assert f"{regnr}: Export van een peiling, 12AB OBS De Regenboog" in shown and "Telt mee: nee, ingetrokken" in shown
    rows_shown = [r for r in master_sheet(workspace, "Peilingen")[1:] if any(r)]
    assert [str(r[0]) for r in rows_shown] == [
        "Nog geen peilingen onder leerlingen: de grafieken per thema verschijnen hier."
    ]
    assert veiligheid(workspace, "registratie", "herstellen", regnr, "--reden", "toch goed").exit_code == 0
    assert len(master_sheet(workspace, "Peilingen")) > 1


def test_status_says_when_registrations_name_a_school_no_longer_in_the_config(
    workspace: Settings, three_incidents: list[str]
) -> None:
    assert veiligheid(workspace, "registratie", "verplaatsen", three_incidents[0], "--naar", "56EF").exit_code == 0
    config = workspace.paths.config
    text = config.read_text(encoding="utf-8")
    block = '[[scholen]]\nbrin = "56EF"\nnaam = "IKC De Vlinder"\n'
    assert block in text
    config.write_text(text.replace(block, ""), encoding="utf-8")  # the school leaves the board
    shown = veiligheid(workspace, "status")
    assert "Let op: 1 registratie(s) van school 56EF, die niet (meer) in veiligheid.toml staat" in shown.output
    assert json.loads(veiligheid(workspace, "status", "--json").stdout)["unknown_schools"] == {"56EF": 1}
