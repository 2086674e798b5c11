"""No number given twice, and nothing lost when the archive or the database goes (issue 12, holes 2
and 3): the archive's register keeps every number given out, the confirmations are a third record,
a missing archive is refused like a missing inbox, and a working folder can move."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from automation import app
from automation.cli import main
from automation.config import Settings, load_settings
from automation.errors import FolderError
from automation.intake import journal
from automation.intake.pipeline import Intake
from tests.conftest import Filler
from tests.helpers import rows


def numbers(settings: Settings) -> dict[str, str]:
    """Registration number → the name of the file that holds it (registrations only)."""
    return {
        r["regnr"]: r["original_name"]
        for r in rows(
            settings,
            "SELECT s.regnr, s.original_name FROM records r JOIN submissions s ON s.id = r.submission_id",
        )
    }


def cli(settings: Settings, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--config", str(settings.paths.config), *args])
    return result.exit_code, result.stdout, result.stderr


def three_incidents(settings: Settings, drop: Filler) -> dict[str, str]:
    for seed, name in enumerate(("eerste.xlsx", "tweede.xlsx", "derde.xlsx"), start=1):
        drop("incident", name, seed=seed)
        app.process(settings)  # one at a time: numbers in this order
    given = numbers(settings)
    assert sorted(given.values()) == ["derde.xlsx", "eerste.xlsx", "tweede.xlsx"]
    return given


def archived(settings: Settings, name: str) -> Path:
    (entry,) = [e for e in journal.read(settings.paths.journal) if e.name == name]
    assert entry.regnr, "the archive's register keeps the number given"
    return settings.paths.archive / entry.archive


def test_the_archive_register_keeps_each_number_given(workspace: Settings, drop: Filler) -> None:
    given = three_incidents(workspace, drop)
    in_journal = {e.regnr: e.name for e in journal.read(workspace.paths.journal) if e.regnr}
    assert in_journal == given


def test_rebuild_from_an_incomplete_archive_keeps_numbers_and_says_what_it_could_not_restore(
    workspace: Settings, drop: Filler
) -> None:
    given = three_incidents(workspace, drop)
    by_name = {name: regnr for regnr, name in given.items()}
    gone = archived(workspace, "tweede.xlsx")
    gone.chmod(0o644)
    gone.unlink()

    code, _out, err = cli(workspace, "rebuild", "--toch")

    assert code == 0, err
    after = numbers(workspace)
    assert after == {by_name["eerste.xlsx"]: "eerste.xlsx", by_name["derde.xlsx"]: "derde.xlsx"}
    assert "tweede.xlsx" in err and by_name["tweede.xlsx"] in err, "the rebuild names what it could not restore"
    logged = [r["message"] for r in rows(workspace, "SELECT message FROM events WHERE kind = 'niet-hersteld'")]
    assert any(by_name["tweede.xlsx"] in m for m in logged)

    # a new incident never gets the number the lost one had (nor any other given out)
    drop("incident", "vierde.xlsx", seed=4)
    app.process(workspace)
    newest = {name: regnr for regnr, name in numbers(workspace).items()}["vierde.xlsx"]
    assert newest not in given
    assert newest > max(given)

    # and a second rebuild still knows the gap
    code, _, err = cli(workspace, "rebuild", "--toch")
    assert code == 0 and by_name["tweede.xlsx"] in err
    assert numbers(workspace)[newest] == "vierde.xlsx"


def test_a_number_only_a_confirmation_still_knows_is_never_given_again(workspace: Settings, drop: Filler) -> None:
    given = three_incidents(workspace, drop)
    last = max(given)
    # the archive's register lost its last line (restored from an older backup), the original too
    entries = journal.read(workspace.paths.journal)
    (lost,) = [e for e in entries if e.regnr == last]
    (workspace.paths.archive / lost.archive).chmod(0o644)
    (workspace.paths.archive / lost.archive).unlink()
    journal.rewrite(workspace.paths.journal, [e for e in entries if e.regnr != last], keep_previous=False)
    assert list(workspace.paths.receipts.rglob(f"{last} - *.txt")), "the confirmation names the number"

    code, _, err = cli(workspace, "rebuild", "--toch")

    assert code == 0
    assert last in err and "bevestiging" in err
    drop("incident", "nieuw.xlsx", seed=9)
    app.process(workspace)
    assert {name: regnr for regnr, name in numbers(workspace).items()}["nieuw.xlsx"] > last


def test_a_changed_original_stops_the_rebuild_loudly_and_is_not_turned_into_a_rejection(
    workspace: Settings, drop: Filler
) -> None:
    given = three_incidents(workspace, drop)
    by_name = {name: regnr for regnr, name in given.items()}
    changed = archived(workspace, "eerste.xlsx")
    changed.chmod(0o644)
    changed.write_bytes(changed.read_bytes() + b"anders")

    code, out, err = cli(workspace, "rebuild", "--toch")

    assert code == 7, (out, err)
    assert err.count("\n") == 1 and "eerste.xlsx" in err and "veranderd" in err
    assert rows(workspace, "SELECT count(*) AS n FROM submissions WHERE outcome = 'afgewezen'")[0]["n"] == 0
    assert rows(workspace, "SELECT count(*) AS n FROM events WHERE kind = 'archief-beschadigd'")[0]["n"] == 1
    after = numbers(workspace)
    assert after == {by_name["tweede.xlsx"]: "tweede.xlsx", by_name["derde.xlsx"]: "derde.xlsx"}


def test_a_missing_or_empty_archive_is_refused_like_a_missing_inbox(workspace: Settings, drop: Filler) -> None:
    three_incidents(workspace, drop)
    moved = workspace.paths.archive.with_name("archief-weg")
    workspace.paths.archive.rename(moved)  # the share is not connected
    drop("incident", "later.xlsx", seed=7)

    for command in (["process"], ["process", "--json"]):
        code, out, err = cli(workspace, *command)
        assert code == 3, (out, err)
        assert "archief" in (err + out).lower()
    assert (workspace.paths.inbox / "later.xlsx").exists(), "nothing was taken"
    assert not workspace.paths.archive.exists(), "no new, empty archive was made"

    workspace.paths.archive.mkdir()  # an empty folder where the archive should be
    code, _, err = cli(workspace, "process")
    assert code == 3 and "leeg" in err
    assert len(err.strip().splitlines()) == 1

    workspace.paths.archive.rmdir()
    moved.rename(workspace.paths.archive)
    code, _, err = cli(workspace, "process")
    assert code == 0, err
    assert "later.xlsx" in numbers(workspace).values()


def test_a_fresh_database_numbers_after_the_confirmations(workspace: Settings, drop: Filler) -> None:
    """Database and archive both gone (a new server, only the outbox copied over): the confirmations
    still say which numbers were given, and new ones follow them."""
    given = three_incidents(workspace, drop)
    shutil.rmtree(workspace.paths.archive)
    for leftover in workspace.paths.data.iterdir():
        leftover.unlink()
    drop("incident", "nieuw.xlsx", seed=5)

    code, _, err = cli(workspace, "process")

    assert code == 0, err
    assert {name: regnr for regnr, name in numbers(workspace).items()}["nieuw.xlsx"] > max(given)


def test_the_working_folder_can_move(workspace: Settings, drop: Filler, tmp_path: Path) -> None:
    three_incidents(workspace, drop)
    drop("incident", "fout.xlsx", seed=4, omschrijving=None)  # a rejected one: its hand-back path is stored too
    app.process(workspace)
    stored = rows(workspace, "SELECT inbox_path, archive_path, rejected_path FROM submissions")
    for row in stored:
        for value in row:
            assert value is None or value == "" or not Path(value).is_absolute(), value

    target = tmp_path / "verhuisd"
    shutil.move(str(workspace.paths.root), target)
    moved = load_settings(target / "veiligheid.toml")

    code, out, _ = cli(moved, "status", "--json")
    assert code == 0
    assert json.loads(out)["paths"]["inbox"].startswith(str(target))

    drop_into = moved.paths.inbox / "na de verhuizing.xlsx"
    shutil.copyfile(next(moved.paths.archive.rglob("* eerste.xlsx")), drop_into)  # the same file again
    code, _, err = cli(moved, "process")
    assert code == 0, err
    assert not drop_into.exists()

    code, _, err = cli(moved, "rebuild", "--toch")
    assert code == 0, err
    assert "ontbreken" not in err and "niet hersteld" not in err
    assert sorted(numbers(moved).values()) == ["derde.xlsx", "eerste.xlsx", "tweede.xlsx"]


def test_a_database_put_back_from_an_older_backup_never_gives_a_number_again(workspace: Settings, drop: Filler) -> None:
    given = three_incidents(workspace, drop)
    backup = workspace.paths.data / "reservekopie.sqlite"
    shutil.copyfile(workspace.paths.database, backup)
    for seed, name in ((4, "vierde.xlsx"), (5, "vijfde.xlsx")):
        drop("incident", name, seed=seed)
        app.process(workspace)
    later = numbers(workspace)
    shutil.copyfile(backup, workspace.paths.database)  # the office puts back last week's backup
    drop("incident", "zesde.xlsx", seed=6)

    app.process(workspace)

    sixth = {name: regnr for regnr, name in numbers(workspace).items()}["zesde.xlsx"]
    assert sixth not in later and sixth > max(later)
    # and a rebuild brings back all six, each under the number its sender was told
    code, _, err = cli(workspace, "rebuild", "--toch")
    assert code == 0, err
    assert numbers(workspace) == later | {sixth: "zesde.xlsx"}
    assert set(given) <= set(later)


def test_register_lines_from_before_numbers_were_kept_get_their_number_from_the_confirmation(
    workspace: Settings, drop: Filler
) -> None:
    given = three_incidents(workspace, drop)
    by_name = {name: regnr for regnr, name in given.items()}
    entries = journal.read(workspace.paths.journal)
    journal.rewrite(workspace.paths.journal, [replace(e, regnr=None) for e in entries], keep_previous=False)
    gone = archived_path(workspace, "tweede.xlsx")
    gone.chmod(0o644)
    gone.unlink()

    code, _, err = cli(workspace, "rebuild", "--toch")

    assert code == 0, err
    assert numbers(workspace) == {by_name["eerste.xlsx"]: "eerste.xlsx", by_name["derde.xlsx"]: "derde.xlsx"}
    assert by_name["tweede.xlsx"] in err


def test_a_register_restored_from_an_older_backup_keeps_the_numbers_of_the_confirmations(
    workspace: Settings, drop: Filler
) -> None:
    """Most lines lost, every original's file time the same (as a restore from backup leaves them):
    the confirmations still decide the numbers."""
    given = three_incidents(workspace, drop)
    entries = journal.read(workspace.paths.journal)
    journal.rewrite(workspace.paths.journal, entries[:1], keep_previous=False)
    restored = time.time()
    for entry in workspace.paths.archive.glob("*/*"):
        os.utime(entry, (restored, restored))

    code, _, err = cli(workspace, "rebuild", "--toch")

    assert code == 0, err
    assert numbers(workspace) == given


def test_a_rebuild_that_is_interrupted_leaves_the_database_as_it_was(
    workspace: Settings, drop: Filler, monkeypatch: pytest.MonkeyPatch
) -> None:
    three_incidents(workspace, drop)
    before = workspace.paths.database.read_bytes()
    calls = 0
    replay = Intake.replay

    def killed_midway(self: Intake, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt  # as Ctrl-C, or a kill, halfway
        return replay(self, *args, **kwargs)

    monkeypatch.setattr(Intake, "replay", killed_midway)
    with pytest.raises(KeyboardInterrupt):
        app.rebuild(workspace, anyway=True)

    assert workspace.paths.database.read_bytes() == before
    monkeypatch.undo()
    drop("incident", "daarna.xlsx", seed=8)
    app.process(workspace)
    assert len(numbers(workspace)) == 4


def archived_path(settings: Settings, name: str) -> Path:
    (entry,) = [e for e in journal.read(settings.paths.journal) if e.name == name]
    return settings.paths.archive / entry.archive


def test_an_archive_that_disappears_while_the_product_runs_is_not_replaced_by_a_new_one(
    workspace: Settings, drop: Filler
) -> None:
    three_incidents(workspace, drop)
    with app.open_runner(workspace) as runner:  # as the watcher: started while the archive was there
        moved = workspace.paths.archive.with_name("archief-weg")
        workspace.paths.archive.rename(moved)  # the share goes away
        drop("incident", "tijdens.xlsx", seed=7)
        with pytest.raises(FolderError, match="verdwenen"):
            runner.process_once(wait_limit=0)
    assert not workspace.paths.archive.exists()
    assert (workspace.paths.inbox / "tijdens.xlsx").exists()
    moved.rename(workspace.paths.archive)
    app.process(workspace)
    assert "tijdens.xlsx" in numbers(workspace).values()


def test_a_copied_folder_with_an_older_database_only_touches_its_own_files(
    workspace: Settings, drop: Filler, tmp_path: Path
) -> None:
    """A database from before paths were relative holds absolute paths; a copy of the working folder
    (made before its first run of this version) must act on its own files, never the original's."""
    three_incidents(workspace, drop)
    drop("incident", "fout.xlsx", seed=4, omschrijving=None)
    app.process(workspace)
    root = str(workspace.paths.root)
    with sqlite3.connect(workspace.paths.database) as conn:  # as an older version stored them
        for column in ("archive_path", "rejected_path"):
            conn.execute(f"UPDATE submissions SET {column} = ? || '/' || {column} WHERE {column} != ''", (root,))
    (workspace.paths.state / "paden-relatief").unlink()
    copy = tmp_path / "kopie"
    shutil.copytree(workspace.paths.root, copy)
    copied = load_settings(copy / "veiligheid.toml")
    before = sorted(p.relative_to(workspace.paths.root) for p in workspace.paths.root.rglob("*") if p.is_file())

    stored = rows(copied, "SELECT archive_path, rejected_path FROM submissions")
    for row in stored:
        assert copied.paths.resolve(row["archive_path"]).is_relative_to(copy)
        if row["rejected_path"]:
            assert copied.paths.resolve(row["rejected_path"]).is_relative_to(copy)
    copy_files = len([p for p in copy.rglob("*") if p.is_file()])
    app.purge(copied, dry_run=False, today=dt.date.today().replace(year=dt.date.today().year + 20))
    assert len([p for p in copy.rglob("*") if p.is_file()]) < copy_files, "the copy's own old files went"
    app.process(copied)
    after = sorted(p.relative_to(workspace.paths.root) for p in workspace.paths.root.rglob("*") if p.is_file())
    assert after == before, "the original working folder is untouched"
