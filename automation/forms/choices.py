"""Default choice lists (DOMAIN.md §4). A board may replace any of them in `[keuzelijsten]`.

The list names are part of the config contract; the values are what staff pick in the dropdowns.
"""

from __future__ import annotations

from collections.abc import Mapping

JA_NEE = ("ja", "nee")

DEFAULT_CHOICES: dict[str, tuple[str, ...]] = {
    "janee": JA_NEE,
    "janee_onbekend": ("ja", "nee", "onbekend"),
    "letsel_agressie": ("ja", "nee", "overleden"),  # a death at work must be reported (DOMAIN.md §4.3)
    "locatie": (
        "klaslokaal",
        "gang/hal",
        "speelplein",
        "gymzaal",
        "toilet",
        "schoolreis/excursie",
        "route van/naar school",
        "online",
        "buiten schooltijd",
        "anders",
    ),
    "incident_categorie": (
        "pesten",
        "digitaal pesten",
        "fysiek geweld",
        "fysiek geweld met wapen",
        "wapenbezit",
        "bedreiging",
        "verbale agressie",
        "seksueel grensoverschrijdend gedrag",
        "discriminatie",
        "vernieling of diefstal",
        "drugs of alcohol",
        "anders",
    ),
    "melder_rol": ("leerkracht", "ander personeel", "leerling", "ouder", "anders"),
    "slachtoffer_rol": ("leerling", "personeel", "ouder", "derde", "geen/onbekend"),
    "dader_rol": (
        "leerling",
        "personeel",
        "stagiair",
        "vrijwilliger",
        "externe medewerker",
        "ouder",
        "derde",
        "onbekend",
    ),
    "leerling_ref_rol": ("slachtoffer", "dader", "beide"),  # whose reference: counted apart
    "medewerker_functie": (
        "leerkracht",
        "onderwijsassistent",
        "directie",
        "intern begeleider",
        "conciërge",
        "administratie",
        "stagiair",
        "vrijwilliger",
        "anders",
    ),
    "agressie_dader_rol": ("leerling", "ouder/verzorger", "collega", "derde", "onbekend"),
    "agressie_vorm": (
        "verbale agressie",
        "bedreiging",
        "fysiek geweld",
        "seksuele intimidatie",
        "discriminatie",
        "vernieling",
        "anders",
    ),
    "slachtoffer_type": ("leerling", "medewerker", "stagiair/vrijwilliger", "bezoeker"),
    "oorzaak": (
        "val",
        "botsing",
        "speeltoestel",
        "sportmateriaal",
        "gebouw/meubilair",
        "gedrag van een ander",
        "anders",
    ),
    "letsel_aard": (
        "geen",
        "schaafwond/snijwond",
        "kneuzing",
        "verstuiking",
        "botbreuk",
        "hoofdletsel",
        "brandwond",
        "tandletsel",
        "anders",
    ),
    "eerste_hulp_door": ("BHV'er", "leerkracht", "anders"),
    "behandeling": ("geen", "huisarts", "spoedeisende hulp", "ziekenhuisopname", "overleden"),
    "klachtencommissie": ("GCBO", "LKC / Onderwijsgeschillen", "anders"),
    "programma": (
        "KiVa",
        "Kanjertraining",
        "PBS",
        "De Vreedzame School",
        "Leefstijl",
        "Taakspel",
        "anders",
    ),
    "monitor_frequentie": ("jaarlijks", "halfjaarlijks"),
    "maand": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "respondent": ("leerlingen", "ouders", "personeel"),
}

# Lists that describe the law or the calendar rather than a board's preference.
FIXED_LISTS = frozenset({"janee", "janee_onbekend", "letsel_agressie", "leerling_ref_rol", "maand"})


def resolve_choices(overrides: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """The default lists with a board's overrides applied (unknown names are a config error)."""
    merged = dict(DEFAULT_CHOICES)
    for name, values in overrides.items():
        merged[name] = tuple(values)
    return merged
