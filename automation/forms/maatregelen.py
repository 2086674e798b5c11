"""Doelen en maatregelen — what a school does about its figures (issue 15, part 1; DOMAIN.md §8).

One form per measure: the director records its aim, the measure, why (a monitor theme, a trend in
the registrations, an inspection finding or another reason), who carries it, when it starts and must
be done, how it stands, and later its evaluation (date and result), by sending a correction of the
measure's number (`MAA-2026-0003`). The measures of a school year feed the plan's chapter 'Doelen en
maatregelen', a column of the Overzicht and the open actions.

Field keys (the defined names of the input cells; a contract, like the other forms'):

| key                    | label                                | kind                                                  |
|------------------------|--------------------------------------|-------------------------------------------------------|
| school*                | School                               | school                                                |
| doel*                  | Doel                                 | long text                                             |
| maatregel*             | Maatregel                            | long text                                             |
| aanleiding*            | Aanleiding                           | choice: thema van de monitor, ontwikkeling in de      |
|                        |                                      | registraties, bevinding van de inspectie, andere reden|
| aanleiding_thema       | Thema van de monitor                 | choice (the monitor's themes, forms.peiling.THEMES);  |
|                        |                                      | * when aanleiding is 'thema van de monitor'           |
| aanleiding_toelichting | Toelichting op de aanleiding         | text; * for every other aanleiding                    |
| eigenaar*              | Eigenaar                             | text (a function, or a staff member's name)           |
| startdatum*            | Startdatum                           | date                                                  |
| einddatum*             | Uiterlijk klaar                      | date, not before startdatum                           |
| status*                | Stand                                | choice: gepland, loopt, afgerond, gestopt             |
| evaluatie_datum        | Datum evaluatie                      | date, not in the future, not before startdatum        |
| evaluatie_resultaat    | Resultaat van de evaluatie           | long text; * with evaluatie_datum (and vice versa)    |
| ingevuld_door*         | Ingevuld door                        | text                                                  |
| datum_ingevuld*        | Datum ingevuld                       | date, not in the future                               |
| correctie_van          | Correctie van registratienummer      | registration number (MAA-…)                           |

The measure's school year is the one its start date falls in; a plan shows the measures that run in
its year (started by its end, and not evaluated before its start).

What the published plan shows (chapter 9.2, `checks.measures`): the goal, the measure, the reason
as its kind (or the monitor's theme), the owner, the dates, the stand and the evaluation. Not the
free explanation of the reason: it is about an incident or a trend, where a pupil gets named, and
stays in the master's register. The free texts the plan does show cannot be checked for names (no
rule tells a name from a word), so the intake warns — in the confirmation, without rejecting — when
one holds what the board's forms use for a pupil: a pupil number (five digits or more), initials
written with dots (J.d.V., A.B.) or a pupil's code from the master (LL-…, `privacy.pseudonym`).

The open actions — a measure past its end date without an evaluation, and a measure marked
'afgerond' without an evaluation (at once, whatever its end date; the sender is warned in the
confirmation, the form is accepted) — are the board's own norm (every measure is evaluated, the plan
says so in 'Evaluatie'), not a legal duty: their texts say so. A measure the director marks 'gestopt'
raises none.

In the master it has a register of its own ('Maatregelen'), with the office's status and notes, like
the event forms; it is not counted among the registrations (`Register.in_figures`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from automation.forms.common import DATUM_INGEVULD, INGEVULD_DOOR, SCHOOL, correctie_van, dutch_date, when
from automation.forms.model import Add, Condition, Field, FollowUp, FormDef, Kind, Pending, Register, Section
from automation.forms.peiling import THEMES

MONITOR, REGISTRATIONS, INSPECTION, OTHER = (
    "thema van de monitor",
    "ontwikkeling in de registraties",
    "bevinding van de inspectie",
    "andere reden",
)
PLANNED, RUNNING, FINISHED, STOPPED = "gepland", "loopt", "afgerond", "gestopt"
# past its end date: a stopped measure is not evaluated against it, and a finished one without an
# evaluation has its own action already (UNEVALUATED)
STILL_RUNNING = (PLANNED, RUNNING)

OVERDUE = "Maatregel over de einddatum zonder evaluatie (afspraak van het bestuur, geen wettelijke eis)"
UNEVALUATED = "Maatregel afgerond zonder evaluatie (afspraak van het bestuur, geen wettelijke eis)"


# What the board's forms use for a pupil (the incident form's 'Leerlingnummer of initialen', and its
# pseudonym in the master), as it may be typed in a free text: found, never proof of a pupil.
PUPIL_LIKE = (
    (
        re.compile(r"(?<![\w-])LL-[0-9A-F]{10}(?!\w)", re.IGNORECASE),
        "een leerlingcode uit het bestuursoverzicht (LL-…)",
    ),
    (re.compile(r"(?<![\d.,/-])\d{5,}(?![.,/-]?\d)"), "een leerlingnummer"),
    (
        re.compile(r"(?<![\w.])[A-Z]\.(?:\s?(?:[a-z]{1,3}[.\s]\s?){0,2}[A-Z]\.)+"),
        "initialen van een leerling (zoals J.d.V.)",
    ),
)
IN_THE_PLAN = ("doel", "maatregel", "eigenaar", "evaluatie_resultaat")  # shown in the published plan
IN_THE_MASTER = ("aanleiding_toelichting",)  # in the master's register only


def pupil_like(text: str) -> str | None:
    """What in `text` looks like a pupil's number, initials or code, said in Dutch; None if nothing."""
    return next((what for pattern, what in PUPIL_LIKE if pattern.search(text)), None)


