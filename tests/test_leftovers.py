"""Files the intake never takes get a word (issue 12, hole 6): lock files, hidden and temporary files,
links and folders in the inbox, and a file that keeps waiting, are listed by `status`, on the
Overzicht and in a note in the school's rejected folder once they stayed longer than configured;
the leftovers themselves are never touched."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from automation import app
from automation.cli import main
from automation.config import Settings, load_settings
from automation.excel.publish import MasterPublisher
from automation.intake import leftovers
from automation.intake.leftovers import NOTE_NAME, Kind
from automation.store import Store
from tests.conftest import Filler
from tests.helpers import wait_for

T0 = dt.datetime(2026, 12, 3, 9, 0)


def with_minutes(settings: Settings, minutes: float) -> Settings:
    config = settings.paths.config
    text = config.read_text(encoding="utf-8")
    assert "onbehandeld_melden_na_minuten = 60" in text  # the commented config the workspace writes
    config.write_text(
        text.replace("onbehandeld_melden_na_minuten = 60", f"onbehandeld_melden_na_minuten = {minutes:g}")
    )
    return load_settings(config)


def inbox_state(inbox: Path) -> dict[str, tuple[str, bytes | None]]:
    """Every entry in the inbox with its kind and bytes: nothing may be moved or changed."""
    found: dict[str, tuple[str, bytes | None]] = {}
    for path in inbox.iterdir():
        if path.is_symlink():
            found[path.name] = ("link", str(path.readlink()).encode())
        elif path.is_dir():
            found[path.name] = ("dir", None)
        else:
            found[path.name] = ("file", path.read_bytes())
    return found


def note(settings: Settings, folder: str) -> str:
    return (settings.paths.rejected / folder / NOTE_NAME).read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def test_every_kind_the_intake_leaves_alone_is_named_with_its_reason_once_it_stayed_long_enough(
    workspace: Settings,
) -> None:
    inbox = workspace.paths.inbox
    (inbox / "~$melding.xlsx").write_bytes(b"lock")
    (inbox / ".~lock.peiling.xlsx#").write_bytes(b"lock")
    (inbox / ".verborgen.xlsx").write_bytes(b"x")
    (inbox / "formulier.xlsx.crdownload").write_bytes(b"x")
    (inbox / "~WRL0001.tmp").write_bytes(b"x")
    (inbox / "submap").mkdir()
    (inbox / "koppeling.xlsx").symlink_to(workspace.paths.root / "veiligheid.toml")
    (inbox / "Thumbs.db").write_bytes(b"x")  # the system's own clutter: nobody dropped it
    (inbox / "desktop.ini").write_bytes(b"x")
    (workspace.paths.staging).mkdir()  # the product's own staging folder
    before = inbox_state(inbox)

    assert leftovers.tell(workspace, now=T0) == []  # first seen now: not yet
    assert leftovers.tell(workspace, now=T0 + dt.timedelta(minutes=59)) == []
    told = leftovers.tell(workspace, now=T0 + dt.timedelta(minutes=60))

    assert {item.name: item.kind for item in told} == {
        "~$melding.xlsx": Kind.LOCK,
        ".~lock.peiling.xlsx#": Kind.LOCK,
        ".verborgen.xlsx": Kind.HIDDEN,
        "formulier.xlsx.crdownload": Kind.TEMPORARY,
        "~WRL0001.tmp": Kind.TEMPORARY,
        "submap": Kind.FOLDER,
        "koppeling.xlsx": Kind.LINK,
    }
    assert {item.since for item in told} == {T0}
    assert {item.kind: item.reason for item in told}[Kind.LOCK].startswith(
        "vergrendelbestand van Office: de werkmap is (of was) geopend in Excel of LibreOffice"
    )
    assert {item.kind: item.reason for item in told}[Kind.FOLDER] == (
        "map: mappen worden niet verwerkt; zet de bestanden zelf in de inbox, niet in een map"
    )
    assert inbox_state(inbox) == before, "the leftovers are never touched"


def test_age_is_counted_from_the_first_look_not_from_the_files_mtime(workspace: Settings) -> None:
    lock = workspace.paths.inbox / "~$oud.xlsx"
    lock.write_bytes(b"lock")
    long_ago = (T0 - dt.timedelta(days=30)).timestamp()
    os.utime(lock, (long_ago, long_ago))  # a copy keeps its source's mtime: no proof of age
    assert leftovers.tell(workspace, now=T0) == []
    assert [i.since for i in leftovers.tell(workspace, now=T0 + dt.timedelta(hours=2))] == [T0]
    # gone and back: counted from its return
    lock.unlink()
    assert leftovers.tell(workspace, now=T0 + dt.timedelta(hours=3)) == []
    lock.write_bytes(b"lock")
    assert leftovers.tell(workspace, now=T0 + dt.timedelta(hours=4)) == []
    assert [i.since for i in leftovers.tell(workspace, now=T0 + dt.timedelta(hours=5))] == [T0 + dt.timedelta(hours=4)]


def test_a_note_goes_to_the_schools_rejected_folder_is_rewritten_when_the_list_changes_and_removed_when_empty(
    workspace: Settings,
) -> None:
    inbox = workspace.paths.inbox
    (inbox / "~$incident 12AB.xlsx").write_bytes(b"lock")
    (inbox / ".melding Het Anker.xlsx").write_bytes(b"x")  # the school's name in it
    (inbox / "download.part").write_bytes(b"x")  # no school
    leftovers.tell(workspace, now=T0)
    leftovers.tell(workspace, now=T0 + dt.timedelta(hours=1))

    assert note(workspace, "12AB OBS De Regenboog") == (
        f"Dit bestand staat in de inbox ({inbox}), maar wordt niet verwerkt. Het programma laat het daar staan en "
        "raakt het niet aan; haal weg of pas aan wat hieronder staat.\n\n"
        '- "~$incident 12AB.xlsx" (sinds 03-12-2026 09:00): vergrendelbestand van Office: de werkmap is (of was) '
        "geopend in Excel of LibreOffice; sluit de werkmap, blijft dit bestand daarna staan, dan mag het weg.\n\n"
        "Dit bericht verdwijnt vanzelf zodra er niets meer blijft staan.\n"
    )
    assert '".melding Het Anker.xlsx"' in note(workspace, "34CD CBS Het Anker")
    assert '"download.part"' in note(workspace, "school onbekend")
    assert not (workspace.paths.rejected / "56EF IKC De Vlinder").exists()
    assert sorted(p.name for p in inbox.iterdir()) == [
        ".melding Het Anker.xlsx",
        "download.part",
        "~$incident 12AB.xlsx",
    ], "no note is ever written inside the inbox"

    written = (workspace.paths.rejected / "school onbekend" / NOTE_NAME).stat().st_mtime_ns
    leftovers.tell(workspace, now=T0 + dt.timedelta(hours=2))  # nothing changed: not rewritten
    assert (workspace.paths.rejected / "school onbekend" / NOTE_NAME).stat().st_mtime_ns == written

    (inbox / "tweede.tmp").write_bytes(b"x")
    leftovers.tell(workspace, now=T0 + dt.timedelta(hours=3))
    assert '"tweede.tmp"' not in note(workspace, "school onbekend")  # new: not yet due
    leftovers.tell(workspace, now=T0 + dt.timedelta(hours=4))
    assert '"tweede.tmp" (sinds 03-12-2026 12:00)' in note(workspace, "school onbekend")

    (inbox / "~$incident 12AB.xlsx").unlink()  # Excel closed
    leftovers.tell(workspace, now=T0 + dt.timedelta(hours=5))
    assert not (workspace.paths.rejected / "12AB OBS De Regenboog" / NOTE_NAME).exists()
    for name in (".melding Het Anker.xlsx", "download.part", "tweede.tmp"):
        (inbox / name).unlink()
    assert leftovers.tell(workspace, now=T0 + dt.timedelta(hours=6)) == []
    assert list(workspace.paths.rejected.rglob(NOTE_NAME)) == []


def test_a_lock_file_is_tied_to_the_school_on_the_workbook_it_locks(workspace: Settings, drop: Filler) -> None:
    drop("incident", "melding van dinsdag.xlsx", school="56EF")  # still in the inbox: open in Excel
    (workspace.paths.inbox / "~$melding van dinsdag.xlsx").write_bytes(b"lock")
    (workspace.paths.inbox / "~$iets anders.xlsx").write_bytes(b"lock")
    leftovers.tell(workspace, now=T0)
    told = {i.name: i.school for i in leftovers.tell(workspace, now=T0 + dt.timedelta(hours=1))}
    assert told == {"~$melding van dinsdag.xlsx": "56EF", "~$iets anders.xlsx": None, "melding van dinsdag.xlsx": None}
    assert '"~$melding van dinsdag.xlsx"' in note(workspace, "56EF IKC De Vlinder")


def test_an_inbox_that_is_briefly_gone_changes_nothing(workspace: Settings) -> None:
    (workspace.paths.inbox / "~$melding.xlsx").write_bytes(b"lock")
    leftovers.tell(workspace, now=T0)
    assert len(leftovers.tell(workspace, now=T0 + dt.timedelta(hours=1))) == 1
    away = workspace.paths.inbox.rename(workspace.paths.inbox.with_name("inbox-weg"))  # the share is not connected
    assert leftovers.tell(workspace, now=T0 + dt.timedelta(hours=2)) == []
    assert '"~$melding.xlsx" (sinds 03-12-2026 09:00)' in note(workspace, "school onbekend"), "the note stays"
    away.rename(workspace.paths.inbox)
    assert [i.since for i in leftovers.tell(workspace, now=T0 + dt.timedelta(hours=3))] == [T0], "still counted from T0"


def test_a_file_that_keeps_waiting_is_named_too(workspace: Settings) -> None:
    (workspace.paths.inbox / "open in excel.xlsx").write_bytes(b"PK")  # one the intake would take
    leftovers.tell(workspace, now=T0)
    (told,) = leftovers.tell(workspace, now=T0 + dt.timedelta(hours=1))
    assert (told.name, told.kind) == ("open in excel.xlsx", Kind.WAITING)
    assert told.reason.startswith("wacht al lang: het wordt nog geschreven of is geopend (vergrendeld)")


def run(settings: Settings, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--config", str(settings.paths.config), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def overview_rows(settings: Settings) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(settings.paths.master, read_only=True)
    try:
        return [tuple(r) for r in wb["Overzicht"].iter_rows(values_only=True)]
    finally:
        wb.close()


def unhandled_section(settings: Settings) -> list[tuple[object, ...]]:
    rows = overview_rows(settings)
    start = next(i for i, r in enumerate(rows) if str(r[0]).startswith("Niet verwerkt in de inbox ("))
    section = [rows[start]]
    for row in rows[start + 2 :]:
        if not row or (row[0] is None and row[2] is None):
            break
        section.append(row)
    return section


def test_status_and_the_overzicht_list_them(workspace: Settings) -> None:
    settings = with_minutes(workspace, 0)
    (settings.paths.inbox / "~$melding 34CD.xlsx").write_bytes(b"lock")
    code, _, _ = run(settings, "process")
    assert code == 0
    section = unhandled_section(settings)
    assert section[0][0] == "Niet verwerkt in de inbox (1)"
    assert section[1][:3] == ("34CD", "CBS Het Anker", "~$melding 34CD.xlsx")
    assert str(section[1][4]).startswith("vergrendelbestand van Office")

    code, out, err = run(settings, "status")
    assert (code, err) == (0, "")
    assert "Niet verwerkt in de inbox (langer dan 0 minuten; de afzender ziet een melding in afgewezen/):" in out
    assert "  ~$melding 34CD.xlsx (sinds " in out and ", 34CD): vergrendelbestand van Office" in out
    code, out, _ = run(settings, "status", "--json")
    report = json.loads(out)
    assert code == 0 and report["problems"] == []
    (item,) = report["onbehandeld"]
    assert {k: item[k] for k in ("naam", "soort", "school")} == {
        "naam": "~$melding 34CD.xlsx",
        "soort": "vergrendelbestand",
        "school": "34CD",
    }


def test_with_nothing_left_over_the_overzicht_has_no_such_section(workspace: Settings) -> None:
    assert run(workspace, "process")[0] == 0
    assert not [r for r in overview_rows(workspace) if str(r[0]).startswith("Niet verwerkt in de inbox")]


def test_a_list_that_changes_without_a_new_registration_makes_the_master_out_of_date(workspace: Settings) -> None:
    """The reported list lives in a file of its own, rewritten only when the list changes: a master
    publisher that depends on it rebuilds once the list changed (`MasterPublisher.depends_on`)."""
    settings = with_minutes(workspace, 0)
    assert run(settings, "process")[0] == 0
    store = Store.open(settings.paths.database, create=False)
    try:
        publisher = MasterPublisher(
            target=settings.paths.master,
            store=store,
            write=lambda moment: Path(),  # not called
            stamps=settings.paths.master_stamp,
            registers=(),
            depends_on=(leftovers.reported_record(settings),),
        )
        record = leftovers.reported_record(settings)
        master = settings.paths.master.stat().st_mtime
        os.utime(record, (master - 20, master - 20))  # written with the master, a while ago
        os.utime(settings.paths.master, (master - 10, master - 10))
        leftovers.tell(settings)
        assert not publisher.out_of_date(), "the same (empty) list: the record is not rewritten"
        (settings.paths.inbox / "~$nieuw.xlsx").write_bytes(b"lock")
        leftovers.tell(settings)
        assert publisher.out_of_date()
    finally:
        store.close()


def test_process_refreshes_the_overzicht_when_only_the_list_changed(workspace: Settings) -> None:
    settings = with_minutes(workspace, 0)
    assert run(settings, "process")[0] == 0
    master = settings.paths.master.stat().st_mtime
    os.utime(settings.paths.master, (master - 10, master - 10))
    (settings.paths.inbox / "~$nieuw.xlsx").write_bytes(b"lock")
    assert run(settings, "process")[0] == 0
    assert unhandled_section(settings)[0][0] == "Niet verwerkt in de inbox (1)"


@pytest.mark.slow
def test_the_watcher_names_a_leftover_on_the_overzicht_at_its_next_rescan(workspace: Settings) -> None:
    config = workspace.paths.config
    config.write_text(
        config.read_text(encoding="utf-8")
        .replace("onbehandeld_melden_na_minuten = 60", "onbehandeld_melden_na_minuten = 0")
        .replace("herscan_seconden = 60", "herscan_seconden = 0.5"),
        encoding="utf-8",
    )
    settings = load_settings(config)
    stop = threading.Event()
    thread = threading.Thread(target=app.run_watch, args=(settings,), kwargs={"poll": 0.2, "stop": stop})
    thread.start()
    try:
        wait_for(settings.paths.master.exists, what="the first master")
        (settings.paths.inbox / "~$melding 56EF.xlsx").write_bytes(b"lock")
        wait_for(
            lambda: any(str(r[0]).startswith("Niet verwerkt in de inbox (1)") for r in overview_rows(settings)),
            what="the leftover on the Overzicht",
        )
        assert '"~$melding 56EF.xlsx"' in note(settings, "56EF IKC De Vlinder")
    finally:
        stop.set()
        thread.join(timeout=10)
