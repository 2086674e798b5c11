"""Registratieformulier agressie en geweld — against staff (DOMAIN.md §4.2)."""

from __future__ import annotations

from automation.forms.common import (
    ARBEIDSINSPECTIE_DATUM,
    DATUM,
    DATUM_INGEVULD,
    INGEVULD_DOOR,
    INGEVULD_DOOR_EMAIL,
    LOCATIE,
    OMSCHRIJVING,
    SCHOOL,
    TIJD,
    correctie_van,
    injury_unknown,
    janee,
    when,
)
from automation.forms.model import (
    Alert,
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

FORM = FormDef(
    id="agressie",
    version=1,
    title="Registratieformulier agressie en geweld",
    intro=(
        "Vul dit formulier in als een medewerker te maken kreeg met agressie of geweld. "
        "Velden met * zijn verplicht. Een opvanggesprek hoort binnen 72 uur plaats te vinden. "
        "Sla het bestand op en zet het in de map voor meldingen."
    ),
    prefix="AG",
    counts=Register(
        label="Agressie en geweld tegen personeel",
        short="Agressie",
        counted="vorm",
        colour="#C65911",
        kinds_heading="Vorm van agressie",
    ),
    followups=(FollowUp(after="datum", done="opvanggesprek_datum", days=3, action="Geen opvanggesprek binnen 72 uur"),),
    register="Agressie en geweld",
    # Every report: aggression or violence against a staff member (perhaps by a colleague) is read by
    # the board's office only, never by the school's staff.
    confidential=(Confidential("agressie of geweld tegen personeel"),),
    alerts=(Alert("overlijden", (Condition("letsel", ("overleden",)),)),),  # the board's contact is told at once
    duties=(
        ReportDuty(
            to="Nederlandse Arbeidsinspectie",
            when_all=(),
            when_any=(
                Condition("ziekenhuisopname", ("ja",)),
                Condition("blijvend_letsel", ("ja",)),
                Condition("letsel", ("overleden",)),
            ),
            done=Condition("arbeidsinspectie_gemeld", ("ja",)),
            action="Melden bij de Nederlandse Arbeidsinspectie (ziekenhuisopname, blijvend letsel of overlijden)",
            message=(
                "bij ziekenhuisopname, blijvend letsel of overlijden moet de werkgever dit direct melden bij de "
                "Nederlandse Arbeidsinspectie (0800-5151; laat de plaats van het voorval ongewijzigd); dat "
                "staat hier nog niet als gemeld."
            ),
        ),
    ),
    pending=(injury_unknown(),),
    sections=(
        Section(
            "Wat is er gebeurd",
            (
                SCHOOL,
                DATUM,
                TIJD,
                LOCATIE,
                Field(
                    "medewerker_functie",
                    "Functie van de medewerker",
                    Kind.CHOICE,
                    "De functie van de medewerker die het overkwam (geen naam nodig).",
                    required=True,
                    choices="medewerker_functie",
                ),
                Field(
                    "dader_rol",
                    "Dader",
                    Kind.CHOICE,
                    "Van wie ging de agressie uit?",
                    required=True,
                    choices="agressie_dader_rol",
                ),
                Field(
                    "vorm",
                    "Vorm van agressie",
                    Kind.CHOICE,
                    "Kies de vorm die het best past.",
                    required=True,
                    choices="agressie_vorm",
                ),
                OMSCHRIJVING,
            ),
        ),
        Section(
            "Gevolgen",
            (
                Field(
                    "letsel",
                    "Letsel",
                    Kind.CHOICE,
                    "Is de medewerker gewond geraakt? Kies 'overleden' als de medewerker aan de gevolgen is overleden.",
                    choices="letsel_agressie",
                ),
                Field(
                    "letsel_aard",
                    "Aard van het letsel",
                    Kind.TEXT,
                    "Verplicht bij letsel: wat voor letsel?",
                    required_when=when("letsel", "ja"),
                    max_length=200,
                ),
                Field(
                    "verzuim_dagen",
                    "Verzuim (dagen)",
                    Kind.INTEGER,
                    "Aantal dagen dat de medewerker niet kon werken, een heel getal (0 als geen).",
                    minimum=0,
                    maximum=3650,
                ),
                janee("ziekenhuisopname", "Ziekenhuisopname", "Is de medewerker opgenomen (ook een dagopname telt)?"),
                Field(
                    "blijvend_letsel",
                    "Blijvend letsel",
                    Kind.CHOICE,
                    "Is er blijvend letsel? Nog niet bekend: kies 'onbekend'; het bestuurskantoor volgt het op.",
                    choices="janee_onbekend",
                ),
                janee(
                    "arbeidsinspectie_gemeld",
                    "Gemeld bij Arbeidsinspectie",
                    "Bij ziekenhuisopname, blijvend letsel of overlijden moet de werkgever dit direct "
                    "melden bij de Nederlandse Arbeidsinspectie: 0800-5151. Laat de plaats van het "
                    "voorval ongewijzigd.",
                ),
                ARBEIDSINSPECTIE_DATUM,
                janee("politie_aangifte", "Aangifte bij politie", "Is er aangifte gedaan?"),
                janee("materiele_schade", "Materiële schade", "Is er iets kapot of gestolen (ook van de medewerker)?"),
                Field(
                    "schade_verhaald",
                    "Schade verhaald",
                    Kind.CHOICE,
                    "Alleen bij materiële schade: is de schade verhaald op de dader (of diens ouders of "
                    "verzekering)? Nog niet bekend: kies 'onbekend'.",
                    choices="janee_onbekend",
                ),
            ),
        ),
        Section(
            "Opvang en afhandeling",
            (
                Field(
                    "opvanggesprek_datum",
                    "Datum opvanggesprek",
                    Kind.DATE,
                    "Wanneer was het opvanggesprek met de medewerker? Dit hoort binnen 72 uur.",
                    not_future=True,
                ),
                Field("nazorg", "Nazorg", Kind.LONGTEXT, "Welke nazorg is geboden of afgesproken?", max_length=2000),
                Field(
                    "maatregelen",
                    "Genomen maatregelen",
                    Kind.LONGTEXT,
                    "Welke maatregelen zijn genomen?",
                    max_length=2000,
                ),
            ),
        ),
        Section("Ingevuld door", (INGEVULD_DOOR, DATUM_INGEVULD, correctie_van("AG"), INGEVULD_DOOR_EMAIL)),
    ),
)
