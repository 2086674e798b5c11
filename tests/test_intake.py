"""A staff member drops files in the inbox; `process` accepts, rejects or counts each as a duplicate."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
import xlwt
from msoffcrypto.format.ooxml import OOXMLFile

from automation import app
from automation.config import Settings, load_settings
from tests.conftest import Filler
from tests.helpers import as_xlsm, explanation, handed_back, master_sheet, only_submission, rows, with_part_changed


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- accepted -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form_id", "prefix", "sheet"),
    [
        ("incident", "INC", "Incidenten"),
        ("agressie", "AG", "Agressie en geweld"),
        ("ongeval", "ONG", "Ongevallen"),
        ("peiling", "PEIL", "Peilingen"),
        ("school", "SCH", "Scholen"),
    ],
)
def test_a_valid_form_is_accepted_archived_stored_and_shown(
    workspace: Settings, drop: Filler, form_id: str, prefix: str, sheet: str
) -> None:
    path = drop(form_id, "melding.xlsx")
    digest = sha(path)
    original = path.read_bytes()

    counts = app.process(workspace)

    assert counts.as_dict() == {
        "accepted": 1,
        "rejected": 0,
        "duplicates": 0,
        "ignored": 0,
        "waiting": 0,
        "hand_back_pending": 0,
    }
    assert not path.exists()
    sub = only_submission(workspace)
    assert (sub["outcome"], sub["form_id"], sub["form_version"], sub["sha256"]) == ("geaccepteerd", form_id, 1, digest)
    assert sub["regnr"].startswith(f"{prefix}-") and sub["regnr"].endswith("-0001")
    assert workspace.paths.resolve(sub["archive_path"]).read_bytes() == original
    shown = master_sheet(workspace, sheet)
    assert any(sub["regnr"] in row for row in shown)


def test_master_registers_have_tables_frozen_headers_and_real_dates(workspace: Settings, drop: Filler) -> None:
    drop("incident", "a.xlsx", seed=1)
    drop("incident", "b.xlsx", seed=2)
    app.process(workspace)
    wb = openpyxl.load_workbook(workspace.paths.master)
    ws = wb["Incidenten"]
    assert list(ws.tables) == ["tbl_Incidenten"]
    assert ws.tables["tbl_Incidenten"].ref == "A1:AM3"
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    dates = [ws.cell(row=r, column=header.index("Datum van het voorval") + 1).value for r in (2, 3)]
    assert all(d is not None and d.year > 2000 for d in dates)
    numbers = [ws.cell(row=r, column=1).value for r in (2, 3)]
    assert numbers == sorted(numbers)  # in the order they came in: a new one is last
    assert {"Bronbestand", "Ontvangen", "Registratienummer", "BRIN", "School"} <= set(header)
    assert wb.sheetnames == [
        "Overzicht",
        "Grafiekdata",
        "Incidenten",
        "Agressie en geweld",
        "Ongevallen",
        "Maatregelen",
        "Peilingen",
        "Grafiekdata peilingen",
        "Monitorcheck",
        "Voortgang",
        "Scholen",
        "Vensters",
        "Logboek",
        "Keuzelijst",  # hidden: the schools for the 'Verplaatsen naar' dropdown
    ]


def test_text_that_looks_like_a_formula_stays_text(workspace: Settings, drop: Filler) -> None:
    drop("incident", omschrijving='=HYPERLINK("http://x","klik")', maatregelen="+31 6 gebeld", nazorg="@iedereen")
    app.process(workspace)
    wb = openpyxl.load_workbook(workspace.paths.master)
    ws = wb["Incidenten"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    formulas = [c for c in cells if c.data_type == "f"]
    assert formulas == []
    assert '=HYPERLINK("http://x","klik")' in [c.value for c in cells]


def test_pupil_reference_is_pseudonymised_and_never_in_the_master(workspace: Settings, drop: Filler) -> None:
    drop("incident", "a.xlsx", seed=1, leerling_ref="48213")
    drop("incident", "b.xlsx", seed=2, leerling_ref="48213")
    app.process(workspace)
    data = [json.loads(r["data"]) for r in rows(workspace, "SELECT data FROM records")]
    pseudonyms = {d["leerling_ref"] for d in data}
    assert len(pseudonyms) == 1 and next(iter(pseudonyms)).startswith("LL-")
    with zipfile.ZipFile(workspace.paths.master) as z:
        text = b"".join(z.read(n) for n in z.namelist())
    assert b"48213" not in text
    assert b"LL-" in text
    db_bytes = b"".join(p.read_bytes() for p in workspace.paths.data.iterdir())
    assert b"48213" not in db_bytes


# --- rejected -------------------------------------------------------------------------------


def test_an_invalid_form_goes_back_with_an_annotated_copy_and_an_explanation(workspace: Settings, drop: Filler) -> None:
    path = drop("incident", "mijn melding.xlsx", locatie=None, categorie="anders")
    original = path.read_bytes()

    counts = app.process(workspace)

    assert counts.rejected == 1 and not path.exists()
    assert (workspace.paths.rejected / "12AB OBS De Regenboog" / "mijn melding.xlsx").read_bytes() == original
    text = explanation(workspace, "mijn melding")
    assert 'Uw bestand "mijn melding.xlsx" is NIET verwerkt.' in text
    assert "1. Locatie (cel B9): is verplicht maar leeg. Vul dit veld in." in text
    assert (
        "2. Omschrijving soort 'anders' (cel B11): is verplicht omdat 'Soort incident' is 'anders', maar is leeg. "
        "Vul dit veld in." in text
    )
    assert 'Open "mijn melding - met opmerkingen.xlsx": de rode cellen hebben een opmerking.' in text
    wb = openpyxl.load_workbook(handed_back(workspace, "mijn melding - met opmerkingen.xlsx"))
    ws = wb["Formulier"]
    assert ws["B9"].comment is not None and "verplicht" in ws["B9"].comment.text
    assert ws["B9"].fill.start_color.rgb.endswith("FFC7CE")
    assert ws.protection.sheet is True  # still the same protected form, ready to correct
    assert wb.defined_names["locatie"] is not None
    assert only_submission(workspace)["outcome"] == "afgewezen"
    assert workspace.paths.resolve(only_submission(workspace)["archive_path"]).read_bytes() == original


def test_rejected_files_never_overwrite_each_other(workspace: Settings, drop: Filler) -> None:
    drop("incident", "melding.xlsx", locatie=None)
    app.process(workspace)
    drop("incident", "melding.xlsx", seed=5, locatie=None)
    app.process(workspace)
    names = sorted(p.name for p in (workspace.paths.rejected / "12AB OBS De Regenboog").iterdir())
    assert names == [
        "melding (2) - met opmerkingen.xlsx",
        "melding (2) - uitleg.txt",
        "melding (2).xlsx",
        "melding - met opmerkingen.xlsx",
        "melding - uitleg.txt",
        "melding.xlsx",
    ]


def _encrypted(form_bytes: bytes) -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(form_bytes)).encrypt("geheim", out)
    assert msoffcrypto.OfficeFile(io.BytesIO(out.getvalue())).is_encrypted()
    return out.getvalue()


def _xls() -> bytes:
    wb = xlwt.Workbook()
    wb.add_sheet("Blad1").write(0, 0, "incident")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _other_workbook() -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "mijn eigen lijstje"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _newer_version(form_bytes: bytes) -> bytes:
    return with_part_changed(form_bytes, "xl/workbook.xml", b'name="vf_versie">1<', b'name="vf_versie">7<')


NOT_A_FORM: dict[str, tuple[str, str]] = {
    "xlsm": ("melding.xlsm", "Dit is een Excel-bestand met macro's (.xlsm)."),
    "beveiligd": ("melding.xlsx", "Dit Excel-bestand is met een wachtwoord beveiligd"),
    "xls": ("melding.xls", "Dit is een oud Excel-bestand (.xls)."),
    "onbekende-werkmap": ("lijstje.xlsx", "Dit is een Excel-werkmap, maar geen formulier van het bestuur"),
    "onbekende-versie": ("melding.xlsx", "in versie 7, die dit systeem niet kent (de huidige versie is 1)"),
    "beschadigd": ("melding.xlsx", "Het bestand is beschadigd of niet volledig opgeslagen"),
    "leeg": ("melding.xlsx", "Het bestand is leeg (0 bytes)."),
    "geen-formulier": ("foto.jpg", "Dit bestand is een foto (JPEG), geen ingevuld formulier."),
    "tekst": ("notitie.txt", "Dit is een tekstbestand, geen ingevuld Excel-formulier."),
}


@pytest.mark.parametrize("kind", list(NOT_A_FORM))
def test_files_that_are_not_forms_get_their_own_explanation(
    workspace: Settings, drop: Filler, tmp_path: Path, kind: str
) -> None:
    form_bytes = drop("incident", "x.xlsx").read_bytes()
    (workspace.paths.inbox / "x.xlsx").unlink()
    content = {
        "xlsm": lambda: as_xlsm(form_bytes),
        "beveiligd": lambda: _encrypted(form_bytes),
        "xls": _xls,
        "onbekende-werkmap": _other_workbook,
        "onbekende-versie": lambda: _newer_version(form_bytes),
        "beschadigd": lambda: form_bytes[: len(form_bytes) // 2],
        "leeg": lambda: b"",
        "geen-formulier": lambda: b"\xff\xd8\xff\xe0" + bytes(500),
        "tekst": lambda: b"Bel me even terug, groet Ans\n",
    }[kind]()
    name, expected = NOT_A_FORM[kind]
    (workspace.paths.inbox / name).write_bytes(content)

    counts = app.process(workspace)

    assert counts.rejected == 1
    sub = only_submission(workspace)
    assert (sub["outcome"], sub["kind"]) == ("afgewezen", kind)
    # an incident form that cannot be read may be a confidential report: the office's folder
    office = kind in ("xlsm", "onbekende-versie")
    folder = workspace.paths.rejected / ("kantoor (vertrouwelijk)" if office else "") / "school onbekend"
    assert (folder / name).read_bytes() == content
    assert workspace.paths.resolve(sub["archive_path"]).read_bytes() == content
    assert expected in explanation(workspace, Path(name).stem)


def test_a_file_larger_than_the_limit_is_kept_without_being_read(workspace: Settings) -> None:
    big = workspace.paths.inbox / "scan.xlsx"
    limit = int(workspace.board.intake.max_bestandsgrootte_mb * 1024 * 1024)
    with open(big, "wb") as handle:
        handle.truncate(limit + 1)
    digest = sha(big)
    app.process(workspace)
    sub = only_submission(workspace)
    assert (sub["kind"], sub["sha256"], sub["size"]) == ("te-groot", digest, limit + 1)
    assert sha(handed_back(workspace, "scan.xlsx")) == digest
    assert "groter dan 25 MB" in explanation(workspace, "scan")


# --- duplicates and corrections ---------------------------------------------------------------


def test_the_same_file_twice_is_counted_not_stored(workspace: Settings, drop: Filler) -> None:
    first = drop("incident", "melding.xlsx")
    copy = workspace.paths.inbox / "melding - kopie.xlsx"
    copy.write_bytes(first.read_bytes())
    counts = app.process(workspace)
    assert (counts.accepted, counts.duplicates) == (1, 1)
    assert len(rows(workspace, "SELECT * FROM records")) == 1
    dup = rows(workspace, "SELECT * FROM submissions WHERE outcome = 'dubbel'")[0]
    assert dup["kind"] == "zelfde-bestand" and dup["regnr"].startswith("INC-")
    assert workspace.paths.resolve(dup["archive_path"]).read_bytes() == first.read_bytes() if first.exists() else True
    assert not copy.exists()


def test_the_same_form_saved_again_is_a_duplicate(workspace: Settings, drop: Filler) -> None:
    drop("incident", "melding.xlsx", seed=3)
    app.process(workspace)
    again = drop("incident", "melding opnieuw opgeslagen.xlsx", seed=3)
    again_bytes = again.read_bytes()
    wb = openpyxl.load_workbook(again)  # Excel changes bytes whenever a file is saved again
    wb.properties.creator = "iemand anders"
    wb.save(again)
    assert again.read_bytes() != again_bytes
    saved = again.read_bytes()
    counts = app.process(workspace)
    assert counts.duplicates == 1
    dup = rows(workspace, "SELECT * FROM submissions WHERE outcome = 'dubbel'")[0]
    assert dup["kind"] == "zelfde-inhoud"
    assert workspace.paths.resolve(dup["archive_path"]).read_bytes() == saved
    assert len(rows(workspace, "SELECT * FROM records")) == 1


def test_a_correction_replaces_the_record_and_keeps_history(workspace: Settings, drop: Filler) -> None:
    drop("incident", "melding.xlsx", seed=3)
    app.process(workspace)
    (first,) = rows(workspace, "SELECT regnr, data FROM records")
    regnr, first_data = first["regnr"], json.loads(first["data"])
    changes = {"correctie_van": regnr, "locatie": "online", "categorie": "digitaal pesten"}
    drop("incident", "correctie.xlsx", seed=3, **changes)

    counts = app.process(workspace)

    assert counts.accepted == 1
    (record,) = rows(workspace, "SELECT * FROM records")
    assert (record["regnr"], record["version"]) == (regnr, 2)
    assert json.loads(record["data"]) == first_data | changes
    (old,) = rows(workspace, "SELECT * FROM record_history")
    assert (old["regnr"], old["version"], json.loads(old["data"])) == (regnr, 1, first_data)
    assert (first_data["locatie"], first_data["categorie"]) == ("speelplein", "discriminatie")  # both changed
    shown = [r for r in master_sheet(workspace, "Incidenten")[1:] if r[0] == regnr]
    assert len(shown) == 1 and "online" in shown[0]


def test_a_correction_of_an_unknown_number_is_rejected(workspace: Settings, drop: Filler) -> None:
    drop("incident", "correctie.xlsx", correctie_van="INC-2026-0999")
    app.process(workspace)
    assert (
        "Correctie van registratienummer (cel B37): het registratienummer INC-2026-0999 is niet bekend."
        in explanation(workspace, "correctie")
    )


# --- what is left alone -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "~$melding.xlsx",
        ".~lock.melding.xlsx#",
        "melding.tmp",
        ".verborgen.xlsx",
        "Thumbs.db",
        "desktop.ini",
        ".DS_Store",
    ],
)
def test_lock_temp_and_hidden_files_are_ignored_and_left_in_place(workspace: Settings, name: str) -> None:
    junk = workspace.paths.inbox / name
    junk.write_bytes(b"lock")
    counts = app.process(workspace)
    assert (counts.ignored, counts.rejected, counts.accepted) == (1, 0, 0)
    assert junk.read_bytes() == b"lock"
    assert rows(workspace, "SELECT * FROM submissions") == []


def test_logboek_lists_every_file_with_its_outcome(workspace: Settings, drop: Filler) -> None:
    drop("incident", "goed.xlsx")
    drop("incident", "fout.xlsx", seed=2, locatie=None)
    (workspace.paths.inbox / "foto.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    app.process(workspace)
    log = master_sheet(workspace, "Logboek")
    assert log[0][:5] == ("Ontvangen", "Bestand", "Formulier", "BRIN", "Uitkomst")
    outcomes = {row[1]: row[4] for row in log[1:]}
    assert outcomes == {"goed.xlsx": "geaccepteerd", "fout.xlsx": "afgewezen", "foto.png": "afgewezen"}


def test_registration_numbers_count_up_per_register(workspace: Settings, drop: Filler) -> None:
    for n in range(3):
        drop("incident", f"i{n}.xlsx", seed=n + 10)
    drop("ongeval", "o.xlsx")
    app.process(workspace)
    numbers = sorted(r["regnr"] for r in rows(workspace, "SELECT regnr FROM records"))
    year = numbers[0].split("-")[1]
    assert numbers == [f"INC-{year}-0001", f"INC-{year}-0002", f"INC-{year}-0003", f"ONG-{year}-0001"]


def test_correcting_the_annotated_copy_and_dropping_it_again_is_accepted(workspace: Settings, drop: Filler) -> None:
    drop("incident", "melding.xlsx", locatie=None)
    app.process(workspace)
    annotated = handed_back(workspace, "melding - met opmerkingen.xlsx")
    wb = openpyxl.load_workbook(annotated)
    assert wb["Formulier"]["C1"].value.startswith("AFGEWEZEN: verbeter de rode velden")
    ((sheet, ref),) = list(wb.defined_names["locatie"].destinations)
    wb[sheet][ref.replace("$", "")].value = "speelplein"  # the teacher fixes the red cell
    wb.save(workspace.paths.inbox / "melding verbeterd.xlsx")

    counts = app.process(workspace)

    assert counts.accepted == 1
    (record,) = rows(workspace, "SELECT * FROM records")
    assert json.loads(record["data"])["locatie"] == "speelplein"


def test_a_complete_zip_with_a_damaged_part_is_explained_as_damaged(workspace: Settings, drop: Filler) -> None:
    path = drop("incident", "melding.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/workbook.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 10, start + 40):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    app.process(workspace)
    sub = only_submission(workspace)
    assert (sub["outcome"], sub["kind"]) == ("afgewezen", "beschadigd")
    assert "Het bestand is beschadigd" in explanation(workspace, "melding")


def test_the_sender_gets_a_confirmation_with_the_registration_number(workspace: Settings, drop: Filler) -> None:
    drop("agressie", "agressie juf.xlsx", ziekenhuisopname="ja", letsel="ja", letsel_aard="kneuzing")
    app.process(workspace)
    (regnr,) = [r["regnr"] for r in rows(workspace, "SELECT regnr FROM records")]
    office = workspace.paths.receipts / "kantoor (vertrouwelijk)"  # aggression against staff: the office's
    receipt = office / "12AB OBS De Regenboog" / f"{regnr} - agressie juf.txt"
    text = receipt.read_text(encoding="utf-8-sig")
    assert text.startswith('Uw bestand "agressie juf.xlsx" is verwerkt.')
    assert f"Registratienummer: {regnr}" in text
    assert "Let op (het bestuurskantoor ziet dit ook):\n- Gemeld bij Arbeidsinspectie (cel " in text  # a duty
    assert "Datum van het voorval: " in text and "Vorm van agressie: " in text  # which case this is
    assert f"zet bij 'Correctie van registratienummer' {regnr}" in text


def test_a_duplicate_gets_a_confirmation_that_nothing_more_is_needed(workspace: Settings, drop: Filler) -> None:
    first = drop("incident", "melding.xlsx")
    (workspace.paths.inbox / "melding nogmaals.xlsx").write_bytes(first.read_bytes())
    app.process(workspace)
    (regnr,) = [r["regnr"] for r in rows(workspace, "SELECT regnr FROM records")]
    folder = workspace.paths.receipts / "12AB OBS De Regenboog"
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{regnr} - melding nogmaals (dubbel).txt",  # the copy arrived later: it is the duplicate
        f"{regnr} - melding.txt",
    ]
    text = (folder / f"{regnr} - melding nogmaals (dubbel).txt").read_text(encoding="utf-8-sig")
    assert "was al eerder ingeleverd" in text and "u hoeft niets te doen" in text


def test_an_annotated_copy_dropped_uncorrected_goes_back_under_the_plain_name(
    workspace: Settings, drop: Filler
) -> None:
    drop("incident", "melding.xlsx", locatie=None)
    app.process(workspace)
    annotated = handed_back(workspace, "melding - met opmerkingen.xlsx")
    (workspace.paths.inbox / annotated.name).write_bytes(annotated.read_bytes())
    app.process(workspace)
    names = sorted(p.name for p in annotated.parent.iterdir())
    assert "melding (2).xlsx" in names and "melding (2) - met opmerkingen.xlsx" in names


def test_explanations_name_the_inbox_the_way_staff_know_it(tmp_path: Path, drop: Filler, workspace: Settings) -> None:
    config = workspace.paths.config
    text = config.read_text(encoding="utf-8").replace(
        "[mappen]\n", '[mappen]\ninbox_voor_medewerkers = "S:\\\\Veiligheid\\\\Meldingen"\n'
    )
    config.write_text(text, encoding="utf-8")
    drop("incident", "melding.xlsx", locatie=None)
    app.process(load_settings(config))
    assert "in de map voor meldingen (S:\\Veiligheid\\Meldingen)." in explanation(workspace, "melding")


def test_a_master_that_could_not_be_replaced_is_rebuilt_at_the_next_run(workspace: Settings, drop: Filler) -> None:
    drop("incident", "melding.xlsx")
    workspace.paths.master.mkdir(parents=True)  # stands in for a file Excel keeps locked
    counts = app.process(workspace)
    assert counts.accepted == 1 and counts.master_failed  # the intake went on; nothing lost
    assert workspace.paths.master.is_dir()
    workspace.paths.master.rmdir()  # Excel closed
    app.process(workspace)  # nothing new in the inbox, but the master was stale
    assert any(row[0].startswith("INC-") for row in master_sheet(workspace, "Incidenten")[1:])


def test_a_libreoffice_file_gets_its_own_advice(workspace: Settings) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    (workspace.paths.inbox / "melding.ods").write_bytes(out.getvalue())
    app.process(workspace)
    assert only_submission(workspace)["kind"] == "ods"
    assert "Opslaan als > 'Excel 2007-365 (.xlsx)'" in explanation(workspace, "melding")


def test_register_column_titles_are_unique_as_excel_tables_require() -> None:
    from automation.excel.master import register_columns
    from automation.forms import FORMS

    for form in FORMS.values():
        titles = [c.title for c in register_columns(form)]
        assert len(titles) == len(set(titles)), form.id


def test_a_folder_dropped_in_the_inbox_is_left_alone(workspace: Settings) -> None:
    folder = workspace.paths.inbox / "oude meldingen"
    folder.mkdir()
    (folder / "x.xlsx").write_bytes(b"x")
    counts = app.process(workspace)
    assert (counts.ignored, counts.rejected) == (1, 0)
    assert (folder / "x.xlsx").read_bytes() == b"x"


def test_a_correction_back_to_the_first_version_is_applied(workspace: Settings, drop: Filler) -> None:
    drop("incident", "melding.xlsx", seed=3)
    app.process(workspace)
    (regnr,) = [r["regnr"] for r in rows(workspace, "SELECT regnr FROM records")]
    (first,) = [json.loads(r["data"]) for r in rows(workspace, "SELECT data FROM records")]
    drop("incident", "correctie 1.xlsx", seed=3, correctie_van=regnr, locatie="online")
    app.process(workspace)
    drop("incident", "correctie 2.xlsx", seed=3, correctie_van=regnr, locatie=first["locatie"])
    counts = app.process(workspace)
    assert (counts.accepted, counts.duplicates) == (1, 0)
    (record,) = rows(workspace, "SELECT * FROM records")
    assert (record["version"], json.loads(record["data"])["locatie"]) == (3, first["locatie"])
    drop("incident", "correctie 2 nogmaals.xlsx", seed=3, correctie_van=regnr, locatie=first["locatie"])
    assert app.process(workspace).duplicates == 1  # the same correction again changes nothing


def test_a_folder_or_a_link_loop_named_by_events_never_stops_the_intake(workspace: Settings, drop: Filler) -> None:
    from automation.intake.files import StabilityTracker
    from automation.intake.pipeline import Counts
    from automation.intake.runner import Runner

    folder = workspace.paths.inbox / "map"
    folder.mkdir()
    loop = workspace.paths.inbox / "lus.xlsx"
    loop.symlink_to(loop)
    good = drop("incident", "goed.xlsx")
    runner = Runner.open(workspace)
    try:
        counts = Counts()
        waiting = runner.handle_ready(StabilityTracker(0), [folder, loop, good], counts)
    finally:
        runner.close()
    assert (counts.accepted, waiting) == (1, [])
    assert folder.is_dir() and loop.is_symlink()


def test_a_school_cannot_correct_another_schools_registration(workspace: Settings, drop: Filler) -> None:
    drop("incident", "melding.xlsx", seed=3)
    app.process(workspace)
    (regnr,) = [r["regnr"] for r in rows(workspace, "SELECT regnr FROM records")]
    drop("incident", "correctie.xlsx", seed=4, school="34CD", correctie_van=regnr)
    counts = app.process(workspace)
    assert counts.rejected == 1
    assert f"{regnr} is een melding van een andere school." in explanation(workspace, "correctie")
    (record,) = rows(workspace, "SELECT * FROM records")
    assert (record["school"], record["version"]) == ("12AB", 1)


def test_a_warning_given_on_intake_is_in_the_register_row(workspace: Settings, drop: Filler) -> None:
    drop("agressie", "a.xlsx", ziekenhuisopname="ja", letsel="ja", letsel_aard="kneuzing")
    app.process(workspace)
    header, row = master_sheet(workspace, "Agressie en geweld")[:2]
    note = row[header.index("Opmerkingen bij ontvangst")]
    assert note.startswith("Gemeld bij Arbeidsinspectie (cel ") and "Nederlandse Arbeidsinspectie" in note
