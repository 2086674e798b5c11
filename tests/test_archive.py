"""The archive holds its own copy of every original (issue 12, hole 1): read-only, never a link to the
file a colleague dropped, checked against its SHA-256 whenever it is read, and never quietly deleted
or replaced when it no longer has the bytes it was stored with."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from automation import app
from automation.cli import main
from automation.config import Settings, load_settings
from automation.errors import ArchiveDamaged
from automation.intake import files
from tests.conftest import Filler
from tests.helpers import handed_back, only_submission, rows

POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX: a file open elsewhere can be renamed; file modes")


def entries(settings: Settings) -> list[Path]:
    """The originals in the archive (not the register, not what was set aside)."""
    archive = settings.paths.archive
    return sorted(p for p in archive.glob("*/*") if p.is_file() and not p.name.startswith("."))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tamper(entry: Path, data: bytes) -> None:
    """What someone with access to the archive does: make the file writable and save other bytes."""
    entry.chmod(0o644)
    entry.write_bytes(data)
    entry.chmod(0o444)


@POSIX
def test_a_program_writing_through_its_handle_after_acceptance_does_not_change_the_archived_original(
    workspace: Settings, drop: Filler
) -> None:
    dropped = drop("incident", "melding.xlsx")
    accepted = dropped.read_bytes()
    with open(dropped, "r+b") as program:  # the program that saved it still holds it open
        assert app.process(workspace).accepted == 1
        program.seek(0)
        program.write(b"later geschreven" * 64)
        program.flush()
        os.fsync(program.fileno())
    sub = only_submission(workspace)
    archived = workspace.paths.resolve(sub["archive_path"])
    assert sub["sha256"] == sha(accepted)
    assert archived.read_bytes() == accepted
    assert files.read_verified(archived, sub["sha256"]) == accepted


@POSIX
def test_archive_entries_are_read_only_copies_of_their_own_not_links(workspace: Settings, drop: Filler) -> None:
    good = drop("incident", "goed.xlsx")
    wrong = drop("incident", "fout.xlsx", seed=2, omschrijving=None)
    for path in (good, wrong):
        path.chmod(0o666)  # as a share's default mask drops them
    handles = [open(path, "rb") for path in (good, wrong)]  # noqa: SIM115 (closed below)
    try:
        counts = app.process(workspace)
        dropped = {os.fstat(h.fileno()).st_ino for h in handles}
    finally:
        for handle in handles:
            handle.close()
    assert (counts.accepted, counts.rejected) == (1, 1)
    given_back = handed_back(workspace, "fout.xlsx").stat().st_ino
    kept = entries(workspace)
    assert len(kept) == 2
    for entry in kept:
        st = entry.stat()
        assert stat.S_IMODE(st.st_mode) == 0o444, entry
        assert st.st_nlink == 1, entry
        assert st.st_ino not in dropped | {given_back}, entry
        assert st.st_uid == os.getuid(), entry  # the service account's, not the dropper's
    assert not list(workspace.paths.archive.rglob(".*.tmp"))


@POSIX
def test_a_purge_stops_on_a_changed_original_says_so_in_the_logboek_and_deletes_nothing(
    workspace: Settings, drop: Filler
) -> None:
    old_day = dt.date(dt.date.today().year - 6, 3, 10)  # outside the default five school years
    drop("incident", "oud.xlsx", seed=1, datum=old_day, datum_ingevuld=old_day)
    app.process(workspace)
    sub = only_submission(workspace)
    archived = workspace.paths.resolve(sub["archive_path"])
    tamper(archived, b"iemand heeft dit veranderd")
    records = [dict(r) for r in rows(workspace, "SELECT * FROM records")]
    register = workspace.paths.journal.read_text(encoding="utf-8")
    config = str(workspace.paths.config)

    for command in (["purge", "--proef"], ["purge"]):
        result = CliRunner().invoke(main, ["--config", config, *command])
        assert result.exit_code == ArchiveDamaged.exit_code == 7, result.output
        assert result.stderr.startswith("Fout: Opschonen gestopt: 1 origineel in het archief is veranderd of weg")
        assert result.stderr.count("\n") == 1 and "er is niets verwijderd" in result.stderr

    events = rows(workspace, "SELECT * FROM events WHERE kind = 'archief-beschadigd'")
    assert len(events) == 2  # each attempt that found it
    assert {e["name"] for e in events} == {"oud.xlsx"} and {e["sha256"] for e in events} == {sub["sha256"]}
    assert f"in plaats van {sub['sha256'][:12]}" in events[-1]["message"]
    assert archived.read_bytes() == b"iemand heeft dit veranderd"  # the evidence stays
    assert [dict(r) for r in rows(workspace, "SELECT * FROM records")] == records
    assert dict(only_submission(workspace)) == dict(sub)
    assert workspace.paths.journal.read_text(encoding="utf-8") == register


def test_a_purge_stops_when_an_original_it_would_remove_is_gone(workspace: Settings, drop: Filler) -> None:
    old_day = dt.date(dt.date.today().year - 6, 3, 10)
    drop("incident", "oud.xlsx", seed=1, datum=old_day, datum_ingevuld=old_day)
    app.process(workspace)
    sub = only_submission(workspace)
    files.remove_entry(workspace.paths.resolve(sub["archive_path"]))
    with pytest.raises(ArchiveDamaged, match="er is niets verwijderd"):
        app.purge(workspace, dry_run=False)
    (event,) = rows(workspace, "SELECT * FROM events WHERE kind = 'archief-beschadigd'")
    assert "niet (meer) leesbaar" in event["message"]
    assert dict(only_submission(workspace)) == dict(sub)


@POSIX
def test_a_purge_removes_read_only_originals(workspace: Settings, drop: Filler) -> None:
    old_day = dt.date(dt.date.today().year - 6, 3, 10)
    drop("incident", "oud.xlsx", seed=1, datum=old_day, datum_ingevuld=old_day)
    app.process(workspace)
    (archived,) = entries(workspace)
    report = app.purge(workspace, dry_run=False)
    assert report.archive_files == 1 and not archived.exists()


@POSIX
def test_a_changed_entry_is_set_aside_not_deleted_when_the_same_bytes_arrive_again(
    workspace: Settings, drop: Filler, caplog: pytest.LogCaptureFixture
) -> None:
    original = drop("incident", "melding.xlsx").read_bytes()
    app.process(workspace)
    archived = workspace.paths.resolve(only_submission(workspace)["archive_path"])
    tamper(archived, b"niet het origineel")
    (workspace.paths.inbox / "melding.xlsx").write_bytes(original)  # sent again
    with caplog.at_level(logging.ERROR):
        counts = app.process(workspace)
    assert counts.duplicates == 1
    assert archived.read_bytes() == original and stat.S_IMODE(archived.stat().st_mode) == 0o444
    (aside,) = archived.parent.glob(f".{archived.name}.beschadigd-*")
    assert aside.read_bytes() == b"niet het origineel"
    assert "apart gezet" in caplog.text and aside.name in caplog.text


def too_large_to_hold(settings: Settings) -> Settings:
    """A board that takes no file over 1 KB: a form is then kept without being held in memory."""
    config = settings.paths.config
    text = config.read_text(encoding="utf-8")
    assert "max_bestandsgrootte_mb = 25" in text
    config.write_text(text.replace("max_bestandsgrootte_mb = 25", "max_bestandsgrootte_mb = 0.001"), encoding="utf-8")
    return load_settings(config)


@POSIX
def test_a_file_too_large_to_hold_is_copied_and_checked_and_one_changed_meanwhile_waits(
    workspace: Settings, drop: Filler, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = too_large_to_hold(workspace)
    dropped = drop("incident", "groot.xlsx")
    with open(dropped, "r+b") as program:

        def program_writes_meanwhile(src: int, dst: int) -> bool:  # between hashing and copying
            program.seek(0, os.SEEK_END)
            program.write(b"nog meer")
            program.flush()
            return False  # no clone here: copied

        monkeypatch.setattr(files, "_clone", program_writes_meanwhile)
        with caplog.at_level(logging.ERROR):
            counts = app.process(settings, wait_limit=0)
        monkeypatch.undo()
    assert (counts.accepted, counts.rejected) == (0, 0)
    assert "is veranderd nadat het werd gelezen" in caplog.text
    assert not entries(settings) and not list(settings.paths.archive.rglob(".*.tmp"))
    final = (settings.paths.inbox / "groot.xlsx").read_bytes()  # back in the inbox, as it is now
    assert final.endswith(b"nog meer")

    assert app.process(settings).rejected == 1  # too large to be a form
    sub = only_submission(settings)
    archived = settings.paths.resolve(sub["archive_path"])
    assert sub["sha256"] == sha(final) and archived.read_bytes() == final
    assert stat.S_IMODE(archived.stat().st_mode) == 0o444 and archived.stat().st_nlink == 1


@POSIX
def test_entries_kept_by_an_earlier_version_as_links_get_their_own_read_only_copy(
    workspace: Settings, drop: Filler, tmp_path: Path
) -> None:
    drop("incident", "gelinkt.xlsx", seed=1)
    drop("incident", "schrijfbaar.xlsx", seed=2)
    app.process(workspace)
    by_name = {p.name.split(" ", 1)[1]: p for p in entries(workspace)}
    linked, writable = by_name["gelinkt.xlsx"], by_name["schrijfbaar.xlsx"]
    kept = {p: p.read_bytes() for p in (linked, writable)}
    for entry in (linked, writable):
        entry.chmod(0o666)
    dropped = tmp_path / "nog in de inbox.xlsx"
    os.link(linked, dropped)  # as the earlier version kept it: one file, two names

    assert files.seal_archive(workspace.paths.archive) == 2
    assert files.seal_archive(workspace.paths.archive) == 0
    for entry, data in kept.items():
        st = entry.stat()
        assert (stat.S_IMODE(st.st_mode), st.st_nlink, entry.read_bytes()) == (0o444, 1, data)
    assert linked.stat().st_ino != dropped.stat().st_ino and dropped.read_bytes() == kept[linked]
