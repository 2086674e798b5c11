"""Peilingresultaten — survey results typed in by hand (DOMAIN.md §4.5)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from automation.forms.common import DATUM_INGEVULD, INGEVULD_DOOR, SCHOOL, shown
from automation.forms.model import Field, FormDef, Kind, Section

THEMES: tuple[tuple[str, str], ...] = (
    ("leefklimaat_groep", "Leefklimaat in de groep"),
    ("leerklimaat_groep", "Leerklimaat in de groep"),
    ("leefklimaat_school", "Leefklimaat op school"),
    ("samenwerking_ouders", "Samenwerking met ouders"),
    ("veiligheidsbeleving", "Veiligheidsbeleving"),
    ("aantasting_veiligheid", "Aantasting van de veiligheid"),
    ("welbevinden", "Welbevinden"),
)


def _theme_fields(key: str, label: str) -> tuple[Field, Field]:
    return (
        Field(
            f"score_{key}",
            f"{label}: gemiddelde score",
            Kind.DECIMAL,
            "Het gemiddelde op de schaal van het instrument (zie de schaal hierboven). Leeg als niet gemeten.",
        ),
        Field(
            f"positief_{key}",
            f"{label}: % positief",
            Kind.PERCENT,
            "Het aandeel positieve antwoorden, als percentage (bijvoorbeeld 85%).",
            minimum=0,
            maximum=1,
        ),
    )


def _peiling_rules(record: Mapping[str, Any], add: Callable[[str, str], None]) -> None:
    invited, responded = record.get("aantal_uitgenodigd"), record.get("aantal_respondenten")
    if isinstance(invited, int) and isinstance(responded, int) and responded > invited:
        add(
            "aantal_respondenten",
            f"er zijn meer respondenten ({responded}) dan uitgenodigden ({invited}). Controleer beide aantallen.",
        )
    low, high = record.get("schaal_min"), record.get("schaal_max")
    if isinstance(low, float) and isinstance(high, float) and low >= high:
        add("schaal_max", f"de hoogste waarde ({shown(high)}) moet groter zijn dan de laagste ({shown(low)}).")
        return
    scores = [k for k in record if k.startswith("score_")]
    if not any(record.get(k) is not None for k in [*scores, *(k for k in record if k.startswith("positief_"))]):
        add(
            scores[0],
            "er is geen enkel resultaat ingevuld. Vul per gemeten thema de score of het percentage positief in.",
        )
    for key in scores:
        score = record.get(key)
        if score is None:
            continue
        if low is None or high is None:
            add(
                "schaal_min" if low is None else "schaal_max",
                "is nodig om de scores te begrijpen. Vul de laagste en hoogste waarde van de schaal in.",
            )
            return
        if not low <= score <= high:
            add(
                key,
                f"de score {shown(score)} valt buiten de schaal. Verwacht: van {shown(low)} tot en met {shown(high)}.",
            )


FORM = FormDef(
    id="peiling",
    version=1,
    title="Peilingresultaten",
    intro=(
        "Gebruik dit formulier als de leverancier van uw vragenlijst alleen een rapport geeft: "
        "neem per thema de gemiddelde score en het percentage positieve antwoorden over. "
        "Laat thema's die niet gemeten zijn leeg. Velden met * zijn verplicht."
    ),
    summary=("instrument", "respondent"),
    survey_results=True,
    prefix="PEIL",
    cross_rules=(_peiling_rules,),
    register="Peilingen",
    event_date_key="afname_datum",
    sections=(
        Section(
            "De peiling",
            (
                SCHOOL,
                Field(
                    "schooljaar",
                    "Schooljaar",
                    Kind.SCHOOLYEAR,
                    "Het schooljaar van de afname, zoals 2026-2027.",
                    required=True,
                ),
                Field(
                    "instrument",
                    "Instrument",
                    Kind.TEXT,
                    "Naam van de vragenlijst of leverancier, bijvoorbeeld ZIEN! of KiVa.",
                    required=True,
                    max_length=100,
                ),
                Field(
                    "respondent",
                    "Respondenten",
                    Kind.CHOICE,
                    "Wie vulden de vragenlijst in?",
                    required=True,
                    choices="respondent",
                ),
                Field("groepen", "Groepen", Kind.GROUPS, "Welke groepen deden mee, bijvoorbeeld 5-8."),
                Field("afname_datum", "Datum afname", Kind.DATE, "Wanneer is de peiling afgenomen?", not_future=True),
                Field(
                    "aantal_uitgenodigd",
                    "Aantal uitgenodigd",
                    Kind.INTEGER,
                    "Hoeveel personen kregen de vragenlijst?",
                    minimum=0,
                    maximum=100000,
                ),
                Field(
                    "aantal_respondenten",
                    "Aantal respondenten",
                    Kind.INTEGER,
                    "Hoeveel personen vulden de vragenlijst in?",
                    required=True,
                    minimum=0,
                    maximum=100000,
                ),
                Field("schaal_min", "Schaal: laagste waarde", Kind.DECIMAL, "Bijvoorbeeld 1.", maximum=100),
                Field("schaal_max", "Schaal: hoogste waarde", Kind.DECIMAL, "Bijvoorbeeld 4 of 5.", maximum=100),
            ),
        ),
        Section(
            "Resultaten per thema",
            tuple(f for key, label in THEMES for f in _theme_fields(key, label)),
        ),
        Section("Ingevuld door", (INGEVULD_DOOR, DATUM_INGEVULD)),
    ),
)
