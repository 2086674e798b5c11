"""`process` takes at once a file that had stopped changing before the run started, and still waits
the settle time for a file that is being written (even by a copy tool that sets its mtime back)."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from click.testing import CliRunner

from automation.cli import main
from automation.config import Settings, load_settings
from automation.excel.build_form import form_file_name
from automation.excel.fill import fill_form
from automation.forms import FORMS
from automation.workspace import init_workspace
from tests.conftest import valid_values
from tests.helpers import wait_for

A_YEAR_AGO = time.time() - 365 * 24 * 3600


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def working_folder(tmp_path: Path, *, settle: float) -> Settings:
    settings, _ = init_workspace(tmp_path / "werkmap", board="Testbestuur", stable_seconds=settle, damaged_after=0)
    return load_settings(settings.paths.config)


def filled_form(blank_forms: Path, target: Path) -> Path:
    return fill_form(blank_forms / form_file_name(FORMS["incident"]), valid_values("incident"), target)


def untouched_for(path: Path, seconds: float) -> bool:
    """Neither the file's data nor its metadata changed in the last `seconds` (ctime included:
    setting the mtime back does not make a file old)."""
    st = path.stat()
    return time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > seconds * 1e9


def timed_process(settings: Settings) -> tuple[dict[str, int], float, float]:
    """`process --json`: its counts, and when it started and ended (monotonic)."""
    started = time.monotonic()
    code, out, err = run("--config", str(settings.paths.config), "process", "--json")
    ended = time.monotonic()
    assert code == 0, err
    return json.loads(out), started, ended


def test_a_file_that_settled_before_the_run_is_taken_without_waiting_the_settle_time(
    tmp_path: Path, blank_forms: Path
) -> None:
    settle = 3.0
    settings = working_folder(tmp_path, settle=settle)
    form = filled_form(blank_forms, settings.paths.inbox / "melding.xlsx")
    wait_for(lambda: untouched_for(form, settle + 0.2), timeout=settle + 10, what="the form to be settled")

    report, started, ended = timed_process(settings)

    assert (report["accepted"], report["waiting"]) == (1, 0)
    assert ended - started < settle / 2  # it used to wait the whole settle time first
    assert list(settings.paths.inbox.iterdir()) == []  # the clock probe leaves no trace for staff


def test_a_file_still_being_copied_with_its_old_mtime_waits_until_it_settles(tmp_path: Path, blank_forms: Path) -> None:
    settle = 1.0
    settings = working_folder(tmp_path, settle=settle)
    data = filled_form(blank_forms, tmp_path / "bron.xlsx").read_bytes()
    target = settings.paths.inbox / "melding.xlsx"
    copied = threading.Event()
    finished: list[float] = []

    def copy_slowly() -> None:
        """As a copy tool does: write in chunks, and set the source's (old) mtime on the copy."""
        step = len(data) // 10 + 1
        with open(target, "wb") as out:
            for start in range(0, len(data), step):
                out.write(data[start : start + step])
                out.flush()
                os.utime(target, (A_YEAR_AGO, A_YEAR_AGO))
                copied.wait(0.1)  # the pace of a slow share (the event is never set)
        os.utime(target, (A_YEAR_AGO, A_YEAR_AGO))
        finished.append(time.monotonic())

    writer = threading.Thread(target=copy_slowly)
    writer.start()
    try:
        wait_for(lambda: target.exists() and target.stat().st_size > 0, timeout=10, what="the copy to begin")
        report, _started, ended = timed_process(settings)
    finally:
        writer.join(timeout=30)

    assert (report["accepted"], report["rejected"]) == (1, 0)  # taken early, half a workbook is damaged
    assert ended - finished[0] >= settle - 0.1  # taken only once it had not changed for the settle time
