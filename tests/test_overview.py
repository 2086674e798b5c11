"""The Overzicht sheet answers 'where do we stand, what needs doing?'; Voortgang shows milestones."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl

from automation import app
from automation.config import Settings
from automation.forms.choices import DEFAULT_CHOICES
from automation.schoolyear import schoolyear
from tests.conftest import Filler


def sheet_rows(settings: Settings, name: str) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(settings.paths.master, read_only=True, data_only=True)  # totals as values
    try:
        return [tuple(r) for r in wb[name].iter_rows(values_only=True)]
    finally:
        wb.close()


def test_overzicht_counts_per_school_lists_open_actions_and_has_native_charts(
    workspace: Settings, drop: Filler
) -> None:
    today = dt.date.today()
    drop("incident", "a.xlsx", seed=1, datum=today, datum_ingevuld=today)
    drop("incident", "b.xlsx", seed=2, datum=today, datum_ingevuld=today, school="34CD")
    drop(
        "agressie",
        "c.xlsx",
        seed=3,
        datum=today,
        datum_ingevuld=today,
        ziekenhuisopname="ja",
        letsel="ja",
        letsel_aard="kneuzing",
        opvanggesprek_datum=today,
    )
    app.process(workspace)
    rows = sheet_rows(workspace, "Overzicht")
    assert rows[0][0].startswith("Bestuursoverzicht sociale veiligheid — Testbestuur")
    header = rows[3]
    year = schoolyear(today)
    by_school = {r[0]: dict(zip(header, r, strict=False)) for r in rows[4:7]}
    assert by_school["12AB"][f"Incidenten {year}"] == 1 and by_school["34CD"][f"Incidenten {year}"] == 1
    assert by_school["12AB"][f"Agressie {year}"] == 1
    assert by_school["12AB"]["Open acties"] == 1 and by_school["34CD"]["Open acties"] == 0
    assert "aandacht: nog geen peiling" in by_school["56EF"]["Monitor (wettelijke eisen)"]
    assert rows[7][1] == "Totaal" and rows[7][header.index(f"Incidenten {year}")] == 2
    per_type = [h for h in header if str(h).startswith("waarvan ")]
    # one column per kind of the board's list, in its order (not by frequency), then the kinds outside it
    assert per_type == [*(f"waarvan {kind}" for kind in DEFAULT_CHOICES["incident_categorie"]), "waarvan overig"]
    for school in ("12AB", "34CD"):
        assert sum(by_school[school][h] for h in per_type) == by_school[school][f"Incidenten {year}"]
    listed = [r for r in rows if len(r) > 4 and str(r[4]).startswith("Melden bij de Nederlandse Arbeidsinspectie")]
    assert [(r[0], r[2][:3]) for r in listed] == [("12AB", "AG-")]
    with zipfile.ZipFile(workspace.paths.master) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 3
    wb = openpyxl.load_workbook(workspace.paths.master)
    assert wb.active.title == "Overzicht"
    register = wb["Agressie en geweld"]
    header = [c.value for c in register[1]]
    assert register.cell(row=2, column=header.index("Open actie") + 1).value.startswith("Melden bij")


def test_voortgang_shows_each_milestone_per_school(workspace: Settings, drop: Filler) -> None:
    today = dt.date.today()
    drop("school", "s.xlsx", mijlpaal_1=today, datum_ingevuld=today)
    app.process(workspace)
    rows = [r for r in sheet_rows(workspace, "Voortgang")[3:] if r[0] == "12AB"]
    assert [r[2][:2] for r in rows] == ["1.", "2.", "3.", "4.", "5."]
    assert rows[0][4] == "gereed" and rows[0][5].date() == today
    assert {r[4] for r in rows[1:]} <= {"op schema", "te laat"}


def test_the_monitor_column_shows_a_pupil_survey_of_this_school_year(workspace: Settings, drop: Filler) -> None:
    today = dt.date.today()
    drop("peiling", "p.xlsx", school="56EF", schooljaar=schoolyear(today), afname_datum=today, datum_ingevuld=today)
    app.process(workspace)
    rows = sheet_rows(workspace, "Overzicht")
    monitor = rows[3].index("Monitor (wettelijke eisen)")
    by_school = {r[0]: r[monitor] for r in rows[4:7]}
    assert "nog geen peiling" in by_school["12AB"] and "nog geen peiling" in by_school["34CD"]
    # measured, but no school form yet: the verdict names what is missing
    # (and the summary for the inspectorate: still to do before 1 July, missing after it)
    assert by_school["56EF"] in (
        "voldoet niet: geen coördinator · aandacht: samenvatting nog naar de inspectie",
        "voldoet niet: geen coördinator, samenvatting niet bij de inspectie",
    )
