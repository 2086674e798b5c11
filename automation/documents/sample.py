"""A complete example school: every list filled, every fact present. The template check renders
against it (so every branch and loop of a template is tried), and the README's list of variables
is made from it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from automation.checks.actions import Action
from automation.checks.overview import Count
from automation.checks.schoolyear import previous, schoolyear
from automation.documents.context import school_context
from automation.documents.facts import BoardFacts, DutyCount, MonitorFacts, Requirement, SchoolForm, ThemeResult
from automation.forms.choices import DEFAULT_CHOICES
from automation.forms.peiling import THEMES

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
    months = [f"{year[:4]}-10", f"{year[:4]}-11", f"{previous(year)[:4]}-11"]
    counts = [
        Count("incident", BRIN, months[0], "pesten", 3),
        Count("incident", BRIN, months[1], "digitaal pesten", 2),
        Count("incident", BRIN, months[2], "pesten", 4),
        Count("agressie", BRIN, months[1], None, 1),
        Count("ongeval", BRIN, months[0], None, 2),
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
        counts=counts,
        kinds={
            (BRIN, "agressie", year): Counter({"bedreiging": 1}),
            (BRIN, "ongeval", year): Counter({"huisarts": 2}),
            (BRIN, "ongeval", previous(year)): Counter({"geen": 1}),
        },
        duties={BRIN: DutyCount(reportable=1, reported=0)},
        actions=[Action("AG-2026-0001", BRIN, "Melden bij de Nederlandse Arbeidsinspectie", today, duty=True)],
        monitor={
            BRIN: MonitorFacts(
                results=results,
                requirements=(Requirement("Gemeten dit schooljaar", "voldoet", "Afgenomen op 1 oktober 2026."),),
                overall="voldoet",
                vensters="Veiligheid op school — tekst voor Vensters.",
            )
        },
        monitor_module=True,
    )


def sample_context(*, with_charts: bool = False, missing: bool = False) -> dict[str, Any]:
    return school_context(sample_facts(missing=missing), BRIN, with_charts=with_charts)
