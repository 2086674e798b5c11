"""A quick command line (issue 14, item 3): a command imports only what it uses. `veiligheid --help`,
`status` and `process` with nothing in the inbox each run once in a fresh Python on a real working
folder (one incident taken in, the master written), and the test asserts which heavy libraries each
loaded. How fast they are is measured by bench/commands.py, not here."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from automation import app
from automation.config import Settings, load_settings
from automation.excel.build_form import form_file_name
from automation.excel.fill import fill_form
from automation.forms import FORMS
from automation.workspace import init_workspace
from tests.conftest import valid_values

# The command line as `python -m automation` runs it, in a Python of its own; then its exit code and
# the top-level packages it loaded, into the file named first.
CHILD = """
import json, runpy, sys
out, args = sys.argv[1], json.loads(sys.argv[2])
sys.argv = ["veiligheid", *args]
try:
    runpy.run_module("automation", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(out, "w", encoding="utf-8") as f:
    json.dump({"code": code, "modules": sorted({name.split(".")[0] for name in sys.modules})}, f)
"""

SPREADSHEET_AND_WORD = ("openpyxl", "numpy", "docx", "docxtpl", "jinja2", "matplotlib")
COMMANDS = ("--help", "status", "process")
# What each command's output says when it ran to the end.
SHOWS = {
    "--help": "Registratie en verantwoording van sociale veiligheid",
    "status": "Incidentregistratie 1",
    "process": "Geaccepteerd: 0  Afgewezen: 0",
}

Run = tuple[str, set[str]]  # standard output, top-level packages loaded

# Still loaded at the top of a module outside the command line (strict: once that module loads it
# where it is used, the test says so and the line goes).
PENDING: dict[tuple[str, str], str] = {}


def cases() -> list[object]:
    return [
        pytest.param(
            command,
            library,
            id=f"{command}-{library}",
            marks=[pytest.mark.xfail(reason=PENDING[command, library], strict=True)]
            if (command, library) in PENDING
            else [],
        )
        for command in COMMANDS
        for library in SPREADSHEET_AND_WORD
    ]


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory, blank_forms: Path) -> Settings:
    """A working folder with one incident taken in and the master written."""
    made, _ = init_workspace(tmp_path_factory.mktemp("snel") / "werkmap", board="Testbestuur", stable_seconds=0)
    settings = load_settings(made.paths.config)
    fill_form(
        blank_forms / form_file_name(FORMS["incident"]),
        valid_values("incident"),
        settings.paths.inbox / "incident.xlsx",
    )
    assert app.process(settings).accepted == 1
    return settings


@pytest.fixture(scope="module")
def ran(board: Settings) -> Callable[[str], Run]:
    """ran(command): `veiligheid --config … COMMAND` run once in a fresh Python (`--help` without --config)."""
    runs: dict[str, Run] = {}

    def run(command: str) -> Run:
        if command not in runs:
            args = [command] if command == "--help" else ["--config", str(board.paths.config), command]
            runs[command] = loaded_by(args, folder=board.paths.root)
        return runs[command]

    return run


def loaded_by(args: list[str], *, folder: Path) -> Run:
    out = folder / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(out), json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(out.read_text(encoding="utf-8"))
    assert found["code"] in (0, None), (found["code"], done.stderr)
    return done.stdout, set(found["modules"])


@pytest.mark.parametrize("command", COMMANDS)
def test_the_command_runs_to_the_end(ran: Callable[[str], Run], command: str) -> None:
    shown, _ = ran(command)
    assert SHOWS[command] in shown


@pytest.mark.parametrize(("command", "library"), cases())
def test_the_command_does_not_load_the_spreadsheet_or_word_libraries(
    ran: Callable[[str], Run], command: str, library: str
) -> None:
    _, modules = ran(command)
    assert library not in modules


def test_help_does_not_load_the_config_or_intake_libraries(ran: Callable[[str], Run]) -> None:
    _, modules = ran("--help")
    assert modules.isdisjoint({"pydantic", "xlsxwriter", "python_calamine", "watchdog"}), modules
