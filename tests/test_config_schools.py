"""Two schools with one name in `[[scholen]]` are refused: a form naming that school would go to the first."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.config import Settings
from tests.conftest import Filler


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def add_school(settings: Settings, brin: str, name: str) -> None:
    config = settings.paths.config
    config.write_text(
        config.read_text(encoding="utf-8") + f'\n[[scholen]]\nbrin = "{brin}"\nnaam = "{name}"\n', encoding="utf-8"
    )


@pytest.mark.parametrize("name", ["OBS De Regenboog", "obs de regenboog", "  OBS  De Regenboog ", "OBS\tDE REGENBOOG"])
def test_a_second_school_with_the_same_name_is_refused_naming_both_and_the_fix(
    workspace: Settings, drop: Filler, name: str
) -> None:
    form = drop("incident")
    add_school(workspace, "77ZZ", name)

    code, out, err = run("--config", str(workspace.paths.config), "process")

    assert code == 2 and out == ""
    assert err == (
        f"Fout: {workspace.paths.config}: scholen: de scholen 12AB en 77ZZ heten allebei 'OBS De Regenboog'; "
        "geef een van beide een eigen naam (bijvoorbeeld met de plaats erbij), anders gaat elk formulier met "
        "die naam naar 12AB\n"
    )
    assert form.exists()  # nothing was taken in while the config is wrong


def test_schools_whose_names_only_look_alike_are_both_taken(workspace: Settings, drop: Filler) -> None:
    drop("incident")
    add_school(workspace, "77ZZ", "OBS De Regenboog Zwolle")

    code, _out, err = run("--config", str(workspace.paths.config), "process")

    assert code == 0, err
    code, out, _ = run("--config", str(workspace.paths.config), "status", "--json")
    assert code == 0 and "77ZZ" in out
