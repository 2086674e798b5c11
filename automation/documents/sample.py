"""A complete example school: every list filled, every fact present. The template check renders
against it (so every branch and loop of a template is tried), and the README's list of variables
is made from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from automation.checks.board import BoardFacts, compute
from automation.checks.measures import Measure
from automation.config import BoardConfig, School
from automation.documents.context import school_context
from automation.forms import event_forms
from automation.forms.choices import DEFAULT_CHOICES
from automation.forms.peiling import THEMES
from automation.schoolyear import previous, schoolyear
from automation.store import Record, Tally, ThemeScore

BRIN = "99ZZ"
NAME = "Voorbeeldschool De Linde"
TODAY = dt.date(2026, 11, 28)


def sample_facts(
    *,
    today: dt.date = TODAY,
    missing: bool = False,
    schooljaar: str | None = None,
    records: Sequence[Record] | None = None,
    tallies: Sequence[Tally] | None = None,
    instrument: str | None = None,
    **changes: Any,
) -> BoardFacts:
    """Made by the same computation as a real board's facts, from example records, counts and survey
    results. With `missing`, the school form lacks a few facts (so the list of what is missing is
    tried); `changes` replace or remove (None) school form fields."""
    year = schoolyear(today)
    form: dict[str, Any] = {
        "schoolnaam": NAME,
        "vestiging": "00",
        "adres": "Lindelaan 1",
        "plaats": "Utrecht",
        "telefoon": "030 123 45 67",
        "email": "info@delinde.example.nl",
        "website": "www.delinde.example.nl",
        "directeur_naam": "Marieke Jansen",
        "directeur_email": "directie@delinde.example.nl",
        "coordinator_naam": "Ahmed Benali",
        "coordinator_functie": "intern begeleider",
        "coordinator_email": "coordinator@delinde.example.nl",
        "coordinator_telefoon": "030 123 45 68",
        "contactpersoon_naam": "Els de Groot",
        "vertrouwenspersoon_extern_naam": "Karin Vos",
        "vertrouwenspersoon_extern_contact": "06 12 34 56 78",
        "preventiemedewerker_naam": "Tom Willems",
        "bhv_coordinator_naam": "Tom Willems",
        "aantal_bhv": 6,
        "klachtencommissie": "GCBO",
        "klachtencommissie_contact": "www.gcbo.nl",
        "programma": "anders",
        "programma_toelichting": "Positive Behavior Support (PBS)",
        "monitor_instrument": "ZIEN!",
        "monitor_groepen": "5-8",
        "monitor_frequentie": "jaarlijks",
        "monitor_maand": "maart",
        "leerlingen_totaal": 1234,
        "leerlingen_groep_5_8": 360,
        "inspectie_toestemming": "ja",
        "inspectie_geleverd_datum": "2026-11-01",
        "rie_datum": "2025-05-12",
        "ontruimingsoefening_datum": "2026-10-02",
        "dvp_account": "ja",
        "visie": "Wij zijn een school waar iedereen zich veilig voelt & gezien wordt.",
        "doel_1": "Minder pesten in groep 7: in de monitor voelde 80% zich veilig, het jaar ervoor 88%.",
        "maatregel_1": "Groepsgesprekken in groep 7 vanaf oktober; evaluatie in maart (coördinator).",
        "mijlpaal_1": "2026-10-15",
        "datum_ingevuld": "2026-10-20",
    }
    if missing:
        for key in (
            "adres",
            "telefoon",
            "aantal_bhv",
            "rie_datum",
            "visie",
            "leerlingen_groep_5_8",
            "doel_1",
            "maatregel_1",
        ):
            form.pop(key)
    if instrument:
        form["monitor_instrument"] = instrument  # a survey named on purpose is the school's declared monitor
    elif instrument is None:  # missing: a survey that is not the declared ZIEN!, so the monitor needs attention
        instrument = "Eigen vragenlijst" if missing else "ZIEN!"
    form = {k: v for k, v in (form | changes).items() if v is not None}
    first, before = int(year[:4]), int(previous(year)[:4])
    tallies = (
        tallies
        if tallies is not None
        else [
            Tally("incident", BRIN, dt.date(first, 10, 5), "pesten", 3),
            Tally("incident", BRIN, dt.date(first, 11, 10), "digitaal pesten", 2),
            Tally("incident", BRIN, dt.date(before, 11, 12), "pesten", 4),
            Tally("incident", BRIN, dt.date(before + 1, 3, 10), "pesten", 1),
            Tally("agressie", BRIN, dt.date(first, 11, 3), "bedreiging", 1),
            Tally("ongeval", BRIN, dt.date(first, 10, 14), "huisarts", 2),
            Tally("ongeval", BRIN, dt.date(before, 10, 1), "geen", 1),
        ]
    )
    surveys = [
        ThemeScore(BRIN, year, group, key, label, 300, 3.1, 1, 4, 0.81, instrument, dt.date(2026, 10, 1),
                   survey_respondents=300, groepen=(5, 6, 7, 8), invited=360, regnr=f"PEIL-2026-000{n}")
        for n, group in enumerate(("leerlingen", "ouders"), start=1)
        for key, label in THEMES[4:]
    ]  # fmt: skip
    return compute(
        board(),
        choices=DEFAULT_CHOICES,
        schooljaar=schooljaar or year,
        today=today,
        registers=event_forms(),
        records=records if records is not None else [aggression(1, today, reported=False)],
        tallies=tallies,
        school_forms=[_record("SCH-2026-0001", "school", dt.date(2026, 10, 20), form)],
        surveys=surveys,
        last_received={},
        plans={},
    )


def board() -> BoardConfig:
    return BoardConfig(bestuur="Stichting Voorbeeld Primair Onderwijs", scholen=[School(brin=BRIN, naam=NAME)])


def aggression(n: int, day: dt.date, *, reported: bool) -> Record:
    """A case of aggression with a hospital admission: the Labour Inspectorate must be told."""
    data = {"datum": day.isoformat(), "ziekenhuisopname": "ja", "arbeidsinspectie_gemeld": "ja" if reported else "nee"}
    return _record(f"AG-{day.year}-{n:04d}", "agressie", day, data)


def _record(regnr: str, form_id: str, day: dt.date, data: dict[str, Any]) -> Record:
    at = f"{day.isoformat()}T09:00:00"
    return Record(regnr, form_id, BRIN, day, 1, data, 1, at, at)


def sample_measures() -> list[Measure]:
    """Two measures of the example school: one evaluated, one still running."""
    return [
        Measure(
            regnr="MAA-2026-0001",
            goal="Minder pesten in groep 7: in de monitor voelde 80% zich veilig, het jaar ervoor 88%.",
            measure="Groepsgesprekken in groep 7, elke twee weken.",
            reason="monitor: Veiligheidsbeleving",
            owner="de coördinator sociale veiligheid",
            start=dt.date(2026, 9, 1),
            end=dt.date(2027, 3, 31),
            status="loopt",
            evaluated=None,
            result="",
        ),
        Measure(
            regnr="MAA-2026-0002",
            goal="Geen ongevallen meer op het klimrek.",
            measure="Valdempende tegels onder het klimrek en toezicht in de pauze.",
            reason="ontwikkeling in de registraties",
            owner="de conciërge",
            start=dt.date(2026, 8, 20),
            end=dt.date(2026, 10, 31),
            status="afgerond",
            evaluated=dt.date(2026, 11, 10),
            result="Sinds de tegels liggen geen ongevallen meer; het toezicht blijft.",
        ),
    ]


def sample_context(*, with_charts: bool = False, missing: bool = False) -> dict[str, Any]:
    measures = () if missing else sample_measures()
    return school_context(sample_facts(missing=missing), BRIN, measures=measures, with_charts=with_charts)
