"""The pure validation rules, one behaviour per test, with the exact Dutch message."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from automation.forms import FORMS
from automation.forms.choices import DEFAULT_CHOICES
from automation.validation import Result, validate
from tests.conftest import valid_values

TODAY = dt.date(2026, 11, 28)
SCHOOLS = {"12AB": "OBS De Regenboog", "34CD": "CBS Het Anker"}


def check(form_id: str, **changes: Any) -> Result:
    values = valid_values(form_id, today=TODAY) | changes
    values = {k: v for k, v in values.items() if v is not None}
    cells = {key: f"B{n}" for n, key in enumerate(FORMS[form_id].keys, start=5)}
    return validate(FORMS[form_id], values, cells, schools=SCHOOLS, choices=DEFAULT_CHOICES, today=TODAY)


def messages(result: Result) -> dict[str, str]:
    return {p.key: p.message for p in result.problems}


@pytest.mark.parametrize("form_id", list(FORMS))
def test_a_carefully_filled_form_is_valid(form_id: str) -> None:
    assert check(form_id).problems == []


def test_required_field_left_empty() -> None:
    assert messages(check("incident", locatie=None))["locatie"] == "is verplicht maar leeg. Vul dit veld in."


def test_date_in_the_future_is_refused() -> None:
    result = check("incident", datum=dt.date(2026, 12, 3), datum_ingevuld=dt.date(2026, 11, 28))
    assert (
        messages(result)["datum"]
        == "de datum 03-12-2026 ligt in de toekomst. Verwacht: vandaag (28-11-2026) of eerder."
    )


def test_other_category_needs_an_explanation() -> None:
    result = check("incident", categorie="anders", categorie_toelichting=None)
    assert messages(result)["categorie_toelichting"] == (
        "is verplicht omdat 'Soort incident' is 'anders', maar is leeg. Vul dit veld in."
    )


def test_pupil_victim_needs_a_group() -> None:
    result = check("incident", slachtoffer_rol="leerling", slachtoffer_groep=None)
    assert messages(result) == {
        "slachtoffer_groep": "is verplicht omdat 'Slachtoffer' is 'leerling', maar is leeg. Vul dit veld in."
    }


def test_staff_sexual_misconduct_never_asks_the_sender_about_the_confidential_inspector() -> None:
    result = check("incident", categorie="seksueel grensoverschrijdend gedrag", dader_rol="personeel", dader_groep=None)
    assert result.ok
    assert [(w.key, w.message) for w in result.warnings] == [
        (
            "vertrouwensinspecteur_geraadpleegd",
            "bij seksueel grensoverschrijdend gedrag door iemand die op school werkt (ook een stagiair, vrijwilliger "
            "of externe medewerker) raadpleegt het bestuur direct de vertrouwensinspecteur; dat staat hier nog niet "
            "als gedaan. Elke medewerker meldt dit zelf direct aan het bestuur, niet alleen aan de schoolleiding. "
            "Het bestuurskantoor ziet deze melding als eerste open actie.",
        )
    ]
    ok = check(
        "incident",
        categorie="seksueel grensoverschrijdend gedrag",
        dader_rol="personeel",
        dader_groep=None,
        vertrouwensinspecteur_geraadpleegd="ja",
    )
    assert ok.problems == [] and ok.warnings == []


def test_choice_outside_the_list_names_the_choices() -> None:
    result = check("ongeval", behandeling="gips")
    assert messages(result)["behandeling"] == (
        "'gips' staat niet in de keuzelijst. Kies uit: geen, huisarts, spoedeisende hulp, ziekenhuisopname, overleden."
    )


def test_choices_are_matched_without_regard_to_case() -> None:
    result = check("incident", locatie="Speelplein")
    assert result.record["locatie"] == "speelplein"


def test_a_name_in_the_pupil_reference_is_refused() -> None:
    assert messages(check("incident", leerling_ref="Daan Jansen")) == {
        "leerling_ref": "dit lijkt een naam. Vul nooit een naam in, alleen een leerlingnummer of initialen (zoals "
        "10234 of J.d.V.)."
    }
    assert check("incident", leerling_ref="J.d.V.").problems == []
    assert check("incident", leerling_ref=10234).problems == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("12-03-2026", dt.date(2026, 3, 12)), ("2026-03-12", dt.date(2026, 3, 12)), (46093, dt.date(2026, 3, 12))],
)
def test_dates_typed_as_text_or_serial_are_understood(typed: Any, stored: dt.date) -> None:
    assert check("incident", datum=typed, datum_ingevuld=TODAY).record["datum"] == stored


def test_school_from_dropdown_text_brin_or_name() -> None:
    assert check("incident", school="12AB – OBS De Regenboog").record["school"] == "12AB"
    assert check("incident", school="34cd").record["school"] == "34CD"
    assert check("incident", school="CBS Het Anker").record["school"] == "34CD"
    assert messages(check("incident", school="99ZZ"))["school"] == (
        "'99ZZ' is geen school van dit bestuur. Kies uw school uit de keuzelijst."
    )


def test_whole_number_and_range() -> None:
    assert messages(check("agressie", verzuim_dagen=1.5))["verzuim_dagen"] == (
        "'1,5' is geen heel getal. Verwacht: een heel getal, zoals 3."
    )
    assert messages(check("agressie", verzuim_dagen=-2))["verzuim_dagen"] == (
        "-2 valt buiten het bereik. Verwacht: een waarde van 0 tot en met 3650."
    )


def test_filled_in_before_the_event_is_refused() -> None:
    result = check("incident", datum=dt.date(2026, 11, 20), datum_ingevuld=dt.date(2026, 11, 19))
    assert messages(result) == {
        "datum_ingevuld": "de datum ingevuld (19-11-2026) ligt vóór de datum van het voorval (20-11-2026). "
        "Verwacht: dezelfde dag of later."
    }


def test_an_old_date_is_a_warning_not_a_rejection() -> None:
    result = check("incident", datum=dt.date(2025, 6, 1), datum_ingevuld=dt.date(2025, 6, 2))
    assert result.ok
    assert [(w.key, w.message) for w in result.warnings] == [
        ("datum", "de datum 01-06-2025 is meer dan een jaar geleden; controleer of die klopt.")
    ]


def test_peiling_scores_must_fit_the_scale_and_respondents_the_invited() -> None:
    result = check("peiling", score_welbevinden=4.5, aantal_respondenten=300)
    assert messages(result) == {
        "aantal_respondenten": "er zijn meer respondenten (300) dan uitgenodigden (207). Controleer beide aantallen.",
        "score_welbevinden": "de score 4,5 valt buiten de schaal. Verwacht: van 1 tot en met 4.",
    }


def test_percentages_typed_as_whole_numbers_are_understood() -> None:
    assert check("peiling", positief_welbevinden=85).record["positief_welbevinden"] == 0.85
    assert check("peiling", positief_welbevinden="85%").record["positief_welbevinden"] == 0.85


def test_decimal_comma_is_understood() -> None:
    assert check("peiling", score_welbevinden="3,5").record["score_welbevinden"] == 3.5


def test_a_school_year_is_two_consecutive_years_written_with_a_dash() -> None:
    assert check("peiling", schooljaar="2026 / 2027").record["schooljaar"] == "2026-2027"
    assert messages(check("peiling", schooljaar="2026-2028"))["schooljaar"] == (
        "'2026-2028' is geen schooljaar. Verwacht: twee opeenvolgende jaren, zoals 2026-2027."
    )


def test_correction_reference_format() -> None:
    assert check("incident", correctie_van="inc-2026-0042").record["correctie_van"] == "INC-2026-0042"
    assert messages(check("incident", correctie_van="42"))["correctie_van"] == (
        "'42' is geen registratienummer. Verwacht: zoals INC-2026-0042."
    )


def test_an_unreported_hospital_admission_of_staff_is_a_warning_not_a_rejection() -> None:
    result = check(
        "agressie", ziekenhuisopname="ja", letsel="ja", letsel_aard="kneuzing", arbeidsinspectie_gemeld="nee"
    )
    assert result.ok
    assert [(w.key, w.message) for w in result.warnings] == [
        (
            "arbeidsinspectie_gemeld",
            "bij ziekenhuisopname, blijvend letsel of overlijden moet de werkgever dit direct melden bij de "
            "Nederlandse Arbeidsinspectie (0800-5151; laat de plaats van het voorval ongewijzigd); dat staat hier "
            "nog niet als gemeld.",
        )
    ]
    reported = check(
        "agressie",
        ziekenhuisopname="ja",
        letsel="ja",
        letsel_aard="kneuzing",
        arbeidsinspectie_gemeld="ja",
        arbeidsinspectie_datum=TODAY,
    )
    assert reported.warnings == []


def test_a_pupils_accident_in_hospital_is_not_for_the_labour_inspectorate() -> None:
    pupil = check("ongeval", slachtoffer_type="leerling", behandeling="ziekenhuisopname")
    staff = check("ongeval", slachtoffer_type="medewerker", slachtoffer_groep=None, behandeling="ziekenhuisopname")
    assert pupil.warnings == []
    assert [(w.key, w.message) for w in staff.warnings] == [
        (
            "arbeidsinspectie_gemeld",
            "een ongeval van een medewerker, stagiair of vrijwilliger met ziekenhuisopname, blijvend letsel of "
            "overlijden moet de werkgever direct melden bij de Nederlandse Arbeidsinspectie (0800-5151; laat de "
            "plaats van het ongeval ongewijzigd); dat staat hier nog niet als gemeld.",
        )
    ]
