"""A rejection that a later accepted form solves leaves the school's folder (issue 13, item 4):
what staff still see there is what is still open; the store and a purge still find the files."""

from __future__ import annotations

import datetime as dt

from automation import app
from automation.config import Settings
from tests.conftest import Filler
from tests.helpers import master_sheet, rows

SCHOOL = "12AB OBS De Regenboog"


def open_rejections(settings: Settings) -> tuple[object, object]:
    """The Overzicht's 'Open afwijzingen' and 'Oudste open afwijzing' for 12AB."""
    table = master_sheet(settings, "Overzicht")
    header = list(table[3])
    row = next(r for r in table[4:] if r[0] == "12AB")
    return row[header.index("Open afwijzingen")], row[header.index("Oudste open afwijzing")]


def test_an_accepted_correction_moves_the_earlier_rejection_into_opgelost(workspace: Settings, drop: Filler) -> None:
    drop("incident", "melding.xlsx", seed=1, omschrijving=None)
    drop("incident", "ander.xlsx", seed=2, omschrijving=None)  # another open rejection: it stays
    app.process(workspace)
    folder = workspace.paths.rejected / SCHOOL
    assert {p.name for p in folder.iterdir()} >= {"melding.xlsx", "melding - uitleg.txt", "ander.xlsx"}
    assert open_rejections(workspace)[0] == 2
    assert isinstance(open_rejections(workspace)[1], dt.datetime)

    drop("incident", "melding.xlsx", seed=1)  # corrected, under the same name
    assert app.process(workspace).accepted == 1

    assert open_rejections(workspace)[0] == 1  # the Overzicht counts only what is still open
    left = sorted(p.name for p in folder.iterdir() if p.is_file())
    assert left == ["ander - met opmerkingen.xlsx", "ander - uitleg.txt", "ander.xlsx"]
    solved = sorted(p.name for p in (folder / "opgelost").iterdir())
    assert solved == ["melding - met opmerkingen.xlsx", "melding - uitleg.txt", "melding.xlsx"]
    (stored,) = [
        r["rejected_path"]
        for r in rows(workspace, "SELECT rejected_path FROM submissions WHERE outcome = 'afgewezen'")
        if "melding" in r["rejected_path"]
    ]
    assert workspace.paths.resolve(stored) == folder / "opgelost" / "melding.xlsx"

    # the purge still finds the solved rejection after the retention period
    app.purge(workspace, dry_run=False, today=dt.date.today().replace(year=dt.date.today().year + 20))
    assert not (folder / "opgelost" / "melding.xlsx").exists()


def test_the_annotated_copy_corrected_and_dropped_again_solves_its_rejection(workspace: Settings, drop: Filler) -> None:
    drop("incident", "melding.xlsx", seed=1, omschrijving=None)
    app.process(workspace)
    drop("incident", "melding - met opmerkingen.xlsx", seed=1)  # the annotated copy, corrected
    assert app.process(workspace).accepted == 1
    folder = workspace.paths.rejected / SCHOOL
    assert [p.name for p in folder.iterdir() if p.is_file()] == []
    assert len(list((folder / "opgelost").iterdir())) == 3
