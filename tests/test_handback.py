"""What goes back to staff, told truthfully and only to whom it may concern (issue 12, holes 5 and 7).

A read-only or full outbox: what was stored is counted as stored, one Dutch line says what waits, and
the next run hands it back exactly as it would have been (annotated copy, the time it was received).
A confidential report (sexual misconduct, aggression against staff, a staff member as perpetrator)
goes back to the office's own folder; the school's folder gets a neutral notice only.

The outbox is blocked the way a test can block it also as root (where a read-only folder is still
writable): the school's folders are files, so every write into them fails with an OSError.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from automation import app
from automation.cli import main
from automation.config import Settings, load_settings
from automation.errors import ArchiveDamaged
from automation.forms import FORMS
from automation.forms.choices import DEFAULT_CHOICES
from automation.intake import files
from automation.intake.handback import OFFICE_ONLY
from automation.intake.pipeline import Counts
from automation.intake.runner import Runner, working_folder_lock
from automation.workspace import init_workspace
from tests.conftest import Filler
from tests.helpers import rows, with_part_changed

SCHOOL = "12AB OBS De Regenboog"
TODAY = dt.date.today()
NINE = dt.datetime.combine(TODAY, dt.time(9, 0, 5))
HALF_TWELVE = dt.datetime.combine(TODAY, dt.time(11, 30))
SGG = "seksueel grensoverschrijdend gedrag"
DESCRIPTION = "Meester Kees raakte in de gymzaal een leerling aan op een manier die niet hoort."


def cli(settings: Settings, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--config", str(settings.paths.config), *args])
    return result.exit_code, result.stdout, result.stderr


def process_at(settings: Settings, moment: dt.datetime) -> Counts:
    """`process` as run at `moment` (the time a file is received, and said in its explanation)."""
    with working_folder_lock(settings):
        runner = Runner.open(settings, now=lambda: moment)
        try:
            return runner.process_once()
        finally:
            runner.close()


def without_key(name: str) -> str:
    """A neutral notice's name without the first characters of the file's SHA-256 (which tell apart
    forms handed in within the same second)."""
    return re.sub(r", [0-9a-f]{6}\)\.txt$", ").txt", name)


def test_confidential_forms_handed_in_within_the_same_second_each_get_their_notice(
    workspace: Settings, drop: Filler
) -> None:
    for seed in (1, 2, 3):
        drop("agressie", f"melding {seed}.xlsx", seed=seed, omschrijving=None)
    process_at(workspace, NINE)
    notices = list((workspace.paths.rejected / SCHOOL).glob("Niet verwerkt (ingeleverd *).txt"))
    assert len(notices) == 3
    assert len(list((workspace.paths.rejected / OFFICE_ONLY / SCHOOL).glob("melding ?.xlsx"))) == 3


def block_outbox(settings: Settings) -> list[Path]:
    """The school's folders in the outbox cannot be written (as on a read-only or full share)."""
    blocked = [settings.paths.rejected / SCHOOL, settings.paths.receipts / SCHOOL]
    for path in blocked:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("geen map")
    return blocked


def unblock(blocked: list[Path]) -> None:
    for path in blocked:
        path.unlink()


def finished(settings: Settings) -> list[tuple[str, str, int]]:
    return [
        (r["original_name"], r["outcome"], r["finished"])
        for r in rows(settings, "SELECT original_name, outcome, finished FROM submissions ORDER BY original_name")
    ]


def folder_content(folder: Path, *, inbox: Path) -> dict[str, Any]:
    """What a person finds in a folder: originals by their bytes, explanations by their text (the
    working folder's inbox as <inbox>), annotated copies by their cells' values, fills and comments."""
    found: dict[str, Any] = {}
    for path in sorted(folder.iterdir()):
        if path.name.endswith(" - met opmerkingen.xlsx"):
            sheet = openpyxl.load_workbook(path).active
            assert sheet is not None
            found[path.name] = [
                (c.coordinate, c.value, c.fill.fgColor.rgb, c.comment.text if c.comment else None)
                for row in sheet.iter_rows()
                for c in row
                if c.value is not None or c.comment is not None
            ]
        elif path.suffix == ".txt":
            found[path.name] = path.read_text(encoding="utf-8-sig").replace(str(inbox), "<inbox>")
        else:
            found[path.name] = path.read_bytes()
    return found


