"""Ongevallenmeldingsformulier — accidents (DOMAIN.md §4.3)."""

from __future__ import annotations

from automation.forms.common import (
    ARBEIDSINSPECTIE_DATUM,
    DATUM_INGEVULD,
    INGEVULD_DOOR,
    INGEVULD_DOOR_EMAIL,
    LOCATIE,
    SCHOOL,
    TIJD,
    correctie_van,
    datum,
    injury_unknown,
    janee,
    when,
)
from automation.forms.model import Alert, Condition, Field, FormDef, Kind, Register, ReportDuty, Section

AT_WORK = Condition("slachtoffer_type", ("medewerker", "stagiair/vrijwilliger"))  # under the employer's authority

FORM = FormDef(
    id="ongeval",
    version=1,
    title="Ongevallenmeldingsformulier",
    intro=(
        "Vul dit formulier in na een ongeval op school of tijdens een schoolactiviteit. "
        "Velden met * zijn verplicht. Een ongeval van een medewerker, stagiair of vrijwilliger "
        "met ziekenhuisopname, blijvend letsel of overlijden moet direct gemeld worden bij de "
        "Nederlandse Arbeidsinspectie (0800-5151); laat de plaats van het ongeval dan ongewijzigd."
    ),
    summary=("slachtoffer_type", "letsel_aard"),
    prefix="ONG",
    counts=Register(
        label="Ongevallen",
        short="Ongevallen",
        counted="behandeling",
        colour="#70AD47",
        kinds_heading="Ongevallen naar behandeling",
    ),
    register="Ongevallen",
    alerts=(Alert("overlijden", (Condition("behandeling", ("overleden",)),)),),  # the board's contact is told at once
    duties=(
        ReportDuty(
            to="Nederlandse Arbeidsinspectie",
            when_all=(AT_WORK,),
            when_any=(
                Condition("behandeling", ("ziekenhuisopname", "overleden")),
                Condition("blijvend_letsel", ("ja",)),
            ),
            done=Condition("arbeidsinspectie_gemeld", ("ja",)),
            action=(
                "Melden bij de Nederlandse Arbeidsinspectie (ongeval van personeel met ziekenhuisopname, "
                "blijvend letsel of overlijden)"
            ),
            message=(
                "een ongeval van een medewerker, stagiair of vrijwilliger met ziekenhuisopname, blijvend "
                "letsel of overlijden moet de werkgever direct melden bij de Nederlandse Arbeidsinspectie "
                "(0800-5151; laat de plaats van het ongeval ongewijzigd); dat staat hier nog niet als gemeld."
            ),
        ),
    ),
    pending=(injury_unknown(AT_WORK),),
    sections=(
        Section(
            "Het ongeval",
            (
                SCHOOL,
                datum("Datum van het ongeval"),
                TIJD,
                Field(
                    "slachtoffer_type",
                    "Slachtoffer",
                    Kind.CHOICE,
                    "Wie raakte gewond?",
                    required=True,
                    choices="slachtoffer_type",
                ),
                Field(
                    "slachtoffer_groep",
                    "Groep van de leerling",
                    Kind.GROUP,
                    "Verplicht bij een leerling: groep 1 t/m 8, of bijvoorbeeld 5/6.",
                    required_when=when("slachtoffer_type", "leerling"),
                ),
                LOCATIE,
                Field("activiteit", "Activiteit", Kind.TEXT, "Wat was het slachtoffer aan het doen?", max_length=200),
                Field(
                    "toedracht",
                    "Toedracht",
                    Kind.LONGTEXT,
                    "Hoe gebeurde het? Gebruik geen namen van leerlingen.",
                    required=True,
                    max_length=4000,
                ),
                Field("oorzaak", "Oorzaak", Kind.CHOICE, "Wat was de belangrijkste oorzaak?", choices="oorzaak"),
            ),
        ),
        Section(
            "Letsel en behandeling",
            (
                Field(
                    "letsel_aard",
                    "Aard van het letsel",
                    Kind.CHOICE,
                    "Kies het belangrijkste letsel.",
                    required=True,
                    choices="letsel_aard",
                ),
                Field("lichaamsdeel", "Lichaamsdeel", Kind.TEXT, "Welk lichaamsdeel?", max_length=100),
                Field(
                    "eerste_hulp_door",
                    "Eerste hulp door",
                    Kind.CHOICE,
                    "Wie verleende eerste hulp?",
                    choices="eerste_hulp_door",
                ),
                Field(
                    "behandeling",
                    "Behandeling",
                    Kind.CHOICE,
                    "De zwaarste behandeling die nodig was (een dagopname is ziekenhuisopname); "
                    "'overleden' als het slachtoffer is overleden.",
                    required=True,
                    choices="behandeling",
                ),
                Field(
                    "blijvend_letsel",
                    "Blijvend letsel",
                    Kind.CHOICE,
                    "Is er blijvend letsel? Nog niet bekend: kies 'onbekend'; het bestuurskantoor volgt het op.",
                    choices="janee_onbekend",
                ),
                janee("ouders_geinformeerd", "Ouders geïnformeerd", "Bij een leerling: zijn de ouders ingelicht?"),
                Field(
                    "verzuim_dagen",
                    "Verzuim (dagen)",
                    Kind.INTEGER,
                    "Aantal dagen afwezig door het ongeval, een heel getal (0 als geen).",
                    minimum=0,
                    maximum=3650,
                ),
            ),
        ),
        Section(
            "Melding en preventie",
            (
                janee(
                    "arbeidsinspectie_gemeld",
                    "Gemeld bij Arbeidsinspectie",
                    "Een ongeval van een medewerker, stagiair of vrijwilliger met ziekenhuisopname, "
                    "blijvend letsel of overlijden moet de werkgever direct melden bij de Nederlandse "
                    "Arbeidsinspectie: 0800-5151. Laat de plaats van het ongeval ongewijzigd.",
                ),
                ARBEIDSINSPECTIE_DATUM,
                janee("verzekering_gemeld", "Gemeld bij verzekering", "Is het ongeval gemeld bij de verzekering?"),
                Field(
                    "preventieve_maatregel",
                    "Preventieve maatregel",
                    Kind.LONGTEXT,
                    "Wat doen we om herhaling te voorkomen?",
                    max_length=2000,
                ),
            ),
        ),
        Section("Ingevuld door", (INGEVULD_DOOR, DATUM_INGEVULD, correctie_van("ONG"), INGEVULD_DOOR_EMAIL)),
    ),
)
