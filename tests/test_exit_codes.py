"""Every exit code the README documents is the one the command line really ends with (issue 12,
hole 8): the test reads the README's table of exit codes, triggers each code through the real
command line on a real working folder, and checks that every `exit_code` in automation/errors.py
is in the table. `status` prints everything it can and then exits with the problem's code."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from filelock import FileLock

from automation import errors
from automation.cli import main
from automation.config import Settings
from tests.conftest import Filler

README = Path(__file__).resolve().parents[1] / "README.md"
ROW = re.compile(r"^\|\s*`(\d+)`\s*\|\s*(.+?)\s*\|\s*$")


def readme_exit_codes(text: str) -> dict[int, str]:
    """The README's table of exit codes: the first Markdown table after the line 'Exit codes', one
    row per code (| `3` | what it means |)."""
    lines = text[text.index("Exit codes") :].splitlines()[1:40]
    table: dict[int, str] = {}
    for line in lines:
        match = ROW.match(line)
        if match:
            table[int(match.group(1))] = match.group(2)
        elif table and not line.startswith("|"):
            break
    return table


def error_codes() -> dict[str, int]:
    return {
        name: cls.exit_code
        for name, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.VeiligheidError) and cls.__module__ == errors.__name__
    }


def run(settings: Settings, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--config", str(settings.paths.config), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def with_one_incident(settings: Settings, drop: Filler) -> None:
    drop("incident", "melding 12AB.xlsx")
    assert run(settings, "process")[0] == 0


# --- one real way to each code -----------------------------------------------------------------


def works(settings: Settings, drop: Filler, tmp_path: Path) -> list[tuple[int, str, str]]:
    with_one_incident(settings, drop)
    return [run(settings, "status"), run(settings, "process")]


def other_problem(settings: Settings, drop: Filler, tmp_path: Path) -> list[tuple[int, str, str]]:
    with_one_incident(settings, drop)
    return [run(settings, "rebuild")]  # a healthy database, without --toch


def bad_config_or_option(settings: Settings, drop: Filler, tmp_path: Path) -> list[tuple[int, str, str]]:
    broken = tmp_path / "kapot.toml"
    broken.write_text('bestuur = "B"\n[intake]\nonbehandeld_melden_na_minuten = -1\n', encoding="utf-8")
    config = CliRunner().invoke(main, ["--config", str(broken), "status"])
    return [(config.exit_code, config.stdout, config.stderr), run(settings, "plan", "--school", "99ZZ")]


def folder(settings: Settings, drop: Filler, tmp_path: Path) -> list[tuple[int, str, str]]:
    with_one_incident(settings, drop)
    settings.paths.inbox.rename(settings.paths.inbox.with_name("inbox-weg"))  # the share is not connected
    return [run(settings, "process"), run(settings, "watch")]


def another_run(settings: Settings, drop: Filler, tmp_path: Path) -> list[tuple[int, str, str]]:
    with FileLock(str(settings.paths.lock), timeout=0):  # a watcher holds this working folder
        result = subprocess.run(
            [sys.executable, "-m", "automation", "--config", str(settings.paths.config), "process"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    return [(result.returncode, result.stdout, result.stderr)]


def database(settings: Settings, drop: Filler, tmp_path: Path) -> list[tuple[int, str, str]]:
    with_one_incident(settings, drop)
    settings.paths.database.unlink()  # lost, while the archive holds the original
    return [run(settings, "process"), run(settings, "plan")]


def template(settings: Settings, drop: Filler, tmp_path: Path) -> list[tuple[int, str, str]]:
    folder = tmp_path / "sjablonen"
    assert run(settings, "templates", "build", "--out", str(folder))[0] == 0
    plan = folder / "Veiligheidsplan.docx"
    with zipfile.ZipFile(plan) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    assert "school.coordinator_naam" in xml
    parts["word/document.xml"] = xml.replace("school.coordinator_naam", "school.coordinatr", 1).encode("utf-8")
    with zipfile.ZipFile(plan, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return [run(settings, "templates", "check", "--map", str(folder))]


def archive_damaged(settings: Settings, drop: Filler, tmp_path: Path) -> list[tuple[int, str, str]]:
    with_one_incident(settings, drop)
    (original,) = [p for p in settings.paths.archive.rglob("*melding 12AB.xlsx") if p.is_file()]
    original.chmod(0o644)
    original.write_bytes(original.read_bytes() + b"anders")  # changed after it was accepted
    return [run(settings, "rebuild", "--toch")]


def interrupted(settings: Settings, drop: Filler, tmp_path: Path) -> list[tuple[int, str, str]]:
    from automation import app

    def ctrl_c(*args: object, **options: object) -> None:
        raise KeyboardInterrupt  # as Python raises it when the user presses Ctrl-C

    original = app.process
    app.process = ctrl_c  # type: ignore[assignment]
    try:
        return [run(settings, "process")]
    finally:
        app.process = original  # type: ignore[assignment]


def usage(settings: Settings, drop: Filler, tmp_path: Path) -> list[tuple[int, str, str]]:
    return [run(settings, "process", "--jsn"), run(settings, "watch", "--poll", "abc")]


Trigger = Callable[[Settings, Filler, Path], list[tuple[int, str, str]]]
TRIGGERS: dict[int, Trigger] = {
    0: works,
    1: other_problem,
    2: bad_config_or_option,
    3: folder,
    4: another_run,
    5: database,
    6: template,
    7: archive_damaged,
    64: usage,
    130: interrupted,
}


def test_the_readme_documents_every_exit_code_the_product_has_and_no_other() -> None:
    table = readme_exit_codes(README.read_text(encoding="utf-8"))
    assert table, "README.md: no table of exit codes (| `code` | meaning |) after the line 'Exit codes'"
    assert set(table) == set(TRIGGERS), "each documented code has a trigger here, and each trigger is documented"
    missing = {name: code for name, code in error_codes().items() if code not in table}
    assert not missing, f"exit codes in automation/errors.py that the README's table lacks: {missing}"


@pytest.mark.parametrize("code", list(TRIGGERS))
def test_each_exit_code_is_what_the_command_line_ends_with(
    code: int, workspace: Settings, drop: Filler, tmp_path: Path
) -> None:
    for exit_code, out, err in TRIGGERS[code](workspace, drop, tmp_path):
        assert exit_code == code, (out, err)
        if code == 0:
            assert err == ""
        else:  # ends with one Dutch line on stderr (templates check lists its findings before it), no traceback
            assert err.endswith("\n") and err.splitlines()[-1].startswith("Fout: ") and err.count("Fout: ") == 1, err
            assert "Traceback" not in out + err


# --- status prints everything it can, then exits with the problem's code -----------------------


def test_status_without_its_inbox_still_shows_the_rest_and_then_exits_3(workspace: Settings, drop: Filler) -> None:
    with_one_incident(workspace, drop)
    workspace.paths.inbox.rename(workspace.paths.inbox.with_name("inbox-weg"))
    message = f"De inbox {workspace.paths.inbox} bestaat niet of is geen map. Is de netwerkschijf verbonden?"

    code, out, err = run(workspace, "status")

    assert (code, err) == (3, f"Fout: {message}\n")
    for shown in (
        f"Inbox              {workspace.paths.inbox}",
        "Wacht in de inbox  0",
        "Opgeslagen formulieren (na correcties): Incidentregistratie 1,",
        "  12AB OBS De Regenboog: 1 registraties",
        "Ontvangen bestanden:",
        "Laatste verwerking (process):",
        "Laatste wijzigingen (tijd, opdracht, bestand, uitkomst, nummer, SHA-256):",
        "melding 12AB.xlsx: geaccepteerd INC-",
    ):
        assert shown in out

    code, out, err = run(workspace, "status", "--json")
    report = json.loads(out)  # one valid JSON document, nothing else on stdout
    assert (code, err) == (3, f"Fout: {message}\n")
    assert report["problems"] == [{"code": 3, "message": message}]
    assert report["inbox_exists"] is False and report["records"]["incident"] == 1
    assert report["last_run"]["command"] == "process" and "12AB" in report["schools"]["scholen"]


def test_status_with_a_lost_database_shows_what_it_can_and_exits_5(workspace: Settings, drop: Filler) -> None:
    with_one_incident(workspace, drop)
    workspace.paths.database.unlink()

    code, out, err = run(workspace, "status")

    assert code == 5 and err.count("\n") == 1
    assert err.startswith(f"Fout: De database {workspace.paths.database} ontbreekt, maar het archief bevat al")
    assert f"Archief            {workspace.paths.archive}" in out and "Wacht in de inbox  0" in out
    code, out, _ = run(workspace, "status", "--json")
    assert code == 5 and [p["code"] for p in json.loads(out)["problems"]] == [5]


def test_status_lists_every_problem_most_serious_first_and_exits_with_that_code(
    workspace: Settings, drop: Filler
) -> None:
    with_one_incident(workspace, drop)
    workspace.paths.database.unlink()
    workspace.paths.inbox.rename(workspace.paths.inbox.with_name("inbox-weg"))

    code, out, err = run(workspace, "status", "--json")

    assert code == 5
    assert [p["code"] for p in json.loads(out)["problems"]] == [5, 3]
    assert [line.split(" ")[1:3] for line in err.splitlines()] == [["De", "database"], ["De", "inbox"]]


def test_status_names_a_missing_archive_before_a_missing_inbox(workspace: Settings, drop: Filler) -> None:
    drop("incident", "a.xlsx")
    assert run(workspace, "process")[0] == 0
    workspace.paths.archive.rename(workspace.paths.archive.with_name("archief-weg"))
    workspace.paths.inbox.rename(workspace.paths.inbox.with_name("inbox-weg"))
    code, out, _ = run(workspace, "status", "--json")
    problems = json.loads(out)["problems"]
    assert code == 3
    assert ["archief" in p["message"].lower() for p in problems] == [True, False]
    assert "inbox" in problems[1]["message"].lower()
