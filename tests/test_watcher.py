"""The real watcher: files written slowly, files there at start-up, polling, one watcher per folder."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from automation import app
from automation.config import Settings, load_settings
from automation.errors import AlreadyRunning
from automation.excel.build_form import form_file_name
from automation.excel.fill import fill_form
from automation.forms import FORMS
from automation.intake.files import StabilityTracker, is_ignored
from automation.workspace import init_workspace
from tests.conftest import valid_values
from tests.helpers import master_sheet, wait_for


def outcomes(settings: Settings) -> list[tuple[str, str]]:
    if not settings.paths.database.exists():
        return []
    conn = sqlite3.connect(settings.paths.database, timeout=5)
    try:
        return [tuple(r) for r in conn.execute("SELECT original_name, outcome FROM submissions ORDER BY id")]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


@pytest.fixture
def slow_workspace(tmp_path: Path) -> Settings:
    """Files must be quiet for 0.6 s before they are taken; unreadable ones get 30 s."""
    settings, _ = init_workspace(tmp_path / "werkmap", board="Testbestuur", stable_seconds=0.6, damaged_after=30)
    return load_settings(settings.paths.config)


@pytest.fixture
def form_bytes(blank_forms: Path, tmp_path: Path) -> bytes:
    path = fill_form(blank_forms / form_file_name(FORMS["incident"]), valid_values("incident"), tmp_path / "f.xlsx")
    return path.read_bytes()


@pytest.fixture
def running_watcher(slow_workspace: Settings) -> Iterator[Callable[..., None]]:
    """start(poll=None): run the real watcher in a thread until the test ends."""
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def start(*, poll: float | None = None) -> None:
        thread = threading.Thread(target=app.run_watch, args=(slow_workspace,), kwargs={"poll": poll, "stop": stop})
        thread.start()
        threads.append(thread)
        wait_for(slow_workspace.paths.lock.exists, what="the watcher to take its lock")

    yield start
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
        assert not thread.is_alive()


def write_slowly(path: Path, data: bytes, *, pieces: int, pause: float) -> None:
    size = len(data) // pieces + 1
    with open(path, "wb") as handle:
        for n in range(pieces):
            handle.write(data[n * size : (n + 1) * size])
            handle.flush()
            os.fsync(handle.fileno())
            time.sleep(pause)


@pytest.mark.slow
def test_a_file_written_slowly_is_taken_once_and_only_when_complete(
    slow_workspace: Settings, running_watcher: Callable[..., None], form_bytes: bytes
) -> None:
    running_watcher()
    target = slow_workspace.paths.inbox / "langzaam.xlsx"
    write_slowly(target, form_bytes, pieces=8, pause=0.25)  # 2 s of writing, pauses shorter than 0.6 s
    # the file leaves the inbox when it is claimed, before it is stored: wait for the outcome
    wait_for(lambda: outcomes(slow_workspace) != [], what="the file to be stored")
    assert outcomes(slow_workspace) == [("langzaam.xlsx", "geaccepteerd")]
    wait_for(lambda: not target.exists(), what="the file to leave the inbox")
    assert list(slow_workspace.paths.rejected.rglob("*")) == []
    wait_for(slow_workspace.paths.master.exists, what="the master")


@pytest.mark.slow
def test_files_already_there_at_start_up_are_handled(
    slow_workspace: Settings, running_watcher: Callable[..., None], form_bytes: bytes
) -> None:
    (slow_workspace.paths.inbox / "al-aanwezig.xlsx").write_bytes(form_bytes)
    running_watcher()
    wait_for(lambda: outcomes(slow_workspace) == [("al-aanwezig.xlsx", "geaccepteerd")], what="processing")


@pytest.mark.slow
def test_polling_mode_finds_new_files_without_events(
    slow_workspace: Settings, running_watcher: Callable[..., None], form_bytes: bytes
) -> None:
    running_watcher(poll=0.2)
    (slow_workspace.paths.inbox / "via-netwerk.xlsx").write_bytes(form_bytes)
    (slow_workspace.paths.inbox / "~$via-netwerk.xlsx").write_bytes(b"lock")
    wait_for(lambda: outcomes(slow_workspace) == [("via-netwerk.xlsx", "geaccepteerd")], what="processing")
    assert (slow_workspace.paths.inbox / "~$via-netwerk.xlsx").exists()


@pytest.mark.slow
def test_a_second_run_on_the_same_folder_refuses(
    slow_workspace: Settings, running_watcher: Callable[..., None]
) -> None:
    running_watcher()
    with pytest.raises(AlreadyRunning) as err:
        app.process(slow_workspace)
    assert err.value.message.startswith("Er draait al een watcher of verwerking voor deze werkmap")


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGTERM")
def test_the_watcher_command_stops_cleanly_on_sigterm_and_a_second_one_refuses(
    slow_workspace: Settings, form_bytes: bytes
) -> None:
    cmd = [sys.executable, "-m", "automation", "--config", str(slow_workspace.paths.config)]
    watcher = subprocess.Popen([*cmd, "watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: bool(outcomes(slow_workspace)) or _locked(slow_workspace), what="the watcher to start")
        (slow_workspace.paths.inbox / "melding.xlsx").write_bytes(form_bytes)
        wait_for(lambda: outcomes(slow_workspace) == [("melding.xlsx", "geaccepteerd")], what="processing")
        second = subprocess.run([*cmd, "watch"], capture_output=True, text=True, timeout=60)
        assert second.returncode == 4
        assert second.stderr.startswith("Fout: Er draait al een watcher of verwerking voor deze werkmap")
        watcher.send_signal(signal.SIGTERM)
        out, err = watcher.communicate(timeout=20)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.communicate()
    assert watcher.returncode == 0, err
    assert out.strip().endswith("Gestopt.")


def _locked(settings: Settings) -> bool:
    from filelock import FileLock, Timeout

    lock = FileLock(str(settings.paths.lock), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    lock.release()
    return False


def test_stability_needs_an_unchanged_file_for_the_quiet_time(tmp_path: Path) -> None:
    now = [100.0]
    tracker = StabilityTracker(2.0, clock=lambda: now[0])
    path = tmp_path / "f.xlsx"
    path.write_bytes(b"a")
    assert tracker.observe(path) is False
    now[0] += 1.5
    assert tracker.observe(path) is False
    path.write_bytes(b"ab")  # it grew: start again
    now[0] += 1.0
    assert tracker.observe(path) is False
    now[0] += 2.0
    assert tracker.observe(path) is True


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        ("~$melding.xlsx", True),
        (".~lock.melding.xlsx#", True),
        ("melding.xlsx.tmp", True),
        ("Thumbs.db", True),
        ("desktop.ini", True),
        (".DS_Store", True),
        (".verborgen", True),
        ("melding.xlsx", False),
        ("foto.jpg", False),
    ],
)
def test_which_names_are_ignored(name: str, ignored: bool) -> None:
    assert is_ignored(name) is ignored


@pytest.mark.slow
def test_the_watcher_rereads_a_changed_config_and_keeps_the_old_one_when_the_new_is_broken(
    slow_workspace: Settings, running_watcher: Callable[..., None], blank_forms: Path, tmp_path: Path
) -> None:
    config = slow_workspace.paths.config
    running_watcher(poll=0.2)
    # a school added while the watcher runs: its forms are taken at once, no restart
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[[scholen]]\nbrin = "99ZZ"\nnaam = "Nieuwe School"\n',
        encoding="utf-8",
    )
    wait_for(lambda: "99ZZ" in load_settings(config).schools, what="the new config")
    settings = load_settings(config)
    new_forms = tmp_path / "nieuw"
    app.write_forms(settings, new_forms)
    fill_form(
        new_forms / form_file_name(FORMS["incident"]),
        valid_values("incident") | {"school": "99ZZ – Nieuwe School"},
        slow_workspace.paths.inbox / "nieuwe school.xlsx",
    )
    wait_for(lambda: ("nieuwe school.xlsx", "geaccepteerd") in outcomes(slow_workspace), what="the new school's form")
    # a config broken while it runs: said, and the watcher goes on with the last good one
    good = config.read_text(encoding="utf-8")
    config.write_text(good + "\n[intake]\nstabiel_seconden = -1\n", encoding="utf-8")
    problem = slow_workspace.paths.state / "config-fout.txt"
    wait_for(problem.exists, what="the broken config to be said")
    assert "veiligheid.toml" in problem.read_text(encoding="utf-8")
    fill_form(
        blank_forms / form_file_name(FORMS["incident"]),
        valid_values("incident", seed=5),
        slow_workspace.paths.inbox / "daarna.xlsx",
    )
    wait_for(lambda: ("daarna.xlsx", "geaccepteerd") in outcomes(slow_workspace), what="a form after the broken config")

    def overzicht_says_so() -> bool:
        try:
            rows = master_sheet(slow_workspace, "Overzicht")
        except Exception:  # being replaced just now
            return False
        return any(str(r[0]).startswith("Let op: de gewijzigde veiligheid.toml is fout") for r in rows[:4] if r)

    wait_for(overzicht_says_so, what="the Overzicht to say the config is broken")
    config.write_text(good, encoding="utf-8")  # fixed again
    wait_for(lambda: not problem.exists(), what="the problem to clear")
