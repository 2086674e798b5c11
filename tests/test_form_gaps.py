"""The gaps in the forms (issue 11, point 13): whose pupil reference, the bullying protocol's two-week
evaluation, material damage after aggression, the school's aandachtsfunctionaris, the plan's adoption and
the MR's consent, and the goals and measures the plan's chapter reads.

Real forms go through the intake; what the board sees is read back from the master workbook."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from automation import app
from automation.config import Settings
from automation.forms import FORMS
from tests.conftest import Filler
from tests.helpers import explanation, master_sheet, rows

TODAY = dt.date.today()
NO_EVALUATION = "Geen evaluatie van het pesten na twee weken (pestprotocol)"


def register(settings: Settings, sheet: str) -> list[dict[str, Any]]:
    """A register of the master as rows of {column title: value}."""
    header, *body = master_sheet(settings, sheet)
    return [dict(zip(header, row, strict=True)) for row in body if row[0]]


def row_of(settings: Settings, sheet: str, name: str) -> dict[str, Any]:
    (found,) = rows(settings, "SELECT regnr FROM submissions WHERE original_name = ?", f"{name}.xlsx")
    (row,) = [r for r in register(settings, sheet) if r["Registratienummer"] == found["regnr"]]
    return row


def incident_on(day: dt.date, **values: Any) -> dict[str, Any]:
    return {"datum": day, "datum_ingevuld": day, **values}


# --- whose pupil reference --------------------------------------------------------------------------


def test_the_pupil_reference_says_whether_it_is_the_victims_or_the_perpetrators(
    workspace: Settings, drop: Filler
) -> None:
    day = TODAY - dt.timedelta(days=3)
    drop("incident", "slachtoffer.xlsx", **incident_on(day, leerling_ref="48213", leerling_ref_rol="slachtoffer"))
    drop("incident", "dader.xlsx", seed=2, **incident_on(day, leerling_ref="48213", leerling_ref_rol="dader"))
    drop("incident", "beide.xlsx", seed=3, **incident_on(day, leerling_ref="51177", leerling_ref_rol="beide"))
    assert app.process(workspace).accepted == 3
    victim, offender, both = (row_of(workspace, "Incidenten", n) for n in ("slachtoffer", "dader", "beide"))
    assert [r["Rol van deze leerling"] for r in (victim, offender, both)] == ["slachtoffer", "dader", "beide"]
    # the same pupil, pseudonymised alike, so being victimised and bullying again are counted apart
    assert victim["Leerling (pseudoniem)"] == offender["Leerling (pseudoniem)"] != both["Leerling (pseudoniem)"]
    assert str(victim["Leerling (pseudoniem)"]).startswith("LL-")
    assert "48213" not in str(register(workspace, "Incidenten"))


def test_a_pupil_reference_without_its_role_is_handed_back_with_the_reason(workspace: Settings, drop: Filler) -> None:
    drop("incident", "zonder rol.xlsx", leerling_ref="48213", leerling_ref_rol=None)
    assert app.process(workspace).rejected == 1
    assert (
        "is verplicht omdat 'Leerlingnummer of initialen' is ingevuld, maar is leeg. Kies of deze leerling het "
        "slachtoffer, de dader of beide is."
    ) in explanation(workspace, "zonder rol")


def test_an_incident_without_a_pupil_reference_needs_no_role(workspace: Settings, drop: Filler) -> None:
    drop("incident", "anoniem.xlsx", leerling_ref=None, leerling_ref_rol=None)
    assert app.process(workspace).accepted == 1


def test_the_role_of_the_pupil_reference_is_a_fixed_list_a_board_cannot_replace() -> None:
    from automation.forms.choices import DEFAULT_CHOICES, FIXED_LISTS

    assert DEFAULT_CHOICES["leerling_ref_rol"] == ("slachtoffer", "dader", "beide")
    assert "leerling_ref_rol" in FIXED_LISTS


# --- the bullying protocol's evaluation after two weeks ---------------------------------------------


@pytest.mark.parametrize("category", ["pesten", "digitaal pesten"])
def test_bullying_without_an_evaluation_two_weeks_later_is_an_open_action(
    workspace: Settings, drop: Filler, category: str
) -> None:
    drop(
        "incident",
        "pesten.xlsx",
        **incident_on(TODAY - dt.timedelta(days=15), categorie=category, evaluatie_datum=None),
    )
    assert app.process(workspace).accepted == 1
    assert row_of(workspace, "Incidenten", "pesten")["Open actie"] == NO_EVALUATION


def test_bullying_evaluated_or_less_than_two_weeks_ago_is_no_open_action(workspace: Settings, drop: Filler) -> None:
    long_ago = TODAY - dt.timedelta(days=30)
    drop("incident", "geevalueerd.xlsx", **incident_on(long_ago, categorie="pesten", evaluatie_datum=TODAY))
    drop("incident", "recent.xlsx", seed=2, **incident_on(TODAY - dt.timedelta(days=10), categorie="pesten"))
    assert app.process(workspace).accepted == 2
    assert row_of(workspace, "Incidenten", "geevalueerd")["Open actie"] in (None, "")
    assert row_of(workspace, "Incidenten", "recent")["Open actie"] in (None, "")


def test_only_bullying_needs_an_evaluation_after_two_weeks(workspace: Settings, drop: Filler) -> None:
    day = TODAY - dt.timedelta(days=30)
    drop("incident", "geweld.xlsx", **incident_on(day, categorie="fysiek geweld", evaluatie_datum=None))
    assert app.process(workspace).accepted == 1
    assert row_of(workspace, "Incidenten", "geweld")["Open actie"] in (None, "")


def test_an_evaluation_before_the_incident_is_refused(workspace: Settings, drop: Filler) -> None:
    day = TODAY - dt.timedelta(days=20)
    drop(
        "incident", "te vroeg.xlsx", **incident_on(day, categorie="pesten", evaluatie_datum=day - dt.timedelta(days=1))
    )
    assert app.process(workspace).rejected == 1
    assert "ligt vóór de datum van het voorval" in explanation(workspace, "te vroeg")


# --- material damage after aggression ---------------------------------------------------------------


def test_the_aggression_form_records_material_damage_and_whether_it_was_recovered(
    workspace: Settings, drop: Filler
) -> None:
    drop("agressie", "schade.xlsx", materiele_schade="ja", schade_verhaald="nee")
    drop("agressie", "onbekend.xlsx", seed=2, materiele_schade="ja", schade_verhaald="onbekend")
    assert app.process(workspace).accepted == 2
    damaged, unknown = (
        row_of(workspace, "Agressie en geweld", "schade"),
        row_of(workspace, "Agressie en geweld", "onbekend"),
    )
    assert (damaged["Materiële schade"], damaged["Schade verhaald"]) == ("ja", "nee")
    assert unknown["Schade verhaald"] == "onbekend"


# --- the school form: roles, adoption, consent, goals and measures -----------------------------------


def test_the_school_form_records_the_aandachtsfunctionaris_the_plans_adoption_and_the_mr_consent(
    workspace: Settings, drop: Filler
) -> None:
    adopted, consented = TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=10)
    drop(
        "school",
        "school.xlsx",
        aandachtsfunctionaris_naam="Ellen Vos",
        plan_vastgesteld_datum=adopted,
        mr_instemming_datum=consented,
    )
    assert app.process(workspace).accepted == 1
    (row,) = [r for r in register(workspace, "Scholen") if r["BRIN"] == "12AB"]
    assert row["Aandachtsfunctionaris"] == "Ellen Vos"
    assert _day(row["Veiligheidsplan vastgesteld"]) == adopted
    assert _day(row["Instemming MR"]) == consented


def test_a_plan_adopted_or_consented_in_the_future_is_refused(workspace: Settings, drop: Filler) -> None:
    drop("school", "toekomst.xlsx", mr_instemming_datum=TODAY + dt.timedelta(days=3))
    assert app.process(workspace).rejected == 1
    assert "ligt in de toekomst" in explanation(workspace, "toekomst")


def test_the_school_form_holds_three_goals_each_with_its_measure_in_a_section_of_their_own(
    workspace: Settings, drop: Filler
) -> None:
    form = FORMS["school"]
    (section,) = [s for s in form.sections if s.title == "Doelen en maatregelen"]
    keys = ("doel_1", "maatregel_1", "doel_2", "maatregel_2", "doel_3", "maatregel_3")
    assert tuple(f.key for f in section.fields) == keys
    assert form.field("doel_1").help.startswith("Wat wil de school bereiken, naar aanleiding van welke cijfers")
    assert form.field("maatregel_1").help.startswith("Wat doet de school, wie, wanneer?")
    goals = {"doel_1": "Minder pesten in groep 7.", "maatregel_1": "Groepsgesprekken vanaf januari (coördinator)."}
    drop("school", "doelen.xlsx", **dict.fromkeys(keys) | goals)
    assert app.process(workspace).accepted == 1
    (stored,) = rows(workspace, "SELECT data FROM records WHERE form_id = 'school'")
    data = json.loads(stored["data"])
    assert (data["doel_1"], data["maatregel_1"], data["doel_2"]) == (*goals.values(), None)


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
