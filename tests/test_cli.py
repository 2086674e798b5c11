"""The command line: init, forms, process --json, status --json, and one-line errors with exit codes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.config import Settings
from tests.conftest import Filler


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_init_writes_a_commented_config_folders_and_a_private_secret(tmp_path: Path) -> None:
    code, out, _ = run("init", str(tmp_path / "w"), "--bestuur", "Stichting Test")
    assert code == 0
    assert out.startswith(f"Configuratie gemaakt: {tmp_path / 'w' / 'veiligheid.toml'}")
    text = (tmp_path / "w" / "veiligheid.toml").read_text(encoding="utf-8")
    assert 'bestuur = "Stichting Test"' in text and "[[scholen]]" in text and "# " in text
    for folder in ("inbox", "outbox/afgewezen", "archief", "data", "logs"):
        assert (tmp_path / "w" / folder).is_dir()
    secret = tmp_path / "w" / ".veiligheid" / "geheim.key"
    assert len(bytes.fromhex(secret.read_text().strip())) == 32
    if os.name == "posix":
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / "w" / "archief").stat().st_mode) == 0o700
    code, out, _ = run("init", str(tmp_path / "w"))
    assert code == 0 and "bestond al" in out  # never overwrites a board's config


def test_forms_writes_the_six_blank_workbooks(workspace: Settings, tmp_path: Path) -> None:
    code, _out, _ = run("--config", str(workspace.paths.config), "forms", "--out", str(tmp_path / "f"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "f").iterdir()) == [
        "agressie - Registratieformulier agressie en geweld.xlsx",
        "incident - Incidentregistratie.xlsx",
        "maatregelen - Doelen en maatregelen.xlsx",
        "ongeval - Ongevallenmeldingsformulier.xlsx",
        "peiling - Peilingresultaten.xlsx",
        "school - Schoolgegevens en veiligheidsbeleid.xlsx",
    ]


def test_process_json_reports_the_counts(workspace: Settings, drop: Filler) -> None:
    drop("incident", "a.xlsx")
    drop("incident", "b.xlsx", seed=2, locatie=None)
    (workspace.paths.inbox / "~$a.xlsx").write_bytes(b"x")
    code, out, _ = run("--config", str(workspace.paths.config), "process", "--json")
    assert code == 0  # a rejection is a normal outcome
    report = json.loads(out)
    assert {k: report[k] for k in ("accepted", "rejected", "duplicates", "ignored")} == {
        "accepted": 1,
        "rejected": 1,
        "duplicates": 0,
        "ignored": 1,
    }


def test_status_json_names_the_paths_counts_and_last_run(workspace: Settings, drop: Filler) -> None:
    drop("incident", "a.xlsx")
    run("--config", str(workspace.paths.config), "process")
    code, out, _ = run("--config", str(workspace.paths.config), "status", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["inbox"] == str(workspace.paths.inbox)
    assert report["master"] == str(workspace.paths.master)
    assert {"outbox", "archive", "database"} <= set(report)
    assert report["counts"] == {"incident": {"geaccepteerd": 1}}
    assert report["last_run"]["command"] == "process"
    assert report["last_run"]["counts"]["accepted"] == 1


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[[scholen]]\nbrin = "12AB"\nnaam = "X"\n', "bestuur: ontbreekt (verplicht)"),
        (
            'bestuur = "B"\n[[scholen]]\nbrin = "12-AB"\nnaam = "X"\n',
            "scholen[0].brin: '12-AB' is geen geldige BRIN-code",
        ),
        (
            'bestuurr = "C"\n[[scholen]]\nbrin = "12AB"\nnaam = "X"\n',
            "bestuurr: onbekende sleutel; bedoelt u 'bestuur'?",
        ),
        (
            'bestuur = "B"\n[[scholen]]\nbrin = "12AB"\nnaam = "X"\n[intake]\nstabiel_seconden = "twee"\n',
            "intake.stabiel_seconden: moet een getal zijn",
        ),
        (
            'bestuur = "B"\n[[scholen]]\nbrin = "12AB"\nnaam = "X"\n[keuzelijsten]\nkleur = ["rood"]\n',
            "keuzelijsten: onbekende keuzelijst 'kleur'",
        ),
        (
            'bestuur = "B"\n[[scholen]]\nbrin = "12AB"\nnaam = "X"\n[intake]\nstabiel_secondn = 3\n',
            "intake.stabiel_secondn: onbekende sleutel; bedoelt u 'stabiel_seconden'?",
        ),
        (
            'bestuur = "B"\n[[scholen]]\nbrin = "12AB"\nnaam = "X"\n[intake]\nstabiel_seconden = 900\n',
            "intake.stabiel_seconden: is te groot: maximaal 600",
        ),
        ('bestuur = "B\n', "geen geldige TOML"),
    ],
)
def test_a_bad_config_gives_one_line_naming_the_key(tmp_path: Path, config: str, message: str) -> None:
    path = tmp_path / "veiligheid.toml"
    path.write_text(config, encoding="utf-8")
    code, _out, err = run("--config", str(path), "process")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"Fout: {path}: ")
    assert message in err


def test_no_config_says_how_to_make_one(tmp_path: Path) -> None:
    code, _, err = run("--config", str(tmp_path / "nergens.toml"), "status")
    assert code == 2
    assert "Maak er een met 'veiligheid init'" in err


def test_a_missing_inbox_is_a_real_failure_and_never_replaced_by_a_local_folder(workspace: Settings) -> None:
    workspace.paths.inbox.rmdir()
    workspace.paths.inbox.write_text("geen map")
    code, _, err = run("--config", str(workspace.paths.config), "process")
    assert code == 3
    assert err.startswith(f"Fout: De inbox {workspace.paths.inbox} bestaat niet of is geen map.")
    assert err.count("\n") == 1


def test_python_dash_m_automation_is_the_same_command() -> None:
    result = subprocess.run([sys.executable, "-m", "automation", "--help"], capture_output=True, text=True, check=True)
    commands = result.stdout.split("\nCommands:\n")[1].splitlines()
    assert [line.split()[0] for line in commands] == sorted(main.commands)
    assert result.stdout.startswith(
        "Usage: python -m automation [OPTIONS] COMMAND [ARGS]...\n\n"
        "  Registratie en verantwoording van sociale veiligheid voor een schoolbestuur.\n"
    )


def test_init_never_replaces_a_lost_secret_once_there_are_registrations(workspace: Settings, drop: Filler) -> None:
    drop("incident", "a.xlsx")
    run("--config", str(workspace.paths.config), "process")
    workspace.paths.secret.unlink()
    code, _, err = run("init", str(workspace.paths.root))
    assert code == 2
    assert "ontbreekt, maar er zijn al meldingen opgeslagen" in err
    assert not workspace.paths.secret.exists()


def test_status_says_when_the_inbox_share_is_missing(workspace: Settings) -> None:
    workspace.paths.inbox.rmdir()
    code, out, err = run("--config", str(workspace.paths.config), "status")
    assert code == 3
    assert "Inbox" in out and "bestaat niet of is geen map. Is de netwerkschijf verbonden?" in err
    code, out, _ = run("--config", str(workspace.paths.config), "status", "--json")
    report = json.loads(out)  # everything it can, then the problem's code (tests/test_exit_codes.py)
    assert code == 3 and report["inbox_exists"] is False and [p["code"] for p in report["problems"]] == [3]


def test_a_refused_json_run_still_prints_json(workspace: Settings) -> None:
    workspace.paths.inbox.rmdir()
    code, out, _ = run("--config", str(workspace.paths.config), "process", "--json")
    assert code == 3
    assert json.loads(out)["exit_code"] == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["process", "--jsn"], "Fout: onbekende optie '--jsn' (bedoelt u --json?). Zie 'veiligheid process --help'."),
        (
            ["watch", "--poll", "abc"],
            "Fout: 'abc' is geen geldige waarde voor de optie --poll. Zie 'veiligheid watch --help'.",
        ),
        (["procss"], "Fout: onbekende opdracht 'procss'. Zie 'veiligheid --help'."),
        (["--confg", "x", "status"], "Fout: onbekende optie '--confg' (bedoelt u --config?). Zie 'veiligheid --help'."),
        (
            ["profielen", "--test", "bestaatniet.csv"],
            "Fout: 'bestaatniet.csv' bestaat niet (de optie --test). Zie 'veiligheid profielen --help'.",
        ),
        (["process", "extra"], "Fout: onverwacht extra argument 'extra'. Zie 'veiligheid process --help'."),
        (
            ["watch", "--poll", "-5"],
            "Fout: '-5.0' is geen geldige waarde voor de optie --poll (toegestaan: x>=0.1). "
            "Zie 'veiligheid watch --help'.",
        ),
    ],
)
def test_a_wrong_command_line_is_one_dutch_line_with_its_own_exit_code(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert (code, out, err) == (64, "", message + "\n")


def test_no_command_at_all_shows_the_dutch_help_and_says_what_is_missing() -> None:
    code, out, err = run()
    assert code == 64
    assert "Registratie en verantwoording van sociale veiligheid" in out and "process" in out
    assert err == "Fout: geef een opdracht, bijvoorbeeld 'veiligheid status'. Zie 'veiligheid --help'.\n"


def test_a_config_saved_in_windows_1252_says_in_dutch_how_to_save_it(tmp_path: Path) -> None:
    config = tmp_path / "veiligheid.toml"
    config.write_bytes('bestuur = "Stichting Sch\u00e9ol"\n[[scholen]]\nbrin = "12AB"\nnaam = "A"\n'.encode("cp1252"))
    code, _, err = run("--config", str(config), "status")
    assert (code, err) == (
        2,
        f"Fout: {config}: regel 1 is niet opgeslagen als UTF-8 (bijvoorbeeld een é of ë uit een ander programma). "
        "Open het bestand in Kladblok, kies 'Opslaan als' met codering UTF-8 en sla het opnieuw op.\n",
    )


def test_plan_on_a_board_that_received_nothing_yet_writes_plans_with_what_it_has(workspace: Settings) -> None:
    code, out, err = run("--config", str(workspace.paths.config), "plan")
    assert (code, err) == (0, "") and out.startswith("Veiligheidsplan en bijlagen voor ")
    written = sorted(p.parent.name for p in (workspace.paths.outbox / "plannen").rglob("Veiligheidsplan *.docx"))
    assert written == ["12AB OBS De Regenboog", "34CD CBS Het Anker", "56EF IKC De Vlinder"]
