"""Kill the processing with SIGKILL at every kind of moment; after restarts nothing is lost or doubled."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from automation.config import Settings
from automation.excel.fill import variants
from automation.intake import faults
from tests.conftest import Filler

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="uses SIGKILL")]


# where to kill, and how many passes of that point to allow first (groups of 50 are committed
# at once, and only the invalid files are handed back, so those points come fewer times)
POINTS = {"archived": 12, "stored": 12, "committed": 2, "handed_back": 3, "finished": 12}


def run(settings: Settings, *, kill_at: str | None) -> bool:
    """Run `process`, to be SIGKILLed at `kill_at` ('point:n'). True if it finished by itself."""
    env = dict(os.environ)
    env.pop(faults.ENV, None)
    if kill_at:
        env[faults.ENV] = kill_at
    proc = subprocess.run(
        [sys.executable, "-m", "automation", "--config", str(settings.paths.config), "process"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode == -signal.SIGKILL:
        return False
    assert proc.returncode == 0, proc.stderr
    return True


def test_sigkill_at_every_kind_of_moment_loses_nothing_and_stores_nothing_twice(
    workspace: Settings, drop: Filler
) -> None:
    inbox = workspace.paths.inbox
    marker = "MARKER-000000"
    good = drop("incident", "good.xlsx", omschrijving=marker).read_bytes()
    bad = drop("incident", "bad.xlsx", omschrijving=marker, locatie=None).read_bytes()
    for p in inbox.iterdir():
        p.unlink()
    files = {
        f"melding {n:04d}.xlsx": data for n, data in enumerate(variants(good, marker=marker, count=450, prefix="GOED-"))
    }
    files |= {
        f"fout {n:04d}.xlsx": data for n, data in enumerate(variants(bad, marker=marker, count=30, prefix="FOUT-"))
    }
    files |= {f"kopie {n:04d}.xlsx": files[f"melding {n:04d}.xlsx"] for n in range(20)}
    files["kapot.xlsx"] = good[:1500]
    order = list(files)
    random.Random(3).shuffle(order)  # drops arrive mixed: good, wrong, copies
    for name in order:
        (inbox / name).write_bytes(files[name])
    dropped = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    assert len(dropped) == 501

    rng = random.Random(7)
    kills: Counter[str] = Counter()
    for _ in range(20):  # killed at an exact point each round: mid-transaction or mid-finishing
        where = rng.choice(sorted(POINTS))
        if not run(workspace, kill_at=f"{where}:{rng.randint(1, POINTS[where])}"):
            kills[where] += 1
    assert run(workspace, kill_at=None)  # and then a run that completes
    assert set(kills) == set(POINTS) and sum(kills.values()) >= 15, kills

    conn = sqlite3.connect(workspace.paths.database)
    conn.row_factory = sqlite3.Row
    subs = list(conn.execute("SELECT * FROM submissions"))
    records = list(conn.execute("SELECT * FROM records"))
    unfinished = list(conn.execute("SELECT * FROM submissions WHERE finished = 0"))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()

    # Every dropped file is accounted for exactly once.
    assert sorted(s["original_name"] for s in subs) == sorted(dropped)
    assert unfinished == []
    assert [p.name for p in inbox.iterdir()] == []
    for sub in subs:
        assert sub["sha256"] == dropped[sub["original_name"]]
        archived = workspace.paths.resolve(sub["archive_path"])
        assert hashlib.sha256(archived.read_bytes()).hexdigest() == sub["sha256"]
        if sub["outcome"] == "afgewezen":
            handed = workspace.paths.resolve(sub["rejected_path"])
            assert hashlib.sha256(handed.read_bytes()).hexdigest() == sub["sha256"]
    # No record stored twice: one per distinct valid form; copies counted as duplicates.
    assert len(records) == 450
    outcomes = [s["outcome"] for s in subs]
    assert (outcomes.count("geaccepteerd"), outcomes.count("dubbel"), outcomes.count("afgewezen")) == (450, 20, 31)
    assert len({r["regnr"] for r in records}) == 450
    # No number was ever given to two different files: each number one content, and every number a
    # confirmation told a sender is the number of that very file.
    given = numbers_given(workspace)
    assert all(len(shas) == 1 for shas in given.values()), [n for n, shas in given.items() if len(shas) > 1]
    names_of: dict[str, set[str]] = {}
    for sub in subs:
        if sub["regnr"]:
            names_of.setdefault(sub["regnr"], set()).add(Path(sub["original_name"]).stem)
    for receipt in workspace.paths.receipts.rglob("* - *.txt"):
        number, rest = receipt.name.split(" - ", 1)
        assert number in given
        assert rest.removesuffix(".txt").removesuffix(" (dubbel)") in names_of[number], receipt.name
    # The master can be built from the store.
    assert workspace.paths.master.exists()
    # And the store can be rebuilt from the archive alone, killed 20 times or not: the same
    # files, outcomes, numbers and records.
    from automation import app

    def store_contents() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        conn = sqlite3.connect(workspace.paths.database)
        try:
            return (
                sorted(conn.execute("SELECT original_name, sha256, outcome, regnr FROM submissions")),
                sorted(conn.execute("SELECT regnr, data, version FROM records")),
            )
        finally:
            conn.close()

    before = store_contents()
    app.rebuild(workspace, anyway=True)
    assert store_contents() == before
    assert numbers_given(workspace) == given

    # An original lost from the archive: the rebuild keeps every other number, and no number is
    # given to a second file, then or later.
    lost = next(s for s in subs if s["outcome"] == "geaccepteerd" and s["original_name"].startswith("melding"))
    entry = workspace.paths.resolve(lost["archive_path"])
    entry.chmod(0o644)
    entry.unlink()
    app.rebuild(workspace, anyway=True)
    after = numbers_given(workspace)
    assert after == {n: shas for n, shas in given.items() if n != lost["regnr"]}
    (inbox / "nieuw.xlsx").write_bytes(next(iter(variants(good, marker=marker, count=1, prefix="NIEUW-"))))
    assert run(workspace, kill_at=None)
    newest = set(numbers_given(workspace)) - set(after)
    assert len(newest) == 1 and not newest & set(given)


def numbers_given(settings: Settings) -> dict[str, set[str]]:
    """Registration number → the contents (SHA-256) of the accepted files that hold it."""
    conn = sqlite3.connect(settings.paths.database)
    try:
        found: dict[str, set[str]] = {}
        for regnr, sha in conn.execute("SELECT regnr, sha256 FROM submissions WHERE outcome = 'geaccepteerd'"):
            found.setdefault(regnr, set()).add(sha)
        return found
    finally:
        conn.close()


def test_a_file_saved_again_over_the_inbox_name_while_we_work_is_not_lost(
    workspace: Settings, drop: Filler, monkeypatch: pytest.MonkeyPatch
) -> None:
    from automation import app
    from automation.intake import files

    first = drop("incident", "melding.xlsx", seed=1)
    older = first.read_bytes()
    newer = drop("incident", "nieuwer.xlsx", seed=2).read_bytes()
    (workspace.paths.inbox / "nieuwer.xlsx").unlink()
    sync = files.make_durable

    def colleague_saves_over_it(paths: list[Path]) -> None:  # between judging and committing
        first.write_bytes(newer)
        sync(paths)

    monkeypatch.setattr(files, "make_durable", colleague_saves_over_it)
    app.process(workspace)
    monkeypatch.setattr(files, "make_durable", sync)
    assert first.read_bytes() == newer  # the new version waits in the inbox, untouched
    app.process(workspace)
    conn = sqlite3.connect(workspace.paths.database)
    shas = sorted(r[0] for r in conn.execute("SELECT sha256 FROM submissions WHERE outcome = 'geaccepteerd'"))
    conn.close()
    assert shas == sorted(hashlib.sha256(b).hexdigest() for b in (older, newer))  # both versions kept


def test_an_archive_entry_changed_after_a_crash_is_restored_from_the_real_bytes(
    workspace: Settings, drop: Filler
) -> None:
    original = drop("incident", "melding.xlsx").read_bytes()
    digest = hashlib.sha256(original).hexdigest()
    assert not run(workspace, kill_at="archived:1")  # archived, not committed
    (claimed,) = list(workspace.paths.staging.iterdir())
    other = drop("incident", "ander.xlsx", seed=9).read_bytes()
    (workspace.paths.inbox / "ander.xlsx").unlink()
    claimed.write_bytes(other)  # something writes into that very file before the next run
    assert run(workspace, kill_at=None)  # the changed file is processed as what it now is
    (workspace.paths.inbox / "melding opnieuw.xlsx").write_bytes(original)
    assert run(workspace, kill_at=None)
    conn = sqlite3.connect(workspace.paths.database)
    entries = {
        r[0]: workspace.paths.resolve(r[1]) for r in conn.execute("SELECT sha256, archive_path FROM submissions")
    }
    conn.close()
    assert set(entries) == {digest, hashlib.sha256(other).hexdigest()}
    for sha, entry in entries.items():
        assert hashlib.sha256(entry.read_bytes()).hexdigest() == sha


def test_after_a_crash_with_the_inbox_share_gone_nothing_is_marked_done(workspace: Settings, drop: Filler) -> None:
    drop("incident", "goed.xlsx")
    drop("incident", "fout.xlsx", seed=2, locatie=None)
    assert not run(workspace, kill_at="committed:1")  # stored, not finished
    inbox, away = workspace.paths.inbox, workspace.paths.root / "share-offline"
    inbox.rename(away)  # the network share is not connected after a reboot
    proc = subprocess.run(
        [sys.executable, "-m", "automation", "--config", str(workspace.paths.config), "process"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 3 and "bestaat niet of is geen map" in proc.stderr
    assert not inbox.exists()  # no local stand-in was made
    away.rename(inbox)
    assert run(workspace, kill_at=None)
    conn = sqlite3.connect(workspace.paths.database)
    rows = list(conn.execute("SELECT original_name, outcome, finished FROM submissions ORDER BY original_name"))
    conn.close()
    assert rows == [("fout.xlsx", "afgewezen", 1), ("goed.xlsx", "geaccepteerd", 1)]
    assert [p.name for p in inbox.iterdir()] == []
