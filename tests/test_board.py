"""One board truth: the Overzicht, the plan, the Vensters sheet and `status --json` show the same
figures, because they render the same computed facts (checks/board.py). And a sixth form needs only
its own module and one registration line to be validated, stored, counted and shown everywhere."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from automation import app
from automation.cli import main
from automation.config import Settings
from automation.excel.build_form import build_all, form_file_name
from automation.excel.fill import fill_form
from automation.forms import FORMS, event_forms, register, unregister
from automation.forms.common import DATUM, DATUM_INGEVULD, INGEVULD_DOOR, OMSCHRIJVING, SCHOOL, correctie_van
from automation.forms.model import Field, FormDef, Kind, Register, Section
from automation.schoolyear import previous, schoolyear, start_year
from automation.store import Store
from tests.conftest import Filler, valid_values
from tests.helpers import document_text

TODAY = dt.date.today()
YEAR = schoolyear(TODAY)
LAST = previous(YEAR)
THIS_START = dt.date(start_year(TODAY), 8, 1)
LAST_START = dt.date(start_year(TODAY) - 1, 8, 1)
IN_THIS_YEAR = THIS_START + (TODAY - THIS_START) // 2
SAME_PART_LAST_YEAR = LAST_START + (TODAY - THIS_START) // 3
LATER_LAST_YEAR = dt.date(start_year(TODAY), 6, 15)  # after the same part, before last year's end
LABELS = {
    "incident": "Incidenten met leerlingen",
    "agressie": "Agressie en geweld tegen personeel",
    "ongeval": "Ongevallen",
}
SHORT = {"incident": "Incidenten", "agressie": "Agressie", "ongeval": "Ongevallen"}

# (school, form, day): two schools with registrations this year, in the same part of last year and later last year
DROPS = [
    ("12AB", "incident", IN_THIS_YEAR),
    ("12AB", "incident", IN_THIS_YEAR),
    ("12AB", "agressie", IN_THIS_YEAR),
    ("12AB", "incident", SAME_PART_LAST_YEAR),
    ("12AB", "ongeval", LATER_LAST_YEAR),
    ("34CD", "ongeval", IN_THIS_YEAR),
    ("34CD", "incident", LATER_LAST_YEAR),
    ("34CD", "agressie", LATER_LAST_YEAR),
]


def overzicht(master: Path) -> dict[str, dict[str, Any]]:
    """The Overzicht as the office reads it: per BRIN, column title -> value."""
    wb = openpyxl.load_workbook(master, read_only=True, data_only=True)
    rows = list(wb["Overzicht"].iter_rows(values_only=True))
    wb.close()
    header = list(rows[3])
    found = {}
    for row in rows[4:]:
        if row[0] is None or row[1] == "Totaal":
            break
        found[str(row[0])] = dict(zip(header, row, strict=True))
    return found


def vensters(master: Path) -> dict[str, tuple[str, str | None]]:
    wb = openpyxl.load_workbook(master, read_only=True)
    rows = list(wb["Vensters"].iter_rows(min_row=5, values_only=True))
    wb.close()
    return {str(r[0]): (str(r[2]), r[3]) for r in rows if r[0]}


def plan_lines(settings: Settings, brin: str) -> list[str]:
    (plan,) = (settings.paths.outbox / "plannen").glob(f"{brin} */Veiligheidsplan*.docx")
    return document_text(plan)


def status_json(settings: Settings) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["--config", str(settings.paths.config), "status", "--json"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


@pytest.mark.slow
def test_the_overzicht_the_plan_vensters_and_status_give_the_same_figures(workspace: Settings, drop: Filler) -> None:
    for n, (brin, form_id, day) in enumerate(DROPS):
        drop(form_id, f"{form_id}-{n}.xlsx", seed=n + 1, school=brin, datum=day, datum_ingevuld=TODAY)
    drop("peiling", "peiling.xlsx", school="12AB")
    drop("school", "school.xlsx", school="12AB")
    counts = app.process(workspace)
    assert counts.accepted == len(DROPS) + 2 and counts.rejected == 0
    app.make_plans(workspace, today=TODAY)

    figures = status_json(workspace)["schools"]
    assert (figures["schooljaar"], figures["vorig_schooljaar"]) == (YEAR, LAST)
    status = figures["scholen"]
    sheet = overzicht(workspace.paths.master)
    texts = vensters(workspace.paths.master)
    expected_this = {
        "12AB": {"incident": 2, "agressie": 1, "ongeval": 0},
        "34CD": {"incident": 0, "agressie": 0, "ongeval": 1},
    }
    expected_same = {
        "12AB": {"incident": 1, "agressie": 0, "ongeval": 0},
        "34CD": {"incident": 0, "agressie": 0, "ongeval": 0},
    }
    expected_whole = {
        "12AB": {"incident": 1, "agressie": 0, "ongeval": 1},
        "34CD": {"incident": 1, "agressie": 1, "ongeval": 0},
    }
    for brin in ("12AB", "34CD", "56EF"):
        this = expected_this.get(brin, dict.fromkeys(SHORT, 0))
        same = expected_same.get(brin, dict.fromkeys(SHORT, 0))
        whole = expected_whole.get(brin, dict.fromkeys(SHORT, 0))
        # status --json (its registers also list the measures, which are no registrations: compared apart)
        assert {f: status[brin]["registraties"][f] for f in SHORT} == this
        assert {f: status[brin]["registraties_vorig_jaar_zelfde_periode"][f] for f in SHORT} == same
        assert {f: status[brin]["registraties_vorig_jaar"][f] for f in SHORT} == whole
        assert (status[brin]["totaal"], status[brin]["totaal_vorig_jaar"]) == (sum(this.values()), sum(whole.values()))
        # the Overzicht: this year and last year whole, the monitor verdict
        row = sheet[brin]
        assert {f: row[f"{SHORT[f]} {YEAR}"] for f in SHORT} == this
        assert {f: row[f"{SHORT[f]} {LAST}"] for f in SHORT} == whole
        assert row["Monitor (wettelijke eisen)"] == status[brin]["monitor"]
        assert row["Open acties"] == status[brin]["open_acties"]
        if brin == "56EF":
            continue  # no school form: no plan
        # the plan's registration chapter: this year against the same part of last year, and last year whole
        lines = plan_lines(workspace, brin)
        for form_id, label in LABELS.items():
            diff = this[form_id] - same[form_id]
            shown = "gelijk" if diff == 0 else (f"+{diff}" if diff > 0 else f"−{-diff}")
            assert f"{label} | {this[form_id]} | {same[form_id]} | {shown}" in lines, (brin, label)
        chapter = " ".join(lines)
        assert f"in totaal {sum(this.values())} registratie" in chapter
        assert f"tegen {sum(same.values())} in dezelfde periode van {LAST}" in chapter
        whole_total = sum(whole.values())
        assert f"Het hele schooljaar {LAST} telde {whole_total} registratie" in chapter
    # the survey: the same respondents in status, the Vensters text and the plan
    respondents = status["12AB"]["respondenten_leerlingen"]
    assert isinstance(respondents, int) and respondents >= 5
    text, caution = texts["12AB"]
    assert f"deden {respondents} leerlingen mee" in text
    assert (caution or "").startswith("Niet publiceren") == (status["12AB"]["monitor"] != "voldoet")
    assert f"onder {respondents} leerlingen:" in " ".join(plan_lines(workspace, "12AB"))


# --- a sixth form: one module and one registration line ----------------------------------------

VERNIELING = FormDef(
    id="vernieling",
    version=1,
    title="Melding vernieling",
    intro="Vul dit formulier in na vernieling of graffiti op of rond de school.",
    prefix="VRN",
    register="Vernielingen",
    counts=Register(label="Vernielingen", short="Vernielingen", counted="soort", colour="#7030A0"),
    choice_lists=(("vernieling_soort", ("graffiti", "ruit ingegooid", "anders")),),
    sections=(
        Section(
            "Wat is er gebeurd",
            (
                SCHOOL,
                DATUM,
                Field(
                    "soort", "Soort schade", Kind.CHOICE, "Kies de soort.", required=True, choices="vernieling_soort"
                ),
                Field("dader", "Leerling (nummer of initialen)", Kind.PUPIL_REF, "Nooit een naam.", max_length=20),
                OMSCHRIJVING,
            ),
        ),
        Section("Ingevuld door", (INGEVULD_DOOR, DATUM_INGEVULD, correctie_van("VRN"))),
    ),
)


@pytest.fixture
def sixth_form() -> Iterator[FormDef]:
    register(VERNIELING)  # the one line a new form adds to automation/forms/__init__.py
    try:
        yield VERNIELING
    finally:
        unregister(VERNIELING.id)


@pytest.mark.slow
def test_a_sixth_form_is_validated_stored_counted_and_shown_with_no_other_edit(
    sixth_form: FormDef, workspace: Settings, tmp_path: Path
) -> None:
    assert event_forms()[-1] == "vernieling"
    (blank,) = build_all(
        tmp_path / "formulieren",
        forms=[sixth_form],
        schools=workspace.schools,
        choices=workspace.choices,
        board="Testbestuur",
    )
    assert blank.name == form_file_name(sixth_form)
    good = {
        "school": "12AB",
        "datum": IN_THIS_YEAR,
        "soort": "graffiti",
        "dader": "QXW",
        "omschrijving": "Graffiti op de muur van het schoolplein door QXW.",
        "ingevuld_door": "J. de Vries, conciërge",
        "datum_ingevuld": TODAY,
    }
    fill_form(blank, good, workspace.paths.inbox / "vernieling.xlsx")
    fill_form(blank, good | {"soort": None}, workspace.paths.inbox / "vernieling zonder soort.xlsx")
    fill_form(blank, good | {"soort": "brand"}, workspace.paths.inbox / "vernieling brand.xlsx")
    counts = app.process(workspace)
    assert (counts.accepted, counts.rejected) == (1, 2)
    explanation = next(workspace.paths.rejected.rglob("vernieling zonder soort*uitleg.txt")).read_text(encoding="utf-8")
    assert "Soort schade" in explanation and "is verplicht maar leeg" in explanation
    explanation = next(workspace.paths.rejected.rglob("vernieling brand*uitleg.txt")).read_text(encoding="utf-8")
    assert "'brand' staat niet in de keuzelijst. Kies uit: graffiti, ruit ingegooid, anders." in explanation

    store = Store.open(workspace.paths.database, create=False)
    try:
        (regnr,) = store.regnrs("vernieling", school="12AB")
        (record,) = list(store.records(["vernieling"]))
    finally:
        store.close()
    assert regnr == f"VRN-{TODAY.year}-0001" and record.data["soort"] == "graffiti"
    # the pupil's reference is found by its kind, not its name: a pseudonym in the store, also in the text
    code = record.data["dader"]
    assert code != "QXW" and "QXW" not in str(record.data) and record.data["omschrijving"].endswith(f"door {code}.")

    wb = openpyxl.load_workbook(workspace.paths.master, read_only=True, data_only=True)
    rows = list(wb["Vernielingen"].iter_rows(values_only=True))
    wb.close()
    assert rows[0][0] == "Registratienummer" and "Soort schade" in rows[0] and "Leerling (pseudoniem)" in rows[0]
    assert rows[1][0] == regnr and "graffiti" in rows[1]
    assert overzicht(workspace.paths.master)["12AB"][f"Vernielingen {YEAR}"] == 1

    drop_school_form(workspace, tmp_path)
    app.make_plans(workspace, schools=["12AB"], today=TODAY)
    # no registration of any kind before this school year: last year is 'no data', not 0
    lines = plan_lines(workspace, "12AB")
    assert "Vernielingen | 1 | – | –" in lines
    at = lines.index("Vernielingen")  # its own table per kind, under its own heading
    assert lines[at + 1].startswith("Soort schade | ") and lines[at + 2] == "graffiti | 1 | – | –"


def drop_school_form(settings: Settings, folder: Path) -> None:
    (blank,) = build_all(
        folder / "school",
        forms=[FORMS["school"]],
        schools=settings.schools,
        choices=settings.choices,
        board="Testbestuur",
    )
    fill_form(blank, valid_values("school"), settings.paths.inbox / "school.xlsx")
    assert app.process(settings).accepted == 1
