"""Defects a code review found, each reproduced on real files through `app.process` or the command line:
a repeated hand-back, `status` writing shared state, a confidential report named in the school's
folder, and confidentiality that a board's own choice lists could switch off."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from automation import app
from automation.cli import main
from automation.config import Settings, load_settings
from automation.intake import leftovers
from automation.intake.handback import OFFICE_ONLY
from automation.intake.leftovers import NOTE_NAME
from tests.conftest import Filler
from tests.helpers import rows

SCHOOL = "12AB OBS De Regenboog"


def cli(settings: Settings, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--config", str(settings.paths.config), *args])
    return result.exit_code, result.stdout, result.stderr


def with_minutes(settings: Settings, minutes: float) -> Settings:
    """The working folder's config with leftovers reported after `minutes`."""
    config = settings.paths.config
    text = config.read_text(encoding="utf-8")
    assert "onbehandeld_melden_na_minuten = 60" in text
    config.write_text(
        text.replace("onbehandeld_melden_na_minuten = 60", f"onbehandeld_melden_na_minuten = {minutes:g}")
    )
    return load_settings(config)


def mark_unfinished(settings: Settings) -> None:
    """As after a crash between the hand-back and marking it done."""
    conn = sqlite3.connect(settings.paths.database)
    try:
        conn.execute("UPDATE submissions SET finished = 0")
        conn.commit()
    finally:
        conn.close()


# --- 1. a repeated hand-back ----------------------------------------------------------------------


def test_a_hand_back_done_again_reuses_its_annotated_copy(workspace: Settings, drop: Filler) -> None:
    drop("incident", "fout.xlsx", seed=2, categorie="pesten", dader_rol="leerling", omschrijving=None)
    app.process(workspace)
    folder = workspace.paths.rejected / SCHOOL
    first = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert sorted(first) == ["fout - met opmerkingen.xlsx", "fout - uitleg.txt", "fout.xlsx"]

    mark_unfinished(workspace)
    app.process(workspace)

    assert sorted(p.name for p in folder.iterdir()) == sorted(first), "no second annotated copy"
    assert (folder / "fout - met opmerkingen.xlsx").read_bytes() == first["fout - met opmerkingen.xlsx"]
    explanation = (folder / "fout - uitleg.txt").read_text(encoding="utf-8-sig")
    assert '"fout - met opmerkingen.xlsx"' in explanation and "(2)" not in explanation
    assert [r["finished"] for r in rows(workspace, "SELECT finished FROM submissions")] == [1]


def test_the_purge_removes_every_annotated_copy_of_a_hand_back_and_no_other_files(
    workspace: Settings, drop: Filler
) -> None:
    drop("incident", "fout.xlsx", seed=2, categorie="pesten", dader_rol="leerling", omschrijving=None)
    app.process(workspace)
    folder = workspace.paths.rejected / SCHOOL
    copy = (folder / "fout - met opmerkingen.xlsx").read_bytes()
    (folder / "fout - met opmerkingen (2).xlsx").write_bytes(copy)  # an earlier version's repeat
    others = {  # someone else's files in the same folder
        "fout (2).xlsx": b"een ander bestand",
        "fout (2) - met opmerkingen.xlsx": b"zijn kopie",
        "fout - met opmerkingen van Jan.xlsx": b"Jans eigen bestand",
    }
    for name, data in others.items():
        (folder / name).write_bytes(data)

    app.purge(workspace, dry_run=False, today=dt.date.today().replace(year=dt.date.today().year + 20))

    assert {p.name: p.read_bytes() for p in folder.iterdir()} == others


# --- 2. `status` reads, the runner tells ----------------------------------------------------------


