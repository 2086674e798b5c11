"""Fields that several forms share, so their labels and help read the same everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

from automation.forms.model import Condition, Field, Kind, Pending


def dutch_date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


def shown(value: Any) -> str:
    """A value as a message quotes it: Dutch dates and decimal commas, long text shortened."""
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, dt.date):
        return dutch_date(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}".replace(".", ",")
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def when(key: str, *values: str) -> tuple[Condition, ...]:
    return (Condition(key, tuple(values)),)


SCHOOL = Field(
    "school",
    "School",
    Kind.SCHOOL,
    "Kies uw school uit de lijst.",
    required=True,
)


def datum(label: str = "Datum van het voorval") -> Field:
    return Field(
        "datum",
        label,
        Kind.DATE,
        "De dag waarop het gebeurde, als datum (dd-mm-jjjj). Niet in de toekomst.",
        required=True,
        not_future=True,
    )


DATUM = datum()
LOCATIE = Field("locatie", "Locatie", Kind.CHOICE, "Waar gebeurde het?", required=True, choices="locatie")
ARBEIDSINSPECTIE_DATUM = Field(
    "arbeidsinspectie_datum",
    "Datum melding Arbeidsinspectie",
    Kind.DATE,
    "Verplicht als het gemeld is: de datum van de melding.",
    required_when=(Condition("arbeidsinspectie_gemeld", ("ja",)),),
    not_future=True,
)
TIJD = Field("tijd", "Tijdstip", Kind.TIME, "Ongeveer hoe laat, bijvoorbeeld 10:30.")
OMSCHRIJVING = Field(
    "omschrijving",
    "Omschrijving",
    Kind.LONGTEXT,
    "Wat is er gebeurd, wie waren erbij betrokken en wat was de aanleiding? Gebruik geen namen van leerlingen.",
    required=True,
    max_length=4000,
)
INGEVULD_DOOR = Field(
    "ingevuld_door",
    "Ingevuld door",
    Kind.TEXT,
    "Uw naam en functie, zodat het bestuurskantoor u kan bereiken.",
    required=True,
    max_length=120,
)
SENDER_EMAIL = "ingevuld_door_email"
INGEVULD_DOOR_EMAIL = Field(
    SENDER_EMAIL,
    "Uw e-mailadres",
    Kind.EMAIL,
    "Niet verplicht. Vult u het in, dan krijgt u een e-mail als dit formulier niet verwerkt kan worden, met "
    "de uitleg en uw bestand met opmerkingen erbij.",
    max_length=254,
    added_later=True,  # the blanks schools hold already lack it
)
DATUM_INGEVULD = Field(
    "datum_ingevuld",
    "Datum ingevuld",
    Kind.DATE,
    "De datum van vandaag.",
    required=True,
    not_future=True,
)


def correctie_van(prefix: str) -> Field:
    return Field(
        "correctie_van",
        "Correctie van registratienummer",
        Kind.REGNR,
        "Alleen invullen als dit formulier een eerdere melding verbetert: het registratienummer "
        f"uit de bevestiging van toen, zoals {prefix}-2026-0042. Laat anders leeg.",
    )


def janee(key: str, label: str, help: str, **kw: object) -> Field:
    return Field(key, label, Kind.CHOICE, help, choices="janee", **kw)  # type: ignore[arg-type]


def injury_unknown(*when: Condition) -> Pending:
    """Permanent injury 'onbekend' (DOMAIN.md §4.3): an open action until it is known, because permanent
    injury or a later hospital admission must still be reported to the Labour Inspectorate. `when`: the
    cases the duty concerns (on the accident form: a victim at work)."""
    return Pending(
        when_all=(*when, Condition("blijvend_letsel", ("onbekend",))),
        key="blijvend_letsel",
        action=(
            "Nagaan of er blijvend letsel is (nu 'onbekend'); blijvend letsel of een latere "
            "ziekenhuisopname alsnog melden bij de Nederlandse Arbeidsinspectie"
        ),
        message=(
            "blijvend letsel is nog onbekend: blijkt later dat er blijvend letsel is of volgt alsnog een "
            "ziekenhuisopname, dan moet de werkgever dat direct melden bij de Nederlandse "
            "Arbeidsinspectie. Het bestuurskantoor houdt dit als open actie bij."
        ),
    )
