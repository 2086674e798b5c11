"""Kill the processing with SIGKILL at arbitrary moments; after restarts nothing is lost or doubled."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from automation.config import Settings
from tests.conftest import Filler

pytestmark = pytest.mark.skipif(os.name != "posix", reason="uses SIGKILL")


def submissions(settings: Settings) -> int:
    if not settings.paths.database.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{settings.paths.database}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("SELECT count(*) FROM submissions").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0  # not created yet


def run_until_killed(settings: Settings, *, after: int, deadline: float) -> bool:
    """Start `process`; SIGKILL it once `after` more submissions are stored. True if it finished by itself."""
    start = submissions(settings)
    proc = subprocess.Popen(
        [sys.executable, "-m", "automation", "--config", str(settings.paths.config), "process"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            assert proc.returncode == 0, proc.stderr.read().decode() if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
            return True
        if submissions(settings) - start >= after:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            if proc.stderr:
                proc.stderr.close()
            return False
        time.sleep(0.005)
    proc.kill()
    proc.wait()
    pytest.fail("processing did not finish in time")


def test_sigkill_at_random_moments_loses_nothing_and_stores_nothing_twice(workspace: Settings, drop: Filler) -> None:
    inbox = workspace.paths.inbox
    valid = [drop("incident", f"melding {n:02d}.xlsx", seed=100 + n) for n in range(30)]
    valid += [drop("ongeval", f"ongeval {n:02d}.xlsx", seed=200 + n) for n in range(10)]
    for n in range(8):
        drop("incident", f"fout {n:02d}.xlsx", seed=300 + n, locatie=None)
    for n, source in enumerate(valid[:8]):
        (inbox / f"kopie {n:02d}.xlsx").write_bytes(source.read_bytes())
    (inbox / "kapot.xlsx").write_bytes(valid[0].read_bytes()[:1500])
    dropped = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir()}
    assert len(dropped) == 30 + 10 + 8 + 8 + 1

    rng = random.Random(7)
    deadline = time.monotonic() + 150
    rounds = 0
    while not run_until_killed(workspace, after=rng.randint(1, 6), deadline=deadline):
        rounds += 1
    assert rounds >= 5, "the processing ended before it could be interrupted often enough"
    print(f"{rounds} kills before a run completed")

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
        assert hashlib.sha256(Path(sub["archive_path"]).read_bytes()).hexdigest() == sub["sha256"]
        if sub["outcome"] == "afgewezen":
            assert hashlib.sha256(Path(sub["rejected_path"]).read_bytes()).hexdigest() == sub["sha256"]
    # No record stored twice: one per distinct valid form; copies counted as duplicates.
    assert len(records) == 40
    outcomes = [s["outcome"] for s in subs]
    assert (outcomes.count("geaccepteerd"), outcomes.count("dubbel"), outcomes.count("afgewezen")) == (40, 8, 9)
    assert len({r["regnr"] for r in records}) == 40
    # The master can be built from the store.
    assert workspace.paths.master.exists()
