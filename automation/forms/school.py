"""Schoolgegevens en veiligheidsbeleid — once a year per school (DOMAIN.md §4.4, §7)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from automation.forms.common import DATUM_INGEVULD, INGEVULD_DOOR, SCHOOL, janee, when
from automation.forms.model import Condition, Field, FormDef, Kind, Section

MILESTONES: tuple[tuple[str, str], ...] = (
    ("mijlpaal_1", "Kaders en afspraken vastgesteld door directie en bestuur"),
    ("mijlpaal_2", "Visie en uitgangspunten opgesteld, account Digitaal Veiligheidsplan, coördinator benoemd"),
    ("mijlpaal_3", "Monitorinstrument, frequentie en verwerking bepaald; taken coördinator vastgesteld"),
    ("mijlpaal_4", "Veiligheidsbeleid vastgesteld en gepubliceerd via Scholen op de kaart (Vensters)"),
    ("mijlpaal_5", "Evaluatie en eindbesluiten op bestuurs- en schoolniveau"),
)


def _text(
    key: str,
    label: str,
    help: str,
    *,
    required: bool = False,
    max_length: int = 200,
    required_when: tuple[Condition, ...] = (),
) -> Field:
    return Field(key, label, Kind.TEXT, help, required=required, max_length=max_length, required_when=required_when)


GOALS: tuple[tuple[str, str], ...] = tuple((f"doel_{n}", f"maatregel_{n}") for n in (1, 2, 3))


def _goal_fields(goal: str, measure: str) -> tuple[Field, Field]:
    """A goal and the measure that serves it, for the plan's chapter 'Doelen en maatregelen'."""
    n = goal[-1]
    return (
        Field(
            goal,
            f"Doel {n}",
            Kind.LONGTEXT,
            "Wat wil de school bereiken, naar aanleiding van welke cijfers (monitor, incidenten, "
            "evaluatie)? Bijvoorbeeld: minder leerlingen in groep 7 voelen zich gepest.",
            max_length=1000,
        ),
        Field(
            measure,
            f"Maatregel bij doel {n}",
            Kind.LONGTEXT,
            "Wat doet de school, wie, wanneer? Bijvoorbeeld: de coördinator geeft vanaf januari "
            "groepsgesprekken in groep 7.",
            max_length=1000,
        ),
    )


def _school_rules(record: Mapping[str, Any], add: Callable[[str, str], None]) -> None:
    branch = record.get("vestiging")
    if isinstance(branch, str) and not re.fullmatch(r"\d{2}", branch):
        add("vestiging", f"'{branch}' is geen vestigingsnummer. Verwacht: twee cijfers, zoals 00 of 01.")