def working_folder_state(root: Path) -> dict[str, tuple[bytes, int] | None]:
    """Every folder under the working folder, and every file with its bytes and modification time
    (a folder's own time is left out: SQLite makes and removes its -wal file beside a database it reads)."""
    return {
        str(p.relative_to(root)): None if p.is_dir() else (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


def test_status_changes_nothing_in_the_working_folder(workspace: Settings, drop: Filler) -> None:
    settings = with_minutes(workspace, 0)
    drop("incident", "fout.xlsx", seed=2, categorie="pesten", dader_rol="leerling", omschrijving=None)
    (settings.paths.inbox / "~$al gemeld.xlsx").write_bytes(b"lock")
    assert cli(settings, "process")[0] == 0
    (settings.paths.inbox / "~$nieuw 34CD.xlsx").write_bytes(b"lock")  # not seen by any runner yet
    (settings.paths.inbox / "~$al gemeld.xlsx").unlink()  # gone since the runner told it
    before = working_folder_state(settings.paths.root)

    code, out, _ = cli(settings, "status")
    json_code, json_out, _ = cli(settings, "status", "--json")

    assert (code, json_code) == (0, 0)
    assert "~$nieuw 34CD.xlsx" in out, "it says what it sees now (a new entry counts from now)"
    assert [item["naam"] for item in json.loads(json_out)["onbehandeld"]] == ["~$nieuw 34CD.xlsx"]
    assert working_folder_state(settings.paths.root) == before


def test_the_overzicht_shows_the_list_the_runner_told(workspace: Settings) -> None:
    settings = with_minutes(workspace, 0)
    (settings.paths.inbox / "~$melding 34CD.xlsx").write_bytes(b"lock")
    assert cli(settings, "process")[0] == 0
    note = settings.paths.rejected / "34CD CBS Het Anker" / NOTE_NAME
    assert '"~$melding 34CD.xlsx"' in note.read_text(encoding="utf-8-sig")
    assert [(i.name, i.school, i.school_name) for i in leftovers.reported(settings)] == [
        ("~$melding 34CD.xlsx", "34CD", "CBS Het Anker")
    ]


# --- 3. a confidential report waiting in the inbox is named in the office's folder only -----------

T0 = dt.datetime(2026, 12, 3, 9, 0)
SGG = "seksueel grensoverschrijdend gedrag"


def texts_under(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8-sig") for p in folder.rglob("*.txt")}


def test_a_confidential_report_open_in_excel_is_named_only_in_the_offices_folder(
    workspace: Settings, drop: Filler
) -> None:
    drop("incident", "melding meester Kees.xlsx", categorie=SGG, dader_rol="personeel", dader_groep=None)
    inbox = workspace.paths.inbox
    (inbox / "~$melding meester Kees.xlsx").write_bytes(b"lock")  # open in Excel for hours
    (inbox / "~$rooster.xlsx").write_bytes(b"lock")  # something else, not a report
    leftovers.tell(workspace, now=T0)  # as the runner does each round while the file stays locked

    told = leftovers.tell(workspace, now=T0 + dt.timedelta(hours=2))

    assert {i.name: (i.school, i.confidential is not None) for i in told} == {
        "melding meester Kees.xlsx": ("12AB", True),
        "~$melding meester Kees.xlsx": ("12AB", True),
        "~$rooster.xlsx": (None, False),
    }
    rejected = workspace.paths.rejected
    office = (rejected / OFFICE_ONLY / SCHOOL / NOTE_NAME).read_text(encoding="utf-8-sig")
    assert '"melding meester Kees.xlsx" (sinds 03-12-2026 09:00): wacht al lang' in office
    assert '"~$melding meester Kees.xlsx"' in office
    school = (rejected / SCHOOL / NOTE_NAME).read_text(encoding="utf-8-sig")
    assert "- een formulier (sinds 03-12-2026 09:00): het bestuurskantoor weet ervan." in school
    outside_office = {k: v for k, v in texts_under(rejected).items() if not k.startswith(OFFICE_ONLY)}
    assert set(outside_office) == {f"{SCHOOL}/{NOTE_NAME}", f"school onbekend/{NOTE_NAME}"}
    for text in outside_office.values():
        assert "Kees" not in text and "melding" not in text
    assert '"~$rooster.xlsx"' in outside_office[f"school onbekend/{NOTE_NAME}"]

    (inbox / "~$melding meester Kees.xlsx").unlink()  # closed and taken
    (inbox / "melding meester Kees.xlsx").unlink()
    leftovers.tell(workspace, now=T0 + dt.timedelta(hours=3))
    assert not (rejected / OFFICE_ONLY / SCHOOL / NOTE_NAME).exists()
    assert not (rejected / SCHOOL / NOTE_NAME).exists()


def test_a_waiting_file_that_cannot_be_read_is_named_in_the_offices_folder(workspace: Settings) -> None:
    (workspace.paths.inbox / "melding.xlsx").write_bytes(b"PK\x03\x04 half geschreven")  # may be any report
    leftovers.tell(workspace, now=T0)
    leftovers.tell(workspace, now=T0 + dt.timedelta(hours=2))

    rejected = workspace.paths.rejected
    assert '"melding.xlsx"' in (rejected / OFFICE_ONLY / "school onbekend" / NOTE_NAME).read_text(encoding="utf-8-sig")
    assert "melding.xlsx" not in (rejected / "school onbekend" / NOTE_NAME).read_text(encoding="utf-8-sig")


def test_a_waiting_form_that_is_not_confidential_is_named_where_it_was(workspace: Settings, drop: Filler) -> None:
    drop("ongeval", "ongeval 34CD.xlsx", school="34CD")
    leftovers.tell(workspace, now=T0)
    leftovers.tell(workspace, now=T0 + dt.timedelta(hours=2))

    assert '"ongeval 34CD.xlsx"' in (workspace.paths.rejected / "34CD CBS Het Anker" / NOTE_NAME).read_text(
        encoding="utf-8-sig"
    )
    assert not (workspace.paths.rejected / OFFICE_ONLY).exists()


def test_a_lock_left_behind_by_a_confidential_report_that_was_taken_is_named_only_in_the_offices_folder(
    workspace: Settings, drop: Filler
) -> None:
    settings = with_minutes(workspace, 0)
    drop("incident", "melding meester Kees.xlsx", categorie=SGG, dader_rol="personeel", dader_groep=None)
    (settings.paths.inbox / "~$melding meester Kees.xlsx").write_bytes(b"lock")  # Excel crashed: it stays

    assert cli(settings, "process")[0] == 0  # the report is taken; its confirmation goes to the office
    assert cli(settings, "process")[0] == 0

    rejected = settings.paths.rejected
    office = (rejected / OFFICE_ONLY / "school onbekend" / NOTE_NAME).read_text(encoding="utf-8-sig")
    assert '"~$melding meester Kees.xlsx"' in office
    for path, text in texts_under(rejected).items():
        assert path.startswith(OFFICE_ONLY) or "Kees" not in text, path


# --- 4. confidentiality does not depend on the default choice lists -------------------------------


def with_list(settings: Settings, name: str, values: list[str]) -> Path:
    """The working folder's config with the board's own `[keuzelijsten]` list `name`."""
    config = settings.paths.config
    text = config.read_text(encoding="utf-8")
    assert "\n[keuzelijsten]\n" in text
    config.write_text(text.replace("\n[keuzelijsten]\n", f"\n[keuzelijsten]\n{name} = {json.dumps(values)}\n"))
    return config


def test_a_board_list_that_drops_a_choice_a_confidentiality_rule_names_is_refused(workspace: Settings) -> None:
    config = with_list(workspace, "dader_rol", ["leerling", "personeel", "ouder", "derde", "onbekend"])

    code, out, err = cli(workspace, "status")

    assert (code, out) == (2, "")
    assert err == (
        f"Fout: {config}: de keuzelijst 'dader_rol' moet de keuzes 'stagiair', 'vrijwilliger' en 'externe medewerker' "
        "houden: daaraan ziet het programma welke meldingen alleen het bestuurskantoor mag lezen (Incidentregistratie: "
        "iemand die op school werkt als (vermoedelijke) dader). Zonder die keuzes komt zo'n melding in de map van de "
        "school, waar ook de betrokkene kan meelezen. Zet ze terug in de lijst; eigen keuzes toevoegen mag\n"
    )


def test_a_report_with_a_choice_the_board_added_goes_to_the_office(workspace: Settings, drop: Filler) -> None:
    """'onderwijsassistent' works at the school, but no rule knows that choice: the office decides."""
    roles = ["leerling", "personeel", "stagiair", "vrijwilliger", "externe medewerker", "onderwijsassistent", "ouder"]
    settings = load_settings(with_list(workspace, "dader_rol", [*roles, "derde", "onbekend"]))
    drop("incident", "melding juf.xlsx", categorie="pesten", dader_rol="onderwijsassistent", omschrijving=None)

    assert cli(settings, "process")[0] == 0

    assert (settings.paths.rejected / OFFICE_ONLY / SCHOOL / "melding juf.xlsx").exists()
    (notice,) = (settings.paths.rejected / SCHOOL).iterdir()  # the school's folder: a neutral notice only
    assert notice.name.startswith("Niet verwerkt (ingeleverd ")
