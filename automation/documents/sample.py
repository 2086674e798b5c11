"""A complete example school: every list filled, every fact present. The template check renders
against it (so every branch and loop of a template is tried), and the README's list of variables
is made from it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from automation.checks.actions import Action
from automation.documents.context import school_context
from automation.documents.facts import (
    BoardFacts,
    DutyCount,
    EventCount,
    MonitorFacts,
    Requirement,
    SchoolForm,
    ThemeResult,
)
from automation.forms.choices import DEFAULT_CHOICES
from automation.forms.peiling import THEMES
from automation.schoolyear import previous, schoolyear

BRIN = "99ZZ"
TODAY = dt.date(2026, 11, 28)


def sample_facts(*, today: dt.date = TODAY, missing: bool = False) -> BoardFacts:
    """With `missing`, the school form lacks a few facts (so the list of what is missing is tried)."""
    year = schoolyear(today)
    form: dict[str, Any] = {
        "schoolnaam": "Voorbeeldschool De Linde",
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
        "leerlingen_groep_5_8": 610,
        "rie_datum": "2025-05-12",
        "ontruimingsoefening_datum": "2026-10-02",
        "dvp_account": "ja",
        "visie": "Wij zijn een school waar iedereen zich veilig voelt & gezien wordt.",
        "mijlpaal_1": "2026-10-15",
        "datum_ingevuld": "2026-10-20",
    }
    if missing:
        for key in ("adres", "telefoon", "aantal_bhv", "rie_datum", "visie"):
            form.pop(key)
    first, before = int(year[:4]), int(previous(year)[:4])
    events = [
        EventCount("incident", BRIN, dt.date(first, 10, 5), "pesten", 3),
        EventCount("incident", BRIN, dt.date(first, 11, 10), "digitaal pesten", 2),
        EventCount("incident", BRIN, dt.date(before, 11, 12), "pesten", 4),
        EventCount("incident", BRIN, dt.date(before + 1, 3, 10), "pesten", 1),
        EventCount("agressie", BRIN, dt.date(first, 11, 3), "bedreiging", 1),
        EventCount("ongeval", BRIN, dt.date(first, 10, 14), "huisarts", 2),
        EventCount("ongeval", BRIN, dt.date(before, 10, 1), "geen", 1),
    ]
    results = tuple(
        ThemeResult(group, key, label, 300, 3.1, 1, 4, 0.81, "ZIEN!", dt.date(2026, 10, 1))
        for group in ("leerlingen", "ouders")
        for key, label in THEMES[:3]
    )
    return BoardFacts(
        board="Stichting Voorbeeld Primair Onderwijs",
        schools={BRIN: "Voorbeeldschool De Linde"},
        schooljaar=year,
        today=today,
        deadlines={f"mijlpaal_{n}": m for n, m in enumerate(("oktober", "december", "februari", "mei", "juni"), 1)},
        choices=dict(DEFAULT_CHOICES),
        school_forms={BRIN: SchoolForm(form, "SCH-2026-0001", dt.date(2026, 10, 20))},
        events=events,
        duties={BRIN: DutyCount(reportable=1, reported=0)},
        actions=[Action("AG-2026-0001", BRIN, "Melden bij de Nederlandse Arbeidsinspectie", today, duty=True)],
        monitor={
            BRIN: MonitorFacts(
                results=results,
                requirements=(
                    Requirement("Gemeten dit schooljaar", "voldoet", "Afgenomen op 1 oktober 2026.", "gemeten"),
                    Requirement("Erkend instrument", "aandacht", "ZIEN! staat niet op de lijst.", "instrument"),
                ),
                overall="aandacht",
                vensters="Veiligheid op school — tekst voor Vensters.",
            )
        },
        monitor_module=True,
    )


def sample_context(*, with_charts: bool = False, missing: bool = False) -> dict[str, Any]:
    return school_context(sample_facts(missing=missing), BRIN, with_charts=with_charts)