def _no_pupils(record: Mapping[str, Any], add: Add) -> None:
    """A warning (not a rejection) for a free text that holds what looks like a pupil reference. The
    warning does not repeat it: the confirmation and the Logboek should not carry it once more."""
    for key in (*IN_THE_PLAN, *IN_THE_MASTER):
        text = record.get(key)
        what = pupil_like(text) if isinstance(text, str) else None
        if what is None:
            continue
        where = (
            "Deze tekst komt in het veiligheidsplan, dat de school openbaar maakt"
            if key in IN_THE_PLAN
            else "Deze toelichting staat in het bestuursoverzicht"
        )
        add(
            key,
            f"de tekst bevat iets dat lijkt op {what}. {where}: noem geen leerlingen, ook niet met een nummer, "
            "initialen of code. Staat er toch een leerling in, stuur dan een correctie zonder.",
            warning=True,
        )


def _dates(record: Mapping[str, Any], add: Callable[[str, str], None]) -> None:
    """An end before the start, or an evaluation before it began, is a typing error; an evaluation
    has a date and a result."""
    start, end = record.get("startdatum"), record.get("einddatum")
    evaluated, result = record.get("evaluatie_datum"), record.get("evaluatie_resultaat")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        add(
            "einddatum",
            f"de einddatum {dutch_date(end)} ligt vóór de startdatum ({dutch_date(start)}). "
            "Verwacht: de startdatum of later.",
        )
    if isinstance(start, dt.date) and isinstance(evaluated, dt.date) and evaluated < start:
        add(
            "evaluatie_datum",
            f"de evaluatie ({dutch_date(evaluated)}) ligt vóór de startdatum ({dutch_date(start)}). "
            "Verwacht: de startdatum of later.",
        )
    if evaluated is not None and not result:
        add(
            "evaluatie_resultaat",
            "is verplicht omdat 'Datum evaluatie' is ingevuld, maar is leeg. Schrijf wat de evaluatie opleverde.",
        )
    if result and evaluated is None:
        add(
            "evaluatie_datum",
            "is verplicht omdat 'Resultaat van de evaluatie' is ingevuld, maar is leeg. Vul de datum van de "
            "evaluatie in.",
        )