def second_workspace(tmp_path: Path) -> Settings:
    settings, _ = init_workspace(tmp_path / "tweede", board="Testbestuur", stable_seconds=0, damaged_after=0)
    return load_settings(settings.paths.config)


# --- hole 5: a read-only or full outbox ------------------------------------------------------------


def test_a_read_only_outbox_counts_what_was_stored_and_says_so_in_one_dutch_line(
    workspace: Settings, drop: Filler, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop("incident", "goed.xlsx")
    drop("incident", "fout.xlsx", seed=2, categorie="pesten", omschrijving=None)

    def read_only(*_: object, **__: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(files, "copy_no_overwrite", read_only)  # hand-backs
    monkeypatch.setattr(files, "write_new", read_only)  # confirmations

    code, out, err = cli(workspace, "process", "--json")

    assert code == 0, err
    counts = json.loads(out)
    assert (counts["accepted"], counts["rejected"], counts["hand_back_pending"]) == (1, 1, 2)
    assert "Traceback" not in err
    (line,) = err.strip().splitlines()
    assert line.endswith(
        "2 opgeslagen bestand(en) nog niet teruggegeven aan de afzender (bevestiging, of afgewezen bestand met "
        "uitleg): de schijf of map is alleen-lezen. Er is niets verloren; de volgende verwerking maakt het af."
    )
    assert finished(workspace) == [("fout.xlsx", "afgewezen", 0), ("goed.xlsx", "geaccepteerd", 0)]

    monkeypatch.undo()
    code, out, err = cli(workspace, "process", "--json")

    assert code == 0 and err == ""
    assert json.loads(out)["hand_back_pending"] == 0
    assert finished(workspace) == [("fout.xlsx", "afgewezen", 1), ("goed.xlsx", "geaccepteerd", 1)]
    assert (workspace.paths.rejected / SCHOOL / "fout - met opmerkingen.xlsx").exists()
    assert len(list((workspace.paths.receipts / SCHOOL).glob("INC-* - goed.txt"))) == 1
    assert not workspace.paths.staging.exists()


def test_a_hand_back_finished_later_is_the_one_it_would_have_been(
    workspace: Settings, drop: Filler, tmp_path: Path
) -> None:
    good = drop("incident", "goed.xlsx", categorie="pesten").read_bytes()
    wrong = drop("incident", "fout.xlsx", seed=2, categorie="pesten", omschrijving=None, locatie=None).read_bytes()
    other = second_workspace(tmp_path)  # the same files where the outbox could be written at once
    (other.paths.inbox / "goed.xlsx").write_bytes(good)
    (other.paths.inbox / "fout.xlsx").write_bytes(wrong)
    process_at(other, NINE)
    blocked = block_outbox(workspace)

    counts = process_at(workspace, NINE)

    assert (counts.accepted, counts.rejected, counts.hand_back_pending) == (1, 1, 2)
    unblock(blocked)
    counts = process_at(workspace, HALF_TWELVE)

    assert (counts.recovered, counts.hand_back_pending) == (2, 0)
    for folder in (workspace.paths.receipts / SCHOOL, workspace.paths.rejected / SCHOOL):
        twin = other.paths.root / folder.relative_to(workspace.paths.root)
        assert folder_content(folder, inbox=workspace.paths.inbox) == folder_content(twin, inbox=other.paths.inbox)
    later = folder_content(workspace.paths.rejected / SCHOOL, inbox=workspace.paths.inbox)
    assert sorted(later) == ["fout - met opmerkingen.xlsx", "fout - uitleg.txt", "fout.xlsx"]
    assert later["fout.xlsx"] == wrong
    assert f"Ontvangen: {NINE:%d-%m-%Y} om 09:00\n" in later["fout - uitleg.txt"]  # not 11:30
    (sub,) = rows(workspace, "SELECT rejected_path, finished FROM submissions WHERE outcome = 'afgewezen'")
    assert (sub["rejected_path"], sub["finished"]) == (f"outbox/afgewezen/{SCHOOL}/fout.xlsx", 1)


def test_an_original_changed_in_the_archive_is_never_handed_back_as_another_rejection(
    workspace: Settings, drop: Filler
) -> None:
    drop("incident", "fout.xlsx", seed=2, categorie="pesten", omschrijving=None)
    blocked = block_outbox(workspace)
    process_at(workspace, NINE)
    (entry,) = workspace.paths.archive.rglob("* fout.xlsx")
    entry.chmod(0o644)
    entry.write_bytes(b"andere inhoud")
    unblock(blocked)
    drop("incident", "goed.xlsx", seed=3)  # the run still does everything else first

    with pytest.raises(ArchiveDamaged):
        app.process(workspace)

    assert finished(workspace) == [("fout.xlsx", "afgewezen", 0), ("goed.xlsx", "geaccepteerd", 1)]
    assert not (workspace.paths.rejected / SCHOOL).exists()  # still waiting, not handed back
    with pytest.raises(ArchiveDamaged):  # and every run says so again, with its exit code
        app.process(workspace)
    logged = rows(workspace, "SELECT name FROM events WHERE kind = 'archief-beschadigd'")
    assert [r["name"] for r in logged] == ["fout.xlsx", "fout.xlsx"]  # once per run, in the Logboek


# --- hole 7: confidential reports go to the office only --------------------------------------------


def test_a_rejected_report_of_sexual_misconduct_by_staff_goes_to_the_office_with_a_neutral_notice(
    workspace: Settings, drop: Filler
) -> None:
    original = drop(
        "incident",
        "melding meester Kees.xlsx",
        categorie=SGG,
        dader_rol="personeel",
        dader_groep=None,
        leerling_ref="48213",
        ingevuld_door="J. Jansen, leerkracht groep 5",
        omschrijving=DESCRIPTION,
        locatie=None,  # so it is rejected
    ).read_bytes()

    counts = process_at(workspace, NINE)

    assert counts.rejected == 1
    office = workspace.paths.rejected / OFFICE_ONLY / SCHOOL
    assert sorted(p.name for p in office.iterdir()) == [
        "melding meester Kees - met opmerkingen.xlsx",
        "melding meester Kees - uitleg.txt",
        "melding meester Kees.xlsx",
    ]
    assert (office / "melding meester Kees.xlsx").read_bytes() == original
    assert "Locatie" in (office / "melding meester Kees - uitleg.txt").read_text(encoding="utf-8-sig")
    school = workspace.paths.rejected / SCHOOL
    (notice,) = school.iterdir()  # nothing else
    assert without_key(notice.name) == f"Niet verwerkt (ingeleverd {NINE:%d-%m-%Y} om 09.00.05).txt"
    text = notice.read_text(encoding="utf-8-sig")
    assert text == (
        f"Een formulier dat op {NINE:%d-%m-%Y} om 09:00 is ingeleverd, kon niet worden verwerkt.\n"
        "\n"
        "Het bestuurskantoor neemt contact op met wie het heeft ingeleverd.\n"
    )
    for secret in ("Kees", "48213", "Jansen", "gymzaal", "seksueel", "personeel", "melding"):
        assert secret not in text
    (sub,) = rows(workspace, "SELECT rejected_path FROM submissions")
    assert sub["rejected_path"] == f"outbox/afgewezen/{OFFICE_ONLY}/{SCHOOL}/melding meester Kees.xlsx"


@pytest.mark.parametrize(
    ("form_id", "overrides", "why"),
    [
        ("incident", {"categorie": "pesten", "dader_rol": "stagiair", "dader_groep": None}, "a staff member did it"),
        ("incident", {"categorie": None}, "its kind could not be read: it may be sexual misconduct"),
        ("incident", {"categorie": "pesten", "dader_rol": "een collega"}, "a perpetrator outside the list"),
        ("agressie", {}, "aggression against staff"),
    ],
)
def test_a_confidential_rejection_goes_to_the_office(
    workspace: Settings, drop: Filler, form_id: str, overrides: dict[str, Any], why: str
) -> None:
    drop(form_id, "melding.xlsx", **overrides, omschrijving=None)

    process_at(workspace, NINE)

    office = workspace.paths.rejected / OFFICE_ONLY / SCHOOL
    assert (office / "melding.xlsx").exists(), why
    assert [without_key(p.name) for p in (workspace.paths.rejected / SCHOOL).iterdir()] == [
        f"Niet verwerkt (ingeleverd {NINE:%d-%m-%Y} om 09.00.05).txt"
    ]


def test_a_form_of_a_known_kind_that_cannot_be_read_goes_to_the_office(workspace: Settings, drop: Filler) -> None:
    form = drop("incident", "x.xlsx", categorie=SGG).read_bytes()
    (workspace.paths.inbox / "x.xlsx").unlink()
    newer = with_part_changed(form, "xl/workbook.xml", b'name="vf_versie">1<', b'name="vf_versie">7<')
    (workspace.paths.inbox / "melding.xlsx").write_bytes(newer)
    (workspace.paths.inbox / "foto.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(500))  # no form at all

    process_at(workspace, NINE)

    assert (workspace.paths.rejected / OFFICE_ONLY / "school onbekend" / "melding.xlsx").read_bytes() == newer
    assert (workspace.paths.rejected / "school onbekend" / "foto.jpg").exists()  # not confidential by content


def test_a_rejection_that_is_not_confidential_goes_to_the_school_as_before(workspace: Settings, drop: Filler) -> None:
    drop("incident", "fout.xlsx", seed=2, categorie="pesten", dader_rol="leerling", omschrijving=None)

    process_at(workspace, NINE)

    school = workspace.paths.rejected / SCHOOL
    assert sorted(p.name for p in school.iterdir()) == [
        "fout - met opmerkingen.xlsx",
        "fout - uitleg.txt",
        "fout.xlsx",
    ]
    assert not (workspace.paths.rejected / OFFICE_ONLY).exists()


def test_the_confirmation_of_a_confidential_report_goes_to_the_office(workspace: Settings, drop: Filler) -> None:
    drop("agressie", "agressie juf Anna.xlsx")
    drop("incident", "pesten.xlsx", categorie="pesten", dader_rol="leerling")

    process_at(workspace, NINE)

    (agressie,) = [r["regnr"] for r in rows(workspace, "SELECT regnr FROM records WHERE form_id = 'agressie'")]
    (incident,) = [r["regnr"] for r in rows(workspace, "SELECT regnr FROM records WHERE form_id = 'incident'")]
    office = workspace.paths.receipts / OFFICE_ONLY / SCHOOL
    full = (office / f"{agressie} - agressie juf Anna.txt").read_text(encoding="utf-8-sig")
    assert f"Registratienummer: {agressie}" in full and "Vorm van agressie: " in full
    school = workspace.paths.receipts / SCHOOL
    assert sorted(without_key(p.name) for p in school.iterdir()) == [
        f"{incident} - pesten.txt",  # not confidential: the school's, as before
        f"Verwerkt (ingeleverd {NINE:%d-%m-%Y} om 09.00.05).txt",
    ]
    (notice_file,) = school.glob("Verwerkt (ingeleverd *).txt")
    notice = notice_file.read_text(encoding="utf-8-sig")
    assert notice.startswith(f"Een formulier dat op {NINE:%d-%m-%Y} om 09:00 is ingeleverd, is ontvangen en verwerkt.")

    # after the retention period the purge removes the office's confirmation too (it names the file)
    app.purge(workspace, dry_run=False, today=NINE.date().replace(year=NINE.year + 20))
    assert not (office / f"{agressie} - agressie juf Anna.txt").exists()
    for secret in (agressie, "Anna", "agressie", "Vorm"):
        assert secret not in notice


def test_confidentiality_is_judged_on_what_could_be_read() -> None:
    incident = FORMS["incident"]
    plain = {"categorie": "pesten", "dader_rol": "leerling"}
    assert incident.confidential_reason(plain, choices=DEFAULT_CHOICES) is None
    assert incident.confidential_reason(plain | {"categorie": " Seksueel grensoverschrijdend gedrag"}) == SGG
    assert incident.confidential_reason(plain | {"dader_rol": None}) is not None  # may be staff
    assert incident.confidential_reason(plain | {"dader_rol": 3}) is not None  # not a choice at all
    assert incident.confidential_reason(plain | {"dader_rol": "juf"}, choices=DEFAULT_CHOICES) is not None
    assert FORMS["agressie"].confidential_reason({}) is not None
    assert FORMS["ongeval"].confidential_reason({}) is None
    assert FORMS["school"].confidential_reason({}) is None


def test_nothing_is_left_half_written_in_the_service_folder(workspace: Settings, drop: Filler) -> None:
    drop("incident", "fout.xlsx", seed=2, categorie="pesten", omschrijving=None)
    process_at(workspace, NINE)
    assert not [p for p in workspace.paths.state.iterdir() if p.name.startswith(".met opmerkingen")]
    assert any((workspace.paths.rejected / SCHOOL).iterdir())
