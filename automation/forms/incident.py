"""Incidentregistratie — incidents involving pupils (DOMAIN.md §4.1)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from automation.forms.common import (
    DATUM,
    DATUM_INGEVULD,
    INGEVULD_DOOR,
    INGEVULD_DOOR_EMAIL,
    LOCATIE,
    OMSCHRIJVING,
    SCHOOL,
    TIJD,
    correctie_van,
    janee,
    when,
)
from automation.forms.model import (
    Condition,
    Confidential,
    Field,
    FollowUp,
    FormDef,
    Kind,
    Register,
    ReportDuty,
    Section,
)

SGG = "seksueel grensoverschrijdend gedrag"
# Everyone who works at the school, paid or not (DOMAIN.md §4.1): their sexual misconduct is the board's
# to report to the confidential inspector.
STAFF = ("personeel", "stagiair", "vrijwilliger", "externe medewerker")
BULLYING = ("pesten", "digitaal pesten")


def _pupil_role(record: Mapping[str, Any], add: Callable[[str, str], None]) -> None:
    """A pupil's reference says whose it is, so repeated victimisation and repeated bullying are counted
    apart (issue 11, point 13)."""
    if record.get("leerling_ref") and not record.get("leerling_ref_rol"):
        add(
            "leerling_ref_rol",
            "is verplicht omdat 'Leerlingnummer of initialen' is ingevuld, maar is leeg. "
            "Kies of deze leerling het slachtoffer, de dader of beide is.",
        )


FORM = FormDef(
    id="incident",
    version=1,
    title="Incidentregistratie",
    intro=(
        "Vul dit formulier in na een incident met leerlingen (pesten, geweld, bedreiging, "
        "discriminatie, ...). Velden met * zijn verplicht. Noem geen namen van leerlingen: "
        "gebruik een leerlingnummer of initialen. Sla het bestand op en zet het in de map "
        "voor meldingen."
    ),
    prefix="INC",
    counts=Register(
        label="Incidenten met leerlingen",
        short="Incidenten",
        counted="categorie",
        colour="#1F4E79",
        kinds_heading="Soort incident",
        highlighted=("pesten", "digitaal pesten"),
    ),
    register="Incidenten",
    cross_rules=(_pupil_role,),
    # Read by the board's office only, never by the school's staff (who may include the accused):
    confidential=(
        Confidential("seksueel grensoverschrijdend gedrag", (Condition("categorie", (SGG,)),)),
        Confidential("iemand die op school werkt als (vermoedelijke) dader", (Condition("dader_rol", STAFF),)),
    ),
    followups=(
        FollowUp(
            after="datum",
            done="evaluatie_datum",
            days=14,
            action="Geen evaluatie van het pesten na twee weken (pestprotocol)",
            when=(Condition("categorie", BULLYING),),
        ),
    ),
    duties=(
        ReportDuty(
            to="vertrouwensinspecteur van de Inspectie van het Onderwijs",
            when_all=(Condition("categorie", (SGG,)), Condition("dader_rol", STAFF)),
            when_any=(),
            done=Condition("vertrouwensinspecteur_geraadpleegd", ("ja",)),
            action="Vertrouwensinspecteur raadplegen (seksueel grensoverschrijdend gedrag door personeel)",
            message=(
                "bij seksueel grensoverschrijdend gedrag door iemand die op school werkt (ook een stagiair, "
                "vrijwilliger of externe medewerker) raadpleegt het bestuur direct de vertrouwensinspecteur; "
                "dat staat hier nog niet als gedaan. Elke medewerker meldt dit zelf direct aan het bestuur, "
                "niet alleen aan de schoolleiding. Het bestuurskantoor ziet deze melding als eerste open actie."
            ),
            priority=1,  # the most urgent of all: the board must act at once
        ),
    ),
    sections=(
        Section(
            "Wat is er gebeurd",
            (
                SCHOOL,
                DATUM,
                TIJD,
                LOCATIE,
                Field(
                    "categorie",
                    "Soort incident",
                    Kind.CHOICE,
                    "Kies de soort die het best past.",
                    required=True,
                    choices="incident_categorie",
                ),
                Field(
                    "categorie_toelichting",
                    "Omschrijving soort 'anders'",
                    Kind.TEXT,
                    "Verplicht als u bij Soort incident 'anders' kiest: om wat voor incident ging het?",
                    required_when=when("categorie", "anders"),
                    max_length=200,
                ),
                OMSCHRIJVING,
            ),
        ),
        Section(
            "Betrokkenen",
            (
                Field(
                    "melder_rol",
                    "Gemeld door",
                    Kind.CHOICE,
                    "Wie meldde het incident?",
                    required=True,
                    choices="melder_rol",
                ),
                Field(
                    "slachtoffer_rol",
                    "Slachtoffer",
                    Kind.CHOICE,
                    "Wie was het slachtoffer?",
                    required=True,
                    choices="slachtoffer_rol",
                ),
                Field(
                    "slachtoffer_groep",
                    "Groep van het slachtoffer",
                    Kind.GROUP,
                    "Verplicht als het slachtoffer een leerling is: groep 1 t/m 8, of bijvoorbeeld 5/6.",
                    required_when=when("slachtoffer_rol", "leerling"),
                ),
                Field(
                    "dader_rol",
                    "Dader",
                    Kind.CHOICE,
                    "Wie was de (vermoedelijke) dader? Iemand die op school werkt: personeel, stagiair, "
                    "vrijwilliger of externe medewerker.",
                    required=True,
                    choices="dader_rol",
                ),
                Field(
                    "dader_groep",
                    "Groep van de dader",
                    Kind.GROUP,
                    "Verplicht als de dader een leerling is: groep 1 t/m 8, of bijvoorbeeld 5/6.",
                    required_when=when("dader_rol", "leerling"),
                ),
                Field(
                    "leerling_ref",
                    "Leerlingnummer of initialen",
                    Kind.PUPIL_REF,
                    "Nooit een naam. Een leerlingnummer of initialen, zodat herhaling bij dezelfde "
                    "leerling zichtbaar wordt. Het bestuur ziet alleen een code.",
                    max_length=20,
                ),
                Field(
                    "leerling_ref_rol",
                    "Rol van deze leerling",
                    Kind.CHOICE,
                    "Verplicht als u een leerlingnummer of initialen invult: is deze leerling het slachtoffer, "
                    "de dader of beide? Zo telt het bestuur herhaald slachtofferschap en herhaald pestgedrag apart.",
                    choices="leerling_ref_rol",
                ),
            ),
        ),
        Section(
            "Gevolgen en afhandeling",
            (
                janee("letsel", "Letsel", "Is iemand gewond geraakt?"),
                janee("materiele_schade", "Materiële schade", "Is er iets kapot of gestolen?"),
                janee("politie_ingeschakeld", "Politie ingeschakeld", "Is de politie erbij gehaald?"),
                janee("aangifte_gedaan", "Aangifte gedaan", "Is er aangifte gedaan?"),
                janee("ouders_geinformeerd", "Ouders geïnformeerd", "Zijn de ouders op de hoogte gebracht?"),
                Field(
                    "maatregelen",
                    "Genomen maatregelen",
                    Kind.LONGTEXT,
                    "Welke maatregelen zijn genomen?",
                    max_length=2000,
                ),
                Field(
                    "nazorg",
                    "Nazorg",
                    Kind.LONGTEXT,
                    "Welke nazorg is geboden of afgesproken?",
                    max_length=2000,
                ),
                Field(
                    "evaluatie_datum",
                    "Datum evaluatie (pesten)",
                    Kind.DATE,
                    "Bij pesten en digitaal pesten: de datum waarop na ongeveer twee weken met de leerlingen "
                    "(en zo nodig de ouders) is nagegaan of het pesten is gestopt (pestprotocol). Laat leeg "
                    "zolang dat nog niet is gebeurd; na twee weken volgt het bestuurskantoor het op.",
                    not_future=True,
                ),
                janee(
                    "vertrouwensinspecteur_geraadpleegd",
                    "Vertrouwensinspecteur geraadpleegd",
                    "Niet verplicht. Seksueel grensoverschrijdend gedrag door iemand die op school werkt "
                    "(ook stagiair, vrijwilliger of externe) meldt elke medewerker direct aan het "
                    "bestuur, niet alleen aan de schoolleiding; het bestuur raadpleegt de vertrouwensinspecteur.",
                ),
            ),
        ),
        Section("Ingevuld door", (INGEVULD_DOOR, DATUM_INGEVULD, correctie_van("INC"), INGEVULD_DOOR_EMAIL)),
    ),
)