FORM = FormDef(
    id="maatregelen",
    version=1,
    title="Doelen en maatregelen",
    intro=(
        "De directeur vult dit formulier in voor elke maatregel die de school neemt naar aanleiding van haar "
        "cijfers: één formulier per maatregel. Evalueert u de maatregel later, stuur dan een correctie met het "
        "registratienummer uit de bevestiging en vul de evaluatie in. Velden met * zijn verplicht."
    ),
    prefix="MAA",
    register="Maatregelen",
    event_date_key="datum_ingevuld",
    counts=Register(
        label="Maatregelen",
        short="Maatregelen",
        counted="status",
        colour="#548235",
        kinds_heading="Stand",
        in_figures=False,
    ),
    summary=("status",),
    cross_rules=(_dates, _no_pupils),
    followups=(
        FollowUp(
            after="einddatum",
            done="evaluatie_datum",
            days=0,
            action=OVERDUE,
            when=(Condition("status", STILL_RUNNING),),
        ),
    ),
    pending=(
        Pending(
            when_all=(Condition("status", (FINISHED,)),),
            done="evaluatie_datum",
            key="status",
            message=(
                "de maatregel staat op 'afgerond', maar er is nog geen evaluatie ingevuld. Het bestuur vraagt elke "
                "maatregel te evalueren (een afspraak van het bestuur, geen wettelijke eis): stuur een correctie "
                "met de datum en het resultaat van de evaluatie. Het bestuurskantoor houdt dit als open actie bij."
            ),
            action=UNEVALUATED,
        ),
    ),
    choice_lists=(
        ("maatregel_aanleiding", (MONITOR, REGISTRATIONS, INSPECTION, OTHER)),
        ("monitor_thema", tuple(label for _, label in THEMES)),
        ("maatregel_status", (PLANNED, RUNNING, FINISHED, STOPPED)),
    ),
    sections=(
        Section(
            "Doel en maatregel",
            (
                SCHOOL,
                Field(
                    "doel",
                    "Doel",
                    Kind.LONGTEXT,
                    "Wat wil de school bereiken? Bijvoorbeeld: minder leerlingen in groep 7 voelen zich gepest.",
                    required=True,
                    max_length=1000,
                ),
                Field(
                    "maatregel",
                    "Maatregel",
                    Kind.LONGTEXT,
                    "Wat doet de school daarvoor? Bijvoorbeeld: groepsgesprekken in groep 7, elke twee weken.",
                    required=True,
                    max_length=2000,
                ),
            ),
        ),
        Section(
            "Aanleiding",
            (
                Field(
                    "aanleiding",
                    "Aanleiding",
                    Kind.CHOICE,
                    "Waarom neemt de school deze maatregel?",
                    required=True,
                    choices="maatregel_aanleiding",
                ),
                Field(
                    "aanleiding_thema",
                    "Thema van de monitor",
                    Kind.CHOICE,
                    f"Verplicht bij '{MONITOR}': om welk thema van de monitor gaat het?",
                    choices="monitor_thema",
                    required_when=when("aanleiding", MONITOR),
                ),
                Field(
                    "aanleiding_toelichting",
                    "Toelichting op de aanleiding",
                    Kind.TEXT,
                    "Verplicht bij een andere aanleiding dan de monitor: welke ontwikkeling, welke bevinding of "
                    "welke reden? Bijvoorbeeld: meer digitaal pesten dan vorig jaar. Noem geen leerlingen.",
                    required_when=when("aanleiding", REGISTRATIONS, INSPECTION, OTHER),
                    max_length=300,
                ),
            ),
        ),
        Section(
            "Uitvoering",
            (
                Field(
                    "eigenaar",
                    "Eigenaar",
                    Kind.TEXT,
                    "Wie zorgt dat de maatregel wordt uitgevoerd? Bij voorkeur een functie, bijvoorbeeld "
                    "de coördinator sociale veiligheid.",
                    required=True,
                    max_length=120,
                ),
                Field(
                    "startdatum",
                    "Startdatum",
                    Kind.DATE,
                    "Wanneer begint de maatregel (dd-mm-jjjj)? Mag in de toekomst liggen.",
                    required=True,
                ),
                Field(
                    "einddatum",
                    "Uiterlijk klaar",
                    Kind.DATE,
                    "Wanneer moet de maatregel uitgevoerd en geëvalueerd zijn? Daarna volgt het bestuurskantoor "
                    "een maatregel zonder evaluatie op.",
                    required=True,
                ),
                Field(
                    "status",
                    "Stand",
                    Kind.CHOICE,
                    "Hoe staat de maatregel ervoor? Kies 'gestopt' als de school ermee stopt.",
                    required=True,
                    choices="maatregel_status",
                ),
            ),
        ),
        Section(
            "Evaluatie",
            (
                Field(
                    "evaluatie_datum",
                    "Datum evaluatie",
                    Kind.DATE,
                    "Wanneer is de maatregel geëvalueerd? Laat leeg zolang dat nog niet is gebeurd.",
                    not_future=True,
                ),
                Field(
                    "evaluatie_resultaat",
                    "Resultaat van de evaluatie",
                    Kind.LONGTEXT,
                    "Wat leverde de maatregel op, is het doel bereikt, en wat doet de school nu? Verplicht "
                    "met een datum van evaluatie.",
                    max_length=2000,
                ),
            ),
        ),
        Section("Ingevuld door", (INGEVULD_DOOR, DATUM_INGEVULD, correctie_van("MAA"))),
    ),
)