FORM = FormDef(
    id="school",
    version=1,
    title="Schoolgegevens en veiligheidsbeleid",
    intro=(
        "De directeur vult dit formulier eens per schooljaar in (en opnieuw als er iets "
        "verandert). Het voedt het veiligheidsplan van de school. Velden met * zijn verplicht."
    ),
    prefix="SCH",
    cross_rules=(_school_rules,),
    register="Scholen",
    event_date_key="datum_ingevuld",
    sections=(
        Section(
            "De school",
            (
                SCHOOL,
                Field(
                    "vestiging",
                    "Vestigingsnummer",
                    Kind.TEXT,
                    "Twee cijfers, bijvoorbeeld 00. Laat leeg als de school één locatie heeft.",
                    max_length=2,
                ),
                _text("schoolnaam", "Naam van de school", "Zoals in de schoolgids.", required=True),
                _text("adres", "Adres", "Straat en huisnummer."),
                _text("plaats", "Plaats", "Vestigingsplaats."),
                _text("telefoon", "Telefoon", "Algemeen nummer van de school.", max_length=30),
                Field("email", "E-mail school", Kind.EMAIL, "Algemeen e-mailadres van de school."),
                _text("website", "Website", "Bijvoorbeeld www.school.nl."),
                _text("directeur_naam", "Naam directeur", "Voor- en achternaam.", required=True),
                Field("directeur_email", "E-mail directeur", Kind.EMAIL, "E-mailadres van de directeur."),
            ),
        ),
        Section(
            "Rollen (art. 4c WPO)",
            (
                _text(
                    "coordinator_naam",
                    "Coördinator sociale veiligheid",
                    "De persoon die het anti-pestbeleid coördineert én het aanspreekpunt pesten is (art. 4c WPO).",
                    required=True,
                ),
                _text("coordinator_functie", "Functie coördinator", "Bijvoorbeeld intern begeleider."),
                Field(
                    "coordinator_email",
                    "E-mail coördinator",
                    Kind.EMAIL,
                    "Waarop ouders en leerlingen de coördinator bereiken.",
                    required=True,
                ),
                _text("coordinator_telefoon", "Telefoon coördinator", "Optioneel.", max_length=30),
                _text("contactpersoon_naam", "Interne contactpersoon", "Intern aanspreekpunt / vertrouwenspersoon."),
                _text(
                    "aandachtsfunctionaris_naam",
                    "Aandachtsfunctionaris",
                    "De aandachtsfunctionaris huiselijk geweld en kindermishandeling (Meldcode): naam.",
                ),
                _text("vertrouwenspersoon_extern_naam", "Externe vertrouwenspersoon", "Naam."),
                _text(
                    "vertrouwenspersoon_extern_contact",
                    "Contact externe vertrouwenspersoon",
                    "Telefoon of e-mail.",
                ),
                _text("preventiemedewerker_naam", "Preventiemedewerker", "Naam (Arbowet)."),
                _text("bhv_coordinator_naam", "BHV-coördinator", "Naam."),
                Field(
                    "aantal_bhv",
                    "Aantal BHV'ers",
                    Kind.INTEGER,
                    "Aantal opgeleide bedrijfshulpverleners.",
                    minimum=0,
                    maximum=500,
                ),
                Field(
                    "klachtencommissie",
                    "Klachtencommissie",
                    Kind.CHOICE,
                    "Bij welke klachtencommissie is de school aangesloten?",
                    choices="klachtencommissie",
                ),
                _text("klachtencommissie_contact", "Contact klachtencommissie", "Website of telefoon."),
            ),
        ),
        Section(
            "Preventie en monitoring",
            (
                Field(
                    "programma",
                    "Programma sociale veiligheid",
                    Kind.CHOICE,
                    "Het anti-pest- of sociaal-emotionele programma van de school.",
                    choices="programma",
                ),
                _text(
                    "programma_toelichting",
                    "Toelichting programma",
                    "Verplicht bij 'anders': welk programma?",
                    required_when=when("programma", "anders"),
                ),
                _text(
                    "monitor_instrument",
                    "Monitorinstrument",
                    "Het instrument waarmee de veiligheid van leerlingen gemeten wordt, bijvoorbeeld ZIEN! of KiVa.",
                    required=True,
                ),
                Field(
                    "monitor_groepen",
                    "Gemeten groepen",
                    Kind.GROUPS,
                    "Welke groepen doen mee, bijvoorbeeld 5-8.",
                ),
                Field(
                    "monitor_frequentie",
                    "Frequentie monitor",
                    Kind.CHOICE,
                    "Hoe vaak wordt gemeten?",
                    choices="monitor_frequentie",
                ),
                Field("monitor_maand", "Maand van afname", Kind.CHOICE, "In welke maand meestal?", choices="maand"),
                janee(
                    "inspectie_toestemming",
                    "Toestemming levering aan inspectie",
                    "Heeft de school de leverancier van de monitor toestemming gegeven de samenvatting van de "
                    "gegevens aan de Inspectie van het Onderwijs te leveren? De school moet zorgen dat de inspectie "
                    "die elk jaar krijgt.",
                ),
                Field(
                    "inspectie_geleverd_datum",
                    "Datum levering aan inspectie",
                    Kind.DATE,
                    "De datum waarop de samenvatting van de monitorgegevens van dit schooljaar aan de inspectie is "
                    "geleverd (door de leverancier of door de school). Laat leeg zolang dat nog niet is gebeurd.",
                    not_future=True,
                ),
                Field(
                    "leerlingen_totaal",
                    "Aantal leerlingen",
                    Kind.INTEGER,
                    "Totaal aantal leerlingen op 1 oktober.",
                    minimum=0,
                    maximum=5000,
                ),
                Field(
                    "leerlingen_groep_5_8",
                    "Leerlingen groep 5 t/m 8",
                    Kind.INTEGER,
                    "Aantal leerlingen in groep 5 t/m 8.",
                    minimum=0,
                    maximum=5000,
                ),
                Field(
                    "rie_datum", "Datum RI&E", Kind.DATE, "Datum van de laatste risico-inventarisatie.", not_future=True
                ),
                Field(
                    "ontruimingsoefening_datum",
                    "Datum ontruimingsoefening",
                    Kind.DATE,
                    "Datum van de laatste ontruimingsoefening.",
                    not_future=True,
                ),
                janee("dvp_account", "Account Digitaal Veiligheidsplan", "Heeft de school een account?"),
                Field(
                    "visie",
                    "Visie op veiligheid",
                    Kind.LONGTEXT,
                    "Een alinea: hoe kijkt de school naar sociale veiligheid?",
                    max_length=4000,
                ),
            ),
        ),
        Section(
            "Voortgang (datum gereed)",
            (
                *(
                    Field(
                        key,
                        f"Mijlpaal {key[-1]}: {label}",
                        Kind.DATE,
                        "Datum waarop dit gereed was; leeg als nog niet.",
                        not_future=True,
                    )
                    for key, label in MILESTONES
                ),
                Field(
                    "plan_vastgesteld_datum",
                    "Veiligheidsplan vastgesteld",
                    Kind.DATE,
                    "Datum waarop de directie het veiligheidsplan van dit schooljaar heeft vastgesteld; "
                    "leeg als nog niet.",
                    not_future=True,
                ),
                Field(
                    "mr_instemming_datum",
                    "Instemming MR",
                    Kind.DATE,
                    "Datum waarop de medezeggenschapsraad met het veiligheidsplan heeft ingestemd; leeg als nog niet.",
                    not_future=True,
                ),
            ),
        ),
        Section("Doelen en maatregelen", tuple(f for goal, measure in GOALS for f in _goal_fields(goal, measure))),
        Section("Ingevuld door", (INGEVULD_DOOR, DATUM_INGEVULD)),
    ),
)
